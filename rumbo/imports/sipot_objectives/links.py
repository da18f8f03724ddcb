"""Hyperlinks: malformed, or outside the institution's web domains (given or inferred)."""

from __future__ import annotations

from ..rowchecks import (
    HOST_RE,
    domains_label,
    link_domains,
    link_problem,
    no_domain_message,
)
from .layout import ParsedObjectives

__all__ = ["HOST_RE", "link_findings"]


def link_findings(
    parsed: ParsedObjectives, *, institution_code: str, web_domains: list[str]
) -> tuple[list[str], bool]:
    """Flag malformed links and links outside the institution's domains.

    Returns the domains used and whether they were inferred from the file.
    """
    domains, inferred = link_domains(
        (r.hyperlink for r in parsed.rows),
        institution_code=institution_code,
        web_domains=web_domains,
    )
    shown = domains_label(domains, inferred)
    for row in parsed.rows:
        problem = link_problem(row.hyperlink, domains, shown)
        if problem:
            parsed.flag("suspicious_link", row, problem)
    if not domains and any(r.hyperlink for r in parsed.rows):
        parsed.flag("suspicious_link", None, no_domain_message(institution_code))
    return domains, inferred
