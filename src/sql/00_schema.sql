-- Schema and build information.
-- The install script qualifies every name with mreg. or pg_catalog., so a
-- hostile search_path at CREATE EXTENSION time cannot capture a reference.

-- CREATE EXTENSION creates schema mreg when it is absent, but in
-- PostgreSQL 15 it silently installs into a schema that already exists.  A
-- role that owns that schema, or may create objects in it, could plant
-- functions there that every mreg function (search_path = pg_catalog, mreg,
-- pg_temp) and this script would call as the installing superuser: a
-- database owner who pre-creates mreg would become superuser.  So the schema
-- must be owned by a superuser, writable by nobody else, and empty.
-- (This block runs with that schema on the search_path: everything in it is
-- qualified.)
DO $$
DECLARE
    nsp pg_catalog.oid;
    owner_name pg_catalog.name;
    owner_super pg_catalog.bool;
    writers pg_catalog.text;
    objects pg_catalog.text;
BEGIN
    SELECT n.oid, r.rolname, r.rolsuper INTO nsp, owner_name, owner_super
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.nspname OPERATOR(pg_catalog.=) 'mreg';
    IF NOT owner_super THEN
        RAISE EXCEPTION 'schema "mreg" is owned by role %, which is not a superuser', pg_catalog.quote_ident(owner_name)
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Objects its owner creates in it would be found by the extension''s functions and run with the caller''s rights.',
                  HINT = 'Drop schema mreg (CREATE EXTENSION creates it), or make a superuser its owner after checking its contents.';
    END IF;

    SELECT pg_catalog.string_agg(CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                      ELSE pg_catalog.quote_ident(g.rolname) END, ', ')
      INTO writers
      FROM pg_catalog.pg_namespace n
     CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
      LEFT JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) a.grantee
     WHERE n.oid OPERATOR(pg_catalog.=) nsp
       AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
       AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
       AND NOT coalesce(g.rolsuper, false);
    IF writers IS NOT NULL THEN
        RAISE EXCEPTION 'roles other than its owner may create objects in schema "mreg"'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = pg_catalog.format('CREATE is granted to %s.', writers),
                  HINT = 'Revoke CREATE on schema mreg from them and check its contents, then create the extension.';
    END IF;

    SELECT pg_catalog.string_agg(pg_catalog.format('%s %s', o.n, o.what), ', ') INTO objects
      FROM (SELECT 'relations' AS what, pg_catalog.count(*) AS n
              FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'types', pg_catalog.count(*)    -- neither row types nor array types
              FROM pg_catalog.pg_type t
             WHERE t.typnamespace OPERATOR(pg_catalog.=) nsp AND t.typrelid OPERATOR(pg_catalog.=) 0
               AND NOT EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.typarray OPERATOR(pg_catalog.=) t.oid)
            UNION ALL
            SELECT 'functions', pg_catalog.count(*)
              FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'operators', pg_catalog.count(*)
              FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'operator families', pg_catalog.count(*)
              FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'collations', pg_catalog.count(*)
              FROM pg_catalog.pg_collation c WHERE c.collnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'conversions', pg_catalog.count(*)
              FROM pg_catalog.pg_conversion c WHERE c.connamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'text search configurations', pg_catalog.count(*)
              FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'text search dictionaries', pg_catalog.count(*)
              FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace OPERATOR(pg_catalog.=) nsp
            UNION ALL
            SELECT 'extended statistics', pg_catalog.count(*)
              FROM pg_catalog.pg_statistic_ext x WHERE x.stxnamespace OPERATOR(pg_catalog.=) nsp) o
     WHERE o.n OPERATOR(pg_catalog.>) 0;
    IF objects IS NOT NULL THEN
        RAISE EXCEPTION 'schema "mreg" already holds objects'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('It contains %s.', objects),
                  HINT = 'CREATE EXTENSION mreg needs an empty schema mreg (it creates the schema when absent).';
    END IF;
END
$$;

COMMENT ON SCHEMA mreg IS 'mreg: machine-learning model registry (extension-owned schema)';

-- Least privilege: PUBLIC gets nothing from the schema.
REVOKE ALL ON SCHEMA mreg FROM PUBLIC;

-- Internals (helpers of the API, trigger functions) live apart from what a
-- user calls, so that \df mreg.* lists the API.  CREATE SCHEMA fails when
-- the schema exists already: nobody can have planted anything in it.  Users
-- get no privilege on it; the API's functions call into it.
CREATE SCHEMA mreg_internal;
COMMENT ON SCHEMA mreg_internal IS 'mreg: internal helpers and trigger functions (extension-owned; not for direct use)';
REVOKE ALL ON SCHEMA mreg_internal FROM PUBLIC;

CREATE FUNCTION mreg.version() RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'mreg_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.version() IS
    'Version of the loaded mreg module, its build (git describe) and the PostgreSQL it was built for';
