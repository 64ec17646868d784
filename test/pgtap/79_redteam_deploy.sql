-- Red team of deployments, health signals and events (issue 11; SPEC
-- sections 4, 6 and 7): attacks by logged-in members of the mreg_* roles
-- (and settings of their own sessions) that 70_deployments, 76_events and
-- 43_governance_matrix do not try.  Each attack is its own assertion; every
-- one must fail for the attacker.  The session is a superuser; the attackers
-- are rt79_* logins created in this transaction (rolled back at the end).
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();
-- ids of psql variables, for statements inside dollar quotes
CREATE FUNCTION pg_temp.id(name text) RETURNS bigint LANGUAGE sql STABLE RETURN current_setting('rt79.' || name)::bigint;
-- the bounds of a health partition as the server prints them in a neutral session
CREATE FUNCTION pg_temp.bounds(day date) RETURNS text LANGUAGE sql STABLE
RETURN (SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c
         WHERE c.oid = to_regclass('mreg_internal.' || mreg_internal.health_partition_name(day)));

CREATE ROLE rt79_con LOGIN;     GRANT mreg_contributor TO rt79_con;     -- contributes to rt79_a
CREATE ROLE rt79_pub LOGIN;     GRANT mreg_publisher TO rt79_pub;       -- publishes in rt79_a
CREATE ROLE rt79_admin LOGIN;   GRANT mreg_admin TO rt79_admin;         -- installation admin

SELECT mreg.create_project('rt79_a');
SELECT mreg.create_project('rt79_b', 'the hidden project', 'private');
SELECT mreg.grant_access('rt79_a', 'rt79_con', 'contribute');
SELECT mreg.grant_access('rt79_a', 'rt79_pub', 'publish');
SELECT mreg.grant_access('rt79_a', 'rt79_admin', 'admin');

SELECT mreg.register_model_version('rt79_a', 'm', '1.0.0') AS va1 \gset
SELECT mreg.register_model_version('rt79_a', 'm', '2.0.0') AS va2 \gset
SELECT mreg.promote('rt79_a', 'm', '1.0.0', 'dev') AS da \gset
SELECT set_config('rt79.da', :'da', false) IS NOT NULL AS set;
SELECT mreg.register_model_version('rt79_b', 's', '1.0.0');
SELECT mreg.promote('rt79_b', 's', '1.0.0', 'dev') AS db \gset
SELECT set_config('rt79.db', :'db', false) IS NOT NULL AS set;
-- days near today, for partitions a contributor may make
SELECT set_config('rt79.day', (current_date + 20)::text, false) IS NOT NULL AS set;

-- ---------------------------------------------------------------- moving rows out of the default partition
-- create_health_partitions moved a day's rows through a temporary table
-- found by name: a contributor's own pg_temp.mreg_health_moving, with a
-- trigger of theirs, ran that trigger as the extension's owner (a superuser).
SET ROLE rt79_con;
CREATE TEMP TABLE mreg_health_moving (id bigint, project_id bigint, deployment_id bigint, at timestamptz,
    latency_p50_ms float8, latency_p95_ms float8, latency_p99_ms float8, error_rate float8, cpu float8,
    memory_mb float8, rps float8, created_by name);
CREATE FUNCTION pg_temp.rt79_evil() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'attacker trigger ran as %', current_user;
END
$$;
CREATE TRIGGER rt79_evil BEFORE INSERT OR DELETE ON pg_temp.mreg_health_moving
    FOR EACH ROW EXECUTE FUNCTION pg_temp.rt79_evil();
SELECT lives_ok(format($$INSERT INTO mreg.health_signal (deployment_id, at, rps) VALUES (%s, '%s 12:00+00', 1)$$,
                       pg_temp.id('da'), current_setting('rt79.day')),
                'a contributor parks a signal in the default partition');
SELECT lives_ok(format($$SELECT mreg.create_health_partitions('%1$s', '%1$s')$$, current_setting('rt79.day')),
                'create_health_partitions does not run a temporary table of the caller''s (its trigger would run as the owner)');
RESET ROLE;
SELECT is((SELECT count(*) FROM mreg.health_signal WHERE at = (current_setting('rt79.day') || ' 12:00+00')::timestamptz), 1::bigint,
          'the parked signal moved into its day');
SELECT is((SELECT count(*) FROM mreg_internal.health_signal_default), 0::bigint, 'and left the default partition');
DROP TABLE pg_temp.mreg_health_moving;

-- ---------------------------------------------------------------- session settings and partition bounds
-- Bounds went through the session's DateStyle, TimeZone and
-- timezone_abbreviations: a contributor could make a day's partition cover
-- the wrong 24 hours, and the neighbouring day could then never be created.
SET ROLE rt79_con;
SET LOCAL timezone_abbreviations = 'Australia';       -- EST is +10 here, -05 in New York
SET LOCAL DateStyle = 'Postgres, MDY';
SET LOCAL TimeZone = 'America/New_York';
SELECT lives_ok(format($$SELECT mreg.create_health_partitions('%s', '%s')$$, current_date + 25, current_date + 26),
                'partitions made under odd session settings');
