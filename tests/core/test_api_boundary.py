"""Every path under /api/ answers in the contract's JSON error shape: an unknown path is a 404 for
any method (a token client's POST too, which used to get Django's HTML CSRF page), a method an
endpoint does not have is a 405."""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import token_for
from tests.core.api_routes import METHODS, api_routes
from tests.core.contract import assert_error


def _csrf_checking_client(user=None, *, session=False):
    """A client that enforces CSRF like a browser's server would (the test client skips it)."""
    client = APIClient(enforce_csrf_checks=True)
    if user is not None and session:
        client.force_login(user)
    elif user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.mark.parametrize("method", METHODS)
def test_a_token_clients_request_to_an_unknown_api_path_answers_a_json_404(demo, method):
    client = _csrf_checking_client(demo.ot)
    response = getattr(client, method)("/api/v1/no-such-endpoint/", {"x": 1}, format="json")
    assert_error(response, 404, "not_found")


def test_a_signed_in_browsers_post_to_an_unknown_api_path_answers_a_json_404(demo):
    response = _csrf_checking_client(demo.ot, session=True).post("/api/v1/ieps/1/nothing-here/", {}, format="json")
    assert_error(response, 404, "not_found")


def test_an_anonymous_post_to_an_unknown_api_path_and_one_without_its_slash_answer_json_404s(demo):
    assert_error(_csrf_checking_client().post("/api/nowhere", {}, format="json"), 404, "not_found")
    assert_error(_csrf_checking_client(demo.ot).post(f"/api/v1/ieps/{demo.maya_iep.id}/status",
                                                     {"status": "draft"}, format="json"), 404, "not_found")


def test_the_routes_are_read_from_the_url_configuration():
    names = {route.name for route in api_routes()}
    assert {"api:iep-status", "api:evaluation-request-submit", "schema", "api-docs"} <= names | {
        f"api:{n}" for n in names}
    assert len(names) >= 40


def test_every_method_an_api_route_does_not_have_answers_a_json_405(demo):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token_for(demo.admin)}")
    checked = 0
    for route in api_routes():
        path = route.fill()
        for method in (m for m in METHODS if m not in route.methods):
            if method == "get":
                response = client.get(path)
            else:
                response = getattr(client, method)(path, "{}", content_type="application/json")
            assert response.status_code == 405, (route.path, method, response.status_code)
            assert_error(response, 405, "method_not_allowed")
            assert method.upper() not in response["Allow"], (route.path, method, response["Allow"])
            checked += 1
    assert checked > 100
