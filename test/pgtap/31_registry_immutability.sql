-- Registry core: immutability and history hold for everyone, the table
-- owner (this superuser session owns the tables) included.
BEGIN;
SET LOCAL search_path = public, mreg;  -- operators of mreg types live in schema mreg
SELECT no_plan();

SELECT mreg.create_project('imm');
SELECT mreg.register_dataset_version('imm', 'd', '1', 's3://d/1', sha256 => repeat('0', 64));
SELECT mreg.log_run('imm', 'e', '{"a": 1}', '{}', ARRAY['dataset:d@1']) AS run_id \gset
SELECT mreg.register_model_version('imm', 'm', '1.0.0', :run_id,
       jsonb_build_array(jsonb_build_object('name', 'w', 'content_base64', encode('abc'::bytea, 'base64')))) AS v1 \gset
SELECT mreg.register_model_version('imm', 'm', '2.0.0-rc.1', status => 'draft') AS v2 \gset
SELECT mreg.log_evaluation(:v1, 'accuracy', 0.9) AS ev \gset
SELECT mreg.annotate('model:m@1.0.0', 'note') AS an \gset
SELECT mreg.set_alias('imm', 'm', 'champion', '1.0.0') AS al \gset

SELECT is((SELECT tableowner FROM pg_tables WHERE schemaname = 'mreg' AND tablename = 'evaluation'), current_user::name,
          'this session is the table owner');

-- append-only tables
SELECT throws_ok(format('UPDATE mreg.evaluation SET value = 1 WHERE id = %s', :ev), '55000',
                 'rows of mreg.evaluation are append-only', 'UPDATE of an evaluation');
SELECT throws_ok(format('DELETE FROM mreg.evaluation WHERE id = %s', :ev), '55000', NULL, 'DELETE of an evaluation');
SELECT throws_ok('TRUNCATE mreg.evaluation CASCADE', '55000', NULL, 'TRUNCATE of evaluations');
SELECT throws_ok(format('UPDATE mreg.annotation SET note = $q$edited$q$ WHERE id = %s', :an), '55000', NULL, 'UPDATE of an annotation');
SELECT throws_ok('DELETE FROM mreg.annotation', '55000', NULL, 'DELETE of annotations');
SELECT throws_ok('UPDATE mreg.alias_move SET reason = $q$x$q$', '55000', NULL, 'UPDATE of alias history');
SELECT throws_ok('DELETE FROM mreg.row_history', '55000', NULL, 'DELETE of row history');
SELECT throws_ok('UPDATE mreg.row_history SET changed_by = $q$nobody$q$', '55000', NULL, 'UPDATE of row history');
SELECT throws_ok('TRUNCATE mreg.row_history', '55000', NULL, 'TRUNCATE of row history');
SELECT throws_ok('DELETE FROM mreg.lineage_edge', '55000', NULL, 'DELETE of live lineage edges');
SELECT throws_ok('UPDATE mreg.run_dataset SET role = $q$test$q$', '55000', NULL, 'UPDATE of what a run used');

-- registered model versions
SELECT throws_ok(format('UPDATE mreg.model_version SET version = $q$1.0.1$q$ WHERE id = %s', :v1), '55000',
                 format('model version %s (1.0.0) cannot be renumbered', :v1), 'the version number of a registered version');
SELECT throws_ok(format('UPDATE mreg.model_version SET version = $q$1.0.0+other$q$ WHERE id = %s', :v1), '55000', NULL,
                 'even its build metadata');
SELECT throws_ok(format('UPDATE mreg.model_version SET provenance = $q$code:x$q$ WHERE id = %s', :v1), '55000', NULL,
                 'its provenance');
