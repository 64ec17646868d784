#!/usr/bin/env bash
# Contributor helper: run pg_regress tests or isolation specs against a
# private cluster and print (or with --accept, store) their actual output, so
# a new test's expected file can be READ and then accepted.
# Usage: expected.sh [--accept] regress|isolation NAME...
set -u
source "$(dirname "$0")/common.sh"
cd "$MREG_ROOT"
accept=0; [ "${1:-}" = "--accept" ] && { accept=1; shift; }
kind=$1; shift
take_lock 3600
bootstrap; build_install; trap cluster_stop EXIT; cluster_start
PGXS_DIR=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")
out=$(mktemp -d)
opts="--bindir=$PGBIN --load-extension=pg_trgm --load-extension=pgcrypto --load-extension=mreg --outputdir=$out"
if [ "$kind" = regress ]; then
	"$PGXS_DIR/test/regress/pg_regress" --inputdir=. --dbname=contrib_regression $opts "$@" >/dev/null 2>&1
	dest=expected
else
	"$PGXS_DIR/test/isolation/pg_isolation_regress" --inputdir=test/isolation --dbname=mreg_isolation $opts "$@" >/dev/null 2>&1
	dest=test/isolation/expected
fi
for n in "$@"; do
	if [ $accept = 1 ]; then cp "$out/results/$n.out" "$dest/$n.out" && echo "accepted $dest/$n.out"
	else cat "$out/results/$n.out"; fi
done
rm -rf "$out"
