-- Pictures (SPEC section 4): mreg.metric_chart_svg and mreg.compare_html.
-- Structure (the SVG parsed as XML and queried with XPath), scaling edge
-- cases, escaping of hostile names (what the XML parser reads back is the
-- original text), row-level security, errors.  Roles: created in this
-- transaction, which rolls back.  The browser side is test/sh/pictures_render.sh.
BEGIN;
SET LOCAL search_path = public, mreg;
SELECT no_plan();

CREATE ROLE pic78_reader LOGIN IN ROLE mreg_reader;       -- read on fraud
CREATE ROLE pic78_stranger LOGIN IN ROLE mreg_reader;     -- no grant

-- XPath over an SVG (namespace s) and over any XML text
CREATE FUNCTION pg_temp.sx(doc text, path text) RETURNS text[] LANGUAGE sql AS $$
    SELECT xpath(path, doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']])::text[] $$;
CREATE FUNCTION pg_temp.sn(doc text, path text) RETURNS int LANGUAGE sql AS $$
    SELECT coalesce(cardinality(pg_temp.sx(doc, path)), 0) $$;
-- the text content of elements, as the XML parser reads it back (entities resolved)
CREATE FUNCTION pg_temp.unxml(t text) RETURNS text LANGUAGE sql AS $$
    SELECT replace(replace(replace(replace(replace(t, '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&amp;', '&') $$;
CREATE FUNCTION pg_temp.texts(doc text, path text) RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(pg_temp.unxml(x::text)) FROM unnest(xpath(path || '/text()', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']])) x $$;

-- ---------------------------------------------------------------- a small registry
SELECT mreg.create_project('fraud');
SELECT mreg.create_project('vault', NULL, 'private');
SELECT mreg.grant_access('fraud', 'pic78_reader', 'read');
SELECT mreg.register_dataset_version('fraud', 'card-tx', '2024', 's3://tx/2024');
SELECT mreg.define_feature('fraud', 'amount', 'float8');
-- a hostile free-form node upstream of the run: it lands in the versions' provenance
SELECT mreg.log_run('fraud', 'gbm-exp', '{}', '{}', ARRAY['dataset:card-tx@2024'], features => '{"amount": 0.5}') AS run \gset
SELECT mreg.add_lineage('code:"<script>alert(''node'')</script>"', 'run:' || :run);
SELECT mreg.register_model('fraud', 'gbm', 'fraud model');
SELECT mreg.register_model_version('fraud', 'gbm', '1.0.0', :run) AS v1 \gset
SELECT mreg.register_model_version('fraud', 'gbm', '1.1.0', :run) AS v2 \gset
SELECT mreg.register_model_version('fraud', 'gbm', '2.0.0-rc.1+build.7', :run) AS v3 \gset
SELECT mreg.set_status('fraud', 'gbm', '1.1.0', 'production', 'approved <b>"by"</b> the committee');
SELECT mreg.set_alias('fraud', 'gbm', '@champion', '1.1.0');
SELECT mreg.set_tag('fraud/model:gbm@1.1.0', 'owner', '<img src=x onerror=alert(1)>');
SELECT mreg.set_tag('fraud/model:gbm', 'team', 'risk ''ops''');
SELECT mreg.annotate('fraud/model:gbm@1.1.0', E'ends a CDATA ]]> and a comment --> and says <script>alert(1)</script> \x01\x7f' || chr(65535));
SELECT mreg.log_evaluation(:v1, 'Recall', 0.81, evaluated_at => '2026-01-01 10:00+00');
SELECT mreg.log_evaluation(:v2, 'recall', 0.84, evaluated_at => '2026-01-02 10:00+00');
SELECT mreg.log_evaluation(:v2, 'recall', 0.86, evaluated_at => '2026-01-03 10:00+00');   -- the latest counts
SELECT mreg.log_evaluation(:v3, 'recall', 0.9, evaluated_at => '2026-01-04 10:00+00');
SELECT mreg.log_evaluation(:v1, 'recall', 0.7, slice => '<script>alert("slice")</script>');
SELECT mreg.log_evaluation(:v3, 'recall', 0.75, slice => E'"]]>--> ''q'' \x02 end');
SELECT mreg.log_evaluation(:v1, 'rmse', 1.7);
SELECT mreg.log_evaluation(:v2, 'rmse', 1.5);
SELECT mreg.log_evaluation(:v3, 'rmse', 1.6);
SELECT mreg.register_model('vault', 'secret', 'hidden');
SELECT mreg.register_model_version('vault', 'secret', '1.0.0') AS hidden \gset
SELECT mreg.log_evaluation(:hidden, 'recall', 0.99);

-- ---------------------------------------------------------------- escaping
SELECT is(mreg_internal.markup_escape($$<a href="x" title='y'>&amp;</a>$$),
          '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;', 'markup_escape: & < > " '' escaped');
SELECT is(mreg_internal.markup_escape(E'a\tb\nc\rd'), E'a\tb\nc\rd', 'tab, line feed, carriage return kept');
SELECT is(mreg_internal.markup_escape(E'\x01\x08\x0b\x0c\x1f\x7f'), repeat('&#xFFFD;', 6), 'other C0 controls and DEL replaced');
SELECT is(mreg_internal.markup_escape(chr(128) || chr(159) || chr(65534) || chr(65535)), repeat('&#xFFFD;', 4), 'C1 controls, U+FFFE and U+FFFF replaced');
SELECT is(mreg_internal.markup_escape('naïve Ω 模型 😀 ' || chr(65533)), 'naïve Ω 模型 😀 ' || chr(65533), 'other characters copied');
SELECT is(mreg_internal.markup_escape(']]> -->'), ']]&gt; --&gt;', ']]> and --> cannot end a CDATA section or a comment');
SELECT is(mreg_internal.markup_escape(''), '', 'the empty text');
SELECT is(mreg_internal.markup_escape(NULL), NULL, 'STRICT');
SELECT is(mreg_internal.markup_short('abcdef', 4), 'abc…', 'markup_short cuts before escaping');
SELECT is(mreg_internal.markup_short('<<<<<<', 3), '&lt;&lt;…', 'an entity is never split');
SELECT ok((SELECT bool_and(xml_is_well_formed_content(mreg_internal.markup_escape(chr(c))))
             FROM generate_series(1, 1200) c WHERE c NOT BETWEEN 55296 AND 57343),
          'every escaped character from U+0001 to U+04B0 is well-formed XML');

-- ---------------------------------------------------------------- metric_chart_svg: structure
SELECT mreg.metric_chart_svg('fraud', 'gbm', 'recall') AS svg \gset
SELECT ok(xml_is_well_formed_document(:'svg'), 'the chart is a well-formed XML document');
SELECT is(pg_temp.sx(:'svg', '/s:svg/@viewBox'), ARRAY['0 0 960 540'], 'the root is an SVG element (namespace) with a viewBox');
SELECT is(pg_temp.sx(:'svg', '/s:svg/@width') || pg_temp.sx(:'svg', '/s:svg/@height'), ARRAY['960', '540'], 'and width and height');
SELECT is(pg_temp.texts(:'svg', '/s:svg/s:title'), ARRAY['fraud/gbm · recall'], 'a title names project, model and metric');
SELECT ok((pg_temp.texts(:'svg', '/s:svg/s:desc'))[1] LIKE '%3 versions · 3 slices · higher is better', 'a description says what is shown');
SELECT is(pg_temp.sn(:'svg', '//s:g[@class="y-axis"]/s:text'), 7, 'y axis: 6 tick labels and the axis title');
SELECT is(pg_temp.texts(:'svg', '//s:g[@class="y-axis"]/s:text'), ARRAY['0.65', '0.70', '0.75', '0.80', '0.85', '0.90', 'recall'], 'nice ticks at 0.05, the metric as axis title');
SELECT is(pg_temp.texts(:'svg', '//s:g[@class="x-axis"]/s:text'),
          ARRAY['1.0.0', '1.1.0', '2.0.0-rc.1+build.7', 'model version (semantic-version order) · registration date (UTC)'],
          'x axis: the versions in semver order and the axis title');
SELECT is(pg_temp.sn(:'svg', '//s:g[@class="x-axis"]/s:text/s:tspan'), 3, 'each version with its registration date');
SELECT is(pg_temp.sn(:'svg', '//s:g[@class="series"]'), 3, 'one series per slice');
SELECT is(pg_temp.sn(:'svg', '//s:g[@class="series"]/s:circle'), 5, 'one point per version and slice');
SELECT is(pg_temp.sn(:'svg', '//s:g[@class="series"]/s:polyline'), 1, 'a line where a slice has two points or more');
SELECT is(pg_temp.texts(:'svg', '//s:g[@class="legend"]/s:text/s:title'),
          ARRAY['all', E'"]]>--> ''q'' \uFFFD end', '<script>alert("slice")</script>'],
          'the legend names every slice (all first); hostile slices read back as their text, the control character replaced');
SELECT ok((SELECT bool_and(t LIKE 'recall = % · version % · slice % · evaluated %') FROM unnest(pg_temp.texts(:'svg', '//s:circle/s:title')) t),
          'every point has a tooltip with metric, value, version, slice and time');
SELECT ok('recall = 0.86 · version 1.1.0 · slice all · evaluated 2026-01-03 10:00 UTC · latest of 2 evaluations' = ANY (pg_temp.texts(:'svg', '//s:circle/s:title')),
          'the latest evaluation of a version and slice is drawn, and the tooltip says of how many');
SELECT is((SELECT array_agg(t ORDER BY t) FROM unnest(pg_temp.texts(:'svg', '//s:g[@class="series"]/s:text')) t),
          ARRAY['0.7', '0.75', '0.81', '0.86', '0.9'], 'few points: each is labelled with its value');
SELECT is(mreg.metric_chart_svg('fraud', 'gbm', ' RECALL '), :'svg', 'the metric name is case-insensitive (a vocabulary term)');
SELECT is(mreg.metric_chart_svg('fraud', 'gbm', 'tpr'), :'svg', 'and a synonym names its term');
SELECT ok(mreg.metric_chart_svg('fraud', 'gbm', 'rmse') LIKE '%lower is better%', 'an error metric says lower is better');
SELECT ok(position('<script' IN :'svg') = 0 AND position(']]>' IN :'svg') = 0 AND position('-->' IN :'svg') = 0,
          'no hostile markup survives into the SVG');

-- ---------------------------------------------------------------- metric_chart_svg: edge cases
SELECT mreg.metric_chart_svg('fraud', 'gbm', 'no-such-metric') AS nodata \gset
SELECT ok(xml_is_well_formed_document(:'nodata'), 'an unknown metric: still a valid SVG');
SELECT ok(:'nodata' LIKE '%>no data<%' AND :'nodata' LIKE '%no evaluations of no-such-metric recorded%', 'that says "no data"');
SELECT throws_ok($$SELECT mreg.metric_chart_svg('fraud', 'nope', 'recall')$$, '42704', 'model ''nope'' of project ''fraud'' does not exist', 'an unknown model is an error');
SELECT throws_ok($$SELECT mreg.metric_chart_svg('nope', 'gbm', 'recall')$$, '42704', 'model ''gbm'' of project ''nope'' does not exist', 'an unknown project too');
SELECT throws_ok($$SELECT mreg.metric_chart_svg(NULL, 'gbm', 'recall')$$, '22004', NULL, 'NULL arguments are an error');

SELECT mreg.register_model('fraud', 'const', 'constant, negative and many');
SELECT mreg.log_evaluation(mreg.register_model_version('fraud', 'const', ('1.0.' || k)::mreg.semver), 'accuracy', 0.9) FROM generate_series(0, 3) k;
SELECT mreg.metric_chart_svg('fraud', 'const', 'accuracy') AS flat \gset
SELECT ok(xml_is_well_formed_document(:'flat'), 'constant values: well-formed');
SELECT ok(array_length(pg_temp.texts(:'flat', '//s:g[@class="y-axis"]/s:text'), 1) >= 3
          AND NOT 'NaN' = ANY (pg_temp.sx(:'flat', '//s:circle/@cy')), 'constant values: a widened axis, no NaN coordinate');
SELECT ok(0.9 BETWEEN (pg_temp.texts(:'flat', '//s:g[@class="y-axis"]/s:text'))[1]::float8
                  AND (pg_temp.texts(:'flat', '//s:g[@class="y-axis"]/s:text'))[cardinality(pg_temp.texts(:'flat', '//s:g[@class="y-axis"]/s:text')) - 1]::float8,
          'the axis covers the value');
SELECT mreg.register_model('fraud', 'single', 'one point');
SELECT mreg.log_evaluation(mreg.register_model_version('fraud', 'single', '0.1.0'), 'log_loss', -0.25);
SELECT mreg.metric_chart_svg('fraud', 'single', 'log_loss') AS single \gset
SELECT ok(xml_is_well_formed_document(:'single'), 'a single point: well-formed');
SELECT is(pg_temp.sn(:'single', '//s:circle[s:title]'), 1, 'one point, no line');
SELECT is(pg_temp.sx(:'single', '//s:g[@class="series"]/s:circle/@cx'), ARRAY['415.0'], 'centred');
SELECT ok('-0.25' = ANY (pg_temp.texts(:'single', '//s:g[@class="series"]/s:text'))
          AND (SELECT bool_or(t LIKE '-%') FROM unnest(pg_temp.texts(:'single', '//s:g[@class="y-axis"]/s:text')) t), 'negative values: labelled, negative ticks');

SELECT mreg.register_model('fraud', 'many', 'many versions');
SELECT mreg.log_evaluation(mreg.register_model_version('fraud', 'many', (k || '.0.0')::mreg.semver), 'auc', 0.5 + k / 200.0) FROM generate_series(1, 60) k;
SELECT mreg.metric_chart_svg('fraud', 'many', 'auc') AS many \gset
SELECT ok(xml_is_well_formed_document(:'many'), 'many versions: well-formed');
SELECT is(pg_temp.sn(:'many', '//s:g[@class="series"]/s:circle'), 60, 'every version is a point');
SELECT ok(pg_temp.sn(:'many', '//s:g[@class="x-axis"]/s:text') - 1 BETWEEN 10 AND 17, 'but at most about 16 version labels');
SELECT ok((pg_temp.texts(:'many', '//s:g[@class="x-axis"]/s:text'))[1:2] = ARRAY['1.0.0', '5.0.0'], 'every k-th version, in semver order (not text order)');
SELECT ok(pg_temp.sx(:'many', '//s:g[@class="x-axis"]/s:text[1]/@transform')::text LIKE '%rotate(-35)%', 'rotated');
SELECT is(pg_temp.sn(:'many', '//s:g[@class="series"]/s:text'), 0, 'no value labels on a crowded chart (tooltips only)');

-- non-finite values cannot be stored (evaluation_value_finite), the renderer still copes
SELECT mreg_internal.line_chart_svg('t', 's', 'y', 'x', ARRAY['a', 'b', 'c'], ARRAY['', '', ''], ARRAY['all'],
                                    ARRAY[1, 1, 1], ARRAY[1, 2, 3], ARRAY[1, 'NaN', 'Infinity']::float8[], ARRAY['one', 'two', 'three']) AS nan \gset
SELECT ok(xml_is_well_formed_document(:'nan') AND position('NaN"' IN :'nan') = 0, 'NaN and Infinity: well-formed, no NaN coordinate');
SELECT is(pg_temp.sn(:'nan', '//s:g[@class="non-finite"]'), 2, 'each marked with a cross');
SELECT is(pg_temp.texts(:'nan', '//s:g[@class="non-finite"]/s:title'), ARRAY['two (NaN: not plotted)', 'three (Infinity: not plotted)'], 'that says which');
SELECT ok(:'nan' LIKE '%2 non-finite values marked%', 'and a note counts them');
SELECT ok(mreg_internal.line_chart_svg('t', 's', 'y', 'x', ARRAY['a'], ARRAY[''], ARRAY['all'], ARRAY[1], ARRAY[1], ARRAY['NaN']::float8[], ARRAY['x'])
          LIKE '%no data: 1 non-finite values only%', 'only non-finite values: no data');
SELECT throws_ok($$SELECT mreg_internal.line_chart_svg('t', 's', 'y', 'x', ARRAY['a'], ARRAY[''], ARRAY['all'], ARRAY[2], ARRAY[1], ARRAY[1]::float8[], ARRAY['x'])$$,
                 '2202E', NULL, 'a point of a missing series is an error');
SELECT is((mreg_internal.chart_ticks(-1e308, 1e308)).labels, ARRAY['-1e+308', '1e+308'], 'a span beyond float8: the ends alone');
SELECT is((mreg_internal.chart_ticks(0, 0)).labels, ARRAY['-1.0', '-0.5', '0', '0.5', '1.0'], 'all zero: ±1');
SELECT is((mreg_internal.chart_ticks(1e9, 3e9)).labels[1:2], ARRAY['1.00e+09', '1.50e+09'], 'large values: exponent labels');

-- ---------------------------------------------------------------- compare_html
SELECT mreg.compare_html(ARRAY[:v1, :v2, :v3]) AS page \gset
SELECT ok(:'page' LIKE E'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">%', 'an HTML5 document');
SELECT ok(:'page' ~ 'Content-Security-Policy" content="default-src ''none''; style-src ''unsafe-inline''"', 'that forbids scripts and every external resource');
SELECT ok(:'page' !~* '<script|<link|<img|<iframe|<object|<[a-z]+[^>]* (src|href|on[a-z]+)=|@import|url\((?!#)', 'no script, no event handler, no external resource (only url(#marker) references)');
SELECT ok(:'page' ~ E'</html>\n$', 'complete');
SELECT is((regexp_match(:'page', '<table class="versions"><thead><tr><th scope="col"></th>(.*?)</tr>'))[1],
          '<th scope="col">fraud/gbm@1.0.0</th><th scope="col">fraud/gbm@1.1.0</th><th scope="col">fraud/gbm@2.0.0-rc.1+build.7</th>',
          'the versions side by side, in the order asked');
SELECT ok(:'page' LIKE '%<tr><th scope="row">status</th><td><span class="status status-registered">registered</span></td><td><span class="status status-production">production</span><div class="muted">approved &lt;b&gt;&quot;by&quot;&lt;/b&gt; the committee</div>%',
          'status and its reason, escaped');
SELECT ok(:'page' LIKE '%<td><span class="alias">@champion</span></td>%', 'aliases');
SELECT ok(:'page' LIKE '%<code>owner</code> = &lt;img src=x onerror=alert(1)&gt;</li><li><code>team</code> = risk &#39;ops&#39; <span class="muted">(model)</span>%',
          'tags of the version and of its model, escaped');
SELECT ok(:'page' LIKE '%ends a CDATA ]]&gt; and a comment --&gt; and says &lt;script&gt;alert(1)&lt;/script&gt; &#xFFFD;&#xFFFD;&#xFFFD;</li>%',
          'notes, escaped, control and invalid characters replaced');
SELECT ok(:'page' LIKE '%<tr><th scope="row">recall <span class="muted">↑ higher is better</span></th><td class="slice">all</td><td class="num"><span class="value">0.81</span></td><td class="num"><span class="value">0.86</span></td><td class="num best"><span class="value">0.9</span> <span class="mark">★ best</span></td></tr>%',
          'metrics per slice side by side, the highest recall marked best');
SELECT ok(:'page' LIKE '%<th scope="row">rmse <span class="muted">↓ lower is better</span></th><td class="slice">all</td><td class="num"><span class="value">1.7</span></td><td class="num best"><span class="value">1.5</span> <span class="mark">★ best</span></td><td class="num"><span class="value">1.6</span></td>%',
          'the lowest rmse marked best');
SELECT ok(:'page' LIKE '%<td class="slice">&lt;script&gt;alert(&quot;slice&quot;)&lt;/script&gt;</td><td class="num"><span class="value">0.7</span></td><td class="none">—</td><td class="none">—</td></tr>%',
          'a slice only one version has: no best mark, dashes for the others');
SELECT is((SELECT count(*)::int FROM regexp_matches(:'page', '★ best', 'g')), 2, 'one best per row with two values or more');
SELECT is((SELECT count(*)::int FROM regexp_matches(:'page', '<svg xmlns="http://www.w3.org/2000/svg" class="lineage"', 'g')), 3, 'a lineage drawing per version');
SELECT ok((SELECT bool_and(xml_is_well_formed_document(m[1]) AND position('<script' IN m[1]) = 0)
             FROM regexp_matches(:'page', '(<svg .*?</svg>)', 'g') m), 'each a well-formed SVG with no script in it');
SELECT is((SELECT array_agg(DISTINCT t ORDER BY t) FROM regexp_matches(:'page', '(<svg .*?</svg>)', 'g') m, unnest(pg_temp.texts(m[1], '//s:g[@class="node"]/s:title')) t),
          ARRAY['code:<script>alert(''node'')</script>', 'dataset:card-tx@2024', 'feature:amount',
                'model:gbm@1.0.0', 'model:gbm@1.1.0', 'model:gbm@2.0.0-rc.1+build.7', 'run:' || :run],
          'the nodes of each provenance, the hostile code node read back as its text');
SELECT ok(:'page' LIKE '%<marker id="arrow-' || :v1 || '"%' AND :'page' LIKE '%url(#arrow-' || :v2 || ')%', 'arrow markers have ids unique in the page');
SELECT ok(:'page' ~ 'stroke="#6a3d9a" stroke-width="2.5"/><text [^>]*>model:gbm@1.1.0<', 'the version''s own node outlined');
SELECT is(mreg.compare_html(ARRAY[:v2, :v2]) ~ '<th scope="col">fraud/gbm@1.1.0</th></tr>', true, 'a repeated id is one column');
SELECT is(mreg_internal.lineage_svg('', 'model:x@1.0.0', 1), '<p class="empty">no lineage recorded</p>', 'an empty lineage says so');
SELECT ok(mreg_internal.lineage_svg((SELECT string_agg(format('dataset:d%s -> run:r', k), '; ') FROM generate_series(1, 100) k)::mreg.lineage, 'run:r', 1)
          LIKE '<p class="empty">The lineage has 101 nodes and 100 edges: too many to draw here.%', 'a huge lineage is not drawn: a note says how to render it');
SELECT ok(xml_is_well_formed_document(mreg_internal.lineage_svg('a:1 -> b:1 -> c:1; a:1 -> c:1; x:"<]]>" -> c:1'::mreg.lineage, 'c:1', 1)), 'a small DAG draws as well-formed SVG');
SELECT is(pg_temp.sx(mreg_internal.lineage_svg('a:1 -> b:1 -> c:1; a:1 -> c:1'::mreg.lineage, 'c:1', 1), '//s:g[@class="node"]/s:rect/@x'),
          ARRAY['10', '260', '510'], 'columns by longest path: a, then b, then c (not beside b though a -> c)');
SELECT ok(:'page' LIKE '%<tr><th scope="row">fraud/gbm@1.0.0</th><td colspan="6" class="none">not deployed</td></tr>%', 'deployment state: a version never deployed');
SELECT mreg.promote('fraud', 'gbm', '1.1.0', 'staging');
SELECT mreg.promote('fraud', 'gbm', '1.1.0', 'production', endpoint => 'https://x.example/"><script>alert(1)</script>');
SELECT mreg.promote('fraud', 'gbm', '2.0.0-rc.1+build.7', 'staging');
SELECT mreg.promote('fraud', 'gbm', '2.0.0-rc.1+build.7', 'production', 25, 'canary');
SELECT mreg.compare_html(ARRAY[:v1, :v2, :v3]) AS page \gset
SELECT ok(:'page' ~ '<tr><th scope="row">fraud/gbm@1.1.0</th><td>staging</td><td><span class="state state-ended">ended</span></td><td class="num">0%</td><td>—</td><td>[0-9: -]+</td><td>[0-9: -]+</td></tr>',
          'a deployment in staging, ended when the next version came (since and until)');
SELECT ok(:'page' LIKE '%<tr><th scope="row">fraud/gbm@1.1.0</th><td>production</td><td><span class="state state-live">live</span></td><td class="num">75%</td><td><code>https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code></td>%',
          'live in production beside the canary (75%), the hostile endpoint escaped');
SELECT ok(:'page' LIKE '%<tr><th scope="row">fraud/gbm@2.0.0-rc.1+build.7</th><td>production</td><td><span class="state state-canary">canary</span></td><td class="num">25%</td>%',
          'a canary with its traffic share');
SELECT ok(position('staging' IN substring(:'page' FROM 'fraud/gbm@1.1.0</th><td>[a-z]+')) > 0, 'environments in the project''s order (staging before production)');
SELECT ok(position('<script' IN :'page') = 0, 'still no script anywhere in the page');
SELECT throws_ok($$SELECT mreg.compare_html(NULL)$$, '22004', NULL, 'NULL is an error');
SELECT throws_ok($$SELECT mreg.compare_html(ARRAY[1, NULL]::bigint[])$$, '22004', NULL, 'so is a NULL element');
SELECT throws_ok($$SELECT mreg.compare_html('{}')$$, '22023', 'compare_html needs at least one model version id', 'an empty array is an error');
SELECT throws_ok($$SELECT mreg.compare_html(ARRAY(SELECT id FROM mreg.model_version ORDER BY id LIMIT 21))$$, '54000', NULL, 'more than 20 versions is an error');
SELECT throws_ok($$SELECT mreg.compare_html(ARRAY[-5]::bigint[])$$, '42704', 'model version -5 does not exist', 'an unknown id is an error');
SELECT lives_ok($$SELECT mreg.compare_html(ARRAY(SELECT id FROM mreg.model_version ORDER BY id LIMIT 20))$$, '20 versions are fine');

-- ---------------------------------------------------------------- caller's rights
SELECT is((SELECT array_agg(p.proname::text || ':' || p.prosecdef || ':' || p.provolatile::text ORDER BY p.proname)
             FROM pg_proc p WHERE p.oid IN ('mreg.metric_chart_svg(text,text,text)'::regprocedure, 'mreg.compare_html(bigint[])'::regprocedure)),
          ARRAY['compare_html:false:s', 'metric_chart_svg:false:s'], 'both run with the caller''s rights (SECURITY INVOKER) and are STABLE');
SELECT ok(has_function_privilege('mreg_reader', 'mreg.compare_html(bigint[])', 'EXECUTE')
          AND NOT has_function_privilege('public', 'mreg.compare_html(bigint[])', 'EXECUTE'), 'readers may call them, PUBLIC may not');
SET ROLE pic78_stranger;
SELECT throws_ok($$SELECT mreg.metric_chart_svg('fraud', 'gbm', 'recall')$$, '42704', 'model ''gbm'' of project ''fraud'' does not exist',
                 'a stranger: the chart of a model it may not read is the error of one that does not exist');
SELECT throws_ok(format('SELECT mreg.compare_html(ARRAY[%s]::bigint[])', :v1), '42704', format('model version %s does not exist', :v1),
                 'and so is the comparison of a version it may not read');
RESET ROLE;
SET ROLE pic78_reader;
SELECT is(mreg.metric_chart_svg('fraud', 'gbm', 'recall'), :'svg', 'a reader of fraud sees the same chart');
SELECT throws_ok($$SELECT mreg.metric_chart_svg('vault', 'secret', 'recall')$$, '42704', 'model ''secret'' of project ''vault'' does not exist',
                 'but not a private project''s model');
SELECT throws_ok(format('SELECT mreg.compare_html(ARRAY[%s, %s]::bigint[])', :v1, :hidden), '42704', format('model version %s does not exist', :hidden),
                 'one hidden version among readable ones: the same error, nothing of it shown');
SELECT ok(mreg.compare_html(ARRAY[:v1, :v2]) LIKE '%★ best%', 'a comparison of readable versions works');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
