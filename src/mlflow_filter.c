/*
 * mlflow_filter.c: MLflow model-version filter strings (backend-free, see
 * mlflow_filter.h and doc/mlflow.md).  One pass checks UTF-8, NUL, control
 * characters and the length limit; a recursive descent then reads
 * OR > AND > NOT/parentheses > comparison, emitting nodes in postfix order.
 * Semver values and ranges are checked by the semver parsers, so a bad one
 * is a syntax error with its position, not a cast error later.  Recursion is
 * bounded by MF_MAX_DEPTH and the text by MF_MAX_FILTER, so no loop needs a
 * cancel check.
 */
#include "mlflow_filter.h"
#include "semver_parse.h"
#include "semver_range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct P
{
	const char *s;
	size_t		len;
	LxMem	   *mem;
	LxError    *err;
	MfFilter   *f;
	int			cap;			/* nodes allocated */
	int			ncompare;
	int			nest;			/* open parentheses and NOTs */
} P;

#define IDENT_EXPECTED \
	"an identifier: name, version_number, run_id, source_path, version, stage, alias, project " \
	"(optionally attribute.KEY), tag.KEY or tags.KEY, metric.NAME or metrics.NAME, NOT or ("
#define STRING_OPS "=, !=, LIKE, ILIKE, IN or NOT IN"
#define TAG_OPS "=, !=, LIKE or ILIKE"
#define NUMBER_OPS "=, !=, <, <=, > or >="
#define VERSION_OPS "=, !=, <, <=, >, >= (a semver) or <@ (a semver range)"
#define STRING_EXPECTED "a quoted string such as 'churn' or \"churn\""
#define LIST_EXPECTED "a parenthesised list of quoted strings such as ('a1b2', 'c3d4')"
#define NUMBER_EXPECTED "a number such as 3, 0.9 or 1e-3"
#define CONNECT_EXPECTED "AND, OR, ) or the end of the filter"
#define VALUE_LIMIT_EXPECTED "a value of at most 2000 bytes"

/* ---- characters ------------------------------------------------------- */

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static size_t
skip_space(const P *p, size_t i)
{
	while (i < p->len && is_space(p->s[i]))
		i++;
	return i;
}

/* what is at off, for a message: a word (up to 20 bytes), else one character */
static void
found_at(const P *p, size_t off, char *buf, size_t size)
{
	size_t		n;

	for (n = 0; off + n < p->len && n < 20 && is_word(p->s[off + n]); n++)
		;
	lx_found(p->s, p->len, off, n, buf, size);
}

/* ---- errors and memory ------------------------------------------------ */

/* a syntax error at off (lex.h), in this parse's text */
#define fail(p, off, ...) lx_fail((p)->err, (p)->s, (p)->len, (off), __VA_ARGS__)

/* "expected X, found Y" at off */
static LxStatus
fail_found(P *p, size_t off, const char *expected, const char *what)
{
	char		found[48];

	found_at(p, off, found, sizeof(found));
	return fail(p, off, expected, "expected %s, found %s", what, found);
}

static void
node_free(MfNode *n, LxMem *mem)
{
	int			i;

	if (n->key)
		mem->free(n->key, mem->ctx);
	if (n->value)
		mem->free(n->value, mem->ctx);
	if (n->values)
	{
		for (i = 0; i < n->nvalues; i++)
			mem->free(n->values[i], mem->ctx);
		mem->free(n->values, mem->ctx);
	}
	n->key = n->value = NULL;
	n->values = NULL;
	n->nvalues = 0;
}

