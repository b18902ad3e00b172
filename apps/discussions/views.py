"""Discussion pages. A recommendation's thread is one server-rendered partial: the IEP page loads it
with HTMX, every action answers with it re-rendered (so what a person sees is always what the
server and the policy say), and the same thread is a page of its own for browsers without
JavaScript, whose forms post and are redirected back to it. Reads go through the selectors,
writes through the services; nothing here decides who may do what."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.forms import FormRefusal, apply_service_error
from apps.core.errors import Forbidden, NotFound
from apps.ieps.selectors import recommendation_get_for
from apps.students.models import Role
from apps.students.selectors import role_for, team_for

from . import services
from .models import Thread
from .policy import is_comment_author, may_change_thread_state, may_post_in, may_read_thread
from .forms import CommentForm, EditForm
from .presentation import ROLE_LABELS, thread_nodes
from .selectors import comment_get_for, comments_of, thread_of, unread_counts_for

page = login_required


def _team_choices(user, team, thread):
    """Whom the form offers to notify: the service's rule (members who may read this thread)."""
    choices = []
    for m in team:
        if m.user_id == user.id or not may_read_thread(m.user, thread):
            continue
        what = m.get_discipline_display() or ROLE_LABELS.get(m.role, "")
        choices.append((m.user_id, f"{m.user.full_name} ({what})"))
    return choices


