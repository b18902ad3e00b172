from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IepsConfig(AppConfig):
    name = "apps.ieps"
    label = "ieps"

    def ready(self):
        # A route naming an IEP or a recommendation reads that child's record (apps.audit.recording).
        from apps.audit.recording import register_route_subject

        from apps.students.standing import register_scope_reader

        from .models import IEP, EvaluatorScope, PriorWrittenNotice, Recommendation

        register_scope_reader(lambda membership_id: frozenset(
            EvaluatorScope.objects.filter(membership_id=membership_id).values_list("recommendation_id", flat=True)))

        register_route_subject("iep_id", "iep", lambda pk: IEP.objects.filter(id=pk).values_list(
            "student_id", "student__district_id").first())
        register_route_subject("recommendation_id", "recommendation", lambda pk: Recommendation.objects.filter(
            id=pk).values_list("iep__student_id", "iep__student__district_id").first())
        register_route_subject("notice_id", "notice", lambda pk: PriorWrittenNotice.objects.filter(
            id=pk).values_list("iep__student_id", "iep__student__district_id").first())

        # The IEP page's list of prior written notices: ieps' own panel, beside the higher apps' ones.
        from .notice_views import notices_panel
        from .panels import register_panel

        register_panel("ieps.notices", "ieps/_notices_panel.html", notices_panel, order=60,
                       toc_label=_("Prior written notices"), toc_anchor="notices")
