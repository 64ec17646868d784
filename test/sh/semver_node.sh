#!/usr/bin/env bash
# mreg.semver against node-semver itself: satisfies, max_satisfying,
# validity of ranges, ordering and bump over thousands of generated,
# deterministic versions and ranges (test/sh/semver_gen.js).
# node-semver is installed from the npm registry once into test/.npm-cache
# (gitignored); when it cannot be installed this test FAILS.
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
NODE=${NODE:-/usr/bin/node}
[ -x "$NODE" ] || NODE=$(command -v node) || { echo "FAIL: node not found"; exit 1; }
CACHE=$ROOT/test/.npm-cache
if [ ! -f "$CACHE/node_modules/semver/package.json" ]; then
	mkdir -p "$CACHE"
	echo "installing node-semver into $CACHE"
	(cd "$CACHE" && npm install --no-audit --no-fund --no-save --prefix "$CACHE" semver@7 >/dev/null 2>&1) \
		|| { echo "FAIL: npm install semver failed (registry unreachable?)"; exit 1; }
fi
echo "node-semver $("$NODE" -p "require('$CACHE/node_modules/semver/package.json').version")"

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
"$NODE" "$ROOT/test/sh/semver_gen.js" "$CACHE/node_modules" "$WORK" "${SEMVER_NV:-600}" "${SEMVER_NR:-2500}"

DB=mreg_semver_node
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $DB <<SQL
CREATE EXTENSION mreg CASCADE;
CREATE TABLE v (i int PRIMARY KEY, t text);
CREATE TABLE rk (i int PRIMARY KEY, r int);
CREATE TABLE bu (i int, part text, res text);
CREATE TABLE rg (i int PRIMARY KEY, r text, valid bool, bits text, maxv text);
\copy v FROM '$WORK/versions.tsv'
\copy rk FROM '$WORK/rank.tsv'
\copy bu FROM '$WORK/bump.tsv'
\copy rg FROM '$WORK/ranges.tsv'
CREATE FUNCTION try_range(r text) RETURNS bool LANGUAGE plpgsql AS
\$\$ BEGIN PERFORM mreg.satisfies('1.0.0', r); RETURN true;
   EXCEPTION WHEN invalid_text_representation THEN RETURN false; END \$\$;
ALTER TABLE v ADD COLUMN s mreg.semver;
UPDATE v SET s = t::mreg.semver;
SELECT 'counts', (SELECT count(*) FROM v), (SELECT count(*) FROM rg), (SELECT count(*) FROM rg WHERE valid);
-- validity
SELECT 'validity', i, r, valid FROM rg WHERE try_range(r) IS DISTINCT FROM valid ORDER BY i LIMIT 20;
-- satisfies
WITH ours AS (
  SELECT rg.i, string_agg(CASE WHEN mreg.satisfies(v.s, rg.r) THEN '1' ELSE '0' END, '' ORDER BY v.i) AS bits
    FROM rg CROSS JOIN v WHERE rg.valid GROUP BY rg.i)
SELECT 'satisfies', rg.i, rg.r, v.t, substr(rg.bits, v.i + 1, 1) AS node
  FROM rg JOIN ours USING (i) JOIN v ON substr(rg.bits, v.i + 1, 1) <> substr(ours.bits, v.i + 1, 1)
 ORDER BY rg.i, v.i LIMIT 20;
-- operator form agrees with the function
SELECT 'operator', count(*) FROM rg CROSS JOIN (SELECT * FROM v WHERE i % 7 = 0) v
 WHERE rg.valid AND (v.s OPERATOR(mreg.<@) rg.r) <> mreg.satisfies(v.s, rg.r) HAVING count(*) > 0;
-- max_satisfying
SELECT 'max_satisfying', rg.i, rg.r, rg.maxv, m::text FROM rg,
       LATERAL (SELECT mreg.max_satisfying(array_agg(s ORDER BY i), rg.r) AS m FROM v) x
 WHERE rg.valid AND m::text IS DISTINCT FROM rg.maxv ORDER BY rg.i LIMIT 20;
-- ordering
SELECT 'rank', v.i, v.t, rk.r, x.rnk FROM v JOIN rk USING (i)
  JOIN (SELECT i, rank() OVER (ORDER BY s) - 1 AS rnk FROM v) x USING (i)
 WHERE rk.r <> x.rnk ORDER BY v.i LIMIT 20;
-- bump
SELECT 'bump', v.t, bu.part, bu.res, mreg.bump(v.s, bu.part)::text FROM bu JOIN v USING (i)
 WHERE bu.res IS DISTINCT FROM mreg.bump(v.s, bu.part)::text LIMIT 20;
SQL
) || { echo "FAIL: psql error"; echo "$out"; exit 1; }
echo "$out" | head -1
bad=$(echo "$out" | tail -n +2)
if [ -n "$bad" ]; then echo "FAIL: mreg.semver disagrees with node-semver:"; echo "$bad"; exit 1; fi
echo "mreg.semver agrees with node-semver"
