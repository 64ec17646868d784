/*
 * access.c: what the caller may do in each project, cached per backend.
 *
 * Row-level security asks for the caller's readable projects in every query
 * on a registry table, and every API body asks whether the caller holds a
 * privilege on a project.  The answer comes from mreg.access_grant, project
 * visibility and membership in the mreg_* group roles
 * (mreg_internal.access_rows, in SQL), run as the extension's owner so that
 * the tables' own policies do not recurse.  It is kept until something it
 * depends on changes:
 *   - a write to mreg.project or mreg.access_grant (a statement trigger
 *     sends a relcache invalidation for the table, which reaches every
 *     backend at its next transaction or lock, and this one at once),
 *   - a change of role membership (pg_auth_members) or of a role,
 *   - the earliest valid_until among the grants it used: an expired grant
 *     stops working at once, with no job,
 *   - another caller (SET ROLE, a nested API call).
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "access.h"
#include "caller.h"

typedef struct ProjectAccess
{
	int64		project_id;
	int32		mask;
} ProjectAccess;

static bool cache_valid = false;
static bool callbacks_registered = false;
static Oid	cache_user = InvalidOid;
static TimestampTz cache_expires = DT_NOEND;
static TimestampTz cache_statement = 0;
static ProjectAccess *cache_entries = NULL;
static int	cache_count = 0;
static Oid	project_relid = InvalidOid;
static Oid	grant_relid = InvalidOid;

static void
invalidate_access(void)
{
	cache_valid = false;
}

static void
access_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == project_relid || relid == grant_relid)
		invalidate_access();
}

static void
access_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	invalidate_access();
}

/* The role the extension's objects belong to (a superuser, see 00_schema). */
static Oid
registry_owner(void)
{
	Oid			nsp = get_namespace_oid("mreg_internal", false);
	HeapTuple	tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for namespace %u", nsp);
	owner = ((Form_pg_namespace) GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	return owner;
}

static int
cmp_access(const void *a, const void *b)
{
	int64		x = ((const ProjectAccess *) a)->project_id;
	int64		y = ((const ProjectAccess *) b)->project_id;

	return (x > y) - (x < y);
}

/* Run mreg_internal.access_rows(user) as the owner and keep the answer. */
static void
load_access(Oid user)
{
	Oid			save_user;
	int			save_ctx;
	Oid			owner = registry_owner();
	ProjectAccess *entries = NULL;
	int			count = 0;
	TimestampTz expires = DT_NOEND;

	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(access_relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, access_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, access_syscache_callback, (Datum) 0);
		callbacks_registered = true;
	}
	project_relid = get_relname_relid("project", get_namespace_oid("mreg", false));
	grant_relid = get_relname_relid("access_grant", get_namespace_oid("mreg", false));

	GetUserIdAndSecContext(&save_user, &save_ctx);
	SetUserIdAndSecContext(owner, save_ctx | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		Oid			argtypes[1] = {OIDOID};
		Datum		args[1] = {ObjectIdGetDatum(user)};
		uint64		i;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args("SELECT project_id, mask, expires FROM mreg_internal.access_rows($1)",
								  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "mreg_internal.access_rows failed");
		count = (int) SPI_processed;
		entries = MemoryContextAlloc(TopMemoryContext, sizeof(ProjectAccess) * Max(count, 1));
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	row = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			Datum		d;

			entries[i].project_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
			entries[i].mask = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
			d = SPI_getbinval(row, desc, 3, &isnull);
			if (!isnull && DatumGetTimestampTz(d) < expires)
				expires = DatumGetTimestampTz(d);
		}
		SPI_finish();
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_ctx);
	}
	PG_END_TRY();

	qsort(entries, count, sizeof(ProjectAccess), cmp_access);
	if (cache_entries)
		pfree(cache_entries);
	cache_entries = entries;
	cache_count = count;
	cache_user = user;
	cache_expires = expires;
	cache_valid = true;
}

static void
ensure_access(void)
{
	Oid			user = mreg_caller_oid();
	TimestampTz now = GetCurrentStatementStartTimestamp();

	/*
	 * A grant revoked by another session is seen from this session's next
	 * statement on, as a table row would be: read the invalidation messages
	 * once per statement (PostgreSQL otherwise reads them only when a lock
	 * is taken, and a repeated call takes none it does not hold).
	 */
	if (now != cache_statement)
	{
		cache_statement = now;
		AcceptInvalidationMessages();
	}
	if (!cache_valid || cache_user != user || now >= cache_expires)
		load_access(user);
}

int32
mreg_project_mask(int64 project_id)
{
	ProjectAccess key;
	ProjectAccess *hit;

	ensure_access();
	key.project_id = project_id;
	hit = bsearch(&key, cache_entries, cache_count, sizeof(ProjectAccess), cmp_access);
	return hit ? hit->mask : 0;
}

/* Bit of a privilege name; -1 when unknown. */
int32
mreg_privilege_bit(const char *privilege)
{
	static const char *const names[] = {"read", "contribute", "publish", "approve", "audit", "admin", "privacy"};
	int			i;

	for (i = 0; i < (int) lengthof(names); i++)
		if (strcmp(privilege, names[i]) == 0)
			return 1 << i;
	return -1;
}

static int32
privilege_arg(text *t)
{
	char	   *p = text_to_cstring(t);
	int32		bit = mreg_privilege_bit(p);

	if (bit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown privilege \"%s\"", p),
				 errhint("Privileges: read, contribute, publish, approve, audit, admin, privacy.")));
	return bit;
}

PG_FUNCTION_INFO_V1(mreg_has_access);

/* mreg_internal.has_access(project_id, privilege): may the caller do it there? */
Datum
mreg_has_access(PG_FUNCTION_ARGS)
{
	int64		pid = PG_GETARG_INT64(0);
	int32		bit = privilege_arg(PG_GETARG_TEXT_PP(1));

	PG_RETURN_BOOL((mreg_project_mask(pid) & bit) != 0);
}

PG_FUNCTION_INFO_V1(mreg_can_read);

/*
 * mreg_internal.can_read(project_id): whether the caller may read the
 * project now; what row-level security asks of every row (a binary search
 * in the cached answer, no array per query).
 */
Datum
mreg_can_read(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL((mreg_project_mask(PG_GETARG_INT64(0)) & 1) != 0);
}

PG_FUNCTION_INFO_V1(mreg_projects_with);

/* mreg_internal.projects_with(privilege): ids of the projects where the caller holds it. */
Datum
mreg_projects_with(PG_FUNCTION_ARGS)
{
	int32		bit = privilege_arg(PG_GETARG_TEXT_PP(0));
	Datum	   *ids;
	int			n = 0;
	int			i;

	ensure_access();
	ids = palloc(sizeof(Datum) * Max(cache_count, 1));
	for (i = 0; i < cache_count; i++)
		if (cache_entries[i].mask & bit)
			ids[n++] = Int64GetDatum(cache_entries[i].project_id);
	PG_RETURN_ARRAYTYPE_P(construct_array(ids, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(mreg_access_changed);

/* Statement trigger on mreg.project and mreg.access_grant: drop cached answers everywhere. */
Datum
mreg_access_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("mreg_internal.access_changed() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	invalidate_access();
	return PointerGetDatum(NULL);
}
