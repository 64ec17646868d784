-- Governance matrix (SPEC section 6), generated from the catalog: every table,
-- view and function of schemas mreg and mreg_internal is covered as it
-- appears, so a new one cannot be forgotten.  For each login below:
-- table privileges, row-level security, which rows it sees per project,
-- which API entries it may execute, and what each write entry does for it in
-- each project (ok, 42501, or 23503 for a project it may not read: an
-- invisible project looks exactly like an absent one).
--
-- Roles are cluster-wide: they are created inside this transaction, which
-- rolls back at the end.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

-- ---------------------------------------------------------------- logins
CREATE ROLE gm43_reader LOGIN;      GRANT mreg_reader TO gm43_reader;
CREATE ROLE gm43_contributor LOGIN; GRANT mreg_contributor TO gm43_contributor;
CREATE ROLE gm43_publisher LOGIN;   GRANT mreg_publisher TO gm43_publisher;
CREATE ROLE gm43_approver LOGIN;    GRANT mreg_approver TO gm43_approver;
CREATE ROLE gm43_auditor LOGIN;     GRANT mreg_auditor TO gm43_auditor;
CREATE ROLE gm43_admin LOGIN;       GRANT mreg_admin TO gm43_admin;
CREATE ROLE gm43_stranger LOGIN;                                   -- no group role, no grant
CREATE ROLE gm43_expired LOGIN;     GRANT mreg_contributor TO gm43_expired;   -- grant on A expires
CREATE ROLE gm43_bonly LOGIN;       GRANT mreg_contributor TO gm43_bonly;     -- grant on B only
CREATE ROLE gm43_dpo LOGIN;         GRANT mreg_reader TO gm43_dpo;            -- privacy on A (personal data)
CREATE ROLE gm43_dummy NOLOGIN;                                    -- target of grant/revoke calls

-- The logins of the matrix (the dummy is a target only).
CREATE TEMP TABLE gm_login (who name PRIMARY KEY);
INSERT INTO gm_login VALUES ('gm43_reader'), ('gm43_contributor'), ('gm43_publisher'), ('gm43_approver'),
    ('gm43_auditor'), ('gm43_admin'), ('gm43_stranger'), ('gm43_expired'), ('gm43_bonly'), ('gm43_dpo');

-- ---------------------------------------------------------------- projects and data
-- gm_a and gm_b internal, gm_pub public; the same rows in each.
SELECT mreg.create_project('gm_a');
SELECT mreg.create_project('gm_b');
SELECT mreg.create_project('gm_pub', NULL, 'public');

CREATE TEMP TABLE gm_ids (project text PRIMARY KEY, run_id bigint, v1 bigint, v0 bigint, dep bigint, inc bigint, art bigint);
DO $$
DECLARE
    p text;
    r bigint;
    v1 bigint;
    v0 bigint;
    dep bigint;
    inc bigint;
BEGIN
    FOREACH p IN ARRAY ARRAY['gm_a', 'gm_b', 'gm_pub'] LOOP
        PERFORM mreg.register_dataset_version(p, 'ds', '1', 's3://ds/1');
        PERFORM mreg.define_feature(p, 'f', 'int');
        PERFORM mreg.define_pipeline(p, 'pl', steps => '[{"name": "clean"}]');
        r := mreg.log_run(p, 'exp', '{"lr": 0.1}', '{}', ARRAY['dataset:ds@1']);
        v1 := mreg.register_model_version(p, 'm', '1.0.0', r,
                  jsonb_build_array(jsonb_build_object('name', 'w', 'content_base64', encode('secret-bytes'::bytea, 'base64'))),
                  '{"contact": "owner@example.org"}');
        v0 := mreg.register_model_version(p, 'm', '0.9.0', status => 'draft');
        PERFORM mreg.register_model_version(p, 'other', '1.0.0');
        PERFORM mreg.log_evaluation(v1, 'accuracy', 0.9);
        PERFORM mreg.set_alias(p, 'm', 'champion', '1.0.0');
        PERFORM mreg.annotate(p || '/model:m@1.0.0', 'a note');
        PERFORM mreg.set_tag(p || '/model:m', 'team', 'x');
        PERFORM mreg.set_tag(p || '/model:m', 'team', 'y');             -- a row in row_history
        PERFORM mreg.register_model(p, 'm', description => 'changed');  -- another one
        -- flags a field of v1 personal data: masked at rest from now on
        PERFORM mreg.set_metadata_schema(p, 'model_version', '{"type": "object", "properties": {"contact": {"sensitive": true}}}');
        PERFORM mreg.set_vocabulary_mode(p, 'domain', 'open');
        PERFORM mreg.add_term('domain', 'gm-local-' || p, NULL, p);
        PERFORM mreg.grant_access(p, 'gm43_dummy', 'read');               -- for revoke_access below
        -- deployments: m@1.0.0 live in staging; other live in dev with 1.0.0 to roll back to
        dep := mreg.promote(p, 'm', '1.0.0', 'staging');
        inc := mreg.record_incident(dep, 'low', 'matrix incident');
        PERFORM mreg.promote(p, 'other', '1.0.0', 'dev');
        PERFORM mreg.register_model_version(p, 'other', '1.1.0');
        PERFORM mreg.promote(p, 'other', '1.1.0', 'dev');
        PERFORM mreg.record_health(dep, now(), rps => 1);
        INSERT INTO gm_ids VALUES (p, r, v1, v0, dep, inc, (SELECT a.id FROM mreg.artifact a WHERE a.model_version_id = v1));
    END LOOP;
