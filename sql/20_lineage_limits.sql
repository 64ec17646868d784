-- mreg.lineage: the limits checked when a value is built (node length, text size),
-- binary input errors, and cancel of long parses and builds.
SET search_path = mreg, public;

-- ---- node length: 1024 bytes of canonical text ---------------------------------
SELECT length(lineage_node('dataset:' || repeat('x', 1016))) AS at_limit;
SELECT lineage_node('dataset:' || repeat('x', 1017));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- the limit counts canonical text: quotes included, needless quotes not
SELECT length(lineage_node('dataset:"' || repeat('x', 1013) || ' "')) AS quoted_at_limit,
       length(lineage_node('dataset:"' || repeat('x', 1016) || '"')) AS unquoted_at_limit;
SELECT lineage_node('dataset:"' || repeat('x', 1014) || ' "');
-- in a graph, the message gives the node's position and quotes only its start
SELECT ('run:1 -> dataset:' || repeat('x', 5000) || ' -> model:m')::lineage;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ('run:1 -> dataset:"' || repeat('x y', 5000) || '"')::lineage;
-- every constructor refuses such a node
SELECT lineage_edge('run:1', 'dataset:' || repeat('x', 1017));
SELECT lineage_agg('run:1', 'dataset:' || repeat('x', 1017)) FROM generate_series(1, 3);
SELECT 'run:1'::lineage @> ('dataset:' || repeat('x', 1017))::text;
-- 11,000 rows of one edge with the longest node: one small value
SELECT lineage_node_count(l), lineage_edge_count(l), pg_column_size(l) < 3000 AS small
  FROM (SELECT lineage_agg('dataset:' || repeat('x', 1016), 'run:1') AS l FROM generate_series(1, 11000)) s;
-- a hub of the longest node with 1,100 edges prints (the 1 MB hub of issue 8 is refused above)
SELECT length(l::text) AS text_bytes, l::text::lineage = l AS round_trip
  FROM (SELECT lineage_agg('h:' || repeat('x', 1018), 'n:' || i) AS l FROM generate_series(1, 1100) i) s;

-- ---- text size: 64 MB of canonical text ------------------------------------------
-- 64902 edges "h:<1018 x> -> n:NNNNNN" (1032 bytes + "; ") and a lone node of r bytes:
-- 1034 * 64902 + r = 67108864 exactly when r = 196
CREATE TEMP TABLE lin_big AS
  SELECT lineage_agg(s, d) AS l
    FROM (SELECT 'h:' || repeat('x', 1018) AS s, 'n:' || lpad(i::text, 6, '0') AS d FROM generate_series(1, 64902) i
          UNION ALL SELECT 'z:' || repeat('x', 194), NULL) e;
SELECT length(l::text) AS text_bytes, length(l::text) = 64 * 1024 * 1024 AS at_limit FROM lin_big;
-- what is stored prints, parses back, and goes through binary send/receive
SELECT l::text::lineage = l AS text_round_trip FROM lin_big;
COPY lin_big TO '/tmp/mreg_lineage_big.bin' WITH (FORMAT binary);
CREATE TEMP TABLE lin_big2 (l lineage);
COPY lin_big2 FROM '/tmp/mreg_lineage_big.bin' WITH (FORMAT binary);
SELECT a.l = b.l AS binary_round_trip FROM lin_big a, lin_big2 b;
-- one byte more is refused by every constructor
SELECT lineage_agg(s, d)
  FROM (SELECT 'h:' || repeat('x', 1018) AS s, 'n:' || lpad(i::text, 6, '0') AS d FROM generate_series(1, 64902) i
        UNION ALL SELECT 'z:' || repeat('x', 195), NULL) e;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT (l::text || '; z:y')::lineage FROM lin_big;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT l || 'z:y'::lineage FROM lin_big;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- the limit is on the text of the value, not of the input: repeats cost nothing
SELECT lineage_node_count(l) FROM (SELECT (l::text || '; ' || l::text)::lineage AS l FROM lin_big) s;
DROP TABLE lin_big, lin_big2;

-- ---- binary input errors are 22P03 --------------------------------------------------
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.recv(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE o oid; r text;
BEGIN
  o := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || int4send(0) || int4send(0)
                        || int2send(1::int2) || int4send(octet_length(payload)) || payload || int2send(-1::int2));
  PERFORM lo_export(o, '/tmp/mreg_lineage_recv2.bin');
  PERFORM lo_unlink(o);
  CREATE TEMP TABLE IF NOT EXISTS lin_recv2 (l mreg.lineage);
  TRUNCATE lin_recv2;
  COPY lin_recv2 FROM '/tmp/mreg_lineage_recv2.bin' WITH (FORMAT binary);
  SELECT l::text INTO r FROM lin_recv2;
  RETURN r;
