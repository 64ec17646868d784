#!/usr/bin/env bash
# Benchmark: mreg.semver vs pg-semver (Debian postgresql-15-semver, installed
# as CREATE EXTENSION semver SCHEMA pgsemver) vs text (COLLATE "C"), side by
# side in one run on the same 1M versions.  Each case runs ROUNDS times, the
# three types interleaved per round; the table shows medians in ms and the
# ratio pg-semver / mreg (> 1 means mreg is faster).  Also checks, and
# prints, the peer's weak points.  Then ORDER BY and btree build on several
# distributions (releases only, 20% prereleases, 50% prereleases with long
# identifiers, many duplicates), mreg vs pg-semver, as mreg / pg-semver time
# (< 1 means mreg is faster).  Run by `make bench` (private cluster env).
# SEMVER_BENCH_PARTS="main dist" picks the parts, SEMVER_BENCH_DISTS the
# distributions (default: all), SEMVER_BENCH_ONLY a case name of the main part.
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
N=${SEMVER_BENCH_N:-1000000}
ROUNDS=${SEMVER_BENCH_ROUNDS:-5}
PKG=postgresql-${PG_MAJOR:-15}-semver
if ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'install ok installed'; then
	echo "installing $PKG"
	${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PKG" >/dev/null \
		|| { ${SUDO:-} apt-get update -qq && ${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PKG" >/dev/null; } \
		|| { echo "could not install $PKG"; exit 1; }
fi
DB=mreg_bench_semver
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'" >/dev/null 2>&1' EXIT
PARTS=${SEMVER_BENCH_PARTS:-"main dist"}
psql -X -q -v ON_ERROR_STOP=1 -d $DB <<SQL
CREATE EXTENSION mreg CASCADE;
CREATE SCHEMA pgsemver;
CREATE EXTENSION semver SCHEMA pgsemver;
-- run a statement, return elapsed ms
CREATE FUNCTION timed(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN EXECUTE q; RETURN 1000 * extract(epoch FROM clock_timestamp() - t0); END \$\$;
SQL

main_part() {
psql -X -q -v ON_ERROR_STOP=1 -d $DB <<SQL
SELECT setseed(0.5);
-- realistic registry versions: most releases, ~30% prereleases, a few builds
CREATE TABLE src AS
SELECT i, format('%s.%s.%s', floor(random() * 20)::int, floor(random() * 40)::int, floor(random() * 120)::int)
       || CASE WHEN random() < 0.3 THEN '-' || (ARRAY['alpha', 'beta', 'rc'])[1 + floor(random() * 3)::int]
                                        || '.' || floor(random() * 20)::int ELSE '' END
       || CASE WHEN random() < 0.05 THEN '+build.' || floor(random() * 1000)::int ELSE '' END AS t
  FROM generate_series(1, $N) i;
CREATE TABLE t_mreg AS SELECT i, t::mreg.semver AS v FROM src;
CREATE TABLE t_pgsemver AS SELECT i, t::pgsemver.semver AS v FROM src;
CREATE TABLE t_text AS SELECT i, t COLLATE "C" AS v FROM src;
CREATE TABLE probes AS SELECT t FROM src ORDER BY random() LIMIT 20000;
VACUUM ANALYZE src, t_mreg, t_pgsemver, t_text, probes;

CREATE TABLE res (tcase text, typ text, ms float8);
SQL

# case name | SQL template (%T = table, %Y = type for parsing); run in one session per round
cases=(
	"parse 1M|SELECT count(x) FROM (SELECT t::%Y AS x FROM src) s"
	"ORDER BY 1M|SELECT count(*) FROM (SELECT v FROM %T ORDER BY v OFFSET 0) s"
	"btree build 1M|CREATE INDEX %T_v ON %T (v); DROP INDEX %T_v"
	"GROUP BY 100k|SELECT count(*) FROM (SELECT v FROM %T WHERE i <= 100000 GROUP BY v) s"
	"20k point lookups|SELECT count(*) FROM probes p WHERE EXISTS (SELECT 1 FROM %T x WHERE x.v = p.t::%Y)"
	"min 1M|SELECT %A.min(v) FROM %T"
	"max 1M|SELECT %A.max(v) FROM %T"
)
types=("mreg:t_mreg:mreg.semver" "pgsemver:t_pgsemver:pgsemver.semver" "text:t_text:text")

{
	echo "SET search_path = public, mreg, pgsemver;"
	echo "SET work_mem = '512MB'; SET maintenance_work_mem = '512MB'; SET max_parallel_workers_per_gather = 0;"
	echo "SET max_parallel_maintenance_workers = 0; SET jit = off;"
	for ((r = 1; r <= ROUNDS; r++)); do
		for c in "${cases[@]}"; do
			name=${c%%|*}; tmpl=${c#*|}
			[[ "$name" == *${SEMVER_BENCH_ONLY:-}* ]] || continue
			for ty in "${types[@]}"; do
				IFS=: read -r label tbl typ <<<"$ty"
				q=${tmpl//%T/$tbl}; q=${q//%Y/$typ}
				case "$name" in
				"20k point lookups")
					# a nested loop of index probes (the index is built first, untimed)
					echo "CREATE INDEX ${tbl}_pv ON $tbl (v); SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_seqscan = off;"
					echo "INSERT INTO res VALUES ('$name', '$label', timed(\$q\$$q\$q\$));"
					echo "RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_seqscan; DROP INDEX ${tbl}_pv;" ;;
				"min 1M" | "max 1M")
					# a sequential-scan aggregate: each type's own min/max
					case "$label" in mreg) agg=mreg ;; pgsemver) agg=pgsemver ;; *) agg=pg_catalog ;; esac
					q=${q//%A/$agg}
					echo "INSERT INTO res VALUES ('$name', '$label', timed(\$q\$$q\$q\$));" ;;
				*)
					echo "INSERT INTO res VALUES ('$name', '$label', timed(\$q\$$q\$q\$));" ;;
				esac
			done
		done
	done
} | psql -X -q -v ON_ERROR_STOP=1 -d $DB

