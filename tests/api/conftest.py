"""Fixtures for API tests: clients that call /api/v1 as a given user, by session or token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

API = "/api/v1"


class ApiClient:
    """A thin JSON wrapper around Django's test client, going through the full URL stack."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> Any:
        url = path if path.startswith("/") else f"{API}/{path}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)


def session_client(user: Any = None) -> ApiClient:
    """A client signed in as ``user`` through the session (or anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return ApiClient(client)


def token_client(raw_token: str) -> ApiClient:
    """A client that sends ``Authorization: Bearer <raw_token>`` and no session."""
    return ApiClient(Client(), {"Authorization": f"Bearer {raw_token}"})


@pytest.fixture
def make_user(db: Any) -> Any:
    """Create a user with a username (and a throwaway password)."""

    def make(username: str, **fields: Any) -> Any:
        return get_user_model().objects.create_user(username=username, password="pw", **fields)

    return make


@pytest.fixture
def anon() -> ApiClient:
    """An anonymous client."""
    return session_client()


@pytest.fixture
def as_user() -> Any:
    """``as_user(user)``: a client signed in as ``user`` through the session."""
    return session_client


@pytest.fixture
def as_token() -> Any:
    """``as_token(raw)``: a client that authenticates with a bearer token only."""
    return token_client


@pytest.fixture
def wrap() -> Any:
    """``wrap(django_client, headers)``: JSON helpers around a Django test client."""
    return ApiClient


@pytest.fixture
def error_of() -> Any:
    """``error_of(response)``: the checked ``error`` object of an error response."""
    return _error_of


def _error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object of an error response, after checking the envelope's shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error
