-- The extension installs into schema mreg and the loaded module matches it.
SELECT extname, extversion, extrelocatable, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname IN ('mreg', 'pg_trgm', 'pgcrypto') ORDER BY extname;

SELECT split_part(mreg.version(), ' ', 1) = extversion AS module_matches_extension
  FROM pg_extension WHERE extname = 'mreg';
SELECT mreg.version() ~ '^\d+\.\d+\.\d+ \(build [^,]+, PostgreSQL \d+' AS version_format;

-- Declared volatility and strictness are what the docs promise.
SELECT proname, provolatile, proisstrict, proparallel
  FROM pg_proc WHERE oid = 'mreg.version()'::regprocedure;

-- The schema is not relocatable and PUBLIC gets nothing on it.
SELECT has_schema_privilege('public', 'mreg', 'USAGE') AS public_usage;
