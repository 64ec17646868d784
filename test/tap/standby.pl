# Hot standby (SPEC §8): a streaming standby made with pg_basebackup -R from
# a primary holding the demo registry (projects, versions, evaluations,
# lineage, deployments, health, events) answers mreg.search, search_facets,
# search_count, mreg.impact, the analyst views and mreg.verify_audit_chain()
# exactly as the primary does; every write of the API (and reads that audit,
# and outbox consumption) fails there with SQLSTATE 25006 and a clear
# message, and the standby stays up; mreg.set_purpose works (it only sets the
# session's purpose).  The standby's replay lag under a registration load is
# measured (reported, not judged).  Failover: the primary stops, the standby
# is promoted, every table is as on the primary and writes work there.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use MregTap;

my $root = $ENV{MREG_ROOT} or die 'MREG_ROOT is not set';
my $tmp = $PostgreSQL::Test::Utils::tmp_check;

my $primary = mreg_node('primary', allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE DATABASE reg');
# the make-demo registry, as test/doc/demo.sql loads it
for my $f (sort glob("$root/test/demo/[0-9]*.sql"))
{
	my $err = '';
	IPC::Run::run([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $primary->connstr('reg'), '-f', $f ], '<', \undef, '>', '/dev/null', '2>', \$err)
	  or die "loading $f failed: $err";
}
$primary->safe_psql('reg', q{
SELECT mreg.create_health_partitions(current_date - 1, current_date + 1);
SELECT mreg.record_health(d.id, now() - i * interval '1 minute', 10, 20 + i, 30, 0.001, 1, 500, 100)
  FROM mreg.deployment d, generate_series(1, 20) i WHERE d.state = 'live';
SELECT count(*) FROM mreg.consume_events('audit-sink', 50);
SELECT mreg.set_purpose('standby test');
SELECT mreg.artifact_content((SELECT min(id) FROM mreg.artifact));
});

$primary->backup('base', backup_options => ['-R']);
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base');
ok(-f $standby->data_dir . '/standby.signal', 'pg_basebackup -R wrote standby.signal and primary_conninfo');
# -R took the backup connection's application_name; name the standby itself
my $auto = slurp_file($standby->data_dir . '/postgresql.auto.conf');
$auto =~ s/application_name=\S+/application_name=standby/ or die 'no application_name in primary_conninfo';
open my $afh, '>', $standby->data_dir . '/postgresql.auto.conf' or die;
print $afh $auto;
close $afh;
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('reg', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery, streaming');

# ----------------------------------------------------- the same answers
# search scores have a recency term (now() - created_at), so two calls a
# moment apart differ in the last digits of the real: compare them rounded
my $search = 'SELECT (model_version_id, project, model, version, stage, round(score::numeric, 4), snippet)::text FROM mreg.search(%s) s';
my @reads = (
	map({ ("search $_" => sprintf($search, "\$q\$$_\$q\$, 1000")) }
		split /\n/, $primary->safe_psql('reg', 'SELECT query FROM mreg.search_examples() ORDER BY query')),
	'search empty' => sprintf($search, q{'', 1000}),
	'search fraud recall' => sprintf($search, q{'fraud recall>=0.5', 50}),
	'search_facets' => q{SELECT f::text FROM mreg.search_facets('fraud recall>=0.5') f ORDER BY 1},
	'search_count' => q{SELECT mreg.search_count('gbm')},
	'suggest' => q{SELECT s::text FROM mreg.suggest('frad-gbm') s ORDER BY 1},
	'impact' => q{SELECT i::text FROM mreg.impact('fraud/dataset:fraud_events@2025-03') i ORDER BY 1},
	'impact (another project)' => q{SELECT i::text FROM mreg.impact('churn/dataset:churn_events@2025-01') i ORDER BY 1},
	(map { ("view $_" => "SELECT t::text FROM mreg.$_ t ORDER BY 1") }
		qw(model_version_overview latest_evaluation model_overview deployment_status alias_history health)),
	'provenance' => q{SELECT mreg.provenance(mreg.version_id('fraud', 'fraud-gbm', '@champion'))::text},
	'reproducibility' => q{SELECT mreg.reproducibility(mreg.version_id('fraud', 'fraud-gbm', '@champion'))::text},
	'history' => q{SELECT h::text FROM mreg.history('fraud/model:fraud-gbm@champion') h ORDER BY 1},
	'verify_audit_chain' => q{SELECT v::text FROM mreg.verify_audit_chain() v},
	'audit_head' => q{SELECT h::text FROM mreg.audit_head() h},
);
my $same = 0;
while (my ($name, $sql) = splice(@reads, 0, 2))
{
	my $p = $primary->safe_psql('reg', $sql);
	my $s = $standby->safe_psql('reg', $sql);
	if ($p eq $s && $p ne '') { $same++; next; }
	fail("standby answers $name as the primary does");
	diag "primary:\n$p\nstandby:\n$s";
}
ok($same > 20, "$same reads answered identically on the standby (search, facets, impact, views, audit verification)");
like($standby->safe_psql('reg', q{SELECT v::text FROM mreg.verify_audit_chain() v}), qr/^\(t,\d+,\)$/, 'the chain verifies on the standby');
is(registry_digest($standby, 'reg'), registry_digest($primary, 'reg'), 'every table of mreg and mreg_internal is identical');

# ----------------------------------------------------- writes need the primary
my @writes = (
	q{SELECT mreg.create_project('ro', 'on a standby')},
	q{SELECT mreg.register_model('fraud', 'fraud-new')},
	q{SELECT mreg.register_model_version('fraud', 'fraud-gbm', '99.0.0')},
	q{SELECT mreg.log_run('fraud', 'e', '{}', '{}', ARRAY['dataset:fraud_events@2025-01'])},
	q{SELECT mreg.log_evaluation(mreg.version_id('fraud', 'fraud-gbm', '@champion'), 'recall', 0.5)},
	q{SELECT mreg.log_drift(mreg.version_id('fraud', 'fraud-gbm', '@champion'), 'amount', 'psi', 0.1)},
	q{SELECT mreg.set_alias('fraud', 'fraud-gbm', '@champion', (SELECT min(version) FROM mreg.model_version_overview WHERE model = 'fraud-gbm'))},
	q{SELECT mreg.set_tag('model:fraud-gbm', 'tier', 'x')},
	q{SELECT mreg.annotate('model:fraud-gbm', 'note')},
	q{SELECT mreg.add_lineage('dataset:fraud_events@2025-01', 'dataset:fraud_labels@v1')},
	q{SELECT mreg.set_status('fraud', 'fraud-gbm', (SELECT min(version) FROM mreg.model_version_overview WHERE model = 'fraud-gbm'), 'archived')},
	q{SELECT mreg.promote('fraud', 'fraud-gbm', (SELECT min(version) FROM mreg.model_version_overview WHERE model = 'fraud-gbm'), 'staging')},
	q{SELECT mreg.record_health((SELECT min(id) FROM mreg.deployment), now(), 1, 2, 3, 0, 1, 1, 1)},
	q{SELECT mreg.grant_access('fraud', 'postgres', 'read')},
	q{SELECT mreg.create_health_partitions(current_date + 5, current_date + 6)},
	q{SELECT mreg.reindex_search()},
	q{SELECT count(*) FROM mreg.consume_events('audit-sink', 10)},
	q{SELECT count(*) FROM mreg.consume_events('new-consumer', 10)},
	q{SELECT mreg.purge_events(now())},
	q{SELECT mreg.set_purpose('on the standby'); SELECT mreg.artifact_content((SELECT min(id) FROM mreg.artifact))},
);
my %messages;
for my $sql (@writes)
{
	my ($rc, $out, $err) = $standby->psql('reg', "\\set VERBOSITY verbose\n$sql", on_error_stop => 1);
	my ($line) = $err =~ /^(?:psql:\S+ )?(ERROR:.*)$/m;
	$line //= $err || "no error, output $out";
	my $short = $sql =~ /mreg\.(\w+)\(/g ? $1 : $sql;
	$short = 'artifact_content' if $sql =~ /artifact_content/;
	ok($rc != 0 && $line =~ /^ERROR:  25006: /, "on the standby, $short fails with 25006 read_only_sql_transaction")
	  or diag "$sql\n$err";
	$messages{$line} .= " $short";
}
note "standby refusals:";
note "  $_ <-$messages{$_}" for sort keys %messages;
like($standby->safe_psql('reg', q{SELECT mreg.set_purpose('audit review'); SELECT mreg.current_purpose()}), qr/^\s*audit review$/,
	'mreg.set_purpose works on the standby (it only sets the session purpose)');
is($standby->safe_psql('reg', 'SELECT pg_is_in_recovery()'), 't', 'the standby is still up and in recovery after the refused writes');

# ----------------------------------------------------- lag under a registration load
my $clients = 2;
my $steps = 100000;
for my $c (1 .. $clients)
{
	open my $fh, '>', "$tmp/load$c.sql" or die;
	print $fh "SELECT mreg.register_model('fraud', 'load$c');\n";
	print $fh "SELECT mreg.log_evaluation(mreg.register_model_version('fraud', 'load$c', '1.$_.0'), 'recall', 0.5);\n" for 1 .. $steps;
	close $fh;
}
open my $sfh, '>', "$tmp/sample.sql" or die;
print $sfh "SELECT format('%s %s %s', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), coalesce(extract(epoch FROM replay_lag) * 1000, 0),
              (SELECT count(*) FROM mreg.model_version)) AS s FROM pg_stat_replication \\gset\n\\warn sample :s\nSELECT pg_sleep(0.05);\n"
  for 1 .. 1000;
close $sfh;
my $v0 = $primary->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version');
my $t0 = time;
my @load = map { start_client($primary, 'reg', "$tmp/load$_.sql", "$tmp/load$_.out") } 1 .. $clients;
my $sampler = start_client($primary, 'reg', "$tmp/sample.sql", "$tmp/sample.out");
sleep 4;
$_->kill_kill for @load, $sampler;
stop_client($_) for @load, $sampler;
my $secs = time - $t0;
$primary->wait_for_catchup($standby);
my $catchup = time - $t0 - $secs;
my @samples = client_lines("$tmp/sample.out", 'sample');
my @bytes = sort { $a <=> $b } map { $_->[0] } @samples;
my @ms = sort { $a <=> $b } map { $_->[1] } @samples;
my $registered = $primary->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version') - $v0;
my $pct = sub { my ($a, $p) = @_; return @$a ? $a->[ int($p * $#$a) ] : 'n/a' };
ok(@samples > 10, 'lag sampled during the load');
note sprintf('registration load: %d clients, %d versions (+1 evaluation each) in %.1f s = %.0f/s', $clients, $registered, $secs, $registered / $secs);
note sprintf('standby replay lag over %d samples: bytes median %s, p95 %s, max %s; replay_lag ms median %.1f, p95 %.1f, max %.1f; caught up %.2f s after the load',
	scalar @samples, $pct->(\@bytes, 0.5), $pct->(\@bytes, 0.95), $bytes[-1] // 'n/a',
	$pct->(\@ms, 0.5), $pct->(\@ms, 0.95), $ms[-1] // 0, $catchup);
is($standby->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version'), $primary->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version'),
	'after the load the standby has every version');

# ----------------------------------------------------- failover
my $digest = registry_digest($primary, 'reg');
my $head = $primary->safe_psql('reg', 'SELECT h::text FROM mreg.audit_head() h');
$primary->stop('fast');
$standby->promote;
$standby->poll_query_until('reg', 'SELECT NOT pg_is_in_recovery()') or die 'promotion did not finish';
is(registry_digest($standby, 'reg'), $digest, 'promoted: every table is as on the primary');
is($standby->safe_psql('reg', 'SELECT h::text FROM mreg.audit_head() h'), $head, 'promoted: the audit chain head is the primary\'s');
$standby->safe_psql('reg', q{
SELECT mreg.log_evaluation(mreg.register_model_version('fraud', 'fraud-gbm', '99.0.0'), 'recall', 0.99);
SELECT mreg.set_alias('fraud', 'fraud-gbm', '@champion', '99.0.0', 'after failover');
SELECT mreg.record_health((SELECT min(id) FROM mreg.deployment WHERE state = 'live'), now(), 1, 2, 3, 0, 1, 1, 1);
});
ok($standby->safe_psql('reg', q{SELECT count(*) FROM mreg.consume_events('audit-sink', 1000)}) > 0,
	'promoted: the outbox consumer goes on from its cursor');
is($standby->safe_psql('reg', q{SELECT count(*) FROM mreg.search('version:99.0.0')}), '1', 'promoted: writes work and search sees them');
like($standby->safe_psql('reg', q{SELECT v::text FROM mreg.verify_audit_chain() v}), qr/^\(t,\d+,\)$/, 'promoted: the audit chain verifies after new writes');
$standby->stop;
done_testing();
