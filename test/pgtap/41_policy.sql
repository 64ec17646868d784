-- Governance policies: set_policy validates rules strictly and keeps every
-- change; check_policy says rule by rule whether a version passes, with the
-- numbers; enforce_policy refuses listing every failed rule; a sharply
-- loosened policy opens an anomaly review.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

-- the DETAIL of the error a statement raises (NULL when it raises none)
CREATE FUNCTION pg_temp.error_detail(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE stmt;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d;
END $$;

SELECT mreg.create_project('fraud');
SELECT mreg.register_model('fraud', 'gbm', license => 'apache-2.0', team => 'risk-ml');
SELECT mreg.register_model('fraud', 'nolicense');
SELECT mreg.register_dataset_version('fraud', 'txns', '2024-05', 's3://lake/txns/2024-05', usage_rights => 'internal-training');
SELECT mreg.register_dataset_version('fraud', 'scraped', '1', 's3://lake/scraped/1');
SELECT mreg.register_dataset_version('fraud', 'bench', '1', 's3://lake/bench/1', usage_rights => 'no-training');
CREATE TEMP TABLE v AS SELECT
    mreg.register_model_version('fraud', 'gbm', '1.0.0',
        mreg.log_run('fraud', 'e', '{}', dataset_versions => ARRAY['dataset:txns@2024-05'])) AS good,
    mreg.register_model_version('fraud', 'gbm', '1.1.0',
        mreg.log_run('fraud', 'e', '{}', dataset_versions => ARRAY['dataset:txns@2024-05', 'dataset:scraped@1', 'dataset:bench@1'])) AS bad,
    mreg.register_model_version('fraud', 'nolicense', '1.0.0') AS bare;
SELECT mreg.log_evaluation((SELECT good FROM v), 'recall', 0.93);
SELECT mreg.log_evaluation((SELECT good FROM v), 'recall', 0.91, slice => 'eu');
SELECT mreg.log_evaluation((SELECT good FROM v), 'recall', 0.95, slice => 'us');
SELECT mreg.log_evaluation((SELECT good FROM v), 'log_loss', 0.20);
SELECT mreg.log_evaluation((SELECT bad FROM v), 'recall', 0.95);       -- superseded below
SELECT mreg.log_evaluation((SELECT bad FROM v), 'recall', 0.85);
SELECT mreg.log_evaluation((SELECT bad FROM v), 'recall', 0.70, slice => 'eu');
SELECT mreg.log_evaluation((SELECT bad FROM v), 'recall', 0.96, slice => 'us');
SELECT mreg.log_evaluation((SELECT bad FROM v), 'log_loss', 0.45);

-- ---------------------------------------------------------------- no policy, no rows
SELECT is((SELECT count(*) FROM mreg.check_policy('publish', (SELECT bad FROM v))), 0::bigint, 'no policy: check_policy returns no rows');
SELECT lives_ok($$SELECT mreg_internal.enforce_policy('publish', (SELECT bad FROM v), NULL)$$, 'no policy: enforce_policy lets everything through');

-- ---------------------------------------------------------------- validation
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, NULL)$$, '22004', 'policy rule must not be null', 'NULL rule');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{}')$$, '22023', 'policy rule is empty', 'empty rule');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '[1]')$$, '22023', 'policy rule must be a JSON object, not array', 'rule not an object');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metric": {"recall": 0.9}, "aprovals": 2, "required_approvals": 1}')$$,
                 '22023', 'unknown policy rule keys: ''aprovals'', ''min_metric''', 'every unknown key is named');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": 0.9}')$$,
                 '22023', 'policy rule min_metrics: expected an object {"metric": threshold}, got number', 'min_metrics must be an object');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": {}}')$$,
                 '22023', 'policy rule min_metrics: names no metric', 'min_metrics must name a metric');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": {"recall": "0.9"}}')$$,
                 '22023', 'policy rule min_metrics.recall: the threshold must be a number, got string', 'a threshold is a number');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"max_metrics": {"rmse": 1e400}}')$$,
                 '22023', NULL, 'a huge threshold is refused (no overflow)');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": {"bad metric": 1}}')$$,
                 '22023', 'policy rule min_metrics: invalid metric name ''bad metric''', 'metric names are checked');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": {"Recall": 0.9, "recall": 0.8}}')$$,
                 '22023', 'policy rule min_metrics: metric ''recall'' is given twice', 'two spellings of one metric');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"max_slice_gap": {"recall": -0.1}}')$$,
                 '22023', 'policy rule max_slice_gap.recall: a gap cannot be negative, got -0.1', 'negative gap');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"required_approvals": 1.5}')$$,
                 '22023', 'policy rule required_approvals: expected a whole number from 0 to 100, got 1.5', 'fractional approvals');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"required_approvals": 1000000000000}')$$,
                 '22023', 'policy rule required_approvals: expected a whole number from 0 to 100, got 1000000000000', 'huge approvals');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"required_approvals": "2"}')$$,
                 '22023', 'policy rule required_approvals: expected a whole number, got string', 'approvals as a string');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"separation_of_duties": "yes"}')$$,
                 '22023', 'policy rule separation_of_duties: expected true or false, got string', 'boolean keys are booleans');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"allowed_licenses": []}')$$,
                 '22023', 'policy rule allowed_licenses: the list is empty', 'empty license list');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"allowed_licenses": ["mit", 3]}')$$,
                 '22023', 'policy rule allowed_licenses: every entry must be a non-empty string, got 3', 'license list of strings');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"slices": "eu"}')$$,
                 '22023', 'policy rule slices: expected an array of strings, got string', 'slices is an array');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"approver_role": "no_such_role_xyz"}')$$,
                 '42704', 'policy rule approver_role: ''no_such_role_xyz'' is not a role', 'approver_role must be a role');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"escalate_to": 7}')$$,
                 '22023', 'policy rule escalate_to: expected a role name (string), got number', 'escalate_to is a role name');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"review_due": "soon"}')$$,
                 '22023', 'policy rule review_due: ''soon'' is not an interval', 'review_due is an interval');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'publish', NULL, '{"review_due": "1000 days"}')$$,
                 '22023', 'policy rule review_due: ''1000 days'' is outside 1 minute .. 365 days', 'review_due is bounded');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'deploy', NULL, '{"required_approvals": 1}')$$,
                 '22023', 'unknown action ''deploy''', 'unknown action');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', NULL, NULL, '{"required_approvals": 1}')$$,
                 '22004', 'action must not be null or empty', 'NULL action');
