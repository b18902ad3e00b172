"""Reads of IEPs and recommendations, always through the child's visibility."""
from django.db.models import QuerySet

from apps.core.errors import NotFound
from apps.students.selectors import students_visible_to

from .models import IEP, Event, Position, Recommendation, RecommendationVersion


def ieps_visible_to(user) -> QuerySet[IEP]:
    return IEP.objects.filter(student__in=students_visible_to(user).values("id")).select_related("student")


def iep_get_for(user, iep_id) -> IEP:
    iep = ieps_visible_to(user).select_related("student__district", "student__school").filter(id=iep_id).first()
    if iep is None:
        raise NotFound("Not found.")
    return iep


def ieps_of_student(student) -> QuerySet[IEP]:
    return IEP.objects.filter(student=student).select_related("student")


def recommendations_visible_to(user) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(iep__in=ieps_visible_to(user).values("id")).select_related(
        "author", "iep__student"
    )


def recommendation_get_for(user, recommendation_id) -> Recommendation:
    rec = recommendations_visible_to(user).filter(id=recommendation_id).first()
    if rec is None:
        raise NotFound("Not found.")
    return rec


def recommendations_of(iep) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(iep=iep).select_related("author").order_by("id")


def versions_of(recommendation) -> QuerySet[RecommendationVersion]:
    return RecommendationVersion.objects.filter(recommendation=recommendation).select_related("edited_by")


def positions_of(recommendation) -> QuerySet[Position]:
    return Position.objects.filter(recommendation=recommendation).select_related("user")


def events_after(iep, after: int = 0) -> QuerySet[Event]:
    return Event.objects.filter(iep=iep, seq__gt=after).order_by("seq")
