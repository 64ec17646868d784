-- Red team (SPEC section 6): attacks by logged-in non-superusers that
-- 43_governance_matrix, 44_governance_attacks and 46_privacy do not try.
-- Each attack is its own assertion; every one must fail for the attacker.
-- The session is a superuser; the attackers are rt48_* logins created in
-- this transaction (rolled back at the end).
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE rt48_contrib LOGIN;    GRANT mreg_contributor TO rt48_contrib;   -- contribute on rt_a, no privacy
CREATE ROLE rt48_approver LOGIN;   GRANT mreg_approver TO rt48_approver;     -- approve on rt_a only
CREATE ROLE rt48_admin LOGIN;      GRANT mreg_admin TO rt48_admin;           -- admin on rt_a only
CREATE ROLE rt48_reader LOGIN;     GRANT mreg_reader TO rt48_reader;         -- read on rt_a only
CREATE ROLE rt48_auditor LOGIN;    GRANT mreg_auditor TO rt48_auditor;       -- audit on rt_a only
CREATE ROLE rt48_nobody LOGIN;                                               -- no mreg role at all

SELECT mreg.create_project('rt_a', 'visible project', 'internal');
SELECT mreg.create_project('rt_b', 'the hidden project', 'private');
SELECT id AS pid_a FROM mreg.project WHERE name = 'rt_a' \gset
SELECT id AS pid_b FROM mreg.project WHERE name = 'rt_b' \gset
SELECT mreg.grant_access('rt_a', 'rt48_contrib', 'contribute');
SELECT mreg.grant_access('rt_a', 'rt48_approver', 'approve');
SELECT mreg.grant_access('rt_a', 'rt48_admin', 'admin');
SELECT mreg.grant_access('rt_a', 'rt48_reader', 'read');
SELECT mreg.grant_access('rt_a', 'rt48_auditor', 'audit');

SELECT mreg.register_model_version('rt_b', 'secret', '1.0.0') AS vb \gset
SELECT mreg.request_review(:vb, 'publish', reason => 'hidden review') AS rb \gset
SELECT mreg.set_metadata_schema('rt_b', 'model_version', '{"type": "object", "required": ["hidden_field"]}');
SELECT mreg.register_dataset_version('rt_b', 'hds', '1', 's3://hidden/1') AS hdsv \gset
SELECT mreg.set_metadata_schema('rt_a', 'dataset_schema',
       '{"type": "object", "properties": {"contact": {"type": "string", "sensitive": true}}}');
SELECT mreg.register_dataset_version('rt_a', 'staff', '1', 's3://a/staff/1',
       schema => '{"rows": "int", "contact": "jane.doe@example.org"}') AS dsv \gset
SELECT mreg.define_feature('rt_a', 'age', 'int');
SELECT mreg.set_policy('rt_a', 'publish', NULL, '{"required_approvals": 1}');

-- ---------------------------------------------------------------- no mreg role
SET ROLE rt48_nobody;
SELECT throws_ok('SELECT mreg.version()', '42501', NULL, 'no mreg role: schema mreg is not usable');
SELECT throws_ok('SELECT count(*) FROM mreg.project', '42501', NULL, 'no mreg role: no table either');
SELECT throws_ok('SELECT mreg_internal.caller()', '42501', NULL, 'no mreg role: nor schema mreg_internal');
RESET ROLE;

-- (SET ROLE tricks cannot be tried here: PostgreSQL checks SET ROLE and SET
-- SESSION AUTHORIZATION against the session user, a superuser in this file;
-- a role one may SET ROLE to is a role one is a member of anyway, and
-- the registry decides by membership.)

-- ---------------------------------------------------------------- internal helpers callable by readers
SET ROLE rt48_reader;
SELECT throws_ok(format($$SELECT mreg_internal.audit(%s, 'forged', 'x', NULL, '{}')$$, :pid_a), '42501', NULL,
                 'mreg_internal.audit(): a reader cannot write an audit row');
SELECT throws_ok(format($$SELECT mreg_internal.unmask_personal('dataset_schema', %s, '{}')$$, :dsv), '42501', NULL,
                 'unmask_personal(): a reader cannot read clear values through the helper');
SELECT throws_ok('SELECT * FROM mreg_internal.access_rows(10)', '42501', NULL,
                 'access_rows(): nobody may compute another role''s privileges');
