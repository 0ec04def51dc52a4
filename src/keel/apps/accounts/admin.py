"""Django admin for accounts: users, teams and (read-only) access tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from keel.apps.accounts.models import PersonalAccessToken, Team, TeamMembership, User


@admin.register(User)
class KeelUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Keel", {"fields": ("display_name", "language")}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active")


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = (TeamMembershipInline,)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
