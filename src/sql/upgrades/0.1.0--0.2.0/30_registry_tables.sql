-- 0.1.0 to 0.2.0, changes to 30_registry_tables.sql: the provenance index
-- without a pending list (impact() scanned it on every probe until VACUUM).
-- Turning fastupdate off keeps what is pending: merge it now.
ALTER INDEX mreg.model_version_provenance_idx SET (fastupdate = off);
SELECT pg_catalog.gin_clean_pending_list('mreg.model_version_provenance_idx'::pg_catalog.regclass);