echo
echo "mreg.semver vs pg-semver $(psql -X -At -d $DB -c "SELECT extversion FROM pg_extension WHERE extname = 'semver'") vs text (COLLATE \"C\"): $N versions, median of $ROUNDS runs, ms"
psql -X -q -d $DB <<'SQL'
SET search_path = public, mreg, pgsemver;
WITH m AS (SELECT tcase, typ, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med FROM res GROUP BY 1, 2)
SELECT tcase AS "case",
       round(max(med) FILTER (WHERE typ = 'mreg')::numeric, 1) AS "mreg.semver",
       round(max(med) FILTER (WHERE typ = 'pgsemver')::numeric, 1) AS "pg-semver",
       round(max(med) FILTER (WHERE typ = 'text')::numeric, 1) AS "text",
       round((max(med) FILTER (WHERE typ = 'pgsemver') / max(med) FILTER (WHERE typ = 'mreg'))::numeric, 2) AS "pg-semver / mreg",
       round((max(med) FILTER (WHERE typ = 'text') / max(med) FILTER (WHERE typ = 'mreg'))::numeric, 2) AS "text / mreg"
  FROM m GROUP BY tcase
 ORDER BY array_position(ARRAY['parse 1M', 'ORDER BY 1M', 'btree build 1M', 'GROUP BY 100k', '20k point lookups', 'min 1M', 'max 1M'], tcase);

\echo storage (table + index on 1M values)
CREATE INDEX t_mreg_s ON t_mreg (v); CREATE INDEX t_pgsemver_s ON t_pgsemver (v); CREATE INDEX t_text_s ON t_text (v);
SELECT 'mreg.semver' AS type, pg_size_pretty(pg_relation_size('t_mreg')) AS "table", pg_size_pretty(pg_relation_size('t_mreg_s')) AS "index",
       (SELECT round(avg(pg_column_size(v)), 1) FROM t_mreg) AS "avg bytes/value"
