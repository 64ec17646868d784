-- 0.1.0 to 0.2.0, changes to 48_api_anomaly.sql: turning artifacts_checked
-- off loosens a policy.
CREATE OR REPLACE FUNCTION mreg_internal.policy_loosening(old jsonb, new jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT coalesce(pg_catalog.array_agg(c.what ORDER BY c.ord, c.what), '{}')
      FROM (SELECT 1 AS ord,
                   CASE WHEN n.value IS NULL
                        THEN pg_catalog.format('%s.%s %s dropped', k.key, o.key, o.value)
                        ELSE pg_catalog.format('%s.%s %s -> %s (%s%%)', k.key, o.key, o.value, n.value,
                                               pg_catalog.round(((((n.value)::pg_catalog.numeric OPERATOR(pg_catalog.-) (o.value)::pg_catalog.numeric)
                                                   OPERATOR(pg_catalog.*) 100) OPERATOR(pg_catalog./)
                                                   NULLIF(pg_catalog.abs((o.value)::pg_catalog.numeric), 0)), 1)) END AS what
              FROM (VALUES ('min_metrics', -1), ('max_metrics', 1), ('max_slice_gap', 1)) k(key, dir)
             CROSS JOIN LATERAL pg_catalog.jsonb_each_text(coalesce(old OPERATOR(pg_catalog.->) k.key, '{}')) o
              LEFT JOIN LATERAL pg_catalog.jsonb_each_text(coalesce(new OPERATOR(pg_catalog.->) k.key, '{}')) n ON n.key OPERATOR(pg_catalog.=) o.key
             WHERE n.value IS NULL
                OR ((((n.value)::pg_catalog.numeric OPERATOR(pg_catalog.-) (o.value)::pg_catalog.numeric) OPERATOR(pg_catalog.*) k.dir)
                   OPERATOR(pg_catalog.>) (0.1 OPERATOR(pg_catalog.*) pg_catalog.abs((o.value)::pg_catalog.numeric)))
            UNION ALL
            SELECT 2, pg_catalog.format('required_approvals %s -> %s', old OPERATOR(pg_catalog.->>) 'required_approvals',
                                        coalesce(new OPERATOR(pg_catalog.->>) 'required_approvals', '0'))
             WHERE coalesce((new OPERATOR(pg_catalog.->>) 'required_approvals')::pg_catalog.int4, 0)
                   OPERATOR(pg_catalog.<) (old OPERATOR(pg_catalog.->>) 'required_approvals')::pg_catalog.int4
            UNION ALL
            SELECT 3, pg_catalog.format('%s turned off', f.key)
              FROM (VALUES ('separation_of_duties'), ('require_data_rights'), ('artifacts_checked')) f(key)
             WHERE (old OPERATOR(pg_catalog.->) f.key) OPERATOR(pg_catalog.=) 'true'::jsonb
               AND (new OPERATOR(pg_catalog.->) f.key) IS DISTINCT FROM 'true'::jsonb) c;
END;
