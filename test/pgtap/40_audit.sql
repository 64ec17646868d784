-- The audit log: rows sealed into one hash chain at commit, the chain
-- recomputed by verify_audit_chain, and every kind of tampering a superuser
-- can do with triggers off (session_replication_role = replica) found.
-- Not one transaction: sealing happens at COMMIT.  Tampering runs in
-- transactions that roll back (verify sees its own transaction's changes),
-- except the last test, which leaves an unsealed row behind for good.
SET search_path = public, mreg;
SELECT plan(69);

-- ---------------------------------------------------------------- declarations
SELECT has_table('mreg', 'audit_log', 'mreg.audit_log exists');
SELECT columns_are('mreg', 'audit_log',
                   ARRAY['id', 'seq', 'project_id', 'at', 'txid', 'session_user_name', 'current_user_name',
                         'purpose', 'action', 'target', 'before', 'after', 'prev_hash', 'hash'],
                   'audit_log has the contract''s columns');
SELECT is((SELECT count(*) FROM pg_attribute a
            WHERE a.attrelid = 'mreg.audit_log'::regclass AND a.attnum > 0 AND NOT a.attisdropped
              AND col_description(a.attrelid, a.attnum) IS NULL), 0::bigint, 'every column has a comment');
SELECT isnt(obj_description('mreg.audit_log'::regclass, 'pg_class'), NULL, 'the table has a comment');
SELECT col_is_unique('mreg', 'audit_log', 'seq', 'seq is unique');
SELECT hasnt_fk('mreg', 'audit_log', 'project_id is no foreign key (the API noted the authorized project; no RI queries per row)');
SELECT ok((SELECT extconfig @> ARRAY['mreg.audit_log'::regclass::oid] FROM pg_extension WHERE extname = 'mreg'),
          'audit_log is dumped with the registry (pg_extension_config_dump)');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.oid IN ('mreg.verify_audit_chain()'::regprocedure, 'mreg.verify_audit_chain(bigint,text)'::regprocedure,
                            'mreg.audit_head()'::regprocedure, 'mreg.set_purpose(text)'::regprocedure,
                            'mreg.current_purpose()'::regprocedure,
                            'mreg_internal.audit(bigint,text,text,jsonb,jsonb)'::regprocedure)
              AND NOT p.prosecdef AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')),
          6::bigint, 'the audit functions are C and SECURITY INVOKER');
SELECT is((SELECT string_agg(proname || ':' || provolatile::text || proparallel::text, ' ' ORDER BY proname) FROM pg_proc
            WHERE oid IN ('mreg_internal.audit(bigint,text,text,jsonb,jsonb)'::regprocedure, 'mreg.set_purpose(text)'::regprocedure,
                          'mreg.current_purpose()'::regprocedure)),
          'audit:vu current_purpose:ss set_purpose:vu', 'writers are VOLATILE PARALLEL UNSAFE, current_purpose STABLE PARALLEL SAFE');
SELECT is((SELECT tgdeferrable AND tginitdeferred FROM pg_trigger
            WHERE tgrelid = 'mreg.audit_log'::regclass AND tgname = 'audit_log_seal'), true,
          'the seal is a deferred constraint trigger');

-- ---------------------------------------------------------------- sealing at commit
SELECT mreg.create_project('aud') IS NOT NULL AS project;
BEGIN;
SELECT mreg_internal.audit((SELECT id FROM mreg.project WHERE name = 'aud'), 'tap_one', 'aud/model:m',
                           NULL, '{"n": 1, "s": "x"}');
SELECT mreg_internal.audit(NULL, 'tap_two', 'table:2', '{"a": [1, 2.50]}', NULL);
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action IN ('tap_one', 'tap_two') AND seq IS NULL AND hash IS NULL),
          2::bigint, 'rows are unsealed while the transaction runs');
SELECT is((SELECT ok FROM mreg.verify_audit_chain()), true, 'the transaction''s own unsealed rows do not break the chain');
COMMIT;
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action IN ('tap_one', 'tap_two') AND seq IS NOT NULL
              AND octet_length(hash) = 32), 2::bigint, 'COMMIT seals them');
SELECT ok((SELECT b.seq = a.seq + 1 AND b.prev_hash = a.hash
             FROM mreg.audit_log a, mreg.audit_log b WHERE a.action = 'tap_one' AND b.action = 'tap_two'),
          'rows of one transaction are consecutive, in insertion order, and linked');
