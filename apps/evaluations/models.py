"""Third-party evaluation (34 CFR 300.502): the request, the district's decision, the independent
evaluator's engagement and attestation, the report files, the findings and the team's
acknowledgements. Workflow lives in services.py; these are the tables."""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.ieps.models import IEP, Recommendation


class EvaluationRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        EVALUATOR_ASSIGNED = "evaluator_assigned", _("Evaluator assigned")
        ATTESTED = "attested", _("Independence attested")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Findings submitted")
        CONSIDERED = "considered", _("Considered by the team")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REVOKED = "revoked", _("Engagement revoked")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved at public expense")
        DENY = "deny", _("Denied; the district files for due process")

    iep = models.ForeignKey(IEP, on_delete=models.PROTECT, related_name="evaluation_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    areas = models.JSONField(_("areas"), default=list, blank=True)
    # The law does not require a reason; the field stays optional.
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decision_due = models.DateField(_("decision due"))

    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    due_process_reference = models.CharField(max_length=200, blank=True)
    cost_cap = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    purchase_reference = models.CharField(max_length=100, blank=True)
    report_due = models.DateField(_("report due"), null=True, blank=True)

    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="evaluation_engagements")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    questions_thread = models.OneToOneField("discussions.Thread", null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="evaluation_request")
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    considered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    end_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["iep", "status"]),
            models.Index(fields=["evaluator", "status"]),
        ]

    def __str__(self):
        return f"Evaluation request {self.id} · {self.get_status_display()}"

    @property
    def student(self):
        return self.iep.student


# Where a request stands, by question asked of it.
# The district pays for it (or did): a second request on the same recommendations is refused.
FUNDED = {
    EvaluationRequest.Status.APPROVED, EvaluationRequest.Status.EVALUATOR_ASSIGNED,
    EvaluationRequest.Status.ATTESTED, EvaluationRequest.Status.IN_PROGRESS,
    EvaluationRequest.Status.SUBMITTED, EvaluationRequest.Status.CONSIDERED, EvaluationRequest.Status.CLOSED,
}
# The evaluator holds an engagement that gives them access to the case.
ENGAGED = {
    EvaluationRequest.Status.ATTESTED, EvaluationRequest.Status.IN_PROGRESS,
    EvaluationRequest.Status.SUBMITTED, EvaluationRequest.Status.CONSIDERED,
}
# The evaluator is still writing.
WORKING = {EvaluationRequest.Status.ATTESTED, EvaluationRequest.Status.IN_PROGRESS}
# The requester may still withdraw.
WITHDRAWABLE = {
    EvaluationRequest.Status.REQUESTED, EvaluationRequest.Status.APPROVED,
    EvaluationRequest.Status.EVALUATOR_ASSIGNED, *WORKING,
}


def funded_q(prefix=""):
    """Requests the district funds or funded: approved onwards, and a revoked one whose findings
    were already submitted (that evaluation was completed)."""
    return Q(**{f"{prefix}status__in": FUNDED}) | Q(
        **{f"{prefix}status": EvaluationRequest.Status.REVOKED, f"{prefix}submitted_at__isnull": False}
    )


class DisputedRecommendation(models.Model):
    """A recommendation the request disputes, with the version it had when disputed."""

    request = models.ForeignKey(EvaluationRequest, on_delete=models.CASCADE, related_name="disputed")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["recommendation_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "recommendation"], name="disputed_recommendation_once"),
        ]


class Attestation(models.Model):
    """The evaluator's word that they are independent of the district and the family."""

    request = models.ForeignKey(EvaluationRequest, on_delete=models.CASCADE, related_name="attestations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    independent_of_district = models.BooleanField()
    independent_of_family = models.BooleanField()
    statement = models.TextField()
    attested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class FindingsVersion(models.Model):
    """The evaluator's summary and findings. Version 1 is a draft until submit; a sealed version is
    never changed, an amendment is the next version."""

    request = models.ForeignKey(EvaluationRequest, on_delete=models.CASCADE, related_name="findings_versions")
    version = models.PositiveIntegerField()
    summary = models.TextField(blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="findings_version_unique"),
        ]


class Finding(models.Model):
    class Opinion(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        MODIFY = "modify", _("Modify")

    findings_version = models.ForeignKey(FindingsVersion, on_delete=models.CASCADE, related_name="findings")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(max_length=10, choices=Opinion.choices)
    minutes_per_week = models.PositiveIntegerField(null=True, blank=True)
    rationale = models.TextField()

    class Meta:
        ordering = ["recommendation_id"]
        constraints = [
            models.UniqueConstraint(fields=["findings_version", "recommendation"], name="finding_once_per_version"),
        ]


def report_file_path(instance, filename):
    """The stored name is ours alone: the uploaded name never reaches the file system."""
    return f"evaluations/{uuid.uuid4().hex}.pdf"


class ReportFile(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        APPENDIX = "appendix", _("Appendix")

    request = models.ForeignKey(EvaluationRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    file = models.FileField(upload_to=report_file_path, max_length=200)
    # Shown to people and offered as the download name; sanitised, never used as a path.
    display_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.display_name


class Acknowledgement(models.Model):
    """A team member's record that they considered the findings (one per member and version)."""

    request = models.ForeignKey(EvaluationRequest, on_delete=models.CASCADE, related_name="acknowledgements")
    findings_version = models.ForeignKey(FindingsVersion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["findings_version", "user"], name="acknowledgement_once_per_version"),
        ]
