"""`{% discussion_overview iep as talk %}`: the IEP page's discussion summary (comment counts,
states, unread badges) without the ieps app knowing discussions exist."""
from django import template

from apps.discussions.selectors import thread_summaries_of

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion_overview(context, iep):
    return thread_summaries_of(context["request"].user, iep)
