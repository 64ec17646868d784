/*
 * lineage_fuzz.c: libFuzzer harness for the mreg.lineage text grammar and
 * graph core.  For every input: parse it as a graph and as a single node;
 * when it parses, the body must validate, its canonical text must parse back
 * to the identical body and print identically, and the graph operations
 * (union with itself, upstream/downstream, containment, overlap, compare,
 * node parts, families, distances, project-relative renaming) must agree
 * with each other; no node exceeds LIN_MAX_NODE.  The GIN key builder runs
 * on the raw input (up to 4096 bytes, so lossy keys too) and on every node
 * and family, each into a buffer of exactly the announced size so that ASan
 * sees any byte written past it.  The cancel hook counts its calls.  Never
 * crash, never leak.
 *
 * fuzz-sources: src/lineage_parse.c src/lineage_graph.c src/mreg_interrupt.c
 */
#include "lineage_parse.h"
#include "mreg_interrupt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *f_alloc(size_t n, void *c) { (void) c; return malloc(n ? n : 1); }
static void *f_realloc(void *p, size_t n, void *c) { (void) c; return realloc(p, n ? n : 1); }
static void f_free(void *p, void *c) { (void) c; free(p); }
static LinMem mem = {f_alloc, f_realloc, f_free, NULL};

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void check_view(const char *body, size_t len, LinView *v);

static unsigned long hook_calls;
static void count_hook(void) { hook_calls++; }

