-- Registry core: the write API (SPEC section 3).
--
-- Every function validates its input and fails with a precise SQLSTATE:
-- 22004 for a required NULL, 22023 for a bad value, 23503 for a reference to
-- something not registered, 23505 for a duplicate, 23514 for metadata that
-- breaks the project's schema or lineage that would make a cycle, 55000 for
-- a change that immutability forbids.  Values travel as parameters only.

-- ---------------------------------------------------------------- helpers
-- Functions with a BEGIN ATOMIC or RETURN body are parsed when created, so
-- their names are bound then and they need no pinned search_path (and can be
-- inlined); every other function pins search_path = pg_catalog, mreg, pg_temp.
-- Because they are bound at CREATE EXTENSION time, when public is on the
-- search_path, every function and operator in those bodies is qualified.
CREATE FUNCTION mreg._require(val anyelement, what text) RETURNS anyelement
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF val IS NULL OR (pg_typeof(val) = 'text'::regtype AND btrim(val::text) = '') THEN
        RAISE EXCEPTION '% must not be null or empty', what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN val;
END
$$;
COMMENT ON FUNCTION mreg._require(anyelement, text) IS 'Internal: raises 22004 naming the argument when it is NULL or empty';

-- A controlled term: accepted as written, through a synonym, or refused with
-- the closest terms as a hint.  NULL passes (the attribute is unset).
CREATE FUNCTION mreg._term(category text, val text, pid bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text := lower(btrim(val));
    found text;
    close text;
BEGIN
    IF val IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT v.term INTO found FROM mreg.vocabulary v
     WHERE v.category = _term.category AND v.term = t AND (v.project_id IS NULL OR v.project_id = pid);
    IF found IS NOT NULL THEN
        RETURN found;
    END IF;
    SELECT s.term INTO found FROM mreg.synonym s
     WHERE (s.category = _term.category OR s.category IS NULL) AND lower(s.synonym) = t
       AND EXISTS (SELECT 1 FROM mreg.vocabulary v WHERE v.category = _term.category AND v.term = s.term
                      AND (v.project_id IS NULL OR v.project_id = pid))
     ORDER BY s.category NULLS LAST LIMIT 1;
    IF found IS NOT NULL THEN
        RETURN found;
    END IF;
    SELECT string_agg(quote_literal(c.term), ', ') INTO close FROM (
        SELECT v.term FROM mreg.vocabulary v
         WHERE v.category = _term.category AND (v.project_id IS NULL OR v.project_id = pid)
         ORDER BY mreg._similarity(v.term, t) DESC, v.term LIMIT 3) c;
    RAISE EXCEPTION 'unknown % %', category, quote_literal(val)
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('%s must be a term of mreg.vocabulary (category %s) or one of its synonyms.', category, category),
              HINT = format('Closest terms: %s. A project can add its own with mreg.add_term().', coalesce(close, 'none'));
END
$$;
COMMENT ON FUNCTION mreg._term(text, text, bigint) IS 'Internal: canonical vocabulary term for a value (via synonyms), or 22023 with the closest terms';

-- Trigram similarity through pg_trgm wherever it is installed (found via
-- pg_extension, not search_path); only used to phrase hints.
CREATE FUNCTION mreg._similarity(a text, b text) RETURNS real
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s real;
BEGIN
    EXECUTE format('SELECT %I.similarity($1, $2)',
                   (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                     WHERE e.extname = 'pg_trgm'))
       INTO s USING a, b;
    RETURN s;
END
$$;
COMMENT ON FUNCTION mreg._similarity(text, text) IS 'Internal: pg_trgm similarity, located through pg_extension';

-- Metadata against the project's schema for that kind; every violation is
-- listed in the error.
CREATE FUNCTION mreg._check_metadata(pid bigint, entity_kind text, doc jsonb) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    sch jsonb;
    problems text;
BEGIN
    SELECT m.schema INTO sch FROM mreg.metadata_schema m
     WHERE m.project_id = pid AND m.entity_kind = _check_metadata.entity_kind;
    IF sch IS NULL OR doc IS NULL OR mreg.jsonb_matches_schema(sch, doc) THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%s: %s', CASE WHEN v.path = '' THEN '(root)' ELSE v.path END, v.message), E'\n')
      INTO problems FROM mreg.jsonb_schema_violations(sch, doc) v;
    RAISE EXCEPTION '% metadata does not match the project''s schema', replace(entity_kind, '_', ' ')
        USING ERRCODE = 'check_violation', DETAIL = problems,
              HINT = 'See mreg.metadata_schema for the project''s schema; mreg.jsonb_schema_violations() explains each problem.';
END
$$;
COMMENT ON FUNCTION mreg._check_metadata(bigint, text, jsonb) IS 'Internal: validates a document against the project''s metadata schema (23514 listing every violation)';

-- Record one live lineage edge; refuses cycles.  A transaction-level lock
-- serialises writers so that two concurrent edges cannot close a cycle.
CREATE FUNCTION mreg._add_edge(src text, dst text, pid bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    eid bigint;
    path text[];
    seen text[];
    frontier text[];
    levels jsonb;
    cur text;
BEGIN
    IF src = dst THEN
        RAISE EXCEPTION 'lineage edge % -> % would make a cycle', src, dst
            USING ERRCODE = 'check_violation', DETAIL = format('Cycle: %s -> %s.', src, dst);
    END IF;
    SELECT e.id INTO eid FROM mreg.lineage_edge e WHERE e.src = _add_edge.src AND e.dst = _add_edge.dst;
    IF eid IS NOT NULL THEN
        RETURN eid;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('mreg.lineage_edge'));
    -- Is src reachable from dst?  Then src -> dst closes a cycle.  Breadth
    -- first over the (src, dst) index, one query per level, keeping the
    -- levels so that a cycle can be named without enumerating paths.
    seen := ARRAY[dst];
    frontier := ARRAY[dst];
    levels := jsonb_build_array(to_jsonb(frontier));
    LOOP
        SELECT array_agg(DISTINCT e.dst) INTO frontier
          FROM mreg.lineage_edge e
         WHERE e.src = ANY (frontier) AND e.dst <> ALL (seen);
        EXIT WHEN frontier IS NULL OR src = ANY (frontier);
        seen := seen || frontier;
        levels := levels || jsonb_build_array(to_jsonb(frontier));
    END LOOP;
    IF frontier IS NULL THEN
        INSERT INTO mreg.lineage_edge (project_id, src, dst) VALUES (pid, src, dst)
        ON CONFLICT ON CONSTRAINT lineage_edge_src_dst_key DO NOTHING
        RETURNING id INTO eid;
        IF eid IS NULL THEN
            SELECT e.id INTO eid FROM mreg.lineage_edge e WHERE e.src = _add_edge.src AND e.dst = _add_edge.dst;
        END IF;
        RETURN eid;
    END IF;
    -- walk back from src through the levels to name one shortest cycle
    path := ARRAY[src];
    cur := src;
    FOR lvl IN REVERSE jsonb_array_length(levels) - 1 .. 0 LOOP
        SELECT e.src INTO cur FROM mreg.lineage_edge e
         WHERE e.dst = cur AND e.src IN (SELECT jsonb_array_elements_text(levels -> lvl)) LIMIT 1;
        path := cur || path;
    END LOOP;
    RAISE EXCEPTION 'lineage edge % -> % would make a cycle', src, dst
        USING ERRCODE = 'check_violation',
              DETAIL = format('Cycle: %s -> %s.', src, array_to_string(path, ' -> '));
END
$$;
COMMENT ON FUNCTION mreg._add_edge(text, text, bigint) IS 'Internal: inserts a live lineage edge between canonical nodes, refusing cycles (23514 naming the cycle)';

-- The upstream subgraph of a canonical node in the live lineage, as a value.
CREATE FUNCTION mreg.live_upstream(node text) RETURNS mreg.lineage
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
-- Breadth-first over the dst index, one query per level: plans stay index
-- lookups whatever the table's statistics say (a recursive CTE would pick a
-- hash join over the whole edge table when statistics are stale).
DECLARE
    seen text[] := ARRAY[node];
    frontier text[] := ARRAY[node];
    result mreg.lineage;
