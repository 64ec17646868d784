-- make demo: load a realistic registry through the public API, then tour it.
\pset footer off
\set QUIET on
\echo
\echo '== The registry: projects, datasets, runs, models, versions, evaluations =='
\echo 'Loading a demo registry through the public API (mreg.register_*, mreg.log_*) ...'

SELECT setseed(0.42) \gset
DO $$
DECLARE
    proj record;
    mdl record;
    d text;
    n int;
    run_id bigint;
    vid bigint;
    ver mreg.semver;
    base_recall float8;
    m int;
    started timestamptz;
    ds_nodes text[];
    i int;
    j int;
BEGIN
    FOR proj IN SELECT * FROM (VALUES
        ('fraud', 'Card and payment fraud detection', 'internal', 'fraud', 'risk-ml'),
        ('churn', 'Customer churn and retention', 'internal', 'customer', 'growth-ds'),
        ('vision', 'Product image understanding', 'public', 'computer-vision', 'vision-lab'),
        ('support-nlp', 'Support ticket routing and summarisation', 'private', 'nlp', 'cx-ml')) AS p(name, descr, vis, domain, team)
    LOOP
        PERFORM mreg.create_project(proj.name, proj.descr, proj.vis);
        -- data snapshots: monthly
        FOR i IN 1..6 LOOP
            PERFORM mreg.register_dataset_version(proj.name, proj.name || '_events', '2025-' || lpad(i::text, 2, '0'),
                     format('s3://lake/%s/events/2025-%s/', proj.name, lpad(i::text, 2, '0')),
                     sha256 => encode(sha256(convert_to(proj.name || i, 'UTF8')), 'hex'),
                     row_count => (500000 + random() * 2000000)::bigint,
                     license => 'proprietary', usage_rights => 'internal-training',
                     contains_personal_data => proj.name IN ('fraud', 'churn', 'support-nlp'),
                     source_system => 'snowflake');
        END LOOP;
        PERFORM mreg.register_dataset_version(proj.name, proj.name || '_labels', 'v' || k, format('s3://lake/%s/labels/v%s', proj.name, k),
                 usage_rights => 'internal-training')
          FROM generate_series(1, 3) k;
        -- a data fix upstream: each month's cleaned snapshot is derived from the month before
        FOR i IN 2..6 LOOP
            PERFORM mreg.add_lineage(format('%s/dataset:%s_events@2025-%s', proj.name, proj.name, lpad((i - 1)::text, 2, '0')),
                                     format('%s/dataset:%s_events@2025-%s', proj.name, proj.name, lpad(i::text, 2, '0')));
        END LOOP;
        FOR i IN 1..8 LOOP
            PERFORM mreg.define_feature(proj.name, proj.name || '_f' || i,
                     (ARRAY['float64', 'int64', 'category', 'embedding[384]'])[1 + i % 4],
                     format('window aggregate #%s over %s_events', i, proj.name), proj.name || '_events');
        END LOOP;
        PERFORM mreg.define_pipeline(proj.name, proj.name || '-train', 'airflow', format('git://ml-dags/%s_train.py', proj.name),
                 '[{"name": "extract"}, {"name": "dedupe"}, {"name": "impute", "transformation": "median"},
                   {"name": "encode", "transformation": "target encoding"}, {"name": "split", "params": {"test": 0.2}}]');

        FOR mdl IN SELECT * FROM (VALUES
            ('gbm', 'binary-classification', 'xgboost', 'Gradient-boosted trees on tabular features'),
            ('logreg', 'binary-classification', 'scikit-learn', 'Interpretable logistic regression baseline'),
            ('deep', 'binary-classification', 'pytorch', 'Sequence model over event histories'),
            ('ranker', 'ranking', 'lightgbm', 'Ranks cases for analyst review'),
            ('anomaly', 'anomaly-detection', 'scikit-learn', 'Isolation forest on new patterns'),
            ('embedder', 'embedding', 'transformers', 'Learns entity embeddings'),
            ('calibrator', 'regression', 'statsmodels', 'Calibrates scores to probabilities')) AS x(name, task, fw, descr)
        LOOP
            PERFORM mreg.register_model(proj.name, proj.name || '-' || mdl.name, format('%s for %s', mdl.descr, proj.descr),
                     domain => proj.domain, task => mdl.task, framework => mdl.fw,
                     license => CASE WHEN proj.vis = 'public' THEN 'apache-2.0' ELSE 'proprietary' END,
                     team => proj.team,
                     constraints => CASE proj.name WHEN 'fraud' THEN ARRAY['gdpr', 'pci-dss']
                                                   WHEN 'churn' THEN ARRAY['gdpr'] ELSE '{}' END,
                     ethical_notes => 'Check performance across regions before promotion.');
            base_recall := 0.70 + random() * 0.1;
            n := 4 + (random() * 8)::int;
            FOR i IN 1..n LOOP
                -- run i of n trains on the latest monthly snapshot of its time, and
                -- starts a few days after that month ended
                m := least(6, 1 + ((i - 1) * 6) / n);
                started := make_timestamptz(2025, m + 1, 1 + (i * 3 + length(mdl.name)) % 20, 9, 0, 0, 'UTC');
                ds_nodes := ARRAY[format('dataset:%s_events@2025-%s', proj.name, lpad(m::text, 2, '0')),
                                  format('dataset:%s_labels@v%s', proj.name, 1 + (m - 1) / 2)];
                run_id := mreg.log_run(proj.name, mdl.name || '-experiments',
                            jsonb_build_object('learning_rate', round((0.01 + random() * 0.2)::numeric, 3),
                                               'max_depth', 3 + (random() * 7)::int, 'seed', i),
                            jsonb_build_object('image', 'registry.local/train@sha256:' || substr(md5(mdl.name || i), 1, 12),
                                               'python', '3.11', mdl.fw, '2.' || (i % 5), 'gpu', CASE WHEN mdl.fw IN ('pytorch', 'transformers') THEN 'A100' END),
                            ds_nodes,
                            format('Run %s of %s: %s', i, mdl.name, (ARRAY['tuned depth', 'more data', 'new features', 'fixed leakage in labels', 'longer training'])[1 + i % 5]),
                            code_ref => 'git@' || substr(md5(proj.name || mdl.name || i), 1, 8),
                            pipeline => proj.name || '-train',
                            features => (SELECT jsonb_object_agg(proj.name || '_f' || k, round(random()::numeric, 3))
                                           FROM generate_series(1, 3 + i % 5) k),
                            started_at => started,
                            ended_at => started + (20 + random() * 300) * interval '1 minute');
                ver := format('%s.%s.%s', 1 + i / 5, i % 5, (random() * 2)::int)::mreg.semver;
                IF i = n AND random() < 0.4 THEN
                    ver := (ver::text || '-rc.1')::mreg.semver;
                END IF;
                CONTINUE WHEN mreg.version_id(proj.name, proj.name || '-' || mdl.name, ver) IS NOT NULL;
                vid := mreg.register_model_version(proj.name, proj.name || '-' || mdl.name, ver, run_id,
                         jsonb_build_array(jsonb_build_object('name', 'model.onnx', 'kind', 'binary',
                                               'uri', format('s3://models/%s/%s/%s/model.onnx', proj.name, mdl.name, ver),
                                               'sha256', encode(sha256(convert_to(proj.name || mdl.name || ver::text, 'UTF8')), 'hex'),
                                               'size_bytes', (1e6 + random() * 5e8)::bigint, 'media_type', 'application/onnx'),
                                           jsonb_build_object('name', 'serving-image', 'kind', 'container',
                                               'uri', format('oci://registry.local/%s-%s:%s', proj.name, mdl.name, replace(ver::text, '+', '_')))),
                         jsonb_build_object('threshold', round((0.3 + random() * 0.4)::numeric, 2)));
                -- evaluations over time, on a few slices
                FOR j IN 0..2 LOOP
                    PERFORM mreg.log_evaluation(vid, metric, value, ds_nodes[1], slice, 'holdout',
                                                started + (1 + j * 2) * interval '1 day')
                       FROM (VALUES
                             ('recall', 'all', least(0.99, base_recall + i * 0.015 - j * 0.004 + random() * 0.01)),
                             ('precision', 'all', least(0.99, 0.6 + i * 0.01 + random() * 0.05)),
                             ('auc', 'all', least(0.999, 0.8 + i * 0.01 + random() * 0.02)),
                             ('recall', 'eu', least(0.99, base_recall - 0.03 + i * 0.012 + random() * 0.02)),
                             ('recall', 'us', least(0.99, base_recall + 0.01 + i * 0.014 + random() * 0.02))) e(metric, slice, value);
                END LOOP;
            END LOOP;
            -- the second-newest release is champion; the newest waits as challenger
            PERFORM mreg.set_alias(proj.name, proj.name || '-' || mdl.name, '@champion',
                                   (SELECT v.version FROM mreg.model_version v JOIN mreg.model mm ON mm.id = v.model_id
                                     WHERE mm.name = proj.name || '-' || mdl.name AND NOT mreg.is_prerelease(v.version)
                                     ORDER BY v.version DESC OFFSET 1 LIMIT 1),
                                   'best recall on holdout');
        END LOOP;
    END LOOP;
    PERFORM mreg.annotate('dataset:fraud_events@2025-03', 'Duplicate card-present events found; fixed in 2025-04.');
    PERFORM mreg.set_tag('model:fraud-gbm', 'tier', 'critical');
    PERFORM mreg.register_model('fraud', 'fraud-gbm', description => 'Gradient-boosted fraud scorer (card + wire)');
