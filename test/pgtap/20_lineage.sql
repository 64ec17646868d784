-- mreg.lineage at scale and against a reference: huge values (100k nodes)
-- and upstream/downstream compared with recursive CTEs on random DAGs.
BEGIN;
SELECT plan(21);
SET LOCAL search_path = mreg, public;
-- a quadratic parse or traversal of 100k nodes would not finish in time
SET LOCAL statement_timeout = '60s';

-- ---- a 100k-node chain -------------------------------------------------------
CREATE TEMP TABLE big_text AS
  SELECT string_agg('step:n' || i || ' -> step:n' || (i + 1), '; ' ORDER BY i DESC) AS t
    FROM generate_series(1, 99999) i;
CREATE TEMP TABLE big AS SELECT t::lineage AS l FROM big_text;

SELECT is((SELECT lineage_node_count(l) FROM big), 100000, '100k-node chain parses: 100000 nodes');
SELECT is((SELECT lineage_edge_count(l) FROM big), 99999, '... and 99999 edges');
SELECT is((SELECT l::text::lineage = l FROM big), true, 'output of 100k nodes parses back to the same value');
SELECT is((SELECT length(l::text) FROM big), (SELECT length(t) FROM big_text),
          'canonical text has the same length as the input (already canonical but for order)');
SELECT is((SELECT count(*) FROM big, lineage_nodes(l)), 100000::bigint, 'lineage_nodes returns 100000 rows');
SELECT is((SELECT lineage_node_count(upstream(l, 'step:n50000')) FROM big), 50000,
          'upstream of the middle node has 50000 nodes');
SELECT is((SELECT lineage_node_count(downstream(l, 'step:n50000')) FROM big), 50001,
          'downstream of the middle node has 50001 nodes');
SELECT is((SELECT upstream(l, 'step:n100000') = l FROM big), true, 'upstream of the sink is the whole chain');
SELECT ok((SELECT l @> 'step:n77777'::text AND NOT l @> 'step:n100001'::text FROM big), 'node lookup in a 100k-node value');
SELECT throws_ok($$SELECT l || 'step:n100000 -> step:n1'::lineage FROM big$$, '23514', NULL,
                 'closing the 100k chain into a cycle is refused');
SELECT ok(pg_column_size((SELECT l FROM big)) < (SELECT octet_length(t) FROM big_text),
          'stored value is smaller than its text');

-- ---- a 100k-node random DAG from lineage_agg ----------------------------------
SELECT setseed(0.42);
CREATE TEMP TABLE wide_e AS
  SELECT DISTINCT 'n:' || i AS src, 'n:' || (i + 1 + floor(random() * 50)::int) AS dst
    FROM generate_series(1, 100000) i, generate_series(1, 3) k
   WHERE i + 50 <= 100000;
CREATE TEMP TABLE wide AS SELECT lineage_agg(src, dst) AS l FROM wide_e;
CREATE INDEX ON wide_e (dst);
ANALYZE wide_e;
SELECT is((SELECT lineage_edge_count(l) FROM wide), (SELECT count(*)::int FROM wide_e),
          'random 100k-node DAG: every distinct edge kept');
SELECT is((SELECT count(*) FROM wide, lineage_edges(l) e
            WHERE NOT EXISTS (SELECT 1 FROM wide_e w WHERE w.src = e.src AND w.dst = e.dst)), 0::bigint,
          '... and no edge invented');
-- upstream of a node deep in the graph against a recursive CTE over the same edges
CREATE TEMP TABLE wide_up AS
  WITH RECURSIVE up(node) AS (
      SELECT 'n:60000'::text
    UNION
      SELECT e.src FROM wide_e e JOIN up ON e.dst = up.node)
  SELECT node FROM up;
SELECT is((SELECT count(*) FROM wide, lineage_nodes(upstream(l, 'n:60000')) n), (SELECT count(*) FROM wide_up),
          'upstream in a 100k-node DAG: as many nodes as the recursive CTE finds');
SELECT is((SELECT count(*) FROM (SELECT n FROM wide, lineage_nodes(upstream(l, 'n:60000')) n
                                 EXCEPT SELECT node FROM wide_up) d), 0::bigint,
          '... and the same nodes');

-- ---- random DAGs against recursive CTEs ----------------------------------------
CREATE FUNCTION pg_temp.dag_check(nseeds int, picks int) RETURNS TABLE (checks int, mismatches int)
LANGUAGE plpgsql AS $fn$
DECLARE
    s int; n int; l mreg.lineage; shuffled mreg.lineage; t text; dir text;
    kinds text[] := ARRAY['dataset', 'feature', 'run', 'model', 'code', 'pipeline'];
