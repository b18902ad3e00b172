"""What the discussion gives a prior written notice's draft (apps.ieps.notices), and the guidance's
link to it (apps.ieps.guidance): registered in DiscussionsConfig.ready()."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.students.models import Role

from .selectors import comments_of, thread_of

# The draft gives the discussion briefly: the latest comments, each cut short.
LATEST_COMMENTS = 8
COMMENT_CHARS = 240


def discussion_source(recommendation) -> dict[str, list[str]]:
    comments = [c for c in comments_of(thread_of(recommendation)) if not c.deleted]
    if not comments:
        return {}
    roles = dict(Role.choices)
    lines = [_("In the discussion (%(n)s comments), the team said:") % {"n": len(comments)}]
    for comment in comments[-LATEST_COMMENTS:]:
        body = " ".join(comment.body.split())
        if len(body) > COMMENT_CHARS:
            body = body[:COMMENT_CHARS - 1].rstrip() + "…"
        lines.append(f"– {comment.author.full_name} ({str(roles.get(comment.author_role, comment.author_role)).lower()}, "
                     f"{comment.created_at.date().isoformat()}): {body}")
    return {"options_considered": ["\n".join(lines)]}


def register():
    from apps.ieps.guidance import register_guidance_action
    from apps.ieps.notices import register_draft_source

    register_draft_source(discussion_source)
    register_guidance_action("discussion", gettext_lazy("Ask in the discussion"), "discussions:discussion", order=10,
                             hint=gettext_lazy("Ask the professional what they have seen, and why they recommend it."))
