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
ALTER DATABASE mreg_demo SET search_path = "$user", public, mreg;
SET search_path = "$user", public, mreg;
