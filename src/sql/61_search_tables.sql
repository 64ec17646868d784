-- Search (SPEC section 5): what is indexed.
--
-- One search document per model version, kept current by triggers on the
-- tables it is built from (62_search_index.sql), in the writing
-- transaction: a search right after a write sees it.  Two tsvectors:
--   document  weighted full text (A: the model's name; B: description,
--             domain, task, framework, tags; C: annotations, the run's
--             narrative, ethical notes, status reason; D: features,
--             datasets, owner, team, license, constraints, project)
--   facets    exact lexemes, one per fielded fact, e.g. domain:fraud,
--             tag:team=risk, feature:age, uses:dataset:imagenet@2024 and
--             its family uses:dataset:imagenet, data_domain:finance
-- and the latest metric values apart (mreg.search_metric), so that every
-- filter of the query language is an index lookup.
--
-- Row-level security applies to both tables like to every other; the
-- indexes stay usable under it because the match operator mreg.@@ is
-- LEAKPROOF (src/search_index.c) and the rest are btree comparisons of
-- built-in types, which are.

CREATE FUNCTION mreg.search_match(tsvector, tsquery) RETURNS boolean
    AS 'MODULE_PATHNAME', 'mreg_search_match'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION mreg.search_match(tsvector, tsquery) IS
    'tsvector @@ tsquery, LEAKPROOF: the match of mreg.@@, which search indexes use under row-level security';

CREATE OPERATOR mreg.@@ (
    LEFTARG = tsvector, RIGHTARG = tsquery, FUNCTION = mreg.search_match,
    RESTRICT = pg_catalog.tsmatchsel, JOIN = pg_catalog.tsmatchjoinsel);
COMMENT ON OPERATOR mreg.@@ (tsvector, tsquery) IS 'Text match (as tsvector @@ tsquery), LEAKPROOF so that GIN indexes work under row-level security';

