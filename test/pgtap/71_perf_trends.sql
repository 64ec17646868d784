-- Performance history read side (SPEC section 4): mreg.metric_trend over
-- versions, mreg.metric_history over time, mreg.compare side by side; metric
-- names as vocabulary terms, slices and snapshots, every argument error,
-- row-level security (an unreadable version is absent, not an error), and
-- the drift statistics' SQL markings.  Roles: created in this transaction,
-- which rolls back.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE pt71_reader LOGIN IN ROLE mreg_reader;       -- read on shop only
CREATE ROLE pt71_stranger LOGIN IN ROLE mreg_reader;     -- no grant

-- ---------------------------------------------------------------- a small history
SELECT mreg.create_project('shop');
SELECT mreg.create_project('vault', NULL, 'private');
SELECT mreg.grant_access('shop', 'pt71_reader', 'read');
SELECT mreg.register_dataset_version('shop', 'orders', '2024', 's3://o/2024');
SELECT mreg.register_dataset_version('shop', 'orders', '2025', 's3://o/2025');
SELECT mreg.register_model('shop', 'churn');
SELECT mreg.register_model('vault', 'secret-model');
-- 1.10.0 sorts after 1.2.0 (semver, not text)
SELECT mreg.register_model_version('shop', 'churn', '1.0.0') AS v100 \gset
SELECT mreg.register_model_version('shop', 'churn', '1.10.0') AS v110 \gset
SELECT mreg.register_model_version('shop', 'churn', '1.2.0') AS v120 \gset
SELECT mreg.register_model_version('shop', 'churn', '2.0.0') AS v200 \gset
SELECT mreg.register_model_version('vault', 'secret-model', '1.0.0') AS vsecret \gset

-- recall on slice all: 1.0.0 twice (the later one counts), 1.2.0, 1.10.0; 2.0.0 none
SELECT mreg.log_evaluation(:v100, 'recall', 0.70, 'orders@2024', evaluated_at => '2026-01-01 00:00+00');
SELECT mreg.log_evaluation(:v100, 'Recall', 0.72, 'orders@2025', evaluated_at => '2026-02-01 00:00+00');
SELECT mreg.log_evaluation(:v120, 'recall', 0.80, 'orders@2024', evaluated_at => '2026-01-15 00:00+00');
SELECT mreg.log_evaluation(:v110, 'TPR', 0.78, 'orders@2025', evaluated_at => '2026-03-01 00:00+00');
-- an older evaluation recorded later (evaluated_at decides, not the id)
SELECT mreg.log_evaluation(:v110, 'recall', 0.50, 'orders@2024', evaluated_at => '2025-12-01 00:00+00');
-- slice eu
SELECT mreg.log_evaluation(:v100, 'recall', 0.60, slice => 'eu', evaluated_at => '2026-01-01 00:00+00');
SELECT mreg.log_evaluation(:v200, 'recall', 0.65, slice => 'eu', evaluated_at => '2026-04-01 00:00+00');
-- another metric
SELECT mreg.log_evaluation(:v100, 'accuracy', 0.90, evaluated_at => '2026-01-01 00:00+00');
SELECT mreg.log_evaluation(:v200, 'acc', 0.93, evaluated_at => '2026-04-01 00:00+00');
SELECT mreg.log_evaluation(:vsecret, 'recall', 0.99, evaluated_at => '2026-01-01 00:00+00');

-- ---------------------------------------------------------------- metric_trend
SELECT results_eq(
    $$SELECT slice, version::text, value, round(delta::numeric, 6), dataset_version
        FROM mreg.metric_trend('shop', 'churn', 'recall')$$,
    $$VALUES ('all', '1.0.0', 0.72::float8, NULL::numeric, 'shop/dataset:orders@2025'),
             ('all', '1.2.0', 0.80, 0.08, 'shop/dataset:orders@2024'),
             ('all', '1.10.0', 0.78, -0.02, 'shop/dataset:orders@2025')$$,
    'metric_trend: the latest value per version (by evaluated_at), in semver order, delta to the previous version');
