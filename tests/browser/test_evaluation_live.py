"""The independent evaluator uploads the report (with a progress bar, through the API) and submits
the findings from the workspace in one real browser, while the parent's IEP page, open in another,
shows the findings appear without a reload, over the real WebSocket of a real ASGI server."""
import os
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from apps.evaluations import services
from apps.evaluations.models import EvaluationRequest, ReportFile
from tests.browser.accessibility import assert_accessible
from tests.evaluations.helpers import days_ahead, pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT_MS = 15_000
SUMMARY = "Her fine-motor needs are greater at home than the school data show."
UPLOAD_LIMIT = 1024 * 1024


@pytest.fixture(scope="module", autouse=True)
def _small_upload_limit():
    """The ASGI server of this module starts with a 1 MB upload limit, so a refused upload is quick."""
    before = os.environ.get("EVALUATION_UPLOAD_MAX_BYTES")
    os.environ["EVALUATION_UPLOAD_MAX_BYTES"] = str(UPLOAD_LIMIT)
    yield
    if before is None:
        os.environ.pop("EVALUATION_UPLOAD_MAX_BYTES", None)
    else:
        os.environ["EVALUATION_UPLOAD_MAX_BYTES"] = before


def attested_request(d):
    """Asked for by the parent, approved, assigned and attested: the evaluator may start."""
    service, goal = d.maya_recs[0], d.maya_recs[3]
    e = services.evaluation_request_create(actor=d.parent_maya, iep=d.maya_iep,
                                           recommendation_ids=[service.id, goal.id], areas=["Fine motor"])
    services.evaluation_request_decide(actor=d.admin, request=e, decision="approve", cost_cap=3500,
                                       report_due=date.fromisoformat(days_ahead()), note="Funded.")
    services.evaluation_request_assign(actor=d.admin, request=EvaluationRequest.objects.get(id=e.id),
                                       evaluator_id=d.evaluator.id)
    services.evaluation_request_attest(actor=d.evaluator, request=EvaluationRequest.objects.get(id=e.id),
                                       independent_of_district=True, independent_of_family=True,
                                       statement="I have never worked for the district and do not know the family.")
    return EvaluationRequest.objects.get(id=e.id), service, goal


