-- Reviews: requests, votes counted once per voter, who may approve
-- (approve privilege, approver role, no self-approval, separation of
-- duties), rejection with a reason, escalation of overdue reviews; anomaly
-- flags for metrics far outside their history and data from new sources.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE tap_req; CREATE ROLE tap_a1; CREATE ROLE tap_a2; CREATE ROLE tap_outsider; CREATE ROLE tap_board; CREATE ROLE tap_boss; CREATE ROLE tap_other_admin IN ROLE mreg_admin;
GRANT mreg_contributor TO tap_req;
GRANT mreg_approver TO tap_a1, tap_a2, tap_outsider, tap_boss;
GRANT tap_board TO tap_a2;
SELECT mreg.create_project('fraud');
SELECT mreg.grant_access('fraud', 'tap_req', 'contribute');
SELECT mreg.grant_access('fraud', r, 'approve') FROM unnest(ARRAY['tap_a1', 'tap_a2', 'tap_boss']::name[]) r;
SELECT mreg.register_model('fraud', 'gbm', owner => 'tap_a1', team => 'risk-ml');
CREATE TEMP TABLE v AS SELECT mreg.register_model_version('fraud', 'gbm', '1.0.0') AS v1,
                              mreg.register_model_version('fraud', 'gbm', '2.0.0') AS v2;
GRANT SELECT ON v TO PUBLIC;
SELECT mreg.set_policy('fraud', 'publish', NULL, '{"required_approvals": 2, "review_due": "12 hours"}');

-- ---------------------------------------------------------------- requests
SELECT throws_ok($$SELECT mreg.request_review(NULL, 'publish')$$, '22004', NULL, 'request_review: NULL version');
SELECT throws_ok($$SELECT mreg.request_review(-1, 'publish')$$, '23503', 'model version -1 is not registered', 'request_review: unknown version');
SELECT throws_ok($$SELECT mreg.request_review((SELECT v1 FROM v), 'ship')$$, '22023', 'unknown action ''ship''', 'request_review: unknown action');
SET ROLE tap_req;
CREATE TEMP TABLE r AS SELECT mreg.request_review((SELECT v1 FROM v), 'publish', reason => 'first release') AS publish,
                              mreg.request_review((SELECT v1 FROM v), 'promote', 'production') AS promote;
RESET ROLE;
GRANT SELECT ON r TO PUBLIC;
SELECT results_eq($$SELECT kind, state, subject, requested_by::text COLLATE "default", owner::text COLLATE "default", team, reason FROM mreg.review WHERE id = (SELECT publish FROM r)$$,
    $$VALUES ('request', 'open', 'model:gbm@1.0.0', 'tap_req', 'tap_a1', 'risk-ml', 'first release')$$,
    'a review names who asked, the model''s owner and accountable team');
SELECT ok((SELECT due_at BETWEEN now() + interval '11 hours 59 minutes' AND now() + interval '12 hours 1 minute' FROM mreg.review WHERE id = (SELECT publish FROM r)),
          'due_at follows the policy''s review_due');
SELECT ok((SELECT due_at BETWEEN now() + interval '3 days' - interval '1 minute' AND now() + interval '3 days 1 minute' FROM mreg.review WHERE id = (SELECT promote FROM r)),
          'without review_due a review is due in 3 days');
SELECT throws_ok($$SELECT mreg.request_review((SELECT v1 FROM v), 'publish')$$, '23505', 'an open review of publish gbm@1.0.0 exists already',
                 'one open review per version and action');

-- ---------------------------------------------------------------- who may approve
SET ROLE tap_req;
SELECT throws_ok($$SELECT mreg.approve((SELECT publish FROM r))$$, '42501', NULL, 'the requester cannot approve');
SET ROLE tap_outsider;
SELECT throws_ok($$SELECT mreg.approve((SELECT publish FROM r))$$, '23503', NULL,
                 'an approver without any grant on the project is refused: to it the review does not exist');
RESET ROLE;
SELECT throws_ok($$SELECT mreg.approve(-5)$$, '23503', 'review -5 does not exist', 'unknown review');
SELECT throws_ok($$SELECT mreg.approve(NULL)$$, '22004', NULL, 'NULL review');

-- ---------------------------------------------------------------- counting
SELECT results_eq($$SELECT ok, detail FROM mreg.check_policy('publish', (SELECT v1 FROM v))$$,
    $$VALUES (false, '0 of 2 approvals')$$, 'check_policy: no approvals yet');
SET ROLE tap_a1;
SELECT lives_ok($$SELECT mreg.approve((SELECT publish FROM r), 'looks good')$$, 'first approval');
SELECT throws_ok($$SELECT mreg.approve((SELECT publish FROM r))$$, '23505', 'role tap_a1 has voted on review ' || (SELECT publish FROM r) || ' already',
                 'the same voter twice is refused');
