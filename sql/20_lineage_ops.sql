-- mreg.lineage: operators, functions, aggregate, indexes.
SET search_path = mreg, public;

CREATE TEMP TABLE lin_g (v lineage);
INSERT INTO lin_g VALUES ('dataset:a -> run:1 -> model:m@1; code:c -> run:1');

-- @> text: contains a node (node text is normalized before the lookup)
SELECT v @> 'run:1'::text AS has_run, v @> 'run:2'::text AS no_run2,
       v @> 'dataset:"a"'::text AS quoted_same, v @> ' model:m@1 '::text AS trimmed,
       'code:c'::text <@ v AS commuted
  FROM lin_g;
-- an untyped literal on the right is read as a (one node) lineage: same answer
SELECT v @> 'run:1' AS literal_node, v @> 'run:1 -> model:m@1' AS literal_edge FROM lin_g;
-- a malformed node is an error, not false
SELECT v @> 'run 1'::text FROM lin_g;
SELECT v @> 'run:1 -> x:y'::text FROM lin_g;

-- @> lineage: subgraph (nodes and edges)
SELECT v @> 'dataset:a -> run:1'::lineage AS edge_present,
       v @> 'dataset:a -> model:m@1'::lineage AS edge_absent,
       v @> 'dataset:a; model:m@1'::lineage AS nodes_only,
       v @> ''::lineage AS empty_always,
       v @> v AS itself,
       'dataset:a -> run:1'::lineage <@ v AS commuted,
       ''::lineage @> ''::lineage AS empty_empty,
       ''::lineage @> 'a:x'::lineage AS empty_has_nothing
  FROM lin_g;

-- && : share a node
SELECT v && 'model:m@1 -> deployment:prod'::lineage AS shares,
       v && 'model:m@2'::lineage AS disjoint,
       v && ''::lineage AS empty_never
  FROM lin_g;

-- || : union, must stay acyclic (23514)
SELECT v || 'model:m@1 -> deployment:prod; code:c -> run:2'::lineage FROM lin_g;
SELECT v || '' = v AS empty_is_identity, v || v = v AS idempotent,
       'a:x'::lineage || 'b:y'::lineage = 'b:y'::lineage || 'a:x'::lineage AS commutative
  FROM lin_g;
SELECT v || 'model:m@1 -> dataset:a'::lineage FROM lin_g;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT 'a:1 -> a:2 -> a:3 -> a:4'::lineage || 'a:4 -> a:1'::lineage;

-- = and <>, btree ordering, DISTINCT, GROUP BY, hash
SELECT 'a:x -> b:y'::lineage = 'a:x->b:y; b:y'::lineage AS eq,
       'a:x -> b:y'::lineage <> 'b:y -> a:x'::lineage AS ne,
       'a:x'::lineage < 'a:x; b:y'::lineage AS fewer_nodes_first,
       'a:x; b:y'::lineage < 'a:x -> b:y'::lineage AS fewer_edges_first,
       lineage_cmp('a:x', 'a:y') AS cmp;
CREATE TEMP TABLE lin_set (id int, v lineage);
INSERT INTO lin_set VALUES (1, 'a:x -> b:y'), (2, 'b:y; a:x -> b:y'), (3, 'a:x'), (4, ''),
                           (5, 'a:x -> b:y; a:x -> c:z'), (6, ''), (7, NULL);
SELECT v, count(*) FROM lin_set GROUP BY v ORDER BY v NULLS LAST;
SELECT count(DISTINCT v) AS distinct_values FROM lin_set;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM lin_set GROUP BY v;
SELECT v, count(*) FROM lin_set GROUP BY v ORDER BY 2 DESC, 1;
RESET enable_sort;
SELECT a.id, b.id FROM lin_set a JOIN lin_set b ON a.v = b.v AND a.id < b.id ORDER BY 1, 2;
SELECT lineage_hash('a:x -> b:y') = lineage_hash('b:y; a:x->b:y') AS hash_agrees,
       lineage_hash_extended('a:x', 0) <> lineage_hash_extended('a:x', 1) AS seeds_differ,
       lineage_hash_extended('a:x', 0) = lineage_hash_extended('a:x', 0) AS stable;

-- nodes and edges
SELECT * FROM lineage_nodes('dataset:a -> run:1 -> model:m@1; code:c -> run:1; note:"x y"');
SELECT * FROM lineage_edges('dataset:a -> run:1 -> model:m@1; code:c -> run:1; note:"x y"');
SELECT count(*) FROM lineage_nodes(''), lineage_edges('');

