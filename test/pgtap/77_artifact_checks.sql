-- Artifact checks (77_artifact_checks.sql): statuses and their history, the
-- view, the event, the policy rule artifacts_checked on publish and promote,
-- privileges, bad arguments, immutability of the log and of the artifact.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE ac77_contrib IN ROLE mreg_contributor;
CREATE ROLE ac77_reader IN ROLE mreg_reader;
SELECT mreg.create_project('ac');
SELECT mreg.create_project('ac_other');
SELECT mreg.grant_access('ac', 'ac77_contrib', 'contribute');
SELECT mreg.grant_access('ac', 'ac77_reader', 'read');

SELECT mreg.register_model_version('ac', 'm', '1.0.0', status => 'draft',
    artifacts => '[{"name": "weights", "uri": "file:///srv/m/weights.bin", "size_bytes": 3,
                    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
                   {"name": "card", "content_base64": "aGk="}]') AS v1 \gset
SELECT id AS w FROM mreg.artifact WHERE name = 'weights' \gset
SELECT id AS c FROM mreg.artifact WHERE name = 'card' \gset

SELECT results_eq($$SELECT name, check_status FROM mreg.artifact_status WHERE model_version_id = $$ || :v1 || $$ ORDER BY name$$,
                  $$VALUES ('card', 'unchecked'), ('weights', 'unchecked')$$, 'artifacts start unchecked');

-- the policy: publish and promote to production need every artifact ok
SELECT mreg.set_policy('ac', 'publish', NULL, '{"artifacts_checked": true}');
SELECT mreg.set_policy('ac', 'promote', 'production', '{"artifacts_checked": true}');
SELECT results_eq($$SELECT rule, ok, detail FROM mreg.check_policy('publish', $$ || :v1 || $$)$$,
                  $$VALUES ('artifacts_checked', false, '''card'' is unchecked; ''weights'' is unchecked')$$,
                  'check_policy names every artifact that is not ok');
SELECT throws_ok($$SELECT mreg.set_status('ac', 'm', '1.0.0', 'registered')$$, '23514', NULL,
                 'publishing a version with unchecked artifacts is refused');

SET LOCAL ROLE ac77_contrib;
SELECT ok(mreg.record_artifact_check(:w, 'ok', 'size 3, sha256 ba78...') > 0, 'a contributor records a check');
SELECT ok(mreg.record_artifact_check(:c, 'OK') > 0, 'status is case-insensitive');
RESET ROLE;
SELECT is((SELECT string_agg(format('%s %s %s', name, check_status, checked_by), ', ' ORDER BY name)
             FROM mreg.artifact_status WHERE model_version_id = :v1),
          'card ok ac77_contrib, weights ok ac77_contrib', 'the view shows the latest check and who made it');
SELECT results_eq($$SELECT ok, detail FROM mreg.check_policy('publish', $$ || :v1 || $$)$$,
                  $$VALUES (true, '2 artifacts, all ok')$$, 'all ok: the rule holds');
SELECT lives_ok($$SELECT mreg.set_status('ac', 'm', '1.0.0', 'registered')$$, 'and the version publishes');

-- the file changes on disk: a new check, the old one stays
SELECT mreg.record_artifact_check(:w, 'checksum_mismatch', 'sha256 is 0000..., registered ba78...');
SELECT is((SELECT check_status FROM mreg.artifact_status WHERE id = :w), 'checksum_mismatch', 'the latest check is the status');
SELECT is((SELECT array_agg(status ORDER BY id) FROM mreg.artifact_check WHERE artifact_id = :w), ARRAY['ok', 'checksum_mismatch'],
          'every check is kept');
SELECT mreg.promote('ac', 'm', '1.0.0', 'staging');
SELECT throws_like($$SELECT mreg.promote('ac', 'm', '1.0.0', 'production')$$, '%violates the promote policy%',
                   'promotion to production is refused while an artifact does not match');
SELECT mreg.record_artifact_check(:w, 'missing', 'no such file');
SELECT results_eq($$SELECT ok, detail FROM mreg.check_policy('promote', $$ || :v1 || $$, 'production')$$,
                  $$VALUES (false, '''weights'' is missing')$$, 'missing is named');
SELECT mreg.record_artifact_check(:w, 'ok');
SELECT lives_ok($$SELECT mreg.promote('ac', 'm', '1.0.0', 'production')$$, 'checked ok again: it promotes');

-- events
SELECT is((SELECT count(*) FROM mreg.event WHERE kind = 'artifact.checked' AND entity = 'artifact_check'), 5::bigint,
          'each check emits artifact.checked');
SELECT is((SELECT detail FROM mreg.event WHERE kind = 'artifact.checked' ORDER BY id DESC LIMIT 1),
          jsonb_build_object('artifact_id', :w, 'model_version_id', :v1, 'status', 'ok'), 'with artifact, version and status');
-- audited
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'record_artifact_check'), 5::bigint, 'each check is audited');

