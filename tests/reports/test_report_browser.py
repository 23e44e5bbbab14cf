"""The report in a real browser: headless Chromium through Playwright, opened from disk.

Skipped when Playwright or ``/usr/bin/chromium`` is missing, unless ``ROBUSTNESS_REQUIRE_BROWSER=1``
(CI sets it): then a missing browser fails. Playwright never downloads a browser here; it drives
the system's Chromium.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reports import SECTIONS, ReportData, render_html
from robustness._report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "report-screenshots"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("ROBUSTNESS_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and ROBUSTNESS_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, page_path: Path) -> tuple[Any, list[Any], list[str], list[str]]:
    """Load a file page; return it with its console messages, page errors and requests."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    console: list[Any] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: console.append(message))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri(), wait_until="load")
    return page, console, errors, requests


def _check_offline_and_inert(page: Any, console: list[Any], errors: list[str],
                             requests: list[str], page_path: Path, title: str) -> None:
    assert [m.text for m in console if m.type in ("error", "warning")] == []
    assert errors == []
    assert all(url == page_path.as_uri() or url.startswith("data:") for url in requests), requests
    assert page.evaluate("() => window.__pwned") is None
    assert page.title() == title  # an injected script would have set it to "pwned"
    assert page.locator("script").count() == 0
    for section_id, _ in SECTIONS:
        assert page.locator(f"#{section_id}").count() == 1, section_id


def test_report_from_a_store_with_hostile_answers(
    browser: Any, london_run: tuple[Path, str], copy_store: Callable[[Path], Path],
    hostile: str, tmp_path: Path,
) -> None:
    store = copy_store(london_run[0])
    with sqlite3.connect(store) as db:  # as if a model had answered with markup
        db.execute("UPDATE predictions SET raw_text = ?", (hostile,))
        db.execute("UPDATE predictions SET outcome = 'refusal', refusal_kind = ? "
                   "WHERE rowid = (SELECT MIN(rowid) FROM predictions)", (hostile,))
    page_path = write_report(store, tmp_path / "report.html")
    page, console, errors, requests = _open(browser, page_path)
    _check_offline_and_inert(page, console, errors, requests, page_path,
                             "Stability report — london")
    assert page.get_by_text("DeBruine", exact=False).count() >= 1
    assert page.locator("#gallery img").count() == 4 * 5

    raw = page.locator("details.raw").first
    text = raw.locator("pre").first
    assert raw.get_attribute("open") is None and not text.is_visible()
    raw.locator("summary").click()
    assert raw.get_attribute("open") == "" and text.is_visible()
    assert text.inner_text() == hostile  # the markup shows as text

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-london.png"), full_page=True)
    page.close()


def test_hand_built_hostile_report(
    browser: Any, make_report: Callable[..., ReportData], hostile: str, tmp_path: Path,
) -> None:
    data = make_report()
    page_path = tmp_path / "hostile.html"
    page_path.write_text(render_html(data), encoding="utf-8")
    page, console, errors, requests = _open(browser, page_path)
    _check_offline_and_inert(page, console, errors, requests, page_path, data.title)
    assert page.locator("img").count() == 2  # the two thumbnails; the hostile <img> is text
    assert page.get_by_text("sample " + hostile, exact=False).count() == 1
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    page.close()
