/*
 * lineage_gin.c: GIN operator class for mreg.lineage.
 *
 * Keys are the canonical node texts themselves (storage type text, compared
 * bytewise by lineage_gin_key_cmp, independent of collation), so "@> node"
 * and "&&" are answered exactly by the index, without recheck.  A node whose
 * name contains '@' also gets a family key ('@' + its family text, see
 * lin_node_family), so "@>> family" is one probe of the family key (and one
 * of the node key, for a node equal to the family itself).  The keys are
 * formatted by the backend-free lin_gin_key (lineage_graph.c), which the
 * fuzz harness runs: a key longer than LIN_GIN_MAXKEY bytes (GIN keys must
 * fit a third of a page; only values stored before the node length limit
 * can have one) is its first LIN_GIN_MAXKEY bytes, '#' and a 64-bit hash in
 * hex; such keys are lossy and force a recheck.  "@> lineage" is exact on
 * the nodes and rechecks when the query has edges.
 *
 * Strategies: 3 = && (lineage), 7 = @> (lineage), 9 = @> (text node),
 * 10 = @>> (text family).
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/stratnum.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "lineage.h"

#define STRAT_OVERLAP 3
#define STRAT_CONTAINS 7
#define STRAT_CONTAINS_NODE 9
#define STRAT_CONTAINS_FAMILY 10

#define KEY_IS_LOSSY(k) (VARSIZE_ANY_EXHDR(DatumGetPointer(k)) > LIN_GIN_MAXKEY)

/* the GIN key of a node text (family: of a family text), as a text datum */
static Datum
gin_key(const char *s, size_t len, bool family)
{
	size_t		klen = lin_gin_key_len(len, family);
	text	   *t = palloc(VARHDRSZ + klen);
	size_t		n = lin_gin_key(s, len, family, VARDATA(t));

	Assert(n == klen);
	SET_VARSIZE(t, VARHDRSZ + n);
	return PointerGetDatum(t);
}

PG_FUNCTION_INFO_V1(lineage_gin_key_cmp);
Datum
lineage_gin_key_cmp(PG_FUNCTION_ARGS)
{
	text	   *a = PG_GETARG_TEXT_PP(0);
	text	   *b = PG_GETARG_TEXT_PP(1);
	int			c = lin_textcmp(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0));
}

/* the node keys of a value; with families, also the family keys */
static Datum *
node_keys(const LinView *v, bool families, int32 *nkeys)
{
	Datum	   *keys = NULL;
	uint32		i;
	int32		n = 0;
	LinMem		mem;

	*nkeys = 0;
	if (v->nnodes == 0)
		return NULL;
	lineage_mem_init(&mem, CurrentMemoryContext);
	keys = palloc(sizeof(Datum) * v->nnodes * (families ? 2 : 1));
	for (i = 0; i < v->nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(v, i, &l);

		keys[n++] = gin_key(t, l, false);
		if (families)
		{
			LinError	err;
			char	   *f;
			size_t		fl;

			if (lin_node_family(t, l, &mem, &f, &fl, &err) != LIN_OK)
				lineage_report(&err, "", 0, 0, "mreg.lineage GIN keys");
			if (f)
			{
				keys[n++] = gin_key(f, fl, true);
				pfree(f);
			}
		}
	}
	*nkeys = n;
	return keys;
}

PG_FUNCTION_INFO_V1(lineage_gin_extract_value);
Datum
lineage_gin_extract_value(PG_FUNCTION_ARGS)
{
	LinView		v;
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);

	lineage_detoast(PG_GETARG_DATUM(0), &v);
	PG_RETURN_POINTER(node_keys(&v, true, nkeys));
}

/* what the consistent functions need to know about the query, computed once */
typedef struct QueryInfo
{
	bool		recheck;		/* lossy keys, or edges to verify */
} QueryInfo;

