-- MLflow (SPEC section 7): import of REST API JSON (mapping, idempotency,
-- malformed input, rights, audit, policies), export, the round trip
-- export -> import into a fresh registry -> export, and
-- search_model_versions (MLflow's filters with MLflow's answers, beyond
-- them, aliases and tags on every row, row-level security, injection).
-- Roles: created in this transaction, which rolls back.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE ml80_publisher LOGIN IN ROLE mreg_publisher;     -- publish on mlflow
CREATE ROLE ml80_contributor LOGIN IN ROLE mreg_contributor; -- contribute on mlflow
CREATE ROLE ml80_reader LOGIN IN ROLE mreg_reader;           -- read on mlflow
CREATE ROLE ml80_stranger LOGIN IN ROLE mreg_publisher;      -- no grant at all

SELECT mreg.create_project('mlflow');
SELECT mreg.create_project('native');
SELECT mreg.grant_access('mlflow', 'ml80_publisher', 'publish');
SELECT mreg.grant_access('mlflow', 'ml80_contributor', 'contribute');
SELECT mreg.grant_access('mlflow', 'ml80_reader', 'read');

-- What MLflow's REST API returns (registered-models/search, model-versions/search).
CREATE TEMP TABLE src AS SELECT
 $j${"registered_models": [
   {"name": "churn-model", "description": "Predicts customer churn",
    "creation_timestamp": 1700000000000, "last_updated_timestamp": 1700000500000,
    "tags": [{"key": "team", "value": "risk"}, {"key": "mlflow.domain", "value": "crm"}],
    "aliases": [{"alias": "champion", "version": "2"}],
    "latest_versions": [{"name": "churn-model", "version": "3", "current_stage": "Staging", "status": "READY",
                         "creation_timestamp": 1700000450000, "last_updated_timestamp": 1700000460000,
                         "source": "s3://mlflow/1/c3/artifacts/model", "run_id": "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"}]},
   {"name": "fraud_detector", "tags": [{"key": "team", "value": "payments"}]}]}$j$::jsonb AS rm,
 $j${"model_versions": [
   {"name": "churn-model", "version": "1", "creation_timestamp": 1700000100000, "last_updated_timestamp": 1700000200000,
    "user_id": "alice", "current_stage": "Archived", "description": "first try", "source": "s3://mlflow/1/a1/artifacts/model",
    "run_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "status": "READY", "tags": [{"key": "validated", "value": "false"}]},
   {"name": "churn-model", "version": "2", "creation_timestamp": 1700000300000, "last_updated_timestamp": 1700000400000,
    "user_id": "bob", "current_stage": "Production", "description": "gbm, tuned", "source": "s3://mlflow/1/b2/artifacts/model",
    "run_id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "status": "READY", "aliases": ["champion", "prod"],
    "tags": [{"key": "validated", "value": "true"}, {"key": "team", "value": "risk"}]},
   {"name": "fraud_detector", "version": "1", "creation_timestamp": 1700000600000, "current_stage": "None",
    "source": "runs:/d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4/model", "run_id": "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4", "status": "READY",
    "tags": [{"key": "framework", "value": "sklearn"}]},
   {"name": "fraud_detector", "version": "2", "creation_timestamp": 1700000700000, "current_stage": "None",
    "source": "runs:/e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5/model", "run_id": "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5",
    "status": "PENDING_REGISTRATION"}]}$j$::jsonb AS mv;
GRANT SELECT ON src TO ml80_publisher;

-- ---------------------------------------------------------------- import
SET LOCAL ROLE ml80_publisher;
SELECT is((SELECT mreg.import_mlflow(rm, mv) - 'project' FROM src),
          '{"models": 2, "versions": 5, "tags_set": 7, "stages_set": 3, "aliases_set": 2, "models_created": 2,
            "models_updated": 0, "versions_created": 5, "versions_unchanged": 0}',
          'import: two models, five versions (one from latest_versions), their tags, stages and aliases');
RESET ROLE;
SELECT results_eq($$SELECT m.name, v.version::text, v.status, v.metadata #>> '{mlflow,version}'
                      FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id ORDER BY 1, 2$$,
    $$VALUES ('churn-model', '1.0.0', 'archived', '1'), ('churn-model', '2.0.0', 'production', '2'),
             ('churn-model', '3.0.0', 'staging', '3'),
             ('fraud_detector', '1.0.0', 'registered', '1'), ('fraud_detector', '2.0.0', 'draft', '2')$$,
    'version N is semver N.0.0, the number kept as metadata mlflow.version; stages map to statuses, PENDING to draft');
