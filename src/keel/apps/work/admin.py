"""Django admin for work items and their history (history is read-only)."""

from django.contrib import admin

from keel.apps.work.models import CalendarException, ItemChange, ProjectCalendar, WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "type", "status", "assignee", "outline_code")
    list_filter = ("type", "priority")
    search_fields = ("title",)
    raw_id_fields = ("parent", "assignee", "reporter")


@admin.register(ItemChange)
class ItemChangeAdmin(admin.ModelAdmin):
    list_display = ("item_key", "action", "field", "actor", "at")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


@admin.register(ProjectCalendar)
class ProjectCalendarAdmin(admin.ModelAdmin):
    """Read here; edit through the calendar page or the API (they validate and re-schedule)."""

    list_display = ("__str__", "country", "workdays", "version")
    inlines = (CalendarExceptionInline,)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
