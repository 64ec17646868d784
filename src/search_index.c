/*
 * search_index.c: the text-match operator the search indexes use.
 *
 * mreg.search() runs with the caller's rights, so row-level security filters
 * mreg.search_doc; the planner then uses an index for a qual only when the
 * qual's function is LEAKPROOF (otherwise it must run after the policy, on
 * every row).  PostgreSQL's tsvector @@ tsquery (ts_match_vq) is not marked
 * so, which would turn every search into a scan of all readable documents.
 * mreg.@@ is the same match under a LEAKPROOF function: ts_match_vq reads
 * only its two arguments, returns a boolean and raises no error that shows
 * either (the only errors it can raise are out-of-memory and stack depth),
 * which is what LEAKPROOF promises.  The GIN operator class
 * mreg.search_tsvector_ops binds it to PostgreSQL's own tsvector support
 * functions, so the index is the ordinary tsvector GIN index.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(mreg_search_match);

Datum
mreg_search_match(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall2Coll(ts_match_vq, PG_GET_COLLATION(),
								   PG_GETARG_DATUM(0), PG_GETARG_DATUM(1));
}