SELECT is((SELECT v.metadata -> 'mlflow' FROM mreg.model_version v WHERE v.version = '1.0.0' AND v.model_id = (SELECT id FROM mreg.model WHERE name = 'churn-model')),
          '{"status": "READY", "run_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "user_id": "alice", "version": "1", "description": "first try",
            "creation_timestamp": 1700000100000, "last_updated_timestamp": 1700000200000}',
          'what mreg has no column for is kept in metadata mlflow: run id, description, user, timestamps');
SELECT results_eq($$SELECT a.name, a.kind, a.uri FROM mreg.artifact a JOIN mreg.model_version v ON v.id = a.model_version_id
                     WHERE v.model_id = (SELECT id FROM mreg.model WHERE name = 'churn-model') ORDER BY v.version$$,
    $$VALUES ('mlflow.source', 'serialized', 's3://mlflow/1/a1/artifacts/model'),
             ('mlflow.source', 'serialized', 's3://mlflow/1/b2/artifacts/model'),
             ('mlflow.source', 'serialized', 's3://mlflow/1/c3/artifacts/model')$$,
    'sources become artifacts');
SELECT results_eq($$SELECT a.name, v.version::text FROM mreg.alias a JOIN mreg.model_version v ON v.id = a.model_version_id ORDER BY 1$$,
    $$VALUES ('@champion', '2.0.0'), ('@prod', '2.0.0')$$, 'aliases become mreg aliases');
SELECT results_eq($$SELECT node, key, value FROM mreg.tag ORDER BY 1, 2$$,
    $$VALUES ('mlflow/model:churn-model', 'mlflow.domain', 'crm'), ('mlflow/model:churn-model', 'team', 'risk'),
             ('mlflow/model:churn-model@1.0.0', 'validated', 'false'), ('mlflow/model:churn-model@2.0.0', 'team', 'risk'),
             ('mlflow/model:churn-model@2.0.0', 'validated', 'true'), ('mlflow/model:fraud_detector', 'team', 'payments'),
             ('mlflow/model:fraud_detector@1.0.0', 'framework', 'sklearn')$$,
    'tags become mreg tags on the model and the versions');
SELECT is((SELECT description FROM mreg.model WHERE name = 'churn-model'), 'Predicts customer churn', 'the model description');
SELECT ok((SELECT count(*) FROM mreg.audit_log WHERE action = 'import_mlflow' AND current_user_name = 'ml80_publisher') = 1
          AND (SELECT count(*) FROM mreg.audit_log WHERE action = 'register_model_version' AND current_user_name = 'ml80_publisher') = 5,
          'audited: the import and each write inside it, under the caller''s name');

-- idempotent: the same JSON again changes nothing
CREATE TEMP TABLE before AS
SELECT (SELECT count(*) FROM mreg.model_version) AS v, (SELECT count(*) FROM mreg.tag) AS t,
       (SELECT count(*) FROM mreg.alias_move) AS am, (SELECT count(*) FROM mreg.row_history) AS h,
       (SELECT count(*) FROM mreg.artifact) AS a;
SET LOCAL ROLE ml80_publisher;
SELECT is((SELECT mreg.import_mlflow(rm, mv) - 'project' FROM src),
          '{"models": 2, "versions": 5, "tags_set": 0, "stages_set": 0, "aliases_set": 0, "models_created": 0,
            "models_updated": 0, "versions_created": 0, "versions_unchanged": 5}',
          're-import of the same JSON: nothing written');
RESET ROLE;
SELECT is((SELECT row((SELECT count(*) FROM mreg.model_version), (SELECT count(*) FROM mreg.tag), (SELECT count(*) FROM mreg.alias_move),
                      (SELECT count(*) FROM mreg.row_history), (SELECT count(*) FROM mreg.artifact))::text),
          (SELECT row(v, t, am, h, a)::text FROM before), 'no duplicates: versions, tags, alias moves, history, artifacts');
-- a later MLflow state: a new tag value, a moved alias, a new stage
SET LOCAL ROLE ml80_publisher;
SELECT is(mreg.import_mlflow('[]', '[{"name": "churn-model", "version": "3", "current_stage": "Production", "status": "READY",
                                     "source": "s3://mlflow/1/c3/artifacts/model", "run_id": "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3",
                                     "aliases": ["champion"], "tags": [{"key": "validated", "value": "true"}]}]') ->> 'stages_set',
          '1', 'a re-import moves what changed in MLflow: the stage');
