-- mreg.semver properties over thousands of generated values, catalog
-- declarations, and amcheck over a large index.
BEGIN;
SELECT plan(25);
SET LOCAL search_path = mreg, public;

-- deterministic generated versions: small and huge numbers, prereleases mixing
-- numeric (some longer than 64 bits) and alphanumeric identifiers, build metadata
SELECT setseed(0.4242);
CREATE TEMP TABLE g AS
SELECT i, t, t::mreg.semver AS v FROM (
  SELECT i,
         format('%s.%s.%s', (ARRAY[0, 1, 2, 10, 255, 256, 65536, 9223372036854775807])[1 + floor(random() * 8)::int],
                floor(random() * 3)::int, (ARRAY[0, 1, 9, 300])[1 + floor(random() * 4)::int])
         || CASE WHEN random() < 0.55 THEN '-' || (
              SELECT string_agg((ARRAY['0', '1', '2', '10', '99999999999999999999999', 'alpha', 'beta', 'rc', 'a-b', '-', 'A', 'alpha1', '0a'])[1 + floor(random() * 13)::int], '.')
                FROM generate_series(1, 1 + (i * 7) % 3))
            ELSE '' END
         || CASE WHEN random() < 0.2 THEN '+' || (ARRAY['b1', '001', 'sha.5114f85', 'x'])[1 + floor(random() * 4)::int] ELSE '' END AS t
    FROM generate_series(1, 3000) i) s;

SELECT cmp_ok((SELECT count(*) FROM g), '=', 3000::bigint, '3000 generated versions');
SELECT cmp_ok((SELECT count(*) FROM g WHERE mreg.is_prerelease(v)), '>', 1000::bigint, 'many of them prereleases');

-- parse/format round trip
SELECT is((SELECT count(*) FROM g WHERE v::text <> t), 0::bigint, 'format(parse(t)) = t for canonical text');
SELECT is((SELECT count(*) FROM g WHERE v::text::mreg.semver::text <> v::text), 0::bigint, 'parse(format(v)) round-trips');
SELECT is((SELECT count(*) FROM g WHERE mreg.to_semver(t)::text <> t), 0::bigint, 'to_semver agrees with strict input on canonical text');
SELECT is((SELECT count(*) FROM g WHERE mreg.to_semver('  v' || t || ' ') <> v), 0::bigint, 'to_semver strips blanks and v');
SELECT is((SELECT count(*) FROM g
            WHERE format('%s.%s.%s', mreg.major(v), mreg.minor(v), mreg.patch(v))
                  || coalesce('-' || mreg.prerelease(v), '') || coalesce('+' || mreg.build_metadata(v), '') <> t),
          0::bigint, 'accessors reassemble the version');

-- antisymmetry and operator consistency over all pairs of 1000 values
CREATE TEMP TABLE p AS SELECT a.v AS a, b.v AS b, mreg.semver_cmp(a.v, b.v) AS c, mreg.semver_cmp(b.v, a.v) AS d
  FROM (SELECT v FROM g WHERE i <= 1000) a CROSS JOIN (SELECT v FROM g WHERE i <= 1000) b;
SELECT is((SELECT count(*) FROM p WHERE c <> -d), 0::bigint, 'cmp(a,b) = -cmp(b,a) over 1M pairs');
SELECT is((SELECT count(*) FROM p WHERE c NOT IN (-1, 0, 1)), 0::bigint, 'cmp returns -1, 0 or 1');
SELECT is((SELECT count(*) FROM p
            WHERE (a < b) <> (c < 0) OR (a <= b) <> (c <= 0) OR (a = b) <> (c = 0)
               OR (a <> b) <> (c <> 0) OR (a >= b) <> (c >= 0) OR (a > b) <> (c > 0)),
          0::bigint, 'operators agree with cmp over 1M pairs');
SELECT is((SELECT count(*) FROM p WHERE c = 0 AND a::text IS DISTINCT FROM a::text), 0::bigint, 'reflexive');

-- transitivity over all triples of 100 values
SELECT is((SELECT count(*)
             FROM (SELECT v FROM g WHERE i <= 100) x, (SELECT v FROM g WHERE i BETWEEN 101 AND 200) y,
                  (SELECT v FROM g WHERE i BETWEEN 201 AND 300) z
            WHERE (x.v <= y.v AND y.v <= z.v AND NOT x.v <= z.v)
               OR (x.v < y.v AND y.v < z.v AND NOT x.v < z.v)
               OR (x.v = y.v AND y.v = z.v AND NOT x.v = z.v)),
          0::bigint, 'transitive over 1M triples');

-- a = b implies equal hashes, for both hash support procedures and any seed
SELECT is((SELECT count(*) FROM p WHERE c = 0 AND mreg.semver_hash(a) <> mreg.semver_hash(b)), 0::bigint,
          'a = b => hash(a) = hash(b)');
SELECT is((SELECT count(*) FROM p, (VALUES (0::int8), (1), (-7), (424242424242)) s(seed)
            WHERE c = 0 AND mreg.semver_hash_extended(a, seed) <> mreg.semver_hash_extended(b, seed)), 0::bigint,
          'a = b => hash_extended(a, seed) = hash_extended(b, seed)');
SELECT cmp_ok((SELECT count(*) FROM p WHERE c = 0 AND a::text <> b::text), '>', 0::bigint,
          'the pairs include equal versions spelled differently (build metadata)');
