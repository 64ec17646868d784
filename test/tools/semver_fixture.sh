#!/usr/bin/env bash
# `make semver-fixture`: regenerate test/sh/fixtures/semver_node/ (node-semver's
# answers that test/sh/semver_node.sh checks mreg.semver against) with node
# and npm.  `make test` itself needs neither.
#   SEMVER_VERSION  node-semver version to install from npm (pinned below)
#   SEMVER_NV, SEMVER_NR  numbers of generated versions and ranges
set -eu
source "$(dirname "$0")/common.sh"
cd "$MREG_ROOT"
SEMVER_VERSION=${SEMVER_VERSION:-7.8.6}
OUT=test/sh/fixtures/semver_node

# Debian's nodejs and npm, unless node and npm are on PATH already.
command -v node >/dev/null && command -v npm >/dev/null || install_missing nodejs npm
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
log "installing node-semver $SEMVER_VERSION from npm into $WORK"
npm install --no-audit --no-fund --no-save --silent --prefix "$WORK" "semver@$SEMVER_VERSION" >/dev/null \
	|| die "npm install semver@$SEMVER_VERSION failed"
mkdir -p "$OUT"
node test/sh/semver_gen.js "$WORK/node_modules" "$OUT" "${SEMVER_NV:-600}" "${SEMVER_NR:-2500}"
du -ch "$OUT"/*.tsv | tail -1 | sed 's/\ttotal/ in '"${OUT//\//\\/}"'/'
git status --short -- "$OUT"
