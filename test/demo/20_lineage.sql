-- Tour of mreg.lineage: a provenance graph as a value.
SET search_path = "$user", public, mreg;
\pset pager off

\echo
\echo '== mreg.lineage: the provenance of fraud-detector@2.4.0, as one value'
CREATE TABLE IF NOT EXISTS public.demo_lineage (model_version text PRIMARY KEY, provenance mreg.lineage NOT NULL);
TRUNCATE demo_lineage;
INSERT INTO demo_lineage VALUES
 ('fraud-detector@2.4.0',
  'dataset:transactions@2024-05 -> dataset:transactions_clean@2024-05;
   dataset:"chargebacks EU (raw)@2024-Q2" -> dataset:transactions_clean@2024-05;
   dataset:transactions_clean@2024-05 -> feature:txn_amount_7d -> run:8812;
   dataset:transactions_clean@2024-05 -> feature:merchant_risk_score -> run:8812;
   dataset:transactions_clean@2024-05 -> feature:device_fingerprint_age -> run:8812;
   pipeline:feature-etl -> feature:txn_amount_7d;
   code:git@abc123 -> run:8812 -> model:fraud-detector@2.4.0'),
 ('fraud-detector@2.3.0',
  'dataset:transactions@2024-02 -> feature:txn_amount_7d -> run:8650 -> model:fraud-detector@2.3.0;
   code:git@9f00e1 -> run:8650'),
 ('churn-predictor@1.1.0',
  'dataset:crm_accounts@2024-05 -> feature:tenure_days -> run:9001 -> model:churn-predictor@1.1.0;
   code:git@77aa01 -> run:9001');
CREATE INDEX IF NOT EXISTS demo_lineage_gin ON demo_lineage USING gin (provenance);

\echo
\echo '-- canonical text (sorted, deduplicated, quoted only where needed):'
SELECT model_version, provenance FROM demo_lineage WHERE model_version <> 'fraud-detector@2.4.0' ORDER BY 1;

\echo '-- the nodes of fraud-detector@2.4.0:'
SELECT n AS node FROM demo_lineage, lineage_nodes(provenance) n WHERE model_version = 'fraud-detector@2.4.0';

\echo '-- one registry-wide graph from every edge (lineage_agg), then upstream of a model and downstream of a feature:'
CREATE TEMP TABLE demo_registry AS
  SELECT lineage_agg(e.src, e.dst) AS g FROM demo_lineage, lineage_edges(provenance) e;
SELECT lineage_node_count(g) AS nodes, lineage_edge_count(g) AS edges FROM demo_registry;
SELECT src, dst FROM demo_registry, lineage_edges(upstream(g, 'model:fraud-detector@2.3.0'));
SELECT n AS "downstream of feature:txn_amount_7d" FROM demo_registry, lineage_nodes(downstream(g, 'feature:txn_amount_7d')) n;

\echo '-- impact analysis: which model versions used dataset transactions_clean@2024-05 or feature txn_amount_7d?'
SELECT model_version FROM demo_lineage WHERE provenance @> 'dataset:transactions_clean@2024-05';
SELECT model_version FROM demo_lineage WHERE provenance @> 'feature:txn_amount_7d' ORDER BY 1;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT model_version FROM demo_lineage WHERE provenance @> 'feature:txn_amount_7d';
RESET enable_seqscan;

\echo '-- a cycle is refused, naming it (meant to fail):'
SELECT refused($$SELECT provenance || 'model:fraud-detector@2.4.0 -> dataset:transactions@2024-05'::lineage
                   FROM demo_lineage WHERE model_version = 'fraud-detector@2.4.0'$$) AS "adding model -> its own training data";

\echo '-- Graphviz (pipe into: dot -Tsvg):'
SELECT lineage_dot(provenance) AS dot FROM demo_lineage WHERE model_version = 'fraud-detector@2.4.0' \g (format=unaligned tuples_only)
\echo '-- Mermaid (paste into a Markdown ```mermaid block):'
SELECT lineage_mermaid(upstream(provenance, 'run:8812')) AS mermaid FROM demo_lineage
 WHERE model_version = 'fraud-detector@2.4.0' \g (format=unaligned tuples_only)