SELECT throws_ok($$SELECT mreg.set_policy('fraud', 'promote', 'prod env', '{"required_approvals": 1}')$$,
                 '22023', 'invalid environment ''prod env''', 'malformed environment');
SELECT throws_ok($$SELECT mreg.set_policy('nope', 'publish', NULL, '{"required_approvals": 1}')$$,
                 '23503', 'project ''nope'' does not exist', 'unknown project');
SELECT is((SELECT count(*) FROM mreg.policy), 0::bigint, 'no refused rule was stored');

-- ---------------------------------------------------------------- setting and history
SELECT ok(mreg.set_policy('fraud', 'publish', NULL,
                          '{"min_metrics": {"Recall": 0.9}, "max_metrics": {"log_loss": 0.3}, "max_slice_gap": {"recall": 0.1},
                            "allowed_licenses": ["Apache"], "require_data_rights": true}') > 0, 'set_policy returns the policy id');
SELECT is((SELECT rule FROM mreg.policy),
          '{"min_metrics": {"recall": 0.9}, "max_metrics": {"log_loss": 0.3}, "max_slice_gap": {"recall": 0.1},
            "allowed_licenses": ["apache-2.0"], "require_data_rights": true}'::jsonb,
          'the rule is stored normalised: metric names and licenses are vocabulary terms');
SELECT is(mreg.set_policy('fraud', 'PUBLISH', NULL,
                          '{"min_metrics": {"recall": 0.9}, "max_metrics": {"log_loss": 0.3}, "max_slice_gap": {"recall": 0.1},
                            "allowed_licenses": ["apache-2.0"], "require_data_rights": true}'),
          (SELECT min(id) FROM mreg.policy), 'setting the same rule again returns the same id');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'policy'), 0::bigint, 'an unchanged rule writes no history');

