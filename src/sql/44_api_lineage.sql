-- Registry API: live lineage, provenance, impact, tags and annotations (SPEC section 3).
--
-- Conventions of every API function: see the header of 33_registry_internal.sql.

-- ---------------------------------------------------------------- cycle safety without a global lock
-- An edge src -> dst closes a cycle when src is reachable from dst.  Two
-- concurrent edges can close one together only through the sources: one
-- walk from dst reaches the other edge's src and vice versa.  So a writer
-- takes an exclusive advisory lock on src and shared ones on dst and on
-- every node its walk reaches, each before it reads that node's out-edges:
-- an edge out of a node is only ever added under that node's exclusive lock,
-- so a walk sees every committed out-edge and waits for uncommitted ones.
-- Writers whose walks and sources do not meet never wait for each other.
--
-- Edges into a node created in the same transaction (run:ID from log_run, a
-- new model version) need no lock at all: nobody else can name that node
-- before commit, so no other edge can lead out of it.  This is the path of
-- every pipeline registration.
--
-- Snapshots: a READ COMMITTED statement sees what committed before it, so a
-- walk after a lock wait sees the holder's edges.  Under REPEATABLE READ or
-- SERIALIZABLE the snapshot is older than the wait, so a wait ends in a
-- serialization failure (40001) for the caller to retry.
CREATE FUNCTION mreg_internal.lock_node(node text, exclusive boolean) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    cls constant int := 1836213607;        -- 'mreg': the lock namespace of lineage nodes
    k int := hashtext(node);
BEGIN
    IF (exclusive AND pg_try_advisory_xact_lock(cls, k)) OR (NOT exclusive AND pg_try_advisory_xact_lock_shared(cls, k)) THEN
        RETURN;
    END IF;
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(cls, k);
    ELSE
        PERFORM pg_advisory_xact_lock_shared(cls, k);
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'could not serialize access to lineage node %', mreg_internal.quote_short(node)
            USING ERRCODE = 'serialization_failure',
                  DETAIL = 'Another transaction changed the lineage around this node; this transaction''s snapshot cannot see it.',
                  HINT = 'Retry the transaction.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.lock_node(text, boolean) IS
    'Transaction-level advisory lock on one lineage node (exclusive for the source of a new edge, shared for nodes a cycle check walks)';

-- Record one live lineage edge between absolute canonical nodes; refuses
-- cycles, naming one.  fresh: dst was created by this transaction.
CREATE FUNCTION mreg_internal.add_edge(src text, dst text, pid bigint, fresh boolean DEFAULT false) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    eid bigint;
    path text[];
    seen text[];
    frontier text[];
    nxt text[];
    levels jsonb;
    cur text;
    n text;
BEGIN
    IF src = dst THEN
        RAISE EXCEPTION 'lineage edge % -> % would make a cycle', src, dst
            USING ERRCODE = 'check_violation', DETAIL = format('Cycle: %s -> %s.', src, dst);
    END IF;
    SELECT e.id INTO eid FROM mreg.lineage_edge e WHERE e.src = add_edge.src AND e.dst = add_edge.dst;
    IF eid IS NOT NULL THEN
        RETURN eid;
    END IF;
    IF NOT fresh THEN
        -- both ends at once, in key order, so two writers cannot deadlock on them
        FOR n IN SELECT x FROM unnest(ARRAY[src, dst]) x ORDER BY hashtext(x), x LOOP
            PERFORM mreg_internal.lock_node(n, n = src);
        END LOOP;
    END IF;
    -- Is src reachable from dst?  Breadth first over the (src, dst) index,
    -- one query per level, keeping the levels to name a cycle.
    seen := ARRAY[dst];
    frontier := ARRAY[dst];
    levels := jsonb_build_array(to_jsonb(frontier));
    LOOP
        SELECT array_agg(DISTINCT e.dst) INTO nxt
          FROM mreg.lineage_edge e
         WHERE e.src = ANY (frontier) AND e.dst <> ALL (seen);
        EXIT WHEN nxt IS NULL OR src = ANY (nxt);
        IF NOT fresh THEN
            FOR n IN SELECT x FROM unnest(nxt) x ORDER BY hashtext(x), x LOOP
                PERFORM mreg_internal.lock_node(n, false);
            END LOOP;
        END IF;
        seen := seen || nxt;
        frontier := nxt;
        levels := levels || jsonb_build_array(to_jsonb(frontier));
    END LOOP;
    IF nxt IS NULL THEN
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
COMMENT ON FUNCTION mreg_internal.add_edge(text, text, bigint, boolean) IS
    'Inserts a live lineage edge between canonical nodes, refusing cycles (23514 naming the cycle); locks only the nodes a cycle could run through';

-- The upstream subgraph of an absolute canonical node in the live lineage.
CREATE FUNCTION mreg_internal.upstream_of(node text) RETURNS mreg.lineage
    LANGUAGE plpgsql STABLE STRICT
    SET search_path = pg_catalog, mreg, pg_temp
    SET enable_seqscan = off
