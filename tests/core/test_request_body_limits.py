"""Request bodies are limited before Django reads them: against the real ASGI application in a
uvicorn process, over raw sockets, so nothing (no test client, no proxy) reads the body for it.

A refusal "before the body is read" is proved by sending the headers alone: the answer can then
only have come from the headers. A server that read first would wait for the body and answer
408 after its read timeout, or nothing."""
import json
import socket
import threading
import time
import urllib.request

import pytest
from django.test import Client

from apps.evaluations.models import ReportFile
from tests.conftest import DEMO_PASSWORD, api_client_for
from tests.evaluations.helpers import Flow, pdf_of_size
from tests.servers import free_port, server_environment, start_server, stop_server

MiB = 1024 * 1024
SMALL_CAP = MiB  # REQUEST_BODY_MAX_BYTES's default
READ_TIMEOUT = 3  # the server's REQUEST_BODY_READ_TIMEOUT in these tests
ANSWER_BOUND = 30  # seconds a refusal may take on a loaded machine; far below "never"
pytestmark = pytest.mark.django_db(transaction=True)


# uvicorn hands the body to the application as it arrives. daphne does not: Twisted reads the
# whole body before the application is called, so no ASGI middleware can refuse it unread there
# (every test here but the small-JSON one fails under daphne; the README says to serve HTTP with
# uvicorn).
SERVER = ["uvicorn", "iepteam.asgi:application", "--host", "127.0.0.1", "--no-access-log", "--port"]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """iepteam.asgi:application under uvicorn, on the test database, its temporary files in a
    folder of its own."""
    port = free_port()
    env = server_environment(TMPDIR=str(tmp_path_factory.mktemp("server-tmp")),
                             REQUEST_BODY_READ_TIMEOUT=str(READ_TIMEOUT))
    process = start_server([*SERVER, str(port)], env=env,
                           log_path=tmp_path_factory.mktemp("server-log") / "uvicorn.log",
                           ready_url=f"http://127.0.0.1:{port}/api/v1/me/")
    yield port
    stop_server(process)


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def error(self):
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        return json.loads(self.body)["error"]


