#!/usr/bin/env bash
# Search benchmark (make bench; not part of pass/fail): mreg.search() and
# mreg.search_facets() on a synthetic registry of N model versions, against
# the SQL MLflow's store would run for the same questions (EAV tag tables,
# ILIKE, latest_metrics), side by side in one session.
#
#   MREG_BENCH_SEARCH_VERSIONS  versions (default 1000000; 100000 for a quick run)
#   MREG_BENCH_SEARCH_REPS      repetitions (default 3); medians over them
#   MREG_BENCH_SEARCH_RUNS      timed runs per question and rep for mreg (default 20)
#   MREG_BENCH_SEARCH_EAV_RUNS  timed runs per question and rep for the EAV SQL (default 3: it is slow)
#   MREG_BENCH_SEARCH_SU_REPS   repetitions as the superuser, mreg only (default 1)
#   MREG_BENCH_SEARCH_EVAL_ROUNDS  evaluations of one metric and slice: 1 to R (default 6:
#                               ~10.5 per version, 10M evaluations at 1M versions)
#
# Data: ~20 projects, N/10 models, generated descriptions (model) and run
# notes (one run per version) of a few hundred words from a fixed vocabulary
# (setseed), 0-5 tags and 1-5 metrics per version (each with a history), features and
# datasets on runs.  Loaded by bulk INSERT as the superuser with
# session_replication_role = replica (the search triggers do not fire),
# then indexed by mreg.reindex_search() (timed: the index build time).
# Timed as a login in mreg_reader with read grants on every project (row-
# level security applies), then the mreg side again as the superuser.
# Then suggest() as the reader, and, when postgresql-15-rum is installed, a
# RUM index over the same documents (ordered top 20, a phrase) against GIN.
set -eu
N=${MREG_BENCH_SEARCH_VERSIONS:-1000000}
REPS=${MREG_BENCH_SEARCH_REPS:-3}; RUNS=${MREG_BENCH_SEARCH_RUNS:-20}; EAVRUNS=${MREG_BENCH_SEARCH_EAV_RUNS:-3}
SUREPS=${MREG_BENCH_SEARCH_SU_REPS:-1}; EVAL_ROUNDS=${MREG_BENCH_SEARCH_EVAL_ROUNDS:-6}
DB=mreg_bench_search
READER=sb_search_reader
psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" postgres
trap 'psql -X -q -c "DROP DATABASE IF EXISTS $DB" postgres >/dev/null 2>&1; psql -X -q -c "DROP ROLE IF EXISTS $READER" postgres >/dev/null 2>&1' EXIT
psql -X -q -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $READER" postgres

# ------------------------------------------------------------------ 1. data
psql -X -q -At -v ON_ERROR_STOP=1 -v N="$N" -v EVAL_ROUNDS="$EVAL_ROUNDS" -d $DB <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION mreg CASCADE;
CREATE ROLE sb_search_reader LOGIN IN ROLE mreg_reader;
SELECT set_config('bench.n', :'N', false);
SELECT set_config('bench.eval_rounds', :'EVAL_ROUNDS', false);
CREATE SCHEMA sb;
\timing on
\echo 'search bench: loading' :N 'versions'
-- Can the search triggers be disabled for the load?  (No: the DDL guard refuses.)
DO $$
DECLARE r text;
BEGIN
    BEGIN
        ALTER TABLE mreg.tag DISABLE TRIGGER search_touch;
        r := 'allowed';
        RAISE EXCEPTION 'undo';
    EXCEPTION WHEN OTHERS THEN
        r := coalesce(r, 'refused: ' || SQLERRM);
    END;
    RAISE WARNING 'ALTER TABLE mreg.tag DISABLE TRIGGER search_touch: %', r;
END
$$;

SELECT setseed(0.42);
-- the vocabulary: ~150 filler words of ML prose, then ~3000 generated words, Zipf-like frequencies
CREATE TABLE sb.word (i int PRIMARY KEY, w text NOT NULL);
INSERT INTO sb.word
SELECT row_number() OVER (), w FROM unnest(string_to_array(
 'model data training trained features feature dataset validation holdout baseline performance improved improvement '
 'metrics threshold tuned tuning hyperparameters learning rate epochs batch size gradient loss regularization '
 'dropout layers embedding embeddings encoder decoder attention transformer pretrained fine fine-tuned checkpoint '
 'inference latency throughput production deployment serving pipeline monitoring drift retrained retraining weekly '
 'daily monthly snapshot sample samples labels labelled noisy imbalance imbalanced oversampling calibration calibrated '
 'ensemble boosted trees forest linear logistic neural network convolutional recurrent sequence temporal window '
 'lag lags aggregate aggregates rolling categorical numerical encoding normalization scaling outliers missing '
 'imputation leakage split cross fold stratified experiment experiments ablation variant candidate champion challenger '
 'offline online shadow canary rollout rollback review approved approval governance audit fairness bias explainability '
 'shap importance stable regression regressions segment segments cohort cohorts region customers users events '
 'signals score scores ranking ranked precision recall accuracy auc f1 error errors budget cost compute gpu cpu memory', ' ')) w;
INSERT INTO sb.word
SELECT (SELECT max(i) FROM sb.word) + k,
       s[1 + abs(hashint4(k)) % 40] || s[1 + abs(hashint4(k + 7919)) % 40]
       || CASE WHEN k % 3 <> 0 THEN s[1 + abs(hashint4(k + 104729)) % 40] ELSE '' END || (k % 7)::text
  FROM generate_series(1, 3000) k,
       (SELECT string_to_array('ka,ro,mi,te,su,lo,na,vi,de,pa,gu,re,zo,fi,ba,ne,to,ly,qu,ar,en,is,om,ul,ex,ha,jo,ki,mu,sa,ti,vo,wy,ze,bri,tra,ple,sto,gra,cle', ',') s) x;
