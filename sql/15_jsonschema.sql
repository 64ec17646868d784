-- JSON Schema subset validator: mreg.jsonb_matches_schema,
-- mreg.jsonb_schema_violations, mreg.jsonb_schema_check.
\pset null '<NULL>'
SET client_min_messages = notice;

-- Both answers side by side: a document matches exactly when it has no
-- violations; v lists them as path|keyword|message.
CREATE FUNCTION pg_temp.v(s jsonb, d jsonb)
RETURNS TABLE(ok boolean, violations text) LANGUAGE sql AS $$
  SELECT mreg.jsonb_matches_schema(s, d),
         (SELECT string_agg(format('%s|%s|%s', path, keyword, message), E'\n')
            FROM mreg.jsonb_schema_violations(s, d))
$$;
-- SQLSTATE and message of a schema check, so that many bad schemas fit one table.
CREATE FUNCTION pg_temp.check_err(s jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mreg.jsonb_schema_check(s);
  RETURN 'ok';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

-- Markings are what the docs promise.
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, proretset
  FROM pg_proc p WHERE pronamespace = 'mreg'::regnamespace AND proname LIKE 'jsonb%'
 ORDER BY 1::text;

-- ---------------------------------------------------------------- NULLs
SELECT mreg.jsonb_matches_schema(NULL, '{}') AS null_schema,
       mreg.jsonb_matches_schema('{}', NULL) AS null_doc,
       mreg.jsonb_schema_check(NULL) AS null_check;
SELECT count(*) AS null_rows FROM mreg.jsonb_schema_violations(NULL, '1');
SELECT count(*) AS null_rows FROM mreg.jsonb_schema_violations('{}', NULL);
-- JSON null is a value, not SQL NULL.
SELECT * FROM pg_temp.v('{"type": "null"}', 'null');
SELECT * FROM pg_temp.v('{"type": "string"}', 'null');

-- -------------------------------------------- empty, true and false schemas
SELECT d, (pg_temp.v('{}', d)).* FROM (VALUES
  ('null'::jsonb), ('true'), ('0'), ('""'), ('[]'), ('{}'), ('{"a": [1, {"b": null}]}')) t(d);
SELECT d, (pg_temp.v('true', d)).* FROM (VALUES ('null'::jsonb), ('{"a": 1}')) t(d);
SELECT d, (pg_temp.v('false', d)).* FROM (VALUES ('null'::jsonb), ('{}'), ('[]')) t(d);
-- Annotations are accepted and ignored.
SELECT * FROM pg_temp.v('{"title": "t", "description": "d", "$comment": "c", "$schema": "https://json-schema.org/draft/2020-12/schema",
                          "$id": "urn:x", "default": {"x": 1}, "examples": [1, "two"]}', '"anything"');

-- --------------------------------------------------------------- type
SELECT t, d, (pg_temp.v(jsonb_build_object('type', t), d)).*
  FROM (VALUES ('object'), ('array'), ('string'), ('number'), ('integer'), ('boolean'), ('null')) ty(t),
       (VALUES ('{}'::jsonb), ('[]'), ('"s"'), ('1.5'), ('2'), ('false'), ('null')) docs(d)
 ORDER BY t, d::text;
-- integer means "no fractional part": 1.0, -0 and huge values are integers.
SELECT d, (pg_temp.v('{"type": "integer"}', d)).* FROM (VALUES
  ('1.0'::jsonb), ('-0'), ('1e30'), ('12345678901234567890123456789012345678901234567890'),
  ('1.000000000000000000001'), ('-7.5'), ('1e-30')) t(d);
-- A list of types.
SELECT d, (pg_temp.v('{"type": ["string", "null"]}', d)).* FROM (VALUES ('"a"'::jsonb), ('null'), ('1')) t(d);
SELECT * FROM pg_temp.v('{"type": ["integer", "boolean", "array"]}', '{}');
SELECT * FROM pg_temp.v('{"type": ["integer", "boolean", "array"]}', '2.5');

-- ------------------------------------------------------- enum and const
SELECT d, (pg_temp.v('{"enum": ["auc", "f1", 1, null, [1, 2], {"k": "v"}]}', d)).* FROM (VALUES
  ('"auc"'::jsonb), ('1.00'), ('null'), ('[1.0, 2]'), ('{"k": "v"}'),
  ('"AUC"'), ('"auc "'), ('[2, 1]'), ('{"k": "v", "x": 1}'), ('true'), ('"1"')) t(d);
SELECT * FROM pg_temp.v('{"enum": []}', '1');
SELECT d, (pg_temp.v('{"const": {"a": [1, "x"], "b": null}}', d)).* FROM (VALUES
  ('{"b": null, "a": [1.0, "x"]}'::jsonb), ('{"a": [1, "x"]}'), ('{"a": [1, "x"], "b": false}'), ('"x"')) t(d);
SELECT * FROM pg_temp.v('{"const": false}', 'false'), pg_temp.v('{"const": false}', '0') AS zero;
SELECT * FROM pg_temp.v('{"const": null}', 'null'), pg_temp.v('{"const": null}', '{}') AS obj;
-- Long values are clipped in messages.
SELECT * FROM pg_temp.v('{"const": "short"}', to_jsonb(repeat('x', 100)));
SELECT * FROM pg_temp.v('{"enum": [1, 2]}', to_jsonb(repeat('é', 40) || 'tail'));

-- ------------------------------------------- numbers, compared exactly
SELECT d, (pg_temp.v('{"minimum": 1, "maximum": 10}', d)).* FROM (VALUES
  ('1'::jsonb), ('10'), ('10.0'), ('5.5'), ('0.999999999999999999999'), ('10.000000000000000000001'), ('-1e30')) t(d);
SELECT d, (pg_temp.v('{"exclusiveMinimum": 0, "exclusiveMaximum": 0.3}', d)).* FROM (VALUES
  ('0'::jsonb), ('0.0'), ('1e-40'), ('0.1'), ('0.29999999999999999999'), ('0.3'), ('0.30'), ('1')) t(d);
-- 0.1 + 0.2 is 0.3 for numeric: no float rounding.
SELECT * FROM pg_temp.v('{"maximum": 0.3}', to_jsonb(0.1 + 0.2));
-- Several bounds fail at once; numeric keywords ignore other types.
SELECT * FROM pg_temp.v('{"minimum": 5, "exclusiveMinimum": 5}', '4');
SELECT * FROM pg_temp.v('{"minimum": 5, "maximum": 1, "minLength": 100}', '"abc"');
-- Huge numbers compare exactly; messages show long ones in scientific notation.
SELECT * FROM pg_temp.v('{"maximum": 1e400}', '1e399'), pg_temp.v('{"maximum": 1e400}', '1e401') AS big;
SELECT * FROM pg_temp.v('{"minimum": 1e-400}', '1e-401');
SELECT * FROM pg_temp.v('{"minimum": 0}', ('-' || repeat('12345', 20) || '.5')::jsonb);
SELECT * FROM pg_temp.v('{"maximum": 0}', ('0.' || repeat('0', 70) || '1200')::jsonb);

-- ----------------------------------------------- strings, in characters
SELECT d, octet_length(d #>> '{}') AS bytes, (pg_temp.v('{"minLength": 2, "maxLength": 3}', d)).* FROM (VALUES
  ('""'::jsonb), ('"a"'), ('"ab"'), ('"abc"'), ('"abcd"'), ('"éé"'), ('"日本語"'), ('"日本語!"'),
  ('"😀😀"'), ('"😀"'), ('"e\u0301"')) t(d);
SELECT * FROM pg_temp.v('{"minLength": 0, "maxLength": 0}', '""'), pg_temp.v('{"maxLength": 0}', '" "') AS space;
-- Length keywords ignore non-strings.
SELECT * FROM pg_temp.v('{"maxLength": 1}', '12345'), pg_temp.v('{"maxLength": 1}', '["a", "b"]') AS arr;
-- pattern: PostgreSQL ARE regex, unanchored like JSON Schema.
SELECT d, (pg_temp.v('{"pattern": "b+"}', d)).* FROM (VALUES ('"abbbc"'::jsonb), ('"b"'), ('"ac"'), ('""')) t(d);
SELECT d, (pg_temp.v('{"pattern": "^[a-z]+$"}', d)).* FROM (VALUES ('"foo"'::jsonb), ('"Foo"'), ('"foo1"'), ('"foo\nbar"')) t(d);
SELECT d, (pg_temp.v('{"pattern": "^\\d{4}-\\d{2}-\\d{2}$"}', d)).* FROM (VALUES ('"2024-01-31"'::jsonb), ('"2024-1-31"')) t(d);
SELECT d, (pg_temp.v('{"pattern": "^.{3}$"}', d)).* FROM (VALUES ('"ééé"'::jsonb), ('"😀😀😀"'), ('"éé"')) t(d);
-- C collation: classes such as \w are ASCII, as in ECMA-262 (JSON Schema's dialect).
SELECT d, (pg_temp.v('{"pattern": "^\\w+$"}', d)).* FROM (VALUES ('"abc_1"'::jsonb), ('"café"')) t(d);
SELECT d, (pg_temp.v('{"pattern": "^(?:v)?[0-9]+(\\.[0-9]+)*$"}', d)).* FROM (VALUES ('"v1.2.3"'::jsonb), ('"1..2"')) t(d);
-- Patterns ignore non-strings.
SELECT * FROM pg_temp.v('{"pattern": "^x$"}', '1');
-- A long string is clipped in the message; the match uses all of it.
SELECT * FROM pg_temp.v('{"pattern": "^a*$"}', to_jsonb(repeat('a', 5000) || 'b'));
SELECT * FROM pg_temp.v('{"pattern": "b$"}', to_jsonb(repeat('a', 5000) || 'b'));

-- ----------------------------------------------------------- arrays
SELECT d, (pg_temp.v('{"minItems": 1, "maxItems": 2}', d)).* FROM (VALUES ('[]'::jsonb), ('[1]'), ('[1, 2]'), ('[1, 2, 3]')) t(d);
SELECT * FROM pg_temp.v('{"minItems": 2}', '[[1, 2, 3]]');
SELECT * FROM pg_temp.v('{"maxItems": 0}', '[[]]'), pg_temp.v('{"maxItems": 0}', '[]') AS empty;
SELECT d, (pg_temp.v('{"uniqueItems": true}', d)).* FROM (VALUES
  ('[]'::jsonb), ('[1]'), ('[1, "1", true, null, [1], {"1": 1}]'), ('[1, 2, 1.0]'), ('["a", "b", "a", "b"]'),
  ('[{"a": 1, "b": 2}, {"b": 2, "a": 1}]'), ('[[1, [2]], [1, [2.0]]]'), ('[null, null]'), ('[false, true, false]'),
  ('[[1, 2], [2, 1]]'), ('[{"a": 1}, {"a": 1, "b": 2}]'), ('[0, -0, 0.0]')) t(d);
SELECT * FROM pg_temp.v('{"uniqueItems": false}', '[1, 1]');
SELECT d, (pg_temp.v('{"items": {"type": "integer", "minimum": 0}}', d)).* FROM (VALUES
  ('[]'::jsonb), ('[0, 1, 2]'), ('[0, -1, "x", 2.5]')) t(d);
SELECT d, (pg_temp.v('{"items": false}', d)).* FROM (VALUES ('[]'::jsonb), ('[1, 2]')) t(d);
SELECT * FROM pg_temp.v('{"items": true}', '[1, "a", null]');
-- Array keywords ignore non-arrays.
SELECT * FROM pg_temp.v('{"minItems": 3, "items": {"type": "string"}}', '{"a": 1}');

-- ----------------------------------------------------------- objects
SELECT d, (pg_temp.v('{"required": ["owner", "name"]}', d)).* FROM (VALUES
  ('{"owner": "a", "name": "b"}'::jsonb), ('{"name": "b"}'), ('{}'), ('{"owner": null, "name": null}'), ('[]')) t(d);
SELECT * FROM pg_temp.v('{"required": []}', '{}');
SELECT d, (pg_temp.v('{"properties": {"n": {"type": "integer"}, "s": {"type": "string"}}}', d)).* FROM (VALUES
  ('{}'::jsonb), ('{"n": 1, "s": "x", "other": []}'), ('{"n": "1", "s": 1}')) t(d);
SELECT d, (pg_temp.v('{"properties": {"a": true}, "additionalProperties": false}', d)).* FROM (VALUES
  ('{"a": 1}'::jsonb), ('{"a": 1, "b": 2, "c": 3}')) t(d);
SELECT d, (pg_temp.v('{"properties": {"a": {}}, "additionalProperties": {"type": "number"}}', d)).* FROM (VALUES
  ('{"a": "x", "b": 2}'::jsonb), ('{"b": "2", "c": [3]}')) t(d);
SELECT * FROM pg_temp.v('{"properties": {"secret": false}}', '{"secret": 1, "public": 2}');
SELECT * FROM pg_temp.v('{"additionalProperties": false}', '{}');
-- Keys needing JSON Pointer escapes, an empty key, and a key with non-ASCII text.
SELECT * FROM pg_temp.v('{"additionalProperties": {"type": "string"}}', '{"a/b": 1, "m~n": 2, "": 3, "clé": 4, "~1": 5}');
-- Object keywords ignore non-objects.
SELECT * FROM pg_temp.v('{"required": ["a"], "properties": {"a": false}, "additionalProperties": false}', '"str"');

-- ------------------------------------------- nesting, paths, many violations
CREATE TEMP TABLE js_meta_schema AS SELECT '{
  "title": "model version metadata",
  "type": "object",
  "required": ["owner", "framework", "metrics"],
  "additionalProperties": false,
  "properties": {
    "owner":     {"type": "string", "minLength": 1, "pattern": "^[a-z][a-z0-9_.-]*$"},
    "framework": {"enum": ["sklearn", "xgboost", "pytorch", "tensorflow"]},
    "tags":      {"type": "array", "items": {"type": "string", "maxLength": 20}, "uniqueItems": true, "maxItems": 5},
    "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    "metrics":   {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["name", "value"], "additionalProperties": false,
        "properties": {
          "name":  {"type": "string", "enum": ["auc", "f1", "accuracy"]},
          "value": {"type": "number", "minimum": 0, "maximum": 1},
          "slice": {"type": ["string", "null"]}}}},
    "training": {"type": "object", "properties": {
        "epochs": {"type": "integer", "minimum": 1},
        "layers": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 1}}}}}
  }}'::jsonb AS s;
