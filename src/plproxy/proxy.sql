-- mreg through PL/Proxy: the proxy database's half (doc/scaling.md).
--
-- Run on the proxy database, after CREATE EXTENSION plproxy and after the
-- SQL/MED cluster `mreg` exists (src/plproxy/setup.sh does all three).  The proxy
-- holds no registry: schema mreg_proxy has functions with the names,
-- arguments and defaults of mreg's API that run on a shard, and one table,
-- the map of which project lives on which shard.
--
--   routed by project   create_project, grant_access, register_model,
--                       register_dataset_version, log_run,
--                       register_model_version, set_status, set_alias,
--                       define_environment, promote, version_id
--   routed by id        log_evaluation (model_version_id), record_health
--                       (deployment_id): shard k's ids are k * 10^12 and up
--                       (src/plproxy/shard.sql), so an id names its shard
--   routed by node      impact (the node's project prefix)
--   on every shard      search (merged here: score, then id, then
--                       max_results/skip), search_facets (counts summed)
--
-- A version is `text` here (mreg.semver is not installed on the proxy); the
-- shard casts it.  Arguments go positionally with the proxy's defaults, which
-- are mreg's (test/tap/plproxy.pl compares the signatures).
--
-- Every call connects to the shard as the calling role (PL/Proxy appends
-- user=current_user), so the shard's grants, row-level security and audit
-- see the real caller.  Each call commits on its shard on its own: a proxy
-- transaction spanning several calls is not one transaction.

CREATE SCHEMA IF NOT EXISTS mreg_proxy;
COMMENT ON SCHEMA mreg_proxy IS 'mreg API routed to shards with PL/Proxy (doc/scaling.md)';
REVOKE ALL ON SCHEMA mreg_proxy FROM PUBLIC;
GRANT USAGE ON SCHEMA mreg_proxy TO PUBLIC;

CREATE TABLE IF NOT EXISTS mreg_proxy.project_shard (
    project    text PRIMARY KEY,
    shard      integer NOT NULL CHECK (shard >= 0),
    placed_at  timestamptz NOT NULL DEFAULT now(),
    placed_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE mreg_proxy.project_shard IS 'Which shard (PL/Proxy partition number of cluster mreg) holds each project';
COMMENT ON COLUMN mreg_proxy.project_shard.project IS 'Project name, as in mreg.project.name on the shard';
COMMENT ON COLUMN mreg_proxy.project_shard.shard IS 'Partition number: p0, p1, ... of foreign server mreg';
COMMENT ON COLUMN mreg_proxy.project_shard.placed_at IS 'When the project was placed (create_project or attach_project)';
COMMENT ON COLUMN mreg_proxy.project_shard.placed_by IS 'Who placed it';
-- project names are not public: a private project is hidden on its shard
REVOKE ALL ON mreg_proxy.project_shard FROM PUBLIC;

-- ------------------------------------------------------------------ routing

-- How many shards cluster mreg has: the p0, p1, ... options of its server.
CREATE OR REPLACE FUNCTION mreg_proxy.shard_count() RETURNS integer
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
RETURN (SELECT count(*) FROM pg_catalog.pg_foreign_server s, pg_catalog.unnest(s.srvoptions) o
         WHERE s.srvname = 'mreg' AND o ~ '^p[0-9]+=')::integer;
COMMENT ON FUNCTION mreg_proxy.shard_count() IS 'Number of shards (partitions p0..pN-1 of foreign server mreg)';

-- The shard of a project: the errors are the shard's own for a project that
-- is absent (23503) or unnamed (22004), so a caller sees what one node says.
CREATE OR REPLACE FUNCTION mreg_proxy.shard_of(project text) RETURNS integer
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s integer;
BEGIN
    IF project IS NULL OR btrim(project) = '' THEN
        RAISE EXCEPTION 'project must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT m.shard INTO s FROM mreg_proxy.project_shard m WHERE m.project = shard_of.project;
    IF s IS NULL THEN
        RAISE EXCEPTION 'project "%" does not exist', left(project, 64)
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Create it with mreg_proxy.create_project(), or place a project made on a shard with mreg_proxy.attach_project().';
    END IF;
    RETURN s;
END
$$;
COMMENT ON FUNCTION mreg_proxy.shard_of(text) IS 'Shard of a project (23503 when the proxy has not placed it)';

-- The shard of an id: shard k numbers its rows from k * 10^12 (shard.sql).
CREATE OR REPLACE FUNCTION mreg_proxy.shard_of_id(id bigint, what text DEFAULT 'id') RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION '% must not be null', what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF id < 1 OR id / 1000000000000 >= mreg_proxy.shard_count() THEN
        RAISE EXCEPTION '% % does not exist', what, id
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('Shard k holds ids from k * 10^12; there are %s shards.', mreg_proxy.shard_count());
    END IF;
    RETURN (id / 1000000000000)::integer;
END
$$;
COMMENT ON FUNCTION mreg_proxy.shard_of_id(bigint, text) IS 'Shard of a registry id (shard k numbers from k * 10^12)';

-- The shard of a node text: its project prefix (project/kind:name), parsed
-- as mreg.parse_node does.
CREATE OR REPLACE FUNCTION mreg_proxy.shard_of_node(node text) RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m text[] := regexp_match(btrim(node), '^(?:("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/)?([a-z][a-z0-9_]*):(.+)$');
BEGIN
    IF node IS NULL THEN
        RAISE EXCEPTION 'node must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF m IS NULL OR m[1] IS NULL THEN
        RAISE EXCEPTION 'node text % names no project', quote_literal(left(node, 64))
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Through the proxy a node is project/kind:name: the project picks the shard.';
    END IF;
    RETURN mreg_proxy.shard_of(CASE WHEN m[1] LIKE '"%' THEN replace(substr(m[1], 2, length(m[1]) - 2), '""', '"') ELSE m[1] END);
END
$$;
COMMENT ON FUNCTION mreg_proxy.shard_of_node(text) IS 'Shard of a node text, by its project prefix';

-- Place a project on a shard (the map row only): the one given, else the
-- one with fewest projects (lowest number on a tie).  Returns the shard the map
-- holds for it: an existing placement wins, so creating a project twice ends
-- on its shard with the shard's duplicate error.
CREATE OR REPLACE FUNCTION mreg_proxy._place_project(project text, shard integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s integer := shard;
BEGIN
    IF s IS NULL THEN    -- the shard with fewest projects
        SELECT g INTO s FROM generate_series(0, mreg_proxy.shard_count() - 1) g
         ORDER BY (SELECT count(*) FROM mreg_proxy.project_shard m WHERE m.shard = g), g LIMIT 1;
    END IF;
    IF s < 0 OR s >= mreg_proxy.shard_count() THEN
        RAISE EXCEPTION 'shard must be between 0 and %, not %', mreg_proxy.shard_count() - 1, s
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mreg_proxy.project_shard AS m (project, shard, placed_by)
    VALUES (_place_project.project, s, session_user)
    ON CONFLICT ON CONSTRAINT project_shard_pkey DO NOTHING;
    SELECT m.shard INTO s FROM mreg_proxy.project_shard m WHERE m.project = _place_project.project;
    RETURN s;
END
$$;
COMMENT ON FUNCTION mreg_proxy._place_project(text, integer) IS 'Records the shard of a project (or returns the one recorded)';

CREATE OR REPLACE FUNCTION mreg_proxy._create_project_on(shard integer, name text, description text, visibility text)
    RETURNS bigint
    LANGUAGE plproxy
AS $$
    CLUSTER 'mreg';
    RUN ON shard;
    SELECT mreg.create_project(name, description, visibility);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy._project_on(shard integer, project_name text) RETURNS boolean
    LANGUAGE plproxy
AS $$
    CLUSTER 'mreg';
    RUN ON shard;
    SELECT EXISTS (SELECT FROM mreg.project p WHERE p.name = project_name);
$$;

-- mreg.create_project on a shard: the one given, else the one with fewest
-- projects (lowest number on a tie).  Projects whose lineage refers to each
-- other must share a shard: give them the same one.
CREATE OR REPLACE FUNCTION mreg_proxy.create_project(name text, description text DEFAULT NULL,
                                                     visibility text DEFAULT 'internal', shard integer DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s integer;
BEGIN
    -- the shard checks again; this keeps a refused call from placing anything
    IF NOT pg_has_role('mreg_admin', 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied to create project "%"', left(name, 64)
            USING ERRCODE = 'insufficient_privilege', HINT = 'Creating a project needs membership in mreg_admin.';
    END IF;
    s := mreg_proxy._place_project(name, shard);
    -- the map row commits with the caller's transaction; the shard's
    -- create_project commits on its own, first
    RETURN mreg_proxy._create_project_on(s, name, description, visibility);
END
$$;
COMMENT ON FUNCTION mreg_proxy.create_project(text, text, text, integer) IS
    'mreg.create_project on a shard (given, or the one with fewest projects), recorded in mreg_proxy.project_shard';

-- A project made on a shard directly (or moved there): record where it is.
CREATE OR REPLACE FUNCTION mreg_proxy.attach_project(project text, shard integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT mreg_proxy._project_on(shard, project) THEN
        RAISE EXCEPTION 'project "%" does not exist on shard %', left(project, 64), shard
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN mreg_proxy._place_project(project, shard);
END
$$;
COMMENT ON FUNCTION mreg_proxy.attach_project(text, integer) IS
    'Records that an existing project (visible to the caller on that shard) lives on a shard';

-- ------------------------------------------------------- routed by project

CREATE OR REPLACE FUNCTION mreg_proxy.grant_access(project text, grantee name, privilege text,
                                                   valid_until timestamptz DEFAULT NULL, purpose text DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.grant_access(project, grantee, privilege, valid_until, purpose);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.register_model(project text, name text, description text DEFAULT NULL,
                                                     domain text DEFAULT NULL, task text DEFAULT NULL,
                                                     framework text DEFAULT NULL, license text DEFAULT NULL,
                                                     owner name DEFAULT NULL, team text DEFAULT NULL,
                                                     constraints text[] DEFAULT NULL, ethical_notes text DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.register_model(project, name, description, domain, task, framework, license, owner, team,
                               constraints, ethical_notes);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.register_dataset_version(project text, dataset text, version text, uri text,
                                                               sha256 text DEFAULT NULL, row_count bigint DEFAULT NULL,
                                                               license text DEFAULT NULL, usage_rights text DEFAULT NULL,
                                                               contains_personal_data boolean DEFAULT false,
                                                               schema jsonb DEFAULT NULL, source_system text DEFAULT NULL,
                                                               description text DEFAULT NULL, domain text DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.register_dataset_version(project, dataset, version, uri, sha256, row_count, license, usage_rights,
                                         contains_personal_data, schema, source_system, description, domain);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.log_run(project text, experiment text, params jsonb, environment jsonb DEFAULT '{}',
                                              dataset_versions text[] DEFAULT '{}', notes text DEFAULT NULL,
                                              code_ref text DEFAULT NULL, pipeline text DEFAULT NULL,
                                              features jsonb DEFAULT NULL, status text DEFAULT 'finished',
                                              started_at timestamptz DEFAULT NULL, ended_at timestamptz DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.log_run(project, experiment, params, environment, dataset_versions, notes, code_ref, pipeline,
                        features, status, started_at, ended_at);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.register_model_version(project text, model text, version text,
                                                             run_id bigint DEFAULT NULL, artifacts jsonb DEFAULT '[]',
                                                             metadata jsonb DEFAULT '{}', signature jsonb DEFAULT NULL,
                                                             status text DEFAULT 'registered')
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.register_model_version(project, model, version::mreg.semver, run_id, artifacts, metadata,
                                       signature, status);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.set_status(project text, model text, version text, status text,
                                                 reason text DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.set_status(project, model, version::mreg.semver, status, reason);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.set_alias(project text, model text, alias text, version text,
                                                reason text DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.set_alias(project, model, alias, version::mreg.semver, reason);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.define_environment(project text, name text, "position" integer DEFAULT NULL,
                                                         requires text DEFAULT NULL, follow_alias text DEFAULT NULL,
                                                         health_window interval DEFAULT NULL,
                                                         max_latency_p95_ms double precision DEFAULT NULL,
                                                         max_error_rate double precision DEFAULT NULL,
                                                         max_drift_flags integer DEFAULT NULL,
                                                         feedback_tolerance double precision DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.define_environment(project, name, $3, requires, follow_alias, health_window, max_latency_p95_ms,
                                   max_error_rate, max_drift_flags, feedback_tolerance);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.promote(project text, model text, version text, environment text,
                                              traffic_pct integer DEFAULT 100, reason text DEFAULT NULL,
                                              endpoint text DEFAULT NULL, routing jsonb DEFAULT NULL,
                                              max_concurrency integer DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.promote(project, model, version::mreg.semver, environment, traffic_pct, reason, endpoint, routing,
                        max_concurrency);
$$;

-- mreg.version_id(project, model, ref text): a version number or an alias
CREATE OR REPLACE FUNCTION mreg_proxy.version_id(project text, model text, ref text)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of(project);
    SELECT mreg.version_id(project, model, ref);
$$;

-- ------------------------------------------------------------ routed by id

CREATE OR REPLACE FUNCTION mreg_proxy.log_evaluation(model_version_id bigint, metric text, value double precision,
                                                     dataset_version text DEFAULT NULL, slice text DEFAULT 'all',
                                                     method text DEFAULT NULL, evaluated_at timestamptz DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of_id(model_version_id, 'model version');
    SELECT mreg.log_evaluation(model_version_id, metric, value, dataset_version, slice, method, evaluated_at);
$$;

CREATE OR REPLACE FUNCTION mreg_proxy.record_health(deployment_id bigint, at timestamptz,
                                                    latency_p50_ms double precision DEFAULT NULL,
                                                    latency_p95_ms double precision DEFAULT NULL,
                                                    latency_p99_ms double precision DEFAULT NULL,
                                                    error_rate double precision DEFAULT NULL,
                                                    cpu double precision DEFAULT NULL,
                                                    memory_mb double precision DEFAULT NULL,
                                                    rps double precision DEFAULT NULL)
    RETURNS bigint LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of_id(deployment_id, 'deployment');
    SELECT mreg.record_health(deployment_id, at, latency_p50_ms, latency_p95_ms, latency_p99_ms, error_rate, cpu,
                              memory_mb, rps);
$$;

-- ---------------------------------------------------------- routed by node

CREATE OR REPLACE FUNCTION mreg_proxy.impact(node text)
    RETURNS TABLE (model_version_id bigint, project text, model text, version text, status text, depth integer)
    LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON mreg_proxy.shard_of_node(node);
    SELECT i.model_version_id, i.project, i.model, i.version::text AS version, i.status, i.depth FROM mreg.impact(node) i;
$$;

-- --------------------------------------------------------- on every shard

-- Each shard's first n results, n = max_results + skip, in pages of 1000
-- (mreg.search's limit), all read in one statement (one snapshot per shard).
CREATE OR REPLACE FUNCTION mreg_proxy._search_shards(query text, n integer)
    RETURNS TABLE (model_version_id bigint, project text, model text, version text, stage text, score real, snippet text)
    LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON ALL;
    SELECT s.model_version_id, s.project, s.model, s.version::text AS version, s.stage, s.score, s.snippet
      FROM pg_catalog.generate_series(0, (n - 1) / 1000) pg,
           mreg.search(query, least(1000, n - pg * 1000), pg * 1000) s;
$$;

-- mreg.search over every shard: each shard's best max_results + skip, merged
-- by score, then id (ids are unique across shards), then the window.  The
-- score has no corpus statistics (weighted rank, stage, age), so a merged
-- list orders as one node holding all the rows would.
CREATE OR REPLACE FUNCTION mreg_proxy.search(query text, max_results integer DEFAULT 20, skip integer DEFAULT 0)
    RETURNS TABLE (model_version_id bigint, project text, model text, version text, stage text, score real, snippet text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- mreg_internal.search_args, here: a shard would see max_results + skip
    IF query IS NULL THEN
        RAISE EXCEPTION 'search query must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'An empty query ('''') lists every version you may read.';
    END IF;
    IF max_results IS NULL OR max_results < 1 OR max_results > 1000 THEN
        RAISE EXCEPTION 'max_results must be between 1 and 1000, not %', coalesce(max_results::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF skip IS NULL OR skip < 0 OR skip > 1000000 THEN
        RAISE EXCEPTION 'skip must be between 0 and 1000000, not %', coalesce(skip::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Page with skip => page * max_results.';
    END IF;
    RETURN QUERY
        SELECT s.model_version_id, s.project, s.model, s.version, s.stage, s.score, s.snippet
          FROM mreg_proxy._search_shards(query, max_results + skip) s
         ORDER BY s.score DESC, s.model_version_id DESC
         LIMIT max_results OFFSET skip;
END
$$;
COMMENT ON FUNCTION mreg_proxy.search(text, integer, integer) IS
    'mreg.search on every shard, merged: best first, then by id, max_results from skip';

CREATE OR REPLACE FUNCTION mreg_proxy._search_facets_shards(query text)
    RETURNS TABLE (facet text, value text, count bigint)
    LANGUAGE plproxy AS $$
    CLUSTER 'mreg';
    RUN ON ALL;
    SELECT f.facet, f.value, f.count FROM mreg.search_facets(query) f;
$$;

-- A version lives on one shard, so the counts add up exactly.
CREATE OR REPLACE FUNCTION mreg_proxy.search_facets(query text)
    RETURNS TABLE (facet text, value text, count bigint)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.facet, f.value, sum(f.count)::bigint
      FROM mreg_proxy._search_facets_shards(query) f
     GROUP BY 1, 2
     ORDER BY 1, 3 DESC, 2;
$$;
COMMENT ON FUNCTION mreg_proxy.search_facets(text) IS 'mreg.search_facets on every shard, counts summed';

-- ---------------------------------------------------------------- privileges
-- Calls run on the shards as the caller, where mreg checks them; placing a
-- project is for mreg_admin (as creating one is).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA mreg_proxy FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA mreg_proxy TO PUBLIC;
REVOKE EXECUTE ON FUNCTION mreg_proxy._place_project(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mreg_proxy._place_project(text, integer) TO mreg_admin;