-- upstream / downstream: the induced subgraph of the node and its ancestors / descendants
CREATE TEMP TABLE lin_dag AS SELECT
 'dataset:raw -> dataset:clean -> feature:f1 -> run:1 -> model:m@1;
  dataset:clean -> feature:f2 -> run:1; feature:f2 -> run:2 -> model:m@2;
  code:git@1 -> run:1; code:git@2 -> run:2; model:m@1 -> deployment:prod'::lineage AS v;
SELECT upstream(v, 'model:m@1') FROM lin_dag;
SELECT upstream(v, 'model:m@2') FROM lin_dag;
SELECT downstream(v, 'feature:f2') FROM lin_dag;
SELECT downstream(v, 'deployment:prod') AS sink, upstream(v, 'dataset:raw') AS source FROM lin_dag;
SELECT upstream(v, 'model:nope') = '' AS absent_is_empty, downstream(v, 'model:nope') = '' AS absent_is_empty2,
       upstream(v, 'model:nope') IS NULL AS absent_is_null FROM lin_dag;
SELECT upstream(v, 'model: m') FROM lin_dag;
SELECT v @> upstream(v, 'run:2') AS subgraph, upstream(v, 'run:2') <@ v AS contained FROM lin_dag;
SELECT upstream('', 'a:x') = '' AS empty_in_empty_out;

-- renderers
SELECT lineage_dot('dataset:"sales ""EU""" -> run:1 -> model:m@1; code:git@abc -> run:1; feature:f -> run:1; pipeline:etl; misc:x; fraud/model:y');
SELECT lineage_mermaid('dataset:"sales ""EU""" -> run:1 -> model:m@1; code:git@abc -> run:1; feature:f -> run:1; pipeline:etl; misc:"a<b>#c"');
SELECT lineage_dot(''), lineage_mermaid('');

-- constructors
SELECT lineage_edge('dataset:a', 'run:"1"');
SELECT lineage_edge('run:1', ' run:1 ');
SELECT lineage_edge('run:1', 'bad');
SELECT lineage_node('Bad:kind');

-- lineage_agg: rows are edges, a NULL side adds a lone node, no rows gives NULL
CREATE TEMP TABLE lin_edges (src text, dst text);
INSERT INTO lin_edges VALUES ('dataset:a', 'run:1'), ('run:1', 'model:m@1'), ('dataset:a', 'run:1'),
  ('code:c', NULL), (NULL, 'note:n'), (NULL, NULL), ('dataset:"a"', 'run:1');
SELECT lineage_agg(src, dst) FROM lin_edges;
SELECT lineage_agg(src, dst) IS NULL AS no_rows_null FROM lin_edges WHERE false;
SELECT lineage_agg(src, dst) IS NULL AS only_nulls_null, lineage_agg(src, dst) = '' AS only_nulls_empty
  FROM lin_edges WHERE src IS NULL AND dst IS NULL;
SELECT lineage_agg(src, dst) = (SELECT string_agg(coalesce(src || ' -> ' || dst, src, dst), ';')
                                 FROM lin_edges)::lineage AS agg_matches_text FROM lin_edges;
-- grouped, and as a window aggregate (the final function leaves its state alone)
SELECT g, lineage_agg('n:' || i, 'n:' || (i + 1)) FROM generate_series(1, 6) i, LATERAL (SELECT i % 2 AS g) s
 GROUP BY g ORDER BY g;
SELECT i, lineage_agg('n:' || i, 'n:' || (i + 1)) OVER (ORDER BY i) FROM generate_series(1, 3) i;
SELECT lineage_agg(s, d) FROM (VALUES ('a:1', 'a:2'), ('a:2', 'a:3'), ('a:3', 'a:1')) v(s, d);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT lineage_agg(s, d) FROM (VALUES ('a:1', 'a:1')) v(s, d);
SELECT lineage_agg(s, d) FROM (VALUES ('a:1', 'bad')) v(s, d);

-- GIN: @> node, @> lineage and && are index scans
CREATE TABLE lin_prov (id int PRIMARY KEY, provenance lineage);
INSERT INTO lin_prov SELECT i,
  ('dataset:d' || (i % 50) || '@v1 -> run:' || i || ' -> model:m' || (i % 7) || '@' || i || '.0.0; code:git@' || (i % 13) || ' -> run:' || i)::lineage
  FROM generate_series(1, 5000) i;
