#!/usr/bin/env bash
# mreg.openlineage_event() against the published OpenLineage JSON Schema
# (spec 2-0-2, committed as test/sh/fixtures/openlineage/OpenLineage.json),
# checked by a real validator: ajv 8 (draft 2020-12) with ajv-formats, at the
# versions test/sh/fixtures/openlineage/package-lock.json pins.  Events of
# runs made every way (ingested RunEvents in any order, log_run, model
# versions) are emitted, validated one by one, then ingested again: a replay
# adds nothing.  A broken event checks that the validator does reject.
#
# ajv comes from npm once: `npm ci` into a cache folder keyed by the lock
# file's hash (MREG_NPM_CACHE, default ~/.cache/mreg), so later runs need no
# network.  node and npm: Debian's nodejs and npm when they are missing.
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
FIX=$ROOT/test/sh/fixtures/openlineage
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	PGBIN_SAVED=${PGBIN:-}; source "$ROOT/test/tools/common.sh"; PGBIN=${PGBIN_SAVED:-$PGBIN}
	install_missing nodejs npm
fi
LOCKSUM=$(sha256sum "$FIX/package-lock.json" | cut -c1-16)
CACHE=${MREG_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mreg}/ajv-$LOCKSUM
if [ ! -f "$CACHE/node_modules/ajv/dist/2020.js" ] || [ ! -d "$CACHE/node_modules/ajv-formats" ]; then
	rm -rf "$CACHE"; mkdir -p "$CACHE"
	cp "$FIX/package.json" "$FIX/package-lock.json" "$CACHE/"
	echo "installing ajv from npm into $CACHE (once)"
	(cd "$CACHE" && npm ci --no-audit --no-fund --silent >/dev/null) || { echo "FAIL: npm ci of ajv failed"; rm -rf "$CACHE"; exit 1; }
fi

DB=mreg_openlineage_schema
WORK=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $DB "$@"; }
q -f "$FIX/runs.sql" >/dev/null
q -c "SELECT mreg.openlineage_event(id)::text FROM mreg.run ORDER BY id" > "$WORK/events"
n=$(wc -l < "$WORK/events")
[ "$n" -ge 6 ] || { echo "FAIL: only $n events"; exit 1; }
node "$ROOT/test/sh/openlineage_validate.js" "$CACHE/node_modules" "$FIX/OpenLineage.json" < "$WORK/events" || { echo "FAIL: emitted events do not validate"; exit 1; }

# the validator rejects what the schema forbids
printf '%s\n' '{"eventType":"DONE","eventTime":"yesterday","producer":"p q","schemaURL":"x","run":{"runId":"42"},"job":{"namespace":"n"}}' > "$WORK/bad"
if node "$ROOT/test/sh/openlineage_validate.js" "$CACHE/node_modules" "$FIX/OpenLineage.json" < "$WORK/bad"; then
	echo "FAIL: the validator accepted a broken event"; exit 1
fi

# replay: every emitted event ingested again adds nothing
before=$(q -c "SELECT (SELECT count(*) FROM mreg.run) || ' ' || (SELECT count(*) FROM mreg.lineage_edge) || ' ' || (SELECT count(*) FROM mreg.dataset_version) || ' ' || (SELECT count(*) FROM mreg.tag) || ' ' || (SELECT count(*) FROM mreg.row_history) || ' ' || (SELECT count(*) FROM mreg.run_dataset)")
while IFS= read -r ev; do
	q -v ev="$ev" >/dev/null <<<"SELECT mreg.ingest_openlineage(:'ev'::jsonb, (:'ev'::jsonb) #>> '{run,facets,mreg,project}')"
done < "$WORK/events"
after=$(q -c "SELECT (SELECT count(*) FROM mreg.run) || ' ' || (SELECT count(*) FROM mreg.lineage_edge) || ' ' || (SELECT count(*) FROM mreg.dataset_version) || ' ' || (SELECT count(*) FROM mreg.tag) || ' ' || (SELECT count(*) FROM mreg.row_history) || ' ' || (SELECT count(*) FROM mreg.run_dataset)")
echo "runs edges dataset_versions tags history run_datasets: before $before, after replay $after"
[ "$before" = "$after" ] || { echo "FAIL: replaying emitted events changed the registry"; exit 1; }
# and emitting again gives the same events
q -c "SELECT mreg.openlineage_event(id)::text FROM mreg.run ORDER BY id" > "$WORK/events2"
cmp -s "$WORK/events" "$WORK/events2" || { echo "FAIL: events changed after the replay"; diff "$WORK/events" "$WORK/events2" | head; exit 1; }
echo "ok: $n events valid, replay added nothing"
