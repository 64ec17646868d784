-- Registry API: live lineage, provenance, impact, tags and annotations (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- Record one live lineage edge; refuses cycles.  A transaction-level lock
-- serialises writers so that two concurrent edges cannot close a cycle.
CREATE FUNCTION mreg_internal.add_edge(src text, dst text, pid bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    eid bigint;
    path text[];
    seen text[];
    frontier text[];
    levels jsonb;
    cur text;
BEGIN
    IF src = dst THEN
        RAISE EXCEPTION 'lineage edge % -> % would make a cycle', src, dst
            USING ERRCODE = 'check_violation', DETAIL = format('Cycle: %s -> %s.', src, dst);
    END IF;
    SELECT e.id INTO eid FROM mreg.lineage_edge e WHERE e.src = add_edge.src AND e.dst = add_edge.dst;
    IF eid IS NOT NULL THEN
        RETURN eid;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('mreg.lineage_edge'));
    -- Is src reachable from dst?  Then src -> dst closes a cycle.  Breadth
    -- first over the (src, dst) index, one query per level, keeping the
    -- levels so that a cycle can be named without enumerating paths.
    seen := ARRAY[dst];
    frontier := ARRAY[dst];
    levels := jsonb_build_array(to_jsonb(frontier));
    LOOP
        SELECT array_agg(DISTINCT e.dst) INTO frontier
          FROM mreg.lineage_edge e
         WHERE e.src = ANY (frontier) AND e.dst <> ALL (seen);
        EXIT WHEN frontier IS NULL OR src = ANY (frontier);
        seen := seen || frontier;
        levels := levels || jsonb_build_array(to_jsonb(frontier));
    END LOOP;
    IF frontier IS NULL THEN
        INSERT INTO mreg.lineage_edge (project_id, src, dst) VALUES (pid, src, dst)
        ON CONFLICT ON CONSTRAINT lineage_edge_src_dst_key DO NOTHING
        RETURNING id INTO eid;
        IF eid IS NULL THEN
            SELECT e.id INTO eid FROM mreg.lineage_edge e WHERE e.src = add_edge.src AND e.dst = add_edge.dst;
        END IF;
        RETURN eid;
    END IF;
    -- walk back from src through the levels to name one shortest cycle
    path := ARRAY[src];
    cur := src;
    FOR lvl IN REVERSE jsonb_array_length(levels) - 1 .. 0 LOOP
        SELECT e.src INTO cur FROM mreg.lineage_edge e
         WHERE e.dst = cur AND e.src IN (SELECT jsonb_array_elements_text(levels -> lvl)) LIMIT 1;
        path := cur || path;
    END LOOP;
    RAISE EXCEPTION 'lineage edge % -> % would make a cycle', src, dst
        USING ERRCODE = 'check_violation',
              DETAIL = format('Cycle: %s -> %s.', src, array_to_string(path, ' -> '));
END
$$;
COMMENT ON FUNCTION mreg_internal.add_edge(text, text, bigint) IS 'inserts a live lineage edge between canonical nodes, refusing cycles (23514 naming the cycle)';

-- The upstream subgraph of a canonical node in the live lineage, as a value.
CREATE FUNCTION mreg.live_upstream(node text) RETURNS mreg.lineage
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
-- Breadth-first over the dst index, one query per level: plans stay index
-- lookups whatever the table's statistics say (a recursive CTE would pick a
-- hash join over the whole edge table when statistics are stale).
DECLARE
    seen text[] := ARRAY[node];
    frontier text[] := ARRAY[node];
    result mreg.lineage;
BEGIN
    LOOP
        SELECT array_agg(DISTINCT e.src) INTO frontier
          FROM mreg.lineage_edge e
         WHERE e.dst = ANY (frontier) AND e.src <> ALL (seen);
        EXIT WHEN frontier IS NULL;
        seen := seen || frontier;
    END LOOP;
    SELECT mreg.lineage_agg(g.src, g.dst) INTO result
      FROM (SELECT e.src, e.dst FROM mreg.lineage_edge e WHERE e.dst = ANY (seen)
            UNION ALL
            SELECT node, NULL) g;
    RETURN result;
END
$$;
COMMENT ON FUNCTION mreg.live_upstream(text) IS 'The node and all its ancestors in the live lineage graph (mreg.lineage_edge), as a lineage value';

