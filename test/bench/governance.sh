#!/usr/bin/env bash
# Cost of the governance layer (RLS + audit chain + API entries), side by
# side in one run.  Not part of make bench's default set: it swaps the
# installed mreg.so between two builds, so it takes the machine lock itself
# and starts its own private cluster.  Run it directly:
#   bash test/bench/governance.sh
# Env: MREG_BENCH_OLD_SRC   a built checkout of the pre-governance commit
#                           (default /tmp/wt-old; made with
#                           git worktree add /tmp/wt-old ec8b0b6)
#      MREG_BENCH_SECONDS (5) MREG_BENCH_REPS (3) MREG_BENCH_CLIENTS (8)
#      MREG_BENCH_READ_CLIENTS (2) MREG_BENCH_WRITES (1; 0: part 1 only)
#  1. Indexed reads (new build only): pgbench -M prepared,
#     SELECT * FROM mreg.model_version WHERE id = :id, and the same on
#     mreg.model_version_overview, :id random among ~2000 versions in 3
#     projects; as the superuser (bypasses RLS: the baseline) and as a login
#     in mreg_reader with a read grant on the 3 projects (RLS applies).
#     Alternating, REPS reps, medians; ratio reader / superuser (target <= 1.1).
#  2. Writes: one transaction = log_run() + register_model_version() (one
#     artifact, the run), as in registry_concurrency.sh, without pg_sleep
#     (CPU cost; 1 and C clients) and with pg_sleep(0.05) (C clients:
#     concurrency kept).  Old build (ec8b0b6) vs new build, both as the
#     superuser, each rep in a fresh database after installing the build;
#     old and new alternate REPS times.  The new build is also run as a
#     publisher login (the API's checks for a non-superuser).  Ratio new /
#     old (target <= 1.3).  Then one short run per build with
#     track_functions=all to see where the time goes.
# The new build (this checkout) is left installed.
set -u
source "$(dirname "$0")/../tools/common.sh"
T=${MREG_BENCH_SECONDS:-5}; REPS=${MREG_BENCH_REPS:-3}; C=${MREG_BENCH_CLIENTS:-8}; RC=${MREG_BENCH_READ_CLIENTS:-2}
OLD_SRC=${MREG_BENCH_OLD_SRC:-/tmp/wt-old}
PGBENCH=$PGBIN/pgbench
[ -f "$OLD_SRC/Makefile" ] || die "no old checkout in $OLD_SRC (git worktree add $OLD_SRC ec8b0b6)"
take_lock 3600
bootstrap
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mreg-bench-gov.XXXXXX")
installed=""
install_build() {     # install_build old|new
	local src=$MREG_ROOT
	[ "$1" = old ] && src=$OLD_SRC
	[ "$installed" = "$1" ] && return 0
	$SUDO make -s -C "$src" PG_CONFIG="$PG_CONFIG" install >/dev/null || die "install of $1 failed"
	installed=$1
}
finish() {
	cluster_stop
	# leave the new build installed
	[ "$installed" = new ] || $SUDO make -s -C "$MREG_ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null
	rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM
log "building old ($OLD_SRC) and new ($MREG_ROOT)"
make -s -C "$OLD_SRC" PG_CONFIG="$PG_CONFIG" WERROR=0 all >&2 || die "old build failed"
make -s -C "$MREG_ROOT" PG_CONFIG="$PG_CONFIG" WERROR=0 all >&2 || die "new build failed"
install_build new
MREG_PG_OPTS="-c shared_buffers=512MB -c max_wal_size=4GB" cluster_start
export PGOPTIONS="-c client_min_messages=warning"
P() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
echo -e "part\tvariant\tclients\trep\ttps\tlatency" >"$WORK/results.tsv"
# run VARIANT-LABEL PART CLIENTS REP SCRIPT DB [pgbench args]: one timed run
errors=0
run() {
	local label=$1 part=$2 c=$3 rep=$4 script=$5 db=$6; shift 6
	local out="$WORK/run.$part.$label.$c.$rep" tps lat rc=0
	# the database last, as an argument: -d would be --debug (a line per message on stderr)
	"$PGBENCH" -n -T "$T" -c "$c" -j "$c" -f "$script" "$@" "$db" >"$out.out" 2>"$out.err" || rc=$?
	tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$out.out")
	lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$out.out")
	if [ $rc != 0 ] || [ -z "$tps" ] || grep -q 'ERROR\|aborted' "$out.err"; then
		errors=$((errors + 1)); echo "pgbench $part $label -c $c rep $rep: exit $rc" >&2; sort "$out.err" | uniq -c | head -5 >&2
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$label" "$c" "$rep" "${tps:-0}" "${lat:-0}" >>"$WORK/results.tsv"
}

# ---------------------------------------------------------------- 1. reads (new build)
log "reads: setup (3 projects x 10 models x 67 versions)"
RDB=mreg_bench_gov_read
P -d postgres -c "DROP DATABASE IF EXISTS $RDB" -c "CREATE DATABASE $RDB"
# the group roles exist once the extension was created in this cluster
P -d $RDB -c "CREATE EXTENSION mreg CASCADE" -c "DROP ROLE IF EXISTS bench_reader" -c "CREATE ROLE bench_reader LOGIN" -c "GRANT mreg_reader TO bench_reader"
P -d $RDB <<'SQL'
DO $$
BEGIN
    FOR p IN 1..3 LOOP
        PERFORM mreg.create_project('r' || p);
        PERFORM mreg.grant_access('r' || p, 'bench_reader', 'read');
        FOR m IN 1..10 LOOP
            FOR n IN 1..67 LOOP
                PERFORM mreg.register_model_version('r' || p, 'm' || m, format('1.0.%s', n)::mreg.semver,
                        artifacts => format('[{"name": "w", "kind": "binary", "uri": "s3://m/%s/%s/%s", "sha256": "%s"}]',
                                            p, m, n, repeat('cd', 32))::jsonb);
            END LOOP;
        END LOOP;
        COMMIT;
    END LOOP;
END
$$;
VACUUM ANALYZE;
SQL
read -r LO HI < <(psql -X -At -F ' ' -d $RDB -c "SELECT min(id), max(id) FROM mreg.model_version")
NSU=$(psql -X -At -d $RDB -c "SELECT count(*) FROM mreg.model_version")
NRD=$(psql -X -At -U bench_reader -d $RDB -c "SELECT count(*) FROM mreg.model_version")
echo "reads: $NSU versions (ids $LO..$HI); the reader sees $NRD"
[ "$NSU" = "$NRD" ] || echo "reads: WARNING the reader does not see every version" >&2
printf '\\set id random(%s, %s)\nSELECT * FROM mreg.model_version WHERE id = :id;\n' "$LO" "$HI" >"$WORK/read_mv.sql"
printf '\\set id random(%s, %s)\nSELECT * FROM mreg.model_version_overview WHERE id = :id;\n' "$LO" "$HI" >"$WORK/read_ov.sql"
log "reads: $REPS reps x 2 queries x (superuser, reader) x ${T}s, $RC clients"
for rep in $(seq "$REPS"); do
	for q in mv ov; do
		if [ $((rep % 2)) = 1 ]; then order="postgres bench_reader"; else order="bench_reader postgres"; fi
		for u in $order; do run "$q:$u" read "$RC" "$rep" "$WORK/read_$q.sql" $RDB -M prepared -U "$u"; done
	done
done
psql -X -d $RDB -U bench_reader -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM mreg.model_version WHERE id = $LO" >"$WORK/explain_reader.txt" 2>&1

# ---------------------------------------------------------------- 2. writes (old vs new)
ART='[{"name": "weights", "kind": "binary", "uri": "s3://models/weights.bin", "sha256": "'$(printf 'cd%.0s' $(seq 32))'"}]'
VERSION="('1.0.' || nextval('public.bench_seq'))::mreg.semver"
for s in 0 1; do
	{
		echo "BEGIN;"
		echo "SELECT mreg.log_run('p', 'e', '{\"lr\": 0.1}', dataset_versions => ARRAY['dataset:shared@v1']) AS run_id \\gset"
		echo "SELECT mreg.register_model_version('p', 'm' || :client_id, $VERSION, :run_id, '$ART');"
		[ $s = 1 ] && echo "SELECT pg_sleep(0.05);"
		echo "COMMIT;"
	} >"$WORK/write_s$s.sql"
done
WDB=mreg_bench_gov_write
fresh_write_db() {    # as in registry_concurrency.sh: everything first-use creates exists beforehand
	P -d postgres -c "DROP DATABASE IF EXISTS $WDB" -c "CREATE DATABASE $WDB"
	P -d $WDB -v c=$C -v new="$1" <<'SQL'
CREATE EXTENSION mreg CASCADE;
CREATE SEQUENCE public.bench_seq;
GRANT USAGE ON SEQUENCE public.bench_seq TO PUBLIC;
SELECT mreg.create_project('p') \g /dev/null
SELECT mreg.register_dataset_version('p', 'shared', 'v1', 's3://d/shared', repeat('ab', 32)) \g /dev/null
SELECT count(mreg.register_model('p', 'm' || k)) FROM generate_series(0, :c - 1) k \g /dev/null
SELECT count(mreg.log_run('p', 'e', '{}')) \g /dev/null
\if :new
SELECT mreg.grant_access('p', 'bench_pub', p) FROM unnest(ARRAY['read', 'contribute', 'publish']) p \g /dev/null
\endif
SQL
}
P -d postgres -c "DROP ROLE IF EXISTS bench_pub" -c "CREATE ROLE bench_pub LOGIN" -c "GRANT mreg_publisher TO bench_pub"
log "writes: $REPS reps x (old, new) x (1, $C clients, $C with pg_sleep) x ${T}s"
WRITES=${MREG_BENCH_WRITES:-1}     # 0: reads only (no old build installed)
[ "$WRITES" = 1 ] || REPS_W=0
for rep in $(seq "${REPS_W:-$REPS}"); do
	if [ $((rep % 2)) = 1 ]; then builds="old new"; else builds="new old"; fi
	for b in $builds; do
		install_build $b
		[ $b = new ] && isnew=true || isnew=false
		fresh_write_db $isnew
		users=postgres; [ $b = new ] && users="postgres bench_pub"
		for u in $users; do
			if [ $((rep % 2)) = 1 ]; then order="1 $C"; else order="$C 1"; fi
			for c in $order; do run "$b:$u" write "$c" "$rep" "$WORK/write_s0.sql" $WDB -U "$u"; done
			run "$b:$u:sleep" write "$C" "$rep" "$WORK/write_s1.sql" $WDB -U "$u"
		done
		# the reads as superuser on this build too (does the new build cost anything without RLS?)
		if [ $b = old ]; then
			P -d postgres -c "DROP DATABASE IF EXISTS ${RDB}_old" -c "CREATE DATABASE ${RDB}_old"
			P -d ${RDB}_old -c "CREATE EXTENSION mreg CASCADE" -c "DO \$\$ BEGIN FOR p IN 1..3 LOOP PERFORM mreg.create_project('r' || p);
			   FOR m IN 1..10 LOOP FOR n IN 1..67 LOOP PERFORM mreg.register_model_version('r' || p, 'm' || m, format('1.0.%s', n)::mreg.semver,
			   artifacts => format('[{\"name\": \"w\", \"kind\": \"binary\", \"uri\": \"s3://m/%s/%s/%s\", \"sha256\": \"%s\"}]', p, m, n, repeat('cd', 32))::jsonb);
			   END LOOP; END LOOP; COMMIT; END LOOP; END \$\$" -c "VACUUM ANALYZE"
			run "mv:old" read "$RC" "$rep" "$WORK/read_mv.sql" ${RDB}_old -M prepared
			run "ov:old" read "$RC" "$rep" "$WORK/read_ov.sql" ${RDB}_old -M prepared
		else
			run "mv:new" read "$RC" "$rep" "$WORK/read_mv.sql" $RDB -M prepared
			run "ov:new" read "$RC" "$rep" "$WORK/read_ov.sql" $RDB -M prepared
		fi
	done
done

# ---------------------------------------------------------------- where the time goes
log "profile: track_functions=all, 1 client, ${T}s per build"
for b in $([ "$WRITES" = 1 ] && echo old new); do
	install_build $b
	[ $b = new ] && isnew=true || isnew=false
	fresh_write_db $isnew
	psql -X -q -d $WDB -c "SELECT pg_stat_reset()"
	PGOPTIONS="$PGOPTIONS -c track_functions=all" run "$b:profile" profile 1 1 "$WORK/write_s0.sql" $WDB
	sleep 1   # the stats of the ended backends reach the shared stats at exit
	echo "== $b build: functions by self time, per transaction (ms), 1 client" >>"$WORK/profile.txt"
	psql -X -d $WDB -v tps=0 -P pager=off >>"$WORK/profile.txt" 2>&1 <<'SQL'
WITH tx AS (SELECT greatest(calls, 1) AS n FROM pg_stat_user_functions WHERE funcname = 'register_model_version' AND schemaname = 'mreg')
SELECT schemaname || '.' || funcname AS function, calls, round((self_time / tx.n)::numeric, 3) AS self_ms_per_tx,
       round((total_time / tx.n)::numeric, 3) AS total_ms_per_tx
  FROM pg_stat_user_functions, tx ORDER BY self_time DESC LIMIT 15;
SQL
done
install_build new

# ---------------------------------------------------------------- summary
P -d postgres -At -P pager=off <<SQL
CREATE TEMP TABLE r (part text, variant text, clients int, rep int, tps float8, latency float8);
\\copy r FROM '$WORK/results.tsv' WITH (FORMAT text, HEADER true)
SELECT format('%-8s %-26s %2s clients: median %9s tps  (reps: %s)', part, variant, clients,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY tps)::numeric, 1),
              string_agg(round(tps::numeric, 1)::text, ', ' ORDER BY rep))
  FROM r GROUP BY part, variant, clients ORDER BY part, variant, clients;
