"""Earned value for the portfolio: by program and project, in total, on a page and in the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.factories import MembershipFactory, ProgramFactory, ProjectFactory, item_create

from keel.apps.finance import selectors, services
from keel.apps.projects.models import Project, Role
from keel.apps.work.services import baseline_capture

pytestmark = pytest.mark.django_db
STATUS = "2025-01-10"


def _second_project(fin: dict[str, Any], currency: str = "CNY") -> Project:
    """OPS in FIN's portfolio, outside any program: one 5-day task of 10 h at 200/h."""
    ops = ProjectFactory(
        key="OPS",
        name="Operations",
        portfolio=fin["project"].portfolio,
        start_date=date(2025, 1, 6),
    )
    MembershipFactory(project=ops, user=fin["money"], role=Role.FINANCE_MANAGER)
    MembershipFactory(project=ops, user=fin["dev"], role=Role.MEMBER)
    item_create(
        ops, "Run", duration_days=Decimal(5), estimate_hours=Decimal(10), assignee=fin["dev"]
    )
    services.budget_set_up(actor=fin["money"], project=ops, currency=currency)
    services.member_rate_set(
        actor=fin["money"], project=ops, user=fin["dev"], rate="200", valid_from=date(2024, 1, 1)
    )
    services.budget_change(
        actor=fin["money"], project=ops, category="vendor", amount="3000", reason="Contract"
    )
    baseline_capture(actor=ops.manager, project=ops, name="Plan")
    return ops


@pytest.fixture
def two(fin: dict[str, Any]) -> dict[str, Any]:
    """FIN in program "Core" with an 8,000 labour line, OPS outside programs, both baselined."""
    program = ProgramFactory(portfolio=fin["project"].portfolio, name="Core")
    fin["project"].program = program
    fin["project"].save(update_fields=["program"])
    services.budget_change(
        actor=fin["money"], project=fin["project"], category="labour", amount="8000", reason="Plan"
    )
    baseline_capture(actor=fin["pm"], project=fin["project"], name="Plan")
    fin["ops"] = _second_project(fin)
    fin["program"] = program
    return fin


def _approve_a_day(fin: dict[str, Any]) -> None:
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=date(2025, 1, 6), hours="8")
    sheet = services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    services.timesheet_approve(actor=fin["pm"], timesheet=sheet)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portfolio_rolls_up_programs_and_projects(two: dict[str, Any]) -> None:
    """The program holds FIN's figures, the total adds OPS, and budget by category sums both
    projects' lines (labour 8,000 + vendor 3,000 = 11,000)."""
    projects = selectors.budget_projects(two["money"])
    data = selectors.portfolio_evm(projects, date(2025, 1, 10))
    lines = {line.key: line for line in data.lines}
    program = lines[f"G:{two['program'].pk}"]
    assert [line.key for line in data.lines] == [program.key, "FIN", "OPS"]
    assert program.figures is not None and program.figures.bac == lines["FIN"].figures.bac
    assert data.total is not None
    assert data.total.bac == lines["FIN"].figures.bac + lines["OPS"].figures.bac
    assert data.currency == "CNY"
    assert data.by_category is not None
    by_category = {r.category: r for r in data.by_category}
    assert by_category["labour"].budget == Decimal(8000)
    assert by_category["vendor"].budget == Decimal(3000)
    assert by_category[""].budget == Decimal(11000)


def test_portfolio_page_moves_when_a_timesheet_is_approved(two: dict[str, Any]) -> None:
    """The finance manager reaches the page from the portfolio panel; approving 8 h at 100/h
    raises the portfolio's actual cost and labour actual by 800."""
    client = _client(two["money"])
    assert 'href="/portfolio/evm/' in client.get("/portfolio/").content.decode()
    before = client.get(f"/portfolio/evm/?status_date={STATUS}")
    assert before.status_code == 200
    html = before.content.decode()
    for text in ("evm-portfolio-page", "Core", "FIN", "OPS", "<svg", "portfolio-by-category"):
        assert text in html
    ac_before = selectors.portfolio_evm(
        selectors.budget_projects(two["money"]), date(2025, 1, 10)
    ).total
    _approve_a_day(two)
    after = client.get(f"/portfolio/evm/?status_date={STATUS}")
    data = after.context["data"]
    assert ac_before is not None and data.total is not None
    assert data.total.ac - ac_before.ac == Decimal(800)
    assert data.total.cpi is not None
    labour = next(r for r in data.by_category if r.category == "labour")
    assert labour.actual == Decimal(800)
    assert "800" in after.content.decode()


def test_portfolio_page_access(two: dict[str, Any]) -> None:
    """A viewer (no budget.view) sees no project's money; another portfolio's id is a 404;
    the page narrows to one portfolio with ``?portfolio=``."""
    from tests.factories import PortfolioFactory, UserFactory

    viewer = _client(two["viewer"]).get("/portfolio/evm/")
    assert viewer.status_code == 200 and viewer.context["data"] is None
    other = PortfolioFactory()
    assert _client(two["money"]).get(f"/portfolio/evm/?portfolio={other.pk}").status_code == 404
    assert (
        _client(UserFactory())
        .get(f"/portfolio/evm/?portfolio={two['project'].portfolio_id}")
        .status_code
        == 404
    )
    page = _client(two["money"]).get(f"/portfolio/evm/?portfolio={two['project'].portfolio_id}")
    assert [line.key for line in page.context["data"].lines][1:] == ["FIN", "OPS"]


