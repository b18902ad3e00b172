from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.students.models import Student


class IEP(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        SUPERSEDED = "superseded", _("Superseded")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="ieps")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    meeting_at = models.DateField(_("meeting date"))
    last_evaluated_on = models.DateField(_("last evaluation"), null=True, blank=True)
    annual_review_due = models.DateField(_("annual review due"))
    reevaluation_due = models.DateField(_("reevaluation due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The last event sequence number; incremented under a row lock so numbers are gapless.
    last_event_seq = models.PositiveBigIntegerField(default=0)
    # An amendment is a new draft started from the active IEP it will supersede once consented.
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments")
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_at", "-id"]
        verbose_name = "IEP"

    def __str__(self):
        return f"IEP {self.meeting_at} · {self.student}"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED)


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        GOAL = "goal", _("Goal")
        ACCOMMODATION = "accommodation", _("Accommodation")
        PLACEMENT = "placement", _("Placement")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="recommendations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.CharField(_("area"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rationale = models.TextField(_("rationale"))
    minutes_per_week = models.PositiveIntegerField(
        _("minutes per week"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(3000)]
    )
    setting = models.CharField(_("setting"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set once, when the parents' answers make the IEP active: in effect only if every parent
    # consented. Not a versioned field: it is the answer to a version, not part of it.
    consent = models.CharField(max_length=20, null=True, blank=True, choices=[
        ("consented", _("Consented")), ("declined", _("Declined"))])
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["iep", "id"])]

    @property
    def in_effect(self):
        return self.consent == "consented"

    def __str__(self):
        return self.title


VERSIONED_FIELDS = ["area", "kind", "title", "description", "rationale", "minutes_per_week", "setting", "status"]


class RecommendationVersion(models.Model):
    """An immutable snapshot: every save of a recommendation adds one; none is ever changed."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    area = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rationale = models.TextField()
    minutes_per_week = models.PositiveIntegerField(null=True, blank=True)
    setting = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20)
    change_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "version"], name="recommendation_version_unique")
        ]


class Position(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        UNSURE = "unsure", _("Unsure")

    class Observed(models.TextChoices):
        HOME = "home", _("At home")
        SCHOOL = "school", _("At school")
        CLINIC = "clinic", _("In the clinic")
        COMMUNITY = "community", _("In the community")
        OTHER = "other", _("Elsewhere")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="positions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20)
    stance = models.CharField(_("position"), max_length=10, choices=Stance.choices)
    basis = models.TextField(_("basis"), blank=True)
    observed_in = models.CharField(_("observed"), max_length=20, choices=Observed.choices, blank=True)
    examples = models.TextField(_("examples"), blank=True)
    # The recommendation's version the member last gave (or confirmed) this position on: after a
    # new version it reads "given on version N" until they confirm it or change it.
    given_on_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "user"], name="position_one_per_member")]

    @property
    def on_current_version(self) -> bool:
        return self.given_on_version == self.recommendation.version


POSITION_FIELDS = ["role", "stance", "basis", "observed_in", "examples", "given_on_version"]


class PositionRecord(models.Model):
    """Every position ever given, one row per change of mind or confirmation; never changed.
    Position is the member's current one."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="position_records")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20)
    stance = models.CharField(max_length=10, choices=Position.Stance.choices)
    basis = models.TextField(blank=True)
    observed_in = models.CharField(max_length=20, choices=Position.Observed.choices, blank=True)
    examples = models.TextField(blank=True)
    given_on_version = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["recommendation", "id"])]


# What a suggestion may change: the recommendation's substance, not its kind, area or status.
SUGGESTABLE_FIELDS = ["title", "description", "rationale", "minutes_per_week", "setting"]