-- 30,000 sentences of 8-20 words; words drawn Zipf-like (low index: common)
CREATE TABLE sb.sentence (i int PRIMARY KEY, t text NOT NULL);
INSERT INTO sb.sentence
SELECT k, (SELECT string_agg(w.w, ' ') FROM (SELECT 1 + floor(3150 * power(random(), 2.2))::int AS wi
                                              FROM generate_series(1, 8 + (k * 7) % 13) j OFFSET 0) x
             JOIN sb.word w ON w.i = x.wi)
  FROM generate_series(1, 30000) k;
-- topics: what models are about (domain, task, phrases), weighted
CREATE TABLE sb.topic (i int PRIMARY KEY, slug text, project text, domain text, task text, weight int, phrases text[]);
INSERT INTO sb.topic VALUES
 (1, 'fraud', 'fraud', 'finance', 'classification', 12, ARRAY['fraud detection on card transactions', 'flags suspicious payments before settlement', 'chargeback and fraud risk per merchant']),
 (2, 'credit', 'credit', 'credit', 'binary-classification', 10, ARRAY['credit scoring for loan applicants', 'probability of default at origination', 'credit risk of small business lending']),
 (3, 'churn', 'growth', 'telecom', 'classification', 10, ARRAY['customer churn prediction for subscribers', 'retention campaigns target customers likely to churn', 'customer churn within ninety days']),
 (4, 'recs', 'retail', 'recommendation', 'recommendation', 9, ARRAY['product recommendation on the home page', 'click through rate of recommended items', 'personalized ranking of the catalogue']),
 (5, 'detect', 'vision', 'computer-vision', 'object-detection', 7, ARRAY['object detection in warehouse cameras', 'bounding boxes for pallets and forklifts', 'detects damaged parcels']),
 (6, 'tickets', 'nlp', 'natural-language-processing', 'text-classification', 7, ARRAY['routes support tickets by topic', 'sentiment analysis of product reviews', 'intent classification of chat messages']),
 (7, 'demand', 'forecast', 'energy', 'forecasting', 7, ARRAY['demand forecasting for the next week', 'electricity load forecasting per substation', 'hourly demand with weather covariates']),
 (8, 'scan', 'health', 'medical-imaging', 'image-classification', 4, ARRAY['tumor detection in chest scans', 'radiology triage of x-ray images', 'flags scans for a second reading']),
 (9, 'maint', 'maint', 'manufacturing', 'anomaly-detection', 6, ARRAY['predictive maintenance from vibration sensors', 'anomaly detection on assembly line telemetry', 'bearing failure before it happens']),
 (10, 'claims', 'insurance', 'insurance', 'regression', 5, ARRAY['claims cost estimation at first notice of loss', 'severity of motor insurance claims', 'reserving for open claims']),
 (11, 'aml', 'aml', 'anti-money-laundering', 'anomaly-detection', 4, ARRAY['money laundering alerts on wire transfers', 'suspicious activity reports triage', 'structuring patterns across accounts']),
 (12, 'asr', 'speech', 'audio', 'speech-recognition', 3, ARRAY['speech recognition for call center audio', 'transcribes customer calls', 'keyword spotting in voice commands']),
 (13, 'pricing', 'pricing', 'travel', 'regression', 4, ARRAY['dynamic pricing of hotel rooms', 'price elasticity per route', 'fare prediction for flights']),
 (14, 'rank', 'search', 'search', 'ranking', 4, ARRAY['search ranking of query results', 'learning to rank with click logs', 'query understanding and spelling']),
 (15, 'ads', 'ads', 'marketing', 'classification', 4, ARRAY['conversion prediction for ad campaigns', 'bid optimization for display ads', 'audience lookalike modeling']),
 (16, 'ops', 'ops', 'it-operations', 'anomaly-detection', 2, ARRAY['incident detection from service metrics', 'log anomaly detection', 'capacity planning of clusters']),
 (17, 'intrusion', 'security', 'security', 'classification', 2, ARRAY['intrusion detection on network flows', 'phishing email classification', 'malware family detection']),
 (18, 'eta', 'logistics', 'logistics', 'regression', 3, ARRAY['delivery time estimation per parcel', 'route optimization for couriers', 'eta prediction for shipments']),
 (19, 'wind', 'energy', 'energy', 'forecasting', 2, ARRAY['wind power forecasting per turbine', 'solar output prediction', 'grid balancing forecasts']),
 (20, 'hiring', 'hr', 'hr', 'ranking', 1, ARRAY['candidate screening for open roles', 'attrition risk of employees', 'skills matching for internal mobility']);
-- a topic per model, by weight
CREATE TABLE sb.topic_pick AS SELECT t.i, generate_series(1, t.weight) FROM sb.topic t;

