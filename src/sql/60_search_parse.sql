-- Search query language: the parser behind mreg.search() (SPEC section 5).
-- C implementation in src/search_parse.c (backend-free) and src/search.c;
-- reference in doc/search.md, "Query language".

CREATE FUNCTION mreg.search_parse(query pg_catalog.text)
    RETURNS TABLE (pos pg_catalog.int4, negated pg_catalog.bool, kind pg_catalog.text,
                   field pg_catalog.text, key pg_catalog.text, op pg_catalog.text, value pg_catalog.text)
    AS 'MODULE_PATHNAME', 'mreg_search_parse'
    LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION mreg.search_parse(pg_catalog.text) IS
    'Parses a search query into its terms, one row each in query order: character position, negated (-term), kind (word, phrase, field, metric), field (or metric name), key (tag:key, importance:feature), op (: = < <= > >=) and the unquoted value; a malformed query is SQLSTATE 42601 with the position';
