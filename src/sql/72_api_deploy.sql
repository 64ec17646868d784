-- Deployment API: environments, promote, rollback, incidents (SPEC sections 3
-- and 4).  Conventions of every API function: see 33_registry_internal.sql.
--
-- The lifecycle (doc/deployments.md):
--   promote at 100%        the version goes live; the one live before ends
--                          (superseded) and becomes the new one's rollback target
--   promote below 100%     a canary beside the live version, which keeps the
--                          rest of the traffic; promoting the canary again
--                          ramps it, at 100% it replaces the live version
--   rollback               ends a canary; with none, brings back the previous
--                          live version at 100%
-- Every step is a row of mreg.deployment_event, written here.  Promotions
-- of one model in one environment run one after the other.

-- ---------------------------------------------------------------- environments
-- A project's environments; the first call for a project creates the
-- default three (dev, staging, production; production requires staging).
CREATE FUNCTION mreg_internal.environments(pid bigint) RETURNS SETOF mreg.environment
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF NOT EXISTS (SELECT FROM mreg.environment e WHERE e.project_id = pid) THEN
        INSERT INTO mreg.environment (project_id, name, position, requires)
        VALUES (pid, 'dev', 10, NULL), (pid, 'staging', 20, NULL), (pid, 'production', 30, 'staging')
        ON CONFLICT ON CONSTRAINT environment_unique DO NOTHING;
    END IF;
    RETURN QUERY SELECT * FROM mreg.environment e WHERE e.project_id = pid ORDER BY e.position;
END
$$;
COMMENT ON FUNCTION mreg_internal.environments(bigint) IS 'The environments of a project in order, creating the default dev, staging and production on first use';

CREATE FUNCTION mreg_internal.environment_row(pid bigint, environment text) RETURNS mreg.environment
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    e mreg.environment;
    n text := lower(btrim(mreg_internal.require(environment, 'environment')));
BEGIN
    SELECT * INTO e FROM mreg_internal.environments(pid) x WHERE x.name = n;
    IF e.id IS NULL THEN
        RAISE EXCEPTION 'environment % does not exist in project %', mreg_internal.quote_short(environment),
                        (SELECT p.name FROM mreg.project p WHERE p.id = pid)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Environments: %s.', (SELECT string_agg(x.name, ', ' ORDER BY x.position) FROM mreg.environment x WHERE x.project_id = pid)),
                  HINT = 'A project admin adds one with mreg.define_environment(project, name).';
    END IF;
    RETURN e;
END
$$;
COMMENT ON FUNCTION mreg_internal.environment_row(bigint, text) IS 'An environment of a project by name (22023 listing the project''s environments when unknown)';

CREATE FUNCTION mreg_internal.define_environment(project text, name text, "position" integer DEFAULT NULL,
        requires text DEFAULT NULL, follow_alias text DEFAULT NULL, health_window interval DEFAULT NULL,
        max_latency_p95_ms double precision DEFAULT NULL, max_error_rate double precision DEFAULT NULL,
        max_drift_flags integer DEFAULT NULL, feedback_tolerance double precision DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'admin');
    n text := lower(btrim(mreg_internal.require(name, 'environment name')));
    req text := lower(btrim(requires));
    al text := CASE WHEN nullif(btrim(follow_alias), '') IS NOT NULL THEN mreg_internal.alias_name(follow_alias) END;
    e mreg.environment;
    old mreg.environment;
    x text;
    hops int := 0;
