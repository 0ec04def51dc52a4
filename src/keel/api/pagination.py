"""Page-number pagination shared by every list endpoint.

``?page=2&page_size=50`` (page_size at most 200). The response carries ``count`` (all matching
rows), ``page``, ``page_size`` and absolute ``next``/``previous`` links (null at either end).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

__all__ = ["MAX_PAGE_SIZE", "Page", "PageParams", "paginate"]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

T = TypeVar("T")


class PageParams(Schema):
    """Which page of a list to return."""

    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page (at most 200)."
    )


class Page(Schema, Generic[T]):
    """One page of a list."""

    items: list[T]
    count: int = Field(description="Number of rows across all pages.")
    page: int
    page_size: int
    next: str | None = Field(description="URL of the next page, or null on the last.")
    previous: str | None = Field(description="URL of the previous page, or null on the first.")


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    params: PageParams,
    render: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Cut one page out of ``rows`` and describe it.

    Parameters
    ----------
    request : HttpRequest
        The request, for building the next/previous links.
    rows : QuerySet or sequence
        All matching rows, already ordered.
    params : PageParams
        The page and page size asked for.
    render : callable, optional
        Applied to each row of the page (e.g. to turn a row into an output schema).

    Returns
    -------
    dict
        ``items``, ``count``, ``page``, ``page_size``, ``next``, ``previous``.
    """
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (params.page - 1) * params.page_size
    chunk = list(rows[start : start + params.page_size])
    items = [render(row) for row in chunk] if render else chunk
    has_next = start + params.page_size < count
    return {
        "items": items,
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "next": _page_url(request, params.page + 1) if has_next else None,
        "previous": _page_url(request, params.page - 1) if params.page > 1 else None,
    }
