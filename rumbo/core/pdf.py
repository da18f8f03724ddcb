"""HTML → PDF for every PDF Rumbo prints (the reports, the bitácora): Chromium's print engine
through Playwright, WeasyPrint when no Chromium is installed (docs/reports.md, «PDF engine»).

- **One browser per process**, launched on the first PDF and reused: a worker thread owns
  Playwright (its sync API is bound to the thread that started it) and takes the renders
  from a queue, one at a time, so gunicorn's threads and the export worker share it and at
  most one document is laid out at once (memory stays bounded). A forked process (RQ's work
  horse) starts its own.
- **Local only**: the HTML is opened from a private temporary file with JavaScript off, the
  browser context offline and every request that is not ``file:`` or ``data:`` aborted;
  images and styles come from ``data:`` URIs or files under ``base_url``.
- **Timeout and crash**: a render that takes longer than ``RUMBO_PDF_TIMEOUT`` seconds
  raises ``PdfError`` and the browser is replaced; a crashed browser is relaunched and the
  render tried once more.
- **Which Chromium**: ``RUMBO_CHROMIUM`` (a path), else Debian's
  ``/usr/bin/chromium-headless-shell`` (lighter: no GPU process, no zygotes), else
  ``/usr/bin/chromium``. None installed (or it cannot start): WeasyPrint, with a warning
  in the log, so the app keeps printing — slowly.

The header and footer repeated on every page are CSS ``@page`` margin boxes (strings,
``url()`` images and ``counter(page)`` / ``counter(pages)``), which both engines print;
``css_string`` quotes a value for them.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import re
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

CANDIDATES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
# Fewer processes, nothing in the background: a print server, not a browser.
CHROMIUM_ARGS = (
    "--no-sandbox",  # the renderer sandbox needs user namespaces, often off on servers
    "--no-zygote",
    "--disable-gpu",
    "--in-process-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--renderer-process-limit=1",
)


class PdfError(RuntimeError):
    """A PDF could not be printed (timeout, a browser that keeps crashing)."""


def css_string(value: str) -> str:
    """``value`` as a double-quoted CSS string for a margin box's ``content`` (line breaks
    as ``\\A``; quotes, backslashes and ``<`` escaped, so it cannot end the string or the
    ``<style>`` element it is written into)."""

    def escape(match: re.Match[str]) -> str:
        return f"\\{ord(match.group(0)):X} "

    return '"' + re.sub(r'[\\"<>\x00-\x1f\x7f]', escape, value) + '"'


def chromium_path() -> str | None:
    """The Chromium that prints, or None when none is installed."""
    configured = getattr(settings, "RUMBO_CHROMIUM", "")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((path for path in CANDIDATES if Path(path).is_file()), None)


def html_to_pdf(html: str, *, base_url: str | Path, stylesheets: Sequence[str] = ()) -> bytes:
    """Print ``html`` (with ``stylesheets`` added after its own) as PDF bytes; relative
    URLs resolve against the folder ``base_url``."""
    html = _with_styles(html, stylesheets)
    path = chromium_path()
    if path is None:
        log.warning(
            "Chromium is not installed (RUMBO_CHROMIUM or %s): printing the PDF with "
            "WeasyPrint, several times slower",
            " / ".join(CANDIDATES),
        )
        return weasyprint_pdf(html, base_url=base_url)
    try:
        return _printer(path).render(html, Path(base_url))
    except ChromiumUnavailable as exc:
        log.warning("Chromium (%s) cannot start: %s; printing with WeasyPrint", path, exc)
        return weasyprint_pdf(html, base_url=base_url)


def weasyprint_pdf(html: str, *, base_url: str | Path) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(base_url)).write_pdf()


def _with_styles(html: str, stylesheets: Sequence[str]) -> str:
    if not stylesheets:
        return html
    styles = "".join(f"<style>{css}</style>" for css in stylesheets)
    head_end = html.find("</head>")
    if head_end < 0:
        return styles + html
    return html[:head_end] + styles + html[head_end:]


def _with_base(html: str, base: Path) -> str:
    tag = f'<base href="{base.resolve().as_uri()}/">'
    match = re.search(r"<head[^>]*>", html)
    if match is None:
        return tag + html
    return html[: match.end()] + tag + html[match.end() :]


class ChromiumUnavailable(RuntimeError):
    """Playwright is not installed or the browser does not start."""


@dataclass
class _Job:
    html: str
    base: Path
    future: Future[bytes] = field(default_factory=Future)


class _Printer:
    """A worker thread owning Playwright and one browser; renders jobs from its queue."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.pid = os.getpid()
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.abandoned = False
        self.started = threading.Event()
        self.start_error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="rumbo-pdf", daemon=True)
        self.thread.start()

    def render(self, html: str, base: Path) -> bytes:
        self.started.wait()
        if self.start_error is not None:
            raise ChromiumUnavailable(str(self.start_error)) from self.start_error
        job = _Job(html, base)
        self.jobs.put(job)
        timeout = float(getattr(settings, "RUMBO_PDF_TIMEOUT", 120))
        try:
            return job.future.result(timeout=timeout)
        except FutureTimeout:
            self.abandon()
            raise PdfError(f"the PDF took more than {timeout:g} s") from None

    def abandon(self) -> None:
        """Stop taking jobs (the next PDF starts a new printer); close when idle."""
        self.abandoned = True
        self.jobs.put(None)
        _forget(self)

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            playwright = sync_playwright().start()
            browser = self._launch(playwright)
        except Exception as exc:  # ImportError, a missing library, a bad binary
            self.start_error = exc
            self.started.set()
            _forget(self)
            return
        self.started.set()
        try:
            self._loop(playwright, browser)
        finally:
            try:
                playwright.stop()
            except Exception:  # pragma: no cover - the driver is already gone
                log.debug("Playwright did not stop cleanly", exc_info=True)

    def _launch(self, playwright: Any) -> Any:
        browser = playwright.chromium.launch(
            executable_path=self.executable, args=list(CHROMIUM_ARGS)
        )
        context = browser.new_context(offline=True, java_script_enabled=False)
        context.route("**/*", _local_only)
        return context

    def _loop(self, playwright: Any, context: Any) -> None:
        while (job := self.jobs.get()) is not None:
            if job.future.cancelled():
                continue
            try:
                job.future.set_result(_print(context, job))
            except Exception as first:
                log.warning("Chromium failed printing a PDF (%s); relaunching it", first)
                try:
                    context.browser.close()
                except Exception:  # it crashed: nothing to close
                    log.debug("closing the crashed browser failed", exc_info=True)
                try:
                    context = self._launch(playwright)
                    job.future.set_result(_print(context, job))
                except Exception as second:
                    job.future.set_exception(PdfError(f"Chromium could not print: {second}"))
        context.browser.close()


def _local_only(route: Any) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _print(context: Any, job: _Job) -> bytes:
    with tempfile.TemporaryDirectory(prefix="rumbo-pdf-") as folder:
        source = Path(folder) / "document.html"
        source.write_text(_with_base(job.html, job.base), encoding="utf-8")
        page = context.new_page()
        try:
            page.goto(source.as_uri(), wait_until="load", timeout=60_000)
            return bytes(page.pdf(prefer_css_page_size=True, print_background=True))
        finally:
            page.close()


_lock = threading.Lock()
_current: _Printer | None = None


def _printer(executable: str) -> _Printer:
    global _current
    with _lock:
        if (
            _current is None
            or _current.pid != os.getpid()
            or _current.executable != executable
            or _current.abandoned
        ):
            _current = _Printer(executable)
        return _current


def _forget(printer: _Printer) -> None:
    global _current
    with _lock:
        if _current is printer:
            _current = None


def shutdown() -> None:
    """Close this process's browser (at exit; tests that change the Chromium)."""
    global _current
    with _lock:
        printer, _current = _current, None
    if printer is not None and printer.pid == os.getpid():
        printer.jobs.put(None)
        printer.thread.join(timeout=10)


atexit.register(shutdown)
