-- Deployments: environments, promote (live, canary, ramp), rollback,
-- incidents, health signals (record_health, COPY, partitions, retention),
-- drift and feedback, deployment_status verdicts (each reason alone and
-- together), and what strangers and wrong roles get.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();
-- ids of psql variables, for statements inside dollar quotes (psql does not substitute there)
CREATE FUNCTION pg_temp.id(name text) RETURNS bigint LANGUAGE sql STABLE RETURN current_setting('dp70.' || name)::bigint;

CREATE ROLE dp70_pub LOGIN;     GRANT mreg_publisher TO dp70_pub;       -- publisher on dp_a
CREATE ROLE dp70_con LOGIN;     GRANT mreg_contributor TO dp70_con;     -- contributor on dp_a
CREATE ROLE dp70_read LOGIN;    GRANT mreg_reader TO dp70_read;         -- reader on dp_a
CREATE ROLE dp70_evil LOGIN;    GRANT mreg_contributor TO dp70_evil;    -- contributor on dp_b only

SELECT mreg.create_project('dp_a');
SELECT mreg.create_project('dp_b');
SELECT mreg.grant_access('dp_a', 'dp70_pub', 'publish');
SELECT mreg.grant_access('dp_a', 'dp70_con', 'contribute');
SELECT mreg.grant_access('dp_a', 'dp70_read', 'read');
SELECT mreg.grant_access('dp_b', 'dp70_evil', 'contribute');

SELECT mreg.register_model('dp_a', 'churn', 'Churn');
SELECT mreg.register_model_version('dp_a', 'churn', '1.0.0') AS v1 \gset
SELECT set_config('dp70.v1', :'v1', false) IS NOT NULL AS set;
SELECT mreg.register_model_version('dp_a', 'churn', '1.1.0') AS v2 \gset
SELECT set_config('dp70.v2', :'v2', false) IS NOT NULL AS set;
SELECT mreg.register_model_version('dp_a', 'churn', '2.0.0', status => 'draft') AS vdraft \gset
SELECT set_config('dp70.vdraft', :'vdraft', false) IS NOT NULL AS set;
SELECT mreg.log_evaluation(:v1, 'accuracy', 0.91);
SELECT mreg.log_evaluation(:v2, 'accuracy', 0.93);
SELECT mreg.log_evaluation(:v2, 'log_loss', 0.20);

-- ---------------------------------------------------------------- environments
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'qa')$$, '22023', NULL, 'an unknown environment is 22023');
SELECT throws_like($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'qa')$$, '%', 'the error lists them');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'Bad Name')$$, '22023', NULL, 'a malformed environment name is 22023');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'qa', requires => 'nowhere')$$, '22023', NULL, 'requires must name an environment');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', NULL)$$, '22004', NULL, 'a NULL name is 22004');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'qa', health_window => '-1 hour')$$, '22023', NULL, 'a negative window is 22023');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'qa', 20)$$, '23505', 'position 20 is taken by environment staging of project dp_a',
                 'a taken position is a clear 23505');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'qa', max_error_rate => 'NaN')$$, '22023', NULL, 'a NaN threshold is 22023');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'qa', max_latency_p95_ms => 0)$$, '22023', NULL, 'a zero latency SLO is 22023');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'staging', requires => 'production')$$, '22023', NULL,
                 'requirements cannot form a cycle (production requires staging)');
SELECT lives_ok($$SELECT mreg.define_environment('dp_a', 'qa', 15)$$, 'an admin adds an environment');
SELECT is((SELECT array_agg(e.name ORDER BY e.position) FROM mreg.environment e JOIN mreg.project p ON p.id = e.project_id WHERE p.name = 'dp_a'),
          ARRAY['dev', 'qa', 'staging', 'production'], 'a project gets dev, staging, production on first use, and the new one in its position');

-- ---------------------------------------------------------------- promote
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'production')$$, '55000', NULL,
                 'production only after staging');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '2.0.0', 'staging')$$, '55000', NULL, 'a draft cannot be deployed');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', 0)$$, '22023', NULL, 'traffic 0 is 22023');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', 101)$$, '22023', NULL, 'traffic 101 is 22023');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', NULL)$$, '22023', NULL, 'traffic NULL is 22023');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '9.9.9', 'staging')$$, '23503', NULL, 'an unknown version is 23503');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', 10)$$, '55000', NULL,
                 'a canary needs a live version beside it');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', routing => '[1]')$$, '22023', NULL, 'routing must be an object');

SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging', endpoint => 'http://stg/churn') AS s1 \gset
SELECT is((SELECT array_agg(e.name ORDER BY e.position) FROM mreg.environment e JOIN mreg.project p ON p.id = e.project_id WHERE p.name = 'dp_a'),
          ARRAY['dev', 'qa', 'staging', 'production'], 'the defaults and the added one, in order');
SELECT set_config('dp70.s1', :'s1', false) IS NOT NULL AS set;
SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'production', endpoint => 'http://prod/churn', max_concurrency => 64) AS p1 \gset
SELECT set_config('dp70.p1', :'p1', false) IS NOT NULL AS set;
SELECT is((SELECT status FROM mreg.model_version WHERE id = :v1), 'production', 'live in production moves the status to production');
SELECT is(mreg.promote('dp_a', 'churn', '1.0.0', 'production'), :p1::bigint, 'promoting the live version again changes nothing');

SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'staging');
SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'production', 10, 'canary') AS c2 \gset
SELECT set_config('dp70.c2', :'c2', false) IS NOT NULL AS set;
SELECT results_eq($$SELECT state, traffic_pct FROM mreg.deployment WHERE id IN (pg_temp.id('p1'), pg_temp.id('c2')) ORDER BY id$$,
                  $$VALUES ('live'::text, 90), ('canary', 10)$$, 'a canary at 10% beside the live version at 90%');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'production', 20)$$, '22023', NULL, 'the live version cannot be its own canary');
SELECT is(mreg.promote('dp_a', 'churn', '1.1.0', 'production', 50, 'ramp'), :c2::bigint, 'promoting the canary again ramps it');
SELECT results_eq($$SELECT traffic_pct FROM mreg.deployment WHERE id IN (pg_temp.id('p1'), pg_temp.id('c2')) ORDER BY id$$, ARRAY[50, 50], 'to 50/50');
SELECT is((SELECT endpoint FROM mreg.deployment WHERE id = :p1), 'http://prod/churn', 'the live deployment keeps its endpoint');

-- rollback ends the canary
SELECT throws_ok($$SELECT mreg.rollback('dp_a', 'churn', 'production', NULL)$$, '22004', NULL, 'rollback needs a reason');
SELECT is(mreg.rollback('dp_a', 'churn', 'production', 'canary errors'), :p1::bigint, 'rollback of a canary returns the live deployment');
SELECT results_eq($$SELECT state, traffic_pct FROM mreg.deployment WHERE id IN (pg_temp.id('p1'), pg_temp.id('c2')) ORDER BY id$$,
                  $$VALUES ('live'::text, 100), ('rolled_back', 0)$$, 'the live version serves everything again');

-- full promotion, then rollback to the previous live version
SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'production', 100, 'go') AS p2 \gset
SELECT set_config('dp70.p2', :'p2', false) IS NOT NULL AS set;
SELECT results_eq($$SELECT state, endpoint, max_concurrency, rollback_to_version_id FROM mreg.deployment WHERE id IN (pg_temp.id('p1'), pg_temp.id('p2')) ORDER BY id$$,
                  $$VALUES ('ended'::text, 'http://prod/churn'::text, 64, NULL::bigint), ('live', 'http://prod/churn', 64, pg_temp.id('v1')::bigint)$$,
                  'the new live version inherits the endpoint and limit, and can roll back to the old one');
SELECT mreg.rollback('dp_a', 'churn', 'production', 'bad release') AS p3 \gset
SELECT set_config('dp70.p3', :'p3', false) IS NOT NULL AS set;
SELECT results_eq($$SELECT model_version_id, state, traffic_pct FROM mreg.deployment WHERE id IN (pg_temp.id('p2'), pg_temp.id('p3')) ORDER BY id$$,
                  $$VALUES (pg_temp.id('v2')::bigint, 'rolled_back'::text, 0), (pg_temp.id('v1'), 'live', 100)$$, 'rollback brings back 1.0.0 at 100%');
