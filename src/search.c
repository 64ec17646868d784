/*
 * search.c: backend glue of the search query parser: mreg.search_parse(),
 * one row per term.  The language lives in the backend-free
 * search_parse.c; this file converts the text to UTF-8 and back, turns a
 * parse error into SQLSTATE 42601 and fills the result set.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "search_parse.h"

static void *
sq_palloc(size_t size, void *ctx)
{
	return MemoryContextAlloc((MemoryContext) ctx, size ? size : 1);
}

static void *
sq_repalloc(void *ptr, size_t size, void *ctx)
{
	return repalloc(ptr, size ? size : 1);
}

static void
sq_pfree(void *ptr, void *ctx)
{
	if (ptr)
		pfree(ptr);
}

/* UTF-8 text of the parser as a text datum in the database encoding */
static Datum
utf8_text(const char *s)
{
	size_t		n = strlen(s);
	char	   *c = pg_any_to_server(s, (int) n, PG_UTF8);

	return PointerGetDatum(cstring_to_text(c));
}

PG_FUNCTION_INFO_V1(mreg_search_parse);
Datum
mreg_search_parse(PG_FUNCTION_ARGS)
{
	text	   *qt = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(qt);
	int			len = VARSIZE_ANY_EXHDR(qt);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	Tuplestorestate *store;
	MemoryContext old;
	LxMem		mem = {sq_palloc, sq_repalloc, sq_pfree, CurrentMemoryContext};
	SqQuery		q;
	LxError		err;
	int			i;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	/* the parser reads UTF-8: a query longer than the limit fails there, not here */
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		char	   *u = pg_server_to_any(s, len, PG_UTF8);

		if (u != s)
		{
			s = u;
			len = (int) strlen(u);
		}
	}

	if (sq_parse(s, (size_t) len, &mem, &q, &err) != LX_OK)
	{
		if (err.status == LX_ERR_NOMEM)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while parsing a search query")));
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("syntax error in search query at character %d: %s", err.pos,
						pg_any_to_server(err.msg, (int) strlen(err.msg), PG_UTF8)),
				 err.expected[0] ? errdetail("Expected %s.",
											 pg_any_to_server(err.expected, (int) strlen(err.expected), PG_UTF8)) : 0));
	}

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTupleDescCopy(tupdesc);
	store = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0, false, work_mem);
	MemoryContextSwitchTo(old);

	for (i = 0; i < q.nterms; i++)
	{
		const SqTerm *t = &q.terms[i];
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		values[0] = Int32GetDatum(t->pos);
		values[1] = BoolGetDatum(t->negated);
		values[2] = CStringGetTextDatum(sq_kind_name(t->kind));
		if (t->field)
			values[3] = utf8_text(t->field);
		else
			nulls[3] = true;
		if (t->key)
			values[4] = utf8_text(t->key);
		else
			nulls[4] = true;
		if (t->op)
			values[5] = CStringGetTextDatum(t->op);
		else
			nulls[5] = true;
		if (t->value)
			values[6] = utf8_text(t->value);
		else
			nulls[6] = true;
		tuplestore_putvalues(store, tupdesc, values, nulls);
	}
	sq_free(&q, &mem);

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = tupdesc;
	return (Datum) 0;
}
