"""A page or fragment that only shows is GET only: a POST to it is answered 405, not with the page
again (the recommendation's positions and suggestions fragments, among others, used to answer POST
like GET). Derived from the URL configuration, like the authorization matrix: a page route that
takes a POST must be one of the forms listed here, with what its POST does, so a new read-only
view without require_GET fails here rather than going unnoticed. The API has its own check
(tests/core/test_api_boundary.py)."""
import re

from django.test import Client

from tests.core.routes import all_routes

# Page routes whose POST is a form's submission, and what it does. Routes that only take POST
# (require_POST actions) need no entry: they show nothing.
FORMS = {
    "set_language": "the footer's language form",
    "accounts:login": "signs in",
    "accounts:mfa_verify": "the second step of signing in",
    "accounts:mfa_enrol": "sets up an authenticator",
    "accounts:profile": "saves the profile",
    "accounts:password_change": "changes the password",
    "accounts:password_reset": "sends a reset link",
    "accounts:password_reset_confirm": "sets the new password",
    "students:invitation_accept": "accepts an invitation to a team",
    "ieps:consent": "a parent's consent",
    "ieps:paper_consent": "records consent given on paper",
    "discussions:edit": "saves an edited comment",
    "discussions:delete": "deletes a comment",
    "notifications:preferences": "saves notification preferences",
    "notifications:unsubscribe": "one-click unsubscribe (RFC 8058)",
    "deadlines:school_calendar": "saves the district's closed days",
    "deadlines:settings": "saves the district's deadline settings",
    "evaluations:request_new": "asks for an independent evaluation",
    "evaluations:assign": "assigns the evaluator",
}


def _page_routes():
    # The Django admin is the operators' own (tests/core/test_admin.py); /api/, its catch-all
    # included, answers JSON (tests/core/test_api_boundary.py).
    return [r for r in all_routes()
            if not r.pattern.startswith(("/api/", "/^api/")) and not r.name.startswith("admin:")]


def test_every_page_that_takes_a_post_is_a_form():
    showing_and_posting = {r.name for r in _page_routes() if "GET" in r.methods and "POST" in r.methods}
    unlisted = sorted(showing_and_posting - set(FORMS))
    assert not unlisted, (
        f"these pages answer POST as well as GET: {unlisted}. A page or fragment that only shows is "
        "@require_GET (inside @login_required / @page); a form's page goes in FORMS with what its POST does.")
    stale = sorted(set(FORMS) - showing_and_posting)
    assert not stale, f"FORMS lists routes that are not pages taking GET and POST: {stale}"


def _filled(pattern):
    # The method is refused before any record is looked up: any id will do.
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) in ("int", None) else "x", pattern)


def test_a_page_that_only_shows_answers_a_post_with_405(demo):
    client = Client()
    client.force_login(demo.casemanager)
    only_shows = [r for r in _page_routes() if r.methods == ("GET",)]
    answers = {r.name: client.post(_filled(r.pattern)).status_code for r in only_shows}
    assert {name: status for name, status in answers.items() if status != 405} == {}
    assert {"ieps:recommendation_positions", "ieps:recommendation_suggestions", "ieps:iep", "students:team",
            "audit:access_record"} <= set(answers)


def test_a_form_answers_only_get_and_post(demo):
    # A form's view that does not say its methods answers PUT or DELETE like a POST or a GET.
    client = Client()
    client.force_login(demo.casemanager)
    forms = [r for r in _page_routes() if r.name in FORMS]
    answers = {(r.name, method): getattr(client, method)(_filled(r.pattern)).status_code
               for r in forms for method in ("put", "patch", "delete")}
    assert {key: status for key, status in answers.items() if status != 405} == {}
