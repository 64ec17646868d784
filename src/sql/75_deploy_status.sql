-- Is this model still fit for production?  mreg.deployment_status judges
-- every live and canary deployment over its environment's health window
-- (SPEC section 4; the rules are in doc/deployments.md):
--
--   reason        when                                                   verdict
--   status        the version is retired (or archived) but still serves  unsuitable (archived: degraded)
--   policy        the version fails a promote policy of the environment  unsuitable
--   incident      an open incident                                       unsuitable when high or critical, else degraded
--   latency       mean p95 latency over the window above the SLO         degraded
--   error_rate    mean error rate over the window above the SLO          degraded
--   drift         more drift observations over threshold than allowed    degraded
--   feedback      mean feedback on a metric worse than its latest        degraded
--                 evaluation (slice all) by more than the tolerance
--   no_health     no health signal within the window                     degraded (only where an SLO is set)
-- No reason: ok.  It runs with the caller's rights: row-level security
-- decides what it sees, and it judges only what it sees.

-- Whether a smaller value of the metric is the better one (loss, error,
-- latency, ...); everything else is higher-is-better.
CREATE FUNCTION mreg.metric_lower_is_better(metric text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.lower(metric) OPERATOR(pg_catalog.=) ANY (ARRAY['fpr', 'fnr', 'far', 'frr', 'eer', 'ece', 'log_loss', 'brier_score',
            'mse', 'rmse', 'msle', 'rmsle', 'mae', 'mape', 'smape', 'wape', 'mase', 'pinball_loss', 'crps', 'fid',
            'perplexity', 'wer', 'cer', 'ter', 'demographic_parity_difference', 'equalized_odds_difference', 'psi', 'latency_ms'])
    OR pg_catalog.lower(metric) OPERATOR(pg_catalog.~) '(^|[_.-])(loss|error|err|latency|deviance)([_.@-]|$)|_ms$|brier|perplexity';
COMMENT ON FUNCTION mreg.metric_lower_is_better(text) IS
    'Whether lower values of a metric are better (losses, errors, fpr/fnr, mae/mse/rmse, wer/cer, perplexity, latency, psi, fairness differences, ...); deployment_status (feedback) and the pictures (best value) read it';

CREATE TYPE mreg_internal.deployment_assessment AS (
    latency_p95_ms  double precision,
    error_rate      double precision,
    health_samples  bigint,
    latest_metrics  jsonb,
    drift_flags     integer,
    open_incidents  integer,
    verdict         text,
    reasons         text[]
);
COMMENT ON TYPE mreg_internal.deployment_assessment IS 'What mreg.deployment_status says of one deployment';

-- Generic plans: the window query reads mreg.health_signal, whose plan
-- with the window as a parameter prunes the partitions when it starts
-- (initial pruning), but the plan cache estimates it as if it read every
-- day, finds custom plans cheaper and plans each query again on every
-- call; a generic plan is planned once a session (measured: 3x faster,
-- doc/deployments.md, Benchmark).
CREATE FUNCTION mreg_internal.assess_deployment(deployment_id bigint) RETURNS mreg_internal.deployment_assessment
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_variable
DECLARE
    d mreg.deployment;
    e mreg.environment;
    since timestamptz;
    r mreg_internal.deployment_assessment;
    severe integer;
    reasons text[] := '{}'::text[];
    unsuitable boolean := false;
    x record;
BEGIN
    SELECT * INTO d FROM mreg.deployment y WHERE y.id = deployment_id;
    SELECT * INTO e FROM mreg.environment y WHERE y.id = d.environment_id;
    IF d.id IS NULL OR e.id IS NULL THEN
        RETURN NULL;
    END IF;
    since := now() - e.health_window;

    SELECT avg(h.latency_p95_ms), avg(h.error_rate), count(*)
      INTO r.latency_p95_ms, r.error_rate, r.health_samples
      FROM mreg.health h WHERE h.deployment_id = d.id AND h.at >= since AND h.at <= now();
    SELECT coalesce(jsonb_object_agg(l.metric, l.value ORDER BY l.metric), '{}') INTO r.latest_metrics
      FROM (SELECT DISTINCT ON (ev.metric) ev.metric, ev.value FROM mreg.evaluation ev
             WHERE ev.model_version_id = d.model_version_id AND ev.slice = 'all'
             ORDER BY ev.metric, ev.evaluated_at DESC, ev.id DESC) l;
    SELECT count(*) INTO r.drift_flags FROM mreg.drift_observation o
     WHERE o.model_version_id = d.model_version_id AND (o.deployment_id IS NULL OR o.deployment_id = d.id)
       AND o.flagged AND o.observed_at >= since;
    SELECT count(*), count(*) FILTER (WHERE i.severity IN ('high', 'critical')) INTO r.open_incidents, severe
      FROM mreg.incident i WHERE i.deployment_id = d.id AND i.resolved_at IS NULL;

    -- a version taken out of use that still serves
    SELECT v.status INTO x FROM mreg.model_version v WHERE v.id = d.model_version_id;
    IF x.status IN ('retired', 'archived') THEN
        reasons := reasons || format('status: the version is %s but still serves', x.status);
        unsuitable := unsuitable OR x.status = 'retired';
    END IF;
    FOR x IN SELECT c.rule, c.detail FROM mreg.check_policy('promote', d.model_version_id, e.name) c WHERE NOT c.ok LOOP
        reasons := reasons || format('policy: %s: %s', x.rule, x.detail);
        unsuitable := true;
    END LOOP;
    IF r.open_incidents > 0 THEN
        reasons := reasons || format('incident: %s open (%s high or critical)', r.open_incidents, severe);
        unsuitable := unsuitable OR severe > 0;
    END IF;
    IF e.max_latency_p95_ms IS NOT NULL AND r.latency_p95_ms > e.max_latency_p95_ms THEN
        reasons := reasons || format('latency: mean p95 %s ms over the last %s, SLO %s ms',
                                     round(r.latency_p95_ms::numeric, 1), e.health_window, e.max_latency_p95_ms);
    END IF;
    IF e.max_error_rate IS NOT NULL AND r.error_rate > e.max_error_rate THEN
        reasons := reasons || format('error_rate: mean %s over the last %s, SLO %s',
                                     round(r.error_rate::numeric, 4), e.health_window, e.max_error_rate);
    END IF;
    IF r.health_samples = 0 AND (e.max_latency_p95_ms IS NOT NULL OR e.max_error_rate IS NOT NULL) THEN
        reasons := reasons || format('no_health: no health signal in the last %s', e.health_window);
    END IF;
    IF r.drift_flags > e.max_drift_flags THEN
        reasons := reasons || format('drift: %s observations over threshold in the last %s (%s allowed)',
                                     r.drift_flags, e.health_window, e.max_drift_flags);
    END IF;
    -- a member names a metric as log_evaluation records it in the version's
    -- project (the term, through synonyms: mean_absolute_error is mae), so
    -- each distinct key is looked up once, then keys naming one metric pool
    FOR x IN SELECT f.metric, f.observed, f.n, (r.latest_metrics ->> f.metric)::float8 AS evaluated
               FROM (SELECT t.metric, sum(k.total) / sum(k.n) AS observed, sum(k.n)::bigint AS n
                       FROM (SELECT m.key, sum(m.value::text::float8) AS total, count(*) AS n
                               FROM mreg.feedback fb CROSS JOIN LATERAL jsonb_each(fb.outcome) m
                              WHERE fb.model_version_id = d.model_version_id AND fb.at >= since AND fb.at <= now()
                                AND jsonb_typeof(m.value) = 'number'
                              GROUP BY m.key) k
                      CROSS JOIN LATERAL (SELECT coalesce(mreg_internal.term_lookup('metric', k.key, d.project_id),
                                                          lower(btrim(k.key))) AS metric) t
                      WHERE r.latest_metrics ? t.metric
                      GROUP BY t.metric) f
              ORDER BY f.metric LOOP
        IF (mreg.metric_lower_is_better(x.metric) AND x.observed > x.evaluated + e.feedback_tolerance)
           OR (NOT mreg.metric_lower_is_better(x.metric) AND x.observed < x.evaluated - e.feedback_tolerance) THEN
            reasons := reasons || format('feedback: %s %s in the field (%s outcomes) against %s evaluated',
                                         x.metric, round(x.observed::numeric, 4), x.n, x.evaluated);
        END IF;
    END LOOP;

    r.reasons := reasons;
    r.verdict := CASE WHEN unsuitable THEN 'unsuitable' WHEN cardinality(reasons) > 0 THEN 'degraded' ELSE 'ok' END;
    RETURN r;
END
$$;
COMMENT ON FUNCTION mreg_internal.assess_deployment(bigint) IS
    'Health, metrics, drift, incidents, verdict and reasons of one deployment over its environment''s health window (the rules: 75_deploy_status.sql, doc/deployments.md)';

-- OFFSET 0 keeps the subquery a subquery: flattened, each (a).field would
-- call assess_deployment again (8 calls a row instead of 1).
CREATE VIEW mreg.deployment_status AS
SELECT d.id, d.project_id, p.name AS project, m.name AS model, e.name AS environment, v.version,
       d.traffic_pct, d.state, d.endpoint, d.started_at,
       (a).latency_p95_ms, (a).error_rate, (a).health_samples, (a).latest_metrics,
       (a).drift_flags, (a).open_incidents, (a).verdict, (a).reasons,
       d.model_version_id
  FROM mreg.deployment d
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) d.project_id
  JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) d.model_id
  JOIN mreg.environment e ON e.id OPERATOR(pg_catalog.=) d.environment_id
  JOIN mreg.model_version v ON v.id OPERATOR(pg_catalog.=) d.model_version_id
  CROSS JOIN LATERAL (SELECT mreg_internal.assess_deployment(d.id) AS a OFFSET 0) s
 WHERE d.state OPERATOR(pg_catalog.=) ANY (ARRAY['live', 'canary']);
