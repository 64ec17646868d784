/*
 * audit.c: the tamper-evident audit log (mreg.audit_log, src/sql/36_audit.sql).
 *
 * Writing.  mreg_internal.audit() appends one unsealed row (seq, prev_hash
 * and hash NULL) with a saved plan: it takes no lock beyond the insert's, so
 * concurrent writers never wait for each other while their transactions run.
 *
 * Sealing.  A deferred constraint trigger (mreg_internal.audit_seal) fires
 * at commit for each unsealed row the transaction inserted, in insertion
 * order.  The first firing takes the chain lock: an ExclusiveLock on the
 * object (pg_class, mreg.audit_log), a lock tag no table lock and no SQL
 * function uses, held until the transaction ends; so seals take turns, and
 * only from the seal to the commit.  It then reads the chain head with the
 * latest snapshot (not the transaction's: a REPEATABLE READ or SERIALIZABLE
 * writer would otherwise not see a seal committed after it started, and
 * fork the chain), and writes seq = head + 1, prev_hash = the head's hash
 * and hash (see Canonical form below).
 * The previous holder released the lock only after its commit became
 * visible, so the head read under the lock is the true head; the
 * transaction's later rows reuse the head it wrote (nobody else can move
 * it while the lock is held).
 *
 * The seal writes the row's new version itself (heap_update of the very
 * version the trigger fired for, and its index entries: seal_tuple), not
 * through an UPDATE statement: no executor, no SPI, no trigger.
 *
 * Guarding.  The statement-level trigger mreg_internal.audit_guard refuses
 * every UPDATE, DELETE and TRUNCATE of the table: no statement is exempt,
 * since the seal runs none.
 *
 * Verifying.  mreg.verify_audit_chain() reads every row as the table's owner
 * in seq order and recomputes the chain: seq must run 1, 2, 3, ... (a gap is
 * a deletion), prev_hash must be the previous row's hash (a swap or an
 * insertion breaks it), hash must match the row (an edit breaks it), and no
 * committed row may be unsealed (what inserting with triggers disabled
 * leaves).  A tail cut off is invisible to the chain itself: audit_head()
 * gives the operator an anchor to keep elsewhere, and the two-argument
 * verify_audit_chain() checks the chain still holds it.
 *
 * Canonical form.  Independent of every setting (DateStyle, TimeZone,
 * extra_float_digits, search_path): each field as one byte 0 (NULL) or 1
 * followed by a 4-byte big-endian length and the bytes; integers and
 * timestamptz (microseconds since 2000-01-01 UTC) as 8 big-endian bytes,
 * names and text as their bytes, jsonb as its canonical text (jsonb's own
 * output: keys sorted, numbers as numeric text).  Two steps, so that the
 * expensive one runs before the chain lock:
 *     content = sha256("mreg.audit_log v1", id, project_id, at, txid,
 *                      session_user_name, current_user_name, purpose,
 *                      action, target, before, after)
 *     hash    = sha256("mreg.audit_log v1 link", prev_hash, seq, content)
 * prev_hash is NULL (the one-byte 0) for seq 1.
 *
 * Prepared transactions.  One that sealed rows would hold the chain lock
 * until COMMIT PREPARED; PREPARE TRANSACTION is refused for it instead.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/tableam.h"
#include "catalog/pg_am_d.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/index.h"
#include "catalog/pg_class.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/relcache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "audit.h"

#define PURPOSE_MAX_CHARS 200
#define AUDIT_DOMAIN "mreg.audit_log v1"
#define VERIFY_BATCH 1000

/* The columns the hash covers and the verifier reads, in canonical order. */
typedef enum AuditCol
{
	COL_ID,
	COL_SEQ,
	COL_PROJECT_ID,
	COL_AT,
	COL_TXID,
	COL_SESSION_USER,
	COL_CURRENT_USER,
	COL_PURPOSE,
	COL_ACTION,
	COL_TARGET,
	COL_BEFORE,
	COL_AFTER,
	COL_PREV_HASH,
	COL_HASH,
	AUDIT_NCOLS
} AuditCol;

static const char *const audit_colname[AUDIT_NCOLS] = {
	"id", "seq", "project_id", "at", "txid", "session_user_name", "current_user_name",
	"purpose", "action", "target", "before", "after", "prev_hash", "hash"
};

typedef struct AuditRow
{
	Datum		values[AUDIT_NCOLS];
	bool		nulls[AUDIT_NCOLS];
} AuditRow;

