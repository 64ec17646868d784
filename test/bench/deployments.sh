#!/usr/bin/env bash
# Deployments benchmark (issue 11): health-signal ingest and
# mreg.deployment_status latency, each side by side with a plain table.
#  1. Ingest: COPY the same N rows (DEPLOY_BENCH_INGEST_ROWS, 3M; 1,000
#     deployments in 10 projects, time-ordered over 30 days, realistic
#     values) from a server-side CSV file, as a contributor login (not a
#     superuser: the per-row check runs), into
#       mreg          mreg.health_signal: daily partitions made beforehand
#                     with mreg.create_health_partitions, the C trigger
#                     fills project_id (left out of the file)
#       mreg+pid      the same with project_id in the file (checked, not filled)
#       plain         an unpartitioned table, same columns, constraints,
#                     PK (id, at) and (deployment_id, at) index, no trigger
#       part-notrig   partitioned like mreg.health_signal, no trigger: COPY
#                     can use multi-insert (a BEFORE ROW trigger forbids it)
#     Variants alternate (order rotates), DEPLOY_BENCH_REPS (3) runs each,
#     medians; rows/s and ratio to plain (target mreg >= 0.8x).
#  2. Latency of mreg.deployment_status at growing signal counts
#     (DEPLOY_BENCH_COUNTS, "3M 10M 30M 60M 100M"; a count is left
#     out when its projected load time of mreg.health_signal exceeds
#     DEPLOY_BENCH_LOAD_LIMIT seconds (600) or the disk would not hold it):
#       status(id)       SELECT * FROM mreg.deployment_status WHERE id = $1
#       status(project)  ... WHERE project = $1 (100 deployments)
#     as a reader login (row-level security on), vs the same answer from a
#     plain query (as the superuser) over an unpartitioned copy of the
#     signals.  pgbench -M prepared, 1 client, DEPLOY_BENCH_SECONDS (5) per
#     run, alternating, DEPLOY_BENCH_REPS runs; p50/p95 of the per-query
#     latencies, medians over the runs.  Answers are compared.
# Env: PGHOST PGPORT PGUSER (private cluster, see test/tools/bench.sh);
#      DEPLOY_BENCH_PARTS ("ingest status"), DEPLOY_BENCH_DB (mreg_bench_deploy),
#      DEPLOY_BENCH_KEEP (set: keep the database afterwards).
# Results of a run: doc/deployments.md, Benchmark.
set -eu
N_INGEST=${DEPLOY_BENCH_INGEST_ROWS:-3000000}
REPS=${DEPLOY_BENCH_REPS:-3}
COUNTS=${DEPLOY_BENCH_COUNTS:-"3000000 10000000 30000000 60000000 100000000"}
LIMIT=${DEPLOY_BENCH_LOAD_LIMIT:-600}
T=${DEPLOY_BENCH_SECONDS:-5}
PGBENCH=${PGBIN:+$PGBIN/}pgbench
DB=${DEPLOY_BENCH_DB:-mreg_bench_deploy}
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mreg-bench-deploy.XXXXXX")
chmod 777 "$WORK"                     # the server writes and reads the CSV files here
PARTS=${DEPLOY_BENCH_PARTS:-"ingest status"}       # which parts run
if [ -n "${DEPLOY_BENCH_KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT     # keep the database (to look into it)
else trap 'rm -rf "$WORK"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT; fi
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
Q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- setup
echo "deployments bench: 10 projects x 50 models x (staging, production): 1,000 live deployments"
start=$(now_ms)
P -c "CREATE EXTENSION mreg CASCADE"
P <<'SQL'
DROP ROLE IF EXISTS bench_dcon; DROP ROLE IF EXISTS bench_dread;
CREATE ROLE bench_dcon LOGIN; GRANT mreg_contributor TO bench_dcon;
GRANT pg_read_server_files TO bench_dcon;     -- COPY FROM a server file (no superuser)
CREATE ROLE bench_dread LOGIN; GRANT mreg_reader TO bench_dread;
DO $$
BEGIN
    FOR p IN 1..10 LOOP
        PERFORM mreg.create_project('p' || p);
        PERFORM mreg.grant_access('p' || p, 'bench_dcon', 'contribute');
        PERFORM mreg.grant_access('p' || p, 'bench_dread', 'read');
        PERFORM mreg.define_environment('p' || p, 'production', requires => 'staging',
                                        max_latency_p95_ms => 250, max_error_rate => 0.01);
        FOR m IN 1..50 LOOP
            PERFORM mreg.register_model('p' || p, 'm' || m, 'bench');
            PERFORM mreg.register_model_version('p' || p, 'm' || m, '1.0.0');
            PERFORM mreg.log_evaluation(mreg.version_id('p' || p, 'm' || m, '1.0.0'), 'accuracy', 0.9);
        END LOOP;
        FOR m IN 1..50 LOOP
            PERFORM mreg.promote('p' || p, 'm' || m, '1.0.0', 'staging');
        END LOOP;
        FOR m IN 1..50 LOOP
            PERFORM mreg.promote('p' || p, 'm' || m, '1.0.0', 'production');
        END LOOP;
        -- some incidents and drift, so that verdicts differ
        PERFORM mreg.record_incident(d.id, CASE WHEN d.id % 2 = 0 THEN 'high' ELSE 'low' END, 'bench')
           FROM mreg.deployment d JOIN mreg.project j ON j.id = d.project_id
          WHERE j.name = 'p' || p AND d.id % 37 = 0;
        PERFORM mreg.log_drift(d.model_version_id, 'f1', 'psi', 0.3, deployment_id => d.id)
           FROM mreg.deployment d JOIN mreg.project j ON j.id = d.project_id
          WHERE j.name = 'p' || p AND d.id % 41 = 0;
        COMMIT;
    END LOOP;
END
$$;
CREATE SCHEMA bench;
GRANT USAGE ON SCHEMA bench TO PUBLIC;
-- deployment k (0..999) of the generated signals, and its project
CREATE TABLE bench.dep AS
  SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id, project_id FROM mreg.deployment WHERE state = 'live';
ALTER TABLE bench.dep ADD PRIMARY KEY (k);
-- the signals span 30 days up to two hours from now (the 1-hour window is full during the run)
CREATE TABLE bench.span AS SELECT date_trunc('minute', now()) + interval '2 hours' AS t_end;
-- the unpartitioned twin: same columns, defaults, checks, PK and index, no trigger
CREATE TABLE bench.health_plain (LIKE mreg.health_signal INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY,
                                 PRIMARY KEY (id, at));
CREATE INDEX ON bench.health_plain (deployment_id, at);
-- the partitioned twin without the trigger
CREATE TABLE bench.health_part (LIKE mreg.health_signal INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY,
                                PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE INDEX ON bench.health_part (deployment_id, at);
CREATE TABLE bench.health_part_default PARTITION OF bench.health_part DEFAULT;
DO $$
DECLARE s timestamptz := (SELECT t_end FROM bench.span);
BEGIN
    FOR d IN 0..33 LOOP
        EXECUTE format('CREATE TABLE bench.health_part_%s PARTITION OF bench.health_part FOR VALUES FROM (%L) TO (%L)', d,
                       ((s - interval '31 days')::date + d)::timestamp AT TIME ZONE 'UTC',
                       ((s - interval '31 days')::date + d + 1)::timestamp AT TIME ZONE 'UTC');
    END LOOP;
END
$$;
GRANT SELECT ON bench.dep, bench.span TO PUBLIC;
GRANT SELECT ON bench.health_plain TO bench_dread;    -- only to compare answers in one transaction
GRANT pg_write_server_files TO bench_dread;
GRANT INSERT ON bench.health_plain, bench.health_part TO bench_dcon;
SQL
DAYS=$(Q -c "SELECT format('%s %s', ((t_end - interval '31 days') AT TIME ZONE 'UTC')::date, (t_end AT TIME ZONE 'UTC')::date + 2) FROM bench.span")
Q -U bench_dcon -c "SELECT mreg.create_health_partitions('${DAYS% *}', '${DAYS#* }')" >/dev/null
read -r NDEP DLO DHI < <(Q -F ' ' -c "SELECT count(*), min(id), max(id) FROM bench.dep")
[ "$NDEP" = 1000 ] && [ $((DHI - DLO + 1)) = 1000 ] || { echo "setup: expected 1000 deployments with consecutive ids, got $NDEP ($DLO..$DHI)" >&2; exit 1; }
echo "setup in $(( ($(now_ms) - start) / 1000 ))s: deployments $DLO..$DHI, partitions ${DAYS% *} .. ${DAYS#* }"

# The generator: signal i (offset + j, j < n) of deployment j % 1000 at
# t_end - 30 days + j/n * 30 days; deterministic values (every tenth
# deployment slow, every 7th with a high error rate), so both sides get the
# same rows.  :off and :n are psql variables.
GEN="SELECT d.project_id, d.id AS deployment_id,
        s.t_end - interval '30 days' + (j::float8 / :n) * interval '30 days' AS at,
        round((20 + (abs(hashint8(:off + j)) % 400) / 10.0)::numeric, 1)::float8 AS latency_p50_ms,
        round((CASE WHEN d.k % 10 = 0 THEN 200 ELSE 80 END + (abs(hashint8(:off + j)) % 1000) / 10.0)::numeric, 1)::float8 AS latency_p95_ms,
        round((CASE WHEN d.k % 10 = 0 THEN 400 ELSE 150 END + (abs(hashint8(:off + j)) % 3000) / 10.0)::numeric, 1)::float8 AS latency_p99_ms,
        round(((CASE WHEN d.k % 7 = 0 THEN 0.008 ELSE 0.0 END) + (abs(hashint8(-(:off + j))) % 100) / 20000.0)::numeric, 5)::float8 AS error_rate,
        round((0.2 + (abs(hashint8(:off + j + 1)) % 380) / 100.0)::numeric, 2)::float8 AS cpu,
        (512 + abs(hashint8(:off + j + 2)) % 3500)::float8 AS memory_mb,
        round((10 + (abs(hashint8(:off + j + 3)) % 4900) / 10.0)::numeric, 1)::float8 AS rps
   FROM generate_series(0::bigint, :n - 1) j JOIN bench.dep d ON d.k = j % 1000 CROSS JOIN bench.span s"
COLS="latency_p50_ms, latency_p95_ms, latency_p99_ms, error_rate, cpu, memory_mb, rps"

# ---------------------------------------------------------------- 1. ingest
if [[ " $PARTS " == *" ingest "* ]]; then
echo
echo "1. ingest: writing $N_INGEST rows to CSV files..."
P -v off=0 -v n="$N_INGEST" <<SQL
COPY (SELECT deployment_id, at, $COLS FROM ($GEN) g ORDER BY at) TO '$WORK/signals.csv' (FORMAT csv);
COPY (SELECT project_id, deployment_id, at, $COLS FROM ($GEN) g ORDER BY at) TO '$WORK/signals_pid.csv' (FORMAT csv);
SQL
ls -l "$WORK"/signals*.csv | awk '{printf "   %s %d MB\n", $NF, $5 / 1048576}'
echo -e "variant\trep\tseconds" >"$WORK/ingest.tsv"
ingest() {     # ingest VARIANT REP
	local target file cols t0 t1
	case $1 in
		mreg)        target=mreg.health_signal; file=signals.csv; cols="deployment_id, at, $COLS" ;;
		mreg+pid)    target=mreg.health_signal; file=signals_pid.csv; cols="project_id, deployment_id, at, $COLS" ;;
		plain)       target=bench.health_plain; file=signals_pid.csv; cols="project_id, deployment_id, at, $COLS" ;;
		part-notrig) target=bench.health_part; file=signals_pid.csv; cols="project_id, deployment_id, at, $COLS" ;;
	esac
	P -c "TRUNCATE $target" -c "CHECKPOINT"
	t0=$(now_ms)
	P -U bench_dcon -c "COPY $target ($cols) FROM '$WORK/$file' (FORMAT csv)"
	t1=$(now_ms)
	[ "$(Q -c "SELECT count(*) FROM $target")" = "$N_INGEST" ] || { echo "ingest $1: wrong row count" >&2; exit 1; }
	printf '%s\t%s\t%s\n' "$1" "$2" "$(echo "scale=3; ($t1 - $t0) / 1000" | bc)" >>"$WORK/ingest.tsv"
}
VARIANTS=(mreg plain part-notrig mreg+pid)
echo "   $REPS runs x ${VARIANTS[*]} (order rotates each run)"
for rep in $(seq "$REPS"); do
	for i in 0 1 2 3; do
		v=${VARIANTS[$(( (i + rep - 1) % 4 ))]}
		ingest "$v" "$rep"
	done
