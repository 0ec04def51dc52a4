"""This area's part of the demo portfolio, loaded after the demo projects (see projects.demo).

Each demo project gets a risk register (causes, effects, responses, some response actions,
reviews with a couple overdue), RAID issues, assumptions and decisions, change requests in
different states and three-point estimates on its main tasks. Deterministic: fixed dates, no
randomness; the register's history is dated so the burn-down has a shape.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keel.apps.projects.models import Project
from keel.apps.risk import services
from keel.apps.risk.models import RiskChange
from keel.apps.work.models import ItemType, WorkItem

# title, category, kind, p, i, (residual p, i) or None, status, strategy, owner,
# cause, event, effect, threatened item titles, (days min, likely, max) or None,
# (cost min, likely, max) or None, identified on, next review, response action title or None,
# contingency plan
RISKS: dict[str, list[tuple[Any, ...]]] = {
    "DCM": [
        (
            "Core switches delivered late",
            "vendor",
            "threat",
            4,
            4,
            (2, 3),
            "responding",
            "mitigate",
            "fatima",
            "Single vendor with a global chip shortage",
            "The second pair of core switches misses the October delivery date",
            "DC2 network build slips and wave 1 cannot start",
            ["Core network build"],
            (5, 10, 25),
            (20000, 45000, 90000),
            date(2026, 9, 3),
            date(2026, 11, 30),
            "Order loan switches from the distributor",
            "Run DC2 on the two delivered switches without redundancy for wave 1 only.",
        ),
        (
            "Undocumented application dependencies",
            "technical",
            "threat",
            4,
            5,
            (3, 4),
            "responding",
            "mitigate",
            "fatima",
            "CMDB is 40% complete for legacy systems",
            "A migrated system breaks a caller nobody knew about",
            "Business outage during a cut-over weekend; rollback",
            ["Application dependency mapping"],
            (3, 8, 20),
            None,
            date(2026, 9, 2),
            date(2026, 11, 10),
            "Network flow capture on DC1 for four weeks",
            "Keep DC1 routes for 72 hours after each wave so callers can fall back.",
        ),
        (
            "Backup restore window too short",
            "technical",
            "threat",
            3,
            4,
            (2, 4),
            "assessed",
            "mitigate",
            "dana",
            "Restore throughput measured at 2 TB/h",
            "A full restore for rollback takes longer than the cut-over weekend",
            "Rollback impossible within the change window",
            ["Test and rollback strategy"],
            (2, 4, 10),
            (0, 15000, 40000),
            date(2026, 9, 15),
            date(2026, 12, 1),
            None,
            "Rollback by DNS switch-back instead of restore for stateless tiers.",
        ),
        (
            "Power capacity at DC2 below plan",
            "resource",
            "threat",
            2,
            5,
            None,
            "identified",
            "",
            "erik",
            "Landlord's upgrade to 2 MW not yet certified",
            "Racks cannot be powered at full load",
            "Waves 3–5 must wait for the upgrade",
            ["Install racks and power"],
            (10, 20, 45),
            (0, 30000, 120000),
            date(2026, 10, 1),
            date(2026, 11, 5),
            None,
            "",
        ),
        (
            "Key network engineer leaves",
            "resource",
            "threat",
            2,
            4,
            (2, 2),
            "responding",
            "mitigate",
            "alice",
            "Only one engineer knows the DC1 firewall rules",
            "The engineer resigns mid-project",
            "Firewall migration stalls",
            ["Core network build"],
            (5, 10, 20),
            (5000, 12000, 25000),
            date(2026, 9, 10),
            date(2026, 12, 15),
            "Pair a second engineer on the firewall rule export",
            "",
        ),
        (
            "Regulator objects to DR arrangement",
            "legal",
            "threat",
            2,
            5,
            (1, 5),
            "assessed",
            "transfer",
            "erik",
            "Banking regulator requires a tested DR site",
            "Regulator refuses the DC2 DR plan",
            "Go-live of wave 4 (core banking) is blocked",
            ["Backup and DR replication"],
            (10, 30, 60),
            None,
            date(2026, 9, 20),
            date(2027, 1, 10),
            None,
            "Keep DC1 as DR until the regulator signs off.",
        ),
        (
            "Hardware maintenance renewal cheaper than planned",
            "cost",
            "opportunity",
            3,
            2,
            None,
            "assessed",
            "exploit",
            "chen",
            "Vendor offers multi-year discount",
            "Renewal is negotiated 25% below budget",
            "Budget reserve grows",
            [],
            None,
            None,
            date(2026, 10, 12),
            date(2026, 12, 20),
            None,
            "",
        ),
        (
            "Wave 1 rehearsal finds data corruption",
            "technical",
            "threat",
            2,
            3,
            None,
            "closed",
            "mitigate",
            "dana",
            "Storage replication untested with the old SAN",
            "Checksums differ after rehearsal",
            "Wave 1 re-plan",
            ["Wave 1 rehearsal"],
            None,
            None,
            date(2026, 9, 5),
            None,
            None,
            "",
        ),
        (
            "Change freeze clashes with year-end",
            "schedule",
            "threat",
            3,
            3,
            (2, 2),
            "responding",
            "avoid",
            "bob",
            "Bank's December freeze",
            "Wave 3 cut-over falls into the freeze",
            "Wave 3 moves to January",
            ["Wave 3 change freeze"],
            (5, 10, 15),
            None,
            date(2026, 9, 25),
            date(2026, 12, 5),
            None,
            "",
        ),
    ],
    "MBA": [
        (
            "App store review rejects the release",
            "market",
            "threat",
            3,
            4,
            (2, 3),
            "responding",
            "mitigate",
            "fatima",
            "New payment entitlement rules",
            "Apple or Google rejects the submission",
            "Public launch slips 1–3 weeks",
            ["App store submission"],
            (3, 10, 20),
            None,
            date(2026, 10, 8),
            date(2026, 12, 1),
            "Pre-submission review with the store's partner manager",
            "",
        ),
        (
            "Penetration test finds critical flaws",
            "security",
            "threat",
            3,
            5,
            (2, 4),
            "assessed",
            "mitigate",
            "dana",
            "New authentication flow",
            "The external pen test reports a critical finding",
            "Launch blocked until fixed",
            ["External penetration test"],
            (5, 10, 25),
            (10000, 25000, 60000),
            date(2026, 10, 6),
            date(2026, 11, 12),
            "Internal threat-modelling session",
            "",
        ),
        (
            "Core banking API latency",
            "technical",
            "threat",
            4,
            3,
            (2, 3),
            "responding",
            "mitigate",
            "fatima",
            "Legacy core banking gateway",
            "Transfers take longer than 3 s at peak",
            "Poor ratings in the beta",
            ["Closed beta with 500 customers"],
            (2, 5, 10),
            None,
            date(2026, 10, 5),
            date(2026, 11, 28),
            "Add read cache for balances",
            "",
        ),
        (
            "Beta recruits too few customers",
            "market",
            "threat",
            2,
            2,
            None,
            "identified",
            "",
            "hana",
            "Opt-in only via branch staff",
            "Fewer than 300 customers join",
            "Beta feedback not representative",
            ["Closed beta with 500 customers"],
            None,
            None,
            date(2026, 10, 20),
            date(2026, 12, 10),
            None,
            "",
        ),
        (
            "Accessibility requirements added late",
            "legal",
            "threat",
            2,
            3,
            None,
            "assessed",
            "accept",
            "alice",
            "New accessibility law in 2027",
            "Audit requires screen-reader fixes",
            "Rework of three screens",
            [],
            (3, 5, 10),
            (5000, 8000, 15000),
            date(2026, 10, 15),
            date(2026, 12, 15),
            None,
            "",
        ),
        (
            "Reuse of the design system from web banking",
            "technical",
            "opportunity",
            3,
            3,
            None,
            "responding",
            "enhance",
            "gao",
            "Web team finished a component library",
            "Components fit the app",
            "Saves two sprints of UI work",
            [],
            None,
            None,
            date(2026, 10, 10),
            date(2026, 12, 20),
            None,
            "",
        ),
        (
            "Push notification provider outage",
            "vendor",
            "threat",
            2,
            2,
            (1, 2),
            "closed",
            "transfer",
            "gao",
            "Single provider",
            "Provider down during launch",
            "Customers miss alerts",
            [],
            None,
            None,
            date(2026, 10, 7),
            None,
            None,
            "",
        ),
        (
            "Translation quality for 简体中文",
            "other",
            "threat",
            3,
            2,
            None,
            "identified",
            "",
            "hana",
            "Machine-translated strings",
            "Customers report confusing texts",
            "Store ratings drop",
            [],
            None,
            None,
            date(2026, 10, 22),
            date(2026, 11, 8),
            None,
            "",
        ),
    ],
    "ERP": [
        (
            "Data migration quality from legacy finance",
            "technical",
            "threat",
            4,
            5,
            (3, 3),
            "responding",
            "mitigate",
            "gao",
            "Twenty years of inconsistent master data",
            "Dry runs fail reconciliation",
            "Go-live delayed; manual clean-up",
            ["Data migration strategy"],
            (10, 20, 45),
            (50000, 120000, 300000),
            date(2026, 9, 8),
            date(2026, 11, 1),
            "Master-data clean-up squad",
            "",
        ),
        (
            "Key users unavailable during UAT",
            "resource",
            "threat",
            4,
            3,
            (2, 3),
            "responding",
            "mitigate",
            "bob",
            "Quarter-end close overlaps UAT",
            "Key users attend less than half the UAT sessions",
            "UAT extends by two weeks",
            [],
            (5, 10, 20),
            (10000, 20000, 40000),
            date(2026, 9, 15),
            date(2026, 12, 1),
            "Backfill key users with contractors for close",
            "",
        ),
        (
            "Vendor licence cost increase",
            "cost",
            "threat",
            3,
            3,
            (3, 2),
            "assessed",
            "transfer",
            "chen",
            "Vendor's new pricing from 2027",
            "Licence costs rise 15%",
            "Budget overrun",
            [],
            None,
            (40000, 80000, 150000),
            date(2026, 9, 20),
            date(2026, 12, 20),
            None,
            "",
        ),
        (
            "Interface to banking gateway late",
            "vendor",
            "threat",
            3,
            4,
            None,
            "identified",
            "",
            "ivan",
            "Gateway team has other priorities",
            "The API is not ready for SIT",
            "SIT slips",
            [],
            (5, 15, 30),
            None,
            date(2026, 10, 3),
            date(2026, 11, 3),
            None,
            "",
        ),
        (
            "Tax rules change in DE",
            "legal",
            "threat",
            2,
            4,
            None,
            "assessed",
            "accept",
            "chen",
            "German e-invoicing mandate",
            "New format required before go-live",
            "Extra configuration",
            [],
            (3, 8, 15),
            (8000, 15000, 30000),
            date(2026, 10, 1),
            date(2026, 12, 1),
            None,
            "Send PDF invoices until the mandate applies.",
        ),
        (
            "Shared service centre adopts early",
            "market",
            "opportunity",
            2,
            3,
            None,
            "assessed",
            "share",
            "bob",
            "SSC wants to pilot",
            "SSC volunteers as first user",
            "Earlier benefits",
            [],
            None,
            None,
            date(2026, 10, 5),
            date(2027, 1, 5),
            None,
            "",
        ),
        (
            "Steering committee decisions slow",
            "schedule",
            "threat",
            3,
            2,
            None,
            "closed",
            "escalate",
            "bob",
            "Monthly cadence only",
            "Decisions wait four weeks",
            "Design freeze slips",
            ["Monthly steering committee"],
            None,
            None,
            date(2026, 9, 2),
            None,
            None,
            "",
        ),
        (
            "Performance of month-end close",
            "technical",
            "threat",
            2,
            4,
            (1, 4),
            "assessed",
            "mitigate",
            "gao",
            "Large allocation runs",
            "Close takes more than two days",
            "Finance reporting late",
            [],
            (3, 5, 10),
            None,
            date(2026, 10, 12),
            date(2026, 12, 12),
            None,
            "",
        ),
    ],
}

ISSUES = {
    "DCM": [
        (
            "Firewall rule export incomplete",
            "fatima",
            "high",
            date(2026, 11, 27),
            "project",
            "in_progress",
        ),
        (
            "Loan switches need a separate support contract",
            "chen",
            "medium",
            date(2026, 12, 4),
            "program",
            "open",
        ),
    ],
    "MBA": [("Crash on Android 12 tablets", "gao", "urgent", date(2026, 11, 25), "team", "open")],
    "ERP": [
        (
            "Chart of accounts mapping disputed by DE entity",
            "chen",
            "high",
            date(2026, 11, 30),
            "program",
            "open",
        ),
    ],
}
ASSUMPTIONS = {
    "DCM": [
        ("DC2 landlord certifies 2 MW by November", "erik", date(2026, 11, 30), "unvalidated"),
        ("Application owners attend all rehearsals", "alice", date(2026, 10, 30), "valid"),
    ],
    "MBA": [("Core banking API stays on version 3 until launch", "fatima", None, "valid")],
    "ERP": [
        ("Legacy finance runs read-only during hypercare", "bob", date(2027, 1, 15), "unvalidated"),
    ],
}
DECISIONS = {
    "DCM": [
        (
            "Migrate in five waves, not a big bang",
            "alice",
            date(2026, 9, 10),
            "Limits blast radius; each wave rehearsed.",
            "decided",
        ),
        (
            "Keep DC1 as DR until regulator sign-off",
            "erik",
            date(2026, 10, 2),
            "Regulatory risk outweighs the extra rent.",
            "decided",
        ),
    ],
    "MBA": [
        (
            "Native apps, not cross-platform",
            "fatima",
            date(2026, 10, 6),
            "Performance and access to secure enclave.",
            "decided",
        )
    ],
    "ERP": [
        (
            "Three releases by process area",
            "bob",
            date(2026, 9, 12),
            "Finance first to meet the audit date.",
            "decided",
        ),
        ("Outsource data cleansing", "chen", None, "Internal team too small.", "proposed"),
    ],
}
# title, requester, reason, days, cost, priority, alters_plan, final state, comment
CHANGES = {
    "DCM": [
        (
            "Add 12 Windows 2008 systems found late",
            "gao",
            "Discovered in flow capture",
            "10",
            "36000",
            "high",
            False,
            "approved",
            "Approved by the CCB on 6 Nov.",
        ),
        (
            "Move wave 3 out of the December freeze",
            "bob",
            "Year-end freeze",
            "15",
            "0",
            "medium",
            False,
            "submitted",
            "",
        ),
        (
            "Replace monitoring tool",
            "fatima",
            "Licence renewal due",
            "5",
            "20000",
            "low",
            False,
            "rejected",
            "Not now; revisit after wave 5.",
        ),
    ],
    "MBA": [
        (
            "Add Apple Pay provisioning",
            "hana",
            "Customer demand in the beta",
            "15",
            "60000",
            "high",
            False,
            "assessed",
            "",
        ),
        ("Dark mode", "hana", "Accessibility feedback", "5", "12000", "low", False, "draft", ""),
    ],
    "ERP": [
        (
            "Add Polish entity to release 2",
            "hana",
            "Acquisition closed in October",
            "20",
            "85000",
            "high",
            False,
            "approved",
            "Steering committee approved.",
        ),
        (
            "E-invoicing for Germany",
            "chen",
            "Legal mandate",
            "8",
            "15000",
            "medium",
            False,
            "submitted",
            "",
        ),
    ],
}
DAY_RATE = Decimal(4000)
REVIEW_NOTES = "Reviewed at the fortnightly risk review; response on track."


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _item(project: Project, title: str) -> WorkItem | None:
    return WorkItem.objects.filter(project=project, title=title).order_by("number").first()


def _load(project: Project, users: dict[str, Any]) -> tuple[int, int, int]:
    manager = (
        project.memberships.filter(role="project_manager").select_related("user").first()
    ).user
    risk_lead = users["erik"]
    risks = 0
    for row in RISKS.get(project.key, []):
        (title, category, kind, p, i, residual, status, strategy, owner, cause, event, effect,
         threatened, days, cost, identified, review, action, contingency) = row  # fmt: skip
        fields: dict[str, Any] = {
            "category": category,
            "kind": kind,
            "owner": users[owner],
            "cause": cause,
            "event": event,
            "effect": effect,
            "status": "assessed" if status == "closed" else status,
            "strategy": strategy,
            "next_review": review,
            "contingency_plan": contingency,
            "threatened_items": [it for t in threatened if (it := _item(project, t))],
            "proximity": date(2026, 12, 15) if status != "closed" else None,
        }
        if residual:
            fields["residual_probability"], fields["residual_impact"] = residual
        if days:
            fields["days_min"], fields["days_likely"], fields["days_max"] = days
        if cost:
            fields["cost_min"], fields["cost_likely"], fields["cost_max"] = cost
        risk = services.risk_create(
            actor=risk_lead, project=project, title=title, probability=p, impact=i, **fields
        )
        if action:
            services.risk_response_action_create(
                actor=risk_lead, risk=risk, title=action, duration_days=Decimal(5)
            )
        if review and status != "closed":
            services.risk_review_create(
                actor=risk_lead,
                risk=risk,
                notes=REVIEW_NOTES,
                reviewed_on=date(2026, 10, 20),
                next_review=review,
            )
        if status == "closed":
            services.risk_update(actor=risk_lead, risk=risk, status="closed")
        # Date the history: identified then, reviewed on 20 October, closed a month later.
        RiskChange.objects.filter(risk=risk).update(at=_at(identified))
        RiskChange.objects.filter(risk=risk, field="reviewed").update(at=_at(date(2026, 10, 20)))
        RiskChange.objects.filter(risk=risk, field="status").update(
            at=_at(identified + timedelta(days=35))
        )
        risks += 1
    for title, owner, priority, due, escalation, status in ISSUES.get(project.key, []):
        services.issue_create(
            actor=risk_lead, project=project, title=title, owner=users[owner],
            priority=priority, due_date=due, escalation=escalation, status=status,
        )  # fmt: skip
    for title, owner, validate_by, status in ASSUMPTIONS.get(project.key, []):
        services.assumption_create(
            actor=risk_lead, project=project, title=title, owner=users[owner],
            validate_by=validate_by, status=status,
        )  # fmt: skip
    for title, owner, on, rationale, status in DECISIONS.get(project.key, []):
        services.decision_create(
            actor=risk_lead, project=project, title=title, owner=users[owner], decided_on=on,
            rationale=rationale, status=status,
        )  # fmt: skip
    changes = 0
    for title, who, reason, days, cost, priority, alters, state, comment in CHANGES.get(
        project.key, []
    ):
        change = services.change_request_create(
            actor=users[who], project=project, title=title, reason=reason,
            description=title, schedule_days=days, cost=cost, priority=priority,
            alters_plan=alters,
        )  # fmt: skip
        if state != "draft":
            change = services.change_request_submit(actor=users[who], change=change)
        if state in ("assessed", "approved"):
            change = services.change_request_assess(
                actor=manager, change=change, assessment="Impact confirmed by the PMO."
            )
        if state == "approved":
            services.change_request_approve(actor=manager, change=change, comment=comment)
        elif state == "rejected":
            services.change_request_reject(actor=manager, change=change, comment=comment)
        changes += 1
    _estimates(project, risk_lead)
    return risks, changes, 0


def _estimates(project: Project, actor: Any) -> None:
    """Three-point estimates on the work tasks of 3 days or more: −20% / plan / +50%
    (every third one PERT with +80%, as the riskiest kind of work); cost at 4,000 a day,
    −10% / plan / +30%."""
    tasks = WorkItem.objects.filter(
        project=project, children__isnull=True, duration_days__gte=3
    ).exclude(type=ItemType.MILESTONE)
    for n, item in enumerate(tasks.order_by("outline_sort", "number")):
        planned = item.duration_days
        pert = n % 3 == 2
        services.task_estimate_set(
            actor=actor,
            item=item,
            distribution="pert" if pert else "triangular",
            duration_min=(planned * Decimal("0.8")).quantize(Decimal("0.1")),
            duration_likely=planned,
            duration_max=(planned * Decimal("1.8" if pert else "1.5")).quantize(Decimal("0.1")),
            cost_min=planned * DAY_RATE * Decimal("0.9"),
            cost_likely=planned * DAY_RATE,
            cost_max=planned * DAY_RATE * Decimal("1.3"),
        )


def demo_extend(*, head: Any, users: dict[str, Any]) -> str:
    """Add this area's demo data to the loaded demo projects; return a summary sentence."""
    risks = changes = 0
    for project in Project.objects.filter(key__in=list(RISKS)).order_by("key"):
        r, c, _ = _load(project, users)
        risks += r
        changes += c
    if not risks:
        return ""
    return f"Risk registers with {risks} risks and {changes} change requests."


def demo_delete() -> None:
    """Everything here belongs to the demo projects and goes with them."""
