"""Writes for the risk register, the RAID log, change requests, estimates and simulation runs.

Every service is atomic, keyword-only, takes the acting user and checks access itself. Bad input
raises :class:`keel.domain.errors.ValidationError` before anything is saved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from keel.apps.accounts.models import User
from keel.apps.checks import check_fields, check_version
from keel.apps.projects.access import Permission, project_roles, require
from keel.apps.projects.models import Project, Role
from keel.apps.risk.models import (
    OPPORTUNITY_STRATEGIES,
    THREAT_STRATEGIES,
    Assumption,
    AssumptionStatus,
    Category,
    ChangeBoard,
    ChangeRequest,
    ChangeStatus,
    Decision,
    DecisionStatus,
    Distribution,
    Escalation,
    IssueStatus,
    Kind,
    Priority,
    ProjectIssue,
    Rating,
    Risk,
    RiskChange,
    RiskMatrix,
    RiskReview,
    RiskScale,
    RiskStatus,
    TaskEstimate,
)
from keel.apps.work.models import WorkItem
from keel.domain.errors import ValidationError

__all__ = [
    "DEFAULT_APPROVER_ROLES",
    "assumption_create",
    "assumption_delete",
    "assumption_update",
    "change_board_update",
    "change_request_approve",
    "change_request_assess",
    "change_request_create",
    "change_request_delete",
    "change_request_implement",
    "change_request_reject",
    "change_request_submit",
    "change_request_update",
    "decision_create",
    "decision_delete",
    "decision_update",
    "default_matrix",
    "default_scale",
    "issue_create",
    "issue_delete",
    "issue_update",
    "risk_create",
    "risk_delete",
    "risk_matrix_update",
    "risk_occurred",
    "risk_response_action_create",
    "risk_response_action_link",
    "risk_review_create",
    "risk_scale_update",
    "risk_update",
    "task_estimate_delete",
    "task_estimate_set",
]

DEFAULT_APPROVER_ROLES = (Role.PMO_ADMIN.value, Role.PROJECT_MANAGER.value)
MAX_LEVELS = 10


# --- scales and matrix -----------------------------------------------------------------------


def default_scale() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 1–5 probability and impact levels a project starts with (meanings editable)."""
    probability = [
        (_("Rare"), _("Less than 10 per cent likely; has hardly ever happened elsewhere."), "0.05"),
        (_("Unlikely"), _("10–30 per cent likely; could happen but is not expected."), "0.20"),
        (_("Possible"), _("30–50 per cent likely; might well happen."), "0.40"),
        (_("Likely"), _("50–70 per cent likely; will probably happen."), "0.60"),
        (_("Almost certain"), _("Over 70 per cent likely; expected unless acted on."), "0.85"),
    ]
    impact = [
        (
            _("Negligible"),
            _("Under 1 day or 1 per cent of budget; no visible effect on objectives."),
        ),
        (_("Minor"), _("Up to 1 week or 3 per cent of budget; absorbed within the team.")),
        (_("Moderate"), _("Up to 1 month or 10 per cent of budget; a milestone moves.")),
        (_("Major"), _("Up to 3 months or 20 per cent of budget; a key objective is at risk.")),
        (_("Severe"), _("More than 3 months or 20 per cent of budget; the project may fail.")),
    ]
    return (
        [
            {"level": n, "label": label, "meaning": meaning, "value": value}
            for n, (label, meaning, value) in enumerate(probability, 1)
        ],
        [
            {"level": n, "label": label, "meaning": meaning}
            for n, (label, meaning) in enumerate(impact, 1)
        ],
    )


def default_matrix(p_levels: int = 5, i_levels: int = 5) -> dict[str, str]:
    """Ratings by score share: up to 20% of the top score low, 40% medium, 65% high, else
    critical (on 5×5: 1–5 low, 6–10 medium, 12–16 high, 20–25 critical)."""
    top = p_levels * i_levels
    cells = {}
    for p in range(1, p_levels + 1):
        for i in range(1, i_levels + 1):
            share = p * i / top
            rating = (
                Rating.LOW
                if share <= 0.2
                else Rating.MEDIUM
                if share <= 0.4
                else Rating.HIGH
                if share <= 0.65
                else Rating.CRITICAL
            )
            cells[f"{p},{i}"] = rating.value
    return cells


def scale_of(project: Project) -> RiskScale:
    """The project's scale, the default one (unsaved) if it never set its own."""
    found = RiskScale.objects.filter(project=project).first()
    if found is None:
        p, i = default_scale()
        found = RiskScale(project=project, probability_levels=p, impact_levels=i)
    return found


