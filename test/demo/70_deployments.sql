-- make demo, part 7: deployments, health and the verdict (doc/deployments.md).
\echo
\echo '== Deployments: promote, canary, rollback, health, drift and the verdict (mreg.deployment_status)'
SELECT max(version) FILTER (WHERE rk = 2) AS old, max(version) FILTER (WHERE rk = 1) AS new
  FROM (SELECT version, rank() OVER (ORDER BY version DESC) AS rk FROM mreg.model_version_overview
         WHERE project = 'fraud' AND model = 'fraud-gbm' AND NOT mreg.is_prerelease(version) AND status <> 'retired') v \gset
SELECT mreg.define_environment('fraud', 'production', requires => 'staging', max_latency_p95_ms => 120, max_error_rate => 0.01);
SELECT mreg.promote('fraud', 'fraud-gbm', :'old', 'staging', reason => 'demo: staging first');
SELECT mreg.promote('fraud', 'fraud-gbm', :'old', 'production', endpoint => 'https://fraud.internal/score') AS live \gset
SELECT mreg.promote('fraud', 'fraud-gbm', :'new', 'staging');
\echo '-- the new version as a 10% canary beside the live one'
SELECT mreg.promote('fraud', 'fraud-gbm', :'new', 'production', 10, 'canary') AS canary \gset
SELECT mreg.record_health(:canary, now() - interval '5 minutes', 30, 180, 400, 0.04, 2, 800, 40);
SELECT mreg.record_health(:live, now() - interval '5 minutes', 20, 90, 150, 0.002, 2, 750, 360);
SELECT mreg.log_drift(mreg.version_id('fraud', 'fraud-gbm', :'new'), 'amount_7d', 'psi', 0.27);
SELECT environment, version, state, traffic_pct, latency_p95_ms, error_rate, verdict, reasons
  FROM mreg.deployment_status WHERE project = 'fraud' AND model = 'fraud-gbm' ORDER BY environment, state;
\echo '-- the canary is degraded: roll it back; the live version serves 100% again'
SELECT mreg.rollback('fraud', 'fraud-gbm', 'production', 'canary: p95 180 ms and 4% errors');
SELECT k.kind, f.version AS from_version, t.version AS to_version, k.traffic_pct, k.reason
  FROM mreg.deployment_event k JOIN mreg.environment e ON e.id = k.environment_id
  LEFT JOIN mreg.model_version f ON f.id = k.from_version_id LEFT JOIN mreg.model_version t ON t.id = k.to_version_id
 WHERE e.name = 'production' AND e.project_id = (SELECT id FROM mreg.project WHERE name = 'fraud') ORDER BY k.id;
SELECT model, live FROM mreg.model_overview WHERE project = 'fraud' AND model = 'fraud-gbm';
