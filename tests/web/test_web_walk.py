"""Walk every web page of the site as each kind of caller (the web twin of the API route walk).

Every URL pattern is found through the resolver, so a page added later is walked too: a
pattern without a declaration in ROUTES, or with a path parameter the walk cannot fill, fails
the walk by name. Each route declares who may GET it and who may POST to it (and the other
operations its view takes); the expected answer for every caller is derived from the role
matrix (ROLE_PERMISSIONS):

- anonymous: the sign-in redirect (a bogus token for the token-read calendar feeds: 404);
- an outsider, site staff, each project role, a PMO administrator and a viewer of the
  portfolio, the manager of a neighbouring project: 200/redirect when allowed, 404 on a project
  they are not in, 403 when their role lacks the permission;
- never a 500, the page as HTMX asks for it included; a GET and a refused POST leave every row
  of every table as it was; an allowed POST with its minimal body changes something (so the
  bodies are proven to work);
- a page never offers a control (a POST form, an hx-post, a script's data-*-url) to a caller
  whom it refuses, and no page shows the walked project's data to someone outside it.

Further walks: another project's object ids under the walked project's URLs and in its
bodies are not found and change nothing; no ``next`` address redirects off the site; a POST
without the CSRF token is refused; every page renders in 简体中文.

Each call runs in a savepoint that is rolled back, so every call sees the same world.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from tests.factories import (
    MembershipFactory,
    PortfolioMembershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.web.walk_world import (
    BUDGET_MARKER,
    HISTORY_MARKER,
    RATE_MARKER,
    RISK_MARKER,
    TEAM_MARKER,
    build_other_project,
    build_world,
    changed_tables,
    fingerprint,
    write_count,
)

from keel.apps.interchange.services import feed_token_create
from keel.apps.projects.access import ROLE_PERMISSIONS, Permission
from keel.apps.projects.models import Role
from keel.apps.work.models import WorkflowStatus

pytestmark = pytest.mark.django_db

P = Permission

# Parts of the site with walks of their own, or not Keel's pages.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin site, for site staff only",
    "api/v1/": "the REST API, walked by tests/api/test_route_walk.py",
}


# --- callers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who calls: anonymous, signed in with no role, site staff, a project role, or a PMO
    administrator or viewer of the walked project's portfolio."""

    name: str
    role: Role | None = None
    signed_in: bool = True
    staff: bool = False
    portfolio_admin: bool = False
    portfolio_viewer: bool = False
    # Manages another project of the same program (and so sees the portfolio), not this one.
    neighbour: bool = False

    @property
    def perms(self) -> frozenset[Permission]:
        """What the caller may do on the walked project (a portfolio role carries over)."""
        if self.portfolio_admin:
            return ROLE_PERMISSIONS[Role.PMO_ADMIN]
        if self.portfolio_viewer:
            return ROLE_PERMISSIONS[Role.VIEWER]
        return ROLE_PERMISSIONS[self.role] if self.role else frozenset()

    @property
    def member(self) -> bool:
        return bool(self.perms)


CALLERS = [
    Caller("anonymous", signed_in=False),
    Caller("outsider"),
    Caller("staff", staff=True),
    Caller("portfolio_admin", portfolio_admin=True),
    Caller("portfolio_viewer", portfolio_viewer=True),
    Caller("neighbour", neighbour=True),
    *(Caller(role.value, role=role) for role in ROLE_PERMISSIONS),
]
UPLOADER = "project_manager"  # whose session holds the walked import upload


# --- expectations ---------------------------------------------------------------------------
# A rule maps a caller to what it should get: "ok" (2xx or a redirect, not to sign-in),
# "login" (redirect to sign-in), "soft" (refused with a message: 2xx/3xx/400, nothing changed),
# "403", "404", "405"; alternatives are separated by "|".

Rule = Callable[[Caller], str]
# A refusal a service gives (the view shows its message) or the view's own 403.
REFUSED = "403|soft"


def public(c: Caller) -> str:
    return "ok"


def signed_in(c: Caller) -> str:
    return "ok" if c.signed_in else "login"


def nobody(c: Caller) -> str:
    """A method the view does not take (anonymous callers may be sent to sign in first)."""
    return "405" if c.signed_in else "login|405"


def not_found(c: Caller) -> str:
    """Someone else's object (a timesheet, a feed token, an upload): nobody else finds it."""
    return "404" if c.signed_in else "login|405"


def project(perm: Permission, refused: str = "403") -> Rule:
    """A page of the walked project that needs ``perm``."""

    def rule(c: Caller) -> str:
        if not c.signed_in:
            return "login"
        if not c.member:
            return "404"
        return "ok" if perm in c.perms else refused

    return rule


def no_member(c: Caller) -> str:
    """An operation of the walked project that belongs to someone outside its team."""
    if not c.signed_in:
        return "login"
    return REFUSED if c.member else "404"


def pool_manager(c: Caller) -> str:
    """Changing the resource pool: site staff and portfolio PMO administrators; others are told
    why on the page they came from."""
    if not c.signed_in:
        return "login"
    return "ok" if c.staff or c.portfolio_admin else "soft"


def may_see_rates(c: Caller) -> bool:
    """Cost rates of the pool: site staff, PMO administrators and finance managers."""
    return c.staff or c.portfolio_admin or c.role in (Role.PMO_ADMIN, Role.FINANCE_MANAGER)