RESET timezone_abbreviations; RESET DateStyle; RESET TimeZone;
RESET ROLE;
SELECT is(pg_temp.bounds(current_date + 25),
          format($$FOR VALUES FROM ('%s 00:00:00+00') TO ('%s 00:00:00+00')$$, current_date + 25, current_date + 26),
          'a partition covers its UTC day whatever the session''s DateStyle, TimeZone and abbreviations');
SELECT lives_ok(format($$SELECT mreg.create_health_partitions('%s', '%s')$$, current_date + 24, current_date + 27),
                'and the neighbouring days can still be made');

-- retention read the bounds back through the same settings: a day that
-- ends after the time given could be dropped
SELECT mreg.create_health_partitions('2025-01-10', '2025-01-11');
INSERT INTO mreg.health_signal (deployment_id, at, rps) VALUES (:da, '2025-01-10 12:00+00', 1), (:da, '2025-01-11 12:00+00', 2);
SET LOCAL timezone_abbreviations = 'Australia';
SET LOCAL DateStyle = 'Postgres, MDY';
SET LOCAL TimeZone = 'America/New_York';
SELECT is(mreg.drop_health_before('2025-01-11 06:00+00'), 1::bigint, 'retention drops the days that ended before the time');
RESET timezone_abbreviations; RESET DateStyle; RESET TimeZone;
SELECT ok(to_regclass('mreg_internal.health_signal_p20250111') IS NOT NULL,
          'and keeps the day that ends after it, whatever the session''s settings');

-- ---------------------------------------------------------------- names and ranges of partitions
SELECT throws_ok($$SELECT mreg.create_health_partitions('0001-01-01 BC', '0001-01-01 BC')$$, '22023', NULL,
                 'a day before Christ has no partition (its name would be that of 0001-01-01)');
SELECT throws_ok($$SELECT mreg.create_health_partitions('1969-12-31', '1969-12-31')$$, '22023', NULL,
                 'nor a day before 1970');
SET ROLE rt79_con;
SELECT throws_ok(format($$SELECT mreg.create_health_partitions('%s', '%s')$$, current_date + 400, current_date + 400 + 3000),
                 '42501', NULL, 'a contributor cannot make thousands of partitions years ahead (every query of mreg.health plans them)');
SELECT throws_ok(format($$SELECT mreg.create_health_partitions('%s', '%s')$$, current_date - 4000, current_date - 3000),
                 '42501', NULL, 'nor years back');
SELECT lives_ok(format($$SELECT mreg.record_health(%s, '%s 12:00+00', rps => 1)$$, pg_temp.id('da'), current_date + 5000),
                'a signal far in the future is recorded');
RESET ROLE;
SELECT ok(to_regclass('mreg_internal.' || mreg_internal.health_partition_name(current_date + 5000)) IS NULL,
          'but makes no partition: it waits in the default partition');
SET ROLE rt79_admin;
SELECT is(mreg.create_health_partitions((current_date + 5000)::date, (current_date + 5000)::date), 1,
          'an admin makes partitions for any day');
RESET ROLE;

-- ---------------------------------------------------------------- forged columns
-- INSERT on health_signal is COPY's path; the id and the writer are not the
-- caller's to choose (a chosen id also probed for another project's row:
-- a unique violation, or ON CONFLICT DO NOTHING inserting nothing).
SET ROLE rt79_con;
SELECT throws_ok(format($$INSERT INTO mreg.health_signal (deployment_id, at, created_by) VALUES (%s, now(), 'postgres')$$, pg_temp.id('da')),
                 '42501', NULL, 'a contributor cannot write a signal in someone else''s name');
SELECT throws_ok(format($$INSERT INTO mreg.health_signal (id, deployment_id, at) VALUES (1, %s, now()) ON CONFLICT DO NOTHING$$, pg_temp.id('da')),
                 '42501', NULL, 'nor choose its id (an oracle for hidden rows)');
SELECT lives_ok(format($$INSERT INTO mreg.health_signal (project_id, deployment_id, at, latency_p50_ms, latency_p95_ms, latency_p99_ms,
                                                         error_rate, cpu, memory_mb, rps)
                         VALUES (NULL, %s, now(), 1, 2, 3, 0, 1, 1, 1)$$, pg_temp.id('da')),
                'the measured columns are still the caller''s to give');
RESET ROLE;
SELECT is((SELECT created_by::text FROM mreg.health_signal WHERE deployment_id = :da AND latency_p99_ms = 3), 'rt79_con',
          'a signal written by COPY or INSERT names its writer');

-- ---------------------------------------------------------------- precise errors
SELECT mreg.retire('rt79_a', 'm', '2.0.0', 'withdrawn');
SET ROLE rt79_pub;
SELECT throws_ok($$SELECT mreg.promote('rt79_a', 'm', '2.0.0', 'dev', 10)$$, '55000', NULL,
                 'a retired version cannot be deployed (55000, not an error about the error)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
