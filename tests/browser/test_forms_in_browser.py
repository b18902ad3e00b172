"""The pages' forms in real Chromium, against the real ASGI server: the OT adds and revises a
recommendation while the parent's open IEP page shows both live; the case manager starts an IEP
and invites a new clinician, who joins by the e-mailed link and sees the child; a parent records
her position observed at home; a parent reads who opened her child's record."""
import os
import re
from email import message_from_string
from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.ieps.models import IEP, Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT_MS = 15_000
LINK = re.compile(r"https?://[^/\s]+(?P<path>/invitations/[\w-]+/)")


@pytest.fixture(scope="module", autouse=True)
def mail_to_files(tmp_path_factory):
    """The server process writes each e-mail to a file here, for the test to open like an inbox.
    Set before this module's server starts (it reads the environment once)."""
    folder = tmp_path_factory.mktemp("mail")
    saved = {k: os.environ.get(k) for k in ("EMAIL_BACKEND", "EMAIL_FILE_PATH")}
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ["EMAIL_FILE_PATH"] = str(folder)
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def open_iep(tab, iep):
    tab.goto(f"/ieps/{iep.id}/")
    expect(tab.locator("#live-status")).to_have_attribute("data-state", "live")
    tab.evaluate("window.__notReloaded = true")
    return tab


def test_the_ot_adds_and_revises_a_recommendation_and_the_parent_sees_both_live(transactional_demo, open_as):
    demo = transactional_demo
    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    ot = open_as("ot")
    ot.goto(f"/ieps/{demo.maya_iep.id}/")

    form = ot.locator("#recommendation-form")
    form.get_by_label("Kind").select_option("service")
    form.get_by_label("Title").fill("Keyboarding practice, 20 minutes a week")
    form.get_by_label("Area").fill("Fine motor")
    form.get_by_label("Rationale: why you recommend it").fill("Typing spares her hand on long assignments.")
    form.get_by_label("Minutes a week").fill("20")
    form.get_by_role("button", name="Add the recommendation").click()
    expect(ot.locator(".messages")).to_contain_text("Your recommendation was added.")
    rec = Recommendation.objects.get(title="Keyboarding practice, 20 minutes a week")

    card = parent.locator(f"#rec-{rec.id}")
    expect(card).to_contain_text("Keyboarding practice, 20 minutes a week", timeout=LIVE_WAIT_MS)
    expect(card).to_contain_text("Typing spares her hand on long assignments.")
    expect(card.locator(f"#thread-{rec.id}")).to_have_count(1)  # the discussion panel came with it
    expect(parent.locator("#recs-count")).to_have_text(f"({len(demo.maya_recs) + 1})")
    expect(parent.locator("#toc-list").get_by_role("link", name="Keyboarding practice")).to_have_attribute(
        "href", f"#rec-{rec.id}")

    ot.goto(f"/recommendations/{rec.id}/")
    ot.get_by_text("Revise it (a new version)").click()
    revision = ot.locator("#revision-form")
    revision.get_by_label("Minutes a week").fill("45")
    revision.get_by_label("What changed, and why").fill("After the parent's note about homework")
    revision.get_by_role("button", name="Save as a new version").click()
    expect(ot.locator(".messages")).to_contain_text("Saved as a new version.")
    expect(ot.locator("#version-2")).to_contain_text("After the parent's note about homework")

    expect(card).to_contain_text("45 minutes", timeout=LIVE_WAIT_MS)
    expect(card.locator(".rec-facts")).to_contain_text("2")
    assert parent.evaluate("window.__notReloaded") is True


def _invitation_path(folder: Path, address: str) -> str:
    for path in sorted(folder.iterdir()):
        message = message_from_string(path.read_text())
        if message["To"] == address:
            return LINK.search(message.get_payload(decode=True).decode())["path"]
    raise AssertionError(f"no e-mail to {address} in {folder}")