SELECT throws_ok($$SELECT mreg.rollback('dp_a', 'churn', 'production', 'again')$$, '55000', NULL,
                 'with no earlier version there is nothing to roll back');
SELECT throws_ok($$SELECT mreg.rollback('dp_a', 'churn', 'dev', 'x')$$, '55000', NULL, 'nothing is live in dev');
SELECT throws_ok($$SELECT mreg.rollback('dp_a', 'nomodel', 'dev', 'x')$$, '23503', NULL, 'an unknown model is 23503');

-- the event log tells the story, in order
SELECT results_eq($$SELECT e.kind, e.from_version_id, e.to_version_id, e.traffic_pct FROM mreg.deployment_event e
                     JOIN mreg.environment n ON n.id = e.environment_id WHERE n.name = 'production' ORDER BY e.id$$,
                  $$VALUES ('promotion'::text, NULL::bigint, pg_temp.id('v1')::bigint, 100),
                           ('canary', pg_temp.id('v1'), pg_temp.id('v2'), 10), ('canary_ramp', pg_temp.id('v1'), pg_temp.id('v2'), 50), ('rollback', pg_temp.id('v2'), pg_temp.id('v1'), 100),
                           ('superseded', pg_temp.id('v1'), pg_temp.id('v2'), 0), ('promotion', pg_temp.id('v1'), pg_temp.id('v2'), 100),
                           ('rollback', pg_temp.id('v2'), pg_temp.id('v1'), 100)$$,
                  'every promotion, ramp and rollback is a deployment event');
SELECT throws_ok($$UPDATE mreg.deployment_event SET reason = 'x'$$, '55000', NULL, 'deployment events are append-only');
SELECT throws_ok($$UPDATE mreg.deployment SET traffic_pct = 1 WHERE id = $$ || :p3, '42501', NULL,
                 'a deployment changes only through the API, even for a superuser');
SELECT throws_ok($$DELETE FROM mreg.deployment WHERE id = $$ || :p3, '42501', NULL, 'nor is it deleted');

-- each event is in the outbox too, in the same transaction (76_events.sql)
SELECT results_eq($$SELECT e.kind, e.entity_id FROM mreg.event e WHERE e.kind LIKE 'deployment.%' ORDER BY e.id DESC LIMIT 2$$,
                  $$VALUES ('deployment.rollback'::text, pg_temp.id('p3')), ('deployment.promotion', pg_temp.id('p2'))$$,
                  'deployment events reach the event outbox');

-- model_overview shows what is live from the deployments
SELECT is((SELECT live FROM mreg.model_overview WHERE model = 'churn'),
          '{"staging": ["1.1.0"], "production": ["1.0.0"]}'::jsonb, 'model_overview.live follows the deployments');

-- an environment can carry an alias along
SELECT mreg.define_environment('dp_a', 'staging', follow_alias => '@staging');
SELECT mreg.promote('dp_a', 'churn', '1.0.0', 'staging');
SELECT is(mreg.version_id('dp_a', 'churn', '@staging'), :v1::bigint, 'follow_alias moves the alias to the live version');

-- ---------------------------------------------------------------- incidents
SELECT throws_ok($$SELECT mreg.record_incident($$ || :p3 || $$, 'catastrophic', 'x')$$, '22023', NULL, 'an unknown severity is 22023');
SELECT throws_ok($$SELECT mreg.record_incident($$ || :p3 || $$, 'high', '')$$, '22004', NULL, 'an empty summary is 22004');
SELECT throws_ok($$SELECT mreg.record_incident(NULL, 'high', 'x')$$, '22004', NULL, 'a NULL deployment is 22004');
SELECT throws_ok($$SELECT mreg.record_incident(999999, 'high', 'x')$$, '23503', NULL, 'an unknown deployment is 23503');
SELECT mreg.record_incident(:p3, 'HIGH', 'timeouts') AS i1 \gset
SELECT set_config('dp70.i1', :'i1', false) IS NOT NULL AS set;
SELECT is((SELECT severity FROM mreg.incident WHERE id = :i1), 'high', 'severity is normalised');
SELECT lives_ok($$SELECT mreg.resolve_incident($$ || :i1 || $$, 'scaled up')$$, 'an incident is resolved with a note');
SELECT throws_ok($$SELECT mreg.resolve_incident($$ || :i1 || $$, 'again')$$, '55000', NULL, 'resolving twice is 55000');
SELECT results_eq($$SELECT kind, entity_id FROM mreg.event WHERE entity = 'incident' ORDER BY id$$,
                  $$VALUES ('incident.opened'::text, pg_temp.id('i1')), ('incident.resolved', pg_temp.id('i1'))$$, 'and events of the outbox');
