"""Earned value management: PV, EV, AC, the indices, forecasts and earned schedule.

Pure Python and Decimal money; nothing here imports Django or an outer Keel layer.
:func:`evm_figures` turns BAC, PV, EV and AC into every figure; :func:`evm_analyse` computes
them for each node of a tree (items, WBS nodes, projects, programs, a portfolio) with weekly
S-curve series; :func:`earned_schedule` is Lipke's ES on a cumulative PV series.
"""

from keel.domain.evm.analysis import EvmItem, EvmNode, EvmResult, EvmSeries, evm_analyse
from keel.domain.evm.figures import EvmFigures, earned_schedule, evm_figures, money, ratio

__all__ = [
    "EvmFigures",
    "EvmItem",
    "EvmNode",
    "EvmResult",
    "EvmSeries",
    "earned_schedule",
    "evm_analyse",
    "evm_figures",
    "money",
    "ratio",
]