-- A valid document.
SELECT (pg_temp.v(s, '{"owner": "data.science", "framework": "xgboost", "tags": ["fraud", "gbm"], "threshold": 0.5,
   "metrics": [{"name": "auc", "value": 0.91}, {"name": "f1", "value": 0.8, "slice": null}],
   "training": {"epochs": 10, "layers": [[64, 32], [16]]}}')).* FROM js_meta_schema;
-- Everything wrong at once: every violation is listed, in document order.
SELECT v.* FROM js_meta_schema,
  mreg.jsonb_schema_violations(s, '{"owner": "Data Science", "framework": "keras", "tags": ["a", "b", "a", 7, "x", "y"],
   "threshold": 0, "metrics": [{"name": "mse", "value": 1.5, "extra": true}, {"value": "high"}, 3],
   "training": {"epochs": 0.5, "layers": [[64, 0], "x", [1.5]]}, "notes": "n"}') v;
-- matches_schema stops at the first violation and agrees.
SELECT mreg.jsonb_matches_schema(s, '{"owner": "x", "framework": "sklearn", "metrics": [{"name": "auc", "value": 2}]}') FROM js_meta_schema;
-- A deep document and a deep schema (64 levels of arrays).
SELECT (pg_temp.v((repeat('{"items": ', 64) || '{"type": "integer"}' || repeat('}', 64))::jsonb,
                  (repeat('[', 64) || '1' || repeat(']', 64))::jsonb)).*;
SELECT (pg_temp.v((repeat('{"items": ', 64) || '{"type": "integer"}' || repeat('}', 64))::jsonb,
                  (repeat('[', 64) || '"x"' || repeat(']', 64))::jsonb)).*;
-- Wrong type at the root stops nothing else that applies.
SELECT * FROM pg_temp.v('{"type": "string", "enum": ["a"], "minimum": 3}', '2');

-- ------------------------------------------------------- big documents
CREATE TEMP TABLE js_big AS
SELECT jsonb_build_object('rows', jsonb_agg(jsonb_build_object('id', i, 'name', 'row' || i,
         'score', CASE WHEN i % 1000 = 0 THEN 2 ELSE (i % 100) / 100.0 END))) AS d
  FROM generate_series(1, 50000) i;
SELECT jsonb_array_length(d -> 'rows') AS n,
       mreg.jsonb_matches_schema('{"properties": {"rows": {"items": {"required": ["id", "name", "score"],
          "properties": {"id": {"type": "integer"}, "name": {"pattern": "^row[0-9]+$"}, "score": {"maximum": 1}}}}}}', d) AS ok
  FROM js_big;
