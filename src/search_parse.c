/*
 * search_parse.c: the search query language (backend-free, see
 * search_parse.h and doc/search.md).  One pass over the text checks UTF-8,
 * NUL, control characters and the length limit; a second splits it into
 * terms and parses each.  Version ranges are checked by the semver range
 * parser, uses: nodes by the lineage node parser.  The query is at most
 * SQ_MAX_QUERY bytes, so no loop needs a cancel check.
 */
#include "search_parse.h"
#include "lineage_parse.h"
#include "semver_range.h"

#include <stdio.h>
#include <string.h>

typedef struct P
{
	const char *s;
	size_t		len;
	LxMem	   *mem;
	LxError    *err;
} P;

typedef enum FieldKind
{
	F_PLAIN,
	F_TAG,
	F_VERSION,
	F_USES,
	F_TRAINED,
	F_DURATION,
	F_IMPORTANCE
} FieldKind;

/* sorted by name: the order the "unknown field" message lists them in */
static const struct
{
	const char *name;
	FieldKind	kind;
}			fields[] =
{
	{"constraint", F_PLAIN},
	{"data_domain", F_PLAIN},
	{"domain", F_PLAIN},
	{"duration", F_DURATION},
	{"feature", F_PLAIN},
	{"framework", F_PLAIN},
	{"importance", F_IMPORTANCE},
	{"license", F_PLAIN},
	{"model", F_PLAIN},
	{"owner", F_PLAIN},
	{"project", F_PLAIN},
	{"slice", F_PLAIN},
	{"stage", F_PLAIN},
	{"tag", F_TAG},
	{"task", F_PLAIN},
	{"team", F_PLAIN},
	{"trained", F_TRAINED},
	{"uses", F_USES},
	{"version", F_VERSION},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

#define FIELD_EXPECTED \
	"one of the fields constraint, data_domain, domain, duration, feature, framework, " \
	"importance, license, model, owner, project, slice, stage, tag, task, team, trained, " \
	"uses, version (a metric threshold is written like accuracy>=0.9; " \
	"text with a colon can be searched as a \"phrase\")"
#define NUMBER_EXPECTED "a number such as 0.9, 12, -3.5 or 1e-3"
#define DATE_EXPECTED "a date YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], such as trained:>2026-01-01"
#define DURATION_EXPECTED "a duration such as 45s, 90m, 1h30m or 2d (units d, h, m, s, largest first)"
#define DURATION_LIMIT_EXPECTED "a duration of at most 9223372036854 seconds"
#define TAG_EXPECTED "tag:key or tag:key=value, the key made of letters, digits and _.:/- (at most 128)"
#define IMPORTANCE_EXPECTED "importance:FEATURE OP NUMBER with OP one of < <= > >= =, such as importance:age>=0.2"
#define RANGE_EXPECTED "a semver range such as ^2.1, ~1.4, >=1.2, 1.x or \"1.2 - 2.3\" (in double quotes when it has spaces)"
#define NODE_EXPECTED "a lineage node kind:name, such as uses:dataset:imagenet or uses:code:\"a b\""
#define VALUE_LIMIT_EXPECTED "a value of at most 1000 bytes"
#define CLOSE_EXPECTED "white space after the closing quote"

/* ---- characters ------------------------------------------------------- */

/* Unicode White_Space */
static bool
is_white(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
		(c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
		c == 0x205F || c == 0x3000;
}

static bool
is_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7F && c <= 0x9F)) && !is_white(c);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* bytes of the white-space character at s[0..n), or 0 */
static size_t
space_len(const char *s, size_t n)
{
	uint32_t	cp;
	int			l;

	if (n == 0)
		return 0;
	if ((unsigned char) s[0] < 0x80)
		return is_white((unsigned char) s[0]) ? 1 : 0;
	l = lx_u8_decode(s, n, &cp);
	return (l > 0 && is_white(cp)) ? (size_t) l : 0;
}

