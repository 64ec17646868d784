-- pg_dump keeps the registry's data: every table of schema mreg and its id
-- sequence is an extension configuration table.  This file runs last, so it
-- covers the tables of every capability file.
--
-- Seeded vocabulary and synonyms come back with CREATE EXTENSION, so only
-- user-added rows are dumped (no seeded row comes back twice).
SELECT pg_catalog.pg_extension_config_dump(c.oid::pg_catalog.regclass,
           CASE WHEN c.relname OPERATOR(pg_catalog.=) ANY ('{vocabulary,synonym}'::pg_catalog.name[])
                THEN 'WHERE NOT seeded' ELSE '' END)
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
   AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relispartition;

SELECT pg_catalog.pg_extension_config_dump(s.seq, '')
  FROM pg_catalog.pg_class c,
       LATERAL (SELECT pg_catalog.pg_get_serial_sequence(c.oid::pg_catalog.regclass::pg_catalog.text, a.attname)::pg_catalog.regclass AS seq
                  FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attidentity OPERATOR(pg_catalog.<>) '') s
 WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
   AND c.relkind OPERATOR(pg_catalog.=) 'r' AND NOT c.relispartition;
