"""Risk register, scales and matrix, RAID log, change control and estimates on the database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.factories import item_create

from keel.apps.risk import selectors, services
from keel.apps.risk.models import (
    ChangeRequest,
    ProjectIssue,
    Risk,
    RiskChange,
    RiskMatrix,
    RiskScale,
    TaskEstimate,
)
from keel.apps.work.models import Baseline, WorkItem
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


def _risk(project, **fields):
    fields.setdefault("probability", 3)
    fields.setdefault("impact", 4)
    return services.risk_create(
        actor=project.manager, project=project, title="Vendor late", **fields
    )


def test_risk_numbered_scored_and_rated_from_the_default_matrix(project):
    """Risks are R-1, R-2 …; 3×4 scores 12 (high on the default 5×5 matrix), 5×5 critical."""
    first = _risk(project)
    second = _risk(project, probability=5, impact=5)
    low = _risk(project, probability=1, impact=2)
    assert [first.key, second.key, low.key] == ["R-1", "R-2", "R-3"]
    assert (first.score, first.rating) == (12, "high")
    assert (second.score, second.rating) == (25, "critical")
    assert low.rating == "low"
    assert [r.key for r in selectors.risk_list(project, sort="score")] == ["R-2", "R-1", "R-3"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"probability": 6}, "level from 1 to 5"),
        ({"impact": 0}, "level from 1 to 5"),
        ({"cost_min": "500", "cost_likely": "100", "cost_max": "900"}, "minimum ≤ most likely"),
        ({"days_min": "1", "days_likely": "5", "days_max": "3"}, "minimum ≤ most likely"),
        ({"days_min": "1"}, "all three points"),
        ({"strategy": "exploit"}, "no response to a threat"),
        ({"kind": "opportunity", "strategy": "mitigate"}, "no response to an opportunity"),
        ({"category": "weather"}, "category cannot be"),
        ({"proximity": "soon"}, "must be a date"),
    ],
)
def test_bad_risk_input_is_refused_and_nothing_saved(project, fields, message):
    with pytest.raises(ValidationError, match=message):
        _risk(project, **fields)
    assert not Risk.objects.filter(project=project).exists()
    assert not RiskChange.objects.exists()


def test_only_risk_editors_write_and_outsiders_get_404(project, member_of, user):
    member = member_of(project, "member")
    risk_manager = member_of(project, "risk_manager")
    with pytest.raises(PermissionDenied):
        services.risk_create(actor=member, project=project, title="X", probability=1, impact=1)
    with pytest.raises(Http404):
        services.risk_create(actor=user, project=project, title="X", probability=1, impact=1)
    risk = services.risk_create(
        actor=risk_manager, project=project, title="X", probability=1, impact=1
    )
    assert risk.owner == risk_manager


def test_update_rescores_audits_and_checks_version(project):
    risk = _risk(project)
    updated = services.risk_update(actor=project.manager, risk=risk, version=1, probability=5)
    assert (updated.score, updated.rating, updated.version) == (20, "critical", 2)
    assert RiskChange.objects.filter(risk=risk, field="probability", old="3", new="5").exists()
    from keel.domain.errors import ConflictError

    with pytest.raises(ConflictError):
        services.risk_update(actor=project.manager, risk=risk, version=1, impact=1)


def test_threatened_items_and_response_actions_are_real_work_items(project):
    task = item_create(project, "Cut-over")
    risk = _risk(project, threatened_items=[task.key])
    action = services.risk_response_action_create(
        actor=project.manager, risk=risk, title="Sign second vendor"
    )
    assert WorkItem.objects.filter(pk=action.pk, project=project).exists()
    assert list(risk.response_actions.all()) == [action]
    assert list(risk.threatened_items.all()) == [task]
    with pytest.raises(ValidationError, match="has no work item"):
        services.risk_update(actor=project.manager, risk=risk, threatened_items=["ERP-999"])


def test_scale_and_matrix_edits(project):
    risk = _risk(project, probability=2, impact=2)
    cells = {f"{p},{i}": "medium" for p in range(1, 6) for i in range(1, 6)}
    del cells["5,5"]
    with pytest.raises(ValidationError, match="no rating for 1 cell"):
        services.risk_matrix_update(actor=project.manager, project=project, cells=cells)
    assert not RiskMatrix.objects.exists()
    cells["5,5"] = "critical"
    services.risk_matrix_update(actor=project.manager, project=project, cells=cells)
    risk.refresh_from_db()
    assert risk.rating == "medium"

    scale = selectors.scale_of(project)
    levels = list(scale.probability_levels)
    bad = [dict(level) for level in levels]
    bad[4]["value"] = "1.5"
    with pytest.raises(ValidationError, match="between 0 and 1"):
        services.risk_scale_update(
            actor=project.manager,
            project=project,
            probability_levels=bad,
            impact_levels=scale.impact_levels,
        )
    three = [
        {"label": n, "meaning": n, "value": v} for n, v in [("L", 0.1), ("M", 0.5), ("H", 0.9)]
    ]
    services.risk_scale_update(
        actor=project.manager,
        project=project,
        probability_levels=three,
        impact_levels=three,
    )
    stored = RiskScale.objects.get(project=project)
    assert [level["label"] for level in stored.probability_levels] == ["L", "M", "H"]
    assert len(RiskMatrix.objects.get(project=project).cells) == 9
    _risk(project, probability=1, impact=1)
    with pytest.raises(ValidationError, match="level from 1 to 3"):
        _risk(project, probability=4, impact=1)


def test_scale_shrink_refused_while_risks_use_a_level(project):
    _risk(project, probability=5, impact=5)
    three = [{"label": n, "value": v} for n, v in [("L", 0.1), ("M", 0.5), ("H", 0.9)]]
    with pytest.raises(ValidationError, match="no longer has"):
        services.risk_scale_update(
            actor=project.manager, project=project, probability_levels=three, impact_levels=three
        )
    assert not RiskScale.objects.exists()


def test_heat_map_counts_before_and_after_response(project):
    _risk(project, probability=4, impact=4, residual_probability=2, residual_impact=3)
    _risk(project, probability=4, impact=4)
    _risk(project, probability=1, impact=1, status="closed")
    data = selectors.heat_map(project)
    cell = {(c["probability"], r["impact"]): c for r in data["rows"] for c in r["cells"]}
    assert cell[(4, 4)]["before"] == 2
    assert cell[(4, 4)]["after"] == 1
    assert cell[(2, 3)]["after"] == 1
    assert cell[(1, 1)]["before"] == 0
    residual = selectors.risk_list(project, probability=2, impact=3, residual=True)
    assert [r.key for r in residual] == ["R-1"]


def test_burn_down_falls_when_risks_close(project):
    a = _risk(project, probability=4, impact=5)
    _risk(project, probability=2, impact=2)
    today = date.today()
    assert selectors.burn_down(project, as_of=today)[-1] == (today, 24)
    services.risk_update(actor=project.manager, risk=a, status="closed")
    assert selectors.burn_down(project, as_of=today)[-1] == (today, 4)
    RiskChange.objects.filter(project=project).update(at=RiskChange.objects.first().at)


def test_reviews_and_overdue_list(project):
    risk = _risk(project, next_review=date.today() - timedelta(days=3))
    assert list(selectors.reviews_overdue(owner=project.manager)) == [risk]
    with pytest.raises(ValidationError, match="after this one"):
        services.risk_review_create(
            actor=project.manager, risk=risk, notes="x", next_review=date.today()
        )
    services.risk_review_create(
        actor=project.manager,
        risk=risk,
        notes="Vendor confirmed",
        next_review=date.today() + timedelta(days=14),
    )
    assert list(selectors.reviews_overdue(owner=project.manager)) == []
    assert risk.reviews.get().notes == "Vendor confirmed"


def test_occurred_risk_becomes_an_issue(project):
    task = item_create(project, "Cut-over")
    risk = _risk(project, threatened_items=[task.key], effect="Go-live slips")
    issue = services.risk_occurred(actor=project.manager, risk=risk)
    risk.refresh_from_db()
    assert risk.status == "occurred"
    assert (issue.key, issue.risk, issue.description) == ("I-1", risk, "Go-live slips")
    assert list(issue.items.all()) == [task]


def test_raid_issue_assumption_decision(project, member_of):
    owner = member_of(project, "member")
    issue = services.issue_create(
        actor=project.manager,
        project=project,
        title="Licences missing",
        owner=owner.username,
        escalation="program",
        due_date="2026-12-01",
    )
    assert (issue.key, issue.escalation, issue.due_date) == ("I-1", "program", date(2026, 12, 1))
    with pytest.raises(ValidationError, match="escalation cannot be"):
        services.issue_update(actor=project.manager, issue=issue, escalation="galaxy")
    a = services.assumption_create(actor=project.manager, project=project, title="Staff available")
    d = services.decision_create(
        actor=project.manager,
        project=project,
        title="Go with vendor B",
        status="decided",
        rationale="Cheaper",
    )
    assert (a.key, d.key, d.decided_on) == ("A-1", "D-1", date.today())
    with pytest.raises(PermissionDenied):
        services.decision_create(actor=owner, project=project, title="x")
    services.issue_delete(actor=project.manager, issue=issue)
    assert not ProjectIssue.objects.exists()


def test_change_request_workflow_records_a_baseline(project, member_of):
    customer = member_of(project, "customer_representative")
    item_create(project, "Build", duration_days=5)
    change = services.change_request_create(
        actor=customer,
        project=project,
        title="Add Polish UI",
        reason="New market",
        schedule_days="10",
        cost="12000.50",
        alters_plan=True,
    )
    assert (change.key, change.status, change.cost) == ("CR-1", "draft", Decimal("12000.50"))
    with pytest.raises(ValidationError, match="only from: Submitted, Assessed"):
        services.change_request_approve(actor=project.manager, change=change, comment="ok")
    change = services.change_request_submit(actor=customer, change=change)
    change = services.change_request_assess(
        actor=project.manager, change=change, assessment="Two sprints", cost="15000"
    )
    with pytest.raises(ValidationError, match="needs a comment"):
        services.change_request_approve(actor=project.manager, change=change, comment="")
    change = services.change_request_approve(
        actor=project.manager, change=change, comment="Approved by the board"
    )
    baseline = Baseline.objects.get(project=project)
    assert (change.status, change.baseline_number) == ("approved", baseline.number)
    assert baseline.reason == "New market"
    change = services.change_request_implement(actor=project.manager, change=change)
    assert change.status == "implemented"


def test_approval_only_by_the_projects_approver_roles(project, member_of):
    pmo = member_of(project, "pmo_admin")
    services.change_board_update(
        actor=project.manager, project=project, approver_roles=["pmo_admin"]
    )
    change = services.change_request_create(actor=project.manager, project=project, title="X")
    change = services.change_request_submit(actor=project.manager, change=change)
    with pytest.raises(PermissionDenied, match="only these roles"):
        services.change_request_approve(actor=project.manager, change=change, comment="ok")
    change.refresh_from_db()
    assert change.status == "submitted"
    member = member_of(project, "member")
    with pytest.raises(PermissionDenied):
        services.change_request_reject(actor=member, change=change, comment="no")
    rejected = services.change_request_reject(actor=pmo, change=change, comment="Out of scope")
    assert (rejected.status, rejected.decided_by) == ("rejected", pmo)
    assert not Baseline.objects.filter(project=project).exists()
    with pytest.raises(ValidationError, match="Unknown role"):
        services.change_board_update(actor=project.manager, project=project, approver_roles=["ccb"])


def test_failed_baseline_leaves_the_change_unapproved(project, member_of):
    """Approving a plan-altering change is one transaction with its baseline."""
    change = services.change_request_create(
        actor=project.manager, project=project, title="X", alters_plan=True
    )
    services.change_request_submit(actor=project.manager, change=change)
    services.change_board_update(
        actor=project.manager, project=project, approver_roles=["project_manager"]
    )
    from unittest import mock

    with (
        mock.patch("keel.apps.work.services.baseline_capture", side_effect=ValidationError("boom")),
        pytest.raises(ValidationError),
    ):
        services.change_request_approve(actor=project.manager, change=change, comment="ok")
    assert ChangeRequest.objects.get(pk=change.pk).status == "submitted"


def test_task_estimates(project, member_of):
    task = item_create(project, "Migrate")
    with pytest.raises(ValidationError, match="minimum ≤ most likely ≤ maximum"):
        services.task_estimate_set(
            actor=project.manager, item=task, duration_min=5, duration_likely=3, duration_max=8
        )
    with pytest.raises(ValidationError, match="distribution cannot be"):
        services.task_estimate_set(
            actor=project.manager,
            item=task,
            duration_min=1,
            duration_likely=3,
            duration_max=8,
            distribution="normal",
        )
    assert not TaskEstimate.objects.exists()
    estimate = services.task_estimate_set(
        actor=project.manager,
        item=task,
        duration_min=2,
        duration_likely=3,
        duration_max=8,
        distribution="pert",
        cost_min=100,
        cost_likely=200,
        cost_max=400,
    )
    assert (estimate.distribution, estimate.duration_max) == ("pert", Decimal(8))
    with pytest.raises(PermissionDenied):
        services.task_estimate_delete(actor=member_of(project, "member"), item=task)
