from __future__ import annotations

import datetime as dt
import enum

import strawberry
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob as ExportJobModel
from graphql_schema.context import Info


@strawberry.enum
class ExportFormat(enum.Enum):
    CSV = "csv"
    XLSX = "xlsx"


@strawberry.enum
class ExportStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


@strawberry.type(description="Where to download a finished export, and until when.")
class ExportResult:
    url: str = strawberry.field(
        description="GET it with the same token (or session) that requested the export."
    )
    expires_at: str = strawberry.field(description="ISO 8601, UTC; then the URL answers 410.")


def _status(job: ExportJobModel) -> ExportStatus:
    if (
        job.status == ExportJobModel.Status.SUCCEEDED
        and job.expires_at is not None
        and job.expires_at <= timezone.now()
    ):
        return ExportStatus.EXPIRED  # not yet swept by cleanup_exports, already gone for good
    return ExportStatus(job.status)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@strawberry.type(
    name="ExportJob",
    description=(
        "A background grid export (requestGridExport): poll `job(id)` until `status` is "
        "SUCCEEDED, then download `result.url`."
    ),
)
class ExportJob:
    _job: strawberry.Private[ExportJobModel]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self._job.id))

    @strawberry.field
    def status(self) -> ExportStatus:
        return _status(self._job)

    @strawberry.field(description="0..100.")
    def progress(self) -> int:
        return self._job.progress

    @strawberry.field
    def format(self) -> ExportFormat:
        return ExportFormat(self._job.format)

    @strawberry.field(description="ISO 8601, UTC.")
    def created_at(self) -> str:
        return _iso(self._job.created_at) or ""

    @strawberry.field(description="ISO 8601, UTC; null until the job succeeds or fails.")
    def finished_at(self) -> str | None:
        return _iso(self._job.finished_at)

    @strawberry.field(description="Null until SUCCEEDED, and again once EXPIRED.")
    def result(self, info: Info) -> ExportResult | None:
        job = self._job
        if _status(job) != ExportStatus.SUCCEEDED or job.expires_at is None:
            return None
        path = reverse("export-download", args=[job.id])
        request = info.context.request
        url = request.build_absolute_uri(path) if request is not None else path
        return ExportResult(url=url, expires_at=_iso(job.expires_at) or "")

    @strawberry.field(description="Why a FAILED job failed.")
    def error(self) -> str | None:
        return self._job.error or None
