#!/usr/bin/env bash
# Registry under concurrent pipelines, and impact() on a large registry
# (issue 8's acceptance; make bench, not part of pass/fail):
#  1. registrations/s with 1 and with C (8) concurrent pipelines (pgbench,
#     custom script).  One pipeline transaction: BEGIN; log_run() on a dataset
#     version shared by all pipelines; register_model_version() of the
#     client's own model, a new version, one artifact; pg_sleep(0.05) (the
#     transaction stays open 50 ms, as a pipeline's would); COMMIT.  If
#     pipelines never wait for each other, C pipelines do C times the work
#     (target >= 6x on 8).  Variants: all in one project; each pipeline in its
#     own project (the dataset another project's); one project plus
#     add_lineage(run -> the client's own draft version), the general edge
#     path that takes node locks.  1 and C alternate over REPS reps; medians.
#     Backends waiting on a heavyweight lock are sampled twice a second.
#  2. impact('b/model:m5') on a model with 500 versions among 50k (100 models
#     x 500 versions, through the API), about 500 other versions trained on
#     one of m5's versions; vs the older way: && of the provenance GIN index
#     with a lineage value of m5's 500 version nodes.  Target <= 5 ms.
#     impact() needs the operator @>> and mreg.lineage_distance; without them
#     only the old way is timed.  The build is slow: 668 s for 50k versions
#     on the 2-core machine (2026-12-01), against 1 s for 600; shrink it with
#     MREG_BENCH_MODELS / MREG_BENCH_PER_MODEL.
# (lineage_agg memory on millions of rows of one edge: test/bench/lineage*.sh.)
# Env: PGHOST PGPORT PGUSER (private cluster, see test/tools/bench.sh).
set -eu
T=${MREG_BENCH_SECONDS:-10}; REPS=${MREG_BENCH_REPS:-3}; C=${MREG_BENCH_CLIENTS:-8}
MODELS=${MREG_BENCH_MODELS:-100}; PER=${MREG_BENCH_PER_MODEL:-500}; Q=${MREG_BENCH_QUERIES:-20}
PGBENCH=${PGBIN:-/usr/lib/postgresql/15/bin}/pgbench
DB=mreg_bench_concurrency; DB2=mreg_bench_impact
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mreg-bench-conc.XXXXXX")
cleanup() {
	rm -rf "$WORK"
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DB2" >/dev/null 2>&1 || true
}
trap cleanup EXIT
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
P -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" -c "DROP DATABASE IF EXISTS $DB2" -c "CREATE DATABASE $DB2"

# ---------------------------------------------------------------- 1. concurrent pipelines
# Everything a pipeline creates on first use (experiment, model, draft) exists
# beforehand: the first INSERT ... ON CONFLICT of a row makes the others wait
# once, which is not what is measured here.
P -d $DB -v c=$C <<'SQL'
CREATE EXTENSION mreg CASCADE;
CREATE SEQUENCE public.bench_seq;
SELECT mreg.create_project('p') \g /dev/null
SELECT mreg.register_dataset_version('p', 'shared', 'v1', 's3://d/shared', repeat('ab', 32)) \g /dev/null
SELECT count(mreg.create_project('p' || k)) FROM generate_series(0, :c - 1) k \g /dev/null
SELECT count(mreg.register_model(pr, 'm' || k)) FROM generate_series(0, :c - 1) k, LATERAL (VALUES ('p'), ('p' || k)) x(pr) \g /dev/null
SELECT count(mreg.log_run(pr, 'e', '{}')) FROM (SELECT 'p' UNION ALL SELECT 'p' || k FROM generate_series(0, :c - 1) k) x(pr) \g /dev/null
SELECT count(mreg.register_model_version('p', 'd' || k, '0.0.1', status => 'draft')) FROM generate_series(0, :c - 1) k \g /dev/null
SQL
ART='[{"name": "weights", "kind": "binary", "uri": "s3://models/weights.bin", "sha256": "'$(printf 'cd%.0s' $(seq 32))'"}]'
VERSION="('1.0.' || nextval('public.bench_seq'))::mreg.semver"
cat >"$WORK/one_project.sql" <<-EOF
	BEGIN;
	SELECT mreg.log_run('p', 'e', '{"lr": 0.1}', dataset_versions => ARRAY['dataset:shared@v1']) AS run_id \gset
	SELECT mreg.register_model_version('p', 'm' || :client_id, $VERSION, :run_id, '$ART');
	SELECT pg_sleep(0.05);
	COMMIT;
EOF
cat >"$WORK/projects.sql" <<-EOF
	BEGIN;
	SELECT mreg.log_run('p' || :client_id, 'e', '{"lr": 0.1}', dataset_versions => ARRAY['p/dataset:shared@v1']) AS run_id \gset
	SELECT mreg.register_model_version('p' || :client_id, 'm' || :client_id, $VERSION, :run_id, '$ART');
	SELECT pg_sleep(0.05);
	COMMIT;