static size_t
space_at(const P *p, size_t off)
{
	return off < p->len ? space_len(p->s + off, p->len - off) : 0;
}

/* does a term end at off (white space or end of input)? */
static bool
at_end(const P *p, size_t off)
{
	return off >= p->len || space_at(p, off) > 0;
}

/* is s[0..n) empty or all white space? */
static bool
blank(const char *s, size_t n)
{
	size_t		i = 0,
				l;

	while (i < n)
	{
		if ((l = space_len(s + i, n - i)) == 0)
			return false;
		i += l;
	}
	return true;
}

/* what is at off, for a message: "end of input", "white space" or the character quoted */
static void
found_at(const P *p, size_t off, char *buf, size_t size)
{
	if (space_at(p, off) > 0)
		snprintf(buf, size, "white space");
	else
		lx_found(p->s, p->len, off, 0, buf, size);
}

/* ---- errors and memory ------------------------------------------------ */

/* a syntax error at off (lex.h), in this parse's text */
#define fail(p, off, ...) lx_fail((p)->err, (p)->s, (p)->len, (off), __VA_ARGS__)

/* set a static field name, lower case */
static LxStatus
set_field(P *p, SqTerm *t, const char *name)
{
	t->field = lx_dup(p->mem, name, strlen(name));
	return t->field ? LX_OK : lx_nomem(p->err);
}

static void
term_free(SqTerm *t, LxMem *mem)
{
	if (t->field)
		mem->free(t->field, mem->ctx);
	if (t->key)
		mem->free(t->key, mem->ctx);
	if (t->value)
		mem->free(t->value, mem->ctx);
	t->field = t->key = t->value = NULL;
}

/* ---- values ----------------------------------------------------------- */

/*
 * A double-quoted text at q ("" is a quote): *end is the offset after the
 * closing quote, *out the text unquoted (allocated), *outlen its length.
 */
static LxStatus
scan_quoted(P *p, size_t q, const char *what, size_t *end, char **out, size_t *outlen)
{
	if (!lx_quoted_end(p->s, p->len, q, end, outlen))
		return fail(p, q, "closing \"", "unterminated quoted %s", what);
	*out = lx_unquote(p->mem, p->s, q, *end, *outlen);
	return *out ? LX_OK : lx_nomem(p->err);
}

/*
 * The value of a field at v, bare (up to white space, no '"') or quoted;
 * "after" names what precedes it for messages ("domain:").  Never empty or
 * blank, at most SQ_MAX_VALUE bytes.
 */
static LxStatus
scan_value(P *p, size_t v, const char *after, size_t *end, char **out, size_t *outlen, bool *quoted)
{
	char		exp[200];
	LxStatus	st;
	size_t		i;

	snprintf(exp, sizeof(exp), "a value right after %s, bare or in double quotes", after);
	*quoted = false;
	if (at_end(p, v))
		return fail(p, v, exp, "expected a value after %s", after);
	if (p->s[v] == '"')
	{
		*quoted = true;
		if ((st = scan_quoted(p, v, "value", end, out, outlen)) != LX_OK)
			return st;
		if (!at_end(p, *end))
			st = fail(p, *end, CLOSE_EXPECTED, "unexpected text after the closing quote");
		else if (blank(*out, *outlen))
			st = fail(p, v, exp, "expected a value after %s", after);
		else if (*outlen > SQ_MAX_VALUE)
			st = fail(p, v, VALUE_LIMIT_EXPECTED, "value longer than %d bytes", SQ_MAX_VALUE);
		if (st != LX_OK)
		{
			p->mem->free(*out, p->mem->ctx);
			*out = NULL;
		}
		return st;
	}
	for (i = v; !at_end(p, i); i++)
		if (p->s[i] == '"')
			return fail(p, i, "a value without quotes, or the whole value in double quotes",
						"unexpected \" inside a value");
	if (i - v > SQ_MAX_VALUE)
		return fail(p, v, VALUE_LIMIT_EXPECTED, "value longer than %d bytes", SQ_MAX_VALUE);
	*end = i;
	*outlen = i - v;
	*out = lx_dup(p->mem, p->s + v, i - v);
	return *out ? LX_OK : lx_nomem(p->err);
}

