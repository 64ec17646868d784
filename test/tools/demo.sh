#!/usr/bin/env bash
# `make demo`: bootstrap, build, install, start a private cluster that stays up,
# load the demo registry and run the tour (test/demo/*.sql in name order).
# `make demo-stop` (demo.sh --stop) stops that cluster and removes it.
set -u
source "$(dirname "$0")/common.sh"
STATE=${TMPDIR:-/tmp}/mreg-demo-$(id -u).env

demo_stop() {
	[ -f "$STATE" ] || { echo "no demo cluster is running"; return 0; }
	source "$STATE"
	cluster_stop
	rm -f "$STATE"
	echo "demo cluster stopped"
}

if [ "${1:-}" = "--stop" ]; then demo_stop; exit 0; fi
[ -f "$STATE" ] && { log "stopping the previous demo cluster"; demo_stop >/dev/null; }

take_lock        # released when this script ends; the demo cluster stays up
bootstrap
build_install
trap 'cluster_stop' EXIT
cluster_start
printf 'CLUSTER_DIR=%q\n' "$CLUSTER_DIR" > "$STATE"

psql_q -d postgres -c "CREATE DATABASE mreg_demo" || die "createdb failed"
export PGDATABASE=mreg_demo
for f in "$MREG_ROOT"/test/demo/*.sql; do
	psql -X -v ON_ERROR_STOP=1 -P pager=off -f "$f" || die "demo step $(basename "$f") failed"
done
trap - EXIT

cat <<MSG

The demo registry is running in a private cluster.  Explore it with:

    psql -h $PGHOST -p $PGPORT -U postgres mreg_demo

(or over TLS: psql "host=127.0.0.1 port=$PGPORT user=postgres dbname=mreg_demo sslmode=require")
Stop it with:  make demo-stop
MSG
