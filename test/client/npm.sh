#!/usr/bin/env bash
# npm packages of the node client tests (test/client/*.js), pinned, installed
# once into a cache outside the checkout; later runs find them and make no
# network call.  `npm.sh --path` prints the node_modules folder (NODE_PATH).
#   MREG_NPM_CACHE  the cache folder (default /tmp/mreg-npm-cache)
set -eu
PACKAGES="pg@8.23.1"
CACHE=${MREG_NPM_CACHE:-/tmp/mreg-npm-cache}
STAMP="$CACHE/installed-$(echo "$PACKAGES" | tr ' @/' '_-_')"
if [ "${1:-}" = --path ]; then echo "$CACHE/node_modules"; exit 0; fi
[ -f "$STAMP" ] && exit 0
mkdir -p "$CACHE"
echo "installing $PACKAGES from npm into $CACHE"
npm install --no-audit --no-fund --no-save --silent --prefix "$CACHE" $PACKAGES >/dev/null
touch "$STAMP"
