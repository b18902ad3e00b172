"""The record of access covers every route (34 CFR 300.614; issue 7, item 9): derived from the URL
configuration, every route that returns a child's data, API and pages, is read as staff, as a
district administrator and as an attested evaluator, and must leave exactly one entry per child
read, with the reader's role and purpose; the child's own parents leave none. Every other route is
listed below with the reason it returns no child's data, so a new route cannot be skipped silently.
"""
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver

from apps.audit.models import AccessLog
from apps.deadlines.feed import feed_of
from apps.deadlines.models import CalendarFeed, Deadline, Kind
from apps.discussions.models import Comment
from apps.evaluations.models import ReportFile
from apps.ieps.notices import notice_issue
from tests.conftest import api_client_for
from tests.evaluations.helpers import Flow

STAFF, ADMIN, EVALUATOR = "casemanager", "admin", "evaluator"
MAYA = {"maya"}
EVERYONE_ON_MAYA = {STAFF: MAYA, ADMIN: MAYA, EVALUATOR: MAYA}
PURPOSE = {STAFF: ("case_manager", "IEP team work"), ADMIN: ("district_admin", "District administration"),
           EVALUATOR: ("evaluator", "independent evaluation")}
HTMX = {"HTTP_HX_REQUEST": "true"}

# Route → who reads it (with a 2xx answer) and the children each one's answer holds. Maya's record
# is read through her (disputed) recommendation, a comment on it and her evaluation; the casemanager
# is on both teams; Leo has an evaluation request too, so lists across children hold both.
READS = {
    "api/v1/students/": {STAFF: {"maya", "leo"}, ADMIN: {"maya", "leo"}, EVALUATOR: MAYA},
    "api/v1/students/<int:student_id>/": EVERYONE_ON_MAYA,
    "api/v1/students/<int:student_id>/team/": EVERYONE_ON_MAYA,
    "api/v1/students/<int:student_id>/access-log/": {ADMIN: MAYA},
    "api/v1/students/<int:student_id>/ieps/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/recommendations/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/events/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/unread/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/versions/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/positions/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/positions/history/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/suggestions/": EVERYONE_ON_MAYA,
    "api/v1/recommendations/<int:recommendation_id>/comments/": EVERYONE_ON_MAYA,
    "api/v1/comments/<int:comment_id>/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/evaluation-requests/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/": {STAFF: {"maya", "leo"}, ADMIN: {"maya", "leo"}, EVALUATOR: MAYA},
    "api/v1/evaluation-requests/<int:request_id>/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/<int:request_id>/evaluators/": {ADMIN: MAYA},
    "api/v1/evaluation-requests/<int:request_id>/report/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/<int:request_id>/files/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/<int:request_id>/files/<int:file_id>/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/<int:request_id>/findings/": EVERYONE_ON_MAYA,
    "api/v1/evaluation-requests/<int:request_id>/questions/": EVERYONE_ON_MAYA,
    "": {STAFF: {"maya", "leo"}, ADMIN: {"maya", "leo"}, EVALUATOR: MAYA},
    "students/<int:student_id>/": EVERYONE_ON_MAYA,
    "ieps/<int:iep_id>/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/card/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/positions/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/suggestions/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/discussion/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/thread/": EVERYONE_ON_MAYA,
    "comments/<int:comment_id>/reply/": EVERYONE_ON_MAYA,
    "comments/<int:comment_id>/edit/": {STAFF: MAYA},  # the comment's author
    "comments/<int:comment_id>/delete/": {STAFF: MAYA},
    "ieps/<int:iep_id>/evaluations/": EVERYONE_ON_MAYA,
    "ieps/<int:iep_id>/evaluations/panel/": EVERYONE_ON_MAYA,
    "ieps/<int:iep_id>/evaluations/new/": {STAFF: MAYA},
    "evaluations/<int:request_id>/": {STAFF: MAYA, ADMIN: MAYA},  # the evaluator is sent to their workspace
    "evaluations/queue/": {ADMIN: {"maya", "leo"}},
    "evaluations/<int:request_id>/assign/": {ADMIN: MAYA},
    "evaluations/mine/": {EVALUATOR: MAYA, STAFF: set(), ADMIN: set()},
    "evaluations/<int:request_id>/work/": {EVALUATOR: MAYA},
    "evaluations/<int:request_id>/work/files/": {EVALUATOR: MAYA},
    "recommendations/<int:recommendation_id>/item/": EVERYONE_ON_MAYA,
    "students/<int:student_id>/team/": {STAFF: MAYA, ADMIN: MAYA},
    "students/<int:student_id>/access-record/": {ADMIN: MAYA},
    "students/<int:student_id>/access-record.csv": {ADMIN: MAYA},
    "api/v1/students/<int:student_id>/invitations/": {STAFF: MAYA, ADMIN: MAYA},
    # Deadlines: the case manager owns both children's annual reviews; evaluators see none here.
    "api/v1/deadlines/": {STAFF: {"maya", "leo"}, ADMIN: {"maya", "leo"}, EVALUATOR: MAYA},
    "api/v1/deadlines/<int:deadline_id>/": {STAFF: MAYA, ADMIN: MAYA},
    "api/v1/students/<int:student_id>/deadlines/": EVERYONE_ON_MAYA,  # an evaluator: their own report deadline
    "deadlines/<int:deadline_id>/": {STAFF: MAYA, ADMIN: MAYA},
    "deadlines/district/": {ADMIN: {"maya", "leo"}},
    # Prior written notices: Maya's is on her disputed recommendation (in the evaluator's scope).
    "api/v1/ieps/<int:iep_id>/notices/": EVERYONE_ON_MAYA,
    "api/v1/notices/<int:notice_id>/pdf/": EVERYONE_ON_MAYA,
    "notices/<int:notice_id>/": EVERYONE_ON_MAYA,
    "recommendations/<int:recommendation_id>/guidance/": EVERYONE_ON_MAYA,
    # Consent and signatures: the list is the team's; the signed copy is not the evaluator's (it
    # holds every recommendation); the consent page is the parents' (whose reads are not logged).
    "api/v1/ieps/<int:iep_id>/signatures/": EVERYONE_ON_MAYA,
    "api/v1/ieps/<int:iep_id>/signed.pdf": {STAFF: MAYA, ADMIN: MAYA},
    "ieps/<int:iep_id>/consent/": {},
    "ieps/<int:iep_id>/paper-consent/": {STAFF: MAYA},
    # The calendar feed, polled by the person's calendar app with no session (each persona their
    # own secret): the children whose open deadlines are in it. At most once an hour per feed.
    "calendar/<str:secret>.ics": {STAFF: {"maya", "leo"}, ADMIN: {"leo"}, EVALUATOR: set()},
}

