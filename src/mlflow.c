/*
 * mlflow.c: backend glue of the MLflow filter parser:
 * mreg.mlflow_filter_parse(), one row per node in postfix order.  The
 * language lives in the backend-free mlflow_filter.c; this file converts the
 * text to UTF-8 and back, turns a parse error into SQLSTATE 42601 (both with
 * lex_backend.c) and fills the result set.  80_mlflow.sql turns the rows
 * into a WHERE clause.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "lex_backend.h"
#include "mlflow_filter.h"

PG_FUNCTION_INFO_V1(mreg_mlflow_filter_parse);
Datum
mreg_mlflow_filter_parse(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *s;
	size_t		len;
	LxMem		mem;
	MfFilter	f;
	LxError		err;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	s = lx_text_to_utf8(PG_GETARG_TEXT_PP(0), &len);
	lx_mem_init(&mem, CurrentMemoryContext);
	if (mf_parse(s, len, &mem, &f, &err) != LX_OK)
		lx_ereport(&err, "MLflow filter", "an MLflow filter", "See doc/mlflow.md, \"Filter strings\".");

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
				values[6] = PointerGetDatum(lx_utf8_to_text(n->key));
				nulls[6] = false;
			}
			values[7] = CStringGetTextDatum(n->op);
			nulls[7] = false;
			if (n->value)
			{
				values[8] = PointerGetDatum(lx_utf8_to_text(n->value));
				nulls[8] = false;
			}
			if (n->vkind == MF_LIST)
			{
				Datum	   *elems = palloc(sizeof(Datum) * n->nvalues);

				for (k = 0; k < n->nvalues; k++)
					elems[k] = PointerGetDatum(lx_utf8_to_text(n->values[k]));
				values[9] = PointerGetDatum(construct_array(elems, n->nvalues, TEXTOID, -1, false, TYPALIGN_INT));
				nulls[9] = false;
			}
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	mf_free(&f, &mem);
	return (Datum) 0;
}
