-- Event stream (76_events.sql): the outbox rows the writes emit, the NOTIFY
-- payload (ids and kinds only), consume_events (no loss, no duplicate per
-- acknowledged batch, acknowledgement by the next call, redelivery of a
-- batch whose session ended, only readable projects), bad arguments, wrong
-- roles, retention, guards.
--
-- Not one transaction: consume_events learns a horizon only in a
-- transaction that has written nothing before it (see 76_events.sql), so
-- the calls here run in autocommit.  The roles are created and dropped by
-- the file (cluster-wide; unique names).
SET search_path = public, mreg;
SELECT no_plan();

DROP ROLE IF EXISTS ev76_reader, ev76_admin, ev76_stranger;
CREATE ROLE ev76_reader IN ROLE mreg_reader;
CREATE ROLE ev76_admin IN ROLE mreg_admin;
CREATE ROLE ev76_stranger;

SELECT mreg.create_project('ev_a');
SELECT mreg.create_project('ev_b');
SELECT mreg.grant_access('ev_a', 'ev76_reader', 'read');
SELECT mreg.grant_access('ev_a', 'ev76_admin', 'admin');
SELECT mreg.register_model('ev_a', 'secret-model-name');
SELECT mreg.register_model('ev_b', 'other');

-- ---------------------------------------------------------------- what the writes emit
CREATE TEMP TABLE mark AS SELECT coalesce(max(id), 0) AS before FROM mreg.event;
SELECT mreg.register_model_version('ev_a', 'secret-model-name', '1.0.0',
                                   artifacts => '[{"name": "weights", "uri": "s3://w"}]') AS v1 \gset
SELECT mreg.set_status('ev_a', 'secret-model-name', '1.0.0', 'staging');
SELECT mreg.set_alias('ev_a', 'secret-model-name', 'champion', '1.0.0');
SELECT mreg.remove_alias('ev_a', 'secret-model-name', 'champion');
SELECT mreg.log_evaluation(:v1, 'accuracy', 0.9);
SELECT mreg.request_review(:v1, 'promote', 'production') AS r1 \gset
SELECT mreg.register_model_version('ev_b', 'other', '1.0.0');
SELECT mreg.register_model_version('ev_a', 'secret-model-name', '0.1.0', status => 'draft') AS draft \gset

SELECT results_eq($$SELECT kind, entity FROM mreg.event WHERE id > (SELECT before FROM mark) ORDER BY id$$,
    $$VALUES ('model_version.registered', 'model_version'), ('artifact.added', 'artifact'),
             ('model_version.status', 'model_version'), ('alias.moved', 'alias_move'), ('alias.removed', 'alias_move'),
             ('evaluation.logged', 'evaluation'), ('review.opened', 'review'),
             ('model_version.registered', 'model_version'), ('model_version.registered', 'model_version')$$,
    'each write emits its event, in the writing transaction, in order');
SELECT is((SELECT detail FROM mreg.event WHERE kind = 'model_version.status' ORDER BY id DESC LIMIT 1),
          jsonb_build_object('model_id', (SELECT model_id FROM mreg.model_version WHERE id = :v1), 'from', 'registered', 'to', 'staging'),
          'a status event says from and to');
SELECT is((SELECT entity_id FROM mreg.event WHERE kind = 'evaluation.logged' ORDER BY id DESC LIMIT 1),
          (SELECT max(id) FROM mreg.evaluation), 'an evaluation event names the evaluation');
SELECT is((SELECT created_by::text FROM mreg.event ORDER BY id DESC LIMIT 1), current_user::text, 'events name the caller');
SELECT is((SELECT count(*) FROM mreg.event WHERE id > (SELECT before FROM mark)
              AND project_id <> (SELECT project_id FROM mreg.model_version WHERE id = entity_id)
              AND entity = 'model_version'), 0::bigint, 'an event belongs to its row''s project');
-- a status move that fails emits nothing (the event is in the failing transaction)
SELECT throws_ok($$SELECT mreg.set_status('ev_a', 'secret-model-name', '1.0.0', 'draft')$$, '55000', NULL, 'a refused status move');
SELECT is((SELECT count(*) FROM mreg.event WHERE kind = 'model_version.status'), 1::bigint, 'emits no event');

