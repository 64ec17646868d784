-- Registry core: every contract write function, normal use and every
-- documented error (NULLs, empty strings, bad values, unknown references,
-- duplicates), plus lineage snapshots and alias history.
BEGIN;
SET LOCAL search_path = public, mreg;  -- operators of mreg types live in schema mreg
SELECT no_plan();

-- ---------------------------------------------------------------- projects
SELECT ok(mreg.create_project('fraud', 'Fraud detection', 'internal') > 0, 'create_project returns an id');
SELECT ok(mreg.create_project('risk') > 0, 'create_project with defaults');
SELECT is((SELECT visibility FROM mreg.project WHERE name = 'risk'), 'internal', 'default visibility is internal');
SELECT throws_ok($$SELECT mreg.create_project('fraud')$$, '23505', 'project ''fraud'' already exists', 'duplicate project is 23505');
SELECT throws_ok($$SELECT mreg.create_project(NULL)$$, '22004', NULL, 'NULL project name is 22004');
SELECT throws_ok($$SELECT mreg.create_project('')$$, '22004', NULL, 'empty project name is 22004');
SELECT throws_ok($$SELECT mreg.create_project('bad name')$$, '22023', NULL, 'project name with a space is 22023');
SELECT throws_ok($$SELECT mreg.create_project(repeat('x', 100))$$, '22023', NULL, 'overlong project name is 22023');
SELECT throws_ok($$SELECT mreg.create_project('p2', NULL, 'secret')$$, '22023', NULL, 'unknown visibility is 22023');

-- ---------------------------------------------------------------- models
SELECT ok(mreg.register_model('fraud', 'gbm', 'Gradient boosting fraud scorer', domain => 'fraud',
                              task => 'binary classification', framework => 'sklearn', license => 'apache',
                              team => 'risk-ml', constraints => ARRAY['gdpr', 'PCI-DSS', 'gdpr']) > 0,
          'register_model creates a model');
SELECT is((SELECT row(task, framework, license, constraints)::text FROM mreg.model WHERE name = 'gbm'),
          row('binary-classification', 'scikit-learn', 'apache-2.0', ARRAY['gdpr', 'pci-dss'])::text,
          'synonyms and case map to canonical vocabulary terms; duplicate constraints collapse');
SELECT is((SELECT owner FROM mreg.model WHERE name = 'gbm'), current_user, 'owner defaults to the caller');
SELECT is(mreg.register_model('fraud', 'gbm', description => 'GBM v2 scorer'),
          (SELECT id FROM mreg.model WHERE name = 'gbm'), 'register_model on an existing model updates it');
SELECT is((SELECT row(description, domain, team)::text FROM mreg.model WHERE name = 'gbm'),
          row('GBM v2 scorer', 'fraud', 'risk-ml')::text, 'only the given attributes change');
SELECT is((SELECT old_row->>'description' FROM mreg.row_history WHERE table_name = 'model' ORDER BY id DESC LIMIT 1),
          'Gradient boosting fraud scorer', 'the old row is kept in row_history');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'model'), 1::bigint,
          'exactly one history row for one real change');
SELECT lives_ok($$SELECT mreg.register_model('fraud', 'gbm')$$, 'register_model with nothing to change');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'model'), 1::bigint, 'a no-op update writes no history');
SELECT lives_ok($$SELECT mreg.register_model('fraud', 'm2', domain => 'Astrology')$$, 'an open vocabulary accepts an unknown domain');
SELECT is((SELECT domain FROM mreg.model WHERE name = 'm2'), 'astrology', 'the new term is normalised to lower case');
SELECT is((SELECT count(*) FROM mreg.vocabulary v JOIN mreg.project p ON p.id = v.project_id
            WHERE p.name = 'fraud' AND v.category = 'domain' AND v.term = 'astrology'), 1::bigint,
          'the new term is recorded as the project''s own');
SELECT lives_ok($$SELECT mreg.set_vocabulary_mode('fraud', 'domain', 'strict')$$, 'set_vocabulary_mode strict');
SELECT throws_ok($$SELECT mreg.register_model('fraud', 'm2', domain => 'alchemy')$$, '22023',
                 'unknown domain ''alchemy''', 'a strict vocabulary refuses an unknown domain (22023)');
