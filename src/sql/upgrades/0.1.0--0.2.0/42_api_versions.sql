-- 0.1.0 to 0.2.0, changes to 42_api_versions.sql: version_by_id (a version
-- by id for a write about it, used by the deployment and monitoring API),
-- log_evaluation uses it; retire refuses a version that still serves.
-- A version by id for a write about it (23503 when absent or hidden, the
-- same words either way), after checking the privilege on its project.
CREATE FUNCTION mreg_internal.version_by_id(model_version_id bigint, privilege text) RETURNS mreg.model_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version;
BEGIN
    PERFORM mreg_internal.require(model_version_id, 'model_version_id');
    SELECT * INTO v FROM mreg.model_version x WHERE x.id = model_version_id;
    IF v.id IS NULL OR NOT mreg_internal.has_access(v.project_id, 'read') THEN
        RAISE EXCEPTION 'model version % is not registered', model_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM mreg_internal.authorize(v.project_id, privilege);
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg_internal.version_by_id(bigint, text) IS 'A model version by id for a write about it (23503 when absent or not visible; 42501 without the privilege on its project)';
CREATE OR REPLACE FUNCTION mreg_internal.log_evaluation(model_version_id bigint, metric text, value double precision,
                                    dataset_version text DEFAULT NULL, slice text DEFAULT 'all',
                                    method text DEFAULT NULL, evaluated_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
    dsv bigint;
    r record;
    eid bigint;
BEGIN
    PERFORM mreg_internal.require(model_version_id, 'model_version_id');
    PERFORM mreg_internal.require(metric, 'metric');
    PERFORM mreg_internal.require(slice, 'slice');
    IF value IS NULL THEN
        RAISE EXCEPTION 'value must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'metric value must be finite, got %', value USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF metric !~ '^[A-Za-z][A-Za-z0-9_.@-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid metric name %', mreg_internal.quote_short(metric)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A metric name starts with a letter and has up to 63 letters, digits or "_.@-" (accuracy, f1, recall@10).';
    END IF;
    IF length(slice) > 200 THEN
        RAISE EXCEPTION 'slice name is longer than 200 characters' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It starts with %s.', mreg_internal.quote_short(slice));
    END IF;
    IF NOT isfinite(evaluated_at) THEN
        RAISE EXCEPTION 'evaluated_at must be a finite time, not %', evaluated_at USING ERRCODE = 'invalid_parameter_value';
    END IF;
    pid := (mreg_internal.version_by_id(model_version_id, 'contribute')).project_id;
    IF dataset_version IS NOT NULL THEN
        -- relative to the version's project, like every name in a function that has one
        r := mreg_internal.resolve(CASE WHEN dataset_version LIKE '%:%' THEN dataset_version ELSE 'dataset:' || dataset_version END, pid);
        IF r.kind <> 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', mreg_internal.quote_short(dataset_version)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        dsv := r.entity_id;
    END IF;
    INSERT INTO mreg.evaluation (project_id, model_version_id, dataset_version_id, slice, metric, value, method, evaluated_at)
    VALUES (pid, model_version_id, dsv, btrim(slice), mreg_internal.term('metric', metric, pid), value, method,
            coalesce(evaluated_at, clock_timestamp()))
    RETURNING id INTO eid;
    PERFORM mreg_internal.flag_metric_anomaly(eid);          -- far outside the model's history: a review opens
    RETURN eid;
END
$$;

-- retire refuses a version that still serves (live or canary somewhere)
CREATE OR REPLACE FUNCTION mreg_internal.retire(project text, model text, version mreg.semver, reason text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_row(project, model, version, 'publish');
    al record;
    serving text;
BEGIN
    PERFORM mreg_internal.require(reason, 'reason');
    PERFORM mreg_internal.audit_note(NULL, mreg_internal.version_node(project, model, v.version), to_jsonb(v));
    IF v.status = 'retired' THEN
        RAISE EXCEPTION 'model version %@% is already retired', model, version
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- a version that serves is taken out of service first (rollback, or promote another)
    SELECT string_agg(format('%s (%s, %s%%)', e.name, d.state, d.traffic_pct), ', ' ORDER BY e.position) INTO serving
      FROM mreg.deployment d JOIN mreg.environment e ON e.id = d.environment_id
     WHERE d.model_version_id = v.id AND d.state IN ('live', 'canary');
    IF serving IS NOT NULL THEN
        RAISE EXCEPTION 'model version %@% still serves: %', model, v.version, serving
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A retired version must not serve traffic.',
                  HINT = 'Roll it back (mreg.rollback) or promote another version in those environments first.';
    END IF;
    -- aliases must not point at a retired version: they are removed, and the move is kept
    FOR al IN SELECT * FROM mreg.alias a WHERE a.model_version_id = v.id LOOP
        INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
        VALUES (al.project_id, al.model_id, al.name, v.id, NULL, 'version retired: ' || reason);
    END LOOP;
    PERFORM mreg_internal.enforce_policy('retire', v.id, NULL);
    PERFORM mreg_internal.move_status(v.id, 'retired', reason);
    DELETE FROM mreg.alias a WHERE a.model_version_id = v.id;
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.retire(text, text, mreg.semver, text) IS
    'Retires a model version for good (a reason is required; 55000 while it is live or a canary somewhere); aliases pointing at it are removed with the move kept; returns its id';
