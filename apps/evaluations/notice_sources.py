"""What submitted independent evaluations give a prior written notice's draft (part 3, the
evaluations used; apps.ieps.notices), and the guidance's link to request one (apps.ieps.guidance):
registered in EvaluationsConfig.ready(). Findings before submit are sealed: never drafted from."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Finding, FindingsVersion


def evaluations_source(recommendation) -> dict[str, list[str]]:
    versions = (FindingsVersion.objects.filter(request__iep_id=recommendation.iep_id, submitted_at__isnull=False)
                .select_related("request__evaluator").order_by("request_id", "-version"))
    lines, seen = [], set()
    for version in versions:
        if version.request_id in seen:  # the latest submitted version of each evaluation
            continue
        seen.add(version.request_id)
        line = _("Independent educational evaluation by %(who)s, submitted on %(date)s.") % {
            "who": version.request.evaluator.full_name if version.request.evaluator else _("an independent evaluator"),
            "date": version.submitted_at.date().isoformat()}
        if version.summary:
            line += " " + version.summary
        finding = Finding.objects.filter(findings_version=version, recommendation=recommendation).first()
        if finding:
            line += " " + _("On this recommendation: %(opinion)s. %(rationale)s") % {
                "opinion": finding.get_opinion_display(), "rationale": finding.rationale}
        lines.append(line)
    return {"data_used": lines}


def register():
    from apps.ieps.guidance import register_guidance_action
    from apps.ieps.notices import register_draft_source

    register_draft_source(evaluations_source)
    register_guidance_action(
        "evaluation", gettext_lazy("Request an independent evaluation"), "evaluations:request_new", target="iep",
        order=40, hint=gettext_lazy("A professional outside the district evaluates your child, at the district’s "
                                    "expense. No reason is needed."))
