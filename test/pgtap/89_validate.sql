-- mreg.validate() (89_validate.sql): a clean registry reports nothing; each
-- invariant, broken behind the API's back (as a superuser with
-- session_replication_role = replica, which skips the guard triggers, in a
-- savepoint rolled back afterwards) or reached through the API, is
-- reported; row-level security bounds what a reader checks; the audit chain
-- is checked for auditors, and recorded.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE va89_reader LOGIN;  GRANT mreg_reader TO va89_reader;
CREATE ROLE va89_auditor LOGIN; GRANT mreg_auditor TO va89_auditor;

-- ---------------------------------------------------------------- a clean registry with every kind of row
SELECT mreg.create_project('va');
SELECT mreg.create_project('vb');
SELECT mreg.grant_access('va', 'va89_reader', 'read');
SELECT mreg.grant_access('va', 'va89_auditor', 'audit');
SELECT mreg.define_environment('va', 'production', follow_alias => '@production');
SELECT mreg.register_dataset_version('va', 'txns', '2026-01', 's3://d/1', sha256 => repeat('a', 64));
SELECT mreg.register_dataset_version('vb', 'other', '1', 's3://o/1', sha256 => repeat('b', 64));
SELECT mreg.log_run('va', 'exp', '{}', '{}', ARRAY['dataset:txns@2026-01', 'vb/dataset:other@1']) AS run \gset
SELECT mreg.register_model_version('va', 'm', '1.0.0', :run,
           jsonb_build_array(jsonb_build_object('name', 'w', 'content_base64', encode('weights'::bytea, 'base64')),
                             jsonb_build_object('name', 'img', 'uri', 'oci://m:1', 'sha256', repeat('c', 64)))) AS v1 \gset
SELECT mreg.register_model_version('va', 'm', '1.1.0', :run) AS v2 \gset
SELECT mreg.register_model_version('va', 'm', '2.0.0') AS v3 \gset
SELECT mreg.register_model_version('va', 'm', '3.0.0-draft', status => 'draft') AS vdraft \gset
SELECT mreg.register_model_version('va', 'n', '1.0.0') AS vn \gset
SELECT mreg.register_model_version('vb', 'mb', '1.0.0') AS vb1 \gset
SELECT mreg.set_alias('va', 'm', 'champion', '1.1.0');
SELECT mreg.promote('va', 'm', '1.0.0', 'staging');
SELECT mreg.promote('va', 'm', '1.0.0', 'production') AS dep_live \gset
SELECT mreg.promote('va', 'm', '1.1.0', 'staging');
SELECT mreg.promote('va', 'm', '1.1.0', 'production', traffic_pct => 10) AS dep_canary \gset
SELECT mreg.record_health(:dep_live, now(), rps => 5);

SELECT is((SELECT string_agg(format('%s %s %s: %s', invariant, severity, node, detail), '; ') FROM mreg.validate()), NULL,
          'a clean registry: validate() reports nothing (superuser)');
SELECT is((SELECT count(*) FROM mreg.audit_verification WHERE ok), 1::bigint,
          'and the superuser''s run verified the audit chain and recorded it');
SELECT is((SELECT (SELECT alias FROM (SELECT a.name AS alias FROM mreg.alias a WHERE a.model_version_id = :v1) x)), '@production',
          'the production environment''s alias follows the live version');

-- One broken invariant at a time: break, validate, roll back.
CREATE FUNCTION pg_temp.broken(breaking text) RETURNS SETOF text
    LANGUAGE plpgsql
AS $$
DECLARE
    r record;
BEGIN
    BEGIN
        SET LOCAL session_replication_role = replica;
        EXECUTE breaking;
        SET LOCAL session_replication_role = origin;
        FOR r IN SELECT * FROM mreg.validate() v WHERE v.severity <> 'skipped' ORDER BY 1, 3, 4 LOOP
            RETURN NEXT format('%s %s %s', r.invariant, r.severity, r.node);
        END LOOP;
        RAISE EXCEPTION 'roll back' USING ERRCODE = 'P0100';
    EXCEPTION WHEN SQLSTATE 'P0100' THEN
        RETURN;
    END;
END
$$;

SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.model_version SET provenance = %L WHERE id = %s', '', :v2))),
          ARRAY['provenance error va/model:m@1.1.0'], 'an empty provenance snapshot');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.model_version SET provenance = %L WHERE id = %s', 'model:m@1.1.0', :v2))),
          ARRAY['provenance error va/model:m@1.1.0'], 'a provenance without the version''s run');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.model_version SET provenance = %L WHERE id = %s', 'model:n@9.9.9', :vn))),
          ARRAY['provenance error va/model:n@1.0.0'], 'a provenance without the version''s own node');
