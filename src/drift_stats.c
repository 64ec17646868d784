/*
 * drift_stats.c: PSI, Jensen-Shannon divergence and the two-sample
 * Kolmogorov-Smirnov statistic over plain C arrays (definitions in
 * drift_stats.h and doc/drift.md).  Backend-free: the fuzz harness links it.
 *
 * Numerics: each binned array is checked and scaled by its largest element
 * before summing (no sum overflows, whatever the counts), sums are
 * compensated (Neumaier), logarithms are taken of proportions in (0, 2], so
 * no term overflows.  KS sorts order-preserving integer keys with an LSD
 * radix sort (O(n), no comparison callback) and compares the empirical CDFs
 * as exact integer products.
 */
#include "drift_stats.h"

#include <math.h>
#include <string.h>

#include "mreg_interrupt.h"

#define DRIFT_CHUNK 65536		/* elements between interrupt checks */

/* ---- compensated summation ------------------------------------------------- */

typedef struct
{
	double		sum;
	double		c;
} NSum;

static inline void
nsum_add(NSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->c += (s->sum - t) + x;
	else
		s->c += (x - t) + s->sum;
	s->sum = t;
}

static inline double
nsum_get(const NSum *s)
{
	return s->sum + s->c;
}

static void
set_err(DriftError *err, DriftStatus st, int arg, size_t index, double value)
{
	if (err)
	{
		err->status = st;
		err->arg = arg;
		err->index = index;
		err->value = value;
	}
}

/* ---- binned distributions -------------------------------------------------- */

/* DRIFT_OK for a finite value, else its error (element i of argument arg) */
static DriftStatus
finite_value(double v, int arg, size_t i, DriftError *err)
{
	if (isnan(v))
	{
		set_err(err, DRIFT_NAN, arg, i, v);
		return DRIFT_NAN;
	}
	if (isinf(v))
	{
		set_err(err, DRIFT_INFINITE, arg, i, v);
		return DRIFT_INFINITE;
	}
	return DRIFT_OK;
}

/*
 * Checks a binned array and finds its scale: every element finite and >= 0,
 * at least one > 0.  *scale = the largest element, *total = sum(x / scale),
 * so that proportion i = (x[i] / scale) / total, in [0, 1].
 */
static DriftStatus
binned_scale(const double *x, size_t n, int arg, double *scale, double *total, DriftError *err)
{
	double		mx = 0.0;
	NSum		s = {0.0, 0.0};
	size_t		i;

	if (n == 0)
	{
		set_err(err, DRIFT_EMPTY, arg, 0, 0.0);
		return DRIFT_EMPTY;
	}
	for (i = 0; i < n; i++)
	{
		double		v = x[i];
		DriftStatus st;

		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		if ((st = finite_value(v, arg, i, err)) != DRIFT_OK)
			return st;
		if (v < 0.0)
		{
			set_err(err, DRIFT_NEGATIVE, arg, i, v);
			return DRIFT_NEGATIVE;
		}
		if (v > mx)
			mx = v;
	}
	if (mx == 0.0)
	{
		set_err(err, DRIFT_ALL_ZERO, arg, 0, 0.0);
		return DRIFT_ALL_ZERO;
	}
	for (i = 0; i < n; i++)
	{
		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		nsum_add(&s, x[i] / mx);
	}
	*scale = mx;
	*total = nsum_get(&s);		/* in [1, n] */
	return DRIFT_OK;
}

static DriftStatus
binned_pair(const double *x, size_t nx, const double *y, size_t ny,
			double *sx, double *tx, double *sy, double *ty, DriftError *err)
{
	DriftStatus st;

	if (nx == 0 || ny == 0)
	{
		set_err(err, DRIFT_EMPTY, nx == 0 ? 1 : 2, 0, 0.0);
		return DRIFT_EMPTY;
	}
	if (nx != ny)
	{
		set_err(err, DRIFT_LENGTH, 2, 0, 0.0);
		return DRIFT_LENGTH;
	}
	if ((st = binned_scale(x, nx, 1, sx, tx, err)) != DRIFT_OK)
		return st;
	return binned_scale(y, ny, 2, sy, ty, err);
}