SELECT is((SELECT count(*) FROM g, (VALUES ('b'), ('zz.9'), ('001-x')) s(b)
            WHERE (CASE WHEN t LIKE '%+%' THEN split_part(t, '+', 1) ELSE t END || '+' || s.b)::mreg.semver <> v
               OR mreg.semver_hash((CASE WHEN t LIKE '%+%' THEN split_part(t, '+', 1) ELSE t END || '+' || s.b)::mreg.semver)
                  <> mreg.semver_hash(v)), 0::bigint,
          'changing build metadata keeps equality and the hash');
SELECT is((SELECT count(*) FROM g WHERE (mreg.semver_hash_extended(v, 0) & 4294967295) <> (mreg.semver_hash(v)::int8 & 4294967295)),
          0::bigint, 'hash_extended with seed 0 extends the 32-bit hash');
SELECT cmp_ok((SELECT count(DISTINCT mreg.semver_hash(v)) FROM g)::numeric / (SELECT count(DISTINCT v) FROM g),
          '>', 0.99, 'hash spreads distinct versions');

-- catalog: operator and function declarations the planner relies on
SELECT is((SELECT count(*) FROM pg_operator
            WHERE oprnamespace = 'mreg'::regnamespace AND oprleft = 'mreg.semver'::regtype
              AND oprright = 'mreg.semver'::regtype AND (oprcom = 0 OR oprnegate = 0)),
          0::bigint, 'every semver comparison operator has a commutator and a negator');
SELECT ok((SELECT oprcanhash AND oprcanmerge AND oprrest = 'eqsel'::regproc AND oprjoin = 'eqjoinsel'::regproc
             FROM pg_operator WHERE oid = 'mreg.=(mreg.semver, mreg.semver)'::regoperator), '= HASHES MERGES eqsel eqjoinsel');
SELECT is((SELECT array_agg(oprname || ':' || oprrest::text || '/' || oprjoin::text ORDER BY oprname)
             FROM pg_operator WHERE oprnamespace = 'mreg'::regnamespace AND oprleft = 'mreg.semver'::regtype
              AND oprright = 'mreg.semver'::regtype AND oprname <> '='),
          ARRAY['<:scalarltsel/scalarltjoinsel', '<=:scalarlesel/scalarlejoinsel', '<>:neqsel/neqjoinsel',
                '>:scalargtsel/scalargtjoinsel', '>=:scalargesel/scalargejoinsel'],
          'estimators on < <= <> > >=');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE pronamespace = 'mreg'::regnamespace
              AND (proname LIKE 'semver%' OR proname IN ('to_semver', 'major', 'minor', 'patch', 'prerelease',
                   'build_metadata', 'is_prerelease', 'bump', 'satisfies', 'max_satisfying'))
              AND prokind = 'f' AND proname <> 'semver_satisfies_sel'
              AND NOT (provolatile = 'i' AND proisstrict AND proparallel = 's')),
          0::bigint, 'every semver function is IMMUTABLE STRICT PARALLEL SAFE');
SELECT is((SELECT count(*) FROM pg_proc
            WHERE oid IN ('mreg.semver_eq(mreg.semver,mreg.semver)'::regprocedure, 'mreg.semver_ne(mreg.semver,mreg.semver)'::regprocedure,
                          'mreg.semver_lt(mreg.semver,mreg.semver)'::regprocedure, 'mreg.semver_le(mreg.semver,mreg.semver)'::regprocedure,
                          'mreg.semver_gt(mreg.semver,mreg.semver)'::regprocedure, 'mreg.semver_ge(mreg.semver,mreg.semver)'::regprocedure,
                          'mreg.semver_cmp(mreg.semver,mreg.semver)'::regprocedure, 'mreg.semver_hash(mreg.semver)'::regprocedure,
                          'mreg.semver_hash_extended(mreg.semver,int8)'::regprocedure)
              AND proleakproof), 9::bigint, 'comparators and hashes are LEAKPROOF');
SELECT is((SELECT array_agg(am.amname || ':' || amp.amprocnum ORDER BY am.amname, amp.amprocnum)
             FROM pg_amproc amp JOIN pg_opfamily f ON f.oid = amp.amprocfamily JOIN pg_am am ON am.oid = f.opfmethod
            WHERE f.opfnamespace = 'mreg'::regnamespace AND amp.amproclefttype = 'mreg.semver'::regtype),
          ARRAY['btree:1', 'btree:2', 'btree:4', 'hash:1', 'hash:2'], 'btree procs 1 2 4 and hash procs 1 2');

-- amcheck over a 200k-row index full of prereleases and build variants
CREATE EXTENSION IF NOT EXISTS amcheck;
CREATE TEMP TABLE big AS
SELECT format('%s.%s.%s%s%s', i % 13, (i / 13) % 17, (i / 221) % 300,
              CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN '-rc.' || (i % 7) WHEN 2 THEN '-alpha.' || (i % 5) || '.x'
                         ELSE '-' || (i % 1000) END,
              CASE WHEN i % 6 = 0 THEN '+b' || i ELSE '' END)::mreg.semver AS v
  FROM generate_series(1, 200000) i;
CREATE INDEX big_v ON big (v);
SELECT lives_ok($$SELECT bt_index_check('big_v', true)$$, 'bt_index_check(heapallindexed) on 200k semvers');
SELECT * FROM finish();
ROLLBACK;
