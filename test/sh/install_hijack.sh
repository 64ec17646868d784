#!/usr/bin/env bash
# CVE-2022-2625 class: an unprivileged role that may create objects in the
# schema of mreg's required extensions (public) plants look-alike functions,
# aggregates and operators there before a superuser runs
# CREATE EXTENSION mreg CASCADE.  During the install the search_path is
# pg_catalog, mreg, public, pg_temp, so any name the script leaves to the
# search_path at install time (view bodies, BEGIN ATOMIC/RETURN bodies, DO
# blocks, CHECK/DEFAULT/index expressions) could bind to a trap: a closer
# argument-type match (text where pg_catalog has anyelement or VARIADIC
# "any", name/varchar where pg_catalog has text) beats pg_catalog.
#
# Every trap writes a row into a table the attacker owns and then behaves
# like the real thing, so the install and the API run to the end and every
# capture shows up.  The test then exercises the API as the superuser and
# fails when a trap ran or when any registry object is bound to an
# attacker-owned object (pg_depend), exercised or not.
#
# Part two: a database owner (not a superuser) who pre-creates schema mreg
# with a trap inside must not get the extension installed into it.
set -eu
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
DB=mreg_hijack; DB2=mreg_hijack_schema; EVIL=mreg_hijack_attacker
cleanup() {
	psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS $DB2" \
		-c "DROP ROLE IF EXISTS $EVIL" postgres >/dev/null 2>&1 || true
}
cleanup
trap cleanup EXIT
psql -X -q -v ON_ERROR_STOP=1 postgres <<SQL
CREATE ROLE $EVIL LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE $DB;
\c $DB
-- the mistake the attack needs: others may create objects in public
GRANT CREATE ON SCHEMA public TO $EVIL;
SQL

# ---- the attacker plants traps in public -----------------------------------
psql -X -q -v ON_ERROR_STOP=1 -U $EVIL -d $DB -f "$(dirname "$0")/fixtures/hijack_traps.sql"

# ---- a superuser installs mreg and uses it ----------------------------------
psql -X -q -v ON_ERROR_STOP=1 -d $DB <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION mreg CASCADE;
DO $$
BEGIN
  IF (SELECT pg_catalog.string_agg(e.extname || '@' || n.nspname, ',' ORDER BY e.extname)
        FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
       WHERE e.extname IN ('pg_trgm', 'pgcrypto', 'mreg')) IS DISTINCT FROM 'mreg@mreg,pg_trgm@public,pgcrypto@public' THEN
    RAISE EXCEPTION 'unexpected extension layout';
  END IF;
END $$;
SQL

psql -X -q -At -v ON_ERROR_STOP=1 -d $DB <<'SQL' >/dev/null
-- a user session that has public on its path, like most
SET search_path = public, mreg;
SELECT mreg.create_project('hj', 'hijack test');
SELECT mreg.set_metadata_schema('hj', 'model_version',
  '{"type": "object", "properties": {"auc": {"type": "number"}}, "required": ["auc"]}');
SELECT mreg.add_term('domain', 'space-weather', 'project term', 'hj');
SELECT mreg.add_synonym('space-weather', 'solar');
SELECT mreg.register_dataset_version('hj', 'clicks', '2026-01', 's3://b/clicks', row_count => 10,
                                     sha256 => encode(sha256('clicks'::bytea), 'hex'), license => 'MIT');
SELECT mreg.define_feature('hj', 'amount_7d', 'float64', transformation => 'sum(amount) over 7d');
SELECT mreg.define_pipeline('hj', 'train', 'airflow', steps => '[{"name": "clean", "params": {"k": 1}}, {"name": "fit"}]');
SELECT mreg.register_model('hj', 'gbm', domain => 'solar', task => 'binary classification', framework => 'sklearn',
                           constraints => ARRAY['gdpr']);
SELECT mreg.log_run('hj', 'exp', '{"lr": 0.1}', '{"python": "3.11"}', ARRAY['dataset:clicks@2026-01'],
                    code_ref => 'git@abc', pipeline => 'train', features => '{"amount_7d": 0.7}',
                    started_at => '2026-01-01 10:00+00', ended_at => '2026-01-01 11:00+00') AS rid \gset
SELECT mreg.register_model_version('hj', 'gbm', '1.0.0', :rid,
  jsonb_build_array(jsonb_build_object('name', 'weights', 'kind', 'binary', 'content_base64', encode('w8'::bytea, 'base64')),
                    jsonb_build_object('name', 'image', 'kind', 'container', 'uri', 'oci://r/gbm:1')),
  '{"auc": 0.91}') AS v1 \gset
