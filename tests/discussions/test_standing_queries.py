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

    for module in ("apps.students.standing", "apps.discussions.services"):
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
    """Every predicate gives the same answer asked with the person or with their standing: the rule
    is written once, in the policy, and the standing only carries the facts."""
    from apps.deadlines import policy as deadlines_policy
    from apps.discussions import policy as discussions_policy
    from apps.discussions.selectors import thread_of
    from apps.evaluations import policy as evaluations_policy
    from apps.evaluations.models import EvaluationRequest
    from apps.ieps import policy as ieps_policy
    from apps.students import policy as students_policy
    from apps.students.selectors import may_see_student, role_for
    from apps.students.standing import standing_for

    about_student = [
        students_policy.is_team_member, students_policy.is_parent_of, students_policy.is_case_manager_for,
        students_policy.is_clinician_for, students_policy.is_evaluator_for, students_policy.is_district_admin_for,
        students_policy.is_school_staff_for, students_policy.may_view_student, students_policy.may_invite_member,
        students_policy.may_view_access_log, ieps_policy.may_create_iep, ieps_policy.may_add_recommendation,
        ieps_policy.may_take_position, ieps_policy.may_download_signed, ieps_policy.may_consent,
        deadlines_policy.may_add_deadline, deadlines_policy.may_see_student_deadlines,
        evaluations_policy.may_request_for_student, may_see_student, role_for,
    ]
    about_iep = [ieps_policy.may_edit_iep_dates, ieps_policy.may_add_recommendation_to, ieps_policy.may_sign_iep,
                 ieps_policy.may_answer_consent, ieps_policy.may_download_signed_iep, ieps_policy.iep_status_steps_for]
    about_rec = [ieps_policy.may_revise_recommendation, ieps_policy.may_decide_recommendation,
                 ieps_policy.may_record_position_on, ieps_policy.may_suggest_on,
                 ieps_policy.may_withdraw_recommendation,
                 ieps_policy.may_issue_notice, ieps_policy.shows_disagreement_guidance,
                 lambda who, rec: discussions_policy.may_post_in(who, thread_of(rec)),
                 lambda who, rec: discussions_policy.may_change_thread_state(who, thread_of(rec))]
    about_request = [evaluations_policy.may_acknowledge, evaluations_policy.may_decide,
                     evaluations_policy.may_withdraw, evaluations_policy.may_work_on, evaluations_policy.may_close]
    evaluations = list(EvaluationRequest.objects.select_related("iep__student"))
    for persona in ("parent_maya", "ot", "admin", "evaluator", "parent_leo", "casemanager"):
        user = getattr(demo, persona)
        for student, iep, recs in ((demo.maya, demo.maya_iep, demo.maya_recs), (demo.leo, demo.leo_iep, demo.leo_recs)):
            s = standing_for(user, student)
            assert s.role == role_for(user, student), (persona, student.first_name)
            assert s.sees_child == (role_for(user, student) is not None)
            assert (s.scope is not None) == s.is_evaluator
            for asked in about_student:
                assert asked(s, student) == asked(user, student), (persona, student.first_name, asked)
            for asked in about_iep:
                assert asked(s, iep) == asked(user, iep), (persona, student.first_name, asked)
            for rec in recs:
                rec.iep = iep
                for asked in about_rec:
                    assert asked(s, rec) == asked(user, rec), (persona, rec.title, asked)
            for request in (e for e in evaluations if e.iep.student_id == student.id):
                for asked in about_request:
                    assert asked(s, request) == asked(user, request), (persona, request.id, asked)


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
