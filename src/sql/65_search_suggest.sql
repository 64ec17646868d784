-- Search (SPEC section 5): mreg.suggest, "did you mean", by trigram indexes
-- that work under row-level security.
--
-- pg_trgm's similarity operator % is not LEAKPROOF, so under row-level
-- security the planner may not use a trigram index for it (it would have to
-- run it on rows the caller may not read first): suggest() would compare the
-- word with every readable name, which at 20,000 models and 500,000 tags took
-- 0.4-0.7 s.  mreg.%% is the same operator under a LEAKPROOF declaration of
-- the same C function (pg_trgm's similarity_op reads only its two texts and
-- the threshold setting, returns a boolean and raises no error that shows
-- either), and mreg.search_trgm_ops is pg_trgm's GIN operator class for it,
-- bound to pg_trgm's own support functions by symbol (so nothing here
-- depends on the schema pg_trgm was installed in).

CREATE FUNCTION mreg.trgm_match(text, text) RETURNS boolean
    AS '$libdir/pg_trgm', 'similarity_op'
    LANGUAGE C STABLE STRICT PARALLEL SAFE LEAKPROOF;    -- stable: reads pg_trgm.similarity_threshold
COMMENT ON FUNCTION mreg.trgm_match(text, text) IS
    'pg_trgm''s text % text (similarity at least pg_trgm.similarity_threshold), LEAKPROOF: the match of mreg.%%, which trigram indexes use under row-level security';

CREATE OPERATOR mreg.%% (
    LEFTARG = text, RIGHTARG = text, FUNCTION = mreg.trgm_match, COMMUTATOR = OPERATOR(mreg.%%),
    RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
COMMENT ON OPERATOR mreg.%% (text, text) IS 'Trigram similarity (as pg_trgm''s %), LEAKPROOF so that trigram indexes work under row-level security';

CREATE FUNCTION mreg_internal.trgm_similarity(text, text) RETURNS real
    AS '$libdir/pg_trgm', 'similarity'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.trgm_similarity(text, text) IS 'pg_trgm''s similarity(text, text)';

CREATE FUNCTION mreg_internal.trgm_gin_extract_value(text, internal) RETURNS internal
    AS '$libdir/pg_trgm', 'gin_extract_value_trgm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.trgm_gin_extract_value(text, internal) IS 'pg_trgm''s gin_extract_value_trgm (GIN support of mreg.search_trgm_ops)';
CREATE FUNCTION mreg_internal.trgm_gin_extract_query(text, internal, int2, internal, internal, internal, internal) RETURNS internal
    AS '$libdir/pg_trgm', 'gin_extract_query_trgm' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.trgm_gin_extract_query(text, internal, int2, internal, internal, internal, internal) IS 'pg_trgm''s gin_extract_query_trgm (GIN support of mreg.search_trgm_ops)';
CREATE FUNCTION mreg_internal.trgm_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal) RETURNS boolean
    AS '$libdir/pg_trgm', 'gin_trgm_consistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.trgm_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal) IS 'pg_trgm''s gin_trgm_consistent (GIN support of mreg.search_trgm_ops)';
CREATE FUNCTION mreg_internal.trgm_gin_triconsistent(internal, int2, text, int4, internal, internal, internal) RETURNS "char"
    AS '$libdir/pg_trgm', 'gin_trgm_triconsistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg_internal.trgm_gin_triconsistent(internal, int2, text, int4, internal, internal, internal) IS 'pg_trgm''s gin_trgm_triconsistent (GIN support of mreg.search_trgm_ops)';

CREATE OPERATOR CLASS mreg.search_trgm_ops FOR TYPE text USING gin AS
    OPERATOR 1 mreg.%% (text, text),
    FUNCTION 1 pg_catalog.btint4cmp(int4, int4),
    FUNCTION 2 mreg_internal.trgm_gin_extract_value(text, internal),
    FUNCTION 3 mreg_internal.trgm_gin_extract_query(text, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 mreg_internal.trgm_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal),
    FUNCTION 6 mreg_internal.trgm_gin_triconsistent(internal, int2, text, int4, internal, internal, internal),
    STORAGE int4;
COMMENT ON OPERATOR CLASS mreg.search_trgm_ops USING gin IS
    'pg_trgm''s GIN trigram operator class for the LEAKPROOF similarity match mreg.%%';

-- What suggest() looks in (trigrams are case-blind: no lower() needed).
CREATE INDEX model_name_trgm_idx ON mreg.model USING gin (name mreg.search_trgm_ops);
CREATE INDEX project_name_trgm_idx ON mreg.project USING gin (name mreg.search_trgm_ops);
CREATE INDEX vocabulary_term_trgm_idx ON mreg.vocabulary USING gin (term mreg.search_trgm_ops);
CREATE INDEX synonym_synonym_trgm_idx ON mreg.synonym USING gin (synonym mreg.search_trgm_ops);
CREATE INDEX feature_name_trgm_idx ON mreg.feature USING gin (name mreg.search_trgm_ops);
CREATE INDEX dataset_name_trgm_idx ON mreg.dataset USING gin (name mreg.search_trgm_ops);
CREATE INDEX tag_key_trgm_idx ON mreg.tag USING gin (key mreg.search_trgm_ops);

-- "Did you mean": names and terms you may read that look like the word.
CREATE FUNCTION mreg.suggest(term text)
    RETURNS TABLE (suggestion text, similarity real)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
    SET pg_trgm.similarity_threshold = 0.2      -- what mreg.%% (the index) finds
AS $$
#variable_conflict use_column
DECLARE
    w text := left(lower(btrim(term)), 200);
BEGIN
    IF term IS NULL THEN
        RAISE EXCEPTION 'term must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF w = '' THEN
        RETURN;
    END IF;
    -- each source by its trigram index (row-level security applies to each);
    -- a tag key is the same suggestion however many tags carry it
    RETURN QUERY
    SELECT c.s, max(mreg_internal.trgm_similarity(lower(c.s), w))::real
      FROM (SELECT m.name AS s FROM mreg.model m WHERE m.name OPERATOR(mreg.%%) w
            UNION SELECT p.name FROM mreg.project p WHERE p.name OPERATOR(mreg.%%) w
            UNION SELECT v.term FROM mreg.vocabulary v WHERE v.term OPERATOR(mreg.%%) w
            UNION SELECT s.synonym FROM mreg.synonym s WHERE s.synonym OPERATOR(mreg.%%) w
            UNION SELECT f.name FROM mreg.feature f WHERE f.name OPERATOR(mreg.%%) w
            UNION SELECT d.name FROM mreg.dataset d WHERE d.name OPERATOR(mreg.%%) w
            UNION SELECT t.key FROM mreg.tag t WHERE t.key OPERATOR(mreg.%%) w) c
     WHERE mreg_internal.trgm_similarity(lower(c.s), w) >= 0.2 AND lower(c.s) <> w
     GROUP BY c.s
     ORDER BY 2 DESC, 1
     LIMIT 10;
END
$$;
COMMENT ON FUNCTION mreg.suggest(text) IS
    'Did you mean: model, feature, dataset and tag names and vocabulary terms you may read that are similar to the word (pg_trgm similarity >= 0.2), best first';
