"""factory_boy factories for service, API and web tests.

Projects are built the way ``project_create`` builds them (workflow, phases, a project
manager), but without needing a PMO administrator to create them.
"""

from __future__ import annotations

from typing import Any

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from keel.apps.accounts.models import User
from keel.apps.projects.models import (
    Methodology,
    Portfolio,
    PortfolioMembership,
    Program,
    Project,
    ProjectMembership,
    Role,
)
from keel.apps.projects.templates import template_apply
from keel.apps.work.models import WorkItem

PASSWORD = "pw-for-tests-only"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class PortfolioFactory(DjangoModelFactory):
    class Meta:
        model = Portfolio

    name = factory.Sequence(lambda n: f"Portfolio {n}")
    slug = factory.Sequence(lambda n: f"portfolio-{n}")


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    portfolio = factory.SubFactory(PortfolioFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class PortfolioMembershipFactory(DjangoModelFactory):
    class Meta:
        model = PortfolioMembership

    portfolio = factory.SubFactory(PortfolioFactory)
    user = factory.SubFactory(UserFactory)
    role = "viewer"


def _project_key(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"P{letters}"


class ProjectFactory(DjangoModelFactory):
    """A project with its template applied; ``manager`` holds the project_manager role."""

    class Meta:
        model = Project

    key = factory.Sequence(_project_key)
    name = factory.LazyAttribute(lambda p: f"Project {p.key}")
    portfolio = factory.SubFactory(PortfolioFactory)
    manager = factory.SubFactory(UserFactory)
    methodology = Methodology.WATERFALL

    @classmethod
    def _create(cls, model_class: type[Project], *args: Any, **kwargs: Any) -> Project:
        template = kwargs.pop("template", None) or kwargs.get("methodology", "waterfall")
        # One transaction, as project_create has: the template's services lock rows, which
        # PostgreSQL refuses outside a transaction (tests with transaction=True run in
        # autocommit).
        with transaction.atomic():
            project = super()._create(model_class, *args, **kwargs)
            ProjectMembership.objects.create(
                project=project, user=project.manager, role=Role.PROJECT_MANAGER
            )
            template_apply(actor=project.manager, project=project, template=template)
        return project


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


def item_create(project: Project, title: str = "Task", **fields: Any) -> WorkItem:
    """Create a work item through the service, acting as the project's manager."""
    from keel.apps.work.services import work_item_create

    fields.setdefault("type", "task")
    return work_item_create(actor=project.manager, project=project, title=title, **fields)
