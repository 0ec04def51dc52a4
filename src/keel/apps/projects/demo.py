"""The deterministic demo portfolio (written by the coordinator)."""

from __future__ import annotations

__all__ = ["demo_load", "demo_load_if_empty"]


def demo_load(*, reset: bool = False) -> str:
    """Load the demo portfolio and return a one-paragraph summary."""
    raise NotImplementedError("The demo portfolio is not written yet.")


def demo_load_if_empty() -> bool:
    """Load the demo portfolio when the database holds no project; True if it did."""
    raise NotImplementedError("The demo portfolio is not written yet.")