END
$$;
SELECT mreg.annotate('code:gm-free-form', 'a note on a free-form node (no project)');

-- The grants of the matrix: who holds what where (the expectations below
-- are computed from this table, not from the registry's own functions).
CREATE TEMP TABLE gm_grant (who name, project text, privilege text);
INSERT INTO gm_grant VALUES
    ('gm43_reader', 'gm_a', 'read'), ('gm43_contributor', 'gm_a', 'contribute'),
    ('gm43_publisher', 'gm_a', 'publish'), ('gm43_approver', 'gm_a', 'approve'),
    ('gm43_auditor', 'gm_a', 'audit'), ('gm43_admin', 'gm_a', 'admin'),
    ('gm43_bonly', 'gm_b', 'contribute'), ('gm43_dpo', 'gm_a', 'privacy');
SELECT mreg.grant_access(project, who, privilege, NULL, 'governance matrix') FROM gm_grant;
-- the expired grantee: a grant valid for one second (it worked: see below)
SELECT mreg.grant_access('gm_a', 'gm43_expired', 'contribute', clock_timestamp() + interval '1 second', 'expires') AS expiring_grant \gset
SET ROLE gm43_expired;
SELECT lives_ok($$SELECT mreg.log_run('gm_a', 'exp', '{}')$$, 'the expiring grant works before it expires');
SELECT is((SELECT count(*) FROM mreg.project WHERE name = 'gm_a'), 1::bigint, 'and gm_a is visible to its holder');
RESET ROLE;

-- Which privileges a granted privilege implies, and which group role each needs.
CREATE TEMP TABLE gm_implies (granted text, implied text);
INSERT INTO gm_implies VALUES
    ('read', 'read'), ('contribute', 'contribute'), ('contribute', 'read'),
    ('publish', 'publish'), ('publish', 'contribute'), ('publish', 'read'),
    ('approve', 'approve'), ('approve', 'read'), ('audit', 'audit'), ('audit', 'read'),
    ('privacy', 'privacy'), ('privacy', 'read'),
    ('admin', 'admin'), ('admin', 'publish'), ('admin', 'contribute'), ('admin', 'read'),
    ('admin', 'approve'), ('admin', 'audit');
CREATE TEMP TABLE gm_group (privilege text PRIMARY KEY, role name);
INSERT INTO gm_group VALUES ('read', 'mreg_reader'), ('contribute', 'mreg_contributor'), ('publish', 'mreg_publisher'),
    ('approve', 'mreg_approver'), ('audit', 'mreg_auditor'), ('admin', 'mreg_admin'), ('privacy', 'mreg_reader');

-- may(who, project, privilege): what the model says
CREATE FUNCTION pg_temp.gm_may(who name, project text, priv text) RETURNS boolean
    LANGUAGE sql STABLE
RETURN pg_has_role(who, (SELECT g.role FROM gm_group g WHERE g.privilege = priv), 'MEMBER')
   AND (EXISTS (SELECT FROM gm_grant x JOIN gm_implies i ON i.granted = x.privilege
                 WHERE x.who = gm_may.who AND x.project = gm_may.project AND i.implied = priv)
        OR (priv = 'read' AND project = 'gm_pub'));

-- wait until the expiring grant has expired (the rest of the setup took some of the second)
SELECT pg_sleep(greatest(0, extract(epoch FROM (SELECT valid_until FROM mreg.access_grant WHERE id = :expiring_grant) - clock_timestamp())) + 0.05);

-- ---------------------------------------------------------------- tables and views
CREATE TEMP VIEW gm_rel AS
SELECT c.oid, c.relname, c.relkind FROM pg_class c
 WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S');

SELECT is((SELECT count(*) FROM gm_rel WHERE relkind IN ('r', 'p', 'v')) > 20, true, 'the catalog lists the registry''s tables and views');
SELECT is((SELECT string_agg(relname, ', ') FROM gm_rel WHERE relkind IN ('m', 'f')), NULL,
          'no materialized view or foreign table (neither obeys row-level security)');
SELECT is((SELECT string_agg(c.relname, ', ') FROM pg_class c
            WHERE c.relnamespace = 'mreg_internal'::regnamespace AND c.relkind IN ('r', 'p', 'v')
              AND NOT (c.relispartition AND c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'mreg.health_signal'::regclass))), NULL,
          'no table or view in mreg_internal but the partitions of health_signal (all rules below look at schema mreg)');
SELECT is((SELECT string_agg(format('%s on %s', a.privilege_type, c.oid::regclass), ', ')
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid CROSS JOIN LATERAL aclexplode(c.relacl) a
            WHERE i.inhparent = 'mreg.health_signal'::regclass AND a.grantee <> c.relowner), NULL,
          'the partitions of health_signal grant nobody anything');

