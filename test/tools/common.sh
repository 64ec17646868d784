# Shared by demo.sh, test.sh and the suites: bootstrap, build, private cluster.
# Sourced, not run.  Works as root (CI) and as a normal user with sudo.

MREG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
# MREG_PG_PREFIX=/opt/NAME: build against a private copy of the server made
# there (PostgreSQL finds its lib and share folders relative to its binaries),
# so several checkouts can install and test at once without swapping mreg.so
# under each other's clusters.  Unset (CI, make demo): the system server.
MREG_PG_PREFIX=${MREG_PG_PREFIX:-}
[ -n "$MREG_PG_PREFIX" ] && PGBIN=$MREG_PG_PREFIX/lib/postgresql/$PG_MAJOR/bin

if [ "$(id -u)" = 0 ]; then SUDO=""; AS_PG="runuser -u postgres --"
else SUDO="sudo"; AS_PG="sudo -u postgres --"; fi

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the build and every suite need.  Only missing ones are
# installed, so a second run does not touch the network.
MREG_PACKAGES="postgresql-$PG_MAJOR postgresql-contrib postgresql-server-dev-$PG_MAJOR
  postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl libipc-run-perl
  postgresql-$PG_MAJOR-plpgsql-check postgresql-$PG_MAJOR-plproxy python3-yaml
  openssl make gcc clang-14 libclang-rt-14-dev
  chromium fonts-dejavu-core python3-pil
  python3-psycopg2 python3-sqlalchemy"
# test/client/*.js run with node; their npm packages are installed by
# test/client/npm.sh (pinned, into a cache that later runs reuse offline).
MREG_NODE_PACKAGES="nodejs npm"

# Install those of the named Debian packages that are missing.
install_missing() {
	local missing="" p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing Debian packages:$missing"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
			|| die "apt-get install failed:$missing"
	fi
}

bootstrap() {
	install_missing $MREG_PACKAGES ${MREG_EXTRA_PACKAGES:-}
	# node and npm: Debian's, unless some node with its npm is there already
	{ command -v node && command -v npm; } >/dev/null || install_missing $MREG_NODE_PACKAGES
	[ -z "$MREG_PG_PREFIX" ] || private_server
	[ -x "$PGBIN/postgres" ] || die "no PostgreSQL $PG_MAJOR server in $PGBIN"
	export PG_CONFIG=$PGBIN/pg_config
	[ -x "$PG_CONFIG" ] || PG_CONFIG=$(command -v pg_config)
}

# The private copy of the server for MREG_PG_PREFIX, made once (after the
# packages, so it has pgTAP and the contrib modules; extension files of
# packages installed later are copied in on later runs).  Headers are shared.
private_server() {
	if [ -x "$PGBIN/postgres" ]; then
		# a copy made before a package was added lacks its files: add the
		# missing ones (never overwriting, so mreg's install there stays)
		$SUDO cp -an "/usr/lib/postgresql/$PG_MAJOR/." "$MREG_PG_PREFIX/lib/postgresql/$PG_MAJOR/" || die "updating the server copy failed"
		$SUDO cp -an "/usr/share/postgresql/$PG_MAJOR/." "$MREG_PG_PREFIX/share/postgresql/$PG_MAJOR/" || die "updating the server copy failed"
		return 0
	fi
	log "private server copy in $MREG_PG_PREFIX"
	$SUDO mkdir -p "$MREG_PG_PREFIX/lib/postgresql" "$MREG_PG_PREFIX/share/postgresql" "$MREG_PG_PREFIX/include" || die "mkdir $MREG_PG_PREFIX"
	$SUDO cp -a "/usr/lib/postgresql/$PG_MAJOR" "$MREG_PG_PREFIX/lib/postgresql/" || die "copying the server failed"
	$SUDO cp -a "/usr/share/postgresql/$PG_MAJOR" "$MREG_PG_PREFIX/share/postgresql/" || die "copying the server failed"
	$SUDO ln -sfn /usr/include/postgresql "$MREG_PG_PREFIX/include/postgresql"
}

