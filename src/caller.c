/*
 * caller.c: who is calling the registry.
 *
 * Only the write API may write the registry's tables, so its bodies are
 * SECURITY DEFINER functions in mreg_internal.  Inside one, current_user is
 * the function's owner, and PostgreSQL keeps no record of the role that
 * called it; yet every row must name that role, and every check must be made
 * for it.  So each API function a user sees (mreg.register_model, ...) is
 * mreg_api_call: a C function running with the caller's rights, which notes
 * the calling role (GetUserId()) and then calls the body of the same name and
 * argument types in mreg_internal through fmgr.  fmgr does no EXECUTE check:
 * users hold no privilege on the bodies, so the entry is the only way in.
 *
 * mreg_internal.caller() returns the noted role (outside the API: the
 * current user); mreg_internal.in_api() tells a guard trigger that the API,
 * not a direct UPDATE, is doing a write.  Neither can be set from SQL.
 *
 * The entry is also where every API call is audited, so no write function
 * can forget it: when the body returns, one row goes to the audit log with
 * the function's name, its arguments and result (long values cut), and the
 * project, target and previous state the body noted on the way
 * (mreg_internal.audit_note; authorize() notes the project).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "caller.h"

/* API calls nest (a body may call another API entry); a bound keeps a
 * runaway recursion from overrunning the stack of callers. */
#define MAX_API_DEPTH 64

/* what a body noted for its audit row */
typedef struct AuditNote
{
	MemoryContext cxt;			/* outlives the body: the entry's context */
	bool		has_project;
	int64		project_id;
	char	   *target;
	Jsonb	   *before;
	Jsonb	   *mask;			/* arguments to log as given here (personal data masked) */
	bool		skip;			/* the body asked for no audit row (mreg_internal.audit_skip) */
} AuditNote;

static Oid	caller_stack[MAX_API_DEPTH];
static AuditNote notes[MAX_API_DEPTH];
static int	api_depth = 0;

/* argument values longer than this are cut in the audit row */
#define AUDIT_MAX_VALUE 1000

/* What an entry keeps between calls: its body's call info. */
typedef struct ApiEntryCache
{
	FmgrInfo	body;
	Oid			body_owner;
	char	   *action;			/* the function's name */
	int			nargs;
	char	  **argnames;
	Oid		   *argtypes;
	FmgrInfo   *argout;			/* their output functions */
	Oid			rettype;
	FmgrInfo	retout;
	FmgrInfo	audit;			/* mreg_internal.audit(bigint, text, text, jsonb, jsonb) */
	FmgrInfo	redact;			/* mreg_internal.audit_redact(jsonb) */
	int			artifacts_arg;	/* the argument "artifacts" (inline bytes to leave out), or -1 */
} ApiEntryCache;

Oid
mreg_caller_oid(void)
{
	return api_depth > 0 ? caller_stack[api_depth - 1] : GetUserId();
}

bool
mreg_in_api(void)
{
	return api_depth > 0;
}

/* The output function of a type (none for void), kept in cxt. */
static void
output_info(Oid type, FmgrInfo *out, MemoryContext cxt)
{
	Oid			func;
	bool		varlena;

	if (type == VOIDOID)
		return;
	getTypeOutputInfo(type, &func, &varlena);
	fmgr_info_cxt(func, out, cxt);
}

/* Find mreg_internal.<name>(<same argument types>) for the entry fn_oid. */
static Oid
lookup_body(Oid entry_oid, Oid *owner, ApiEntryCache *cache, MemoryContext cxt)
{
	HeapTuple	tup;
	Form_pg_proc proc;
	List	   *name;
	Oid			body;
	Oid		   *types;
	char	  **names;
	char	   *modes;
	int			n;
	int			i;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(entry_oid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", entry_oid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	n = get_func_arg_info(tup, &types, &names, &modes);
	cache->nargs = proc->pronargs;
	cache->argnames = MemoryContextAllocZero(cxt, sizeof(char *) * Max(n, 1));
	cache->argtypes = MemoryContextAllocZero(cxt, sizeof(Oid) * Max(n, 1));
	cache->argout = MemoryContextAllocZero(cxt, sizeof(FmgrInfo) * Max(n, 1));
	cache->artifacts_arg = -1;
	for (i = 0; i < n && i < proc->pronargs; i++)
	{
		cache->argnames[i] = MemoryContextStrdup(cxt, names && names[i] ? names[i] : "?");
		cache->argtypes[i] = proc->proargtypes.values[i];
		output_info(cache->argtypes[i], &cache->argout[i], cxt);
		if (strcmp(cache->argnames[i], "artifacts") == 0 && cache->artifacts_arg < 0)
			cache->artifacts_arg = i;
	}
	cache->rettype = proc->prorettype;
	output_info(cache->rettype, &cache->retout, cxt);
	cache->action = MemoryContextStrdup(cxt, NameStr(proc->proname));
	name = list_make2(makeString("mreg_internal"), makeString(pstrdup(NameStr(proc->proname))));
	body = LookupFuncName(name, proc->pronargs, proc->proargtypes.values, true);
	if (!OidIsValid(body) || body == entry_oid)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("mreg API function %s has no body", format_procedure(entry_oid)),
				 errdetail("Expected mreg_internal.%s with the same argument types.", NameStr(proc->proname)),
				 errhint("The extension is damaged: reinstall it (DROP EXTENSION mreg; CREATE EXTENSION mreg).")));
	ReleaseSysCache(tup);

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(body));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", body);
	*owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	if (!((Form_pg_proc) GETSTRUCT(tup))->prosecdef)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("body of mreg API function %s is not SECURITY DEFINER", format_procedure(entry_oid))));
	ReleaseSysCache(tup);
	return body;
}

