"""Deadlines opened and closed by the workflows they follow, and by hand."""
from datetime import date

import pytest

from apps.deadlines.models import Deadline, Kind, Participant
from apps.evaluations.models import EvaluationRequest
from apps.deadlines.services import deadline_close
from apps.ieps import lifecycle
from apps.ieps.models import IEP
from apps.ieps.services import iep_create, iep_set_status, iep_update_dates
from tests.consent import give_every_parent_consent


def people(deadline, role):
    return set(deadline.participants.filter(role=role).values_list("user_id", flat=True))


def only(**filters) -> Deadline:
    [deadline] = Deadline.objects.filter(**filters)
    return deadline


def test_an_iep_opens_its_annual_review_and_reevaluation_for_the_case_manager_watched_by_parents(demo):
    review = only(kind=Kind.ANNUAL_REVIEW, iep=demo.maya_iep)
    reevaluation = only(kind=Kind.REEVALUATION, iep=demo.maya_iep)
    assert review.due_on == demo.maya_iep.annual_review_due and review.all_day
    assert reevaluation.due_on == demo.maya_iep.reevaluation_due
    for deadline in (review, reevaluation):
        assert people(deadline, Participant.Role.OWNER) == {demo.casemanager.id}
        assert people(deadline, Participant.Role.WATCHER) == {demo.parent_maya.id}
        assert demo.parent_leo.id not in people(deadline, "owner") | people(deadline, "watcher")


def test_changed_dates_move_the_deadlines_and_raise_their_sequence(demo):
    iep = demo.maya_iep
    iep.annual_review_due = date(2027, 9, 1)
    iep.reevaluation_due = None
    iep.save()
    lifecycle.announce(lifecycle.DATES_CHANGED, iep)
    review = only(kind=Kind.ANNUAL_REVIEW, iep=iep)
    assert review.due_on == date(2027, 9, 1) and review.sequence == 1
    assert only(kind=Kind.REEVALUATION, iep=iep).status == Deadline.Status.CANCELLED


def test_editing_a_drafts_dates_moves_its_annual_review(demo):
    """The service the IEP page and PATCH /ieps/{id}/ call announces the change itself."""
    iep = demo.leo_iep  # a draft
    iep_update_dates(actor=demo.casemanager, iep=iep, meeting_at=date(2027, 3, 4), last_evaluated_on=None)
    iep.refresh_from_db()
    review = only(kind=Kind.ANNUAL_REVIEW, iep=iep)
    assert review.due_on == iep.annual_review_due == date(2028, 3, 4)


def test_proposing_opens_the_parents_consent_response_and_activation_meets_it(demo, settings):
    consent = only(kind=Kind.CONSENT_RESPONSE, iep=demo.maya_iep)  # seed_demo proposes Maya's IEP
    assert people(consent, "owner") == {demo.parent_maya.id}
    assert (consent.due_on - consent.created_at.date()).days in (settings.CONSENT_RESPONSE_DAYS,
                                                                 settings.CONSENT_RESPONSE_DAYS + 1)
    give_every_parent_consent(demo.maya_iep)
    consent.refresh_from_db()
    assert consent.status == Deadline.Status.MET
    assert not consent.reminders.filter(sent_at__isnull=True).exists()


def test_back_to_draft_cancels_the_consent_response(demo):
    iep_set_status(actor=demo.casemanager, iep=demo.maya_iep, status=IEP.Status.DRAFT)
    assert only(kind=Kind.CONSENT_RESPONSE, iep=demo.maya_iep).status == Deadline.Status.CANCELLED


def test_a_superseded_ieps_review_is_met_by_the_new_one(demo):
    give_every_parent_consent(demo.maya_iep)
    new = iep_create(actor=demo.casemanager, student=demo.maya, meeting_at=date(2027, 10, 1))
    give_every_parent_consent(new, propose_as=demo.casemanager)
    assert only(kind=Kind.ANNUAL_REVIEW, iep=demo.maya_iep).status == Deadline.Status.MET
    assert only(kind=Kind.ANNUAL_REVIEW, iep=new).status == Deadline.Status.OPEN


def test_the_evaluation_deadlines_follow_the_request(demo, flow):
    flow.request()
    decision = only(kind=Kind.EVALUATION_DECISION, source_id=flow.id)
    assert people(decision, "owner") == {demo.admin.id}
    flow.approve()
    decision.refresh_from_db()
    assert decision.status == Deadline.Status.MET
    report = only(kind=Kind.EVALUATION_REPORT, source_id=flow.id)
    approved = EvaluationRequest.objects.get(id=flow.id)
    assert report.due_on == approved.report_due and people(report, "owner") == {demo.admin.id}
    flow.assign()
    assert people(report, "owner") == {demo.admin.id}
    flow.attest()
    assert people(report, "owner") == {demo.evaluator.id}
    flow.ok(flow.upload(), 201)
    flow.save_findings()
    flow.submit()
    report.refresh_from_db()
    assert report.status == Deadline.Status.MET


def test_a_withdrawn_request_cancels_its_decision_deadline(demo, flow):
    flow.request()
    flow.ok(flow.call("parent.maya", "post", flow.url + "withdraw/", {"note": "We agreed after all."}))
    assert only(kind=Kind.EVALUATION_DECISION, source_id=flow.id).status == Deadline.Status.CANCELLED


def test_only_case_managers_and_admins_close_a_deadline(demo):
    from apps.core.errors import Forbidden

    review = only(kind=Kind.ANNUAL_REVIEW, iep=demo.maya_iep)
    for person in (demo.parent_maya, demo.ot, demo.parent_leo, demo.teacher_leo, demo.evaluator):
        with pytest.raises(Forbidden):
            deadline_close(actor=person, deadline=review, met=True)
    deadline_close(actor=demo.casemanager, deadline=review, met=True)
    review.refresh_from_db()
    assert review.status == Deadline.Status.MET and review.closed_by == demo.casemanager
