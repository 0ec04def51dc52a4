"""Work items (the WBS), their workflow, dependencies, comments and audit history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.models import Project

MAX_LAG_DAYS = 3650


class StatusCategory(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ItemType(models.TextChoices):
    EPIC = "epic", _("Epic")
    DELIVERABLE = "deliverable", _("Deliverable")
    TASK = "task", _("Task")
    MILESTONE = "milestone", _("Milestone")
    BUG = "bug", _("Bug")
    SUBTASK = "subtask", _("Sub-task")


class Priority(models.TextChoices):
    LOWEST = "lowest", _("Lowest")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    HIGHEST = "highest", _("Highest")


class DependencyType(models.TextChoices):
    FS = "FS", _("Finish to start")
    SS = "SS", _("Start to start")
    FF = "FF", _("Finish to finish")
    SF = "SF", _("Start to finish")


class ConstraintKind(models.TextChoices):
    """Date constraints on an item, with Microsoft Project's abbreviations."""

    ASAP = "ASAP", _("As soon as possible")
    ALAP = "ALAP", _("As late as possible")
    SNET = "SNET", _("Start no earlier than")
    SNLT = "SNLT", _("Start no later than")
    FNET = "FNET", _("Finish no earlier than")
    FNLT = "FNLT", _("Finish no later than")
    MSO = "MSO", _("Must start on")
    MFO = "MFO", _("Must finish on")


class ChangeAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    DELETED = "deleted", _("Deleted")
    TRANSITIONED = "transitioned", _("Transitioned")
    COMMENTED = "commented", _("Commented")
    DEPENDENCY_ADDED = "dependency_added", _("Dependency added")
    DEPENDENCY_REMOVED = "dependency_removed", _("Dependency removed")


