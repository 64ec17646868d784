-- The comparison's code paths agree with SemVer precedence: the in-line fast
-- path (first eight key bytes as one word), values too short for it (1.0.0),
-- keys of exactly 8 bytes, 4-byte build lengths (128+ bytes of metadata),
-- 4-byte headers (computed values), compressed and out-of-line (TOASTed)
-- values.  Then min/max as parallel (partial + combine) aggregates.
SET search_path = mreg, public;

-- the oracle: versions listed in increasing precedence
CREATE TEMP TABLE sv_cmp_list (pos int, t text);
INSERT INTO sv_cmp_list
SELECT pos, t FROM unnest(ARRAY[
    '0.0.0-0', '0.0.0-0.0', '0.0.0-1', '0.0.0-a', '0.0.0', '0.0.1', '0.1.0',
    '1.0.0-0', '1.0.0-a', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta',
    '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '1.1.1',
    '1.2.3-9', '1.2.3-10', '1.2.3-99999999999999999999', '1.2.3-100000000000000000000', '1.2.3',
    '1.2.255', '1.2.256', '1.255.0', '1.256.0', '255.0.0', '255.255.255', '256.0.0', '256.1.1',
    '256.256.1', '300.200.100-x', '300.200.100', '65535.0.0', '65536.0.0',
    '9223372036854775806.0.0', '9223372036854775807.0.0-a.b.c.d.e.f', '9223372036854775807.0.0',
    '9223372036854775807.9223372036854775807.9223372036854775807'
]) WITH ORDINALITY AS u(t, pos);

-- each version bare, with short metadata, with 200 bytes of metadata (4-byte
-- build length), and with 3000 compressible bytes (stored compressed)
CREATE TEMP TABLE sv_cmp_v (pos int, kind text, v mreg.semver);
INSERT INTO sv_cmp_v
SELECT pos, kind, (t || suffix)::mreg.semver
  FROM sv_cmp_list,
       (VALUES ('bare', ''), ('build', '+b.7'), ('longbuild', '+' || repeat('x', 200)),
               ('compressed', '+' || repeat('y', 3000))) k(kind, suffix);
-- and with 3000 incompressible bytes in a column stored out of line
CREATE TEMP TABLE sv_cmp_ext (pos int, kind text, v mreg.semver);
ALTER TABLE sv_cmp_ext ALTER COLUMN v SET STORAGE EXTERNAL;
INSERT INTO sv_cmp_ext
SELECT pos, 'external', (t || '+' || (SELECT string_agg(md5(pos::text || g::text), '') FROM generate_series(1, 94) g))::mreg.semver
  FROM sv_cmp_list;

SELECT kind, count(*), min(pg_column_size(v)) AS min_bytes, max(pg_column_size(v)) AS max_bytes,
       count(pg_column_compression(v)) AS compressed
  FROM (SELECT * FROM sv_cmp_v UNION ALL SELECT * FROM sv_cmp_ext) s GROUP BY kind ORDER BY kind;
SELECT pg_relation_size(reltoastrelid) > 0 AS stored_out_of_line FROM pg_class WHERE oid = 'sv_cmp_ext'::regclass;

-- every pair of stored values (1-byte headers or TOASTed) ...
CREATE TEMP VIEW sv_cmp_all AS SELECT * FROM sv_cmp_v UNION ALL SELECT * FROM sv_cmp_ext;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE semver_cmp(a.v, b.v) <> sign(a.pos - b.pos)) AS cmp_wrong,
       count(*) FILTER (WHERE (a.v < b.v) <> (a.pos < b.pos) OR (a.v <= b.v) <> (a.pos <= b.pos)
                           OR (a.v = b.v) <> (a.pos = b.pos) OR (a.v <> b.v) <> (a.pos <> b.pos)
                           OR (a.v >= b.v) <> (a.pos >= b.pos) OR (a.v > b.v) <> (a.pos > b.pos)) AS op_wrong,
       count(*) FILTER (WHERE semver_larger(a.v, b.v) <> (CASE WHEN a.pos >= b.pos THEN a.v ELSE b.v END)
                           OR semver_smaller(a.v, b.v) <> (CASE WHEN a.pos <= b.pos THEN a.v ELSE b.v END)) AS minmax_wrong
  FROM sv_cmp_all a, sv_cmp_all b;
-- ... and against freshly computed values (4-byte headers, never stored)
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE semver_cmp(a.v, semver(b.t)) <> sign(a.pos - b.pos)
                           OR semver_cmp(semver(b.t), a.v) <> sign(b.pos - a.pos)
                           OR semver_cmp(semver(a.v::text), semver(b.t)) <> sign(a.pos - b.pos)) AS cmp_wrong
  FROM sv_cmp_all a, sv_cmp_list b;
-- on equal precedence min/max return their first argument (the aggregate state stays put)
SELECT build_metadata(semver_larger('1.0.0+first', '1.0.0+second')) AS larger_of_equals,
       build_metadata(semver_smaller('1.0.0+first', '1.0.0+second')) AS smaller_of_equals;

-- sorting and the aggregates over every kind, TOASTed ones included
SELECT count(*) AS out_of_order
  FROM (SELECT pos, lag(pos) OVER (ORDER BY v, pos) AS prev FROM sv_cmp_all) s WHERE prev > pos;
SELECT kind, min(v) = '0.0.0-0' AS min_ok, max(v) = '9223372036854775807.9223372036854775807.9223372036854775807' AS max_ok,
       (SELECT pos FROM sv_cmp_list WHERE semver(t) = min(v)) AS min_pos,
       (SELECT pos FROM sv_cmp_list WHERE semver(t) = max(v)) AS max_pos
  FROM sv_cmp_all GROUP BY kind ORDER BY kind;

-- min/max as parallel aggregates: partial states per worker, combined by
-- the same functions (aggcombinefn)
SELECT aggfnoid::regprocedure, aggtransfn, aggcombinefn, proparallel
  FROM pg_aggregate JOIN pg_proc ON pg_proc.oid = aggfnoid
 WHERE aggfnoid IN ('mreg.min(mreg.semver)'::regprocedure, 'mreg.max(mreg.semver)'::regprocedure) ORDER BY 1;
CREATE TABLE sv_cmp_par AS
SELECT i, CASE WHEN i % 97 = 0 THEN NULL
               ELSE format('%s.%s.%s%s', i % 50, i % 7, i % 300, CASE WHEN i % 3 = 0 THEN '-rc.' || (i % 11) ELSE '' END)::mreg.semver
          END AS v
  FROM generate_series(1, 200000) i;
INSERT INTO sv_cmp_par VALUES (200001, '50.0.0-rc.1+top'), (200002, '0.0.0-0+bottom');
ANALYZE sv_cmp_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT mreg.min(v), mreg.max(v), count(v) FROM sv_cmp_par;
SELECT mreg.min(v), mreg.max(v), count(v) FROM sv_cmp_par;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT mreg.min(v), mreg.max(v), count(v) FROM sv_cmp_par;
SELECT mreg.min(v), mreg.max(v), count(v) FROM sv_cmp_par;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE sv_cmp_par;
