from collections import defaultdict
from collections.abc import Sequence

from people.models import Person, PersonSkill, Role

from .base import SyncBatchLoader


class PersonByIdLoader(SyncBatchLoader[int, Person | None]):
    """People the viewer may see; others resolve to None, exactly like missing ids."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, Person]:
        qs = Person.objects.visible_to(self.context.scope).filter(pk__in=keys)
        return qs.in_bulk()


class RoleByIdLoader(SyncBatchLoader[int, Role | None]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, Role]:
        return Role.objects.in_bulk(keys)


class SkillsByPersonLoader(SyncBatchLoader[int, list[PersonSkill]]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, list[PersonSkill]]:
        result: dict[int, list[PersonSkill]] = defaultdict(list)
        rows = (
            PersonSkill.objects.filter(person_id__in=keys)
            .select_related("skill")
            .order_by("person_id", "skill__name", "kind", "id")
        )
        for row in rows:
            result[row.person_id].append(row)
        return result

    def default(self) -> list[PersonSkill]:
        return []
