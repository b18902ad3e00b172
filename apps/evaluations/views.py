"""Independent evaluation pages: the parent's request form, the team's view of a request (its
timeline, the decision and, once submitted, the findings beside the recommendations they answer),
the district administrators' queue, the evaluator's workspace and the IEP page's panel.

Reads go through the selectors (404 for what a person may not know exists), writes through one
service each; who may do what is asked of policy.py, never decided here. Every form posts without
JavaScript; HTMX swaps the IEP panel and the queue's rows in place, and evaluations.js uploads the
report through the API with a progress bar."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST, require_http_methods

from apps.accounts.selectors import admin_district_ids
from apps.audit.recording import record_reads
from apps.core.errors import ApplicationError, Forbidden, NotFound
from apps.discussions.policy import may_post_in
from apps.discussions.selectors import comments_of
from apps.discussions.services import comment_create
from apps.ieps.selectors import iep_and_standing_for, iep_get_for, positions_of, recommendations_of, versions_of
from apps.students.models import Role
from apps.students.selectors import team_for
from apps.students.standing import note_standing, standing_for, standing_of

from apps.core.forms import FormRefusal, apply_service_error
from apps.core.request_body import takes_large_body

from . import services, uploads
from .services.deadlines import decision_due_for
from .forms import (
    ApproveForm,
    AssignForm,
    AttestationForm,
    DenyForm,
    FindingsForm,
    QuestionForm,
    RequestForm,
    initial_findings,
)
from .models import WITHDRAWABLE, WORKING, EvaluationRequest, ReportFile
from .policy import may_acknowledge, may_assign, may_decide, may_request_for_student, may_withdraw
from .selectors import (
    acknowledgement_state,
    evaluation_queue_for,
    evaluation_request_get_for,
    evaluation_requests_visible_to,
    evaluations_for_iep,
    file_get_for,
    files_for,
    findings_version_for,
    is_evaluator_view,
    latest_version,
    role_on_team,
    sealed_version,
    sees_stub_only,
)

page = login_required
Status = EvaluationRequest.Status
ROLE_LABELS = dict(Role.choices)
TEXT_MAX = services.TEXT_MAX


# ---------- what the pages show ----------

def _timeline(e):
    """The request's steps: what happened when, and what is still to come."""
    decided = {EvaluationRequest.Decision.APPROVE: _("Approved at public expense"),
               EvaluationRequest.Decision.DENY: _("Denied: the district files for due process")}
    steps = [(_("Requested"), e.requested_at), (decided.get(e.decision, _("District decision")), e.decided_at)]
    if e.status != Status.DENIED:
        steps += [(_("Evaluator assigned"), e.assigned_at), (_("Independence attested"), e.attested_at),
                  (_("Evaluation under way"), e.started_at), (_("Findings submitted to the team"), e.submitted_at),
                  (_("Considered by the whole team"), e.considered_at)]
    ended = e.status in (Status.WITHDRAWN, Status.REVOKED, Status.CLOSED)
    rows = [{"label": label, "at": at, "done": at is not None} for label, at in steps if at or not ended]
    if ended:
        rows.append({"label": e.get_status_display(), "at": e.ended_at, "done": True})
    for row in rows:
        if not row["done"]:
            row["current"] = True
            break
    return rows


def _due(day, today):
    if day is None:
        return None
    days = (day - today).days
    return {"date": day, "days": days, "late": -days, "overdue": days < 0}


def _disciplines(student):
    """Member id → discipline, so a clinician's position reads "Occupational therapy"."""
    return {m.user_id: m.get_discipline_display() for m in team_for(student) if m.discipline}


def _side_by_side(user, e, version):
    """Each disputed recommendation as it was when disputed, the team's positions on it, and the
    evaluator's finding (when the person may see one)."""
    findings = {f.recommendation_id: f for f in version.findings.all()} if version else {}
    rows = []
    for item in e.disputed.all():
        rec = item.recommendation
        disputed_version = versions_of(rec).filter(version=item.version).first()
        rows.append({"rec": rec, "item": item, "then": disputed_version or rec, "finding": findings.get(rec.id),
                     "positions": positions_of(rec), "changed": rec.version != item.version})
    return rows


def _questions(user, e, form=None, standing=None):
    thread = e.questions_thread
    if thread is None or sees_stub_only(user, e):
        return None
    thread.iep = e.iep
    return {"comments": list(comments_of(thread)), "form": form or QuestionForm(auto_id="q-%s"),
            "may_post": may_post_in(standing or user, thread)}


