"""A comment's POST works out the author's standing on the child once (students.standing) and
hands it to the visibility check, the service and the policy: one look-up of the author's
membership, however many questions are asked of it."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.students import standing as standing_module
from tests.conftest import api_client_for


def _authors_membership_reads(queries, user_id):
    return [q["sql"] for q in queries if 'FROM "students_membership"' in q["sql"]
            and re.search(rf'"students_membership"\."user_id" = {user_id}\b', q["sql"])]


def test_a_comment_post_reads_the_authors_membership_once(demo, monkeypatch):
    calls = []
    real = standing_module.standing_for

    def counted(user, student):
        calls.append((user.id, student.id))
        return real(user, student)

    for module in ("apps.ieps.selectors", "apps.discussions.services"):
        monkeypatch.setattr(f"{module}.standing_for", counted)
    client = api_client_for(demo.ot)
    rec = demo.maya_recs[0]
    with CaptureQueriesContext(connection) as captured:
        answer = client.post(f"/api/v1/recommendations/{rec.id}/comments/",
                             {"body": "Seen at school today", "mentions": [demo.parent_maya.id]}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["author"]["role"] == "clinician"
    assert calls == [(demo.ot.id, demo.maya.id)]
    assert len(_authors_membership_reads(captured.captured_queries, demo.ot.id)) == 1


def test_the_standing_answers_what_the_policy_answers(demo):
    from apps.students.selectors import role_for
    from apps.students.standing import standing_for

    for persona in ("parent_maya", "ot", "admin", "evaluator", "parent_leo", "casemanager"):
        user = getattr(demo, persona)
        for student in (demo.maya, demo.leo):
            user.__dict__.pop("_membership_cache", None)
            s = standing_for(user, student)
            assert s.role == role_for(user, student), (persona, student.first_name)
            assert s.sees_child == (role_for(user, student) is not None)
            assert (s.scope is not None) == s.is_evaluator


def test_many_standings_at_once_answer_what_one_at_a_time_answers(demo):
    from django.contrib.auth.models import AnonymousUser

    from apps.students.standing import standing_for, standings_for

    people = [getattr(demo, p) for p in ("parent_maya", "ot", "admin", "evaluator", "parent_leo", "casemanager")]
    pairs = [(user, student) for user in people for student in (demo.maya, demo.leo)]
    with CaptureQueriesContext(connection) as captured:
        many = standings_for(pairs + [(AnonymousUser(), demo.maya)])
    assert many == {(user.id, student.id): standing_for(user, student) for user, student in pairs}
    # Memberships and district administrators, once each for twelve pairs; the evaluator's scope
    # (on Maya) at most one more.
    assert len(captured.captured_queries) <= 3
