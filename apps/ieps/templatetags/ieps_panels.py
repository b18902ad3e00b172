"""`{% render_panels shown.section %}`: the panels higher apps registered (apps/ieps/panels.py),
each rendered with the page's context plus its own. The IEP templates name no higher app."""
from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panels(context, panels, rec=None):
    html = []
    for panel, own in panels or ():
        extra = dict(own)
        if rec is not None:
            extra["rec"] = rec
        with context.push(**extra):
            html.append(get_template(panel.template).template.render(context))
    return mark_safe("".join(html))  # each part is a rendered (escaped) template
