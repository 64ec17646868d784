/*
 * lex.c: characters, errors, memory and quoted texts for the backend-free
 * parsers (see lex.h).  Inputs are bounded by each parser's length limit,
 * so no loop here needs a cancel check.
 */
#include "lex.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- characters ------------------------------------------------------- */

int
lx_u8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *) str;
	uint32_t	c;
	int			l,
				i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
	{
		l = 2;
		c &= 0x1F;
	}
	else if (c < 0xF0)
	{
		l = 3;
		c &= 0x0F;
	}
	else if (c < 0xF5)
	{
		l = 4;
		c &= 0x07;
	}
	else
		return 0;
	if (n < (size_t) l)
		return 0;
	for (i = 1; i < l; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates and code points past U+10FFFF are not UTF-8 */
	if ((l == 3 && c < 0x800) || (l == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
		(c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return l;
}

int
lx_charpos(const char *s, size_t len, size_t off)
{
	int			n = 1;
	size_t		i;

	/* count the bytes that start a character */
	for (i = 0; i < off && i < len; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

void
lx_found(const char *s, size_t len, size_t off, size_t n, char *buf, size_t size)
{
	uint32_t	cp;
	int			l;

	if (off >= len)
	{
		snprintf(buf, size, "end of input");
		return;
	}
	if (n == 0)
	{
		/* a byte that starts no valid character is shown alone */
		l = lx_u8_decode(s + off, len - off, &cp);
		n = l > 0 ? (size_t) l : 1;
	}
	snprintf(buf, size, "\"%.*s\"", (int) n, s + off);
}

/* ---- errors ----------------------------------------------------------- */

LxStatus
lx_fail(LxError *err, const char *s, size_t len, size_t off, const char *expected, const char *fmt,...)
{
	va_list		ap;

	err->status = LX_ERR_SYNTAX;
	err->off = off;
	err->pos = lx_charpos(s, len, off);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->expected, sizeof(err->expected), "%s", expected ? expected : "");
	return LX_ERR_SYNTAX;
}

LxStatus
lx_nomem(LxError *err)
{
	err->status = LX_ERR_NOMEM;
	err->off = 0;
	err->pos = 0;
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	err->expected[0] = '\0';
	return LX_ERR_NOMEM;
}

/* ---- memory ----------------------------------------------------------- */

char *
lx_dup(LxMem *mem, const char *s, size_t n)
{
	char	   *d = mem->alloc(n + 1, mem->ctx);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void *
lx_arena_alloc(void *arena, size_t size)
{
	LxArena    *a = arena;
	LxArenaHdr *h = NULL;

	if (size <= SIZE_MAX - sizeof(LxArenaHdr))
		h = a->mem->alloc(sizeof(LxArenaHdr) + size, a->mem->ctx);
	if (h == NULL)
	{
		a->failed = true;
		return NULL;
	}
	h->next = a->head;
	a->head = h;
	return h + 1;
}

void
lx_arena_free(LxArena *a)
{
	while (a->head)
	{
		LxArenaHdr *h = a->head;

		a->head = h->next;
		a->mem->free(h, a->mem->ctx);
	}
}

/* ---- numbers ---------------------------------------------------------- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t
lx_number_end(const char *s, size_t len, size_t i)
{
	size_t		j = i,
				k;
	bool		digits = false;

	if (j < len && (s[j] == '+' || s[j] == '-'))
		j++;
	for (; j < len && is_digit(s[j]); j++)
		digits = true;
	if (j < len && s[j] == '.')
		for (j++; j < len && is_digit(s[j]); j++)
			digits = true;
	if (!digits)
		return i;
	/* an exponent only with its digits: "1e" is the number 1 and a letter */
	if (j < len && (s[j] == 'e' || s[j] == 'E'))
	{
		k = j + 1;
		if (k < len && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < len && is_digit(s[k]))
		{
			while (k < len && is_digit(s[k]))
				k++;
			j = k;
		}
	}
	return j;
}

bool
lx_number_value(const char *v, double *d)
{
	char	   *e;

	errno = 0;
	*d = strtod(v, &e);
	return *e == '\0' && isfinite(*d) &&
		!(errno == ERANGE && (*d == 0.0 || *d > DBL_MAX || *d < -DBL_MAX));
}

/* ---- quoted texts ----------------------------------------------------- */

bool
lx_quoted_end(const char *s, size_t len, size_t q, size_t *end, size_t *n)
{
	char		quote = s[q];
	size_t		i = q + 1;

	*n = 0;
	for (;;)
	{
		if (i >= len)
			return false;
		if (s[i] == quote)
		{
			if (i + 1 < len && s[i + 1] == quote)
			{
				i += 2;
				(*n)++;
				continue;
			}
			break;
		}
		i++;
		(*n)++;
	}
	*end = i + 1;
	return true;
}

char *
lx_unquote(LxMem *mem, const char *s, size_t q, size_t end, size_t n)
{
	char	   *d = mem->alloc(n + 1, mem->ctx);
	size_t		i,
				k = 0;

	if (d == NULL)
		return NULL;
	for (i = q + 1; i + 1 < end; i++)
	{
		d[k++] = s[i];
		if (s[i] == s[q])
			i++;
	}
	d[k] = '\0';
	return d;
}

size_t
lx_quoted_offset(const char *s, size_t len, size_t q, size_t k)
{
	size_t		i = q + 1,
				n;

	for (n = 0; n < k && i < len; n++)
		i += (s[i] == s[q]) ? 2 : 1;
	return i;
}
