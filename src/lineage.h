/*
 * lineage.h: backend glue shared by lineage.c and lineage_gin.c.
 */
#ifndef MREG_LINEAGE_H
#define MREG_LINEAGE_H

#include "postgres.h"

#include "fmgr.h"
#include "lineage_parse.h"

/* LinMem allocating (huge-capable) in a memory context */
extern void lineage_mem_init(LinMem *mem, MemoryContext cxt);

/* ereport for a LinError; errcode for cycles given by the caller */
extern void lineage_report(const LinError *err, const char *input, size_t inputlen,
						   int cycle_errcode, const char *what) pg_attribute_noreturn();

/* detoasted value + view */
extern struct varlena *lineage_detoast(Datum d, LinView *v);

/* canonical node text of a text datum; ereports on malformed text */
extern char *lineage_canon_text(text *t, size_t *len);


#endif							/* MREG_LINEAGE_H */
