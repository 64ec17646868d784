-- MLflow filter strings (doc/mlflow.md): the parser's nodes, the WHERE
-- clause they become (values only as parameters), and the versions
-- mreg.search_model_versions finds for filters from MLflow's documentation
-- and its model-registry store tests, each with the versions MLflow's
-- semantics give (SearchModelVersionUtils: a comparison with a missing
-- value, such as a tag the version lacks, is false, even for !=).
SET search_path = mreg, public;
\pset null '(null)'

-- ---- declaration -----------------------------------------------------------
SELECT provolatile, proisstrict, proparallel FROM pg_proc WHERE oid = 'mreg.mlflow_filter_parse(text)'::regprocedure;
SELECT has_function_privilege('mreg_reader', 'mreg.search_model_versions(text, int)', 'EXECUTE') AS reader_may,
       has_function_privilege('public', 'mreg.search_model_versions(text, int)', 'EXECUTE') AS public_may,
       (SELECT prosecdef FROM pg_proc WHERE oid = 'mreg.search_model_versions(text, int)'::regprocedure) AS definer;

-- ---- MLflow's grammar --------------------------------------------------------
SELECT count(*) FROM mlflow_filter_parse('');
SELECT count(*) FROM mlflow_filter_parse(E'  \t\n ');
-- from MLflow's docs (MlflowClient.search_model_versions, the model registry guide)
SELECT * FROM mlflow_filter_parse($$name='sk-learn-random-forest-reg-model'$$);
SELECT * FROM mlflow_filter_parse($$name = 'churn' and tag.key = 'value'$$);
SELECT * FROM mlflow_filter_parse($$run_id = 'e3c6bd8c4d9e4f6d8d6b0c1a3f2e1d0c'$$);
SELECT * FROM mlflow_filter_parse($$run_id IN ('a1b2', 'c3d4',"e5f6")$$);
SELECT * FROM mlflow_filter_parse($$tags.`my tag` = 'value' AND tags."other.key" != "x"$$);
SELECT * FROM mlflow_filter_parse($$name ILIKE '%churn%' AND tags.team = 'risk' AND version_number > 3$$);
SELECT * FROM mlflow_filter_parse($$attribute.source_path LIKE 's3://bucket/%' AND version_number <= '12'$$);
SELECT * FROM mlflow_filter_parse($$name = 'it''s' AND tags.`a``b` LIKE '_x%'$$);
-- keywords in any case, identifiers as written
SELECT * FROM mlflow_filter_parse($$name like 'a%' AnD run_id in ('x')$$);

-- ---- beyond MLflow: OR, parentheses, NOT, metrics, semver ------------------------
SELECT * FROM mlflow_filter_parse($$name = 'a' OR name = 'b' AND NOT (stage = 'production' OR alias = 'champion')$$);
SELECT * FROM mlflow_filter_parse($$metrics.recall >= 0.9 AND metric.`f1-score` < 1e-1$$);
SELECT * FROM mlflow_filter_parse($$version <@ '^2.1' OR version = '3.0.0-rc.1' OR version > '4.0.0'$$);
SELECT * FROM mlflow_filter_parse($$run_id NOT IN ('x', 'y') AND project IN ('risk')$$);

