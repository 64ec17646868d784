/*
 * harness.h: what the libFuzzer harnesses of the lex.h parsers share
 * (search_fuzz.c, mlflow_fuzz.c; linked as test/fuzz/harness.c): a check
 * that names the failed condition, an allocator that fails on demand, a
 * UTF-8 check and character positions of their own (so a parser is not its
 * own oracle), and a growing text buffer for writing a parse back.
 */
#ifndef MREG_FUZZ_HARNESS_H
#define MREG_FUZZ_HARNESS_H

#include "lex.h"

#include <stdio.h>
#include <stdlib.h>

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

/* fuzz_mem's allocation number fail_at (counted in nallocs) returns NULL; -1: none does */
extern long fail_at;
extern long nallocs;
extern LxMem fuzz_mem;

/* is s[0..n) strict UTF-8 without NUL? */
int			valid_utf8(const char *s, size_t n);

/* 1-based character position of byte offset off */
int			charpos(const char *s, size_t off);

typedef struct Buf
{
	char	   *s;				/* NUL-terminated once anything is put */
	size_t		len,
				cap;
} Buf;

void		put(Buf *b, const char *s, size_t n);
void		puts_(Buf *b, const char *s);

/* s between quote characters q, each q inside doubled */
void		put_quoted(Buf *b, const char *s, char q);

#endif							/* MREG_FUZZ_HARNESS_H */
