"""Demo project ERP: a hybrid ERP roll-out, phases with three agile releases inside."""

from __future__ import annotations

from datetime import date
from typing import Any

ERP: dict[str, Any] = {
    "key": "ERP",
    "name": "ERP roll-out",
    "program": "biz",
    "template": "hybrid",
    "methodology": "hybrid",
    "status": "active",
    "health": "red",
    "start_date": date(2026, 7, 6),
    "finish_date": date(2027, 4, 30),
    # Scheduled on mainland China's working calendar: statutory holidays and 调休 weekends.
    "calendar": {"country": "CN"},
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
}