COMMENT ON VIEW mreg.deployment_status IS 'Every live and canary deployment the caller may read, judged over its environment''s health window: ok, degraded or unsuitable, with the reasons (rules in doc/deployments.md)';
COMMENT ON COLUMN mreg.deployment_status.id IS 'Key: the deployment (mreg.deployment.id)';
COMMENT ON COLUMN mreg.deployment_status.project_id IS 'Project';
COMMENT ON COLUMN mreg.deployment_status.project IS 'Project name';
COMMENT ON COLUMN mreg.deployment_status.model IS 'Model name';
COMMENT ON COLUMN mreg.deployment_status.environment IS 'Environment';
COMMENT ON COLUMN mreg.deployment_status.version IS 'Version deployed';
COMMENT ON COLUMN mreg.deployment_status.traffic_pct IS 'Share of the traffic it serves';
COMMENT ON COLUMN mreg.deployment_status.state IS 'live or canary';
COMMENT ON COLUMN mreg.deployment_status.endpoint IS 'Where it serves';
COMMENT ON COLUMN mreg.deployment_status.started_at IS 'When it started serving';
COMMENT ON COLUMN mreg.deployment_status.latency_p95_ms IS 'Mean p95 latency over the health window (NULL: no signal)';
COMMENT ON COLUMN mreg.deployment_status.error_rate IS 'Mean error rate over the health window (NULL: no signal)';
COMMENT ON COLUMN mreg.deployment_status.health_samples IS 'Health signals within the window';
COMMENT ON COLUMN mreg.deployment_status.latest_metrics IS 'Latest evaluation of each metric on slice all: {"accuracy": 0.93, ...}';
COMMENT ON COLUMN mreg.deployment_status.drift_flags IS 'Drift observations over threshold within the window';
COMMENT ON COLUMN mreg.deployment_status.open_incidents IS 'Incidents not resolved yet';
COMMENT ON COLUMN mreg.deployment_status.verdict IS 'ok, degraded or unsuitable';
COMMENT ON COLUMN mreg.deployment_status.reasons IS 'Why it is not ok, one "reason: detail" per finding (status, policy, incident, latency, error_rate, no_health, drift, feedback)';
COMMENT ON COLUMN mreg.deployment_status.model_version_id IS 'Version deployed (mreg.model_version.id)';


