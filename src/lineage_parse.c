/*
 * lineage_parse.c: text grammar of mreg.lineage (backend-free, see
 * lineage_parse.h): node canonicalization, graph text parsing and the
 * canonical text output, node families and project-relative renaming.
 * Long loops call MREG_CHECK_INTERRUPTS(); all memory comes from LinMem.
 */
#include "lineage_parse.h"
#include "mreg_interrupt.h"

#include <stdio.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------- */

typedef struct Buf
{
	LinMem	   *mem;
	char	   *data;
	size_t		len, cap;
} Buf;

static int
buf_reserve(Buf *b, size_t extra)
{
	size_t		need = b->len + extra + 1;
	size_t		cap;
	char	   *p;

	if (need <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = b->data ? b->mem->realloc(b->data, cap, b->mem->ctx) : b->mem->alloc(cap, b->mem->ctx);
	if (p == NULL)
		return 0;
	b->data = p;
	b->cap = cap;
	return 1;
}

static int
buf_put(Buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return 0;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 1;
}

static inline int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* characters of a bare project (and of the token read where a kind is expected) */
static inline int
is_projchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '.' || c == '-';
}

/* may c appear in a bare name (the "->" pair is checked separately)? */
static inline int
is_barechar(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != ';' && c != '"';
}

static inline int
is_arrow(const char *s, size_t len, size_t p)
{
	return p + 1 < len && s[p] == '-' && s[p + 1] == '>';
}

static LinStatus
syntax(LinError *err, size_t pos, const char *msg, const char *hint)
{
	err->status = LIN_ERR_SYNTAX;
	err->pos = pos;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
	return LIN_ERR_SYNTAX;
}

static LinStatus
nodelen(LinError *err, size_t pos)
{
	err->status = LIN_ERR_NODELEN;
	err->pos = pos;
	snprintf(err->msg, sizeof(err->msg), "node longer than %d bytes", LIN_MAX_NODE);
	err->hint[0] = '\0';
	return LIN_ERR_NODELEN;
}

static LinStatus
nomem(LinError *err)
{
	err->status = LIN_ERR_NOMEM;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	err->hint[0] = '\0';
	return LIN_ERR_NOMEM;
}

static int
name_needs_quotes(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++)
	{
		if (!is_barechar((unsigned char) s[i]) || is_arrow(s, len, i))
			return 1;
	}
	return 0;
}

static int
proj_needs_quotes(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++)
		if (!is_projchar((unsigned char) s[i]))
			return 1;
	return 0;
}

/* append content (unquoted) to b, quoting it when asked */
static int
put_maybe_quoted(Buf *b, const char *s, size_t len, int quote)
{
	size_t		i, start;

	if (!quote)
		return buf_put(b, s, len);
	if (!buf_put(b, "\"", 1))
		return 0;
	start = 0;
	for (i = 0; i < len; i++)
	{
		if (s[i] == '"')
		{
			if (!buf_put(b, s + start, i + 1 - start))
				return 0;
			if (!buf_put(b, "\"", 1))
				return 0;
			start = i + 1;
		}
	}
	return buf_put(b, s + start, len - start) && buf_put(b, "\"", 1);
}

/*
 * Read a quoted string starting at s[*pos] == '"'; append its content
 * (unescaped) to tmp, leave *pos after the closing quote.  Content longer
 * than LIN_MAX_NODE is refused early (LIN_ERR_NODELEN at node_start), so a
 * huge quoted name is never copied.
 */
static LinStatus
read_quoted(const char *s, size_t len, size_t *pos, Buf *tmp, const char *what, size_t node_start, LinError *err)
{
	size_t		open = *pos;
	size_t		p = open + 1;
	size_t		start = p;
	char		msg[120];

	for (;;)
	{
		if (tmp->len + (p - start) > LIN_MAX_NODE)
			return nodelen(err, node_start);
		if (p >= len)
		{
			snprintf(msg, sizeof(msg), "unterminated quoted %s", what);
			return syntax(err, open, msg, "A quote inside a quoted name is written twice (\"\").");
		}
		if (s[p] == '\0')
			return syntax(err, p, "NUL byte in a quoted name", NULL);
		if (s[p] == '"')
		{
			if (!buf_put(tmp, s + start, p - start))
				return nomem(err);
			if (p + 1 < len && s[p + 1] == '"')
			{
				if (!buf_put(tmp, "\"", 1))
					return nomem(err);
				p += 2;
				start = p;
				continue;
			}
			*pos = p + 1;
			return LIN_OK;
		}
		p++;
	}
}