-- No role has a write privilege on any table, view or sequence (table level or column level).
SELECT is((SELECT string_agg(DISTINCT format('%s %s on %s', r.rolname, p.priv, c.relname), '; ')
             FROM gm_rel c
            CROSS JOIN (SELECT rolname FROM pg_roles WHERE rolname LIKE 'mreg\_%' OR rolname LIKE 'gm43\_%'
                        UNION ALL SELECT 'public') r
            CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) p(priv)
            WHERE c.relkind <> 'S'
              -- COPY of health signals: INSERT for contributors, checked per row in C (73_health.sql)
              AND NOT (c.relname = 'health_signal' AND p.priv = 'INSERT' AND r.rolname <> 'public'
                       AND CASE WHEN r.rolname <> 'public' THEN pg_has_role(r.rolname, 'mreg_contributor', 'MEMBER') END)
              AND (has_table_privilege(r.rolname, c.oid, p.priv)
                   OR (p.priv IN ('INSERT', 'UPDATE', 'REFERENCES') AND has_any_column_privilege(r.rolname, c.oid, p.priv)))),
          NULL, 'no role has INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES on a registry table or view');
SELECT is((SELECT string_agg(DISTINCT format('%s %s on %s', r.rolname, p.priv, c.relname), '; ')
             FROM gm_rel c
            CROSS JOIN (SELECT rolname FROM pg_roles WHERE rolname LIKE 'mreg\_%' OR rolname LIKE 'gm43\_%'
                        UNION ALL SELECT 'public') r
            CROSS JOIN unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) p(priv)
            WHERE c.relkind = 'S' AND has_sequence_privilege(r.rolname, c.oid, p.priv)),
          NULL, 'no role may use, read or set a registry sequence');
SELECT is((SELECT string_agg(DISTINCT format('%s on %s', a.privilege_type, c.relname), '; ')
             FROM gm_rel c JOIN pg_class o ON o.oid = c.oid CROSS JOIN LATERAL aclexplode(o.relacl) a
            WHERE a.grantee = 0), NULL, 'PUBLIC holds nothing on a table, view or sequence');

-- Row-level security: enabled and forced on every table, with at least one
-- policy; but health_signal, which COPY writes (COPY FROM refuses a table
-- with row-level security): nobody may read it, readers get mreg.health.
SELECT ok(c.relrowsecurity AND c.relforcerowsecurity, format('mreg.%s: row-level security enabled and forced', c.relname))
  FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'health_signal' ORDER BY c.relname;
SELECT ok(EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid), format('mreg.%s has a policy', c.relname))
  FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'health_signal' ORDER BY c.relname;
SELECT is((SELECT string_agg(r.rolname, ', ') FROM pg_roles r
            WHERE (r.rolname LIKE 'mreg\_%' OR r.rolname LIKE 'gm43\_%') AND has_table_privilege(r.rolname, 'mreg.health_signal', 'SELECT')), NULL,
          'nobody may SELECT mreg.health_signal');
SELECT ok((SELECT 'security_barrier=true' = ANY (reloptions) FROM pg_class WHERE oid = 'mreg.health'::regclass),
          'mreg.health, which reads it as the owner, is a security barrier');
SELECT is((SELECT string_agg(format('%s on %s', p.polname, c.relname), ', ')
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'mreg'::regnamespace AND p.polcmd <> 'r'), NULL,
          'only SELECT policies: no policy admits an INSERT, UPDATE or DELETE');
SELECT is((SELECT string_agg(format('%s on %s', p.polname, c.relname), ', ')
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'mreg'::regnamespace AND NOT p.polpermissive), NULL,
          'policies are permissive (a restrictive one alone would admit nothing; flags a change of design)');
-- every view runs with the querying role's rights
SELECT ok(coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false),
          format('view mreg.%s is security_invoker', c.relname))
  FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind = 'v' AND c.relname <> 'health' ORDER BY c.relname;
SELECT is((SELECT string_agg(DISTINCT c.relname || ' (' || r.rolname || ')', ', ')
             FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
            WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p', 'v') AND r.rolname LIKE 'mreg\_%'), NULL,
          'no registry table or view is owned by a group role');

-- ---------------------------------------------------------------- who sees which rows
-- Rows per project of every table and view, as a role sees them (NULL
-- project: global rows); err is the SQLSTATE when the role may not read it.
CREATE FUNCTION pg_temp.gm_seen(who name)
    RETURNS TABLE (tbl name, project_id bigint, n bigint, err text)
    LANGUAGE plpgsql
AS $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname,
                    CASE WHEN c.relname = 'project' THEN 'id'
                         WHEN EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id'
                                         AND NOT a.attisdropped) THEN 'project_id' END AS col
               FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p', 'v') ORDER BY 1 LOOP
        BEGIN
            EXECUTE format('SET LOCAL ROLE %I', who);
            RETURN QUERY EXECUTE format('SELECT %L::name, %s::bigint, count(*), NULL::text FROM mreg.%I GROUP BY 2',
                                        t.relname, coalesce(t.col, 'NULL'), t.relname);
            RESET ROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RESET ROLE;
            tbl := t.relname; project_id := NULL; n := NULL; err := SQLSTATE;
            RETURN NEXT;
        END;
    END LOOP;
END
$$;

-- What a role should see: every row of a project it may read, global rows
-- (no project) when it is a reader; grants: its own everywhere, all of a
-- project where it is admin or auditor; the audit log: auditors only, the
-- projects where they hold audit; old grants in row_history like grants.
CREATE FUNCTION pg_temp.gm_expected(who name)
    RETURNS TABLE (tbl name, project_id bigint, n bigint, err text)
    LANGUAGE plpgsql
AS $$
DECLARE
    t record;
    readable bigint[] := ARRAY(SELECT p.id FROM mreg.project p WHERE pg_temp.gm_may(who, p.name, 'read'));
    overseen bigint[] := ARRAY(SELECT p.id FROM mreg.project p
                                WHERE pg_temp.gm_may(who, p.name, 'admin') OR pg_temp.gm_may(who, p.name, 'audit'));
    audited bigint[] := ARRAY(SELECT p.id FROM mreg.project p WHERE pg_temp.gm_may(who, p.name, 'audit'));
    rule text;
BEGIN
    FOR t IN SELECT c.relname,
                    CASE WHEN c.relname = 'project' THEN 'id'
                         WHEN EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'project_id'
                                         AND NOT a.attisdropped) THEN 'project_id' END AS col
               FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p', 'v') ORDER BY 1 LOOP
        IF NOT pg_has_role(who, 'mreg_reader', 'MEMBER')
           OR (t.relname = 'audit_log' AND NOT pg_has_role(who, 'mreg_auditor', 'MEMBER'))
           OR t.relname = 'personal_data'               -- only through mreg.personal_data()
           OR t.relname = 'health_signal' THEN          -- write-only: read through mreg.health
            tbl := t.relname; project_id := NULL; n := NULL; err := '42501';
            RETURN NEXT;
            CONTINUE;
        END IF;
        rule := CASE
            WHEN t.relname = 'access_grant' THEN
                format('pg_has_role(%L, grantee, ''MEMBER'') OR project_id = ANY (%L)', who, overseen)
            WHEN t.relname = 'audit_log' THEN format('project_id = ANY (%L) OR project_id IS NULL', audited)
            WHEN t.relname IN ('event_consumer', 'event_batch') THEN format('pg_has_role(%L, consumer_role, ''MEMBER'')', who)
            WHEN t.relname = 'row_history' THEN
                format('(project_id IS NULL OR project_id = ANY (%L)) AND (table_name <> ''access_grant'' OR project_id = ANY (%L))',
                       readable, overseen)
            WHEN t.col IS NULL THEN 'true'
            ELSE format('%I IS NULL OR %I = ANY (%L)', t.col, t.col, readable) END;
        RETURN QUERY EXECUTE format('SELECT %L::name, %s::bigint, count(*), NULL::text FROM mreg.%I WHERE %s GROUP BY 2',
                                    t.relname, coalesce(t.col, 'NULL'), t.relname, rule);
    END LOOP;
END
$$;

CREATE TEMP TABLE gm_seen AS SELECT l.who, s.* FROM gm_login l CROSS JOIN LATERAL pg_temp.gm_seen(l.who) s;
CREATE TEMP TABLE gm_expected AS SELECT l.who, s.* FROM gm_login l CROSS JOIN LATERAL pg_temp.gm_expected(l.who) s;

SELECT is((SELECT count(DISTINCT project_id) FROM gm_expected WHERE who = 'gm43_admin' AND tbl = 'model_version'), 2::bigint,
          'the expectations are not trivial: an admin of gm_a reads versions of gm_a and gm_pub');
-- one assertion per login and table
SELECT is((SELECT string_agg(format('project %s: %s', coalesce(p.name, 'none'), coalesce(s.err, s.n::text)), ', ' ORDER BY p.name)
             FROM gm_seen s LEFT JOIN mreg.project p ON p.id = s.project_id WHERE s.who = l.who AND s.tbl = t.tbl),
          (SELECT string_agg(format('project %s: %s', coalesce(p.name, 'none'), coalesce(e.err, e.n::text)), ', ' ORDER BY p.name)
             FROM gm_expected e LEFT JOIN mreg.project p ON p.id = e.project_id WHERE e.who = l.who AND e.tbl = t.tbl),
          format('%s sees exactly the rows of mreg.%s it may read', l.who, t.tbl))
  FROM gm_login l CROSS JOIN (SELECT DISTINCT tbl FROM gm_expected) t ORDER BY l.who, t.tbl;
