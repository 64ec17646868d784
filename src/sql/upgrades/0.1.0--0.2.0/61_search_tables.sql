-- 0.1.0 to 0.2.0, changes to 61_search_tables.sql: the match costs what
-- reading a document costs (plans prefer the index), the ranking window's
-- order (stage_weight and its index), a covering metric index.
ALTER FUNCTION mreg.search_match(tsvector, tsquery) COST 100;

-- The stage's part of the ranking (mreg_internal.search_score), and the
-- first key of the ranking window (64_search_api.sql).
CREATE FUNCTION mreg_internal.stage_weight(stage text) RETURNS real
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE stage WHEN 'production' THEN 1::real WHEN 'staging' THEN 0.8::real WHEN 'registered' THEN 0.6::real
                  WHEN 'draft' THEN 0.4::real WHEN 'archived' THEN 0.2::real ELSE 0::real END;
COMMENT ON FUNCTION mreg_internal.stage_weight(text) IS
    'Weight of a stage in the ranking: production 1, staging 0.8, registered 0.6, draft 0.4, archived 0.2, retired 0';

CREATE INDEX search_doc_window_idx ON mreg.search_doc
    (mreg_internal.stage_weight(stage) DESC, created_at DESC, model_version_id DESC);

DROP INDEX mreg.search_metric_value_idx;
CREATE INDEX search_metric_value_idx ON mreg.search_metric (metric, slice, value) INCLUDE (model_version_id, project_id);