EOF
cat >"$WORK/add_lineage.sql" <<-EOF
	BEGIN;
	SELECT mreg.log_run('p', 'e', '{"lr": 0.1}', dataset_versions => ARRAY['dataset:shared@v1']) AS run_id \gset
	SELECT mreg.add_lineage('run:' || :run_id, 'p/model:d' || :client_id || '@0.0.1');
	SELECT mreg.register_model_version('p', 'm' || :client_id, $VERSION, :run_id, '$ART');
	SELECT pg_sleep(0.05);
	COMMIT;
EOF

# run_pgbench VARIANT CLIENTS REP: one timed run; appends a result line
errors=0
run_pgbench() {
	local v=$1 c=$2 rep=$3 out="$WORK/$1.$2.$3" pid rc=0 samples=0 waits=0 line kinds=""
	"$PGBENCH" -n -T "$T" -c "$c" -j "$c" -f "$WORK/$v.sql" -d $DB >"$out.out" 2>"$out.err" &
	pid=$!
	: >"$out.waits"
	# heavyweight-lock waits of the pipelines (pg_sleep shows as Timeout, not Lock)
	while kill -0 $pid 2>/dev/null; do
		psql -X -At -F ' ' -d $DB -c "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock'),
		         coalesce(string_agg(wait_event, ',') FILTER (WHERE wait_event_type = 'Lock'), '')
		    FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
		     AND pid <> pg_backend_pid() AND state <> 'idle'" >>"$out.waits" 2>/dev/null || true
		sleep 0.5
	done
	wait $pid || rc=$?
	while read -r n w k; do
		samples=$((samples + n)); waits=$((waits + w))
		if [ -n "${k:-}" ]; then kinds="$kinds,$k"; fi
	done <"$out.waits"
	kinds=$(tr ',' '\n' <<<"${kinds#,}" | sed '/^$/d' | sort | uniq -c | awk '{printf "%s%s:%s", (NR>1?",":""), $2, $1}')
	local tps failed done_ lat
	lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$out.out")
	tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out.out")
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out.out")
	done_=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out.out")
	if [ $rc != 0 ] || [ -z "$tps" ] || [ "${failed:-0}" != 0 ] || grep -q 'ERROR\|aborted' "$out.err"; then
		errors=$((errors + 1))
		echo "pgbench $v -c $c (rep $rep): exit $rc, failed transactions ${failed:-?}:" >&2
		grep -v '^$' "$out.err" | sort | uniq -c | sort -rn | head -5 >&2
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$c" "$rep" "${tps:-0}" "${lat:-0}" "${done_:-0}" "${failed:-0}" \
		"$waits/$samples" "${kinds:--}" >>"$WORK/results.tsv"
}

echo "concurrency bench: $REPS reps x 3 variants x (1, $C pipelines) x ${T}s..."
for rep in $(seq "$REPS"); do
	for v in one_project projects add_lineage; do
		# alternate which goes first, so a drift over the run hits both
		if [ $((rep % 2)) = 1 ]; then order="1 $C"; else order="$C 1"; fi
		for c in $order; do run_pgbench $v "$c" "$rep"; done
	done
done
P -d $DB -At -v c=$C <<SQL
CREATE TEMP TABLE r (variant text, clients int, rep int, tps float8, latency float8, done bigint, failed bigint, waits text, kinds text);
\\copy r FROM '$WORK/results.tsv'
SELECT format('%-12s %2s pipelines: median %7s tps  (reps: %s)', variant, clients,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY tps)::numeric, 1),
              string_agg(round(tps::numeric, 1) || ' [' || latency || ' ms/tx, ' || done || ' tx, ' || failed || ' failed, lock waits ' || waits
                         || CASE WHEN kinds <> '-' THEN ' ' || kinds ELSE '' END || ']', '; ' ORDER BY rep))
  FROM r GROUP BY variant, clients ORDER BY variant, clients;
WITH m AS (SELECT variant, clients, percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps FROM r GROUP BY 1, 2)
SELECT format('%-12s %s / 1 pipelines = %s x  (target >= 6 x)', a.variant, b.clients, round((b.tps / a.tps)::numeric, 2))
  FROM m a JOIN m b ON a.variant = b.variant AND a.clients = 1 AND b.clients = :c ORDER BY a.variant;
SELECT format('check: %s versions registered, %s runs, %s live edges', (SELECT count(*) FROM mreg.model_version),
              (SELECT count(*) FROM mreg.run), (SELECT count(*) FROM mreg.lineage_edge));
SQL
[ $errors = 0 ] || echo "concurrency bench: $errors pgbench runs had errors (above)" >&2