SELECT lives_ok($$SELECT mreg.register_model('fraud', 'm2', domain => 'astrology')$$, 'a strict vocabulary keeps the project''s recorded terms');
SELECT lives_ok($$SELECT mreg.set_vocabulary_mode('fraud', 'domain', 'open')$$, 'set_vocabulary_mode open');
SELECT throws_ok($$SELECT mreg.set_vocabulary_mode('fraud', 'domain', 'lax')$$, '22023', NULL, 'unknown vocabulary mode');
SELECT throws_ok($$SELECT mreg.register_model('fraud', 'm2', domain => 'no/slash')$$, '22023', NULL, 'a term of the wrong form is refused even when open');
SELECT throws_ok($$SELECT mreg.register_model('fraud', 'm2', owner => 'no_such_role_xyz')$$, '42704', NULL, 'unknown owner role');
SELECT throws_ok($$SELECT mreg.register_model('nope', 'm2')$$, '23503', 'project ''nope'' does not exist', 'unknown project is 23503');
SELECT throws_ok($$SELECT mreg.register_model(NULL, 'm2')$$, '22004', NULL, 'NULL project is 22004');
SELECT throws_ok($$SELECT mreg.register_model('fraud', NULL)$$, '22004', NULL, 'NULL model name is 22004');
SELECT throws_ok($$SELECT mreg.register_model('fraud', 'bad;name')$$, '22023', NULL, 'bad model name is 22023');
SELECT throws_ok($$SELECT mreg.register_model('fraud', 'm2', constraints => ARRAY[NULL::text])$$, '22004', NULL, 'NULL constraint');

-- ---------------------------------------------------------------- datasets, features, pipelines
SELECT ok(mreg.register_dataset_version('fraud', 'txns', '2024-05', 's3://lake/txns/2024-05',
                                        sha256 => repeat('ab', 32), row_count => 1000000, license => 'proprietary',
                                        usage_rights => 'internal-training', contains_personal_data => true) > 0,
          'register_dataset_version');
SELECT is(mreg.register_dataset_version('fraud', 'txns', '2024-05', 's3://lake/txns/2024-05', sha256 => repeat('AB', 32), row_count => 1000000),
          (SELECT id FROM mreg.dataset_version WHERE version = '2024-05'), 'registering the same snapshot again returns its id');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-05', 's3://lake/other')$$, '23505',
                 'dataset version txns@2024-05 already exists with different content', 'same label, other content is 23505');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-06', 's3://x', sha256 => 'zz')$$, '22023', NULL, 'bad sha256');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-06', NULL)$$, '22004', NULL, 'NULL uri');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '', 's3://x')$$, '22004', NULL, 'empty version');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-06', 's3://x', row_count => -1)$$, '22023', NULL, 'negative rows');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'tx ns', '1', 's3://x')$$, '22023', NULL, 'dataset name with a space');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-06', 's3://x', usage_rights => 'what ever?')$$,
                 '22023', NULL, 'usage rights that cannot be a term');
SELECT lives_ok($$SELECT mreg.register_dataset_version('fraud', 'labels', 'v1', 's3://lake/labels/v1')$$, 'second dataset');

SELECT ok(mreg.define_feature('fraud', 'amount_7d', 'float64', 'sum(amount) over 7 days', 'txns') > 0, 'define_feature');
SELECT ok(mreg.define_feature('fraud', 'merchant_risk', 'float64') > 0, 'define_feature with defaults');
SELECT lives_ok($$SELECT mreg.define_feature('fraud', 'amount_7d', 'float32')$$, 'redefine a feature');
SELECT is((SELECT old_row->>'dtype' FROM mreg.row_history WHERE table_name = 'feature' ORDER BY id DESC LIMIT 1), 'float64',
          'the old feature definition is kept');
SELECT throws_ok($$SELECT mreg.define_feature('fraud', 'f', NULL)$$, '22004', NULL, 'NULL dtype');

