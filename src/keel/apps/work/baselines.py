"""Who prices a baseline: a registry other areas add to.

Capturing a baseline copies every item's dates, duration and work. Its budgeted cost comes from
whichever area prices the plan (finance), which registers a pricer here in its
``AppConfig.ready``: a callable ``(project) -> {work item id: Decimal cost}``. Costs from several
pricers add up; with none, baseline costs stay empty.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from keel.apps.projects.models import Project

__all__ = ["BASELINE_PRICERS", "Pricer"]

Pricer = Callable[[Project], dict[int, Decimal]]

BASELINE_PRICERS: list[Pricer] = []