BEGIN
    IF n !~ '^[a-z][a-z0-9_-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid environment name %', mreg_internal.quote_short(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'An environment name is a letter and up to 62 letters, digits, "_" or "-".';
    END IF;
    IF health_window <= '0'::interval THEN
        RAISE EXCEPTION 'health_window must be a positive interval, not %', health_window USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF 'NaN'::float8 IN (max_latency_p95_ms, max_error_rate, feedback_tolerance)
       OR max_latency_p95_ms = '-Infinity' OR max_error_rate = '-Infinity' OR abs(feedback_tolerance) = 'Infinity'
       OR max_latency_p95_ms <= 0 OR max_error_rate < 0 OR (max_error_rate > 1 AND max_error_rate <> 'Infinity') OR feedback_tolerance < 0 OR max_drift_flags < 0 THEN
        RAISE EXCEPTION 'invalid threshold for environment %', n
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Finite values with max_latency_p95_ms > 0 (got %s), 0 <= max_error_rate <= 1 (got %s), feedback_tolerance >= 0 (got %s), max_drift_flags >= 0 (got %s).',
                                  max_latency_p95_ms, max_error_rate, feedback_tolerance, max_drift_flags);
    END IF;
    PERFORM mreg_internal.environments(pid);
    SELECT * INTO old FROM mreg.environment y WHERE y.project_id = pid AND y.name = n FOR UPDATE;
    PERFORM mreg_internal.audit_note(pid, mreg_internal.node_text(project, 'environment', n), to_jsonb(old));
    -- a setting left out (NULL) keeps its value; '' clears requires and follow_alias
    e := old;
    e.position := coalesce("position", old.position, (SELECT max(y.position) + 10 FROM mreg.environment y WHERE y.project_id = pid));
    e.requires := CASE WHEN requires IS NULL THEN old.requires ELSE nullif(req, '') END;
    e.follow_alias := CASE WHEN follow_alias IS NULL THEN old.follow_alias ELSE al END;
    e.health_window := coalesce(health_window, old.health_window, '1 hour');
    -- 'Infinity' removes an SLO
    e.max_latency_p95_ms := CASE WHEN max_latency_p95_ms = 'Infinity' THEN NULL ELSE coalesce(max_latency_p95_ms, old.max_latency_p95_ms) END;
    e.max_error_rate := CASE WHEN max_error_rate = 'Infinity' THEN NULL ELSE coalesce(max_error_rate, old.max_error_rate) END;
    e.max_drift_flags := coalesce(max_drift_flags, old.max_drift_flags, 0);
    e.feedback_tolerance := coalesce(feedback_tolerance, old.feedback_tolerance, 0.05);
    IF e.requires IS NOT NULL THEN
        IF e.requires = n OR NOT EXISTS (SELECT FROM mreg.environment y WHERE y.project_id = pid AND y.name = e.requires) THEN
            RAISE EXCEPTION 'environment % cannot require %', n, mreg_internal.quote_short(requires)
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('requires names another environment of the project: %s.',
                                      (SELECT string_agg(y.name, ', ' ORDER BY y.position) FROM mreg.environment y WHERE y.project_id = pid AND y.name <> n));
        END IF;
        -- no cycle: nothing could ever be deployed in its environments
        x := e.requires;
        WHILE x IS NOT NULL AND hops < 1000 LOOP
            IF x = n THEN
                RAISE EXCEPTION 'environment % cannot require %: that would make a cycle', n, e.requires
                    USING ERRCODE = 'invalid_parameter_value',
                          DETAIL = format('%s requires %s already (through its chain of requirements); no version could be deployed in either.', e.requires, n);
            END IF;
            SELECT y.requires INTO x FROM mreg.environment y WHERE y.project_id = pid AND y.name = x;
            hops := hops + 1;
        END LOOP;
    END IF;
    IF EXISTS (SELECT FROM mreg.environment y WHERE y.project_id = pid AND y.position = e.position AND y.name <> n) THEN
        RAISE EXCEPTION 'position % is taken by environment % of project %', e.position,
                        (SELECT y.name FROM mreg.environment y WHERE y.project_id = pid AND y.position = e.position), project
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Positions: %s.', (SELECT string_agg(format('%s %s', y.name, y.position), ', ' ORDER BY y.position)
                                                      FROM mreg.environment y WHERE y.project_id = pid));
    END IF;
    IF old.id IS NULL THEN
        INSERT INTO mreg.environment (project_id, name, position, requires, follow_alias, health_window,
                                      max_latency_p95_ms, max_error_rate, max_drift_flags, feedback_tolerance)
        VALUES (pid, n, e.position, e.requires, e.follow_alias, e.health_window, e.max_latency_p95_ms, e.max_error_rate,
                e.max_drift_flags, e.feedback_tolerance)
        RETURNING environment.id INTO e.id;
    ELSE
        UPDATE mreg.environment y
           SET position = e.position, requires = e.requires, follow_alias = e.follow_alias, health_window = e.health_window,
               max_latency_p95_ms = e.max_latency_p95_ms, max_error_rate = e.max_error_rate,
               max_drift_flags = e.max_drift_flags, feedback_tolerance = e.feedback_tolerance
         WHERE y.id = old.id;
    END IF;
    RETURN e.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.define_environment(text, text, integer, text, text, interval, double precision, double precision, integer, double precision) IS
    'Adds an environment to a project or changes one (the old row is kept in history): position in the order, the environment a version must have been in first (no cycles), the alias that follows the live version, the health window and the thresholds deployment_status judges by; a setting left out keeps its value (an empty string clears requires and follow_alias, ''Infinity'' an SLO); returns its id';

