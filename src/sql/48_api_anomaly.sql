-- Governance: anomaly flags (SPEC section 6).  The registry notices by
-- itself what a reviewer should look at and opens an anomaly review
-- (mreg_internal.open_anomaly, 47_api_review.sql): a metric far outside its
-- history (log_evaluation), a policy threshold loosened sharply
-- (set_policy), a data source never seen before in the project
-- (register_dataset_version).  The detectors run inside those write bodies,
-- which have checked the caller already.

-- ---------------------------------------------------------------- a policy loosened sharply
-- How a new rule loosens an old one sharply: a min_metrics threshold
-- lowered, or a max_metrics / max_slice_gap threshold raised, by more than
-- 10% of the old value (or dropped); fewer required approvals; separation
-- of duties or data-rights checks turned off.  One text per change.
CREATE FUNCTION mreg_internal.policy_loosening(old jsonb, new jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT coalesce(pg_catalog.array_agg(c.what ORDER BY c.ord, c.what), '{}')
      FROM (SELECT 1 AS ord,
                   CASE WHEN n.value IS NULL
                        THEN pg_catalog.format('%s.%s %s dropped', k.key, o.key, o.value)
                        ELSE pg_catalog.format('%s.%s %s -> %s (%s%%)', k.key, o.key, o.value, n.value,
                                               pg_catalog.round(((((n.value)::pg_catalog.numeric OPERATOR(pg_catalog.-) (o.value)::pg_catalog.numeric)
                                                   OPERATOR(pg_catalog.*) 100) OPERATOR(pg_catalog./)
                                                   NULLIF(pg_catalog.abs((o.value)::pg_catalog.numeric), 0)), 1)) END AS what
              FROM (VALUES ('min_metrics', -1), ('max_metrics', 1), ('max_slice_gap', 1)) k(key, dir)
             CROSS JOIN LATERAL pg_catalog.jsonb_each_text(coalesce(old OPERATOR(pg_catalog.->) k.key, '{}')) o
              LEFT JOIN LATERAL pg_catalog.jsonb_each_text(coalesce(new OPERATOR(pg_catalog.->) k.key, '{}')) n ON n.key OPERATOR(pg_catalog.=) o.key
             WHERE n.value IS NULL
                OR ((((n.value)::pg_catalog.numeric OPERATOR(pg_catalog.-) (o.value)::pg_catalog.numeric) OPERATOR(pg_catalog.*) k.dir)
                   OPERATOR(pg_catalog.>) (0.1 OPERATOR(pg_catalog.*) pg_catalog.abs((o.value)::pg_catalog.numeric)))
            UNION ALL
            SELECT 2, pg_catalog.format('required_approvals %s -> %s', old OPERATOR(pg_catalog.->>) 'required_approvals',
                                        coalesce(new OPERATOR(pg_catalog.->>) 'required_approvals', '0'))
             WHERE coalesce((new OPERATOR(pg_catalog.->>) 'required_approvals')::pg_catalog.int4, 0)
                   OPERATOR(pg_catalog.<) (old OPERATOR(pg_catalog.->>) 'required_approvals')::pg_catalog.int4
            UNION ALL
            SELECT 3, pg_catalog.format('%s turned off', f.key)
              FROM (VALUES ('separation_of_duties'), ('require_data_rights'), ('artifacts_checked')) f(key)
             WHERE (old OPERATOR(pg_catalog.->) f.key) OPERATOR(pg_catalog.=) 'true'::jsonb
               AND (new OPERATOR(pg_catalog.->) f.key) IS DISTINCT FROM 'true'::jsonb) c;
END;
COMMENT ON FUNCTION mreg_internal.policy_loosening(jsonb, jsonb) IS
    'What a new policy rule loosens sharply against the old one (thresholds by more than 10% or dropped, fewer approvals, checks turned off), one text per change';

-- ---------------------------------------------------------------- a metric far outside its history
-- A metric value far outside the history of that metric and slice across
-- the model's other versions: robust z-score 0.6745 (x - median) / MAD
-- beyond 3.5 over the latest values of at least 5 other versions (MAD 0:
-- any different value).  Returns the review it opened, or NULL.
CREATE FUNCTION mreg_internal.flag_metric_anomaly(evaluation_id bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    e record;
    vals float8[];
    n int;
    med float8;
    mad float8;
    z float8;
BEGIN
    SELECT x.id, x.project_id, x.model_version_id, x.metric, x.slice, x.value, v.model_id, v.version, m.name AS model
      INTO e
      FROM mreg.evaluation x JOIN mreg.model_version v ON v.id = x.model_version_id JOIN mreg.model m ON m.id = v.model_id
     WHERE x.id = evaluation_id;
    IF e.id IS NULL THEN
        RAISE EXCEPTION 'evaluation % does not exist', evaluation_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT array_agg(lv.value) INTO vals
      FROM mreg.model_version o
     CROSS JOIN LATERAL (SELECT y.value FROM mreg.evaluation y
                          WHERE y.model_version_id = o.id AND y.metric = e.metric AND y.slice = e.slice
                          ORDER BY y.evaluated_at DESC, y.id DESC LIMIT 1) lv
     WHERE o.model_id = e.model_id AND o.id <> e.model_version_id;
    n := coalesce(cardinality(vals), 0);
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) INTO med FROM unnest(vals) x;
    IF n < 5 THEN
        RETURN NULL;
    END IF;
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(x - med)) INTO mad FROM unnest(vals) x;
    IF mad = 0 THEN
        IF e.value = med THEN
            RETURN NULL;
        END IF;
    ELSE
        z := 0.6745 * (e.value - med) / mad;
        IF abs(z) <= 3.5 THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN mreg_internal.open_anomaly(e.project_id, e.model_version_id, NULL, NULL,
               mreg_internal.version_node(NULL, e.model, e.version),
               format('%s on slice %s = %s is far outside its history across %s other versions of %s: median %s, MAD %s, %s',
                      e.metric, e.slice, e.value, n, e.model, round(med::numeric, 6)::float8, round(mad::numeric, 6)::float8,
                      CASE WHEN mad = 0 THEN 'every other version has the same value'
                           ELSE format('robust z-score %s (limit 3.5)', round(z::numeric, 2)) END));
