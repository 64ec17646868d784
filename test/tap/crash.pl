# Crash safety (SPEC §8): SIGKILL the whole server (postmaster and every
# backend at once) while several clients register versions, log evaluations,
# move aliases and tag versions, each change audited.  After the restart:
# every transaction a client saw commit is there, nothing of a transaction
# that did not commit is (explicit rollbacks, a transaction left open, and at
# most the one in flight per client), the audit chain verifies and has one
# register_model_version row per version, amcheck finds every btree index and
# every heap of schemas mreg and mreg_internal clean, GIN indexes answer as a
# sequential scan does, and registration goes on.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use MregTap;

my $clients = 4;            # writers, each on its own model m1..m4
my $iterations = 100000;    # more than they get through before the kill
my $tmp = $PostgreSQL::Test::Utils::tmp_check;

# fsync on, as in production: the commit a client saw is on disk
my $node = mreg_node('crash', conf => "fsync = on\nsynchronous_commit = on\nrestart_after_crash = off");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE reg');
$node->safe_psql('reg', q{
CREATE EXTENSION mreg CASCADE;
CREATE EXTENSION amcheck;
SELECT mreg.create_project('crash', 'kill -9 under load');
SELECT mreg.register_model('crash', m) FROM unnest(ARRAY['m1', 'm2', 'm3', 'm4', 'held', 'rb', 'lin']) m;
-- versions with a provenance, for the GIN check below
SELECT mreg.register_dataset_version('crash', 'd', 'v' || i, 's3://d/' || i) FROM generate_series(1, 6) i;
SELECT mreg.register_model_version('crash', 'lin', format('1.%s.0', i)::mreg.semver,
         mreg.log_run('crash', 'e', '{}', '{}', ARRAY['dataset:d@v' || i, 'dataset:d@v' || (i + 1)]))
  FROM generate_series(1, 5) i;
});

# Each client: a transaction per step that registers a version, logs two
# evaluations, tags the version and moves an alias; "begin N" before it,
# "committed N ID" once COMMIT returned.
for my $c (1 .. $clients)
{
	open my $fh, '>', "$tmp/client$c.sql" or die;
	for my $i (1 .. $iterations)
	{
		print $fh <<"SQL";
\\warn begin $i
BEGIN;
SELECT mreg.register_model_version('crash', 'm$c', '1.$i.0', metadata => '{"client": $c, "step": $i}') AS vid \\gset
SELECT mreg.log_evaluation(:vid, 'accuracy', 0.5 + $i / 1e7), mreg.log_evaluation(:vid, 'recall', 0.25, slice => 'eu');
SELECT mreg.set_tag('crash/model:m$c\@1.$i.0', 'client', '$c');
SELECT mreg.set_alias('crash', 'm$c', 'latest', '1.$i.0', 'step $i');
COMMIT;
\\warn committed $i :vid
SQL
	}
	close $fh;
}
# rolled back, every time
open my $rb, '>', "$tmp/rollback.sql" or die;
print $rb "BEGIN;\nSELECT mreg.register_model_version('crash', 'rb', '1.$_.0');\nROLLBACK;\n\\warn rolledback $_\n"
  for 1 .. $iterations;
close $rb;
# one transaction left open at the crash: three versions, never committed
open my $held, '>', "$tmp/held.sql" or die;
print $held "BEGIN;\n", (map { "SELECT mreg.register_model_version('crash', 'held', '1.$_.0');\n" } 1 .. 3),
  "\\warn holding\nSELECT pg_sleep(600);\nCOMMIT;\n";
close $held;

my @h = map { start_client($node, 'reg', "$tmp/client$_.sql", "$tmp/client$_.out") } 1 .. $clients;
push @h, start_client($node, 'reg', "$tmp/rollback.sql", "$tmp/rollback.out");
push @h, start_client($node, 'reg', "$tmp/held.sql", "$tmp/held.out");

# kill once every writer has committed a few steps and the open transaction waits
my $t0 = time;
my $ready = 0;
while (time - $t0 < 60)
{
	$ready = (grep { scalar(client_lines("$tmp/client$_.out", 'committed')) >= 10 } 1 .. $clients) == $clients
	  && client_lines("$tmp/held.out", 'holding') && client_lines("$tmp/rollback.out", 'rolledback') >= 5;
	last if $ready;
	usleep(50_000);
}
ok($ready, 'load running: every client committed some steps, one transaction held open');
usleep(300_000);
my $killed = kill_server($node);
note sprintf('SIGKILL to the postmaster and %d server processes after %.1f s of load', $killed, time - $t0);
stop_client($_) for @h;

