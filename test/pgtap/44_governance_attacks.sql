-- Governance attacks (SPEC section 6): each one must fail, each is its own
-- assertion.  The session is a superuser (the table owner); attackers are
-- logins created in this transaction (rolled back at the end).
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE ga44_evil LOGIN;        GRANT mreg_contributor TO ga44_evil;     -- contributor on gm_a only
CREATE ROLE ga44_reader LOGIN;      GRANT mreg_reader TO ga44_reader;        -- reader on gm_a only
CREATE ROLE ga44_publisher LOGIN;   GRANT mreg_publisher TO ga44_publisher;  -- publisher on gm_a
CREATE ROLE ga44_guard NOLOGIN;                                              -- guards the protected alias
CREATE ROLE ga44_temp LOGIN;        GRANT mreg_contributor TO ga44_temp;     -- expiring, then revoked grants
CREATE ROLE ga44_appr LOGIN;        GRANT mreg_approver TO ga44_appr;        -- approver on ga_a only

SELECT mreg.create_project('ga_a');
SELECT mreg.create_project('ga_b');
SELECT mreg.grant_access('ga_a', 'ga44_evil', 'contribute');
SELECT mreg.grant_access('ga_a', 'ga44_reader', 'read');
SELECT mreg.grant_access('ga_a', 'ga44_publisher', 'publish');
SELECT mreg.grant_access('ga_a', 'ga44_appr', 'approve');
SELECT mreg.register_dataset_version(p, 'ds', '1', 's3://ds/1') FROM unnest(ARRAY['ga_a', 'ga_b']) p;
SELECT mreg.log_run('ga_a', 'exp', '{}', '{}', ARRAY['dataset:ds@1']) AS run_a \gset
SELECT mreg.log_run('ga_b', 'exp', '{}', '{}', ARRAY['dataset:ds@1']) AS run_b \gset
SELECT mreg.register_model_version('ga_a', 'm', '1.0.0', :run_a,
       jsonb_build_array(jsonb_build_object('name', 'w', 'content_base64', encode('secret-bytes'::bytea, 'base64')))) AS va \gset
SELECT mreg.register_model_version('ga_a', 'm', '2.0.0') AS va2 \gset
SELECT mreg.register_model_version('ga_a', 'other', '1.0.0') AS vother \gset
SELECT mreg.register_model_version('ga_a', 'm', '3.0.0', status => 'draft') AS vdraft \gset
SELECT mreg.register_model_version('ga_b', 'secret', '1.0.0', :run_b) AS vb \gset
SELECT mreg.register_model_version('ga_b', 'shared', '1.0.0') AS vb_shared \gset
SELECT mreg.register_model_version('ga_a', 'shared', '1.0.0') AS va_shared \gset
SELECT mreg.set_alias('ga_a', 'm', 'champion', '1.0.0');
SELECT mreg.set_alias('ga_a', 'm', 'guarded', '1.0.0');
SELECT mreg.protect_alias('ga_a', 'm', 'guarded', 'ga44_guard');
SELECT mreg.set_alias('ga_b', 'secret', 'champion', '1.0.0');
SELECT mreg.log_evaluation(:vb, 'accuracy', 0.9);
SELECT mreg.annotate('ga_b/model:secret@1.0.0', 'hidden note');
SELECT mreg.set_metadata_schema('ga_a', 'model_version', '{"type": "object", "required": ["owner"]}');
SELECT mreg.add_lineage('ga_a/code:x', 'ga_a/model:m@3.0.0');
SELECT (SELECT max(id) FROM mreg.model) + 1000000 AS no_model, (SELECT max(id) FROM mreg.model_version) + 1000000 AS no_version \gset

-- ---------------------------------------------------------------- grants and DDL
SELECT throws_ok('GRANT ALL ON ALL TABLES IN SCHEMA mreg TO ga44_evil', '42501', 'registry tables are written through the API only',
                 'GRANT ALL ON ALL TABLES IN SCHEMA mreg is refused by the DDL guard');
