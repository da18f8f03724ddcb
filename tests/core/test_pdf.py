"""The PDF engine (rumbo.core.pdf): Chromium prints, local files only, a browser shared by
threads and replaced when it crashes or hangs, WeasyPrint when there is no Chromium."""

from __future__ import annotations

import http.server
import logging
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from rumbo.core import pdf

CHROMIUM = pdf.chromium_path  # evaluated per test (settings may change)
needs_chromium = pytest.mark.skipif(
    not any(Path(p).is_file() for p in pdf.CANDIDATES), reason="no Chromium installed"
)

DOC = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: letter landscape; margin: 20mm;
  @top-left {{ content: {header}; }}
  @bottom-right {{ content: "Página " counter(page) " de " counter(pages); }} }}
</style></head><body><p>{body}</p><p class="next">Segunda hoja</p>{extra}</body></html>"""
BREAK = "<style>.next { break-before: page; }</style>"


def _doc(body: str, *, header: str = "Encabezado", extra: str = "") -> str:
    return DOC.format(header=pdf.css_string(header), body=body, extra=extra).replace(
        "</head>", BREAK + "</head>"
    )


def _text(data: bytes, tmp_path: Path) -> str:
    # A file of its own per call: threads print at once (test_threads_share_one_browser).
    path = tmp_path / f"out-{threading.get_ident()}.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _producer(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return next(line for line in info.splitlines() if line.startswith("Producer"))


def _images(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "images.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines()) - 2  # two heading lines


# 1 × 1 red PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082"
)


def test_css_string_escapes_what_would_end_the_string_or_the_style() -> None:
    # Worked by hand: " is U+22, \ U+5C, newline U+A, < U+3C, > U+3E.
    assert pdf.css_string('Dirección "A"\\B\n</style>') == (
        '"Dirección \\22 A\\22 \\5C B\\A \\3C /style\\3E "'
    )


@needs_chromium
def test_chromium_prints_the_margin_boxes_on_every_page(tmp_path) -> None:
    data = pdf.html_to_pdf(_doc("Primera hoja", header='IEEM "Toluca"'), base_url=tmp_path)
    assert "Skia/PDF" in _producer(data, tmp_path)  # Chromium's PDF backend
    pages = _text(data, tmp_path).split("\f")
    assert 'IEEM "Toluca"' in pages[0] and 'IEEM "Toluca"' in pages[1]
    assert "Página 1 de 2" in pages[0]
    assert "Página 2 de 2" in pages[1]
    assert "Segunda hoja" in pages[1]


@needs_chromium
def test_only_local_files_and_data_uris_load(tmp_path) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        (tmp_path / "logo.png").write_bytes(PNG)
        port = server.server_address[1]
        extra = (
            '<img src="logo.png" alt="">'  # a file beside base_url: loads
            f'<img src="http://127.0.0.1:{port}/remote.png" alt="">'  # the network: blocked
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
        )
        data = pdf.html_to_pdf(_doc("Imágenes", extra=extra), base_url=tmp_path)
    finally:
        server.shutdown()
    assert hits == []
    assert _images(data, tmp_path) == 1


@needs_chromium
def test_threads_share_one_browser(tmp_path) -> None:
    results: dict[int, str] = {}

    def render(n: int) -> None:
        results[n] = _text(pdf.html_to_pdf(_doc(f"Documento {n}"), base_url=tmp_path), tmp_path)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [0, 1, 2, 3]
    for n, text in results.items():
        assert f"Documento {n}" in text
        assert f"Documento {(n + 1) % 4}" not in text
    assert len(_our_browsers()) == 1


def _our_browsers() -> list[int]:
    """The main processes of the browsers this process's printer launched (descendants of
    this process running Chromium with our flags, not its renderers or helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], list(children.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            continue
        if (
            b"--renderer-process-limit=1" in cmdline
            and b"--type=" not in cmdline
            and Path(exe).name.startswith("chromium")
        ):
            found.append(pid)
    return found


@needs_chromium
def test_a_crashed_browser_is_relaunched(tmp_path, caplog) -> None:
    pdf.html_to_pdf(_doc("Antes"), base_url=tmp_path)
    browsers = _our_browsers()
    assert len(browsers) == 1
    os.kill(browsers[0], signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="rumbo.core.pdf"):
        data = pdf.html_to_pdf(_doc("Después del fallo"), base_url=tmp_path)
    assert "Después del fallo" in _text(data, tmp_path)
    assert "relaunching" in caplog.text
    assert len(_our_browsers()) == 1 and _our_browsers() != browsers


@needs_chromium
def test_a_render_past_the_timeout_fails_and_the_next_one_works(tmp_path, settings) -> None:
    settings.RUMBO_PDF_TIMEOUT = 0.001
    with pytest.raises(pdf.PdfError, match="took more than"):
        pdf.html_to_pdf(_doc("Demasiado lento"), base_url=tmp_path)
    settings.RUMBO_PDF_TIMEOUT = 120
    data = pdf.html_to_pdf(_doc("A tiempo"), base_url=tmp_path)
    assert "A tiempo" in _text(data, tmp_path)


@pytest.mark.parametrize("executable", ["missing", "broken"])
def test_without_chromium_weasyprint_prints_with_a_warning(
    executable, tmp_path, settings, caplog
) -> None:
    if executable == "missing":
        settings.RUMBO_CHROMIUM = str(tmp_path / "no-such-chromium")
    else:
        fake = tmp_path / "chromium"
        fake.write_text("#!/bin/sh\nexit 1\n")
        fake.chmod(0o755)
        settings.RUMBO_CHROMIUM = str(fake)
    with caplog.at_level(logging.WARNING, logger="rumbo.core.pdf"):
        data = pdf.html_to_pdf(_doc("Sin navegador"), base_url=tmp_path)
    assert "WeasyPrint" in _producer(data, tmp_path)
    pages = _text(data, tmp_path).split("\f")
    assert "Página 1 de 2" in pages[0] and "Encabezado" in pages[1]
    assert "WeasyPrint" in caplog.text
    pdf.shutdown()
