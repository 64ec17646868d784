-- 0.1.0 to 0.2.0, changes to 31_registry_guards.sql: the guard lets
-- mreg.purge_events (76_events.sql) delete old events inside the API.
CREATE OR REPLACE FUNCTION mreg_internal.forbid_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    -- the one sanctioned removal: the edges of a draft being deleted (mreg_internal.drop_draft_edges)
    -- (only from inside the trigger: a session that sets the flag itself is at depth 1)
    IF TG_TABLE_NAME = 'lineage_edge' AND TG_OP = 'DELETE' AND pg_trigger_depth() > 1
       AND current_setting('mreg_internal.dropping_draft', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- the retention of the event outbox (mreg.purge_events, 76_events.sql): only inside the API
    IF TG_TABLE_NAME = 'event' AND TG_OP = 'DELETE' AND mreg_internal.in_api()
       AND current_setting('mreg_internal.purging_events', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- and one sanctioned rewrite: masking personal values in old rows (37_privacy.sql)
    IF TG_TABLE_NAME = 'row_history' AND TG_OP = 'UPDATE' AND mreg_internal.masking() THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'rows of %.% are append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = format('%s is not allowed on %I.%I: its history must never change.',
                              TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
              HINT = 'Record a new row instead (a correction is a new evaluation or annotation).';
END
$$;
