"""Schemathesis against the schema the workspace serves, per persona: every operation with
generated input (random bodies, parameters and headers), zero server errors.

It runs the Schemathesis CLI against the real ASGI application in its own uvicorn process on the
test database (no test-client shortcuts; Django's connection handling as in production). Per
persona, every operation is first tried once (a fixed number of requests, so a slow machine
cannot leave one out), then fuzzed for a fixed budget (`--max-time`, FUZZ_SECONDS_PER_PERSONA,
10 s by default), with a fixed seed. Path ids point at Maya's records, where the personas' rights
differ: her team reads and writes, the other family's parent gets 404s, the scoped evaluator sees
part of it; throttles are lifted on the server, or most writes would only meet 429."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import api_client_for
from tests.core.matrix_world import build_world
from tests.servers import free_port, server_environment, start_server, stop_server

SECONDS = int(os.environ.get("FUZZ_SECONDS_PER_PERSONA", "10"))
PERSONAS = ["anonymous", "admin", "casemanager", "parent.maya", "parent.leo", "evaluator.scoped"]
# Ending every session of the fuzzing client's own person would leave the rest of the run (and the
# schema load of the next phase) answered 401: it is tested in tests/accounts/test_tokens.py and the
# authorization matrix instead.
KEPT_OUT = ["/api/v1/me/sign-out-everywhere/"]
SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """uvicorn serving iepteam.asgi on the test database; no throttles (the fuzzer writes a lot)."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("fuzz") / "server.log"
    url = f"http://127.0.0.1:{port}"
    process = start_server(
        ["uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=server_environment(API_WRITE_RATE="100000/min", API_TOKEN_RATE="100000/min"),
        log_path=log_path, ready_url=f"{url}/api/schema/")
    yield url, log_path
    stop_server(process)


def _config(tmp_path, maya):
    """Path parameters fixed to Maya's records, so generated bodies meet real rows."""
    ids = {"student_id": maya.student.id, "iep_id": maya.iep.id, "recommendation_id": maya.rec.id,
           "comment_id": maya.comment.id, "notification_id": maya.notification.id,
           "request_id": maya.request_id, "file_id": maya.file_id,
           # Nobody's token: revoking the fuzzing client's own would end its run.
           "token_id": 2**31 - 1}
    path = tmp_path / "schemathesis.toml"
    path.write_text("[parameters]\n" + "".join(f'"path.{k}" = {v}\n' for k, v in ids.items()))
    return path


def _schemathesis(url, config, persona_token, *extra):
    args = [SCHEMATHESIS, "--no-color", "--config-file", str(config), "run", f"{url}/api/schema/",
            "--checks", "not_a_server_error", "--phases", "fuzzing", "--seed", "20261201", "--workers", "1",
            "--request-timeout", "60", "--warnings", "off", *extra]
    for path in KEPT_OUT:
        args += ["--exclude-path", path]
    if persona_token:
        args += ["--header", f"Authorization: {persona_token}"]
    done = subprocess.run(args, cwd=config.parent, capture_output=True, text=True, timeout=SECONDS + 600,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def _summary(out):
    selected = re.search(r"Selected: (\d+)/(\d+)", out)
    tested = re.search(r"Tested: (\d+)", out)
    return (int(selected[1]), int(selected[2]), int(tested[1])) if selected and tested else None


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_operation_answers_a_server_error(server, transactional_demo, tmp_path, persona):
    url, log_path = server
    demo = transactional_demo
    # The report file the world uploads lands in the test settings' MEDIA_ROOT, which the server
    # (same settings) reads.
    world = build_world(demo, lambda who: api_client_for(demo.users[who] if who else None))
    config = _config(tmp_path, world["maya"])
    token = None if persona == "anonymous" else api_client_for(demo.users[persona])._credentials["HTTP_AUTHORIZATION"]

    # First every operation once, however long that takes (it is a fixed number of requests), so a
    # slow machine cannot leave operations untried; then generated input for the fixed budget.
    for name, extra in (("every operation once", ["--max-examples", "1"]),
                        (f"fuzzing for {SECONDS} s", ["--max-examples", "2", "--max-time", str(SECONDS)])):
        code, out = _schemathesis(url, config, token, *extra)
        assert code == 0, f"{name}, as {persona}:\n{out[-6000:]}\nserver log:\n{log_path.read_text()[-3000:]}"
        assert "No issues found" in out, out[-3000:]
        counts = _summary(out)
        assert counts, out[-3000:]
        if name == "every operation once":
            selected, total, tested = counts
            assert selected == tested == total - len(KEPT_OUT), (
                f"as {persona}, {tested} of {total} operations were tried:\n{out[-3000:]}")