-- ---------------------------------------------------------------- the NOTIFY payload
SELECT is(mreg_internal.event_payload(e.id, e.kind, e.project_id, e.entity, e.entity_id)::jsonb,
          jsonb_build_object('id', e.id, 'kind', e.kind, 'project_id', e.project_id, 'entity', e.entity, 'entity_id', e.entity_id),
          'the payload is id, kind, project_id, entity and entity_id')
  FROM mreg.event e WHERE e.kind = 'alias.moved';
SELECT is((SELECT count(*) FROM mreg.event e
            WHERE mreg_internal.event_payload(e.id, e.kind, e.project_id, e.entity, e.entity_id) ~ '(secret|champion|ev_a|accuracy|weights|s3:)'),
          0::bigint, 'no payload carries a name or a value');
SELECT ok(position('pg_notify(''mreg_events'', mreg_internal.event_payload(' IN
                   (SELECT prosrc FROM pg_proc WHERE oid = 'mreg_internal.emit_event(bigint,text,text,bigint,jsonb)'::regprocedure)) > 0,
          'emit_event notifies with that payload');
SELECT is((SELECT seqcache FROM pg_sequence WHERE seqrelid = 'mreg.event_id_seq'::regclass), 1::bigint,
          'event ids are drawn one by one (no cached blocks: the horizon relies on it)');

-- ---------------------------------------------------------------- consuming: every event once, in order
CREATE TEMP TABLE got (call int, id bigint);
SELECT is((SELECT count(*) FROM mreg.consume_events('all', 3)), 3::bigint, 'a first call hands out max events');
SELECT is((SELECT to_id - from_id FROM mreg.event_batch WHERE consumer_role = current_user), 3::bigint,
          'this session holds that batch');
-- the same stream with a fresh consumer, collected call by call
INSERT INTO got SELECT 1, id FROM mreg.consume_events('walk', 4);
INSERT INTO got SELECT 2, id FROM mreg.consume_events('walk', 4);
INSERT INTO got SELECT 3, id FROM mreg.consume_events('walk', 4);
INSERT INTO got SELECT 4, id FROM mreg.consume_events('walk', 4);
SELECT results_eq($$SELECT id FROM got ORDER BY call, id$$, $$SELECT id FROM mreg.event ORDER BY id$$,
                  'consecutive calls hand out every event exactly once, in id order');
SELECT is((SELECT count(*) FROM got WHERE call = 4), 0::bigint, 'and then nothing');
SELECT is((SELECT count(*) FROM mreg.event_batch b JOIN mreg.event_consumer c ON c.id = b.consumer_id WHERE c.name = 'walk'),
          0::bigint, 'the last call acknowledged the last batch (nothing held)');
-- new events after that
SELECT mreg.log_evaluation(:v1, 'recall', 0.8);
SELECT results_eq($$SELECT kind FROM mreg.consume_events('walk', 4)$$, $$VALUES ('evaluation.logged')$$,
                  'a new event goes to the consumer on its next call');

