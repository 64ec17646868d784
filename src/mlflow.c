/*
 * mlflow.c: backend glue of the MLflow filter parser:
 * mreg.mlflow_filter_parse(), one row per node in postfix order.  The
 * language lives in the backend-free mlflow_filter.c; this file converts the
 * text to UTF-8 and back, turns a parse error into SQLSTATE 42601 and fills
 * the result set.  80_mlflow.sql turns the rows into a WHERE clause.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "mlflow_filter.h"

static void *
mf_palloc(size_t size, void *ctx)
{
	return MemoryContextAlloc((MemoryContext) ctx, size ? size : 1);
}

static void *
mf_repalloc(void *ptr, size_t size, void *ctx)
{
	return repalloc(ptr, size ? size : 1);
}

static void
mf_pfree(void *ptr, void *ctx)
{
	if (ptr)
		pfree(ptr);
}

/* UTF-8 text of the parser as a text datum in the database encoding */
static text *
utf8_text(const char *s)
{
	size_t		n = strlen(s);
	char	   *c = pg_any_to_server(s, (int) n, PG_UTF8);

	return cstring_to_text(c);
}

static char *
utf8_cstring(const char *s)
{
	return pg_any_to_server(s, (int) strlen(s), PG_UTF8);
}

PG_FUNCTION_INFO_V1(mreg_mlflow_filter_parse);
Datum
mreg_mlflow_filter_parse(PG_FUNCTION_ARGS)
{
	text	   *ft = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(ft);
	int			len = VARSIZE_ANY_EXHDR(ft);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	Tuplestorestate *store;
	MemoryContext old;
	LxMem		mem = {mf_palloc, mf_repalloc, mf_pfree, CurrentMemoryContext};
	MfFilter	f;
	LxError		err;
	int			i;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	/* the parser reads UTF-8: a filter longer than the limit fails there */
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		char	   *u = pg_server_to_any(s, len, PG_UTF8);

		if (u != s)
		{
			s = u;
			len = (int) strlen(u);
		}
	}

	if (mf_parse(s, (size_t) len, &mem, &f, &err) != LX_OK)
	{
		if (err.status == LX_ERR_NOMEM)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while parsing an MLflow filter")));
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("syntax error in MLflow filter at character %d: %s", err.pos, utf8_cstring(err.msg)),
				 err.expected[0] ? errdetail("Expected %s.", utf8_cstring(err.expected)) : 0,
				 errhint("See doc/mlflow.md, \"Filter strings\".")));
	}

	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTupleDescCopy(tupdesc);
	store = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0, false, work_mem);
	MemoryContextSwitchTo(old);

	for (i = 0; i < f.nnodes; i++)
	{
		const MfNode *n = &f.nodes[i];
		Datum		values[10];
		bool		nulls[10];
		int			k;

		memset(nulls, true, sizeof(nulls));
		values[0] = Int32GetDatum(i + 1);
		values[1] = Int32GetDatum(n->pos);
		values[2] = Int32GetDatum(n->depth);
		values[3] = CStringGetTextDatum(mf_kind_name(n->kind));
		values[4] = Int32GetDatum(n->nargs);
		nulls[0] = nulls[1] = nulls[2] = nulls[3] = nulls[4] = false;
		if (n->kind == MF_COMPARE)
		{
			values[5] = CStringGetTextDatum(mf_field_name(n->field));
			nulls[5] = false;
			if (n->key)
			{
				values[6] = PointerGetDatum(utf8_text(n->key));
				nulls[6] = false;
			}
			values[7] = CStringGetTextDatum(n->op);
			nulls[7] = false;
			if (n->value)
			{
				values[8] = PointerGetDatum(utf8_text(n->value));
				nulls[8] = false;
			}
			if (n->vkind == MF_LIST)
			{
				Datum	   *elems = palloc(sizeof(Datum) * n->nvalues);

				for (k = 0; k < n->nvalues; k++)
					elems[k] = PointerGetDatum(utf8_text(n->values[k]));
				values[9] = PointerGetDatum(construct_array(elems, n->nvalues, TEXTOID, -1, false, TYPALIGN_INT));
				nulls[9] = false;
			}
		}
		tuplestore_putvalues(store, tupdesc, values, nulls);
	}
	mf_free(&f, &mem);

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = tupdesc;
	return (Datum) 0;
}
