"""Monte Carlo schedule and cost risk: three-point estimates, risk events, correlation.

Pure Python and NumPy; nothing here imports Django or an outer Keel layer. :func:`simulate`
runs the critical path method over thousands of iterations at once and returns a
:class:`SimulationResult` (percentiles, probabilities, criticality indices, tornado,
histograms). See docs/risk.md, "The Monte Carlo engine".
"""

from keel.domain.risk.engine import simulate
from keel.domain.risk.model import (
    MAX_ITERATIONS,
    PERCENTILES,
    Correlation,
    Distribution,
    DistributionKind,
    Driver,
    Histogram,
    RiskEvent,
    SimulationResult,
    TaskUncertainty,
)

__all__ = [
    "MAX_ITERATIONS",
    "PERCENTILES",
    "Correlation",
    "Distribution",
    "DistributionKind",
    "Driver",
    "Histogram",
    "RiskEvent",
    "SimulationResult",
    "TaskUncertainty",
    "simulate",
]
