-- Registry core as users found it (issue 8): names relative to projects,
-- names that round-trip through the lineage grammar, drafts, identities,
-- impact rows, aliases, open vocabularies, checked inputs, views, internals.
BEGIN;
SET search_path = "$user", public, mreg;
SET client_min_messages = warning;
SELECT no_plan();

-- ---------------------------------------------------------------- two projects that share names
SELECT mreg.create_project('fraud');
SELECT mreg.create_project('risk');
SELECT mreg.register_dataset_version('fraud', 'txns', '2024-05', 's3://fraud/txns/2024-05');
SELECT mreg.register_dataset_version('risk', 'txns', '2024-05', 's3://risk/txns/2024-05');
SELECT mreg.register_dataset_version('risk', 'bureau', '2024-05', 's3://risk/bureau/2024-05');

-- an unprefixed node in a function with a project means that project's entity
SELECT lives_ok($$SELECT mreg.log_run('risk', 'e', '{}', dataset_versions => '{txns@2024-05}')$$,
                'log_run resolves an unprefixed dataset in its own project although another project has one of that name');
SELECT is((SELECT e.src FROM mreg.lineage_edge e JOIN mreg.run r ON e.dst = 'run:' || r.id
            JOIN mreg.project p ON p.id = r.project_id WHERE p.name = 'risk'),
          'risk/dataset:txns@2024-05', 'the live edge names the risk dataset, absolutely');
CREATE TEMP TABLE ids AS
SELECT mreg.log_run('fraud', 'sp ace', '{}', dataset_versions => '{dataset:txns@2024-05, risk/dataset:bureau@2024-05}') AS run_id;
SELECT mreg.register_model_version('fraud', 'gbm', '1.0.0', (SELECT run_id FROM ids));
SELECT mreg.register_model_version('risk', 'score', '1.0.0', mreg.log_run('risk', 'e', '{}', dataset_versions => '{txns@2024-05, fraud/dataset:txns@2024-05}'));

-- a snapshot writes its own project's nodes unprefixed, others prefixed
SELECT is(mreg.provenance(mreg.version_id('fraud', 'gbm', '1.0.0'))::text,
          format('dataset:txns@2024-05 -> run:%1$s; risk/dataset:bureau@2024-05 -> run:%1$s; run:%1$s -> model:gbm@1.0.0',
                 (SELECT run_id FROM ids)),
          'provenance names its own project''s nodes relative and other projects'' absolute');
SELECT is((SELECT count(*) FROM mreg.model_version WHERE provenance @> 'dataset:txns@2024-05'), 2::bigint,
          'provenance @> ''dataset:txns@2024-05'' finds the versions trained on their own project''s txns');
SELECT is((SELECT count(*) FROM mreg.model_version WHERE provenance @> 'fraud/dataset:txns@2024-05'), 1::bigint,
          'the prefixed form finds the other project''s use');

-- impact() accepts both forms and returns rows a person can read
SELECT results_eq($$SELECT project, model, version::text, status, depth FROM mreg.impact('fraud/dataset:txns@2024-05')$$,
                  $$VALUES ('fraud', 'gbm', '1.0.0', 'registered', 2), ('risk', 'score', '1.0.0', 'registered', 2)$$,
                  'impact of a prefixed dataset version: both projects'' users, with depth');
SELECT throws_ok($$SELECT * FROM mreg.impact('dataset:txns@2024-05')$$, '42P08', NULL,
                 'an unprefixed node without a project context must be unique');
SELECT results_eq($$SELECT project, model FROM mreg.impact('dataset:bureau@2024-05')$$,
                  $$VALUES ('fraud', 'gbm')$$, 'impact of a unique unprefixed node');
SELECT results_eq($$SELECT model, depth FROM mreg.impact('fraud/dataset:txns')$$,
                  $$VALUES ('gbm', 2), ('score', 2)$$, 'impact of a dataset: any of its snapshots');
SELECT is((SELECT proargnames FROM pg_proc WHERE oid = 'mreg.impact(text)'::regprocedure),
          ARRAY['node', 'model_version_id', 'project', 'model', 'version', 'status', 'depth'], 'impact''s columns');

-- the detail of an ambiguity names the projects
SELECT throws_like($$SELECT mreg.add_lineage('dataset:txns@2024-05', 'code:x')$$, '%ambiguous%', 'ambiguity is an error');

-- an entity that does not exist is 23503, for live_upstream too
SELECT throws_ok($$SELECT mreg.live_upstream('model:does-not-exist@9.9.9')$$, '23503', NULL,
                 'live_upstream of an unregistered version is 23503');
SELECT ok(mreg.live_upstream('code:free-form') = 'code:free-form'::mreg.lineage, 'a free-form node needs no row');