/* a comparison operator at i: its text (static) and length, or NULL */
static const char *
scan_op(const P *p, size_t i, size_t *n)
{
	bool		eq = i + 1 < p->len && p->s[i + 1] == '=';

	if (i >= p->len)
		return NULL;
	*n = eq ? 2 : 1;
	switch (p->s[i])
	{
		case '<':
			return eq ? "<=" : "<";
		case '>':
			return eq ? ">=" : ">";
		case '=':
			*n = 1;
			return "=";
		default:
			return NULL;
	}
}

/*
 * A finite number at i, up to the end of the term: [+-] digits [. digits]
 * or [+-] . digits, then an optional exponent.  Finite in float8: no
 * overflow, no underflow to zero (float8in's rules).
 */
static LxStatus
scan_number(P *p, size_t i, const char *after, size_t *end, char **out)
{
	size_t		j = lx_number_end(p->s, p->len, i);
	char	   *v;
	double		d;

	if (j == i || !at_end(p, j))
		return fail(p, i, NUMBER_EXPECTED, "expected a number after %s", after);
	if (j - i > SQ_MAX_VALUE)
		return fail(p, i, VALUE_LIMIT_EXPECTED, "value longer than %d bytes", SQ_MAX_VALUE);
	if ((v = lx_dup(p->mem, p->s + i, j - i)) == NULL)
		return lx_nomem(p->err);
	if (!lx_number_value(v, &d))
	{
		p->mem->free(v, p->mem->ctx);
		return fail(p, i, "a finite number within the range of double precision",
					"number out of range");
	}
	*end = j;
	*out = v;
	return LX_OK;
}

/* n ASCII digits at i */
static bool
scan_digits(const P *p, size_t i, int n, int *val)
{
	int			k;

	*val = 0;
	for (k = 0; k < n; k++)
	{
		if (i + k >= p->len || !is_digit(p->s[i + k]))
			return false;
		*val = *val * 10 + (p->s[i + k] - '0');
	}
	return true;
}

