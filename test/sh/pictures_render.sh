#!/usr/bin/env bash
# The pictures render in a browser: mreg.metric_chart_svg and mreg.compare_html
# over the doc registry (test/doc/pictures.sql) plus hostile names, opened in
# headless Debian Chromium (offline: file:// only, every host name unresolvable).
# Checks, for each picture:
#   - the screenshot is not blank (non-white pixels, several colours: python3-pil);
#   - the DOM Chromium built (--dump-dom) holds every value and label the database
#     has for it (versions, slices, metrics, values, aliases, tags, notes, lineage
#     nodes, title), as text, hostile ones included;
#   - no <script> element and no event-handler attribute exist in that DOM.
# MREG_PICTURES_OUT=DIR keeps the SVG, the HTML and the screenshots there
# (doc/img holds one such rendering).
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "chromium is not installed (Debian package chromium, in MREG_PACKAGES)"; exit 1; }
$PY -c 'import PIL' 2>/dev/null || { echo "python3-pil is not installed"; exit 1; }

WORK=$(mktemp -d); chmod 755 "$WORK"
DB=pictures_render_$$
export PGOPTIONS="-c client_min_messages=warning -c search_path=public,mreg"
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
q -c "CREATE EXTENSION mreg CASCADE" >/dev/null
q -f "$ROOT/test/doc/pictures.sql" >/dev/null
# hostile names: slices, a tag, a note and an endpoint that try to be markup
q >/dev/null <<'SQL'
SELECT mreg.log_evaluation(v.id, 'recall', 0.777, slice => '<script>alert("slice")</script>')
  FROM mreg.model_version v WHERE v.version = '2.1.0';
