"""Serving a stored receipt: an attachment with a fixed content type, never inline HTML."""

from __future__ import annotations

from django.http import FileResponse, Http404

from keel.apps.finance.models import Expense

__all__ = ["receipt_response"]

_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


def receipt_response(expense: Expense) -> FileResponse:
    """The receipt file of ``expense`` as a download named after the expense.

    The stored name was generated on upload (see services._receipt), so only its extension
    is used; the browser is told not to guess another type.
    """
    name = expense.receipt.name or ""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _TYPES:
        raise Http404("No such receipt.")
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404("The receipt file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"receipt-{expense.project.key}-{expense.pk}{ext}",
        content_type=_TYPES[ext],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