static inline double
proportion(double v, double scale, double total)
{
	return (v / scale) / total;
}

DriftStatus
drift_psi(const double *expected, size_t ne, const double *actual, size_t na,
		  double *out, DriftError *err)
{
	double		se, te, sa, ta;
	NSum		s = {0.0, 0.0};
	DriftStatus st;
	size_t		i;

	if ((st = binned_pair(expected, ne, actual, na, &se, &te, &sa, &ta, err)) != DRIFT_OK)
		return st;
	for (i = 0; i < ne; i++)
	{
		double		e = proportion(expected[i], se, te);
		double		a = proportion(actual[i], sa, ta);

		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		if (e == 0.0)
			e = DRIFT_PSI_EPSILON;
		if (a == 0.0)
			a = DRIFT_PSI_EPSILON;
		if (a != e)
			nsum_add(&s, (a - e) * (log(a) - log(e)));	/* each term >= 0 */
	}
	*out = nsum_get(&s);
	if (*out < 0.0)				/* cannot happen: every term is >= 0 */
		*out = 0.0;
	return DRIFT_OK;
}

DriftStatus
drift_js(const double *p, size_t np, const double *q, size_t nq,
		 double *out, DriftError *err)
{
	double		sp, tp, sq, tq;
	NSum		near0 = {0.0, 0.0};	/* sum of p ln(2p/(p+q)) + q ln(2q/(p+q)) */
	NSum		nearln2 = {0.0, 0.0};	/* sum of p ln(p/(p+q)) + q ln(q/(p+q)) */
	DriftStatus st;
	double		js;
	size_t		i;

	if ((st = binned_pair(p, np, q, nq, &sp, &tp, &sq, &tq, err)) != DRIFT_OK)
		return st;
	for (i = 0; i < np; i++)
	{
		double		a = proportion(p[i], sp, tp);
		double		b = proportion(q[i], sq, tq);
		double		m2 = a + b;	/* 2m, in [0, 2] */

		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		/* 0 ln 0 = 0: a bin empty in both, or in one, adds nothing for it */
		if (a > 0.0)
		{
			nsum_add(&near0, a * log((2.0 * a) / m2));
			nsum_add(&nearln2, a * log(a / m2));
		}
		if (b > 0.0)
		{
			nsum_add(&near0, b * log((2.0 * b) / m2));
			nsum_add(&nearln2, b * log(b / m2));
		}
	}

	/*
	 * Both forms are JS (they differ by ln 2 * (sum p + sum q) / 2 = ln 2);
	 * the first is exact at 0 (equal distributions), the second at ln 2
	 * (disjoint supports): take the better conditioned one.
	 */
	js = 0.5 * nsum_get(&near0);
	if (js > 0.5 * M_LN2)
		js = M_LN2 + 0.5 * nsum_get(&nearln2);
	if (js < 0.0)
		js = 0.0;
	if (js > M_LN2)
		js = M_LN2;
	*out = js;
	return DRIFT_OK;
}

/* ---- samples ----------------------------------------------------------------- */