/* Setting mreg.purpose. */
static char *audit_purpose = NULL;
static bool purpose_defined = false;

/* Saved plans (they survive transactions; the plan cache replans them). */
static SPIPlanPtr insert_plan = NULL;

/* ---------------------------------------------------------------- purpose */

static bool
check_purpose(char **newval, void **extra, GucSource source)
{
	int			len = *newval ? pg_mbstrlen(*newval) : 0;

	if (len > PURPOSE_MAX_CHARS)
	{
		GUC_check_errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION);
		GUC_check_errmsg("purpose is too long");
		GUC_check_errdetail("It has %d characters; at most %d are allowed.", len, PURPOSE_MAX_CHARS);
		return false;
	}
	return true;
}

void
mreg_audit_init(void)
{
	if (purpose_defined)
		return;
	DefineCustomStringVariable("mreg.purpose",
							   "Why this session acts; recorded on every row it adds to mreg.audit_log.",
							   "Set it with mreg.set_purpose(); at most 200 characters; empty means none.",
							   &audit_purpose,
							   "",
							   PGC_USERSET,
							   0,
							   check_purpose, NULL, NULL);
	purpose_defined = true;
}

/* The session's purpose, or NULL (also before the setting is defined). */
static const char *
current_purpose(void)
{
	const char *p = GetConfigOption("mreg.purpose", true, false);

	return (p == NULL || p[0] == '\0') ? NULL : p;
}

PG_FUNCTION_INFO_V1(mreg_set_purpose);

/* mreg.set_purpose(purpose text): NULL or '' clears it. */
Datum
mreg_set_purpose(PG_FUNCTION_ARGS)
{
	const char *value = PG_ARGISNULL(0) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(0));
	int			len = pg_mbstrlen(value);

	if (len > PURPOSE_MAX_CHARS)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("purpose is too long"),
				 errdetail("It has %d characters; at most %d are allowed.", len, PURPOSE_MAX_CHARS),
				 errhint("Name the purpose briefly (a ticket or case number is enough).")));
	mreg_audit_init();
	(void) set_config_option("mreg.purpose", value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SET, true, 0, false);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(mreg_current_purpose);

/* mreg.current_purpose(): the declared purpose or NULL. */
Datum
mreg_current_purpose(PG_FUNCTION_ARGS)
{
	const char *p = current_purpose();

	if (p == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(p));
}

/* ---------------------------------------------------------------- helpers */

static Oid
audit_log_relid(void)
{
	Oid			relid = get_relname_relid("audit_log", get_namespace_oid("mreg", false));

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table mreg.audit_log does not exist"),
				 errhint("The extension is damaged: reinstall it (DROP EXTENSION mreg; CREATE EXTENSION mreg).")));
	return relid;
}

static Oid
rel_owner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Prepare once and keep, with every name qualified (any search_path). */
static SPIPlanPtr
keep_plan(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes)
{
	if (*slot == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*slot = plan;
	}
	return *slot;
}

/* Fetch the audited columns of a row by name (tuples of the table or of a query). */
static void
audit_row_from_tuple(HeapTuple tup, TupleDesc desc, AuditRow *row)
{
	int			i;

	for (i = 0; i < AUDIT_NCOLS; i++)
	{
		int			attnum = SPI_fnumber(desc, audit_colname[i]);

		if (attnum <= 0)
			elog(ERROR, "mreg.audit_log has no column \"%s\"", audit_colname[i]);
		row->values[i] = heap_getattr(tup, attnum, desc, &row->nulls[i]);
	}
}

/* ---------------------------------------------------------------- canonical form */

