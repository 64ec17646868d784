#!/usr/bin/env bash
# Registry core benchmarks (make bench; not part of pass/fail):
#  1. registration throughput: mreg.register_model_version() vs plain INSERTs
#     of the same rows (version, artifact, lineage edge) into trigger-free
#     copies of the tables: what the API's checks, triggers and snapshot cost;
#  2. impact(): model versions whose provenance contains a dataset version, on
#     100k versions, via the GIN index vs a recursive CTE over the edge table
#     that returns the same rows (and one that only counts them).
# Ratios of medians over REPS runs, measured side by side in one session.
set -eu
N=${MREG_BENCH_REGISTER:-2000}; V=${MREG_BENCH_VERSIONS:-100000}; REPS=${MREG_BENCH_REPS:-5}
DB=mreg_bench_registry
psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" postgres
trap 'psql -X -q -c "DROP DATABASE IF EXISTS $DB" postgres >/dev/null 2>&1' EXIT
psql -X -q -At -v ON_ERROR_STOP=1 -d $DB <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mreg CASCADE;
SET search_path = public, mreg;
SET bench.n = $N; SET bench.v = $V; SET bench.reps = $REPS;
CREATE TABLE timings (bench text, variant text, rep int, ms float8);

-- ---------------------------------------------------------------- 1. registration
SELECT mreg.create_project('b') \\gset
SELECT count(mreg.register_dataset_version('b', 'ds' || k, 'v1', 's3://d/' || k)) AS datasets FROM generate_series(1, 1000) k \\gset
SELECT set_config('bench.run', mreg.log_run('b', 'e', '{"lr": 0.1}', '{}', ARRAY['dataset:ds1@v1'])::text, false) AS run \\gset
CREATE TABLE plain_mv (LIKE mreg.model_version INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS);
ALTER TABLE plain_mv ADD PRIMARY KEY (id), ADD UNIQUE (model_id, version);
CREATE TABLE plain_artifact (LIKE mreg.artifact INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS);
ALTER TABLE plain_artifact ADD PRIMARY KEY (id);
CREATE TABLE plain_edge (LIKE mreg.lineage_edge INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS);
ALTER TABLE plain_edge ADD PRIMARY KEY (id), ADD UNIQUE (src, dst);

DO \$\$
DECLARE
    n int := current_setting('bench.n')::int;
    reps int := current_setting('bench.reps')::int;
    rid bigint := current_setting('bench.run')::bigint;
    pid bigint := (SELECT id FROM mreg.project WHERE name = 'b');
    t timestamptz;
    mid bigint;
    vid bigint;
BEGIN
    FOR r IN 1..reps LOOP
        t := clock_timestamp();
        FOR i IN 1..n LOOP
            PERFORM mreg.register_model_version('b', 'api' || r, format('1.0.%s', i)::mreg.semver, rid,
                     jsonb_build_array(jsonb_build_object('name', 'w', 'kind', 'binary', 'uri', 's3://m/' || i,
                                                          'sha256', encode(sha256(i::text::bytea), 'hex'))),
                     '{"threshold": 0.5}');
        END LOOP;
        INSERT INTO timings VALUES ('register', 'api', r, extract(epoch FROM clock_timestamp() - t) * 1000);
        mid := mreg.register_model('b', 'plain' || r);
        t := clock_timestamp();
        FOR i IN 1..n LOOP
            INSERT INTO plain_edge (project_id, src, dst) VALUES (pid, 'run:' || rid, format('b/model:plain%s@1.0.%s', r, i));
            INSERT INTO plain_mv (project_id, model_id, version, run_id, metadata)
            VALUES (pid, mid, format('1.0.%s', i)::mreg.semver, rid, '{"threshold": 0.5}') RETURNING id INTO vid;
            INSERT INTO plain_artifact (project_id, model_version_id, name, kind, uri, sha256)
            VALUES (pid, vid, 'w', 'binary', 's3://m/' || i, encode(sha256(i::text::bytea), 'hex'));
        END LOOP;
        INSERT INTO timings VALUES ('register', 'plain', r, extract(epoch FROM clock_timestamp() - t) * 1000);
    END LOOP;
END
\$\$;

