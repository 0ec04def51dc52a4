"""The risk API: register, heat map, RAID log and change control through /api/v1."""

from __future__ import annotations

import pytest
from tests.factories import item_create

pytestmark = pytest.mark.django_db

V1 = "/api/v1/projects/ERP"


def test_register_round_trip_and_heat_map(project, api):
    client = api(project.manager)
    task = item_create(project, "Cut-over")
    created = client.post(
        f"{V1}/risks",
        {
            "title": "Data centre power",
            "probability": 4,
            "impact": 5,
            "category": "technical",
            "cause": "Single feed",
            "threatened_items": [task.key],
            "strategy": "mitigate",
            "residual_probability": 2,
            "residual_impact": 3,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["key"], body["score"], body["rating"]) == ("R-1", 20, "critical")
    assert body["threatened_items"] == [task.key]
    action = client.post(f"{V1}/risks/R-1/actions", {"title": "Install second feed"})
    assert action.status_code == 201
    assert len(action.json()["response_actions"]) == 1
    heat = client.get(f"{V1}/risk-heatmap").json()
    cells = {(c["probability"], r["impact"]): c for r in heat["rows"] for c in r["cells"]}
    assert (cells[(4, 5)]["before"], cells[(4, 5)]["after"], cells[(2, 3)]["after"]) == (1, 0, 1)
    listed = client.get(f"{V1}/risks?probability=4&impact=5").json()
    assert [r["key"] for r in listed["items"]] == ["R-1"]
    stale = client.patch(f"{V1}/risks/R-1", {"impact": 1, "version": 99})
    assert stale.status_code == 409


def test_bad_matrix_and_strategy_are_400_in_the_error_format(project, api):
    client = api(project.manager)
    response = client.put(f"{V1}/risk-matrix", {"cells": {"1,1": "low"}})
    assert response.status_code == 400
    assert "no rating for 24 cell(s)" in response.json()["error"]["message"]
    wrong = client.post(
        f"{V1}/risks",
        {"title": "Upside", "probability": 2, "impact": 2, "kind": "opportunity",
         "strategy": "avoid"},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert "opportunity" in wrong.json()["error"]["message"]
    assert client.get(f"{V1}/risks").json()["count"] == 0


def test_change_request_flow_over_the_api(project, member_of, api):
    customer = member_of(project, "customer_representative")
    raised = api(customer).post(
        f"{V1}/changes", {"title": "Extra report", "reason": "Audit", "cost": "2500.00"}
    )
    assert raised.status_code == 201
    assert api(customer).post(f"{V1}/changes/CR-1/submit").json()["status"] == "submitted"
    refused = api(customer).post(f"{V1}/changes/CR-1/approve", {"comment": "me"})
    assert refused.status_code == 403
    manager = api(project.manager)
    approved = manager.post(f"{V1}/changes/CR-1/approve", {"comment": "CCB agreed"})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == (
        "approved",
        project.manager.username,
    )


def test_raid_issue_from_an_occurred_risk(project, api):
    client = api(project.manager)
    client.post(f"{V1}/risks", {"title": "Vendor insolvent", "probability": 2, "impact": 5})
    issue = client.post(f"{V1}/risks/R-1/occurred", {"escalation": "program"})
    assert issue.status_code == 201
    assert (issue.json()["key"], issue.json()["risk"], issue.json()["escalation"]) == (
        "I-1",
        "R-1",
        "program",
    )
    assert client.get(f"{V1}/risks/R-1").json()["status"] == "occurred"
    assert client.get(f"{V1}/raid/issues").json()["count"] == 1


def test_viewer_cannot_read_the_register_but_outsiders_get_404(project, member_of, user, api):
    viewer = member_of(project, "viewer")
    assert api(viewer).get(f"{V1}/risks").status_code == 403
    assert api(user).get(f"{V1}/risks").status_code == 404
    assert api(viewer).get(f"{V1}/changes").status_code == 200
