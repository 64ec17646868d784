-- Pictures, part 2 (SPEC section 4): mreg.compare_html, a self-contained
-- HTML5 page comparing model versions side by side, with each lineage drawn
-- as inline SVG and the deployment state.  The escaping and formatting
-- helpers are in 78_pictures.sql; doc/pictures.md is the manual.

-- ---------------------------------------------------------------- lineage as inline SVG
-- A layered drawing of a lineage value: a node's column is the length of
-- the longest path that reaches it (sources left, the model version right),
-- nodes within a column in canonical order; edges are curves with arrows.
-- Node boxes are coloured by kind and show at most 30 characters of the
-- node text (the whole text is the box's tooltip).  uid makes the arrow
-- marker's id unique in a page with several drawings (digits only).  Over
-- 80 nodes nothing is drawn: a note says how to render it elsewhere.
CREATE FUNCTION mreg_internal.lineage_svg(lin mreg.lineage, focus pg_catalog.text, uid pg_catalog.int8) RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    nn int := mreg.lineage_node_count(lin);
    ne int := mreg.lineage_edge_count(lin);
    colw int := 250;           -- column pitch; boxes are 210 wide
    rowh int := 42;            -- row pitch; boxes are 28 high
    ncols int;
    nrows int;
    names text[];
    layers int[];
    rws int[];
    body text;
    paths text;
BEGIN
    IF nn = 0 THEN
        RETURN '<p class="empty">no lineage recorded</p>';
    END IF;
    IF nn > 80 THEN
        RETURN format('<p class="empty">The lineage has %s nodes and %s edges: too many to draw here. '
                      'Render it with <code>mreg.lineage_dot(mreg.provenance(%s))</code> (Graphviz) or <code>mreg.lineage_mermaid(...)</code>.</p>',
                      nn, ne, uid);
    END IF;
    WITH RECURSIVE nodes AS (
        SELECT t.n, t.i FROM mreg.lineage_nodes(lin) WITH ORDINALITY AS t(n, i)),
    edges AS (
        SELECT e.src, e.dst FROM mreg.lineage_edges(lin) e),
    depth(node, d) AS (                                     -- UNION: at most nodes x nodes rows
        SELECT nodes.n, 0 FROM nodes
        UNION
        SELECT edges.dst, depth.d + 1 FROM depth JOIN edges ON edges.src = depth.node WHERE depth.d < nn)
    SELECT array_agg(p.n ORDER BY p.i), array_agg(p.layer ORDER BY p.i),
           array_agg(p.rw ORDER BY p.i)
      INTO names, layers, rws
      FROM (SELECT nodes.n, nodes.i, l.layer,
                   (row_number() OVER (PARTITION BY l.layer ORDER BY nodes.i) - 1)::int AS rw
              FROM nodes JOIN (SELECT depth.node, max(depth.d)::int AS layer FROM depth GROUP BY depth.node) l
                ON l.node = nodes.n) p;
    ncols := (SELECT max(x) FROM unnest(layers) x) + 1;
    nrows := (SELECT max(x) FROM unnest(rws) x) + 1;
    SELECT string_agg(format('<g class="node"><title>%s</title><rect x="%s" y="%s" width="210" height="28" rx="6" fill="%s" stroke="%s" stroke-width="%s"/>'
                             '<text x="%s" y="%s" font-size="11" fill="#1a1a1a">%s</text></g>',
                             mreg_internal.markup_escape(k.n), 10 + k.layer * colw, 6 + k.rw * rowh,
                             CASE k.kind WHEN 'dataset' THEN '#dbe9f6' WHEN 'feature' THEN '#dff3e0' WHEN 'run' THEN '#fde8d0'
                                         WHEN 'model' THEN '#eadcf3' WHEN 'code' THEN '#ececec' WHEN 'pipeline' THEN '#d9f0ee' ELSE '#f6f1d8' END,
                             CASE WHEN k.n = focus THEN '#6a3d9a' ELSE '#8a8a8a' END, CASE WHEN k.n = focus THEN 2.5 ELSE 1 END,
                             18 + k.layer * colw, 6 + k.rw * rowh + 18, mreg_internal.markup_short(k.n, 30)), E'\n' ORDER BY k.layer, k.rw)
      INTO body
      FROM (SELECT u.n, u.layer, u.rw,
                   (regexp_match(u.n, '^(?:(?:"(?:[^"]|"")*"|[A-Za-z0-9_.-]+)/)?([a-z][a-z0-9_]*):'))[1] AS kind
              FROM unnest(names, layers, rws) AS u(n, layer, rw)) k;
    SELECT string_agg(format('<path d="M %s %s C %s %s, %s %s, %s %s" fill="none" stroke="#777777" stroke-width="1.3" marker-end="url(#arrow-%s)"><title>%s</title></path>',
                             10 + a.layer * colw + 210, 6 + a.rw * rowh + 14,
                             10 + a.layer * colw + 232, 6 + a.rw * rowh + 14,
                             10 + b.layer * colw - 22, 6 + b.rw * rowh + 14,
                             10 + b.layer * colw - 1, 6 + b.rw * rowh + 14, uid,
                             mreg_internal.markup_escape(e.src || ' → ' || e.dst)), E'\n' ORDER BY e.src, e.dst)
      INTO paths
      FROM mreg.lineage_edges(lin) e
      JOIN unnest(names, layers, rws) AS a(n, layer, rw) ON a.n = e.src
      JOIN unnest(names, layers, rws) AS b(n, layer, rw) ON b.n = e.dst;
    RETURN format('<svg xmlns="http://www.w3.org/2000/svg" class="lineage" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="lineage: %s nodes, %s edges" font-family="DejaVu Sans, Verdana, sans-serif">',
                  (ncols - 1) * colw + 230, nrows * rowh + 4, (ncols - 1) * colw + 230, nrows * rowh + 4, nn, ne)
        || format('<defs><marker id="arrow-%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777777"/></marker></defs>', uid)
        || E'\n' || coalesce(paths || E'\n', '') || body || E'\n</svg>';
END
$$;
COMMENT ON FUNCTION mreg_internal.lineage_svg(mreg.lineage, pg_catalog.text, pg_catalog.int8) IS
    'A lineage drawn as inline SVG: columns by longest path from the sources, boxes coloured by kind with the node text as tooltip, the focus node outlined; over 80 nodes a note instead';

-- ---------------------------------------------------------------- deployment state
-- The deployments of the versions (70_deploy_tables.sql), as table rows:
-- environment (in the project's order), state, traffic, endpoint, since,
-- until; "not deployed" for a version without any.
CREATE FUNCTION mreg_internal.compare_deployments_html(ids pg_catalog.int8[], heads pg_catalog.text[]) RETURNS pg_catalog.text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    rows_html text;
BEGIN
    SELECT string_agg(x.html, E'\n' ORDER BY x.o, x.pos, x.started DESC NULLS LAST, x.did)
      INTO rows_html
      FROM (SELECT u.o, en.position AS pos, d.started_at AS started, d.id AS did,
                   format('<tr><th scope="row">%s</th><td>%s</td><td><span class="state state-%s">%s</span></td><td class="num">%s%%</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                          heads[u.o], mreg_internal.markup_escape(en.name), mreg_internal.markup_escape(d.state),
                          mreg_internal.markup_escape(replace(d.state, '_', ' ')), d.traffic_pct,
                          coalesce('<code>' || mreg_internal.markup_short(d.endpoint, 120) || '</code>', '—'),
                          to_char(d.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
                          coalesce(to_char(d.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '—')) AS html
              FROM unnest(ids) WITH ORDINALITY AS u(id, o)
              JOIN mreg.deployment d ON d.model_version_id = u.id
              JOIN mreg.environment en ON en.id = d.environment_id
            UNION ALL
            SELECT u.o, NULL, NULL, NULL,
                   format('<tr><th scope="row">%s</th><td colspan="6" class="none">not deployed</td></tr>', heads[u.o])
              FROM unnest(ids) WITH ORDINALITY AS u(id, o)
             WHERE NOT EXISTS (SELECT FROM mreg.deployment d WHERE d.model_version_id = u.id)) x;
    RETURN '<table class="deployments"><thead><tr><th scope="col">version</th><th scope="col">environment</th><th scope="col">state</th>'
        || '<th scope="col">traffic</th><th scope="col">endpoint</th><th scope="col">since (UTC)</th><th scope="col">until (UTC)</th></tr></thead><tbody>'
        || E'\n' || coalesce(rows_html, '') || E'\n</tbody></table>';
END
$$;
COMMENT ON FUNCTION mreg_internal.compare_deployments_html(pg_catalog.int8[], pg_catalog.text[]) IS
    'The deployment section of mreg.compare_html: every deployment of the versions (environment in the project''s order, state, traffic, endpoint, since, until), "not deployed" for a version without any';

-- ---------------------------------------------------------------- mreg.compare_html
-- One row of the versions table: a header cell, then one cell per version
-- (the cells are markup already).
CREATE FUNCTION mreg_internal.compare_row(label pg_catalog.text, cells pg_catalog.text[]) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN '<tr><th scope="row">' OPERATOR(pg_catalog.||) mreg_internal.markup_escape(label) OPERATOR(pg_catalog.||) '</th>'
       OPERATOR(pg_catalog.||) '<td>' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(cells, '</td><td>', '')
       OPERATOR(pg_catalog.||) '</td></tr>';
COMMENT ON FUNCTION mreg_internal.compare_row(pg_catalog.text, pg_catalog.text[]) IS
    'A row of the versions table of mreg.compare_html: the label, then one cell per version (cells are markup already)';

CREATE FUNCTION mreg.compare_html(version_ids bigint[]) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET extra_float_digits = 1
AS $$
#variable_conflict use_variable
DECLARE
    ids bigint[];
    n int;
    missing bigint;
    r record;
    heads text[] := '{}'::text[];          -- escaped project/model@version per column
    c_project text[] := '{}'::text[];
    c_model text[] := '{}'::text[];
    c_version text[] := '{}'::text[];
    c_status text[] := '{}'::text[];
    c_aliases text[] := '{}'::text[];
    c_registered text[] := '{}'::text[];
    c_run text[] := '{}'::text[];
    c_tags text[] := '{}'::text[];
    c_notes text[] := '{}'::text[];
    figures text[] := '{}'::text[];
    vnode text;
    mnode text;
    metrics_html text;
    out text[] := '{}'::text[];
BEGIN
    IF version_ids IS NULL OR array_position(version_ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'version_ids must not be null or hold nulls' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    ids := ARRAY(SELECT u.x FROM unnest(version_ids) WITH ORDINALITY AS u(x, o) GROUP BY u.x ORDER BY min(u.o));
    n := cardinality(ids);
    IF n = 0 THEN
        RAISE EXCEPTION 'compare_html needs at least one model version id' USING ERRCODE = 'invalid_parameter_value';
    ELSIF n > 20 THEN
        RAISE EXCEPTION 'compare_html compares at most 20 model versions, got %', n USING ERRCODE = 'program_limit_exceeded';
    END IF;
    -- row-level security: a version the caller may not read does not exist for them
    SELECT u.x INTO missing FROM unnest(ids) WITH ORDINALITY AS u(x, o)
     WHERE NOT EXISTS (SELECT FROM mreg.model_version v WHERE v.id = u.x) ORDER BY u.o LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'model version % does not exist', missing USING ERRCODE = 'undefined_object';
    END IF;

    FOR i IN 1..n LOOP
        SELECT v.id, v.version::text AS version, v.status, v.status_reason, v.run_id, v.created_at, v.created_by,
               v.provenance, m.name AS mname, p.name AS pname
          INTO r
          FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id
         WHERE v.id = ids[i];
        vnode := mreg_internal.node_text(r.pname, 'model', r.mname || '@' || r.version);
        mnode := mreg_internal.node_text(r.pname, 'model', r.mname);
        heads := heads || mreg_internal.markup_escape(format('%s/%s@%s', r.pname, r.mname, r.version));
        c_project := c_project || mreg_internal.markup_escape(r.pname);
        c_model := c_model || mreg_internal.markup_escape(r.mname);
        c_version := c_version || format('<code>%s</code> <span class="muted">(id %s)</span>', mreg_internal.markup_escape(r.version), r.id);
        c_status := c_status || (format('<span class="status status-%s">%s</span>', r.status, r.status)
                                 || coalesce('<div class="muted">' || mreg_internal.markup_short(r.status_reason, 300) || '</div>', ''));
        c_aliases := c_aliases || coalesce((SELECT string_agg('<span class="alias">' || mreg_internal.markup_escape(a.name) || '</span>', ' ' ORDER BY a.name)
                                              FROM mreg.alias a WHERE a.model_version_id = r.id), '<span class="none">—</span>');
        c_registered := c_registered || format('%s <span class="muted">by %s</span>',
                                               to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), mreg_internal.markup_escape(r.created_by));
        c_run := c_run || coalesce(format('<code>run:%s</code>', r.run_id), '<span class="none">—</span>');
        c_tags := c_tags || coalesce((SELECT '<ul class="kv">' || string_agg(format('<li><code>%s</code> = %s%s</li>', mreg_internal.markup_short(t.key, 128),
                                                                                mreg_internal.markup_short(t.value, 300),
                                                                                CASE WHEN t.node = mnode THEN ' <span class="muted">(model)</span>' ELSE '' END),
                                                                         '' ORDER BY t.node = mnode, t.key) || '</ul>'
                                        FROM mreg.tag t WHERE t.node IN (vnode, mnode)), '<span class="none">—</span>');
        c_notes := c_notes || coalesce((SELECT '<ul class="notes">' || string_agg(format('<li><span class="muted">%s, %s%s:</span> %s</li>',
                                                                                  to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                                                                                  mreg_internal.markup_escape(x.created_by),
                                                                                  CASE WHEN x.node = mnode THEN ' on the model' ELSE '' END,
                                                                                  mreg_internal.markup_short(x.note, 500)), '' ORDER BY x.created_at DESC, x.id DESC) || '</ul>'
                                          FROM (SELECT a.* FROM mreg.annotation a WHERE a.node IN (vnode, mnode)
                                                 ORDER BY a.created_at DESC, a.id DESC LIMIT 5) x), '<span class="none">—</span>');
        figures := figures || format(E'<figure>\n<figcaption>%s <span class="muted">(%s nodes, %s edges)</span></figcaption>\n%s\n</figure>',
                                     heads[i], mreg.lineage_node_count(r.provenance), mreg.lineage_edge_count(r.provenance),
                                     mreg_internal.lineage_svg(r.provenance, mreg_internal.node_text(NULL, 'model', r.mname || '@' || r.version), r.id));
    END LOOP;

    -- metrics: the latest value per version, metric and slice; the best of a row (two values or more) marked
    WITH latest AS (
        SELECT DISTINCT ON (e.model_version_id, e.metric, e.slice) e.model_version_id, e.metric, e.slice, e.value
          FROM mreg.evaluation e WHERE e.model_version_id = ANY (ids)
         ORDER BY e.model_version_id, e.metric, e.slice, e.evaluated_at DESC, e.id DESC),
    best AS (
        SELECT l.metric, l.slice, count(*) AS cnt,
               CASE WHEN mreg.metric_lower_is_better(l.metric) THEN min(l.value) ELSE max(l.value) END AS b
          FROM latest l GROUP BY l.metric, l.slice)
    SELECT string_agg(format('<tr><th scope="row">%s <span class="muted">%s</span></th><td class="slice">%s</td>%s</tr>',
                             mreg_internal.markup_escape(b.metric),
                             CASE WHEN mreg.metric_lower_is_better(b.metric) THEN '↓ lower is better' ELSE '↑ higher is better' END,
                             mreg_internal.markup_escape(b.slice),
                             (SELECT string_agg(CASE WHEN l.value IS NULL THEN '<td class="none">—</td>'
                                                     WHEN b.cnt > 1 AND l.value = b.b THEN format('<td class="num best"><span class="value">%s</span> <span class="mark">★ best</span></td>', l.value::text)
                                                     ELSE format('<td class="num"><span class="value">%s</span></td>', l.value::text) END, '' ORDER BY u.o)
                                FROM unnest(ids) WITH ORDINALITY AS u(id, o)
                                LEFT JOIN latest l ON l.model_version_id = u.id AND l.metric = b.metric AND l.slice = b.slice)),
                      E'\n' ORDER BY b.metric COLLATE "C", b.slice <> 'all', b.slice COLLATE "C")
      INTO metrics_html
      FROM best b;

    out := ARRAY['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
                 '<meta http-equiv="Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''">',
                 '<meta name="viewport" content="width=device-width, initial-scale=1">',
                 '<meta name="generator" content="mreg.compare_html">',
                 '<title>' || mreg_internal.markup_short('Compare ' || (SELECT string_agg(format('%s/%s@%s', p.name, m.name, v.version), ', ' ORDER BY u.o)
                                                                            FROM unnest(ids) WITH ORDINALITY AS u(id, o)
                                                                            JOIN mreg.model_version v ON v.id = u.id
                                                                            JOIN mreg.model m ON m.id = v.model_id
                                                                            JOIN mreg.project p ON p.id = v.project_id), 200) || '</title>',
                 '<style>',
                 'body{font-family:"DejaVu Sans",Verdana,sans-serif;font-size:14px;color:#1a1a1a;background:#fff;margin:24px;max-width:1400px}',
                 'h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}',
                 'table{border-collapse:collapse;margin:4px 0}th,td{border:1px solid #d6d6d6;padding:5px 9px;text-align:left;vertical-align:top}',
                 'thead th{background:#f2f4f7}tbody th{background:#fafafa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}',
                 'td.best{background:#e3f4e1;font-weight:700}.mark{color:#2e7d32;font-size:12px;white-space:nowrap}',
                 '.muted{color:#6b6b6b;font-weight:400;font-size:12px}.none{color:#9a9a9a}code{font-family:"DejaVu Sans Mono",monospace;font-size:13px}',
                 '.alias{display:inline-block;background:#eef1fb;border:1px solid #c5cdea;border-radius:10px;padding:0 7px;margin:1px}',
                 '.status,.state{display:inline-block;border-radius:3px;padding:0 6px;background:#eee}',
                 '.status-production,.state-live{background:#d7f0d4}.status-staging,.state-canary{background:#fdebc8}',
                 '.status-archived,.status-retired,.state-ended{background:#e6e6e6}.state-rolled_back{background:#f8d4d4}',
                 'ul.kv,ul.notes{margin:0;padding-left:16px}figure{margin:10px 0 18px}figcaption{font-weight:600;margin-bottom:4px}',
                 'svg.lineage{max-width:100%;height:auto;border:1px solid #eee;background:#fcfcfc}',
                 '.legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #999;border-radius:3px;font-size:12px}',
                 '</style>', '</head>', '<body>',
                 format('<header><h1>Model versions compared</h1><p class="muted">%s version%s · generated %s by %s · latest value per metric and slice</p></header>',
                        n, CASE WHEN n = 1 THEN '' ELSE 's' END, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                        mreg_internal.markup_escape(current_user::text)),
                 '<section id="versions"><h2>Versions</h2>',
                 '<table class="versions"><thead><tr><th scope="col"></th>'
                     || (SELECT string_agg('<th scope="col">' || h || '</th>', '' ORDER BY o) FROM unnest(heads) WITH ORDINALITY AS t(h, o))
                     || '</tr></thead><tbody>'];
    out := out || ARRAY[
        mreg_internal.compare_row('project', c_project), mreg_internal.compare_row('model', c_model),
        mreg_internal.compare_row('version', c_version), mreg_internal.compare_row('status', c_status),
        mreg_internal.compare_row('aliases', c_aliases), mreg_internal.compare_row('registered', c_registered),
        mreg_internal.compare_row('run', c_run), mreg_internal.compare_row('tags', c_tags),
        mreg_internal.compare_row('notes', c_notes),
        '</tbody></table></section>',
        '<section id="metrics"><h2>Metrics</h2>',
        CASE WHEN metrics_html IS NULL THEN '<p class="empty">no evaluations recorded</p>'
             ELSE '<table class="metrics"><thead><tr><th scope="col">metric</th><th scope="col">slice</th>'
                  || (SELECT string_agg('<th scope="col">' || h || '</th>', '' ORDER BY o) FROM unnest(heads) WITH ORDINALITY AS t(h, o))
                  || E'</tr></thead><tbody>\n' || metrics_html || '</tbody></table>' END,
        '</section>',
        '<section id="lineage"><h2>Lineage</h2>',
        '<p class="legend muted">sources on the left, the version on the right (outlined): '
            || '<span style="background:#dbe9f6">dataset</span><span style="background:#dff3e0">feature</span>'
            || '<span style="background:#fde8d0">run</span><span style="background:#eadcf3">model</span>'
            || '<span style="background:#ececec">code</span><span style="background:#d9f0ee">pipeline</span></p>',
        array_to_string(figures, E'\n'),
        '</section>',
        '<section id="deployments"><h2>Deployment state</h2>',
        mreg_internal.compare_deployments_html(ids, heads),
        '</section>', '</body>', '</html>'];
    RETURN array_to_string(out, E'\n') || E'\n';
END
$$;
COMMENT ON FUNCTION mreg.compare_html(bigint[]) IS
    'A self-contained HTML5 page comparing model versions side by side: identity, status, aliases, tags, notes; the latest metrics per slice with the best marked; each lineage as inline SVG; deployment state. Up to 20 versions; the caller''s rights apply';
