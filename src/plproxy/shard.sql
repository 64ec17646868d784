-- mreg through PL/Proxy: each shard's half (doc/scaling.md).
--
--   psql -d REGISTRY -v shard=K -f src/plproxy/shard.sql
--
-- Run as a superuser on shard K's database after CREATE EXTENSION mreg,
-- before its first project.  Shard K numbers every registry row from
-- K * 10^12 (shard 0 from 1 as a single node does), so an id is unique across
-- shards and names its shard: the proxy routes log_evaluation(model_version_id)
-- and record_health(deployment_id) by it and merges search by it.  The
-- sequences are the extension's configuration, so pg_dump keeps them.
-- Running it again is a no-op.  The rows CREATE EXTENSION seeds (vocabulary,
-- synonyms, packs) keep their small ids: they are the same on every shard.
\set ON_ERROR_STOP on
\if :{?shard}
\else
\warn 'usage: psql -v shard=K -f src/plproxy/shard.sql (K = this shard''s partition number, from 0)'
\quit
\endif
SELECT pg_catalog.set_config('mreg_shard.number', :'shard', false);

DO $$
DECLARE
    k bigint := pg_catalog.current_setting('mreg_shard.number')::bigint;
    base bigint;
    s record;
    last bigint;
    moved integer := 0;
BEGIN
    IF k < 0 OR k > 9000000 THEN
        RAISE EXCEPTION 'shard must be between 0 and 9000000, not %', k USING ERRCODE = 'invalid_parameter_value';
    END IF;
    base := k * 1000000000000;
    IF k > 0 AND EXISTS (SELECT FROM mreg.project p WHERE p.id < base) THEN
        RAISE EXCEPTION 'this registry already has projects numbered below % (shard %''s range)', base, k
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Only shard 0 can be a registry that held data before; move projects with pg_dump of their rows instead.';
    END IF;
    FOR s IN SELECT pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname) AS seq
               FROM pg_catalog.pg_attribute a
               JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('mreg', 'mreg_internal') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                AND a.attidentity <> '' AND NOT a.attisdropped
              ORDER BY 1
    LOOP
        EXECUTE pg_catalog.format('SELECT last_value FROM %s', s.seq) INTO last;
        IF k > 0 AND last < base THEN
            PERFORM pg_catalog.setval(s.seq, base, false);
            moved := moved + 1;
        END IF;
    END LOOP;
    RAISE NOTICE 'shard %: ids from %, % sequences moved', k, greatest(base, 1), moved;
END
$$;
