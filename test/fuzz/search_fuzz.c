/*
 * search_fuzz.c: libFuzzer harness for the search query parser.  For every
 * input: parse it; an error must be a syntax error whose position agrees
 * with its byte offset and whose texts are valid UTF-8.  A parse must keep
 * the limits (terms, value and key lengths), give increasing positions
 * within the input that agree with the byte offsets, valid UTF-8 values, and
 * the shape of each kind (fields from the list, metric names in lower case,
 * finite numbers, durations in range, no negated metric); the terms written
 * back as a query (every value quoted where the grammar allows) must parse to
 * the same terms, and that text must write back identically.  Then the same
 * input is parsed again with an allocator that fails at each allocation in
 * turn: the result is "out of memory", never a crash or a leak.
 *
 * fuzz-sources: test/fuzz/harness.c src/search_parse.c src/lex.c src/lineage_parse.c src/lineage_graph.c src/semver_parse.c src/semver_range.c src/mreg_interrupt.c
 */
#include "harness.h"
#include "search_parse.h"

#include <float.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[] = {
	"constraint", "data_domain", "domain", "duration", "feature", "framework", "importance",
	"license", "model", "owner", "project", "slice", "stage", "tag", "task", "team", "trained",
	"uses", "version"
};

static int
known_field(const char *f)
{
	size_t		i;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strcmp(f, field_names[i]) == 0)
			return 1;
	return 0;
}

static int
is_cmp(const char *op)
{
	return strcmp(op, "<") == 0 || strcmp(op, "<=") == 0 || strcmp(op, ">") == 0 ||
		strcmp(op, ">=") == 0 || strcmp(op, "=") == 0;
}

static void
check_number(const char *v)
{
	char	   *e;
	double		d = strtod(v, &e);

	CHECK(*v && *e == '\0' && d <= DBL_MAX && d >= -DBL_MAX);
}

static void
check_term(const SqTerm *t)
{
	size_t		i;

	if (t->value)
		CHECK(valid_utf8(t->value, strlen(t->value)) && strlen(t->value) <= SQ_MAX_VALUE);
	if (t->key)
		CHECK(valid_utf8(t->key, strlen(t->key)) && strlen(t->key) <= SQ_MAX_VALUE && *t->key);
	switch (t->kind)
	{
		case SQ_WORD:
		case SQ_PHRASE:
			CHECK(!t->field && !t->key && !t->op && t->value && *t->value);
			if (t->kind == SQ_WORD)
				CHECK(t->value[0] != '"');
			break;
		case SQ_METRIC:
			CHECK(!t->negated && t->field && !t->key && t->op && is_cmp(t->op) && t->value);
			CHECK(t->field[0] >= 'a' && t->field[0] <= 'z' && strlen(t->field) <= SQ_MAX_METRIC);
			for (i = 0; t->field[i]; i++)
				CHECK(strchr("abcdefghijklmnopqrstuvwxyz0123456789_.@-", t->field[i]) != NULL);
			check_number(t->value);
			break;
		case SQ_FIELD:
			CHECK(t->field && known_field(t->field) && t->op);
			if (strcmp(t->field, "tag") == 0)
			{
				CHECK(t->key && strlen(t->key) <= SQ_MAX_TAGKEY);
				CHECK((strcmp(t->op, ":") == 0 && !t->value) || (strcmp(t->op, "=") == 0 && t->value));
			}
			else if (strcmp(t->field, "importance") == 0)
			{
				CHECK(t->key && is_cmp(t->op) && t->value);
				check_number(t->value);
			}
			else if (strcmp(t->field, "trained") == 0)
				CHECK(!t->key && is_cmp(t->op) && t->value && strlen(t->value) >= 10);
			else if (strcmp(t->field, "duration") == 0)
			{
				char	   *e;
				unsigned long long n;

				CHECK(!t->key && is_cmp(t->op) && t->value);
				n = strtoull(t->value, &e, 10);
				CHECK(*e == '\0' && n <= (unsigned long long) SQ_MAX_DURATION);
			}
			else
				CHECK(!t->key && strcmp(t->op, ":") == 0 && t->value && *t->value);
			break;
	}
}

