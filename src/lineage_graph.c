/*
 * lineage_graph.c: the binary form of mreg.lineage and the graph algorithms
 * on it (backend-free, see lineage_parse.h): building a canonical body from
 * nodes and edges (sort, deduplicate, cycle check), validation, lookup,
 * containment, overlap, ordering, upstream/downstream traversal, distances
 * and GIN keys.
 *
 * Cancel: the long loops call MREG_CHECK_INTERRUPTS(), which may not return
 * (it ereports in the backend).  Everything here allocates through LinMem
 * (palloc in the backend, freed with its memory context), and the sorts are
 * our own rather than qsort, which may malloc a scratch buffer that a
 * longjmp out of it would leak.
 */
#include "lineage_parse.h"
#include "mreg_interrupt.h"

#include <stdio.h>
#include <string.h>

/* call MREG_CHECK_INTERRUPTS() every so many steps of an inner loop */
#define TICK(n) do { if ((++(n) & 0xFFF) == 0) MREG_CHECK_INTERRUPTS(); } while (0)

#define HDR_BYTES (LIN_HEADER_WORDS * sizeof(uint32_t))

static LinStatus
fail_nomem(LinError *err)
{
	err->status = LIN_ERR_NOMEM;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	err->hint[0] = '\0';
	return LIN_ERR_NOMEM;
}

static LinStatus
fail_toobig(LinError *err)
{
	err->status = LIN_ERR_TOOBIG;
	snprintf(err->msg, sizeof(err->msg), "lineage value would exceed the maximum size of 1 GB");
	err->hint[0] = '\0';
	return LIN_ERR_TOOBIG;
}

static LinStatus
fail_nodelen(LinError *err)
{
	err->status = LIN_ERR_NODELEN;
	err->pos = LIN_NOPOS;
	snprintf(err->msg, sizeof(err->msg), "node longer than %d bytes", LIN_MAX_NODE);
	err->hint[0] = '\0';
	return LIN_ERR_NODELEN;
}

static LinStatus
fail_corrupt(LinError *err, const char *what)
{
	err->status = LIN_ERR_CORRUPT;
	snprintf(err->msg, sizeof(err->msg), "corrupt lineage value: %s", what);
	err->hint[0] = '\0';
	return LIN_ERR_CORRUPT;
}

static void *
grow(LinMem *m, void *p, size_t *cap, size_t elem, size_t need)
{
	size_t		c = *cap ? *cap : 16;
	void	   *q;

	while (c < need)
		c *= 2;
	if (c > ((size_t) -1) / elem)
		return NULL;
	q = p ? m->realloc(p, c * elem, m->ctx) : m->alloc(c * elem, m->ctx);
	if (q)
		*cap = c;
	return q;
}

int
lin_textcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

uint64_t
lin_hash64(const char *s, size_t len)
{
	uint64_t	h = UINT64_C(14695981039346656037);
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static const char hexdigits[] = "0123456789abcdef";

size_t
lin_gin_key(const char *s, size_t len, int family, char *dst)
{
	size_t		tag = family ? 1 : 0;
	size_t		i;
	uint64_t	h;

	if (tag + len <= LIN_GIN_MAXKEY)
	{
		if (tag)
			dst[0] = LIN_FAMILY_TAG;
		memcpy(dst + tag, s, len);
		return tag + len;
	}
	/* lossy: the first LIN_GIN_MAXKEY bytes of tag + s, '#', hash of tag + s */
	h = UINT64_C(14695981039346656037);
	if (tag)
	{
		dst[0] = LIN_FAMILY_TAG;
		h ^= (unsigned char) LIN_FAMILY_TAG;
		h *= UINT64_C(1099511628211);
	}
	memcpy(dst + tag, s, LIN_GIN_MAXKEY - tag);
	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= UINT64_C(1099511628211);
	}
	dst[LIN_GIN_MAXKEY] = '#';
	for (i = 0; i < 16; i++)
		dst[LIN_GIN_MAXKEY + 1 + i] = hexdigits[(h >> (60 - 4 * i)) & 0xF];
	return LIN_GIN_KEYBUF;
}

/* ---- sorting (interruptible, allocation through LinMem) ------------------- */

typedef struct OccRef
{
	const char *p;
	uint32_t	len;
	uint32_t	occ;
} OccRef;

static inline int
occref_cmp(const OccRef *x, const OccRef *y)
{
	int			c = lin_textcmp(x->p, x->len, y->p, y->len);

	if (c != 0)
		return c;
	return (x->occ > y->occ) - (x->occ < y->occ);
}

/*
 * Bottom-up merge sorts: insertion-sorted runs of 16, then merging passes
 * between a and a scratch array; interrupts are checked every 4096 elements.
 */
