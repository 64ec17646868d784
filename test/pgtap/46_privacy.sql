-- Personal data (SPEC section 6): fields a project's metadata schema flags
-- "sensitive" are masked at rest everywhere a role can look (tables, views,
-- history, the audit log), readable in clear only through
-- mreg.personal_data() with the privacy grant and a purpose (audited), and
-- erasable.  Roles are cluster-wide: created here, dropped at the end.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE pd46_reader LOGIN IN ROLE mreg_reader;         -- read on hr
CREATE ROLE pd46_dpo LOGIN IN ROLE mreg_reader;            -- privacy on hr
CREATE ROLE pd46_admin LOGIN IN ROLE mreg_admin;           -- admin on hr, later privacy too
CREATE ROLE pd46_other LOGIN IN ROLE mreg_reader;          -- privacy on other only

-- ---------------------------------------------------------------- flagging
SELECT is((SELECT string_agg(p::text, ' ' ORDER BY p) FROM mreg.sensitive_paths(
            '{"properties": {"a": {"sensitive": true, "properties": {"deeper": {"sensitive": true}}},
                             "b": {"properties": {"c": {"sensitive": true}, "d": {"sensitive": false}}},
                             "e": {"type": "string"}, "f": true}}') p),
          '{a} {b,c}', 'sensitive_paths: flagged properties at any depth; nothing looked for below a flagged one');
SELECT is((SELECT count(*) FROM mreg.sensitive_paths('{"type": "object"}')), 0::bigint, 'a schema without flags flags nothing');
SELECT is((SELECT count(*) FROM mreg.sensitive_paths('{"items": {"properties": {"x": {"sensitive": true}}}}')), 0::bigint,
          'only properties reached through "properties" count (array items are not walked)');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"properties": {"x": {"sensitive": "yes"}}}')$$, '22023',
                 'invalid JSON schema at "/properties/x/sensitive": "sensitive" must be a boolean, not string',
                 '"sensitive" must be a boolean');
SELECT ok(mreg.jsonb_matches_schema('{"properties": {"x": {"type": "string", "sensitive": true}}}', '{"x": "y"}'),
          'the flag is an annotation: it does not change validation');

SELECT mreg.create_project('hr');
SELECT mreg.create_project('other');
SELECT mreg.grant_access('hr', 'pd46_reader', 'read');
SELECT mreg.grant_access('hr', 'pd46_dpo', 'privacy', NULL, 'data protection officer');
SELECT mreg.grant_access('hr', 'pd46_admin', 'admin');
SELECT mreg.grant_access('other', 'pd46_other', 'privacy');

SELECT mreg.set_metadata_schema('hr', 'model_version',
    '{"type": "object", "properties": {"annotator": {"type": "object", "properties": {"email": {"type": "string", "sensitive": true}}},
                                       "owner_phone": {"sensitive": true}}}');
SELECT mreg.set_metadata_schema('hr', 'run_params', '{"properties": {"employee_id": {"sensitive": true}}}');
SELECT mreg.set_metadata_schema('hr', 'run_environment', '{"properties": {"user": {"sensitive": true}}}');
SELECT mreg.set_metadata_schema('hr', 'dataset_schema', '{"properties": {"contact": {"sensitive": true}}}');

-- ---------------------------------------------------------------- writes mask at rest
SELECT mreg.log_run('hr', 'exp', '{"lr": 0.1, "employee_id": "E-4711-secret"}', '{"user": "bob-secret", "gpu": "a100"}') AS rid \gset
SELECT mreg.register_model_version('hr', 'attrition', '1.0.0', :rid,
         metadata => '{"annotator": {"email": "ann-secret@example.org", "team": "t1"}, "owner_phone": "+49-secret", "ok": 1, "gone": null}') AS vid \gset
SELECT mreg.register_dataset_version('hr', 'staff', '2024', 's3://hr/staff', schema => '{"rows": "int", "contact": "dpo-secret@example.org"}') AS dvid \gset

SELECT is(metadata, '{"annotator": {"email": "[masked]", "team": "t1"}, "owner_phone": "[masked]", "ok": 1, "gone": null}',
          'model_version.metadata holds masks where the schema flags personal data (null stays null)')
  FROM mreg.model_version WHERE id = :vid;
