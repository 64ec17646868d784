#!/usr/bin/env bash
# The manual's examples run verbatim: every ```sql block of README.md and
# doc/*.md, in order, each file in a fresh database (CREATE EXTENSION mreg
# CASCADE, then the search_path the README advises).  Each block is one psql
# session (psql -f, ON_ERROR_STOP, VERBOSITY verbose): what it leaves in the
# database carries on to the next block, session state (SET, \set, temp
# tables) does not.  Directives, HTML comments on the lines right before a
# block (blank lines between are fine; several may stack):
#   <!-- doc-test: expect-error SQLSTATE -->  the block must stop with that error
#   <!-- doc-test: skip REASON -->             not run; the reason is printed
#   <!-- doc-test: fresh -->                   run it in a new database
# and, at the top of a file:
#   <!-- doc-test: setup FILE.sql -->          test/doc/FILE.sql runs after the
#                                              extension is created (also in
#                                              each fresh database)
# Blocks tagged other than sql (sh, text, psql-output, none) are not run.
# Usage: doc_examples.sh [FILE.md...]  (default: README.md doc/*.md).  One
# result per doc file (through MREG_SUBTESTS when run by test.sh); the exit
# code is non-zero when any block fails.
set -u
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
# README: "ALTER DATABASE mydb SET search_path = "$user", public, mreg"
SEARCH_PATH='"$user", public, mreg'
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d); chmod 755 "$WORK"
DB=""
cleanup() { [ -n "$DB" ] && psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT

if [ $# -gt 0 ]; then FILES=("$@"); else FILES=(README.md doc/*.md); fi

# extract FILE.md DIR: writes DIR/N.sql per sql block and DIR/manifest, lines
#   setup <TAB> line <TAB> file
#   block <TAB> N <TAB> line <TAB> lang <TAB> directives (separated by \037)
#   bad <TAB> line <TAB> text           (a directive not before a block, an unclosed block)
extract() {
	awk -v dir="$2" '
	function flush_pending(why) { if (pend != "") print "bad\t" pline "\tdoc-test directive " why ": " pend > (dir "/manifest"); pend = "" }
	BEGIN { inb = 0; n = 0; pend = ""; nblocks = 0 }
	!inb && /^[ \t]*<!--[ \t]*doc-test:/ {
		d = $0; sub(/^[ \t]*<!--[ \t]*doc-test:[ \t]*/, "", d); sub(/[ \t]*-->[ \t]*$/, "", d)
		if (d ~ /^setup([ \t]|$)/) {
			if (nblocks > 0) print "bad\t" NR "\tdoc-test setup must come before the first block" > (dir "/manifest")
			s = d; sub(/^setup[ \t]*/, "", s); print "setup\t" NR "\t" s > (dir "/manifest"); next
		}
		if (pend == "") pline = NR
		pend = (pend == "" ? d : pend "\037" d); next
	}
	!inb && /^[ \t]*(```|~~~)/ {
		match($0, /^[ \t]*/); indent = RLENGTH
		rest = substr($0, indent + 1); fence = substr(rest, 1, 3)
		lang = substr(rest, 4); sub(/^[ \t]*/, "", lang); sub(/[ \t{].*$/, "", lang)
		inb = 1; n++; nblocks++; start = NR
		print "block\t" n "\t" NR "\t" lang "\t" pend > (dir "/manifest"); pend = ""
		if (lang == "sql") { out = dir "/" n ".sql"; printf "" > out }
		next
	}
	!inb && !/^[ \t]*$/ { flush_pending("not right before a block") ; next }
	inb {
		l = $0; match(l, /^[ \t]*/)
		if (substr(l, RLENGTH + 1, 3) == fence && substr(l, RLENGTH + 4) ~ /^[ \t]*$/) { inb = 0; if (lang == "sql") close(out); next }
		if (lang == "sql") { if (RLENGTH >= indent) l = substr(l, indent + 1); else sub(/^[ \t]*/, "", l); print l > out }
	}
	END { if (inb) print "bad\t" start "\tblock never closed" > (dir "/manifest"); flush_pending("at the end of the file") }
	' "$1"
	touch "$2/manifest"
}

# fresh_db NAME SETUP: a new database with mreg and the README's search_path
fresh_db() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null || return 1
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "CREATE EXTENSION mreg CASCADE" \
		-c "ALTER DATABASE $1 SET search_path = $SEARCH_PATH" >/dev/null || return 1
	if [ -n "$2" ]; then
		MREG_ROOT=$ROOT DOC_TEST_TMP=$WORK psql -X -q -v ON_ERROR_STOP=1 -v doc_test_tmp="$WORK" -d "$1" \
			-f "test/doc/$2" >/dev/null 2>"$WORK/setup.err" \
			|| { echo "setup test/doc/$2 failed:"; sed 's/^/    /' "$WORK/setup.err"; return 1; }
	fi
}

# psql's "psql:/tmp/.../N.sql:K: ERROR: ..." becomes "FILE:LINE: ERROR: ..." (the doc's line)
show_errors() { # errfile docfile blockline sqlfile
	grep -v '^LOCATION:' "$1" | awk -v f="$2" -v b="$3" -v s="$4" '
		index($0, "psql:" s ":") == 1 { r = substr($0, length("psql:" s ":") + 1); k = r; sub(/:.*/, "", k); sub(/^[0-9]+:/, "", r)
		                               print "    " f ":" (b + k) ":" r; next }
		{ print "    " $0 }' | head -20
}

result() { # pass|fail name
	if [ -n "${MREG_SUBTESTS:-}" ]; then echo "$1 $2" >> "$MREG_SUBTESTS"; fi
}

TOTAL_FAIL=0
for doc in "${FILES[@]}"; do
	[ -f "$doc" ] || { echo "FAIL: $doc: no such file"; result fail "doc:$doc"; TOTAL_FAIL=$((TOTAL_FAIL + 1)); continue; }
	dir=$WORK/$(echo "$doc" | tr '/.' '__'); mkdir -p "$dir"
	extract "$doc" "$dir"
	nsql=$(awk -F'\t' '$1 == "block" && $4 == "sql"' "$dir/manifest" | wc -l)
	setup=$(awk -F'\t' '$1 == "setup" {print $3; exit}' "$dir/manifest")
	ok=0; bad=0; skipped=0
	while IFS=$'\t' read -r line text; do echo "  $doc:$line: $text"; bad=$((bad + 1)); done \
		< <(awk -F'\t' '$1 == "bad" {print $2 "\t" $3}' "$dir/manifest")
	if [ -n "$setup" ] && [ ! -f "test/doc/$setup" ]; then
		echo "  $doc: setup test/doc/$setup does not exist"; bad=$((bad + 1)); setup=""
	fi
	DB=mreg_doc_$(basename "$doc" .md | tr -c 'a-zA-Z0-9_\n' '_' | tr 'A-Z' 'a-z')
	if [ "$nsql" -gt 0 ] && ! fresh_db "$DB" "$setup"; then
		echo "  $doc: could not prepare the database"; bad=$((bad + 1)); nsql=0
	fi
	while IFS=$'\t' read -r kind n line lang directives; do
		[ "$kind" = block ] && [ "$lang" = sql ] || continue
		expect=""; skip=""; fresh=0; unknown=""
		IFS=$'\037' read -r -a ds <<< "$directives"
		for d in "${ds[@]}"; do
			case "$d" in
				"expect-error "*) expect=${d#expect-error }; expect=${expect// /} ;;
				skip|"skip "*) skip=${d#skip}; skip=${skip# }; [ -n "$skip" ] || skip="(no reason given)" ;;
				fresh) fresh=1 ;;
				"") ;;
				*) unknown="$unknown [$d]" ;;
			esac
		done
		where="$doc:$line"
		if [ -n "$unknown" ]; then echo "  FAIL $where: unknown doc-test directive$unknown"; bad=$((bad + 1)); continue; fi
		if [ -n "$expect" ] && ! [[ $expect =~ ^[0-9A-Z]{5}$ ]]; then
			echo "  FAIL $where: expect-error needs a SQLSTATE (5 characters), got '$expect'"; bad=$((bad + 1)); continue; fi
		if [ -n "$skip" ]; then echo "  skip $where: $skip"; skipped=$((skipped + 1)); continue; fi
		if [ $fresh = 1 ] && ! fresh_db "$DB" "$setup"; then
			echo "  FAIL $where: could not prepare a fresh database"; bad=$((bad + 1)); continue; fi
		sql=$dir/$n.sql
		psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -P pager=off -d "$DB" -f "$sql" >/dev/null 2>"$dir/$n.err" </dev/null
		rc=$?
		got=$(sed -n 's/^psql:.*: ERROR:  \([0-9A-Z]\{5\}\): .*/\1/p; s/^ERROR:  \([0-9A-Z]\{5\}\): .*/\1/p' "$dir/$n.err" | head -1)
		if [ -z "$expect" ] && [ $rc = 0 ]; then ok=$((ok + 1))
		elif [ -z "$expect" ]; then
			echo "  FAIL $where: block failed (psql exit $rc):"; show_errors "$dir/$n.err" "$doc" "$line" "$sql"; bad=$((bad + 1))
		elif [ $rc = 0 ]; then
			echo "  FAIL $where: expected error $expect, the block ran without one"; bad=$((bad + 1))
		elif [ $rc = 3 ] && [ "$got" = "$expect" ]; then ok=$((ok + 1))
		else
			echo "  FAIL $where: expected error $expect, got ${got:-no SQLSTATE} (psql exit $rc):"
			show_errors "$dir/$n.err" "$doc" "$line" "$sql"; bad=$((bad + 1))
		fi
	done < "$dir/manifest"
	summary="$doc: $ok sql blocks ok, $bad failed, $skipped skipped"
	if [ $bad = 0 ]; then echo "ok   $summary"; result pass "doc:$doc"
	else echo "FAIL $summary"; result fail "doc:$doc"; TOTAL_FAIL=$((TOTAL_FAIL + 1)); fi
	[ "$nsql" -gt 0 ] && psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
done
[ $TOTAL_FAIL = 0 ]
