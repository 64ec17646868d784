/*
 * semver_range.h: backend-free node-semver range parser and matcher
 * (includePrerelease = false, loose = false) for mreg.satisfies and friends.
 *
 * A range is an OR of comparator sets; a set is an AND of comparators.  The
 * parser desugars ^ ~ x-ranges and hyphen ranges exactly as node-semver 7
 * does, comparator versions are kept as sort keys (semver_parse.h), so a
 * test is a memcmp per comparator.  Memory comes from a caller-supplied
 * allocator (palloc in the backend, an arena in the fuzzer).
 */
#ifndef MREG_SEMVER_RANGE_H
#define MREG_SEMVER_RANGE_H

#include "semver_parse.h"

typedef enum SvOp
{
	SV_OP_ANY,					/* node's "" comparator: matches everything */
	SV_OP_NONE,					/* node's null set "<0.0.0-0": matches nothing */
	SV_OP_EQ,
	SV_OP_LT,
	SV_OP_LE,
	SV_OP_GT,
	SV_OP_GE
} SvOp;

typedef struct SvComparator
{
	SvOp		op;
	uint64_t	major, minor, patch;	/* for the prerelease rule */
	bool		has_pre;
	const uint8_t *key;
	size_t		keylen;
} SvComparator;

typedef struct SvRange
{
	int			nsets;
	int		   *set_start;		/* nsets + 1 offsets into comps */
	int			ncomps;
	SvComparator *comps;
} SvRange;

typedef void *(*SvAllocFn) (void *ctx, size_t size);

/*
 * Size limits of a range, so that no input makes memory or time grow without
 * bound: the text is at most SV_RANGE_MAX_LEN bytes, and it desugars into at
 * most SV_RANGE_MAX_COMPARATORS comparators (a caret, tilde, x- or hyphen
 * range counts as the two it becomes; a blank set as one).  Past a limit the
 * parser fails with err->too_big set.  With them a parsed range takes at most
 * a few megabytes, and matching a version at most that many key compares.
 */
#define SV_RANGE_MAX_LEN			65536
#define SV_RANGE_MAX_COMPARATORS	16384

/*
 * Parse range text s[0..len).  Returns NULL with *err filled for a bad
 * range (err->offset is a byte offset into s; err->too_big for a range past
 * the limits above).  Calls MREG_CHECK_INTERRUPTS() once per set and per
 * comparator, so the alloc callback's memory must be freed by its owner if
 * the hook does not return.
 */
extern SvRange *sv_range_parse(const char *s, size_t len, SvAllocFn alloc, void *ctx,
							   SvError *err);

/* Does the version with this sort key satisfy the range?  (Checks for
 * interrupts once per set.) */
extern bool sv_range_match(const SvRange *r, const uint8_t *key, size_t keylen);

#endif