SELECT throws_ok('GRANT INSERT ON mreg.model_version TO mreg_contributor', '42501', NULL,
                 'GRANT INSERT on a registry table to a group role is refused');
SELECT throws_ok('GRANT UPDATE (status) ON mreg.model_version TO ga44_evil', '42501', NULL,
                 'a column-level GRANT UPDATE is refused');
SELECT throws_ok('GRANT REFERENCES ON mreg.project TO ga44_evil', '42501', NULL,
                 'GRANT REFERENCES (a foreign key would probe hidden ids) is refused');
SELECT throws_ok('GRANT EXECUTE ON FUNCTION mreg_internal.set_status(text, text, mreg.semver, text, text) TO ga44_evil', '42501', NULL,
                 'GRANT EXECUTE on an API body is refused');
SELECT is((SELECT count(*) FROM information_schema.role_table_grants
            WHERE grantee = 'ga44_evil' AND table_schema = 'mreg'), 0::bigint, 'and the refused grants left nothing behind');

CREATE FUNCTION public.ga_evil_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.status := 'production'; RETURN NEW; END $$;
SELECT throws_ok('CREATE TRIGGER zz_evil BEFORE UPDATE ON mreg.model_version FOR EACH ROW EXECUTE FUNCTION public.ga_evil_trigger()',
                 '42501', NULL, 'a superuser cannot add a trigger to a registry table');
SELECT throws_ok('CREATE POLICY evil ON mreg.project FOR SELECT USING (true)', '42501', NULL,
                 'nor a policy that shows every project');
SELECT throws_ok('CREATE RULE evil AS ON UPDATE TO mreg.alias DO INSTEAD NOTHING', '42501', NULL, 'nor a rule');
SELECT throws_ok('ALTER TABLE mreg.model_version NO FORCE ROW LEVEL SECURITY', '42501', NULL, 'nor switch off forced row-level security');
SELECT throws_ok('ALTER TABLE mreg.model_version DISABLE TRIGGER guard_model_version', '42501', NULL, 'nor disable a guard');
SELECT throws_ok('CREATE INDEX ON mreg.project (name)', '42501', NULL, 'nor add an index');
SELECT throws_ok('ALTER FUNCTION mreg_internal.set_status(text, text, mreg.semver, text, text) RESET search_path', '42501', NULL,
                 'nor unpin the search_path of an API body');

-- ---------------------------------------------------------------- status, artifacts, aliases behind the API
SELECT throws_ok(format('UPDATE mreg.model_version SET status = %L WHERE id = %s', 'production', :va), '42501', NULL,
                 'superuser: a direct UPDATE of a status is refused (42501)');
SET ROLE ga44_publisher;
SELECT throws_ok(format('UPDATE mreg.model_version SET status = %L WHERE id = %s', 'production', :va), '42501', NULL,
                 'publisher: a direct UPDATE of a status is permission denied');
SELECT throws_ok(format('SELECT mreg_internal.move_status(%s, %L, %L)', :va, 'production', 'x'), '42501', NULL,
                 'publisher: the internal helper that moves a status runs with the caller''s rights: permission denied');
SELECT throws_ok($$SELECT mreg_internal.set_status('ga_a', 'm', '1.0.0', 'production')$$, '42501', NULL,
                 'publisher: calling an API body directly is permission denied');
RESET ROLE;

SELECT throws_ok(format('INSERT INTO mreg.artifact (project_id, model_version_id, name, kind, uri) SELECT project_id, id, %L, %L, %L FROM mreg.model_version WHERE id = %s',
                        'evil', 'binary', 's3://evil', :va), '42501', NULL,
                 'superuser: INSERT of an artifact into a registered version is refused');
SELECT is((SELECT count(*) FROM mreg.artifact WHERE model_version_id = :va AND name = 'evil'), 0::bigint, 'and no such artifact is there');
-- pg_restore's path: a restore runs with row_security = off and loads the
-- artifacts of registered versions as they were dumped
SET LOCAL row_security = off;
SELECT lives_ok(format('INSERT INTO mreg.artifact (project_id, model_version_id, name, kind, uri) SELECT project_id, id, %L, %L, %L FROM mreg.model_version WHERE id = %s',
                       'restored', 'binary', 's3://restored', :va),
                'superuser with row_security = off (as pg_restore runs): INSERT of an artifact into a registered version is admitted');
