-- Registry core: internal helpers of the write API (schema mreg_internal).
--
-- The API is split by capability (40_api_*.sql).  Every API function validates its input and fails with a precise SQLSTATE:
-- 22004 for a required NULL, 22023 for a bad value, 23503 for a reference to
-- something not registered, 23505 for a duplicate, 23514 for metadata that
-- breaks the project's schema or lineage that would make a cycle, 55000 for
-- a change that immutability forbids.  Values travel as parameters only.

-- ---------------------------------------------------------------- helpers
-- Functions with a BEGIN ATOMIC or RETURN body are parsed when created, so
-- their names are bound then and they need no pinned search_path (and can be
-- inlined); every other function pins search_path = pg_catalog, mreg, pg_temp.
-- Because they are bound at CREATE EXTENSION time, when public is on the
-- search_path, every function and operator in those bodies is qualified.
CREATE FUNCTION mreg_internal.require(val anyelement, what text) RETURNS anyelement
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
BEGIN
    IF val IS NULL OR (pg_typeof(val) = 'text'::regtype AND btrim(val::text) = '') THEN
        RAISE EXCEPTION '% must not be null or empty', what USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN val;
END
$$;
COMMENT ON FUNCTION mreg_internal.require(anyelement, text) IS 'raises 22004 naming the argument when it is NULL or empty';

-- The vocabulary term a value names in a project (itself, or through a
-- synonym whose term the project has), NULL when it names none: the
-- read-only half of mreg_internal.term, for queries that must not record.
CREATE FUNCTION mreg_internal.term_lookup(cat text, val text, pid bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text := regexp_replace(lower(btrim(val)), '\s+', '-', 'g');
    found text;
BEGIN
    SELECT v.term INTO found FROM mreg.vocabulary v
     WHERE v.category = cat AND v.term = t AND (v.project_id IS NULL OR v.project_id = pid)
     LIMIT 1;
    IF found IS NOT NULL THEN
        RETURN found;
    END IF;
    SELECT s.term INTO found FROM mreg.synonym s
     WHERE (s.category = cat OR s.category IS NULL) AND lower(s.synonym) IN (lower(btrim(val)), t)
       AND EXISTS (SELECT 1 FROM mreg.vocabulary v WHERE v.category = cat AND v.term = s.term
                      AND (v.project_id IS NULL OR v.project_id = pid))
     ORDER BY s.category NULLS LAST LIMIT 1;
    RETURN found;
END
$$;
COMMENT ON FUNCTION mreg_internal.term_lookup(text, text, bigint) IS
    'The vocabulary term a value names in a project (itself or via a synonym), NULL when none; records nothing';

-- A controlled term.  Known terms and synonyms map to the canonical term.
-- An unknown term in an open vocabulary (the default for every project and
-- category) is normalised (trimmed, lower case, inner spaces as "-"),
-- recorded as the project's own term with who added it, and announced with
-- a NOTICE; in a strict one it is 22023 naming the closest terms.  NULL
-- passes (the attribute is unset).
CREATE FUNCTION mreg_internal.term(cat text, val text, pid bigint) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text := regexp_replace(lower(btrim(val)), '\s+', '-', 'g');
    found text;
    close text;
    is_strict boolean;
BEGIN
    IF val IS NULL THEN
        RETURN NULL;
    END IF;
    found := mreg_internal.term_lookup(cat, val, pid);
    IF found IS NOT NULL THEN
        RETURN found;
    END IF;
    IF t !~ '^[a-z0-9][a-z0-9_.+@-]{0,99}$' THEN
        RAISE EXCEPTION 'invalid % term %', cat, mreg_internal.quote_short(val)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A term has up to 100 lower-case letters, digits or "_.+@-" and starts with a letter or digit (spaces become "-").';
    END IF;
    SELECT m.mode = 'strict' INTO is_strict FROM mreg.vocabulary_mode m WHERE m.project_id = pid AND m.category = cat;
    IF coalesce(is_strict, false) OR pid IS NULL THEN
        SELECT string_agg(quote_literal(c.term), ', ') INTO close FROM (
            SELECT v.term FROM mreg.vocabulary v
             WHERE v.category = cat AND (v.project_id IS NULL OR v.project_id = pid)
             ORDER BY mreg_internal.similarity(v.term, t) DESC, v.term LIMIT 3) c;
        RAISE EXCEPTION 'unknown % %', cat, mreg_internal.quote_short(val)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The %s vocabulary of this project is strict: a value must be one of its terms or synonyms.', cat),
                  HINT = format('Closest terms: %s. mreg.add_term() adds a term.', coalesce(close, 'none'));
    END IF;
    INSERT INTO mreg.vocabulary (project_id, category, term, description)
    VALUES (pid, cat, t, 'added on first use')
    ON CONFLICT (COALESCE(project_id, 0), category, term) DO NOTHING;
    RAISE NOTICE 'new % term % added to the vocabulary of project %', cat, quote_literal(t),
                 (SELECT p.name FROM mreg.project p WHERE p.id = pid)
        USING DETAIL = 'The vocabulary is open: unknown terms are recorded. mreg.set_vocabulary_mode() makes it strict.';
    RETURN t;
END
$$;
COMMENT ON FUNCTION mreg_internal.term(text, text, bigint) IS
    'Canonical vocabulary term for a value (via synonyms); an unknown one is recorded with a NOTICE (open vocabulary) or refused with the closest terms (strict, 22023)';

-- Trigram similarity through pg_trgm wherever it is installed (found via
-- pg_extension, not search_path); only used to phrase hints.
CREATE FUNCTION mreg_internal.similarity(a text, b text) RETURNS real
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    s real;
BEGIN
    EXECUTE format('SELECT %I.similarity($1, $2)',
                   (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                     WHERE e.extname = 'pg_trgm'))
       INTO s USING a, b;
    RETURN s;
END
$$;
COMMENT ON FUNCTION mreg_internal.similarity(text, text) IS 'pg_trgm similarity, located through pg_extension';

-- Metadata against the project's schema for that kind; every violation is
-- listed in the error.
CREATE FUNCTION mreg_internal.check_metadata(pid bigint, entity_kind text, doc jsonb) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    sch jsonb;
    problems text;
BEGIN
    SELECT m.schema INTO sch FROM mreg.metadata_schema m
     WHERE m.project_id = pid AND m.entity_kind = check_metadata.entity_kind;
    IF sch IS NULL OR doc IS NULL OR mreg.jsonb_matches_schema(sch, doc) THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%s: %s', CASE WHEN v.path = '' THEN '(root)' ELSE v.path END, v.message), E'\n')
      INTO problems FROM mreg.jsonb_schema_violations(sch, doc) v;
    RAISE EXCEPTION '% metadata does not match the project''s schema', replace(entity_kind, '_', ' ')
        USING ERRCODE = 'check_violation', DETAIL = problems,
              HINT = 'See mreg.metadata_schema for the project''s schema; mreg.jsonb_schema_violations() explains each problem.';
END
$$;
COMMENT ON FUNCTION mreg_internal.check_metadata(bigint, text, jsonb) IS 'validates a document against the project''s metadata schema (23514 listing every violation)';

