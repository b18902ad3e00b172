"""Small presentation helpers shared by every page. No reads, no rules: only display."""
from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import dateformat, formats, timezone

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


@register.filter
def moment(value):
    """`{{ comment.created_at|moment }}`: a date and time as every page writes one: the language's
    own format, in the reader's time zone (PersonTimeZone), with the zone named."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {dateformat.format(local, 'T')}"


@register.filter
def dollars(amount):
    """`{{ e.cost_cap|dollars }}`: dollars grouped the language's way ($3,500; $3 500 in Spanish)."""
    if amount is None or amount == "":
        return ""
    if amount == int(amount):
        amount = int(amount)  # a cap of 3500.00 reads $3,500
    return f"${intcomma(amount, use_l10n=True)}"