SELECT throws_ok($$SELECT current_setting('mreg.artifact_key', true)$$, '42501', NULL,
                 'the artifact key is not readable');
SELECT throws_ok($$SELECT mreg_internal.crypt_artifact('\x00'::bytea, true)$$, '42501', NULL,
                 'crypt_artifact(): a reader cannot decrypt with the key');
SELECT throws_ok(format($$SELECT mreg_internal.personal_document('dataset_schema', %s)$$, :hdsv), '23503',
                 format('dataset version %s is not registered', :hdsv),
                 'personal_document(): a hidden dataset version does not exist');
SELECT lives_ok(format($$SELECT mreg_internal.check_metadata(%s, 'model_version', '{}')$$, :pid_b),
                'check_metadata(): the schema of a hidden project is not applied (nor echoed)');
SELECT throws_ok(format($$SELECT mreg_internal.authorize(%s, 'read')$$, :pid_b), '42501',
                 'permission denied: role rt48_reader lacks the read privilege on project (not visible to it)',
                 'authorize() called directly on a hidden project id does not name it');
SELECT throws_ok('SELECT nextval(''mreg.project_id_seq'')', '42501', NULL, 'nextval of a registry sequence: permission denied');
SELECT throws_ok('SELECT setval(''mreg.audit_log_id_seq'', 1)', '42501', NULL, 'setval: permission denied');
SELECT is((SELECT count(*) FROM mreg.access_report() r WHERE r.project = 'rt_b'), 0::bigint,
          'access_report(): nothing of the hidden project');
RESET ROLE;

SET ROLE rt48_contrib;
SELECT throws_ok(format($$SELECT mreg_internal.keep_personal(%s, 'dataset_schema', %s, '{"contact": "forged"}')$$, :pid_a, :dsv),
                 '42501', NULL, 'keep_personal(): a contributor cannot plant a clear value');
-- audit_note / audit_mask outside the API, then an API call: the call's row is its own
SELECT mreg_internal.audit_note(:pid_b, 'forged-target', '{"forged": true}');
SELECT mreg_internal.audit_mask('{"dtype": "forged"}');
SELECT mreg.define_feature('rt_a', 'income', 'float');
RESET ROLE;
SELECT is((SELECT row(project_id, target IS DISTINCT FROM 'forged-target', before IS NULL, after->>'dtype')::text
             FROM mreg.audit_log WHERE action = 'define_feature' ORDER BY id DESC LIMIT 1),
          row(:pid_a, true, true, 'float')::text,
          'audit_note/audit_mask called outside the API forge nothing in the next audit row');

-- ---------------------------------------------------------------- the masking switch
-- mreg_internal.masking is the API's own switch (set_metadata_schema masking
-- stored rows): keep_history keeps no copy while it is on.  A user who
-- turns it on must not get history-free changes through the API.
SET ROLE rt48_contrib;
SELECT throws_ok($$SELECT set_config('mreg_internal.masking', 'on', false)$$, '42501', NULL,
                 'a contributor cannot turn the masking switch on');
SELECT mreg.define_feature('rt_a', 'age', 'bigint');        -- a redefinition: the old row goes to row_history
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.row_history h
            WHERE h.table_name = 'feature' AND h.project_id = :pid_a AND h.old_row->>'name' = 'age'),
          1::bigint, 'a redefinition under the masking switch still keeps the old row');
SET ROLE rt48_admin;
SELECT throws_ok($$SET mreg_internal.masking = on$$, '42501', NULL, 'an admin cannot set it either');
SELECT mreg.set_policy('rt_a', 'publish', NULL, '{"required_approvals": 2}');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.row_history h WHERE h.table_name = 'policy' AND h.project_id = :pid_a),
          1::bigint, 'a policy change under the masking switch still keeps the earlier rule');
RESET mreg_internal.masking;

-- ---------------------------------------------------------------- reviews of hidden projects
SET ROLE rt48_contrib;
SELECT throws_ok(format($$SELECT mreg.request_review(%s, 'publish')$$, :vb), '23503',
                 format('model version %s is not registered', :vb),
                 'request_review on a hidden version: "not registered", no project name');
SELECT throws_ok(format($$SELECT mreg.request_review(%s, 'publish')$$, :vb + 1000000), '23503',
                 format('model version %s is not registered', :vb + 1000000),
                 'the same words as an id that does not exist');
