-- Governance wiring, after every table and function exists: the API entries,
-- privileges, row-level security and the DDL guard (SPEC section 6).
--
-- Writes go through the API only.  No role the extension creates gets
-- INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES on a table; the
-- API's bodies (SECURITY DEFINER, in mreg_internal, executable by nobody)
-- write, and each checks the caller's grant on the project itself.
--
-- Every upgrade script runs this file again, after the new capability files
-- (Makefile UPGRADE_RERUN, doc/development.md): each statement creates or
-- replaces what it owns, so a second run leaves what a fresh install has.

-- ---------------------------------------------------------------- API entries
-- Each write function a user sees is a C entry (src/caller.c) with the
-- arguments, defaults and comment of its body; the list says which group
-- role may call it (members of roles that include it may too).
DO $$
DECLARE
    e pg_catalog.record;
    f pg_catalog.record;
    n pg_catalog.int4;
    saved pg_catalog.text := pg_catalog.current_setting('search_path');
BEGIN
    -- types print schema-qualified in the generated signatures
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog', true);
    FOR e IN SELECT * FROM (VALUES
            ('create_project', 'mreg_admin'), ('grant_access', 'mreg_admin'), ('revoke_access', 'mreg_admin'),
            ('add_term', 'mreg_admin'), ('add_synonym', 'mreg_admin'), ('set_metadata_schema', 'mreg_admin'),
            ('set_vocabulary_mode', 'mreg_admin'), ('protect_alias', 'mreg_admin'),
            ('register_model', 'mreg_contributor'), ('register_dataset_version', 'mreg_contributor'),
            ('define_feature', 'mreg_contributor'), ('define_pipeline', 'mreg_contributor'),
            ('log_run', 'mreg_contributor'), ('log_evaluation', 'mreg_contributor'),
            ('register_model_version', 'mreg_contributor'),     -- drafts; publishing checks publish
            ('set_tag', 'mreg_contributor'), ('annotate', 'mreg_contributor'), ('add_lineage', 'mreg_contributor'),
            ('set_status', 'mreg_publisher'), ('retire', 'mreg_publisher'),
            ('set_alias', 'mreg_publisher'), ('remove_alias', 'mreg_publisher'),
            ('artifact_content', 'mreg_reader'), ('access_report', 'mreg_reader'),
            -- personal data (37_privacy.sql): the bodies check privacy on the project
            ('personal_data', 'mreg_reader'), ('erase_personal_data', 'mreg_admin'),
            -- search (62_search_index.sql): rebuilding every document
            ('reindex_search', 'mreg_admin'),
            -- policies and reviews (46_api_policy.sql, 47_api_review.sql)
            ('set_policy', 'mreg_admin'), ('request_review', 'mreg_contributor'),
            ('approve', 'mreg_approver'), ('reject', 'mreg_approver'), ('escalate_overdue', 'mreg_admin'),
            -- deployments and monitoring (72_api_deploy.sql, 73_health.sql, 74_api_monitor.sql)
            ('define_environment', 'mreg_admin'), ('promote', 'mreg_publisher'), ('rollback', 'mreg_publisher'),
            ('record_incident', 'mreg_contributor'), ('resolve_incident', 'mreg_contributor'),
            ('record_health', 'mreg_contributor'), ('create_health_partitions', 'mreg_contributor'),
            ('drop_health_before', 'mreg_admin'),
            ('log_drift', 'mreg_contributor'), ('log_feedback', 'mreg_contributor'),
            -- event stream (76_events.sql): consuming moves the caller's own cursor
            ('consume_events', 'mreg_reader'), ('purge_events', 'mreg_admin'),
            -- OpenLineage (81_openlineage.sql): runs, dataset versions and edges from RunEvents
            ('ingest_openlineage', 'mreg_contributor'),
            -- MLflow (80_mlflow_interchange.sql): each write inside goes through its own entry
            ('import_mlflow', 'mreg_contributor'),
            -- artifact checks (77_artifact_checks.sql), domain packs (83_packs.sql)
            ('record_artifact_check', 'mreg_contributor'),
            ('define_pack', 'mreg_admin'), ('install_pack', 'mreg_admin'),
            -- self-monitoring (88_registry_health.sql): a verification kept for the dashboard
            ('record_audit_verification', 'mreg_auditor')
        ) AS x(name, role) LOOP
        n := 0;
        FOR f IN SELECT p.oid, p.proname FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace OPERATOR(pg_catalog.=) 'mreg_internal'::pg_catalog.regnamespace
                    AND p.proname OPERATOR(pg_catalog.=) e.name AND p.prosecdef LOOP
            EXECUTE pg_catalog.format('CREATE OR REPLACE FUNCTION mreg.%I(%s) RETURNS %s LANGUAGE C VOLATILE AS %L, %L',
                                      f.proname, pg_catalog.pg_get_function_arguments(f.oid),
                                      pg_catalog.pg_get_function_result(f.oid), 'MODULE_PATHNAME', 'mreg_api_call');
            EXECUTE pg_catalog.format('COMMENT ON FUNCTION mreg.%I(%s) IS %L', f.proname,
                                      pg_catalog.pg_get_function_identity_arguments(f.oid),
                                      pg_catalog.obj_description(f.oid, 'pg_proc'));
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION mreg.%I(%s) FROM PUBLIC', f.proname,
                                      pg_catalog.pg_get_function_identity_arguments(f.oid));
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mreg.%I(%s) TO %I', f.proname,
                                      pg_catalog.pg_get_function_identity_arguments(f.oid), e.role);
            n := n OPERATOR(pg_catalog.+) 1;
        END LOOP;
        IF n OPERATOR(pg_catalog.=) 0 THEN
            RAISE EXCEPTION 'mreg API entry % has no SECURITY DEFINER body in mreg_internal', e.name;
        END IF;
    END LOOP;
    PERFORM pg_catalog.set_config('search_path', saved, true);
