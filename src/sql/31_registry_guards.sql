-- Registry core: immutability and history, enforced by triggers.
--
-- Triggers fire for every role, the table owner included; only a superuser
-- who disables them (session_replication_role = replica) gets around them,
-- and the audit chain (governance) catches that.  No trigger here fires on
-- INSERT except integrity checks that restored rows pass unchanged, so
-- pg_restore loads a dump without a row being rewritten, re-logged or refused.

-- Append-only tables: no UPDATE, no DELETE, no TRUNCATE.
CREATE FUNCTION mreg_internal.forbid_change() RETURNS trigger
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
COMMENT ON FUNCTION mreg_internal.forbid_change() IS 'Trigger: refuses UPDATE, DELETE and TRUNCATE on append-only tables (SQLSTATE 55000)';

-- Mutable tables: TRUNCATE would drop history silently.
CREATE FUNCTION mreg_internal.forbid_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of %.% is not allowed', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = 'TRUNCATE would remove rows without keeping their history.',
              HINT = 'DELETE rows one by one (their old versions are kept in mreg.row_history), or DROP EXTENSION mreg.';
END
$$;
COMMENT ON FUNCTION mreg_internal.forbid_truncate() IS 'Trigger: refuses TRUNCATE on registry tables (SQLSTATE 55000)';

-- Mutable tables: keep the previous row of every UPDATE and DELETE.
CREATE FUNCTION mreg_internal.keep_history() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
    new_row jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) END;
BEGIN
    IF TG_OP = 'UPDATE' AND (old_row = new_row OR mreg_internal.masking()) THEN
        RETURN NULL;                        -- nothing changed, or personal values masked: nothing to keep
    END IF;
    INSERT INTO mreg.row_history (project_id, table_name, row_id, operation, old_row, new_row)
    VALUES (CASE WHEN TG_TABLE_NAME = 'project' THEN (old_row->>'id')::bigint
                 ELSE (old_row->>'project_id')::bigint END,
            TG_TABLE_NAME, (old_row->>'id')::bigint, TG_OP, old_row, new_row);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mreg_internal.keep_history() IS 'Trigger: copies the old row of every UPDATE/DELETE into mreg.row_history';

-- Key columns never move: a row keeps its id and its project.
CREATE FUNCTION mreg_internal.guard_keys() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'the id of a row of mreg.% cannot change', TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF TG_TABLE_NAME <> 'project' AND TG_TABLE_NAME <> 'vocabulary' AND TG_TABLE_NAME <> 'synonym'
       AND (to_jsonb(NEW)->'project_id') IS DISTINCT FROM (to_jsonb(OLD)->'project_id') THEN
        RAISE EXCEPTION 'a row of mreg.% cannot move to another project', TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF TG_TABLE_NAME = 'project' THEN
        -- (nested: NEW.name only exists on project rows)
        IF (to_jsonb(NEW)->>'name') IS DISTINCT FROM (to_jsonb(OLD)->>'name') THEN
            RAISE EXCEPTION 'project % cannot be renamed', mreg_internal.quote_short(to_jsonb(OLD)->>'name')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Node texts, lineage snapshots and grants name the project.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_keys() IS 'Trigger: ids and project membership of registry rows never change';

-- Names are identities once something refers to them: versions, runs and
-- lineage edges name datasets, models, features, pipelines and experiments
-- by node text, so a rename would silently cut those references and a new
-- entity under the old name would inherit them.
CREATE FUNCTION mreg_internal.guard_name() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    pname text;
    node text;
    used text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
        RETURN NEW;
    END IF;
    SELECT p.name INTO pname FROM mreg.project p WHERE p.id = OLD.project_id;
    node := mreg_internal.node_text(pname, TG_TABLE_NAME, OLD.name);
    used := CASE TG_TABLE_NAME
        WHEN 'dataset' THEN (SELECT 'its versions' FROM mreg.dataset_version v WHERE v.dataset_id = OLD.id LIMIT 1)
        WHEN 'model' THEN (SELECT 'its versions' FROM mreg.model_version v WHERE v.model_id = OLD.id LIMIT 1)
        WHEN 'experiment' THEN (SELECT 'its runs' FROM mreg.run r WHERE r.experiment_id = OLD.id LIMIT 1)
        WHEN 'pipeline' THEN (SELECT 'its runs' FROM mreg.run r WHERE r.pipeline_id = OLD.id LIMIT 1)
        WHEN 'feature' THEN (SELECT 'runs that used it' FROM mreg.run_feature f WHERE f.feature_id = OLD.id LIMIT 1)
    END;
    IF used IS NULL AND (EXISTS (SELECT 1 FROM mreg.lineage_edge e WHERE e.src = node)
                         OR EXISTS (SELECT 1 FROM mreg.lineage_edge e WHERE e.dst = node)) THEN
        used := 'lineage edges';
    END IF;
    IF used IS NOT NULL THEN
        RAISE EXCEPTION '% % cannot be %', TG_TABLE_NAME, mreg_internal.quote_short(OLD.name),
                        CASE TG_OP WHEN 'UPDATE' THEN 'renamed' ELSE 'deleted' END
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('%s refer to it as %s.', upper(left(used, 1)) || substr(used, 2), node),
                  HINT = CASE TG_OP WHEN 'UPDATE' THEN format('Its name is its identity once referenced; create a new %s instead.', TG_TABLE_NAME)
                                    ELSE 'Referenced entities stay: the history that names them must keep resolving.' END;
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_name() IS 'Trigger: a dataset, model, experiment, pipeline or feature that something refers to keeps its name and is not deleted (55000)';

