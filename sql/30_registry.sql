-- Registry core: what users see.  Exact error texts (with DETAIL and HINT),
-- the plans that make lineage lookups fast, history and reproducibility.
-- A fresh extension, so ids are the same whatever ran before in this database.
SET client_min_messages = warning;
DROP EXTENSION mreg CASCADE;
CREATE EXTENSION mreg CASCADE;
RESET client_min_messages;
SET search_path = public, mreg;
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT mreg.create_project('reg', 'regression project') > 0 AS created;
SELECT mreg.register_dataset_version('reg', 'clicks', '2026-01', 's3://lake/clicks/2026-01', sha256 => repeat('a', 64), row_count => 42) > 0 AS ds;
SELECT mreg.define_feature('reg', 'ctr_7d', 'float64', 'clicks / impressions over 7 days') > 0 AS feat;
SELECT mreg.log_run('reg', 'exp', '{"lr": 0.05}', '{"python": "3.11"}', ARRAY['dataset:clicks@2026-01'],
                    code_ref => 'git@0f3c2a1', features => '{"ctr_7d": 1.0}') AS run_id \gset
SELECT mreg.register_model_version('reg', 'ctr', '1.0.0', :run_id, '[{"name": "w", "uri": "s3://m/ctr/1.0.0"}]') AS v1 \gset

-- the provenance snapshot: canonical text and edges
SELECT mreg.provenance(:v1);
SELECT * FROM mreg.lineage_edges(mreg.provenance(:v1)) ORDER BY 1, 2;

-- errors name what is wrong and say what to do
SELECT mreg.set_vocabulary_mode('reg', 'domain', 'strict');
SELECT mreg.register_model('reg', 'ctr', domain => 'fruad');
SELECT mreg.register_model_version('reg', 'ctr', '1.0.0+retrain');
SELECT mreg.log_run('reg', 'exp', '{}', '{}', ARRAY['dataset:clicks@2027-01']);
SELECT mreg.add_lineage('reg/model:ctr@1.0.0', 'dataset:clicks@2026-01');
SELECT mreg.add_lineage('code:a', 'code:b'), mreg.add_lineage('code:b', 'code:c');
SELECT mreg.add_lineage('code:c', 'code:a');
SELECT mreg.resolve_node('dataset clicks');
SELECT mreg.register_dataset_version('reg', 'clicks', '2026-01', 's3://lake/clicks/2026-01-v2');
UPDATE mreg.evaluation SET value = 0;
UPDATE mreg.model_version SET provenance = '' WHERE id = :v1;
SELECT mreg.set_status('reg', 'ctr', '1.0.0', 'draft');
SELECT mreg.register_model_version('reg', 'ctr', '1.1.0', artifacts => '[{"name": "w", "content_base64": "aGVsbG8=", "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]');

-- impact() is an index lookup on the provenance column
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM mreg.model_version WHERE provenance @> 'dataset:clicks@2026-01'::text;
RESET enable_seqscan;
SELECT * FROM mreg.impact('dataset:clicks@2026-01');

-- reproducibility record (timestamps left out: they change per run)
SELECT jsonb_pretty(mreg.reproducibility(:v1) #- '{model_version,registered_at}' #- '{model_version,registered_by}'
                    #- '{run,id}' #- '{model_version,id}');
