# Scale-out with PL/Proxy (SPEC §8, doc/scaling.md): two shard clusters with
# mreg and a proxy cluster set up by src/plproxy/setup.sh.  Writes through the
# proxy land on their project's shard only, ids name their shard, reads and
# search through the proxy return the union in the order one node would give
# (search_facets equal to a single node holding the same data), rights and
# row-level security apply on the shards as the calling role, and a shard's
# error (42501, 23503) reaches the caller with its SQLSTATE and message.  The
# routing overhead of PL/Proxy against a direct call is measured (reported,
# not judged).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use List::Util qw(sum);
use MregTap;

my $root = $ENV{MREG_ROOT} or die 'MREG_ROOT is not set';
my $tmp = $PostgreSQL::Test::Utils::tmp_check;

my @shard = map { mreg_node("shard$_") } 0, 1;
my $proxy = mreg_node('proxy');
$_->start for @shard, $proxy;
# the same roles on every node: alice administers, bob only reads
for my $n (@shard, $proxy)
{
	$n->safe_psql('postgres', 'CREATE DATABASE reg');
	$n->safe_psql('reg', 'CREATE EXTENSION mreg CASCADE') unless $n == $proxy;
	$n->safe_psql('postgres', 'CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN');
}
$proxy->safe_psql('postgres', 'CREATE DATABASE single');
$proxy->safe_psql('single', 'CREATE EXTENSION mreg CASCADE');    # one node with all the data, to compare
for my $n (@shard, $proxy)
{
	$n->safe_psql($n == $proxy ? 'single' : 'reg', 'GRANT mreg_admin TO alice; GRANT mreg_reader TO bob');
}

my ($rc, $out, $err);
my @cmd = ("$root/src/plproxy/setup.sh", $proxy->connstr('reg'), map { $_->connstr('reg') } @shard);
($rc, $out, $err) = (IPC::Run::run(\@cmd, '<', \undef, '>', \$out, '2>', \$err) ? 0 : 1, $out, $err);
is($rc, 0, 'src/plproxy/setup.sh sets up two shards and the proxy') or diag $err;
$proxy->safe_psql('postgres', 'GRANT mreg_admin TO alice');
is($proxy->safe_psql('reg', 'SELECT mreg_proxy.shard_count()'), '2', 'the proxy sees two shards');
is($proxy->safe_psql('reg', q{SELECT count(*) FROM pg_extension WHERE extname = 'mreg'}), '0', 'the proxy has no mreg');

# ------------------------------------------------------------ signatures
# every routed function has mreg's arguments, defaults and result (a version
# is text on the proxy); create_project has one more argument, the shard
my $sig = q{SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') ' || pg_get_function_result(p.oid)
  FROM pg_proc p WHERE p.pronamespace = '%s'::regnamespace AND p.proname = ANY ('{%s}') ORDER BY 1};
my $api = 'create_project,grant_access,register_model,register_dataset_version,log_run,register_model_version,'
  . 'set_status,set_alias,define_environment,promote,log_evaluation,record_health,impact,search,search_facets';
my $want = $shard[0]->safe_psql('reg', sprintf($sig, 'mreg', $api)) . "\n"
  . $shard[0]->safe_psql('reg', q{SELECT 'version_id(' || pg_get_function_arguments('mreg.version_id(text, text, text)'::regprocedure) || ') bigint'});
$want =~ s/mreg\.semver/text/g;
$want = join "\n", sort split /\n/, $want;
my $got = $proxy->safe_psql('reg', sprintf($sig, 'mreg_proxy', "$api,version_id"));
$got =~ s/, shard integer DEFAULT NULL::integer\)/)/;
is($got, $want, 'mreg_proxy functions have the signatures of the mreg API');

