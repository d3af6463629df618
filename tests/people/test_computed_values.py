"""hoursByWeek, availableHours, utilizationPercent and skillScore against a reference
computed here, straight from small.json and docs/design.md's definitions (not from the code)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from tests.reference import DATA, capacity, hours

WEEKS = [dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(12)]
SKILL_NAMES = {s["id"]: s["name"] for s in DATA["skills"]}
PROFICIENCY = {"beginner": "0.4", "intermediate": "0.7", "advanced": "0.9", "expert": "1.0"}
KIND = {"strength": "1.0", "in_progress": "0.75", "goal": "0.25"}
REQUESTED = [" python", "PYTHON", "React", "Figma ", "sql"]  # dedupes to 4 names


def load(person: dict, week: dt.date) -> dict:
    h, cap = hours(person["id"], week), capacity(person["id"], week)
    pct = None if cap == 0 else (100 * h / cap).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "week": week.isoformat(),
        "hours": float(h),
        "capacity": float(cap),
        "availableHours": float(max(Decimal(0), cap - h)),
        "utilizationPercent": None if pct is None else float(pct),
    }


def skill_score(person: dict) -> dict:
    names = []
    for raw in REQUESTED:
        if raw.strip().lower() not in [n.lower() for n in names]:
            names.append(raw.strip())
    best: dict[str, tuple[Decimal, str]] = {}
    for s in person["skills"]:
        name = SKILL_NAMES[s["skillId"]]
        weight = Decimal(PROFICIENCY[s["proficiency"]]) * Decimal(KIND[s["kind"]])
        if name.lower() not in best or weight > best[name.lower()][0]:
            best[name.lower()] = (weight, name)
    matched = [best[n.lower()][1] for n in names if n.lower() in best]
    total = sum((best[n.lower()][0] for n in names if n.lower() in best), Decimal(0))
    score = (100 * total / len(names)).quantize(Decimal(1), ROUND_HALF_UP)
    return {
        "score": int(score),
        "matchedSkills": matched,
        "missingSkills": [n for n in names if n.lower() not in best],
    }


DOCUMENT = """query($skills: [String!]!) { people(first: 200, includeInactive: true) { edges {
  node { id hoursByWeek(from: "2026-11-02", weeks: 12) { week hours capacity availableHours
  utilizationPercent } availableHours(week: "2026-11-25") utilizationPercent(week:
  "2026-11-25") skillScore(skills: $skills) { score matchedSkills missingSkills } } } } }"""


def test_every_person_and_week_matches_the_reference(gql):
    r = gql.post(DOCUMENT, {"skills": REQUESTED})
    got = {int(e["node"]["id"]): e["node"] for e in r.data["people"]["edges"]}
    assert set(got) == {p["id"] for p in DATA["people"]}
    for person in DATA["people"]:
        node = got[person["id"]]
        assert node["hoursByWeek"] == [load(person, w) for w in WEEKS], person["id"]
        week = load(person, dt.date(2026, 11, 23))  # 2026-11-25 is in that week
        assert node["availableHours"] == week["availableHours"], person["id"]
        assert node["utilizationPercent"] == week["utilizationPercent"], person["id"]
        assert node["skillScore"] == skill_score(person), person["id"]


def test_hire_date_gates_capacity_from_the_hire_day(gql):
    # Sophie Ritchie (50, 40 h a week, no schedule) is hired on Wednesday 2026-11-25: her
    # capacity counts from that day, Wednesday to Friday at 40 / 5 = 8 h: 24 h that week.
    r = gql.post(
        """{ person(id: "50") { hoursByWeek(from: "2026-11-09", weeks: 3) { week capacity
             availableHours utilizationPercent } } }"""
    )
    assert r.data["person"]["hoursByWeek"] == [
        {"week": "2026-11-09", "capacity": 0.0, "availableHours": 0.0, "utilizationPercent": None},
        {"week": "2026-11-16", "capacity": 0.0, "availableHours": 0.0, "utilizationPercent": None},
        {
            "week": "2026-11-23",
            "capacity": 24.0,
            "availableHours": 0.0,  # 56 hours planned: over capacity, nothing left
            "utilizationPercent": 233.3,  # 100 * 56 / 24
        },
    ]


def test_inactive_assignments_are_left_out(gql):
    # Assignment 48 (person 22) is inactive; its hours must not count.
    inactive = next(a for a in DATA["assignments"] if a["id"] == 48)
    assert not inactive["isActive"] and inactive["weeklyHours"]
    week = min(inactive["weeklyHours"])
    r = gql.post(f'{{ person(id: "22") {{ hoursByWeek(from: "{week}", weeks: 1) {{ hours }} }} }}')
    assert r.data["person"]["hoursByWeek"] == [
        {"hours": float(hours(22, dt.date.fromisoformat(week)))}
    ]
    assert float(hours(22, dt.date.fromisoformat(week))) != float(
        hours(22, dt.date.fromisoformat(week)) + Decimal(str(inactive["weeklyHours"][week]))
    )


def test_capacity_zero_has_no_utilization_and_no_availability(gql):
    gql.post('mutation { updatePerson(id: "25", input: {weeklyCapacity: 0}) { person { id } } }')
    r = gql.post(
        """{ person(id: "25") { availableHours(week: "2026-11-16")
             utilizationPercent(week: "2026-11-16")
             hoursByWeek(from: "2026-11-16", weeks: 1) { hours capacity } } }"""
    )
    assert r.data["person"] == {
        "availableHours": 0.0,
        "utilizationPercent": None,
        "hoursByWeek": [{"hours": float(hours(25, WEEKS[2])), "capacity": 0.0}],
    }


def test_skill_score_weights_kinds_and_proficiency(gql):
    # Person 25 holds Kafka as an expert *goal* (1.0 x 0.25) and PostgreSQL as an expert
    # strength; "kafka" and "POSTGRESQL" match ignoring case, "Rust" is missing.
    r = gql.post(
        """{ person(id: "25") { skillScore(skills: ["kafka", "POSTGRESQL", "Rust", "Kafka"]) {
             score matchedSkills missingSkills } } }"""
    )
    assert r.data["person"]["skillScore"] == {
        "score": 42,  # 100 * (0.25 + 1.0 + 0) / 3 = 41.67
        "matchedSkills": ["Kafka", "PostgreSQL"],
        "missingSkills": ["Rust"],
    }


def test_empty_skill_list_is_bad_user_input(gql):
    r = gql.post('{ person(id: "25") { skillScore(skills: ["  "]) { score } } }')
    assert r.errors[0]["message"] == "skills must name at least one skill"
    assert r.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "skills"}
