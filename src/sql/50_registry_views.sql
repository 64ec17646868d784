-- Registry core: read side of history and reproducibility.
-- View bodies and SQL-standard function bodies are bound when CREATE
-- EXTENSION runs, with public on the search_path: every function and
-- operator in them is qualified (pg_catalog.array_agg(anynonarray) would
-- otherwise lose to a public.array_agg(text), pg_catalog.jsonb_agg(anyelement)
-- to a public.jsonb_agg(jsonb)).

-- Every view's first column is id: the id of the row of the table the view
-- row stands for (mreg.model_version.id in model_version_overview, ...), so
-- an ORM maps it as the primary key.

CREATE VIEW mreg.alias_history AS
SELECT am.id, am.project_id, p.name AS project, m.name AS model, am.alias,
       fv.version AS from_version, tv.version AS to_version,
       am.reason, am.created_by AS moved_by, am.created_at AS moved_at
  FROM mreg.alias_move am
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) am.project_id
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) am.model_id
  LEFT JOIN mreg.model_version fv ON fv.id OPERATOR(pg_catalog.=) am.from_version_id
  LEFT JOIN mreg.model_version tv ON tv.id OPERATOR(pg_catalog.=) am.to_version_id;
COMMENT ON VIEW mreg.alias_history IS 'Every alias move: which alias of which model went from which version to which, who moved it, when and why (id gives the exact order)';
COMMENT ON COLUMN mreg.alias_history.id IS 'Key: id of the move (mreg.alias_move.id); ascending in the order the moves happened';
COMMENT ON COLUMN mreg.alias_history.project_id IS 'Project';
COMMENT ON COLUMN mreg.alias_history.project IS 'Project name';
COMMENT ON COLUMN mreg.alias_history.model IS 'Model name';
COMMENT ON COLUMN mreg.alias_history.alias IS 'Alias (@champion)';
COMMENT ON COLUMN mreg.alias_history.from_version IS 'Version before the move (NULL when the alias was created)';
COMMENT ON COLUMN mreg.alias_history.to_version IS 'Version after the move (NULL when the alias was removed)';
COMMENT ON COLUMN mreg.alias_history.reason IS 'Why it moved';
COMMENT ON COLUMN mreg.alias_history.moved_by IS 'Role that moved it';
COMMENT ON COLUMN mreg.alias_history.moved_at IS 'When (clock time)';

-- Aliases are few next to versions: aggregating them per version first lets
-- a filter like '@champion' = ANY (aliases) start from the alias table and
-- reach each version through its primary key.
CREATE VIEW mreg.model_version_overview AS
SELECT v.id, p.name AS project, m.name AS model, v.version, v.status,
       m.domain, m.task, m.framework, m.license, m.owner, m.team,
       v.run_id, v.created_at AS registered_at, v.created_by AS registered_by,
       coalesce(al.aliases, '{}') AS aliases,
       mreg_internal.version_node(p.name, m.name, v.version) AS node,
       v.project_id, v.model_id
  FROM mreg.model_version v
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id
  LEFT JOIN (SELECT a.model_version_id, pg_catalog.array_agg(a.name ORDER BY a.name) AS aliases
               FROM mreg.alias a GROUP BY a.model_version_id) al
         ON al.model_version_id OPERATOR(pg_catalog.=) v.id;
COMMENT ON VIEW mreg.model_version_overview IS 'One row per model version with its model''s attributes, aliases and node text';
COMMENT ON COLUMN mreg.model_version_overview.id IS 'Key: the model version''s id (mreg.model_version.id)';
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
COMMENT ON COLUMN mreg.model_version_overview.aliases IS 'Aliases pointing at the version (@champion, ...)';
COMMENT ON COLUMN mreg.model_version_overview.node IS 'Node text of the version (with its project prefix)';
COMMENT ON COLUMN mreg.model_version_overview.project_id IS 'Project id';
COMMENT ON COLUMN mreg.model_version_overview.model_id IS 'Model id';

-- The latest value per version, metric, slice and data snapshot: what a
-- dashboard shows.  Newest by evaluated_at, then by id (append order).
CREATE VIEW mreg.latest_evaluation AS
SELECT DISTINCT ON (e.model_version_id, e.metric, e.slice, e.dataset_version_id)
       e.id, e.model_version_id, p.name AS project, m.name AS model, v.version,
       e.metric, e.slice,
       CASE WHEN dv.id IS NOT NULL THEN mreg_internal.node_text(dp.name, 'dataset', d.name OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) dv.version) END AS dataset_version,
       e.value, e.method, e.evaluated_at, e.evaluator,
       e.dataset_version_id, e.project_id
  FROM mreg.evaluation e
  JOIN mreg.model_version v ON v.id OPERATOR(pg_catalog.=) e.model_version_id
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id
  LEFT JOIN mreg.dataset_version dv ON dv.id OPERATOR(pg_catalog.=) e.dataset_version_id
  LEFT JOIN mreg.dataset d ON d.id OPERATOR(pg_catalog.=) dv.dataset_id
  LEFT JOIN mreg.project dp ON dp.id OPERATOR(pg_catalog.=) d.project_id
 ORDER BY e.model_version_id, e.metric, e.slice, e.dataset_version_id, e.evaluated_at DESC, e.id DESC;
