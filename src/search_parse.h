/*
 * search_parse.h: backend-free parser of mreg's search query language
 * (doc/search.md, "Query language").
 *
 * Plain C99 (no postgres.h, no palloc, no ereport), so that the libFuzzer
 * harness links it standalone.  Memory comes from a caller-supplied allocator
 * (LxMem, lex.h); an error comes back as an LxError: a status, a 1-based
 * character position, a message and an "expected ..." text, which the
 * backend glue (search.c) turns into an ereport() with SQLSTATE 42601.
 *
 * A query is UTF-8 text; terms are separated by white space (ASCII and the
 * Unicode White_Space characters) and all ANDed:
 *
 *   word                  any other run of non-space characters
 *   "a phrase"            "" inside is a quote
 *   -term                 negates a word, phrase or field term
 *   field:value           constraint data_domain domain feature framework
 *                         license model owner project slice stage task team;
 *                         value bare (no '"') or "quoted"
 *   tag:key[=value]       key [A-Za-z0-9_.:/-]{1,128}
 *   version:RANGE         a semver range (semver_range.h), bare or "quoted"
 *   uses:NODE             a lineage node (lineage_parse.h), as written
 *   trained:[OP]DATE      YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]
 *   duration:[OP]DUR      e.g. 1d2h30m15s; value: whole seconds
 *   importance:NAME OP N  NAME bare or "quoted"
 *   NAME OP N             metric threshold, NAME [A-Za-z][A-Za-z0-9_.@-]{0,62}
 *
 * with OP one of < <= > >= = (trained and duration: = when absent).
 */
#ifndef MREG_SEARCH_PARSE_H
#define MREG_SEARCH_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lex.h"

/* Limits (errors beyond them, like any syntax error). */
#define SQ_MAX_QUERY	10000	/* bytes of query text */
#define SQ_MAX_TERMS	100		/* terms in a query */
#define SQ_MAX_VALUE	1000	/* bytes of one value or key, unquoted */
#define SQ_MAX_METRIC	63		/* bytes of a metric name (mreg's metric-name rule) */
#define SQ_MAX_TAGKEY	128		/* bytes of a tag key (mreg.tag's key rule) */
/* the largest duration in seconds: its microseconds still fit an int64 (an interval) */
#define SQ_MAX_DURATION INT64_C(9223372036854)

typedef enum SqKind
{
	SQ_WORD,
	SQ_PHRASE,
	SQ_FIELD,
	SQ_METRIC
} SqKind;

typedef struct SqTerm
{
	int			pos;			/* 1-based character position of the term (its '-' if negated) */
	size_t		off;			/* byte offset of the term */
	size_t		len;			/* bytes of the term in the query */
	bool		negated;
	SqKind		kind;
	char	   *field;			/* field name, or the metric name in lower case; NULL for words, phrases */
	char	   *key;			/* tag key, importance feature name; else NULL */
	const char *op;				/* static: ":" "=" "<" "<=" ">" ">="; NULL for words, phrases */
	char	   *value;			/* unquoted value; NULL for tag:key */
} SqTerm;

typedef struct SqQuery
{
	int			nterms;
	SqTerm	   *terms;			/* NULL when nterms is 0 */
} SqQuery;

/*
 * Parse s[0..len) (need not be NUL-terminated).  On LX_OK *q holds the terms
 * in query order (free with sq_free); otherwise *err says why
 * (LX_ERR_SYNTAX: malformed or past a limit; LX_ERR_NOMEM) and *q is empty.
 */
LxStatus	sq_parse(const char *s, size_t len, LxMem *mem, SqQuery *q, LxError *err);

void		sq_free(SqQuery *q, LxMem *mem);

/* "word", "phrase", "field" or "metric" */
const char *sq_kind_name(SqKind kind);

#endif							/* MREG_SEARCH_PARSE_H */
