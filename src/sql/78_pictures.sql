-- Pictures (SPEC section 4): mreg.metric_chart_svg, a metric of a model
-- over its versions as an SVG line chart, one line per slice; and
-- mreg.compare_html, a self-contained HTML page comparing versions side by
-- side (identity, metrics per slice with the best marked, lineage drawn as
-- inline SVG, deployment state: 79_pictures_compare.sql).  doc/pictures.md is
-- the manual.
--
-- Both run with the caller's rights (SECURITY INVOKER): row-level security
-- picks the rows, so a model or version the caller may not read is the same
-- error as one that does not exist.  Every text that comes from the
-- database (names, notes, tags, slices, metrics, versions, values, node
-- texts) passes through mreg_internal.markup_escape (src/pictures.c) before
-- it is written into markup; the markup itself never puts data into a
-- comment, a CDATA section, a <style>, a <script>, an id or a URL.

-- ---------------------------------------------------------------- escaping and formatting
CREATE FUNCTION mreg_internal.markup_escape(pg_catalog.text) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'mreg_markup_escape'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.markup_escape(pg_catalog.text) IS
    'Text as character data safe in HTML and XML, in elements and quoted attributes: & < > " '' escaped; control characters, DEL, C1 controls, U+FFFE and U+FFFF become &#xFFFD;';

-- At most n characters (an ellipsis marks a cut), then escaped: cut first,
-- so an entity is never split.
CREATE FUNCTION mreg_internal.markup_short(s pg_catalog.text, n pg_catalog.int4) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN mreg_internal.markup_escape(CASE WHEN pg_catalog.length(s) OPERATOR(pg_catalog.<=) n THEN s
                                        ELSE pg_catalog.left(s, greatest(n OPERATOR(pg_catalog.-) 1, 1)) OPERATOR(pg_catalog.||) '…' END);
COMMENT ON FUNCTION mreg_internal.markup_short(pg_catalog.text, pg_catalog.int4) IS
    'Text cut to n characters (… marks the cut), then escaped with markup_escape';

-- An SVG coordinate: one decimal.
CREATE FUNCTION mreg_internal.chart_coord(x pg_catalog.float8) RETURNS pg_catalog.text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.round(x::pg_catalog.numeric, 1)::pg_catalog.text;
COMMENT ON FUNCTION mreg_internal.chart_coord(pg_catalog.float8) IS 'An SVG coordinate: rounded to one decimal';

-- A number for a point label: four significant digits, exponent form
-- outside [0.001, 1e6).
CREATE FUNCTION mreg_internal.chart_compact(v pg_catalog.float8) RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF v = 0 THEN
        RETURN '0';
    ELSIF v IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN    -- NaN = NaN in PostgreSQL
        RETURN v::text;
    ELSIF abs(v) >= 1e6 OR abs(v) < 1e-3 THEN
        RETURN btrim(to_char(v, '9.999EEEE'));
    END IF;
    RETURN trim_scale(round(v::numeric, greatest(0, 3 - floor(log(abs(v)))::int)))::text;
END
$$;
COMMENT ON FUNCTION mreg_internal.chart_compact(pg_catalog.float8) IS
    'A value as a short label: four significant digits, exponent form below 0.001 and from 1e6';

-- Axis ticks at "nice" steps (1, 2 or 5 times a power of ten) covering
-- [lo, hi]; a constant range is widened by 5% of its value (or ±1 at 0).
-- When no nice step exists (a span beyond float8), the ends alone.
CREATE FUNCTION mreg_internal.chart_ticks(lo pg_catalog.float8, hi pg_catalog.float8,
                                          OUT ticks pg_catalog.float8[], OUT labels pg_catalog.text[])
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    pad float8;
    span float8;
    raw float8;
    mag float8;
    norm float8;
    step float8;
    t0 float8;
    n int;
    dec int;
    big boolean;