-- ---------------------------------------------------------------- 2. impact on V versions
-- Synthetic registry (setup, not timed), lineage four levels deep like a
-- real one: 1000 raw dataset versions -> 1000 cleaned datasets (each from 2
-- raw) -> 200 features (each from 3 cleaned) -> V runs (each on 2 cleaned
-- datasets, 3 features and a code ref) -> V model versions of 1000 models.
-- The same graph is in the live edge table for the recursive CTE.
SELECT setseed(0.7);
INSERT INTO mreg.model (project_id, name) SELECT (SELECT id FROM mreg.project WHERE name = 'b'), 'm' || j FROM generate_series(1, 1000) j;
CREATE TEMP TABLE clean_up AS
SELECT 'clean:c' || c AS node, 'b/dataset:ds' || r || '@v1' AS up
  FROM generate_series(1, 1000) c, LATERAL (VALUES ((c * 2) % 1000 + 1), ((c * 7 + 3) % 1000 + 1)) v(r);
CREATE TEMP TABLE feat_up AS
SELECT 'b/feature:f' || f AS node, 'clean:c' || c AS up
  FROM generate_series(1, 200) f, LATERAL (VALUES ((f * 3) % 1000 + 1), ((f * 11 + 5) % 1000 + 1), ((f * 17 + 9) % 1000 + 1)) v(c);
CREATE TEMP TABLE g AS
SELECT i, 'm' || (1 + i % 1000) AS model, format('1.%s.0', i / 1000) AS ver,
       ARRAY['clean:c' || (1 + (random() * 999)::int), 'clean:c' || (1 + (random() * 999)::int),
             'b/feature:f' || (1 + (random() * 199)::int), 'b/feature:f' || (1 + (random() * 199)::int),
             'b/feature:f' || (1 + (random() * 199)::int), 'code:git@' || substr(md5(i::text), 1, 8)] AS ups
  FROM generate_series(1, current_setting('bench.v')::int) i;
INSERT INTO mreg.lineage_edge (project_id, src, dst)
SELECT 1, up, node FROM clean_up UNION SELECT 1, up, node FROM feat_up
UNION SELECT 1, u, 'srun:' || i FROM g, unnest(ups) u
UNION SELECT 1, 'srun:' || i, 'b/model:' || model || '@' || ver FROM g
ON CONFLICT DO NOTHING;
-- provenance = the run's inputs, their upstream, the run and the version,
-- project b's nodes relative
INSERT INTO mreg.model_version (project_id, model_id, version, provenance)
SELECT 1, m.id, g.ver::mreg.semver,
       -- a snapshot names its own project's nodes relative (as the API writes it)
       (SELECT mreg.lineage_agg(regexp_replace(x.src, '^b/', ''), regexp_replace(x.dst, '^b/', '')) FROM (
            SELECT u AS src, 'srun:' || g.i AS dst FROM unnest(g.ups) u
            UNION SELECT f.up, f.node FROM feat_up f WHERE f.node = ANY (g.ups)
            UNION SELECT c.up, c.node FROM clean_up c
                   WHERE c.node = ANY (g.ups) OR c.node IN (SELECT f.up FROM feat_up f WHERE f.node = ANY (g.ups))
            UNION SELECT 'srun:' || g.i, format('b/model:%s@%s', g.model, g.ver)) x)
  FROM g JOIN mreg.model m ON m.name = g.model AND m.project_id = 1;
ANALYZE;
SELECT format('impact setup: %s versions, %s live edges, %s nodes per provenance on average',
              count(*), (SELECT count(*) FROM mreg.lineage_edge),
              round(avg((SELECT count(*) FROM mreg.lineage_nodes(v.provenance)))))
  FROM mreg.model_version v WHERE v.model_id IN (SELECT id FROM mreg.model WHERE name LIKE 'm%');

-- impact() answers rows (version, project, model, status, depth), ordered;
-- the baseline a user would write for the same rows: a recursive CTE over the
-- edge table keeping the shortest depth, joined back to the versions.  Also
-- timed: the CTE that only counts the model nodes it reaches (a lower bound).
CREATE FUNCTION pg_temp.cte_impact(start text) RETURNS TABLE (model_version_id bigint, project text, model text,
                                                                version mreg.semver, status text, depth int)
