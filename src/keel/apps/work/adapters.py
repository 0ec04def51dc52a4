"""Rows ⇄ keel.domain dataclasses for the work app (wired to the scheduler by the coordinator)."""

from __future__ import annotations

from typing import Any

from keel.apps.projects.models import Project

__all__ = ["project_to_network"]


def project_to_network(project: Project) -> Any:
    """Turn a project's work items and dependencies into the scheduler's network."""
    raise NotImplementedError("The scheduling adapter is not wired yet.")
