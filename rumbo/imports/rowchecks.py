"""Checks of one row of a transparency format, shared by the fr. IV importer and the
publication checker (``rumbo.transparency.checker``): dates dd/mm/aaaa, the period within
the ejercicio, a meta that is no quantity, a frequency written as a unit, hyperlinks outside
the institution's web domains, duplicated rows. Pure functions: text in, problem out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from rumbo.core.numbers import has_quantity, quantity_tokens
from rumbo.core.text import normalize
from rumbo.institutions.services import similarity

DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YEAR_RE = re.compile(r"^\d{4}$")
HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
FREQUENCIES = [
    "diaria",
    "diario",
    "semanal",
    "catorcenal",
    "quincenal",
    "mensual",
    "bimestral",
    "trimestral",
    "cuatrimestral",
    "semestral",
    "anual",
    "bianual",
    "bienal",
    "trienal",
    "cuatrienal",
    "quinquenal",
    "sexenal",
]
FREQUENCY_WORDS = (
    set(FREQUENCIES)
    | {f + "es" for f in FREQUENCIES if f.endswith("l")}
    | {f + "s" for f in FREQUENCIES if f.endswith(("a", "o"))}
    | {f + "mente" for f in FREQUENCIES if f.endswith("l")}
    | {"diariamente", "frecuencia", "periodicidad", "de", "y", "o"}
)
# Near-equality between the meta and the indicator (0–1, difflib ratio on normalized text).
META_SIMILARITY = 0.90


def parse_dmy(text: str) -> date | None:
    """A dd/mm/aaaa date, or None when the text is not one (or not a real day)."""
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def meta_problem(goal: str, indicator: str) -> str | None:
    """Why a meta is not a quantified target of its indicator, or None."""
    g, i = normalize(goal), normalize(indicator)
    if not g:
        return None  # reported as an empty required cell
    if g == i:
        return "La meta repite el texto del indicador en lugar de expresar una cantidad."
    if (
        i
        and quantity_tokens(goal) == quantity_tokens(indicator)
        and similarity(g, i) >= META_SIMILARITY
    ):
        return "La meta es casi igual al texto del indicador y no expresa otra cantidad."
    # A quantity in figures, in words («Cuatro informes trimestrales») or a percentage.
    if not has_quantity(goal) and "%" not in goal:
        return "La meta no expresa una cantidad (no tiene cifras ni porcentaje)."
    return None


def is_frequency(unit: str) -> bool:
    words = normalize(unit).split()
    return (
        bool(words)
        and all(w in FREQUENCY_WORDS for w in words)
        and any(w not in {"frecuencia", "periodicidad", "de", "y", "o"} for w in words)
    )


def unit_problem(unit: str) -> str | None:
    if not is_frequency(unit):
        return None
    return (
        f"La unidad de medida «{unit}» es una frecuencia, no una unidad (p. ej. "
        "«Porcentaje», «Informe», «Solicitud»)."
    )


def period_problem(
    year_text: str, start: date | None, end: date | None, start_text: str, end_text: str
) -> str | None:
    """A reported period that starts after it ends or lies outside its ejercicio."""
    if start and end and start > end:
        return "La fecha de inicio del periodo es posterior a la de término."
    if YEAR_RE.match(year_text) and any(d and d.year != int(year_text) for d in (start, end)):
        return (
            f"El periodo informado ({start_text} – {end_text}) no está dentro del ejercicio "
            f"{year_text}."
        )
    return None


# ---------------------------------------------------------------- hyperlinks


def link_host(url: str) -> str | None:
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


def web_domain(text: str) -> str:
    """«https://www.iecm.mx/x» → «iecm.mx»."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/")[0]
    return value.removeprefix("www.")


def link_domains(
    links: Iterable[str], *, institution_code: str, web_domains: Iterable[str]
) -> tuple[list[str], bool]:
    """The domains links must stay in: the registered ones, else (inferred=True) the most
    frequent host of ``links`` that contains the institution's code; [] when neither."""
    domains = [web_domain(d) for d in web_domains if web_domain(d)]
    if domains:
        return domains, False
    code = institution_code.lower()
    hosts = Counter(h for link in links if (h := link_host(link)) and code in h)
    if not hosts:
        return [], False
    best = min(hosts.items(), key=lambda item: (-item[1], item[0]))[0]
    return [best.removeprefix("www.")], True


def domains_label(domains: list[str], inferred: bool) -> str:
    shown = ", ".join(domains)
    if inferred:
        shown += " (inferido de este archivo: la institución no tiene dominios web registrados)"
    return shown


def link_problem(url: str, domains: list[str], shown: str) -> str | None:
    """Why a hyperlink is suspicious (malformed, or outside ``domains``), or None."""
    if not url:
        return None
    host = link_host(url)
    if host is None:
        return f"Hipervínculo mal formado: «{url}»."
    if domains and not any(host == d or host.endswith("." + d) for d in domains):
        return (
            f"El hipervínculo apunta a «{host}», fuera del dominio de la institución, "
            f"{shown}: «{url}»."
        )
    return None


def no_domain_message(institution_code: str) -> str:
    return (
        "No se revisó el dominio de los hipervínculos: la institución no tiene dominios web "
        f"registrados y ningún enlace del archivo contiene «{institution_code.lower()}»."
    )


def duplicate_key(values: Iterable[str]) -> tuple[str, ...]:
    """Rows with equal keys (normalized text) are duplicates."""
    return tuple(normalize(v) for v in values)