-- A draft that goes takes its live edges with it: a version registered later
-- under the same number starts from a clean lineage.
CREATE FUNCTION mreg_internal.drop_draft_edges() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    node text := mreg_internal.version_node((SELECT p.name FROM mreg.project p WHERE p.id = OLD.project_id),
                                            (SELECT m.name FROM mreg.model m WHERE m.id = OLD.model_id), OLD.version);
BEGIN
    PERFORM set_config('mreg_internal.dropping_draft', 'on', true);
    DELETE FROM mreg.lineage_edge e WHERE e.dst = node OR e.src = node;
    PERFORM set_config('mreg_internal.dropping_draft', 'off', true);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mreg_internal.drop_draft_edges() IS 'Trigger: deleting a draft version removes its live lineage edges';

-- A data snapshot is immutable: only its descriptive facts may be corrected.
CREATE FUNCTION mreg_internal.guard_dataset_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF (NEW.dataset_id, NEW.version, NEW.uri, NEW.sha256, NEW.row_count,
        CASE WHEN mreg_internal.masking() THEN OLD.schema ELSE NEW.schema END,     -- personal values being masked
        NEW.created_at, NEW.created_by)
       IS DISTINCT FROM
       (OLD.dataset_id, OLD.version, OLD.uri, OLD.sha256, OLD.row_count, OLD.schema, OLD.created_at, OLD.created_by) THEN
        RAISE EXCEPTION 'dataset version % is immutable', OLD.id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its dataset, version, uri, sha256, row count and schema identify the snapshot.',
                  HINT = 'Register a new dataset version instead; license, usage rights, source and the personal-data flag may be corrected.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_dataset_version() IS 'Trigger: the identity of a data snapshot never changes';

