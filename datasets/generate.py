#!/usr/bin/env python3
"""Generate a deterministic resource-planning dataset in the neutral exchange format.

    python datasets/generate.py --people 500 --weeks 26 --seed 42 > medium.json
    python datasets/generate.py --shipped     # rewrite the files committed beside this script

The files in this folder are this script's output for the arguments in SHIPPED below;
tests/data/test_datasets.py checks that they still are.

Format "capgraph-dataset/1" (all ids are integers local to the file, week keys are
Monday ISO dates, hours are numbers >= 0):

  weekStart, weeks             first Monday covered and number of weeks
  departments[]  id, name, parentId (null for a top-level department)
  roles[]        id, name
  skills[]       id, name, category
  people[]       id, name, email, departmentId, roleId, weeklyCapacity, hireDate (or null),
                 isActive, skills[] {skillId, proficiency: beginner|intermediate|advanced|expert,
                 kind: strength|in_progress|goal}
  projects[]     id, name, client (or null), status: planning|active|on_hold|completed|cancelled,
                 startDate, endDate (or null)
  assignments[]  id, personId, projectId, roleOnProject, isActive, weeklyHours {"YYYY-MM-DD": hours}

Format "capgraph-dataset/2" (`--calendar`) is /1 plus the availability calendar; every new key is
optional, so a /1 file is also a valid /2 file:

  holidayCalendars[]  id, name, country (ISO 3166 code or null), subdivision (or null)
  holidays[]          calendarId, date, name
  departments[]       + holidayCalendarId (or null): the default for people in that subtree
  people[]            + endDate (or null), holidayCalendarId (or null),
                      schedules[] {effectiveFrom, hours: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]}
  timeOff[]           id, personId, startDate, endDate, hoursPerDay (null = whole days),
                      kind: vacation|sick|parental|other, note

  and demand (`--demand`): placeholders, unstaffed demand with no capacity, holding
  assignments like people, and tentative assignments:

  placeholders[]      id, name, roleId, departmentId (or null; optional),
                      skills[] (optional) {skillId, minProficiency: beginner|intermediate|
                      advanced|expert}
  assignments[]       + status: confirmed|tentative (optional, default confirmed);
                      placeholderId in place of personId for a placeholder's assignment
                      (exactly one of the two)
"""

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