static void
hash_update(pg_cryptohash_ctx *ctx, const void *data, size_t len)
{
	if (pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute the audit chain hash: %s", pg_cryptohash_error(ctx))));
}

static void
put_field(pg_cryptohash_ctx *ctx, const void *data, size_t len, bool isnull)
{
	uint8		head[5];

	if (isnull)
	{
		head[0] = 0;
		hash_update(ctx, head, 1);
		return;
	}
	if (len > PG_UINT32_MAX)
		elog(ERROR, "audit field too long to hash");
	head[0] = 1;
	head[1] = (uint8) (len >> 24);
	head[2] = (uint8) (len >> 16);
	head[3] = (uint8) (len >> 8);
	head[4] = (uint8) len;
	hash_update(ctx, head, 5);
	if (len > 0)
		hash_update(ctx, data, len);
}

static void
put_int64(pg_cryptohash_ctx *ctx, int64 v, bool isnull)
{
	uint8		b[8];
	uint64		u = (uint64) v;
	int			i;

	for (i = 7; i >= 0; i--)
	{
		b[i] = (uint8) (u & 0xff);
		u >>= 8;
	}
	put_field(ctx, b, 8, isnull);
}

static void
put_name(pg_cryptohash_ctx *ctx, Datum d, bool isnull)
{
	const char *s = isnull ? NULL : NameStr(*DatumGetName(d));

	put_field(ctx, s, s ? strlen(s) : 0, isnull);
}

static void
put_text(pg_cryptohash_ctx *ctx, Datum d, bool isnull)
{
	text	   *t;

	if (isnull)
	{
		put_field(ctx, NULL, 0, true);
		return;
	}
	t = DatumGetTextPP(d);
	put_field(ctx, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false);
}

static void
put_jsonb(pg_cryptohash_ctx *ctx, Datum d, bool isnull)
{
	Jsonb	   *j;
	char	   *s;

	if (isnull)
	{
		put_field(ctx, NULL, 0, true);
		return;
	}
	j = DatumGetJsonbP(d);
	s = JsonbToCString(NULL, &j->root, VARSIZE(j));
	put_field(ctx, s, strlen(s), false);
	pfree(s);
}

static pg_cryptohash_ctx *
hash_start(void)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not start the audit chain hash: %s",
						ctx ? pg_cryptohash_error(ctx) : "out of memory")));
	return ctx;
}

