"""What is inside an uploaded PDF, as a reader sees it: qpdf (through pikepdf) parses the file,
resolves every object (those packed in object streams too, whatever their filters), and decodes
every stream within a size budget, so a compression bomb is refused rather than inflated. What a
report must not carry is looked for in the parsed objects, never in the raw bytes: names are
compared after qpdf has decoded their #xx escapes, and a dictionary is found wherever it sits.

The refusals, and why:
- JavaScript anywhere (an /OpenAction, /AA, a /Names /JavaScript tree, an XFA form): code that
  runs when a parent opens the report;
- actions that open programs or other files, or send data away (/Launch, /GoToR, /GoToE,
  /ImportData, /SubmitForm) and media that can run scripts (/RichMedia, /Rendition, /Screen);
- files carried inside the report (/EmbeddedFile, /EmbeddedFiles, /EF, /FileAttachment
  annotations): another file, unchecked, under a PDF's name;
- links other than http, https and mailto (file:, smb:, javascript:): they reach the computer or
  network of the person reading.
"""
import io
import re

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _
from pikepdf import settings as qpdf_settings

# One stream may decode to at most this; every stream of the file together to at most
# EVALUATION_PDF_DECODED_MAX_BYTES. A report page decodes to kilobytes; a lossless full-page
# colour scan at 300 dpi to about 25 MB.
STREAM_DECODED_MAX_BYTES = 64 * 1024 * 1024
# Far more than any report has (a 300-page report has a few thousand): a file of millions of tiny
# objects is a way to keep a worker busy, not a report.
MAX_OBJECTS = 100_000

# qpdf's limits are process-wide and checked inside its decoders, so a stream that inflates past
# them stops there: decoding of Flate and RunLength, and the PNG/TIFF predictors. LZW has no
# such limit in qpdf, which is why LZW streams are refused below.
qpdf_settings.set_qpdf_limits(
    flate_max_memory=STREAM_DECODED_MAX_BYTES,
    run_length_max_memory=STREAM_DECODED_MAX_BYTES,
    png_max_memory=STREAM_DECODED_MAX_BYTES,
    tiff_max_memory=STREAM_DECODED_MAX_BYTES,
)

# Filters qpdf decodes at its "generalized" level; anything after them (DCT, JPX, JBIG2, CCITT)
# is image data, left encoded.
GENERAL_FILTERS = {"/FlateDecode", "/Fl", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85",
                   "/RunLengthDecode", "/RL", "/Crypt"}
LZW_FILTERS = {"/LZWDecode", "/LZW"}

REFUSED_KEYS = {
    "/JS": "/JavaScript", "/JavaScript": "/JavaScript", "/XFA": "/XFA", "/EmbeddedFiles": "/EmbeddedFile",
    "/EF": "/EmbeddedFile", "/RichMediaContent": "/RichMedia",
}
REFUSED_ACTIONS = {"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm", "/Rendition",
                   "/RichMediaExecute"}
REFUSED_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
REFUSED_TYPES = {"/EmbeddedFile"}
LINK_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


