"""Real Chromium driven by Playwright's sync API, against pytest-django's live server (HTTP only)
or, for the live channel, a real daphne process (`asgi_server`: HTTP and WebSockets).

Chromium comes from the system (`apt-get install chromium`; `playwright install` cannot download
here). Without it these tests skip with the reason, except in CI (REQUIRE_SERVICES=1) where a
missing browser is a failure, not a skip."""
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.servers import free_port, server_environment, start_server, stop_server

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


def _watch_csp(context):
    """Collects what the browser reports as a content security policy violation in this context:
    the console lines Chromium writes, and the `securitypolicyviolation` events of every page."""
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return violations


REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("Content Security Policy violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _fail_on_csp_violations(violations):
    if violations:
        pytest.fail("the page broke the content security policy:\n" + "\n".join(dict.fromkeys(violations)),
                    pytrace=False)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) per test; a screenshot lands in test-results/ on failure.
    Any content security policy violation fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    violations = _watch_csp(context)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    _fail_on_csp_violations(violations)


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


RESULTS_LOG = RESULTS / "asgi-server.log"


@pytest.fixture(scope="module")
def asgi_server(django_db_setup):
    """The project's ASGI application in its own daphne process, on the test database.

    pytest-django's live_server speaks WSGI only, so it cannot carry the IEP's WebSocket. This
    server does, and every browser request (pages, HTMX posts and sockets) goes through it: with
    the in-memory channel layer (no REDIS_URL) an event reaches only the sockets of the process
    that committed it; with Redis (CI) the layer is shared anyway. Its data comes from the test
    process through the database (use transactional fixtures, so it is committed)."""
    port = free_port()
    RESULTS.mkdir(exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    process = start_server(["daphne", "-b", "127.0.0.1", "-p", str(port), "tests.browser.asgi:application"],
                           env=server_environment(), log_path=RESULTS_LOG, ready_url=f"{url}/accounts/login/",
                           seconds=30)
    yield url
    stop_server(process)


@pytest.fixture
def open_as(browser, asgi_server, transactional_demo, request):
    """open_as("ot") -> a signed-in tab in its own browser context (its own cookies), on the ASGI
    server. Each context closes after the test; on failure each leaves a screenshot. Any content
    security policy violation in any of them fails the test."""
    contexts = []
    watched = []

    def do(persona: str, *, width: int = 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=asgi_server)
        context.set_default_timeout(10_000)
        context.add_init_script(COUNT_REQUESTS)
        context.add_init_script(WATCH_LIVE)
        watched.append(_watch_csp(context))
        contexts.append((persona, context))
        tab = context.new_page()
        tab.goto("/accounts/login/")
        tab.get_by_label("E-mail address").fill(f"{persona}@demo.example")
        tab.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.wait_for_url(lambda url: "/accounts/login/" not in url)
        return tab

    yield do
    failed = getattr(request.node, "rep_call", None)
    for persona, context in contexts:
        if failed is not None and failed.failed and context.pages:
            RESULTS.mkdir(exist_ok=True)
            context.pages[0].screenshot(path=str(RESULTS / f"{request.node.name}-{persona}.png"), full_page=True)
    for _persona, context in contexts:
        _settle(context)
        context.close()
    _fail_on_csp_violations([line for violations in watched for line in violations])


# Counts the page's HTMX requests in flight, from before any page script runs.
COUNT_REQUESTS = """
window.__requestsInFlight = 0;
document.addEventListener("htmx:beforeSend", () => { window.__requestsInFlight += 1; });
document.addEventListener("htmx:afterRequest", () => { window.__requestsInFlight -= 1; });
"""


# What the tests read of the live channel, watched from outside it (the product's JavaScript ships
# no test hook): the sockets the page opens, the frames it sends and gets, the events it hands on
# ("iep:event"), the states #live-status goes through, and the sequence number the page holds.
WATCH_LIVE = """
(() => {
  const Native = window.WebSocket;
  const live = window.__live = { sockets: [], connects: 0, resyncs: 0, applied: 0, states: [] };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // The IEP's channel, not the bell's (/ws/notifications/), which every signed-in page opens too.
      if (!String(args[0]).includes("/ws/ieps/")) return;
      live.sockets.push(this);
      this.addEventListener("message", (m) => { try { if (JSON.parse(m.data).type === "hello") live.connects += 1; } catch {} });
    }
    send(data) {
      try { if (live.sockets.includes(this) && JSON.parse(data).type === "resync") live.resyncs += 1; } catch {}
      return super.send(data);
    }
  };
  Object.defineProperty(live, "socket", { get() {
    const last = live.sockets[live.sockets.length - 1];
    return last && last.readyState <= Native.OPEN ? last : null;
  } });
  Object.defineProperty(live, "lastSeq", { get() {
    const root = document.querySelector("[data-live-iep]");
    return root ? Number(root.dataset.lastSeq) : null;
  } });
  // A frame as if the server had sent it on the open socket.
  live.feed = (frame) => live.socket.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(frame) }));
  document.addEventListener("iep:event", () => { live.applied += 1; });
  document.addEventListener("DOMContentLoaded", () => {
    const status = document.getElementById("live-status");
    if (!status) return;
    new MutationObserver(() => {
      if (live.states[live.states.length - 1] !== status.dataset.state) live.states.push(status.dataset.state);
    }).observe(status, { attributes: true, attributeFilter: ["data-state"] });
  });
})();
"""


def _settle(context):
    """Stops the page's live client and waits for its last requests to be answered. The database
    is emptied after each test; a request the server is still working on would collide with that
    (a deadlock on PostgreSQL, a locked file on SQLite)."""
    for tab in context.pages:
        try:
            tab.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
            for _ in range(2):
                tab.wait_for_function("() => (window.__requestsInFlight || 0) <= 0", timeout=10_000)
                tab.wait_for_timeout(200)  # a refresh the last event scheduled starts within this
        except Exception:  # noqa: BLE001, S110 - a closed or crashed tab has nothing in flight
            pass
