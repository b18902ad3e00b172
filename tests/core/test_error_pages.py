"""The product's own error pages: under the default settings (what `make run`, `manage.py` and
`iepteam.asgi` use when nobody names a settings module) nobody sees Django's technical pages;
each page speaks the person's language; an expected refusal is one log line, not a traceback."""
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from apps.accounts.models import User
from apps.core.views import csrf_failure, server_error

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _back_to_english_after():
    # A Spanish request leaves Spanish active in this thread; tests that render without a
    # request (elsewhere in the suite) expect the default.
    yield
    translation.deactivate()


def _without_settings_module(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update({"IEPTEAM_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}, **extra)
    return env


# What a request to an unknown address answers, asked through a default entry point.
PROBE = textwrap.dedent("""
    from django.conf import settings
    from django.test import Client
    answer = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="{language}").get("/no-such-page/")
    print("SETTINGS", settings.SETTINGS_MODULE, "DEBUG", settings.DEBUG)
    print("STATUS", answer.status_code)
    print(answer.content.decode())
""")
ENTRY_POINTS = {
    # manage.py sets the default settings module every management command runs with.
    "manage.py": lambda code: ["manage.py", "shell", "-c", code],
    # The ASGI application (what `make run`'s server and uvicorn/daphne load).
    "asgi": lambda code: ["-c", "import iepteam.asgi\n" + code],
}


def _probe(tmp_path, entry="asgi", language="en", **env):
    done = subprocess.run([sys.executable, *ENTRY_POINTS[entry](PROBE.format(language=language))], cwd=ROOT,
                          env=_without_settings_module(tmp_path, **env), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_the_default_settings_answer_an_unknown_address_with_the_products_404_page(tmp_path, entry):
    out = _probe(tmp_path, entry)
    assert "SETTINGS iepteam.settings.local DEBUG False" in out, out
    assert "STATUS 404" in out
    assert "We could not find that page" in out
    # None of Django's technical page: no URL patterns, no "DEBUG = True" hint.
    assert "URLconf" not in out and "DEBUG = True" not in out


def test_the_default_settings_speak_spanish_to_a_spanish_browser(tmp_path):
    assert "No pudimos encontrar esa página" in _probe(tmp_path, language="es")


def test_django_debug_turns_the_technical_pages_back_on_for_those_who_want_them(tmp_path):
    out = _probe(tmp_path, DJANGO_DEBUG="1")
    assert "DEBUG True" in out and "URLconf" in out


# --- the pages, in process (the test settings run with DEBUG off as well) -------------------------

def test_an_unknown_page_is_the_products_404_in_the_sites_layout(client):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "We could not find that page" in page
    assert 'class="site-header"' in page and 'href="/static/css/app.css"' in page
    assert '<html lang="en">' in page


def test_a_spanish_browser_gets_the_404_in_spanish(client):
    answer = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert '<html lang="es">' in page
    assert "No pudimos encontrar esa página" in page


@pytest.mark.django_db
def test_a_person_whose_saved_language_is_spanish_gets_the_404_in_spanish(demo):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(demo.parent_maya)
    page = client.get("/no-such-page/").content.decode()
    assert "No pudimos encontrar esa página" in page
    # And every other page of theirs too, whatever the browser says.
    assert "Mis hijos" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_language_switcher_still_wins_over_the_saved_language(demo):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(demo.parent_maya)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "We could not find that page" in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_a_saved_language_the_product_does_not_speak_falls_back_to_the_browser(demo):
    User.objects.filter(pk=demo.parent_maya.pk).update(preferred_language="xx")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(demo.parent_maya)
    assert "No pudimos encontrar esa página" in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_a_refused_action_on_a_page_is_the_products_403_and_one_log_line(demo, caplog):
    client = Client()
    client.force_login(demo.admin)  # reads the district, does not post in a team's discussion
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = client.post(f"/recommendations/{demo.maya_recs[0].id}/thread/comments/", {"body": "Hello"})
    assert answer.status_code == 403
    assert "You may not do that" in answer.content.decode()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is None
    assert "Forbidden" in records[0].getMessage()


@pytest.mark.django_db
def test_a_record_the_person_may_not_see_is_the_404_and_one_log_line(demo, caplog):
    client = Client()
    client.force_login(demo.parent_leo)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = client.get(f"/ieps/{demo.maya_iep.id}/")
    assert answer.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].exc_info is None, [r.getMessage() for r in records]
    assert "Maya" not in answer.content.decode()


@pytest.mark.django_db
def test_a_failed_csrf_check_is_the_products_page_in_the_persons_language(demo):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(demo.parent_maya)
    answer = client.post(f"/recommendations/{demo.maya_recs[0].id}/thread/comments/", {"body": "Hola"})
    assert answer.status_code == 403
    page = answer.content.decode()
    assert 'class="site-header"' in page
    assert "Reason given for failure" not in page  # Django's own CSRF page
    assert "caducó" in page  # the form expired: reload and send again


def test_a_failed_csrf_check_on_the_api_answers_in_the_contracts_shape():
    with translation.override("en"):
        answer = csrf_failure(RequestFactory().post("/api/v1/students/"), reason="CSRF cookie not set.")
    assert answer.status_code == 403
    assert json.loads(answer.content)["error"]["code"] == "csrf_failed"


def test_the_500_page_is_the_products_own():
    with translation.override("en"):
        answer = server_error(RequestFactory().get("/ieps/1/"))
    assert answer.status_code == 500
    assert "Something went wrong on our side" in answer.content.decode()


@pytest.mark.django_db
def test_a_conflict_no_form_caught_is_a_page_with_its_message_not_a_500(demo):
    from apps.core.errors import Conflict
    from apps.core.middleware import ApplicationErrorPages

    request = RequestFactory().post("/ieps/1/")
    request.user = demo.casemanager
    with translation.override("en"):
        answer = ApplicationErrorPages(lambda r: None).process_exception(request, Conflict("The IEP is signed."))
    assert answer.status_code == 409
    assert "The IEP is signed." in answer.content.decode()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_through_the_asgi_handler_the_saved_language_holds_too(transactional_demo):
    from asgiref.sync import sync_to_async
    from django.db import connections
    from django.test import AsyncClient

    parent = transactional_demo.parent_maya
    parent.preferred_language = "es"
    await sync_to_async(parent.save)(update_fields=["preferred_language"])
    client = AsyncClient(headers={"accept-language": "en"})
    await client.aforce_login(parent)
    answer = await client.get("/no-such-page/")
    # The connection the request's thread opened, closed there, so the test database can go.
    await sync_to_async(connections.close_all)()
    assert answer.status_code == 404
    assert "No pudimos encontrar esa página" in answer.content.decode()
