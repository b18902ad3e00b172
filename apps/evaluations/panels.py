"""The IEP page's independent-evaluation section, registered with apps.ieps.panels in
EvaluationsConfig.ready(). The section's list is rendered with the page (views.iep_panel refreshes it); what is decided
here is whether the person may ask for one and whether findings wait for their consideration."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import EvaluationRequest
from .policy import may_acknowledge, may_request_for_student
from .selectors import evaluation_requests_visible_to, sealed_version


def _awaiting_my_consideration(user, iep, standing) -> list[EvaluationRequest]:
    waiting = []
    submitted = evaluation_requests_visible_to(user).filter(iep=iep, status=EvaluationRequest.Status.SUBMITTED)
    for e in submitted.prefetch_related("acknowledgements"):
        version = sealed_version(e)
        if version is None or not may_acknowledge(standing, e):
            continue
        if not any(a.user_id == user.id and a.findings_version_id == version.id for a in e.acknowledgements.all()):
            waiting.append(e)
    return waiting


def evaluation_section(request, iep, standing=None) -> dict:
    from django.template.loader import render_to_string

    from apps.students.standing import standing_of

    from .views import _panel_context

    user = request.user
    standing = standing_of(standing or user, iep.student)
    toc = [{"label": _("I have considered the findings"), "anchor": f"ack-button-{e.id}"}
           for e in _awaiting_my_consideration(user, iep, standing)]
    # The list is rendered with the page (the live client fetches it again only when an
    # evaluation event arrives): opening the IEP page is one request.
    panel_html = render_to_string("evaluations/_iep_panel.html", _panel_context(request, iep, standing=standing),
                                  request=request)
    return {"may_request": may_request_for_student(standing, iep.student), "toc": toc, "panel_html": panel_html}


def register():
    from apps.ieps.panels import register_panel

    register_panel("evaluations", "evaluations/_iep_section.html", evaluation_section, order=20,
                   toc_label=gettext_lazy("Independent evaluations"), toc_anchor="evaluations-heading",
                   script="js/evaluations/live.js")