static void
hash_finish(pg_cryptohash_ctx *ctx, uint8 *out)
{
	if (pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not finish the audit chain hash: %s", pg_cryptohash_error(ctx))));
	pg_cryptohash_free(ctx);
}

/*
 * content = sha256(canonical row without its chain fields): the expensive
 * part (jsonb to text), computed before the seal takes the chain lock.
 */
static void
audit_row_content(const AuditRow *row, uint8 *out)
{
	pg_cryptohash_ctx *ctx = hash_start();

	put_field(ctx, AUDIT_DOMAIN, strlen(AUDIT_DOMAIN), false);
	put_int64(ctx, DatumGetInt64(row->values[COL_ID]), row->nulls[COL_ID]);
	put_int64(ctx, row->nulls[COL_PROJECT_ID] ? 0 : DatumGetInt64(row->values[COL_PROJECT_ID]),
			  row->nulls[COL_PROJECT_ID]);
	put_int64(ctx, row->nulls[COL_AT] ? 0 : DatumGetTimestampTz(row->values[COL_AT]), row->nulls[COL_AT]);
	put_int64(ctx, row->nulls[COL_TXID] ? 0 : DatumGetInt64(row->values[COL_TXID]), row->nulls[COL_TXID]);
	put_name(ctx, row->values[COL_SESSION_USER], row->nulls[COL_SESSION_USER]);
	put_name(ctx, row->values[COL_CURRENT_USER], row->nulls[COL_CURRENT_USER]);
	put_text(ctx, row->values[COL_PURPOSE], row->nulls[COL_PURPOSE]);
	put_text(ctx, row->values[COL_ACTION], row->nulls[COL_ACTION]);
	put_text(ctx, row->values[COL_TARGET], row->nulls[COL_TARGET]);
	put_jsonb(ctx, row->values[COL_BEFORE], row->nulls[COL_BEFORE]);
	put_jsonb(ctx, row->values[COL_AFTER], row->nulls[COL_AFTER]);
	hash_finish(ctx, out);
}

/*
 * hash = sha256(domain, prev_hash, seq, content): prev is NULL for seq 1,
 * else PG_SHA256_DIGEST_LENGTH bytes.
 */
static void
audit_link_hash(const uint8 *prev, int64 seq, const uint8 *content, uint8 *out)
{
	pg_cryptohash_ctx *ctx = hash_start();

	put_field(ctx, AUDIT_DOMAIN " link", strlen(AUDIT_DOMAIN " link"), false);
	put_field(ctx, prev, prev ? PG_SHA256_DIGEST_LENGTH : 0, prev == NULL);
	put_int64(ctx, seq, false);
	put_field(ctx, content, PG_SHA256_DIGEST_LENGTH, false);
	hash_finish(ctx, out);
}

static bytea *
digest_to_bytea(const uint8 *digest)
{
	bytea	   *b = (bytea *) palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);

	SET_VARSIZE(b, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	memcpy(VARDATA(b), digest, PG_SHA256_DIGEST_LENGTH);
	return b;
}

/* Whether a stored bytea holds exactly this digest. */
static bool
bytea_is_digest(Datum d, bool isnull, const uint8 *digest)
{
	bytea	   *b;

	if (isnull)
		return false;
	b = DatumGetByteaPP(d);
	return VARSIZE_ANY_EXHDR(b) == PG_SHA256_DIGEST_LENGTH &&
		memcmp(VARDATA_ANY(b), digest, PG_SHA256_DIGEST_LENGTH) == 0;
}

/* ---------------------------------------------------------------- writing */

PG_FUNCTION_INFO_V1(mreg_audit);

/*
 * mreg_internal.audit(pid, action, target, before, after): one unsealed row
 * for the role the registry acts for and the session's purpose.  The API's
 * bodies run as the (superuser) owner; anyone else is refused here rather
 * than by the table's privileges.
 */
Datum
mreg_audit(PG_FUNCTION_ARGS)
{
	Oid			argtypes[6] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID};
	Datum		values[6];
	char		nulls[6];
	const char *purpose;
	SPIPlanPtr	plan;
	int			rc;
	int			i;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function mreg_internal.audit"),
				 errdetail("Only the registry's API writes the audit log.")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("audit action must not be null")));

	mreg_audit_init();
	purpose = current_purpose();

	values[0] = PG_GETARG_DATUM(0);
	nulls[0] = PG_ARGISNULL(0) ? 'n' : ' ';
	values[1] = purpose ? CStringGetTextDatum(purpose) : (Datum) 0;
	nulls[1] = purpose ? ' ' : 'n';
	for (i = 1; i < 5; i++)
	{
		values[i + 1] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		nulls[i + 1] = PG_ARGISNULL(i) ? 'n' : ' ';
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = keep_plan(&insert_plan,
					 "INSERT INTO mreg.audit_log (project_id, purpose, action, target, before, after,"
					 " session_user_name, current_user_name)"
					 " VALUES ($1, $2, $3, $4, $5, $6, SESSION_USER, mreg_internal.caller())",
					 6, argtypes);
	rc = SPI_execute_plan(plan, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT || SPI_processed != 1)
		elog(ERROR, "inserting into mreg.audit_log failed: %s", SPI_result_code_string(rc));
	SPI_finish();
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------- sealing */

/*
 * A prepared transaction would keep the chain lock until COMMIT PREPARED
 * and stop every other audited write meanwhile: a transaction that sealed
 * audit rows cannot be prepared.
 */
static bool sealed_in_xact = false;
static bool xact_callback_registered = false;

/*
 * The head this transaction sealed last: while it holds the chain lock no
 * one else can move the head, so its next row needs no head read.  Dropped
 * when the transaction ends and when any subtransaction aborts (that may
 * roll back a seal, or release the lock).
 */
static bool head_cached = false;
static int64 cached_seq;
static uint8 cached_hash[PG_SHA256_DIGEST_LENGTH];

static void
audit_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		head_cached = false;
}

static void
audit_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:
			if (sealed_in_xact)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that wrote the audit log"),
						 errdetail("Its audit rows hold the audit chain until the transaction ends; every other audited write would wait for COMMIT PREPARED."),
						 errhint("Commit registry changes in ordinary transactions.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			sealed_in_xact = false;
			head_cached = false;
			break;
		default:
			break;
	}
}

static void
refuse_prepare_armed(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(audit_xact_callback, NULL);
		RegisterSubXactCallback(audit_subxact_callback, NULL);
		xact_callback_registered = true;
	}
	sealed_in_xact = true;
}

/*
 * The chain head: the row with the highest seq, as committed now (the
 * latest snapshot, not the transaction's), read backwards from the seq
 * index, without SPI (this runs under the chain lock).  False when no row
 * is sealed yet.
 */
