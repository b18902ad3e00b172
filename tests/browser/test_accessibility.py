"""The accessibility check itself: it finds a real violation (so a clean result means something),
and the pages nobody else's browser test visits (sign-in, errors) pass it at both widths."""
import pytest

from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_check_finds_a_missing_label_and_poor_contrast(page):
    page.set_content("""<!doctype html><html lang="en"><head><title>t</title></head><body><main>
        <h1>Form</h1><input type="text"><p style="color:#aaa;background:#fff">Faint text</p></main></body></html>""")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "a broken page")
    message = str(failure.value)
    assert "label" in message and "color-contrast" in message
    assert "390x844" in message and "1280x900" in message


def test_the_sign_in_page_and_its_error_state_are_accessible(page, transactional_demo):
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("parent.maya@demo.example")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".errorlist, [role=alert], .form-errors")
    assert_accessible(page, "wrong password")


def test_the_error_pages_are_accessible(page, sign_in, transactional_demo):
    assert page.goto("/no-such-page/").status == 404
    assert_accessible(page, "404 signed out")
    sign_in("parent.leo")
    assert page.goto(f"/ieps/{transactional_demo.maya_iep.id}/").status == 404
    assert_accessible(page, "404 signed in")


def _pages_of(demo):
    rec = demo.maya_recs[0]
    return {
        "parent.maya": ["/", f"/students/{demo.maya.id}/", f"/ieps/{demo.maya_iep.id}/", f"/recommendations/{rec.id}/",
                        f"/recommendations/{rec.id}/discussion/", "/notifications/",
                        f"/ieps/{demo.maya_iep.id}/evaluations/new/", f"/ieps/{demo.maya_iep.id}/evaluations/"],
        "admin": ["/", f"/ieps/{demo.leo_iep.id}/", "/evaluations/queue/"],
        "casemanager": ["/", f"/ieps/{demo.leo_iep.id}/", f"/recommendations/{demo.leo_recs[0].id}/"],
        "evaluator": ["/", "/evaluations/mine/"],
    }


def test_every_page_each_persona_opens_from_the_navigation_is_accessible(transactional_demo, open_as):
    failures = []
    for persona, paths in _pages_of(transactional_demo).items():
        tab = open_as(persona)
        for path in paths:
            assert tab.goto(path).status == 200, (persona, path)
            tab.wait_for_load_state("networkidle")
            try:
                assert_accessible(tab, persona)
            except AssertionError as failure:
                failures.append(str(failure))
    assert not failures, "\n\n".join(failures)
    # The check sees these pages as they are (their Content-Security-Policy does not stop it).
    tab.evaluate("document.querySelector('main').append(document.createElement('input'))")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(tab, "an unlabelled field added")
