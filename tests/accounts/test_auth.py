"""Signing in by token, who am I, production settings that refuse unsafe defaults, demo data."""
import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from apps.accounts.models import ApiToken

from tests.conftest import DEMO_PASSWORD
from tests.core.contract import assert_error

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "/api/v1/auth/token/"


def test_the_right_password_gets_a_token_that_signs_requests_in(api_as, demo):
    response = api_as(None).post(TOKEN, {"email": "ot@demo.example", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    assert ApiToken.objects.get(user=demo.ot).token_key == token[:15]

    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["email"] == "ot@demo.example"


def test_the_address_is_not_case_sensitive(api_as, demo):
    response = api_as(None).post(TOKEN, {"email": "OT@Demo.Example", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(api_as, demo):
    wrong_password = api_as(None).post(TOKEN, {"email": "ot@demo.example", "password": "not-it-at-all"},
                                       format="json")
    unknown = api_as(None).post(TOKEN, {"email": "nobody@demo.example", "password": "not-it-at-all"}, format="json")
    assert_error(wrong_password, 400, "invalid_credentials")
    assert wrong_password.json() == unknown.json()
    assert unknown.status_code == 400
    assert not ApiToken.objects.filter(user=demo.ot).exists()


def test_a_deactivated_account_gets_no_token(api_as, demo):
    demo.ot.is_active = False
    demo.ot.save(update_fields=["is_active"])
    assert_error(api_as(None).post(TOKEN, {"email": "ot@demo.example", "password": DEMO_PASSWORD}, format="json"),
                 400, "invalid_credentials")


def test_a_bad_token_is_refused_with_401(api_as, demo):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_the_token_endpoint_allows_at_least_ten_requests_a_minute(api_as, demo):
    client = api_as(None)
    for attempt in range(10):
        response = client.post(TOKEN, {"email": "ot@demo.example", "password": DEMO_PASSWORD}, format="json")
        assert response.status_code == 200, (attempt, response.content)


def test_the_token_endpoint_slows_down_a_password_guesser(api_as, demo):
    # A different account each time: the per-account lockout (test_lockout.py) never starts, the
    # per-address throttle must.
    client = api_as(None)
    for attempt in range(200):
        response = client.post(TOKEN, {"email": f"person{attempt}@demo.example", "password": f"guess-{attempt}"},
                               format="json")
        if response.status_code == 429:
            break
    else:
        pytest.fail("200 guesses in a row were all answered")
    assert attempt >= 10
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


# --- /me/ ---------------------------------------------------------------------------------------

def test_me_describes_the_person_and_their_memberships(api_as, demo):
    body = api_as("casemanager").get("/api/v1/me/").json()
    assert set(body) == {"id", "email", "full_name", "memberships", "district_admin_of"}
    assert (body["id"], body["email"], body["full_name"]) == (demo.casemanager.id, "casemanager@demo.example",
                                                              "Sam Okafor")
    assert sorted((m["student"], m["role"], m["discipline"]) for m in body["memberships"]) == sorted([
        (demo.maya.id, "case_manager", "special_education"), (demo.leo.id, "case_manager", "special_education")])
    assert all(set(m) == {"student", "role", "discipline"} for m in body["memberships"])
    assert body["district_admin_of"] == []


def test_me_names_the_districts_an_admin_runs(api_as, demo):
    body = api_as("admin").get("/api/v1/me/").json()
    assert body["memberships"] == []
    assert body["district_admin_of"] == [demo.maya.district_id]


def test_me_of_a_parent_lists_only_their_child(api_as, demo):
    body = api_as("parent.leo").get("/api/v1/me/").json()
    assert body["memberships"] == [{"student": demo.leo.id, "role": "parent", "discipline": ""}]


def test_me_without_credentials_is_401(api_as, demo):
    assert_error(api_as(None).get("/api/v1/me/"), 401)


# --- Production settings ------------------------------------------------------------------------

def _run(args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update({"IEPTEAM_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    env.update(env_overrides)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def _good_production_env():
    return {
        "DJANGO_SETTINGS_MODULE": "iepteam.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        # Production refuses to start without PostgreSQL and Redis (tests/core/test_production_settings.py).
        "DATABASE_URL": "postgres://iepteam:secret@db.example.org:5432/iepteam",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    }


IMPORT = ["-c", "import iepteam.settings.production"]


def test_production_settings_load_with_real_values(tmp_path):
    done = _run(IMPORT, _good_production_env(), tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("overrides,complaint", [
    ({"DJANGO_DEBUG": "1"}, "DEBUG"),
    ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "insecure-development-key-change-me"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_SECRET_KEY": "short-but-not-the-default"}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
    ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS"),
])
def test_production_settings_refuse_unsafe_values(tmp_path, overrides, complaint):
    done = _run(IMPORT, {**_good_production_env(), **overrides}, tmp_path)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and complaint in done.stderr, done.stderr


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    env = _good_production_env()
    del env["DJANGO_SECRET_KEY"]
    done = _run(IMPORT, env, tmp_path)
    assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr, done.stderr


def test_the_deploy_check_passes_without_a_warning_given_real_values(tmp_path):
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _good_production_env(), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout, done.stdout + done.stderr
    assert "WARNINGS" not in done.stderr + done.stdout


def test_seed_demo_refuses_to_run_with_production_settings(tmp_path):
    done = _run(["manage.py", "seed_demo", "--password", "demo-pass-2026"], _good_production_env(), tmp_path)
    assert done.returncode != 0
    assert "refuses to run with production settings" in done.stderr, done.stderr
    # It stopped before touching a database: none was even created.
    assert not (tmp_path / "iepteam.sqlite3").exists()


def test_seed_demo_refuses_when_the_settings_say_production(db, settings):
    from django.core.management.base import CommandError

    from apps.accounts.models import User

    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    assert User.objects.count() == 0


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_run_twice_leaves_the_same_rows(demo):
    first = _row_counts()
    assert first["accounts.User"] == 8 and first["students.Student"] == 2 and first["ieps.IEP"] == 2
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    assert _row_counts() == first


def test_seed_demo_accounts_all_sign_in_with_the_given_password(api_as, demo):
    for email in ["admin", "casemanager", "ot", "slp", "teacher.leo", "parent.maya", "parent.leo", "evaluator"]:
        response = api_as(None).post(TOKEN, {"email": f"{email}@demo.example", "password": DEMO_PASSWORD},
                                     format="json")
        assert response.status_code == 200, email
