#!/usr/bin/env bash
# pg_dump of a populated registry, restored into a fresh database, keeps
# every row exactly: same counts and same content checksum per table; the
# seeded vocabulary is not doubled; triggers neither rewrite nor refuse rows;
# identity sequences continue after the restore; the search documents (not
# dumped: derived) come back identical.
set -eu
SRC=mreg_dump_src; DST=mreg_dump_dst
psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" -c "CREATE DATABASE $SRC" postgres
trap 'psql -X -q -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" postgres >/dev/null 2>&1' EXIT

psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $SRC <<'SQL'
CREATE EXTENSION mreg CASCADE;
SELECT mreg.create_project('dr', 'dump/restore');
SELECT mreg.add_term('domain', 'space-weather', 'project term', 'dr');
SELECT mreg.add_synonym('space-weather', 'solar');
SELECT mreg.set_metadata_schema('dr', 'model_version', '{"type": "object", "properties": {"t": {"type": "number"}}}');
SELECT mreg.register_dataset_version('dr', 'd', 'v' || i, 's3://d/' || i, sha256 => encode(sha256(i::text::bytea), 'hex'),
                                     row_count => i * 10) FROM generate_series(1, 5) i;
SELECT mreg.define_feature('dr', 'f' || i, 'float64') FROM generate_series(1, 3) i;
SELECT mreg.define_feature('dr', 'f1', 'float32');
SELECT mreg.define_pipeline('dr', 'p', 'airflow', steps => '[{"name": "a"}, {"name": "b"}]');
SELECT mreg.register_model('dr', 'm', domain => 'solar', constraints => ARRAY['gdpr']);
SELECT mreg.register_model('dr', 'm', description => 'changed');
DO $$
DECLARE r bigint; v bigint;
BEGIN
  FOR i IN 1..5 LOOP
    r := mreg.log_run('dr', 'e', jsonb_build_object('i', i), '{}', ARRAY['dataset:d@v' || i], code_ref => 'git@' || i,
                      pipeline => 'p', features => '{"f1": 0.5, "f2": 0.25}',
                      started_at => '2026-01-01'::timestamptz + i * interval '1 hour',
                      ended_at => '2026-01-01'::timestamptz + i * interval '2 hour');
    v := mreg.register_model_version('dr', 'm', format('1.%s.0', i)::mreg.semver, r,
           jsonb_build_array(jsonb_build_object('name', 'w', 'kind', 'binary', 'content_base64', encode(('weights' || i)::bytea, 'base64')),
                             jsonb_build_object('name', 'img', 'kind', 'container', 'uri', 'oci://x/m:' || i)),
           jsonb_build_object('t', i));
    PERFORM mreg.log_evaluation(v, 'accuracy', 0.8 + i / 100.0, 'dataset:d@v' || i);
    PERFORM mreg.set_alias('dr', 'm', 'champion', format('1.%s.0', i)::mreg.semver, 'run ' || i);
  END LOOP;
END $$;
SELECT mreg.set_status('dr', 'm', '1.5.0', 'staging');
SELECT mreg.retire('dr', 'm', '1.1.0', 'old');
SELECT mreg.annotate('model:m@1.2.0', 'looks good');
SELECT mreg.set_tag('model:m', 'tier', 'gold');
SELECT mreg.set_tag('model:m', 'tier', 'silver');
SELECT mreg.add_lineage('dataset:d@v1', 'dataset:d@v2');
-- deployments, incidents, drift, feedback, health signals in day partitions and
-- in the default partition, event consumers with a batch held
SELECT mreg.promote('dr', 'm', '1.5.0', 'staging', endpoint => 'http://stg/m');
SELECT mreg.promote('dr', 'm', '1.4.0', 'staging', 10, 'canary');
SELECT mreg.record_incident((SELECT max(id) FROM mreg.deployment), 'low', 'slow');
SELECT mreg.log_drift(mreg.version_id('dr', 'm', '1.5.0'), 'f1', 'psi', 0.4);
SELECT mreg.log_feedback(mreg.version_id('dr', 'm', '1.5.0'), '{"accuracy": 0.7}');
SELECT mreg.record_health(d.id, now() - i * interval '1 minute', 10, 20, 30, 0.01, 1, 100, 5)
  FROM mreg.deployment d, generate_series(1, 3) i WHERE d.state = 'live';
