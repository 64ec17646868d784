-- Registry core: read side of history and reproducibility.
-- View bodies and SQL-standard function bodies are bound when CREATE
-- EXTENSION runs, with public on the search_path: every function and
-- operator in them is qualified (pg_catalog.array_agg(anynonarray) would
-- otherwise lose to a public.array_agg(text), pg_catalog.jsonb_agg(anyelement)
-- to a public.jsonb_agg(jsonb)).

CREATE VIEW mreg.alias_history AS
SELECT am.id, am.project_id, p.name AS project, m.name AS model, am.alias,
       fv.version AS from_version, tv.version AS to_version,
       am.reason, am.created_by AS moved_by, am.created_at AS moved_at
  FROM mreg.alias_move am
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) am.project_id
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) am.model_id
  LEFT JOIN mreg.model_version fv ON fv.id OPERATOR(pg_catalog.=) am.from_version_id
  LEFT JOIN mreg.model_version tv ON tv.id OPERATOR(pg_catalog.=) am.to_version_id;
COMMENT ON VIEW mreg.alias_history IS 'Every alias move: which alias of which model went from which version to which, who moved it, when and why';
COMMENT ON COLUMN mreg.alias_history.id IS 'id of the move (mreg.alias_move)';
COMMENT ON COLUMN mreg.alias_history.project_id IS 'Project';
COMMENT ON COLUMN mreg.alias_history.project IS 'Project name';
COMMENT ON COLUMN mreg.alias_history.model IS 'Model name';
COMMENT ON COLUMN mreg.alias_history.alias IS 'Alias name (without @)';
COMMENT ON COLUMN mreg.alias_history.from_version IS 'Version before the move (NULL when the alias was created)';
COMMENT ON COLUMN mreg.alias_history.to_version IS 'Version after the move (NULL when the alias was removed)';
COMMENT ON COLUMN mreg.alias_history.reason IS 'Why it moved';
COMMENT ON COLUMN mreg.alias_history.moved_by IS 'Role that moved it';
COMMENT ON COLUMN mreg.alias_history.moved_at IS 'When';

CREATE VIEW mreg.model_version_overview AS
SELECT v.id AS model_version_id, p.name AS project, m.name AS model, v.version, v.status,
       m.domain, m.task, m.framework, m.license, m.owner, m.team,
       v.run_id, v.created_at AS registered_at, v.created_by AS registered_by,
       coalesce((SELECT pg_catalog.array_agg(a.name ORDER BY a.name) FROM mreg.alias a
                  WHERE a.model_version_id OPERATOR(pg_catalog.=) v.id), '{}') AS aliases,
       (p.name OPERATOR(pg_catalog.||) '/model:' OPERATOR(pg_catalog.||) m.name
               OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) v.version::pg_catalog.text) AS node
  FROM mreg.model_version v
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id;
COMMENT ON VIEW mreg.model_version_overview IS 'One row per model version with its model''s attributes, aliases and node text';
COMMENT ON COLUMN mreg.model_version_overview.model_version_id IS 'Model version id';
COMMENT ON COLUMN mreg.model_version_overview.project IS 'Project name';
COMMENT ON COLUMN mreg.model_version_overview.model IS 'Model name';
COMMENT ON COLUMN mreg.model_version_overview.version IS 'Semantic version';
COMMENT ON COLUMN mreg.model_version_overview.status IS 'Lifecycle status';
COMMENT ON COLUMN mreg.model_version_overview.domain IS 'Model domain';
COMMENT ON COLUMN mreg.model_version_overview.task IS 'Model task';
COMMENT ON COLUMN mreg.model_version_overview.framework IS 'Training framework';
COMMENT ON COLUMN mreg.model_version_overview.license IS 'Model license';
COMMENT ON COLUMN mreg.model_version_overview.owner IS 'Model owner';
COMMENT ON COLUMN mreg.model_version_overview.team IS 'Accountable team';
COMMENT ON COLUMN mreg.model_version_overview.run_id IS 'Training run';
COMMENT ON COLUMN mreg.model_version_overview.registered_at IS 'When the version was registered';
COMMENT ON COLUMN mreg.model_version_overview.registered_by IS 'Who registered it';
COMMENT ON COLUMN mreg.model_version_overview.aliases IS 'Aliases pointing at the version';
COMMENT ON COLUMN mreg.model_version_overview.node IS 'Canonical node text of the version';