done
# the check holds: a contributor of nothing cannot write, a wrong project_id is refused
P -c "DROP ROLE IF EXISTS bench_devil" -c "CREATE ROLE bench_devil LOGIN" -c "GRANT mreg_contributor TO bench_devil" \
  -c "GRANT pg_read_server_files TO bench_devil" -c "SELECT mreg.create_project('devil')" \
  -c "SELECT mreg.grant_access('devil', 'bench_devil', 'contribute')" >/dev/null
if P -U bench_devil -c "COPY mreg.health_signal (deployment_id, at, $COLS) FROM '$WORK/signals.csv' (FORMAT csv)" 2>/dev/null; then
	echo "ingest: ERROR another project's contributor could COPY signals" >&2; exit 1
fi
P -c "TRUNCATE bench.health_plain, bench.health_part, mreg.health_signal"
rm -f "$WORK"/signals*.csv
P -A -t -F $'\t' -c "CREATE TEMP TABLE r (variant text, rep int, seconds float8)" \
  -c "\\copy r FROM '$WORK/ingest.tsv' WITH (FORMAT csv, DELIMITER E'\\t', HEADER)" -v n="$N_INGEST" -f - <<'SQL' | column -t -s $'\t'
-- paired: each run's variant against the plain run of the same round (the load of a shared machine drifts)
WITH m AS (SELECT variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s, min(seconds) AS lo, max(seconds) AS hi,
                  count(*) AS runs FROM r GROUP BY variant),
