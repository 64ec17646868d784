-- mreg.semver tour: versions that sort the way release managers expect,
-- and node-semver ranges in SQL.
SET search_path = "$user", public, mreg;

\echo
\echo '== mreg.semver: SemVer 2.0.0 versions that sort correctly'
CREATE TEMP TABLE demo_release (model text, version mreg.semver);
INSERT INTO demo_release VALUES
  ('fraud-gbm', '1.10.0'), ('fraud-gbm', '1.9.2'), ('fraud-gbm', '1.10.0-rc.2'), ('fraud-gbm', '1.10.0-rc.10'),
  ('fraud-gbm', '1.10.0-beta'), ('fraud-gbm', '2.0.0-alpha.1'), ('fraud-gbm', '1.10.0+build.77'),
  ('fraud-gbm', '0.9.0');
\echo 'ORDER BY version (text would put 1.10.0 before 1.9.2 and rc.10 before rc.2):'
SELECT version, version::text < lag(version::text) OVER (ORDER BY version) AS "text order disagrees"
  FROM demo_release ORDER BY version, version::text;

\echo
\echo '== build metadata is ignored by ordering and equality (like numeric 1.0 = 1.00)'
SELECT '1.10.0'::mreg.semver = '1.10.0+build.77'::mreg.semver AS same_version,
       mreg.max(version) AS latest, mreg.min(version) AS oldest FROM demo_release;

\echo
\echo '== ranges with node-semver semantics: which releases does ^1.9 allow?'
SELECT version, version <@ '^1.9' AS "^1.9", version <@ '~1.10.0-rc.1' AS "~1.10.0-rc.1",
       version <@ '>=1.0.0 <2.0.0 || 0.x' AS ">=1 <2 || 0.x"
  FROM demo_release ORDER BY version, version::text;
SELECT mreg.max_satisfying(array_agg(version), '^1') AS "newest ^1 release" FROM demo_release;

\echo
\echo '== accessors, bump and lenient input'
SELECT v, mreg.major(v), mreg.minor(v), mreg.patch(v), mreg.prerelease(v), mreg.build_metadata(v),
       mreg.bump(v, 'minor') AS next_minor, mreg.bump(v, 'prerelease') AS next_pre
  FROM (VALUES ('1.10.0-rc.2+sha.5114f85'::mreg.semver)) t(v);
SELECT mreg.to_semver(' v2.1 ') AS "to_semver(' v2.1 ')";

\echo
\echo '== bad input is refused, saying what is wrong and where (SQLSTATE 22P02): these two are meant to fail'
SELECT refused($$SELECT '1.02.3'::mreg.semver$$) AS "'1.02.3'::mreg.semver";
SELECT refused($$SELECT mreg.satisfies('1.0.0', '^1.x.3 || >=')$$) AS "satisfies('1.0.0', '^1.x.3 || >=')";
