"""The audit trail as the secretariat reads it (docs/audit.md): what the
services record (plans.services.audit_record), what this package adds
(signing in and out, failed sign-ins, lockouts, refusals), and the page at
/audit/ that lists it. Nothing here changes or deletes an event."""
