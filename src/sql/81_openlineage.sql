-- OpenLineage (SPEC section 7): RunEvents in, RunEvents out.
--
-- mreg.ingest_openlineage(event jsonb, project text default null) → bigint
-- (the mreg run id) turns one OpenLineage RunEvent (spec 2-0-2) into an mreg
-- run, dataset versions and lineage edges; mreg.openlineage_event(run_id) →
-- jsonb (81_openlineage_emit.sql) emits a RunEvent for any mreg run.  doc/openlineage.md is the
-- reference; the rules in short:
--   project   the argument, else job.namespace names the project
--   run       one mreg run per OpenLineage runId, found again through the run's
--             tag openlineage.runId; experiment = job.name; START/RUNNING →
--             running, COMPLETE → finished, FAIL → failed, ABORT → killed
--             (OTHER leaves the status); a terminal state is never undone by
--             a START that arrives late; started_at = START's eventTime,
--             ended_at = the terminal event's
--   datasets  namespace + name → one dataset name (mreg://PROJECT names the
--             project's own datasets), facets.version.datasetVersion → the
--             version label (else a label derived from the dataset's identity
--             and schema), inputs → dataset version → run:ID, outputs
--             run:ID → dataset version; an output in namespace mreg://PROJECT
--             named model:NAME@VERSION is that model version
--   replay    the same event again changes nothing; events of one run in any
--             order end in the same state

-- ---------------------------------------------------------------- helpers
-- The mreg dataset name of an OpenLineage dataset: namespace and name joined
-- by '/' when that is a valid dataset name, else the same text with every
-- character a dataset name may not hold replaced by '_', cut, and a hash of
-- the original suffixed, so two datasets never share a name.  Datasets in
-- namespace mreg://PROJECT are that project's datasets by their own names.
CREATE FUNCTION mreg_internal.ol_dataset_name(namespace text, name text, project text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    joined text;
BEGIN
    IF namespace = 'mreg://' || project THEN
        RETURN name;
    END IF;
    joined := CASE WHEN name LIKE '/%' OR namespace LIKE '%/' THEN namespace || name ELSE namespace || '/' || name END;
    IF joined ~ '^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,127}$' AND joined NOT LIKE '%->%' THEN
        RETURN joined;
    END IF;
    RETURN left(regexp_replace(regexp_replace(joined, '[^A-Za-z0-9_.:/+]|->', '_', 'g'), '^[^A-Za-z0-9]', 'x'), 110)
           || '-' || left(encode(sha256(convert_to(namespace || E'\n' || name, 'UTF8')), 'hex'), 16);
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_dataset_name(text, text, text) IS
    'The mreg dataset name of an OpenLineage dataset (namespace/name, made a valid name with a hash suffix when it is not one; mreg://PROJECT: the name itself)';

-- An OpenLineage schema facet ({"fields": [{"name", "type"}, ...]}) as an
-- mreg dataset schema ({"name": "type"}); NULL without fields.
CREATE FUNCTION mreg_internal.ol_schema(facet jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF jsonb_typeof(facet -> 'fields') IS DISTINCT FROM 'array' THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT jsonb_object_agg(f ->> 'name', coalesce(f -> 'type', 'null'::jsonb))
              FROM jsonb_array_elements(facet -> 'fields') f
             WHERE jsonb_typeof(f -> 'name') = 'string');
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_schema(jsonb) IS 'An OpenLineage schema facet as an mreg dataset schema {"column": "type"}';

-- The version label of an OpenLineage dataset: its version facet when that is
-- a valid label, else ol- and a hash of the facet's value (or, without one, of
-- the dataset's identity and schema: the same description, the same label).
CREATE FUNCTION mreg_internal.ol_version(namespace text, name text, facets jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v text := facets #>> '{version,datasetVersion}';
BEGIN
    IF v ~ '^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$' THEN
        RETURN v;
    END IF;
    RETURN 'ol-' || left(encode(sha256(convert_to(coalesce('version ' || v,
               jsonb_build_array(namespace, name, mreg_internal.ol_schema(facets -> 'schema'))::text), 'UTF8')), 'hex'), 16);
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_version(text, text, jsonb) IS
    'The mreg version label of an OpenLineage dataset (facets.version.datasetVersion, else a stable derived ol-HASH)';

-- The OpenLineage runId of an mreg run that was not ingested: a name-based
-- UUID (version 3 layout over MD5) of the project and run id, so it is the
-- same every time the run is emitted.
CREATE FUNCTION mreg_internal.ol_run_uuid(project text, run_id bigint) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    h text := md5('mreg run ' || project || E'\n' || run_id);
BEGIN
    RETURN substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-3' || substr(h, 14, 3) || '-'
           || substr('89ab', (get_byte(decode(substr(h, 17, 2), 'hex'), 0) % 4) + 1, 1) || substr(h, 18, 3) || '-'
           || substr(h, 21, 12);
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_run_uuid(text, bigint) IS 'The stable OpenLineage runId (a name-based UUID) of an mreg run that carries none';

-- 22023/22004 naming the field of an event that is not what the spec says.
CREATE FUNCTION mreg_internal.ol_field(event jsonb, path text[], what text, required boolean) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v jsonb := event #> path;
    field text := array_to_string(path, '.');
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        IF required THEN
            RAISE EXCEPTION 'OpenLineage event: % is required', field
                USING ERRCODE = 'null_value_not_allowed',
                      HINT = 'A RunEvent has eventType, eventTime, run {runId}, job {namespace, name}, producer (spec 2-0-2).';
        END IF;
        RETURN NULL;
    END IF;
    IF (what = 'string' AND (jsonb_typeof(v) <> 'string' OR btrim(v #>> '{}') = ''))
       OR (what IN ('object', 'array') AND jsonb_typeof(v) <> what) THEN
        RAISE EXCEPTION 'OpenLineage event: % must be a %', field,
                        CASE what WHEN 'string' THEN 'non-empty string' WHEN 'object' THEN 'JSON object' ELSE 'JSON array' END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Got %s.', left(v::text, 200));
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_field(jsonb, text[], text, boolean) IS
    'A field of an OpenLineage event checked for its JSON type (22004 when required and absent, 22023 naming the field otherwise)';

-- An event's facet as plain values: the facet's own keys, without the
-- _producer/_schemaURL bookkeeping every facet carries.
CREATE FUNCTION mreg_internal.ol_facet_values(facet jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF jsonb_typeof(facet) IS DISTINCT FROM 'object' THEN
        RETURN '{}'::jsonb;
    END IF;
    RETURN coalesce((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(facet) e WHERE e.key NOT LIKE '\_%'), '{}');
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_facet_values(jsonb) IS 'A facet''s own fields (those not starting with _)';

CREATE INDEX tag_openlineage_run_idx ON mreg.tag (value) WHERE key OPERATOR(pg_catalog.=) 'openlineage.runId';
COMMENT ON INDEX mreg.tag_openlineage_run_idx IS 'Finds the mreg run of an OpenLineage runId (mreg.ingest_openlineage)';

-- Sets a tag on a node the ingest made or found (absolute canonical text),
-- writing only when the value changes.
CREATE FUNCTION mreg_internal.ol_tag(pid bigint, node text, key text, value text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF value IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO mreg.tag AS t (project_id, node, key, value) VALUES (pid, node, key, left(value, 2000))
    ON CONFLICT ON CONSTRAINT tag_node_key_key DO UPDATE
       SET value = EXCLUDED.value, updated_at = clock_timestamp(), updated_by = mreg_internal.caller()
     WHERE t.value IS DISTINCT FROM EXCLUDED.value;
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_tag(bigint, text, text, text) IS 'Sets a tag of the OpenLineage ingest (no row change when the value is the same)';

-- ---------------------------------------------------------------- ingest
-- One RunEvent in.  Returns the mreg run id.  Written as the caller
-- (contribute on the project), audited by its entry.
CREATE FUNCTION mreg_internal.ingest_openlineage(event jsonb, project text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    uuid_re constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
    etype text;
    etime_text text;
    etime timestamptz;
    run_uuid text;
    job_ns text;
    job_name text;
    run_facets jsonb;
    job_facets jsonb;
    mreg_facet jsonb;
    proj text;
    pid bigint;
    rid bigint;
    tagged boolean := false;
    run_node text;
    r mreg.run;
    last_time timestamptz;
    newer boolean;
    ev_status text;
    ev_start timestamptz;
    ev_end timestamptz;
    ev_params jsonb;
    ev_env jsonb;
    ev_notes text;
    ev_code text;
    n_status text;
    n_start timestamptz;
    n_end timestamptz;
    n_params jsonb;
    n_env jsonb;
    clear jsonb;
    parent_uuid text;
    parent_node text;
    side text;
    ds jsonb;
    pos bigint;
    dns text;
    dn text;
    dfacets jsonb;
    dname text;
    dver text;
    dvid bigint;
    dnode text;
    ent record;
BEGIN
    -- ------------------------------------------------ the event's shape
    IF event IS NULL THEN
        RAISE EXCEPTION 'OpenLineage event must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF jsonb_typeof(event) <> 'object' THEN
        RAISE EXCEPTION 'OpenLineage event must be a JSON object (a RunEvent), not %', jsonb_typeof(event)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    etype := coalesce(mreg_internal.ol_field(event, '{eventType}', 'string', false) #>> '{}', 'OTHER');
    IF etype NOT IN ('START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER') THEN
        RAISE EXCEPTION 'OpenLineage event: eventType must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Got %s.', mreg_internal.quote_short(etype));
    END IF;
    etime_text := mreg_internal.ol_field(event, '{eventTime}', 'string', true) #>> '{}';
    IF etime_text !~ '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|z|[+-]\d\d(:?\d\d)?)$' THEN
        RAISE EXCEPTION 'OpenLineage event: eventTime must be an ISO 8601 date-time with a time zone'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Got %s.', mreg_internal.quote_short(etime_text)),
                  HINT = 'For example 2026-05-01T12:00:00.000Z.';
    END IF;
    BEGIN
        etime := etime_text::timestamptz;
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'OpenLineage event: eventTime must be an ISO 8601 date-time with a time zone'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Got %s: %s', mreg_internal.quote_short(etime_text), SQLERRM);
    END;
    PERFORM mreg_internal.ol_field(event, '{producer}', 'string', true);
    PERFORM mreg_internal.ol_field(event, '{schemaURL}', 'string', false);
    PERFORM mreg_internal.ol_field(event, '{run}', 'object', true);
    run_uuid := lower(mreg_internal.ol_field(event, '{run,runId}', 'string', true) #>> '{}');
    IF run_uuid !~ uuid_re THEN
        RAISE EXCEPTION 'OpenLineage event: run.runId must be a UUID'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Got %s.', mreg_internal.quote_short(event #>> '{run,runId}'));
    END IF;
    run_facets := coalesce(mreg_internal.ol_field(event, '{run,facets}', 'object', false), '{}');
    PERFORM mreg_internal.ol_field(event, '{job}', 'object', true);
    job_ns := mreg_internal.ol_field(event, '{job,namespace}', 'string', true) #>> '{}';
    job_name := mreg_internal.ol_field(event, '{job,name}', 'string', true) #>> '{}';
    IF length(job_name) > 200 THEN
        RAISE EXCEPTION 'OpenLineage event: job.name is longer than 200 characters (%)', length(job_name)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The job name becomes the run''s experiment.';
    END IF;
    job_facets := coalesce(mreg_internal.ol_field(event, '{job,facets}', 'object', false), '{}');
    IF run_facets ? 'parent' THEN
        PERFORM mreg_internal.ol_field(event, '{run,facets,parent}', 'object', true);
        parent_uuid := lower(mreg_internal.ol_field(event, '{run,facets,parent,run,runId}', 'string', true) #>> '{}');
        IF parent_uuid !~ uuid_re THEN
            RAISE EXCEPTION 'OpenLineage event: run.facets.parent.run.runId must be a UUID'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Got %s.', mreg_internal.quote_short(event #>> '{run,facets,parent,run,runId}'));
        END IF;
        PERFORM mreg_internal.ol_field(event, '{run,facets,parent,job,namespace}', 'string', true);
        PERFORM mreg_internal.ol_field(event, '{run,facets,parent,job,name}', 'string', true);
    END IF;
    mreg_facet := mreg_internal.ol_field(event, '{run,facets,mreg}', 'object', false);
    PERFORM mreg_internal.ol_field(event, '{run,facets,mreg,params}', 'object', false);
    PERFORM mreg_internal.ol_field(event, '{run,facets,mreg,environment}', 'object', false);
    FOREACH side IN ARRAY ARRAY['inputs', 'outputs'] LOOP
        PERFORM mreg_internal.ol_field(event, ARRAY[side], 'array', false);
        FOR ds, pos IN SELECT e.value, e.ordinality - 1 FROM jsonb_array_elements(coalesce(event -> side, '[]')) WITH ORDINALITY e LOOP
            IF jsonb_typeof(ds) <> 'object' THEN
                RAISE EXCEPTION 'OpenLineage event: %[%] must be a JSON object', side, pos
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            PERFORM mreg_internal.ol_field(event, ARRAY[side, pos::text, 'namespace'], 'string', true);
            PERFORM mreg_internal.ol_field(event, ARRAY[side, pos::text, 'name'], 'string', true);
            PERFORM mreg_internal.ol_field(event, ARRAY[side, pos::text, 'facets'], 'object', false);
        END LOOP;
    END LOOP;

    -- ------------------------------------------------ project and run
    proj := coalesce(project, job_ns);
    pid := mreg_internal.project_id(proj, 'contribute');
    -- one writer per OpenLineage run at a time (a START and a COMPLETE racing)
    PERFORM mreg_internal.lock_node('openlineage:' || run_uuid, true);
    SELECT substring(t.node FROM 'run:([0-9]+)$')::bigint INTO rid
      FROM mreg.tag t WHERE t.key = 'openlineage.runId' AND t.value = run_uuid AND t.project_id = pid;
    tagged := rid IS NOT NULL;
    IF rid IS NULL AND mreg_facet ->> 'project' = proj AND (mreg_facet ->> 'runId') ~ '^[0-9]{1,18}$'
       AND mreg_internal.ol_run_uuid(proj, (mreg_facet ->> 'runId')::bigint) = run_uuid THEN
        -- an event mreg.openlineage_event() emitted for one of this project's runs
        SELECT x.id INTO rid FROM mreg.run x WHERE x.id = (mreg_facet ->> 'runId')::bigint AND x.project_id = pid;
    END IF;

    ev_status := CASE etype WHEN 'START' THEN 'running' WHEN 'RUNNING' THEN 'running' WHEN 'COMPLETE' THEN 'finished'
                            WHEN 'FAIL' THEN 'failed' WHEN 'ABORT' THEN 'killed' END;
    ev_start := CASE WHEN etype = 'START' THEN etime END;
    ev_end := CASE WHEN etype IN ('COMPLETE', 'FAIL', 'ABORT') THEN etime END;
    ev_params := coalesce(mreg_facet -> 'params', '{}');
    ev_env := coalesce(mreg_facet -> 'environment', '{}');
    IF jsonb_typeof(run_facets -> 'processing_engine') = 'object' THEN
        ev_env := jsonb_build_object('processing_engine', mreg_internal.ol_facet_values(run_facets -> 'processing_engine')) || ev_env;
    END IF;
    ev_notes := job_facets #>> '{documentation,description}';
    ev_code := coalesce(job_facets #>> '{sourceCodeLocation,url}',
                        (job_facets #>> '{sourceCodeLocation,repoUrl}') || coalesce('@' || (job_facets #>> '{sourceCodeLocation,version}'), ''),
                        mreg_facet ->> 'codeRef');

    IF rid IS NULL THEN
        rid := mreg_internal.log_run(proj, job_name, ev_params, ev_env, '{}', ev_notes, ev_code, NULL, NULL,
                                     coalesce(ev_status, 'running'), ev_start, ev_end);
        run_node := (mreg_internal.resolve('run:' || rid, pid)).canonical;
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.runId', run_uuid);
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.job.namespace', job_ns);
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.job.name', job_name);
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.producer', event ->> 'producer');
        tagged := true;
    ELSIF NOT tagged THEN
        -- an event this registry emitted for its own run: it tells nothing new
        run_node := (mreg_internal.resolve('run:' || rid, pid)).canonical;
    ELSE
        SELECT * INTO r FROM mreg.run x WHERE x.id = rid;
        run_node := (mreg_internal.resolve('run:' || rid, pid)).canonical;
        SELECT t.value::timestamptz INTO last_time FROM mreg.tag t WHERE t.node = run_node AND t.key = 'openlineage.eventTime';
        newer := last_time IS NULL OR etime >= last_time;
        -- keys of the newer event win, whatever order the events arrive in
        n_params := CASE WHEN newer THEN r.params || ev_params ELSE ev_params || r.params END;
        n_env := CASE WHEN newer THEN r.environment || ev_env ELSE ev_env || r.environment END;
        -- a terminal state is kept against a late START; between two, the later one wins
        IF r.status IN ('finished', 'failed', 'killed') THEN
            IF ev_end IS NOT NULL AND (r.ended_at IS NULL OR ev_end >= r.ended_at) THEN
                n_status := ev_status; n_end := ev_end;
            ELSE
                n_status := r.status; n_end := r.ended_at;
            END IF;
        ELSE
            n_status := coalesce(ev_status, r.status); n_end := coalesce(ev_end, r.ended_at);
        END IF;
        n_start := CASE WHEN r.started_at IS NULL THEN ev_start WHEN ev_start IS NULL THEN r.started_at
                        ELSE least(r.started_at, ev_start) END;
        IF n_end < n_start THEN n_end := n_start; END IF;       -- clocks of two machines
        IF n_params IS DISTINCT FROM r.params THEN
            PERFORM mreg_internal.check_metadata(pid, 'run_params', n_params);
            clear := n_params;
            n_params := mreg_internal.mask_personal(pid, 'run_params', n_params);
            IF n_params IS DISTINCT FROM clear THEN
                PERFORM mreg_internal.keep_personal(pid, 'run_params', rid, clear);
            END IF;
        END IF;
        IF n_env IS DISTINCT FROM r.environment THEN
            PERFORM mreg_internal.check_metadata(pid, 'run_environment', n_env);
            clear := n_env;
            n_env := mreg_internal.mask_personal(pid, 'run_environment', n_env);
            IF n_env IS DISTINCT FROM clear THEN
                PERFORM mreg_internal.keep_personal(pid, 'run_environment', rid, clear);
            END IF;
        END IF;
        UPDATE mreg.run x
           SET status = n_status, started_at = n_start, ended_at = n_end, params = n_params, environment = n_env,
               notes = CASE WHEN newer THEN coalesce(ev_notes, x.notes) ELSE coalesce(x.notes, ev_notes) END,
               code_ref = CASE WHEN newer THEN coalesce(nullif(btrim(ev_code), ''), x.code_ref)
                               ELSE coalesce(x.code_ref, nullif(btrim(ev_code), '')) END
         WHERE x.id = rid
           AND (x.status, x.started_at, x.ended_at, x.params, x.environment, x.notes, x.code_ref) IS DISTINCT FROM
               (n_status, n_start, n_end, n_params, n_env,
                CASE WHEN newer THEN coalesce(ev_notes, x.notes) ELSE coalesce(x.notes, ev_notes) END,
                CASE WHEN newer THEN coalesce(nullif(btrim(ev_code), ''), x.code_ref) ELSE coalesce(x.code_ref, nullif(btrim(ev_code), '')) END);
    END IF;
    PERFORM mreg_internal.audit_note(pid, run_node, NULL);
    IF tagged THEN
        SELECT t.value::timestamptz INTO last_time FROM mreg.tag t WHERE t.node = run_node AND t.key = 'openlineage.eventTime';
        IF last_time IS NULL OR etime > last_time THEN
            PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.eventTime',
                                         to_char(etime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
        END IF;
    END IF;

    -- ------------------------------------------------ the parent run
    IF parent_uuid IS NOT NULL AND tagged THEN
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.parent.runId', parent_uuid);
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.parent.job.namespace', event #>> '{run,facets,parent,job,namespace}');
        PERFORM mreg_internal.ol_tag(pid, run_node, 'openlineage.parent.job.name', event #>> '{run,facets,parent,job,name}');
        SELECT t.node INTO parent_node FROM mreg.tag t
         WHERE t.key = 'openlineage.runId' AND t.value = parent_uuid AND t.project_id = pid;
        IF parent_node IS NOT NULL AND parent_node <> run_node THEN
            PERFORM mreg_internal.add_edge(parent_node, run_node, pid);
        END IF;
    END IF;

    -- ------------------------------------------------ datasets and models
    FOREACH side IN ARRAY ARRAY['inputs', 'outputs'] LOOP
        FOR ds IN SELECT e.value FROM jsonb_array_elements(coalesce(event -> side, '[]')) e LOOP
            dns := ds ->> 'namespace';
            dn := ds ->> 'name';
            dfacets := coalesce(ds -> 'facets', '{}');
            IF dns = 'mreg://' || proj AND dn LIKE 'model:%' THEN
                ent := mreg_internal.resolve(dn, pid);          -- 23503 when not registered
                IF ent.kind <> 'model_version' THEN
                    RAISE EXCEPTION 'OpenLineage event: % % names %, not a model version', side, mreg_internal.quote_short(dn), ent.kind
                        USING ERRCODE = 'invalid_parameter_value', HINT = 'Name it model:NAME@VERSION.';
                END IF;
                dnode := ent.canonical;
            ELSIF dns = 'mreg://' || proj THEN
                -- the project's own dataset: it must be registered
                ent := mreg_internal.resolve(mreg_internal.node_text(NULL, 'dataset',
                           dn || '@' || coalesce(dfacets #>> '{version,datasetVersion}', '')), pid);
                dvid := ent.entity_id;
                dnode := ent.canonical;
            ELSE
                dname := mreg_internal.ol_dataset_name(dns, dn, proj);
                dver := mreg_internal.ol_version(dns, dn, dfacets);
                SELECT v.id INTO dvid FROM mreg.dataset d JOIN mreg.dataset_version v ON v.dataset_id = d.id
                 WHERE d.project_id = pid AND d.name = dname AND v.version = dver;
                IF dvid IS NULL THEN
                    -- the first event that names a snapshot registers it; later ones link to it
                    dvid := mreg_internal.register_dataset_version(proj, dname, dver,
                                CASE WHEN dn LIKE '/%' OR dns LIKE '%/' THEN dns || dn ELSE dns || '/' || dn END,
                                schema => mreg_internal.ol_schema(dfacets -> 'schema'), source_system => dns,
                                description => dfacets #>> '{documentation,description}');
                END IF;
                ent := mreg_internal.resolve(mreg_internal.node_text(NULL, 'dataset', dname), pid);
                PERFORM mreg_internal.ol_tag(pid, ent.canonical, 'openlineage.namespace', dns);
                PERFORM mreg_internal.ol_tag(pid, ent.canonical, 'openlineage.name', dn);
                dnode := (mreg_internal.resolve(mreg_internal.node_text(NULL, 'dataset', dname || '@' || dver), pid)).canonical;
            END IF;
            IF side = 'inputs' THEN
                IF dn NOT LIKE 'model:%' OR dns <> 'mreg://' || proj THEN
                    INSERT INTO mreg.run_dataset (project_id, run_id, dataset_version_id) VALUES (pid, rid, dvid)
                    ON CONFLICT ON CONSTRAINT run_dataset_run_id_dataset_version_id_key DO NOTHING;
                END IF;
                PERFORM mreg_internal.add_edge(dnode, run_node, pid);
            ELSE
                PERFORM mreg_internal.add_edge(run_node, dnode, pid);
            END IF;
        END LOOP;
    END LOOP;
    RETURN rid;
END
$$;
COMMENT ON FUNCTION mreg_internal.ingest_openlineage(jsonb, text) IS
    'Records an OpenLineage RunEvent (spec 2-0-2) as an mreg run (found again by its runId), dataset versions and lineage edges, in project (default: job.namespace); idempotent, any order; returns the run id';
