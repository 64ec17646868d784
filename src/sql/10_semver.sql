-- mreg.semver: Semantic Versioning 2.0.0 versions (C type, src/semver*.c).
-- Every name is schema-qualified; see doc/semver.md.

CREATE TYPE mreg.semver;

CREATE FUNCTION mreg.semver_in(pg_catalog.cstring) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.semver_out(mreg.semver) RETURNS pg_catalog.cstring
    AS 'MODULE_PATHNAME', 'semver_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.semver_recv(pg_catalog.internal) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.semver_send(mreg.semver) RETURNS pg_catalog.bytea
    AS 'MODULE_PATHNAME', 'semver_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mreg.semver (
    INPUT = mreg.semver_in,
    OUTPUT = mreg.semver_out,
    RECEIVE = mreg.semver_recv,
    SEND = mreg.semver_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended,
    CATEGORY = 'U'
);
COMMENT ON TYPE mreg.semver IS
    'Semantic version (SemVer 2.0.0): ordered by precedence, build metadata ignored by comparison and hashing';
COMMENT ON FUNCTION mreg.semver_in(pg_catalog.cstring) IS 'semver input: strict SemVer 2.0.0 text';
COMMENT ON FUNCTION mreg.semver_out(mreg.semver) IS 'semver output: canonical SemVer text';
COMMENT ON FUNCTION mreg.semver_recv(pg_catalog.internal) IS 'semver binary input (format byte 1 + text)';
COMMENT ON FUNCTION mreg.semver_send(mreg.semver) IS 'semver binary output (format byte 1 + text)';

-- Conversions ---------------------------------------------------------------

CREATE FUNCTION mreg.semver(pg_catalog.text) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.semver(pg_catalog.text) IS 'Strict SemVer 2.0.0 parse of a text (the text -> semver cast)';

CREATE FUNCTION mreg.to_semver(pg_catalog.text) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_to_semver_lenient' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.to_semver(pg_catalog.text) IS
    'Lenient parse: trims blanks, drops a leading "=" or "v", fills missing minor/patch with 0, strips leading zeros (v1.2 -> 1.2.0)';

CREATE FUNCTION mreg.semver_to_text(mreg.semver) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'semver_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.semver_to_text(mreg.semver) IS 'Canonical text of a semver (the semver -> text cast)';

CREATE CAST (pg_catalog.text AS mreg.semver) WITH FUNCTION mreg.semver(pg_catalog.text);
CREATE CAST (mreg.semver AS pg_catalog.text) WITH FUNCTION mreg.semver_to_text(mreg.semver) AS ASSIGNMENT;
CREATE CAST (pg_catalog.varchar AS mreg.semver) WITH FUNCTION mreg.semver(pg_catalog.text);
CREATE CAST (mreg.semver AS pg_catalog.varchar) WITH FUNCTION mreg.semver_to_text(mreg.semver) AS ASSIGNMENT;
COMMENT ON CAST (pg_catalog.text AS mreg.semver) IS 'Strict SemVer 2.0.0 parse';
COMMENT ON CAST (mreg.semver AS pg_catalog.text) IS 'Canonical SemVer text';
COMMENT ON CAST (pg_catalog.varchar AS mreg.semver) IS 'Strict SemVer 2.0.0 parse';
COMMENT ON CAST (mreg.semver AS pg_catalog.varchar) IS 'Canonical SemVer text';

-- Comparison ----------------------------------------------------------------

