-- mreg.lineage: a provenance graph (directed acyclic graph of typed nodes) as a value.
-- C implementation in src/lineage*.c; reference in doc/lineage.md.

CREATE TYPE mreg.lineage;

CREATE FUNCTION mreg.lineage_in(pg_catalog.cstring) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_out(mreg.lineage) RETURNS pg_catalog.cstring
    AS 'MODULE_PATHNAME', 'lineage_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_recv(pg_catalog.internal) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_send(mreg.lineage) RETURNS pg_catalog.bytea
    AS 'MODULE_PATHNAME', 'lineage_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mreg.lineage (
    INPUT = mreg.lineage_in,
    OUTPUT = mreg.lineage_out,
    RECEIVE = mreg.lineage_recv,
    SEND = mreg.lineage_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE mreg.lineage IS
    'Provenance graph: a directed acyclic graph of kind:name nodes; text form "a -> b; c", canonical output';
COMMENT ON FUNCTION mreg.lineage_in(pg_catalog.cstring) IS 'Input function of mreg.lineage';
COMMENT ON FUNCTION mreg.lineage_out(mreg.lineage) IS 'Output function of mreg.lineage (canonical text)';
COMMENT ON FUNCTION mreg.lineage_recv(pg_catalog.internal) IS 'Binary input function of mreg.lineage';
COMMENT ON FUNCTION mreg.lineage_send(mreg.lineage) IS 'Binary output function of mreg.lineage';

CREATE CAST (pg_catalog.text AS mreg.lineage) WITH INOUT;
CREATE CAST (mreg.lineage AS pg_catalog.text) WITH INOUT;
COMMENT ON CAST (pg_catalog.text AS mreg.lineage) IS 'Parse lineage text';
COMMENT ON CAST (mreg.lineage AS pg_catalog.text) IS 'Canonical lineage text';

-- ---- constructors -------------------------------------------------------------

CREATE FUNCTION mreg.lineage_node(node pg_catalog.text) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'lineage_node_canon' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_node(pg_catalog.text) IS
    'Canonical text of one lineage node (kind:name), quoting only where needed; error on malformed text';

CREATE FUNCTION mreg.lineage_edge(src pg_catalog.text, dst pg_catalog.text) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_edge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_edge(pg_catalog.text, pg_catalog.text) IS
    'The lineage with the single edge src -> dst (a self-loop is a cycle: error 23514)';

-- ---- operator functions ----------------------------------------------------------

CREATE FUNCTION mreg.lineage_contains_node(mreg.lineage, pg_catalog.text) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_contains_node' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_contains_node(mreg.lineage, pg_catalog.text) IS
    'Does the lineage contain the node? (implements lineage @> text)';
