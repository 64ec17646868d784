/*
 * health.c: the row check of mreg.health_signal ingest.
 *
 * Health signals arrive by the million through COPY mreg.health_signal, so
 * the per-row work has to stay near what a plain table costs.  A BEFORE ROW
 * trigger in C fills project_id from the deployment the row names (pipelines
 * know their deployment, not the project id) and refuses the row unless the
 * caller may contribute to that project.  The deployment's project comes
 * from a small per-backend hash: a deployment never changes project
 * (guard_keys) and is never deleted (guard_api_only), so an entry stays true
 * until the table itself goes (DROP EXTENSION, a restore), which a relcache
 * invalidation of mreg.deployment tells us.  The privilege is asked every
 * row through access.c's own cache, except inside an API body, which checked
 * the caller itself (record_health) or moves rows already written.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "access.h"
#include "caller.h"

typedef struct DeploymentProject
{
	int64		deployment_id;	/* hash key */
	int64		project_id;
} DeploymentProject;

static HTAB *deployment_projects = NULL;
static Oid	deployment_relid = InvalidOid;
static bool callback_registered = false;

static void
deployment_inval(Datum arg, Oid relid)
{
	if (deployment_projects != NULL &&
		(relid == InvalidOid || relid == deployment_relid))
	{
		hash_destroy(deployment_projects);
		deployment_projects = NULL;
		deployment_relid = InvalidOid;
	}
}

/* The project of a deployment the caller can see; false when none. */
static bool
deployment_project(int64 deployment_id, int64 *project_id)
{
	DeploymentProject *entry;
	bool		found;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1];
	bool		isnull;
	int			ret;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(deployment_inval, (Datum) 0);
		callback_registered = true;
	}
	if (deployment_projects == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(DeploymentProject);
		ctl.hcxt = TopMemoryContext;
		deployment_projects = hash_create("mreg deployment projects", 256, &ctl,
										  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		deployment_relid = get_relname_relid("deployment", get_namespace_oid("mreg", false));
	}
	entry = hash_search(deployment_projects, &deployment_id, HASH_FIND, NULL);
	if (entry != NULL)
	{
		*project_id = entry->project_id;
		return true;
	}

	/* with the caller's rights: a deployment it cannot see is not found */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = Int64GetDatum(deployment_id);
	ret = SPI_execute_with_args("SELECT project_id FROM mreg.deployment WHERE id OPERATOR(pg_catalog.=) $1",
								1, argtypes, args, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %d", ret);
	found = SPI_processed == 1;
	if (found)
		*project_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	if (!found)
		return false;

	/* the relcache callback may have dropped the table meanwhile */
	if (deployment_projects != NULL)
	{
		entry = hash_search(deployment_projects, &deployment_id, HASH_ENTER, NULL);
		entry->project_id = *project_id;
	}
	return true;
}

PG_FUNCTION_INFO_V1(mreg_health_fill);

/*
 * BEFORE INSERT ... FOR EACH ROW on mreg.health_signal (cloned to every
 * partition): project_id from the deployment, 42501 unless the caller may
 * contribute there.  A deployment the caller cannot see gets the same error
 * as one that does not exist, so the check tells nothing about other projects.
 */
Datum
mreg_health_fill(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	int			dep_attnum;
	int			proj_attnum;
	bool		isnull;
	int64		deployment_id;
	int64		project_id;
	Datum		given;
	Datum		value;
	bool		value_null = false;
	static int	contribute_bit = 0;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("mreg_health_fill must run as a BEFORE INSERT row trigger")));

	tuple = trigdata->tg_trigtuple;
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	dep_attnum = SPI_fnumber(tupdesc, "deployment_id");
	proj_attnum = SPI_fnumber(tupdesc, "project_id");
	if (dep_attnum <= 0 || proj_attnum <= 0)
		elog(ERROR, "mreg_health_fill: relation %s lacks deployment_id or project_id",
			 RelationGetRelationName(trigdata->tg_relation));

	value = heap_getattr(tuple, dep_attnum, tupdesc, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a health signal needs a deployment_id")));
	deployment_id = DatumGetInt64(value);

	if (contribute_bit == 0)
		contribute_bit = mreg_privilege_bit("contribute");
	/* API bodies (record_health, moving rows between partitions) checked already */
	if (!deployment_project(deployment_id, &project_id) ||
		(!mreg_in_api() && (mreg_project_mask(project_id) & contribute_bit) == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to record health signals of deployment " INT64_FORMAT, deployment_id),
				 errdetail("The deployment does not exist, or the caller lacks the contribute privilege on its project."),
				 errhint("A project admin grants it with mreg.grant_access(project, role, 'contribute', ...).")));

	given = heap_getattr(tuple, proj_attnum, tupdesc, &isnull);
	if (!isnull)
	{
		if (DatumGetInt64(given) != project_id)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("project_id " INT64_FORMAT " is not the project of deployment " INT64_FORMAT,
							DatumGetInt64(given), deployment_id),
					 errhint("Leave project_id out: it is filled from the deployment.")));
		return PointerGetDatum(tuple);
	}
	value = Int64GetDatum(project_id);
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, 1, &proj_attnum, &value, &value_null));
}