SELECT ok(mreg.define_pipeline('fraud', 'prep', 'airflow', 'git://dags/prep.py',
          '[{"name": "dedupe"}, {"name": "impute", "transformation": "median"}, {"name": "scale", "params": {"with_mean": true}}]') > 0,
          'define_pipeline with steps');
SELECT results_eq($$SELECT position, name FROM mreg.pipeline_step ORDER BY position$$,
                  $$VALUES (1, 'dedupe'), (2, 'impute'), (3, 'scale')$$, 'steps are kept in order');
SELECT throws_ok($$SELECT mreg.define_pipeline('fraud', 'p2', steps => '[{"transformation": "x"}]')$$, '22023', NULL, 'a step needs a name');

-- ---------------------------------------------------------------- runs
SELECT ok(mreg.log_run('fraud', 'baseline', '{"lr": 0.1, "depth": 6}', '{"image": "sha256:abc", "python": "3.11"}',
                       ARRAY['dataset:txns@2024-05', 'fraud/dataset:labels@v1'], 'first try', code_ref => 'git@abc123',
                       pipeline => 'prep', features => '{"amount_7d": 0.7, "merchant_risk": 0.3}',
                       started_at => '2026-01-01 10:00+00', ended_at => '2026-01-01 12:30+00') > 0, 'log_run');
SELECT is((SELECT duration FROM mreg.run ORDER BY id DESC LIMIT 1), '02:30:00'::interval, 'duration is computed');
SELECT is((SELECT count(*) FROM mreg.run_dataset), 2::bigint, 'run_dataset rows');
SELECT is((SELECT count(*) FROM mreg.run_feature), 2::bigint, 'run_feature rows');
SELECT set_eq($$SELECT src FROM mreg.lineage_edge WHERE dst = 'run:' || (SELECT max(id) FROM mreg.run)$$,
              ARRAY['fraud/dataset:txns@2024-05', 'fraud/dataset:labels@v1', 'fraud/feature:amount_7d',
                    'fraud/feature:merchant_risk', 'fraud/pipeline:prep', 'code:git@abc123'],
              'log_run records lineage edges into run:ID');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'baseline', '{}', '{}', ARRAY['dataset:txns@1999'])$$, '23503',
                 'dataset version ''dataset:txns@1999'' is not registered', 'unknown dataset version is 23503 and names it');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'baseline', '[1,2]')$$, '22023', 'params must be a JSON object', 'params must be an object');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'baseline', NULL)$$, '22023', 'params must be a JSON object', 'NULL params');
SELECT throws_ok($$SELECT mreg.log_run('fraud', '', '{}')$$, '22004', NULL, 'empty experiment');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{}', features => '{"nope": 1}')$$, '23503', NULL, 'undefined feature');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{}', pipeline => 'nope')$$, '23503', NULL, 'unknown pipeline');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{}', status => 'exploded')$$, '22023', NULL, 'bad run status');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{}', started_at => now(), ended_at => now() - interval '1 day')$$,
                 '22023', NULL, 'end before start');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{}', '{}', ARRAY['model:gbm'])$$, '22023', NULL, 'a model is not a dataset version');

-- ---------------------------------------------------------------- model versions
CREATE TEMP TABLE ids AS SELECT max(id) AS run_id FROM mreg.run;
SELECT ok(mreg.register_model_version('fraud', 'gbm', '1.0.0', (SELECT run_id FROM ids),
          jsonb_build_array(
              jsonb_build_object('name', 'model.onnx', 'kind', 'binary', 'content_base64', encode('weights'::bytea, 'base64'),
                                 'media_type', 'application/onnx'),
              jsonb_build_object('name', 'image', 'kind', 'container', 'uri', 'oci://registry/fraud-gbm:1.0.0',
                                 'sha256', repeat('cd', 32))),
          '{"threshold": 0.5}') > 0, 'register_model_version with artifacts');
SELECT is(mreg.version_id('fraud', 'gbm', '1.0.0'), (SELECT id FROM mreg.model_version WHERE version = '1.0.0'), 'version_id');
SELECT is(mreg.version_id('fraud', 'gbm', '9.9.9'), NULL, 'version_id of an absent version is NULL');
SELECT is(mreg.version_id('nope', 'gbm', '1.0.0'), NULL, 'version_id in an absent project is NULL');
SELECT is((SELECT sha256 FROM mreg.artifact WHERE name = 'model.onnx'), encode(sha256('weights'::bytea), 'hex'),
          'sha256 of inline bytes is computed in the database');