/* the terms as query text */
static void
write_query(const SqQuery *q, Buf *o)
{
	int			i;

	o->len = 0;
	put(o, "", 0);
	for (i = 0; i < q->nterms; i++)
	{
		const SqTerm *t = &q->terms[i];

		if (i > 0)
			put(o, " ", 1);
		if (t->negated)
			put(o, "-", 1);
		switch (t->kind)
		{
			case SQ_WORD:
				puts_(o, t->value);
				break;
			case SQ_PHRASE:
				put_quoted(o, t->value, '"');
				break;
			case SQ_METRIC:
				puts_(o, t->field);
				puts_(o, t->op);
				puts_(o, t->value);
				break;
			case SQ_FIELD:
				puts_(o, t->field);
				put(o, ":", 1);
				if (strcmp(t->field, "tag") == 0)
				{
					puts_(o, t->key);
					if (t->value)
					{
						put(o, "=", 1);
						put_quoted(o, t->value, '"');
					}
				}
				else if (strcmp(t->field, "importance") == 0)
				{
					put_quoted(o, t->key, '"');
					puts_(o, t->op);
					puts_(o, t->value);
				}
				else if (strcmp(t->field, "trained") == 0 || strcmp(t->field, "duration") == 0)
				{
					puts_(o, t->op);
					puts_(o, t->value);
					if (t->field[0] == 'd')
						put(o, "s", 1);
				}
				else if (strcmp(t->field, "uses") == 0)
					puts_(o, t->value);
				else
					put_quoted(o, t->value, '"');
				break;
		}
	}
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static void
same_terms(const SqQuery *a, const SqQuery *b)
{
	int			i;

	CHECK(a->nterms == b->nterms);
	for (i = 0; i < a->nterms; i++)
	{
		const SqTerm *x = &a->terms[i], *y = &b->terms[i];

		CHECK(x->kind == y->kind && x->negated == y->negated);
		CHECK(same_str(x->field, y->field) && same_str(x->key, y->key) &&
			  same_str(x->op, y->op) && same_str(x->value, y->value));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	SqQuery		q, q2;
	LxError		e;
	Buf			o = {NULL, 0, 0}, o2 = {NULL, 0, 0};
	long		n, k;
	int			i;

	fail_at = -1;
	if (sq_parse(s, size, &fuzz_mem, &q, &e) != LX_OK)
	{
		CHECK(e.status == LX_ERR_SYNTAX && q.nterms == 0 && q.terms == NULL);
		CHECK(e.off <= size && e.pos == charpos(s, e.off) && e.msg[0]);
		CHECK(valid_utf8(e.msg, strlen(e.msg)) && valid_utf8(e.expected, strlen(e.expected)));
		return 0;
	}
	CHECK(size <= SQ_MAX_QUERY && valid_utf8(s, size));
	CHECK(q.nterms <= SQ_MAX_TERMS && (q.nterms == 0) == (q.terms == NULL));
	for (i = 0; i < q.nterms; i++)
	{
		const SqTerm *t = &q.terms[i];

		CHECK(t->len > 0 && t->off + t->len <= size);
		CHECK(t->pos == charpos(s, t->off));
		if (i > 0)
			CHECK(t->off >= q.terms[i - 1].off + q.terms[i - 1].len && t->pos > q.terms[i - 1].pos);
		if (t->negated)
			CHECK(s[t->off] == '-');
		check_term(t);
	}

	/* written back and parsed again: the same terms, and the same text */
	write_query(&q, &o);
	if (o.len <= SQ_MAX_QUERY)
	{
		CHECK(sq_parse(o.s, o.len, &fuzz_mem, &q2, &e) == LX_OK);
		same_terms(&q, &q2);
		write_query(&q2, &o2);
		CHECK(o2.len == o.len && memcmp(o.s, o2.s, o.len) == 0);
		sq_free(&q2, &fuzz_mem);
	}
	free(o.s);
	free(o2.s);
	sq_free(&q, &fuzz_mem);

	/* every allocation failing in turn: out of memory, nothing leaked */
	fail_at = LONG_MAX;
	nallocs = 0;
	CHECK(sq_parse(s, size, &fuzz_mem, &q, &e) == LX_OK);
	sq_free(&q, &fuzz_mem);
	n = nallocs;
	for (k = 0; k < n; k += (n > 64 ? n / 32 : 1))
	{
		nallocs = 0;
		fail_at = k;
		CHECK(sq_parse(s, size, &fuzz_mem, &q, &e) == LX_ERR_NOMEM);
		CHECK(e.status == LX_ERR_NOMEM && q.nterms == 0 && q.terms == NULL);
	}
	fail_at = -1;
	return 0;
}
