"""The resources API: bad input is a 400 naming the field, CSV utilisation, request flow."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from tests.factories import item_create

from keel.apps.resources import services
from keel.apps.resources.models import Assignment, CostRate
from keel.apps.work.scheduling import schedule_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(staff):
    return services.resource_create(actor=staff, name="Ana", kind="person", owner=staff)


def test_overlapping_rate_is_a_400_naming_the_field(api, staff, ana):
    """The second rate starting the same day is refused; only the first is stored."""
    client = api(staff)
    body = {"effective_from": "2026-01-01", "standard": "80"}
    assert client.post(f"resources/{ana.pk}/rates", body).status_code == 201
    response = client.post(f"resources/{ana.pk}/rates", body)
    assert response.status_code == 400
    assert "effective_from" in response.json()["error"]["details"]["fields"]
    assert CostRate.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({"units": "0"}, "units"), ({"units": "-1"}, "units"), ({"work_hours": "-4"}, "work_hours")],
)
def test_bad_assignment_is_a_400(api, planned, ana, body, field):
    """Units ≤ 0 and negative work are refused with the field named; nothing is saved."""
    item = item_create(planned, "Build", planned_start=date(2026, 3, 2))
    response = api(planned.manager).post(
        f"projects/ERP/items/{item.key}/assignments", {"resource": ana.pk, **body}
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["details"]["fields"]
    assert not Assignment.objects.exists()


def test_material_in_hours_is_a_400(api, staff, planned):
    """Material with work_hours is refused, with a quantity it is assigned."""
    cement = services.resource_create(actor=staff, name="Cement", kind="material", capacity=100)
    item = item_create(planned, "Pour", planned_start=date(2026, 3, 2))
    url = f"projects/ERP/items/{item.key}/assignments"
    client = api(planned.manager)
    response = client.post(url, {"resource": cement.pk, "work_hours": "8"})
    assert response.status_code == 400
    assert "work_hours" in response.json()["error"]["details"]["fields"]
    created = client.post(url, {"resource": cement.pk, "quantity": "12"})
    assert created.status_code == 201 and created.json()["work"] == "12.00"


def test_assignment_effort_driven_through_the_api(api, planned, ana):
    """Posting work and units sets the item's duration; patching units changes it again."""
    item = item_create(planned, "Build", duration_days=Decimal(1), planned_start=date(2026, 3, 2))
    client = api(planned.manager)
    url = f"projects/ERP/items/{item.key}/assignments"
    row = client.post(url, {"resource": ana.pk, "units": "1", "work_hours": "24"}).json()
    item.refresh_from_db()
    assert item.duration_days == Decimal("3.00")
    client.patch(f"{url}/{row['id']}", {"units": "0.5"})
    item.refresh_from_db()
    assert item.duration_days == Decimal("6.00")
    assert [a["resource_name"] for a in client.get(url).json()] == ["Ana"]


def test_request_approved_by_the_owner_only(api, staff, planned, ana, member_of):
    """The PM asks for Ana; the PM cannot approve; Ana's owner can, and the history shows it."""
    pm = api(planned.manager)
    body = {"resource": ana.pk, "start": "2026-03-02", "finish": "2026-03-31", "hours": "60"}
    created = pm.post("projects/ERP/resource-requests", body)
    assert created.status_code == 201
    rid = created.json()["id"]
    assert pm.post(f"resource-requests/{rid}/approve", {}).status_code == 403
    assert [r["id"] for r in api(staff).get("resource-requests").json()] == [rid]
    approved = api(staff).post(f"resource-requests/{rid}/approve", {"note": "Go"})
    assert approved.json()["status"] == "approved"
    assert [e["status"] for e in approved.json()["events"]] == ["requested", "approved"]
    assert api(member_of(planned)).post("projects/ERP/resource-requests", body).status_code == 403


def test_utilisation_csv_lists_over_allocated_weeks(api, planned, ana):
    """The CSV has one line per resource and week; the doubly-booked week says so."""
    keys = []
    for title in ("A", "B"):
        item = item_create(planned, title, duration_days=Decimal(5), planned_start=date(2026, 3, 2))
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
        keys.append(item.key)
    schedule_store(planned)
    response = api(planned.manager).get(
        "utilisation?from=2026-03-02&to=2026-03-15&period=week&format=csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["start"], r["percent"], r["over"]) for r in lines] == [
        ("2026-03-02", "200", "yes"),
        ("2026-03-09", "0", "no"),
    ]
    assert lines[0]["items"] == " ".join(keys)
    data = api(planned.manager).get("projects/ERP/utilisation?from=2026-03-02&to=2026-03-08")
    assert data.json()["rows"][0]["cells"][0]["over"] is True


def test_pool_reads_for_anyone_signed_in_and_writes_for_staff(api, user, ana, anon_client):
    """A signed-in stranger reads the pool but may not add to it or read rates."""
    client = api(user)
    assert [r["name"] for r in client.get("resources").json()["items"]] == ["Ana"]
    assert client.post("resources", {"name": "X"}).status_code == 403
    assert client.get(f"resources/{ana.pk}/rates").status_code == 403
    assert anon_client.get("resources").status_code == 401


