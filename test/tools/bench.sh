#!/usr/bin/env bash
# `make bench`: the project's benchmarks (test/bench/*.sh) against one
# private cluster, and one report of them all in doc/benchmarks.md (made by
# test/tools/bench_report.sh from this run's logs; replaced every run).
# Not part of make test's pass/fail.  Benchmarks report ratios measured side
# by side in one run (medians of several runs).
# Usage: bench.sh [NAME...]   (NAME = test/bench/NAME.sh, or tap:NAME =
#        test/tap/NAME.pl, run for the numbers it prints; default: all of
#        test/bench/ but governance, which swaps mreg.so between two builds
#        and runs alone, then tap:standby (replay lag under a registration
#        load) and tap:plproxy (routing overhead against a direct call))
# Env:   MREG_BENCH_SCALE   full (default: the sizes in each script's header)
#                           or quick (about 15 minutes on 2 cores; see
#                           scale_quick below and doc/benchmarks.md)
#        MREG_BENCH_OUT     report file (default doc/benchmarks.md; "-": none)
#        MREG_BENCH_LOGS    folder for the raw logs (default: a temp folder,
#                           kept; its path is printed)
# Each script's own knobs (its header) override the scale's defaults.
# Each benchmark gets MREG_BENCH_REPORT, a file for its summary lines
# ("label<TAB>value"); bench_report.py puts them in the report's table, or,
# for a script that writes none, the summary lines it prints.
# While a benchmark runs, a sampler reads /proc every 2 s: the summed PSS of
# the server's processes (shared memory counted once) and, every 10 s, the
# size of each database and its largest relations; the peaks go in the report.
set -u
source "$(dirname "$0")/common.sh"
cd "$MREG_ROOT"
SCALE=${MREG_BENCH_SCALE:-full}
# quick: sizes cut so the whole set (TAP tests included) runs in about 15
# minutes on the shared 2-core machine (12 on 2026-12-02).  Only defaults: a variable already set wins.
scale_quick() {
	local kv v
	for kv in SEMVER_BENCH_N=1000000 SEMVER_BENCH_ROUNDS=3 \
		LINEAGE_BENCH_RUNS=3 LINEAGE_BENCH_PROBES=3 \
		LINEAGE_AGG_BENCH_ROWS=4000000 LINEAGE_AGG_BENCH_RUNS=3 \
		MREG_BENCH_REGISTER=2000 MREG_BENCH_VERSIONS=50000 MREG_BENCH_REPS=3 \
		MREG_BENCH_SECONDS=5 MREG_BENCH_MODELS=20 MREG_BENCH_PER_MODEL=250 MREG_BENCH_QUERIES=10 \
		MREG_BENCH_SEARCH_VERSIONS=50000 MREG_BENCH_SEARCH_REPS=1 MREG_BENCH_SEARCH_RUNS=5 MREG_BENCH_SEARCH_EAV_RUNS=1 \
		DEPLOY_BENCH_INGEST_ROWS=500000 DEPLOY_BENCH_REPS=2 DEPLOY_BENCH_COUNTS="1000000 3000000" \
		DEPLOY_BENCH_SECONDS=3 DEPLOY_BENCH_LOAD_LIMIT=120; do
		v=${kv%%=*}; [ -n "${!v+x}" ] || export "$kv"
	done
}
case $SCALE in
	full) ;;
	quick) scale_quick ;;
	*) die "MREG_BENCH_SCALE: full or quick, not $SCALE" ;;