-- the same when the scans run in parallel workers (the read policy's function is parallel safe)
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
CREATE TEMP TABLE gm_seen_parallel AS SELECT l.who, s.* FROM gm_login l CROSS JOIN LATERAL pg_temp.gm_seen(l.who) s;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT is((SELECT count(*) FROM ((TABLE gm_seen EXCEPT ALL TABLE gm_seen_parallel)
                                 UNION ALL (TABLE gm_seen_parallel EXCEPT ALL TABLE gm_seen)) d), 0::bigint,
          'every login sees the same rows when its scans run in parallel workers');

-- ---------------------------------------------------------------- functions
CREATE TEMP VIEW gm_fn AS
SELECT p.oid, p.oid::regprocedure AS sig, p.proname, n.nspname, p.prosecdef, p.proconfig, p.proacl, p.proowner,
       p.prosrc = 'mreg_api_call' AS is_entry
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('mreg', 'mreg_internal');

SELECT is((SELECT string_agg(sig::text, ', ') FROM gm_fn WHERE has_function_privilege('public', oid, 'EXECUTE')), NULL,
          'PUBLIC may execute no function of mreg or mreg_internal');
SELECT is((SELECT string_agg(sig::text, ', ') FROM gm_fn WHERE has_function_privilege('gm43_stranger', oid, 'EXECUTE')), NULL,
          'a login without a group role may execute nothing');
SELECT is((SELECT string_agg(DISTINCT format('%s to %s', f.sig, a.grantee::regrole), ', ')
             FROM gm_fn f CROSS JOIN LATERAL aclexplode(f.proacl) a
            WHERE f.nspname = 'mreg_internal' AND f.prosecdef AND a.grantee <> f.proowner), NULL,
          'nobody but the owner holds EXECUTE on a SECURITY DEFINER body in mreg_internal');
SELECT is((SELECT string_agg(DISTINCT format('%s by %s', f.sig, r.rolname), ', ')
             FROM gm_fn f CROSS JOIN (SELECT rolname FROM pg_roles WHERE rolname LIKE 'mreg\_%' OR rolname LIKE 'gm43\_%') r
            WHERE f.nspname = 'mreg_internal' AND f.prosecdef AND has_function_privilege(r.rolname, f.oid, 'EXECUTE')), NULL,
          'no group role or login may execute a SECURITY DEFINER body');
SELECT is((SELECT string_agg(sig::text, ', ') FROM gm_fn WHERE prosecdef AND nspname <> 'mreg_internal'), NULL,
          'SECURITY DEFINER bodies live in mreg_internal only (a user-facing one would skip the caller entry)');
SELECT is((SELECT string_agg(sig::text, ', ') FROM gm_fn
            WHERE prosecdef AND NOT EXISTS (SELECT FROM unnest(proconfig) c
                                             WHERE c LIKE 'search\_path=%'
                                               AND c NOT LIKE '%public%' AND c NOT LIKE '%$user%'
                                               AND c LIKE '%pg\_temp')), NULL,
          'every SECURITY DEFINER function pins search_path (no public, no $user, pg_temp last)');
SELECT is((SELECT string_agg(sig::text, ', ') FROM gm_fn WHERE is_entry AND prosecdef), NULL,
          'API entries run with the caller''s rights');
SELECT is((SELECT string_agg(e.sig::text, ', ') FROM gm_fn e WHERE e.is_entry AND e.nspname = 'mreg'
              AND NOT EXISTS (SELECT FROM gm_fn b WHERE b.nspname = 'mreg_internal' AND b.proname = e.proname AND b.prosecdef
                                AND (SELECT proargtypes FROM pg_proc WHERE oid = b.oid) = (SELECT proargtypes FROM pg_proc WHERE oid = e.oid))),
          NULL, 'every API entry has a SECURITY DEFINER body of the same name and argument types');
SELECT is((SELECT string_agg(b.sig::text, ', ') FROM gm_fn b WHERE b.nspname = 'mreg_internal' AND b.prosecdef
              AND (SELECT prorettype FROM pg_proc WHERE oid = b.oid) <> 'event_trigger'::regtype
              AND NOT EXISTS (SELECT FROM gm_fn e WHERE e.is_entry AND e.nspname = 'mreg' AND e.proname = b.proname)),
          NULL, 'every SECURITY DEFINER body has an API entry (else nobody can use it, or it is a leftover); the DDL guard, an event trigger, is the one exception');
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p
            WHERE p.pronamespace = 'mreg_internal'::regnamespace AND p.prosecdef AND p.prorettype = 'event_trigger'::regtype),
          'mreg_internal.guard_ddl()', 'the only SECURITY DEFINER event trigger function is the DDL guard');

-- The API entries and the lowest group role that may call each.  A new
-- entry in the catalog that is missing here fails the next test: add it.
CREATE TEMP TABLE gm_entry (name name PRIMARY KEY, lowest name NOT NULL);
INSERT INTO gm_entry VALUES
    ('create_project', 'mreg_admin'), ('grant_access', 'mreg_admin'), ('revoke_access', 'mreg_admin'),
    ('add_term', 'mreg_admin'), ('add_synonym', 'mreg_admin'), ('set_metadata_schema', 'mreg_admin'),
    ('set_vocabulary_mode', 'mreg_admin'), ('protect_alias', 'mreg_admin'),
    ('register_model', 'mreg_contributor'), ('register_dataset_version', 'mreg_contributor'),
    ('define_feature', 'mreg_contributor'), ('define_pipeline', 'mreg_contributor'),
    ('log_run', 'mreg_contributor'), ('log_evaluation', 'mreg_contributor'),
    ('register_model_version', 'mreg_contributor'),
    ('set_tag', 'mreg_contributor'), ('annotate', 'mreg_contributor'), ('add_lineage', 'mreg_contributor'),
    ('set_status', 'mreg_publisher'), ('retire', 'mreg_publisher'),
    ('set_alias', 'mreg_publisher'), ('remove_alias', 'mreg_publisher'),
    -- from main: inline artifacts, access report, policies and reviews
    ('artifact_content', 'mreg_reader'), ('access_report', 'mreg_reader'),
    ('set_policy', 'mreg_admin'), ('request_review', 'mreg_contributor'),
    ('approve', 'mreg_approver'), ('reject', 'mreg_approver'), ('escalate_overdue', 'mreg_admin'),
    ('personal_data', 'mreg_reader'), ('erase_personal_data', 'mreg_admin'), ('reindex_search', 'mreg_admin'),
    ('define_environment', 'mreg_admin'), ('promote', 'mreg_publisher'), ('rollback', 'mreg_publisher'),
    ('record_incident', 'mreg_contributor'), ('resolve_incident', 'mreg_contributor'),
    ('record_health', 'mreg_contributor'), ('create_health_partitions', 'mreg_contributor'),
    ('drop_health_before', 'mreg_admin'), ('log_drift', 'mreg_contributor'), ('log_feedback', 'mreg_contributor'),
    ('consume_events', 'mreg_reader'), ('purge_events', 'mreg_admin'),
    ('ingest_openlineage', 'mreg_contributor'),
    ('import_mlflow', 'mreg_contributor'),
    ('record_artifact_check', 'mreg_contributor'), ('define_pack', 'mreg_admin'), ('install_pack', 'mreg_admin'),
    ('record_audit_verification', 'mreg_auditor');

