from collections import defaultdict
from collections.abc import Sequence

from core import prepared
from people.models import Person, PersonSkill, Role

from .base import TIMESTAMPS, SyncBatchLoader

MAX_PREPARED_IDS = 200  # a page's worth; in_bulk (batched where the database needs) above


class PersonByIdLoader(SyncBatchLoader[int, Person | None]):
    """People the viewer may see; others resolve to None, exactly like missing ids."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, Person]:
        qs = Person.objects.visible_to(self.context.scope).filter(pk__in=keys).defer(*TIMESTAMPS)
        return qs.in_bulk()


class RoleByIdLoader(SyncBatchLoader[int, Role | None]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, Role]:
        # Role.objects.in_bulk(keys), its SQL compiled once per number of ids
        ids = list(dict.fromkeys(keys))
        if len(ids) > MAX_PREPARED_IDS:
            return Role.objects.in_bulk(ids)
        roles = prepared.instances(
            Role, ("roles by id", len(ids)), lambda: Role.objects.filter(pk__in=ids), ids
        )
        return {role.pk: role for role in roles}


class SkillRow:
    """A SkillTag as the Skill type reads it (id, name, category): a plain row, not a model
    instance, shared by every holder of the skill in one batch. Not slotted: the Skill
    type's columns are read as strawberry_django reads a model's, from `__dict__`."""

    def __init__(self, id: int, name: str, category: str) -> None:
        self.id = id
        self.name = name
        self.category = category


class HeldSkillRow:
    """A PersonSkill as the PersonSkill type reads it: the same attribute names, read-only
    data from one values_list row (creating model instances was most of the batch's CPU)."""

    __slots__ = ("id", "kind", "person_id", "proficiency", "skill", "skill_id")

    def __init__(
        self, id: int, person_id: int, skill: SkillRow, proficiency: str, kind: str
    ) -> None:
        self.id = id
        self.person_id = person_id
        self.skill_id = skill.id
        self.skill = skill
        self.proficiency = proficiency
        self.kind = kind


class SkillsByPersonLoader(SyncBatchLoader[int, list[HeldSkillRow]]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, list[HeldSkillRow]]:
        result: dict[int, list[HeldSkillRow]] = defaultdict(list)
        rows = (
            PersonSkill.objects.filter(person_id__in=keys)
            .order_by("person_id", "skill__name", "kind", "id")
            .values_list(
                "id",
                "person_id",
                "skill_id",
                "skill__name",
                "skill__category",
                "proficiency",
                "kind",
            )
        )
        skills: dict[int, SkillRow] = {}
        for id_, person_id, skill_id, name, category, proficiency, kind in rows:
            skill = skills.get(skill_id)
            if skill is None:
                skill = skills[skill_id] = SkillRow(skill_id, name, category)
            result[person_id].append(HeldSkillRow(id_, person_id, skill, proficiency, kind))
        return result

    def default(self) -> list[HeldSkillRow]:
        return []