SELECT is((SELECT array_agg(model_version_id ORDER BY version) FROM mreg.metric_trend('shop', 'churn', 'recall')),
          ARRAY[:v100, :v120, :v110]::bigint[], 'metric_trend: model_version_id of each row');
SELECT is((SELECT evaluation_id FROM mreg.metric_trend('shop', 'churn', 'recall') WHERE version = '1.0.0'),
          (SELECT id FROM mreg.evaluation WHERE model_version_id = :v100 AND value = 0.72),
          'metric_trend: evaluation_id is the evaluation that holds the value');
SELECT is((SELECT evaluated_at FROM mreg.metric_trend('shop', 'churn', 'recall') WHERE version = '1.10.0'),
          '2026-03-01 00:00+00'::timestamptz, 'metric_trend: evaluated_at of that evaluation');
SELECT set_eq($$SELECT status FROM mreg.metric_trend('shop', 'churn', 'recall')$$, $$VALUES ('registered')$$,
              'metric_trend: the version status is shown');
SELECT results_eq($$SELECT value FROM mreg.metric_trend('shop', 'churn', 'RECALL')$$,
                  $$SELECT value FROM mreg.metric_trend('shop', 'churn', 'recall')$$,
                  'metric names are case-insensitive (vocabulary terms)');
SELECT results_eq($$SELECT value FROM mreg.metric_trend('shop', 'churn', 'sensitivity')$$,
                  $$SELECT value FROM mreg.metric_trend('shop', 'churn', 'recall')$$,
                  'a synonym names its term');
SELECT results_eq(
    $$SELECT version::text, value, round(delta::numeric, 6) FROM mreg.metric_trend('shop', 'churn', 'recall', 'eu')$$,
    $$VALUES ('1.0.0', 0.60::float8, NULL::numeric), ('2.0.0', 0.65, 0.05)$$,
    'metric_trend on a slice');
SELECT results_eq(
    $$SELECT slice, version::text, delta IS NULL FROM mreg.metric_trend('shop', 'churn', 'recall', NULL)$$,
    $$VALUES ('all', '1.0.0', true), ('all', '1.2.0', false), ('all', '1.10.0', false),
             ('eu', '1.0.0', true), ('eu', '2.0.0', false)$$,
    'slice NULL: every slice, the delta within each');
SELECT results_eq(
    $$SELECT version::text, value, round(delta::numeric, 6)
        FROM mreg.metric_trend('shop', 'churn', 'recall', dataset_version => 'orders@2024')$$,
    $$VALUES ('1.0.0', 0.70::float8, NULL::numeric), ('1.2.0', 0.80, 0.10), ('1.10.0', 0.50, -0.30)$$,
    'metric_trend on one data snapshot');
SELECT results_eq(
    $$SELECT version::text FROM mreg.metric_trend('shop', 'churn', 'recall', dataset_version => 'shop/dataset:orders@2025')$$,
    $$VALUES ('1.0.0'), ('1.10.0')$$, 'a snapshot as a full node text');
SELECT is((SELECT count(*) FROM mreg.metric_trend('shop', 'churn', 'auc')), 0::bigint, 'a metric never logged: no rows');
SELECT is((SELECT count(*) FROM mreg.metric_trend('shop', 'churn', 'recall', 'apac')), 0::bigint, 'a slice never logged: no rows');
SELECT results_eq($$SELECT version::text, value FROM mreg.metric_trend('shop', 'churn', 'accuracy')$$,
                  $$VALUES ('1.0.0', 0.90::float8), ('2.0.0', 0.93)$$, 'values logged under a synonym (acc) are the term''s');

-- ---------------------------------------------------------------- metric_history
SELECT results_eq(
    $$SELECT version::text, evaluated_at, value, round(delta::numeric, 6)
        FROM mreg.metric_history('shop', 'churn', 'recall')$$,
    $$VALUES ('1.0.0', '2026-01-01 00:00+00'::timestamptz, 0.70::float8, NULL::numeric),
             ('1.0.0', '2026-02-01 00:00+00', 0.72, 0.02),
             ('1.2.0', '2026-01-15 00:00+00', 0.80, NULL),
             ('1.10.0', '2025-12-01 00:00+00', 0.50, NULL),
             ('1.10.0', '2026-03-01 00:00+00', 0.78, 0.28)$$,
    'metric_history: every value per version in time order, delta to the previous evaluation of that version');
