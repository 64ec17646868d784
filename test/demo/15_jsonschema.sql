-- Tour: metadata schemas (JSON Schema subset validated in C).
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS mreg CASCADE;
RESET client_min_messages;
\pset footer off

\echo
\echo '== Metadata schemas: a project says what model-version metadata must look like'
CREATE TEMP TABLE demo_schema AS SELECT '{
  "type": "object",
  "required": ["owner", "framework", "metrics"],
  "additionalProperties": false,
  "properties": {
    "owner":     {"type": "string", "pattern": "^[a-z][a-z0-9_.-]*$"},
    "framework": {"enum": ["sklearn", "xgboost", "pytorch"]},
    "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "metrics":   {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["name", "value"],
        "properties": {"name": {"type": "string"}, "value": {"type": "number", "minimum": 0, "maximum": 1}}}}
  }}'::jsonb AS s;
SELECT mreg.jsonb_schema_check(s) AS schema_is_valid FROM demo_schema;

\echo
\echo '== A good document matches'
SELECT mreg.jsonb_matches_schema(s, '{"owner": "fraud.team", "framework": "xgboost",
         "metrics": [{"name": "auc", "value": 0.93}]}') AS matches
  FROM demo_schema;

\echo
\echo '== A bad one: every violation, with a JSON Pointer to where it is'
SELECT v.path, v.keyword, v.message
  FROM demo_schema, mreg.jsonb_schema_violations(s, '{"owner": "Fraud Team", "framework": "keras", "threshold": 0,
         "metrics": [{"name": "auc", "value": 1.5}, {"value": "high"}], "notes": "x"}') v;

\echo
\echo '== Schemas are checked too: unsupported keywords are refused, not silently ignored'
DO $$
BEGIN
  PERFORM mreg.jsonb_schema_check('{"properties": {"email": {"type": "string", "format": "email"}}}');
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE '% (SQLSTATE %)', SQLERRM, SQLSTATE;
END $$;
DO $$
BEGIN
  PERFORM mreg.jsonb_schema_check('{"properties": {"age": {"type": "integer", "minimum": "18"}}}');
EXCEPTION WHEN invalid_parameter_value THEN
  RAISE NOTICE '% (SQLSTATE %)', SQLERRM, SQLSTATE;
END $$;