/*
 * Parse one node at s[*pos] (no leading white space) and append its
 * canonical text to out.  *pos is left after the node.
 */
static LinStatus
parse_node(const char *s, size_t len, size_t *pos, Buf *out, Buf *tmp, LinError *err)
{
	size_t		p = *pos;
	size_t		start = out->len;
	size_t		tok, toklen;
	size_t		kind, kindlen;
	size_t		i;
	LinStatus	st;
	char		msg[200];

	tmp->len = 0;
	if (p >= len || s[p] == ';' || is_arrow(s, len, p))
		return syntax(err, p, "expected a node (kind:name)", NULL);

	/* optional project prefix */
	if (s[p] == '"')
	{
		size_t		q = p;

		st = read_quoted(s, len, &p, tmp, "project", *pos, err);
		if (st != LIN_OK)
			return st;
		if (p >= len || s[p] != '/')
			return syntax(err, q, "a quoted project must be followed by \"/\"",
						  "Node kinds are never quoted; write project/kind:name or kind:\"name\".");
		if (tmp->len == 0)
			return syntax(err, q, "empty project name", NULL);
		if (!put_maybe_quoted(out, tmp->data, tmp->len, proj_needs_quotes(tmp->data, tmp->len)) ||
			!buf_put(out, "/", 1))
			return nomem(err);
		p++;
	}
	else
	{
		tok = p;
		while (p < len && is_projchar((unsigned char) s[p]) && !is_arrow(s, len, p))
			p++;
		toklen = p - tok;
		if (p < len && s[p] == '/')
		{
			if (toklen == 0)
				return syntax(err, tok, "empty project name", NULL);
			if (!buf_put(out, s + tok, toklen) || !buf_put(out, "/", 1))
				return nomem(err);
			p++;
		}
		else
			p = tok;			/* no project: that token is the kind */
	}

	/* kind */
	kind = p;
	while (p < len && is_projchar((unsigned char) s[p]) && !is_arrow(s, len, p))
		p++;
	kindlen = p - kind;
	if (kindlen == 0)
	{
		if (p < len && s[p] == '"')
			return syntax(err, p, "node kinds are never quoted",
						  "Write kind:\"name\" to quote a name, or \"project\"/kind:name to quote a project.");
		if (p < len && s[p] == ':')
			return syntax(err, p, "expected a node kind before \":\"", NULL);
		return syntax(err, p, "expected a node (kind:name)", NULL);
	}
	if (!(s[kind] >= 'a' && s[kind] <= 'z'))
		return syntax(err, kind, "node kind must be a lower-case identifier ([a-z][a-z0-9_]*)", NULL);
	for (i = kind; i < p; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return syntax(err, i, "node kind must be a lower-case identifier ([a-z][a-z0-9_]*)", NULL);
	}
	if (p >= len || s[p] != ':')
	{
		snprintf(msg, sizeof(msg), "expected \":\" after node kind \"%.*s\"",
				 (int) (kindlen > 60 ? 60 : kindlen), s + kind);
		return syntax(err, p, msg, "A node is written kind:name, e.g. dataset:sales@2024-05.");
	}
	if (!buf_put(out, s + kind, kindlen) || !buf_put(out, ":", 1))
		return nomem(err);
	p++;

	/* name */
	if (p < len && s[p] == '"')
	{
		size_t		q = p;

		tmp->len = 0;
		st = read_quoted(s, len, &p, tmp, "name", *pos, err);
		if (st != LIN_OK)
			return st;
		if (tmp->len == 0)
			return syntax(err, q, "empty node name", NULL);
		if (!put_maybe_quoted(out, tmp->data, tmp->len, name_needs_quotes(tmp->data, tmp->len)))
			return nomem(err);
		if (p < len && !is_space((unsigned char) s[p]) && s[p] != ';' && !is_arrow(s, len, p))
			return syntax(err, p, "unexpected character after a quoted name",
						  "Quote the whole name: kind:\"name\".");
	}
	else
	{
		size_t		n = p;

		while (p < len && is_barechar((unsigned char) s[p]) && !is_arrow(s, len, p))
		{
			p++;
			if (out->len - start + (p - n) > LIN_MAX_NODE)
				return nodelen(err, *pos);
		}
		if (p == n)
			return syntax(err, p, "expected a node name after \":\"", NULL);
		if (p < len && s[p] == '"')
			return syntax(err, p, "a quote inside an unquoted name",
						  "Quote the whole name and double the quote: kind:\"a\"\"b\".");
		if (!buf_put(out, s + n, p - n))
			return nomem(err);
	}
	if (out->len - start > LIN_MAX_NODE)
		return nodelen(err, *pos);
	*pos = p;
	return LIN_OK;
}

