"""Pieces the evaluation tests share: PDFs made by hand, and a driver that walks a request through
its states with the demo personas."""
import random
import zlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

TEAM = ["casemanager", "ot", "slp", "parent.maya"]  # Maya's team, who acknowledge
OUTSIDERS = ["teacher.leo", "parent.leo"]  # on Leo's team only
ALL = ["admin", *TEAM, *OUTSIDERS, "evaluator"]


def days_ahead(days: int = 90) -> str:
    """A report due date the district may set: within EVALUATION_REPORT_MAX_DAYS of today."""
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# PDFs ---------------------------------------------------------------------------------------

def pdf(text: str = "Independent educational evaluation: report", *, extra_objects=(), padding: int = 0,
        seed: int = 7) -> bytes:
    """A small valid PDF, assembled by hand with a correct cross-reference table. `padding` adds a
    binary (image-like) stream of that many random bytes; `extra_objects` adds raw objects."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        blob = random.Random(seed).randbytes(padding)
        objects.append(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 "
                       b"/ColorSpace /DeviceGray /Filter /DCTDecode /Length %d >>\nstream\n" % len(blob)
                       + blob + b"\nendstream")
    objects.extend(extra_objects)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (a random image stream makes up the rest)."""
    padding = max(1, size - len(pdf(padding=1)))
    for _attempt in range(5):
        data = pdf(padding=padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise AssertionError(f"could not make a PDF of {size} bytes")


def object_stream(objects: bytes) -> bytes:
    """A compressed object stream (/Type /ObjStm) holding `objects`."""
    packed = zlib.compress(objects)
    return (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
            + packed + b"\nendstream")


def upload(data: bytes, name: str = "report.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# The flow -----------------------------------------------------------------------------------

class Flow:
    """Walks an evaluation request through its states through the API, as the personas would."""

    def __init__(self, demo, api_as):
        self.demo = demo
        self.api_as = api_as
        self.disputed = [demo.maya_recs[0], demo.maya_recs[3]]  # OT service and OT goal
        self.undisputed = [demo.maya_recs[1], demo.maya_recs[2]]
        self.id = None

    @property
    def url(self):
        return f"/api/v1/evaluation-requests/{self.id}/"

    def call(self, persona, method, path, data=None, fmt="json"):
        client = self.api_as(persona)
        if method == "get":
            return client.get(path, data)
        return getattr(client, method)(path, data, format=fmt)

    def ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.content[:800])
        return response.json() if response.get("Content-Type", "").startswith("application/json") else response

    def request(self, persona="parent.maya", recs=None, **extra):
        payload = {"recommendations": [r.id for r in (recs or self.disputed)], "areas": ["Fine motor"], **extra}
        body = self.ok(self.call(persona, "post", f"/api/v1/ieps/{self.demo.maya_iep.id}/evaluation-requests/",
                                 payload), 201)
        self.id = body["id"]
        return body

    def approve(self, **extra):
        payload = {"decision": "approve", "note": "Funded.", "cost_cap": "3500.00", "report_due": days_ahead(),
                   "purchase_reference": "PO-2026-0117", **extra}
        return self.ok(self.call("admin", "post", self.url + "decision/", payload))

    def assign(self, evaluator=None):
        evaluator = evaluator or self.demo.evaluator
        return self.ok(self.call("admin", "post", self.url + "assign/", {"evaluator": evaluator.id}))

    def attest(self, persona="evaluator"):
        return self.ok(self.call(persona, "post", self.url + "attestation/", {
            "independent_of_district": True, "independent_of_family": True,
            "statement": "I have never worked for Riverside USD and have no relation to the family.",
        }))

    def upload(self, data=None, name="report.pdf", kind=None, persona="evaluator"):
        payload = {"file": upload(pdf() if data is None else data, name)}
        if kind:
            payload["kind"] = kind
        return self.call(persona, "post", self.url + "report/", payload, fmt="multipart")

    def findings_payload(self):
        first, second = self.disputed
        return {"summary": "Maya's fine-motor needs are greater at home than school data show.", "findings": [
            {"recommendation": first.id, "opinion": "modify", "minutes_per_week": 60,
             "rationale": "Keep two sessions a week until handwriting endurance reaches 20 minutes."},
            {"recommendation": second.id, "opinion": "agree", "rationale": "A fair, measurable goal."},
        ]}

    def save_findings(self, payload=None, persona="evaluator"):
        return self.ok(self.call(persona, "put", self.url + "findings/", payload or self.findings_payload()))

    def submit(self, persona="evaluator"):
        return self.ok(self.call(persona, "post", self.url + "submit/"))

    def acknowledge(self, persona):
        return self.ok(self.call(persona, "post", self.url + "acknowledge/"))

    def to(self, stage: str):
        """Runs the steps up to and including `stage`."""
        steps = ["requested", "approved", "assigned", "attested", "drafted", "submitted", "considered"]
        for step in steps[: steps.index(stage) + 1]:
            if step == "requested":
                self.request()
            elif step == "approved":
                self.approve()
            elif step == "assigned":
                self.assign()
            elif step == "attested":
                self.attest()
            elif step == "drafted":
                self.ok(self.upload(), 201)
                self.save_findings()
            elif step == "submitted":
                self.submit()
            elif step == "considered":
                for persona in TEAM:
                    self.acknowledge(persona)
        return self


def read_bytes(response) -> bytes:
    return b"".join(response.streaming_content)

