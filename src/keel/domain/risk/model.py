"""Inputs and outputs of the Monte Carlo simulation: frozen dataclasses.

Durations are working minutes of the project calendar; costs come in as ``Decimal`` (or
numbers) and leave as ``Decimal``. Simulated samples inside the engine are NumPy arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from keel.domain.errors import ValidationError

__all__ = [
    "MAX_DURATION",
    "MAX_ITERATIONS",
    "MAX_VALUE",
    "PERCENTILES",
    "Correlation",
    "Distribution",
    "DistributionKind",
    "Driver",
    "Histogram",
    "RiskEvent",
    "SimulationResult",
    "TaskUncertainty",
    "sample_many",
]

MAX_ITERATIONS = 100_000
"""The most iterations one run may ask for; more is refused (10,000 already gives P90 to
within about half a percent)."""

MAX_VALUE = 1e12
"""The largest value a distribution may take (money); larger is refused."""

MAX_DURATION = 10_000_000
"""The longest duration a distribution may give, in working minutes (about 57 years of
8-hour days); longer is refused."""

PERCENTILES: tuple[int, ...] = (10, 50, 80, 90)
"""The percentiles every result reports."""

Number = int | float | Decimal


class DistributionKind(StrEnum):
    """The shapes a three-point estimate may take."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    UNIFORM = "uniform"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class Distribution:
    """A probability distribution of one duration (working minutes) or cost.

    Build one with :meth:`triangular`, :meth:`pert`, :meth:`uniform` or :meth:`fixed`.
    ``low``, ``mode`` and ``high`` are the minimum, most likely and maximum values; for a
    uniform distribution ``mode`` is the midpoint, for a fixed one all three are equal.
    ``lam`` is PERT's weight of the most likely value (4 in the classic PERT formula).
    The order ``low <= mode <= high`` and non-negativity are checked by :meth:`check`, which
    :class:`TaskUncertainty` and :class:`RiskEvent` call with their own name in the message.

    Examples
    --------
    >>> Distribution.pert(3, 5, 9).mean()
    5.333333333333333
    """

    kind: DistributionKind
    low: float
    mode: float
    high: float
    lam: float = 4.0

    @classmethod
    def triangular(cls, low: Number, mode: Number, high: Number) -> Distribution:
        """Triangular distribution on ``[low, high]`` peaking at ``mode``."""
        return cls(DistributionKind.TRIANGULAR, float(low), float(mode), float(high))

    @classmethod
    def pert(cls, low: Number, mode: Number, high: Number, lam: Number = 4) -> Distribution:
        """PERT-beta distribution: a beta on ``[low, high]`` with mean (a + λm + b)/(λ + 2).

        Reference: Malcolm et al. (1959); Vose, *Risk Analysis* (2008), §9.1.
        """
        return cls(DistributionKind.PERT, float(low), float(mode), float(high), float(lam))

    @classmethod
    def uniform(cls, low: Number, high: Number) -> Distribution:
        """Uniform distribution on ``[low, high]``."""
        lo, hi = float(low), float(high)
        return cls(DistributionKind.UNIFORM, lo, (lo + hi) / 2, hi)

    @classmethod
    def fixed(cls, value: Number) -> Distribution:
        """A value without uncertainty."""
        v = float(value)
        return cls(DistributionKind.FIXED, v, v, v)

    def check(self, where: str, *, limit: float = MAX_VALUE) -> None:
        """Raise ``ValidationError`` naming ``where`` unless the three values make sense.

        ``limit`` is the largest allowed maximum (``MAX_DURATION`` for durations).
        """
        values = (self.low, self.mode, self.high)
        if not all(math.isfinite(v) for v in values):
            raise ValidationError(f"{where}: min, most likely and max must be numbers.")
        if not self.low <= self.mode <= self.high:
            raise ValidationError(
                f"{where}: min {_show(self.low)} ≤ most likely {_show(self.mode)} ≤ max "
                f"{_show(self.high)} does not hold."
            )
        if self.low < 0:
            raise ValidationError(f"{where}: values must not be negative (min {_show(self.low)}).")
        if self.high > limit:
            raise ValidationError(f"{where}: max {_show(self.high)} is too large.")
        if self.kind is DistributionKind.PERT and not (math.isfinite(self.lam) and self.lam > 0):
            raise ValidationError(f"{where}: the PERT weight lambda must be positive.")

    def mean(self) -> float:
        """The distribution's mean.

        Triangular (a + m + b)/3, PERT (a + λm + b)/(λ + 2), uniform (a + b)/2.
        """
        a, m, b = self.low, self.mode, self.high
        if self.kind is DistributionKind.TRIANGULAR:
            return (a + m + b) / 3
        if self.kind is DistributionKind.PERT:
            return (a + self.lam * m + b) / (self.lam + 2)
        return (a + b) / 2 if self.kind is DistributionKind.UNIFORM else m

    def variance(self) -> float:
        """The distribution's variance.

        Triangular (a² + m² + b² - am - ab - mb)/18, uniform (b - a)²/12, PERT the beta's
        αβ(b - a)²/((α + β)²(α + β + 1)), fixed 0.

        >>> Distribution.uniform(0, 6).variance()
        3.0
        """
        a, m, b = self.low, self.mode, self.high
        if self.kind is DistributionKind.TRIANGULAR:
            return (a * a + m * m + b * b - a * m - a * b - m * b) / 18
        if self.kind is DistributionKind.UNIFORM:
            return (b - a) ** 2 / 12
        if self.kind is DistributionKind.PERT and b > a:
            alpha = 1 + self.lam * (m - a) / (b - a)
            beta = 1 + self.lam * (b - m) / (b - a)
            return alpha * beta * (b - a) ** 2 / ((alpha + beta) ** 2 * (alpha + beta + 1))
        return 0.0

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """Draw ``size`` samples from ``rng``."""
        row: npt.NDArray[np.float64] = sample_many((self,), rng, size)[0]
        return row


