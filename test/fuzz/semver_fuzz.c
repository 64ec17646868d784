/*
 * libFuzzer harness for the backend-free semver parser and range matcher.
 * fuzz-sources: src/semver_parse.c src/semver_range.c src/mreg_interrupt.c
 *
 * Input: one byte selector, then text.  Checks:
 *  - strict and lenient parse never crash; what parses formats and parses
 *    back to the same key and build (round trip); formatting is canonical;
 *  - strict success implies lenient success with the same key;
 *  - key comparison is antisymmetric and agrees with a direct precedence
 *    comparison of the formatted texts (independent implementation below),
 *    and the abbreviated key (sv_key_abbrev) never contradicts it;
 *  - range parse never crashes; matching every parsed version works, and a
 *    range that parses once parses again identically (determinism).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semver_parse.h"
#include "semver_range.h"

typedef struct Arena
{
	void	  **ptrs;
	size_t		n, cap;
} Arena;

static void *
arena_alloc(void *ctx, size_t size)
{
	Arena	   *a = ctx;

	if (a->n == a->cap)
	{
		a->cap = a->cap ? a->cap * 2 : 64;
		a->ptrs = realloc(a->ptrs, a->cap * sizeof(void *));
		if (!a->ptrs)
			abort();
	}
	a->ptrs[a->n] = malloc(size ? size : 1);
	if (!a->ptrs[a->n])
		abort();
	return a->ptrs[a->n++];
}

static void
arena_free(Arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->ptrs[i]);
	free(a->ptrs);
	memset(a, 0, sizeof(*a));
}

/* independent precedence of two canonical version texts (SemVer 11) */
static int
ident_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int			an = 1, bn = 1;

	for (size_t i = 0; i < al; i++)
		if (a[i] < '0' || a[i] > '9')
			an = 0;
	for (size_t i = 0; i < bl; i++)
		if (b[i] < '0' || b[i] > '9')
			bn = 0;
	if (an && bn)
	{
		if (al != bl)
			return al < bl ? -1 : 1;
		return memcmp(a, b, al) < 0 ? -1 : memcmp(a, b, al) > 0;
	}
	if (an != bn)
		return an ? -1 : 1;
	{
		size_t		n = al < bl ? al : bl;
		int			r = memcmp(a, b, n);

		if (r)
			return r < 0 ? -1 : 1;
		return (al > bl) - (al < bl);
	}
}

static int
text_precedence(const char *a, const char *b)
{
	unsigned long long x[3], y[3];
	const char *pa, *pb;
	size_t		la, lb;

	if (sscanf(a, "%llu.%llu.%llu", &x[0], &x[1], &x[2]) != 3 ||
		sscanf(b, "%llu.%llu.%llu", &y[0], &y[1], &y[2]) != 3)
		abort();
	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	pa = strchr(a, '-');
	pb = strchr(b, '-');
	{
		const char *ba = strchr(a, '+'), *bb = strchr(b, '+');

		if (pa && ba && ba < pa)
			pa = NULL;
		if (pb && bb && bb < pb)
			pb = NULL;
		la = pa ? (size_t) ((ba ? ba : a + strlen(a)) - pa - 1) : 0;
		lb = pb ? (size_t) ((bb ? bb : b + strlen(b)) - pb - 1) : 0;
	}
	if (!pa || !pb)
		return pa ? -1 : pb ? 1 : 0;
	pa++;
	pb++;
	for (;;)
	{
		size_t		ia = 0, ib = 0;
		int			r;

		while (ia < la && pa[ia] != '.')
			ia++;
		while (ib < lb && pb[ib] != '.')
			ib++;
		r = ident_cmp(pa, ia, pb, ib);
		if (r)
			return r;
		if (ia == la || ib == lb)
			return (ia == la && ib == lb) ? 0 : (ia == la ? -1 : 1);
		pa += ia + 1;
		la -= ia + 1;
		pb += ib + 1;
		lb -= ib + 1;
	}
}

static int	have_prev;
static uint8_t prev_key[8192];
static size_t prev_keylen;
static char prev_text[16384];

