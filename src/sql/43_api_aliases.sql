-- Registry API: aliases (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- ---------------------------------------------------------------- aliases
CREATE FUNCTION mreg_internal.alias_name(alias text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    a text := '@' || lower(ltrim(btrim(alias), '@'));
BEGIN
    IF alias IS NULL OR a !~ '^@[a-z][a-z0-9_-]{0,62}$' THEN
        RAISE EXCEPTION 'invalid alias %', mreg_internal.quote_short(alias)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'An alias is @ followed by a letter and up to 62 letters, digits, "_" or "-" (@champion).';
    END IF;
    RETURN a;
END
$$;
COMMENT ON FUNCTION mreg_internal.alias_name(text) IS 'normalised alias name, spelled with its @ as everywhere (22023 when malformed)';

CREATE FUNCTION mreg_internal.check_alias_guard(al mreg.alias) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF al.protected_by IS NOT NULL AND NOT pg_has_role(mreg_internal.caller(), al.protected_by, 'MEMBER') THEN
        RAISE EXCEPTION 'alias % is protected', al.name
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('Only members of role %s may move it.', al.protected_by);
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.check_alias_guard(mreg.alias) IS '42501 unless the caller may move a protected alias';

CREATE FUNCTION mreg_internal.set_alias(project text, model text, alias text, version mreg.semver, reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v mreg.model_version := mreg_internal.version_row(project, model, version, 'publish');
    a text := mreg_internal.alias_name(alias);
    al mreg.alias;
BEGIN
    IF v.status IN ('retired', 'draft') THEN
        RAISE EXCEPTION 'alias % cannot point at a % version', a, v.status
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s@%s is %s.', model, version, v.status);
    END IF;
    SELECT * INTO al FROM mreg.alias x WHERE x.model_id = v.model_id AND x.name = a FOR UPDATE;
    IF al.id IS NULL THEN
        INSERT INTO mreg.alias (project_id, model_id, name, model_version_id)
        VALUES (v.project_id, v.model_id, a, v.id)
        ON CONFLICT ON CONSTRAINT alias_model_id_name_key DO NOTHING
        RETURNING * INTO al;
        IF al.id IS NOT NULL THEN
            INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
            VALUES (v.project_id, v.model_id, a, NULL, v.id, reason);
            RETURN al.id;
        END IF;
        -- created concurrently: move it like an existing one
        SELECT * INTO al FROM mreg.alias x WHERE x.model_id = v.model_id AND x.name = a FOR UPDATE;
    END IF;
    PERFORM mreg_internal.check_alias_guard(al);
    PERFORM mreg_internal.audit_note(NULL, mreg_internal.node_text(project, 'model', model || al.name), to_jsonb(al));
    IF al.model_version_id = v.id THEN
        RETURN al.id;                      -- already there: not a move
    END IF;
    UPDATE mreg.alias x SET model_version_id = v.id, updated_at = clock_timestamp(), updated_by = mreg_internal.caller() WHERE x.id = al.id;
    INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
    VALUES (v.project_id, v.model_id, a, al.model_version_id, v.id, reason);
    RETURN al.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.set_alias(text, text, text, mreg.semver, text) IS
    'Points an alias (@champion) at a version; every move is kept in mreg.alias_move (who, when, from, to, why); protected aliases move only for members of their role';

CREATE FUNCTION mreg_internal.remove_alias(project text, model text, alias text, reason text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'publish');
    a text := mreg_internal.alias_name(alias);
    al mreg.alias;
BEGIN
    SELECT x.* INTO al FROM mreg.alias x JOIN mreg.model m ON m.id = x.model_id
     WHERE m.project_id = pid AND m.name = model AND x.name = a FOR UPDATE OF x;
    IF al.id IS NULL THEN
        RAISE EXCEPTION 'alias % of model % does not exist', a, mreg_internal.quote_short(model) USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM mreg_internal.check_alias_guard(al);
    INSERT INTO mreg.alias_move (project_id, model_id, alias, from_version_id, to_version_id, reason)
    VALUES (al.project_id, al.model_id, al.name, al.model_version_id, NULL, reason);
    DELETE FROM mreg.alias x WHERE x.id = al.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.remove_alias(text, text, text, text) IS 'Removes an alias, keeping the move in mreg.alias_move';

CREATE FUNCTION mreg_internal.protect_alias(project text, model text, alias text, role name)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'admin');
    a text := mreg_internal.alias_name(alias);
    al mreg.alias;
BEGIN
    IF role IS NOT NULL AND to_regrole(quote_ident(role)) IS NULL THEN
        RAISE EXCEPTION 'role % does not exist', mreg_internal.quote_short(role) USING ERRCODE = 'undefined_object';
    END IF;
    SELECT x.* INTO al FROM mreg.alias x JOIN mreg.model m ON m.id = x.model_id
     WHERE m.project_id = pid AND m.name = model AND x.name = a FOR UPDATE OF x;
    IF al.id IS NULL THEN
        RAISE EXCEPTION 'alias % of model % does not exist', a, mreg_internal.quote_short(model) USING ERRCODE = 'undefined_object';
    END IF;
    PERFORM mreg_internal.check_alias_guard(al);
    UPDATE mreg.alias x SET protected_by = role WHERE x.id = al.id;
END
$$;
COMMENT ON FUNCTION mreg_internal.protect_alias(text, text, text, name) IS
    'Protects an alias so only members of a role may move it (NULL unprotects; only a member of the current guard may change it)';

