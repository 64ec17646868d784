-- mreg.registry_health() (88_registry_health.sql): every area reports, the
-- numbers follow the registry, row-level security bounds the registry's
-- rows a reader counts, pg_stat_statements absent or not loaded says so.
-- (test/sh/registry_health_pgss.sh runs a cluster with it loaded.)
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE rh88_reader LOGIN;  GRANT mreg_reader TO rh88_reader;
CREATE ROLE rh88_auditor LOGIN; GRANT mreg_auditor TO rh88_auditor;

SELECT mreg.create_project('rh_a');
SELECT mreg.create_project('rh_b');
SELECT mreg.grant_access('rh_a', 'rh88_reader', 'read');
SELECT mreg.register_model_version('rh_a', 'm', ('1.0.' || i)::mreg.semver) FROM generate_series(0, 2) i;
SELECT mreg.register_model_version('rh_b', 'm', '1.0.0');
SELECT mreg.promote('rh_a', 'm', '1.0.0', 'dev') AS dep \gset
SELECT mreg.record_health(:dep, now(), rps => 1);

CREATE TEMP TABLE h AS SELECT * FROM mreg.registry_health();
CREATE FUNCTION pg_temp.h(a text, m text, s text DEFAULT NULL) RETURNS float8
    LANGUAGE sql STABLE RETURN (SELECT h.value FROM h WHERE h.area = a AND h.metric = m AND h.subject IS NOT DISTINCT FROM s);

SELECT is((SELECT string_agg(DISTINCT area, ',' ORDER BY area) FROM h), 'api,audit,errors,events,health,search,storage',
          'every area reports');
SELECT is((SELECT count(*) FROM h WHERE area IS NULL OR metric IS NULL OR unit IS NULL OR detail IS NULL), 0::bigint,
          'every row has an area, a metric, a unit and a detail');

-- api: pg_stat_statements is not loaded in the test cluster
SELECT is((SELECT value || ' ' || detail FROM h WHERE area = 'api'),
          '0 pg_stat_statements not installed: add it to shared_preload_libraries, restart, and CREATE EXTENSION pg_stat_statements in this database',
          'without pg_stat_statements: one row that says so');
SAVEPOINT pgss;
CREATE EXTENSION pg_stat_statements;
SELECT is((SELECT value || ' ' || detail FROM mreg.registry_health() WHERE area = 'api'),
          '0 pg_stat_statements installed but not loaded: add it to shared_preload_libraries and restart the server',
          'created but not preloaded: says so, no error');
ROLLBACK TO SAVEPOINT pgss;
SELECT is(ARRAY(SELECT mreg_internal.called_functions(
              $$SELECT count(*) FROM mreg.search($1), max(x), register_model($2, lower($3)), other.impact($4), "mreg".semver_cmp(a, b), count(mreg.satisfies(v, $5))$$)),
          ARRAY['register_model', 'satisfies', 'search'],
          'statements are attributed to the mreg functions they call (qualified, or unqualified unless pg_catalog has the name)');

-- errors
SELECT ok(pg_temp.h('errors', 'rollback_ratio', current_database()) BETWEEN 0 AND 1, 'the rollback ratio is a ratio');
SELECT ok(pg_temp.h('errors', 'commits', current_database()) >= 0, 'commits are counted');

-- storage: every table of the registry, health signals over their partitions
SELECT is((SELECT count(*) FROM h WHERE area = 'storage' AND metric = 'total_bytes'),
          (SELECT count(*) FROM pg_class c WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace)
              AND c.relkind IN ('r', 'p') AND NOT c.relispartition),
          'storage: a size for every table of mreg and mreg_internal (partitions within their table)');
SELECT is(pg_temp.h('storage', 'total_bytes', 'mreg.model_version'), pg_total_relation_size('mreg.model_version')::float8,
          'the size of a table is pg_total_relation_size');
SELECT is(pg_temp.h('storage', 'total_bytes', 'mreg.health_signal'),
          (SELECT sum(pg_total_relation_size(relid))::float8 FROM pg_partition_tree('mreg.health_signal')),
          'health signals: the sum over their partitions');
SELECT ok(pg_temp.h('storage', 'index_bytes', 'mreg.model_version') > 0, 'index sizes too');
SELECT ok(pg_temp.h('storage', 'database_bytes', current_database()) > pg_temp.h('storage', 'total_bytes', 'mreg.model_version'),
          'and the database''s');

-- events: the outbox and a consumer's backlog (in this transaction no
-- horizon settles, so nothing is handed out: everything is backlog)
SELECT is(pg_temp.h('events', 'consumers'), 0::float8, 'no consumer yet');
SELECT count(*) FROM mreg.consume_events('rh-dash');
SELECT is(pg_temp.h('events', 'outbox_events'), (SELECT count(*) FROM mreg.event)::float8, 'the outbox size');
CREATE TEMP TABLE h2 AS SELECT * FROM mreg.registry_health() WHERE area = 'events';
SELECT is((SELECT value FROM h2 WHERE metric = 'consumers'), 1::float8, 'one consumer');
SELECT is((SELECT value FROM h2 WHERE metric = 'backlog' AND subject = current_user || '/rh-dash'),
          (SELECT count(*) FROM mreg.event e WHERE e.id > (SELECT c.next_id FROM mreg.event_consumer c WHERE c.name = 'rh-dash'))::float8,
          'its backlog: the events after its cursor');
