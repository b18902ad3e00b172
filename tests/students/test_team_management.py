"""Managing a child's team, through the API and the team page: pending invitations (resend,
cancel), removing a member (never oneself, never the last parent), inviting from the page."""
import re

import pytest
from django.core import mail
from django.test import Client

from apps.students.models import Invitation, Membership, Role
from apps.students.services import invitation_create
from tests.core.contract import assert_error
from tests.pages.test_pages import Page, page_text, signed_in

LINK = re.compile(r"https?://\S+/invitations/(?P<token>[\w-]+)/")


def _invite(demo, student=None, email="pt@school.example"):
    invitation, token = invitation_create(actor=demo.casemanager, student=student or demo.maya, email=email,
                                          role="clinician", discipline="pt")
    return invitation, token


def _links_to(address):
    return [LINK.search(m.body)["token"] for m in mail.outbox if m.to == [address]]


# ---------- the API ----------

def test_the_case_manager_lists_pending_invitations_and_others_may_not(demo, api_as):
    invitation, _token = _invite(demo)
    listed = api_as("casemanager").get(f"/api/v1/students/{demo.maya.id}/invitations/")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["results"]] == [invitation.id]
    assert api_as("admin").get(f"/api/v1/students/{demo.maya.id}/invitations/").status_code == 200
    assert_error(api_as("parent.maya").get(f"/api/v1/students/{demo.maya.id}/invitations/"), 403)
    assert_error(api_as("ot").get(f"/api/v1/students/{demo.maya.id}/invitations/"), 403)
    assert_error(api_as("parent.leo").get(f"/api/v1/students/{demo.maya.id}/invitations/"), 404)


def test_resending_sends_a_new_link_and_the_old_one_stops_working(demo, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, old = _invite(demo)
        response = api_as("casemanager").post(f"/api/v1/invitations/{invitation.id}/resend/")
    assert response.status_code == 200, response.content
    tokens = _links_to("pt@school.example")
    assert len(tokens) == 2 and tokens[0] == old and tokens[1] != old
    assert Client().get(f"/invitations/{old}/").status_code == 404
    assert Client().get(f"/invitations/{tokens[1]}/").status_code == 200


def test_cancelling_an_invitation_makes_its_link_useless(demo, api_as):
    invitation, token = _invite(demo)
    assert api_as("casemanager").post(f"/api/v1/invitations/{invitation.id}/cancel/").status_code == 204
    assert not Invitation.objects.filter(id=invitation.id).exists()
    assert Client().get(f"/invitations/{token}/").status_code == 404


@pytest.mark.parametrize("persona, status", [("parent.maya", 404), ("ot", 404), ("parent.leo", 404),
                                             ("teacher.leo", 404)])
def test_only_those_who_manage_the_team_resend_or_cancel(demo, api_as, persona, status):
    invitation, token = _invite(demo)
    for action in ("resend", "cancel"):
        assert_error(api_as(persona).post(f"/api/v1/invitations/{invitation.id}/{action}/"), status)
    invitation.refresh_from_db()
    assert invitation.token_hash  # untouched
    assert Client().get(f"/invitations/{token}/").status_code == 200


def test_an_accepted_invitation_cannot_be_resent_or_cancelled(demo, api_as):
    from apps.students.services import invitation_accept

    invitation, token = _invite(demo)
    invitation_accept(token=token, full_name="Pat Therapist", password="long-enough-pw")
    for action in ("resend", "cancel"):
        assert_error(api_as("casemanager").post(f"/api/v1/invitations/{invitation.id}/{action}/"), 409,
                     "invitation_accepted")


def test_the_case_manager_removes_a_member_and_their_access_ends(demo, api_as):
    response = api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.slp.id}/")
    assert response.status_code == 204
    assert not Membership.objects.filter(student=demo.maya, user=demo.slp).exists()
    assert_error(api_as("slp").get(f"/api/v1/students/{demo.maya.id}/"), 404)


def test_nobody_removes_themselves_or_the_last_parent(demo, api_as):
    assert_error(api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.casemanager.id}/"), 409,
                 "cannot_remove_self")
    assert_error(api_as("admin").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.parent_maya.id}/"), 409,
                 "last_parent")
    assert Membership.objects.filter(student=demo.maya, user__in=[demo.casemanager, demo.parent_maya]).count() == 2


def test_a_second_parent_can_be_removed_while_one_stays(demo, api_as):
    Membership.objects.create(user=demo.parent_leo, student=demo.maya, role=Role.PARENT)
    assert api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.parent_leo.id}/").status_code == 204
    assert_error(api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.parent_maya.id}/"), 409,
                 "last_parent")


@pytest.mark.parametrize("persona, status", [("parent.maya", 403), ("ot", 403), ("parent.leo", 404)])
def test_only_the_case_manager_and_administrators_remove_members(demo, api_as, persona, status):
    assert_error(api_as(persona).delete(f"/api/v1/students/{demo.maya.id}/team/{demo.slp.id}/"), status)
    assert Membership.objects.filter(student=demo.maya, user=demo.slp).exists()


