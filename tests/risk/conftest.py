"""Fixtures for the risk tests: simulations run inside the start call, never in a thread."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def simulations_in_line(settings: Any) -> None:
    settings.KEEL_SIMULATION_SYNC = True


@pytest.fixture
def api() -> Any:
    """``api(user)``: a JSON client signed in as ``user``."""
    from tests.api.conftest import session_client

    return session_client
