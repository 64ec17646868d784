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
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "catalog/pg_proc.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "caller.h"

/* API calls nest (a body may call another API entry); a bound keeps a
 * runaway recursion from overrunning the stack of callers. */
#define MAX_API_DEPTH 64

static Oid	caller_stack[MAX_API_DEPTH];
static int	api_depth = 0;

/* What an entry keeps between calls: its body's call info. */
typedef struct ApiEntryCache
{
	FmgrInfo	body;
	Oid			body_owner;
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

/* Find mreg_internal.<name>(<same argument types>) for the entry fn_oid. */
static Oid
lookup_body(Oid entry_oid, Oid *owner)
{
	HeapTuple	tup;
	Form_pg_proc proc;
	List	   *name;
	Oid			body;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(entry_oid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", entry_oid);
	proc = (Form_pg_proc) GETSTRUCT(tup);
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
		Oid			body = lookup_body(fcinfo->flinfo->fn_oid, &owner);

		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ApiEntryCache));
		fmgr_info_cxt(body, &cache->body, fcinfo->flinfo->fn_mcxt);
		cache->body_owner = owner;
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
	api_depth++;
	PG_TRY();
	{
		result = FunctionCallInvoke(inner);
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