/* a new node at the end (zeroed), or NULL */
static MfNode *
new_node(P *p, MfKind kind, size_t off, int depth)
{
	MfNode	   *n;

	if (p->f->nnodes == p->cap)
	{
		int			cap = p->cap ? p->cap * 2 : 8;
		MfNode	   *nn = p->f->nodes ? p->mem->realloc(p->f->nodes, sizeof(MfNode) * (size_t) cap, p->mem->ctx)
			: p->mem->alloc(sizeof(MfNode) * (size_t) cap, p->mem->ctx);

		if (nn == NULL)
			return NULL;
		p->f->nodes = nn;
		p->cap = cap;
	}
	n = &p->f->nodes[p->f->nnodes++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->off = off;
	n->pos = lx_charpos(p->s, p->len, off);
	n->depth = depth;
	return n;
}

/* ---- lexical pieces --------------------------------------------------- */

/* does the keyword kw (upper case) start at i, followed by a non-word character? */
static bool
keyword_at(const P *p, size_t i, const char *kw)
{
	size_t		n = strlen(kw),
				k;

	if (i + n > p->len)
		return false;
	for (k = 0; k < n; k++)
	{
		char		c = p->s[i + k];

		if (c >= 'a' && c <= 'z')
			c = (char) (c - 'a' + 'A');
		if (c != kw[k])
			return false;
	}
	return i + n >= p->len || !is_word(p->s[i + n]);
}

/*
 * A quoted text at q (the quote character doubled stands for itself): *end
 * after the closing quote, *out unquoted (allocated), *outlen its length.
 */
static LxStatus
scan_quoted(P *p, size_t q, const char *what, size_t *end, char **out, size_t *outlen)
{
	size_t		e,
				n;
	char		exp[64];

	if (!lx_quoted_end(p->s, p->len, q, &e, &n))
	{
		snprintf(exp, sizeof(exp), "a closing %c", p->s[q]);
		return fail(p, q, exp, "unterminated %s", what);
	}
	if (n > MF_MAX_VALUE)
		return fail(p, q, VALUE_LIMIT_EXPECTED, "%s longer than %d bytes", what, MF_MAX_VALUE);
	*end = e;
	if ((*out = lx_unquote(p->mem, p->s, q, e, n)) == NULL)
		return lx_nomem(p->err);
	*outlen = n;
	return LX_OK;
}

/*
 * A number at i: [+-] digits [. digits] or [+-] . digits, then an optional
 * exponent, not followed by a word character; finite in float8.
 */
static LxStatus
scan_number(P *p, size_t i, size_t *end, MfNode *n)
{
	size_t		j = lx_number_end(p->s, p->len, i);

	if (j == i || (j < p->len && (is_word(p->s[j]) || p->s[j] == '.')))
		return fail_found(p, i, NUMBER_EXPECTED, "a number");
	if (j - i > 100)
		return fail(p, i, "a number of at most 100 characters", "number too long");
	if ((n->value = lx_dup(p->mem, p->s + i, j - i)) == NULL)
		return lx_nomem(p->err);
	if (!lx_number_value(n->value, &n->number))
		return fail(p, i, "a finite number within the range of double precision", "number out of range");
	n->vkind = MF_NUMBER;
	*end = j;
	return LX_OK;
}

/* ---- identifiers ------------------------------------------------------ */

static const struct
{
	const char *name;
	MfField		field;
}			attributes[] =
{
	{"name", MF_NAME},
	{"version_number", MF_VERSION_NUMBER},
	{"run_id", MF_RUN_ID},
	{"source_path", MF_SOURCE_PATH},
	{"version", MF_VERSION},
	{"stage", MF_STAGE},
	{"alias", MF_ALIAS},
	{"project", MF_PROJECT},
};

const char *
mf_field_name(MfField field)
{
	switch (field)
	{
		case MF_TAG:
			return "tag";
		case MF_METRIC:
			return "metric";
		default:
			return attributes[field].name;
	}
}

const char *
mf_kind_name(MfKind kind)
{
	switch (kind)
	{
		case MF_COMPARE:
			return "compare";
		case MF_AND:
			return "and";
		case MF_OR:
			return "or";
		case MF_NOT:
			return "not";
	}
	return "?";
}

static bool
word_is(const P *p, size_t i, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(p->s + i, w, n) == 0;
}

/* identifier at i: fills n->field and n->key, *end after it */
static LxStatus
parse_identifier(P *p, size_t i, size_t *end, MfNode *n)
{
	size_t		j = i,
				k,
				klen;
	size_t		a;
	LxStatus	st;

	if (i >= p->len || !is_word(p->s[i]) || is_digit(p->s[i]))
		return fail_found(p, i, IDENT_EXPECTED, "an identifier");
	while (j < p->len && is_word(p->s[j]))
		j++;
	if (j < p->len && p->s[j] == '.')
	{
		bool		tag = word_is(p, i, j - i, "tag") || word_is(p, i, j - i, "tags");
		bool		metric = word_is(p, i, j - i, "metric") || word_is(p, i, j - i, "metrics");

		if (word_is(p, i, j - i, "attribute"))
		{
			i = j + 1;
			j = i;
			while (j < p->len && is_word(p->s[j]))
				j++;
			if (j == i)
				return fail_found(p, i, "an attribute key: name, version_number, run_id, source_path, version, stage, alias or project", "an attribute key");
			/* falls through to the attribute keys below */
		}
		else if (tag || metric)
		{
			k = j + 1;
			if (k < p->len && (p->s[k] == '`' || p->s[k] == '"'))
			{
				if ((st = scan_quoted(p, k, tag ? "tag key" : "metric name", end, &n->key, &klen)) != LX_OK)
					return st;
			}
			else
			{
				for (j = k; j < p->len && (is_word(p->s[j]) || p->s[j] == '.'); j++)
					;
				if (j == k)
					return fail_found(p, k, tag ? "a tag key, bare (letters, digits, _ and .) or `quoted`"
									  : "a metric name, bare (letters, digits, _ and .) or `quoted`",
									  tag ? "a tag key" : "a metric name");
				if (j - k > MF_MAX_VALUE)
					return fail(p, k, VALUE_LIMIT_EXPECTED, "key longer than %d bytes", MF_MAX_VALUE);
				if ((n->key = lx_dup(p->mem, p->s + k, j - k)) == NULL)
					return lx_nomem(p->err);
				klen = j - k;
				*end = j;
			}
			if (klen == 0)
				return fail(p, k, "a key of at least one character", "empty %s", tag ? "tag key" : "metric name");
			n->field = tag ? MF_TAG : MF_METRIC;
			return LX_OK;
		}
		else
		{
			char		exp[300];

			snprintf(exp, sizeof(exp), "one of the entity types attribute, tag, tags, metric, metrics");
			return fail(p, i, exp, "invalid entity type \"%.*s\"", (int) (j - i > 64 ? 64 : j - i), p->s + i);
		}
	}
	for (a = 0; a < sizeof(attributes) / sizeof(attributes[0]); a++)
		if (word_is(p, i, j - i, attributes[a].name))
		{
			n->field = attributes[a].field;
			*end = j;
			return LX_OK;
		}
	return fail(p, i, "one of the attributes name, version_number, run_id, source_path, version, stage, alias, project",
				"invalid attribute key \"%.*s\"", (int) (j - i > 64 ? 64 : j - i), p->s + i);
}

/* ---- comparisons ------------------------------------------------------ */

/* the comparator at i: static text and byte length, or NULL */
static const char *
scan_comparator(const P *p, size_t i, size_t *len)
{
	size_t		k;

	if (i >= p->len)
		return NULL;
	switch (p->s[i])
	{
		case '=':
			*len = 1;
			return (i + 1 < p->len && p->s[i + 1] == '=') ? NULL : "=";
		case '!':
			*len = 2;
			return (i + 1 < p->len && p->s[i + 1] == '=') ? "!=" : NULL;
		case '<':
			*len = 2;
			if (i + 1 < p->len && p->s[i + 1] == '=')
				return "<=";
			if (i + 1 < p->len && p->s[i + 1] == '@')
				return "<@";
			if (i + 1 < p->len && p->s[i + 1] == '>')
				return NULL;
			*len = 1;
			return "<";
		case '>':
			*len = 2;
			if (i + 1 < p->len && p->s[i + 1] == '=')
				return ">=";
			*len = 1;
			return ">";
	}
	if (keyword_at(p, i, "LIKE"))
	{
		*len = 4;
		return "LIKE";
	}
	if (keyword_at(p, i, "ILIKE"))
	{
		*len = 5;
		return "ILIKE";
	}
	if (keyword_at(p, i, "IN"))
	{
		*len = 2;
		return "IN";
	}
	if (keyword_at(p, i, "NOT"))
	{
		k = skip_space(p, i + 3);
		if (k > i + 3 && keyword_at(p, k, "IN"))
		{
			*len = k + 2 - i;
			return "NOT IN";
		}
	}
	return NULL;
}

static bool
op_in(const char *op, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(op, *set) == 0)
			return true;
	return false;
}

