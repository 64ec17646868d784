-- mreg.search_parse: the search query language, term by term (doc/search.md).
SET search_path = mreg, public;
\pset null '(null)'

-- ---- declaration -----------------------------------------------------------
SELECT provolatile, proisstrict, proparallel, pg_get_function_result(oid) AS result
  FROM pg_proc WHERE oid = 'mreg.search_parse(text)'::regprocedure;
SELECT has_function_privilege('mreg_reader', 'mreg.search_parse(text)', 'EXECUTE') AS reader_may,
       has_function_privilege('public', 'mreg.search_parse(text)', 'EXECUTE') AS public_may;
SELECT obj_description('mreg.search_parse(text)'::regprocedure, 'pg_proc') IS NOT NULL AS commented;

-- ---- empty, blank, NULL: no rows -------------------------------------------
SELECT count(*) FROM search_parse('');
SELECT count(*) FROM search_parse(E'  \t\n  ');
SELECT count(*) FROM search_parse(NULL);

-- ---- words and phrases -------------------------------------------------------
SELECT * FROM search_parse('fraud detector');
SELECT * FROM search_parse('c++ e-commerce résumé C# node.js 10:30 x@y');
SELECT * FROM search_parse('"credit risk"  -"a ""quoted"" word" "ends with """');
-- :: is not a field separator: C++ and Rust paths stay words
SELECT * FROM search_parse('std::vector c::d');
-- a quote inside a word is a character of the word
SELECT * FROM search_parse('12" don''t say"hi"');
-- a run of dashes is a word, a dash before a term negates it
SELECT * FROM search_parse('-legacy -- --- -5');
-- injection-looking text is words like any other
SELECT * FROM search_parse($$'; DROP TABLE x; --$$);
SELECT * FROM search_parse($$x' OR '1'='1$$);
SELECT * FROM search_parse('$$ ) ; SELECT pg_sleep(10) ;');

-- ---- field:value -------------------------------------------------------------
SELECT * FROM search_parse('domain:nlp task:"text classification" framework:pytorch stage:production');
SELECT * FROM search_parse('license:apache-2.0 owner:alice project:fraud team:risk constraint:gdpr');
SELECT * FROM search_parse('model:fraud-detector slice:eu feature:txn_amount_7d data_domain:finance');
-- field names are case-insensitive, values are kept as written
SELECT * FROM search_parse('DOMAIN:NLP Stage:Staging -Owner:Bob');
SELECT * FROM search_parse('model:"a ""b"" c" team:x:y:z');
-- tag:key=value and tag:key (any value)
SELECT * FROM search_parse('tag:env=prod tag:gpu -tag:reviewed tag:owner="Jane Doe" tag:a.b/c:d-e=x=y');
-- version:RANGE, checked by the semver range parser
SELECT * FROM search_parse('version:^2.1 version:~1.4 version:1.x version:">=1.2 <2 || 3.0.0-rc.1"');
SELECT * FROM search_parse('version:"1.2 - 2.3.4" -version:<1');
-- uses:NODE, checked by the lineage node parser, kept as written
SELECT * FROM search_parse('uses:dataset:imagenet uses:fraud/dataset:tx@2024 uses:code:"a b"');
SELECT * FROM search_parse('uses:"my proj"/dataset:"sales; EU ""raw""" -uses:model:m@2.0.0');
-- trained:[OP]DATE
SELECT * FROM search_parse('trained:>2026-01-01 trained:2024-02-29 trained:<=2024-02-29T10:30');
SELECT * FROM search_parse('trained:>=2000-02-29T23:59:59 trained:<1999-12-31 trained:=0001-01-01');
-- duration:[OP]DURATION in whole seconds
SELECT * FROM search_parse('duration:<2h duration:>=90m duration:1h30m duration:45s duration:2d');
SELECT * FROM search_parse('duration:1d2h3m4s duration:0s duration:>106751991d duration:<=9223372036854s');
-- importance:NAME OP NUMBER
SELECT * FROM search_parse('importance:age>=0.2 importance:"txn amount"<1e-3 importance:x=1');
-- metric thresholds: names lower-cased, numbers as written
SELECT * FROM search_parse('accuracy>=0.9 f1<0.5 auc=1 Recall@10>.5 loss<=-1.5E+2 top.5-acc>0');
SELECT * FROM search_parse('x>4e-320 x<1.7976931348623157e308');
-- a mix, positions count characters
SELECT * FROM search_parse('résumé  "東京 model"	domain:nlp accuracy>=0.9 -stage:archived');

-- ---- odd Unicode -------------------------------------------------------------
-- no-break and ideographic spaces separate terms; joiners and marks belong to words
SELECT pos, kind, value, length(value) AS chars
  FROM search_parse(E'a\u00A0b\u3000c\u2003d e\u0301 \U0001F468\u200D\U0001F469 \u05E9\u05DC\u05D5\u05DD \uFEFFx');
SELECT * FROM search_parse(E'domain:\u00E9t\u00E9 "\U0001F600 \U0001F600" tag:k=\u2603');

-- ---- errors: SQLSTATE 42601, the position in characters, what was expected ----
SELECT * FROM search_parse('"unterminated phrase');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM search_parse('ok "a ""b');
SELECT * FROM search_parse('"a"b');
SELECT * FROM search_parse('"  "');
SELECT * FROM search_parse('x -');
SELECT * FROM search_parse('- x');
SELECT * FROM search_parse('--x');
SELECT * FROM search_parse('domian:nlp');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM search_parse('http://example.com');
SELECT * FROM search_parse('accuracy:0.9');
SELECT * FROM search_parse('a_very_long_identifier_that_is_certainly_no_field_at_all:x');
SELECT * FROM search_parse('domain:');
SELECT * FROM search_parse('domain: nlp');
SELECT * FROM search_parse('domain:""');
SELECT * FROM search_parse('model:a"b');
SELECT * FROM search_parse('model:"a"b');
SELECT * FROM search_parse('model:"a');
SELECT * FROM search_parse('tag:');
SELECT * FROM search_parse('tag:=x');
SELECT * FROM search_parse('tag:k=');
SELECT * FROM search_parse('tag:k€y=1');
SELECT * FROM search_parse('tag:' || repeat('k', 129));
SELECT * FROM search_parse('version:');
SELECT * FROM search_parse('version:^2.x.q');
SELECT * FROM search_parse('version:">=1.2 <2 | 3"');
SELECT * FROM search_parse('version:01.2');
SELECT * FROM search_parse('version:"1.2 - 2.3 || x"');
SELECT * FROM search_parse('uses:');
SELECT * FROM search_parse('uses:imagenet');
SELECT * FROM search_parse('uses:dataset:');
SELECT * FROM search_parse('uses:a:b->c:d');
SELECT * FROM search_parse('uses:code:"a b');
SELECT * FROM search_parse('trained:');
SELECT * FROM search_parse('trained:>');
SELECT * FROM search_parse('trained:yesterday');
SELECT * FROM search_parse('trained:2026-1-01');
SELECT * FROM search_parse('trained:0000-01-01');
SELECT * FROM search_parse('trained:2026-13-01');
SELECT * FROM search_parse('trained:2023-02-29');
SELECT * FROM search_parse('trained:2024-04-31');
SELECT * FROM search_parse('trained:2024-04-30T24:00');
SELECT * FROM search_parse('trained:2024-04-30T23:60');
SELECT * FROM search_parse('trained:2024-04-30T23:59:60');
SELECT * FROM search_parse('trained:2024-04-30T9:00');
SELECT * FROM search_parse('trained:2024-04-30T09:00:');
SELECT * FROM search_parse('trained:2024-04-30Z');
SELECT * FROM search_parse('trained:=>2024-04-30');
SELECT * FROM search_parse('duration:');
SELECT * FROM search_parse('duration:<');
SELECT * FROM search_parse('duration:90');
SELECT * FROM search_parse('duration:1.5h');
SELECT * FROM search_parse('duration:2w');
SELECT * FROM search_parse('duration:30m1h');
SELECT * FROM search_parse('duration:1h1h');
SELECT * FROM search_parse('duration:h');
SELECT * FROM search_parse('duration:106751992d');
SELECT * FROM search_parse('duration:9223372036855s');
SELECT * FROM search_parse('duration:99999999999999999999999s');
SELECT * FROM search_parse('importance:');
SELECT * FROM search_parse('importance:>=0.2');
SELECT * FROM search_parse('importance:age');
SELECT * FROM search_parse('importance:age>=');
SELECT * FROM search_parse('importance:a"ge>=1');
SELECT * FROM search_parse('importance:"age>=1');
SELECT * FROM search_parse('accuracy>=');
SELECT * FROM search_parse('accuracy>=high');
SELECT * FROM search_parse('accuracy>=0.9x');
SELECT * FROM search_parse('accuracy==0.9');
SELECT * FROM search_parse('accuracy=>0.9');
SELECT * FROM search_parse('accuracy>=1e999');
SELECT * FROM search_parse('accuracy>=1e-400');
SELECT * FROM search_parse('accuracy>=NaN');
SELECT * FROM search_parse('accuracy>=inf');
SELECT * FROM search_parse('accuracy>=0x10');
SELECT * FROM search_parse('a=b');
SELECT * FROM search_parse('-accuracy>=0.9');
SELECT * FROM search_parse('-f1<0.5');
SELECT * FROM search_parse('-auc=1');
SELECT * FROM search_parse(repeat('m', 64) || '>1');
-- control characters (a NUL cannot be in a text value)
SELECT * FROM search_parse(E'a\x01b');
SELECT * FROM search_parse(E'ok \x7F');
-- the error position counts characters, not bytes
SELECT * FROM search_parse('東京 résumé domian:x');

-- ---- limits ------------------------------------------------------------------
-- 10,000 bytes of query
SELECT count(*) FROM search_parse(repeat(repeat('x', 999) || ' ', 10));
SELECT * FROM search_parse(repeat(repeat('x', 999) || ' ', 10) || 'y');
SELECT * FROM search_parse(repeat('é', 4999) || ' é');
SELECT * FROM search_parse(repeat('x ', 1000000));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- 100 terms
SELECT count(*) FROM search_parse(repeat('ab ', 100));
SELECT * FROM search_parse(repeat('ab ', 100) || 'c');
-- 1,000 bytes per value
SELECT length(value) FROM search_parse(repeat('w', 1000));
SELECT * FROM search_parse(repeat('w', 1001));
SELECT * FROM search_parse('"' || repeat('p', 1001) || '"');
SELECT length(value) FROM search_parse('"' || repeat('""', 1000) || '"');
SELECT * FROM search_parse('domain:"' || repeat('v', 1001) || '"');
SELECT * FROM search_parse('domain:' || repeat('v', 1001));
SELECT * FROM search_parse('importance:' || repeat('f', 1001) || '>1');
SELECT * FROM search_parse('x>' || repeat('1', 1001));
SELECT * FROM search_parse('uses:dataset:' || repeat('n', 1000));

-- ---- usable as a row source ---------------------------------------------------
SELECT kind, count(*) FROM search_parse('a b "c d" domain:x accuracy>0.5 -tag:t') GROUP BY kind ORDER BY kind;
SELECT t.value::float8 > 0.85 AS threshold_ok FROM search_parse('accuracy>=0.9') t WHERE t.kind = 'metric';
SELECT (value || ' seconds')::interval AS duration FROM search_parse('duration:1h30m duration:<=9223372036854s');
SELECT value::timestamp AS trained FROM search_parse('trained:>2024-02-29T10:30');
SELECT satisfies('2.3.0', value) FROM search_parse('version:^2.1');
SELECT lineage_node(value) FROM search_parse('uses:"fraud"/dataset:"tx"');
