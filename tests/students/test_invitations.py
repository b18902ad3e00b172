"""Inviting someone to a child's team: an e-mailed one-time link that expires."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import ApplicationError, Forbidden
from apps.students.models import Invitation, Membership
from apps.students.services import invitation_accept, invitation_for_token
from tests.core.contract import assert_error

LINK = re.compile(r"https?://\S+/invitations/(?P<token>[\w-]+)/")


def _invite(client, student, email="grandma@family.example", role="parent", discipline=None):
    payload = {"email": email, "role": role}
    if discipline:
        payload["discipline"] = discipline
    return client.post(f"/api/v1/students/{student.id}/team/", payload, format="json")


def _token_from_the_email(address):
    sent = [m for m in mail.outbox if m.to == [address]]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    match = LINK.search(sent[0].body)
    assert match, sent[0].body
    return match["token"]


def test_the_case_manager_invites_by_email_and_a_link_is_sent(api_as, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(api_as("casemanager"), demo.maya, email="Grandma@Family.example")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["student"], body["email"], body["role"]) == (demo.maya.id, "grandma@family.example", "parent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grandma@family.example"]
    assert "Maya" in message.subject
    token = _token_from_the_email("grandma@family.example")
    invitation = invitation_for_token(token)
    assert invitation.id == body["id"] and invitation.invited_by == demo.casemanager
    # Only a hash of the token is kept.
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_no_mail_leaves_before_the_invitation_is_committed(api_as, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _invite(api_as("casemanager"), demo.maya).status_code == 201
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_the_district_admin_may_invite_too(api_as, demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(api_as("admin"), demo.leo, email="pt@school.example", role="clinician", discipline="pt")
    assert response.status_code == 201, response.content
    assert response.json()["discipline"] == "pt"
    assert [m.to for m in mail.outbox] == [["pt@school.example"]]


def test_the_link_expires_after_the_days_the_settings_give(api_as, demo, settings):
    before = timezone.now()
    response = _invite(api_as("casemanager"), demo.maya)
    invitation = Invitation.objects.get(id=response.json()["id"])
    days = timedelta(days=settings.INVITATION_VALID_DAYS)
    assert before + days <= invitation.expires_at <= timezone.now() + days


def _invite_and_get_token(api_as, demo, capture, **kwargs):
    with capture(execute=True):
        assert _invite(api_as("casemanager"), demo.maya, **kwargs).status_code == 201
    return _token_from_the_email(kwargs.get("email", "grandma@family.example"))


def test_accepting_makes_the_account_and_the_membership(api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks)
    membership = invitation_accept(token=token, full_name="Rosa Rivera", password="a-long-password")
    user = User.objects.get(email="grandma@family.example")
    assert user.full_name == "Rosa Rivera" and user.check_password("a-long-password")
    assert (membership.user, membership.student, membership.role) == (user, demo.maya, "parent")
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    # The new member now sees the child through the API.
    response = api_as(None).post("/api/v1/auth/token/", {"email": "grandma@family.example",
                                                         "password": "a-long-password"}, format="json")
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(f"/api/v1/students/{demo.maya.id}/").status_code == 200
    assert_error(client.get(f"/api/v1/students/{demo.leo.id}/"), 404)


def test_an_accepted_link_cannot_be_used_again(api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks)
    invitation_accept(token=token, full_name="Rosa Rivera", password="a-long-password")
    with pytest.raises(ApplicationError) as refused:
        invitation_accept(token=token, full_name="Someone Else", password="another-password")
    assert refused.value.code == "invitation_invalid"
    assert User.objects.filter(email="grandma@family.example").count() == 1
    assert Membership.objects.filter(student=demo.maya, user__email="grandma@family.example").count() == 1


def test_an_expired_link_is_refused(api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApplicationError) as refused:
        invitation_accept(token=token, full_name="Rosa Rivera", password="a-long-password")
    assert refused.value.code == "invitation_invalid"
    assert not User.objects.filter(email="grandma@family.example").exists()


def test_a_made_up_token_is_refused(demo):
    with pytest.raises(ApplicationError) as refused:
        invitation_accept(token="made-up", full_name="Rosa Rivera", password="a-long-password")
    assert refused.value.code == "invitation_invalid"


def test_a_signed_in_person_with_another_address_is_refused(api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks)
    with pytest.raises(Forbidden):
        invitation_accept(token=token, user=demo.parent_leo)
    assert not Membership.objects.filter(student=demo.maya, user=demo.parent_leo).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_signed_in_person_with_the_invited_address_joins_with_their_account(
        api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks,
                                  email="teacher.leo@demo.example", role="clinician", discipline="special_education")
    membership = invitation_accept(token=token, user=demo.teacher_leo)
    assert (membership.user, membership.student, membership.role, membership.discipline) == (
        demo.teacher_leo, demo.maya, "clinician", "special_education")
    assert api_as("teacher.leo").get(f"/api/v1/students/{demo.maya.id}/").status_code == 200


def test_someone_with_an_account_must_sign_in_rather_than_make_another(
        api_as, demo, django_capture_on_commit_callbacks):
    token = _invite_and_get_token(api_as, demo, django_capture_on_commit_callbacks,
                                  email="teacher.leo@demo.example", role="clinician", discipline="other")
    with pytest.raises(ApplicationError) as refused:
        invitation_accept(token=token, full_name="Impostor", password="a-long-password")
    assert refused.value.code == "sign_in_first"
    assert not Membership.objects.filter(student=demo.maya, user=demo.teacher_leo).exists()


@pytest.mark.parametrize("persona", ["parent.maya", "ot", "slp"])
def test_team_members_other_than_the_case_manager_cannot_invite(api_as, demo, persona):
    assert_error(_invite(api_as(persona), demo.maya), 403)
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["parent.leo", "teacher.leo", "evaluator"])
def test_people_outside_the_childs_team_get_404(api_as, demo, persona):
    assert_error(_invite(api_as(persona), demo.maya), 404)
    assert Invitation.objects.count() == 0
