"""The EVM table body, rendered in Python: a 2,000-row table through the template engine
costs more than the whole earned value computation."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from keel.domain.evm import EvmNode

__all__ = ["evm_rows_html"]


def _amount(value: Decimal | None) -> str:
    return "—" if value is None else f"{round(value):,}"


def _index(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def evm_rows_html(nodes: Iterable[EvmNode], link: str | None = None) -> SafeString:
    """One ``<tr>`` per node: key and title (escaped), BAC..CV, SPI, CPI, EAC, SPI(t).

    With ``link``, each summary row's key links to ``link + key`` (its own S-curve)."""
    parts = []
    for n in nodes:
        f = n.figures
        cells = (
            _amount(f.bac), _amount(f.pv), _amount(f.ev), _amount(f.ac), _amount(f.sv),
            _amount(f.cv), _index(f.spi), _index(f.cpi), _amount(f.eac_cpi), _index(f.spi_t),
        )  # fmt: skip
        css = f"depth-{n.depth}" + ("" if n.is_leaf else " summary")
        numbers = "".join(f'<td class="num">{c}</td>' for c in cells)
        key = f"<code>{escape(n.key)}</code>"
        if link is not None and not n.is_leaf and n.depth > 0:
            key = f'<a href="{escape(link + n.key)}">{key}</a>'
        parts.append(
            f'<tr class="{css}"><td style="padding-left: {n.depth}rem">'
            f"{key} {escape(n.title)}</td>{numbers}</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308  # every text above is escaped
