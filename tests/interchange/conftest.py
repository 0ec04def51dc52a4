"""Fixtures for the import/export tests: a PMO administrator and sample files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def pmo(db: Any) -> Any:
    """A PMO administrator of a fresh portfolio: may create projects by import."""
    from tests.factories import PortfolioFactory, PortfolioMembershipFactory, UserFactory

    person = UserFactory(username="pmo")
    portfolio = PortfolioFactory(name="Imports", slug="imports")
    PortfolioMembershipFactory(portfolio=portfolio, user=person, role="pmo_admin")
    person.portfolio = portfolio
    return person


@pytest.fixture
def samples() -> Path:
    """The shared sample folder (../shared/data from the repository root)."""
    return SAMPLES