def _detail_context(request, e, *, decision_forms=None, assign_form=None, question_form=None, withdraw_error=""):
    user = request.user
    # The person's standing on the child, once, for every question the page asks below.
    standing = standing_for(user, e.iep.student)
    note_standing(request, standing)
    version = findings_version_for(user, e)
    state = acknowledgement_state(e)
    context = {
        "e": e, "iep": e.iep, "student": e.iep.student, "standing": standing, "timeline": _timeline(e),
        "version": version,
        "rows": _side_by_side(user, e, version), "files": files_for(user, e), "state": state,
        "role_labels": ROLE_LABELS, "requester_role": ROLE_LABELS.get(role_on_team(e, e.requested_by_id), ""),
        "disciplines": _disciplines(e.iep.student) if version else {},
        "decision_due": _due(e.decision_due, timezone.localdate()),
        "report_due": _due(e.report_due, timezone.localdate()),
        "may_acknowledge": version is not None and may_acknowledge(standing, e)
        and user.id not in {a.user_id for a in state.acknowledged},
        "may_withdraw": may_withdraw(standing, e) and e.status in WITHDRAWABLE, "withdraw_error": withdraw_error,
        "questions": _questions(user, e, question_form, standing),
    }
    if may_decide(standing, e) and e.status == Status.REQUESTED:
        context.update(_decision_forms(e, decision_forms))
    if may_assign(standing, e) and e.status in (Status.APPROVED, Status.EVALUATOR_ASSIGNED):
        context["assign_form"] = assign_form or AssignForm(evaluators=services.eligible_evaluators(e),
                                                           auto_id=f"assign-{e.id}-%s")
    return context


def _decision_forms(e, bound=None):
    bound = bound or {}
    return {
        "approve_form": bound.get("approve") or ApproveForm(auto_id=f"approve-{e.id}-%s"),
        "deny_form": bound.get("deny") or DenyForm(auto_id=f"deny-{e.id}-%s"),
        "open_decision": next(iter(bound), ""),
    }


def _render_detail(request, e, *, status=200, **bound):
    return render(request, "evaluations/detail.html", _detail_context(request, e, **bound), status=status)


def _queue_row(e, today, bound=None):
    return {"e": e, "decision_due": _due(e.decision_due, today), "report_due": _due(e.report_due, today),
            "requester_role": ROLE_LABELS.get(role_on_team(e, e.requested_by_id), ""),
            **(_decision_forms(e, bound) if e.status == Status.REQUESTED else {})}


def _render_queue_item(request, e, *, status=200, bound=None, notice=""):
    row = _queue_row(e, timezone.localdate(), bound)
    return render(request, "evaluations/_queue_item.html", {"row": row, "notice": notice}, status=status)


def _workspace_context(request, e, *, attestation_form=None, findings_form=None, question_form=None,
                       upload_error=""):
    user = request.user
    if sees_stub_only(user, e):
        return {"e": e, "stub": True, "district": e.iep.student.district, "attestation_form": attestation_form
                or AttestationForm(district=e.iep.student.district.name, auto_id="attest-%s")}
    draft = latest_version(e)
    return {
        "e": e, "iep": e.iep, "student": e.iep.student, "working": e.status in WORKING, "version": draft,
        "files": files_for(user, e), "questions": _questions(user, e, question_form),
        "rows": _side_by_side(user, e, draft) if e.status not in WORKING else None,
        "findings_form": findings_form or FindingsForm(initial=initial_findings(draft), disputed=e.disputed.all(),
                                                       auto_id="findings-%s"),
        "report_due": _due(e.report_due, timezone.localdate()), "upload_error": upload_error,
        "max_bytes": uploads.max_bytes(), "max_megabytes": uploads.max_bytes() // (1024 * 1024),
        "file_kinds": ReportFile.Kind.choices, "role_labels": ROLE_LABELS,
        "disciplines": _disciplines(e.iep.student) if e.status not in WORKING else {},
    }


def _render_workspace(request, e, *, status=200, **bound):
    return render(request, "evaluations/workspace.html", _workspace_context(request, e, **bound), status=status)


