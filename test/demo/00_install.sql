-- make demo, step 0: install the extension into the demo database.
\pset footer off
\echo
\echo '== mreg: a model registry inside PostgreSQL =='
CREATE EXTENSION IF NOT EXISTS mreg CASCADE;
\echo
\echo 'Installed extensions:'
SELECT extname AS extension, extversion AS version, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname IN ('mreg', 'pg_trgm', 'pgcrypto') ORDER BY 1;
SELECT mreg.version() AS "mreg.version()";
-- mreg's operators (semver <, lineage @>, ...) live in schema mreg: put it on the path.
ALTER DATABASE :"DBNAME" SET search_path = "$user", public, mreg;
SET search_path = "$user", public, mreg;

-- The tour shows what the registry refuses, too.  refused() runs a statement
-- that is expected to fail and prints the error instead of stopping the tour.
CREATE FUNCTION public.refused(statement text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    code text;
BEGIN
    EXECUTE statement;
    RETURN 'NOT refused (this is a bug): ' || statement;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, code = RETURNED_SQLSTATE;
    RETURN format('refused, as it should be (%s): %s', code, msg);
END
$$;
COMMENT ON FUNCTION public.refused(text) IS 'Demo helper: runs a statement that must fail and returns its error';