-- ---------------------------------------------------------------- registry rows
SELECT mreg.create_project(p, 'Project ' || p) FROM (SELECT DISTINCT project AS p FROM sb.topic ORDER BY 1) x;
SET session_replication_role = replica;         -- no triggers (search_touch, foreign keys) during the bulk load
CREATE TABLE sb.lists AS SELECT
  ARRAY['xgboost','lightgbm','pytorch','tensorflow','scikit-learn','catboost','transformers','spark-ml','jax','prophet'] AS frameworks,
  ARRAY['apache-2.0','mit','proprietary','bsd-3-clause','cc-by-4.0','proprietary'] AS licenses,
  ARRAY['risk','growth','platform','vision','nlp-core','forecasting','health-ai','ops','security','pricing','search','ads'] AS teams,
  ARRAY['gdpr','soc2','hipaa','pci-dss','eu-ai-act-high-risk','fair-lending'] AS constraints,
  ARRAY['gbm','xgb','nn','lr','rf','bert','cnn','tft','ranker','ens'] AS algos,
  ARRAY['team','env','region','priority','reviewed','cost-center','data-class','owner-team'] AS tagkeys;
CREATE TABLE sb.owner AS SELECT k AS i, ('owner' || k)::name AS o FROM generate_series(1, 40) k;

INSERT INTO mreg.experiment (id, project_id, name)
SELECT p.id * 10 + k, p.id, 'exp-' || k FROM mreg.project p, generate_series(0, 4) k;
INSERT INTO mreg.dataset (id, project_id, name, description, domain)
SELECT p.id * 100 + k, p.id, p.name || '-data-' || k, 'Dataset ' || k || ' of ' || p.name,
       (ARRAY['finance','retail','telecom','energy','healthcare','marketing'])[1 + (p.id + k) % 6]
  FROM mreg.project p, generate_series(0, 19) k;
INSERT INTO mreg.dataset_version (id, project_id, dataset_id, version, uri)
SELECT d.id, d.project_id, d.id, 'v1', 's3://data/' || d.name || '/v1' FROM mreg.dataset d;
INSERT INTO mreg.feature (id, project_id, name, dtype)
SELECT p.id * 100 + k, p.id, (ARRAY['amount','age','tenure','txn_count','avg_basket','days_since','clicks','sessions','region_code','device'])[1 + k % 10] || '_' || k,
       'float8'
  FROM mreg.project p, generate_series(0, 49) k;

-- models: N/10, a topic each (its project, domain, task)
CREATE TABLE sb.m AS
SELECT j AS id, tp.i AS topic FROM generate_series(1, greatest(current_setting('bench.n')::int / 10, 1)) j
  CROSS JOIN LATERAL (SELECT i FROM sb.topic_pick WHERE j > 0 ORDER BY random() LIMIT 1) tp;
INSERT INTO mreg.model (id, project_id, name, description, domain, task, framework, license, owner, team, constraints, created_at)
SELECT m.id, p.id, t.slug || '-' || l.algos[1 + m.id % 10] || '-' || m.id,
       t.phrases[1 + m.id % 3] || '. '
       || (SELECT string_agg(s.t, '. ') FROM (SELECT 1 + floor(random() * 30000)::int AS si FROM generate_series(1, 6 + m.id % 9) k OFFSET 0) x
           JOIN sb.sentence s ON s.i = x.si)
       || '. ' || t.phrases[1 + (m.id + 1) % 3] || '.',
       t.domain, t.task, l.frameworks[1 + floor(random() * 10)::int], l.licenses[1 + floor(random() * 6)::int],
       (SELECT o FROM sb.owner WHERE i = 1 + (m.id * 7) % 40), l.teams[1 + (t.i + m.id % 2) % 12],
       (SELECT coalesce(array_agg(DISTINCT l.constraints[1 + (m.id + c * 3) % 6]), '{}') FROM generate_series(1, m.id % 3) c),
       now() - interval '3 years' + (m.id::float8 / (current_setting('bench.n')::int / 10)) * interval '3 years'
  FROM sb.m m JOIN sb.topic t ON t.i = m.topic JOIN mreg.project p ON p.name = t.project CROSS JOIN sb.lists l;

-- one run and one version per i; version i of model 1 + (i-1) % M
CREATE TABLE sb.v AS
SELECT i, 1 + (i - 1) % (current_setting('bench.n')::int / 10) AS model_id, (i - 1) / (current_setting('bench.n')::int / 10) AS minor,
       random() AS r_stage, 0.62 + 0.36 * random() AS quality, random() AS r
  FROM generate_series(1, current_setting('bench.n')::int) i;
INSERT INTO mreg.run (id, project_id, experiment_id, params, status, started_at, ended_at, notes, created_at)
SELECT v.i, m.project_id, m.project_id * 10 + v.i % 5, jsonb_build_object('lr', 0.01 * (1 + v.i % 10)), 'finished',
       t0, t0 + (10 + (v.i % 500)) * interval '1 minute',
       (SELECT string_agg(s.t, '. ') FROM (SELECT 1 + floor(random() * 30000)::int AS si FROM generate_series(1, 8 + v.i % 12) k OFFSET 0) x
         JOIN sb.sentence s ON s.i = x.si)
       || CASE WHEN v.i % 2 = 0 THEN '. ' || t.phrases[1 + v.i % 3] ELSE '' END
       || CASE WHEN v.i % 20011 = 7 THEN '. Spotted a quokka in the validation images' ELSE '' END || '.',
       t0
  FROM sb.v v JOIN mreg.model m ON m.id = v.model_id JOIN sb.m sm ON sm.id = m.id JOIN sb.topic t ON t.i = sm.topic
  CROSS JOIN LATERAL (SELECT m.created_at + v.minor * interval '20 days' AS t0) x;