RESET row_security;
SELECT is((SELECT uri FROM mreg.artifact WHERE model_version_id = :va AND name = 'restored'), 's3://restored', 'and the restored artifact is there as given');
SELECT is(current_setting('row_security'), 'on', 'row_security is back on for what follows');
-- an artifact of a draft cannot be moved into a registered version either
SELECT mreg.register_model_version('ga_a', 'm', '3.1.0', artifacts => '[{"name": "d", "uri": "s3://d"}]', metadata => '{"owner": "x"}', status => 'draft') AS vdraft2 \gset
SELECT throws_ok(format('UPDATE mreg.artifact SET model_version_id = %s WHERE model_version_id = %s', :va, :vdraft2), '42501', NULL,
                 'superuser: moving a draft''s artifact into a registered version is refused');
SET LOCAL row_security = off;
SELECT throws_ok(format('UPDATE mreg.artifact SET model_version_id = %s WHERE model_version_id = %s', :va, :vdraft2), '42501', NULL,
                 'superuser with row_security = off: moving it there is refused too (a restore only inserts)');
RESET row_security;
SELECT lives_ok(format('UPDATE mreg.artifact SET model_version_id = %s WHERE model_version_id = %s', :vdraft, :vdraft2),
                'superuser: moving it to another draft is a change of drafts, admitted as before');
SELECT is((SELECT count(*) FROM mreg.artifact WHERE model_version_id = :va), 2::bigint,
          'the registered version still has exactly its artifact and the restored one');
SET ROLE ga44_evil;
SELECT throws_ok(format('INSERT INTO mreg.artifact (project_id, model_version_id, name, uri) VALUES (1, %s, %L, %L)', :vdraft, 'evil', 's3://evil'),
                 '42501', NULL, 'contributor: INSERT of an artifact (even into a draft) is permission denied');
SELECT throws_ok(format('INSERT INTO mreg.model_version (project_id, model_id, version, status, provenance) SELECT project_id, model_id, %L, %L, %L FROM mreg.model_version WHERE id = %s',
                        '9.9.9', 'registered', '', :va), '42501', NULL,
                 'contributor: INSERT of a registered version with empty provenance is permission denied');
SELECT throws_ok($$SELECT mreg.register_model_version('ga_a', 'm', '9.9.9', metadata => '{"owner": "x"}')$$, '42501', NULL,
                 'contributor: registering (not a draft) through the API needs publish');
RESET ROLE;

SELECT throws_ok(format('UPDATE mreg.alias SET model_version_id = %s WHERE model_version_id = %s AND name = %L', :vother, :va, '@champion'),
                 '42501', NULL, 'superuser: pointing @champion at another model''s version is refused');
SELECT throws_ok(format('UPDATE mreg.alias SET model_version_id = %s WHERE model_version_id = %s AND name = %L', :va2, :va, '@champion'),
                 '42501', NULL, 'superuser: moving @champion directly, even within its model, is refused');
SELECT throws_ok(format('DELETE FROM mreg.alias WHERE model_version_id = %s', :va), '42501', NULL, 'superuser: deleting an alias directly is refused');
SET ROLE ga44_publisher;
SELECT throws_ok($$SELECT mreg.set_alias('ga_a', 'm', 'guarded', '2.0.0')$$, '42501', NULL,
                 'publisher: moving a protected alias without its role is refused');
SELECT throws_ok($$SELECT mreg.remove_alias('ga_a', 'm', 'guarded')$$, '42501', NULL, 'publisher: removing it too');
SELECT throws_ok($$SELECT mreg.protect_alias('ga_a', 'm', 'guarded', NULL)$$, '42501', NULL, 'publisher: unprotecting it too');
RESET ROLE;
SELECT is((SELECT model_version_id FROM mreg.alias WHERE name = '@guarded'), :va::bigint, 'the protected alias has not moved');
SELECT is((SELECT model_version_id FROM mreg.alias WHERE name = '@champion' AND project_id = (SELECT id FROM mreg.project WHERE name = 'ga_a')),
          :va::bigint, '@champion has not moved');

