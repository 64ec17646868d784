-- The extension's footprint: schema, requirements, privileges, markings.
BEGIN;
SELECT plan(9);

SELECT has_schema('mreg', 'schema mreg exists');
SELECT has_extension('mreg', 'extension mreg is installed');
SELECT has_extension('pg_trgm', 'pg_trgm came with CASCADE');
SELECT has_extension('pgcrypto', 'pgcrypto came with CASCADE');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'mreg'), false, 'mreg is not relocatable');
SELECT is(split_part(mreg.version(), ' ', 1),
          (SELECT extversion FROM pg_extension WHERE extname = 'mreg'),
          'loaded module version equals the installed extension version');
SELECT volatility_is('mreg', 'version', '{}'::name[], 'immutable', 'version() is immutable');
SELECT ok(NOT has_schema_privilege('public', 'mreg', 'USAGE'), 'PUBLIC has no usage on schema mreg');
-- Every C function in the schema is STRICT or documents why not: none yet is not.
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'mreg'::regnamespace AND l.lanname = 'c'
              AND p.proparallel <> 's' AND p.provolatile = 'i'),
          0::bigint, 'every immutable C function is PARALLEL SAFE');

SELECT * FROM finish();
ROLLBACK;