esac
OUT=${MREG_BENCH_OUT:-doc/benchmarks.md}
LOGS=${MREG_BENCH_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/mreg-bench-logs.XXXXXX")}
mkdir -p "$LOGS"
take_lock 3600
# semver.sh compares with pg-semver: installed before the private server
# copy (MREG_PG_PREFIX) is updated, so the copy has it too
MREG_EXTRA_PACKAGES="${MREG_EXTRA_PACKAGES:-} postgresql-$PG_MAJOR-semver"
bootstrap
SAMPLER=""
stop_sampler() { [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=""; }
trap 'stop_sampler; cluster_stop' EXIT
trap 'exit 130' INT TERM
build_install
PGXS_DIR=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")
SERVER_OPTS="-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=512MB -c max_wal_size=4GB"
MREG_PG_OPTS="$SERVER_OPTS" cluster_start
export MREG_ROOT PGBIN PG_CONFIG CLUSTER_DIR AS_PG SUDO

# sample NAME: peaks while benchmark NAME runs, into $LOGS/NAME.mem / .disk / .rels
sample() {
	local name=$1 n=0 pss peak=0 db dbpeak=0 pids p
	while :; do
		pids="$CLUSTER_PID $(cat /proc/"$CLUSTER_PID"/task/*/children 2>/dev/null)"
		pss=0
		for p in $pids; do
			p=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null) && pss=$((pss + ${p:-0}))
		done
		[ "$pss" -gt "$peak" ] && { peak=$pss; echo "$peak" >"$LOGS/$name.mem"; }
		if [ $((n % 5)) = 0 ]; then
			db=$(psql -X -At -d postgres -c "SELECT coalesce(sum(pg_database_size(oid)), 0) FROM pg_database WHERE NOT datistemplate" 2>/dev/null)
			if [ -n "$db" ] && [ "$db" -gt "$dbpeak" ]; then
				dbpeak=$db; echo "$dbpeak" >"$LOGS/$name.disk"
				for d in $(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'" 2>/dev/null); do
					# a partition counts in its partitioned table (relkind p)
					psql -X -At -F '|' -d "$d" -c "SELECT current_database(), r.root::regclass::text,
					       CASE WHEN count(*) > 1 OR r.root <> min(c.oid) THEN 'p' ELSE min(c.relkind::text) END,
					       sum(pg_total_relation_size(c.oid))
					  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
					       LATERAL (SELECT coalesce(pg_partition_root(c.oid), c.oid) AS root) r
					 WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
					 GROUP BY r.root ORDER BY 4 DESC LIMIT 8" 2>/dev/null
				done >"$LOGS/$name.rels.tmp" && mv "$LOGS/$name.rels.tmp" "$LOGS/$name.rels"
			fi
		fi
		n=$((n + 1)); sleep 2
	done
}

names=("$@")
if [ ${#names[@]} = 0 ]; then
	for f in test/bench/*.sh; do
		n=$(basename "$f" .sh); [ "$n" = governance ] || names+=("$n")
	done
	names+=(tap:standby tap:plproxy)
fi
{
	[ -n "${MREG_BENCH_NOTE:-}" ] && echo "note=$MREG_BENCH_NOTE"
	echo "scale=$SCALE"
	echo "started=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "describe=$(git describe --always --dirty 2>/dev/null)"
	echo "server_opts=$SERVER_OPTS"
	echo "pg_version=$(psql -X -At -d postgres -c 'SELECT version()')"
	env | grep -E '^(SEMVER|LINEAGE|MREG_BENCH|DEPLOY_BENCH)_[A-Z_]*=' | grep -v '^MREG_BENCH_\(OUT\|LOGS\)=' | sort | sed 's/^/env /'
} >"$LOGS/run.info"
rc=0
for n in "${names[@]}"; do
	log "bench: $n"
	sample "$n" & SAMPLER=$!
	t0=$(date +%s); r=0
	# the script's own summary lines (label<TAB>value), when it writes them
	export MREG_BENCH_REPORT=$LOGS/${n}.report; rm -f "$MREG_BENCH_REPORT"
	case $n in
	tap:*)	# as test/tools/test.sh's TAP suite runs it: its own clusters, as postgres
		dir=$CLUSTER_DIR/tap/${n#tap:}
		mkdir -p "$dir" && $SUDO chown postgres: "$dir"
		(cd "$dir" && $AS_PG env PATH="$PGBIN:$PATH" PERL5LIB="$PGXS_DIR/test/perl:$MREG_ROOT/test/tap" \
			PG_REGRESS="$PGXS_DIR/test/regress/pg_regress" TESTDIR="$dir" MREG_ROOT="$MREG_ROOT" \
			prove --verbose --timer "$MREG_ROOT/test/tap/${n#tap:}.pl") > >(tee "$LOGS/$n.out") 2> >(tee "$LOGS/$n.err" >&2) || r=$? ;;
	*)	bash "test/bench/$n.sh" > >(tee "$LOGS/$n.out") 2> >(tee "$LOGS/$n.err" >&2) || r=$? ;;
	esac
	echo "$(( $(date +%s) - t0 )) $r" >"$LOGS/$n.status"
	stop_sampler
	[ $r = 0 ] || { echo "bench $n failed" >&2; rc=1; }
done
echo "finished=$(date -u '+%Y-%m-%d %H:%M UTC')" >>"$LOGS/run.info"
log "raw logs: $LOGS"
if [ "$OUT" != - ]; then
	/usr/bin/python3 test/tools/bench_report.py "$LOGS" "${names[@]}" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT" && log "report: $OUT"
fi
exit $rc
