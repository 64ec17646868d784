-- Registry API: datasets, features, pipelines and runs (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- ---------------------------------------------------------------- datasets and features
CREATE FUNCTION mreg_internal.register_dataset_version(project text, dataset text, version text, uri text,
                                              sha256 text DEFAULT NULL, row_count bigint DEFAULT NULL,
                                              license text DEFAULT NULL, usage_rights text DEFAULT NULL,
                                              contains_personal_data boolean DEFAULT false, schema jsonb DEFAULT NULL,
                                              source_system text DEFAULT NULL, description text DEFAULT NULL,
                                              domain text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    did bigint;
    old mreg.dataset_version;
    vid bigint;
    sha text := lower(btrim(sha256));
    clear jsonb;
BEGIN
    PERFORM mreg_internal.require(dataset, 'dataset name');
    PERFORM mreg_internal.require(version, 'dataset version');
    PERFORM mreg_internal.require(uri, 'uri');
    IF dataset !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' OR dataset LIKE '%->%' THEN
        RAISE EXCEPTION 'invalid dataset name %', mreg_internal.quote_short(dataset)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A dataset name starts with a letter or digit and has up to 128 letters, digits or "_.:/+-" (no "->").';
    END IF;
    IF version !~ '^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid dataset version %', mreg_internal.quote_short(version)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A dataset version starts with a letter or digit and has up to 128 letters, digits or "_.:+-" (a date, a semver, a hash).';
    END IF;
    IF sha IS NOT NULL AND sha !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'invalid sha256 %', mreg_internal.quote_short(sha256)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Expected 64 hexadecimal digits.';
    END IF;
    IF row_count < 0 THEN
        RAISE EXCEPTION 'row_count must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF contains_personal_data IS NULL THEN
        RAISE EXCEPTION 'contains_personal_data must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF schema IS NOT NULL AND jsonb_typeof(schema) <> 'object' THEN
        RAISE EXCEPTION 'dataset schema must be a JSON object, not %', jsonb_typeof(schema)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Describe the columns, e.g. {"amount": "float64", "label": "int8"}.';
    END IF;
    PERFORM mreg_internal.check_metadata(pid, 'dataset_schema', schema);
    clear := schema;        -- personal values are stored apart, masked here
    schema := mreg_internal.mask_personal(pid, 'dataset_schema', schema);
    IF schema IS DISTINCT FROM clear THEN
        PERFORM mreg_internal.audit_mask(jsonb_build_object('schema', schema));
    END IF;

    INSERT INTO mreg.dataset AS d (project_id, name, source_system, description, domain)
    VALUES (pid, dataset, source_system, description, mreg_internal.term('domain', domain, pid))
    ON CONFLICT ON CONSTRAINT dataset_project_id_name_key DO UPDATE SET domain = EXCLUDED.domain
     WHERE EXCLUDED.domain IS NOT NULL AND d.domain IS DISTINCT FROM EXCLUDED.domain;
    SELECT d.id INTO did FROM mreg.dataset d WHERE d.project_id = pid AND d.name = dataset;

    INSERT INTO mreg.dataset_version (project_id, dataset_id, version, uri, sha256, row_count, schema, source_system,
                                      license, usage_rights, contains_personal_data)
    VALUES (pid, did, version, uri, sha, row_count, schema, source_system,
            mreg_internal.term('license', license, pid), mreg_internal.term('usage_rights', usage_rights, pid), contains_personal_data)
    ON CONFLICT ON CONSTRAINT dataset_version_dataset_id_version_key DO NOTHING
    RETURNING id INTO vid;
    IF vid IS NOT NULL THEN
        IF schema IS DISTINCT FROM clear THEN
            PERFORM mreg_internal.keep_personal(pid, 'dataset_schema', vid, clear);
        END IF;
        PERFORM mreg_internal.flag_new_data_source(vid);     -- a source new to the project opens a review
        RETURN vid;
    END IF;
    -- Registered before: the same snapshot again is fine (pipelines retry),
    -- different content under the same label is not.  Personal values are
    -- compared only for a caller who may read them: for anyone else the
    -- answer would confirm a guessed value, so the masked schema decides
    -- (and the values first written stay).
    SELECT * INTO old FROM mreg.dataset_version v WHERE v.dataset_id = did AND v.version = register_dataset_version.version;
    IF (old.uri, old.sha256, old.row_count, old.schema) IS NOT DISTINCT FROM (uri, sha, row_count, schema)
       AND (schema IS NOT DISTINCT FROM clear
            OR NOT mreg_internal.has_access(pid, 'privacy')
            OR mreg_internal.unmask_personal('dataset_schema', old.id, old.schema) IS NOT DISTINCT FROM clear) THEN
        RETURN old.id;
    END IF;
    RAISE EXCEPTION 'dataset version %@% already exists with different content', dataset, version
        USING ERRCODE = 'unique_violation',
              DETAIL = format('Registered as id %s with uri %s and sha256 %s.', old.id, old.uri, coalesce(old.sha256, 'none')),
              HINT = 'A data snapshot is immutable: register the new data under a new version label.';
END
$$;
COMMENT ON FUNCTION mreg_internal.register_dataset_version(text, text, text, text, text, bigint, text, text, boolean, jsonb, text, text, text) IS
    'Registers an immutable data snapshot (creating the dataset on first use; domain: the dataset''s business domain, a vocabulary term); registering the same snapshot again returns its id';

CREATE FUNCTION mreg_internal.define_feature(project text, name text, dtype text, transformation text DEFAULT NULL,
                                    source text DEFAULT NULL, feature_store_uri text DEFAULT NULL,
                                    description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    fid bigint;
BEGIN
    PERFORM mreg_internal.require(name, 'feature name');
    PERFORM mreg_internal.require(dtype, 'dtype');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' OR name LIKE '%->%' THEN
        RAISE EXCEPTION 'invalid feature name %', mreg_internal.quote_short(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A feature name starts with a letter or digit and has up to 128 letters, digits or "_.:/+-" (no "->").';
    END IF;
    INSERT INTO mreg.feature AS f (project_id, name, dtype, transformation, source, feature_store_uri, description)
    VALUES (pid, name, dtype, transformation, source, feature_store_uri, description)
    ON CONFLICT ON CONSTRAINT feature_project_id_name_key DO UPDATE
       SET dtype = EXCLUDED.dtype,
           transformation = coalesce(EXCLUDED.transformation, f.transformation),
           source = coalesce(EXCLUDED.source, f.source),
           feature_store_uri = coalesce(EXCLUDED.feature_store_uri, f.feature_store_uri),
           description = coalesce(EXCLUDED.description, f.description)
    RETURNING id INTO fid;
    RETURN fid;
END
$$;
COMMENT ON FUNCTION mreg_internal.define_feature(text, text, text, text, text, text, text) IS
    'Defines a feature, or redefines it keeping the old definition in row_history; returns its id';

CREATE FUNCTION mreg_internal.define_pipeline(project text, name text, system text DEFAULT NULL, uri text DEFAULT NULL,
                                     steps jsonb DEFAULT NULL, description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    plid bigint;
    st jsonb;
    pos int := 0;
BEGIN
    PERFORM mreg_internal.require(name, 'pipeline name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' OR name LIKE '%->%' THEN
        RAISE EXCEPTION 'invalid pipeline name %', mreg_internal.quote_short(name) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF steps IS NOT NULL AND jsonb_typeof(steps) <> 'array' THEN
        RAISE EXCEPTION 'steps must be a JSON array of {"name": ..., "transformation": ..., "params": {...}}'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mreg.pipeline AS p (project_id, name, system, uri, description)
    VALUES (pid, name, system, uri, description)
    ON CONFLICT ON CONSTRAINT pipeline_project_id_name_key DO UPDATE
       SET system = coalesce(EXCLUDED.system, p.system), uri = coalesce(EXCLUDED.uri, p.uri),
           description = coalesce(EXCLUDED.description, p.description)
    RETURNING id INTO plid;
    IF steps IS NOT NULL THEN
        -- a new list of steps replaces the old one; the old rows stay in row_history
        DELETE FROM mreg.pipeline_step s WHERE s.pipeline_id = plid;
        FOR st IN SELECT value FROM jsonb_array_elements(steps) LOOP
            pos := pos + 1;
            IF jsonb_typeof(st) <> 'object' OR coalesce(btrim(st->>'name'), '') = '' THEN
                RAISE EXCEPTION 'step % of pipeline % needs a "name"', pos, mreg_internal.quote_short(name)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO mreg.pipeline_step (project_id, pipeline_id, position, name, transformation, params)
            VALUES (pid, plid, pos, st->>'name', st->>'transformation', coalesce(st->'params', '{}'));
        END LOOP;
    END IF;
    RETURN plid;
END
$$;
COMMENT ON FUNCTION mreg_internal.define_pipeline(text, text, text, text, jsonb, text) IS
    'Defines a pipeline and its ordered preprocessing steps (a new steps array replaces the old, kept in row_history); returns its id';

-- ---------------------------------------------------------------- runs
CREATE FUNCTION mreg_internal.log_run(project text, experiment text, params jsonb, environment jsonb DEFAULT '{}',
                             dataset_versions text[] DEFAULT '{}', notes text DEFAULT NULL,
                             code_ref text DEFAULT NULL, pipeline text DEFAULT NULL, features jsonb DEFAULT NULL,
                             status text DEFAULT 'finished', started_at timestamptz DEFAULT NULL,
                             ended_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    eid bigint;
    plid bigint;
    rid bigint;
    run_node text;
    n text;
    r record;
    f record;
    fid bigint;
    clear_params jsonb;
    clear_environment jsonb;
BEGIN
    PERFORM mreg_internal.require(experiment, 'experiment');
    IF length(experiment) > 200 THEN
        RAISE EXCEPTION 'experiment name is longer than 200 characters (%)', length(experiment)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It starts with %s.', mreg_internal.quote_short(experiment));
    END IF;
    IF NOT isfinite(started_at) OR NOT isfinite(ended_at) THEN
        RAISE EXCEPTION 'started_at and ended_at must be finite times' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(code_ref) > 500 THEN
        RAISE EXCEPTION 'code_ref is longer than 500 characters' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It starts with %s.', mreg_internal.quote_short(code_ref));
    END IF;
    IF params IS NULL OR jsonb_typeof(params) <> 'object' THEN
        RAISE EXCEPTION 'params must be a JSON object' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Got %s.', coalesce(jsonb_typeof(params), 'NULL'));
    END IF;
    IF environment IS NULL OR jsonb_typeof(environment) <> 'object' THEN
        RAISE EXCEPTION 'environment must be a JSON object' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Got %s.', coalesce(jsonb_typeof(environment), 'NULL'));
    END IF;
    IF status IS NULL OR status NOT IN ('running', 'finished', 'failed', 'killed') THEN
        RAISE EXCEPTION 'invalid run status %', mreg_internal.quote_short(status)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use running, finished, failed or killed.';
    END IF;
    IF ended_at < started_at THEN
        RAISE EXCEPTION 'ended_at is before started_at' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF features IS NOT NULL AND jsonb_typeof(features) NOT IN ('object', 'array') THEN
        RAISE EXCEPTION 'features must be a JSON object {"name": importance} or an array of names'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mreg_internal.check_metadata(pid, 'run_params', params);
    PERFORM mreg_internal.check_metadata(pid, 'run_environment', environment);
    clear_params := params;         -- personal values are stored apart, masked here
    clear_environment := environment;
    params := mreg_internal.mask_personal(pid, 'run_params', params);
    environment := mreg_internal.mask_personal(pid, 'run_environment', environment);
    IF (params, environment) IS DISTINCT FROM (clear_params, clear_environment) THEN
        PERFORM mreg_internal.audit_mask(jsonb_build_object('params', params, 'environment', environment));
    END IF;

    INSERT INTO mreg.experiment (project_id, name) VALUES (pid, experiment)
    ON CONFLICT ON CONSTRAINT experiment_project_id_name_key DO NOTHING;
    SELECT x.id INTO eid FROM mreg.experiment x WHERE x.project_id = pid AND x.name = experiment;
    IF pipeline IS NOT NULL THEN
        SELECT x.id INTO plid FROM mreg.pipeline x WHERE x.project_id = pid AND x.name = pipeline;
        IF plid IS NULL THEN
            RAISE EXCEPTION 'pipeline % is not registered in project %', mreg_internal.quote_short(pipeline), mreg_internal.quote_short(project)
                USING ERRCODE = 'foreign_key_violation', HINT = 'Define it with mreg.define_pipeline().';
        END IF;
    END IF;

    INSERT INTO mreg.run (project_id, experiment_id, pipeline_id, params, environment, code_ref, status,
                          started_at, ended_at, notes)
    VALUES (pid, eid, plid, params, environment, nullif(btrim(code_ref), ''), status, started_at, ended_at, notes)
    RETURNING id INTO rid;
    run_node := 'run:' || rid;
    IF params IS DISTINCT FROM clear_params THEN
        PERFORM mreg_internal.keep_personal(pid, 'run_params', rid, clear_params);
    END IF;
    IF environment IS DISTINCT FROM clear_environment THEN
        PERFORM mreg_internal.keep_personal(pid, 'run_environment', rid, clear_environment);
    END IF;

    FOREACH n IN ARRAY coalesce(dataset_versions, '{}') LOOP
        -- relative to this run's project: an unprefixed name is this project's dataset
        r := mreg_internal.resolve(CASE WHEN n LIKE '%:%' THEN n ELSE 'dataset:' || n END, pid);
        IF r.kind <> 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', mreg_internal.quote_short(n)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        INSERT INTO mreg.run_dataset (project_id, run_id, dataset_version_id) VALUES (pid, rid, r.entity_id)
        ON CONFLICT ON CONSTRAINT run_dataset_run_id_dataset_version_id_key DO NOTHING;
        PERFORM mreg_internal.add_edge(r.canonical, run_node, pid, fresh => true);
    END LOOP;

    IF features IS NOT NULL THEN
        FOR f IN SELECT CASE WHEN jsonb_typeof(features) = 'object' THEN e.key ELSE a.value #>> '{}' END AS fname,
                        CASE WHEN jsonb_typeof(features) = 'object' THEN e.value END AS imp
                   FROM (SELECT 1) one
                   LEFT JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(features) = 'object' THEN features END) e ON true
                   LEFT JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(features) = 'array' THEN features END) a ON true
                  WHERE e.key IS NOT NULL OR a.value IS NOT NULL LOOP
            SELECT x.id INTO fid FROM mreg.feature x WHERE x.project_id = pid AND x.name = f.fname;
            IF fid IS NULL THEN
                RAISE EXCEPTION 'feature % is not defined in project %', mreg_internal.quote_short(f.fname), mreg_internal.quote_short(project)
                    USING ERRCODE = 'foreign_key_violation', HINT = 'Define it with mreg.define_feature().';
            END IF;
            IF f.imp IS NOT NULL AND jsonb_typeof(f.imp) NOT IN ('number', 'null') THEN
                RAISE EXCEPTION 'importance of feature % must be a number', mreg_internal.quote_short(f.fname)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO mreg.run_feature (project_id, run_id, feature_id, importance)
            VALUES (pid, rid, fid, (f.imp #>> '{}')::float8);
            PERFORM mreg_internal.add_edge(mreg_internal.node_text(project, 'feature', f.fname), run_node, pid, fresh => true);
        END LOOP;
    END IF;
    IF plid IS NOT NULL THEN
        PERFORM mreg_internal.add_edge(mreg_internal.node_text(project, 'pipeline', pipeline), run_node, pid, fresh => true);
    END IF;
    IF nullif(btrim(code_ref), '') IS NOT NULL THEN
        PERFORM mreg_internal.add_edge(mreg_internal.node_text(NULL, 'code', btrim(code_ref)), run_node, pid, fresh => true);
    END IF;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION mreg_internal.log_run(text, text, jsonb, jsonb, text[], text, text, text, jsonb, text, timestamptz, timestamptz) IS
    'Records a training run (creating the experiment on first use) with its hyperparameters, environment, code, pipeline, features and data snapshots; records lineage edges into run:ID; returns the run id';