#define SORT_RUN 16
#define DEFINE_MSORT(NAME, T, LESS) \
static int \
NAME(T *a, size_t n, LinMem *m) \
{ \
	T		   *tmp, *src, *dst; \
	size_t		i, j, w, ticks = 0; \
 \
	for (i = 0; i < n; i += SORT_RUN) \
	{ \
		size_t		end = i + SORT_RUN < n ? i + SORT_RUN : n; \
 \
		for (j = i + 1; j < end; j++) \
		{ \
			T			x = a[j]; \
			size_t		k = j; \
 \
			while (k > i && LESS(&x, &a[k - 1])) \
			{ \
				a[k] = a[k - 1]; \
				k--; \
			} \
			a[k] = x; \
		} \
		TICK(ticks); \
	} \
	if (n <= SORT_RUN) \
		return 1; \
	tmp = m->alloc(n * sizeof(T), m->ctx); \
	if (!tmp) \
		return 0; \
	src = a; \
	dst = tmp; \
	for (w = SORT_RUN; w < n; w *= 2) \
	{ \
		for (i = 0; i < n; i += 2 * w) \
		{ \
			size_t		mid = i + w < n ? i + w : n; \
			size_t		end = i + 2 * w < n ? i + 2 * w : n; \
			size_t		l = i, r = mid, o = i; \
 \
			while (l < mid && r < end) \
			{ \
				if (LESS(&src[r], &src[l])) \
					dst[o++] = src[r++]; \
				else \
					dst[o++] = src[l++]; \
				TICK(ticks); \
			} \
			while (l < mid) \
				dst[o++] = src[l++]; \
			while (r < end) \
				dst[o++] = src[r++]; \
		} \
		{ \
			T		   *t = src; \
 \
			src = dst; \
			dst = t; \
		} \
		MREG_CHECK_INTERRUPTS(); \
	} \
	if (src != a) \
		memcpy(a, src, n * sizeof(T)); \
	m->free(tmp, m->ctx); \
	return 1; \
}

#define OCC_LESS(x, y) (occref_cmp((x), (y)) < 0)
#define U64_LESS(x, y) (*(x) < *(y))
DEFINE_MSORT(sort_occrefs, OccRef, OCC_LESS)
DEFINE_MSORT(sort_u64, uint64_t, U64_LESS)

/* ---- builder ------------------------------------------------------------ */

void
lin_builder_init(LinBuilder *b, LinMem *mem)
{
	memset(b, 0, sizeof(*b));
	b->mem = mem;
}

void
lin_builder_free(LinBuilder *b)
{
	LinMem	   *m = b->mem;

	if (b->pool)
		m->free(b->pool, m->ctx);
	if (b->occ_off)
		m->free(b->occ_off, m->ctx);
	if (b->occ_len)
		m->free(b->occ_len, m->ctx);
	if (b->edges)
		m->free(b->edges, m->ctx);
	if (b->nhash)
		m->free(b->nhash, m->ctx);
	if (b->ehash)
		m->free(b->ehash, m->ctx);
	lin_builder_init(b, m);
}

/*
 * Node table slots: the low 32 bits of the text's hash << 32 | node id + 1
 * (0: empty), so a probe compares texts only on equal hashes and growing
 * the table hashes nothing again.
 */
#define SLOT_ID(x) ((uint32_t) (x) - 1)
#define SLOT_HASH(x) ((uint32_t) ((x) >> 32))

/* grow the node hash table to hold b->nocc + 1 nodes at most half full */
static int
nhash_grow(LinBuilder *b)
{
	LinMem	   *m = b->mem;
	size_t		cap, i, ticks = 0;
	uint64_t   *t;

	if (2 * (b->nocc + 1) <= b->nhashcap)
		return 1;
	cap = b->nhashcap ? 2 * b->nhashcap : 64;
	t = m->alloc(cap * sizeof(uint64_t), m->ctx);
	if (!t)
		return 0;
	memset(t, 0, cap * sizeof(uint64_t));
	for (i = 0; i < b->nhashcap; i++)
	{
		uint64_t	x = b->nhash[i];
		size_t		h;

		if (!x)
			continue;
		for (h = SLOT_HASH(x) & (cap - 1); t[h]; h = (h + 1) & (cap - 1))
			;
		t[h] = x;
		TICK(ticks);
	}
	if (b->nhash)
		m->free(b->nhash, m->ctx);
	b->nhash = t;
	b->nhashcap = cap;
	return 1;
}