END
$$;
COMMENT ON FUNCTION mreg_internal.flag_metric_anomaly(bigint) IS
    'Opens an anomaly review when an evaluation lies far outside the metric''s history across the model''s other versions (robust z-score > 3.5, at least 5 versions); returns its id or NULL';

-- Where data comes from: the declared source system, else the URI's scheme
-- and host (credentials and port dropped), else file:// for a local path.
CREATE FUNCTION mreg_internal.data_source(source_system text, uri text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.lower(coalesce(
    NULLIF(pg_catalog.btrim(source_system), ''),
    (SELECT m[1] OPERATOR(pg_catalog.||) '://' OPERATOR(pg_catalog.||) m[2]
       FROM (SELECT pg_catalog.regexp_match(uri, '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^@/?#]*@)?([^/?#:]*)') AS m) x
      WHERE m IS NOT NULL),
    'file://'));
COMMENT ON FUNCTION mreg_internal.data_source(text, text) IS
    'Data source of a snapshot: its source_system, else scheme://host of its URI, else file:// (lower case)';

CREATE INDEX dataset_version_source_idx ON mreg.dataset_version (project_id, mreg_internal.data_source(source_system, uri));

-- A dataset version from a source the project has never seen.  The first
-- data of a project is not flagged: with nothing known there is nothing to
-- be unusual against.  Returns the review it opened, or NULL.
CREATE FUNCTION mreg_internal.flag_new_data_source(dataset_version_id bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    dv record;
    src text;
    subject text;
    known text;
    nknown int;
BEGIN
    SELECT x.id, x.project_id, x.source_system, x.uri, d.name AS dataset, x.version, p.name AS project INTO dv
      FROM mreg.dataset_version x JOIN mreg.dataset d ON d.id = x.dataset_id JOIN mreg.project p ON p.id = x.project_id
     WHERE x.id = dataset_version_id;
    IF dv.id IS NULL THEN
        RAISE EXCEPTION 'dataset version % does not exist', dataset_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    src := mreg_internal.data_source(dv.source_system, dv.uri);
    IF EXISTS (SELECT 1 FROM mreg.dataset_version o
                WHERE o.project_id = dv.project_id AND mreg_internal.data_source(o.source_system, o.uri) = src
                  AND o.id <> dv.id)
       OR NOT EXISTS (SELECT 1 FROM mreg.dataset_version o WHERE o.project_id = dv.project_id AND o.id <> dv.id) THEN
        RETURN NULL;
    END IF;
    subject := mreg_internal.node_text(NULL, 'dataset', dv.dataset || '@' || dv.version);
    IF EXISTS (SELECT 1 FROM mreg.review r WHERE r.project_id = dv.project_id AND r.subject = subject AND r.kind = 'anomaly') THEN
        RETURN NULL;                      -- flagged already (a pipeline registering the same snapshot again)
    END IF;
    SELECT string_agg(s, ', ' ORDER BY s) FILTER (WHERE rn <= 5), count(*) INTO known, nknown
      FROM (SELECT s, row_number() OVER (ORDER BY s) AS rn
              FROM (SELECT DISTINCT mreg_internal.data_source(o.source_system, o.uri) AS s
                      FROM mreg.dataset_version o WHERE o.project_id = dv.project_id AND o.id <> dv.id) k) k2;
    RETURN mreg_internal.open_anomaly(dv.project_id, NULL, NULL, NULL, subject,
               format('dataset version %s comes from %s, a data source never seen before in project %s (known: %s%s)',
                      subject, mreg_internal.quote_short(src), dv.project, known,
                      CASE WHEN nknown > 5 THEN format(' and %s more', nknown - 5) ELSE '' END));
END
$$;
COMMENT ON FUNCTION mreg_internal.flag_new_data_source(bigint) IS
    'Opens an anomaly review when a dataset version comes from a source (source_system, else URI scheme and host) the project never saw before; the project''s first data is not flagged; returns the review id or NULL';