static void
check_version(const SvVersion *v)
{
	size_t		kb = sv_key_bound(v);
	uint8_t    *key = malloc(kb), *key2;
	size_t		keylen = sv_encode_key(v, key);
	char	   *txt, *txt2;
	size_t		tl, tl2;
	SvVersion	w;
	SvError		err;

	assert(keylen <= kb);
	txt = malloc(sv_format_bound(keylen, v->buildlen) + 1);
	tl = sv_format(key, keylen, v->build, v->buildlen, txt);
	assert(tl != (size_t) -1 && tl <= sv_format_bound(keylen, v->buildlen));
	/* the formatted text is strict SemVer and round-trips */
	if (!sv_parse_strict(txt, tl, &w, &err))
	{
		fprintf(stderr, "round trip failed: %s (%s)\n", txt, err.msg);
		abort();
	}
	key2 = malloc(sv_key_bound(&w));
	assert(sv_encode_key(&w, key2) == keylen && memcmp(key, key2, keylen) == 0);
	assert(w.buildlen == v->buildlen && (v->buildlen == 0 || memcmp(w.build, v->build, v->buildlen) == 0));
	txt2 = malloc(sv_format_bound(keylen, w.buildlen) + 1);
	tl2 = sv_format(key2, keylen, w.build, w.buildlen, txt2);
	assert(tl2 == tl && memcmp(txt, txt2, tl) == 0);

	/* comparison against the previous version: antisymmetric, matches texts */
	if (have_prev && keylen < sizeof(prev_key) && tl < sizeof(prev_text))
	{
		int			c1 = sv_key_cmp(key, keylen, prev_key, prev_keylen);
		int			c2 = sv_key_cmp(prev_key, prev_keylen, key, keylen);
		int			t = text_precedence(txt, prev_text);

		assert((c1 > 0) == (c2 < 0) && (c1 == 0) == (c2 == 0));
		/* the abbreviated key never contradicts the key order */
		{
			uint64_t	a1 = sv_key_abbrev(key, keylen);
			uint64_t	a0 = sv_key_abbrev(prev_key, prev_keylen);

			if (c1 < 0 ? a1 > a0 : c1 > 0 ? a1 < a0 : a1 != a0)
			{
				fprintf(stderr, "abbrev mismatch: %s vs %s: key %d, %016llx vs %016llx\n", txt,
						prev_text, c1, (unsigned long long) a1, (unsigned long long) a0);
				abort();
			}
		}
		if ((c1 > 0) - (c1 < 0) != t)
		{
			fprintf(stderr, "cmp mismatch: %s vs %s: key %d text %d\n", txt, prev_text, c1, t);
			abort();
		}
	}
	/* bump never breaks the key */
	{
		char	   *pre = malloc(2 * keylen + 8);

		for (int part = 0; part < 4; part++)
		{
			SvVersion	b;

			if (sv_bump(key, keylen, (SvBumpPart) part, pre, &b))
			{
				uint8_t    *bk = malloc(sv_key_bound(&b));
				size_t		bl = sv_encode_key(&b, bk);

				/* node-semver inc() always moves forward */
				assert(sv_key_cmp(bk, bl, key, keylen) > 0);
				assert(sv_key_abbrev(bk, bl) >= sv_key_abbrev(key, keylen));
				free(bk);
			}
		}
		free(pre);
	}
	if (keylen < sizeof(prev_key) && tl < sizeof(prev_text))
	{
		memcpy(prev_key, key, keylen);
		prev_keylen = keylen;
		memcpy(prev_text, txt, tl + 1);
		have_prev = 1;
	}
	free(key);
	free(key2);
	free(txt);
	free(txt2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t		len;
	SvVersion	v, lv;
	SvError		err;
	bool		strict_ok, lenient_ok;

	if (size < 1)
		return 0;
	s = (const char *) data + 1;
	len = size - 1;

	strict_ok = sv_parse_strict(s, len, &v, &err);
	if (!strict_ok)
		assert(err.offset <= len && err.msg != NULL);
	else
		check_version(&v);
	lenient_ok = sv_parse_lenient(s, len, &lv, &err);
	if (!lenient_ok)
		assert(err.offset <= len && err.msg != NULL);
	else
		check_version(&lv);
	if (strict_ok)
	{
		uint8_t    *k1 = malloc(sv_key_bound(&v)), *k2 = malloc(sv_key_bound(&lv));
		size_t		l1, l2;

		assert(lenient_ok);
		l1 = sv_encode_key(&v, k1);
		l2 = sv_encode_key(&lv, k2);
		assert(l1 == l2 && memcmp(k1, k2, l1) == 0);
		free(k1);
		free(k2);
	}

	/* range: parse, match the parsed versions and a few fixed ones */
	{
		Arena		a = {0};
		SvRange    *r = sv_range_parse(s, len, arena_alloc, &a, &err);

		if (r == NULL)
			assert(err.offset <= len && err.msg != NULL);
		else
		{
			static const char *const probes[] = {
				"0.0.0", "1.2.3", "1.2.3-alpha.1", "2.0.0-0", "9223372036854775807.0.0"
			};
			Arena		b = {0};
			SvRange    *r2 = sv_range_parse(s, len, arena_alloc, &b, &err);

			assert(r2 != NULL && r2->nsets == r->nsets && r2->ncomps == r->ncomps);
			assert(r->nsets >= 1);
			for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			{
				SvVersion	pv;
				uint8_t		key[128];
				size_t		kl;

				if (!sv_parse_strict(probes[i], strlen(probes[i]), &pv, &err))
					abort();
				kl = sv_encode_key(&pv, key);
				assert(sv_range_match(r, key, kl) == sv_range_match(r2, key, kl));
			}
			if (lenient_ok)
			{
				uint8_t    *k = malloc(sv_key_bound(&lv));
				size_t		kl = sv_encode_key(&lv, k);

				(void) sv_range_match(r, k, kl);
				free(k);
			}
			arena_free(&b);
		}
		arena_free(&a);
	}
	return 0;
}
