"""No template breaks the Content-Security-Policy (``RUMBO_CSP``: no inline script or
style): the browser tests catch refusals on the pages they open; this catches them on
every page, including those no browser test opens. The PDF templates are printed by
WeasyPrint, never served, and may carry their own styles."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "rumbo"
PRINTED_ONLY = {"reports/templates/web/reports/pdf.html"}
INLINE = [
    (re.compile(r"<style\b"), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
        "an inline script",
    ),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        name = str(path.relative_to(ROOT))
        if name in PRINTED_ONLY:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {what}")
    assert found == []


def test_the_policy_is_strict():
    policy = settings.RUMBO_CSP
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
