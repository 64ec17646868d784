#!/usr/bin/env bash
# Lint: plpgsql_check over every PL/pgSQL function of the extension (members
# of extension mreg in schemas mreg and mreg_internal).  Trigger functions are
# checked against the relation (and transition tables) of a trigger that uses
# them.  Every finding is printed with the function's signature; a finding of
# level "error" fails the test, warnings do not.
# Options: fatal_errors false (report all, not just the first), other_warnings
# true, performance_warnings false, extra_warnings false.
set -eu
DB=mreg_plpgsql_check
export PGOPTIONS="-c client_min_messages=warning"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'" >/dev/null 2>&1' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "CREATE EXTENSION mreg CASCADE" -c "CREATE EXTENSION plpgsql_check"

# One line per function checked (level "checked"), then one per finding:
# level <TAB> signature <TAB> text.  A function plpgsql_check cannot check at
# all (e.g. a trigger function no trigger uses) is a finding of level error.
out=$(psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -d $DB <<'SQL'
CREATE FUNCTION pg_temp.check_one(f regprocedure, rel regclass, oldt name, newt name)
RETURNS TABLE (level text, lineno int, sqlstate text, message text, detail text, hint text, query text)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
    SELECT c.level, c.lineno, c.sqlstate, c.message, c.detail, c.hint, c.query
      FROM public.plpgsql_check_function_tb(f, coalesce(rel, 0), fatal_errors => false, other_warnings => true,
             performance_warnings => false, extra_warnings => false, oldtable => oldt, newtable => newt) c;
EXCEPTION WHEN OTHERS THEN
  RETURN QUERY SELECT 'error'::text, NULL::int, SQLSTATE::text, 'plpgsql_check could not check it: ' || SQLERRM, NULL::text, NULL::text, NULL::text;
END $$;
CREATE FUNCTION pg_temp.canary() RETURNS int LANGUAGE plpgsql
  AS $$ BEGIN RETURN (SELECT no_such_column FROM mreg.project); END $$;
WITH fn AS (
  SELECT p.oid::regprocedure AS f, p.prorettype = 'trigger'::regtype AS is_trigger
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_catalog.pg_extension e ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid
   WHERE e.extname = 'mreg' AND p.pronamespace IN (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('mreg', 'mreg_internal'))),
trg AS (  -- for each trigger function, one trigger that uses it (transition tables first)
  SELECT DISTINCT ON (t.tgfoid) t.tgfoid, t.tgrelid::regclass AS rel, t.tgoldtable, t.tgnewtable
    FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal
   ORDER BY t.tgfoid, (t.tgoldtable IS NULL AND t.tgnewtable IS NULL), t.tgrelid::regclass::text, t.tgname),
found AS (
  SELECT fn.f, c.*
    FROM fn LEFT JOIN trg ON trg.tgfoid = fn.f AND fn.is_trigger
    CROSS JOIN LATERAL pg_temp.check_one(fn.f, trg.rel, trg.tgoldtable, trg.tgnewtable) c)
SELECT 'checked', count(*)::text, '' FROM fn
UNION ALL
-- the harness itself: a broken function outside the extension must show an error
SELECT 'canary', count(*)::text, '' FROM pg_temp.check_one('pg_temp.canary()', NULL, NULL, NULL) c WHERE c.level = 'error'
UNION ALL
SELECT * FROM (
  SELECT level, f::text,
         coalesce('line ' || lineno || ': ', '') || coalesce(sqlstate || ' ', '') || message
         || coalesce(' DETAIL: ' || detail, '') || coalesce(' HINT: ' || hint, '')
         || coalesce(' QUERY: ' || regexp_replace(query, '\s+', ' ', 'g'), '')
    FROM found ORDER BY level = 'error' DESC, f::text, lineno NULLS FIRST, message) x;
SQL
) || { echo "FAIL: psql error"; echo "$out"; exit 1; }

nfun=$(echo "$out" | awk -F'\t' '$1 == "checked" {print $2}')
canary=$(echo "$out" | awk -F'\t' '$1 == "canary" {print $2}')
[ "${canary:-0}" -gt 0 ] || { echo "FAIL: plpgsql_check did not report the error in a deliberately broken function"; exit 1; }
out=$(echo "$out" | awk -F'\t' '$1 != "canary"')
findings=$(echo "$out" | awk -F'\t' '$1 != "checked"')
if [ -n "$findings" ]; then echo "$findings" | awk -F'\t' '{printf "%s: %s: %s\n", $1, $2, $3}'; fi
nerr=$(echo "$out" | awk -F'\t' '$1 == "error"' | wc -l)
nwarn=$(echo "$out" | awk -F'\t' '$1 != "checked" && $1 != "error"' | wc -l)
echo "plpgsql_check: $nfun PL/pgSQL functions of mreg checked: $nerr errors, $nwarn warnings"
[ "$nfun" -gt 0 ] || { echo "FAIL: no PL/pgSQL function of extension mreg found"; exit 1; }
[ "$nerr" = 0 ] || { echo "FAIL: plpgsql_check found errors"; exit 1; }
