"""Two people, two real browsers, one IEP: what one writes in a recommendation's discussion appears
on the other's page without a reload, over the real WebSocket of a real ASGI server; a dropped
socket reconnects and catches up from the event log; a signed-out page stops politely."""
import re

import pytest
from playwright.sync_api import expect

from apps.discussions import services
from apps.discussions.models import Comment
from apps.discussions.selectors import thread_of
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_WAIT_MS = 15_000


def open_iep(tab, iep):
    tab.goto(f"/ieps/{iep.id}/")
    expect(tab.locator("#live-status")).to_have_attribute("data-state", "live")
    # Set once; a reload would lose it. Checked at the end: everything arrived without one.
    tab.evaluate("window.__notReloaded = true")
    return tab


def open_discussion(tab, rec):
    details = tab.locator(f"#discussion-{rec.id}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(tab.locator(f"#thread-{rec.id}:not(.thread--placeholder)")).to_be_visible()
    return tab.locator(f"#thread-{rec.id}")


def test_a_reply_its_deletion_and_a_resolve_appear_live_on_the_other_parents_page(transactional_demo, open_as):
    demo = transactional_demo
    rec, other = demo.maya_recs[0], demo.maya_recs[1]
    first = services.comment_create(actor=demo.parent_maya, thread=thread_of(rec),
                                    body="At home she still cannot button her coat.")

    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    ot = open_iep(open_as("ot"), demo.maya_iep)
    parent_thread = open_discussion(parent, rec)
    expect(parent_thread.locator(f"#comment-{first.id}")).to_contain_text("cannot button her coat")
    assert_accessible(parent, "a discussion open")
    expect(parent.locator(f"#unread-{other.id}")).to_have_text("")

    # The OT replies in place (HTMX); focus lands on the new comment.
    ot_thread = open_discussion(ot, rec)
    ot_thread.get_by_role("link", name="Reply to Elena Rivera").click()
    ot_thread.get_by_label("Your reply to Elena Rivera").fill("Could you show me at pickup on **Tuesday**?")
    assert_accessible(ot, "the reply form open")
    ot_thread.get_by_role("button", name="Post reply").click()
    reply_box = ot.locator("article.comment", has_text="Could you show me at pickup")
    expect(reply_box).to_be_focused()
    reply = Comment.objects.get(body__startswith="Could you show me at pickup")

    # The parent's page shows it, nested under her comment, and says so to a screen reader.
    shown = parent.locator(f"#comment-{first.id} ~ ol #comment-{reply.id}")
    expect(shown).to_contain_text("Could you show me at pickup on Tuesday?", timeout=LIVE_WAIT_MS)
    expect(shown.locator("strong")).to_have_text("Tuesday")
    expect(shown).to_contain_text("Priya Natarajan")
    expect(parent.locator("#live-announcer")).to_have_text("New comment from Priya Natarajan")
    assert_accessible(parent, "a reply arrived live")

    # A comment in a discussion the parent has not opened: its badge and the IEP's total count it.
    ot_other = open_discussion(ot, other)
    ot_other.get_by_label("Add a comment").fill("Small-group sessions start next week.")
    ot_other.get_by_role("button", name="Post comment").click()
    expect(parent.locator(f"#unread-{other.id}")).to_have_text("1 new comment", timeout=LIVE_WAIT_MS)
    expect(parent.locator("#unread-total")).to_have_text("1 new comment")
    assert_accessible(parent, "unread badges")
    expect(parent.locator(f"#discussion-{other.id}")).not_to_have_attribute("open", "")

    # The OT deletes the reply: the parent sees the tombstone, and the words are gone.
    ot_thread.locator(f"#comment-{reply.id}").get_by_role("link", name=re.compile("^Delete")).click()
    expect(ot.locator(f"#delete-{reply.id}-question")).to_be_focused()
    assert_accessible(ot, "the delete question")
    ot_thread.get_by_role("button", name="Delete comment").click()
    expect(parent.locator(f"#comment-{reply.id}")).to_contain_text("This comment was deleted.",
                                                                      timeout=LIVE_WAIT_MS)
    expect(parent_thread).not_to_contain_text("Could you show me at pickup")
    assert_accessible(parent, "a tombstone")

    # The OT marks the discussion resolved: the parent sees who resolved it, and no form.
    ot_thread.locator(f"#resolve-confirm-{rec.id} summary").click()  # it asks first
    expect(ot_thread.locator(f"#resolve-confirm-{rec.id}")).to_contain_text("closes this discussion to new comments")
    assert_accessible(ot, "the resolve question")
    ot_thread.get_by_role("button", name="Yes, mark it resolved").click()
    expect(ot.locator(f"#thread-{rec.id}").get_by_role("button", name=re.compile("^Reopen"))).to_be_focused()
    expect(parent.locator(f"#thread-{rec.id} .thread__state")).to_contain_text("Resolved", timeout=LIVE_WAIT_MS)
    expect(parent.locator(f"#thread-{rec.id} .thread__state")).to_contain_text("by Priya Natarajan")
    expect(parent.locator(f"#discussion-{rec.id}-meta")).to_contain_text("Resolved")
    expect(parent.locator(f"#thread-{rec.id} textarea")).to_have_count(0)
    expect(parent.locator("#live-announcer")).to_have_text("Discussion resolved by Priya Natarajan")
    assert_accessible(parent, "a resolved discussion")

    assert parent.evaluate("window.__notReloaded") is True
    assert ot.evaluate("window.__notReloaded") is True


def test_a_draft_being_written_is_never_swapped_away(transactional_demo, open_as):
    demo = transactional_demo
    rec = demo.maya_recs[0]
    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    thread = open_discussion(parent, rec)
    draft = thread.get_by_label("Add a comment")
    draft.fill("Half of what I want to say")
    ot = open_iep(open_as("ot"), demo.maya_iep)
    ot_thread = open_discussion(ot, rec)
    ot_thread.get_by_label("Add a comment").fill("Meanwhile, from school.")
    ot_thread.get_by_role("button", name="Post comment").click()

    # The parent's thread stays as it is under her hands; a note offers the news.
    expect(thread.get_by_text("There is new activity in this discussion.")).to_be_visible(timeout=LIVE_WAIT_MS)
    expect(thread).not_to_contain_text("Meanwhile, from school.")
    assert_accessible(parent, "news held back beside a draft")
    thread.get_by_role("button", name="Show it (your draft stays)").click()
    expect(parent.locator(f"#thread-{rec.id}")).to_contain_text("Meanwhile, from school.")
    expect(parent.locator(f"#thread-{rec.id}").get_by_label("Add a comment")).to_have_value("Half of what I want to say")


def test_after_the_socket_drops_the_page_reconnects_and_catches_up(transactional_demo, open_as):
    demo = transactional_demo
    rec = demo.maya_recs[0]
    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    open_discussion(parent, rec)
    seq_before = parent.evaluate("window.__live.lastSeq")
    resyncs_before = parent.evaluate("window.__live.resyncs")

    parent.evaluate("window.__live.socket.close()")
    # Written while the parent's socket is down, straight to the database from this process: no
    # live message can reach that page; only the resync after reconnecting can bring it.
    services.comment_create(actor=demo.ot, thread=thread_of(rec), body="Posted while you were away.")

    expect(parent.locator(f"#thread-{rec.id}")).to_contain_text("Posted while you were away.",
                                                                timeout=LIVE_WAIT_MS)
    live = parent.evaluate("() => ({connects: __live.connects, resyncs: __live.resyncs,"
                           " lastSeq: __live.lastSeq, states: __live.states})")
    assert live["connects"] == 2
    assert live["resyncs"] > resyncs_before
    assert live["lastSeq"] == seq_before + 1
    assert live["states"][-2:] == ["reconnecting", "live"]
    expect(parent.locator("#live-status")).to_have_attribute("data-state", "live")
    assert parent.evaluate("window.__notReloaded") is True


def test_a_gap_in_the_sequence_is_filled_from_the_event_log_and_duplicates_are_ignored(transactional_demo, open_as):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from apps.ieps.models import Event

    demo = transactional_demo
    rec = demo.maya_recs[0]
    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    open_discussion(parent, rec)
    start = parent.evaluate("() => window.__live.lastSeq")
    # Two comments straight to the database: no live message reaches the page for either...
    services.comment_create(actor=demo.ot, thread=thread_of(rec), body="The first of two.")
    services.comment_create(actor=demo.slp, thread=thread_of(rec), body="The second of two.")
    second = Event.objects.get(iep=demo.maya_iep, seq=start + 2)
    frame = json.dumps(second.as_message(), cls=DjangoJSONEncoder)
    resyncs = parent.evaluate("() => window.__live.resyncs")
    # ...then only the second arrives: the page holds it, asks for what it missed, applies both in order.
    # A function without arguments: Playwright hands arguments over through an eval, which the
    # page's policy refuses (and the CSP watch would rightly report).
    parent.evaluate(f"() => window.__live.feed({frame})")
    thread = parent.locator(f"#thread-{rec.id}")
    expect(thread).to_contain_text("The second of two.", timeout=LIVE_WAIT_MS)
    expect(thread).to_contain_text("The first of two.")
    assert parent.evaluate("() => window.__live.resyncs") == resyncs + 1
    assert parent.evaluate("() => window.__live.lastSeq") == start + 2
    applied = parent.evaluate("() => window.__live.applied")
    parent.evaluate(f"() => window.__live.feed({frame})")  # the same event again changes nothing
    assert parent.evaluate("() => window.__live.applied") == applied


def test_signing_out_elsewhere_stops_live_updates_with_a_clear_message(transactional_demo, open_as):
    demo = transactional_demo
    parent = open_iep(open_as("parent.maya"), demo.maya_iep)
    other_tab = parent.context.new_page()
    other_tab.goto("/")
    other_tab.get_by_role("button", name="Sign out").click()

    expect(parent.locator("#live-notice")).to_contain_text("You are signed out, so live updates have stopped.",
                                                           timeout=LIVE_WAIT_MS)
    expect(parent.locator("#live-notice").get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", f"/accounts/login/?next=%2Fieps%2F{demo.maya_iep.id}%2F")
    expect(parent.locator("#live-status")).to_have_attribute("data-state", "stopped")
    assert_accessible(parent, "signed out elsewhere")
    parent.wait_for_timeout(2500)  # longer than the first reconnect delay: none is attempted
    assert parent.evaluate("__live.connects") == 1
    assert parent.evaluate("__live.socket") is None