static bool
scan_char(const P *p, size_t i, char c)
{
	return i < p->len && p->s[i] == c;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* ---- fields ----------------------------------------------------------- */

/* the text of "after OP" for messages: "trained:" plus the operator as written */
static void
after_op(char *buf, size_t size, const char *field, const char *op, size_t oplen)
{
	snprintf(buf, size, "%s:%.*s", field, (int) oplen, oplen ? op : "");
}

static LxStatus
parse_trained(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		oplen = 0,
				d,
				j;
	const char *op = scan_op(p, v, &oplen);
	int			y,
				m,
				day,
				hh,
				mi,
				ss;
	char		after[32];

	after_op(after, sizeof(after), "trained", op, op ? oplen : 0);
	t->op = op ? op : "=";
	d = v + (op ? oplen : 0);
	if (at_end(p, d))
		return fail(p, d, DATE_EXPECTED, "expected a date after %s", after);
	if (!scan_digits(p, d, 4, &y) || !scan_char(p, d + 4, '-') ||
		!scan_digits(p, d + 5, 2, &m) || !scan_char(p, d + 7, '-') ||
		!scan_digits(p, d + 8, 2, &day))
		return fail(p, d, DATE_EXPECTED, "invalid date after %s", after);
	if (y == 0)
		return fail(p, d, "a year from 0001 to 9999", "year 0000 does not exist");
	if (m < 1 || m > 12)
		return fail(p, d + 5, "a month from 01 to 12", "month %02d does not exist", m);
	if (day < 1 || day > days_in_month(y, m))
	{
		char		exp[48];

		snprintf(exp, sizeof(exp), "a day from 01 to %02d", days_in_month(y, m));
		return fail(p, d + 8, exp, "day %02d does not exist in %04d-%02d", day, y, m);
	}
	j = d + 10;
	if (scan_char(p, j, 'T'))
	{
		if (!scan_digits(p, j + 1, 2, &hh) || !scan_char(p, j + 3, ':') ||
			!scan_digits(p, j + 4, 2, &mi))
			return fail(p, j + 1, "a time HH:MM or HH:MM:SS after T", "invalid time in the date");
		if (hh > 23)
			return fail(p, j + 1, "an hour from 00 to 23", "hour %02d does not exist", hh);
		if (mi > 59)
			return fail(p, j + 4, "a minute from 00 to 59", "minute %02d does not exist", mi);
		j += 6;
		if (scan_char(p, j, ':'))
		{
			if (!scan_digits(p, j + 1, 2, &ss))
				return fail(p, j + 1, "seconds SS after HH:MM:", "invalid time in the date");
			if (ss > 59)
				return fail(p, j + 1, "a second from 00 to 59", "second %02d does not exist", ss);
			j += 3;
		}
	}
	if (!at_end(p, j))
		return fail(p, j, DATE_EXPECTED, "unexpected text after the date");
	*end = j;
	t->value = lx_dup(p->mem, p->s + d, j - d);
	return t->value ? LX_OK : lx_nomem(p->err);
}

static LxStatus
parse_duration(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		oplen = 0,
				d,
				j,
				k;
	const char *op = scan_op(p, v, &oplen);
	uint64_t	total = 0,
				n,
				mult;
	int			rank,
				last = -1;
	char		after[32],
				buf[24];

	after_op(after, sizeof(after), "duration", op, op ? oplen : 0);
	t->op = op ? op : "=";
	d = v + (op ? oplen : 0);
	if (at_end(p, d))
		return fail(p, d, DURATION_EXPECTED, "expected a duration after %s", after);
	for (j = d; !at_end(p, j); j = k + 1)
	{
		if (!is_digit(p->s[j]))
			return fail(p, j, DURATION_EXPECTED, "expected a number in the duration");
		for (n = 0, k = j; k < p->len && is_digit(p->s[k]); k++)
		{
			n = n * 10 + (uint64_t) (p->s[k] - '0');
			if (n > (uint64_t) SQ_MAX_DURATION)
				return fail(p, d, DURATION_LIMIT_EXPECTED, "duration out of range");
		}
		switch (k < p->len ? p->s[k] : '\0')
		{
			case 'd':
				rank = 0, mult = 86400;
				break;
			case 'h':
				rank = 1, mult = 3600;
				break;
			case 'm':
				rank = 2, mult = 60;
				break;
			case 's':
				rank = 3, mult = 1;
				break;
			default:
				return fail(p, k, "a unit d, h, m or s after the number, such as 90m or 1h30m",
							"expected a unit after the number in the duration");
		}
		if (rank <= last)
			return fail(p, k, "units from the largest to the smallest, each once, such as 1d2h30m15s",
						"unit %c out of order in the duration", p->s[k]);
		last = rank;
		if (n > (uint64_t) SQ_MAX_DURATION / mult || total + n * mult > (uint64_t) SQ_MAX_DURATION)
			return fail(p, d, DURATION_LIMIT_EXPECTED, "duration out of range");
		total += n * mult;
	}
	*end = j;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long) total);
	t->value = lx_dup(p->mem, buf, strlen(buf));
	return t->value ? LX_OK : lx_nomem(p->err);
}

static bool
is_tagkey_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