@pytest.fixture
def anon_client():
    from tests.api.conftest import session_client

    return session_client()


@pytest.fixture
def clash(planned, ana):
    """Two 5-day items for Ana in the same week; Build (high priority) keeps its place."""
    build = item_create(
        planned, "Build", duration_days=Decimal(5), planned_start=date(2026, 3, 2), priority="high"
    )
    docs = item_create(planned, "Docs", duration_days=Decimal(5), planned_start=date(2026, 3, 2))
    for item in (build, docs):
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
    schedule_store(planned)
    return build, docs


def test_levelling_preview_then_apply_through_the_api(api, planned, clash):
    """Preview saves nothing; apply stores the delay and the item's dates move; clear undoes it."""
    from keel.apps.resources.models import LevellingDelay

    _build, docs = clash
    client = api(planned.manager)
    preview = client.post("projects/ERP/levelling/preview", {})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["applied"] is False and body["unresolved"] == []
    assert [(m["item"], m["delay_minutes"]) for m in body["moves"]] == [(docs.key, 2400)]
    assert body["finish_after"] > body["finish_before"]
    assert not LevellingDelay.objects.exists()
    applied = client.post("projects/ERP/levelling/apply", {}).json()
    assert applied["applied"] is True
    item = client.get(f"projects/ERP/items/{docs.key}").json()
    assert item["early_start"].startswith("2026-03-09")
    assert client.delete("projects/ERP/levelling").status_code == 200
    item = client.get(f"projects/ERP/items/{docs.key}").json()
    assert item["early_start"].startswith("2026-03-02")


def test_levelling_within_float_only_reports_what_is_left(api, planned, clash):
    body = (
        api(planned.manager)
        .post("projects/ERP/levelling/preview", {"level_within_float_only": True})
        .json()
    )
    assert body["moves"] == []
    assert len(body["unresolved"]) == 1 and "Ana" in body["unresolved"][0]


def test_levelling_permissions(api, planned, clash, member_of, user):
    """A plain member may not level (403); a stranger does not see the project (404); only a
    PMO administrator levels the portfolio."""
    from keel.apps.resources.models import LevellingDelay

    assert api(member_of(planned)).post("projects/ERP/levelling/apply", {}).status_code == 403
    assert api(user).post("projects/ERP/levelling/preview", {}).status_code == 404
    url = f"portfolios/{planned.portfolio_id}/levelling/apply"
    assert api(planned.manager).post(url, {}).status_code in (403, 404)
    assert not LevellingDelay.objects.exists()


def test_utilisation_json_per_day_and_per_team(api, staff, planned, ana):
    """Per day, the doubly-booked days are flagged with both items; the team filter keeps
    only that team's people."""
    from keel.apps.accounts.services import team_create

    team = team_create(actor=staff, name="Platform", slug="platform")
    services.resource_update(actor=staff, resource=ana, team=team)
    services.resource_create(actor=staff, name="Ben", kind="person")
    keys = []
    for title in ("A", "B"):
        item = item_create(planned, title, duration_days=Decimal(2), planned_start=date(2026, 3, 2))
        services.assignment_create(actor=planned.manager, item=item, resource=ana)
        keys.append(item.key)
    schedule_store(planned)
    client = api(planned.manager)
    every = client.get("utilisation?from=2026-03-02&to=2026-03-05&period=day").json()
    assert sorted(r["name"] for r in every["rows"]) == ["Ana", "Ben"]
    body = client.get("utilisation?from=2026-03-02&to=2026-03-05&period=day&team=platform").json()
    assert body["period"] == "day"
    [row] = body["rows"]
    assert row["name"] == "Ana" and row["team"] == "platform" and row["over"] is True
    cells = row["cells"]
    assert [c["start"] for c in cells] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert [(c["load"], c["capacity"], c["over"]) for c in cells] == [
        (16.0, 8.0, True),
        (16.0, 8.0, True),
        (0.0, 8.0, False),
        (0.0, 8.0, False),
    ]
    assert cells[0]["items"] == keys
    assert client.get("utilisation?from=2026-03-05&to=2026-03-02").status_code == 400


def test_resource_without_working_time_in_the_window_is_a_400(api, staff, planned):
    """A weekend-only machine on a Monday-Friday item: 400 naming the resource, nothing saved,
    the item's duration untouched."""
    rig = services.resource_create(actor=staff, name="Rig", kind="equipment", workdays="67")
    item = item_create(planned, "Drill", duration_days=Decimal(3), planned_start=date(2026, 3, 2))
    schedule_store(planned)
    response = api(planned.manager).post(
        f"projects/ERP/items/{item.key}/assignments",
        {"resource": rig.pk, "units": "1", "work_hours": "48"},
    )
    assert response.status_code == 400, response.content
    assert "resource" in response.json()["error"]["details"]["fields"]
    assert "no working time" in response.json()["error"]["message"]
    assert not Assignment.objects.exists()
    item.refresh_from_db()
    assert item.duration_days == Decimal(3)
