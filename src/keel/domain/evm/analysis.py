"""Time-phased earned value over a tree of items: WBS nodes, projects, programs, portfolios.

Planned value is spread evenly over each item's baseline days (a straight line from its
baseline start to its baseline finish, both inclusive), the usual assumption of a linear
budget profile when no resource loading is given (PMI Practice Standard for EVM, 2nd ed.,
ch. 4). Periods are seven-day weeks counted from the earliest baseline start, so earned
schedule, actual time and planned duration are in weeks.

Earned value of an item is ``BAC * percent complete``. Its history (for the S-curve) follows
the item's dated actual costs: the share of the item's value earned by a week is the share of
its dated actual cost spent by then; an item with progress but no dated actuals earns evenly
from its baseline start to the status date.

A node's budget, PV, EV and AC are its own plus its descendants'. Rolling up over several
projects, programs or a portfolio is the same tree with one more level on top.

Earned schedule of a summary node follows Lipke on its rolled-up weekly PV curve to find the
week in which the plan reached its EV, then interpolates by day inside that week (from the
nodes accruing in it), so a summary of one task has that task's ES, and weekends, on which no
PV accrues, are not counted as planned progress.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.evm.figures import EvmFigures, earned_schedule, evm_figures, money

__all__ = ["EvmItem", "EvmNode", "EvmResult", "EvmSeries", "evm_analyse"]

_ZERO = Decimal(0)
_SEVEN = Decimal(7)
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class EvmItem:
    """One node of the tree: a work item, a WBS element, a project or a portfolio.

    Attributes
    ----------
    key : str
        Unique within one analysis.
    parent : str or None
        The parent's key; None for a root.
    budget : Decimal
        This node's own budget at completion (its descendants add theirs).
    start, finish : date or None
        Baseline start and finish (inclusive). Without them the budget counts in BAC but is
        never planned (PV stays 0), which shows in the figures as unscheduled work.
    percent_complete : Decimal
        0 to 100; earned value is ``budget * percent_complete / 100``.
    actual_cost : Decimal
        This node's own actual cost to the status date.
    actuals : tuple of (date, Decimal)
        Dated parts of ``actual_cost``, for the weekly series; the rest counts at the status
        date.
    title : str
        For tables.
    """

    key: str
    parent: str | None = None
    budget: Decimal = _ZERO
    start: date | None = None
    finish: date | None = None
    percent_complete: Decimal = _ZERO
    actual_cost: Decimal = _ZERO
    actuals: tuple[tuple[date, Decimal], ...] = ()
    title: str = ""


@dataclass(frozen=True)
class EvmNode:
    """The figures of one node, with its place in the tree (depth 0 for roots)."""

    key: str
    title: str
    parent: str | None
    depth: int
    is_leaf: bool
    start: date | None
    finish: date | None
    figures: EvmFigures


@dataclass(frozen=True)
class EvmSeries:
    """Weekly cumulative values for the S-curve.

    ``dates[k]`` is the last day of week ``k + 1``. ``pv`` runs over every week; ``ev`` and
    ``ac`` stop at the week holding the status date. ``eac`` is the forecast line: from
    ``(status_date, AC)`` to ``(forecast_finish, EAC)``, empty without an EAC.
    """

    dates: tuple[date, ...]
    pv: tuple[Decimal, ...]
    ev: tuple[Decimal, ...]
    ac: tuple[Decimal, ...]
    eac: tuple[tuple[date, Decimal], ...]
    forecast_finish: date | None


@dataclass(frozen=True)
class EvmResult:
    """Earned value of a whole tree at a status date: the total, every node, the S-curve."""

    status_date: date
    total: EvmFigures
    nodes: tuple[EvmNode, ...]
    series: EvmSeries

    def node(self, key: str) -> EvmNode:
        """The node named ``key`` (KeyError if absent)."""
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)


def _check(items: Sequence[EvmItem]) -> dict[str, EvmItem]:
    by_key: dict[str, EvmItem] = {}
    for item in items:
        if item.key in by_key:
            raise ValidationError(f"Item {item.key} appears twice.", details={"key": item.key})
        if item.budget < 0 or item.actual_cost < 0:
            raise ValidationError(
                f"Item {item.key} has a negative budget or actual cost.",
                details={"key": item.key},
            )
        if not 0 <= item.percent_complete <= _HUNDRED:
            raise ValidationError(
                f"Item {item.key}: percent complete must be between 0 and 100.",
                details={"key": item.key},
            )
        if item.start and item.finish and item.finish < item.start:
            raise ValidationError(
                f"Item {item.key} finishes before it starts.", details={"key": item.key}
            )
        by_key[item.key] = item
    for item in items:
        if item.parent is not None and item.parent not in by_key:
            raise UnknownReferenceError(
                f"Item {item.key} names an unknown parent {item.parent}.",
                details={"key": item.key, "parent": item.parent},
            )
    return by_key


def _span(item: EvmItem) -> tuple[date, date] | None:
    if item.start is None and item.finish is None:
        return None
    start = item.start or item.finish
    finish = item.finish or item.start
    assert start is not None and finish is not None
    return start, finish


def _pv_at(budget: Decimal, span: tuple[date, date], day: date) -> Decimal:
    """Planned value of one item by the end of ``day`` (straight line over its days)."""
    start, finish = span
    if day < start:
        return _ZERO
    if day >= finish:
        return budget
    return budget * ((day - start).days + 1) / ((finish - start).days + 1)


def evm_analyse(items: Sequence[EvmItem], status_date: date) -> EvmResult:
    """Earned value of every node of a tree at ``status_date``, with weekly S-curve series.

    Parameters
    ----------
    items : sequence of EvmItem
        The tree, parents before or after children in any order.
    status_date : date
        The "as of" date; PV and AT count through the end of this day.

    Returns
    -------
    EvmResult
        ``total`` over all roots; ``nodes`` in depth-first order of the input; ``series``
        weekly from the earliest baseline start. Figures follow :func:`evm_figures`; ES uses
        :func:`earned_schedule` on the node's weekly cumulative PV (Lipke 2003).

    Raises
    ------
    ValidationError
        Duplicate keys, negative budgets or costs, percent outside 0..100, finish before
        start. ``UnknownReferenceError`` for a parent that is not in ``items``.

    Examples
    --------
    >>> r = evm_analyse([EvmItem("A", budget=Decimal(700), start=date(2025, 1, 6),
    ...     finish=date(2025, 1, 12), percent_complete=Decimal(50), actual_cost=Decimal(400))],
    ...     date(2025, 1, 9))
    >>> r.total.pv, r.total.ev, r.total.cpi
    (Decimal('400.00'), Decimal('350.00'), Decimal('0.8750'))
    """
    by_key = _check(items)
    children: dict[str | None, list[str]] = {}
    for item in items:
        children.setdefault(item.parent, []).append(item.key)
    # Depth-first order; a cycle leaves nodes unreached.
    order: list[tuple[str, int]] = []
    stack = [(key, 0) for key in reversed(children.get(None, []))]
    while stack:
        key, depth = stack.pop()
        order.append((key, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(key, [])))
    if len(order) != len(items):
        raise ValidationError("The parents of the items form a loop.")

    spans = {item.key: _span(item) for item in items}
    dated = [s for s in spans.values() if s is not None]
    origin = min((s[0] for s in dated), default=status_date)
    last = max([status_date, *(s[1] for s in dated)])
    periods = (last - origin).days // 7 + 1
    ends = [origin + timedelta(days=7 * k + 6) for k in range(periods)]

    # Weekly PV increments per node, kept sparse: (first week, increments from it on).
    increments: dict[str, _Sparse] = {}
    # The budgeted, dated nodes of each subtree, for earned schedule within a week.
    owners: dict[str, list[_Owner]] = {}
    subtree_span: dict[str, tuple[date, date] | None] = {}
    totals: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]] = {}
    figures: dict[str, EvmFigures] = {}
    for key, _depth in reversed(order):
        item = by_key[key]
        span = spans[key]
        own_pv = _pv_at(item.budget, span, status_date) if span else _ZERO
        bac, pv = item.budget, own_pv
        ev = item.budget * item.percent_complete / _HUNDRED
        ac = item.actual_cost
        inc: _Sparse | None = None
        kids = children.get(key, [])
        if span is not None and item.budget:
            first = (span[0] - origin).days // 7
            stop = (span[1] - origin).days // 7
            values = []
            previous = _ZERO
            for k in range(first, stop + 1):
                now = _pv_at(item.budget, span, ends[k])
                values.append(now - previous)
                previous = now
            inc = (first, values)
        own: list[_Owner] = [(item.budget, span)] if span is not None and item.budget else []
        lo_hi = span
        for child in kids:
            c_bac, c_pv, c_ev, c_ac = totals[child]
            bac, pv, ev, ac = bac + c_bac, pv + c_pv, ev + c_ev, ac + c_ac
            child_inc = increments.pop(child, None)
            if child_inc is not None:
                inc = _add(inc, child_inc)
            child_owners = owners.pop(child, [])
            if len(child_owners) > len(own):
                own, child_owners = child_owners, own
            own.extend(child_owners)
            c_span = subtree_span[child]
            if c_span is not None:
                lo_hi = (
                    c_span
                    if lo_hi is None
                    else (min(lo_hi[0], c_span[0]), max(lo_hi[1], c_span[1]))
                )
        totals[key] = (bac, pv, ev, ac)
        subtree_span[key] = lo_hi
        if inc is not None:
            increments[key] = inc
        owners[key] = own
        figures[key] = _figures_for(
            bac, pv, ev, ac, inc, lo_hi, origin, status_date, is_leaf=not kids, owners=own
        )

    nodes = tuple(
        EvmNode(
            key=key,
            title=by_key[key].title,
            parent=by_key[key].parent,
            depth=depth,
            is_leaf=not children.get(key),
            start=_first(subtree_span[key]),
            finish=_last(subtree_span[key]),
            figures=figures[key],
        )
        for key, depth in order
    )
    roots = children.get(None, [])
    t_bac = sum((totals[r][0] for r in roots), _ZERO)
    t_pv = sum((totals[r][1] for r in roots), _ZERO)
    t_ev = sum((totals[r][2] for r in roots), _ZERO)
    t_ac = sum((totals[r][3] for r in roots), _ZERO)
    t_sparse: _Sparse | None = None
    for root in roots:
        root_inc = increments.get(root)
        if root_inc is not None:
            t_sparse = _add(t_sparse, root_inc)
    t_inc = [_ZERO] * periods
    if t_sparse is not None:
        t_inc[t_sparse[0] : t_sparse[0] + len(t_sparse[1])] = t_sparse[1]
    t_span = (origin, max((s[1] for s in dated), default=origin)) if dated else None
    t_owners = [owner for root in roots for owner in owners.get(root, [])]
    total = _figures_for(
        t_bac, t_pv, t_ev, t_ac, (0, t_inc), t_span, origin, status_date, False, t_owners
    )
    series = _series(items, spans, origin, ends, status_date, t_inc, total)
    return EvmResult(status_date=status_date, total=total, nodes=nodes, series=series)


_Sparse = tuple[int, list[Decimal]]
_Owner = tuple[Decimal, tuple[date, date]]


def _add(a: _Sparse | None, b: _Sparse) -> _Sparse:
    """The sum of two sparse weekly series (``a``'s list may be reused)."""
    if a is None:
        return b
    (a0, av), (b0, bv) = a, b
    lo = min(a0, b0)
    hi = max(a0 + len(av), b0 + len(bv))
    if lo == a0 and hi == a0 + len(av):
        out, base = av, a0
    else:
        out = [_ZERO] * (hi - lo)
        out[a0 - lo : a0 - lo + len(av)] = av
        base = lo
    offset = b0 - base
    for i, value in enumerate(bv):
        out[offset + i] += value
    return (base, out)


def _first(span: tuple[date, date] | None) -> date | None:
    return None if span is None else span[0]


def _last(span: tuple[date, date] | None) -> date | None:
    return None if span is None else span[1]


def _cumulative(increments: Iterable[Decimal]) -> list[Decimal]:
    out: list[Decimal] = []
    running = _ZERO
    for value in increments:
        running += value
        out.append(running)
    return out


def _figures_for(
    bac: Decimal,
    pv: Decimal,
    ev: Decimal,
    ac: Decimal,
    inc: _Sparse | None,
    span: tuple[date, date] | None,
    origin: date,
    status_date: date,
    is_leaf: bool,
    owners: Sequence[_Owner] = (),
) -> EvmFigures:
    es = at = pd = None
    if span is not None and bac > 0:
        start, finish = span
        days = Decimal((finish - start).days + 1)
        pd = days / _SEVEN
        at = Decimal(max(0, (status_date - start).days + 1)) / _SEVEN
        if is_leaf or inc is None:
            # A straight line: ES is the earned share of the planned days.
            es = days * ev / bac / _SEVEN
        else:
            cumulative = _cumulative(inc[1])
            days_in = _earned_day(cumulative, inc[0], ev, owners, origin)
            if days_in is not None:
                es = min(max((days_in - (start - origin).days) / _SEVEN, _ZERO), pd)
            else:
                local_es = earned_schedule(cumulative, ev)
                if local_es is not None:
                    offset = Decimal((start - origin).days) / _SEVEN - inc[0]
                    es = min(max(local_es - offset, _ZERO), pd)
    return evm_figures(bac=bac, pv=pv, ev=ev, ac=ac, es=es, at=at, pd=pd)


def _earned_day(
    cumulative: Sequence[Decimal],
    first_week: int,
    ev: Decimal,
    owners: Sequence[_Owner],
    origin: date,
) -> Decimal | None:
    """When the plan reached ``ev``, in days from ``origin``: Lipke's ES with days as the
    periods inside the week where it happens (weeks alone would assume the week's PV accrues
    evenly over seven days, weekends included). None when EV is not above zero or not
    reached by the weekly curve (unscheduled budget); the caller then uses whole weeks."""
    if ev <= 0 or not cumulative or cumulative[-1] < ev:
        return None
    week = bisect_left(cumulative, ev)
    reached = cumulative[week - 1] if week else _ZERO  # PV by the end of the week before
    first = origin + timedelta(days=7 * (first_week + week))
    last, eve = first + timedelta(days=6), first - timedelta(days=1)
    active = [(b, span) for b, span in owners if span[0] <= last and span[1] >= first]
    # PV of the nodes not accruing this week stays at ``reached`` less the active ones' share.
    base = reached - sum((_pv_at(b, span, eve) for b, span in active), _ZERO)
    previous = reached
    for offset in range(7):
        day = first + timedelta(days=offset)
        now = base + sum((_pv_at(b, span, day) for b, span in active), _ZERO)
        if now >= ev and now > previous:
            return Decimal(7 * (first_week + week) + offset) + (ev - previous) / (now - previous)
        previous = now
    return None


def _series(
    items: Sequence[EvmItem],
    spans: dict[str, tuple[date, date] | None],
    origin: date,
    ends: list[date],
    status_date: date,
    t_inc: list[Decimal],
    total: EvmFigures,
) -> EvmSeries:
    periods = len(ends)
    now = min((status_date - origin).days // 7, periods - 1) if status_date >= origin else -1
    ev_inc = [_ZERO] * (now + 1)
    ac_inc = [_ZERO] * (now + 1)
    if now >= 0:
        for item in items:
            earned = item.budget * item.percent_complete / _HUNDRED
            dated_total = _ZERO
            for day, amount in item.actuals:
                if day <= status_date:
                    k = max(0, (day - origin).days // 7)
                    ac_inc[k] += amount
                    dated_total += amount
            ac_inc[now] += item.actual_cost - dated_total
            if not earned:
                continue
            if dated_total > 0:
                for day, amount in item.actuals:
                    if day <= status_date:
                        k = max(0, (day - origin).days // 7)
                        ev_inc[k] += earned * amount / dated_total
                continue
            span = spans[item.key]
            first = (span[0] - origin).days // 7 if span else now
            first = min(max(first, 0), now)
            share = earned / (now - first + 1)
            for k in range(first, now + 1):
                ev_inc[k] += share
    pv = tuple(money(v) for v in _cumulative(t_inc))
    ev = tuple(money(v) for v in _cumulative(ev_inc))
    ac = tuple(money(v) for v in _cumulative(ac_inc))
    forecast: date | None = None
    if total.ieac_t is not None:
        forecast = origin + timedelta(days=int(total.ieac_t * _SEVEN) - 1)
    elif total.pd is not None:
        forecast = origin + timedelta(days=int(total.pd * _SEVEN) - 1)
    eac_line: tuple[tuple[date, Decimal], ...] = ()
    if total.eac_cpi is not None and forecast is not None:
        eac_line = ((status_date, total.ac), (max(forecast, status_date), total.eac_cpi))
    return EvmSeries(dates=tuple(ends), pv=pv, ev=ev, ac=ac, eac=eac_line, forecast_finish=forecast)
