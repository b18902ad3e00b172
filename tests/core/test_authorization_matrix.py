"""Who may call what: every route of the URL configuration (API and pages, every method) × every
persona × Maya's and Leo's records, against a literal table of expected answers.

The routes are enumerated from the URL configuration (tests/core/routes.py), so a route that has
no row in EXPECTED fails `test_every_route_of_the_url_configuration_has_a_row` with the row to add.
The expected answers are written out by hand from API.md and DESIGN.md, not derived from the
policy code:
- "team" means the child's team; district admins read whatever the team reads;
- a record one may not see answers 404 (never 403); one that is visible but not allowed, 403;
- anonymous callers get 401 from the API and a redirect (302) to the sign-in page from pages;
- a 409 (or 400/422 on a page) means the caller is allowed but the record's state refuses it now
  (an approved request cannot be approved again): the call got past authorization;
- "evaluator" has no engagement and sees no child at all; "evaluator.scoped" attested on Maya's
  request and may read Maya's disputed recommendations, and nothing of Leo's.

Demo teams: Maya (parent.maya, casemanager, ot, slp); Leo (parent.leo, casemanager, teacher.leo).
The records used are described in tests/core/matrix_world.py.
"""
import re

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import _load_demo, api_client_for
from tests.core.contract import assert_error
from tests.core.matrix_world import (CHILDREN, COLUMNS, LITERAL_PATHS, MULTIPART, OWN_ACCOUNT_KWARGS,
                                     OWN_ACCOUNT_PAYLOADS, PAYLOADS, SCOPED_EVALUATOR, build_world, url_kwargs)
from tests.core.routes import all_routes

# Namespaces covered by one row per method, whatever routes they hold.
WILDCARDS = {"admin": ("GET", "POST")}  # the Django admin: no persona is staff


