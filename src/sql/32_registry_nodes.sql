-- Registry core: naming entities by node text (SPEC section 3).
--
-- Users write dataset:NAME@VERSION, feature:NAME, run:ID, model:NAME,
-- model:NAME@VERSION, model:NAME@ALIAS, pipeline:NAME, experiment:NAME,
-- project:NAME, or any other kind:name (code:git@abc, ...).  Names are
-- relative to a project like paths to a working directory: a node of another
-- project carries its prefix (risk/dataset:txns@2026-10); in a function that
-- has a project, an unprefixed node means that project's entity; without
-- one, it must match exactly one entity (42P08 otherwise).
--
-- The live lineage (mreg.lineage_edge) stores absolute node texts: every
-- project-scoped entity with its project prefix, so two teams' "churn"
-- models never merge; run:ID and free-form nodes have no prefix.  Provenance
-- snapshots are written relative to the version's project (see
-- mreg.lineage_relative).  Every node text is built by
-- mreg_internal.node_text, which quotes through the lineage grammar, so any
-- name round-trips and two entities never print the same node.

-- Input quoted for a message: at most 200 characters, so a 1 MB argument
-- does not become a 1 MB error.
CREATE FUNCTION mreg_internal.quote_short(val text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN val IS NULL THEN 'NULL'
            WHEN pg_catalog.length(val) OPERATOR(pg_catalog.<=) 200 THEN pg_catalog.quote_literal(val)
            ELSE pg_catalog.quote_literal(pg_catalog.left(val, 200)) OPERATOR(pg_catalog.||)
                 pg_catalog.format('... (%s characters)', pg_catalog.length(val)) END;
COMMENT ON FUNCTION mreg_internal.quote_short(text) IS 'A value quoted for an error message, cut to 200 characters';

-- Look up a project by name; NULL/empty/unknown are errors that name it.
CREATE FUNCTION mreg_internal.project_id(project text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    pid bigint;
BEGIN
    IF project IS NULL OR btrim(project) = '' THEN
        RAISE EXCEPTION 'project must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT p.id INTO pid FROM mreg.project p WHERE p.name = project;
    -- a project the caller may not read does not exist for them
    IF pid IS NULL OR NOT mreg_internal.has_access(pid, 'read') THEN
        RAISE EXCEPTION 'project % does not exist', mreg_internal.quote_short(project)
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Create it with mreg.create_project().';
    END IF;
    RETURN pid;
END
$$;
COMMENT ON FUNCTION mreg_internal.project_id(text) IS 'Id of a project by name (23503 when absent or not readable by the caller)';

-- Split a node text into (project, kind, name) without resolving it.
CREATE FUNCTION mreg.parse_node(node text, OUT project text, OUT kind text, OUT name text)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    m text[];
BEGIN
    IF length(node) > 2000 THEN
        RAISE EXCEPTION 'node text is too long (% characters)', length(node)
            USING ERRCODE = 'program_limit_exceeded',
                  DETAIL = format('It starts with %s; a node text has at most 2000 characters.', mreg_internal.quote_short(node));
    END IF;
    m := regexp_match(btrim(node), '^(?:("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/)?([a-z][a-z0-9_]*):(.+)$');
    IF m IS NULL THEN
        RAISE EXCEPTION 'invalid node text %', mreg_internal.quote_short(node)
            USING ERRCODE = 'invalid_text_representation',
                  DETAIL = 'A node is kind:name, optionally prefixed with a project (project/kind:name); kind is a lower-case identifier.',
                  HINT = 'Examples: dataset:sales@2024-05, model:fraud-gbm@2.1.0, model:fraud-gbm@champion, run:42, risk/feature:amount_7d, code:git@abc123.';
    END IF;
    project := m[1];
    IF project LIKE '"%' THEN
        project := replace(substr(project, 2, length(project) - 2), '""', '"');
    END IF;
    kind := m[2];
    name := m[3];
    IF name LIKE '"%' THEN
        IF name !~ '^"(?:[^"]|"")*"$' THEN
            RAISE EXCEPTION 'invalid node text %', mreg_internal.quote_short(node)
                USING ERRCODE = 'invalid_text_representation',
                      DETAIL = 'A quoted name must end with a closing double quote; a quote inside is doubled.';
        END IF;
        name := replace(substr(name, 2, length(name) - 2), '""', '"');
    ELSIF name ~ '[[:space:];"]|->' THEN
        RAISE EXCEPTION 'invalid node text %', mreg_internal.quote_short(node)
            USING ERRCODE = 'invalid_text_representation',
                  DETAIL = 'A name with white space, ";", "->" or a double quote must be double-quoted.',
                  HINT = 'Write kind:"name", doubling any quote inside: experiment:"sp ace".';
    END IF;
    IF name = '' THEN
        RAISE EXCEPTION 'invalid node text %', mreg_internal.quote_short(node)
            USING ERRCODE = 'invalid_text_representation', DETAIL = 'The name after the colon is empty.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg.parse_node(text) IS 'Splits a node text into project prefix (or NULL), kind and unquoted name';

-- The one place node texts are made: parts in, canonical text out, quoted
-- by the lineage grammar exactly where it needs quotes.
CREATE FUNCTION mreg_internal.node_text(project text, kind text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (CASE WHEN project IS NULL THEN ''
             ELSE '"' OPERATOR(pg_catalog.||) pg_catalog.replace(project, '"', '""') OPERATOR(pg_catalog.||) '"/' END
        OPERATOR(pg_catalog.||) kind OPERATOR(pg_catalog.||) ':"'
        OPERATOR(pg_catalog.||) pg_catalog.replace(name, '"', '""') OPERATOR(pg_catalog.||) '"')::mreg.lineage::pg_catalog.text;
COMMENT ON FUNCTION mreg_internal.node_text(text, text, text) IS 'Canonical node text from its parts, quoted only where the lineage grammar needs it';

-- Resolve a node text to the entity it names.  pid is the project an
-- unprefixed name is relative to (NULL: the name must be unique among all
-- projects).  Entity kinds must exist (23503 naming the node); free-form
-- kinds need no row.  canonical is the absolute text the live lineage uses.
CREATE FUNCTION mreg_internal.resolve(node text, pid bigint,
                                      OUT kind text, OUT project_id bigint, OUT entity_id bigint, OUT canonical text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    p record;
    base text;
    ver text;
    alias_ver text;
    n int;
    hits bigint[];
    pids bigint[];
    pnames text[];
    run_pid bigint;
    scope bigint;
BEGIN
    IF node IS NULL OR btrim(node) = '' THEN
        RAISE EXCEPTION 'node must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    p := mreg.parse_node(node);
    kind := p.kind;
    scope := CASE WHEN p.project IS NOT NULL THEN mreg_internal.project_id(p.project) ELSE pid END;

    IF kind = 'run' THEN
        IF p.name !~ '^[0-9]{1,18}$' THEN
            RAISE EXCEPTION 'invalid run node %', mreg_internal.quote_short(node)
                USING ERRCODE = 'invalid_text_representation', DETAIL = 'A run is named by its id: run:42.';
        END IF;
        SELECT r.id, r.project_id INTO entity_id, run_pid FROM mreg.run r
         WHERE r.id = p.name::bigint AND mreg_internal.has_access(r.project_id, 'read');
        -- run ids are global: a prefix must agree, an enclosing project need not
        IF entity_id IS NULL OR (p.project IS NOT NULL AND run_pid <> scope) THEN
            RAISE EXCEPTION 'run % is not registered', p.name
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Node %s names no run.', mreg_internal.quote_short(node));
        END IF;
        project_id := run_pid;
        canonical := 'run:' || entity_id;
        RETURN;
    END IF;

    IF kind IN ('dataset', 'model') AND position('@' IN p.name) > 0 THEN
        base := split_part(p.name, '@', 1);
        ver := substr(p.name, length(base) + 2);
        IF base = '' OR ver = '' THEN
            RAISE EXCEPTION 'invalid node text %', mreg_internal.quote_short(node)
                USING ERRCODE = 'invalid_text_representation', DETAIL = 'Write NAME@VERSION with both parts present.';
        END IF;
    ELSE
        base := p.name;
    END IF;

    IF kind = 'dataset' AND ver IS NOT NULL THEN
        SELECT array_agg(v.id), array_agg(v.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.dataset d JOIN mreg.dataset_version v ON v.dataset_id = d.id JOIN mreg.project pr ON pr.id = d.project_id
         WHERE d.name = base AND v.version = ver AND (scope IS NULL OR d.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'dataset' THEN
        SELECT array_agg(d.id), array_agg(d.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.dataset d JOIN mreg.project pr ON pr.id = d.project_id
         WHERE d.name = base AND (scope IS NULL OR d.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'model' AND ver ~ '^@?[A-Za-z][A-Za-z0-9_-]{0,62}$' THEN
        -- model:NAME@ALIAS: the version the alias points to now (an alias is never
        -- a semver), in any case: set_alias records it in lower case (alias_name)
        alias_ver := '@' || lower(ltrim(ver, '@'));
        SELECT array_agg(v.id), array_agg(v.project_id), array_agg(pr.name), min(v.version::text)
          INTO hits, pids, pnames, ver
          FROM mreg.model m JOIN mreg.alias a ON a.model_id = m.id JOIN mreg.model_version v ON v.id = a.model_version_id
          JOIN mreg.project pr ON pr.id = m.project_id
         WHERE m.name = base AND a.name = alias_ver AND (scope IS NULL OR m.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
        IF hits IS NULL THEN
            ver := alias_ver;       -- for the message below
        END IF;
    ELSIF kind = 'model' AND ver IS NOT NULL THEN
        IF mreg_internal.to_semver_or_null(ver) IS NULL THEN
            RAISE EXCEPTION 'invalid version in node %', mreg_internal.quote_short(node)
                USING ERRCODE = 'invalid_text_representation',
                      DETAIL = 'After model:NAME@ comes a semantic version (2.1.0) or an alias (champion).';
        END IF;
        SELECT array_agg(v.id), array_agg(v.project_id), array_agg(pr.name), min(v.version::text)
          INTO hits, pids, pnames, ver
          FROM mreg.model m JOIN mreg.model_version v ON v.model_id = m.id JOIN mreg.project pr ON pr.id = m.project_id
         WHERE m.name = base AND v.version = ver::mreg.semver AND (scope IS NULL OR m.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
        ver := coalesce(ver, substr(p.name, length(base) + 2));
    ELSIF kind = 'model' THEN
        SELECT array_agg(m.id), array_agg(m.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.model m JOIN mreg.project pr ON pr.id = m.project_id
         WHERE m.name = base AND (scope IS NULL OR m.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'feature' THEN
        SELECT array_agg(f.id), array_agg(f.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.feature f JOIN mreg.project pr ON pr.id = f.project_id
         WHERE f.name = base AND (scope IS NULL OR f.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'pipeline' THEN
        SELECT array_agg(x.id), array_agg(x.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.pipeline x JOIN mreg.project pr ON pr.id = x.project_id
         WHERE x.name = base AND (scope IS NULL OR x.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'experiment' THEN
        SELECT array_agg(x.id), array_agg(x.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.experiment x JOIN mreg.project pr ON pr.id = x.project_id
         WHERE x.name = base AND (scope IS NULL OR x.project_id = scope) AND mreg_internal.has_access(pr.id, 'read');
    ELSIF kind = 'project' THEN
        SELECT array_agg(pr.id), array_agg(pr.id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.project pr WHERE pr.name = base AND mreg_internal.has_access(pr.id, 'read');
    ELSE
        -- free-form node (code:..., notebook:..., any team-defined kind)
        canonical := mreg_internal.node_text(p.project, kind, p.name);
        RETURN;
    END IF;

    n := coalesce(cardinality(hits), 0);
    IF n = 0 THEN
        RAISE EXCEPTION '% % is not registered', kind ||
                        CASE WHEN alias_ver IS NOT NULL THEN ' alias'
                             WHEN ver IS NOT NULL THEN ' version' ELSE '' END,
                        mreg_internal.quote_short(node)
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('No %s named %s exists%s.',
                                  CASE WHEN alias_ver IS NOT NULL THEN 'alias' ELSE kind END,
                                  mreg_internal.quote_short(CASE WHEN ver IS NOT NULL THEN base || '@' || ltrim(ver, '@') ELSE base END),
                                  CASE WHEN scope IS NOT NULL
                                       THEN ' in project ' || (SELECT pr.name FROM mreg.project pr WHERE pr.id = scope)
                                       ELSE '' END);
    ELSIF n > 1 THEN
        RAISE EXCEPTION 'node % is ambiguous', mreg_internal.quote_short(node)
            USING ERRCODE = 'ambiguous_parameter',
                  DETAIL = format('It exists in projects %s.', (SELECT string_agg(x, ', ' ORDER BY x) FROM unnest(pnames) x)),
                  HINT = format('Prefix it with the project, e.g. %s.',
                                mreg_internal.node_text(pnames[1], p.kind, p.name));
    END IF;
    entity_id := hits[1];
    project_id := pids[1];
    IF ver IS NOT NULL THEN
        kind := kind || '_version';       -- dataset_version, model_version
    END IF;
    canonical := CASE WHEN kind = 'project' THEN mreg_internal.node_text(NULL, 'project', pnames[1])
                      ELSE mreg_internal.node_text(pnames[1], p.kind,
                                                   base || CASE WHEN ver IS NOT NULL THEN '@' || ver ELSE '' END) END;
END
$$;
COMMENT ON FUNCTION mreg_internal.resolve(text, bigint) IS
    'Resolves a node text relative to a project (NULL: unique among all projects) to (kind, project_id, entity_id, absolute canonical text)';

CREATE FUNCTION mreg.resolve_node(node text, project text DEFAULT NULL,
                                  OUT kind text, OUT project_id bigint, OUT entity_id bigint, OUT canonical text)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT r.kind, r.project_id, r.entity_id, r.canonical
      FROM mreg_internal.resolve(resolve_node.node,
                                 CASE WHEN resolve_node.project IS NULL THEN NULL
                                      ELSE mreg_internal.project_id(resolve_node.project) END) r;
END;
COMMENT ON FUNCTION mreg.resolve_node(text, text) IS
    'Resolves a node text (relative to project when given) to (kind, project_id, entity_id, canonical absolute text); unregistered entities are 23503, ambiguous names 42P08';

-- A semver or NULL, for telling versions from aliases without an error.
CREATE FUNCTION mreg_internal.to_semver_or_null(val text) RETURNS mreg.semver
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RETURN val::mreg.semver;
EXCEPTION WHEN invalid_text_representation OR program_limit_exceeded OR numeric_value_out_of_range THEN
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mreg_internal.to_semver_or_null(text) IS 'The text as a strict semver, or NULL when it is not one';

-- Node texts of the registry's own entities (absolute unless project is NULL).
CREATE FUNCTION mreg_internal.version_node(project text, model text, version mreg.semver) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN mreg_internal.node_text(project, 'model', model OPERATOR(pg_catalog.||) '@' OPERATOR(pg_catalog.||) version::pg_catalog.text);
COMMENT ON FUNCTION mreg_internal.version_node(text, text, mreg.semver) IS 'Node text of a model version (project NULL: relative)';

-- A node relative to a project: its "project/" prefix dropped.
CREATE FUNCTION mreg_internal.relative_node(node text, project text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.starts_with(node, project OPERATOR(pg_catalog.||) '/')
            THEN pg_catalog.substr(node, pg_catalog.length(project) OPERATOR(pg_catalog.+) 2) ELSE node END;
COMMENT ON FUNCTION mreg_internal.relative_node(text, text) IS 'A node text relative to a project (its prefix dropped when it is that project''s)';