COMMENT ON VIEW mreg.latest_evaluation IS 'The latest value of every metric per model version, slice and data snapshot';
COMMENT ON COLUMN mreg.latest_evaluation.id IS 'Key: id of the evaluation that holds the latest value (mreg.evaluation.id)';
COMMENT ON COLUMN mreg.latest_evaluation.model_version_id IS 'Evaluated model version';
COMMENT ON COLUMN mreg.latest_evaluation.project IS 'Project name';
COMMENT ON COLUMN mreg.latest_evaluation.model IS 'Model name';
COMMENT ON COLUMN mreg.latest_evaluation.version IS 'Version';
COMMENT ON COLUMN mreg.latest_evaluation.metric IS 'Metric (a vocabulary term: lower case)';
COMMENT ON COLUMN mreg.latest_evaluation.slice IS 'Slice of the data';
COMMENT ON COLUMN mreg.latest_evaluation.dataset_version IS 'Node text of the data snapshot (with its project prefix), NULL when none was named';
COMMENT ON COLUMN mreg.latest_evaluation.value IS 'Latest value';
COMMENT ON COLUMN mreg.latest_evaluation.method IS 'Scoring method';
COMMENT ON COLUMN mreg.latest_evaluation.evaluated_at IS 'When it was recorded';
COMMENT ON COLUMN mreg.latest_evaluation.evaluator IS 'Who recorded it';
COMMENT ON COLUMN mreg.latest_evaluation.dataset_version_id IS 'Data snapshot id';
COMMENT ON COLUMN mreg.latest_evaluation.project_id IS 'Project id';

-- One row per model: its newest version, where each alias points, and what
-- is live (staging, production) by version status.
CREATE VIEW mreg.model_overview AS
SELECT m.id, p.name AS project, m.name AS model, m.description, m.domain, m.task, m.framework, m.license,
       m.owner, m.team, m.constraints,
       lv.version AS latest_version, lv.id AS latest_version_id, lv.status AS latest_status,
       (SELECT pg_catalog.count(*) FROM mreg.model_version c WHERE c.model_id OPERATOR(pg_catalog.=) m.id) AS versions,
       coalesce((SELECT pg_catalog.jsonb_object_agg(a.name, av.version::pg_catalog.text ORDER BY a.name)
                   FROM mreg.alias a JOIN mreg.model_version av ON av.id OPERATOR(pg_catalog.=) a.model_version_id
                  WHERE a.model_id OPERATOR(pg_catalog.=) m.id), '{}') AS aliases,
       coalesce((SELECT pg_catalog.jsonb_object_agg(s.status, s.versions)
                   FROM (SELECT x.status, pg_catalog.jsonb_agg(x.version::pg_catalog.text ORDER BY x.version) AS versions
                           FROM mreg.model_version x
                          WHERE x.model_id OPERATOR(pg_catalog.=) m.id
                            AND x.status OPERATOR(pg_catalog.=) ANY (ARRAY['staging', 'production'])
                          GROUP BY x.status) s), '{}') AS live,
       m.created_at, m.project_id
  FROM mreg.model m
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) m.project_id
  LEFT JOIN LATERAL (SELECT v.id, v.version, v.status FROM mreg.model_version v
                      WHERE v.model_id OPERATOR(pg_catalog.=) m.id AND v.status OPERATOR(pg_catalog.<>) 'draft'
                      ORDER BY v.version USING OPERATOR(mreg.>) LIMIT 1) lv ON true;
COMMENT ON VIEW mreg.model_overview IS 'One row per registered model: its latest version, the version each alias points to, and what is live in each environment';
COMMENT ON COLUMN mreg.model_overview.id IS 'Key: the model''s id (mreg.model.id)';
COMMENT ON COLUMN mreg.model_overview.project IS 'Project name';
COMMENT ON COLUMN mreg.model_overview.model IS 'Model name';
COMMENT ON COLUMN mreg.model_overview.description IS 'What the model does';
COMMENT ON COLUMN mreg.model_overview.domain IS 'Domain';
COMMENT ON COLUMN mreg.model_overview.task IS 'Task';
COMMENT ON COLUMN mreg.model_overview.framework IS 'Framework';
COMMENT ON COLUMN mreg.model_overview.license IS 'License';
COMMENT ON COLUMN mreg.model_overview.owner IS 'Owner';
COMMENT ON COLUMN mreg.model_overview.team IS 'Accountable team';
COMMENT ON COLUMN mreg.model_overview.constraints IS 'Regulatory constraints';
COMMENT ON COLUMN mreg.model_overview.latest_version IS 'Highest version that is not a draft';
COMMENT ON COLUMN mreg.model_overview.latest_version_id IS 'Its id';
COMMENT ON COLUMN mreg.model_overview.latest_status IS 'Its status';
COMMENT ON COLUMN mreg.model_overview.versions IS 'Number of versions (drafts included)';
COMMENT ON COLUMN mreg.model_overview.aliases IS 'Each alias and the version it points to: {"@champion": "2.1.0"}';
COMMENT ON COLUMN mreg.model_overview.live IS 'Versions live per environment, by status: {"production": ["2.1.0"], "staging": ["2.2.0"]}';
COMMENT ON COLUMN mreg.model_overview.created_at IS 'When the model was registered';
COMMENT ON COLUMN mreg.model_overview.project_id IS 'Project id';

-- Change history of one entity: every earlier state of its row.
CREATE FUNCTION mreg.history(node text)
    RETURNS TABLE (changed_at timestamptz, changed_by name, operation text, old_row jsonb, new_row jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg_internal.resolve(node, NULL);
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
                                         'node', mreg_internal.relative_node(
                                                     mreg_internal.node_text(dp.name, 'dataset', d.name OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) dv.version),
                                                     p.name),
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
                                          'media_type', a.media_type, 'inline', a.inline)
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
