from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import District, School


class Role(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    CASE_MANAGER = "case_manager", _("Case manager")
    CLINICIAN = "clinician", _("Clinician or teacher")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    EVALUATOR = "evaluator", _("Independent evaluator")


TEAM_ROLES = [Role.PARENT, Role.CASE_MANAGER, Role.CLINICIAN, Role.EVALUATOR]
STAFF_ROLES = {Role.CASE_MANAGER, Role.CLINICIAN}


class Discipline(models.TextChoices):
    OT = "ot", _("Occupational therapy")
    PT = "pt", _("Physical therapy")
    SLP = "slp", _("Speech-language pathology")
    PSYCHOLOGY = "psychology", _("Psychology")
    SPECIAL_EDUCATION = "special_education", _("Special education")
    GENERAL_EDUCATION = "general_education", _("General education")
    OTHER = "other", _("Other")


class Student(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="students")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["district", "last_name"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


def active_membership_q(prefix=""):
    """An evaluator's membership ends with the engagement: expired rows grant nothing."""
    return Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": timezone.now()})


class Membership(models.Model):
    """A person on a child's team. One row per person and child: it says who they are to the child."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=[(r.value, r.label) for r in TEAM_ROLES])
    discipline = models.CharField(_("discipline"), max_length=30, choices=Discipline.choices, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "student"], name="membership_unique_person")]
        indexes = [models.Index(fields=["student", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.student}"

    @property
    def is_active(self):
        return self.expires_at is None or self.expires_at > timezone.now()


class Invitation(models.Model):
    """A link sent by e-mail to join a child's team. Only a hash of the token is stored."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in TEAM_ROLES if r != Role.EVALUATOR])
    discipline = models.CharField(max_length=30, choices=Discipline.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"{self.email} → {self.student}"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()