def _panel_context(request, iep, error="", focus_ack=None, standing=None):
    user = request.user
    # The person's standing on the child, once for every request listed (not once per row).
    standing = standing_of(standing or user, iep.student)
    rows = []
    for e in evaluations_for_iep(user, iep):
        version = sealed_version(e)
        state = e.acknowledgement_state
        rows.append({
            "e": e, "version": version, "state": state, "is_evaluator": is_evaluator_view(user, e),
            "findings": {f.recommendation_id: f for f in version.findings.all()} if version else {},
            "files": [f for f in files_for(user, e) if f.sealed_at is not None],
            "decision_due": _due(e.decision_due, timezone.localdate()),
            "may_acknowledge": version is not None and may_acknowledge(standing, e)
            and user.id not in {a.user_id for a in state.acknowledged},
        })
    return {"iep": iep, "rows": rows, "role_labels": ROLE_LABELS, "error": error, "focus_ack": focus_ack,
            "may_request": may_request_for_student(standing, iep.student)}


# ---------- the family and the team ----------

@page
@require_http_methods(["GET", "POST"])
def request_new(request, iep_id):
    iep = iep_get_for(request.user, iep_id)
    if not may_request_for_student(request.user, iep.student):
        raise Forbidden(_("Only the child's parents or case manager may ask for an independent evaluation."))
    recs = list(recommendations_of(iep, request.user))
    form = RequestForm(request.POST or None, recommendations=recs, auto_id="request-%s")
    if request.method == "POST" and form.is_valid():
        with FormRefusal() as refusal:
            e = services.evaluation_request_create(
                actor=request.user, iep=iep, recommendation_ids=form.cleaned_data["recommendations"],
                areas=form.cleaned_data["areas"], reason=form.cleaned_data["reason"])
        if error := refusal.error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your request was sent. The district must answer by %(date)s.") % {
                "date": date_format(e.decision_due, "DATE_FORMAT")})
            return redirect("evaluations:detail", e.id)
    # The date the request itself will be given: the district's own period, on its calendar
    # (15 school days in Texas), not the federal default; "days from today" stays calendar days.
    decision_due = decision_due_for(iep)
    return render(request, "evaluations/request_form.html", {
        "iep": iep, "student": iep.student, "form": form, "recs": {r.id: r for r in recs},
        "decision_days": (decision_due - timezone.localdate()).days, "decision_due": decision_due,
    }, status=422 if form.errors else 200)


