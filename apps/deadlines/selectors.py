"""Every read of deadlines that depends on who asks."""
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.selectors import admin_districts_of
from apps.core.errors import NotFound
from apps.students.models import Membership, active_membership_q
from apps.students.selectors import may_see_student, student_and_standing_for

from .models import Deadline
from .policy import may_see_deadline, may_see_student_deadlines

OPEN = Deadline.Status.OPEN


def _with_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("student", "iep").prefetch_related("participants")


def deadlines_of(user) -> QuerySet[Deadline]:
    """What the person owns or watches (API.md GET /deadlines/), soonest first."""
    if not user.is_authenticated:
        return Deadline.objects.none()
    return _with_relations(Deadline.objects.filter(participants__user_id=user.id).filter(_on_the_case(user))
                           .order_by("due_at", "id").distinct())


def _on_the_case(user) -> Q:
    """Of the children the person still may see (policy.is_participant): on the team now, or the
    district's administrator. Someone taken off a team stays named on its deadlines."""
    teams = Membership.objects.filter(active_membership_q(), user_id=user.id).values("student_id")
    return Q(student_id__in=teams) | Q(student__district_id__in=admin_districts_of(user))


def filter_status(qs: QuerySet, status: str | None) -> QuerySet:
    now = timezone.now()
    if status == "overdue":
        return qs.filter(status=OPEN, due_at__lt=now)
    if status == "open":
        return qs.filter(status=OPEN, due_at__gte=now)
    if status:
        return qs.filter(status=status)
    return qs


def student_deadlines_for(user, student_id, *, student=None, standing=None) -> QuerySet[Deadline]:
    """A child's deadlines as this person may see them: the team (not an evaluator, who sees only
    their own) and the district's administrators see them all. `student` and `standing`: the child
    and the person's standing on them, when the page already worked them out (read here otherwise)."""
    if student is None or standing is None or student.id != student_id:
        student, standing = student_and_standing_for(user, student_id)
    elif not may_see_student(standing, student):
        raise NotFound()
    qs = Deadline.objects.filter(student=student)
    if not may_see_student_deadlines(standing, student):
        qs = qs.filter(participants__user_id=user.id)
    return _with_relations(qs.order_by("due_at", "id"))


def deadline_get_for(user, deadline_id) -> Deadline:
    deadline = _with_relations(Deadline.objects.filter(id=deadline_id)).first()
    if deadline is None or not user.is_authenticated or not may_see_deadline(user, deadline):
        raise NotFound()
    return deadline


def attention_for(user, *, week_days: int = 7) -> dict[str, list[Deadline]]:
    """The home page's "What needs my attention": overdue first, then this week, then later."""
    now = timezone.now()
    rows = list(deadlines_of(user).filter(status=OPEN))
    soon = now + timedelta(days=week_days)
    return {
        "overdue": [d for d in rows if d.due_at < now],
        "this_week": [d for d in rows if now <= d.due_at < soon],
        "later": [d for d in rows if d.due_at >= soon],
    }


def district_open_deadlines(district_id: int, *, school_id=None, kind=None, owner_id=None) -> QuerySet[Deadline]:
    """The compliance view: every open (and overdue) deadline of the district."""
    qs = Deadline.objects.filter(student__district_id=district_id, status=OPEN)
    if school_id:
        qs = qs.filter(student__school_id=school_id)
    if kind:
        qs = qs.filter(kind=kind)
    if owner_id:
        qs = qs.filter(participants__user_id=owner_id, participants__role="owner")
    return _with_relations(qs.select_related("student__school").order_by("due_at", "id").distinct())