-- ---------------------------------------------------------------- acknowledgement and redelivery
SELECT mreg.log_evaluation(:v1, 'recall', 0.81);
SELECT mreg.log_evaluation(:v1, 'recall', 0.82);
-- (INSERT, not CREATE TABLE AS: creating a table first would give the call's transaction an id)
CREATE TEMP TABLE b1 (id bigint);
INSERT INTO b1 SELECT id FROM mreg.consume_events('redo', 1000);
CREATE TEMP TABLE held AS SELECT b.id, b.from_id, b.to_id FROM mreg.event_batch b JOIN mreg.event_consumer c ON c.id = b.consumer_id
                           WHERE c.name = 'redo';
SELECT is((SELECT count(*) FROM held), 1::bigint, 'a batch is held until the next call');
-- the session that held it "ends": its backend is gone (simulated: the holder is a pid no backend has)
SET session_replication_role = replica;
UPDATE mreg.event_batch SET holder_pid = -1 WHERE id = (SELECT id FROM held);
RESET session_replication_role;
SELECT results_eq($$SELECT id FROM mreg.consume_events('redo', 1)$$, $$SELECT id FROM b1 ORDER BY id$$,
                  'a batch whose session ended is handed out again, whole (max does not cut it)');
SELECT is((SELECT deliveries FROM mreg.event_batch WHERE id = (SELECT id FROM held)), 2, 'counted as a redelivery');
SELECT is((SELECT count(*) FROM mreg.consume_events('redo', 1000)), 0::bigint, 'the next call acknowledges it: nothing more');
SELECT is((SELECT count(*) FROM mreg.event_batch WHERE id = (SELECT id FROM held)), 0::bigint, 'and the batch is gone');
-- a rolled back call never happened
SELECT mreg.log_evaluation(:v1, 'recall', 0.83);
BEGIN;
SELECT is((SELECT count(*) FROM mreg.consume_events('redo', 10)), 1::bigint, 'a call in a transaction...');
ROLLBACK;
SELECT is((SELECT count(*) FROM mreg.consume_events('redo', 10)), 1::bigint, '...that rolls back hands the same event out again');
-- a transaction that wrote before calling learns no new horizon
SELECT mreg.log_evaluation(:v1, 'recall', 0.84);
BEGIN;
CREATE TEMP TABLE wrote_first (x int);
SELECT is((SELECT count(*) FROM mreg.consume_events('redo', 10)), 0::bigint,
          'after a write in the same transaction, no new horizon: the new event waits');
COMMIT;
SELECT is((SELECT count(*) FROM mreg.consume_events('redo', 10)), 1::bigint, 'the next call on its own gets it');

-- ---------------------------------------------------------------- row-level security
CREATE TEMP TABLE r_got (LIKE mreg.event);
GRANT ALL ON r_got TO PUBLIC;
SET ROLE ev76_reader;
INSERT INTO r_got SELECT * FROM mreg.consume_events('mine', 10000);
SELECT is((SELECT count(*) FROM r_got WHERE project_id <> (SELECT id FROM mreg.project WHERE name = 'ev_a')), 0::bigint,
          'a consumer gets only events of projects its role may read');
SELECT ok((SELECT count(*) FROM r_got) > 5, 'and those it may read');
SELECT is((SELECT string_agg(DISTINCT p.name, ',') FROM mreg.event e JOIN mreg.project p ON p.id = e.project_id), 'ev_a',
          'the outbox table shows it the same project');
SELECT is((SELECT string_agg(name, ',') FROM mreg.event_consumer), 'mine', 'it sees its own consumers only');
SELECT is((SELECT count(*) FROM mreg.event_batch WHERE consumer_role <> 'ev76_reader'), 0::bigint, 'and its own batches only');
SELECT throws_ok($$UPDATE mreg.event_consumer SET next_id = 0$$, '42501', NULL, 'it cannot move its cursor by hand');
SELECT throws_ok($$INSERT INTO mreg.event (project_id, kind, entity, entity_id) VALUES (1, 'x.y', 'x', 1)$$, '42501', NULL,
                 'or write events');
SELECT throws_ok($$SELECT mreg_internal.emit_event(1, 'x.y', 'x', 1)$$, '42501', NULL, 'not even through emit_event');
SELECT throws_ok($$SELECT mreg_internal.audit_skip()$$, '42501', NULL, 'nor skip an audit row');
SELECT throws_ok($$SELECT mreg.purge_events(now())$$, '42501', NULL, 'a reader may not purge');
RESET ROLE;
SELECT mreg.register_model_version('ev_b', 'other', '2.0.0');
SET ROLE ev76_reader;
SELECT is((SELECT count(*) FROM mreg.consume_events('mine', 10000)), 0::bigint, 'an event of an unreadable project is passed over');
RESET ROLE;
SELECT mreg.grant_access('ev_b', 'ev76_reader', 'read');
SELECT mreg.register_model_version('ev_b', 'other', '3.0.0');
SET ROLE ev76_reader;
SELECT results_eq($$SELECT kind, entity_id FROM mreg.consume_events('mine', 10000)$$,
    $$SELECT 'model_version.registered', (SELECT v.id FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id
                                            WHERE m.name = 'other' AND v.version = '3.0.0')$$,
    'once readable, new events of the project come (the passed-over one does not)');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.event_consumer WHERE name = 'mine'), 1::bigint, 'the superuser sees every consumer');
SELECT is((SELECT count(*) FROM mreg.event_consumer WHERE name = 'all'), 1::bigint,
          'consumer names are per role: ev76_reader''s "mine" and the superuser''s are apart');
SET ROLE ev76_stranger;
SELECT throws_ok($$SELECT * FROM mreg.consume_events('x')$$, '42501', NULL, 'a login without mreg_reader may not consume');
RESET ROLE;

