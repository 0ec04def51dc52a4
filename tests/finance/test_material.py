"""Material use: units of a material resource on an item, costed at its cost per unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.factories import UserFactory

from keel.apps.finance import selectors, services
from keel.apps.finance.models import MaterialUse
from keel.apps.resources.models import CostRate, Resource
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db
MON = date(2025, 1, 6)


@pytest.fixture
def cable(fin: dict[str, Any]) -> Resource:
    """Cable at 12.50 a metre from 2025-01-01, 15.00 from 2025-02-01."""
    resource = Resource.objects.create(name="Cable", kind="material", capacity=Decimal(100))
    CostRate.objects.create(
        resource=resource, effective_from=date(2025, 1, 1), per_unit=Decimal("12.50")
    )
    CostRate.objects.create(
        resource=resource, effective_from=date(2025, 2, 1), per_unit=Decimal("15.00")
    )
    return resource


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_material_use_counts_in_actual_cost(fin: dict[str, Any], cable: Resource) -> None:
    """40 m of cable on 2025-01-07 costs 40 x 12.50 = 500 of material, on the item, dated;
    use after the status date does not count yet, and later use takes the later rate."""
    services.material_use_record(
        actor=fin["dev"], item=fin["a"], resource=cable, day=date(2025, 1, 7), quantity="40"
    )
    later = services.material_use_record(
        actor=fin["dev"], item=fin["a"], resource=cable, day=date(2025, 2, 3), quantity="2"
    )
    assert later.cost == Decimal("30.00")
    costs = selectors.actual_costs(fin["project"], date(2025, 1, 31))
    assert costs.by_category["material"] == Decimal("500.00")
    assert costs.by_item[fin["a"].pk] == [(date(2025, 1, 7), Decimal("500.00"))]
    rows = {r.category: r for r in selectors.budget_vs_actual(fin["project"], date(2025, 3, 1))}
    assert rows["material"].actual == Decimal("530.00")
    evm = selectors.evm_for_project(fin["project"], date(2025, 1, 31))
    assert evm.node(fin["a"].key).figures.ac == Decimal("500.00")


@pytest.mark.parametrize(
    ("quantity", "day", "kind", "message"),
    [
        ("0", MON, "material", "above zero"),
        ("-3", MON, "material", "above zero"),
        ("2", date(2024, 12, 1), "material", "no cost per unit"),
        ("2", MON, "equipment", "not a material"),
    ],
)
def test_bad_material_use_is_refused(
    fin: dict[str, Any], cable: Resource, quantity: str, day: date, kind: str, message: str
) -> None:
    """Zero or negative units, a day before any cost per unit, a resource that is not a
    material: refused, nothing saved."""
    if kind != "material":
        cable.kind = kind
        cable.save(update_fields=["kind"])
    with pytest.raises(ValidationError, match=message):
        services.material_use_record(
            actor=fin["dev"], item=fin["a"], resource=cable, day=day, quantity=quantity
        )
    assert not MaterialUse.objects.exists()


def test_material_use_over_the_api_and_the_page(fin: dict[str, Any], cable: Resource) -> None:
    """POST /material-use records it (201) and GET lists it; a bad one is a 400; the Cost
    tab form records it too; a viewer may not record."""
    from tests.api.conftest import ApiClient

    api = ApiClient(_client(fin["dev"]))
    body = {"item": fin["a"].key, "resource": cable.pk, "day": "2025-01-07", "quantity": "4"}
    r = api.post("projects/FIN/material-use", body)
    assert r.status_code == 201, r.content
    assert (r.json()["cost"], r.json()["resource_name"]) == ("50.00", "Cable")
    r = api.post("projects/FIN/material-use", {**body, "quantity": "-1"})
    assert r.status_code == 400 and "above zero" in r.json()["error"]["message"]
    r = api.post("projects/FIN/material-use", {**body, "resource": 999999})
    assert r.status_code == 400
    listed = ApiClient(_client(fin["money"])).get("projects/FIN/material-use").json()
    assert [row["cost"] for row in listed["items"]] == ["50.00"]
    page = _client(fin["money"])
    assert 'id="material-form"' in page.get("/p/FIN/cost/").content.decode()
    r = page.post(
        "/p/FIN/cost/material/",
        {"resource": cable.pk, "item": fin["b"].key, "day": "2025-01-08", "quantity": "2"},
    )
    assert r.status_code == 302
    bad = page.post(
        "/p/FIN/cost/material/",
        {"resource": cable.pk, "item": "", "day": "2025-01-08", "quantity": "2"},
    )
    assert bad.status_code == 400
    assert MaterialUse.objects.count() == 2
    viewer = ApiClient(_client(fin["viewer"]))
    assert viewer.post("projects/FIN/material-use", body).status_code == 403
    assert (
        ApiClient(_client(UserFactory())).post("projects/FIN/material-use", body).status_code == 404
    )


def test_a_material_leaving_the_pool_keeps_its_past_cost(
    fin: dict[str, Any], cable: Resource
) -> None:
    """Deleting the resource keeps the recorded use, its name and cost in actual cost."""
    services.material_use_record(
        actor=fin["dev"], item=fin["a"], resource=cable, day=date(2025, 1, 7), quantity="4"
    )
    cable.delete()
    use = MaterialUse.objects.get()
    assert (use.resource, use.resource_name, use.cost) == (None, "Cable", Decimal("50.00"))
    assert selectors.actual_costs(fin["project"]).by_category["material"] == Decimal("50.00")
