/*
 * mreg_interrupt.c: the cancel hook of the backend-free cores (see
 * mreg_interrupt.h).  Backend-free itself, so fuzz harnesses link it.
 */
#include <stddef.h>

#include "mreg_interrupt.h"

mreg_interrupt_hook_type mreg_interrupt_hook = NULL;
