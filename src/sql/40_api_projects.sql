-- Registry API: projects, models and metadata standards (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- ---------------------------------------------------------------- projects
CREATE FUNCTION mreg_internal.create_project(name text, description text DEFAULT NULL, visibility text DEFAULT 'internal')
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
BEGIN
    PERFORM mreg_internal.authorize(NULL, 'admin');
    PERFORM mreg_internal.require(name, 'project name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid project name %', mreg_internal.quote_short(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A project name starts with a letter or digit and has up to 63 letters, digits, "_", "." or "-".';
    END IF;
    IF visibility IS NULL OR visibility NOT IN ('public', 'internal', 'private') THEN
        RAISE EXCEPTION 'invalid visibility %', mreg_internal.quote_short(visibility)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use public, internal or private.';
    END IF;
    INSERT INTO mreg.project (name, description, visibility)
    VALUES (create_project.name, create_project.description, create_project.visibility)
    ON CONFLICT ON CONSTRAINT project_name_key DO NOTHING
    RETURNING id INTO pid;
    IF pid IS NULL THEN
        -- project names are global: this much a registry admin learns about a project they cannot read
        RAISE EXCEPTION 'project % already exists', mreg_internal.quote_short(name)
            USING ERRCODE = 'unique_violation';
    END IF;
    -- its creator administers it
    INSERT INTO mreg.access_grant (project_id, grantee, privilege, purpose)
    VALUES (pid, mreg_internal.caller(), 'admin', 'created the project');
    PERFORM mreg_internal.audit_note(pid, mreg_internal.node_text(NULL, 'project', name), NULL);
    RETURN pid;
END
$$;
COMMENT ON FUNCTION mreg_internal.create_project(text, text, text) IS 'Creates a project (visibility public, internal or private); returns its id';

-- ---------------------------------------------------------------- models
CREATE FUNCTION mreg_internal.register_model(project text, name text, description text DEFAULT NULL,
                                    domain text DEFAULT NULL, task text DEFAULT NULL, framework text DEFAULT NULL,
                                    license text DEFAULT NULL, owner name DEFAULT NULL, team text DEFAULT NULL,
                                    constraints text[] DEFAULT NULL, ethical_notes text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    mid bigint;
    cons text[];
    c text;
    t_domain text;
    t_task text;
    t_framework text;
    t_license text;
BEGIN
    PERFORM mreg_internal.require(name, 'model name');
    IF name !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' THEN
        RAISE EXCEPTION 'invalid model name %', mreg_internal.quote_short(name)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A model name starts with a letter or digit and has up to 128 letters, digits, "_", "." or "-".';
    END IF;
    PERFORM mreg_internal.audit_note(NULL, mreg_internal.node_text(project, 'model', name), NULL);
    IF owner IS NOT NULL AND to_regrole(quote_ident(owner)) IS NULL THEN
        RAISE EXCEPTION 'owner % is not a role', mreg_internal.quote_short(owner) USING ERRCODE = 'undefined_object';
    END IF;
    IF constraints IS NOT NULL THEN
        cons := '{}';
        FOREACH c IN ARRAY constraints LOOP
            IF c IS NULL THEN
                RAISE EXCEPTION 'constraints must not contain NULL' USING ERRCODE = 'null_value_not_allowed';
            END IF;
            c := mreg_internal.term('constraint', c, pid);
            IF c <> ALL (cons) THEN
                cons := cons || c;
            END IF;
        END LOOP;
    END IF;

    IF team IS NOT NULL AND length(team) > 200 THEN
        RAISE EXCEPTION 'team name is longer than 200 characters' USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('It starts with %s.', mreg_internal.quote_short(team));
    END IF;
    -- each term once (an open vocabulary records a new one with a NOTICE)
    t_domain := mreg_internal.term('domain', domain, pid);
    t_task := mreg_internal.term('task', task, pid);
    t_framework := mreg_internal.term('framework', framework, pid);
    t_license := mreg_internal.term('license', license, pid);

    <<upsert>>
    FOR attempt IN 1..2 LOOP
    UPDATE mreg.model m
       SET description   = coalesce(register_model.description, m.description),
           domain        = coalesce(t_domain, m.domain),
           task          = coalesce(t_task, m.task),
           framework     = coalesce(t_framework, m.framework),
           license       = coalesce(t_license, m.license),
           owner         = coalesce(register_model.owner, m.owner),
           team          = coalesce(register_model.team, m.team),
           constraints   = coalesce(cons, m.constraints),
           ethical_notes = coalesce(register_model.ethical_notes, m.ethical_notes)
     WHERE m.project_id = pid AND m.name = register_model.name
    RETURNING m.id INTO mid;
    IF mid IS NOT NULL THEN
        RETURN mid;
    END IF;
    INSERT INTO mreg.model (project_id, name, description, domain, task, framework, license, owner, team,
                            constraints, ethical_notes)
    VALUES (pid, name, description, t_domain, t_task, t_framework, t_license,
            coalesce(owner, mreg_internal.caller()), team, coalesce(cons, '{}'), ethical_notes)
    ON CONFLICT ON CONSTRAINT model_project_id_name_key DO NOTHING
    RETURNING id INTO mid;
    IF mid IS NOT NULL THEN
        RETURN mid;
    END IF;
    -- created concurrently since the UPDATE: update that row instead
    END LOOP upsert;
    RAISE EXCEPTION 'model % could not be registered', mreg_internal.quote_short(name) USING ERRCODE = 'serialization_failure';
END
$$;
COMMENT ON FUNCTION mreg_internal.register_model(text, text, text, text, text, text, text, name, text, text[], text) IS
    'Creates a registered model, or updates the attributes given (non-NULL) keeping the old row in row_history; domain, task, framework, license and constraints must be vocabulary terms; returns the model id';

-- ---------------------------------------------------------------- metadata standards
-- The vocabulary categories (the CHECKs of mreg.vocabulary and
-- mreg.vocabulary_mode list the same ones).
CREATE FUNCTION mreg_internal.check_category(category text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF category NOT IN ('domain', 'task', 'framework', 'license', 'constraint', 'metric', 'usage_rights') THEN
        RAISE EXCEPTION 'unknown vocabulary category %', mreg_internal.quote_short(category)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Categories: domain, task, framework, license, constraint, metric, usage_rights.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.check_category(text) IS 'Raises 22023 unless the text is a vocabulary category';

CREATE FUNCTION mreg_internal.add_term(category text, term text, description text DEFAULT NULL, project text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    pid bigint := CASE WHEN project IS NULL THEN NULL ELSE mreg_internal.project_id(project, 'admin') END;
    tid bigint;
BEGIN
    IF pid IS NULL THEN
        PERFORM mreg_internal.authorize(NULL, 'admin');       -- a global term: registry admins
    END IF;
    PERFORM mreg_internal.require(category, 'category');
    PERFORM mreg_internal.require(term, 'term');
    PERFORM mreg_internal.check_category(category);
    IF lower(btrim(term)) !~ '^[a-z0-9][a-z0-9_.+@-]{0,99}$' THEN
        RAISE EXCEPTION 'invalid term %', mreg_internal.quote_short(term)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A term has up to 100 lower-case letters, digits or "_.+@-" and starts with a letter or digit.';
    END IF;
    INSERT INTO mreg.vocabulary (project_id, category, term, description)
    VALUES (pid, category, lower(btrim(term)), description)
    ON CONFLICT (COALESCE(project_id, 0), category, term) DO NOTHING
    RETURNING id INTO tid;
    IF tid IS NULL THEN
        SELECT v.id INTO tid FROM mreg.vocabulary v
         WHERE COALESCE(v.project_id, 0) = COALESCE(pid, 0) AND v.category = add_term.category AND v.term = lower(btrim(add_term.term));
    END IF;
    RETURN tid;
END
$$;
COMMENT ON FUNCTION mreg_internal.add_term(text, text, text, text) IS
    'Adds a controlled term to a vocabulary category, globally or for one project; returns its id';

CREATE FUNCTION mreg_internal.add_synonym(term text, synonym text, category text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    sid bigint;
BEGIN
    PERFORM mreg_internal.authorize(NULL, 'admin');           -- synonyms are global
    PERFORM mreg_internal.require(term, 'term');
    PERFORM mreg_internal.require(synonym, 'synonym');
    IF lower(btrim(term)) = lower(btrim(synonym)) THEN
        RAISE EXCEPTION 'a synonym must differ from its term' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO mreg.synonym (category, term, synonym) VALUES (category, lower(btrim(term)), btrim(synonym))
    RETURNING id INTO sid;
    RETURN sid;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'synonym % is already defined', mreg_internal.quote_short(synonym) USING ERRCODE = 'unique_violation';
END
$$;
COMMENT ON FUNCTION mreg_internal.add_synonym(text, text, text) IS 'Declares that a word stands for a term (nlp -> natural-language-processing); returns its id';

CREATE FUNCTION mreg_internal.set_metadata_schema(project text, entity_kind text, schema jsonb)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'admin');
    sid bigint;
BEGIN
    PERFORM mreg_internal.require(entity_kind, 'entity_kind');
    IF entity_kind NOT IN ('model_version', 'run_params', 'run_environment', 'dataset_schema') THEN
        RAISE EXCEPTION 'unknown entity kind %', mreg_internal.quote_short(entity_kind)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Kinds: model_version, run_params, run_environment, dataset_schema.';
    END IF;
    IF schema IS NULL THEN
        DELETE FROM mreg.metadata_schema m WHERE m.project_id = pid AND m.entity_kind = set_metadata_schema.entity_kind
        RETURNING id INTO sid;
        RETURN sid;
    END IF;
    PERFORM mreg.jsonb_schema_check(schema);     -- a bad schema is an error, not a silent pass
    INSERT INTO mreg.metadata_schema AS m (project_id, entity_kind, schema) VALUES (pid, entity_kind, schema)
    ON CONFLICT ON CONSTRAINT metadata_schema_project_id_entity_kind_key DO UPDATE SET schema = EXCLUDED.schema
    RETURNING id INTO sid;
    PERFORM mreg_internal.audit_note(NULL, format('%s/metadata_schema:%s', project, entity_kind), NULL);
    -- fields flagged sensitive: what stored rows already hold is masked now
    IF EXISTS (SELECT FROM mreg.sensitive_paths(schema)) THEN
        PERFORM mreg_internal.audit_mask(jsonb_build_object('masked_values', mreg_internal.mask_existing(pid, entity_kind)));
    END IF;
    RETURN sid;
END
$$;
COMMENT ON FUNCTION mreg_internal.set_metadata_schema(text, text, jsonb) IS
    'Sets (or with NULL removes) the JSON Schema a project''s metadata of one kind must match; the old schema stays in row_history';

CREATE FUNCTION mreg_internal.set_vocabulary_mode(project text, category text, mode text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'admin');
    mid bigint;
BEGIN
    PERFORM mreg_internal.require(category, 'category');
    PERFORM mreg_internal.check_category(category);
    IF mode IS NULL OR mode NOT IN ('open', 'strict') THEN
        RAISE EXCEPTION 'invalid vocabulary mode %', mreg_internal.quote_short(mode)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use open or strict.';
    END IF;
    INSERT INTO mreg.vocabulary_mode AS v (project_id, category, mode) VALUES (pid, category, mode)
    ON CONFLICT ON CONSTRAINT vocabulary_mode_project_id_category_key DO UPDATE SET mode = EXCLUDED.mode
    RETURNING id INTO mid;
    RETURN mid;
END
$$;
COMMENT ON FUNCTION mreg_internal.set_vocabulary_mode(text, text, text) IS
    'Makes one vocabulary category of a project open (unknown terms are recorded, the default) or strict (unknown terms are refused with the closest terms); the old mode stays in row_history';
