-- Who the registry acts for (src/caller.c).
--
-- The write API's bodies run as the extension's owner (SECURITY DEFINER in
-- mreg_internal); each mreg.* write function is a C entry that notes the
-- calling role first.  caller() is that role, so rows, checks and the audit
-- log name the user, never the owner.  Table defaults use it too.

CREATE FUNCTION mreg_internal.caller() RETURNS pg_catalog.name
    AS 'MODULE_PATHNAME', 'mreg_caller'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION mreg_internal.caller() IS
    'The role the registry acts for: inside the write API the role that called it, elsewhere current_user';

CREATE FUNCTION mreg_internal.in_api() RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'mreg_caller_in_api'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION mreg_internal.in_api() IS
    'Whether a write API body is running (guards admit what only the API may do); cannot be set from SQL';

CREATE FUNCTION mreg_internal.creating_extension() RETURNS pg_catalog.bool
    AS 'MODULE_PATHNAME', 'mreg_caller_creating_extension'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION mreg_internal.creating_extension() IS
    'Whether CREATE or ALTER EXTENSION is running a script (the DDL guard admits the extension''s own changes)';

CREATE FUNCTION mreg_internal.audit_note(project_id bigint, target text, before jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'mreg_caller_audit_note'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION mreg_internal.audit_note(bigint, text, jsonb) IS
    'What the running API body wants in its audit row: the project (first noted wins), the target and the previous state; outside the API it does nothing';

CREATE FUNCTION mreg_internal.audit_mask(args jsonb) RETURNS void
    AS 'MODULE_PATHNAME', 'mreg_caller_audit_mask'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION mreg_internal.audit_mask(jsonb) IS
    'Arguments of the running API call to log as given here (personal data masked), e.g. {"metadata": ...}; outside the API it does nothing';

-- Inline artifact bytes given to register_model_version are not logged.
CREATE FUNCTION mreg_internal.audit_redact(args jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(args OPERATOR(pg_catalog.->) 'artifacts') OPERATOR(pg_catalog.=) 'array'
            THEN args OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('artifacts',
                 (SELECT COALESCE(pg_catalog.jsonb_agg(CASE WHEN x OPERATOR(pg_catalog.?|) ARRAY['content_base64', 'content_hex']
                                                   THEN x OPERATOR(pg_catalog.-) 'content_base64' OPERATOR(pg_catalog.-) 'content_hex'
                                                        OPERATOR(pg_catalog.||) '{"content": "(inline bytes not logged)"}'::pg_catalog.jsonb
                                                   ELSE x END), '[]')
                    FROM pg_catalog.jsonb_array_elements(args OPERATOR(pg_catalog.->) 'artifacts') x))
            ELSE args END;
COMMENT ON FUNCTION mreg_internal.audit_redact(jsonb) IS 'The arguments of an API call as the audit log keeps them: inline artifact bytes left out';