-- model_overview (50_registry_views.sql) again, now that deployments exist:
-- what is live in each environment comes from the deployments (live and
-- canary) of a model that has any, and from version status for one that
-- was never promoted (teams that track stage by status alone).
CREATE OR REPLACE VIEW mreg.model_overview AS
SELECT m.id, p.name AS project, m.name AS model, m.description, m.domain, m.task, m.framework, m.license,
       m.owner, m.team, m.constraints,
       lv.version AS latest_version, lv.id AS latest_version_id, lv.status AS latest_status,
       (SELECT pg_catalog.count(*) FROM mreg.model_version c WHERE c.model_id OPERATOR(pg_catalog.=) m.id) AS versions,
       coalesce((SELECT pg_catalog.jsonb_object_agg(a.name, av.version::pg_catalog.text ORDER BY a.name)
                   FROM mreg.alias a JOIN mreg.model_version av ON av.id OPERATOR(pg_catalog.=) a.model_version_id
                  WHERE a.model_id OPERATOR(pg_catalog.=) m.id), '{}') AS aliases,
       CASE WHEN EXISTS (SELECT FROM mreg.deployment d WHERE d.model_id OPERATOR(pg_catalog.=) m.id)
            THEN coalesce((SELECT pg_catalog.jsonb_object_agg(s.name, s.versions)
                             FROM (SELECT e.name, pg_catalog.jsonb_agg(x.version::pg_catalog.text ORDER BY x.version) AS versions
                                     FROM mreg.deployment d
                                     JOIN mreg.environment e ON e.id OPERATOR(pg_catalog.=) d.environment_id
                                     JOIN mreg.model_version x ON x.id OPERATOR(pg_catalog.=) d.model_version_id
                                    WHERE d.model_id OPERATOR(pg_catalog.=) m.id
                                      AND d.state OPERATOR(pg_catalog.=) ANY (ARRAY['live', 'canary'])
                                    GROUP BY e.name) s), '{}')
            ELSE coalesce((SELECT pg_catalog.jsonb_object_agg(s.status, s.versions)
                             FROM (SELECT x.status, pg_catalog.jsonb_agg(x.version::pg_catalog.text ORDER BY x.version) AS versions
                                     FROM mreg.model_version x
                                    WHERE x.model_id OPERATOR(pg_catalog.=) m.id
                                      AND x.status OPERATOR(pg_catalog.=) ANY (ARRAY['staging', 'production'])
                                    GROUP BY x.status) s), '{}')
       END AS live,
       m.created_at, m.project_id
  FROM mreg.model m
  JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) m.project_id
  LEFT JOIN LATERAL (SELECT v.id, v.version, v.status FROM mreg.model_version v
                      WHERE v.model_id OPERATOR(pg_catalog.=) m.id AND v.status OPERATOR(pg_catalog.<>) 'draft'
                      ORDER BY v.version USING OPERATOR(mreg.>) LIMIT 1) lv ON true;
COMMENT ON COLUMN mreg.model_overview.live IS 'Versions live (or canary) per environment: from deployments when the model has any ({"production": ["2.1.0", "2.2.0"]}), else by status ({"production": ["2.1.0"], "staging": ["2.2.0"]})';
