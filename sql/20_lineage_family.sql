-- mreg.lineage: node families (@>>, GIN family keys), distances, project-relative names.
SET search_path = mreg, public;

-- ---- families: the name up to its last '@', same project and kind ----------------
SELECT n, lineage_family(n) AS family
  FROM (VALUES ('fraud/model:m5@1.0.0'), ('model:m5@1.0.0'), ('dataset:"sales; EU@x@2"'),
               ('dataset:"sales; EU@x"'), ('"risk team"/model:"a b@c@3"'), ('dataset:"a@""b""@v1"'),
               ('code:git@abc@def'), ('dataset:"x y"'), ('model:plain'), ('model:@1'), ('model:m@'),
               ('dataset:"a b@1"'), ('dataset:s3://b/x@2024-05')) v(n);
SELECT lineage_family('model m5@1');

-- @>> : some version of the node (a node of that family, or the node itself)
CREATE TEMP TABLE lin_f (v lineage);
INSERT INTO lin_f VALUES ('fraud/model:m5@1.0.0 -> run:1; model:m5@2.0.0; dataset:"sales; EU@x@2" -> run:1; code:git@abc@def');
SELECT v @>> 'model:m5' AS bare, v @>> 'fraud/model:m5' AS in_project, v @>> '"fraud"/model:"m5"' AS requoted,
       v @>> 'model:m5@2.0.0' AS the_node, v @>> 'model:m' AS not_a_prefix, v @>> 'dataset:"sales; EU@x"' AS quoted,
       v @>> 'dataset:sales' AS not_before_first_at, v @>> 'code:git@abc' AS inner_at, v @>> 'code:git' AS only_last_at,
       v @>> 'run:1' AS no_at_equal, 'model:m5' <<@ v AS commuted,
       lineage_contains_family(v, 'fraud/model:m5') AS function
  FROM lin_f;
SELECT ''::lineage @>> 'model:m5' AS empty;
SELECT v @>> 'model m5' FROM lin_f;

-- GIN: "@>> family" is one probe of a family key, whatever the number of versions
CREATE TABLE lin_fam (id int PRIMARY KEY, provenance lineage);
INSERT INTO lin_fam SELECT i,
  ('dataset:d' || (i % 50) || '@v' || (i % 3) || ' -> run:' || i || ' -> model:m' || (i % 10) || '@1.0.' || i
   || CASE WHEN i % 4 = 0 THEN '; fraud/model:m' || (i % 10) || '@2.' || i ELSE '' END
   || CASE WHEN i % 9 = 0 THEN '; dataset:"sales; EU@' || (i % 5) || '"' ELSE '' END)::lineage
  FROM generate_series(1, 5000) i;
INSERT INTO lin_fam VALUES (0, ''), (-1, NULL), (-2, 'model:m5'), (-3, 'model:m5@x@y');
CREATE INDEX lin_fam_gin ON lin_fam USING gin (provenance);
ANALYZE lin_fam;
EXPLAIN (COSTS OFF) SELECT id FROM lin_fam WHERE provenance @>> 'model:m5';
CREATE TEMP TABLE lin_fq (q text);
INSERT INTO lin_fq VALUES ('model:m5'), ('fraud/model:m4'), ('fraud/model:m5'), ('model:m5@1.0.5'), ('dataset:d7'), ('dataset:"sales; EU"'),
  ('dataset:sales'), ('model:m5@x'), ('run:42'), ('model:nope'), ('"fraud"/model:"m6"');
CREATE TEMP TABLE lin_fseq AS SELECT q, (SELECT count(*) FROM lin_fam WHERE provenance @>> q) AS n FROM lin_fq;
SET enable_seqscan = off;
SELECT q, (SELECT count(*) FROM lin_fam WHERE provenance @>> q) AS n FROM lin_fq ORDER BY q;
SELECT count(*) AS mismatches FROM lin_fseq s WHERE s.n <> (SELECT count(*) FROM lin_fam WHERE provenance @>> s.q);
-- the family query is the union of its versions' node queries (model:m5@x@y is of family model:m5@x)
SELECT (SELECT count(*) FROM lin_fam WHERE provenance @>> 'model:m5') AS family,
       (SELECT count(*) FROM lin_fam WHERE provenance && (SELECT string_agg(DISTINCT n, '; ')
                                                          FROM lin_fam, lineage_nodes(provenance) n
                                                         WHERE lineage_family(n) = 'model:m5' OR n = 'model:m5')::lineage) AS node_union;