def test_the_case_manager_starts_an_iep_and_a_new_clinician_joins_by_the_emailed_link(
        transactional_demo, open_as, browser, asgi_server, mail_to_files):
    demo = transactional_demo
    manager = open_as("casemanager", width=390)
    manager.goto(f"/students/{demo.leo.id}/")
    manager.get_by_text("Start an IEP").click()
    manager.get_by_label("Meeting date").fill("2027-09-20")
    manager.get_by_role("button", name="Start the IEP as a draft").click()
    manager.wait_for_url(re.compile(r"/ieps/\d+/$"))
    iep = IEP.objects.filter(student=demo.leo).order_by("-id").first()
    assert manager.url.endswith(f"/ieps/{iep.id}/") and iep.status == "draft"
    expect(manager.get_by_role("button", name="Propose to the family")).to_be_visible()

    manager.goto(f"/students/{demo.leo.id}/team/")
    manager.get_by_label("E-mail address").fill("new.pt@school.example")
    manager.get_by_label("Role on the team").select_option("clinician")
    manager.get_by_label("Discipline").select_option("pt")
    manager.get_by_role("button", name="Send the invitation").click()
    expect(manager.locator(".messages")).to_contain_text("An invitation was sent to new.pt@school.example.")
    expect(manager.locator(".invitations")).to_contain_text("new.pt@school.example")

    newcomer_context = browser.new_context(base_url=asgi_server)
    try:
        newcomer = newcomer_context.new_page()
        newcomer.goto(_invitation_path(mail_to_files, "new.pt@school.example"))
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("Join Leo's IEP team")
        newcomer.get_by_label("Your full name").fill("Pat Okonjo")
        newcomer.get_by_label("Choose a password").fill("a-long-password")
        newcomer.get_by_role("button", name="Make my account and join").click()
        newcomer.wait_for_url(f"**/students/{demo.leo.id}/")
        expect(newcomer.get_by_role("heading", level=1)).to_have_text("Leo Chen")
        expect(newcomer.locator("main")).to_contain_text("Pat Okonjo")
    finally:
        newcomer_context.close()


def test_a_parent_records_her_position_with_a_basis_observed_at_home(transactional_demo, open_as):
    demo = transactional_demo
    rec = demo.maya_recs[1]
    parent = open_as("parent.maya", width=390)
    parent.goto(f"/ieps/{demo.maya_iep.id}/")
    parent.locator(f"#rec-{rec.id}").get_by_role("link", name=re.compile("^Open the recommendation")).click()
    form = parent.locator("#position-form")
    form.get_by_label("Disagree").check()
    form.get_by_label("Why: what your position rests on").fill("At home she tells long stories without help.")
    form.get_by_label("Where you observed it").select_option("home")
    form.get_by_label("Examples").fill("Retelling a film to her grandmother.")
    form.get_by_role("button", name="Record my position").click()
    expect(parent.locator(".messages")).to_contain_text("Your position was recorded.")
    mine = parent.locator(".position", has_text="Elena Rivera")
    expect(mine).to_contain_text("Disagree")
    expect(mine).to_contain_text("At home she tells long stories without help.")
    expect(mine).to_contain_text("At home")


def test_a_parent_reads_who_accessed_her_childs_record(transactional_demo, open_as):
    demo = transactional_demo
    ot = open_as("ot")
    ot.goto(f"/ieps/{demo.maya_iep.id}/")
    parent = open_as("parent.maya", width=390)
    parent.goto(f"/students/{demo.maya.id}/")
    parent.get_by_role("link", name="Read the record of access").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Who read this record")
    rows = parent.locator("table.access-record tbody tr")
    expect(rows.first).to_contain_text("Priya Natarajan")
    expect(rows.first).to_contain_text("IEP team work")
    parent.get_by_label("Role").select_option("district_admin")
    parent.get_by_role("button", name="Show", exact=True).click()
    expect(parent.get_by_text("No one has read the record in this span.")).to_be_visible()