SELECT results_eq($$SELECT kind, incident_id FROM mreg.deployment_event WHERE incident_id IS NOT NULL ORDER BY id$$,
                  $$VALUES ('incident_opened'::text, pg_temp.id('i1')::bigint), ('incident_resolved', pg_temp.id('i1'))$$, 'both are deployment events');

-- ---------------------------------------------------------------- health signals
SELECT throws_ok($$SELECT mreg.record_health($$ || :p3 || $$, NULL)$$, '22004', NULL, 'a signal needs a time');
SELECT throws_ok($$SELECT mreg.record_health($$ || :p3 || $$, now(), error_rate => 1.5)$$, '23514', NULL, 'an error rate above 1 is refused');
SELECT throws_ok($$SELECT mreg.record_health($$ || :p3 || $$, now(), latency_p95_ms => -1)$$, '23514', NULL, 'a negative latency is refused');
SELECT lives_ok($$SELECT mreg.record_health($$ || :p3 || $$, now() - interval '1 minute', 5, 100, 200, 0.001, 0.4, 300, 50)$$, 'record_health writes a signal');
SELECT ok(to_regclass('mreg_internal.' || mreg_internal.health_partition_name((now() AT TIME ZONE 'UTC')::date)) IS NOT NULL,
          'and creates the partition of its day');
SELECT ok(to_regclass('mreg_internal.' || mreg_internal.health_partition_name((now() AT TIME ZONE 'UTC')::date + 2)) IS NOT NULL,
          'and the next days'' for COPY');
SELECT is((SELECT project_id FROM mreg.health WHERE deployment_id = :p3 LIMIT 1), (SELECT id FROM mreg.project WHERE name = 'dp_a'),
          'project_id comes from the deployment');
SELECT throws_ok($$INSERT INTO mreg.health_signal (deployment_id, project_id, at) VALUES ($$ || :p3 || $$, (SELECT id FROM mreg.project WHERE name = 'dp_b'), now())$$,
                 '23514', NULL, 'a project_id that is not the deployment''s is refused');
SELECT throws_ok($$INSERT INTO mreg.health_signal (deployment_id, at) VALUES (424242, now())$$, '42501', NULL,
                 'a signal of an unknown deployment is refused');
SELECT throws_ok($$UPDATE mreg.health_signal SET rps = 0$$, '55000', NULL, 'signals are append-only');
SELECT throws_ok($$DELETE FROM mreg.health_signal$$, '55000', NULL, 'and are not deleted');

-- old signals land in the default partition until their day exists
INSERT INTO mreg.health_signal (deployment_id, at, rps) VALUES (:p3, '2020-03-01 12:00+00', 1), (:p3, '2020-03-02 12:00+00', 2);
SELECT is((SELECT count(*) FROM mreg_internal.health_signal_default), 2::bigint, 'signals of days without a partition wait in the default one');
SELECT is(mreg.create_health_partitions('2020-03-01', '2020-03-02'), 2, 'create_health_partitions makes the days');
SELECT is((SELECT count(*) FROM mreg_internal.health_signal_default), 0::bigint, 'and moves their rows there');
SELECT is((SELECT count(*) FROM mreg.health_signal WHERE at < '2021-01-01'), 2::bigint, 'nothing is lost');
SELECT throws_ok($$SELECT mreg.create_health_partitions('2020-03-02', '2020-03-01')$$, '22023', NULL, 'a reversed range is 22023');
SELECT is(mreg.drop_health_before('2020-03-02 00:00+00'), 1::bigint, 'retention drops whole days before the time');
SELECT ok(to_regclass('mreg_internal.health_signal_p20200301') IS NULL, 'the day is gone');
SELECT is((SELECT count(*) FROM mreg.health_signal WHERE at < '2021-01-01'), 1::bigint, 'the later day stays');
SELECT throws_ok($$SELECT mreg.drop_health_before(NULL)$$, '22023', NULL, 'retention needs a time');
SELECT is((SELECT sum(samples) FROM mreg.health_rollup(:p3, '1 hour')), 1::numeric, 'health_rollup counts the samples of the last day');
SELECT throws_ok($$SELECT * FROM mreg.health_rollup($$ || :p3 || $$, '0 seconds')$$, '22023', NULL, 'a zero bucket is 22023');