# Build as the invoking user, install with root rights.  make only redoes
# what changed, so a second run is quick.
build_install() {
	log "building and installing mreg"
	make -s -C "$MREG_ROOT" PG_CONFIG="$PG_CONFIG" WERROR="${WERROR:-0}" all >&2 || die "build failed"
	$SUDO make -s -C "$MREG_ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null || die "install failed"
}

# Start a throw-away cluster owned by the postgres OS user, in a fresh temp
# folder, unix socket in that folder, TLS on TCP 127.0.0.1, a free port.
# Sets and exports PGHOST PGPORT PGUSER PGDATABASE, and CLUSTER_DIR.
cluster_start() {
	# The folder stays the invoking user's (logs, dumps); the server's own
	# parts (data, socket, server log) belong to postgres.
	CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mreg-cluster.XXXXXX")
	chmod 755 "$CLUSTER_DIR"
	mkdir -p "$CLUSTER_DIR/data" "$CLUSTER_DIR/sock" "$CLUSTER_DIR/log"
	$SUDO chown postgres: "$CLUSTER_DIR/data" "$CLUSTER_DIR/sock" "$CLUSTER_DIR/log"
	log "initdb in $CLUSTER_DIR"
	$AS_PG "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 \
		|| { cat "$CLUSTER_DIR/initdb.log" >&2; die "initdb failed"; }
	# Self-signed certificate for TLS on TCP.
	$AS_PG openssl req -new -x509 -days 30 -nodes -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$CLUSTER_DIR/data/server.key" -out "$CLUSTER_DIR/data/server.crt" >/dev/null 2>&1 || die "openssl failed"
	$AS_PG chmod 600 "$CLUSTER_DIR/data/server.key"
	$AS_PG tee "$CLUSTER_DIR/data/pg_hba.conf" >/dev/null <<-HBA
		local      all all              trust
		local      replication all      trust
		hostssl    all all 127.0.0.1/32 trust
		hostssl    replication all 127.0.0.1/32 trust
		hostnossl  all all 127.0.0.1/32 reject
	HBA
	local try port
	for try in 1 2 3 4 5 6 7 8 9 10; do
		port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
		# skip ports someone listens on already
		if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then continue; fi
		if $AS_PG "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log/server.log" -w -t 60 start 9>&- \
			-o "-p $port -k $CLUSTER_DIR/sock -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=off \
			    -c max_connections=60 -c max_prepared_transactions=10 -c shared_buffers=256MB \
			    -c log_min_messages=warning -c lc_messages=C ${MREG_PG_OPTS:-}" >/dev/null 2>&1; then
			export PGHOST=$CLUSTER_DIR/sock PGPORT=$port PGUSER=postgres PGDATABASE=postgres
			CLUSTER_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
			log "private cluster up: pid $CLUSTER_PID, socket $PGHOST, port $PGPORT (TLS on 127.0.0.1)"
			return 0
		fi
	done
	$SUDO cat "$CLUSTER_DIR/log/server.log" >&2 2>/dev/null
	die "could not start the private cluster"
}

# Stop only the cluster this script started, then remove its folder.
cluster_stop() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ] || return 0
	if [ -f "$CLUSTER_DIR/data/postmaster.pid" ]; then
		$AS_PG "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
			|| $AS_PG "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1
	fi
	$SUDO rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=""
}

# One install of mreg.so at a time on this machine: runs from other checkouts
# would otherwise swap the module and script under each other's clusters.
take_lock() {
	local lock=${TMPDIR:-/tmp}/mreg-test${MREG_PG_PREFIX:+-$(basename "$MREG_PG_PREFIX")}.lock
	exec 9>>"$lock"; chmod 666 "$lock" 2>/dev/null
	flock -w "${1:-1800}" 9 || die "another mreg build holds $lock"
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
