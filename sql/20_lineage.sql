-- mreg.lineage: text input/output, canonical form, quoting, errors.
SET search_path = mreg, public;
\set VERBOSITY default

-- round trips and canonical form: nodes sorted, edges sorted and deduplicated
SELECT 'dataset:a -> run:1; run:1 -> model:m@1.0.0'::lineage;
SELECT 'run:1 -> model:m@1.0.0; dataset:a -> run:1; dataset:a -> run:1'::lineage;
SELECT '  dataset:b->run:1 ;dataset:a->run:1;;  ; '::lineage;
-- chains, lone nodes, nodes that already appear in an edge are not repeated
SELECT 'dataset:a -> feature:f -> run:7 -> model:m@2.0.0; code:git@abc123; code:git@abc123 -> run:7; run:7'::lineage;
-- equal graphs print equal, whatever the input order
SELECT 'a:x -> b:y; c:z'::lineage::text = 'c:z ; a:x->b:y ; a:x'::lineage::text AS same_text,
       'a:x -> b:y; c:z'::lineage = 'c:z ; a:x->b:y ; a:x'::lineage AS same_value;

-- empty graph
SELECT ''::lineage AS empty, '   '::lineage AS blanks, ' ; ; '::lineage AS semicolons;
SELECT lineage_node_count(''), lineage_edge_count(''), ''::lineage = '  '::lineage AS empty_equal;

-- NULLs: the type's functions are strict
SELECT NULL::lineage AS null_value, lineage_node_count(NULL) AS null_count,
       NULL::lineage @> 'a:x'::text AS null_contains, upstream(NULL, 'a:x') AS null_upstream;

-- quoting: only where needed, "" escapes a quote
SELECT 'dataset:"sales; EU ""raw""" -> run:1'::lineage;
SELECT lineage_node('dataset:"sales; EU ""raw"""') AS node,
       (SELECT n FROM lineage_nodes('dataset:"sales; EU ""raw"""') n) AS listed;
SELECT lineage_node('dataset:"plain"') AS unquoted_when_possible,
       lineage_node('dataset:"a->b"') AS arrow_kept_quoted,
       lineage_node('dataset:"a b"') AS space_kept_quoted,
       lineage_node(' code:git@abc123 ') AS trimmed;
SELECT 'dataset:"x" -> run:1'::lineage = 'dataset:x -> run:1'::lineage AS quoting_is_not_identity;
-- names may hold ':', '/', '@', '-', '>' and non-ASCII
SELECT 'dataset:s3://bucket/sales@2024-05 -> run:a>b -> model:fraud-gbm@2.4.0-rc.1; feature:größe'::lineage;
-- a dash right before an arrow
SELECT 'a:x--> b:y'::lineage;
-- project prefix: project/kind:name, project bare or quoted
SELECT 'fraud/model:fraud-gbm@1.0.0 -> "risk team"/model:x; fraud/dataset:"a b"'::lineage;
SELECT lineage_node('"fraud"/model:x') AS unquoted_project;
-- the name after the project may still be quoted; kinds never are
SELECT lineage_node('"p q"/run:"1 2"');

-- malformed text: SQLSTATE 22P02 and the position of the problem
\set VERBOSITY verbose
SELECT 'a:b"c'::lineage;
\set VERBOSITY default
SELECT 'dataset:a -> '::lineage;
SELECT 'dataset:a -> -> run:1'::lineage;
SELECT 'Dataset:a'::lineage;
SELECT 'data-set:a'::lineage;
SELECT 'dataset'::lineage;
SELECT 'dataset a'::lineage;
SELECT ':a'::lineage;
SELECT 'dataset:'::lineage;
SELECT 'dataset: a'::lineage;
SELECT 'dataset:a run:1'::lineage;
SELECT 'dataset:"unterminated'::lineage;
SELECT 'dataset:""'::lineage;
SELECT 'dataset:"a"b'::lineage;
SELECT '"kind":a'::lineage;
SELECT '"proj":a'::lineage;
SELECT '/model:a'::lineage;
SELECT '""/model:a'::lineage;
SELECT 'ds:a; ds:b -> ; ds:c'::lineage;
-- positions count characters, not bytes
SELECT 'feature:größe -> Run:1'::lineage;
-- long input is shortened in the message
SELECT (repeat('dataset:x', 30) || ' oops')::lineage;
-- a single node is expected where a node is asked for
SELECT lineage_node('a:x -> b:y');
SELECT lineage_node('a:x b');
SELECT lineage_node('');

-- cycles: SQLSTATE 22P02 on input, the cycle named in order
\set VERBOSITY verbose
SELECT 'a:x -> a:x'::lineage;
\set VERBOSITY default
SELECT 'a:x -> b:y -> a:x'::lineage;
SELECT 'run:3 -> run:1; run:1 -> run:2; run:2 -> run:3; dataset:d -> run:1'::lineage;
-- a long cycle: the message lists the start, elides the middle
SELECT (string_agg('n:' || i || ' -> n:' || (i % 100 + 1), '; '))::lineage FROM generate_series(1, 100) i;
-- a graph with a cycle off to the side of a valid part
SELECT 'a:1 -> a:2 -> a:3; b:1 -> b:2 -> b:3 -> b:1'::lineage;
-- a diamond is not a cycle
SELECT 'a:1 -> a:2 -> a:4; a:1 -> a:3 -> a:4'::lineage;

-- casts to and from text
SELECT ('b:y -> a:x'::text)::lineage::text;
SELECT pg_typeof('a:x'::lineage::text);

-- storage: binary send/receive round trip through COPY BINARY
CREATE TEMP TABLE lin_copy (id int, l lineage);
INSERT INTO lin_copy VALUES
  (1, 'dataset:"sales; EU ""raw""" -> run:1 -> model:m@1; code:x'),
  (2, ''), (3, NULL),
  (4, 'fraud/model:a -> "x y"/model:"b c"');
COPY lin_copy TO '/tmp/mreg_lineage_copy.bin' WITH (FORMAT binary);
CREATE TEMP TABLE lin_copy2 (LIKE lin_copy);
COPY lin_copy2 FROM '/tmp/mreg_lineage_copy.bin' WITH (FORMAT binary);
SELECT a.id, a.l IS NOT DISTINCT FROM b.l AS same, b.l
  FROM lin_copy a JOIN lin_copy2 b USING (id) ORDER BY id;
-- receive canonicalizes and checks what it is given
SELECT lineage_recv IS NOT NULL AS has_recv FROM (SELECT 'mreg.lineage_recv'::regproc AS lineage_recv) s;
SELECT encode(lineage_send('b:y -> a:x'), 'hex');
-- the binary form is compact: about 8 bytes per node and 4 per edge plus the names
SELECT pg_column_size('dataset:a -> run:1; run:1 -> model:m@1.0.0'::lineage) AS bytes_3_nodes;
SELECT pg_column_size(''::lineage) AS bytes_empty;