-- ---------------------------------------------------------------- drift and feedback
SELECT throws_ok($$SELECT mreg.log_drift($$ || :v1 || $$, 'age', 'psi', 'NaN')$$, '22023', NULL, 'a NaN drift value is 22023');
SELECT throws_ok($$SELECT mreg.log_drift($$ || :v1 || $$, '', 'psi', 0.1)$$, '22004', NULL, 'an empty feature is 22004');
SELECT throws_ok($$SELECT mreg.log_drift($$ || :v1 || $$, 'age', 'bad stat!', 0.1)$$, '22023', NULL, 'a malformed statistic is 22023');
SELECT throws_ok($$SELECT mreg.log_drift($$ || :v1 || $$, 'age', 'psi', 0.1, deployment_id => $$ || :c2 || $$)$$, '22023', NULL,
                 'a deployment of another version is 22023');
SELECT throws_ok($$SELECT mreg.log_feedback($$ || :v1 || $$, '[]')$$, '22023', NULL, 'feedback must be an object');
SELECT throws_ok($$SELECT mreg.log_feedback($$ || :v1 || $$, NULL)$$, '22004', NULL, 'feedback must not be NULL');
SELECT throws_ok($$SELECT mreg.log_feedback(999999, '{"accuracy": 1}')$$, '23503', NULL, 'feedback on an unknown version is 23503');
SELECT mreg.log_drift(:v2, 'age', 'PSI', 0.1) AS dr1 \gset
SELECT mreg.log_drift(:v2, 'age', 'custom', 5) AS dr2 \gset
SELECT results_eq(format('SELECT statistic, threshold, flagged FROM mreg.drift_observation WHERE id IN (%s, %s) ORDER BY id', :dr1, :dr2),
                  $$VALUES ('psi'::text, 0.2::float8, false), ('custom', NULL, false)$$,
                  'psi 0.1 is under the default 0.2; an unknown statistic has no default and is never flagged');

-- ---------------------------------------------------------------- deployment_status
-- a model of its own, judged reason by reason
SELECT mreg.register_model('dp_a', 'fraud');
SELECT mreg.register_model_version('dp_a', 'fraud', '1.0.0') AS f1 \gset
SELECT set_config('dp70.f1', :'f1', false) IS NOT NULL AS set;
SELECT mreg.log_evaluation(:f1, 'recall', 0.90);
SELECT mreg.log_evaluation(:f1, 'log_loss', 0.30);
SELECT mreg.define_environment('dp_a', 'dev', 10, max_latency_p95_ms => 150, max_error_rate => 0.01);
SELECT mreg.promote('dp_a', 'fraud', '1.0.0', 'dev') AS fd \gset
SELECT set_config('dp70.fd', :'fd', false) IS NOT NULL AS set;
CREATE TEMP VIEW fraud_status AS SELECT verdict, reasons FROM mreg.deployment_status WHERE id = :fd;
SELECT results_eq($$SELECT verdict, array_length(reasons, 1) FROM fraud_status$$, $$VALUES ('degraded'::text, 1)$$,
                  'with SLOs and no signal: degraded (no_health)');
