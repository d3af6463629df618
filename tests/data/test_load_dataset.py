"""load_dataset: one transaction, ids kept, clear errors naming the record, nothing written."""

import copy
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assignments.models import Assignment, AssignmentWeek
from people.models import Department, Person, PersonSkill
from tests.conftest import REPO
from tests.reference import DATA


def counts():
    return (
        Department.objects.count(),
        Person.objects.count(),
        PersonSkill.objects.count(),
        Assignment.objects.count(),
        AssignmentWeek.objects.count(),
    )


def load(data, tmp_path, *args):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("load_dataset", str(path), *args, stdout=out)
    return out.getvalue()


def test_replace_loads_every_record_and_keeps_ids(db, tokens, tmp_path):
    output = load(DATA, tmp_path, "--replace")
    assert output.startswith("Loaded data.json in ")
    assert output.split(": ", 1)[1].strip() == (
        "20 departments, 12 roles, 61 skill tags, 60 persons, 331 person skills, "
        "15 projects, 123 assignments, 564 assignment weeks"
    )
    first = DATA["people"][0]
    person = Person.objects.get(pk=first["id"])
    assert (person.name, person.department_id, str(person.weekly_capacity)) == (
        first["name"],
        first["departmentId"],
        f"{first['weeklyCapacity']:.2f}",
    )


def test_non_empty_database_needs_replace(db, tokens, tmp_path):
    before = counts()
    with pytest.raises(CommandError) as err:
        load(DATA, tmp_path)
    assert str(err.value).endswith(
        "data.json: the database already holds data: use --replace to overwrite it; "
        "nothing was written"
    )
    assert counts() == before


def broken(mutate):
    data = copy.deepcopy(DATA)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["departments"][3].update(parentId=99),
            "departments[3] (id 4): parentId 99 does not name a department in the file",
        ),
        (
            lambda d: d["people"][5].update(id=d["people"][4]["id"]),
            "people[5] (id 5): duplicate id 5",
        ),
        (
            lambda d: d["people"][0].update(weeklyCapacity=-1),
            "people[0] (id 1): weeklyCapacity must be between 0 and 168, got -1",
        ),
        (
            lambda d: d["people"][0]["skills"][0].update(proficiency="guru"),
            "people[0] (id 1).skills[0]: unknown proficiency 'guru'",
        ),
        (
            lambda d: d["skills"][1].update(name="PYTHON"),
            "skills[1] (id 2): skill name 'PYTHON' repeats another ignoring case",
        ),
        (
            lambda d: d["assignments"][2].update(personId=999),
            "assignments[2] (id 3): personId 999 does not name a person in the file",
        ),
        (
            lambda d: d["assignments"][0]["weeklyHours"].update({"2026-13-01": 4}),
            "assignments[0] (id 1): weeklyHours.2026-13-01 must be a date (YYYY-MM-DD), "
            "got '2026-13-01'",
        ),
        (
            lambda d: d["assignments"][0]["weeklyHours"].update({"2026-11-10": 169}),
            "assignments[0] (id 1): weeklyHours.2026-11-10 must be between 0 and 168, got 169",
        ),
        (
            lambda d: d["projects"][0].update(status="paused"),
            "projects[0] (id 1): unknown status 'paused'",
        ),
        (
            lambda d: d.update(format="other/1"),
            'not a capgraph-dataset/1 file: "format" must be "capgraph-dataset/1"',
        ),
    ],
)
def test_invalid_record_is_named_and_nothing_is_written(db, tokens, tmp_path, mutate, message):
    before = counts()
    with pytest.raises(CommandError) as err:
        load(broken(mutate), tmp_path, "--replace")
    assert str(err.value) == f"{tmp_path / 'data.json'}: {message}; nothing was written"
    assert counts() == before


def test_two_keys_naming_one_week_are_refused(db, tokens, tmp_path):
    data = broken(lambda d: d["assignments"][0]["weeklyHours"].update({"2026-11-04": 1}))
    data["assignments"][0]["weeklyHours"]["2026-11-03"] = 2
    before = counts()
    with pytest.raises(
        CommandError,
        match=r"assignments\[0\] \(id 1\): weeklyHours names the "
        r"week of 2026-11-02 twice; nothing was written",
    ):
        load(data, tmp_path, "--replace")
    assert counts() == before


def test_command_line_exits_1_with_the_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken(lambda d: d["people"][0].update(isActive="yes"))))
    env = {**os.environ, "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(REPO / "backend" / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
    result = subprocess.run(
        [*manage, "load_dataset", str(bad)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: {bad}: people[0] (id 1): isActive must be a boolean, got 'yes'; "
        "nothing was written"
    )
    assert result.stdout == ""
