"""An institution's pages: the audit log (``audit_log``)."""
