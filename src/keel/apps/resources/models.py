"""The site-wide resource pool, calendars, rates, skills, assignments, requests and levelling.

Resources are shared by every project; who may change them is decided in services.py
(site staff and portfolio PMO administrators manage the pool; a resource's owner approves
requests for it).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keel.apps.accounts.models import Team
from keel.apps.projects.models import Project
from keel.apps.work.models import WorkItem


class ResourceKind(models.TextChoices):
    PERSON = "person", _("Person")
    EQUIPMENT = "equipment", _("Equipment")
    MATERIAL = "material", _("Material")


class LeaveKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    VACATION = "vacation", _("Vacation")
    MAINTENANCE = "maintenance", _("Maintenance")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Skill(models.Model):
    """Something a resource can do, e.g. "Python" or "Welding"."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """A person, a piece of equipment or a material in the site-wide pool.

    ``capacity`` is hours per working day for people and equipment, units per day for
    material; ``max_units`` is the share of that capacity that may be planned (1 = 100 %).
    The calendar is the standard week (or the public holidays of ``calendar_country``) on the
    weekdays of ``workdays`` ("12345" = Monday to Friday), less the resource's leave.
    """

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ResourceKind.choices, default=ResourceKind.PERSON
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="resources"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_resources",
    )
    external = models.BooleanField(_("external"), default=False)
    vendor = models.CharField(_("vendor"), max_length=150, blank=True)
    capacity = models.DecimalField(
        _("capacity per day"), max_digits=8, decimal_places=2, default=Decimal("8")
    )
    max_units = models.DecimalField(
        _("maximum units"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    calendar_country = models.CharField(_("holiday calendar"), max_length=8, blank=True)
    workdays = models.CharField(_("working weekdays"), max_length=7, default="12345")
    is_placeholder = models.BooleanField(_("placeholder"), default=False)
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="placeholders"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values), name="resource_kind_valid"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="resource_capacity_positive"),
            models.CheckConstraint(
                condition=Q(max_units__gt=0), name="resource_max_units_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResourceLeave(models.Model):
    """Days a resource does not work: leave, vacation, maintenance (both ends included)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="leaves")
    start = models.DateField(_("start"))
    finish = models.DateField(_("finish"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=LeaveKind.choices, default=LeaveKind.LEAVE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["resource", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(finish__gte=models.F("start")), name="leave_order"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.start}–{self.finish}"


class CostRate(models.Model):
    """What a resource costs from ``effective_from`` (until ``effective_to`` or the next rate)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rates")
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    standard = models.DecimalField(
        _("standard rate per hour"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    overtime = models.DecimalField(
        _("overtime rate per hour"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    per_use = models.DecimalField(
        _("cost per use"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    per_unit = models.DecimalField(
        _("cost per unit"), max_digits=12, decimal_places=2, default=Decimal("0")
    )

    class Meta:
        ordering = ["resource", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "effective_from"], name="cost_rate_from_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} from {self.effective_from}"


class ResourceSkill(models.Model):
    """A resource's level (1-5) in a skill."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(_("level"), default=3)

    class Meta:
        ordering = ["resource", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "skill"], name="resource_skill_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="resource_skill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.skill} {self.level}"


class Assignment(models.Model):
    """A resource's units (1 = 100 %) and work (hours, or units for material) on a work item."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="assignments")
    units = models.DecimalField(_("units"), max_digits=6, decimal_places=2)
    work = models.DecimalField(_("work"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "resource__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "resource"], name="assignment_unique"),
            models.CheckConstraint(condition=Q(units__gt=0), name="assignment_units_positive"),
            models.CheckConstraint(condition=Q(work__gte=0), name="assignment_work_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} on {self.item_id}"


class ResourceRequest(models.Model):
    """A project asks for a named resource or for someone with a skill, for a period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resource_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="requests"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    start = models.DateField(_("start"))
    finish = models.DateField(_("finish"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2, null=True)
    units = models.DecimalField(_("units"), max_digits=6, decimal_places=2, default=Decimal("1"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=False) | Q(skill__isnull=False),
                name="resource_request_names_something",
            ),
            models.CheckConstraint(
                condition=Q(finish__gte=models.F("start")), name="resource_request_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} ({self.status})"


class RequestEvent(models.Model):
    """One step in a request's history: who moved it to which status, when and why."""

    request = models.ForeignKey(ResourceRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.at}"


class LevellingDelay(models.Model):
    """How far levelling pushed an item (working minutes); the scheduler honours it."""

    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="levelling")
    minutes = models.PositiveIntegerField(_("delay (working minutes)"))
    applied_at = models.DateTimeField(auto_now=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.item_id} +{self.minutes} min"
