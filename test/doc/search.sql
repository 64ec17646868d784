-- doc-test setup (<!-- doc-test: setup search.sql -->) for doc/search.md: a small
-- registry to search.
\set QUIET on
\o /dev/null
SELECT mreg.create_project('fraud');
SELECT mreg.register_dataset_version('fraud', 'card-tx', '2024', 's3://tx/2024', domain => 'finance');
SELECT mreg.define_feature('fraud', 'amount', 'float8');
SELECT mreg.log_run('fraud', 'gbm-exp', '{"lr": 0.1}', '{}', ARRAY['dataset:card-tx@2024'],
                    notes => 'Gradient boosted trees on card transactions, tuned for recall on chargebacks',
                    features => '{"amount": 0.5}') AS run_gbm \gset
SELECT mreg.register_model('fraud', 'fraud-gbm', 'Detects credit card fraud in real time', domain => 'finance',
                           task => 'classification', framework => 'xgboost', team => 'risk', constraints => ARRAY['gdpr']);
SELECT mreg.register_model_version('fraud', 'fraud-gbm', '1.0.0', :run_gbm) AS v1 \gset
SELECT mreg.register_model_version('fraud', 'fraud-gbm', '1.1.0', :run_gbm) AS v2 \gset
SELECT mreg.set_status('fraud', 'fraud-gbm', '1.1.0', 'production');
SELECT mreg.log_evaluation(:v1, 'accuracy', 0.88);
SELECT mreg.log_evaluation(:v2, 'accuracy', 0.95);
SELECT mreg.set_tag('fraud/model:fraud-gbm', 'team', 'risk');
SELECT mreg.register_model('fraud', 'rules-engine', 'Legacy rules that flag suspicious payments', domain => 'finance');
SELECT mreg.register_model_version('fraud', 'rules-engine', '0.9.0');
SELECT mreg.register_model('fraud', 'ticket-nlp', 'Routes support tickets by topic', domain => 'nlp', task => 'text-classification');
SELECT mreg.register_model_version('fraud', 'ticket-nlp', '2.0.0');
\o
\set QUIET off