SELECT count(*) AS violations, min(path) AS first_path, max(message) AS a_message
  FROM js_big, mreg.jsonb_schema_violations('{"properties": {"rows": {"items": {"properties": {"score": {"maximum": 1}}}}}}', d);
SELECT count(*) AS dupes FROM js_big,
  mreg.jsonb_schema_violations('{"properties": {"rows": {"uniqueItems": true}}}', d || '{"rows": [1, 2, 2]}');
SELECT v.* FROM js_big, mreg.jsonb_schema_violations('{"properties": {"rows": {"uniqueItems": true}}}',
  jsonb_set(d, '{rows,49999}', d #> '{rows,10}')) v;
SELECT v.* FROM js_big, mreg.jsonb_schema_violations('{"properties": {"rows": {"maxItems": 49999}}}', d) v;

-- --------------------------- many rows, one or several schemas in one query
-- The compiled schema is cached per call site and recompiled when it changes.
SELECT s, count(*) FILTER (WHERE mreg.jsonb_matches_schema(s, to_jsonb(i))) AS matching
  FROM (VALUES ('{"maximum": 10}'::jsonb), ('{"minimum": 10}'), ('{"type": "string"}'), ('{"maximum": 10}')) sc(s),
       generate_series(1, 20) i
 GROUP BY s ORDER BY s::text;
SELECT i, mreg.jsonb_matches_schema(CASE WHEN i % 2 = 0 THEN '{"const": 0}'::jsonb ELSE '{"const": 1}' END, to_jsonb(i % 2))
  FROM generate_series(1, 4) i;
-- A bad schema after a good one is still an error; the good one works after it.
SELECT mreg.jsonb_matches_schema(s, '1') FROM (VALUES ('{"type": "number"}'::jsonb), ('{"type": 5}')) t(s);
SELECT mreg.jsonb_matches_schema(s, '1') FROM (VALUES ('{"type": "number"}'::jsonb), ('{"type": "string"}')) t(s);
-- Validation as a CHECK constraint.
CREATE TEMP TABLE js_checked (id int, meta jsonb CHECK (mreg.jsonb_matches_schema(
  '{"type": "object", "required": ["owner"], "properties": {"owner": {"type": "string"}}}', meta)));
INSERT INTO js_checked VALUES (1, '{"owner": "ann"}');
INSERT INTO js_checked VALUES (2, '{"owner": 7}');
INSERT INTO js_checked VALUES (3, '{}');
SELECT * FROM js_checked;

-- ------------------------------------------------------- bad schemas
SELECT mreg.jsonb_schema_check('{}') AS empty, mreg.jsonb_schema_check('true') AS t, mreg.jsonb_schema_check('false') AS f;
SELECT mreg.jsonb_schema_check((SELECT s FROM js_meta_schema)) AS meta_schema_ok;
SELECT s, pg_temp.check_err(s) AS result FROM (VALUES
  ('1'::jsonb), ('"object"'), ('null'), ('[]'), ('[{"type": "string"}]'),
  ('{"type": "strng"}'), ('{"type": "Object"}'), ('{"type": 1}'), ('{"type": []}'), ('{"type": ["string", "string"]}'),
  ('{"type": ["string", 1]}'), ('{"type": ["int"]}'), ('{"type": {}}'),
  ('{"required": "owner"}'), ('{"required": [1]}'), ('{"required": ["a", "a"]}'), ('{"required": [null]}'),
  ('{"properties": []}'), ('{"properties": {"a": 1}}'), ('{"properties": {"a": {"type": "x"}}}'),
  ('{"properties": {"a/b~c": {"minimum": "1"}}}'), ('{"additionalProperties": "no"}'), ('{"additionalProperties": {"enum": 1}}'),
  ('{"enum": "a"}'), ('{"enum": {}}'), ('{"enum": null}'),
  ('{"minimum": "1"}'), ('{"maximum": null}'), ('{"exclusiveMinimum": true}'), ('{"exclusiveMaximum": [1]}'),
  ('{"minLength": -1}'), ('{"maxLength": 1.5}'), ('{"minLength": "3"}'), ('{"maxLength": 3.0}'), ('{"maxLength": 1e30}'),
  ('{"minItems": -0.5}'), ('{"maxItems": true}'), ('{"uniqueItems": 1}'), ('{"uniqueItems": "true"}'),
  ('{"pattern": 1}'), ('{"pattern": "("}'), ('{"pattern": "[z-a]"}'), ('{"pattern": "a{2,1}"}'), ('{"pattern": ""}'),
  ('{"items": [{"type": "string"}]}'), ('{"items": 1}'), ('{"items": {"items": {"maxItems": -1}}}'),
  ('{"title": 1}'), ('{"description": null}'), ('{"$comment": []}'), ('{"examples": 1}'), ('{"default": null}'),
  ('{"oneOf": [{}, {}]}'), ('{"$ref": "#/$defs/x"}'), ('{"format": "email"}'), ('{"multipleOf": 2}'),
  ('{"patternProperties": {}}'), ('{"properties": {"a": {"items": {"anyOf": []}}}}'),
  ('{"requird": ["a"]}'), ('{"Type": "string"}'), ('{"": 1}'), ('{"properties": {"x": {"tpye": "string"}}}')
) t(s);
-- The full error, with its hint, for the common cases.
SELECT mreg.jsonb_schema_check('{"properties": {"age": {"type": "integer", "minimum": "18"}}}');
SELECT mreg.jsonb_schema_check('{"properties": {"tags": {"items": {"oneOf": [{"type": "string"}]}}}}');
SELECT mreg.jsonb_schema_check('{"properties": {"name": {"requird": true}}}');
SELECT mreg.jsonb_schema_check('{"exclusiveMinimum": true, "minimum": 0}');
SELECT mreg.jsonb_schema_check('{"items": [{"type": "string"}, {"type": "number"}]}');
SELECT mreg.jsonb_schema_check('{"properties": {"code": {"pattern": "^[A-Z+$"}}}');
-- Validating with a bad schema is an error too, never a silent true or false.
SELECT mreg.jsonb_matches_schema('{"minLength": "3"}', '"ab"');
SELECT * FROM mreg.jsonb_schema_violations('{"format": "date"}', '"2024-01-01"');
-- Bad schema errors win even when the document is NULL-free and trivial.
SELECT mreg.jsonb_matches_schema('{"properties": {"a": {"type": "nope"}}}', '{}');
