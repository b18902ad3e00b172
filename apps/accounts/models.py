from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class EvaluatorOrganization(models.Model):
    """A practice of independent evaluators, contracted by districts case by case."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    mfa_required = models.BooleanField(
        _("its evaluators must use multi-factor sign-in"), default=False)

    def __str__(self):
        return self.name


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    evaluator_organization = models.ForeignKey(
        EvaluatorOrganization, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluators"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised by "sign out everywhere": part of the session hash, so every session made before
    # it no longer verifies (django.contrib.auth checks the hash on each request).
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret=None):
        if not self.session_generation:
            # Generation 0 hashes exactly as Django does: sessions made before this field stay valid.
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "apps.accounts.models.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.session_generation}", secret=secret,
                           algorithm="sha256").hexdigest()


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its SHA-512 digest is stored; the token itself is shown
    once, when it is made. A name says where it is used, so its owner knows which to revoke."""

    # An integer id to name it in the API: knox's key is the digest, which must not leave the server.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"


class District(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    mfa_required = models.BooleanField(
        _("its staff and administrators must use multi-factor sign-in"), default=False)

    def __str__(self):
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="school_unique_name_in_district")]

    def __str__(self):
        return self.name


class DistrictMembership(models.Model):
    """Who works for a district. Administrators see the whole district; employees are never
    assigned as independent evaluators of its students."""

    class Role(models.TextChoices):
        ADMIN = "district_admin", _("District administrator")
        EMPLOYEE = "employee", _("District employee")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="district_memberships")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="district_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.district}"
