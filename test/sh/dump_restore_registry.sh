#!/usr/bin/env bash
# pg_dump / pg_restore of a registry with every kind of row the core test
# (dump_restore.sh) leaves out: access grants and a DBA's GRANT on a view,
# environments, deployments, a canary rolled back, incidents, drift,
# health signals in daily partitions (mreg_internal.health_signal_p*) and in
# the default partition, reviews, policies, audited reads, an outbox consumer
# with an acknowledged and an unacknowledged batch.  After the restore:
# every table of mreg and mreg_internal is identical (search documents:
# rebuilt identically), the audit chain verifies and ends where it ended,
# object privileges are the same, the grantee reads what it was granted, the
# consumer does not get the acknowledged batch again, gets the unacknowledged
# one again (at-least-once) and then the rest, and new writes extend the chain.
set -eu
SRC=mreg_dr2_src; DST=mreg_dr2_dst; WHO=mreg_dr2_analyst
cleanup() {
	psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $SRC" -c "DROP DATABASE IF EXISTS $DST" \
		-c "DROP ROLE IF EXISTS $WHO" postgres >/dev/null 2>&1 || true
}
cleanup; trap cleanup EXIT
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $SRC" -c "CREATE ROLE $WHO LOGIN" postgres

psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $SRC <<SQL
CREATE EXTENSION mreg CASCADE;
SELECT mreg.create_project('ops', 'dump/restore of the operational rows');
SELECT mreg.create_project('other', 'not granted');
SELECT mreg.register_dataset_version('ops', 'd', 'v' || i, 's3://d/' || i) FROM generate_series(1, 3) i;
SELECT mreg.register_model('ops', 'm');
SELECT mreg.register_model('other', 'x');
SELECT mreg.register_model_version('other', 'x', '1.0.0');
DO \$\$
DECLARE v bigint;
BEGIN
  FOR i IN 1..3 LOOP
    v := mreg.register_model_version('ops', 'm', format('1.%s.0', i)::mreg.semver,
           mreg.log_run('ops', 'e', jsonb_build_object('i', i), '{}', ARRAY['dataset:d@v' || i]),
           jsonb_build_array(jsonb_build_object('name', 'w', 'kind', 'binary', 'content_base64', encode(('weights' || i)::bytea, 'base64'))));
    PERFORM mreg.log_evaluation(v, 'recall', 0.8 + i / 100.0, 'dataset:d@v' || i);
  END LOOP;
END \$\$;
GRANT mreg_reader TO $WHO;
SELECT mreg.grant_access('ops', '$WHO', 'read', purpose => 'dashboards');
GRANT SELECT ON mreg.model_overview TO $WHO;
SELECT mreg.set_policy('ops', 'promote', 'production', '{"min_metrics": {"recall": 0.5}}');
SELECT mreg.define_environment('ops', 'staging');
SELECT mreg.define_environment('ops', 'production', requires => 'staging', max_latency_p95_ms => 100);
SELECT mreg.promote('ops', 'm', '1.2.0', 'staging');
SELECT mreg.promote('ops', 'm', '1.2.0', 'production');
SELECT mreg.promote('ops', 'm', '1.3.0', 'staging');
SELECT mreg.promote('ops', 'm', '1.3.0', 'production', 10, 'canary');
SELECT mreg.record_incident((SELECT max(id) FROM mreg.deployment), 'high', 'canary errors');
SELECT mreg.rollback('ops', 'm', 'production', 'canary errors');
SELECT mreg.create_health_partitions(current_date - 1, current_date + 1);
SELECT mreg.record_health(d.id, now() - i * interval '10 minutes', 10, 20 + i, 30, 0.001, 1, 500, 100)
  FROM mreg.deployment d, generate_series(1, 12) i WHERE d.state = 'live';
-- a bulk load (doc/deployments.md: COPY mreg.health_signal) of a day without a partition lands in the default one
INSERT INTO mreg.health_signal (project_id, deployment_id, at, latency_p95_ms)
SELECT project_id, id, '2001-01-01', 5 FROM mreg.deployment WHERE state = 'live' ORDER BY id LIMIT 1;
SELECT mreg.log_drift(mreg.version_id('ops', 'm', '1.2.0'), 'amount', 'psi', 0.3);
SELECT mreg.request_review(mreg.version_id('ops', 'm', '1.3.0'), 'promote', 'production', 'second look');
SELECT mreg.set_purpose('incident 42');
SELECT mreg.artifact_content((SELECT min(id) FROM mreg.artifact));
SQL
# the outbox consumer: batch 1 acknowledged (by the second call), batch 2
# handed out and not acknowledged when the session ends
consumed=$(psql -X -At -v ON_ERROR_STOP=1 -d $SRC \
	-c "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') FROM mreg.consume_events('sink', 4)" \
	-c "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') FROM mreg.consume_events('sink', 4)")
acked=$(sed -n 1p <<<"$consumed"); held=$(sed -n 2p <<<"$consumed")
[ "$acked" != - ] && [ "$held" != - ] || { echo "the consumer got no events: '$acked' '$held'"; exit 1; }

digest() {
	psql -X -At -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT format('%s.%s %s %s', n.nspname, c.relname,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1],
       (xpath('/row/h/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) AS h FROM %I.%I t',
                                                   n.nspname, c.relname), false, true, '')))[1])
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('mreg', 'mreg_internal') AND c.relkind = 'r'
   AND c.relname NOT IN ('search_doc', 'search_metric')       -- derived: not dumped, rebuilt (below)
 ORDER BY 1;
