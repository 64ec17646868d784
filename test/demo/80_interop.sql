-- make demo, part 8: interoperability and operations (doc/interop.md, doc/operations.md).
\echo
\echo '== Interoperability: a model card, an MLflow export, an OpenLineage event'
\echo '-- the first lines of the champion''s model card (mreg.model_card: Markdown with YAML front matter)'
SELECT line FROM regexp_split_to_table(mreg.model_card(mreg.version_id('fraud', 'fraud-gbm', '@champion')), E'\n') WITH ORDINALITY AS l(line, n)
 WHERE n <= 12 ORDER BY n;
\echo '-- fraud-gbm as MLflow REST JSON (mreg.export_mlflow): its versions, stages and aliases'
SELECT v ->> 'version' AS mlflow_version, v ->> 'current_stage' AS stage, v -> 'aliases' AS aliases
  FROM jsonb_array_elements(mreg.export_mlflow('fraud', 'fraud-gbm') -> 'model_versions') v
 ORDER BY (v ->> 'version')::int DESC LIMIT 5;
\echo '-- a run as an OpenLineage RunEvent (mreg.openlineage_event)'
SELECT e ->> 'eventType' AS event_type, e #>> '{job,name}' AS job, jsonb_array_length(e -> 'inputs') AS inputs
  FROM (SELECT mreg.openlineage_event((SELECT min(id) FROM mreg.run WHERE project_id = (SELECT id FROM mreg.project WHERE name = 'fraud'))) AS e) x;
\echo
\echo '== Operations: the registry watching itself (mreg.registry_health, mreg.validate)'
SELECT area, metric, subject, value, unit FROM mreg.registry_health()
 WHERE area IN ('search', 'events', 'health') ORDER BY area, metric, subject LIMIT 12;
SELECT invariant, severity, count(*) FROM mreg.validate() GROUP BY 1, 2 ORDER BY 1, 2;
