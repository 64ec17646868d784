#!/bin/sh
# mreg through PL/Proxy (doc/scaling.md): set up shards and a proxy.
#
#   src/plproxy/setup.sh PROXY_CONNINFO SHARD0_CONNINFO SHARD1_CONNINFO [...]
#
# Each shard database must have mreg installed (CREATE EXTENSION mreg
# CASCADE); the proxy database needs the plproxy package (Debian
# postgresql-15-plproxy), not mreg.  The number of shards is a power of two
# (PL/Proxy's rule).  The shard connection strings are used twice: by psql
# here, and by the proxy server to reach the shards, so write them as the
# proxy's host sees the shards and leave out user= (PL/Proxy connects as the
# calling role).  Run as a superuser on every node.  Running it again keeps
# the project map and redefines the cluster and the functions.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 PROXY_CONNINFO SHARD0_CONNINFO [SHARD1_CONNINFO ...]" >&2; exit 2; }
proxy=$1; shift
n=$#
[ $(( n & (n - 1) )) -eq 0 ] || { echo "setup.sh: $n shards: PL/Proxy needs a power of two" >&2; exit 2; }
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

i=0; opts=""
for conn in "$@"; do
	psql -d "$conn" -v shard=$i -f "$here/shard.sql"
	opts="$opts, p$i '$(printf '%s' "$conn" | sed "s/'/''/g")'"
	i=$((i + 1))
done

psql -d "$proxy" <<SQL
CREATE EXTENSION IF NOT EXISTS plproxy;
-- the same role names on every node: callers are the shards' roles
DO \$\$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['mreg_reader', 'mreg_contributor', 'mreg_publisher', 'mreg_approver', 'mreg_admin', 'mreg_auditor'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
\$\$;
DROP SERVER IF EXISTS mreg CASCADE;
CREATE SERVER mreg FOREIGN DATA WRAPPER plproxy OPTIONS (connection_lifetime '1800'$opts);
COMMENT ON SERVER mreg IS 'mreg shards for PL/Proxy: partition pK is shard K (doc/scaling.md)';
-- no user option: PL/Proxy connects as the caller (user=current_user)
CREATE USER MAPPING FOR PUBLIC SERVER mreg;
GRANT USAGE ON FOREIGN SERVER mreg TO PUBLIC;
SQL
psql -d "$proxy" -f "$here/proxy.sql"
echo "mreg PL/Proxy cluster: $n shards, proxy functions in schema mreg_proxy"