/* a quoted string value at i (' or ") into n->value */
static LxStatus
scan_string(P *p, size_t i, size_t *end, MfNode *n, size_t *vlen)
{
	if (i >= p->len || (p->s[i] != '\'' && p->s[i] != '"'))
		return fail_found(p, i, STRING_EXPECTED, "a quoted string");
	n->vkind = MF_STRING;
	return scan_quoted(p, i, "string", end, &n->value, vlen);
}

/* ('a', 'b', ...) at i */
static LxStatus
scan_list(P *p, size_t i, size_t *end, MfNode *n)
{
	size_t		j,
				e,
				l;
	char	   *v;
	int			cap = 0;
	LxStatus	st;

	if (i >= p->len || p->s[i] != '(')
		return fail_found(p, i, LIST_EXPECTED, "a parenthesised list of quoted strings");
	n->vkind = MF_LIST;
	j = skip_space(p, i + 1);
	for (;;)
	{
		if (j >= p->len || (p->s[j] != '\'' && p->s[j] != '"'))
			return fail_found(p, j, LIST_EXPECTED, "a quoted string");
		if (n->nvalues == MF_MAX_LIST)
			return fail(p, j, "a list of at most 1000 values", "too many values in the list");
		if ((st = scan_quoted(p, j, "string", &e, &v, &l)) != LX_OK)
			return st;
		if (n->nvalues == cap)
		{
			int			nc = cap ? cap * 2 : 4;
			char	  **nv = n->values ? p->mem->realloc(n->values, sizeof(char *) * (size_t) nc, p->mem->ctx)
				: p->mem->alloc(sizeof(char *) * (size_t) nc, p->mem->ctx);

			if (nv == NULL)
			{
				p->mem->free(v, p->mem->ctx);
				return lx_nomem(p->err);
			}
			n->values = nv;
			cap = nc;
		}
		n->values[n->nvalues++] = v;
		j = skip_space(p, e);
		if (j < p->len && p->s[j] == ',')
		{
			j = skip_space(p, j + 1);
			continue;
		}
		if (j < p->len && p->s[j] == ')')
		{
			*end = j + 1;
			return LX_OK;
		}
		return fail_found(p, j, ", or ) in the list", ", or )");
	}
}

