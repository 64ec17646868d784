-- ORDER BY over a million semvers (sort support with abbreviated keys)
-- agrees with an ordering key computed independently in SQL.
SET search_path = mreg, public;
SET work_mem = '256MB';

-- prerelease kinds chosen so that SQL can order them independently:
-- kind 0: "<n>" (numeric) < kind 1: "alpha" < kind 2: "alpha.<n>" < kind 3: "beta.<n>" < kind 4: "rc.<n>" < release (5)
CREATE TEMP TABLE semver_million AS
SELECT i, maj, mnr, pat, kind, n,
       format('%s.%s.%s%s%s', maj, mnr, pat,
              CASE kind WHEN 0 THEN '-' || n WHEN 1 THEN '-alpha' WHEN 2 THEN '-alpha.' || n
                        WHEN 3 THEN '-beta.' || n WHEN 4 THEN '-rc.' || n ELSE '' END,
              CASE WHEN i % 9 = 0 THEN '+b' || i ELSE '' END)::mreg.semver AS v
  FROM (SELECT i,
               CASE WHEN i % 1000 = 0 THEN 9223372036854775807 - (i % 7) ELSE (i * 7919) % 300 END AS maj,
               (i * 104729) % 70000 % (1 + i % 5) * 1000 + i % 3 AS mnr,
               (i * 31) % 17 AS pat,
               CASE WHEN i % 3 = 0 THEN 5 ELSE (i / 3) % 5 END AS kind,
               ((i * 131) % 1000)::numeric * (CASE WHEN i % 11 = 0 THEN 100000000000000000000 ELSE 1 END) AS n
          FROM generate_series(1::bigint, 1000000) i) s;

SELECT count(*) AS rows, count(*) FILTER (WHERE mreg.is_prerelease(v)) AS prereleases FROM semver_million;

-- walking the semver order, the independent key never goes down ...
SELECT count(*) AS out_of_order
  FROM (SELECT (maj, mnr, pat, kind, CASE WHEN kind IN (0, 2, 3, 4) THEN n ELSE 0 END) AS k,
               lag((maj, mnr, pat, kind, CASE WHEN kind IN (0, 2, 3, 4) THEN n ELSE 0 END)) OVER (ORDER BY v) AS prev
          FROM semver_million) w
 WHERE prev > k;
-- ... and semver equality is exactly key equality
SELECT (SELECT count(DISTINCT v) FROM semver_million) AS distinct_semver,
       (SELECT count(*) FROM (SELECT DISTINCT maj, mnr, pat, kind, CASE WHEN kind IN (0, 2, 3, 4) THEN n ELSE 0 END
                                FROM semver_million) d) AS distinct_key;
-- the first and last few, by a plain ORDER BY
SELECT v FROM semver_million ORDER BY v, i LIMIT 3;
SELECT v FROM semver_million ORDER BY v DESC, i LIMIT 3;
DROP TABLE semver_million;
