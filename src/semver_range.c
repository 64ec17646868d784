/*
 * semver_range.c: node-semver ranges (includePrerelease=false, loose=false),
 * backend-free.
 *
 * node-semver rewrites the range text with a chain of regular expressions;
 * this file reads the same grammar with a hand-written scanner and produces
 * the same comparator sets, following node-semver 7 (classes/range.js)
 * rule by rule:
 *
 *   range   := set ( "||" set )*            sets are ORed; blank set = "*"
 *   set     := partial WS "-" WS partial    hyphen range (alone in its set)
 *            | comp ( WS comp )*            comparators are ANDed
 *   comp    := op? partial | ("~" | "~>") partial | "^" partial
 *   op      := "<" | "<=" | ">" | ">=" | "="   (spaces may follow op/~/^)
 *   partial := [v=]* xr ( "." xr ( "." xr pre? )? )? build?
 *   xr      := "0" | [1-9][0-9]* | "x" | "X" | "*"
 *
 * Desugaring (M, m, p; X = wildcard or missing):
 *   1.2.3      =1.2.3             1.2 / 1.2.x  >=1.2.0 <1.3.0-0
 *   1 / 1.x    >=1.0.0 <2.0.0-0   * / x / ""   any
 *   >1.2       >=1.3.0            >=1.2       >=1.2.0
 *   <1.2       <1.2.0-0           <=1.2       <1.3.0-0
 *   >* / <*    nothing            ~1.2.3      >=1.2.3 <1.3.0-0
 *   ~1.2       >=1.2.0 <1.3.0-0   ~1          >=1.0.0 <2.0.0-0
 *   ^1.2.3     >=1.2.3 <2.0.0-0   ^0.2.3      >=0.2.3 <0.3.0-0
 *   ^0.0.3     >=0.0.3 <0.0.4-0   ^0.0 / ^0.0.x >=0.0.0 <0.1.0-0
 *   ^1.2       >=1.2.0 <2.0.0-0   ^0.x        >=0.0.0 <1.0.0-0
 *   A - B      >=A <=B, a partial A fills zeros, a partial B becomes < the
 *              next major/minor (1.2.3 - 2 is >=1.2.3 <3.0.0-0)
 *   a comparator ">=0.0.0" (written so, or produced by desugaring) is "any".
 * A prerelease version satisfies a set only if every comparator passes AND
 * some comparator of the set names the same major.minor.patch with a
 * prerelease.  A set holding "nothing" is nothing; when there are several
 * sets, "nothing" sets are dropped and a set that is only "any" replaces the
 * whole range (node-semver does so, which keeps prereleases out).
 * Numbers go up to 2^63-1 (node-semver: 2^53-1); desugared bounds such as
 * "<(M+1).0.0-0" are computed in 64-bit unsigned, so they never wrap.
 */
#include "semver_range.h"

#include <string.h>

#include "mreg_interrupt.h"

typedef struct Partial
{
	int			ncomp;			/* components written: 1..3 */
	bool		x[3];			/* written as x, X or * */
	uint64_t	n[3];
	const char *pre;			/* prerelease (only with 3 components) */
	size_t		prelen;
	bool		prefix_empty;	/* no [v=] prefix */
	bool		prefix_plain;	/* prefix is "" or "v" */
	size_t		prefix_pos;
} Partial;

typedef struct Builder
{
	SvAllocFn	alloc;
	void	   *ctx;
	SvComparator *comps;
	int			ncomps;
	int			cap;
	bool		too_many;		/* emit refused a comparator past the limit */
	size_t		at;				/* where the comparator being read starts */
} Builder;

#define R_STR_(x) #x
#define R_STR(x) R_STR_(x)

static inline bool
r_isxchar(char c)
{
	return c == 'x' || c == 'X' || c == '*';
}

static bool
r_limit(SvError *err, const char *msg, size_t offset)
{
	err->msg = msg;
	err->offset = offset;
	err->show_found = false;
	err->too_big = true;
	return false;
}