UNION ALL SELECT 'pg-semver', pg_size_pretty(pg_relation_size('t_pgsemver')), pg_size_pretty(pg_relation_size('t_pgsemver_s')),
       (SELECT round(avg(pg_column_size(v)), 1) FROM t_pgsemver)
UNION ALL SELECT 'text', pg_size_pretty(pg_relation_size('t_text')), pg_size_pretty(pg_relation_size('t_text_s')),
       (SELECT round(avg(pg_column_size(v)), 1) FROM t_text);

\echo pg-semver weak points, verified (mreg.semver answer in the last column)
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN EXECUTE q; RETURN 'ok'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE; END $$;
SELECT * FROM (VALUES
  ('hash ignores the prerelease: hash(1.0.0-alpha) = hash(1.0.0-beta) = hash(1.0.0)',
   (pgsemver.hash_semver('1.0.0-alpha') = pgsemver.hash_semver('1.0.0-beta')
    AND pgsemver.hash_semver('1.0.0-beta') = pgsemver.hash_semver('1.0.0'))::text,
   (mreg.semver_hash('1.0.0-alpha') = mreg.semver_hash('1.0.0-beta'))::text),
  ('numbers limited to 31 bits: 2147483648.0.0 accepted?',
   (sqlstate_of($q$SELECT '2147483648.0.0'::pgsemver.semver$q$) = 'ok')::text,
   (sqlstate_of($q$SELECT '2147483648.0.0'::mreg.semver$q$) = 'ok')::text),
  ('SQLSTATE for the bad input 1.2',
   sqlstate_of($q$SELECT '1.2'::pgsemver.semver$q$), sqlstate_of($q$SELECT '1.2'::mreg.semver$q$)),
  ('long numeric prerelease: 1.0.0-99999999999999999999 < 1.0.0-100000000000000000000',
   ('1.0.0-99999999999999999999'::pgsemver.semver OPERATOR(pgsemver.<) '1.0.0-100000000000000000000'::pgsemver.semver)::text,
   ('1.0.0-99999999999999999999'::mreg.semver OPERATOR(mreg.<) '1.0.0-100000000000000000000'::mreg.semver)::text),
  ('btree sort support (proc 2) / extended hash (hash proc 2)',
   (SELECT string_agg(am.amname || ':' || amprocnum, ' ' ORDER BY 1) FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
      JOIN pg_am am ON am.oid = f.opfmethod WHERE f.opfnamespace = 'pgsemver'::regnamespace),
   (SELECT string_agg(am.amname || ':' || amprocnum, ' ' ORDER BY 1) FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
      JOIN pg_am am ON am.oid = f.opfmethod WHERE f.opfnamespace = 'mreg'::regnamespace AND p.amproclefttype = 'mreg.semver'::regtype)),
  ('comparison functions LEAKPROOF / PARALLEL SAFE',
   (SELECT proleakproof || ' / ' || (proparallel = 's') FROM pg_proc WHERE oid = 'pgsemver.semver_lt(pgsemver.semver,pgsemver.semver)'::regprocedure),
   (SELECT proleakproof || ' / ' || (proparallel = 's') FROM pg_proc WHERE oid = 'mreg.semver_lt(mreg.semver,mreg.semver)'::regprocedure))
) t(check_, "pg-semver", "mreg.semver");
DROP TABLE src, t_mreg, t_pgsemver, t_text, probes, res;
SQL
}

