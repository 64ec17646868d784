#!/usr/bin/env bash
# Benchmark mreg.lineage against the way most registries answer lineage
# questions: a recursive CTE over an edge table.
#  1. "which model versions have node X in their provenance": GIN lookup on
#     100k lineage values of 20-200 nodes each vs a downstream recursive CTE
#     over the equivalent global edge table (btree indexes on src and dst).
#  2. upstream of a node in a 100k-node graph: mreg.upstream (C) vs an
#     upstream recursive CTE over the same edges.
# Both sides run as cached plans (static statements in PL/pgSQL, the way an
# application runs prepared statements), with the same per-query overhead,
# on PROBES different nodes per class in each of RUNS runs (plus one warm-up
# run); the table shows medians over the runs of the mean time per query.
# Executor time comes from EXPLAIN ANALYZE EXECUTE of PREPAREd statements.
# Every probe's answer is compared exactly (the id sets / node sets).
# Env: PGHOST PGPORT PGUSER (private cluster, see test/tools/bench.sh).
set -eu
RUNS=${LINEAGE_BENCH_RUNS:-7}
PROBES=${LINEAGE_BENCH_PROBES:-5}
DB=mreg_bench_lineage
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
P -c "CREATE EXTENSION mreg CASCADE"

echo "lineage bench: building 100k provenance values and the equivalent edge table..."
start=$(date +%s)
P <<'SQL'
SET search_path = mreg, public;
SELECT setseed(0.2024) \g /dev/null
-- a global provenance DAG: raw datasets -> clean datasets -> features -> runs -> model versions; code -> runs
CREATE TABLE clean_src AS
  SELECT DISTINCT 'dataset:clean_' || c || '@v1' AS clean, 'dataset:raw_' || (1 + floor(random() * 2000)::int) || '@v1' AS raw
    FROM generate_series(1, 2000) c, generate_series(1, 3) k WHERE k = 1 OR random() < 0.5;
CREATE TABLE feat_src AS
  SELECT DISTINCT 'feature:f_' || f AS feature, 'dataset:clean_' || (1 + floor(random() * 2000)::int) || '@v1' AS clean
    FROM generate_series(1, 20000) f, generate_series(1, 2) k WHERE k = 1 OR random() < 0.3;
-- each run (one per model version) gets a target size uniform in 20..200 nodes and a list of 64 candidate
-- features; it keeps the longest prefix of that list whose upstream closure (plus the run, its model
-- version and its code ref) stays within the target, and at least enough features for 20 nodes
CREATE TABLE runs AS
  SELECT r AS run, 'code:git@' || md5((r % 500)::text) AS code,
         'model:m' || (r % 1000) || '@1.0.' || r AS model, 20 + floor(random() * 181)::int AS target
    FROM generate_series(1, 100000) r;
CREATE TABLE run_cand AS
  SELECT r.run, k, 'feature:f_' || (1 + floor(random() * 20000)::int) AS feature
    FROM runs r, generate_series(1, 64) k;
-- nodes after the first k candidates: 3 + the closure nodes whose first candidate is <= k
CREATE TABLE run_size AS
  SELECT run, k, 3 + sum(fresh) OVER (PARTITION BY run ORDER BY k) AS nodes
    FROM (SELECT run, k, count(*) AS fresh
            FROM (SELECT run, node, min(k) AS k
                    FROM (SELECT run, k, feature AS node FROM run_cand
                          UNION ALL SELECT rc.run, rc.k, fs.clean FROM run_cand rc JOIN feat_src fs USING (feature)
                          UNION ALL SELECT rc.run, rc.k, cs.raw
                                      FROM run_cand rc JOIN feat_src fs USING (feature) JOIN clean_src cs USING (clean)) x
                   GROUP BY run, node) y
           GROUP BY run, k) z;
CREATE TABLE run_feat AS
  SELECT DISTINCT rc.run, rc.feature
    FROM run_cand rc
    JOIN (SELECT s.run, coalesce(max(s.k) FILTER (WHERE s.nodes BETWEEN 20 AND r.target),
                                 min(s.k) FILTER (WHERE s.nodes >= 20)) AS kmax
            FROM run_size s JOIN runs r USING (run) GROUP BY s.run) c ON c.run = rc.run AND rc.k <= c.kmax;
DROP TABLE run_cand, run_size;
-- the edge table a registry keeps
CREATE TABLE lin_edge (src text NOT NULL, dst text NOT NULL);
INSERT INTO lin_edge
  SELECT raw, clean FROM clean_src
  UNION ALL SELECT clean, feature FROM feat_src
  UNION ALL SELECT feature, 'run:' || run FROM run_feat
  UNION ALL SELECT code, 'run:' || run FROM runs
  UNION ALL SELECT 'run:' || run, model FROM runs;
