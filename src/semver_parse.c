/*
 * semver_parse.c: backend-free SemVer 2.0.0 parsing, sort-key encoding,
 * formatting and bumping for mreg.semver.  See semver_parse.h for the key
 * layout.  Plain C99: no allocation at all, callers pass buffers sized with
 * sv_key_bound / sv_format_bound.
 */
#include "semver_parse.h"

#include <string.h>

static inline bool
sv_isident(char c)
{
	return sv_isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool
sv_fail(SvError *err, const char *msg, size_t offset, bool show_found)
{
	err->msg = msg;
	err->offset = offset;
	err->show_found = show_found;
	err->too_big = false;
	return false;
}

/*
 * One of major/minor/patch at s[*pos].  Strict: no leading zeros.  Lenient:
 * leading zeros allowed (and so dropped).  The value may not pass 2^63-1.
 */
static bool
sv_number(const char *s, size_t len, size_t *pos, bool strict, int which, uint64_t *val,
		  SvError *err)
{
	static const char *const expect[] = {
		"Expected a digit for the major version",
		"Expected a digit for the minor version",
		"Expected a digit for the patch version"
	};
	static const char *const zero[] = {
		"Leading zero in the major version number",
		"Leading zero in the minor version number",
		"Leading zero in the patch version number"
	};
	static const char *const big[] = {
		"Major version number exceeds 9223372036854775807",
		"Minor version number exceeds 9223372036854775807",
		"Patch version number exceeds 9223372036854775807"
	};
	size_t		start = *pos, p = *pos;
	uint64_t	v = 0;

	if (p >= len || !sv_isdigit(s[p]))
		return sv_fail(err, expect[which], p, true);
	if (strict && s[p] == '0' && p + 1 < len && sv_isdigit(s[p + 1]))
		return sv_fail(err, zero[which], p, false);
	for (; p < len && sv_isdigit(s[p]); p++)
	{
		uint64_t	d = (uint64_t) (s[p] - '0');

		if (v > ((uint64_t) SV_MAX_NUMBER - d) / 10)
			return sv_fail(err, big[which], start, false);
		v = v * 10 + d;
	}
	*pos = p;
	*val = v;
	return true;
}

bool
sv_scan_identifiers(const char *s, size_t len, size_t pos, bool is_pre, bool strict_zeros,
					size_t *end, SvError *err)
{
	for (;;)
	{
		size_t		start = pos;
		bool		numeric = true;

		while (pos < len && sv_isident(s[pos]))
		{
			if (!sv_isdigit(s[pos]))
				numeric = false;
			pos++;
		}
		if (pos == start)
		{
			if (start >= len || s[start] == '.' || s[start] == '+' || sv_isspace(s[start]) ||
				s[start] == '|')
				return sv_fail(err, is_pre ? "Empty prerelease identifier"
							   : "Empty build metadata identifier", start, true);
			return sv_fail(err, is_pre ? "Invalid character in prerelease identifier"
						   : "Invalid character in build metadata", start, true);
		}
		if (is_pre && strict_zeros && numeric && pos - start > 1 && s[start] == '0')
			return sv_fail(err, "Leading zero in numeric prerelease identifier", start, false);
		if (pos < len && s[pos] == '.')
		{
			pos++;
			continue;
		}
		break;
	}
	*end = pos;
	return true;
}

/* prerelease / build / end-of-input after the patch number at s[pos] */
static bool
sv_tail(const char *s, size_t len, size_t pos, bool strict, SvVersion *out, SvError *err)
{
	out->pre = NULL;
	out->prelen = 0;
	out->build = NULL;
	out->buildlen = 0;
	out->pre_strip_zeros = !strict;

	if (pos < len && s[pos] == '-')
	{
		size_t		end;

		if (!sv_scan_identifiers(s, len, pos + 1, true, strict, &end, err))
			return false;
		out->pre = s + pos + 1;
		out->prelen = end - pos - 1;
		pos = end;
		if (pos < len && s[pos] != '+')
			return sv_fail(err, "Invalid character in prerelease identifier", pos, true);
	}
	if (pos < len && s[pos] == '+')
	{
		size_t		end;

		if (!sv_scan_identifiers(s, len, pos + 1, false, false, &end, err))
			return false;
		out->build = s + pos + 1;
		out->buildlen = end - pos - 1;
		pos = end;
		if (pos < len)
			return sv_fail(err, "Invalid character in build metadata", pos, true);
	}
	if (pos < len)
		return sv_fail(err, "Expected \"-\", \"+\" or the end after the patch version", pos, true);
	return true;
}

bool
sv_parse_strict(const char *s, size_t len, SvVersion *out, SvError *err)
{
	size_t		pos = 0;

	if (!sv_number(s, len, &pos, true, 0, &out->major, err))
		return false;
	if (pos >= len || s[pos] != '.')
		return sv_fail(err, "Expected \".\" after the major version", pos, true);
	pos++;
	if (!sv_number(s, len, &pos, true, 1, &out->minor, err))
		return false;
	if (pos >= len || s[pos] != '.')
		return sv_fail(err, "Expected \".\" after the minor version", pos, true);
	pos++;
	if (!sv_number(s, len, &pos, true, 2, &out->patch, err))
		return false;
	return sv_tail(s, len, pos, true, out, err);
}

bool
sv_parse_lenient(const char *s, size_t len, SvVersion *out, SvError *err)
{
	size_t		pos = 0;

	while (len > 0 && sv_isspace(s[len - 1]))
		len--;
	while (pos < len && sv_isspace(s[pos]))
		pos++;
	while (pos < len && s[pos] == '=')
		pos++;
	while (pos < len && sv_isspace(s[pos]))
		pos++;
	if (pos < len && (s[pos] == 'v' || s[pos] == 'V'))
		pos++;

	out->minor = out->patch = 0;
	if (!sv_number(s, len, &pos, false, 0, &out->major, err))
		return false;
	if (pos < len && s[pos] == '.')
	{
		pos++;
		if (!sv_number(s, len, &pos, false, 1, &out->minor, err))
			return false;
		if (pos < len && s[pos] == '.')
		{
			pos++;
			if (!sv_number(s, len, &pos, false, 2, &out->patch, err))
				return false;
		}
	}
	return sv_tail(s, len, pos, false, out, err);
}

static size_t
sv_put_varint(uint8_t *out, uint64_t v)
{
	int			n = 0;

	for (uint64_t t = v; t != 0; t >>= 8)
		n++;
	out[0] = (uint8_t) n;
	for (int i = 0; i < n; i++)
		out[1 + i] = (uint8_t) (v >> (8 * (n - 1 - i)));
	return (size_t) n + 1;
}

size_t
sv_encode_key(const SvVersion *v, uint8_t *out)
{
	size_t		o = 0;

	o += sv_put_varint(out + o, v->major);
	o += sv_put_varint(out + o, v->minor);
	o += sv_put_varint(out + o, v->patch);
	if (v->pre == NULL)
	{
		out[o++] = SV_TAG_RELEASE;
		return o;
	}
	for (size_t i = 0; i < v->prelen;)
	{
		size_t		j = i;
		bool		numeric = true;

		while (j < v->prelen && v->pre[j] != '.')
		{
			if (!sv_isdigit(v->pre[j]))
				numeric = false;
			j++;
		}
		if (numeric)
		{
			size_t		a = i, n;

			if (v->pre_strip_zeros)
				while (a + 1 < j && v->pre[a] == '0')
					a++;
			n = j - a;
			out[o++] = SV_TAG_NUM;
			if (n < 255)
				out[o++] = (uint8_t) n;
			else
			{
				out[o++] = 0xFF;
				out[o++] = (uint8_t) (n >> 24);
				out[o++] = (uint8_t) (n >> 16);
				out[o++] = (uint8_t) (n >> 8);
				out[o++] = (uint8_t) n;
			}
			memcpy(out + o, v->pre + a, n);
			o += n;
		}
		else
		{
			out[o++] = SV_TAG_ALPHA;
			memcpy(out + o, v->pre + i, j - i);
			o += j - i;
			out[o++] = 0;
		}
		i = j + 1;
	}
	out[o++] = SV_TAG_END;
	return o;
}

static bool
sv_get_varint(const uint8_t *key, size_t keylen, size_t *pos, uint64_t *v)
{
	size_t		p = *pos;
	int			n;
	uint64_t	r = 0;

	if (p >= keylen)
		return false;
	n = key[p++];
	if (n > 8 || p + (size_t) n > keylen)
		return false;
	for (int i = 0; i < n; i++)
		r = (r << 8) | key[p++];
	*v = r;
	*pos = p;
	return true;
}

bool
sv_key_numbers(const uint8_t *key, size_t keylen, uint64_t *major, uint64_t *minor,
			   uint64_t *patch, size_t *preoff)
{
	size_t		p = 0;

	if (!sv_get_varint(key, keylen, &p, major) ||
		!sv_get_varint(key, keylen, &p, minor) ||
		!sv_get_varint(key, keylen, &p, patch) || p >= keylen)
		return false;
	*preoff = p;
	return true;
}

bool
sv_key_is_prerelease(const uint8_t *key, size_t keylen)
{
	uint64_t	a, b, c;
	size_t		off;

	return sv_key_numbers(key, keylen, &a, &b, &c, &off) && key[off] != SV_TAG_RELEASE;
}

/* ---------------------------------------------------------------------
 * the abbreviated sort key (semver_parse.h)
 * --------------------------------------------------------------------- */

typedef struct SvBits
{
	uint64_t	acc;
	int			used;			/* bits written, from the top; 64 = full */
} SvBits;

/* Append the w low bits of v (v < 2^w); false once the word is full. */
static inline bool
ab_put(SvBits *b, uint64_t v, int w)
{
	int			room = 64 - b->used;

	if (w > room)
	{
		if (room > 0)
			b->acc |= v >> (w - room);
		b->used = 64;
		return false;
	}
	if (w > 0)
		b->acc |= v << (room - w);
	b->used += w;
	return b->used < 64;
}

/*
 * A number: 4 bits of bit length L (0 for 0) when L <= 14, else 15 and 6
 * bits of L - 1; then the L - 1 bits below the leading 1.  A longer number
 * has a larger prefix, equal lengths compare bitwise.  L = 64 (and the
 * caller's "too long to know") stops the code: what follows is left to the
 * full comparison.
 */
static inline bool
ab_number(SvBits *b, uint64_t v, bool huge)
{
	int			L = (v == 0) ? 0 : 64 - __builtin_clzll(v);

	if (huge || L == 64)
	{
		if (ab_put(b, 15, 4))
			ab_put(b, 63, 6);
		return false;
	}
	if (L <= 14)
	{
		if (!ab_put(b, (uint64_t) L, 4))
			return false;
	}
	else if (!ab_put(b, 15, 4) || !ab_put(b, (uint64_t) (L - 1), 6))
		return false;
	if (L >= 2)
		return ab_put(b, v & ((UINT64_C(1) << (L - 1)) - 1), L - 1);
	return true;
}

/* [-0-9A-Za-z] in ASCII order as 1..63; 0 ends an identifier */
static inline uint64_t
ab_char(uint8_t c)
{
	if (c == '-')
		return 1;
	if (c >= '0' && c <= '9')
		return 2 + (uint64_t) (c - '0');
	if (c >= 'A' && c <= 'Z')
		return 12 + (uint64_t) (c - 'A');
	if (c >= 'a' && c <= 'z')
		return 38 + (uint64_t) (c - 'a');
	return 63;
}

uint64_t
sv_key_abbrev(const uint8_t *key, size_t keylen)
{
	SvBits		b = {0, 0};
	uint64_t	M, m, p;
	size_t		off;

	if (!sv_key_numbers(key, keylen, &M, &m, &p, &off))
		return 0;
	if (!ab_number(&b, M, false) || !ab_number(&b, m, false) || !ab_number(&b, p, false))
		return b.acc;
	if (key[off] == SV_TAG_RELEASE)
	{
		ab_put(&b, 1, 1);
		return b.acc;
	}
	if (!ab_put(&b, 0, 1))
		return b.acc;
	while (off < keylen && key[off] != SV_TAG_END)
	{
		if (key[off] == SV_TAG_NUM)
		{
			size_t		n, q = off + 1;
			uint64_t	v = 0;

			if (q >= keylen)
				break;
			if (key[q] < 0xFF)
				n = key[q++];
			else
			{
				if (q + 5 > keylen)
					break;
				n = ((size_t) key[q + 1] << 24) | ((size_t) key[q + 2] << 16) |
					((size_t) key[q + 3] << 8) | key[q + 4];
				q += 5;
			}
			if (q + n > keylen)
				break;
			if (n <= 19)
				for (size_t i = 0; i < n; i++)
					v = v * 10 + (uint64_t) (key[q + i] - '0');
			if (!ab_put(&b, 1, 2) || !ab_number(&b, v, n > 19))
				return b.acc;
			off = q + n;
		}
		else if (key[off] == SV_TAG_ALPHA)
		{
			if (!ab_put(&b, 2, 2))
				return b.acc;
			off++;
			while (off < keylen && key[off] != 0)
				if (!ab_put(&b, ab_char(key[off++]), 6))
					return b.acc;
			if (!ab_put(&b, 0, 6))
				return b.acc;
			off++;
		}
		else
			break;
	}
	/* the end of the identifiers is 00, as the padding is */
	return b.acc;
}

static size_t
sv_put_u64(char *out, uint64_t v)
{
	char		tmp[24];
	size_t		n = 0;

	do
	{
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* prerelease text of the section at key[p]; returns length or -1 */
static size_t
sv_format_pre_at(const uint8_t *key, size_t keylen, size_t p, char *out)
{
	size_t		o = 0;
	bool		first = true;

	if (p >= keylen)
		return (size_t) -1;
	if (key[p] == SV_TAG_RELEASE)
		return 0;
	while (p < keylen && key[p] != SV_TAG_END)
	{
		if (!first)
			out[o++] = '.';
		first = false;
		if (key[p] == SV_TAG_NUM)
		{
			size_t		n;

			p++;
			if (p >= keylen)
				return (size_t) -1;
			if (key[p] < 255)
				n = key[p++];
			else
			{
				if (p + 5 > keylen)
					return (size_t) -1;
				n = ((size_t) key[p + 1] << 24) | ((size_t) key[p + 2] << 16) |
					((size_t) key[p + 3] << 8) | (size_t) key[p + 4];
				p += 5;
			}
			if (p + n > keylen)
				return (size_t) -1;
			memcpy(out + o, key + p, n);
			o += n;
			p += n;
		}
		else if (key[p] == SV_TAG_ALPHA)
		{
			p++;
			while (p < keylen && key[p] != 0)
				out[o++] = (char) key[p++];
			if (p >= keylen)
				return (size_t) -1;
			p++;
		}
		else
			return (size_t) -1;
	}
	if (p >= keylen || first)
		return (size_t) -1;
	return o;
}

size_t
sv_format_prerelease(const uint8_t *key, size_t keylen, char *out)
{
	uint64_t	a, b, c;
	size_t		off, n;

	if (!sv_key_numbers(key, keylen, &a, &b, &c, &off))
		return (size_t) -1;
	n = sv_format_pre_at(key, keylen, off, out);
	if (n != (size_t) -1)
		out[n] = '\0';
	return n;
}

size_t
sv_format(const uint8_t *key, size_t keylen, const char *build, size_t buildlen, char *out)
{
	uint64_t	M, m, p;
	size_t		off, o = 0, n;

	if (!sv_key_numbers(key, keylen, &M, &m, &p, &off))
		return (size_t) -1;
	o += sv_put_u64(out + o, M);
	out[o++] = '.';
	o += sv_put_u64(out + o, m);
	out[o++] = '.';
	o += sv_put_u64(out + o, p);
	if (key[off] != SV_TAG_RELEASE)
	{
		out[o++] = '-';
		n = sv_format_pre_at(key, keylen, off, out + o);
		if (n == (size_t) -1)
			return n;
		o += n;
	}
	if (buildlen > 0)
	{
		out[o++] = '+';
		memcpy(out + o, build, buildlen);
		o += buildlen;
	}
	out[o] = '\0';
	return o;
}

/* add one to the decimal digits s[0..n) in place; returns the new length */
static size_t
sv_decimal_inc(char *s, size_t n, size_t tail)
{
	size_t		i = n;

	while (i > 0)
	{
		i--;
		if (s[i] != '9')
		{
			s[i]++;
			return n;
		}
		s[i] = '0';
	}
	/* all nines: "1" followed by n zeros; shift the tail right by one */
	memmove(s + n + 1, s + n, tail);
	memmove(s + 1, s, n);
	s[0] = '1';
	return n + 1;
}

bool
sv_bump(const uint8_t *key, size_t keylen, SvBumpPart part, char *prebuf, SvVersion *out)
{
	uint64_t	M, m, p;
	size_t		off, plen = 0;
	bool		has_pre;

	if (!sv_key_numbers(key, keylen, &M, &m, &p, &off))
		return false;
	has_pre = key[off] != SV_TAG_RELEASE;
	if (has_pre)
	{
		plen = sv_format_pre_at(key, keylen, off, prebuf);
		if (plen == (size_t) -1)
			return false;
	}
	memset(out, 0, sizeof(*out));
	switch (part)
	{
		case SV_BUMP_MAJOR:
			if (m != 0 || p != 0 || !has_pre)
			{
				if (M >= (uint64_t) SV_MAX_NUMBER)
					return false;
				M++;
			}
			m = p = 0;
			break;
		case SV_BUMP_MINOR:
			if (p != 0 || !has_pre)
			{
				if (m >= (uint64_t) SV_MAX_NUMBER)
					return false;
				m++;
			}
			p = 0;
			break;
		case SV_BUMP_PATCH:
			if (!has_pre)
			{
				if (p >= (uint64_t) SV_MAX_NUMBER)
					return false;
				p++;
			}
			break;
		case SV_BUMP_PRERELEASE:
			if (!has_pre)
			{
				if (p >= (uint64_t) SV_MAX_NUMBER)
					return false;
				p++;
				prebuf[0] = '0';
				plen = 1;
			}
			else
			{
				/* increment the last numeric identifier, else append ".0" */
				size_t		end = plen;
				bool		done = false;

				while (end > 0 && !done)
				{
					size_t		start = end;
					bool		numeric = true;

					while (start > 0 && prebuf[start - 1] != '.')
					{
						start--;
						if (!sv_isdigit(prebuf[start]))
							numeric = false;
					}
					if (numeric)
					{
						size_t		n = sv_decimal_inc(prebuf + start, end - start, plen - end);

						plen += n - (end - start);
						done = true;
					}
					else if (start == 0)
						break;
					else
						end = start - 1;
				}
				if (!done)
				{
					prebuf[plen++] = '.';
					prebuf[plen++] = '0';
				}
			}
			out->pre = prebuf;
			out->prelen = plen;
			break;
	}
	out->major = M;
	out->minor = m;
	out->patch = p;
	return true;
}
