"""Playwright on Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# A loaded CI machine (two cores, other suites running) can take seconds to answer or to
# paint; waits that only end early on success cost nothing when the machine is idle.
TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000
# RUMBO_SCREENSHOTS=all saves every step the tests name, full page, for reading a flow.
EVERY_STEP = os.environ.get("RUMBO_SCREENSHOTS") == "all"

_outcome = pytest.StashKey[dict[str, pytest.TestReport]]()
_last_step = pytest.StashKey[tuple[str, Any]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    item.stash.setdefault(_outcome, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="es-MX", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    # Every page of every browser test must satisfy the Content-Security-Policy (no inline
    # script or style, nothing from elsewhere): Chromium reports each refusal on the console.
    refused: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            where = message.page.url if message.page else "?"
            refused.append(f"{where}: {message.text}")

    context.on("console", on_console)
    page = context.new_page()
    yield page
    if any(report.failed for report in request.node.stash.get(_outcome, {}).values()):
        _save_failure(request.node, page)
    context.close()
    assert not refused, "The Content-Security-Policy refused:\n" + "\n".join(refused)


def _save_failure(node: pytest.Item, page: Any) -> None:
    """What the browser showed when the test failed: the page of its last named step."""
    step, shown = node.stash.get(_last_step, ("", page))
    if shown.is_closed():
        step, shown = "", page
    name = f"fallo-{node.name}" + (f"-tras-{step}" if step else "")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        shown.screenshot(path=str(ARTIFACTS / f"{name}.png"), timeout=NAVIGATION_TIMEOUT_MS)
    except Exception as error:  # the test's own failure is the one to report
        sys.stderr.write(f"no se pudo guardar la captura {name}.png: {error}\n")


@pytest.fixture
def screenshot(page, request):  # type: ignore[no-untyped-def]
    """``screenshot("01-login")`` names a step of the flow. If the test fails, the page as
    it was then is saved as test-artifacts/fallo-<test>-tras-<last step>.png; with
    RUMBO_SCREENSHOTS=all every step is saved as test-artifacts/<step>.png.
    ``of=`` another page, ``full_page=False`` for the visible part only."""

    def step(name: str, *, of: Any = None, full_page: bool = True) -> Path | None:
        shown = page if of is None else of
        request.node.stash[_last_step] = (name, shown)
        if not EVERY_STEP:
            return None
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        shown.screenshot(path=str(path), full_page=full_page)
        return path

    return step
