"""Comment bodies are plain text. For display they get light formatting (bold, italics, code,
links, line breaks); the result passes an HTML sanitiser, so raw HTML never reaches a page."""
import re

import nh3
from django.utils.html import escape

_LINK = re.compile(r"(?<![\w/])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)])")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "a"}


def clean_text(body: str) -> str:
    """What we store: the person's text, minus invisible control characters."""
    return _CONTROL.sub("", body.replace("\r\n", "\n")).strip()


def render(body: str) -> str:
    html = escape(body)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    html = _LINK.sub(r'<a href="\1">\1</a>', html)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html) if p.strip()]
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )
