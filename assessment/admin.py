from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from assessment.models import Assessment, BankVersion, Membership, Organisation, QuestionBank, Theme, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "council_type", "nation", "region"]
    list_filter = ["council_type", "nation"]
    search_fields = ["name"]
    inlines = [MembershipInline]


class ThemeInline(admin.TabularInline):
    model = Theme
    fields = ["position", "key", "title", "weight"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["title", "key"]
    search_fields = ["title", "key"]


@admin.register(BankVersion)
class BankVersionAdmin(admin.ModelAdmin):
    """Read-only here: a published version never changes, and drafts come from the loader."""

    list_display = ["bank", "number", "status", "published_at"]
    list_filter = ["bank", "status"]
    readonly_fields = ["bank", "number", "status", "published_at", "content_hash"]
    inlines = [ThemeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """For support: who has which assessment. Answers stay in the service, visible only to the council."""

    list_display = ["organisation", "period", "status", "bank_version", "updated_at"]
    list_filter = ["status", "period"]
    search_fields = ["organisation__name"]
    readonly_fields = [
        "organisation",
        "bank_version",
        "period",
        "status",
        "created_by",
        "submitted_by",
        "submitted_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
