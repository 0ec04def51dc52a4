"""Route-walk declarations, one module per area, merged by tests/api/test_route_walk.py.

Each area module defines
  ROUTES: {(method, path): (scope, permission)}  with a scope below or one of its own SCOPES;
  BODIES: {(method, path): lambda world: body}   minimal valid request bodies;
  world_extend(world)                             adds its objects to the walk's world and its
                                                  path parameters to world["params"];
  SCOPES (optional): {scope: lambda role: "2xx" | "403" | "404" | "400"} for callers holding
                     ``role`` on the walked project (None: an outsider).
"""

from keel.apps.projects.access import Permission

P = Permission
# USER: any signed-in person; STAFF: site administrators only; PORTFOLIO: decided by portfolio
# permissions; PROJECT: decided by the caller's project role (routes with {key} in the path).
USER, STAFF, PORTFOLIO, PROJECT = "user", "staff", "portfolio", "project"
# A portfolio named in the body: outsiders get the 400 of a portfolio that does not exist.
NAMED_PORTFOLIO = "named portfolio"

AREAS = ("baselines", "resources", "finance", "risk", "interchange", "calendars")
