/*
 * drift_stats.h: drift statistics, backend-free (no postgres.h), so the fuzz
 * harness (test/fuzz/drift_fuzz.c) runs them standalone; src/drift.c is the
 * fmgr glue.  Definitions (doc/drift.md says the same with examples):
 *
 * Binned distributions (psi, js): two arrays of n >= 1 finite, non-negative
 * bin counts or proportions, each with a positive sum; each is normalised to
 * proportions p_i = x_i / sum(x).
 *
 *   PSI(e, a) = sum_i (a_i - e_i) * ln(a_i / e_i), where a proportion of
 *               exactly 0 (an empty bin) counts as DRIFT_PSI_EPSILON (1e-4);
 *               no renormalisation afterwards (the convention of the common
 *               PSI scripts).  PSI >= 0, symmetric, 0 for equal distributions.
 *
 *   JS(p, q)  = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, natural
 *               log, 0 * ln 0 = 0 (no smoothing).  0 <= JS <= ln 2, ln 2
 *               exactly when the supports are disjoint.
 *
 * Samples (ks): two arrays of n >= 1 and m >= 1 finite values (lengths may
 * differ), KS D = sup_x |F_a(x) - F_b(x)| with the empirical CDFs
 * F(x) = #{values <= x} / n.  Ties (within and across the samples) are
 * handled by stepping past every copy of a value before comparing; D is
 * computed exactly as max |i*m - j*n| / (n*m) over integers.  -0 = +0.
 *
 * Nothing here allocates: ks takes its key buffers from the caller.  Long
 * loops call MREG_CHECK_INTERRUPTS() every 64k elements (the hook may not
 * return: the caller owns every buffer).
 */
#ifndef DRIFT_STATS_H
#define DRIFT_STATS_H

#include <stddef.h>
#include <stdint.h>

#define DRIFT_PSI_EPSILON 1e-4

typedef enum DriftStatus
{
	DRIFT_OK = 0,
	DRIFT_EMPTY,				/* an array has no element */
	DRIFT_LENGTH,				/* binned arrays of different lengths */
	DRIFT_NAN,					/* element is NaN */
	DRIFT_INFINITE,				/* element is +-Infinity */
	DRIFT_NEGATIVE,				/* bin count below 0 */
	DRIFT_ALL_ZERO				/* binned array sums to 0 */
} DriftStatus;

typedef struct DriftError
{
	DriftStatus status;
	int			arg;			/* 1 or 2: which argument is at fault */
	size_t		index;			/* 0-based element at fault (NAN, INFINITE, NEGATIVE) */
	double		value;			/* that element */
} DriftError;

/*
 * Each returns DRIFT_OK and sets *out, or another status and fills *err
 * (when err is not NULL).
 */
extern DriftStatus drift_psi(const double *expected, size_t ne,
							 const double *actual, size_t na,
							 double *out, DriftError *err);
extern DriftStatus drift_js(const double *p, size_t np,
							const double *q, size_t nq,
							double *out, DriftError *err);

/*
 * ka needs na elements, kb nb, scratch max(na, nb); on return ka and kb
 * hold the sorted keys (drift_key order).
 */
extern DriftStatus drift_ks(const double *a, size_t na,
							const double *b, size_t nb,
							uint64_t *ka, uint64_t *kb, uint64_t *scratch,
							double *out, DriftError *err);

/* order-preserving map of a finite double to an unsigned key (-0 = +0) */
extern uint64_t drift_key(double x);

/* sorts n keys ascending (LSD radix, 11-bit digits); scratch holds n */
extern void drift_sort_keys(uint64_t *keys, uint64_t *scratch, size_t n);

#endif							/* DRIFT_STATS_H */
