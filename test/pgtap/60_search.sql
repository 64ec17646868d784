-- Search (SPEC section 5): relevance, every operator, facets against plain
-- SQL, synonyms, malformed queries, injection, row-level security,
-- freshness, indexes under RLS.  Roles: created in this transaction, which
-- rolls back.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE sr60_reader LOGIN IN ROLE mreg_reader;       -- read on fraud
CREATE ROLE sr60_stranger LOGIN IN ROLE mreg_reader;     -- no grant

-- ---------------------------------------------------------------- a small registry
SELECT mreg.create_project('fraud');
SELECT mreg.create_project('vision', NULL, 'private');
SELECT mreg.grant_access('fraud', 'sr60_reader', 'read');

SELECT mreg.register_dataset_version('fraud', 'card-tx', '2024', 's3://tx/2024', domain => 'finance');
SELECT mreg.register_dataset_version('vision', 'street-photos', 'v1', 's3://img/v1');
SELECT mreg.define_feature('fraud', 'amount', 'float8');
SELECT mreg.define_feature('fraud', 'merchant_age', 'int');
SELECT mreg.log_run('fraud', 'gbm-exp', '{"lr": 0.1}', '{}', ARRAY['dataset:card-tx@2024'],
                    notes => 'Gradient boosted trees on card transactions, tuned for recall on chargebacks',
                    features => '{"amount": 0.5, "merchant_age": 0.1}',
                    started_at => '2026-03-01 10:00+00', ended_at => '2026-03-01 11:30+00') AS run_gbm \gset
SELECT mreg.register_model('fraud', 'fraud-gbm', 'Detects credit card fraud in real time', domain => 'finance',
                           task => 'classification', framework => 'xgboost', license => 'apache-2.0',
                           team => 'risk', constraints => ARRAY['gdpr']);
SELECT mreg.register_model_version('fraud', 'fraud-gbm', '1.0.0', :run_gbm) AS gbm1 \gset
SELECT mreg.register_model_version('fraud', 'fraud-gbm', '1.1.0', :run_gbm) AS gbm11 \gset
SELECT mreg.set_status('fraud', 'fraud-gbm', '1.1.0', 'production');
SELECT mreg.log_evaluation(:gbm1, 'accuracy', 0.91);
SELECT mreg.log_evaluation(:gbm11, 'accuracy', 0.95);
SELECT mreg.log_evaluation(:gbm11, 'accuracy', 0.80, slice => 'eu');
SELECT mreg.set_tag('fraud/model:fraud-gbm@1.1.0', 'owner-team', 'risk-ops');
SELECT mreg.register_model('fraud', 'rules-engine', 'Legacy hand-written rules that flag suspicious payments',
                           domain => 'finance', task => 'anomaly-detection');
SELECT mreg.register_model_version('fraud', 'rules-engine', '0.9.0') AS rules \gset
SELECT mreg.annotate('fraud/model:rules-engine', 'Scheduled for retirement once fraud-gbm is in production');
SELECT mreg.register_model('fraud', 'ticket-nlp', 'Routes support tickets by topic',
                           domain => 'natural-language-processing', task => 'text-classification');
SELECT mreg.register_model_version('fraud', 'ticket-nlp', '2.0.0') AS nlp \gset
SELECT mreg.register_model('vision', 'secret-detector', 'Finds fraud in street photos', domain => 'computer-vision');
SELECT mreg.log_run('vision', 'exp', '{}', '{}', ARRAY['dataset:street-photos@v1']) AS run_vis \gset
SELECT mreg.register_model_version('vision', 'secret-detector', '1.0.0', :run_vis) AS secret \gset

