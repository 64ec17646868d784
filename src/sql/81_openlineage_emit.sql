-- OpenLineage out (SPEC section 7): mreg.openlineage_event(run_id) -> jsonb,
-- a RunEvent (spec 2-0-2) for any mreg run; the ingest side and the rules
-- are in 81_openlineage.sql, the reference is doc/openlineage.md.

-- ---------------------------------------------------------------- emit
-- The producer URI of emitted events and facets: urn:mreg:VERSION.
CREATE FUNCTION mreg_internal.ol_producer() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RETURN 'urn:mreg:' || regexp_replace(split_part(mreg.version(), ' ', 1), '[^A-Za-z0-9.+-]', '', 'g');
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_producer() IS 'The producer URI of the OpenLineage events mreg emits (urn:mreg:VERSION)';

-- A facet's bookkeeping: who wrote it and which schema it follows.
CREATE FUNCTION mreg_internal.ol_facet(schema_url text, fields jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RETURN jsonb_build_object('_producer', mreg_internal.ol_producer(), '_schemaURL', schema_url) || fields;
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_facet(text, jsonb) IS 'An OpenLineage facet: _producer (this mreg), _schemaURL and the fields';

-- A dataset version as an OpenLineage dataset (its ingested namespace and
-- name, else mreg://PROJECT and the dataset name).
CREATE FUNCTION mreg_internal.ol_dataset(dataset_version_id bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    d record;
    node text;
    facets jsonb;
BEGIN
    SELECT ds.name, ds.description, v.version, v.schema, p.name AS project INTO d
      FROM mreg.dataset_version v JOIN mreg.dataset ds ON ds.id = v.dataset_id JOIN mreg.project p ON p.id = v.project_id
     WHERE v.id = dataset_version_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    node := mreg_internal.node_text(d.project, 'dataset', d.name);
    facets := jsonb_build_object('version', mreg_internal.ol_facet(
                  'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
                  jsonb_build_object('datasetVersion', d.version)));
    IF jsonb_typeof(d.schema) = 'object' THEN
        facets := facets || jsonb_build_object('schema', mreg_internal.ol_facet(
                      'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
                      jsonb_build_object('fields', coalesce((SELECT jsonb_agg(jsonb_build_object('name', e.key,
                                                                   'type', CASE WHEN jsonb_typeof(e.value) = 'string' THEN e.value #>> '{}' ELSE e.value::text END)
                                                                   ORDER BY e.key)
                                                               FROM jsonb_each(d.schema) e), '[]'))));
    END IF;
    IF d.description IS NOT NULL THEN
        facets := facets || jsonb_build_object('documentation', mreg_internal.ol_facet(
                      'https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet',
                      jsonb_build_object('description', d.description)));
    END IF;
    RETURN jsonb_build_object(
        'namespace', coalesce((SELECT t.value FROM mreg.tag t WHERE t.node = node AND t.key = 'openlineage.namespace'), 'mreg://' || d.project),
        'name', coalesce((SELECT t.value FROM mreg.tag t WHERE t.node = node AND t.key = 'openlineage.name'), d.name),
        'facets', facets);
END
$$;
COMMENT ON FUNCTION mreg_internal.ol_dataset(bigint) IS 'A dataset version as an OpenLineage dataset with its version, schema and documentation facets';

CREATE FUNCTION mreg.openlineage_event(run_id bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record;
    node text;
    tags jsonb;
    run_facets jsonb;
    job_facets jsonb := '{}'::jsonb;
    inputs jsonb;
    outputs jsonb;
    at timestamptz;
BEGIN
    IF run_id IS NULL THEN
        RAISE EXCEPTION 'run_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT x.*, p.name AS project, e.name AS experiment INTO r
      FROM mreg.run x JOIN mreg.project p ON p.id = x.project_id JOIN mreg.experiment e ON e.id = x.experiment_id
     WHERE x.id = run_id;
    IF NOT FOUND THEN       -- absent or not visible: the same answer
        RAISE EXCEPTION 'run % is not registered', run_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    node := mreg_internal.node_text(r.project, 'run', run_id::text);
    SELECT coalesce(jsonb_object_agg(t.key, t.value), '{}') INTO tags
      FROM mreg.tag t WHERE t.node IN (node, 'run:' || run_id) AND t.key LIKE 'openlineage.%';
    run_facets := jsonb_build_object('mreg', mreg_internal.ol_facet('urn:mreg:openlineage:facet:mreg:1-0-0',
                      jsonb_strip_nulls(jsonb_build_object('project', r.project, 'runId', r.id, 'experiment', r.experiment,
                                                           'status', r.status, 'codeRef', r.code_ref,
                                                           'params', r.params, 'environment', r.environment))));
    IF tags ? 'openlineage.parent.runId' THEN
        run_facets := run_facets || jsonb_build_object('parent', mreg_internal.ol_facet(
                          'https://openlineage.io/spec/facets/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet',
                          jsonb_build_object('run', jsonb_build_object('runId', tags ->> 'openlineage.parent.runId'),
                                             'job', jsonb_build_object('namespace', tags ->> 'openlineage.parent.job.namespace',
                                                                       'name', tags ->> 'openlineage.parent.job.name'))));
    END IF;
    IF r.notes IS NOT NULL THEN
        job_facets := jsonb_build_object('documentation', mreg_internal.ol_facet(
                          'https://openlineage.io/spec/facets/1-0-1/DocumentationJobFacet.json#/$defs/DocumentationJobFacet',
                          jsonb_build_object('description', r.notes)));
    END IF;
    IF r.code_ref ~ '^https?://[A-Za-z0-9._~:/?#@!$&''()*+,;=-]+$' THEN
        job_facets := job_facets || jsonb_build_object('sourceCodeLocation', mreg_internal.ol_facet(
                          'https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet',
                          jsonb_build_object('type', 'git', 'url', r.code_ref)));
    END IF;
    -- inputs: the data snapshots the run used, and model versions it started from
    SELECT coalesce(jsonb_agg(x.ds ORDER BY x.ord), '[]') INTO inputs FROM (
        SELECT mreg_internal.ol_dataset(rd.dataset_version_id) AS ds, rd.id AS ord
          FROM mreg.run_dataset rd WHERE rd.run_id = run_id
        UNION ALL
        SELECT jsonb_build_object('namespace', 'mreg://' || coalesce(pn.project, r.project),
                                  'name', mreg_internal.node_text(NULL, pn.kind, pn.name)), e.id
          FROM mreg.lineage_edge e CROSS JOIN LATERAL mreg.parse_node(e.src) pn
         WHERE e.dst IN (node, 'run:' || run_id) AND pn.kind = 'model' AND pn.name LIKE '%@%') x
     WHERE x.ds IS NOT NULL;
    -- outputs: the data snapshots and model versions the run produced
    SELECT coalesce(jsonb_agg(x.ds ORDER BY x.ord), '[]') INTO outputs FROM (
        SELECT CASE WHEN pn.kind = 'model'
                    THEN jsonb_build_object('namespace', 'mreg://' || coalesce(pn.project, r.project),
                                            'name', mreg_internal.node_text(NULL, pn.kind, pn.name))
                    ELSE mreg_internal.ol_dataset((SELECT v.id FROM mreg.dataset_version v JOIN mreg.dataset d ON d.id = v.dataset_id
                                                     JOIN mreg.project p ON p.id = v.project_id
                                                    WHERE p.name = coalesce(pn.project, r.project)
                                                      AND d.name = split_part(pn.name, '@', 1)
                                                      AND v.version = substr(pn.name, position('@' IN pn.name) + 1))) END AS ds,
               e.id AS ord
          FROM mreg.lineage_edge e CROSS JOIN LATERAL mreg.parse_node(e.dst) pn
         WHERE e.src IN (node, 'run:' || run_id) AND pn.kind IN ('model', 'dataset') AND pn.name LIKE '%@%') x
     WHERE x.ds IS NOT NULL;
    at := CASE WHEN r.status = 'running' THEN coalesce(r.started_at, r.created_at)
               ELSE coalesce(r.ended_at, r.started_at, r.created_at) END;
    RETURN jsonb_build_object(
        'eventType', CASE r.status WHEN 'running' THEN 'START' WHEN 'finished' THEN 'COMPLETE'
                                   WHEN 'failed' THEN 'FAIL' ELSE 'ABORT' END,
        'eventTime', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'producer', mreg_internal.ol_producer(),
        'schemaURL', 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
        'run', jsonb_build_object('runId', coalesce(tags ->> 'openlineage.runId', mreg_internal.ol_run_uuid(r.project, r.id)),
                                  'facets', run_facets),
        'job', jsonb_build_object('namespace', coalesce(tags ->> 'openlineage.job.namespace', r.project),
                                  'name', coalesce(tags ->> 'openlineage.job.name', r.experiment),
                                  'facets', job_facets),
        'inputs', inputs,
        'outputs', outputs);
END
$$;
COMMENT ON FUNCTION mreg.openlineage_event(bigint) IS
    'An OpenLineage RunEvent (spec 2-0-2) for an mreg run you may read: its state, job, facets (mreg, parent, documentation, sourceCodeLocation), inputs and outputs';
