/*
 * semver_parse.h: backend-free SemVer 2.0.0 parser, sort-key encoder and
 * formatter for mreg.semver (no postgres.h, no palloc, no ereport), so the
 * libFuzzer harness links it standalone.
 *
 * The sort key
 * ------------
 * A version is stored as a byte string whose memcmp() order IS SemVer 2.0.0
 * precedence (build metadata excluded), so comparison is one memcmp, hashing
 * is one pass over the same bytes, and an abbreviated sort key is simply the
 * first eight bytes.  Layout:
 *
 *   varint(major) varint(minor) varint(patch) prerelease-section
 *
 *   varint(n):  n == 0: 0x00;  else: one byte "number of significant bytes"
 *               (1..8) followed by those bytes, big-endian.  A longer number
 *               is a larger one, equal lengths compare bytewise.
 *   prerelease-section:
 *               no prerelease: 0x03 (greater than any identifier tag, so a
 *               release sorts after all of its prereleases);
 *               otherwise each identifier, then the terminator 0x00:
 *                 numeric:       0x01 len digits   (len: one byte if < 255,
 *                                else 0xFF + 4 bytes big-endian), digits
 *                                without leading zeros: compares by length,
 *                                then digit by digit = numerically, at any
 *                                length;
 *                 alphanumeric:  0x02 chars 0x00    (ASCII order, a prefix
 *                                sorts first);
 *               numeric (0x01) < alphanumeric (0x02); a shorter identifier
 *               list (terminator 0x00) < a longer one with the same prefix.
 *
 * Equal precedence <=> identical key bytes (identifiers are canonical: no
 * leading zeros), which is what makes hashing the key correct.
 */
#ifndef MREG_SEMVER_PARSE_H
#define MREG_SEMVER_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#define SV_MAX_NUMBER INT64_MAX			/* 9223372036854775807 */

#define SV_TAG_END		0x00
#define SV_TAG_NUM		0x01
#define SV_TAG_ALPHA	0x02
#define SV_TAG_RELEASE	0x03

/* A parsed version.  Spans point into the caller's input. */
typedef struct SvVersion
{
	uint64_t	major;
	uint64_t	minor;
	uint64_t	patch;
	const char *pre;			/* prerelease without the '-', NULL if none */
	size_t		prelen;
	const char *build;			/* build metadata without the '+', NULL if none */
	size_t		buildlen;
	bool		pre_strip_zeros;	/* lenient input: numeric identifiers may
									 * carry leading zeros, the encoder drops
									 * them */
} SvVersion;

/* Error report: what is wrong (msg) and where (byte offset into the input). */
typedef struct SvError
{
	const char *msg;			/* sentence fragment, capitalised, no period */
	size_t		offset;			/* byte offset of the offending character */
	bool		show_found;		/* append what was found at offset */
	bool		too_big;		/* a size limit, not a syntax error (SQLSTATE
								 * 54000 rather than 22P02) */
} SvError;

/* a syntax error at offset (show_found: the message names what is there); returns false */
extern bool sv_fail(SvError *err, const char *msg, size_t offset, bool show_found);

/* ASCII classes of both semver parsers (semver_range.c reads ranges) */
static inline bool
sv_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
sv_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Strict SemVer 2.0.0.  Returns true on success. */
extern bool sv_parse_strict(const char *s, size_t len, SvVersion *out, SvError *err);

/*
 * Lenient (mreg.to_semver): trims ASCII whitespace, drops a leading '='
 * and/or 'v'/'V', accepts 1 to 3 numeric parts (missing ones are 0) and
 * leading zeros (dropped, also in numeric prerelease identifiers).
 */
extern bool sv_parse_lenient(const char *s, size_t len, SvVersion *out, SvError *err);

/*
 * Check a dot-separated identifier list (prerelease when is_pre, else build)
 * starting at s[pos], ending at the first byte that cannot belong to it.
 * Sets *end.  strict_zeros rejects leading zeros in numeric prerelease
 * identifiers.  Used by the range parser too.
 */
