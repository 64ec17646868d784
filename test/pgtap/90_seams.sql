-- Seams: a name one function writes and another reads, checked from both
-- ends as a new user writes them (a contributor and a publisher of one
-- project, with the project's own vocabulary beside the seeded one).
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE sm90_pub LOGIN;     GRANT mreg_publisher TO sm90_pub;       -- publisher on sm_a
SELECT mreg.create_project('sm_a');
SELECT mreg.create_project('sm_b');
SELECT mreg.grant_access('sm_a', 'sm90_pub', 'publish');
SELECT mreg.grant_access('sm_b', 'sm90_pub', 'publish');

SET LOCAL ROLE sm90_pub;
SELECT mreg.register_model('sm_a', 'churn');
SELECT mreg.register_model_version('sm_a', 'churn', '1.0.0') AS v1 \gset

-- ---------------------------------------------------------------- feedback vs evaluations
-- log_evaluation records a metric as its term (mean_absolute_error is the
-- seeded synonym of mae); feedback named the same way must be compared
-- with it, not passed over because its key is not the term's spelling.
SELECT mreg.log_evaluation(:v1, 'mean_absolute_error', 0.10);
SELECT mreg.log_evaluation(:v1, 'accuracy', 0.90);
SELECT is((SELECT array_agg(metric ORDER BY metric) FROM mreg.evaluation WHERE model_version_id = :v1),
          ARRAY['accuracy', 'mae'], 'log_evaluation records mean_absolute_error as the term mae');
SELECT mreg.promote('sm_a', 'churn', '1.0.0', 'staging') AS d1 \gset
SELECT mreg.log_feedback(:v1, '{"mean_absolute_error": 0.40}');
SELECT is((SELECT reasons FROM mreg.deployment_status WHERE id = :d1),
          ARRAY['feedback: mae 0.4000 in the field (1 outcomes) against 0.1 evaluated'],
          'feedback named by a synonym is compared with the metric log_evaluation recorded (lower is better for mae)');
SELECT mreg.log_feedback(:v1, '{"MAE": 0.10, "Accuracy": 0.89}');
SELECT is((SELECT reasons FROM mreg.deployment_status WHERE id = :d1),
          ARRAY['feedback: mae 0.2500 in the field (2 outcomes) against 0.1 evaluated'],
          'keys naming one metric are pooled (mean over both outcomes); accuracy within the tolerance is no reason');

-- ---------------------------------------------------------------- drift statistic names
-- log_drift records the statistic trimmed and in lower case; the default
-- threshold must be read for that name, not for the raw argument.
SELECT mreg.log_drift(:v1, 'amount', ' PSI ', 0.5) AS dr1 \gset
SELECT results_eq(format('SELECT statistic, threshold, flagged FROM mreg.drift_observation WHERE id = %s', :dr1),
                  $$VALUES ('psi'::text, 0.2::float8, true)$$,
                  'a statistic given as '' PSI '' is psi with psi''s default threshold, and flagged over it');

-- ---------------------------------------------------------------- search: metric names
-- A metric threshold reads a name as log_evaluation records it in each
-- project: sm_a has em as a term of its own, so its em is em; in sm_b em is
-- the seeded synonym of exact_match.
RESET ROLE;
SELECT mreg.add_term('metric', 'em', 'entity match (sm_a''s own)', 'sm_a');
SET LOCAL ROLE sm90_pub;
SELECT mreg.register_model_version('sm_a', 'ner', '1.0.0') AS ner \gset
SELECT mreg.register_model_version('sm_a', 'ner2', '1.0.0') AS ner2 \gset
SELECT mreg.register_model_version('sm_b', 'qa', '1.0.0') AS qa \gset
SELECT mreg.log_evaluation(:ner, 'em', 0.8);
SELECT mreg.log_evaluation(:ner2, 'exact_match', 0.9);
SELECT mreg.log_evaluation(:qa, 'em', 0.7);
SELECT results_eq(format('SELECT metric FROM mreg.evaluation WHERE model_version_id IN (%s, %s, %s) ORDER BY model_version_id', :ner, :ner2, :qa),
                  $$VALUES ('em'::text), ('exact_match'), ('exact_match')$$,
                  'log_evaluation: em is sm_a''s own term there, exact_match (synonym) in sm_b');
SELECT results_eq($$SELECT project, model FROM mreg.search('em>=0.5') ORDER BY 1, 2$$,
                  $$VALUES ('sm_a'::text, 'ner'::text), ('sm_b', 'qa')$$,
                  'em>=0.5 finds what log_evaluation recorded for em in each project (not sm_a''s exact_match)');
SELECT results_eq($$SELECT project, model FROM mreg.search('exact_match>=0.5') ORDER BY 1, 2$$,
                  $$VALUES ('sm_a'::text, 'ner2'::text), ('sm_b', 'qa')$$,
                  'exact_match>=0.5 finds the term itself everywhere');
SELECT is((SELECT count(*) FROM mreg.search('recall>=0')), 0::bigint, 'a seeded term without evaluations finds nothing');

-- ---------------------------------------------------------------- aliases: case
-- set_alias records an alias in lower case ('Champion' is @champion); the
-- readers of an alias take it as the user wrote it to set_alias.
SELECT mreg.set_alias('sm_a', 'churn', 'Champion', '1.0.0');
SELECT is((SELECT a.name FROM mreg.alias a JOIN mreg.model m ON m.id = a.model_id WHERE m.name = 'churn'), '@champion',
          'set_alias records Champion as @champion');
SELECT is(mreg.version_id('sm_a', 'churn', 'Champion'), :v1::bigint, 'version_id finds the alias as set_alias was given it (Champion)');
SELECT is(mreg.version_id('sm_a', 'churn', ' @CHAMPION '), :v1::bigint, 'version_id: @ and spaces and case as set_alias takes them');
SELECT is((SELECT entity_id FROM mreg.resolve_node('model:churn@Champion', 'sm_a')), :v1::bigint,
          'model:NAME@Champion resolves to the version @champion points to');
SELECT lives_ok($$SELECT mreg.annotate('sm_a/model:churn@Champion', 'seen in review')$$, 'a node naming the alias in another case is accepted by annotate');
SELECT is(mreg.version_id('sm_a', 'churn', 'nobody'), NULL::bigint, 'an unknown alias is still NULL');

SELECT * FROM finish();
ROLLBACK;
