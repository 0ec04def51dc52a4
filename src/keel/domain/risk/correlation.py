"""Rank correlation between sampled durations: the Iman-Conover method.

Samples are drawn independently from their own distributions and then re-ordered so that
their ranks follow those of correlated normal scores. The marginal distributions stay
exactly as drawn; only the pairing between tasks changes (Iman & Conover, "A
distribution-free approach to inducing rank correlation among input variables",
Communications in Statistics B 11(3), 1982).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from keel.domain.errors import ValidationError

__all__ = ["correlation_matrix", "rank_reorder"]


def correlation_matrix(
    size: int, pairs: Sequence[tuple[int, int, float]], names: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Return the Cholesky factor of the normal-score correlation matrix for ``pairs``.

    Each pair ``(a, b, rho)`` asks for a Spearman rank correlation ``rho``; the normal
    scores get Pearson ``2 sin(π rho / 6)``, which gives that rank correlation for a
    bivariate normal (Pearson, 1907). Pairs not named are uncorrelated.

    Raises
    ------
    ValidationError
        A pair given twice with different values, or a matrix that is not positive definite
        (correlations that cannot all hold at once).

    Examples
    --------
    >>> factor = correlation_matrix(2, [(0, 1, 0.5)], ["a", "b"])
    >>> round(float((factor @ factor.T)[0, 1]), 4)
    0.5176
    """
    matrix = np.eye(size, dtype=np.float64)
    given: dict[tuple[int, int], float] = {}
    for a, b, rho in pairs:
        key = (min(a, b), max(a, b))
        if key in given and given[key] != rho:
            raise ValidationError(
                f"The correlation of {names[key[0]]!r} and {names[key[1]]!r} is given twice "
                f"({given[key]} and {rho})."
            )
        given[key] = rho
        matrix[a, b] = matrix[b, a] = 2 * math.sin(math.pi * rho / 6)
    smallest = float(np.linalg.eigvalsh(matrix).min()) if size else 1.0
    if smallest <= 1e-9:
        involved = ", ".join(repr(n) for n in names)
        raise ValidationError(
            f"The correlations between {involved} cannot all hold at once: the correlation "
            "matrix is not positive definite. Weaken some of them."
        )
    factor: npt.NDArray[np.float64] = np.asarray(np.linalg.cholesky(matrix), dtype=np.float64)
    return factor


def rank_reorder(
    samples: npt.NDArray[np.floating[Any]],
    factor: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> npt.NDArray[np.floating[Any]]:
    """Re-order each row of ``samples`` so the rows' ranks correlate as ``factor`` says.

    ``samples`` has one row per variable and one column per iteration; ``factor`` is the
    lower Cholesky factor from :func:`correlation_matrix`. The normal scores' own chance
    correlation is removed first, as Iman and Conover do, so small runs hit the target too.
    """
    k, size = samples.shape
    scores: npt.NDArray[np.float64] = rng.standard_normal((size, k))
    if size > k + 1:
        chance = np.corrcoef(scores, rowvar=False)
        try:
            own = np.linalg.cholesky(np.atleast_2d(chance))
            scores = np.asarray(scores @ np.linalg.inv(own).T, dtype=np.float64)
        except np.linalg.LinAlgError:
            pass  # degenerate draw: keep the raw scores
    scores = scores @ factor.T
    out = np.empty_like(samples)
    for i in range(k):
        ranks = np.argsort(np.argsort(scores[:, i], kind="stable"), kind="stable")
        out[i] = np.sort(samples[i])[ranks]
    return out
