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

from apps.core.errors import Forbidden, NotFound
from apps.core.forms import FormRefusal, apply_service_error
from apps.ieps.selectors import recommendation_and_standing_for, recommendation_get_for
from apps.students.selectors import team_for
from apps.students.standing import note_standing

from . import services
from .forms import CommentForm, EditForm
from .policy import (
    is_comment_author,
    may_change_thread_state,
    may_post_in,
)
from .selectors import comment_get_for, thread_of
from .thread_context import team_choices, thread_context

page = login_required


# ---------- rendering ----------

def _render(request, rec, *, status=200, full_page=False, **state):
    """HTMX: the thread partial (plus the summary badges out of band). Otherwise the full page."""
    context = thread_context(request, rec, **state)
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
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id)
    note_standing(request, standing)
    return _render(request, rec, full_page=True, open_form=_open_form(request.GET),
                   focus=request.GET.get("focus", ""), standing=standing)


@page
@require_GET
def thread(request, recommendation_id):
    """The thread partial, for the IEP page and the live client (a person who opens its address
    gets the discussion's page)."""
    rec, standing = recommendation_and_standing_for(request.user, recommendation_id)
    note_standing(request, standing)
    if not request.htmx:
        query = request.GET.copy()
        query.pop("live", None)
        url = reverse("discussions:discussion", args=[rec.id])
        response = HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
        patch_vary_headers(response, ["HX-Request"])
        return response
    live = request.GET.get("live") == "1"
    context = thread_context(request, rec, open_form=_open_form(request.GET), quiet=live,
                              focus="" if live else request.GET.get("focus", ""), standing=standing)
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
    form = CommentForm(request.POST, team_choices=team_choices(request.user, team, thread_), auto_id=auto_id)
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
    form = CommentForm(data, team_choices=team_choices(request.user, team, thread_), auto_id=f"c{rec.id}-%s")
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
