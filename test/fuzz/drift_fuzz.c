/*
 * drift_fuzz.c: libFuzzer harness for the drift statistics (drift_stats.c).
 * The input is two arrays of doubles: byte 0 says where to split, byte 1
 * how the rest reads (raw 8-byte doubles of any bit pattern, small signed
 * integers with many ties, or byte counts 0..255).  For every input:
 *
 *  - psi and js succeed exactly when the arrays are non-empty, of one length,
 *    finite, non-negative and each with a positive sum, and otherwise report
 *    the first fault (argument and element) the definition names;
 *  - a result is finite, PSI >= 0 and symmetric (bit for bit), 0 <= JS <= ln 2
 *    and symmetric within 1e-12; both are 0 exactly for an array against
 *    itself and against its double (scale invariance);
 *  - where no proportion underflows, both agree with a long double
 *    evaluation of the textbook formula;
 *  - ks succeeds exactly when both samples are non-empty and finite; its keys
 *    come back sorted and decode to non-decreasing values, and D equals the
 *    brute-force O(n m) maximum over every sample value of
 *    |#a<=v * m - #b<=v * n| / (n m), bit for bit.
 *
 * fuzz-sources: src/drift_stats.c src/mreg_interrupt.c
 */
#include "drift_stats.h"
#include "mreg_interrupt.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static long interrupts;
static void count_interrupt(void) { interrupts++; }

/* the first fault of a binned array, as the definition orders them */
static DriftStatus
binned_fault(const double *x, size_t n, size_t *at)
{
	size_t		i;
	int			positive = 0;

	for (i = 0; i < n; i++)
	{
		if (isnan(x[i]))
		{
			*at = i;
			return DRIFT_NAN;
		}
		if (isinf(x[i]))
		{
			*at = i;
			return DRIFT_INFINITE;
		}
		if (x[i] < 0)
		{
			*at = i;
			return DRIFT_NEGATIVE;
		}
		if (x[i] > 0)
			positive = 1;
	}
	*at = 0;
	return positive ? DRIFT_OK : DRIFT_ALL_ZERO;
}

static DriftStatus
expect_binned(const double *x, size_t nx, const double *y, size_t ny, int *arg, size_t *at)
{
	DriftStatus st;

	*arg = 1;
	*at = 0;
	if (nx == 0 || ny == 0)
	{
		*arg = nx == 0 ? 1 : 2;
		return DRIFT_EMPTY;
	}
	if (nx != ny)
	{
		*arg = 2;
		return DRIFT_LENGTH;
	}
	if ((st = binned_fault(x, nx, at)) != DRIFT_OK)
		return st;
	*arg = 2;
	return binned_fault(y, ny, at);
}

/* long double proportions; 0 when some nonzero one is tiny (underflow region) */
static int
ld_props(const double *x, size_t n, long double *p)
{
	long double s = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		s += x[i];
	for (i = 0; i < n; i++)
	{
		p[i] = x[i] / s;
		if (p[i] != 0 && p[i] < 1e-290L)
			return 0;
	}
	return 1;
}

static void
check_binned(const double *x, size_t nx, const double *y, size_t ny)
{
	DriftError	err;
	DriftStatus st, want;
	int			arg;
	size_t		at;
	double		psi = -1, psi2 = -1, js = -1, js2 = -1;

	want = expect_binned(x, nx, y, ny, &arg, &at);
	st = drift_psi(x, nx, y, ny, &psi, &err);
	CHECK(st == want);
	if (st != DRIFT_OK)
	{
		CHECK(err.status == st && err.arg == arg);
		if (st == DRIFT_NAN || st == DRIFT_INFINITE || st == DRIFT_NEGATIVE)
			CHECK(err.index == at);
	}
	st = drift_js(x, nx, y, ny, &js, &err);
	CHECK(st == want);
	if (st != DRIFT_OK)
	{
		CHECK(err.status == st && err.arg == arg);
		return;
	}
	CHECK(isfinite(psi) && psi >= 0);
	CHECK(isfinite(js) && js >= 0 && js <= M_LN2);
	CHECK(drift_psi(y, ny, x, nx, &psi2, NULL) == DRIFT_OK && psi2 == psi);
	CHECK(drift_js(y, ny, x, nx, &js2, NULL) == DRIFT_OK && fabs(js2 - js) <= 1e-12);

	/* against itself and against its double: 0 exactly */
	CHECK(drift_psi(x, nx, x, nx, &psi2, NULL) == DRIFT_OK && psi2 == 0);
	CHECK(drift_js(x, nx, x, nx, &js2, NULL) == DRIFT_OK && js2 == 0);
	{
		double	   *d = malloc(nx * sizeof(double));
		size_t		i;
		int			fits = 1;

		for (i = 0; i < nx; i++)
		{
			if (x[i] > 1e300)
				fits = 0;
			d[i] = 2 * x[i];
		}
		if (fits)
		{
			CHECK(drift_psi(x, nx, d, nx, &psi2, NULL) == DRIFT_OK && psi2 == 0);
			CHECK(drift_js(d, nx, x, nx, &js2, NULL) == DRIFT_OK && js2 == 0);
		}
		free(d);
	}

	/* the textbook formulas in long double */
	{
		long double *p = malloc(nx * sizeof(long double));
		long double *q = malloc(nx * sizeof(long double));
		size_t		i;

		if (ld_props(x, nx, p) && ld_props(y, ny, q))
		{
			long double rp = 0, rj = 0;

			for (i = 0; i < nx; i++)
			{
				long double e = p[i] == 0 ? DRIFT_PSI_EPSILON : p[i];
				long double a = q[i] == 0 ? DRIFT_PSI_EPSILON : q[i];
				long double m = (p[i] + q[i]) / 2;

				rp += (a - e) * logl(a / e);
				if (p[i] > 0)
					rj += 0.5L * p[i] * logl(p[i] / m);
				if (q[i] > 0)
					rj += 0.5L * q[i] * logl(q[i] / m);
			}
			CHECK(fabsl(rp - psi) <= 1e-9L * (rp > 1 ? rp : 1));
			CHECK(fabsl(rj - js) <= 1e-9L);
		}
		free(p);
		free(q);
	}
}

