"""Report uploads: judged by content (never by name or Content-Type), size-limited while arriving,
stored under a name of our own in a private folder, and downloadable only through the API."""
import hashlib
import io
import json
import re
import resource
import socket
import socketserver
import struct
import threading
import uuid
import zipfile

import pytest
from rest_framework.test import APIClient

from apps.evaluations.models import ReportFile
from tests.core.contract import assert_error

from . import hostile_pdfs
from .helpers import object_stream, pdf, pdf_of_size, read_bytes
from .helpers import upload as upload_file

STORED_NAME = re.compile(r"^evaluations/[0-9a-f]{32}\.pdf$")
SMALL_LIMIT = 100_000

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
      b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me/').then(r=>r.text()).then(alert)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
       b"<text>%PDF-1.7</text></svg>")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", HTML)
    return buffer.getvalue()


JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hi'\\)) >>"

HOSTILE = {
    # case: (bytes, file name, status, error code)
    "an executable renamed .pdf": (EXE, "report.pdf", 415, "not_a_pdf"),
    "an ELF binary renamed .pdf": (ELF, "report.pdf", 415, "not_a_pdf"),
    "HTML renamed .pdf": (HTML, "report.pdf", 415, "not_a_pdf"),
    "SVG renamed .pdf (with %PDF- inside)": (SVG, "report.pdf", 415, "not_a_pdf"),
    "an empty file": (b"", "report.pdf", 400, "empty_file"),
    "a double extension, executable inside": (EXE, "report.pdf.exe", 400, "bad_file_name"),
    "a double extension ending in .pdf, executable inside": (EXE, "report.exe.pdf", 400, "bad_file_name"),
    "a double extension on a real PDF": (pdf(), "report.html.pdf", 400, "bad_file_name"),
    "a path-traversal name on an executable": (EXE, "../../../../tmp/evil.pdf", 415, "not_a_pdf"),
    "a very long name on a real PDF": (pdf(), "a" * 201 + ".pdf", 400, "bad_file_name"),
    "a control-character name on SVG": (SVG, "re\x1bport\x07\u202efdp.exe.pdf", 400, "bad_file_name"),
    "a direction-override name on a real PDF": (pdf(), "invoice\u202efdp.exe", 400, "bad_file_name"),
    "a polyglot: JPEG first, a whole PDF after": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + pdf(), "r.pdf", 415,
                                                   "not_a_pdf"),
    "a polyglot: HTML first, a whole PDF after": (b"<html><!-- " + pdf() + b" --></html>", "r.pdf", 415,
                                                   "not_a_pdf"),
    "a polyglot: PDF with a ZIP appended": (pdf() + _zip(), "r.pdf", 415, "not_a_pdf"),
    "a polyglot: PDF with HTML appended": (pdf() + HTML, "r.pdf", 415, "not_a_pdf"),
    "a truncated PDF": (pdf()[:-40], "r.pdf", 415, "not_a_pdf"),
    "a PDF with JavaScript": (pdf(extra_objects=[JS_ACTION]), "r.pdf", 415, "pdf_active_content"),
    "a PDF with hex-escaped JavaScript": (pdf(extra_objects=[b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"]),
                                          "r.pdf", 415, "pdf_active_content"),
    "a PDF with a launch action": (pdf(extra_objects=[b"<< /S /Launch /F (cmd.exe) >>"]), "r.pdf", 415,
                                   "pdf_active_content"),
    "a PDF with an embedded file": (pdf(extra_objects=[b"<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream"]),
                                    "r.pdf", 415, "pdf_active_content"),
    "a PDF hiding JavaScript in a compressed object stream": (
        pdf(extra_objects=[object_stream(b"7 0 " + JS_ACTION)]), "r.pdf", 415, "pdf_active_content"),
    "an oversized file": (pdf_of_size(SMALL_LIMIT + 1), "big.pdf", 413, "too_large"),
    "a hugely oversized request": (pdf_of_size(SMALL_LIMIT * 3), "big.pdf", 413, "too_large"),
}


@pytest.fixture
def attested(flow, settings):
    settings.EVALUATION_UPLOAD_MAX_BYTES = SMALL_LIMIT
    return flow.to("attested")


def _multipart(filename: bytes, data: bytes, boundary: str = "----evalboundary7MA4YWxkTrZu0gW"):
    """A multipart body written by hand, so the file name reaches the server exactly as given
    (the test client would strip folders from it first)."""
    body = (f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            + b"Content-Type: application/pdf\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


def _raw_upload(flow, filename: bytes, data: bytes, persona="evaluator"):
    body, content_type = _multipart(filename, data)
    return flow.api_as(persona).generic("POST", flow.url + "report/", body, content_type)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_upload_is_refused_and_nothing_is_stored(attested, media, case):
    data, name, status, code = HOSTILE[case]
    response = attested.upload(data, name=name)
    error = assert_error(response, status, code)
    assert error["message"]
    assert media.files() == [], "a refused upload left a file behind (storage or temporary folder)"
    assert not ReportFile.objects.exists()
    assert attested.ok(attested.call("evaluator", "get", attested.url))["status"] == "attested"


@pytest.mark.parametrize("filename", [
    b"../../../../../../tmp/MARKER.pdf",
    b"..\\..\\..\\windows\\MARKER.pdf",
    b"/etc/MARKER.pdf",
    b"..%2f..%2fMARKER.pdf",
    b"&#46;&#46;&#47;&#46;&#46;&#47;MARKER.pdf",
    b"MARKER\x00.pdf",
    b"MARKER\x1b[31m\x07.pdf",
    b"MARKER" + b"x" * 800 + b".pdf",
    b'MARKER"; filename="evil.exe.pdf',
])
def test_a_hostile_file_name_is_refused_before_anything_is_written(attested, media, filename):
    """The name as the client sent it (Django would quietly strip folders and control characters):
    refused with 400, nothing stored, no file anywhere carrying the name."""
    marker = uuid.uuid4().hex
    filename = filename.replace(b"MARKER", marker.encode())
    response = _raw_upload(attested, filename, pdf("A real report with a strange name"))
    assert_error(response, 400, "bad_file_name")
    assert media.files() == [] and not ReportFile.objects.exists()
    for folder in [media.sandbox, *list(media.sandbox.parents)[:4]]:
        assert not [p for p in folder.glob(f"*{marker}*")], folder


def test_a_name_too_long_for_a_multipart_header_is_refused_and_nothing_stored(attested, media):
    response = _raw_upload(attested, b"x" * 5000 + b".pdf", pdf())
    assert_error(response, 400)
    assert media.files() == [] and not ReportFile.objects.exists()


def test_a_plain_name_is_kept_for_display_and_never_used_for_storage(attested, media):
    response = _raw_upload(attested, "Informe de evaluación (final) v2.1.pdf".encode(), pdf())
    assert response.status_code == 201, response.content[:400]
    stored = ReportFile.objects.get()
    assert STORED_NAME.match(stored.file.name), stored.file.name
    assert response.json()["name"] == "Informe de evaluación (final) v2.1.pdf"
    assert media.files() == ["media/" + stored.file.name]


def test_a_real_pdf_is_stored_whole_and_downloaded_byte_for_byte_after_submit_only(flow, media, demo):
    flow.to("attested")
    data = pdf_of_size(3 * 1024 * 1024 + 17)  # larger than Django's in-memory upload size
    response = flow.upload(data, name="Full report.pdf")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["size"] == len(data) and body["sha256"] == hashlib.sha256(data).hexdigest()
    stored = ReportFile.objects.get()
    assert (media.root / stored.file.name).read_bytes() == data
    assert media.files() == ["media/" + stored.file.name]

    flow.save_findings()
    for persona in ["admin", "casemanager", "ot", "slp", "parent.maya", "teacher.leo", "parent.leo"]:
        assert_error(flow.call(persona, "get", flow.url + "report/"), 404)
        assert_error(flow.call(persona, "get", flow.url + f"files/{stored.id}/"), 404)
    own = flow.call("evaluator", "get", flow.url + "report/")
    assert read_bytes(own) == data

    flow.submit()
    for persona in ["admin", "casemanager", "ot", "slp", "parent.maya"]:
        download = flow.call(persona, "get", flow.url + "report/")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="Full report.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Length"] == str(len(data))
        assert "no-store" in download["Cache-Control"]
        assert read_bytes(download) == data
    for persona in ["teacher.leo", "parent.leo"]:
        assert_error(flow.call(persona, "get", flow.url + "report/"), 404)
    # Whatever the client says it accepts, the answer is the PDF.
    picky = flow.api_as("ot").get(flow.url + "report/", HTTP_ACCEPT="application/pdf")
    assert picky.status_code == 200 and read_bytes(picky) == data


def test_the_storage_folder_is_not_served_by_any_url(flow, media, client):
    flow.to("drafted")
    stored = ReportFile.objects.get()
    for path in [f"/media/{stored.file.name}", f"/{stored.file.name}", f"/static/../media/{stored.file.name}"]:
        assert client.get(path).status_code == 404


def test_the_configured_25_mb_limit_takes_25_mb_and_refuses_one_byte_more(flow, media, settings):
    assert settings.EVALUATION_UPLOAD_MAX_BYTES == 25 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.EVALUATION_UPLOAD_MAX_BYTES  # files do not count
    flow.to("attested")
    exact = pdf_of_size(25 * 1024 * 1024)
    accepted = flow.upload(exact, name="exact.pdf")
    assert accepted.status_code == 201, accepted.content[:300]
    assert accepted.json()["size"] == len(exact)
    assert_error(flow.upload(pdf_of_size(25 * 1024 * 1024 + 1), name="over.pdf", kind="appendix"), 413, "too_large")
    assert ReportFile.objects.count() == 1
    assert [f for f in media.files() if "upload-tmp" in f] == []


def test_an_upload_through_a_signed_in_session_is_limited_before_the_csrf_check_reads_it(attested, media, demo):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(demo.evaluator)
    token = "a" * 32
    client.cookies["csrftoken"] = token
    from .helpers import upload

    too_big = client.post(attested.url + "report/", {"file": upload(pdf_of_size(SMALL_LIMIT + 1))},
                          format="multipart", HTTP_X_CSRFTOKEN=token)
    assert_error(too_big, 413, "too_large")
    assert media.files() == []
    no_token = client.post(attested.url + "report/", {"file": upload(pdf())}, format="multipart")
    assert_error(no_token, 403)
    fine = client.post(attested.url + "report/", {"file": upload(pdf())}, format="multipart",
                       HTTP_X_CSRFTOKEN=token)
    assert fine.status_code == 201, fine.content


def test_the_report_is_the_latest_main_file_and_appendices_add_up(attested, media,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = attested.upload(pdf("First draft")).json()
        second = attested.upload(pdf("Second draft")).json()
        appendix = attested.upload(pdf("Scores"), kind="appendix").json()
    files = attested.ok(attested.call("evaluator", "get", attested.url + "files/"))["results"]
    assert [f["id"] for f in files] == [second["id"], appendix["id"]]
    assert len(media.files()) == 2, "the replaced draft report's bytes are gone too"
    assert first["id"] not in [f["id"] for f in files]
    assert_error(attested.upload(pdf(), kind="cover-letter"), 400)
    assert_error(attested.call("evaluator", "post", attested.url + "report/", {"kind": "report"}, fmt="multipart"),
                 400)


# Virus scan ---------------------------------------------------------------------------------

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _FakeClamd(socketserver.BaseRequestHandler):
    """Speaks clamd's INSTREAM: a command, then length-prefixed chunks ending with a zero length."""

    received: list[bytes] = []

    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            size = struct.unpack("!L", self._exactly(4))[0]
            if size == 0:
                break
            data += self._exactly(size)
        type(self).received.append(data)
        verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(verdict)

    def _exactly(self, n):
        out = b""
        while len(out) < n:
            part = self.request.recv(n - len(out))
            if not part:
                raise ConnectionError
            out += part
        return out


@pytest.fixture(params=["unix", "tcp"])
def clamd(request, tmp_path, settings):
    _FakeClamd.received = []
    if request.param == "unix":
        path = str(tmp_path / "clamd.sock")
        server = socketserver.ThreadingUnixStreamServer(path, _FakeClamd)
        settings.CLAMD_SOCKET = path
    else:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _FakeClamd)
        settings.CLAMD_SOCKET = f"tcp://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield _FakeClamd
    server.shutdown()
    server.server_close()


def test_with_clamd_configured_an_infected_pdf_is_refused_and_a_clean_one_scanned_whole(attested, media, clamd):
    infected = pdf(extra_objects=[b"<< /Length %d >>\nstream\n" % len(EICAR) + EICAR + b"\nendstream"])
    assert_error(attested.upload(infected), 415, "infected")
    assert media.files() == [] and not ReportFile.objects.exists()

    clean = pdf_of_size(SMALL_LIMIT - 10)  # several INSTREAM chunks
    assert attested.upload(clean).status_code == 201
    assert clamd.received[-1] == clean


def test_with_clamd_configured_but_not_answering_nothing_is_stored(attested, media, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    assert_error(attested.upload(pdf()), 503, "scanner_unavailable")
    settings.CLAMD_SOCKET = "tcp://127.0.0.1:9"
    probe = socket.socket()
    try:
        reachable = probe.connect_ex(("127.0.0.1", 9)) == 0
    finally:
        probe.close()
    if not reachable:
        assert_error(attested.upload(pdf()), 503, "scanner_unavailable")
    assert media.files() == [] and not ReportFile.objects.exists()


def test_without_clamd_configured_no_scan_is_attempted(attested, media, settings, monkeypatch):
    assert settings.CLAMD_SOCKET is None

    def no_socket(*args, **kwargs):
        raise AssertionError("no scanner is configured: nothing should connect")

    monkeypatch.setattr("apps.evaluations.uploads._clamd_connect", no_socket)
    assert attested.upload(pdf()).status_code == 201


class _CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


def test_an_oversized_upload_is_refused_before_its_body_is_read(attested, media, demo):
    """The limit applies while the upload arrives: a body announced larger than the limit is not
    read at all, so nothing of it reaches memory, a temporary file or storage."""
    from django.core.handlers.wsgi import LimitedStream
    from rest_framework.test import APIRequestFactory, force_authenticate

    from apps.evaluations.api import EvaluationReportApi

    body, content_type = _multipart(b"big.pdf", pdf_of_size(SMALL_LIMIT * 5))
    request = APIRequestFactory().generic("POST", attested.url + "report/", body, content_type)
    stream = _CountingStream(body)
    request._stream = LimitedStream(stream, len(body))
    force_authenticate(request, user=demo.evaluator)
    response = EvaluationReportApi.as_view()(request, request_id=attested.id)
    response.render()
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "too_large"
    assert stream.taken == 0
    assert media.files() == []


# Hostile PDFs that a scanner of the raw bytes let through ---------------------------------------

def _js_action():
    import pikepdf

    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))


