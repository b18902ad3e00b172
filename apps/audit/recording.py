"""The record of access, written for every request that reads a child's record (34 CFR 300.614).

One place decides it, so no route can forget: `AccessRecordMiddleware` writes, when a read
(GET/HEAD) by a signed-in person succeeds, one entry per child whose record the answer held:
- the child named by the route itself: a URL argument an app registered here
  (`student_id`, `iep_id`, `recommendation_id`, `comment_id`, `request_id`, ...) names an object
  of one child's record, so every route with one is a read of that child;
- children a view names with `record_read` / `record_reads` (lists across children, such as the
  student list or the district's queue, and a more precise object: a downloaded report).
Reads by the child's own parents, and by people with no role for the child (an evaluator who has
not attested, looking at the stub of their engagement) are not recorded. An entry is written
inside the request, before the answer leaves: if it cannot be written, nothing is answered.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from apps.students.standing import noted_standings

from .services import access_records_write

SAFE_METHODS = ("GET", "HEAD")

# URL argument → (object type, how to find the child: pk → (student id, district id) or None).
ROUTE_SUBJECTS: dict[str, tuple[str, Callable[[int], tuple[int, int] | None]]] = {}


def register_route_subject(kwarg: str, object_type: str, child_of: Callable[[int], tuple[int, int] | None]) -> None:
    """Called from an app's AppConfig.ready(): routes with this URL argument read that child's record."""
    ROUTE_SUBJECTS[kwarg] = (object_type, child_of)


@dataclass(frozen=True)
class Read:
    student_id: int
    district_id: int
    object_type: str
    object_id: int
    action: str


def _ledger(request) -> dict[int, Read]:
    # DRF wraps Django's request; the middleware sees Django's, so the ledger lives there.
    request = getattr(request, "_request", request)
    if not hasattr(request, "_access_reads"):
        request._access_reads = {}
    return request._access_reads


def record_read(request, student, obj=None, *, action: str = "view") -> None:
    """This answer holds `student`'s record (`obj`, the child's own summary by default). The first
    object named for a child in a request is the one its entry names: one entry per child."""
    obj = student if obj is None else obj
    _ledger(request).setdefault(student.id, Read(student.id, student.district_id, obj._meta.model_name, obj.pk,
                                                 action))


def record_reads(request, students: Iterable) -> None:
    """A list across children: each child on it is read."""
    for student in students:
        record_read(request, student)


def _route_read(request) -> Read | None:
    """The child the route's own URL names, through the most specific registered argument."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    for kwarg, value in reversed(list(match.kwargs.items())):
        if kwarg in ROUTE_SUBJECTS and isinstance(value, int):
            object_type, child_of = ROUTE_SUBJECTS[kwarg]
            child = child_of(value)
            return Read(child[0], child[1], object_type, value, "view") if child else None
    return None


class AccessRecordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (request.method in SAFE_METHODS and 200 <= response.status_code < 300
                and user is not None and user.is_authenticated):
            reads = dict(getattr(request, "_access_reads", {}))
            route = _route_read(request)
            if route is not None:
                reads.setdefault(route.student_id, route)
            if reads:
                access_records_write(actor=user, reads=list(reads.values()),
                                     standings=noted_standings(request))
        return response
