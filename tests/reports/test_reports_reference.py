"""Every report on small.json against a reference computed here from the dataset file and
docs/design.md's definitions (not from the code under test)."""

from tests.reference import (
    DATA,
    PEOPLE,
    D,
    active,
    availability_row,
    capacity,
    find_available,
    grid_assignment,
    grid_assignments,
    grid_person,
    hours,
    monday,
    pct,
    rnd,
    skill_match,
    subtree,
    weeks,
)


def test_capacity_heatmap_in_a_department_subtree(gql):
    keys = weeks("2026-11-04", 6)  # a Wednesday: the week that contains it
    r = gql.post(
        """{ capacityHeatmap(from: "2026-11-04", weeks: 6, department: "1",
             includeChildren: true) { weekKeys rows { person { id } weeklyCapacity
             hoursByWeek percentByWeek availableByWeek peakPercent averagePercent } } }"""
    )
    expected_rows = []
    for p in active(subtree(1)):
        per = [(w, hours(p["id"], w), capacity(p["id"], w)) for w in keys]
        counted = [(h, c) for _, h, c in per if c]
        total_c = sum((c for _, c in counted), D(0))
        expected_rows.append(
            {
                "person": {"id": str(p["id"])},
                "weeklyCapacity": float(p["weeklyCapacity"]),
                "hoursByWeek": {w.isoformat(): float(h) for w, h, _ in per if h},
                "percentByWeek": {w.isoformat(): pct(h, c) for w, h, c in per},
                "availableByWeek": {w.isoformat(): float(max(D(0), c - h)) for w, h, c in per},
                "peakPercent": max((pct(h, c) for h, c in counted), default=None),
                "averagePercent": float(rnd(100 * sum(h for h, _ in counted) / total_c))
                if total_c
                else None,
            }
        )
    assert r.data["capacityHeatmap"] == {
        "weekKeys": [w.isoformat() for w in keys],
        "rows": expected_rows,
    }
    only_root = gql.post(
        '{ capacityHeatmap(from: "2026-11-04", weeks: 1, department: "1") '
        "{ rows { person { id } } } }"
    )
    assert [int(r["person"]["id"]) for r in only_root.data["capacityHeatmap"]["rows"]] == [
        p["id"] for p in active({1})
    ]


FIND = """query($week: Date, $skills: [String!], $min: Float, $aw: Float, $sw: Float,
  $limit: Int) { findAvailable(week: $week, skills: $skills, minAvailableHours: $min,
  availabilityWeight: $aw, skillWeight: $sw, limit: $limit) { person { id } score
  availableHours capacity utilizationPercent skillScore matchedSkills missingSkills hours } }"""


def test_find_available_ranks_every_candidate(gql):
    week = monday("2026-11-18")
    r = gql.post(FIND, {"week": "2026-11-18", "skills": ["Python", "sql"], "limit": 200})
    assert r.data["findAvailable"] == find_available(week, ["Python", "sql"])
    ties = [row["score"] for row in r.data["findAvailable"]]
    assert len(ties) != len(set(ties))  # the data has ties: the tie-breaks are exercised


def test_find_available_weights_minimum_and_no_skills(gql):
    week = monday("2026-12-07")
    r = gql.post(FIND, {"week": "2026-12-07", "min": 10, "aw": 1, "sw": 0.2, "limit": 7})
    assert r.data["findAvailable"] == find_available(week, None, D(1), D("0.2"), D(10))[:7]


def test_skill_match_with_and_without_a_week(gql):
    doc = """query($week: Date) { skillMatch(skills: ["react", "Python", "Figma", "python"],
      limit: 200, week: $week) { person { id } score skillScore matchedSkills missingSkills } }"""
    assert gql.post(doc, {"week": None}).data["skillMatch"] == skill_match(
        ["react", "Python", "Figma"]
    )
    assert gql.post(doc, {"week": "2026-11-16"}).data["skillMatch"] == skill_match(
        ["react", "Python", "Figma"], monday("2026-11-16")
    )


def test_role_capacity_is_dense_and_gated_by_hire_dates(gql):
    keys = weeks("2026-11-02", 12)
    r = gql.post(
        '{ roleCapacity(from: "2026-11-02", weeks: 12, roles: ["7", "5"]) { weekKeys '
        "roles { id } series { role { id } assigned capacity } } }"
    )
    roles = sorted([5, 7], key=lambda rid: next(x["name"] for x in DATA["roles"] if x["id"] == rid))
    people = active()
    assert r.data["roleCapacity"] == {
        "weekKeys": [w.isoformat() for w in keys],
        "roles": [{"id": str(rid)} for rid in roles],
        "series": [
            {
                "role": {"id": str(rid)},
                "assigned": [
                    float(sum((hours(p["id"], w) for p in people if p["roleId"] == rid), D(0)))
                    for w in keys
                ],
                "capacity": [
                    float(sum((capacity(p["id"], w) for p in people if p["roleId"] == rid), D(0)))
                    for w in keys
                ],
            }
            for rid in roles
        ],
    }


