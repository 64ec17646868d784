/*
 * mlflow_fuzz.c: libFuzzer harness for the MLflow filter parser.  For every
 * input: parse it; an error must be a syntax error whose position agrees
 * with its byte offset and whose texts are valid UTF-8.  A parse must be a
 * well-formed postfix tree (each AND/OR with at least two operands, NOT with
 * one, depths that match, one root), keep the limits, carry the value kind
 * its field takes (numbers finite, lists non-empty), and its operators from
 * the set each field allows; the tree written back as a filter must parse to
 * the same tree, and that text must write back identically.  Then the input
 * is parsed again with an allocator that fails at each allocation in turn:
 * the result is "out of memory", never a crash or a leak.
 *
 * fuzz-sources: test/fuzz/harness.c src/mlflow_filter.c src/lex.c src/semver_parse.c src/semver_range.c src/mreg_interrupt.c
 */
#include "harness.h"
#include "mlflow_filter.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing a tree back as a filter ---------------------------------- */

/* node k (postfix) and its subtree; returns the index before the subtree */
static int
write_node(const MfFilter *f, int k, Buf *b)
{
	const MfNode *n = &f->nodes[k];
	int			i, j, starts[MF_MAX_COMPARISONS * 2 + 2];

	CHECK(k >= 0);
	if (n->kind == MF_COMPARE)
	{
		if (n->field == MF_TAG || n->field == MF_METRIC)
		{
			puts_(b, n->field == MF_TAG ? "tags." : "metrics.");
			put_quoted(b, n->key, '`');
		}
		else
			puts_(b, mf_field_name(n->field));
		puts_(b, " ");
		puts_(b, n->op);
		puts_(b, " ");
		if (n->vkind == MF_NUMBER)
			puts_(b, n->value);
		else if (n->vkind == MF_STRING)
			put_quoted(b, n->value, '\'');
		else
		{
			puts_(b, "(");
			for (i = 0; i < n->nvalues; i++)
			{
				if (i)
					puts_(b, ", ");
				put_quoted(b, n->values[i], '\'');
			}
			puts_(b, ")");
		}
		return k - 1;
	}
	/* the operands' subtrees, last first */
	CHECK(n->nargs >= 1 && n->nargs <= (int) (sizeof(starts) / sizeof(starts[0])));
	j = k - 1;
	for (i = n->nargs - 1; i >= 0; i--)
	{
		Buf			tmp = {0};

		starts[i] = j;
		j = write_node(f, j, &tmp);
		free(tmp.s);
	}
	if (n->kind == MF_NOT)
	{
		const MfNode *o = &f->nodes[starts[0]];
		int			paren = o->kind == MF_AND || o->kind == MF_OR;

		puts_(b, paren ? "NOT (" : "NOT ");
		(void) write_node(f, starts[0], b);
		if (paren)
			puts_(b, ")");
		return j;
	}
	for (i = 0; i < n->nargs; i++)
	{
		const MfNode *o = &f->nodes[starts[i]];
		int			paren = o->kind == MF_OR || (n->kind == MF_AND && o->kind == MF_AND);

		if (i)
			puts_(b, n->kind == MF_AND ? " AND " : " OR ");
		if (paren)
			puts_(b, "(");
		(void) write_node(f, starts[i], b);
		if (paren)
			puts_(b, ")");
	}
	return j;
}

static char *
write_filter(const MfFilter *f)
{
	Buf			b = {0};

	puts_(&b, "");
	if (f->nnodes > 0)
		CHECK(write_node(f, f->nnodes - 1, &b) == -1);
	return b.s;
}

/* ---- checks ----------------------------------------------------------- */

static void
check_tree(const MfFilter *f, const char *s, size_t len)
{
	int			stack[MF_MAX_COMPARISONS * 2 + 2];
	int			sp = 0, i, k, ncmp = 0;
	size_t		prev_off = 0;

	(void) prev_off;
	for (i = 0; i < f->nnodes; i++)
	{
		const MfNode *n = &f->nodes[i];

		CHECK(n->off <= len);
		CHECK(n->pos == charpos(s, n->off));
		CHECK(n->depth >= 0);
		if (n->kind == MF_COMPARE)
		{
			ncmp++;
			CHECK(n->nargs == 0);
			CHECK(n->op != NULL);
			CHECK((n->key != NULL) == (n->field == MF_TAG || n->field == MF_METRIC));
			if (n->key)
			{
				CHECK(valid_utf8(n->key, strlen(n->key)));
				CHECK(strlen(n->key) >= 1 && strlen(n->key) <= MF_MAX_VALUE);
			}
			switch (n->vkind)
			{
				case MF_NUMBER:
					CHECK(n->value != NULL && isfinite(n->number));
					CHECK(n->field == MF_METRIC || n->field == MF_VERSION_NUMBER);
					break;
				case MF_STRING:
					CHECK(n->value != NULL && valid_utf8(n->value, strlen(n->value)));
					CHECK(strlen(n->value) <= MF_MAX_VALUE);
					CHECK(n->field != MF_METRIC && n->field != MF_VERSION_NUMBER);
					CHECK(strcmp(n->op, "IN") != 0 && strcmp(n->op, "NOT IN") != 0);
					break;
				case MF_LIST:
					CHECK(n->value == NULL && n->nvalues >= 1 && n->nvalues <= MF_MAX_LIST);
					CHECK(strcmp(n->op, "IN") == 0 || strcmp(n->op, "NOT IN") == 0);
					for (k = 0; k < n->nvalues; k++)
						CHECK(valid_utf8(n->values[k], strlen(n->values[k])));
					break;
			}
			if (n->field == MF_TAG)
				CHECK(n->vkind == MF_STRING);
			if (strcmp(n->op, "<@") == 0)
				CHECK(n->field == MF_VERSION);
			if (strcmp(n->op, "LIKE") == 0 || strcmp(n->op, "ILIKE") == 0)
				CHECK(n->field != MF_METRIC && n->field != MF_VERSION_NUMBER && n->field != MF_VERSION);
			stack[sp++] = i;
		}
		else
		{
			CHECK(n->kind == MF_NOT ? n->nargs == 1 : n->nargs >= 2);
			CHECK(sp >= n->nargs);
			for (k = 0; k < n->nargs; k++)
				CHECK(f->nodes[stack[sp - 1 - k]].depth == n->depth + 1);
			sp -= n->nargs;
			stack[sp++] = i;
		}
		CHECK(sp <= (int) (sizeof(stack) / sizeof(stack[0])));
	}
	CHECK(f->nnodes == 0 || (sp == 1 && f->nodes[f->nnodes - 1].depth == 0));
	CHECK(ncmp <= MF_MAX_COMPARISONS);
}