SELECT 'search_doc ' || count(*) || ' ' || md5(coalesce(string_agg(concat_ws('|', model_version_id, stage, document, facets),
       E'\n' ORDER BY model_version_id), '')) FROM mreg.search_doc;
SELECT 'search_metric ' || count(*) || ' ' || md5(coalesce(string_agg(concat_ws('|', model_version_id, metric, slice, value, evaluation_id),
       E'\n' ORDER BY model_version_id, metric, slice), '')) FROM mreg.search_metric;
SELECT 'partitions ' || string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
 WHERE i.inhparent = 'mreg.health_signal'::regclass;
SELECT 'default partition rows ' || count(*) FROM mreg_internal.health_signal_default;
SELECT 'privileges ' || md5(string_agg(format('%s %s', o, acl), E'\n' ORDER BY o)) FROM (
  SELECT c.oid::regclass::text AS o, c.relacl::text AS acl FROM pg_class c WHERE c.relnamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace)
  UNION ALL SELECT p.oid::regprocedure::text, p.proacl::text FROM pg_proc p WHERE p.pronamespace IN ('mreg'::regnamespace, 'mreg_internal'::regnamespace)
  UNION ALL SELECT nspname, nspacl::text FROM pg_namespace WHERE nspname IN ('mreg', 'mreg_internal')) x;
SELECT 'audit ' || v::text || ' ' || h::text FROM mreg.verify_audit_chain() v, mreg.audit_head() h;
SQL
}
before=$(digest $SRC)
grep -q '^partitions health_signal_default health_signal_p' <<<"$before" || { echo "no daily partitions: $before"; exit 1; }
grep -q '^default partition rows 1$' <<<"$before" || { echo "nothing in the default partition"; exit 1; }
grep -q '^audit (t,' <<<"$before" || { echo "source chain does not verify"; exit 1; }

pg_dump -Fc -d $SRC -f "$CLUSTER_DIR/dr2.dump"
psql -X -q -c "CREATE DATABASE $DST" postgres
# A plain restore: the parent has no index of its own, each partition has
# its own primary key and (deployment_id, at) index (73_health.sql), so the
# dump's entries for them restore as they are.
pg_restore --exit-on-error -d $DST "$CLUSTER_DIR/dr2.dump"
missing=$(psql -X -At -d $DST -c "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'mreg.health_signal'::regclass
    AND (SELECT count(*) FROM pg_index x WHERE x.indrelid = c.oid) <> 2")
[ "$missing" = 0 ] || { echo "partitions without their two indexes after the restore: $missing"; exit 1; }
after=$(digest $DST)
if [ "$before" != "$after" ]; then
	echo "restored registry differs:"; diff <(echo "$before") <(echo "$after"); exit 1
fi
echo "$after" | grep -c '' | sed 's/^/  lines compared: /'
grep -E '^(partitions|default|audit)' <<<"$after" | sed 's/^/  /'

# the grantee reads what it was granted, and only that
seen=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $DST -c "SET ROLE $WHO" \
	-c "SELECT string_agg(DISTINCT project, ',') FROM mreg.model_overview")
[ "$seen" = ops ] || { echo "after the restore $WHO sees projects '$seen', not 'ops'"; exit 1; }

# the consumer: not the acknowledged batch, the unacknowledged one again, then the rest
redelivered=$(psql -X -q -At -v ON_ERROR_STOP=1 -v acked="$acked" -d $DST <<'SQL'
CREATE TEMP TABLE got (call int, id bigint);
DO $$
DECLARE n int := 0; k int;
BEGIN
  LOOP
    n := n + 1;
    INSERT INTO got SELECT n, id FROM mreg.consume_events('sink', 1000);
    GET DIAGNOSTICS k = ROW_COUNT;
    EXIT WHEN k = 0 OR n > 10;
  END LOOP;
END $$;
SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') FROM got WHERE call = 1;
SELECT count(*) FROM got g WHERE g.id = ANY (string_to_array(:'acked', ',')::bigint[]);
SELECT count(*) FROM mreg.event e WHERE e.id NOT IN (SELECT id FROM got) AND e.id > (SELECT max(x) FROM unnest(string_to_array(:'acked', ',')::bigint[]) x);
SQL
)
first=$(sed -n 1p <<<"$redelivered"); again=$(sed -n 2p <<<"$redelivered"); lost=$(sed -n 3p <<<"$redelivered")
[ "$first" = "$held" ] || { echo "first delivery after the restore: $first, expected the unacknowledged batch $held"; exit 1; }
[ "$again" = 0 ] || { echo "$again acknowledged events delivered again"; exit 1; }
[ "$lost" = 0 ] || { echo "$lost events after the acknowledged batch never delivered"; exit 1; }
echo "  consumer: acknowledged $acked not redelivered, unacknowledged $held redelivered, then the rest"

# writes go on and extend the chain
h1=$(psql -X -At -d $DST -c "SELECT seq FROM mreg.audit_head()")
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d $DST \
	-c "SELECT mreg.log_evaluation(mreg.register_model_version('ops', 'm', '2.0.0'), 'recall', 0.9)" \
	-c "SELECT mreg.record_health((SELECT min(id) FROM mreg.deployment WHERE state = 'live'), now(), 1, 2, 3, 0, 1, 1, 1)"
check=$(psql -X -At -d $DST -c "SELECT v.ok AND h.seq > $h1 FROM mreg.verify_audit_chain() v, mreg.audit_head() h")
[ "$check" = t ] || { echo "after new writes the chain does not verify or did not grow past $h1"; exit 1; }
echo "dump/restore of the operational registry: every table, privilege, partition and the audit chain kept"