SELECT alike((SELECT reasons[1] FROM fraud_status), 'no_health:%', 'the reason says no_health');
SELECT mreg.record_health(:fd, now() - interval '10 minutes', latency_p95_ms => 100, error_rate => 0.001);
SELECT results_eq($$SELECT verdict, reasons FROM fraud_status$$, $$VALUES ('ok'::text, '{}'::text[])$$, 'healthy: ok, no reasons');
SELECT mreg.record_health(:fd, now() - interval '5 minutes', latency_p95_ms => 400, error_rate => 0.001);
SELECT results_eq($$SELECT verdict, reasons[1] LIKE 'latency:%' FROM fraud_status$$, $$VALUES ('degraded'::text, true)$$, 'latency over the SLO: degraded');
SELECT is((SELECT latency_p95_ms FROM mreg.deployment_status WHERE id = :fd), 250::float8, 'latency_p95_ms is the mean over the window');
SELECT mreg.record_health(:fd, now() - interval '4 minutes', latency_p95_ms => 100, error_rate => 0.5);
SELECT is((SELECT reasons FROM fraud_status)[2] LIKE 'error_rate:%', true, 'error rate over the SLO is a reason too');
-- the window: old signals do not count
SELECT mreg.define_environment('dp_a', 'dev', health_window => '3 minutes');
SELECT alike((SELECT reasons[1] FROM fraud_status), 'no_health:%', 'signals older than the window do not count (the SLOs are kept)');
SELECT mreg.define_environment('dp_a', 'dev', health_window => '1 hour', max_latency_p95_ms => 'Infinity', max_error_rate => 'Infinity');
SELECT results_eq($$SELECT max_latency_p95_ms, max_error_rate, position FROM mreg.environment WHERE id = (SELECT environment_id FROM mreg.deployment WHERE id = pg_temp.id('fd'))$$,
                  $$VALUES (NULL::float8, NULL::float8, 10)$$, '''Infinity'' removes an SLO, the rest is kept');
SELECT results_eq($$SELECT verdict FROM fraud_status$$, $$VALUES ('ok'::text)$$, 'without SLOs: ok');
SELECT mreg.log_drift(:f1, 'amount', 'psi', 0.5);
SELECT results_eq($$SELECT verdict, reasons[1] LIKE 'drift:%' FROM fraud_status$$, $$VALUES ('degraded'::text, true)$$, 'drift over threshold: degraded');
SELECT is((SELECT drift_flags FROM mreg.deployment_status WHERE id = :fd), 1, 'drift_flags counts it');
SELECT mreg.define_environment('dp_a', 'dev', 10, max_drift_flags => 1);
SELECT results_eq($$SELECT verdict FROM fraud_status$$, $$VALUES ('ok'::text)$$, 'max_drift_flags tolerates it');
SELECT mreg.log_feedback(:f1, '{"recall": 0.88}');
SELECT results_eq($$SELECT verdict FROM fraud_status$$, $$VALUES ('ok'::text)$$, 'feedback within the tolerance: ok');
SELECT mreg.log_feedback(:f1, '{"Recall": 0.70, "log_loss": 0.31}');
SELECT results_eq($$SELECT verdict, reasons FROM fraud_status$$,
                  $$VALUES ('degraded'::text, ARRAY['feedback: recall 0.7900 in the field (2 outcomes) against 0.9 evaluated'])$$,
                  'recall worse in the field: degraded (names are metric terms, higher is better)');
SELECT mreg.log_feedback(:f1, '{"log_loss": 0.60}');
SELECT is(array_length((SELECT reasons FROM fraud_status), 1), 2, 'a higher log_loss counts against it (lower is better)');
SELECT mreg.record_incident(:fd, 'low', 'slow dashboard') AS il \gset
SELECT set_config('dp70.il', :'il', false) IS NOT NULL AS set;
SELECT results_eq($$SELECT verdict FROM fraud_status$$, $$VALUES ('degraded'::text)$$, 'a low incident: still degraded');
SELECT mreg.record_incident(:fd, 'critical', 'wrong scores') AS ic \gset
SELECT set_config('dp70.ic', :'ic', false) IS NOT NULL AS set;
SELECT results_eq($$SELECT verdict, open_incidents FROM mreg.deployment_status WHERE id = pg_temp.id('fd')$$, $$VALUES ('unsuitable'::text, 2)$$,
                  'a critical incident: unsuitable');
SELECT mreg.resolve_incident(:ic, 'fixed');
SELECT mreg.resolve_incident(:il, 'fixed');
SELECT mreg.set_status('dp_a', 'fraud', '1.0.0', 'archived');
SELECT results_eq($$SELECT verdict, reasons[1] FROM fraud_status$$, $$VALUES ('degraded'::text, 'status: the version is archived but still serves')$$,
                  'an archived version that still serves: degraded');
SELECT mreg.set_status('dp_a', 'fraud', '1.0.0', 'registered');
SELECT mreg.set_policy('dp_a', 'promote', 'dev', '{"min_metrics": {"recall": 0.95}}');
SELECT results_eq($$SELECT verdict, reasons[1] LIKE 'policy:%' FROM fraud_status$$, $$VALUES ('unsuitable'::text, true)$$,
                  'a metric below the environment''s policy: unsuitable');
SELECT is((SELECT latest_metrics FROM mreg.deployment_status WHERE id = :fd), '{"log_loss": 0.3, "recall": 0.9}'::jsonb, 'latest_metrics');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'dev')$$, '23514', NULL, 'promote is policy-checked too');

-- ---------------------------------------------------------------- roles and strangers
SET ROLE dp70_read;
SELECT is((SELECT count(*) FROM mreg.deployment_status WHERE project = 'dp_a') > 0, true, 'a reader sees the project''s deployments');
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'staging')$$, '42501', NULL, 'a reader cannot promote');
SELECT throws_ok($$SELECT mreg.record_incident($$ || :p3 || $$, 'low', 'x')$$, '42501', NULL, 'nor record incidents');
SELECT throws_ok($$SELECT count(*) FROM mreg.health_signal$$, '42501', NULL, 'nobody reads health_signal directly');
SELECT throws_ok($$SELECT count(*) FROM mreg_internal.health_signal_default$$, '42501', NULL, 'nor a partition');
SELECT ok((SELECT count(*) FROM mreg.health) > 0, 'readers read mreg.health');
RESET ROLE;
SET ROLE dp70_con;
SELECT throws_ok($$SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'staging')$$, '42501', NULL, 'a contributor cannot promote');
SELECT lives_ok($$SELECT mreg.record_health($$ || :p3 || $$, now(), rps => 1)$$, 'a contributor records health');
SELECT lives_ok($$INSERT INTO mreg.health_signal (deployment_id, at, rps) VALUES ($$ || :p3 || $$, now(), 2)$$, 'and inserts signals (COPY''s path)');
RESET ROLE;
SET ROLE dp70_pub;
SELECT lives_ok($$SELECT mreg.promote('dp_a', 'churn', '1.1.0', 'production', 5)$$, 'a publisher promotes');
SELECT throws_ok($$SELECT mreg.define_environment('dp_a', 'edge')$$, '42501', NULL, 'but does not define environments');
SELECT throws_ok($$SELECT mreg.drop_health_before(now())$$, '42501', NULL, 'nor drops health signals');
RESET ROLE;
SET ROLE dp70_evil;
SELECT is((SELECT count(*) FROM mreg.deployment), 0::bigint, 'a stranger sees no deployment');
SELECT is((SELECT count(*) FROM mreg.deployment_status), 0::bigint, 'no status');
SELECT is((SELECT count(*) FROM mreg.deployment_event), 0::bigint, 'no event');
SELECT is((SELECT count(*) FROM mreg.incident), 0::bigint, 'no incident');
SELECT is((SELECT count(*) FROM mreg.health), 0::bigint, 'no health signal');
SELECT is((SELECT count(*) FROM mreg.health_rollup(:p3, '1 hour')), 0::bigint, 'no rollup');
SELECT is((SELECT count(*) FROM mreg.environment), 0::bigint, 'no environment');
SELECT is((SELECT count(*) FROM mreg.drift_observation) + (SELECT count(*) FROM mreg.feedback), 0::bigint, 'no drift, no feedback');
SELECT throws_ok($$INSERT INTO mreg.health_signal (deployment_id, at, error_rate) VALUES ($$ || :p3 || $$, now(), 1)$$, '42501',
                 'permission denied to record health signals of deployment ' || :p3, 'a stranger cannot poison another project''s health');
SELECT throws_ok($$SELECT mreg.record_incident($$ || :p3 || $$, 'critical', 'x')$$, '23503', NULL,
                 'an incident on a hidden deployment looks like a missing one');
SELECT throws_ok($$SELECT mreg.log_drift($$ || :v1 || $$, 'age', 'psi', 9)$$, '23503', NULL, 'drift on a hidden version looks like a missing one');
SELECT throws_ok($$SELECT mreg.rollback('dp_a', 'churn', 'production', 'x')$$, '42501', NULL, 'a stranger cannot roll back');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
