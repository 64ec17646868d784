-- mreg.semver: size limits of ranges (54000), binary input errors (22P03),
-- and error messages that quote at most 200 characters of a huge input.
SET search_path = mreg, public;

-- SQLSTATE, message length and detail of a failing statement, compactly.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; m text; d text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
  RETURN st || ' (message ' || length(m) || ' chars): ' || left(m, 60) || ' | ' || d;
END $$;

\echo == a 34 MB range is refused up front (54000), not an allocation failure
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat('* ', 17000000))$$);
SELECT pg_temp.err($$SELECT mreg.max_satisfying('{1.0.0,2.0.0}', repeat('* ', 17000000))$$);
SELECT pg_temp.err($$SELECT '1.0.0'::mreg.semver <@ repeat('* ', 17000000)$$);
SELECT pg_temp.err($$SELECT repeat('* ', 17000000) @> '1.0.0'::mreg.semver$$);
\echo == the message quotes 200 characters and the hint states the limits
SELECT mreg.satisfies('1.0.0', repeat('1.0.0 ', 20000));

\echo == the limits: 65536 bytes of text, 16384 comparators after desugaring
SELECT mreg.satisfies('1.0.0', repeat(' ', 65536)) AS blank_at_length_limit,
       mreg.satisfies('1.0.0', repeat('>=1.0.0 ', 8191) || '<2') AS at_length_limit,
       mreg.satisfies('1.0.0', repeat('* ', 16384)) AS at_comparator_limit,
       mreg.satisfies('1.0.0', repeat('^1 ', 8192)) AS carets_at_comparator_limit,
       mreg.satisfies('1.0.0-rc.1', repeat('1.0.0-rc.2 || ', 4096) || '1.0.0-rc.1') AS many_sets;
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat(' ', 65537))$$);
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat('* ', 16385))$$);
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat('^1 ', 8192) || '1')$$);
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat('*||', 16384) || '*')$$);
\echo == a syntax error in a long range stays 22P02, quoting 200 characters
SELECT pg_temp.err($$SELECT mreg.satisfies('1.0.0', repeat('1.0.0 ', 1000) || '?')$$);

\echo == a huge bad version or to_semver input quotes at most 200 characters
SELECT pg_temp.err($$SELECT ('1.0.0-' || repeat('a', 100000) || '!')::mreg.semver$$);
SELECT pg_temp.err($$SELECT mreg.to_semver(repeat('1', 100000) || '.x')$$);
SELECT pg_temp.err($$SELECT mreg.semver(repeat('é', 1000))$$);
SELECT ('1.0.0-' || repeat('é', 300))::mreg.semver;
SELECT pg_temp.err($$SELECT mreg.bump('1.0.0', repeat('x', 1000))$$);
\echo == short inputs are quoted whole, as before
SELECT '1.02.3'::mreg.semver;

\echo == binary input errors are 22P03 (invalid_binary_representation)
CREATE TEMP TABLE semver_bin_src (v mreg.semver);
CREATE TEMP TABLE semver_bin_dst (v mreg.semver);
INSERT INTO semver_bin_src VALUES ('1.2.3-rc.1');
-- COPY BINARY out, replace bytes of the file, COPY BINARY back in
CREATE FUNCTION pg_temp.copy_corrupted(from_bytes bytea, to_bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE f text := '/tmp/mreg_semver_limits_' || pg_backend_pid(); b bytea; l oid; r text := 'ok';
BEGIN
  EXECUTE format('COPY semver_bin_src TO %L (FORMAT binary)', f);
  b := pg_read_binary_file(f);
  b := decode(replace(encode(b, 'hex'), encode(from_bytes, 'hex'), encode(to_bytes, 'hex')), 'hex');
  l := lo_from_bytea(0, b);
  PERFORM lo_export(l, f);
  PERFORM lo_unlink(l);
  BEGIN
    EXECUTE format('COPY semver_bin_dst FROM %L (FORMAT binary)', f);
  EXCEPTION WHEN OTHERS THEN
    r := SQLSTATE || ': ' || SQLERRM;
  END;
  EXECUTE format('COPY (SELECT 1) TO %L', f);
  RETURN r;
END $$;
-- the text "1.2.3-rc.1" after the format byte 1: break it, then the format byte
SELECT pg_temp.copy_corrupted('\x01312e322e332d72632e31', '\x01312e30322e332d72632e') AS leading_zero;
SELECT pg_temp.copy_corrupted('\x01312e322e332d72632e31', '\x01312e322e332d72632e21') AS bad_character;
SELECT pg_temp.copy_corrupted('\x01312e322e332d72632e31', '\x02312e322e332d72632e31') AS format_byte;
SELECT pg_temp.copy_corrupted('\x0000000b01312e322e332d72632e31', '\x00000000') AS empty_value;
SELECT pg_temp.copy_corrupted('\x01312e322e332d72632e31', '\x01312e322e332d72632e31') AS intact;
SELECT v FROM semver_bin_dst;
