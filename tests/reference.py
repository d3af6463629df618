"""The reference: small.json loaded once, and DESIGN.md's definitions (department subtree,
weeks, hours, capacity, availability, skill scores, the grid) applied to it here, from the
dataset file and not from the code under test. Test modules import from here."""

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

from tests.conftest import SMALL

DATA = json.loads(SMALL.read_text())
DEPARTMENTS = {d["id"]: d for d in DATA["departments"]}
ASSIGNMENTS = {a["id"]: a for a in DATA["assignments"]}
PEOPLE = {p["id"]: p for p in DATA["people"]}
PROJECTS = {p["id"]: p for p in DATA["projects"]}
SKILLS = {s["id"]: s["name"] for s in DATA["skills"]}
CHILDREN: dict[int, list[int]] = {}
for d in DATA["departments"]:
    if d["parentId"]:
        CHILDREN.setdefault(d["parentId"], []).append(d["id"])
D = Decimal
TENTH = D("0.1")
HALF = D("0.5")


def subtree(root: int) -> set[int]:
    out, stack = set(), [root]
    while stack:
        out.add(stack[-1])
        stack.extend(CHILDREN.get(stack.pop(), []))
    return out


def monday(day: str) -> dt.date:
    d = dt.date.fromisoformat(day)
    return d - dt.timedelta(days=d.weekday())


def weeks(first: str, n: int) -> list[dt.date]:
    return [monday(first) + dt.timedelta(weeks=i) for i in range(n)]


def hours(pid: int, week: dt.date) -> D:
    return sum(
        (
            D(str(a["weeklyHours"].get(week.isoformat(), 0)))
            for a in DATA["assignments"]
            if a["personId"] == pid and a["isActive"]
        ),
        D(0),
    )


def capacity(pid: int, week: dt.date) -> D:
    hire = PEOPLE[pid]["hireDate"]
    counted = hire is None or dt.date.fromisoformat(hire) <= week + dt.timedelta(days=6)
    return D(str(PEOPLE[pid]["weeklyCapacity"])) if counted else D(0)


def rnd(value: D, places: D = TENTH) -> D:
    return value.quantize(places, ROUND_HALF_UP)


def active(departments: set[int] | None = None) -> list[dict]:
    rows = [
        p
        for p in DATA["people"]
        if p["isActive"] and (departments is None or p["departmentId"] in departments)
    ]
    return sorted(rows, key=lambda p: (p["name"], p["id"]))


def skill_score(pid: int, requested: list[str]) -> tuple[int, list[str], list[str]]:
    names: list[str] = []
    for raw in requested:
        if raw.strip().lower() not in [n.lower() for n in names]:
            names.append(raw.strip())
    weights = {
        "beginner": D("0.4"),
        "intermediate": D("0.7"),
        "advanced": D("0.9"),
        "expert": D("1.0"),
    }
    kinds = {"strength": D("1.0"), "in_progress": D("0.75"), "goal": D("0.25")}
    best: dict[str, tuple[D, str]] = {}
    for s in PEOPLE[pid]["skills"]:
        name = SKILLS[s["skillId"]]
        w = weights[s["proficiency"]] * kinds[s["kind"]]
        if name.lower() not in best or w > best[name.lower()][0]:
            best[name.lower()] = (w, name)
    total = sum((best[n.lower()][0] for n in names if n.lower() in best), D(0))
    return (
        int(rnd(100 * total / len(names), D(1))),
        [best[n.lower()][1] for n in names if n.lower() in best],
        [n for n in names if n.lower() not in best],
    )


def pct(h: D, cap: D) -> float | None:
    return None if cap == 0 else float(rnd(100 * h / cap))


def find_available(week: dt.date, requested, aw=HALF, sw=HALF, minimum=None):
    rows = []
    for p in active():
        h, c = hours(p["id"], week), capacity(p["id"], week)
        free = max(D(0), c - h)
        if minimum is not None and free < minimum:
            continue
        score, matched, missing = skill_score(p["id"], requested) if requested else (0, [], [])
        avail_pct = 100 * free / c if c else D(0)
        total = rnd(aw * avail_pct + (sw if requested else D(0)) * score)
        rows.append((total, free, p, c, h, score, matched, missing))
    rows.sort(key=lambda t: (-t[0], -t[1], t[2]["name"], t[2]["id"]))
    return [
        {
            "person": {"id": str(p["id"])},
            "score": float(total),
            "availableHours": float(free),
            "capacity": float(c),
            "utilizationPercent": pct(h, c),
            "skillScore": score,
            "matchedSkills": matched,
            "missingSkills": missing,
            "hours": float(h),
        }
        for total, free, p, c, h, score, matched, missing in rows
    ]


def availability_row(pid: int, project_id: int, week: dt.date) -> dict:
    """One `Project.availability` row, with `person { id }`."""
    h, c = hours(pid, week), capacity(pid, week)
    on_project = sum(
        (
            D(str(a["weeklyHours"].get(week.isoformat(), 0)))
            for a in DATA["assignments"]
            if a["personId"] == pid and a["projectId"] == project_id and a["isActive"]
        ),
        D(0),
    )
    return {
        "person": {"id": str(pid)},
        "projectHours": float(on_project),
        "totalHours": float(h),
        "capacity": float(c),
        "availableHours": float(max(D(0), c - h)),
        "utilizationPercent": pct(h, c),
    }


def grid_assignments(person_ids) -> list[dict]:
    """The active assignments of these people in the grid's order: person (name, id), then
    client (none last, case-insensitive), project name, id."""

    def order(a):
        project = PROJECTS[a["projectId"]]
        p = PEOPLE[a["personId"]]
        return (
            p["name"],
            p["id"],
            project["client"] is None,
            (project["client"] or "").lower(),
            project["name"].lower(),
            a["id"],
        )

    return sorted(
        (a for a in DATA["assignments"] if a["personId"] in person_ids and a["isActive"]),
        key=order,
    )


def grid_person(p: dict) -> dict:
    """One `gridSnapshot.people` row."""
    return {
        "id": str(p["id"]),
        "name": p["name"],
        "weeklyCapacity": float(p["weeklyCapacity"]),
        "departmentId": str(p["departmentId"]) if p["departmentId"] else None,
        "roleId": str(p["roleId"]) if p["roleId"] else None,
        "email": p["email"],
        "firstEligibleWeek": monday(p["hireDate"]).isoformat() if p["hireDate"] else None,
    }


def grid_assignment(a: dict, keys: list[dt.date]) -> dict:
    """One `gridSnapshot.assignments` row, its hours limited to the window `keys`."""
    return {
        "id": str(a["id"]),
        "personId": str(a["personId"]),
        "projectId": str(a["projectId"]),
        "projectName": PROJECTS[a["projectId"]]["name"],
        "projectClient": PROJECTS[a["projectId"]]["client"],
        "roleOnProject": a["roleOnProject"],
        "version": 1,
        "weeklyHours": {
            k: float(v) for k, v in sorted(a["weeklyHours"].items()) if monday(k) in keys
        },
    }
