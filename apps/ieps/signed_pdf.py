"""The signed IEP as a PDF: each recommendation as signed, its consent state, and a signature page
(who, in what role, when, electronically or on paper, on which content hash)."""
from django.utils import timezone, translation

from apps.core.pdf import pdf_from_template
from apps.students.models import Role

ROLE_LABELS = dict(Role.choices)

from .content_hash import content_hash
from .models import Recommendation, Signature


def signed_iep_pdf(iep) -> bytes:
    recommendations = list(Recommendation.objects.filter(iep=iep).select_related("author").order_by("id"))
    signatures = list(Signature.objects.filter(iep=iep).select_related("signer", "recorded_by")
                      .prefetch_related("decisions").order_by("signed_at", "id"))
    current = content_hash(iep, recommendations)
    by_rec: dict[int, list] = {}
    for signature in signatures:
        signature.current = signature.content_hash == current
        signature.role_label = ROLE_LABELS.get(signature.role, signature.role)
        if signature.current:
            for decision in signature.decisions.all():
                by_rec.setdefault(decision.recommendation_id, []).append((signature, decision))
    for rec in recommendations:
        rec.answers = by_rec.get(rec.id, [])
    return pdf_from_template("pdf/signed_iep.html", {
        "iep": iep,
        "student": iep.student,
        "recommendations": recommendations,
        "signatures": signatures,
        "content_hash": current,
        "parent_role": Role.PARENT,
        "generated_at": timezone.now(),
        "language_code": translation.get_language(),
    })
