"""`make run` as a newcomer meets it: it serves the address it prints, with the product's pages,
and a SIGTERM to make stops the web server and the worker too (nothing is left running)."""
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes():
    """{pid: (parent pid, state, command line)} of every process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        found[int(entry.name)] = (int(ppid), state, cmdline)
    return found


def _descendants(pid):
    table = _processes()
    family, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, (ppid, _s, _c) in table.items() if ppid in frontier} - family
        family |= frontier
    return {child: table[child][2] for child in family}


def _alive(pids):
    table = _processes()
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.2)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_make_run_serves_what_it_prints_and_sigterm_to_make_stops_the_server_and_the_worker(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "PYTEST")) and k not in ("DATABASE_URL", "REDIS_URL", "SITE_URL")}
    env["IEPTEAM_VAR_DIR"] = str(tmp_path / "var")
    out = tmp_path / "make-run.log"
    with open(out, "w") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "run", f"PORT={port}", "HOST=127.0.0.1"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def answering():
            assert make.poll() is None, out.read_text()
            try:
                return _get(f"{url}/accounts/login/")[0] == 200
            except OSError:
                return False

        _wait_for(answering, 240, "the server to answer")
        children = _descendants(make.pid)
        commands = " | ".join(children.values())
        assert "uvicorn" in commands and "celery" in commands, commands

        printed = out.read_text()
        assert f"Sign in at {url}/ with:" in printed
        assert f"Open {url}/" in printed
        assert f"({url}/django-admin/)" in printed and "operator@demo.example" in printed
        # The default settings: the product's own 404 page, not Django's technical one.
        status, page = _get(f"{url}/no-such-page/")
        assert status == 404 and "We could not find that page" in page and "URLconf" not in page

        make.send_signal(signal.SIGTERM)
        make.wait(timeout=60)
        _wait_for(lambda: not _alive(children), 30, f"these to stop: {_alive(children)}")
    finally:
        if make.poll() is None:
            make.kill()
        for pid in _alive(_descendants(make.pid)):
            os.kill(pid, signal.SIGKILL)


def test_a_second_seed_says_the_data_was_kept_and_how_to_start_over(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.SITE_URL = "http://192.0.2.7:8123"
    first, second = StringIO(), StringIO()
    call_command("seed_demo", password="demo-pass-2026", stdout=first)
    call_command("seed_demo", password="demo-pass-2026", stdout=second)
    assert "Sign in at http://192.0.2.7:8123/ with:" in first.getvalue()
    assert "kept" not in first.getvalue()
    assert "was kept" in second.getvalue() and "make clean" in second.getvalue()
