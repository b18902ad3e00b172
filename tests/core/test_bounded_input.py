"""Every integer, date and JSON body the API accepts is bounded, and bad ones are a 400.

The sweep reads the routes from the URL configuration and, for each, what it takes from the
OpenAPI schema the project serves (its integer and date query parameters and body fields); it
then sends each of them out of range, a 10,000-deep JSON body to every write, and `page` and
`page_size` past 64 bits to every list, and sees nothing but 400s naming what was wrong."""
import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from apps.core.bounds import INT64_MAX, INT64_MIN, MAX_JSON_DEPTH
from apps.evaluations.models import EvaluationRequest, ReportFile
from apps.notifications.models import Notification
from tests.core.api_routes import api_routes
from tests.core.contract import assert_error
from tests.evaluations.conftest import media  # noqa: F401 - the fixture: uploads land in a private folder
from tests.evaluations.helpers import Flow

BIG = 2**64
FAR = "9999-12-31"
DEEP = "[" * 10_000 + "]" * 10_000


# What each route takes, from the schema ------------------------------------------------------

def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if isinstance(node, dict) and "allOf" in node:
        return _resolve(schema, node["allOf"][0])
    return node


def _leaves(schema, node, path=()):
    """(path, kind, node) of every integer and date leaf; a path step is a key or [] for a list."""
    node = _resolve(schema, node)
    kind, fmt = node.get("type"), node.get("format")
    if kind == "integer":
        yield path, "integer", node
    elif kind == "string" and fmt in ("date", "date-time"):
        yield path, fmt, node
    elif kind == "array":
        yield from _leaves(schema, node.get("items", {}), (*path, []))
    elif kind == "object" or "properties" in node:
        for key, child in node.get("properties", {}).items():
            if not _resolve(schema, child).get("readOnly"):
                yield from _leaves(schema, child, (*path, key))


def _body_with(path, value):
    """The smallest body holding `value` at `path`."""
    for step in reversed(path):
        value = [value] if step == [] else {step: value}
    return value


def _field_name(path):
    """How the error's `fields` names the leaf: keys joined with dots, list items by index 0."""
    return ".".join("0" if step == [] else step for step in path)


def _operation(schema, route, method):
    path = "/" + route.path
    for placeholder in route.params:
        path = path.replace(f"<int:{placeholder}>", "{%s}" % placeholder).replace(f"<{placeholder}>", "{%s}" % placeholder)
    if not route.path.startswith("api/v1/"):
        return None  # the schema and its docs page: read-only, and not in the schema themselves
    assert path in schema["paths"], f"{path} is routed but missing from the schema"
    return schema["paths"][path][method]


def _request_body(operation):
    content = (operation.get("requestBody") or {}).get("content", {})
    for media_type in ("application/json", "multipart/form-data"):
        if media_type in content:
            return media_type, content[media_type]["schema"]
    return None, None


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


# A case with something behind every route ----------------------------------------------------

@pytest.fixture
def case(demo, api_as, media):
    """An evaluation at its draft stage (report uploaded, findings saved), a comment on a
    disputed recommendation, a notification: every path parameter names something real, and the
    persona chosen for a route may see it, so the request reaches the input it is about."""
    flow = Flow(demo, api_as).to("drafted")
    comment = flow.ok(flow.call("ot", "post", f"/api/v1/recommendations/{flow.disputed[0].id}/comments/",
                                {"body": "Handwriting samples attached."}), 201)
    notification = Notification.objects.filter(user=demo.admin).first()
    assert notification is not None
    ids = {"student_id": demo.maya.id, "iep_id": demo.maya_iep.id, "recommendation_id": flow.disputed[0].id,
           "comment_id": comment["id"], "notification_id": notification.id, "request_id": flow.id,
           "file_id": ReportFile.objects.get(request_id=flow.id).id}
    return flow, ids


def _persona(route):
    if route.name == "api:token":
        return None
    if route.name.startswith("api:evaluation-request"):
        return "evaluator"  # assigned and attested: sees the request, its files and draft findings
    if route.path.endswith("/paper-consent/"):
        return "casemanager"  # only the case manager records a consent given on paper
    return "admin"


def _send(client, method, path, *, body=None, content_type="application/json"):
    if method == "get":
        return client.get(path)
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=body, content_type=content_type)


def _named(error, name):
    return any(key == name or key.startswith(name + ".") for key in error["fields"])


# The sweep -----------------------------------------------------------------------------------

