"""Skill score of one person against requested skill names (docs/design.md)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PROFICIENCY_WEIGHT = {
    "beginner": Decimal("0.4"),
    "intermediate": Decimal("0.7"),
    "advanced": Decimal("0.9"),
    "expert": Decimal("1.0"),
}
KIND_WEIGHT = {
    "strength": Decimal("1.0"),
    "in_progress": Decimal("0.75"),
    "goal": Decimal("0.25"),
}


class EmptySkillList(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class HeldSkill:
    name: str
    proficiency: str
    kind: str


@dataclass(frozen=True, slots=True)
class SkillScore:
    score: int
    matched_skills: list[str]
    missing_skills: list[str]


def normalize_requested(names: Iterable[str]) -> list[str]:
    """Trim and de-duplicate ignoring case, keeping the first spelling and request order."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in names:
        name = raw.strip()
        key = name.casefold()
        if not name or key in seen:
            continue
        seen.add(key)
        result.append(name)
    if not result:
        raise EmptySkillList("skills must name at least one skill")
    return result


def skill_score(held: Sequence[HeldSkill], requested: Sequence[str]) -> SkillScore:
    """`requested` must already be normalized (see `normalize_requested`)."""
    best: dict[str, tuple[Decimal, str]] = {}
    for skill in held:
        key = skill.name.casefold()
        weight = PROFICIENCY_WEIGHT[skill.proficiency] * KIND_WEIGHT[skill.kind]
        current = best.get(key)
        if current is None or weight > current[0]:
            best[key] = (weight, skill.name)
    total = Decimal(0)
    matched: list[str] = []
    missing: list[str] = []
    for name in requested:
        hit = best.get(name.casefold())
        if hit is None:
            missing.append(name)
        else:
            total += hit[0]
            matched.append(hit[1])
    score = (Decimal(100) * total / len(requested)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return SkillScore(score=int(score), matched_skills=matched, missing_skills=missing)
