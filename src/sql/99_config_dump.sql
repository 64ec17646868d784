-- pg_dump keeps the registry's data: every table of schema mreg and its id
-- sequence is an extension configuration table.  This file runs last, so it
-- covers the tables of every capability file.
--
-- Seeded vocabulary, synonyms and packs come back with CREATE EXTENSION, so only
-- user-added rows are dumped (no seeded row comes back twice).
-- One call per statement: each call rewrites the pg_extension row.
-- Every upgrade script runs this file again (Makefile UPGRADE_RERUN): a call
-- for a table already listed replaces its condition, a new table is added.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.oid::pg_catalog.regclass AS rel, c.relname
               FROM pg_catalog.pg_class c
              WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
                AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relispartition
                -- search documents are derived: a restore's inserts rebuild them
                AND c.relname OPERATOR(pg_catalog.<>) ALL ('{search_doc,search_metric}'::pg_catalog.name[])
              ORDER BY c.relname
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(t.rel,
                    CASE WHEN t.relname OPERATOR(pg_catalog.=) ANY ('{vocabulary,synonym,pack}'::pg_catalog.name[])
                         THEN 'WHERE NOT seeded' ELSE '' END);
    END LOOP;
    FOR t IN SELECT pg_catalog.pg_get_serial_sequence(a.attrelid::pg_catalog.regclass::pg_catalog.text, a.attname)::pg_catalog.regclass AS rel
               FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
              WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
                AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relispartition
                AND c.relname OPERATOR(pg_catalog.<>) ALL ('{search_doc,search_metric}'::pg_catalog.name[])
                AND a.attidentity OPERATOR(pg_catalog.<>) ''
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(t.rel, '');
    END LOOP;
END
$$;
