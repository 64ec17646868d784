-- Search (SPEC section 5): from a query to a plan.
--
-- mreg.search_parse() (C, 60_search_parse.sql) turns the query text into
-- terms; search_plan() turns the terms into a mreg_internal.search_plan:
-- two tsqueries (full text, facets) and arrays of comparison values;
-- search_where() and search_from() write the FROM and WHERE over
-- mreg.search_doc d that read them as ($1).field[i].  The clause is built from fixed text and integer
-- subscripts only: every value of the query travels in the plan, as a
-- parameter, never in the SQL text.

CREATE TYPE mreg_internal.search_plan AS (
    textq    tsquery,       -- words and phrases (synonyms ORed in), exclusions negated
    gateq    tsquery,       -- textq with phrases as their words ANDed (the GIN index answers it
                            -- without reading documents); excluded phrases left out
    rankq    tsquery,       -- the positive words and phrases: ranking and snippets
    facetq   tsquery,       -- fielded facts, ANDed, exclusions negated
    names    text[],        -- what the user typed, lower case: exact-name boost
    nameq    tsquery,       -- the same as model: facet lexemes (ORed): the named versions, by index
    m_metric text[], m_slice text[], m_op text[], m_value float8[], m_neg boolean[],
    m_raw    text[],        -- the metric as typed when it is not m_metric (a project's own term, see below)
    s_slice  text[], s_neg boolean[],                       -- slice: without a metric
    v_range  text[], v_neg boolean[],                       -- version:
    t_lo     timestamptz[], t_lo_incl boolean[], t_hi timestamptz[], t_hi_incl boolean[], t_neg boolean[],
    d_op     text[], d_len interval[], d_neg boolean[],     -- duration:
    i_name   text[], i_op text[], i_value float8[], i_neg boolean[]   -- importance:
);
COMMENT ON TYPE mreg_internal.search_plan IS 'A parsed search query: tsqueries and comparison values (see 63_search_plan.sql)';

-- A word or phrase as a tsquery, with its synonyms: nlp finds
-- natural-language-processing and the other way round.  NULL when nothing
-- of it is searchable (a stop word).
CREATE FUNCTION mreg_internal.word_query(word text, loose boolean DEFAULT false) RETURNS tsquery
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    w text := lower(btrim(word));
    q tsquery := NULL;
    alt text;
    one tsquery;
    -- the word itself as one lexeme, if it is one: a synonym that contains it
    -- (anti-fraud for fraud) finds nothing more, and is left out (it would
    -- turn a word into a phrase that only the documents can check)
    base tsquery := CASE WHEN length(to_tsvector(mreg.search_config(), replace(w, '-', ' '))) = 1
                         THEN plainto_tsquery(mreg.search_config(), replace(w, '-', ' ')) END;
BEGIN
    FOR alt IN
        SELECT w
        UNION SELECT s.term FROM mreg.synonym s WHERE lower(s.synonym) IN (w, replace(w, ' ', '-'))
        UNION SELECT s.synonym FROM mreg.synonym s WHERE lower(s.term) IN (w, replace(w, ' ', '-'))
        LIMIT 20
    LOOP
        -- (a stop word alone would make phraseto_tsquery raise a NOTICE)
        CONTINUE WHEN length(to_tsvector(mreg.search_config(), replace(alt, '-', ' '))) = 0;
        CONTINUE WHEN alt <> w AND base IS NOT NULL AND to_tsvector(mreg.search_config(), replace(alt, '-', ' ')) @@ base;
        one := CASE WHEN loose THEN plainto_tsquery(mreg.search_config(), replace(alt, '-', ' '))
                    ELSE phraseto_tsquery(mreg.search_config(), replace(alt, '-', ' ')) END;
        IF numnode(one) > 0 THEN
            q := CASE WHEN q IS NULL THEN one ELSE q || one END;
        END IF;
    END LOOP;
    RETURN q;
END
$$;
COMMENT ON FUNCTION mreg_internal.word_query(text, boolean) IS
    'A word or phrase as a tsquery ORed with its synonyms (NULL for a stop word); loose: a phrase as its words ANDed';

-- A field value as facet lexemes: the value itself and, for vocabulary
-- fields, the terms it is a synonym of (domain:nlp finds the canonical term).
CREATE FUNCTION mreg_internal.facet_query(field text, value text) RETURNS tsquery
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    cat text := CASE field WHEN 'data_domain' THEN 'domain' ELSE field END;
    v text := lower(btrim(value));
    q tsquery := NULL;
    alt text;
BEGIN
    FOR alt IN
        SELECT v
        UNION SELECT regexp_replace(v, '\s+', '-', 'g')
        UNION SELECT s.term FROM mreg.synonym s
               WHERE cat IN ('domain', 'task', 'framework', 'license', 'constraint')
                 AND (s.category = cat OR s.category IS NULL)
                 AND lower(s.synonym) IN (v, regexp_replace(v, '\s+', '-', 'g'))
        LIMIT 20
    LOOP
        q := CASE WHEN q IS NULL THEN mreg_internal.lexeme_query(mreg_internal.facet(field, alt))
                  ELSE q || mreg_internal.lexeme_query(mreg_internal.facet(field, alt)) END;
    END LOOP;
    RETURN q;
END
$$;
COMMENT ON FUNCTION mreg_internal.facet_query(text, text) IS 'A field value as a tsquery over facet lexemes, ORed with the vocabulary terms it is a synonym of';

-- a OR b, where a may be NULL (nothing yet) and b may be NULL (nothing to add)
CREATE FUNCTION mreg_internal.or_query(a tsquery, b tsquery) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a OPERATOR(pg_catalog.||) b END;
COMMENT ON FUNCTION mreg_internal.or_query(tsquery, tsquery) IS 'a OR b, either of them NULL for nothing';

CREATE FUNCTION mreg_internal.search_plan(query text) RETURNS mreg_internal.search_plan
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    p mreg_internal.search_plan;
    t record;
    q tsquery;
    gate tsquery;
    slice text := 'all';
    n int;
    day boolean;
    lo timestamptz;
    hi timestamptz;
    metric text;
BEGIN
    FOR t IN SELECT * FROM mreg.search_parse(query) LOOP
        CASE
        WHEN t.kind IN ('word', 'phrase') THEN
            q := mreg_internal.word_query(t.value);
            IF q IS NOT NULL THEN
                gate := mreg_internal.word_query(t.value, true);
                IF t.negated THEN
                    -- an excluded phrase is checked on the documents only (all its words
                    -- may be there, apart)
                    gate := CASE WHEN gate::text = q::text THEN !! gate END;
                    q := !! q;
                ELSE
                    p.rankq := CASE WHEN p.rankq IS NULL THEN q ELSE p.rankq && q END;
                    p.names := p.names || lower(btrim(t.value));
                    p.nameq := mreg_internal.or_query(p.nameq, mreg_internal.lexeme_query(mreg_internal.facet('model', t.value)));
                END IF;
                p.textq := CASE WHEN p.textq IS NULL THEN q ELSE p.textq && q END;
                IF gate IS NOT NULL THEN
                    p.gateq := CASE WHEN p.gateq IS NULL THEN gate ELSE p.gateq && gate END;
                END IF;
            END IF;
        WHEN t.kind = 'metric' THEN
            -- the metric as log_evaluation records the name (mreg_internal.term_lookup):
            -- a term of the project's vocabulary is itself, else a synonym gives
            -- its term.  A seeded term is itself everywhere; otherwise a project
            -- may have the name as its own term (em beside the synonym em ->
            -- exact_match), so m_raw keeps it and search_where matches the
            -- synonym's term only in projects without that term.
            metric := lower(t.field);
            IF NOT EXISTS (SELECT FROM mreg.vocabulary v WHERE v.category = 'metric' AND v.term = metric AND v.project_id IS NULL) THEN
                SELECT s.term INTO metric FROM (SELECT s.term, 1 AS o FROM mreg.synonym s
                                                 WHERE (s.category = 'metric' OR s.category IS NULL) AND lower(s.synonym) = lower(t.field)
                                                UNION ALL SELECT lower(t.field), 2) s ORDER BY s.o LIMIT 1;
            END IF;
            p.m_raw := p.m_raw || CASE WHEN metric <> lower(t.field) THEN lower(t.field) END;
            p.m_metric := p.m_metric || metric;
            p.m_op := p.m_op || t.op;
            p.m_value := p.m_value || t.value::float8;
            p.m_neg := p.m_neg || t.negated;
        WHEN t.field = 'slice' THEN
            slice := t.value;
            p.s_slice := p.s_slice || t.value;
            p.s_neg := p.s_neg || t.negated;
        WHEN t.field = 'version' THEN
            p.v_range := p.v_range || t.value;
            p.v_neg := p.v_neg || t.negated;
        WHEN t.field = 'trained' THEN
            t.op := CASE WHEN t.op = ':' THEN '=' ELSE t.op END;
            day := t.value !~ 'T';
            lo := t.value::timestamptz;
            hi := CASE WHEN day THEN (t.value::date + 1)::timestamptz ELSE lo END;
            -- a day is the whole day: >2026-01-01 starts on the 2nd, <=2026-01-01 ends with the 1st
            p.t_lo := p.t_lo || CASE t.op WHEN '>' THEN hi WHEN '>=' THEN lo WHEN '=' THEN lo ELSE NULL END;
            p.t_lo_incl := p.t_lo_incl || (t.op <> '>' OR day);
            p.t_hi := p.t_hi || CASE t.op WHEN '<' THEN lo WHEN '<=' THEN hi WHEN '=' THEN hi ELSE NULL END;
            p.t_hi_incl := p.t_hi_incl || (t.op IN ('<=', '=') AND NOT day);
            p.t_neg := p.t_neg || t.negated;
        WHEN t.field = 'duration' THEN
            p.d_op := p.d_op || CASE WHEN t.op = ':' THEN '=' ELSE t.op END;
            p.d_len := p.d_len || make_interval(secs => t.value::float8);
            p.d_neg := p.d_neg || t.negated;
        WHEN t.field = 'importance' THEN
            p.i_name := p.i_name || lower(t.key);
            p.i_op := p.i_op || t.op;
            p.i_value := p.i_value || t.value::float8;
            p.i_neg := p.i_neg || t.negated;
        ELSE
            -- a fielded fact: a facet lexeme
            q := CASE t.field
                 WHEN 'tag' THEN mreg_internal.lexeme_query(mreg_internal.facet('tag', t.key || CASE WHEN t.value IS NULL THEN '' ELSE '=' || t.value END))
                 WHEN 'uses' THEN mreg_internal.lexeme_query(mreg_internal.facet('uses', mreg.lineage_node(t.value)))
                 ELSE mreg_internal.facet_query(t.field, t.value) END;
            IF t.field = 'model' THEN
                p.names := p.names || lower(btrim(t.value));
                p.nameq := mreg_internal.or_query(p.nameq, mreg_internal.lexeme_query(mreg_internal.facet('model', t.value)));
            END IF;
            IF t.negated THEN
                q := !! q;
            END IF;
            p.facetq := CASE WHEN p.facetq IS NULL THEN q ELSE p.facetq && q END;
        END CASE;
    END LOOP;
    -- metric thresholds read the slice the query names (the whole set by default)
    n := coalesce(cardinality(p.m_metric), 0);
    p.m_slice := array_fill(slice, ARRAY[n]);
    IF n > 0 THEN
        p.s_slice := NULL;          -- slice: qualified the thresholds
        p.s_neg := NULL;
    END IF;
    RETURN p;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_plan(text) IS 'Parses a search query (mreg.search_parse) into a plan of tsqueries and comparison values';

-- The conditions over mreg.search_doc d of a plan passed as $1: part 'gin'
-- those the GIN indexes answer (words, phrases loosened to their words,
-- fielded facts), part 'rest' the others (metrics, slices, versions, dates,
-- durations, importances).
CREATE FUNCTION mreg_internal.search_where(p mreg_internal.search_plan, part text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    c text[] := ARRAY['true'];
    cmp text;
    mc text;
BEGIN
    IF part = 'gin' THEN
        IF p.gateq IS NOT NULL THEN
            c := c || 'd.document OPERATOR(mreg.@@) ($1).gateq'::text;
        END IF;
        IF p.facetq IS NOT NULL THEN
            c := c || 'd.facets OPERATOR(mreg.@@) ($1).facetq'::text;
        END IF;
        RETURN array_to_string(c, ' AND ');
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p.m_metric), 0) LOOP
        cmp := mreg_internal.search_op(p.m_op[i]);
        -- the metric: its term, or (m_raw) the name typed where the project has it as its own term
        mc := CASE WHEN p.m_raw[i] IS NULL THEN format('sm.metric = ($1).m_metric[%s]', i)
                   ELSE format('(sm.metric = ($1).m_raw[%1$s] OR (sm.metric = ($1).m_metric[%1$s] AND NOT EXISTS (SELECT FROM mreg.vocabulary mv WHERE mv.category = ''metric'' AND mv.term = ($1).m_raw[%1$s] AND mv.project_id = sm.project_id)))', i) END;
        c := c || format(CASE WHEN p.m_neg[i]
                              THEN 'NOT EXISTS (SELECT FROM mreg.search_metric sm WHERE sm.model_version_id = d.model_version_id AND %3$s AND sm.slice = ($1).m_slice[%1$s] AND sm.value %2$s ($1).m_value[%1$s])'
                              ELSE 'd.model_version_id IN (SELECT sm.model_version_id FROM mreg.search_metric sm WHERE %3$s AND sm.slice = ($1).m_slice[%1$s] AND sm.value %2$s ($1).m_value[%1$s])' END,
                         i, cmp, mc);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p.s_slice), 0) LOOP
        c := c || format('%sEXISTS (SELECT FROM mreg.search_metric sm WHERE sm.model_version_id = d.model_version_id AND sm.slice = ($1).s_slice[%s])',
                         CASE WHEN p.s_neg[i] THEN 'NOT ' ELSE '' END, i);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p.v_range), 0) LOOP
        c := c || format('%s(d.version OPERATOR(mreg.<@) ($1).v_range[%s])', CASE WHEN p.v_neg[i] THEN 'NOT ' ELSE '' END, i);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p.t_neg), 0) LOOP
        c := c || format('%s(d.trained_at IS NOT NULL AND (($1).t_lo[%2$s] IS NULL OR d.trained_at %3$s ($1).t_lo[%2$s]) AND (($1).t_hi[%2$s] IS NULL OR d.trained_at %4$s ($1).t_hi[%2$s]))',
                         CASE WHEN p.t_neg[i] THEN 'NOT ' ELSE '' END, i,
                         CASE WHEN p.t_lo_incl[i] THEN '>=' ELSE '>' END, CASE WHEN p.t_hi_incl[i] THEN '<=' ELSE '<' END);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p.d_op), 0) LOOP
        c := c || format('%s(d.duration %s ($1).d_len[%s])', CASE WHEN p.d_neg[i] THEN 'NOT ' ELSE '' END,
                         mreg_internal.search_op(p.d_op[i]), i);
    END LOOP;
    FOR i IN 1 .. coalesce(cardinality(p.i_name), 0) LOOP
        c := c || format('%sEXISTS (SELECT FROM mreg.run_feature rf JOIN mreg.feature f ON f.id = rf.feature_id WHERE rf.run_id = d.run_id AND lower(f.name) = ($1).i_name[%2$s] AND rf.importance %3$s ($1).i_value[%2$s])',
                         CASE WHEN p.i_neg[i] THEN 'NOT ' ELSE '' END, i, mreg_internal.search_op(p.i_op[i]));
    END LOOP;
    RETURN array_to_string(c, ' AND ');