static LxStatus
parse_tag(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		i,
				vlen;
	char		found[16],
				after[64];
	bool		quoted;

	for (i = v; !at_end(p, i) && p->s[i] != '='; i++)
		if (!is_tagkey_char(p->s[i]))
		{
			found_at(p, i, found, sizeof(found));
			return fail(p, i, TAG_EXPECTED, "unexpected %s in a tag key", found);
		}
	if (i == v)
		return fail(p, v, TAG_EXPECTED, "expected a tag key after tag:");
	if (i - v > SQ_MAX_TAGKEY)
		return fail(p, v, TAG_EXPECTED, "tag key longer than %d bytes", SQ_MAX_TAGKEY);
	if ((t->key = lx_dup(p->mem, p->s + v, i - v)) == NULL)
		return lx_nomem(p->err);
	if (!scan_char(p, i, '='))
	{
		t->op = ":";
		*end = i;
		return LX_OK;
	}
	t->op = "=";
	if (i - v <= 40)
		snprintf(after, sizeof(after), "tag:%.*s=", (int) (i - v), p->s + v);
	else
		snprintf(after, sizeof(after), "tag:%.40s...=", p->s + v);
	return scan_value(p, i + 1, after, end, &t->value, &vlen, &quoted);
}

static LxStatus
parse_importance(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		i,
				klen,
				oplen;
	LxStatus	st;

	if (at_end(p, v))
		return fail(p, v, IMPORTANCE_EXPECTED, "expected a feature name after importance:");
	if (p->s[v] == '"')
	{
		if ((st = scan_quoted(p, v, "feature name", &i, &t->key, &klen)) != LX_OK)
			return st;
		if (blank(t->key, klen))
			return fail(p, v, IMPORTANCE_EXPECTED, "expected a feature name after importance:");
	}
	else
	{
		for (i = v; !at_end(p, i) && p->s[i] != '<' && p->s[i] != '>' && p->s[i] != '='; i++)
			if (p->s[i] == '"')
				return fail(p, i, "a feature name without quotes, or the whole name in double quotes",
							"unexpected \" inside a feature name");
		if (i == v)
			return fail(p, v, IMPORTANCE_EXPECTED, "expected a feature name after importance:");
		klen = i - v;
		if ((t->key = lx_dup(p->mem, p->s + v, klen)) == NULL)
			return lx_nomem(p->err);
	}
	if (klen > SQ_MAX_VALUE)
		return fail(p, v, VALUE_LIMIT_EXPECTED, "feature name longer than %d bytes", SQ_MAX_VALUE);
	if ((t->op = scan_op(p, i, &oplen)) == NULL)
		return fail(p, i, IMPORTANCE_EXPECTED, "expected < <= > >= or = after the feature name");
	return scan_number(p, i + oplen, t->op, end, &t->value);
}

static LxStatus
parse_version(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		vlen,
				off;
	bool		quoted;
	LxStatus	st;
	LxArena		a = {p->mem, NULL, false};
	SvError		serr;
	SvRange    *r;

	t->op = ":";
	if ((st = scan_value(p, v, "version:", end, &t->value, &vlen, &quoted)) != LX_OK)
		return st;
	memset(&serr, 0, sizeof(serr));
	r = sv_range_parse(t->value, vlen, lx_arena_alloc, &a, &serr);
	lx_arena_free(&a);
	if (r != NULL)
		return LX_OK;
	if (a.failed)
		return lx_nomem(p->err);
	if (serr.offset > vlen)
		serr.offset = vlen;
	off = quoted ? lx_quoted_offset(p->s, p->len, v, serr.offset) : v + serr.offset;
	{
		char		msg[160],
					found[24];

		snprintf(msg, sizeof(msg), "%s", serr.msg ? serr.msg : "Invalid range");
		msg[0] = to_lower(msg[0]);
		if (serr.show_found)
		{
			if (serr.offset >= vlen)
				snprintf(found, sizeof(found), "end of the range");
			else
				found_at(p, off, found, sizeof(found));
			return fail(p, off, RANGE_EXPECTED, "%s %s, found %s",
						serr.too_big ? "version range too large:" : "invalid version range:", msg, found);
		}
		return fail(p, off, RANGE_EXPECTED, "%s %s",
					serr.too_big ? "version range too large:" : "invalid version range:", msg);
	}
}

