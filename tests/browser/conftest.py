"""A real, headless Chromium (Debian's) driven by Playwright, offline, with every request and message recorded.

Locally the browser tests are skipped when Chromium or Playwright is missing; in CI (CI=true)
they fail instead, so a green CI always means they ran. Every browser process is closed at
the end of the session. All are marked slow.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.markers import mark_slow

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots; ignored by git
VIEWPORT = {"width": 1400, "height": 860}


def pytest_collection_modifyitems(items):
    mark_slow(items, Path(__file__).parent)


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """A persistent context of a fresh profile (its own --user-data-dir), offline, closed at the end."""
    missing = _missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            accept_downloads=True,
            timeout=60_000,
        )
        try:
            context.set_offline(True)  # as on a laptop with the network off
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@dataclass
class PageLog:
    """What a page did: every request, console error, uncaught exception and dialog."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser):
    """open_page(path) -> (page, log): loads a file, waits until the graph is drawn; the page is closed after."""
    pages = []

    def open_(path: Path, timeout_ms: int = 60_000):
        page = browser.new_page()
        pages.append(page)
        log = PageLog()
        page.on("request", lambda request: log.requests.append(request.url))
        page.on("console", lambda message: message.type == "error" and log.errors.append(message.text))
        page.on("pageerror", lambda error: log.errors.append(str(error)))

        def on_dialog(dialog):
            log.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri(), timeout=timeout_ms)
        page.wait_for_selector("html[data-drawn]", state="attached", timeout=timeout_ms)
        return page, log

    yield open_
    for page in pages:
        page.close()