LANGUAGE sql STABLE AS \$f\$
    WITH RECURSIVE down(n, d) AS (
        SELECT start, 0
        UNION
        SELECT e.dst, down.d + 1 FROM down JOIN mreg.lineage_edge e ON e.src = down.n WHERE down.d < 50
    ), reached AS (
        SELECT n, min(d) AS d FROM down WHERE n LIKE '%/model:%@%' GROUP BY n
    )
    SELECT v.id, p.name, m.name, v.version, v.status, r.d
      FROM reached r
      JOIN mreg.project p ON p.name = split_part(r.n, '/', 1)
      JOIN mreg.model m ON m.project_id = p.id AND m.name = split_part(split_part(r.n, '/model:', 2), '@', 1)
      JOIN mreg.model_version v ON v.model_id = m.id AND v.version = split_part(r.n, '@', 2)::mreg.semver
     WHERE v.status <> 'draft'
     ORDER BY 6, 2, 3, 4
\$f\$;
DO \$\$
DECLARE
    reps int := current_setting('bench.reps')::int;
    t timestamptz;
    a text; b text; c bigint;
    node text;
BEGIN
    FOR r IN 1..reps LOOP
        t := clock_timestamp();
        FOR q IN 1..20 LOOP
            node := 'dataset:ds' || (q * 37 + r) % 1000 + 1 || '@v1';
            SELECT md5(string_agg(i::text, ',')) INTO a FROM mreg.impact(node) i;
        END LOOP;
        INSERT INTO timings VALUES ('impact', 'gin', r, extract(epoch FROM clock_timestamp() - t) * 1000 / 20);
        t := clock_timestamp();
        FOR q IN 1..20 LOOP
            node := 'b/dataset:ds' || (q * 37 + r) % 1000 + 1 || '@v1';
            SELECT md5(string_agg(i::text, ',')) INTO b FROM pg_temp.cte_impact(node) i;
        END LOOP;
        INSERT INTO timings VALUES ('impact', 'recursive_cte', r, extract(epoch FROM clock_timestamp() - t) * 1000 / 20);
        IF a IS DISTINCT FROM b THEN
            RAISE EXCEPTION 'impact() and the recursive CTE disagree on %', node;
        END IF;
        t := clock_timestamp();
        FOR q IN 1..20 LOOP
            node := 'b/dataset:ds' || (q * 37 + r) % 1000 + 1 || '@v1';
            WITH RECURSIVE down(n) AS (
                SELECT node
                UNION
                SELECT e.dst FROM down JOIN mreg.lineage_edge e ON e.src = down.n
            )
            SELECT count(*) INTO c FROM down WHERE down.n LIKE '%/model:%@%';
        END LOOP;
        INSERT INTO timings VALUES ('impact', 'count_cte', r, extract(epoch FROM clock_timestamp() - t) * 1000 / 20);
        RAISE NOTICE 'rep %: the last node reaches % versions', r, c;
    END LOOP;
END
\$\$;

SELECT format('%-10s %-14s median %s ms  (%s runs)', bench, variant,
              lpad(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2)::text, 10), count(*))
  FROM timings GROUP BY bench, variant ORDER BY bench, variant;
WITH m AS (SELECT bench, variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM timings GROUP BY 1, 2)
SELECT format('register: API / plain INSERT = %s x  (%s registrations per second through the API)',
              round((SELECT ms FROM m WHERE variant = 'api')::numeric / (SELECT ms FROM m WHERE variant = 'plain')::numeric, 2),
              round(current_setting('bench.n')::numeric / ((SELECT ms FROM m WHERE variant = 'api')::numeric / 1000)))
UNION ALL
SELECT format('impact:   recursive CTE / GIN impact() = %s x  (the same rows, on %s versions); counting CTE / impact() = %s x',
              round((SELECT ms FROM m WHERE variant = 'recursive_cte')::numeric / (SELECT ms FROM m WHERE variant = 'gin')::numeric, 1),
              current_setting('bench.v'),
              round((SELECT ms FROM m WHERE variant = 'count_cte')::numeric / (SELECT ms FROM m WHERE variant = 'gin')::numeric, 1));
SQL
