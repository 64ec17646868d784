-- JSON Schema validator: declarations, error codes, and properties checked
-- over generated schemas and documents against PostgreSQL's own operators.
BEGIN;
SELECT plan(45);

-- ---------------------------------------------------------------- declarations
SELECT has_function('mreg', 'jsonb_matches_schema', ARRAY['jsonb', 'jsonb'], 'jsonb_matches_schema(jsonb, jsonb) exists');
SELECT has_function('mreg', 'jsonb_schema_violations', ARRAY['jsonb', 'jsonb'], 'jsonb_schema_violations(jsonb, jsonb) exists');
SELECT has_function('mreg', 'jsonb_schema_check', ARRAY['jsonb'], 'jsonb_schema_check(jsonb) exists');
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'mreg'::regnamespace
              AND proname IN ('jsonb_matches_schema', 'jsonb_schema_violations', 'jsonb_schema_check')
              AND provolatile = 'i' AND proisstrict AND proparallel = 's'),
          3::bigint, 'all three are IMMUTABLE STRICT PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_description d JOIN pg_proc p ON p.oid = d.objoid
            WHERE p.pronamespace = 'mreg'::regnamespace AND p.proname LIKE 'jsonb%'),
          3::bigint, 'all three have a comment');
SELECT is(ARRAY(SELECT unnest(proargnames) FROM pg_proc WHERE oid = 'mreg.jsonb_schema_violations(jsonb,jsonb)'::regprocedure),
          ARRAY['schema', 'doc', 'path', 'keyword', 'message'], 'violations returns (path, keyword, message)');

-- ---------------------------------------------------------------- error codes
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"type": "strng"}')$$, '22023', NULL, 'unknown type name: 22023');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"properties": {"a": {"minimum": "1"}}}')$$, '22023',
                 'invalid JSON schema at "/properties/a/minimum": "minimum" must be a number, not string',
                 'bad keyword value: 22023 with the schema path');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"allOf": []}')$$, '0A000', NULL, 'unsupported keyword: 0A000');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"requird": []}')$$, '22023', NULL, 'unknown keyword: 22023');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"pattern": "(?"}')$$, '2201B', NULL, 'bad pattern: 2201B');
SELECT throws_ok($$SELECT mreg.jsonb_matches_schema('42', '{}')$$, '22023', NULL, 'a number is not a schema, also in matches');
SELECT throws_ok($$SELECT * FROM mreg.jsonb_schema_violations('{"not": {}}', '{}')$$, '0A000', NULL, 'violations rejects bad schemas too');
-- Deep nesting is refused by the stack depth guard, not a crash: the values
-- are parsed first with the default limit, then checked with a small one.
CREATE TEMP TABLE deep AS
SELECT (repeat('{"items": ', 3000) || '{}' || repeat('}', 3000))::jsonb AS s,
       (repeat('[', 3000) || repeat(']', 3000))::jsonb AS d;
SET LOCAL max_stack_depth = '100kB';
SELECT throws_ok($$SELECT mreg.jsonb_schema_check(s) FROM deep$$, '54001', NULL,
                 'runaway schema nesting hits the stack depth guard');
RESET max_stack_depth;
SELECT ok((SELECT mreg.jsonb_matches_schema(s, d) FROM deep), '3000 levels of schema and document validate with the default stack');

-- ---------------------------------------------------------------- generated data
CREATE TEMP TABLE gen_doc AS
SELECT i, CASE i % 9
         WHEN 0 THEN jsonb_build_object('owner', 'u' || i, 'n', i, 'tags', jsonb_build_array('a', 'b'))
         WHEN 1 THEN jsonb_build_object('owner', i, 'n', i / 7.0)
         WHEN 2 THEN jsonb_build_object('n', -i, 'tags', jsonb_build_array('a', 'a', i), 'extra', NULL)
         WHEN 3 THEN to_jsonb(repeat('x', i % 13))
         WHEN 4 THEN to_jsonb(i % 50 - 25)
         WHEN 5 THEN jsonb_build_array(i % 3, (i + 1) % 3, jsonb_build_object('k', i % 2))
         WHEN 6 THEN 'null'::jsonb
         WHEN 7 THEN jsonb_build_object('owner', 'U' || i, 'tags', jsonb_build_array(jsonb_build_array(i)), 'n', 1e3 + i / 1000.0)
         ELSE to_jsonb(i % 2 = 0)
       END AS d
  FROM generate_series(1, 450) i;