SELECT is((SELECT string_agg(DISTINCT proname, ', ') FROM gm_fn WHERE is_entry AND proname NOT IN (SELECT name FROM gm_entry)), NULL,
          'every API entry in the catalog has an expectation in this test (add new ones to gm_entry)');
SELECT is((SELECT string_agg(name, ', ') FROM gm_entry WHERE name NOT IN (SELECT proname FROM gm_fn WHERE is_entry)), NULL,
          'every expected API entry exists');
SELECT is((SELECT string_agg(DISTINCT f.proname, ', ') FROM gm_fn f
            WHERE f.nspname = 'mreg' AND NOT f.is_entry AND f.proname IN (SELECT name FROM gm_entry)), NULL,
          'no API name is also a plain function in mreg (an overload would run with the caller''s rights and skip the entry)');
-- each entry: exactly the group roles at or above its lowest one
SELECT is((SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_roles g
            WHERE g.rolname IN ('mreg_reader', 'mreg_contributor', 'mreg_publisher', 'mreg_approver', 'mreg_auditor', 'mreg_admin')
              AND has_function_privilege(g.rolname, f.oid, 'EXECUTE')),
          (SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_roles g
            WHERE g.rolname IN ('mreg_reader', 'mreg_contributor', 'mreg_publisher', 'mreg_approver', 'mreg_auditor', 'mreg_admin')
              AND pg_has_role(g.rolname, e.lowest, 'MEMBER')),
          format('%s: executable by exactly the group roles that include %s', f.sig, e.lowest))
  FROM gm_fn f JOIN gm_entry e ON e.name = f.proname WHERE f.is_entry ORDER BY f.sig::text;
SELECT is((SELECT string_agg(DISTINCT format('%s to %s', f.sig, a.grantee::regrole), ', ')
             FROM gm_fn f JOIN gm_entry e ON e.name = f.proname CROSS JOIN LATERAL aclexplode(f.proacl) a
            WHERE f.is_entry AND a.grantee <> f.proowner AND a.grantee <> e.lowest::regrole), NULL,
          'an entry is granted to its lowest group role only (membership does the rest)');