pr AS (SELECT a.variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY b.seconds / a.seconds) AS ratio,
              min(b.seconds / a.seconds) AS lo, max(b.seconds / a.seconds) AS hi
         FROM r a JOIN r b ON b.rep = a.rep AND b.variant = 'plain' GROUP BY a.variant)
SELECT c1, c2, c3, c4, c5, c6 FROM (
  SELECT 0 AS o, 'variant' AS c1, 'median s' AS c2, 'min..max s' AS c3, 'rows/s (median)' AS c4,
         'ratio of medians' AS c5, 'paired ratio (min..max)' AS c6
  UNION ALL
  SELECT 1, m.variant, round(m.s::numeric, 2)::text, round(m.lo::numeric, 2) || '..' || round(m.hi::numeric, 2),
         round(:n / m.s)::text, round((p.s / m.s)::numeric, 2) || 'x',
         round(pr.ratio::numeric, 2) || 'x (' || round(pr.lo::numeric, 2) || '..' || round(pr.hi::numeric, 2) || ')'
    FROM m JOIN pr USING (variant), m p WHERE p.variant = 'plain') x ORDER BY o, c1;
SQL
echo "   (mreg: the target is >= 0.8x plain; part-notrig shows what partitioning costs without the row trigger)"
fi
[[ " $PARTS " == *" status "* ]] || exit 0

