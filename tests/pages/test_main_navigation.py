"""The main navigation offers each person the places their role has: a district administrator
reaches the district's deadlines (and, from there, the school calendar and the settings) from
every page, not only from the home page's attention list; nobody else is offered them."""
import pytest
from django.test import Client

NAV_LINK = 'class="site-nav__link" href="/deadlines/district/"'


def _page_as(user, path="/"):
    client = Client()
    client.force_login(user)
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.content.decode()


def test_a_district_administrator_reaches_the_district_deadlines_from_the_navigation(demo):
    for path in ("/", "/deadlines/settings/"):
        assert NAV_LINK in _page_as(demo.admin, path)
    settings_page = _page_as(demo.admin, "/deadlines/settings/")
    assert 'href="/deadlines/district/" aria-current="page"' in settings_page


@pytest.mark.parametrize("persona", ["casemanager", "ot", "parent_maya", "evaluator"])
def test_nobody_else_is_offered_them(demo, persona):
    assert NAV_LINK not in _page_as(getattr(demo, persona))