-- the versions a query finds (as a sorted set), the best one, a plan
CREATE FUNCTION pg_temp.ids(q text) RETURNS bigint[] LANGUAGE sql AS $$ SELECT array_agg(model_version_id ORDER BY model_version_id) FROM mreg.search(q, 100) $$;
CREATE FUNCTION pg_temp.ranked(q text) RETURNS bigint[] LANGUAGE sql AS $$ SELECT array_agg(model_version_id ORDER BY score DESC, model_version_id DESC) FROM mreg.search(q, 100) $$;
CREATE FUNCTION pg_temp.explain(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE r text; BEGIN FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT r; END LOOP; END $$;
CREATE FUNCTION pg_temp.first(q text) RETURNS text LANGUAGE sql AS $$ SELECT model || '@' || version FROM mreg.search(q, 1) $$;

-- ---------------------------------------------------------------- relevance (labelled)
SELECT is(pg_temp.first('fraud-gbm'), 'fraud-gbm@1.1.0', 'typing a model''s name finds it first (the production version before the older one)');
SELECT is(pg_temp.first('rules-engine'), 'rules-engine@0.9.0', 'another name finds its model first');
SELECT is(pg_temp.first('credit card fraud'), 'fraud-gbm@1.1.0', 'words of a description: the model it describes');
SELECT is(pg_temp.first('chargebacks'), 'fraud-gbm@1.1.0', 'a word of the run''s narrative finds the version it trained');
SELECT is(pg_temp.first('suspicious payments'), 'rules-engine@0.9.0', 'words of another description');
SELECT is(pg_temp.first('retirement'), 'rules-engine@0.9.0', 'a word of a note on the model');
SELECT is(pg_temp.ids('tickets'), ARRAY[:nlp]::bigint[], 'stemming: tickets finds ticket-nlp (routes support tickets)');
SELECT is(pg_temp.ids('nlp'), ARRAY[:nlp]::bigint[], 'a synonym: nlp finds the natural-language-processing domain');
SELECT is(pg_temp.ids('"natural language processing"'), ARRAY[:nlp]::bigint[], 'and the phrase of the term');
SELECT is(pg_temp.ids('"card fraud"'), ARRAY[:gbm1, :gbm11]::bigint[], 'a phrase matches words in order');
SELECT is(pg_temp.ids('"fraud card"'), NULL, 'and not out of order');
SELECT is(pg_temp.ids('"card fraud" accuracy>=0.93'), ARRAY[:gbm11]::bigint[], 'a phrase and a threshold (the phrase checked after the rest)');
SELECT is(pg_temp.ids('fraud -"hand written"'), ARRAY[:gbm1, :gbm11, :nlp, :secret]::bigint[], 'an excluded phrase');
SELECT is(pg_temp.ids('fraud -"written hand"'), ARRAY[:gbm1, :gbm11, :rules, :nlp, :secret]::bigint[], 'an excluded phrase excludes only the phrase, not its words apart');
SELECT is(pg_temp.ids('-"card fraud"'), ARRAY[:rules, :nlp, :secret]::bigint[], 'only an excluded phrase');
SELECT is(pg_temp.ids('fraud -legacy'), ARRAY[:gbm1, :gbm11, :nlp, :secret]::bigint[], 'an exclusion drops the legacy rules engine (fraud also finds the project''s name)');
SELECT is(pg_temp.ids('the'), pg_temp.ids(''), 'a stop word alone filters nothing');

-- ---------------------------------------------------------------- every operator
SELECT is(pg_temp.ids('domain:finance'), ARRAY[:gbm1, :gbm11, :rules]::bigint[], 'domain:');
SELECT is(pg_temp.ids('domain:nlp'), ARRAY[:nlp]::bigint[], 'a field value through the vocabulary''s synonyms');
SELECT is(pg_temp.ids('task:classification'), ARRAY[:gbm1, :gbm11]::bigint[], 'task:');
SELECT is(pg_temp.ids('framework:xgboost'), ARRAY[:gbm1, :gbm11]::bigint[], 'framework:');
SELECT is(pg_temp.ids('stage:production'), ARRAY[:gbm11]::bigint[], 'stage:');
SELECT is(pg_temp.ids('license:apache-2.0'), ARRAY[:gbm1, :gbm11]::bigint[], 'license:');
SELECT is(pg_temp.ids('owner:' || current_user || ' project:fraud team:risk'), ARRAY[:gbm1, :gbm11]::bigint[], 'owner:, project:, team:');
SELECT is(pg_temp.ids('constraint:gdpr'), ARRAY[:gbm1, :gbm11]::bigint[], 'constraint:');
SELECT is(pg_temp.ids('model:rules-engine'), ARRAY[:rules]::bigint[], 'model:');
SELECT is(pg_temp.ids('tag:owner-team=risk-ops'), ARRAY[:gbm11]::bigint[], 'tag:key=value');
SELECT is(pg_temp.ids('tag:owner-team'), ARRAY[:gbm11]::bigint[], 'tag:key');
SELECT is(pg_temp.ids('accuracy>=0.93'), ARRAY[:gbm11]::bigint[], 'a metric threshold reads the latest value of the all slice');
SELECT is(pg_temp.ids('accuracy<0.93'), ARRAY[:gbm1]::bigint[], 'the other side');
SELECT is(pg_temp.ids('accuracy>=0.9 slice:eu'), NULL, 'slice: moves the threshold to that slice (0.80 on eu)');
SELECT is(pg_temp.ids('accuracy<0.9 slice:eu'), ARRAY[:gbm11]::bigint[], 'and the eu value is below it');
SELECT is(pg_temp.ids('slice:eu'), ARRAY[:gbm11]::bigint[], 'slice: alone: evaluated on that slice');
SELECT is(pg_temp.ids('version:^1.1'), ARRAY[:gbm11]::bigint[], 'version: a semver range');
SELECT is(pg_temp.ids('version:<1 -model:ticket-nlp'), ARRAY[:rules]::bigint[], 'version: and an excluded field');
SELECT is(pg_temp.ids('uses:dataset:card-tx'), ARRAY[:gbm1, :gbm11]::bigint[], 'uses: a dataset (any version) in the provenance, relative to each version''s project');
SELECT is(pg_temp.ids('uses:dataset:card-tx@2024'), ARRAY[:gbm1, :gbm11]::bigint[], 'uses: one snapshot');
SELECT is(pg_temp.ids('uses:fraud/dataset:card-tx'), ARRAY[:gbm1, :gbm11]::bigint[], 'uses: the same node absolute');
SELECT is(pg_temp.ids('uses:dataset:nothing'), NULL, 'uses: a node no provenance has');
SELECT is(pg_temp.ids('trained:2026-03-01'), ARRAY[:gbm1, :gbm11]::bigint[], 'trained: a day is the whole day');
SELECT is(pg_temp.ids('trained:>2026-03-01 model:fraud-gbm'), NULL, 'trained:> a day starts the day after');
SELECT is(pg_temp.ids('trained:<=2026-03-01 model:fraud-gbm'), ARRAY[:gbm1, :gbm11]::bigint[], 'trained:<= includes the day');
SELECT is(pg_temp.ids('duration:<2h'), ARRAY[:gbm1, :gbm11]::bigint[], 'duration: (the run took 1h30m)');
SELECT is(pg_temp.ids('duration:<1h'), NULL, 'duration: the other side');
SELECT is(pg_temp.ids('feature:merchant_age'), ARRAY[:gbm1, :gbm11]::bigint[], 'feature:');
SELECT is(pg_temp.ids('importance:amount>=0.4'), ARRAY[:gbm1, :gbm11]::bigint[], 'importance: above');
SELECT is(pg_temp.ids('importance:merchant_age>=0.4'), NULL, 'importance: below');
SELECT is(pg_temp.ids('data_domain:finance'), ARRAY[:gbm1, :gbm11]::bigint[], 'data_domain: the domain of a dataset in the provenance');
SELECT is(pg_temp.ids('-stage:production model:fraud-gbm'), ARRAY[:gbm1]::bigint[], 'an excluded field value');

-- paging is stable: pages do not overlap and add up to the whole
SELECT is((SELECT array_agg(model_version_id ORDER BY n) FROM
            (SELECT 1 AS n, * FROM mreg.search('', 2, 0) UNION ALL SELECT 2, * FROM mreg.search('', 2, 2) UNION ALL SELECT 3, * FROM mreg.search('', 2, 4)) p),
          pg_temp.ranked(''), 'skip pages through the same order: no overlap, no gap');
-- ranking windows (doc/search.md): with a window of 2 the order is the matches by name, stage,
-- recency and id, in windows of 2, each window by score; skip still pages through one order
SET LOCAL mreg.search_window = '2';
SELECT is((SELECT array_agg(x.id ORDER BY x.k) FROM generate_series(0, 5) k
            CROSS JOIN LATERAL (SELECT k, model_version_id AS id FROM mreg.search('', 1, k)) x),
          (SELECT array_agg(model_version_id) FROM mreg.search('', 100)), 'windows: pages of one add up to the whole');
SELECT is((SELECT array_agg(model_version_id) FROM mreg.search('', 100)),
          (SELECT array_agg(w.model_version_id ORDER BY w.win, w.score DESC, w.model_version_id DESC)
             FROM (SELECT d.model_version_id, (row_number() OVER (ORDER BY mreg_internal.stage_weight(d.stage) DESC, d.created_at DESC, d.model_version_id DESC) - 1) / 2 AS win,
                          mreg_internal.search_score(d.document, d.model, d.stage, d.created_at, mreg_internal.search_plan('')) AS score
                     FROM mreg.search_doc d) w),
          'windows: the order is windows by stage and recency, each by score');
SET LOCAL mreg.search_window = '1';
SELECT is((SELECT array_agg(model_version_id) FROM mreg.search('fraud-gbm', 100)), ARRAY[:gbm11, :gbm1, :rules]::bigint[],
          'windows: the versions of the model a query names come first (the rules engine''s note names fraud-gbm; it is newer than 1.0.0)');
SELECT throws_ok($$SET LOCAL mreg.search_window = 'many'$$, '22023', NULL, 'windows: a bad mreg.search_window');
SELECT throws_ok($$SET LOCAL mreg.search_window = 0$$, '22023', NULL, 'windows: at least 1');
RESET mreg.search_window;
SELECT is((pg_temp.ranked('fraud-gbm'))[1:2]::text, ARRAY[:gbm11, :gbm1]::text, 'ranking: the production version above the registered one');
SELECT is((SELECT snippet FROM mreg.search('chargebacks', 1)), 'Gradient boosted trees on card transactions, tuned for recall on <b>chargebacks</b>',
          'the snippet comes from the field that matched, the words marked');

-- ---------------------------------------------------------------- facets, against plain SQL
SELECT set_eq($$SELECT facet, value, count FROM mreg.search_facets('domain:finance')$$,
              $$SELECT f, v, count(*) FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id JOIN mreg.project p ON p.id = m.project_id
                 CROSS JOIN LATERAL (VALUES ('domain', m.domain), ('task', m.task), ('framework', m.framework), ('stage', mv.status),
                                            ('license', m.license), ('owner', m.owner::text), ('project', p.name), ('team', m.team)) x(f, v)
                 WHERE m.domain = 'finance' AND v IS NOT NULL GROUP BY 1, 2
                UNION ALL
                SELECT 'constraint', c, count(*) FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id, unnest(m.constraints) c
                 WHERE m.domain = 'finance' GROUP BY 2$$,
              'facet counts equal the same counts in plain SQL');
SELECT is(mreg.search_count('domain:finance'), 3::bigint, 'search_count');

-- ---------------------------------------------------------------- malformed and hostile queries
SELECT throws_ok($$SELECT * FROM mreg.search('domain:')$$, '42601', 'syntax error in search query at character 8: expected a value after domain:', 'a field without a value');
SELECT throws_ok($$SELECT * FROM mreg.search('colour:red')$$, '42601', NULL, 'an unknown field');
SELECT throws_ok($$SELECT * FROM mreg.search('"open')$$, '42601', NULL, 'an unterminated phrase');
SELECT throws_ok($$SELECT * FROM mreg.search('version:^^1')$$, '42601', NULL, 'a bad range');
SELECT throws_ok($$SELECT * FROM mreg.search_facets('accuracy>=high')$$, '42601', NULL, 'facets: a bad threshold');
SELECT throws_ok($$SELECT * FROM mreg.search(NULL)$$, '22004', NULL, 'a NULL query');
SELECT throws_ok($$SELECT * FROM mreg.search('x', 0)$$, '22023', NULL, 'max_results 0');
SELECT throws_ok($$SELECT * FROM mreg.search('x', 20, -1)$$, '22023', NULL, 'a negative skip');
SELECT throws_ok($$SELECT * FROM mreg.search(repeat('a ', 6000))$$, '42601', NULL, 'a huge query: a clear error');
SELECT lives_ok($$SELECT * FROM mreg.search($q$'; DROP TABLE mreg.model; --$q$)$$, 'SQL in a query is words');
SELECT lives_ok($$SELECT * FROM mreg.search($q$"a' | b & !c:*"$q$)$$, 'tsquery syntax in a phrase is words');
SELECT lives_ok($$SELECT * FROM mreg.search($q$model:"x'') OR true --"$q$)$$, 'quotes in a field value are part of the value');
SELECT lives_ok($$SELECT * FROM mreg.search($q$tag:k="v' | 'w"$q$)$$, 'and in a tag value');
SELECT is((SELECT count(*) FROM mreg.model), 4::bigint, 'nothing was dropped');
SELECT is(pg_temp.ids($q$model:"x' | 'fraud-gbm"$q$), NULL, 'a value cannot widen the facet query');

-- ---------------------------------------------------------------- row-level security
SET ROLE sr60_stranger;
SELECT is((SELECT count(*) FROM mreg.search('')), 0::bigint, 'a stranger finds nothing');
SELECT is((SELECT count(*) FROM mreg.search('fraud')), 0::bigint, 'not even by words');
SELECT is((SELECT count(*) FROM mreg.search_facets('')), 0::bigint, 'no facet counts');
SELECT is(mreg.search_count('domain:finance'), 0::bigint, 'no count');
SELECT is((SELECT count(*) FROM mreg.suggest('fraud-gbn') WHERE suggestion IN ('fraud-gbm', 'rules-engine', 'card-tx', 'merchant_age')), 0::bigint, 'no suggestion of a name it may not read (global vocabulary only)');
SELECT is((SELECT count(*) FROM mreg.search_examples()), 0::bigint, 'no example query returns anything, so none is offered');
RESET ROLE;
SET ROLE sr60_reader;
SELECT is(pg_temp.ids('fraud'), ARRAY[:gbm1, :gbm11, :rules, :nlp]::bigint[], 'a reader of fraud finds fraud''s versions, not the private vision one');
SELECT is(pg_temp.ids('street photos'), NULL, 'the private project''s words find nothing');
SELECT is(pg_temp.ids('uses:vision/dataset:street-photos'), NULL, 'nor its lineage');
SELECT is((SELECT count(*) FROM mreg.search_facets('') WHERE facet = 'project' AND value = 'vision'), 0::bigint, 'no facet of it');
SELECT is((SELECT count(*) FROM mreg.suggest('secret-detektor') WHERE suggestion IN ('secret-detector', 'street-photos', 'vision')), 0::bigint, 'no suggestion of its names');
SELECT ok((SELECT bool_and(results > 0) AND count(*) >= 5 FROM mreg.search_examples()), 'every example query finds something for the reader');
SELECT ok((SELECT bool_and(mreg.search_count(query) = results) FROM mreg.search_examples()), 'and says how much, truly');
SELECT is((SELECT suggestion FROM mreg.suggest('fraud-gbn') LIMIT 1), 'fraud-gbm', 'did you mean: a readable model name');
-- the indexes stay in use under row-level security (LEAKPROOF match)
SET LOCAL enable_seqscan = off;
SELECT ok((SELECT string_agg(x, E'\n') FROM (SELECT * FROM pg_temp.explain($$SELECT * FROM mreg.search_doc d WHERE d.document OPERATOR(mreg.@@) 'fraud'::tsquery$$)) e(x))
          LIKE '%Bitmap Index Scan on search_doc_document_idx%', 'under RLS the text match uses the GIN index');
SELECT ok((SELECT string_agg(x, E'\n') FROM (SELECT * FROM pg_temp.explain($$SELECT * FROM mreg.model m WHERE m.name OPERATOR(mreg.%%) 'fraud-gbn'$$)) e(x))
          LIKE '%Bitmap Index Scan on model_name_trgm_idx%', 'and suggest''s trigram match its trigram index (LEAKPROOF too)');
SELECT ok((SELECT string_agg(x, E'\n') FROM (SELECT * FROM pg_temp.explain($$SELECT * FROM mreg.model m WHERE m.name % 'fraud-gbn'$$)) e(x))
          NOT LIKE '%model_name_trgm_idx%', 'while pg_trgm''s own % could not use it under RLS');
SELECT is(proleakproof, true, 'mreg.%% is LEAKPROOF') FROM pg_proc WHERE oid = 'mreg.trgm_match(text, text)'::regprocedure;
RESET ROLE;
RESET enable_seqscan;

-- ---------------------------------------------------------------- freshness
SELECT mreg.annotate('fraud/model:ticket-nlp@2.0.0', 'Now also triages zeppelin maintenance requests');
SELECT is(pg_temp.ids('zeppelin'), ARRAY[:nlp]::bigint[], 'a note is searchable in the transaction that wrote it');
SELECT mreg.register_model('fraud', 'ticket-nlp', 'Routes helpdesk emails by urgency');
SELECT is(pg_temp.ids('helpdesk'), ARRAY[:nlp]::bigint[], 'a changed description counts at once');
SELECT is(pg_temp.ids('"support tickets"'), NULL, 'and the old one no longer does');
SELECT mreg.set_status('fraud', 'rules-engine', '0.9.0', 'archived');
SELECT is(pg_temp.ids('stage:archived'), ARRAY[:rules]::bigint[], 'a status move is searchable at once');
SELECT mreg.log_evaluation(:gbm1, 'accuracy', 0.99);
SELECT is(pg_temp.ids('accuracy>=0.97'), ARRAY[:gbm1]::bigint[], 'the latest evaluation counts at once');

-- ---------------------------------------------------------------- rebuilding
CREATE TEMP TABLE before_rebuild AS SELECT * FROM mreg.search_doc;
SELECT is(mreg.reindex_search(), (SELECT count(*) FROM mreg.model_version), 'reindex_search rebuilds one document per version');
SELECT set_eq($$SELECT model_version_id, document::text, facets::text FROM mreg.search_doc$$,
              $$SELECT model_version_id, document::text, facets::text FROM before_rebuild$$,
              'and the write path had kept them exactly as a rebuild makes them');
SELECT is(pg_temp.ids('accuracy>=0.97'), ARRAY[:gbm1]::bigint[], 'latest metrics rebuilt too');
SET ROLE sr60_reader;
SELECT throws_ok('SELECT mreg.reindex_search()', '42501', NULL, 'only registry admins rebuild');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