# ---------------------------------------------------------------- 2. impact on 50k versions
echo "impact bench: building $MODELS models x $PER versions through the API..."
start=$(date +%s)
P -d $DB2 -At -v models=$MODELS -v per=$PER <<'SQL'
CREATE EXTENSION mreg CASCADE;
SELECT mreg.create_project('b') \g /dev/null
SELECT count(mreg.register_dataset_version('b', 'ds' || k, 'v1', 's3://d/' || k)) FROM generate_series(1, 100) k \g /dev/null
SELECT set_config('bench.models', :'models', false), set_config('bench.per', :'per', false) \g /dev/null
-- m5 first; then every other model, one transaction per model.  Every
-- version has its own run on one of 100 datasets; about 500 of the other
-- models' runs (one in 99) also consumed a version of m5.
DO $$
DECLARE
    models int := current_setting('bench.models')::int;
    per int := current_setting('bench.per')::int;
    rid bigint;
    j int;
BEGIN
    FOR j IN SELECT 5 UNION ALL SELECT g FROM generate_series(1, models) g WHERE g <> 5 LOOP
        FOR n IN 1..per LOOP
            rid := mreg.log_run('b', 'e', jsonb_build_object('n', n), dataset_versions => ARRAY['dataset:ds' || (j * 7 + n) % 100 + 1 || '@v1']);
            IF j <> 5 AND (j * per + n) % 99 = 0 THEN
                PERFORM mreg.add_lineage(format('b/model:m5@1.0.%s', 1 + (j * 7 + n) % per), 'run:' || rid);
            END IF;
            PERFORM mreg.register_model_version('b', 'm' || j, format('1.0.%s', n)::mreg.semver, rid);
        END LOOP;
        COMMIT;
    END LOOP;
END
$$;
VACUUM ANALYZE;   -- steady state: statistics fresh, GIN pending list merged (autovacuum would do it)
SELECT format('impact setup: %s versions, %s of m5, %s trained on one of m5''s, %s live edges',
              count(*), count(*) FILTER (WHERE m.name = 'm5'),
              count(*) FILTER (WHERE m.name <> 'm5' AND EXISTS (SELECT FROM mreg.lineage_nodes(v.provenance) x WHERE x LIKE 'model:m5@%')),
              (SELECT count(*) FROM mreg.lineage_edge))
  FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id;
SQL
echo "impact bench: setup took $(( $(date +%s) - start )) s"

P -d $DB2 -At -v q=$Q <<'SQL'
CREATE TEMP TABLE timings (variant text, q int, ms float8, n bigint);
SELECT to_regprocedure('mreg.lineage_distance(mreg.lineage,text,text)') IS NOT NULL
   AND to_regoperator('mreg.@>>(mreg.lineage,text)') IS NOT NULL AS have_impact \gset
SELECT set_config('bench.q', :'q', false), set_config('bench.impact', :'have_impact', false) \g /dev/null
\if :have_impact
\else
\echo 'impact bench: SKIPPED impact(): this build has no operator @>> or mreg.lineage_distance (another branch); timing the old way only'
\endif
-- the two side by side, alternating, each query timed on its own
DO $$
DECLARE
    q int := current_setting('bench.q')::int;
    have_impact boolean := current_setting('bench.impact')::boolean;
    pid bigint := (SELECT id FROM mreg.project WHERE name = 'b');
    m5 bigint := (SELECT id FROM mreg.model WHERE project_id = pid AND name = 'm5');
    t timestamptz;
    a bigint;
    b bigint;
BEGIN
    FOR i IN 0..q LOOP                  -- 0: warm-up, not kept
        IF have_impact THEN
            t := clock_timestamp();
            SELECT count(*) INTO a FROM mreg.impact('b/model:m5');
            IF i > 0 THEN
                INSERT INTO timings VALUES ('impact', i, extract(epoch FROM clock_timestamp() - t) * 1000, a);
            END IF;
        END IF;
        t := clock_timestamp();
        -- the older way: every version of the model, one lineage value, one GIN probe of &&
        SELECT count(*) INTO b FROM mreg.model_version v
         WHERE v.provenance OPERATOR(mreg.&&)
               (SELECT mreg.lineage_agg(mreg_internal.version_node(NULL, 'm5', x.version), NULL::text)
                  FROM mreg.model_version x WHERE x.model_id = m5)
           AND v.model_id <> m5 AND v.status <> 'draft';
        IF i > 0 THEN
            INSERT INTO timings VALUES ('lineage_agg &&', i, extract(epoch FROM clock_timestamp() - t) * 1000, b);
        END IF;
        IF have_impact AND a <> b THEN
            RAISE EXCEPTION 'impact() and the && query disagree: % vs %', a, b;
        END IF;
    END LOOP;
END
$$;
SELECT format('impact(''b/model:m5'') %-16s median %8s ms  (min %s, max %s, %s queries, %s versions found)', variant,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
              round(min(ms)::numeric, 2), round(max(ms)::numeric, 2), count(*), min(n))
  FROM timings GROUP BY variant ORDER BY variant;
WITH m AS (SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM timings GROUP BY 1)
SELECT format('impact: && / impact() = %s x  (target: impact() <= 5 ms)',
              round(((SELECT ms FROM m WHERE variant <> 'impact') / (SELECT ms FROM m WHERE variant = 'impact'))::numeric, 2))
 WHERE EXISTS (SELECT FROM m WHERE variant = 'impact');
SQL
[ $errors = 0 ]
