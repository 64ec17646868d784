-- mreg.semver in indexes and plans: btree Index Scan for = < BETWEEN,
-- hash joins and hash aggregates, merge joins, and a range query.
SET search_path = mreg, public;

CREATE TABLE semver_idx_t (id int PRIMARY KEY, v mreg.semver NOT NULL);
INSERT INTO semver_idx_t
SELECT i, format('%s.%s.%s%s%s', i % 7, (i / 7) % 11, (i / 77) % 13,
                 CASE i % 5 WHEN 0 THEN '-rc.' || (i % 3) WHEN 1 THEN '-alpha' ELSE '' END,
                 CASE WHEN i % 10 = 3 THEN '+build.' || i ELSE '' END)::mreg.semver
  FROM generate_series(1, 20000) i;
CREATE INDEX semver_idx_t_v ON semver_idx_t (v);
ANALYZE semver_idx_t;

SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM semver_idx_t WHERE v = '1.2.3';
EXPLAIN (COSTS OFF) SELECT * FROM semver_idx_t WHERE v < '0.1.0';
EXPLAIN (COSTS OFF) SELECT * FROM semver_idx_t WHERE v BETWEEN '1.0.0' AND '1.1.0';
EXPLAIN (COSTS OFF) SELECT v FROM semver_idx_t ORDER BY v DESC LIMIT 3;
EXPLAIN (COSTS OFF) SELECT mreg.max(v) FROM semver_idx_t;
SELECT v FROM semver_idx_t WHERE v = '1.2.3' ORDER BY id LIMIT 3;
SELECT count(*) FROM semver_idx_t WHERE v < '0.1.0';
SELECT count(*) FROM semver_idx_t WHERE v BETWEEN '1.0.0' AND '1.1.0';
SELECT v FROM semver_idx_t ORDER BY v DESC, id LIMIT 3;
SELECT mreg.max(v), mreg.min(v) FROM semver_idx_t;
-- the index agrees with a sequential scan
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SELECT count(*) FILTER (WHERE v = '1.2.3') AS eq, count(*) FILTER (WHERE v < '0.1.0') AS lt,
       count(*) FILTER (WHERE v BETWEEN '1.0.0' AND '1.1.0') AS btw FROM semver_idx_t;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;

-- build variants are one version for an index too
SELECT count(*) FROM semver_idx_t WHERE v = '0.5.3';
SELECT count(DISTINCT v::text) AS spellings, count(DISTINCT v) AS versions
  FROM semver_idx_t WHERE v = '0.5.3';

-- hash join and hash aggregate
CREATE TABLE semver_join_t (v mreg.semver, label text);
INSERT INTO semver_join_t VALUES ('1.2.3', 'a'), ('1.2.3+other', 'b'), ('0.0.0-rc.1', 'c'), ('6.10.12', 'd'), ('9.9.9', 'e');
ANALYZE semver_join_t;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT j.label, count(*) FROM semver_idx_t t JOIN semver_join_t j ON t.v = j.v GROUP BY j.label;
SELECT j.label, count(*) FROM semver_idx_t t JOIN semver_join_t j ON t.v = j.v GROUP BY j.label ORDER BY 1;
RESET enable_mergejoin;
RESET enable_nestloop;
SET enable_hashjoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM semver_idx_t t JOIN semver_join_t j ON t.v = j.v;
SELECT count(*) FROM semver_idx_t t JOIN semver_join_t j ON t.v = j.v;
RESET enable_hashjoin;
RESET enable_nestloop;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT v, count(*) FROM semver_idx_t GROUP BY v;
SELECT count(*) AS groups, sum(n) AS rows FROM (SELECT v, count(*) AS n FROM semver_idx_t GROUP BY v) g;
SELECT v, n FROM (SELECT v, count(*) AS n FROM semver_idx_t GROUP BY v) g WHERE v = '0.5.3';
RESET enable_sort;
-- the same number of groups with a sort-based aggregate
SET enable_hashagg = off;
SELECT count(*) AS groups FROM (SELECT v FROM semver_idx_t GROUP BY v) g;
RESET enable_hashagg;

-- a hash index
CREATE INDEX semver_idx_t_h ON semver_idx_t USING hash (v);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
DROP INDEX semver_idx_t_v;
EXPLAIN (COSTS OFF) SELECT * FROM semver_idx_t WHERE v = '1.2.3+x';
SELECT count(*) FROM semver_idx_t WHERE v = '1.2.3+x';
RESET enable_seqscan;
RESET enable_bitmapscan;

-- range queries, with an estimate drawn from the column statistics
SELECT count(*) FROM semver_idx_t WHERE v <@ '^1.2';
SELECT count(*) FROM semver_idx_t WHERE '~0.0 || >=6.10.0' @> v;
SELECT v FROM semver_idx_t WHERE v <@ '>=6.10.12-0' ORDER BY v, id LIMIT 5;
EXPLAIN (COSTS OFF) SELECT * FROM semver_idx_t WHERE v <@ '^1.2';
-- the estimate comes from testing the range against the statistics
CREATE FUNCTION pg_temp.plan_rows(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN (j->0->'Plan'->>'Plan Rows')::float8;
END $$;
SELECT r, actual, pg_temp.plan_rows(format('SELECT * FROM semver_idx_t WHERE v <@ %L', r))
              BETWEEN actual / 2 AND actual * 2 AS estimate_within_2x
  FROM (VALUES ('^1.2'), ('>=5.0.0'), ('<1.0.0 || 6.x')) t(r),
       LATERAL (SELECT count(*) AS actual FROM semver_idx_t WHERE v <@ r) c;

DROP TABLE semver_idx_t, semver_join_t;
