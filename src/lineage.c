/*
 * lineage.c: the mreg.lineage type in the backend: I/O, operators,
 * functions, the aggregate and the renderers.  The grammar and the graph
 * algorithms live in the backend-free lineage_parse.c / lineage_graph.c.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "lineage.h"

/* ---- memory and errors ---------------------------------------------------- */

static void *
mem_alloc(size_t size, void *ctx)
{
	return MemoryContextAllocExtended((MemoryContext) ctx, size ? size : 1, MCXT_ALLOC_HUGE);
}

static void *
mem_realloc(void *ptr, size_t size, void *ctx)
{
	return repalloc_huge(ptr, size ? size : 1);
}

static void
mem_free(void *ptr, void *ctx)
{
	if (ptr)
		pfree(ptr);
}

void
lineage_mem_init(LinMem *mem, MemoryContext cxt)
{
	mem->alloc = mem_alloc;
	mem->realloc = mem_realloc;
	mem->free = mem_free;
	mem->ctx = cxt;
}

/* the input, shortened for a message (at most 100 bytes and "...") */
static char *
echo_input(const char *s, size_t len)
{
	if (len <= 120)
		return pnstrdup(s, len);
	return psprintf("%s...", pnstrdup(s, pg_mbcliplen(s, (int) Min(len, 400), 100)));
}

void
lineage_report(const LinError *err, const char *input, size_t inputlen, int cycle_errcode, const char *what)
{
	switch (err->status)
	{
		case LIN_ERR_SYNTAX:
			{
				int			charpos = pg_mbstrlen_with_len(input, (int) Min(err->pos, inputlen)) + 1;

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid input syntax for %s: \"%s\"", what, echo_input(input, inputlen)),
						 errdetail("At position %d: %s.", charpos, err->msg),
						 err->hint[0] ? errhint("%s", err->hint) : 0));
			}
			break;
		case LIN_ERR_CYCLE:
			ereport(ERROR,
					(errcode(cycle_errcode),
					 cycle_errcode == ERRCODE_INVALID_TEXT_REPRESENTATION ||
					 cycle_errcode == ERRCODE_INVALID_BINARY_REPRESENTATION
					 ? errmsg("invalid input for %s: the graph has a cycle", what)
					 : errmsg("%s would create a cycle", what),
					 errdetail("%s: %s.", err->msg, err->detail ? err->detail : "?"),
					 errhint("A lineage is a directed acyclic graph.")));
			break;
		case LIN_ERR_TOOBIG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: %s", what, err->msg),
					 errhint("The text form of a lineage is limited to %zu MB, so that every stored value can be printed and dumped.",
							 LIN_MAX_TEXT / (1024 * 1024))));
			break;
		case LIN_ERR_NODELEN:
			if (err->pos != LIN_NOPOS && err->pos < inputlen)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("%s: %s", what, err->msg),
						 errdetail("At position %d: \"%s\".",
								   pg_mbstrlen_with_len(input, (int) err->pos) + 1,
								   echo_input(input + err->pos, inputlen - err->pos)),
						 errhint("The canonical text of a node is limited to %d bytes.", LIN_MAX_NODE)));
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s: %s", what, err->msg),
					 errhint("The canonical text of a node is limited to %d bytes.", LIN_MAX_NODE)));
			break;
		case LIN_ERR_INVALID:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: %s", what, err->msg),
					 err->detail ? errdetail("%s.", err->detail) : 0));
			break;
		case LIN_ERR_CORRUPT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("%s", err->msg)));
			break;
		case LIN_ERR_NOMEM:
		default:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory in %s", what)));
	}
	pg_unreachable();
}

struct varlena *
lineage_detoast(Datum d, LinView *v)
{
	struct varlena *p = PG_DETOAST_DATUM(d);
	LinError	err;

	if (lin_view(VARDATA(p), VARSIZE(p) - VARHDRSZ, v, 0, NULL, &err) != LIN_OK)
		lineage_report(&err, "", 0, ERRCODE_DATA_CORRUPTED, "mreg.lineage");
	return p;
}

