-- Governance: checking a model version against the policies that govern
-- an action (SPEC section 6).  The rules themselves are 46_api_policy.sql.
--
-- mreg.check_policy() says rule by rule whether a version passes;
-- mreg_internal.enforce_policy() refuses the action listing every failed
-- rule (the write bodies of publish, promote and retire call it).

-- ---------------------------------------------------------------- checking a version
-- The latest value of a metric of a version on a slice, over all data snapshots.
CREATE FUNCTION mreg_internal.latest_value(vid bigint, metric text, slice text) RETURNS double precision
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT e.value FROM mreg.evaluation e
     WHERE e.model_version_id OPERATOR(pg_catalog.=) latest_value.vid
       AND e.metric OPERATOR(pg_catalog.=) latest_value.metric
       AND e.slice OPERATOR(pg_catalog.=) latest_value.slice
     ORDER BY e.evaluated_at DESC, e.id DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION mreg_internal.latest_value(bigint, text, text) IS 'Latest value of a metric of a model version on a slice (any data snapshot), NULL when never evaluated';

-- The data snapshots in a version's provenance (a draft: its live upstream
-- now), with their usage rights; a node that names no visible snapshot has
-- found = false.
CREATE FUNCTION mreg_internal.provenance_datasets(vid bigint)
    RETURNS TABLE (node text, found boolean, usage_rights text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v record;
    n text;
    p record;
    base text;
BEGIN
    SELECT x.id, x.status, x.provenance, pr.name AS project INTO v
      FROM mreg.model_version x JOIN mreg.project pr ON pr.id = x.project_id WHERE x.id = vid;
    FOR n IN SELECT ln FROM mreg.lineage_nodes(CASE WHEN v.status = 'draft' THEN mreg_internal.snapshot_provenance(v.id)
                                                    ELSE v.provenance END) ln
              ORDER BY 1 LOOP
        p := mreg.parse_node(n);
        CONTINUE WHEN p.kind <> 'dataset' OR position('@' IN p.name) = 0;
        base := split_part(p.name, '@', 1);
        node := n;
        SELECT true, dv.usage_rights INTO found, usage_rights
          FROM mreg.dataset d
          JOIN mreg.dataset_version dv ON dv.dataset_id = d.id
          JOIN mreg.project pr ON pr.id = d.project_id
         WHERE pr.name = coalesce(p.project, v.project) AND d.name = base
           AND dv.version = substr(p.name, length(base) + 2);
        found := coalesce(found, false);
        RETURN NEXT;
        found := NULL;
        usage_rights := NULL;
    END LOOP;
END
$$;
COMMENT ON FUNCTION mreg_internal.provenance_datasets(bigint) IS
    'Dataset versions in a model version''s provenance (a draft: its live upstream) with their usage rights';

-- Usage rights that do not allow training a model that is then used.
CREATE FUNCTION mreg_internal.usage_rights_forbid(usage_rights text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
RETURN usage_rights IS NULL
    OR usage_rights OPERATOR(pg_catalog.=) ANY (ARRAY['none', 'prohibited', 'no-training', 'evaluation-only']);
COMMENT ON FUNCTION mreg_internal.usage_rights_forbid(text) IS
    'Whether a data snapshot''s usage rights fail require_data_rights: unset, none, prohibited, no-training or evaluation-only';

CREATE FUNCTION mreg.check_policy(action text, model_version_id bigint, environment text DEFAULT NULL)
    RETURNS TABLE (rule text, ok boolean, detail text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    act text := mreg_internal.check_action(action);
    env text := mreg_internal.environment_name(environment);
    v record;
    pol mreg.policy;
    prefix text;
    slices text[];
    k text;
    threshold float8;
    s text;
    val float8;
    parts text[];
    good boolean;
    cnt int;
    need int;
    bad text;
BEGIN
    IF model_version_id IS NULL THEN
        RAISE EXCEPTION 'model_version_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT x.id, x.project_id, x.created_by, m.name AS model, x.version, m.license, m.constraints INTO v
      FROM mreg.model_version x JOIN mreg.model m ON m.id = x.model_id WHERE x.id = model_version_id;
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'model version % is not registered', model_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    FOR pol IN SELECT * FROM mreg_internal.applicable_policies(v.project_id, act, env) LOOP
        prefix := CASE WHEN pol.environment IS NULL THEN '' ELSE pol.environment || ':' END;
        slices := coalesce(ARRAY(SELECT jsonb_array_elements_text(pol.rule->'slices')), ARRAY['all']);
        IF slices = '{}' THEN
            slices := ARRAY['all'];
        END IF;
        -- thresholds, on every slice the rule names
        FOR k, threshold, good IN
            SELECT t.key, t.value::float8, true FROM jsonb_each_text(pol.rule->'min_metrics') t
            UNION ALL
            SELECT t.key, t.value::float8, false FROM jsonb_each_text(pol.rule->'max_metrics') t
            ORDER BY 3 DESC, 1 LOOP
            rule := prefix || CASE WHEN good THEN 'min_metrics.' ELSE 'max_metrics.' END || k;
            ok := true;
            parts := '{}';
            FOREACH s IN ARRAY slices LOOP
                val := mreg_internal.latest_value(v.id, k, s);
                IF val IS NULL THEN
                    ok := false;
                    parts := parts || format('%s on %s: not evaluated', k, s);
                ELSIF (good AND val >= threshold) OR (NOT good AND val <= threshold) THEN
                    parts := parts || format('%s on %s: %s %s %s', k, s, val, CASE WHEN good THEN '>=' ELSE '<=' END, threshold);
                ELSE
                    ok := false;
                    parts := parts || format('%s on %s: %s %s %s', k, s, val, CASE WHEN good THEN '<' ELSE '>' END, threshold);
                END IF;
            END LOOP;
            detail := array_to_string(parts, '; ');
            RETURN NEXT;
        END LOOP;
        -- bias: the gap between the best and the worst slice
        FOR k, threshold IN SELECT t.key, t.value::float8 FROM jsonb_each_text(pol.rule->'max_slice_gap') t ORDER BY 1 LOOP
            rule := prefix || 'max_slice_gap.' || k;
            SELECT array_agg(format('%s %s', q.slice, q.value) ORDER BY q.value DESC, q.slice),
                   max(q.value) - min(q.value), count(q.value)
              INTO parts, val, cnt
              FROM (SELECT sl AS slice, mreg_internal.latest_value(v.id, k, sl) AS value
                      FROM unnest(CASE WHEN pol.rule ? 'slices' THEN slices
                                       ELSE ARRAY(SELECT DISTINCT e.slice FROM mreg.evaluation e
                                                   WHERE e.model_version_id = v.id AND e.metric = k AND e.slice <> 'all') END) sl) q
             WHERE q.value IS NOT NULL;
            IF coalesce(cnt, 0) < 2 THEN
                ok := false;
                detail := format('%s: gap needs at least 2 evaluated slices, found %s%s', k, coalesce(cnt, 0),
                                 CASE WHEN cnt > 0 THEN ' (' || array_to_string(parts, ', ') || ')' ELSE '' END);
            ELSE
                ok := val <= threshold;
                detail := format('%s: gap %s %s %s (%s)', k, round(val::numeric, 6)::float8,
                                 CASE WHEN ok THEN '<=' ELSE '>' END, threshold, array_to_string(parts, ', '));
            END IF;
            RETURN NEXT;
        END LOOP;
        IF pol.rule ? 'allowed_licenses' THEN
            rule := prefix || 'allowed_licenses';
            ok := v.license IS NOT NULL AND pol.rule->'allowed_licenses' ? v.license;
            detail := CASE WHEN v.license IS NULL THEN 'the model has no license'
                           ELSE format('license %s is %s %s', v.license, CASE WHEN ok THEN 'one of' ELSE 'not one of' END,
                                       (SELECT string_agg(l, ', ') FROM jsonb_array_elements_text(pol.rule->'allowed_licenses') l)) END;
            RETURN NEXT;
        END IF;
        IF (pol.rule->'require_data_rights') = 'true' THEN
            rule := prefix || 'require_data_rights';
            SELECT count(*), string_agg(CASE WHEN NOT d.found THEN d.node || ' is not registered or not visible'
                                             WHEN d.usage_rights IS NULL THEN d.node || ' has no usage rights'
                                             ELSE d.node || ' is ' || d.usage_rights END, '; ' ORDER BY d.node)
                                  FILTER (WHERE NOT d.found OR mreg_internal.usage_rights_forbid(d.usage_rights))
              INTO cnt, bad FROM mreg_internal.provenance_datasets(v.id) d;
            ok := bad IS NULL;
            detail := CASE WHEN cnt = 0 THEN 'no dataset versions in the provenance'
                           WHEN ok THEN format('%s dataset version%s, all with usage rights', cnt, CASE WHEN cnt > 1 THEN 's' ELSE '' END)
                           ELSE bad END;
            RETURN NEXT;
        END IF;
        IF pol.rule ? 'required_constraints' THEN
            rule := prefix || 'required_constraints';
            SELECT string_agg(c, ', ' ORDER BY c) INTO bad
              FROM jsonb_array_elements_text(pol.rule->'required_constraints') c
             WHERE c <> ALL (v.constraints);
            ok := bad IS NULL;
            detail := CASE WHEN ok THEN format('the model declares %s',
                                               (SELECT string_agg(c, ', ') FROM jsonb_array_elements_text(pol.rule->'required_constraints') c))
                           ELSE format('the model does not declare %s', bad) END;
            RETURN NEXT;
        END IF;
        -- artifacts (77_artifact_checks.sql): every one checked, and ok
        IF (pol.rule->'artifacts_checked') = 'true' THEN
            rule := prefix || 'artifacts_checked';
            SELECT count(*), string_agg(format('%s is %s', mreg_internal.quote_short(a.name), a.st), '; ' ORDER BY a.name)
                                 FILTER (WHERE a.st <> 'ok')
              INTO cnt, bad
              FROM (SELECT x.name, mreg_internal.artifact_check_status(x.id) AS st
                      FROM mreg.artifact x WHERE x.model_version_id = v.id) a;
            ok := cnt > 0 AND bad IS NULL;
            detail := CASE WHEN cnt = 0 THEN 'the version has no artifacts'
                           WHEN ok THEN format('%s artifact%s, all ok', cnt, CASE WHEN cnt > 1 THEN 's' ELSE '' END)
                           ELSE bad END;
            RETURN NEXT;
        END IF;
        IF pol.rule ? 'required_approvals' THEN
            rule := prefix || 'required_approvals';
            need := (pol.rule->>'required_approvals')::int;
            SELECT count(DISTINCT vt.voter), string_agg(DISTINCT r.id::text, ', ')
              INTO cnt, bad
              FROM mreg.review r JOIN mreg.review_vote vt ON vt.review_id = r.id
             WHERE r.model_version_id = v.id AND r.kind = 'request' AND r.action = act
               AND r.environment IS NOT DISTINCT FROM env
               AND r.state IN ('open', 'escalated', 'approved') AND vt.decision = 'approve';
            ok := cnt >= need;
            detail := format('%s of %s approvals%s', cnt, need, CASE WHEN bad IS NOT NULL THEN ' (review ' || bad || ')' ELSE '' END);
            RETURN NEXT;
        END IF;
        IF (pol.rule->'separation_of_duties') = 'true' THEN
            rule := prefix || 'separation_of_duties';
            SELECT string_agg(DISTINCT format('%s (%s) approved review %s', vt.voter,
                                              CASE WHEN vt.voter = v.created_by THEN 'author' ELSE 'requester' END, r.id), '; ')
              INTO bad
              FROM mreg.review r JOIN mreg.review_vote vt ON vt.review_id = r.id
             WHERE r.model_version_id = v.id AND r.action = act AND r.environment IS NOT DISTINCT FROM env
               AND vt.decision = 'approve' AND vt.voter IN (v.created_by, r.requested_by);
            ok := bad IS NULL;
            detail := coalesce(bad, format('no approval from the author (%s) or a requester', v.created_by));
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION mreg.check_policy(text, bigint, text) IS
    'Checks a model version against every policy that governs the action (and environment): one row per rule with whether it holds and why; no rows when no policy applies';

-- Refuse an action that a policy forbids, listing every failed rule.  Called
-- by the write bodies: publish (register_model_version when not a draft, a
-- draft moving on), promote (with the environment), retire.
CREATE FUNCTION mreg_internal.enforce_policy(action text, model_version_id bigint, environment text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    failed text;
    v record;
BEGIN
    -- most projects have no policy for most actions: nothing to check
    IF NOT EXISTS (SELECT FROM mreg.policy p JOIN mreg.model_version x ON x.project_id = p.project_id
                    WHERE x.id = model_version_id AND p.action = lower(btrim(action))) THEN
        RETURN;
    END IF;
    SELECT string_agg(c.rule || ': ' || c.detail, E'\n') INTO failed
      FROM mreg.check_policy(action, model_version_id, environment) c WHERE NOT c.ok;
    IF failed IS NULL THEN
        RETURN;
    END IF;
    SELECT m.name AS model, x.version, p.name AS project INTO v
      FROM mreg.model_version x JOIN mreg.model m ON m.id = x.model_id JOIN mreg.project p ON p.id = x.project_id
     WHERE x.id = model_version_id;
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation',
        MESSAGE = format('model version %s@%s violates the %s policy of project %s%s', v.model, v.version, lower(action), v.project,
                         CASE WHEN environment IS NOT NULL THEN ' for ' || lower(btrim(environment)) ELSE '' END),
        DETAIL = failed,
        HINT = format('mreg.check_policy(%L, %s%s) shows every rule.', lower(action), model_version_id,
                      CASE WHEN environment IS NOT NULL THEN ', ' || quote_literal(lower(btrim(environment))) ELSE '' END);
END
$$;
COMMENT ON FUNCTION mreg_internal.enforce_policy(text, bigint, text) IS
    'Raises 23514 when a model version fails a policy governing the action, the DETAIL listing every failed rule with why';
