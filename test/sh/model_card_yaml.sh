#!/usr/bin/env bash
# mreg.model_card(): the YAML front matter parses with a real YAML parser
# (Debian's python3-yaml, PyYAML's safe loader) and holds exactly the values
# the registry has, also for names and texts full of colons, quotes, #,
# newlines and YAML indicators (test/sh/fixtures/model_card.sql); the
# Markdown body keeps user text inert (no raw HTML, no stray headings).
set -eu
ROOT=${MREG_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
DB=mreg_model_card_yaml
WORK=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS '$DB'" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $DB "$@"; }
q -f "$ROOT/test/sh/fixtures/model_card.sql" >/dev/null
for id in $(q -c "SELECT id FROM mreg.model_version ORDER BY id"); do
	q -c "SELECT mreg.model_card($id)" > "$WORK/card$id.md"
	q -c "SELECT jsonb_build_object('license', m.license, 'library_name', m.framework, 'pipeline_tag', m.task,
	             'model_name', m.name, 'model_version', v.version::text, 'project', p.name, 'owner', m.owner, 'team', m.team,
	             'domain', m.domain, 'status', v.status, 'constraints', to_jsonb(m.constraints),
	             'evaluations', (SELECT jsonb_agg(jsonb_build_array(e.slice, e.metric, e.value)) FROM mreg.evaluation e WHERE e.model_version_id = v.id))
	        FROM mreg.model_version v JOIN mreg.model m ON m.id = v.model_id JOIN mreg.project p ON p.id = v.project_id WHERE v.id = $id" > "$WORK/expect$id.json"
	/usr/bin/python3 - "$WORK/card$id.md" "$WORK/expect$id.json" <<'PY'
import json, sys, yaml
text = open(sys.argv[1], encoding='utf-8').read()
want = json.load(open(sys.argv[2]))
assert text.startswith('---\n'), 'no front matter'
end = text.index('\n---\n', 4)
front = yaml.safe_load(text[4:end + 1])
body = text[end + 5:]
def check(key, got, exp):
    if got != exp:
        sys.exit(f'{sys.argv[1]}: {key}: YAML has {got!r}, the registry {exp!r}')
check('license', front['license'], want['license'] or 'unknown')
for k in ('library_name', 'pipeline_tag'):
    check(k, front.get(k), want[k])
for k in ('model_name', 'model_version', 'project', 'owner', 'team', 'domain', 'status'):
    check(k, front[k], want[k])
check('regulatory_constraints', front.get('regulatory_constraints', []), want['constraints'])
got = sorted((r['dataset']['split'], m['type'], m['value'])
             for mi in front.get('model-index', []) for r in mi['results'] for m in r['metrics'])
exp = sorted((s, m, v) for s, m, v in (want['evaluations'] or []))
check('model-index', got, exp)
assert 'tags' in front and 'mreg' in front['tags'], 'tags'
assert '<script' not in body, 'raw HTML in the body'
for line in body.splitlines():
    assert not line.startswith('# ') or line.startswith('# Model card: '), f'stray heading: {line!r}'
print(f'{sys.argv[1].rsplit("/", 1)[1]}: front matter ok ({len(front)} keys, {len(got)} metrics)')
PY
done
echo "ok: model card front matter parses and round-trips"
