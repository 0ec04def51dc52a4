"""The demo portfolio as plain data: three projects, ten people, a real WBS with dependencies.

Deterministic on purpose: no dates relative to "today", no randomness. The loader in
``demo.py`` turns this into rows through the normal services, so the demo obeys every rule a
user's own data does.

Item fields: ``ref`` (local name for links), ``title``, ``type``, ``days`` (planned working
duration), ``after`` (finish-to-start predecessors by ref, or ``(ref, type, lag_days)`` tuples),
``state`` (todo / in_progress / done, mapped onto the project's workflow), ``who`` (username),
``pts`` (story points), ``progress`` (percent), ``labels``, ``children``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PORTFOLIO = {
    "name": "Northwind Transformation",
    "slug": "northwind",
    "description": "The PMO's portfolio for Northwind Bank's 2026–2027 transformation.",
}

PROGRAMS = [
    {
        "ref": "infra",
        "name": "Infrastructure Modernisation",
        "description": "Move off the ageing Shanghai data centre onto the new Suzhou site.",
    },
    {
        "ref": "digital",
        "name": "Digital Channels",
        "description": "Customer-facing apps and their platform.",
    },
    {
        "ref": "biz",
        "name": "Business Systems",
        "description": "Finance, procurement and HR systems.",
    },
]

# username, display name, email; passwords are set by the loader.
USERS = [
    ("liwei", "Li Wei", "liwei@northwind.example"),
    ("alice", "Alice Martin", "alice@northwind.example"),
    ("bob", "Bob Okafor", "bob@northwind.example"),
    ("chen", "Chen Jing", "chen@northwind.example"),
    ("dana", "Dana Novak", "dana@northwind.example"),
    ("erik", "Erik Lindqvist", "erik@northwind.example"),
    ("fatima", "Fatima Haddad", "fatima@northwind.example"),
    ("gao", "Gao Yang", "gao@northwind.example"),
    ("hana", "Hana Suzuki", "hana@customer.example"),
    ("ivan", "Ivan Petrov", "ivan@consulting.example"),
]

TEAMS = [
    {
        "name": "Platform Engineering",
        "slug": "platform",
        "lead": "fatima",
        "members": ["fatima", "gao", "ivan"],
    },
    {"name": "PMO", "slug": "pmo", "lead": "liwei", "members": ["liwei", "alice", "bob", "chen"]},
    {"name": "Quality & Risk", "slug": "quality-risk", "lead": "dana", "members": ["dana", "erik"]},
]

PORTFOLIO_ADMINS = ["liwei"]


def _sprint_items(
    sprint: int, stories: list[tuple[str, int]], state: str, who: list[str]
) -> list[dict[str, Any]]:
    """Stories of one sprint, each with two sub-tasks, assigned round-robin."""
    items: list[dict[str, Any]] = []
    for n, (title, points) in enumerate(stories):
        owner = who[n % len(who)]
        items.append(
            {
                "ref": f"s{sprint}.{n}",
                "title": title,
                "type": "task",
                "pts": points,
                "days": max(1, points // 2),
                "state": state,
                "who": owner,
                "labels": [f"sprint-{sprint}"],
                "children": [
                    {
                        "title": f"Implement: {title.lower()}",
                        "type": "subtask",
                        "days": 1,
                        "state": state,
                        "who": owner,
                    },
                    {
                        "title": f"Test: {title.lower()}",
                        "type": "subtask",
                        "days": 1,
                        "state": state,
                        "who": "dana",
                    },
                ],
            }
        )
    return items


PROJECTS: list[dict[str, Any]] = [
    {
        "key": "DCM",
        "name": "Data-centre migration",
        "program": "infra",
        "template": "waterfall",
        "methodology": "waterfall",
        "status": "active",
        "health": "amber",
        "start_date": date(2026, 9, 1),
        "finish_date": date(2027, 3, 31),
        "goals": "Move 240 workloads from Shanghai DC1 to Suzhou DC2 with no unplanned outage "
        "longer than 30 minutes; retire DC1 by 31 March 2027.",
        "scope": "In scope: servers, storage, network, backup and monitoring for the 240 "
        "catalogued workloads. Out of scope: application re-architecture; mainframe.",
        "members": [
            ("alice", "project_manager"),
            ("bob", "coordinator"),
            ("chen", "finance_manager"),
            ("dana", "qa_manager"),
            ("erik", "risk_manager"),
            ("fatima", "tech_lead"),
            ("gao", "member"),
            ("ivan", "external_consultant"),
            ("hana", "viewer"),
        ],
        "phases": {
            "Initiation": [
                {
                    "ref": "charter",
                    "title": "Project charter signed",
                    "type": "deliverable",
                    "days": 5,
                    "state": "done",
                    "who": "alice",
                },
                {
                    "ref": "inventory",
                    "title": "Workload inventory (240 systems)",
                    "type": "task",
                    "days": 10,
                    "state": "done",
                    "who": "gao",
                    "after": ["charter"],
                },
                {
                    "ref": "stakeholders",
                    "title": "Stakeholder register",
                    "type": "task",
                    "days": 3,
                    "state": "done",
                    "who": "bob",
                    "after": ["charter"],
                },
            ],
            "Planning": [
                {
                    "ref": "waves",
                    "title": "Migration wave plan",
                    "type": "deliverable",
                    "days": 8,
                    "state": "done",
                    "who": "fatima",
                    "after": ["inventory"],
                    "children": [
                        {
                            "ref": "deps-map",
                            "title": "Application dependency mapping",
                            "type": "task",
                            "days": 6,
                            "state": "done",
                            "who": "ivan",
                        },
                        {
                            "ref": "wave-size",
                            "title": "Size and sequence the five waves",
                            "type": "task",
                            "days": 3,
                            "state": "done",
                            "who": "fatima",
                            "after": ["deps-map"],
                        },
                    ],
                },
                {
                    "ref": "net-design",
                    "title": "DC2 network design",
                    "type": "task",
                    "days": 10,
                    "state": "done",
                    "who": "fatima",
                    "after": ["inventory"],
                },
                {
                    "ref": "budget",
                    "title": "Migration budget approved",
                    "type": "task",
                    "days": 5,
                    "state": "done",
                    "who": "chen",
                    "after": ["waves"],
                },
                {
                    "ref": "test-strategy",
                    "title": "Test and rollback strategy",
                    "type": "task",
                    "days": 5,
                    "state": "in_progress",
                    "who": "dana",
                    "progress": 60,
                    "after": [("waves", "SS", 2)],
                },
                {
                    "ref": "risk-plan",
                    "title": "Risk management plan",
                    "type": "task",
                    "days": 4,
                    "state": "done",
                    "who": "erik",
                    "after": ["charter"],
                },
            ],
            "Execution": [
                {
                    "ref": "dc2-ready",
                    "title": "DC2 site readiness",
                    "type": "deliverable",
                    "days": 20,
                    "who": "fatima",
                    "state": "in_progress",
                    "progress": 40,
                    "children": [
                        {
                            "ref": "racks",
                            "title": "Install racks and power",
                            "type": "task",
                            "days": 8,
                            "state": "done",
                            "who": "gao",
                            "after": ["net-design"],
                        },
                        {
                            "ref": "core-net",
                            "title": "Core network build",
                            "type": "task",
                            "days": 10,
                            "state": "in_progress",
                            "progress": 50,
                            "who": "ivan",
                            "after": ["racks"],
                        },
                        {
                            "ref": "storage",
                            "title": "Storage arrays commissioned",
                            "type": "task",
                            "days": 6,
                            "state": "todo",
                            "who": "gao",
                            "after": [("racks", "SS", 3)],
                        },
                        {
                            "ref": "backup",
                            "title": "Backup and DR replication",
                            "type": "task",
                            "days": 7,
                            "state": "todo",
                            "who": "gao",
                            "after": ["storage"],
                        },
                        {
                            "ref": "monitoring",
                            "title": "Monitoring stack in DC2",
                            "type": "task",
                            "days": 5,
                            "state": "todo",
                            "who": "fatima",
                            "after": [("core-net", "FF", 0)],
                        },
                    ],
                },
                {
                    "ref": "dc2-accept",
                    "title": "DC2 accepted for production",
                    "type": "milestone",
                    "days": 0,
                    "state": "todo",
                    "who": "alice",
                    "after": ["core-net", "backup", "monitoring"],
                },
                *[
                    {
                        "ref": f"wave{w}",
                        "title": f"Wave {w}: {name}",
                        "type": "deliverable",
                        "state": "todo",
                        "who": "fatima",
                        "children": [
                            {
                                "ref": f"wave{w}.rehearse",
                                "title": f"Wave {w} rehearsal",
                                "type": "task",
                                "days": 3,
                                "state": "todo",
                                "who": "ivan",
                                "after": [
                                    "dc2-accept" if w == 1 else f"wave{w - 1}.cutover",
                                    "test-strategy",
                                ],
                            },
                            {
                                "ref": f"wave{w}.freeze",
                                "title": f"Wave {w} change freeze",
                                "type": "task",
                                "days": 2,
                                "state": "todo",
                                "who": "bob",
                                "after": [(f"wave{w}.rehearse", "FF", 0)],
                            },
                            {
                                "ref": f"wave{w}.cutover",
                                "title": f"Wave {w} cut-over weekend",
                                "type": "task",
                                "days": 2,
                                "state": "todo",
                                "who": "fatima",
                                "after": [f"wave{w}.rehearse"],
                            },
                            {
                                "ref": f"wave{w}.verify",
                                "title": f"Wave {w} business verification",
                                "type": "task",
                                "days": 2,
                                "state": "todo",
                                "who": "dana",
                                "after": [f"wave{w}.cutover"],
                            },
                            {
                                "ref": f"wave{w}.done",
                                "title": f"Wave {w} migrated",
                                "type": "milestone",
                                "days": 0,
                                "state": "todo",
                                "who": "alice",
                                "after": [f"wave{w}.verify"],
                            },
                        ],
                    }
                    for w, name in [
                        (1, "internal tools"),
                        (2, "reporting"),
                        (3, "payments back office"),
                        (4, "core banking satellites"),
                        (5, "customer channels"),
                    ]
                ],
            ],
            "Monitoring & Control": [
                {
                    "ref": "weekly-status",
                    "title": "Weekly status reporting",
                    "type": "task",
                    "days": 100,
                    "state": "in_progress",
                    "progress": 30,
                    "who": "bob",
                    "after": [("charter", "SS", 5)],
                },
                {
                    "ref": "risk-reviews",
                    "title": "Fortnightly risk reviews",
                    "type": "task",
                    "days": 100,
                    "state": "in_progress",
                    "progress": 30,
                    "who": "erik",
                    "after": [("risk-plan", "FS", 0)],
                },
            ],
            "Closure": [
                {
                    "ref": "dc1-decom",
                    "title": "Decommission DC1",
                    "type": "task",
                    "days": 15,
                    "state": "todo",
                    "who": "gao",
                    "after": ["wave5.done"],
                },
                {
                    "ref": "handover",
                    "title": "Operations handover",
                    "type": "deliverable",
                    "days": 5,
                    "state": "todo",
                    "who": "fatima",
                    "after": ["wave5.done"],
                },
                {
                    "ref": "lessons",
                    "title": "Lessons learned workshop",
                    "type": "task",
                    "days": 2,
                    "state": "todo",
                    "who": "alice",
                    "after": ["dc1-decom", "handover"],
                },
            ],
        },
    },
    {
        "key": "MBA",
        "name": "Mobile banking app",
        "program": "digital",
        "template": "scrum",
        "methodology": "scrum",
        "status": "active",
        "health": "green",
        "start_date": date(2026, 10, 5),
        "finish_date": date(2027, 2, 26),
        "goals": "Release the new iOS and Android app to 1.2 million retail customers with a "
        "4.5-star store rating within three months of launch.",
        "scope": "Accounts, transfers, card controls, notifications and biometric login. "
        "Out of scope: wealth products; business banking.",
        "members": [
            ("alice", "project_manager"),
            ("fatima", "tech_lead"),
            ("gao", "member"),
            ("ivan", "member"),
            ("dana", "qa_manager"),
            ("hana", "customer_representative"),
            ("chen", "finance_manager"),
            ("erik", "risk_manager"),
            ("bob", "viewer"),
        ],
        "items": [
            {
                "ref": "ep-onb",
                "title": "Onboarding and login",
                "type": "epic",
                "who": "fatima",
                "children": _sprint_items(
                    1,
                    [
                        ("Biometric login", 5),
                        ("Device binding", 8),
                        ("First-run tutorial", 3),
                        ("Password reset", 3),
                    ],
                    "done",
                    ["gao", "ivan"],
                ),
            },
            {
                "ref": "ep-acc",
                "title": "Accounts and transfers",
                "type": "epic",
                "who": "fatima",
                "children": _sprint_items(
                    2,
                    [
                        ("Account overview", 5),
                        ("Transaction history", 5),
                        ("Domestic transfer", 8),
                        ("Transfer limits", 3),
                    ],
                    "in_progress",
                    ["ivan", "gao"],
                ),
            },
            {
                "ref": "ep-card",
                "title": "Card controls",
                "type": "epic",
                "who": "gao",
                "children": _sprint_items(
                    3,
                    [("Freeze and unfreeze card", 3), ("Spending limits", 5), ("Travel notice", 2)],
                    "todo",
                    ["gao"],
                ),
            },
            {
                "ref": "ep-notif",
                "title": "Notifications",
                "type": "epic",
                "who": "ivan",
                "children": _sprint_items(
                    4,
                    [("Push notification service", 8), ("Notification preferences", 3)],
                    "todo",
                    ["ivan"],
                ),
            },
            {
                "ref": "bug-1",
                "title": "Balance flickers on pull-to-refresh",
                "type": "bug",
                "days": 1,
                "state": "in_progress",
                "who": "gao",
                "labels": ["ios"],
            },
            {
                "ref": "bug-2",
                "title": "Android back button exits transfer flow",
                "type": "bug",
                "days": 1,
                "state": "todo",
                "who": "ivan",
                "labels": ["android"],
            },
            {
                "ref": "bug-3",
                "title": "Tutorial text cut off in 简体中文",
                "type": "bug",
                "days": 1,
                "state": "done",
                "who": "gao",
                "labels": ["i18n"],
            },
            {
                "ref": "beta",
                "title": "Closed beta with 500 customers",
                "type": "milestone",
                "days": 0,
                "state": "todo",
                "who": "alice",
                "after": ["s2.2", "s3.0"],
            },
            {
                "ref": "pentest",
                "title": "External penetration test",
                "type": "task",
                "days": 10,
                "state": "todo",
                "who": "erik",
                "after": [("beta", "SS", 0)],
            },
            {
                "ref": "store",
                "title": "App store submission",
                "type": "task",
                "days": 5,
                "state": "todo",
                "who": "fatima",
                "after": ["pentest", "s4.0"],
            },
            {
                "ref": "launch",
                "title": "Public launch",
                "type": "milestone",
                "days": 0,
                "state": "todo",
                "who": "alice",
                "after": ["store"],
            },
        ],
        "story_links": [
            ("s1.1", "s2.2"),
            ("s2.0", "s2.1"),
            ("s2.2", "s2.3"),
            ("s1.0", "s3.0"),
            ("s2.2", "s4.0"),
        ],
    },
    {
        "key": "ERP",
        "name": "ERP roll-out",
        "program": "biz",
        "template": "hybrid",
        "methodology": "hybrid",
        "status": "active",
        "health": "red",
        "start_date": date(2026, 7, 6),
        "finish_date": date(2027, 4, 30),
        "goals": "Replace three legacy finance systems with one ERP; close the books in 5 days "
        "instead of 12.",
        "scope": "General ledger, accounts payable and receivable, procurement, fixed assets; "
        "China and Germany entities. Out of scope: payroll.",
        "members": [
            ("bob", "project_manager"),
            ("alice", "coordinator"),
            ("chen", "finance_manager"),
            ("dana", "qa_manager"),
            ("erik", "risk_manager"),
            ("ivan", "external_consultant"),
            ("gao", "member"),
            ("fatima", "tech_lead"),
            ("hana", "customer_representative"),
            ("liwei", "viewer"),
        ],
        "phases": {
            "Initiation": [
                {
                    "ref": "case",
                    "title": "Business case approved",
                    "type": "deliverable",
                    "days": 10,
                    "state": "done",
                    "who": "chen",
                },
                {
                    "ref": "vendor",
                    "title": "ERP vendor selection",
                    "type": "task",
                    "days": 15,
                    "state": "done",
                    "who": "ivan",
                    "after": ["case"],
                },
            ],
            "Planning": [
                {
                    "ref": "fit-gap",
                    "title": "Fit-gap analysis",
                    "type": "deliverable",
                    "state": "done",
                    "who": "ivan",
                    "after": ["vendor"],
                    "children": [
                        {
                            "ref": f"fg-{m}",
                            "title": f"Fit-gap workshops: {name}",
                            "type": "task",
                            "days": 4,
                            "state": "done",
                            "who": "ivan",
                        }
                        for m, name in [
                            ("gl", "general ledger"),
                            ("ap", "accounts payable"),
                            ("ar", "accounts receivable"),
                            ("po", "procurement"),
                            ("fa", "fixed assets"),
                        ]
                    ],
                },
                {
                    "ref": "data-strategy",
                    "title": "Data migration strategy",
                    "type": "task",
                    "days": 6,
                    "state": "done",
                    "who": "gao",
                    "after": ["fit-gap"],
                },
                {
                    "ref": "release-plan",
                    "title": "Release plan (three releases)",
                    "type": "task",
                    "days": 4,
                    "state": "done",
                    "who": "bob",
                    "after": ["fit-gap"],
                },
            ],
            "Execution": [
                *[
                    {
                        "ref": f"rel{r}",
                        "title": f"Release {r}: {name}",
                        "type": "deliverable",
                        "who": "fatima",
                        "state": state,
                        "children": [
                            {
                                "ref": f"rel{r}.config",
                                "title": f"Configure {name}",
                                "type": "task",
                                "days": 15,
                                "state": state,
                                "who": "ivan",
                                "progress": 100
                                if state == "done"
                                else (45 if state == "in_progress" else 0),
                                "after": ["release-plan" if r == 1 else f"rel{r - 1}.config"],
                            },
                            {
                                "ref": f"rel{r}.integr",
                                "title": f"Interfaces for {name}",
                                "type": "task",
                                "days": 10,
                                "state": state,
                                "who": "gao",
                                "after": [(f"rel{r}.config", "SS", 5)],
                            },
                            {
                                "ref": f"rel{r}.migr",
                                "title": f"Data migration dry run: {name}",
                                "type": "task",
                                "days": 5,
                                "state": state,
                                "who": "gao",
                                "after": [f"rel{r}.config", "data-strategy"],
                            },
                            {
                                "ref": f"rel{r}.sit",
                                "title": f"System integration test: {name}",
                                "type": "task",
                                "days": 8,
                                "state": state,
                                "who": "dana",
                                "after": [f"rel{r}.integr", f"rel{r}.migr"],
                            },
                            {
                                "ref": f"rel{r}.uat",
                                "title": f"User acceptance test: {name}",
                                "type": "task",
                                "days": 6,
                                "state": state,
                                "who": "hana",
                                "after": [f"rel{r}.sit"],
                            },
                            {
                                "ref": f"rel{r}.train",
                                "title": f"Key-user training: {name}",
                                "type": "task",
                                "days": 3,
                                "state": state,
                                "who": "alice",
                                "after": [(f"rel{r}.uat", "FF", 2)],
                            },
                            {
                                "ref": f"rel{r}.golive",
                                "title": f"Release {r} go-live",
                                "type": "milestone",
                                "days": 0,
                                "state": state,
                                "who": "bob",
                                "after": [f"rel{r}.uat", f"rel{r}.train"],
                            },
                            {
                                "ref": f"rel{r}.defects",
                                "title": f"Defect fixing sprint ({name})",
                                "type": "bug",
                                "days": 5,
                                "state": state,
                                "who": "ivan",
                                "after": [(f"rel{r}.sit", "SS", 2)],
                            },
                        ],
                    }
                    for r, name, state in [
                        (1, "general ledger", "done"),
                        (2, "payables and receivables", "in_progress"),
                        (3, "procurement and assets", "todo"),
                    ]
                ],
            ],
            "Monitoring & Control": [
                {
                    "ref": "steering",
                    "title": "Monthly steering committee",
                    "type": "task",
                    "days": 180,
                    "state": "in_progress",
                    "progress": 40,
                    "who": "bob",
                    "after": [("case", "SS", 10)],
                },
            ],
            "Closure": [
                {
                    "ref": "hypercare",
                    "title": "Hypercare (six weeks)",
                    "type": "task",
                    "days": 30,
                    "state": "todo",
                    "who": "fatima",
                    "after": ["rel3.golive"],
                },
                {
                    "ref": "legacy-off",
                    "title": "Switch off legacy finance systems",
                    "type": "task",
                    "days": 5,
                    "state": "todo",
                    "who": "gao",
                    "after": ["hypercare"],
                },
                {
                    "ref": "erp-close",
                    "title": "Project closure report",
                    "type": "deliverable",
                    "days": 3,
                    "state": "todo",
                    "who": "bob",
                    "after": ["legacy-off"],
                },
            ],
        },
    },
]

COMMENTS = [
    (
        "DCM",
        "core-net",
        "fatima",
        "Two of the four core switches arrived; @gao can start patching rack A on Monday.",
    ),
    ("DCM", "core-net", "gao", "Rack A is patched. Waiting on the second pair, ETA Thursday."),
    (
        "DCM",
        "test-strategy",
        "dana",
        "Rollback drill needs a full backup restore window; "
        "@alice please confirm the weekend slot.",
    ),
    ("MBA", "bug-1", "hana", "Customers in the pilot group report this daily, please prioritise."),
    (
        "ERP",
        "rel2.config",
        "ivan",
        "AP approval workflow differs between CN and DE entities; @chen to confirm the thresholds.",
    ),
    ("ERP", "rel2.config", "chen", "CN: 50,000 CNY, DE: 10,000 EUR. Documented in the fit-gap."),
]