BEGIN
    IF lo > hi THEN
        pad := lo; lo := hi; hi := pad;
    END IF;
    BEGIN
        -- float8 arithmetic raises on overflow: a span beyond float8 falls through to the ends
        IF lo = hi THEN
            pad := CASE WHEN lo = 0 THEN 1 ELSE abs(lo) * 0.05 END;
            lo := lo - pad;
            hi := hi + pad;
        END IF;
        span := hi / 2 - lo / 2;                   -- half the span, which cannot overflow
        raw := span / 2.5;
        IF raw > 0 THEN
            mag := power(10::float8, floor(log(raw)));
            IF mag > 0 THEN
                norm := raw / mag;
                step := CASE WHEN norm < 1.5 THEN 1 WHEN norm < 3 THEN 2 WHEN norm < 7 THEN 5 ELSE 10 END * mag;
                t0 := floor(lo / step) * step;
                n := round((ceil(hi / step) * step - t0) / step)::int;
            END IF;
        END IF;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        step := NULL;
    END;
    IF step IS NULL OR n IS NULL THEN
        IF lo = hi THEN                            -- a constant near the end of float8
            IF lo > 0 THEN lo := lo * 0.99; ELSE hi := hi * 0.99; END IF;
        END IF;
        ticks := ARRAY[lo, hi];
        labels := ARRAY[lo::text, hi::text];
        RETURN;
    END IF;
    ticks := ARRAY(SELECT t0 + k * step FROM generate_series(0, n) k);
    dec := greatest(0, -floor(log(step))::int);
    big := greatest(abs(t0), abs(t0 + n * step)) >= 1e6 OR step < 1e-4;
    labels := ARRAY(SELECT CASE WHEN big AND t <> 0 THEN btrim(to_char(t, '9.99EEEE'))
                                WHEN abs(t) < step / 2 THEN '0'
                                ELSE round(t::numeric, dec)::text END
                      FROM unnest(ticks) t);
END
$$;
COMMENT ON FUNCTION mreg_internal.chart_ticks(pg_catalog.float8, pg_catalog.float8) IS
    'Axis ticks at 1, 2 or 5 times a power of ten covering [lo, hi] (a constant range widened), with their labels';

-- ---------------------------------------------------------------- the chart renderer
-- An SVG line chart: categories x_labels (with a second line x_sublabels)
-- along the x axis, one line per series; point k is (pt_series[k],
-- pt_x[k], pt_value[k]) with the tooltip pt_tip[k] (1-based indexes).
-- NaN and infinite values are not plotted: each is marked with a red cross
-- at the top of its column (tooltip: which one) and counted in a note.
-- Every text is escaped here; callers pass plain text.
CREATE FUNCTION mreg_internal.line_chart_svg(title pg_catalog.text, subtitle pg_catalog.text,
                                             y_title pg_catalog.text, x_title pg_catalog.text,
                                             x_labels pg_catalog.text[], x_sublabels pg_catalog.text[],
                                             series pg_catalog.text[], pt_series pg_catalog.int4[], pt_x pg_catalog.int4[],
                                             pt_value pg_catalog.float8[], pt_tip pg_catalog.text[])
    RETURNS pg_catalog.text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    palette text[] := ARRAY['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1',
                            '#9c755f', '#edc948', '#76b7b2', '#ff9da7', '#6b6b6b'];
    nx int := coalesce(cardinality(x_labels), 0);
    ns int := coalesce(cardinality(series), 0);
    np int := coalesce(cardinality(pt_value), 0);
    shown int;                 -- series drawn in the legend
    w int := 960;
    h int;
    pl float8 := 90;           -- plot area
    pr float8 := 740;
    pt float8 := 78;
    pb float8;
    rotate boolean := nx > 8;
    every int;
    vmin float8;
    vmax float8;
    tk record;
    lo float8;
    hi float8;
    nbad int := 0;
    nfin int := 0;
    out text[] := '{}'::text[];
    x float8;
    y float8;
    color text;
    dash text;
    pts text;
    labels_on boolean;
