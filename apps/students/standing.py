"""A person's standing on one child, worked out once and handed down.

A request that does several things with one child (see the recommendation, post in its thread,
record the author's role) asks the same questions each time: is this person on the team, as
what, an administrator of the child's district, an evaluator and with which recommendations in
scope. `standing_for` answers all of them at once, from the database as it is now, into a small
immutable value the view passes to the selectors, services and policy it calls. Nothing is kept
on the user object, so nothing has to be cleared by hand when a membership changes.

The evaluator's scope lives in `ieps` (above this app): `ieps` registers how to read it
(`register_scope_reader` in its AppConfig.ready()), as higher apps do elsewhere.
"""
from collections.abc import Callable
from dataclasses import dataclass

from apps.accounts.models import DistrictMembership
from apps.accounts.selectors import admin_district_ids

from .models import Membership, Role, active_membership_q

_scope_reader: list[Callable[[int], frozenset[int]]] = []


def register_scope_reader(read: Callable[[int], frozenset[int]]) -> None:
    """`read(membership_id)` -> the recommendation ids an evaluator's membership may see."""
    _scope_reader[:] = [read]


@dataclass(frozen=True)
class Standing:
    student_id: int
    user_id: int | None
    team_role: str | None         # the active membership's role, None when not on the team
    membership_id: int | None
    district_admin: bool          # an administrator of the child's district
    scope: frozenset[int] | None  # an evaluator's recommendations in dispute; None for everyone else

    @property
    def role(self) -> str | None:
        """What the person is to this child: their team role, else district admin, else nothing
        (the same answer as selectors.role_for)."""
        if self.team_role:
            return self.team_role
        return Role.DISTRICT_ADMIN if self.district_admin else None

    @property
    def sees_child(self) -> bool:
        return self.role is not None

    @property
    def on_team(self) -> bool:
        return self.team_role is not None

    @property
    def is_evaluator(self) -> bool:
        return self.team_role == Role.EVALUATOR

    def sees_recommendation(self, recommendation_id: int) -> bool:
        """An evaluator sees only the recommendations in dispute; everyone who sees the child, all."""
        if not self.sees_child:
            return False
        return not self.is_evaluator or recommendation_id in (self.scope or ())


def standings_for(pairs) -> dict[tuple[int, int], Standing]:
    """standing_for for many (user, student) pairs at once, keyed by (user id, student id), in two
    queries whatever their number (plus one per evaluator's scope): a reminder sweep checks every
    recipient of its batch this way instead of one membership query per reminder."""
    pairs = {(user.id, student.id): (user, student) for user, student in pairs if user.is_authenticated}
    if not pairs:
        return {}
    user_ids = {user_id for user_id, _student_id in pairs}
    student_ids = {student_id for _user_id, student_id in pairs}
    memberships = {(user_id, student_id): (membership_id, role) for user_id, student_id, membership_id, role in
                   Membership.objects.filter(active_membership_q(), user_id__in=user_ids, student_id__in=student_ids)
                   .values_list("user_id", "student_id", "id", "role")}
    admin_of = set(DistrictMembership.objects.filter(user_id__in=user_ids, role=DistrictMembership.Role.ADMIN)
                   .values_list("user_id", "district_id"))
    standings = {}
    for key, (user, student) in pairs.items():
        membership_id, team_role = memberships.get(key, (None, None))
        scope = None
        if team_role == Role.EVALUATOR and _scope_reader:
            scope = _scope_reader[0](membership_id)
        standings[key] = Standing(student.id, user.id, team_role, membership_id,
                                  (user.id, student.district_id) in admin_of, scope)
    return standings


def standing_for(user, student) -> Standing:
    """One membership query (plus the scope for an evaluator); the district-admin list is the
    person's own and read once per request by accounts.selectors."""
    if not user.is_authenticated:
        return Standing(student.id, None, None, None, False, None)
    membership = (Membership.objects.filter(active_membership_q(), user=user, student_id=student.id)
                  .values_list("id", "role").first())
    membership_id, team_role = membership or (None, None)
    scope = None
    if team_role == Role.EVALUATOR and _scope_reader:
        scope = _scope_reader[0](membership_id)
    return Standing(student.id, user.id, team_role, membership_id, student.district_id in admin_district_ids(user),
                    scope)