-- ---------------------------------------------------------------- lineage, metadata, forged authors
SET ROLE ga44_evil;
SELECT throws_ok($$INSERT INTO mreg.lineage_edge (project_id, src, dst) SELECT id, 'ga_a/model:m@3.0.0', 'ga_a/code:x' FROM mreg.project WHERE name = 'ga_a'$$,
                 '42501', NULL, 'contributor: a direct INSERT of a lineage edge closing a cycle is permission denied');
SELECT throws_ok($$SELECT mreg.add_lineage('ga_a/model:m@3.0.0', 'ga_a/code:x')$$, '23514', NULL,
                 'contributor: the API refuses the edge that closes the cycle');
SELECT throws_ok(format('INSERT INTO mreg.model_version (project_id, model_id, version, status, metadata) SELECT project_id, model_id, %L, %L, %L FROM mreg.model_version WHERE id = %s',
                        '9.9.8', 'draft', '{}', :vdraft), '42501', NULL,
                 'contributor: a direct INSERT of a row breaking the metadata schema is permission denied');
SELECT throws_ok($$SELECT mreg.register_model_version('ga_a', 'm', '9.9.8', metadata => '{}', status => 'draft')$$, '23514', NULL,
                 'contributor: the API refuses metadata that breaks the project''s schema');
SELECT throws_ok(format('INSERT INTO mreg.run (project_id, experiment_id, params, created_by) SELECT project_id, experiment_id, %L, %L FROM mreg.run WHERE id = %s',
                        '{}', 'someone_else', :run_a), '42501', NULL, 'contributor: a run with a forged created_by is permission denied');
SELECT throws_ok(format('INSERT INTO mreg.evaluation (project_id, model_version_id, metric, value, evaluator) VALUES (1, %s, %L, 1, %L)',
                        :va, 'accuracy', 'someone_else'), '42501', NULL, 'contributor: an evaluation with a forged evaluator is permission denied');
SELECT throws_ok($$INSERT INTO mreg.row_history (project_id, table_name, row_id, operation, old_row) VALUES (1, 'model', 1, 'UPDATE', '{}')$$,
                 '42501', NULL, 'contributor: a forged row_history row is permission denied');
SELECT throws_ok($$INSERT INTO mreg.access_grant (project_id, grantee, privilege) SELECT id, 'ga44_evil', 'admin' FROM mreg.project WHERE name = 'ga_a'$$,
                 '42501', NULL, 'contributor: granting itself admin by INSERT is permission denied');
SELECT throws_ok($$SELECT mreg.grant_access('ga_a', 'ga44_evil', 'admin')$$, '42501', NULL,
                 'contributor: granting itself admin through the API is permission denied');
SELECT mreg.log_run('ga_a', 'exp', '{}') AS evil_run \gset
SELECT mreg.log_evaluation(:va, 'accuracy', 0.5) AS evil_eval \gset
RESET ROLE;
SELECT is((SELECT created_by FROM mreg.run WHERE id = :evil_run), 'ga44_evil'::name, 'a run records its real author, not the API''s owner');
SELECT is((SELECT evaluator FROM mreg.evaluation WHERE id = :evil_eval), 'ga44_evil'::name, 'an evaluation records its real evaluator');
SELECT is((SELECT session_user_name::text || '/' || current_user_name FROM mreg.audit_log WHERE action = 'grant_access' ORDER BY id DESC LIMIT 1),
          session_user::text || '/' || current_user, 'the audit log names the session and calling user');

-- superusers too: append-only lineage has a back door through a custom setting anybody may set
SELECT throws_ok($$SET LOCAL mreg_internal.dropping_draft = on; DELETE FROM mreg.lineage_edge WHERE src = 'ga_a/code:x'$$, '55000', NULL,
                 'superuser: setting mreg_internal.dropping_draft does not make lineage edges deletable');
