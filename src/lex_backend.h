/*
 * lex_backend.h: the backend's side of lex.h, shared by the glue of the
 * parsers that use it (search.c, mlflow.c): an LxMem over a memory context,
 * text converted to and from the UTF-8 the parsers read, and an LxError
 * raised as an ereport().  Include after postgres.h.
 */
#ifndef MREG_LEX_BACKEND_H
#define MREG_LEX_BACKEND_H

#include "lex.h"

/* mem allocates in cxt (palloc's rules: out of memory throws) */
extern void lx_mem_init(LxMem *mem, MemoryContext cxt);

/* t as UTF-8 (t's own bytes in a UTF-8 database), *len its length in bytes */
extern const char *lx_text_to_utf8(text *t, size_t *len);

/* a NUL-terminated UTF-8 text of a parser as a text in the database encoding */
extern text *lx_utf8_to_text(const char *s);

/*
 * Raise err: out of memory (53200, "out of memory while parsing WHAT_A"), or
 * a syntax error (42601, "syntax error in WHAT at character N: ...", the
 * expected text as the detail, hint if not NULL).
 */
extern void lx_ereport(const LxError *err, const char *what, const char *what_a,
					   const char *hint) pg_attribute_noreturn();

#endif							/* MREG_LEX_BACKEND_H */