-- ---------------------------------------------------------------- promote, rollback
-- One promotion or rollback of a model in an environment at a time.
CREATE FUNCTION mreg_internal.lock_deployment(model_id bigint, environment_id bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    cls constant int := 1836213609;        -- 'mreg' + 2: deployment keys
    k int := hashtext(format('%s:%s', model_id, environment_id));
BEGIN
    IF pg_try_advisory_xact_lock(cls, k) THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(cls, k);
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'could not serialize access to the deployments of this model'
            USING ERRCODE = 'serialization_failure',
                  DETAIL = 'Another transaction promoted or rolled back this model in this environment; this transaction''s snapshot cannot see it.',
                  HINT = 'Retry the transaction.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.lock_deployment(bigint, bigint) IS
    'Transaction-level advisory lock on (model, environment): concurrent promotions and rollbacks of one model in one environment run one after the other';

CREATE FUNCTION mreg_internal.deploy_event(d mreg.deployment, kind text, from_version bigint, reason text,
                                           incident_id bigint DEFAULT NULL, to_version bigint DEFAULT NULL) RETURNS bigint
    LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO mreg.deployment_event (project_id, deployment_id, model_id, environment_id, kind,
                                       from_version_id, to_version_id, traffic_pct, incident_id, reason)
    VALUES ((d).project_id, (d).id, (d).model_id, (d).environment_id, deploy_event.kind,
            deploy_event.from_version, COALESCE(deploy_event.to_version, (d).model_version_id), (d).traffic_pct,
            deploy_event.incident_id, deploy_event.reason)
    RETURNING id;
END;
COMMENT ON FUNCTION mreg_internal.deploy_event(mreg.deployment, text, bigint, text, bigint, bigint) IS
    'Appends a deployment event about a deployment as it is now (to_version: the version serving after it, by default the deployment''s own)';

CREATE FUNCTION mreg_internal.end_deployment(did bigint, state text, reason text) RETURNS mreg.deployment
    LANGUAGE sql
BEGIN ATOMIC
    UPDATE mreg.deployment SET state = end_deployment.state, traffic_pct = 0,
           ended_at = pg_catalog.clock_timestamp(), end_reason = end_deployment.reason
     WHERE id OPERATOR(pg_catalog.=) end_deployment.did
    RETURNING *;
END;
COMMENT ON FUNCTION mreg_internal.end_deployment(bigint, text, text) IS 'Ends a deployment (ended or rolled_back) and returns it as it is now';

-- What follows a new live version: the environment's alias, and the
-- version's status in the staging and production environments.
CREATE FUNCTION mreg_internal.went_live(d mreg.deployment, env mreg.environment, reason text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v record;
BEGIN
    SELECT x.status, x.version, m.name AS model, p.name AS project INTO v
      FROM mreg.model_version x JOIN mreg.model m ON m.id = x.model_id JOIN mreg.project p ON p.id = x.project_id
     WHERE x.id = d.model_version_id;
    IF env.name IN ('staging', 'production') AND v.status <> env.name
       AND (env.name = 'production' OR v.status = 'registered')
       AND mreg.status_transition_allowed(v.status, env.name) THEN
        PERFORM mreg_internal.move_status(d.model_version_id, env.name, coalesce(reason, 'live in ' || env.name));
    END IF;
    IF env.follow_alias IS NOT NULL THEN
        PERFORM mreg_internal.set_alias(v.project, v.model, env.follow_alias, v.version,
                                        format('live in %s (deployment %s)', env.name, d.id));
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.went_live(mreg.deployment, mreg.environment, text) IS
    'After a version went live at 100%: moves its status to staging or production when it lags behind, and the environment''s follow_alias to it';

CREATE FUNCTION mreg_internal.promote(project text, model text, version mreg.semver, environment text,
        traffic_pct integer DEFAULT 100, reason text DEFAULT NULL, endpoint text DEFAULT NULL,
        routing jsonb DEFAULT NULL, max_concurrency integer DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_row(project, model, version, 'publish');
    env mreg.environment := mreg_internal.environment_row(v.project_id, environment);
    live mreg.deployment;
    canary mreg.deployment;
    d mreg.deployment;
BEGIN
    IF traffic_pct IS NULL OR traffic_pct < 1 OR traffic_pct > 100 THEN
        RAISE EXCEPTION 'traffic_pct must be between 1 and 100, not %', coalesce(traffic_pct::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = '100 makes the version live; less makes it a canary beside the live version.';
    END IF;
    IF routing IS NOT NULL AND jsonb_typeof(routing) <> 'object' THEN
        RAISE EXCEPTION 'routing must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_concurrency IS NOT NULL AND max_concurrency < 1 THEN
        RAISE EXCEPTION 'max_concurrency must be positive, not %', max_concurrency USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v.status NOT IN ('registered', 'staging', 'production') THEN
        RAISE EXCEPTION 'model version %@% is % and cannot be deployed', model, v.version, v.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = CASE WHEN v.status = 'draft' THEN 'Register it first: mreg.set_status(project, model, version, ''registered'').'
                              ELSE 'Only registered, staging and production versions are deployed; promote another version.' END;
    END IF;
    PERFORM mreg_internal.lock_deployment(v.model_id, env.id);
    SELECT * INTO live FROM mreg.deployment x WHERE x.model_id = v.model_id AND x.environment_id = env.id AND x.state = 'live';
    SELECT * INTO canary FROM mreg.deployment x WHERE x.model_id = v.model_id AND x.environment_id = env.id AND x.state = 'canary';
    PERFORM mreg_internal.audit_note(v.project_id, mreg_internal.version_node(project, model, v.version) || ' in ' || env.name,
                                     jsonb_build_object('live', to_jsonb(live), 'canary', to_jsonb(canary)));
    IF env.requires IS NOT NULL AND live.model_version_id IS DISTINCT FROM v.id
       AND NOT EXISTS (SELECT FROM mreg.deployment x JOIN mreg.environment e ON e.id = x.environment_id
                        WHERE x.model_version_id = v.id AND e.name = env.requires) THEN
        RAISE EXCEPTION 'model version %@% must be deployed in % before %', model, v.version, env.requires, env.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('Promote it to %s first.', env.requires);
    END IF;
    PERFORM mreg_internal.enforce_policy('promote', v.id, env.name);

    IF traffic_pct < 100 THEN
        IF live.id IS NULL THEN
            RAISE EXCEPTION 'no version of model % is live in %: a canary needs one beside it', mreg_internal.quote_short(model), env.name
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Promote a version at 100% first.';
        ELSIF live.model_version_id = v.id THEN
            RAISE EXCEPTION 'model version %@% is live in % already', model, v.version, env.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF canary.model_version_id = v.id THEN                          -- ramp
            UPDATE mreg.deployment x SET traffic_pct = promote.traffic_pct, endpoint = coalesce(promote.endpoint, x.endpoint),
                   routing = coalesce(promote.routing, x.routing), max_concurrency = coalesce(promote.max_concurrency, x.max_concurrency)
             WHERE x.id = canary.id RETURNING * INTO d;
            PERFORM mreg_internal.deploy_event(d, 'canary_ramp', live.model_version_id, reason);
        ELSE
            IF canary.id IS NOT NULL THEN                               -- another canary gives way
                PERFORM mreg_internal.deploy_event(mreg_internal.end_deployment(canary.id, 'ended', 'replaced by a canary of ' || v.version),
                                                   'canary_ended', canary.model_version_id, reason, NULL, v.id);
            END IF;
            INSERT INTO mreg.deployment (project_id, model_id, model_version_id, environment_id, state, traffic_pct,
                                         endpoint, routing, max_concurrency, rollback_to_version_id)
            VALUES (v.project_id, v.model_id, v.id, env.id, 'canary', traffic_pct, endpoint,
                    coalesce(routing, '{}'), max_concurrency, live.model_version_id)
            RETURNING * INTO d;
            PERFORM mreg_internal.deploy_event(d, 'canary', live.model_version_id, reason);
        END IF;
        UPDATE mreg.deployment x SET traffic_pct = 100 - promote.traffic_pct WHERE x.id = live.id;
        RETURN d.id;
    END IF;

    -- 100%: the version goes live
    IF live.model_version_id = v.id AND canary.id IS NULL THEN
        UPDATE mreg.deployment x SET endpoint = coalesce(promote.endpoint, x.endpoint), routing = coalesce(promote.routing, x.routing),
               max_concurrency = coalesce(promote.max_concurrency, x.max_concurrency)
         WHERE x.id = live.id;
        RETURN live.id;                                                 -- live already: nothing moves
    END IF;
    IF live.id IS NOT NULL THEN
        PERFORM mreg_internal.deploy_event(mreg_internal.end_deployment(live.id, 'ended', 'superseded by ' || v.version),
                                           'superseded', live.model_version_id, reason, NULL, v.id);
    END IF;
    IF canary.model_version_id = v.id THEN                              -- the canary takes over
        UPDATE mreg.deployment x SET state = 'live', traffic_pct = 100,
               endpoint = coalesce(promote.endpoint, x.endpoint, live.endpoint), routing = coalesce(promote.routing, x.routing),
               max_concurrency = coalesce(promote.max_concurrency, x.max_concurrency, live.max_concurrency)
         WHERE x.id = canary.id RETURNING * INTO d;
        PERFORM mreg_internal.deploy_event(d, 'canary_promoted', live.model_version_id, reason);
    ELSE
        IF canary.id IS NOT NULL THEN
            PERFORM mreg_internal.deploy_event(mreg_internal.end_deployment(canary.id, 'ended', 'replaced by ' || v.version),
                                               'canary_ended', canary.model_version_id, reason, NULL, v.id);
        END IF;
        INSERT INTO mreg.deployment (project_id, model_id, model_version_id, environment_id, state, traffic_pct,
                                     endpoint, routing, max_concurrency, rollback_to_version_id)
        VALUES (v.project_id, v.model_id, v.id, env.id, 'live', 100, coalesce(endpoint, live.endpoint),
                coalesce(routing, live.routing, '{}'), coalesce(max_concurrency, live.max_concurrency),
                CASE WHEN live.model_version_id IS DISTINCT FROM v.id THEN live.model_version_id ELSE live.rollback_to_version_id END)
        RETURNING * INTO d;
        PERFORM mreg_internal.deploy_event(d, 'promotion', live.model_version_id, reason);
    END IF;
    PERFORM mreg_internal.went_live(d, env, reason);
    RETURN d.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.promote(text, text, mreg.semver, text, integer, text, text, jsonb, integer) IS
    'Deploys a version in an environment: at 100% it goes live (the previous live version ends and becomes the rollback target), below 100% it runs as a canary beside the live version (again: a ramp); policy-checked (promote), production only after staging by default; every step a deployment event; returns the deployment id';

CREATE FUNCTION mreg_internal.rollback(project text, model text, environment text, reason text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'publish');
    mid bigint;
    env mreg.environment;
    live mreg.deployment;
    canary mreg.deployment;
    target mreg.model_version;
    d mreg.deployment;
BEGIN
    PERFORM mreg_internal.require(model, 'model name');
    PERFORM mreg_internal.require(reason, 'reason');
    SELECT m.id INTO mid FROM mreg.model m WHERE m.project_id = pid AND m.name = model;
    IF mid IS NULL THEN
        RAISE EXCEPTION 'model % is not registered in project %', mreg_internal.quote_short(model), mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    env := mreg_internal.environment_row(pid, environment);
    PERFORM mreg_internal.lock_deployment(mid, env.id);
    SELECT * INTO live FROM mreg.deployment x WHERE x.model_id = mid AND x.environment_id = env.id AND x.state = 'live';
    SELECT * INTO canary FROM mreg.deployment x WHERE x.model_id = mid AND x.environment_id = env.id AND x.state = 'canary';
    PERFORM mreg_internal.audit_note(pid, mreg_internal.node_text(project, 'model', model) || ' in ' || env.name,
                                     jsonb_build_object('live', to_jsonb(live), 'canary', to_jsonb(canary)));
    IF canary.id IS NOT NULL THEN                                       -- end the canary
        PERFORM mreg_internal.end_deployment(canary.id, 'rolled_back', reason);
        UPDATE mreg.deployment x SET traffic_pct = 100 WHERE x.id = live.id RETURNING * INTO d;
        PERFORM mreg_internal.deploy_event(d, 'rollback', canary.model_version_id, reason);
        RETURN d.id;
    END IF;
    IF live.id IS NULL OR live.rollback_to_version_id IS NULL THEN
        RAISE EXCEPTION 'nothing to roll back for model % in %', mreg_internal.quote_short(model), env.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = CASE WHEN live.id IS NULL THEN 'No version is live there.'
                                ELSE 'The live version has no previous version to go back to.' END;
    END IF;
    SELECT * INTO target FROM mreg.model_version x WHERE x.id = live.rollback_to_version_id;
    IF target.status NOT IN ('registered', 'staging', 'production') THEN
        RAISE EXCEPTION 'cannot roll back model % in % to %: it is %', mreg_internal.quote_short(model), env.name, target.version, target.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Promote the version that should serve instead.';
    END IF;
    PERFORM mreg_internal.end_deployment(live.id, 'rolled_back', reason);
    INSERT INTO mreg.deployment (project_id, model_id, model_version_id, environment_id, state, traffic_pct,
                                 endpoint, routing, max_concurrency, rollback_to_version_id)
    VALUES (pid, mid, target.id, env.id, 'live', 100, live.endpoint, live.routing, live.max_concurrency,
            (SELECT x.rollback_to_version_id FROM mreg.deployment x
              WHERE x.model_version_id = target.id AND x.environment_id = env.id AND x.state <> 'canary'
              ORDER BY x.id DESC LIMIT 1))
    RETURNING * INTO d;
    PERFORM mreg_internal.deploy_event(d, 'rollback', live.model_version_id, reason);
    PERFORM mreg_internal.went_live(d, env, reason);
    RETURN d.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.rollback(text, text, text, text) IS
    'Ends the canary of a model in an environment (the live version serves 100% again) or, with none, brings back the version live before the current one at 100%; a deployment event; returns the id of the deployment serving now';

-- ---------------------------------------------------------------- incidents
CREATE FUNCTION mreg_internal.deployment_row(deployment_id bigint, privilege text) RETURNS mreg.deployment
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    d mreg.deployment;
BEGIN
    PERFORM mreg_internal.require(deployment_id, 'deployment_id');
    SELECT * INTO d FROM mreg.deployment x WHERE x.id = deployment_id;
    IF d.id IS NULL OR NOT mreg_internal.has_access(d.project_id, 'read') THEN
        RAISE EXCEPTION 'deployment % does not exist', deployment_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM mreg_internal.authorize(d.project_id, privilege);
    RETURN d;
END
$$;
COMMENT ON FUNCTION mreg_internal.deployment_row(bigint, text) IS 'A deployment by id (23503 when absent or not visible), after checking the caller holds privilege on its project (42501)';

CREATE FUNCTION mreg_internal.record_incident(deployment_id bigint, severity text, summary text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    d mreg.deployment := mreg_internal.deployment_row(deployment_id, 'contribute');
    sev text := lower(btrim(mreg_internal.require(severity, 'severity')));
    id bigint;
BEGIN
    PERFORM mreg_internal.require(summary, 'summary');
    IF sev NOT IN ('low', 'medium', 'high', 'critical') THEN
        RAISE EXCEPTION 'invalid severity %', mreg_internal.quote_short(severity)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use low, medium, high or critical.';
    END IF;
    INSERT INTO mreg.incident (project_id, deployment_id, severity, summary)
    VALUES (d.project_id, d.id, sev, summary) RETURNING incident.id INTO id;
    PERFORM mreg_internal.deploy_event(d, 'incident_opened', NULL, summary, id);
    RETURN id;
END
$$;
COMMENT ON FUNCTION mreg_internal.record_incident(bigint, text, text) IS
    'Opens an incident on a deployment (severity low, medium, high or critical) and logs it as a deployment event; returns its id';

CREATE FUNCTION mreg_internal.resolve_incident(incident_id bigint, note text)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    i mreg.incident;
    d mreg.deployment;
BEGIN
    PERFORM mreg_internal.require(incident_id, 'incident_id');
    PERFORM mreg_internal.require(note, 'note');
    SELECT * INTO i FROM mreg.incident x WHERE x.id = incident_id FOR UPDATE;
    IF i.id IS NULL OR NOT mreg_internal.has_access(i.project_id, 'read') THEN
        RAISE EXCEPTION 'incident % does not exist', incident_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    d := mreg_internal.deployment_row(i.deployment_id, 'contribute');
    IF i.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'incident % was resolved already', incident_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Resolved by %s at %s.', i.resolved_by, i.resolved_at);
    END IF;
    PERFORM mreg_internal.audit_note(i.project_id, NULL, to_jsonb(i));
    UPDATE mreg.incident x SET resolved_at = clock_timestamp(), resolved_by = mreg_internal.caller(), resolution_note = note
     WHERE x.id = i.id;
    PERFORM mreg_internal.deploy_event(d, 'incident_resolved', NULL, note, i.id);
END
$$;
COMMENT ON FUNCTION mreg_internal.resolve_incident(bigint, text) IS
    'Resolves an open incident with a note (55000 when resolved already) and logs it as a deployment event';