def importer(c: Caller) -> str:
    """The import form: for those who may import into some project or create one."""
    if not c.signed_in:
        return "login"
    return "ok" if P.DATA_IMPORT in c.perms or c.neighbour else "403"


def importer_into_walked(c: Caller) -> str:
    """Uploading a file for the walked project: refused (403) to those who may import
    nowhere, not found (404) by those who may import only elsewhere."""
    want = importer(c)
    return "404" if want == "ok" and P.DATA_IMPORT not in c.perms else want


def uploader(c: Caller) -> str:
    """An upload is kept in its uploader's session: nobody else finds it."""
    if not c.signed_in:
        return "login"
    return "ok" if c.name == UPLOADER else "404"


def project_creator(c: Caller) -> str:
    """The new-project form refuses (with the form's error) a portfolio the caller may not
    create projects in."""
    if not c.signed_in:
        return "login"
    return "ok" if c.portfolio_admin else "soft"


def feed(perm: Permission | None) -> Rule:
    """Calendar feeds are read by calendar programs with the caller's own token."""

    def rule(c: Caller) -> str:
        if not c.signed_in:
            return "404"
        return "ok" if perm is None or perm in c.perms else "404"

    return rule


def portfolio_editor(c: Caller) -> str:
    """Changing the walked portfolio: its PMO administrators; project members see the portfolio
    (403), strangers do not (404)."""
    if not c.signed_in:
        return "login"
    if c.portfolio_admin:
        return "ok"
    return "403" if c.member or c.neighbour else "404"


def portfolio_viewer(c: Caller) -> str:
    """The walked portfolio narrowed to: seen by its projects' members, not by strangers."""
    if not c.signed_in:
        return "login"
    return "ok" if c.member or c.neighbour else "404"


def budget_viewer(c: Caller) -> str:
    """The walked program narrowed to: only among the projects whose budget the caller sees."""
    if not c.signed_in:
        return "login"
    return "ok" if P.BUDGET_VIEW in c.perms or c.neighbour else "404"


def token_read_only(c: Caller) -> str:
    return "405"


@dataclass(frozen=True)
class Route:
    """Who may GET the page and POST to it (None: the view treats POST like GET, so a POST must
    change nothing), the POST's minimal body, and whether an allowed POST changes rows."""

    get: Rule
    post: Rule | None = None
    body: Callable[[dict[str, Any]], dict[str, Any]] = lambda w: {}
    changes: bool = True
    # The controls pages offer for this route act on what the caller owns or picks (their
    # timesheets and feed tokens, the project to import into), not on the walked object: the
    # offered-control check skips them.
    owned: bool = False
    # Further GETs of the page: (query string with {params}, rule or None for ``get``).
    variants: tuple[tuple[str, Rule | None], ...] = ()
    # Further POSTs (the other operations one view takes): (body, rule, changes).
    posts: tuple[tuple[Callable[[dict[str, Any]], dict[str, Any]], Rule, bool], ...] = ()


