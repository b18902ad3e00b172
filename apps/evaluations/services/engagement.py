"""The independent evaluator: who may be one, assignment, attestation, and the access to the
case that an attested engagement gives (a Membership with role evaluator, scoped to the
disputed recommendations)."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from apps.accounts.models import User
from apps.accounts.selectors import is_district_employee
from apps.core.errors import ApplicationError, Forbidden
from apps.core.live import end_sockets_of
from apps.discussions.services import thread_open_questions
from apps.ieps.services import evaluator_scope_set
from apps.notifications.services import notify
from apps.students.models import Membership, Role, Student
from apps.students.services import membership_grant, membership_revoke

from ..models import ENGAGED, Attestation, DisputedRecommendation, EvaluationRequest
from ..policy import may_assign, may_attest
from .common import Status, anchor_of, clean_text, end_of_day, locked, record_event, refuse_unless
from .deadlines import report_deadline_to_evaluator


def evaluator_access_sync(evaluator: User, student_id: int) -> None:
    """The evaluator's membership of the child follows their live engagements on that child: the
    union of the disputed recommendations, until the latest report due date plus a grace
    period; none left, no membership (which also closes their sockets)."""
    engagements = EvaluationRequest.objects.filter(
        evaluator=evaluator, iep__student_id=student_id, status__in=ENGAGED,
    )
    student = Student.objects.get(id=student_id)
    if not engagements.exists():
        if Membership.objects.filter(user=evaluator, student_id=student_id, role=Role.EVALUATOR).exists():
            membership_revoke(student=student, user=evaluator)
        return
    last_due = engagements.aggregate(m=Max("report_due"))["m"]
    expires_at = end_of_day(last_due + timedelta(days=settings.EVALUATION_ACCESS_GRACE_DAYS))
    membership = membership_grant(student=student, user=evaluator, role=Role.EVALUATOR, expires_at=expires_at)
    recommendation_ids = list(
        DisputedRecommendation.objects.filter(request__in=engagements).values_list("recommendation_id", flat=True)
    )
    evaluator_scope_set(membership=membership, recommendation_ids=sorted(set(recommendation_ids)))
    # Open sockets re-read what the evaluator may see.
    transaction.on_commit(lambda: end_sockets_of(evaluator.id, reason="scope_changed", student_id=student_id))


def independence_problem(evaluator: User | None, request: EvaluationRequest) -> str | None:
    """Why this person cannot be the independent evaluator of this request, if they cannot."""
    if evaluator is None or not evaluator.is_active:
        return _("No such person.")
    student = request.iep.student
    if is_district_employee(evaluator, student.district_id):
        return _("%(who)s works for the district; an independent evaluator may not.") % {"who": evaluator.full_name}
    if Membership.objects.filter(user=evaluator, student=student).exclude(role=Role.EVALUATOR).exists():
        return _("%(who)s is on this child's team; an independent evaluator may not be.") % {"who": evaluator.full_name}
    if evaluator.evaluator_organization_id is None:
        return _("%(who)s is not registered with an independent evaluator organisation.") % {
            "who": evaluator.full_name}
    return None


def eligible_evaluators(request: EvaluationRequest):
    """Evaluators an administrator may assign: of an organisation, not employed by the district,
    not on the child's team."""
    student = request.iep.student
    return (User.objects.filter(is_active=True, evaluator_organization__isnull=False)
            .exclude(district_memberships__district_id=student.district_id)
            .exclude(memberships__student=student, memberships__role__in=(Role.PARENT, Role.CASE_MANAGER,
                                                                          Role.CLINICIAN))
            .select_related("evaluator_organization").order_by("full_name", "id"))


@transaction.atomic
def evaluation_request_assign(*, actor, request: EvaluationRequest, evaluator_id: int) -> EvaluationRequest:
    if not may_assign(actor, request):
        raise Forbidden(_("Only a district administrator assigns the evaluator."))
    request = locked(request)
    refuse_unless(request.status in (Status.APPROVED, Status.EVALUATOR_ASSIGNED), request,
                  _("assigning an evaluator"))
    if request.status == Status.EVALUATOR_ASSIGNED and request.evaluator_id == evaluator_id:
        return request  # assigned already (a repeated or simultaneous request): nothing changes
    evaluator = User.objects.filter(id=evaluator_id).first()
    problem = independence_problem(evaluator, request)
    if problem:
        raise ApplicationError(problem, code="evaluator_not_independent", fields={"evaluator": [problem]})
    request.evaluator = evaluator
    request.assigned_by = actor
    request.assigned_at = timezone.now()
    request.status = Status.EVALUATOR_ASSIGNED
    request.save(update_fields=["evaluator", "assigned_by", "assigned_at", "status"])
    record_event(request, "evaluation.assigned", actor, {
        "evaluator": {"id": evaluator.id, "full_name": evaluator.full_name,
                      "organization": evaluator.evaluator_organization.name},
    })
    # Nothing of the case in it: the evaluator has not attested yet.
    notify([evaluator], "evaluation.assigned", gettext_lazy("An independent evaluation engagement awaits you"),
           gettext_lazy("A district asked you to carry out an independent educational evaluation. Confirm your "
                 "independence to see the case."), url=f"/evaluations/{request.id}/work/")
    return request


@transaction.atomic
def evaluation_request_attest(*, actor, request: EvaluationRequest, independent_of_district: bool,
                              independent_of_family: bool, statement: str) -> EvaluationRequest:
    if not may_attest(actor, request):
        raise Forbidden(_("Only the assigned evaluator attests their independence."))
    request = locked(request)
    refuse_unless(request.status == Status.EVALUATOR_ASSIGNED, request, _("attesting"))
    statement = clean_text(statement)
    problems = {}
    if independent_of_district is not True:
        problems["independent_of_district"] = [_("An evaluator employed by the district is not independent.")]
    if independent_of_family is not True:
        problems["independent_of_family"] = [_("An evaluator related to the family is not independent.")]
    if not statement:
        problems["statement"] = [_("State your independence in your own words.")]
    if problems:
        raise ApplicationError(_("The attestation is not complete."), code="attestation_incomplete",
                               fields=problems)
    problem = independence_problem(actor, request)
    if problem:
        raise ApplicationError(problem, code="evaluator_not_independent")
    Attestation.objects.create(request=request, evaluator=actor, independent_of_district=True,
                               independent_of_family=True, statement=statement)
    request.status = Status.ATTESTED
    request.attested_at = timezone.now()
    request.questions_thread = thread_open_questions(
        iep=request.iep, title=_("Questions from the independent evaluator (request %(id)s)") % {"id": request.id},
        about_recommendation_id=anchor_of(request))
    request.save(update_fields=["status", "attested_at", "questions_thread"])
    evaluator_access_sync(request.evaluator, request.iep.student_id)
    report_deadline_to_evaluator(request)
    record_event(request, "evaluation.attested", actor, {
        "attested_at": request.attested_at.isoformat(), "questions_thread": request.questions_thread_id,
    })
    return request