PARSED_HOSTILE = {
    # case: (builder, error code)
    "a JavaScript OpenAction in an object stream encoded with /ASCIIHexDecode": (
        hostile_pdfs.js_open_action_in_hex_object_stream, "pdf_active_content"),
    "a JavaScript OpenAction in an object stream with two filters": (
        hostile_pdfs.js_open_action_in_object_stream_with_two_filters, "pdf_active_content"),
    "a JavaScript OpenAction in an object stream whose /Type /ObjStm is far from `stream`": (
        hostile_pdfs.js_open_action_with_object_stream_type_far_from_stream, "pdf_active_content"),
    "a file-attachment annotation whose stream omits /Type /EmbeddedFile": (
        hostile_pdfs.file_attachment_without_embedded_file_type, "pdf_active_content"),
    "a compression bomb (2 GiB of content in 6 KB)": (hostile_pdfs.compression_bomb, "pdf_too_complex"),
    "a compression bomb in the object stream holding the OpenAction": (
        hostile_pdfs.bomb_in_object_stream, "pdf_too_complex"),
    "an XFA form": (hostile_pdfs.with_xfa_form, "pdf_active_content"),
    "a link to file:": (lambda: hostile_pdfs.link_to(b"file:///C:/Users/Public/payload.exe"), "pdf_active_content"),
    "a link to a network share": (lambda: hostile_pdfs.link_to(b"smb://evil.example/share"), "pdf_active_content"),
    "a javascript: link": (lambda: hostile_pdfs.link_to(b" JavaScript:app.alert(1)"), "pdf_active_content"),
    "a link without a scheme": (lambda: hostile_pdfs.link_to(b"//evil.example/x"), "pdf_active_content"),
    "an action opening a remote PDF": (
        lambda: hostile_pdfs.with_action(b"<< /S /GoToR /F (//evil.example/share/x.pdf) /D [0 /Fit] >>"),
        "pdf_active_content"),
    "an action importing form data": (lambda: hostile_pdfs.with_action(b"<< /S /ImportData /F (data.fdf) >>"),
                                      "pdf_active_content"),
    "an action submitting the form": (
        lambda: hostile_pdfs.with_action(b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >>"),
        "pdf_active_content"),
    "a launch action with a hex-escaped name": (lambda: hostile_pdfs.with_action(b"<< /S /L#61unch /F (cmd.exe) >>"),
                                                "pdf_active_content"),
    "JavaScript in a document encrypted with an empty user password": (
        lambda: hostile_pdfs.encrypted(user_password="", extra_catalog={"/OpenAction": _js_action()}),
        "pdf_active_content"),
    "JavaScript in a real writer's compressed object streams": (
        lambda: hostile_pdfs.written_by_a_real_writer(**{"/OpenAction": _js_action()}), "pdf_active_content"),
    "a document that needs a password": (lambda: hostile_pdfs.encrypted(user_password="secret"), "pdf_encrypted"),
    "an LZW stream (no decoded-size cap exists for it)": (hostile_pdfs.lzw_compressed, "pdf_too_complex"),
}


@pytest.mark.parametrize("case", list(PARSED_HOSTILE))
def test_a_pdf_hiding_active_content_from_a_byte_scanner_is_refused(attested, media, case):
    builder, code = PARSED_HOSTILE[case]
    data = builder()
    assert len(data) <= SMALL_LIMIT, "the file itself must pass the size limit: the content is what is judged"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = attested.upload(data, name="report.pdf")
    error = assert_error(response, 415, code)
    assert error["message"]
    # Refused, not inflated: a bomb read whole would have taken gigabytes.
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 512, f"the check grew the process by {grown_mib:.0f} MiB"
    assert media.files() == [] and not ReportFile.objects.exists()


@pytest.mark.parametrize("builder", [
    hostile_pdfs.build,
    hostile_pdfs.written_by_a_real_writer,
    lambda: hostile_pdfs.link_to(b"https://www.ed.gov/laws-and-policy/individuals-disabilities"),
    lambda: hostile_pdfs.link_to(b"mailto:evaluator@example.org"),
    lambda: hostile_pdfs.with_action(b"<< /S /GoTo /D [3 0 R /Fit] >>"),
    lambda: hostile_pdfs.encrypted(user_password=""),  # permissions only: readable, so checkable
], ids=["xref stream", "object streams", "https link", "mailto link", "go-to action", "permissions only"])
def test_a_plain_report_in_any_modern_layout_is_accepted(attested, media, builder):
    response = attested.upload(builder(), name="report.pdf")
    assert response.status_code == 201, response.content[:400]


def test_what_a_hostile_pdf_carried_is_named_to_the_evaluator_in_their_language(attested, media, api_as):
    client = api_as("evaluator")
    response = client.post(attested.url + "report/", {"file": upload_file(hostile_pdfs.file_attachment_without_embedded_file_type())},
                           format="multipart", HTTP_ACCEPT_LANGUAGE="es")
    message = assert_error(response, 415, "pdf_active_content")["message"]
    assert "/FileAttachment" in message and "/EmbeddedFile" in message
    assert "No se aceptan" in message


def test_nobody_but_the_engaged_evaluator_may_upload_even_a_plain_report(attested, media):
    for persona, status in [("parent.maya", 403), ("casemanager", 403), ("admin", 403), ("parent.leo", 404),
                            ("teacher.leo", 404)]:
        assert_error(attested.upload(hostile_pdfs.build(), persona=persona), status)
    assert media.files() == [] and not ReportFile.objects.exists()