-- ---------------------------------------------------------------- check_policy, rule by rule
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', (SELECT good FROM v))$$,
    $$VALUES ('min_metrics.recall', true, 'recall on all: 0.93 >= 0.9'),
             ('max_metrics.log_loss', true, 'log_loss on all: 0.2 <= 0.3'),
             ('max_slice_gap.recall', true, 'recall: gap 0.04 <= 0.1 (us 0.95, eu 0.91)'),
             ('allowed_licenses', true, 'license apache-2.0 is one of apache-2.0'),
             ('require_data_rights', true, '1 dataset version, all with usage rights')$$,
    'a version that meets every rule: one row per rule, each with its numbers');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', (SELECT bad FROM v))$$,
    $$VALUES ('min_metrics.recall', false, 'recall on all: 0.85 < 0.9'),
             ('max_metrics.log_loss', false, 'log_loss on all: 0.45 > 0.3'),
             ('max_slice_gap.recall', false, 'recall: gap 0.26 > 0.1 (us 0.96, eu 0.7)'),
             ('allowed_licenses', true, 'license apache-2.0 is one of apache-2.0'),
             ('require_data_rights', false, 'dataset:bench@1 is no-training; dataset:scraped@1 has no usage rights')$$,
    'a version that fails: the latest evaluation counts; each failure says why');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', (SELECT bare FROM v))$$,
    $$VALUES ('min_metrics.recall', false, 'recall on all: not evaluated'),
             ('max_metrics.log_loss', false, 'log_loss on all: not evaluated'),
             ('max_slice_gap.recall', false, 'recall: gap needs at least 2 evaluated slices, found 0'),
             ('allowed_licenses', false, 'the model has no license'),
             ('require_data_rights', true, 'no dataset versions in the provenance')$$,
    'missing evaluations and a missing license fail');
SELECT is((SELECT count(*) FROM mreg.check_policy('retire', (SELECT bad FROM v))), 0::bigint, 'a policy governs only its action');

-- slices: thresholds must hold on every named slice
SELECT mreg.set_policy('fraud', 'publish', NULL, '{"min_metrics": {"recall": 0.9}, "slices": ["eu", " us "]}');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', (SELECT good FROM v))$$,
    $$VALUES ('min_metrics.recall', true, 'recall on eu: 0.91 >= 0.9; recall on us: 0.95 >= 0.9')$$, 'slices: every slice passes');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', (SELECT bad FROM v))$$,
    $$VALUES ('min_metrics.recall', false, 'recall on eu: 0.7 < 0.9; recall on us: 0.96 >= 0.9')$$, 'slices: one failing slice fails the rule');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'policy'), 1::bigint, 'a changed rule keeps the old one in row_history');
SELECT is((SELECT reason FROM mreg.review WHERE subject = 'policy:publish'),
          'the publish policy of project fraud was loosened sharply: max_metrics.log_loss 0.3 dropped; max_slice_gap.recall 0.1 dropped; require_data_rights turned off',
          'dropping rules from a policy is a loosening: an anomaly review says which');
SELECT is((SELECT old_row->'rule'->'max_metrics' FROM mreg.row_history WHERE table_name = 'policy'), '{"log_loss": 0.3}'::jsonb,
          'the old rule is there');

-- environments: a promote policy for production applies to production only, beside the any-environment one
SELECT mreg.set_policy('fraud', 'promote', NULL, '{"allowed_licenses": ["mit"]}');
SELECT mreg.set_policy('fraud', 'promote', 'Production', '{"min_metrics": {"recall": 0.99}, "required_approvals": 2, "separation_of_duties": true}');
SELECT is((SELECT environment FROM mreg.policy WHERE environment IS NOT NULL), 'production', 'environment names are lower case');
SELECT results_eq($$SELECT rule, ok FROM mreg.check_policy('promote', (SELECT good FROM v), 'staging')$$,
    $$VALUES ('allowed_licenses', false)$$, 'staging: only the any-environment policy');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('promote', (SELECT good FROM v), 'production')$$,
    $$VALUES ('allowed_licenses', false, 'license apache-2.0 is not one of mit'),
             ('production:min_metrics.recall', false, 'recall on all: 0.93 < 0.99'),
             ('production:required_approvals', false, '0 of 2 approvals'),
             ('production:separation_of_duties', true, format('no approval from the author (%s) or a requester', current_user) COLLATE "default")$$,
    'production: both policies, the environment''s rules prefixed with it');
