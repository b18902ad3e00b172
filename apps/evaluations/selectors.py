"""Reads of evaluation requests, always through who asks.

The team (parents, case managers, clinicians) and the district's administrators see the
requests of their children. The assigned evaluator sees a stub of their own request until they
attest, then the request while their evaluator membership lasts; never anyone else's."""
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.selectors import admin_districts_of
from apps.core.errors import NotFound
from apps.students.models import Membership, Role, active_membership_q

from .models import ENGAGED, Acknowledgement, DisputedRecommendation, EvaluationRequest, FindingsVersion, ReportFile
from .policy import ACKNOWLEDGING_ROLES


def _with_everything(queryset) -> QuerySet[EvaluationRequest]:
    """What the representation reads, in a fixed number of queries whatever the number of rows."""
    return queryset.select_related(
        "iep__student__district", "requested_by", "decided_by", "evaluator__evaluator_organization",
    ).prefetch_related(
        Prefetch("disputed", queryset=DisputedRecommendation.objects.select_related("recommendation")),
        Prefetch("acknowledgements", queryset=Acknowledgement.objects.select_related("user")),
        Prefetch("findings_versions", queryset=FindingsVersion.objects.prefetch_related("findings")),
        Prefetch("files", queryset=ReportFile.objects.all()),
        Prefetch(
            "iep__student__memberships",
            queryset=Membership.objects.filter(active_membership_q(), role__in=ACKNOWLEDGING_ROLES)
            .select_related("user").order_by("role", "user__full_name", "id"),
            to_attr="acknowledging_team",
        ),
    )


def evaluation_requests_visible_to(user) -> QuerySet[EvaluationRequest]:
    if not user.is_authenticated:
        return EvaluationRequest.objects.none()
    on_team = Membership.objects.filter(active_membership_q(), user=user, role__in=ACKNOWLEDGING_ROLES)
    evaluating = Membership.objects.filter(active_membership_q(), user=user, role=Role.EVALUATOR)
    visible = (
        Q(iep__student__in=on_team.values("student_id"))
        | Q(iep__student__district_id__in=admin_districts_of(user))
        | Q(evaluator=user, status=EvaluationRequest.Status.EVALUATOR_ASSIGNED)
        | Q(evaluator=user, status__in=ENGAGED, iep__student__in=evaluating.values("student_id"))
    )
    return _with_everything(EvaluationRequest.objects.filter(visible))


def evaluation_request_get_for(user, request_id) -> EvaluationRequest:
    found = evaluation_requests_visible_to(user).filter(id=request_id).first()
    if found is None:
        raise NotFound()
    return found


def evaluation_queue_for(user) -> QuerySet[EvaluationRequest]:
    """A district administrator's queue: the open requests of the children of their districts."""
    open_statuses = {EvaluationRequest.Status.REQUESTED, EvaluationRequest.Status.APPROVED,
                     EvaluationRequest.Status.EVALUATOR_ASSIGNED, *ENGAGED} - {EvaluationRequest.Status.CONSIDERED}
    return evaluation_requests_visible_to(user).filter(
        iep__student__district_id__in=admin_districts_of(user), status__in=open_statuses)


def evaluation_request_reload(request_id) -> EvaluationRequest:
    """The request with everything its representation needs, for services' answers and events."""
    return _with_everything(EvaluationRequest.objects.filter(id=request_id)).get()


# Views of one request -----------------------------------------------------------------------

def sees_stub_only(user, request: EvaluationRequest) -> bool:
    """The assigned evaluator before attesting: their engagement, nothing of the case."""
    return request.evaluator_id == user.id and request.status == EvaluationRequest.Status.EVALUATOR_ASSIGNED


def is_evaluator_view(user, request: EvaluationRequest) -> bool:
    return user is not None and request.evaluator_id == getattr(user, "id", None)


def sealed_version(request: EvaluationRequest) -> FindingsVersion | None:
    sealed = [v for v in request.findings_versions.all() if v.submitted_at is not None]
    return max(sealed, key=lambda v: v.version) if sealed else None


def latest_version(request: EvaluationRequest) -> FindingsVersion | None:
    versions = list(request.findings_versions.all())
    return max(versions, key=lambda v: v.version) if versions else None


def findings_versions_for(user, request: EvaluationRequest) -> list[FindingsVersion]:
    """Every version the person may read: the evaluator all, everyone else the submitted ones."""
    versions = sorted(request.findings_versions.all(), key=lambda v: v.version)
    if is_evaluator_view(user, request):
        return versions
    return [v for v in versions if v.submitted_at is not None]


def findings_version_for(user, request: EvaluationRequest) -> FindingsVersion | None:
    """The evaluator sees their draft; everyone else only what was submitted."""
    if is_evaluator_view(user, request):
        return latest_version(request)
    return sealed_version(request)


def files_for(user, request: EvaluationRequest) -> list[ReportFile]:
    files = list(request.files.all())
    if is_evaluator_view(user, request):
        return files
    return [f for f in files if f.sealed_at is not None]


def file_get_for(user, request: EvaluationRequest, file_id) -> ReportFile:
    for f in files_for(user, request):
        if f.id == file_id:
            return f
    raise NotFound()


def main_report_for(user, request: EvaluationRequest) -> ReportFile:
    reports = [f for f in files_for(user, request) if f.kind == ReportFile.Kind.REPORT]
    if not reports:
        raise NotFound()
    return reports[-1]


@dataclass
class AcknowledgementState:
    acknowledged: list[Acknowledgement]
    pending: list[Membership]


def acknowledgement_state(request: EvaluationRequest) -> AcknowledgementState:
    """Who on the team has considered the submitted findings (their latest version), and who not yet."""
    version = sealed_version(request)
    if version is None:
        return AcknowledgementState([], [])
    acks = [a for a in request.acknowledgements.all() if a.findings_version_id == version.id]
    done = {a.user_id for a in acks}
    team = getattr(request.iep.student, "acknowledging_team", None)
    if team is None:
        team = list(
            Membership.objects.filter(active_membership_q(), student_id=request.iep.student_id,
                                      role__in=ACKNOWLEDGING_ROLES).select_related("user")
        )
    return AcknowledgementState(acks, [m for m in team if m.user_id not in done])


def evaluations_for_iep(user, iep) -> list[EvaluationRequest]:
    """The IEP page's list: each request visible to the person, with `.acknowledgement_state`
    (who has and has not considered the findings) for the submitted ones."""
    requests = list(evaluation_requests_visible_to(user).filter(iep=iep))
    for request in requests:
        request.acknowledgement_state = acknowledgement_state(request)
    return requests


def role_on_team(request: EvaluationRequest, user_id) -> str:
    for membership in getattr(request.iep.student, "acknowledging_team", []):
        if membership.user_id == user_id:
            return membership.role
    return ""


def unconsidered_evaluations(iep) -> list[tuple[EvaluationRequest, AcknowledgementState]]:
    """Submitted evaluations of this IEP some team member has not yet acknowledged."""
    out = []
    submitted = _with_everything(EvaluationRequest.objects.filter(iep=iep, status=EvaluationRequest.Status.SUBMITTED))
    for request in submitted:
        state = acknowledgement_state(request)
        if state.pending:
            out.append((request, state))
    return out