END $$;
CREATE FUNCTION pg_temp.msg(VARIADIC n text[]) RETURNS bytea LANGUAGE sql AS
$$ SELECT int4send(1) || int4send(cardinality(n))
          || coalesce(string_agg(int4send(octet_length(x)) || convert_to(x, 'UTF8'), ''::bytea), '') FROM unnest(n) x $$;
-- a well-formed message with repeated nodes and edges: node indexes refer to the message's list
SELECT pg_temp.recv(pg_temp.msg('run:1', 'dataset:a', 'run:"1"', 'dataset:a')
                    || int4send(3) || int4send(3) || int4send(2) || int4send(1) || int4send(0) || int4send(3) || int4send(0));
-- a cycle
SELECT pg_temp.recv(pg_temp.msg('a:x', 'b:y') || int4send(2) || int4send(0) || int4send(1) || int4send(1) || int4send(0));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a self-loop through two spellings of one node
SELECT pg_temp.recv(pg_temp.msg('a:x', 'a:"x"') || int4send(1) || int4send(0) || int4send(1));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a malformed node, a bad edge index, a bad version, a bad count
SELECT pg_temp.recv(pg_temp.msg('a x') || int4send(0));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT pg_temp.recv(pg_temp.msg('a:x') || int4send(1) || int4send(0) || int4send(1));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT pg_temp.recv(int4send(7) || int4send(0) || int4send(0));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT pg_temp.recv(int4send(1) || int4send(-1));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a node over the length limit is a limit, 54000
SELECT pg_temp.recv(pg_temp.msg('dataset:' || repeat('x', 1017)) || int4send(0));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET client_min_messages;
\set SHOW_CONTEXT errors

-- ---- cancel: a long parse or build stops at statement_timeout --------------------------
-- Self-calibrating: time the full statement, then set a timeout a quarter of the way into
-- the work after the input is read, and require the cancel well before the work would end.
CREATE TEMP TABLE lin_cancel AS
  SELECT string_agg('n:' || i || ' -> n:' || (i + 1), '; ' ORDER BY i DESC) AS t FROM generate_series(1, 2000000) i;
CREATE FUNCTION pg_temp.ms(t0 text) RETURNS int LANGUAGE sql AS
$$ SELECT (extract(epoch FROM clock_timestamp() - t0::timestamptz) * 1000)::int $$;
SELECT clock_timestamp() AS t0 \gset
SELECT length(t) > 0 AS read FROM lin_cancel;
SELECT pg_temp.ms(:'t0') AS load_ms \gset
SELECT clock_timestamp() AS t0 \gset
SELECT lineage_node_count(t::lineage) FROM lin_cancel;
SELECT pg_temp.ms(:'t0') AS full_ms \gset
SELECT set_config('statement_timeout', (:load_ms + (:full_ms - :load_ms) / 4 + 1)::text, false) IS NOT NULL AS timeout_set;
SELECT clock_timestamp() AS t0 \gset
SELECT lineage_node_count(t::lineage) FROM lin_cancel;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT pg_temp.ms(:'t0') < :load_ms + (:full_ms - :load_ms) * 3 / 4 AS parse_canceled_early;
-- the same for a union of two large values (node interning, sort, cycle check)
CREATE TEMP TABLE lin_cancel2 AS SELECT t::lineage AS a, replace(left(t, 8000000), 'n:', 'm:') AS b FROM lin_cancel;
UPDATE lin_cancel2 SET b = left(b, length(b) - strpos(reverse(b), ';'));
ALTER TABLE lin_cancel2 ALTER b TYPE lineage USING b::lineage;
SELECT clock_timestamp() AS t0 \gset
SELECT lineage_node_count(a) + lineage_node_count(b) > 0 AS read FROM lin_cancel2;
SELECT pg_temp.ms(:'t0') AS load_ms \gset
SELECT clock_timestamp() AS t0 \gset
SELECT lineage_node_count(a || b) FROM lin_cancel2;
SELECT pg_temp.ms(:'t0') AS full_ms \gset
SELECT set_config('statement_timeout', (:load_ms + (:full_ms - :load_ms) / 4 + 1)::text, false) IS NOT NULL AS timeout_set;
SELECT clock_timestamp() AS t0 \gset
SELECT lineage_node_count(a || b) FROM lin_cancel2;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT pg_temp.ms(:'t0') < :load_ms + (:full_ms - :load_ms) * 3 / 4 AS union_canceled_early;
-- a canceled build leaves nothing behind: the same statement works afterwards
SELECT lineage_node_count(a || b) > 2000000 AS after_cancel FROM lin_cancel2;