static inline bool
p_isx(const Partial *p, int k)
{
	return k >= p->ncomp || p->x[k];
}

static bool
parse_partial(const char *s, size_t len, size_t *ppos, Partial *P, SvError *err)
{
	size_t		pos = *ppos;

	memset(P, 0, sizeof(*P));
	P->prefix_pos = pos;
	while (pos < len && (s[pos] == 'v' || s[pos] == '='))
		pos++;
	P->prefix_empty = (pos == P->prefix_pos);
	P->prefix_plain = P->prefix_empty || (pos == P->prefix_pos + 1 && s[P->prefix_pos] == 'v');

	for (int k = 0; k < 3; k++)
	{
		if (k > 0)
		{
			if (pos >= len || s[pos] != '.')
				break;
			pos++;
		}
		if (pos < len && sv_isdigit(s[pos]))
		{
			size_t		start = pos;
			uint64_t	v = 0;

			if (s[pos] == '0' && pos + 1 < len && sv_isdigit(s[pos + 1]))
				return sv_fail(err, "Leading zero in version number", pos, false);
			for (; pos < len && sv_isdigit(s[pos]); pos++)
			{
				uint64_t	d = (uint64_t) (s[pos] - '0');

				if (v > ((uint64_t) SV_MAX_NUMBER - d) / 10)
					return sv_fail(err, "Version number exceeds 9223372036854775807", start, false);
				v = v * 10 + d;
			}
			P->n[k] = v;
		}
		else if (pos < len && r_isxchar(s[pos]))
		{
			P->x[k] = true;
			pos++;
		}
		else
			return sv_fail(err, "Expected a version number, \"x\" or \"*\"", pos, true);
		P->ncomp = k + 1;
	}
	if (P->ncomp == 3 && pos < len && s[pos] == '-')
	{
		size_t		end;

		if (!sv_scan_identifiers(s, len, pos + 1, true, true, &end, err))
			return false;
		P->pre = s + pos + 1;
		P->prelen = end - pos - 1;
		pos = end;
	}
	if (pos < len && s[pos] == '+')
	{
		size_t		end;

		if (!sv_scan_identifiers(s, len, pos + 1, false, false, &end, err))
			return false;
		pos = end;
	}
	*ppos = pos;
	return true;
}

