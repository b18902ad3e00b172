"""A person's standing on one child, worked out once and handed down.

A request that does several things with one child (see the recommendation, post in its thread,
record the author's role) asks the same questions each time: is this person on the team, as
what, an administrator of the child's district, an evaluator and with which recommendations in
scope. `standing_for` answers all of them at once, from the database as it is now, into a small
immutable value the view passes to the selectors, services and policy it calls. Nothing is kept
on the user object, so nothing has to be cleared by hand when a membership changes: a standing
worked out after the change sees it, one worked out before does not pretend to be fresh.

The policy's predicates take "who": a user (the standing is worked out there and then) or a
Standing already worked out for that child (no query). So a page asking ten questions about one
child works out one standing and asks all ten with it, and each rule is still written once.

The evaluator's scope lives in `ieps` (above this app): `ieps` registers how to read it
(`register_scope_reader` in its AppConfig.ready()), as higher apps do elsewhere.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import DateTimeField, F, Value

from apps.accounts.models import DistrictMembership

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
    expires_at: datetime | None = None  # when the membership lapses (an evaluator's), None: it does not

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

    @property
    def is_parent(self) -> bool:
        return self.team_role == Role.PARENT

    @property
    def is_case_manager(self) -> bool:
        return self.team_role == Role.CASE_MANAGER

    @property
    def is_clinician(self) -> bool:
        return self.team_role == Role.CLINICIAN

    @property
    def is_school_staff(self) -> bool:
        return self.team_role in (Role.CASE_MANAGER, Role.CLINICIAN)

    def sees_recommendation(self, recommendation_id: int) -> bool:
        """An evaluator sees only the recommendations in dispute; everyone who sees the child, all."""
        if not self.sees_child:
            return False
        return not self.is_evaluator or recommendation_id in (self.scope or ())


def standing_of(who, student) -> Standing:
    """The standing `who` has on this child: `who` itself when the caller already worked it out,
    else worked out now from the database. A standing on another child is a mistake, not a guess."""
    if isinstance(who, Standing):
        if who.student_id != student.id:
            raise ValueError(f"a standing on student {who.student_id} asked about student {student.id}")
        return who
    return standing_for(who, student)


def user_id_of(who) -> int | None:
    """The person's id, from a user or a standing (None for someone not signed in)."""
    if isinstance(who, Standing):
        return who.user_id
    return who.id if who.is_authenticated else None


def note_standing(request, standing: Standing) -> None:
    """Hands the standing a view worked out to what runs after it in the same request: the access
    record (apps.audit.recording) takes the reader's role from it instead of reading it again.
    The standing of the moment of the read is the one the record should name; nothing decides
    access from it."""
    request = getattr(request, "_request", request)  # DRF's request wraps Django's
    if not hasattr(request, "_noted_standings"):
        request._noted_standings = {}
    request._noted_standings[standing.student_id] = standing


def noted_standings(request) -> dict[int, Standing]:
    """student id -> the standing noted on this request (note_standing)."""
    return getattr(getattr(request, "_request", request), "_noted_standings", {})


def standings_for(pairs) -> dict[tuple[int, int], Standing]:
    """standing_for for many (user, student) pairs at once, keyed by (user id, student id), in two
    queries whatever their number (plus one per evaluator's scope): a reminder sweep checks every
    recipient of its batch this way instead of one membership query per reminder."""
    pairs = {(user.id, student.id): (user, student) for user, student in pairs if user.is_authenticated}
    if not pairs:
        return {}
    user_ids = {user_id for user_id, _student_id in pairs}
    student_ids = {student_id for _user_id, student_id in pairs}
    memberships = {(user_id, student_id): (membership_id, role, expires_at)
                   for user_id, student_id, membership_id, role, expires_at in
                   Membership.objects.filter(active_membership_q(), user_id__in=user_ids, student_id__in=student_ids)
                   .values_list("user_id", "student_id", "id", "role", "expires_at")}
    admin_of = set(DistrictMembership.objects.filter(user_id__in=user_ids, role=DistrictMembership.Role.ADMIN)
                   .values_list("user_id", "district_id"))
    standings = {}
    for key, (user, student) in pairs.items():
        membership_id, team_role, expires_at = memberships.get(key, (None, None, None))
        scope = None
        if team_role == Role.EVALUATOR and _scope_reader:
            scope = _scope_reader[0](membership_id)
        standings[key] = Standing(student.id, user.id, team_role, membership_id,
                                  (user.id, student.district_id) in admin_of, scope, expires_at)
    return standings


def standing_for(user, student) -> Standing:
    """One query (the active membership and whether they administer the child's district, read
    together), plus the scope for an evaluator; from the database every time, never from a memo."""
    if not user.is_authenticated:
        return Standing(student.id, None, None, None, False, None)
    mine = (Membership.objects.filter(active_membership_q(), user=user, student_id=student.id)
            .annotate(as_admin=Value(False), m_id=F("id"), m_role=F("role"), m_expires=F("expires_at"))
            .values_list("as_admin", "m_id", "m_role", "m_expires"))
    admin = (DistrictMembership.objects.filter(user=user, district_id=student.district_id,
                                               role=DistrictMembership.Role.ADMIN)
             .annotate(as_admin=Value(True), m_id=F("id"), m_role=Value(""),
                       m_expires=Value(None, output_field=DateTimeField()))
             .values_list("as_admin", "m_id", "m_role", "m_expires"))
    membership_id = team_role = expires_at = None
    district_admin = False
    for as_admin, row_id, role, expires in mine.union(admin, all=True):
        if as_admin:
            district_admin = True
        else:
            membership_id, team_role, expires_at = row_id, role, expires
    scope = None
    if team_role == Role.EVALUATOR and _scope_reader:
        scope = _scope_reader[0](membership_id)
    return Standing(student.id, user.id, team_role, membership_id, district_admin, scope, expires_at)
