-- Policies are enforced where versions move: registration, status changes,
-- retirement; a refused move changes nothing and names every failed rule.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

SELECT mreg.create_project('risk');
SELECT mreg.register_model('risk', 'pd', license => 'apache-2.0');
SELECT mreg.set_policy('risk', 'publish', NULL, '{"min_metrics": {"auc": 0.8}, "allowed_licenses": ["apache-2.0"]}');
SELECT mreg.set_policy('risk', 'promote', 'production', '{"min_metrics": {"auc": 0.9}}');
SELECT mreg.set_policy('risk', 'retire', NULL, '{"required_approvals": 1}');

-- registration straight to registered: no evaluation yet, so the threshold fails
SELECT throws_ok($$SELECT mreg.register_model_version('risk', 'pd', '1.0.0')$$, '23514', NULL,
                 'registering without the metric the publish policy needs is refused');
SELECT is((SELECT count(*) FROM mreg.model_version), 0::bigint, 'and leaves no version behind');

-- a draft is not a publication; evaluate it, then publish
SELECT mreg.register_model_version('risk', 'pd', '1.0.0', status => 'draft') AS v1 \gset
SELECT mreg.log_evaluation(:v1, 'auc', 0.75);
SELECT throws_like($$SELECT mreg.set_status('risk', 'pd', '1.0.0', 'registered')$$, '%violates%',
                   'leaving draft below the threshold is refused');
SELECT is((SELECT status FROM mreg.model_version WHERE id = :v1), 'draft', 'the version stays a draft');
SELECT mreg.log_evaluation(:v1, 'auc', 0.85);
SELECT lives_ok($$SELECT mreg.set_status('risk', 'pd', '1.0.0', 'registered')$$, 'above the threshold it publishes');

-- production has its own, stricter rule
SELECT throws_ok($$SELECT mreg.set_status('risk', 'pd', '1.0.0', 'production')$$, '23514', NULL,
                 'promotion to production checks the production policy');
SELECT lives_ok($$SELECT mreg.set_status('risk', 'pd', '1.0.0', 'staging')$$, 'staging has no extra rule');

-- retirement needs an approval
SELECT throws_ok($$SELECT mreg.retire('risk', 'pd', '1.0.0', 'superseded')$$, '23514', NULL,
                 'retiring without the required approval is refused');
SELECT is((SELECT status FROM mreg.model_version WHERE id = :v1), 'staging', 'the version is not retired');

SELECT * FROM finish();
ROLLBACK;
