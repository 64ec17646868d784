#!/usr/bin/env bash
# Build and run the libFuzzer harnesses (test/fuzz/NAME_fuzz.c) against the
# backend-free parsers.  Usage: fuzz.sh [SECONDS] [NAME...]
# A harness names the C files it links in a line "fuzz-sources: src/a.c src/b.c".
# Seeds live in test/fuzz/corpus/NAME/ (read only); new inputs go to a temp dir.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-600}; shift || true
CC=${FUZZ_CC:-clang-14}
command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
names=("$@")
if [ ${#names[@]} = 0 ]; then
	for h in "$ROOT"/test/fuzz/*_fuzz.c; do [ -e "$h" ] && names+=("$(basename "$h" _fuzz.c)"); done
fi
mkdir -p "$ROOT/test/fuzz/bin"
rc=0
for n in "${names[@]}"; do
	h=$ROOT/test/fuzz/${n}_fuzz.c
	srcs=$(sed -n 's/.*fuzz-sources:\(.*\)/\1/p' "$h" | head -1)
	bin=$ROOT/test/fuzz/bin/$n
	deps=("$h"); for s in $srcs; do deps+=("$ROOT/$s"); done
	stale=0; [ -x "$bin" ] || stale=1
	for d in "${deps[@]}" "$ROOT"/src/*.h "$ROOT"/test/fuzz/*.h; do [ "$d" -nt "$bin" ] && stale=1; done
	if [ $stale = 1 ]; then
		(cd "$ROOT" && $CC -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
			-Isrc -o "$bin" "$h" $srcs) || { echo "fuzz: build of $n failed" >&2; rc=1; continue; }
	fi
	work=$(mktemp -d); seeds=$ROOT/test/fuzz/corpus/$n; [ -d "$seeds" ] || seeds=""
	echo "fuzz: $n for ${SECS}s"
	if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work" $seeds > "$work/log" 2>&1; then
		grep -E 'stat::number_of_executed_units|Done' "$work/log" | tail -2
		rm -rf "$work"
	else
		tail -60 "$work/log"; echo "fuzz: $n FAILED; crash inputs kept in $work" >&2; rc=1
	fi
done
exit $rc
