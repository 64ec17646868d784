/*
 * lex.h: what the backend-free parsers of query languages share (the search
 * query language, search_parse.c; MLflow filter strings, mlflow_filter.c):
 * the caller's allocator, the error they report, UTF-8 decoding, character
 * positions and quoted texts.
 *
 * Plain C99 (no postgres.h, no palloc, no ereport), so that the libFuzzer
 * harnesses link it standalone; lex_backend.h is the backend's side (an
 * LxMem over a memory context, an LxError as an ereport()).  Every function
 * takes the parsed text as s[0..len) (need not be NUL-terminated) and byte
 * offsets into it.
 */
#ifndef MREG_LEX_H
#define MREG_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct LxMem
{
	/* alloc and realloc return NULL on failure (a backend may throw instead) */
	void	   *(*alloc) (size_t size, void *ctx);
	void	   *(*realloc) (void *ptr, size_t size, void *ctx);
	void		(*free) (void *ptr, void *ctx);
	void	   *ctx;
} LxMem;

typedef enum LxStatus
{
	LX_OK = 0,
	LX_ERR_SYNTAX,				/* malformed text or past a limit: pos, msg, expected */
	LX_ERR_NOMEM				/* the allocator returned NULL */
} LxStatus;

typedef struct LxError
{
	LxStatus	status;
	int			pos;			/* 1-based character position of the error */
	size_t		off;			/* the same as a byte offset (may equal the length: end of input) */
	char		msg[256];		/* what is wrong, lower case, no period */
	char		expected[512];	/* what would be right, "" when nothing useful */
} LxError;

/* ---- characters ---- */

/* the UTF-8 character at s[0..n): its length (*cp its code point), or 0 when not valid UTF-8 */
int			lx_u8_decode(const char *s, size_t n, uint32_t *cp);

/* 1-based character position of byte offset off (the text before it is valid UTF-8) */
int			lx_charpos(const char *s, size_t len, size_t off);

/*
 * What is at off, for a message: "end of input", else the n bytes at off in
 * double quotes, or the one character there when n is 0.
 */
void		lx_found(const char *s, size_t len, size_t off, size_t n, char *buf, size_t size);

/* ---- errors ---- */

/* a syntax error at off: msg from fmt, expected (NULL: none); returns LX_ERR_SYNTAX */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
LxStatus	lx_fail(LxError *err, const char *s, size_t len, size_t off,
					const char *expected, const char *fmt,...);

/* an allocation failed; returns LX_ERR_NOMEM */
LxStatus	lx_nomem(LxError *err);

/* ---- memory ---- */

/* s[0..n) as a NUL-terminated copy from mem, or NULL */
char	   *lx_dup(LxMem *mem, const char *s, size_t n);

/*
 * An allocator in the shape of SvAllocFn (semver_range.h) for a parser that
 * never frees (sv_range_parse): everything it got from mem is freed together
 * by lx_arena_free.  Start with {mem, NULL, false}; failed says an
 * allocation returned NULL.
 */
typedef union LxArenaHdr
{
	union LxArenaHdr *next;
	uint64_t	u;				/* the header keeps what follows aligned */
	double		d;
} LxArenaHdr;

typedef struct LxArena
{
	LxMem	   *mem;
	LxArenaHdr *head;
	bool		failed;
} LxArena;

void	   *lx_arena_alloc(void *arena, size_t size);
void		lx_arena_free(LxArena *a);

/* ---- numbers ---- */

/*
 * The offset after the longest number at i: [+-] digits [. digits] or
 * [+-] . digits, then an optional exponent e[+-]digits; i when there is none.
 */
size_t		lx_number_end(const char *s, size_t len, size_t i);

/*
 * The NUL-terminated text of such a number as a double in *d: false when it
 * is out of float8's range (overflow, or underflow to zero: float8in's rules).
 */
bool		lx_number_value(const char *v, double *d);

/* ---- quoted texts ---- */

/*
 * The quoted text at q, its quote character s[q] (doubled, it stands for
 * itself): false when it is not closed, else *end is the offset after the
 * closing quote and *n the length unquoted.
 */
bool		lx_quoted_end(const char *s, size_t len, size_t q, size_t *end, size_t *n);

/* the text of lx_quoted_end(s, len, q, &end, &n) unquoted, a copy from mem, or NULL */
char	   *lx_unquote(LxMem *mem, const char *s, size_t q, size_t end, size_t n);

/* the offset in s of byte k of the unquoted text of the quoted text at q */
size_t		lx_quoted_offset(const char *s, size_t len, size_t q, size_t k);

#endif							/* MREG_LEX_H */