# ---------------------------------------------------------------- 2. deployment_status latency
# the plain query: the same answer as mreg.deployment_status (no policies and
# no feedback exist here, so those reasons are left out), over bench.health_plain,
# as the superuser (no row-level security, no view, no function)
PLAIN="SELECT d.id, d.project_id, p.name AS project, m.name AS model, e.name AS environment, v.version,
       d.traffic_pct, d.state, d.endpoint, d.started_at, h.latency_p95_ms, h.error_rate, h.health_samples,
       lm.latest_metrics, dr.drift_flags, i.open_incidents,
       CASE WHEN i.severe > 0 THEN 'unsuitable'
            WHEN i.open_incidents > 0 OR dr.drift_flags > e.max_drift_flags
              OR h.latency_p95_ms > e.max_latency_p95_ms OR h.error_rate > e.max_error_rate
              OR (h.health_samples = 0 AND (e.max_latency_p95_ms IS NOT NULL OR e.max_error_rate IS NOT NULL))
            THEN 'degraded' ELSE 'ok' END AS verdict
  FROM mreg.deployment d
  JOIN mreg.project p ON p.id = d.project_id
  JOIN mreg.model m ON m.id = d.model_id
  JOIN mreg.environment e ON e.id = d.environment_id
  JOIN mreg.model_version v ON v.id = d.model_version_id
  CROSS JOIN LATERAL (SELECT avg(x.latency_p95_ms) AS latency_p95_ms, avg(x.error_rate) AS error_rate, count(*) AS health_samples
                        FROM bench.health_plain x
                       WHERE x.deployment_id = d.id AND x.at >= now() - e.health_window AND x.at <= now()) h
  CROSS JOIN LATERAL (SELECT coalesce(jsonb_object_agg(l.metric, l.value ORDER BY l.metric), '{}') AS latest_metrics
                        FROM (SELECT DISTINCT ON (ev.metric) ev.metric, ev.value FROM mreg.evaluation ev
                               WHERE ev.model_version_id = d.model_version_id AND ev.slice = 'all'
                               ORDER BY ev.metric, ev.evaluated_at DESC, ev.id DESC) l) lm
  CROSS JOIN LATERAL (SELECT count(*)::int AS drift_flags FROM mreg.drift_observation o
                       WHERE o.model_version_id = d.model_version_id AND (o.deployment_id IS NULL OR o.deployment_id = d.id)
                         AND o.flagged AND o.observed_at >= now() - e.health_window) dr
  CROSS JOIN LATERAL (SELECT count(*)::int AS open_incidents, count(*) FILTER (WHERE severity IN ('high', 'critical')) AS severe
                        FROM mreg.incident WHERE deployment_id = d.id AND resolved_at IS NULL) i
 WHERE d.state IN ('live', 'canary')"