static bool
read_head(Relation rel, int64 *seq, uint8 *hash)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			seq_att = SPI_fnumber(desc, "seq");
	int			hash_att = SPI_fnumber(desc, "hash");
	Oid			index_oid = InvalidOid;
	List	   *indexes;
	ListCell   *lc;
	Relation	index;
	Snapshot	snap;
	IndexScanDesc scan;
	ScanKeyData key;
	TupleTableSlot *slot;
	bool		found;

	if (seq_att <= 0 || hash_att <= 0)
		elog(ERROR, "mreg.audit_log has no column seq or hash");
	/* the btree index whose first column is seq (the UNIQUE constraint's) */
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Relation	candidate = index_open(lfirst_oid(lc), AccessShareLock);
		bool		fits = candidate->rd_rel->relam == BTREE_AM_OID &&
			candidate->rd_index->indkey.values[0] == seq_att &&
			candidate->rd_index->indisvalid &&
			RelationGetIndexPredicate(candidate) == NIL;

		index_close(candidate, AccessShareLock);
		if (fits)
		{
			index_oid = lfirst_oid(lc);
			break;
		}
	}
	list_free(indexes);
	if (!OidIsValid(index_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("mreg.audit_log has no index on seq"),
				 errhint("The extension is damaged: reinstall it (DROP EXTENSION mreg; CREATE EXTENSION mreg).")));

	index = index_open(index_oid, AccessShareLock);
	snap = RegisterSnapshot(GetLatestSnapshot());
	/* seq IS NOT NULL (a backward scan would meet the NULLs first) */
	ScanKeyEntryInitialize(&key, SK_ISNULL | SK_SEARCHNOTNULL, 1, InvalidStrategy,
						   InvalidOid, InvalidOid, InvalidOid, (Datum) 0);
	scan = index_beginscan(rel, index, snap, 1, 0);
	index_rescan(scan, &key, 1, NULL, 0);
	slot = table_slot_create(rel, NULL);
	found = index_getnext_slot(scan, BackwardScanDirection, slot);
	if (found)
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, seq_att, &isnull);
		bytea	   *h;

		if (isnull)
			elog(ERROR, "audit chain head without seq");
		*seq = DatumGetInt64(d);
		d = slot_getattr(slot, hash_att, &isnull);
		h = isnull ? NULL : DatumGetByteaPP(d);
		if (h == NULL || VARSIZE_ANY_EXHDR(h) != PG_SHA256_DIGEST_LENGTH)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the head of the audit chain (seq " INT64_FORMAT ") has no valid hash", *seq),
					 errdetail("Rows of mreg.audit_log were changed outside the registry."),
					 errhint("Run mreg.verify_audit_chain() to find the first damaged row.")));
		memcpy(hash, VARDATA_ANY(h), PG_SHA256_DIGEST_LENGTH);
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	UnregisterSnapshot(snap);
	index_close(index, AccessShareLock);
	return found;
}

/*
 * Write the seal into the row: a new version of the row with seq, prev_hash
 * and hash set, by heap_update of exactly the version the trigger fired for,
 * and its index entries.  No SQL statement runs, so no trigger fires and the
 * guard refuses every UPDATE there is.  A version changed in the meantime
 * (only possible with the triggers off) fails the commit.
 */