SELECT is((SELECT count(*) FROM mreg.metric_history('shop', 'churn', 'recall', NULL)), 7::bigint,
          'metric_history with slice NULL: every slice');
SELECT results_eq(
    $$SELECT evaluator, method FROM mreg.metric_history('shop', 'churn', 'recall', 'eu') LIMIT 1$$,
    $$VALUES (current_user::name, NULL::text)$$, 'metric_history shows who recorded it and how');
SELECT is((SELECT count(*) FROM mreg.metric_history('shop', 'churn', 'recall', dataset_version => 'orders@2025')),
          2::bigint, 'metric_history on one snapshot');

-- ---------------------------------------------------------------- argument errors
SELECT throws_ok($$SELECT * FROM mreg.metric_trend(NULL, 'churn', 'recall')$$, '22004', NULL, 'NULL project is 22004');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('shop', NULL, 'recall')$$, '22004', NULL, 'NULL model is 22004');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('shop', 'churn', NULL)$$, '22004', NULL, 'NULL metric is 22004');
SELECT throws_ok($$SELECT * FROM mreg.metric_history('shop', 'churn', '  ')$$, '22004', NULL, 'empty metric is 22004');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('nope', 'churn', 'recall')$$, '23503', 'project ''nope'' does not exist',
                 'unknown project is 23503');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('shop', 'nope', 'recall')$$, '23503',
                 'model ''nope'' does not exist in project ''shop''', 'unknown model is 23503');
SELECT throws_ok($$SELECT * FROM mreg.metric_history('shop', 'churn', 'recall', dataset_version => 'model:churn@1.0.0')$$,
                 '22023', NULL, 'a snapshot that is not a dataset version is 22023');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('shop', 'churn', 'recall', dataset_version => 'orders@1999')$$,
                 NULL, NULL, 'an unknown snapshot is an error');

-- ---------------------------------------------------------------- compare
SELECT results_eq(
    format($$SELECT metric, slice, c.values FROM mreg.compare(ARRAY[%s, %s, %s, %s]) c$$, :v100, :v120, :v200, :vsecret),
    format($$VALUES ('accuracy', 'all', '{"%s": 0.90, "%s": 0.93}'::jsonb),
                    ('recall', 'all', '{"%s": 0.72, "%s": 0.80, "%s": 0.99}'),
                    ('recall', 'eu', '{"%s": 0.60, "%s": 0.65}')$$,
           :v100, :v200, :v100, :v120, :vsecret, :v100, :v200),
    'compare: per metric and slice the latest value of each version, keyed by id (owner sees every project)');
SELECT is((SELECT count(*) FROM mreg.compare('{}')), 0::bigint, 'compare of an empty array: no rows');
SELECT is((SELECT c.values FROM mreg.compare(ARRAY[:v100, :v100]) c WHERE metric = 'accuracy'),
          format('{"%s": 0.90}', :v100)::jsonb, 'a repeated id counts once');
SELECT is((SELECT count(*) FROM mreg.compare(ARRAY[-1, 0])), 0::bigint, 'ids that do not exist: no rows');
SELECT is((SELECT count(*) FROM mreg.compare(ARRAY[:v110])), 1::bigint, 'one version: one row per metric and slice it has');
SELECT throws_ok($$SELECT * FROM mreg.compare(NULL)$$, '22004', 'version_ids must not be null', 'compare(NULL) is 22004');
SELECT throws_ok($$SELECT * FROM mreg.compare(ARRAY[1, NULL])$$, '22004', 'version_ids must not contain NULL',
                 'a NULL id is 22004');
SELECT is((SELECT c.values->>(:v120)::text FROM mreg.compare(ARRAY[:v100, :v120]) c WHERE metric = 'recall' AND slice = 'all'),
          '0.8', 'values->>''<id>'' reads one version');

