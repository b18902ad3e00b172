"""The Django admin reads evaluation records; every change goes through the services, which keep
the rules, the events and the access in step."""
from django.contrib import admin

from .models import (
    Acknowledgement,
    Attestation,
    DisputedRecommendation,
    EvaluationRequest,
    Finding,
    FindingsVersion,
    ReportFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DisputedInline(admin.TabularInline):
    model = DisputedRecommendation
    extra = 0
    fields = ["recommendation", "version"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRequest)
class EvaluationRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "iep", "status", "requested_by", "requested_at", "decision_due", "evaluator", "report_due"]
    list_filter = ["status", "decision"]
    search_fields = ["iep__student__last_name", "evaluator__email", "purchase_reference", "due_process_reference"]
    inlines = [DisputedInline]


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ["request", "evaluator", "attested_at"]


# Drafts are the evaluator's alone, in the admin too: only what was submitted is listed.

@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    # No link to the file: downloads go through the authorised view, which logs the access.
    list_display = ["request", "kind", "display_name", "size", "sha256", "uploaded_at", "sealed_at"]
    exclude = ["file"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(sealed_at__isnull=False)


@admin.register(FindingsVersion)
class FindingsVersionAdmin(ReadOnlyAdmin):
    list_display = ["request", "version", "author", "submitted_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(submitted_at__isnull=False)


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["findings_version", "recommendation", "opinion", "minutes_per_week"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(findings_version__submitted_at__isnull=False)


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["request", "user", "role", "findings_version", "at"]