-- ---------------------------------------------------------------- what each write does for each login
-- One call per entry (project-less ones once), with %1$s the project and
-- %2$s a fresh number, %3$s the id of the project's version m@1.0.0, %4$s its deployment in staging,
-- %5$s an open incident of it, %6$s the artifact of m@1.0.0; priv is the project privilege it needs (NULL: none).
-- Each call runs in a subtransaction that is rolled back, success or not,
-- so no call changes what the next one finds.
CREATE TEMP TABLE gm_call (entry name, priv text, per_project boolean, sql text);
INSERT INTO gm_call VALUES
    ('create_project', NULL, false, $$SELECT mreg.create_project('gm_new_%2$s')$$),
    ('add_synonym', NULL, false, $$SELECT mreg.add_synonym('classification', 'gm-syn-%2$s')$$),
    ('add_term', NULL, false, $$SELECT mreg.add_term('domain', 'gm-global-%2$s')$$),
    ('grant_access', 'admin', true, $$SELECT mreg.grant_access('%1$s', 'gm43_dummy', 'contribute')$$),
    ('revoke_access', 'admin', true, $$SELECT mreg.revoke_access('%1$s', 'gm43_dummy', 'read')$$),
    ('add_term', 'admin', true, $$SELECT mreg.add_term('domain', 'gm-term-%2$s', NULL, '%1$s')$$),
    ('set_metadata_schema', 'admin', true, $$SELECT mreg.set_metadata_schema('%1$s', 'model_version', '{"type": "object", "properties": {"x": {"type": "string"}}}')$$),
    ('set_vocabulary_mode', 'admin', true, $$SELECT mreg.set_vocabulary_mode('%1$s', 'domain', 'strict')$$),
    ('protect_alias', 'admin', true, $$SELECT mreg.protect_alias('%1$s', 'm', 'champion', 'mreg_publisher')$$),
    ('register_model', 'contribute', true, $$SELECT mreg.register_model('%1$s', 'gmm%2$s')$$),
    ('register_dataset_version', 'contribute', true, $$SELECT mreg.register_dataset_version('%1$s', 'ds', 'v%2$s', 's3://ds/x')$$),
    ('define_feature', 'contribute', true, $$SELECT mreg.define_feature('%1$s', 'f%2$s', 'int')$$),
    ('define_pipeline', 'contribute', true, $$SELECT mreg.define_pipeline('%1$s', 'pl%2$s')$$),
    ('log_run', 'contribute', true, $$SELECT mreg.log_run('%1$s', 'exp', '{}')$$),
    ('log_evaluation', 'contribute', true, $$SELECT mreg.log_evaluation(%3$s, 'accuracy', 0.5)$$),
    ('register_model_version', 'contribute', true, $$SELECT mreg.register_model_version('%1$s', 'm', '9.%2$s.0', status => 'draft')$$),
    ('register_model_version', 'publish', true, $$SELECT mreg.register_model_version('%1$s', 'm', '8.%2$s.0')$$),
    ('set_tag', 'contribute', true, $$SELECT mreg.set_tag('%1$s/model:m', 'k%2$s', 'v')$$),
    ('annotate', 'contribute', true, $$SELECT mreg.annotate('%1$s/model:m@1.0.0', 'note %2$s')$$),
    ('add_lineage', 'contribute', true, $$SELECT mreg.add_lineage('%1$s/code:gm%2$s', '%1$s/model:m@0.9.0')$$),
    ('set_status', 'publish', true, $$SELECT mreg.set_status('%1$s', 'm', '1.0.0', 'staging')$$),
    ('retire', 'publish', true, $$SELECT mreg.retire('%1$s', 'm', '0.9.0', 'matrix')$$),
    ('set_alias', 'publish', true, $$SELECT mreg.set_alias('%1$s', 'm', 'staging', '1.0.0')$$),
    ('remove_alias', 'publish', true, $$SELECT mreg.remove_alias('%1$s', 'm', 'champion')$$),
    ('access_report', NULL, false, $$SELECT count(*) FROM mreg.access_report()$$),
    ('escalate_overdue', NULL, false, $$SELECT mreg.escalate_overdue()$$),
    ('reindex_search', NULL, false, $$SELECT mreg.reindex_search()$$),
    ('consume_events', NULL, false, $$SELECT count(*) FROM mreg.consume_events('gm%2$s')$$),
    ('purge_events', NULL, false, $$SELECT mreg.purge_events(now())$$),
    ('record_audit_verification', NULL, false, $$SELECT count(*) FROM mreg.record_audit_verification()$$),
    ('set_policy', 'admin', true, $$SELECT mreg.set_policy('%1$s', 'retire', NULL, '{"required_approvals": 1}')$$),
    ('personal_data', 'privacy', true,
     $$SELECT mreg.personal_data('model_version', %3$s) FROM (SELECT mreg.set_purpose('matrix')) s$$),
    ('erase_personal_data', 'privacy', true, $$SELECT mreg.erase_personal_data('model_version', %3$s)$$),
    ('define_environment', 'admin', true, $$SELECT mreg.define_environment('%1$s', 'gm%2$s')$$),
    ('promote', 'publish', true, $$SELECT mreg.promote('%1$s', 'm', '1.0.0', 'staging')$$),
    ('rollback', 'publish', true, $$SELECT mreg.rollback('%1$s', 'other', 'dev', 'matrix')$$),
    ('record_incident', 'contribute', true, $$SELECT mreg.record_incident(%4$s, 'low', 'matrix %2$s')$$),
    ('resolve_incident', 'contribute', true, $$SELECT mreg.resolve_incident(%5$s, 'matrix')$$),
    ('record_health', 'contribute', true, $$SELECT mreg.record_health(%4$s, now(), rps => %2$s)$$),
    ('create_health_partitions', NULL, false, $$SELECT mreg.create_health_partitions(current_date + 3, current_date + 4)$$),
    ('drop_health_before', NULL, false, $$SELECT mreg.drop_health_before('2000-01-01')$$),
    ('log_drift', 'contribute', true, $$SELECT mreg.log_drift(%3$s, 'f', 'psi', 0.1)$$),
    ('log_feedback', 'contribute', true, $$SELECT mreg.log_feedback(%3$s, '{"accuracy": 0.9}')$$),
    ('ingest_openlineage', 'contribute', true,
     $$SELECT mreg.ingest_openlineage(jsonb_build_object('eventType', 'COMPLETE', 'eventTime', '2026-01-01T00:00:00Z',
           'producer', 'urn:gm', 'run', jsonb_build_object('runId', gen_random_uuid()),
           'job', jsonb_build_object('namespace', '%1$s', 'name', 'gm-job-%2$s')))$$),
    -- an MLflow import: pending versions are drafts (contribute), ready ones registered (publish)
    ('import_mlflow', 'contribute', true, $$SELECT mreg.import_mlflow('[]', '[{"name": "mlf%2$s", "version": "1", "status": "PENDING_REGISTRATION"}]', '%1$s')$$),
    ('import_mlflow', 'publish', true, $$SELECT mreg.import_mlflow('[]', '[{"name": "mlf%2$s", "version": "1", "source": "s3://x"}]', '%1$s')$$),
    ('record_artifact_check', 'contribute', true, $$SELECT mreg.record_artifact_check(%6$s, 'ok')$$),
    ('install_pack', 'admin', true, $$SELECT mreg.install_pack('%1$s', 'computer-vision')$$),
    ('define_pack', NULL, false, $$SELECT mreg.define_pack('gm-pack-%2$s', '{"description": "matrix"}')$$);
