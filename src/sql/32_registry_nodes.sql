-- Registry core: naming entities by node text (SPEC section 3).
--
-- Users write dataset:NAME@VERSION, feature:NAME, run:ID, model:NAME,
-- model:NAME@VERSION, pipeline:NAME, experiment:NAME, project:NAME, or any
-- other kind:name (code:git@abc, ...), optionally prefixed with the project
-- (fraud/model:gbm@1.0.0) where two projects share a name.  The registry
-- stores one canonical text per entity: project-scoped entities always carry
-- their project prefix, so lineage never merges two projects' "churn" models;
-- run:ID is global; free-form nodes are stored as the lineage type prints them.

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
    IF pid IS NULL THEN
        RAISE EXCEPTION 'project % does not exist', quote_literal(project)
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Create it with mreg.create_project().';
    END IF;
    RETURN pid;
END
$$;
COMMENT ON FUNCTION mreg_internal.project_id(text) IS 'id of a project by name (23503 when absent)';

-- Split a node text into (project, kind, name) without resolving it.
CREATE FUNCTION mreg.parse_node(node text, OUT project text, OUT kind text, OUT name text)
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    m text[];
BEGIN
    m := regexp_match(btrim(node), '^(?:("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)/)?([a-z][a-z0-9_]*):(.+)$');
    IF m IS NULL THEN
        RAISE EXCEPTION 'invalid node text %', quote_literal(node)
            USING ERRCODE = 'invalid_text_representation',
                  DETAIL = 'A node is kind:name, optionally prefixed with a project (project/kind:name); kind is a lower-case identifier.',
                  HINT = 'Examples: dataset:sales@2024-05, model:fraud-gbm@2.1.0, run:42, fraud/feature:amount_7d, code:git@abc123.';
    END IF;
    project := m[1];
    IF project LIKE '"%' THEN
        project := replace(substr(project, 2, length(project) - 2), '""', '"');
    END IF;
    kind := m[2];
    name := m[3];
    IF name LIKE '"%' THEN
        IF name !~ '^"(?:[^"]|"")*"$' THEN
            RAISE EXCEPTION 'invalid node text %', quote_literal(node)
                USING ERRCODE = 'invalid_text_representation',
                      DETAIL = 'A quoted name must end with a closing double quote; a quote inside is doubled.';
        END IF;
        name := replace(substr(name, 2, length(name) - 2), '""', '"');
    END IF;
    IF name = '' THEN
        RAISE EXCEPTION 'invalid node text %', quote_literal(node)
            USING ERRCODE = 'invalid_text_representation', DETAIL = 'The name after the colon is empty.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg.parse_node(text) IS 'Splits a node text into project prefix (or NULL), kind and unquoted name';

