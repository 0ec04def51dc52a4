"""Shared fixtures. Domain tests need none of Django; the rest run on a real database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The folder of sample files from other tools (never copied into the repository)."""
    return SHARED_DATA


@pytest.fixture
def user(db: Any) -> Any:
    """A plain signed-up user who belongs to nothing."""
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def project(db: Any) -> Any:
    """A waterfall project (phases and gates) whose ``manager`` is its project manager."""
    from tests.factories import ProjectFactory

    return ProjectFactory(key="ERP", name="ERP roll-out")


@pytest.fixture
def member_of(db: Any) -> Callable[..., Any]:
    """``member_of(project, role="member", username=None)``: a new user holding ``role``."""
    from tests.factories import MembershipFactory, UserFactory

    def make(project: Any, role: str = "member", username: str | None = None) -> Any:
        person = UserFactory(username=username) if username else UserFactory()
        MembershipFactory(project=project, user=person, role=role)
        return person

    return make