-- family keys never answer a node query: "@> text" still finds only the node
SELECT count(*) FROM lin_fam WHERE provenance @> 'model:m5'::text;
RESET enable_seqscan;
DROP TABLE lin_fam;

-- ---- distance: edges on a shortest directed path -----------------------------------
CREATE TEMP TABLE lin_d AS SELECT 'a:1 -> a:2 -> a:3 -> a:4 -> a:5; a:1 -> a:4; b:1; dataset:"x y" -> a:2'::lineage AS v;
SELECT lineage_distance(v, 'a:1', 'a:5') AS shortcut, lineage_distance(v, 'a:2', 'a:5') AS chain,
       lineage_distance(v, 'a:3', 'a:3') AS itself, lineage_distance(v, 'a:5', 'a:1') AS backwards,
       lineage_distance(v, 'b:1', 'a:1') AS unconnected, lineage_distance(v, 'a:1', 'c:9') AS absent,
       lineage_distance(v, 'c:9', 'c:9') AS absent_itself, lineage_distance(v, 'dataset:"x y"', 'a:5') AS quoted,
       lineage_distance(v, ' a:"1" ', 'a:2') AS normalized
  FROM lin_d;
SELECT lineage_distance(v, 'a 1', 'a:2') FROM lin_d;
-- against a recursive CTE on a 2000-node random DAG
CREATE TEMP TABLE lin_de AS
  SELECT DISTINCT 'n:' || i AS src, 'n:' || (i + 1 + (hashint4(i * 7 + k) & 15)) AS dst
    FROM generate_series(1, 2000) i, generate_series(1, 2) k WHERE i + 16 <= 2000;
CREATE TEMP TABLE lin_dv AS SELECT lineage_agg(src, dst) AS v FROM lin_de;
SELECT count(*) AS pairs, count(*) FILTER (WHERE lineage_distance(v, 'n:1', x) IS NOT DISTINCT FROM d) AS agree
  FROM lin_dv, (SELECT 'n:' || j AS x FROM generate_series(1, 2000, 37) j) t
  LEFT JOIN LATERAL (
    WITH RECURSIVE r(node, d) AS (SELECT 'n:1', 0 UNION SELECT e.dst, r.d + 1 FROM lin_de e JOIN r ON e.src = r.node WHERE r.d < 200)
    SELECT min(d) AS d FROM r WHERE node = t.x) c ON true;

-- ---- relative names: strip "project/" from the nodes of that project ---------------------
SELECT lineage_relative('fraud/model:x@1 -> "risk team"/run:1 -> fraud/dataset:"a b"; zeta/model:x -> fraud/run:9', 'fraud');
SELECT lineage_relative('"risk team"/model:x -> run:1; fraud/model:y', 'risk team');
SELECT lineage_relative('fraud/model:x -> run:1', 'fraud') = 'model:x -> run:1'::lineage AS canonical,
       lineage_relative('fraud/model:x -> run:1', 'nope') = 'fraud/model:x -> run:1'::lineage AS other_project,
       lineage_relative('fraudx/model:x', 'fraud')::text AS not_a_prefix,
       lineage_relative('', 'fraud') = '' AS empty;
-- the result is sorted again: the stripped nodes move
SELECT * FROM lineage_nodes(lineage_relative('a/z:1 -> b/y:1; a/c:1', 'a'));
-- two nodes that would become one: 22023, naming both
SELECT lineage_relative('fraud/model:x -> run:1; model:x', 'fraud');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT lineage_relative('"a b"/run:1 -> run:1', 'a b');
SELECT lineage_relative('fraud/model:x', '');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
