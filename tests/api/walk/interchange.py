"""Route-walk declarations for interchange (see tests/api/walk/__init__.py)."""

from collections.abc import Callable
from typing import Any

from tests.api.walk import PROJECT, USER, P

from keel.apps.interchange import services
from keel.apps.projects.access import ROLE_PERMISSIONS, Permission
from keel.apps.projects.models import Role

# Export is a read that a viewer does not hold (data.export), so it has its own scope; another
# user's feed token is not found by anyone else.
EXPORT_READ, OTHERS_FEED_TOKEN = "export read", "others' feed token"


def _needs(perm: Permission) -> Callable[[Role | None], str]:
    def expected(role: Role | None) -> str:
        if role is None:
            return "404"
        return "2xx" if perm in ROLE_PERMISSIONS[role] else "403"

    return expected


SCOPES: dict[str, Callable[[Role | None], str]] = {
    EXPORT_READ: _needs(P.DATA_EXPORT),
    OTHERS_FEED_TOKEN: lambda role: "404",
}

# A two-row task template imported into the walked project (it names the project in its body).
_CSV = "WBS,Title,Duration (days),Predecessors\n1,Walk design,3,\n2,Walk build,5,1FS\n"

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("POST", "/projects/import/preview"): (PROJECT, P.DATA_IMPORT),
    ("POST", "/projects/import"): (PROJECT, P.DATA_IMPORT),
    ("GET", "/projects/{key}/export"): (EXPORT_READ, P.DATA_EXPORT),
    ("GET", "/me/feed-tokens"): (USER, None),
    ("POST", "/me/feed-tokens"): (USER, None),
    ("DELETE", "/me/feed-tokens/{feed_token_id}"): (OTHERS_FEED_TOKEN, None),
}
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/projects/import/preview"): lambda w: {
        "content": _CSV,
        "format": "csv",
        "project": w["project"].key,
    },
    ("POST", "/projects/import"): lambda w: {
        "content": _CSV,
        "format": "csv",
        "project": w["project"].key,
        "confirm": True,
    },
    ("POST", "/me/feed-tokens"): lambda w: {"name": "Walk calendar"},
}


def world_extend(world: dict[str, Any]) -> None:
    """A feed token of the project manager's (which no walker may revoke)."""
    token, _raw = services.feed_token_create(actor=world["project"].manager, name="PM calendar")
    world["params"]["feed_token_id"] = token.pk
