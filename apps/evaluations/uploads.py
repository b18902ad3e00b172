"""What an uploaded report must be before anything of it is stored: a PDF by its content (never
by its name or Content-Type), within the size limit, without active content, and clean when a
clamd virus scanner is configured. Also the upload handler that stops an oversized upload while
it is still arriving."""
import html
import re
import socket
import struct
import unicodedata

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser

from apps.core.errors import ApplicationError

from . import pdf_inspection

# Room for the multipart envelope and the small `kind` field around one file of the maximum size.
FORM_OVERHEAD_BYTES = 64 * 1024
NAME_MAX = 200

PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
EOF_WINDOW = 1024
# After the last %%EOF only line ends and padding may follow: anything else (a ZIP directory,
# HTML) makes the file a polyglot.
TRAILING_PADDING = b" \t\r\n\f\x00"


class UnsupportedFile(ApplicationError):
    status_code = 415
    code = "unsupported_file_type"


class FileTooLarge(ApplicationError):
    status_code = 413
    code = "too_large"


class ScannerUnavailable(ApplicationError):
    status_code = 503
    code = "scanner_unavailable"


def max_bytes() -> int:
    return int(settings.EVALUATION_UPLOAD_MAX_BYTES)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def upload_body_max_bytes() -> int:
    """The largest request body of a report upload: the file and its multipart envelope."""
    return max_bytes() + FORM_OVERHEAD_BYTES


def may_upload_to(user, request_id) -> bool:
    """Whether `user` may upload to this evaluation request now: asked before the body is read
    (apps.core.request_body), with the same selector and policy the upload service uses."""
    from .policy import may_work_on
    from .selectors import evaluation_request_get_for

    try:
        evaluation = evaluation_request_get_for(user, request_id)
    except ApplicationError:
        return False
    return bool(may_work_on(user, evaluation))


def too_large() -> FileTooLarge:
    return FileTooLarge(_("A file can be at most %(size)s.") % {"size": _megabytes(max_bytes())})


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file and gives up as soon as the request or the
    file passes the limit: the rest is never written anywhere, and the partial temporary file is
    deleted. Answered as 413 by the API's error handler."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > upload_body_max_bytes():
            raise RequestDataTooBig(_("A file can be at most %(size)s.") % {"size": _megabytes(max_bytes())})
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise RequestDataTooBig(_("A file can be at most %(size)s.") % {"size": _megabytes(max_bytes())})
        return super().receive_data_chunk(raw_data, start)


# Extensions that make "report.exe.pdf" a disguise rather than a name.
DISGUISING_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "msi", "dll", "js", "vbs", "jar", "ps1", "sh", "php", "html", "htm",
    "xhtml", "svg", "xml", "zip", "app", "apk", "dmg", "docm", "xlsm", "hta", "lnk",
}


def file_name_problem(name: str) -> str | None:
    """Why a file name as the client sent it is refused, or None. The name never touches storage
    (files are stored under names of our own); a hostile one is refused all the same, so that what
    a parent downloads is named as plainly as what the evaluator chose."""
    if "/" in name or "\\" in name or ".." in name:
        return _("A file name may not contain folders or “..”.")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return _("A file name may not contain control or direction characters.")
    if len(name) > NAME_MAX:
        return _("A file name can be at most %(n)s characters.") % {"n": NAME_MAX}
    parts = name.lower().split(".")
    if len(parts) < 2 or parts[-1] != "pdf":
        return _("The file name must end in .pdf.")
    if any(part.strip() in DISGUISING_EXTENSIONS for part in parts[1:-1]):
        return _("A file name may not carry a second extension such as .exe or .html.")
    return None


class StrictNameMultiPartParser(DjangoMultiPartParser):
    """Django's multipart parser quietly strips folders and control characters from file names;
    for report uploads such a name is refused before a byte of the file is written."""

    def sanitize_file_name(self, file_name):
        # Django unescapes HTML entities before stripping folders: "&#46;&#46;&#47;" is "../".
        problem = file_name_problem(file_name) or file_name_problem(html.unescape(file_name))
        if problem:
            raise ApplicationError(problem, code="bad_file_name", fields={"file": [problem]})
        return super().sanitize_file_name(file_name)


class ReportUploadParser(MultiPartParser):
    """DRF's multipart parser with the strict file-name check."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data, files = StrictNameMultiPartParser(meta, stream, request.upload_handlers, encoding).parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from exc
        return DataAndFiles(data, files)


def display_name(name: str | None) -> str:
    """The uploaded name as something to show: no folders, no control or format characters, at
    most 200 characters, ending in .pdf (the content was checked to be one)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = " ".join(name.split()).strip(" .")
    if not name.lower().endswith(".pdf"):
        name = (name or "report") + ".pdf"
    if len(name) > NAME_MAX:
        name = name[: NAME_MAX - 4].rstrip(" .") + ".pdf"
    return name


def check_pdf(data: bytes) -> None:
    """Raises with the contract's status when the bytes are not an acceptable PDF report."""
    if not data:
        raise ApplicationError(_("The file is empty."), code="empty_file", fields={"file": [_("The file is empty.")]})
    if len(data) > max_bytes():
        raise too_large()
    if not PDF_HEADER.match(data):
        raise UnsupportedFile(_("Only PDF files are accepted, and this file is not a PDF."), code="not_a_pdf")
    tail = data[-EOF_WINDOW:]
    end = tail.rfind(b"%%EOF")
    if end < 0:
        raise UnsupportedFile(_("This PDF is incomplete: it does not end with %%EOF."), code="not_a_pdf")
    if tail[end + len(b"%%EOF"):].strip(TRAILING_PADDING):
        raise UnsupportedFile(_("Something other than PDF follows the end of this file."), code="not_a_pdf")
    try:
        active = pdf_inspection.active_content(data)
    except pdf_inspection.Refusal as refusal:
        raise UnsupportedFile(refusal.message, code=refusal.code) from refusal
    if active:
        raise UnsupportedFile(
            _("PDFs with scripts, launch actions, attached files or links to files are not accepted "
              "(found %(what)s). Save the report again as a plain PDF.") % {"what": ", ".join(active)},
            code="pdf_active_content",
        )


# Virus scan ---------------------------------------------------------------------------------

def _clamd_connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _sep, port = address[len("tcp://"):].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    return sock


def clamd_scan(data: bytes) -> str | None:
    """Scans with clamd's INSTREAM command when settings.CLAMD_SOCKET is set (a Unix socket path or
    tcp://host:port). Answers the signature name of what was found, or None when clean."""
    address = getattr(settings, "CLAMD_SOCKET", None)
    if not address:
        return None
    try:
        with _clamd_connect(address, float(getattr(settings, "CLAMD_TIMEOUT", 30))) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), 64 * 1024):
                chunk = data[start: start + 64 * 1024]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScannerUnavailable(_("The virus scanner is not answering; try again in a few minutes.")) from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].strip()[: -len("FOUND")].strip() or "unknown"
    raise ScannerUnavailable(_("The virus scanner could not check this file; try again in a few minutes."))
