"""Writes to projects, each in one transaction."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from changes import cascade, log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing
from people.services import clean_name

from .models import Project

PROJECT_FIELDS = ("name", "client", "status", "start_date", "end_date")


def _apply(project: Project, data: Mapping[str, Any]) -> None:
    if "name" in data:
        project.name = clean_name(data["name"], "input.name")
    if "client" in data:
        client = data["client"]
        project.client = clean_name(client, "input.client") if client and client.strip() else None
    if "status" in data:
        if data["status"] is None:
            raise InvalidInput("input.status must not be null", "input.status")
        project.status = data["status"]
    for key in ("start_date", "end_date"):
        if key in data:
            setattr(project, key, data[key])
    start: dt.date | None = project.start_date
    end: dt.date | None = project.end_date
    if start is not None and end is not None and end < start:
        raise InvalidInput("input.endDate must not be before input.startDate", "input.endDate")


def get_project(project_id: int, field: str, lock: bool = False) -> Project:
    qs = Project.objects.select_for_update() if lock else Project.objects.all()
    try:
        return qs.get(pk=project_id)
    except Project.DoesNotExist:
        raise Missing(f"Project {project_id} not found", field) from None


@write_transaction
def create_project(data: Mapping[str, Any]) -> Project:
    if "name" not in data:
        raise InvalidInput("input.name is required", "input.name")
    project = Project()
    _apply(project, data)
    project.save()
    fields = log.created(log.snapshot(project, PROJECT_FIELDS))
    log.append_one(log.PROJECT, project.pk, log.CREATE, fields)
    return project


@write_transaction
def update_project(project_id: int, data: Mapping[str, Any]) -> Project:
    project = get_project(project_id, "id", lock=True)
    before = log.snapshot(project, PROJECT_FIELDS)
    _apply(project, data)
    project.save()
    fields = log.diff(before, log.snapshot(project, PROJECT_FIELDS))
    if fields:
        log.append_one(log.PROJECT, project.pk, log.UPDATE, fields)
    return project


@write_transaction
def delete_project(project_id: int) -> None:
    project = get_project(project_id, "id", lock=True)
    before = log.snapshot(project, PROJECT_FIELDS)
    cascaded = cascade.delete([project])  # its assignments: one DELETE row each, first
    log.append([*cascaded, log.Entry(log.PROJECT, project_id, log.DELETE, log.deleted(before))])
