"""Schemas for import, export and calendar feed tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from keel.api.schemas.common import InSchema, OutSchema

__all__ = [
    "FeedTokenCreatedOut",
    "FeedTokenIn",
    "FeedTokenOut",
    "ImportCountsOut",
    "ImportIn",
    "ImportOut",
    "ImportPreviewOut",
    "ImportTaskOut",
]


class ImportIn(InSchema):
    """An import sent as JSON rather than as a multipart upload.

    Send the file as ``content`` (text) or ``content_base64`` (any file, e.g. XLSX).
    """

    content: str | None = Field(default=None, description="The file's text.")
    content_base64: str | None = Field(default=None, description="The file, base64-encoded.")
    filename: str = Field(default="", max_length=255, description="Helps detect the format.")
    format: str | None = Field(
        default=None,
        description="mspdi, jira, csv, xlsx, gan, planner, ics or tjp; detected when omitted.",
    )
    project: str | None = Field(
        default=None,
        max_length=10,
        description="Key of the project to import into, or of the new project to create.",
    )
    portfolio: int | None = Field(
        default=None, description="Portfolio id for a new project (needs project.create there)."
    )
    name: str | None = Field(default=None, max_length=200, description="A new project's name.")
    mapping: dict[str, Any] | None = Field(
        default=None,
        description='{"statuses": {file name: status key}, "users": {file name: username}}.',
    )
    confirm: bool = Field(default=False, description="Must be true to import.")


class ImportCountsOut(OutSchema):
    items: int
    milestones: int
    links: int
    resources: int
    assignments: int
    baselines: int
    calendars: int


class ImportTaskOut(OutSchema):
    wbs: str = Field(description="The file's outline code (or its id).")
    title: str
    type: str
    depth: int = Field(description="1 for a top-level item, 2 for its children, and so on.")


class ImportPreviewOut(OutSchema):
    format: str
    name: str
    project: str = Field(description="Key of the project that will receive the import.")
    new_project: bool
    counts: ImportCountsOut
    tasks: list[ImportTaskOut] = Field(description="The outline (first 200 items).")
    unknown_statuses: list[str] = Field(description="Statuses of the file that need a mapping.")
    unknown_users: list[str] = Field(description="People of the file that need a mapping.")
    statuses: list[str] = Field(description="Status keys a mapping may name.")
    users: list[str] = Field(description="Usernames a mapping may name.")
    warnings: list[str]
    ready: bool = Field(description="True when nothing needs a mapping.")


class ImportOut(OutSchema):
    project: str = Field(description="Key of the project imported into.")
    created_project: bool
    items: int
    links: int
    resources: int
    assignments: int
    baselines: int
    warnings: list[str]


class FeedTokenIn(InSchema):
    name: str = Field(
        default="Calendar", min_length=1, max_length=100, description="A label to know it by."
    )


class FeedTokenOut(OutSchema):
    id: int
    name: str
    prefix: str = Field(description="First characters of the token, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None


class FeedTokenCreatedOut(FeedTokenOut):
    token: str = Field(description="The raw token. It is shown only this once.")
    url: str = Field(description="The feed of all your projects (add /<KEY>.ics for one).")
