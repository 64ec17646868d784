-- MLflow (SPEC section 7): the registry seen as MLflow sees it, and
-- mreg.search_model_versions() with MLflow's filter strings and more.
--
-- mreg.mlflow_filter_parse() (C: src/mlflow_filter.c, backend-free, and
-- src/mlflow.c) turns a filter into nodes in postfix order;
-- mlflow_where() turns the nodes into a WHERE clause over the rows of
-- mlflow_versions() d that reads every value as ($1).field[i]: the clause
-- is fixed text and integer subscripts only, values travel in the plan, as
-- a parameter, never in the SQL text.  Import and export: 80_mlflow_interchange.sql.
-- Reference: doc/mlflow.md.

CREATE FUNCTION mreg.mlflow_filter_parse(filter pg_catalog.text)
    RETURNS TABLE (node pg_catalog.int4, pos pg_catalog.int4, depth pg_catalog.int4, kind pg_catalog.text,
                   nargs pg_catalog.int4, field pg_catalog.text, key pg_catalog.text, op pg_catalog.text,
                   value pg_catalog.text, "values" pg_catalog.text[])
    AS 'MODULE_PATHNAME', 'mreg_mlflow_filter_parse'
    LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION mreg.mlflow_filter_parse(pg_catalog.text) IS
    'Parses an MLflow model-version filter string into nodes in postfix order (node number, character position, depth, kind compare/and/or/not, operand count, field, tag key or metric name, comparator, value, IN list); a malformed filter is SQLSTATE 42601 with the position';