END
$$;
COMMENT ON FUNCTION mreg_internal.search_where(mreg_internal.search_plan, text) IS
    'Conditions over mreg.search_doc d of a search plan passed as $1, those of the GIN indexes (gin) or the others (rest); fixed text, the values stay in the plan';

-- FROM and WHERE of the documents a plan passed as $1 finds, as d, with
-- more conditions on the facets (extra).  A document is ~5 kB out of line:
-- reading it for a condition costs more than anything else, and the GIN
-- index answers words without reading any.  So when there is more than
-- index conditions, those come first (the fence OFFSET 0 keeps the planner
-- from checking the rest first, document by document): the rest, and the
-- exact phrases (GIN keeps no positions: the index finds the versions with
-- all the words, and only those are read), apply to what the index found.
CREATE FUNCTION mreg_internal.search_from(p mreg_internal.search_plan, extra text DEFAULT 'true') RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    gin text := mreg_internal.search_where(p, 'gin') || ' AND ' || extra;
    rest text := mreg_internal.search_where(p, 'rest');
    f text;
BEGIN
    IF p.gateq IS NULL THEN         -- no words, or only excluded phrases: nothing to gain
        RETURN 'FROM mreg.search_doc d WHERE ' || gin || ' AND ' || rest
               || CASE WHEN p.textq IS NULL THEN '' ELSE ' AND d.document OPERATOR(mreg.@@) ($1).textq' END;
    END IF;
    IF rest = 'true' AND p.textq = p.gateq THEN
        RETURN 'FROM mreg.search_doc d WHERE ' || gin;
    END IF;
    f := '(SELECT * FROM mreg.search_doc d WHERE ' || gin || ' OFFSET 0) d';
    IF rest <> 'true' THEN
        f := '(SELECT * FROM ' || f || ' WHERE ' || rest || ' OFFSET 0) d';
    END IF;
    RETURN 'FROM ' || f || CASE WHEN p.textq = p.gateq THEN '' ELSE ' WHERE d.document OPERATOR(mreg.@@) ($1).textq' END;
END
$$;
COMMENT ON FUNCTION mreg_internal.search_from(mreg_internal.search_plan, text) IS
    'FROM and WHERE over the documents d a search plan passed as $1 finds (and extra): the text index conditions first, then the rest and exact phrases on what they found';

-- Comparison operators of the language, and nothing else, as SQL.
CREATE FUNCTION mreg_internal.search_op(op text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF op IN ('<', '<=', '>', '>=', '=') THEN
        RETURN op;
    END IF;
    RAISE EXCEPTION 'unexpected comparison % in a search plan', quote_literal(op) USING ERRCODE = 'internal_error';
END
$$;
COMMENT ON FUNCTION mreg_internal.search_op(text) IS 'A comparison of the query language (< <= > >= =) as SQL; anything else is an internal error';
