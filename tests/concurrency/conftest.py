"""A real deployment per database, in subprocesses: two ASGI server processes (as behind a load
balancer) and a Celery worker, on the embedded default (an SQLite file, the file-system broker)
or on PostgreSQL. Tests send two requests at the same moment, one to each server, through real
HTTP clients, and read the outcome back through the API and the database.

The PostgreSQL deployment gets a database of its own (the test database's name + `_concurrency`),
and neither deployment uses Redis: what is under test is the database, and nothing it enqueues
may reach another run's worker."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.conftest import DEMO_PASSWORD, PERSONAS
from tests.servers import free_port
from tests.threads import at_once

ROOT = Path(settings.BASE_DIR)
SERVERS = 2
# Every demo persona's token, and what the tests prepare through the services (not the API).
PREPARE = """
import json
from apps.accounts.models import ApiToken, User
from apps.students.models import Student
from apps.students.services import invitation_create
out = {"tokens": {u.email.split("@")[0]: ApiToken.objects.create(user=u, name="concurrency")[1]
                  for u in User.objects.all()}}
maya = Student.objects.get(first_name="Maya")
cm = User.objects.get(email="casemanager@demo.example")
out["invitations"] = [invitation_create(actor=cm, student=maya, email=f"new.parent{i}@example.org", role="parent")[1]
                      for i in range(4)]
print("PREPARED " + json.dumps(out))
"""


def _wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds} s")


@dataclass
class Deployment:
    kind: str  # "sqlite" or "postgresql"
    env: dict
    folder: Path
    urls: list = field(default_factory=list)
    tokens: dict = field(default_factory=dict)
    invitations: list = field(default_factory=list)
    processes: list = field(default_factory=list)

    # HTTP --------------------------------------------------------------------------------

    def client(self, persona: str | None, server: int = 0) -> "Api":
        return Api(self.urls[server], self.tokens.get(persona) if persona else None)

    def at_once(self, *calls):
        """Runs each call (a function of nothing) in its own thread, all released together by a
        barrier; answers their results in order. The calls should hit different servers."""
        return at_once(*calls, seconds=90)

    def twice(self, persona, method, path, body=None):
        """The same request by the same person, twice at the same moment, one to each server."""
        first, second = self.client(persona, 0), self.client(persona, 1)
        return self.at_once(lambda: first.call(method, path, body), lambda: second.call(method, path, body))

    # The database, read directly ------------------------------------------------------------

    def rows(self, sql: str, *params):
        if self.kind == "sqlite":
            with sqlite3.connect(self.env["_SQLITE_FILE"], timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as db:
            return db.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params):
        return self.rows(sql, *params)[0][0]

    def server_log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("*.log")))


class Api:
    """One HTTP client (its own connection) speaking JSON with a token."""

    def __init__(self, base: str, token: str | None):
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.session.request(method.upper(), self.base + path, timeout=60, **kwargs)

    def ok(self, method: str, path: str, body=None, status=200, **kwargs):
        response = self.call(method, path, body, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text[:500])
        return response.json() if response.headers.get("Content-Type", "").startswith("application/json") else None


def _manage(env, *args, stdin=None):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


def _environment(kind: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "iepteam.settings.local",
        "IEPTEAM_VAR_DIR": str(folder / "var"),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Writes are throttled per person; these tests are one person writing fast on purpose.
        "API_WRITE_RATE": "100000/min",
        "API_TOKEN_RATE": "100000/min",
        "LOG_LEVEL": "WARNING",
    })
    if kind == "sqlite":
        # The embedded default exactly: no DATABASE_URL, the file under IEPTEAM_VAR_DIR.
        env["_SQLITE_FILE"] = str(folder / "var" / "iepteam.sqlite3")
    else:
        db = settings.DATABASES["default"]
        name = f"{db['NAME']}_concurrency"
        env["DATABASE_URL"] = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                               f"{db['PORT'] or 5432}/{name}")
        env["_PG_NAME"] = name
    return env


def _pg_admin(env, statement):
    import psycopg

    admin_url = re.sub(r"/[^/]+$", "/postgres", env["DATABASE_URL"])
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(statement)


def _start(deployment: Deployment, name: str, args: list, extra_env: dict | None = None) -> subprocess.Popen:
    log = open(deployment.folder / f"{name}.log", "w")  # noqa: SIM115 - open for the process's life
    process = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env={**deployment.env, **(extra_env or {})},
                               stdout=log, stderr=subprocess.STDOUT)
    deployment.processes.append((process, log))
    return process


def start_worker(deployment: Deployment, name: str = "worker", **extra_env) -> subprocess.Popen:
    return _start(deployment, name, ["celery", "-A", "iepteam", "worker", "--pool", "solo", "--loglevel", "INFO",
                                     "--without-gossip", "--without-mingle", "--without-heartbeat"], extra_env)


def stop(deployment: Deployment, process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


DATABASES = ["sqlite"] + (["postgresql"] if "postgresql" in settings.DATABASES["default"]["ENGINE"] else [])


@pytest.fixture(scope="session", params=DATABASES)
def deployment(request, tmp_path_factory):
    """One deployment per database; each test gets fresh objects of its own inside it."""
    kind = request.param
    folder = tmp_path_factory.mktemp(f"deployment-{kind}")
    env = _environment(kind, folder)
    if kind == "postgresql":
        _pg_admin(env, f'DROP DATABASE IF EXISTS "{env["_PG_NAME"]}" WITH (FORCE)')
        _pg_admin(env, f'CREATE DATABASE "{env["_PG_NAME"]}"')
    deployment = Deployment(kind=kind, env=env, folder=folder)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "seed_demo", "--password", DEMO_PASSWORD)
    prepared = _manage(env, "shell", stdin=PREPARE)
    data = json.loads(prepared.split("PREPARED ", 1)[1])
    deployment.tokens, deployment.invitations = data["tokens"], data["invitations"]
    assert set(PERSONAS) <= set(deployment.tokens)
    for i in range(SERVERS):
        port = free_port()
        _start(deployment, f"server{i}", ["uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--port",
                                          str(port), "--lifespan", "off", "--no-access-log"])
        deployment.urls.append(f"http://127.0.0.1:{port}")
    # The embedded default runs its worker beside the web processes: e-mail is written while
    # requests write.
    start_worker(deployment)

    def answering(url):
        try:
            return requests.get(url + "/api/v1/me/", timeout=2).status_code == 401
        except requests.RequestException:
            return False

    for url in deployment.urls:
        _wait_until(lambda url=url: answering(url), 60, f"the server at {url} did not answer")
    yield deployment
    for process, log in deployment.processes:
        if process.poll() is None:
            stop(deployment, process)
        log.close()
    if kind == "postgresql":
        _pg_admin(env, f'DROP DATABASE IF EXISTS "{env["_PG_NAME"]}" WITH (FORCE)')
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """Whatever a test asserts, no server process may have logged an error while it ran."""
    if "deployment" not in request.fixturenames:
        yield
        return
    deployment = request.getfixturevalue("deployment")
    before = {p: p.stat().st_size for p in deployment.folder.glob("server*.log")}
    yield
    for log, size in before.items():
        with open(log, errors="replace") as f:
            f.seek(size)
            written = f.read()
        assert "Internal Server Error" not in written and "Traceback" not in written, written[-3000:]