# Routes that only change things: a read (GET) is answered 405 and records nothing. What they
# change is in the event log; the access record is of reads.
WRITES_ONLY = {
    "api/v1/ieps/<int:iep_id>/status/", "api/v1/recommendations/<int:recommendation_id>/position/",
    "api/v1/recommendations/<int:recommendation_id>/resolve/", "api/v1/recommendations/<int:recommendation_id>/reopen/",
    "api/v1/recommendations/<int:recommendation_id>/read/", "api/v1/notifications/<int:notification_id>/read/",
    "api/v1/evaluation-requests/<int:request_id>/decision/", "api/v1/evaluation-requests/<int:request_id>/assign/",
    "api/v1/evaluation-requests/<int:request_id>/attestation/",
    "api/v1/evaluation-requests/<int:request_id>/amendments/", "api/v1/evaluation-requests/<int:request_id>/submit/",
    "api/v1/evaluation-requests/<int:request_id>/acknowledge/",
    "api/v1/evaluation-requests/<int:request_id>/withdraw/", "api/v1/evaluation-requests/<int:request_id>/close/",
    "api/v1/evaluation-requests/<int:request_id>/revoke/",
    "recommendations/<int:recommendation_id>/thread/comments/", "recommendations/<int:recommendation_id>/thread/resolve/",
    "recommendations/<int:recommendation_id>/thread/reopen/", "recommendations/<int:recommendation_id>/thread/read/",
    "notifications/<int:notification_id>/read/", "notifications/read-all/",
    "evaluations/<int:request_id>/acknowledge/", "evaluations/<int:request_id>/withdraw/",
    "evaluations/<int:request_id>/questions/", "evaluations/<int:request_id>/decision/",
    "evaluations/<int:request_id>/attestation/", "evaluations/<int:request_id>/upload/",
    "evaluations/<int:request_id>/files/<int:file_id>/delete/", "evaluations/<int:request_id>/findings/",
    "api/v1/students/<int:student_id>/team/<int:user_id>/", "api/v1/invitations/<int:invitation_id>/cancel/",
    "api/v1/invitations/<int:invitation_id>/resend/", "api/v1/deadlines/<int:deadline_id>/cancel/",
    "api/v1/deadlines/<int:deadline_id>/met/", "deadlines/<int:deadline_id>/close/", "calendar/reset/",
    "ieps/<int:iep_id>/dates/", "ieps/<int:iep_id>/recommendations/new/", "ieps/<int:iep_id>/status/",
    "recommendations/<int:recommendation_id>/decision/", "recommendations/<int:recommendation_id>/position/",
    "recommendations/<int:recommendation_id>/revise/", "recommendations/<int:recommendation_id>/withdraw/",
    "students/<int:student_id>/ieps/new/", "students/<int:student_id>/team/invite/",
    "students/<int:student_id>/team/invitations/<int:invitation_id>/cancel/",
    "students/<int:student_id>/team/invitations/<int:invitation_id>/resend/",
    "students/<int:student_id>/team/members/<int:user_id>/remove/",
    "api/v1/recommendations/<int:recommendation_id>/notice/", "recommendations/<int:recommendation_id>/notice/",
    "api/v1/suggestions/<int:suggestion_id>/accept/", "api/v1/suggestions/<int:suggestion_id>/decline/",
    "api/v1/suggestions/<int:suggestion_id>/withdraw/", "recommendations/<int:recommendation_id>/suggest/",
    "suggestions/<int:suggestion_id>/accept/", "suggestions/<int:suggestion_id>/decline/",
    "suggestions/<int:suggestion_id>/withdraw/",
    "api/v1/ieps/<int:iep_id>/consent/", "api/v1/ieps/<int:iep_id>/paper-consent/",
    "api/v1/ieps/<int:iep_id>/amendment/", "ieps/<int:iep_id>/signatures/new/", "ieps/<int:iep_id>/amendment/",
}