# ---- distributions: ORDER BY and btree build, mreg vs pg-semver -------------
# name|SQL expression for version number i (random() per row, setseed first)
dists=(
	"releases only|format('%s.%s.%s', floor(random() * 20)::int, floor(random() * 40)::int, floor(random() * 120)::int)"
	"20% prereleases (rc.N, beta.N.x)|format('%s.%s.%s', floor(random() * 20)::int, floor(random() * 40)::int, floor(random() * 120)::int) || CASE WHEN random() < 0.2 THEN CASE WHEN random() < 0.5 THEN '-rc.' || floor(random() * 20)::int ELSE '-beta.' || floor(random() * 20)::int || '.x' END ELSE '' END"
	"20% prereleases, few patch lines|format('%s.%s.%s', floor(random() * 3)::int, floor(random() * 5)::int, floor(random() * 10)::int) || CASE WHEN random() < 0.2 THEN CASE WHEN random() < 0.5 THEN '-rc.' || floor(random() * 20)::int ELSE '-beta.' || floor(random() * 20)::int || '.x' END ELSE '' END"
	"50% prereleases, long identifiers|format('%s.%s.%s', floor(random() * 20)::int, floor(random() * 40)::int, floor(random() * 120)::int) || CASE WHEN random() < 0.5 THEN (ARRAY['-snapshot.', '-nightly.build.', '-alpha.preview.'])[1 + floor(random() * 3)::int] || (20240000 + floor(random() * 1300)::int) || '.g' || substr(md5(random()::text), 1, 10) ELSE '' END"
	"many duplicates (500 distinct)|format('%s.%s.%s', floor(random() * 5)::int, floor(random() * 10)::int, floor(random() * 5)::int) || CASE WHEN random() < 0.5 THEN '-rc.' || floor(random() * 2)::int ELSE '' END"
)

dist_part() {
	psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "CREATE TABLE dres (id serial, dist text, tcase text, typ text, ms float8)"
	for d in "${dists[@]}"; do
		dname=${d%%|*}; expr=${d#*|}
		[[ "$dname" == *${SEMVER_BENCH_DISTS:-}* ]] || continue
		psql -X -q -v ON_ERROR_STOP=1 -d $DB <<SQL
SELECT setseed(0.25) \gset
CREATE TABLE dsrc AS SELECT i, $expr AS t FROM generate_series(1, $N) i;
CREATE TABLE d_mreg AS SELECT i, t::mreg.semver AS v FROM dsrc;
CREATE TABLE d_pgsemver AS SELECT i, t::pgsemver.semver AS v FROM dsrc;
VACUUM ANALYZE d_mreg, d_pgsemver;
SQL
		{
			echo "SET search_path = public, mreg, pgsemver;"
			echo "SET work_mem = '512MB'; SET maintenance_work_mem = '512MB'; SET max_parallel_workers_per_gather = 0;"
			echo "SET max_parallel_maintenance_workers = 0; SET jit = off;"
			for ((r = 1; r <= ROUNDS; r++)); do
				for tbl in d_mreg d_pgsemver; do
					echo "INSERT INTO dres (dist, tcase, typ, ms) VALUES (\$d\$$dname\$d\$, 'ORDER BY', '$tbl', timed('SELECT count(*) FROM (SELECT v FROM $tbl ORDER BY v OFFSET 0) s'));"
					echo "INSERT INTO dres (dist, tcase, typ, ms) VALUES (\$d\$$dname\$d\$, 'btree build', '$tbl', timed('CREATE INDEX ${tbl}_v ON $tbl (v); DROP INDEX ${tbl}_v'));"
				done
			done
			echo "DROP TABLE dsrc, d_mreg, d_pgsemver;"
		} | psql -X -q -v ON_ERROR_STOP=1 -d $DB
	done
	echo
	echo "ORDER BY and btree build by distribution: $N versions, median of $ROUNDS runs, ms; mreg / pg-semver < 1 means mreg is faster"
	psql -X -q -d $DB <<'SQL'
WITH m AS (SELECT dist, tcase, typ, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med,
                  min(id) AS id FROM dres GROUP BY 1, 2, 3)
SELECT dist AS distribution, tcase AS "case",
       round(max(med) FILTER (WHERE typ = 'd_mreg')::numeric, 1) AS "mreg.semver",
       round(max(med) FILTER (WHERE typ = 'd_pgsemver')::numeric, 1) AS "pg-semver",
       round((max(med) FILTER (WHERE typ = 'd_mreg') / max(med) FILTER (WHERE typ = 'd_pgsemver'))::numeric, 2) AS "mreg / pg-semver"
  FROM m GROUP BY dist, tcase ORDER BY min(id), tcase;
SQL
}

for part in $PARTS; do
	case $part in
	main) main_part ;;
	dist) dist_part ;;
	*) echo "unknown part $part" >&2; exit 1 ;;
	esac
done
