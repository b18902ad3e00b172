"""Account basics (issue 8, item 2): password reset by e-mail with the product's pages and a
throttle, the profile page, the language kept on the person, sign-in that returns to the page
asked for (only within the site), and no self sign-up."""
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve

from tests.conftest import DEMO_PASSWORD

RESET = "/accounts/password/reset/"
LOGIN = "/accounts/login/"


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _reset_link():
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


# --- Password reset -------------------------------------------------------------------------

def test_a_parent_resets_a_forgotten_password_from_the_email(demo):
    client = Client()
    page = client.get(RESET)
    assert page.status_code == 200 and "Reset your password" in page.content.decode()
    answer = client.post(RESET, {"email": "parent.maya@demo.example"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox[0].to == ["parent.maya@demo.example"]
    form = client.get(_reset_link(), follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "river-stone-lantern-9",
                                                    "new_password2": "river-stone-lantern-9"})
    assert done.status_code == 302
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.check_password("river-stone-lantern-9")
    assert Client().post(LOGIN, {"username": "parent.maya@demo.example",
                                 "password": "river-stone-lantern-9"}).status_code == 302


def test_a_reset_link_works_once(demo):
    client = Client()
    client.post(RESET, {"email": "parent.maya@demo.example"})
    link = _reset_link()
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "river-stone-lantern-9",
                                             "new_password2": "river-stone-lantern-9"})
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(demo):
    answer = Client().post(RESET, {"email": "nobody@demo.example"})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_requests_are_throttled_by_address(demo):
    client = Client()
    statuses = [client.post(RESET, {"email": "parent.maya@demo.example"}).status_code for _ in range(8)]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429] * 3
    assert len(mail.outbox) == 5


def test_a_reset_ends_the_other_sessions(demo):
    elsewhere = _signed_in(demo.parent_maya)
    client = Client()
    client.post(RESET, {"email": "parent.maya@demo.example"})
    form = client.get(_reset_link(), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "river-stone-lantern-9",
                                             "new_password2": "river-stone-lantern-9"})
    assert elsewhere.get("/accounts/profile/").status_code == 302


# --- Profile --------------------------------------------------------------------------------

def test_the_profile_page_shows_and_saves_name_email_and_language(demo):
    client = _signed_in(demo.parent_maya)
    page = client.get("/accounts/profile/").content.decode()
    assert 'value="Elena Rivera"' in page and 'value="parent.maya@demo.example"' in page
    answer = client.post("/accounts/profile/", {"full_name": "Elena Rivera-Soto", "email": "Elena@Example.org",
                                                "preferred_language": "es", "current_password": DEMO_PASSWORD})
    assert answer.status_code == 302
    demo.parent_maya.refresh_from_db()
    assert (demo.parent_maya.full_name, demo.parent_maya.email, demo.parent_maya.preferred_language) == (
        "Elena Rivera-Soto", "elena@example.org", "es")
    assert answer.cookies["django_language"].value == "es"


def test_changing_the_email_address_needs_the_current_password(demo):
    client = _signed_in(demo.parent_maya)
    for password in ("", "not-it"):
        answer = client.post("/accounts/profile/", {"full_name": "Elena Rivera", "email": "thief@example.org",
                                                    "preferred_language": "en", "current_password": password})
        assert answer.status_code == 400
        assert "give your current password" in answer.content.decode()
    # Nothing of the form was half-saved.
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.email == "parent.maya@demo.example"
    # The name alone needs no password.
    client.post("/accounts/profile/", {"full_name": "Elena R.", "email": "parent.maya@demo.example",
                                       "preferred_language": "en"})
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.full_name == "Elena R."


def test_the_profile_refuses_an_address_another_account_uses(demo):
    client = _signed_in(demo.parent_maya)
    answer = client.post("/accounts/profile/", {"full_name": "Elena Rivera", "email": "parent.leo@demo.example",
                                                "preferred_language": "en", "current_password": DEMO_PASSWORD})
    assert answer.status_code == 400
    assert "Another account uses that e-mail address." in answer.content.decode()
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.email == "parent.maya@demo.example"


def test_the_profile_page_needs_a_sign_in(demo):
    answer = Client().get("/accounts/profile/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=/accounts/profile/")


# --- Language -------------------------------------------------------------------------------

def test_the_footer_language_is_saved_on_the_signed_in_person(demo):
    client = _signed_in(demo.parent_maya)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.preferred_language == "es"


def test_the_footer_language_of_a_visitor_changes_only_the_cookie(demo):
    answer = Client().post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert answer.cookies["django_language"].value == "es"
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.preferred_language == "en"


def test_an_unknown_language_is_not_saved(demo):
    client = _signed_in(demo.parent_maya)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    demo.parent_maya.refresh_from_db()
    assert demo.parent_maya.preferred_language == "en"


def test_signing_in_applies_the_saved_language(demo):
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    client = Client()
    answer = client.post(LOGIN, {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD})
    assert answer.cookies["django_language"].value == "es"
    home = client.get("/")
    assert '<html lang="es">' in home.content.decode()


# --- Where sign-in leads --------------------------------------------------------------------

def test_signing_in_returns_to_the_page_asked_for(demo):
    client = Client()
    asked = f"/ieps/{demo.maya_iep.id}/"
    login_page = client.get(asked)
    assert login_page["Location"] == f"{LOGIN}?next={asked}"
    page = client.get(login_page["Location"])
    assert f'name="next" value="{asked}"' in page.content.decode()
    answer = client.post(LOGIN, {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD,
                                 "next": asked})
    assert answer["Location"] == asked


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_signing_in_never_leads_off_the_site(demo, elsewhere):
    answer = Client().post(LOGIN, {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD,
                                   "next": elsewhere})
    assert answer.status_code == 302 and answer["Location"] == "/"


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/register/", "/signup/", "/register/"])
def test_there_is_no_self_sign_up(path):
    with pytest.raises(Resolver404):
        resolve(path)


def test_the_account_pages_read_in_spanish(demo):
    client = Client()
    client.cookies["django_language"] = "es"
    assert "¿Olvidó su contraseña?" in client.get(LOGIN).content.decode()
    assert "Restablezca su contraseña" in client.get(RESET).content.decode()
    for n in range(5):
        locked = client.post(LOGIN, {"username": "ot@demo.example", "password": f"wrong-{n}"})
    assert "Demasiadas contraseñas incorrectas seguidas" in locked.content.decode()
    demo.parent_maya.preferred_language = "es"
    demo.parent_maya.save(update_fields=["preferred_language"])
    signed_in = Client()
    signed_in.post(LOGIN, {"username": "parent.maya@demo.example", "password": DEMO_PASSWORD})
    page = signed_in.get("/accounts/profile/").content.decode()
    assert "Su perfil" in page and "Cerrar sesión en todas partes" in page