DEPARTMENT_TREE = {
    "Engineering": ["Platform", "Web", "Mobile", "Data", "QA"],
    "Design": ["Product Design", "Brand"],
    "Delivery": ["Project Management", "Business Analysis"],
    "Infrastructure": ["Cloud", "Security", "Networks"],
    "Consulting": ["Strategy", "Change"],
    "Operations": [],
}
ROLES = [
    "Engineer",
    "Senior Engineer",
    "Principal Engineer",
    "Designer",
    "Project Manager",
    "Business Analyst",
    "QA Engineer",
    "Data Scientist",
    "DevOps Engineer",
    "Architect",
    "Consultant",
    "Intern",
]
SKILLS = {
    "Languages": [
        "Python",
        "TypeScript",
        "JavaScript",
        "Go",
        "Rust",
        "Java",
        "Kotlin",
        "Swift",
        "C#",
        "SQL",
    ],
    "Frameworks": [
        "Django",
        "React",
        "Vue",
        "Angular",
        "FastAPI",
        "Spring",
        "Next.js",
        "Flutter",
        "Node.js",
        "GraphQL",
    ],
    "Data": [
        "PostgreSQL",
        "Redis",
        "Kafka",
        "Spark",
        "dbt",
        "Airflow",
        "Machine Learning",
        "Statistics",
        "Power BI",
        "Snowflake",
    ],
    "Cloud": [
        "AWS",
        "Azure",
        "GCP",
        "Kubernetes",
        "Terraform",
        "Docker",
        "Linux",
        "Networking",
        "Observability",
        "CI/CD",
    ],
    "Design": [
        "Figma",
        "User Research",
        "Accessibility",
        "Design Systems",
        "Prototyping",
        "Illustration",
        "Motion Design",
        "Copywriting",
    ],
    "Delivery": [
        "Scrum",
        "Kanban",
        "Stakeholder Management",
        "Budgeting",
        "Risk Management",
        "Requirements",
        "Workshops",
        "Change Management",
    ],
    "Security": [
        "Threat Modeling",
        "Penetration Testing",
        "IAM",
        "Compliance",
        "Incident Response",
    ],
}
FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Katherine",
    "Guido",
    "Sophie",
    "Yukihiro",
    "Anita",
    "Bjarne",
    "Joan",
    "Niklaus",
    "Lynn",
    "Donald",
    "Adele",
    "Whitfield",
    "Mary",
    "James",
    "Shafi",
    "Leslie",
]
LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Berners-Lee",
    "Lamarr",
    "McCarthy",
    "Johnson",
    "van Rossum",
    "Wilson",
    "Matsumoto",
    "Borg",
    "Stroustrup",
    "Clarke",
    "Wirth",
    "Conway",
    "Knuth",
    "Goldberg",
    "Diffie",
    "Shaw",
    "Gosling",
    "Goldwasser",
    "Lamport",
]
CLIENTS = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Hooli",
    "Pied Piper",
    "Vandelay",
    "Oscorp",
    "Aperture",
    "Black Mesa",
    "Massive Dynamic",
    "Gringotts",
    "Nakatomi",
    "Monarch",
    "bluebird",
    "zenith labs",
]  # lower-case names test case-insensitive ordering
PROJECT_WORDS = [
    "Atlas",
    "Beacon",
    "Comet",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Ion",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Radiant",
    "Summit",
    "Tandem",
    "Unity",
    "Vertex",
    "Willow",
    "Zephyr",
]
PROJECT_KINDS = [
    "Migration",
    "Portal",
    "Platform",
    "Redesign",
    "Audit",
    "Rollout",
    "Pilot",
    "API",
    "Dashboard",
    "Modernisation",
]
PROFICIENCY = ["beginner", "intermediate", "advanced", "expert"]
KIND = ["strength", "strength", "strength", "in_progress", "goal"]


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def add_calendar(data: dict, rnd: random.Random) -> dict:
    """The availability calendar: holiday calendars, schedules, end dates and time off."""
    start = dt.date.fromisoformat(data["weekStart"])
    end = start + dt.timedelta(weeks=data["weeks"])
    years = range(start.year, end.year + 1)
    fixed = {
        "GB": [("01-01", "New Year's Day"), ("12-25", "Christmas Day"), ("12-26", "Boxing Day")],
        "DE": [
            ("01-01", "Neujahr"),
            ("05-01", "Tag der Arbeit"),
            ("10-03", "Tag der Deutschen Einheit"),
            ("12-25", "Erster Weihnachtstag"),
            ("12-26", "Zweiter Weihnachtstag"),
        ],
        "US": [
            ("01-01", "New Year's Day"),
            ("07-04", "Independence Day"),
            ("12-25", "Christmas Day"),
        ],
    }
    calendars, holidays = [], []
    for cid, (country, sub) in enumerate([("GB", None), ("DE", "BY"), ("US", "CA")], start=1):
        calendars.append(
            {
                "id": cid,
                "name": f"{country}{'-' + sub if sub else ''} holidays",
                "country": country,
                "subdivision": sub,
            }
        )
        for y in years:
            for md, name in fixed[country]:
                holidays.append({"calendarId": cid, "date": f"{y}-{md}", "name": name})
        # a few company days, some on weekends (they must remove nothing)
        for _ in range(3):
            d = start + dt.timedelta(days=rnd.randrange(0, data["weeks"] * 7))
            holidays.append({"calendarId": cid, "date": d.isoformat(), "name": "Company day"})
    for d in data["departments"]:
        d["holidayCalendarId"] = rnd.choice([1, 2, 3, None]) if d["parentId"] is None else None
    patterns = [
        [8, 8, 8, 8, 8, 0, 0],
        [8, 8, 8, 8, 0, 0, 0],
        [4, 4, 4, 4, 4, 0, 0],
        [7.5, 7.5, 7.5, 7.5, 6, 0, 0],
        [10, 10, 10, 10, 0, 0, 0],
        [0, 8, 8, 8, 8, 4, 0],
    ]
    time_off, tid = [], 1
    for p in data["people"]:
        r = rnd.random()
        p["holidayCalendarId"] = rnd.choice([1, 2, 3]) if r < 0.25 else None
        p["endDate"] = (
            # never before the hire date (the same draws: the shipped files do not change)
            max(
                (start + dt.timedelta(days=rnd.randrange(0, data["weeks"] * 7))).isoformat(),
                p["hireDate"] or "",
            )
            if rnd.random() < 0.05
            else None
        )
        p["schedules"] = []
        if rnd.random() < 0.35:
            eff = start - dt.timedelta(days=rnd.randrange(0, 400))
            p["schedules"].append({"effectiveFrom": eff.isoformat(), "hours": rnd.choice(patterns)})
            if rnd.random() < 0.4:  # a contract change inside the window
                eff2 = start + dt.timedelta(days=rnd.randrange(1, data["weeks"] * 7))
                p["schedules"].append(
                    {"effectiveFrom": eff2.isoformat(), "hours": rnd.choice(patterns)}
                )
        for _ in range(rnd.choices([0, 1, 2, 3], weights=[40, 30, 20, 10])[0]):
            first = start + dt.timedelta(days=rnd.randrange(-7, data["weeks"] * 7))
            last = first + dt.timedelta(days=rnd.choice([0, 0, 1, 2, 4, 6, 9, 13]))
            partial = rnd.random() < 0.2
            time_off.append(
                {
                    "id": tid,
                    "personId": p["id"],
                    "startDate": first.isoformat(),
                    "endDate": last.isoformat(),
                    "hoursPerDay": rnd.choice([2, 4, 3.5]) if partial else None,
                    "kind": rnd.choices(
                        ["vacation", "sick", "parental", "other"], weights=[70, 20, 5, 5]
                    )[0],
                    "note": None,
                }
            )
            tid += 1
    data.update(
        format="capgraph-dataset/2", holidayCalendars=calendars, holidays=holidays, timeOff=time_off
    )
    return data


