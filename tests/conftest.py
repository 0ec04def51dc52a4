"""Shared fixtures. Domain tests need none of Django; the rest run on a real database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


# Debian's chromium, launched as the browser tests require (never a downloaded browser).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless chromium per test module, for the tests marked ``browser``."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    # A missing browser is a missing install step, not a reason to skip: say how to fix it.
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: run `bash scripts/test.sh`, which installs it.")

    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