PG_FUNCTION_INFO_V1(lineage_gin_extract_query);
Datum
lineage_gin_extract_query(PG_FUNCTION_ARGS)
{
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	Pointer   **extra = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	Datum	   *keys;
	QueryInfo  *qi = palloc0(sizeof(QueryInfo));
	int32		i;

	if (strategy == STRAT_CONTAINS_NODE)
	{
		size_t		l;
		char	   *c = lineage_canon_text(PG_GETARG_TEXT_PP(0), &l);

		keys = palloc(sizeof(Datum));
		keys[0] = gin_key(c, l, false);
		*nkeys = 1;
	}
	else if (strategy == STRAT_CONTAINS_FAMILY)
	{
		size_t		l;
		char	   *c = lineage_canon_text(PG_GETARG_TEXT_PP(0), &l);

		/* the node itself, or a node of that family: either key matches */
		keys = palloc(sizeof(Datum) * 2);
		keys[0] = gin_key(c, l, false);
		keys[1] = gin_key(c, l, true);
		*nkeys = 2;
	}
	else if (strategy == STRAT_CONTAINS || strategy == STRAT_OVERLAP)
	{
		LinView		v;

		lineage_detoast(PG_GETARG_DATUM(0), &v);
		keys = node_keys(&v, false, nkeys);
		if (strategy == STRAT_CONTAINS)
		{
			qi->recheck = v.nedges > 0;
			/* every value contains the empty graph */
			if (*nkeys == 0)
				*searchMode = GIN_SEARCH_MODE_ALL;
		}
		/* && with an empty graph: no keys, default mode, so nothing matches */
	}
	else
		elog(ERROR, "lineage_gin_extract_query: unknown strategy %d", strategy);

	for (i = 0; i < *nkeys; i++)
		if (KEY_IS_LOSSY(keys[i]))
			qi->recheck = true;
	if (*nkeys > 0)
	{
		*extra = palloc(sizeof(Pointer) * *nkeys);
		for (i = 0; i < *nkeys; i++)
			(*extra)[i] = (Pointer) qi;
	}
	PG_RETURN_POINTER(keys);
}

PG_FUNCTION_INFO_V1(lineage_gin_consistent);
Datum
lineage_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);
	bool		res;
	int32		i;

	*recheck = nkeys > 0 && ((QueryInfo *) extra[0])->recheck;
	switch (strategy)
	{
		case STRAT_CONTAINS_NODE:
		case STRAT_CONTAINS:
			res = true;
			for (i = 0; i < nkeys; i++)
				if (!check[i])
				{
					res = false;
					break;
				}
			break;
		case STRAT_OVERLAP:
		case STRAT_CONTAINS_FAMILY:
			res = false;
			for (i = 0; i < nkeys; i++)
				if (check[i])
				{
					res = true;
					break;
				}
			break;
		default:
			elog(ERROR, "lineage_gin_consistent: unknown strategy %d", strategy);
			res = false;
	}
	PG_RETURN_BOOL(res);
}

PG_FUNCTION_INFO_V1(lineage_gin_triconsistent);
Datum
lineage_gin_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra = (Pointer *) PG_GETARG_POINTER(4);
	bool		recheck = nkeys > 0 && ((QueryInfo *) extra[0])->recheck;
	GinTernaryValue res;
	int32		i;

	switch (strategy)
	{
		case STRAT_CONTAINS_NODE:
		case STRAT_CONTAINS:
			res = GIN_TRUE;
			for (i = 0; i < nkeys; i++)
			{
				if (check[i] == GIN_FALSE)
				{
					res = GIN_FALSE;
					break;
				}
				if (check[i] == GIN_MAYBE)
					res = GIN_MAYBE;
			}
			break;
		case STRAT_OVERLAP:
		case STRAT_CONTAINS_FAMILY:
			res = GIN_FALSE;
			for (i = 0; i < nkeys; i++)
			{
				if (check[i] == GIN_TRUE)
				{
					res = GIN_TRUE;
					break;
				}
				if (check[i] == GIN_MAYBE)
					res = GIN_MAYBE;
			}
			break;
		default:
			elog(ERROR, "lineage_gin_triconsistent: unknown strategy %d", strategy);
			res = GIN_FALSE;
	}
	if (res == GIN_TRUE && recheck)
		res = GIN_MAYBE;
	PG_RETURN_GIN_TERNARY_VALUE(res);
}