SELECT is((params, environment)::text, ('{"lr": 0.1, "employee_id": "[masked]"}'::jsonb, '{"user": "[masked]", "gpu": "a100"}'::jsonb)::text,
          'run params and environment are masked') FROM mreg.run WHERE id = :rid;
SELECT is(schema, '{"rows": "int", "contact": "[masked]"}', 'a dataset version''s schema is masked') FROM mreg.dataset_version WHERE id = :dvid;
SELECT is((SELECT count(*) FROM mreg.personal_data), 5::bigint, 'five clear values are kept apart');

-- nowhere a role can look holds a clear value: every table and view of schema mreg
-- but the one that keeps them (generated from the catalog)
CREATE FUNCTION pg_temp.pd_leaks(needle text) RETURNS text
    LANGUAGE plpgsql
AS $$
DECLARE
    t name;
    n bigint;
    found text := NULL;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'v') AND c.relname <> 'personal_data'
              ORDER BY 1 LOOP
        EXECUTE format('SELECT count(*) FROM mreg.%I x WHERE x::text LIKE %L', t, '%' || needle || '%') INTO n;
        IF n > 0 THEN
            found := concat_ws(', ', found, t);
        END IF;
    END LOOP;
    RETURN found;
END
$$;
SELECT is(pg_temp.pd_leaks('secret'), NULL,
          'no table or view (audit log and row history included) holds a clear personal value written after the flag');

-- ---------------------------------------------------------------- reading them
SET ROLE pd46_reader;
SELECT throws_ok('SELECT * FROM mreg.personal_data', '42501', NULL, 'readers may not SELECT the clear values');
SELECT mreg.set_purpose('curiosity');
SELECT throws_ok(format('SELECT mreg.personal_data(%L, %s)', 'model_version', :vid), '42501',
                 'permission denied: role pd46_reader lacks the privacy privilege on project hr',
                 'read alone does not unmask');
SELECT is(metadata->'annotator'->>'email', '[masked]', 'the reader sees the mask') FROM mreg.model_version WHERE id = :vid;
RESET ROLE;

SET ROLE pd46_other;
SELECT mreg.set_purpose('probe');
SELECT throws_ok(format('SELECT mreg.personal_data(%L, %s)', 'model_version', :vid), '23503',
                 format('model version %s is not registered', :vid),
                 'privacy elsewhere: the entity of a project one may not read does not exist');
SELECT throws_ok($$SELECT mreg.personal_data('model_version', 987654321)$$, '23503',
                 'model version 987654321 is not registered', 'the same words as an id that does not exist');
RESET ROLE;

SET ROLE pd46_dpo;
SELECT mreg.set_purpose('');
SELECT throws_ok(format('SELECT mreg.personal_data(%L, %s)', 'model_version', :vid), '42501',
                 'reading personal data needs a purpose', 'no purpose, no personal data');
SELECT mreg.set_purpose('DSAR 2026-17');
SELECT is(mreg.personal_data('model_version', :vid),
          '{"annotator": {"email": "ann-secret@example.org", "team": "t1"}, "owner_phone": "+49-secret", "ok": 1, "gone": null}',
          'with privacy and a purpose: the metadata as written');
SELECT is(mreg.personal_data('run_params', :rid), '{"lr": 0.1, "employee_id": "E-4711-secret"}', 'run params unmasked');
SELECT is(mreg.personal_data('run_environment', :rid), '{"user": "bob-secret", "gpu": "a100"}', 'run environment unmasked');
SELECT is(mreg.personal_data('dataset_schema', :dvid), '{"rows": "int", "contact": "dpo-secret@example.org"}', 'dataset schema unmasked');
SELECT throws_ok($$SELECT mreg.personal_data('bogus', 1)$$, '22023', 'unknown entity kind ''bogus''', 'an unknown kind');
SELECT throws_ok($$SELECT mreg.personal_data(NULL, 1)$$, '22004', NULL, 'a NULL kind');
SELECT throws_ok($$SELECT mreg.personal_data('', 1)$$, '22004', NULL, 'an empty kind');
SELECT throws_ok($$SELECT mreg.personal_data('run_params', NULL)$$, '22004', 'entity_id must not be null', 'a NULL id');
SELECT throws_ok($$SELECT mreg.personal_data(repeat('x', 100000), 1)$$, '22023', NULL, 'a huge kind: a clear error');
RESET ROLE;

SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'personal_data' AND current_user_name = 'pd46_dpo'
                                                 AND purpose = 'DSAR 2026-17'), 4::bigint,
          'every read of personal data is an audit row naming the reader and the purpose');
SELECT is((SELECT DISTINCT after->>'result' FROM mreg.audit_log WHERE action = 'personal_data'), '(personal data not logged)',
          'the audit row does not log what was read');
SELECT is((SELECT target FROM mreg.audit_log WHERE action = 'personal_data' ORDER BY id LIMIT 1), 'hr/model:attrition@1.0.0',
          'its target is the version''s node');
SELECT is(pg_temp.pd_leaks('secret'), NULL, 'reading left no clear value anywhere');

-- ---------------------------------------------------------------- retries
SELECT is(mreg.register_dataset_version('hr', 'staff', '2024', 's3://hr/staff', schema => '{"rows": "int", "contact": "dpo-secret@example.org"}'),
          :dvid::bigint, 'the same snapshot again (same personal values) returns its id');
SELECT throws_ok($$SELECT mreg.register_dataset_version('hr', 'staff', '2024', 's3://hr/staff', schema => '{"rows": "int", "contact": "someone-else"}')$$,
                 '23505', NULL, 'the same label with another personal value is other content');

-- ---------------------------------------------------------------- flagging existing data
SELECT mreg.register_model_version('hr', 'attrition', '1.1.0',
         metadata => '{"annotator": {"email": "x@example.org"}, "reviewer": "rita-old"}') AS vid2 \gset
SELECT mreg.log_run('other', 'exp', '{}', '{"user": "olga-old"}') AS orid \gset
UPDATE mreg.run SET notes = 'corrected' WHERE id = :orid;      -- a copy of the old row in row_history
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'run' AND row_id = :orid AND old_row::text LIKE '%olga-old%'),
          1::bigint, 'before the flag, history holds the clear value');
SELECT mreg.set_metadata_schema('other', 'run_environment', '{"properties": {"user": {"sensitive": true}}}');
SELECT mreg.set_metadata_schema('hr', 'model_version',
    '{"type": "object", "properties": {"annotator": {"type": "object", "properties": {"email": {"type": "string", "sensitive": true}}},
                                       "owner_phone": {"sensitive": true}, "reviewer": {"sensitive": true}}}');
SELECT is(environment, '{"user": "[masked]"}', 'flagging a field masks what stored rows already hold') FROM mreg.run WHERE id = :orid;
SELECT is(metadata, '{"annotator": {"email": "[masked]"}, "reviewer": "[masked]"}',
          'even in a registered (immutable) version') FROM mreg.model_version WHERE id = :vid2;
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'run' AND row_id = :orid AND (old_row::text || new_row::text) LIKE '%olga-old%'),
          0::bigint, 'and the copies in row_history');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'model_version' AND row_id = :vid2), 0::bigint,
          'masking leaves no clear copy of the row behind');
SELECT is((SELECT after->>'masked_values' FROM mreg.audit_log WHERE action = 'set_metadata_schema' ORDER BY id DESC LIMIT 1), '1',
          'the audit row says how many values were masked (the reviewer; the email was masked when written)');
SELECT is((SELECT status FROM mreg.model_version WHERE id = :vid2), 'registered', 'nothing else changed');
SET ROLE pd46_dpo;
SELECT is(mreg.personal_data('model_version', :vid2), '{"annotator": {"email": "x@example.org"}, "reviewer": "rita-old"}',
          'the values masked later are kept like the others');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.model_version WHERE metadata::text LIKE '%rita-old%' OR metadata::text LIKE '%x@example.org%'),
          0::bigint, 'the registry''s tables no longer hold them');