def test_every_route_answers_400_to_out_of_range_numbers_dates_and_deep_json(case, schema, api_as):
    flow, ids = case
    seen = {"query": 0, "page": 0, "json integer": 0, "form integer": 0, "date": 0, "deep": 0}
    problems = []

    def expect(what, response, route, method, *, code=None, field=None):
        if response.status_code != 400:
            problems.append((what, method, route.path, response.status_code, response.content[:200]))
            return
        error = assert_error(response, 400, code)
        if field and not _named(error, field):
            problems.append((what, method, route.path, "400 without naming", field, error))

    for route in api_routes():
        client = api_as(_persona(route))
        path = route.fill(**ids)
        for method in sorted(route.methods):
            operation = _operation(schema, route, method)
            if operation is None:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                kind = parameter["schema"].get("type"), parameter["schema"].get("format")
                if kind[0] == "integer":
                    seen["query"] += 1
                    expect("query integer", client.get(f"{path}?{parameter['name']}={BIG}"), route, method,
                           field=parameter["name"])
                elif kind[1] in ("date", "date-time"):
                    seen["query"] += 1
                    expect("query date", client.get(f"{path}?{parameter['name']}={FAR}"), route, method,
                           field=parameter["name"])
            if method == "get":
                answer = client.get(path)
                body = answer.json() if answer.get("Content-Type") == "application/json" else None
                if answer.status_code == 200 and isinstance(body, dict) and \
                        set(body) == {"count", "next", "previous", "results"}:
                    for name in ("page", "page_size"):
                        seen["page"] += 1
                        expect("pagination", client.get(f"{path}?{name}={BIG}"), route, method, field=name)
                continue
            if method == "delete":
                continue
            seen["deep"] += 1
            expect("deep JSON", _send(client, method, path, body=DEEP), route, method, code="nesting_too_deep")
            media_type, body_schema = _request_body(operation)
            if body_schema is None:
                continue
            for leaf, kind, _node in _leaves(schema, body_schema):
                if kind == "integer":
                    if media_type == "application/json":
                        seen["json integer"] += 1
                        expect("JSON integer", _send(client, method, path, body=json.dumps(_body_with(leaf, BIG))),
                               route, method, code="number_out_of_range")
                    if len(leaf) == 1 or (len(leaf) == 2 and leaf[1] == []):
                        # Form-encoded, the number reaches the serializer field: its bound answers.
                        seen["form integer"] += 1
                        expect("form integer", _send(client, method, path, body=urlencode({leaf[0]: str(BIG)}),
                                                     content_type="application/x-www-form-urlencoded"),
                               route, method, field=leaf[0])
                elif media_type == "application/json":
                    seen["date"] += 1
                    value = FAR if kind == "date" else f"{FAR}T12:00:00Z"
                    expect(f"{kind} in year 9999", _send(client, method, path, body=json.dumps(_body_with(leaf, value))),
                           route, method, field=_field_name(leaf))
    assert problems == []
    # The sweep found something of each kind to send (or it proves nothing).
    assert all(seen.values()), seen


def test_every_integer_the_schema_describes_is_bounded_to_64_bits(schema):
    """The serializers' bounds are what the schema shows: a field without one would be listed."""
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # (Query parameters are declared with OpenApiParameter, apart from their serializer:
            # the sweep above checks their bound by sending one.)
            _media, body = _request_body(operation)
            for leaf, kind, node in _leaves(schema, body) if body else ():
                if kind == "integer" and not (node.get("maximum", BIG) <= INT64_MAX
                                              and node.get("minimum", -BIG) >= INT64_MIN):
                    unbounded.append((method, path, _field_name(leaf)))
    assert unbounded == []


# The findings of the issue, one by one -------------------------------------------------------

def test_an_integer_past_64_bits_in_a_filter_is_a_400_not_a_crash(api_as, demo):
    error = assert_error(api_as("admin").get(f"/api/v1/evaluation-requests/?iep={BIG}"), 400, "invalid")
    assert "iep" in error["fields"]
    error = assert_error(api_as("ot").get(f"/api/v1/ieps/{demo.maya_iep.id}/events/?after={BIG}"), 400, "invalid")
    assert "after" in error["fields"]


def test_an_integer_past_64_bits_in_a_body_is_a_400_and_saves_nothing(api_as, demo):
    before = EvaluationRequest.objects.count()
    response = api_as("parent.maya").post(f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/",
                                          f'{{"recommendations": [{BIG}]}}', content_type="application/json")
    assert_error(response, 400, "number_out_of_range")
    response = api_as("parent.maya").post(f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/",
                                          {"recommendations": [str(BIG)]})
    assert "recommendations.0" in assert_error(response, 400, "invalid")["fields"]
    assert EvaluationRequest.objects.count() == before


