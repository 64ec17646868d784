-- Registry core: the seeded vocabularies (src/sql/34_vocabulary_seed*.sql).
-- Every category is broad enough for a first registration, the rows follow
-- the seed conventions (seeded, by 'mreg', at the release date, global),
-- terms have the stored format, and every synonym leads to a term of its
-- category without shadowing one.
BEGIN;
SELECT plan(22);

-- ---------------------------------------------------------------- size
SELECT is_empty($$
    SELECT c.category, c.minimum, count(v.id)
      FROM (VALUES ('domain', 60), ('task', 60), ('framework', 60), ('license', 50),
                   ('constraint', 40), ('metric', 40), ('usage_rights', 12)) AS c(category, minimum)
      LEFT JOIN mreg.vocabulary v ON v.category = c.category AND v.seeded
     GROUP BY c.category, c.minimum
    HAVING count(v.id) < c.minimum$$,
    'every category has at least its minimum number of seeded terms');
SELECT set_eq($$SELECT DISTINCT category FROM mreg.vocabulary WHERE seeded$$,
              ARRAY['domain', 'task', 'framework', 'license', 'constraint', 'metric', 'usage_rights'],
              'the seed covers every category and no other');

-- the terms a real team's first register_model needed
SELECT set_eq($$SELECT category || ':' || term FROM mreg.vocabulary
                 WHERE seeded AND (category, term) IN (('domain', 'telecom'), ('domain', 'insurance'),
                       ('domain', 'public-sector'), ('task', 'speech-recognition'),
                       ('framework', 'spacy'), ('license', 'agpl-3.0'))$$,
              ARRAY['domain:telecom', 'domain:insurance', 'domain:public-sector', 'task:speech-recognition',
                    'framework:spacy', 'license:agpl-3.0'],
              'telecom, insurance, public-sector, speech-recognition, spacy and agpl-3.0 are seeded');