def test_the_parent_sees_the_findings_appear_live_as_the_evaluator_submits(transactional_demo, open_as, tmp_path):
    d = transactional_demo
    e, service, goal = attested_request(d)

    # The parent opens Maya's IEP page: the evaluation panel loads, the live channel connects.
    parent = open_as("parent.maya")
    parent.goto(f"/ieps/{d.maya_iep.id}/")
    expect(parent.locator("#live-status")).to_have_attribute("data-state", "live")
    panel = parent.locator("#evaluations-panel")
    expect(panel.locator(f"#evaluation-{e.id}")).to_contain_text("Independence attested")
    expect(panel).to_contain_text("The findings stay sealed")
    parent.evaluate("window.__notReloaded = true")
    assert_accessible(parent, "the evaluation panel, sealed")

    # The evaluator's workspace.
    evaluator = open_as("evaluator")
    evaluator.goto(f"/evaluations/{e.id}/work/")
    expect(evaluator.get_by_role("heading", level=1)).to_contain_text("Evaluation of Maya Rivera")
    assert_accessible(evaluator, "the workspace")

    # A file that is not a PDF: the server's own message, next to the field; nothing stored.
    fake = tmp_path / "notes.pdf"
    fake.write_text("These are my notes, not a PDF.")
    evaluator.set_input_files("#upload-file", str(fake))
    evaluator.get_by_role("button", name="Upload", exact=True).click()
    error = evaluator.locator("#upload-file-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Only PDF files are accepted, and this file is not a PDF.")
    expect(evaluator.locator("#upload-file")).to_have_attribute("aria-invalid", "true")
    assert ReportFile.objects.filter(request=e).count() == 0
    assert_accessible(evaluator, "a refused upload")

    # The real report, with a progress bar that reaches 100 % and a success message.
    report = tmp_path / "Maya Rivera - independent evaluation.pdf"
    report.write_bytes(pdf("Independent educational evaluation of Maya Rivera", padding=400_000))
    evaluator.evaluate("""() => {
        window.__progress = [];
        const bar = document.getElementById("upload-bar");
        new MutationObserver(() => window.__progress.push(Number(bar.getAttribute("aria-valuenow"))))
            .observe(bar, {attributes: true, attributeFilter: ["aria-valuenow"]});
    }""")
    evaluator.set_input_files("#upload-file", str(report))
    evaluator.get_by_role("button", name="Upload", exact=True).click()
    expect(evaluator.locator("#upload-status")).to_contain_text("Uploaded: Maya Rivera - independent evaluation.pdf")
    bar = evaluator.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(error).to_be_hidden()
    expect(evaluator.locator("#files-list")).to_contain_text("Maya Rivera - independent evaluation.pdf")
    expect(evaluator.locator("#files-list")).to_contain_text("Draft: only you see it")
    assert max(evaluator.evaluate("window.__progress")) == 100
    assert ReportFile.objects.filter(request=e, sealed_at__isnull=True).count() == 1
    assert_accessible(evaluator, "an uploaded draft")

    # The upload started the work: the parent's panel says so, and still shows nothing of the draft.
    expect(panel.locator(f"#evaluation-{e.id}")).to_contain_text("In progress", timeout=LIVE_WAIT_MS)
    expect(panel).not_to_contain_text("Maya Rivera - independent evaluation.pdf")

    # The findings: a summary, then an opinion and a rationale per recommendation in dispute.
    evaluator.get_by_label("Summary for the team").fill(SUMMARY)
    on_service = evaluator.locator(f"#finding-{service.id}")
    on_service.get_by_role("radio", name="Modify", exact=True).check()
    on_service.get_by_label("Minutes a week you recommend").fill("60")
    on_service.get_by_label("Your rationale").fill("Keep two sessions a week until handwriting endurance improves.")
    on_goal = evaluator.locator(f"#finding-{goal.id}")
    on_goal.get_by_role("radio", name="Agree", exact=True).check()
    on_goal.get_by_label("Your rationale").fill("A fair, measurable goal.")

    # Submitting asks first, and says what it means.
    evaluator.locator("#submit-confirm summary").click()
    expect(evaluator.locator("#submit-confirm")).to_contain_text("Submitting seals everything")
    expect(evaluator.locator("#submit-confirm")).to_contain_text("whole team at the same moment")
    assert_accessible(evaluator, "the findings filled in, the submit question open")
    evaluator.get_by_role("button", name="Submit and seal").click()
    expect(evaluator.locator(".messages")).to_contain_text("Submitted. The whole team can now read")
    expect(evaluator.locator("#findings-form")).to_have_count(0)
    assert_accessible(evaluator, "submitted")

    # The parent's page shows the findings without a reload.
    finding = panel.locator(f"#evaluation-{e.id}")
    expect(finding).to_contain_text(SUMMARY, timeout=LIVE_WAIT_MS)
    expect(finding).to_contain_text("Findings submitted")
    expect(finding.locator(".ev-opinion", has_text=service.title)).to_contain_text("Modify · 60 minutes a week")
    expect(finding.locator(".ev-opinion", has_text=goal.title)).to_contain_text("Agree")
    expect(finding.get_by_role("link", name=re.compile("Download Maya Rivera"))).to_be_visible()
    expect(finding).to_contain_text("Not yet considered by 4 members")
    assert parent.evaluate("window.__notReloaded") is True
    assert_accessible(parent, "the findings arrived live")

    # She records that she considered them, from the same panel.
    finding.get_by_role("button", name="I have considered the findings").click()
    expect(panel.locator(f"#evaluation-{e.id}")).to_contain_text("Considered by 1 member")
    # Keyboard focus stays in the panel, on what changed, through the live refresh that follows.
    expect(parent.locator(f"#acks-{e.id}-done")).to_be_focused()
    parent.wait_for_timeout(500)
    expect(parent.locator(f"#acks-{e.id}-done")).to_be_focused()
    expect(panel.get_by_role("button", name="I have considered the findings")).to_have_count(0)
    assert_accessible(parent, "considered")
    assert parent.evaluate("window.__notReloaded") is True


def test_a_file_over_the_limit_is_refused_with_a_reason_next_to_the_field(transactional_demo, open_as, tmp_path):
    d = transactional_demo
    e, _service, _goal = attested_request(d)
    evaluator = open_as("evaluator", width=375)
    evaluator.goto(f"/evaluations/{e.id}/work/")
    big = tmp_path / "scanned report.pdf"
    big.write_bytes(pdf(padding=UPLOAD_LIMIT + 200_000))
    error = evaluator.locator("#upload-file-error")

    # Checked in the page before a byte is sent.
    evaluator.set_input_files("#upload-file", str(big))
    evaluator.get_by_role("button", name="Upload", exact=True).click()
    expect(error).to_contain_text("This file is larger than 1 MB")
    expect(evaluator.locator("#upload-file")).to_be_focused()
    assert_accessible(evaluator, "a file too large, refused in the page")

    # And by the server (413), whose own words are shown when the page lets it through.
    evaluator.evaluate("document.getElementById('upload-form').dataset.maxBytes = ''")
    evaluator.get_by_role("button", name="Upload", exact=True).click()
    expect(evaluator.get_by_role("progressbar")).to_be_hidden()
    expect(error).to_contain_text(re.compile("at most 1 MB|too large"))
    expect(error).not_to_contain_text("This file is larger than")
    expect(evaluator.get_by_role("button", name="Upload", exact=True)).to_be_enabled()
    assert_accessible(evaluator, "a file too large, refused by the server")
    assert ReportFile.objects.filter(request=e).count() == 0
