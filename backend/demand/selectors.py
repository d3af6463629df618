"""Placeholders as the candidates ranking reads them: plain rows, one query."""

from collections import defaultdict
from collections.abc import Collection

from planning.demand import Requirement

from .models import PlaceholderSkill


def requirements(placeholder_ids: Collection[int]) -> dict[int, list[Requirement]]:
    """Each placeholder's required skills by skill name (as `requiredSkills` lists them)."""
    result: dict[int, list[Requirement]] = defaultdict(list)
    rows = (
        PlaceholderSkill.objects.filter(placeholder_id__in=placeholder_ids)
        .order_by("placeholder_id", "skill__name", "id")
        .values_list("placeholder_id", "skill__name", "min_proficiency")
    )
    for placeholder_id, name, min_proficiency in rows:
        result[placeholder_id].append(Requirement(name, min_proficiency))
    return result
