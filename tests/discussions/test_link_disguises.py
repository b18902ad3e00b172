"""A link in a comment reads as where it goes: direction controls and zero-width characters are
taken out of it, it is isolated from the text around it, and its real host is shown beside it."""
import re

import pytest

from apps.discussions.formatting import render

INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def comments_url(rec):
    return f"/api/v1/recommendations/{rec.id}/comments/"


def _links(html):
    return re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)


def test_a_right_to_left_override_cannot_make_an_exe_link_read_as_a_pdf(api_as, demo):
    body = "The report is at https://evil.example/\u202efdp.exe please read it"
    answer = api_as("ot").post(comments_url(demo.maya_recs[0]), {"body": body}, format="json")
    assert answer.status_code == 201, answer.content
    comment = answer.json()
    assert _links(comment["body_html"]) == [("https://evil.example/fdp.exe", "https://evil.example/fdp.exe")]
    assert "\u202e" not in comment["body_html"]
    assert "(evil.example)" in comment["body_html"]
    # Clients that render the text themselves get the link without the disguise too.
    assert comment["body"] == "The report is at https://evil.example/fdp.exe please read it"
    # The team reading it sees the same, and the other family cannot read it at all.
    listed = api_as("parent.maya").get(comments_url(demo.maya_recs[0])).json()["results"]
    assert "\u202e" not in listed[-1]["body_html"]
    assert api_as("parent.leo").get(comments_url(demo.maya_recs[0])).status_code == 404


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_no_direction_or_zero_width_character_survives_in_a_link(char):
    html = render(f"see https://docs.exa{char}mple.org/report{char}.pdf today")
    assert _links(html) == [("https://docs.example.org/report.pdf", "https://docs.example.org/report.pdf")]
    assert char not in html
    assert "(docs.example.org)" in html


def test_the_link_is_isolated_from_an_override_in_the_text_around_it():
    html = render("\u202e see https://example.org/a and more")
    assert re.search(r"<bdi><a href=\"https://example.org/a\"[^>]*>https://example.org/a</a> "
                     r"<small>\(example.org\)</small></bdi>", html), html


def test_a_look_alike_host_is_shown_as_the_name_it_really_is():
    html = render("https://\u0435vil.example/login")  # a Cyrillic "е"
    assert "(xn--vil-" in html


def test_direction_marks_outside_links_are_kept_for_the_scripts_that_need_them():
    text = "\u05e9\u05dc\u05d5\u05dd\u200f (Hebrew) and a family \U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert "\u200f" in render(text) and "\u200d" in render(text)


def test_an_address_that_cannot_be_split_still_renders():
    assert "https://[::1/x" in render("https://[::1/x")  # shown, not a 500
