"""Small presentation helpers shared by every page. No reads, no rules: only display."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ labels|get_item:value }}`: a label from a dict handed over by the view ("" if none)."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.simple_tag(takes_context=True)
def current_if(context, *url_names):
    """`{% current_if "ieps:home" %}` marks the nav link of the page being shown."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match and match.view_name in url_names:
        return "page"
    return "false"