-- ---------------------------------------------------------------- names round-trip through the grammar
SELECT lives_ok(format($$SELECT mreg.add_lineage('fraud/experiment:"sp ace"', 'run:%s')$$, (SELECT run_id FROM ids)),
                'an experiment with a space as a quoted node');
SELECT is((SELECT src FROM mreg.lineage_edge WHERE src LIKE '%experiment%'), 'fraud/experiment:"sp ace"',
          'the edge table keeps the quotes');
SELECT lives_ok(format($$SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', %s)$$, (SELECT run_id FROM ids)),
                'later registrations from that run still work');

-- adversarial experiment names: each becomes a node that parses back to
-- the same name, resolves to the same row, and no two print alike
CREATE TEMP TABLE names (n text PRIMARY KEY);
INSERT INTO names VALUES ('sp ace'), ('semi;colon'), ('a->b'), ('"a"'), ('a'), ('quote"inside'), ('""'),
    ('slash/ed'), ('co:lon'), ('at@sign'), ('fraud/experiment:x'), ('tab	bed'), ('ünïcødé ✓'), ('日本語'),
    (repeat('long', 50)), ('  padded  '), ('->'), (';'), ('-'), ('@'), ('x"; DROP TABLE mreg.run; --');
SELECT mreg.log_run('fraud', n, '{}') FROM names;
SELECT is((SELECT count(DISTINCT mreg_internal.node_text('fraud', 'experiment', n)) FROM names),
          (SELECT count(*) FROM names), 'distinct names give distinct nodes');
SELECT is((SELECT count(*) FROM names WHERE (mreg.parse_node(mreg_internal.node_text('fraud', 'experiment', n))).name = n),
          (SELECT count(*) FROM names), 'every node parses back to its name');
SELECT is((SELECT count(*) FROM names x
            WHERE (mreg.resolve_node(mreg_internal.node_text('fraud', 'experiment', x.n))).entity_id
                  = (SELECT e.id FROM mreg.experiment e JOIN mreg.project p ON p.id = e.project_id
                      WHERE p.name = 'fraud' AND e.name = x.n)),
          (SELECT count(*) FROM names), 'every node resolves to its own experiment');
SELECT is((SELECT count(*) FROM names WHERE mreg_internal.node_text('fraud', 'experiment', n)::mreg.lineage::text
                                             = mreg_internal.node_text('fraud', 'experiment', n)),
          (SELECT count(*) FROM names), 'every node is canonical lineage text');
SELECT isnt(mreg_internal.node_text(NULL, 'experiment', '"a"'), mreg_internal.node_text(NULL, 'experiment', 'a'),
            'an experiment named "a" does not print as the experiment a');
SELECT throws_ok($$SELECT mreg.log_run('fraud', repeat('x', 201), '{}')$$, '22023', NULL, 'experiment names have at most 200 characters');

-- ---------------------------------------------------------------- drafts
SELECT mreg.register_model_version('fraud', 'gbm', '3.0.0', status => 'draft');
SELECT lives_ok($$SELECT mreg.add_lineage('risk/dataset:bureau@2024-05', 'model:gbm@3.0.0')$$, 'an edge into a draft');
SELECT ok(mreg.provenance(mreg.version_id('fraud', 'gbm', '3.0.0')) = ''::mreg.lineage, 'a draft has no snapshot yet');
SELECT lives_ok($$SELECT mreg.set_status('fraud', 'gbm', '3.0.0', 'registered')$$, 'the draft is registered');
SELECT is(mreg.provenance(mreg.version_id('fraud', 'gbm', '3.0.0'))::text, 'risk/dataset:bureau@2024-05 -> model:gbm@3.0.0',
          'leaving draft snapshots the provenance');
SELECT ok((SELECT count(*) FROM mreg.impact('risk/dataset:bureau@2024-05') WHERE version = '3.0.0') = 1,
          'impact finds the formerly draft version');
SELECT mreg.register_model_version('fraud', 'gbm', '4.0.0', status => 'draft');
SELECT mreg.add_lineage('risk/dataset:bureau@2024-05', 'model:gbm@4.0.0');
DELETE FROM mreg.model_version WHERE version = '4.0.0'::mreg.semver;
SELECT is((SELECT count(*) FROM mreg.lineage_edge WHERE dst = 'fraud/model:gbm@4.0.0'), 0::bigint,
          'a deleted draft leaves no edges');
SELECT mreg.register_model_version('fraud', 'gbm', '4.0.0');
SELECT is(mreg.provenance(mreg.version_id('fraud', 'gbm', '4.0.0'))::text, 'model:gbm@4.0.0',
          'a version registered later under that number does not inherit them');
SELECT throws_ok($$DELETE FROM mreg.lineage_edge$$, '55000', NULL, 'edges stay append-only otherwise');
SELECT throws_ok($$UPDATE mreg.model_version SET version = '3.0.1' WHERE version = '3.0.0'::mreg.semver$$, '55000', NULL,
                 'a version is never renumbered');

-- ---------------------------------------------------------------- names of referenced entities are identities
SELECT throws_ok($$UPDATE mreg.dataset SET name = 'txns_old' WHERE name = 'txns' AND project_id = mreg_internal.project_id('fraud')$$,
                 '55000', NULL, 'a dataset with snapshots cannot be renamed');
SELECT throws_ok($$UPDATE mreg.model SET name = 'gbm2' WHERE name = 'gbm'$$, '55000', NULL, 'a model with versions cannot be renamed');
SELECT throws_ok($$UPDATE mreg.experiment SET name = 'space' WHERE name = 'sp ace'$$, '55000', NULL,
                 'an experiment with runs cannot be renamed');
SELECT throws_ok($$DELETE FROM mreg.dataset WHERE name = 'bureau'$$, '55000', NULL, 'a referenced dataset cannot be deleted');
SELECT mreg.register_model('fraud', 'unused');
SELECT lives_ok($$UPDATE mreg.model SET name = 'unused2' WHERE name = 'unused'$$, 'an unreferenced model may be renamed');

-- ---------------------------------------------------------------- aliases: one spelling everywhere
SELECT mreg.set_alias('fraud', 'gbm', '@champion', '1.0.0', 'first');
SELECT is(mreg.version_id('fraud', 'gbm', '@champion'), mreg.version_id('fraud', 'gbm', '1.0.0'), 'version_id by @alias');
SELECT is(mreg.version_id('fraud', 'gbm', 'champion'), mreg.version_id('fraud', 'gbm', '1.0.0'), 'version_id by alias without @');
SELECT is(mreg.version_id('fraud', 'gbm', '1.1.0'), mreg.version_id('fraud', 'gbm', '1.1.0'::mreg.semver), 'version_id by number as text');
SELECT is(mreg.version_id('fraud', 'gbm', '@nobody'), NULL, 'an absent alias is NULL');
SELECT throws_ok($$SELECT mreg.version_id('fraud', 'gbm', '1.x')$$, '22P02', NULL, 'a malformed ref is an error');
SELECT is((mreg.resolve_node('model:gbm@champion', 'fraud')).canonical, 'fraud/model:gbm@1.0.0', 'model:NAME@ALIAS resolves');
SELECT is((SELECT count(*) FROM mreg.model_version_overview WHERE '@champion' = ANY (aliases)), 1::bigint,
          'the overview spells aliases as the README does');
SELECT is((SELECT alias FROM mreg.alias_history ORDER BY id DESC LIMIT 1), '@champion', 'so does alias_history');
SELECT throws_ok($$SELECT mreg.add_lineage('model:gbm@nobody', 'code:y')$$, '23503', NULL, 'an unknown alias in a node is 23503');
-- two moves in one transaction are ordered
SELECT mreg.set_alias('fraud', 'gbm', '@champion', '1.1.0', 'second');
SELECT mreg.set_alias('fraud', 'gbm', '@champion', '3.0.0', 'third');
SELECT ok((SELECT bool_and(a.moved_at < b.moved_at) FROM mreg.alias_history a JOIN mreg.alias_history b ON b.id = a.id + 1
            WHERE a.alias = '@champion' AND b.alias = '@champion'),
          'alias moves within one transaction get increasing times');

-- ---------------------------------------------------------------- vocabularies guide by default
SELECT lives_ok($$SELECT mreg.register_model('fraud', 'tele', domain => 'telecom', task => 'speech-recognition',
                                             framework => 'spacy', license => 'agpl-3.0')$$, 'a real team''s first terms are seeded');
SELECT lives_ok($$SELECT mreg.register_model('fraud', 'tele', domain => 'Public Sector')$$, 'case and spaces normalise');
SELECT is((SELECT domain FROM mreg.model WHERE name = 'tele'), 'public-sector', 'to the seeded term');
SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'Recall', 0.90);
SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall', 0.91);
SELECT is((SELECT count(DISTINCT metric) FROM mreg.evaluation), 1::bigint, 'Recall and recall are one metric');
SELECT is((SELECT value FROM mreg.latest_evaluation WHERE metric = 'recall'), 0.91::float8, 'latest_evaluation shows the latest value');
SET LOCAL client_min_messages = notice;
SELECT lives_ok($$SELECT mreg.log_evaluation(mreg.version_id('fraud', 'gbm', '1.0.0'), 'recall@10', 0.5)$$,
                'a new metric with @ is recorded as a term');