RESET ROLE;
SELECT is((SELECT v.version::text FROM mreg.alias a JOIN mreg.model_version v ON v.id = a.model_version_id WHERE a.name = '@champion'),
          '3.0.0', 'the alias moved (kept in alias_move)');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "churn-model", "version": "1", "source": "s3://elsewhere",
                                               "run_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "description": "first try",
                                               "current_stage": "Archived"}]')$$,
                 '55000', NULL, 'a registered version''s source does not change on re-import');

-- ---------------------------------------------------------------- malformed input
SELECT throws_ok($$SELECT mreg.import_mlflow(NULL, '[]')$$, '22004', 'registered_models must not be null', 'null argument');
SELECT throws_ok($$SELECT mreg.import_mlflow('"x"', '[]')$$, '22023', 'registered_models must be a JSON array, not string', 'not an array');
SELECT throws_ok($$SELECT mreg.import_mlflow('[{"description": "x"}]', '[]')$$, '22004', 'registered_models[0].name is missing', 'missing name');
SELECT throws_ok($$SELECT mreg.import_mlflow('[{"name": 3}]', '[]')$$, '22023', 'registered_models[0].name must be a JSON string, not number', 'name of the wrong type');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1.5"}]')$$, '22023', NULL, 'a version that is not an integer');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m"}]')$$, '22004', 'model_versions[0].version is missing', 'missing version');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1"}, {"name": "m", "version": 2, "tags": [{"key": "a b", "value": "x"}]}]')$$,
                 '22023', 'model_versions[1].tags[0].key ''a b'' is not a tag key mreg can store', 'a tag key mreg cannot store, named by its path');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1", "current_stage": "Live"}]')$$,
                 '22023', 'model_versions[0].current_stage must be None, Staging, Production or Archived, not ''Live''', 'unknown stage');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1", "aliases": ["Champion"]}]')$$,
                 '22023', 'model_versions[0].aliases[0] ''Champion'' is not an alias mreg can store', 'an alias mreg cannot store');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1", "creation_timestamp": "yesterday"}]')$$,
                 '22023', NULL, 'a timestamp that is not milliseconds');
SELECT throws_ok($$SELECT mreg.import_mlflow('[{"name": "m", "aliases": [{"alias": "best", "version": "9"}]}]', '[]')$$,
                 '23503', NULL, 'an alias pointing at a version that exists nowhere');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "m", "version": "1"}, {"name": "m", "version": "1"}]')$$,
                 '22023', NULL, 'a version given twice');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[]', 'nowhere')$$, '23503', NULL, 'an unknown project');

-- ---------------------------------------------------------------- rights
SET LOCAL ROLE ml80_contributor;
SELECT is(mreg.import_mlflow('[]', '[{"name": "draft-only", "version": "1", "status": "PENDING_REGISTRATION"}]') ->> 'versions_created', '1',
          'a contributor imports pending versions (drafts)');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "ready", "version": "1"}]')$$, '42501', NULL,
                 'a contributor cannot import a READY version: that publishes');
RESET ROLE;
SET LOCAL ROLE ml80_reader;
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[]')$$, '42501', NULL, 'a reader cannot import');
RESET ROLE;
SET LOCAL ROLE ml80_stranger;
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[]')$$, '23503', NULL, 'a stranger: the project looks absent');
SELECT throws_ok($$SELECT mreg.export_mlflow('mlflow', 'churn-model')$$, '23503', NULL, 'a stranger cannot export');
SELECT is((SELECT count(*) FROM mreg.search_model_versions('')), 0::bigint, 'a stranger finds nothing');
RESET ROLE;
SELECT mreg.create_project('strict');
SELECT mreg.set_policy('strict', 'publish', NULL, '{"min_metrics": {"accuracy": 0.9}}');
SELECT throws_ok($$SELECT mreg.import_mlflow('[]', '[{"name": "p", "version": "1"}]', 'strict')$$, '23514', NULL,
                 'the project''s policies apply to imported versions');

-- ---------------------------------------------------------------- export
SELECT is((SELECT mreg.export_mlflow('mlflow', 'churn-model') -> 'model_versions' -> 1),
          '{"name": "churn-model", "version": "2", "creation_timestamp": 1700000300000, "last_updated_timestamp": 1700000400000,
            "user_id": "bob", "current_stage": "Production", "description": "gbm, tuned", "source": "s3://mlflow/1/b2/artifacts/model",
            "run_id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "status": "READY", "aliases": ["prod"],
            "tags": [{"key": "team", "value": "risk"}, {"key": "validated", "value": "true"}]}',
          'export: a ModelVersion as MLflow writes it');
