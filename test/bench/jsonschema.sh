#!/usr/bin/env bash
# Benchmark: metadata validation with mreg.jsonb_matches_schema.
# Runs against the private cluster of `make bench` (PGHOST/PGPORT/PGUSER set).
# Prints ratios of medians (7 interleaved runs) over 100000 metadata documents:
#   - the C validator against the same rules hand-written as a SQL expression,
#   - a schema that changes every row (compiled every row) against one schema
#     (compiled once per query and cached),
#   - listing all violations against the boolean check.
# The three ratios also go to $MREG_BENCH_REPORT when set (label<TAB>value
# lines, for doc/benchmarks.md: see test/tools/bench.sh).
set -eu -o pipefail
REPORT=${MREG_BENCH_REPORT:-/dev/null}
DB=mreg_bench_jsonschema
PGOPTIONS='-c client_min_messages=warning' psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $DB <<'SQL' | tee >(awk -F'|' 'NF == 2 && $1 ~ / \/ / { gsub(/^ +| +$/, "", $1); gsub(/ /, "", $2); print $1 "\t" $2 }' >>"$REPORT")
SET client_min_messages = warning;
CREATE EXTENSION mreg CASCADE;
CREATE TABLE docs AS
SELECT i, jsonb_build_object(
         'owner', CASE WHEN i % 50 = 0 THEN 'Bad Owner' ELSE 'team' || (i % 40) END,
         'framework', (ARRAY['sklearn', 'xgboost', 'pytorch'])[1 + i % 3],
         'threshold', (i % 100) / 100.0 + 0.005,
         'metrics', jsonb_build_array(jsonb_build_object('name', 'auc', 'value', (i % 97) / 100.0),
                                      jsonb_build_object('name', 'f1', 'value', (i % 89) / 100.0))) AS d
  FROM generate_series(1, 100000) i;
CREATE TABLE sch(s jsonb);
INSERT INTO sch VALUES ('{
  "type": "object", "required": ["owner", "framework", "metrics"], "additionalProperties": false,
  "properties": {
    "owner": {"type": "string", "pattern": "^[a-z][a-z0-9_.-]*$"},
    "framework": {"enum": ["sklearn", "xgboost", "pytorch"]},
    "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "metrics": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["name", "value"],
       "properties": {"name": {"type": "string"}, "value": {"type": "number", "minimum": 0, "maximum": 1}}}}}}');
ANALYZE docs;

CREATE FUNCTION pg_temp.ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; n bigint;
BEGIN t0 := clock_timestamp(); EXECUTE q INTO n;
      RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END $$;

CREATE TEMP TABLE q(name text, sql text);
INSERT INTO q VALUES
 ('c_validator', $q$SELECT count(*) FROM docs, sch WHERE mreg.jsonb_matches_schema(s, d)$q$),
 ('sql_expression', $q$SELECT count(*) FROM docs WHERE
     jsonb_typeof(d) = 'object' AND d ?& ARRAY['owner', 'framework', 'metrics']
     AND NOT EXISTS (SELECT FROM jsonb_object_keys(d) k WHERE k NOT IN ('owner', 'framework', 'threshold', 'metrics'))
     AND jsonb_typeof(d->'owner') = 'string' AND (d->>'owner') COLLATE "C" ~ '^[a-z][a-z0-9_.-]*$'
     AND (d->'framework') IN ('"sklearn"', '"xgboost"', '"pytorch"')
     AND (NOT d ? 'threshold' OR (jsonb_typeof(d->'threshold') = 'number'
          AND (d->>'threshold')::numeric > 0 AND (d->>'threshold')::numeric <= 1))
     AND jsonb_typeof(d->'metrics') = 'array' AND jsonb_array_length(d->'metrics') >= 1
     AND NOT EXISTS (SELECT FROM jsonb_array_elements(d->'metrics') m WHERE NOT (
          jsonb_typeof(m) = 'object' AND m ?& ARRAY['name', 'value']
          AND jsonb_typeof(m->'name') = 'string' AND jsonb_typeof(m->'value') = 'number'
          AND (m->>'value')::numeric BETWEEN 0 AND 1))$q$),
 ('schema_per_row', $q$SELECT count(*) FROM docs, sch
     WHERE mreg.jsonb_matches_schema(jsonb_set(s, '{title}', to_jsonb(i::text)), d)$q$),
 ('schema_cached_same_work', $q$SELECT count(*) FROM docs, sch
     WHERE mreg.jsonb_matches_schema(s, d) AND jsonb_set(s, '{title}', to_jsonb(i::text)) IS NOT NULL$q$),
 ('violations', $q$SELECT count(*) FROM docs, sch, mreg.jsonb_schema_violations(s, d)$q$);

-- Same answer from the C validator and the SQL expression.
DO $$ DECLARE a bigint; b bigint; BEGIN
  EXECUTE (SELECT sql FROM q WHERE name = 'c_validator') INTO a;
  EXECUTE (SELECT sql FROM q WHERE name = 'sql_expression') INTO b;
  IF a <> b THEN RAISE EXCEPTION 'validator says % valid, SQL expression says %', a, b; END IF;
END $$;

CREATE TEMP TABLE t(name text, run int, ms float8);
DO $$ DECLARE r int; x record; BEGIN
  FOR r IN 1..7 LOOP
    FOR x IN SELECT * FROM q LOOP
      INSERT INTO t VALUES (x.name, r, pg_temp.ms(x.sql));
    END LOOP;
  END LOOP;
END $$;
CREATE TEMP TABLE med AS
SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM t WHERE run > 1 GROUP BY name;

\echo 'jsonschema: 100000 metadata documents, medians of 6 timed runs (after 1 warm-up)'
SELECT name, round(ms::numeric, 1) AS median_ms, round((ms * 1000 / 100000)::numeric, 2) AS us_per_doc FROM med ORDER BY name;
SELECT 'C validator / same rules as SQL expression' AS ratio,
       round(((SELECT ms FROM med WHERE name = 'c_validator') / (SELECT ms FROM med WHERE name = 'sql_expression'))::numeric, 2) AS value
UNION ALL
SELECT 'schema compiled every row / compiled once (cached)',
       round(((SELECT ms FROM med WHERE name = 'schema_per_row') / (SELECT ms FROM med WHERE name = 'schema_cached_same_work'))::numeric, 2)
UNION ALL
SELECT 'all violations (SRF) / boolean check',
       round(((SELECT ms FROM med WHERE name = 'violations') / (SELECT ms FROM med WHERE name = 'c_validator'))::numeric, 2);
SQL