class Workflow(models.Model):
    """The statuses a project's work items move through and the allowed moves."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="workflow")
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Workflow of {self.project.key}"


class WorkflowStatus(models.Model):
    """One column of the board: To do, In progress, Done..."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    category = models.CharField(
        _("category"), max_length=12, choices=StatusCategory.choices, default=StatusCategory.TODO
    )
    position = models.PositiveIntegerField(default=0)
    wip_limit = models.PositiveIntegerField(_("WIP limit"), null=True, blank=True)

    class Meta:
        ordering = ["workflow", "position", "id"]
        verbose_name_plural = "workflow statuses"
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="workflow_status_key_unique"),
            models.UniqueConstraint(
                fields=["workflow", "name"], name="workflow_status_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(wip_limit__isnull=True) | Q(wip_limit__gte=1),
                name="workflow_status_wip_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(category__in=StatusCategory.values),
                name="workflow_status_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowTransition(models.Model):
    """An allowed move between two statuses.

    Empty ``allowed_roles`` means any role with ``item.transition`` may make it.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.ForeignKey(
        WorkflowStatus, on_delete=models.CASCADE, related_name="outgoing"
    )
    to_status = models.ForeignKey(WorkflowStatus, on_delete=models.CASCADE, related_name="incoming")
    allowed_roles = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["workflow", "from_status__position", "to_status__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "from_status", "to_status"], name="workflow_transition_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="workflow_transition_not_loop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Label(models.Model):
    """A project-wide tag for work items."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="label_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkItem(models.Model):
    """Any planned unit of work; items nest through ``parent`` to form the WBS."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    type = models.CharField(
        _("type"), max_length=12, choices=ItemType.choices, default=ItemType.TASK
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    # RESTRICT (not PROTECT) so deleting a whole project still cascades; services refuse the rest.
    status = models.ForeignKey(WorkflowStatus, on_delete=models.RESTRICT, related_name="items")
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_items",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_items",
    )
    estimate_hours = models.DecimalField(
        _("estimate (hours)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    story_points = models.DecimalField(
        _("story points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    duration_days = models.DecimalField(
        _("duration (working days)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # An explicit constraint wins over planned_start (which otherwise acts as SNET).
    constraint_type = models.CharField(
        _("constraint"), max_length=4, choices=ConstraintKind.choices, blank=True
    )
    constraint_date = models.DateTimeField(_("constraint date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # When work really began and ended (Microsoft Project's ActualStart/ActualFinish).
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateTimeField(_("actual finish"), null=True, blank=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    outline_code = models.CharField(_("WBS code"), max_length=100, blank=True)
    # outline_code with each level zero-padded ("00001.00002"): sorts in WBS order as text.
    outline_sort = models.CharField(max_length=255, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by the scheduling service.
    early_start = models.DateTimeField(null=True, blank=True)
    early_finish = models.DateTimeField(null=True, blank=True)
    late_start = models.DateTimeField(null=True, blank=True)
    late_finish = models.DateTimeField(null=True, blank=True)
    total_float_minutes = models.IntegerField(null=True, blank=True)
    free_float_minutes = models.IntegerField(null=True, blank=True)
    is_critical = models.BooleanField(default=False)
    scheduled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "outline_sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="work_item_number_unique"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="work_item_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(estimate_hours__isnull=True) | Q(estimate_hours__gte=0),
                name="work_item_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(story_points__isnull=True) | Q(story_points__gte=0),
                name="work_item_story_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__isnull=True) | Q(duration_days__gte=0),
                name="work_item_duration_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_finish__isnull=True)
                | Q(planned_finish__gte=F("planned_start")),
                name="work_item_finish_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_finish__isnull=True)
                | (Q(actual_start__isnull=False) & Q(actual_finish__gte=F("actual_start"))),
                name="work_item_actual_finish_after_start",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="work_item_not_own_parent",
            ),
            models.CheckConstraint(
                condition=Q(type__in=ItemType.values), name="work_item_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="work_item_priority_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "parent", "position"], name="work_item_siblings"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        """The human key, e.g. ``ERP-42``."""
        return f"{self.project.key}-{self.number}"


class Dependency(models.Model):
    """A logical link between two work items of one project (FS, SS, FF, SF) with a lag."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    type = models.CharField(
        _("type"), max_length=2, choices=DependencyType.choices, default=DependencyType.FS
    )
    lag_days = models.DecimalField(
        _("lag (working days)"), max_digits=7, decimal_places=2, default=0
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "id"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="dependency_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="dependency_not_self"
            ),
            models.CheckConstraint(
                condition=Q(lag_days__gte=-MAX_LAG_DAYS) & Q(lag_days__lte=MAX_LAG_DAYS),
                name="dependency_lag_within_ten_years",
            ),
            models.CheckConstraint(
                condition=Q(type__in=DependencyType.values), name="dependency_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.type})"


class Comment(models.Model):
    """A Markdown remark on a work item."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.item_id}"


class Mention(models.Model):
    """A project member named with @username in a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in comment {self.comment_id}"


class ItemChange(models.Model):
    """One line of a work item's audit history: who changed which field from what to what."""

    item = models.ForeignKey(
        WorkItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="item_changes")
    item_key = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="item_changes",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    field = models.CharField(max_length=60, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["project", "at"], name="item_change_project_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ChangeAction.values), name="item_change_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} {self.action} {self.field}"


class Baseline(models.Model):
    """A saved copy of the plan (dates, durations, work, cost per item) to measure against.

    Numbered 1, 2, 3... per project; the highest number is the current baseline unless another
    is marked current. Captured by ``work.services.baseline_capture``.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveIntegerField()
    name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_unique"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_current=True), name="baseline_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.key} baseline {self.number}: {self.name}"


class BaselineItem(models.Model):
    """One item as it stood when the baseline was captured (kept if the item is deleted)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        WorkItem, on_delete=models.SET_NULL, null=True, related_name="baseline_rows"
    )
    item_key = models.CharField(max_length=24)
    title = models.CharField(max_length=255)
    outline_code = models.CharField(max_length=100, blank=True)
    is_summary = models.BooleanField(default=False)
    is_milestone = models.BooleanField(default=False)
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    duration_days = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    work_hours = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Budgeted cost at completion of the item; filled by whoever prices the plan (finance).
    cost = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["baseline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "item_key"], name="baseline_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} in {self.baseline}"


def standard_hours() -> list[list[str]]:
    """The standard working hours: 09:00-12:00 and 13:00-18:00."""
    return [["09:00", "12:00"], ["13:00", "18:00"]]


class ProjectCalendar(models.Model):
    """When a project's work happens: working weekdays, daily hours, a country's public holidays
    and the project's own exceptions. A project without one is on the standard calendar.

    ``workdays`` lists ISO weekday digits (1 = Monday ... 7 = Sunday); ``hours`` is a list of
    ["HH:MM", "HH:MM"] working periods, the same on every working day. Written by
    ``work.services.calendar_update``; the scheduler reads it in ``work.adapters``.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="calendar")
    country = models.CharField(_("holiday country"), max_length=8, blank=True)
    workdays = models.CharField(_("working days"), max_length=7, default="12345")
    hours = models.JSONField(_("working hours"), default=standard_hours)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar of {self.project.key}"


class CalendarException(models.Model):
    """Dates ``start``..``finish`` (inclusive) that are non-working, or working; a working
    exception uses its own ``hours`` or, when empty, the calendar's hours."""

    calendar = models.ForeignKey(
        ProjectCalendar, on_delete=models.CASCADE, related_name="exceptions"
    )
    start = models.DateField(_("from"))
    finish = models.DateField(_("to"))
    working = models.BooleanField(_("working"), default=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    hours = models.JSONField(_("working hours"), default=list, blank=True)

    class Meta:
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finish__gte=F("start")), name="calendar_exception_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.finish} ({'working' if self.working else 'off'})"
