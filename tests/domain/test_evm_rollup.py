"""Earned value over trees: items roll up to WBS nodes, projects and a portfolio; division by
zero gives None; the weekly S-curve is cumulative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.evm import EvmItem, evm_analyse, evm_figures

MON = date(2025, 1, 6)


def _tree() -> list[EvmItem]:
    return [
        EvmItem("PRJ", title="Project"),
        EvmItem("1", parent="PRJ", title="Design"),
        EvmItem("1.1", "1", D(700), MON, date(2025, 1, 12), D(100), D(800)),
        EvmItem("1.2", "1", D(1400), date(2025, 1, 13), date(2025, 1, 26), D(50), D(500)),
        EvmItem("2", "PRJ", D(1000), date(2025, 1, 27), date(2025, 2, 9), D(0), D(0)),
    ]


def test_nodes_sum_their_descendants() -> None:
    """A WBS node's BAC, PV, EV and AC are the sums of its children's; the project's of all."""
    r = evm_analyse(_tree(), date(2025, 1, 19))
    design = r.node("1").figures
    assert design.bac == D(2100)
    # 1.1 fully planned (700), 1.2 planned for 7 of 14 days (700).
    assert design.pv == D(1400)
    assert design.ev == D(700 + 700)
    assert design.ac == D(1300)
    project = r.node("PRJ").figures
    assert project.bac == D(3100)
    assert project.pv == D(1400)
    assert r.total == project
    assert [n.depth for n in r.nodes] == [0, 1, 2, 2, 1]


def test_portfolio_is_one_more_level() -> None:
    """Two projects under a portfolio node: the portfolio's figures are the sums."""
    a = [EvmItem("A", budget=D(100), start=MON, finish=MON, percent_complete=D(50))]
    b = [EvmItem("B", budget=D(300), start=MON, finish=MON, actual_cost=D(10))]
    items = [
        EvmItem("ALL"),
        *(
            EvmItem(i.key, "ALL", i.budget, i.start, i.finish, i.percent_complete, i.actual_cost)
            for i in a + b
        ),
    ]
    r = evm_analyse(items, MON)
    assert r.node("ALL").figures.bac == D(400)
    assert r.node("ALL").figures.ev == D(50)
    assert r.node("ALL").figures.ac == D(10)
    assert r.node("ALL").figures.cpi == D(5)


def test_division_by_zero_gives_none() -> None:
    """Nothing planned, spent or earned yet: the indices and EAC are None, not an error."""
    f = evm_figures(bac=D(100), pv=D(0), ev=D(0), ac=D(0))
    assert (f.spi, f.cpi, f.eac_cpi, f.eac_cpi_spi, f.etc, f.vac) == (None,) * 6
    assert f.eac_budget_rate == D(100)
    spent = evm_figures(bac=D(100), pv=D(100), ev=D(50), ac=D(100))
    assert spent.tcpi_bac is None
    assert evm_figures(bac=D(0), pv=D(0), ev=D(0), ac=D(0)).percent_complete is None


def test_series_is_weekly_and_cumulative() -> None:
    """The S-curve has one point a week; PV ends at BAC; EV and AC stop at the status week."""
    r = evm_analyse(_tree(), date(2025, 1, 19))
    s = r.series
    assert s.dates[0] == date(2025, 1, 12)
    assert len(s.dates) == 5
    assert list(s.pv) == sorted(s.pv)
    assert s.pv[-1] == D(3100)
    assert len(s.ev) == len(s.ac) == 2
    assert s.ev[-1] == r.total.ev
    assert s.ac[-1] == r.total.ac
    assert s.eac[0] == (date(2025, 1, 19), r.total.ac)
    assert s.eac[-1][1] == r.total.eac_cpi


def test_summary_earned_schedule_uses_the_rolled_up_curve() -> None:
    """Design earned 1400 of its plan: that plan reached 1400 at the end of 19 January,
    two weeks after its start, so ES = 2 weeks and SPI(t) = 1."""
    r = evm_analyse(_tree(), date(2025, 1, 19))
    design = r.node("1").figures
    assert design.es == D(2)
    assert design.at == D(2)
    assert design.spi_t == D(1)


def test_summary_earned_schedule_counts_days_inside_the_week() -> None:
    """Two Monday-to-Friday tasks of 1,000 in consecutive weeks, 1,500 earned: the plan
    reached 1,500 halfway through the second task's third day, 9.5 days after the start. A
    summary over them says the same as a single task would (ES = 9.5 / 7 weeks), not the
    10.5 days that spreading each week's PV over all seven days would give; and a summary of
    one task has that task's ES and SPI(t)."""
    fri = date(2025, 1, 10)
    items = [
        EvmItem("S"),
        EvmItem("a", "S", D(1000), MON, fri, D(100)),
        EvmItem("b", "S", D(1000), date(2025, 1, 13), date(2025, 1, 17), D(50)),
        EvmItem("T"),
        EvmItem("c", "T", D(1000), MON, fri, D(30)),
    ]
    r = evm_analyse(items, date(2025, 1, 16))
    assert r.node("S").figures.es == (D("9.5") / 7).quantize(D("0.0001"))
    task, summary = r.node("c").figures, r.node("T").figures
    assert (summary.es, summary.at, summary.spi_t) == (task.es, task.at, task.spi_t)
    assert task.es == (D("1.5") / 7).quantize(D("0.0001"))


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([EvmItem("A"), EvmItem("A")], ValidationError),
        ([EvmItem("A", budget=D(-1))], ValidationError),
        ([EvmItem("A", percent_complete=D(101))], ValidationError),
        ([EvmItem("A", start=MON, finish=date(2025, 1, 1))], ValidationError),
        ([EvmItem("A", parent="nope")], UnknownReferenceError),
        ([EvmItem("A", parent="B"), EvmItem("B", parent="A")], ValidationError),
    ],
)
def test_bad_input_is_refused(items: list[EvmItem], error: type[Exception]) -> None:
    """Duplicate keys, negative money, bad percentages, reversed dates, unknown parents and
    loops are refused with a clear error."""
    with pytest.raises(error):
        evm_analyse(items, MON)
