/*
 * harness.c: the pieces the parser harnesses share (see harness.h).
 */
#include "harness.h"

#include <stdint.h>
#include <string.h>

long		fail_at = -1;
long		nallocs;

static void *
f_alloc(size_t n, void *c)
{
	(void) c;
	if (fail_at >= 0 && nallocs++ == fail_at)
		return NULL;
	return malloc(n ? n : 1);
}

static void *
f_realloc(void *p, size_t n, void *c)
{
	(void) c;
	if (fail_at >= 0 && nallocs++ == fail_at)
		return NULL;
	return realloc(p, n ? n : 1);
}

static void
f_free(void *p, void *c)
{
	(void) c;
	free(p);
}

LxMem		fuzz_mem = {f_alloc, f_realloc, f_free, NULL};

int
valid_utf8(const char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = (unsigned char) s[i];
		uint32_t	cp;
		int			l, k;

		if (c == 0)
			return 0;
		if (c < 0x80) { i++; continue; }
		if (c < 0xC2 || c > 0xF4)
			return 0;
		l = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (i + (size_t) l > n)
			return 0;
		cp = c & (0x7F >> l);
		for (k = 1; k < l; k++)
		{
			if (((unsigned char) s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | ((unsigned char) s[i + k] & 0x3F);
		}
		if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
			(cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += (size_t) l;
	}
	return 1;
}

int
charpos(const char *s, size_t off)
{
	int			n = 1;
	size_t		i;

	for (i = 0; i < off; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

void
put(Buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
	{
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		CHECK(b->s != NULL);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
puts_(Buf *b, const char *s)
{
	put(b, s, strlen(s));
}

void
put_quoted(Buf *b, const char *s, char q)
{
	put(b, &q, 1);
	for (; *s; s++)
	{
		put(b, s, 1);
		if (*s == q)
			put(b, s, 1);
	}
	put(b, &q, 1);
}