char *
lineage_canon_text(text *t, size_t *len)
{
	LinMem		mem;
	LinError	err;
	char	   *out;
	const char *s = VARDATA_ANY(t);
	size_t		n = VARSIZE_ANY_EXHDR(t);

	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_canon_node(s, n, &mem, &out, len, &err) != LIN_OK)
		lineage_report(&err, s, n, ERRCODE_INVALID_TEXT_REPRESENTATION, "lineage node");
	return out;
}

/* a body built with prefix VARHDRSZ becomes a varlena */
static inline Datum
as_lineage(char *buf, size_t len)
{
	SET_VARSIZE(buf, len);
	return PointerGetDatum(buf);
}

#define GET_VIEW(n, v) lineage_detoast(PG_GETARG_DATUM(n), (v))

/* ---- I/O ---------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(lineage_in);
Datum
lineage_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	size_t		n = strlen(s);
	LinMem		mem;
	LinError	err;
	char	   *out;
	size_t		outlen;

	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_parse(s, n, &mem, VARHDRSZ, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, s, n, ERRCODE_INVALID_TEXT_REPRESENTATION, "type lineage");
	PG_RETURN_DATUM(as_lineage(out, outlen));
}

PG_FUNCTION_INFO_V1(lineage_out);
Datum
lineage_out(PG_FUNCTION_ARGS)
{
	LinView		v;
	LinMem		mem;
	LinError	err;
	char	   *out;
	size_t		outlen;

	GET_VIEW(0, &v);
	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_text(&v, &mem, 0, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "lineage output");
	PG_RETURN_CSTRING(out);
}

/*
 * Binary form: int32 format version (1), int32 node count, each node as
 * int32 length + text (client encoding), int32 edge count, each edge as two
 * int32 node indexes.  Receive re-canonicalizes everything through the
 * builder, so any well-formed message gives a canonical value.
 */
PG_FUNCTION_INFO_V1(lineage_send);
Datum
lineage_send(PG_FUNCTION_ARGS)
{
	LinView		v;
	StringInfoData buf;
	uint32		i, e;

	GET_VIEW(0, &v);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, 1);
	pq_sendint32(&buf, v.nnodes);
	for (i = 0; i < v.nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(&v, i, &l);
		char	   *conv = pg_server_to_client(t, (int) l);
		int			cl = conv == t ? (int) l : (int) strlen(conv);

		pq_sendint32(&buf, cl);
		pq_sendbytes(&buf, conv, cl);
	}
	pq_sendint32(&buf, v.nedges);
	for (i = 0; i < v.nnodes; i++)
		for (e = v.ostart[i]; e < v.ostart[i + 1]; e++)
		{
			pq_sendint32(&buf, i);
			pq_sendint32(&buf, v.odst[e]);
		}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lineage_recv);