END
$$;

CREATE OR REPLACE FUNCTION mreg_internal.is_api_body(f pg_catalog.regprocedure) RETURNS pg_catalog.bool
    LANGUAGE sql STABLE
RETURN EXISTS (SELECT FROM pg_catalog.pg_proc p
                WHERE p.oid OPERATOR(pg_catalog.=) f AND p.prosecdef
                  AND p.pronamespace OPERATOR(pg_catalog.=) 'mreg_internal'::pg_catalog.regnamespace);
COMMENT ON FUNCTION mreg_internal.is_api_body(pg_catalog.regprocedure) IS
    'Whether a function is a write API body (SECURITY DEFINER in mreg_internal: executable by nobody)';

-- ---------------------------------------------------------------- privileges
-- Functions: nothing for PUBLIC.  Readers may execute what runs with their
-- own rights (read functions, type support, internal helpers: the table
-- privileges and row-level security bound what those can do); nobody may
-- execute a body, access_rows (src/access.c runs it as the owner) or the
-- install-time add_guards; the entries' grants are above.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA mreg FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA mreg_internal FROM PUBLIC;
DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace OPERATOR(pg_catalog.=) ANY (ARRAY['mreg'::pg_catalog.regnamespace, 'mreg_internal'::pg_catalog.regnamespace])
                AND NOT p.prosecdef
                AND p.prorettype OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype])
                AND p.prosrc OPERATOR(pg_catalog.<>) 'mreg_api_call'
                AND p.oid OPERATOR(pg_catalog.<>) ALL (ARRAY['mreg_internal.access_rows(pg_catalog.oid)'::pg_catalog.regprocedure,
                        'mreg_internal.add_guards(pg_catalog.text, pg_catalog.name[])'::pg_catalog.regprocedure,
                        -- lets a body leave out its audit row: for the bodies alone
                        'mreg_internal.audit_skip()'::pg_catalog.regprocedure,
                        -- refuses non-superusers itself; no grant is cleaner
                        'mreg_internal.audit(pg_catalog.int8, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb)'::pg_catalog.regprocedure]) LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO mreg_reader', f);
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA mreg, mreg_internal TO mreg_reader;

-- Tables and views: readers SELECT (row-level security picks the rows);
-- inline artifact bytes only through mreg.artifact_content() (audited), the
-- audit log only for auditors, sequences for nobody.
GRANT SELECT ON ALL TABLES IN SCHEMA mreg TO mreg_reader;
REVOKE SELECT ON mreg.artifact FROM mreg_reader;
DO $$
BEGIN
    EXECUTE pg_catalog.format('GRANT SELECT (%s) ON mreg.artifact TO mreg_reader',
        (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum)
           FROM pg_catalog.pg_attribute a
          WHERE a.attrelid OPERATOR(pg_catalog.=) 'mreg.artifact'::pg_catalog.regclass AND a.attnum OPERATOR(pg_catalog.>) 0
            AND NOT a.attisdropped AND a.attname OPERATOR(pg_catalog.<>) 'content'));