# ------------------------------------------------------------ the data
# The same registry through the proxy (projects placed on chosen shards) and
# into the single node directly.
my %place = (alpha => 0, gamma => 0, beta => 1, delta => 1);
sub load_sql
{
	my ($s, $proxied) = @_;
	my $sql = '';
	my @words = ('fraud detection on card payments', 'customer churn forecast', 'search ranking for products', 'fraud scoring of transfers');
	my $k = 0;
	for my $p (sort keys %place)
	{
		$sql .= $proxied
		  ? "SELECT $s.create_project('$p', 'project $p', 'internal', $place{$p});\n"
		  : "SELECT $s.create_project('$p', 'project $p');\n";
		$sql .= "SELECT $s.register_dataset_version('$p', 'events', 'v1', 's3://$p/events/v1');\n";
		$sql .= "SELECT $s.log_run('$p', 'train', '{\"lr\": 0.1}', '{}', ARRAY['dataset:events\@v1']) AS run_$p \\gset\n";
		for my $m (1 .. 3)
		{
			my $w = $words[ $k++ % @words ];
			$sql .= "SELECT $s.register_model('$p', '$p-m$m', '$w', team => 'team$m');\n";
			for my $v (1 .. 4)
			{
				my $run = $v == 1 ? ":run_$p" : 'NULL';
				$sql .= "SELECT $s.register_model_version('$p', '$p-m$m', '1.$v.0', $run, metadata => '{\"n\": $v}') AS vid \\gset\n";
				$sql .= "SELECT $s.log_evaluation(:vid, 'auc', 0.$v$m);\n";
			}
			$sql .= "SELECT $s.set_status('$p', '$p-m$m', '1.4.0', 'staging');\n" if $m == 2;
			$sql .= "SELECT $s.set_alias('$p', '$p-m$m', 'champion', '1.3.0', 'best auc');\n";
		}
		$sql .= "SELECT $s.define_environment('$p', 'staging');\n";
		$sql .= "SELECT $s.promote('$p', '$p-m1', '1.3.0', 'staging') AS dep_$p \\gset\n";
		$sql .= "SELECT $s.record_health(:dep_$p, now() - interval '1 minute', 10, 20, 30, 0.001);\n";
	}
	# a private project on shard 1 that bob may not read
	$sql .= $proxied ? "SELECT $s.create_project('secret', 'private', 'private', 1);\n" : "SELECT $s.create_project('secret', 'private', 'private');\n";
	$sql .= "SELECT $s.register_model('secret', 'hidden', 'fraud detection, private');\n";
	$sql .= "SELECT $s.register_model_version('secret', 'hidden', '1.0.0');\n";
	return $sql;
}
$_->safe_psql('reg', 'SELECT mreg.create_health_partitions(current_date - 1, current_date + 1)') for @shard;
$proxy->safe_psql('single', 'SELECT mreg.create_health_partitions(current_date - 1, current_date + 1)');
sub run_file
{
	my ($node, $db, $sql, $user) = @_;
	my $f = "$tmp/load_$db.sql";
	open my $fh, '>', $f or die;
	print $fh $sql;
	close $fh;
	my $e = '';
	my $ok = IPC::Run::run([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-U', $user // 'postgres', '-f', $f ],
		'<', \undef, '>', '/dev/null', '2>', \$e);
	return ($ok, $e);
}
my ($ok, $e) = run_file($proxy, 'reg', load_sql('mreg_proxy', 1), 'alice');
ok($ok, 'a registry written through the proxy as alice: projects, datasets, runs, models, versions, evaluations, aliases, deployments, health')
  or diag $e;
($ok, $e) = run_file($proxy, 'single', load_sql('mreg', 0), 'alice');
ok($ok, 'the same registry written into one node') or diag $e;

# ------------------------------------------------------------ placement
is($proxy->safe_psql('reg', q{SELECT string_agg(project || ':' || shard, ' ' ORDER BY project) FROM mreg_proxy.project_shard}),
	'alpha:0 beta:1 delta:1 gamma:0 secret:1', 'the proxy map holds each project on its chosen shard');
my @per = map {
	$_->safe_psql('reg', q{SELECT string_agg(format('%s:%s/%s/%s/%s/%s', p.name,
	    (SELECT count(*) FROM mreg.model m WHERE m.project_id = p.id),
	    (SELECT count(*) FROM mreg.model_version v WHERE v.project_id = p.id),
	    (SELECT count(*) FROM mreg.evaluation e JOIN mreg.model_version v ON v.id = e.model_version_id WHERE v.project_id = p.id),
	    (SELECT count(*) FROM mreg.deployment d JOIN mreg.model_version v ON v.id = d.model_version_id WHERE v.project_id = p.id),
	    (SELECT count(*) FROM mreg.health_signal h JOIN mreg.deployment d ON d.id = h.deployment_id
	       JOIN mreg.model_version v ON v.id = d.model_version_id WHERE v.project_id = p.id)), ' ' ORDER BY p.name)
	  FROM mreg.project p})
} @shard;
is($per[0], 'alpha:3/12/12/1/1 gamma:3/12/12/1/1', 'shard 0 holds alpha and gamma only, with all their rows');
is($per[1], 'beta:3/12/12/1/1 delta:3/12/12/1/1 secret:1/1/0/0/0', 'shard 1 holds beta, delta and secret only, with all their rows');
is($shard[0]->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version WHERE id >= 1000000000000')
	. ' ' . $shard[1]->safe_psql('reg', 'SELECT count(*) FROM mreg.model_version WHERE id < 1000000000000 OR id >= 2000000000000'),
	'0 0', 'shard 0 numbers from 1, shard 1 from 10^12: ids are unique and name their shard');
for my $i (0, 1)
{
	is($shard[$i]->safe_psql('reg', 'SELECT ok FROM mreg.verify_audit_chain()'), 't', "shard $i: the audit chain verifies");
}

# ------------------------------------------------------------ reads
my $vid = $shard[1]->safe_psql('reg', q{SELECT mreg.version_id('beta', 'beta-m2', 'champion')});
is($proxy->safe_psql('reg', q{SELECT mreg_proxy.version_id('beta', 'beta-m2', 'champion') || ' ' || mreg_proxy.version_id('beta', 'beta-m2', '1.3.0')}),
	"$vid $vid", 'version_id through the proxy: by alias and by number, from the project\'s shard');
is($proxy->safe_psql('reg', q{SELECT string_agg(format('%s %s %s %s', project, model, version, depth), ',' ORDER BY depth, project, model, version)
                               FROM mreg_proxy.impact('alpha/dataset:events@v1')}),
	$shard[0]->safe_psql('reg', q{SELECT string_agg(format('%s %s %s %s', project, model, version, depth), ',' ORDER BY depth, project, model, version)
                               FROM mreg.impact('alpha/dataset:events@v1')}),
	'impact through the proxy is the answer of the node\'s shard');

# Scores carry a recency term (now() - created_at, on each shard in its own
# transaction), so the same row's score moves by about one float4 step every
# few seconds: results of two statements are compared with a tolerance,
# the order within one answer exactly.
my $row = q{format('%s|%s|%s|%s|%s|%s', model_version_id, project, model, version, stage, score)};
sub rows { return map { [ split /\|/ ] } grep { length } split /\n/, $_[0]; }
sub sorted_exactly
{
	my @r = @_;
	for my $i (1 .. $#r)
	{
		return 0 unless $r[ $i - 1 ][5] > $r[$i][5] || ($r[ $i - 1 ][5] == $r[$i][5] && $r[ $i - 1 ][0] > $r[$i][0]);
	}
	return 1;
}
sub scores { return join ' ', map { sprintf '%.5f', $_->[5] } @_; }
for my $q ('', 'fraud', 'churn forecast', 'alpha-m1', 'team:team2')
{
	my %direct = map { $_->[0] => $_ } map { rows($_->safe_psql('reg', "SELECT $row FROM mreg.search('$q', 1000)")) } @shard;
	my @full = rows($proxy->safe_psql('reg', "SELECT $row FROM mreg_proxy.search('$q', 1000)"));
	ok(sorted_exactly(@full), "search '$q' through the proxy: one list by score, then id (" . scalar(@full) . ' rows)');
	is(join(' ', sort { $a <=> $b } map { $_->[0] } @full), join(' ', sort { $a <=> $b } keys %direct),
		"search '$q' through the proxy: the union of the shards' answers");
	my @off = grep { !$direct{ $_->[0] } || abs($direct{ $_->[0] }[5] - $_->[5]) > 1e-6
		  || join('|', @{ $direct{ $_->[0] } }[ 1 .. 4 ]) ne join('|', @$_[ 1 .. 4 ]) } @full;
	is(scalar @off, 0, "search '$q' through the proxy: each row and score as its shard gives it");
	my @win = rows($proxy->safe_psql('reg', "SELECT $row FROM mreg_proxy.search('$q', 5, 3)"));
	my $end = @full < 8 ? $#full : 7;
	ok(sorted_exactly(@win) && scores(@win) eq scores(@full[ 3 .. $end ]), "search '$q', 5 from 3: the window of the merged list");
	my $key = q{SELECT string_agg(format('%%s %%s %%s', project, model, version), ',' ORDER BY project, model, version) FROM %s.search('%s', 1000)};
	is($proxy->safe_psql('reg', sprintf($key, 'mreg_proxy', $q)), $proxy->safe_psql('single', sprintf($key, 'mreg', $q)),
		"search '$q' through the proxy finds what one node with the same data finds");
	my $fac = q{SELECT string_agg(format('%%s %%s %%s', facet, value, count), ',') FROM %s.search_facets('%s')};
	is($proxy->safe_psql('reg', sprintf($fac, 'mreg_proxy', $q)), $proxy->safe_psql('single', sprintf($fac, 'mreg', $q)),
		"search_facets '$q' through the proxy: the counts of one node with the same data");
}
# paging deeper than one shard call (1000): pages are read on each shard
is($proxy->safe_psql('reg', q{SELECT count(*) FROM mreg_proxy.search('', 1000, 1000)}), '0', 'skip beyond 1000 works (nothing there)');

# ------------------------------------------------------------ caller identity
# bob reads as bob on the shards: alice grants him alpha through the proxy;
# row-level security there shows him alpha only, never the private project
$proxy->safe_psql('reg', q{SELECT mreg_proxy.grant_access('alpha', 'bob', 'read')}, extra_params => [ '-U', 'alice' ]);
is($proxy->safe_psql('reg', q{SELECT string_agg(DISTINCT project, ',') || ' ' || count(*) FROM mreg_proxy.search('fraud', 1000)},
	extra_params => [ '-U', 'bob' ]),
	'alpha ' . $proxy->safe_psql('reg', q{SELECT count(*) FROM mreg_proxy.search('fraud', 1000) WHERE project = 'alpha'}),
	'bob through the proxy: each shard\'s grants and row-level security apply to him (alpha only, as granted)');
is($proxy->safe_psql('reg', q{SELECT count(*) FROM mreg_proxy.search_facets('') WHERE facet = 'project' AND value = 'secret'}, extra_params => [ '-U', 'bob' ]),
	'0', 'bob\'s facets count only what he may read');

# errors from a shard come back with their SQLSTATE and message
sub err_of
{
	my ($user, $sql) = @_;
	my ($r, $o, $e) = $proxy->psql('reg', $sql, extra_params => [ '-U', $user, '-v', 'VERBOSITY=verbose' ]);
	my ($state, $msg) = $e =~ /ERROR:\s+([0-9A-Z]{5}):\s+(.*)/;
	return ($state // "none ($e)", $msg // '');
}
my ($st, $msg) = err_of('bob', q{SELECT mreg_proxy.register_model('alpha', 'bobs-model')});
is($st, '42501', 'bob registering a model through the proxy: 42501 from the shard');
my ($st_direct, $msg_direct) = do {
	my ($r, $o, $e) = $shard[0]->psql('reg', q{SELECT mreg.register_model('alpha', 'bobs-model')}, extra_params => [ '-U', 'bob', '-v', 'VERBOSITY=verbose' ]);
	$e =~ /ERROR:\s+([0-9A-Z]{5}):\s+(.*)/;
};
like($msg, qr/\Q$msg_direct\E/, "... with the shard's message: $msg");
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.register_model_version('beta', 'beta-m1', '2.0.0', 1)});
is($st, '23503', 'a version citing a run of another shard: 23503 from the shard') or diag $msg;
like($msg, qr/REMOTE ERROR: run 1 is not registered in project/, "... with the shard's message: $msg");
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.log_evaluation(1000000999999, 'auc', 0.5)});
is($st, '23503', 'an evaluation of a version that does not exist on shard 1: 23503') or diag $msg;
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.register_model('nowhere', 'm')});
is($st, '23503', 'a project the proxy has not placed: 23503 from the proxy');
($st, $msg) = err_of('bob', q{SELECT mreg_proxy.create_project('bobs', 'x')});
is($st, '42501', 'bob may not place projects');
is($proxy->safe_psql('reg', q{SELECT count(*) FROM mreg_proxy.project_shard WHERE project IN ('bobs', 'nowhere')}), '0', '... and no map row stays');
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.create_project('alpha', 'again', shard => 1)});
is($st, '23505', 'creating an existing project goes to its shard, which refuses it') or diag "$st $msg";
is($shard[1]->safe_psql('reg', q{SELECT count(*) FROM mreg.project WHERE name = 'alpha'}), '0', '... and not to the shard asked for');

