"""The IEP page is made of panels the higher apps register (apps/ieps/panels.py): ieps names none of
them, and a panel registered later (deadlines, consent) shows without touching ieps."""
import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from apps.ieps import panels

ROOT = Path(settings.BASE_DIR)
HIGHER_APPS = ("discussions", "evaluations", "deadlines")


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_ieps_templates_views_and_live_script_name_no_higher_app():
    files = [*ROOT.glob("templates/ieps/*.html"), *(ROOT / "apps/ieps" / f for f in ("views.py", "form_views.py", "urls.py")),
             ROOT / "static/js/ieps/live.js"]
    for path in files:
        text = path.read_text()
        for app in HIGHER_APPS:
            assert not re.search(rf"\b{app}[:/.]|apps\.{app}|load [^%]*\b{app}\b", text), (path, app)


def test_no_test_hook_ships_in_the_pages_javascript():
    for path in ROOT.glob("static/js/**/*.js"):
        assert "window.__" not in path.read_text(), path


def test_a_panel_a_higher_app_registers_appears_on_the_iep_page_for_whom_it_says(demo, tmp_path, settings):
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "_panel.html").write_text(
        '<section class="section" id="later-panel"><h2 id="later-heading">Later: {{ note }}</h2></section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]

    def context(request, iep, standing):
        # Like a real panel: decides from the person and the IEP, None shows nothing.
        return None if request.user == demo.ot else {"note": f"for {request.user.full_name}"}

    panels.register_panel("later", "later/_panel.html", context, order=99, toc_label="Later things",
                          toc_anchor="later-heading")
    try:
        html = _signed_in(demo.parent_maya).get(f"/ieps/{demo.maya_iep.id}/").content.decode()
        assert "Later: for Elena Rivera" in html
        assert html.index('id="evaluations-heading"') < html.index('id="later-panel"')  # in order
        assert 'href="#later-heading">Later things</a>' in html
        assert 'id="later-panel"' not in _signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/").content.decode()
    finally:
        panels._PANELS.pop("later")


def test_the_discussion_and_evaluation_apps_register_their_panels():
    names = {p.name for p in panels.registered_panels()}
    assert {"discussions.unread", "discussions.thread", "evaluations"} <= names
    assert "js/discussions/live.js" in panels.panel_scripts() and "js/evaluations/live.js" in panels.panel_scripts()