-- Entries whose calls need state of their own (a purpose, a review to vote
-- on) are exercised per role in their own files.
CREATE TEMP TABLE gm_call_elsewhere (entry name, file text);
INSERT INTO gm_call_elsewhere VALUES
    ('artifact_content', '44_governance_attacks.sql and doc/governance.md'),
    ('request_review', '42_review.sql'), ('approve', '42_review.sql'), ('reject', '42_review.sql');

SELECT is((SELECT string_agg(name, ', ') FROM gm_entry WHERE name NOT IN (SELECT entry FROM gm_call UNION ALL SELECT entry FROM gm_call_elsewhere)), NULL,
          'every API entry has a call in the behaviour matrix (add one to gm_call)');

-- Runs a call as a role and rolls it back: 'ok' or the SQLSTATE.
CREATE FUNCTION pg_temp.gm_try(who name, stmt text) RETURNS text
    LANGUAGE plpgsql
AS $$
BEGIN
    BEGIN
        EXECUTE format('SET LOCAL ROLE %I', who);
        EXECUTE stmt;
        RAISE EXCEPTION 'gm: rolled back' USING ERRCODE = 'P0100';
    EXCEPTION WHEN OTHERS THEN
        RESET ROLE;
        RETURN CASE WHEN SQLSTATE = 'P0100' THEN 'ok' ELSE SQLSTATE END;
    END;
END
$$;

-- the superuser can do every call (the calls themselves are right)
SELECT is(pg_temp.gm_try(current_user, format(c.sql, p.project, row_number() OVER (), (SELECT v1 FROM gm_ids i WHERE i.project = p.project),
                                               (SELECT dep FROM gm_ids i WHERE i.project = p.project), (SELECT inc FROM gm_ids i WHERE i.project = p.project),
                                               (SELECT art FROM gm_ids i WHERE i.project = p.project))), 'ok',
          format('superuser: %s in %s works', c.entry, p.project))
  FROM gm_call c CROSS JOIN (VALUES ('gm_a'), ('gm_b'), ('gm_pub')) p(project)
 WHERE c.per_project OR p.project = 'gm_a';

CREATE TEMP TABLE gm_outcome AS
SELECT l.who, c.entry, c.priv, CASE WHEN c.per_project THEN p.project END AS project,
       pg_temp.gm_try(l.who, format(c.sql, p.project, 1000 + row_number() OVER (), (SELECT v1 FROM gm_ids i WHERE i.project = p.project),
                                    (SELECT dep FROM gm_ids i WHERE i.project = p.project), (SELECT inc FROM gm_ids i WHERE i.project = p.project),
                                    (SELECT art FROM gm_ids i WHERE i.project = p.project))) AS got,
       CASE WHEN NOT pg_has_role(l.who, e.lowest, 'MEMBER') THEN '42501'            -- no EXECUTE
            WHEN NOT c.per_project THEN 'ok'                                      -- membership is enough
            WHEN NOT pg_temp.gm_may(l.who, p.project, 'read') THEN '23503'       -- looks absent
            WHEN NOT pg_temp.gm_may(l.who, p.project, c.priv) THEN '42501'
            ELSE 'ok' END AS expected
  FROM gm_login l CROSS JOIN gm_call c JOIN gm_entry e ON e.name = c.entry
 CROSS JOIN (VALUES ('gm_a'), ('gm_b'), ('gm_pub')) p(project)
 WHERE c.per_project OR p.project = 'gm_a';

SELECT is(got, expected, format('%s: %s%s%s', who, entry, coalesce(' (' || priv || ')', ''), coalesce(' in ' || project, '')))
  FROM gm_outcome ORDER BY who, entry, priv, project;
SELECT ok((SELECT count(*) FILTER (WHERE expected = 'ok') > 30 AND count(*) FILTER (WHERE expected = '23503') > 30
                  AND count(*) FILTER (WHERE expected = '42501') > 30 FROM gm_outcome),
          'the behaviour matrix covers successes, refusals and invisible projects');

-- an invisible project fails with the very message of an absent one
SET ROLE gm43_contributor;
SELECT throws_ok($$SELECT mreg.log_run('gm_b', 'exp', '{}')$$, '23503', 'project ''gm_b'' does not exist',
                 'a project one may not read: "does not exist"');
SELECT throws_ok($$SELECT mreg.log_run('gm_nowhere', 'exp', '{}')$$, '23503', 'project ''gm_nowhere'' does not exist',
                 'the same words as a project that does not exist');
RESET ROLE;
SET ROLE gm43_expired;
SELECT throws_ok($$SELECT mreg.log_run('gm_a', 'exp', '{}')$$, '23503', 'project ''gm_a'' does not exist',
                 'an expired grant: the project is gone for its holder at once, with no job');
SELECT is((SELECT count(*) FROM mreg.project WHERE name = 'gm_a'), 0::bigint, 'and its rows are invisible');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
