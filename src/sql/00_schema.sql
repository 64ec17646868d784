-- Schema and build information.
-- The install script qualifies every name with mreg. or pg_catalog., so a
-- hostile search_path at CREATE EXTENSION time cannot capture a reference.

COMMENT ON SCHEMA mreg IS 'mreg: machine-learning model registry (extension-owned schema)';

-- Least privilege: PUBLIC gets nothing from the schema.
REVOKE ALL ON SCHEMA mreg FROM PUBLIC;

CREATE FUNCTION mreg.version() RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'mreg_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.version() IS
    'Version of the loaded mreg module, its build (git describe) and the PostgreSQL it was built for';