END
$$;
REVOKE SELECT ON mreg.audit_log FROM mreg_reader;
GRANT SELECT ON mreg.audit_log TO mreg_auditor;
-- personal values: only through mreg.personal_data() (privacy, purpose, audited)
REVOKE SELECT ON mreg.personal_data FROM mreg_reader;
-- health signals: COPY in (the one table written outside the API: 73_health.sql
-- checks every row in C), read through mreg.health
-- INSERT of the measured columns only: id comes from the sequence (a chosen id
-- probed for other projects' rows through unique violations) and created_by
-- is the writer (CURRENT_USER), not a name of the writer's choosing.
REVOKE SELECT ON mreg.health_signal FROM mreg_reader;
GRANT INSERT (project_id, deployment_id, at, latency_p50_ms, latency_p95_ms, latency_p99_ms,
              error_rate, cpu, memory_mb, rps) ON mreg.health_signal TO mreg_contributor;

-- ---------------------------------------------------------------- row-level security
-- Every table, FORCE (the owner obeys it too; the API's bodies run as a
-- superuser, which bypasses it, and check visibility themselves).  Only
-- SELECT policies exist: with row-level security on, an INSERT, UPDATE or
-- DELETE without a policy is refused or touches nothing, whatever table
-- privileges someone was given.  Read visibility is one call per row of
-- mreg_internal.can_read(project_id): a binary search in the cache of
-- src/access.c.  (An InitPlan with the readable projects' ids, one per
-- table of a query, costs more: a view joining four tables ran four, and
-- `= ANY (array)` compares every id of it with every row the scan reads.)
-- Admin and audit visibility, rarer, read projects_with() once per query.
DO $$
DECLARE
    t pg_catalog.record;
    readable pg_catalog.text := 'mreg_internal.can_read(project_id)';
    rule pg_catalog.text;
BEGIN
    FOR t IN SELECT c.relname,
                    (SELECT a.attnotnull FROM pg_catalog.pg_attribute a
                      WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attname OPERATOR(pg_catalog.=) 'project_id'
                        AND NOT a.attisdropped) AS project_not_null
               FROM pg_catalog.pg_class c
              WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
                AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p'])
                -- COPY FROM refuses tables with row-level security: health_signal
                -- has no SELECT for anyone and is read through mreg.health
                AND c.relname OPERATOR(pg_catalog.<>) 'health_signal' LOOP
        rule := CASE
            WHEN t.relname OPERATOR(pg_catalog.=) 'project' THEN
                'mreg_internal.can_read(id)'
            WHEN t.relname OPERATOR(pg_catalog.=) 'access_grant' THEN
                -- one's own grants (or a team's one belongs to); all of a project for its admins and auditors
                'pg_catalog.pg_has_role(pg_catalog.to_regrole(pg_catalog.quote_ident(grantee)), ''MEMBER'')
                 OR project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''admin''))::pg_catalog.int8[])
                 OR project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''audit''))::pg_catalog.int8[])'
            WHEN t.relname OPERATOR(pg_catalog.=) ANY (ARRAY['event_consumer', 'event_batch']) THEN
                -- a consumer is its role's (or a team's one belongs to)
                'pg_catalog.pg_has_role(pg_catalog.to_regrole(pg_catalog.quote_ident(consumer_role)), ''MEMBER'')'
            WHEN t.relname OPERATOR(pg_catalog.=) 'audit_log' THEN
                'project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''audit''))::pg_catalog.int8[])
                 OR (project_id IS NULL AND pg_catalog.pg_has_role(''mreg_auditor'', ''MEMBER''))'
            WHEN t.relname OPERATOR(pg_catalog.=) 'personal_data' THEN
                -- nobody holds SELECT; should someone be given it, privacy still decides
                'project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''privacy''))::pg_catalog.int8[])'
            WHEN t.relname OPERATOR(pg_catalog.=) 'row_history' THEN
                -- old grants are for the project's admins and auditors, like the grants
                '(project_id IS NULL OR ' || readable || ')
                 AND (table_name OPERATOR(pg_catalog.<>) ''access_grant''
                      OR project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''admin''))::pg_catalog.int8[])
                      OR project_id OPERATOR(pg_catalog.=) ANY ((SELECT mreg_internal.projects_with(''audit''))::pg_catalog.int8[]))'
            WHEN t.project_not_null THEN readable
            -- notes, tags and edges of free-form nodes, global vocabulary: every reader
            WHEN NOT t.project_not_null THEN 'project_id IS NULL OR ' || readable
            ELSE 'true'                 -- no project at all (synonyms): every reader
        END;
        EXECUTE pg_catalog.format('ALTER TABLE mreg.%I ENABLE ROW LEVEL SECURITY', t.relname);
        EXECUTE pg_catalog.format('ALTER TABLE mreg.%I FORCE ROW LEVEL SECURITY', t.relname);
        -- an upgrade replaces the policy (its rule may have changed)
        IF EXISTS (SELECT FROM pg_catalog.pg_policy p
                    WHERE p.polrelid OPERATOR(pg_catalog.=) pg_catalog.format('mreg.%I', t.relname)::pg_catalog.regclass
                      AND p.polname OPERATOR(pg_catalog.=) 'visible') THEN
            EXECUTE pg_catalog.format('DROP POLICY visible ON mreg.%I', t.relname);
        END IF;
        EXECUTE pg_catalog.format('CREATE POLICY visible ON mreg.%I FOR SELECT USING (%s)', t.relname, rule);
    END LOOP;
