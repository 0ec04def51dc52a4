"""Schemas for the signed-in user and personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from keel.api.schemas.common import InSchema, OutSchema

__all__ = ["MeOut", "TokenCreatedOut", "TokenIn", "TokenOut"]


class MeOut(OutSchema):
    id: int
    username: str
    display_name: str
    email: str
    language: str
    is_admin: bool

    @staticmethod
    def resolve_is_admin(obj: Any) -> bool:
        return bool(obj.is_superuser)


class TokenIn(InSchema):
    name: str = Field(min_length=1, max_length=100, description="A label to recognise it by.")
    expires_at: datetime | None = None


class TokenOut(OutSchema):
    id: int
    name: str
    prefix: str = Field(description="First characters of the token, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The raw token. It is shown only this once.")
