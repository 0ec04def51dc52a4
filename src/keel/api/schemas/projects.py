"""Schemas for portfolios, programs, projects and project members."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from keel.api.schemas.common import InSchema, OutSchema, PatchSchema
from keel.apps.projects.models import Health, Methodology, PortfolioRole, ProjectStatus, Role

# Choices as literal types, so the OpenAPI document lists the allowed values.
MethodologyName = Literal[tuple(Methodology.values)]  # type: ignore[valid-type]
ProjectStatusName = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]
HealthName = Literal[tuple(Health.values)]  # type: ignore[valid-type]
RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]
PortfolioRoleName = Literal[tuple(PortfolioRole.values)]  # type: ignore[valid-type]

__all__ = [
    "MemberIn",
    "MemberOut",
    "MemberPatch",
    "PortfolioIn",
    "PortfolioMemberIn",
    "PortfolioMemberOut",
    "PortfolioOut",
    "PortfolioPatch",
    "ProgramFilter",
    "ProgramIn",
    "ProgramOut",
    "ProgramPatch",
    "ProjectFilter",
    "ProjectIn",
    "ProjectOut",
    "ProjectPatch",
]

Name = Field(min_length=1, max_length=200)


class PortfolioIn(InSchema):
    name: str = Name
    slug: str = Field(min_length=1, max_length=80, pattern=r"^[-a-z0-9_]+$")
    description: str = ""


class PortfolioPatch(PatchSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, min_length=1, max_length=80, pattern=r"^[-a-z0-9_]+$")
    description: str | None = None


class PortfolioOut(OutSchema):
    id: int
    name: str
    slug: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime


class ProgramIn(InSchema):
    portfolio: int = Field(description="Id of the portfolio the program belongs to.")
    name: str = Name
    description: str = ""


class ProgramPatch(PatchSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None


class ProgramOut(OutSchema):
    id: int
    portfolio: int
    name: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_portfolio(obj: Any) -> int:
        return int(obj.portfolio_id)


class _ProjectFields(InSchema):
    methodology: MethodologyName | None = None
    goals: str | None = None
    scope_statement: str | None = None
    start_date: date | None = None
    finish_date: date | None = None
    status: ProjectStatusName | None = None
    health: HealthName | None = None
    manager: str | None = Field(None, description="Username of the project manager.")
    program: int | None = Field(None, description="Id of a program of the same portfolio.")


class ProjectIn(_ProjectFields):
    key: str = Field(
        min_length=2, max_length=10, description="2 to 10 capital letters or digits, e.g. ERP."
    )
    name: str = Name
    portfolio: int = Field(description="Id of the portfolio the project belongs to.")
    template: str | None = Field(
        None, description="Template to start from (its workflow and settings)."
    )


class ProjectPatch(_ProjectFields, PatchSchema):
    name: str | None = Field(None, min_length=1, max_length=200)


class ProjectOut(OutSchema):
    id: int
    key: str
    name: str
    portfolio: int
    program: int | None
    methodology: MethodologyName
    goals: str
    scope_statement: str
    start_date: date | None
    finish_date: date | None
    status: ProjectStatusName
    health: HealthName
    manager: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_portfolio(obj: Any) -> int:
        return int(obj.portfolio_id)

    @staticmethod
    def resolve_program(obj: Any) -> int | None:
        return obj.program_id

    @staticmethod
    def resolve_manager(obj: Any) -> str | None:
        return obj.manager.username if obj.manager_id else None


class MemberIn(InSchema):
    username: str = Field(min_length=1)
    role: RoleName


class MemberPatch(InSchema):
    role: RoleName


class MemberOut(OutSchema):
    username: str
    display_name: str
    role: RoleName
    created_at: datetime

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_display_name(obj: Any) -> str:
        return str(obj.user)


class ProjectFilter(Schema):
    """Filters for the project list; all given filters must match."""

    status: ProjectStatusName | None = None
    health: HealthName | None = None
    methodology: MethodologyName | None = None
    portfolio: int | None = Field(None, description="Portfolio id.")
    program: int | None = Field(None, description="Program id.")
    text: str | None = Field(None, description="Part of the key or name.")


class ProgramFilter(Schema):
    """Filters for the program list."""

    portfolio: int | None = Field(None, description="Portfolio id.")


class PortfolioMemberIn(InSchema):
    """PMO-level access: a pmo_admin acts as one on every project of the portfolio."""

    username: str = Field(min_length=1)
    role: PortfolioRoleName = "viewer"


class PortfolioMemberOut(OutSchema):
    username: str
    display_name: str
    role: PortfolioRoleName
    created_at: datetime

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_display_name(obj: Any) -> str:
        return str(obj.user)
