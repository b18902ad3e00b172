"""A thread as people read it: comments in reading order, nested to a depth the page can show."""
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.students.models import Role

from . import formatting
from .models import Comment
from .policy import is_comment_author

ROLE_LABELS = dict(Role.choices)
# Replies nest without limit; the page indents four levels (0-3) and shows deeper replies at the
# fourth, each saying whom it answers.
MAX_LEVEL = 3


@dataclass
class Node:
    """One comment in reading order, with what the flat template needs to nest it."""

    comment: Comment
    level: int
    opens: bool          # starts a nested list of replies
    keeps_open: bool     # its replies follow inside its list item
    closes: range        # nested lists to close after it
    replying_to: str     # shown when the reply is deeper than the page indents
    body_html: str
    role: str
    is_new: bool
    is_mine: bool
    focus: bool          # keyboard focus goes here once the thread is swapped in


def reading_order(comments):
    """Depth-first, oldest first at every level, iteratively (a thread may be arbitrarily deep)."""
    ids = {c.id for c in comments}
    children, roots = {}, []
    for c in comments:
        (children.setdefault(c.parent_id, []) if c.parent_id in ids else roots).append(c)
    order, stack = [], [(c, 0) for c in reversed(roots)]
    while stack:
        comment, depth = stack.pop()
        order.append((comment, depth))
        stack.extend((reply, depth + 1) for reply in reversed(children.get(comment.id, [])))
    return order


def thread_nodes(comments, *, user, unread: int, disciplines: dict, focus: str = ""):
    by_id = {c.id: c for c in comments}
    others_live = [c.id for c in comments if c.author_id != user.id and not c.deleted]
    # Unread = others' live comments past the reader's marker, so they are the newest `unread` of them.
    new_ids = set(others_live[len(others_live) - unread:]) if unread else set()
    order = reading_order(comments)
    levels = [min(depth, MAX_LEVEL) for _c, depth in order]
    nodes = []
    for i, (c, depth) in enumerate(order):
        level, before = levels[i], (levels[i - 1] if i else 0)
        after = levels[i + 1] if i + 1 < len(order) else 0
        parent = by_id.get(c.parent_id)
        replying_to = ""
        if depth > MAX_LEVEL and parent is not None:
            replying_to = _("a deleted comment") if parent.deleted else parent.author.full_name
        role = str(ROLE_LABELS.get(c.author_role, ""))
        if disciplines.get(c.author_id):
            role = f"{role} · {disciplines[c.author_id]}" if role else disciplines[c.author_id]
        nodes.append(Node(
            comment=c, level=level, opens=level > before, keeps_open=after > level,
            closes=range(level - after) if after <= level else range(0), replying_to=replying_to,
            # formatting.render escapes the text and sanitises the result: safe to show as HTML.
            body_html="" if c.deleted else mark_safe(formatting.render(c.body)),
            role=role, is_new=c.id in new_ids, is_mine=is_comment_author(user, c), focus=focus == f"comment-{c.id}",
        ))
    return nodes