uint64_t
drift_key(double x)
{
	uint64_t	u;

	if (x == 0.0)
		x = 0.0;				/* -0 sorts and ties as +0 */
	memcpy(&u, &x, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 6			/* 6 * 11 >= 64 */

void
drift_sort_keys(uint64_t *keys, uint64_t *scratch, size_t n)
{
	size_t		count[RADIX_PASSES][RADIX_SIZE];
	uint64_t   *src = keys,
			   *dst = scratch;
	size_t		i;
	int			pass;

	if (n < 64)
	{
		for (i = 1; i < n; i++)
		{
			uint64_t	k = keys[i];
			size_t		j = i;

			while (j > 0 && keys[j - 1] > k)
			{
				keys[j] = keys[j - 1];
				j--;
			}
			keys[j] = k;
		}
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
	{
		uint64_t	k = keys[i];

		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		for (pass = 0; pass < RADIX_PASSES; pass++)
			count[pass][(k >> (pass * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
	}
	for (pass = 0; pass < RADIX_PASSES; pass++)
	{
		int			shift = pass * RADIX_BITS;
		size_t		pos = 0;
		size_t		d;
		uint64_t   *t;

		if (count[pass][(keys[0] >> shift) & (RADIX_SIZE - 1)] == n)
			continue;			/* every key has this digit: the pass changes nothing */
		for (d = 0; d < RADIX_SIZE; d++)
		{
			size_t		c = count[pass][d];

			count[pass][d] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
		{
			uint64_t	k = src[i];

			if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
				MREG_CHECK_INTERRUPTS();
			dst[count[pass][(k >> shift) & (RADIX_SIZE - 1)]++] = k;
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(uint64_t));
}

static DriftStatus
sample_keys(const double *x, size_t n, int arg, uint64_t *k, DriftError *err)
{
	size_t		i;

	if (n == 0)
	{
		set_err(err, DRIFT_EMPTY, arg, 0, 0.0);
		return DRIFT_EMPTY;
	}
	for (i = 0; i < n; i++)
	{
		double		v = x[i];
		DriftStatus st;

		if ((i & (DRIFT_CHUNK - 1)) == DRIFT_CHUNK - 1)
			MREG_CHECK_INTERRUPTS();
		if ((st = finite_value(v, arg, i, err)) != DRIFT_OK)
			return st;
		k[i] = drift_key(v);
	}
	return DRIFT_OK;
}

DriftStatus
drift_ks(const double *a, size_t na, const double *b, size_t nb,
		 uint64_t *ka, uint64_t *kb, uint64_t *scratch,
		 double *out, DriftError *err)
{
	DriftStatus st;
	size_t		i = 0,
				j = 0,
				steps = 0;
	double		best = 0.0;
	uint64_t	best_int = 0;
	int			exact;

	if (na == 0 || nb == 0)
	{
		set_err(err, DRIFT_EMPTY, na == 0 ? 1 : 2, 0, 0.0);
		return DRIFT_EMPTY;
	}
	if ((st = sample_keys(a, na, 1, ka, err)) != DRIFT_OK)
		return st;
	if ((st = sample_keys(b, nb, 2, kb, err)) != DRIFT_OK)
		return st;
	drift_sort_keys(ka, scratch, na);
	drift_sort_keys(kb, scratch, nb);

	/* i * nb and j * na fit 64 bits when both counts are below 2^32 */
	exact = (uint64_t) na < (UINT64_C(1) << 32) && (uint64_t) nb < (UINT64_C(1) << 32);
	while (i < na || j < nb)
	{
		uint64_t	v = (j >= nb || (i < na && ka[i] <= kb[j])) ? ka[i] : kb[j];

		if ((++steps & (DRIFT_CHUNK - 1)) == 0)
			MREG_CHECK_INTERRUPTS();
		/* past every copy of v in both: F(v) counts values <= v */
		while (i < na && ka[i] == v)
			i++;
		while (j < nb && kb[j] == v)
			j++;
		if (exact)
		{
			uint64_t	x = (uint64_t) i * (uint64_t) nb;
			uint64_t	y = (uint64_t) j * (uint64_t) na;
			uint64_t	d = x > y ? x - y : y - x;

			if (d > best_int)
				best_int = d;
		}
		else
		{
			double		d = fabs((double) i / (double) na - (double) j / (double) nb);

			if (d > best)
				best = d;
		}
	}
	if (exact)
		best = (double) best_int / ((double) na * (double) nb);
	*out = best > 1.0 ? 1.0 : best;
	return DRIFT_OK;
}