/* key of s (family: tag + s) into an exact-size heap buffer, checked byte for byte */
static void
check_key(const char *s, size_t len, int family)
{
	size_t		klen = lin_gin_key_len(len, family);
	size_t		tag = family ? 1 : 0;
	char	   *k = malloc(klen);
	size_t		n = lin_gin_key(s, len, family, k);
	size_t		i;

	CHECK(n == klen && n <= LIN_GIN_KEYBUF);
	CHECK(!family || k[0] == LIN_FAMILY_TAG);
	if (tag + len <= LIN_GIN_MAXKEY)
		CHECK(n == tag + len && memcmp(k + tag, s, len) == 0);
	else
	{
		CHECK(n == LIN_GIN_KEYBUF && n > LIN_GIN_MAXKEY);
		CHECK(memcmp(k + tag, s, LIN_GIN_MAXKEY - tag) == 0 && k[LIN_GIN_MAXKEY] == '#');
		for (i = LIN_GIN_MAXKEY + 1; i < n; i++)
			CHECK((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f'));
		if (!family)
		{
			/* the hash is FNV-1a of the whole text */
			uint64_t	h = lin_hash64(s, len);

			for (i = 0; i < 16; i++)
				CHECK(k[LIN_GIN_MAXKEY + 1 + i] == "0123456789abcdef"[(h >> (60 - 4 * i)) & 0xF]);
		}
	}
	free(k);
}

/* families of node i of v: canonical, same project and kind, found by lin_has_family */
static void
check_family(const LinView *v, uint32_t i)
{
	size_t		l, fl, cl;
	const char *t = lin_node(v, i, &l);
	char	   *f, *c;
	LinError	e;
	LinNodeParts np, fp;
	int			found;

	check_key(t, l, 0);
	CHECK(lin_has_family(v, t, l, &mem, &found, &e) == LIN_OK && found);
	CHECK(lin_node_family(t, l, &mem, &f, &fl, &e) == LIN_OK);
	if (f == NULL)
		return;
	CHECK(fl < l && fl <= LIN_MAX_NODE);
	CHECK(lin_canon_node(f, fl, &mem, &c, &cl, &e) == LIN_OK);
	CHECK(cl == fl && memcmp(c, f, fl) == 0);
	free(c);
	CHECK(lin_node_parts(t, l, &np) && lin_node_parts(f, fl, &fp));
	CHECK(np.name_off == fp.name_off && memcmp(t, f, np.name_off) == 0);
	CHECK(lin_has_family(v, f, fl, &mem, &found, &e) == LIN_OK && found);
	check_key(f, fl, 1);
	free(f);
}

/* distances from node a: 0 to itself, 1 along an edge, a path exactly to the descendants */
static void
check_distance(const LinView *v, uint32_t a)
{
	char	   *out;
	size_t		outlen, l;
	LinView		r;
	LinError	e;
	int64_t		d;
	uint32_t	j, k;

	CHECK(lin_distance(v, a, a, &mem, &d, &e) == LIN_OK && d == 0);
	for (k = v->ostart[a]; k < v->ostart[a + 1]; k++)
		CHECK(lin_distance(v, a, v->odst[k], &mem, &d, &e) == LIN_OK && d == 1);
	CHECK(lin_reach(v, a, 0, &mem, 0, &out, &outlen, &e) == LIN_OK);
	CHECK(lin_view(out, outlen, &r, 0, NULL, &e) == LIN_OK);
	for (j = 0; j < v->nnodes && j < 16; j++)
	{
		const char *t = lin_node(v, j, &l);

		CHECK(lin_distance(v, a, j, &mem, &d, &e) == LIN_OK);
		CHECK((d >= 0) == (lin_find(&r, t, l) >= 0));
		CHECK(d < (int64_t) v->nnodes);
		if (d > 0)
		{
			/* a shortest path is one longer than the best predecessor's */
			int64_t		best = -1, d2;
			uint32_t	u;

			for (u = 0; u < v->nnodes; u++)
				if (lin_has_edge(v, u, j) &&
					lin_distance(v, a, u, &mem, &d2, &e) == LIN_OK && d2 >= 0 && (best < 0 || d2 < best))
					best = d2;
			CHECK(best + 1 == d);
		}
	}
	free(out);
}

/* renaming to the project of some node: same shape, no node left in the project, idempotent */
static void
check_relative(const char *body, size_t blen, const LinView *v)
{
	uint32_t	i;
	LinNodeParts p;
	size_t		l;
	const char *t = NULL;
	char	   *proj, *out, *out2;
	size_t		pl, outlen, out2len;
	LinView		r;
	LinError	e;
	LinStatus	st;

	for (i = 0; i < v->nnodes; i++)
	{
		t = lin_node(v, i, &l);
		if (lin_node_parts(t, l, &p) && p.proj_len > 0)
			break;
	}
	if (i == v->nnodes)
	{
		/* nothing to strip: the same value */
		CHECK(lin_relative(v, "p", 1, &mem, 0, &out, &outlen, &e) == LIN_OK);
		CHECK(outlen == blen && memcmp(out, body, blen) == 0);
		free(out);
		return;
	}
	proj = malloc(p.proj_len);
	pl = lin_unquote(t, p.proj_len, proj);
	st = lin_relative(v, proj, pl, &mem, 0, &out, &outlen, &e);
	if (st != LIN_OK)
	{
		CHECK(st == LIN_ERR_INVALID && e.detail != NULL);
		free(e.detail);
		free(proj);
		return;
	}
	check_view(out, outlen, &r);
	CHECK(r.nnodes == v->nnodes && r.nedges == v->nedges);
	for (i = 0; i < r.nnodes; i++)
	{
		LinNodeParts q;
		const char *u = lin_node(&r, i, &l);

		CHECK(lin_node_parts(u, l, &q));
		CHECK(!(q.proj_len == p.proj_len && memcmp(u, t, p.proj_len) == 0));
	}
	CHECK(lin_relative(&r, proj, pl, &mem, 0, &out2, &out2len, &e) == LIN_OK);
	CHECK(out2len == outlen && memcmp(out, out2, outlen) == 0);
	free(out2);
	free(out);
	free(proj);
}

static void
check_view(const char *body, size_t len, LinView *v)
{
	LinError	e;

	CHECK(lin_view(body, len, v, 1, &mem, &e) == LIN_OK);
}

static void
check_reach(const LinView *v, uint32_t start, int up)
{
	char	   *out;
	size_t		outlen;
	LinView		r;
	LinError	e;
	size_t		l;
	const char *t = lin_node(v, start, &l);

	CHECK(lin_reach(v, start, up, &mem, 0, &out, &outlen, &e) == LIN_OK);
	check_view(out, outlen, &r);
	CHECK(lin_contains(v, &r));
	CHECK(lin_find(&r, t, l) >= 0);
	CHECK(r.nnodes >= 1);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	char	   *body = NULL, *text = NULL, *body2 = NULL, *text2 = NULL, *node = NULL;
	size_t		blen, tlen, b2len, t2len, nlen;
	LinError	e;
	LinView		v, v2;
	uint32_t	i;

	mreg_interrupt_hook = count_hook;

	/* the GIN key builder on any bytes, short or long */
	check_key(s, size, 0);
	check_key(s, size, 1);

	/* single node */
	if (lin_canon_node(s, size, &mem, &node, &nlen, &e) == LIN_OK)
	{
		char	   *again;
		size_t		alen;
		LinNodeParts parts;

		CHECK(strlen(node) == nlen && nlen <= LIN_MAX_NODE);
		CHECK(lin_canon_node(node, nlen, &mem, &again, &alen, &e) == LIN_OK);
		CHECK(alen == nlen && memcmp(again, node, nlen) == 0);
		CHECK(lin_node_parts(node, nlen, &parts));
		free(again);
		free(node);
	}
	else
	{
		CHECK((e.status == LIN_ERR_SYNTAX || e.status == LIN_ERR_NODELEN) && e.pos <= size);
	}

	/* graph */
	if (lin_parse(s, size, &mem, 0, &body, &blen, &e) != LIN_OK)
	{
		CHECK(e.status == LIN_ERR_SYNTAX || e.status == LIN_ERR_CYCLE || e.status == LIN_ERR_NODELEN);
		CHECK(e.status == LIN_ERR_CYCLE || e.pos <= size);
		CHECK(e.status != LIN_ERR_CYCLE || e.detail != NULL);
		free(e.detail);
		return 0;
	}
	check_view(body, blen, &v);
	CHECK(lin_text(&v, &mem, 0, &text, &tlen, &e) == LIN_OK);
	CHECK(strlen(text) == tlen);
	CHECK(lin_parse(text, tlen, &mem, 0, &body2, &b2len, &e) == LIN_OK);
	CHECK(b2len == blen && memcmp(body, body2, blen) == 0);
	check_view(body2, b2len, &v2);
	CHECK(lin_text(&v2, &mem, 0, &text2, &t2len, &e) == LIN_OK);
	CHECK(t2len == tlen && memcmp(text, text2, tlen) == 0);
	CHECK(lin_compare(&v, &v2) == 0);
	CHECK(lin_contains(&v, &v2) && lin_contains(&v2, &v));
	CHECK(lin_overlaps(&v, &v2) == (v.nnodes > 0));
	free(body2);

	/* union with itself is itself */
	{
		LinBuilder	b;

		lin_builder_init(&b, &mem);
		CHECK(lin_builder_view(&b, &v, &e) == LIN_OK);
		CHECK(lin_builder_view(&b, &v, &e) == LIN_OK);
		CHECK(lin_build(&b, 0, &body2, &b2len, &e) == LIN_OK);
		CHECK(b2len == blen && memcmp(body, body2, blen) == 0);
		free(body2);
		lin_builder_free(&b);
	}

	for (i = 0; i < v.nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(&v, i, &l);
		LinNodeParts parts;

		CHECK(lin_find(&v, t, l) == (int64_t) i);
		CHECK(lin_node_parts(t, l, &parts));
		CHECK(l <= LIN_MAX_NODE);
		check_family(&v, i);
		if (i >= 4 && i + 4 < v.nnodes)
			continue;			/* keep it quick on big graphs */
		check_reach(&v, i, 1);
		check_reach(&v, i, 0);
		check_distance(&v, i);
	}
	check_relative(body, blen, &v);
	free(body);
	free(text);
	free(text2);
	return 0;
}
