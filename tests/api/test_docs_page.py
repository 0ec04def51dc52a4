"""The interactive API documentation works without internet access."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_docs_page_loads_its_scripts_from_keel_itself(client, user):
    """/api/v1/docs pulls Swagger UI from Keel's own static files, never from a CDN."""
    client.force_login(user)
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
