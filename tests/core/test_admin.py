"""The Django admin is for operators: only superusers reach it, it shows no credential, children's
records are read-only there and every opening of one is in the record of access."""
import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import ApiToken, User
from apps.audit.models import AccessLog
from apps.students.models import Student
from iepteam.admin_site import CHILD_RECORD_APPS, CREDENTIAL_MODELS, student_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(demo):
    return User.objects.create_superuser("operator@example.org", "operator-pass-2026", full_name="Olive Operator")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_admin_lives_at_the_configured_path():
    assert reverse("admin:index") == f"/{settings.ADMIN_URL_PATH}"


def test_the_seeds_district_administrator_is_not_a_superuser(demo):
    assert not demo.admin.is_superuser and not demo.admin.is_staff
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.parametrize("persona", ["admin", "casemanager", "parent.maya"])
def test_a_person_who_is_not_a_superuser_gets_no_admin_page(demo, persona):
    user = demo.users[persona]
    user.is_staff = True  # even the old "may use the admin" flag opens nothing
    user.save(update_fields=["is_staff"])
    client = _client_for(user)
    for path in [reverse("admin:index"), _change_url(demo.maya), reverse("admin:login"),
                 reverse("admin:accounts_user_changelist")]:
        answer = client.get(path)
        assert answer.status_code == 404, (path, answer.status_code)
        page = answer.content.decode()
        assert "We could not find that page" in page
        assert "Django administration" not in page and "Maya" not in page


def test_a_visitor_is_sent_to_the_products_sign_in_not_an_admin_login_form():
    answer = Client().get(reverse("admin:index"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse(settings.LOGIN_URL))
    assert Client().get(reverse("admin:login")).status_code == 302


def test_a_superuser_reaches_the_admin(operator):
    assert _client_for(operator).get(reverse("admin:index")).status_code == 200


def test_no_credential_model_is_registered():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not registered & CREDENTIAL_MODELS


def test_no_admin_page_shows_an_api_token_or_a_password_hash(demo, operator):
    token, plain = ApiToken.objects.create(user=demo.ot, name="tests")
    secrets = [plain, token.digest, token.token_key]
    for user in User.objects.all():
        algorithm, *_parts, digest = user.password.split("$")
        secrets += [user.password, digest[:6], *_parts[-1:]]  # the hash, its start, its salt
    client = _client_for(operator)
    for model in admin.site._registry:
        opts = model._meta
        pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(_change_url(first))
        pages.append(_change_url(demo.ot))
        for path in pages:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            page = answer.content.decode()
            for secret in secrets:
                assert secret not in page, (path, secret)


def test_every_child_record_model_is_read_only_in_the_admin(operator):
    request = RequestFactory().get("/")
    request.user = operator
    child_models = [m for m in admin.site._registry if m._meta.app_label in CHILD_RECORD_APPS]
    assert child_models, "no child record is registered: the test would prove nothing"
    for model in child_models:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_a_childs_record_cannot_be_changed_added_or_deleted_in_the_admin(demo, operator):
    client = _client_for(operator)
    before = Student.objects.values().get(pk=demo.maya.pk)
    answer = client.post(_change_url(demo.maya), {
        "first_name": "Changed", "last_name": "Rivera", "district": demo.maya.district_id,
        "school": demo.maya.school_id, "date_of_birth": "2017-03-14",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    })
    assert answer.status_code == 403
    assert Student.objects.values().get(pk=demo.maya.pk) == before
    assert client.post(reverse("admin:students_student_add"), {"first_name": "New"}).status_code == 403
    delete = reverse("admin:students_student_delete", args=[demo.maya.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Student.objects.filter(pk=demo.maya.pk).exists()
    iep_url = _change_url(demo.maya_iep)
    assert client.post(iep_url, {"status": "active"}).status_code == 403
    demo.maya_iep.refresh_from_db()
    assert demo.maya_iep.status == "proposed"


def test_the_change_page_of_a_childs_record_offers_no_save_or_delete(demo, operator):
    page = _client_for(operator).get(_change_url(demo.maya)).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page


def test_opening_a_student_in_the_admin_is_in_the_record_of_access(demo, operator):
    client = _client_for(operator)
    assert client.get(_change_url(demo.maya)).status_code == 200
    row = AccessLog.objects.get(user=operator)
    assert (row.student, row.role, row.purpose, row.object_type, row.object_id) == (
        demo.maya, "operator", "administration", "student", demo.maya.pk)
    # The parent reads it in the access log.
    log = _client_for(demo.parent_maya).get(f"/api/v1/students/{demo.maya.id}/access-log/",
                                            HTTP_ACCEPT="application/json").json()
    entries = log["results"] if isinstance(log, dict) else log
    assert any(entry["purpose"] == "administration" and entry["who"]["id"] == operator.id for entry in entries)


def test_opening_any_childs_record_in_the_admin_is_logged_against_that_child(demo, operator):
    client = _client_for(operator)
    opened = 0
    for model in admin.site._registry:
        if model._meta.app_label not in CHILD_RECORD_APPS:
            continue
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        student = student_of(obj)
        assert student is not None, f"{model._meta.label}: no way to its child"
        before = AccessLog.objects.filter(user=operator, student=student).count()
        assert client.get(_change_url(obj)).status_code == 200
        assert AccessLog.objects.filter(user=operator, student=student, purpose="administration").count() == before + 1
        opened += 1
    assert opened >= 4  # students, memberships, IEPs, recommendations at least


def test_a_list_of_users_is_not_a_childs_record_and_logs_nothing(operator):
    assert _client_for(operator).get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert not AccessLog.objects.exists()