/*
 * Nested entries: when a body (running as its owner) calls another entry,
 * the role to note is still the original caller, not the owner.
 */
static Oid
calling_role(ApiEntryCache *cache)
{
	Oid			user = GetUserId();

	if (api_depth > 0 && user == cache->body_owner)
		return caller_stack[api_depth - 1];
	return user;
}

/* Push a C string as a JSON string value. */
static void
push_string(JsonbParseState **ps, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	(void) pushJsonbValue(ps, WJB_VALUE, &v);
}

/* A text longer than AUDIT_MAX_VALUE bytes, cut (on a character boundary). */
static const char *
cut_value(const char *s, int len)
{
	if (len > AUDIT_MAX_VALUE)
		return psprintf("%.*s... (%d bytes)", pg_mbcliplen(s, len, AUDIT_MAX_VALUE), s, len);
	return s;
}

/* Whether a jsonb value matches ?| {content_base64, content_hex}, as audit_redact tests it. */
static bool
has_inline_content(JsonbValue *elem)
{
	static const char *const keys[] = {"content_base64", "content_hex"};
	int			i;

	for (i = 0; i < (int) lengthof(keys); i++)
	{
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.val = (char *) keys[i];
		k.val.string.len = strlen(keys[i]);
		if (elem->type == jbvBinary)
		{
			if (findJsonbValueFromContainer(elem->val.binary.data, JB_FOBJECT | JB_FARRAY, &k) != NULL)
				return true;
		}
		else if (elem->type == jbvString && elem->val.string.len == k.val.string.len &&
				 memcmp(elem->val.string.val, k.val.string.val, k.val.string.len) == 0)
			return true;
	}
	return false;
}

/*
 * Whether mreg_internal.audit_redact() would change anything: "artifacts"
 * logged as a JSON array with an element naming inline bytes.  Mostly not,
 * and then the SQL function (re-planned in every transaction) is skipped.
 */
static bool
needs_redaction(Jsonb *artifacts)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_ARRAY(artifacts) || JB_ROOT_IS_SCALAR(artifacts))
		return false;
	it = JsonbIteratorInit(&artifacts->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_ELEM && has_inline_content(&v))
			return true;
	return false;
}

/*
 * One value of the audit row's "after" object: jsonb as it is (when its
 * text is short), bytea as its size, everything else as its text, cut.
 * Sets *inline_bytes when the value is a jsonb array audit_redact must see.
 */
static void
push_value(JsonbParseState **ps, Datum value, bool isnull, Oid type, FmgrInfo *out,
		   bool *inline_bytes)
{
	char	   *s;
	int			len;

	if (isnull)
	{
		JsonbValue	v;

		v.type = jbvNull;
		(void) pushJsonbValue(ps, WJB_VALUE, &v);
		return;
	}
	if (type == BYTEAOID)
	{
		/* bytes (artifact contents) are never logged, only their size */
		push_string(ps, psprintf("(%zu bytes)", (size_t) VARSIZE_ANY_EXHDR(DatumGetPointer(value))));
		return;
	}
	if (type == JSONBOID || type == JSONOID)
	{
		Jsonb	   *j = NULL;
		JsonbValue	v;

		if (type == JSONBOID)
		{
			j = DatumGetJsonbP(value);
			s = JsonbToCString(NULL, &j->root, VARSIZE(j));
		}
		else
			s = TextDatumGetCString(value);
		len = strlen(s);
		if (len > AUDIT_MAX_VALUE)
		{
			push_string(ps, cut_value(s, len));
			return;
		}
		if (j == NULL)
			j = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s)));
		if (inline_bytes && needs_redaction(j))
			*inline_bytes = true;
		v.type = jbvBinary;
		v.val.binary.data = &j->root;
		v.val.binary.len = VARSIZE(j) - VARHDRSZ;
		(void) pushJsonbValue(ps, WJB_VALUE, &v);
		return;
	}
	s = OutputFunctionCall(out, value);
	push_string(ps, cut_value(s, strlen(s)));
}

