-- Performance history read side (SPEC section 4): a metric over versions
-- (mreg.metric_trend), over time (mreg.metric_history), and versions side by
-- side (mreg.compare).  They run with the caller's rights (SECURITY INVOKER):
-- row-level security picks the evaluations, so a version the caller cannot
-- read is absent, never an error that tells it exists.  doc/drift.md.

-- A metric name as log_evaluation records it, without writing: trimmed,
-- lower case, inner spaces as "-", a synonym as its term (Recall = recall,
-- "ROC AUC" = roc-auc = auc when auc is the term).
CREATE FUNCTION mreg_internal.metric_name(metric text, pid bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text := regexp_replace(lower(btrim(metric)), '\s+', '-', 'g');
BEGIN
    IF metric IS NULL OR t = '' THEN
        RAISE EXCEPTION 'metric must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- the term log_evaluation would record in that project, without recording one
    RETURN coalesce(mreg_internal.term_lookup('metric', metric, pid), t);
END
$$;
COMMENT ON FUNCTION mreg_internal.metric_name(text, bigint) IS
    'Canonical metric name for a query in a project (as log_evaluation normalises it: case, spaces, synonyms), read-only';

-- The arguments shared by the trend functions, checked and resolved: the
-- model (23503 when absent or not readable, like a project), the metric
-- term, the data snapshot (NULL: any).
CREATE FUNCTION mreg_internal.trend_scope(project text, model text, metric text, dataset_version text,
                                          OUT model_id bigint, OUT metric_term text, OUT dataset_version_id bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project);
    r record;
BEGIN
    IF model IS NULL OR btrim(model) = '' THEN
        RAISE EXCEPTION 'model must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.id INTO model_id FROM mreg.model m WHERE m.project_id = pid AND m.name = model;
    IF model_id IS NULL THEN
        RAISE EXCEPTION 'model % does not exist in project %', mreg_internal.quote_short(model), mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    metric_term := mreg_internal.metric_name(metric, pid);
    IF dataset_version IS NOT NULL THEN
        -- relative to the model's project, as log_evaluation names it
        r := mreg_internal.resolve(CASE WHEN dataset_version LIKE '%:%' THEN dataset_version ELSE 'dataset:' || dataset_version END, pid);
        IF r.kind IS DISTINCT FROM 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', mreg_internal.quote_short(dataset_version)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        dataset_version_id := r.entity_id;
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.trend_scope(text, text, text, text) IS
    'Checks and resolves the arguments of the trend functions: model id, metric term, data snapshot id (NULL: any)';

-- Node text of a data snapshot, as mreg.latest_evaluation shows it.
CREATE FUNCTION mreg_internal.dataset_version_node(dataset_version_id bigint) RETURNS text
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT mreg_internal.node_text(dp.name, 'dataset', d.name OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) dv.version)
      FROM mreg.dataset_version dv
      JOIN mreg.dataset d ON d.id OPERATOR(pg_catalog.=) dv.dataset_id
      JOIN mreg.project dp ON dp.id OPERATOR(pg_catalog.=) d.project_id
     WHERE dv.id OPERATOR(pg_catalog.=) dataset_version_node.dataset_version_id;
END;
COMMENT ON FUNCTION mreg_internal.dataset_version_node(bigint) IS
    'Node text of a data snapshot with its project prefix (NULL when not given or not readable)';

-- The rows of the trend functions are composite types: a RETURNS TABLE
-- column may not share a name with an argument (slice, dataset_version).
CREATE TYPE mreg_internal.metric_trend_row AS (
    slice text, version mreg.semver, model_version_id bigint, status text,
    value double precision, delta double precision,
    dataset_version text, evaluated_at timestamptz, evaluation_id bigint);
COMMENT ON TYPE mreg_internal.metric_trend_row IS 'A row of mreg.metric_trend (doc/drift.md)';
CREATE TYPE mreg_internal.metric_history_row AS (
    slice text, version mreg.semver, model_version_id bigint,
    evaluated_at timestamptz, value double precision, delta double precision,
    dataset_version text, method text, evaluator name, evaluation_id bigint);
COMMENT ON TYPE mreg_internal.metric_history_row IS 'A row of mreg.metric_history (doc/drift.md)';

