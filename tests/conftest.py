"""Shared fixtures: the demo personas, API clients signed in as them, and the services check."""
import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

DEMO_PASSWORD = "demo-pass-2026"
PERSONAS = ["admin", "casemanager", "ot", "slp", "teacher.leo", "parent.maya", "parent.leo", "evaluator"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        engine = settings.DATABASES["default"]["ENGINE"]
        assert "postgresql" in engine, f"REQUIRE_SERVICES=1 but the database is {engine}: set DATABASE_URL"
        assert settings.REDIS_URL, "REQUIRE_SERVICES=1 but REDIS_URL is not set"


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need PostgreSQL and Redis. Locally they skip with the reason;
    in CI (REQUIRE_SERVICES=1) the session check above guarantees they run."""
    if REQUIRE_SERVICES:
        return
    missing = []
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        missing.append("DATABASE_URL (PostgreSQL)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if missing:
        skip = pytest.mark.skip(reason="needs " + " and ".join(missing) + "; CI sets them")
        for item in items:
            if "services" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield


def _load_demo():
    from apps.ieps.models import IEP, Recommendation
    from apps.accounts.models import User
    from apps.students.models import Student

    call_command("seed_demo", password=DEMO_PASSWORD, stdout=open(os.devnull, "w"))
    users = {email.split("@")[0]: u for u in User.objects.all() for email in [u.email]}
    maya = Student.objects.get(first_name="Maya")
    leo = Student.objects.get(first_name="Leo")
    maya_iep = IEP.objects.get(student=maya)
    leo_iep = IEP.objects.get(student=leo)
    return SimpleNamespace(
        users=users,
        maya=maya,
        leo=leo,
        maya_iep=maya_iep,
        leo_iep=leo_iep,
        maya_recs=list(Recommendation.objects.filter(iep=maya_iep).order_by("id")),
        leo_recs=list(Recommendation.objects.filter(iep=leo_iep).order_by("id")),
        **{name.replace(".", "_"): users[name] for name in PERSONAS},
    )


@pytest.fixture
def demo(db):
    """The demo district from `seed_demo`: personas by name (demo.ot, demo.parent_leo ...)."""
    return _load_demo()


@pytest.fixture
def transactional_demo(transactional_db):
    return _load_demo()


def token_for(user, name="tests") -> str:
    """A new API token of `user` (hashed at rest like every other: the plain token is only here)."""
    from apps.accounts.models import ApiToken

    return ApiToken.objects.create(user=user, name=name)[1]


def api_client_for(user=None) -> APIClient:
    """A client that authenticates like a real one: by token, re-reading the user each request."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def api_as(demo):
    def make(persona: str | None) -> APIClient:
        return api_client_for(demo.users[persona] if persona else None)

    return make


class _LiveSessions:
    """Browser-like sessions for socket tests: sign in to get a session cookie, sign out later."""

    def __init__(self):
        self.clients = {}

    async def __call__(self, user) -> str:
        from channels.db import database_sync_to_async
        from django.test import Client

        def sign_in():
            client = Client()
            client.force_login(user)
            key = client.session.session_key
            self.clients[key] = client
            return key

        return await database_sync_to_async(sign_in)()

    async def sign_out(self, session_key):
        from channels.db import database_sync_to_async

        client = self.clients.pop(session_key)
        answer = await database_sync_to_async(client.post)("/accounts/logout/")
        assert answer.status_code in (200, 302)


@pytest.fixture
def live_session():
    return _LiveSessions()
