/*
 * drift.c: the SQL drift statistics mreg.psi, mreg.js_divergence and
 * mreg.ks_statistic.  fmgr glue only: it detoasts the arrays, checks their
 * shape (one dimension, no NULL), hands the float8 data to the backend-free
 * core (drift_stats.c) without copying, and turns its statuses into
 * ereports.  Definitions: drift_stats.h, doc/drift.md.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "drift_stats.h"

PG_FUNCTION_INFO_V1(mreg_psi);
PG_FUNCTION_INFO_V1(mreg_js_divergence);
PG_FUNCTION_INFO_V1(mreg_ks_statistic);

/* One float8[] argument, as the core sees it. */
typedef struct
{
	const char *name;			/* the SQL argument's name */
	const double *data;
	size_t		n;
	int			lbound;			/* subscript of element 0, for messages */
} DriftArg;

static void
drift_arg(FunctionCallInfo fcinfo, int argno, const char *name, DriftArg *out)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);	/* detoasted */
	int			ndim = ARR_NDIM(arr);

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be a float8 array", name)));
	if (ndim > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", name),
				 errdetail("It has %d dimensions.", ndim)));
	out->name = name;
	out->n = ndim == 0 ? 0 : (size_t) ArrayGetNItems(ndim, ARR_DIMS(arr));
	out->lbound = ndim == 0 ? 1 : ARR_LBOUND(arr)[0];
	if (ARR_HASNULL(arr))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);
		size_t		i;

		for (i = 0; i < out->n; i++)
		{
			if (!(bitmap[i / 8] & (1 << (i % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s must not contain NULL", name),
						 errdetail("%s[%lld] is NULL.", name, (long long) out->lbound + (long long) i)));
		}
	}
	/*
	 * No NULL: the float8 elements are contiguous and aligned.  (The offset
	 * is ARR_DATA_OFFSET, spelled out: the macro mixes signedness, which
	 * -Wextra refuses.)
	 */
	out->data = (const double *) ((char *) arr +
								  (ARR_HASNULL(arr) ? (size_t) arr->dataoffset
								   : (size_t) ARR_OVERHEAD_NONULLS(ndim)));
}

/* subscript of element i of an argument, for messages */
static long long
subscript(const DriftArg *a, size_t i)
{
	return (long long) a->lbound + (long long) i;
}

static void
drift_report(DriftStatus st, const DriftError *err, const DriftArg *x, const DriftArg *y, bool binned)
{
	const DriftArg *a = err->arg == 2 ? y : x;

	switch (st)
	{
		case DRIFT_OK:
			return;
		case DRIFT_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not be empty", a->name),
					 binned ? errhint("Pass the bin counts (or proportions) of each distribution, in the same bin order.")
					 : errhint("Pass the raw sample values of each distribution.")));
			break;
		case DRIFT_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s and %s must have the same number of bins", x->name, y->name),
					 errdetail("%s has length %zu, %s has length %zu.", x->name, x->n, y->name, y->n),
					 errhint("Bin both distributions with the same bin edges; an empty bin is a 0.")));
			break;
		case DRIFT_NAN:
		case DRIFT_INFINITE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must contain only finite values", a->name),
					 errdetail("%s[%lld] is %s.", a->name, subscript(a, err->index),
							   st == DRIFT_NAN ? "NaN" : (err->value > 0 ? "Infinity" : "-Infinity"))));
			break;
		case DRIFT_NEGATIVE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bin counts must not be negative"),
					 errdetail("%s[%lld] is %s.", a->name, subscript(a, err->index),
							   float8out_internal(err->value))));
			break;
		case DRIFT_ALL_ZERO:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s has no mass: every bin is 0", a->name),
					 errhint("A distribution needs at least one positive bin count.")));
			break;
	}
	elog(ERROR, "unexpected drift status %d", (int) st);
}

Datum
mreg_psi(PG_FUNCTION_ARGS)
{
	DriftArg	e, a;
	DriftError	err;
	DriftStatus st;
	double		r = 0.0;

	drift_arg(fcinfo, 0, "expected", &e);
	drift_arg(fcinfo, 1, "actual", &a);
	st = drift_psi(e.data, e.n, a.data, a.n, &r, &err);
	drift_report(st, &err, &e, &a, true);
	PG_RETURN_FLOAT8(r);
}

Datum
mreg_js_divergence(PG_FUNCTION_ARGS)
{
	DriftArg	p, q;
	DriftError	err;
	DriftStatus st;
	double		r = 0.0;

	drift_arg(fcinfo, 0, "p", &p);
	drift_arg(fcinfo, 1, "q", &q);
	st = drift_js(p.data, p.n, q.data, q.n, &r, &err);
	drift_report(st, &err, &p, &q, true);
	PG_RETURN_FLOAT8(r);
}

Datum
mreg_ks_statistic(PG_FUNCTION_ARGS)
{
	DriftArg	a, b;
	DriftError	err;
	DriftStatus st = DRIFT_EMPTY;
	double		r = 0.0;

	drift_arg(fcinfo, 0, "a", &a);
	drift_arg(fcinfo, 1, "b", &b);
	if (a.n == 0 || b.n == 0)
	{
		err.status = DRIFT_EMPTY;
		err.arg = a.n == 0 ? 1 : 2;
	}
	else
	{
		/* keys of both samples and one scratch: 8 bytes per element each */
		uint64_t   *ka = MemoryContextAllocHuge(CurrentMemoryContext, a.n * sizeof(uint64_t));
		uint64_t   *kb = MemoryContextAllocHuge(CurrentMemoryContext, b.n * sizeof(uint64_t));
		uint64_t   *scratch = MemoryContextAllocHuge(CurrentMemoryContext, Max(a.n, b.n) * sizeof(uint64_t));

		st = drift_ks(a.data, a.n, b.data, b.n, ka, kb, scratch, &r, &err);
		pfree(ka);
		pfree(kb);
		pfree(scratch);
	}
	drift_report(st, &err, &a, &b, false);
	PG_RETURN_FLOAT8(r);
}
