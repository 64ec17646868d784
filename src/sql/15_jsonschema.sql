-- JSON Schema subset validator for metadata (src/jsonschema.c).
-- mreg.metadata_schema stores a schema per project and entity kind; these
-- functions check a schema and validate jsonb documents against it.
-- See doc/metadata-schemas.md for the supported keywords and their meaning.

CREATE FUNCTION mreg.jsonb_schema_check(schema pg_catalog.jsonb)
    RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'mreg_jsonb_schema_check'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.jsonb_schema_check(pg_catalog.jsonb) IS
    'True when the JSON Schema uses only the supported subset with well-formed keyword values; otherwise raises an error naming the schema path (22023 malformed, 0A000 unsupported keyword, 2201B bad pattern)';

CREATE FUNCTION mreg.jsonb_matches_schema(schema pg_catalog.jsonb, doc pg_catalog.jsonb)
    RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'mreg_jsonb_matches_schema'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
COMMENT ON FUNCTION mreg.jsonb_matches_schema(pg_catalog.jsonb, pg_catalog.jsonb) IS
    'True when the jsonb document satisfies the JSON Schema (supported subset); an invalid schema is an error, never false';

CREATE FUNCTION mreg.jsonb_schema_violations(schema pg_catalog.jsonb, doc pg_catalog.jsonb)
    RETURNS TABLE(path pg_catalog.text, keyword pg_catalog.text, message pg_catalog.text)
    AS 'MODULE_PATHNAME', 'mreg_jsonb_schema_violations'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50 ROWS 3;
COMMENT ON FUNCTION mreg.jsonb_schema_violations(pg_catalog.jsonb, pg_catalog.jsonb) IS
    'Every way the jsonb document violates the JSON Schema: JSON Pointer path into the document (empty for the root), the failing keyword and a readable message; no rows means valid';