END
$$;

\echo
\echo 'What the registry holds:'
SELECT (SELECT count(*) FROM mreg.project) AS projects, (SELECT count(*) FROM mreg.model) AS models,
       (SELECT count(*) FROM mreg.model_version) AS versions, (SELECT count(*) FROM mreg.run) AS runs,
       (SELECT count(*) FROM mreg.dataset_version) AS data_snapshots, (SELECT count(*) FROM mreg.evaluation) AS evaluations,
       (SELECT count(*) FROM mreg.lineage_edge) AS lineage_edges;

\echo
\echo '== 1. The fraud team''s models at a glance (mreg.model_overview: one row per model)'
SELECT model, latest_version, aliases, live, versions FROM mreg.model_overview WHERE project = 'fraud' ORDER BY model;

\echo
\echo '== 2. A new release beats the champion: fraud-gbm''s newest release goes to staging, takes @champion, then production'
SELECT max(version) AS challenger FROM mreg.model_version_overview
 WHERE project = 'fraud' AND model = 'fraud-gbm' AND NOT mreg.is_prerelease(version) \gset
\echo 'The challenger is' :challenger
\o /dev/null
SELECT mreg.set_status('fraud', 'fraud-gbm', :'challenger', 'staging', 'passed offline validation');
SELECT mreg.set_alias('fraud', 'fraud-gbm', '@champion', :'challenger', 'higher recall on the EU slice, same precision');
SELECT mreg.set_status('fraud', 'fraud-gbm', :'challenger', 'production', 'approved by the risk committee');
\o
\echo 'Who moved @champion of fraud-gbm, when and why (mreg.alias_history):'
SELECT alias, from_version, to_version, reason, moved_by FROM mreg.alias_history WHERE model = 'fraud-gbm' ORDER BY id;
\echo 'Every status move of that version, who made it and why (mreg.history on its node):'
SELECT h.changed_by, h.old_row->>'status' AS from_status, h.new_row->>'status' AS to_status,
       h.new_row->>'status_reason' AS reason
  FROM mreg.history('fraud/model:fraud-gbm@champion') h;