SELECT is((SELECT size_bytes FROM mreg.artifact WHERE name = 'model.onnx'), 7::bigint, 'size of inline bytes');
SELECT ok(mreg.provenance(mreg.version_id('fraud', 'gbm', '1.0.0')) @> 'dataset:txns@2024-05'::text,
          'provenance snapshot contains the training data, named relative to the version''s project');
SELECT set_eq($$SELECT mreg.lineage_nodes(mreg.provenance(mreg.version_id('fraud', 'gbm', '1.0.0')))$$,
              ARRAY['dataset:txns@2024-05', 'dataset:labels@v1', 'feature:amount_7d',
                    'feature:merchant_risk', 'pipeline:prep', 'code:git@abc123',
                    'run:' || (SELECT run_id FROM ids), 'model:gbm@1.0.0'],
              'provenance is the full upstream of the version');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.0.0')$$, '23505',
                 'model version gbm@1.0.0 already exists in project ''fraud''', 'duplicate version is 23505');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.0.0+rebuild.2')$$, '23505', NULL,
                 'build metadata does not make a new version');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', NULL)$$, '22004', NULL, 'NULL version');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', 'v1.0')$$, '22P02', NULL, 'malformed semver is 22P02');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', 999999)$$, '23503', NULL, 'unknown run is 23503');
SELECT lives_ok($$SELECT mreg.log_run('risk', 'r', '{}')$$, 'a run in another project');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', (SELECT max(id) FROM mreg.run))$$, '23503', NULL,
                 'a run of another project is refused');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', artifacts => jsonb_build_array(
                     jsonb_build_object('name', 'w', 'content_base64', encode('abc'::bytea, 'base64'), 'sha256', repeat('0', 64))))$$,
                 '23514', 'sha256 of artifact ''w'' does not match its content', 'declared sha256 must match the bytes');
SELECT is(mreg.version_id('fraud', 'gbm', '1.1.0'), NULL, 'a refused registration leaves no version behind');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', artifacts => '[{"name": "w", "content_base64": "***"}]')$$,
                 '22023', NULL, 'bad base64');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', artifacts => '[{"name": "w"}]')$$,
                 '22023', NULL, 'artifact without uri or content');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', artifacts => '[{"uri": "s3://x", "kind": "zip"}]')$$,
                 '22023', NULL, 'bad artifact kind');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', artifacts => '{}')$$, '22023', NULL, 'artifacts must be an array');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', metadata => '[]')$$, '22023', NULL, 'metadata must be an object');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', status => 'production')$$, '22023', NULL,
                 'a new version cannot start in production');
SELECT ok(mreg.register_model_version('fraud', 'newmodel', '0.1.0') > 0, 'register_model_version creates the model on first use');
SELECT ok(mreg.provenance(mreg.version_id('fraud', 'newmodel', '0.1.0')) = 'model:newmodel@0.1.0'::mreg.lineage,
          'a version without a run has itself as provenance');

-- metadata schema
SELECT ok(mreg.set_metadata_schema('fraud', 'model_version',
          '{"type": "object", "required": ["threshold"], "properties": {"threshold": {"type": "number", "minimum": 0, "maximum": 1}}}') > 0,
          'set_metadata_schema');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.2.0', metadata => '{"threshold": 7}')$$, '23514',
                 'model version metadata does not match the project''s schema', 'metadata breaking the schema is 23514');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.2.0', metadata => '{}')$$, '23514', NULL, 'missing required key');
SELECT lives_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '1.2.0', metadata => '{"threshold": 0.4}')$$, 'valid metadata');
SELECT throws_ok($$SELECT mreg.set_metadata_schema('fraud', 'nonsense', '{}')$$, '22023', NULL, 'unknown entity kind');

-- ---------------------------------------------------------------- evaluations
SELECT ok(mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 0.91, 'dataset:txns@2024-05') > 0, 'log_evaluation');
SELECT ok(mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 0.87, slice => 'eu', method => 'holdout') > 0,
          'log_evaluation on a slice');
