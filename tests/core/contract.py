"""What every answer of the API promises, checked the same way in every test (API.md, Conventions)."""
import re

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# The error codes the contract's statuses come with, where the code is fixed by the status.
CODE_FOR_STATUS = {401: "not_authenticated", 403: "permission_denied", 404: "not_found", 413: "too_large"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The answer has this status and the body {"error": {"code", "message", "fields"}} and nothing else."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and SNAKE_CASE.match(error["code"]), error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["fields"], dict), error
    for field, messages in error["fields"].items():
        assert isinstance(field, str)
        assert isinstance(messages, list) and all(isinstance(m, str) and m for m in messages), error
    expected_code = code or CODE_FOR_STATUS.get(status)
    if expected_code:
        assert error["code"] == expected_code, error
    if status == 401:
        assert response["WWW-Authenticate"] == "Token"
    return error


def results(response) -> list:
    """The rows of a paginated list answer, after checking the pagination envelope."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}, body
    assert body["count"] == len(body["results"]), "a test list should fit on one page"
    return body["results"]