AS $$
#variable_conflict use_variable
-- Breadth-first over the dst index, one query per level, keeping the edges
-- each level returns.  Each query touches a handful of edges, but during a
-- bulk load the table's statistics are stale (it looks empty) and the
-- planner picks a sequential scan over every edge: registration then slows
-- down linearly with the registry (measured: 0.5 ms per version at 500
-- versions, 7 ms at 8,000).  enable_seqscan = off keeps the index lookups.
DECLARE
    seen text[] := ARRAY[node];
    frontier text[] := ARRAY[node];
    srcs text[] := '{}';
    dsts text[] := '{}';
    s_level text[];
    d_level text[];
    result mreg.lineage;
BEGIN
    LOOP
        SELECT array_agg(e.src), array_agg(e.dst) INTO s_level, d_level
          FROM mreg.lineage_edge e
         WHERE e.dst = ANY (frontier);
        EXIT WHEN s_level IS NULL;
        srcs := srcs || s_level;
        dsts := dsts || d_level;
        SELECT array_agg(DISTINCT x) INTO frontier FROM unnest(s_level) x WHERE x <> ALL (seen);
        EXIT WHEN frontier IS NULL;
        seen := seen || frontier;
    END LOOP;
    SELECT mreg.lineage_agg(g.src, g.dst) INTO result
      FROM (SELECT u.src, u.dst FROM unnest(srcs, dsts) AS u(src, dst)
            UNION ALL
            SELECT node, NULL) g;
    RETURN result;
END
$$;
COMMENT ON FUNCTION mreg_internal.upstream_of(text) IS 'The node and all its ancestors in the live lineage graph, as a lineage value (absolute node texts)';

CREATE FUNCTION mreg.live_upstream(node text) RETURNS mreg.lineage
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT mreg_internal.upstream_of((mreg_internal.resolve(live_upstream.node, NULL)).canonical);
END;
COMMENT ON FUNCTION mreg.live_upstream(text) IS
    'The node and all its ancestors in the live lineage graph (mreg.lineage_edge), with absolute node texts; an unregistered entity is 23503';

-- The provenance snapshot of a version: its live upstream now, with its own
-- project's nodes relative.
CREATE FUNCTION mreg_internal.snapshot_provenance(version_id bigint) RETURNS mreg.lineage
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT mreg.lineage_relative(
               mreg_internal.upstream_of(mreg_internal.version_node(p.name, m.name, v.version)), p.name)
      FROM mreg.model_version v
      JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
      JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id
     WHERE v.id OPERATOR(pg_catalog.=) snapshot_provenance.version_id;
END;
COMMENT ON FUNCTION mreg_internal.snapshot_provenance(bigint) IS
    'The live upstream of a model version, its own project''s nodes relative: what its provenance snapshot holds';