def matrix_of(project: Project) -> RiskMatrix:
    """The project's matrix, the default one (unsaved) for its scale if it never set its own."""
    found = RiskMatrix.objects.filter(project=project).first()
    if found is None:
        scale = scale_of(project)
        found = RiskMatrix(
            project=project,
            cells=default_matrix(len(scale.probability_levels), len(scale.impact_levels)),
        )
    return found


def approver_roles_of(project: Project) -> list[str]:
    board = ChangeBoard.objects.filter(project=project).first()
    return list(board.approver_roles) if board else list(DEFAULT_APPROVER_ROLES)


def _levels(raw: Any, what: str, *, with_value: bool) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple) or not 2 <= len(raw) <= MAX_LEVELS:
        raise ValidationError(f"The {what} scale needs between 2 and {MAX_LEVELS} levels.")
    out = []
    for n, level in enumerate(raw, 1):
        if not isinstance(level, dict) or not str(level.get("label", "")).strip():
            raise ValidationError(f"{what.capitalize()} level {n} needs a label.")
        row = {
            "level": n,
            "label": str(level["label"]).strip()[:60],
            "meaning": str(level.get("meaning", "")).strip(),
        }
        if with_value:
            try:
                value = Decimal(str(level.get("value")))
            except InvalidOperation:
                raise ValidationError(
                    f"Probability level {n} needs a value: the chance from 0 to 1."
                ) from None
            if not Decimal(0) <= value <= Decimal(1):
                raise ValidationError(
                    f"Probability level {n} has value {value}; a probability lies between 0 and 1."
                )
            row["value"] = str(value)
        out.append(row)
    if with_value:
        values = [Decimal(r["value"]) for r in out]
        if values != sorted(values):
            raise ValidationError("Probability values must rise with the level.")
    return out


def _cells(raw: Any, p_levels: int, i_levels: int) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValidationError("The matrix is a mapping of 'probability,impact' to a rating.")
    cells = {str(k).replace(" ", ""): str(v) for k, v in raw.items()}
    wanted = {f"{p},{i}" for p in range(1, p_levels + 1) for i in range(1, i_levels + 1)}
    missing = sorted(wanted - set(cells))
    extra = sorted(set(cells) - wanted)
    if missing:
        raise ValidationError(
            f"The matrix has no rating for {len(missing)} cell(s): {', '.join(missing[:10])}; "
            f"every one of the {len(wanted)} cells needs one.",
            details={"missing": missing},
        )
    if extra:
        raise ValidationError(
            f"The matrix has cells outside the {p_levels}×{i_levels} scale: {', '.join(extra)}."
        )
    bad = sorted(k for k, v in cells.items() if v not in Rating.values)
    if bad:
        raise ValidationError(
            f"Unknown rating in cell(s) {', '.join(bad)}; use one of {', '.join(Rating.values)}."
        )
    return cells


def _rescore(project: Project, cells: dict[str, str], actor: User | None) -> None:
    for risk in Risk.objects.filter(project=project):
        score, rating = risk.probability * risk.impact, cells[f"{risk.probability},{risk.impact}"]
        if (score, rating) != (risk.score, risk.rating):
            Risk.objects.filter(pk=risk.pk).update(score=score, rating=rating)


@transaction.atomic
def risk_scale_update(
    *,
    actor: User,
    project: Project,
    probability_levels: Any,
    impact_levels: Any,
    matrix: Any = None,
    version: int | None = None,
) -> RiskScale:
    """Replace the project's probability and impact levels (label, meaning; probability levels
    also their chance 0–1). A change in the number of levels needs a matrix for the new cells.
    Needs ``risk.edit``."""
    require(actor, project, Permission.RISK_EDIT)
    scale = scale_of(project)
    check_version(scale.version, version, "The risk scale")
    p = _levels(probability_levels, "probability", with_value=True)
    i = _levels(impact_levels, "impact", with_value=False)
    used = Risk.objects.filter(project=project).aggregate(
        p=Max("probability"), i=Max("impact"), rp=Max("residual_probability"),
        ri=Max("residual_impact"),
    )  # fmt: skip
    if max(used["p"] or 0, used["rp"] or 0) > len(p) or max(used["i"] or 0, used["ri"] or 0) > len(
        i
    ):
        raise ValidationError(
            "Some risks use a level the new scale no longer has; reassess them first."
        )
    current = matrix_of(project)
    if matrix is None:
        same = len(p) == len(scale.probability_levels) and len(i) == len(scale.impact_levels)
        cells = current.cells if same else default_matrix(len(p), len(i))
    else:
        cells = _cells(matrix, len(p), len(i))
    if scale.pk:
        scale.version += 1
    scale.probability_levels, scale.impact_levels = p, i
    scale.save()
    current.cells = cells
    if current.pk:
        current.version += 1
    current.save()
    _rescore(project, cells, actor)
    return scale


