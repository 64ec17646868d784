#!/usr/bin/env bash
# Benchmark mreg.lineage against the way most registries answer lineage
# questions: a recursive CTE over an edge table.
#  1. "which model versions have node X in their provenance": GIN lookup on
#     100k lineage values (20-200 nodes each) vs a downstream recursive CTE
#     over the equivalent global edge table (btree indexes on src and dst).
#  2. upstream of a node in a 100k-node graph: mreg.upstream (C) vs an
#     upstream recursive CTE over the same edges.
# Both sides give the same answers (checked); timings are medians of RUNS
# runs, measured side by side in one session.
# Env: PGHOST PGPORT PGUSER (private cluster, see test/tools/bench.sh).
set -eu
RUNS=${LINEAGE_BENCH_RUNS:-7}
DB=mreg_bench_lineage
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
P -c "CREATE EXTENSION mreg CASCADE" 2>/dev/null

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
CREATE TABLE runs AS
  SELECT r AS run, 'code:git@' || md5((r % 500)::text) AS code,
         'model:m' || (r % 1000) || '@1.0.' || r AS model, 3 + floor(random() * 30)::int AS nfeat
    FROM generate_series(1, 100000) r;
CREATE TABLE run_feat AS
  SELECT DISTINCT r.run, 'feature:f_' || (1 + floor(random() * 20000)::int) AS feature
    FROM runs r, LATERAL generate_series(1, r.nfeat) k;
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
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM version WHERE provenance @> 'feature:f_1'::text;
SQL

P -A -t -v runs="$RUNS" <<'SQL'
SET search_path = mreg, public;
SET max_parallel_workers_per_gather = 0;   -- compare single-process plans
SET bench.runs = :runs;
CREATE TEMP TABLE timing (label text, side text, run int, wall float8, exec float8, answer bigint);
-- wall: EXECUTE of the query text (parse, plan, run); exec: executor time from EXPLAIN ANALYZE
CREATE FUNCTION pg_temp.t(label text, side text, run int, q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint; w float8; j json;
BEGIN
  t0 := clock_timestamp();
  EXECUTE q INTO n;
  w := extract(epoch FROM clock_timestamp() - t0) * 1000;
  EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) ' || q INTO j;
  INSERT INTO timing VALUES (label, side, run, w, (j->0->>'Execution Time')::float8, n);
END $$;
DO $$
DECLARE r int; x text; lab text; i int;
BEGIN
  FOR r IN 1..current_setting('bench.runs')::int + 1 LOOP
    FOR i IN 1..3 LOOP
      -- probes: a raw dataset, a feature and a code ref that some run uses, different each run
      CASE i
        WHEN 1 THEN lab := 'raw dataset';
          SELECT cs.raw INTO x FROM clean_src cs ORDER BY md5(cs.raw || r) LIMIT 1;
        WHEN 2 THEN lab := 'feature';
          SELECT rf.feature INTO x FROM run_feat rf WHERE rf.run = 1000 * r ORDER BY md5(rf.feature) LIMIT 1;
        ELSE lab := 'code ref';
          SELECT code INTO x FROM runs WHERE run = 1000 * r + 7;
      END CASE;
      PERFORM pg_temp.t('lookup: ' || lab, 'gin', r, format(
        'SELECT count(*) FROM (SELECT id FROM mreg.version WHERE provenance @> %L::text) s', x));
      PERFORM pg_temp.t('lookup: ' || lab, 'cte', r, format(
        'WITH RECURSIVE down(node) AS (SELECT %L::text UNION SELECT e.dst FROM lin_edge e JOIN down d ON e.src = d.node)
         SELECT count(*) FROM (SELECT v.id FROM down JOIN mreg.version v ON v.model = down.node) s', x));
    END LOOP;
    -- a node with ancestors in the middle of the 100k-node graph
    SELECT dst INTO x FROM big_e WHERE dst IN ('n:' || (40000 + r * 1013), 'n:' || (40001 + r * 1013), 'n:' || (40002 + r * 1013))
     ORDER BY dst LIMIT 1;
    PERFORM pg_temp.t('upstream, 100k-node graph', 'c', r, format(
      'SELECT mreg.lineage_node_count(mreg.upstream(l, %L)) FROM big', x));
    PERFORM pg_temp.t('upstream, 100k-node graph', 'cte', r, format(
      'WITH RECURSIVE up(node) AS (SELECT %L::text UNION SELECT e.src FROM big_e e JOIN up u ON e.dst = u.node)
       SELECT count(*) FROM up', x));
  END LOOP;
END $$;
-- run 1 warms the caches and is left out of the medians
SELECT '';
SELECT rpad('query', 28) || rpad('mreg ms', 9) || rpad('CTE ms', 9) || rpad('ratio', 9)
    || rpad('mreg ms', 9) || rpad('CTE ms', 9) || rpad('ratio', 9) || 'same answers';
SELECT rpad('', 28) || rpad('(executor, EXPLAIN ANALYZE)', 27) || '(wall: parse+plan+run)';
SELECT rpad(label, 28)
    || rpad(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY exec) FILTER (WHERE side <> 'cte')::numeric, 2)::text, 9)
    || rpad(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY exec) FILTER (WHERE side = 'cte')::numeric, 2)::text, 9)
    || rpad(round((percentile_cont(0.5) WITHIN GROUP (ORDER BY exec) FILTER (WHERE side = 'cte')
                 / percentile_cont(0.5) WITHIN GROUP (ORDER BY exec) FILTER (WHERE side <> 'cte'))::numeric, 1)::text || 'x', 9)
    || rpad(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall) FILTER (WHERE side <> 'cte')::numeric, 2)::text, 9)
    || rpad(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall) FILTER (WHERE side = 'cte')::numeric, 2)::text, 9)
    || rpad(round((percentile_cont(0.5) WITHIN GROUP (ORDER BY wall) FILTER (WHERE side = 'cte')
                 / percentile_cont(0.5) WITHIN GROUP (ORDER BY wall) FILTER (WHERE side <> 'cte'))::numeric, 1)::text || 'x', 9)
    || (SELECT bool_and(a.answer = b.answer) FROM timing a JOIN timing b USING (label, run)
         WHERE a.side <> 'cte' AND b.side = 'cte' AND a.label = t.label)::text
    || ' (' || min(answer) || '..' || max(answer) || ' rows)'
  FROM timing t WHERE run > 1 GROUP BY label ORDER BY label;
SQL
