/*
 * search.c: backend glue of the search query parser: mreg.search_parse(),
 * one row per term.  The language lives in the backend-free
 * search_parse.c; this file converts the text to UTF-8 and back, turns a
 * parse error into SQLSTATE 42601 (both with lex_backend.c) and fills the
 * result set.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "lex_backend.h"
#include "search_parse.h"

PG_FUNCTION_INFO_V1(mreg_search_parse);
Datum
mreg_search_parse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *s;
	size_t		len;
	LxMem		mem;
	SqQuery		q;
	LxError		err;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	s = lx_text_to_utf8(PG_GETARG_TEXT_PP(0), &len);
	lx_mem_init(&mem, CurrentMemoryContext);
	if (sq_parse(s, len, &mem, &q, &err) != LX_OK)
		lx_ereport(&err, "search query", "a search query", NULL);

	for (i = 0; i < q.nterms; i++)
	{
		const SqTerm *t = &q.terms[i];
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		values[0] = Int32GetDatum(t->pos);
		values[1] = BoolGetDatum(t->negated);
		values[2] = CStringGetTextDatum(sq_kind_name(t->kind));
		if (t->field)
			values[3] = PointerGetDatum(lx_utf8_to_text(t->field));
		else
			nulls[3] = true;
		if (t->key)
			values[4] = PointerGetDatum(lx_utf8_to_text(t->key));
		else
			nulls[4] = true;
		if (t->op)
			values[5] = CStringGetTextDatum(t->op);
		else
			nulls[5] = true;
		if (t->value)
			values[6] = PointerGetDatum(lx_utf8_to_text(t->value));
		else
			nulls[6] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	sq_free(&q, &mem);
	return (Datum) 0;
}