SELECT is((SELECT count(*) FROM mreg.validate()), 0::bigint, 'each break is rolled back: clean again');
SELECT is(ARRAY(SELECT pg_temp.broken($$UPDATE mreg.dataset_version SET version = '2026-02' WHERE version = '2026-01'$$)),
          ARRAY['provenance_dataset error va/model:m@1.0.0', 'provenance_dataset error va/model:m@1.1.0'],
          'a dataset version named in provenances that no longer exists');
SELECT is(ARRAY(SELECT pg_temp.broken($$UPDATE mreg.dataset_version SET version = '2' WHERE version = '1'$$)),
          ARRAY['provenance_dataset error va/model:m@1.0.0', 'provenance_dataset error va/model:m@1.1.0'],
          'one of another project (prefixed in the provenance)');
SELECT is(ARRAY(SELECT pg_temp.broken($$UPDATE mreg.artifact SET sha256 = NULL WHERE name = 'img'$$)),
          ARRAY['artifact_checksum warning va/model:m@1.0.0'], 'an artifact without a checksum (a warning: the API allows it)');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$UPDATE mreg.artifact SET sha256 = %L WHERE name = 'w'$$, repeat('0', 64)))),
          ARRAY['artifact_checksum_match error va/model:m@1.0.0'], 'inline bytes that do not match their checksum');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.alias SET model_version_id = %s WHERE name = %L', :vn, '@champion'))),
          ARRAY['alias error va/model:m@champion'], 'an alias pointing at a version of another model');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.alias SET model_version_id = %s WHERE name = %L', :vdraft, '@champion'))),
          ARRAY['alias error va/model:m@champion'], 'an alias pointing at a draft');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.model_version SET status = %L WHERE id = %s; UPDATE mreg.search_doc SET stage = %1$L WHERE model_version_id = %2$s', 'retired', :v3)
                                      || format('; UPDATE mreg.alias SET model_version_id = %s WHERE name = %L', :v3, '@champion'))),
          ARRAY['alias error va/model:m@champion'], 'an alias pointing at a retired version');
SELECT is(ARRAY(SELECT pg_temp.broken(format('UPDATE mreg.deployment SET traffic_pct = 80 WHERE id = %s', :dep_live))),
          ARRAY['deployment error va/model:m in production'], 'live and canary traffic that do not add up to 100');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$UPDATE mreg.deployment SET state = 'ended', ended_at = now(), traffic_pct = 0 WHERE id = %s$$, :dep_live))),
          ARRAY['deployment error va/model:m in production'], 'a canary without a live version');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$DROP INDEX mreg.deployment_one_live; UPDATE mreg.deployment SET state = 'live', traffic_pct = 0 WHERE id = %s$$, :dep_canary))),
          ARRAY['deployment error va/model:m in production', 'follow_alias warning va/model:m@production'],
          'two live versions at once (the unique index dropped); the alias follows only one of them');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$UPDATE mreg.deployment SET model_version_id = %s WHERE id = %s$$, :vn, :dep_canary))),
          ARRAY['deployment_version error va/model:n@1.0.0 in production'], 'a deployment running a version of another model');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$UPDATE mreg.model_version SET project_id = (SELECT id FROM mreg.project WHERE name = 'vb') WHERE id = %s$$, :vn))),
          ARRAY['search_document error vb/model:n@1.0.0', 'version_project error va/model:n@1.0.0'],
          'a version whose project is not its model''s (its search document disagrees too)');
SELECT is(ARRAY(SELECT pg_temp.broken(format('DELETE FROM mreg.search_doc WHERE model_version_id = %s', :v3))),
          ARRAY['search_document error va/model:m@2.0.0'], 'a version without a search document');
SELECT is(ARRAY(SELECT pg_temp.broken(format($$UPDATE mreg.model_version SET status = 'archived' WHERE id = %s$$, :v3))),
          ARRAY['search_document error va/model:m@2.0.0'], 'a search document that missed a status change');
SELECT is(ARRAY(SELECT pg_temp.broken(format('GRANT SELECT ON %s TO mreg_reader',
                    (SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                      WHERE i.inhparent = 'mreg.health_signal'::regclass AND c.relname LIKE 'health\_signal\_p%' ORDER BY 1 LIMIT 1))))
          ::text, format('{"health_partition_privileges error %s"}',
                    (SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                      WHERE i.inhparent = 'mreg.health_signal'::regclass AND c.relname LIKE 'health\_signal\_p%' ORDER BY 1 LIMIT 1)),
          'a health signal partition that grants a privilege');
