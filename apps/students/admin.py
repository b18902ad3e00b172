from django.contrib import admin

from .models import Invitation, Membership, Student


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "school", "district"]
    list_filter = ["district", "school"]
    search_fields = ["first_name", "last_name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "student", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]
