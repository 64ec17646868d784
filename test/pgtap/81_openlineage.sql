-- OpenLineage ingest and emit (SPEC section 7, doc/openlineage.md): runs,
-- dataset versions and edges from RunEvents; replay and out-of-order events;
-- malformed events name the field; rights and visibility.  The emitted
-- events are validated against the published schema by
-- test/sh/openlineage_schema.sh (ajv).
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

SELECT mreg.create_project('ol81');
SELECT mreg.create_project('ol81_hidden', visibility => 'private');
CREATE FUNCTION pg_temp.ev(etype text, etime text, run_id text, extra jsonb DEFAULT '{}') RETURNS jsonb
    LANGUAGE sql AS $$
SELECT jsonb_build_object('eventType', etype, 'eventTime', etime, 'producer', 'https://example.com/p',
                          'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
                          'run', jsonb_build_object('runId', run_id), 'job', jsonb_build_object('namespace', 'ol81', 'name', 'train'),
                          'inputs', jsonb_build_array(jsonb_build_object('namespace', 'postgres://db:5432', 'name', 'shop.orders',
                               'facets', jsonb_build_object('version', jsonb_build_object('_producer', 'p:x', '_schemaURL', 'urn:x', 'datasetVersion', 'v1')))),
                          'outputs', jsonb_build_array(jsonb_build_object('namespace', 's3://b', 'name', 'out; "x" y'))) || extra
$$;
CREATE TEMP TABLE st AS SELECT 0 AS n;
CREATE FUNCTION pg_temp.state(rid bigint) RETURNS text LANGUAGE sql AS $$
SELECT format('%s %s %s %s', r.status, r.started_at AT TIME ZONE 'UTC', r.ended_at AT TIME ZONE 'UTC', r.params)
  || ' edges ' || (SELECT count(*) FROM mreg.lineage_edge e WHERE e.src = 'run:' || rid OR e.dst = 'run:' || rid)
  || ' inputs ' || (SELECT count(*) FROM mreg.run_dataset d WHERE d.run_id = rid)
  FROM mreg.run r WHERE r.id = rid
$$;
CREATE FUNCTION pg_temp.counts() RETURNS text LANGUAGE sql AS $$
SELECT format('%s %s %s %s %s %s', (SELECT count(*) FROM mreg.run), (SELECT count(*) FROM mreg.lineage_edge),
              (SELECT count(*) FROM mreg.dataset_version), (SELECT count(*) FROM mreg.tag),
              (SELECT count(*) FROM mreg.row_history), (SELECT count(*) FROM mreg.run_dataset))
$$;

-- in order: START then COMPLETE
SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d',
       '{"run": {"runId": "3b452093-782c-4ef2-9c0c-aafe2aa6f34d", "facets": {"mreg": {"_producer": "p:x", "_schemaURL": "urn:x", "params": {"lr": 0.1}}}}}')) AS a \gset
SELECT is(pg_temp.state(:a), 'running 2026-05-01 10:00:00  {"lr": 0.1} edges 2 inputs 1', 'START: a running run with its input and output');
SELECT is(mreg.ingest_openlineage(pg_temp.ev('COMPLETE', '2026-05-01T11:00:00+00:00', '3B452093-782C-4EF2-9C0C-AAFE2AA6F34D')), :'a'::bigint,
          'COMPLETE (runId in upper case) finds the run of its START');
SELECT is(pg_temp.state(:a), 'finished 2026-05-01 10:00:00 2026-05-01 11:00:00 {"lr": 0.1} edges 2 inputs 1', 'COMPLETE: finished, ended');
SELECT is((SELECT value FROM mreg.tag WHERE node = 'run:' || :a AND key = 'openlineage.runId'), '3b452093-782c-4ef2-9c0c-aafe2aa6f34d',
          'the OpenLineage runId is the run''s tag openlineage.runId');
SELECT is((SELECT x.name FROM mreg.run r JOIN mreg.experiment x ON x.id = r.experiment_id WHERE r.id = :a), 'train', 'experiment = job.name');
SELECT ok((SELECT count(*) = 2 FROM mreg.dataset d WHERE d.name IN ('postgres://db:5432/shop.orders') OR d.name ~ '^s3://b/out_+x_+y-[0-9a-f]{16}$'),
          'datasets: namespace/name, or made a valid name with a hash suffix');
SELECT ok(mreg.live_upstream('run:' || :a) @> 'ol81/dataset:postgres://db:5432/shop.orders@v1', 'input edge dataset version -> run');

-- replay: nothing new
UPDATE st SET n = 1;
SELECT pg_temp.counts() AS before \gset
SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d',
       '{"run": {"runId": "3b452093-782c-4ef2-9c0c-aafe2aa6f34d", "facets": {"mreg": {"_producer": "p:x", "_schemaURL": "urn:x", "params": {"lr": 0.1}}}}}'));
SELECT mreg.ingest_openlineage(pg_temp.ev('COMPLETE', '2026-05-01T11:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d'));
SELECT is(pg_temp.counts(), :'before', 'the same events again add nothing (runs, edges, snapshots, tags, history)');
SELECT is(pg_temp.state(:a), 'finished 2026-05-01 10:00:00 2026-05-01 11:00:00 {"lr": 0.1} edges 2 inputs 1', 'and change nothing');
SELECT mreg.ingest_openlineage(mreg.openlineage_event(:a), 'ol81');
SELECT is(pg_temp.counts(), :'before', 'its own emitted event adds nothing either');