CREATE INDEX ON lin_edge (src);
CREATE INDEX ON lin_edge (dst);
-- one provenance value per model version: its upstream closure in the global DAG
CREATE TABLE version (id int PRIMARY KEY, model text NOT NULL, provenance lineage NOT NULL);
INSERT INTO version
  SELECT x.run, r.model, lineage_agg(x.src, x.dst)
    FROM (SELECT run, 'run:' || run AS src, model AS dst FROM runs
          UNION ALL SELECT run, code, 'run:' || run FROM runs
          UNION ALL SELECT run, feature, 'run:' || run FROM run_feat
          UNION ALL SELECT rf.run, fs.clean, fs.feature FROM run_feat rf JOIN feat_src fs USING (feature)
          UNION ALL SELECT rf.run, cs.raw, cs.clean FROM run_feat rf JOIN feat_src fs USING (feature) JOIN clean_src cs USING (clean)
         ) x JOIN runs r USING (run)
   GROUP BY x.run, r.model;
CREATE INDEX ON version (model);
CREATE INDEX version_prov_gin ON version USING gin (provenance);
-- a 100k-node DAG as one value and as an edge table
CREATE TABLE big_e AS
  SELECT DISTINCT 'n:' || i AS src, 'n:' || (i + 1 + floor(random() * 50)::int) AS dst
    FROM generate_series(1, 100000) i, generate_series(1, 3) k WHERE i + 50 <= 100000;
CREATE INDEX ON big_e (dst);
CREATE TABLE big AS SELECT lineage_agg(src, dst) AS l FROM big_e;
VACUUM ANALYZE;
SQL
echo "built in $(( $(date +%s) - start ))s"
P -A -t <<'SQL'
SET search_path = mreg, public;
SELECT format('values: %s, nodes per value min/avg/max: %s/%s/%s, edge table rows: %s, big graph: %s nodes %s edges',
       count(*), min(lineage_node_count(provenance)), round(avg(lineage_node_count(provenance))),
       max(lineage_node_count(provenance)), (SELECT count(*) FROM lin_edge),
       (SELECT lineage_node_count(l) FROM big), (SELECT lineage_edge_count(l) FROM big))
  FROM version;
SELECT format('sizes: version table+toast %s, GIN index %s, edge table %s + indexes %s',
       pg_size_pretty(pg_table_size('version')), pg_size_pretty(pg_relation_size('version_prov_gin')),
       pg_size_pretty(pg_table_size('lin_edge')), pg_size_pretty(pg_indexes_size('lin_edge')));
DO $$ BEGIN
  IF (SELECT min(lineage_node_count(provenance)) < 20 OR max(lineage_node_count(provenance)) > 200 FROM version) THEN
    RAISE EXCEPTION 'generator bug: a value has fewer than 20 or more than 200 nodes';
  END IF;
END $$;
SQL

P -A -t -v runs="$RUNS" -v probes="$PROBES" <<'SQL'
SET search_path = mreg, public;
SET max_parallel_workers_per_gather = 0;   -- compare single-process plans
SET jit = off;                             -- JIT would only slow the CTE side down
-- probe nodes, different in every run; run 1 warms the caches and plans and is left out of the medians
CREATE TEMP TABLE cand AS
  SELECT DISTINCT 'lookup: code ref' AS class, code AS node FROM runs
  UNION ALL SELECT DISTINCT 'lookup: feature', feature FROM run_feat
  UNION ALL SELECT DISTINCT 'lookup: raw dataset', raw FROM clean_src
  UNION ALL SELECT DISTINCT 'upstream, 100k-node graph', dst FROM big_e WHERE substr(dst, 3)::int BETWEEN 40000 AND 60000;
CREATE TEMP TABLE probe AS
  SELECT r AS run, c.class, x.node
    FROM generate_series(1, :runs + 1) r, (SELECT DISTINCT class FROM cand) c,
         LATERAL (SELECT node FROM cand WHERE cand.class = c.class ORDER BY md5(node || r) LIMIT :probes) x;
CREATE TEMP TABLE timing (run int, class text, node text, side text, wall float8, exec float8, answer bigint);
CREATE TEMP TABLE checked (run int, class text, node text, same bool);