SELECT mreg.register_model_version('hj', 'gbm', '1.1.0', metadata => '{"auc": 0.93}', status => 'draft');
SELECT mreg.log_evaluation(:v1, 'auc', 0.91, 'dataset:clicks@2026-01', slice => 'eu', method => 'holdout');
SELECT mreg.set_alias('hj', 'gbm', '@champion', '1.0.0', 'first');
SELECT mreg.set_status('hj', 'gbm', '1.1.0', 'staging');
SELECT mreg.set_alias('hj', 'gbm', 'challenger', '1.1.0');
SELECT mreg.set_alias('hj', 'gbm', 'champion', '1.1.0', 'better');
SELECT mreg.set_tag('model:gbm', 'tier', 'gold');
SELECT mreg.set_tag('model:gbm', 'tier', 'silver');
SELECT mreg.annotate('hj/model:gbm@1.0.0', 'looks good');
SELECT mreg.add_lineage('code:git@abc', 'notebook:explore');
SELECT mreg.impact('dataset:clicks@2026-01');
SELECT mreg.impact('dataset:clicks');
SELECT mreg.impact('hj/feature:amount_7d');
SELECT mreg.provenance(:v1);
SELECT mreg.reproducibility(:v1);
SELECT * FROM mreg.history('hj/model:gbm');
SELECT * FROM mreg.model_version_overview;
SELECT * FROM mreg.alias_history;
SELECT mreg.version_id('hj', 'gbm', '1.1.0');
SELECT mreg.parse_node('hj/model:"x y"');
SELECT mreg.resolve_node('code:git@abc');
SELECT mreg.status_transition_allowed('staging', 'production');
SELECT mreg.retire('hj', 'gbm', '1.0.0', 'old');
-- a vocabulary error (strict mode): its hint ranks terms with pg_trgm's similarity
DO $$
DECLARE h text;
BEGIN
  PERFORM mreg.set_vocabulary_mode('hj', 'domain', 'strict');
  PERFORM mreg.register_model('hj', 'gbm', domain => 'fraudd');
  RAISE EXCEPTION 'unknown domain accepted';
EXCEPTION WHEN invalid_parameter_value THEN
  GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
  IF h NOT LIKE 'Closest terms: ''fraud''%' THEN
    RAISE EXCEPTION 'vocabulary hint did not rank by similarity: %', h;
  END IF;
END $$;
-- metadata that breaks the schema: an error, not a silent pass
DO $$
BEGIN
  PERFORM mreg.register_model_version('hj', 'gbm', '2.0.0', metadata => '{"auc": "high"}');
  RAISE EXCEPTION 'bad metadata accepted';
EXCEPTION WHEN check_violation THEN NULL;
END $$;
SQL

# ---- verdict: no trap ran, nothing of mreg is bound to the attacker ---------
ran=$(psql -X -At -d $DB -c "SELECT trap || ' (as ' || ran_as || ', ' || count(*) || 'x)' FROM public.trap_log GROUP BY trap, ran_as ORDER BY 1")
bound=$(psql -X -At -d $DB -v evil=$EVIL <<'SQL'
-- every dependency of a non-attacker object on an attacker-owned function,
-- aggregate or operator: view rules, BEGIN ATOMIC bodies, constraints,
-- defaults, index expressions
WITH evil AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = :'evil'),
     evil_obj AS (
       SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass AS cls, p.oid FROM pg_catalog.pg_proc p WHERE p.proowner = (SELECT oid FROM evil)
       UNION ALL
       SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, o.oid FROM pg_catalog.pg_operator o WHERE o.oprowner = (SELECT oid FROM evil))
SELECT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) || ' -> ' ||
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)
  FROM pg_catalog.pg_depend d JOIN evil_obj r ON r.cls = d.refclassid AND r.oid = d.refobjid
 WHERE NOT EXISTS (SELECT 1 FROM evil_obj x WHERE x.cls = d.classid AND x.oid = d.objid)
 ORDER BY 1;
SQL
)
fail=0
if [ -n "$ran" ]; then
	echo "attacker traps ran:"; echo "$ran" | sed 's/^/  /'; fail=1
fi
if [ -n "$bound" ]; then
	echo "registry objects bound to attacker objects:"; echo "$bound" | sed 's/^/  /'; fail=1
fi
[ $fail = 0 ] || exit 1

