"""Comment bodies are plain text. For display they get light formatting (bold, italics, code,
links, line breaks); the result passes an HTML sanitiser, so raw HTML never reaches a page."""
import re
from html import unescape
from urllib.parse import urlsplit

import nh3
from django.utils.html import escape

_LINK = re.compile(r"(?<![\w/])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)])")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that change how a link reads without changing where it goes: bidi embeddings,
# overrides, isolates and marks ("https://evil.example/\u202efdp.exe" shows as "...exe.pdf"), and
# zero-width characters that split or hide parts of a host. Removed from links only: in the rest
# of the text ZWJ/ZWNJ and the RTL marks are needed by scripts and emoji.
_INVISIBLE_IN_LINKS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "a", "bdi", "small"}


def link_target(url: str) -> str:
    """The address a link really goes to, as it is shown and followed."""
    return _INVISIBLE_IN_LINKS.sub("", url)


def link_host(url: str) -> str:
    """The host a link goes to, in its ASCII form, so that a look-alike (Cyrillic "е" for "e")
    shows as the xn-- name it is."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # an unclosed "[" of an IPv6 address
        return ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def clean_text(body: str) -> str:
    """What we store: the person's text, minus invisible control characters, and links minus the
    characters that would disguise them (for API clients that render the text themselves)."""
    body = _CONTROL.sub("", body.replace("\r\n", "\n")).strip()
    return _LINK.sub(lambda m: link_target(m.group(1)), body)


def _link(match) -> str:
    url = link_target(unescape(match.group(1)))
    host = link_host(url)
    # <bdi> isolates the link from direction controls in the text around it.
    shown = f'<a href="{escape(url)}">{escape(url)}</a>'
    return f"<bdi>{shown} <small>({escape(host)})</small></bdi>" if host else f"<bdi>{shown}</bdi>"


def render(body: str) -> str:
    html = escape(body)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    html = _LINK.sub(_link, html)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", html) if p.strip()]
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
    )