SELECT is((SELECT prev_hash FROM mreg.audit_log WHERE seq = 1), NULL, 'the first row has no prev_hash');
SELECT is((SELECT array_agg(seq ORDER BY seq) FROM mreg.audit_log),
          (SELECT array_agg(s) FROM generate_series(1, (SELECT count(*) FROM mreg.audit_log)) s),
          'seq runs from 1 without gaps');
SELECT is((SELECT (session_user_name, current_user_name, project_id IS NOT NULL)::text FROM mreg.audit_log WHERE action = 'tap_one'),
          (session_user, current_user, true)::text, 'who and which project are recorded');
SELECT ok((SELECT at <= clock_timestamp() AND txid > 0 FROM mreg.audit_log WHERE action = 'tap_one'), 'when and which transaction');

-- a rolled-back transaction or savepoint leaves no gap
BEGIN;
SELECT mreg_internal.audit(NULL, 'tap_rolled_back', NULL, NULL, NULL);
ROLLBACK;
BEGIN;
SELECT mreg_internal.audit(NULL, 'tap_kept', NULL, NULL, NULL);
SAVEPOINT s;
SELECT mreg_internal.audit(NULL, 'tap_savepoint_gone', NULL, NULL, NULL);
ROLLBACK TO SAVEPOINT s;
SELECT mreg_internal.audit(NULL, 'tap_after_savepoint', NULL, NULL, NULL);
COMMIT;
SELECT is((SELECT array_agg(action ORDER BY seq) FROM mreg.audit_log WHERE action LIKE 'tap_%'
                                 AND seq > (SELECT seq FROM mreg.audit_log WHERE action = 'tap_two')),
          ARRAY['tap_kept', 'tap_after_savepoint'], 'rolled-back rows are neither kept nor numbered');
-- SET CONSTRAINTS ... IMMEDIATE seals early; a seal rolled back with its savepoint is redone at commit
BEGIN;
SELECT mreg_internal.audit(NULL, 'tap_early', NULL, NULL, NULL);
SAVEPOINT s;
SET CONSTRAINTS mreg.audit_log_seal IMMEDIATE;
SELECT isnt((SELECT seq FROM mreg.audit_log WHERE action = 'tap_early'), NULL, 'SET CONSTRAINTS IMMEDIATE seals at once');
ROLLBACK TO SAVEPOINT s;
SELECT is((SELECT seq FROM mreg.audit_log WHERE action = 'tap_early'), NULL, 'rolling the seal back unseals the row');
COMMIT;
SELECT isnt((SELECT seq FROM mreg.audit_log WHERE action = 'tap_early'), NULL, 'and COMMIT seals it');
-- a transaction's later seals reuse the head it wrote, but not one a rolled-back savepoint unsealed
BEGIN;
SET CONSTRAINTS mreg.audit_log_seal IMMEDIATE;
SELECT mreg_internal.audit(NULL, 'tap_cache_a', NULL, NULL, NULL);
SAVEPOINT s;
SELECT mreg_internal.audit(NULL, 'tap_cache_gone', NULL, NULL, NULL);
SELECT is((SELECT count(*) FROM mreg.audit_log WHERE action IN ('tap_cache_a', 'tap_cache_gone') AND seq IS NOT NULL),
          2::bigint, 'with IMMEDIATE each statement seals its rows');
ROLLBACK TO SAVEPOINT s;
SELECT mreg_internal.audit(NULL, 'tap_cache_b', NULL, NULL, NULL);
COMMIT;
SELECT is((SELECT b.seq - a.seq FROM mreg.audit_log a, mreg.audit_log b WHERE a.action = 'tap_cache_a' AND b.action = 'tap_cache_b'),
          1::bigint, 'a seal rolled back with its savepoint frees its seq for the next row');
SELECT results_eq('SELECT ok, checked, first_bad_id FROM mreg.verify_audit_chain()',
                  $$SELECT true, (SELECT count(*) FROM mreg.audit_log), NULL::bigint$$,
                  'a clean chain verifies: ok, every row checked');