-- ---------------------------------------------------------------- tags, annotations, lineage
CREATE FUNCTION mreg_internal.set_tag(node text, key text, value text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg_internal.resolve(node, NULL);
    tid bigint;
BEGIN
    PERFORM mreg_internal.authorize(r.project_id, 'contribute');
    PERFORM mreg_internal.require(key, 'tag key');
    IF key !~ '^[A-Za-z0-9_.:/-]{1,128}$' THEN
        RAISE EXCEPTION 'invalid tag key %', mreg_internal.quote_short(key)
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Up to 128 letters, digits or "_.:/-".';
    END IF;
    IF octet_length(value) > 2000 THEN
        RAISE EXCEPTION 'tag value is too long (% bytes)', octet_length(value)
            USING ERRCODE = 'string_data_right_truncation',
                  DETAIL = 'A tag value has at most 2000 bytes.',
                  HINT = 'Longer text belongs in a note: mreg.annotate().';
    END IF;
    IF value IS NULL THEN
        -- NULL removes the tag; the old row stays in row_history
        DELETE FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key RETURNING id INTO tid;
        RETURN tid;
    END IF;
    INSERT INTO mreg.tag AS t (project_id, node, key, value) VALUES (r.project_id, r.canonical, key, value)
    ON CONFLICT ON CONSTRAINT tag_node_key_key DO UPDATE
       SET value = EXCLUDED.value, updated_at = clock_timestamp(), updated_by = mreg_internal.caller()
     WHERE t.value IS DISTINCT FROM EXCLUDED.value
    RETURNING id INTO tid;
    IF tid IS NULL THEN
        SELECT t.id INTO tid FROM mreg.tag t WHERE t.node = r.canonical AND t.key = set_tag.key;
    END IF;
    RETURN tid;
END
$$;
COMMENT ON FUNCTION mreg_internal.set_tag(text, text, text) IS
    'Sets a key/value tag (value up to 2000 bytes) on any entity named by node text (NULL value removes it); every change is kept in row_history; returns the tag id';

CREATE FUNCTION mreg_internal.annotate(node text, note text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg_internal.resolve(node, NULL);
    aid bigint;
BEGIN
    PERFORM mreg_internal.authorize(r.project_id, 'contribute');
    PERFORM mreg_internal.require(note, 'note');
    INSERT INTO mreg.annotation (project_id, node, note) VALUES (r.project_id, r.canonical, note)
    RETURNING id INTO aid;
    RETURN aid;
END
$$;
COMMENT ON FUNCTION mreg_internal.annotate(text, text) IS 'Appends a timestamped note to any entity named by node text; returns its id';

CREATE FUNCTION mreg_internal.add_lineage(src text, dst text)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s record := mreg_internal.resolve(src, NULL);
    d record := mreg_internal.resolve(dst, NULL);
BEGIN
    IF s.kind = 'dataset' OR d.kind = 'dataset' THEN
        -- a dataset as a whole is not a lineage node: its snapshots are
        RAISE EXCEPTION 'lineage links dataset versions, not datasets'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the snapshot: dataset:NAME@VERSION.';
    END IF;
    IF d.kind = 'model_version' AND EXISTS (SELECT 1 FROM mreg.model_version v WHERE v.id = d.entity_id AND v.status <> 'draft') THEN
        RAISE EXCEPTION 'model version % is registered: its provenance is frozen', d.canonical
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'An edge into a registered version would make the live lineage disagree with its provenance snapshot.',
                  HINT = 'Record the lineage while the version is a draft, or register a new version.';
    END IF;
    -- the edge belongs to the project of its destination (else of its source)
    PERFORM mreg_internal.authorize(coalesce(d.project_id, s.project_id), 'contribute');
    RETURN mreg_internal.add_edge(s.canonical, d.canonical, coalesce(d.project_id, s.project_id));
END
$$;
COMMENT ON FUNCTION mreg_internal.add_lineage(text, text) IS
    'Records a live lineage edge src -> dst between entities named by node text (cycles refused with 23514 naming the cycle); returns the edge id';

CREATE FUNCTION mreg.provenance(model_version_id bigint) RETURNS mreg.lineage
    LANGUAGE sql STABLE STRICT
BEGIN ATOMIC
    SELECT v.provenance FROM mreg.model_version v WHERE v.id OPERATOR(pg_catalog.=) provenance.model_version_id;
END;
COMMENT ON FUNCTION mreg.provenance(bigint) IS
    'The provenance snapshot of a model version: its full upstream lineage when it was registered, its own project''s nodes unprefixed';

-- Which registered versions does a node feed, and from how far?  A
-- version's provenance names its own project's nodes relative and other
-- projects' nodes absolute, so the node is looked for in both spellings: one
-- GIN probe each.  A dataset or model without @VERSION stands for all of its
-- versions: the GIN operator class keys every versioned node under its
-- family too (@>>), so that is one probe as well.
CREATE FUNCTION mreg.impact(node text)
    RETURNS TABLE (model_version_id bigint, project text, model text, version mreg.semver, status text, depth integer)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    r record := mreg_internal.resolve(node, NULL);
    pname text;
    rel text;
    family boolean := r.kind IN ('dataset', 'model');    -- all versions of it
BEGIN
    SELECT p.name INTO pname FROM mreg.project p WHERE p.id = r.project_id;
    rel := CASE WHEN pname IS NULL OR r.kind IN ('run', 'project') THEN r.canonical
                ELSE mreg_internal.relative_node(r.canonical, pname) END;
    -- One statement planned with the values in hand (EXECUTE ... USING), so
    -- each arm of the OR is a GIN probe; the operator is one of two literals.
    RETURN QUERY EXECUTE format($q$
        SELECT v.id, p.name, m.name, v.version, v.status,
               %s
          FROM mreg.model_version v
          JOIN mreg.model m ON m.id = v.model_id
          JOIN mreg.project p ON p.id = v.project_id
         CROSS JOIN LATERAL (SELECT CASE WHEN v.project_id = $1 THEN $2 ELSE $3 END AS probe,
                                    -- the version's own node, relative; model names and
                                    -- versions never need quotes, so no parse per row
                                    'model:' || m.name || '@' || v.version::text AS self) x
         WHERE ((v.project_id = $1 AND v.provenance OPERATOR(mreg.%s) $2)
                OR (v.project_id IS DISTINCT FROM $1 AND v.provenance OPERATOR(mreg.%s) $3))
           AND v.status <> 'draft'
           AND NOT ($4 = 'model' AND v.model_id = $5)
           AND NOT ($4 = 'model_version' AND v.id = $5)
         ORDER BY 6, 2, 3, 4 $q$,
        CASE WHEN family
             THEN '(SELECT min(mreg.lineage_distance(v.provenance, n, x.self)) FROM mreg.lineage_nodes(v.provenance) n
                     WHERE starts_with(n, x.probe || ''@''))'
             ELSE 'mreg.lineage_distance(v.provenance, x.probe, x.self)' END,
        CASE WHEN family THEN '@>>' ELSE '@>' END,
        CASE WHEN family THEN '@>>' ELSE '@>' END)
    USING r.project_id, rel, r.canonical, r.kind, r.entity_id;
END
$$;
COMMENT ON FUNCTION mreg.impact(text) IS
    'Registered model versions whose provenance contains the node (a dataset or model without @VERSION: any of its versions), with project, model, version, status and how many edges away the node is; GIN index probes';