@page
@require_GET
def detail(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    if is_evaluator_view(request.user, e):
        return redirect("evaluations:workspace", e.id)
    return _render_detail(request, e)


@page
@require_GET
def iep_evaluations(request, iep_id):
    """The IEP's evaluations as a page of its own: the panel without JavaScript."""
    iep, standing = iep_and_standing_for(request.user, iep_id)
    note_standing(request, standing)
    return render(request, "evaluations/iep_evaluations.html",
                  {**_panel_context(request, iep, standing=standing), "student": iep.student})


@page
@require_GET
def iep_panel(request, iep_id):
    """The IEP page's evaluation panel, loaded and refreshed (live) by HTMX."""
    iep, standing = iep_and_standing_for(request.user, iep_id)
    note_standing(request, standing)
    return render(request, "evaluations/_iep_panel.html", _panel_context(request, iep, standing=standing))


@page
@require_POST
def acknowledge(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    error = ""
    with FormRefusal() as refusal:
        services.evaluation_request_acknowledge(actor=request.user, request=e)
    if problem := refusal.error:
        error = problem.message
    if request.htmx and request.POST.get("next") == "panel":
        return render(request, "evaluations/_iep_panel.html",
                      _panel_context(request, e.iep, error=error, focus_ack=None if error else e.id))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you. The team can see that you considered the findings."))
    return redirect("evaluations:detail", e.id)


@page
@require_POST
def withdraw(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    with FormRefusal() as refusal:
        services.evaluation_request_withdraw(actor=request.user, request=e,
                                             note=request.POST.get("note", "")[:TEXT_MAX])
    if error := refusal.error:
        return _render_detail(request, e, status=error.status_code, withdraw_error=error.message)
    messages.success(request, _("Your request was withdrawn."))
    return redirect("evaluations:detail", e.id)


@page
@require_POST
def question_post(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    if sees_stub_only(request.user, e) or e.questions_thread is None:
        raise NotFound()
    thread = e.questions_thread
    thread.iep = e.iep
    form = QuestionForm(request.POST, auto_id="q-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            comment_create(actor=request.user, thread=thread, body=form.cleaned_data["body"])
        if error := refusal.error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Your message was posted."))
            target = "evaluations:workspace" if is_evaluator_view(request.user, e) else "evaluations:detail"
            return redirect(reverse(target, args=[e.id]) + "#questions")
    render_page = _render_workspace if is_evaluator_view(request.user, e) else _render_detail
    return render_page(request, e, status=422, question_form=form)


# ---------- district administrators ----------

@page
@require_GET
def queue(request):
    if not admin_district_ids(request.user):
        raise NotFound()
    rows = list(evaluation_queue_for(request.user))
    record_reads(request, [e.iep.student for e in rows])
    today = timezone.localdate()
    waiting = sorted((e for e in rows if e.status == Status.REQUESTED), key=lambda e: (e.decision_due, e.id))
    approved = sorted((e for e in rows if e.status in (Status.APPROVED, Status.EVALUATOR_ASSIGNED)),
                      key=lambda e: (e.report_due, e.id))
    working = sorted((e for e in rows if e.status not in (Status.REQUESTED, Status.APPROVED,
                                                          Status.EVALUATOR_ASSIGNED)),
                     key=lambda e: (e.report_due, e.id))
    groups = [
        ("decide", _("Waiting for a decision"), [_queue_row(e, today) for e in waiting]),
        ("assign", _("Approved: assign an evaluator"), [_queue_row(e, today) for e in approved]),
        ("working", _("With the evaluator or the team"), [_queue_row(e, today) for e in working]),
    ]
    return render(request, "evaluations/queue.html", {
        "groups": groups, "overdue": sum(1 for e in waiting if e.decision_due < today), "total": len(rows)})


def _after_admin_write(request, e, message):
    """The queue's row again (HTMX), or back to the page the form was on."""
    from_queue = request.POST.get("next") == "queue"
    if request.htmx and from_queue:
        return _render_queue_item(request, evaluation_request_get_for(request.user, e.id), notice=message)
    messages.success(request, message)
    return redirect(reverse("evaluations:queue") if from_queue else reverse("evaluations:detail", args=[e.id]))


@page
@require_POST
def decide(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    decision = request.POST.get("decision")
    kind, form_class = ("approve", ApproveForm) if decision == "approve" else ("deny", DenyForm)
    form = form_class(request.POST, auto_id=f"{kind}-{e.id}-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            services.evaluation_request_decide(actor=request.user, request=e, decision=kind, **form.cleaned_data)
        if error := refusal.error:
            apply_service_error(form, error)
        else:
            done = _("Approved. Now assign an evaluator.") if kind == "approve" else _(
                "Denied. The family was told, with the due-process reference.")
            return _after_admin_write(request, e, done)
    if request.htmx and request.POST.get("next") == "queue":
        return _render_queue_item(request, e, status=422, bound={kind: form})
    return _render_detail(request, e, status=422, decision_forms={kind: form})


@page
@require_http_methods(["GET", "POST"])
def assign(request, request_id):
    """GET: the assignment form (the queue loads it when opened). POST: assigns."""
    e = evaluation_request_get_for(request.user, request_id)
    if not may_assign(request.user, e):
        raise Forbidden(_("Only a district administrator assigns the evaluator."))
    evaluators = services.eligible_evaluators(e)
    form = AssignForm(request.POST or None, evaluators=evaluators, auto_id=f"assign-{e.id}-%s")
    if request.method == "POST" and form.is_valid():
        with FormRefusal() as refusal:
            services.evaluation_request_assign(actor=request.user, request=e,
                                               evaluator_id=form.cleaned_data["evaluator"])
        if error := refusal.error:
            apply_service_error(form, error)
        else:
            return _after_admin_write(request, e, _("The evaluator was asked to confirm their independence."))
    status = 422 if form.errors else 200
    if request.htmx:
        return render(request, "evaluations/_assign_form.html", {"e": e, "assign_form": form, "next": "queue"},
                      status=status)
    return _render_detail(request, e, status=status, assign_form=form)


# ---------- the independent evaluator ----------

@page
@require_GET
def mine(request):
    rows = [{"e": e, "stub": sees_stub_only(request.user, e), "report_due": _due(e.report_due, timezone.localdate())}
            for e in evaluation_requests_visible_to(request.user).filter(evaluator=request.user)]
    # A stub (not yet attested) names the child's district only, and its evaluator has no role to record.
    record_reads(request, [row["e"].iep.student for row in rows])
    return render(request, "evaluations/mine.html", {"rows": rows})


@page
@require_GET
def workspace(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    if not is_evaluator_view(request.user, e):
        return redirect("evaluations:detail", e.id)
    return _render_workspace(request, e)


@page
@require_GET
def workspace_files(request, request_id):
    """The workspace's file list, refreshed after an upload."""
    e = evaluation_request_get_for(request.user, request_id)
    if not is_evaluator_view(request.user, e) or sees_stub_only(request.user, e):
        raise NotFound()
    return render(request, "evaluations/_files.html", {"e": e, "files": files_for(request.user, e),
                                                       "working": e.status in WORKING})


@page
@require_POST
def attest(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    form = AttestationForm(request.POST, district=e.iep.student.district.name, auto_id="attest-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            services.evaluation_request_attest(actor=request.user, request=e, **form.cleaned_data)
        if error := refusal.error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Thank you. The case is open to you now."))
            return redirect("evaluations:workspace", e.id)
    return _render_workspace(request, e, status=422, attestation_form=form)


@takes_large_body(max_bytes=uploads.upload_body_max_bytes, may=uploads.may_upload_to)
@csrf_exempt
@page
@require_POST
def upload(request, request_id):
    """The report upload without JavaScript (evaluations.js posts to the API instead). The file
    streams to a temporary file and stops at the size limit, so the handler is set before anything
    reads the body, and the CSRF check runs after."""
    request.upload_handlers = [uploads.LimitedUploadHandler(request)]
    try:
        if request.content_type == "multipart/form-data":
            # The API's strict parser: a hostile file name is refused, not quietly cleaned.
            request._post, request._files = uploads.StrictNameMultiPartParser(
                request.META, request, request.upload_handlers, request.encoding or settings.DEFAULT_CHARSET).parse()
        else:
            request.POST  # noqa: B018 - parses the body under the handler above
    except RequestDataTooBig:
        e = evaluation_request_get_for(request.user, request_id)
        return _render_workspace(request, e, status=413, upload_error=uploads.too_large().message)
    except (ApplicationError, MultiPartParserError) as error:
        e = evaluation_request_get_for(request.user, request_id)
        return _render_workspace(request, e, status=400, upload_error=getattr(error, "message", str(error)))
    return _upload(request, request_id)


@csrf_protect
def _upload(request, request_id):
    e = evaluation_request_get_for(request.user, request_id)
    with FormRefusal() as refusal:
        services.evaluation_file_upload(actor=request.user, request=e, upload=request.FILES.get("file"),
                                        kind=request.POST.get("kind") or ReportFile.Kind.REPORT)
    if error := refusal.error:
        return _render_workspace(request, e, status=error.status_code, upload_error=error.message)
    messages.success(request, _("The file was uploaded. Only you can see it until you submit."))
    return redirect(reverse("evaluations:workspace", args=[e.id]) + "#files")


@page
@require_POST
def file_delete(request, request_id, file_id):
    e = evaluation_request_get_for(request.user, request_id)
    if sees_stub_only(request.user, e):
        raise NotFound()
    with FormRefusal() as refusal:
        services.evaluation_file_delete(actor=request.user, request=e, file=file_get_for(request.user, e, file_id))
    if error := refusal.error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file was removed."))
    return redirect(reverse("evaluations:workspace", args=[e.id]) + "#files")


@page
@require_POST
def findings_save(request, request_id):
    """Saves the draft; with action=submit, then submits (what was typed is never lost)."""
    e = evaluation_request_get_for(request.user, request_id)
    if sees_stub_only(request.user, e) or not is_evaluator_view(request.user, e):
        raise Forbidden(_("Only the assigned independent evaluator may do this."))
    form = FindingsForm(request.POST, disputed=e.disputed.all(), auto_id="findings-%s")
    submitting = request.POST.get("action") == "submit"
    if not form.is_valid():
        return _render_workspace(request, e, status=422, findings_form=form)
    saved = False
    with FormRefusal() as refusal:
        services.evaluation_findings_save(actor=request.user, request=e, summary=form.cleaned_data["summary"],
                                          findings=form.findings())
        saved = True
        if submitting:
            services.evaluation_request_submit(actor=request.user, request=e)
    if error := refusal.error:
        form.add_service_error(error)
        if saved:
            form.add_error(None, _("Your draft was saved, but it was not submitted."))
            e = evaluation_request_get_for(request.user, e.id)
        return _render_workspace(request, e, status=error.status_code, findings_form=form)
    if submitting:
        messages.success(request, _("Submitted. The whole team can now read your report and findings."))
        return redirect("evaluations:workspace", e.id)
    messages.success(request, _("Draft saved. Only you can see it until you submit."))
    return redirect(reverse("evaluations:workspace", args=[e.id]) + "#findings")
