#!/usr/bin/env bash
# Memory and time of mreg.lineage_agg when rows repeat: the aggregate must
# keep memory proportional to the result (distinct nodes and edges), not to
# the number of input rows.
#  1. 4M rows of one edge: peak RSS growth of the backend (VmHWM from
#     /proc/self/status, read before and after in one fresh session) and
#     time (median of RUNS).
#  2. 1M distinct edges (a chain): the same two figures, for scale.
# work_mem is 1MB so generate_series's tuplestore spills early and the RSS
# growth is the aggregate's.  Env: PGHOST PGPORT PGUSER (private cluster).
# Both lines also go to $MREG_BENCH_REPORT when set (label<TAB>value).
set -eu
RUNS=${LINEAGE_AGG_BENCH_RUNS:-3}
ROWS=${LINEAGE_AGG_BENCH_ROWS:-4000000}
DB=mreg_bench_lineage_agg
export PGOPTIONS="-c client_min_messages=warning -c work_mem=1MB -c max_parallel_workers_per_gather=0 -c jit=off"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
P() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
P -c "CREATE EXTENSION mreg CASCADE"
P <<'SQL'
CREATE FUNCTION hwm_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')::bigint $$;
CREATE FUNCTION rss_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT substring(pg_read_file('/proc/self/status') FROM 'VmRSS:\s+(\d+) kB')::bigint $$;
SQL

# one fresh backend per measurement: VmHWM only grows
measure() { # label sql
	local label=$1 sql=$2 out
	out=$(P <<SQL
SELECT hwm_kb() AS before \gset
\timing on
$sql;
\timing off
SELECT hwm_kb() - :before;
SQL
)
	echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1 >"$TMPF.t"
	echo "$out" | tail -1 >"$TMPF.m"
	printf '%s %s %s\n' "$label" "$(cat "$TMPF.m")" "$(cat "$TMPF.t")"
}
TMPF=$(mktemp)
one_edge="SELECT mreg.lineage_node_count(mreg.lineage_agg('dataset:sales@2024-05', 'run:8812')) FROM generate_series(1, $ROWS) i"
chain="SELECT mreg.lineage_node_count(mreg.lineage_agg('n:' || i, 'n:' || (i + 1))) FROM generate_series(1, 1000000) i"
for case in one_edge chain; do
	for r in $(seq "$RUNS"); do measure "$case" "${!case}"; done | sort -k3 -n |
		awk -v c="$case" -v rows="$ROWS" '{ m[NR] = $2; t[NR] = $3 } END {
			k = int((NR + 1) / 2);
			printf "lineage_agg %s (%s rows): peak RSS growth %.1f MB, time %.0f ms (median of %d)\n",
				c, c == "one_edge" ? rows : 1000000, m[k] / 1024, t[k], NR }'
done | tee >(sed -n 's/^lineage_agg \([^:]*\): /\1\t/p' >>"${MREG_BENCH_REPORT:-/dev/null}")
rm -f "$TMPF" "$TMPF.t" "$TMPF.m"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