\echo
\echo '== 3. What the champion was trained on (mreg.provenance of model:fraud-gbm@champion, frozen at registration)'
SELECT v.version AS champion, mreg.provenance(v.id) AS provenance
  FROM mreg.model_version_overview v WHERE v.project = 'fraud' AND v.model = 'fraud-gbm' AND '@champion' = ANY (v.aliases);
\echo 'Names are relative to the project: fraud''s own nodes carry no prefix, so an analyst writes'
\echo '  SELECT count(*) FROM mreg.model_version WHERE provenance @> ''dataset:fraud_events@2025-03'''
SELECT count(*) AS versions_trained_on_march FROM mreg.model_version WHERE provenance @> 'dataset:fraud_events@2025-03';

\echo
\echo '== 4. A data problem: duplicates found in the March fraud snapshot. Which versions does it reach, and how directly?'
\echo '  SELECT * FROM mreg.impact(''dataset:fraud_events@2025-03'')   -- depth 2: trained on it; 3: on a snapshot derived from it'
SELECT model, version, status, depth FROM mreg.impact('dataset:fraud_events@2025-03') ORDER BY depth, model, version;
\echo 'The note the data team left on it (mreg.annotate):'
SELECT note, created_by FROM mreg.annotation WHERE node = 'fraud/dataset:fraud_events@2025-03';

\echo
\echo '== 5. The best models on the EU slice, by their latest recall (mreg.latest_evaluation)'
SELECT project, model, version, value AS recall_eu, dataset_version
  FROM mreg.latest_evaluation WHERE metric = 'recall' AND slice = 'eu'
 ORDER BY value DESC LIMIT 5;

\echo
\echo '== 6. Everything needed to re-train the champion (mreg.reproducibility)'
\x on
SELECT jsonb_pretty(r - 'provenance' - 'pipeline' - 'features' - 'artifacts') AS reproducibility,
       (SELECT string_agg(format('%s. %s', s->>'position', s->>'name'), '  ' ORDER BY (s->>'position')::int)
          FROM jsonb_array_elements(r->'pipeline'->'steps') s) AS pipeline_steps,
       (SELECT string_agg(format('%s (%s)', f->>'name', f->>'importance'), ', ') FROM jsonb_array_elements(r->'features') f) AS features,
       (SELECT string_agg(a->>'uri', ', ') FROM jsonb_array_elements(r->'artifacts') a) AS artifacts
  FROM (SELECT mreg.reproducibility(mreg.version_id('fraud', 'fraud-gbm', '@champion')) AS r) x;
\x off

\echo
\echo '== 7. Vocabularies guide: an unknown term is recorded for the project, with a NOTICE'
SELECT mreg.register_model('vision', 'vision-ranker', domain => 'Visual Search') AS model_id;
SELECT v.term, v.category, v.created_by FROM mreg.vocabulary v JOIN mreg.project p ON p.id = v.project_id WHERE p.name = 'vision';

\echo
\echo '== 8. Guard rails: each of these is refused, as it should be'
SELECT refused($$UPDATE mreg.model_version SET version = '9.9.9' WHERE id = (SELECT min(id) FROM mreg.model_version)$$)
       AS "renumber a registered version";
SELECT refused($$UPDATE mreg.evaluation SET value = 1.0 WHERE id = 1$$) AS "rewrite an evaluation";
SELECT refused($$UPDATE mreg.dataset SET name = 'fraud_events_old' WHERE name = 'fraud_events'$$) AS "rename a dataset that versions use";
SELECT refused($$SELECT mreg.add_lineage('model:fraud-gbm@champion', 'dataset:fraud_events@2025-05')$$) AS "close a lineage cycle";