-- privileges and bad arguments
SET LOCAL ROLE ac77_reader;
SELECT throws_ok(format('SELECT mreg.record_artifact_check(%s, %L)', :w, 'ok'), '42501', NULL, 'a reader may not record a check');
SELECT is((SELECT check_status FROM mreg.artifact_status WHERE id = :w), 'ok', 'but reads the status');
RESET ROLE;
SELECT mreg.register_model_version('ac_other', 'x', '1.0.0', artifacts => '[{"name": "a", "uri": "file:///x"}]') AS vx \gset
SELECT id AS xa FROM mreg.artifact WHERE model_version_id = :vx \gset
SET LOCAL ROLE ac77_contrib;
SELECT throws_ok(format('SELECT mreg.record_artifact_check(%s, %L)', :xa, 'ok'),
                 '23503', NULL, 'an artifact of a project one may not read does not exist');
SELECT is((SELECT count(*) FROM mreg.artifact_status WHERE model_version_id = :vx), 0::bigint, 'nor shows in the view');
RESET ROLE;
SELECT throws_ok($$SELECT mreg.record_artifact_check(NULL, 'ok')$$, '22004', NULL, 'NULL artifact');
SELECT throws_ok(format('SELECT mreg.record_artifact_check(%s, NULL)', :w), '22004', NULL, 'NULL status');
SELECT throws_ok(format('SELECT mreg.record_artifact_check(%s, %L)', :w, 'unchecked'), '22023', NULL, 'unchecked is no result');
SELECT throws_ok(format('SELECT mreg.record_artifact_check(%s, %L, repeat(%L, 2001))', :w, 'ok', 'x'), '22023', NULL, 'detail too long');
SELECT throws_ok($$SELECT mreg.record_artifact_check(999999999, 'ok')$$, '23503', NULL, 'unknown artifact');

-- the log is append-only, the artifact immutable
SELECT throws_ok($$UPDATE mreg.artifact_check SET status = 'ok'$$, '55000', NULL, 'checks cannot be rewritten');
SELECT throws_ok($$DELETE FROM mreg.artifact_check$$, '55000', NULL, 'nor deleted');
SELECT throws_ok(format('UPDATE mreg.artifact SET sha256 = NULL WHERE id = %s', :w), '55000', NULL,
                 'the artifact of a registered version still never changes');

-- rule validation
SELECT throws_ok($$SELECT mreg.set_policy('ac', 'publish', NULL, '{"artifacts_checked": "yes"}')$$, '22023', NULL,
                 'artifacts_checked is a boolean');
SELECT mreg.set_policy('ac', 'publish', NULL, '{"artifacts_checked": false}');
SELECT is((SELECT count(*) FROM mreg.review WHERE kind = 'anomaly' AND reason LIKE '%artifacts_checked turned off%'), 1::bigint,
          'turning it off is a sharp loosening (an anomaly review)');
SELECT * FROM finish();
ROLLBACK;
