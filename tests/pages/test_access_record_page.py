"""The record of access as a page and a CSV file: for the child's parents and the district's
administrators only; newest first, filterable, each read's purpose in words."""
import csv
import io
from datetime import datetime, timezone

import pytest
import time_machine

from apps.audit.models import AccessLog

from .test_pages import Page, page_text, signed_in


def _reads(demo):
    """The OT opens Maya's IEP page, later the administrator opens her student page."""
    with time_machine.travel(datetime(2026, 11, 2, 15, 0, tzinfo=timezone.utc), tick=False):
        assert signed_in(demo.ot).get(f"/ieps/{demo.maya_iep.id}/").status_code == 200
    with time_machine.travel(datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc), tick=False):
        assert signed_in(demo.admin).get(f"/students/{demo.maya.id}/").status_code == 200


def _table_rows(html):
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return body.split("<tr>")[1:]


def test_a_parent_reads_who_opened_her_childs_record_newest_first(demo):
    _reads(demo)
    response = signed_in(demo.parent_maya).get(f"/students/{demo.maya.id}/access-record/")
    assert response.status_code == 200
    html = page_text(response)
    assert not Page(html).unlabelled_inputs() and Page(html).th_without_scope == 0
    rows = _table_rows(html)
    assert len(rows) == 2
    assert "Dana Whitfield" in rows[0] and "District administration" in rows[0] and "The child&#x27;s record" in rows[0]
    assert "Priya Natarajan" in rows[1] and "IEP team work" in rows[1] and "An IEP" in rows[1]


def test_the_record_filters_by_person_role_and_date(demo):
    _reads(demo)
    client = signed_in(demo.parent_maya)
    url = f"/students/{demo.maya.id}/access-record/"
    by_person = _table_rows(page_text(client.get(url, {"person": demo.ot.id})))
    assert len(by_person) == 1 and "Priya Natarajan" in by_person[0]
    by_role = _table_rows(page_text(client.get(url, {"role": "district_admin"})))
    assert len(by_role) == 1 and "Dana Whitfield" in by_role[0]
    by_date = _table_rows(page_text(client.get(url, {"since": "2026-11-01", "until": "2026-11-10"})))
    assert len(by_date) == 1 and "Priya Natarajan" in by_date[0]
    # Dates the wrong way round are said next to the field, not a 500.
    wrong = client.get(url, {"since": "2026-11-10", "until": "2026-11-01"})
    assert wrong.status_code == 400 and 'id="filter-until_error"' in page_text(wrong)


def test_the_csv_download_holds_the_same_rows_and_keeps_formulas_as_text(demo):
    _reads(demo)
    demo.ot.full_name = "=HYPERLINK(\"http://evil.example\")"
    demo.ot.save(update_fields=["full_name"])
    response = signed_in(demo.parent_maya).get(f"/students/{demo.maya.id}/access-record.csv", {"role": "clinician"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "When (UTC)"
    assert rows[1:] == [["2026-11-02 15:00:00", "'=HYPERLINK(\"http://evil.example\")", "ot@demo.example",
                         "Clinician or teacher", "Opened: An IEP", "IEP team work"]]


def test_the_student_page_links_to_the_record_for_parents_and_administrators_only(demo):
    link = f"/students/{demo.maya.id}/access-record/"
    assert link in page_text(signed_in(demo.parent_maya).get(f"/students/{demo.maya.id}/"))
    assert link in page_text(signed_in(demo.admin).get(f"/students/{demo.maya.id}/"))
    assert link not in page_text(signed_in(demo.ot).get(f"/students/{demo.maya.id}/"))


@pytest.mark.parametrize("persona, status", [("ot", 403), ("casemanager", 403), ("parent.leo", 404),
                                             ("evaluator", 404)])
def test_others_may_not_read_the_record(demo, persona, status):
    _reads(demo)
    client = signed_in(demo.users[persona])
    for path in (f"/students/{demo.maya.id}/access-record/", f"/students/{demo.maya.id}/access-record.csv"):
        response = client.get(path)
        assert response.status_code == status, path
        assert "Priya Natarajan" not in page_text(response)


def test_the_administrator_reads_it_too_and_the_purpose_reads_in_spanish(demo):
    _reads(demo)
    client = signed_in(demo.admin)
    client.cookies["django_language"] = "es"
    html = page_text(client.get(f"/students/{demo.maya.id}/access-record/", HTTP_ACCEPT_LANGUAGE="es"))
    # Stored in English (gettext_noop), read in the reader's language.
    assert AccessLog.objects.filter(purpose="IEP team work").exists()
    assert "Trabajo del equipo del IEP" in html and "Administración del distrito" in html
    assert "IEP team work" not in html