-- out of order: COMPLETE before START ends in the same state
SELECT mreg.ingest_openlineage(pg_temp.ev('COMPLETE', '2026-05-01T11:00:00Z', '0176a8c2-fe01-7439-87e6-56a1a1b4029f')) AS b \gset
SELECT is(pg_temp.state(:b), 'finished  2026-05-01 11:00:00 {} edges 2 inputs 1', 'COMPLETE first: finished, start unknown');
SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '0176a8c2-fe01-7439-87e6-56a1a1b4029f',
       '{"run": {"runId": "0176a8c2-fe01-7439-87e6-56a1a1b4029f", "facets": {"mreg": {"_producer": "p:x", "_schemaURL": "urn:x", "params": {"lr": 0.1}}}}}'));
SELECT is(pg_temp.state(:b), replace(pg_temp.state(:a), 'inputs', 'inputs'), 'then START: the same state as in order');
SELECT mreg.ingest_openlineage(pg_temp.ev('FAIL', '2026-05-01T09:00:00Z', '0176a8c2-fe01-7439-87e6-56a1a1b4029f'));
SELECT is((SELECT status FROM mreg.run WHERE id = :b), 'finished', 'an older terminal event does not overwrite a newer one');

-- project from job.namespace; a model version output
SELECT mreg.register_model_version('ol81', 'm', '1.0.0');
SELECT mreg.ingest_openlineage(pg_temp.ev('COMPLETE', '2026-05-02T11:00:00Z', '9a1b7e53-5c1e-4d2a-9a57-0c1e6f1d2b3a',
       '{"outputs": [{"namespace": "mreg://ol81", "name": "model:m@1.0.0"}]}')) AS c \gset
SELECT ok(EXISTS (SELECT FROM mreg.lineage_edge WHERE src = 'run:' || :c AND dst = 'ol81/model:m@1.0.0'), 'an mreg://PROJECT model:NAME@VERSION output is the model version');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('COMPLETE', '2026-05-02T11:00:00Z', '9a1b7e53-5c1e-4d2a-9a57-0c1e6f1d2b3b',
       '{"outputs": [{"namespace": "mreg://ol81", "name": "model:m@9.9.9"}]}'))$$, '23503', NULL, 'an unregistered model version output is 23503');

-- malformed events name the field
SELECT throws_ok($$SELECT mreg.ingest_openlineage(NULL)$$, '22004', 'OpenLineage event must not be null', 'NULL');
SELECT throws_ok($$SELECT mreg.ingest_openlineage('[]')$$, '22023', NULL, 'not an object');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', 'nope'))$$, '22023',
                 'OpenLineage event: run.runId must be a UUID', 'run.runId must be a UUID');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', 'nope') - 'run')$$, '22004',
                 'OpenLineage event: run is required', 'run is required');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('DONE', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d'))$$, '22023',
                 'OpenLineage event: eventType must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER', 'eventType');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01 10:00', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d'))$$, '22023',
                 'OpenLineage event: eventTime must be an ISO 8601 date-time with a time zone', 'eventTime without a zone');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-13-45T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d'))$$, '22023',
                 'OpenLineage event: eventTime must be an ISO 8601 date-time with a time zone', 'eventTime out of range');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d') || '{"job": {"namespace": "ol81"}}')$$,
                 '22004', 'OpenLineage event: job.name is required', 'job.name is required');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d') || '{"inputs": [{"namespace": "x", "name": 3}]}')$$,
                 '22023', 'OpenLineage event: inputs.0.name must be a non-empty string', 'inputs[0].name');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d') || '{"producer": 5}')$$,
                 '22023', 'OpenLineage event: producer must be a non-empty string', 'producer');
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d'), 'ol81_nowhere')$$,
                 '23503', NULL, 'an unknown project');

-- emitted: a RunEvent of the run
SELECT is(mreg.openlineage_event(:a) ->> 'eventType', 'COMPLETE', 'emitted eventType');
SELECT is(mreg.openlineage_event(:a) #>> '{run,runId}', '3b452093-782c-4ef2-9c0c-aafe2aa6f34d', 'emitted runId is the ingested one');
SELECT is(mreg.openlineage_event(:a) #>> '{inputs,0,name}', 'shop.orders', 'emitted inputs keep their OpenLineage names');
SELECT mreg.log_run('ol81', 'native', '{"k": 1}') AS n \gset
SELECT ok(mreg.openlineage_event(:n) #>> '{run,runId}' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
          'a native run gets a stable name-based UUID');
SELECT is(mreg.openlineage_event(:n), mreg.openlineage_event(:n), 'the same event every time');
SELECT throws_ok($$SELECT mreg.openlineage_event(999999)$$, '23503', 'run 999999 is not registered', 'a missing run');

-- rights: contribute to ingest; a hidden run looks missing; audited
CREATE ROLE ol81_reader LOGIN; GRANT mreg_reader TO ol81_reader;
SELECT mreg.grant_access('ol81', 'ol81_reader', 'read');
SELECT mreg.log_run('ol81_hidden', 'x', '{}') AS h \gset
SET ROLE ol81_reader;
SELECT throws_ok($$SELECT mreg.ingest_openlineage(pg_temp.ev('START', '2026-05-01T10:00:00Z', 'aaaaaaaa-5c1e-4d2a-9a57-0c1e6f1d2b3a'))$$, '42501', NULL,
                 'a reader may not ingest');
SELECT lives_ok(format('SELECT mreg.openlineage_event(%s)', :a), 'a reader may emit a run it can read');
SELECT throws_ok(format('SELECT mreg.openlineage_event(%s)', :h), '23503', format('run %s is not registered', :h), 'a hidden run looks missing');
RESET ROLE;
SELECT ok(EXISTS (SELECT FROM mreg.audit_log WHERE action = 'ingest_openlineage'), 'ingest is audited');

SELECT * FROM finish();
ROLLBACK;
