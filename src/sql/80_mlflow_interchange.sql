-- MLflow (SPEC section 7): import of MLflow REST API JSON and export back.
--
-- mreg.import_mlflow(registered_models, model_versions, project) takes the
-- arrays registered-models/search and model-versions/search return, checks
-- every field first (22023 or 22004 naming it by its JSON path), then writes
-- through the write API's entries (mreg.register_model,
-- register_model_version, set_status, set_tag, set_alias): each runs with
-- the caller's rights, is audited and meets the project's policies.  What
-- MLflow has and mreg has no column for is kept in the version's metadata
-- under "mlflow" (its number, run id, description, user, timestamps,
-- status).  Unchanged things are not written again, so importing the same
-- JSON twice changes nothing.  mreg.export_mlflow(project, model) writes
-- the same shapes back.  Reference: doc/mlflow.md.

-- A field of a JSON object, checked: 22004 when required and absent or
-- null, 22023 when of another JSON type.  types: 'string', 'array',
-- 'object', 'number', 'timestamp' (a number or a string of digits).
CREATE FUNCTION mreg_internal.mlflow_field(obj jsonb, path text, field text, type text, required boolean DEFAULT false)
    RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v jsonb := obj -> field;
    got text := jsonb_typeof(obj -> field);
BEGIN
    IF v IS NULL OR got = 'null' THEN
        IF required THEN
            RAISE EXCEPTION '%.% is missing', path, field USING ERRCODE = 'null_value_not_allowed',
                HINT = 'See the MLflow REST API (RegisteredModel, ModelVersion) and doc/mlflow.md.';
        END IF;
        RETURN NULL;
    END IF;
    IF type = 'timestamp' THEN
        IF NOT (got = 'number' AND v::text ~ '^[0-9]{1,18}$') AND NOT (got = 'string' AND v #>> '{}' ~ '^[0-9]{1,18}$') THEN
            RAISE EXCEPTION '%.% must be milliseconds since 1970 (a whole number), not %', path, field,
                            mreg_internal.quote_short(v::text)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN to_jsonb((v #>> '{}')::bigint);
    END IF;
    IF got <> type THEN
        RAISE EXCEPTION '%.% must be a JSON %, not %', path, field, type, got USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_field(jsonb, text, text, text, boolean) IS
    'A field of an MLflow JSON object, checked (22004 missing, 22023 wrong type), named by its JSON path';

-- An argument as a JSON array: the array itself, or the response object of
-- the REST call that holds it ({"registered_models": [...]}), or one object
-- of a get call ({"registered_model": {...}}).
CREATE FUNCTION mreg_internal.mlflow_array(arg jsonb, what text, one text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF arg IS NULL THEN
        RAISE EXCEPTION '% must not be null', what USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Give ''[]'' for none.';
    END IF;
    IF jsonb_typeof(arg) = 'object' AND arg ? what THEN
        arg := arg -> what;
        IF jsonb_typeof(arg) = 'null' THEN
            RETURN '[]'::jsonb;
        END IF;
    ELSIF jsonb_typeof(arg) = 'object' AND jsonb_typeof(arg -> one) = 'object' THEN
        RETURN jsonb_build_array(arg -> one);
    ELSIF jsonb_typeof(arg) = 'object' AND arg = '{}' THEN
        RETURN '[]'::jsonb;            -- an empty search response
    END IF;
    IF jsonb_typeof(arg) <> 'array' THEN
        RAISE EXCEPTION '% must be a JSON array, not %', what, jsonb_typeof(arg) USING ERRCODE = 'invalid_parameter_value',
            HINT = format('Pass the "%s" array of the MLflow REST response (or the response object itself).', what);
    END IF;
    RETURN arg;
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_array(jsonb, text, text) IS
    'An import argument as a JSON array (the array, the search response that holds it, or one get response); 22004 when null, 22023 otherwise';

-- Tags of an MLflow object, checked: [{key, value}] as a JSON object.
CREATE FUNCTION mreg_internal.mlflow_tags(obj jsonb, path text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    tags jsonb := mreg_internal.mlflow_field(obj, path, 'tags', 'array');
    out jsonb := '{}'::jsonb;
    t jsonb;
    i int := -1;
    k text;
    v text;
BEGIN
    FOR t IN SELECT x FROM jsonb_array_elements(coalesce(tags, '[]')) x LOOP
        i := i + 1;
        IF jsonb_typeof(t) <> 'object' THEN
            RAISE EXCEPTION '%.tags[%] must be a JSON object {"key", "value"}, not %', path, i, jsonb_typeof(t)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        k := mreg_internal.mlflow_field(t, format('%s.tags[%s]', path, i), 'key', 'string', true) #>> '{}';
        v := coalesce(mreg_internal.mlflow_field(t, format('%s.tags[%s]', path, i), 'value', 'string') #>> '{}', '');
        IF k !~ '^[A-Za-z0-9_.:/-]{1,128}$' THEN
            RAISE EXCEPTION '%.tags[%].key % is not a tag key mreg can store', path, i, mreg_internal.quote_short(k)
                USING ERRCODE = 'invalid_parameter_value', DETAIL = 'An mreg tag key has up to 128 letters, digits or "_.:/-".';
        END IF;
        IF octet_length(v) > 2000 THEN
            RAISE EXCEPTION '%.tags[%].value is longer than 2000 bytes', path, i USING ERRCODE = 'string_data_right_truncation';
        END IF;
        IF out ? k THEN
            RAISE EXCEPTION '%.tags[%]: tag % is given twice', path, i, mreg_internal.quote_short(k) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        out := out || jsonb_build_object(k, v);
    END LOOP;
    RETURN out;
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_tags(jsonb, text) IS 'The tags of an MLflow object as {key: value}, each checked (22023 naming the field)';

-- An MLflow alias as mreg spells it (@name), checked.
CREATE FUNCTION mreg_internal.mlflow_alias(alias text, path text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF alias IS NULL OR alias !~ '^[a-z][a-z0-9_-]{0,62}$' THEN
        RAISE EXCEPTION '% % is not an alias mreg can store', path, mreg_internal.quote_short(alias)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'An mreg alias is a lower-case letter and up to 62 lower-case letters, digits, "_" or "-".';
    END IF;
    RETURN '@' || alias;
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_alias(text, text) IS 'An MLflow alias as an mreg alias (@name); 22023 naming the field when mreg cannot store it';

-- One ModelVersion object, checked, as what the import needs: name, number,
-- semver, mreg status, source, tags, aliases and the metadata "mlflow" object.
CREATE FUNCTION mreg_internal.mlflow_version_input(mv jsonb, path text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    num jsonb;
    numtext text;
    stage text;
    st text;
    tags jsonb;
    sv mreg.semver;
    aliases text[] := '{}'::text[];
    a jsonb;
    i int := -1;
    meta jsonb := '{}'::jsonb;
    f text;
BEGIN
    IF jsonb_typeof(mv) <> 'object' THEN
        RAISE EXCEPTION '% must be a JSON object (a ModelVersion), not %', path, jsonb_typeof(mv) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM mreg_internal.mlflow_field(mv, path, 'name', 'string', true);
    num := mv -> 'version';
    IF num IS NULL OR jsonb_typeof(num) = 'null' THEN
        RAISE EXCEPTION '%.version is missing', path USING ERRCODE = 'null_value_not_allowed';
    END IF;
    numtext := num #>> '{}';
    IF jsonb_typeof(num) NOT IN ('string', 'number') OR numtext !~ '^[1-9][0-9]{0,17}$' THEN
        RAISE EXCEPTION '%.version must be a version number of MLflow ("1", "2", ...), not %', path, mreg_internal.quote_short(num::text)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    st := coalesce(mreg_internal.mlflow_field(mv, path, 'status', 'string') #>> '{}', 'READY');
    IF st NOT IN ('READY', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION') THEN
        RAISE EXCEPTION '%.status must be READY, PENDING_REGISTRATION or FAILED_REGISTRATION, not %', path, mreg_internal.quote_short(st)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    stage := coalesce(mreg_internal.mlflow_field(mv, path, 'current_stage', 'string') #>> '{}', 'None');
    IF lower(stage) NOT IN ('none', 'staging', 'production', 'archived') THEN
        RAISE EXCEPTION '%.current_stage must be None, Staging, Production or Archived, not %', path, mreg_internal.quote_short(stage)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    tags := mreg_internal.mlflow_tags(mv, path);
    -- a version exported from mreg carries its semver in the tag mreg.version
    IF tags ? 'mreg.version' THEN
        sv := mreg_internal.to_semver_or_null(tags ->> 'mreg.version');
        IF sv IS NULL THEN
            RAISE EXCEPTION '%.tags: mreg.version % is not a semantic version', path, mreg_internal.quote_short(tags ->> 'mreg.version')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        tags := tags - 'mreg.version';
    ELSE
        sv := (numtext || '.0.0')::mreg.semver;
    END IF;
    FOR a IN SELECT x FROM jsonb_array_elements(coalesce(mreg_internal.mlflow_field(mv, path, 'aliases', 'array'), '[]')) x LOOP
        i := i + 1;
        IF jsonb_typeof(a) <> 'string' THEN
            RAISE EXCEPTION '%.aliases[%] must be a JSON string, not %', path, i, jsonb_typeof(a) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        aliases := aliases || mreg_internal.mlflow_alias(a #>> '{}', format('%s.aliases[%s]', path, i));
    END LOOP;
    FOREACH f IN ARRAY ARRAY['description', 'source', 'run_id', 'user_id', 'status_message', 'run_link'] LOOP
        meta := meta || jsonb_build_object(f, mreg_internal.mlflow_field(mv, path, f, 'string'));
    END LOOP;
    FOREACH f IN ARRAY ARRAY['creation_timestamp', 'last_updated_timestamp'] LOOP
        meta := meta || jsonb_build_object(f, mreg_internal.mlflow_field(mv, path, f, 'timestamp'));
    END LOOP;
    meta := jsonb_strip_nulls(meta || jsonb_build_object('version', numtext, 'status', st));
    RETURN jsonb_build_object(
        'path', path, 'name', mv ->> 'name', 'number', numtext::bigint, 'semver', sv::text,
        'status', CASE WHEN st <> 'READY' THEN 'draft'
                       ELSE CASE lower(stage) WHEN 'production' THEN 'production' WHEN 'staging' THEN 'staging'
                                              WHEN 'archived' THEN 'archived' ELSE 'registered' END END,
        'stage', CASE lower(stage) WHEN 'none' THEN 'None' ELSE initcap(stage) END,
        'source', meta -> 'source', 'tags', tags, 'aliases', to_jsonb(aliases),
        'mlflow', meta - 'source');
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_version_input(jsonb, text) IS
    'One MLflow ModelVersion object checked field by field (22023/22004 naming the field) and mapped: number N to semver N.0.0 (or the mreg.version tag), status and stage to an mreg status';

-- ---------------------------------------------------------------- import
CREATE FUNCTION mreg_internal.import_mlflow(registered_models jsonb, model_versions jsonb, project text DEFAULT 'mlflow')
    RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint := mreg_internal.project_id(project, 'contribute');
    rms jsonb := mreg_internal.mlflow_array(registered_models, 'registered_models', 'registered_model');
    mvs jsonb := mreg_internal.mlflow_array(model_versions, 'model_versions', 'model_version');
    models jsonb := '[]'::jsonb;       -- checked: {path, name, description, tags, aliases: [{alias, number, path}]}
    versions jsonb := '{}'::jsonb;     -- checked, by "name/number"
    rm jsonb;
    mv jsonb;
    x jsonb;
    m jsonb;
    i int;
    j int;
    k text;
    path text;
    vkey text;
    node text;
    aliases jsonb;
    cur mreg.model_version;
    mid bigint;
    cur_source text;
    desired text;
    counts jsonb := '{"models_created": 0, "models_updated": 0, "versions_created": 0, "versions_unchanged": 0,
                      "stages_set": 0, "tags_set": 0, "aliases_set": 0}'::jsonb;
BEGIN
    -- 1. check everything before writing anything
    i := -1;
    FOR rm IN SELECT e FROM jsonb_array_elements(rms) e LOOP
        i := i + 1;
        path := format('registered_models[%s]', i);
        IF jsonb_typeof(rm) <> 'object' THEN
            RAISE EXCEPTION '% must be a JSON object (a RegisteredModel), not %', path, jsonb_typeof(rm) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM mreg_internal.mlflow_field(rm, path, 'name', 'string', true);
        PERFORM mreg_internal.mlflow_field(rm, path, 'description', 'string');
        aliases := '[]'::jsonb;
        j := -1;
        FOR x IN SELECT e FROM jsonb_array_elements(coalesce(mreg_internal.mlflow_field(rm, path, 'aliases', 'array'), '[]')) e LOOP
            j := j + 1;
            IF jsonb_typeof(x) <> 'object' THEN
                RAISE EXCEPTION '%.aliases[%] must be a JSON object {"alias", "version"}, not %', path, j, jsonb_typeof(x)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            PERFORM mreg_internal.mlflow_field(x, format('%s.aliases[%s]', path, j), 'alias', 'string', true);
            IF jsonb_typeof(x -> 'version') IS DISTINCT FROM 'string' AND jsonb_typeof(x -> 'version') IS DISTINCT FROM 'number'
               OR (x ->> 'version') !~ '^[1-9][0-9]{0,17}$' THEN
                RAISE EXCEPTION '%.aliases[%].version must be a version number of MLflow ("1", "2", ...), not %', path, j,
                                coalesce(mreg_internal.quote_short((x -> 'version')::text), 'missing')
                    USING ERRCODE = CASE WHEN x -> 'version' IS NULL THEN 'null_value_not_allowed' ELSE 'invalid_parameter_value' END;
            END IF;
            aliases := aliases || jsonb_build_object('alias', mreg_internal.mlflow_alias(x ->> 'alias', format('%s.aliases[%s].alias', path, j)),
                                                     'number', (x ->> 'version')::bigint, 'path', format('%s.aliases[%s]', path, j));
        END LOOP;
        models := models || jsonb_build_array(jsonb_build_object('path', path, 'name', rm ->> 'name', 'description', rm -> 'description',
                                                                 'tags', mreg_internal.mlflow_tags(rm, path), 'aliases', aliases));
        -- latest_versions: taken when model_versions does not hold the same version
        j := -1;
        FOR mv IN SELECT e FROM jsonb_array_elements(coalesce(mreg_internal.mlflow_field(rm, path, 'latest_versions', 'array'), '[]')) e LOOP
            j := j + 1;
            x := mreg_internal.mlflow_version_input(mv, format('%s.latest_versions[%s]', path, j));
            vkey := (x ->> 'name') || '/' || (x ->> 'number');
            IF NOT versions ? vkey THEN
                versions := versions || jsonb_build_object(vkey, x);
            END IF;
        END LOOP;
    END LOOP;
    i := -1;
    FOR mv IN SELECT e FROM jsonb_array_elements(mvs) e LOOP
        i := i + 1;
        x := mreg_internal.mlflow_version_input(mv, format('model_versions[%s]', i));
        vkey := (x ->> 'name') || '/' || (x ->> 'number');
        IF versions ? vkey AND (versions -> vkey ->> 'path') LIKE 'model_versions[%' THEN
            RAISE EXCEPTION 'model_versions[%]: version % of model % is given twice', i, x ->> 'number', mreg_internal.quote_short(x ->> 'name')
                USING ERRCODE = 'invalid_parameter_value', DETAIL = format('Also at %s.', versions -> vkey ->> 'path');
        END IF;
        versions := versions || jsonb_build_object(vkey, x);
    END LOOP;
    -- semvers must be distinct per model (the mreg.version tag could make two numbers one version)
    SELECT format('versions %s of model %s both map to %s', string_agg(v ->> 'number', ' and '), v ->> 'name', v ->> 'semver')
      INTO path
      FROM jsonb_each(versions) e(key, v) GROUP BY v ->> 'name', v ->> 'semver' HAVING count(*) > 1 LIMIT 1;
    IF path IS NOT NULL THEN
        RAISE EXCEPTION 'model_versions: %', path USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- 2. models: description and tags
    FOR m IN SELECT e FROM jsonb_array_elements(models) e LOOP
        IF NOT EXISTS (SELECT FROM mreg.model x WHERE x.project_id = pid AND x.name = m ->> 'name') THEN
            PERFORM mreg.register_model(project, m ->> 'name', m ->> 'description');
            counts := jsonb_set(counts, '{models_created}', to_jsonb((counts ->> 'models_created')::int + 1));
        ELSIF m ->> 'description' IS NOT NULL
              AND (SELECT x.description FROM mreg.model x WHERE x.project_id = pid AND x.name = m ->> 'name') IS DISTINCT FROM m ->> 'description' THEN
            PERFORM mreg.register_model(project, m ->> 'name', m ->> 'description');
            counts := jsonb_set(counts, '{models_updated}', to_jsonb((counts ->> 'models_updated')::int + 1));
        END IF;
        node := mreg_internal.node_text(project, 'model', m ->> 'name');
        FOR k IN SELECT jsonb_object_keys(m -> 'tags') LOOP
            IF (SELECT t.value FROM mreg.tag t WHERE t.node = node AND t.key = k) IS DISTINCT FROM m -> 'tags' ->> k THEN
                PERFORM mreg.set_tag(node, k, m -> 'tags' ->> k);
                counts := jsonb_set(counts, '{tags_set}', to_jsonb((counts ->> 'tags_set')::int + 1));
            END IF;
        END LOOP;
    END LOOP;

    -- 3. versions, in number order per model
    FOR x IN SELECT v FROM jsonb_each(versions) e(key, v) ORDER BY v ->> 'name', (v ->> 'number')::bigint LOOP
        SELECT v.* INTO cur FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id
         WHERE m.project_id = pid AND m.name = x ->> 'name' AND v.version = (x ->> 'semver')::mreg.semver;
        IF cur.id IS NULL THEN
            PERFORM mreg.register_model_version(project, x ->> 'name', (x ->> 'semver')::mreg.semver, NULL,
                        CASE WHEN x ->> 'source' IS NULL THEN '[]'::jsonb
                             ELSE jsonb_build_array(jsonb_build_object('name', 'mlflow.source', 'kind', 'serialized', 'uri', x ->> 'source')) END,
                        jsonb_build_object('mlflow', x -> 'mlflow'), NULL,
                        CASE WHEN x ->> 'status' = 'draft' THEN 'draft' ELSE 'registered' END);
            counts := jsonb_set(counts, '{versions_created}', to_jsonb((counts ->> 'versions_created')::int + 1));
            SELECT v.* INTO cur FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id
             WHERE m.project_id = pid AND m.name = x ->> 'name' AND v.version = (x ->> 'semver')::mreg.semver;
        ELSE
            -- the same version again: its identity must agree
            SELECT a.uri INTO cur_source FROM mreg.artifact a WHERE a.model_version_id = cur.id AND a.uri IS NOT NULL
             ORDER BY a.name = 'mlflow.source' DESC, a.id LIMIT 1;
            IF cur.metadata #>> '{mlflow,version}' IS DISTINCT FROM x ->> 'number' AND cur.metadata ? 'mlflow' THEN
                RAISE EXCEPTION '%: version % of model % is already version % in mreg', x ->> 'path', x ->> 'semver',
                                mreg_internal.quote_short(x ->> 'name'), cur.metadata #>> '{mlflow,version}'
                    USING ERRCODE = 'object_not_in_prerequisite_state';
            END IF;
            FOREACH k IN ARRAY ARRAY['run_id', 'description'] LOOP
                IF x -> 'mlflow' ->> k IS DISTINCT FROM cur.metadata #>> ARRAY['mlflow', k] AND cur.metadata ? 'mlflow' THEN
                    RAISE EXCEPTION '%.%: version % of model % has another % in mreg', x ->> 'path', k, x ->> 'number',
                                    mreg_internal.quote_short(x ->> 'name'), k
                        USING ERRCODE = 'object_not_in_prerequisite_state',
                              DETAIL = format('mreg has %s, the import %s; a registered version does not change.',
                                              coalesce(mreg_internal.quote_short(cur.metadata #>> ARRAY['mlflow', k]), 'none'),
                                              coalesce(mreg_internal.quote_short(x -> 'mlflow' ->> k), 'none'));
                END IF;
            END LOOP;
            IF x ->> 'source' IS DISTINCT FROM cur_source THEN
                RAISE EXCEPTION '%.source: version % of model % has another source in mreg', x ->> 'path', x ->> 'number',
                                mreg_internal.quote_short(x ->> 'name')
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          DETAIL = format('mreg has %s, the import %s; a registered version''s artifacts do not change.',
                                          coalesce(mreg_internal.quote_short(cur_source), 'none'),
                                          coalesce(mreg_internal.quote_short(x ->> 'source'), 'none'));
            END IF;
            counts := jsonb_set(counts, '{versions_unchanged}', to_jsonb((counts ->> 'versions_unchanged')::int + 1));
        END IF;
        -- the stage: moved only when MLflow's differs from what mreg shows
        desired := x ->> 'status';
        IF cur.status = 'draft' AND desired <> 'draft' THEN
            PERFORM mreg.set_status(project, x ->> 'name', cur.version, 'registered', 'imported from MLflow');
            cur.status := 'registered';
            counts := jsonb_set(counts, '{stages_set}', to_jsonb((counts ->> 'stages_set')::int + 1));
        END IF;
        IF desired <> 'draft' AND cur.status <> 'draft' AND mreg_internal.mlflow_stage(cur.status) <> x ->> 'stage' THEN
            PERFORM mreg.set_status(project, x ->> 'name', cur.version, desired, 'imported from MLflow');
            counts := jsonb_set(counts, '{stages_set}', to_jsonb((counts ->> 'stages_set')::int + 1));
        END IF;
        node := mreg_internal.version_node(project, x ->> 'name', cur.version);
        FOR k IN SELECT jsonb_object_keys(x -> 'tags') LOOP
            IF (SELECT t.value FROM mreg.tag t WHERE t.node = node AND t.key = k) IS DISTINCT FROM x -> 'tags' ->> k THEN
                PERFORM mreg.set_tag(node, k, x -> 'tags' ->> k);
                counts := jsonb_set(counts, '{tags_set}', to_jsonb((counts ->> 'tags_set')::int + 1));
            END IF;
        END LOOP;
    END LOOP;

    -- 4. aliases: those the versions list, and those the models list by number
    FOR m IN
        SELECT to_jsonb(a) FROM (
            SELECT DISTINCT ON (s.name, s.alias) s.alias, s.name, s.number, s.path FROM (
                SELECT al #>> '{}' AS alias, v ->> 'name' AS name, (v ->> 'number')::bigint AS number, v ->> 'path' AS path, 1 AS o
                  FROM jsonb_each(versions) e(key, v) CROSS JOIN LATERAL jsonb_array_elements(v -> 'aliases') al
                UNION ALL
                SELECT al ->> 'alias', mo ->> 'name', (al ->> 'number')::bigint, al ->> 'path', 2
                  FROM jsonb_array_elements(models) mo CROSS JOIN LATERAL jsonb_array_elements(mo -> 'aliases') al) s
            ORDER BY s.name, s.alias, s.o) a
    LOOP
        mid := (SELECT mo.id FROM mreg.model mo WHERE mo.project_id = pid AND mo.name = m ->> 'name');
        cur := NULL;
        IF mid IS NOT NULL THEN
            SELECT v.* INTO cur FROM mreg_internal.mlflow_versions(mid) d
              JOIN mreg.model_version v ON v.id = d.model_version_id
             WHERE d.version_number = (m ->> 'number')::bigint;
        END IF;
        IF cur.id IS NULL THEN
            RAISE EXCEPTION '%: alias % points at version % of model %, which is neither imported nor in mreg', m ->> 'path',
                            ltrim(m ->> 'alias', '@'), m ->> 'number', mreg_internal.quote_short(m ->> 'name')
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NOT EXISTS (SELECT FROM mreg.alias a WHERE a.model_id = cur.model_id AND a.name = m ->> 'alias' AND a.model_version_id = cur.id) THEN
            PERFORM mreg.set_alias(project, m ->> 'name', m ->> 'alias', cur.version, 'imported from MLflow');
            counts := jsonb_set(counts, '{aliases_set}', to_jsonb((counts ->> 'aliases_set')::int + 1));
        END IF;
    END LOOP;
    RETURN jsonb_build_object('project', project, 'models', jsonb_array_length(models),
                              'versions', (SELECT count(*) FROM jsonb_object_keys(versions))) || counts;
END
$$;
COMMENT ON FUNCTION mreg_internal.import_mlflow(jsonb, jsonb, text) IS
    'Imports MLflow REST API JSON (registered models and model versions) into a project through the write API: version N becomes N.0.0 (number, run id, description, user, timestamps kept in metadata mlflow), source an artifact, stage a status, aliases and tags; idempotent; returns counts';

-- ---------------------------------------------------------------- export
-- One version as MLflow's ModelVersion: the tag mreg.version carries a
-- semver that is not NUMBER.0.0, so an import maps it back.
CREATE FUNCTION mreg_internal.mlflow_version_json(d jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RETURN jsonb_strip_nulls(jsonb_build_object(
               'name', d -> 'name', 'version', d ->> 'version_number',
               'creation_timestamp', d -> 'creation_timestamp', 'last_updated_timestamp', d -> 'last_updated_timestamp',
               'user_id', d -> 'user_id', 'current_stage', d -> 'current_stage', 'description', d -> 'description',
               'source', d -> 'source', 'run_id', d -> 'run_id', 'status', d -> 'status',
               'status_message', d -> 'mlflow' -> 'status_message', 'run_link', d -> 'mlflow' -> 'run_link'))
        || jsonb_build_object(
               'tags', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', t.key, 'value', t.value) ORDER BY t.key), '[]')
                          FROM jsonb_each_text(d -> 'tags' || CASE WHEN d ->> 'version' <> (d ->> 'version_number') || '.0.0'
                                                                  THEN jsonb_build_object('mreg.version', d ->> 'version')
                                                                  ELSE '{}' END) t(key, value)),
               'aliases', d -> 'aliases');
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_version_json(jsonb) IS 'A row of mlflow_versions() as an MLflow ModelVersion JSON object';

CREATE FUNCTION mreg.export_mlflow(project text, model text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    m mreg.model;
    d record;
    mvs jsonb := '[]'::jsonb;
    latest jsonb := '[]'::jsonb;
    first_ts bigint;
    last_ts bigint;
BEGIN
    SELECT x.* INTO m FROM mreg.model x JOIN mreg.project p ON p.id = x.project_id
     WHERE p.name = project AND x.name = model;
    IF m.id IS NULL THEN
        RAISE EXCEPTION 'model % is not registered in project %', mreg_internal.quote_short(model), mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation', HINT = 'Or you may not read it.';
    END IF;
    FOR d IN SELECT * FROM mreg_internal.mlflow_versions(m.id) v ORDER BY v.version_number LOOP
        mvs := mvs || jsonb_build_array(mreg_internal.mlflow_version_json(to_jsonb(d)));
        first_ts := least(first_ts, d.creation_timestamp);
        last_ts := greatest(last_ts, d.last_updated_timestamp);
    END LOOP;
    -- MLflow's latest_versions: the newest version of each stage
    FOR d IN SELECT DISTINCT ON (v.current_stage) * FROM mreg_internal.mlflow_versions(m.id) v
              WHERE v.status = 'READY' ORDER BY v.current_stage, v.version_number DESC LOOP
        latest := latest || jsonb_build_array(mreg_internal.mlflow_version_json(to_jsonb(d)) - 'tags' - 'aliases');
    END LOOP;
    RETURN jsonb_build_object(
        'registered_model', jsonb_strip_nulls(jsonb_build_object(
            'name', m.name,
            'creation_timestamp', coalesce(first_ts, mreg_internal.epoch_ms(m.created_at)),
            'last_updated_timestamp', coalesce(last_ts, mreg_internal.epoch_ms(m.created_at)),
            'description', m.description))
            || jsonb_build_object(
            'tags', (SELECT coalesce(jsonb_agg(jsonb_build_object('key', t.key, 'value', t.value) ORDER BY t.key), '[]')
                       FROM mreg.tag t WHERE t.node = mreg_internal.node_text(project, 'model', m.name)),
            'aliases', (SELECT coalesce(jsonb_agg(jsonb_build_object('alias', ltrim(a.name, '@'), 'version', v.version_number::text)
                                                  ORDER BY a.name), '[]')
                          FROM mreg.alias a JOIN mreg_internal.mlflow_versions(m.id) v ON v.model_version_id = a.model_version_id
                         WHERE a.model_id = m.id),
            'latest_versions', (SELECT coalesce(jsonb_agg(l ORDER BY (l ->> 'version')::bigint), '[]') FROM jsonb_array_elements(latest) l)),
        'model_versions', mvs);
END
$$;
COMMENT ON FUNCTION mreg.export_mlflow(text, text) IS
    'A registered model and its versions as MLflow REST API JSON ({"registered_model": ..., "model_versions": [...]}); an import of it gives the same export';