SELECT is((SELECT (mreg.export_mlflow('mlflow', 'churn-model') -> 'registered_model') - 'latest_versions'),
          '{"name": "churn-model", "description": "Predicts customer churn", "creation_timestamp": 1700000100000,
            "last_updated_timestamp": 1700000460000,
            "tags": [{"key": "mlflow.domain", "value": "crm"}, {"key": "team", "value": "risk"}],
            "aliases": [{"alias": "champion", "version": "3"}, {"alias": "prod", "version": "2"}]}',
          'export: the RegisteredModel with its tags and aliases');
SELECT is((SELECT jsonb_path_query_array(mreg.export_mlflow('mlflow', 'churn-model'), '$.registered_model.latest_versions[*].current_stage')),
          '["Archived", "Production"]', 'latest_versions: the newest version of each stage');

-- versions registered in mreg: numbered after the imported ones, semver carried in the tag mreg.version
SELECT mreg.log_run('native', 'exp', '{}') AS run1 \gset
SELECT mreg.register_model('native', 'ranker', 'Ranks search results', team => 'search');
SELECT mreg.register_model_version('native', 'ranker', '2.1.0', :run1, '[{"name": "weights", "uri": "file:///m/2.1.0"}]');
SELECT mreg.register_model_version('native', 'ranker', '1.0.0', NULL, '[{"name": "weights", "uri": "file:///m/1.0.0"}]');
SELECT mreg.register_model_version('native', 'ranker', '3.0.0-rc.1', status => 'draft');
SELECT mreg.set_status('native', 'ranker', '1.0.0', 'staging');
SELECT mreg.set_alias('native', 'ranker', 'champion', '2.1.0');
SELECT mreg.set_tag('native/model:ranker@2.1.0', 'owner', 'search-team');
SELECT results_eq($$SELECT v ->> 'version', v ->> 'run_id', v ->> 'source', v ->> 'status', v ->> 'current_stage', v -> 'tags'
                      FROM jsonb_array_elements(mreg.export_mlflow('native', 'ranker') -> 'model_versions') v$$,
    format($$VALUES ('1', '%s', 'file:///m/2.1.0', 'READY', 'None', '[{"key": "mreg.version", "value": "2.1.0"}, {"key": "owner", "value": "search-team"}]'::jsonb),
                    ('2', NULL, 'file:///m/1.0.0', 'READY', 'Staging', '[{"key": "mreg.version", "value": "1.0.0"}]'),
                    ('3', NULL, NULL, 'PENDING_REGISTRATION', 'None', '[{"key": "mreg.version", "value": "3.0.0-rc.1"}]')$$, :run1),
    'native versions: numbered in registration order, the run id, the first artifact as source, semver in mreg.version');

-- ---------------------------------------------------------------- the round trip
CREATE TEMP TABLE exported AS
SELECT p.name AS project, m.name AS model, mreg.export_mlflow(p.name, m.name) AS doc
  FROM mreg.model m JOIN mreg.project p ON p.id = m.project_id
 WHERE m.name IN ('churn-model', 'fraud_detector', 'ranker');
SELECT is((SELECT count(*) FROM exported), 3::bigint, 'three models exported');
-- a fresh registry: the extension dropped and created again
SET CONSTRAINTS ALL IMMEDIATE;     -- the audit chain's deferred checks run before the drop
DROP EXTENSION mreg CASCADE;
CREATE EXTENSION mreg;
SELECT ok((SELECT count(*) FROM mreg.model_version) = 0, 'a fresh registry');
SELECT mreg.create_project('mlflow');
SELECT mreg.create_project('native');
SELECT is((SELECT count(*) FROM exported e,
                  LATERAL mreg.import_mlflow(jsonb_build_array(e.doc -> 'registered_model'), e.doc -> 'model_versions', e.project)),
          3::bigint, 'each export imported into the fresh registry');
SELECT is(mreg.export_mlflow(e.project, e.model), e.doc, format('round trip of %s/%s: the export is the same', e.project, e.model))
  FROM exported e ORDER BY e.model;
SELECT results_eq($$SELECT v.version::text FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id WHERE m.name = 'ranker' ORDER BY v.id$$,
    $$VALUES ('2.1.0'), ('1.0.0'), ('3.0.0-rc.1')$$, 'the semvers come back through mreg.version');

SELECT * FROM finish();
ROLLBACK;