END
$$;

-- Analysts' views run with the querying role's rights and policies.
DO $$
DECLARE
    v pg_catalog.name;
BEGIN
    FOR v IN SELECT c.relname FROM pg_catalog.pg_class c
              WHERE c.relnamespace OPERATOR(pg_catalog.=) 'mreg'::pg_catalog.regnamespace
                AND c.relkind OPERATOR(pg_catalog.=) 'v'
                -- mreg.health reads the write-only health_signal as the owner, filtered by can_read
                AND c.relname OPERATOR(pg_catalog.<>) 'health' LOOP
        EXECUTE pg_catalog.format('ALTER VIEW mreg.%I SET (security_invoker = true)', v);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------- the DDL guard
-- Outside the extension's own scripts, nobody changes the registry's objects:
-- no trigger (a BEFORE trigger of someone else's would rewrite rows after
-- the guards ran), rule, policy, column or index on them, and no grant of a
-- write privilege (INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES: a
-- foreign key into a registry table would probe for hidden ids) or of
-- EXECUTE on an API body.  A superuser can still disable this event trigger;
-- the audit chain records what the API did, and verify_audit_chain() finds
-- rows changed behind its back.
-- SECURITY DEFINER: it fires for every DDL of the database, by any role,
-- and must not need that role to hold USAGE on mreg_internal (a role of
-- another application could otherwise run no DDL at all).  It only reads
-- the catalogs and refuses; nobody may execute it directly.
CREATE OR REPLACE FUNCTION mreg_internal.guard_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    c record;
    bad text;
    owner_class oid;
    owner_oid oid;