def test_portfolio_api_gives_programs_categories_and_curve(two: dict[str, Any]) -> None:
    """GET /portfolios/{id}/evm: programs, projects with their program, by category, S-curve."""
    from tests.api.conftest import ApiClient

    api = ApiClient(_client(two["money"]))
    _approve_a_day(two)
    body = api.get(f"portfolios/{two['project'].portfolio_id}/evm?status_date={STATUS}").json()
    assert [p["name"] for p in body["programs"]] == ["Core"]
    assert [(p["key"], p["program"]) for p in body["projects"]] == [
        ("FIN", "Core"),
        ("OPS", None),
    ]
    assert body["programs"][0]["figures"]["bac"] == body["projects"][0]["figures"]["bac"]
    labour = next(r for r in body["by_category"] if r["category"] == "labour")
    assert (labour["budget"], labour["actual"]) == ("8000.00", "800.00")
    assert body["total"]["ac"] == "800.00"
    assert body["series"] and body["series"][-1]["pv"] == body["total"]["bac"]


def test_mixed_currencies_give_no_totals(fin: dict[str, Any]) -> None:
    """With FIN in CNY and OPS in EUR nothing is added across currencies: no total, no
    categories, no S-curve, but each project keeps its own figures."""
    from tests.api.conftest import ApiClient

    _second_project(fin, currency="EUR")
    api = ApiClient(_client(fin["money"]))
    body = api.get(f"portfolios/{fin['project'].portfolio_id}/evm?status_date={STATUS}").json()
    assert body["currency"] is None and body["total"] is None
    assert body["by_category"] is None and body["series"] == []
    assert {p["key"]: p["currency"] for p in body["projects"]} == {"FIN": "CNY", "OPS": "EUR"}
    page = _client(fin["money"]).get(f"/portfolio/evm/?status_date={STATUS}").content.decode()
    assert "different currencies" in page


def test_one_program_has_its_own_figures_and_curve(two: dict[str, Any]) -> None:
    """``?program=`` narrows page and API to the program's projects: its S-curve ends at its
    own BAC (FIN's), not the portfolio's; a program of another portfolio is a 404."""
    from tests.api.conftest import ApiClient

    pid, prog = two["project"].portfolio_id, two["program"].pk
    api = ApiClient(_client(two["money"]))
    body = api.get(f"portfolios/{pid}/evm?status_date={STATUS}&program={prog}").json()
    assert [p["key"] for p in body["projects"]] == ["FIN"]
    assert body["total"]["bac"] == body["programs"][0]["figures"]["bac"]
    assert body["series"][-1]["pv"] == body["total"]["bac"]
    whole = api.get(f"portfolios/{pid}/evm?status_date={STATUS}").json()
    assert Decimal(whole["total"]["bac"]) > Decimal(body["total"]["bac"])
    other = ProgramFactory()
    assert api.get(f"portfolios/{pid}/evm?program={other.pk}").status_code == 404
    page = _client(two["money"]).get(f"/portfolio/evm/?program={prog}&status_date={STATUS}")
    assert [line.key for line in page.context["data"].lines] == [f"G:{prog}", "FIN"]
    assert _client(two["money"]).get(f"/portfolio/evm/?program={other.pk}").status_code == 404


def test_a_wbs_element_has_its_own_figures_and_curve(two: dict[str, Any]) -> None:
    """``?node=`` gives one WBS element's figures and weekly series: the phase's BAC is the
    sum of its two tasks', and one task's S-curve ends at that task's BAC; an unknown key is a
    400 in the API and a 404 on the Cost tab, which links summary rows to their own curve."""
    from tests.api.conftest import ApiClient

    api = ApiClient(_client(two["money"]))
    phase, task = two["phase"].key, two["a"].key
    whole = api.get(f"projects/FIN/evm?status_date={STATUS}").json()
    by_key = {n["key"]: n["figures"] for n in whole["nodes"]}
    body = api.get(f"projects/FIN/evm?status_date={STATUS}&node={phase}").json()
    assert body["nodes"][0]["key"] == phase and body["nodes"][0]["parent"] is None
    assert body["total"]["bac"] == by_key[phase]["bac"]
    assert body["total"]["ev"] == by_key[phase]["ev"]
    one = api.get(f"projects/FIN/evm?status_date={STATUS}&node={task}").json()
    assert one["series"][-1]["pv"] == by_key[task]["bac"] != by_key[phase]["bac"]
    bad = api.get("projects/FIN/evm?node=FIN-999")
    assert bad.status_code == 400 and "FIN-999" in bad.json()["error"]["message"]
    client = _client(two["money"])
    html = client.get(f"/p/FIN/cost/?status_date={STATUS}").content.decode()
    assert f"node={phase}" in html
    focused = client.get(f"/p/FIN/cost/?status_date={STATUS}&node={phase}")
    assert focused.status_code == 200 and focused.context["f"].bac == Decimal(by_key[phase]["bac"])
    assert client.get("/p/FIN/cost/?node=FIN-999").status_code == 404