SELECT is((SELECT slice FROM mreg.evaluation ORDER BY id LIMIT 1), 'all', 'slice defaults to all');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 'NaN')$$, '22023', NULL, 'NaN is refused');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 'Infinity')$$, '22023', NULL, 'Infinity is refused');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', NULL)$$, '22004', NULL, 'NULL value');
SELECT throws_ok($$SELECT mreg.log_evaluation(NULL, 'recall', 1)$$, '22004', NULL, 'NULL version id');
SELECT throws_ok($$SELECT mreg.log_evaluation(-1, 'recall', 1)$$, '23503', 'model version -1 is not registered', 'unknown version');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), '', 1)$$, '22004', NULL, 'empty metric');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'bad metric', 1)$$, '22023', NULL, 'bad metric name');
SELECT throws_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 1, 'dataset:nope@1')$$,
                 '23503', NULL, 'unknown evaluation data');

-- ---------------------------------------------------------------- aliases
SELECT ok(mreg.set_alias('fraud', 'gbm', '@champion', '1.0.0', 'first release') > 0, 'set_alias creates');
SELECT lives_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'champion', '1.2.0', 'better recall')$$, 'set_alias moves');
SELECT lives_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'champion', '1.2.0')$$, 'set_alias to the same version');
SELECT results_eq($$SELECT from_version::text, to_version::text, reason FROM mreg.alias_history WHERE alias = '@champion' ORDER BY id$$,
                  $$VALUES (NULL, '1.0.0', 'first release'), ('1.0.0', '1.2.0', 'better recall')$$,
                  'alias_history keeps every move (and not the no-op)');
SELECT is((SELECT moved_by FROM mreg.alias_history ORDER BY id DESC LIMIT 1), current_user, 'who moved it');
SELECT throws_ok($$SELECT mreg.set_alias('fraud', 'gbm', '@', '1.0.0')$$, '22023', NULL, 'empty alias');
SELECT throws_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'x y', '1.0.0')$$, '22023', NULL, 'bad alias');
SELECT throws_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'champion', '7.0.0')$$, '23503', NULL, 'alias to an absent version');
CREATE ROLE mreg_test_guard;
CREATE ROLE mreg_test_outsider;
GRANT mreg_publisher TO mreg_test_outsider;
SELECT lives_ok($$SELECT mreg.grant_access('fraud', 'mreg_test_outsider', 'publish')$$, 'a publisher of the project');
SELECT lives_ok($$SELECT mreg.protect_alias('fraud', 'gbm', 'champion', 'mreg_test_guard')$$, 'protect_alias');
SET LOCAL ROLE mreg_test_outsider;
SELECT throws_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'champion', '1.0.0')$$, '42501', 'alias @champion is protected',
                 'a protected alias does not move for a non-member');
RESET ROLE;
SELECT lives_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'champion', '1.0.0', 'rollback')$$, 'a member (superuser) may move it');

-- ---------------------------------------------------------------- tags and annotations
SELECT ok(mreg.set_tag('model:gbm@1.0.0', 'team', 'risk') > 0, 'set_tag on a version');
SELECT lives_ok($$SELECT mreg.set_tag('fraud/model:gbm@1.0.0', 'team', 'fraud-ops')$$, 'set_tag changes the value');
SELECT is((SELECT value FROM mreg.tag WHERE node = 'fraud/model:gbm@1.0.0' AND key = 'team'), 'fraud-ops', 'tag value');
SELECT is((SELECT old_row->>'value' FROM mreg.row_history WHERE table_name = 'tag' ORDER BY id DESC LIMIT 1), 'risk',
          'the old tag value is kept');
