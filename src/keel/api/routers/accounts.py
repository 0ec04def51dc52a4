"""The signed-in user and their personal access tokens: /me, /me/tokens."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from keel.api.pagination import Page, PageParams, paginate
from keel.api.schemas.accounts import MeOut, TokenCreatedOut, TokenIn, TokenOut
from keel.apps.accounts import services
from keel.apps.accounts.models import PersonalAccessToken

__all__ = ["router"]

router = Router(tags=["me"])


def _own_token(request: HttpRequest, token_id: int) -> PersonalAccessToken:
    token = PersonalAccessToken.objects.filter(pk=token_id, user=request.auth).first()
    if token is None:
        raise Http404("No such token.")
    return token


@router.get("", response=MeOut)
def me_get(request: HttpRequest) -> Any:
    """The signed-in user."""
    return request.auth


@router.get("/tokens", response=Page[TokenOut])
def token_list(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Your personal access tokens (never their raw value), newest first."""
    return paginate(request, PersonalAccessToken.objects.filter(user=request.auth), page)


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """Create a token. The raw token is in this response only: it cannot be read again."""
    token, raw = services.token_create(
        user=request.auth, name=payload.name, expires_at=payload.expires_at
    )
    token.token = raw
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None})
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of your tokens; requests that send it are refused from now on."""
    services.token_revoke(actor=request.auth, token=_own_token(request, token_id))
    return Status(204, None)