SELECT mreg.log_evaluation(v.id, 'recall', 0.765, slice => $$"]]>--><img src=x onerror=alert(1)> 'q'$$)
  FROM mreg.model_version v WHERE v.version = '1.2.0';
SELECT mreg.set_tag('fraud/model:fraud-gbm@2.0.0', 'xss:probe', $$<svg onload=alert(2)>"'$$);
SELECT mreg.annotate('fraud/model:fraud-gbm@2.0.0', 'closes a comment --> and a CDATA ]]> and opens <script>alert(3)</script>');
SELECT mreg.promote('fraud', 'fraud-gbm', '1.2.0', 'dev', endpoint => $$http://dev/"><script>alert(4)</script>$$);
SQL

ids=$(q -c "SELECT string_agg(v.id::text, ',' ORDER BY v.version) FROM mreg.model_version v WHERE v.version >= '1.2.0'")
q -c "SELECT mreg.metric_chart_svg('fraud', 'fraud-gbm', 'recall')" > "$WORK/chart.svg"
q -c "SELECT mreg.compare_html(ARRAY[$ids]::bigint[])" > "$WORK/compare.html"

# what must show: one per line
q > "$WORK/chart.expect" <<'SQL'
SET extra_float_digits = 1;
SELECT DISTINCT x FROM (
    SELECT e.value::text AS x FROM mreg.latest_evaluation e WHERE e.model = 'fraud-gbm' AND e.metric = 'recall'
    UNION SELECT e.slice FROM mreg.evaluation e WHERE e.metric = 'recall'
    UNION SELECT v.version::text FROM mreg.model_version v
    UNION VALUES ('fraud/fraud-gbm · recall'), ('recall')) s;
SQL
q > "$WORK/compare.expect" <<SQL
SET extra_float_digits = 1;
SELECT DISTINCT x FROM (
    SELECT e.value::text AS x FROM mreg.latest_evaluation e WHERE e.model_version_id IN ($ids)
    UNION SELECT e.slice FROM mreg.evaluation e WHERE e.model_version_id IN ($ids)
    UNION SELECT e.metric FROM mreg.evaluation e WHERE e.model_version_id IN ($ids)
    UNION SELECT format('%s/%s@%s', p.name, m.name, v.version) FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id
              JOIN mreg.project p ON p.id = v.project_id WHERE v.id IN ($ids)
    UNION SELECT v.status FROM mreg.model_version v WHERE v.id IN ($ids)
    UNION SELECT v.status_reason FROM mreg.model_version v WHERE v.id IN ($ids) AND v.status_reason IS NOT NULL
    UNION SELECT a.name FROM mreg.alias a WHERE a.model_version_id IN ($ids)
    UNION SELECT t.key FROM mreg.tag t UNION SELECT t.value FROM mreg.tag t
    UNION SELECT n.note FROM mreg.annotation n
    UNION SELECT n FROM mreg.model_version v, mreg.lineage_nodes(v.provenance) n WHERE v.id IN ($ids)
    UNION SELECT en.name FROM mreg.deployment d JOIN mreg.environment en ON en.id = d.environment_id WHERE d.model_version_id IN ($ids)
    UNION SELECT replace(d.state, '_', ' ') FROM mreg.deployment d WHERE d.model_version_id IN ($ids)
    UNION SELECT d.traffic_pct || '%' FROM mreg.deployment d WHERE d.model_version_id IN ($ids)
    UNION SELECT d.endpoint FROM mreg.deployment d WHERE d.model_version_id IN ($ids) AND d.endpoint IS NOT NULL) s;
SQL

# Chromium, offline and headless (as root it needs --no-sandbox)
SANDBOX=""; [ "$(id -u)" -ne 0 ] || SANDBOX=--no-sandbox
chrome() {
	timeout 60 "$CHROMIUM" --headless $SANDBOX --disable-gpu --no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update --disable-sync --disable-extensions \
		--disable-default-apps --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$WORK/profile" \
		--hide-scrollbars "$@" 2>>"$WORK/chromium.log"
}
start=$(date +%s)
chrome --window-size=960,540 --screenshot="$WORK/chart.png" "file://$WORK/chart.svg" >/dev/null
chrome --window-size=1280,1700 --screenshot="$WORK/compare.png" "file://$WORK/compare.html" >/dev/null
chrome --dump-dom "file://$WORK/chart.svg" > "$WORK/chart.dom"
chrome --dump-dom "file://$WORK/compare.html" > "$WORK/compare.dom"
echo "chromium: 4 runs in $(( $(date +%s) - start )) s"

rc=0
$PY - "$WORK" <<'PY' || rc=$?
import sys, os, re, html.parser
from PIL import Image
work = sys.argv[1]
fails = []

def not_blank(png, min_share):
    im = Image.open(png).convert("RGB")
    w, h = im.size
    px = im.getdata()
    ink = sum(1 for p in px if p != (255, 255, 255))
    colours = len(set(px))
    share = ink / (w * h)
    print(f"{os.path.basename(png)}: {w}x{h}, {share:.1%} non-white pixels, {colours} colours")
    if share < min_share or colours < 8:
        fails.append(f"{png} looks blank")

class Text(html.parser.HTMLParser):
    """Text content of a DOM dump, entities resolved; tags and attributes noted."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.tags, self.handlers = [], [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [(tag, a) for a, _ in attrs if a.lower().startswith("on")]
        self.parts.append("\n")
    def handle_endtag(self, tag):
        self.parts.append("\n")
    def handle_data(self, d):
        self.parts.append(d)

def fix(s):
    # the pictures replace what XML cannot hold
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", "\ufffd", s)

def check_dom(name, dom, expect, min_items):
    p = Text()
    p.feed(open(dom, encoding="utf-8").read())
    text = "".join(p.parts)
    want = [fix(l) for l in open(expect, encoding="utf-8").read().split("\n") if l != ""]
    missing = [w for w in want if w not in text]
    print(f"{name}: {len(want)} values and labels expected, {len(want) - len(missing)} shown; {len(p.tags)} elements")
    if len(want) < min_items:
        fails.append(f"{name}: only {len(want)} expected values (the fixture did not load?)")
    for m in missing:
        fails.append(f"{name}: {m!r} does not show")
    if "script" in p.tags:
        fails.append(f"{name}: a <script> element exists in the DOM")
    for t, a in p.handlers:
        fails.append(f"{name}: <{t} {a}=...> event handler in the DOM")

not_blank(f"{work}/chart.png", 0.03)
not_blank(f"{work}/compare.png", 0.05)
check_dom("chart", f"{work}/chart.dom", f"{work}/chart.expect", 15)
check_dom("compare", f"{work}/compare.dom", f"{work}/compare.expect", 30)
for f in fails:
    print("FAIL", f)
sys.exit(1 if fails else 0)
PY
if [ -n "${MREG_PICTURES_OUT:-}" ]; then
	mkdir -p "$MREG_PICTURES_OUT"
	cp "$WORK"/chart.svg "$WORK"/chart.png "$WORK"/compare.html "$WORK"/compare.png "$MREG_PICTURES_OUT"/
fi
[ $rc -eq 0 ] && echo "pictures render: ok"
exit $rc