CREATE FUNCTION mreg.lineage_node_contained(pg_catalog.text, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_node_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_node_contained(pg_catalog.text, mreg.lineage) IS
    'Is the node in the lineage? (implements text <@ lineage)';
CREATE FUNCTION mreg.lineage_contains(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_contains(mreg.lineage, mreg.lineage) IS
    'Is the second lineage a subgraph (nodes and edges) of the first? (implements @>)';
CREATE FUNCTION mreg.lineage_contained(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_contained(mreg.lineage, mreg.lineage) IS
    'Is the first lineage a subgraph of the second? (implements <@)';
CREATE FUNCTION mreg.lineage_overlaps(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_overlaps(mreg.lineage, mreg.lineage) IS
    'Do the lineages share a node? (implements &&)';
CREATE FUNCTION mreg.lineage_union(mreg.lineage, mreg.lineage) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_union' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_union(mreg.lineage, mreg.lineage) IS
    'Union of two lineages; error 23514 when the union has a cycle (implements ||)';

CREATE FUNCTION mreg.lineage_eq(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_ne(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_lt(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_le(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_gt(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_ge(mreg.lineage, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_cmp(mreg.lineage, mreg.lineage) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_hash(mreg.lineage) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.lineage_hash_extended(mreg.lineage, pg_catalog.int8) RETURNS pg_catalog.int8
    AS 'MODULE_PATHNAME', 'lineage_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION mreg.lineage_eq(mreg.lineage, mreg.lineage) IS 'Same graph (implements =)';
COMMENT ON FUNCTION mreg.lineage_ne(mreg.lineage, mreg.lineage) IS 'Different graphs (implements <>)';
COMMENT ON FUNCTION mreg.lineage_lt(mreg.lineage, mreg.lineage) IS 'Sorts before (implements <)';
COMMENT ON FUNCTION mreg.lineage_le(mreg.lineage, mreg.lineage) IS 'Sorts before or equal (implements <=)';
COMMENT ON FUNCTION mreg.lineage_gt(mreg.lineage, mreg.lineage) IS 'Sorts after (implements >)';
COMMENT ON FUNCTION mreg.lineage_ge(mreg.lineage, mreg.lineage) IS 'Sorts after or equal (implements >=)';
COMMENT ON FUNCTION mreg.lineage_cmp(mreg.lineage, mreg.lineage) IS
    'B-tree comparison: node lists compared lexicographically, then edge lists';
COMMENT ON FUNCTION mreg.lineage_hash(mreg.lineage) IS 'Hash of a lineage (hash opclass)';
COMMENT ON FUNCTION mreg.lineage_hash_extended(mreg.lineage, pg_catalog.int8) IS
    'Seeded 64-bit hash of a lineage (hash opclass)';

-- ---- operators -------------------------------------------------------------------

CREATE OPERATOR mreg.@> (
    LEFTARG = mreg.lineage, RIGHTARG = pg_catalog.text, FUNCTION = mreg.lineage_contains_node,
    COMMUTATOR = OPERATOR(mreg.<@), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
CREATE OPERATOR mreg.<@ (
    LEFTARG = pg_catalog.text, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_node_contained,
    COMMUTATOR = OPERATOR(mreg.@>), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
CREATE OPERATOR mreg.@> (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_contains,
    COMMUTATOR = OPERATOR(mreg.<@), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
CREATE OPERATOR mreg.<@ (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_contained,
    COMMUTATOR = OPERATOR(mreg.@>), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
CREATE OPERATOR mreg.&& (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_overlaps,
    COMMUTATOR = OPERATOR(mreg.&&), RESTRICT = pg_catalog.areasel, JOIN = pg_catalog.areajoinsel);
CREATE OPERATOR mreg.|| (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_union,
    COMMUTATOR = OPERATOR(mreg.||));
CREATE OPERATOR mreg.= (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_eq,
    COMMUTATOR = OPERATOR(mreg.=), NEGATOR = OPERATOR(mreg.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
CREATE OPERATOR mreg.<> (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_ne,
    COMMUTATOR = OPERATOR(mreg.<>), NEGATOR = OPERATOR(mreg.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR mreg.< (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_lt,
    COMMUTATOR = OPERATOR(mreg.>), NEGATOR = OPERATOR(mreg.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR mreg.<= (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_le,
    COMMUTATOR = OPERATOR(mreg.>=), NEGATOR = OPERATOR(mreg.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR mreg.> (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_gt,
    COMMUTATOR = OPERATOR(mreg.<), NEGATOR = OPERATOR(mreg.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR mreg.>= (
    LEFTARG = mreg.lineage, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_ge,
    COMMUTATOR = OPERATOR(mreg.<=), NEGATOR = OPERATOR(mreg.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);

-- families: model:m5 is the family of model:m5@1.0.0 (the name up to its last '@')
CREATE FUNCTION mreg.lineage_family(node pg_catalog.text) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'lineage_family' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_family(pg_catalog.text) IS
    'Family of a node: same project and kind, the unquoted name up to its last @, canonically quoted; NULL when the name has no @';
CREATE FUNCTION mreg.lineage_contains_family(mreg.lineage, family pg_catalog.text) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_contains_family' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_contains_family(mreg.lineage, pg_catalog.text) IS
    'Does the lineage contain some version of the node: a node of that family, or the node itself? (implements lineage @>> text)';
CREATE FUNCTION mreg.lineage_family_contained(family pg_catalog.text, mreg.lineage) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_family_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_family_contained(pg_catalog.text, mreg.lineage) IS
    'Is some version of the node in the lineage? (implements text <<@ lineage)';
CREATE OPERATOR mreg.@>> (
    LEFTARG = mreg.lineage, RIGHTARG = pg_catalog.text, FUNCTION = mreg.lineage_contains_family,
    COMMUTATOR = OPERATOR(mreg.<<@), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
CREATE OPERATOR mreg.<<@ (
    LEFTARG = pg_catalog.text, RIGHTARG = mreg.lineage, FUNCTION = mreg.lineage_family_contained,
    COMMUTATOR = OPERATOR(mreg.@>>), RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel);
COMMENT ON OPERATOR mreg.@>> (mreg.lineage, pg_catalog.text) IS 'lineage contains some version of the node (a node of that family, or the node)';
COMMENT ON OPERATOR mreg.<<@ (pg_catalog.text, mreg.lineage) IS 'some version of the node is in the lineage';

COMMENT ON OPERATOR mreg.@> (mreg.lineage, pg_catalog.text) IS 'lineage contains the node';
COMMENT ON OPERATOR mreg.<@ (pg_catalog.text, mreg.lineage) IS 'node is in the lineage';
COMMENT ON OPERATOR mreg.@> (mreg.lineage, mreg.lineage) IS 'left lineage has the right one as a subgraph';
COMMENT ON OPERATOR mreg.<@ (mreg.lineage, mreg.lineage) IS 'left lineage is a subgraph of the right one';
COMMENT ON OPERATOR mreg.&& (mreg.lineage, mreg.lineage) IS 'lineages share a node';
COMMENT ON OPERATOR mreg.|| (mreg.lineage, mreg.lineage) IS 'union of lineages (must stay acyclic)';
COMMENT ON OPERATOR mreg.= (mreg.lineage, mreg.lineage) IS 'same graph';
COMMENT ON OPERATOR mreg.<> (mreg.lineage, mreg.lineage) IS 'different graphs';
COMMENT ON OPERATOR mreg.< (mreg.lineage, mreg.lineage) IS 'sorts before (node lists, then edge lists)';
COMMENT ON OPERATOR mreg.<= (mreg.lineage, mreg.lineage) IS 'sorts before or equal';
COMMENT ON OPERATOR mreg.> (mreg.lineage, mreg.lineage) IS 'sorts after';
COMMENT ON OPERATOR mreg.>= (mreg.lineage, mreg.lineage) IS 'sorts after or equal';

CREATE OPERATOR CLASS mreg.lineage_btree_ops DEFAULT FOR TYPE mreg.lineage USING btree AS
    OPERATOR 1 mreg.< ,
    OPERATOR 2 mreg.<= ,
    OPERATOR 3 mreg.= ,
    OPERATOR 4 mreg.>= ,
    OPERATOR 5 mreg.> ,
    FUNCTION 1 mreg.lineage_cmp(mreg.lineage, mreg.lineage);
COMMENT ON OPERATOR CLASS mreg.lineage_btree_ops USING btree IS
    'B-tree operator class for mreg.lineage (equality, DISTINCT, GROUP BY, ORDER BY)';

CREATE OPERATOR CLASS mreg.lineage_hash_ops DEFAULT FOR TYPE mreg.lineage USING hash AS
    OPERATOR 1 mreg.= ,
    FUNCTION 1 mreg.lineage_hash(mreg.lineage),
    FUNCTION 2 mreg.lineage_hash_extended(mreg.lineage, pg_catalog.int8);
COMMENT ON OPERATOR CLASS mreg.lineage_hash_ops USING hash IS
    'Hash operator class for mreg.lineage (hash joins, hash aggregation)';

-- ---- GIN ---------------------------------------------------------------------------

CREATE FUNCTION mreg.lineage_gin_key_cmp(pg_catalog.text, pg_catalog.text) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_gin_key_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_gin_extract_value(mreg.lineage, pg_catalog.internal, pg_catalog.internal)
    RETURNS pg_catalog.internal
    AS 'MODULE_PATHNAME', 'lineage_gin_extract_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_gin_extract_query(mreg.lineage, pg_catalog.internal, pg_catalog.int2,
        pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal)
    RETURNS pg_catalog.internal
    AS 'MODULE_PATHNAME', 'lineage_gin_extract_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_gin_consistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal)
    RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'lineage_gin_consistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.lineage_gin_triconsistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal)
    RETURNS pg_catalog.char
    AS 'MODULE_PATHNAME', 'lineage_gin_triconsistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_gin_key_cmp(pg_catalog.text, pg_catalog.text) IS
    'GIN support: bytewise order of node keys';
COMMENT ON FUNCTION mreg.lineage_gin_extract_value(mreg.lineage, pg_catalog.internal, pg_catalog.internal) IS
    'GIN support: node keys and family keys of a lineage';
COMMENT ON FUNCTION mreg.lineage_gin_extract_query(mreg.lineage, pg_catalog.internal, pg_catalog.int2,
        pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal) IS
    'GIN support: keys of a query (@> text, @> lineage, &&, @>> text)';
COMMENT ON FUNCTION mreg.lineage_gin_consistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal) IS
    'GIN support: boolean consistency check';
COMMENT ON FUNCTION mreg.lineage_gin_triconsistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal) IS
    'GIN support: ternary consistency check';

CREATE OPERATOR CLASS mreg.lineage_gin_ops DEFAULT FOR TYPE mreg.lineage USING gin AS
    OPERATOR 3 mreg.&& (mreg.lineage, mreg.lineage),
    OPERATOR 7 mreg.@> (mreg.lineage, mreg.lineage),
    OPERATOR 9 mreg.@> (mreg.lineage, pg_catalog.text),
    OPERATOR 10 mreg.@>> (mreg.lineage, pg_catalog.text),
    FUNCTION 1 mreg.lineage_gin_key_cmp(pg_catalog.text, pg_catalog.text),
    FUNCTION 2 mreg.lineage_gin_extract_value(mreg.lineage, pg_catalog.internal, pg_catalog.internal),
    FUNCTION 3 mreg.lineage_gin_extract_query(mreg.lineage, pg_catalog.internal, pg_catalog.int2,
        pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal),
    FUNCTION 4 mreg.lineage_gin_consistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal),
    FUNCTION 6 mreg.lineage_gin_triconsistent(pg_catalog.internal, pg_catalog.int2, mreg.lineage,
        pg_catalog.int4, pg_catalog.internal, pg_catalog.internal, pg_catalog.internal),
    STORAGE pg_catalog.text;
COMMENT ON OPERATOR CLASS mreg.lineage_gin_ops USING gin IS
    'GIN operator class over lineage nodes and node families: @> text (contains node), @> lineage, &&, @>> text (contains a version)';

-- ---- functions ---------------------------------------------------------------------

CREATE FUNCTION mreg.lineage_nodes(mreg.lineage) RETURNS SETOF pg_catalog.text
    AS 'MODULE_PATHNAME', 'lineage_nodes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION mreg.lineage_nodes(mreg.lineage) IS 'The nodes of a lineage, in canonical order';

CREATE FUNCTION mreg.lineage_edges(mreg.lineage, OUT src pg_catalog.text, OUT dst pg_catalog.text)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lineage_edges' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION mreg.lineage_edges(mreg.lineage) IS 'The edges of a lineage, sorted by (src, dst)';

CREATE FUNCTION mreg.lineage_node_count(mreg.lineage) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_node_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_node_count(mreg.lineage) IS 'Number of nodes in a lineage';
CREATE FUNCTION mreg.lineage_edge_count(mreg.lineage) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_edge_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_edge_count(mreg.lineage) IS 'Number of edges in a lineage';

CREATE FUNCTION mreg.upstream(mreg.lineage, node pg_catalog.text) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_upstream' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.upstream(mreg.lineage, pg_catalog.text) IS
    'Subgraph induced by the node and all its ancestors (empty when the node is absent)';
CREATE FUNCTION mreg.downstream(mreg.lineage, node pg_catalog.text) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_downstream' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.downstream(mreg.lineage, pg_catalog.text) IS
    'Subgraph induced by the node and all its descendants (empty when the node is absent)';

CREATE FUNCTION mreg.lineage_distance(mreg.lineage, src pg_catalog.text, dst pg_catalog.text) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'lineage_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_distance(mreg.lineage, pg_catalog.text, pg_catalog.text) IS
    'Edges on a shortest directed path from src to dst; 0 when src = dst; NULL when there is no path or a node is absent';
CREATE FUNCTION mreg.lineage_relative(mreg.lineage, project pg_catalog.text) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_relative' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_relative(mreg.lineage, pg_catalog.text) IS
    'The lineage with the prefix project/ removed from the nodes of that project (error 22023 when two nodes would become one)';

CREATE FUNCTION mreg.lineage_dot(mreg.lineage) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'lineage_dot' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_dot(mreg.lineage) IS 'Graphviz DOT rendering, nodes styled by kind';
CREATE FUNCTION mreg.lineage_mermaid(mreg.lineage) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'lineage_mermaid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_mermaid(mreg.lineage) IS 'Mermaid flowchart rendering, nodes styled by kind';

CREATE FUNCTION mreg.lineage_agg_transfn(pg_catalog.internal, pg_catalog.text, pg_catalog.text)
    RETURNS pg_catalog.internal
    AS 'MODULE_PATHNAME', 'lineage_agg_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_agg_transfn(pg_catalog.internal, pg_catalog.text, pg_catalog.text) IS
    'Transition function of mreg.lineage_agg';
CREATE FUNCTION mreg.lineage_agg_finalfn(pg_catalog.internal) RETURNS mreg.lineage
    AS 'MODULE_PATHNAME', 'lineage_agg_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mreg.lineage_agg_finalfn(pg_catalog.internal) IS
    'Final function of mreg.lineage_agg (error 23514 on a cycle)';
CREATE AGGREGATE mreg.lineage_agg(src pg_catalog.text, dst pg_catalog.text) (
    SFUNC = mreg.lineage_agg_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = mreg.lineage_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE mreg.lineage_agg(pg_catalog.text, pg_catalog.text) IS
    'Lineage of the edges src -> dst; a row with one side NULL adds a lone node; no rows: NULL';