-- ---------------------------------------------------------------- tags, annotations, lineage
CREATE FUNCTION mreg.set_tag(node text, key text, value text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
    tid bigint;
BEGIN
    PERFORM mreg_internal.require(key, 'tag key');
    IF key !~ '^[A-Za-z0-9_.:/-]{1,128}$' THEN
        RAISE EXCEPTION 'invalid tag key %', quote_literal(key)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Up to 128 letters, digits or "_.:/-".';
    END IF;
    IF value IS NULL THEN
        -- NULL removes the tag; the old row stays in row_history
        DELETE FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key RETURNING id INTO tid;
        RETURN tid;
    END IF;
    INSERT INTO mreg.tag AS t (project_id, node, key, value) VALUES (r.project_id, r.canonical, key, value)
    ON CONFLICT ON CONSTRAINT tag_node_key_key DO UPDATE
       SET value = EXCLUDED.value, updated_at = now(), updated_by = current_user
     WHERE t.value IS DISTINCT FROM EXCLUDED.value
    RETURNING id INTO tid;
    IF tid IS NULL THEN
        SELECT t.id INTO tid FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key;
    END IF;
    RETURN tid;
END
$$;
COMMENT ON FUNCTION mreg.set_tag(text, text, text) IS
    'Sets a key/value tag on any entity named by node text (NULL value removes it); every change is kept in row_history; returns the tag id';

CREATE FUNCTION mreg.annotate(node text, note text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
    aid bigint;
BEGIN
    PERFORM mreg_internal.require(note, 'note');
    INSERT INTO mreg.annotation (project_id, node, note) VALUES (r.project_id, r.canonical, note)
    RETURNING id INTO aid;
    RETURN aid;
END
$$;
COMMENT ON FUNCTION mreg.annotate(text, text) IS 'Appends a timestamped note to any entity named by node text; returns its id';

CREATE FUNCTION mreg.add_lineage(src text, dst text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s record := mreg.resolve_node(src);
    d record := mreg.resolve_node(dst);
BEGIN
    IF s.kind IN ('dataset', 'model') OR d.kind IN ('dataset', 'model') THEN
        -- a dataset or a registered model as a whole is not a lineage node: its versions are
        IF s.kind = 'dataset' OR d.kind = 'dataset' THEN
            RAISE EXCEPTION 'lineage links dataset versions, not datasets'
                USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the snapshot: dataset:NAME@VERSION.';
        END IF;
    END IF;
    IF d.kind = 'model_version' AND EXISTS (SELECT 1 FROM mreg.model_version v WHERE v.id = d.entity_id AND v.status <> 'draft') THEN
        RAISE EXCEPTION 'model version % is registered: its provenance is frozen', d.canonical
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'An edge into a registered version would make the live lineage disagree with its provenance snapshot.',
                  HINT = 'Record the lineage before registering the version, or register a new version.';
    END IF;
    RETURN mreg_internal.add_edge(s.canonical, d.canonical, coalesce(d.project_id, s.project_id));
END
$$;
COMMENT ON FUNCTION mreg.add_lineage(text, text) IS
    'Records a live lineage edge src -> dst between entities named by node text (cycles refused with 23514 naming the cycle); returns the edge id';

CREATE FUNCTION mreg.provenance(model_version_id bigint) RETURNS mreg.lineage
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT v.provenance FROM mreg.model_version v WHERE v.id OPERATOR(pg_catalog.=) provenance.model_version_id;
END;
COMMENT ON FUNCTION mreg.provenance(bigint) IS 'The provenance snapshot of a model version (its full upstream lineage at registration)';

CREATE FUNCTION mreg.impact(node text) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg.resolve_node(node);
BEGIN
    IF r.kind = 'dataset' THEN
        -- every snapshot of the dataset
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance && (SELECT mreg.lineage_agg(pr.name || '/dataset:' || d.name || '@' || dv.version, NULL)
                                      FROM mreg.dataset_version dv JOIN mreg.dataset d ON d.id = dv.dataset_id
                                      JOIN mreg.project pr ON pr.id = d.project_id
                                     WHERE dv.dataset_id = r.entity_id)
             ORDER BY v.id;
    ELSIF r.kind = 'model' THEN
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance && (SELECT mreg.lineage_agg(pr.name || '/model:' || m.name || '@' || mv.version::text, NULL)
                                      FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id
                                      JOIN mreg.project pr ON pr.id = m.project_id
                                     WHERE mv.model_id = r.entity_id)
               AND v.model_id <> r.entity_id
             ORDER BY v.id;
    ELSE
        RETURN QUERY
            SELECT v.id FROM mreg.model_version v
             WHERE v.provenance @> r.canonical
               AND NOT (r.kind = 'model_version' AND v.id = r.entity_id)
             ORDER BY v.id;
    END IF;
END
$$;
COMMENT ON FUNCTION mreg.impact(text) IS
    'Model versions whose provenance contains the node (a dataset without @VERSION means any of its snapshots), through the GIN index on provenance';

