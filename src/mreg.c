/*
 * mreg.c: module entry point and build information.
 *
 * Every other C file holds one concept (a type, a parser, an operator
 * class); this one only carries the module magic, the cancel hook of the
 * backend-free cores, the settings (mreg.artifact_key, mreg.purpose,
 * mreg.search_window) and mreg.version().
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "audit.h"
#include "mreg_interrupt.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* The backend-free cores call this in long loops (mreg_interrupt.h). */
static void
mreg_check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* key of inline artifacts stored encrypted; see mreg_internal.crypt_artifact */
static char *artifact_key = NULL;

/* the API's switch while it masks personal values in stored rows (37_privacy.sql) */
static bool masking_switch = false;

/* matches mreg.search() ranks by text at a time (64_search_api.sql reads it by name) */
static int	search_window = 500;

void
_PG_init(void)
{
	mreg_interrupt_hook = mreg_check_interrupts;

	/* mreg.purpose: its length limit holds from the first SET on */
	mreg_audit_init();

	/*
	 * Only superusers may set or see it (members of pg_read_all_settings may
	 * see it too): the API's bodies, which run as a superuser, read it.
	 */
	DefineCustomStringVariable("mreg.artifact_key",
							   "Key that mreg uses to encrypt and decrypt inline artifacts (pgcrypto).",
							   "Set it in postgresql.conf or with ALTER SYSTEM; changing it makes artifacts stored under the old key unreadable.",
							   &artifact_key,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);

	/*
	 * While it is on inside the API, guards admit the rewrite that masks
	 * personal values and keep_history keeps no copy of the row: a user who
	 * could turn it on would get history-free changes through any API call.
	 * Only superusers may set it (set_metadata_schema's body runs as one); a
	 * value a user gave the placeholder before the module loaded is dropped.
	 */
	DefineCustomIntVariable("mreg.search_window",
							"How many matches mreg.search() ranks by text at a time (its ranking window).",
							"Matches are ordered by the model the query names, stage and recency, cut into windows of this many, and each window is ranked by score (doc/search.md).",
							&search_window,
							500, 1, 100000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("mreg_internal.masking",
							 "Set by the API while it masks personal values in stored rows; not for users.",
							 NULL,
							 &masking_switch,
							 false,
							 PGC_SUSET,
							 GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_NO_RESET_ALL,
							 NULL, NULL, NULL);
}

#ifndef MREG_VERSION_STR
#define MREG_VERSION_STR "unknown"
#endif
#ifndef MREG_BUILD_STR
#define MREG_BUILD_STR "unknown"
#endif

PG_FUNCTION_INFO_V1(mreg_version);

/*
 * mreg.version(): "0.1.0 (build <git describe>, PostgreSQL <server>)".
 * The leading word is the version of the loaded module, which a test checks
 * against pg_extension.extversion to catch a stale mreg.so.
 */
Datum
mreg_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(MREG_VERSION_STR " (build " MREG_BUILD_STR
									 ", PostgreSQL " PG_VERSION ")"));
}