SET LOCAL client_min_messages = warning;

-- ---------------------------------------------------------------- every input checked
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '5.0.0', artifacts => '[{"uri": ["x"]}]')$$, '22023',
                 'artifact 1: uri must be a string, not array', 'an artifact uri must be a string');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '5.0.0', artifacts => '[{"uri": "x", "size_bytes": 1e30}]')$$,
                 '22023', NULL, 'size_bytes beyond bigint is a clear 22023');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '5.0.0', artifacts => '[{"uri": "x", "colour": "red"}]')$$,
                 '22023', NULL, 'an unknown artifact field');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '5.0.0', artifacts => '[{"uri": "x", "encrypted": "yes"}]')$$,
                 '22023', NULL, 'encrypted must be a boolean');
SELECT throws_ok($$SELECT mreg.register_model_version('fraud', 'gbm', '5.0.0', artifacts => '[{"name": "w", "uri": "a"}, {"name": "w", "uri": "b"}]')$$,
                 '23505', 'two artifacts of one version share a name: ''w''', 'artifact names repeat');
SELECT is(mreg.version_id('fraud', 'gbm', '5.0.0'), NULL, 'a refused registration leaves no version');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'txns', '2024-06', 's3://x', schema => '[]')$$, '22023', NULL,
                 'a dataset schema must be an object');
