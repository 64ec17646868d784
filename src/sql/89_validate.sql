-- Self-monitoring (issue 13): mreg.validate() checks the registry's
-- invariants and returns each violation (doc/operations.md).
--
-- The API keeps these invariants; a violation means something went around
-- it (a superuser's direct write with the guards off, a restore of a broken
-- dump, a bug) or a state the API allows but an operator should look at.
-- Each row says which: severity
--   error    an invariant is broken
--   warning  allowed by the API, but worth a look (an artifact without a
--            checksum, an alias an environment should move but someone moved)
--   skipped  a check the caller may not run (the audit chain needs
--            mreg_auditor; checksums of inline bytes need SELECT on their
--            column): run validate() as an auditor or superuser for those
-- A clean registry returns no row for a superuser.
--
-- It runs with the caller's rights: row-level security applies, so it checks
-- the projects the caller may read (a superuser: all).  A provenance node of
-- a project the caller may not read is not checked (it cannot tell a hidden
-- dataset version from a missing one).  The installation-wide checks (audit
-- chain, health partition privileges) read the catalog or need an auditor.
--
-- An auditor's validate() in a read-write transaction verifies the audit
-- chain through mreg.record_audit_verification(), so the dashboard
-- (mreg.registry_health) sees when it last ran; on a standby or in a
-- read-only transaction it verifies without recording.
CREATE FUNCTION mreg.validate()
    RETURNS TABLE (invariant text, severity text, node text, detail text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    chain record;
BEGIN
    -- ------------------------------------------------------------ versions and provenance
    -- A version's project is its model's.
    RETURN QUERY
    SELECT 'version_project', 'error', mreg_internal.version_node(p.name, m.name, v.version),
           format('version %s has project_id %s, its model %s', v.id, v.project_id, m.project_id)
      FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = m.project_id
     WHERE v.project_id <> m.project_id;

    -- Every version past draft has its provenance snapshot: at least its own
    -- node (a version without a run has just that), and the run it names.
    RETURN QUERY
    SELECT 'provenance', 'error', mreg_internal.version_node(p.name, m.name, v.version),
           CASE WHEN mreg.lineage_node_count(v.provenance) = 0
                THEN format('%s version %s has an empty provenance snapshot', v.status, v.id)
                WHEN NOT v.provenance OPERATOR(mreg.@>) mreg_internal.version_node(NULL, m.name, v.version)
                THEN format('the provenance of %s version %s lacks its own node', v.status, v.id)
                ELSE format('the provenance of %s version %s lacks its run run:%s', v.status, v.id, v.run_id) END
      FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
     WHERE v.status <> 'draft'
       AND (NOT v.provenance OPERATOR(mreg.@>) mreg_internal.version_node(NULL, m.name, v.version)
            OR (v.run_id IS NOT NULL AND NOT v.provenance OPERATOR(mreg.@>) ('run:' || v.run_id)));

    -- Every dataset version a provenance names still exists (checked where
    -- the caller may read the dataset's project).
    RETURN QUERY
    WITH n AS (
        SELECT v.id, p.name AS project, m.name AS model, v.version, x.node, mreg.parse_node(x.node) AS parsed
          FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
         CROSS JOIN LATERAL mreg.lineage_nodes(v.provenance) x(node)
         WHERE v.status <> 'draft' AND x.node ~ '^(?:[^:]*/)?dataset:.*@'
    ), d AS (
        SELECT n.*, coalesce((n.parsed).project, n.project) AS ds_project,
               split_part((n.parsed).name, '@', 1) AS ds_name,
               substr((n.parsed).name, length(split_part((n.parsed).name, '@', 1)) + 2) AS ds_version
          FROM n WHERE (n.parsed).kind = 'dataset'
    )
    SELECT 'provenance_dataset', 'error', mreg_internal.version_node(d.project, d.model, d.version),
           format('provenance names %s, which is not registered', d.node)
      FROM d JOIN mreg.project pr ON pr.name = d.ds_project          -- a project the caller may read
     WHERE NOT EXISTS (SELECT FROM mreg.dataset ds JOIN mreg.dataset_version dv ON dv.dataset_id = ds.id
                        WHERE ds.project_id = pr.id AND ds.name = d.ds_name AND dv.version = d.ds_version);

    -- ------------------------------------------------------------ artifacts
    RETURN QUERY
    SELECT 'artifact_checksum', 'warning', mreg_internal.version_node(p.name, m.name, v.version),
           format('artifact %s (%s) has no sha256: its integrity cannot be verified', mreg_internal.quote_short(a.name),
                  coalesce(mreg_internal.quote_short(a.uri), 'inline'))
      FROM mreg.artifact a JOIN mreg.model_version v ON v.id = a.model_version_id
      JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
     WHERE a.sha256 IS NULL AND v.status <> 'draft';
    IF has_column_privilege('mreg.artifact', 'content', 'SELECT') THEN
        -- inline bytes stored in the clear are hashed in the database at registration
        RETURN QUERY
        SELECT 'artifact_checksum_match', 'error', mreg_internal.version_node(p.name, m.name, v.version),
               format('the inline content of artifact %s does not match its sha256', mreg_internal.quote_short(a.name))
          FROM mreg.artifact a JOIN mreg.model_version v ON v.id = a.model_version_id
          JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
         WHERE a.content IS NOT NULL AND NOT a.encrypted
           AND a.sha256 IS DISTINCT FROM encode(sha256(a.content), 'hex');
    ELSE
        RETURN QUERY SELECT 'artifact_checksum_match', 'skipped', NULL::text,
            'checksums of inline artifact bytes: needs SELECT on mreg.artifact.content (a superuser)';
    END IF;

    -- ------------------------------------------------------------ aliases
    RETURN QUERY
    SELECT 'alias', 'error', mreg_internal.node_text(p.name, 'model', m.name || a.name),
           CASE WHEN v.model_id <> a.model_id
                THEN format('points at version %s of another model (id %s)', v.id, v.model_id)
                WHEN v.project_id <> a.project_id
                THEN format('its project_id %s is not its version''s %s', a.project_id, v.project_id)
                ELSE format('points at %s, which is %s', v.version, v.status) END
      FROM mreg.alias a JOIN mreg.model m ON m.id = a.model_id JOIN mreg.project p ON p.id = m.project_id
      JOIN mreg.model_version v ON v.id = a.model_version_id
     WHERE v.model_id <> a.model_id OR v.project_id <> a.project_id OR v.status IN ('draft', 'retired');

    -- ------------------------------------------------------------ deployments
    RETURN QUERY
    WITH cur AS (
        SELECT d.model_id, d.environment_id,
               count(*) FILTER (WHERE d.state = 'live') AS lives,
               count(*) FILTER (WHERE d.state = 'canary') AS canaries,
               sum(d.traffic_pct) AS traffic
          FROM mreg.deployment d WHERE d.state IN ('live', 'canary')
         GROUP BY d.model_id, d.environment_id
    )
    SELECT 'deployment', 'error', mreg_internal.node_text(p.name, 'model', m.name) || ' in ' || e.name,
           CASE WHEN cur.lives > 1 OR cur.canaries > 1
                THEN format('%s live and %s canary deployments at once (at most one each)', cur.lives, cur.canaries)
                WHEN cur.lives = 0 THEN format('%s canary without a live version', cur.canaries)
                ELSE format('live and canary traffic add up to %s%%, not 100%%', cur.traffic) END
      FROM cur JOIN mreg.model m ON m.id = cur.model_id JOIN mreg.project p ON p.id = m.project_id
      JOIN mreg.environment e ON e.id = cur.environment_id
     WHERE cur.lives <> 1 OR cur.canaries > 1 OR cur.traffic <> 100;

    RETURN QUERY
    SELECT 'deployment_version', 'error', mreg_internal.version_node(p.name, m.name, v.version) || ' in ' || e.name,
           CASE WHEN v.model_id <> d.model_id THEN format('deployment %s of model %s runs a version of model %s', d.id, d.model_id, v.model_id)
                ELSE format('deployment %s (%s, %s%%) runs a %s version', d.id, d.state, d.traffic_pct, v.status) END
      FROM mreg.deployment d JOIN mreg.model_version v ON v.id = d.model_version_id
      JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
      JOIN mreg.environment e ON e.id = d.environment_id
     WHERE d.state IN ('live', 'canary') AND (v.status IN ('draft', 'retired') OR v.model_id <> d.model_id);

    -- an environment with follow_alias moves the alias to what goes live there;
    -- set_alias can move it by hand, and define_environment can set it later
    RETURN QUERY
    SELECT 'follow_alias', 'warning', mreg_internal.node_text(p.name, 'model', m.name || e.follow_alias),
           CASE WHEN a.id IS NULL THEN format('%s follows %s, where %s is live, but the alias does not exist', e.name, e.follow_alias, v.version)
                ELSE format('%s follows %s, where %s is live, but the alias points at %s', e.name, e.follow_alias, v.version,
                            (SELECT x.version FROM mreg.model_version x WHERE x.id = a.model_version_id)) END
      FROM mreg.deployment d JOIN mreg.environment e ON e.id = d.environment_id
      JOIN mreg.model m ON m.id = d.model_id JOIN mreg.project p ON p.id = m.project_id
      JOIN mreg.model_version v ON v.id = d.model_version_id
      LEFT JOIN mreg.alias a ON a.model_id = d.model_id AND a.name = e.follow_alias
     WHERE d.state = 'live' AND e.follow_alias IS NOT NULL
       AND a.model_version_id IS DISTINCT FROM d.model_version_id;

    -- ------------------------------------------------------------ search documents
    RETURN QUERY
    SELECT 'search_document', 'error', mreg_internal.version_node(p.name, m.name, v.version),
           CASE WHEN d.id IS NULL THEN format('version %s has no search document', v.id)
                ELSE format('its search document says %s %s %s, the version is %s %s %s', d.project, d.model, d.stage, p.name, m.name, v.status) END
      FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
      LEFT JOIN mreg.search_doc d ON d.model_version_id = v.id
     WHERE d.id IS NULL OR d.stage <> v.status OR d.model <> m.name OR d.project <> p.name OR d.version <> v.version;

    -- ------------------------------------------------------------ health signal partitions
    -- plain tables of the owner: nobody else may read or write one
    RETURN QUERY
    SELECT 'health_partition_privileges', 'error', c.oid::regclass::text,
           format('grants %s', string_agg(format('%s to %s', a.privilege_type,
                                                 CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END), ', '
                                          ORDER BY a.privilege_type))
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid CROSS JOIN LATERAL aclexplode(c.relacl) a
     WHERE i.inhparent = 'mreg.health_signal'::regclass AND a.grantee <> c.relowner
     GROUP BY c.oid;
    RETURN QUERY
    SELECT 'health_partition_security', 'error', c.oid::regclass::text,
           'has row-level security or policies (COPY into mreg.health_signal would fail)'
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'mreg.health_signal'::regclass
       AND (c.relrowsecurity OR EXISTS (SELECT FROM pg_policy x WHERE x.polrelid = c.oid));

    -- ------------------------------------------------------------ the audit chain
    IF NOT pg_has_role(mreg_internal.caller(), 'mreg_auditor', 'MEMBER')
       AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
        RETURN QUERY SELECT 'audit_chain', 'skipped', NULL::text,
            'verifying the audit chain needs mreg_auditor (or a superuser)';
    ELSE
        IF pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' THEN
            SELECT c.* INTO chain FROM mreg.verify_audit_chain() c;
        ELSE
            SELECT c.* INTO chain FROM mreg.record_audit_verification() c;
        END IF;
        IF NOT chain.ok THEN
            RETURN QUERY SELECT 'audit_chain', 'error', 'audit_log:' || chain.first_bad_id,
                format('the audit chain breaks at audit row %s (%s rows verified before it)', chain.first_bad_id, chain.checked);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION mreg.validate() IS
    'Checks the registry''s invariants (provenance snapshots, dataset versions in provenance, artifact checksums, aliases, deployments, search documents, health partitions, the audit chain) and returns each violation (invariant, severity error|warning|skipped, node, detail); with the caller''s rights: checks what the caller may read (doc/operations.md)';