CREATE TEMP TABLE gen_schema(s jsonb);
INSERT INTO gen_schema VALUES
  ('{}'), ('true'), ('false'),
  ('{"type": "object", "required": ["owner", "n"]}'),
  ('{"type": ["object", "null"], "properties": {"owner": {"type": "string", "pattern": "^u[0-9]+$"},
     "n": {"type": "integer", "minimum": -100, "exclusiveMaximum": 300}}, "additionalProperties": false}'),
  ('{"properties": {"tags": {"type": "array", "uniqueItems": true, "maxItems": 2, "items": {"type": "string", "minLength": 1}}}}'),
  ('{"type": "string", "minLength": 3, "maxLength": 8}'),
  ('{"type": "integer", "exclusiveMinimum": -5, "maximum": 20}'),
  ('{"type": "array", "minItems": 3, "uniqueItems": true, "items": {"type": ["integer", "object"], "properties": {"k": {"const": 1}}}}'),
  ('{"enum": [null, true, 0, "xxx", {"n": 3}]}'),
  ('{"properties": {"n": {"maximum": 1000.2}, "tags": {"items": {"type": "array", "items": {"enum": [7, 16, 25]}}}}}');

SELECT ok((SELECT bool_and(mreg.jsonb_schema_check(s)) FROM gen_schema), 'every generated schema passes jsonb_schema_check');

SELECT is((SELECT count(*) FROM gen_schema, gen_doc
            WHERE mreg.jsonb_matches_schema(s, d)
               <> NOT EXISTS (SELECT FROM mreg.jsonb_schema_violations(s, d))),
          0::bigint, 'matches_schema is true exactly when violations is empty (4950 pairs)');
SELECT cmp_ok((SELECT count(*) FROM gen_schema, gen_doc WHERE mreg.jsonb_matches_schema(s, d)), '>', 1000::bigint,
              'the generated set has many matching pairs');
SELECT cmp_ok((SELECT count(*) FROM gen_schema, gen_doc WHERE NOT mreg.jsonb_matches_schema(s, d)), '>', 1000::bigint,
              'and many failing ones');
SELECT is((SELECT count(DISTINCT v.keyword) FROM gen_schema, gen_doc, mreg.jsonb_schema_violations(s, d) v),
          15::bigint, 'the generated set exercises fifteen different keywords');

-- Every violation path is a JSON Pointer to a place that exists in the document.
SELECT is((SELECT count(*) FROM gen_schema, gen_doc, mreg.jsonb_schema_violations(s, d) v
            WHERE (CASE WHEN v.path = '' THEN d
                        ELSE d #> (SELECT array_agg(replace(replace(t, '~1', '/'), '~0', '~') ORDER BY o)
                                     FROM unnest(string_to_array(substr(v.path, 2), '/')) WITH ORDINALITY u(t, o)) END) IS NULL),
          0::bigint, 'every violation path resolves in the document');
SELECT ok((SELECT bool_and(mreg.jsonb_matches_schema('{}', d) AND mreg.jsonb_matches_schema('true', d)
                           AND NOT mreg.jsonb_matches_schema('false', d)) FROM gen_doc),
          '{} and true accept every document, false none');

-- Keyword semantics agree with PostgreSQL's own operators.
SELECT is((SELECT count(*) FROM gen_doc a, gen_doc b
            WHERE mreg.jsonb_matches_schema(jsonb_build_object('const', a.d), b.d) <> (a.d = b.d)),
          0::bigint, 'const agrees with jsonb equality (202500 pairs)');
SELECT is((SELECT count(*) FROM gen_doc
            WHERE NOT mreg.jsonb_matches_schema(jsonb_build_object('enum', jsonb_build_array(1, d, 'z')), d)),
          0::bigint, 'a value is always in an enum that lists it');
SELECT is((SELECT count(*) FROM (SELECT i, jsonb_agg(to_jsonb((i * k) % 7 / 2.0)) AS arr
                                   FROM generate_series(1, 300) i, generate_series(1, 1 + i % 6) k GROUP BY i) t
            WHERE mreg.jsonb_matches_schema('{"uniqueItems": true}', arr)
               <> ((SELECT count(DISTINCT e) FROM jsonb_array_elements(arr) e) = jsonb_array_length(arr))),
          0::bigint, 'uniqueItems agrees with count(DISTINCT) over the elements');