static void
check_same(const MfFilter *a, const MfFilter *b)
{
	int			i, k;

	CHECK(a->nnodes == b->nnodes);
	for (i = 0; i < a->nnodes; i++)
	{
		const MfNode *x = &a->nodes[i], *y = &b->nodes[i];

		CHECK(x->kind == y->kind && x->depth == y->depth && x->nargs == y->nargs);
		if (x->kind != MF_COMPARE)
			continue;
		CHECK(x->field == y->field && strcmp(x->op, y->op) == 0 && x->vkind == y->vkind);
		CHECK((x->key == NULL) == (y->key == NULL));
		if (x->key)
			CHECK(strcmp(x->key, y->key) == 0);
		if (x->vkind == MF_STRING)
			CHECK(strcmp(x->value, y->value) == 0);
		if (x->vkind == MF_NUMBER)
			CHECK(x->number == y->number);
		CHECK(x->nvalues == y->nvalues);
		for (k = 0; k < x->nvalues; k++)
			CHECK(strcmp(x->values[k], y->values[k]) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	MfFilter	f, g;
	LxError		err;
	LxStatus	st;
	long		total, k;

	fail_at = -1;
	nallocs = 0;
	st = mf_parse(s, size, &fuzz_mem, &f, &err);
	if (st != LX_OK)
	{
		CHECK(st == LX_ERR_SYNTAX && err.status == LX_ERR_SYNTAX);
		CHECK(f.nnodes == 0 && f.nodes == NULL);
		CHECK(err.off <= size);
		CHECK(err.msg[0] != '\0');
		CHECK(valid_utf8(err.msg, strlen(err.msg)));
		CHECK(valid_utf8(err.expected, strlen(err.expected)));
		if (valid_utf8(s, err.off))
			CHECK(err.pos == charpos(s, err.off));
	}
	else
	{
		char	   *t = write_filter(&f), *t2;
		LxError		e2;

		check_tree(&f, s, size);
		if (strlen(t) <= MF_MAX_FILTER)
		{
			st = mf_parse(t, strlen(t), &fuzz_mem, &g, &e2);
			if (st != LX_OK)
				fprintf(stderr, "rewritten filter fails: %s\n  at %d: %s\n", t, e2.pos, e2.msg);
			CHECK(st == LX_OK);
			check_same(&f, &g);
			t2 = write_filter(&g);
			CHECK(strcmp(t, t2) == 0);
			free(t2);
			mf_free(&g, &fuzz_mem);
		}
		free(t);
		mf_free(&f, &fuzz_mem);
	}

	/* every allocation failing in turn */
	total = nallocs;
	fail_at = -1;
	nallocs = 0;
	st = mf_parse(s, size, &fuzz_mem, &f, &err);
	total = nallocs;
	if (st == LX_OK)
		mf_free(&f, &fuzz_mem);
	for (k = 0; k < total && k < 200; k++)
	{
		fail_at = k;
		nallocs = 0;
		st = mf_parse(s, size, &fuzz_mem, &f, &err);
		if (st == LX_OK)
			mf_free(&f, &fuzz_mem);
		else
			CHECK(st == LX_ERR_NOMEM || st == LX_ERR_SYNTAX);
		CHECK(st != LX_ERR_SYNTAX || err.status == LX_ERR_SYNTAX);
	}
	fail_at = -1;
	return 0;
}

#ifdef MF_FUZZ_MAIN
/* a small driver without libFuzzer: each argument is a filter */
int
main(int argc, char **argv)
{
	int			i, k;

	for (i = 1; i < argc; i++)
	{
		MfFilter	f;
		LxError		err;

		if (mf_parse(argv[i], strlen(argv[i]), &fuzz_mem, &f, &err) != LX_OK)
		{
			printf("%s\n  error at %d: %s (expected %s)\n", argv[i], err.pos, err.msg, err.expected);
			continue;
		}
		printf("%s\n", argv[i]);
		for (k = 0; k < f.nnodes; k++)
		{
			MfNode	   *n = &f.nodes[k];

			printf("  %d d%d %s", n->pos, n->depth, mf_kind_name(n->kind));
			if (n->kind == MF_COMPARE)
				printf(" %s key=%s op=%s value=%s n=%d", mf_field_name(n->field), n->key ? n->key : "-",
					   n->op, n->value ? n->value : "-", n->nvalues);
			else
				printf(" nargs=%d", n->nargs);
			printf("\n");
		}
		{
			char	   *t = write_filter(&f);

			printf("  => %s\n", t);
			free(t);
		}
		LLVMFuzzerTestOneInput((const uint8_t *) argv[i], strlen(argv[i]));
		mf_free(&f, &fuzz_mem);
	}
	return 0;
}
#endif
