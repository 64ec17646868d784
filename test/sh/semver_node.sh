#!/usr/bin/env bash
# mreg.semver against node-semver's own answers: satisfies, max_satisfying,
# validity of ranges, ordering and bump over thousands of generated,
# deterministic versions and ranges.  The answers are a committed fixture,
# test/sh/fixtures/semver_node/*.tsv, so this test needs neither node nor the
# network; `make semver-fixture` regenerates it (test/sh/semver_gen.js).
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
FIX=$ROOT/test/sh/fixtures/semver_node
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for f in versions ranges valid satisfies max_satisfying order bump; do
	[ -s "$FIX/$f.tsv" ] || { echo "FAIL: fixture $FIX/$f.tsv missing (make semver-fixture)"; exit 1; }
	grep -v '^#' "$FIX/$f.tsv" > "$WORK/$f.tsv"
done
sed -n 's/^# answers of \(node-semver [^ ]*\).*/fixture: answers of \1/p' "$FIX/satisfies.tsv"

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
CREATE TABLE va (i int PRIMARY KEY, valid bool);
CREATE TABLE sa (i int PRIMARY KEY, bits text);
CREATE TABLE mx (i int PRIMARY KEY, maxv text);
\copy v FROM '$WORK/versions.tsv'
\copy rk FROM '$WORK/order.tsv'
\copy bu FROM '$WORK/bump.tsv'
\copy rg (i, r) FROM '$WORK/ranges.tsv'
\copy va FROM '$WORK/valid.tsv'
\copy sa FROM '$WORK/satisfies.tsv'
\copy mx FROM '$WORK/max_satisfying.tsv'
UPDATE rg SET valid = va.valid FROM va WHERE va.i = rg.i;
UPDATE rg SET bits = sa.bits FROM sa WHERE sa.i = rg.i;
UPDATE rg SET maxv = mx.maxv FROM mx WHERE mx.i = rg.i;
CREATE FUNCTION try_range(r text) RETURNS bool LANGUAGE plpgsql AS
\$\$ BEGIN PERFORM mreg.satisfies('1.0.0', r); RETURN true;
   EXCEPTION WHEN invalid_text_representation THEN RETURN false; END \$\$;
ALTER TABLE v ADD COLUMN s mreg.semver;
UPDATE v SET s = t::mreg.semver;
SELECT 'counts', (SELECT count(*) FROM v), (SELECT count(*) FROM rg), (SELECT count(*) FROM rg WHERE valid),
       (SELECT count(*) FROM rg CROSS JOIN v WHERE rg.valid);
-- the fixture is whole: every range has a verdict, every valid range a bitmap over every version
SELECT 'fixture', 'range ' || rg.i || ' lacks answers' FROM rg
 WHERE valid IS NULL OR (valid AND (length(bits) IS DISTINCT FROM (SELECT count(*) FROM v)::int
                                    OR NOT EXISTS (SELECT 1 FROM mx WHERE mx.i = rg.i)))
 ORDER BY rg.i LIMIT 20;
SELECT 'fixture', 'version ' || v.i || ' lacks answers' FROM v
 WHERE NOT EXISTS (SELECT 1 FROM rk WHERE rk.i = v.i) OR (SELECT count(*) FROM bu WHERE bu.i = v.i) <> 4
 ORDER BY v.i LIMIT 20;
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
echo "$out" | head -1 | awk -F'|' '{printf "%s versions, %s ranges (%s valid), %s range x version pairs\n", $2, $3, $4, $5}'
bad=$(echo "$out" | tail -n +2)
if [ -n "$bad" ]; then echo "FAIL: mreg.semver disagrees with node-semver:"; echo "$bad"; exit 1; fi
echo "mreg.semver agrees with node-semver"
