"""The S-curve as server-rendered SVG geometry: PV, EV, AC and the EAC forecast over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from keel.domain.evm import EvmSeries

__all__ = ["SCurve", "s_curve"]

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 720, 300, 70, 16, 12, 36


@dataclass(frozen=True)
class SCurve:
    width: int
    height: int
    pv: str
    ev: str
    ac: str
    eac: str
    status_x: float | None
    y_ticks: tuple[tuple[float, Decimal], ...]
    x_ticks: tuple[tuple[float, date], ...]
    empty: bool


def s_curve(series: EvmSeries, status_date: date) -> SCurve:
    """Polyline points (``"x,y x,y"``) for each line, with axis ticks."""
    dates = list(series.dates)
    if not dates or not series.pv or series.pv[-1] == 0:
        return SCurve(WIDTH, HEIGHT, "", "", "", "", None, (), (), True)
    first = dates[0].toordinal() - 6
    last = max(
        [dates[-1].toordinal(), status_date.toordinal(), *(d.toordinal() for d, _ in series.eac)]
    )
    top = max([*series.pv, *series.ac, *(v for _, v in series.eac), Decimal(1)])
    span_x = max(last - first, 1)
    inner_w, inner_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B

    def x(day: date) -> float:
        return round(PAD_L + inner_w * (day.toordinal() - first) / span_x, 1)

    def y(value: Decimal) -> float:
        return round(PAD_T + inner_h * (1 - float(value / top)), 1)

    def line(values: tuple[Decimal, ...]) -> str:
        start = f"{x(dates[0].fromordinal(first))},{y(Decimal(0))}"
        return " ".join([start, *(f"{x(d)},{y(v)}" for d, v in zip(dates, values, strict=False))])

    eac = " ".join(f"{x(d)},{y(v)}" for d, v in series.eac)
    y_ticks = tuple((y(top * k / 4), (top * k / 4).quantize(Decimal(1))) for k in range(5))
    step = max(len(dates) // 6, 1)
    x_ticks = tuple((x(d), d) for d in dates[::step])
    status_x = x(status_date) if first <= status_date.toordinal() <= last else None
    return SCurve(
        WIDTH,
        HEIGHT,
        line(series.pv),
        line(series.ev),
        line(series.ac),
        eac,
        status_x,
        y_ticks,
        x_ticks,
        False,
    )