$node->start;
pass('server restarted after the crash (crash recovery)');

# -------------------------------------------------------------- committed rows
my %existing;    # model => { version step => id }
for my $row (split /\n/, $node->safe_psql('reg', q{
SELECT m.name, mreg.minor(v.version), v.id FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id}))
{
	my ($m, $step, $id) = split /\|/, $row;
	$existing{$m}{$step} = $id;
}
my ($committed_total, $inflight_total) = (0, 0);
for my $c (1 .. $clients)
{
	my @committed = client_lines("$tmp/client$c.out", 'committed');
	my @begun = client_lines("$tmp/client$c.out", 'begin');
	$committed_total += @committed;
	my %ok = map { $_->[0] => $_->[1] } @committed;
	my @missing = grep { !exists $existing{"m$c"}{$_} || $existing{"m$c"}{$_} != $ok{$_} } keys %ok;
	is(scalar @missing, 0, "client $c: all " . scalar(@committed) . ' committed versions are there, with the ids the client saw')
	  or diag "missing steps: @missing";
	# beyond the committed ones, at most the step in flight (COMMIT sent, answer lost)
	my $last_begun = @begun ? $begun[-1][0] : 0;
	my @extra = grep { !exists $ok{$_} } keys %{ $existing{"m$c"} // {} };
	ok(@extra == 0 || (@extra == 1 && $extra[0] == $last_begun), "client $c: nothing that was not committed (beyond the one step in flight)")
	  or diag "extra steps: @extra (last begun $last_begun)";
	$inflight_total += @extra;
}
is(scalar keys %{ $existing{held} // {} }, 0, 'the transaction open at the crash left no version');
is(scalar keys %{ $existing{rb} // {} }, 0, 'rolled-back registrations left no version');
note "committed steps seen by clients: $committed_total; in flight and committed anyway: $inflight_total";

# each step is one transaction: its evaluations, tag, alias move and audit rows all or none
is($node->safe_psql('reg', q{
SELECT count(*) FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id
 WHERE m.name LIKE 'm_' AND (
       (SELECT count(*) FROM mreg.evaluation e WHERE e.model_version_id = v.id) <> 2
    OR NOT EXISTS (SELECT FROM mreg.tag t WHERE t.node = 'crash/model:' || m.name || '@' || v.version AND t.value = substr(m.name, 2))
    OR NOT EXISTS (SELECT FROM mreg.alias_move a WHERE a.to_version_id = v.id)
    OR (SELECT count(*) FROM mreg.audit_log l WHERE l.action = 'register_model_version'
         AND l.target = 'crash/model:' || m.name || '@' || v.version) <> 1)}), '0',
	'every version kept its evaluations, tag, alias move and exactly one audit row');
is($node->safe_psql('reg', q{SELECT count(*) FROM mreg.evaluation e JOIN mreg.model_version v ON v.id = e.model_version_id
 JOIN mreg.model m ON m.id = v.model_id WHERE m.name IN ('held', 'rb')}), '0', 'no evaluation of an uncommitted version');
is($node->safe_psql('reg', 'SELECT count(*) FROM mreg.audit_log WHERE seq IS NULL'), '0', 'no unsealed audit row survived');
is($node->safe_psql('reg', 'SELECT ok::text || checked FROM mreg.verify_audit_chain()'),
	'true' . $node->safe_psql('reg', 'SELECT count(*) FROM mreg.audit_log'), 'the audit chain verifies, every row checked');

# -------------------------------------------------------------- amcheck
my $btrees = $node->safe_psql('reg', q{
SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
 WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace) AND a.amname = 'btree' AND c.relkind = 'i'});
my ($rc, $out, $err) = $node->psql('reg', q{
SELECT count(*) FROM (
  SELECT bt_index_parent_check(c.oid, heapallindexed => true, rootdescend => true)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
   WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace) AND a.amname = 'btree' AND c.relkind = 'i') x});
is("$rc $out", "0 $btrees", "amcheck bt_index_parent_check (heapallindexed, rootdescend) clean on all $btrees btree indexes")
  or diag $err;
($rc, $out, $err) = $node->psql('reg', q{
SELECT count(*) FROM pg_class c, LATERAL verify_heapam(c.oid, check_toast => true) v
 WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace) AND c.relkind IN ('r', 'm', 't')});
is("$rc $out", '0 0', 'amcheck verify_heapam finds no corruption in any table of mreg, mreg_internal') or diag $err;

# GIN: PostgreSQL 15's amcheck has no GIN check (gin_index_check comes with
# 18).  Each GIN index must answer its operators as a sequential scan does.
my $gin = $node->safe_psql('reg', q{
SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
 WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace) AND a.amname = 'gin'});
# the trigram indexes of suggest() (mreg.search_trgm_ops): one query each,
# built from the catalog, so a new one is checked without an edit here
my @trgm = split /\n/, $node->safe_psql('reg', q{
SELECT c.relname || ' ' || t.relname || ' ' || a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
  JOIN pg_opclass o ON o.oid = i.indclass[0]
 WHERE c.relnamespace = 'mreg'::regnamespace AND o.opcname = 'search_trgm_ops' ORDER BY 1});
my $expected_gin = join ' ', sort('model_version_provenance_idx', 'search_doc_document_idx', 'search_doc_facets_idx', map { (split / /)[0] } @trgm);
is($gin, $expected_gin, 'the GIN indexes are the ones checked below (lineage, search documents, trigram names)');
cmp_ok(scalar @trgm, '>=', 1, 'trigram indexes are among them');
my @gin_queries = (
	[ 'model_version_provenance_idx', q{SELECT id FROM mreg.model_version WHERE provenance @> (SELECT min(n) FROM mreg.model_version, mreg.lineage_nodes(provenance) n)} ],
	[ 'model_version_provenance_idx', q{SELECT id FROM mreg.model_version WHERE provenance && (SELECT provenance FROM mreg.model_version WHERE mreg.lineage_node_count(provenance) > 0 LIMIT 1)} ],
	[ 'search_doc_document_idx', q{SELECT id FROM mreg.search_doc WHERE document OPERATOR(mreg.@@) (SELECT string_agg(quote_literal(l), ' | ')::tsquery FROM (SELECT l FROM mreg.search_doc, unnest(tsvector_to_array(document)) l GROUP BY l ORDER BY count(*), l LIMIT 3) x)} ],
	[ 'search_doc_facets_idx', q{SELECT id FROM mreg.search_doc WHERE facets OPERATOR(mreg.@@) (SELECT quote_literal(min(l))::tsquery FROM mreg.search_doc, unnest(tsvector_to_array(facets)) l)} ],
	# (a table the load leaves empty, e.g. feature, has nothing to find: both scans find nothing)
	map { my ($idx, $tbl, $col) = split / /; [ $idx, "SELECT id FROM mreg.$tbl WHERE $col OPERATOR(mreg.%%) (SELECT min($col) FROM mreg.$tbl)", "SELECT count(*) = 0 FROM mreg.$tbl" ] } @trgm,
);
for my $q (@gin_queries)
{
	my ($idx, $sql, $empty_sql) = @$q;
	my $may_be_empty = $empty_sql && $node->safe_psql('reg', $empty_sql) eq 't';
	my $sorted = "SELECT count(*) || ':' || md5(coalesce(string_agg(id::text, ',' ORDER BY id), '')) FROM ($sql) q";
	my $path = 'SET search_path = mreg, public; SET enable_indexscan = off;';
	my $plan = $node->safe_psql('reg', "$path SET enable_seqscan = off; EXPLAIN (COSTS OFF) $sql");
	my $by_index = $node->safe_psql('reg', "$path SET enable_seqscan = off; $sorted");
	my $by_seq = $node->safe_psql('reg', "$path SET enable_bitmapscan = off; $sorted");
	like($plan, qr/Bitmap Index Scan on \Q$idx\E/, "$idx: the forced plan scans it");
	ok(($may_be_empty || $by_seq !~ /^0:/) && $by_index eq $by_seq, "$idx: GIN bitmap scan and sequential scan find the same rows ($by_seq)")
	  or diag "index: $by_index, sequential: $by_seq; query: $sql";
}

# -------------------------------------------------------------- goes on
for my $c (1 .. $clients)
{
	$node->safe_psql('reg', "SELECT mreg.log_evaluation(mreg.register_model_version('crash', 'm$c', '9.0.0'), 'accuracy', 0.9)");
}
$node->safe_psql('reg', "SELECT mreg.register_model_version('crash', 'held', '1.1.0')");
is($node->safe_psql('reg', q{SELECT count(*) FROM mreg.model_version WHERE mreg.semver_to_text(version) = '9.0.0'}), $clients, 'registration continues after recovery');
is($node->safe_psql('reg', 'SELECT ok FROM mreg.verify_audit_chain()'), 't', 'the audit chain still verifies after new writes');
is($node->safe_psql('reg', q{SELECT count(*) FROM mreg.search('version:9.0.0')}), $clients, 'search finds what was registered after recovery');

$node->stop;
done_testing();