SELECT lives_ok($$SELECT mreg.set_tag('fraud/model:gbm@1.0.0', 'team', NULL)$$, 'NULL removes a tag');
SELECT is((SELECT count(*) FROM mreg.tag WHERE key = 'team'), 0::bigint, 'tag removed');
SELECT is((SELECT operation FROM mreg.row_history WHERE table_name = 'tag' ORDER BY id DESC LIMIT 1), 'DELETE', 'removal kept');
SELECT lives_ok($$SELECT mreg.set_tag('code:git@abc123', 'reviewed', 'yes')$$, 'tags on free-form nodes');
SELECT throws_ok($$SELECT mreg.set_tag('model:nope@1.0.0', 'k', 'v')$$, '23503', NULL, 'tag on an unregistered version');
SELECT throws_ok($$SELECT mreg.set_tag('not a node', 'k', 'v')$$, '22P02', NULL, 'malformed node');
SELECT throws_ok($$SELECT mreg.set_tag('model:gbm', 'bad key!', 'v')$$, '22023', NULL, 'bad tag key');
SELECT throws_ok($$SELECT mreg.set_tag(NULL, 'k', 'v')$$, '22004', NULL, 'NULL node');
SELECT ok(mreg.annotate('model:gbm@1.0.0', 'Recall dropped on EU traffic in March') > 0, 'annotate');
SELECT ok(mreg.annotate('run:' || (SELECT run_id FROM ids), 'GPU node was throttled') > 0, 'annotate a run');
SELECT throws_ok($$SELECT mreg.annotate('model:gbm', '   ')$$, '22004', NULL, 'empty note');
SELECT throws_ok($$SELECT mreg.annotate('run:abc', 'x')$$, '22P02', NULL, 'run ids are numbers');

-- ---------------------------------------------------------------- live lineage
SELECT ok(mreg.add_lineage('dataset:txns@2024-05', 'dataset:labels@v1') > 0, 'add_lineage between datasets');
SELECT throws_ok($$SELECT mreg.add_lineage('dataset:labels@v1', 'dataset:txns@2024-05')$$, '23514',
                 'lineage edge fraud/dataset:labels@v1 -> fraud/dataset:txns@2024-05 would make a cycle', 'a two-node cycle is refused');
SELECT throws_ok($$SELECT mreg.add_lineage('code:x', 'code:x')$$, '23514', NULL, 'a self-loop is refused');
SELECT lives_ok($$SELECT mreg.add_lineage('code:a', 'code:b'); SELECT mreg.add_lineage('code:b', 'code:c')$$, 'a chain');
SELECT throws_ok($$SELECT mreg.add_lineage('code:c', 'code:a')$$, '23514', NULL, 'a longer cycle is refused');
SELECT is(mreg.add_lineage('code:a', 'code:b'), (SELECT id FROM mreg.lineage_edge WHERE src = 'code:a' AND dst = 'code:b'),
          'an existing edge returns its id');
SELECT throws_ok($$SELECT mreg.add_lineage('dataset:nope@1', 'code:b')$$, '23503', NULL, 'unregistered dataset version');
SELECT throws_ok($$SELECT mreg.add_lineage('code:z', 'model:gbm@1.0.0')$$, '55000', NULL, 'a registered version''s provenance is frozen');
SELECT throws_ok($$SELECT mreg.add_lineage('dataset:txns', 'code:q')$$, '22023', NULL, 'datasets link by version');

-- ---------------------------------------------------------------- impact
SELECT set_eq($$SELECT model_version_id FROM mreg.impact('dataset:txns@2024-05')$$,
              ARRAY[mreg.version_id('fraud', 'gbm', '1.0.0')], 'impact of a dataset version');
SELECT set_eq($$SELECT model_version_id FROM mreg.impact('dataset:txns')$$, ARRAY[mreg.version_id('fraud', 'gbm', '1.0.0')], 'impact of any snapshot');
SELECT set_eq($$SELECT model_version_id FROM mreg.impact('code:git@abc123')$$, ARRAY[mreg.version_id('fraud', 'gbm', '1.0.0')], 'impact of code');
SELECT is_empty($$SELECT model_version_id FROM mreg.impact('code:never-used')$$, 'impact of an unused free-form node is empty');
SELECT throws_ok($$SELECT * FROM mreg.impact('dataset:nope@1')$$, '23503', NULL, 'impact of an unregistered dataset');

