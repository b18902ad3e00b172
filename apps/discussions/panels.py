"""The IEP page's discussion parts, registered with apps.ieps.panels in DiscussionsConfig.ready():
the unread total in the page's summary and each recommendation's thread."""
from .selectors import thread_summaries_of
from .thread_context import inline_threads


class InlineThreads:
    """The unread threads rendered into the page (they open by themselves: rendering them here
    spares a request per thread on load). Built on first use, so a view that shows one new
    recommendation's card (which has nothing unread) renders none."""

    def __init__(self, request, iep, unread_by_rec, standing):
        self._args = (request, iep, unread_by_rec, standing)
        self._html = None

    def get(self, rec_id, default=""):
        if self._html is None:
            self._html = inline_threads(*self._args)
        return self._html.get(rec_id, default)


def discussion_overview(request, iep, standing=None) -> dict:
    """Both discussion panels read the same summary; it is read once per page (a constant
    number of queries however many recommendations the IEP holds)."""
    cache = request.__dict__.setdefault("_discussion_overview", {})
    if iep.id not in cache:
        talk = thread_summaries_of(request.user, iep, standing)
        unread = {rec_id: s["unread"] for rec_id, s in talk["recs"].items() if s["unread"]}
        cache[iep.id] = {"talk": talk, "inline": InlineThreads(request, iep, unread, standing)}
    return cache[iep.id]


def register():
    from apps.ieps.panels import register_panel

    register_panel("discussions.unread", "discussions/_iep_facts.html", discussion_overview, order=10, slot="facts")
    register_panel("discussions.thread", "discussions/_rec_panel.html", discussion_overview, order=10,
                   slot="recommendation", script="js/discussions/live.js")
