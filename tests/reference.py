"""The reference: docs/design.md's definitions (department subtree, weeks, hours, the
availability calendar and capacity, availability, skill scores, the grid) applied to a
dataset file here, from the file and not from the code under test. Nothing is shared with
backend/planning: capacity is built day by day in Decimal, straight from the definitions.

`Reference(data)` reads any capgraph-dataset/1 or /2 file (a /1 file has no calendar: no
schedules, holidays, time off or end dates; no placeholders, every assignment confirmed).
Every figure that sums hours takes `tentative` (a report's includeTentative): False leaves
the hours of TENTATIVE assignments out. The module-level names are small.json's
reference, which most test modules import."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tests.conftest import SMALL

D = Decimal
TENTH = D("0.1")
CENT = D("0.01")
HALF = D("0.5")
DAY = dt.timedelta(days=1)


def monday(day: str | dt.date) -> dt.date:
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return d - dt.timedelta(days=d.weekday())


def weeks(first: str, n: int) -> list[dt.date]:
    return [monday(first) + dt.timedelta(weeks=i) for i in range(n)]


def rnd(value: D, places: D = TENTH) -> D:
    # Every rounded value here is >= 0, where half up is half away from zero.
    return value.quantize(places, ROUND_HALF_UP)


def pct(h: D, cap: D) -> float | None:
    return None if cap == 0 else float(rnd(100 * h / cap))


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


@dataclass(frozen=True)
class Week:
    """capacity(P, W) and its parts, each rounded to 0.01."""

    capacity: D
    scheduled: D
    holiday: D
    time_off: D


class Reference:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.departments = {d["id"]: d for d in data["departments"]}
        self.assignments = {a["id"]: a for a in data["assignments"]}
        self.people = {p["id"]: p for p in data["people"]}
        self.projects = {p["id"]: p for p in data["projects"]}
        self.skills = {s["id"]: s["name"] for s in data["skills"]}
        self.calendars = {c["id"]: c for c in data.get("holidayCalendars", [])}
        self.children: dict[int, list[int]] = {}
        for d in data["departments"]:
            if d["parentId"]:
                self.children.setdefault(d["parentId"], []).append(d["id"])
        self.holidays: dict[int, dict[dt.date, str]] = {}
        for h in data.get("holidays", []):
            self.holidays.setdefault(h["calendarId"], {})[dt.date.fromisoformat(h["date"])] = h[
                "name"
            ]
        self.time_off: dict[int, list[dict]] = {}
        for t in data.get("timeOff", []):
            self.time_off.setdefault(t["personId"], []).append(t)

    @classmethod
    def of(cls, path: Path) -> "Reference":
        return cls(json.loads(path.read_text()))

    # -- departments, hours ------------------------------------------------------------

    def subtree(self, root: int) -> set[int]:
        out, stack = set(), [root]
        while stack:
            out.add(stack[-1])
            stack.extend(self.children.get(stack.pop(), []))
        return out

    @staticmethod
    def is_tentative(a: dict) -> bool:
        return a.get("status", "confirmed") == "tentative"

    def counts(self, a: dict, tentative: bool) -> bool:
        """An assignment's hours count: it is active, and confirmed unless `tentative`."""
        return a["isActive"] and (tentative or not self.is_tentative(a))

    def hours(self, pid: int, week: dt.date, tentative: bool = True) -> D:
        return sum(
            (
                D(str(a["weeklyHours"].get(week.isoformat(), 0)))
                for a in self.data["assignments"]
                if a.get("personId") == pid and self.counts(a, tentative)
            ),
            D(0),
        )

    def split(self, pid: int, week: dt.date) -> tuple[D, D]:
        """(confirmedHours, tentativeHours) of P in W."""
        total, confirmed = self.hours(pid, week), self.hours(pid, week, False)
        return confirmed, total - confirmed

    def placeholder_hours(self, hid: int, week: dt.date, tentative: bool = True) -> D:
        return sum(
            (
                D(str(a["weeklyHours"].get(week.isoformat(), 0)))
                for a in self.data["assignments"]
                if a.get("placeholderId") == hid and self.counts(a, tentative)
            ),
            D(0),
        )

    # -- placeholders (demand) ---------------------------------------------------------

    def placeholders_in(self, visible: set[int] | None, departments: set[int] | None = None):
        """Placeholders a viewer sees (`visible`: its departments, None: all; a placeholder
        without a department only unrestricted), in `departments` when given; by name, id."""
        rows = [
            h
            for h in self.data.get("placeholders", [])
            if (visible is None or h.get("departmentId") in visible)
            and (departments is None or h.get("departmentId") in departments)
        ]
        return sorted(rows, key=lambda h: (h["name"], h["id"]))

    def unstaffed(
        self, role_id: int, keys: list[dt.date], visible=None, departments=None, tentative=True
    ) -> list[float]:
        """roleCapacity's `unstaffed`: hours of the role's placeholders in scope by week."""
        members = [h for h in self.placeholders_in(visible, departments) if h["roleId"] == role_id]
        return [
            float(sum((self.placeholder_hours(h["id"], w, tentative) for h in members), D(0)))
            for w in keys
        ]

    def staffing(
        self, project_id: int, keys: list[dt.date], visible=None, tentative=True
    ) -> list[dict]:
        """Project.staffing: per week, active people's confirmed and tentative hours and
        placeholders' hours on the project's active assignments the viewer may see."""
        seen_people = {p["id"] for p in self.active(visible)}
        seen_holders = {h["id"] for h in self.placeholders_in(visible)}
        out = []
        for w in keys:
            confirmed = held = unstaffed = D(0)
            for a in self.data["assignments"]:
                if a["projectId"] != project_id or not self.counts(a, tentative):
                    continue
                h = D(str(a["weeklyHours"].get(w.isoformat(), 0)))
                if a.get("placeholderId") in seen_holders:
                    unstaffed += h
                elif a.get("personId") in seen_people:
                    if self.is_tentative(a):
                        held += h
                    else:
                        confirmed += h
            out.append(
                {
                    "week": w.isoformat(),
                    "confirmedHours": float(confirmed),
                    "tentativeHours": float(held),
                    "unstaffedHours": float(unstaffed),
                }
            )
        return out

    def grid_placeholder_assignments(self, visible=None, departments=None, tentative=True):
        """The grid's placeholder assignments: active ones (confirmed only without
        `tentative`) of placeholders in scope, by placeholder name and id, then the
        assignment order."""
        holders = {h["id"]: h for h in self.placeholders_in(visible, departments)}
        return self._in_grid_order(holders, "placeholderId", tentative)

    def _in_grid_order(self, owners: dict, key: str, tentative: bool) -> list[dict]:
        """The active assignments (confirmed only without `tentative`) whose `key`
        (personId, placeholderId) is in `owners`, in the grid's order: owner (name, id), then
        client (none last, case-insensitive), project name, id."""

        def order(a):
            project = self.projects[a["projectId"]]
            owner = owners[a[key]]
            return (
                owner["name"],
                owner["id"],
                project["client"] is None,
                (project["client"] or "").lower(),
                project["name"].lower(),
                a["id"],
            )

        return sorted(
            (
                a
                for a in self.data["assignments"]
                if a.get(key) in owners and self.counts(a, tentative)
            ),
            key=order,
        )

    def grid_placeholders(self, keys, visible=None, departments=None, tentative=True):
        """The grid's `placeholders` and `placeholderAssignments`."""
        rows = self.grid_placeholder_assignments(visible, departments, tentative)
        listed: list[int] = []
        for a in rows:
            if a["placeholderId"] not in listed:
                listed.append(a["placeholderId"])
        by_id = {h["id"]: h for h in self.data.get("placeholders", [])}
        placeholders = []
        for hid in listed:
            h = by_id[hid]
            per = {w: self.placeholder_hours(hid, w, tentative) for w in keys}
            placeholders.append(
                {
                    "id": str(hid),
                    "name": h["name"],
                    "roleId": str(h["roleId"]),
                    "departmentId": None
                    if h.get("departmentId") is None
                    else str(h["departmentId"]),
                    "hoursByWeek": {w.isoformat(): float(v) for w, v in per.items() if v},
                }
            )
        assignments = [
            {
                "id": str(a["id"]),
                "placeholderId": str(a["placeholderId"]),
                "projectId": str(a["projectId"]),
                "projectName": self.projects[a["projectId"]]["name"],
                "projectClient": self.projects[a["projectId"]]["client"],
                "roleOnProject": a["roleOnProject"],
                "status": a.get("status", "confirmed").upper(),
                "version": 1,
                "weeklyHours": {
                    k: float(v)
                    for k, v in sorted(a["weeklyHours"].items())
                    if monday(k) in keys and v
                },
            }
            for a in rows
        ]
        return placeholders, assignments

    # -- the availability calendar, one day at a time ------------------------------------

    def calendar_of(self, pid: int) -> int | None:
        """P's own calendar, else the nearest ancestor department's that has one."""
        p = self.people[pid]
        if p.get("holidayCalendarId") is not None:
            return p["holidayCalendarId"]
        dep = p["departmentId"]
        while dep is not None:
            if self.departments[dep].get("holidayCalendarId") is not None:
                return self.departments[dep]["holidayCalendarId"]
            dep = self.departments[dep]["parentId"]
        return None

    def employed(self, pid: int, day: dt.date) -> bool:
        p = self.people[pid]
        hire, end = _date(p["hireDate"]), _date(p.get("endDate"))
        return (hire is None or day >= hire) and (end is None or day <= end)

    def scheduled(self, pid: int, day: dt.date) -> D:
        p = self.people[pid]
        in_effect = [
            s for s in p.get("schedules", []) if dt.date.fromisoformat(s["effectiveFrom"]) <= day
        ]
        if in_effect:
            latest = max(in_effect, key=lambda s: s["effectiveFrom"])
            return D(str(latest["hours"][day.weekday()]))
        return D(str(p["weeklyCapacity"])) / 5 if day.weekday() < 5 else D(0)

    def holiday(self, pid: int, day: dt.date) -> bool:
        cal = self.calendar_of(pid)
        return cal is not None and day in self.holidays.get(cal, {})

    def leave(self, pid: int, day: dt.date) -> D:
        s = self.scheduled(pid, day)
        total = D(0)
        for t in self.time_off.get(pid, []):
            if dt.date.fromisoformat(t["startDate"]) <= day <= dt.date.fromisoformat(t["endDate"]):
                total += s if t["hoursPerDay"] is None else D(str(t["hoursPerDay"]))
        return min(total, s)

    def day_capacity(self, pid: int, day: dt.date) -> D:
        if not self.employed(pid, day) or self.holiday(pid, day):
            return D(0)
        return self.scheduled(pid, day) - self.leave(pid, day)

    def week(self, pid: int, week: dt.date) -> Week:
        days = [week + i * DAY for i in range(7)]
        employed = [d for d in days if self.employed(pid, d)]
        return Week(
            capacity=rnd(sum((self.day_capacity(pid, d) for d in days), D(0)), CENT),
            scheduled=rnd(sum((self.scheduled(pid, d) for d in employed), D(0)), CENT),
            holiday=rnd(
                sum((self.scheduled(pid, d) for d in employed if self.holiday(pid, d)), D(0)),
                CENT,
            ),
            time_off=rnd(
                sum((self.leave(pid, d) for d in employed if not self.holiday(pid, d)), D(0)),
                CENT,
            ),
        )

    def capacity(self, pid: int, week: dt.date) -> D:
        return self.week(pid, week).capacity

    def week_load(self, pid: int, week: dt.date, tentative: bool = True, split=False) -> dict:
        """One `hoursByWeek` entry with every field (`split`: and confirmedHours,
        tentativeHours)."""
        h, w = self.hours(pid, week, tentative), self.week(pid, week)
        confirmed = self.hours(pid, week, False)
        parts = (
            {"confirmedHours": float(confirmed), "tentativeHours": float(h - confirmed)}
            if split
            else {}
        )
        return {
            **parts,
            "week": week.isoformat(),
            "hours": float(h),
            "capacity": float(w.capacity),
            "availableHours": float(max(D(0), w.capacity - h)),
            "utilizationPercent": pct(h, w.capacity),
            "scheduledHours": float(w.scheduled),
            "holidayHours": float(w.holiday),
            "timeOffHours": float(w.time_off),
            "overbooked": h > w.capacity,
        }

    def absences(self, pid: int, first: dt.date, last: dt.date) -> list[dict]:
        """P's time off overlapping first..last (dates), by start date, end date, id."""
        rows = []
        for t in self.time_off.get(pid, []):
            start, end = dt.date.fromisoformat(t["startDate"]), dt.date.fromisoformat(t["endDate"])
            if start <= last and end >= first:
                rows.append(
                    (
                        start,
                        end,
                        t["id"],
                        {
                            "kind": t["kind"].upper(),
                            "startDate": t["startDate"],
                            "endDate": t["endDate"],
                            "hoursPerDay": None
                            if t["hoursPerDay"] is None
                            else float(t["hoursPerDay"]),
                            "name": t["note"] or "",
                            "timeOffId": str(t["id"]),
                        },
                    )
                )
        rows.sort(key=lambda r: r[:3])
        return [r[3] for r in rows]

    def report_holidays(self, people: list[dict], first: dt.date, last: dt.date) -> list[dict]:
        """A report's `holidays`: every calendar its people follow, by id, with its holidays
        in first..last (dates) by date (weekends included)."""
        followed = sorted({c for p in people if (c := self.calendar_of(p["id"])) is not None})
        return [
            {
                "calendarId": str(cal),
                "holidays": [
                    {"date": day.isoformat(), "name": name}
                    for day, name in sorted(self.holidays.get(cal, {}).items())
                    if first <= day <= last
                ],
            }
            for cal in followed
        ]

    def holiday_calendar_id(self, pid: int) -> str | None:
        cal = self.calendar_of(pid)
        return None if cal is None else str(cal)

    # -- reports -----------------------------------------------------------------------

    def active(self, departments: set[int] | None = None) -> list[dict]:
        # (for people, None is also every department: a person without one is in it)
        rows = [
            p
            for p in self.data["people"]
            if p["isActive"] and (departments is None or p["departmentId"] in departments)
        ]
        return sorted(rows, key=lambda p: (p["name"], p["id"]))

    def skill_score(self, pid: int, requested: list[str]) -> tuple[int, list[str], list[str]]:
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
        for s in self.people[pid]["skills"]:
            name = self.skills[s["skillId"]]
            w = weights[s["proficiency"]] * kinds[s["kind"]]
            if name.lower() not in best or w > best[name.lower()][0]:
                best[name.lower()] = (w, name)
        total = sum((best[n.lower()][0] for n in names if n.lower() in best), D(0))
        return (
            int(rnd(100 * total / len(names), D(1))),
            [best[n.lower()][1] for n in names if n.lower() in best],
            [n for n in names if n.lower() not in best],
        )

    def find_available(
        self, week: dt.date, requested, aw=HALF, sw=HALF, minimum=None, tentative=True
    ):
        rows = []
        for p in self.active():
            h, c = self.hours(p["id"], week, tentative), self.capacity(p["id"], week)
            free = max(D(0), c - h)
            if minimum is not None and free < minimum:
                continue
            score, matched, missing = (
                self.skill_score(p["id"], requested) if requested else (0, [], [])
            )
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

    def skill_match(
        self, requested: list[str], week: dt.date | None = None, tentative: bool = True
    ) -> list[dict]:
        """skillMatch: people holding a requested skill, by skillScore, or with a week by
        0.7 * skillScore + 0.3 * availability % (rounded to 0.1), then free hours, name, id."""
        rows = []
        for p in self.active():
            score, matched, missing = self.skill_score(p["id"], requested)
            if not matched:
                continue
            if week is None:
                total, free = rnd(D(score)), D(0)
            else:
                h, c = self.hours(p["id"], week, tentative), self.capacity(p["id"], week)
                free = max(D(0), c - h)
                total = rnd(D("0.7") * score + D("0.3") * (100 * free / c if c else D(0)))
            rows.append((total, free, p, score, matched, missing))
        key = (
            (lambda t: (-t[0], t[2]["name"], t[2]["id"]))
            if week is None
            else (lambda t: (-t[0], -t[1], t[2]["name"], t[2]["id"]))
        )
        rows.sort(key=key)
        return [
            {
                "person": {"id": str(p["id"])},
                "score": float(total),
                "skillScore": score,
                "matchedSkills": matched,
                "missingSkills": missing,
            }
            for total, free, p, score, matched, missing in rows
        ]

    def availability_row(
        self, pid: int, project_id: int, week: dt.date, tentative: bool = True
    ) -> dict:
        """One `Project.availability` row, with `person { id }`."""
        h, c = self.hours(pid, week, tentative), self.capacity(pid, week)
        on_project = sum(
            (
                D(str(a["weeklyHours"].get(week.isoformat(), 0)))
                for a in self.data["assignments"]
                if a.get("personId") == pid
                and a["projectId"] == project_id
                and self.counts(a, tentative)
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

    def heatmap_row(self, p: dict, keys: list[dt.date], tentative: bool = True) -> dict:
        """One `capacityHeatmap.rows` entry (every field but `person` beyond its id)."""
        per = [(w, self.hours(p["id"], w, tentative), self.week(p["id"], w)) for w in keys]
        counted = [(h, wk.capacity) for _, h, wk in per if wk.capacity]
        total_c = sum((c for _, c in counted), D(0))
        return {
            "person": {"id": str(p["id"])},
            "weeklyCapacity": float(p["weeklyCapacity"]),
            "hoursByWeek": {w.isoformat(): float(h) for w, h, _ in per if h},
            "percentByWeek": {w.isoformat(): pct(h, wk.capacity) for w, h, wk in per},
            "availableByWeek": {
                w.isoformat(): float(max(D(0), wk.capacity - h)) for w, h, wk in per
            },
            "capacityByWeek": {w.isoformat(): float(wk.capacity) for w, _, wk in per},
            "timeOffByWeek": {w.isoformat(): float(wk.time_off) for w, _, wk in per if wk.time_off},
            "holidayByWeek": {w.isoformat(): float(wk.holiday) for w, _, wk in per if wk.holiday},
            "peakPercent": max((pct(h, c) for h, c in counted), default=None),
            "averagePercent": float(rnd(100 * sum(h for h, _ in counted) / total_c))
            if total_c
            else None,
            "absences": self.absences(p["id"], keys[0], keys[-1] + 6 * DAY),
            "holidayCalendarId": self.holiday_calendar_id(p["id"]),
        }

    def tentative_by_week(self, pid: int, keys: list[dt.date], tentative: bool = True) -> dict:
        """A heatmap row's `tentativeByWeek`: the tentative part of hoursByWeek."""
        if not tentative:
            return {}
        held = {w.isoformat(): self.hours(pid, w) - self.hours(pid, w, False) for w in keys}
        return {k: float(v) for k, v in held.items() if v}

    def role_capacity(
        self, role_id: int, keys: list[dt.date], departments=None, tentative: bool = True
    ) -> tuple[list[float], list[float]]:
        """roleCapacity's (assigned, capacity) series of one role over active people."""
        members = [p for p in self.active(departments) if p["roleId"] == role_id]
        return (
            [float(sum((self.hours(p["id"], w, tentative) for p in members), D(0))) for w in keys],
            [float(sum((self.capacity(p["id"], w) for p in members), D(0))) for w in keys],
        )

    def grid_assignments(self, person_ids, tentative: bool = True) -> list[dict]:
        """The active assignments of these people in the grid's order."""
        return self._in_grid_order({i: self.people[i] for i in person_ids}, "personId", tentative)

    def grid_person(self, p: dict) -> dict:
        """One `gridSnapshot.people` row (without the calendar fields)."""
        return {
            "id": str(p["id"]),
            "name": p["name"],
            "weeklyCapacity": float(p["weeklyCapacity"]),
            "departmentId": str(p["departmentId"]) if p["departmentId"] else None,
            "roleId": str(p["roleId"]) if p["roleId"] else None,
            "email": p["email"],
            "firstEligibleWeek": monday(p["hireDate"]).isoformat() if p["hireDate"] else None,
        }

    def grid_calendar(self, p: dict, keys: list[dt.date]) -> dict:
        """A `gridSnapshot.people` row's calendar fields."""
        per = [(w, self.week(p["id"], w)) for w in keys]
        return {
            "endDate": p.get("endDate"),
            "capacityByWeek": {w.isoformat(): float(wk.capacity) for w, wk in per},
            "timeOffByWeek": {w.isoformat(): float(wk.time_off) for w, wk in per if wk.time_off},
            "holidayByWeek": {w.isoformat(): float(wk.holiday) for w, wk in per if wk.holiday},
            "absences": self.absences(p["id"], keys[0], keys[-1] + 6 * DAY),
            "holidayCalendarId": self.holiday_calendar_id(p["id"]),
        }

    def grid_assignment(self, a: dict, keys: list[dt.date]) -> dict:
        """One `gridSnapshot.assignments` row, its hours limited to the window `keys`."""
        return {
            "id": str(a["id"]),
            "personId": str(a["personId"]),
            "projectId": str(a["projectId"]),
            "projectName": self.projects[a["projectId"]]["name"],
            "projectClient": self.projects[a["projectId"]]["client"],
            "roleOnProject": a["roleOnProject"],
            "version": 1,
            "weeklyHours": {
                k: float(v) for k, v in sorted(a["weeklyHours"].items()) if monday(k) in keys
            },
        }


SMALL_REFERENCE = Reference.of(SMALL)
DATA = SMALL_REFERENCE.data
DEPARTMENTS = SMALL_REFERENCE.departments
ASSIGNMENTS = SMALL_REFERENCE.assignments
PEOPLE = SMALL_REFERENCE.people
PROJECTS = SMALL_REFERENCE.projects
SKILLS = SMALL_REFERENCE.skills
CHILDREN = SMALL_REFERENCE.children
subtree = SMALL_REFERENCE.subtree
hours = SMALL_REFERENCE.hours
capacity = SMALL_REFERENCE.capacity
active = SMALL_REFERENCE.active
skill_score = SMALL_REFERENCE.skill_score
find_available = SMALL_REFERENCE.find_available
skill_match = SMALL_REFERENCE.skill_match
availability_row = SMALL_REFERENCE.availability_row
grid_assignments = SMALL_REFERENCE.grid_assignments
grid_person = SMALL_REFERENCE.grid_person
grid_assignment = SMALL_REFERENCE.grid_assignment


# -- placeholders: candidates (docs/design.md, "Placeholder.candidates") -------------------

LEVELS = ["beginner", "intermediate", "advanced", "expert"]


def demand_of(ref: Reference, placeholder_id: int, include_tentative: bool = True) -> dict:
    """{week: hours} of a placeholder's active assignments, weeks with hours only."""
    out: dict[dt.date, D] = {}
    for a in ref.data["assignments"]:
        if a.get("placeholderId") != placeholder_id or not a["isActive"]:
            continue
        if not include_tentative and a.get("status") == "tentative":
            continue
        for key, value in a["weeklyHours"].items():
            out[monday(key)] = out.get(monday(key), D(0)) + D(str(value))
    return {w: h for w, h in out.items() if h}


def person_hours(ref: Reference, pid: int, week: dt.date, include_tentative: bool = True) -> D:
    return sum(
        (
            D(str(a["weeklyHours"].get(week.isoformat(), 0)))
            for a in ref.data["assignments"]
            if a.get("personId") == pid
            and a["isActive"]
            and (include_tentative or a.get("status") != "tentative")
        ),
        D(0),
    )


def candidates(
    ref: Reference,
    placeholder_id: int,
    limit: int = 10,
    departments: set[int] | None = None,
    include_tentative: bool = True,
) -> list[dict]:
    """Placeholder.candidates, straight from the definition: over the weeks with placeholder
    hours, people employed on one of their days; capacity-weighted availability; the skill
    score counting a skill held below its minimum as missing."""
    demand = demand_of(ref, placeholder_id, include_tentative)
    weeks_ = sorted(demand)[:260]
    if not weeks_:
        return []
    placeholder = next(p for p in ref.data["placeholders"] if p["id"] == placeholder_id)
    required = sorted(
        ((ref.skills[s["skillId"]], s["minProficiency"]) for s in placeholder["skills"]),
        key=lambda r: r[0],
    )
    weights = {"beginner": D("0.4"), "intermediate": D("0.7"), "advanced": D("0.9"), "expert": D(1)}
    kinds = {"strength": D(1), "in_progress": D("0.75"), "goal": D("0.25")}
    rows = []
    for p in ref.active(departments):
        pid = p["id"]
        if not any(ref.employed(pid, w + i * DAY) for w in weeks_ for i in range(7)):
            continue
        cap = free = D(0)
        for w in weeks_:
            c = ref.capacity(pid, w)
            cap += c
            free += max(D(0), c - person_hours(ref, pid, w, include_tentative))
        avail = 100 * free / cap if cap else D(0)
        matched, missing, total = [], [], D(0)
        for name, level in required:
            best = None
            for s in p["skills"]:
                held = ref.skills[s["skillId"]]
                if held.lower() != name.lower():
                    continue
                if LEVELS.index(s["proficiency"]) < LEVELS.index(level):
                    continue
                w = weights[s["proficiency"]] * kinds[s["kind"]]
                if best is None or w > best[0]:
                    best = (w, held)
            if best is None:
                missing.append(name)
            else:
                total += best[0]
                matched.append(best[1])
        skill = int(rnd(100 * total / len(required), D(1))) if required else 0
        score = rnd(HALF * avail + (HALF * skill if required else D(0)))
        rows.append((score, free, p["name"], pid, avail, skill, matched, missing))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    demand_hours = float(sum((demand[w] for w in weeks_), D(0)))
    return [
        {
            "person": {"id": str(pid)},
            "score": float(score),
            "availabilityPercent": float(rnd(avail)),
            "availableHours": float(free),
            "demandHours": demand_hours,
            "skillScore": skill,
            "matchedSkills": matched,
            "missingSkills": missing,
        }
        for score, free, _, pid, avail, skill, matched, missing in rows[:limit]
    ]