static inline size_t
skip_space(const char *s, size_t len, size_t p)
{
	while (p < len && is_space((unsigned char) s[p]))
		p++;
	return p;
}

LinStatus
lin_canon_node(const char *s, size_t len, LinMem *mem, char **out, size_t *outlen, LinError *err)
{
	Buf			o = {mem, NULL, 0, 0};
	Buf			t = {mem, NULL, 0, 0};
	size_t		p;
	LinStatus	st;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	p = skip_space(s, len, 0);
	if (!buf_reserve(&o, 32) || !buf_reserve(&t, 32))
	{
		st = nomem(err);
		goto done;
	}
	st = parse_node(s, len, &p, &o, &t, err);
	if (st == LIN_OK)
	{
		p = skip_space(s, len, p);
		if (p < len)
		{
			if (is_arrow(s, len, p) || s[p] == ';')
				st = syntax(err, p, "expected a single node, found a graph",
							"To test for a subgraph, cast the operand to mreg.lineage.");
			else
				st = syntax(err, p, "unexpected character after the node", NULL);
		}
	}
done:
	if (t.data)
		mem->free(t.data, mem->ctx);
	if (st != LIN_OK)
	{
		if (o.data)
			mem->free(o.data, mem->ctx);
		return st;
	}
	*out = o.data;
	*outlen = o.len;
	return LIN_OK;
}

LinStatus
lin_parse(const char *s, size_t len, LinMem *mem, size_t prefix, char **out, size_t *outlen, LinError *err)
{
	LinBuilder	b;
	Buf			node = {mem, NULL, 0, 0};
	Buf			tmp = {mem, NULL, 0, 0};
	size_t		p = 0;
	uint32_t	prev, cur;
	LinStatus	st = LIN_OK;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	lin_builder_init(&b, mem);
	if (!buf_reserve(&node, 64) || !buf_reserve(&tmp, 64))
	{
		st = nomem(err);
		goto done;
	}
	for (;;)
	{
		MREG_CHECK_INTERRUPTS();
		p = skip_space(s, len, p);
		if (p >= len)
			break;
		if (s[p] == ';')
		{
			p++;
			continue;
		}
		node.len = 0;
		if ((st = parse_node(s, len, &p, &node, &tmp, err)) != LIN_OK)
			goto done;
		if ((st = lin_builder_node(&b, node.data, node.len, &prev, err)) != LIN_OK)
			goto done;
		for (;;)
		{
			MREG_CHECK_INTERRUPTS();
			p = skip_space(s, len, p);
			if (p >= len || s[p] == ';')
				break;
			if (!is_arrow(s, len, p))
			{
				st = syntax(err, p, "expected \"->\", \";\" or end of input",
							s[p] == '"' ? NULL : "Names with spaces, \";\", \"->\" or quotes are written kind:\"name\".");
				goto done;
			}
			p = skip_space(s, len, p + 2);
			node.len = 0;
			if ((st = parse_node(s, len, &p, &node, &tmp, err)) != LIN_OK)
				goto done;
			if ((st = lin_builder_node(&b, node.data, node.len, &cur, err)) != LIN_OK)
				goto done;
			if ((st = lin_builder_edge(&b, prev, cur, err)) != LIN_OK)
				goto done;
			prev = cur;
		}
	}
	st = lin_build(&b, prefix, out, outlen, err);
done:
	if (node.data)
		mem->free(node.data, mem->ctx);
	if (tmp.data)
		mem->free(tmp.data, mem->ctx);
	lin_builder_free(&b);
	return st;
}

