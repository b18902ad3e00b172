from django.contrib import admin

from .models import IEP, NoticeContact, Position, Recommendation, RecommendationVersion


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["kind", "title", "status", "version"]
    readonly_fields = fields
    show_change_link = True


@admin.register(IEP)
class IEPAdmin(admin.ModelAdmin):
    list_display = ["student", "status", "meeting_at", "annual_review_due", "reevaluation_due"]
    list_filter = ["status"]
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    # Edits go through the API or pages, which keep versions; the admin only reads.
    list_display = ["title", "iep", "kind", "status", "version"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecommendationVersion)
class RecommendationVersionAdmin(admin.ModelAdmin):
    list_display = ["recommendation", "version", "edited_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Position)


@admin.register(NoticeContact)
class NoticeContactAdmin(admin.ModelAdmin):
    """Operators set a district's procedural-safeguards address and contact for its notices."""

    list_display = ("district", "safeguards_url")
