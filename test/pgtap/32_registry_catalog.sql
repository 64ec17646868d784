-- Registry core: the schema explains itself and is dump-safe.  Every table,
-- view, column and function in schema mreg has a comment; every table has a
-- bigint identity primary key named id and is an extension configuration
-- table (so pg_dump keeps its rows), and so is its identity sequence.
BEGIN;
SELECT plan(9);

SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'v', 'p')
       AND obj_description(c.oid, 'pg_class') IS NULL$$,
    'every table and view has a comment');
SELECT is_empty($$
    SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'v', 'p')
       AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL$$,
    'every column has a comment');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'mreg'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function has a comment');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind = 'r'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ALL (k.conkey)
                        WHERE k.conrelid = c.oid AND k.contype = 'p' AND a.attname = 'id'
                          AND a.atttypid = 'bigint'::regtype AND a.attidentity <> '')$$,
    'every table has a bigint identity primary key named id');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind = 'r'
       AND c.relname <> ALL ('{search_doc,search_metric}')   -- derived, rebuilt by a restore's inserts (dump_restore.sh)
       AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'mreg')::oid[])$$,
    'every table is dumped with its data (pg_extension_config_dump), but the derived search tables');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relname IN ('search_doc', 'search_metric')
              AND c.oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'mreg')::oid[])), 0::bigint,
          'the search tables are not dumped (a restore would load them twice)');
SELECT is_empty($$
    SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'i'
     WHERE s.relkind = 'S' AND s.relnamespace = 'mreg'::regnamespace
       AND s.relname <> ALL ('{search_doc_id_seq,search_metric_id_seq}')
       AND s.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'mreg')::oid[])$$,
    'every identity sequence is dumped too');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
            WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind = 'r'
              AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id')),
          ARRAY['audit_verification', 'event_batch', 'event_consumer', 'pack', 'project', 'synonym']::text[],
          'every table but project, synonym, the domain packs (registry-wide, like synonyms), the event consumers (a role''s, across projects; visible to that role) and the recorded audit verifications (of the whole chain) carries project_id (row-level security keys on it)');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'mreg'::regnamespace AND l.lanname IN ('plpgsql', 'sql') AND p.prosqlbody IS NULL
       AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')$$,
    'every plpgsql/SQL function without a parsed body pins search_path');

SELECT * FROM finish();
ROLLBACK;
