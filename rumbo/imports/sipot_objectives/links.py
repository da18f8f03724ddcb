"""Hyperlinks: malformed, or outside the institution's web domains (given or inferred)."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from .layout import ParsedObjectives

HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _host(url: str) -> str | None:
    """The lower-case host of a well-formed http(s) URL, else None."""
    if not url or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not HOST_RE.match(host):
        return None
    return host


def _domain(text: str) -> str:
    value = text.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0]
    return value.removeprefix("www.")


def link_findings(
    parsed: ParsedObjectives, *, institution_code: str, web_domains: list[str]
) -> tuple[list[str], bool]:
    """Flag malformed links and links outside the institution's domains.

    Returns the domains used and whether they were inferred from the file.
    """
    domains = [_domain(d) for d in web_domains if _domain(d)]
    inferred = False
    if not domains:
        code = institution_code.lower()
        hosts = Counter(h for r in parsed.rows if (h := _host(r.hyperlink)) and code in h)
        if hosts:
            best = min(hosts.items(), key=lambda item: (-item[1], item[0]))[0]
            domains, inferred = [best.removeprefix("www.")], True
    shown = ", ".join(domains)
    if inferred:
        shown += " (inferido de este archivo: la institución no tiene dominios web registrados)"
    for row in parsed.rows:
        if not row.hyperlink:
            continue
        host = _host(row.hyperlink)
        if host is None:
            parsed.flag("suspicious_link", row, f"Hipervínculo mal formado: «{row.hyperlink}».")
            continue
        if domains and not any(host == d or host.endswith("." + d) for d in domains):
            parsed.flag(
                "suspicious_link",
                row,
                f"El hipervínculo apunta a «{host}», fuera del dominio de la institución, "
                f"{shown}: «{row.hyperlink}».",
            )
    if not domains and any(r.hyperlink for r in parsed.rows):
        parsed.flag(
            "suspicious_link",
            None,
            "No se revisó el dominio de los hipervínculos: la institución no tiene dominios web "
            f"registrados y ningún enlace del archivo contiene «{institution_code.lower()}».",
        )
    return domains, inferred