BEGIN
    IF cardinality(pt_series) IS DISTINCT FROM cardinality(pt_value) OR cardinality(pt_x) IS DISTINCT FROM cardinality(pt_value)
       OR cardinality(pt_tip) IS DISTINCT FROM cardinality(pt_value) THEN
        RAISE EXCEPTION 'line_chart_svg: the point arrays differ in length' USING ERRCODE = 'array_subscript_error';
    END IF;
    FOR k IN 1..np LOOP
        IF pt_series[k] NOT BETWEEN 1 AND ns OR pt_x[k] NOT BETWEEN 1 AND nx THEN
            RAISE EXCEPTION 'line_chart_svg: point % refers to a missing series or category', k USING ERRCODE = 'array_subscript_error';
        END IF;
        IF pt_value[k] IS NULL THEN
            CONTINUE;
        ELSIF pt_value[k] IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN   -- NaN = NaN in PostgreSQL
            nbad := nbad + 1;
        ELSE
            nfin := nfin + 1;
            vmin := least(vmin, pt_value[k]);
            vmax := greatest(vmax, pt_value[k]);
        END IF;
    END LOOP;
    shown := least(ns, 24);
    h := greatest(540, 110 + shown * 22);
    pb := h - CASE WHEN rotate THEN 130 ELSE 86 END;
    out := out || format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="chart-title chart-desc" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">',
                         w, h, w, h);
    out := out || format('<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>',
                         mreg_internal.markup_escape(coalesce(title, '')), mreg_internal.markup_escape(coalesce(subtitle, '')));
    out := out || format('<rect width="%s" height="%s" fill="#ffffff"/>', w, h);
    out := out || format('<text x="%s" y="30" font-size="18" font-weight="bold" fill="#222222">%s</text>', pl, mreg_internal.markup_short(coalesce(title, ''), 90));
    out := out || format('<text x="%s" y="52" fill="#555555">%s</text>', pl, mreg_internal.markup_short(coalesce(subtitle, ''), 130));
    IF nfin = 0 THEN
        out := out || format('<rect x="%s" y="%s" width="%s" height="%s" fill="#fafafa" stroke="#cccccc"/>', pl, pt, pr - pl, pb - pt);
        out := out || format('<text x="%s" y="%s" text-anchor="middle" font-size="16" fill="#777777">%s</text>',
                             mreg_internal.chart_coord((pl + pr) / 2), mreg_internal.chart_coord((pt + pb) / 2),
                             CASE WHEN nbad > 0 THEN format('no data: %s non-finite values only', nbad) ELSE 'no data' END);
        RETURN array_to_string(out || '</svg>'::text, E'\n');
    END IF;

    -- y axis: ticks, grid, labels, title
    tk := mreg_internal.chart_ticks(vmin, vmax);
    lo := tk.ticks[1];
    hi := tk.ticks[cardinality(tk.ticks)];
    out := out || format('<g class="y-axis" fill="#444444">');
    FOR i IN 1..cardinality(tk.ticks) LOOP
        y := pb - (tk.ticks[i] / 2 - lo / 2) / (hi / 2 - lo / 2) * (pb - pt);
        out := out || format('<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#e6e6e6"/><text x="%s" y="%s" text-anchor="end">%s</text>',
                             pl, pr, mreg_internal.chart_coord(y), mreg_internal.chart_coord(y), pl - 8, mreg_internal.chart_coord(y + 4), mreg_internal.markup_escape(tk.labels[i]));
    END LOOP;
    out := out || format('<text transform="translate(22 %s) rotate(-90)" text-anchor="middle" font-size="13" fill="#222222">%s</text></g>',
                         mreg_internal.chart_coord((pt + pb) / 2), mreg_internal.markup_short(coalesce(y_title, ''), 60));
    out := out || format('<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333333"/><line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333333"/>',
                         pl, pl, pt, pb, pl, pr, pb, pb);

    -- x axis: at most ~16 category labels (every k-th and the last), rotated when many
    every := greatest(1, ceil(nx / 16.0)::int);
    out := out || '<g class="x-axis" fill="#444444">'::text;
    FOR i IN 1..nx LOOP
        x := CASE WHEN nx = 1 THEN (pl + pr) / 2 ELSE pl + 24 + (i - 1) * (pr - pl - 48) / (nx - 1) END;
        out := out || format('<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#333333"/>', mreg_internal.chart_coord(x), mreg_internal.chart_coord(x), pb, pb + 5);
        IF (i - 1) % every = 0 OR i = nx THEN
            IF rotate THEN
                out := out || format('<text transform="translate(%s %s) rotate(-35)" text-anchor="end">%s<tspan x="0" dy="13" fill="#888888">%s</tspan></text>',
                                     mreg_internal.chart_coord(x + 4), pb + 16, mreg_internal.markup_short(coalesce(x_labels[i], ''), 24), mreg_internal.markup_short(coalesce(x_sublabels[i], ''), 24));
            ELSE
                out := out || format('<text x="%s" y="%s" text-anchor="middle">%s<tspan x="%s" dy="14" fill="#888888">%s</tspan></text>',
                                     mreg_internal.chart_coord(x), pb + 18, mreg_internal.markup_short(coalesce(x_labels[i], ''), 24), mreg_internal.chart_coord(x), mreg_internal.markup_short(coalesce(x_sublabels[i], ''), 24));
            END IF;
        END IF;
    END LOOP;
    out := out || format('<text x="%s" y="%s" text-anchor="middle" font-size="13" fill="#222222">%s</text></g>',
                         mreg_internal.chart_coord((pl + pr) / 2), h - 14, mreg_internal.markup_short(coalesce(x_title, ''), 100));

    -- the lines and points, series by series (values on the points when few)
    labels_on := nfin <= 40 AND nx <= 12;
    FOR s IN 1..ns LOOP
        color := palette[1 + (s - 1) % cardinality(palette)];
        dash := CASE WHEN s > cardinality(palette) THEN ' stroke-dasharray="6 3"' ELSE '' END;
        SELECT string_agg(format('%s,%s',
                                 mreg_internal.chart_coord(CASE WHEN nx = 1 THEN (pl + pr) / 2 ELSE pl + 24 + (p.xi - 1) * (pr - pl - 48) / (nx - 1) END),
                                 mreg_internal.chart_coord(pb - (p.v / 2 - lo / 2) / (hi / 2 - lo / 2) * (pb - pt))), ' ' ORDER BY p.xi)
          INTO pts
          FROM unnest(pt_series, pt_x, pt_value) AS p(si, xi, v)
         WHERE p.si = s AND p.v NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8);
        out := out || format('<g class="series" data-series="%s">', s);
        IF pts LIKE '% %' THEN
            out := out || format('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>', pts, color, dash);
        END IF;
        FOR k IN 1..np LOOP
            CONTINUE WHEN pt_series[k] <> s OR pt_value[k] IS NULL;
            x := CASE WHEN nx = 1 THEN (pl + pr) / 2 ELSE pl + 24 + (pt_x[k] - 1) * (pr - pl - 48) / (nx - 1) END;
            IF pt_value[k] IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
                out := out || format('<g class="non-finite"><title>%s</title><path d="M %s %s l 8 8 m 0 -8 l -8 8" stroke="#d62728" stroke-width="2"/></g>',
                                     mreg_internal.markup_escape(coalesce(pt_tip[k], '') || ' (' || pt_value[k]::text || ': not plotted)'),
                                     mreg_internal.chart_coord(x - 4), mreg_internal.chart_coord(pt + 4));
                CONTINUE;
            END IF;
            y := pb - (pt_value[k] / 2 - lo / 2) / (hi / 2 - lo / 2) * (pb - pt);
            out := out || format('<circle cx="%s" cy="%s" r="4" fill="%s" stroke="#ffffff" stroke-width="1"><title>%s</title></circle>',
                                 mreg_internal.chart_coord(x), mreg_internal.chart_coord(y), color, mreg_internal.markup_escape(coalesce(pt_tip[k], '')));
            IF labels_on THEN
                out := out || format('<text x="%s" y="%s" text-anchor="middle" font-size="10" fill="%s">%s</text>',
                                     mreg_internal.chart_coord(x), mreg_internal.chart_coord(y - 8), color, mreg_internal.markup_escape(mreg_internal.chart_compact(pt_value[k])));
            END IF;
        END LOOP;
        out := out || '</g>'::text;
    END LOOP;

    -- legend
    out := out || format('<g class="legend"><text x="%s" y="%s" font-weight="bold" fill="#222222">slice</text>', pr + 24, pt + 4);
    FOR s IN 1..shown LOOP
        color := palette[1 + (s - 1) % cardinality(palette)];
        dash := CASE WHEN s > cardinality(palette) THEN ' stroke-dasharray="6 3"' ELSE '' END;
        y := pt + 4 + s * 22;
        out := out || format('<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="3"%s/><circle cx="%s" cy="%s" r="4" fill="%s"/><text x="%s" y="%s" fill="#222222"><title>%s</title>%s</text>',
                             pr + 24, pr + 48, mreg_internal.chart_coord(y - 4), mreg_internal.chart_coord(y - 4), color, dash, pr + 36, mreg_internal.chart_coord(y - 4), color,
                             pr + 56, mreg_internal.chart_coord(y), mreg_internal.markup_escape(series[s]), mreg_internal.markup_short(series[s], 22));
    END LOOP;
    IF ns > shown THEN
        out := out || format('<text x="%s" y="%s" fill="#777777">and %s more</text>', pr + 24, mreg_internal.chart_coord(pt + 4 + (shown + 1) * 22), ns - shown);
    END IF;
    out := out || '</g>'::text;
    IF nbad > 0 THEN
        out := out || format('<text x="%s" y="%s" fill="#d62728">%s non-finite value%s marked ✕ at the top, not plotted</text>',
                             pl, pt - 8, nbad, CASE WHEN nbad = 1 THEN '' ELSE 's' END);
    END IF;
    RETURN array_to_string(out || '</svg>'::text, E'\n');