# Routes whose answers hold no child's record, and why.
NO_CHILD_DATA = {
    "api/v1/notifications/": "the caller's own notifications, which carry no record content (issue 7, item 2)",
    "notifications/": "the same notifications as a page",
    "api/schema/": "the API's description",
    "api/docs/": "the API's browsable description",
    "^api/": "any other /api/ address: a JSON 404",
    "i18n/setlang/": "the language switch",
    "session/keep-alive/": "renews the caller's own session",
    "notifications/settings/": "the caller's own notification settings and calendar address",
    "notifications/unsubscribe/<str:token>/": "a one-click unsubscribe: the kind of e-mail, nothing of a child",
    "notifications/<int:notification_id>/open/": "marks the caller's notification read and sends them to its page, "
                                                 "which records its own read",
    "deadlines/school-calendar/": "the district's closed days",
    "deadlines/settings/": "the district's deadline periods and time zone",
    "api/v1/deadline-settings/": "the district's deadline periods and time zone",
    "invitations/<str:token>/": "the invitee sees the first name of the child they are invited for; they hold no "
                                "role yet, and the invitation itself is on record",
}

# Whole parts of the URL configuration that are not the product's routes.
EXCLUDED_PREFIXES = {
    getattr(settings, "ADMIN_URL_PATH", "django-admin/"):
        "Django's own admin, for operators with no role for any child (locked down by ops)",
    "accounts/": "signing in and out, multi-factor sign-in, passwords and the profile: the person's own account",
    "api/v1/auth/": "getting and ending API tokens",
    "api/v1/me/": "the caller's own account, tokens and settings, and the ids of the teams they are on",
}


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_every_route_of_the_url_configuration_is_classified():
    routes = {r for r in _routes() if not any(r.startswith(p) for p in EXCLUDED_PREFIXES)}
    classified = set(READS) | WRITES_ONLY | set(NO_CHILD_DATA)
    assert routes - classified == set(), "new routes: say whether they return a child's data"
    assert classified - routes == set(), "routes listed here that no longer exist"
    assert not (set(READS) & WRITES_ONLY) and not (set(READS) & set(NO_CHILD_DATA))


# The world the reads happen in ------------------------------------------------------------

