"""The evaluator's work: report files and findings, drafts until submit, sealed afterwards
(a correction is an amendment: a new version)."""
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from apps.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from apps.ieps.events import event_append
from apps.ieps.models import Recommendation
from apps.notifications.services import Message, notify

from .. import uploads
from ..models import DisputedRecommendation, EvaluationRequest, Finding, FindingsVersion, ReportFile
from ..policy import may_work_on
from ..representations import team_data
from ..selectors import evaluation_request_reload
from .common import (
    Status,
    anchor_of,
    clean_text,
    link_to,
    locked,
    refuse_unless,
    require_working,
    start_work,
    team_of,
)
from .deadlines import report_deadline_met

MAX_FILES = 20


@transaction.atomic
def evaluation_file_upload(*, actor, request: EvaluationRequest, upload, kind: str = ReportFile.Kind.REPORT
                           ) -> ReportFile:
    """Checks the upload by its content, then stores it under a name of our own. A new main
    report replaces the draft one; appendices add up."""
    request = locked(request)
    require_working(actor, request, _("uploading"))
    if kind not in ReportFile.Kind.values:
        raise ApplicationError(_("A file is the report or an appendix."), fields={"kind": [_("report or appendix")]})
    if upload is None:
        raise ApplicationError(_("Choose a PDF file to upload."), fields={"file": [_("Required.")]})
    if upload.size is not None and upload.size > uploads.max_bytes():
        raise uploads.too_large()
    if ReportFile.objects.filter(request=request).count() >= MAX_FILES:
        raise Conflict(_("At most %(n)s files per evaluation.") % {"n": MAX_FILES}, code="too_many_files")
    upload.seek(0)
    data = upload.read(uploads.max_bytes() + 1)
    uploads.check_pdf(data)
    found = uploads.clamd_scan(data)
    if found:
        raise uploads.UnsupportedFile(_("The virus scanner refused this file (%(what)s).") % {"what": found},
                                      code="infected")
    replaced = list(ReportFile.objects.filter(request=request, kind=ReportFile.Kind.REPORT)) \
        if kind == ReportFile.Kind.REPORT else []
    stored = ReportFile(request=request, kind=kind, display_name=uploads.display_name(upload.name), size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    stored.file.save("report.pdf", ContentFile(data), save=False)
    # The bytes are in storage now: if this transaction does not commit, they must go too.
    try:
        stored.save()
        for old in replaced:
            name, storage = old.file.name, old.file.storage
            old.delete()
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        start_work(actor, request)
    except BaseException:
        stored.file.storage.delete(stored.file.name)
        raise
    return stored


@transaction.atomic
def evaluation_file_delete(*, actor, request: EvaluationRequest, file: ReportFile) -> None:
    """A draft file goes; a sealed one never does."""
    request = locked(request)
    require_working(actor, request, _("deleting a file"))
    # Read again under the lock: a simultaneous delete of the same file may have taken it.
    file = ReportFile.objects.filter(id=file.id, request=request).first()
    if file is None:
        raise NotFound()
    if file.sealed_at is not None:
        raise Conflict(_("This file was submitted and is sealed."), code="sealed")
    name, storage = file.file.name, file.file.storage
    file.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _check_findings(request: EvaluationRequest, findings: list[dict]) -> list[Finding]:
    disputed = {d.recommendation_id: d.recommendation for d in
                DisputedRecommendation.objects.filter(request=request).select_related("recommendation")}
    seen, rows, errors = set(), [], {}
    for i, item in enumerate(findings):
        rec_id = item.get("recommendation")
        if rec_id not in disputed:
            errors[f"findings.{i}.recommendation"] = [_("Not a recommendation in dispute.")]
            continue
        if rec_id in seen:
            errors[f"findings.{i}.recommendation"] = [_("Give one finding per recommendation.")]
            continue
        seen.add(rec_id)
        rationale = clean_text(item.get("rationale"))
        if not rationale:
            errors[f"findings.{i}.rationale"] = [_("Explain the finding.")]
        minutes = item.get("minutes_per_week")
        if minutes is not None and disputed[rec_id].kind != Recommendation.Kind.SERVICE:
            errors[f"findings.{i}.minutes_per_week"] = [_("Only services have minutes per week.")]
        rows.append(Finding(recommendation_id=rec_id, opinion=item["opinion"], minutes_per_week=minutes,
                            rationale=rationale))
    if errors:
        raise ApplicationError(_("Some findings are not valid."), fields=errors)
    return rows


@transaction.atomic
def evaluation_findings_save(*, actor, request: EvaluationRequest, summary: str, findings: list[dict]
                             ) -> FindingsVersion:
    """Replaces the draft. Nobody but the evaluator sees it until submit; no event carries it."""
    request = locked(request)
    require_working(actor, request, _("changing the findings"))
    rows = _check_findings(request, findings)
    draft, _created = FindingsVersion.objects.get_or_create(
        request=request, version=1, defaults={"author": actor, "summary": ""})
    draft.summary = clean_text(summary)
    draft.save(update_fields=["summary", "updated_at"])
    Finding.objects.filter(findings_version=draft).delete()
    for row in rows:
        row.findings_version = draft
    Finding.objects.bulk_create(rows)
    start_work(actor, request)
    return draft


def _require_complete(request: EvaluationRequest, summary: str, findings: list) -> None:
    disputed = set(DisputedRecommendation.objects.filter(request=request).values_list("recommendation_id", flat=True))
    missing = sorted(disputed - {f.recommendation_id for f in findings})
    problems = {}
    if not summary.strip():
        problems["summary"] = [_("Write the summary.")]
    if missing:
        problems["findings"] = [_("Give a finding for every recommendation in dispute; missing: %s")
                                % ", ".join(map(str, missing))]
    if problems:
        raise ApplicationError(_("The findings are not complete."), code="findings_incomplete", fields=problems)


@transaction.atomic
def evaluation_request_submit(*, actor, request: EvaluationRequest) -> EvaluationRequest:
    """Seals report and findings and shows them to the whole team at the same moment."""
    request = locked(request)
    require_working(actor, request, _("submitting again"))
    draft = FindingsVersion.objects.filter(request=request, submitted_at__isnull=True).first()
    _require_complete(request, draft.summary if draft else "", list(draft.findings.all()) if draft else [])
    if not ReportFile.objects.filter(request=request, kind=ReportFile.Kind.REPORT).exists():
        raise ApplicationError(_("Upload the report (PDF) before submitting."), code="report_missing",
                               fields={"file": [_("The report is missing.")]})
    now = timezone.now()
    draft.submitted_at = now
    draft.save(update_fields=["submitted_at"])
    ReportFile.objects.filter(request=request).update(sealed_at=now)
    request.status = Status.SUBMITTED
    request.submitted_at = now
    request.save(update_fields=["status", "submitted_at"])
    report_deadline_met(request)
    seen_by_team = evaluation_request_reload(request.id)
    event_append(iep_id=request.iep_id, type="evaluation.submitted", data=team_data(seen_by_team), actor=actor,
                 recommendation_id=anchor_of(request))
    child = request.iep.student.first_name
    notify(team_of(request), "evaluation.submitted",
           Message(gettext_lazy("The independent evaluation of %(child)s is in"), child=child),
           gettext_lazy("Read the report and the findings, then record that you considered them."),
           url=link_to(request))
    return request


@transaction.atomic
def evaluation_findings_amend(*, actor, request: EvaluationRequest, summary: str, findings: list[dict],
                              note: str) -> FindingsVersion:
    """A correction after submit: a new sealed version; the sealed ones stay as they were, and the
    team considers the amendment anew."""
    request = locked(request)
    if not may_work_on(actor, request):
        raise Forbidden(_("Only the assigned independent evaluator may amend the findings."))
    refuse_unless(request.status in (Status.SUBMITTED, Status.CONSIDERED), request, _("an amendment"))
    note = clean_text(note)
    if not note:
        raise ApplicationError(_("Say what the amendment corrects."), fields={"note": [_("Required.")]})
    rows = _check_findings(request, findings)
    summary = clean_text(summary)
    _require_complete(request, summary, rows)
    last = FindingsVersion.objects.filter(request=request).aggregate(m=Max("version"))["m"] or 0
    version = FindingsVersion.objects.create(request=request, version=last + 1, summary=summary, note=note,
                                             author=actor, submitted_at=timezone.now())
    for row in rows:
        row.findings_version = version
    Finding.objects.bulk_create(rows)
    request.status = Status.SUBMITTED
    request.considered_at = None
    request.save(update_fields=["status", "considered_at"])
    event_append(iep_id=request.iep_id, type="evaluation.amended", actor=actor, recommendation_id=anchor_of(request),
                 data=team_data(evaluation_request_reload(request.id)))
    notify(team_of(request), "evaluation.amended",
           Message(gettext_lazy("The independent evaluation of %(child)s was amended"),
                   child=request.iep.student.first_name),
           gettext_lazy("Read the amended findings, then record that you considered them."), url=link_to(request))
    return version