CREATE TEMP TABLE m AS SELECT part, variant, clients, percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps FROM r GROUP BY 1, 2, 3;
SELECT format('read  %-34s = %s x slower  (target <= 1.1)', a || ' reader / superuser',
              round((s.tps / rd.tps)::numeric, 3))
  FROM (VALUES ('mv'), ('ov')) q(a)
  JOIN m s ON s.part = 'read' AND s.variant = a || ':postgres'
  JOIN m rd ON rd.part = 'read' AND rd.variant = a || ':bench_reader';
SELECT format('read  %-34s = %s x slower', a || ' superuser new / old', round((o.tps / n.tps)::numeric, 3))
  FROM (VALUES ('mv'), ('ov')) q(a)
  JOIN m o ON o.part = 'read' AND o.variant = a || ':old'
  JOIN m n ON n.part = 'read' AND n.variant = a || ':new';
SELECT format('write %-34s = %s x slower  (target <= 1.3)', n.variant || ' / old:postgres' || CASE WHEN n.variant LIKE '%sleep' THEN ':sleep' ELSE '' END || ', ' || n.clients || ' cl',
              round((o.tps / n.tps)::numeric, 3))
  FROM m n JOIN m o ON o.part = 'write' AND o.clients = n.clients
   AND o.variant = 'old:postgres' || CASE WHEN n.variant LIKE '%sleep' THEN ':sleep' ELSE '' END
 WHERE n.part = 'write' AND n.variant LIKE 'new:%' ORDER BY n.variant, n.clients;
SELECT format('write %-34s = %s x', b.variant || ' ' || $C || ' cl / 1 cl', round((b.tps / a.tps)::numeric, 2))
  FROM m a JOIN m b ON a.part = 'write' AND b.part = 'write' AND a.variant = b.variant AND a.clients = 1 AND b.clients = $C
 ORDER BY 1;
SQL
echo "--- reader's plan"; cat "$WORK/explain_reader.txt"
[ -f "$WORK/profile.txt" ] && { echo "--- profile"; cat "$WORK/profile.txt"; }
[ $errors = 0 ] || { echo "governance bench: $errors pgbench runs had errors" >&2; exit 1; }