def test_project_availability_assigned_and_departments(gql):
    week = monday("2026-11-16")
    for project_id in (3, 11):
        members = {
            a["personId"]
            for a in DATA["assignments"]
            if a["projectId"] == project_id and a["isActive"] and PEOPLE[a["personId"]]["isActive"]
        }
        departments = {PEOPLE[m]["departmentId"] for m in members} - {None}

        r = gql.post(
            f'{{ project(id: "{project_id}") {{ assigned: availability(week: '
            '"2026-11-16") { person { id } projectHours totalHours capacity '
            "availableHours utilizationPercent } everyone: availability(week: "
            '"2026-11-16", scope: DEPARTMENTS) { person { id } projectHours totalHours '
            "capacity availableHours utilizationPercent } } }"
        )
        project = r.data["project"]
        assert project["assigned"] == [
            availability_row(p["id"], project_id, week) for p in active() if p["id"] in members
        ]
        assert project["everyone"] == [
            availability_row(p["id"], project_id, week) for p in active(departments)
        ]


def test_grid_snapshot_renders_the_grid(gql):
    keys = weeks("2026-11-02", 4)
    people = active({3})
    r = gql.post(
        '{ gridSnapshot(from: "2026-11-02", weeks: 4, department: "3") { weekKeys '
        "people { id name weeklyCapacity departmentId roleId email firstEligibleWeek } "
        "hoursByPerson assignments { id personId projectId projectName projectClient "
        "roleOnProject version weeklyHours } } }"
    )
    ids = [p["id"] for p in people]
    assignments = grid_assignments(ids)
    assert r.data["gridSnapshot"] == {
        "weekKeys": [w.isoformat() for w in keys],
        "people": [grid_person(p) for p in people],
        "hoursByPerson": {
            str(pid): {w.isoformat(): float(hours(pid, w)) for w in keys if hours(pid, w)}
            for pid in ids
            if any(hours(pid, w) for w in keys)
        },
        "assignments": [grid_assignment(a, keys) for a in assignments],
    }


BULK = """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items)
  { assignments { id version weeklyHours } } }"""


def weekly(assignment_id: int) -> dict:
    from assignments.models import AssignmentWeek

    return {
        w.isoformat(): float(h)
        for w, h in AssignmentWeek.objects.filter(assignment_id=assignment_id)
        .order_by("week")
        .values_list("week", "hours")
    }


def test_bulk_merge_and_replace(gql):
    before_54 = weekly(54)
    r = gql.post(
        BULK,
        {
            "items": [
                {
                    "assignmentId": "54",
                    "expectedVersion": 1,
                    "weeklyHours": {"2026-11-16": 0, "2026-11-24": 7.5},
                },
                {
                    "assignmentId": "53",
                    "expectedVersion": 1,
                    "mode": "REPLACE",
                    "weeklyHours": {"2026-12-01": 3},
                },
            ]
        },
    )
    merged = {k: v for k, v in before_54.items() if k != "2026-11-16"} | {"2026-11-23": 7.5}
    assert r.data["bulkUpdateAssignmentHours"]["assignments"] == [
        {"id": "54", "version": 2, "weeklyHours": dict(sorted(merged.items()))},
        {"id": "53", "version": 2, "weeklyHours": {"2026-11-30": 3.0}},
    ]


def test_bulk_partial_failure_and_conflicts_write_nothing(gql):
    before = (weekly(54), weekly(53), weekly(49))
    bad = gql.post(
        BULK,
        {
            "items": [
                {"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"2026-11-23": 1}},
                {"assignmentId": "53", "expectedVersion": 1, "weeklyHours": {"2026-11-23": 200}},
            ]
        },
    )
    assert bad.errors[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "items.1.weeklyHours.2026-11-23",
    }
    stale = gql.post(
        BULK,
        {
            "items": [
                {"assignmentId": "54", "expectedVersion": 3, "weeklyHours": {"2026-11-23": 1}},
                {"assignmentId": "53", "expectedVersion": 1, "weeklyHours": {"2026-11-23": 1}},
                {"assignmentId": "49", "expectedVersion": 0, "weeklyHours": {"2026-11-23": 1}},
            ]
        },
    )
    assert stale.errors[0]["extensions"] == {
        "code": "CONFLICT",
        "conflicts": [
            {"assignmentId": "54", "currentVersion": 1},
            {"assignmentId": "49", "currentVersion": 1},
        ],
    }
    assert (weekly(54), weekly(53), weekly(49)) == before


def test_bulk_limits(gql, client_for, tokens):
    items = [
        {"assignmentId": str(i), "expectedVersion": 1, "weeklyHours": {}} for i in range(1, 502)
    ]
    assert gql.post(BULK, {"items": items}).errors[0]["extensions"] == {
        "code": "REQUEST_TOO_LARGE",
        "field": "items",
    }
    assert gql.post(BULK, {"items": []}).codes == ["BAD_USER_INPUT"]
    one = [{"assignmentId": "54", "expectedVersion": 1, "weeklyHours": {"2026-11-23": 1}}]
    assert client_for(tokens.read).post(BULK, {"items": one}).codes == ["FORBIDDEN"]
    outside = next(
        a["id"] for a in DATA["assignments"] if PEOPLE[a["personId"]]["departmentId"] != 3
    )
    hidden = client_for(tokens.web).post(
        BULK, {"items": [{"assignmentId": str(outside), "expectedVersion": 1, "weeklyHours": {}}]}
    )
    assert hidden.errors[0]["extensions"] == {"code": "NOT_FOUND", "field": "items.0.assignmentId"}