class Suggestion(models.Model):
    """A member's proposed change to one recommendation, made on the version they saw. Accepting
    it makes a new version through the ordinary edit."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict)
    reason = models.TextField()
    base_version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    # The version the acceptance made.
    accepted_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["recommendation", "status"])]


class Event(models.Model):
    """The IEP's durable event log. Live messages are a copy; this table is the truth."""

    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=50)
    at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The recommendation the event is about, if any: an evaluator sees only those in dispute.
    recommendation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["iep", "seq"], name="event_seq_unique_per_iep")]

    def as_message(self, redacted=False):
        """The event as clients get it. A redacted one keeps its place in the sequence (no gap
        for the client to chase) but says nothing of what happened."""
        at = self.at.isoformat().replace("+00:00", "Z")
        if redacted:
            return {"seq": self.seq, "type": "redacted", "at": at, "data": {}}
        return {"seq": self.seq, "type": self.type, "at": at, "data": self.data}


class EvaluatorScope(models.Model):
    """The recommendations an independent evaluator's membership lets them see: those in dispute."""

    membership = models.ForeignKey("students.Membership", on_delete=models.CASCADE, related_name="evaluator_scope")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "recommendation"], name="evaluator_scope_unique"),
        ]


class NoticeContact(models.Model):
    """Where a district's parents get a copy of their procedural safeguards and whom they call for
    help (34 CFR 300.503(b)(6)-(7)). A district without a row uses the settings' defaults."""

    district = models.OneToOneField("accounts.District", on_delete=models.CASCADE, related_name="notice_contact")
    safeguards_url = models.URLField(_("procedural safeguards address"), max_length=500, blank=True)
    contact = models.TextField(_("whom parents contact for help"), max_length=1000, blank=True)

    def __str__(self):
        return f"Notice contact · {self.district}"


class PriorWrittenNotice(models.Model):
    """A prior written notice (34 CFR 300.503) the district issued about one recommendation. It is
    what the parents were told, so it is never changed: the recommendation's version and title and
    the district's contact are copied as they were when it was issued."""

    class Action(models.TextChoices):
        PROPOSE = "propose", _("proposes")
        REFUSE = "refuse", _("refuses")

    iep = models.ForeignKey(IEP, on_delete=models.PROTECT, related_name="notices")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="notices")
    recommendation_version = models.PositiveIntegerField()
    recommendation_title = models.CharField(max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reasons = models.TextField(_("why"))
    data_used = models.TextField(_("evaluations, records and reports used"))
    options_considered = models.TextField(_("other options considered"))
    other_factors = models.TextField(_("other factors"), blank=True)
    safeguards_url = models.CharField(max_length=500)
    contact = models.TextField()
    # The family's language when it was issued: its fixed text is rendered in it.
    language = models.CharField(max_length=10, default="en")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["iep", "created_at"])]

    def __str__(self):
        return f"Prior written notice {self.id} · {self.recommendation_title}"


class Signature(models.Model):
    """One person's signature on an IEP as it was (its content hash), with its audit trail.

    A parent's signature is their consent answer (kind `consent`), with a decision per
    recommendation; staff sign for attendance or agreement (kind `staff`). A parent who answers
    again adds a new row: the latest on the current hash counts. Nothing here is ever changed."""

    class Kind(models.TextChoices):
        CONSENT = "consent", _("Parent consent")
        STAFF = "staff", _("Staff signature")

    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic")
        PAPER = "paper", _("On paper")

    class Capacity(models.TextChoices):
        ATTENDED = "attended", _("Attended the meeting")
        AGREED = "agreed", _("Agrees with the IEP")

    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.ELECTRONIC)
    capacity = models.CharField(max_length=10, choices=Capacity.choices, blank=True)
    full_name = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    # Every recommendation's version the hash was over (id → version), to verify it later.
    versions = models.JSONField(default=dict)
    # Which text of the e-sign disclosures the signer was shown (apps/ieps/consent.py).
    disclosures_version = models.CharField(max_length=20, blank=True)
    signed_at = models.DateTimeField(auto_now_add=True)
    # For paper: the date on the paper form; recorded_by is the case manager who entered it.
    signed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        indexes = [models.Index(fields=["iep", "signer", "id"])]


class ConsentDecision(models.Model):
    class Decision(models.TextChoices):
        CONSENT = "consent", _("I consent")
        DECLINE = "decline", _("I decline")

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="decisions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="consent_decisions")
    version = models.PositiveIntegerField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["recommendation_id"]
        constraints = [models.UniqueConstraint(fields=["signature", "recommendation"],
                                               name="consent_decision_one_per_recommendation")]
