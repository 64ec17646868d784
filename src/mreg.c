/*
 * mreg.c: module entry point and build information.
 *
 * Every other C file holds one concept (a type, a parser, an operator
 * class); this one only carries the module magic, the cancel hook of the
 * backend-free cores and mreg.version().
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "mreg_interrupt.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* The backend-free cores call this in long loops (mreg_interrupt.h). */
static void
mreg_check_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void
_PG_init(void)
{
	mreg_interrupt_hook = mreg_check_interrupts;
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
