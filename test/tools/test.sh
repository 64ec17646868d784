#!/usr/bin/env bash
# `make test`: bootstrap, build (warnings are errors), install, start a private
# cluster, run every suite, stop the cluster, print one summary line.
# Suites: pg_regress (sql/), pgTAP (test/pgtap/), isolation (test/isolation/),
# shell scripts (test/sh/), TAP scripts with their own clusters (test/tap/),
# ORM clients (test/client/), fuzz smoke (test/fuzz/).
# MREG_SUITES="regress pgtap" limits the run to some suites; MREG_SH=NAME (a
# glob) runs only test/sh/NAME.sh in the shell suite, MREG_TAP=NAME only
# test/tap/NAME.pl in the TAP suite.
set -u
source "$(dirname "$0")/common.sh"
cd "$MREG_ROOT"

SUITES=${MREG_SUITES:-"regress pgtap isolation sh tap client fuzz"}
PASSED=0; FAILED=0; FAILED_NAMES=()
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1"); }

take_lock 3600

bootstrap
trap 'cluster_stop' EXIT
trap 'exit 130' INT TERM
WERROR=1 build_install
cluster_start
export MREG_ROOT PGBIN PG_CONFIG CLUSTER_DIR AS_PG SUDO
PGXS_DIR=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")

# pg_regress / pg_isolation_regress print one line per test: PG15 writes
# "test name ... ok", PG16+ writes "ok N - name".  Count both forms.
count_regress_output() { # suite-label output-file exit-code
	local label=$1 out=$2 rc=$3 ok bad name
	ok=$(grep -cE '(\.\.\. ok)|(^ok [0-9]+ )' "$out")
	bad=$(grep -cE '(\.\.\. FAILED)|(\.\.\. failed)|(^not ok [0-9]+ )' "$out")
	PASSED=$((PASSED + ok))
	while read -r name; do [ -n "$name" ] && fail "$label:$name"; done < <(
		grep -E '(\.\.\. (FAILED|failed))|(^not ok [0-9]+ )' "$out" |
		sed -E 's/^not ok [0-9]+ +- +//; s/^test +//; s/^ +//; s/ .*//')
	if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then fail "$label (pg_regress exit $rc)"; fi
}

