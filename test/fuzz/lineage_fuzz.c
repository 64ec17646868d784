/*
 * lineage_fuzz.c: libFuzzer harness for the mreg.lineage text grammar and
 * graph core.  For every input: parse it as a graph and as a single node;
 * when it parses, the body must validate, its canonical text must parse back
 * to the identical body and print identically, and the graph operations
 * (union with itself, upstream/downstream, containment, overlap, compare,
 * node parts) must agree with each other.  Never crash, never leak.
 *
 * fuzz-sources: src/lineage_parse.c src/lineage_graph.c
 */
#include "lineage_parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *f_alloc(size_t n, void *c) { (void) c; return malloc(n ? n : 1); }
static void *f_realloc(void *p, size_t n, void *c) { (void) c; return realloc(p, n ? n : 1); }
static void f_free(void *p, void *c) { (void) c; free(p); }
static LinMem mem = {f_alloc, f_realloc, f_free, NULL};

#define CHECK(x) do { if (!(x)) abort(); } while (0)

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

	/* single node */
	if (lin_canon_node(s, size, &mem, &node, &nlen, &e) == LIN_OK)
	{
		char	   *again;
		size_t		alen;
		LinNodeParts parts;

		CHECK(strlen(node) == nlen);
		CHECK(lin_canon_node(node, nlen, &mem, &again, &alen, &e) == LIN_OK);
		CHECK(alen == nlen && memcmp(again, node, nlen) == 0);
		CHECK(lin_node_parts(node, nlen, &parts));
		free(again);
		free(node);
	}
	else
	{
		CHECK(e.status == LIN_ERR_SYNTAX && e.pos <= size);
	}

	/* graph */
	if (lin_parse(s, size, &mem, 0, &body, &blen, &e) != LIN_OK)
	{
		CHECK(e.status == LIN_ERR_SYNTAX || e.status == LIN_ERR_CYCLE);
		CHECK(e.status != LIN_ERR_SYNTAX || e.pos <= size);
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
		if (i >= 4 && i + 4 < v.nnodes)
			continue;			/* keep it quick on big graphs */
		check_reach(&v, i, 1);
		check_reach(&v, i, 0);
	}
	free(body);
	free(text);
	free(text2);
	return 0;
}
