"""The Django admin is for operators, not a back door.

- Only active superusers reach it. Anyone else who is signed in gets the product's 404 (the admin
  does not exist for them); a visitor who is not signed in is sent to the product's sign-in page,
  which carries the product's lockout and multi-factor rules, never to a second login form.
- Credentials are never registered (API tokens, MFA secrets, sessions, e-mail confirmation keys).
- Children's records are read-only here, whatever an app's admin.py says: changes go through the
  pages and services, which keep the rules, the history and the events. Opening one is written to
  the record of access with the purpose "administration".

Installed as the default admin site (iepteam/admin_apps.py, in INSTALLED_APPS), so every
`admin.site.register` and `@admin.register` in the apps lands here."""
from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from django.urls import reverse

# Models that are credentials, by "app_label.model_name": none of them is ever shown.
CREDENTIAL_MODELS = frozenset({
    "authtoken.token", "authtoken.tokenproxy", "knox.authtoken", "accounts.apitoken", "mfa.authenticator",
    "otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken", "sessions.session",
    "account.emailconfirmation", "socialaccount.socialtoken", "socialaccount.socialapp", "usersessions.usersession",
})
# Apps whose every model is part of a child's record (34 CFR 300.611: education records).
CHILD_RECORD_APPS = frozenset({"students", "ieps", "discussions", "evaluations", "deadlines"})
ADMINISTRATION = "administration"


def _path_to_student(model, depth=4):
    """The shortest chain of forward foreign keys from `model` to students.Student (names of the
    fields to follow), or None. People, districts and schools are not followed: they are not a
    child's record."""
    if model._meta.label_lower == "students.student":
        return ()
    if depth == 0:
        return None
    best = None
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete or field.related_model is None:
            continue
        if field.related_model._meta.app_label not in CHILD_RECORD_APPS:
            continue
        rest = _path_to_student(field.related_model, depth - 1)
        if rest is not None and (best is None or len(rest) + 1 < len(best)):
            best = (field.name, *rest)
    return best


def student_of(obj):
    """The child a record of a CHILD_RECORD_APPS model belongs to, or None."""
    path = _path_to_student(type(obj))
    if path is None:
        return None
    for name in path:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class _ReadOnly:
    """Mixed in front of a child record's ModelAdmin or inline: a superuser may look, not touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


def _read_only(admin_class):
    return type(f"ReadOnly{admin_class.__name__}", (_ReadOnly, admin_class), {})


class ChildRecordAdmin(_ReadOnly):
    """What a child record's admin becomes: read-only (inlines too), and each opening logged."""

    def get_inlines(self, request, obj):
        return [_read_only(inline) for inline in super().get_inlines(request, obj)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_opening(request, object_id, "admin_view")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_opening(request, object_id, "admin_history")
        return super().history_view(request, object_id, extra_context)

    def _log_opening(self, request, object_id, action):
        from apps.audit.services import access_record_administration

        obj = self.get_object(request, admin.utils.unquote(object_id))
        student = student_of(obj) if obj is not None else None
        if student is not None:
            access_record_administration(actor=request.user, student=student, obj=obj, action=action,
                                         purpose=ADMINISTRATION)


class OperatorAdminSite(admin.AdminSite):
    site_header = "IEP Team Workspace — operators"
    site_title = "IEP Team Workspace operators"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise Http404
            return super().login(request, extra_context)
        return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))

    def register(self, model_or_iterable, admin_class=None, **options):
        models_ = [model_or_iterable] if isinstance(model_or_iterable, type) and issubclass(
            model_or_iterable, models.Model) else list(model_or_iterable)
        for model in models_:
            if model._meta.label_lower in CREDENTIAL_MODELS:
                continue
            chosen = admin_class or admin.ModelAdmin
            if model._meta.app_label in CHILD_RECORD_APPS:
                chosen = type(f"ChildRecord{chosen.__name__}", (ChildRecordAdmin, chosen), {})
            super().register(model, chosen, **options)
