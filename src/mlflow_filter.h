/*
 * mlflow_filter.h: backend-free parser of MLflow model-version filter
 * strings (doc/mlflow.md, "Filter strings").
 *
 * Plain C99 (no postgres.h), so that the libFuzzer harness links it
 * standalone.  Memory comes from a caller-supplied allocator (LxMem, lex.h);
 * an error comes back as an LxError: a status, a 1-based character position,
 * a message and an "expected ..." text, which the backend glue (mlflow.c)
 * turns into an ereport() with SQLSTATE 42601.
 *
 * What MLflow's SearchModelVersionUtils accepts (mlflow/utils/search_utils.py):
 *
 *   filter      := comparison { AND comparison }        (empty: every version)
 *   comparison  := identifier comparator value
 *   identifier  := [attribute.]KEY | tag.KEY | tags.KEY
 *                  attribute keys name, run_id, source_path (strings) and
 *                  version_number (integer); a tag KEY is bare
 *                  [A-Za-z0-9_.]+, `backticked` or "double-quoted"
 *   comparator  := = != LIKE ILIKE (strings and tags), IN (run_id, a list),
 *                  = != < <= > >= (version_number)
 *   value       := 'single' or "double" quoted string, a number
 *                  (version_number), ('a', 'b', ...) (IN)
 *
 * and beyond it (mreg):
 *
 *   OR (binds looser than AND), parentheses, NOT before a comparison or a
 *   parenthesis; IN and NOT IN for every string attribute; attributes
 *   version (the semver: = != < <= > >= 'SEMVER', <@ 'RANGE'), stage
 *   (mreg status), alias (any alias of the version, without its @) and
 *   project; metric.NAME / metrics.NAME with = != < <= > >= NUMBER (the
 *   latest evaluation of the slice all).
 *
 * Keywords (AND OR NOT LIKE ILIKE IN) are case-insensitive, identifiers are
 * not (as in MLflow).  Inside a quoted string or key, the quote character
 * doubled stands for itself ('it''s', `a``b`); MLflow keeps such text as
 * written, mreg reads it as SQL does.
 */
#ifndef MREG_MLFLOW_FILTER_H
#define MREG_MLFLOW_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lex.h"

/* Limits (errors beyond them, like any syntax error). */
#define MF_MAX_FILTER	20000	/* bytes of filter text */
#define MF_MAX_COMPARISONS 200	/* comparisons in a filter */
#define MF_MAX_DEPTH	32		/* nested parentheses and NOTs */
#define MF_MAX_LIST		1000	/* values in an IN list */
#define MF_MAX_VALUE	2000	/* bytes of one value or key, unquoted */

typedef enum MfKind
{
	MF_COMPARE,
	MF_AND,
	MF_OR,
	MF_NOT
} MfKind;

typedef enum MfField
{
	MF_NAME,
	MF_VERSION_NUMBER,
	MF_RUN_ID,
	MF_SOURCE_PATH,
	MF_VERSION,
	MF_STAGE,
	MF_ALIAS,
	MF_PROJECT,
	MF_TAG,
	MF_METRIC
} MfField;

typedef enum MfValueKind
{
	MF_STRING,
	MF_NUMBER,
	MF_LIST
} MfValueKind;

/*
 * One node of the parsed filter.  Nodes come in postfix order: the operands
 * of an AND, OR or NOT come right before it (an AND or OR of nargs operands,
 * a NOT of one), so a stack rebuilds the tree.
 */
typedef struct MfNode
{
	MfKind		kind;
	int			pos;			/* 1-based character position: the identifier, or the keyword */
	size_t		off;			/* the same as a byte offset */
	int			depth;			/* 0 for the root */
	int			nargs;			/* operands of AND, OR (>= 2), NOT (1); 0 for comparisons */
	/* comparisons only */
	MfField		field;
	char	   *key;			/* tag key or metric name, unquoted; NULL for attributes */
	const char *op;				/* static: = != < <= > >= LIKE ILIKE IN "NOT IN" <@ */
	MfValueKind vkind;
	char	   *value;			/* the string unquoted, or the number as written; NULL for lists */
	double		number;			/* MF_NUMBER: its value */
	int			nvalues;		/* MF_LIST */
	char	  **values;
} MfNode;

typedef struct MfFilter
{
	int			nnodes;
	MfNode	   *nodes;			/* NULL when nnodes is 0 (an empty filter) */
} MfFilter;

/*
 * Parse s[0..len) (UTF-8, need not be NUL-terminated).  On LX_OK *f holds
 * the nodes (free with mf_free); otherwise *err says why (LX_ERR_SYNTAX:
 * malformed or past a limit; LX_ERR_NOMEM) and *f is empty.
 */
LxStatus	mf_parse(const char *s, size_t len, LxMem *mem, MfFilter *f, LxError *err);

void		mf_free(MfFilter *f, LxMem *mem);

/* "compare", "and", "or", "not" */
const char *mf_kind_name(MfKind kind);

/* "name", "version_number", "run_id", "source_path", "version", "stage", "alias", "project", "tag", "metric" */
const char *mf_field_name(MfField field);

#endif							/* MREG_MLFLOW_FILTER_H */