SELECT throws_ok(format('UPDATE mreg.model_version SET run_id = NULL WHERE id = %s', :v1), '55000', NULL, 'its run');
SELECT throws_ok(format('UPDATE mreg.model_version SET metadata = $q${"x":1}$q$ WHERE id = %s', :v1), '55000', NULL, 'its metadata');
SELECT throws_ok(format('UPDATE mreg.model_version SET id = 999999 WHERE id = %s', :v1), '55000', NULL, 'its id');
SELECT throws_ok(format('DELETE FROM mreg.model_version WHERE id = %s', :v1), '55000', NULL, 'DELETE of a registered version');
SELECT throws_ok('TRUNCATE mreg.model_version CASCADE', '55000', NULL, 'TRUNCATE of model versions');
SELECT throws_ok(format('UPDATE mreg.model_version SET status = $q$draft$q$ WHERE id = %s', :v1), '42501', NULL,
                 'a direct UPDATE cannot take a forbidden transition either');
SELECT throws_ok(format('UPDATE mreg.model_version SET status = $q$staging$q$ WHERE id = %s', :v1), '42501', NULL,
                 'nor an allowed one: status moves only through the API, even for a superuser');
SELECT lives_ok(format($$SELECT mreg.set_status(p.name, m.name, v.version, 'staging')
                           FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
                          WHERE v.id = %s$$, :v1), 'an allowed transition through the API');
SELECT is((SELECT old_row->>'status' FROM mreg.row_history WHERE table_name = 'model_version' AND row_id = :v1 ORDER BY id DESC LIMIT 1),
          'registered', 'the status change is kept in history');

-- drafts are still editable and deletable
SELECT lives_ok(format('UPDATE mreg.model_version SET metadata = $q${"wip": true}$q$ WHERE id = %s', :v2), 'a draft can change');
SELECT lives_ok(format('DELETE FROM mreg.model_version WHERE id = %s', :v2), 'a draft can be deleted');
SELECT is((SELECT operation FROM mreg.row_history WHERE table_name = 'model_version' AND row_id = :v2 ORDER BY id DESC LIMIT 1),
          'DELETE', 'and its deletion is kept');

-- artifacts of a registered version
SELECT throws_ok(format('UPDATE mreg.artifact SET uri = $q$s3://elsewhere$q$ WHERE model_version_id = %s', :v1), '55000', NULL,
                 'artifact of a registered version cannot change');
SELECT throws_ok(format('DELETE FROM mreg.artifact WHERE model_version_id = %s', :v1), '55000', NULL, 'nor be deleted');
SELECT throws_ok(format($$INSERT INTO mreg.artifact (project_id, model_version_id, name, kind, content, sha256)
                          SELECT project_id, id, 'x', 'binary', 'abc', repeat('1', 64) FROM mreg.model_version WHERE id = %s$$, :v1),
                 '42501', NULL, 'a direct INSERT of an artifact into a registered version is refused, even for a superuser');

-- data snapshots
SELECT throws_ok('UPDATE mreg.dataset_version SET uri = $q$s3://moved$q$', '55000', NULL, 'a snapshot''s uri is immutable');
SELECT throws_ok('UPDATE mreg.dataset_version SET sha256 = repeat($q$1$q$, 64)', '55000', NULL, 'its checksum too');
SELECT lives_ok('UPDATE mreg.dataset_version SET usage_rights = $q$research-only$q$', 'its usage rights can be corrected');
SELECT is((SELECT count(*) FROM mreg.row_history WHERE table_name = 'dataset_version'), 1::bigint, 'with history');

-- projects and keys
SELECT throws_ok('UPDATE mreg.project SET name = $q$renamed$q$ WHERE name = $q$imm$q$', '55000', NULL, 'a project is not renamed');
SELECT throws_ok('UPDATE mreg.model SET project_id = project_id + 1000', '55000', NULL, 'a model does not change project');
SELECT throws_ok('TRUNCATE mreg.model CASCADE', '55000', NULL, 'TRUNCATE of a mutable table');
SELECT lives_ok('UPDATE mreg.model SET description = $q$edited$q$', 'a model''s description can change');
SELECT ok((SELECT count(*) FROM mreg.history('model:m') WHERE old_row->>'description' IS NULL AND new_row->>'description' = 'edited') = 1,
          'mreg.history() shows the change');

SELECT * FROM finish();
ROLLBACK;
