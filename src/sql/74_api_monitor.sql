-- Monitoring API: drift observations and real-world feedback (SPEC section 4).
-- Conventions of every API function: see 33_registry_internal.sql.

-- Thresholds used when log_drift is given none (documented in doc/deployments.md):
-- PSI 0.2 is the usual "significant shift"; KS and JS at 0.1.
CREATE FUNCTION mreg.drift_default_threshold(statistic text) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE pg_catalog.lower(statistic)
    WHEN 'psi' THEN 0.2::double precision
    WHEN 'ks' THEN 0.1::double precision
    WHEN 'ks_statistic' THEN 0.1::double precision
    WHEN 'js' THEN 0.1::double precision
    WHEN 'js_divergence' THEN 0.1::double precision
END;
COMMENT ON FUNCTION mreg.drift_default_threshold(text) IS
    'Threshold a drift statistic is judged by when log_drift is given none: psi 0.2, ks/ks_statistic 0.1, js/js_divergence 0.1; NULL (never flagged) for other statistics';

CREATE FUNCTION mreg_internal.log_drift(model_version_id bigint, feature text, statistic text, value double precision,
                                        threshold double precision DEFAULT NULL, deployment_id bigint DEFAULT NULL,
                                        observed_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_by_id(model_version_id, 'contribute');
    stat text := lower(btrim(mreg_internal.require(statistic, 'statistic')));
    -- the default of the statistic as it is recorded (' PSI ' is psi)
    t double precision := coalesce(threshold, mreg.drift_default_threshold(stat));
    d mreg.deployment;
    id bigint;
BEGIN
    PERFORM mreg_internal.require(feature, 'feature');
    IF length(feature) > 200 THEN
        RAISE EXCEPTION 'feature name is longer than 200 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF stat !~ '^[a-z][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid statistic name %', mreg_internal.quote_short(statistic)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use psi, ks, js or another short lower-case name.';
    END IF;
    IF value IS NULL OR value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'drift value must be a finite number, not %', coalesce(value::text, 'NULL')
            USING ERRCODE = CASE WHEN value IS NULL THEN 'null_value_not_allowed' ELSE 'invalid_parameter_value' END;
    END IF;
    IF threshold IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'threshold must be a finite number, not %', threshold USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT isfinite(observed_at) THEN
        RAISE EXCEPTION 'observed_at must be a finite time' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF deployment_id IS NOT NULL THEN
        d := mreg_internal.deployment_row(deployment_id, 'contribute');
        IF d.model_version_id <> v.id THEN
            RAISE EXCEPTION 'deployment % does not serve model version %', deployment_id, model_version_id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    INSERT INTO mreg.drift_observation (project_id, model_version_id, deployment_id, feature, statistic, value, threshold,
                                        flagged, observed_at)
    VALUES (v.project_id, v.id, deployment_id, btrim(feature), stat, value, t, coalesce(value > t, false),
            coalesce(observed_at, clock_timestamp()))
    RETURNING drift_observation.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION mreg_internal.log_drift(bigint, text, text, double precision, double precision, bigint, timestamptz) IS
    'Records a drift measurement of a version (optionally of one deployment of it): feature, statistic (psi, ks, js, ...), value and threshold (default: mreg.drift_default_threshold); flagged when the value exceeds the threshold; returns its id';

CREATE FUNCTION mreg_internal.log_feedback(model_version_id bigint, outcome jsonb, at timestamptz DEFAULT now())
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_by_id(model_version_id, 'contribute');
    id bigint;
BEGIN
    IF outcome IS NULL OR jsonb_typeof(outcome) <> 'object' OR outcome = '{}' THEN
        RAISE EXCEPTION 'outcome must be a non-empty JSON object'
            USING ERRCODE = CASE WHEN outcome IS NULL THEN 'null_value_not_allowed' ELSE 'invalid_parameter_value' END,
                  HINT = 'E.g. {"accuracy": 0.81, "n": 1200}: numeric members named like a metric are compared with the version''s evaluations.';
    END IF;
    IF pg_column_size(outcome) > 65536 THEN
        RAISE EXCEPTION 'outcome is larger than 64 kB' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF at IS NULL OR NOT isfinite(at) THEN
        RAISE EXCEPTION 'at must be a finite time' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mreg.feedback (project_id, model_version_id, outcome, at)
    VALUES (v.project_id, v.id, outcome, at)
    RETURNING feedback.id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION mreg_internal.log_feedback(bigint, jsonb, timestamptz) IS
    'Records a real-world outcome of a version (JSON object; numeric members named like metrics, e.g. {"accuracy": 0.81}, are compared with its evaluations by deployment_status); returns its id';