-- The lookup CTE runs twice: "planned" as the planner plans it, and "tuned" with hash and merge joins
-- off.  The planner cannot estimate a recursive CTE's size (it guesses thousands of rows) and joins the
-- reached nodes to the 100k versions by hashing the whole table; tuned, it probes version(model) by
-- index, which is what a registry would tune its query to.  Each statement below has its own cached
-- plan, planned under the settings set just before it runs.
CREATE FUNCTION pg_temp.tuned(on_ bool) RETURNS void LANGUAGE sql AS $$
  SELECT set_config('enable_hashjoin', CASE WHEN on_ THEN 'off' ELSE 'on' END, false),
         set_config('enable_mergejoin', CASE WHEN on_ THEN 'off' ELSE 'on' END, false) $$;

-- the application's queries as prepared statements (for EXPLAIN ANALYZE EXECUTE)
PREPARE gin_lookup(text) AS
  SELECT count(*), sum(id) FROM mreg.version WHERE provenance @> $1;
PREPARE cte_lookup(text) AS
  WITH RECURSIVE down(node) AS (SELECT $1 UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
  SELECT count(*), sum(v.id) FROM down JOIN mreg.version v ON v.model = down.node;
PREPARE cte_lookup_tuned(text) AS
  WITH RECURSIVE down(node) AS (SELECT $1 UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
  SELECT count(*), sum(v.id) FROM down JOIN mreg.version v ON v.model = down.node;
PREPARE c_upstream(text) AS
  SELECT mreg.lineage_node_count(mreg.upstream(l, $1)) FROM big;
PREPARE cte_upstream(text) AS
  WITH RECURSIVE up(node) AS (SELECT $1 UNION SELECT e.src FROM big_e e JOIN up u ON e.dst = u.node)
  SELECT count(*) FROM up;

-- the same queries as static PL/pgSQL statements (cached plans, like an application's prepared
-- statements), each timed the same way.  One pass per side over the run's probes, so that a side's
-- queries do not run in the CPU caches another side's queries left behind.
CREATE FUNCTION pg_temp.timed(p_run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE p record; sd text; t0 timestamptz; w float8; n bigint; s bigint;
BEGIN
  FOREACH sd IN ARRAY ARRAY['mreg', 'cte_tuned', 'cte'] LOOP
    PERFORM pg_temp.tuned(sd = 'cte_tuned');
    FOR p IN SELECT * FROM probe WHERE run = p_run AND (class LIKE 'lookup%' OR sd <> 'cte_tuned') ORDER BY class, node LOOP
      t0 := clock_timestamp();
      IF p.class LIKE 'lookup%' AND sd = 'mreg' THEN
        SELECT count(*), sum(id) INTO n, s FROM mreg.version WHERE provenance @> p.node;
      ELSIF p.class LIKE 'lookup%' AND sd = 'cte' THEN
        WITH RECURSIVE down(node) AS (SELECT p.node UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
        SELECT count(*), sum(v.id) INTO n, s FROM down JOIN mreg.version v ON v.model = down.node;
      ELSIF p.class LIKE 'lookup%' THEN
        WITH RECURSIVE down(node) AS (SELECT p.node UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
        SELECT count(*), sum(v.id) INTO n, s FROM down JOIN mreg.version v ON v.model = down.node;
      ELSIF sd = 'mreg' THEN
        SELECT mreg.lineage_node_count(mreg.upstream(l, p.node)) INTO n FROM big;
      ELSE
        WITH RECURSIVE up(node) AS (SELECT p.node UNION SELECT e.src FROM big_e e JOIN up u ON e.dst = u.node)
        SELECT count(*) INTO n FROM up;
      END IF;
      w := 1000 * extract(epoch FROM clock_timestamp() - t0);
      INSERT INTO timing VALUES (p.run, p.class, p.node, sd, w, NULL, n);
    END LOOP;
  END LOOP;
  PERFORM pg_temp.tuned(false);
END $$;

-- executor time of the prepared statements, the same order
CREATE FUNCTION pg_temp.explained(p_run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE p record; j json; sd text; st text;
BEGIN
  FOREACH sd IN ARRAY ARRAY['mreg', 'cte_tuned', 'cte'] LOOP
    PERFORM pg_temp.tuned(sd = 'cte_tuned');
    FOR p IN SELECT * FROM probe WHERE run = p_run AND (class LIKE 'lookup%' OR sd <> 'cte_tuned') ORDER BY class, node LOOP
      st := CASE WHEN p.class LIKE 'lookup%' THEN CASE sd WHEN 'mreg' THEN 'gin_lookup' WHEN 'cte' THEN 'cte_lookup'
                                                          ELSE 'cte_lookup_tuned' END
                 ELSE CASE sd WHEN 'mreg' THEN 'c_upstream' ELSE 'cte_upstream' END END;
      EXECUTE format('EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) EXECUTE %I(%L)', st, p.node) INTO j;
      UPDATE timing SET exec = (j->0->>'Execution Time')::float8 WHERE run = p.run AND node = p.node AND side = sd;
    END LOOP;
  END LOOP;
  PERFORM pg_temp.tuned(false);
END $$;

-- exact answers on both sides: the id sets of the model versions, the ancestor node sets
CREATE FUNCTION pg_temp.check(p_run int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE p record; a text[]; b text[];
BEGIN
  FOR p IN SELECT * FROM probe WHERE run = p_run LOOP
    IF p.class LIKE 'lookup%' THEN
      SELECT array_agg(id::text ORDER BY id) INTO a FROM mreg.version WHERE provenance @> p.node;
      WITH RECURSIVE down(node) AS (SELECT p.node UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
      SELECT array_agg(v.id::text ORDER BY v.id) INTO b FROM down JOIN mreg.version v ON v.model = down.node;
    ELSE
      SELECT array_agg(n ORDER BY n) INTO a FROM big, mreg.lineage_nodes(mreg.upstream(l, p.node)) n;
      WITH RECURSIVE up(node) AS (SELECT p.node UNION SELECT e.src FROM big_e e JOIN up u ON e.dst = u.node)
      SELECT array_agg(node ORDER BY node) INTO b FROM up;
    END IF;
    INSERT INTO checked VALUES (p.run, p.class, p.node, a IS NOT DISTINCT FROM b AND a IS NOT NULL);
  END LOOP;
END $$;

SELECT pg_temp.timed(r), pg_temp.explained(r), pg_temp.check(r) FROM generate_series(1, :runs + 1) r \g /dev/null

-- the plans the cached statements settled on ("$1" in a condition: a generic plan, planned once)
SELECT '';
SELECT '--- cached plans after warm-up: GIN lookup, CTE lookup as planned, CTE lookup tuned, C upstream, CTE upstream';
EXPLAIN (COSTS OFF) EXECUTE gin_lookup('dataset:raw_1@v1');
EXPLAIN (COSTS OFF) EXECUTE cte_lookup('dataset:raw_1@v1');
SELECT pg_temp.tuned(true) \g /dev/null
EXPLAIN (COSTS OFF) EXECUTE cte_lookup_tuned('dataset:raw_1@v1');
SELECT pg_temp.tuned(false) \g /dev/null
EXPLAIN (COSTS OFF) EXECUTE c_upstream('n:50000');
EXPLAIN (COSTS OFF) EXECUTE cte_upstream('n:50000');
SELECT '';
SELECT format('%-26s %-9s %9s %9s %7s %9s %9s %7s  %s', 'query', 'CTE plan', 'mreg ms', 'CTE ms', 'ratio',
              'mreg ms', 'CTE ms', 'ratio', 'same answers');
SELECT format('%-36s %27s %27s', '', '(executor, EXPLAIN ANALYZE)', '(prepared, per query)');
WITH per_run AS (   -- mean per query over the run's probes
  SELECT class, side, run, avg(wall) AS wall, avg(exec) AS exec FROM timing WHERE run > 1 GROUP BY class, side, run),
med AS (
  SELECT class, side, percentile_cont(0.5) WITHIN GROUP (ORDER BY exec) AS exec,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY wall) AS wall
    FROM per_run GROUP BY class, side)
SELECT format('%-26s %-9s %9s %9s %7s %9s %9s %7s  %s', c.class, CASE c.side WHEN 'cte' THEN 'planned' ELSE 'tuned' END,
              round(m.exec::numeric, 3), round(c.exec::numeric, 2), round((c.exec / m.exec)::numeric, 1) || 'x',
              round(m.wall::numeric, 3), round(c.wall::numeric, 2), round((c.wall / m.wall)::numeric, 1) || 'x',
              (SELECT bool_and(k.same) AND bool_and(a.answer = b.answer) FROM checked k
                 JOIN timing a ON a.run = k.run AND a.node = k.node AND a.side = 'mreg'
                 JOIN timing b ON b.run = k.run AND b.node = k.node AND b.side = c.side
                WHERE k.class = c.class)::text
              || (SELECT format(' (%s..%s rows, %s probes)', min(answer), max(answer), count(*))
                    FROM timing t WHERE t.class = c.class AND t.side = 'mreg'))
  FROM med m JOIN med c ON c.class = m.class AND c.side <> 'mreg' AND m.side = 'mreg'
 ORDER BY c.class, c.side;
SQL
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
