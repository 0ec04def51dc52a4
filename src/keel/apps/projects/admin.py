"""Django admin for portfolios, programs and projects (edits here skip the services' checks,
so keep it for administrators repairing data)."""

from django.contrib import admin

from keel.apps.projects.models import (
    Portfolio,
    PortfolioMembership,
    Program,
    Project,
    ProjectMembership,
)


class PortfolioMembershipInline(admin.TabularInline):
    model = PortfolioMembership
    extra = 0


class ProjectMembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = (PortfolioMembershipInline,)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "portfolio")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "portfolio", "status", "health", "manager")
    list_filter = ("status", "health", "methodology")
    search_fields = ("key", "name")
    inlines = (ProjectMembershipInline,)
