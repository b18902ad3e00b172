"""Template helpers for pages outside this app: the header's evaluation links and the IEP page's
"Request an independent evaluation" link, each decided by the same selectors and policy as the
evaluation pages themselves."""
from django import template

from apps.accounts.selectors import admin_district_ids

from ..policy import may_request_for_student

register = template.Library()


@register.simple_tag(takes_context=True)
def evaluation_nav(context):
    """{"queue": the person administers a district, "mine": the person is an independent evaluator}.
    No query beyond the district ids the header already reads (memoised on the user)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"queue": False, "mine": False}
    return {"queue": bool(admin_district_ids(user)), "mine": user.evaluator_organization_id is not None}


@register.simple_tag(takes_context=True)
def may_request_evaluation(context, student):
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and may_request_for_student(user, student))
