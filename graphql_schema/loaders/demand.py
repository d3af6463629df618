from collections import defaultdict
from collections.abc import Sequence

from demand.models import Placeholder, PlaceholderSkill

from .base import SyncBatchLoader


class PlaceholderByIdLoader(SyncBatchLoader[int, Placeholder | None]):
    """Placeholders the viewer may see; others resolve to None, exactly like missing ids."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, Placeholder]:
        return Placeholder.objects.visible_to(self.context.scope).filter(pk__in=keys).in_bulk()


class RequiredSkillsByPlaceholderLoader(SyncBatchLoader[int, list[PlaceholderSkill]]):
    """A placeholder's required skills with their skill, by skill name."""

    def load_batch(self, keys: Sequence[int]) -> dict[int, list[PlaceholderSkill]]:
        result: dict[int, list[PlaceholderSkill]] = defaultdict(list)
        rows = (
            PlaceholderSkill.objects.filter(placeholder_id__in=keys)
            .select_related("skill")
            .order_by("placeholder_id", "skill__name", "id")
        )
        for row in rows:
            result[row.placeholder_id].append(row)
        return result

    def default(self) -> list[PlaceholderSkill]:
        return []
