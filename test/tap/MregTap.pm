# Helpers shared by the TAP scripts in test/tap/ (crash, point-in-time
# recovery, standbys): nodes with mreg's settings, a digest of every registry
# table, background clients, and killing a whole server at once.
package MregTap;
use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Time::HiRes qw(usleep);

our @EXPORT = qw(mreg_node registry_digest start_client stop_client kill_server client_lines);

# A node initialized with the given init() parameters, sized for a few
# concurrent clients, quiet logs (Cluster.pm logs every statement otherwise).
sub mreg_node
{
	my ($name, %params) = @_;
	my $extra_conf = delete $params{conf} // '';
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(%params);
	$node->append_conf('postgresql.conf', <<"CONF");
shared_buffers = 64MB
max_connections = 40
max_prepared_transactions = 5
log_statement = none
log_min_messages = warning
lc_messages = 'C'
$extra_conf
CONF
	return $node;
}

# One line per table of schemas mreg and mreg_internal (partitions of
# mreg.health_signal included): name, rows, md5 of the rows in text order.
# Runs on a standby too (a plain SELECT).
sub registry_digest
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, <<'SQL');
SELECT format('%s.%s %s %s', n.nspname, c.relname,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1],
       (xpath('/row/h/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) AS h FROM %I.%I t',
                                                   n.nspname, c.relname), false, true, '')))[1])
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('mreg', 'mreg_internal') AND c.relkind = 'r'
 ORDER BY 1;
SQL
}

# A psql client running FILE against NODE in the background; what it says
# with \warn goes to ERRFILE.  Returns the IPC::Run handle.
sub start_client
{
	my ($node, $db, $file, $errfile) = @_;
	my @cmd = ('psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr($db), '-f', $file);
	return IPC::Run::start(\@cmd, '<', \undef, '>', '/dev/null', '2>', $errfile);
}

sub stop_client
{
	my ($h) = @_;
	eval { $h->finish; };
	return $h->result;
}

# The lines of FILE that start with WORD, split on blanks (without WORD).
sub client_lines
{
	my ($file, $word) = @_;
	my @rows;
	open my $fh, '<', $file or return ();
	while (my $l = <$fh>)
	{
		chomp $l;
		my @f = split /\s+/, $l;
		push @rows, [ @f[ 1 .. $#f ] ] if @f && $f[0] eq $word;
	}
	close $fh;
	return @rows;
}

# SIGKILL the postmaster and every process it started, in one go: nothing
# gets to shut down, flush or say goodbye (a machine crash, short of losing
# the OS page cache).  Waits until they are all gone.
sub kill_server
{
	my ($node) = @_;
	my $pm = $node->{_pid} or die "node is not running";
	my @kids;
	opendir my $d, '/proc' or die "no /proc";
	for my $p (grep { /^\d+$/ } readdir $d)
	{
		open my $fh, '<', "/proc/$p/stat" or next;
		my $stat = <$fh>;
		close $fh;
		next unless defined $stat && $stat =~ /^\d+ \(.*\) \S (\d+) /;
		push @kids, $p if $1 == $pm;
	}
	closedir $d;
	my $n = kill 'KILL', $pm, @kids;
	die "SIGKILL reached $n of " . (1 + @kids) . " processes" unless $n == 1 + @kids;
	$node->{_pid} = undef;
	# gone means reaped: a zombie postmaster still "runs" for the next
	# postmaster's lock-file check
	for my $p ($pm, @kids)
	{
		for (1 .. 1000) { last unless -e "/proc/$p"; usleep(10_000); }
	}
	return scalar @kids;
}

1;
