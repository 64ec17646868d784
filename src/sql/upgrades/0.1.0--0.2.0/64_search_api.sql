-- 0.1.0 to 0.2.0, changes to 64_search_api.sql: ranking windows
-- (search_window), GIN first, one-pass facets, cheaper snippets; suggest()
-- moved to 65_search_suggest.sql (a new file, which makes it again).  The
-- file as it is now (the functions over the plan type were dropped with it
-- by the 63 delta).
DROP FUNCTION mreg.suggest(text);

-- Search (SPEC section 5): mreg.search, mreg.search_facets, mreg.search_count,
-- mreg.search_examples (mreg.suggest: 65_search_suggest.sql).  All run with the caller's rights: row-level
-- security decides which documents, metrics, names and snippets exist for
-- them, so nothing hidden shows in results, counts or suggestions.

-- Arguments every search function checks the same way.
CREATE OR REPLACE FUNCTION mreg_internal.search_args(query text, max_results int, skip int) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF query IS NULL THEN
        RAISE EXCEPTION 'search query must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'An empty query ('''') lists every version you may read.';
    END IF;
    IF max_results IS NULL OR max_results < 1 OR max_results > 1000 THEN
        RAISE EXCEPTION 'max_results must be between 1 and 1000, not %', coalesce(max_results::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF skip IS NULL OR skip < 0 OR skip > 1000000 THEN
        RAISE EXCEPTION 'skip must be between 0 and 1000000, not %', coalesce(skip::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Page with skip => page * max_results.';
    END IF;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_args(text, int, int) IS 'Checks the arguments of the search functions (22004, 22023)';

-- Relevance: text rank with field weights (A 1.0, B 0.4, C 0.2, D 0.1), a
-- boost when the query names the model, then stage and recency.
CREATE OR REPLACE FUNCTION mreg_internal.search_score(document tsvector, model text, stage text, created_at timestamptz,
                                           p mreg_internal.search_plan) RETURNS real
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN (CASE WHEN p.rankq IS NULL THEN 0
             ELSE pg_catalog.ts_rank_cd('{0.1, 0.2, 0.4, 1.0}'::pg_catalog.float4[], document, p.rankq, 32) END
        OPERATOR(pg_catalog.+) CASE WHEN pg_catalog.lower(model) OPERATOR(pg_catalog.=) ANY (p.names) THEN 1 ELSE 0 END
        OPERATOR(pg_catalog.+) 0.1 OPERATOR(pg_catalog.*) mreg_internal.stage_weight(stage)
        OPERATOR(pg_catalog.+) 0.05 OPERATOR(pg_catalog.*) pg_catalog.exp(OPERATOR(pg_catalog.-) GREATEST(0::pg_catalog.float8,
              pg_catalog.date_part('epoch', pg_catalog.now() OPERATOR(pg_catalog.-) created_at)) OPERATOR(pg_catalog./) 31536000.0)
       )::real;
COMMENT ON FUNCTION mreg_internal.search_score(tsvector, text, text, timestamptz, mreg_internal.search_plan) IS
    'Search relevance: weighted text rank (0..1), +1 when the query names the model, up to +0.1 for the stage, up to +0.05 for recency';

-- The snippet of a result: ts_headline of the first field the words match
-- (description, notes, the run''s narrative, ethical notes), else the description.
-- Parsing a field is what costs (~0.15 ms for 150 words): the document's
-- weights tell which fields cannot match (the description is in B, the
-- others in C), and those are not parsed; the others are parsed once, by
-- ts_headline itself.
CREATE OR REPLACE FUNCTION mreg_internal.search_snippet(model_version_id bigint, q tsquery) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    f record;
    first text;
    in_b boolean;
    in_c boolean;
    h text;
BEGIN
    FOR f IN
        SELECT x.o, x.t, d.document FROM mreg.search_doc d
          JOIN mreg.model m ON m.id = d.model_id
          LEFT JOIN mreg.run r ON r.id = d.run_id
         CROSS JOIN LATERAL (VALUES (1, m.description),
                                    (2, (SELECT string_agg(a.note, ' ' ORDER BY a.id) FROM mreg.annotation a WHERE a.node IN (d.node, d.model_node))),
                                    (3, r.notes), (4, m.ethical_notes)) x(o, t)
         WHERE d.model_version_id = search_snippet.model_version_id AND x.t IS NOT NULL
         ORDER BY x.o
    LOOP
        first := coalesce(first, f.t);
        EXIT WHEN q IS NULL;
        IF in_b IS NULL THEN
            in_b := ts_filter(f.document, '{b}') @@ q;
            in_c := ts_filter(f.document, '{c}') @@ q;
        END IF;
        CONTINUE WHEN CASE WHEN f.o = 1 THEN NOT in_b ELSE NOT in_c END;
        -- one parse: the headline marks matches with control characters (taken out
        -- of the text first), and a field with none of them did not match
        h := ts_headline(mreg.search_config(), translate(left(f.t, 200000), E'\x01\x02', ''), q,
                         'MaxWords=24, MinWords=8, MaxFragments=1, StartSel=' || E'\x01' || ', StopSel=' || E'\x02');
        IF strpos(h, E'\x01') > 0 THEN
            RETURN replace(replace(h, E'\x01', '<b>'), E'\x02', '</b>');
        END IF;
    END LOOP;
    RETURN left(first, 160);
END
$$;
COMMENT ON FUNCTION mreg_internal.search_snippet(bigint, tsquery) IS
    'Snippet of a search result: the matching words highlighted in the first field they occur in';

-- How many matches a page ranks at most: the ranking window (doc/search.md,
-- "Ranking").  500 unless the setting mreg.search_window says otherwise.
CREATE OR REPLACE FUNCTION mreg_internal.search_window() RETURNS int
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    w text := current_setting('mreg.search_window', true);
BEGIN
    IF w IS NULL OR w = '' THEN
        RETURN 500;
    END IF;
    IF w !~ '^\s*[0-9]{1,6}\s*$' OR w::int NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'mreg.search_window must be a number of versions between 1 and 100000, not %', quote_literal(w)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN w::int;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_window() IS
    'The ranking window of mreg.search: how many matches, taken by name, stage and recency, are ranked by text at a time (setting mreg.search_window, default 500)';

-- Ranking in windows: the matches are ordered by a key read from narrow,
-- indexed columns (named by the query first, then stage, then newest, then
-- id) and cut into windows of search_window() matches; each window is
-- ordered by the full score (then id).  A page reads only the windows it
-- falls in: at most (skip + max_results) / window * window matches are
-- taken in key order (an index scan of search_doc_window_idx when the query
-- matches much, a bitmap and a top-N sort otherwise) and only those are
-- ranked by text.  The order is total and the same for every skip: paging
-- is stable.  With fewer matches than the window it is the plain score order.
CREATE OR REPLACE FUNCTION mreg.search(query text, max_results int DEFAULT 20, skip int DEFAULT 0)
    RETURNS TABLE (model_version_id bigint, project text, model text, version mreg.semver, stage text, score real, snippet text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET enable_seqscan FROM CURRENT       -- (so that set_config below ends with the call)
AS $$
#variable_conflict use_column
DECLARE
    p mreg_internal.search_plan;
    w int := mreg_internal.search_window();
    first_window int;
    cols text := 'd.model_version_id, d.project, d.model, d.version, d.stage, d.created_at, d.document';
    ord text := 'mreg_internal.stage_weight(d.stage) DESC, d.created_at DESC, d.model_version_id DESC';
    cand text;
BEGIN
    PERFORM mreg_internal.search_args(query, max_results, skip);
    p := mreg_internal.search_plan(query);
    first_window := skip / w;
    IF p.gateq IS NOT NULL THEN
        -- a sequential scan would read every document out of line to match it; the
        -- GIN bitmap (or the window index) reads none but those it returns
        PERFORM set_config('enable_seqscan', 'off', true);
    END IF;
    -- the candidates: the windows of the page, in key order ($4: their number of
    -- rows from the first, $5: the rows before them)
    IF p.nameq IS NULL THEN
        cand := 'SELECT ' || cols || ', false AS named ' || mreg_internal.search_from(p)
                || ' ORDER BY ' || ord || ' LIMIT $4 + $5';
    ELSE
        cand := '(SELECT ' || cols || ', true AS named ' || mreg_internal.search_from(p, 'd.facets OPERATOR(mreg.@@) ($1).nameq')
                || ' ORDER BY ' || ord || ' LIMIT $4 + $5)'
                || ' UNION ALL (SELECT ' || cols || ', false ' || mreg_internal.search_from(p, 'NOT d.facets OPERATOR(mreg.@@) ($1).nameq')
                || ' ORDER BY ' || ord || ' LIMIT $4 + $5)';
    END IF;
    RETURN QUERY EXECUTE
        'SELECT r.model_version_id, r.project, r.model, r.version, r.stage, r.score,
                mreg_internal.search_snippet(r.model_version_id, ($1).rankq)
           FROM (SELECT s.*, mreg_internal.search_score(s.document, s.model, s.stage, s.created_at, $1) AS score
                   FROM (SELECT k.*, ($5 + row_number() OVER (ORDER BY k.named DESC, mreg_internal.stage_weight(k.stage) DESC,
                                                                    k.created_at DESC, k.model_version_id DESC) - 1) / $6 AS win
                           FROM (SELECT c.* FROM (' || cand || ') c
                                  ORDER BY c.named DESC, mreg_internal.stage_weight(c.stage) DESC, c.created_at DESC, c.model_version_id DESC
                                  LIMIT $4 OFFSET $5) k) s
                  ORDER BY s.win, score DESC, s.model_version_id DESC
                  LIMIT $2 OFFSET $3 - $5) r
          ORDER BY r.win, r.score DESC, r.model_version_id DESC'
        USING p, max_results, skip,
              ((skip + max_results - 1) / w - first_window + 1) * w,  -- $4
              first_window * w,                                      -- $5
              w;                                                     -- $6
END
$$;
COMMENT ON FUNCTION mreg.search(text, int, int) IS
    'Searches the model versions you may read (query language: doc/search.md); best first within ranking windows, then by id, max_results from skip';

CREATE OR REPLACE FUNCTION mreg.search_facets(query text)
    RETURNS TABLE (facet text, value text, count bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET enable_seqscan FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
    p mreg_internal.search_plan;
BEGIN
    PERFORM mreg_internal.search_args(query, 1, 0);
    p := mreg_internal.search_plan(query);
    IF p.gateq IS NOT NULL THEN
        PERFORM set_config('enable_seqscan', 'off', true);     -- as in mreg.search
    END IF;
    -- one pass over the matches' narrow columns (the documents are not read):
    -- a grouping set per facet, constraints grouped as arrays and then unnested
    RETURN QUERY EXECUTE
        'SELECT g.facet, v.value, sum(g.n)::bigint
           FROM (SELECT CASE WHEN GROUPING(d.domain) = 0 THEN ''domain'' WHEN GROUPING(d.task) = 0 THEN ''task''
                             WHEN GROUPING(d.framework) = 0 THEN ''framework'' WHEN GROUPING(d.stage) = 0 THEN ''stage''
                             WHEN GROUPING(d.license) = 0 THEN ''license'' WHEN GROUPING(d.owner) = 0 THEN ''owner''
                             WHEN GROUPING(d.project) = 0 THEN ''project'' WHEN GROUPING(d.team) = 0 THEN ''team''
                             ELSE ''constraint'' END AS facet,
                        CASE WHEN GROUPING(d.domain) = 0 THEN ARRAY[d.domain] WHEN GROUPING(d.task) = 0 THEN ARRAY[d.task]
                             WHEN GROUPING(d.framework) = 0 THEN ARRAY[d.framework] WHEN GROUPING(d.stage) = 0 THEN ARRAY[d.stage]
                             WHEN GROUPING(d.license) = 0 THEN ARRAY[d.license] WHEN GROUPING(d.owner) = 0 THEN ARRAY[d.owner]
                             WHEN GROUPING(d.project) = 0 THEN ARRAY[d.project] WHEN GROUPING(d.team) = 0 THEN ARRAY[d.team]
                             ELSE d.constraints END AS vals,
                        count(*) AS n
                   ' || mreg_internal.search_from(p) || '
                  GROUP BY GROUPING SETS ((d.domain), (d.task), (d.framework), (d.stage), (d.license), (d.owner),
                                          (d.project), (d.team), (d.constraints))) g
          CROSS JOIN LATERAL unnest(g.vals) v(value)
          WHERE v.value IS NOT NULL
          GROUP BY 1, 2
          ORDER BY 1, 3 DESC, 2'
        USING p;
END
$$;
COMMENT ON FUNCTION mreg.search_facets(text) IS
    'Counts of the versions a query finds by domain, task, framework, stage, license, owner, project, team and constraint';

-- How many versions a query finds (for search_examples; any caller).
CREATE OR REPLACE FUNCTION mreg.search_count(query text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET enable_seqscan FROM CURRENT
AS $$
DECLARE
    p mreg_internal.search_plan;
    n bigint;
BEGIN
    PERFORM mreg_internal.search_args(query, 1, 0);
    p := mreg_internal.search_plan(query);
    IF p.gateq IS NOT NULL THEN
        PERFORM set_config('enable_seqscan', 'off', true);     -- as in mreg.search
    END IF;
    EXECUTE 'SELECT count(*) ' || mreg_internal.search_from(p) INTO n USING p;
    RETURN n;
END
$$;
COMMENT ON FUNCTION mreg.search_count(text) IS 'How many model versions you may read a search query finds';

-- Example queries from this registry's own vocabulary and data, as the
-- caller sees it: each is kept only when it finds something for them.
CREATE OR REPLACE FUNCTION mreg.search_examples()
    RETURNS TABLE (query text, results bigint, explains text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    e record;
    n bigint;
BEGIN
    FOR e IN
        WITH d AS MATERIALIZED (SELECT * FROM mreg.search_doc ORDER BY created_at DESC LIMIT 10000)
        -- a model by name (the newest)
        (SELECT mreg_internal.search_quote(d.model) AS q, 'the model named ' || d.model || ', best match first' AS x, 1 AS o
           FROM d ORDER BY d.created_at DESC LIMIT 1)
        UNION ALL
        (SELECT 'domain:' || d.domain, 'versions in the ' || d.domain || ' domain', 2 FROM d
          WHERE d.domain IS NOT NULL GROUP BY d.domain ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        -- a synonym standing for a term the registry uses
        (SELECT mreg_internal.search_quote(s.synonym), '"' || s.synonym || '" also finds ' || s.term || ' (a synonym)', 3
           FROM mreg.synonym s WHERE s.term IN (SELECT d.domain FROM d UNION SELECT d.task FROM d)
          ORDER BY s.seeded, s.id LIMIT 1)
        UNION ALL
        (SELECT 'task:' || d.task || ' stage:production', 'production versions for ' || d.task, 4 FROM d
          WHERE d.task IS NOT NULL AND d.stage = 'production' GROUP BY d.task ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        -- a metric threshold at the median of its latest values
        (SELECT m.metric || '>=' || trim_scale(round(percentile_disc(0.5) WITHIN GROUP (ORDER BY m.value)::numeric, 3)),
                'versions whose latest ' || m.metric || ' is at least the median', 5
           FROM mreg.search_metric m WHERE m.slice = 'all' AND m.metric ~ '^[a-z][a-z0-9_]*$'
          GROUP BY m.metric ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        (SELECT 'tag:' || t.key || '=' || mreg_internal.search_quote(t.value), 'versions tagged ' || t.key || '=' || t.value, 6
           FROM mreg.tag t WHERE t.project_id IS NOT NULL AND t.key ~ '^[A-Za-z0-9_.-]+$'
          GROUP BY t.key, t.value ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        (SELECT 'uses:' || n.node, 'versions whose provenance contains ' || n.node, 7
           FROM d CROSS JOIN LATERAL mreg.lineage_nodes((SELECT v.provenance FROM mreg.model_version v WHERE v.id = d.model_version_id)) n(node)
          WHERE n.node LIKE 'dataset:%' GROUP BY n.node ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        (SELECT 'feature:' || f.name, 'versions trained with the feature ' || f.name, 8
           FROM mreg.run_feature rf JOIN mreg.feature f ON f.id = rf.feature_id
          WHERE f.name ~ '^[A-Za-z0-9_.-]+$' GROUP BY f.name ORDER BY count(*) DESC, 1 LIMIT 1)
        UNION ALL
        (SELECT 'trained:>' || to_char(max(d.trained_at) - interval '30 days', 'YYYY-MM-DD'),
                'versions trained in the last 30 days of the registry', 9 FROM d HAVING max(d.trained_at) IS NOT NULL)
        UNION ALL
        (SELECT '-stage:retired -stage:archived', 'everything still in use', 10)
        ORDER BY o
    LOOP
        BEGIN
            n := mreg.search_count(e.q);
        EXCEPTION WHEN syntax_error THEN
            CONTINUE;                   -- a name the language cannot spell: no example
        END;
        IF n > 0 THEN
            query := e.q; results := n; explains := e.x;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION mreg.search_examples() IS
    'Example queries built from the registry''s own names, vocabulary, tags, metrics and lineage, each with how many versions it finds for you';

-- A value as the query language writes it: bare when it can be, else quoted.
CREATE OR REPLACE FUNCTION mreg_internal.search_quote(v text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN v OPERATOR(pg_catalog.~) '^[A-Za-z0-9_.@/+-]+$' AND v OPERATOR(pg_catalog.!~) '^-' THEN v
            ELSE '"' OPERATOR(pg_catalog.||) pg_catalog.replace(v, '"', '""') OPERATOR(pg_catalog.||) '"' END;
COMMENT ON FUNCTION mreg_internal.search_quote(text) IS 'A value written for the search language: bare, or double-quoted with "" for a quote';

-- ---------------------------------------------------------------- API entry
-- (rebuilding is a write: 90_security.sql makes mreg.reindex_search the entry of
-- mreg_internal.reindex_search, for registry admins)
