"""Lists hold exactly the rows each persona may see (zero leaks, no fewer), and anyone may exchange
their own password for a token. (Who may call which route at all: test_authorization_matrix.py.)

Demo teams: Maya (parent.maya, casemanager, ot, slp); Leo (parent.leo, casemanager, teacher.leo).
"""
import pytest

from apps.audit.models import AccessLog
from tests.conftest import DEMO_PASSWORD
from tests.core.contract import assert_error, results

PERSONAS = ("anonymous", "admin", "casemanager", "ot", "slp", "teacher.leo", "parent.maya", "parent.leo", "evaluator")


def _target(demo, student):
    """Maya's or Leo's student, IEP and first recommendation, for the list tests below."""
    from types import SimpleNamespace

    if student == "maya":
        return SimpleNamespace(student=demo.maya, iep=demo.maya_iep, rec=demo.maya_recs[0])
    return SimpleNamespace(student=demo.leo, iep=demo.leo_iep, rec=demo.leo_recs[0])


def _api_get(api_as, persona, path):
    return api_as(None if persona == "anonymous" else persona).get(path)


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_may_exchange_their_own_password_for_a_token(api_as, demo, persona):
    # Signing in needs no credentials: the anonymous client signs in as Maya's parent.
    from tests.conftest import api_client_for

    email_of = "parent.maya" if persona == "anonymous" else persona
    client = api_as(None if persona == "anonymous" else persona)
    response = client.post("/api/v1/auth/token/", {"email": f"{email_of}@demo.example", "password": DEMO_PASSWORD},
                           format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token"}
    # The token signs in as that person (whatever kind of token the project issues).
    signed_in = api_client_for()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert signed_in.get("/api/v1/me/").json()["email"] == f"{email_of}@demo.example"


# ---------------------------------------------------------------------------------------------
# Lists: exactly the rows each persona may see, no more (zero leaks), no fewer.
# ---------------------------------------------------------------------------------------------

STUDENTS_SEEN = {
    "admin": {"Maya", "Leo"},
    "casemanager": {"Maya", "Leo"},
    "ot": {"Maya"},
    "slp": {"Maya"},
    "teacher.leo": {"Leo"},
    "parent.maya": {"Maya"},
    "parent.leo": {"Leo"},
    "evaluator": set(),
}


@pytest.mark.parametrize("persona", list(STUDENTS_SEEN))
def test_the_student_list_holds_exactly_the_children_one_may_see(api_as, demo, persona):
    rows = results(api_as(persona).get("/api/v1/students/"))
    by_name = {"Maya": demo.maya.id, "Leo": demo.leo.id}
    assert {row["id"] for row in rows} == {by_name[name] for name in STUDENTS_SEEN[persona]}
    assert len(rows) == len(STUDENTS_SEEN[persona])


MAYA_TEAM = {("parent.maya", "parent"), ("casemanager", "case_manager"), ("ot", "clinician"), ("slp", "clinician")}
LEO_TEAM = {("parent.leo", "parent"), ("casemanager", "case_manager"), ("teacher.leo", "clinician")}
MAYA_REC_TITLES = {
    "Reduce occupational therapy to 30 minutes a week",
    "Speech-language therapy, 60 minutes a week",
    "Extended time (1.5×) on written tests",
    "Copy a 5-sentence paragraph legibly within 10 minutes",
}
LEO_REC_TITLES = {"Specialised reading instruction, 150 minutes a week", "Audio versions of grade-level texts"}
MAYA_EVENTS = [
    (1, "recommendation.created"), (2, "recommendation.created"), (3, "recommendation.created"),
    (4, "recommendation.created"), (5, "position.updated"), (6, "position.updated"), (7, "iep.status_changed"),
]
LEO_EVENTS = [(1, "recommendation.created"), (2, "recommendation.created")]
MAYA_VERSIONS = [(1, "ot")]
LEO_VERSIONS = [(1, "teacher.leo")]
MAYA_POSITIONS = {("parent.maya", "disagree"), ("ot", "agree")}
LEO_POSITIONS = set()
# Written by the reads that `_read_records_as_several_people` makes first.
MAYA_LOG = {("ot", "clinician", "view", "student"), ("slp", "clinician", "view", "recommendation"),
            ("casemanager", "case_manager", "view", "iep")}
LEO_LOG = {("teacher.leo", "clinician", "view", "student"), ("admin", "district_admin", "view", "iep")}


def _local(email):
    return email.split("@")[0]


LISTS = {
    "team": (
        lambda t: f"/api/v1/students/{t.student.id}/team/",
        lambda row: (_local(row["user"]["email"]), row["role"]),
        set,
    ),
    "ieps": (
        lambda t: f"/api/v1/students/{t.student.id}/ieps/",
        lambda row: (row["id"], row["student"]),
        set,
    ),
    "recommendations": (
        lambda t: f"/api/v1/ieps/{t.iep.id}/recommendations/",
        lambda row: row["title"],
        set,
    ),
    "events": (
        lambda t: f"/api/v1/ieps/{t.iep.id}/events/",
        lambda row: (row["seq"], row["type"]),
        list,
    ),
    "versions": (
        lambda t: f"/api/v1/recommendations/{t.rec.id}/versions/",
        lambda row: (row["version"], None),
        list,
    ),
    "positions": (
        lambda t: f"/api/v1/recommendations/{t.rec.id}/positions/",
        lambda row: (row["user"]["id"], row["stance"]),
        set,
    ),
    "access-log": (
        lambda t: f"/api/v1/students/{t.student.id}/access-log/",
        lambda row: (_local(row["who"]["email"]), row["role"], row["action"], row["object"]["type"]),
        set,
    ),
}

MAYA_IEPS, LEO_IEPS = "maya's IEP", "leo's IEP"

# persona → what the list answers: the expected rows, or the error status.
LIST_EXPECTED = {
    ("team", "maya"): {"anonymous": 401, "admin": MAYA_TEAM, "casemanager": MAYA_TEAM, "ot": MAYA_TEAM,
                       "slp": MAYA_TEAM, "teacher.leo": 404, "parent.maya": MAYA_TEAM, "parent.leo": 404,
                       "evaluator": 404},
    ("team", "leo"): {"anonymous": 401, "admin": LEO_TEAM, "casemanager": LEO_TEAM, "ot": 404, "slp": 404,
                      "teacher.leo": LEO_TEAM, "parent.maya": 404, "parent.leo": LEO_TEAM, "evaluator": 404},
    ("ieps", "maya"): {"anonymous": 401, "admin": MAYA_IEPS, "casemanager": MAYA_IEPS, "ot": MAYA_IEPS,
                       "slp": MAYA_IEPS, "teacher.leo": 404, "parent.maya": MAYA_IEPS, "parent.leo": 404,
                       "evaluator": 404},
    ("ieps", "leo"): {"anonymous": 401, "admin": LEO_IEPS, "casemanager": LEO_IEPS, "ot": 404, "slp": 404,
                      "teacher.leo": LEO_IEPS, "parent.maya": 404, "parent.leo": LEO_IEPS, "evaluator": 404},
    ("recommendations", "maya"): {"anonymous": 401, "admin": MAYA_REC_TITLES, "casemanager": MAYA_REC_TITLES,
                                  "ot": MAYA_REC_TITLES, "slp": MAYA_REC_TITLES, "teacher.leo": 404,
                                  "parent.maya": MAYA_REC_TITLES, "parent.leo": 404, "evaluator": 404},
    ("recommendations", "leo"): {"anonymous": 401, "admin": LEO_REC_TITLES, "casemanager": LEO_REC_TITLES,
                                 "ot": 404, "slp": 404, "teacher.leo": LEO_REC_TITLES, "parent.maya": 404,
                                 "parent.leo": LEO_REC_TITLES, "evaluator": 404},
    ("events", "maya"): {"anonymous": 401, "admin": MAYA_EVENTS, "casemanager": MAYA_EVENTS, "ot": MAYA_EVENTS,
                         "slp": MAYA_EVENTS, "teacher.leo": 404, "parent.maya": MAYA_EVENTS, "parent.leo": 404,
                         "evaluator": 404},
    ("events", "leo"): {"anonymous": 401, "admin": LEO_EVENTS, "casemanager": LEO_EVENTS, "ot": 404, "slp": 404,
                        "teacher.leo": LEO_EVENTS, "parent.maya": 404, "parent.leo": LEO_EVENTS, "evaluator": 404},
    ("versions", "maya"): {"anonymous": 401, "admin": MAYA_VERSIONS, "casemanager": MAYA_VERSIONS,
                           "ot": MAYA_VERSIONS, "slp": MAYA_VERSIONS, "teacher.leo": 404,
                           "parent.maya": MAYA_VERSIONS, "parent.leo": 404, "evaluator": 404},
    ("versions", "leo"): {"anonymous": 401, "admin": LEO_VERSIONS, "casemanager": LEO_VERSIONS, "ot": 404,
                          "slp": 404, "teacher.leo": LEO_VERSIONS, "parent.maya": 404,
                          "parent.leo": LEO_VERSIONS, "evaluator": 404},
    ("positions", "maya"): {"anonymous": 401, "admin": MAYA_POSITIONS, "casemanager": MAYA_POSITIONS,
                            "ot": MAYA_POSITIONS, "slp": MAYA_POSITIONS, "teacher.leo": 404,
                            "parent.maya": MAYA_POSITIONS, "parent.leo": 404, "evaluator": 404},
    ("positions", "leo"): {"anonymous": 401, "admin": LEO_POSITIONS, "casemanager": LEO_POSITIONS, "ot": 404,
                           "slp": 404, "teacher.leo": LEO_POSITIONS, "parent.maya": 404,
                           "parent.leo": LEO_POSITIONS, "evaluator": 404},
    ("access-log", "maya"): {"anonymous": 401, "admin": MAYA_LOG, "casemanager": 403, "ot": 403, "slp": 403,
                             "teacher.leo": 404, "parent.maya": MAYA_LOG, "parent.leo": 404, "evaluator": 404},
    ("access-log", "leo"): {"anonymous": 401, "admin": LEO_LOG, "casemanager": 403, "ot": 404, "slp": 404,
                            "teacher.leo": 403, "parent.maya": 404, "parent.leo": LEO_LOG, "evaluator": 404},
}


def _read_records_as_several_people(api_as, demo):
    """Staff and admin reads that the access record keeps, and parents' reads that it does not."""
    reads = [
        ("ot", f"/api/v1/students/{demo.maya.id}/"),
        ("slp", f"/api/v1/recommendations/{demo.maya_recs[1].id}/"),
        ("casemanager", f"/api/v1/ieps/{demo.maya_iep.id}/"),
        ("teacher.leo", f"/api/v1/students/{demo.leo.id}/"),
        ("admin", f"/api/v1/ieps/{demo.leo_iep.id}/"),
        ("parent.maya", f"/api/v1/students/{demo.maya.id}/"),
        ("parent.leo", f"/api/v1/recommendations/{demo.leo_recs[0].id}/"),
    ]
    for persona, path in reads:
        assert api_as(persona).get(path).status_code == 200, (persona, path)
    assert AccessLog.objects.count() == 5


def _resolve(name, expected, demo):
    """Turns the names the table uses into what the answer holds (ids are only known at run time)."""
    if name == "ieps":
        iep = {MAYA_IEPS: demo.maya_iep, LEO_IEPS: demo.leo_iep}[expected]
        return {(iep.id, iep.student_id)}
    if name == "positions":
        return {(demo.users[who].id, stance) for who, stance in expected}
    if name == "versions":
        return [(version, None) for version, _author in expected]
    return expected


@pytest.mark.parametrize(
    "name,student,persona",
    [pytest.param(n, s, p, id=f"{n} {s} {p}") for (n, s), row in LIST_EXPECTED.items() for p in PERSONAS],
)
def test_lists_hold_exactly_what_each_persona_may_see(api_as, demo, name, student, persona):
    if name == "access-log":
        _read_records_as_several_people(api_as, demo)
    target = _target(demo, student)
    path, key, collect = LISTS[name]
    expected = LIST_EXPECTED[(name, student)][persona]
    response = _api_get(api_as, persona, path(target))
    if isinstance(expected, int):
        assert_error(response, expected)
        return
    rows = results(response)
    want = _resolve(name, expected, demo)
    assert collect(key(row) for row in rows) == want
    assert len(rows) == len(want), "a row came twice"
    if name == "versions":
        assert [row["edited_by"]["id"] for row in rows] == [demo.users[author].id for _v, author in expected]