def _op(op: str, **fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A body naming an operation; ``{param}`` values are filled from the world's params."""
    return lambda w: {"op": op, **{k: v.format(**w["params"]) for k, v in fields.items()}}


_CSV = "WBS,Title,Duration (days),Predecessors\n1,Walk design,3,\n2,Walk build,5,1FS\n"


def _csv_upload(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "project": w["project"].key,
        "format": "csv",
        "file": SimpleUploadedFile("walk.csv", _CSV.encode(), content_type="text/csv"),
    }


ROUTES: dict[str, Route] = {
    # --- the shell -------------------------------------------------------------------------
    "keel-web:login": Route(
        get=public, post=public, body=lambda w: {"username": "x", "password": "y"}, changes=False
    ),
    "keel-web:logout": Route(get=lambda c: "405", post=lambda c: "ok|login", changes=False),
    "set_language": Route(
        get=public, post=public, body=lambda w: {"language": "zh-hans"}, changes=False
    ),
    "keel-web:language-set": Route(
        get=nobody, post=signed_in, body=lambda w: {"language": "zh-hans"}
    ),
    "keel-web:home": Route(get=signed_in),
    "keel-web:portfolio": Route(get=signed_in),
    "keel-web:project-create": Route(
        get=signed_in,
        post=project_creator,
        body=lambda w: {
            "key": "WALK",
            "name": "Walk",
            "portfolio": w["portfolio"].pk,
            "template": "scrum",
        },
    ),
    # --- a project's workspace ---------------------------------------------------------------
    "keel-web:project-overview": Route(get=project(P.PROJECT_VIEW)),
    "keel-web:project-plan": Route(get=project(P.ITEM_VIEW)),
    "keel-web:plan-add": Route(
        get=nobody, post=project(P.ITEM_CREATE), body=lambda w: {"title": "Walk task"}
    ),
    "keel-web:plan-row": Route(
        get=project(P.ITEM_VIEW),
        post=project(P.ITEM_EDIT),
        body=lambda w: {"title": "Renamed", "version": w["item"].version},
    ),
    "keel-web:plan-row-edit": Route(get=project(P.ITEM_EDIT)),
    "keel-web:plan-move": Route(
        get=nobody,
        post=project(P.ITEM_EDIT),
        body=lambda w: {"before": w["sibling"].key, "version": w["item"].version},
    ),
    "keel-web:plan-structure": Route(get=nobody, post=project(P.ITEM_EDIT)),
    "keel-web:item-detail": Route(
        get=project(P.ITEM_VIEW),
        post=project(P.ITEM_EDIT),
        body=lambda w: {"title": "Renamed", "version": w["item"].version},
    ),
    "keel-web:item-comment": Route(
        get=nobody, post=project(P.COMMENT_CREATE), body=lambda w: {"body": "Walked."}
    ),
    "keel-web:item-dependency-add": Route(
        get=nobody,
        post=project(P.DEPENDENCY_EDIT),
        body=lambda w: {"predecessor": w["other"].key},
    ),
    "keel-web:item-dependency-remove": Route(get=nobody, post=project(P.DEPENDENCY_EDIT)),
    "keel-web:project-members": Route(get=project(P.MEMBER_VIEW), variants=(("?q=spare", None),)),
    "keel-web:member-add": Route(
        get=nobody,
        post=project(P.MEMBER_MANAGE),
        body=lambda w: {"username": "newbie", "role": "viewer"},
    ),
    "keel-web:member-change": Route(
        posts=((lambda w: {"remove": "1"}, project(P.MEMBER_MANAGE), True),),
        get=nobody,
        post=project(P.MEMBER_MANAGE),
        body=lambda w: {"role": "viewer"},
    ),
    "keel-web:project-settings": Route(
        get=project(P.WORKFLOW_EDIT),
        post=project(P.WORKFLOW_EDIT),
        body=lambda w: {"action": "status-add", "name": "QA"},
    ),
    "keel-web:project-gantt": Route(get=project(P.ITEM_VIEW)),
    "keel-web:project-calendar": Route(
        get=project(P.PROJECT_VIEW),
        post=project(P.PROJECT_EDIT),
        body=lambda w: {
            "version": "0",
            "country": "CN",
            "workdays": ["1", "2", "3", "4", "5"],
            "hours": "09:00-12:00, 13:00-18:00",
            "rows": "0",
        },
    ),
    "keel-web:project-board": Route(
        get=project(P.ITEM_VIEW), variants=(("?lanes=assignee", None),)
    ),
    "keel-web:board-move": Route(
        get=nobody,
        post=project(P.ITEM_TRANSITION),
        body=lambda w: {"item": w["item"].key, "to_status": w["selected"].pk},
    ),
    # --- resources ---------------------------------------------------------------------------
    "keel-web:resources": Route(
        get=signed_in, post=pool_manager, body=lambda w: {"name": "Walker", "kind": "person"}
    ),
    "keel-web:resource-skills": Route(get=signed_in),
    "keel-web:resource-heatmap": Route(
        get=signed_in,
        variants=(
            ("?from=2020-01-06&weeks=104", None),
            ("?from=2020-01-06&weeks=104&format=csv", None),
        ),
    ),
    "keel-web:resource-heatmap-cell": Route(
        get=signed_in, variants=(("?start=2020-01-01&end=2030-12-31", None),)
    ),
    # Levelling the walked portfolio's projects together (the world has nothing to move).
    "keel-web:resource-levelling": Route(
        get=signed_in,
        post=portfolio_editor,
        body=lambda w: {"portfolio": w["portfolio"].pk},
        changes=False,
        variants=(("?portfolio={portfolio_id}&preview=1", portfolio_editor),),
    ),
    "keel-web:resource-detail": Route(
        get=signed_in,
        posts=(
            (_op("rate", effective_from="2030-01-01", standard="90"), pool_manager, True),
            (_op("leave-delete", leave="{leave_id}"), pool_manager, True),
            (_op("skill", skill="{skill_id}", level="4"), pool_manager, True),
        ),
        post=pool_manager,
        body=lambda w: {"op": "leave", "start": "2026-08-03", "finish": "2026-08-07"},
    ),
    "keel-web:project-resources": Route(
        get=project(P.ITEM_VIEW),
        posts=(
            (_op("cancel", request="{request_id}"), project(P.RESOURCE_ASSIGN, REFUSED), True),
            # Deciding belongs to the resource's owner or site staff: no walker on this page.
            (_op("approve", request="{request_id}"), no_member, False),
            (_op("decline", request="{request_id}"), no_member, False),
            (_op("apply"), project(P.SCHEDULE_RUN, REFUSED), False),
            (_op("clear"), project(P.SCHEDULE_RUN, REFUSED), False),
        ),
        variants=(("?preview=1", None),),
        post=project(P.RESOURCE_ASSIGN),
        body=lambda w: {
            "op": "request",
            "resource": w["resource"].pk,
            "start": "2026-10-01",
            "finish": "2026-10-30",
            "hours": "40",
        },
    ),
    "keel-web:item-assignments": Route(
        get=nobody,
        posts=(
            (
                _op("update", assignment="{assignment_id}", units="0.5"),
                project(P.RESOURCE_ASSIGN),
                True,
            ),
            (_op("delete", assignment="{assignment_id}"), project(P.RESOURCE_ASSIGN), True),
        ),
        post=project(P.RESOURCE_ASSIGN),
        body=lambda w: {"op": "add", "resource": w["spare_resource"].pk, "units": "0.5"},
    ),
    # --- finance -----------------------------------------------------------------------------
    "keel-web:timesheet": Route(get=signed_in),
    "keel-web:timesheet-cell": Route(
        get=nobody,
        post=project(P.TIME_LOG),
        body=lambda w: {"item": w["item"].pk, "day": "2025-02-03", "hours": "2"},
    ),
    "keel-web:timesheet-submit": Route(get=nobody, post=not_found, owned=True),
    "keel-web:timesheet-approvals": Route(get=signed_in),
    "keel-web:timesheet-decide": Route(
        posts=(
            (lambda w: {"decision": "reject", "reason": "No"}, project(P.TIMESHEET_APPROVE), True),
        ),
        get=nobody,
        post=project(P.TIMESHEET_APPROVE),
        body=lambda w: {"decision": "approve"},
    ),
    "keel-web:time-log": Route(
        get=nobody, post=project(P.TIME_LOG), body=lambda w: {"day": "2025-02-03", "hours": "2"}
    ),
    "keel-web:portfolio-evm": Route(
        get=signed_in,
        variants=(
            ("?portfolio={portfolio_id}", portfolio_viewer),
            ("?program={program_id}", budget_viewer),
        ),
    ),
    "keel-web:cost": Route(get=project(P.BUDGET_VIEW), variants=(("?node={item_key}", None),)),
    "keel-web:budget-change": Route(
        get=nobody,
        post=project(P.BUDGET_EDIT),
        body=lambda w: {"category": "labour", "amount": "1000", "reason": "Walk"},
    ),
    "keel-web:exchange-rate-set": Route(
        get=nobody,
        post=project(P.BUDGET_EDIT),
        body=lambda w: {"currency": "EUR", "rate": "7.8", "effective": "2025-01-01"},
    ),
    "keel-web:expense-create": Route(
        get=nobody,
        post=project(P.EXPENSE_CREATE),
        body=lambda w: {
            "category": "equipment",
            "amount": "300",
            "currency": "CNY",
            "day": "2025-01-08",
        },
    ),
    "keel-web:material-use-record": Route(
        get=nobody,
        post=project(P.EXPENSE_CREATE),
        body=lambda w: {
            "item": w["other"].key,
            "resource": w["material"].pk,
            "day": "2025-01-08",
            "quantity": "3",
        },
    ),
    "keel-web:expense-receipt": Route(get=project(P.BUDGET_VIEW)),
    "keel-web:expense-decide": Route(
        posts=(
            (lambda w: {"decision": "reject", "reason": "No"}, project(P.EXPENSE_APPROVE), True),
        ),
        get=nobody,
        post=project(P.EXPENSE_APPROVE),
        body=lambda w: {"decision": "approve"},
    ),
    # --- risk ----------------------------------------------------------------------------------
    "keel-web:risks": Route(
        get=project(P.RISK_VIEW), variants=(("?sort=-score&residual=1", None),)
    ),
    "keel-web:risk-create": Route(
        get=nobody,
        post=project(P.RISK_EDIT),
        body=lambda w: {"title": "Walk", "probability": "2", "impact": "3"},
    ),
    "keel-web:risk-simulation": Route(
        get=project(P.RISK_VIEW),
        post=project(P.RISK_EDIT),
        body=lambda w: {
            "op": "estimate",
            "item": w["other"].key,
            "duration_min": "1",
            "duration_likely": "2",
            "duration_max": "4",
        },
    ),
    "keel-web:risk-simulation-run": Route(get=project(P.RISK_VIEW)),
    "keel-web:risk-detail": Route(
        get=project(P.RISK_VIEW),
        posts=(
            (_op("occurred"), project(P.RISK_EDIT), True),
            (_op("action", title="Walk response"), project(P.RISK_EDIT), True),
            (_op("delete"), project(P.RISK_EDIT), True),
        ),
        post=project(P.RISK_EDIT),
        body=lambda w: {"op": "review", "notes": "Walked"},
    ),
    "keel-web:raid": Route(
        get=project(P.RISK_VIEW),
        posts=(
            (
                lambda w: {
                    "kind": "issue",
                    "raid_key": str(w["params"]["raid_key"]),
                    "title": "Renamed",
                },
                project(P.RISK_EDIT),
                True,
            ),
        ),
        post=project(P.RISK_EDIT),
        body=lambda w: {"kind": "issue", "title": "Walk"},
    ),
    "keel-web:changes": Route(
        get=project(P.PROJECT_VIEW),
        posts=tuple(
            (_op(op, change="{change_key}", assessment="Small", comment="Walk"), rule, True)
            for op, rule in (
                ("assess", project(P.CHANGE_APPROVE, REFUSED)),
                ("approve", project(P.CHANGE_APPROVE, REFUSED)),
                ("reject", project(P.CHANGE_APPROVE, REFUSED)),
            )
        ),
        post=project(P.CHANGE_CREATE),
        body=lambda w: {"op": "create", "title": "Walk change"},
    ),
    # --- import, export, calendar feeds ---------------------------------------------------------
    "keel-web:import": Route(
        get=importer,
        post=importer_into_walked,
        owned=True,
        body=_csv_upload,
        changes=False,
        variants=(("?project={key}", None),),
    ),
    "keel-web:import-template": Route(get=signed_in, post=lambda c: "405"),
    "keel-web:import-preview": Route(get=uploader, post=uploader),
    "keel-web:project-data": Route(get=project(P.DATA_EXPORT), post=lambda c: "405"),
    "keel-web:project-export": Route(get=project(P.DATA_EXPORT), post=lambda c: "405"),
    "keel-web:feeds": Route(get=signed_in, post=signed_in, body=lambda w: {"name": "Walk"}),
    "keel-web:feed-revoke": Route(get=lambda c: "405", post=not_found, owned=True),
    "keel-web:feed-all": Route(get=feed(None), post=token_read_only),
    "keel-web:feed-project": Route(get=feed(P.ITEM_VIEW), post=token_read_only),
}

# Path parameters: by name, from the world (``token`` and ``upload_id`` are the caller's own),
# with per-route values where one name means different things.
PARAMS_BY_ROUTE: dict[str, dict[str, Any]] = {
    "keel-web:plan-structure": {"action": "indent"},
    "keel-web:project-export": {"fmt": "csv"},
}


# --- the URL map --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced, like keel-web:project-plan
    template: str  # like p/{key}/plan/
    params: tuple[str, ...]


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def site_patterns() -> list[Pattern]:
    """Every URL pattern of the site, found through the resolver, less SKIPPED_PREFIXES."""
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if any(route.startswith(skipped) for skipped in SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                walk(entry, route, f"{namespace}:{inner}".strip(":") if inner else namespace)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"the URL pattern {route!r} has no name"
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                params = tuple(m["name"] for m in _PARAM.finditer(route))
                found.append(Pattern(name, _PARAM.sub(r"{\g<name>}", route), params))

    walk(get_resolver(), "", "")
    return found


def test_every_page_is_declared():
    """Every pattern has a declaration in ROUTES and every path parameter a value; no stale
    declarations."""
    patterns = site_patterns()
    names = [p.name for p in patterns]
    assert len(names) == len(set(names)), "two URL patterns share a name"
    missing = sorted(set(names) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(names))
    assert not missing, f"pages without a declaration in ROUTES: {missing}"
    assert not stale, f"declared pages that no longer exist: {stale}"
    # Every path parameter has a value in the world (_url names the pattern otherwise).
    params = {**build_world()["params"], "token": "t", "upload_id": "u"}
    for pattern in patterns:
        assert resolve(_url(pattern, params)).view_name == pattern.name


# --- the walk ----------------------------------------------------------------------------------


def _clients(world: dict[str, Any], caller: Caller) -> tuple[Client, str]:
    """The caller's client and calendar feed token; also the uploader's import upload."""
    project = world["project"]
    client = Client()
    raw = "not-a-feed-token"
    person = None
    if caller.signed_in:
        person = UserFactory(username=f"as-{caller.name}", is_staff=caller.staff)
        if caller.role:
            MembershipFactory(project=project, user=person, role=caller.role)
        if caller.portfolio_admin:
            PortfolioMembershipFactory(portfolio=project.portfolio, user=person, role="pmo_admin")
        if caller.portfolio_viewer:
            PortfolioMembershipFactory(portfolio=project.portfolio, user=person, role="viewer")
        if caller.neighbour:
            next_door = ProjectFactory(
                key="NBR", portfolio=project.portfolio, program=world["program"]
            )
            MembershipFactory(project=next_door, user=person, role=Role.PROJECT_MANAGER)
        client.force_login(person)
        _token, raw = feed_token_create(actor=person, name="Walker's calendar")
    # The walked upload belongs to the project manager's session.
    if caller.name == UPLOADER:
        up_client = client
    else:
        up = UserFactory(username="uploader")
        MembershipFactory(project=project, user=up, role=Role.PROJECT_MANAGER)
        up_client = Client()
        up_client.force_login(up)
    answer = up_client.post("/import/", _csv_upload(world))
    assert answer.status_code == 302, answer.content[:300]
    world["params"]["upload_id"] = answer["Location"].rstrip("/").rsplit("/", 1)[-1]
    return client, raw


def _url(pattern: Pattern, params: dict[str, Any]) -> str:
    values = {**params, **PARAMS_BY_ROUTE.get(pattern.name, {})}
    unknown = [p for p in pattern.params if p not in values]
    assert not unknown, (
        f"{pattern.name}: the walk has no value for {unknown}; add one to the world "
        "(tests/web/walk_world.py) or to PARAMS_BY_ROUTE"
    )
    return "/" + pattern.template.format(**{p: values[p] for p in pattern.params})


def _call(
    client: Client,
    method: str,
    url: str,
    body: dict[str, Any],
    before: dict[str, str],
    **headers: str,
) -> tuple[Any, list[str]]:
    """One request in a rolled-back savepoint; the tables it changed from ``before`` (the
    world's fingerprint, the same before every call); cookies kept as before (signing out or
    choosing a language must not change the next call)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        writes = write_count()
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, body, headers=headers)
        unwritten = writes is not None and write_count() == writes
        changed = [] if unwritten else changed_tables(before, fingerprint())
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, changed


def _matches(want: str, response: Any) -> bool:
    code = response.status_code
    for option in want.split("|"):
        if option == "login":
            if code == 302 and urlsplit(response["Location"]).path == "/login/":
                return True
        elif option == "ok":
            to_login = code == 302 and urlsplit(response["Location"]).path == "/login/"
            if (200 <= code < 400) and not to_login:
                return True
        elif option == "soft":
            if code in (200, 302, 400):
                return True
        elif str(code) == option:
            return True
    return False


_FORM = re.compile(r"<form\b([^>]*)>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TAG = re.compile(r"<[a-z][\w-]*\b([^>]*\bdata-[\w-]*url\b[^>]*)>", re.I)
_HX = re.compile(r"""\bhx-(?:post|put|patch|delete)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def post_targets(html: str, page: str) -> set[str]:
    """The URLs a page's forms (method post) and hx-post/put/patch/delete controls send to."""
    targets = set()
    for form in _FORM.finditer(html):
        attrs = {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(form[1])}
        if attrs.get("method", "get").lower() == "post":
            targets.add(attrs.get("action") or page)
    for hx in _HX.finditer(html):
        targets.add(hx[1] if hx[1] is not None else hx[2])
    for tag in _TAG.finditer(html):
        attrs = {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(tag[1])}
        # Scripts post to the data-*-url of a tag (the plan's rows); the board's container
        # names its move URL for everyone and lets cards move only under data-can-move.
        if (
            "data-move-url" in attrs
            and "data-can-move" not in attrs
            and "board" in attrs.get("class", "")
        ):
            continue
        targets |= {v for k, v in attrs.items() if k.startswith("data-") and k.endswith("-url")}
    return {t.replace("&amp;", "&") for t in targets if not t.startswith(("{", "$"))}


def _offered_but_refused(html: str, page: str, caller: Caller) -> list[str]:
    found = []
    for target in sorted(post_targets(html, page)):
        path = urlsplit(target).path
        if not path.startswith("/"):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            found.append(f"{page} posts to {target}, which is no page")
            continue
        route = ROUTES.get(match.view_name)
        if route and route.owned:
            continue
        rule = route.post if route else None
        want = rule(caller) if rule else "405"
        if route and route.post is None and route.get(caller) == "ok":
            continue  # a page the scripts fetch (data-*-url), not a POST
        if "ok" not in want.split("|"):
            found.append(f"{page} offers {target} ({match.view_name}), which refuses it: {want}")
    return found


_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"'#]+)""", re.I)


def _refused_links(html: str, page: str, caller: Caller, world: dict[str, Any]) -> list[str]:
    """Links to pages of the walked project that refuse the caller (a tab they may not open)."""
    found = []
    for href in sorted(set(_HREF.findall(html))):
        path = urlsplit(href.replace("&amp;", "&")).path
        if not path.startswith("/"):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            found.append(f"{page} links to {href}, which is no page")
            continue
        route = ROUTES.get(match.view_name)
        if route is None or match.kwargs.get("key") != world["project"].key:
            continue
        want = route.get(caller)
        if "ok" not in want.split("|"):
            found.append(f"{page} links to {href} ({match.view_name}), which answers {want}")
    return found


# Text that only holders of a read permission may see, on any page of the project.
READ_MARKERS = {
    P.MEMBER_VIEW: TEAM_MARKER,
    P.RISK_VIEW: RISK_MARKER,
    P.BUDGET_VIEW: BUDGET_MARKER,
    P.HISTORY_VIEW: HISTORY_MARKER,
}


def _leaks(world: dict[str, Any]) -> list[str]:
    """Text only someone inside the walked project may see."""
    return [
        world["project"].name,
        world["item"].title,
        world["other"].title,
        world["risk"].title,
        "First remark.",
        f"{world['project'].key}-{world['item'].number}",
    ]


def _check_get(
    client: Client,
    caller: Caller,
    name: str,
    url: str,
    rule: Rule,
    headers: dict[str, str],
    world: dict[str, Any],
) -> list[str]:
    response, changed = _call(client, "GET", url, {}, world["before"], **headers)
    how = f"GET {url}{' (HTMX)' if headers else ''} ({name})"
    want = rule(caller)
    failures = []
    if not _matches(want, response):
        failures.append(f"{how}: want {want}, got {response.status_code}")
    if changed:
        failures.append(f"{how} changed {changed}")
    if response.status_code != 200 or not hasattr(response, "content"):
        return failures
    kind = response.get("Content-Type", "")
    text = response.content.decode(errors="replace") if "text" in kind else ""
    if "html" in kind and caller.signed_in:
        failures += [f"{caller.name}: {f}" for f in _offered_but_refused(text, url, caller)]
        failures += [f"{caller.name}: {f}" for f in _refused_links(text, url, caller, world)]
        if "data-can-move" in text and P.ITEM_TRANSITION not in caller.perms:
            failures.append(f"{how} lets {caller.name} drag cards without item.transition")
    if text and not caller.member:
        shown = [marker for marker in _leaks(world) if marker in text]
        if shown:
            failures.append(f"{how} shows {shown} to {caller.name}, who is not in the project")
    if RATE_MARKER in text:
        world.setdefault("shown", set()).add("rates")
        if not may_see_rates(caller):
            failures.append(f"{how} shows a cost rate to {caller.name}")
    for perm, marker in READ_MARKERS.items():
        if marker in text:
            world.setdefault("shown", set()).add(perm)
            if perm not in caller.perms and caller.member:
                failures.append(f"{how} shows {marker!r} to {caller.name}, who lacks {perm}")
    return failures


def _check_post(
    client: Client,
    caller: Caller,
    name: str,
    url: str,
    body: Callable[[dict[str, Any]], dict[str, Any]],
    rule: Rule,
    changes: bool,
    world: dict[str, Any],
) -> list[str]:
    data = body(world)
    response, changed = _call(client, "POST", url, data, world["before"])
    code = response.status_code
    how = f"POST {url} {data.get('op') or data.get('decision') or ''} ({name})"
    want = rule(caller)
    failures = []
    if not _matches(want, response):
        detail = response.content[:160].decode(errors="replace") if code != 302 else ""
        failures.append(f"{how}: want {want}, got {code} {detail}")
    allowed = "ok" in want.split("|")
    if changed and not allowed:
        failures.append(f"{how} refused but changed {changed}")
    if allowed and changes and not changed:
        failures.append(f"{how} allowed but changed nothing ({code})")
    return failures


@pytest.mark.parametrize("caller", CALLERS, ids=[c.name for c in CALLERS])
def test_walk_every_page(caller: Caller):
    """GET every page and POST to every one as ``caller``: the answer the rule declares, never
    a 500, nothing changed by a refused POST, no refused control offered, no data leaked."""
    world = build_world()
    world["selected"] = WorkflowStatus.objects.get(
        workflow__project=world["project"], key="selected"
    )
    client, feed_token = _clients(world, caller)
    params = {**world["params"], "token": feed_token}
    world["before"] = fingerprint()
    failures: list[str] = []
    for pattern in site_patterns():
        route = ROUTES.get(pattern.name)
        if route is None:
            continue  # test_every_page_is_declared names it
        url = _url(pattern, params)
        # GET: the page, as HTMX asks for it, and its declared variants
        gets = [(url, route.get, {})]
        if route.get(caller) == "ok":  # a refusal does not depend on how the page is asked for
            gets.append((url, route.get, {"HX-Request": "true"}))
        gets += [(url + q.format(**params), rule or route.get, {}) for q, rule in route.variants]
        for address, rule, headers in gets:
            failures += _check_get(client, caller, pattern.name, address, rule, headers, world)
        # POST: the route's body, and the other operations it takes
        if route.post is None:
            # The view treats a POST like a GET: it must change nothing and not fail.
            response, changed = _call(client, "POST", url, route.body(world), world["before"])
            if response.status_code >= 500 or changed:
                failures.append(f"POST {url} ({pattern.name}): {response.status_code}, {changed}")
            continue
        for body, rule, changes in ((route.body, route.post, route.changes), *route.posts):
            failures += _check_post(client, caller, pattern.name, url, body, rule, changes, world)
    if may_see_rates(caller) and "rates" not in world.get("shown", set()):
        failures.append(f"no page showed a cost rate to {caller.name}: its check cannot fail")
    for perm, marker in READ_MARKERS.items():
        if perm in caller.perms and perm not in world.get("shown", set()):
            failures.append(f"no page showed {marker!r} to {caller.name}: its check cannot fail")
    assert not failures, "\n".join(failures)


def test_objects_of_another_project_are_not_found():
    """The walked project's manager, using the walked project's URLs with the ids and keys of
    another project's objects (an item, a dependency, a membership, a timesheet, an expense, a
    simulation run), is answered 404 and changes nothing; the other project's own URLs too."""
    world = build_world()
    world["selected"] = WorkflowStatus.objects.get(
        workflow__project=world["project"], key="selected"
    )
    caller = next(c for c in CALLERS if c.name == "project_manager")
    client, feed_token = _clients(world, caller)
    other = build_other_project()
    world["before"] = fingerprint()
    foreign = set(other["params"])
    failures: list[str] = []
    walked = 0
    for pattern in site_patterns():
        route = ROUTES.get(pattern.name)
        if route is None or not foreign & set(pattern.params):
            continue
        for key in (world["project"].key, other["project"].key):
            params = {**world["params"], "token": feed_token, **other["params"], "key": key}
            url = _url(pattern, params)
            walked += 1
            for method in ("GET", "POST"):
                rule = route.get if method == "GET" else route.post
                refused_anyway = rule is not None and rule(caller) == "405"
                body = route.body(world) if method == "POST" else {}
                response, changed = _call(client, method, url, body, world["before"])
                code = response.status_code
                if changed or (code != 404 and not (refused_anyway and code == 405)):
                    failures.append(f"{method} {url} ({pattern.name}): {code}, changed {changed}")
    assert walked >= 10, "the walk found too few pages that take an object of a project"
    assert not failures, "\n".join(failures)


# Bodies that name another project's objects, POSTed to the walked project's pages by its
# manager: (route name, extra path parameters, body from (world, other project)).
FOREIGN_BODIES: list[tuple[str, dict[str, Any], Callable[[dict, dict], dict[str, Any]]]] = [
    ("keel-web:board-move", {}, lambda w, o: {"item": w["item"].key, "to_status": o["status"].pk}),
    (
        "keel-web:item-detail",
        {},
        lambda w, o: {"version": w["item"].version, "status": o["status"].pk},
    ),
    (
        "keel-web:plan-row",
        {},
        lambda w, o: {"version": w["item"].version, "status": o["status"].pk},
    ),
    ("keel-web:plan-add", {}, lambda w, o: {"title": "Walk", "parent": o["item"].key}),
    ("keel-web:plan-move", {}, lambda w, o: {"into": o["item"].key}),
    ("keel-web:item-dependency-add", {}, lambda w, o: {"predecessor": o["item"].key}),
    (
        "keel-web:item-assignments",
        {},
        lambda w, o: {"op": "delete", "assignment": o["assignment"].pk},
    ),
    (
        "keel-web:item-assignments",
        {},
        lambda w, o: {"op": "update", "assignment": o["assignment"].pk, "units": "0.5"},
    ),
    ("keel-web:risk-detail", {}, lambda w, o: {"op": "action", "item": o["item"].key}),
    (
        "keel-web:risk-simulation",
        {},
        lambda w, o: {
            "op": "estimate",
            "item": o["item"].key,
            "duration_min": "1",
            "duration_likely": "2",
            "duration_max": "4",
        },
    ),
    (
        "keel-web:project-settings",
        {},
        lambda w, o: {"action": "status-remove", "status": o["status"].pk},
    ),
    (
        "keel-web:project-settings",
        {},
        lambda w, o: {
            "action": "transition-add",
            "from_status": o["status"].pk,
            "to_status": o["status"].pk,
        },
    ),
    (
        "keel-web:budget-change",
        {},
        lambda w, o: {"category": "labour", "amount": "5", "reason": "Walk", "item": o["item"].key},
    ),
    (
        "keel-web:expense-create",
        {},
        lambda w, o: {
            "category": "equipment",
            "amount": "3",
            "currency": "CNY",
            "day": "2025-01-08",
            "item": o["item"].key,
        },
    ),
    (
        "keel-web:timesheet-cell",
        {},
        lambda w, o: {"item": o["item"].pk, "day": "2025-02-03", "hours": "2"},
    ),
    ("keel-web:project-resources", {}, lambda w, o: {"op": "cancel", "request": "0"}),
]


def test_bodies_naming_another_projects_objects_change_nothing():
    """The walked project's manager POSTs to the walked project's pages a body that names
    another project's status, item or assignment: refused (any answer but a 500), nothing
    changed anywhere."""
    world = build_world()
    world["selected"] = WorkflowStatus.objects.get(
        workflow__project=world["project"], key="selected"
    )
    caller = next(c for c in CALLERS if c.name == "project_manager")
    client, feed_token = _clients(world, caller)
    other = build_other_project()
    world["before"] = fingerprint()
    patterns = {p.name: p for p in site_patterns()}
    failures: list[str] = []
    for name, extra, body in FOREIGN_BODIES:
        url = _url(patterns[name], {**world["params"], "token": feed_token, **extra})
        data = body(world, other)
        response, changed = _call(client, "POST", url, data, world["before"])
        if response.status_code >= 500 or changed:
            failures.append(f"POST {url} {data}: {response.status_code}, changed {changed}")
    assert not failures, "\n".join(failures)


# Where a "next" address could send a browser off the site.
OFF_SITE = ("https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example/")


def _pm_session(world: dict[str, Any]) -> tuple[Caller, Client, dict[str, Any]]:
    world["selected"] = WorkflowStatus.objects.get(
        workflow__project=world["project"], key="selected"
    )
    caller = next(c for c in CALLERS if c.name == "project_manager")
    client, feed_token = _clients(world, caller)
    world["before"] = fingerprint()
    return caller, client, {**world["params"], "token": feed_token}


def test_no_redirect_leaves_the_site():
    """Every POST the project manager may make, and every page, given a ``next`` address off
    the site, redirects (if at all) within the site."""
    from django.utils.http import url_has_allowed_host_and_scheme

    world = build_world()
    caller, client, params = _pm_session(world)
    failures: list[str] = []
    for pattern in site_patterns():
        route = ROUTES.get(pattern.name)
        if route is None or pattern.name == "keel-web:logout":
            continue
        url = _url(pattern, params)
        for evil in OFF_SITE:
            calls = [("GET", f"{url}?next={evil}", {})]
            if route.post is not None and route.post(caller) != "405":
                calls.append(("POST", url, {**route.body(world), "next": evil}))
            for method, address, body in calls:
                response, _changed = _call(client, method, address, body, world["before"])
                location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
                if location and not url_has_allowed_host_and_scheme(
                    location, allowed_hosts={"testserver"}
                ):
                    failures.append(f"{method} {address} ({pattern.name}) redirects to {location}")
    assert not failures, "\n".join(failures)


def test_posts_without_the_csrf_token_are_refused():
    """With CSRF checks on (as in a browser), a POST without the token is refused (403) on
    every page and changes nothing."""
    world = build_world()
    caller, client, params = _pm_session(world)
    client.handler.enforce_csrf_checks = True
    failures: list[str] = []
    for pattern in site_patterns():
        route = ROUTES.get(pattern.name)
        if route is None:
            continue
        url = _url(pattern, params)
        response, changed = _call(client, "POST", url, route.body(world), world["before"])
        refused = response.status_code in (403, 405) or (
            route.post is not None and route.post(caller) in ("404", "405")
        )
        if not refused or changed:
            failures.append(f"POST {url} ({pattern.name}): {response.status_code}, {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", ["project_manager", "viewer"])
def test_every_page_in_chinese(name: str):
    """Every page, asked for by someone who reads Keel in 简体中文, answers as in English (the
    same rule) and never fails: dates, numbers and plurals are formatted for zh-hans too."""
    from django.contrib.auth import get_user_model

    world = build_world()
    world["selected"] = WorkflowStatus.objects.get(
        workflow__project=world["project"], key="selected"
    )
    caller = next(c for c in CALLERS if c.name == name)
    client, feed_token = _clients(world, caller)
    get_user_model().objects.filter(username=f"as-{name}").update(language="zh-hans")
    world["before"] = fingerprint()
    params = {**world["params"], "token": feed_token}
    failures: list[str] = []
    pages = 0
    for pattern in site_patterns():
        route = ROUTES.get(pattern.name)
        if route is None or route.get(caller) != "ok":
            continue
        url = _url(pattern, params)
        gets = [(url, route.get, {}), (url, route.get, {"HX-Request": "true"})]
        gets += [(url + q.format(**params), rule or route.get, {}) for q, rule in route.variants]
        for address, rule, headers in gets:
            failures += _check_get(client, caller, pattern.name, address, rule, headers, world)
        response, _changed = _call(client, "GET", url, {}, world["before"])
        if "html" in response.get("Content-Type", "") and response.status_code == 200:
            pages += 1
            if b'lang="zh-hans"' not in response.content and b"<html" in response.content:
                failures.append(f"GET {url} ({pattern.name}) is not in 简体中文")
    assert pages >= 10, "too few pages walked in 简体中文"
    assert not failures, "\n".join(failures)