-- the hash, recomputed independently in SQL from its definition (src/audit.c)
CREATE FUNCTION pg_temp.f(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE
RETURN CASE WHEN b IS NULL THEN '\x00'::bytea ELSE '\x01'::bytea || int4send(length(b)) || b END;
CREATE FUNCTION pg_temp.t(s text) RETURNS bytea LANGUAGE sql IMMUTABLE RETURN pg_temp.f(convert_to(s, 'UTF8'));
CREATE FUNCTION pg_temp.i(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE RETURN pg_temp.f(int8send(v));
CREATE TEMP VIEW recomputed AS
SELECT l.id, l.hash, sha256(pg_temp.t('mreg.audit_log v1 link') || pg_temp.f(l.prev_hash) || pg_temp.i(l.seq) || pg_temp.f(sha256(
           pg_temp.t('mreg.audit_log v1') || pg_temp.i(l.id) || pg_temp.i(l.project_id)
           || pg_temp.i((extract(epoch FROM l.at) * 1000000)::bigint - 946684800000000) || pg_temp.i(l.txid)
           || pg_temp.t(l.session_user_name) || pg_temp.t(l.current_user_name) || pg_temp.t(l.purpose)
           || pg_temp.t(l.action) || pg_temp.t(l.target) || pg_temp.t(l.before::text) || pg_temp.t(l.after::text)))) AS expected
  FROM mreg.audit_log l;
SELECT is((SELECT count(*) FILTER (WHERE hash = expected) FROM recomputed), (SELECT count(*) FROM mreg.audit_log),
          'every hash agrees with the definition, recomputed in SQL');

-- ---------------------------------------------------------------- the guard
SELECT throws_ok('UPDATE mreg.audit_log SET purpose = ''x''', '55000', 'rows of mreg.audit_log are append-only',
                 'UPDATE is refused, for a superuser too');
SELECT throws_ok('UPDATE mreg.audit_log SET seq = seq WHERE false', '55000', NULL, 'even one that matches no row');
SELECT throws_ok('DELETE FROM mreg.audit_log', '55000', NULL, 'DELETE is refused');
SELECT throws_ok('TRUNCATE mreg.audit_log', '55000', NULL, 'TRUNCATE is refused');
SELECT throws_ok('SELECT mreg_internal.audit_seal()', NULL, NULL, 'the seal cannot be called outside its trigger');
SELECT throws_ok('SELECT mreg_internal.audit(NULL, NULL, NULL, NULL, NULL)', '22004', NULL, 'an action is required');

-- ---------------------------------------------------------------- tampering with triggers off
-- more rows to tamper with
SELECT mreg_internal.audit(NULL, 'tap_row_' || i, 'table:' || i, NULL, jsonb_build_object('i', i))
  FROM generate_series(1, 6) i;
SELECT id AS r3, seq AS s3 FROM mreg.audit_log WHERE action = 'tap_row_3' \gset
SELECT id AS r4 FROM mreg.audit_log WHERE action = 'tap_row_4' \gset

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET after = '{"i": 33}' WHERE id = :r3;
SELECT results_eq('SELECT ok, checked, first_bad_id FROM mreg.verify_audit_chain()',
                  format('VALUES (false, %s::bigint, %s::bigint)', :s3 - 1, :r3),
                  'an edited after is found; the rows before it verify');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET at = at + interval '1 microsecond' WHERE id = :r3;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), :r3::bigint, 'a timestamp moved by one microsecond is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET current_user_name = 'someone_else' WHERE id = :r3;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), :r3::bigint, 'a changed who is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM mreg.audit_log WHERE id = :r3;
SELECT results_eq('SELECT ok, first_bad_id FROM mreg.verify_audit_chain()', format('VALUES (false, %s::bigint)', :r4),
                  'a deleted middle row is found at the next row (a gap in seq)');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM mreg.audit_log WHERE id = :r3;
UPDATE mreg.audit_log SET seq = seq + 1000000 WHERE seq > :s3;
UPDATE mreg.audit_log SET seq = seq - 1000001 WHERE seq > 1000000;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), :r4::bigint, 'a deletion with the seqs closed up is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET seq = seq + 1000000 WHERE seq >= :s3;
UPDATE mreg.audit_log SET seq = seq - 999999 WHERE seq > 1000000;
INSERT INTO mreg.audit_log (seq, action, target, prev_hash, hash)
SELECT :s3, 'tap_forged', 'table:3', hash, sha256(hash) FROM mreg.audit_log WHERE seq = :s3 - 1;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), (SELECT id FROM mreg.audit_log WHERE action = 'tap_forged'),
          'a forged row inserted in the middle is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO mreg.audit_log (seq, action, prev_hash, hash)
