/*
 * mreg_interrupt.h: cancel support for the backend-free cores.
 *
 * The parsers and graph algorithms (semver_*.c, lineage_parse.c,
 * lineage_graph.c) must not include postgres.h, so they cannot call
 * CHECK_FOR_INTERRUPTS() themselves.  They call MREG_CHECK_INTERRUPTS() in
 * their long loops instead; the module's _PG_init (mreg.c) points the hook at
 * a function that runs CHECK_FOR_INTERRUPTS(), and a standalone fuzz harness
 * leaves it NULL.  The hook may not return (it ereports on cancel), so a core
 * calls it only where it holds no memory that the caller's allocator does not
 * own (palloc'd memory is freed with its context).
 */
#ifndef MREG_INTERRUPT_H
#define MREG_INTERRUPT_H

typedef void (*mreg_interrupt_hook_type) (void);

extern mreg_interrupt_hook_type mreg_interrupt_hook;

/* cheap enough for every iteration: one load and a predictable branch */
#define MREG_CHECK_INTERRUPTS() \
	do { \
		if (mreg_interrupt_hook) \
			mreg_interrupt_hook(); \
	} while (0)

#endif							/* MREG_INTERRUPT_H */