/* the semver (or range, for <@) of a version comparison whose string is at q */
static LxStatus
check_semver(P *p, size_t q, MfNode *n, size_t vlen)
{
	SvError		serr;
	char		msg[200];
	size_t		off;

	memset(&serr, 0, sizeof(serr));
	if (strcmp(n->op, "<@") == 0)
	{
		LxArena		a = {p->mem, NULL, false};
		SvRange    *r = sv_range_parse(n->value, vlen, lx_arena_alloc, &a, &serr);

		lx_arena_free(&a);
		if (r != NULL)
			return LX_OK;
		if (a.failed)
			return lx_nomem(p->err);
	}
	else
	{
		SvVersion	v;

		if (sv_parse_strict(n->value, vlen, &v, &serr))
			return LX_OK;
	}
	if (serr.offset > vlen)
		serr.offset = vlen;
	off = lx_quoted_offset(p->s, p->len, q, serr.offset);
	snprintf(msg, sizeof(msg), "%s", serr.msg ? serr.msg : "Invalid");
	if (msg[0] >= 'A' && msg[0] <= 'Z')
		msg[0] = (char) (msg[0] - 'A' + 'a');
	if (strcmp(n->op, "<@") == 0)
		return fail(p, off, "a semver range such as '^2.1', '~1.4', '>=1.2 <2' or '1.x'",
					"invalid version range: %s", msg);
	return fail(p, off, "a semantic version such as '2.1.0' (or <@ with a range such as '^2.1')",
				"invalid version: %s", msg);
}

