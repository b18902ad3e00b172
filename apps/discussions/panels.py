"""The IEP page's discussion parts, registered with apps.ieps.panels in DiscussionsConfig.ready():
the unread total in the page's summary and each recommendation's thread."""
from .selectors import thread_summaries_of


def discussion_overview(request, iep) -> dict:
    """Both discussion panels read the same summary; it is read once per page (a constant
    number of queries however many recommendations the IEP holds)."""
    cache = request.__dict__.setdefault("_discussion_overview", {})
    if iep.id not in cache:
        cache[iep.id] = {"talk": thread_summaries_of(request.user, iep)}
    return cache[iep.id]


def register():
    from apps.ieps.panels import register_panel

    register_panel("discussions.unread", "discussions/_iep_facts.html", discussion_overview, order=10, slot="facts")
    register_panel("discussions.thread", "discussions/_rec_panel.html", discussion_overview, order=10,
                   slot="recommendation", script="js/discussions/live.js")
