"""Writes to placeholders and their required skills, each in one transaction.

A department-restricted viewer reads and writes only placeholders in its departments (a
placeholder without a department is for unrestricted viewers only), as for people."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.access import Scope
from changes import cascade, log
from core.dataversion import write_transaction
from core.errors import InvalidInput, Missing
from people.models import PersonSkill
from people.services import clean_name, existing_role, placeable_department, skill_tags

from .models import Placeholder, PlaceholderSkill

# What the change log records of a placeholder (as the API names them).
PLACEHOLDER_FIELDS = ("name", "role_id", "department_id")
PROFICIENCY_ORDER = {p.value: i for i, p in enumerate(PersonSkill.Proficiency)}


def visible_placeholder(
    placeholder_id: int, scope: Scope, field: str, lock: bool = False
) -> Placeholder:
    qs = Placeholder.objects.visible_to(scope)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=placeholder_id)
    except Placeholder.DoesNotExist:
        raise Missing(f"Placeholder {placeholder_id} not found", field) from None


def _apply(placeholder: Placeholder, data: Mapping[str, Any], scope: Scope, prefix: str) -> None:
    if "name" in data:
        placeholder.name = clean_name(data["name"], f"{prefix}.name")
    if "role_id" in data:
        role_id = data["role_id"]
        if role_id is None:
            raise InvalidInput(f"{prefix}.roleId must not be null", f"{prefix}.roleId")
        existing_role(role_id, f"{prefix}.roleId")
        placeholder.role_id = role_id
    if "department_id" in data:
        placeholder.department_id = placeable_department(
            data["department_id"], scope, f"{prefix}.departmentId", "placeholders"
        )


@write_transaction
def create_placeholder(data: Mapping[str, Any], scope: Scope) -> Placeholder:
    for key, field in (("name", "input.name"), ("role_id", "input.roleId")):
        if key not in data:
            raise InvalidInput(f"{field} is required", field)
    if scope.restricted and "department_id" not in data:
        data = {**data, "department_id": None}  # refused below: must name a department
    placeholder = Placeholder()
    _apply(placeholder, data, scope, "input")
    placeholder.save()
    after = log.snapshot(placeholder, PLACEHOLDER_FIELDS)
    log.append_one(
        log.PLACEHOLDER, placeholder.pk, log.CREATE, log.created(after), placeholder.department_id
    )
    return placeholder


@write_transaction
def update_placeholder(placeholder_id: int, data: Mapping[str, Any], scope: Scope) -> Placeholder:
    placeholder = visible_placeholder(placeholder_id, scope, "id", lock=True)
    before = log.snapshot(placeholder, PLACEHOLDER_FIELDS)
    _apply(placeholder, data, scope, "input")
    placeholder.save()
    fields = log.diff(before, log.snapshot(placeholder, PLACEHOLDER_FIELDS))
    if fields:
        log.append_one(
            log.PLACEHOLDER,
            placeholder.pk,
            log.UPDATE,
            fields,
            placeholder.department_id,
            log.moved(before["departmentId"], placeholder.department_id),
        )
    return placeholder


@write_transaction
def delete_placeholder(placeholder_id: int, scope: Scope) -> None:
    """Deletes its assignments and their hours with it: one DELETE row per assignment
    first, as for a person."""
    placeholder = visible_placeholder(placeholder_id, scope, "id", lock=True)
    before = log.snapshot(placeholder, PLACEHOLDER_FIELDS)
    cascaded = cascade.delete([placeholder])
    entry = log.Entry(
        log.PLACEHOLDER, placeholder_id, log.DELETE, log.deleted(before), placeholder.department_id
    )
    log.append([*cascaded, entry])


@dataclass(frozen=True)
class RequiredSkill:
    skill: str
    min_proficiency: str


def required_entry(skill: str, min_proficiency: str) -> dict[str, str]:
    return {"skill": skill, "minProficiency": min_proficiency}


@write_transaction
def set_placeholder_skills(
    placeholder_id: int, entries: Iterable[RequiredSkill], scope: Scope
) -> Placeholder:
    """Replace a placeholder's required skills. Unknown skill names become new skills; names
    match existing ones ignoring case and surrounding blanks; each skill at most once."""
    placeholder = visible_placeholder(placeholder_id, scope, "placeholderId", lock=True)
    entries = list(entries)
    names: dict[str, str] = {}
    for i, entry in enumerate(entries):
        name = clean_name(entry.skill, f"skills.{i}.skill", max_length=100)
        if entry.min_proficiency not in PROFICIENCY_ORDER:
            raise InvalidInput(
                f"skills.{i}.minProficiency: unknown proficiency {entry.min_proficiency!r}",
                f"skills.{i}.minProficiency",
            )
        if name.casefold() in names:
            raise InvalidInput(f"skills.{i}: {name!r} is listed twice", f"skills.{i}.skill")
        names[name.casefold()] = name
    tags, entries_log = skill_tags(names)
    held = PlaceholderSkill.objects.filter(placeholder=placeholder).values_list(
        "skill__name", "min_proficiency"
    )
    before = sorted((required_entry(*row) for row in held), key=lambda e: e["skill"])
    chosen = [(tags[e.skill.strip().casefold()], e.min_proficiency) for e in entries]
    after = sorted((required_entry(t.name, p) for t, p in chosen), key=lambda e: e["skill"])
    if before != after:
        entries_log.append(
            log.Entry(
                log.PLACEHOLDER,
                placeholder.pk,
                log.UPDATE,
                {"requiredSkills": {"before": before, "after": after}},
                placeholder.department_id,
            )
        )
    placeholder.updated_at = timezone.now()
    Placeholder.objects.filter(pk=placeholder.pk).update(updated_at=placeholder.updated_at)
    PlaceholderSkill.objects.filter(placeholder=placeholder).delete()
    PlaceholderSkill.objects.bulk_create(
        PlaceholderSkill(placeholder=placeholder, skill=tag, min_proficiency=p) for tag, p in chosen
    )
    log.append(entries_log)
    return placeholder
