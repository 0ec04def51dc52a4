"""Fixtures for the resource tests: a staff pool manager, a scheduled project, a client."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest


@pytest.fixture
def staff(db: Any) -> Any:
    """A site administrator, who manages the resource pool."""
    from tests.factories import UserFactory

    return UserFactory(username="pool-admin", is_staff=True)


@pytest.fixture
def planned(project: Any) -> Any:
    """The ERP project starting Monday 2 March 2026, its items scheduled when committed."""
    project.start_date = date(2026, 3, 2)
    project.save(update_fields=["start_date"])
    return project


@pytest.fixture
def api() -> Any:
    """``api(user)``: a JSON client signed in as ``user``."""
    from tests.api.conftest import session_client

    return session_client
