# Point-in-time recovery (SPEC §8): a base backup (pg_basebackup) and the
# WAL archive of a registry, two registrations with a named restore point
# (pg_create_restore_point) between them and a moment in time between them.
# Recovered to either target, exactly the first registration exists, the
# audit chain verifies and ends where it ended at the target, and the
# recovered registry takes new registrations.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use MregTap;

my $primary = mreg_node('primary', allows_streaming => 1, has_archiving => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE DATABASE reg');
$primary->safe_psql('reg', q{
CREATE EXTENSION mreg CASCADE;
SELECT mreg.create_project('pitr', 'point-in-time recovery');
SELECT mreg.register_dataset_version('pitr', 'd', 'v1', 's3://d/1');
SELECT mreg.register_model('pitr', 'm');
SELECT mreg.register_model_version('pitr', 'm', '0.9.0');
});
$primary->backup('base');

# the first registration, the targets, the second registration
$primary->safe_psql('reg', q{
SELECT mreg.log_evaluation(mreg.register_model_version('pitr', 'm', '1.0.0',
         mreg.log_run('pitr', 'e', '{}', '{}', ARRAY['dataset:d@v1'])), 'accuracy', 0.9);
SELECT mreg.set_alias('pitr', 'm', 'champion', '1.0.0');
});
my $head = $primary->safe_psql('reg', 'SELECT seq || hash FROM mreg.audit_head()');
my $digest_first = registry_digest($primary, 'reg');
$primary->safe_psql('reg', q{SELECT pg_create_restore_point('between')});
usleep(100_000);
my $between = $primary->safe_psql('reg', 'SELECT clock_timestamp()');
usleep(100_000);
$primary->safe_psql('reg', q{
SELECT mreg.log_evaluation(mreg.register_model_version('pitr', 'm', '2.0.0'), 'accuracy', 0.95);
SELECT mreg.set_alias('pitr', 'm', 'champion', '2.0.0');
});
is($primary->safe_psql('reg', q{SELECT string_agg(version::text, ' ' ORDER BY version) FROM mreg.model_version}),
	'0.9.0 1.0.0 2.0.0', 'the primary has both registrations');
# archive the segment that holds the second registration
my $lsn = $primary->safe_psql('reg', 'SELECT pg_current_wal_lsn()');
my $walfile = $primary->safe_psql('reg', 'SELECT pg_walfile_name(pg_current_wal_lsn())');
$primary->safe_psql('reg', 'SELECT pg_switch_wal()');
$primary->poll_query_until('reg', "SELECT last_archived_wal >= '$walfile' FROM pg_stat_archiver")
  or die 'WAL was not archived';

my $n = 0;
for my $target ([ 'recovery_target_name', 'between' ], [ 'recovery_target_time', $between ])
{
	my ($setting, $value) = @$target;
	my $node = PostgreSQL::Test::Cluster->new('restored' . ++$n);
	$node->init_from_backup($primary, 'base', has_restoring => 1);
	$node->append_conf('postgresql.conf', "$setting = '$value'\nrecovery_target_action = 'promote'\narchive_mode = off\n");
	$node->start;
	$node->poll_query_until('reg', 'SELECT NOT pg_is_in_recovery()') or die 'recovery did not end';
	is($node->safe_psql('reg', q{SELECT string_agg(version::text, ' ' ORDER BY version) FROM mreg.model_version}),
		'0.9.0 1.0.0', "$setting: exactly the first registration is there");
	is($node->safe_psql('reg', 'SELECT ok FROM mreg.verify_audit_chain()'), 't', "$setting: the audit chain verifies");
	is($node->safe_psql('reg', 'SELECT seq || hash FROM mreg.audit_head()'), $head, "$setting: the chain ends where it ended at the target");
	is(registry_digest($node, 'reg'), $digest_first, "$setting: every table is as it was at the target");
	is($node->safe_psql('reg', q{SELECT mreg.semver_to_text(version) FROM mreg.model_version_overview WHERE '@champion' = ANY (aliases)}),
		'1.0.0', "$setting: the alias points where it pointed");
	$node->safe_psql('reg', q{SELECT mreg.register_model_version('pitr', 'm', '2.0.1')});
	is($node->safe_psql('reg', 'SELECT ok::text || checked FROM mreg.verify_audit_chain()'),
		'true' . $node->safe_psql('reg', 'SELECT count(*) FROM mreg.audit_log'), "$setting: the recovered registry registers, the chain goes on");
	$node->stop;
}
$primary->stop;
done_testing();
