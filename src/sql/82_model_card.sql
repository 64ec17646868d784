-- Model cards (SPEC section 7): mreg.model_card(model_version_id) → text,
-- Markdown with YAML front matter in the Hugging Face model-card layout
-- (license, library_name, pipeline_tag, tags, datasets, model-index with one
-- result per evaluation slice), then the sections a reviewer reads: model
-- details, intended use, limitations, ethical considerations, regulatory
-- constraints, training data and lineage (a Mermaid block), evaluation
-- results, deployment, how to cite and whom to contact.  It runs with the
-- caller's rights: row-level security picks what it can see, and a version
-- the caller may not read is the same error as one that does not exist.
-- doc/model-cards.md is the reference.

-- A YAML scalar for any text: double-quoted, every character YAML would read
-- otherwise escaped (backslash, quote, control and line-break characters),
-- so names with colons, quotes, # or newlines stay one string value.
CREATE FUNCTION mreg_internal.yaml_str(val text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    out text := '';
    c text;
    cp int;
BEGIN
    IF val IS NULL THEN
        RETURN 'null';
    END IF;
    FOREACH c IN ARRAY regexp_split_to_array(val, '') LOOP
        cp := ascii(c);
        out := out || CASE
            WHEN c = '\' THEN '\\'
            WHEN c = '"' THEN '\"'
            WHEN cp = 10 THEN '\n'
            WHEN cp = 9 THEN '\t'
            WHEN cp = 13 THEN '\r'
            WHEN cp < 32 OR cp = 127 OR cp BETWEEN 128 AND 159 THEN '\x' || lpad(to_hex(cp), 2, '0')
            WHEN cp IN (8232, 8233, 65279) OR cp BETWEEN 55296 AND 57343 OR cp IN (65534, 65535)
                THEN '\u' || lpad(to_hex(cp), 4, '0')
            ELSE c END;
    END LOOP;
    RETURN '"' || out || '"';
END
$$;
COMMENT ON FUNCTION mreg_internal.yaml_str(text) IS 'Any text as a YAML double-quoted scalar (null for NULL), every special character escaped';

-- A float as a YAML number (YAML 1.1 wants a dot in an exponent form).
CREATE FUNCTION mreg_internal.yaml_num(val double precision) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text := val::text;
BEGIN
    IF val IS NULL THEN
        RETURN 'null';
    END IF;
    IF t ~ 'e' THEN
        t := regexp_replace(t, '^(-?[0-9]+)(\.[0-9]+)?e([+-][0-9]+)$', '\1\2e\3');
        IF t !~ '\.' THEN
            t := regexp_replace(t, 'e', '.0e');
        END IF;
    END IF;
    RETURN t;
END
$$;
COMMENT ON FUNCTION mreg_internal.yaml_num(double precision) IS 'A float written as a YAML 1.1 and 1.2 number';

-- User text in the Markdown body: HTML special characters as entities (no
-- markup or script gets in), a line start that Markdown would read as a
-- heading, list or rule escaped; cell: also | and line breaks for tables.
CREATE FUNCTION mreg_internal.md_text(val text, cell boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t text;
BEGIN
    IF val IS NULL THEN
        RETURN NULL;
    END IF;
    t := replace(replace(replace(val, '&', '&amp;'), '<', '&lt;'), '>', '&gt;');
    t := replace(t, '`', '&#96;');
    IF cell THEN
        RETURN replace(replace(replace(t, '|', '\|'), E'\r', ''), E'\n', '<br>');
    END IF;
    RETURN regexp_replace(t, '^([ \t]*)([#*+=_-]|[0-9]+[.)])', '\1\\\2', 'gn');
END
$$;
COMMENT ON FUNCTION mreg_internal.md_text(text, boolean) IS 'User text made inert in Markdown (HTML escaped, block starts escaped; cell: | and line breaks too)';

-- A dataset version as the card names it: NAME@VERSION, another project's
-- as PROJECT/NAME@VERSION (the provenance's own convention); NULL for none.
CREATE FUNCTION mreg_internal.card_dataset(dataset_version_id bigint, project text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
    SELECT CASE WHEN dp.name = card_dataset.project THEN '' ELSE dp.name || '/' END || d.name || '@' || dv.version
      FROM mreg.dataset_version dv JOIN mreg.dataset d ON d.id = dv.dataset_id JOIN mreg.project dp ON dp.id = dv.project_id
     WHERE dv.id = card_dataset.dataset_version_id
$$;
COMMENT ON FUNCTION mreg_internal.card_dataset(bigint, text) IS
    'A dataset version as a model card names it (NAME@VERSION; another project''s PROJECT/NAME@VERSION)';

CREATE FUNCTION mreg.model_card(model_version_id bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    v record;
    node text;
    y text;
    b text;
    r record;
    s record;
    prov mreg.lineage;
    datasets text[];
    tags text[];
    n int;
    mermaid text;
    dep text;
BEGIN
    IF model_version_id IS NULL THEN
        RAISE EXCEPTION 'model_version_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT mv.id, mv.version::text AS version, mv.status, mv.metadata, mv.provenance, mv.run_id, mv.created_at, mv.created_by,
           m.name AS model, m.description, m.domain, m.task, m.framework, m.license, m.owner, m.team,
           m.constraints, m.ethical_notes, p.name AS project
      INTO v
      FROM mreg.model_version mv JOIN mreg.model m ON m.id = mv.model_id JOIN mreg.project p ON p.id = mv.project_id
     WHERE mv.id = model_version_id;
    IF NOT FOUND THEN       -- absent or hidden: the same answer
        RAISE EXCEPTION 'model version % is not registered', model_version_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    node := mreg_internal.node_text(v.project, 'model', v.model || '@' || v.version);
    prov := coalesce(v.provenance, ''::mreg.lineage);
    IF mreg.lineage_node_count(prov) = 0 THEN      -- a draft: its live upstream
        prov := mreg.lineage_relative(mreg.live_upstream(node), v.project);
    END IF;
    -- another project's dataset keeps its project (the card must not name a look-alike of this one)
    SELECT array_agg(d.name ORDER BY d.name) INTO datasets
      FROM (SELECT CASE WHEN pn.project IS NULL OR pn.project = v.project THEN pn.name ELSE pn.project || '/' || pn.name END AS name
              FROM mreg.lineage_nodes(prov) x CROSS JOIN LATERAL mreg.parse_node(x) pn WHERE pn.kind = 'dataset') d;
    SELECT array_agg(t.key || ':' || t.value ORDER BY t.key) INTO tags
      FROM mreg.tag t WHERE t.node IN (node, mreg_internal.node_text(v.project, 'model', v.model));

    -- ------------------------------------------------ front matter
    y := E'---\n';
    y := y || 'license: ' || mreg_internal.yaml_str(coalesce(v.license, 'unknown')) || E'\n';
    IF v.framework IS NOT NULL THEN y := y || 'library_name: ' || mreg_internal.yaml_str(v.framework) || E'\n'; END IF;
    IF v.task IS NOT NULL THEN y := y || 'pipeline_tag: ' || mreg_internal.yaml_str(v.task) || E'\n'; END IF;
    y := y || E'tags:\n  - "mreg"\n';
    IF v.domain IS NOT NULL THEN y := y || '  - ' || mreg_internal.yaml_str(v.domain) || E'\n'; END IF;
    SELECT y || coalesce(string_agg('  - ' || mreg_internal.yaml_str(x), E'\n' ORDER BY o) || E'\n', '') INTO y
      FROM unnest(coalesce(tags, '{}')) WITH ORDINALITY u(x, o);
    IF datasets IS NOT NULL THEN
        SELECT y || E'datasets:\n' || string_agg('  - ' || mreg_internal.yaml_str(x), E'\n' ORDER BY o) || E'\n' INTO y
          FROM unnest(datasets) WITH ORDINALITY u(x, o);
    END IF;
    y := y || 'model_name: ' || mreg_internal.yaml_str(v.model) || E'\n'
           || 'model_version: ' || mreg_internal.yaml_str(v.version) || E'\n'
           || 'project: ' || mreg_internal.yaml_str(v.project) || E'\n'
           || 'status: ' || mreg_internal.yaml_str(v.status) || E'\n'
           || 'owner: ' || mreg_internal.yaml_str(v.owner) || E'\n'
           || 'team: ' || mreg_internal.yaml_str(v.team) || E'\n'
           || 'domain: ' || mreg_internal.yaml_str(v.domain) || E'\n';
    IF cardinality(v.constraints) > 0 THEN
        SELECT y || E'regulatory_constraints:\n' || string_agg('  - ' || mreg_internal.yaml_str(x), E'\n' ORDER BY o) || E'\n' INTO y
          FROM unnest(v.constraints) WITH ORDINALITY u(x, o);
    END IF;
    -- model-index: one result per slice and data snapshot, the latest value of each metric
    n := 0;
    FOR s IN SELECT e.slice, e.dataset_version_id,
                    mreg_internal.card_dataset(e.dataset_version_id, v.project) AS data,
                    jsonb_agg(jsonb_build_object('metric', e.metric, 'value', e.value) ORDER BY e.metric) AS metrics
               FROM (SELECT DISTINCT ON (x.slice, x.dataset_version_id, x.metric) x.*
                       FROM mreg.evaluation x WHERE x.model_version_id = v.id
                      ORDER BY x.slice, x.dataset_version_id, x.metric, x.evaluated_at DESC, x.id DESC) e
              GROUP BY e.slice, e.dataset_version_id
              ORDER BY e.slice <> 'all', e.slice, e.dataset_version_id NULLS FIRST LOOP
        IF n = 0 THEN
            y := y || E'model-index:\n  - name: ' || mreg_internal.yaml_str(v.model) || E'\n    results:\n';
        END IF;
        n := n + 1;
        y := y || E'      - task:\n          type: ' || mreg_internal.yaml_str(coalesce(v.task, 'unknown')) || E'\n'
               || E'        dataset:\n          name: ' || mreg_internal.yaml_str(coalesce(s.data, 'unspecified') || ' (slice ' || s.slice || ')') || E'\n'
               || '          type: ' || mreg_internal.yaml_str(coalesce(split_part(s.data, '@', 1), 'unspecified')) || E'\n'
               || '          split: ' || mreg_internal.yaml_str(s.slice) || E'\n'
               || E'        metrics:\n';
        SELECT y || string_agg('          - type: ' || mreg_internal.yaml_str(m ->> 'metric') || E'\n'
                               || '            name: ' || mreg_internal.yaml_str((m ->> 'metric') || ' (' || s.slice || ')') || E'\n'
                               || '            value: ' || mreg_internal.yaml_num((m ->> 'value')::float8), E'\n') || E'\n' INTO y
          FROM jsonb_array_elements(s.metrics) m;
    END LOOP;
    y := y || E'---\n';

    -- ------------------------------------------------ body
    b := E'\n# Model card: ' || mreg_internal.md_text(v.model) || ' ' || v.version || E'\n\n';
    b := b || coalesce(mreg_internal.md_text(v.description) || E'\n\n', '');
    b := b || E'## Model details\n\n| | |\n|---|---|\n'
           || '| Model | ' || mreg_internal.md_text(v.model, true) || E' |\n'
           || '| Version | ' || v.version || E' |\n'
           || '| Status | ' || v.status || E' |\n'
           || '| Project | ' || mreg_internal.md_text(v.project, true) || E' |\n'
           || '| Owner | ' || mreg_internal.md_text(v.owner, true) || E' |\n'
           || '| Team | ' || coalesce(mreg_internal.md_text(v.team, true), '—') || E' |\n'
           || '| Description | ' || coalesce(mreg_internal.md_text(v.description, true), '—') || E' |\n'
           || '| Domain | ' || coalesce(mreg_internal.md_text(v.domain, true), '—') || E' |\n'
           || '| Task | ' || coalesce(mreg_internal.md_text(v.task, true), '—') || E' |\n'
           || '| Framework | ' || coalesce(mreg_internal.md_text(v.framework, true), '—') || E' |\n'
           || '| License | ' || coalesce(mreg_internal.md_text(v.license, true), '—') || E' |\n'
           || '| Registered | ' || to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || ' by '
           || mreg_internal.md_text(v.created_by, true) || E' |\n'
           || '| Aliases | ' || coalesce((SELECT string_agg('@' || mreg_internal.md_text(a.name, true), ', ' ORDER BY a.name)
                                           FROM mreg.alias a WHERE a.model_version_id = v.id), '—') || E' |\n\n';
    b := b || E'## Intended use\n\n' || coalesce(mreg_internal.md_text(v.metadata ->> 'intended_use'), '_Not documented._') || E'\n\n';
    b := b || E'## Limitations\n\n' || coalesce(mreg_internal.md_text(v.metadata ->> 'limitations'), '_Not documented._') || E'\n\n';
    b := b || E'## Ethical considerations\n\n' || coalesce(mreg_internal.md_text(v.ethical_notes), '_Not documented._') || E'\n\n';
    b := b || E'## Regulatory constraints\n\n'
           || coalesce((SELECT string_agg('- ' || mreg_internal.md_text(x, true), E'\n' ORDER BY o) FROM unnest(v.constraints) WITH ORDINALITY u(x, o)),
                       '_None recorded._') || E'\n\n';
    b := b || E'## Training data and lineage\n\n';
    IF v.run_id IS NOT NULL THEN
        SELECT * INTO r FROM mreg.run x WHERE x.id = v.run_id;
        IF FOUND THEN
            b := b || 'Trained by run ' || r.id || ' (' || r.status
                   || coalesce(', ' || to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), '')
                   || coalesce(', ' || mreg_internal.md_text(r.duration::text, true), '') || E').\n\n';
        END IF;
    END IF;
    IF datasets IS NOT NULL THEN
        SELECT b || string_agg('- `' || replace(mreg_internal.md_text(x, true), '&#96;', '') || '`', E'\n' ORDER BY o) || E'\n\n' INTO b
          FROM unnest(datasets) WITH ORDINALITY u(x, o);
    END IF;
    IF mreg.lineage_node_count(prov) > 0 THEN
        mermaid := mreg.lineage_mermaid(prov);
        b := b || E'```mermaid\n' || replace(mermaid, '```', '') || CASE WHEN mermaid LIKE E'%\n' THEN '' ELSE E'\n' END || E'```\n\n';
    ELSE
        b := b || E'_No lineage recorded._\n\n';
    END IF;
    b := b || E'## Evaluation results\n\n';
    IF n = 0 THEN
        b := b || E'_No evaluations recorded._\n\n';
    ELSE
        b := b || E'| Slice | Metric | Value | Data | Method | Evaluated |\n|---|---|---|---|---|---|\n';
        SELECT b || string_agg(format('| %s | %s | %s | %s | %s | %s |', mreg_internal.md_text(e.slice, true), mreg_internal.md_text(e.metric, true),
                                      mreg_internal.yaml_num(e.value), coalesce(mreg_internal.md_text(e.data, true), '—'),
                                      coalesce(mreg_internal.md_text(e.method, true), '—'),
                                      to_char(e.evaluated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')), E'\n'
                               ORDER BY e.slice <> 'all', e.slice, e.metric, e.data NULLS FIRST) || E'\n\n' INTO b
          FROM (SELECT DISTINCT ON (x.slice, x.dataset_version_id, x.metric) x.slice, x.metric, x.value, x.method, x.evaluated_at,
                       mreg_internal.card_dataset(x.dataset_version_id, v.project) AS data
                  FROM mreg.evaluation x WHERE x.model_version_id = v.id
                 ORDER BY x.slice, x.dataset_version_id, x.metric, x.evaluated_at DESC, x.id DESC) e;
    END IF;
    b := b || E'## Deployment\n\n';
    SELECT b || E'| Environment | State | Traffic | Since | Endpoint |\n|---|---|---|---|---|\n'
             || string_agg(format('| %s | %s | %s%% | %s | %s |', mreg_internal.md_text(en.name, true), d.state, d.traffic_pct,
                                  to_char(d.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                                  coalesce(mreg_internal.md_text(d.endpoint, true), '—')), E'\n' ORDER BY en.position, d.id) || E'\n\n'
      INTO dep
      FROM mreg.deployment d JOIN mreg.environment en ON en.id = d.environment_id
     WHERE d.model_version_id = v.id AND d.state IN ('live', 'canary');
    b := coalesce(dep, b || E'_Not deployed._\n\n');
    b := b || E'## How to cite and contact\n\n'
           || 'Owner: ' || mreg_internal.md_text(v.owner) || coalesce(', team ' || mreg_internal.md_text(v.team), '') || E'.\n\n'
           || E'```text\n' || replace(v.project || ' / ' || v.model || ' ' || v.version || ' (' || node || ')', '```', '')
           || E'\nmreg model registry, model_version_id ' || v.id || E'\n```\n';
    RETURN y || b;
END
$$;
COMMENT ON FUNCTION mreg.model_card(bigint) IS
    'A model version''s card: Markdown with YAML front matter in the Hugging Face layout (license, datasets, tags, model-index per slice), details, intended use, limitations, ethics, constraints, lineage (Mermaid), evaluations, deployment, contact';