static LxStatus
parse_comparison(P *p, size_t i, size_t *end, int depth)
{
	static const char *const string_ops[] = {"=", "!=", "LIKE", "ILIKE", "IN", "NOT IN", NULL};
	static const char *const tag_ops[] = {"=", "!=", "LIKE", "ILIKE", NULL};
	static const char *const number_ops[] = {"=", "!=", "<", "<=", ">", ">=", NULL};
	static const char *const version_ops[] = {"=", "!=", "<", "<=", ">", ">=", "<@", NULL};
	MfNode	   *n;
	size_t		j,
				oplen,
				vlen = 0,
				vstart;
	const char *ops;
	LxStatus	st;

	if (p->ncompare == MF_MAX_COMPARISONS)
		return fail(p, i, "a filter of at most 200 comparisons", "too many comparisons");
	p->ncompare++;
	if ((n = new_node(p, MF_COMPARE, i, depth)) == NULL)
		return lx_nomem(p->err);
	/* n stays valid: no node is added until this one is complete */
	if ((st = parse_identifier(p, i, &j, n)) != LX_OK)
		return st;
	j = skip_space(p, j);
	n->op = scan_comparator(p, j, &oplen);
	switch (n->field)
	{
		case MF_TAG:
			ops = TAG_OPS;
			break;
		case MF_METRIC:
		case MF_VERSION_NUMBER:
			ops = NUMBER_OPS;
			break;
		case MF_VERSION:
			ops = VERSION_OPS;
			break;
		default:
			ops = STRING_OPS;
	}
	if (n->op == NULL)
	{
		char		exp[200];

		snprintf(exp, sizeof(exp), "one of %s after %s", ops, mf_field_name(n->field));
		return fail_found(p, j, exp, "a comparator");
	}
	if (!op_in(n->op, n->field == MF_TAG ? tag_ops :
			   (n->field == MF_METRIC || n->field == MF_VERSION_NUMBER) ? number_ops :
			   n->field == MF_VERSION ? version_ops : string_ops))
	{
		char		exp[200];

		snprintf(exp, sizeof(exp), "one of %s", ops);
		return fail(p, j, exp, "invalid comparator %s for %s", n->op, mf_field_name(n->field));
	}
	j = skip_space(p, j + oplen);
	vstart = j;
	switch (n->field)
	{
		case MF_METRIC:
			st = scan_number(p, j, end, n);
			break;
		case MF_VERSION_NUMBER:
			/* MLflow reads int(value): a number, or a quoted whole number */
			if (j < p->len && (p->s[j] == '\'' || p->s[j] == '"'))
			{
				size_t		k;
				char	   *e;

				if ((st = scan_string(p, j, end, n, &vlen)) != LX_OK)
					return st;
				for (k = 0; k < vlen && is_digit(n->value[k]); k++)
					;
				if (vlen == 0 || k < vlen || vlen > 18)
					return fail(p, j, "a whole number such as 3 or '3'", "invalid version_number");
				n->number = strtod(n->value, &e);
				n->vkind = MF_NUMBER;
			}
			else if (j < p->len && p->s[j] == '(')
				return fail(p, j, NUMBER_EXPECTED, "a list of values needs IN or NOT IN, which version_number does not take");
			else
				st = scan_number(p, j, end, n);
			break;
		case MF_TAG:
		case MF_VERSION:
			if (j < p->len && p->s[j] != '\'' && p->s[j] != '"')
			{
				if (p->s[j] == '(' || is_digit(p->s[j]) || p->s[j] == '-' || p->s[j] == '.')
					return fail(p, j, STRING_EXPECTED, "%s needs a quoted string value",
								n->field == MF_TAG ? "a tag" : "version");
			}
			st = scan_string(p, j, end, n, &vlen);
			if (st == LX_OK && n->field == MF_VERSION)
				st = check_semver(p, vstart, n, vlen);
			break;
		default:
			if (strcmp(n->op, "IN") == 0 || strcmp(n->op, "NOT IN") == 0)
				st = scan_list(p, j, end, n);
			else if (j < p->len && p->s[j] == '(')
				return fail(p, j, STRING_EXPECTED, "a list of values needs IN or NOT IN");
			else if (j < p->len && (is_digit(p->s[j]) || p->s[j] == '-' || p->s[j] == '+' || p->s[j] == '.'))
				return fail(p, j, STRING_EXPECTED,
							"only version_number and metrics compare with numbers; %s needs a quoted string",
							mf_field_name(n->field));
			else
				st = scan_string(p, j, end, n, &vlen);
	}
	return st;
}

/* ---- expressions ------------------------------------------------------ */

static LxStatus parse_or(P *p, size_t i, size_t *end, int depth);

static LxStatus
parse_unary(P *p, size_t i, size_t *end, int depth)
{
	LxStatus	st;
	size_t		j;
	MfNode	   *n;

	i = skip_space(p, i);
	if ((keyword_at(p, i, "NOT") || (i < p->len && p->s[i] == '(')) && p->nest == MF_MAX_DEPTH)
		return fail(p, i, "at most 32 nested parentheses and NOTs", "filter nested too deeply");
	if (keyword_at(p, i, "NOT"))
	{
		p->nest++;
		st = parse_unary(p, i + 3, end, depth + 1);
		p->nest--;
		if (st != LX_OK)
			return st;
		if ((n = new_node(p, MF_NOT, i, depth)) == NULL)
			return lx_nomem(p->err);
		n->nargs = 1;
		return LX_OK;
	}
	if (i < p->len && p->s[i] == '(')
	{
		p->nest++;
		st = parse_or(p, i + 1, &j, depth);
		p->nest--;
		if (st != LX_OK)
			return st;
		j = skip_space(p, j);
		if (j >= p->len || p->s[j] != ')')
			return fail_found(p, j, "AND, OR or )", "AND, OR or )");
		*end = j + 1;
		return LX_OK;
	}
	return parse_comparison(p, i, end, depth);
}

