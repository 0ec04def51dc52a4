"""Portfolios, programs, projects and who belongs to them in which role."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PROJECT_KEY_PATTERN = r"^[A-Z][A-Z0-9]{1,9}$"


class Role(models.TextChoices):
    """A person's role on a project; access.ROLE_PERMISSIONS says what each may do."""

    PMO_ADMIN = "pmo_admin", _("PMO administrator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    COORDINATOR = "coordinator", _("Project coordinator")
    FINANCE_MANAGER = "finance_manager", _("Finance manager")
    QA_MANAGER = "qa_manager", _("QA manager")
    RISK_MANAGER = "risk_manager", _("Risk manager")
    TECH_LEAD = "tech_lead", _("Tech lead")
    MEMBER = "member", _("Team member")
    CUSTOMER_REPRESENTATIVE = "customer_representative", _("Customer representative")
    EXTERNAL_CONSULTANT = "external_consultant", _("External consultant")
    VIEWER = "viewer", _("Viewer")


class PortfolioRole(models.TextChoices):
    PMO_ADMIN = "pmo_admin", _("PMO administrator")
    VIEWER = "viewer", _("Viewer")


class Methodology(models.TextChoices):
    WATERFALL = "waterfall", _("Waterfall")
    SCRUM = "scrum", _("Scrum")
    KANBAN = "kanban", _("Kanban")
    HYBRID = "hybrid", _("Hybrid")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Portfolio(models.Model):
    """A set of programs and projects managed together by a PMO."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """Related projects coordinated for a shared benefit."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="program_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A temporary effort with a goal, scope, dates and a team."""

    key = models.CharField(
        _("key"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                PROJECT_KEY_PATTERN,
                _(
                    "A project key is 2 to 10 capital letters or digits "
                    "and starts with a letter, e.g. ERP."
                ),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="projects")
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    methodology = models.CharField(
        _("methodology"),
        max_length=12,
        choices=Methodology.choices,
        default=Methodology.WATERFALL,
    )
    goals = models.TextField(_("goals"), blank=True)
    scope_statement = models.TextField(_("scope statement"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    finish_date = models.DateField(_("finish date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    health = models.CharField(
        _("health"), max_length=8, choices=Health.choices, default=Health.GREEN
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_projects",
    )
    next_item_number = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finish_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(finish_date__gte=models.F("start_date")),
                name="project_finish_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(methodology__in=Methodology.values),
                name="project_methodology_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(health__in=Health.values), name="project_health_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(next_item_number__gte=1), name="project_next_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class ProjectMembership(models.Model):
    """A person's role on one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="project_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.project.key} ({self.role})"


class PortfolioMembership(models.Model):
    """PMO-level access: a pmo_admin acts as pmo_admin on every project of the portfolio."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_memberships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PortfolioRole.choices, default=PortfolioRole.VIEWER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["portfolio", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "user"], name="portfolio_membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=PortfolioRole.values),
                name="portfolio_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.portfolio} ({self.role})"