/* ---- output ------------------------------------------------------------ */

/*
 * Canonical text: for each node in order, its edges "src -> dst", or the
 * node alone when it has no edge at all; statements joined by "; ".
 */
LinStatus
lin_text(const LinView *v, LinMem *mem, size_t prefix, char **out, size_t *outlen, LinError *err)
{
	uint8_t    *hasin = NULL;
	size_t		n = 0;
	size_t		stmts = 0;
	uint32_t	i, e;
	char	   *buf, *w;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	if (v->nnodes > 0)
	{
		hasin = mem->alloc(v->nnodes, mem->ctx);
		if (hasin == NULL)
			return nomem(err);
		memset(hasin, 0, v->nnodes);
		for (e = 0; e < v->nedges; e++)
			hasin[v->odst[e]] = 1;
	}
	for (i = 0; i < v->nnodes; i++)
	{
		size_t		l = v->noff[i + 1] - v->noff[i];

		MREG_CHECK_INTERRUPTS();
		if (v->ostart[i] == v->ostart[i + 1])
		{
			if (!hasin[i])
			{
				n += l;
				stmts++;
			}
			continue;
		}
		for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
		{
			uint32_t	d = v->odst[e];

			n += l + 4 + (v->noff[d + 1] - v->noff[d]);
			stmts++;
		}
	}
	if (stmts > 1)
		n += 2 * (stmts - 1);
	if (n > LIN_MAX_BODY)
	{
		if (hasin)
			mem->free(hasin, mem->ctx);
		err->status = LIN_ERR_TOOBIG;
		snprintf(err->msg, sizeof(err->msg), "lineage text would exceed 1 GB");
		return LIN_ERR_TOOBIG;
	}
	buf = mem->alloc(prefix + n + 1, mem->ctx);
	if (buf == NULL)
	{
		if (hasin)
			mem->free(hasin, mem->ctx);
		return nomem(err);
	}
	w = buf + prefix;
	stmts = 0;
	for (i = 0; i < v->nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(v, i, &l);

		MREG_CHECK_INTERRUPTS();
		if (v->ostart[i] == v->ostart[i + 1])
		{
			if (!hasin[i])
			{
				if (stmts++)
				{
					memcpy(w, "; ", 2);
					w += 2;
				}
				memcpy(w, t, l);
				w += l;
			}
			continue;
		}
		for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
		{
			size_t		dl;
			const char *d = lin_node(v, v->odst[e], &dl);

			if (stmts++)
			{
				memcpy(w, "; ", 2);
				w += 2;
			}
			memcpy(w, t, l);
			w += l;
			memcpy(w, " -> ", 4);
			w += 4;
			memcpy(w, d, dl);
			w += dl;
		}
	}
	*w = '\0';
	if (hasin)
		mem->free(hasin, mem->ctx);
	*out = buf;
	*outlen = prefix + n;
	return LIN_OK;
}

/* ---- node parts --------------------------------------------------------- */

/* length of a quoted string starting at s[0] == '"', or 0 if unterminated */
static size_t
quoted_len(const char *s, size_t len)
{
	size_t		p = 1;

	while (p < len)
	{
		if (s[p] == '"')
		{
			if (p + 1 < len && s[p + 1] == '"')
			{
				p += 2;
				continue;
			}
			return p + 1;
		}
		p++;
	}
	return 0;
}

