"""The OpenAPI document is a contract: any change to it shows up as a snapshot diff.

Regenerate after an intended change with::

    KEEL_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/api/test_openapi_snapshot.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"


def _normalised(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.django_db
def test_openapi_document_matches_snapshot(anon):
    """/api/v1/openapi.json is served without signing in and equals the stored snapshot."""
    response = anon.get("openapi.json")
    assert response.status_code == 200
    current = _normalised(response.json())
    if os.environ.get("KEEL_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    stored = SNAPSHOT.read_text(encoding="utf-8")
    if current != stored:
        diff = "".join(
            difflib.unified_diff(
                stored.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "snapshot",
                "current",
                n=2,
            )
        )
        pytest.fail(
            "The OpenAPI document changed. If intended, regenerate with "
            "KEEL_UPDATE_SNAPSHOTS=1 (see docs/api.md).\n" + diff[:6000]
        )


def test_snapshot_documents_the_error_format_and_auth():
    """The stored document names both authentication schemes, gives each operation a unique id
    and documents the error envelope as every operation's default response."""
    document = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    operation_ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids))
    error_ref = "#/components/schemas/Error"
    for ops in document["paths"].values():
        for op in ops.values():
            default = op["responses"]["default"]["content"]["application/json"]["schema"]
            assert default == {"$ref": error_ref}, op["operationId"]
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