Datum
lineage_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	LinMem		mem;
	LinError	err;
	LinBuilder	b;
	int32		version, nn, ne, i;
	uint32		id, *ids;
	char	   *out;
	size_t		outlen;

	version = pq_getmsgint(buf, 4);
	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type lineage", version)));
	nn = pq_getmsgint(buf, 4);
	if (nn < 0 || nn > (buf->len - buf->cursor) / 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid node count %d in binary lineage", nn)));
	lineage_mem_init(&mem, CurrentMemoryContext);
	lin_builder_init(&b, &mem);
	ids = palloc(sizeof(uint32) * Max(nn, 1));
	for (i = 0; i < nn; i++)
	{
		int32		l = pq_getmsgint(buf, 4);
		char	   *t, *canon;
		size_t		cl;
		int			tl;

		if (l < 0 || l > buf->len - buf->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid node length %d in binary lineage", l)));
		t = pq_getmsgtext(buf, l, &tl);
		if (lin_canon_node(t, (size_t) tl, &mem, &canon, &cl, &err) == LIN_ERR_NODELEN)
			lineage_report(&err, t, (size_t) tl, 0, "binary lineage");
		if (err.status != LIN_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid node \"%s\" in binary lineage", echo_input(t, (size_t) tl)),
					 errdetail("At position %d: %s.", (int) err.pos + 1, err.msg)));
		if (lin_builder_node(&b, canon, cl, &id, &err) != LIN_OK)
			lineage_report(&err, "", 0, 0, "binary lineage");
		/* the builder interns texts: node i of the message is id, which may be an earlier one */
		ids[i] = id;
		pfree(canon);
	}
	ne = pq_getmsgint(buf, 4);
	if (ne < 0 || ne > (buf->len - buf->cursor) / 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid edge count %d in binary lineage", ne)));
	for (i = 0; i < ne; i++)
	{
		int32		s = pq_getmsgint(buf, 4);
		int32		d = pq_getmsgint(buf, 4);

		if (s < 0 || s >= nn || d < 0 || d >= nn)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("edge %d refers to a missing node in binary lineage", i)));
		if (lin_builder_edge(&b, ids[s], ids[d], &err) != LIN_OK)
			lineage_report(&err, "", 0, 0, "binary lineage");
	}
	if (lin_build(&b, VARHDRSZ, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, "", 0, ERRCODE_INVALID_BINARY_REPRESENTATION, "binary lineage");
	lin_builder_free(&b);
	PG_RETURN_DATUM(as_lineage(out, outlen));
}

/* ---- constructors ------------------------------------------------------- */

PG_FUNCTION_INFO_V1(lineage_node_canon);
Datum
lineage_node_canon(PG_FUNCTION_ARGS)
{
	size_t		l;
	char	   *c = lineage_canon_text(PG_GETARG_TEXT_PP(0), &l);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(c, (int) l));
}