RESET mreg_internal.dropping_draft;

-- ---------------------------------------------------------------- reading another project
SET ROLE ga44_evil;
-- each read function on a hidden entity behaves exactly like on an absent one
SELECT throws_ok($$SELECT * FROM mreg.impact('ga_b/model:secret@1.0.0')$$, '23503', 'project ''ga_b'' does not exist', 'impact: hidden project');
SELECT throws_ok($$SELECT * FROM mreg.impact('ga_b/dataset:ds@1')$$, '23503', 'project ''ga_b'' does not exist', 'impact: hidden dataset');
SELECT throws_ok($$SELECT * FROM mreg.impact('model:secret')$$, '23503', 'model ''model:secret'' is not registered', 'impact: unprefixed name only in a hidden project');
SELECT is(mreg.provenance(:vb), NULL, 'provenance of a hidden version: NULL, as for an absent id');
SELECT is(mreg.provenance(:no_version), NULL, 'provenance of an absent id: NULL');
SELECT throws_ok($$SELECT * FROM mreg.history('ga_b/model:secret')$$, '23503', 'project ''ga_b'' does not exist', 'history: hidden');
SELECT is(mreg.reproducibility(:vb), NULL, 'reproducibility of a hidden version: NULL');
SELECT is(mreg.reproducibility(:vb), mreg.reproducibility(:no_version), 'reproducibility: hidden = absent');
SELECT throws_ok($$SELECT mreg.live_upstream('ga_b/model:secret@1.0.0')$$, '23503', 'project ''ga_b'' does not exist',
                 'live_upstream: a hidden project is absent');
SELECT throws_ok($$SELECT mreg.live_upstream('model:secret@1.0.0')$$, '23503', 'model version ''model:secret@1.0.0'' is not registered',
                 'live_upstream: a version only in a hidden project is not registered');
SELECT is((SELECT mreg.upstream(mreg.lineage_agg(src, dst), 'ga_b/model:secret@1.0.0')::text FROM mreg.lineage_edge), '',
          'upstream over the visible edges: nothing of the hidden project');
SELECT is((SELECT mreg.downstream(mreg.lineage_agg(src, dst), 'ga_b/dataset:ds@1')::text FROM mreg.lineage_edge), '',
          'downstream over the visible edges: nothing of the hidden project');
SELECT is(mreg.version_id('ga_b', 'secret', '1.0.0'::mreg.semver), NULL, 'version_id: hidden version by number is NULL');
SELECT is(mreg.version_id('ga_b', 'secret', 'champion'), NULL, 'version_id: hidden version by alias is NULL');
SELECT throws_ok($$SELECT * FROM mreg.resolve_node('ga_b/model:secret')$$, '23503', 'project ''ga_b'' does not exist', 'resolve_node: hidden project prefix');
SELECT throws_ok($$SELECT * FROM mreg.resolve_node('model:secret', 'ga_b')$$, '23503', 'project ''ga_b'' does not exist', 'resolve_node: hidden project argument');
SELECT throws_ok($$SELECT * FROM mreg.resolve_node('run:$$ || :run_b || $$')$$, '23503', format('run %s is not registered', :run_b),
                 'resolve_node: a hidden run id is "not registered"');
SELECT is((SELECT count(*) FROM mreg.model_version_overview WHERE project = 'ga_b'), 0::bigint, 'model_version_overview: nothing of the hidden project');
SELECT is((SELECT count(*) FROM mreg.latest_evaluation WHERE project = 'ga_b'), 0::bigint, 'latest_evaluation: nothing');
SELECT is((SELECT count(*) FROM mreg.model_overview WHERE project = 'ga_b'), 0::bigint, 'model_overview: nothing');
SELECT is((SELECT count(*) FROM mreg.alias_history WHERE project = 'ga_b'), 0::bigint, 'alias_history: nothing');
SELECT is((SELECT count(*) FROM mreg.annotation WHERE note = 'hidden note'), 0::bigint, 'annotations: nothing');
SELECT is((SELECT count(*) FROM mreg.model_version_overview WHERE aliases::text LIKE '%secret%' OR model = 'secret'), 0::bigint,
          'nothing names the hidden model');