static LxStatus
parse_uses(P *p, SqTerm *t, size_t v, size_t *end)
{
	size_t		i = v,
				q,
				clen;
	LinError	lerr;
	LinStatus	ls;
	char	   *canon = NULL;

	t->op = ":";
	if (at_end(p, v))
		return fail(p, v, NODE_EXPECTED, "expected a value after uses:");
	/* the node's extent: up to white space outside double quotes */
	while (!at_end(p, i))
	{
		if (p->s[i] != '"')
		{
			i++;
			continue;
		}
		q = i++;
		for (;;)
		{
			if (i >= p->len)
				return fail(p, q, "closing \"", "unterminated quoted name in uses:");
			if (p->s[i++] == '"')
			{
				if (i < p->len && p->s[i] == '"')
					i++;
				else
					break;
			}
		}
	}
	if (i - v > SQ_MAX_VALUE)
		return fail(p, v, VALUE_LIMIT_EXPECTED, "value longer than %d bytes", SQ_MAX_VALUE);
	memset(&lerr, 0, sizeof(lerr));
	ls = lin_canon_node(p->s + v, i - v, p->mem, &canon, &clen, &lerr);
	if (ls == LIN_OK)
		p->mem->free(canon, p->mem->ctx);
	if (lerr.detail)
		p->mem->free(lerr.detail, p->mem->ctx);
	if (ls == LIN_ERR_NOMEM)
		return lx_nomem(p->err);
	if (ls == LIN_ERR_NODELEN)
		return fail(p, v, NODE_EXPECTED, "node after uses: longer than %d bytes", LIN_MAX_NODE);
	if (ls != LIN_OK)
	{
		size_t		off = v + (lerr.pos <= i - v ? lerr.pos : i - v);

		return fail(p, off, NODE_EXPECTED, "invalid node after uses: %s", lerr.msg);
	}
	*end = i;
	t->value = lx_dup(p->mem, p->s + v, i - v);
	return t->value ? LX_OK : lx_nomem(p->err);
}

static LxStatus
parse_field(P *p, SqTerm *t, int f, size_t v, size_t *end)
{
	LxStatus	st;
	size_t		vlen;
	bool		quoted;
	char		after[24];

	t->kind = SQ_FIELD;
	if ((st = set_field(p, t, fields[f].name)) != LX_OK)
		return st;
	switch (fields[f].kind)
	{
		case F_TAG:
			return parse_tag(p, t, v, end);
		case F_VERSION:
			return parse_version(p, t, v, end);
		case F_USES:
			return parse_uses(p, t, v, end);
		case F_TRAINED:
			return parse_trained(p, t, v, end);
		case F_DURATION:
			return parse_duration(p, t, v, end);
		case F_IMPORTANCE:
			return parse_importance(p, t, v, end);
		case F_PLAIN:
			break;
	}
	t->op = ":";
	snprintf(after, sizeof(after), "%s:", fields[f].name);
	return scan_value(p, v, after, end, &t->value, &vlen, &quoted);
}

/* ---- terms ------------------------------------------------------------ */

static const char *
opposite(const char *op)
{
	if (strcmp(op, "<") == 0)
		return ">=";
	if (strcmp(op, "<=") == 0)
		return ">";
	if (strcmp(op, ">") == 0)
		return "<=";
	if (strcmp(op, ">=") == 0)
		return "<";
	return NULL;
}