RESET ROLE;
SELECT is((SELECT state FROM mreg.review WHERE id = (SELECT publish FROM r)), 'open', 'one of two approvals: still open');
SELECT results_eq($$SELECT ok, detail FROM mreg.check_policy('publish', (SELECT v1 FROM v))$$,
    $$VALUES (false, '1 of 2 approvals (review ' || (SELECT publish FROM r) || ')')$$, 'check_policy counts the approval');
SET ROLE tap_a2;
SELECT lives_ok($$SELECT mreg.approve((SELECT publish FROM r))$$, 'second approval');
RESET ROLE;
SELECT is((SELECT state FROM mreg.review WHERE id = (SELECT publish FROM r)), 'approved', 'approved when the required count is reached');
SELECT results_eq($$SELECT ok, detail FROM mreg.check_policy('publish', (SELECT v1 FROM v))$$,
    $$VALUES (true, '2 of 2 approvals (review ' || (SELECT publish FROM r) || ')')$$, 'check_policy: the rule holds');
SELECT results_eq($$SELECT voter::text COLLATE "default", decision, comment FROM mreg.review_vote WHERE review_id = (SELECT publish FROM r) ORDER BY id$$,
    $$VALUES ('tap_a1', 'approve', 'looks good'), ('tap_a2', 'approve', NULL)$$, 'each vote is recorded with its voter');
SET ROLE tap_boss;
SELECT throws_ok($$SELECT mreg.approve((SELECT publish FROM r))$$, '55000', NULL, 'a decided review takes no more votes');
RESET ROLE;
SELECT throws_ok($$UPDATE mreg.review_vote SET decision = 'reject'$$, '55000', NULL, 'votes are append-only');
SELECT ok((SELECT count(*) FROM mreg.row_history WHERE table_name = 'review') >= 1, 'state changes of a review are kept in row_history');

-- ---------------------------------------------------------------- approver role and separation of duties
SELECT mreg.set_policy('fraud', 'retire', NULL, '{"approver_role": "tap_board", "separation_of_duties": true}');
SET ROLE tap_req;
CREATE TEMP TABLE r2 AS SELECT mreg.request_review((SELECT v2 FROM v), 'retire', reason => 'superseded') AS retire;
RESET ROLE;
GRANT SELECT ON r2 TO PUBLIC;
SET ROLE tap_a1;
SELECT throws_ok($$SELECT mreg.approve((SELECT retire FROM r2))$$, '42501', 'role tap_a1 may not decide review ' || (SELECT retire FROM r2),
                 'approvals come from members of the policy''s approver_role');
RESET ROLE;
SELECT mreg.grant_access('fraud', current_user, 'approve');
SELECT throws_ok($$SELECT mreg.approve((SELECT retire FROM r2))$$, '42501',
                 format('role %s cannot approve review %s: it registered the version', current_user, (SELECT retire FROM r2)),
                 'separation of duties: the version''s author cannot approve');
SET ROLE tap_a2;
SELECT lives_ok($$SELECT mreg.approve((SELECT retire FROM r2))$$, 'a member of the approver role approves (default: one approval)');
RESET ROLE;
SELECT is((SELECT state FROM mreg.review WHERE id = (SELECT retire FROM r2)), 'approved', 'retire review approved');

-- ---------------------------------------------------------------- rejection
SELECT throws_ok($$SELECT mreg.reject((SELECT promote FROM r), NULL)$$, '22004', NULL, 'reject needs a comment');
SELECT throws_ok($$SELECT mreg.reject((SELECT promote FROM r), '  ')$$, '22004', NULL, 'reject needs a non-empty comment');
SET ROLE tap_a1;
SELECT lives_ok($$SELECT mreg.reject((SELECT promote FROM r), 'recall too low on eu')$$, 'reject with a reason');
RESET ROLE;
SELECT results_eq($$SELECT r.state, x.comment FROM mreg.review r JOIN mreg.review_vote x ON x.review_id = r.id WHERE r.id = (SELECT promote FROM r)$$,
    $$VALUES ('rejected', 'recall too low on eu')$$, 'a rejected review keeps why');
SET ROLE tap_req;
SELECT ok(mreg.request_review((SELECT v1 FROM v), 'promote', 'production') > 0, 'after a rejection the change can be asked for again');
RESET ROLE;

-- ---------------------------------------------------------------- escalation
SELECT mreg.set_policy('fraud', 'promote', 'production', '{"escalate_to": "tap_boss"}');
SELECT is(mreg.escalate_overdue(), 0, 'nothing overdue, nothing escalated');
UPDATE mreg.review SET due_at = now() - interval '1 hour' WHERE state = 'open';   -- as if time had passed
SET ROLE tap_a1;
SELECT throws_ok($$SELECT mreg.escalate_overdue()$$, '42501', NULL, 'escalation is for mreg_admin members');
SET ROLE tap_other_admin;
SELECT is(mreg.escalate_overdue(), 0, 'an admin escalates only in projects it administers');
RESET ROLE;
SELECT is(mreg.escalate_overdue(), 1, 'the overdue review is escalated');
SELECT results_eq($$SELECT state, escalated_to::text COLLATE "default" FROM mreg.review WHERE state = 'escalated'$$,
    $$VALUES ('escalated', 'tap_boss')$$, 'escalated to the policy''s escalate_to role');
