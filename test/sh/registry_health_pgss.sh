#!/usr/bin/env bash
# mreg.registry_health() with pg_stat_statements loaded: a second private
# cluster started with shared_preload_libraries = pg_stat_statements (the
# suite's own cluster runs without it, see test/pgtap/88_registry_health.sql).
# Calls, rates and latency of mreg functions follow the calls made; a role
# without pg_read_all_stats counts only its own statements.
set -eu
source "$MREG_ROOT/test/tools/common.sh"
MREG_PG_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top"
trap cluster_stop EXIT
cluster_start 2>/dev/null
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q -d postgres -c "CREATE DATABASE rh"
q -d rh -c "SET client_min_messages = warning" -c "CREATE EXTENSION mreg CASCADE" -c "CREATE EXTENSION pg_stat_statements" \
	-c "CREATE ROLE rh_sh_reader LOGIN IN ROLE mreg_reader"
q -d rh -o /dev/null <<'SQL'
SELECT mreg.create_project('rh', visibility => 'public');
SELECT mreg.register_model_version('rh', 'm', ('1.0.' || i)::mreg.semver) FROM generate_series(1, 5) i \g /dev/null
SQL
# five calls, each its own top-level statement
for i in 1 2 3 4 5; do q -d rh -c "SELECT mreg.log_run('rh', 'e', '{\"i\": $i}')" >/dev/null; done
for i in 1 2 3; do q -d rh -c "SELECT count(*) FROM mreg.search('m')" >/dev/null; done
for i in 1 2; do q -d rh -U rh_sh_reader -c "SET search_path = public, mreg" -c "SELECT count(*) FROM search('m')" >/dev/null; done

fail=0
check() {  # check NAME SQL: the SQL returns t
	local got
	got=$(q -d rh ${AS:+-U $AS} -c "$2" 2>&1) || true
	if [ "$got" = t ]; then echo "ok: $1"; else echo "FAIL: $1 (got: $got)"; fail=1; fi
}
H="(SELECT value FROM mreg.registry_health() WHERE area = 'api' AND subject = "
check "api available" "SELECT value = 1 FROM mreg.registry_health() WHERE area = 'api' AND metric = 'available'"
check "log_run: 5 calls" "SELECT $H'log_run' AND metric = 'calls') = 5"
check "search: 3 + 2 calls (superuser sees all)" "SELECT $H'search' AND metric = 'calls') = 5"
check "mean > 0" "SELECT $H'log_run' AND metric = 'mean_ms') > 0"
check "mean <= p95 <= max" "SELECT $H'log_run' AND metric = 'mean_ms') <= $H'log_run' AND metric = 'p95_ms')
                            AND $H'log_run' AND metric = 'p95_ms') <= $H'log_run' AND metric = 'max_ms')"
check "total = mean * calls" "SELECT abs($H'log_run' AND metric = 'total_ms') - 5 * $H'log_run' AND metric = 'mean_ms')) < 1e-6"
check "calls per second > 0" "SELECT $H'log_run' AND metric = 'calls_per_second') > 0"
check "register_model_version counted once (one statement)" "SELECT $H'register_model_version' AND metric = 'calls') = 1"
AS=rh_sh_reader check "a reader counts its own statements only" "SELECT $H'search' AND metric = 'calls') = 2
                   AND NOT EXISTS (SELECT FROM mreg.registry_health() WHERE area = 'api' AND subject = 'log_run')"
exit $fail