SELECT throws_ok($$SELECT * FROM mreg.check_policy('promote', NULL)$$, '22004', NULL, 'check_policy: NULL version');
SELECT throws_ok($$SELECT * FROM mreg.check_policy('promote', -1)$$, '23503', 'model version -1 is not registered', 'check_policy: unknown version');
SELECT throws_ok($$SELECT * FROM mreg.check_policy('launch', (SELECT good FROM v))$$, '22023', NULL, 'check_policy: unknown action');

-- ---------------------------------------------------------------- enforce_policy
SELECT throws_ok($$SELECT mreg_internal.enforce_policy('promote', (SELECT good FROM v), 'production')$$, '23514',
                 'model version gbm@1.0.0 violates the promote policy of project fraud for production', 'enforce_policy: 23514 naming version, action and project');
SELECT is(pg_temp.error_detail($$SELECT mreg_internal.enforce_policy('promote', (SELECT good FROM v), 'production')$$),
          E'allowed_licenses: license apache-2.0 is not one of mit\nproduction:min_metrics.recall: recall on all: 0.93 < 0.99\nproduction:required_approvals: 0 of 2 approvals',
          'enforce_policy: the DETAIL lists every failed rule with why, and no passing one');
SELECT throws_ok($$SELECT mreg_internal.enforce_policy('publish', (SELECT bad FROM v), NULL)$$, '23514',
                 'model version gbm@1.1.0 violates the publish policy of project fraud', 'enforce_policy for publish');
SELECT lives_ok($$SELECT mreg_internal.enforce_policy('publish', (SELECT good FROM v), NULL)$$, 'enforce_policy passes a version that meets the policy');

-- ---------------------------------------------------------------- loosening opens an anomaly review
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"min_metrics": {"recall": 0.9}, "max_metrics": {"log_loss": 0.3}, "required_approvals": 2, "separation_of_duties": true}');
SELECT is((SELECT count(*) FROM mreg.review WHERE subject = 'policy:retire'), 0::bigint, 'new policies open no review');
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"min_metrics": {"recall": 0.81}, "max_metrics": {"log_loss": 0.33}, "required_approvals": 3, "separation_of_duties": true}');
SELECT is((SELECT count(*) FROM mreg.review WHERE subject = 'policy:retire'), 0::bigint, 'loosening by exactly 10% (or tightening) opens no review');
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"min_metrics": {"recall": 0.95}, "max_metrics": {"log_loss": 0.2}, "required_approvals": 3, "separation_of_duties": true}');
SELECT is((SELECT count(*) FROM mreg.review WHERE subject = 'policy:retire'), 0::bigint, 'tightening opens no review');
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"min_metrics": {"recall": 0.8}, "max_metrics": {"log_loss": 0.2}, "required_approvals": 3, "separation_of_duties": true}');
SELECT results_eq($$SELECT kind, model_version_id, subject, action, state, reason FROM mreg.review WHERE subject = 'policy:retire'$$,
    $$VALUES ('anomaly', NULL::bigint, 'policy:retire', 'retire', 'open',
              'the retire policy of project fraud was loosened sharply: min_metrics.recall 0.95 -> 0.8 (-15.8%)')$$,
    'a min threshold lowered by more than 10% opens an anomaly review with the numbers');
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"min_metrics": {"recall": 0.8}, "max_metrics": {"log_loss": 0.5}, "required_approvals": 1}');
SELECT is((SELECT reason FROM mreg.review ORDER BY id DESC LIMIT 1),
          'the retire policy of project fraud was loosened sharply: max_metrics.log_loss 0.2 -> 0.5 (150.0%); required_approvals 3 -> 1; separation_of_duties turned off',
          'a max threshold raised, fewer approvals and separation of duties off: one review listing each');
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"max_metrics": {"log_loss": 0.5}, "required_approvals": 1}');
SELECT is((SELECT reason FROM mreg.review ORDER BY id DESC LIMIT 1),
          'the retire policy of project fraud was loosened sharply: min_metrics.recall 0.8 dropped',
          'a dropped threshold counts as loosened');
SELECT is((SELECT requested_by FROM mreg.review ORDER BY id DESC LIMIT 1), current_user, 'the anomaly names who changed the policy');

SELECT * FROM finish();
ROLLBACK;
