-- 0.1.0 to 0.2.0, changes to 46_api_policy.sql: policy rules
-- artifacts_checked and required_constraints.
COMMENT ON COLUMN mreg.policy.rule IS 'The rule, normalised (see doc/governance.md): min_metrics, max_metrics, slices, max_slice_gap, required_approvals, approver_role, separation_of_duties, allowed_licenses, require_data_rights, escalate_to, review_due, artifacts_checked, required_constraints';

CREATE OR REPLACE FUNCTION mreg_internal.validate_rule(pid bigint, rule jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    known constant text[] := ARRAY['min_metrics', 'max_metrics', 'slices', 'max_slice_gap', 'required_approvals',
                                   'approver_role', 'separation_of_duties', 'allowed_licenses', 'require_data_rights',
                                   'escalate_to', 'review_due', 'artifacts_checked', 'required_constraints'];
    unknown text;
    result jsonb := '{}';
    k text;
    v jsonb;
    n numeric;
    due interval;
    lic text;
    lics text[] := '{}';
BEGIN
    IF rule IS NULL THEN
        RAISE EXCEPTION 'policy rule must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF jsonb_typeof(rule) <> 'object' THEN
        RAISE EXCEPTION 'policy rule must be a JSON object, not %', jsonb_typeof(rule) USING ERRCODE = 'invalid_parameter_value',
            HINT = 'For example {"min_metrics": {"recall": 0.9}, "required_approvals": 1}.';
    END IF;
    IF rule = '{}' THEN
        RAISE EXCEPTION 'policy rule is empty' USING ERRCODE = 'invalid_parameter_value',
            HINT = format('Give at least one of %s.', array_to_string(known, ', '));
    END IF;
    SELECT string_agg(mreg_internal.quote_short(x), ', ' ORDER BY x) INTO unknown
      FROM jsonb_object_keys(rule) x WHERE x <> ALL (known);
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown policy rule key%: %', CASE WHEN unknown LIKE '%, %' THEN 's' ELSE '' END, unknown
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Known keys: %s.', array_to_string(known, ', '));
    END IF;
    FOR k, v IN SELECT e.key, e.value FROM jsonb_each(rule) e ORDER BY e.key LOOP
        CASE k
        WHEN 'min_metrics', 'max_metrics', 'max_slice_gap' THEN
            result := result || jsonb_build_object(k, mreg_internal.rule_thresholds(pid, k, v));
        WHEN 'slices' THEN
            result := result || jsonb_build_object(k, to_jsonb(mreg_internal.rule_strings(k, v)));
        WHEN 'allowed_licenses' THEN
            FOREACH lic IN ARRAY mreg_internal.rule_strings(k, v) LOOP
                lic := mreg_internal.term('license', lic, pid);
                IF lic <> ALL (lics) THEN
                    lics := lics || lic;
                END IF;
            END LOOP;
            result := result || jsonb_build_object(k, to_jsonb(lics));
        WHEN 'required_approvals' THEN
            IF jsonb_typeof(v) <> 'number' THEN
                RAISE EXCEPTION 'policy rule required_approvals: expected a whole number, got %', jsonb_typeof(v)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            n := (v #>> '{}')::numeric;
            IF n <> trunc(n) OR n < 0 OR n > 100 THEN
                RAISE EXCEPTION 'policy rule required_approvals: expected a whole number from 0 to 100, got %', left(v::text, 40)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            result := result || jsonb_build_object(k, n::int);
        WHEN 'required_constraints' THEN
            -- regulatory constraints the model must declare, as vocabulary terms
            FOREACH lic IN ARRAY mreg_internal.rule_strings(k, v) LOOP
                lic := mreg_internal.term('constraint', lic, pid);
                IF lic <> ALL (lics) THEN
                    lics := lics || lic;
                END IF;
            END LOOP;
            result := result || jsonb_build_object(k, to_jsonb(lics));
            lics := '{}';
        WHEN 'separation_of_duties', 'require_data_rights', 'artifacts_checked' THEN
            IF jsonb_typeof(v) <> 'boolean' THEN
                RAISE EXCEPTION 'policy rule %: expected true or false, got %', k, jsonb_typeof(v)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            result := result || jsonb_build_object(k, v);
        WHEN 'approver_role', 'escalate_to' THEN
            result := result || jsonb_build_object(k, mreg_internal.rule_role(k, v));
        WHEN 'review_due' THEN
            IF jsonb_typeof(v) <> 'string' THEN
                RAISE EXCEPTION 'policy rule review_due: expected an interval such as "3 days", got %', jsonb_typeof(v)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            BEGIN
                due := (v #>> '{}')::interval;
            EXCEPTION WHEN data_exception THEN
                RAISE EXCEPTION 'policy rule review_due: % is not an interval', mreg_internal.quote_short(v #>> '{}')
                    USING ERRCODE = 'invalid_parameter_value', HINT = 'For example "3 days" or "12 hours".';
            END;
            IF due < interval '1 minute' OR due > interval '365 days' THEN
                RAISE EXCEPTION 'policy rule review_due: % is outside 1 minute .. 365 days', mreg_internal.quote_short(v #>> '{}')
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            result := result || jsonb_build_object(k, due::text);
        END CASE;
    END LOOP;
    RETURN result;
END
$$;