BEGIN
    IF mreg_internal.creating_extension() THEN
        RETURN;
    END IF;
    FOR c IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF c.command_tag IN ('GRANT', 'REVOKE', 'COMMENT', 'SECURITY LABEL') THEN
            CONTINUE;
        END IF;
        -- a trigger, policy, rule or index is a change of its table
        owner_class := c.classid;
        owner_oid := c.objid;
        IF c.classid = 'pg_trigger'::regclass THEN
            owner_class := 'pg_class'::regclass; owner_oid := (SELECT t.tgrelid FROM pg_trigger t WHERE t.oid = c.objid);
        ELSIF c.classid = 'pg_policy'::regclass THEN
            owner_class := 'pg_class'::regclass; owner_oid := (SELECT p.polrelid FROM pg_policy p WHERE p.oid = c.objid);
        ELSIF c.classid = 'pg_rewrite'::regclass THEN
            owner_class := 'pg_class'::regclass; owner_oid := (SELECT w.ev_class FROM pg_rewrite w WHERE w.oid = c.objid);
        ELSIF c.classid = 'pg_class'::regclass AND EXISTS (SELECT FROM pg_index x WHERE x.indexrelid = c.objid) THEN
            owner_oid := (SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = c.objid);
        END IF;
        -- a restore attaches the day partitions of health signals (pg_dump writes
        -- each as its own statement; nothing else rides along)
        IF c.command_tag = 'ALTER TABLE' AND owner_class = 'pg_class'::regclass
           AND owner_oid = 'mreg.health_signal'::regclass
           AND current_query() ~ ('^\s*ALTER TABLE (ONLY )?mreg\.health_signal ATTACH PARTITION mreg_internal\.health_signal_p[0-9]{8,9} '
                                  || 'FOR VALUES FROM \(''[^'';]*''\) TO \(''[^'';]*''\)\s*;?\s*$') THEN
            CONTINUE;
        END IF;
        -- the extension's own objects; tables a superuser adds to schema mreg are theirs
        IF EXISTS (SELECT FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
                    WHERE d.classid = owner_class AND d.objid = owner_oid AND d.deptype = 'e'
                      AND d.refclassid = 'pg_extension'::regclass AND x.extname = 'mreg') THEN
            RAISE EXCEPTION '% on % is not allowed', c.command_tag, coalesce(c.object_identity, c.schema_name)
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'The registry''s tables, functions and policies change only with the extension (ALTER EXTENSION mreg UPDATE).',
                      HINT = 'Build on the registry in your own schema: views, functions and tables that read mreg''s views.';
        END IF;
    END LOOP;
    SELECT string_agg(DISTINCT format('%s on %s to %s', a.privilege_type, c2.oid::regclass,
                                      CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END), ', ')
      INTO bad
      FROM pg_class c2 CROSS JOIN LATERAL aclexplode(c2.relacl) a
     WHERE c2.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace)
       AND EXISTS (SELECT FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c2.oid AND d.deptype = 'e' AND x.extname = 'mreg')
       AND a.grantee <> c2.relowner
       AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES')
       -- the one sanctioned write privilege: COPY of health signals (73_health.sql)
       AND NOT (c2.oid = 'mreg.health_signal'::regclass AND a.privilege_type = 'INSERT'
                AND a.grantee = 'mreg_contributor'::regrole);
    IF bad IS NULL THEN
        -- column privileges too: GRANT REFERENCES (id) would probe hidden ids just the same
        SELECT string_agg(DISTINCT format('%s (%I) on %s to %s', a.privilege_type, t.attname, c2.oid::regclass,
                                          CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END), ', ')
          INTO bad
          FROM pg_class c2 JOIN pg_attribute t ON t.attrelid = c2.oid CROSS JOIN LATERAL aclexplode(t.attacl) a
         WHERE c2.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace)
           AND EXISTS (SELECT FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c2.oid AND d.deptype = 'e' AND x.extname = 'mreg')
           AND a.grantee <> c2.relowner
           AND a.privilege_type IN ('INSERT', 'UPDATE', 'REFERENCES')
           -- COPY of health signals: the measured columns (73_health.sql)
           AND NOT (c2.oid = 'mreg.health_signal'::regclass AND a.privilege_type = 'INSERT'
                    AND a.grantee = 'mreg_contributor'::regrole
                    AND t.attname <> ALL (ARRAY['id', 'created_by']::name[]));
    END IF;
    IF bad IS NULL THEN
        SELECT string_agg(DISTINCT format('EXECUTE on %s to %s', p.oid::regprocedure,
                                          CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END), ', ')
          INTO bad
          FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a
         WHERE p.pronamespace = 'mreg_internal'::regnamespace AND p.prosecdef AND a.grantee <> p.proowner;
    END IF;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'registry tables are written through the API only'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Refused: %s.', bad),
                  HINT = 'Grant a group role (mreg_contributor, mreg_publisher, ...) and a project privilege with mreg.grant_access() instead.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_ddl() IS
    'Event trigger: refuses DDL on the registry''s objects outside extension scripts, and grants of write privileges or of EXECUTE on API bodies';

-- (an upgrade keeps the one it has: it runs the replaced function)
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_event_trigger e WHERE e.evtname OPERATOR(pg_catalog.=) 'mreg_guard_ddl') THEN
        CREATE EVENT TRIGGER mreg_guard_ddl ON ddl_command_end
            EXECUTE FUNCTION mreg_internal.guard_ddl();
    END IF;
END
$$;

-- created after the REVOKE FROM PUBLIC above: PUBLIC gets nothing, not even
-- a trigger function nobody can call directly
REVOKE ALL ON FUNCTION mreg_internal.guard_ddl() FROM PUBLIC;
