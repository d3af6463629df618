"""GraphiQL at GET /graphql (in DEBUG, or for staff): GraphiQL 3.8.3 and React 18, vendored
into api/static/graphiql/ by `manage.py vendor_graphiql` and served by this server with
Subresource Integrity, so the IDE works with no network. The first tab holds the README's
example query; the headers editor takes `{"Authorization": "Bearer <token>"}`."""

import json
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

VENDOR_JSON = Path(__file__).resolve().parent / "static" / "graphiql" / "VENDOR.json"

# The README's example ("A planning query"; a test keeps the two equal), after a hint.
EXAMPLE_QUERY = """\
{
  people(first: 2, department: "1", includeChildren: true) {
    edges { node {
      id name role { name } department { name }
      hoursByWeek(weeks: 2) { week hours capacity utilizationPercent }
      skillScore(skills: ["Python", "React"]) { score matchedSkills missingSkills }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
HINT = """\
# capgraph's GraphQL API: press Run (Ctrl-Enter).
# Signed in to the app or /admin/? That is all.
# Otherwise put this in Headers below:
#   {"Authorization": "Bearer <token>"}
# (make run printed one; so does create_api_token)
"""


@cache
def subresource_integrity() -> dict[str, str]:
    """{"graphiql_min_js": "sha384-...", ...} from VENDOR.json."""
    files = json.loads(VENDOR_JSON.read_text())["files"]
    return {name.replace(".", "_").replace("-", "_"): sri for name, sri in files.items()}


def page(request: HttpRequest) -> HttpResponse:
    config = {
        "endpoint": request.path,
        "csrfToken": get_token(request),
        "exampleQuery": HINT + EXAMPLE_QUERY,
    }
    html = render_to_string(
        "api/graphiql.html", {"config": config, "sri": subresource_integrity()}, request
    )
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"  # it holds a CSRF token
    return response
