"""The OpenAPI schema and its browsable docs are served, and the docs work on a closed network."""
import json
import re

import yaml
from django.test import Client

from iepteam import api_urls

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def test_the_schema_answers_and_names_every_api_path(db):
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for pattern in api_urls.urlpatterns:
        route = "/api/v1/" + re.sub(r"<int:(\w+)>", r"{\1}", str(pattern.pattern))
        assert route in paths, route


def test_the_docs_answer_and_load_nothing_from_another_site(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    # Every script and stylesheet the page loads is ours, and is served.
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+\.(?:js|css))["']""", html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset


def test_the_docs_do_not_ask_the_online_validator(db):
    # Swagger UI's default shows a badge fetched from validator.swagger.io, with our schema's URL.
    # The page loads its start-up script from ?script (no inline script under the CSP).
    html = Client().get("/api/docs/").content.decode()
    assert re.search(r'<script src="/api/docs/\?script="></script>', html), html
    script = Client().get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    settings = re.search(r"const swaggerSettings = (\{.*?\});", script.content.decode(), re.DOTALL)
    assert settings, "the page no longer says how it configures Swagger UI"
    assert "validatorUrl" in json.loads(settings[1])
    assert json.loads(settings[1])["validatorUrl"] is None


def test_the_docs_assets_are_served_from_our_static_files(db):
    html = Client().get("/api/docs/").content.decode()
    from django.contrib.staticfiles import finders

    for asset in re.findall(r"""(?:src|href)\s*=\s*["']/static/([^"'?]+)["']""", html):
        assert finders.find(asset), asset