-- the terms of the first seed stay (code, tests and teams' data use them)
SELECT is_empty($$
    SELECT t FROM unnest(ARRAY[
        'domain:finance', 'domain:fraud', 'domain:healthcare', 'domain:retail', 'domain:marketing', 'domain:customer',
        'domain:manufacturing', 'domain:logistics', 'domain:energy', 'domain:security',
        'domain:natural-language-processing', 'domain:computer-vision', 'domain:recommendation', 'domain:general',
        'task:classification', 'task:binary-classification', 'task:multiclass-classification', 'task:regression',
        'task:forecasting', 'task:ranking', 'task:clustering', 'task:anomaly-detection', 'task:object-detection',
        'task:image-classification', 'task:segmentation', 'task:text-classification', 'task:named-entity-recognition',
        'task:summarization', 'task:translation', 'task:text-generation', 'task:embedding', 'task:recommendation',
        'framework:scikit-learn', 'framework:xgboost', 'framework:lightgbm', 'framework:catboost', 'framework:pytorch',
        'framework:tensorflow', 'framework:jax', 'framework:onnx', 'framework:transformers', 'framework:spark-ml',
        'framework:statsmodels', 'framework:prophet', 'framework:r', 'framework:other',
        'license:apache-2.0', 'license:mit', 'license:bsd-3-clause', 'license:gpl-3.0', 'license:cc-by-4.0',
        'license:cc-by-sa-4.0', 'license:cc-by-nc-4.0', 'license:cc0-1.0', 'license:openrail', 'license:llama3',
        'license:proprietary',
        'constraint:gdpr', 'constraint:ccpa', 'constraint:hipaa', 'constraint:pci-dss', 'constraint:sox',
        'constraint:eu-ai-act-high-risk', 'constraint:fair-lending', 'constraint:sr-11-7',
        'constraint:explainability-required',
        'usage_rights:unrestricted', 'usage_rights:commercial', 'usage_rights:internal-training',
        'usage_rights:research-only', 'usage_rights:no-training', 'usage_rights:consented',
        'metric:accuracy', 'metric:precision', 'metric:recall', 'metric:f1', 'metric:auc', 'metric:log_loss',
        'metric:rmse', 'metric:mae', 'metric:mape', 'metric:r2', 'metric:ndcg', 'metric:bleu', 'metric:rouge_l',
        'metric:latency_ms']) AS t
    EXCEPT
    SELECT category || ':' || term FROM mreg.vocabulary WHERE seeded$$,
    'every term of the first seed is still seeded');
SELECT is_empty($$
    SELECT s FROM unnest(ARRAY[
        'domain:nlp', 'domain:natural language processing', 'domain:text', 'domain:cv', 'domain:vision',
        'domain:computer vision', 'domain:fintech', 'domain:health', 'domain:medical', 'domain:recsys',
        'domain:anti-fraud', 'task:ner', 'task:binary classification', 'task:multiclass', 'task:outlier detection',
        'task:time series forecasting', 'task:llm', 'task:detection', 'framework:sklearn', 'framework:torch',
        'framework:keras', 'framework:tf', 'framework:huggingface', 'framework:mllib', 'license:apache 2.0',
        'license:apache', 'license:asl2', 'license:internal', 'constraint:ai act', 'constraint:phi',
        'metric:roc_auc', 'metric:f1_score', 'metric:r_squared']) AS s
    EXCEPT
    SELECT category || ':' || synonym FROM mreg.synonym WHERE seeded$$,
    'the synonyms of the first seed are still seeded (banking became a term)');

-- ---------------------------------------------------------------- conventions
SELECT is_empty($$
    SELECT category, term FROM mreg.vocabulary
     WHERE seeded AND (project_id IS NOT NULL OR created_by <> 'mreg' OR created_at <> '2026-11-30 00:00+00')$$,
    'seeded terms are global, by mreg, at the release date');
SELECT is_empty($$
    SELECT category, synonym FROM mreg.synonym
     WHERE seeded AND (created_by <> 'mreg' OR created_at <> '2026-11-30 00:00+00')$$,
    'seeded synonyms are by mreg, at the release date');
SELECT is_empty($$
    SELECT category, term FROM mreg.vocabulary
     WHERE seeded AND (description IS NULL OR btrim(description) = '' OR description <> btrim(description))$$,
    'every seeded term has a description');
SELECT is_empty($$
    SELECT category, term FROM mreg.vocabulary
     WHERE seeded AND term !~ '^[a-z0-9][a-z0-9_.+-]*$'$$,
    'seeded terms are lower case with no spaces (the stored term format)');
SELECT is_empty($$
    SELECT term FROM mreg.vocabulary WHERE seeded AND category = 'metric' AND term !~ '^[A-Za-z][A-Za-z0-9_.@-]{0,62}$'$$,
    'seeded metric terms are valid metric names for log_evaluation');
SELECT is_empty($$
    SELECT term FROM mreg.vocabulary WHERE seeded AND category = 'metric' AND term ~ '-' AND term !~ '^map50-95$'$$,
    'metric terms are snake_case (map50-95 is the one established hyphenated name)');
SELECT is_empty($$
    SELECT category, lower(description) FROM mreg.vocabulary WHERE seeded
     GROUP BY 1, 2 HAVING count(*) > 1$$,
    'no two terms of a category share a description (one term per concept)');

-- ---------------------------------------------------------------- synonyms
SELECT is_empty($$
    SELECT term, synonym FROM mreg.synonym WHERE seeded AND category IS NULL$$,
    'every seeded synonym is tied to a category');
SELECT is_empty($$
    SELECT s.category, s.synonym, s.term FROM mreg.synonym s
     WHERE NOT EXISTS (SELECT 1 FROM mreg.vocabulary v
                        WHERE v.term = s.term AND v.project_id IS NULL
                          AND (v.category = s.category OR s.category IS NULL))$$,
    'every synonym points at a global term of its category (of some category when it has none)');
SELECT is_empty($$
    SELECT s.category, s.synonym FROM mreg.synonym s
      JOIN mreg.vocabulary v ON lower(s.synonym) = v.term AND v.project_id IS NULL
                            AND (v.category = s.category OR s.category IS NULL)$$,
    'no synonym equals a term of its category (the term would always win)');
SELECT is_empty($$
    SELECT category, synonym FROM mreg.synonym
     WHERE seeded AND (synonym <> lower(btrim(synonym)) OR term <> lower(btrim(term)))$$,
    'seeded synonyms and their terms are lower case and trimmed');

-- ---------------------------------------------------------------- the write API uses it
SELECT ok(mreg.create_project('voc') > 0, 'a project');
SELECT lives_ok($$SELECT mreg.register_model('voc', 'asr', domain => 'telecom', task => 'speech-recognition',
                                             framework => 'spacy', license => 'agpl-3.0',
                                             constraints => ARRAY['gdpr', 'eu-ai-act-limited-risk'])$$,
                'register_model with the terms that used to fail');
SELECT is((SELECT row(domain, task, framework, license)::text FROM mreg.model WHERE name = 'asr'),
          row('telecom', 'speech-recognition', 'spacy', 'agpl-3.0')::text,
          'the terms are stored as given');
SELECT lives_ok($$SELECT mreg.register_model('voc', 'syn', domain => 'Telco', task => 'ASR', framework => 'hf',
                                             license => 'AGPL-3.0-only', constraints => ARRAY['CPRA', 'nyc-ll-144'])$$,
                'register_model with synonyms in any case');
SELECT is((SELECT row(domain, task, framework, license, ARRAY(SELECT unnest(constraints) ORDER BY 1))::text
             FROM mreg.model WHERE name = 'syn'),
          row('telecom', 'speech-recognition', 'transformers', 'agpl-3.0', ARRAY['ccpa', 'nyc-local-law-144'])::text,
          'synonyms map to the canonical terms (telco, asr, hf, agpl-3.0-only, cpra, nyc-ll-144)');
SELECT is((SELECT count(*) FROM mreg.vocabulary WHERE NOT seeded), 0::bigint,
          'registering with seeded terms and synonyms adds no term');

SELECT * FROM finish();
ROLLBACK;