/* Push a key of the "after" object. */
static void
push_key(JsonbParseState **ps, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	(void) pushJsonbValue(ps, WJB_KEY, &k);
}

/*
 * The audit row's "after": {"<arg>": value, ..., "result": value}, built
 * as a JsonbValue (no JSON text parsed back).  Keys are unique in jsonb and
 * a key pushed later replaces an earlier one, so a step that overrides some
 * arguments' values goes right before WJB_END_OBJECT.
 */
static Jsonb *
audit_args(FunctionCallInfo fcinfo, ApiEntryCache *cache, Datum result, bool result_null)
{
	JsonbParseState *ps = NULL;
	JsonbValue *obj;
	bool		inline_bytes = false;
	int			i;

	(void) pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < fcinfo->nargs && i < cache->nargs; i++)
	{
		push_key(&ps, cache->argnames[i]);
		push_value(&ps, fcinfo->args[i].value, fcinfo->args[i].isnull, cache->argtypes[i],
				   &cache->argout[i], i == cache->artifacts_arg ? &inline_bytes : NULL);
	}
	push_key(&ps, "result");
	push_value(&ps, result, result_null || cache->rettype == VOIDOID, cache->rettype, &cache->retout, NULL);
	obj = pushJsonbValue(&ps, WJB_END_OBJECT, NULL);

	if (inline_bytes)
		return DatumGetJsonbP(FunctionCall1(&cache->redact, JsonbPGetDatum(JsonbValueToJsonb(obj))));
	return JsonbValueToJsonb(obj);
}

/*
 * The audit row of a call that succeeded, written as the body's owner (the
 * caller may not write the log) while the caller is still noted.
 */
static void
write_audit(FunctionCallInfo fcinfo, ApiEntryCache *cache, Datum result, bool result_null)
{
	AuditNote  *note = &notes[api_depth - 1];
	LOCAL_FCINFO(afc, 5);
	Oid			save_user;
	int			save_ctx;

	InitFunctionCallInfoData(*afc, &cache->audit, 5, InvalidOid, NULL, NULL);
	afc->args[0].value = Int64GetDatum(note->project_id);
	afc->args[0].isnull = !note->has_project;
	afc->args[1].value = CStringGetTextDatum(cache->action);
	afc->args[1].isnull = false;
	afc->args[2].value = note->target ? CStringGetTextDatum(note->target) : (Datum) 0;
	afc->args[2].isnull = note->target == NULL;
	afc->args[3].value = PointerGetDatum(note->before);
	afc->args[3].isnull = note->before == NULL;
	afc->args[4].value = JsonbPGetDatum(audit_args(fcinfo, cache, result, result_null));
	if (note->mask)
		afc->args[4].value = DirectFunctionCall2(jsonb_concat, afc->args[4].value, PointerGetDatum(note->mask));
	afc->args[4].isnull = false;

	GetUserIdAndSecContext(&save_user, &save_ctx);
	SetUserIdAndSecContext(cache->body_owner, save_ctx | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		FunctionCallInvoke(afc);
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_ctx);
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(mreg_api_call);

Datum
mreg_api_call(PG_FUNCTION_ARGS)
{
	ApiEntryCache *cache = (ApiEntryCache *) fcinfo->flinfo->fn_extra;
	LOCAL_FCINFO(inner, FUNC_MAX_ARGS);
	Datum		result;
	int			i;

	if (cache == NULL)
	{
		Oid			owner;
		Oid			body;
		Oid			audit_types[5] = {INT8OID, TEXTOID, TEXTOID, JSONBOID, JSONBOID};
		Oid			audit;

		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ApiEntryCache));
		body = lookup_body(fcinfo->flinfo->fn_oid, &owner, cache, fcinfo->flinfo->fn_mcxt);
		fmgr_info_cxt(body, &cache->body, fcinfo->flinfo->fn_mcxt);
		cache->body_owner = owner;
		audit = LookupFuncName(list_make2(makeString("mreg_internal"), makeString("audit")), 5, audit_types, false);
		fmgr_info_cxt(audit, &cache->audit, fcinfo->flinfo->fn_mcxt);
		audit = LookupFuncName(list_make2(makeString("mreg_internal"), makeString("audit_redact")), 1, &audit_types[3], false);
		fmgr_info_cxt(audit, &cache->redact, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cache;
	}

	if (api_depth >= MAX_API_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("mreg API calls nest more than %d deep", MAX_API_DEPTH)));

	InitFunctionCallInfoData(*inner, &cache->body, fcinfo->nargs, fcinfo->fncollation,
							 fcinfo->context, fcinfo->resultinfo);
	for (i = 0; i < fcinfo->nargs; i++)
		inner->args[i] = fcinfo->args[i];

	caller_stack[api_depth] = calling_role(cache);
	memset(&notes[api_depth], 0, sizeof(AuditNote));
	notes[api_depth].cxt = CurrentMemoryContext;
	api_depth++;
	PG_TRY();
	{
		result = FunctionCallInvoke(inner);
		if (!notes[api_depth - 1].skip)
			write_audit(fcinfo, (ApiEntryCache *) fcinfo->flinfo->fn_extra, result, inner->isnull);
	}
	PG_FINALLY();
	{
		api_depth--;
	}
	PG_END_TRY();

	fcinfo->isnull = inner->isnull;
	return result;
}

