"""Policies declared on the field they govern, read back from the schema by the edge.

- Cost: what one list field without a size argument (`first`, `limit`, `weeks`) is assumed
  to hold, `rows: list[HeatmapRow] = strawberry.field(metadata=policy(items=500))`.
  api/limits.py multiplies the field's selection by it; a test fails for a list of objects
  without a size argument that declares none. `sized`: an object field priced as a list of
  its size argument (`Person.weekMaps(weeks: 12)`, maps of 12 weeks, costs what the typed
  `hoursByWeek(weeks: 12)` list does).
- Per viewer: the answer differs per user (the resolver reads the viewer), so a cached
  answer is keyed by the user, not only by the scope. A test fails for a resolver that reads
  the viewer without it.
- Uncacheable: the answer differs per request or changes without a write (an export job's
  progress, the rate-limit budget): never served from the response cache.

api/documents.py reads per-viewer and uncacheable from every field an operation selects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_POLICY = "capgraph.policy"


@dataclass(frozen=True, slots=True)
class FieldPolicy:
    items: int | None = None  # what the list is assumed to hold without a size argument
    page: bool = False  # a connection's edges: as many as the connection's `first`
    sized: bool = False  # an object priced as a list of its size argument (week maps)
    per_viewer: bool = False
    uncacheable: bool = False


NONE = FieldPolicy()


def policy(
    *,
    items: int | None = None,
    page: bool = False,
    sized: bool = False,
    per_viewer: bool = False,
    uncacheable: bool = False,
) -> dict[str, FieldPolicy]:
    """Field metadata: `@strawberry.field(metadata=policy(per_viewer=True))`."""
    return {_POLICY: FieldPolicy(items, page, sized, per_viewer, uncacheable)}


def policy_of(definition: Any) -> FieldPolicy:
    """The policy a GraphQL field was declared with (NONE for none, or introspection)."""
    origin = (getattr(definition, "extensions", None) or {}).get("strawberry-definition")
    found = (getattr(origin, "metadata", None) or {}).get(_POLICY)
    return found if isinstance(found, FieldPolicy) else NONE