static Datum
build_from(LinBuilder *b, int cycle_errcode, const char *what)
{
	LinError	err;
	char	   *out;
	size_t		outlen;

	if (lin_build(b, VARHDRSZ, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, "", 0, cycle_errcode, what);
	return as_lineage(out, outlen);
}

PG_FUNCTION_INFO_V1(lineage_edge);
Datum
lineage_edge(PG_FUNCTION_ARGS)
{
	LinMem		mem;
	LinError	err;
	LinBuilder	b;
	size_t		sl, dl;
	char	   *s = lineage_canon_text(PG_GETARG_TEXT_PP(0), &sl);
	char	   *d = lineage_canon_text(PG_GETARG_TEXT_PP(1), &dl);
	uint32		si, di;

	lineage_mem_init(&mem, CurrentMemoryContext);
	lin_builder_init(&b, &mem);
	if (lin_builder_node(&b, s, sl, &si, &err) != LIN_OK ||
		lin_builder_node(&b, d, dl, &di, &err) != LIN_OK ||
		lin_builder_edge(&b, si, di, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "mreg.lineage_edge");
	PG_RETURN_DATUM(build_from(&b, ERRCODE_CHECK_VIOLATION, "mreg.lineage_edge"));
}

/* ---- operators ---------------------------------------------------------- */

PG_FUNCTION_INFO_V1(lineage_contains_node);
Datum
lineage_contains_node(PG_FUNCTION_ARGS)
{
	LinView		v;
	size_t		l;
	char	   *c;

	GET_VIEW(0, &v);
	c = lineage_canon_text(PG_GETARG_TEXT_PP(1), &l);
	PG_RETURN_BOOL(lin_find(&v, c, l) >= 0);
}

PG_FUNCTION_INFO_V1(lineage_node_contained);
Datum
lineage_node_contained(PG_FUNCTION_ARGS)
{
	LinView		v;
	size_t		l;
	char	   *c;

	GET_VIEW(1, &v);
	c = lineage_canon_text(PG_GETARG_TEXT_PP(0), &l);
	PG_RETURN_BOOL(lin_find(&v, c, l) >= 0);
}

PG_FUNCTION_INFO_V1(lineage_contains);
Datum
lineage_contains(PG_FUNCTION_ARGS)
{
	LinView		a, b;

	GET_VIEW(0, &a);
	GET_VIEW(1, &b);
	PG_RETURN_BOOL(lin_contains(&a, &b));
}

PG_FUNCTION_INFO_V1(lineage_contained);
Datum
lineage_contained(PG_FUNCTION_ARGS)
{
	LinView		a, b;

	GET_VIEW(0, &a);
	GET_VIEW(1, &b);
	PG_RETURN_BOOL(lin_contains(&b, &a));
}

PG_FUNCTION_INFO_V1(lineage_overlaps);
Datum
lineage_overlaps(PG_FUNCTION_ARGS)
{
	LinView		a, b;

	GET_VIEW(0, &a);
	GET_VIEW(1, &b);
	PG_RETURN_BOOL(lin_overlaps(&a, &b));
}

PG_FUNCTION_INFO_V1(lineage_union);
Datum
lineage_union(PG_FUNCTION_ARGS)
{
	LinView		a, b;
	LinMem		mem;
	LinError	err;
	LinBuilder	bld;
	struct varlena *pa = GET_VIEW(0, &a);
	struct varlena *pb = GET_VIEW(1, &b);

	/* the union is one operand when it contains the other */
	if (lin_contains(&a, &b))
		PG_RETURN_POINTER(pa);
	if (lin_contains(&b, &a))
		PG_RETURN_POINTER(pb);
	lineage_mem_init(&mem, CurrentMemoryContext);
	lin_builder_init(&bld, &mem);
	if (lin_builder_view(&bld, &a, &err) != LIN_OK || lin_builder_view(&bld, &b, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "lineage union");
	PG_RETURN_DATUM(build_from(&bld, ERRCODE_CHECK_VIOLATION, "lineage union"));
}

/* equality: the representation is canonical, so equal graphs have equal bytes */
static bool
lineage_equal(Datum a, Datum b)
{
	struct varlena *pa = PG_DETOAST_DATUM(a);
	struct varlena *pb = PG_DETOAST_DATUM(b);

	return VARSIZE(pa) == VARSIZE(pb) && memcmp(VARDATA(pa), VARDATA(pb), VARSIZE(pa) - VARHDRSZ) == 0;
}

PG_FUNCTION_INFO_V1(lineage_eq);
Datum
lineage_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lineage_equal(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)));
}

PG_FUNCTION_INFO_V1(lineage_ne);
Datum
lineage_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!lineage_equal(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)));
}

static int
lineage_cmp_internal(FunctionCallInfo fcinfo)
{
	LinView		a, b;

	GET_VIEW(0, &a);
	GET_VIEW(1, &b);
	return lin_compare(&a, &b);
}

PG_FUNCTION_INFO_V1(lineage_cmp);
Datum
lineage_cmp(PG_FUNCTION_ARGS)
{
	int			c = lineage_cmp_internal(fcinfo);

	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0));
}