CREATE OPERATOR CLASS mreg.search_tsvector_ops FOR TYPE tsvector USING gin AS
    OPERATOR 1 mreg.@@ (tsvector, tsquery),
    FUNCTION 1 pg_catalog.gin_cmp_tslexeme(text, text),
    FUNCTION 2 pg_catalog.gin_extract_tsvector(tsvector, internal, internal),
    FUNCTION 3 pg_catalog.gin_extract_tsquery(tsvector, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 pg_catalog.gin_tsquery_consistent(internal, int2, tsvector, int4, internal, internal, internal, internal),
    FUNCTION 5 pg_catalog.gin_cmp_prefix(text, text, int2, internal),
    FUNCTION 6 pg_catalog.gin_tsquery_triconsistent(internal, int2, tsvector, int4, internal, internal, internal),
    STORAGE text;
COMMENT ON OPERATOR CLASS mreg.search_tsvector_ops USING gin IS
    'GIN over tsvector (PostgreSQL''s tsvector support functions) for the LEAKPROOF match mreg.@@';

CREATE TABLE mreg.search_doc (
    model_version_id  bigint PRIMARY KEY REFERENCES mreg.model_version(id) ON DELETE CASCADE,
    project_id        bigint NOT NULL REFERENCES mreg.project(id),
    model_id          bigint NOT NULL,
    run_id            bigint,
    project           text NOT NULL,
    model             text NOT NULL,
    version           mreg.semver NOT NULL,
    stage             text NOT NULL,
    domain            text,
    task              text,
    framework         text,
    license           text,
    owner             text,
    team              text,
    constraints       text[] NOT NULL DEFAULT '{}',
    trained_at        timestamptz,
    duration          interval,
    created_at        timestamptz NOT NULL,
    node              text NOT NULL,
    model_node        text NOT NULL,
    document          tsvector NOT NULL,
    facets            tsvector NOT NULL,
    refreshed_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
CREATE INDEX search_doc_document_idx ON mreg.search_doc USING gin (document mreg.search_tsvector_ops);
CREATE INDEX search_doc_facets_idx ON mreg.search_doc USING gin (facets mreg.search_tsvector_ops);
CREATE INDEX search_doc_model_idx ON mreg.search_doc (model_id);
CREATE INDEX search_doc_run_idx ON mreg.search_doc (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX search_doc_node_idx ON mreg.search_doc (node);
CREATE INDEX search_doc_model_node_idx ON mreg.search_doc (model_node);
CREATE INDEX search_doc_trained_idx ON mreg.search_doc (trained_at);
COMMENT ON TABLE mreg.search_doc IS
    'Search document of every model version (mreg.search): weighted text and fielded facts, kept current by the write path';
COMMENT ON COLUMN mreg.search_doc.model_version_id IS 'The version';
COMMENT ON COLUMN mreg.search_doc.project_id IS 'Its project';
COMMENT ON COLUMN mreg.search_doc.model_id IS 'Its model';
COMMENT ON COLUMN mreg.search_doc.run_id IS 'The run that trained it';
COMMENT ON COLUMN mreg.search_doc.project IS 'Project name';
COMMENT ON COLUMN mreg.search_doc.model IS 'Model name';
COMMENT ON COLUMN mreg.search_doc.version IS 'Version number';
COMMENT ON COLUMN mreg.search_doc.stage IS 'Status of the version (draft, registered, staging, production, archived, retired)';
COMMENT ON COLUMN mreg.search_doc.domain IS 'Model domain (vocabulary term)';
COMMENT ON COLUMN mreg.search_doc.task IS 'Model task (vocabulary term)';
COMMENT ON COLUMN mreg.search_doc.framework IS 'Model framework (vocabulary term)';
COMMENT ON COLUMN mreg.search_doc.license IS 'Model license (vocabulary term)';
COMMENT ON COLUMN mreg.search_doc.owner IS 'Model owner';
COMMENT ON COLUMN mreg.search_doc.team IS 'Accountable team';
COMMENT ON COLUMN mreg.search_doc.constraints IS 'Regulatory constraints of the model';
COMMENT ON COLUMN mreg.search_doc.trained_at IS 'When its run ended (else when the version was registered)';
COMMENT ON COLUMN mreg.search_doc.duration IS 'How long its run took';
COMMENT ON COLUMN mreg.search_doc.created_at IS 'When the version was registered';
COMMENT ON COLUMN mreg.search_doc.node IS 'Node text of the version (project/model:NAME@VERSION)';
COMMENT ON COLUMN mreg.search_doc.model_node IS 'Node text of its model (project/model:NAME)';
COMMENT ON COLUMN mreg.search_doc.document IS 'Weighted full text (english configuration)';
COMMENT ON COLUMN mreg.search_doc.facets IS 'One lexeme per fielded fact (domain:fraud, tag:team=risk, uses:dataset:x, ...)';
COMMENT ON COLUMN mreg.search_doc.refreshed_at IS 'When the document was last rebuilt';

-- The latest value of every metric on every slice of a version: what
-- metric thresholds in a query compare with.
CREATE TABLE mreg.search_metric (
    model_version_id  bigint NOT NULL REFERENCES mreg.model_version(id) ON DELETE CASCADE,
    project_id        bigint NOT NULL REFERENCES mreg.project(id),
    metric            text NOT NULL,
    slice             text NOT NULL,
    value             double precision NOT NULL,
    evaluated_at      timestamptz NOT NULL,
    evaluation_id     bigint NOT NULL,
    PRIMARY KEY (model_version_id, metric, slice)
);
CREATE INDEX search_metric_value_idx ON mreg.search_metric (metric, slice, value);
COMMENT ON TABLE mreg.search_metric IS 'Latest evaluation of each metric and slice of each version (metric thresholds of mreg.search)';
COMMENT ON COLUMN mreg.search_metric.model_version_id IS 'The version';
COMMENT ON COLUMN mreg.search_metric.project_id IS 'Its project';
COMMENT ON COLUMN mreg.search_metric.metric IS 'Metric name (lower case)';
COMMENT ON COLUMN mreg.search_metric.slice IS 'Slice (all: the whole evaluation set)';
COMMENT ON COLUMN mreg.search_metric.value IS 'The latest value';
COMMENT ON COLUMN mreg.search_metric.evaluated_at IS 'When it was evaluated';
COMMENT ON COLUMN mreg.search_metric.evaluation_id IS 'The evaluation row it comes from';
