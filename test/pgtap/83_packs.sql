-- Domain packs (83_packs.sql, src/packs/*.sql): the shipped packs, install
-- into a project (admin, audited, idempotent), and that what they add takes
-- effect: required fields, sensitive flags, policies on publish and promote;
-- merging never loosens; define_pack for a team's own pack; bad input.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE pk83_admin IN ROLE mreg_admin;
CREATE ROLE pk83_contrib IN ROLE mreg_contributor;
SELECT mreg.create_project('hc');
SELECT mreg.create_project('fin');
SELECT mreg.create_project('cv');
SELECT mreg.grant_access(p, 'pk83_admin', 'admin') FROM unnest(ARRAY['hc', 'fin', 'cv']) p;
SELECT mreg.grant_access('hc', 'pk83_contrib', 'contribute');

SELECT results_eq($$SELECT pack, seeded, metadata_schemas, policies FROM mreg.packs() ORDER BY pack$$,
    $$VALUES ('computer-vision', true, '{model_version}'::text[], '{publish,promote@production}'::text[]),
             ('finance', true, '{model_version}'::text[], '{publish,promote@production}'::text[]),
             ('healthcare', true, '{model_version}'::text[], '{publish,promote@production}'::text[])$$,
    'three packs ship with mreg');

-- privileges
SET LOCAL ROLE pk83_contrib;
SELECT throws_ok($$SELECT mreg.install_pack('hc', 'healthcare')$$, '42501', NULL, 'a contributor may not install a pack');
RESET ROLE;

-- ---------------------------------------------------------------- healthcare
-- before: anything goes
SELECT lives_ok($$SELECT mreg.register_model_version('hc', 'before', '1.0.0', metadata => '{}')$$, 'no schema before the pack');
SET LOCAL ROLE pk83_admin;
SELECT is((mreg.install_pack('hc', 'healthcare'))->>'changed', 'true', 'an admin installs healthcare');
SELECT is(mreg.install_pack('hc', 'healthcare') - 'project',
          '{"pack": "healthcare", "changed": false, "terms": [], "vocabulary_modes": [], "metadata_schemas": [], "policies": []}'::jsonb,
          'a second install changes nothing (idempotent)');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.pack_install i JOIN mreg.project p ON p.id = i.project_id WHERE p.name = 'hc'), 1::bigint,
          'one installation recorded');
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'install_pack'), 2::bigint, 'both calls audited');
SELECT ok((SELECT count(*) FROM mreg.audit_log WHERE action IN ('set_policy', 'set_metadata_schema', 'add_term')
             AND current_user_name = 'pk83_admin') >= 3, 'the changes it made are audited as the installer''s');
SELECT is((SELECT installed_in FROM mreg.packs() WHERE pack = 'healthcare'), '{hc}'::text[], 'packs() lists where it is installed');

SELECT throws_like($$SELECT mreg.register_model_version('hc', 'triage', '1.0.0', status => 'draft', metadata => '{"intended_use": "triage"}')$$,
                   '%does not match the project''s schema%', 'a version without the intended-use fields is refused');
SELECT mreg.register_model('hc', 'triage', constraints => '{gdpr}');
SELECT mreg.register_model_version('hc', 'triage', '1.0.0', status => 'draft',
    metadata => '{"intended_use": "emergency triage support", "intended_users": "ER nurses", "out_of_scope_use": "diagnosis",
                  "trained_on_phi": true, "clinical_contact": "dr.house@example.org"}') AS hv \gset
SELECT is((SELECT metadata->>'clinical_contact' FROM mreg.model_version WHERE id = :hv), '[masked]',
          'a PHI field flagged sensitive is masked at rest');
SELECT throws_like($$SELECT mreg.set_status('hc', 'triage', '1.0.0', 'registered')$$, '%violates the publish policy%',
                   'publishing without HIPAA declared is refused');
SELECT results_eq(format($$SELECT rule, ok FROM mreg.check_policy('publish', %s) ORDER BY rule$$, :hv),
                  $$VALUES ('require_data_rights', true), ('required_constraints', false)$$,
                  'the pack''s publish rules apply');
SELECT mreg.register_model('hc', 'triage', constraints => '{gdpr,hipaa}');
SELECT lives_ok($$SELECT mreg.set_status('hc', 'triage', '1.0.0', 'registered')$$, 'HIPAA declared: it publishes');

-- ---------------------------------------------------------------- finance: merging into what is there
SELECT mreg.set_metadata_schema('fin', 'model_version',
    '{"type": "object", "required": ["owner_team"], "properties": {"owner_team": {"type": "string"}, "validator": {"type": "string", "minLength": 5}}}');
SELECT mreg.set_policy('fin', 'promote', 'production', '{"max_slice_gap": {"auc": 0.01}, "required_approvals": 2}');
SELECT mreg.install_pack('fin', 'finance');
SELECT is((SELECT schema->'required' FROM mreg.metadata_schema s JOIN mreg.project p ON p.id = s.project_id WHERE p.name = 'fin'),
          '["owner_team", "model_risk_tier", "intended_use", "limitations", "validator", "validation_date"]'::jsonb,
          'required fields add up, the project''s first');
SELECT is((SELECT schema->'properties'->'validator' FROM mreg.metadata_schema s JOIN mreg.project p ON p.id = s.project_id WHERE p.name = 'fin'),
          '{"type": "string", "minLength": 5}'::jsonb, 'the project''s own definition of a field wins');
SELECT is((SELECT rule FROM mreg.policy y JOIN mreg.project p ON p.id = y.project_id WHERE p.name = 'fin' AND y.action = 'promote'),
          '{"slices": ["sex:female", "sex:male", "age:under-62", "age:62-plus"], "max_slice_gap": {"auc": 0.01},
            "required_approvals": 2, "separation_of_duties": true}'::jsonb,
          'the policy keeps its stricter values and gains the pack''s slices and separation of duties');
SELECT is((SELECT count(*) FROM mreg.review WHERE kind = 'anomaly'), 0::bigint, 'no loosening, so no anomaly review');
SELECT mreg.register_model('fin', 'credit', constraints => '{sr-11-7,fair-lending}');
SELECT mreg.register_model_version('fin', 'credit', '1.0.0',
    metadata => '{"owner_team": "risk", "model_risk_tier": "tier-1", "intended_use": "consumer credit scoring",
                  "limitations": "thin files", "validator": "model validation", "validation_date": "2026-01-15"}') AS fv \gset
SELECT mreg.log_evaluation(:fv, 'auc', v, slice => s)
  FROM (VALUES ('sex:female', 0.80), ('sex:male', 0.86), ('age:under-62', 0.84), ('age:62-plus', 0.83)) x(s, v);
SELECT results_eq(format($$SELECT ok, detail FROM mreg.check_policy('promote', %s, 'production') WHERE rule = 'production:max_slice_gap.auc'$$, :fv),
                  $$VALUES (false, 'auc: gap 0.06 > 0.01 (sex:male 0.86, age:under-62 0.84, age:62-plus 0.83, sex:female 0.8)')$$,
                  'fair-lending slices: the AUC gap between protected groups is checked');
SELECT mreg.promote('fin', 'credit', '1.0.0', 'staging');
SELECT throws_like($$SELECT mreg.promote('fin', 'credit', '1.0.0', 'production')$$, '%violates the promote policy%', 'and refuses production');

-- ---------------------------------------------------------------- computer vision
SELECT mreg.install_pack('cv', 'computer-vision');
SELECT mreg.register_dataset_version('cv', 'faces', '2026-01', 's3://faces', usage_rights => 'research-only');
SELECT mreg.log_run('cv', 'train', '{}', dataset_versions => ARRAY['dataset:faces@2026-01']) AS run \gset
SELECT throws_like(format($$SELECT mreg.register_model_version('cv', 'det', '1.0.0', %s, metadata => '{"training_data_license": "cc-by-4.0"}')$$, :run),
                   '%does not match%', 'image-rights fields are required');
SELECT mreg.register_model_version('cv', 'det', '1.0.0', :run, status => 'draft',
    artifacts => '[{"name": "w", "uri": "file:///srv/det.onnx"}]',
    metadata => '{"training_data_license": "cc-by-4.0", "image_rights": "licensed", "contains_faces": false}') AS cvv \gset
SELECT results_eq(format($$SELECT rule, ok FROM mreg.check_policy('publish', %s)$$, :cvv),
                  $$VALUES ('require_data_rights', true)$$, 'dataset usage rights are checked on publish');
SELECT mreg.set_status('cv', 'det', '1.0.0', 'registered');
SELECT mreg.promote('cv', 'det', '1.0.0', 'staging');
SELECT throws_like($$SELECT mreg.promote('cv', 'det', '1.0.0', 'production')$$, '%violates the promote policy%',
                   'production needs checked artifacts');

-- ---------------------------------------------------------------- a team's own pack
SELECT throws_ok($$SELECT mreg.install_pack('cv', 'nope')$$, '42704', NULL, 'an unknown pack');
SELECT throws_ok($$SELECT mreg.define_pack('healthcare', '{"description": "mine"}')$$, '55000', NULL, 'shipped packs cannot be redefined');
SELECT throws_ok($$SELECT mreg.define_pack('Bad Name', '{"description": "x"}')$$, '22023', NULL, 'pack names are checked');
SELECT throws_ok($$SELECT mreg.define_pack('t', '{"description": "x", "policy": []}')$$, '22023', NULL, 'unknown keys are refused');
SELECT throws_ok($$SELECT mreg.define_pack('t', '{"description": "x", "terms": {"colour": ["red"]}}')$$, '22023', NULL, 'unknown categories');
SELECT throws_ok($$SELECT mreg.define_pack('t', '{"description": "x", "metadata_schemas": {"model_version": {"type": "object", "allOf": []}}}')$$,
                 '0A000', NULL, 'schemas are checked');
SELECT throws_ok($$SELECT mreg.define_pack('t', '{"description": "x", "policies": [{"action": "deploy", "rule": {}}]}')$$, '22023', NULL,
                 'policy actions are checked');
SET LOCAL ROLE pk83_contrib;
SELECT throws_ok($$SELECT mreg.define_pack('t', '{"description": "x"}')$$, '42501', NULL, 'only registry admins define packs');
RESET ROLE;
SELECT ok(mreg.define_pack('energy', '{"description": "Energy trading", "terms": {"domain": ["energy-trading"]},
                                        "vocabulary_modes": {"domain": "strict"},
                                        "policies": [{"action": "retire", "rule": {"required_approvals": 1}}]}') > 0,
          'a team defines its own pack');
SELECT mreg.create_project('en');
SELECT mreg.install_pack('en', 'energy');
SELECT throws_ok($$SELECT mreg.register_model('en', 'x', domain => 'space-weather-trading')$$, '22023', NULL, 'its strict vocabulary takes effect');
SELECT lives_ok($$SELECT mreg.register_model('en', 'x', domain => 'energy-trading')$$, 'with its terms');
SELECT is((SELECT seeded FROM mreg.pack WHERE name = 'energy'), false, 'a defined pack is not seeded (pg_dump keeps it)');
SELECT throws_ok($$UPDATE mreg.pack_install SET changes = '{}'$$, '55000', NULL, 'installations are append-only');
SELECT * FROM finish();
ROLLBACK;
