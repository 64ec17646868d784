/*
 * access.h: the caller's privileges per project (access.c).
 */
#ifndef MREG_ACCESS_H
#define MREG_ACCESS_H

#include "postgres.h"

/* Privilege bits of the caller in a project (0: none, or not visible). */
extern int32 mreg_project_mask(int64 project_id);

/* Bit of a privilege name (read, contribute, ...); -1 when unknown. */
extern int32 mreg_privilege_bit(const char *privilege);

#endif
