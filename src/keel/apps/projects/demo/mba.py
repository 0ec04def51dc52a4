"""Demo project MBA: a scrum mobile-banking app in four sprints of stories and sub-tasks."""

from __future__ import annotations

from datetime import date
from typing import Any


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


MBA: dict[str, Any] = {
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
}