RESET ROLE;
SET ROLE rt48_approver;
SELECT throws_ok(format($$SELECT mreg.approve(%s)$$, :rb), '23503', format('review %s does not exist', :rb),
                 'approve a review of a hidden project: it does not exist, no project name');
SELECT throws_ok(format($$SELECT mreg.reject(%s, 'no')$$, :rb), '23503', format('review %s does not exist', :rb),
                 'reject it: the same');
SELECT throws_ok(format($$SELECT mreg.approve(%s)$$, :rb + 1000000), '23503', format('review %s does not exist', :rb + 1000000),
                 'the same words as an id that does not exist');
SELECT throws_ok(format($$SELECT * FROM mreg.check_policy('publish', %s)$$, :vb), '23503',
                 format('model version %s is not registered', :vb), 'check_policy on a hidden version: not registered');
RESET ROLE;
SELECT is((SELECT state FROM mreg.review WHERE id = :rb), 'open', 'the hidden review is untouched');

-- ---------------------------------------------------------------- grant_access with odd arguments
SET ROLE rt48_admin;
SELECT throws_ok($$SELECT mreg.grant_access('rt_a', 'rt48_reader', 'read', 'infinity')$$, '22023', NULL,
                 'grant_access: an infinite valid_until is refused');
SELECT throws_ok($$SELECT mreg.grant_access('rt_a', 'rt48_reader', 'read', now() - interval '1 second')$$, '22023', NULL,
                 'grant_access: a valid_until in the past is refused');
SELECT throws_ok($$SELECT mreg.grant_access('rt_a', 'public', 'read')$$, '42704', NULL, 'grant_access: PUBLIC gets nothing');
SELECT throws_ok($$SELECT mreg.grant_access('rt_a', 'rt48_reader', 'superuser')$$, '22023', NULL,
                 'grant_access: an unknown privilege is refused');
SELECT throws_ok($$SELECT mreg.grant_access('rt_a', 'rt48_reader', 'read', NULL, repeat('x', 100000))$$, '22023', NULL,
                 'grant_access: a huge purpose is refused');
SELECT throws_ok($$SELECT mreg.grant_access('rt_b', 'rt48_admin', 'admin')$$, '23503', 'project ''rt_b'' does not exist',
                 'grant_access on a hidden project: it does not exist');
SELECT throws_ok($$SELECT mreg.revoke_access('rt_b', 'rt48_admin', 'admin')$$, '23503', 'project ''rt_b'' does not exist',
                 'revoke_access on a hidden project: it does not exist');
RESET ROLE;

-- ---------------------------------------------------------------- audit log of other projects
SET ROLE rt48_auditor;
SELECT is((SELECT count(*) FROM mreg.audit_log
            WHERE project_id = :pid_b OR target LIKE '%rt_b%' OR after::text LIKE '%rt_b%' OR before::text LIKE '%rt_b%'),
          0::bigint, 'an auditor of rt_a sees no audit row of (or naming) the hidden project');
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE after::text LIKE '%jane.doe%' OR before::text LIKE '%jane.doe%'),
          0::bigint, 'nor a clear personal value');
RESET ROLE;

-- ---------------------------------------------------------------- personal data: confirmation oracle
-- A contributor without privacy re-registers the snapshot with a guessed
-- personal value: the answer must not depend on whether the guess is right.
SET ROLE rt48_contrib;
SELECT is(mreg.register_dataset_version('rt_a', 'staff', '1', 's3://a/staff/1',
                                        schema => '{"rows": "int", "contact": "jane.doe@example.org"}'),
          :dsv::bigint, 'a retry with the right personal value returns the snapshot');
SELECT lives_ok($$SELECT mreg.register_dataset_version('rt_a', 'staff', '1', 's3://a/staff/1',
                                                     schema => '{"rows": "int", "contact": "john.roe@example.org"}')$$,
                'a retry with a wrong guess answers the same (no oracle on the clear value)');
RESET ROLE;
SELECT mreg.set_purpose('red team check');
SELECT is(mreg.personal_data('dataset_schema', :dsv), '{"rows": "int", "contact": "jane.doe@example.org"}',
          'the clear value kept is still the one first written');

SELECT * FROM finish();
ROLLBACK;