static LxStatus
parse_metric(P *p, SqTerm *t, size_t b, size_t i, size_t *end)
{
	size_t		oplen,
				k;
	LxStatus	st;

	t->kind = SQ_METRIC;
	if (i - b > SQ_MAX_METRIC)
		return fail(p, b, "a metric name of at most 63 characters", "metric name longer than %d characters",
					SQ_MAX_METRIC);
	t->op = scan_op(p, i, &oplen);
	if (t->negated)
	{
		char		exp[160];
		const char *o = opposite(t->op);
		size_t		r = i + oplen;

		while (!at_end(p, r) && r - (i + oplen) < 40)
			r++;
		if (o && at_end(p, r))
			snprintf(exp, sizeof(exp), "the opposite comparison without -, such as %.*s%s%.*s",
					 (int) (i - b), p->s + b, o, (int) (r - i - oplen), p->s + i + oplen);
		else if (o)
			snprintf(exp, sizeof(exp), "the opposite comparison (%s) without -", o);
		else
			snprintf(exp, sizeof(exp), "a metric threshold without -");
		return fail(p, t->off, exp, "a metric threshold cannot be negated");
	}
	if ((t->field = lx_dup(p->mem, p->s + b, i - b)) == NULL)
		return lx_nomem(p->err);
	for (k = 0; t->field[k]; k++)
		t->field[k] = to_lower(t->field[k]);
	if ((st = scan_number(p, i + oplen, t->op, end, &t->value)) != LX_OK)
		return st;
	return LX_OK;
}

static bool
is_metric_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '@' || c == '-';
}

static LxStatus
parse_term(P *p, size_t off, SqTerm *t, size_t *end)
{
	size_t		b = off,
				i,
				n;
	LxStatus	st;

	t->off = off;
	t->pos = lx_charpos(p->s, p->len, off);
	t->negated = false;
	if (p->s[off] == '-')
	{
		for (i = off; i < p->len && p->s[i] == '-'; i++)
			;
		if (i - off >= 2 && at_end(p, i))
		{
			/* a run of dashes is a word (punctuation, like "--" in pasted text) */
			t->kind = SQ_WORD;
			*end = i;
			t->value = lx_dup(p->mem, p->s + off, i - off);
			return t->value ? LX_OK : lx_nomem(p->err);
		}
		if (i - off == 1 && at_end(p, i))
			return fail(p, off, "a word, phrase or field term right after -", "a lone - negates nothing");
		if (i - off >= 2)
			return fail(p, off + 1, "a single - right before a word, phrase or field term",
						"unexpected - after -");
		t->negated = true;
		b = off + 1;
	}

	/* "phrase" */
	if (p->s[b] == '"')
	{
		t->kind = SQ_PHRASE;
		if ((st = scan_quoted(p, b, "phrase", end, &t->value, &n)) != LX_OK)
			return st;
		if (!at_end(p, *end))
			return fail(p, *end, CLOSE_EXPECTED, "unexpected text after the closing quote");
		if (blank(t->value, n))
			return fail(p, b, "some text between the quotes", "empty phrase");
		if (n > SQ_MAX_VALUE)
			return fail(p, b, VALUE_LIMIT_EXPECTED, "phrase longer than %d bytes", SQ_MAX_VALUE);
		return LX_OK;
	}

	/* identifier:value (but identifier::... is a word, like std::vector) */
	if (is_alpha(p->s[b]) || p->s[b] == '_')
	{
		for (i = b + 1; i < p->len && (is_alpha(p->s[i]) || is_digit(p->s[i]) || p->s[i] == '_'); i++)
			;
		if (scan_char(p, i, ':') && !scan_char(p, i + 1, ':'))
		{
			size_t		f;
			char		name[16];

			if (i - b < sizeof(name))
			{
				for (n = 0; n < i - b; n++)
					name[n] = to_lower(p->s[b + n]);
				name[n] = '\0';
				for (f = 0; f < NFIELDS; f++)
					if (strcmp(name, fields[f].name) == 0)
						break;
				if (f < NFIELDS)
				{
					if ((st = parse_field(p, t, (int) f, i + 1, end)) != LX_OK)
						return st;
					t->len = *end - off;
					return LX_OK;
				}
			}
			if (i - b <= 40)
				return fail(p, b, FIELD_EXPECTED, "unknown field %.*s", (int) (i - b), p->s + b);
			return fail(p, b, FIELD_EXPECTED, "unknown field %.40s...", p->s + b);
		}
	}

	/* metric threshold NAME OP NUMBER */
	if (is_alpha(p->s[b]))
	{
		for (i = b + 1; i < p->len && is_metric_char(p->s[i]); i++)
			;
		if (i < p->len && (p->s[i] == '<' || p->s[i] == '>' || p->s[i] == '='))
			return parse_metric(p, t, b, i, end);
	}

	/* word */
	t->kind = SQ_WORD;
	for (i = b; !at_end(p, i); i++)
		;
	if (i - b > SQ_MAX_VALUE)
		return fail(p, b, VALUE_LIMIT_EXPECTED, "word longer than %d bytes", SQ_MAX_VALUE);
	*end = i;
	t->value = lx_dup(p->mem, p->s + b, i - b);
	return t->value ? LX_OK : lx_nomem(p->err);
}

