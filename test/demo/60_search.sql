-- make demo, part 6: search the demo registry (doc/search.md).
\echo
\echo '== Search: one query language over text, fields, metrics, versions and lineage (mreg.search)'
SELECT model, version, stage, round(score::numeric, 2) AS score, snippet
  FROM mreg.search('fraud recall>=0.5', 5);
\echo '-- facet counts of the same query (mreg.search_facets)'
SELECT facet, value, count FROM mreg.search_facets('fraud recall>=0.5') WHERE facet IN ('project', 'stage', 'domain') ORDER BY facet, count DESC;
\echo '-- did you mean (mreg.suggest)'
SELECT * FROM mreg.suggest('frad-gbm');
\echo '-- example queries built from this registry (mreg.search_examples)'
SELECT * FROM mreg.search_examples();
\echo '-- a malformed query is a clear error (meant to fail):'
SELECT refused($$SELECT * FROM mreg.search('domian:finance')$$) AS "a typo in a field name";
