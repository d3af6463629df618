"""Deleting with the change log's view of cascades: deleting a person deletes their
assignments (with their weeks), time off and work schedules; deleting a placeholder its
assignments; deleting a project its assignments (of people and of placeholders). A
partner's mirror must hear of each of those rows, so a delete goes through `delete`, which
collects what cascades (Django's own Collector, as Model.delete does), deletes it all, and
returns one DELETE entry per deleted row of a logged type besides the deleted objects
themselves, with every field it had, scoped by its person's (its placeholder's) department.
An assignment's entry names its owner as the services do: `personId` or `placeholderId`,
never the empty other one. Rows that stay but lose a reference (SET_NULL: a deleted
department's people and placeholders, a role's people, a calendar's departments and
people) get one UPDATE entry each, that column before and after; a person or placeholder
that loses its department is a move out of the nearest department that survives the delete
(`previous_department_id`), so tokens limited to it see a removal. The caller appends them
with its own entries, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import models, router
from django.db.models.deletion import Collector

from . import log


def _department_of_people(
    person_ids: set[int], known: dict[int, int | None]
) -> dict[int, int | None]:
    """Departments of the people owning cascaded rows: the deleted people's from memory,
    the others' in one query."""
    from people.models import Person

    missing = person_ids - known.keys()
    found = dict(known)
    if missing:
        found.update(Person.objects.filter(pk__in=missing).values_list("id", "department_id"))
    return found


def _department_of_placeholders(
    placeholder_ids: set[int], known: dict[int, int | None]
) -> dict[int, int | None]:
    from demand.models import Placeholder

    missing = placeholder_ids - known.keys()
    found = dict(known)
    if missing:
        found.update(Placeholder.objects.filter(pk__in=missing).values_list("id", "department_id"))
    return found


def _fields(obj: models.Model) -> list[str]:
    """Every column but the owner an assignment does not have (people.person or
    demand.placeholder: exactly one is set)."""
    names = log.model_fields(type(obj))
    if "placeholder_id" in names and "person_id" in names:
        empty = "placeholder_id" if obj.placeholder_id is None else "person_id"  # type: ignore[attr-defined]
        names.remove(empty)
    return names


def _nulled(collector: Collector, gone: set[tuple[str, Any]]) -> list[log.Entry]:
    """One UPDATE per row of a logged type that the delete will leave with a column set to
    NULL (the collector's field updates), ordered by entity type, column, then id. Reading a
    lazy queryset here fills its cache, and Django then updates those rows by id: the same
    rows."""
    order = {kind: i for i, kind in enumerate(log.ENTITY_TYPES)}
    # A row that loses its department leaves it for good, and a token's scope is read when it
    # reads the log: the deleted department is in no scope by then. Its nearest surviving
    # ancestor is, in the scope of every token that saw the row through an ancestor (a token
    # limited to the deleted department alone has nothing left to see). Departments with
    # children cannot be deleted alone (PROTECT), so the parent is usually that ancestor.
    parents = {
        obj.pk: obj.parent_id  # type: ignore[attr-defined]
        for model, objs in collector.data.items()
        if model._meta.label_lower == "people.department"
        for obj in objs
    }
    surviving: dict[Any, Any] = {}
    for department in parents:
        ancestor = parents[department]
        while ancestor in parents:
            ancestor = parents[ancestor]
        surviving[department] = ancestor
    found: list[tuple[int, str, int, log.Entry]] = []
    for (field, value), groups in collector.field_updates.items():
        for group in groups:  # querysets or lists of instances (the stubs say instances)
            for obj in cast(Iterable[models.Model], group):
                kind = log.MODEL_TYPES.get(obj._meta.label_lower)
                before = getattr(obj, field.attname)
                if kind is None or before == value or (obj._meta.label_lower, obj.pk) in gone:
                    continue
                name = log.camel(field.attname)
                fields = {name: {"before": log.jsonable(before), "after": log.jsonable(value)}}
                entry = log.Entry(kind, obj.pk, log.UPDATE, fields)
                if kind in (log.PERSON, log.PLACEHOLDER):
                    if field.attname == "department_id":
                        entry.department_id = value
                        entry.previous_department_id = surviving.get(before)
                    else:
                        entry.department_id = obj.department_id  # type: ignore[attr-defined]
                found.append((order[kind], field.attname, obj.pk, entry))
    return [entry for *_, entry in sorted(found, key=lambda f: f[:3])]


