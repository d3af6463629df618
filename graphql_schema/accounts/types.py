import strawberry

from graphql_schema.context import Info
from graphql_schema.policy import policy


@strawberry.type
class Viewer:
    username: str
    is_staff: bool
    can_write: bool = strawberry.field(description="True with the write scope (or a session).")
    auth_method: str = strawberry.field(description='"token" or "session".')

    @strawberry.field(
        description="Departments the viewer is restricted to; null: all of them.",
        metadata=policy(per_viewer=True),
    )
    def department_ids(self, info: Info) -> list[strawberry.ID] | None:
        viewer = info.context.require_viewer()
        if viewer.department_roots is None:
            return None
        return [strawberry.ID(str(d)) for d in sorted(viewer.department_roots)]


@strawberry.type
class ViewerQuery:
    @strawberry.field(metadata=policy(per_viewer=True))
    def viewer(self, info: Info) -> Viewer:
        v = info.context.require_viewer()
        return Viewer(
            username=v.username, is_staff=v.is_staff, can_write=v.can_write, auth_method=v.auth
        )


@strawberry.type(description="The caller's hourly points budget, after this request.")
class RateLimit:
    limit: int
    remaining: int
    used: int
    reset_at: str = strawberry.field(description="When the budget refills (ISO 8601, UTC).")
    cost: int = strawberry.field(description="Points this request cost.")


@strawberry.type
class RateLimitQuery:
    # the budget after this very request: never an answer from the cache
    @strawberry.field(metadata=policy(per_viewer=True, uncacheable=True))
    def rate_limit(self, info: Info) -> RateLimit:
        info.context.require_viewer()
        budget = info.context.budget
        return RateLimit(
            limit=budget.limit,
            remaining=budget.remaining,
            used=budget.used,
            reset_at=budget.reset_iso,
            cost=budget.cost,
        )