-- ---- malformed: position and what was expected ------------------------------------
\set VERBOSITY default
SELECT * FROM mlflow_filter_parse($$name = churn$$);
SELECT * FROM mlflow_filter_parse($$tags.team = risk$$);
SELECT * FROM mlflow_filter_parse($$name = 'churn' AND$$);
SELECT * FROM mlflow_filter_parse($$name = 'unterminated$$);
SELECT * FROM mlflow_filter_parse($$Name = 'x'$$);
SELECT * FROM mlflow_filter_parse($$params.alpha = '0.1'$$);
SELECT * FROM mlflow_filter_parse($$version_number LIKE '3'$$);
SELECT * FROM mlflow_filter_parse($$version_number = 'three'$$);
SELECT * FROM mlflow_filter_parse($$name > 'a'$$);
SELECT * FROM mlflow_filter_parse($$name = 3$$);
SELECT * FROM mlflow_filter_parse($$name = ('a', 'b')$$);
SELECT * FROM mlflow_filter_parse($$run_id IN ('a', 'b'$$);
SELECT * FROM mlflow_filter_parse($$run_id IN ()$$);
SELECT * FROM mlflow_filter_parse($$tags.t IN ('a')$$);
SELECT * FROM mlflow_filter_parse($$name == 'a'$$);
SELECT * FROM mlflow_filter_parse($$name <> 'a'$$);
SELECT * FROM mlflow_filter_parse($$(name = 'a'$$);
SELECT * FROM mlflow_filter_parse($$name = 'a')$$);
SELECT * FROM mlflow_filter_parse($$name = 'a' name = 'b'$$);
SELECT * FROM mlflow_filter_parse($$version <@ '^2.x.!'$$);
SELECT * FROM mlflow_filter_parse($$version = '2.1'$$);
SELECT * FROM mlflow_filter_parse($$metrics.recall >= high$$);
SELECT * FROM mlflow_filter_parse($$metrics.recall LIKE '0.9'$$);
SELECT * FROM mlflow_filter_parse($$tags. = 'x'$$);
SELECT * FROM mlflow_filter_parse(repeat('NOT ', 40) || $$name = 'a'$$);
SELECT * FROM mlflow_filter_parse(E'name = \'a\'\x01');
SELECT * FROM mlflow_filter_parse($$nàme = 'x'$$);
\set VERBOSITY terse

-- ---- a registry shaped like MLflow's store tests ------------------------------
SELECT mreg.create_project('mlf') IS NOT NULL AS created;
SELECT mreg.create_project('other') IS NOT NULL AS created;
SELECT mreg.import_mlflow($$[{"name": "test_for_search_MV", "tags": [{"key": "team", "value": "risk"}]},
                            {"name": "churn-model"}]$$,
  $$[{"name": "test_for_search_MV", "version": "1", "source": "A/B", "run_id": "r1r1", "creation_timestamp": 1, "last_updated_timestamp": 1,
      "tags": [{"key": "t1", "value": "abc"}], "current_stage": "Archived"},
     {"name": "test_for_search_MV", "version": "2", "source": "A/C", "run_id": "r2r2", "creation_timestamp": 2, "last_updated_timestamp": 2,
      "tags": [{"key": "t1", "value": "xyz"}, {"key": "t2", "value": "x"}], "current_stage": "Production", "aliases": ["champion"]},
     {"name": "test_for_search_MV", "version": "3", "source": "A/D", "run_id": "r3r3", "creation_timestamp": 3, "last_updated_timestamp": 3,
      "current_stage": "Staging"},
     {"name": "churn-model", "version": "1", "source": "s3://churn/1", "run_id": "r4r4", "creation_timestamp": 4, "last_updated_timestamp": 4,
      "tags": [{"key": "t1", "value": "ABC"}]}]$$, 'mlf') - 'project' AS imported;
SELECT mreg.register_model_version('mlf', 'churn-model', '2.1.0', artifacts => '[{"name": "w", "uri": "s3://churn/2"}]') IS NOT NULL AS native;
SELECT mreg.log_evaluation(mreg.version_id('mlf', 'churn-model', '2.1.0'::semver), 'recall', 0.93) IS NOT NULL AS evaluated;
SELECT mreg.log_evaluation(mreg.version_id('mlf', 'churn-model', '1.0.0'::semver), 'recall', 0.81) IS NOT NULL AS evaluated;
SELECT mreg.import_mlflow('[]', '[{"name": "test_for_search_MV", "version": "1", "source": "Z/Z", "run_id": "r9r9", "creation_timestamp": 9, "last_updated_timestamp": 9}]', 'other') ->> 'versions_created' AS other;

-- every row carries its aliases and tags (MLflow's does not: mlflow#9783)
SELECT project, name, version_number, version, current_stage, stage, status, run_id, source, aliases, tags
  FROM search_model_versions($$project IN ('mlf', 'other')$$);

-- filters from MLflow's tests and docs, with the versions MLflow finds
CREATE FUNCTION pg_temp.found(f text) RETURNS text LANGUAGE sql AS
$$SELECT coalesce(string_agg(project || '/' || name || '#' || version_number, ' ' ORDER BY project, name, version_number), '(none)')
    FROM mreg.search_model_versions(f) WHERE project IN ('mlf', 'other')$$;  -- other tests' projects share the database
SELECT f AS filter, pg_temp.found(f) AS versions FROM (VALUES
    ($$name='test_for_search_MV'$$),                         -- 1 2 3, both projects
    ($$name = "test_for_search_MV" AND version_number = 2$$),
    ($$name LIKE 'test_for_search%'$$),
    ($$name LIKE 'TEST_for_search%'$$),                       -- LIKE is case-sensitive: none
    ($$name ILIKE 'TEST_FOR_SEARCH%'$$),
    ($$run_id = 'r1r1'$$),
    ($$run_id IN ('r1r1', 'r3r3', 'nope')$$),
    ($$source_path = 'A/D'$$),
    ($$source_path LIKE 'A/%'$$),
    ($$version_number > 1$$),
    ($$version_number >= 1 AND version_number < 3 AND name = 'test_for_search_MV'$$),
    ($$version_number != 2 AND project = 'mlf'$$),
    ($$tags.t1 = 'abc'$$),
    ($$tags.t1 ILIKE 'abc'$$),
    ($$tag.t1 != 'abc'$$),                                    -- versions without t1 are not "!= abc"
    ($$tags.`t2` = 'x' AND run_id = 'r2r2'$$),
    ($$tags.missing = 'x'$$),
    -- beyond MLflow
    ($$name = 'churn-model' OR tags.t2 = 'x'$$),
    ($$NOT tag.t1 = 'abc' AND project = 'mlf'$$),             -- NOT: versions without t1 too
    ($$(run_id = 'r1r1' OR run_id = 'r3r3') AND NOT stage = 'archived'$$),
    ($$alias = 'champion'$$),
    ($$alias != 'champion' AND name = 'test_for_search_MV' AND project = 'mlf'$$),
    ($$stage IN ('production', 'staging')$$),
    ($$metrics.recall >= 0.9$$),
    ($$metrics.RECALL > 0.5$$),
    ($$version <@ '^2'$$),
    ($$version <@ '>=2.0.0 <3.0.0 || ^1' AND name = 'churn-model'$$),
    ($$version > '2.0.0'$$),
    ($$run_id NOT IN ('r1r1', 'r2r2', 'r3r3') AND project = 'mlf'$$)
) t(f);

-- ---- injection: values never reach the SQL text -----------------------------
SELECT clause FROM mreg_internal.mlflow_where($$name = 'x''; DROP TABLE mreg.model; --' OR tags.`a'); DELETE FROM mreg.tag; --` = 'b' OR run_id IN ('$1', ''')--')$$);
SELECT pg_temp.found($$name = 'x''; DROP TABLE mreg.model; --' OR tags.`a'); DELETE FROM mreg.tag; --` = 'b'$$) AS found;
SELECT pg_temp.found($$metrics.`recall') OR true OR ('` >= 0$$) AS found;
SELECT count(*) AS models_left FROM mreg.model WHERE project_id IN (SELECT id FROM mreg.project WHERE name IN ('mlf', 'other'));
SELECT count(*) FROM search_model_versions($$version <@ '1 || * $$ || chr(39) || $$) OR (true'$$);

-- ---- row-level security: a stranger finds nothing ----------------------------------
CREATE ROLE mlf80_stranger IN ROLE mreg_reader;
CREATE ROLE mlf80_reader IN ROLE mreg_reader;
SELECT mreg.grant_access('other', 'mlf80_reader', 'read') IS NOT NULL AS granted;
SET ROLE mlf80_stranger;
SELECT count(*) FROM mreg.search_model_versions('');
SELECT count(*) FROM mreg.search_model_versions($$name = 'test_for_search_MV'$$);
RESET ROLE;
SET ROLE mlf80_reader;
SELECT project, name, version_number FROM mreg.search_model_versions('');
RESET ROLE;
DROP ROLE mlf80_stranger;
SELECT mreg.revoke_access('other', 'mlf80_reader', 'read');
DROP OWNED BY mlf80_reader;
DROP ROLE mlf80_reader;

-- ---- arguments ----------------------------------------------------------------
SELECT count(*) FROM search_model_versions(NULL);
SELECT count(*) FROM search_model_versions('', 0);
SELECT name, version_number FROM search_model_versions($$project = 'mlf'$$, 2);
