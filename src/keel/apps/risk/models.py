"""Risk register, the rest of the RAID log, change requests, estimates and simulation runs.

Everything here belongs to one project. Rows are written only by keel.apps.risk.services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.models import Project
from keel.apps.work.models import WorkItem

USER = settings.AUTH_USER_MODEL


class Rating(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Category(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    RESOURCE = "resource", _("Resource")
    VENDOR = "vendor", _("Vendor")
    LEGAL = "legal", _("Legal / compliance")
    SECURITY = "security", _("Security")
    MARKET = "market", _("Market")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    THREAT = "threat", _("Threat")
    OPPORTUNITY = "opportunity", _("Opportunity")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    RESPONDING = "responding", _("Responding")
    CLOSED = "closed", _("Closed")
    OCCURRED = "occurred", _("Occurred")


class Strategy(models.TextChoices):
    AVOID = "avoid", _("Avoid")
    MITIGATE = "mitigate", _("Mitigate")
    TRANSFER = "transfer", _("Transfer")
    ESCALATE = "escalate", _("Escalate")
    EXPLOIT = "exploit", _("Exploit")
    ENHANCE = "enhance", _("Enhance")
    SHARE = "share", _("Share")
    ACCEPT = "accept", _("Accept")


THREAT_STRATEGIES = frozenset({"avoid", "mitigate", "transfer", "accept", "escalate"})
OPPORTUNITY_STRATEGIES = frozenset({"exploit", "enhance", "share", "accept"})
OPEN_STATUSES = frozenset({"identified", "assessed", "responding"})


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Escalation(models.TextChoices):
    TEAM = "team", _("Team")
    PROJECT = "project", _("Project")
    PROGRAM = "program", _("Program")
    PORTFOLIO = "portfolio", _("Portfolio")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class AssumptionStatus(models.TextChoices):
    UNVALIDATED = "unvalidated", _("Not yet validated")
    VALID = "valid", _("Confirmed")
    INVALID = "invalid", _("Proved false")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")
    SUPERSEDED = "superseded", _("Superseded")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ASSESSED = "assessed", _("Assessed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")


class Distribution(models.TextChoices):
    TRIANGULAR = "triangular", _("Triangular")
    PERT = "pert", _("PERT")
    UNIFORM = "uniform", _("Uniform")
    FIXED = "fixed", _("Fixed")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _money(**kw: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, **kw)


def _days(**kw: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True, **kw)


class RiskScale(models.Model):
    """The project's probability and impact levels: ``[{level, label, meaning, value}]``.

    ``value`` on a probability level is the chance (0–1) the simulation uses for that level.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="risk_scale")
    probability_levels = models.JSONField(default=list)
    impact_levels = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.project_id} scale"


class RiskMatrix(models.Model):
    """Probability × impact → rating, one entry ``"p,i": rating`` for every cell of the scale."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="risk_matrix")
    cells = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.project_id} matrix"


class ChangeBoard(models.Model):
    """Which project roles approve change requests (they also need change.approve)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="change_board")
    approver_roles = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.project_id} change board"


class Numbered(models.Model):
    """A row numbered per project; its key is PREFIX-number."""

    PREFIX = ""
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.key} {getattr(self, 'title', '')}"

    @property
    def key(self) -> str:
        return f"{self.PREFIX}-{self.number}"


class Risk(Numbered):
    PREFIX = "R"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    event = models.TextField(_("event"), blank=True)
    effect = models.TextField(_("effect"), blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.THREAT)
    owner = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_risks"
    )
    probability = models.PositiveSmallIntegerField(_("probability"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    score = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(max_length=10, choices=Rating.choices, default=Rating.LOW)
    residual_probability = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    proximity = models.DateField(_("proximity"), null=True, blank=True)
    trigger = models.TextField(_("trigger"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    strategy = models.CharField(_("response strategy"), max_length=10, blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    fallback_plan = models.TextField(_("fallback plan"), blank=True)
    cost_min = _money()
    cost_likely = _money()
    cost_max = _money()
    days_min = _days()
    days_likely = _days()
    days_max = _days()
    threatened_items = models.ManyToManyField(WorkItem, blank=True, related_name="threats")
    response_actions = models.ManyToManyField(WorkItem, blank=True, related_name="responds_to")
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="risk_number_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=1) & models.Q(impact__gte=1),
                name="risk_levels_positive",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def residual_score(self) -> int | None:
        if self.residual_probability is None or self.residual_impact is None:
            return None
        return self.residual_probability * self.residual_impact


class RiskReview(models.Model):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_on = models.DateField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"review of {self.risk_id} on {self.reviewed_on}"


class RiskChange(models.Model):
    """A snapshot of a risk's assessment after each change: the burn-down reads these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risk_changes")
    risk = models.ForeignKey(Risk, on_delete=models.SET_NULL, null=True, related_name="changes")
    risk_number = models.PositiveIntegerField()
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    field = models.CharField(max_length=40, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    # The risk's exposure (score while open, 0 once closed or deleted) after this change.
    exposure = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"R-{self.risk_number} {self.field}"


class ProjectIssue(Numbered):
    """A RAID issue: a problem to resolve now (often a risk that occurred)."""

    PREFIX = "I"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="raid_issues")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField(null=True, blank=True)
    escalation = models.CharField(
        max_length=10, choices=Escalation.choices, default=Escalation.PROJECT
    )
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default="open")
    risk = models.ForeignKey(
        Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="issues"
    )
    items = models.ManyToManyField(WorkItem, blank=True, related_name="raid_issues")

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="raid_issue_number_unique")
        ]


class Assumption(Numbered):
    PREFIX = "A"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assumptions")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AssumptionStatus.choices, default="unvalidated"
    )
    validate_by = models.DateField(null=True, blank=True)
    items = models.ManyToManyField(WorkItem, blank=True, related_name="assumptions")

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="assumption_number_unique")
        ]


class Decision(Numbered):
    PREFIX = "D"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    status = models.CharField(max_length=12, choices=DecisionStatus.choices, default="proposed")
    items = models.ManyToManyField(WorkItem, blank=True, related_name="decisions")

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="decision_number_unique")
        ]


class ChangeRequest(Numbered):
    PREFIX = "CR"
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("what changes"), blank=True)
    reason = models.TextField(_("why"), blank=True)
    requested_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="change_requests"
    )
    scope_impact = models.TextField(_("impact on scope"), blank=True)
    schedule_days = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    alters_plan = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=ChangeStatus.choices, default="draft")
    assessment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    baseline_number = models.PositiveIntegerField(null=True, blank=True)
    items = models.ManyToManyField(WorkItem, blank=True, related_name="change_requests")

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_number_unique")
        ]


class TaskEstimate(models.Model):
    """Three-point duration (working days) and cost of one work item, for the simulation."""

    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="estimate")
    distribution = models.CharField(
        max_length=12, choices=Distribution.choices, default=Distribution.TRIANGULAR
    )
    duration_min = models.DecimalField(max_digits=9, decimal_places=2)
    duration_likely = models.DecimalField(max_digits=9, decimal_places=2)
    duration_max = models.DecimalField(max_digits=9, decimal_places=2)
    cost_min = _money()
    cost_likely = _money()
    cost_max = _money()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"estimate of {self.item_id}"


class SimulationRun(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="simulation_runs")
    requested_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    iterations = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"simulation {self.pk} ({self.status})"