printf '\\set id random(%s, %s)\nSELECT * FROM mreg.deployment_status WHERE id = :id;\n' "$DLO" "$DHI" >"$WORK/mreg_id.sql"
printf '\\set id random(%s, %s)\n%s AND d.id = :id;\n' "$DLO" "$DHI" "$PLAIN" >"$WORK/plain_id.sql"
printf '\\set p random(1, 10)\nSELECT * FROM mreg.deployment_status WHERE project = %s;\n' "'p' || :p::text" >"$WORK/mreg_project.sql"
printf '\\set p random(1, 10)\n%s AND p.name = %s;\n' "$PLAIN" "'p' || :p::text" >"$WORK/plain_project.sql"

echo -e "count\tquery\tside\trep\tn\tp50\tp95" >"$WORK/latency.tsv"
bench_query() {    # bench_query COUNT QUERY SIDE REP
	local user=postgres pre="$WORK/log.$1.$2.$3.$4"
	[ "$3" = mreg ] && user=bench_dread
	"$PGBENCH" -n -M prepared -T "$T" -c 1 -f "$WORK/$3_$2.sql" -U "$user" --log --log-prefix="$pre" "$DB" >"$pre.out" 2>"$pre.err" \
		|| { echo "pgbench $2 $3: failed" >&2; cat "$pre.err" >&2; exit 1; }
	# per transaction: client, tx, latency (us), script, epoch, us
	cat "$pre".[0-9]* | awk '{print $3 / 1000}' | sort -n | awk -v c="$1" -v q="$2" -v s="$3" -v r="$4" \
		'{a[NR] = $1} END {printf "%s\t%s\t%s\t%s\t%d\t%.3f\t%.3f\n", c, q, s, r, NR, a[int((NR + 1) * 0.5)], a[int(NR * 0.95 + 0.999)]}' >>"$WORK/latency.tsv"
	rm -f "$pre".[0-9]*
}
loaded=0
load_s=0           # seconds spent loading mreg.health_signal so far
echo
echo "2. deployment_status latency: counts $COUNTS"
for count in $COUNTS; do
	add=$((count - loaded))
	[ $add -gt 0 ] || continue
	if [ $loaded -gt 0 ]; then
		projected=$(echo "$load_s * $count / $loaded" | bc)
		bytes=$(Q -c "SELECT (pg_total_relation_size('bench.health_plain') + (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'mreg.health_signal'::regclass))::bigint / $loaded * $add")
		avail=$(( $(df -B1 --output=avail "$WORK" | tail -1) ))
		if [ "$projected" -gt "$LIMIT" ]; then
			echo "   $count signals left out: loading mreg.health_signal would take ~${projected}s (limit ${LIMIT}s)"; break
		fi
		if [ "$bytes" -gt $((avail - 8 * 1024 * 1024 * 1024)) ]; then
			echo "   $count signals left out: ~$((bytes >> 30)) GB more needed, $((avail >> 30)) GB free"; break
		fi
	fi
	# signals of each step span the whole 30 days; in chunks of at most 10M
	off=$loaded
	t_m=0; t_p=0
	while [ $off -lt $count ]; do
		n=$(( count - off < 10000000 ? count - off : 10000000 ))
		# each chunk spans 30 days too: j/n over the chunk
		t0=$(now_ms)
		P -U bench_dcon -v off="$off" -v n="$n" <<<"INSERT INTO mreg.health_signal (deployment_id, at, $COLS) SELECT deployment_id, at, $COLS FROM ($GEN) g"
		t1=$(now_ms)
		P -v off="$off" -v n="$n" <<<"INSERT INTO bench.health_plain (project_id, deployment_id, at, $COLS) SELECT project_id, deployment_id, at, $COLS FROM ($GEN) g"
		t2=$(now_ms)
		t_m=$((t_m + t1 - t0)); t_p=$((t_p + t2 - t1))
		off=$((off + n))
	done
	P -c "ANALYZE mreg.health_signal" -c "ANALYZE bench.health_plain" -c "CHECKPOINT"
	loaded=$count
	load_s=$(( load_s + t_m / 1000 ))
	sizes=$(Q -c "SELECT format('mreg.health_signal %s, plain %s', pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'mreg.health_signal'::regclass)), pg_size_pretty(pg_total_relation_size('bench.health_plain')))")
	echo "   $count signals: +$add loaded in $((t_m / 1000))s into mreg.health_signal ($((add * 1000 / (t_m + 1))) rows/s, INSERT ... SELECT as the contributor), $((t_p / 1000))s into the plain table; $sizes; $(df -h --output=avail "$WORK" | tail -1 | tr -d ' ') free"
	# same answers (as the reader, whose grants cover every project, and the superuser)
	# in one transaction (one now()) of the reader, who may read the plain table for this
	ANS="id, round(latency_p95_ms::numeric, 6), round(error_rate::numeric, 8), health_samples, latest_metrics, drift_flags, open_incidents, verdict"
	Q -U bench_dread -c "BEGIN" -c "COPY (SELECT $ANS FROM mreg.deployment_status ORDER BY id) TO '$WORK/ans_mreg'" \
	  -c "COPY (SELECT $ANS FROM ($PLAIN) x ORDER BY id) TO '$WORK/ans_plain'" -c "COMMIT"
	if cmp -s "$WORK/ans_mreg" "$WORK/ans_plain" && [ "$(wc -l <"$WORK/ans_mreg")" = 1000 ]; then same=yes; else same=NO; diff "$WORK/ans_mreg" "$WORK/ans_plain" | head -5 >&2; fi
	verdicts=$(awk -F '\t' '{v[$NF]++} END {for (k in v) printf "%s %d, ", k, v[k]}' "$WORK/ans_mreg")
	samples=$(awk -F '\t' '{s += $4} END {printf "%.0f", s / NR}' "$WORK/ans_mreg")
	echo "   same answers: $same (1000 deployments; ${verdicts%, }; ~$samples signals per deployment in the window)"
	echo "$count $same $samples" >>"$WORK/answers.txt"
	for rep in $(seq "$REPS"); do
		for q in id project; do
			if [ $((rep % 2)) = 1 ]; then sides="mreg plain"; else sides="plain mreg"; fi
			for s in $sides; do bench_query "$count" "$q" "$s" "$rep"; done
		done
	done