static void
seal_tuple(Relation rel, HeapTuple oldtup, int64 id, int64 seq, const uint8 *prev, const uint8 *hash)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			natts = desc->natts;
	Datum	   *values = palloc0(sizeof(Datum) * natts);
	bool	   *nulls = palloc0(sizeof(bool) * natts);
	bool	   *replace = palloc0(sizeof(bool) * natts);
	static const AuditCol cols[3] = {COL_SEQ, COL_PREV_HASH, COL_HASH};
	HeapTuple	newtup;
	TM_Result	res;
	TM_FailureData tmfd;
	LockTupleMode lockmode;
	int			i;

	for (i = 0; i < 3; i++)
	{
		int			attnum = SPI_fnumber(desc, audit_colname[cols[i]]);

		if (attnum <= 0)
			elog(ERROR, "mreg.audit_log has no column \"%s\"", audit_colname[cols[i]]);
		replace[attnum - 1] = true;
		switch (cols[i])
		{
			case COL_SEQ:
				values[attnum - 1] = Int64GetDatum(seq);
				break;
			case COL_PREV_HASH:
				values[attnum - 1] = prev ? PointerGetDatum(digest_to_bytea(prev)) : (Datum) 0;
				nulls[attnum - 1] = prev == NULL;
				break;
			default:
				values[attnum - 1] = PointerGetDatum(digest_to_bytea(hash));
				break;
		}
	}
	newtup = heap_modify_tuple(oldtup, desc, values, nulls, replace);

	/*
	 * The row may come from the statement still running (SET CONSTRAINTS
	 * ... IMMEDIATE fires at its end): make it visible to this command, as
	 * SPI does before each statement.
	 */
	CommandCounterIncrement();
	res = heap_update(rel, &oldtup->t_self, newtup, GetCurrentCommandId(true), InvalidSnapshot,
					  true, &tmfd, &lockmode);
	if (res != TM_Ok)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("audit row " INT64_FORMAT " changed before it was sealed", id),
				 errdetail("Rows of mreg.audit_log were changed outside the registry (with the triggers off)."),
				 errhint("Roll the transaction back.")));

	/* seq is indexed, so the new version is never heap-only; still, check */
	if (!HeapTupleIsHeapOnly(newtup))
	{
		List	   *indexes = RelationGetIndexList(rel);
		TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
		ListCell   *lc;

		ExecStoreHeapTuple(newtup, slot, false);
		foreach(lc, indexes)
		{
			Relation	index = index_open(lfirst_oid(lc), RowExclusiveLock);
			IndexInfo  *info = BuildIndexInfo(index);
			Datum		ivalues[INDEX_MAX_KEYS];
			bool		inulls[INDEX_MAX_KEYS];

			if (info->ii_Expressions != NIL || info->ii_Predicate != NIL || info->ii_ExclusionOps != NULL ||
				(index->rd_index->indisunique && !index->rd_index->indimmediate))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("index %s on mreg.audit_log is not a plain column index",
								RelationGetRelationName(index)),
						 errdetail("The audit seal maintains plain indexes only; the extension creates no other kind."),
						 errhint("Drop the index.")));
			if (info->ii_ReadyForInserts)
			{
				FormIndexDatum(info, slot, NULL, ivalues, inulls);
				(void) index_insert(index, ivalues, inulls, &newtup->t_self, rel,
									index->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO,
									false, info);
			}
			index_close(index, NoLock);
		}
		ExecDropSingleTupleTableSlot(slot);
		list_free(indexes);
	}
	/* later commands of the transaction see the sealed row */
	CommandCounterIncrement();
}

PG_FUNCTION_INFO_V1(mreg_audit_seal);

/*
 * Deferred AFTER INSERT row trigger: gives the row the next chain position.
 * Runs as the table's owner: at commit the current user is whoever commits.
 */
Datum
mreg_audit_seal(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	AuditRow	row;
	uint8		content[PG_SHA256_DIGEST_LENGTH];
	Oid			save_user;
	int			save_ctx;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) || !TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		elog(ERROR, "mreg_internal.audit_seal must be an AFTER INSERT row trigger");

	rel = trigdata->tg_relation;
	audit_row_from_tuple(trigdata->tg_trigtuple, RelationGetDescr(rel), &row);
	if (!row.nulls[COL_SEQ])
		return PointerGetDatum(NULL);	/* sealed already (restored) */
	if (row.nulls[COL_ID])
		elog(ERROR, "audit row without id");

	/* everything that does not depend on the head, before the lock */
	audit_row_content(&row, content);

	/* the chain lock: from here to the end of the transaction */
	LockDatabaseObject(RelationRelationId, RelationGetRelid(rel), 0, ExclusiveLock);
	refuse_prepare_armed();

	GetUserIdAndSecContext(&save_user, &save_ctx);
	SetUserIdAndSecContext(rel_owner(RelationGetRelid(rel)), save_ctx | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		uint8		prev[PG_SHA256_DIGEST_LENGTH];
		uint8		digest[PG_SHA256_DIGEST_LENGTH];
		bool		has_prev = false;
		int64		seq = 1;

		if (head_cached)
		{
			seq = cached_seq + 1;
			memcpy(prev, cached_hash, PG_SHA256_DIGEST_LENGTH);
			has_prev = true;
		}
		else
		{
			/* the head, as committed now (not as of the transaction's snapshot) */
			has_prev = read_head(rel, &seq, prev);
			seq = has_prev ? seq + 1 : 1;
		}

		audit_link_hash(has_prev ? prev : NULL, seq, content, digest);
		seal_tuple(rel, trigdata->tg_trigtuple, DatumGetInt64(row.values[COL_ID]), seq,
				   has_prev ? prev : NULL, digest);
		cached_seq = seq;
		memcpy(cached_hash, digest, PG_SHA256_DIGEST_LENGTH);
		head_cached = true;
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_ctx);
	}
	PG_END_TRY();

	return PointerGetDatum(NULL);
}