@transaction.atomic
def risk_matrix_update(
    *, actor: User, project: Project, cells: Any, version: int | None = None
) -> RiskMatrix:
    """Replace the ratings of the matrix; every probability × impact cell needs one.
    Needs ``risk.edit``."""
    require(actor, project, Permission.RISK_EDIT)
    scale = scale_of(project)
    matrix = matrix_of(project)
    check_version(matrix.version, version, "The risk matrix")
    matrix.cells = _cells(cells, len(scale.probability_levels), len(scale.impact_levels))
    if matrix.pk:
        matrix.version += 1
    if not scale.pk:
        scale.save()
    matrix.save()
    _rescore(project, matrix.cells, actor)
    return matrix


@transaction.atomic
def change_board_update(*, actor: User, project: Project, approver_roles: Any) -> ChangeBoard:
    """Set which project roles approve change requests. Needs ``project.edit``."""
    require(actor, project, Permission.PROJECT_EDIT)
    roles = sorted({str(r) for r in approver_roles or []})
    if not roles:
        raise ValidationError("At least one role must be able to approve change requests.")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError(
            f"Unknown role(s) {', '.join(unknown)}; use some of: {', '.join(Role.values)}."
        )
    board, _created = ChangeBoard.objects.update_or_create(
        project=project, defaults={"approver_roles": roles}
    )
    return board


# --- shared input helpers --------------------------------------------------------------------


def _member(project: Project, user: Any, field: str) -> User | None:
    if user is None or user == "":
        return None
    members = User.objects.filter(project_memberships__project=project)
    if isinstance(user, User):
        found, name = members.filter(pk=user.pk).first(), user.username
    elif isinstance(user, int):
        found, name = members.filter(pk=user).first(), str(user)
    else:
        found, name = members.filter(username=str(user)).first(), str(user)
    if found is None:
        raise ValidationError(f"{field}: {name} is not a member of {project.key}.")
    return found


def _items(project: Project, refs: Any, field: str) -> list[WorkItem]:
    out = []
    for ref in refs or []:
        if isinstance(ref, WorkItem):
            item = ref if ref.project_id == project.pk else None
        else:
            text = str(ref).strip().upper().removeprefix(f"{project.key}-")
            item = (
                WorkItem.objects.filter(project=project, number=int(text)).first()
                if text.isdigit()
                else None
            )
        if item is None:
            raise ValidationError(f"{field}: {project.key} has no work item {ref}.")
        out.append(item)
    return out


def _decimal(value: Any, field: str, *, minimum: Decimal | None = Decimal(0)) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{field} must be a number, not {value!r}.") from None
    if not number.is_finite():
        raise ValidationError(f"{field} must be a finite number.")
    if minimum is not None and number < minimum:
        raise ValidationError(f"{field} cannot be negative.")
    return number


def _three_point(values: dict[str, Any], names: tuple[str, str, str], what: str) -> None:
    """Refuse a minimum above the most likely value or a most likely value above the maximum."""
    low, likely, high = (values.get(n) for n in names)
    given = [v for v in (low, likely, high) if v is not None]
    if given and len(given) != 3:
        raise ValidationError(f"The {what} needs all three points: minimum, most likely, maximum.")
    if given and not low <= likely <= high:
        raise ValidationError(
            f"The {what} must satisfy minimum ≤ most likely ≤ maximum; "
            f"got {low} / {likely} / {high}."
        )


def _choice(value: Any, choices: type[models.TextChoices], field: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            f"{field} cannot be {value!r}; use one of: {', '.join(choices.values)}."
        )
    return str(value)


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{field} must be a date (YYYY-MM-DD), not {value!r}.") from None