# Tests whose expected output is missing fail by name here; pg_regress would
# otherwise stop the whole suite at the first one.
with_expected() { # input-dir suffix expected-dir; sets WITH_EXPECTED
	local f n; WITH_EXPECTED=""
	for f in "$1"/*"$2"; do
		n=$(basename "$f" "$2")
		if [ -f "$3/$n.out" ]; then WITH_EXPECTED="$WITH_EXPECTED $n"
		else echo "missing $3/$n.out" >&2; fail "$(basename "$1"):$n (no expected output)"; fi
	done
}

suite_regress() {
	ls sql/*.sql >/dev/null 2>&1 || return 0
	log "suite: pg_regress"
	local out=$CLUSTER_DIR/regress.out rc
	with_expected sql .sql expected
	[ -n "$WITH_EXPECTED" ] || return 0
	make -s PG_CONFIG="$PG_CONFIG" installcheck REGRESS="$WITH_EXPECTED" ISOLATION= \
		2>&1 | tee "$out"; rc=${PIPESTATUS[0]}
	[ -f regression.diffs ] && [ "$rc" != 0 ] && head -200 regression.diffs
	count_regress_output regress "$out" "$rc"
}

suite_isolation() {
	ls test/isolation/specs/*.spec >/dev/null 2>&1 || return 0
	log "suite: isolation"
	local out=$CLUSTER_DIR/isolation.out rc specs
	with_expected test/isolation/specs .spec test/isolation/expected
	[ -n "$WITH_EXPECTED" ] || return 0; specs=$WITH_EXPECTED
	"$PGXS_DIR/test/isolation/pg_isolation_regress" --inputdir=test/isolation --outputdir=test/isolation/output_iso \
		--bindir="$PGBIN" --dbname=mreg_isolation --load-extension=pg_trgm --load-extension=pgcrypto --load-extension=mreg \
		$specs 2>&1 | tee "$out"; rc=${PIPESTATUS[0]}
	[ -f test/isolation/output_iso/regression.diffs ] && [ "$rc" != 0 ] && head -200 test/isolation/output_iso/regression.diffs
	count_regress_output isolation "$out" "$rc"
}

# pgTAP: each file runs in a fresh database made from a template that has
# pgtap and mreg installed, so files cannot leak state into each other.
suite_pgtap() {
	ls test/pgtap/*.sql >/dev/null 2>&1 || return 0
	log "suite: pgTAP"
	psql_q -d postgres -c "CREATE DATABASE mreg_tap_template" &&
	psql_q -d mreg_tap_template -c "CREATE EXTENSION pgtap; CREATE EXTENSION mreg CASCADE;" || { fail "pgtap:setup"; return; }
	local f name db
	for f in test/pgtap/*.sql; do
		name=$(basename "$f" .sql); db="tap_${name//[^a-zA-Z0-9_]/_}"
		psql_q -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE mreg_tap_template" || { fail "pgtap:$name"; continue; }
		if pg_prove --dbname "$db" --username postgres --failures "$f"; then pass; else fail "pgtap:$name"; fi
		psql_q -d postgres -c "DROP DATABASE \"$db\" WITH (FORCE)" || true
	done
}

# Shell scripts: each gets the cluster's environment; exit 0 is a pass.  A
# script that reports several results writes lines "pass NAME" / "fail NAME"
# to the file $MREG_SUBTESTS; those are counted instead (and a non-zero exit
# without any "fail" line is one more failure).
suite_sh() {
	ls test/sh/*.sh >/dev/null 2>&1 || return 0
	log "suite: shell scripts"
	local f rc r n sub=$CLUSTER_DIR/subtests
	for f in test/sh/${MREG_SH:-*}.sh; do
		[ -f "$f" ] || { fail "sh:${MREG_SH:-*} (no such script)"; continue; }
		echo "--- $f"
		: > "$sub"
		MREG_SUBTESTS=$sub bash "$f"; rc=$?
		if [ $rc = 0 ]; then echo "ok: $f"; else echo "FAILED: $f"; fi
		if [ -s "$sub" ]; then
			while read -r r n; do
				if [ "$r" = pass ]; then pass; else fail "sh:$(basename "$f"):$n"; fi
			done < "$sub"
			[ $rc = 0 ] || grep -q '^fail ' "$sub" || fail "sh:$(basename "$f")"
		elif [ $rc = 0 ]; then pass
		else fail "sh:$(basename "$f")"; fi
	done
}

# TAP scripts (test/tap/*.pl) start clusters of their own with
# PostgreSQL::Test::Cluster (Debian ships it in postgresql-client-15, under
# pgxs/src/test/perl): crash recovery, point-in-time recovery, standbys.
# initdb refuses to run as root, so prove runs as the postgres OS user, each
# script in a folder of its own (tmp_check/ with the nodes and their logs).
# One result per script: it passes when every assertion passes.
suite_tap() {
	ls test/tap/*.pl >/dev/null 2>&1 || return 0
	log "suite: TAP (own clusters)"
	local f name dir
	for f in test/tap/${MREG_TAP:-*}.pl; do
		[ -f "$f" ] || { fail "tap:${MREG_TAP:-*} (no such script)"; continue; }
		name=$(basename "$f" .pl); dir=$CLUSTER_DIR/tap/$name
		mkdir -p "$dir" && $SUDO chown postgres: "$dir" || { fail "tap:$name"; continue; }
		echo "--- $f"
		if (cd "$dir" && $AS_PG env PATH="$PGBIN:$PATH" PERL5LIB="$PGXS_DIR/test/perl:$MREG_ROOT/test/tap" \
				PG_REGRESS="$PGXS_DIR/test/regress/pg_regress" TESTDIR="$dir" MREG_ROOT="$MREG_ROOT" \
				prove --verbose --timer "$MREG_ROOT/$f"); then
			pass
		else
			fail "tap:$name"
			$SUDO sh -c "tail -n 40 '$dir'/tmp_check/log/*.log" 2>/dev/null
		fi
	done
}

# ORM and driver clients: test/client/*.py with Debian's Python (its modules
# live there; _*.py are shared helpers), test/client/*.js with node (npm
# packages they need are installed by test/client/npm.sh into a cache).
suite_client() {
	ls test/client/*.py test/client/*.js >/dev/null 2>&1 || return 0
	log "suite: clients"
	local f
	for f in test/client/[!_]*.py; do
		[ -f "$f" ] || continue
		echo "--- $f"
		if /usr/bin/python3 "$f"; then pass; else fail "client:$(basename "$f")"; fi
	done
	for f in test/client/[!_]*.js; do
		[ -f "$f" ] || continue
		echo "--- $f"
		if bash test/client/npm.sh && NODE_PATH=$(bash test/client/npm.sh --path) node "$f"; then pass
		else fail "client:$(basename "$f")"; fi
	done
}

# Fuzz smoke: every harness for a short while (make fuzz runs them longer).
suite_fuzz() {
	ls test/fuzz/*_fuzz.c >/dev/null 2>&1 || return 0
	log "suite: fuzz smoke"
	local h
	for h in test/fuzz/*_fuzz.c; do
		h=$(basename "$h" _fuzz.c)
		if bash test/tools/fuzz.sh "${MREG_FUZZ_SECONDS:-15}" "$h"; then pass; else fail "fuzz:$h"; fi
	done
}

for s in $SUITES; do "suite_$s"; done

echo
if [ "$FAILED" -gt 0 ]; then
	echo "failed tests:"; printf '  %s\n' "${FAILED_NAMES[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
