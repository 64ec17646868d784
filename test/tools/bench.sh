#!/usr/bin/env bash
# `make bench`: the project's benchmarks (test/bench/*.sh), each against a
# private cluster.  Not part of make test's pass/fail.  Benchmarks report
# ratios measured side by side in one run (medians of several runs).
# Usage: bench.sh [NAME...]   (NAME = test/bench/NAME.sh)
set -u
source "$(dirname "$0")/common.sh"
cd "$MREG_ROOT"
take_lock 3600
bootstrap
trap 'cluster_stop' EXIT
trap 'exit 130' INT TERM
build_install
MREG_PG_OPTS="-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" cluster_start
export MREG_ROOT PGBIN PG_CONFIG CLUSTER_DIR AS_PG SUDO
names=("$@")
if [ ${#names[@]} = 0 ]; then for f in test/bench/*.sh; do [ -e "$f" ] && names+=("$(basename "$f" .sh)"); done; fi
rc=0
for n in "${names[@]}"; do
	log "bench: $n"
	bash "test/bench/$n.sh" || { echo "bench $n failed" >&2; rc=1; }
done
exit $rc
