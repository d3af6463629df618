"""planning.demand: docs/design.md's worked example for Placeholder.candidates, and its edges."""

import datetime as dt
from decimal import Decimal as D

from planning.calendar import WeekCapacity
from planning.demand import Requirement, placeholder_candidates
from planning.reports import PersonFacts
from planning.skills import HeldSkill

W1, W2 = dt.date(2027, 1, 4), dt.date(2027, 1, 11)
FULL = WeekCapacity(4000, 4000, 0, 0)
ADA = PersonFacts(1, "Ada", D(40), None)
BO = PersonFacts(2, "Bo", D(40), None)
REQUIRED = [Requirement("Python", "advanced"), Requirement("React", "beginner")]
SKILLS = {
    1: [HeldSkill("Python", "expert", "strength"), HeldSkill("React", "intermediate", "goal")],
    2: [
        HeldSkill("Python", "intermediate", "strength"),
        HeldSkill("React", "advanced", "strength"),
    ],
}


def rank(people, caps, hours=None, demand=None, required=REQUIRED, limit=10):
    demand = demand or {W1: D(20), W2: D(20)}
    ranked = placeholder_candidates(people, demand, hours or {}, caps, SKILLS, required, limit)
    return [
        (
            c.person.name,
            c.score,
            c.availability_percent,
            c.available_hours,
            c.demand_hours,
            c.skill_score,
            c.matched_skills,
            c.missing_skills,
        )
        for c in ranked
    ]


def test_the_worked_example():
    caps = {1: {W1: WeekCapacity(3200, 4000, 800, 0), W2: FULL}, 2: {W1: FULL, W2: FULL}}
    hours = {1: {W1: D(24), W2: D(10)}}
    assert rank([ADA, BO], caps, hours) == [
        ("Bo", D("72.5"), D("100.0"), D(80), D(40), 45, ["React"], ["Python"]),
        ("Ada", D("55.9"), D("52.8"), D(38), D(40), 59, ["Python", "React"], []),
    ]


def test_no_capacity_no_skills_no_demand_and_not_employed():
    # No capacity in D: availability 0; no required skills: the score is availability alone.
    caps = {1: {W1: WeekCapacity(0, 4000, 0, 4000), W2: WeekCapacity(0, 4000, 4000, 0)}}
    assert rank([ADA], caps, required=[]) == [("Ada", D("0.0"), D("0.0"), D(0), D(40), 0, [], [])]
    assert rank([ADA], caps, demand={W1: D(0)}) == []
    gone = PersonFacts(3, "Cy", D(40), None, end_date=dt.date(2027, 1, 3))
    late = PersonFacts(4, "Di", D(40), dt.date(2027, 1, 17))
    edge = PersonFacts(5, "Ed", D(40), dt.date(2027, 1, 17), end_date=None)  # hired on a Sunday
    assert [r[0] for r in rank([gone, late, edge], {})] == ["Di", "Ed"]
    assert rank([gone], {}, demand={W1: D(1)}) == []


def test_ties_and_limit():
    twin = PersonFacts(7, "Ada", D(40), None)
    caps = {1: {W1: FULL, W2: FULL}, 7: {W1: FULL, W2: FULL}, 2: {W1: FULL, W2: FULL}}
    hours = {2: {W1: D(1)}}
    # Ada and her namesake tie on everything: by id. Bo has one hour less: after them.
    ranked = rank([BO, twin, ADA], caps, hours, required=[])
    assert [(r[0], r[3]) for r in ranked] == [("Ada", D(80)), ("Ada", D(80)), ("Bo", D(79))]
    ids = placeholder_candidates([BO, twin, ADA], {W1: D(1)}, hours, caps, {}, [], 2)
    assert [c.person.id for c in ids] == [1, 7]
