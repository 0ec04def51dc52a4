"""The tornado: which inputs drive the finish and the cost, by Spearman rank correlation."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["ranks", "spearman"]


def ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Average ranks (ties share their mean rank) of each row."""
    out = np.empty(values.shape, dtype=np.float64)
    for i, row in enumerate(values):
        order = np.argsort(row, kind="stable")
        sorted_row = row[order]
        new = np.r_[True, sorted_row[1:] != sorted_row[:-1]]
        group = np.cumsum(new) - 1
        firsts = np.flatnonzero(new)
        lasts = np.r_[firsts[1:], row.size] - 1
        mean_rank = (firsts + lasts) / 2
        out[i, order] = mean_rank[group]
    return out


def spearman(inputs: npt.NDArray[np.float64], outcome: npt.NDArray[np.float64],
              ) -> npt.NDArray[np.float64]:  # fmt: skip
    """Spearman's rank correlation of each row of ``inputs`` with ``outcome``."""
    if not inputs.size or outcome.size < 3:
        return np.zeros(inputs.shape[0])
    x = ranks(inputs)
    y = ranks(outcome[None, :].astype(np.float64))[0]
    x -= x.mean(axis=1, keepdims=True)
    y -= y.mean()
    denominator = np.sqrt((x * x).sum(axis=1) * (y * y).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (x @ y) / denominator
    result: npt.NDArray[np.float64] = np.where(denominator > 0, rho, 0.0)
    return result