SELECT ok((SELECT value FROM h2 WHERE metric = 'oldest_unconsumed_age_s' AND subject = current_user || '/rh-dash') >= 0,
          'and the age of the oldest of them');
SELECT is((SELECT value FROM h2 WHERE metric = 'batches_held'), 0::float8, 'no batch held');

-- audit: never recorded, then recorded by an auditor
SELECT is((SELECT coalesce(value::text, 'NULL') || ' ' || detail FROM h WHERE area = 'audit' AND metric = 'last_verification_age_s'),
          'NULL never recorded: an auditor runs SELECT * FROM mreg.record_audit_verification() (or mreg.validate()) regularly',
          'no verification recorded yet: says so');
SET LOCAL ROLE rh88_auditor;
SELECT * FROM mreg.record_audit_verification();
RESET ROLE;
CREATE TEMP TABLE h3 AS SELECT * FROM mreg.registry_health() WHERE area = 'audit';
SELECT ok((SELECT value FROM h3 WHERE metric = 'last_verification_age_s') BETWEEN 0 AND 60, 'the last verification: seconds ago');
SELECT is((SELECT subject FROM h3 WHERE metric = 'last_verification_age_s'), 'rh88_auditor', 'by the auditor');
SELECT is((SELECT value FROM h3 WHERE metric = 'last_verification_ok'), 1::float8, 'and it verified');
SELECT is((SELECT value FROM h3 WHERE metric = 'actions_last_hour' AND subject = 'register_model_version'), 4::float8,
          'audited actions of the last hour, per action');

-- search freshness
SELECT is(pg_temp.h('search', 'documents'), 4::float8, 'a document per version');
SELECT is(pg_temp.h('search', 'missing_documents'), 0::float8, 'none missing');
SELECT is(pg_temp.h('search', 'stale_documents'), 0::float8, 'none stale');
SELECT is(pg_temp.h('search', 'refreshed_last_hour'), 4::float8, 'documents rebuilt in the last hour');
SAVEPOINT stale;
SET LOCAL session_replication_role = replica;          -- the search triggers miss these changes
DELETE FROM mreg.search_doc WHERE version = '1.0.2';
UPDATE mreg.model_version SET status = 'archived' WHERE version = '1.0.1' AND project_id = (SELECT id FROM mreg.project WHERE name = 'rh_a');
SET LOCAL session_replication_role = origin;
CREATE TEMP TABLE h4 AS SELECT * FROM mreg.registry_health() WHERE area = 'search';
SELECT is((SELECT value FROM h4 WHERE metric = 'missing_documents'), 1::float8, 'a deleted document is missing');
SELECT is((SELECT value FROM h4 WHERE metric = 'stale_documents'), 1::float8, 'a missed status change is stale');
ROLLBACK TO SAVEPOINT stale;
SAVEPOINT late;
SET LOCAL session_replication_role = replica;
UPDATE mreg.search_doc SET refreshed_at = refreshed_at - interval '10 minutes' WHERE version = '1.0.1';
SET LOCAL session_replication_role = origin;
SELECT is((SELECT value FROM mreg.registry_health() WHERE area = 'search' AND metric = 'stale_documents'), 1::float8,
          'a document older than its version''s latest change is stale');
SELECT ok((SELECT value FROM mreg.registry_health() WHERE area = 'search' AND metric = 'max_staleness_s') >= 599,
          'and how far it lags');
ROLLBACK TO SAVEPOINT late;

-- health signal partitions
SELECT is(pg_temp.h('health', 'partitions'),
          (SELECT count(*)::float8 FROM pg_inherits WHERE inhparent = 'mreg.health_signal'::regclass) - 1,
          'the daily partitions (the default one apart)');
SELECT ok((SELECT value FROM h WHERE area = 'health' AND metric = 'newest_partition_ahead_days') >= 2,
          'record_health made partitions two days ahead');
SELECT is((SELECT subject FROM h WHERE area = 'health' AND metric = 'oldest_partition_age_days'),
          (SELECT min(substr(c.relname, 16)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'mreg.health_signal'::regclass AND c.relname <> 'health_signal_default')::date::text,
          'the oldest day kept');

-- row-level security: a reader of rh_a counts rh_a's rows (and public ones) only
SET LOCAL ROLE rh88_reader;
CREATE TEMP TABLE h5 AS SELECT * FROM mreg.registry_health();
RESET ROLE;
SELECT is((SELECT value FROM h5 WHERE area = 'search' AND metric = 'documents'), 3::float8, 'a reader counts the documents it may read');
SELECT is((SELECT value FROM h5 WHERE area = 'events' AND metric = 'outbox_events'),
          (SELECT count(*)::float8 FROM mreg.event WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'rh_a')),
          'and the events it may read');
SELECT is((SELECT value FROM h5 WHERE area = 'events' AND metric = 'consumers'), 0::float8, 'and not other roles'' consumers');
SELECT is((SELECT count(*) FROM h5 WHERE area = 'audit' AND metric = 'actions_last_hour'), 0::bigint,
          'and no audited actions (the audit log is for auditors)');
SELECT is((SELECT value FROM h5 WHERE area = 'audit' AND metric = 'last_verification_ok'), 1::float8,
          'but sees that the chain was verified');
SELECT is((SELECT value FROM h5 WHERE area = 'storage' AND metric = 'total_bytes' AND subject = 'mreg.model_version'),
          pg_total_relation_size('mreg.model_version')::float8,
          'sizes are installation-wide (like pg_class, which everyone reads)');

SELECT * FROM finish();
ROLLBACK;
