"""Production cannot run half-configured: no PostgreSQL or no Redis and it refuses to start; with
real values it passes `check --deploy` with zero warnings and sends the security headers."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code_or_args, overrides, tmp_path):
    """Runs Python in a fresh process with exactly the production environment given (nothing of the
    test run's DJANGO_*, DATABASE_URL or REDIS_URL leaks in)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"IEPTEAM_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), **_production_env(), **overrides})
    env = {k: v for k, v in env.items() if v is not None}
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _production_env():
    return {
        "DJANGO_SETTINGS_MODULE": "iepteam.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "iep.example.org",
        # Never connected to: settings and checks only read the addresses.
        "DATABASE_URL": "postgres://iepteam:secret@db.example.org:5432/iepteam",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    }


IMPORT = "import iepteam.settings.production"


@pytest.mark.parametrize("overrides,complaint", [
    ({"DATABASE_URL": None}, "DATABASE_URL"),
    ({"DATABASE_URL": ""}, "DATABASE_URL"),
    ({"DATABASE_URL": "sqlite:////tmp/iepteam.sqlite3"}, "PostgreSQL"),
    ({"REDIS_URL": None}, "REDIS_URL"),
    ({"REDIS_URL": ""}, "REDIS_URL"),
    ({"REDIS_URL": "memory://"}, "REDIS_URL"),
])
def test_production_refuses_to_start_without_postgresql_and_redis(tmp_path, overrides, complaint):
    done = _run(IMPORT, overrides, tmp_path)
    assert done.returncode != 0, "production started half-configured"
    assert "ImproperlyConfigured" in done.stderr and complaint in done.stderr, done.stderr


def test_production_refuses_to_serve_without_postgresql(tmp_path):
    # What an operator runs, not only an import: the ASGI application itself does not load.
    done = _run("import iepteam.asgi", {"DATABASE_URL": None}, tmp_path)
    assert done.returncode != 0 and "DATABASE_URL" in done.stderr, done.stderr


def test_production_starts_with_postgresql_and_redis(tmp_path):
    done = _run(IMPORT, {}, tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_deploy_check_gives_zero_warnings(tmp_path):
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout, done.stdout + done.stderr


HEADERS = """
import django
django.setup()
from django.test import Client
answer = Client().get("/accounts/login/", secure=True, HTTP_HOST="iep.example.org")
print(answer.status_code)
for name in ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
             "Referrer-Policy", "X-Frame-Options"):
    print(name, "=", answer.headers.get(name))
for name, cookie in answer.cookies.items():
    print("cookie", name, "secure" if cookie["secure"] else "insecure")
from django.conf import settings
print("session", settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST)
"""


def test_production_sends_hsts_and_the_content_security_policy_over_https(tmp_path):
    done = _run(HEADERS, {}, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "200", done.stdout + done.stderr
    out = "\n".join(lines)
    assert "Strict-Transport-Security = max-age=31536000; includeSubDomains; preload" in out
    csp = next(line for line in lines if line.startswith("Content-Security-Policy = "))
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, csp
    assert "X-Content-Type-Options = nosniff" in out and "X-Frame-Options = DENY" in out
    assert "cookie csrftoken secure" in out, out
    assert "session True 1800 True" in out