-- ---------------------------------------------------------------- attacks
SELECT throws_ok('DELETE FROM mreg.personal_data', '42501', NULL, 'the owner cannot delete clear values outside the API');
SELECT throws_ok('UPDATE mreg.personal_data SET value = ''"x"''', '42501', NULL, 'nor rewrite them');
SELECT throws_ok('TRUNCATE mreg.personal_data', '55000', NULL, 'nor truncate them');
SET mreg_internal.masking = on;
SELECT throws_ok(format('UPDATE mreg.model_version SET metadata = %L WHERE id = %s', '{}', :vid), '55000', NULL,
                 'setting the masking switch by hand does not open registered versions (it works inside the API only)');
RESET mreg_internal.masking;
SET ROLE pd46_reader;
SELECT throws_ok(format('INSERT INTO mreg.personal_data (project_id, entity_kind, entity_id, path, value) VALUES (%s, %L, %s, %L, %L)',
                        (SELECT id FROM mreg.project WHERE name = 'hr'), 'model_version', :vid, '{ok}', '"forged"'),
                 '42501', NULL, 'nobody may insert a clear value');
SELECT throws_ok('SELECT mreg_internal.mask_existing(1, ''model_version'')', '42501', NULL,
                 'the internal masking routine is not callable');
RESET ROLE;
-- should an admin ever grant SELECT, row-level security still asks for privacy
GRANT SELECT ON mreg.personal_data TO pd46_reader, pd46_dpo;
SET ROLE pd46_reader;
SELECT is((SELECT count(*) FROM mreg.personal_data), 0::bigint, 'a SELECT grant without privacy shows nothing');
RESET ROLE;
SET ROLE pd46_dpo;
SELECT is((SELECT count(*) FROM mreg.personal_data), 7::bigint, 'with privacy: the project''s values only');
RESET ROLE;
REVOKE SELECT ON mreg.personal_data FROM pd46_reader, pd46_dpo;

-- ---------------------------------------------------------------- erasure
SET ROLE pd46_dpo;
SELECT throws_ok(format('SELECT mreg.erase_personal_data(%L, %s)', 'model_version', :vid), '42501', NULL,
                 'erasure needs mreg_admin');
RESET ROLE;
SET ROLE pd46_admin;
SELECT throws_ok(format('SELECT mreg.erase_personal_data(%L, %s)', 'model_version', :vid), '42501',
                 'permission denied: role pd46_admin lacks the privacy privilege on project hr',
                 'admin alone does not erase: it needs privacy too');
RESET ROLE;
SELECT mreg.grant_access('hr', 'pd46_admin', 'privacy');
SET ROLE pd46_admin;
SELECT mreg.set_purpose('erasure request 88');
SELECT is(mreg.erase_personal_data('model_version', :vid), 2, 'erasure forgets the clear values of the document');
SELECT is(mreg.personal_data('model_version', :vid),
          '{"annotator": {"email": "[masked]", "team": "t1"}, "owner_phone": "[masked]", "ok": 1, "gone": null}',
          'afterwards only the masks are left');
SELECT is(mreg.erase_personal_data('model_version', :vid), 0, 'erasing again: nothing left');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'erase_personal_data' AND purpose = 'erasure request 88'), 2::bigint,
          'erasures are audited');
SELECT is((SELECT count(*) FROM mreg.personal_data WHERE entity_kind = 'model_version' AND entity_id = :vid), 0::bigint,
          'the values are gone from the registry');
-- inline bytes never reach the audit log, even in an argument long enough to be logged cut
SELECT mreg.register_model_version('hr', 'blob', '1.0.0', artifacts =>
         jsonb_build_array(jsonb_build_object('name', 'w', 'content_base64', encode(convert_to(repeat('zq-secret-bytes-', 200), 'UTF8'), 'base64'))));
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE after::text LIKE '%' || left(encode(convert_to(repeat('zq-secret-bytes-', 200), 'UTF8'), 'base64'), 40) || '%'),
          0::bigint, 'a long inline artifact is not logged, not even its first bytes');
SELECT is((SELECT after->'artifacts'->0->>'content' FROM mreg.audit_log WHERE action = 'register_model_version' ORDER BY id DESC LIMIT 1),
          '(inline bytes not logged)', 'the audit row says so');
SELECT ok((SELECT ok FROM mreg.verify_audit_chain()), 'the audit chain is intact');

SELECT * FROM finish();
ROLLBACK;