PG_FUNCTION_INFO_V1(mreg_audit_guard);

/* Statement-level BEFORE UPDATE OR DELETE OR TRUNCATE trigger. */
Datum
mreg_audit_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *op;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "mreg_internal.audit_guard must be called as a trigger");
	op = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? "UPDATE" :
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ? "DELETE" : "TRUNCATE";
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("rows of mreg.audit_log are append-only"),
			 errdetail("%s is not allowed on mreg.audit_log: its history must never change.", op),
			 errhint("Rows are sealed into the hash chain at commit; mreg.verify_audit_chain() detects changes made around this guard.")));
	return PointerGetDatum(NULL);	/* not reached */
}

/* ---------------------------------------------------------------- verifying */

/* Auditors and superusers may read the whole log. */
static void
check_auditor(const char *what)
{
	Oid			auditor = get_role_oid("mreg_auditor", true);

	if (superuser())
		return;
	if (OidIsValid(auditor) && has_privs_of_role(GetUserId(), auditor))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s", what),
			 errdetail("Only members of mreg_auditor and superusers may read the whole audit log."),
			 errhint("An administrator can GRANT mreg_auditor TO %s.",
					 quote_identifier(GetUserNameFromId(GetUserId(), false)))));
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex digits (an optional \x prefix, as bytea prints) into a digest. */
static void
parse_anchor_hash(const char *s, uint8 *out)
{
	int			i;

	if (s[0] == '\\' && s[1] == 'x')
		s += 2;
	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
	{
		int			hi = hex_value(s[2 * i]);
		int			lo = hi < 0 ? -1 : hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			break;
		out[i] = (uint8) (hi << 4 | lo);
	}
	if (i < PG_SHA256_DIGEST_LENGTH || s[2 * PG_SHA256_DIGEST_LENGTH] != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid audit anchor hash"),
				 errdetail("An anchor hash is 64 hexadecimal digits, as mreg.audit_head() returns it.")));
}

typedef struct VerifyResult
{
	bool		ok;
	int64		checked;
	int64		first_bad_id;
	bool		bad_id_null;
} VerifyResult;