BEGIN
    LOOP
        SELECT array_agg(DISTINCT e.src) INTO frontier
          FROM mreg.lineage_edge e
         WHERE e.dst = ANY (frontier) AND e.src <> ALL (seen);
        EXIT WHEN frontier IS NULL;
        seen := seen || frontier;
    END LOOP;
    SELECT mreg.lineage_agg(g.src, g.dst) INTO result
      FROM (SELECT e.src, e.dst FROM mreg.lineage_edge e WHERE e.dst = ANY (seen)
            UNION ALL
            SELECT node, NULL) g;
    RETURN result;
END
$$;
COMMENT ON FUNCTION mreg.live_upstream(text) IS 'The node and all its ancestors in the live lineage graph (mreg.lineage_edge), as a lineage value';

-- ---------------------------------------------------------------- projects
CREATE FUNCTION mreg.create_project(name text, description text DEFAULT NULL, visibility text DEFAULT 'internal')
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
BEGIN
    PERFORM mreg._require(name, 'project name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid project name %', quote_literal(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A project name starts with a letter or digit and has up to 63 letters, digits, "_", "." or "-".';
    END IF;
    IF visibility IS NULL OR visibility NOT IN ('public', 'internal', 'private') THEN
        RAISE EXCEPTION 'invalid visibility %', coalesce(quote_literal(visibility), 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use public, internal or private.';
    END IF;
    INSERT INTO mreg.project (name, description, visibility)
    VALUES (create_project.name, create_project.description, create_project.visibility)
    ON CONFLICT ON CONSTRAINT project_name_key DO NOTHING
    RETURNING id INTO pid;
    IF pid IS NULL THEN
        RAISE EXCEPTION 'project % already exists', quote_literal(name)
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN pid;
END
$$;
COMMENT ON FUNCTION mreg.create_project(text, text, text) IS 'Creates a project (visibility public, internal or private); returns its id';

-- ---------------------------------------------------------------- models
CREATE FUNCTION mreg.register_model(project text, name text, description text DEFAULT NULL,
                                    domain text DEFAULT NULL, task text DEFAULT NULL, framework text DEFAULT NULL,
                                    license text DEFAULT NULL, owner name DEFAULT NULL, team text DEFAULT NULL,
                                    constraints text[] DEFAULT NULL, ethical_notes text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    mid bigint;
    cons text[];
    c text;
BEGIN
    PERFORM mreg._require(name, 'model name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid model name %', quote_literal(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model name starts with a letter or digit and has up to 128 letters, digits, "_", "." or "-".';
    END IF;
    IF owner IS NOT NULL AND to_regrole(quote_ident(owner)) IS NULL THEN
        RAISE EXCEPTION 'owner % is not a role', quote_literal(owner) USING ERRCODE = 'undefined_object';
    END IF;
    IF constraints IS NOT NULL THEN
        cons := '{}';
        FOREACH c IN ARRAY constraints LOOP
            IF c IS NULL THEN
                RAISE EXCEPTION 'constraints must not contain NULL' USING ERRCODE = 'null_value_not_allowed';
            END IF;
            c := mreg._term('constraint', c, pid);
            IF c <> ALL (cons) THEN
                cons := cons || c;
            END IF;
        END LOOP;
    END IF;

    <<upsert>>
    FOR attempt IN 1..2 LOOP
    UPDATE mreg.model m
       SET description   = coalesce(register_model.description, m.description),
           domain        = coalesce(mreg._term('domain', register_model.domain, pid), m.domain),
           task          = coalesce(mreg._term('task', register_model.task, pid), m.task),
           framework     = coalesce(mreg._term('framework', register_model.framework, pid), m.framework),
           license       = coalesce(mreg._term('license', register_model.license, pid), m.license),
           owner         = coalesce(register_model.owner, m.owner),
           team          = coalesce(register_model.team, m.team),
           constraints   = coalesce(cons, m.constraints),
           ethical_notes = coalesce(register_model.ethical_notes, m.ethical_notes)
     WHERE m.project_id = pid AND m.name = register_model.name
    RETURNING m.id INTO mid;
    IF mid IS NOT NULL THEN
        RETURN mid;
    END IF;
    INSERT INTO mreg.model (project_id, name, description, domain, task, framework, license, owner, team,
                            constraints, ethical_notes)
    VALUES (pid, name, description, mreg._term('domain', domain, pid), mreg._term('task', task, pid),
            mreg._term('framework', framework, pid), mreg._term('license', license, pid),
            coalesce(owner, current_user), team, coalesce(cons, '{}'), ethical_notes)
    ON CONFLICT ON CONSTRAINT model_project_id_name_key DO NOTHING
    RETURNING id INTO mid;
    IF mid IS NOT NULL THEN
        RETURN mid;
    END IF;
    -- created concurrently since the UPDATE: update that row instead
    END LOOP upsert;
    RAISE EXCEPTION 'model % could not be registered', quote_literal(name) USING ERRCODE = 'serialization_failure';
END
$$;
COMMENT ON FUNCTION mreg.register_model(text, text, text, text, text, text, text, name, text, text[], text) IS
    'Creates a registered model, or updates the attributes given (non-NULL) keeping the old row in row_history; domain, task, framework, license and constraints must be vocabulary terms; returns the model id';

-- ---------------------------------------------------------------- datasets and features
CREATE FUNCTION mreg.register_dataset_version(project text, dataset text, version text, uri text,
                                              sha256 text DEFAULT NULL, row_count bigint DEFAULT NULL,
                                              license text DEFAULT NULL, usage_rights text DEFAULT NULL,
                                              contains_personal_data boolean DEFAULT false, schema jsonb DEFAULT NULL,
                                              source_system text DEFAULT NULL, description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    did bigint;
    old mreg.dataset_version;
    vid bigint;
    sha text := lower(btrim(sha256));
BEGIN
    PERFORM mreg._require(dataset, 'dataset name');
    PERFORM mreg._require(version, 'dataset version');
    PERFORM mreg._require(uri, 'uri');
    IF dataset !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid dataset name %', quote_literal(dataset)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A dataset name starts with a letter or digit and has up to 128 letters, digits or "_.:/+-".';
    END IF;
    IF version !~ '^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid dataset version %', quote_literal(version)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A dataset version starts with a letter or digit and has up to 128 letters, digits or "_.:+-" (a date, a semver, a hash).';
    END IF;
    IF sha IS NOT NULL AND sha !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'invalid sha256 %', quote_literal(sha256)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Expected 64 hexadecimal digits.';
    END IF;
    IF row_count < 0 THEN
        RAISE EXCEPTION 'row_count must not be negative' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF contains_personal_data IS NULL THEN
        RAISE EXCEPTION 'contains_personal_data must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM mreg._check_metadata(pid, 'dataset_schema', schema);

    INSERT INTO mreg.dataset (project_id, name, source_system, description)
    VALUES (pid, dataset, source_system, description)
    ON CONFLICT ON CONSTRAINT dataset_project_id_name_key DO NOTHING;
    SELECT d.id INTO did FROM mreg.dataset d WHERE d.project_id = pid AND d.name = dataset;

    INSERT INTO mreg.dataset_version (project_id, dataset_id, version, uri, sha256, row_count, schema, source_system,
                                      license, usage_rights, contains_personal_data)
    VALUES (pid, did, version, uri, sha, row_count, schema, source_system,
            mreg._term('license', license, pid), mreg._term('usage_rights', usage_rights, pid), contains_personal_data)
    ON CONFLICT ON CONSTRAINT dataset_version_dataset_id_version_key DO NOTHING
    RETURNING id INTO vid;
    IF vid IS NOT NULL THEN
        RETURN vid;
    END IF;
    -- Registered before: the same snapshot again is fine (pipelines retry),
    -- different content under the same label is not.
    SELECT * INTO old FROM mreg.dataset_version v WHERE v.dataset_id = did AND v.version = register_dataset_version.version;
    IF (old.uri, old.sha256, old.row_count, old.schema) IS NOT DISTINCT FROM (uri, sha, row_count, schema) THEN
        RETURN old.id;
    END IF;
    RAISE EXCEPTION 'dataset version %@% already exists with different content', dataset, version
        USING ERRCODE = 'unique_violation',
              DETAIL = format('Registered as id %s with uri %s and sha256 %s.', old.id, old.uri, coalesce(old.sha256, 'none')),
              HINT = 'A data snapshot is immutable: register the new data under a new version label.';
END
$$;
COMMENT ON FUNCTION mreg.register_dataset_version(text, text, text, text, text, bigint, text, text, boolean, jsonb, text, text) IS
    'Registers an immutable data snapshot (creating the dataset on first use); registering the same snapshot again returns its id';

CREATE FUNCTION mreg.define_feature(project text, name text, dtype text, transformation text DEFAULT NULL,
                                    source text DEFAULT NULL, feature_store_uri text DEFAULT NULL,
                                    description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    fid bigint;
BEGIN
    PERFORM mreg._require(name, 'feature name');
    PERFORM mreg._require(dtype, 'dtype');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid feature name %', quote_literal(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A feature name starts with a letter or digit and has up to 128 letters, digits or "_.:/+-".';
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
COMMENT ON FUNCTION mreg.define_feature(text, text, text, text, text, text, text) IS
    'Defines a feature, or redefines it keeping the old definition in row_history; returns its id';

CREATE FUNCTION mreg.define_pipeline(project text, name text, system text DEFAULT NULL, uri text DEFAULT NULL,
                                     steps jsonb DEFAULT NULL, description text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    plid bigint;
    st jsonb;
    pos int := 0;
BEGIN
    PERFORM mreg._require(name, 'pipeline name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid pipeline name %', quote_literal(name) USING ERRCODE = 'invalid_parameter_value';
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
                RAISE EXCEPTION 'step % of pipeline % needs a "name"', pos, quote_literal(name)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO mreg.pipeline_step (project_id, pipeline_id, position, name, transformation, params)
            VALUES (pid, plid, pos, st->>'name', st->>'transformation', coalesce(st->'params', '{}'));
        END LOOP;
    END IF;
    RETURN plid;
END
$$;
COMMENT ON FUNCTION mreg.define_pipeline(text, text, text, text, jsonb, text) IS
    'Defines a pipeline and its ordered preprocessing steps (a new steps array replaces the old, kept in row_history); returns its id';

-- ---------------------------------------------------------------- runs
CREATE FUNCTION mreg.log_run(project text, experiment text, params jsonb, environment jsonb DEFAULT '{}',
                             dataset_versions text[] DEFAULT '{}', notes text DEFAULT NULL,
                             code_ref text DEFAULT NULL, pipeline text DEFAULT NULL, features jsonb DEFAULT NULL,
                             status text DEFAULT 'finished', started_at timestamptz DEFAULT NULL,
                             ended_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    eid bigint;
    plid bigint;
    rid bigint;
    run_node text;
    n text;
    r record;
    f record;
    fid bigint;
BEGIN
    PERFORM mreg._require(experiment, 'experiment');
    IF params IS NULL OR jsonb_typeof(params) <> 'object' THEN
        RAISE EXCEPTION 'params must be a JSON object' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Got %s.', coalesce(jsonb_typeof(params), 'NULL'));
    END IF;
    IF environment IS NULL OR jsonb_typeof(environment) <> 'object' THEN
        RAISE EXCEPTION 'environment must be a JSON object' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('Got %s.', coalesce(jsonb_typeof(environment), 'NULL'));
    END IF;
    IF status IS NULL OR status NOT IN ('running', 'finished', 'failed', 'killed') THEN
        RAISE EXCEPTION 'invalid run status %', coalesce(quote_literal(status), 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use running, finished, failed or killed.';
    END IF;
    IF ended_at < started_at THEN
        RAISE EXCEPTION 'ended_at is before started_at' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF features IS NOT NULL AND jsonb_typeof(features) NOT IN ('object', 'array') THEN
        RAISE EXCEPTION 'features must be a JSON object {"name": importance} or an array of names'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mreg._check_metadata(pid, 'run_params', params);
    PERFORM mreg._check_metadata(pid, 'run_environment', environment);

    INSERT INTO mreg.experiment (project_id, name) VALUES (pid, experiment)
    ON CONFLICT ON CONSTRAINT experiment_project_id_name_key DO NOTHING;
    SELECT x.id INTO eid FROM mreg.experiment x WHERE x.project_id = pid AND x.name = experiment;
    IF pipeline IS NOT NULL THEN
        SELECT x.id INTO plid FROM mreg.pipeline x WHERE x.project_id = pid AND x.name = pipeline;
        IF plid IS NULL THEN
            RAISE EXCEPTION 'pipeline % is not registered in project %', quote_literal(pipeline), quote_literal(project)
                USING ERRCODE = 'foreign_key_violation', HINT = 'Define it with mreg.define_pipeline().';
        END IF;
    END IF;

    INSERT INTO mreg.run (project_id, experiment_id, pipeline_id, params, environment, code_ref, status,
                          started_at, ended_at, notes)
    VALUES (pid, eid, plid, params, environment, nullif(btrim(code_ref), ''), status, started_at, ended_at, notes)
    RETURNING id INTO rid;
    run_node := 'run:' || rid;

    FOREACH n IN ARRAY coalesce(dataset_versions, '{}') LOOP
        r := mreg.resolve_node(CASE WHEN n LIKE '%:%' THEN n ELSE 'dataset:' || n END);
        IF r.kind <> 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', quote_literal(n)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        INSERT INTO mreg.run_dataset (project_id, run_id, dataset_version_id) VALUES (pid, rid, r.entity_id)
        ON CONFLICT ON CONSTRAINT run_dataset_run_id_dataset_version_id_key DO NOTHING;
        PERFORM mreg._add_edge(r.canonical, run_node, pid);
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
                RAISE EXCEPTION 'feature % is not defined in project %', quote_literal(f.fname), quote_literal(project)
                    USING ERRCODE = 'foreign_key_violation', HINT = 'Define it with mreg.define_feature().';
            END IF;
            IF f.imp IS NOT NULL AND jsonb_typeof(f.imp) NOT IN ('number', 'null') THEN
                RAISE EXCEPTION 'importance of feature % must be a number', quote_literal(f.fname)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO mreg.run_feature (project_id, run_id, feature_id, importance)
            VALUES (pid, rid, fid, (f.imp #>> '{}')::float8);
            PERFORM mreg._add_edge(project || '/feature:' || f.fname, run_node, pid);
        END LOOP;
    END IF;
    IF plid IS NOT NULL THEN
        PERFORM mreg._add_edge(project || '/pipeline:' || pipeline, run_node, pid);
    END IF;
    IF nullif(btrim(code_ref), '') IS NOT NULL THEN
        PERFORM mreg._add_edge(mreg._canonical_node(NULL, 'code', btrim(code_ref)), run_node, pid);
    END IF;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION mreg.log_run(text, text, jsonb, jsonb, text[], text, text, text, jsonb, text, timestamptz, timestamptz) IS
    'Records a training run (creating the experiment on first use) with its hyperparameters, environment, code, pipeline, features and data snapshots; records lineage edges into run:ID; returns the run id';

-- ---------------------------------------------------------------- model versions
CREATE FUNCTION mreg.register_model_version(project text, model text, version mreg.semver, run_id bigint DEFAULT NULL,
                                            artifacts jsonb DEFAULT '[]', metadata jsonb DEFAULT '{}',
                                            signature jsonb DEFAULT NULL, status text DEFAULT 'registered')
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    mid bigint;
    vid bigint;
    other record;
    node text;
    a jsonb;
    pos int := 0;
    bytes bytea;
BEGIN
    PERFORM mreg._require(model, 'model name');
    IF version IS NULL THEN
        RAISE EXCEPTION 'version must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF status IS NULL OR status NOT IN ('draft', 'registered', 'staging') THEN
        RAISE EXCEPTION 'a new version starts as draft, registered or staging, not %', coalesce(quote_literal(status), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF artifacts IS NULL OR jsonb_typeof(artifacts) <> 'array' THEN
        RAISE EXCEPTION 'artifacts must be a JSON array' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Each artifact is {"name", "kind", "uri" or "content_base64", "sha256", "size_bytes", "media_type", "encrypted"}.';
    END IF;
    IF metadata IS NULL OR jsonb_typeof(metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mreg.run r WHERE r.id = run_id AND r.project_id = pid) THEN
        RAISE EXCEPTION 'run % is not registered in project %', run_id, quote_literal(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM mreg._check_metadata(pid, 'model_version', metadata);

    SELECT m.id INTO mid FROM mreg.model m WHERE m.project_id = pid AND m.name = model;
    IF mid IS NULL THEN
        mid := mreg.register_model(project, model);
    END IF;
    SELECT v.id, v.version INTO other FROM mreg.model_version v
     WHERE v.model_id = mid AND v.version = register_model_version.version;
    IF FOUND THEN
        RAISE EXCEPTION 'model version %@% already exists in project %', model, version, quote_literal(project)
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Registered as id %s (%s); build metadata does not make a new version.', other.id, other.version),
                  HINT = 'Bump the version (mreg.bump()) to register new weights.';
    END IF;

    node := project || '/model:' || model || '@' || version::text;
    IF run_id IS NOT NULL THEN
        PERFORM mreg._add_edge('run:' || run_id, node, pid);
    END IF;

    BEGIN
        INSERT INTO mreg.model_version (project_id, model_id, version, run_id, status, signature, metadata, provenance)
        VALUES (pid, mid, version, run_id, status, signature, metadata, mreg.live_upstream(node))
        RETURNING id INTO vid;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent session registered the same version first
        RAISE EXCEPTION 'model version %@% already exists in project %', model, version, quote_literal(project)
            USING ERRCODE = 'unique_violation',
                  DETAIL = 'Another session registered it concurrently.';
    END;

    FOR a IN SELECT value FROM jsonb_array_elements(artifacts) LOOP
        pos := pos + 1;
        IF jsonb_typeof(a) <> 'object' THEN
            RAISE EXCEPTION 'artifact % must be a JSON object', pos USING ERRCODE = 'invalid_parameter_value';
        END IF;
        bytes := NULL;
        IF a ? 'content_base64' THEN
            BEGIN
                bytes := decode(a->>'content_base64', 'base64');
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION 'artifact %: content_base64 is not valid base64', pos
                    USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM;
            END;
        ELSIF a ? 'content_hex' THEN
            BEGIN
                bytes := decode(a->>'content_hex', 'hex');
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION 'artifact %: content_hex is not valid hex', pos
                    USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM;
            END;
        END IF;
        IF bytes IS NULL AND coalesce(btrim(a->>'uri'), '') = '' THEN
            RAISE EXCEPTION 'artifact % needs a "uri" or inline content ("content_base64")', pos
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF coalesce(a->>'kind', 'other') NOT IN ('binary', 'container', 'serialized', 'other') THEN
            RAISE EXCEPTION 'artifact %: kind must be binary, container, serialized or other, not %', pos, quote_literal(a->>'kind')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF a->>'sha256' IS NOT NULL AND lower(a->>'sha256') !~ '^[0-9a-f]{64}$' THEN
            RAISE EXCEPTION 'artifact %: sha256 must be 64 hexadecimal digits', pos USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF a ? 'size_bytes' AND (jsonb_typeof(a->'size_bytes') <> 'number' OR (a->>'size_bytes')::numeric < 0
                                 OR (a->>'size_bytes')::numeric <> trunc((a->>'size_bytes')::numeric)) THEN
            RAISE EXCEPTION 'artifact %: size_bytes must be a non-negative integer', pos USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO mreg.artifact (project_id, model_version_id, name, kind, uri, content, sha256, size_bytes,
                                   media_type, encrypted)
        VALUES (pid, vid, coalesce(nullif(btrim(a->>'name'), ''), 'artifact-' || pos), coalesce(a->>'kind', 'other'),
                nullif(btrim(a->>'uri'), ''), bytes, lower(a->>'sha256'), (a->>'size_bytes')::bigint,
                a->>'media_type', coalesce((a->>'encrypted')::boolean, false));
    END LOOP;
    RETURN vid;
END
$$;
COMMENT ON FUNCTION mreg.register_model_version(text, text, mreg.semver, bigint, jsonb, jsonb, jsonb, text) IS
    'Registers a model version (creating the model on first use) with its artifacts; records run:ID -> model:NAME@VERSION and snapshots the full upstream lineage as provenance; returns the version id';

CREATE FUNCTION mreg.version_id(project text, model text, version mreg.semver) RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT v.id FROM mreg.model_version v
      JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
      JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) m.project_id
     WHERE p.name OPERATOR(pg_catalog.=) version_id.project AND m.name OPERATOR(pg_catalog.=) version_id.model
       AND v.version OPERATOR(mreg.=) version_id.version;
END;
COMMENT ON FUNCTION mreg.version_id(text, text, mreg.semver) IS 'Id of a model version, NULL when absent or not visible';

-- Version lookup that errors, for the functions that act on a version.
CREATE FUNCTION mreg._version(project text, model text, version mreg.semver) RETURNS mreg.model_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version;
BEGIN
    PERFORM mreg._project_id(project);
    PERFORM mreg._require(model, 'model name');
    IF version IS NULL THEN
        RAISE EXCEPTION 'version must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v FROM mreg.model_version x WHERE x.id = mreg.version_id(project, model, version);
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'model version %@% is not registered in project %', model, version, quote_literal(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg._version(text, text, mreg.semver) IS 'Internal: a model version row by names (23503 when absent)';

CREATE FUNCTION mreg.set_status(project text, model text, version mreg.semver, status text, reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg._version(project, model, version);
BEGIN
    IF status IS NULL OR status NOT IN ('draft', 'registered', 'staging', 'production', 'archived', 'retired') THEN
        RAISE EXCEPTION 'invalid status %', coalesce(quote_literal(status), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use registered, staging, production, archived or retired.';
    END IF;
    UPDATE mreg.model_version x SET status = set_status.status, status_reason = reason WHERE x.id = v.id;
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION mreg.set_status(text, text, mreg.semver, text, text) IS
    'Moves a model version to another status along the allowed transitions (see mreg.status_transition_allowed); returns its id';

CREATE FUNCTION mreg.retire(project text, model text, version mreg.semver, reason text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg._version(project, model, version);
    al record;
BEGIN
    PERFORM mreg._require(reason, 'reason');
    IF v.status = 'retired' THEN
        RAISE EXCEPTION 'model version %@% is already retired', model, version
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- aliases must not point at a retired version: they are removed, and the move is kept
    FOR al IN SELECT * FROM mreg.alias a WHERE a.model_version_id = v.id LOOP
        INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
        VALUES (al.project_id, al.model_id, al.name, v.id, NULL, 'version retired: ' || reason);
    END LOOP;
    UPDATE mreg.model_version x SET status = 'retired', status_reason = reason WHERE x.id = v.id;
    DELETE FROM mreg.alias a WHERE a.model_version_id = v.id;
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION mreg.retire(text, text, mreg.semver, text) IS
    'Retires a model version for good (a reason is required); aliases pointing at it are removed with the move kept; returns its id';

-- ---------------------------------------------------------------- evaluations
CREATE FUNCTION mreg.log_evaluation(model_version_id bigint, metric text, value double precision,
                                    dataset_version text DEFAULT NULL, slice text DEFAULT 'all',
                                    method text DEFAULT NULL, evaluated_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
    dsv bigint;
    r record;
    eid bigint;
BEGIN
    IF model_version_id IS NULL THEN
        RAISE EXCEPTION 'model_version_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM mreg._require(metric, 'metric');
    PERFORM mreg._require(slice, 'slice');
    IF value IS NULL THEN
        RAISE EXCEPTION 'value must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'metric value must be finite, got %', value USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF metric !~ '^[A-Za-z][A-Za-z0-9_.@-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid metric name %', quote_literal(metric)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A metric name starts with a letter and has up to 63 letters, digits or "_.@-" (accuracy, f1, recall@10).';
    END IF;
    SELECT v.project_id INTO pid FROM mreg.model_version v WHERE v.id = model_version_id;
    IF pid IS NULL THEN
        RAISE EXCEPTION 'model version % is not registered', model_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF dataset_version IS NOT NULL THEN
        r := mreg.resolve_node(CASE WHEN dataset_version LIKE '%:%' THEN dataset_version ELSE 'dataset:' || dataset_version END);
        IF r.kind <> 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', quote_literal(dataset_version)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        dsv := r.entity_id;
    END IF;
    INSERT INTO mreg.evaluation (project_id, model_version_id, dataset_version_id, slice, metric, value, method, evaluated_at)
    VALUES (pid, model_version_id, dsv, btrim(slice), metric, value, method, coalesce(evaluated_at, clock_timestamp()))
    RETURNING id INTO eid;
    RETURN eid;
END
$$;
COMMENT ON FUNCTION mreg.log_evaluation(bigint, text, double precision, text, text, text, timestamptz) IS
    'Appends one metric value of a model version (on a data snapshot and slice) to the immutable performance history; returns its id';

-- ---------------------------------------------------------------- aliases
CREATE FUNCTION mreg._alias_name(alias text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    a text := lower(ltrim(btrim(alias), '@'));
BEGIN
    IF alias IS NULL OR a !~ '^[a-z][a-z0-9_-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid alias %', coalesce(quote_literal(alias), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'An alias is @ followed by a letter and up to 62 letters, digits, "_" or "-" (@champion).';
    END IF;
    RETURN a;
END
$$;
COMMENT ON FUNCTION mreg._alias_name(text) IS 'Internal: normalised alias name without the @ (22023 when malformed)';

CREATE FUNCTION mreg._check_alias_guard(al mreg.alias) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF al.protected_by IS NOT NULL AND NOT pg_has_role(current_user, al.protected_by, 'MEMBER') THEN
        RAISE EXCEPTION 'alias @% is protected', al.name
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Only members of role %s may move it.', al.protected_by);
    END IF;
END
$$;
COMMENT ON FUNCTION mreg._check_alias_guard(mreg.alias) IS 'Internal: 42501 unless the caller may move a protected alias';

CREATE FUNCTION mreg.set_alias(project text, model text, alias text, version mreg.semver, reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg._version(project, model, version);
    a text := mreg._alias_name(alias);
    al mreg.alias;
BEGIN
    IF v.status IN ('retired', 'draft') THEN
        RAISE EXCEPTION 'alias @% cannot point at a % version', a, v.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s@%s is %s.', model, version, v.status);
    END IF;
    SELECT * INTO al FROM mreg.alias x WHERE x.model_id = v.model_id AND x.name = a FOR UPDATE;
    IF al.id IS NULL THEN
        INSERT INTO mreg.alias (project_id, model_id, name, model_version_id)
        VALUES (v.project_id, v.model_id, a, v.id)
        ON CONFLICT ON CONSTRAINT alias_model_id_name_key DO NOTHING
        RETURNING * INTO al;
        IF al.id IS NOT NULL THEN
            INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
            VALUES (v.project_id, v.model_id, a, NULL, v.id, reason);
            RETURN al.id;
        END IF;
        -- created concurrently: move it like an existing one
        SELECT * INTO al FROM mreg.alias x WHERE x.model_id = v.model_id AND x.name = a FOR UPDATE;
    END IF;
    PERFORM mreg._check_alias_guard(al);
    IF al.model_version_id = v.id THEN
        RETURN al.id;                      -- already there: not a move
    END IF;
    UPDATE mreg.alias x SET model_version_id = v.id, updated_at = now(), updated_by = current_user WHERE x.id = al.id;
    INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
    VALUES (v.project_id, v.model_id, a, al.model_version_id, v.id, reason);
    RETURN al.id;
END
$$;
COMMENT ON FUNCTION mreg.set_alias(text, text, text, mreg.semver, text) IS
    'Points an alias (@champion) at a version; every move is kept in mreg.alias_move (who, when, from, to, why); protected aliases move only for members of their role';

CREATE FUNCTION mreg.remove_alias(project text, model text, alias text, reason text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    a text := mreg._alias_name(alias);
    al mreg.alias;
BEGIN
    SELECT x.* INTO al FROM mreg.alias x JOIN mreg.model m ON m.id = x.model_id
     WHERE m.project_id = pid AND m.name = model AND x.name = a FOR UPDATE OF x;
    IF al.id IS NULL THEN
        RAISE EXCEPTION 'alias @% of model % does not exist', a, quote_literal(model) USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM mreg._check_alias_guard(al);
    INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
    VALUES (al.project_id, al.model_id, al.name, al.model_version_id, NULL, reason);
    DELETE FROM mreg.alias x WHERE x.id = al.id;
END
$$;
COMMENT ON FUNCTION mreg.remove_alias(text, text, text, text) IS 'Removes an alias, keeping the move in mreg.alias_move';

CREATE FUNCTION mreg.protect_alias(project text, model text, alias text, role name)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    a text := mreg._alias_name(alias);
    al mreg.alias;
BEGIN
    IF role IS NOT NULL AND to_regrole(quote_ident(role)) IS NULL THEN
        RAISE EXCEPTION 'role % does not exist', quote_literal(role) USING ERRCODE = 'undefined_object';
    END IF;
    SELECT x.* INTO al FROM mreg.alias x JOIN mreg.model m ON m.id = x.model_id
     WHERE m.project_id = pid AND m.name = model AND x.name = a FOR UPDATE OF x;
    IF al.id IS NULL THEN
        RAISE EXCEPTION 'alias @% of model % does not exist', a, quote_literal(model) USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM mreg._check_alias_guard(al);
    UPDATE mreg.alias x SET protected_by = role WHERE x.id = al.id;
END
$$;
COMMENT ON FUNCTION mreg.protect_alias(text, text, text, name) IS
    'Protects an alias so only members of a role may move it (NULL unprotects; only a member of the current guard may change it)';

-- ---------------------------------------------------------------- tags, annotations, lineage
CREATE FUNCTION mreg.set_tag(node text, key text, value text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
    tid bigint;
BEGIN
    PERFORM mreg._require(key, 'tag key');
    IF key !~ '^[A-Za-z0-9_.:/-]{1,128}$' THEN
        RAISE EXCEPTION 'invalid tag key %', quote_literal(key)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Up to 128 letters, digits or "_.:/-".';
    END IF;
    IF value IS NULL THEN
        -- NULL removes the tag; the old row stays in row_history
        DELETE FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key RETURNING id INTO tid;
        RETURN tid;
    END IF;
    INSERT INTO mreg.tag AS t (project_id, node, key, value) VALUES (r.project_id, r.canonical, key, value)
    ON CONFLICT ON CONSTRAINT tag_node_key_key DO UPDATE
       SET value = EXCLUDED.value, updated_at = now(), updated_by = current_user
     WHERE t.value IS DISTINCT FROM EXCLUDED.value
    RETURNING id INTO tid;
    IF tid IS NULL THEN
        SELECT t.id INTO tid FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key;
    END IF;
    RETURN tid;
END
$$;
COMMENT ON FUNCTION mreg.set_tag(text, text, text) IS
    'Sets a key/value tag on any entity named by node text (NULL value removes it); every change is kept in row_history; returns the tag id';

CREATE FUNCTION mreg.annotate(node text, note text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
    aid bigint;
BEGIN
    PERFORM mreg._require(note, 'note');
    INSERT INTO mreg.annotation (project_id, node, note) VALUES (r.project_id, r.canonical, note)
    RETURNING id INTO aid;
    RETURN aid;
END
$$;
COMMENT ON FUNCTION mreg.annotate(text, text) IS 'Appends a timestamped note to any entity named by node text; returns its id';

CREATE FUNCTION mreg.add_lineage(src text, dst text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s record := mreg.resolve_node(src);
    d record := mreg.resolve_node(dst);
BEGIN
    IF s.kind IN ('dataset', 'model') OR d.kind IN ('dataset', 'model') THEN
        -- a dataset or a registered model as a whole is not a lineage node: its versions are
        IF s.kind = 'dataset' OR d.kind = 'dataset' THEN
            RAISE EXCEPTION 'lineage links dataset versions, not datasets'
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the snapshot: dataset:NAME@VERSION.';
        END IF;
    END IF;
    IF d.kind = 'model_version' AND EXISTS (SELECT 1 FROM mreg.model_version v WHERE v.id = d.entity_id AND v.status <> 'draft') THEN
        RAISE EXCEPTION 'model version % is registered: its provenance is frozen', d.canonical
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'An edge into a registered version would make the live lineage disagree with its provenance snapshot.',
                  HINT = 'Record the lineage before registering the version, or register a new version.';
    END IF;
    RETURN mreg._add_edge(s.canonical, d.canonical, coalesce(d.project_id, s.project_id));
END
$$;
COMMENT ON FUNCTION mreg.add_lineage(text, text) IS
    'Records a live lineage edge src -> dst between entities named by node text (cycles refused with 23514 naming the cycle); returns the edge id';

CREATE FUNCTION mreg.provenance(model_version_id bigint) RETURNS mreg.lineage
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT v.provenance FROM mreg.model_version v WHERE v.id OPERATOR(pg_catalog.=) provenance.model_version_id;
END;
COMMENT ON FUNCTION mreg.provenance(bigint) IS 'The provenance snapshot of a model version (its full upstream lineage at registration)';

CREATE FUNCTION mreg.impact(node text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
BEGIN
    IF r.kind = 'dataset' THEN
        -- every snapshot of the dataset
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance && (SELECT mreg.lineage_agg(pr.name || '/dataset:' || d.name || '@' || dv.version, NULL)
                                      FROM mreg.dataset_version dv JOIN mreg.dataset d ON d.id = dv.dataset_id
                                      JOIN mreg.project pr ON pr.id = d.project_id
                                     WHERE dv.dataset_id = r.entity_id)
             ORDER BY v.id;
    ELSIF r.kind = 'model' THEN
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance && (SELECT mreg.lineage_agg(pr.name || '/model:' || m.name || '@' || mv.version::text, NULL)
                                      FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id
                                      JOIN mreg.project pr ON pr.id = m.project_id
                                     WHERE mv.model_id = r.entity_id)
               AND v.model_id <> r.entity_id
             ORDER BY v.id;
    ELSE
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance @> r.canonical
               AND NOT (r.kind = 'model_version' AND v.id = r.entity_id)
             ORDER BY v.id;
    END IF;
END
$$;
COMMENT ON FUNCTION mreg.impact(text) IS
    'Model versions whose provenance contains the node (a dataset without @VERSION means any of its snapshots), through the GIN index on provenance';

-- ---------------------------------------------------------------- metadata standards
CREATE FUNCTION mreg.add_term(category text, term text, description text DEFAULT NULL, project text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    pid bigint := CASE WHEN project IS NULL THEN NULL ELSE mreg._project_id(project) END;
    tid bigint;
BEGIN
    PERFORM mreg._require(category, 'category');
    PERFORM mreg._require(term, 'term');
    IF category NOT IN ('domain', 'task', 'framework', 'license', 'constraint', 'metric', 'usage_rights') THEN
        RAISE EXCEPTION 'unknown vocabulary category %', quote_literal(category)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Categories: domain, task, framework, license, constraint, metric, usage_rights.';
    END IF;
    IF lower(btrim(term)) !~ '^[a-z0-9][a-z0-9_.+-]*$' THEN
        RAISE EXCEPTION 'invalid term %', quote_literal(term)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Terms are lower case: letters, digits and "_.+-".';
    END IF;
    INSERT INTO mreg.vocabulary (project_id, category, term, description)
    VALUES (pid, category, lower(btrim(term)), description)
    ON CONFLICT (COALESCE(project_id, 0), category, term) DO NOTHING
    RETURNING id INTO tid;
    IF tid IS NULL THEN
        SELECT v.id INTO tid FROM mreg.vocabulary v
         WHERE COALESCE(v.project_id, 0) = COALESCE(pid, 0) AND v.category = add_term.category AND v.term = lower(btrim(add_term.term));
    END IF;
    RETURN tid;
END
$$;
COMMENT ON FUNCTION mreg.add_term(text, text, text, text) IS
    'Adds a controlled term to a vocabulary category, globally or for one project; returns its id';

CREATE FUNCTION mreg.add_synonym(term text, synonym text, category text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    sid bigint;
BEGIN
    PERFORM mreg._require(term, 'term');
    PERFORM mreg._require(synonym, 'synonym');
    IF lower(btrim(term)) = lower(btrim(synonym)) THEN
        RAISE EXCEPTION 'a synonym must differ from its term' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mreg.synonym (category, term, synonym) VALUES (category, lower(btrim(term)), btrim(synonym))
    RETURNING id INTO sid;
    RETURN sid;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'synonym % is already defined', quote_literal(synonym) USING ERRCODE = 'unique_violation';
END
$$;
COMMENT ON FUNCTION mreg.add_synonym(text, text, text) IS 'Declares that a word stands for a term (nlp -> natural-language-processing); returns its id';

CREATE FUNCTION mreg.set_metadata_schema(project text, entity_kind text, schema jsonb)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg._project_id(project);
    sid bigint;
BEGIN
    PERFORM mreg._require(entity_kind, 'entity_kind');
    IF entity_kind NOT IN ('model_version', 'run_params', 'run_environment', 'dataset_schema') THEN
        RAISE EXCEPTION 'unknown entity kind %', quote_literal(entity_kind)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Kinds: model_version, run_params, run_environment, dataset_schema.';
    END IF;
    IF schema IS NULL THEN
        DELETE FROM mreg.metadata_schema m WHERE m.project_id = pid AND m.entity_kind = set_metadata_schema.entity_kind
        RETURNING id INTO sid;
        RETURN sid;
    END IF;
    PERFORM mreg.jsonb_schema_check(schema);     -- a bad schema is an error, not a silent pass
    INSERT INTO mreg.metadata_schema AS m (project_id, entity_kind, schema) VALUES (pid, entity_kind, schema)
    ON CONFLICT ON CONSTRAINT metadata_schema_project_id_entity_kind_key DO UPDATE SET schema = EXCLUDED.schema
    RETURNING id INTO sid;
    RETURN sid;
END
$$;
COMMENT ON FUNCTION mreg.set_metadata_schema(text, text, jsonb) IS
    'Sets (or with NULL removes) the JSON Schema a project''s metadata of one kind must match; the old schema stays in row_history';