-- guessing ids: a hidden version id fails like an absent one
SELECT throws_ok(format('SELECT mreg.log_evaluation(%s, %L, 0.1)', :vb, 'accuracy'), '23503', format('model version %s is not registered', :vb),
                 'log_evaluation on a hidden version id: "not registered"');
SELECT throws_ok(format('SELECT mreg.log_evaluation(%s, %L, 0.1)', :no_version, 'accuracy'), '23503', format('model version %s is not registered', :no_version),
                 'the same words as an id that does not exist');
SELECT throws_ok(format('SELECT mreg.register_model_version(%L, %L, %L, %s, status => %L)', 'ga_a', 'm', '9.0.0', :run_b, 'draft'), '23503',
                 format('run %s is not registered in project ''ga_a''', :run_b), 'a hidden run id as a version''s run: "not registered"');
SELECT throws_ok(format('SELECT mreg.log_run(%L, %L, %L, %L, ARRAY[%L])', 'ga_a', 'exp', '{}', '{}', 'ga_b/dataset:ds@1'), '23503',
                 'project ''ga_b'' does not exist', 'a hidden dataset in log_run: the project does not exist');
-- probing through ambiguity: model:shared exists in ga_a (visible) and ga_b (hidden)
SELECT is((SELECT canonical FROM mreg.resolve_node('model:shared@1.0.0')), 'ga_a/model:shared@1.0.0',
          'an unprefixed node in a hidden and a visible project resolves to the visible one');
SELECT lives_ok($$SELECT mreg.annotate('model:shared', 'ok')$$, 'annotate: no 42P08 naming the hidden project');
SELECT is((SELECT count(*) FROM mreg.impact('model:shared')), 0::bigint, 'impact of the shared name: only visible versions (none use it)');
-- a name only in a hidden project: the very error of an absent one
CREATE TEMP TABLE ga_err (probe text, msg text, detail text);
GRANT ALL ON ga_err TO PUBLIC;
DO $$
DECLARE
    probe text;
    m text;
    d text;
BEGIN
    FOREACH probe IN ARRAY ARRAY['model:secret', 'model:nosuchmodel', 'model:secret@1.0.0', 'model:nosuchmodel@1.0.0',
                                 'model:secret@champion', 'model:nosuchmodel@champion'] LOOP
        BEGIN
            PERFORM mreg.annotate(probe, 'x');
            INSERT INTO ga_err VALUES (probe, 'no error', NULL);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
            INSERT INTO ga_err VALUES (probe, SQLSTATE || ' ' || replace(m, 'nosuchmodel', 'secret'), replace(d, 'nosuchmodel', 'secret'));
        END;
    END LOOP;