def test_the_largest_64_bit_integer_is_still_just_a_number(api_as, demo):
    """At the bound it is a valid number that names nothing: the usual 400 for a stranger."""
    response = api_as("parent.maya").post(f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/",
                                          {"recommendations": [INT64_MAX]}, format="json")
    assert "recommendations" in assert_error(response, 400, "invalid")["fields"]


def test_json_nested_ten_thousand_deep_is_a_400_even_where_no_body_is_read(api_as, demo, media):
    flow = Flow(demo, api_as).to("drafted")
    response = api_as("evaluator").post(flow.url + "submit/", DEEP, content_type="application/json")
    assert_error(response, 400, "nesting_too_deep")
    assert EvaluationRequest.objects.get(id=flow.id).status == "in_progress"
    # Just within the bound, a body is read as usual.
    shallow = json.dumps(_body_with([[]] * (MAX_JSON_DEPTH - 1), "note"))
    assert api_as("ot").post(f"/api/v1/ieps/{demo.maya_iep.id}/recommendations/", shallow,
                             content_type="application/json").status_code == 400


def test_a_report_due_in_year_9999_is_refused_at_approval_and_so_cannot_break_attestation(api_as, demo, media):
    flow = Flow(demo, api_as)
    flow.request()
    for far in (FAR, (timezone.localdate() + timedelta(days=366 * 5)).isoformat()):
        response = flow.call("admin", "post", flow.url + "decision/",
                             {"decision": "approve", "cost_cap": "3000", "report_due": far})
        assert "report_due" in assert_error(response, 400, "invalid")["fields"], far
        assert EvaluationRequest.objects.get(id=flow.id).status == "requested"
    # The latest date allowed goes all the way through attestation.
    latest = timezone.localdate() + timedelta(days=365)
    flow.approve(report_due=latest.isoformat())
    flow.assign()
    assert flow.attest()["status"] == "attested"


def test_dates_outside_the_sane_years_are_refused_where_an_iep_is_started(api_as, demo):
    path = f"/api/v1/students/{demo.maya.id}/ieps/"
    for field, day in (("meeting_at", "1899-12-31"), ("meeting_at", "2200-01-01"),
                       ("last_evaluated_on", "0001-01-01")):
        body = {"meeting_at": "2027-01-10", field: day}
        assert field in assert_error(api_as("casemanager").post(path, body, format="json"), 400)["fields"], day
    assert api_as("casemanager").post(path, {"meeting_at": date(2027, 1, 10).isoformat()},
                                      format="json").status_code == 201


def test_a_page_past_64_bits_is_a_400_and_a_page_past_the_end_still_a_404(api_as, demo):
    assert "page" in assert_error(api_as("ot").get(f"/api/v1/students/?page={BIG}"), 400)["fields"]
    assert "page_size" in assert_error(api_as("ot").get(f"/api/v1/students/?page_size={BIG}"), 400)["fields"]
    assert_error(api_as("ot").get("/api/v1/students/?page=9"), 404)
    assert api_as("ot").get("/api/v1/students/?page_size=1000").json()["count"] >= 1


# The live channel reads JSON frames too -------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("frame", [
    "[" * 60_000,  # deep (and unfinished) nesting, inside the 64 KB frame limit
    "[" * 30_000 + "]" * 30_000,
    f'{{"type": "resync", "after": {BIG}}}',
])
async def test_a_socket_frame_out_of_bounds_gets_an_error_frame_and_the_socket_stays_open(transactional_demo, frame):
    from tests.live import connect_member

    socket, _hello = await connect_member(transactional_demo.maya_iep.id, transactional_demo.ot)
    await socket.send_to(text_data=frame)
    answer = await socket.receive_json_from(timeout=5)
    assert answer["type"] == "error", answer
    await socket.send_json_to({"type": "ping"})
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()


def test_the_refusals_read_in_the_persons_language(api_as, demo):
    client = api_as("parent.maya")
    path = f"/api/v1/ieps/{demo.maya_iep.id}/evaluation-requests/"
    error = assert_error(client.post(path, f'{{"recommendations": [{BIG}]}}', content_type="application/json",
                                     HTTP_ACCEPT_LANGUAGE="es"), 400, "number_out_of_range")
    assert "fuera del rango" in error["message"]
    error = assert_error(client.post(path, DEEP, content_type="application/json", HTTP_ACCEPT_LANGUAGE="es"),
                         400, "nesting_too_deep")
    assert "niveles de anidamiento" in error["message"]
