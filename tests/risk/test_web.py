"""Risk pages: register, heat map, RAID log, change requests, simulation, panels."""

from __future__ import annotations

import pytest
from django.test import Client

from keel.apps.risk import services
from keel.apps.risk.models import ChangeRequest, Risk

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_register_page_shows_risks_heat_map_and_overdue_reviews(project):
    services.risk_create(
        actor=project.manager, project=project, title="Power outage", probability=4, impact=5,
        next_review="2020-01-01",
    )  # fmt: skip
    page = _client(project.manager).get("/p/ERP/risks/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Power outage" in html
    assert 'class="cell rating-critical"' in html
    assert "No review is overdue." not in html
    assert 'href="/p/ERP/risks/"' in html  # the Risks tab


def test_heat_map_cell_filters_the_register_over_htmx(project):
    pm = project.manager
    services.risk_create(actor=pm, project=project, title="Alpha", probability=4, impact=5)
    services.risk_create(actor=pm, project=project, title="Beta", probability=1, impact=1)
    response = _client(pm).get(
        "/p/ERP/risks/?probability=4&impact=5",
        headers={"HX-Request": "true", "HX-Target": "risk-register"},
    )
    html = response.content.decode()
    assert "Alpha" in html
    assert "Beta" not in html
    assert "<html" not in html


def test_create_risk_from_the_form_and_bad_input_shows_the_message(project):
    client = _client(project.manager)
    response = client.post(
        "/p/ERP/risks/new/",
        {"title": "Vendor late", "probability": "3", "impact": "4", "kind": "threat",
         "category": "vendor", "strategy": "mitigate", "days_min": "", "owner": ""},
    )  # fmt: skip
    assert response.status_code == 302
    risk = Risk.objects.get(project=project)
    assert (risk.category, risk.strategy, risk.rating) == ("vendor", "mitigate", "high")
    bad = client.post(
        "/p/ERP/risks/new/",
        {"title": "Odd", "probability": "3", "impact": "4", "kind": "threat",
         "strategy": "exploit"},
        follow=True,
    )  # fmt: skip
    assert "no response to a threat" in bad.content.decode()
    assert Risk.objects.count() == 1


def test_response_action_and_review_from_the_risk_page(project):
    risk = services.risk_create(
        actor=project.manager, project=project, title="X", probability=2, impact=2
    )
    client = _client(project.manager)
    client.post(f"/p/ERP/risks/{risk.key}/", {"op": "action", "title": "Hire backup vendor"})
    client.post(f"/p/ERP/risks/{risk.key}/", {"op": "review", "notes": "Checked"})
    page = client.get(f"/p/ERP/risks/{risk.key}/").content.decode()
    assert "Hire backup vendor" in page
    assert "Checked" in page


def test_viewer_has_no_risks_tab_but_sees_changes(project, member_of):
    viewer = member_of(project, "viewer")
    client = _client(viewer)
    assert client.get("/p/ERP/risks/").status_code == 403
    page = client.get("/p/ERP/changes/")
    assert page.status_code == 200
    assert 'href="/p/ERP/risks/"' not in page.content.decode()


def test_outsider_gets_404(project, user):
    client = _client(user)
    for path in ("/p/ERP/risks/", "/p/ERP/raid/", "/p/ERP/changes/", "/p/ERP/risks/simulation/"):
        assert client.get(path).status_code == 404, path


def test_change_request_workflow_in_the_page(project, member_of):
    customer = member_of(project, "customer_representative")
    _client(customer).post(
        "/p/ERP/changes/", {"op": "create", "title": "More reports", "reason": "Audit"}
    )
    _client(customer).post("/p/ERP/changes/", {"op": "submit", "change": "CR-1"})
    refused = _client(project.manager).post(
        "/p/ERP/changes/", {"op": "approve", "change": "CR-1", "comment": ""}, follow=True
    )
    assert "needs a comment" in refused.content.decode()
    _client(project.manager).post(
        "/p/ERP/changes/", {"op": "approve", "change": "CR-1", "comment": "Agreed"}
    )
    assert ChangeRequest.objects.get().status == "approved"


def test_raid_page_logs_an_issue(project):
    client = _client(project.manager)
    client.post("/p/ERP/raid/", {"kind": "issue", "title": "Licences missing", "priority": "high"})
    page = client.get("/p/ERP/raid/").content.decode()
    assert "Licences missing" in page


def test_overview_panel_lists_top_risks(project, member_of):
    services.risk_create(
        actor=project.manager, project=project, title="Top one", probability=5, impact=5
    )
    assert "Top one" in _client(project.manager).get("/p/ERP/").content.decode()
    viewer = member_of(project, "viewer")
    assert "Top one" not in _client(viewer).get("/p/ERP/").content.decode()