PG_FUNCTION_INFO_V1(mreg_caller);

/* mreg_internal.caller(): the role the registry acts for. */
Datum
mreg_caller(PG_FUNCTION_ARGS)
{
	char	   *name = GetUserNameFromId(mreg_caller_oid(), false);

	PG_RETURN_DATUM(DirectFunctionCall1(namein, CStringGetDatum(name)));
}

PG_FUNCTION_INFO_V1(mreg_caller_in_api);

/* mreg_internal.in_api(): whether the write API is running. */
Datum
mreg_caller_in_api(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(mreg_in_api());
}

PG_FUNCTION_INFO_V1(mreg_caller_creating_extension);

/* mreg_internal.creating_extension(): whether an extension script is running. */
Datum
mreg_caller_creating_extension(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(creating_extension);
}

PG_FUNCTION_INFO_V1(mreg_caller_audit_note);

/*
 * mreg_internal.audit_note(project_id, target, before): what the running
 * body wants in its audit row.  The first project noted wins (the one the
 * call was authorized for); target and before: the last given.  Outside the
 * API it does nothing, so calling it directly forges nothing.
 */
Datum
mreg_caller_audit_note(PG_FUNCTION_ARGS)
{
	AuditNote  *note;
	MemoryContext old;

	if (api_depth == 0)
		PG_RETURN_VOID();
	note = &notes[api_depth - 1];
	old = MemoryContextSwitchTo(note->cxt);
	if (!PG_ARGISNULL(0) && !note->has_project)
	{
		note->has_project = true;
		note->project_id = PG_GETARG_INT64(0);
	}
	if (!PG_ARGISNULL(1))
		note->target = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!PG_ARGISNULL(2))
		note->before = DatumGetJsonbPCopy(PG_GETARG_DATUM(2));
	MemoryContextSwitchTo(old);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(mreg_caller_audit_mask);

/*
 * mreg_internal.audit_mask(args jsonb): arguments of the running call to log
 * as given here instead of as passed (the body masked personal data in
 * them).  Keys add up; outside the API it does nothing.
 */
Datum
mreg_caller_audit_mask(PG_FUNCTION_ARGS)
{
	AuditNote  *note;
	MemoryContext old;
	Jsonb	   *args = PG_GETARG_JSONB_P(0);

	if (api_depth == 0)
		PG_RETURN_VOID();
	if (!JB_ROOT_IS_OBJECT(args) || JB_ROOT_IS_SCALAR(args))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("audit_mask expects a JSON object of argument names and values")));
	note = &notes[api_depth - 1];
	old = MemoryContextSwitchTo(note->cxt);
	if (note->mask)
		note->mask = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, PointerGetDatum(note->mask),
													   PointerGetDatum(args)));
	else
		note->mask = DatumGetJsonbPCopy(PointerGetDatum(args));
	MemoryContextSwitchTo(old);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(mreg_caller_audit_skip);

/*
 * mreg_internal.audit_skip(): the running API call writes no audit row.  For
 * bodies whose call changed nothing worth keeping (an event consumer's poll
 * that found nothing and acknowledged nothing); nobody but the owner may
 * execute it, and outside the API it does nothing.
 */
Datum
mreg_caller_audit_skip(PG_FUNCTION_ARGS)
{
	if (api_depth > 0)
		notes[api_depth - 1].skip = true;
	PG_RETURN_VOID();
}