INSERT INTO mreg.health_signal (deployment_id, at, rps) SELECT id, '2001-02-03 04:05:06+00', 7 FROM mreg.deployment;
SELECT count(*) FROM mreg.consume_events('dr-consumer', 5);
SQL

# per-table row count and content checksum (rows ordered by id)
checksums() {
	psql -X -At -d "$1" <<'SQL'
SELECT c.relname || ' ' || (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM mreg.%I', c.relname), false, true, '')))[1]::text
       || ' ' || (xpath('/row/h/text()', query_to_xml(format(
            'SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t.id), %L)) AS h FROM mreg.%I t', E'\n', '', c.relname), false, true, '')))[1]::text
  FROM pg_class c WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'p')
   AND c.relname NOT IN ('search_doc', 'search_metric')       -- derived: not dumped, rebuilt (below)
 ORDER BY 1;
-- the search documents are not dumped: the restore's own inserts rebuild them, identically
SELECT 'search_doc ' || count(*) || ' ' || md5(coalesce(string_agg(concat_ws('|', model_version_id, stage, document, facets),
       E'\n' ORDER BY model_version_id), '')) FROM mreg.search_doc;
SELECT 'search_metric ' || count(*) || ' ' || md5(coalesce(string_agg(concat_ws('|', model_version_id, metric, slice, value, evaluation_id),
       E'\n' ORDER BY model_version_id, metric, slice), '')) FROM mreg.search_metric;
SQL
}
before=$(checksums $SRC)
pg_dump -Fc -d $SRC -f "$CLUSTER_DIR/dr.dump"
psql -X -q -c "CREATE DATABASE $DST" postgres
pg_restore --exit-on-error -d $DST "$CLUSTER_DIR/dr.dump"
after=$(checksums $DST)
if [ "$before" != "$after" ]; then
	echo "restored registry differs:"; diff <(echo "$before") <(echo "$after"); exit 1
fi
echo "$after" | awk '{printf "  %-20s %6s rows  %s\n", $1, $2, $3}'
# seeded rows once, project terms kept, sequences continue, the API still works
psql -X -q -At -v ON_ERROR_STOP=1 -d $DST <<'SQL'
SET search_path = public, mreg;
DO $$
BEGIN
  IF (SELECT count(*) FROM mreg.vocabulary WHERE term = 'gdpr') <> 1 THEN RAISE EXCEPTION 'seeded vocabulary doubled'; END IF;
  IF (SELECT count(*) FROM mreg.vocabulary WHERE term = 'space-weather') <> 1 THEN RAISE EXCEPTION 'project term lost'; END IF;
  IF (SELECT count(*) FROM mreg.synonym WHERE synonym = 'solar') <> 1 THEN RAISE EXCEPTION 'user synonym lost'; END IF;
  IF (SELECT count(*) FROM mreg.row_history) = 0 THEN RAISE EXCEPTION 'history lost'; END IF;
  PERFORM mreg.register_model_version('dr', 'm', '2.0.0', metadata => '{"t": 9}');
  IF mreg.version_id('dr', 'm', '2.0.0') <= (SELECT max(id) FROM mreg.model_version WHERE version < '2.0.0') THEN
    RAISE EXCEPTION 'identity sequence did not continue';
  END IF;
  IF NOT mreg.provenance(mreg.version_id('dr', 'm', '1.3.0')) @> 'dataset:d@v3'::text THEN RAISE EXCEPTION 'provenance lost'; END IF;
  -- health partitions came back as partitions, and the write path still works
  IF (SELECT count(*) FROM pg_inherits WHERE inhparent = 'mreg.health_signal'::regclass) < 2 THEN
    RAISE EXCEPTION 'health partitions lost';
  END IF;
  IF (SELECT count(*) FROM mreg_internal.health_signal_default) <> 2 THEN RAISE EXCEPTION 'default partition rows lost'; END IF;
  PERFORM mreg.record_health((SELECT max(id) FROM mreg.deployment WHERE state = 'live'), now(), rps => 1);
  PERFORM mreg.create_health_partitions('2001-02-03', '2001-02-03');
  IF (SELECT count(*) FROM mreg_internal.health_signal_default) <> 0 THEN RAISE EXCEPTION 'default rows did not move'; END IF;
  PERFORM count(*) FROM mreg.consume_events('dr-consumer', 5);
END $$;
SQL
echo "dump/restore round trip: every table identical"
