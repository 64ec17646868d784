#!/usr/bin/env bash
# The private cluster speaks TLS on TCP and refuses plain TCP.
set -eu
ssl=$(psql -X -At "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres sslmode=require" \
	-c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
[ "$ssl" = t ] || { echo "expected a TLS session, got '$ssl'"; exit 1; }
if psql -X -At "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres sslmode=disable" -c "SELECT 1" 2>/dev/null; then
	echo "plain TCP was accepted"; exit 1
fi
echo "TLS required on TCP: ok"