PG_FUNCTION_INFO_V1(lineage_lt);
Datum
lineage_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lineage_cmp_internal(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(lineage_le);
Datum
lineage_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lineage_cmp_internal(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(lineage_gt);
Datum
lineage_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lineage_cmp_internal(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(lineage_ge);
Datum
lineage_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(lineage_cmp_internal(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(lineage_hash);
Datum
lineage_hash(PG_FUNCTION_ARGS)
{
	struct varlena *p = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	return hash_any((unsigned char *) VARDATA(p), VARSIZE(p) - VARHDRSZ);
}

PG_FUNCTION_INFO_V1(lineage_hash_extended);
Datum
lineage_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *p = PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	return hash_any_extended((unsigned char *) VARDATA(p), VARSIZE(p) - VARHDRSZ, PG_GETARG_INT64(1));
}

/* ---- functions ---------------------------------------------------------- */

PG_FUNCTION_INFO_V1(lineage_node_count);
Datum
lineage_node_count(PG_FUNCTION_ARGS)
{
	LinView		v;

	GET_VIEW(0, &v);
	PG_RETURN_INT32((int32) v.nnodes);
}

PG_FUNCTION_INFO_V1(lineage_edge_count);
Datum
lineage_edge_count(PG_FUNCTION_ARGS)
{
	LinView		v;

	GET_VIEW(0, &v);
	PG_RETURN_INT32((int32) v.nedges);
}

typedef struct SrfState
{
	LinView		v;
	uint32		node;			/* current node */
	uint32		edge;			/* current edge (lineage_edges) */
} SrfState;

static SrfState *
srf_setup(FunctionCallInfo fcinfo, FuncCallContext *fctx)
{
	MemoryContext old = MemoryContextSwitchTo(fctx->multi_call_memory_ctx);
	SrfState   *st = palloc0(sizeof(SrfState));

	lineage_detoast(PG_GETARG_DATUM(0), &st->v);
	MemoryContextSwitchTo(old);
	return st;
}

PG_FUNCTION_INFO_V1(lineage_nodes);
Datum
lineage_nodes(PG_FUNCTION_ARGS)
{
	FuncCallContext *fctx;
	SrfState   *st;

	if (SRF_IS_FIRSTCALL())
	{
		fctx = SRF_FIRSTCALL_INIT();
		fctx->user_fctx = srf_setup(fcinfo, fctx);
	}
	fctx = SRF_PERCALL_SETUP();
	st = fctx->user_fctx;
	if (st->node < st->v.nnodes)
	{
		size_t		l;
		const char *t = lin_node(&st->v, st->node++, &l);

		SRF_RETURN_NEXT(fctx, PointerGetDatum(cstring_to_text_with_len(t, (int) l)));
	}
	SRF_RETURN_DONE(fctx);
}

PG_FUNCTION_INFO_V1(lineage_edges);
Datum
lineage_edges(PG_FUNCTION_ARGS)
{
	FuncCallContext *fctx;
	SrfState   *st;

	if (SRF_IS_FIRSTCALL())
	{
		TupleDesc	td;
		MemoryContext old;

		fctx = SRF_FIRSTCALL_INIT();
		fctx->user_fctx = srf_setup(fcinfo, fctx);
		old = MemoryContextSwitchTo(fctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));
		fctx->tuple_desc = BlessTupleDesc(td);
		MemoryContextSwitchTo(old);
	}
	fctx = SRF_PERCALL_SETUP();
	st = fctx->user_fctx;
	while (st->node < st->v.nnodes && st->edge >= st->v.ostart[st->node + 1])
		st->node++;
	if (st->edge < st->v.nedges)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		size_t		sl, dl;
		const char *s = lin_node(&st->v, st->node, &sl);
		const char *d = lin_node(&st->v, st->v.odst[st->edge++], &dl);
		HeapTuple	tup;

		values[0] = PointerGetDatum(cstring_to_text_with_len(s, (int) sl));
		values[1] = PointerGetDatum(cstring_to_text_with_len(d, (int) dl));
		tup = heap_form_tuple(fctx->tuple_desc, values, nulls);
		SRF_RETURN_NEXT(fctx, HeapTupleGetDatum(tup));
	}
	SRF_RETURN_DONE(fctx);
}

static Datum
reach(FunctionCallInfo fcinfo, int upstream)
{
	LinView		v;
	LinMem		mem;
	LinError	err;
	size_t		l;
	char	   *c, *out;
	size_t		outlen;
	int64		i;

	GET_VIEW(0, &v);
	c = lineage_canon_text(PG_GETARG_TEXT_PP(1), &l);
	lineage_mem_init(&mem, CurrentMemoryContext);
	i = lin_find(&v, c, l);
	if (i < 0)
	{
		LinBuilder	b;

		lin_builder_init(&b, &mem);
		return build_from(&b, 0, upstream ? "mreg.upstream" : "mreg.downstream");
	}
	if (lin_reach(&v, (uint32) i, upstream, &mem, VARHDRSZ, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, upstream ? "mreg.upstream" : "mreg.downstream");
	return as_lineage(out, outlen);
}

PG_FUNCTION_INFO_V1(lineage_upstream);
Datum
lineage_upstream(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(reach(fcinfo, 1));
}

PG_FUNCTION_INFO_V1(lineage_downstream);
Datum
lineage_downstream(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(reach(fcinfo, 0));
}

/* ---- families, distances, project-relative names ------------------------------ */

static bool
has_family(FunctionCallInfo fcinfo, int lin_arg, int text_arg)
{
	LinView		v;
	LinMem		mem;
	LinError	err;
	size_t		l;
	char	   *c;
	int			found;

	GET_VIEW(lin_arg, &v);
	c = lineage_canon_text(PG_GETARG_TEXT_PP(text_arg), &l);
	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_has_family(&v, c, l, &mem, &found, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "mreg.lineage_contains_family");
	return found != 0;
}

PG_FUNCTION_INFO_V1(lineage_contains_family);
Datum
lineage_contains_family(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(has_family(fcinfo, 0, 1));
}

PG_FUNCTION_INFO_V1(lineage_family_contained);
Datum
lineage_family_contained(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(has_family(fcinfo, 1, 0));
}

PG_FUNCTION_INFO_V1(lineage_family);
Datum
lineage_family(PG_FUNCTION_ARGS)
{
	LinMem		mem;
	LinError	err;
	size_t		l, fl;
	char	   *c = lineage_canon_text(PG_GETARG_TEXT_PP(0), &l);
	char	   *f;

	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_node_family(c, l, &mem, &f, &fl, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "mreg.lineage_family");
	if (f == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(f, (int) fl));
}

PG_FUNCTION_INFO_V1(lineage_distance);
Datum
lineage_distance(PG_FUNCTION_ARGS)
{
	LinView		v;
	LinMem		mem;
	LinError	err;
	size_t		sl, dl;
	char	   *s, *d;
	int64		si, di, dist;

	GET_VIEW(0, &v);
	s = lineage_canon_text(PG_GETARG_TEXT_PP(1), &sl);
	d = lineage_canon_text(PG_GETARG_TEXT_PP(2), &dl);
	si = lin_find(&v, s, sl);
	di = lin_find(&v, d, dl);
	if (si < 0 || di < 0)
		PG_RETURN_NULL();
	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_distance(&v, (uint32) si, (uint32) di, &mem, &dist, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "mreg.lineage_distance");
	if (dist < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32((int32) dist);
}

PG_FUNCTION_INFO_V1(lineage_relative);
Datum
lineage_relative(PG_FUNCTION_ARGS)
{
	LinView		v;
	LinMem		mem;
	LinError	err;
	text	   *p = PG_GETARG_TEXT_PP(1);
	char	   *out;
	size_t		outlen;

	GET_VIEW(0, &v);
	lineage_mem_init(&mem, CurrentMemoryContext);
	if (lin_relative(&v, VARDATA_ANY(p), VARSIZE_ANY_EXHDR(p), &mem, VARHDRSZ, &out, &outlen, &err) != LIN_OK)
		lineage_report(&err, "", 0, 0, "mreg.lineage_relative");
	PG_RETURN_DATUM(as_lineage(out, outlen));
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct KindStyle
{
	const char *kind;
	const char *dot_shape;
	const char *fill;
	const char *stroke;
	const char *mm_open;
	const char *mm_close;
} KindStyle;

static const KindStyle kind_styles[] = {
	{"dataset", "cylinder", "#dbeafe", "#1d4ed8", "[(", ")]"},
	{"feature", "ellipse", "#dcfce7", "#15803d", "([", "])"},
	{"run", "box", "#fef3c7", "#b45309", "[", "]"},
	{"model", "box3d", "#fce7f3", "#be185d", "[[", "]]"},
	{"code", "note", "#f3f4f6", "#374151", ">", "]"},
	{"pipeline", "cds", "#ede9fe", "#6d28d9", "{{", "}}"},
};
static const KindStyle other_style = {"other", "ellipse", "#ffffff", "#6b7280", "(", ")"};

static const KindStyle *
style_of(const char *t, size_t l, LinNodeParts *parts)
{
	size_t		i;

	if (!lin_node_parts(t, l, parts))
		return &other_style;
	for (i = 0; i < lengthof(kind_styles); i++)
		if (strlen(kind_styles[i].kind) == parts->kind_len &&
			memcmp(kind_styles[i].kind, t + parts->kind_off, parts->kind_len) == 0)
			return &kind_styles[i];
	return &other_style;
}

/* DOT double-quoted string content: \ and " escaped, newline as \n */
static void
dot_escape(StringInfo buf, const char *s, size_t l)
{
	size_t		i;

	for (i = 0; i < l; i++)
	{
		if (s[i] == '"' || s[i] == '\\')
			appendStringInfoChar(buf, '\\');
		if (s[i] == '\n')
			appendStringInfoString(buf, "\\n");
		else if (s[i] != '\r')
			appendStringInfoChar(buf, s[i]);
	}
}

PG_FUNCTION_INFO_V1(lineage_dot);
Datum
lineage_dot(PG_FUNCTION_ARGS)
{
	LinView		v;
	StringInfoData buf;
	uint32		i, e;

	GET_VIEW(0, &v);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "digraph lineage {\n    rankdir=LR;\n"
						   "    node [style=filled, fontname=\"Helvetica\", fontsize=10];\n");
	for (i = 0; i < v.nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(&v, i, &l);
		LinNodeParts p;
		const KindStyle *ks = style_of(t, l, &p);
		char	   *name = palloc(p.name_len + 1);
		size_t		nl = lin_unquote(t + p.name_off, p.name_len, name);

		appendStringInfoString(&buf, "    \"");
		dot_escape(&buf, t, l);
		appendStringInfoString(&buf, "\" [label=\"");
		dot_escape(&buf, t, p.name_off - 1);	/* [project/]kind */
		appendStringInfoString(&buf, "\\n");
		dot_escape(&buf, name, nl);
		appendStringInfo(&buf, "\", shape=%s, fillcolor=\"%s\", color=\"%s\"];\n",
						 ks->dot_shape, ks->fill, ks->stroke);
		pfree(name);
	}
	for (i = 0; i < v.nnodes; i++)
		for (e = v.ostart[i]; e < v.ostart[i + 1]; e++)
		{
			size_t		sl, dl;
			const char *s = lin_node(&v, i, &sl);
			const char *d = lin_node(&v, v.odst[e], &dl);

			appendStringInfoString(&buf, "    \"");
			dot_escape(&buf, s, sl);
			appendStringInfoString(&buf, "\" -> \"");
			dot_escape(&buf, d, dl);
			appendStringInfoString(&buf, "\";\n");
		}
	appendStringInfoString(&buf, "}\n");
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/* Mermaid quoted label: entity codes for characters Mermaid would interpret */
static void
mermaid_escape(StringInfo buf, const char *s, size_t l)
{
	size_t		i;

	for (i = 0; i < l; i++)
	{
		switch (s[i])
		{
			case '"':
				appendStringInfoString(buf, "#quot;");
				break;
			case '#':
				appendStringInfoString(buf, "#35;");
				break;
			case '<':
				appendStringInfoString(buf, "#lt;");
				break;
			case '>':
				appendStringInfoString(buf, "#gt;");
				break;
			case '\n':
			case '\r':
			case '\t':
				appendStringInfoChar(buf, ' ');
				break;
			default:
				appendStringInfoChar(buf, s[i]);
		}
	}
}

PG_FUNCTION_INFO_V1(lineage_mermaid);
Datum
lineage_mermaid(PG_FUNCTION_ARGS)
{
	LinView		v;
	StringInfoData buf;
	uint32		i, e;
	size_t		k;
	StringInfoData *members;

	GET_VIEW(0, &v);
	initStringInfo(&buf);
	members = palloc0(sizeof(StringInfoData) * lengthof(kind_styles));
	appendStringInfoString(&buf, "flowchart LR\n");
	for (i = 0; i < v.nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(&v, i, &l);
		LinNodeParts p;
		const KindStyle *ks = style_of(t, l, &p);

		appendStringInfo(&buf, "    n%u%s\"", i, ks->mm_open);
		mermaid_escape(&buf, t, l);
		appendStringInfo(&buf, "\"%s\n", ks->mm_close);
		if (ks != &other_style)
		{
			StringInfo	m = &members[ks - kind_styles];

			if (m->data == NULL)
				initStringInfo(m);
			else
				appendStringInfoChar(m, ',');
			appendStringInfo(m, "n%u", i);
		}
	}
	for (i = 0; i < v.nnodes; i++)
		for (e = v.ostart[i]; e < v.ostart[i + 1]; e++)
			appendStringInfo(&buf, "    n%u --> n%u\n", i, v.odst[e]);
	for (k = 0; k < lengthof(kind_styles); k++)
	{
		if (members[k].data == NULL)
			continue;
		appendStringInfo(&buf, "    classDef %s fill:%s,stroke:%s\n",
						 kind_styles[k].kind, kind_styles[k].fill, kind_styles[k].stroke);
		appendStringInfo(&buf, "    class %s %s\n", members[k].data, kind_styles[k].kind);
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/* ---- aggregate ---------------------------------------------------------- */

typedef struct LinAggState
{
	LinMem		mem;			/* allocates in the aggregate context */
	LinBuilder	b;
} LinAggState;

PG_FUNCTION_INFO_V1(lineage_agg_transfn);
Datum
lineage_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LinAggState   *st;
	LinError	err;
	uint32		si = 0, di = 0;
	size_t		l;
	char	   *c;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("lineage_agg_transfn called in non-aggregate context")));
	if (PG_ARGISNULL(0))
	{
		st = MemoryContextAllocZero(aggcxt, sizeof(LinAggState));
		lineage_mem_init(&st->mem, aggcxt);
		lin_builder_init(&st->b, &st->mem);
	}
	else
		st = (LinAggState *) PG_GETARG_POINTER(0);

	if (!PG_ARGISNULL(1))
	{
		c = lineage_canon_text(PG_GETARG_TEXT_PP(1), &l);
		if (lin_builder_node(&st->b, c, l, &si, &err) != LIN_OK)
			lineage_report(&err, "", 0, 0, "mreg.lineage_agg");
		pfree(c);
	}
	if (!PG_ARGISNULL(2))
	{
		c = lineage_canon_text(PG_GETARG_TEXT_PP(2), &l);
		if (lin_builder_node(&st->b, c, l, &di, &err) != LIN_OK)
			lineage_report(&err, "", 0, 0, "mreg.lineage_agg");
		pfree(c);
	}
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
		if (lin_builder_edge(&st->b, si, di, &err) != LIN_OK)
			lineage_report(&err, "", 0, 0, "mreg.lineage_agg");
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lineage_agg_finalfn);
Datum
lineage_agg_finalfn(PG_FUNCTION_ARGS)
{
	LinAggState   *st;
	LinBuilder	b;
	LinMem		mem;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (LinAggState *) PG_GETARG_POINTER(0);
	/* build in the current context, leaving the state untouched */
	lineage_mem_init(&mem, CurrentMemoryContext);
	b = st->b;
	b.mem = &mem;
	PG_RETURN_DATUM(build_from(&b, ERRCODE_CHECK_VIOLATION, "mreg.lineage_agg"));
}
