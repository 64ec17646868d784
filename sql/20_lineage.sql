-- mreg.lineage: text input/output, canonical form, quoting, errors.
SET search_path = mreg, public;

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
SELECT NULL::lineage IS NULL AS null_value, lineage_node_count(NULL) IS NULL AS null_count,
       (NULL::lineage @> 'a:x'::text) IS NULL AS null_contains, upstream(NULL, 'a:x') IS NULL AS null_upstream,
       upstream('a:x', NULL) IS NULL AS null_node, ('a:x'::lineage || NULL) IS NULL AS null_union,
       lineage_edge('a:x', NULL) IS NULL AS null_edge;

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
SELECT 'a:b"c'::lineage;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
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
SELECT 'a:x -> a:x'::lineage;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
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
-- receive canonicalizes and checks what it is given: hand-made binary COPY files
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.nodes_bin(VARIADIC n text[]) RETURNS bytea LANGUAGE sql AS
$$ SELECT int4send(cardinality(n)) || coalesce(string_agg(int4send(octet_length(x)) || convert_to(x, 'UTF8'), ''::bytea), '')
     FROM unnest(n) x $$;
CREATE FUNCTION pg_temp.edges_bin(VARIADIC e int[]) RETURNS bytea LANGUAGE sql AS
$$ SELECT int4send(cardinality(e) / 2) || coalesce(string_agg(int4send(x), ''::bytea), '') FROM unnest(e) x $$;
CREATE FUNCTION pg_temp.copy_in(payload bytea) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE o oid;
BEGIN
  o := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || int4send(0) || int4send(0)
                        || int2send(1::int2) || int4send(octet_length(payload)) || payload || int2send(-1::int2));
  PERFORM lo_export(o, '/tmp/mreg_lineage_recv.bin');
  PERFORM lo_unlink(o);
  CREATE TEMP TABLE IF NOT EXISTS lin_recv (l mreg.lineage);
  TRUNCATE lin_recv;
  COPY lin_recv FROM '/tmp/mreg_lineage_recv.bin' WITH (FORMAT binary);
  RETURN QUERY SELECT l::text FROM lin_recv;
END $$;
-- unsorted nodes, a needlessly quoted duplicate, a repeated edge: canonical value
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin('run:"1"', 'dataset:a', 'run:1')
                       || pg_temp.edges_bin(1, 0, 1, 2, 1, 0));
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin(VARIADIC '{}') || pg_temp.edges_bin(VARIADIC '{}')) = '' AS empty_ok;
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin('a:x', 'b:y') || pg_temp.edges_bin(0, 1, 1, 0));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin('a:x', 'b:y') || pg_temp.edges_bin(0, 2));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin('a:x', 'b y') || pg_temp.edges_bin(VARIADIC '{}'));
SELECT pg_temp.copy_in(int4send(2) || pg_temp.nodes_bin('a:x') || pg_temp.edges_bin(VARIADIC '{}'));
SELECT pg_temp.copy_in(int4send(1) || int4send(1000000) || int4send(3));
SELECT pg_temp.copy_in(int4send(1) || pg_temp.nodes_bin('a:x') || pg_temp.edges_bin(VARIADIC '{}') || '\x00'::bytea);
RESET client_min_messages;
\set SHOW_CONTEXT errors
SELECT encode(lineage_send('b:y -> a:x'), 'hex');
-- the binary form is compact: about 8 bytes per node and 4 per edge plus the names
SELECT pg_column_size('dataset:a -> run:1; run:1 -> model:m@1.0.0'::lineage) AS bytes_3_nodes;
SELECT pg_column_size(''::lineage) AS bytes_empty;