-- ---------------------------------------------------------------- versions as MLflow sees them
-- MLflow numbers the versions of a model 1, 2, 3...  A version imported from
-- MLflow keeps its number (metadata mlflow.version); one registered in mreg
-- is numbered after the model's imported ones, in registration order.
CREATE FUNCTION mreg_internal.mlflow_stage(status text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE status WHEN 'production' THEN 'Production' WHEN 'staging' THEN 'Staging'
                   WHEN 'archived' THEN 'Archived' WHEN 'retired' THEN 'Archived' ELSE 'None' END;
COMMENT ON FUNCTION mreg_internal.mlflow_stage(text) IS
    'MLflow current_stage of an mreg status: production Production, staging Staging, archived and retired Archived, else None';

CREATE FUNCTION mreg_internal.epoch_ms(t timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN pg_catalog.floor(extract(epoch FROM t) OPERATOR(pg_catalog.*) 1000)::bigint;
COMMENT ON FUNCTION mreg_internal.epoch_ms(timestamptz) IS 'Milliseconds since 1970 (MLflow timestamps)';

-- Every version the caller may read (of one model when model_id is given),
-- with its MLflow fields.  Runs with the caller's rights: row-level security
-- picks the rows.
CREATE FUNCTION mreg_internal.mlflow_versions(model_id bigint DEFAULT NULL)
    RETURNS TABLE (model_version_id bigint, project text, model_id bigint, name text, version mreg.semver,
                   version_number bigint, stage text, current_stage text, status text, run_id text, source text,
                   description text, user_id text, creation_timestamp bigint, last_updated_timestamp bigint,
                   aliases text[], tags jsonb, mlflow jsonb)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    WITH v AS (
        SELECT v.id, p.name AS project, v.model_id, m.name, v.version, v.status, v.run_id, v.created_by,
               v.created_at, v.status_changed_at,
               COALESCE(v.metadata OPERATOR(pg_catalog.->) 'mlflow', '{}'::jsonb) AS mlflow,
               CASE WHEN (v.metadata OPERATOR(pg_catalog.#>>) '{mlflow,version}') OPERATOR(pg_catalog.~) '^[0-9]{1,18}$'
                    THEN (v.metadata OPERATOR(pg_catalog.#>>) '{mlflow,version}')::bigint END AS recorded
          FROM mreg.model_version v
          JOIN mreg.model m ON m.id OPERATOR(pg_catalog.=) v.model_id
          JOIN mreg.project p ON p.id OPERATOR(pg_catalog.=) v.project_id
         WHERE mlflow_versions.model_id IS NULL OR v.model_id OPERATOR(pg_catalog.=) mlflow_versions.model_id
    ), n AS (
        SELECT v.*,
               COALESCE(v.recorded,
                        COALESCE(pg_catalog.max(v.recorded) OVER (PARTITION BY v.model_id), 0)
                        OPERATOR(pg_catalog.+) pg_catalog.row_number() OVER (PARTITION BY v.model_id, v.recorded IS NULL ORDER BY v.id)) AS number
          FROM v
    )
    SELECT n.id, n.project, n.model_id, n.name, n.version, n.number, n.status,
           mreg_internal.mlflow_stage(n.status),
           CASE WHEN n.status OPERATOR(pg_catalog.<>) 'draft' THEN 'READY'
                WHEN (n.mlflow OPERATOR(pg_catalog.->>) 'status') OPERATOR(pg_catalog.=) 'FAILED_REGISTRATION' THEN 'FAILED_REGISTRATION'
                ELSE 'PENDING_REGISTRATION' END,
           COALESCE(n.mlflow OPERATOR(pg_catalog.->>) 'run_id', n.run_id::text),
           (SELECT a.uri FROM mreg.artifact a
             WHERE a.model_version_id OPERATOR(pg_catalog.=) n.id AND a.uri IS NOT NULL
             ORDER BY a.name OPERATOR(pg_catalog.=) 'mlflow.source' DESC, a.id LIMIT 1),
           n.mlflow OPERATOR(pg_catalog.->>) 'description',
           COALESCE(n.mlflow OPERATOR(pg_catalog.->>) 'user_id', n.created_by::text),
           COALESCE((n.mlflow OPERATOR(pg_catalog.->>) 'creation_timestamp')::bigint, mreg_internal.epoch_ms(n.created_at)),
           COALESCE((n.mlflow OPERATOR(pg_catalog.->>) 'last_updated_timestamp')::bigint, mreg_internal.epoch_ms(n.status_changed_at)),
           COALESCE((SELECT pg_catalog.array_agg(pg_catalog.ltrim(a.name, '@') ORDER BY a.name)
                       FROM mreg.alias a WHERE a.model_version_id OPERATOR(pg_catalog.=) n.id), '{}'),
           COALESCE((SELECT pg_catalog.jsonb_object_agg(t.key, t.value ORDER BY t.key)
                       FROM mreg.tag t WHERE t.node OPERATOR(pg_catalog.=) mreg_internal.version_node(n.project, n.name, n.version)), '{}'),
           n.mlflow
      FROM n;
END;
COMMENT ON FUNCTION mreg_internal.mlflow_versions(bigint) IS
    'The model versions the caller may read (of one model, or all) with their MLflow fields: version number, stages, run id, source, description, aliases, tags';

-- ---------------------------------------------------------------- filter to plan
CREATE TYPE mreg_internal.mlflow_plan AS (
    s text[],           -- string value of comparison i
    n float8[],         -- number value
    k text[],           -- tag key or metric name
    l jsonb[]           -- IN list (a JSON array of strings)
);
COMMENT ON TYPE mreg_internal.mlflow_plan IS 'The values of a parsed MLflow filter, comparison i at subscript i (see 80_mlflow.sql)';

-- Comparators of the language, and nothing else, as SQL.
CREATE FUNCTION mreg_internal.mlflow_op(op text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RETURN CASE op WHEN '=' THEN '=' WHEN '!=' THEN '<>' WHEN '<' THEN '<' WHEN '<=' THEN '<='
                   WHEN '>' THEN '>' WHEN '>=' THEN '>=' WHEN 'LIKE' THEN '~~' WHEN 'ILIKE' THEN '~~*'
                   WHEN '<@' THEN '<@'
                   ELSE mreg_internal.mlflow_bad_op(op) END;
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_op(text) IS 'A comparator of the MLflow filter language as an SQL operator name; anything else is an internal error';

CREATE FUNCTION mreg_internal.mlflow_bad_op(op text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'unexpected comparator % in an MLflow filter plan', quote_literal(op) USING ERRCODE = 'internal_error';
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_bad_op(text) IS 'Raises internal_error for a comparator the parser never emits';

-- The WHERE clause over mlflow_versions() d for the filter, and the plan
-- whose values it reads as $1.  MLflow's rule that a comparison with a
-- missing value (no such tag, no metric) is false holds under NOT too: each
-- comparison is COALESCEd to false before NOT, AND and OR see it.
CREATE FUNCTION mreg_internal.mlflow_where(filter text, OUT clause text, OUT plan mreg_internal.mlflow_plan)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t record;
    stack text[] := '{}'::text[];
    i int := 0;
    c text;
    col text;
    sqlop text;
    metric text;
    top int;
BEGIN
    FOR t IN SELECT * FROM mreg.mlflow_filter_parse(filter) ORDER BY node LOOP
        IF t.kind = 'compare' THEN
            i := i + 1;
            plan.s[i] := CASE WHEN t.field NOT IN ('version_number', 'metric') THEN t.value END;
            plan.n[i] := CASE WHEN t.field IN ('version_number', 'metric') THEN t.value::float8 END;
            plan.l[i] := CASE WHEN t."values" IS NOT NULL THEN to_jsonb(t."values") END;
            IF t.field = 'metric' THEN
                -- metric names are vocabulary terms: lower case, synonyms mapped
                metric := lower(t.key);
                SELECT s.term INTO metric FROM (SELECT s.term, 1 AS o FROM mreg.synonym s
                                                 WHERE (s.category = 'metric' OR s.category IS NULL) AND lower(s.synonym) = lower(t.key)
                                                UNION ALL SELECT lower(t.key), 2) s ORDER BY s.o LIMIT 1;
                plan.k[i] := metric;
            ELSE
                plan.k[i] := t.key;
            END IF;
            IF t.op IN ('IN', 'NOT IN') THEN
                sqlop := NULL;
            ELSE
                sqlop := mreg_internal.mlflow_op(t.op);
            END IF;
            col := CASE t.field WHEN 'name' THEN 'd.name' WHEN 'run_id' THEN 'd.run_id' WHEN 'source_path' THEN 'd.source'
                                WHEN 'stage' THEN 'd.stage' WHEN 'project' THEN 'd.project' END;
            c := CASE
                WHEN col IS NOT NULL AND t.op = 'IN' THEN
                    format('%s IN (SELECT pg_catalog.jsonb_array_elements_text(($1).l[%s]))', col, i)
                WHEN col IS NOT NULL AND t.op = 'NOT IN' THEN
                    format('%s NOT IN (SELECT pg_catalog.jsonb_array_elements_text(($1).l[%s]))', col, i)
                WHEN col IS NOT NULL THEN
                    format('%s OPERATOR(pg_catalog.%s) ($1).s[%s]', col, sqlop, i)
                WHEN t.field = 'alias' AND t.op = 'IN' THEN
                    format('d.aliases OPERATOR(pg_catalog.&&) ARRAY(SELECT pg_catalog.jsonb_array_elements_text(($1).l[%s]))', i)
                WHEN t.field = 'alias' AND t.op = 'NOT IN' THEN
                    format('NOT d.aliases OPERATOR(pg_catalog.&&) ARRAY(SELECT pg_catalog.jsonb_array_elements_text(($1).l[%s]))', i)
                WHEN t.field = 'alias' AND t.op = '!=' THEN
                    format('NOT ($1).s[%s] OPERATOR(pg_catalog.=) ANY (d.aliases)', i)
                WHEN t.field = 'alias' THEN
                    format('EXISTS (SELECT FROM pg_catalog.unnest(d.aliases) a(x) WHERE a.x OPERATOR(pg_catalog.%s) ($1).s[%s])', sqlop, i)
                WHEN t.field = 'tag' THEN
                    format('(d.tags OPERATOR(pg_catalog.->>) ($1).k[%1$s]) OPERATOR(pg_catalog.%2$s) ($1).s[%1$s]', i, sqlop)
                WHEN t.field = 'version_number' THEN
                    format('d.version_number::pg_catalog.float8 OPERATOR(pg_catalog.%s) ($1).n[%s]', sqlop, i)
                WHEN t.field = 'version' AND t.op = '<@' THEN
                    format('d.version OPERATOR(mreg.<@) ($1).s[%s]', i)
                WHEN t.field = 'version' THEN
                    format('d.version OPERATOR(mreg.%s) (($1).s[%s])::mreg.semver', sqlop, i)
                WHEN t.field = 'metric' THEN
                    format('EXISTS (SELECT FROM mreg.latest_evaluation le WHERE le.model_version_id OPERATOR(pg_catalog.=) d.model_version_id'
                           ' AND le.metric OPERATOR(pg_catalog.=) ($1).k[%1$s] AND le.slice OPERATOR(pg_catalog.=) ''all'''
                           ' AND le.value OPERATOR(pg_catalog.%2$s) ($1).n[%1$s])', i, sqlop)
                ELSE mreg_internal.mlflow_bad_op(t.field) END;
            stack := stack || format('COALESCE(%s, false)', c);
        ELSE
            top := cardinality(stack);
            IF t.kind = 'not' THEN
                c := 'NOT ' || stack[top];
            ELSE
                c := '(' || array_to_string(stack[top - t.nargs + 1 : top], CASE t.kind WHEN 'and' THEN ' AND ' ELSE ' OR ' END) || ')';
            END IF;
            stack := stack[1 : top - greatest(t.nargs, 1)] || c;
        END IF;
    END LOOP;
    clause := coalesce(stack[1], 'true');
END
$$;
COMMENT ON FUNCTION mreg_internal.mlflow_where(text) IS
    'An MLflow filter as a WHERE clause over mlflow_versions() d (fixed text: values are read from the plan as ($1).s[i], .n[i], .k[i], .l[i])';

-- ---------------------------------------------------------------- search
CREATE FUNCTION mreg.search_model_versions(filter text, max_results int DEFAULT 1000)
    RETURNS TABLE (model_version_id bigint, project text, name text, version_number bigint, version mreg.semver,
                   current_stage text, stage text, status text, run_id text, source text, description text,
                   aliases text[], tags jsonb, creation_timestamp bigint, last_updated_timestamp bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    w record;
BEGIN
    IF filter IS NULL THEN
        RAISE EXCEPTION 'filter must not be null' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'An empty filter ('''') lists every version you may read.';
    END IF;
    IF max_results IS NULL OR max_results < 1 OR max_results > 100000 THEN
        RAISE EXCEPTION 'max_results must be between 1 and 100000, not %', coalesce(max_results::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    w := mreg_internal.mlflow_where(filter);
    RETURN QUERY EXECUTE
        'SELECT d.model_version_id, d.project, d.name, d.version_number, d.version, d.current_stage, d.stage, d.status,
                d.run_id, d.source, d.description, d.aliases, d.tags, d.creation_timestamp, d.last_updated_timestamp
           FROM mreg_internal.mlflow_versions() d
          WHERE ' || w.clause || '
          ORDER BY d.name, d.version_number DESC, d.project
          LIMIT $2'
        USING w.plan, max_results;
END
$$;
COMMENT ON FUNCTION mreg.search_model_versions(text, int) IS
    'Model versions you may read that match an MLflow filter string (MLflow''s grammar, plus OR, parentheses, NOT, metrics.NAME, version ranges: doc/mlflow.md); each with its aliases and tags; by name, then newest version first';