static bool
emit(Builder *b, SvOp op, uint64_t M, uint64_t m, uint64_t p, const char *pre, size_t prelen)
{
	SvComparator *c;

	if (b->ncomps >= SV_RANGE_MAX_COMPARATORS)
	{
		b->too_many = true;
		return false;
	}
	if (b->ncomps == b->cap)
	{
		int			ncap = b->cap ? b->cap * 2 : 8;
		SvComparator *n = b->alloc(b->ctx, sizeof(SvComparator) * (size_t) ncap);

		if (n == NULL)
			return false;
		if (b->ncomps > 0)
			memcpy(n, b->comps, sizeof(SvComparator) * (size_t) b->ncomps);
		b->comps = n;
		b->cap = ncap;
	}
	c = &b->comps[b->ncomps++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	if (op == SV_OP_ANY || op == SV_OP_NONE)
		return true;
	c->major = M;
	c->minor = m;
	c->patch = p;
	c->has_pre = (pre != NULL);
	{
		SvVersion	v;
		uint8_t    *key;

		memset(&v, 0, sizeof(v));
		v.major = M;
		v.minor = m;
		v.patch = p;
		v.pre = pre;
		v.prelen = prelen;
		key = b->alloc(b->ctx, sv_key_bound(&v));
		if (key == NULL)
			return false;
		c->keylen = sv_encode_key(&v, key);
		c->key = key;
	}
	return true;
}

/* ">=M.m.p[-pre]"; node-semver turns a bare ">=0.0.0" into "any" (GTE0) */
static bool
emit_ge(Builder *b, uint64_t M, uint64_t m, uint64_t p, const char *pre, size_t prelen,
		bool plain)
{
	if (plain && pre == NULL && M == 0 && m == 0 && p == 0)
		return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
	return emit(b, SV_OP_GE, M, m, p, pre, prelen);
}

#define ZERO_PRE "0", 1

/* "<(M+1).0.0-0" and friends; numbers stay below 2^64, so +1 cannot wrap */
static bool
emit_lt0(Builder *b, uint64_t M, uint64_t m, uint64_t p)
{
	return emit(b, SV_OP_LT, M, m, p, ZERO_PRE);
}

static bool
desugar_caret(Builder *b, const Partial *P)
{
	uint64_t	M = P->n[0], m = P->n[1], p = P->n[2];

	if (p_isx(P, 0))
		return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
	if (p_isx(P, 1))
		return emit_ge(b, M, 0, 0, NULL, 0, true) && emit_lt0(b, M + 1, 0, 0);
	if (p_isx(P, 2))
	{
		if (M == 0)
			return emit_ge(b, M, m, 0, NULL, 0, true) && emit_lt0(b, M, m + 1, 0);
		return emit_ge(b, M, m, 0, NULL, 0, true) && emit_lt0(b, M + 1, 0, 0);
	}
	if (!emit_ge(b, M, m, p, P->pre, P->prelen, true))
		return false;
	if (M == 0)
	{
		if (m == 0)
			return emit_lt0(b, M, m, p + 1);
		return emit_lt0(b, M, m + 1, 0);
	}
	return emit_lt0(b, M + 1, 0, 0);
}

static bool
desugar_tilde(Builder *b, const Partial *P)
{
	uint64_t	M = P->n[0], m = P->n[1], p = P->n[2];

	if (p_isx(P, 0))
		return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
	if (p_isx(P, 1))
		return emit_ge(b, M, 0, 0, NULL, 0, true) && emit_lt0(b, M + 1, 0, 0);
	if (p_isx(P, 2))
		return emit_ge(b, M, m, 0, NULL, 0, true) && emit_lt0(b, M, m + 1, 0);
	return emit_ge(b, M, m, p, P->pre, P->prelen, true) && emit_lt0(b, M, m + 1, 0);
}

/* op: "" "=" "<" "<=" ">" ">=" as SV_OP_EQ (for both "" and "=") etc. */
static bool
desugar_plain(Builder *b, SvOp op, bool op_written, const Partial *P, SvError *err)
{
	bool		xM = p_isx(P, 0);
	bool		xm = xM || p_isx(P, 1);
	bool		xp = xm || p_isx(P, 2);
	uint64_t	M = P->n[0], m = P->n[1], p = P->n[2];

	if (!xp)
	{
		/* a full version: node's final comparator regex allows only "v" */
		if (!P->prefix_plain)
			return sv_fail(err, "Only \"v\" may prefix a full version", P->prefix_pos, false);
		if (op == SV_OP_GE)
			return emit_ge(b, M, m, p, P->pre, P->prelen, P->prefix_empty);
		return emit(b, op, M, m, p, P->pre, P->prelen);
	}
	/* node-semver 7.8 rejects 1.x.3 and *.1 */
	if ((xM && !p_isx(P, 1)) || (p_isx(P, 1) && P->ncomp == 3 && !P->x[2]))
		return sv_fail(err, "A number cannot follow a wildcard", P->prefix_pos, false);
	if (op == SV_OP_EQ)
		op_written = false;
	if (xM)
	{
		if (op == SV_OP_GT || op == SV_OP_LT)
			return emit(b, SV_OP_NONE, 0, 0, 0, NULL, 0);
		return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
	}
	if (op_written)
	{
		if (xm)
			m = 0;
		p = 0;
		if (op == SV_OP_GT)
		{
			if (xm)
				return emit_ge(b, M + 1, 0, 0, NULL, 0, true);
			return emit_ge(b, M, m + 1, 0, NULL, 0, true);
		}
		if (op == SV_OP_LE)
		{
			if (xm)
				return emit_lt0(b, M + 1, 0, 0);
			return emit_lt0(b, M, m + 1, 0);
		}
		if (op == SV_OP_LT)
			return emit_lt0(b, M, m, p);
		/* >= */
		return emit_ge(b, M, m, p, NULL, 0, true);
	}
	if (xm)
		return emit_ge(b, M, 0, 0, NULL, 0, true) && emit_lt0(b, M + 1, 0, 0);
	return emit_ge(b, M, m, 0, NULL, 0, true) && emit_lt0(b, M, m + 1, 0);
}

static bool
desugar_hyphen(Builder *b, const Partial *F, const Partial *T, SvError *err)
{
	/* from */
	if (p_isx(F, 0))
	{
		/* no lower bound */
	}
	else if (p_isx(F, 1))
	{
		if (!emit_ge(b, F->n[0], 0, 0, NULL, 0, true))
			return false;
	}
	else if (p_isx(F, 2))
	{
		if (!emit_ge(b, F->n[0], F->n[1], 0, NULL, 0, true))
			return false;
	}
	else
	{
		/* node pastes the written text after ">=" */
		if (!F->prefix_plain)
			return sv_fail(err, "Only \"v\" may prefix a full version", F->prefix_pos, false);
		if (!emit_ge(b, F->n[0], F->n[1], F->n[2], F->pre, F->prelen, F->prefix_empty))
			return false;
	}
	/* to */
	if (p_isx(T, 0))
		return true;
	if (p_isx(T, 1))
		return emit_lt0(b, T->n[0] + 1, 0, 0);
	if (p_isx(T, 2))
		return emit_lt0(b, T->n[0], T->n[1] + 1, 0);
	if (T->pre == NULL && !T->prefix_plain)
		return sv_fail(err, "Only \"v\" may prefix a full version", T->prefix_pos, false);
	return emit(b, SV_OP_LE, T->n[0], T->n[1], T->n[2], T->pre, T->prelen);
}

/* A hyphen range must fill the whole set; returns false if it does not. */
static bool
try_hyphen(const char *s, size_t a, size_t e, Partial *F, Partial *T)
{
	SvError		ignore;
	size_t		pos = a;

	if (!parse_partial(s, e, &pos, F, &ignore))
		return false;
	if (pos >= e || !sv_isspace(s[pos]))
		return false;
	while (pos < e && sv_isspace(s[pos]))
		pos++;
	if (pos >= e || s[pos] != '-')
		return false;
	pos++;
	if (pos >= e || !sv_isspace(s[pos]))
		return false;
	while (pos < e && sv_isspace(s[pos]))
		pos++;
	if (!parse_partial(s, e, &pos, T, &ignore))
		return false;
	return pos == e;
}

/* Parse one comparator set s[a..e) (already trimmed) into b. */
static bool
parse_set(Builder *b, const char *s, size_t a, size_t e, SvError *err)
{
	Partial		F, T;
	size_t		pos = a;

	b->at = a;
	if (a == e)
		return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
	if (try_hyphen(s, a, e, &F, &T))
	{
		int			before = b->ncomps;

		if (!desugar_hyphen(b, &F, &T, err))
			return false;
		/* "* - *" leaves node-semver's empty comparator: any */
		if (b->ncomps == before)
			return emit(b, SV_OP_ANY, 0, 0, 0, NULL, 0);
		return true;
	}

	for (;;)
	{
		Partial		P;

		MREG_CHECK_INTERRUPTS();
		while (pos < e && sv_isspace(s[pos]))
			pos++;
		if (pos >= e)
			break;
		b->at = pos;
		if (s[pos] == '~' || s[pos] == '^')
		{
			bool		tilde = s[pos] == '~';

			pos++;
			if (tilde && pos < e && s[pos] == '>')
				pos++;
			while (pos < e && sv_isspace(s[pos]))
				pos++;
			if (!parse_partial(s, e, &pos, &P, err))
				return false;
			if (!(tilde ? desugar_tilde(b, &P) : desugar_caret(b, &P)))
				return false;
		}
		else
		{
			SvOp		op = SV_OP_EQ;
			bool		written = false;

			if (s[pos] == '<' || s[pos] == '>')
			{
				bool		lt = s[pos] == '<';

				pos++;
				written = true;
				if (pos < e && s[pos] == '=')
				{
					pos++;
					op = lt ? SV_OP_LE : SV_OP_GE;
				}
				else
					op = lt ? SV_OP_LT : SV_OP_GT;
			}
			else if (s[pos] == '=')
			{
				pos++;
				written = true;
			}
			if (written)
				while (pos < e && sv_isspace(s[pos]))
					pos++;
			if (!written && s[pos] == '|')
				return sv_fail(err, "A single \"|\" (OR is \"||\")", pos, false);
			if (!written && s[pos] == '-')
				return sv_fail(err, "A hyphen range must be \"A - B\", alone between \"||\"", pos, false);
			if (!parse_partial(s, e, &pos, &P, err))
				return false;
			if (!desugar_plain(b, op, written, &P, err))
				return false;
		}
		if (pos < e && !sv_isspace(s[pos]))
		{
			if (s[pos] == '|')
				return sv_fail(err, "A single \"|\" (OR is \"||\")", pos, false);
			return sv_fail(err, "Unexpected character after a comparator", pos, true);
		}
	}
	return true;
}

SvRange *
sv_range_parse(const char *s, size_t len, SvAllocFn alloc, void *ctx, SvError *err)
{
	Builder		b;
	int		   *starts = NULL;
	bool	   *isnone = NULL, *isany = NULL;
	int			nsets = 0, capsets = 0;
	size_t		a = 0;
	SvRange    *r;

	memset(&b, 0, sizeof(b));
	b.alloc = alloc;
	b.ctx = ctx;

	if (len > SV_RANGE_MAX_LEN)
	{
		r_limit(err, "The range is longer than the limit of " R_STR(SV_RANGE_MAX_LEN) " bytes",
				SV_RANGE_MAX_LEN);
		return NULL;
	}

	for (;;)
	{
		size_t		e = a, ta, te;
		int			first = b.ncomps;

		MREG_CHECK_INTERRUPTS();
		while (e < len && !(s[e] == '|' && e + 1 < len && s[e + 1] == '|'))
			e++;
		ta = a;
		te = e;
		while (ta < te && sv_isspace(s[ta]))
			ta++;
		while (te > ta && sv_isspace(s[te - 1]))
			te--;
		if (!parse_set(&b, s, ta, te, err))
		{
			if (b.too_many)
				r_limit(err, "More than " R_STR(SV_RANGE_MAX_COMPARATORS)
						" comparators (after expanding ^, ~, x- and hyphen ranges)", b.at);
			return NULL;
		}

		if (nsets + 1 >= capsets)
		{
			int			ncap = capsets ? capsets * 2 : 8;
			int		   *ns = alloc(ctx, sizeof(int) * (size_t) ncap);
			bool	   *nn = alloc(ctx, sizeof(bool) * (size_t) ncap);
			bool	   *na = alloc(ctx, sizeof(bool) * (size_t) ncap);

			if (!ns || !nn || !na)
				return NULL;
			if (nsets > 0)
			{
				memcpy(ns, starts, sizeof(int) * (size_t) nsets);
				memcpy(nn, isnone, sizeof(bool) * (size_t) nsets);
				memcpy(na, isany, sizeof(bool) * (size_t) nsets);
			}
			starts = ns;
			isnone = nn;
			isany = na;
			capsets = ncap;
		}
		/* node: a null comparator makes the whole set the null set */
		{
			bool		none = false, any = true;

			for (int i = first; i < b.ncomps; i++)
			{
				if (b.comps[i].op == SV_OP_NONE)
					none = true;
				if (b.comps[i].op != SV_OP_ANY)
					any = false;
			}
			if (none)
			{
				b.comps[first].op = SV_OP_NONE;
				b.ncomps = first + 1;
				any = false;
			}
			starts[nsets] = first;
			isnone[nsets] = none;
			isany[nsets] = any;
			nsets++;
		}
		if (e >= len)
			break;
		a = e + 2;
	}

	r = alloc(ctx, sizeof(SvRange));
	if (r == NULL)
		return NULL;
	r->comps = b.comps;
	r->ncomps = b.ncomps;
	r->set_start = alloc(ctx, sizeof(int) * (size_t) (nsets + 1));
	if (r->set_start == NULL)
		return NULL;
	starts[nsets] = b.ncomps;

	/* node: with several sets, drop null sets (keep the first if all are) ... */
	{
		int			keep = 0, any_set = -1;

		for (int i = 0; i < nsets; i++)
			if (nsets == 1 || !isnone[i])
				keep++;
		if (keep == 0)
		{
			r->nsets = 1;
			r->set_start[0] = starts[0];
			r->set_start[1] = starts[1];
			return r;
		}
		/* ... and if several remain, an "any" set is the whole range */
		if (keep > 1)
			for (int i = 0; i < nsets; i++)
				if (!isnone[i] && isany[i])
				{
					any_set = i;
					break;
				}
		if (any_set >= 0)
		{
			/* only ANY comparators: one suffices */
			r->nsets = 1;
			r->set_start[0] = starts[any_set];
			r->set_start[1] = starts[any_set] + 1;
			return r;
		}
		/* sets are contiguous in comps; list the kept ones */
		{
			int		   *idx = alloc(ctx, sizeof(int) * (size_t) (2 * keep));
			SvComparator *nc;
			int			o = 0, n = 0;

			if (idx == NULL)
				return NULL;
			for (int i = 0; i < nsets; i++)
				if (nsets == 1 || !isnone[i])
					n += starts[i + 1] - starts[i];
			nc = alloc(ctx, sizeof(SvComparator) * (size_t) (n > 0 ? n : 1));
			if (nc == NULL)
				return NULL;
			r->nsets = 0;
			for (int i = 0; i < nsets; i++)
			{
				if (!(nsets == 1 || !isnone[i]))
					continue;
				r->set_start[r->nsets++] = o;
				for (int j = starts[i]; j < starts[i + 1]; j++)
					nc[o++] = b.comps[j];
			}
			r->set_start[r->nsets] = o;
			r->comps = nc;
			r->ncomps = o;
		}
	}
	return r;
}

static inline bool
comp_test(const SvComparator *c, const uint8_t *key, size_t keylen)
{
	int			r;

	switch (c->op)
	{
		case SV_OP_ANY:
			return true;
		case SV_OP_NONE:
			return false;
		default:
			break;
	}
	r = sv_key_cmp(key, keylen, c->key, c->keylen);
	switch (c->op)
	{
		case SV_OP_EQ:
			return r == 0;
		case SV_OP_LT:
			return r < 0;
		case SV_OP_LE:
			return r <= 0;
		case SV_OP_GT:
			return r > 0;
		case SV_OP_GE:
			return r >= 0;
		default:
			return false;
	}
}

bool
sv_range_match(const SvRange *r, const uint8_t *key, size_t keylen)
{
	uint64_t	M, m, p;
	size_t		off;
	bool		is_pre;

	if (!sv_key_numbers(key, keylen, &M, &m, &p, &off))
		return false;
	is_pre = key[off] != SV_TAG_RELEASE;

	for (int s = 0; s < r->nsets; s++)
	{
		bool		ok = true;

		MREG_CHECK_INTERRUPTS();
		for (int i = r->set_start[s]; i < r->set_start[s + 1] && ok; i++)
			ok = comp_test(&r->comps[i], key, keylen);
		if (!ok)
			continue;
		if (is_pre)
		{
			bool		allowed = false;

			for (int i = r->set_start[s]; i < r->set_start[s + 1]; i++)
			{
				const SvComparator *c = &r->comps[i];

				if (c->op == SV_OP_ANY || c->op == SV_OP_NONE || !c->has_pre)
					continue;
				if (c->major == M && c->minor == m && c->patch == p)
				{
					allowed = true;
					break;
				}
			}
			if (!allowed)
				continue;
		}
		return true;
	}
	return false;
}