static double
key_value(uint64_t k)
{
	uint64_t	u = (k & UINT64_C(0x8000000000000000)) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static void
check_ks(const double *a, size_t na, const double *b, size_t nb)
{
	size_t		n = na > nb ? na : nb;
	uint64_t   *ka = malloc((na ? na : 1) * sizeof(uint64_t));
	uint64_t   *kb = malloc((nb ? nb : 1) * sizeof(uint64_t));
	uint64_t   *sc = malloc((n ? n : 1) * sizeof(uint64_t));
	DriftError	err;
	DriftStatus st, want = DRIFT_OK;
	int			arg = 0;
	double		d = -1;
	size_t		i, j;

	if (na == 0 || nb == 0)
	{
		want = DRIFT_EMPTY;
		arg = na == 0 ? 1 : 2;
	}
	for (i = 0; want == DRIFT_OK && i < na + nb; i++)
	{
		double		v = i < na ? a[i] : b[i - na];

		if (!isfinite(v))
		{
			want = isnan(v) ? DRIFT_NAN : DRIFT_INFINITE;
			arg = i < na ? 1 : 2;
		}
	}
	st = drift_ks(a, na, b, nb, ka, kb, sc, &d, &err);
	CHECK(st == want);
	if (st != DRIFT_OK)
	{
		CHECK(err.status == st && err.arg == arg);
		goto done;
	}
	for (i = 1; i < na; i++)
		CHECK(ka[i - 1] <= ka[i] && key_value(ka[i - 1]) <= key_value(ka[i]));
	for (i = 1; i < nb; i++)
		CHECK(kb[i - 1] <= kb[i] && key_value(kb[i - 1]) <= key_value(kb[i]));
	{
		uint64_t	best = 0;

		for (i = 0; i < na + nb; i++)
		{
			double		v = i < na ? a[i] : b[i - na];
			uint64_t	ca = 0, cb = 0, x, y;

			for (j = 0; j < na; j++)
				ca += a[j] <= v;
			for (j = 0; j < nb; j++)
				cb += b[j] <= v;
			x = ca * nb;
			y = cb * na;
			if ((x > y ? x - y : y - x) > best)
				best = x > y ? x - y : y - x;
		}
		CHECK(d == (double) best / ((double) na * (double) nb));
		CHECK(d >= 0 && d <= 1);
	}
	/* symmetric */
	{
		double		d2 = -1;

		CHECK(drift_ks(b, nb, a, na, kb, ka, sc, &d2, NULL) == DRIFT_OK && d2 == d);
	}
done:
	free(ka);
	free(kb);
	free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double	   *v;
	size_t		n = 0, i, split;
	uint8_t		mode;

	if (size < 2)
		return 0;
	mreg_interrupt_hook = count_interrupt;
	mode = data[1] % 3;
	data += 2;
	size -= 2;
	v = malloc((size + 1) * sizeof(double));
	if (mode == 0)
	{
		for (i = 0; i + 8 <= size; i += 8)
			memcpy(&v[n++], data + i, 8);
	}
	else
	{
		for (i = 0; i < size; i++)
			v[n++] = mode == 1 ? (double) ((int) data[i] % 16 - 4) : (double) data[i];
	}
	split = n == 0 ? 0 : (size_t) data[-2] * (n + 1) / 256;
	if (split > n)
		split = n;
	check_binned(v, split, v + split, n - split);
	/* equal halves, so the binned checks do not always stop at the length */
	check_binned(v, n / 2, v + n / 2, n / 2);
	check_ks(v, split, v + split, n - split);
	free(v);
	return 0;
}
