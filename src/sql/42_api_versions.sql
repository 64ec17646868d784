-- Registry API: model versions, their status and evaluations (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- ---------------------------------------------------------------- model versions
-- One artifact of the register_model_version argument, checked field by
-- field: a wrong JSON type or an out-of-range number is a clear 22023 that
-- names the artifact and the field, never a cast error without context.
CREATE FUNCTION mreg_internal.insert_artifact(pid bigint, vid bigint, pos int, a jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    bytes bytea;
    k text;
    size numeric;
    what text := format('artifact %s', pos);
BEGIN
    IF jsonb_typeof(a) <> 'object' THEN
        RAISE EXCEPTION '% must be a JSON object, not %', what, jsonb_typeof(a) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR k IN SELECT jsonb_object_keys(a) LOOP
        IF k NOT IN ('name', 'kind', 'uri', 'content_base64', 'content_hex', 'sha256', 'size_bytes', 'media_type', 'encrypted') THEN
            RAISE EXCEPTION '%: unknown field %', what, mreg_internal.quote_short(k)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Fields: name, kind, uri, content_base64 or content_hex, sha256, size_bytes, media_type, encrypted.';
        END IF;
        IF k = 'encrypted' AND jsonb_typeof(a->k) NOT IN ('boolean', 'null') THEN
            RAISE EXCEPTION '%: encrypted must be true or false, not %', what, jsonb_typeof(a->k) USING ERRCODE = 'invalid_parameter_value';
        ELSIF k = 'size_bytes' AND jsonb_typeof(a->k) NOT IN ('number', 'null') THEN
            RAISE EXCEPTION '%: size_bytes must be a number, not %', what, jsonb_typeof(a->k) USING ERRCODE = 'invalid_parameter_value';
        ELSIF k NOT IN ('encrypted', 'size_bytes') AND jsonb_typeof(a->k) NOT IN ('string', 'null') THEN
            RAISE EXCEPTION '%: % must be a string, not %', what, k, jsonb_typeof(a->k) USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF a ? 'name' AND length(a->>'name') > 200 THEN
        RAISE EXCEPTION '%: name is longer than 200 characters', what USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a->>'content_base64' IS NOT NULL AND a->>'content_hex' IS NOT NULL THEN
        RAISE EXCEPTION '%: give content_base64 or content_hex, not both', what USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a->>'content_base64' IS NOT NULL THEN
        BEGIN
            bytes := decode(a->>'content_base64', 'base64');
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '%: content_base64 is not valid base64', what
                USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM;
        END;
    ELSIF a->>'content_hex' IS NOT NULL THEN
        BEGIN
            bytes := decode(a->>'content_hex', 'hex');
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '%: content_hex is not valid hex', what
                USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM;
        END;
    END IF;
    IF bytes IS NULL AND coalesce(btrim(a->>'uri'), '') = '' THEN
        RAISE EXCEPTION '% needs a "uri" or inline content ("content_base64")', what
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(a->>'kind', 'other') NOT IN ('binary', 'container', 'serialized', 'other') THEN
        RAISE EXCEPTION '%: kind must be binary, container, serialized or other, not %', what, mreg_internal.quote_short(a->>'kind')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a->>'sha256' IS NOT NULL AND lower(a->>'sha256') !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION '%: sha256 must be 64 hexadecimal digits, not %', what, mreg_internal.quote_short(a->>'sha256')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    size := (a->>'size_bytes')::numeric;
    IF size IS NOT NULL AND (size < 0 OR size <> trunc(size) OR size > 9223372036854775807) THEN
        RAISE EXCEPTION '%: size_bytes must be a whole number of bytes from 0 to 9223372036854775807, not %', what, a->>'size_bytes'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF bytes IS NOT NULL AND (a->>'encrypted')::boolean THEN
        -- stored encrypted: checksum and size are of the plain bytes, checked here
        IF a->>'sha256' IS NOT NULL AND lower(a->>'sha256') <> encode(sha256(bytes), 'hex') THEN
            RAISE EXCEPTION 'sha256 of artifact % does not match its content', mreg_internal.quote_short(a->>'name')
                USING ERRCODE = 'check_violation';
        END IF;
        IF size IS NOT NULL AND size <> octet_length(bytes) THEN
            RAISE EXCEPTION 'size of artifact % does not match its content', mreg_internal.quote_short(a->>'name')
                USING ERRCODE = 'check_violation';
        END IF;
        size := octet_length(bytes);
        a := a || jsonb_build_object('sha256', encode(sha256(bytes), 'hex'));
        bytes := mreg_internal.crypt_artifact(bytes, false);
    END IF;
    INSERT INTO mreg.artifact (project_id, model_version_id, name, kind, uri, content, sha256, size_bytes,
                               media_type, encrypted)
    VALUES (pid, vid, coalesce(nullif(btrim(a->>'name'), ''), 'artifact-' || pos), coalesce(a->>'kind', 'other'),
            nullif(btrim(a->>'uri'), ''), bytes, lower(a->>'sha256'), size::bigint,
            a->>'media_type', coalesce((a->>'encrypted')::boolean, false));
END
$$;
COMMENT ON FUNCTION mreg_internal.insert_artifact(bigint, bigint, int, jsonb) IS 'Checks one artifact description field by field and stores it';

CREATE FUNCTION mreg_internal.register_model_version(project text, model text, version mreg.semver, run_id bigint DEFAULT NULL,
                                            artifacts jsonb DEFAULT '[]', metadata jsonb DEFAULT '{}',
                                            signature jsonb DEFAULT NULL, status text DEFAULT 'registered')
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    mid bigint;
    vid bigint;
    other record;
    dup text;
    node text;
    a jsonb;
    pos int := 0;
    clear jsonb;
BEGIN
    PERFORM mreg_internal.require(model, 'model name');
    IF version IS NULL THEN
        RAISE EXCEPTION 'version must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF status IS NULL OR status NOT IN ('draft', 'registered', 'staging') THEN
        RAISE EXCEPTION 'a new version starts as draft, registered or staging, not %', mreg_internal.quote_short(status)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF status <> 'draft' THEN
        PERFORM mreg_internal.authorize(pid, 'publish');     -- contributors register drafts
    END IF;
    IF artifacts IS NULL OR jsonb_typeof(artifacts) <> 'array' THEN
        RAISE EXCEPTION 'artifacts must be a JSON array' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Each artifact is {"name", "kind", "uri" or "content_base64", "sha256", "size_bytes", "media_type", "encrypted"}.';
    END IF;
    IF metadata IS NULL OR jsonb_typeof(metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF signature IS NOT NULL AND jsonb_typeof(signature) NOT IN ('object', 'array') THEN
        RAISE EXCEPTION 'signature must be a JSON object or array, not %', jsonb_typeof(signature)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mreg.run r WHERE r.id = run_id AND r.project_id = pid) THEN
        RAISE EXCEPTION 'run % is not registered in project %', run_id, mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM mreg_internal.check_metadata(pid, 'model_version', metadata);
    -- inline bytes never reach the audit log, however long the argument (a
    -- long one would be logged cut, as text, bytes and all)
    IF EXISTS (SELECT FROM jsonb_array_elements(artifacts) x WHERE jsonb_typeof(x) = 'object' AND x ?| ARRAY['content_base64', 'content_hex']) THEN
        PERFORM mreg_internal.audit_mask(mreg_internal.audit_redact(jsonb_build_object('artifacts', artifacts)));
    END IF;
    clear := metadata;      -- personal values are stored apart, masked here
    metadata := mreg_internal.mask_personal(pid, 'model_version', metadata);
    IF metadata IS DISTINCT FROM clear THEN
        PERFORM mreg_internal.audit_mask(jsonb_build_object('metadata', metadata));
    END IF;
    -- artifact names are unique per version: say which one repeats (checked
    -- here, not by catching the unique violation, which would cost a subtransaction)
    SELECT string_agg(mreg_internal.quote_short(d.n), ', ') INTO dup
      FROM (SELECT coalesce(nullif(btrim(x.a->>'name'), ''), 'artifact-' || x.pos) AS n
              FROM jsonb_array_elements(artifacts) WITH ORDINALITY AS x(a, pos)
             WHERE jsonb_typeof(x.a) = 'object'
             GROUP BY 1 HAVING count(*) > 1) d;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'two artifacts of one version share a name: %', dup USING ERRCODE = 'unique_violation';
    END IF;

    SELECT m.id INTO mid FROM mreg.model m WHERE m.project_id = pid AND m.name = model;
    IF mid IS NULL THEN
        mid := mreg_internal.register_model(project, model);
    END IF;
    SELECT v.id, v.version INTO other FROM mreg.model_version v
     WHERE v.model_id = mid AND v.version = register_model_version.version;
    IF FOUND THEN
        RAISE EXCEPTION 'model version %@% already exists in project %', model, version, mreg_internal.quote_short(project)
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Registered as id %s (%s); build metadata does not make a new version.', other.id, other.version),
                  HINT = 'Bump the version (mreg.bump()) to register new weights.';
    END IF;

    -- The version node is new: nobody else can name it before we commit, so
    -- the edge into it needs no lock (a concurrent registration of the same
    -- number loses at the unique index below and takes its edge with it).
    node := mreg_internal.version_node(project, model, version);
    PERFORM mreg_internal.audit_note(NULL, node, NULL);
    IF run_id IS NOT NULL THEN
        PERFORM mreg_internal.add_edge('run:' || run_id, node, pid, fresh => true);
    END IF;

    BEGIN
        INSERT INTO mreg.model_version (project_id, model_id, version, run_id, status, signature, metadata, provenance)
        VALUES (pid, mid, version, run_id, status, signature, metadata,
                CASE WHEN status = 'draft' THEN ''::mreg.lineage       -- snapshotted when it leaves draft
                     ELSE mreg.lineage_relative(mreg_internal.upstream_of(node), project) END)
        RETURNING id INTO vid;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent session registered the same version first
        RAISE EXCEPTION 'model version %@% already exists in project %', model, version, mreg_internal.quote_short(project)
            USING ERRCODE = 'unique_violation',
                  DETAIL = 'Another session registered it concurrently.';
    END;

    IF metadata IS DISTINCT FROM clear THEN
        PERFORM mreg_internal.keep_personal(pid, 'model_version', vid, clear);
    END IF;
    FOR a IN SELECT value FROM jsonb_array_elements(artifacts) LOOP
        pos := pos + 1;
        PERFORM mreg_internal.insert_artifact(pid, vid, pos, a);
    END LOOP;
    -- the project's policies: every failed rule in one error (23514)
    IF status <> 'draft' THEN
        PERFORM mreg_internal.enforce_policy('publish', vid, NULL);
    END IF;
    IF status = 'staging' THEN
        PERFORM mreg_internal.enforce_policy('promote', vid, 'staging');
    END IF;
    RETURN vid;
END
$$;
COMMENT ON FUNCTION mreg_internal.register_model_version(text, text, mreg.semver, bigint, jsonb, jsonb, jsonb, text) IS
    'Registers a model version (creating the model on first use) with its artifacts; records run:ID -> model:NAME@VERSION and snapshots the full upstream lineage as provenance (a draft: when it leaves draft); returns the version id';

CREATE FUNCTION mreg.version_id(project text, model text, version mreg.semver) RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT v.id FROM mreg.model_version v
      JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
      JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) m.project_id
     WHERE p.name OPERATOR(pg_catalog.=) version_id.project AND m.name OPERATOR(pg_catalog.=) version_id.model
       AND v.version OPERATOR(mreg.=) version_id.version;
END;
COMMENT ON FUNCTION mreg.version_id(text, text, mreg.semver) IS 'Id of a model version, NULL when absent or not visible';

-- A version by number or alias: '2.1.0', '@champion' or 'champion' (an
-- alias is never a valid semver, so the two cannot be confused), the alias
-- in any case, as set_alias normalises it ('Champion' is @champion).
CREATE FUNCTION mreg.version_id(project text, model text, ref text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF ref IS NULL THEN
        RETURN NULL;
    END IF;
    IF btrim(ref) ~ '^@?[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN
        RETURN (SELECT a.model_version_id FROM mreg.alias a
                  JOIN mreg.model m ON m.id = a.model_id
                  JOIN mreg.project p ON p.id = m.project_id
                 WHERE p.name = project AND m.name = model AND a.name = '@' || lower(ltrim(btrim(ref), '@')));
    END IF;
    RETURN mreg.version_id(project, model, btrim(ref)::mreg.semver);
END
$$;
COMMENT ON FUNCTION mreg.version_id(text, text, text) IS
    'Id of a model version named by number (2.1.0) or alias (@champion or champion), NULL when absent or not visible';

-- Version lookup that errors, for the functions that act on a version.
CREATE FUNCTION mreg_internal.version_row(project text, model text, version mreg.semver, privilege text DEFAULT 'read')
    RETURNS mreg.model_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version;
BEGIN
    PERFORM mreg_internal.project_id(project, privilege);
    PERFORM mreg_internal.require(model, 'model name');
    IF version IS NULL THEN
        RAISE EXCEPTION 'version must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO v FROM mreg.model_version x WHERE x.id = mreg.version_id(project, model, version);
    IF v.id IS NULL THEN
        RAISE EXCEPTION 'model version %@% is not registered in project %', mreg_internal.quote_short(model), version,
                        mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg_internal.version_row(text, text, mreg.semver, text) IS 'A model version row by names (23503 when absent or not visible), after checking the caller holds privilege on its project (42501)';

-- A version by id for a write about it (23503 when absent or hidden, the
-- same words either way), after checking the privilege on its project.
CREATE FUNCTION mreg_internal.version_by_id(model_version_id bigint, privilege text) RETURNS mreg.model_version
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version;
BEGIN
    PERFORM mreg_internal.require(model_version_id, 'model_version_id');
    SELECT * INTO v FROM mreg.model_version x WHERE x.id = model_version_id;
    IF v.id IS NULL OR NOT mreg_internal.has_access(v.project_id, 'read') THEN
        RAISE EXCEPTION 'model version % is not registered', model_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM mreg_internal.authorize(v.project_id, privilege);
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg_internal.version_by_id(bigint, text) IS 'A model version by id for a write about it (23503 when absent or not visible; 42501 without the privilege on its project)';

-- Move a version's status; leaving draft snapshots its provenance from the
-- live lineage of that moment (edges added to the draft included).
CREATE FUNCTION mreg_internal.move_status(vid bigint, status text, reason text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    UPDATE mreg.model_version x
       SET status = move_status.status, status_reason = reason,
           provenance = CASE WHEN x.status = 'draft' AND move_status.status <> 'draft'
                             THEN mreg_internal.snapshot_provenance(x.id) ELSE x.provenance END
     WHERE x.id = vid;
END
$$;
COMMENT ON FUNCTION mreg_internal.move_status(bigint, text, text) IS 'Sets a version''s status; a draft that moves on gets its provenance snapshot';

CREATE FUNCTION mreg_internal.set_status(project text, model text, version mreg.semver, status text, reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_row(project, model, version, 'publish');
BEGIN
    IF status IS NULL OR status NOT IN ('draft', 'registered', 'staging', 'production', 'archived', 'retired') THEN
        RAISE EXCEPTION 'invalid status %', mreg_internal.quote_short(status)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use registered, staging, production, archived or retired.';
    END IF;
    PERFORM mreg_internal.audit_note(NULL, mreg_internal.version_node(project, model, v.version), to_jsonb(v));
    IF status = 'retired' THEN
        RETURN mreg_internal.retire(project, model, version, coalesce(reason, 'retired through set_status'));
    END IF;
    -- policies first, so a refused move leaves nothing half done
    IF status IN ('registered', 'archived') OR v.status = 'draft' THEN
        PERFORM mreg_internal.enforce_policy('publish', v.id, NULL);
    END IF;
    IF status IN ('staging', 'production') THEN
        PERFORM mreg_internal.enforce_policy('promote', v.id, status);
    END IF;
    PERFORM mreg_internal.move_status(v.id, status, reason);
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.set_status(text, text, mreg.semver, text, text) IS
    'Moves a model version to another status along the allowed transitions (see mreg.status_transition_allowed); a draft that moves on gets its provenance snapshot; returns its id';

CREATE FUNCTION mreg_internal.retire(project text, model text, version mreg.semver, reason text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_row(project, model, version, 'publish');
    al record;
    serving text;
BEGIN
    PERFORM mreg_internal.require(reason, 'reason');
    PERFORM mreg_internal.audit_note(NULL, mreg_internal.version_node(project, model, v.version), to_jsonb(v));
    IF v.status = 'retired' THEN
        RAISE EXCEPTION 'model version %@% is already retired', model, version
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- a version that serves is taken out of service first (rollback, or promote another)
    SELECT string_agg(format('%s (%s, %s%%)', e.name, d.state, d.traffic_pct), ', ' ORDER BY e.position) INTO serving
      FROM mreg.deployment d JOIN mreg.environment e ON e.id = d.environment_id
     WHERE d.model_version_id = v.id AND d.state IN ('live', 'canary');
    IF serving IS NOT NULL THEN
        RAISE EXCEPTION 'model version %@% still serves: %', model, v.version, serving
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A retired version must not serve traffic.',
                  HINT = 'Roll it back (mreg.rollback) or promote another version in those environments first.';
    END IF;
    -- aliases must not point at a retired version: they are removed, and the move is kept
    FOR al IN SELECT * FROM mreg.alias a WHERE a.model_version_id = v.id LOOP
        INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
        VALUES (al.project_id, al.model_id, al.name, v.id, NULL, 'version retired: ' || reason);
    END LOOP;
    PERFORM mreg_internal.enforce_policy('retire', v.id, NULL);
    PERFORM mreg_internal.move_status(v.id, 'retired', reason);
    DELETE FROM mreg.alias a WHERE a.model_version_id = v.id;
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.retire(text, text, mreg.semver, text) IS
    'Retires a model version for good (a reason is required; 55000 while it is live or a canary somewhere); aliases pointing at it are removed with the move kept; returns its id';

-- ---------------------------------------------------------------- evaluations
CREATE FUNCTION mreg_internal.log_evaluation(model_version_id bigint, metric text, value double precision,
                                    dataset_version text DEFAULT NULL, slice text DEFAULT 'all',
                                    method text DEFAULT NULL, evaluated_at timestamptz DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
    dsv bigint;
    r record;
    eid bigint;
BEGIN
    PERFORM mreg_internal.require(model_version_id, 'model_version_id');
    PERFORM mreg_internal.require(metric, 'metric');
    PERFORM mreg_internal.require(slice, 'slice');
    IF value IS NULL THEN
        RAISE EXCEPTION 'value must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
        RAISE EXCEPTION 'metric value must be finite, got %', value USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF metric !~ '^[A-Za-z][A-Za-z0-9_.@-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid metric name %', mreg_internal.quote_short(metric)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A metric name starts with a letter and has up to 63 letters, digits or "_.@-" (accuracy, f1, recall@10).';
    END IF;
    IF length(slice) > 200 THEN
        RAISE EXCEPTION 'slice name is longer than 200 characters' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It starts with %s.', mreg_internal.quote_short(slice));
    END IF;
    IF NOT isfinite(evaluated_at) THEN
        RAISE EXCEPTION 'evaluated_at must be a finite time, not %', evaluated_at USING ERRCODE = 'invalid_parameter_value';
    END IF;
    pid := (mreg_internal.version_by_id(model_version_id, 'contribute')).project_id;
    IF dataset_version IS NOT NULL THEN
        -- relative to the version's project, like every name in a function that has one
        r := mreg_internal.resolve(CASE WHEN dataset_version LIKE '%:%' THEN dataset_version ELSE 'dataset:' || dataset_version END, pid);
        IF r.kind <> 'dataset_version' THEN
            RAISE EXCEPTION '% is not a dataset version', mreg_internal.quote_short(dataset_version)
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name a data snapshot as dataset:NAME@VERSION.';
        END IF;
        dsv := r.entity_id;
    END IF;
    INSERT INTO mreg.evaluation (project_id, model_version_id, dataset_version_id, slice, metric, value, method, evaluated_at)
    VALUES (pid, model_version_id, dsv, btrim(slice), mreg_internal.term('metric', metric, pid), value, method,
            coalesce(evaluated_at, clock_timestamp()))
    RETURNING id INTO eid;
    PERFORM mreg_internal.flag_metric_anomaly(eid);          -- far outside the model's history: a review opens
    RETURN eid;
END
$$;
COMMENT ON FUNCTION mreg_internal.log_evaluation(bigint, text, double precision, text, text, text, timestamptz) IS
    'Appends one metric value of a model version (on a data snapshot and slice) to the immutable performance history; the metric is a vocabulary term (Recall = recall); returns its id';

-- ---------------------------------------------------------------- inline artifact bytes
-- Inline artifacts marked "encrypted" are stored encrypted with pgcrypto
-- (pgp_sym_encrypt_bytea) under the key in mreg.artifact_key, a setting
-- only superusers may set or see.  The key travels as a parameter, never in
-- query text, a message or the audit log.
CREATE FUNCTION mreg_internal.crypt_artifact(data bytea, decrypt boolean) RETURNS bytea
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    key text := current_setting('mreg.artifact_key', true);
    nsp name := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgcrypto');
    result bytea;
BEGIN
    IF coalesce(key, '') = '' THEN
        RAISE EXCEPTION 'no key for encrypted artifacts is configured'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A superuser sets mreg.artifact_key (ALTER SYSTEM SET mreg.artifact_key = ...; SELECT pg_reload_conf();).';
    END IF;
    IF decrypt THEN
        EXECUTE format('SELECT %I.pgp_sym_decrypt_bytea($1, $2)', nsp) INTO result USING data, key;
    ELSE
        EXECUTE format('SELECT %I.pgp_sym_encrypt_bytea($1, $2, %L)', nsp, 'cipher-algo=aes256') INTO result USING data, key;
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION mreg_internal.crypt_artifact(bytea, boolean) IS
    'Encrypts or decrypts inline artifact bytes with pgcrypto under mreg.artifact_key (superuser-only setting)';

-- Reading inline bytes is an audited read of sensitive data: it needs read
-- on the project and a purpose (mreg.set_purpose); the entry writes the
-- audit row (the bytes themselves are never logged).
CREATE FUNCTION mreg_internal.artifact_content(artifact_id bigint) RETURNS bytea
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    a mreg.artifact;
BEGIN
    IF artifact_id IS NULL THEN
        RAISE EXCEPTION 'artifact_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO a FROM mreg.artifact x WHERE x.id = artifact_id;
    IF a.id IS NULL OR NOT mreg_internal.has_access(a.project_id, 'read') THEN
        RAISE EXCEPTION 'artifact % does not exist', artifact_id USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM mreg_internal.authorize(a.project_id, 'read');
    IF coalesce(current_setting('mreg.purpose', true), '') = '' THEN
        RAISE EXCEPTION 'reading artifact bytes needs a purpose'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Inline artifacts are sensitive: every read is audited with its purpose.',
                  HINT = 'Say why first: SELECT mreg.set_purpose(''...'');';
    END IF;
    PERFORM mreg_internal.audit_note(NULL, format('artifact:%s', a.id), NULL);
    IF a.content IS NULL THEN
        RETURN NULL;                    -- stored by URI only
    END IF;
    RETURN CASE WHEN a.encrypted THEN mreg_internal.crypt_artifact(a.content, true) ELSE a.content END;
END
$$;
COMMENT ON FUNCTION mreg_internal.artifact_content(bigint) IS
    'The inline bytes of an artifact (decrypted when stored encrypted; NULL when stored by URI); needs read on its project and a purpose (mreg.set_purpose); every read is audited';
