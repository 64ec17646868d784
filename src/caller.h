/*
 * caller.h: the role the registry acts for (caller.c).
 */
#ifndef MREG_CALLER_H
#define MREG_CALLER_H

#include "postgres.h"

/* The role that called the API (outside the API: the current user). */
extern Oid	mreg_caller_oid(void);

/* Whether an API body is running (guards admit what only the API may do). */
extern bool mreg_in_api(void);

#endif
