-- 0.1.0 to 0.2.0, changes to 62_search_index.sql: search_rows plans index lookups only
-- (its cost no longer grows with the registry).
CREATE OR REPLACE FUNCTION mreg_internal.search_rows(ids bigint[])
    RETURNS SETOF mreg.search_doc
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET plan_cache_mode = force_generic_plan    -- planning this query costs ten times running it for one version
    -- the generic plan guesses 10 versions and would hash whole small tables (run,
    -- feature, dataset: a scan that grows with the registry); the write path
    -- passes one version, and index lookups are what it needs (and what a
    -- rebuild of everything needs too: the text parsing dominates it)
    SET enable_hashjoin = off
    SET enable_mergejoin = off
    SET enable_seqscan = off
-- plpgsql: parsed when it runs, under the pinned search_path (a BEGIN ATOMIC
-- body would bind its functions at CREATE EXTENSION time), and its plan is
-- kept (the write path calls it for one version at a time)
AS $$
BEGIN
    IF ids IS NULL THEN
        ids := ARRAY(SELECT x.id FROM mreg.model_version x);
    END IF;
    RETURN QUERY
    SELECT NULL::bigint, v.id, v.project_id, v.model_id, v.run_id, p.name, m.name, v.version, v.status,
           m.domain, m.task, m.framework, m.license, m.owner::text, m.team, m.constraints,
           COALESCE(r.ended_at, v.created_at), r.duration, v.created_at,
           nd.node, nd.model_node,
           -- the weighted text
           setweight(to_tsvector('simple', m.name) || to_tsvector(mreg.search_config(), m.name), 'A')
           || setweight(to_tsvector(mreg.search_config(), mreg_internal.search_text(concat_ws(' ', m.description,
                  replace(m.domain, '-', ' '), replace(m.task, '-', ' '), replace(m.framework, '-', ' '), tg.words))), 'B')
           || setweight(to_tsvector(mreg.search_config(), mreg_internal.search_text(concat_ws(' ', an.notes, r.notes,
                  m.ethical_notes, v.status_reason))), 'C')
           || setweight(to_tsvector(mreg.search_config(), mreg_internal.search_text(concat_ws(' ', ft.names, ds.names,
                  m.owner, m.team, replace(m.license, '-', ' '), array_to_string(m.constraints, ' '), p.name))), 'D'),
           -- the fielded facts
           array_to_tsvector(ARRAY(SELECT DISTINCT x FROM unnest(
                  ARRAY[mreg_internal.facet('project', p.name), mreg_internal.facet('model', m.name),
                        mreg_internal.facet('stage', v.status), mreg_internal.facet('domain', m.domain),
                        mreg_internal.facet('task', m.task), mreg_internal.facet('framework', m.framework),
                        mreg_internal.facet('license', m.license), mreg_internal.facet('owner', m.owner),
                        mreg_internal.facet('team', m.team)]
                  || ARRAY(SELECT mreg_internal.facet('constraint', c) FROM unnest(m.constraints) c)
                  || tg.facets || ft.facets || ds.facets || up.facets) x WHERE x IS NOT NULL)),
           clock_timestamp()
      FROM mreg.model_version v
      JOIN mreg.model m ON m.id = v.model_id
      JOIN mreg.project p ON p.id = v.project_id
      LEFT JOIN mreg.run r ON r.id = v.run_id
      -- the version's and the model's node texts, computed once (each is a lineage parse)
      CROSS JOIN LATERAL (SELECT mreg_internal.version_node(p.name, m.name, v.version) AS node,
                                 mreg_internal.node_text(p.name, 'model', m.name) AS model_node,
                                 mreg_internal.version_node(NULL, m.name, v.version) AS relative_node) nd
      -- tags of the version and of its model
      CROSS JOIN LATERAL (
          SELECT string_agg(t.key || ' ' || t.value, ' ') AS words,
                 COALESCE(array_agg(mreg_internal.facet('tag', t.key || '=' || t.value))
                          || array_agg(mreg_internal.facet('tag', t.key)), '{}') AS facets
            FROM mreg.tag t
           WHERE t.node IN (nd.node, nd.model_node)
      ) tg
      -- notes on the version and on its model (the current ones: notes are append-only)
      CROSS JOIN LATERAL (
          SELECT string_agg(a.note, ' ' ORDER BY a.id) AS notes
            FROM mreg.annotation a
           WHERE a.node IN (nd.node, nd.model_node)
      ) an
      -- features its run used, with their importance
      CROSS JOIN LATERAL (
          SELECT string_agg(f.name, ' ') AS names, COALESCE(array_agg(mreg_internal.facet('feature', f.name)), '{}') AS facets
            FROM mreg.run_feature rf JOIN mreg.feature f ON f.id = rf.feature_id
           WHERE rf.run_id = v.run_id
      ) ft
      -- data it was trained on (its run's snapshots) and the datasets in its provenance
      CROSS JOIN LATERAL (
          SELECT string_agg(DISTINCT d.name, ' ') AS names,
                 COALESCE(array_agg(DISTINCT mreg_internal.facet('dataset', d.name)), '{}')
                 || COALESCE(array_agg(DISTINCT mreg_internal.facet('data_domain', d.domain)) FILTER (WHERE d.domain IS NOT NULL), '{}') AS facets
            FROM (SELECT dv.dataset_id AS id FROM mreg.run_dataset rd JOIN mreg.dataset_version dv ON dv.id = rd.dataset_version_id
                   WHERE rd.run_id = v.run_id
                  UNION
                  SELECT d2.id FROM mreg.lineage_nodes(v.provenance) n
                    JOIN mreg.dataset d2
                      ON d2.project_id = COALESCE((SELECT op.id FROM mreg.project op
                                                    WHERE op.name = (regexp_match(n, '^([A-Za-z0-9_.-]+)/dataset:'))[1]), v.project_id)
                     AND d2.name = btrim((regexp_match(COALESCE(mreg.lineage_family(n), n), 'dataset:(.*)$'))[1], '"')
                   WHERE n ~ '^([A-Za-z0-9_.-]+/)?dataset:') used
            JOIN mreg.dataset d ON d.id = used.id
      ) ds
      -- what its provenance contains: each node and its family, relative and absolute
      CROSS JOIN LATERAL (
          SELECT COALESCE(array_agg(DISTINCT x), '{}') AS facets
            FROM mreg.lineage_nodes(v.provenance) n
           CROSS JOIN LATERAL (SELECT CASE WHEN n !~ '^[^:]*/' THEN mreg_internal.absolute_node(n, p.name) END AS abs) a
           CROSS JOIN LATERAL unnest(ARRAY[
                 mreg_internal.facet('uses', n), mreg_internal.facet('uses', mreg.lineage_family(n)),
                 mreg_internal.facet('uses', a.abs), mreg_internal.facet('uses', mreg.lineage_family(a.abs))]) x
           WHERE x IS NOT NULL AND n <> nd.relative_node    -- not itself
      ) up
     WHERE v.id = ANY (ids);
END
$$;
COMMENT ON FUNCTION mreg_internal.search_rows(bigint[]) IS
    'The search documents of some model versions (NULL: all), computed from the registry''s tables';