SELECT is(mreg.escalate_overdue(), 0, 'an escalated review is not escalated twice');

-- ---------------------------------------------------------------- metric anomalies
SELECT mreg.register_model_version('fraud', 'gbm', format('3.%s.0', i)::mreg.semver, status => 'draft') FROM generate_series(0, 5) i;
SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', format('3.%s.0', i)::mreg.semver), 'recall', 0.90 + i / 100.0)
  FROM generate_series(0, 5) i;    -- 0.90 .. 0.95: median 0.925, MAD 0.015
SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '3.0.0'::mreg.semver), 'auc', 0.8);
CREATE TEMP TABLE e AS SELECT mreg.register_model_version('fraud', 'gbm', '4.0.0', status => 'draft') AS v4;
SELECT is(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'recall', 0.91)), NULL::bigint,
          'a value within the history is no anomaly');
SELECT is(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'auc', 0.1)), NULL::bigint,
          'fewer than 5 other versions: no verdict');
SELECT is(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'recall', 0.5, slice => 'eu')), NULL::bigint,
          'another slice has its own history');
SELECT ok(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'recall', 0.6)) > 0,
          'a value far outside the history opens a review');
SELECT results_eq($$SELECT kind, model_version_id, subject, requested_by::text COLLATE "default", owner::text COLLATE "default", reason FROM mreg.review ORDER BY id DESC LIMIT 1$$,
    $$SELECT 'anomaly', (SELECT v4 FROM e), 'model:gbm@4.0.0', current_user::text COLLATE "default", 'tap_a1',
             'recall on slice all = 0.6 is far outside its history across 6 other versions of gbm: median 0.925, MAD 0.015, robust z-score -14.61 (limit 3.5)'$$,
    'the anomaly review says why, with the numbers');
-- MAD 0: every other version has the same value
SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', format('3.%s.0', i)::mreg.semver), 'precision', 0.8) FROM generate_series(0, 4) i;
SELECT is(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'precision', 0.8)), NULL::bigint,
          'MAD 0: the same value is no anomaly');
SELECT ok(mreg_internal.flag_metric_anomaly(mreg.log_evaluation((SELECT v4 FROM e), 'precision', 0.81)) > 0,
          'MAD 0: any different value is an anomaly');

-- ---------------------------------------------------------------- new data sources
-- register_dataset_version flags by itself; count the anomaly reviews it opens
CREATE TEMP VIEW src_reviews AS SELECT count(*) AS n FROM mreg.review WHERE kind = 'anomaly' AND subject LIKE 'dataset:%';
SELECT mreg.register_dataset_version('fraud', 'txns', '1', 's3://lake/txns/1');
SELECT is((SELECT n FROM src_reviews), 0::bigint, 'a project''s first data is not flagged');
SELECT mreg.register_dataset_version('fraud', 'txns', '2', 'S3://lake/txns/2');
SELECT is((SELECT n FROM src_reviews), 0::bigint, 'a known source (scheme and host of the URI, any case) is not flagged');
SELECT mreg.register_dataset_version('fraud', 'crm', '1', 'https://u:secret@crm.example.com:8443/x');
SELECT is((SELECT n FROM src_reviews), 1::bigint, 'a new host opens a review');
SELECT results_eq($$SELECT kind, model_version_id, subject, reason FROM mreg.review ORDER BY id DESC LIMIT 1$$,
    $$VALUES ('anomaly', NULL::bigint, 'dataset:crm@1',
              'dataset version dataset:crm@1 comes from ''https://crm.example.com'', a data source never seen before in project fraud (known: s3://lake)')$$,
    'the review names the new source (without credentials or port) and the known ones');
SELECT is(mreg_internal.flag_new_data_source((SELECT id FROM mreg.dataset_version WHERE uri LIKE 'https://%')), NULL::bigint,
          'the same snapshot is flagged once');
SELECT mreg.register_dataset_version('fraud', 'txns', '1', 's3://lake/txns/1');
SELECT is((SELECT n FROM src_reviews), 1::bigint, 'registering the same snapshot again flags nothing');
SELECT mreg.register_dataset_version('fraud', 'txns', '3', 's3://lake/txns/3', source_system => 'Snowflake');
SELECT is((SELECT n FROM src_reviews), 2::bigint, 'a declared source_system counts over the URI');
SELECT mreg.register_dataset_version('fraud', 'txns', '4', 's3://other/4', source_system => 'snowflake');
SELECT is((SELECT n FROM src_reviews), 2::bigint, 'source_system compares case-insensitively');

SELECT * FROM finish();
ROLLBACK;