@pytest.fixture
def world(demo, api_as, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    maya = Flow(demo, api_as)
    maya.to("submitted")  # the team sees the findings and the report; the evaluator still works on it
    disputed = maya.disputed[0]
    comment = api_as(STAFF).post(f"/api/v1/recommendations/{disputed.id}/comments/",
                                 {"body": "Session notes attached."}, format="json").json()
    leo = Flow(demo, api_as)
    leo.id = leo.ok(leo.call("parent.leo", "post", f"/api/v1/ieps/{demo.leo_iep.id}/evaluation-requests/",
                             {"recommendations": [demo.leo_recs[0].id]}), 201)["id"]
    assert Comment.objects.filter(id=comment["id"]).exists()
    values = {
        "student_id": demo.maya.id, "iep_id": demo.maya_iep.id, "recommendation_id": disputed.id,
        "comment_id": comment["id"], "request_id": maya.id, "notification_id": 1, "token": "no-such-invitation",
        "deadline_id": Deadline.objects.get(kind=Kind.ANNUAL_REVIEW, iep=demo.maya_iep).id,
        "invitation_id": 1, "user_id": demo.slp.id, "secret": "no-such-calendar", "suggestion_id": 1,
        "file_id": ReportFile.objects.filter(request_id=maya.id, kind=ReportFile.Kind.REPORT).get().id,
        "notice_id": notice_issue(actor=demo.casemanager, recommendation=disputed, action="propose", reasons="Goals met.",
                                  data_used="Progress data.", options_considered="Keeping the minutes.").id,
    }
    return SimpleNamespace(demo=demo, values=values, children={"maya": demo.maya.id, "leo": demo.leo.id})


def _path(route, values):
    if route == "^api/":
        return "/api/no-such-thing/"
    return "/" + re.sub(r"<\w+:(\w+)>", lambda m: str(values[m.group(1)]), route)


def _get(world, persona, route):
    user = world.demo.users[persona]
    path = _path(route, {**world.values, "secret": feed_of(user).secret})
    if route.startswith("api/v1/"):
        return api_client_for(user).get(path)
    client = Client()
    client.force_login(user)
    return client.get(path, **(HTMX if route.endswith("/thread/") else {}))


def _entries():
    return list(AccessLog.objects.order_by("id"))


@pytest.mark.parametrize("persona", [STAFF, ADMIN, EVALUATOR])
def test_every_read_of_a_childs_data_leaves_one_entry_per_child(world, persona):
    user = world.demo.users[persona]
    role, purpose = PURPOSE[persona]
    problems = []
    for route, readers in READS.items():
        AccessLog.objects.all().delete()
        CalendarFeed.objects.update(logged_at=None)  # each route's read is a first poll
        response = _get(world, persona, route)
        entries = _entries()
        if persona not in readers:
            # Not theirs to read: no data, so no entry (the table above is checked both ways).
            if 200 <= response.status_code < 300 or entries:
                problems.append((route, "not a reader, yet", response.status_code, len(entries)))
            continue
        expected = sorted(world.children[name] for name in readers[persona])
        if not 200 <= response.status_code < 300:
            problems.append((route, "status", response.status_code))
        elif sorted(e.student_id for e in entries) != expected:
            problems.append((route, "children", sorted(e.student_id for e in entries), "expected", expected))
        elif any((e.user_id, e.role, e.purpose) != (user.id, role, purpose) for e in entries):
            problems.append((route, "entry", [(e.user_id, e.role, e.purpose) for e in entries]))
    assert problems == []


@pytest.mark.parametrize("persona", ["parent.maya", "parent.leo"])
def test_parents_reads_leave_no_entry(world, persona):
    problems = []
    for route in READS:
        response = _get(world, persona, route)
        if AccessLog.objects.exists():
            problems.append((route, response.status_code, AccessLog.objects.count()))
            AccessLog.objects.all().delete()
    assert problems == []


def test_routes_that_only_write_answer_a_read_with_405_and_record_nothing(world):
    problems = [(route, status) for route in sorted(WRITES_ONLY)
                if (status := _get(world, STAFF, route).status_code) != 405]
    assert problems == []
    assert not AccessLog.objects.exists()


def test_routes_without_a_childs_data_record_nothing(world):
    for route in NO_CHILD_DATA:
        _get(world, STAFF, route)
        _get(world, EVALUATOR, route)
    assert not AccessLog.objects.exists()
