"""Every failure of the API answers in one shape, and throttling leaves room for real work."""
from tests.core.contract import assert_error


def test_an_unknown_api_path_answers_404_in_the_contracts_shape(api_as, demo):
    assert_error(api_as("ot").get("/api/v1/no-such-thing/"), 404)
    assert_error(api_as(None).get("/api/v2/students/"), 404)


def test_a_method_an_endpoint_does_not_have_answers_405_in_the_contracts_shape(api_as, demo):
    assert_error(api_as("casemanager").delete(f"/api/v1/students/{demo.maya.id}/"), 405, "method_not_allowed")


def test_a_page_past_the_end_answers_404_in_the_contracts_shape(api_as, demo):
    assert_error(api_as("ot").get(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/?page=9"), 404)


def test_one_person_may_write_sixty_times_a_minute(api_as, demo):
    client = api_as("parent.maya")
    path = f"/api/v1/recommendations/{demo.maya_recs[0].id}/position/"
    for i in range(60):
        response = client.put(path, {"stance": ["agree", "unsure"][i % 2], "basis": f"Note {i}"}, format="json")
        assert response.status_code == 200, (i, response.content)


def test_one_persons_writes_do_not_use_up_anothers(api_as, demo):
    path = f"/api/v1/recommendations/{demo.maya_recs[0].id}/position/"
    busy = api_as("parent.maya")
    for i in range(200):
        if busy.put(path, {"stance": "agree", "basis": str(i)}, format="json").status_code == 429:
            break
    else:
        raise AssertionError("200 writes in a row were all accepted: is there no write throttle?")
    assert_error(busy.put(path, {"stance": "agree"}, format="json"), 429, "throttled")
    assert api_as("ot").put(path, {"stance": "agree"}, format="json").status_code == 200
    # Reads are not throttled.
    assert busy.get(f"/api/v1/recommendations/{demo.maya_recs[0].id}/positions/").status_code == 200


def test_a_method_a_route_does_not_have_spends_none_of_the_persons_writes(demo):
    from django.core.cache import cache
    from django.test import Client

    from tests.conftest import token_for

    cache.clear()
    client = Client(HTTP_AUTHORIZATION=f"Token {token_for(demo.admin)}")
    for _ in range(80):  # more than the 60 writes a minute the throttle allows
        assert client.delete("/api/v1/me/", content_type="application/json").status_code == 405
    assert client.post(f"/api/v1/students/{demo.maya.id}/team/", {"email": "x"}, content_type="application/json"
                       ).status_code == 400
