-- Drift statistics (SPEC section 4), in C: src/drift.c over the backend-free
-- src/drift_stats.c.  Exact definitions, edge cases and examples: doc/drift.md.

CREATE FUNCTION mreg.psi(expected pg_catalog.float8[], actual pg_catalog.float8[]) RETURNS pg_catalog.float8
    AS 'MODULE_PATHNAME', 'mreg_psi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.psi(pg_catalog.float8[], pg_catalog.float8[]) IS
    'Population stability index of two binned distributions (bin counts or proportions, same bins): sum (a - e) * ln(a / e) over proportions, an empty bin counted as 0.0001; 0 = no shift, > 0.25 is usually read as a major shift';

CREATE FUNCTION mreg.js_divergence(p pg_catalog.float8[], q pg_catalog.float8[]) RETURNS pg_catalog.float8
    AS 'MODULE_PATHNAME', 'mreg_js_divergence' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.js_divergence(pg_catalog.float8[], pg_catalog.float8[]) IS
    'Jensen-Shannon divergence of two binned distributions (bin counts or proportions, same bins), natural log: 0 for equal distributions, ln 2 = 0.693... for disjoint ones; 0 ln 0 = 0';

CREATE FUNCTION mreg.ks_statistic(a pg_catalog.float8[], b pg_catalog.float8[]) RETURNS pg_catalog.float8
    AS 'MODULE_PATHNAME', 'mreg_ks_statistic' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mreg.ks_statistic(pg_catalog.float8[], pg_catalog.float8[]) IS
    'Two-sample Kolmogorov-Smirnov statistic D = max |F_a(x) - F_b(x)| of two raw samples (any lengths, ties allowed), in [0, 1]';
