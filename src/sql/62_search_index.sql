-- Search (SPEC section 5): building and refreshing the search documents.
--
-- mreg_internal.search_rows(ids) computes the documents of some versions
-- (all when ids is NULL) from the registry's tables in one set-based query;
-- refresh writes them.  Triggers on every table a document is built from
-- call refresh for the versions a write touched, in the same transaction.
-- mreg.reindex_search() rebuilds everything (after a dictionary change).

-- The configuration documents and queries are parsed with.
CREATE FUNCTION mreg.search_config() RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'pg_catalog.english'::pg_catalog.regconfig;
COMMENT ON FUNCTION mreg.search_config() IS 'Text search configuration of search documents and queries (english)';

-- A facet lexeme: lower case, at most 1000 characters (tsvector lexemes stop at 2 kB).
CREATE FUNCTION mreg_internal.facet(field text, value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN value IS NULL OR pg_catalog.btrim(value) OPERATOR(pg_catalog.=) '' THEN NULL
            ELSE pg_catalog.left(field OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) pg_catalog.lower(pg_catalog.btrim(value)), 1000) END;
COMMENT ON FUNCTION mreg_internal.facet(text, text) IS 'The facet lexeme of a fielded fact: field:value in lower case (cut at 1000 characters)';

-- A tsquery matching one lexeme exactly, whatever characters it holds (the
-- lexeme is quoted, so nothing in it is read as query syntax).
CREATE FUNCTION mreg_internal.lexeme_query(lexeme text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ('''' OPERATOR(pg_catalog.||) pg_catalog.replace(pg_catalog.replace(lexeme, '\', '\\'), '''', '''''')
        OPERATOR(pg_catalog.||) '''')::pg_catalog.tsquery;
COMMENT ON FUNCTION mreg_internal.lexeme_query(text) IS 'A tsquery that matches exactly one lexeme (quoted: no query syntax in it)';

-- Text for the document: vocabulary terms read as words (natural-language-processing).
CREATE FUNCTION mreg_internal.search_text(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.left(COALESCE(t, ''), 200000);
COMMENT ON FUNCTION mreg_internal.search_text(text) IS 'A field''s text as the search document takes it (cut at 200,000 characters)';

-- A relative node made absolute in a project ("fraud"/dataset:x for dataset:x).
CREATE FUNCTION mreg_internal.absolute_node(node text, project text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (('"' OPERATOR(pg_catalog.||) pg_catalog.replace(project, '"', '""') OPERATOR(pg_catalog.||) '"/'
         OPERATOR(pg_catalog.||) node)::mreg.lineage)::pg_catalog.text;
COMMENT ON FUNCTION mreg_internal.absolute_node(text, text) IS 'A node text relative to a project, made absolute (canonical)';

CREATE FUNCTION mreg_internal.search_rows(ids bigint[])
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

-- Rewrites the documents of some versions (those gone are dropped by the cascade).
CREATE FUNCTION mreg_internal.search_refresh(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO mreg.search_doc (model_version_id, project_id, model_id, run_id, project, model, version, stage, domain, task, framework, license, owner, team, constraints, trained_at, duration, created_at, node, model_node, document, facets, refreshed_at)
    SELECT model_version_id, project_id, model_id, run_id, project, model, version, stage, domain, task, framework, license, owner, team, constraints, trained_at, duration, created_at, node, model_node, document, facets, refreshed_at FROM mreg_internal.search_rows(ids)
    ON CONFLICT ON CONSTRAINT search_doc_model_version_id_key DO UPDATE
       SET project_id = EXCLUDED.project_id, model_id = EXCLUDED.model_id, run_id = EXCLUDED.run_id,
           project = EXCLUDED.project, model = EXCLUDED.model, version = EXCLUDED.version, stage = EXCLUDED.stage,
           domain = EXCLUDED.domain, task = EXCLUDED.task, framework = EXCLUDED.framework, license = EXCLUDED.license,
           owner = EXCLUDED.owner, team = EXCLUDED.team, constraints = EXCLUDED.constraints,
           trained_at = EXCLUDED.trained_at, duration = EXCLUDED.duration, created_at = EXCLUDED.created_at,
           node = EXCLUDED.node, model_node = EXCLUDED.model_node, document = EXCLUDED.document,
           facets = EXCLUDED.facets, refreshed_at = EXCLUDED.refreshed_at;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_refresh(bigint[]) IS 'Rebuilds the search documents of some model versions';

-- ---------------------------------------------------------------- triggers
-- One trigger function for every source table: which versions a row touches.
CREATE FUNCTION mreg_internal.search_touch() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    -- one function for many tables: their columns read by name from jsonb
    j jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    o jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
    ids bigint[];
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'model_version' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;                                    -- its document goes with it (cascade)
        END IF;
        ids := ARRAY[(j->>'id')::bigint];
    WHEN 'model' THEN
        ids := ARRAY(SELECT v.id FROM mreg.model_version v WHERE v.model_id = (j->>'id')::bigint);
    WHEN 'annotation', 'tag' THEN
        ids := ARRAY(SELECT d.model_version_id FROM mreg.search_doc d WHERE j->>'node' IN (d.node, d.model_node));
        IF o->>'node' IS DISTINCT FROM j->>'node' AND o IS NOT NULL THEN
            ids := ids || ARRAY(SELECT d.model_version_id FROM mreg.search_doc d WHERE o->>'node' IN (d.node, d.model_node));
        END IF;
    WHEN 'run' THEN
        ids := ARRAY(SELECT v.id FROM mreg.model_version v WHERE v.run_id = (j->>'id')::bigint);
    WHEN 'run_feature', 'run_dataset' THEN
        ids := ARRAY(SELECT v.id FROM mreg.model_version v WHERE v.run_id = (j->>'run_id')::bigint);
    WHEN 'dataset' THEN
        ids := ARRAY(SELECT v.id FROM mreg.model_version v
                       JOIN mreg.run_dataset rd ON rd.run_id = v.run_id
                       JOIN mreg.dataset_version dv ON dv.id = rd.dataset_version_id
                      WHERE dv.dataset_id = (j->>'id')::bigint
                     UNION
                     SELECT d.model_version_id FROM mreg.search_doc d
                      WHERE d.facets OPERATOR(mreg.@@) mreg_internal.lexeme_query(mreg_internal.facet('dataset', j->>'name'))
                        AND d.project_id = (j->>'project_id')::bigint);
    END CASE;
    PERFORM mreg_internal.search_refresh(ids);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_touch() IS
    'Trigger: rebuilds the search documents of the versions a written row is part of';

-- The latest value of a metric: a newer evaluation replaces the kept one.
CREATE FUNCTION mreg_internal.search_metric_touch() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    INSERT INTO mreg.search_metric AS s (model_version_id, project_id, metric, slice, value, evaluated_at, evaluation_id)
    VALUES (NEW.model_version_id, NEW.project_id, lower(NEW.metric), NEW.slice, NEW.value, NEW.evaluated_at, NEW.id)
    ON CONFLICT ON CONSTRAINT search_metric_key DO UPDATE
       SET value = EXCLUDED.value, evaluated_at = EXCLUDED.evaluated_at, evaluation_id = EXCLUDED.evaluation_id
     WHERE (EXCLUDED.evaluated_at, EXCLUDED.evaluation_id) > (s.evaluated_at, s.evaluation_id);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_metric_touch() IS 'Trigger: keeps the latest value of each metric and slice in mreg.search_metric';

CREATE TRIGGER search_touch AFTER INSERT OR UPDATE ON mreg.model_version
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER UPDATE ON mreg.model
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER INSERT ON mreg.annotation
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER INSERT OR UPDATE OR DELETE ON mreg.tag
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER UPDATE ON mreg.run
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER INSERT ON mreg.run_feature
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER INSERT ON mreg.run_dataset
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_touch AFTER UPDATE ON mreg.dataset
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_touch();
CREATE TRIGGER search_metric_touch AFTER INSERT ON mreg.evaluation
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.search_metric_touch();

-- ---------------------------------------------------------------- rebuilding
CREATE FUNCTION mreg_internal.reindex_search() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    n bigint;
BEGIN
    PERFORM mreg_internal.authorize(NULL, 'admin');
    PERFORM mreg_internal.audit_note(NULL, 'search_doc', NULL);
    LOCK TABLE mreg.search_doc, mreg.search_metric IN SHARE ROW EXCLUSIVE MODE;   -- writers wait; readers go on
    DELETE FROM mreg.search_doc;
    INSERT INTO mreg.search_doc (model_version_id, project_id, model_id, run_id, project, model, version, stage, domain, task, framework, license, owner, team, constraints, trained_at, duration, created_at, node, model_node, document, facets, refreshed_at)
    SELECT model_version_id, project_id, model_id, run_id, project, model, version, stage, domain, task, framework, license, owner, team, constraints, trained_at, duration, created_at, node, model_node, document, facets, refreshed_at FROM mreg_internal.search_rows(NULL);
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM mreg.search_metric;
    INSERT INTO mreg.search_metric (model_version_id, project_id, metric, slice, value, evaluated_at, evaluation_id)
    SELECT DISTINCT ON (e.model_version_id, lower(e.metric), e.slice)
           e.model_version_id, e.project_id, lower(e.metric), e.slice, e.value, e.evaluated_at, e.id
      FROM mreg.evaluation e
     ORDER BY e.model_version_id, lower(e.metric), e.slice, e.evaluated_at DESC, e.id DESC;
    RETURN n;
END
$$;
COMMENT ON FUNCTION mreg_internal.reindex_search() IS
    'Rebuilds every search document and the latest metric values (after a dictionary or configuration change); registry admins only; returns the number of documents';