# (route name, method): the status each column of COLUMNS gets, on Maya's record | on Leo's.
# A route that takes no record has one group. One row per route and method: to add a route, add
# its rows (the coverage test prints them with ??? to fill in from API.md).
#                                                    anon adm  cm  ot slp t.leo p.maya p.leo ev ev.scoped
EXPECTED = {
    ("api:token", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("api:me", "GET"): "401 200 200 200 200 200 200 200 200 200",
    # The caller's own account: each persona on their own token (matrix_world.OWN_ACCOUNT_KWARGS).
    ("api:me-tokens", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:me-token", "DELETE"): "401 204 204 204 204 204 204 204 204 204",
    ("api:me-sign-out-everywhere", "POST"): "401 204 204 204 204 204 204 204 204 204",
    ("api:student-list", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:student-detail", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:student-team", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:student-team", "POST"): "401 201 201 403 403 404 403 404 404 403 | 401 201 201 404 404 403 404 403 404 404",
    # README "Working in the pages": managing the team is the case manager's and the administrators'.
    ("api:student-team-member", "DELETE"): "401 204 204 403 403 404 403 404 404 403 | 401 204 204 404 404 403 404 403 404 404",
    ("api:student-invitations", "GET"): "401 200 200 403 403 404 403 404 404 403 | 401 200 200 404 404 403 404 403 404 404",
    # Only those who manage the team ever see its invitations: to anyone else one does not exist.
    ("api:invitation-resend", "POST"): "401 200 200 404 404 404 404 404 404 404 | 401 200 200 404 404 404 404 404 404 404",
    ("api:invitation-cancel", "POST"): "401 204 204 404 404 404 404 404 404 404 | 401 204 204 404 404 404 404 404 404 404",
    ("api:student-access-log", "GET"): "401 200 403 403 403 404 200 404 404 403 | 401 200 403 404 404 403 404 200 404 404",
    ("api:student-ieps", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:student-ieps", "POST"): "401 201 201 403 403 404 403 404 404 403 | 401 201 201 404 404 403 404 403 404 404",
    ("api:iep-detail", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    # A draft's dates: Maya's IEP is proposed (409 iep_locked), Leo's a draft.
    ("api:iep-detail", "PATCH"): "401 409 409 403 403 404 403 404 404 403 | 401 200 200 404 404 403 404 403 404 404",
    ("api:iep-status", "POST"): "401 200 200 403 403 404 403 404 404 403 | 401 200 200 404 404 403 404 403 404 404",
    # API.md, consent: a parent of the child, while proposed (Leo's is a draft: 409); staff sign;
    # the case manager records paper consent and starts amendments (of an active IEP: 409 here).
    ("api:iep-consent", "POST"): "401 403 403 403 403 404 200 404 404 403 | 401 403 403 404 404 403 404 409 404 404",
    ("api:iep-paper-consent", "POST"): "401 403 200 403 403 404 403 404 404 403 | 401 403 409 404 404 403 404 403 404 404",
    ("api:iep-signatures", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:iep-signatures", "POST"): "401 403 201 201 201 404 403 404 404 403 | 401 403 409 404 404 409 404 403 404 404",
    # The signed copy holds every recommendation: not the evaluator's (they see the disputed ones).
    ("api:iep-signed-pdf", "GET"): "401 200 200 200 200 404 200 404 404 403 | 401 409 409 404 404 409 404 409 404 404",
    ("api:iep-amendment", "POST"): "401 403 409 403 403 404 403 404 404 403 | 401 403 409 404 404 403 404 403 404 404",
    ("api:iep-recommendations", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:iep-recommendations", "POST"): "401 403 201 201 201 404 403 404 404 403 | 401 403 201 404 404 201 404 403 404 404",
    ("api:iep-events", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-detail", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-detail", "PATCH"): "401 403 200 200 403 404 403 404 404 403 | 401 403 200 404 404 200 404 403 404 404",
    ("api:recommendation-versions", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-positions", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-position", "PUT"): "401 403 200 200 200 404 200 404 404 403 | 401 403 200 404 404 200 404 200 404 404",
    ("api:recommendation-position-history", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    # Suggested changes (API.md): the team reads them; anyone who may take a position suggests; the
    # recommendation's author (Maya's: the OT; Leo's: his teacher) or the case manager decides; the
    # suggester (each child's parent, matrix_world) withdraws.
    ("api:recommendation-suggestions", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-suggestions", "POST"): "401 403 201 201 201 404 201 404 404 403 | 401 403 201 404 404 201 404 201 404 404",
    ("api:suggestion-accept", "POST"): "401 403 200 200 403 404 403 404 404 403 | 401 403 200 404 404 200 404 403 404 404",
    ("api:suggestion-decline", "POST"): "401 403 200 200 403 404 403 404 404 403 | 401 403 200 404 404 200 404 403 404 404",
    ("api:suggestion-withdraw", "POST"): "401 403 403 403 403 404 200 404 404 403 | 401 403 403 404 404 403 404 200 404 404",
    ("api:recommendation-comments", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:recommendation-comments", "POST"): "401 403 201 201 201 404 201 404 404 403 | 401 403 201 404 404 201 404 201 404 404",
    ("api:recommendation-resolve", "POST"): "401 403 200 200 200 404 200 404 404 403 | 401 403 200 404 404 200 404 200 404 404",
    ("api:recommendation-reopen", "POST"): "401 403 409 409 409 404 409 404 404 403 | 401 403 409 404 404 409 404 409 404 404",
    ("api:recommendation-read", "POST"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:comment-detail", "DELETE"): "401 403 403 200 403 404 403 404 404 403 | 401 403 403 404 404 200 404 403 404 404",
    ("api:comment-detail", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:comment-detail", "PATCH"): "401 403 403 200 403 404 403 404 404 403 | 401 403 403 404 404 200 404 403 404 404",
    ("api:iep-unread", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    # Prior written notice: the case manager or an administrator issues it; the team reads it (an
    # evaluator only on a recommendation in their scope: Maya's first is).
    ("api:recommendation-notice", "POST"): "401 201 201 403 403 404 403 404 404 403 | 401 201 201 404 404 403 404 403 404 404",
    ("api:iep-notices", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:notice-pdf", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:notification-list", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:notification-read", "POST"): "401 404 404 404 404 404 200 404 404 404 | 401 404 404 404 404 404 404 200 404 404",
    ("api:iep-evaluation-requests", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:iep-evaluation-requests", "POST"): "401 403 201 403 403 404 201 404 404 403 | 401 403 201 404 404 403 404 201 404 404",
    ("api:evaluation-request-list", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:evaluation-request-detail", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:evaluation-request-decision", "POST"): "401 409 403 403 403 404 403 404 404 403 | 401 200 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-evaluators", "GET"): "401 200 403 403 403 404 403 404 404 403 | 401 200 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-assign", "POST"): "401 409 403 403 403 404 403 404 404 403 | 401 409 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-attestation", "POST"): "401 403 403 403 403 404 403 404 404 409 | 401 403 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-report", "GET"): "401 404 404 404 404 404 404 404 404 200 | 401 404 404 404 404 404 404 404 404 404",
    ("api:evaluation-request-report", "POST"): "401 403 403 403 403 404 403 404 404 201 | 401 403 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-files", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:evaluation-request-file", "DELETE"): "401 404 404 404 404 404 404 404 404 204 | 401 404 404 404 404 404 404 404 404 404",
    ("api:evaluation-request-file", "GET"): "401 404 404 404 404 404 404 404 404 200 | 401 404 404 404 404 404 404 404 404 404",
    ("api:evaluation-request-findings", "GET"): "401 404 404 404 404 404 404 404 404 404 | 401 404 404 404 404 404 404 404 404 404",
    ("api:evaluation-request-findings", "PUT"): "401 403 403 403 403 404 403 404 404 200 | 401 403 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-amendments", "POST"): "401 403 403 403 403 404 403 404 404 409 | 401 403 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-submit", "POST"): "401 403 403 403 403 404 403 404 404 400 | 401 403 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-acknowledge", "POST"): "401 403 409 409 409 404 409 404 404 403 | 401 403 409 404 404 409 404 409 404 404",
    ("api:evaluation-request-withdraw", "POST"): "401 403 403 403 403 404 200 404 404 403 | 401 403 403 404 404 403 404 200 404 404",
    ("api:evaluation-request-close", "POST"): "401 409 409 403 403 404 403 404 404 403 | 401 409 409 404 404 403 404 403 404 404",
    ("api:evaluation-request-revoke", "POST"): "401 200 403 403 403 404 403 404 404 403 | 401 409 403 404 404 403 404 403 404 404",
    ("api:evaluation-request-questions", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 404 404 404 404 404 404 404 404 404",
    ("api:evaluation-request-questions", "POST"): "401 403 201 201 201 404 201 404 404 201 | 401 404 404 404 404 404 404 404 404 404",
    # Deadlines (API.md "Deadlines, reminders and notifications"): each child's annual review, owned by
    # the case manager and watched by the parents. An evaluator sees only their own deadlines (the
    # scoped one's report deadline): the annual review does not exist for them.
    ("api:deadline-list", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:student-deadlines", "GET"): "401 200 200 200 200 404 200 404 404 200 | 401 200 200 404 404 200 404 200 404 404",
    ("api:student-deadlines", "POST"): "401 201 201 403 403 404 403 404 404 403 | 401 201 201 404 404 403 404 403 404 404",
    ("api:deadline-detail", "GET"): "401 200 200 200 200 404 200 404 404 404 | 401 200 200 404 404 200 404 200 404 404",
    ("api:deadline-met", "POST"): "401 200 200 403 403 404 403 404 404 404 | 401 200 200 404 404 403 404 403 404 404",
    ("api:deadline-cancel", "POST"): "401 200 200 403 403 404 403 404 404 404 | 401 200 200 404 404 403 404 403 404 404",
    # The district administrator's deadline settings (their own district); to anyone else they do not exist.
    ("api:deadline-settings", "GET"): "401 200 404 404 404 404 404 404 404 404",
    ("api:deadline-settings", "PUT"): "401 200 404 404 404 404 404 404 404 404",
    ("api:calendar", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:calendar-reset", "POST"): "401 200 200 200 200 200 200 200 200 200",
    ("api:notification-preferences", "GET"): "401 200 200 200 200 200 200 200 200 200",
    ("api:notification-preferences", "PUT"): "401 200 200 200 200 200 200 200 200 200",
    ("schema", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("api-docs", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("/^api/", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("/^api/", "POST"): "404 404 404 404 404 404 404 404 404 404",
    # README "Operators": a visitor is sent to the sign-in page; anyone signed in who is not an
    # operator (no persona is) gets the product's 404.
    ("admin:*", "GET"): "302 404 404 404 404 404 404 404 404 404",
    ("admin:*", "POST"): "302 404 404 404 404 404 404 404 404 404",
    ("set_language", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("set_language", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("session-keep-alive", "POST"): "401 204 204 204 204 204 204 204 204 204",
    ("accounts:login", "GET"): "200 302 302 302 302 302 302 302 302 302",
    ("accounts:login", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:logout", "POST"): "302 302 302 302 302 302 302 302 302 302",
    # No pending sign-in: the second step sends everyone back to the sign-in page.
    ("accounts:mfa_verify", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:mfa_verify", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:mfa_enrol", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("accounts:mfa_enrol", "POST"): "302 200 200 200 200 200 200 200 200 200",
    # Nobody in the demo has an authenticator: both send back to the profile page.
    ("accounts:mfa_recovery_codes", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:mfa_remove", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:profile", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("accounts:profile", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:token_revoke", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:sign_out_everywhere", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:password_change", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("accounts:password_change", "POST"): "302 302 302 302 302 302 302 302 302 302",
    # For visitors: whoever is signed in may also ask for a link; an unknown address gets the same answer.
    ("accounts:password_reset", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("accounts:password_reset", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:password_reset_done", "GET"): "200 200 200 200 200 200 200 200 200 200",
    # One's own valid link moves to the form for the new password (the link leaves the address bar).
    ("accounts:password_reset_confirm", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:password_reset_confirm", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("accounts:password_reset_complete", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("students:invitation_accept", "GET"): "200 200 200 200 200 200 200 200 200 200 | 200 200 200 200 200 200 200 200 200 200",
    ("students:invitation_accept", "POST"): "302 200 200 200 200 200 200 200 200 200 | 302 200 200 200 200 200 200 200 200 200",
    ("students:team", "GET"): "302 200 200 403 403 404 403 404 404 403 | 302 200 200 404 404 403 404 403 404 404",
    # Pages and fragments that only show are require_GET (inside login_required, like every
    # restricted page): a POST is a visitor's sign-in redirect and 405 for everyone signed in, before
    # any record is looked up, so it tells nobody whether the record exists. This row and the other
    # POST rows of 405s below used to repeat their GET answers; tests/core/test_page_methods.py keeps
    # a new read-only page from doing so again.
    ("students:team", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("students:team_invite", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("students:invitation_resend", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("students:invitation_cancel", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("students:member_remove", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    # The record of access: the child's parents and the district's administrators.
    ("audit:access_record", "GET"): "302 200 403 403 403 404 200 404 404 403 | 302 200 403 404 404 403 404 200 404 404",
    ("audit:access_record", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("audit:access_record_csv", "GET"): "302 200 403 403 403 404 200 404 404 403 | 302 200 403 404 404 403 404 200 404 404",
    ("audit:access_record_csv", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:home", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("ieps:home", "POST"): "302 405 405 405 405 405 405 405 405 405",
    ("ieps:student", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:student", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:iep_create", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("ieps:iep", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:iep", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:iep_dates", "POST"): "302 422 422 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("ieps:iep_status", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("ieps:consent", "GET"): "302 403 403 403 403 404 200 404 404 403 | 302 403 403 404 404 403 404 200 404 404",
    ("ieps:consent", "POST"): "302 403 403 403 403 404 302 404 404 403 | 302 403 403 404 404 403 404 409 404 404",
    ("ieps:paper_consent", "GET"): "302 403 200 403 403 404 403 404 404 403 | 302 403 200 404 404 403 404 403 404 404",
    ("ieps:paper_consent", "POST"): "302 403 302 403 403 404 403 404 404 403 | 302 403 409 404 404 403 404 403 404 404",
    ("ieps:staff_signature", "POST"): "302 403 302 302 302 404 403 404 404 403 | 302 403 409 404 404 409 404 403 404 404",
    ("ieps:amendment", "POST"): "302 403 409 403 403 404 403 404 404 403 | 302 403 409 404 404 403 404 403 404 404",
    ("ieps:recommendation_create", "POST"): "302 403 302 302 302 404 403 404 404 403 | 302 403 302 404 404 302 404 403 404 404",
    ("ieps:recommendation", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:recommendation_card", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation_card", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:recommendation_item", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation_item", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    # The author or the case manager revises and withdraws; the case manager records the decision.
    ("ieps:recommendation_revise", "POST"): "302 403 302 302 403 404 403 404 404 403 | 302 403 302 404 404 302 404 403 404 404",
    ("ieps:recommendation_decide", "POST"): "302 403 302 403 403 404 403 404 404 403 | 302 403 302 404 404 403 404 403 404 404",
    ("ieps:recommendation_withdraw", "POST"): "302 403 302 302 403 404 403 404 404 403 | 302 403 302 404 404 302 404 403 404 404",
    ("ieps:position_record", "POST"): "302 403 302 302 302 404 302 404 404 403 | 302 403 302 404 404 302 404 302 404 404",
    ("ieps:notice_create", "POST"): "302 302 302 403 403 404 403 404 404 403 | 302 302 302 404 404 403 404 403 404 404",
    ("ieps:notice", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    # The guidance for a parent who disagrees is a page anyone who sees the recommendation may read.
    ("ieps:guidance", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation_positions", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation_positions", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:recommendation_suggestions", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("ieps:recommendation_suggestions", "POST"): "302 405 405 405 405 405 405 405 405 405 | 302 405 405 405 405 405 405 405 405 405",
    ("ieps:suggestion_create", "POST"): "302 403 302 302 302 404 302 404 404 403 | 302 403 302 404 404 302 404 302 404 404",
    ("ieps:suggestion_accept", "POST"): "302 403 302 302 403 404 403 404 404 403 | 302 403 302 404 404 302 404 403 404 404",
    ("ieps:suggestion_decline", "POST"): "302 403 302 302 403 404 403 404 404 403 | 302 403 302 404 404 302 404 403 404 404",
    ("ieps:suggestion_withdraw", "POST"): "302 403 403 403 403 404 302 404 404 403 | 302 403 403 404 404 403 404 302 404 404",
    ("discussions:discussion", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("discussions:thread", "GET"): "302 302 302 302 302 404 302 404 404 302 | 302 302 302 404 404 302 404 302 404 404",
    ("discussions:create", "POST"): "302 403 302 302 302 404 302 404 404 403 | 302 403 302 404 404 302 404 302 404 404",
    ("discussions:resolve", "POST"): "302 403 302 302 302 404 302 404 404 403 | 302 403 302 404 404 302 404 302 404 404",
    ("discussions:reopen", "POST"): "302 403 409 409 409 404 409 404 404 403 | 302 403 409 404 404 409 404 409 404 404",
    ("discussions:read", "POST"): "302 302 302 302 302 404 302 404 404 302 | 302 302 302 404 404 302 404 302 404 404",
    ("discussions:reply", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("discussions:edit", "GET"): "302 403 403 200 403 404 403 404 404 403 | 302 403 403 404 404 200 404 403 404 404",
    ("discussions:edit", "POST"): "302 403 403 302 403 404 403 404 404 403 | 302 403 403 404 404 302 404 403 404 404",
    ("discussions:delete", "GET"): "302 403 403 200 403 404 403 404 404 403 | 302 403 403 404 404 200 404 403 404 404",
    ("discussions:delete", "POST"): "302 403 403 302 403 404 403 404 404 403 | 302 403 403 404 404 302 404 403 404 404",
    ("notifications:list", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("notifications:read", "POST"): "302 404 404 404 404 404 302 404 404 404 | 302 404 404 404 404 404 404 302 404 404",
    ("notifications:read_all", "POST"): "302 302 302 302 302 302 302 302 302 302",
    # Each persona's own notification (the e-mail's link): marked read, then on to what it is about.
    ("notifications:open", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("notifications:preferences", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("notifications:preferences", "POST"): "302 302 302 302 302 302 302 302 302 302",
    # The signed link is the proof (RFC 8058), signed in or not: each on their own link (a visitor on parent.maya's).
    ("notifications:unsubscribe", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("notifications:unsubscribe", "POST"): "200 200 200 200 200 200 200 200 200 200",
    # Whoever holds the secret reads that person's calendar (each their own; a visitor parent.maya's).
    ("deadlines:feed", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("deadlines:calendar_reset", "POST"): "302 302 302 302 302 302 302 302 302 302",
    # The district administrator's: to anyone else these pages do not exist.
    ("deadlines:compliance", "GET"): "302 200 404 404 404 404 404 404 404 404",
    ("deadlines:school_calendar", "GET"): "302 200 404 404 404 404 404 404 404 404",
    ("deadlines:school_calendar", "POST"): "302 302 404 404 404 404 404 404 404 404",
    ("deadlines:settings", "GET"): "302 200 404 404 404 404 404 404 404 404",
    ("deadlines:settings", "POST"): "302 302 404 404 404 404 404 404 404 404",
    ("deadlines:detail", "GET"): "302 200 200 200 200 404 200 404 404 404 | 302 200 200 404 404 200 404 200 404 404",
    ("deadlines:close", "POST"): "302 302 302 403 403 404 403 404 404 404 | 302 302 302 404 404 403 404 403 404 404",
    ("evaluations:iep_evaluations", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("evaluations:iep_panel", "GET"): "302 200 200 200 200 404 200 404 404 200 | 302 200 200 404 404 200 404 200 404 404",
    ("evaluations:request_new", "GET"): "302 403 200 403 403 404 200 404 404 403 | 302 403 200 404 404 403 404 200 404 404",
    ("evaluations:request_new", "POST"): "302 403 302 403 403 404 302 404 404 403 | 302 403 302 404 404 403 404 302 404 404",
    ("evaluations:detail", "GET"): "302 200 200 200 200 404 200 404 404 302 | 302 200 200 404 404 200 404 200 404 404",
    ("evaluations:acknowledge", "POST"): "302 403 302 302 302 404 302 404 404 403 | 302 403 302 404 404 302 404 302 404 404",
    ("evaluations:withdraw", "POST"): "302 403 403 403 403 404 302 404 404 403 | 302 403 403 404 404 403 404 302 404 404",
    ("evaluations:question_post", "POST"): "302 403 302 302 302 404 302 404 404 302 | 302 404 404 404 404 404 404 404 404 404",
    ("evaluations:queue", "GET"): "302 200 404 404 404 404 404 404 404 404",
    ("evaluations:decide", "POST"): "302 422 403 403 403 404 403 404 404 403 | 302 302 403 404 404 403 404 403 404 404",
    ("evaluations:assign", "GET"): "302 200 403 403 403 404 403 404 404 403 | 302 200 403 404 404 403 404 403 404 404",
    ("evaluations:assign", "POST"): "302 422 403 403 403 404 403 404 404 403 | 302 422 403 404 404 403 404 403 404 404",
    ("evaluations:mine", "GET"): "302 200 200 200 200 200 200 200 200 200",
    ("evaluations:workspace", "GET"): "302 302 302 302 302 404 302 404 404 200 | 302 302 302 404 404 302 404 302 404 404",
    ("evaluations:workspace_files", "GET"): "302 404 404 404 404 404 404 404 404 200 | 302 404 404 404 404 404 404 404 404 404",
    ("evaluations:attest", "POST"): "302 403 403 403 403 404 403 404 404 422 | 302 403 403 404 404 403 404 403 404 404",
    ("evaluations:upload", "POST"): "302 403 403 403 403 404 403 404 404 302 | 302 403 403 404 404 403 404 403 404 404",
    ("evaluations:file_delete", "POST"): "302 404 404 404 404 404 404 404 404 302 | 302 404 404 404 404 404 404 404 404 404",
    ("evaluations:findings", "POST"): "302 403 403 403 403 404 403 404 404 302 | 302 403 403 404 404 403 404 403 404 404",
}


def _route_key(route):
    namespace = route.name.split(":", 1)[0] if ":" in route.name else ""
    return f"{namespace}:*" if namespace in WILDCARDS else route.name


def _routes_by_key():
    found = {}
    for route in all_routes():
        key = _route_key(route)
        methods = WILDCARDS.get(key[:-2], route.methods) if key.endswith(":*") else route.methods
        entry = found.setdefault(key, {"route": route, "methods": set()})
        entry["methods"].update(methods)
    return found


def _takes_a_record(route):
    if _route_key(route).endswith(":*") or _route_key(route) in OWN_ACCOUNT_KWARGS:
        return False
    return bool(re.search(r"<(?:\w+:)?\w+>", route.pattern))


def _template_row(key, method, route):
    blank = " ".join(["???"] * len(COLUMNS))
    groups = f"{blank} | {blank}" if _takes_a_record(route) else blank
    return f'    ("{key}", "{method}"): "{groups}",'


def _refuses(row):
    """A row for a method the route does not have: kept on purpose when it says so, 405 for every
    signed-in persona (and the sign-in redirect for a visitor); any other answer is a stale row."""
    return all(group.split()[1:] == ["405"] * (len(COLUMNS) - 1) for group in row.split("|"))


def test_every_route_of_the_url_configuration_has_a_row():
    routes = _routes_by_key()
    missing = [_template_row(key, method, entry["route"])
               for key, entry in routes.items() for method in sorted(entry["methods"])
               if (key, method) not in EXPECTED]
    assert not missing, (
        f"{len(missing)} route(s) of the URL configuration have no row in EXPECTED "
        f"(tests/core/test_authorization_matrix.py). Add these, with each ??? replaced by the answer API.md "
        f"says that column must get ({' '.join(COLUMNS)}; Maya's record | Leo's):\n" + "\n".join(missing))
    stale = [key for key in EXPECTED if key[0] not in routes
             or (key[1] not in routes[key[0]]["methods"] and not _refuses(EXPECTED[key]))]
    assert not stale, f"rows for routes or methods the URL configuration no longer has: {stale}"


def test_the_table_has_a_well_formed_row_for_each_route():
    routes = _routes_by_key()
    for (key, method), row in EXPECTED.items():
        groups = [g.split() for g in row.split("|")]
        want = 2 if _takes_a_record(routes[key]["route"]) else 1
        assert len(groups) == want, f"{key} {method}: {want} group(s) of answers expected"
        for group in groups:
            assert len(group) == len(COLUMNS) and all(a.isdigit() for a in group), f"{key} {method}: {row}"


# ---------------------------------------------------------------------------------------------
# Calling each route as each persona, on each child's record.
# ---------------------------------------------------------------------------------------------

def _fingerprint():
    """What any write could change: the row count of every table of the product, and the state
    fields that actions flip."""
    from apps.discussions.models import Comment, Thread
    from apps.evaluations.models import EvaluationRequest
    from apps.ieps.models import IEP, Recommendation
    from apps.notifications.models import Notification

    counts = {m._meta.label: m.objects.count() for m in apps.get_models() if m.__module__.startswith("apps.")}
    return counts, (
        list(IEP.objects.order_by("id").values_list("status")),
        list(Recommendation.objects.order_by("id").values_list("version", "rationale")),
        list(Comment.objects.order_by("id").values_list("body", "deleted_at")),
        list(Thread.objects.order_by("id").values_list("status")),
        list(EvaluationRequest.objects.order_by("id").values_list("status")),
        list(Notification.objects.order_by("id").values_list("read_at")),
    )


class _Callers:
    """One signed-in client per persona: token clients for the API, session clients for pages."""

    def __init__(self, demo):
        self.demo, self.api, self.pages = demo, {}, {}
        # Signing the clients in writes (an API token is a row of apps.accounts): done before the
        # baseline, so that only what a call itself changes is compared.
        for persona in COLUMNS:
            self.client(persona, for_api=True)
            self.client(persona, for_api=False)
        # Every call runs in a savepoint that is rolled back, so each one starts from this state.
        self.baseline = _fingerprint()

    def client(self, persona, for_api):
        cache = self.api if for_api else self.pages
        if persona not in cache:
            user = None if persona == "anonymous" else self.demo.users[persona]
            if for_api:
                cache[persona] = api_client_for(user)
            else:
                cache[persona] = Client()
                if user is not None:
                    cache[persona].force_login(user)
        return cache[persona]


def _path(key, method, route, target, persona, demo):
    literal = LITERAL_PATHS.get(key)
    if isinstance(literal, dict):
        return literal[method]
    if literal:
        return literal
    names = re.findall(r"<(?:\w+:)?(\w+)>", route.pattern)
    if key in OWN_ACCOUNT_KWARGS:
        kwargs = OWN_ACCOUNT_KWARGS[key](persona, demo)
    else:
        kwargs = url_kwargs(target) if target else {}
    return reverse(route.name, kwargs={name: kwargs[name] for name in names})


def _call(client, method, path, payload, key, for_api):
    if for_api and (key, method) not in MULTIPART:
        extra = {"format": "json"} if payload is not None else {}
    else:
        extra = {}
    if method == "GET":
        return client.get(path, payload or {})
    if not for_api and method in ("PUT", "PATCH", "DELETE"):
        from urllib.parse import urlencode

        return getattr(client, method.lower())(path, urlencode(payload or {}, doseq=True),
                                               content_type="application/x-www-form-urlencoded")
    if payload is None:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, payload, **extra)


def _answer(callers, key, method, route, target, persona):
    """The status one persona gets, inside a savepoint rolled back afterwards, so every call
    meets the same records. A refused call must also leave everything as it was."""
    from django.core.cache import cache

    for_api = route.is_api
    client = callers.client(persona, for_api)
    problem = None
    # Throttle counters live in the cache: like the records, each call starts from none.
    cache.clear()
    with transaction.atomic():
        if (key, method) in OWN_ACCOUNT_PAYLOADS:
            payload = OWN_ACCOUNT_PAYLOADS[(key, method)](persona, callers.demo)
        else:
            payload_of = PAYLOADS.get((key, method))
            payload = payload_of(target, callers.demo) if payload_of else None
        path = _path(key, method, route, target, persona, callers.demo)
        response = _call(client, method, path, payload, key, for_api)
        status = response.status_code
        if status >= 400:
            if _fingerprint() != callers.baseline:
                problem = "a refused call changed something"
            if for_api and route.name.startswith("api:"):
                try:
                    assert_error(response, status)
                except AssertionError as error:
                    problem = f"not the contract's error answer: {error}"
        if getattr(response, "streaming", False):
            # Read through the test client's wrapper, which keeps request_finished (and with it
            # close_old_connections) away from the test's open transaction; close() would not.
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return status, problem


def _rows():
    return [pytest.param(key, method, id=f"{key} {method}") for key, method in EXPECTED]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo and the matrix's records, made once for this module inside a transaction that is
    rolled back at its end; each test runs in a savepoint inside it, and each call in another."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("matrix-media"))):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo = _load_demo()
            world = build_world(demo, lambda persona: api_client_for(demo.users[persona] if persona else None))
            world["demo"] = demo
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("key,method", _rows())
def test_the_route_answers_as_the_table_says(world, db, key, method):
    demo = world["demo"]
    route = _routes_by_key()[key]["route"]
    groups = [g.split() for g in EXPECTED[(key, method)].split("|")]
    targets = [world[c] for c in CHILDREN] if _takes_a_record(route) else [None]
    callers = _Callers(demo)
    wrong, answered = [], []
    for target, expected in zip(targets, groups):
        got = []
        for persona, want in zip(COLUMNS, expected):
            status, problem = _answer(callers, key, method, route, target, persona)
            got.append(str(status))
            where = f"{target.name if target else 'no record'} as {persona}"
            if str(status) != want:
                wrong.append(f"{where}: expected {want}, got {status}")
            elif problem:
                wrong.append(f"{where}: {problem}")
        answered.append(" ".join(got))
    assert not wrong, (f"{key} {method}:\n  " + "\n  ".join(wrong)
                       + f'\nIt answers today: ("{key}", "{method}"): "{" | ".join(answered)}"')




# ---------------------------------------------------------------------------------------------
# The scoped evaluator's scope: Maya's recommendations that are not in dispute do not exist for
# them, on any route that takes a recommendation or a comment (enumerated, like the table).
# ---------------------------------------------------------------------------------------------

def _scoped_routes():
    return [pytest.param(key, method, id=f"{key} {method}")
            for key, entry in _routes_by_key().items() for method in sorted(entry["methods"])
            if re.search(r"<int:(recommendation|comment)_id>", entry["route"].pattern)]


@pytest.mark.parametrize("key,method", _scoped_routes())
def test_the_scoped_evaluator_finds_nothing_outside_the_scope(world, db, key, method):
    from types import SimpleNamespace

    maya = world["maya"]
    outside = SimpleNamespace(**{**vars(maya), "rec": maya.other_rec, "comment": maya.other_comment})
    route = _routes_by_key()[key]["route"]
    status, problem = _answer(_Callers(world["demo"]), key, method, route, outside, SCOPED_EVALUATOR)
    assert status == 404 and not problem, (status, problem)
