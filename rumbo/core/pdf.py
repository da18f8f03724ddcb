"""HTML → PDF for every PDF Rumbo prints (the reports, the bitácora): Chromium's print engine
driven over the DevTools protocol, WeasyPrint when no Chromium is installed
(docs/reports.md, «PDF engine»).

- **The DevTools protocol, directly**: Chromium is started with ``--remote-debugging-pipe``
  and spoken to over that pipe (``_Cdp``: JSON messages ended by NUL), five commands per
  PDF. Playwright did the same through a Node.js driver process that held ~120 MiB beside
  every process that printed; it is only the tests' browser now.
- **One browser per process**, launched on the first PDF and reused: a worker thread owns
  it and takes the renders from a queue, one at a time, so gunicorn's threads and the
  export worker share it and at most one document is laid out at once (memory stays
  bounded). A forked process (RQ's work horse) starts its own.
- **Local only**: the HTML is opened from a private temporary file with JavaScript off and
  every request that is not ``file:`` or ``data:`` failed before it leaves the browser
  (``Fetch`` interception); images and styles come from ``data:`` URIs or files under
  ``base_url``.
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
import base64
import contextlib
import fcntl
import json
import logging
import os
import queue
import re
import select
import shutil
import signal
import tempfile
import threading
import time
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
    # A page nobody looks at is «in the background»: its renderer would run at a lower
    # priority and lose the CPU on a busy machine (measured 3x slower under load).
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--headless",  # /usr/bin/chromium needs it; the headless shell ignores it
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",  # the DevTools protocol on fds 3 (in) and 4 (out)
)
# What the browser may not fetch: every request whose URL matches is paused and failed
# (``_Cdp._event``); ``file:`` and ``data:`` are not matched and load directly.
BLOCKED_PATTERNS = ("http:*", "https:*", "ws:*", "wss:*", "ftp:*", "blob:*", "filesystem:*")
# A step of a PDF (load, print) that takes longer fails it; RUMBO_PDF_TIMEOUT bounds the
# whole render from the caller's side.
STEP_SECONDS = 60.0


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


# The document is laid out twice otherwise: once for the screen when it loads, and again
# for print. Hidden on screen, only the print layout exists (the screen's held ~90 MiB of
# the renderer's 400 MiB peak for a 48-page program, and its time), and the PDF is the
# same to the pixel (bench/pdf.py, docs/performance.md).
SCREEN_HIDDEN = "<style>@media screen { body { display: none !important } }</style>"


def _with_base(html: str, base: Path) -> str:
    """``html`` with its base URL and hidden on screen (``SCREEN_HIDDEN``)."""
    tag = f'<base href="{base.resolve().as_uri()}/">{SCREEN_HIDDEN}'
    match = re.search(r"<head[^>]*>", html)
    if match is None:
        return tag + html
    return html[: match.end()] + tag + html[match.end() :]


class ChromiumUnavailable(RuntimeError):
    """The browser does not start."""


@dataclass
class _Job:
    html: str
    base: Path
    future: Future[bytes] = field(default_factory=Future)


class _Cdp:
    """One Chromium and its DevTools pipe: ``call`` sends a command and reads until its
    answer, keeping the events that arrive meanwhile; requests paused by the ``Fetch``
    interception are answered as they come (``file:``/``data:`` go on, the rest fail)."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="rumbo-chromium-")
        to_child, self._write_fd = _high_pipe()
        self._read_fd, from_child = _high_pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            self.pid = os.posix_spawn(
                executable,
                [executable, *CHROMIUM_ARGS, f"--user-data-dir={self.profile}"],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, devnull, 0),
                    (os.POSIX_SPAWN_DUP2, devnull, 1),
                    (os.POSIX_SPAWN_DUP2, devnull, 2),
                    (os.POSIX_SPAWN_DUP2, to_child, 3),
                    (os.POSIX_SPAWN_DUP2, from_child, 4),
                ],
                setsid=True,  # its own process group: closed as one
            )
        except OSError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise ChromiumUnavailable(f"{executable}: {exc}") from exc
        finally:
            for fd in (devnull, to_child, from_child):
                os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        try:
            self.call("Browser.getVersion", deadline=time.monotonic() + STEP_SECONDS)
        except Exception as exc:
            self.close()
            raise ChromiumUnavailable(f"{executable} did not answer: {exc}") from exc

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None,
        deadline: float,
    ) -> dict[str, Any]:  # fmt: skip
        self._next_id += 1
        wanted = self._next_id
        message: dict[str, Any] = {"id": wanted, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message', reply['error'])}")
                return dict(reply.get("result", {}))
            if "method" in reply:
                self._event(reply)

    def wait_event(self, method: str, session: str, *, deadline: float) -> dict[str, Any]:
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    self.events.remove(event)
                    return event
            self._event(self._receive(deadline))

    def _event(self, event: dict[str, Any]) -> None:
        if event.get("method") == "Fetch.requestPaused":
            params = event["params"]
            url = params["request"]["url"]
            if url.startswith(("file:", "data:")):
                self._send_quiet("Fetch.continueRequest", params, event)
            else:
                self._send_quiet("Fetch.failRequest", params, event, errorReason="BlockedByClient")
            return
        if event.get("method") is not None and len(self.events) < 1000:
            self.events.append(event)

    def _send_quiet(
        self, method: str, paused: dict[str, Any], event: dict[str, Any], **extra: str
    ) -> None:
        """Answer a paused request without waiting for the reply (replies to unknown ids
        are dropped as they arrive)."""
        self._next_id += 1
        self._send(
            {
                "id": self._next_id,
                "method": method,
                "params": {"requestId": paused["requestId"], **extra},
                "sessionId": event.get("sessionId"),
            }
        )

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            try:
                written = os.write(self._write_fd, data)
            except OSError as exc:  # EPIPE: the browser is gone
                raise RuntimeError(f"the browser closed its pipe ({exc})") from exc
            data = data[written:]

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from the browser in {STEP_SECONDS:g} s")
            ready, _, _ = select.select([self._read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._read_fd, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser exited")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def close(self) -> None:
        for fd in (self._write_fd, self._read_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)  # the browser and its renderers
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        shutil.rmtree(self.profile, ignore_errors=True)


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are above 4, so that mapping them onto the child's fds 3 and 4
    never maps an fd onto itself (which would keep its close-on-exec flag)."""
    ends = []
    for fd in os.pipe():
        ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
        os.close(fd)
    return ends[0], ends[1]


class _Printer:
    """A worker thread owning one browser; renders jobs from its queue."""

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
            browser = _Cdp(self.executable)
        except Exception as exc:  # a missing library, a bad binary
            self.start_error = exc
            self.started.set()
            _forget(self)
            return
        self.started.set()
        try:
            browser = self._loop(browser)
        finally:
            browser.close()

    def _loop(self, browser: _Cdp) -> _Cdp:
        while (job := self.jobs.get()) is not None:
            if job.future.cancelled():
                continue
            try:
                job.future.set_result(_print(browser, job))
            except Exception as first:
                log.warning("Chromium failed printing a PDF (%s); relaunching it", first)
                browser.close()
                try:
                    browser = _Cdp(self.executable)
                    job.future.set_result(_print(browser, job))
                except Exception as second:
                    job.future.set_exception(PdfError(f"Chromium could not print: {second}"))
        return browser


def _print(browser: _Cdp, job: _Job) -> bytes:
    deadline = time.monotonic() + STEP_SECONDS
    with tempfile.TemporaryDirectory(prefix="rumbo-pdf-") as folder:
        source = Path(folder) / "document.html"
        source.write_text(_with_base(job.html, job.base), encoding="utf-8")
        target = browser.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)
        target_id = target["targetId"]
        try:
            session = browser.call(
                "Target.attachToTarget", {"targetId": target_id, "flatten": True},
                deadline=deadline,
            )["sessionId"]  # fmt: skip
            for method, params in (
                ("Emulation.setScriptExecutionDisabled", {"value": True}),
                (
                    "Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False},
                ),
                ("Fetch.enable", {"patterns": [{"urlPattern": p} for p in BLOCKED_PATTERNS]}),
                ("Page.enable", {}),
            ):
                browser.call(method, params, session=session, deadline=deadline)
            navigated = browser.call(
                "Page.navigate", {"url": source.as_uri()}, session=session, deadline=deadline
            )
            if navigated.get("errorText"):
                raise RuntimeError(f"the document did not open: {navigated['errorText']}")
            browser.wait_event("Page.loadEventFired", session, deadline=deadline)
            printed = browser.call(
                "Page.printToPDF",
                {
                    "preferCSSPageSize": True,
                    "printBackground": True,
                    # Untagged, no outline (as Playwright asked): a tagged PDF builds the
                    # accessibility tree of the whole document first (3x the time here).
                    "generateTaggedPDF": False,
                    "generateDocumentOutline": False,
                },
                session=session,
                deadline=time.monotonic() + STEP_SECONDS,
            )
            return base64.b64decode(printed["data"])
        finally:
            browser.events.clear()
            try:
                browser.call(
                    "Target.closeTarget", {"targetId": target_id},
                    deadline=time.monotonic() + 10,
                )  # fmt: skip
            except Exception:  # the browser is gone: the caller relaunches it
                log.debug("closing the page failed", exc_info=True)


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
