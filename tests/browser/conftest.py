"""Real Chromium driven by Playwright's sync API against pytest-django's live server.

Chromium comes from the system (`apt-get install chromium`; `playwright install` cannot download
here). Without it these tests skip with the reason, except in CI (REQUIRE_SERVICES=1) where a
missing browser is a failure, not a skip."""
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REQUIRE = os.environ.get("REQUIRE_SERVICES") == "1"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def _why_not_runnable():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"Chromium is missing at {CHROMIUM} (apt-get install chromium, or `make browser`)"
    return None


def pytest_collection_modifyitems(config, items):
    """Locally, a missing browser skips these tests with the reason. In CI (REQUIRE_SERVICES=1)
    nothing is skipped: the `browser` fixture fails them instead."""
    reason = _why_not_runnable()
    if reason is None or REQUIRE:
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}; CI runs them")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="module")
def _allow_sync_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread; Django then refuses ORM calls
    from it unless told that is fine. Only for the browser tests' modules, and undone after."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser(_allow_sync_orm_beside_playwright):
    reason = _why_not_runnable()
    if reason is not None:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) per test; a screenshot lands in test-results/ on failure."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def sign_in(page):
    """Signs in through the real form, as a person would."""

    def do(persona: str):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(f"{persona}@demo.example")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return do