extern bool sv_scan_identifiers(const char *s, size_t len, size_t pos, bool is_pre,
								bool strict_zeros, size_t *end, SvError *err);

/* Upper bound of the encoded key size of v. */
static inline size_t
sv_key_bound(const SvVersion *v)
{
	return 32 + 2 * v->prelen;
}

/* Encode v's sort key into out (sv_key_bound bytes); returns its length. */
extern size_t sv_encode_key(const SvVersion *v, uint8_t *out);

/* Compare two keys: <0, 0, >0.  Keys never are proper prefixes of one another. */
static inline int
sv_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;
	size_t		i = 0;

	/* keys are short: compare 8 bytes at a time as big-endian words */
	for (; i + 8 <= n; i += 8)
	{
		uint64_t	x = 0, y = 0;

		for (int k = 0; k < 8; k++)
		{
			x = (x << 8) | a[i + k];
			y = (y << 8) | b[i + k];
		}
		if (x != y)
			return x < y ? -1 : 1;
	}
	for (; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

/*
 * Decode the three numbers of a key; *preoff is the offset of the
 * prerelease section.  Returns false on a malformed key.
 */
extern bool sv_key_numbers(const uint8_t *key, size_t keylen,
						   uint64_t *major, uint64_t *minor, uint64_t *patch, size_t *preoff);

/*
 * The abbreviated sort key: a 64-bit word whose unsigned order agrees with
 * the key order (a < b implies abbrev(a) <= abbrev(b); equal keys give equal
 * words), packed tighter than the key's first 8 bytes so that prereleases
 * mostly differ in it too.  Bits from the top:
 *   each of major, minor, patch: 4 bits of bit length L (15: 6 more bits of
 *     L - 1), then the L - 1 bits under the leading one (0..7 cost 4-6 bits,
 *     up to 127 cost 10);
 *   1 for a release (then zeros), 0 for a prerelease, then per identifier
 *     2 bits (01 numeric, 10 alphanumeric; 00, like the zero padding, ends
 *     the list): a numeric one as a number above (over 19 digits: only its
 *     length class), an alphanumeric one as 6 bits per character
 *     ([-0-9A-Za-z] in ASCII order as 1..63) and 6 zero bits.
 * The code is truncated at 64 bits; a number of 64 significant bits (or a
 * numeric identifier of more than 19 digits) stops it there.
 * "12.34.117-rc.15" fits whole (56 bits); the raw key's first 8 bytes stop
 * after "-r".
 */
extern uint64_t sv_key_abbrev(const uint8_t *key, size_t keylen);

/* True if the key has a prerelease. */
extern bool sv_key_is_prerelease(const uint8_t *key, size_t keylen);

/* Upper bound of the formatted text size (without NUL). */
static inline size_t
sv_format_bound(size_t keylen, size_t buildlen)
{
	return 3 * 20 + 2 * keylen + buildlen + 4;
}

/*
 * Format a key (+ build) as text into out (sv_format_bound + 1 bytes);
 * NUL-terminates, returns the length, or (size_t) -1 on a malformed key.
 * With pre_only, writes only the prerelease text (may be empty).
 */
extern size_t sv_format(const uint8_t *key, size_t keylen, const char *build, size_t buildlen,
						char *out);
extern size_t sv_format_prerelease(const uint8_t *key, size_t keylen, char *out);

/* bump parts, node-semver inc() semantics */
typedef enum SvBumpPart
{
	SV_BUMP_MAJOR,
	SV_BUMP_MINOR,
	SV_BUMP_PATCH,
	SV_BUMP_PRERELEASE
} SvBumpPart;

/*
 * Bump a key.  prebuf is scratch for the new prerelease text, at least
 * 2 * keylen + 8 bytes.  On success fills *out (no build metadata) whose
 * pre span may point into prebuf.  Returns false when a number would pass
 * 2^63-1.
 */
extern bool sv_bump(const uint8_t *key, size_t keylen, SvBumpPart part, char *prebuf,
					SvVersion *out);

#endif
