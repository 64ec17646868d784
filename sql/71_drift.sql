-- Drift statistics (mreg.psi, mreg.js_divergence, mreg.ks_statistic): values
-- against an independent oracle, textbook cases, every error with its
-- SQLSTATE, and large arrays.  Definitions: doc/drift.md.
SET search_path = mreg, public;
\set SHOW_CONTEXT never

-- ---- the oracle -----------------------------------------------------------------
-- The last column of each row is test/tools/drift_oracle.py's answer (plain
-- Python: math.fsum for PSI and JS, exact fractions for KS, the fraction in
-- the comment).  PSI and JS agree within 1e-12 (relative: the last bits
-- depend on libm); KS values and the textbook 0 and ln 2 are exact.
SELECT stat, name, round(value::numeric, 12) AS value,
       abs(value - oracle) <= 1e-12 * greatest(1, abs(oracle)) AS agrees,
       CASE WHEN stat = 'ks' OR oracle IN (0, ln(2)) THEN value = oracle END AS exact
  FROM (VALUES
    ('psi', 'identical', mreg.psi('{10,20,30}', '{10,20,30}'), 0.0::float8),
    ('psi', 'reversed', mreg.psi('{1,2,3}', '{3,2,1}'), 0.7324081924454066::float8),
    ('psi', 'ten score bins', mreg.psi('{0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}', '{0.05,0.08,0.1,0.12,0.15,0.13,0.11,0.1,0.09,0.07}'), 0.08361779980237698::float8),
    ('psi', 'counts, same shape', mreg.psi('{100,100,100,100,100,100,100,100,100,100}', '{50,80,100,120,150,130,110,100,90,70}'), 0.08361779980237698::float8),
    ('psi', 'empty expected bin', mreg.psi('{0,50,50}', '{10,45,45}'), 0.7006208039360982::float8),
    ('psi', 'empty actual bin', mreg.psi('{10,45,45}', '{0,50,50}'), 0.7006208039360982::float8),
    ('psi', 'bin empty in both', mreg.psi('{0,1,3}', '{0,3,1}'), 1.0986122886681098::float8),
    ('psi', 'minor shift', mreg.psi('{20,30,30,20}', '{22,29,29,20}'), 0.0025842346296001215::float8),
    ('js', 'identical', mreg.js_divergence('{1,2,3}', '{1,2,3}'), 0.0::float8),
    ('js', 'disjoint', mreg.js_divergence('{1,0}', '{0,1}'), 0.6931471805599453::float8),
    ('js', 'disjoint, counts', mreg.js_divergence('{1,1,0,0}', '{0,0,2,5}'), 0.6931471805599453::float8),
    ('js', 'coin 0.5 vs 0.9', mreg.js_divergence('{0.5,0.5}', '{0.9,0.1}'), 0.10174922507919676::float8),
    ('js', 'reversed', mreg.js_divergence('{1,2,3,4}', '{4,3,2,1}'), 0.1064401352862232::float8),
    ('js', 'one empty bin', mreg.js_divergence('{0.25,0.75,0}', '{0.5,0.25,0.25}'), 0.1732867951399863::float8),
    ('js', 'ten score bins', mreg.js_divergence('{0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}', '{0.05,0.08,0.1,0.12,0.15,0.13,0.11,0.1,0.09,0.07}'), 0.01033856529988007::float8),
    ('ks', 'shifted', mreg.ks_statistic('{1,2,3}', '{2,3,4,5}'), 0.5::float8), -- 1/2
    ('ks', 'identical', mreg.ks_statistic('{3,1,2}', '{1,2,3}'), 0.0::float8), -- 0
    ('ks', 'disjoint', mreg.ks_statistic('{1,2}', '{3,4,5}'), 1.0::float8), -- 1
    ('ks', 'ties across', mreg.ks_statistic('{1,1,2,2}', '{1,2,2,2}'), 0.25::float8), -- 1/4
    ('ks', 'all one value', mreg.ks_statistic('{7,7,7}', '{7,7}'), 0.0::float8), -- 0
    ('ks', 'minus zero', mreg.ks_statistic('{-0,0,-1}', '{0,1}'), 0.5::float8), -- 1/2
    ('ks', 'lcg 40 vs 27, ties', mreg.ks_statistic('{6,3,3.5,7,10,1,10,9.5,2.5,3.5,3.5,7.5,9,8,0,0,4.5,7,6,2.5,0,5.5,1.5,9,5.5,4.5,9.5,5.5,8,4.5,4.5,4,8,1.5,8.5,7.5,6.5,1,3,9}', '{7.5,5,4.5,2.5,4.5,8,9.5,5.5,8.5,9,3,1.5,4,1.5,5,11,6.5,2,9,3,9,2.5,9.5,4,1,9,3.5}'), 0.0962962962962963::float8), -- 13/135
    ('ks', 'lcg 60 vs 45', mreg.ks_statistic('{0.416,-2.831,-1.837,-2.463,1.293,-0.179,-3.726,-0.257,2.444,3.608,0.033,0.178,-0.138,0.086,1.633,-4.731,-1.786,-1.617,-1.271,-2.373,-2.821,4.558,-0.313,0.115,-4.183,-4.064,1.684,2.867,-1.595,-4.893,2.632,-4.554,0.172,3.287,2.838,1.328,-3.627,-2.28,-2.645,-3.111,3.146,2.807,4.945,2.102,3.577,-0.344,4.614,-4.884,-2.578,3.739,-4.374,-2.095,-2.084,-4.661,1.967,-4.813,4.111,2.476,-2.83,3.783}', '{1.693,-1.419,-0.76,5.728,-0.889,3.924,1.525,3.223,5.94,1.969,5.228,2.459,2.952,2.491,-0.569,1.184,4.772,-3.699,5.787,3.452,2.128,3.597,-0.882,3.083,4.164,-1.301,4.17,-2.278,-3.258,-1.641,1.948,-1.807,-2.322,5.829,4.092,2.836,4.854,-2.116,-1.293,1.508,-1.867,-3.022,-3.901,-1.059,1.028}'), 0.23333333333333334::float8) -- 7/30
  ) AS t(stat, name, value, oracle);