-- ---------------------------------------------------------------- status and retirement
SELECT lives_ok($$SELECT mreg.set_status('fraud', 'gbm', '1.2.0', 'staging', 'validation passed')$$, 'registered -> staging');
SELECT is((SELECT status_reason FROM mreg.model_version WHERE id = mreg.version_id('fraud', 'gbm', '1.2.0')), 'validation passed', 'reason kept');
SELECT throws_ok($$SELECT mreg.set_status('fraud', 'gbm', '1.2.0', 'draft')$$, '55000', NULL, 'nothing returns to draft');
SELECT throws_ok($$SELECT mreg.set_status('fraud', 'gbm', '1.2.0', 'bogus')$$, '22023', NULL, 'unknown status');
SELECT ok(mreg.retire('fraud', 'gbm', '1.0.0', 'superseded') > 0, 'retire');
SELECT is((SELECT status FROM mreg.model_version WHERE id = mreg.version_id('fraud', 'gbm', '1.0.0')), 'retired', 'status retired');
SELECT is((SELECT count(*) FROM mreg.alias WHERE name = 'champion'), 0::bigint, 'aliases on a retired version are removed');
SELECT is((SELECT reason FROM mreg.alias_history ORDER BY id DESC LIMIT 1), 'version retired: superseded', 'and the removal is kept');
SELECT throws_ok($$SELECT mreg.retire('fraud', 'gbm', '1.0.0', 'again')$$, '55000', NULL, 'retire twice');
SELECT throws_ok($$SELECT mreg.set_status('fraud', 'gbm', '1.0.0', 'registered')$$, '55000', NULL, 'retired is final');
SELECT throws_ok($$SELECT mreg.retire('fraud', 'gbm', '1.2.0', NULL)$$, '22004', NULL, 'retire needs a reason');
SELECT throws_ok($$SELECT mreg.set_alias('fraud', 'gbm', 'old', '1.0.0')$$, '55000', NULL, 'no alias on a retired version');

-- ---------------------------------------------------------------- node resolution
SELECT lives_ok($$SELECT mreg.create_project('other'); SELECT mreg.register_model_version('other', 'gbm', '1.0.0')$$,
                'a second project with the same model name');
SELECT throws_ok($$SELECT mreg.resolve_node('model:gbm@1.0.0')$$, '42P08', NULL, 'an ambiguous node must be prefixed');
SELECT is((mreg.resolve_node('other/model:gbm@1.0.0')).canonical, 'other/model:gbm@1.0.0', 'a prefixed node resolves');
SELECT is((mreg.resolve_node('code:"a b"')).canonical, 'code:"a b"', 'free-form names keep their quoting');
SELECT is((mreg.resolve_node('project:fraud')).kind, 'project', 'projects are nodes too');

-- ---------------------------------------------------------------- wrong types and huge values
SELECT throws_ok($$SELECT mreg.log_evaluation('abc', 'recall', 1)$$, '22P02', NULL, 'a version id that is not a number');
SELECT throws_ok($$SELECT mreg.log_evaluation(1, 'recall', 'high')$$, '22P02', NULL, 'a metric value that is not a number');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'b', '{not json')$$, '22P02', NULL, 'params that are not JSON');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'd', '1', 's3://x', row_count => 'many')$$, '22P02', NULL,
                 'a row count that is not a number');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '99999999999999999999.0.0')$$, '22P02', NULL,
                 'a version number beyond 2^63-1');
SELECT ok(mreg.annotate('model:gbm@1.2.0', repeat('long note ', 100000)) > 0, 'a 1 MB note is stored');
SELECT is((SELECT length(note) FROM mreg.annotation ORDER BY id DESC LIMIT 1), 1000000, 'and kept whole');
SELECT ok(mreg.log_run('fraud', 'big', (SELECT jsonb_object_agg('p' || i, i) FROM generate_series(1, 20000) i)) > 0,
          '20,000 hyperparameters in one run');
SELECT throws_ok($$SELECT mreg.register_model('fraud', repeat('m', 129))$$, '22023', NULL, 'a 129-character model name');
SELECT throws_ok(format('SELECT mreg.set_tag(%L, %L, %L)', 'fraud/model:gbm', repeat('k', 129), 'v'), '22023', NULL, 'a 129-character tag key');

SELECT * FROM finish();
ROLLBACK;
