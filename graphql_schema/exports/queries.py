from __future__ import annotations

import uuid

import strawberry

from exports.services import owned
from graphql_schema.context import Info
from graphql_schema.errors import NotFound
from graphql_schema.permissions import AUTH
from graphql_schema.policy import policy

from .types import ExportJob


def parse_job_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@strawberry.type
class ExportsQuery:
    @strawberry.field(
        permission_classes=AUTH,
        description="An export job you requested (another owner's reads as NOT_FOUND).",
        # the job's progress changes without a write: never an answer from the cache
        metadata=policy(per_viewer=True, uncacheable=True),
    )
    async def job(self, info: Info, id: strawberry.ID) -> ExportJob | None:
        viewer = info.context.require_viewer()
        job_id = parse_job_id(id)
        # A malformed id names no job: the same answer as another owner's job.
        found = None if job_id is None else await owned(viewer).filter(pk=job_id).afirst()
        if found is None:
            raise NotFound(f"Export job {id} not found", field="id")
        return ExportJob(_job=found)