-- Change history of one entity: every earlier state of its row.
CREATE FUNCTION mreg.history(node text)
    RETURNS TABLE (changed_at timestamptz, changed_by name, operation text, old_row jsonb, new_row jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
    tbl text := CASE r.kind WHEN 'dataset_version' THEN 'dataset_version' WHEN 'model_version' THEN 'model_version'
                            ELSE r.kind END;
BEGIN
    IF r.entity_id IS NULL THEN
        RETURN;                      -- free-form nodes have no row
    END IF;
    RETURN QUERY
        SELECT h.changed_at, h.changed_by, h.operation, h.old_row, h.new_row
          FROM mreg.row_history h
         WHERE h.table_name = tbl AND h.row_id = r.entity_id
         ORDER BY h.id;
END
$$;
COMMENT ON FUNCTION mreg.history(text) IS 'Earlier states of an entity''s row (from row_history), oldest first';

-- Everything needed to re-run the training of a model version.
CREATE FUNCTION mreg.reproducibility(model_version_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT pg_catalog.jsonb_build_object(
        'model_version', pg_catalog.jsonb_build_object(
            'id', v.id, 'project', p.name, 'model', m.name, 'version', v.version::pg_catalog.text,
            'status', v.status, 'registered_at', v.created_at, 'registered_by', v.created_by),
        'run', (SELECT pg_catalog.jsonb_build_object(
                    'id', r.id, 'experiment', x.name, 'params', r.params, 'environment', r.environment,
                    'code_ref', r.code_ref, 'status', r.status, 'started_at', r.started_at,
                    'ended_at', r.ended_at, 'duration', r.duration::pg_catalog.text, 'notes', r.notes)
                  FROM mreg.run r JOIN mreg.experiment x ON x.id OPERATOR(pg_catalog.=) r.experiment_id
                 WHERE r.id OPERATOR(pg_catalog.=) v.run_id),
        'pipeline', (SELECT pg_catalog.jsonb_build_object(
                         'name', pl.name, 'system', pl.system, 'uri', pl.uri,
                         'steps', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                                       'position', s.position, 'name', s.name,
                                                       'transformation', s.transformation, 'params', s.params)
                                                   ORDER BY s.position)
                                              FROM mreg.pipeline_step s
                                             WHERE s.pipeline_id OPERATOR(pg_catalog.=) pl.id), '[]'))
                       FROM mreg.run r JOIN mreg.pipeline pl ON pl.id OPERATOR(pg_catalog.=) r.pipeline_id
                      WHERE r.id OPERATOR(pg_catalog.=) v.run_id),
        'datasets', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                         'node', dp.name OPERATOR(pg_catalog.||) '/dataset:' OPERATOR(pg_catalog.||) d.name
                                                 OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) dv.version,
                                         'role', rd.role, 'uri', dv.uri, 'sha256', dv.sha256,
                                         'row_count', dv.row_count, 'license', dv.license,
                                         'usage_rights', dv.usage_rights,
                                         'contains_personal_data', dv.contains_personal_data)
                                     ORDER BY d.name, dv.version)
                                FROM mreg.run_dataset rd
                                JOIN mreg.dataset_version dv ON dv.id OPERATOR(pg_catalog.=) rd.dataset_version_id
                                JOIN mreg.dataset d ON d.id OPERATOR(pg_catalog.=) dv.dataset_id
                                JOIN mreg.project dp ON dp.id OPERATOR(pg_catalog.=) d.project_id
                               WHERE rd.run_id OPERATOR(pg_catalog.=) v.run_id), '[]'),
        'features', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                         'name', f.name, 'dtype', f.dtype, 'transformation', f.transformation,
                                         'source', f.source, 'importance', rf.importance)
                                     ORDER BY rf.importance DESC NULLS LAST, f.name)
                                FROM mreg.run_feature rf JOIN mreg.feature f ON f.id OPERATOR(pg_catalog.=) rf.feature_id
                               WHERE rf.run_id OPERATOR(pg_catalog.=) v.run_id), '[]'),
        'artifacts', coalesce((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                          'name', a.name, 'kind', a.kind, 'uri', a.uri,
                                          'sha256', a.sha256, 'size_bytes', a.size_bytes,
                                          'media_type', a.media_type, 'inline', a.content IS NOT NULL)
                                      ORDER BY a.name)
                                 FROM mreg.artifact a WHERE a.model_version_id OPERATOR(pg_catalog.=) v.id), '[]'),
        'provenance', v.provenance::pg_catalog.text)
      FROM mreg.model_version v
      JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
      JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id
     WHERE v.id OPERATOR(pg_catalog.=) reproducibility.model_version_id;
END;
COMMENT ON FUNCTION mreg.reproducibility(bigint) IS
    'Everything needed to re-run the training of a model version: run parameters, environment, code, pipeline steps, data snapshots with checksums, features, artifacts and provenance';