-- Allowed status moves of a model version.  retired is final; nothing goes
-- back to draft.
CREATE FUNCTION mreg.status_transition_allowed(from_status text, to_status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
    WHEN from_status OPERATOR(pg_catalog.=) 'draft'
        THEN to_status OPERATOR(pg_catalog.=) ANY (ARRAY['registered', 'staging', 'retired'])
    WHEN from_status OPERATOR(pg_catalog.=) 'registered'
        THEN to_status OPERATOR(pg_catalog.=) ANY (ARRAY['staging', 'production', 'archived', 'retired'])
    WHEN from_status OPERATOR(pg_catalog.=) 'staging'
        THEN to_status OPERATOR(pg_catalog.=) ANY (ARRAY['registered', 'production', 'archived', 'retired'])
    WHEN from_status OPERATOR(pg_catalog.=) 'production'
        THEN to_status OPERATOR(pg_catalog.=) ANY (ARRAY['staging', 'archived', 'retired'])
    WHEN from_status OPERATOR(pg_catalog.=) 'archived'
        THEN to_status OPERATOR(pg_catalog.=) ANY (ARRAY['registered', 'retired'])
    ELSE false
END;
COMMENT ON FUNCTION mreg.status_transition_allowed(text, text) IS
    'Whether a model version may move from one status to another (retired is final, nothing returns to draft)';

CREATE FUNCTION mreg_internal.guard_model_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'model version % (%) cannot be deleted', OLD.id, OLD.version
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('Its status is %s; only draft versions can be deleted.', OLD.status),
                      HINT = 'Use mreg.retire() to take a registered version out of use.';
        END IF;
        RETURN OLD;
    END IF;
    IF (NEW.model_id, NEW.version::text) IS DISTINCT FROM (OLD.model_id, OLD.version::text) THEN
        RAISE EXCEPTION 'model version % (%) cannot be renumbered', OLD.id, OLD.version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its model and version are its identity: lineage, tags and notes name it by them.',
                  HINT = 'Delete the draft and register the new number, or register a new version.';
    END IF;
    IF OLD.status <> 'draft'
       AND (NEW.model_id, NEW.version::text, NEW.run_id, NEW.provenance::text, NEW.signature,
            CASE WHEN mreg_internal.masking() THEN OLD.metadata ELSE NEW.metadata END,   -- personal values being masked
            NEW.created_at, NEW.created_by)
           IS DISTINCT FROM
           (OLD.model_id, OLD.version::text, OLD.run_id, OLD.provenance::text, OLD.signature, OLD.metadata,
            OLD.created_at, OLD.created_by) THEN
        RAISE EXCEPTION 'model version % (%) is immutable', OLD.id, OLD.version
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A registered version''s identity, run, signature, metadata and provenance never change; only its status moves.',
                  HINT = 'Register a new version instead.';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT mreg_internal.in_api() THEN
            RAISE EXCEPTION 'the status of model version % (%) moves only through the API', OLD.id, OLD.version
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Status moves are checked against policies and audited; a direct UPDATE is neither.',
                      HINT = 'Use mreg.set_status() or mreg.retire().';
        END IF;
        IF NOT mreg.status_transition_allowed(OLD.status, NEW.status) THEN
            RAISE EXCEPTION 'model version % (%) cannot move from % to %', OLD.id, OLD.version, OLD.status, NEW.status
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = CASE WHEN OLD.status = 'retired' THEN 'retired is final.'
                                    WHEN NEW.status = 'draft' THEN 'Nothing returns to draft.'
                                    ELSE 'See mreg.status_transition_allowed() for the allowed moves.' END;
        END IF;
        NEW.status_changed_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_model_version() IS
    'Trigger: registered versions are immutable except for status, which moves only along allowed transitions; only drafts can be deleted';

-- Artifacts: inline bytes are hashed in the database and a declared sha256
-- must match; the artifacts of a registered version never change.
CREATE FUNCTION mreg_internal.guard_artifact() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
DECLARE
    st text;
    actual text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT status INTO st FROM mreg.model_version WHERE id = OLD.model_version_id;
        IF st IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'artifact % of model version % is immutable', mreg_internal.quote_short(OLD.name), OLD.model_version_id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = format('The version is %s; the artifacts of a registered version never change.', coalesce(st, 'gone')),
                      HINT = 'Register a new version with the new artifacts.';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
    END IF;
    -- an artifact comes to a version that left draft only through the API or
    -- a restore (pg_dump scripts run with row_security off, and only insert):
    -- an INSERT outside them, or an UPDATE that moves a draft's artifact
    -- there (the API never moves artifacts), is refused
    IF (CASE TG_OP WHEN 'INSERT' THEN NOT mreg_internal.in_api() AND current_setting('row_security') <> 'off'
                   ELSE NEW.model_version_id IS DISTINCT FROM OLD.model_version_id END)
       AND (SELECT v.status FROM mreg.model_version v WHERE v.id = NEW.model_version_id) IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'artifacts of model version % are added only through the API', NEW.model_version_id
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The artifacts of a registered version are fixed when it is registered.',
                  HINT = 'Register a new version with mreg.register_model_version().';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.content IS NOT NULL AND NOT NEW.encrypted THEN     -- (encrypted: checked before encryption)
        actual := encode(sha256(NEW.content), 'hex');
        IF NEW.sha256 IS NOT NULL AND lower(NEW.sha256) <> actual THEN
            RAISE EXCEPTION 'sha256 of artifact % does not match its content', mreg_internal.quote_short(NEW.name)
                USING ERRCODE = 'check_violation',
                      DETAIL = format('Declared %s, content hashes to %s (%s bytes).', NEW.sha256, actual, octet_length(NEW.content));
        END IF;
        NEW.sha256 := actual;
        NEW.size_bytes := coalesce(NEW.size_bytes, octet_length(NEW.content));
        IF NEW.size_bytes <> octet_length(NEW.content) THEN
            RAISE EXCEPTION 'size of artifact % does not match its content', mreg_internal.quote_short(NEW.name)
                USING ERRCODE = 'check_violation',
                      DETAIL = format('Declared %s bytes, content has %s.', NEW.size_bytes, octet_length(NEW.content));
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_artifact() IS
    'Trigger: hashes inline artifact bytes (a declared sha256 must match); artifacts of non-draft versions never change, and none is added to one outside the API (INSERT, or UPDATE moving it there) except by a restore (row_security = off, INSERT only)';

-- Aliases move only through the API (mreg.set_alias keeps every move in
-- mreg.alias_move and honours protection), for the owner and superusers too.
CREATE FUNCTION mreg_internal.guard_alias() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
BEGIN
    IF NOT mreg_internal.in_api() THEN
        RAISE EXCEPTION 'alias % moves only through the API', OLD.name
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Every move of an alias is kept in mreg.alias_move and protected aliases move only for their role; a direct change would do neither.',
                  HINT = 'Use mreg.set_alias() or mreg.remove_alias().';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION mreg_internal.guard_alias() IS 'Trigger: aliases are updated or deleted only by the API (42501), even by the owner or a superuser';

-- The guard triggers of a registry table, by kind, in one place: each table
-- gets them with one call beside its CREATE TABLE (in this file for the
-- core tables; 35_access.sql, 46_api_policy.sql, 47_api_review.sql for
-- theirs), so a new table cannot miss one of the three a mutable table
-- needs.  Kinds:
--   append_only  forbid_change before UPDATE, DELETE or TRUNCATE, at
--                statement level: refuses even an UPDATE or DELETE that
--                matches no row
--   mutable      guard_keys before UPDATE, keep_history after UPDATE or
--                DELETE (row level), forbid_truncate before TRUNCATE
-- Run by the extension's scripts (install and upgrades) only: nobody else
-- may execute it, and the DDL guard refuses triggers on mreg's tables
-- outside them anyway.
CREATE FUNCTION mreg_internal.add_guards(kind text, VARIADIC tables name[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, mreg, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    t name;
BEGIN
    IF kind IS NULL OR kind NOT IN ('append_only', 'mutable') THEN
        RAISE EXCEPTION 'unknown guard kind %', coalesce(quote_literal(kind), 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Kinds: append_only, mutable.';
    END IF;
    FOREACH t IN ARRAY tables LOOP
        IF kind = 'append_only' THEN
            EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON mreg.%I
                            FOR EACH STATEMENT EXECUTE FUNCTION mreg_internal.forbid_change()', t);
        ELSE
            EXECUTE format('CREATE TRIGGER guard_keys BEFORE UPDATE ON mreg.%I
                            FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_keys()', t);
            EXECUTE format('CREATE TRIGGER keep_history AFTER UPDATE OR DELETE ON mreg.%I
                            FOR EACH ROW EXECUTE FUNCTION mreg_internal.keep_history()', t);
            EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON mreg.%I
                            FOR EACH STATEMENT EXECUTE FUNCTION mreg_internal.forbid_truncate()', t);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION mreg_internal.add_guards(text, name[]) IS
    'Install-time helper: attaches the guard triggers of a kind (append_only: forbid_change; mutable: guard_keys, keep_history, no_truncate) to tables of schema mreg';

-- Append-only: the history tables and the facts.  Mutable: everything else
-- of the core, each change kept in row_history.
SELECT mreg_internal.add_guards('append_only', 'evaluation', 'annotation', 'alias_move', 'row_history', 'lineage_edge',
                                'run_dataset', 'run_feature');
SELECT mreg_internal.add_guards('mutable', 'project', 'experiment', 'pipeline', 'pipeline_step', 'run', 'dataset',
                                'dataset_version', 'feature', 'model', 'model_version', 'artifact', 'alias',
                                'tag', 'vocabulary', 'vocabulary_mode', 'synonym', 'metadata_schema');

CREATE TRIGGER guard_dataset_version BEFORE UPDATE ON mreg.dataset_version
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_dataset_version();
CREATE TRIGGER guard_model_version BEFORE UPDATE OR DELETE ON mreg.model_version
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_model_version();
CREATE TRIGGER drop_draft_edges AFTER DELETE ON mreg.model_version
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.drop_draft_edges();
CREATE TRIGGER guard_name BEFORE UPDATE OF name OR DELETE ON mreg.dataset
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_name();
CREATE TRIGGER guard_name BEFORE UPDATE OF name OR DELETE ON mreg.model
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_name();
CREATE TRIGGER guard_name BEFORE UPDATE OF name OR DELETE ON mreg.experiment
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_name();
CREATE TRIGGER guard_name BEFORE UPDATE OF name OR DELETE ON mreg.pipeline
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_name();
CREATE TRIGGER guard_name BEFORE UPDATE OF name OR DELETE ON mreg.feature
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_name();
CREATE TRIGGER guard_artifact BEFORE INSERT OR UPDATE OR DELETE ON mreg.artifact
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_artifact();
CREATE TRIGGER guard_alias BEFORE UPDATE OR DELETE ON mreg.alias
    FOR EACH ROW EXECUTE FUNCTION mreg_internal.guard_alias();