/* UTF-8, no NUL, no control characters other than white space, at most SQ_MAX_QUERY bytes */
static LxStatus
check_text(P *p)
{
	size_t		off = 0;
	uint32_t	cp;
	int			l;

	while (off < p->len)
	{
		l = lx_u8_decode(p->s + off, p->len - off, &cp);
		if (l == 0)
			return fail(p, off, "valid UTF-8 text", "invalid UTF-8 byte 0x%02X",
						(unsigned char) p->s[off]);
		if (off + (size_t) l > SQ_MAX_QUERY)
			return fail(p, off, "a query of at most 10000 bytes", "query longer than %d bytes",
						SQ_MAX_QUERY);
		if (cp == 0)
			return fail(p, off, "text without NUL characters", "NUL character");
		if (is_control(cp))
			return fail(p, off, "printable text, spaces, tabs or line breaks",
						"control character U+%04X", (unsigned) cp);
		off += (size_t) l;
	}
	return LX_OK;
}

LxStatus
sq_parse(const char *s, size_t len, LxMem *mem, SqQuery *q, LxError *err)
{
	P			p = {s, len, mem, err};
	size_t		off = 0,
				end = 0,
				sp;
	LxStatus	st;

	err->status = LX_OK;
	err->pos = 0;
	err->off = 0;
	err->msg[0] = '\0';
	err->expected[0] = '\0';
	q->nterms = 0;
	q->terms = NULL;
	if ((st = check_text(&p)) != LX_OK)
		return st;
	for (;;)
	{
		SqTerm	   *t;

		while ((sp = space_at(&p, off)) > 0)
			off += sp;
		if (off >= len)
			break;
		if (q->nterms == SQ_MAX_TERMS)
		{
			st = fail(&p, off, "a query of at most 100 terms", "more than %d terms", SQ_MAX_TERMS);
			break;
		}
		if (q->terms == NULL)
		{
			q->terms = mem->alloc(sizeof(SqTerm) * SQ_MAX_TERMS, mem->ctx);
			if (q->terms == NULL)
			{
				st = lx_nomem(p.err);
				break;
			}
		}
		t = &q->terms[q->nterms];
		memset(t, 0, sizeof(*t));
		st = parse_term(&p, off, t, &end);
		if (st != LX_OK)
		{
			term_free(t, mem);
			break;
		}
		t->len = end - off;
		q->nterms++;
		off = end;
	}
	if (st != LX_OK)
		sq_free(q, mem);
	return st;
}

void
sq_free(SqQuery *q, LxMem *mem)
{
	int			i;

	for (i = 0; i < q->nterms; i++)
		term_free(&q->terms[i], mem);
	if (q->terms)
		mem->free(q->terms, mem->ctx);
	q->terms = NULL;
	q->nterms = 0;
}

const char *
sq_kind_name(SqKind kind)
{
	switch (kind)
	{
		case SQ_WORD:
			return "word";
		case SQ_PHRASE:
			return "phrase";
		case SQ_FIELD:
			return "field";
		case SQ_METRIC:
			return "metric";
	}
	return "word";
}