PLACEHOLDER_TITLES = ["Senior", "Junior", "Lead", "Contract", "Interim"]


def add_demand(data: dict, rnd: random.Random) -> dict:
    """Placeholders with required skills and assignments, and some tentative assignments."""
    for a in data["assignments"]:
        if rnd.random() < 0.15:
            a["status"] = "tentative"
    week_keys = [
        (dt.date.fromisoformat(data["weekStart"]) + dt.timedelta(weeks=i)).isoformat()
        for i in range(data["weeks"])
    ]
    placeholders = []
    aid = max((a["id"] for a in data["assignments"]), default=0) + 1
    for pid in range(1, max(3, len(data["people"]) // 10) + 1):
        role = rnd.choice(data["roles"])
        chosen = rnd.sample(data["skills"], rnd.randint(1, 4))
        placeholders.append(
            {
                "id": pid,
                "name": f"{rnd.choice(PLACEHOLDER_TITLES)} {role['name']} {pid}",
                "roleId": role["id"],
                "departmentId": rnd.choice(data["departments"])["id"]
                if rnd.random() > 0.2
                else None,
                "skills": [
                    {"skillId": sk["id"], "minProficiency": rnd.choice(PROFICIENCY)}
                    for sk in sorted(chosen, key=lambda sk: sk["id"])
                ],
            }
        )
        for _ in range(rnd.choice([1, 1, 2])):
            first = rnd.randrange(0, data["weeks"])
            last = min(data["weeks"], first + rnd.randint(2, data["weeks"]))
            base = rnd.choice([8, 16, 20, 24, 40])
            data["assignments"].append(
                {
                    "id": aid,
                    "placeholderId": pid,
                    "projectId": rnd.choice(data["projects"])["id"],
                    "roleOnProject": rnd.choice(["Developer", "Designer", "Analyst", None]),
                    "isActive": rnd.random() > 0.05,
                    "status": "tentative" if rnd.random() < 0.3 else "confirmed",
                    "weeklyHours": {week_keys[i]: base for i in range(first, last)},
                }
            )
            aid += 1
    data.update(format="capgraph-dataset/2", placeholders=placeholders)
    return data


def generate(people: int, weeks: int, seed: int, week_start: dt.date) -> dict:
    rnd = random.Random(seed)
    week_keys = [(week_start + dt.timedelta(weeks=i)).isoformat() for i in range(weeks)]

    departments, next_id = [], 1
    for top, children in DEPARTMENT_TREE.items():
        top_id = next_id
        departments.append({"id": top_id, "name": top, "parentId": None})
        next_id += 1
        for child in children:
            departments.append({"id": next_id, "name": child, "parentId": top_id})
            next_id += 1
    roles = [{"id": i + 1, "name": n} for i, n in enumerate(ROLES)]
    skills, sid = [], 1
    for category, names in SKILLS.items():
        for n in names:
            skills.append({"id": sid, "name": n, "category": category})
            sid += 1

    person_rows = []
    for pid in range(1, people + 1):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        cap = rnd.choices([40, 40, 40, 36, 32, 20, 0], weights=[50, 20, 10, 8, 6, 5, 1])[0]
        r = rnd.random()
        if r < 0.05:  # hired during the covered window: hire-date gating matters
            hire = week_start + dt.timedelta(days=rnd.randrange(0, weeks * 7))
        elif r < 0.10:
            hire = None
        else:
            hire = week_start - dt.timedelta(days=rnd.randrange(30, 3650))
        chosen = rnd.sample(skills, rnd.randint(2, 9))
        person_rows.append(
            {
                "id": pid,
                "name": name,
                "email": f"{name.lower().replace(' ', '.').replace('-', '')}.{pid}@example.com",
                "departmentId": rnd.choice(departments)["id"] if rnd.random() > 0.02 else None,
                "roleId": rnd.choice(roles)["id"] if rnd.random() > 0.03 else None,
                "weeklyCapacity": cap,
                "hireDate": hire.isoformat() if hire else None,
                "isActive": rnd.random() > 0.04,
                "skills": [
                    {
                        "skillId": s["id"],
                        "proficiency": rnd.choice(PROFICIENCY),
                        "kind": rnd.choice(KIND),
                    }
                    for s in chosen
                ],
            }
        )

    project_rows = []
    for prj in range(1, max(4, people // 4) + 1):
        start = week_start + dt.timedelta(weeks=rnd.randint(-20, weeks // 2))
        project_rows.append(
            {
                "id": prj,
                "name": f"{rnd.choice(PROJECT_WORDS)} {rnd.choice(PROJECT_KINDS)} {prj}",
                "client": rnd.choice(CLIENTS) if rnd.random() > 0.12 else None,
                "status": rnd.choices(
                    ["active", "planning", "on_hold", "completed", "cancelled"],
                    weights=[60, 15, 8, 12, 5],
                )[0],
                "startDate": start.isoformat(),
                "endDate": (start + dt.timedelta(weeks=rnd.randint(4, 60))).isoformat()
                if rnd.random() > 0.2
                else None,
            }
        )

    assignments, aid = [], 1
    for person in person_rows:
        for _ in range(rnd.choices([0, 1, 2, 3, 4], weights=[5, 30, 35, 20, 10])[0]):
            project = rnd.choice(project_rows)
            base = rnd.choice([4, 8, 10, 12, 16, 20, 24, 32, 40])
            first = rnd.randrange(0, weeks)
            last = min(weeks, first + rnd.randint(2, weeks))
            hours = {}
            for i in range(first, last):
                if rnd.random() < 0.1:
                    continue  # gaps in a plan are normal
                h = max(0.0, base + rnd.choice([-4, -2, 0, 0, 0, 2, 4, 8]))
                hours[week_keys[i]] = h if rnd.random() > 0.1 else h + 0.5
            assignments.append(
                {
                    "id": aid,
                    "personId": person["id"],
                    "projectId": project["id"],
                    "roleOnProject": rnd.choice(
                        ["Lead", "Developer", "Reviewer", "Designer", "Analyst", None]
                    ),
                    "isActive": rnd.random() > 0.05,
                    "weeklyHours": hours,
                }
            )
            aid += 1

    return {
        "format": "capgraph-dataset/1",
        "seed": seed,
        "weekStart": week_start.isoformat(),
        "weeks": weeks,
        "departments": departments,
        "roles": roles,
        "skills": skills,
        "people": person_rows,
        "projects": project_rows,
        "assignments": assignments,
    }


# The committed datasets, each with the arguments that write it.
SHIPPED = {
    "small.json": ["--people", "60", "--weeks", "12", "--seed", "7"],
    "medium.json": ["--people", "500", "--weeks", "26", "--seed", "42"],
    "small_calendar.json": ["--people", "60", "--weeks", "26", "--seed", "11", "--calendar"],
    # small.json's people, projects and hours, with placeholders and tentative assignments
    "small_demand.json": ["--people", "60", "--weeks", "12", "--seed", "7", "--demand"],
}


def render(argv: list[str]) -> str:
    """The dataset text for command-line arguments (as written to standard output)."""
    args = parser().parse_args(argv)
    start = monday(dt.date.fromisoformat(args.week_start))
    data = generate(args.people, args.weeks, args.seed, start)
    if args.calendar:
        add_calendar(data, random.Random(args.seed + 1))
    if args.demand:
        add_demand(data, random.Random(args.seed + 2))
    return json.dumps(data, separators=(",", ":")) + "\n"


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--week-start", default="2026-11-02", help="a date; its Monday is used")
    ap.add_argument(
        "--calendar", action="store_true", help="add the availability calendar (format /2)"
    )
    ap.add_argument(
        "--demand",
        action="store_true",
        help="add placeholders and tentative assignments (format /2)",
    )
    ap.add_argument("--shipped", action="store_true", help="rewrite the committed datasets")
    return ap


def main() -> None:
    args = parser().parse_args()
    if args.shipped:
        for name, argv in SHIPPED.items():
            (HERE / name).write_text(render(argv))
            print(f"wrote datasets/{name}")
        return
    sys.stdout.write(render(sys.argv[1:]))


if __name__ == "__main__":
    main()