def test_removing_someone_not_on_the_team_is_a_404(demo, api_as):
    assert_error(api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/team/{demo.teacher_leo.id}/"), 404)


# ---------- the team page ----------

def test_the_team_page_invites_lists_pending_invitations_and_removes(demo, django_capture_on_commit_callbacks):
    client = signed_in(demo.casemanager)
    html = page_text(client.get(f"/students/{demo.maya.id}/team/"))
    assert not Page(html).unlabelled_inputs()
    # No "Remove" for oneself or for the only parent: the rule the service checks.
    assert f"/team/members/{demo.casemanager.id}/remove/" not in html
    assert f"/team/members/{demo.parent_maya.id}/remove/" not in html
    assert f"/team/members/{demo.slp.id}/remove/" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/students/{demo.maya.id}/team/invite/",
                               {"email": "pt@school.example", "role": "clinician", "discipline": "pt"})
    assert response.status_code == 302
    assert len(_links_to("pt@school.example")) == 1
    invitation = Invitation.objects.get(email="pt@school.example")
    html = page_text(client.get(f"/students/{demo.maya.id}/team/"))
    assert f'id="invitation-{invitation.id}"' in html
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{invitation.id}/cancel/").status_code == 302
    assert not Invitation.objects.filter(id=invitation.id).exists()
    assert client.post(f"/students/{demo.maya.id}/team/members/{demo.slp.id}/remove/").status_code == 302
    assert not Membership.objects.filter(student=demo.maya, user=demo.slp).exists()


def test_the_invite_form_shows_the_services_refusal_next_to_the_field(demo, api_as):
    client = signed_in(demo.casemanager)
    response = client.post(f"/students/{demo.maya.id}/team/invite/", {"email": "pt@school.example", "role": "clinician"})
    assert response.status_code == 422
    html = page_text(response)
    assert 'id="invite-discipline_error"' in html and "Required for clinicians." in html
    api = api_as("casemanager").post(f"/api/v1/students/{demo.maya.id}/team/",
                                     {"email": "pt@school.example", "role": "clinician"}, format="json")
    assert api.json()["error"]["fields"]["discipline"] == ["Required for clinicians."]
    response = client.post(f"/students/{demo.maya.id}/team/invite/", {"email": demo.ot.email, "role": "parent"})
    assert response.status_code == 422 and "already on this team" in page_text(response)
    assert not Invitation.objects.exists()


def test_removing_the_last_parent_from_the_page_is_refused_in_words(demo):
    response = signed_in(demo.casemanager).post(f"/students/{demo.maya.id}/team/members/{demo.parent_maya.id}/remove/")
    assert response.status_code == 409
    assert "always keeps at least one parent" in page_text(response)
    assert Membership.objects.filter(student=demo.maya, user=demo.parent_maya).exists()


@pytest.mark.parametrize("persona, status", [("parent.maya", 403), ("ot", 403), ("parent.leo", 404),
                                             ("evaluator", 404)])
def test_those_who_do_not_manage_the_team_neither_see_nor_use_the_team_page(demo, persona, status):
    invitation, _token = _invite(demo)
    client = signed_in(demo.users[persona])
    if status == 403:
        assert "/team/\"" not in page_text(client.get(f"/students/{demo.maya.id}/"))
    assert client.get(f"/students/{demo.maya.id}/team/").status_code == status
    assert client.post(f"/students/{demo.maya.id}/team/invite/",
                       {"email": "x@example.com", "role": "parent"}).status_code == status
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{invitation.id}/cancel/").status_code == status
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{invitation.id}/resend/").status_code == status
    assert client.post(f"/students/{demo.maya.id}/team/members/{demo.slp.id}/remove/").status_code == status
    assert Invitation.objects.filter(id=invitation.id).exists() and Invitation.objects.count() == 1
    assert Membership.objects.filter(student=demo.maya, user=demo.slp).exists()


def test_an_invitation_of_another_team_cannot_be_reached_through_this_one(demo):
    leo_invitation, _token = _invite(demo, student=demo.leo)
    client = signed_in(demo.casemanager)  # manages both teams
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{leo_invitation.id}/cancel/").status_code == 403
    assert Invitation.objects.filter(id=leo_invitation.id).exists()


def test_team_forms_need_the_csrf_token(demo):
    invitation, _token = _invite(demo)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.casemanager)
    assert client.post(f"/students/{demo.maya.id}/team/invite/", {"email": "x@example.com",
                                                                  "role": "parent"}).status_code == 403
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{invitation.id}/cancel/").status_code == 403
    assert client.post(f"/students/{demo.maya.id}/team/invitations/{invitation.id}/resend/").status_code == 403
    assert client.post(f"/students/{demo.maya.id}/team/members/{demo.slp.id}/remove/").status_code == 403
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().token_hash == invitation.token_hash  # not resent
    assert Membership.objects.filter(student=demo.maya, user=demo.slp).exists()
