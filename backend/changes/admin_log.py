"""The Django admin's writes in the change log: the admins of the logged models use
LoggedAdmin in place of core.dataversion.DataVersionAdmin. Each save, delete and inline
formset appends its rows in the same transaction as the write, with actor "admin:<username>".
Before values are read back from the database: the admin's form has already changed the
instance it hands over by the time save_model runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from core.dataversion import DataVersionAdmin

from . import cascade, log


def _weeks(parent: models.Model) -> dict[str, float]:
    from assignments.models import AssignmentWeek

    rows = AssignmentWeek.all_rows.filter(assignment_id=parent.pk).values_list("week", "hours")
    return {week.isoformat(): float(hours) for week, hours in rows}


def _skills(parent: models.Model) -> list[dict[str, str]]:
    from people.models import PersonSkill

    rows = PersonSkill.objects.filter(person_id=parent.pk).values_list(
        "skill__name", "proficiency", "kind"
    )
    entries = [{"skill": s, "proficiency": p, "kind": k} for s, p, k in rows]
    return sorted(entries, key=lambda e: (e["skill"], e["kind"]))


def _required_skills(parent: models.Model) -> list[dict[str, str]]:
    from demand.models import PlaceholderSkill

    rows = PlaceholderSkill.objects.filter(placeholder_id=parent.pk).values_list(
        "skill__name", "min_proficiency"
    )
    return sorted(({"skill": s, "minProficiency": p} for s, p in rows), key=lambda e: e["skill"])


# Inline rows that are part of their parent: recorded as an update of the parent's field.
COLLECTIONS: dict[str, tuple[str, Callable[[models.Model], Any]]] = {
    "assignments.assignmentweek": ("weeklyHours", _weeks),
    "people.personskill": ("skills", _skills),
    "demand.placeholderskill": ("requiredSkills", _required_skills),
}
OWNS_ITSELF = ("people.person", "demand.placeholder")  # scoped by their own department


def entity_type(model: type[models.Model]) -> str | None:
    return log.MODEL_TYPES.get(model._meta.label_lower)


def department_of(obj: models.Model) -> int | None:
    """The department that scopes a row: a person's (a placeholder's), or that of the person
    (the placeholder) its row belongs to."""
    label = obj._meta.label_lower
    if label in OWNS_ITSELF:
        return obj.department_id  # type: ignore[attr-defined]
    if entity_type(type(obj)) not in log.SCOPED_TYPES:
        return None
    from people.models import Person

    if getattr(obj, "placeholder_id", None) is not None:
        from demand.models import Placeholder

        return (
            Placeholder.objects.filter(pk=obj.placeholder_id)  # type: ignore[attr-defined]
            .values_list("department_id", flat=True)
            .first()
        )
    return (
        Person.objects.filter(pk=obj.person_id)  # type: ignore[attr-defined]
        .values_list("department_id", flat=True)
        .first()
    )


def stored(model: type[models.Model], pks: list[Any]) -> dict[Any, dict[str, Any]]:
    names = log.model_fields(model)
    return {obj.pk: log.snapshot(obj, names) for obj in model._default_manager.filter(pk__in=pks)}


def saved(obj: models.Model, before: dict[str, Any] | None) -> log.Entry | None:
    kind = entity_type(type(obj))
    if kind is None:
        return None
    after = log.snapshot(obj, log.model_fields(type(obj)))
    department = department_of(obj)
    if before is None:
        return log.Entry(kind, obj.pk, log.CREATE, log.created(after), department)
    fields = log.diff(before, after)
    if not fields:
        return None
    owns_itself = kind in (log.PERSON, log.PLACEHOLDER)
    previous = log.moved(before.get("departmentId"), department) if owns_itself else None
    return log.Entry(kind, obj.pk, log.UPDATE, fields, department, previous)


def removed(obj: models.Model, pk: Any, before: dict[str, Any]) -> log.Entry | None:
    kind = entity_type(type(obj))
    if kind is None:
        return None
    department = before.get("departmentId") if kind in (log.PERSON, log.PLACEHOLDER) else None
    return log.Entry(kind, pk, log.DELETE, log.deleted(before), department)


class LoggedAdmin(DataVersionAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic(), log.acting_as(f"admin:{request.user.get_username()}"):
            before = stored(type(obj), [obj.pk]).get(obj.pk) if change else None
            super().save_model(request, obj, form, change)
            entry = saved(obj, before)
            if entry is not None:
                log.append([entry])

    def delete_model(self, request, obj):
        self.delete_queryset(request, type(obj)._default_manager.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), log.acting_as(f"admin:{request.user.get_username()}"):
            doomed = list(queryset)
            names = log.model_fields(queryset.model)
            before = [(obj, obj.pk, log.snapshot(obj, names)) for obj in doomed]
            departments = {obj.pk: department_of(obj) for obj in doomed}
            # What cascades (a person's assignments, time off, schedules; a project's
            # assignments) is deleted here, one DELETE row each; then the rows themselves.
            entries = cascade.delete(doomed)
            super().delete_queryset(request, queryset)
            for obj, pk, values in before:
                entry = removed(obj, pk, values)
                if entry is not None:
                    entry.department_id = departments[pk]
                    entries.append(entry)
            log.append(entries)

    def save_related(self, request, form, formsets, change):
        parent = form.instance
        with transaction.atomic(), log.acting_as(f"admin:{request.user.get_username()}"):
            collections = {}
            rows = {}
            # Django clears a deleted instance's pk: remember each form's id before saving.
            ids = {id(f.instance): f.instance.pk for fs in formsets for f in fs.initial_forms}
            for formset in formsets:
                label = formset.model._meta.label_lower
                if label in COLLECTIONS:
                    name, read = COLLECTIONS[label]
                    collections[name] = (read, read(parent))
                elif entity_type(formset.model) is not None:
                    pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk]
                    rows[formset.model] = stored(formset.model, pks)
            super().save_related(request, form, formsets, change)
            entries: list[log.Entry] = []
            for formset in formsets:
                if formset.model not in rows:
                    continue
                before = rows[formset.model]
                for obj in formset.new_objects:
                    entries.append(saved(obj, None))
                for obj, _ in formset.changed_objects:
                    entries.append(saved(obj, before.get(obj.pk)))
                for obj in formset.deleted_objects:
                    pk = ids[id(obj)]
                    entry = removed(obj, pk, before[pk])
                    if entry is not None:
                        entry.department_id = department_of(parent)
                    entries.append(entry)
            fields = {}
            for name, (read, old) in collections.items():
                new = read(parent)
                if isinstance(old, dict):
                    changed = log.map_diff(old, new, absent=0.0)
                    if changed:
                        fields[name] = changed
                elif old != new:
                    fields[name] = {"before": old, "after": new}
            kind = entity_type(type(parent))
            if fields and kind is not None:
                entries.append(
                    log.Entry(kind, parent.pk, log.UPDATE, fields, department_of(parent))
                )
            log.append(e for e in entries if e is not None)