END
$$;
COMMENT ON FUNCTION mreg_internal.line_chart_svg(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text[], pg_catalog.text[],
                                                 pg_catalog.text[], pg_catalog.int4[], pg_catalog.int4[], pg_catalog.float8[], pg_catalog.text[]) IS
    'SVG line chart renderer behind mreg.metric_chart_svg: categories on x, one line per series, tooltips per point, non-finite values marked; escapes every text';

-- ---------------------------------------------------------------- mreg.metric_chart_svg
-- Versions along x in semantic-version order (registration date below each),
-- the metric's latest value per version and slice on y (the evaluation with
-- the latest evaluated_at, then the highest id, over every data snapshot);
-- the tooltip tells how many evaluations there were.  Only versions with a
-- value of the metric appear.
CREATE FUNCTION mreg.metric_chart_svg(project text, model text, metric text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET extra_float_digits = 1
AS $$
#variable_conflict use_variable
DECLARE
    mid bigint;
    pid bigint;
    pname text;
    mname text;
    mt text;
    n_ver int;
    xs text[];
    xsub text[];
    ss text[];
    ps int[];
    px int[];
    pv float8[];
    ptip text[];
BEGIN
    IF project IS NULL OR model IS NULL OR metric IS NULL THEN
        RAISE EXCEPTION 'project, model and metric must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- row-level security: a model the caller may not read is not found, like one that does not exist
    SELECT m.id, p.id, p.name, m.name INTO mid, pid, pname, mname
      FROM mreg.model m JOIN mreg.project p ON p.id = m.project_id
     WHERE p.name = project AND m.name = model;
    IF mid IS NULL THEN
        RAISE EXCEPTION 'model % of project % does not exist', mreg_internal.quote_short(model), mreg_internal.quote_short(project)
            USING ERRCODE = 'undefined_object',
                  HINT = 'mreg.model_overview lists the models you may read.';
    END IF;
    mt := mreg_internal.metric_name(metric, pid);

    -- one statement, no temporary table: the function stays STABLE and runs in read-only transactions
    WITH latest AS (
        SELECT DISTINCT ON (e.model_version_id, e.slice)
               e.model_version_id, e.slice, e.value, e.evaluated_at, e.method,
               count(*) OVER (PARTITION BY e.model_version_id, e.slice) AS n
          FROM mreg.evaluation e JOIN mreg.model_version v ON v.id = e.model_version_id
         WHERE v.model_id = mid AND e.metric = mt
         ORDER BY e.model_version_id, e.slice, e.evaluated_at DESC, e.id DESC),
    vers AS (
        SELECT v.id, v.version::text AS version, to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS registered,
               row_number() OVER (ORDER BY v.version, v.id)::int AS vi
          FROM mreg.model_version v WHERE v.id IN (SELECT l.model_version_id FROM latest l)),
    slices AS (
        SELECT d.slice, row_number() OVER (ORDER BY d.slice <> 'all', d.slice COLLATE "C")::int AS si
          FROM (SELECT DISTINCT l.slice FROM latest l) d),
    pts AS (
        SELECT vs.vi, sl.si, l.value,
               format('%s = %s · version %s · slice %s · evaluated %s%s%s', mt, l.value::text, vs.version, l.slice,
                      to_char(l.evaluated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                      CASE WHEN l.method IS NOT NULL THEN ' (' || l.method || ')' ELSE '' END,
                      CASE WHEN l.n > 1 THEN format(' · latest of %s evaluations', l.n) ELSE '' END) AS tip
          FROM latest l JOIN vers vs ON vs.id = l.model_version_id JOIN slices sl ON sl.slice = l.slice)
    SELECT (SELECT count(*) FROM vers)::int,
           (SELECT array_agg(vs.version ORDER BY vs.vi) FROM vers vs),
           (SELECT array_agg(vs.registered ORDER BY vs.vi) FROM vers vs),
           (SELECT array_agg(sl.slice ORDER BY sl.si) FROM slices sl),
           array_agg(p.si ORDER BY p.si, p.vi), array_agg(p.vi ORDER BY p.si, p.vi),
           array_agg(p.value ORDER BY p.si, p.vi), array_agg(p.tip ORDER BY p.si, p.vi)
      INTO n_ver, xs, xsub, ss, ps, px, pv, ptip
      FROM pts p;

    RETURN mreg_internal.line_chart_svg(
        format('%s/%s · %s', pname, mname, mt),
        CASE WHEN n_ver = 0 THEN format('no evaluations of %s recorded for this model', mt)
             ELSE format('latest value per version and slice · %s version%s · %s slice%s · %s is better', n_ver,
                         CASE WHEN n_ver = 1 THEN '' ELSE 's' END, cardinality(ss), CASE WHEN cardinality(ss) = 1 THEN '' ELSE 's' END,
                         CASE WHEN mreg.metric_lower_is_better(mt) THEN 'lower' ELSE 'higher' END) END,
        mt, 'model version (semantic-version order) · registration date (UTC)',
        xs, xsub, ss, ps, px, pv, ptip);
END
$$;
COMMENT ON FUNCTION mreg.metric_chart_svg(text, text, text) IS
    'SVG line chart of a metric of a model: versions along x (semver order, registration date below), the latest value per version and slice on y, one line per slice, tooltips with value, version, slice and time; "no data" when nothing is recorded; the caller''s rights apply';