def sample_many(
    dists: Sequence[Distribution], rng: np.random.Generator, size: int
) -> npt.NDArray[np.float64]:
    """Draw ``size`` samples of each distribution: an array of shape ``(len(dists), size)``.

    See ``keel.domain.risk.sampling.Sampler`` for the methods used.
    """
    from keel.domain.risk.sampling import Sampler

    return Sampler(dists).draw(rng, size).astype(np.float64)


def _show(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@dataclass(frozen=True, slots=True)
class TaskUncertainty:
    """Three-point estimates of one task: its duration (working minutes) and/or its cost.

    A task without a duration distribution keeps its planned duration; a task without a cost
    distribution costs its base cost (``simulate(base_costs=...)``), if any.
    """

    task_id: str
    duration: Distribution | None = None
    cost: Distribution | None = None

    def __post_init__(self) -> None:
        if self.duration is not None:
            self.duration.check(f"Task {self.task_id!r} duration", limit=MAX_DURATION)
        if self.cost is not None:
            self.cost.check(f"Task {self.task_id!r} cost")


@dataclass(frozen=True, slots=True)
class RiskEvent:
    """A threat that happens with ``probability`` in each iteration.

    When it happens it adds one sample of ``extra_duration`` (working minutes) to the duration
    of every task in ``affects`` and one sample of ``extra_cost`` to the total cost.
    """

    id: str
    name: str
    probability: float
    affects: tuple[str, ...] = ()
    extra_duration: Distribution | None = None
    extra_cost: Distribution | None = None

    def __post_init__(self) -> None:
        p = self.probability
        if not isinstance(p, int | float | Decimal) or not 0 <= float(p) <= 1:
            raise ValidationError(f"Risk {self.id!r}: probability {p} must lie between 0 and 1.")
        if self.extra_duration is not None:
            self.extra_duration.check(f"Risk {self.id!r} extra duration", limit=MAX_DURATION)
            if not self.affects:
                raise ValidationError(
                    f"Risk {self.id!r} adds duration but affects no task; name the tasks."
                )
        if self.extra_cost is not None:
            self.extra_cost.check(f"Risk {self.id!r} extra cost")


@dataclass(frozen=True, slots=True)
class Correlation:
    """A rank (Spearman) correlation ``rho`` between two tasks' durations, in [-1, 1]."""

    task_a: str
    task_b: str
    rho: float

    def __post_init__(self) -> None:
        if not -1 <= float(self.rho) <= 1:
            raise ValidationError(
                f"Correlation {self.task_a!r}–{self.task_b!r}: rho {self.rho} must lie "
                "between -1 and 1."
            )
        if self.task_a == self.task_b:
            raise ValidationError(f"Correlation of {self.task_a!r} with itself is not allowed.")


@dataclass(frozen=True, slots=True)
class Driver:
    """One bar of a tornado: the rank correlation of an input with the finish or the cost.

    ``kind`` is ``"task"`` (a task's duration or cost) or ``"risk"`` (a risk event's impact).
    """

    id: str
    name: str
    kind: str
    correlation: float


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts per bin and the cumulative share of iterations up to each bin's right edge.

    ``edges`` are numbers (working minutes after the start for the finish, money for the
    cost), ``len(edges) == len(counts) + 1``. For the finish, ``edge_dates`` holds the same
    edges as calendar dates; for the cost it is empty.
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]
    cumulative: tuple[float, ...]
    edge_dates: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """What a Monte Carlo run found.

    Attributes
    ----------
    iterations, seed
        As asked for; the same seed and inputs give the same result.
    start
        The project start.
    finish_minutes, costs
        Per iteration: the project finish in working minutes after the start, and the total
        cost (float samples; the summaries below are ``Decimal``).
    finish_dates
        Per iteration, the finish as a date-time on the project calendar.
    finish_percentiles, duration_percentiles, cost_percentiles
        P10/P50/P80/P90 keyed 10, 50, 80, 90: finish dates, working minutes, money.
    mean_duration, mean_cost
        Means over the iterations.
    probability_on_time, probability_within_budget
        Share of iterations finishing by ``target_finish`` / costing at most ``budget``;
        None where no target or budget was given.
    criticality
        Per work task, the share of iterations in which it was critical (total float ≤ 0).
    finish_drivers, cost_drivers
        The tornado: inputs with the largest absolute Spearman correlation with the finish
        and with the total cost, largest first.
    finish_histogram, cost_histogram
        Histogram and cumulative curve data.
    deterministic_finish, deterministic_finish_percentile
        The finish with every task at its planned duration and no risk, and the share of
        iterations finishing by then.
    deterministic_cost, deterministic_cost_percentile
        Base costs plus each cost estimate's most likely value, and the share of iterations
        costing at most that.
    """

    iterations: int
    seed: int
    start: datetime
    finish_minutes: npt.NDArray[np.int64] = field(repr=False, compare=False)
    costs: npt.NDArray[np.float64] = field(repr=False, compare=False)
    finish_dates: tuple[datetime, ...] = field(repr=False)
    finish_percentiles: Mapping[int, datetime]
    duration_percentiles: Mapping[int, float]
    cost_percentiles: Mapping[int, Decimal]
    mean_duration: float
    mean_cost: Decimal
    target_finish: datetime | None
    probability_on_time: float | None
    budget: Decimal | None
    probability_within_budget: float | None
    criticality: Mapping[str, float]
    finish_drivers: tuple[Driver, ...]
    cost_drivers: tuple[Driver, ...]
    finish_histogram: Histogram
    cost_histogram: Histogram
    deterministic_finish: datetime
    deterministic_finish_percentile: float
    deterministic_cost: Decimal
    deterministic_cost_percentile: float
