"""A recommendation's thread as _thread.html shows it: for one thread (the thread fragment, every
action's answer) or for every unread thread of an IEP page at once, rendered in the page itself
so that opening the page is one request (a fragment is fetched only when someone opens a closed
thread). Reads go through the selectors; what a person may do comes from the policy."""
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from apps.ieps.selectors import recommendations_of, recommendations_visible_to
from apps.students.models import Role
from apps.students.selectors import team_for
from apps.students.standing import Standing, standing_of

from .forms import CommentForm, EditForm
from .models import Comment, Thread
from .policy import (
    is_comment_author,
    may_change_thread_state,
    may_post_in,
    may_read_thread,
)
from .presentation import ROLE_LABELS, thread_nodes
from .selectors import comments_of, thread_of, unread_counts_for


@dataclass(frozen=True)
class Preloaded:
    """What every thread of one IEP page shares, read once for all of them."""

    threads: dict          # recommendation id -> Thread
    comments: dict         # thread id -> [Comment] in id order
    team: list             # the child's active memberships
    unread_by_rec: dict    # recommendation id -> unread count for the reader
    readers: dict          # member's user id -> ids of this IEP's recommendations they may read
    standing: Standing     # the reader's standing on the child, worked out once by the page


def inline_threads(request, iep, unread_by_rec: dict, standing: Standing | None = None) -> dict:
    """The rendered thread of each recommendation with unread comments, for the IEP page: a
    constant number of queries for any number of threads (one per team member for whom may be
    mentioned, which does not grow with the recommendations)."""
    user = request.user
    wanted = [rec_id for rec_id, n in unread_by_rec.items() if n]
    if not wanted:
        return {}
    standing = standing_of(standing or user, iep.student)
    recs = list(recommendations_of(iep, standing).filter(id__in=wanted))
    for rec in recs:
        rec.iep = iep
    threads = {t.recommendation_id: t for t in Thread.objects.filter(iep=iep, recommendation_id__in=wanted)
               .select_related("resolved_by")}
    comments: dict = {}
    for c in Comment.objects.filter(thread__in=[t.id for t in threads.values()]).select_related("author").order_by("id"):
        comments.setdefault(c.thread_id, []).append(c)
    team = list(team_for(iep.student))
    readers = {m.user_id: set(recommendations_visible_to(m.user).filter(iep=iep).values_list("id", flat=True))
               for m in team if m.user_id != user.id}
    preloaded = Preloaded(threads, comments, team, unread_by_rec, readers, standing)
    return {rec.id: render_to_string("discussions/_thread.html", thread_context(request, rec, preloaded=preloaded),
                                     request=request)
            for rec in recs}


def team_choices(user, team, thread, readers=None):
    """Whom the form offers to notify: the service's rule (members who may read this thread).
    `readers` (member's user id -> recommendation ids they may read), when the caller read it for
    many threads at once, answers the same question without a query per member and thread."""
    choices = []
    for m in team:
        if m.user_id == user.id:
            continue
        if readers is not None and thread.recommendation_id is not None:
            if thread.recommendation_id not in readers.get(m.user_id, ()):
                continue
        elif not may_read_thread(m.user, thread):
            continue
        what = m.get_discipline_display() or ROLE_LABELS.get(m.role, "")
        choices.append((m.user_id, f"{m.user.full_name} ({what})"))
    return choices


def thread_context(request, rec, *, open_form=None, bound=None, error=None, focus=None, quiet=False,
                   preloaded: "Preloaded | None" = None, standing: Standing | None = None):
    """Everything _thread.html shows. `open_form` is ("reply" | "edit" | "delete", comment id):
    the form that is open in the thread; `bound` is ("comment" | "reply" | "edit", form): a
    submitted form to show again with its errors. `preloaded`: what the IEP page read once for
    all its threads (inline_threads), instead of reading it again per thread. `standing`: the
    reader's on the child, when the view already worked it out; every question below asks it."""
    user = request.user
    if preloaded is not None:
        standing = preloaded.standing
    standing = standing_of(standing or user, rec.iep.student)
    if preloaded is None:
        thread = thread_of(rec)
        comments = list(comments_of(thread))
        team = list(team_for(rec.iep.student))
        unread_by_rec = unread_counts_for(user, rec.iep)
        readers = None
    else:
        thread = preloaded.threads.get(rec.id) or Thread(recommendation=rec, iep_id=rec.iep_id)
        thread.recommendation, thread.iep = rec, rec.iep
        comments = preloaded.comments.get(thread.pk, [])
        team, unread_by_rec, readers = preloaded.team, preloaded.unread_by_rec, preloaded.readers
    disciplines = {m.user_id: m.get_discipline_display() for m in team if m.discipline}
    unread = unread_by_rec.get(rec.id, 0)
    resolved = thread.status == Thread.Status.RESOLVED
    may_post = bool(may_post_in(standing, thread))
    choices = team_choices(user, team, thread, readers) if may_post else []
    by_id = {c.id: c for c in comments}

    kind, target = open_form or (None, None)
    target_comment = by_id.get(target)
    # A form opens only where this person may use it (a stale link opens nothing).
    if (target_comment is None or target_comment.deleted
            or (kind in ("edit", "delete") and not is_comment_author(standing, target_comment))
            or (kind == "reply" and (not may_post or resolved))):
        kind = None

    bound_kind, bound_form = bound or (None, None)
    if bound_kind == "reply" and kind != "reply":
        bound_kind = "comment"  # the comment it answered went away meanwhile: keep the words

    def form_for(which, make):
        return bound_form if bound_kind == which else make()

    main_form = reply_form = edit_form = None
    if may_post and not resolved:
        main_form = form_for("comment", lambda: CommentForm(team_choices=choices, auto_id=f"c{rec.id}-%s"))
    if kind == "reply":
        name = target_comment.author.full_name
        reply_form = form_for("reply", lambda: CommentForm(
            initial={"parent": target}, team_choices=choices, auto_id=f"r{target}-%s",
            label=_("Your reply to %(name)s") % {"name": name}))
    elif kind == "edit":
        edit_form = form_for("edit", lambda: EditForm(initial={"body": target_comment.body}, auto_id=f"e{target}-%s"))
    # Focus: a form just opened, or the field a submitted form got wrong. Not on a live refresh:
    # someone else's comment must not move this person's focus.
    for form in (main_form, reply_form, edit_form):
        if form is None or quiet:
            continue
        if (form.is_bound and form.errors) or (not form.is_bound and form is not main_form):
            form.fields["body"].widget.attrs["data-focus-after-swap"] = ""

    return {
        "rec": rec,
        "iep": rec.iep,
        "standing": standing,
        "thread": thread,
        "resolved": resolved,
        "resolved_by": thread.resolved_by if resolved else None,
        "nodes": thread_nodes(comments, user=user, unread=unread, disciplines=disciplines, focus=focus or ""),
        "comment_count": sum(1 for c in comments if not c.deleted),
        # "Read" means read up to what this render showed, not what arrived after it.
        "newest_id": max((c.id for c in comments), default=0),
        "unread": unread,
        "unread_total": sum(unread_by_rec.values()),
        "may_post": may_post,
        "may_change_state": bool(may_change_thread_state(standing, thread)),
        "is_district_admin": standing.role == Role.DISTRICT_ADMIN,
        "open_kind": kind,
        "open_id": target if kind else None,
        "open_state": f"{kind}={target}" if kind else "",
        "main_form": main_form,
        "reply_form": reply_form,
        "edit_form": edit_form,
        "error": error,
        "focus": focus,
        "quiet": quiet,
    }
