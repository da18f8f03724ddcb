"""An institution's pages: the institution and its areas (``setup``), the audit log
(``audit_log``)."""