# ---- static checks of what the install left behind ---------------------------
problems=$(psql -X -At -d $DB <<'SQL'
-- plpgsql and string-bodied SQL functions resolve names when they run: each
-- must pin its search_path (BEGIN ATOMIC/RETURN bodies were bound at install)
SELECT 'search_path not pinned: ' || p.oid::regprocedure
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'mreg'::regnamespace AND l.lanname IN ('plpgsql', 'sql') AND p.prosqlbody IS NULL
   AND NOT coalesce('search_path=pg_catalog, mreg, pg_temp' = ANY (p.proconfig), false)
UNION ALL
-- no SECURITY DEFINER function (none is needed; each would widen the attack surface)
SELECT 'security definer: ' || p.oid::regprocedure
  FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'mreg'::regnamespace AND p.prosecdef
UNION ALL
-- every table and identity sequence of schema mreg is dumped by pg_dump
-- (but the derived search tables, rebuilt by a restore's inserts)
SELECT 'not in pg_extension_config_dump: ' || c.oid::regclass
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'mreg'::regnamespace AND c.relkind IN ('r', 'S')
   AND c.relname <> ALL ('{search_doc,search_metric,search_doc_id_seq,search_metric_id_seq}')
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname = 'mreg' AND c.oid = ANY (e.extconfig))
UNION ALL
-- every object in schema mreg belongs to the extension
SELECT 'not an extension member: ' || pg_catalog.pg_describe_object('pg_catalog.pg_proc'::regclass, p.oid, 0)
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'mreg'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                     AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
-- mreg.control: never trusted, superuser only
SELECT 'mreg.control: superuser=' || v.superuser || ' trusted=' || v.trusted
  FROM pg_catalog.pg_available_extension_versions v
 WHERE v.name = 'mreg' AND (NOT v.superuser OR v.trusted);
SQL
)
if [ -n "$problems" ]; then echo "$problems" | sed 's/^/  /'; exit 1; fi
ntraps=$(psql -X -At -d $DB -c "SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_roles r ON r.oid = p.proowner WHERE r.rolname = '$EVIL'")
echo "install + API with $ntraps attacker functions/aggregates in public: no trap ran, nothing bound to them"

# ---- part two: a pre-created schema mreg is refused ---------------------------
psql -X -q -v ON_ERROR_STOP=1 postgres <<SQL
CREATE DATABASE $DB2 OWNER $EVIL;      -- the database owner is not a superuser
SQL
psql -X -q -v ON_ERROR_STOP=1 -U $EVIL -d $DB2 <<'SQL'
CREATE SCHEMA mreg;
CREATE TABLE public.trap_log (trap text NOT NULL, ran_as name NOT NULL DEFAULT current_user);
GRANT INSERT ON public.trap_log TO PUBLIC;
CREATE FUNCTION mreg.format(text, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.trap_log (trap) VALUES ('mreg.format(text,text)'); SELECT pg_catalog.format($1, $2) $$;
SQL
out=$(psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "CREATE EXTENSION mreg CASCADE" 2>&1) && {
	echo "CREATE EXTENSION mreg accepted a schema mreg owned by a non-superuser"; echo "$out"; exit 1; }
echo "$out" | grep -q 'schema "mreg" is owned by' || { echo "unexpected error: $out"; exit 1; }
ran=$(psql -X -At -d $DB2 -c "SELECT count(*) FROM public.trap_log")
[ "$ran" = 0 ] || { echo "trap in pre-created schema mreg ran $ran times"; exit 1; }
# the owner hands the (still trapped) schema to a superuser: objects inside are refused too
psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "ALTER SCHEMA mreg OWNER TO CURRENT_USER"
out=$(psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "CREATE EXTENSION mreg CASCADE" 2>&1) && {
	echo "CREATE EXTENSION mreg accepted a schema mreg that already holds objects"; echo "$out"; exit 1; }
echo "$out" | grep -q 'schema "mreg" already holds' || { echo "unexpected error: $out"; exit 1; }
# an empty superuser-owned schema where others may create objects: refused
psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "DROP FUNCTION mreg.format(text, text)" -c "GRANT CREATE ON SCHEMA mreg TO $EVIL"
out=$(psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "CREATE EXTENSION mreg CASCADE" 2>&1) && {
	echo "CREATE EXTENSION mreg accepted a schema mreg where others may create objects"; echo "$out"; exit 1; }
echo "$out" | grep -q 'may create objects in schema "mreg"' || { echo "unexpected error: $out"; exit 1; }
# an empty superuser-owned schema: fine
psql -X -q -v ON_ERROR_STOP=1 -d $DB2 -c "REVOKE CREATE ON SCHEMA mreg FROM $EVIL" -c "CREATE EXTENSION mreg CASCADE" \
	-c "SELECT mreg.create_project('ok')" >/dev/null
echo "pre-created schema mreg: refused when owned by a non-superuser, non-empty or writable by others"