BEGIN
    checks := 0; mismatches := 0;
    CREATE TEMP TABLE IF NOT EXISTS dag_e (src text, dst text);
    FOR s IN 1..nseeds LOOP
        PERFORM setseed(s / (nseeds + 1.0));
        TRUNCATE dag_e;
        n := 10 + floor(random() * 150)::int;
        -- node i may feed nodes i+1 .. i+12; some names need quoting
        INSERT INTO dag_e
          SELECT mreg.lineage_node(kinds[1 + i % 6] || ':' || CASE WHEN i % 7 = 0 THEN '"n ' || i || '"' ELSE 'n' || i END),
                 mreg.lineage_node(kinds[1 + j % 6] || ':' || CASE WHEN j % 7 = 0 THEN '"n ' || j || '"' ELSE 'n' || j END)
            FROM generate_series(1, n) i, generate_series(1, 12) d, LATERAL (SELECT i + d AS j) jj
           WHERE j <= n AND random() < 0.25;
        -- some lone nodes
        INSERT INTO dag_e SELECT 'misc:lone' || i, NULL FROM generate_series(1, 1 + s % 3) i;
        SELECT mreg.lineage_agg(src, dst) INTO l FROM dag_e;
        -- the same edges in another order give the same value
        SELECT mreg.lineage_agg(src, dst ORDER BY random()) INTO shuffled FROM dag_e;
        checks := checks + 1;
        IF l IS DISTINCT FROM shuffled THEN mismatches := mismatches + 1; END IF;
        FOR t IN SELECT x FROM mreg.lineage_nodes(l) x ORDER BY random() LIMIT picks LOOP
            FOREACH dir IN ARRAY ARRAY['up', 'down'] LOOP
                checks := checks + 1;
                IF dir = 'up' THEN
                    PERFORM 1 WHERE mreg.upstream(l, t) IS DISTINCT FROM (
                        WITH RECURSIVE r(node) AS (
                            SELECT t UNION SELECT e.src FROM dag_e e JOIN r ON e.dst = r.node)
                        SELECT mreg.lineage_agg(e.src, e.dst)
                          FROM (SELECT src, dst FROM dag_e
                                 WHERE dst IS NOT NULL AND src IN (SELECT node FROM r) AND dst IN (SELECT node FROM r)
                                UNION ALL SELECT t, NULL) e);
                ELSE
                    PERFORM 1 WHERE mreg.downstream(l, t) IS DISTINCT FROM (
                        WITH RECURSIVE r(node) AS (
                            SELECT t UNION SELECT e.dst FROM dag_e e JOIN r ON e.src = r.node WHERE e.dst IS NOT NULL)
                        SELECT mreg.lineage_agg(e.src, e.dst)
                          FROM (SELECT src, dst FROM dag_e
                                 WHERE dst IS NOT NULL AND src IN (SELECT node FROM r) AND dst IN (SELECT node FROM r)
                                UNION ALL SELECT t, NULL) e);
                END IF;
                IF FOUND THEN
                    mismatches := mismatches + 1;
                    RAISE NOTICE 'seed % node % %: mismatch', s, t, dir;
                END IF;
            END LOOP;
        END LOOP;
        -- nodes and edges listed back are exactly the input's
        checks := checks + 1;
        IF EXISTS (SELECT src, dst FROM dag_e WHERE dst IS NOT NULL EXCEPT SELECT * FROM mreg.lineage_edges(l))
           OR EXISTS (SELECT * FROM mreg.lineage_edges(l) EXCEPT SELECT src, dst FROM dag_e)
           OR (SELECT count(*) FROM mreg.lineage_nodes(l)) <>
              (SELECT count(DISTINCT x) FROM dag_e, LATERAL (VALUES (src), (dst)) v(x) WHERE x IS NOT NULL) THEN
            mismatches := mismatches + 1;
        END IF;
    END LOOP;
    RETURN NEXT;
END
$fn$;

CREATE TEMP TABLE dag_result AS SELECT * FROM pg_temp.dag_check(60, 6);
SELECT is((SELECT mismatches FROM dag_result), 0, 'upstream/downstream equal the recursive CTE on 60 random DAGs');
SELECT is((SELECT checks FROM dag_result), 60 * (2 + 6 * 2), '... over 840 checks (every pick made)');

-- the reference detects a wrong answer: a lineage missing one edge differs
SELECT isnt((SELECT lineage_agg(src, dst) FROM dag_e),
            (SELECT lineage_agg(src, dst) FROM (SELECT * FROM dag_e WHERE dst IS NOT NULL OFFSET 1) x),
            'dropping one edge changes the value (the comparison can fail)');

-- subgraph and overlap against set logic on the last DAG
SELECT ok((SELECT bool_and(l @> lineage_edge(src, dst)) FROM dag_e, (SELECT lineage_agg(src, dst) AS l FROM dag_e) g
            WHERE dst IS NOT NULL), 'every edge is contained in the DAG');
SELECT ok((SELECT NOT bool_or(l @> lineage_edge(dst, src)) FROM dag_e, (SELECT lineage_agg(src, dst) AS l FROM dag_e) g
            WHERE dst IS NOT NULL), 'no reversed edge is contained in the DAG');
SELECT ok((SELECT bool_and(l && lineage_edge(src, 'zz:outside')) FROM dag_e, (SELECT lineage_agg(src, dst) AS l FROM dag_e) g),
          'every edge touching a DAG node overlaps it');

SELECT * FROM finish();
ROLLBACK;
