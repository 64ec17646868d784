/*
 * audit.h: the tamper-evident audit log (audit.c).
 */
#ifndef MREG_AUDIT_H
#define MREG_AUDIT_H

/*
 * Defines the setting mreg.purpose.  Idempotent; audit.c calls it before it
 * reads or sets the purpose, and _PG_init may call it so that the setting's
 * limit also holds for a SET before any audit function ran.
 */
extern void mreg_audit_init(void);

#endif