done
P -A -t -F $'\t' -c "CREATE TEMP TABLE r (count bigint, query text, side text, rep int, n int, p50 float8, p95 float8)" \
  -c "\\copy r FROM '$WORK/latency.tsv' WITH (FORMAT csv, DELIMITER E'\\t', HEADER)" -f - <<'SQL' | column -t -s $'\t'
WITH m AS (SELECT count, query, side, percentile_cont(0.5) WITHIN GROUP (ORDER BY p50) AS p50,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY p95) AS p95, sum(n) AS n
             FROM r GROUP BY count, query, side)
SELECT c1, c2, c3, c4, c5, c6, c7, c8 FROM (
  SELECT 0 AS o, 'signals' AS c1, 'query' AS c2, 'mreg p50 ms' AS c3, 'mreg p95 ms' AS c4, 'plain p50 ms' AS c5,
         'plain p95 ms' AS c6, 'p50 ratio' AS c7, 'queries' AS c8
  UNION ALL
  SELECT a.count, a.count::text, 'status(' || a.query || ')', round(a.p50::numeric, 2)::text, round(a.p95::numeric, 2)::text,
         round(b.p50::numeric, 2)::text, round(b.p95::numeric, 2)::text, round((a.p50 / b.p50)::numeric, 2) || 'x',
         a.n || ' / ' || b.n
    FROM m a JOIN m b ON b.count = a.count AND b.query = a.query AND b.side = 'plain'
   WHERE a.side = 'mreg') x ORDER BY o, c2;
SQL
echo "   (target: mreg p95 <= 20 ms; mreg = the view as a reader login, plain = the same answer from an unpartitioned table as the superuser)"
# where the time goes: the window query of assess_deployment as a generic plan (as PL/pgSQL runs it)
echo
echo "   the window query inside assess_deployment, generic plan, as the reader:"
P -U bench_dread <<SQL
SET plan_cache_mode = force_generic_plan;
PREPARE w(bigint, timestamptz) AS
  SELECT avg(h.latency_p95_ms), avg(h.error_rate), count(*) FROM mreg.health h
   WHERE h.deployment_id = \$1 AND h.at >= \$2 AND h.at <= now();
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE w($DLO, now() - interval '1 hour');
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) SELECT * FROM mreg.deployment_status WHERE id = $DLO;
SQL
