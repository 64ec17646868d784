-- doc-test setup (<!-- doc-test: setup demo.sql -->): the `make demo` registry,
-- from test/demo/*.sql in name order as test/tools/demo.sh runs them, so a doc's
-- examples can query it.  doc_examples.sh sets MREG_ROOT, DOC_TEST_TMP and the
-- psql variable doc_test_tmp.
\set QUIET on
\o /dev/null
\! for f in "$MREG_ROOT"/test/demo/[0-9]*.sql; do printf '\\i %s\n' "$f"; done > "$DOC_TEST_TMP/demo_steps.sql"
\i :doc_test_tmp/demo_steps.sql
\o
