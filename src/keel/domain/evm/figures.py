"""Earned value figures from the four basic quantities BAC, PV, EV and AC.

The formulas are those of the PMI *Practice Standard for Earned Value Management* (2nd ed.,
2011) and the *PMBOK Guide* (6th ed., 2017, section 7.4.2.2, table 7-1); the time-based ones
are Walt Lipke's earned schedule ("Schedule is Different", *The Measurable News*, 2003; PMI
Practice Standard for EVM, appendix D).

A figure that would divide by zero is ``None``; each field of :class:`EvmFigures` says when.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["EvmFigures", "earned_schedule", "evm_figures", "money", "ratio"]

_CENT = Decimal("0.01")
_RATIO = Decimal("0.0001")
_ZERO = Decimal(0)


def money(value: Decimal) -> Decimal:
    """Round an amount to cents (half-even, as Decimal does by default)."""
    return value.quantize(_CENT)


def ratio(value: Decimal) -> Decimal:
    """Round an index or a count of periods to four decimal places."""
    return value.quantize(_RATIO)


def _div(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else numerator / denominator


@dataclass(frozen=True)
class EvmFigures:
    """Every earned value figure at one status date.

    Money is rounded to cents, indices and periods to four decimals.

    Attributes
    ----------
    bac, pv, ev, ac : Decimal
        Budget at completion, planned value, earned value, actual cost.
    sv, cv : Decimal
        Schedule variance ``EV - PV`` and cost variance ``EV - AC``.
    spi : Decimal or None
        ``EV / PV``; None while nothing was planned yet (PV = 0).
    cpi : Decimal or None
        ``EV / AC``; None while nothing was spent (AC = 0).
    eac_cpi : Decimal or None
        ``BAC / CPI`` (= ``BAC * AC / EV``), the remaining work at today's cost efficiency;
        None while nothing was earned (EV = 0), as CPI is then zero or undefined.
    eac_budget_rate : Decimal
        ``AC + (BAC - EV)``: the remaining work at the budgeted rate.
    eac_cpi_spi : Decimal or None
        ``AC + (BAC - EV) / (CPI * SPI)``; None when CPI or SPI is None or zero.
    etc : Decimal or None
        Estimate to complete ``EAC - AC`` (with ``eac_cpi``).
    vac : Decimal or None
        Variance at completion ``BAC - EAC`` (with ``eac_cpi``).
    tcpi_bac : Decimal or None
        ``(BAC - EV) / (BAC - AC)``: the efficiency needed to finish on budget; None once the
        whole budget is spent (BAC = AC).
    tcpi_eac : Decimal or None
        ``(BAC - EV) / (EAC - AC)``: the efficiency needed to finish at the EAC; None when the
        EAC is None or equals AC.
    percent_complete : Decimal or None
        ``100 * EV / BAC``; None for a zero budget.
    es, at, pd : Decimal or None
        Earned schedule, actual time and planned duration, in periods (Keel uses weeks).
    sv_t : Decimal or None
        ``ES - AT``.
    spi_t : Decimal or None
        ``ES / AT``; None before the first day (AT = 0).
    ieac_t : Decimal or None
        Independent estimate at completion, time: ``PD / SPI(t)``; None when SPI(t) is None
        or zero.
    """

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac_cpi: Decimal | None
    eac_budget_rate: Decimal
    eac_cpi_spi: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: Decimal | None
    tcpi_eac: Decimal | None
    percent_complete: Decimal | None
    es: Decimal | None = None
    at: Decimal | None = None
    pd: Decimal | None = None
    sv_t: Decimal | None = None
    spi_t: Decimal | None = None
    ieac_t: Decimal | None = None

    @property
    def eac(self) -> Decimal | None:
        """The EAC Keel shows by default: ``BAC / CPI``."""
        return self.eac_cpi


def evm_figures(
    *,
    bac: Decimal,
    pv: Decimal,
    ev: Decimal,
    ac: Decimal,
    es: Decimal | None = None,
    at: Decimal | None = None,
    pd: Decimal | None = None,
) -> EvmFigures:
    """Compute every earned value figure from BAC, PV, EV, AC (and ES, AT, PD if known).

    Parameters
    ----------
    bac, pv, ev, ac : Decimal
        Budget at completion, planned value, earned value and actual cost at the status date.
    es, at, pd : Decimal, optional
        Earned schedule, actual time and planned duration in periods; the time-based figures
        stay None without them.

    Returns
    -------
    EvmFigures
        With ``SV = EV - PV``, ``CV = EV - AC``, ``SPI = EV/PV``, ``CPI = EV/AC``,
        ``EAC = BAC/CPI``, ``AC + (BAC - EV)``, ``AC + (BAC - EV)/(CPI*SPI)``,
        ``ETC = EAC - AC``, ``VAC = BAC - EAC``, ``TCPI = (BAC - EV)/(BAC - AC)`` and
        ``(BAC - EV)/(EAC - AC)``, ``SV(t) = ES - AT``, ``SPI(t) = ES/AT``,
        ``IEAC(t) = PD/SPI(t)`` (PMBOK Guide 6th ed. table 7-1; Lipke 2003).

    Examples
    --------
    >>> f = evm_figures(bac=Decimal(200000), pv=Decimal(120000), ev=Decimal(100000),
    ...                 ac=Decimal(90000))
    >>> f.cv, f.eac_cpi
    (Decimal('10000.00'), Decimal('180000.00'))
    """
    spi = _div(ev, pv)
    cpi = _div(ev, ac)
    eac_cpi = _div(bac * ac, ev)
    eac_budget_rate = ac + (bac - ev)
    eac_cpi_spi: Decimal | None = None
    if spi is not None and cpi is not None and spi * cpi != 0:
        eac_cpi_spi = ac + (bac - ev) / (cpi * spi)
    etc = None if eac_cpi is None else eac_cpi - ac
    vac = None if eac_cpi is None else bac - eac_cpi
    tcpi_bac = _div(bac - ev, bac - ac)
    tcpi_eac = None if eac_cpi is None else _div(bac - ev, eac_cpi - ac)
    percent = _div(ev * 100, bac)
    sv_t = spi_t = ieac_t = None
    if es is not None and at is not None:
        sv_t = es - at
        spi_t = _div(es, at)
        if pd is not None and spi_t:
            ieac_t = pd / spi_t

    q_money, q_ratio = _CENT, _RATIO
    return EvmFigures(
        bac=bac.quantize(q_money),
        pv=pv.quantize(q_money),
        ev=ev.quantize(q_money),
        ac=ac.quantize(q_money),
        sv=(ev - pv).quantize(q_money),
        cv=(ev - ac).quantize(q_money),
        spi=None if spi is None else spi.quantize(q_ratio),
        cpi=None if cpi is None else cpi.quantize(q_ratio),
        eac_cpi=None if eac_cpi is None else eac_cpi.quantize(q_money),
        eac_budget_rate=eac_budget_rate.quantize(q_money),
        eac_cpi_spi=None if eac_cpi_spi is None else eac_cpi_spi.quantize(q_money),
        etc=None if etc is None else etc.quantize(q_money),
        vac=None if vac is None else vac.quantize(q_money),
        tcpi_bac=None if tcpi_bac is None else tcpi_bac.quantize(q_ratio),
        tcpi_eac=None if tcpi_eac is None else tcpi_eac.quantize(q_ratio),
        percent_complete=None if percent is None else percent.quantize(q_ratio),
        es=None if es is None else es.quantize(q_ratio),
        at=None if at is None else at.quantize(q_ratio),
        pd=None if pd is None else pd.quantize(q_ratio),
        sv_t=None if sv_t is None else sv_t.quantize(q_ratio),
        spi_t=None if spi_t is None else spi_t.quantize(q_ratio),
        ieac_t=None if ieac_t is None else ieac_t.quantize(q_ratio),
    )


def earned_schedule(pv_cumulative: Sequence[Decimal], ev: Decimal) -> Decimal | None:
    """Earned schedule in periods: when the earned value should have been earned.

    Parameters
    ----------
    pv_cumulative : sequence of Decimal
        Cumulative planned value at the end of periods 1, 2, ..., n (non-decreasing).
    ev : Decimal
        Cumulative earned value at the status date.

    Returns
    -------
    Decimal or None
        ``ES = C + (EV - PV_C) / (PV_{C+1} - PV_C)`` where ``C`` is the number of whole
        periods whose cumulative PV the EV reaches (Lipke 2003; PMI Practice Standard for EVM,
        appendix D). An EV at or past the last PV gives the last period where PV grows (the
        planned duration). None for an empty baseline.

    Examples
    --------
    >>> earned_schedule([Decimal(10), Decimal(30), Decimal(60)], Decimal(20))
    Decimal('1.5')
    """
    if not pv_cumulative or pv_cumulative[-1] <= 0:
        return None
    top = pv_cumulative[-1]
    if ev >= top:
        # The first period where the plan reached its total.
        return Decimal(bisect_right(pv_cumulative, top - Decimal("1e-9")) + 1)
    c = bisect_right(pv_cumulative, ev)
    previous = pv_cumulative[c - 1] if c > 0 else Decimal(0)
    step = pv_cumulative[c] - previous
    return Decimal(c) + (ev - previous) / step