-- ---- properties -------------------------------------------------------------------
-- counts or proportions: the same distribution; PSI and JS are symmetric
SELECT psi('{1,2,3,4}', '{4,3,2,1}') = psi('{0.1,0.2,0.3,0.4}', '{40,30,20,10}') AS scale_free,
       psi('{1,2,3,4}', '{2,2,2,5}') = psi('{2,2,2,5}', '{1,2,3,4}') AS psi_symmetric,
       js_divergence('{1,2,3,4}', '{2,2,2,5}') = js_divergence('{2,2,2,5}', '{1,2,3,4}') AS js_symmetric,
       ks_statistic('{1,5,2,8}', '{3,3,9}') = ks_statistic('{3,3,9}', '{1,5,2,8}') AS ks_symmetric;
-- the empty-bin epsilon: a bin empty in one distribution adds (p - 0.0001) * ln(p / 0.0001)
SELECT round(psi('{0,1}', '{1,1}')::numeric, 12) AS psi_empty_bin,
       round(((0.5 - 0.0001) * ln(0.5 / 0.0001) + (0.5 - 1) * ln(0.5 / 1))::numeric, 12) AS by_hand;
-- JS in bits (bounded by 1) and the JS distance (scipy's jensenshannon)
SELECT js_divergence('{1,0}', '{0,1}') / ln(2) AS disjoint_bits,
       round(sqrt(js_divergence('{0.5,0.5}', '{0.9,0.1}'))::numeric, 12) AS js_distance;
-- a lower bound other than 1 is only a subscript
SELECT psi('[0:2]={1,2,3}', '{3,2,1}') = psi('{1,2,3}', '{3,2,1}') AS lbound_ignored;
-- counts near the float8 maximum do not overflow the sums; tiny ones do not underflow
SELECT psi('{1e308,1e308,1e308}', '{1,1,1}') AS huge_counts,
       js_divergence('{1e308,0}', '{0,1e-300}') = ln(2) AS huge_vs_tiny_disjoint,
       psi('{5e-324,5e-324}', '{1,1}') AS subnormal_counts;
-- NULL arguments: NULL (STRICT)
SELECT psi(NULL, '{1}') IS NULL AS psi_null, js_divergence('{1}', NULL) IS NULL AS js_null,
       ks_statistic(NULL, NULL) IS NULL AS ks_null;
-- one bin: every distribution is the same
SELECT psi('{3}', '{7}') AS psi_one_bin, js_divergence('{3}', '{7}') AS js_one_bin,
       ks_statistic('{3}', '{7}') AS ks_one_each;

-- ---- errors -------------------------------------------------------------------------
-- unequal bin counts: 22023, both lengths in the detail
SELECT psi('{1,2,3}', '{1,2}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT js_divergence('{1}', '{1,2,3,4}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- empty arrays: 22023
SELECT psi('{}', '{1}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT js_divergence('{1}', '{}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ks_statistic('{1,2}', '{}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- NULL elements: 22004, with the subscript
SELECT psi('{1,NULL,3}', '{1,2,3}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ks_statistic('{1,2}', '[0:2]={4,5,NULL}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- negative counts: 22023
SELECT psi('{1,2,3}', '{1,-2,3}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT js_divergence('{-0.5,1}', '{1,1}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- -0 is not negative
SELECT psi('{-0,1}', '{0,1}') AS minus_zero_bin;
-- NaN and infinities: 22023
SELECT psi('{1,NaN}', '{1,1}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT js_divergence('{1,1}', '{Infinity,1}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ks_statistic('{1,-Infinity}', '{1}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ks_statistic('{1}', '{2,NaN}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a distribution without mass: 22023
SELECT psi('{0,0,0}', '{1,2,3}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT js_divergence('{1,2}', '{0,0}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- more than one dimension: 2202E
SELECT psi('{{1,2},{3,4}}', '{1,2,3,4}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT ks_statistic('{1}', '{{1},{2}}');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- the checks run in argument order: the first fault is reported
SELECT psi('{1,NaN}', '{-1,1}');

-- ---- markings ---------------------------------------------------------------------
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p
 WHERE p.oid IN ('mreg.psi(float8[],float8[])'::regprocedure, 'mreg.js_divergence(float8[],float8[])'::regprocedure,
                 'mreg.ks_statistic(float8[],float8[])'::regprocedure)
 ORDER BY 1::text;

-- ---- large arrays -------------------------------------------------------------------
-- 10 million samples each: 1..N against 1.5..N+0.5, D = 1/N exactly
SELECT ks_statistic(a, b) AS d, ks_statistic(a, b) = 1e-7 AS exact
  FROM (SELECT array_agg(i::float8) AS a, array_agg(i + 0.5::float8) AS b
          FROM generate_series(1, 10000000) i) s;
-- 10 million bins: equal distributions, then one bin moved
SELECT psi(a, a) AS psi_equal, js_divergence(a, a) AS js_equal,
       round(js_divergence(a, b)::numeric, 12) AS js_one_moved
  FROM (SELECT array_agg(1::float8) AS a,
               array_agg(CASE WHEN i = 1 THEN 2 WHEN i = 2 THEN 0 ELSE 1 END::float8) AS b
          FROM generate_series(1, 10000000) i) s;
-- a large KS is cancellable (statement_timeout) and leaves the session usable
CREATE TEMP TABLE big AS SELECT array_agg(random()) AS a FROM generate_series(1, 5000000);
SET statement_timeout = '100ms';
SELECT ks_statistic(a, a) FROM big;
RESET statement_timeout;
SELECT ks_statistic('{1}', '{1}') AS still_fine;
