-- 0.1.0 to 0.2.0, changes to 46_api_policy_check.sql: check_policy checks
-- required_constraints and artifacts_checked.
CREATE OR REPLACE FUNCTION mreg.check_policy(action text, model_version_id bigint, environment text DEFAULT NULL)
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
