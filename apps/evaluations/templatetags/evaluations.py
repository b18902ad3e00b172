"""Template helpers for pages outside this app: the header's evaluation links, decided by the same
selectors as the evaluation pages themselves. (The IEP page's section is a panel: panels.py.)"""
from django import template

from apps.accounts.selectors import admin_district_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def evaluation_nav(context):
    """{"queue": the person administers a district (their evaluation queue and their district's
    deadlines), "mine": the person is an independent evaluator}.
    No query beyond the district ids the header already reads (memoised on the user)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"queue": False, "mine": False}
    return {"queue": bool(admin_district_ids(user)), "mine": user.evaluator_organization_id is not None}