def _next_number(model: type[Any], project: Project) -> int:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return int(model.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


def _title(value: Any) -> str:
    title = str(value or "").strip()
    if not title:
        raise ValidationError("A title is required.")
    if len(title) > 255:
        raise ValidationError("The title is longer than 255 characters.")
    return title


# --- risks -----------------------------------------------------------------------------------

RISK_FIELDS = frozenset(
    {
        "title",
        "description",
        "cause",
        "event",
        "effect",
        "category",
        "kind",
        "owner",
        "probability",
        "impact",
        "residual_probability",
        "residual_impact",
        "proximity",
        "trigger",
        "status",
        "strategy",
        "contingency_plan",
        "fallback_plan",
        "cost_min",
        "cost_likely",
        "cost_max",
        "days_min",
        "days_likely",
        "days_max",
        "threatened_items",
        "next_review",
    }
)
_TEXT = ("description", "cause", "event", "effect", "trigger", "contingency_plan", "fallback_plan")


def _level(value: Any, field: str, top: int, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a level from 1 to {top}, not {value!r}.") from None
    if not 1 <= level <= top:
        raise ValidationError(f"{field} must be a level from 1 to {top} on this project's scale.")
    return level


def _risk_values(project: Project, risk: Risk, fields: dict[str, Any]) -> list[WorkItem] | None:
    """Apply ``fields`` to ``risk`` (unsaved), validated; return threatened items if given."""
    scale = scale_of(project)
    p_top, i_top = len(scale.probability_levels), len(scale.impact_levels)
    for name in _TEXT:
        if name in fields:
            setattr(risk, name, str(fields[name] or "").strip())
    if "title" in fields:
        risk.title = _title(fields["title"])
    if "category" in fields:
        risk.category = _choice(fields["category"], Category, "category")
    if "kind" in fields:
        risk.kind = _choice(fields["kind"], Kind, "kind")
    if "status" in fields:
        risk.status = _choice(fields["status"], RiskStatus, "status")
    if "owner" in fields:
        risk.owner = _member(project, fields["owner"], "owner")
    if "probability" in fields:
        risk.probability = _level(fields["probability"], "probability", p_top)
    if "impact" in fields:
        risk.impact = _level(fields["impact"], "impact", i_top)
    if "residual_probability" in fields:
        risk.residual_probability = _level(
            fields["residual_probability"], "residual_probability", p_top, optional=True
        )
    if "residual_impact" in fields:
        risk.residual_impact = _level(
            fields["residual_impact"], "residual_impact", i_top, optional=True
        )
    for name in ("proximity", "next_review"):
        if name in fields:
            setattr(risk, name, _date(fields[name], name))
    for name in ("cost_min", "cost_likely", "cost_max", "days_min", "days_likely", "days_max"):
        if name in fields:
            setattr(risk, name, _decimal(fields[name], name))
    if "strategy" in fields:
        risk.strategy = str(fields["strategy"] or "")
    if risk.strategy:
        allowed = THREAT_STRATEGIES if risk.kind == Kind.THREAT else OPPORTUNITY_STRATEGIES
        if risk.strategy not in allowed:
            raise ValidationError(
                f"“{risk.strategy}” is no response to {_kind_word(risk.kind)}; "
                f"use one of: {', '.join(sorted(allowed))}."
            )
    costs = {n: getattr(risk, n) for n in ("cost_min", "cost_likely", "cost_max")}
    days = {n: getattr(risk, n) for n in ("days_min", "days_likely", "days_max")}
    _three_point(costs, ("cost_min", "cost_likely", "cost_max"), "cost impact")
    _three_point(days, ("days_min", "days_likely", "days_max"), "schedule impact")
    cells = matrix_of(project).cells
    risk.score = risk.probability * risk.impact
    risk.rating = cells.get(f"{risk.probability},{risk.impact}", Rating.LOW)
    if "threatened_items" in fields:
        return _items(project, fields["threatened_items"], "threatened_items")
    return None


def _kind_word(kind: str) -> str:
    return _("a threat") if kind == Kind.THREAT else _("an opportunity")


def _exposure(risk: Risk | None) -> int:
    return risk.score if risk is not None and risk.is_open else 0


def _audit(risk: Risk, actor: User | None, field: str = "", old: Any = "", new: Any = "") -> None:
    RiskChange.objects.create(
        project_id=risk.project_id,
        risk=risk if risk.pk else None,
        risk_number=risk.number,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=timezone.now(),
        field=field,
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        exposure=_exposure(risk) if risk.pk else 0,
    )


@transaction.atomic
def risk_create(
    *, actor: User, project: Project, title: str, probability: int, impact: int, **fields: Any
) -> Risk:
    """Add a risk to the register, numbered R-<n>; score and rating come from the matrix.
    Needs ``risk.edit``."""
    check_fields(fields, RISK_FIELDS - {"title", "probability", "impact"}, "risk")
    require(actor, project, Permission.RISK_EDIT)
    risk = Risk(project=project, created_by=actor, number=0)
    threatened = _risk_values(
        project, risk, {"title": title, "probability": probability, "impact": impact, **fields}
    )
    if "owner" not in fields:
        risk.owner = actor if project.memberships.filter(user=actor).exists() else None
    risk.number = _next_number(Risk, project)
    risk.save()
    if threatened:
        risk.threatened_items.set(threatened)
    _audit(risk, actor, "created", "", risk.title)
    return risk


@transaction.atomic
def risk_update(*, actor: User, risk: Risk, version: int | None = None, **fields: Any) -> Risk:
    """Change fields of a risk; each change is kept for the history and the burn-down.
    Needs ``risk.edit``."""
    check_fields(fields, RISK_FIELDS, "risk")
    project = risk.project
    require(actor, project, Permission.RISK_EDIT)
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    check_version(risk.version, version, f"Risk {risk.key}")
    before = {name: getattr(risk, name) for name in fields if name != "threatened_items"}
    threatened = _risk_values(project, risk, fields)
    risk.version += 1
    risk.save()
    if threatened is not None:
        risk.threatened_items.set(threatened)
    changed = [(n, old, getattr(risk, n)) for n, old in before.items() if getattr(risk, n) != old]
    for name, old, new in changed:
        _audit(risk, actor, name, old, new)
    if threatened is not None and not changed:
        _audit(risk, actor, "threatened_items", "", ", ".join(i.key for i in threatened))
    return risk


@transaction.atomic
def risk_delete(*, actor: User, risk: Risk) -> None:
    """Remove a risk from the register (its history stays for the burn-down)."""
    require(actor, risk.project, Permission.RISK_EDIT)
    RiskChange.objects.create(
        project_id=risk.project_id,
        risk=None,
        risk_number=risk.number,
        actor=actor if actor.is_authenticated else None,
        at=timezone.now(),
        field="deleted",
        old=risk.title,
        exposure=0,
    )
    risk.delete()


@transaction.atomic
def risk_review_create(
    *,
    actor: User,
    risk: Risk,
    notes: str = "",
    reviewed_on: date | None = None,
    next_review: date | None = None,
) -> RiskReview:
    """Record a review of the risk and set its next review date (which must lie after it)."""
    require(actor, risk.project, Permission.RISK_EDIT)
    on = _date(reviewed_on, "reviewed_on") or timezone.localdate()
    following = _date(next_review, "next_review")
    if following is not None and following <= on:
        raise ValidationError("The next review must come after this one.")
    review = RiskReview.objects.create(
        risk=risk, reviewer=actor, reviewed_on=on, notes=str(notes or "").strip()
    )
    Risk.objects.filter(pk=risk.pk).update(next_review=following, version=risk.version + 1)
    risk.refresh_from_db()
    _audit(risk, actor, "reviewed", "", on.isoformat())
    return review


@transaction.atomic
def risk_response_action_create(
    *, actor: User, risk: Risk, title: str, **item_fields: Any
) -> WorkItem:
    """Create a work item that carries out the response and link it to the risk.
    Needs ``risk.edit`` and ``item.create``."""
    from keel.apps.work.services import work_item_create

    require(actor, risk.project, Permission.RISK_EDIT)
    item = work_item_create(actor=actor, project=risk.project, title=title, **item_fields)
    risk.response_actions.add(item)
    _audit(risk, actor, "response_actions", "", item.key)
    return item


@transaction.atomic
def risk_response_action_link(*, actor: User, risk: Risk, item: Any, remove: bool = False) -> Risk:
    """Link an existing work item to the risk as a response action (or unlink it)."""
    require(actor, risk.project, Permission.RISK_EDIT)
    (found,) = _items(risk.project, [item], "item")
    if remove:
        risk.response_actions.remove(found)
        _audit(risk, actor, "response_actions", found.key, "")
    else:
        risk.response_actions.add(found)
        _audit(risk, actor, "response_actions", "", found.key)
    return risk


@transaction.atomic
def risk_occurred(*, actor: User, risk: Risk, title: str = "", **issue_fields: Any) -> ProjectIssue:
    """The risk happened: mark it occurred and open a RAID issue that comes from it."""
    require(actor, risk.project, Permission.RISK_EDIT)
    if risk.status == RiskStatus.OCCURRED and risk.issues.exists():
        raise ValidationError(f"{risk.key} has already been turned into an issue.")
    issue = issue_create(
        actor=actor,
        project=risk.project,
        title=title or risk.title,
        description=issue_fields.pop("description", risk.effect or risk.description),
        owner=issue_fields.pop("owner", risk.owner),
        risk=risk,
        items=issue_fields.pop("items", list(risk.threatened_items.all())),
        **issue_fields,
    )
    risk_update(actor=actor, risk=risk, status=RiskStatus.OCCURRED)
    return issue


# --- RAID: issues, assumptions, decisions ----------------------------------------------------

_RAID_SPEC: dict[type[Any], dict[str, Any]] = {
    ProjectIssue: {
        "fields": {"description", "owner", "priority", "due_date", "escalation", "status"}
        | {"risk", "items"},
        "choices": {"priority": Priority, "escalation": Escalation, "status": IssueStatus},
        "dates": ("due_date",),
        "what": "issue",
    },
    Assumption: {
        "fields": {"description", "owner", "status", "validate_by", "items"},
        "choices": {"status": AssumptionStatus},
        "dates": ("validate_by",),
        "what": "assumption",
    },
    Decision: {
        "fields": {"description", "owner", "decided_on", "rationale", "status", "items"},
        "choices": {"status": DecisionStatus},
        "dates": ("decided_on",),
        "what": "decision",
    },
}


def _raid_apply(row: Any, fields: dict[str, Any]) -> list[WorkItem] | None:
    spec = _RAID_SPEC[type(row)]
    project = row.project
    for name, value in fields.items():
        if name == "title":
            row.title = _title(value)
        elif name == "owner":
            row.owner = _member(project, value, "owner")
        elif name in spec["choices"]:
            setattr(row, name, _choice(value, spec["choices"][name], name))
        elif name in spec["dates"]:
            setattr(row, name, _date(value, name))
        elif name == "risk":
            row.risk = _risk_ref(project, value)
        elif name != "items":
            setattr(row, name, str(value or "").strip())
    return _items(project, fields["items"], "items") if "items" in fields else None


def _risk_ref(project: Project, value: Any) -> Risk | None:
    if value in (None, ""):
        return None
    if isinstance(value, Risk):
        return value if value.project_id == project.pk else None
    text = str(value).upper().removeprefix("R-")
    found = (
        Risk.objects.filter(project=project, number=int(text)).first() if text.isdigit() else None
    )
    if found is None:
        raise ValidationError(f"risk: {project.key} has no risk {value}.")
    return found


def _raid_create(model: type[Any], actor: User, project: Project, title: str, fields: Any) -> Any:
    spec = _RAID_SPEC[model]
    check_fields(fields, spec["fields"], spec["what"])
    require(actor, project, Permission.RISK_EDIT)
    row = model(project=project, number=0)
    items = _raid_apply(row, {"title": title, **fields})
    if model is Decision and row.status == DecisionStatus.DECIDED and row.decided_on is None:
        row.decided_on = timezone.localdate()
    row.number = _next_number(model, project)
    row.save()
    if items:
        row.items.set(items)
    return row


def _raid_update(row: Any, actor: User, version: int | None, fields: dict[str, Any]) -> Any:
    spec = _RAID_SPEC[type(row)]
    check_fields(fields, spec["fields"] | {"title"}, spec["what"])
    require(actor, row.project, Permission.RISK_EDIT)
    row = type(row).objects.select_for_update().get(pk=row.pk)
    check_version(row.version, version, row.key)
    items = _raid_apply(row, fields)
    row.version += 1
    row.save()
    if items is not None:
        row.items.set(items)
    return row


def _raid_delete(row: Any, actor: User) -> None:
    require(actor, row.project, Permission.RISK_EDIT)
    row.delete()


@transaction.atomic
def issue_create(*, actor: User, project: Project, title: str, **fields: Any) -> ProjectIssue:
    """Log a RAID issue (I-<n>): owner, priority, due date, escalation level, links.
    Needs ``risk.edit``."""
    return _raid_create(ProjectIssue, actor, project, title, fields)  # type: ignore[no-any-return]


@transaction.atomic
def issue_update(
    *, actor: User, issue: ProjectIssue, version: int | None = None, **fields: Any
) -> ProjectIssue:
    return _raid_update(issue, actor, version, fields)  # type: ignore[no-any-return]


@transaction.atomic
def issue_delete(*, actor: User, issue: ProjectIssue) -> None:
    _raid_delete(issue, actor)


@transaction.atomic
def assumption_create(*, actor: User, project: Project, title: str, **fields: Any) -> Assumption:
    """Record an assumption (A-<n>) and when it should be validated. Needs ``risk.edit``."""
    return _raid_create(Assumption, actor, project, title, fields)  # type: ignore[no-any-return]


@transaction.atomic
def assumption_update(
    *, actor: User, assumption: Assumption, version: int | None = None, **fields: Any
) -> Assumption:
    return _raid_update(assumption, actor, version, fields)  # type: ignore[no-any-return]


@transaction.atomic
def assumption_delete(*, actor: User, assumption: Assumption) -> None:
    _raid_delete(assumption, actor)


@transaction.atomic
def decision_create(*, actor: User, project: Project, title: str, **fields: Any) -> Decision:
    """Record a decision (D-<n>) with its owner, date and rationale. Needs ``risk.edit``."""
    return _raid_create(Decision, actor, project, title, fields)  # type: ignore[no-any-return]


@transaction.atomic
def decision_update(
    *, actor: User, decision: Decision, version: int | None = None, **fields: Any
) -> Decision:
    return _raid_update(decision, actor, version, fields)  # type: ignore[no-any-return]


@transaction.atomic
def decision_delete(*, actor: User, decision: Decision) -> None:
    _raid_delete(decision, actor)


# --- change requests -------------------------------------------------------------------------

CHANGE_FIELDS = frozenset(
    {
        "title",
        "description",
        "reason",
        "scope_impact",
        "schedule_days",
        "cost",
        "priority",
        "alters_plan",
        "items",
    }
)


def _change_apply(change: ChangeRequest, fields: dict[str, Any]) -> list[WorkItem] | None:
    for name, value in fields.items():
        if name == "title":
            change.title = _title(value)
        elif name == "priority":
            change.priority = _choice(value, Priority, "priority")
        elif name in ("schedule_days", "cost"):
            # A change may shorten the plan or save money: negative values are allowed.
            setattr(change, name, _decimal(value, name, minimum=None) or Decimal(0))
        elif name == "alters_plan":
            change.alters_plan = bool(value)
        elif name != "items":
            setattr(change, name, str(value or "").strip())
    if "items" in fields:
        return _items(change.project, fields["items"], "items")
    return None


@transaction.atomic
def change_request_create(
    *, actor: User, project: Project, title: str, **fields: Any
) -> ChangeRequest:
    """Raise a change request (CR-<n>) as a draft. Needs ``change.create``."""
    check_fields(fields, CHANGE_FIELDS - {"title"}, "change request")
    require(actor, project, Permission.CHANGE_CREATE)
    change = ChangeRequest(project=project, requested_by=actor, number=0)
    items = _change_apply(change, {"title": title, **fields})
    change.number = _next_number(ChangeRequest, project)
    change.save()
    if items:
        change.items.set(items)
    return change


@transaction.atomic
def change_request_update(
    *, actor: User, change: ChangeRequest, version: int | None = None, **fields: Any
) -> ChangeRequest:
    """Edit a change request while it is a draft or submitted. Needs ``change.create``."""
    check_fields(fields, CHANGE_FIELDS, "change request")
    require(actor, change.project, Permission.CHANGE_CREATE)
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    check_version(change.version, version, change.key)
    if change.status not in (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED):
        raise ValidationError(
            f"{change.key} is {change.get_status_display()}; only drafts and submitted "
            "requests can be edited."
        )
    items = _change_apply(change, fields)
    change.version += 1
    change.save()
    if items is not None:
        change.items.set(items)
    return change


@transaction.atomic
def change_request_delete(*, actor: User, change: ChangeRequest) -> None:
    """Delete a draft change request. Needs ``change.create``."""
    require(actor, change.project, Permission.CHANGE_CREATE)
    if change.status != ChangeStatus.DRAFT:
        raise ValidationError(f"{change.key} is no longer a draft; reject it instead.")
    change.delete()


def _move(change: ChangeRequest, allowed_from: tuple[str, ...], to: str) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status not in allowed_from:
        names = ", ".join(str(ChangeStatus(s).label) for s in allowed_from)
        raise ValidationError(
            f"{locked.key} is {locked.get_status_display()}; it can become "
            f"{ChangeStatus(to).label} only from: {names}."
        )
    locked.status = to
    locked.version += 1
    return locked


@transaction.atomic
def change_request_submit(*, actor: User, change: ChangeRequest) -> ChangeRequest:
    """Send a draft to the change board. Needs ``change.create``."""
    require(actor, change.project, Permission.CHANGE_CREATE)
    locked = _move(change, (ChangeStatus.DRAFT,), ChangeStatus.SUBMITTED)
    locked.save()
    return locked


@transaction.atomic
def change_request_assess(
    *,
    actor: User,
    change: ChangeRequest,
    assessment: str = "",
    schedule_days: Any = None,
    cost: Any = None,
    scope_impact: str | None = None,
) -> ChangeRequest:
    """Record the impact analysis of a submitted request. Needs ``change.approve``."""
    require(actor, change.project, Permission.CHANGE_APPROVE)
    locked = _move(change, (ChangeStatus.SUBMITTED,), ChangeStatus.ASSESSED)
    fields: dict[str, Any] = {}
    if schedule_days is not None:
        fields["schedule_days"] = schedule_days
    if cost is not None:
        fields["cost"] = cost
    if scope_impact is not None:
        fields["scope_impact"] = scope_impact
    _change_apply(locked, fields)
    locked.assessment = str(assessment or "").strip()
    locked.save()
    return locked


def _check_approver(actor: User, change: ChangeRequest) -> None:
    require(actor, change.project, Permission.CHANGE_APPROVE)
    allowed = set(approver_roles_of(change.project))
    held = {r.value for r in project_roles(actor, change.project)}
    if not held & allowed:
        names = ", ".join(str(Role(r).label) for r in sorted(allowed))
        raise PermissionDenied(
            f"On {change.project.key} only these roles decide change requests: {names}."
        )


def _decide(actor: User, change: ChangeRequest, to: str, comment: str) -> ChangeRequest:
    _check_approver(actor, change)
    comment = str(comment or "").strip()
    if not comment:
        raise ValidationError("Approving or rejecting a change request needs a comment.")
    locked = _move(change, (ChangeStatus.SUBMITTED, ChangeStatus.ASSESSED), to)
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_comment = comment
    return locked


@transaction.atomic
def change_request_approve(*, actor: User, change: ChangeRequest, comment: str) -> ChangeRequest:
    """Approve a submitted or assessed request, with a comment. Only the project's approver
    roles may; approving one that alters the plan records a new baseline with its reason."""
    locked = _decide(actor, change, ChangeStatus.APPROVED, comment)
    if locked.alters_plan:
        from keel.apps.work.services import baseline_capture

        baseline = baseline_capture(
            actor=actor,
            project=locked.project,
            name=f"{locked.key} {locked.title}"[:200],
            reason=locked.reason or locked.title,
        )
        locked.baseline_number = baseline.number
    locked.save()
    return locked


@transaction.atomic
def change_request_reject(*, actor: User, change: ChangeRequest, comment: str) -> ChangeRequest:
    """Reject a submitted or assessed request, with a comment (approver roles only)."""
    locked = _decide(actor, change, ChangeStatus.REJECTED, comment)
    locked.save()
    return locked


@transaction.atomic
def change_request_implement(*, actor: User, change: ChangeRequest) -> ChangeRequest:
    """Mark an approved request as carried out. Needs ``change.approve``."""
    require(actor, change.project, Permission.CHANGE_APPROVE)
    locked = _move(change, (ChangeStatus.APPROVED,), ChangeStatus.IMPLEMENTED)
    locked.save()
    return locked


# --- three-point estimates -------------------------------------------------------------------


@transaction.atomic
def task_estimate_set(
    *,
    actor: User,
    item: WorkItem,
    duration_min: Any,
    duration_likely: Any,
    duration_max: Any,
    distribution: str = Distribution.TRIANGULAR,
    cost_min: Any = None,
    cost_likely: Any = None,
    cost_max: Any = None,
) -> TaskEstimate:
    """Set the three-point duration (working days) and optional cost of an item.
    Needs ``risk.edit``."""
    require(actor, item.project, Permission.RISK_EDIT)
    values = {
        "distribution": _choice(distribution, Distribution, "distribution"),
        "duration_min": _decimal(duration_min, "duration_min"),
        "duration_likely": _decimal(duration_likely, "duration_likely"),
        "duration_max": _decimal(duration_max, "duration_max"),
        "cost_min": _decimal(cost_min, "cost_min"),
        "cost_likely": _decimal(cost_likely, "cost_likely"),
        "cost_max": _decimal(cost_max, "cost_max"),
    }
    if None in (values["duration_min"], values["duration_likely"], values["duration_max"]):
        raise ValidationError("A duration estimate needs minimum, most likely and maximum.")
    _three_point(values, ("duration_min", "duration_likely", "duration_max"), "duration estimate")
    _three_point(values, ("cost_min", "cost_likely", "cost_max"), "cost estimate")
    estimate, _created = TaskEstimate.objects.update_or_create(item=item, defaults=values)
    return estimate


@transaction.atomic
def task_estimate_delete(*, actor: User, item: WorkItem) -> None:
    require(actor, item.project, Permission.RISK_EDIT)
    TaskEstimate.objects.filter(item=item).delete()