-- ---------------------------------------------------------------- row-level security
SET LOCAL ROLE pt71_reader;
SELECT results_eq(
    format($$SELECT metric, slice, c.values FROM mreg.compare(ARRAY[%s, %s]) c$$, :v100, :vsecret),
    format($$VALUES ('accuracy', 'all', '{"%s": 0.90}'::jsonb), ('recall', 'all', '{"%s": 0.72}'),
                    ('recall', 'eu', '{"%s": 0.60}')$$, :v100, :v100, :v100),
    'compare: a version of a project the caller cannot read is absent, without an error');
SELECT is((SELECT count(*) FROM mreg.compare(ARRAY[:vsecret])), 0::bigint,
          'compare of only unreadable versions: no rows, as for ids that do not exist');
SELECT is((SELECT count(*) FROM mreg.metric_trend('shop', 'churn', 'recall')), 3::bigint, 'a reader sees the trend');
SELECT throws_ok($$SELECT * FROM mreg.metric_trend('vault', 'secret-model', 'recall')$$, '23503',
                 'project ''vault'' does not exist', 'an unreadable project is reported as absent');
RESET ROLE;
SET LOCAL ROLE pt71_stranger;
SELECT throws_ok($$SELECT * FROM mreg.metric_history('shop', 'churn', 'recall')$$, '23503',
                 'project ''shop'' does not exist', 'no grant: the project does not exist for the caller');
SELECT is((SELECT count(*) FROM mreg.compare(ARRAY[:v100, :v120])), 0::bigint, 'no grant: compare shows nothing');
RESET ROLE;

-- ---------------------------------------------------------------- names as log_evaluation records them
-- 'hitrate' is a metric term of project lab only and, everywhere else, a
-- synonym of recall: logged in shop it is recall, and read in shop too
SELECT mreg.create_project('lab');
SELECT mreg.add_term('metric', 'hitrate', NULL, 'lab');
SELECT mreg.add_synonym('recall', 'hitrate', 'metric');
SELECT mreg.register_model('shop', 'ranker');
SELECT mreg.register_model_version('shop', 'ranker', '1.0.0') AS vr1 \gset
SELECT mreg.log_evaluation(:vr1, 'HitRate', 0.61);
SELECT is((SELECT metric FROM mreg.evaluation WHERE model_version_id = :vr1), 'recall', 'log_evaluation in shop: hitrate is recall');
SELECT results_eq($$SELECT version::text, value FROM mreg.metric_trend('shop', 'ranker', 'hitrate')$$,
                  $$VALUES ('1.0.0', 0.61::float8)$$,
                  'metric_trend reads a name as log_evaluation records it in that project (not the term of another project)');
SELECT is((SELECT count(*) FROM mreg.metric_history('shop', 'ranker', 'Hit Rate')), 0::bigint,
          'a different word ("hit-rate") names nothing');
SELECT is((SELECT count(*) FROM mreg.metric_history('shop', 'ranker', 'HITRATE')), 1::bigint,
          'metric_history resolves it the same way');
SELECT ok(mreg.metric_chart_svg('shop', 'ranker', 'hitrate') LIKE '%0.61%', 'the chart too');

-- ---------------------------------------------------------------- markings
SELECT is((SELECT array_agg(p.prosecdef ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'mreg'::regnamespace AND p.proname IN ('metric_trend', 'metric_history', 'compare')),
          ARRAY[false, false, false], 'the read functions run with the caller''s rights (SECURITY INVOKER)');
SELECT is((SELECT array_agg(p.provolatile::text || p.proisstrict::text || p.proparallel::text ORDER BY p.proname)
             FROM pg_proc p
            WHERE p.pronamespace = 'mreg'::regnamespace AND p.proname IN ('psi', 'js_divergence', 'ks_statistic')),
          ARRAY['itrues', 'itrues', 'itrues']::text[], 'drift statistics are IMMUTABLE STRICT PARALLEL SAFE');
SELECT ok(has_function_privilege('mreg_reader', 'mreg.compare(bigint[])', 'EXECUTE')
          AND has_function_privilege('mreg_reader', 'mreg.psi(float8[], float8[])', 'EXECUTE')
          AND NOT has_function_privilege('public', 'mreg.metric_trend(text, text, text, text, text)', 'EXECUTE'),
          'readers may execute them, PUBLIC may not');

SELECT * FROM finish();
ROLLBACK;