-- ---------------------------------------------------------------- bad arguments
SELECT throws_ok($$SELECT * FROM mreg.consume_events(NULL)$$, '22004', NULL, 'NULL consumer');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('')$$, '22023', NULL, 'empty consumer');
SELECT throws_ok($$SELECT * FROM mreg.consume_events(repeat('x', 100000))$$, '22023', NULL, 'huge consumer name');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('a b')$$, '22023', NULL, 'consumer name with a space');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('c', 0)$$, '22023', 'max must be between 1 and 10000, not 0', 'max 0');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('c', -5)$$, '22023', NULL, 'max negative');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('c', 10001)$$, '22023', NULL, 'max too large');
SELECT throws_ok($$SELECT * FROM mreg.consume_events('c', NULL)$$, '22004', NULL, 'max NULL');
SELECT throws_ok($$SELECT mreg.purge_events(NULL)$$, '22004', NULL, 'purge: NULL');
SELECT throws_ok($$SELECT mreg.purge_events('infinity')$$, '22023', NULL, 'purge: infinity');
SELECT throws_ok($$SELECT mreg.purge_events(now() + interval '1 day')$$, '22023', NULL, 'purge: the future');

-- ---------------------------------------------------------------- audit
SELECT count(*) FROM mreg.consume_events('idle', 10000);   -- the backlog
SELECT count(*) FROM mreg.consume_events('idle');          -- its acknowledgement
CREATE TEMP TABLE audit_mark AS SELECT count(*) AS n FROM mreg.audit_log WHERE action = 'consume_events';
SELECT count(*) FROM mreg.consume_events('idle');
SELECT count(*) FROM mreg.consume_events('idle');
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'consume_events'), (SELECT n FROM audit_mark),
          'idle polls (nothing handed out, nothing acknowledged) write no audit row');
SELECT mreg.log_evaluation(:v1, 'recall', 0.85);
SELECT count(*) FROM mreg.consume_events('idle');
SELECT count(*) FROM mreg.consume_events('idle');
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action = 'consume_events'), (SELECT n FROM audit_mark) + 2,
          'a hand-out and its acknowledgement are audited');
SELECT is((SELECT target FROM mreg.audit_log WHERE action = 'consume_events' ORDER BY id DESC LIMIT 1),
          'event_consumer:' || current_user || '/idle', 'with the consumer as target');
SELECT ok((SELECT before ? 'to_id' FROM mreg.audit_log WHERE action = 'consume_events' ORDER BY id DESC LIMIT 1),
          'and the acknowledged batch as before');

-- ---------------------------------------------------------------- guards and retention
SELECT throws_ok($$UPDATE mreg.event SET kind = 'x.y'$$, '55000', NULL, 'events are append-only (UPDATE)');
SELECT throws_ok($$DELETE FROM mreg.event$$, '55000', NULL, 'events are append-only (DELETE)');
SELECT throws_ok($$TRUNCATE mreg.event CASCADE$$, '55000', NULL, 'events are append-only (TRUNCATE)');
SELECT throws_ok($$UPDATE mreg.event_consumer SET next_id = 0$$, '42501', NULL, 'cursors move only through consume_events, even for a superuser');
SELECT throws_ok($$DELETE FROM mreg.event_batch$$, '42501', NULL, 'batches too');
SELECT throws_ok($$SELECT set_config('mreg_internal.purging_events', 'on', false); DELETE FROM mreg.event$$, '55000', NULL,
                 'the purge flag alone does not open the table (only inside the API)');
SET ROLE ev76_admin;
SELECT is(mreg.purge_events(now()), (SELECT count(*) FROM mreg.event WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'ev_a')),
          'an admin purges the events of the projects it administers');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.event WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'ev_a')), 0::bigint, 'they are gone');
SELECT ok((SELECT count(*) FROM mreg.event WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'ev_b')) > 0,
          'the other project''s stay');
SELECT mreg.log_evaluation(:v1, 'recall', 0.86);
CREATE TEMP TABLE walk_left AS SELECT id FROM mreg.event
 WHERE id > (SELECT next_id FROM mreg.event_consumer WHERE name = 'walk' AND consumer_role = current_user);
SELECT results_eq($$SELECT id FROM mreg.consume_events('walk', 100)$$, $$SELECT id FROM walk_left ORDER BY id$$,
    'consumers go on after a purge (the purged events are simply not there)');

SELECT * FROM finish();
DROP TABLE r_got;
DROP ROLE ev76_reader, ev76_admin, ev76_stranger;
