"""Earned value figures against worked examples from published sources, figure for figure.

Each test names its source; the inputs and expected results are the source's, rounded as the
source rounds them — except the one test that says it applies a source's formula to a curve of
its own (Lipke's interpolation), which checks the rule rather than published figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from keel.domain.evm import EvmItem, earned_schedule, evm_analyse, evm_figures


def test_schwalbe_it_project_management_chapter_7_exercise() -> None:
    """Kathy Schwalbe, *Information Technology Project Management*, ch. 7 (Project Cost
    Management), exercise: a six-month project, BAC $200,000, after three months PV $120,000,
    EV $100,000, AC $90,000. Expected: CV $10,000, SV -$20,000, CPI 1.11, SPI 0.83,
    EAC = BAC/CPI = $180,000, and "original time estimate / SPI" = 6 / 0.83 = 7.2 months."""
    f = evm_figures(bac=D(200000), pv=D(120000), ev=D(100000), ac=D(90000))
    assert f.cv == D(10000)
    assert f.sv == D(-20000)
    assert round(f.cpi, 2) == D("1.11")
    assert round(f.spi, 2) == D("0.83")
    assert f.eac_cpi == D(180000)
    assert round(D(6) / f.spi, 1) == D("7.2")
    # The two other PMBOK forecasts from the same inputs.
    assert f.eac_budget_rate == D(190000)  # 90,000 + (200,000 - 100,000)
    assert f.eac_cpi_spi == D(198000)  # 90,000 + 100,000 / (10/9 * 5/6)
    assert f.etc == D(90000)
    assert f.vac == D(20000)


def test_koirala_bread_project() -> None:
    """Shivprasad Koirala, "Earned Value" tutorial (the bread project: 400 loaves at $0.02,
    BAC $8): in hour 3 PV = $2.4, EV = $1.6, AC = $3. Expected: SV = -0.8, CV = -1.4,
    CPI = 0.53, TCPI = (8 - 1.6) / (8 - 3) = 1.28."""
    f = evm_figures(bac=D(8), pv=D("2.4"), ev=D("1.6"), ac=D(3))
    assert f.sv == D("-0.8")
    assert f.cv == D("-1.4")
    assert round(f.cpi, 2) == D("0.53")
    assert round(f.tcpi_bac, 2) == D("1.28")


def test_board_exam_estimate_at_completion() -> None:
    """CE board exam review, "Project control and earned value": a building project with
    BAC P5,000,000, EV P1,500,000, AC P1,800,000; EAC assuming the current cost efficiency
    continues = P6,000,000. Same source: with CPI = 3M / 3.5M = 0.857 on a P10M budget, the
    TCPI is 1.077."""
    f = evm_figures(bac=D(5000000), pv=D(1500000), ev=D(1500000), ac=D(1800000))
    assert f.eac_cpi == D(6000000)
    g = evm_figures(bac=D(10000000), pv=D(3000000), ev=D(3000000), ac=D(3500000))
    assert round(g.cpi, 3) == D("0.857")
    assert round(g.tcpi_bac, 3) == D("1.077")


def test_pm592_problem_5_1() -> None:
    """PM 592 week 5 assignment, problem 5-1 (a university course): at the end of day 6,
    PV = $101,000, AC = $88,880, EV = $86,860. Expected SV = -$14,140, CV = -$2,020,
    SPI = .86, CPI = .97 (the published CPI rounds 0.9773 down to two places)."""
    f = evm_figures(bac=D(101000), pv=D(101000), ev=D(86860), ac=D(88880))
    assert f.sv == D(-14140)
    assert f.cv == D(-2020)
    assert round(f.spi, 2) == D("0.86")
    assert f.cpi is not None and D("0.97") <= f.cpi < D("0.98")


def test_earned_schedule_fifty_two_week_program() -> None:
    """Earned schedule calculation example (calculator.city, "Earned Schedule Calculation
    Example"): a program with a straight-line baseline of 52 weeks and BAC $5.3 million has
    earned $2.7 million after 30 weeks. Expected: about twenty-six weeks of planned progress
    earned against thirty actual, a four-week deficit."""
    start = date(2025, 1, 6)
    item = EvmItem(
        "P",
        budget=D(5300000),
        start=start,
        finish=start + timedelta(days=52 * 7 - 1),
        percent_complete=D(2700000) * 100 / D(5300000),
        actual_cost=D(2700000),
    )
    result = evm_analyse([item], start + timedelta(days=30 * 7 - 1))
    f = result.total
    assert f.at == D(30)
    assert f.pd == D(52)
    assert round(f.es) == 26
    assert round(f.sv_t) == -4
    assert f.spi_t is not None and f.spi_t < 1
    # IEAC(t) = PD / SPI(t) = 52 * 30 / ES.
    assert abs(f.ieac_t - D(52) * 30 / f.es) < D("0.001")


def test_earned_schedule_lipke_formula_on_a_curve_of_our_own() -> None:
    """The interpolation rule of Walt Lipke, "Schedule is Different" (2003), applied to a PV
    curve made up for this test (the figures are not Lipke's): with
    seven months gone (AT = 7) and all PV through May earned but only part of June,
    ES = 5 + (EV - PV(May)) / (PV(June) - PV(May)), between 5 and 6 months, so SV(t) < -1
    month and SPI(t) = ES / 7."""
    # A monthly cumulative PV curve (any non-decreasing S-shape) with EV inside June's step.
    pv = [D(v) for v in (100, 250, 450, 700, 950, 1200, 1400, 1550, 1650, 1700)]
    ev = D(1000)
    es = earned_schedule(pv, ev)
    assert es == 5 + (ev - pv[4]) / (pv[5] - pv[4])
    assert 5 < es < 6
    f = evm_figures(bac=pv[-1], pv=pv[6], ev=ev, ac=D(1100), es=es, at=D(7), pd=D(10))
    assert f.sv_t is not None and f.sv_t < -1
    assert f.spi_t == round(es / 7, 4)


def test_earned_schedule_late_finish_dash_mpug() -> None:
    """Satya Narayan Dash, "Earned Schedule Management (ESM)" (MPUG; republished on
    managementyogi.com, 2021): ten software modules at $100,000 each (BAC $1M) planned over
    ten months; the project took twelve months and cost $1.3M. At the end the cost-based
    schedule figures say all is well, SV = $0 and SPI = 1.0, while earned schedule shows the
    slip: ES = 10 months, AT = 12, SV(t) = -2 months, SPI(t) = 0.83. Cost: CV = -$0.3M."""
    pv = [D(100000) * month for month in range(1, 11)]
    es = earned_schedule(pv, D(1000000))
    assert es == 10
    f = evm_figures(
        bac=D(1000000), pv=D(1000000), ev=D(1000000), ac=D(1300000), es=es, at=D(12), pd=D(10)
    )
    assert (f.sv, f.spi) == (D(0), D(1))
    assert f.cv == D(-300000)
    assert f.sv_t == D(-2)
    assert round(f.spi_t, 2) == D("0.83")
    # IEAC(t) = PD / SPI(t): the twelve months it took.
    assert round(f.ieac_t) == 12

    # The same project through the weekly roll-up: one module a week, all done in week 12.
    start = date(2025, 1, 6)
    modules = [EvmItem("P")] + [
        EvmItem(
            f"M{k}",
            parent="P",
            budget=D(100000),
            start=start + timedelta(weeks=k),
            finish=start + timedelta(weeks=k, days=6),
            percent_complete=D(100),
            actual_cost=D(130000),
        )
        for k in range(10)
    ]
    total = evm_analyse(modules, start + timedelta(weeks=12, days=-1)).node("P").figures
    assert (total.es, total.at, total.sv_t) == (D(10), D(12), D(-2))
    assert round(total.spi_t, 2) == D("0.83") and total.spi == D(1)