-- ---------------------------------------------------------------- over versions
CREATE FUNCTION mreg.metric_trend(project text, model text, metric text,
                                  slice text DEFAULT 'all', dataset_version text DEFAULT NULL)
    RETURNS SETOF mreg_internal.metric_trend_row
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s record := mreg_internal.trend_scope(project, model, metric, dataset_version);
    sl text := btrim(slice);
BEGIN
    RETURN QUERY
    SELECT l.slice, v.version, v.id, v.status, l.value,
           l.value - lag(l.value) OVER (PARTITION BY l.slice ORDER BY v.version),
           mreg_internal.dataset_version_node(l.dataset_version_id), l.evaluated_at, l.id
      FROM (SELECT DISTINCT ON (e.model_version_id, e.slice)
                   e.id, e.model_version_id, e.slice, e.value, e.evaluated_at, e.dataset_version_id
              FROM mreg.evaluation e
              JOIN mreg.model_version mv ON mv.id = e.model_version_id
             WHERE mv.model_id = s.model_id AND e.metric = s.metric_term
               AND (sl IS NULL OR e.slice = sl)
               AND (s.dataset_version_id IS NULL OR e.dataset_version_id = s.dataset_version_id)
             ORDER BY e.model_version_id, e.slice, e.evaluated_at DESC, e.id DESC) l
      JOIN mreg.model_version v ON v.id = l.model_version_id
     ORDER BY l.slice, v.version;
END
$$;
COMMENT ON FUNCTION mreg.metric_trend(text, text, text, text, text) IS
    'A metric of a model over its versions (semver order): the latest value per version and slice (slice NULL: every slice; dataset_version NULL: any snapshot), with the change from the previous version that has one';

-- ---------------------------------------------------------------- over time
CREATE FUNCTION mreg.metric_history(project text, model text, metric text,
                                    slice text DEFAULT 'all', dataset_version text DEFAULT NULL)
    RETURNS SETOF mreg_internal.metric_history_row
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s record := mreg_internal.trend_scope(project, model, metric, dataset_version);
    sl text := btrim(slice);
BEGIN
    RETURN QUERY
    SELECT e.slice, v.version, v.id, e.evaluated_at, e.value,
           e.value - lag(e.value) OVER (PARTITION BY e.slice, v.id ORDER BY e.evaluated_at, e.id),
           mreg_internal.dataset_version_node(e.dataset_version_id), e.method, e.evaluator, e.id
      FROM mreg.evaluation e
      JOIN mreg.model_version v ON v.id = e.model_version_id
     WHERE v.model_id = s.model_id AND e.metric = s.metric_term
       AND (sl IS NULL OR e.slice = sl)
       AND (s.dataset_version_id IS NULL OR e.dataset_version_id = s.dataset_version_id)
     ORDER BY e.slice, v.version, e.evaluated_at, e.id;
END
$$;
COMMENT ON FUNCTION mreg.metric_history(text, text, text, text, text) IS
    'Every recorded value of a metric of a model, per slice and version in time order, with the change from the previous evaluation of the same version and slice';

-- ---------------------------------------------------------------- side by side
CREATE FUNCTION mreg.compare(version_ids bigint[])
    RETURNS TABLE (metric text, slice text, "values" jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF version_ids IS NULL THEN
        RAISE EXCEPTION 'version_ids must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass an array of model version ids; an empty array compares nothing.';
    END IF;
    IF EXISTS (SELECT FROM unnest(version_ids) i WHERE i IS NULL) THEN
        RAISE EXCEPTION 'version_ids must not contain NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    SELECT l.metric, l.slice, jsonb_object_agg(l.model_version_id::text, l.value)
      FROM (SELECT DISTINCT ON (e.model_version_id, e.metric, e.slice) e.model_version_id, e.metric, e.slice, e.value
              FROM mreg.evaluation e
             WHERE e.model_version_id = ANY (version_ids)
             ORDER BY e.model_version_id, e.metric, e.slice, e.evaluated_at DESC, e.id DESC) l
     GROUP BY l.metric, l.slice
     ORDER BY l.metric, l.slice;
END
$$;
COMMENT ON FUNCTION mreg.compare(bigint[]) IS
    'Versions side by side: per metric and slice, the latest value of each version as {"<model_version_id>": value} (any data snapshot); versions without that metric, or not readable by the caller, are absent';
