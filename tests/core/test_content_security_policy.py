"""The content security policy (django-csp) holds everywhere, and the templates keep to it: no
inline script, no inline event handler, no inline style. The browser tests fail on any CSP
violation the console reports (tests/browser/conftest.py)."""
import re
from pathlib import Path

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
# hx-on runs code through eval, which the policy refuses (and htmx is told allowEval: false).
HTMX_EVAL = re.compile(r"\shx-on[:-]|js:", re.IGNORECASE)


def _policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


# The 500 page keeps its stylesheet inline so that it renders when all else has failed; its view
# allows exactly that block by its hash (apps/core/csp.py; tested below).
ALLOWED = {("an inline style", "errors/500.html")}
# E-mail bodies are read in mail programs, which take styles inline only; no page serves them, so
# no page's policy applies to them (their links and text are tested in tests/notifications).
ALLOWED |= {("an inline style", f"notifications/{name}.html") for name in ("email", "digest")}
# PDF templates are rendered by WeasyPrint, which is refused every address (apps/core/pdf.py), so
# their style must be inline; no page serves them as HTML.
ALLOWED |= {("an inline style", "pdf/base.html")}


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("rule,pattern", [
    ("an inline <script>", INLINE_SCRIPT),
    ("an inline event handler (on...=)", EVENT_HANDLER),
    ("an inline style", INLINE_STYLE),
    ("code that htmx would eval", HTMX_EVAL),
])
def test_no_template_holds(rule, pattern):
    found = [f"{path.relative_to(TEMPLATES)}: {m[0][:80]}" for path in _templates()
             if (rule, path.relative_to(TEMPLATES).as_posix()) not in ALLOWED
             for m in pattern.finditer(path.read_text())]
    assert not found, f"{rule} breaks the content security policy; move it to static/: {found}"


def test_the_scanner_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/x.js">')
    assert EVENT_HANDLER.search('<button class="b" onclick="go()">') and not EVENT_HANDLER.search('<a data-on="x">')
    assert INLINE_STYLE.search('<p style="color:red">') and INLINE_STYLE.search("<style>p{}</style>")
    assert HTMX_EVAL.search('<form hx-on::after-request="x()">')


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/docs/", "/api/v1/me/", "/no-such-page/"])
def test_every_answer_carries_the_policy(demo, path):
    client = Client()
    client.force_login(demo.parent_maya)
    policy = _policy(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_htmx_is_told_not_to_inject_styles_or_eval(demo):
    client = Client()
    client.force_login(demo.ot)
    html = client.get("/").content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)[1]
    assert '"includeIndicatorStyles":false' in config and '"allowEval":false' in config


def test_the_500_page_may_run_exactly_its_own_styles(rf):
    import base64
    import hashlib

    from csp.middleware import CSPMiddleware

    from apps.core.views import server_error

    request = rf.get("/")
    response = CSPMiddleware(lambda r: server_error(r))(request)
    block = re.search(rb"<style>(.*?)</style>", response.content, re.DOTALL)[1]
    digest = base64.b64encode(hashlib.sha256(block).digest()).decode()
    policy = _policy(response)
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert policy["script-src"] == ["'self'"]