SELECT throws_ok($$SELECT mreg.log_evaluation(1, 'recall', 0.5, evaluated_at => 'infinity')$$, '22023', NULL,
                 'evaluated_at must be finite');
SELECT throws_ok($$SELECT mreg.log_run('fraud', 'e', '{}', started_at => '-infinity')$$, '22023', NULL, 'started_at must be finite');
SELECT throws_ok($$SELECT mreg.set_tag('model:gbm', 'k', repeat('x', 1000000))$$, '22001', NULL,
                 'a 1 MB tag value is refused before it reaches an index');
SELECT throws_ok($$SELECT mreg.register_dataset_version('fraud', 'a->b', '1', 's3://x')$$, '22023', NULL, 'no -> in dataset names');
CREATE FUNCTION pg_temp.msg_len(sql text) RETURNS int LANGUAGE plpgsql AS $f$
DECLARE m text; d text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
    RETURN length(m) + coalesce(length(d), 0);
END
$f$;
SELECT cmp_ok(pg_temp.msg_len($$SELECT mreg.create_project(repeat('x', 1000000))$$), '<', 400, 'a 1 MB project name is not echoed whole');
SELECT cmp_ok(pg_temp.msg_len($$SELECT mreg.register_model('fraud', repeat('x', 1000000))$$), '<', 400, 'nor a 1 MB model name');
SELECT cmp_ok(pg_temp.msg_len($$SELECT mreg.log_run('fraud', repeat('x', 1000000), '{}')$$), '<', 400, 'nor a 1 MB experiment name');
SELECT cmp_ok(pg_temp.msg_len($$SELECT mreg.resolve_node('dataset:' || repeat('x', 1000000))$$), '<', 400, 'nor a 1 MB node');
SELECT cmp_ok(pg_temp.msg_len($$SELECT mreg.set_alias('fraud', 'gbm', repeat('x', 1000000), '1.0.0')$$), '<', 400, 'nor a 1 MB alias');

-- ---------------------------------------------------------------- views an ORM can map
SELECT columns_are('mreg', 'model_overview', ARRAY['id', 'project', 'model', 'description', 'domain', 'task', 'framework',
       'license', 'owner', 'team', 'constraints', 'latest_version', 'latest_version_id', 'latest_status', 'versions',
       'aliases', 'live', 'created_at', 'project_id'], 'model_overview columns');
SELECT is((SELECT aliases FROM mreg.model_overview WHERE model = 'gbm'), '{"@champion": "3.0.0"}'::jsonb, 'model_overview aliases');
SELECT is((SELECT latest_version::text FROM mreg.model_overview WHERE model = 'gbm'), '4.0.0', 'model_overview latest version');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_views v WHERE v.schemaname = 'mreg'
                         AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = format('mreg.%I', v.viewname)::regclass
                                            AND a.attname = 'id' AND a.attnum = 1)),
          'every view''s first column is its key, id');

-- ---------------------------------------------------------------- internals out of the user's way
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'mreg'::regnamespace AND proname LIKE '\_%'), 0::bigint,
          'no _helper functions in schema mreg');
SELECT ok((SELECT count(*) FROM pg_proc WHERE pronamespace = 'mreg_internal'::regnamespace) > 10, 'helpers live in mreg_internal');
SELECT ok(NOT has_schema_privilege('public', 'mreg_internal', 'USAGE'), 'PUBLIC gets nothing on mreg_internal');

SELECT * FROM finish();
ROLLBACK;
