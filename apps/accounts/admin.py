from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import District, DistrictMembership, EvaluatorOrganization, School, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    # No "password": the admin would show the hash's algorithm, salt and first characters.
    # Operators reset a password with `manage.py changepassword`; people with the reset page.
    fieldsets = (
        (None, {"fields": ("email",)}),
        ("Profile", {"fields": ("full_name", "preferred_language", "evaluator_organization")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


class SchoolInline(admin.TabularInline):
    model = School
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    inlines = [SchoolInline]


admin.site.register(EvaluatorOrganization)
admin.site.register(DistrictMembership)