SELECT is(ARRAY(SELECT pg_temp.broken(format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY',
                    (SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                      WHERE i.inhparent = 'mreg.health_signal'::regclass ORDER BY 1 LIMIT 1))))::text LIKE '{"health_partition_security error %"}', true,
          'a health signal partition with row-level security');
-- (this transaction's audit rows are sealed only at commit: forge a sealed one)
SELECT is(ARRAY(SELECT pg_temp.broken($$UPDATE mreg.audit_log SET seq = 1, hash = '\x00'::bytea WHERE id = (SELECT min(id) FROM mreg.audit_log)$$)),
          ARRAY['audit_chain error audit_log:' || (SELECT min(id) FROM mreg.audit_log)], 'a forged audit row');

-- ---------------------------------------------------------------- states the API reaches
SAVEPOINT api;
SELECT mreg.set_alias('va', 'm', 'production', '2.0.0', 'moved by hand');
SELECT is(ARRAY(SELECT format('%s %s %s', invariant, severity, node) FROM mreg.validate() WHERE severity <> 'skipped'),
          ARRAY['follow_alias warning va/model:m@production'], 'an alias its environment follows, moved by hand: a warning');
ROLLBACK TO SAVEPOINT api;
SELECT throws_ok($$SELECT mreg.retire('va', 'm', '1.0.0', 'retired while live')$$, '55000', NULL,
                 'retire() refuses a version that still serves');
-- behind the API's back (guards off), the state is reported
SET LOCAL session_replication_role = replica;
UPDATE mreg.model_version SET status = 'retired' WHERE id = mreg.version_id('va', 'm', '1.0.0');
RESET session_replication_role;
SELECT is(ARRAY(SELECT format('%s %s %s', invariant, severity, node) FROM mreg.validate() WHERE severity <> 'skipped' AND invariant = 'deployment_version'),
          ARRAY['deployment_version error va/model:m@1.0.0 in production'],
          'a retired version that still serves: reported');
ROLLBACK TO SAVEPOINT api;

-- ---------------------------------------------------------------- who checks what
-- a violation in project vb, which the reader may not read
SAVEPOINT rls;
SET LOCAL session_replication_role = replica;
UPDATE mreg.model_version SET provenance = '' WHERE id = :vb1;
SET LOCAL session_replication_role = origin;
SELECT is((SELECT count(*) FROM mreg.validate() WHERE invariant = 'provenance'), 1::bigint, 'the superuser sees a broken version of vb');
SET LOCAL ROLE va89_reader;
SELECT is(ARRAY(SELECT format('%s %s', invariant, severity) FROM mreg.validate() ORDER BY 1),
          ARRAY['artifact_checksum_match skipped', 'audit_chain skipped'],
          'a reader of va checks what it may read: nothing of vb, and says which checks it could not run');
RESET ROLE;
SET LOCAL ROLE va89_auditor;
SELECT is(ARRAY(SELECT format('%s %s', invariant, severity) FROM mreg.validate() ORDER BY 1),
          ARRAY['artifact_checksum_match skipped'], 'an auditor of va: the audit chain is checked');
RESET ROLE;
SELECT is((SELECT created_by FROM mreg.audit_verification ORDER BY id DESC LIMIT 1), 'va89_auditor'::name,
          'and recorded as the auditor''s verification');
ROLLBACK TO SAVEPOINT rls;

-- read-only (a standby): verified without recording, which would fail there
SAVEPOINT ro;
SET LOCAL transaction_read_only = on;
SELECT is((SELECT count(*) FROM mreg.validate()), 0::bigint, 'validate() verifies the chain in a read-only transaction too');
ROLLBACK TO SAVEPOINT ro;

-- ---------------------------------------------------------------- record_audit_verification
SET LOCAL ROLE va89_reader;
SELECT throws_ok('SELECT * FROM mreg.record_audit_verification()', '42501', NULL, 'a reader may not record a verification');
RESET ROLE;
SET LOCAL ROLE va89_auditor;
SELECT is((SELECT ok FROM mreg.record_audit_verification()), true, 'an auditor records one');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'record_audit_verification' AND current_user_name = 'va89_auditor'), 1::bigint,
          'the call is audited like every API call');
SELECT throws_ok('UPDATE mreg.audit_verification SET ok = false', '55000', NULL, 'recorded verifications are append-only');

SELECT * FROM finish();
ROLLBACK;
