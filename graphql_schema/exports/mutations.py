from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async

from exports import dispatch, services
from graphql_schema.context import Info
from graphql_schema.filters import department_ids
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy
from graphql_schema.validation import FromArg, check_range, week_or_current

from .types import ExportFormat, ExportJob


@strawberry.type
class ExportsMutation:
    @strawberry.mutation(
        permission_classes=AUTH,
        description=(
            "Build the assignment grid of every active person in scope as a CSV or XLSX file, "
            f"in the background: `weeks` is 1..{services.MAX_WEEKS}. Poll `job(id)`. "
            "Read-scope tokens may export (it only reads); a department-restricted one gets "
            "its departments only. Placeholders' rows follow the people's; with "
            "includeTentative false, tentative assignments and hours are left out."
        ),
        metadata=policy(per_viewer=True),  # the job is the viewer's
    )
    async def request_grid_export(
        self,
        info: Info,
        *,
        from_: FromArg = None,
        weeks: int,
        department: strawberry.ID | None = None,
        include_children: bool | None = True,
        format: ExportFormat,
        include_tentative: bool | None = True,
    ) -> ExportJob:
        viewer = info.context.require_viewer()
        weeks = check_range(weeks, "weeks", 1, services.MAX_WEEKS)
        first = week_or_current(from_, "from", weeks)
        # Checks that the department exists (NOT_FOUND otherwise), as the reports do.
        await department_ids(info, department, include_children)
        params = {
            "from": first.isoformat(),
            "weeks": weeks,
            "department": None if department is None else int(department),
            "includeChildren": bool(include_children),
            "includeTentative": include_tentative is not False,
        }
        job = await sync_to_async(dispatch.request_export)(
            viewer.user_id, viewer.token_id, format.value, params
        )
        return ExportJob(_job=job)
