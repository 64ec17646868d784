-- Model cards (SPEC section 7, doc/model-cards.md): content, hostile names
-- and texts, deployment state, caller's rights.  test/sh/model_card_yaml.sh
-- parses the front matter with PyYAML.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

\i test/sh/fixtures/model_card.sql
SELECT mreg_internal.yaml_str(E'a: "b" \\ #c\n\td\u2028') AS y \gset
SELECT is(:'y'::text, '"a: \"b\" \\ #c\n\td\u2028"', 'yaml_str escapes quotes, backslashes, newlines, tabs and line separators');
SELECT is(mreg_internal.yaml_num(1e20), '1.0e+20', 'an exponent float gets a dot (YAML 1.1 reads it as a number)');
SELECT is(mreg_internal.yaml_num(0.5), '0.5', 'a plain float stays');
SELECT mreg.model_card(1) AS card \gset
SELECT ok(:'card' LIKE E'---\nlicense: "apache-2.0"\nlibrary_name: "xgboost"\npipeline_tag: "classification"\n%', 'front matter: license, library, task first');
SELECT ok(:'card' LIKE E'%\ndatasets:\n  - "txns:eu/2026@v1"\n%', 'datasets of the provenance');
SELECT ok(strpos(:'card', E'\nteam: "risk: \\"core\\"\\nteam\\t#7"\n') > 0, 'a hostile team is one escaped YAML string');
SELECT ok(:'card' LIKE E'%\nmodel-index:\n  - name: "fraud.detector-2"\n    results:\n      - task:\n          type: "classification"\n%', 'model-index');
SELECT ok(strpos(:'card', E'          split: "eu: \\"north\\" #2\\nwest"\n') > 0, 'a hostile slice is one escaped YAML string');
SELECT ok(:'card' LIKE E'%            value: 1.0e+20\n%', 'metric values are YAML numbers');
SELECT is((SELECT count(*)::int FROM regexp_matches(:'card', '\n---\n', 'g')), 1, 'the front matter ends once (a --- in user text is escaped)');
SELECT ok(:'card' ~ E'\n## Model details\n.*\n## Intended use\n.*\n## Limitations\n.*\n## Ethical considerations\n.*\n## Regulatory constraints\n.*\n## Training data and lineage\n.*\n## Evaluation results\n.*\n## Deployment\n.*\n## How to cite and contact\n',
          'the sections, in order');
SELECT ok(:'card' LIKE E'%```mermaid\nflowchart LR\n%n0 --> n2%```%', 'lineage as a Mermaid block');
SELECT ok(:'card' NOT LIKE '%<script>%' AND :'card' LIKE '%&lt;script&gt;%', 'HTML in user text is inert');
SELECT ok(strpos(:'card', E'\n\\# not a heading\n') > 0 AND strpos(:'card', E'\n\\--- not front matter\n') > 0, 'block starts in user text are escaped');
SELECT ok(strpos(:'card', '| Description | Flags fraud: "card-not-present" #1<br>- not a list<br>&lt;script&gt;alert(1)&lt;/script&gt; \| pipe |') > 0,
          'table cells: | and line breaks escaped');
SELECT ok(:'card' LIKE '%| eu: "north" #2<br>west | recall | 0.88 |%', 'evaluation per slice');
SELECT ok(:'card' LIKE E'%## Deployment\n\n_Not deployed._%', 'not deployed');
SELECT ok(:'card' LIKE '%Scoring card payments: online &amp; in store.%', 'intended use from the version metadata');
SELECT ok(mreg.model_card(2) LIKE E'%_No evaluations recorded._%' AND mreg.model_card(2) NOT LIKE '%model-index%', 'no evaluations: no model-index');

-- deployment state
SELECT mreg.set_status('cards', 'plain', '1.0.0', 'staging');
SELECT mreg.promote('cards', 'plain', '1.0.0', 'staging');
SELECT ok(mreg.model_card(2) LIKE E'%## Deployment\n\n| Environment | State | Traffic | Since | Endpoint |\n|---|---|---|---|---|\n| staging | live | 100% |%',
          'a live deployment is listed');

-- caller's rights: a hidden version is a missing one
SELECT mreg.create_project('cards_hidden', visibility => 'private');
SELECT mreg.register_model_version('cards_hidden', 'secret', '1.0.0') AS hid \gset
CREATE ROLE mc82_reader LOGIN; GRANT mreg_reader TO mc82_reader;
SELECT mreg.grant_access('cards', 'mc82_reader', 'read');
SET ROLE mc82_reader;
SELECT lives_ok('SELECT mreg.model_card(1)', 'a reader of the project gets the card');
SELECT throws_ok(format('SELECT mreg.model_card(%s)', :hid), '23503', format('model version %s is not registered', :hid), 'a hidden version looks missing');
RESET ROLE;
SELECT throws_ok('SELECT mreg.model_card(999999)', '23503', 'model version 999999 is not registered', 'a missing version');
SELECT throws_ok('SELECT mreg.model_card(NULL)', '22004', NULL, 'NULL');

-- another project's dataset keeps its project in the card (datasets and model-index)
SELECT mreg.create_project('lake');
SELECT mreg.register_dataset_version('lake', 'clicks', 'v3', 's3://lake/clicks');
SELECT mreg.log_run('cards', 'train', '{}', '{}', ARRAY['lake/dataset:clicks@v3']) AS xrun \gset
SELECT mreg.register_model_version('cards', 'plain', '2.0.0', :xrun) AS xv \gset
SELECT mreg.log_evaluation(:xv, 'recall', 0.5, 'lake/dataset:clicks@v3');
SELECT mreg.model_card(:xv) AS xcard \gset
SELECT ok(:'xcard' LIKE E'%\ndatasets:\n  - "lake/clicks@v3"\n%', 'a dataset of another project is named with its project');
SELECT ok(:'xcard' LIKE '%name: "lake/clicks@v3 (slice all)"%', 'and so in the model-index');
SELECT * FROM finish();
ROLLBACK;