/* Walk the chain in seq order; runs inside SPI as the owner. */
static void
verify_chain(bool anchored, int64 anchor_seq, const uint8 *anchor, VerifyResult *res)
{
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	Portal		portal;
	uint8		prev[PG_SHA256_DIGEST_LENGTH];
	bool		has_prev = false;
	bool		anchor_seen = false;
	int64		expected = 1;

	res->ok = true;
	res->checked = 0;
	res->bad_id_null = true;

	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mreg audit verify row", ALLOCSET_DEFAULT_SIZES);
	portal = SPI_cursor_open_with_args(NULL,
									   "SELECT id, seq, project_id, at, txid, session_user_name, current_user_name,"
									   " purpose, action, target, before, after, prev_hash, hash, xmin"
									   " FROM mreg.audit_log ORDER BY seq",
									   0, NULL, NULL, NULL, true, CURSOR_OPT_NO_SCROLL);
	for (;;)
	{
		uint64		i;
		int			xmin_att;

		SPI_cursor_fetch(portal, true, VERIFY_BATCH);
		if (SPI_processed == 0)
			break;
		xmin_att = SPI_fnumber(SPI_tuptable->tupdesc, "xmin");
		for (i = 0; i < SPI_processed && res->ok; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			AuditRow	row;
			uint8		digest[PG_SHA256_DIGEST_LENGTH];
			int64		seq;
			bool		bad = false;

			CHECK_FOR_INTERRUPTS();
			oldcxt = MemoryContextSwitchTo(rowcxt);
			audit_row_from_tuple(tup, SPI_tuptable->tupdesc, &row);
			if (row.nulls[COL_SEQ])
			{
				bool		isnull;
				TransactionId xmin = DatumGetTransactionId(SPI_getbinval(tup, SPI_tuptable->tupdesc,
																		 xmin_att, &isnull));

				/* this transaction's rows are sealed when it commits */
				bad = !TransactionIdIsCurrentTransactionId(xmin);
			}
			else
			{
				seq = DatumGetInt64(row.values[COL_SEQ]);
				if (seq != expected)
					bad = true;		/* a gap: rows deleted, or renumbered */
				else if (has_prev ? !bytea_is_digest(row.values[COL_PREV_HASH], row.nulls[COL_PREV_HASH], prev)
						 : !row.nulls[COL_PREV_HASH])
					bad = true;		/* not linked to the row before */
				else
				{
					uint8		content[PG_SHA256_DIGEST_LENGTH];

					audit_row_content(&row, content);
					audit_link_hash(has_prev ? prev : NULL, seq, content, digest);
					if (!bytea_is_digest(row.values[COL_HASH], row.nulls[COL_HASH], digest))
						bad = true; /* the row changed since it was sealed */
					else if (anchored && seq == anchor_seq)
					{
						anchor_seen = true;
						if (memcmp(digest, anchor, PG_SHA256_DIGEST_LENGTH) != 0)
							bad = true; /* the chain was rewritten up to here */
					}
				}
				if (!bad)
				{
					memcpy(prev, digest, PG_SHA256_DIGEST_LENGTH);
					has_prev = true;
					expected++;
					res->checked++;
				}
			}
			MemoryContextSwitchTo(oldcxt);
			if (bad)
			{
				res->ok = false;
				res->first_bad_id = row.nulls[COL_ID] ? 0 : DatumGetInt64(row.values[COL_ID]);
				res->bad_id_null = row.nulls[COL_ID];
			}
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
		if (!res->ok)
			break;
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);

	/* the anchor lies beyond the end: the tail is gone */
	if (res->ok && anchored && !anchor_seen)
		res->ok = false;
}

/* verify_chain as the table's owner (RLS and privileges do not hide rows from it). */
static void
verify_as_owner(bool anchored, int64 anchor_seq, const uint8 *anchor, VerifyResult *res)
{
	Oid			save_user;
	int			save_ctx;
	Oid			owner = rel_owner(audit_log_relid());

	GetUserIdAndSecContext(&save_user, &save_ctx);
	SetUserIdAndSecContext(owner, save_ctx | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		verify_chain(anchored, anchor_seq, anchor, res);
		SPI_finish();
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_ctx);
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(mreg_verify_audit_chain);

/*
 * mreg.verify_audit_chain() and mreg.verify_audit_chain(anchor_seq, anchor_hash):
 * one row (ok, checked, first_bad_id).
 */
Datum
mreg_verify_audit_chain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		anchored = PG_NARGS() == 2;
	int64		anchor_seq = 0;
	uint8		anchor[PG_SHA256_DIGEST_LENGTH];
	VerifyResult res;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (anchored)
	{
		if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("audit anchor must not be null"),
					 errhint("Pass the seq and hash mreg.audit_head() returned, or call mreg.verify_audit_chain() without an anchor.")));
		anchor_seq = PG_GETARG_INT64(0);
		if (anchor_seq < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("audit anchor seq must be at least 1, not " INT64_FORMAT, anchor_seq)));
		parse_anchor_hash(text_to_cstring(PG_GETARG_TEXT_PP(1)), anchor);
	}
	check_auditor("verify the audit chain");
	InitMaterializedSRF(fcinfo, 0);
	verify_as_owner(anchored, anchor_seq, anchor, &res);

	values[0] = BoolGetDatum(res.ok);
	values[1] = Int64GetDatum(res.checked);
	values[2] = Int64GetDatum(res.first_bad_id);
	nulls[2] = res.ok || res.bad_id_null;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(mreg_audit_head);

/* mreg.audit_head(): (seq, hash hex) of the last sealed row; no row when empty. */
Datum
mreg_audit_head(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			save_user;
	int			save_ctx;
	Oid			relid;

	check_auditor("read the audit chain head");
	InitMaterializedSRF(fcinfo, 0);

	relid = audit_log_relid();
	GetUserIdAndSecContext(&save_user, &save_ctx);
	SetUserIdAndSecContext(rel_owner(relid), save_ctx | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		int			rc;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rc = SPI_execute("SELECT seq, pg_catalog.encode(hash, 'hex') FROM mreg.audit_log"
						 " WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1", true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "reading the audit chain head failed: %s", SPI_result_code_string(rc));
		if (SPI_processed == 1)
		{
			Datum		values[2];
			bool		nulls[2];

			values[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &nulls[0]);
			values[1] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &nulls[1]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		SPI_finish();
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_user, save_ctx);
	}
	PG_END_TRY();
	return (Datum) 0;
}