int
lin_node_parts(const char *s, size_t len, LinNodeParts *parts)
{
	size_t		p = 0, t;

	memset(parts, 0, sizeof(*parts));
	if (len == 0)
		return 0;
	if (s[0] == '"')
	{
		t = quoted_len(s, len);
		if (t == 0 || t >= len || s[t] != '/')
			return 0;
		parts->proj_off = 0;
		parts->proj_len = t;
		parts->proj_quoted = 1;
		p = t + 1;
	}
	else
	{
		while (p < len && is_projchar((unsigned char) s[p]))
			p++;
		if (p < len && s[p] == '/')
		{
			parts->proj_len = p;
			p++;
		}
		else
			p = 0;
	}
	parts->kind_off = p;
	while (p < len && s[p] != ':')
		p++;
	if (p >= len)
		return 0;
	parts->kind_len = p - parts->kind_off;
	p++;
	parts->name_off = p;
	parts->name_len = len - p;
	parts->name_quoted = (p < len && s[p] == '"');
	return parts->kind_len > 0 && parts->name_len > 0;
}

size_t
lin_unquote(const char *s, size_t len, char *dst)
{
	size_t		i, n = 0;

	if (len < 2 || s[0] != '"')
	{
		memcpy(dst, s, len);
		return len;
	}
	for (i = 1; i + 1 < len; i++)
	{
		dst[n++] = s[i];
		if (s[i] == '"')
			i++;				/* skip the second quote of a pair */
	}
	return n;
}

/* ---- families ------------------------------------------------------------ */

/*
 * The family of canonical node text node[0..len) into o (reset first), with
 * name as scratch: 1 when it has one, 0 when not, -1 out of memory.  The
 * project and "kind:" are kept verbatim (they are canonical already); the
 * name is unquoted, cut at its last '@' and quoted again as the
 * canonicaliser does (put_maybe_quoted / name_needs_quotes).
 */
static int
family_into(const char *node, size_t len, Buf *o, Buf *name)
{
	LinNodeParts parts;
	size_t		nl, at;

	o->len = 0;
	if (!lin_node_parts(node, len, &parts))
		return 0;
	name->len = 0;
	if (!buf_reserve(name, parts.name_len))
		return -1;
	nl = lin_unquote(node + parts.name_off, parts.name_len, name->data);
	for (at = nl; at > 0 && name->data[at - 1] != '@'; at--)
		;
	if (at <= 1)
		return 0;				/* no '@', or nothing before it */
	at--;
	if (!buf_put(o, node, parts.name_off) ||
		!put_maybe_quoted(o, name->data, at, name_needs_quotes(name->data, at)))
		return -1;
	return 1;
}

LinStatus
lin_node_family(const char *node, size_t len, LinMem *mem, char **out, size_t *outlen, LinError *err)
{
	Buf			o = {mem, NULL, 0, 0};
	Buf			name = {mem, NULL, 0, 0};
	int			r;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	*out = NULL;
	*outlen = 0;
	r = family_into(node, len, &o, &name);
	if (name.data)
		mem->free(name.data, mem->ctx);
	if (r <= 0)
	{
		if (o.data)
			mem->free(o.data, mem->ctx);
		return r < 0 ? nomem(err) : LIN_OK;
	}
	*out = o.data;
	*outlen = o.len;
	return LIN_OK;
}

LinStatus
lin_has_family(const LinView *v, const char *q, size_t qlen, LinMem *mem, int *found, LinError *err)
{
	LinNodeParts qp;
	Buf			o = {mem, NULL, 0, 0};
	Buf			name = {mem, NULL, 0, 0};
	size_t		pre;
	uint32_t	lo = 0, hi = v->nnodes, i;
	LinStatus	st = LIN_OK;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	*found = 0;
	if (!lin_node_parts(q, qlen, &qp))
		return LIN_OK;
	/*
	 * A node of family q starts with q's "[project/]kind:" (kept verbatim),
	 * and so does q itself: those nodes are one range in node order.
	 */
	pre = qp.name_off;
	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;
		size_t		ml;
		const char *mt = lin_node(v, mid, &ml);

		if (lin_textcmp(mt, ml, q, pre) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < v->nnodes && !*found; i++)
	{
		size_t		l;
		const char *t = lin_node(v, i, &l);
		int			r;

		MREG_CHECK_INTERRUPTS();
		if (l < pre || memcmp(t, q, pre) != 0)
			break;
		if (l == qlen && memcmp(t, q, l) == 0)
		{
			*found = 1;
			break;
		}
		r = family_into(t, l, &o, &name);
		if (r < 0)
		{
			st = nomem(err);
			break;
		}
		if (r > 0 && o.len == qlen && memcmp(o.data, q, qlen) == 0)
			*found = 1;
	}
	if (o.data)
		mem->free(o.data, mem->ctx);
	if (name.data)
		mem->free(name.data, mem->ctx);
	return st;
}

