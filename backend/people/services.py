"""Writes to people and their skills, each in one transaction."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from accounts.access import Scope
from changes import cascade, log
from core.dataversion import write_transaction
from core.errors import Denied, InvalidInput, Missing
from planning.hours import parse_amount

from .models import Department, Person, PersonSkill, Role, SkillTag

# What the change log records of a person (as the API names them: weeklyCapacity, ...).
PERSON_FIELDS = (
    "name",
    "email",
    "department_id",
    "role_id",
    "weekly_capacity",
    "hire_date",
    "end_date",
    "is_active",
    "holiday_calendar_id",
)
EMAIL_MAX_LENGTH = cast(int, Person._meta.get_field("email").max_length)  # 254, set on the model


def clean_name(value: Any, field: str, max_length: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} must not be blank", field)
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput(f"{field} must be at most {max_length} characters", field)
    return value


def clean_email(value: Any, field: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if len(value.strip()) > EMAIL_MAX_LENGTH:
        raise InvalidInput(f"{field} must be at most {EMAIL_MAX_LENGTH} characters", field)
    try:
        validate_email(value.strip())
    except ValidationError:
        raise InvalidInput(f"{field} is not a valid email address", field) from None
    return value.strip()


def visible_person(person_id: int, scope: Scope, field: str, lock: bool = False) -> Person:
    qs = Person.objects.visible_to(scope)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=person_id)
    except Person.DoesNotExist:
        raise Missing(f"Person {person_id} not found", field) from None


def _apply(person: Person, data: Mapping[str, Any], scope: Scope, prefix: str) -> None:
    if "name" in data:
        person.name = clean_name(data["name"], f"{prefix}.name")
    if "email" in data:
        person.email = clean_email(data["email"], f"{prefix}.email")
    if "weekly_capacity" in data:
        person.weekly_capacity = parse_amount(data["weekly_capacity"], f"{prefix}.weeklyCapacity")
    if "hire_date" in data:
        person.hire_date = data["hire_date"]
    if "end_date" in data:
        person.end_date = data["end_date"]
    end, hire = person.end_date, person.hire_date
    if end is not None and hire is not None and end < hire:
        if "end_date" in data:
            field, message = f"{prefix}.endDate", f"on or after the hire date {hire.isoformat()}"
        else:
            field, message = f"{prefix}.hireDate", f"on or before the end date {end.isoformat()}"
        raise InvalidInput(f"{field} must be {message}", field)
    if "is_active" in data:
        if data["is_active"] is None:
            raise InvalidInput(f"{prefix}.isActive must not be null", f"{prefix}.isActive")
        person.is_active = data["is_active"]
    if "role_id" in data:
        person.role_id = existing_role(data["role_id"], f"{prefix}.roleId")
    if "department_id" in data:
        person.department_id = placeable_department(
            data["department_id"], scope, f"{prefix}.departmentId", "people"
        )


def existing_role(role_id: int | None, field: str) -> int | None:
    """`role_id` if it names a role (None: no role); else NOT_FOUND on `field`."""
    if role_id is not None and not Role.objects.filter(pk=role_id).exists():
        raise Missing(f"Role {role_id} not found", field)
    return role_id


def placeable_department(dep_id: int | None, scope: Scope, field: str, what: str) -> int | None:
    """`dep_id` if it names a department the viewer may place `what` (people, placeholders)
    in (None: no department, which only an unrestricted viewer may choose); else NOT_FOUND or
    FORBIDDEN on `field`."""
    if dep_id is not None and not Department.objects.filter(pk=dep_id).exists():
        raise Missing(f"Department {dep_id} not found", field)
    if not scope.can_see_department(dep_id):
        raise Denied(
            f"A department-restricted viewer can only place {what} in its departments", field
        )
    return dep_id


@write_transaction
def create_person(data: Mapping[str, Any], scope: Scope) -> Person:
    if "name" not in data:
        raise InvalidInput("input.name is required", "input.name")
    person = Person(weekly_capacity=Decimal(40))
    if scope.restricted and "department_id" not in data:
        data = {**data, "department_id": None}  # refused below: must name a department
    _apply(person, data, scope, "input")
    person.save()
    after = log.snapshot(person, PERSON_FIELDS)
    log.append_one(log.PERSON, person.pk, log.CREATE, log.created(after), person.department_id)
    return person


def record_person_update(person: Person, before: Mapping[str, Any]) -> None:
    """An update of a person: a move between departments keeps where it came from, so that
    a viewer of the old department is told of a removal."""
    fields = log.diff(before, log.snapshot(person, PERSON_FIELDS))
    if fields:
        log.append_one(
            log.PERSON,
            person.pk,
            log.UPDATE,
            fields,
            person.department_id,
            log.moved(before["departmentId"], person.department_id),
        )


@write_transaction
def update_person(person_id: int, data: Mapping[str, Any], scope: Scope) -> Person:
    person = visible_person(person_id, scope, "id", lock=True)
    before = log.snapshot(person, PERSON_FIELDS)
    _apply(person, data, scope, "input")
    person.save()
    record_person_update(person, before)
    return person


@write_transaction
def delete_person(person_id: int, scope: Scope) -> None:
    person = visible_person(person_id, scope, "id", lock=True)
    person_id, before = person.pk, log.snapshot(person, PERSON_FIELDS)
    # Their assignments, time off and schedules go with them: one DELETE row each, first.
    cascaded = cascade.delete([person])
    entry = log.Entry(log.PERSON, person_id, log.DELETE, log.deleted(before), person.department_id)
    log.append([*cascaded, entry])


@dataclass(frozen=True)
class SkillEntry:
    skill: str
    proficiency: str
    kind: str


@write_transaction
def set_person_skills(person_id: int, entries: Iterable[SkillEntry], scope: Scope) -> Person:
    """Replace a person's skills. Unknown skill names become new skills; names match
    existing ones ignoring case and surrounding blanks."""
    person = visible_person(person_id, scope, "personId", lock=True)
    entries = list(entries)
    names: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(entries):
        name = clean_name(entry.skill, f"skills.{i}.skill", max_length=100)
        key = name.casefold()
        if (key, entry.kind) in seen:
            raise InvalidInput(
                f"skills.{i}: {name!r} with kind {entry.kind} is listed twice", f"skills.{i}.skill"
            )
        seen.add((key, entry.kind))
        names.setdefault(key, name)
    existing, entries_log = skill_tags(names)
    held = PersonSkill.objects.filter(person=person).values_list(
        "skill__name", "proficiency", "kind"
    )
    before = sorted((skill_entry(*row) for row in held), key=skill_order)
    after = sorted(
        (
            skill_entry(existing[e.skill.strip().casefold()].name, e.proficiency, e.kind)
            for e in entries
        ),
        key=skill_order,
    )
    if before != after:
        entries_log.append(
            log.Entry(
                log.PERSON,
                person.pk,
                log.UPDATE,
                {"skills": {"before": before, "after": after}},
                person.department_id,
            )
        )
    # The person's skills are part of the person: `people(updatedSince:)` finds it.
    person.updated_at = timezone.now()
    Person.objects.filter(pk=person.pk).update(updated_at=person.updated_at)
    PersonSkill.objects.filter(person=person).delete()
    PersonSkill.objects.bulk_create(
        PersonSkill(
            person=person,
            skill=existing[e.skill.strip().casefold()],
            proficiency=e.proficiency,
            kind=e.kind,
        )
        for e in entries
    )
    log.append(entries_log)
    return person


def skill_tags(names: Mapping[str, str]) -> tuple[dict[str, SkillTag], list[log.Entry]]:
    """The skills named ({casefolded name: name}), by casefolded name, creating the unknown
    ones, and the change log's entries for those created."""
    # Matched in Python: SQLite's lower() folds ASCII only, so "Éclair" would miss "éclair".
    existing: dict[str, SkillTag] = {}
    for tag in SkillTag.objects.order_by("pk"):
        if tag.name.casefold() in names:
            existing.setdefault(tag.name.casefold(), tag)
    entries_log: list[log.Entry] = []
    for key, name in names.items():
        if key not in existing:
            existing[key] = tag = SkillTag.objects.create(name=name)
            fields = log.created(log.snapshot(tag, ("name", "category")))
            entries_log.append(log.Entry(log.SKILL, tag.pk, log.CREATE, fields))
    return existing, entries_log


def skill_entry(skill: str, proficiency: str, kind: str) -> dict[str, str]:
    return {"skill": skill, "proficiency": proficiency, "kind": kind}


def skill_order(entry: dict[str, str]) -> tuple[str, str]:
    return entry["skill"], entry["kind"]