SELECT is((SELECT count(*) FROM generate_series(0, 40) k,
                  (SELECT repeat(chr(x), x % 7) || repeat('é', x % 5) || repeat('😀', x % 3) AS str
                     FROM generate_series(33, 500) x) s
            WHERE mreg.jsonb_matches_schema(jsonb_build_object('minLength', k % 12, 'maxLength', 2 + k), to_jsonb(str))
               <> (char_length(str) BETWEEN k % 12 AND 2 + k)),
          0::bigint, 'minLength/maxLength agree with char_length');
SELECT is((SELECT count(*) FROM (SELECT (x / 7.0 - 20)::numeric AS n FROM generate_series(0, 300) x) v,
                                (SELECT (b / 3.0 - 10)::numeric AS b FROM generate_series(0, 60) b) w
            WHERE mreg.jsonb_matches_schema(jsonb_build_object('minimum', b), to_jsonb(n)) <> (n >= b)
               OR mreg.jsonb_matches_schema(jsonb_build_object('exclusiveMinimum', b), to_jsonb(n)) <> (n > b)
               OR mreg.jsonb_matches_schema(jsonb_build_object('maximum', b), to_jsonb(n)) <> (n <= b)
               OR mreg.jsonb_matches_schema(jsonb_build_object('exclusiveMaximum', b), to_jsonb(n)) <> (n < b)),
          0::bigint, 'numeric bounds agree with numeric comparison');
SELECT is((SELECT count(*) FROM (SELECT (x / 4.0 - 30)::numeric AS n FROM generate_series(0, 240) x) v
            WHERE mreg.jsonb_matches_schema('{"type": "integer"}', to_jsonb(n)) <> (n = trunc(n))),
          0::bigint, 'type integer agrees with n = trunc(n)');
SELECT is((SELECT count(*) FROM (VALUES ('^[a-z]+$'), ('b'), ('^(ab|cd)*$'), ('[[:digit:]]{2}'), ('\d\.\d'), ('^é'), ('x$')) p(p),
                  (SELECT substr(md5(x::text), 1, x % 9) || CASE WHEN x % 4 = 0 THEN 'é' ELSE '' END AS str
                     FROM generate_series(1, 400) x) s
            WHERE mreg.jsonb_matches_schema(jsonb_build_object('pattern', p), to_jsonb(str)) <> (str COLLATE "C" ~ p)),
          0::bigint, 'pattern agrees with the ~ operator under the C collation');
SELECT is((SELECT count(*) FROM gen_doc, (VALUES ('{owner}'::text[]), ('{owner,n}'), ('{tags,extra}'), ('{}')) r(keys)
            WHERE jsonb_typeof(d) = 'object'
              AND mreg.jsonb_matches_schema(jsonb_build_object('required', to_jsonb(keys)), d) <> (d ?& keys)),
          0::bigint, 'required agrees with the ?& operator');

-- The cached compiled schema follows the schema from row to row.
SELECT is((SELECT count(*) FROM generate_series(1, 500) i
            WHERE mreg.jsonb_matches_schema(jsonb_build_object('maximum', i % 5), to_jsonb(i % 7)) <> (i % 7 <= i % 5)),
          0::bigint, 'a schema that changes every row is recompiled every row');
-- Output of violations for a known document, end to end.
SELECT results_eq(
  $$SELECT path, keyword, message FROM mreg.jsonb_schema_violations(
      '{"type": "object", "required": ["owner"], "properties": {"metrics": {"items": {"properties": {"name": {"type": "string"}}}}}}',
      '{"metrics": [{"name": "auc"}, {"name": 1}]}')$$,
  $$VALUES ('', 'required', 'missing required property "owner"'),
           ('/metrics/1/name', 'type', 'expected string, got number')$$,
  'violations lists each problem with its JSON Pointer');
SELECT is((SELECT count(*) FROM mreg.jsonb_schema_violations('{"items": {"type": "string"}}',
             (SELECT jsonb_agg(CASE WHEN x % 10 = 0 THEN to_jsonb(x) ELSE to_jsonb(x::text) END) FROM generate_series(1, 100000) x))),
          10000::bigint, 'all 10000 violations of a 100000-element array are returned');
SELECT lives_ok($$SELECT mreg.jsonb_matches_schema('{"items": {"items": {"items": {"type": "integer"}}}}',
                    (SELECT jsonb_agg(jsonb_build_array(jsonb_build_array(x, x + 1))) FROM generate_series(1, 50000) x))$$,
                'a big nested document validates');