/* ---- project-relative names ------------------------------------------------ */

static LinStatus
invalid(LinError *err, const char *msg)
{
	err->status = LIN_ERR_INVALID;
	err->pos = LIN_NOPOS;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	err->hint[0] = '\0';
	return LIN_ERR_INVALID;
}

#define SHOW_NODE 200

LinStatus
lin_relative(const LinView *v, const char *project, size_t projlen, LinMem *mem,
			 size_t prefix, char **out, size_t *outlen, LinError *err)
{
	Buf			pfx = {mem, NULL, 0, 0};
	LinBuilder	b;
	uint32_t   *ids = NULL;
	uint32_t	i, e;
	LinStatus	st = LIN_OK;

	err->status = LIN_OK;
	err->detail = NULL;
	err->hint[0] = '\0';
	if (projlen == 0)
		return invalid(err, "empty project name");
	if (memchr(project, '\0', projlen) != NULL)
		return invalid(err, "NUL byte in a project name");
	/* the project as a canonical node text writes it, with its "/" */
	if (!put_maybe_quoted(&pfx, project, projlen, proj_needs_quotes(project, projlen)) ||
		!buf_put(&pfx, "/", 1))
	{
		if (pfx.data)
			mem->free(pfx.data, mem->ctx);
		return nomem(err);
	}
	lin_builder_init(&b, mem);
	if (v->nnodes > 0 && !(ids = mem->alloc((size_t) v->nnodes * sizeof(uint32_t), mem->ctx)))
	{
		st = nomem(err);
		goto done;
	}
	for (i = 0; i < v->nnodes; i++)
	{
		size_t		l;
		const char *t = lin_node(v, i, &l);

		MREG_CHECK_INTERRUPTS();
		/*
		 * A canonical node starting with the prefix has exactly that project:
		 * a node without project starts with "kind:" (no '/'), and a quoted
		 * project ends at the first lone quote.
		 */
		if (l > pfx.len && memcmp(t, pfx.data, pfx.len) == 0)
		{
			t += pfx.len;
			l -= pfx.len;
		}
		if ((st = lin_builder_node(&b, t, l, &ids[i], err)) != LIN_OK)
			goto done;
		if (ids[i] != i)
		{
			/* node ids are 0, 1, ... while no two nodes merge: ids[i] is node ids[i] */
			size_t		al, bl;
			const char *a = lin_node(v, ids[i], &al);
			const char *c = lin_node(v, i, &bl);
			size_t		dl = 3 * SHOW_NODE + 64;

			invalid(err, "two nodes would become one");
			err->detail = mem->alloc(dl, mem->ctx);
			if (err->detail)
				snprintf(err->detail, dl, "\"%.*s\" and \"%.*s\" would both be \"%.*s\"",
						 (int) (al > SHOW_NODE ? SHOW_NODE : al), a,
						 (int) (bl > SHOW_NODE ? SHOW_NODE : bl), c,
						 (int) (l > SHOW_NODE ? SHOW_NODE : l), t);
			st = LIN_ERR_INVALID;
			goto done;
		}
	}
	for (i = 0; i < v->nnodes; i++)
	{
		MREG_CHECK_INTERRUPTS();
		for (e = v->ostart[i]; e < v->ostart[i + 1]; e++)
			if ((st = lin_builder_edge(&b, ids[i], ids[v->odst[e]], err)) != LIN_OK)
				goto done;
	}
	st = lin_build(&b, prefix, out, outlen, err);
done:
	if (ids)
		mem->free(ids, mem->ctx);
	mem->free(pfx.data, mem->ctx);
	lin_builder_free(&b);
	return st;
}