SELECT seq + 1, 'tap_forged_head', hash, sha256(hash) FROM mreg.audit_log ORDER BY seq DESC LIMIT 1;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), (SELECT id FROM mreg.audit_log WHERE action = 'tap_forged_head'),
          'a forged row at the head is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET seq = 1000000 WHERE id = :r3;
UPDATE mreg.audit_log SET seq = :s3 WHERE id = :r4;
UPDATE mreg.audit_log SET seq = :s3 + 1 WHERE id = :r3;
SELECT results_eq('SELECT ok, first_bad_id FROM mreg.verify_audit_chain()', format('VALUES (false, %s::bigint)', :r4),
                  'two rows with swapped seq are found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET prev_hash = NULL, hash = NULL, seq = NULL WHERE id = :r3;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), :r4::bigint, 'a row unsealed again is found');
ROLLBACK;

BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE mreg.audit_log SET hash = sha256(hash) WHERE id = :r3;
SELECT is((SELECT first_bad_id FROM mreg.verify_audit_chain()), :r3::bigint, 'a replaced hash is found');
ROLLBACK;

-- ---------------------------------------------------------------- anchors: the tail
SELECT seq AS head_seq, hash AS head_hash FROM mreg.audit_head() \gset
SELECT is(:'head_seq'::bigint, (SELECT max(seq) FROM mreg.audit_log), 'audit_head gives the last seq');
SELECT is(:'head_hash', (SELECT encode(hash, 'hex') FROM mreg.audit_log WHERE seq = :head_seq), 'and its hash in hex');
SELECT results_eq(format('SELECT ok, checked, first_bad_id FROM mreg.verify_audit_chain(%s, %L)', :head_seq, :'head_hash'),
                  $$SELECT true, (SELECT count(*) FROM mreg.audit_log), NULL::bigint$$, 'the chain holds its anchor');
SELECT is((SELECT ok FROM mreg.verify_audit_chain(:head_seq, '\x' || :'head_hash')), true, 'an anchor may be written as bytea prints');
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM mreg.audit_log WHERE seq = :head_seq;
SELECT is((SELECT ok FROM mreg.verify_audit_chain()), true, 'a truncated tail is invisible to the chain alone');
SELECT results_eq(format('SELECT ok, first_bad_id FROM mreg.verify_audit_chain(%s, %L)', :head_seq, :'head_hash'),
                  'VALUES (false, NULL::bigint)', 'but not to the anchor');
ROLLBACK;
SELECT is((SELECT ok FROM mreg.verify_audit_chain(:head_seq, repeat('0', 64))), false, 'a wrong anchor hash fails');
SELECT throws_ok($$SELECT * FROM mreg.verify_audit_chain(1, 'abc')$$, '22023', 'invalid audit anchor hash', 'a malformed anchor');
SELECT throws_ok($$SELECT * FROM mreg.verify_audit_chain(0, repeat('0', 64))$$, '22023', NULL, 'an anchor seq below 1');
SELECT throws_ok($$SELECT * FROM mreg.verify_audit_chain(NULL, NULL)$$, '22004', NULL, 'a null anchor');

-- ---------------------------------------------------------------- purpose
SELECT is(mreg.current_purpose(), NULL, 'no purpose by default');
SELECT mreg.set_purpose('case 42: quarterly access review');
SELECT is(mreg.current_purpose(), 'case 42: quarterly access review', 'set_purpose sets it');
SELECT mreg_internal.audit(NULL, 'tap_with_purpose', NULL, NULL, NULL);
SELECT is((SELECT purpose FROM mreg.audit_log WHERE action = 'tap_with_purpose'), 'case 42: quarterly access review',
          'the purpose is recorded on the session''s audit rows');
SELECT throws_ok($$SELECT mreg.set_purpose(repeat('é', 201))$$, '22001', 'purpose is too long', 'at most 200 characters');
SELECT lives_ok($$SELECT mreg.set_purpose(repeat('é', 200))$$, '200 multibyte characters are fine');
SELECT throws_ok($$SET mreg.purpose = '$$ || repeat('x', 201) || $$'$$, '22001', NULL, 'the limit holds for SET too');
SELECT mreg.set_purpose('');
SELECT is(mreg.current_purpose(), NULL, 'an empty purpose clears it');
SELECT mreg.set_purpose('again');
SELECT mreg.set_purpose(NULL);
SELECT is(mreg.current_purpose(), NULL, 'so does NULL');

-- ---------------------------------------------------------------- settings do not change the canonical form
BEGIN;
SET LOCAL TimeZone = 'Asia/Kathmandu';
SET LOCAL DateStyle = 'SQL, DMY';
SET LOCAL extra_float_digits = 3;
SET LOCAL IntervalStyle = 'iso_8601';
SELECT mreg_internal.audit(NULL, 'tap_odd_settings', 'table:7', to_jsonb(0.1::float8), jsonb_build_object('at', now()));
COMMIT;
SET TimeZone = 'America/St_Johns';
SET DateStyle = 'German';
SET extra_float_digits = -15;
SET search_path = pg_temp;
SELECT ok AS odd_ok FROM mreg.verify_audit_chain() \gset
SET search_path = public, mreg;
SELECT is(:'odd_ok'::text, 't', 'rows sealed under one TimeZone, DateStyle and extra_float_digits verify under others (and any search_path)');
RESET TimeZone;
RESET DateStyle;
RESET extra_float_digits;
SELECT is((SELECT ok FROM mreg.verify_audit_chain()), true, 'and under the defaults');

-- ---------------------------------------------------------------- who may verify
CREATE ROLE tap40_outsider;
CREATE ROLE tap40_auditor IN ROLE mreg_auditor;
GRANT USAGE ON SCHEMA mreg, mreg_internal TO tap40_outsider, tap40_auditor;
GRANT EXECUTE ON FUNCTION mreg.verify_audit_chain(), mreg.audit_head(),
      mreg_internal.audit(bigint, text, text, jsonb, jsonb) TO tap40_outsider, tap40_auditor;
SET ROLE tap40_outsider;
SELECT throws_ok('SELECT * FROM mreg.verify_audit_chain()', '42501', 'permission denied to verify the audit chain',
                 'a role that is not an auditor may not verify');
SELECT throws_ok('SELECT * FROM mreg.audit_head()', '42501', NULL, 'nor read the head');
SELECT throws_ok($$SELECT mreg_internal.audit(NULL, 'tap_x', NULL, NULL, NULL)$$, '42501', NULL,
                 'nor write the log directly, even with EXECUTE');
RESET ROLE;
SELECT count(*) AS total FROM mreg.audit_log \gset
SET ROLE tap40_auditor;
SELECT results_eq('SELECT ok, checked FROM mreg.verify_audit_chain()', format('VALUES (true, %s::bigint)', :total),
                  'an auditor verifies every row (read as the owner, whatever the auditor may SELECT)');
RESET ROLE;

-- ---------------------------------------------------------------- prepared transactions
-- (one that sealed would hold the chain until COMMIT PREPARED: refused)
SELECT count(*) AS before_prepare FROM mreg.audit_log \gset
BEGIN;
SELECT mreg_internal.audit(NULL, 'tap_prepared', NULL, NULL, NULL);
\set ON_ERROR_STOP 0
PREPARE TRANSACTION 'tap_audit';  -- fails, and the transaction is rolled back
\set ON_ERROR_STOP 1
SELECT is((SELECT count(*) FROM pg_prepared_xacts WHERE gid = 'tap_audit'), 0::bigint,
          'a transaction that wrote the audit log cannot be prepared');
SELECT is((SELECT count(*) FROM mreg.audit_log), :before_prepare::bigint, 'and its rows are gone');

-- ---------------------------------------------------------------- last: a committed row never sealed
SET session_replication_role = replica;
SELECT mreg_internal.audit(NULL, 'tap_never_sealed', NULL, NULL, NULL);
RESET session_replication_role;
SELECT results_eq('SELECT ok, first_bad_id FROM mreg.verify_audit_chain()',
                  $$SELECT false, (SELECT id FROM mreg.audit_log WHERE action = 'tap_never_sealed')$$,
                  'a committed row that was never sealed (triggers off) is found');

SELECT * FROM finish();
-- roles are cluster-wide: leave none behind for the next file
DROP OWNED BY tap40_outsider, tap40_auditor;
DROP ROLE tap40_outsider, tap40_auditor;