/* add delta to the depth of nodes from on */
static void
shift_depth(P *p, int from, int delta)
{
	int			k;

	for (k = from; k < p->f->nnodes; k++)
		p->f->nodes[k].depth += delta;
}

typedef LxStatus (*ParseFn) (P *p, size_t i, size_t *end, int depth);

/*
 * One level of AND (or of OR): operands, read by operand and separated by
 * the keyword kw, are parsed at depth + 1 and get their node of kind here
 * once there are two; a single operand takes this depth.
 */
static LxStatus
parse_joined(P *p, size_t i, size_t *end, int depth, const char *kw, MfKind kind, ParseFn operand)
{
	LxStatus	st;
	size_t		j,
				at = 0;
	int			first = p->f->nnodes,
				nargs = 1;
	MfNode	   *n;

	if ((st = operand(p, i, &j, depth)) != LX_OK)
		return st;
	for (;;)
	{
		size_t		k = skip_space(p, j);

		if (!keyword_at(p, k, kw))
			break;
		if (nargs == 1)
		{
			shift_depth(p, first, 1);
			at = k;
		}
		if ((st = operand(p, k + strlen(kw), &j, depth + 1)) != LX_OK)
			return st;
		nargs++;
	}
	if (nargs > 1)
	{
		if ((n = new_node(p, kind, at, depth)) == NULL)
			return lx_nomem(p->err);
		n->nargs = nargs;
	}
	*end = j;
	return LX_OK;
}

static LxStatus
parse_and(P *p, size_t i, size_t *end, int depth)
{
	return parse_joined(p, i, end, depth, "AND", MF_AND, parse_unary);
}

static LxStatus
parse_or(P *p, size_t i, size_t *end, int depth)
{
	return parse_joined(p, i, end, depth, "OR", MF_OR, parse_and);
}

/* ---- entry points ----------------------------------------------------- */

void
mf_free(MfFilter *f, LxMem *mem)
{
	int			i;

	if (f->nodes)
	{
		for (i = 0; i < f->nnodes; i++)
			node_free(&f->nodes[i], mem);
		mem->free(f->nodes, mem->ctx);
	}
	f->nodes = NULL;
	f->nnodes = 0;
}

LxStatus
mf_parse(const char *s, size_t len, LxMem *mem, MfFilter *f, LxError *err)
{
	P			p;
	size_t		i,
				end;
	LxStatus	st;

	memset(err, 0, sizeof(*err));
	f->nnodes = 0;
	f->nodes = NULL;
	p.s = s;
	p.len = len;
	p.mem = mem;
	p.err = err;
	p.f = f;
	p.cap = 0;
	p.ncompare = 0;
	p.nest = 0;

	if (len > MF_MAX_FILTER)
		return fail(&p, 0, "a filter of at most 20000 bytes", "filter too long (%zu bytes)", len);
	for (i = 0; i < len;)
	{
		uint32_t	cp;
		int			l = lx_u8_decode(s + i, len - i, &cp);

		if (l == 0)
		{
			/* the position counts characters of the valid text before it */
			p.len = i;
			st = fail(&p, i, "UTF-8 text", "invalid UTF-8");
			return st;
		}
		if ((cp < 0x20 && !is_space((char) cp)) || cp == 0x7F)
			return fail(&p, i, "printable text", "control character U+%04X in the filter", (unsigned) cp);
		i += (size_t) l;
	}
	i = skip_space(&p, 0);
	if (i == len)
		return LX_OK;			/* empty: every version */
	st = parse_or(&p, i, &end, 0);
	if (st == LX_OK)
	{
		end = skip_space(&p, end);
		if (end < len)
		{
			if (p.s[end] == ')')
				st = fail(&p, end, CONNECT_EXPECTED, "unbalanced )");
			else
				st = fail_found(&p, end, CONNECT_EXPECTED, "AND, OR or the end of the filter");
		}
	}
	if (st != LX_OK)
	{
		mf_free(f, mem);
		return st;
	}
	return LX_OK;
}
