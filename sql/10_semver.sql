-- mreg.semver: input/output, SemVer 2.0.0 precedence, errors, functions, casts,
-- aggregates, ranges and plans.
SET search_path = mreg, public;
SET extra_float_digits = 0;
\pset null '(null)'

-- A helper that reports the SQLSTATE and detail of a failing input compactly.
CREATE FUNCTION pg_temp.try_semver(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; d text;
BEGIN
  RETURN t::mreg.semver::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN st || ': ' || d;
END $$;

\echo == every valid example of the SemVer 2.0.0 regex test list round-trips
SELECT v, pg_temp.try_semver(v) = v AS round_trip
  FROM unnest(ARRAY[
    '0.0.4', '1.2.3', '10.20.30', '1.1.2-prerelease+meta', '1.1.2+meta', '1.1.2+meta-valid',
    '1.0.0-alpha', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0-alpha.beta.1', '1.0.0-alpha.1',
    '1.0.0-alpha0.valid', '1.0.0-alpha.0valid',
    '1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay', '1.0.0-rc.1+build.1',
    '2.0.0-rc.1+build.123', '1.2.3-beta', '10.2.3-DEV-SNAPSHOT', '1.2.3-SNAPSHOT-123', '1.0.0',
    '2.0.0', '1.1.7', '2.0.0+build.1848', '2.0.1-alpha.1227', '1.0.0-alpha+beta',
    '1.2.3----RC-SNAPSHOT.12.9.1--.12+788', '1.2.3----R-S.12.9.1--.12+meta',
    '1.2.3----RC-SNAPSHOT.12.9.1--.12', '1.0.0+0.build.1-rc.10000aaa-kk-0.1',
    '1.0.0-0A.is.legal']) AS v;

\echo == the one valid example of the list beyond 2^63-1 is out of range here (documented limit)
SELECT pg_temp.try_semver('99999999999999999999999.999999999999999999.99999999999999999');

\echo == every invalid example of the list fails with 22P02 and says what and where
SELECT v, pg_temp.try_semver(v) AS result
  FROM unnest(ARRAY[
    '1', '1.2', '1.2.3-0123', '1.2.3-0123.0123', '1.1.2+.123', '+invalid', '-invalid',
    '-invalid+invalid', '-invalid.01', 'alpha', 'alpha.beta', 'alpha.beta.1', 'alpha.1',
    'alpha+beta', 'alpha_beta', 'alpha.', 'alpha..', 'beta', '1.0.0-alpha_beta', '-alpha.',
    '1.0.0-alpha..', '1.0.0-alpha..1', '1.0.0-alpha...1', '1.0.0-alpha....1',
    '1.0.0-alpha.....1', '1.0.0-alpha......1', '1.0.0-alpha.......1', '01.1.1', '1.01.1',
    '1.1.01', '1.2.3.DEV', '1.2-SNAPSHOT', '1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788',
    '1.2-RC-SNAPSHOT', '-1.0.3-gamma+b7718', '+justmeta', '9.8.7+meta+meta',
    '9.8.7-whatever+meta+meta',
    '99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12'
  ]) AS v;

\echo == more malformed input: empty, blanks, v prefix, signs, unicode, control characters
SELECT v, pg_temp.try_semver(v) AS result
  FROM unnest(ARRAY[
    '', ' 1.2.3', '1.2.3 ', 'v1.2.3', '=1.2.3', '1.2.3-', '1.2.3+', '1.2.3-+b', '1.2.3+b-', '1.2.3-a.',
    '1.2.3+a..b', '1..3', '1.2.', '.1.2.3', '1.2.3-é', 'é.1.2', '1.2.3-ä.b', '1.2.3+ß', '1.-2.3',
    '+1.2.3', '1.2.3-rc.1-', E'1.2.3\t', E'1.2.3\n', '1.2.3-01a', '1.2.3-00', '00.0.0', '1,2,3',
    '1.2.3 - 2']) AS v;

\echo == the error itself: SQLSTATE 22P02, input echoed, position counted in characters
SELECT '1.02.3'::mreg.semver;
SELECT 'é1.2.3'::mreg.semver;
SELECT '1.2.3-ünïcode'::mreg.semver;
SELECT '1.2.3-rc..1'::mreg.semver;
SELECT '1.2'::mreg.semver;

\echo == numbers up to 2^63-1, never a wrap
SELECT '9223372036854775807.9223372036854775807.9223372036854775807'::mreg.semver AS max_numbers;
SELECT pg_temp.try_semver(v) FROM unnest(ARRAY[
  '9223372036854775808.0.0', '0.9223372036854775808.0', '0.0.9223372036854775808',
  '18446744073709551616.0.0', '0.0.99999999999999999999999999']) AS v;
SELECT mreg.major('9223372036854775807.1.2'), mreg.minor('1.9223372036854775807.2'),
       mreg.patch('1.2.9223372036854775807');

\echo == numeric prerelease identifiers compare numerically at any length
SELECT '1.0.0-99999999999999999999999999999'::mreg.semver < '1.0.0-100000000000000000000000000000'::mreg.semver AS longer_is_bigger,
       '1.0.0-2'::mreg.semver < '1.0.0-10'::mreg.semver AS two_lt_ten,
       '1.0.0-999'::mreg.semver < '1.0.0-a'::mreg.semver AS numeric_lt_alpha,
       '1.0.0-a'::mreg.semver < '1.0.0-a.0'::mreg.semver AS shorter_first,
       '1.0.0-B'::mreg.semver < '1.0.0-a'::mreg.semver AS ascii_order,
       '1.0.0--'::mreg.semver < '1.0.0-0a'::mreg.semver AS hyphen_lt_digit;

\echo == the SemVer 11 precedence chain
WITH chain(i, v) AS (VALUES (1, '1.0.0-alpha'), (2, '1.0.0-alpha.1'), (3, '1.0.0-alpha.beta'),
    (4, '1.0.0-beta'), (5, '1.0.0-beta.2'), (6, '1.0.0-beta.11'), (7, '1.0.0-rc.1'), (8, '1.0.0'),
    (9, '2.0.0'), (10, '2.1.0'), (11, '2.1.1'))
SELECT a.v AS lower, b.v AS higher, a.v::mreg.semver < b.v::mreg.semver AS lt,
       a.v::mreg.semver <= b.v::mreg.semver AS le, a.v::mreg.semver > b.v::mreg.semver AS gt,
       a.v::mreg.semver >= b.v::mreg.semver AS ge, a.v::mreg.semver = b.v::mreg.semver AS eq,
       a.v::mreg.semver <> b.v::mreg.semver AS ne, mreg.semver_cmp(a.v::mreg.semver, b.v::mreg.semver) AS cmp
  FROM chain a JOIN chain b ON b.i = a.i + 1 ORDER BY a.i;
-- shuffled, sorted back
SELECT v FROM unnest('{1.0.0-rc.1,1.0.0,1.0.0-beta.11,1.0.0-alpha.beta,1.0.0-beta.2,1.0.0-alpha,1.0.0-beta,1.0.0-alpha.1,0.0.0,0.0.0-0,10.0.0,9.0.0,1.10.0,1.9.0}'::mreg.semver[]) v
 ORDER BY v;

\echo == build metadata: kept and printed, ignored by ordering, equality and hashing
SELECT '1.0.0+a'::mreg.semver = '1.0.0+b'::mreg.semver AS eq,
       '1.0.0+a'::mreg.semver < '1.0.0+b'::mreg.semver AS lt,
       mreg.semver_hash('1.0.0+a') = mreg.semver_hash('1.0.0+b') AS same_hash,
       mreg.semver_hash_extended('1.0.0+a', 42) = mreg.semver_hash_extended('1.0.0+b', 42) AS same_hash64,
       mreg.semver_hash('1.0.0') <> mreg.semver_hash('1.0.1') AS differs,
       '1.0.0-rc.1+build.5'::mreg.semver AS printed;
SELECT '0.0.0'::mreg.semver AS zero, '0.0.0'::mreg.semver > '0.0.0-0'::mreg.semver AS release_gt_pre;

\echo == NULL in, NULL out
SELECT NULL::mreg.semver AS v, mreg.major(NULL), mreg.to_semver(NULL), mreg.satisfies(NULL, '*'),
       mreg.satisfies('1.0.0', NULL), mreg.bump(NULL, 'major'), mreg.bump('1.0.0', NULL),
       (NULL::mreg.semver = '1.0.0') AS eq;

\echo == accessors
SELECT v, mreg.major(v), mreg.minor(v), mreg.patch(v), mreg.prerelease(v), mreg.build_metadata(v),
       mreg.is_prerelease(v)
  FROM unnest('{0.0.0,1.2.3,1.2.3-rc.1,1.2.3+b.5,10.20.30-alpha.0+exp.sha.5114f85,1.0.0-0}'::mreg.semver[]) v;
SELECT pg_typeof(mreg.major('1.2.3')), pg_typeof(mreg.prerelease('1.2.3-a'));

\echo == bump (node-semver inc semantics)
SELECT v, part, mreg.bump(v::mreg.semver, part)
  FROM unnest('{1.2.3,1.2.3-alpha,1.2.3-alpha.1,1.2.3-alpha.1.beta,1.2.0-5,1.0.0-5,1.2.3-9,1.2.3-rc.99,1.2.3+b}'::text[]) v,
       unnest('{major,minor,patch,prerelease}'::text[]) part
 ORDER BY v, part;
SELECT mreg.bump('1.2.3-alpha.99999999999999999999', 'prerelease') AS long_increment;
SELECT mreg.bump('1.2.3', 'Major');
SELECT mreg.bump('1.2.3', '');
SELECT mreg.bump('1.9223372036854775807.0', 'minor');
SELECT mreg.bump('1.2.9223372036854775807', 'prerelease');

\echo == to_semver: lenient coercion
SELECT v, mreg.to_semver(v)
  FROM unnest(ARRAY['v1.2', '1', '  1.2.3  ', '=v1.2.3', 'V2', '=1.2', '01.002.0003', '1.2-rc.01',
                    '1.2.3-01+007', E'\t v3 \n', '1.2.3', '0', '00.0.00-rc.000']) v;
CREATE FUNCTION pg_temp.try_to_semver(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; d text;
BEGIN
  RETURN mreg.to_semver(t)::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN st || ': ' || d;
END $$;
SELECT v, pg_temp.try_to_semver(v)
  FROM unnest(ARRAY['', '   ', 'v', 'abc', '1.2.3.4', '1.', '1.2.3-', 'vv1', '1.2.3 x',
                    '99999999999999999999', '1 .2']) v;

\echo == casts: text and varchar both ways, assignment to text
SELECT '1.2.3'::text::mreg.semver AS from_text, '1.2.3-b'::varchar::mreg.semver AS from_varchar,
       '1.2.3+x'::mreg.semver::text AS to_text, '1.2.3+x'::mreg.semver::varchar AS to_varchar,
       mreg.semver('4.5.6') AS function_form;
SELECT 'v1'::text::mreg.semver;
CREATE TEMP TABLE semver_cast_t (t text);
INSERT INTO semver_cast_t VALUES ('1.0.0'::mreg.semver);
SELECT * FROM semver_cast_t;

\echo == binary send/receive: COPY BINARY out and back in
SELECT mreg.semver_send('1.2.3-rc.1+b') AS wire;
CREATE TEMP TABLE semver_bin (v mreg.semver);
CREATE TEMP TABLE semver_bin2 (v mreg.semver);
INSERT INTO semver_bin VALUES ('1.2.3-rc.1+b'), ('0.0.0'), ('9223372036854775807.0.0-x.99999999999999999999'), (NULL);
DO $$
DECLARE f text := '/tmp/mreg_semver_bin_' || pg_backend_pid();
BEGIN
  EXECUTE format('COPY semver_bin TO %L (FORMAT binary)', f);
  EXECUTE format('COPY semver_bin2 FROM %L (FORMAT binary)', f);
  EXECUTE format('COPY (SELECT 1) TO %L', f);
END $$;
SELECT a.v, b.v, a.v::text = b.v::text AS identical
  FROM (SELECT v, row_number() OVER () r FROM semver_bin) a
  JOIN (SELECT v, row_number() OVER () r FROM semver_bin2) b USING (r);

\echo == min / max aggregates (by precedence; sortop lets an index answer them)
SELECT mreg.min(v), mreg.max(v), min(v) AS min_via_path, count(*)
  FROM unnest('{1.0.0,1.0.0-rc.1,0.9.9,1.0.0-alpha,NULL,2.0.0-0}'::mreg.semver[]) v;
SELECT mreg.max(v) FROM unnest('{}'::mreg.semver[]) v;
SELECT aggsortop::regoperator FROM pg_aggregate
 WHERE aggfnoid IN ('mreg.min(mreg.semver)'::regprocedure, 'mreg.max(mreg.semver)'::regprocedure) ORDER BY 1;

\echo == ranges: satisfies and the <@ operator (node-semver semantics)
SELECT r, v, mreg.satisfies(v::mreg.semver, r) AS sat
  FROM (VALUES
    ('^1.2.3', '1.2.3'), ('^1.2.3', '1.9.9'), ('^1.2.3', '2.0.0'), ('^1.2.3', '2.0.0-0'),
    ('^0.2.3', '0.2.9'), ('^0.2.3', '0.3.0'), ('^0.0.3', '0.0.3'), ('^0.0.3', '0.0.4'),
    ('^0.0.x', '0.0.9'), ('^0.0.x', '0.1.0'), ('^0.0', '0.0.1'), ('^0.x', '0.9.0'), ('^0.x', '1.0.0'),
    ('~1.2.3', '1.2.9'), ('~1.2.3', '1.3.0'), ('~1', '1.9.0'), ('~1', '2.0.0'), ('~>1.2', '1.2.5'),
    ('1.x', '1.5.0'), ('1.2.*', '1.2.7'), ('1.2.*', '1.3.0'), ('*', '3.4.5'), ('', '3.4.5'),
    ('<1.2', '1.1.9'), ('<1.2', '1.2.0'), ('<1.2', '1.2.0-rc.1'), ('<=1.2', '1.2.9'), ('>1.2', '1.2.9'),
    ('>1.2', '1.3.0'), ('>=1.2', '1.2.0'), ('>*', '1.0.0'), ('<*', '0.0.0'),
    ('1.2 - 2.3.4', '1.2.0'), ('1.2 - 2.3.4', '2.3.4'), ('1.2 - 2.3.4', '2.3.5'),
    ('1.2.3 - 2', '2.9.9'), ('1.2.3 - 2', '3.0.0'), ('1.2.3 - 2.3', '2.3.9'), ('1.2.3 - 2.3', '2.4.0'),
    ('>=1.0.0 <2.0.0', '1.5.0'), ('>= 1.0.0  < 2.0.0', '2.0.0'), ('<1.0.0 || >=2.0.0', '0.5.0'),
    ('<1.0.0 || >=2.0.0', '1.5.0'), ('1.2.3', '1.2.3+build'), ('=1.2.3', '1.2.3'), ('v1.2.3', '1.2.3'),
    -- prerelease rule: only when a comparator of the same set names the same M.m.p with a prerelease
    ('>=1.2.3-alpha', '1.2.3-beta'), ('>=1.2.3-alpha', '1.2.4-beta'), ('>=1.2.3-alpha', '1.2.4'),
    ('^1.2.3-beta.2', '1.2.3-beta.4'), ('^1.2.3-beta.2', '1.2.4-beta.4'), ('>1.2.3-alpha <1.2.4', '1.2.3-beta'),
    ('>=1.0.0 || >=1.2.3-alpha', '1.2.3-beta'), ('* || 1.2.3-alpha', '1.2.3-beta'),
    ('>=0.0.0 <=0.0.0-beta', '0.0.0-alpha'), ('1.x', '1.2.3-rc.1')) t(r, v);
SELECT '1.4.0'::mreg.semver <@ '^1.2' AS op, '^1.2' @> '1.4.0'::mreg.semver AS commuted,
       '2.0.0'::mreg.semver <@ '^1.2' AS op_false;

\echo == max_satisfying
SELECT mreg.max_satisfying('{1.2.3,1.3.0,1.9.9-rc.1,2.0.0,1.3.0+later}'::mreg.semver[], '^1') AS caret_one,
       mreg.max_satisfying('{1.2.3,1.3.0}'::mreg.semver[], '>=3') AS none,
       mreg.max_satisfying('{}'::mreg.semver[], '*') AS empty,
       mreg.max_satisfying('{NULL,1.0.0,NULL}'::mreg.semver[], '*') AS skips_nulls,
       mreg.max_satisfying('{1.0.0-rc.1,1.0.0-rc.2,0.9.0}'::mreg.semver[], '>=1.0.0-rc.1') AS prerelease_ok;

\echo == bad ranges: 22P02 with the position
CREATE FUNCTION pg_temp.try_range(r text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; d text;
BEGIN
  PERFORM mreg.satisfies('1.0.0', r);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
  RETURN st || ': ' || d;
END $$;
SELECT r, pg_temp.try_range(r)
  FROM unnest(ARRAY['1.x.3', '*.1', '1.2-beta', '1.2.3-01', '01.2.3', '1.2.3 - ', '1.2.3 -2', '>=', '^',
                    '1.2.3 | 1.2.4', '==1.2.3', 'v=1.2.3', 'foo', '1.2.3.4', '1..2', '1.2.3+', '^>=1.2',
                    '>=1.2.3 - 2', 'a || 1', '1.2.3 ||| 2', '9223372036854775808', '≥1.2.3', '1.2.3 ≤2']) r;
SELECT mreg.satisfies('1.0.0', '>=1.0.0 <2.0.0 || ^3.x.3');
SELECT mreg.max_satisfying('{1.0.0}', '~~1');

\echo == huge bounds do not wrap: ^ and ~ of 2^63-1
SELECT mreg.satisfies('9223372036854775807.5.0', '^9223372036854775807') AS caret_max,
       mreg.satisfies('9223372036854775807.5.0', '>9223372036854775806') AS gt_partial,
       mreg.satisfies('9223372036854775807.9223372036854775807.0', '~9223372036854775807.9223372036854775807') AS tilde_max,
       mreg.satisfies('0.0.0', '>9223372036854775807') AS gt_max_partial;