def exchange(port, method, path, *, headers=(), body=b"", announce=None, chunked=False, hold_open=False):
    """Sends a request over a raw socket and reads the answer. `announce` is the Content-Length
    to claim (default: the body's); `chunked` sends the body in chunked encoding; `hold_open`
    keeps the connection open after the body, as a client whose body stalls."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {len(body) if announce is None else announce}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_BOUND)
    started = time.monotonic()
    sent = {"bytes": 0}

    def send_body():
        try:
            if chunked:
                for start in range(0, len(body), 64 * 1024):
                    piece = body[start: start + 64 * 1024]
                    sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                    sent["bytes"] += len(piece)
                if not hold_open:
                    sock.sendall(b"0\r\n\r\n")
            else:
                for start in range(0, len(body), 64 * 1024):
                    sock.sendall(body[start: start + 64 * 1024])
                    sent["bytes"] += len(body[start: start + 64 * 1024])
        except OSError:
            pass  # the server closed the connection: it read no further

    sock.sendall(head)
    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    raw = b""
    try:
        while b"\r\n\r\n" not in raw:
            part = sock.recv(65536)
            if not part:
                break
            raw += part
        head_bytes, _sep, rest = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
        got = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines if ":" in line)}
        length = int(got.get("content-length", "0"))
        while len(rest) < length:
            part = sock.recv(65536)
            if not part:
                break
            rest += part
    finally:
        seconds = time.monotonic() - started
        sock.close()
    sender.join(timeout=ANSWER_BOUND)
    answer = Answer(int(status_line.split()[1]), got, rest[:length], seconds)
    answer.sent = sent["bytes"]
    return answer


def _token(port, persona):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/token/", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"email": f"{persona}@demo.example", "password": DEMO_PASSWORD}).encode())
    with urllib.request.urlopen(request, timeout=ANSWER_BOUND) as answer:  # noqa: S310
        return json.loads(answer.read())["token"]


@pytest.fixture
def attested(transactional_demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    flow = Flow(transactional_demo, lambda persona: api_client_for(transactional_demo.users[persona]))
    flow.to("attested")
    yield flow
    for stored in ReportFile.objects.all():  # written by the server process, into its MEDIA_ROOT
        stored.file.storage.delete(stored.file.name)


def _multipart(data: bytes, boundary="----limitboundary") -> tuple[bytes, str]:
    body = (f"--{boundary}\r\n".encode() + b'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode())
    return body, f"Content-Type: multipart/form-data; boundary={boundary}"


def test_a_40_mb_body_to_an_anonymous_endpoint_is_answered_413_unread(server, transactional_demo):
    answer = exchange(server, "POST", "/api/v1/auth/token/", headers=["Content-Type: application/json"],
                      announce=40 * MiB)
    assert answer.status == 413, answer.body
    assert answer.error()["code"] == "too_large"
    assert answer.headers.get("connection") == "close"


def test_a_40_mb_body_actually_sent_is_cut_off_and_not_taken_in(server, transactional_demo):
    answer = exchange(server, "POST", "/api/v1/auth/token/", headers=["Content-Type: application/json"],
                      body=b"x" * (40 * MiB))
    assert answer.status == 413
    assert answer.sent < 40 * MiB, "the server took the whole 40 MB in before answering"


def test_a_body_announcing_64_mb_and_sending_1_mb_is_answered_at_once_even_for_the_evaluator(server, attested):
    token = _token(server, "evaluator")
    answer = exchange(server, "POST", f"/api/v1/evaluation-requests/{attested.id}/report/",
                      headers=[f"Authorization: Token {token}", _multipart(b"")[1]], body=b"x" * MiB,
                      announce=64 * MiB, hold_open=True)
    assert answer.status == 413, answer.body
    assert answer.error()["code"] == "too_large"
    assert answer.seconds < READ_TIMEOUT, "answered only when the body timed out, not from its Content-Length"


def test_a_json_body_over_the_small_cap_is_refused_and_one_under_it_is_served(server, transactional_demo):
    padding = "x" * SMALL_CAP
    too_big = json.dumps({"email": "ot@demo.example", "password": DEMO_PASSWORD, "padding": padding}).encode()
    answer = exchange(server, "POST", "/api/v1/auth/token/", headers=["Content-Type: application/json"], body=too_big)
    assert answer.status == 413 and answer.error()["code"] == "too_large"
    fine = json.dumps({"email": "ot@demo.example", "password": DEMO_PASSWORD, "padding": padding[:100_000]}).encode()
    answer = exchange(server, "POST", "/api/v1/auth/token/", headers=["Content-Type: application/json"], body=fine)
    assert answer.status == 200, answer.body
    assert json.loads(answer.body)["token"]


def test_a_chunked_body_is_counted_as_it_arrives_and_cut_at_the_cap(server, transactional_demo):
    token = _token(server, "ot")
    path = f"/api/v1/recommendations/{transactional_demo.maya_recs[0].id}/comments/"
    body = json.dumps({"body": "x" * (SMALL_CAP + 1000)}).encode()
    answer = exchange(server, "POST", path, headers=[f"Authorization: Token {token}", "Content-Type: application/json"],
                      body=body, chunked=True, hold_open=True)
    assert answer.status == 413, answer.body
    assert answer.error()["code"] == "too_large"
    small = json.dumps({"body": "Small enough."}).encode()
    answer = exchange(server, "POST", path, headers=[f"Authorization: Token {token}", "Content-Type: application/json"],
                      body=small)
    assert answer.status == 201, answer.body


def test_a_body_that_stops_arriving_is_answered_408_after_the_read_timeout(server, transactional_demo):
    answer = exchange(server, "POST", "/api/v1/auth/token/", headers=["Content-Type: application/json"],
                      body=b'{"email": ', announce=1000, hold_open=True)
    assert answer.status == 408, answer.body
    assert answer.error()["code"] == "request_timeout"
    assert READ_TIMEOUT - 0.5 <= answer.seconds < ANSWER_BOUND


@pytest.mark.parametrize("persona", ["parent.maya", "casemanager", "admin", "parent.leo", "teacher.leo", None])
def test_an_upload_by_someone_not_allowed_to_upload_is_refused_before_the_body_is_read(server, attested, persona):
    headers = [_multipart(b"")[1]]
    if persona:
        headers.append(f"Authorization: Token {_token(server, persona)}")
    answer = exchange(server, "POST", f"/api/v1/evaluation-requests/{attested.id}/report/", headers=headers,
                      announce=5 * MiB)
    assert answer.status == 413, answer.body
    assert answer.error()["code"] == "too_large"
    # The same upload, small enough to reach the view, gets the view's own answer: nobody learns
    # more from the limit than from the view.
    body, content_type = _multipart(pdf_of_size(50_000))
    answer = exchange(server, "POST", f"/api/v1/evaluation-requests/{attested.id}/report/",
                      headers=[content_type, *headers[1:]], body=body)
    expected = {None: 401, "parent.leo": 404, "teacher.leo": 404}.get(persona, 403)
    assert answer.status == expected, answer.body
    assert not ReportFile.objects.exists()


def test_the_engaged_evaluator_streams_a_report_larger_than_the_small_cap(server, attested):
    data = pdf_of_size(3 * MiB)
    body, content_type = _multipart(data)
    token = _token(server, "evaluator")
    answer = exchange(server, "POST", f"/api/v1/evaluation-requests/{attested.id}/report/",
                      headers=[content_type, f"Authorization: Token {token}"], body=body)
    assert answer.status == 201, answer.body
    assert json.loads(answer.body)["size"] == len(data)
    # Past the upload limit itself, even the evaluator is refused before the body is read.
    answer = exchange(server, "POST", f"/api/v1/evaluation-requests/{attested.id}/report/",
                      headers=[content_type, f"Authorization: Token {token}"], announce=26 * MiB)
    assert answer.status == 413


def test_the_evaluators_page_upload_with_a_session_takes_the_large_limit_too(server, attested):
    browser = Client()
    browser.force_login(attested.demo.evaluator)
    session = browser.cookies["sessionid"].value
    csrf = "c" * 32
    boundary = "----pageboundary"
    data = pdf_of_size(2 * MiB)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{csrf}\r\n".encode()
            + _multipart(data, boundary)[0])
    headers = [f"Content-Type: multipart/form-data; boundary={boundary}", f"Cookie: sessionid={session}; csrftoken={csrf}"]
    answer = exchange(server, "POST", f"/evaluations/{attested.id}/upload/", headers=headers, body=body)
    assert answer.status == 302, answer.body[:500]
    assert ReportFile.objects.get().size == len(data)
    # Another person's session on the same page: the small limit, refused unread.
    other = Client()
    other.force_login(attested.demo.parent_maya)
    answer = exchange(server, "POST", f"/evaluations/{attested.id}/upload/",
                      headers=[headers[0], f"Cookie: sessionid={other.cookies['sessionid'].value}; csrftoken={csrf}"],
                      announce=2 * MiB)
    assert answer.status == 413


def test_the_refusal_speaks_the_language_the_request_asks_for(server, transactional_demo):
    answer = exchange(server, "POST", "/api/v1/auth/token/",
                      headers=["Content-Type: application/json", "Accept-Language: es"], announce=40 * MiB)
    assert answer.status == 413
    assert "demasiado grande" in answer.error()["message"]