class Refusal(Exception):
    """Why the file is refused: `code` is the API's error code, `message` a sentence."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def too_complex() -> Refusal:
    return Refusal("pdf_too_complex", _("This PDF is too complex to check. Save it again with a PDF printer."))


def damaged() -> Refusal:
    return Refusal("not_a_pdf", _("This PDF is damaged and cannot be checked. Save it again with a PDF printer."))


def active_content(data: bytes) -> list[str]:
    """The PDF names of what the file carries and a report must not, sorted; [] for a plain
    report. Raises Refusal when the file cannot be read whole within the budget."""
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False, inherit_page_attributes=False) as pdf:
            found = _Inspection(pdf).run()
            # qpdf warns, rather than fails, when it gives up on part of the file (an object
            # stream it could not decode becomes null): the file is then not what we checked.
            if pdf.get_warnings():
                raise too_complex() if any("limit" in w for w in pdf.get_warnings()) else damaged()
            return found
    except pikepdf.PasswordError as exc:
        raise Refusal("pdf_encrypted", _("This PDF is protected by a password and cannot be checked. "
                                         "Save it again without the password.")) from exc
    except pikepdf.PdfError as exc:
        raise (too_complex() if "limit" in str(exc) else damaged()) from exc
    except (RuntimeError, UnicodeDecodeError, ValueError) as exc:
        # qpdf's other errors, and names or keys that are not text: found by fuzzing, never a 500.
        raise damaged() from exc


def _name(obj) -> str | None:
    """A PDF name as text ("/JavaScript"), or None for anything else. Through its PDF form, so a
    name whose bytes are not UTF-8 compares unequal instead of failing."""
    if not isinstance(obj, pikepdf.Name):
        return None
    return obj.unparse().decode("latin-1")


class _Inspection:
    def __init__(self, pdf):
        self.pdf = pdf
        self.scratch = None
        self.found: set[str] = set()
        self.decoded_budget = int(getattr(settings, "EVALUATION_PDF_DECODED_MAX_BYTES", 256 * 1024 * 1024))

    def run(self) -> list[str]:
        objects = self.pdf.objects
        if len(objects) > MAX_OBJECTS:
            raise too_complex()
        for obj in objects:
            if obj is None:
                continue
            self.walk(obj)
            if isinstance(obj, pikepdf.Stream):
                self.decode(obj)
        return sorted(self.found)

    def walk(self, root) -> None:
        """Looks at `root` and every direct object inside it; indirect ones are walked from the
        object list, once each."""
        stack = [root]
        while stack:
            obj = stack.pop()
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                self.look_at(obj)
                children = obj.values()
            elif isinstance(obj, pikepdf.Array):
                children = list(obj)
            else:
                continue
            stack.extend(child for child in children
                         if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect)

    def look_at(self, dictionary) -> None:
        for key in dictionary.keys():
            if key in REFUSED_KEYS:
                self.found.add(REFUSED_KEYS[key])
        for key, refused in (("/S", REFUSED_ACTIONS), ("/Subtype", REFUSED_SUBTYPES), ("/Type", REFUSED_TYPES)):
            value = _name(dictionary.get(key))
            if value in refused:
                self.found.add(value)
        uri = dictionary.get("/URI")
        if isinstance(uri, pikepdf.String):
            scheme = SCHEME.match(bytes(uri).decode("latin-1"))
            if not scheme or scheme.group(1).lower() not in LINK_SCHEMES:
                self.found.add(_("a link to %(scheme)s") % {"scheme": scheme.group(1) + ":" if scheme else "?"})

    def decode(self, stream) -> None:
        """Decodes every filter a reader would (within the budget), so that a bomb stops here;
        object streams are read as objects too, including any the cross-reference table hides."""
        filters = stream.get("/Filter")
        names = [_name(f) for f in (filters if isinstance(filters, pikepdf.Array) else [filters] if filters else [])]
        if LZW_FILTERS.intersection(names):
            raise Refusal("pdf_too_complex", _("This PDF uses an old compression (LZW) that cannot be checked "
                                               "safely. Save it again with a PDF printer."))
        general = 0
        while general < len(names) and names[general] in GENERAL_FILTERS:
            general += 1
        if general == 0:
            self.spend(len(stream.read_raw_bytes()))
            return
        decoded = (stream if general == len(names) else self.prefix_of(stream, general)).read_bytes()
        self.spend(len(decoded))
        if _name(stream.get("/Type")) == "/ObjStm":
            self.read_packed_objects(stream, decoded)

    def prefix_of(self, stream, count: int):
        """The stream with only its first `count` (general) filters, so that image data behind
        them is reached but not itself decoded."""
        if self.scratch is None:
            self.scratch = pikepdf.new()  # not the document: its object list is being walked
        scratch = pikepdf.Stream(self.scratch, stream.read_raw_bytes())
        scratch.Filter = pikepdf.Array(list(stream.Filter)[:count])
        parms = stream.get("/DecodeParms")
        if isinstance(parms, pikepdf.Array):
            scratch.DecodeParms = pikepdf.Array(list(parms)[:count])
        return scratch

    def spend(self, size: int) -> None:
        self.decoded_budget -= size
        if self.decoded_budget < 0:
            raise too_complex()

    def read_packed_objects(self, stream, decoded: bytes) -> None:
        """Every object an object stream holds, parsed by qpdf from a small PDF of its own: an
        object the cross-reference table does not point to is invisible in the document's
        object list, yet a reader repairing the file finds it."""
        try:
            count, first = int(stream.get("/N", 0)), int(stream.get("/First", 0))
            header = decoded[:first].split()
            pairs = [(int(header[i]), int(header[i + 1])) for i in range(0, min(len(header), 2 * count) - 1, 2)]
        except (ValueError, TypeError) as exc:
            raise damaged() from exc
        if not pairs:
            return
        starts = [first + offset for _number, offset in pairs] + [len(decoded)]
        out = bytearray(b"%PDF-1.7\n")
        offsets = []
        for index, _pair in enumerate(pairs):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % (index + 1) + decoded[starts[index]: starts[index + 1]] + b"\nendobj\n"
        root = len(pairs) + 1
        offsets.append(len(out))
        out += b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (root, root + 1)
        offsets.append(len(out))
        out += b"%d 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" % (root + 1)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (root + 2)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (root + 2, root, xref)
        # References between packed objects now point elsewhere or nowhere: only what each
        # object says is looked at, and that needs no references resolved.
        with pikepdf.open(io.BytesIO(bytes(out)), inherit_page_attributes=False) as packed:
            for obj in packed.objects:
                if obj is not None and not isinstance(obj, pikepdf.Stream):
                    self.walk(obj)