def delete(objs: Sequence[models.Model]) -> list[log.Entry]:
    """Delete `objs` (of one model) and what cascades from them; return the entries of the
    cascaded rows (ordered by entity type, then id), not of `objs` (the caller records those
    as it knows them)."""
    if not objs:
        return []
    model = type(objs[0])
    collector = Collector(using=router.db_for_write(model), origin=objs[0])
    collector.collect(list(objs))
    roots = {(model._meta.label_lower, obj.pk) for obj in objs}
    doomed: list[tuple[str, models.Model]] = []
    for related, instances in collector.data.items():
        kind = log.MODEL_TYPES.get(related._meta.label_lower)
        if kind is not None:
            doomed += [(kind, obj) for obj in instances]
    # Rows Django deletes without loading them (no cascades of their own, no signals): read
    # them first, those of logged types only. The DELETE then runs on the same querysets.
    for queryset in collector.fast_deletes:
        kind = log.MODEL_TYPES.get(queryset.model._meta.label_lower)
        if kind is not None and isinstance(queryset, models.QuerySet):
            doomed += [(kind, obj) for obj in queryset]
    entries = []
    doomed = [(k, o) for k, o in doomed if (o._meta.label_lower, o.pk) not in roots]
    gone = {(o._meta.label_lower, o.pk) for _, o in doomed} | roots
    entries += _nulled(collector, gone)
    deleted_people = {
        obj.pk: obj.department_id  # type: ignore[attr-defined]
        for kind, obj in doomed
        if kind == log.PERSON
    }
    if model._meta.label_lower == "people.person":
        deleted_people |= {obj.pk: obj.department_id for obj in objs}  # type: ignore[attr-defined]
    deleted_placeholders = {
        obj.pk: obj.department_id  # type: ignore[attr-defined]
        for kind, obj in doomed
        if kind == log.PLACEHOLDER
    }
    if model._meta.label_lower == "demand.placeholder":
        deleted_placeholders |= {obj.pk: obj.department_id for obj in objs}  # type: ignore[attr-defined]
    owned = [
        (kind, obj)
        for kind, obj in doomed
        if kind in log.SCOPED_TYPES and kind not in (log.PERSON, log.PLACEHOLDER)
    ]
    owners = {o.person_id for _, o in owned if getattr(o, "person_id", None) is not None}  # type: ignore[attr-defined]
    held = {o.placeholder_id for _, o in owned if getattr(o, "placeholder_id", None) is not None}  # type: ignore[attr-defined]
    departments = _department_of_people(owners, deleted_people) if owners else deleted_people
    placeholder_departments = (
        _department_of_placeholders(held, deleted_placeholders) if held else deleted_placeholders
    )
    order = {kind: i for i, kind in enumerate(log.ENTITY_TYPES)}
    for kind, obj in sorted(doomed, key=lambda d: (order[d[0]], d[1].pk)):
        before = log.snapshot(obj, _fields(obj))
        department: Any = None
        if kind in (log.PERSON, log.PLACEHOLDER):
            department = obj.department_id  # type: ignore[attr-defined]
        elif kind in log.SCOPED_TYPES:
            placeholder_id = getattr(obj, "placeholder_id", None)
            if placeholder_id is not None:
                department = placeholder_departments.get(placeholder_id)
            else:
                department = departments.get(obj.person_id)  # type: ignore[attr-defined]
        entries.append(log.Entry(kind, obj.pk, log.DELETE, log.deleted(before), department))
    collector.delete()
    return entries
