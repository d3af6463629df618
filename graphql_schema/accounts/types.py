import strawberry

from graphql_schema.context import Info


@strawberry.type
class Viewer:
    username: str
    is_staff: bool
    can_write: bool = strawberry.field(description="True with the write scope (or a session).")
    auth_method: str = strawberry.field(description='"token" or "session".')

    @strawberry.field(description="Departments the viewer is restricted to; null: all of them.")
    def department_ids(self, info: Info) -> list[strawberry.ID] | None:
        viewer = info.context.require_viewer()
        if viewer.department_roots is None:
            return None
        return [strawberry.ID(str(d)) for d in sorted(viewer.department_roots)]


@strawberry.type
class ViewerQuery:
    @strawberry.field
    def viewer(self, info: Info) -> Viewer:
        v = info.context.require_viewer()
        return Viewer(
            username=v.username, is_staff=v.is_staff, can_write=v.can_write, auth_method=v.auth
        )