END
$$;
SELECT is((SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:secret'),
          (SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:nosuchmodel'), 'a hidden model name: same error and detail as an absent one');
SELECT is((SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:secret@1.0.0'),
          (SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:nosuchmodel@1.0.0'), 'a hidden version: same error as an absent one');
SELECT is((SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:secret@champion'),
          (SELECT msg || ' / ' || detail FROM ga_err WHERE probe = 'model:nosuchmodel@champion'), 'a hidden alias: same error as an absent one');
SELECT is((SELECT left(msg, 5) FROM ga_err WHERE probe = 'model:secret'), '23503', 'and that error is 23503 "not registered"');
-- uniqueness does not leak either: a name taken in a hidden project is free here
SELECT lives_ok($$SELECT mreg.register_model('ga_a', 'secret')$$, 'a model name used in a hidden project is free in mine (no 23505)');
RESET ROLE;

-- ---------------------------------------------------------------- search_path hijack of SECURITY DEFINER bodies
CREATE TABLE public.ga_hijacked (what text);
GRANT INSERT ON public.ga_hijacked TO PUBLIC;
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.ga_hijacked VALUES ('format as ' || current_user); RETURN pg_catalog.format($1, $2); END $$;
CREATE FUNCTION public.btrim(text) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.ga_hijacked VALUES ('btrim as ' || current_user); RETURN pg_catalog.btrim($1); END $$;
CREATE FUNCTION public.quote_literal(text) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.ga_hijacked VALUES ('quote_literal as ' || current_user); RETURN pg_catalog.quote_literal($1); END $$;
CREATE FUNCTION public.ga_texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.ga_hijacked VALUES ('= as ' || current_user); RETURN pg_catalog.texteq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.ga_texteq);
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;
SET ROLE ga44_evil;
SET search_path = public, pg_catalog, mreg;
SELECT lives_ok($$SELECT mreg.log_run('ga_a', 'hijack', '{}')$$, 'log_run with a hostile search_path');
SELECT lives_ok($$SELECT mreg.register_model_version('ga_a', 'm', '7.0.0', status => 'draft', metadata => '{"owner": "x"}')$$,
                'register_model_version with a hostile search_path');
SELECT lives_ok($$SELECT mreg.set_tag('ga_a/model:m', 'k', 'v')$$, 'set_tag with a hostile search_path');
SELECT throws_ok($$SELECT mreg.log_run('ga_b', 'hijack', '{}')$$, '23503', NULL, 'an error path with a hostile search_path');
RESET search_path;
SET LOCAL search_path = public, mreg;
RESET ROLE;
SELECT is((SELECT string_agg(what, ', ') FROM public.ga_hijacked WHERE what NOT LIKE '%ga44_evil'), NULL,
          'no SECURITY DEFINER body called a function or operator of schema public (none ran as the owner)');
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.format(text, text), public.btrim(text), public.quote_literal(text), public.ga_texteq(text, text);

-- ---------------------------------------------------------------- grants that end
SELECT mreg.grant_access('ga_a', 'ga44_temp', 'contribute', clock_timestamp() + interval '1 second') AS temp_grant \gset
SET ROLE ga44_temp;
SELECT lives_ok($$SELECT mreg.log_run('ga_a', 'exp', '{}')$$, 'a grant valid for a second works');
RESET ROLE;
SELECT pg_sleep(greatest(0, extract(epoch FROM (SELECT valid_until FROM mreg.access_grant WHERE id = :temp_grant) - clock_timestamp())) + 0.05);
SET ROLE ga44_temp;
SELECT throws_ok($$SELECT mreg.log_run('ga_a', 'exp', '{}')$$, '23503', 'project ''ga_a'' does not exist',
                 'a moment after it expired the project is gone (no job ran)');
SELECT is((SELECT count(*) FROM mreg.run WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'ga_a')), 0::bigint,
          'and its rows are invisible');
RESET ROLE;
SELECT mreg.grant_access('ga_a', 'ga44_temp', 'contribute');
SET ROLE ga44_temp;
SELECT lives_ok($$SELECT mreg.log_run('ga_a', 'exp', '{}')$$, 'a new grant works');
RESET ROLE;
SELECT mreg.revoke_access('ga_a', 'ga44_temp', 'contribute');
SET ROLE ga44_temp;
SELECT throws_ok($$SELECT mreg.log_run('ga_a', 'exp', '{}')$$, '23503', NULL, 'a revoked grant stops at once');
RESET ROLE;

-- ---------------------------------------------------------------- reviews of projects one may not read
-- Bodies that take an id look the row up as the owner: a row of a project the
-- caller may not read must look like one that does not exist, not reach
-- authorize (whose 42501 names the project).
SELECT mreg.request_review(:vb, 'publish') AS review_b \gset
SET ROLE ga44_evil;
SELECT throws_ok(format('SELECT mreg.request_review(%s, %L)', :vb, 'publish'), '23503', format('model version %s is not registered', :vb),
                 'contributor: requesting a review of a hidden project''s version is 23503, as for a version that does not exist');
SELECT throws_ok(format('SELECT mreg.request_review(%s, %L)', :no_version, 'publish'), '23503', format('model version %s is not registered', :no_version),
                 'contributor: (the same error as for a version that does not exist)');
RESET ROLE;
SET ROLE ga44_appr;
SELECT throws_ok(format('SELECT mreg.approve(%s)', :review_b), '23503', format('review %s does not exist', :review_b),
                 'approver: approving a review of a hidden project is 23503, as for a review that does not exist');
SELECT throws_ok(format('SELECT mreg.reject(%s, %L)', :review_b, 'no'), '23503', format('review %s does not exist', :review_b),
                 'approver: rejecting it too');
SELECT throws_ok(format('SELECT mreg.approve(%s)', :review_b + 1000000), '23503', format('review %s does not exist', :review_b + 1000000),
                 'approver: (the same error as for a review that does not exist)');
RESET ROLE;
SELECT is((SELECT state FROM mreg.review WHERE id = :review_b), 'open', 'the hidden review is still open');

-- ---------------------------------------------------------------- statistics, sequences, inline bytes
ANALYZE mreg.model_version, mreg.model, mreg.project, mreg.artifact, mreg.run;
SET ROLE ga44_reader;
SELECT is((SELECT count(*) FROM pg_stats WHERE schemaname = 'mreg'), 0::bigint, 'pg_stats shows a reader no statistics of registry tables');
SELECT is((SELECT count(*) FROM pg_stats_ext WHERE schemaname = 'mreg'), 0::bigint, 'nor extended statistics');
SELECT throws_ok('SELECT count(*) FROM pg_statistic', '42501', NULL, 'pg_statistic itself is permission denied');
SELECT throws_ok($$SELECT currval('mreg.model_version_id_seq')$$, '42501', NULL, 'currval of an identity sequence: permission denied');
SELECT throws_ok('SELECT last_value FROM mreg.model_version_id_seq', '42501', NULL, 'last_value of an identity sequence: permission denied');
SELECT throws_ok($$SELECT nextval('mreg.run_id_seq')$$, '42501', NULL, 'nextval: permission denied');
SELECT is((SELECT count(last_value) FROM pg_sequences WHERE schemaname = 'mreg'), 0::bigint, 'pg_sequences shows no last_value');
SELECT throws_ok('SELECT content FROM mreg.artifact', '42501', NULL, 'SELECT content of an artifact: permission denied');
SELECT throws_ok('SELECT * FROM mreg.artifact', '42501', NULL, 'SELECT * of artifacts: permission denied');
SELECT throws_ok('SELECT a FROM mreg.artifact a', '42501', NULL, 'a whole-row reference to artifacts: permission denied');
SELECT throws_ok('SELECT to_jsonb(a) FROM mreg.artifact a', '42501', NULL, 'to_jsonb of an artifact row: permission denied');
SELECT is((SELECT count(*) FROM mreg.artifact WHERE name = 'w'), 1::bigint, 'the other columns of visible artifacts are readable');
SELECT throws_ok('SELECT * FROM mreg.audit_log', '42501', NULL, 'the audit log: permission denied for a reader');
SELECT is((SELECT count(*) FROM mreg.access_grant WHERE grantee <> 'ga44_reader'), 0::bigint, 'a reader sees only its own grants');
RESET ROLE;

-- the DDL guard fires for every role's DDL in the database: a role that has
-- nothing to do with the registry (no USAGE on mreg_internal) still runs its own
CREATE ROLE ga44_otherapp LOGIN;
GRANT CREATE ON SCHEMA public TO ga44_otherapp;
SET ROLE ga44_otherapp;
SELECT lives_ok($$CREATE TABLE public.ga44_app_table (id int)$$, 'a role outside the registry runs DDL of its own');
SELECT lives_ok($$DROP TABLE public.ga44_app_table$$, 'and drops its table');
SELECT throws_ok($$SELECT mreg_internal.guard_ddl()$$, '42501', NULL, 'but cannot call the guard');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
