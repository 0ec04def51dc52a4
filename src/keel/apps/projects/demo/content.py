"""The demo portfolio as plain data: three projects, ten people, a real WBS with dependencies.

Deterministic on purpose: no dates relative to "today", no randomness. The loader in
``keel.apps.projects.demo`` turns this into rows through the normal services, so the demo obeys
every rule a user's own data does.

Item fields: ``ref`` (local name for links), ``title``, ``type``, ``days`` (planned working
duration), ``after`` (finish-to-start predecessors by ref, or ``(ref, type, lag_days)`` tuples),
``state`` (todo / in_progress / done, mapped onto the project's workflow), ``who`` (username),
``pts`` (story points), ``progress`` (percent), ``labels``, ``children``.
"""

from __future__ import annotations

from typing import Any

from keel.apps.projects.demo.dcm import DCM
from keel.apps.projects.demo.erp import ERP
from keel.apps.projects.demo.mba import MBA

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

PROJECTS: list[dict[str, Any]] = [DCM, MBA, ERP]

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