INSERT INTO mreg.model_version (id, project_id, model_id, version, run_id, status, created_at, status_changed_at)
SELECT v.i, m.project_id, m.id, format('1.%s.0', v.minor)::mreg.semver, v.i,
       CASE WHEN v.r_stage < 0.45 THEN 'registered' WHEN v.r_stage < 0.80 THEN 'archived' WHEN v.r_stage < 0.88 THEN 'staging'
            WHEN v.r_stage < 0.92 THEN 'production' WHEN v.r_stage < 0.97 THEN 'draft' ELSE 'retired' END,
       m.created_at + v.minor * interval '20 days' + interval '2 hours', m.created_at + v.minor * interval '20 days' + interval '2 hours'
  FROM sb.v v JOIN mreg.model m ON m.id = v.model_id;
-- 0-5 tags per version (distinct keys)
INSERT INTO mreg.tag (project_id, node, key, value)
SELECT mv.project_id, mreg_internal.version_node(p.name, m.name, mv.version), l.tagkeys[1 + (v.i + k) % 8],
       CASE l.tagkeys[1 + (v.i + k) % 8]
            WHEN 'team' THEN l.teams[1 + (v.i / 3) % 12] WHEN 'env' THEN (ARRAY['prod','staging','dev'])[1 + v.i % 3]
            WHEN 'region' THEN (ARRAY['eu','us','apac','latam'])[1 + (v.i / 7) % 4] WHEN 'priority' THEN (ARRAY['p0','p1','p2'])[1 + v.i % 3]
            WHEN 'reviewed' THEN (ARRAY['yes','no'])[1 + v.i % 2] WHEN 'cost-center' THEN 'cc-' || (v.i % 50)
            WHEN 'data-class' THEN (ARRAY['public','internal','confidential','restricted'])[1 + v.i % 4]
            ELSE l.teams[1 + (v.i / 5) % 12] END
  FROM sb.v v JOIN mreg.model_version mv ON mv.id = v.i JOIN mreg.model m ON m.id = mv.model_id JOIN mreg.project p ON p.id = mv.project_id
 CROSS JOIN sb.lists l CROSS JOIN LATERAL generate_series(1, floor(v.r * 6)::int) k;
-- 1-5 metric x slice pairs per version, each evaluated 1 to EVAL_ROUNDS
-- times (a history: earlier rounds a little worse; the latest, which
-- thresholds read, last)
INSERT INTO mreg.evaluation (project_id, model_version_id, slice, metric, value, evaluated_at)
SELECT mv.project_id, mv.id, ms.slice, ms.metric,
       least(0.999, greatest(0.3, v.quality + ms.off + 0.04 * (random() - 0.5) - 0.01 * (rounds.n - h))),
       mv.created_at + k * interval '1 hour' + h * interval '1 minute'
  FROM sb.v v JOIN mreg.model_version mv ON mv.id = v.i
 CROSS JOIN LATERAL generate_series(1, 1 + (v.i * 13) % 5) k
 CROSS JOIN LATERAL (SELECT 1 + (v.i + k) % current_setting('bench.eval_rounds')::int AS n) rounds
 CROSS JOIN LATERAL generate_series(1, rounds.n) h
 CROSS JOIN LATERAL (SELECT (ARRAY['accuracy','auc','recall','f1','accuracy','auc','recall','f1'])[1 + (v.i + k) % 8] AS metric,
                            CASE WHEN (v.i + k) % 8 < 4 THEN 'all' ELSE 'eu' END AS slice,
                            (ARRAY[0.0, 0.03, -0.08, -0.05, -0.03, 0.0, -0.12, -0.09])[1 + (v.i + k) % 8] AS off) ms;
-- features (3-8) and datasets (1-2) of each run
INSERT INTO mreg.run_feature (project_id, run_id, feature_id, importance)
SELECT r.project_id, r.id, r.project_id * 100 + (r.id * 7 + k * 11) % 50, round((random() / k)::numeric, 4)
  FROM mreg.run r CROSS JOIN LATERAL generate_series(1, 3 + r.id % 6) k;
INSERT INTO mreg.run_dataset (project_id, run_id, dataset_version_id, role)
SELECT r.project_id, r.id, r.project_id * 100 + (r.id * 3 + k * 7) % 20, CASE k WHEN 1 THEN 'training' ELSE 'validation' END
  FROM mreg.run r CROSS JOIN LATERAL generate_series(1, 1 + r.id % 2) k;
RESET session_replication_role;
\timing off
SELECT format('loaded: %s projects, %s models, %s versions, %s tags, %s evaluations, %s run features, %s run datasets; %s words of run notes on average, %s of model descriptions',
              (SELECT count(*) FROM mreg.project), (SELECT count(*) FROM mreg.model), (SELECT count(*) FROM mreg.model_version),
              (SELECT count(*) FROM mreg.tag), (SELECT count(*) FROM mreg.evaluation), (SELECT count(*) FROM mreg.run_feature),
              (SELECT count(*) FROM mreg.run_dataset),
              (SELECT round(avg(array_length(regexp_split_to_array(notes, '\s+'), 1))) FROM (SELECT notes FROM mreg.run WHERE id % 100 = 0) x),
              (SELECT round(avg(array_length(regexp_split_to_array(description, '\s+'), 1))) FROM (SELECT description FROM mreg.model WHERE id % 10 = 0) x));
VACUUM ANALYZE;

-- ---------------------------------------------------------------- 2. the search index
SELECT clock_timestamp() AS t0 \gset
SELECT mreg.reindex_search() AS docs \gset
SELECT format('index build: mreg.reindex_search() %s documents in %s s', :docs,
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1));
VACUUM ANALYZE mreg.search_doc;
VACUUM ANALYZE mreg.search_metric;
SELECT format('size: %-32s table %8s  total %8s', c, pg_size_pretty(pg_relation_size(c)), pg_size_pretty(pg_total_relation_size(c)))
  FROM unnest(ARRAY['mreg.search_doc', 'mreg.search_metric']::regclass[]) c;