CREATE FUNCTION mreg.semver_eq(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_ne(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_lt(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_le(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_gt(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_ge(mreg.semver, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_cmp(mreg.semver, mreg.semver) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'semver_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_sortsupport(pg_catalog.internal) RETURNS pg_catalog.void
    AS 'MODULE_PATHNAME', 'semver_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.semver_equalimage(pg_catalog.oid) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_equalimage' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_hash(mreg.semver) RETURNS pg_catalog.int4
    AS 'MODULE_PATHNAME', 'semver_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_hash_extended(mreg.semver, pg_catalog.int8) RETURNS pg_catalog.int8
    AS 'MODULE_PATHNAME', 'semver_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION mreg.semver_smaller(mreg.semver, mreg.semver) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.semver_larger(mreg.semver, mreg.semver) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mreg.semver_eq(mreg.semver, mreg.semver) IS 'semver equality (precedence; build metadata ignored)';
COMMENT ON FUNCTION mreg.semver_ne(mreg.semver, mreg.semver) IS 'semver inequality';
COMMENT ON FUNCTION mreg.semver_lt(mreg.semver, mreg.semver) IS 'semver less than (SemVer 2.0.0 precedence)';
COMMENT ON FUNCTION mreg.semver_le(mreg.semver, mreg.semver) IS 'semver less than or equal';
COMMENT ON FUNCTION mreg.semver_gt(mreg.semver, mreg.semver) IS 'semver greater than';
COMMENT ON FUNCTION mreg.semver_ge(mreg.semver, mreg.semver) IS 'semver greater than or equal';
COMMENT ON FUNCTION mreg.semver_cmp(mreg.semver, mreg.semver) IS 'semver three-way comparison (btree support 1)';
COMMENT ON FUNCTION mreg.semver_sortsupport(pg_catalog.internal) IS 'semver sort support with abbreviated keys (btree support 2)';
COMMENT ON FUNCTION mreg.semver_equalimage(pg_catalog.oid) IS 'semver is not equal-image: equal values may differ in build metadata (btree support 4)';
COMMENT ON FUNCTION mreg.semver_hash(mreg.semver) IS 'semver hash over every byte equality compares (hash support 1)';
COMMENT ON FUNCTION mreg.semver_hash_extended(mreg.semver, pg_catalog.int8) IS 'semver seeded 64-bit hash (hash support 2)';
COMMENT ON FUNCTION mreg.semver_smaller(mreg.semver, mreg.semver) IS 'the lower of two semvers (min aggregate)';
COMMENT ON FUNCTION mreg.semver_larger(mreg.semver, mreg.semver) IS 'the higher of two semvers (max aggregate)';

CREATE OPERATOR mreg.= (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_eq,
    COMMUTATOR = OPERATOR(mreg.=), NEGATOR = OPERATOR(mreg.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR mreg.<> (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_ne,
    COMMUTATOR = OPERATOR(mreg.<>), NEGATOR = OPERATOR(mreg.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR mreg.< (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_lt,
    COMMUTATOR = OPERATOR(mreg.>), NEGATOR = OPERATOR(mreg.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR mreg.<= (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_le,
    COMMUTATOR = OPERATOR(mreg.>=), NEGATOR = OPERATOR(mreg.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR mreg.> (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_gt,
    COMMUTATOR = OPERATOR(mreg.<), NEGATOR = OPERATOR(mreg.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR mreg.>= (
    LEFTARG = mreg.semver, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_ge,
    COMMUTATOR = OPERATOR(mreg.<=), NEGATOR = OPERATOR(mreg.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR mreg.= (mreg.semver, mreg.semver) IS 'equal precedence (1.0.0+a = 1.0.0+b)';
COMMENT ON OPERATOR mreg.<> (mreg.semver, mreg.semver) IS 'different precedence';
COMMENT ON OPERATOR mreg.< (mreg.semver, mreg.semver) IS 'lower precedence';
COMMENT ON OPERATOR mreg.<= (mreg.semver, mreg.semver) IS 'lower or equal precedence';
COMMENT ON OPERATOR mreg.> (mreg.semver, mreg.semver) IS 'higher precedence';
COMMENT ON OPERATOR mreg.>= (mreg.semver, mreg.semver) IS 'higher or equal precedence';

CREATE OPERATOR CLASS mreg.semver_ops DEFAULT FOR TYPE mreg.semver USING btree AS
    OPERATOR 1 mreg.< ,
    OPERATOR 2 mreg.<= ,
    OPERATOR 3 mreg.= ,
    OPERATOR 4 mreg.>= ,
    OPERATOR 5 mreg.> ,
    FUNCTION 1 mreg.semver_cmp(mreg.semver, mreg.semver),
    FUNCTION 2 mreg.semver_sortsupport(pg_catalog.internal),
    FUNCTION 4 mreg.semver_equalimage(pg_catalog.oid);
COMMENT ON OPERATOR CLASS mreg.semver_ops USING btree IS 'SemVer 2.0.0 precedence order for semver';

CREATE OPERATOR CLASS mreg.semver_hash_ops DEFAULT FOR TYPE mreg.semver USING hash AS
    OPERATOR 1 mreg.= ,
    FUNCTION 1 mreg.semver_hash(mreg.semver),
    FUNCTION 2 mreg.semver_hash_extended(mreg.semver, pg_catalog.int8);
COMMENT ON OPERATOR CLASS mreg.semver_hash_ops USING hash IS 'hash of semver precedence (build metadata ignored)';

CREATE AGGREGATE mreg.min(mreg.semver) (
    SFUNC = mreg.semver_smaller, STYPE = mreg.semver, COMBINEFUNC = mreg.semver_smaller,
    SORTOP = OPERATOR(mreg.<), PARALLEL = SAFE
);
CREATE AGGREGATE mreg.max(mreg.semver) (
    SFUNC = mreg.semver_larger, STYPE = mreg.semver, COMBINEFUNC = mreg.semver_larger,
    SORTOP = OPERATOR(mreg.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE mreg.min(mreg.semver) IS 'lowest semver by precedence';
COMMENT ON AGGREGATE mreg.max(mreg.semver) IS 'highest semver by precedence';

-- Accessors -----------------------------------------------------------------

CREATE FUNCTION mreg.major(mreg.semver) RETURNS pg_catalog.int8
    AS 'MODULE_PATHNAME', 'semver_major' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.minor(mreg.semver) RETURNS pg_catalog.int8
    AS 'MODULE_PATHNAME', 'semver_minor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.patch(mreg.semver) RETURNS pg_catalog.int8
    AS 'MODULE_PATHNAME', 'semver_patch' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.prerelease(mreg.semver) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'semver_prerelease' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.build_metadata(mreg.semver) RETURNS pg_catalog.text
    AS 'MODULE_PATHNAME', 'semver_build_metadata' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.is_prerelease(mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_is_prerelease' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mreg.bump(mreg.semver, part pg_catalog.text) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_bump' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.major(mreg.semver) IS 'major version number';
COMMENT ON FUNCTION mreg.minor(mreg.semver) IS 'minor version number';
COMMENT ON FUNCTION mreg.patch(mreg.semver) IS 'patch version number';
COMMENT ON FUNCTION mreg.prerelease(mreg.semver) IS 'prerelease identifiers (rc.1), NULL for a release';
COMMENT ON FUNCTION mreg.build_metadata(mreg.semver) IS 'build metadata (after +), NULL when absent';
COMMENT ON FUNCTION mreg.is_prerelease(mreg.semver) IS 'true when the version has a prerelease part';
COMMENT ON FUNCTION mreg.bump(mreg.semver, pg_catalog.text) IS
    'next version, node-semver inc() semantics; part is major, minor, patch or prerelease';

-- Ranges (node-semver semantics) ---------------------------------------------

CREATE FUNCTION mreg.satisfies(mreg.semver, range pg_catalog.text) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_satisfies' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.satisfies(mreg.semver, pg_catalog.text) IS
    'true when the version satisfies the node-semver range (^1.2, ~1.2.3, 1.x, 1.2 - 2, >=1 <2 || 3)';

CREATE FUNCTION mreg.semver_range_contains(range pg_catalog.text, mreg.semver) RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'semver_range_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.semver_range_contains(pg_catalog.text, mreg.semver) IS
    'true when the node-semver range contains the version (satisfies with arguments swapped)';

CREATE FUNCTION mreg.max_satisfying(mreg.semver[], range pg_catalog.text) RETURNS mreg.semver
    AS 'MODULE_PATHNAME', 'semver_max_satisfying' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.max_satisfying(mreg.semver[], pg_catalog.text) IS
    'highest version of the array satisfying the range (first of equals), NULL when none';

CREATE FUNCTION mreg.semver_satisfies_sel(pg_catalog.internal, pg_catalog.oid, pg_catalog.internal, pg_catalog.int4)
    RETURNS pg_catalog.float8
    AS 'MODULE_PATHNAME', 'semver_satisfies_sel' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.semver_satisfies_sel(pg_catalog.internal, pg_catalog.oid, pg_catalog.internal, pg_catalog.int4) IS
    'selectivity of semver <@ range: the range tested over the column statistics';

CREATE OPERATOR mreg.<@ (
    LEFTARG = mreg.semver, RIGHTARG = pg_catalog.text, FUNCTION = mreg.satisfies,
    COMMUTATOR = OPERATOR(mreg.@>), RESTRICT = mreg.semver_satisfies_sel
);
CREATE OPERATOR mreg.@> (
    LEFTARG = pg_catalog.text, RIGHTARG = mreg.semver, FUNCTION = mreg.semver_range_contains,
    COMMUTATOR = OPERATOR(mreg.<@), RESTRICT = mreg.semver_satisfies_sel
);
COMMENT ON OPERATOR mreg.<@ (mreg.semver, pg_catalog.text) IS 'version satisfies node-semver range';
COMMENT ON OPERATOR mreg.@> (pg_catalog.text, mreg.semver) IS 'node-semver range contains version';