def _thread_context(request, rec, *, open_form=None, bound=None, error=None, focus=None, quiet=False):
    """Everything _thread.html shows. `open_form` is ("reply" | "edit" | "delete", comment id):
    the form that is open in the thread; `bound` is ("comment" | "reply" | "edit", form): a
    submitted form to show again with its errors."""
    user = request.user
    thread = thread_of(rec)
    comments = list(comments_of(thread))
    team = list(team_for(rec.iep.student))
    disciplines = {m.user_id: m.get_discipline_display() for m in team if m.discipline}
    unread_by_rec = unread_counts_for(user, rec.iep)
    unread = unread_by_rec.get(rec.id, 0)
    resolved = thread.status == Thread.Status.RESOLVED
    may_post = bool(may_post_in(user, thread))
    choices = _team_choices(user, team, thread) if may_post else []
    by_id = {c.id: c for c in comments}

    kind, target = open_form or (None, None)
    target_comment = by_id.get(target)
    # A form opens only where this person may use it (a stale link opens nothing).
    if (target_comment is None or target_comment.deleted
            or (kind in ("edit", "delete") and not is_comment_author(user, target_comment))
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
        "may_change_state": bool(may_change_thread_state(user, thread)),
        "is_district_admin": role_for(user, rec.iep.student) == Role.DISTRICT_ADMIN,
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


# ---------- rendering ----------

def _render(request, rec, *, status=200, full_page=False, **state):
    """HTMX: the thread partial (plus the summary badges out of band). Otherwise the full page."""
    context = _thread_context(request, rec, **state)
    if request.htmx and not full_page:
        context["oob"] = True
        response = render(request, "discussions/_thread_response.html", context, status=status)
    else:
        context.update({"student": rec.iep.student, "recommendation": rec})
        response = render(request, "discussions/discussion.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _done(request, rec, *, focus, anchor, message):
    """After a successful write: HTMX gets the fresh thread, a plain form a redirect back to it."""
    if request.htmx:
        return _render(request, rec, focus=focus)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("discussions:discussion", args=[rec.id]) + f"#{anchor}")


def _open_form(query):
    for kind in ("reply", "edit", "delete"):
        value = query.get(kind, "")
        if value.isdigit():
            return kind, int(value)
    return None


def _recommendation_of(user, comment):
    """The comment's recommendation, through the recommendation's own visibility (an evaluator
    sees only the recommendations in dispute, whatever else of the IEP they see)."""
    if comment.thread.recommendation_id is None:
        raise NotFound()
    return recommendation_get_for(user, comment.thread.recommendation_id)


# ---------- views ----------

@page
@require_GET
def discussion(request, recommendation_id):
    """The thread as a page of its own: the no-JavaScript way in, and a link to share."""
    rec = recommendation_get_for(request.user, recommendation_id)
    return _render(request, rec, full_page=True, open_form=_open_form(request.GET),
                   focus=request.GET.get("focus", ""))


@page
@require_GET
def thread(request, recommendation_id):
    """The thread partial, for the IEP page and the live client (a person who opens its address
    gets the discussion's page)."""
    rec = recommendation_get_for(request.user, recommendation_id)
    if not request.htmx:
        query = request.GET.copy()
        query.pop("live", None)
        url = reverse("discussions:discussion", args=[rec.id])
        response = HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
        patch_vary_headers(response, ["HX-Request"])
        return response
    live = request.GET.get("live") == "1"
    context = _thread_context(request, rec, open_form=_open_form(request.GET), quiet=live,
                              focus="" if live else request.GET.get("focus", ""))
    context["oob"] = True
    return render(request, "discussions/_thread_response.html", context)


def _comment_form_view(kind):
    @page
    @require_GET
    def view(request, comment_id):
        comment = comment_get_for(request.user, comment_id)
        rec = _recommendation_of(request.user, comment)
        return _render(request, rec, open_form=(kind, comment.id))

    view.__name__ = f"comment_{kind}_form"
    return view


comment_reply_form = _comment_form_view("reply")


@page
@require_POST
def comment_create(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    thread_ = thread_of(rec)
    if not may_post_in(request.user, thread_):
        raise Forbidden(_("You may read this discussion but not post in it."))
    team = list(team_for(rec.iep.student))
    parent = request.POST.get("parent", "")
    auto_id = f"r{parent}-%s" if parent.isdigit() else f"c{rec.id}-%s"
    form = CommentForm(request.POST, team_choices=_team_choices(request.user, team, thread_), auto_id=auto_id)
    open_form = ("reply", int(parent)) if parent.isdigit() else None
    if form.is_valid():
        with FormRefusal() as refusal:
            comment = services.comment_create(
                actor=request.user, thread=thread_, body=form.cleaned_data["body"],
                parent_id=form.cleaned_data.get("parent"), mentions=form.cleaned_data.get("mentions"),
            )
        if error := refusal.error:
            message = None
            if "parent" in error.fields:
                # Not a comment of this thread: the text comes back in the thread's own form.
                form, open_form = _rebind_without_parent(request, rec, team, thread_), None
                form.add_error(None, error.message)
            elif error.fields:
                apply_service_error(form, error)
            else:
                message = error.message  # about the thread (resolved meanwhile), not the form
            return _render(request, rec, status=error.status_code, open_form=open_form, error=message,
                           bound=("reply" if open_form else "comment", form))
        return _done(request, rec, focus=f"comment-{comment.id}", anchor=f"comment-{comment.id}",
                     message=_("Your comment was posted."))
    return _render(request, rec, status=422, open_form=open_form, bound=("reply" if open_form else "comment", form))


def _rebind_without_parent(request, rec, team, thread_):
    data = request.POST.copy()
    data.pop("parent", None)
    form = CommentForm(data, team_choices=_team_choices(request.user, team, thread_), auto_id=f"c{rec.id}-%s")
    form.is_valid()
    return form


@page
@require_http_methods(["GET", "POST"])
def comment_edit(request, comment_id):
    comment = comment_get_for(request.user, comment_id)
    rec = _recommendation_of(request.user, comment)
    if not is_comment_author(request.user, comment):
        raise Forbidden(_("Only the author may change a comment."))
    if request.method == "GET":
        return _render(request, rec, open_form=("edit", comment.id))
    form = EditForm(request.POST, auto_id=f"e{comment.id}-%s")
    if form.is_valid():
        with FormRefusal() as refusal:
            services.comment_edit(actor=request.user, comment=comment, body=form.cleaned_data["body"])
        if error := refusal.error:
            return _render(request, rec, status=error.status_code, error=error.message)
        return _done(request, rec, focus=f"comment-{comment.id}", anchor=f"comment-{comment.id}",
                     message=_("Your comment was changed."))
    return _render(request, rec, status=422, open_form=("edit", comment.id), bound=("edit", form))


@page
@require_http_methods(["GET", "POST"])
def comment_delete(request, comment_id):
    comment = comment_get_for(request.user, comment_id)
    rec = _recommendation_of(request.user, comment)
    if not is_comment_author(request.user, comment):
        raise Forbidden(_("Only the author may change a comment."))
    if request.method == "GET":
        return _render(request, rec, open_form=("delete", comment.id))
    with FormRefusal() as refusal:
        services.comment_delete(actor=request.user, comment=comment)
    if error := refusal.error:
        return _render(request, rec, status=error.status_code, error=error.message)
    return _done(request, rec, focus=f"comment-{comment.id}", anchor=f"comment-{comment.id}",
                 message=_("Your comment was deleted."))


def _state_view(change, message):
    @page
    @require_POST
    def view(request, recommendation_id):
        rec = recommendation_get_for(request.user, recommendation_id)
        thread_ = thread_of(rec)
        if not may_change_thread_state(request.user, thread_):
            raise Forbidden(_("Only the child's team may resolve or reopen a discussion."))
        with FormRefusal() as refusal:
            change(actor=request.user, thread=thread_)
        if error := refusal.error:
            # Someone else did it first: show the thread as it is now, and say so.
            return _render(request, rec, status=error.status_code, error=error.message, focus="thread-state")
        return _done(request, rec, focus="thread-state", anchor=f"thread-{rec.id}", message=message)

    return view


thread_resolve = _state_view(services.thread_resolve, gettext_lazy("The discussion is marked resolved."))
thread_reopen = _state_view(services.thread_reopen, gettext_lazy("The discussion is open again."))


@page
@require_POST
def thread_read(request, recommendation_id):
    rec = recommendation_get_for(request.user, recommendation_id)
    up_to = request.GET.get("up_to", "")
    services.thread_mark_read(actor=request.user, thread=thread_of(rec), up_to=int(up_to) if up_to.isdigit() else None)
    return _done(request, rec, focus="", anchor=f"thread-{rec.id}", message=_("Marked as read."))