-- Canonical text of a free-form node: exactly as the lineage type prints it.
CREATE FUNCTION mreg_internal.canonical_node(project text, kind text, name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (CASE WHEN project IS NULL THEN ''
             ELSE '"' OPERATOR(pg_catalog.||) pg_catalog.replace(project, '"', '""') OPERATOR(pg_catalog.||) '"/' END
        OPERATOR(pg_catalog.||) kind OPERATOR(pg_catalog.||) ':"'
        OPERATOR(pg_catalog.||) pg_catalog.replace(name, '"', '""') OPERATOR(pg_catalog.||) '"')::mreg.lineage::pg_catalog.text;
COMMENT ON FUNCTION mreg_internal.canonical_node(text, text, text) IS 'canonical node text, quoted only where needed';

-- Resolve a node text to the entity it names.  Entity kinds must exist
-- (23503 naming the node); a name shared by several projects must be
-- prefixed (42P08).  Free-form kinds need no row.
CREATE FUNCTION mreg.resolve_node(node text,
                                  OUT kind text, OUT project_id bigint, OUT entity_id bigint, OUT canonical text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    p record;
    base text;
    ver text;
    n int;
    hits bigint[];
    pids bigint[];
    pnames text[];
    run_pid bigint;
BEGIN
    IF node IS NULL OR btrim(node) = '' THEN
        RAISE EXCEPTION 'node must not be null or empty' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    p := mreg.parse_node(node);
    kind := p.kind;
    IF p.project IS NOT NULL THEN
        project_id := mreg_internal.project_id(p.project);
    END IF;

    IF kind = 'run' THEN
        IF p.name !~ '^[0-9]{1,18}$' THEN
            RAISE EXCEPTION 'invalid run node %', quote_literal(node)
                USING ERRCODE = 'invalid_text_representation', DETAIL = 'A run is named by its id: run:42.';
        END IF;
        SELECT r.id, r.project_id INTO entity_id, run_pid FROM mreg.run r WHERE r.id = p.name::bigint;
        IF entity_id IS NULL OR (project_id IS NOT NULL AND run_pid <> project_id) THEN
            RAISE EXCEPTION 'run % is not registered', p.name
                USING ERRCODE = 'foreign_key_violation', DETAIL = format('Node %s names no run.', node);
        END IF;
        project_id := run_pid;
        canonical := 'run:' || entity_id;
        RETURN;
    END IF;

    IF kind IN ('dataset', 'model') AND position('@' IN p.name) > 0 THEN
        base := split_part(p.name, '@', 1);
        ver := substr(p.name, length(base) + 2);
        IF base = '' OR ver = '' THEN
            RAISE EXCEPTION 'invalid node text %', quote_literal(node)
                USING ERRCODE = 'invalid_text_representation', DETAIL = 'Write NAME@VERSION with both parts present.';
        END IF;
    ELSE
        base := p.name;
    END IF;

    IF kind = 'dataset' AND ver IS NOT NULL THEN
        SELECT array_agg(v.id), array_agg(v.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.dataset d JOIN mreg.dataset_version v ON v.dataset_id = d.id JOIN mreg.project pr ON pr.id = d.project_id
         WHERE d.name = base AND v.version = ver AND (resolve_node.project_id IS NULL OR d.project_id = resolve_node.project_id);
    ELSIF kind = 'dataset' THEN
        SELECT array_agg(d.id), array_agg(d.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.dataset d JOIN mreg.project pr ON pr.id = d.project_id
         WHERE d.name = base AND (resolve_node.project_id IS NULL OR d.project_id = resolve_node.project_id);
    ELSIF kind = 'model' AND ver IS NOT NULL THEN
        BEGIN
            PERFORM ver::mreg.semver;
        EXCEPTION WHEN invalid_text_representation THEN
            RAISE EXCEPTION 'invalid version in node %', quote_literal(node)
                USING ERRCODE = 'invalid_text_representation', DETAIL = SQLERRM;
        END;
        SELECT array_agg(v.id), array_agg(v.project_id), array_agg(pr.name), min(v.version::text)
          INTO hits, pids, pnames, ver
          FROM mreg.model m JOIN mreg.model_version v ON v.model_id = m.id JOIN mreg.project pr ON pr.id = m.project_id
         WHERE m.name = base AND v.version = ver::mreg.semver AND (resolve_node.project_id IS NULL OR m.project_id = resolve_node.project_id);
    ELSIF kind = 'model' THEN
        SELECT array_agg(m.id), array_agg(m.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.model m JOIN mreg.project pr ON pr.id = m.project_id
         WHERE m.name = base AND (resolve_node.project_id IS NULL OR m.project_id = resolve_node.project_id);
    ELSIF kind = 'feature' THEN
        SELECT array_agg(f.id), array_agg(f.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.feature f JOIN mreg.project pr ON pr.id = f.project_id
         WHERE f.name = base AND (resolve_node.project_id IS NULL OR f.project_id = resolve_node.project_id);
    ELSIF kind = 'pipeline' THEN
        SELECT array_agg(x.id), array_agg(x.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.pipeline x JOIN mreg.project pr ON pr.id = x.project_id
         WHERE x.name = base AND (resolve_node.project_id IS NULL OR x.project_id = resolve_node.project_id);
    ELSIF kind = 'experiment' THEN
        SELECT array_agg(x.id), array_agg(x.project_id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.experiment x JOIN mreg.project pr ON pr.id = x.project_id
         WHERE x.name = base AND (resolve_node.project_id IS NULL OR x.project_id = resolve_node.project_id);
    ELSIF kind = 'project' THEN
        SELECT array_agg(pr.id), array_agg(pr.id), array_agg(pr.name)
          INTO hits, pids, pnames
          FROM mreg.project pr WHERE pr.name = base;
    ELSE
        -- free-form node (code:..., notebook:..., any team-defined kind)
        canonical := mreg_internal.canonical_node(p.project, kind, p.name);
        RETURN;
    END IF;

    n := coalesce(cardinality(hits), 0);
    IF n = 0 THEN
        RAISE EXCEPTION '% % is not registered', replace(kind, '_', ' ') ||
                        CASE WHEN ver IS NOT NULL THEN ' version' ELSE '' END, quote_literal(node)
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('No %s named %s exists%s.', kind,
                                  CASE WHEN ver IS NOT NULL THEN base || '@' || ver ELSE base END,
                                  CASE WHEN p.project IS NOT NULL THEN ' in project ' || p.project ELSE '' END);
    ELSIF n > 1 THEN
        RAISE EXCEPTION 'node % is ambiguous', quote_literal(node)
            USING ERRCODE = 'ambiguous_parameter',
                  DETAIL = format('It exists in projects %s.', array_to_string(pnames, ', ')),
                  HINT = format('Prefix it with the project, e.g. %s/%s:%s.', pnames[1], kind, p.name);
    END IF;
    entity_id := hits[1];
    project_id := pids[1];
    IF ver IS NOT NULL THEN
        kind := kind || '_version';       -- dataset_version, model_version
    END IF;
    canonical := CASE WHEN kind = 'project' THEN 'project:' || pnames[1]
                      ELSE pnames[1] || '/' || p.kind || ':' || base || CASE WHEN ver IS NOT NULL THEN '@' || ver ELSE '' END END;
END
$$;
COMMENT ON FUNCTION mreg.resolve_node(text) IS
    'Resolves a node text to (kind, project_id, entity_id, canonical text); unregistered entities are errors (23503), ambiguous names 42P08';