INSERT INTO lin_prov VALUES (0, ''), (-1, NULL);
CREATE INDEX lin_prov_gin ON lin_prov USING gin (provenance);
ANALYZE lin_prov;
EXPLAIN (COSTS OFF) SELECT id FROM lin_prov WHERE provenance @> 'dataset:d7@v1';
EXPLAIN (COSTS OFF) SELECT id FROM lin_prov WHERE provenance @> 'dataset:d7@v1'::text;
EXPLAIN (COSTS OFF) SELECT id FROM lin_prov WHERE provenance && 'dataset:d7@v1; code:git@3'::lineage;
EXPLAIN (COSTS OFF) SELECT id FROM lin_prov WHERE provenance @> 'code:git@3 -> run:42'::lineage;
-- the index gives the same answers as a sequential scan
CREATE TEMP TABLE lin_q (q text);
INSERT INTO lin_q VALUES ('dataset:d7@v1'), ('code:git@3'), ('run:42'), ('model:m1@8.0.0'), ('dataset:nope'),
  ('dataset:"d7@v1"');
CREATE TEMP TABLE lin_seq AS
  SELECT q, (SELECT count(*) FROM lin_prov WHERE provenance @> q) AS node,
            (SELECT count(*) FROM lin_prov WHERE provenance && (q || '; code:git@5')::lineage) AS overlap,
            (SELECT count(*) FROM lin_prov WHERE provenance @> ('dataset:d42@v1 -> ' || q)::lineage) AS sub
    FROM lin_q;
SET enable_seqscan = off;
SELECT q, (SELECT count(*) FROM lin_prov WHERE provenance @> q) AS node,
          (SELECT count(*) FROM lin_prov WHERE provenance && (q || '; code:git@5')::lineage) AS overlap,
          (SELECT count(*) FROM lin_prov WHERE provenance @> ('dataset:d42@v1 -> ' || q)::lineage) AS sub
  FROM lin_q ORDER BY q;
SELECT count(*) AS mismatches FROM lin_seq s
  WHERE (s.node, s.overlap, s.sub) IS DISTINCT FROM
        ((SELECT count(*) FROM lin_prov WHERE provenance @> s.q),
         (SELECT count(*) FROM lin_prov WHERE provenance && (s.q || '; code:git@5')::lineage),
         (SELECT count(*) FROM lin_prov WHERE provenance @> ('dataset:d42@v1 -> ' || s.q)::lineage));
-- empty queries: everything contains the empty graph; nothing overlaps it
SELECT count(*) FROM lin_prov WHERE provenance @> ''::lineage;
SELECT count(*) FROM lin_prov WHERE provenance && ''::lineage;
-- the longest nodes (1024 bytes of canonical text) still have exact keys
INSERT INTO lin_prov VALUES (10001, ('dataset:' || repeat('x', 1015) || ' -> run:long')::lineage),
                            (10002, ('dataset:' || repeat('x', 1015) || 'y -> run:long')::lineage);
SELECT id FROM lin_prov WHERE provenance @> ('dataset:' || repeat('x', 1015)) ORDER BY id;
SELECT id FROM lin_prov WHERE provenance @> ('dataset:' || repeat('x', 1015) || 'y')::text ORDER BY id;
SELECT id FROM lin_prov WHERE provenance && ('dataset:' || repeat('x', 1015) || 'y')::lineage ORDER BY id;
RESET enable_seqscan;
-- a btree index works too: uniqueness of whole graphs, by graph equality
CREATE UNIQUE INDEX lin_set_btree ON lin_set (v) WHERE id < 5;
CREATE UNIQUE INDEX lin_set_btree ON lin_set (v) WHERE id IN (1, 3, 4, 5);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM lin_set WHERE v = 'b:y; a:x -> b:y' AND id IN (1, 3, 4, 5);
SELECT id FROM lin_set WHERE v = 'b:y; a:x -> b:y' AND id IN (1, 3, 4, 5);
RESET enable_seqscan;
DROP TABLE lin_prov;

-- declared properties of every lineage function: immutable, strict (except the aggregate's), parallel safe
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p WHERE p.pronamespace = 'mreg'::regnamespace
   AND (p.proname LIKE 'lineage%' OR p.proname IN ('upstream', 'downstream'))
   AND (p.provolatile <> 'i' OR p.proparallel <> 's' OR NOT p.proisstrict)
 ORDER BY 1;
-- every operator on lineage has a commutator; the boolean comparison ones a negator
SELECT o.oprname, o.oprleft::regtype, o.oprright::regtype, o.oprcom <> 0 AS has_commutator,
       o.oprnegate <> 0 AS has_negator, o.oprrest::text AS restrict, o.oprcanhash AS hashes
  FROM pg_operator o WHERE 'mreg.lineage'::regtype IN (o.oprleft, o.oprright) ORDER BY 1, 2, 3;
