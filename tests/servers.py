"""Real servers for the tests that need one (the browser, the fuzzer, request-body limits, the
concurrency suite): a free port, the test database's address for a child process, a server
process started and waited for, and stopped."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    """The database this test process uses, as DATABASE_URL for a server in another process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test, whatever its name


def server_environment(**extra) -> dict:
    """The test settings on the test database; a server never runs with the sync-ORM escape hatch
    the browser tests set for themselves."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="iepteam.settings.test", DATABASE_URL=test_database_url(),
               PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def answers(url: str) -> bool:
    """Any HTTP answer, an error status included, means the server serves."""
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - a local test server
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def start_server(args: list, *, env: dict, log_path: Path, ready_url: str, seconds: int = 60) -> subprocess.Popen:
    """`python -m <args>` in the project's folder, its output in log_path; returns once ready_url
    answers, and fails the test (with the end of the log) if the server exits or never answers."""
    log = open(log_path, "w")  # noqa: SIM115 - open for the server's whole life, closed by stop_server
    process = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    deadline = time.monotonic() + seconds
    while not answers(ready_url):
        if process.poll() is not None:
            log.close()
            pytest.fail(f"{args[0]} exited with {process.returncode}: {Path(log_path).read_text()[-2000:]}",
                        pytrace=False)
        if time.monotonic() > deadline:
            stop_server(process)
            pytest.fail(f"{args[0]} did not answer in {seconds} s: {Path(log_path).read_text()[-2000:]}",
                        pytrace=False)
        time.sleep(0.2)
    return process


def stop_server(process: subprocess.Popen, seconds: int = 10) -> None:
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = getattr(process, "log", None)
    if log is not None:
        log.close()
