"""The notifications page: a person's notifications, newest first; open one or mark them read."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .selectors import notifications_of, unread_notification_count
from .services import notification_mark_read, notifications_mark_all_read

PER_PAGE = 25


def _safe_local(request, url):
    """Only links within this site: a notification's or a form's URL never sends anyone elsewhere."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                                       require_https=request.is_secure()):
        return url
    return ""


@login_required
@require_GET
def notification_list(request):
    pages = Paginator(notifications_of(request.user), PER_PAGE)
    current = pages.get_page(request.GET.get("page"))
    items = [{"n": n, "url": _safe_local(request, n.url)} for n in current]
    return render(request, "notifications/list.html", {
        "page": current,
        "items": items,
        "unread": unread_notification_count(request.user),
    })


@login_required
@require_POST
def notification_read(request, notification_id):
    """Marks one read. The "Open" button posts here too: it then follows the notification's link."""
    notification = notification_mark_read(actor=request.user, notification_id=notification_id)
    target = _safe_local(request, notification.url) if "open" in request.POST else ""
    if target:
        return redirect(target)
    page = request.POST.get("page", "")
    return redirect(reverse("notifications:list") + (f"?page={page}" if page.isdigit() else "") + f"#notification-{notification.id}")


@login_required
@require_POST
def notification_read_all(request):
    marked = notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")
