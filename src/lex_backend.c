/*
 * lex_backend.c: the backend's side of the backend-free parsers' shared
 * interface (see lex_backend.h).
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "lex_backend.h"

static void *
mem_alloc(size_t size, void *ctx)
{
	return MemoryContextAlloc((MemoryContext) ctx, size ? size : 1);
}

static void *
mem_realloc(void *ptr, size_t size, void *ctx)
{
	return repalloc(ptr, size ? size : 1);
}

static void
mem_free(void *ptr, void *ctx)
{
	if (ptr)
		pfree(ptr);
}

void
lx_mem_init(LxMem *mem, MemoryContext cxt)
{
	mem->alloc = mem_alloc;
	mem->realloc = mem_realloc;
	mem->free = mem_free;
	mem->ctx = cxt;
}

const char *
lx_text_to_utf8(text *t, size_t *len)
{
	const char *s = VARDATA_ANY(t);
	int			n = VARSIZE_ANY_EXHDR(t);

	/* a text longer than the parser's limit fails there, not here */
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		char	   *u = pg_server_to_any(s, n, PG_UTF8);

		if (u != s)
		{
			s = u;
			n = (int) strlen(u);
		}
	}
	*len = (size_t) n;
	return s;
}

/* a message of a parser in the database encoding */
static char *
utf8_cstring(const char *s)
{
	return pg_any_to_server(s, (int) strlen(s), PG_UTF8);
}

text *
lx_utf8_to_text(const char *s)
{
	return cstring_to_text(utf8_cstring(s));
}

void
lx_ereport(const LxError *err, const char *what, const char *what_a, const char *hint)
{
	if (err->status == LX_ERR_NOMEM)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while parsing %s", what_a)));
	ereport(ERROR,
			(errcode(ERRCODE_SYNTAX_ERROR),
			 errmsg("syntax error in %s at character %d: %s", what, err->pos, utf8_cstring(err->msg)),
			 err->expected[0] ? errdetail("Expected %s.", utf8_cstring(err->expected)) : 0,
			 hint ? errhint("%s", hint) : 0));
}