static inline size_t
edge_slot(uint64_t key, size_t cap)
{
	return (size_t) ((key * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (cap - 1);
}

static int
ehash_grow(LinBuilder *b)
{
	LinMem	   *m = b->mem;
	size_t		cap, i, ticks = 0;
	uint64_t   *t;

	if (2 * (b->nedges + 1) <= b->ehashcap)
		return 1;
	cap = b->ehashcap ? 2 * b->ehashcap : 64;
	t = m->alloc(cap * sizeof(uint64_t), m->ctx);
	if (!t)
		return 0;
	memset(t, 0xFF, cap * sizeof(uint64_t));
	if (b->ehash)
		m->free(b->ehash, m->ctx);
	b->ehash = t;
	b->ehashcap = cap;
	for (i = 0; i < b->nedges; i++)
	{
		uint64_t	key = ((uint64_t) b->edges[2 * i] << 32) | b->edges[2 * i + 1];
		size_t		h = edge_slot(key, cap);

		while (t[h] != UINT64_MAX)
			h = (h + 1) & (cap - 1);
		t[h] = key;
		TICK(ticks);
	}
	return 1;
}

LinStatus
lin_builder_node(LinBuilder *b, const char *canon, size_t len, uint32_t *id, LinError *err)
{
	size_t		h;
	uint32_t	hv;

	if (len > LIN_MAX_NODE)
		return fail_nodelen(err);
	hv = (uint32_t) lin_hash64(canon, len);
	if (b->nhashcap)
	{
		for (h = hv & (b->nhashcap - 1); b->nhash[h]; h = (h + 1) & (b->nhashcap - 1))
		{
			uint32_t	o = SLOT_ID(b->nhash[h]);

			if (SLOT_HASH(b->nhash[h]) == hv && b->occ_len[o] == len &&
				memcmp(b->pool + b->occ_off[o], canon, len) == 0)
			{
				*id = o;
				return LIN_OK;
			}
		}
	}
	if (b->poolsize + len > LIN_MAX_BODY || b->nocc >= UINT32_MAX - 1)
		return fail_toobig(err);
	if (b->poolsize + len > b->poolcap)
	{
		char	   *p = grow(b->mem, b->pool, &b->poolcap, 1, b->poolsize + len);

		if (!p)
			return fail_nomem(err);
		b->pool = p;
	}
	if (b->nocc + 1 > b->occcap)
	{
		size_t		cap = b->occcap;
		uint32_t   *o = grow(b->mem, b->occ_off, &cap, sizeof(uint32_t), b->nocc + 1);

		if (!o)
			return fail_nomem(err);
		b->occ_off = o;
		cap = b->occcap;
		o = grow(b->mem, b->occ_len, &cap, sizeof(uint32_t), b->nocc + 1);
		if (!o)
			return fail_nomem(err);
		b->occ_len = o;
		b->occcap = cap;
	}
	if (!nhash_grow(b))
		return fail_nomem(err);
	memcpy(b->pool + b->poolsize, canon, len);
	b->occ_off[b->nocc] = (uint32_t) b->poolsize;
	b->occ_len[b->nocc] = (uint32_t) len;
	b->poolsize += len;
	for (h = hv & (b->nhashcap - 1); b->nhash[h]; h = (h + 1) & (b->nhashcap - 1))
		;
	b->nhash[h] = ((uint64_t) hv << 32) | ((uint32_t) b->nocc + 1);
	*id = (uint32_t) b->nocc++;
	return LIN_OK;
}

LinStatus
lin_builder_edge(LinBuilder *b, uint32_t src, uint32_t dst, LinError *err)
{
	uint64_t	key = ((uint64_t) src << 32) | dst;
	size_t		h;

	if (b->ehashcap)
	{
		for (h = edge_slot(key, b->ehashcap); b->ehash[h] != UINT64_MAX; h = (h + 1) & (b->ehashcap - 1))
			if (b->ehash[h] == key)
				return LIN_OK;
	}
	if (b->nedges >= (LIN_MAX_BODY / 8))
		return fail_toobig(err);
	if (2 * (b->nedges + 1) > b->edgecap)
	{
		uint32_t   *e = grow(b->mem, b->edges, &b->edgecap, sizeof(uint32_t), 2 * (b->nedges + 1));

		if (!e)
			return fail_nomem(err);
		b->edges = e;
	}
	if (!ehash_grow(b))
		return fail_nomem(err);
	for (h = edge_slot(key, b->ehashcap); b->ehash[h] != UINT64_MAX; h = (h + 1) & (b->ehashcap - 1))
		;
	b->ehash[h] = key;
	b->edges[2 * b->nedges] = src;
	b->edges[2 * b->nedges + 1] = dst;
	b->nedges++;
	return LIN_OK;
}

LinStatus
lin_builder_view(LinBuilder *b, const LinView *v, LinError *err)
{
	LinMem	   *m = b->mem;
	uint32_t   *ids;
	uint32_t	i, e;
	LinStatus	st = LIN_OK;

	if (v->nnodes == 0)
		return LIN_OK;
	ids = m->alloc((size_t) v->nnodes * sizeof(uint32_t), m->ctx);
	if (!ids)
		return fail_nomem(err);
	for (i = 0; i < v->nnodes && st == LIN_OK; i++)
	{
		size_t		l;
		const char *t = lin_node(v, i, &l);

		st = lin_builder_node(b, t, l, &ids[i], err);
		MREG_CHECK_INTERRUPTS();
	}
	for (i = 0; i < v->nnodes && st == LIN_OK; i++)
	{
		for (e = v->ostart[i]; e < v->ostart[i + 1] && st == LIN_OK; e++)
			st = lin_builder_edge(b, ids[i], ids[v->odst[e]], err);
		MREG_CHECK_INTERRUPTS();
	}
	m->free(ids, m->ctx);
	return st;
}

/* Allocate a body for the given sizes and fill in its header and pointers. */
static LinStatus
body_alloc(LinMem *m, size_t prefix, uint32_t nn, uint32_t ne, size_t poolsize,
		   char **out, size_t *outlen, uint32_t **noff, uint32_t **ostart, uint32_t **odst,
		   char **pool, LinError *err)
{
	size_t		words = LIN_HEADER_WORDS + 2 * ((size_t) nn + 1) + (size_t) ne;
	size_t		size;
	char	   *buf;
	uint32_t   *w;

	if (words > LIN_MAX_BODY / 4 || poolsize > LIN_MAX_BODY - 4 * words)
		return fail_toobig(err);
	size = 4 * words + poolsize;
	buf = m->alloc(prefix + size, m->ctx);
	if (!buf)
		return fail_nomem(err);
	memset(buf, 0, prefix);
	w = (uint32_t *) (void *) (buf + prefix);
	w[0] = nn;
	w[1] = ne;
	w[2] = (uint32_t) poolsize;
	w[3] = LIN_FORMAT_VERSION;
	*noff = w + LIN_HEADER_WORDS;
	*ostart = *noff + nn + 1;
	*odst = *ostart + nn + 1;
	*pool = (char *) (*odst + ne);
	*out = buf;
	*outlen = prefix + size;
	return LIN_OK;
}

/*
 * Find a cycle in a CSR graph; on finding one, write its text to err.
 * Iterative DFS with colours; the cycle is rotated to start at its smallest
 * node so that the message is the same for equal graphs.
 */
#define CYCLE_SHOW 40

static LinStatus
check_acyclic(LinMem *m, uint32_t nn, const uint32_t *ostart, const uint32_t *odst,
			  const char *pool, const uint32_t *noff, LinError *err)
{
	uint8_t    *color;
	uint32_t   *stack, *iter;
	uint32_t	sp, r;
	size_t		ticks = 0;
	LinStatus	st = LIN_OK;

	if (nn == 0)
		return LIN_OK;
	color = m->alloc(nn, m->ctx);
	stack = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	iter = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	if (!color || !stack || !iter)
	{
		st = fail_nomem(err);
		goto done;
	}
	memset(color, 0, nn);
	for (r = 0; r < nn && st == LIN_OK; r++)
	{
		TICK(ticks);
		if (color[r])
			continue;
		sp = 0;
		stack[sp] = r;
		iter[sp] = ostart[r];
		sp++;
		color[r] = 1;
		while (sp > 0)
		{
			uint32_t	u = stack[sp - 1];

			TICK(ticks);
			if (iter[sp - 1] < ostart[u + 1])
			{
				uint32_t	v = odst[iter[sp - 1]++];

				if (color[v] == 0)
				{
					color[v] = 1;
					stack[sp] = v;
					iter[sp] = ostart[v];
					sp++;
				}
				else if (color[v] == 1)
				{
					/* back edge u -> v: the cycle is stack[k..sp-1] where stack[k] == v */
					uint32_t	k = sp - 1, len, minpos, i, shown;
					size_t		tlen = 0;
					char	   *d, *w;

					while (stack[k] != v)
						k--;
					len = sp - k;
					minpos = k;
					for (i = k; i < sp; i++)
						if (stack[i] < stack[minpos])
							minpos = i;
					shown = len <= CYCLE_SHOW ? len : CYCLE_SHOW - 4;
					for (i = 0; i < shown; i++)
					{
						uint32_t	n = stack[k + (minpos - k + i) % len];

						tlen += noff[n + 1] - noff[n] + 4;
					}
					tlen += noff[stack[minpos] + 1] - noff[stack[minpos]] + 64;
					if (len > shown)
						tlen += noff[stack[k + (minpos - k + len - 1) % len] + 1] - noff[stack[k + (minpos - k + len - 1) % len]] + 4;
					d = m->alloc(tlen, m->ctx);
					if (!d)
					{
						st = fail_nomem(err);
						goto done;
					}
					w = d;
					for (i = 0; i < shown; i++)
					{
						uint32_t	n = stack[k + (minpos - k + i) % len];

						memcpy(w, pool + noff[n], noff[n + 1] - noff[n]);
						w += noff[n + 1] - noff[n];
						memcpy(w, " -> ", 4);
						w += 4;
					}
					if (len > shown)
					{
						uint32_t	n = stack[k + (minpos - k + len - 1) % len];

						w += sprintf(w, "... (%u more) -> ", (unsigned) (len - shown - 1));
						memcpy(w, pool + noff[n], noff[n + 1] - noff[n]);
						w += noff[n + 1] - noff[n];
						memcpy(w, " -> ", 4);
						w += 4;
					}
					memcpy(w, pool + noff[stack[minpos]], noff[stack[minpos] + 1] - noff[stack[minpos]]);
					w += noff[stack[minpos] + 1] - noff[stack[minpos]];
					*w = '\0';
					err->status = LIN_ERR_CYCLE;
					err->detail = d;
					err->hint[0] = '\0';
					snprintf(err->msg, sizeof(err->msg), "Cycle of %u node%s",
							 (unsigned) len, len == 1 ? "" : "s");
					st = LIN_ERR_CYCLE;
					break;
				}
			}
			else
			{
				color[u] = 2;
				sp--;
			}
		}
	}
done:
	if (color)
		m->free(color, m->ctx);
	if (stack)
		m->free(stack, m->ctx);
	if (iter)
		m->free(iter, m->ctx);
	return st;
}

/*
 * Refuse a value whose canonical text (lin_text) would exceed LIN_MAX_TEXT:
 * every edge prints as "src -> dst", every node without edges alone, joined
 * by "; ".  Nodes are refs[0..nn) (sorted), edges sorted src << 32 | dst.
 */
static LinStatus
check_text_size(LinMem *m, uint32_t nn, uint32_t ne, const OccRef *refs, const uint64_t *edges, LinError *err)
{
	uint8_t    *touched;
	size_t		n = 0, stmts = ne, ticks = 0;
	uint32_t	i, e;

	if (nn == 0)
		return LIN_OK;
	touched = m->alloc(nn, m->ctx);
	if (!touched)
		return fail_nomem(err);
	memset(touched, 0, nn);
	for (e = 0; e < ne; e++)
	{
		uint32_t	s = (uint32_t) (edges[e] >> 32), d = (uint32_t) edges[e];

		n += (size_t) refs[s].len + 4 + refs[d].len;
		touched[s] = touched[d] = 1;
		TICK(ticks);
	}
	for (i = 0; i < nn; i++)
		if (!touched[i])
		{
			n += refs[i].len;
			stmts++;
		}
	m->free(touched, m->ctx);
	if (stmts > 1)
		n += 2 * (stmts - 1);
	if (n > LIN_MAX_TEXT)
	{
		err->status = LIN_ERR_TOOBIG;
		err->pos = LIN_NOPOS;
		snprintf(err->msg, sizeof(err->msg),
				 "the text form would be %zu bytes, more than the limit of %zu MB",
				 n, LIN_MAX_TEXT / (1024 * 1024));
		err->hint[0] = '\0';
		return LIN_ERR_TOOBIG;
	}
	return LIN_OK;
}

LinStatus
lin_build(const LinBuilder *b, size_t prefix, char **out, size_t *outlen, LinError *err)
{
	LinMem	   *m = b->mem;
	size_t		n = b->nocc;
	OccRef	   *refs = NULL;
	uint32_t   *occ2node = NULL;
	uint64_t   *edges = NULL;
	uint32_t	nn = 0, ne = 0;
	size_t		poolsize = 0, i;
	uint32_t   *noff, *ostart, *odst;
	char	   *pool, *buf = NULL;
	size_t		buflen, ticks = 0;
	LinStatus	st = LIN_OK;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	if (n > 0)
	{
		refs = m->alloc(n * sizeof(OccRef), m->ctx);
		occ2node = m->alloc(n * sizeof(uint32_t), m->ctx);
		if (!refs || !occ2node)
		{
			st = fail_nomem(err);
			goto done;
		}
		for (i = 0; i < n; i++)
		{
			refs[i].p = b->pool + b->occ_off[i];
			refs[i].len = b->occ_len[i];
			refs[i].occ = (uint32_t) i;
		}
		if (!sort_occrefs(refs, n, m))
		{
			st = fail_nomem(err);
			goto done;
		}
		/* unique nodes (the builder has none twice; kept for safety): compact, map */
		for (i = 0; i < n; i++)
		{
			TICK(ticks);
			if (nn == 0 || lin_textcmp(refs[nn - 1].p, refs[nn - 1].len, refs[i].p, refs[i].len) != 0)
			{
				refs[nn] = refs[i];
				poolsize += refs[i].len;
				nn++;
			}
			occ2node[refs[i].occ] = nn - 1;
		}
	}
	if (b->nedges > 0)
	{
		edges = m->alloc(b->nedges * sizeof(uint64_t), m->ctx);
		if (!edges)
		{
			st = fail_nomem(err);
			goto done;
		}
		for (i = 0; i < b->nedges; i++)
			edges[i] = ((uint64_t) occ2node[b->edges[2 * i]] << 32) | occ2node[b->edges[2 * i + 1]];
		if (!sort_u64(edges, b->nedges, m))
		{
			st = fail_nomem(err);
			goto done;
		}
		for (i = 0; i < b->nedges; i++)
			if (ne == 0 || edges[ne - 1] != edges[i])
				edges[ne++] = edges[i];
	}
	if ((st = check_text_size(m, nn, ne, refs, edges, err)) != LIN_OK)
		goto done;
	if ((st = body_alloc(m, prefix, nn, ne, poolsize, &buf, &buflen, &noff, &ostart, &odst, &pool, err)) != LIN_OK)
		goto done;
	{
		size_t		off = 0;
		uint32_t	e = 0, k;

		for (k = 0; k < nn; k++)
		{
			TICK(ticks);
			noff[k] = (uint32_t) off;
			memcpy(pool + off, refs[k].p, refs[k].len);
			off += refs[k].len;
			ostart[k] = e;
			while (e < ne && (uint32_t) (edges[e] >> 32) == k)
			{
				odst[e] = (uint32_t) edges[e];
				e++;
			}
		}
		noff[nn] = (uint32_t) off;
		ostart[nn] = ne;
	}
	st = check_acyclic(m, nn, ostart, odst, pool, noff, err);
done:
	if (refs)
		m->free(refs, m->ctx);
	if (occ2node)
		m->free(occ2node, m->ctx);
	if (edges)
		m->free(edges, m->ctx);
	if (st != LIN_OK)
	{
		if (buf)
			m->free(buf, m->ctx);
		return st;
	}
	*out = buf;
	*outlen = buflen;
	return LIN_OK;
}

/* ---- views -------------------------------------------------------------- */

LinStatus
lin_view(const void *body, size_t len, LinView *v, int validate, LinMem *mem, LinError *err)
{
	const uint32_t *w = body;
	size_t		words;
	uint32_t	i, e;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	if (len < HDR_BYTES + 8)
		return fail_corrupt(err, "too short");
	v->nnodes = w[0];
	v->nedges = w[1];
	v->poolsize = w[2];
	if (w[3] != LIN_FORMAT_VERSION)
		return fail_corrupt(err, "unknown format version");
	words = LIN_HEADER_WORDS + 2 * ((size_t) v->nnodes + 1) + (size_t) v->nedges;
	if (words > len / 4 || len - 4 * words != v->poolsize)
		return fail_corrupt(err, "sizes do not match");
	v->noff = w + LIN_HEADER_WORDS;
	v->ostart = v->noff + v->nnodes + 1;
	v->odst = v->ostart + v->nnodes + 1;
	v->pool = (const char *) (v->odst + v->nedges);
	if (!validate)
		return LIN_OK;

	if (v->noff[0] != 0 || v->noff[v->nnodes] != v->poolsize)
		return fail_corrupt(err, "bad node offsets");
	if (v->ostart[0] != 0 || v->ostart[v->nnodes] != v->nedges)
		return fail_corrupt(err, "bad edge offsets");
	for (i = 0; i < v->nnodes; i++)
	{
		if (v->noff[i + 1] <= v->noff[i] || v->noff[i + 1] > v->poolsize)
			return fail_corrupt(err, "bad node offsets");
		if (v->ostart[i + 1] < v->ostart[i] || v->ostart[i + 1] > v->nedges)
			return fail_corrupt(err, "bad edge offsets");
	}
	for (i = 0; i < v->nnodes; i++)
	{
		size_t		l, cl;
		const char *t = lin_node(v, i, &l);
		char	   *c;
		LinError	e2;

		MREG_CHECK_INTERRUPTS();
		if (i > 0)
		{
			size_t		pl;
			const char *pt = lin_node(v, i - 1, &pl);

			if (lin_textcmp(pt, pl, t, l) >= 0)
				return fail_corrupt(err, "nodes not sorted or not unique");
		}
		if (lin_canon_node(t, l, mem, &c, &cl, &e2) != LIN_OK)
			return e2.status == LIN_ERR_NOMEM ? fail_nomem(err) : fail_corrupt(err, "bad node text");
		if (cl != l || memcmp(c, t, l) != 0)
		{
			mem->free(c, mem->ctx);
			return fail_corrupt(err, "node text not canonical");
		}
		mem->free(c, mem->ctx);
		for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
		{
			if (v->odst[e] >= v->nnodes)
				return fail_corrupt(err, "edge to a missing node");
			if (e > v->ostart[i] && v->odst[e] <= v->odst[e - 1])
				return fail_corrupt(err, "edges not sorted or not unique");
		}
	}
	return check_acyclic(mem, v->nnodes, v->ostart, v->odst, v->pool, v->noff, err);
}

int64_t
lin_find(const LinView *v, const char *s, size_t len)
{
	uint32_t	lo = 0, hi = v->nnodes;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;
		size_t		ml;
		const char *mt = lin_node(v, mid, &ml);
		int			c = lin_textcmp(mt, ml, s, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
lin_has_edge(const LinView *v, uint32_t src, uint32_t dst)
{
	uint32_t	lo = v->ostart[src], hi = v->ostart[src + 1];

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (v->odst[mid] == dst)
			return 1;
		if (v->odst[mid] < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
lin_contains(const LinView *a, const LinView *b)
{
	uint32_t	i, e;
	size_t		ticks = 0;

	if (b->nnodes > a->nnodes || b->nedges > a->nedges)
		return 0;
	for (i = 0; i < b->nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(b, i, &l);
		int64_t		ai = lin_find(a, t, l);

		TICK(ticks);
		if (ai < 0)
			return 0;
		for (e = b->ostart[i]; e < b->ostart[i + 1]; e++)
		{
			size_t		dl;
			const char *d = lin_node(b, b->odst[e], &dl);
			int64_t		ad = lin_find(a, d, dl);

			if (ad < 0 || !lin_has_edge(a, (uint32_t) ai, (uint32_t) ad))
				return 0;
		}
	}
	return 1;
}

int
lin_overlaps(const LinView *a, const LinView *b)
{
	const LinView *s = a->nnodes <= b->nnodes ? a : b;
	const LinView *l = a->nnodes <= b->nnodes ? b : a;
	uint32_t	i;
	size_t		ticks = 0;

	for (i = 0; i < s->nnodes; i++)
	{
		size_t		n;
		const char *t = lin_node(s, i, &n);

		TICK(ticks);
		if (lin_find(l, t, n) >= 0)
			return 1;
	}
	return 0;
}

int
lin_compare(const LinView *a, const LinView *b)
{
	uint32_t	i, ia, ib, ea, eb;
	int			c;

	for (i = 0; i < a->nnodes && i < b->nnodes; i++)
	{
		size_t		la, lb;
		const char *ta = lin_node(a, i, &la);
		const char *tb = lin_node(b, i, &lb);

		if ((c = lin_textcmp(ta, la, tb, lb)) != 0)
			return c;
	}
	if (a->nnodes != b->nnodes)
		return a->nnodes < b->nnodes ? -1 : 1;
	/* same node list: node indexes mean the same nodes, compare edge lists */
	ia = ib = 0;
	ea = eb = 0;
	for (;;)
	{
		while (ia < a->nnodes && ea >= a->ostart[ia + 1])
			ia++;
		while (ib < b->nnodes && eb >= b->ostart[ib + 1])
			ib++;
		if (ea >= a->nedges || eb >= b->nedges)
			break;
		if (ia != ib)
			return ia < ib ? -1 : 1;
		if (a->odst[ea] != b->odst[eb])
			return a->odst[ea] < b->odst[eb] ? -1 : 1;
		ea++;
		eb++;
	}
	if (a->nedges != b->nedges)
		return a->nedges < b->nedges ? -1 : 1;
	return 0;
}

LinStatus
lin_reach(const LinView *v, uint32_t start, int upstream, LinMem *m,
		  size_t prefix, char **out, size_t *outlen, LinError *err)
{
	uint32_t	nn = v->nnodes;
	uint32_t   *istart = NULL, *isrc = NULL, *queue = NULL, *newid = NULL;
	const uint32_t *adjs, *adj;
	uint8_t    *mark = NULL;
	uint32_t	qh = 0, qt = 0, i, e, keep = 0, kedges = 0;
	size_t		kpool = 0, ticks = 0;
	uint32_t   *noff, *ostart, *odst;
	char	   *pool, *buf = NULL;
	size_t		buflen;
	LinStatus	st = LIN_OK;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	mark = m->alloc(nn, m->ctx);
	queue = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	newid = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	if (!mark || !queue || !newid)
	{
		st = fail_nomem(err);
		goto done;
	}
	memset(mark, 0, nn);
	if (upstream)
	{
		/* reverse CSR by counting sort on destinations */
		istart = m->alloc(((size_t) nn + 1) * sizeof(uint32_t), m->ctx);
		isrc = m->alloc(((size_t) v->nedges + 1) * sizeof(uint32_t), m->ctx);
		if (!istart || !isrc)
		{
			st = fail_nomem(err);
			goto done;
		}
		memset(istart, 0, ((size_t) nn + 1) * sizeof(uint32_t));
		for (e = 0; e < v->nedges; e++)
			istart[v->odst[e] + 1]++;
		for (i = 0; i < nn; i++)
			istart[i + 1] += istart[i];
		/* queue doubles as a fill cursor here */
		memcpy(queue, istart, (size_t) nn * sizeof(uint32_t));
		for (i = 0; i < nn; i++)
		{
			TICK(ticks);
			for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
				isrc[queue[v->odst[e]]++] = i;
		}
		adjs = istart;
		adj = isrc;
	}
	else
	{
		adjs = v->ostart;
		adj = v->odst;
	}
	mark[start] = 1;
	queue[qt++] = start;
	while (qh < qt)
	{
		uint32_t	u = queue[qh++];

		TICK(ticks);
		for (e = adjs[u]; e < adjs[u + 1]; e++)
			if (!mark[adj[e]])
			{
				mark[adj[e]] = 1;
				queue[qt++] = adj[e];
			}
	}
	/* induced subgraph, in node order so it stays canonical */
	for (i = 0; i < nn; i++)
	{
		TICK(ticks);
		if (!mark[i])
			continue;
		newid[i] = keep++;
		kpool += v->noff[i + 1] - v->noff[i];
		for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
			kedges += mark[v->odst[e]];
	}
	if ((st = body_alloc(m, prefix, keep, kedges, kpool, &buf, &buflen, &noff, &ostart, &odst, &pool, err)) != LIN_OK)
		goto done;
	{
		uint32_t	k = 0, ke = 0;
		size_t		off = 0;

		for (i = 0; i < nn; i++)
		{
			size_t		l;
			const char *t;

			if (!mark[i])
				continue;
			t = lin_node(v, i, &l);
			noff[k] = (uint32_t) off;
			memcpy(pool + off, t, l);
			off += l;
			ostart[k] = ke;
			for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
				if (mark[v->odst[e]])
					odst[ke++] = newid[v->odst[e]];
			k++;
		}
		noff[keep] = (uint32_t) off;
		ostart[keep] = ke;
	}
	*out = buf;
	*outlen = buflen;
done:
	if (mark)
		m->free(mark, m->ctx);
	if (queue)
		m->free(queue, m->ctx);
	if (newid)
		m->free(newid, m->ctx);
	if (istart)
		m->free(istart, m->ctx);
	if (isrc)
		m->free(isrc, m->ctx);
	return st;
}

LinStatus
lin_distance(const LinView *v, uint32_t src, uint32_t dst, LinMem *m, int64_t *dist, LinError *err)
{
	uint32_t	nn = v->nnodes;
	uint32_t   *d, *queue;
	uint32_t	qh = 0, qt = 0, e;
	size_t		ticks = 0;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	*dist = -1;
	if (src == dst)
	{
		*dist = 0;
		return LIN_OK;
	}
	d = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	queue = m->alloc((size_t) nn * sizeof(uint32_t), m->ctx);
	if (!d || !queue)
	{
		if (d)
			m->free(d, m->ctx);
		if (queue)
			m->free(queue, m->ctx);
		return fail_nomem(err);
	}
	/* breadth-first from src; d[i] = edges from src + 1, 0 unvisited */
	memset(d, 0, (size_t) nn * sizeof(uint32_t));
	d[src] = 1;
	queue[qt++] = src;
	while (qh < qt && *dist < 0)
	{
		uint32_t	u = queue[qh++];

		TICK(ticks);
		for (e = v->ostart[u]; e < v->ostart[u + 1]; e++)
		{
			uint32_t	w = v->odst[e];

			if (d[w])
				continue;
			d[w] = d[u] + 1;
			if (w == dst)
			{
				*dist = (int64_t) d[u];
				break;
			}
			queue[qt++] = w;
		}
	}
	m->free(d, m->ctx);
	m->free(queue, m->ctx);
	return LIN_OK;
}