# a project made on a shard directly, then attached
$shard[1]->safe_psql('reg', q{SELECT mreg.create_project('legacy')});
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.attach_project('legacy', 1)});
is($st, '23503', 'alice may not attach a project she cannot see on its shard');
$proxy->safe_psql('reg', q{SELECT mreg_proxy.attach_project('legacy', 1)});
is($proxy->safe_psql('reg', q{SELECT mreg_proxy.register_model('legacy', 'm') > 1000000000000}), 't', 'an attached project is routed to its shard');
($st, $msg) = err_of('alice', q{SELECT mreg_proxy.attach_project('legacy2', 0)});
is($st, '23503', 'attaching a project that is not on the shard is refused');

# ------------------------------------------------------------ overhead
# Each statement a transaction of its own, sent by psql, one session per
# run: through the proxy (client -> proxy -> shard 0) and directly on shard 0.
sub timed
{
	my ($node, $db, $sql) = @_;
	my $f = "$tmp/bench.sql";
	open my $fh, '>', $f or die;
	print $fh $sql;
	close $fh;
	my $t0 = time;
	IPC::Run::run([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $f ], '<', \undef, '>', '/dev/null', '2>', \my $e)
	  or die "bench: $e";
	return time - $t0;
}
sub median { my @s = sort { $a <=> $b } @_; return $s[ int(@s / 2) ]; }
$proxy->safe_psql('reg', q{SELECT mreg_proxy.register_model('alpha', 'bench-p'); SELECT mreg_proxy.register_model('alpha', 'bench-d')});
my $calls = 200;
my (@reg_p, @reg_d, @s_p, @s_d, @s_1);
for my $r (1 .. 5)
{
	push @reg_p, timed($proxy, 'reg', join '', map { "SELECT mreg_proxy.register_model_version('alpha', 'bench-p', '$r.$_.0');\n" } 1 .. $calls) / $calls;
	push @reg_d, timed($shard[0], 'reg', join '', map { "SELECT mreg.register_model_version('alpha', 'bench-d', '$r.$_.0');\n" } 1 .. $calls) / $calls;
	push @s_p, timed($proxy, 'reg', "SELECT count(*) FROM mreg_proxy.search('fraud', 20);\n" x 100) / 100;
	push @s_1, timed($proxy, 'single', "SELECT count(*) FROM mreg.search('fraud', 20);\n" x 100) / 100;
	push @s_d, timed($shard[0], 'reg', "SELECT count(*) FROM mreg.search('fraud', 20);\n" x 100) / 100;
}
my ($rp, $rd, $sp, $s1, $sd) = map { median(@$_) * 1000 } \@reg_p, \@reg_d, \@s_p, \@s_1, \@s_d;
my $report = sprintf("register_model_version: proxy %.2f ms, direct %.2f ms, ratio %.2f\n"
	  . "search('fraud', 20): proxy over 2 shards %.2f ms, one node with all the data %.2f ms (ratio %.2f), shard 0 alone %.2f ms (ratio %.2f)\n",
	$rp, $rd, $rp / $rd, $sp, $s1, $sp / $s1, $sd, $sp / $sd);
note "PL/Proxy routing overhead (medians of 5 runs):\n$report";
open my $rf, '>', "$tmp/overhead.txt" or die;
print $rf $report;
close $rf;
pass('routing overhead measured (reported, not judged)');

$_->stop for @shard, $proxy;
done_testing();