SELECT format('size: %-32s %8s', i.indexrelid::regclass, pg_size_pretty(pg_relation_size(i.indexrelid)))
  FROM pg_index i WHERE i.indrelid IN ('mreg.search_doc'::regclass, 'mreg.search_metric'::regclass) ORDER BY 1::text;

-- ---------------------------------------------------------------- 3. the MLflow peer (its SQL store's tables)
CREATE SCHEMA mlflow;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE mlflow.registered_models (name varchar(256) PRIMARY KEY, creation_time bigint, last_updated_time bigint, description varchar(5000));
CREATE TABLE mlflow.registered_model_tags (key varchar(250), value varchar(5000), name varchar(256), PRIMARY KEY (key, name));
CREATE TABLE mlflow.model_versions (name varchar(256), version int, creation_time bigint, last_updated_time bigint, description varchar(5000),
    user_id varchar(256), current_stage varchar(20), source varchar(500), run_id varchar(32), status varchar(20), status_message varchar(500),
    run_link varchar(500), storage_location varchar(500), PRIMARY KEY (name, version));
CREATE TABLE mlflow.model_version_tags (key varchar(250), value varchar(5000), name varchar(256), version int, PRIMARY KEY (key, name, version));
CREATE TABLE mlflow.tags (key varchar(250), value varchar(8000), run_uuid varchar(32), PRIMARY KEY (key, run_uuid));
CREATE TABLE mlflow.metrics (key varchar(250), value float8, timestamp bigint, run_uuid varchar(32), step bigint DEFAULT 0, is_nan boolean DEFAULT false,
    PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
CREATE TABLE mlflow.latest_metrics (key varchar(250), value float8, timestamp bigint, step bigint, is_nan boolean, run_uuid varchar(32), PRIMARY KEY (key, run_uuid));
INSERT INTO mlflow.registered_models
SELECT m.name, (extract(epoch FROM m.created_at) * 1000)::bigint, (extract(epoch FROM m.created_at) * 1000)::bigint, left(m.description, 5000) FROM mreg.model m;
INSERT INTO mlflow.registered_model_tags
SELECT x.key, x.value, m.name FROM mreg.model m JOIN mreg.project p ON p.id = m.project_id
 CROSS JOIN LATERAL (VALUES ('project', p.name), ('domain', m.domain), ('task', m.task), ('framework', m.framework), ('license', m.license),
                            ('owner', m.owner::text), ('team', m.team)) x(key, value)
 WHERE x.value IS NOT NULL
UNION ALL
SELECT 'constraint.' || c, 'true', m.name FROM mreg.model m CROSS JOIN LATERAL unnest(m.constraints) c;
INSERT INTO mlflow.model_versions
SELECT m.name, mv.id, (extract(epoch FROM mv.created_at) * 1000)::bigint, (extract(epoch FROM mv.status_changed_at) * 1000)::bigint, NULL,
       m.owner, mv.status, 's3://models/' || mv.id, md5(mv.run_id::text), 'READY', NULL, NULL, NULL
  FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id;
INSERT INTO mlflow.model_version_tags
SELECT t.key, t.value, m.name, mv.id
  FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id JOIN mreg.project p ON p.id = mv.project_id
  JOIN mreg.tag t ON t.node = mreg_internal.version_node(p.name, m.name, mv.version);
INSERT INTO mlflow.tags SELECT 'mlflow.note.content', left(r.notes, 8000), md5(r.id::text) FROM mreg.run r WHERE r.notes IS NOT NULL;
INSERT INTO mlflow.metrics
SELECT lower(e.metric) || CASE WHEN e.slice = 'all' THEN '' ELSE '/' || e.slice END, e.value, (extract(epoch FROM e.evaluated_at) * 1000)::bigint,
       md5(mv.run_id::text), 0, false
  FROM mreg.evaluation e JOIN mreg.model_version mv ON mv.id = e.model_version_id;
INSERT INTO mlflow.latest_metrics
SELECT DISTINCT ON (key, run_uuid) key, value, timestamp, step, is_nan, run_uuid FROM mlflow.metrics ORDER BY key, run_uuid, timestamp DESC, step DESC;
VACUUM ANALYZE mlflow.registered_models, mlflow.registered_model_tags, mlflow.model_versions, mlflow.model_version_tags, mlflow.tags, mlflow.metrics, mlflow.latest_metrics;
SELECT format('mlflow peer built in %s s; %s', round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1),
              (SELECT string_agg(c::text || ' ' || pg_size_pretty(pg_total_relation_size(c)), ', ')
                 FROM unnest(ARRAY['mlflow.model_versions', 'mlflow.registered_models', 'mlflow.tags', 'mlflow.model_version_tags', 'mlflow.latest_metrics']::regclass[]) c));

-- ---------------------------------------------------------------- 4. the questions
-- q: the mreg query; w: the MLflow WHERE over mv (model_versions) and rm (registered_models)
CREATE FUNCTION sb.txt(w text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('(mv.name ILIKE %1$L OR rm.description ILIKE %1$L OR EXISTS (SELECT 1 FROM mlflow.tags rt WHERE rt.run_uuid = mv.run_id AND rt.key = ''mlflow.note.content'' AND rt.value ILIKE %1$L))', '%' || w || '%');
CREATE FUNCTION sb.rmtag(k text, v text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('EXISTS (SELECT 1 FROM mlflow.registered_model_tags t WHERE t.name = mv.name AND t.key = %L AND t.value ILIKE %L)', k, v);
CREATE FUNCTION sb.mvtag(k text, v text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('EXISTS (SELECT 1 FROM mlflow.model_version_tags t WHERE t.name = mv.name AND t.version = mv.version AND t.key = %L AND t.value ILIKE %L)', k, v);
CREATE FUNCTION sb.metric(k text, op text, v float8) RETURNS text LANGUAGE sql IMMUTABLE
RETURN format('EXISTS (SELECT 1 FROM mlflow.latest_metrics lm WHERE lm.run_uuid = mv.run_id AND lm.key = %L AND lm.value %s %s)', k, op, v);
SELECT name AS model_name FROM mreg.model WHERE id = greatest(1, current_setting('bench.n')::int / 20) \gset
SELECT o AS an_owner FROM sb.owner WHERE i = 8 \gset
CREATE TABLE sb.question (id int PRIMARY KEY, label text, q text, w text);
INSERT INTO sb.question VALUES
 (1,  'words + field',            'fraud detection domain:finance', sb.txt('fraud') || ' AND ' || sb.txt('detection') || ' AND ' || sb.rmtag('domain', 'finance')),
 (2,  'phrase + threshold',       '"credit scoring" accuracy>=0.9', sb.txt('credit scoring') || ' AND ' || sb.metric('accuracy', '>=', 0.9)),
 (3,  'tag + stage',              'tag:team=risk stage:production', sb.mvtag('team', 'risk') || ' AND mv.current_stage = ''production'''),
 (4,  'threshold on slice + task', 'recall>=0.8 slice:eu task:classification', sb.metric('recall/eu', '>=', 0.8) || ' AND ' || sb.rmtag('task', 'classification')),
 (5,  'exclusion + word',         '-stage:archived churn', 'mv.current_stage <> ''archived'' AND ' || sb.txt('churn')),
 (6,  'rare word',                'quokka', sb.txt('quokka')),
 (7,  'common word',              'model', sb.txt('model')),
 (8,  'model name',               :'model_name', sb.txt(:'model_name')),
 (9,  'field only (large)',       'domain:finance', sb.rmtag('domain', 'finance')),
 (10, 'stage only',               'stage:production', 'mv.current_stage = ''production'''),
 (11, 'framework + threshold',    'framework:xgboost accuracy>=0.95', sb.rmtag('framework', 'xgboost') || ' AND ' || sb.metric('accuracy', '>=', 0.95)),
 (12, 'threshold only',           'auc>=0.97', sb.metric('auc', '>=', 0.97)),
 (13, 'phrase + stage',           '"customer churn" stage:staging', sb.txt('customer churn') || ' AND mv.current_stage = ''staging'''),
 (14, 'words + task',             'demand forecasting task:forecasting', sb.txt('demand') || ' AND ' || sb.txt('forecasting') || ' AND ' || sb.rmtag('task', 'forecasting')),
 (15, 'tag + license',            'tag:region=eu license:apache-2.0', sb.mvtag('region', 'eu') || ' AND ' || sb.rmtag('license', 'apache-2.0')),
 (16, 'owner + stage',            'owner:' || :'an_owner' || ' stage:production', sb.rmtag('owner', :'an_owner') || ' AND mv.current_stage = ''production'''),
 (17, 'team + threshold',         'team:risk f1>=0.85', sb.rmtag('team', 'risk') || ' AND ' || sb.metric('f1', '>=', 0.85)),
 (18, 'project + word',           'project:fraud chargeback', sb.rmtag('project', 'fraud') || ' AND ' || sb.txt('chargeback')),
 (19, 'two words',                'tumor scans', sb.txt('tumor') || ' AND ' || sb.txt('scans')),
 (20, 'everything (empty query)', '', 'true');
CREATE FUNCTION sb.eav_page(w text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN 'SELECT mv.name, mv.version, mv.current_stage FROM mlflow.model_versions mv JOIN mlflow.registered_models rm ON rm.name = mv.name WHERE '
       || w || ' ORDER BY mv.last_updated_time DESC, mv.name, mv.version LIMIT 20';
CREATE FUNCTION sb.eav_facets(w text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN 'WITH m AS MATERIALIZED (SELECT mv.name, mv.current_stage FROM mlflow.model_versions mv JOIN mlflow.registered_models rm ON rm.name = mv.name WHERE '
       || w || ') SELECT ''stage'' AS facet, m.current_stage AS value, count(*) FROM m GROUP BY 2
          UNION ALL SELECT t.key, t.value, count(*) FROM m JOIN mlflow.registered_model_tags t ON t.name = m.name
           WHERE t.key IN (''domain'', ''task'', ''framework'', ''license'', ''owner'', ''project'', ''team'') OR t.key LIKE ''constraint.%'' GROUP BY 1, 2';
CREATE FUNCTION sb.eav_count(w text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM mlflow.model_versions mv JOIN mlflow.registered_models rm ON rm.name = mv.name WHERE ' || w INTO n;
    RETURN n;
END $$;
CREATE TABLE sb.timing (who text, qid int, variant text, rep int, run int, ms float8);
GRANT USAGE ON SCHEMA sb, mlflow TO mreg_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA sb, mlflow TO mreg_reader;
GRANT INSERT ON sb.timing TO mreg_reader;
-- the bench procedure: each rep, each question: 2 warm-up calls, then runs of search, facets, and (fewer) of the EAV SQL
CREATE PROCEDURE sb.measure(who text, reps int, runs int, eav_runs int) LANGUAGE plpgsql AS $$
DECLARE
    q record; t timestamptz; n bigint;
BEGIN
    FOR rep IN 1 .. reps LOOP
        FOR q IN SELECT * FROM sb.question ORDER BY id LOOP
            PERFORM count(*) FROM mreg.search(q.q); PERFORM count(*) FROM mreg.search_facets(q.q);
            IF eav_runs > 0 THEN
                EXECUTE 'SELECT count(*) FROM (' || sb.eav_page(q.w) || ') x' INTO n;
            END IF;
            FOR run IN 1 .. runs LOOP
                t := clock_timestamp();
                PERFORM count(*) FROM mreg.search(q.q);
                INSERT INTO sb.timing VALUES (who, q.id, 'search', rep, run, extract(epoch FROM clock_timestamp() - t) * 1000);
                t := clock_timestamp();
                PERFORM count(*) FROM mreg.search_facets(q.q);
                INSERT INTO sb.timing VALUES (who, q.id, 'facets', rep, run, extract(epoch FROM clock_timestamp() - t) * 1000);
                IF run <= eav_runs THEN
                    t := clock_timestamp();
                    EXECUTE 'SELECT count(*) FROM (' || sb.eav_page(q.w) || ') x' INTO n;
                    INSERT INTO sb.timing VALUES (who, q.id, 'eav_page', rep, run, extract(epoch FROM clock_timestamp() - t) * 1000);
                    t := clock_timestamp();
                    EXECUTE 'SELECT count(*) FROM (' || sb.eav_facets(q.w) || ') x' INTO n;
                    INSERT INTO sb.timing VALUES (who, q.id, 'eav_facets', rep, run, extract(epoch FROM clock_timestamp() - t) * 1000);
                END IF;
            END LOOP;
            COMMIT;
        END LOOP;
    END LOOP;
END
$$;
GRANT EXECUTE ON PROCEDURE sb.measure(text, int, int, int) TO mreg_reader;
SELECT count(mreg.grant_access(p.name, 'sb_search_reader', 'read')) AS grants FROM mreg.project p;
SQL

# ------------------------------------------------------------------ 5. timing
echo "search bench: timing as $READER (row-level security), $REPS reps x $RUNS runs (EAV $EAVRUNS runs)" >&2
psql -X -q -At -v ON_ERROR_STOP=1 -U $READER -d $DB -c "CALL sb.measure('reader', $REPS, $RUNS, $EAVRUNS)"
echo "search bench: timing as superuser (mreg only), $SUREPS reps x $RUNS runs" >&2
psql -X -q -At -v ON_ERROR_STOP=1 -d $DB -c "CALL sb.measure('superuser', $SUREPS, $RUNS, 0)"

# ------------------------------------------------------------------ 6. report
psql -X -q -At -v ON_ERROR_STOP=1 -d $DB <<'SQL'
CREATE TEMP VIEW per_rep AS
SELECT who, qid, variant, rep, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
  FROM sb.timing GROUP BY 1, 2, 3, 4;
CREATE TEMP VIEW med AS
SELECT who, qid, variant, percentile_cont(0.5) WITHIN GROUP (ORDER BY p50) AS p50, percentile_cont(0.5) WITHIN GROUP (ORDER BY p95) AS p95
  FROM per_rep GROUP BY 1, 2, 3;
SELECT format('versions %s; results per question: mreg hits (search_count as reader) / EAV hits', (SELECT count(*) FROM mreg.model_version));
\echo
\echo '| # | question | mreg hits | EAV hits | search p50 / p95 ms | facets p50 / p95 ms | EAV page p50 ms | EAV facets p50 ms | page EAV/mreg | facets EAV/mreg | superuser search / facets p95 ms |'
\echo '|---|---|---|---|---|---|---|---|---|---|---|'
SET ROLE sb_search_reader;
CREATE TEMP TABLE hits AS SELECT q.id, mreg.search_count(q.q) AS mreg_hits FROM sb.question q;
RESET ROLE;
SELECT format('| %s | `%s` | %s | %s | %s / %s | %s / %s | %s | %s | %s x | %s x | %s / %s |',
              q.id, q.q, h.mreg_hits,
              sb.eav_count(q.w),
              round(s.p50::numeric, 1), round(s.p95::numeric, 1), round(f.p50::numeric, 1), round(f.p95::numeric, 1),
              round(ep.p50::numeric, 1), round(ef.p50::numeric, 1),
              round((ep.p50 / s.p50)::numeric, 1), round((ef.p50 / f.p50)::numeric, 1),
              round(ss.p95::numeric, 1), round(sf.p95::numeric, 1))
  FROM sb.question q JOIN hits h ON h.id = q.id
  JOIN med s ON s.qid = q.id AND s.who = 'reader' AND s.variant = 'search'
  JOIN med f ON f.qid = q.id AND f.who = 'reader' AND f.variant = 'facets'
  JOIN med ep ON ep.qid = q.id AND ep.who = 'reader' AND ep.variant = 'eav_page'
  JOIN med ef ON ef.qid = q.id AND ef.who = 'reader' AND ef.variant = 'eav_facets'
  JOIN med ss ON ss.qid = q.id AND ss.who = 'superuser' AND ss.variant = 'search'
  JOIN med sf ON sf.qid = q.id AND sf.who = 'superuser' AND sf.variant = 'facets'
 ORDER BY q.id;
SELECT format('reader: search p95 <= 10 ms on %s of %s questions, facets on %s; page EAV/mreg >= 50x on %s, facets >= 50x on %s; median ratio page %s x, facets %s x',
              count(*) FILTER (WHERE s.p95 <= 10), count(*), count(*) FILTER (WHERE f.p95 <= 10),
              count(*) FILTER (WHERE ep.p50 / s.p50 >= 50), count(*) FILTER (WHERE ef.p50 / f.p50 >= 50),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ep.p50 / s.p50)::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ef.p50 / f.p50)::numeric, 1))
  FROM med s JOIN med f ON f.qid = s.qid AND f.who = 'reader' AND f.variant = 'facets'
  JOIN med ep ON ep.qid = s.qid AND ep.who = 'reader' AND ep.variant = 'eav_page'
  JOIN med ef ON ef.qid = s.qid AND ef.who = 'reader' AND ef.variant = 'eav_facets'
 WHERE s.who = 'reader' AND s.variant = 'search';
-- suggest() as the reader: p50 / p95 of 20 calls per term (after 2 warm-up calls)
SET ROLE sb_search_reader;
CREATE TEMP TABLE st (term text, ms float8);
DO $$
DECLARE t timestamptz; w text;
BEGIN
    FOREACH w IN ARRAY ARRAY['fraud-gbn-10', 'churnn', 'amount_3', 'finanse', 'tean'] LOOP
        PERFORM count(*) FROM mreg.suggest(w); PERFORM count(*) FROM mreg.suggest(w);
        FOR i IN 1 .. 20 LOOP
            t := clock_timestamp();
            PERFORM count(*) FROM mreg.suggest(w);
            INSERT INTO st VALUES (w, extract(epoch FROM clock_timestamp() - t) * 1000);
        END LOOP;
    END LOOP;
END
$$;
RESET ROLE;
SELECT format('suggest(%L) as reader: p50 %s ms, p95 %s ms; best: %s', term,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 1),
              (SELECT string_agg(s.suggestion, ', ') FROM (SELECT suggestion FROM mreg.suggest(term) LIMIT 3) s))
  FROM st GROUP BY term ORDER BY term;

-- RUM (optional, measured only when postgresql-15-rum is installed): the same documents in a
-- RUM index, as the superuser (RUM's own operators, no row-level security): ordered top 20 and
-- a phrase, against mreg's GIN
SELECT count(*) > 0 AS has_rum FROM pg_available_extensions WHERE name = 'rum' \gset
\if :has_rum
CREATE EXTENSION IF NOT EXISTS rum;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE sb.rumdoc AS SELECT model_version_id, document FROM mreg.search_doc;
CREATE INDEX rumdoc_idx ON sb.rumdoc USING rum (document rum_tsvector_ops);
VACUUM ANALYZE sb.rumdoc;
SELECT format('rum: index built in %s s, %s (mreg''s document GIN: %s)',
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1),
              pg_size_pretty(pg_relation_size('sb.rumdoc_idx')), pg_size_pretty(pg_relation_size('mreg.search_doc_document_idx')));
CREATE TEMP TABLE rt (what text, ms float8);
DO $$
DECLARE t timestamptz; q tsquery;
BEGIN
    SET LOCAL enable_seqscan = off;
    FOREACH q IN ARRAY ARRAY['model'::tsquery, 'fraud & detect'::tsquery, 'tumor & scan'::tsquery] LOOP
        FOR i IN 1 .. 7 LOOP
            t := clock_timestamp();
            PERFORM count(*) FROM (SELECT model_version_id FROM sb.rumdoc WHERE document @@ q ORDER BY document <=> q LIMIT 20) x;
            INSERT INTO rt VALUES ('rum top 20 by <=> of ' || q::text, extract(epoch FROM clock_timestamp() - t) * 1000);
        END LOOP;
    END LOOP;
    FOR i IN 1 .. 7 LOOP
        t := clock_timestamp();
        PERFORM count(*) FROM sb.rumdoc WHERE document @@ 'credit <-> score'::tsquery;
        INSERT INTO rt VALUES ('rum count of the phrase credit <-> score', extract(epoch FROM clock_timestamp() - t) * 1000);
        t := clock_timestamp();
        PERFORM count(*) FROM mreg.search_doc WHERE document OPERATOR(mreg.@@) 'credit <-> score'::tsquery;
        INSERT INTO rt VALUES ('gin count of the phrase credit <-> score', extract(epoch FROM clock_timestamp() - t) * 1000);
    END LOOP;
END
$$;
SELECT format('%s: median %s ms', what, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1)) FROM rt GROUP BY what ORDER BY what;
\endif

-- the plans of the worst search and the worst facets question (as the reader), via auto_explain
SELECT q.q AS worst_search, m.p95 AS worst_search_p95 FROM med m JOIN sb.question q ON q.id = m.qid
 WHERE m.who = 'reader' AND m.variant = 'search' ORDER BY m.p95 DESC LIMIT 1 \gset
SELECT q.q AS worst_facets, m.p95 AS worst_facets_p95 FROM med m JOIN sb.question q ON q.id = m.qid
 WHERE m.who = 'reader' AND m.variant = 'facets' ORDER BY m.p95 DESC LIMIT 1 \gset
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 3;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET ROLE sb_search_reader;
SET client_min_messages = notice;
\echo
\echo worst search (p95 :worst_search_p95 ms): :worst_search
SELECT count(*) FROM mreg.search(:'worst_search');
\echo
\echo worst facets (p95 :worst_facets_p95 ms): :worst_facets
SELECT count(*) FROM mreg.search_facets(:'worst_facets');
SQL