-- ---------------------------------------------------------------- scale and cancel
-- Checks that used to be quadratic (uniqueItems over 20k equal items took
-- 3.1 s; 100k would take over a minute) finish far inside this timeout.
SET LOCAL statement_timeout = '5s';
SELECT is((SELECT message FROM mreg.jsonb_schema_violations('{"uniqueItems": true}',
             (SELECT jsonb_agg(1) FROM generate_series(1, 100000)))),
          'array items 0 and 1 are equal', 'uniqueItems over 100k equal items: O(n log n), first pair reported');
SELECT is((SELECT message FROM mreg.jsonb_schema_violations('{"uniqueItems": true}',
             (SELECT jsonb_agg(CASE WHEN x <= 50000 THEN to_jsonb(x) ELSE to_jsonb((x - 50000)::numeric + 0.0) END ORDER BY x)
                FROM generate_series(1, 100000) x))),
          'array items 0 and 50000 are equal', 'uniqueItems over 100k items: 1 equals 1.0, the earliest later duplicate is reported');
SELECT ok(mreg.jsonb_matches_schema('{"uniqueItems": true}',
            (SELECT jsonb_agg(jsonb_build_object('k', x, 'v', array[x])) FROM generate_series(1, 100000) x)),
          'uniqueItems over 100k distinct objects');
CREATE TEMP TABLE many_names AS
SELECT jsonb_build_object('required', jsonb_agg('p' || x ORDER BY x)) AS s,
       jsonb_object_agg('p' || x, x) AS d,
       jsonb_build_object('items', jsonb_build_object('enum', jsonb_agg(x ORDER BY x DESC))) AS e,
       jsonb_agg(x) AS a
  FROM generate_series(1, 100000) x;
SELECT ok((SELECT mreg.jsonb_schema_check(s) FROM many_names), '"required" with 100k names compiles');
SELECT ok((SELECT mreg.jsonb_matches_schema(s, d) FROM many_names), '100k required properties are all found');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check(jsonb_set(s, '{required}', (s -> 'required') || '["p7", 1]')) FROM many_names$$,
                 '22023', 'invalid JSON schema at "/required/100000": property "p7" is listed twice in "required"',
                 'a duplicate required name at the end of 100k is found');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"required": ["a", 1, "a"]}')$$,
                 '22023', 'invalid JSON schema at "/required/1": a required property name must be a string, not number',
                 'required: the first bad element in array order is reported (a non-string before a duplicate)');
SELECT throws_ok($$SELECT mreg.jsonb_schema_check('{"required": ["a", "b", "a", 1, "b"]}')$$,
                 '22023', 'invalid JSON schema at "/required/2": property "a" is listed twice in "required"',
                 'required: the first bad element in array order is reported (a duplicate before a non-string)');
SELECT ok((SELECT mreg.jsonb_matches_schema(e, a) FROM many_names), 'enum of 100k values checked over 100k items');
SELECT is(ARRAY(SELECT mreg.jsonb_matches_schema('{"enum": [3, 1.0, "a", null, [1, 2], {"x": 1}]}', d)
                  FROM unnest(ARRAY['1', '[1, 2.0]', '{"x": 1.00}', 'null', '"a"', '2', '[2, 1]', '"A"', 'false']::jsonb[]) d),
          ARRAY[true, true, true, true, true, false, false, false, false],
          'enum looked up by sorting keeps JSON equality: 1 = 1.0, arrays and objects by value');
SET LOCAL statement_timeout = 0;
-- Cancel reaches the long loops: compiling 2M required names is interrupted
-- by a 50 ms statement timeout within a fraction of a second.
CREATE TEMP TABLE huge_required AS
SELECT jsonb_build_object('required', jsonb_agg('p' || x)) AS s FROM generate_series(1, 2000000) x;
CREATE FUNCTION pg_temp.canceled_after(q text) RETURNS interval LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN EXECUTE q; RETURN NULL; EXCEPTION WHEN query_canceled THEN RETURN clock_timestamp() - t0; END $f$;
SET LOCAL statement_timeout = '50ms';
SELECT cmp_ok(pg_temp.canceled_after('SELECT mreg.jsonb_schema_check(s) FROM huge_required'), '<', interval '1s',
              'a statement timeout cancels the compile of 2M required names promptly');
SET LOCAL statement_timeout = 0;

SELECT * FROM finish();
ROLLBACK;
