"""Loading a capgraph-dataset/2 file (the availability calendar) in a test.

`load_dataset` learns /2 on the "data" branch; until then the /1 part goes through it and
the calendar rows are written here with the ORM, as the file says (ids become primary keys).
"""

import functools
import importlib.util
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection

from calendars.models import WEEKDAYS, Holiday, HolidayCalendar, TimeOff, WorkSchedule
from core import dataversion
from people.dataset import load
from people.models import Department, Person
from tests.conftest import DATASETS

CALENDAR_MODELS = [HolidayCalendar, Holiday, WorkSchedule, TimeOff]
TEST_DATA = Path(__file__).resolve().parent / "data"
CASES = TEST_DATA / "calendar_cases.json"


def load_calendar_dataset(path: Path) -> None:
    try:
        call_command("load_dataset", str(path), "--replace", stdout=StringIO())
        return
    except CommandError as e:
        if "not a capgraph-dataset/1 file" not in str(e):
            raise
    data = json.loads(path.read_text())
    load({**data, "format": "capgraph-dataset/1"}, replace=True)
    HolidayCalendar.objects.all().delete()
    HolidayCalendar.objects.bulk_create(
        HolidayCalendar(
            id=c["id"], name=c["name"], country=c["country"], subdivision=c["subdivision"]
        )
        for c in data.get("holidayCalendars", [])
    )
    Holiday.objects.bulk_create(
        Holiday(calendar_id=h["calendarId"], date=h["date"], name=h["name"])
        for h in data.get("holidays", [])
    )
    for d in data["departments"]:
        if d.get("holidayCalendarId"):
            Department.objects.filter(pk=d["id"]).update(holiday_calendar_id=d["holidayCalendarId"])
    schedules = []
    for p in data["people"]:
        if p.get("holidayCalendarId") or p.get("endDate"):
            Person.objects.filter(pk=p["id"]).update(
                holiday_calendar_id=p.get("holidayCalendarId"), end_date=p.get("endDate")
            )
        schedules.extend(
            WorkSchedule(
                person_id=p["id"],
                effective_from=s["effectiveFrom"],
                **{day: str(h) for day, h in zip(WEEKDAYS, s["hours"], strict=True)},
            )
            for s in p.get("schedules", [])
        )
    WorkSchedule.objects.bulk_create(schedules)
    TimeOff.objects.bulk_create(
        TimeOff(
            id=t["id"],
            person_id=t["personId"],
            start_date=t["startDate"],
            end_date=t["endDate"],
            hours_per_day=None if t["hoursPerDay"] is None else str(t["hoursPerDay"]),
            kind=t["kind"],
            note=t["note"] or "",
        )
        for t in data.get("timeOff", [])
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), CALENDAR_MODELS):
            cursor.execute(sql)
    dataversion.bump()


def _generator():
    spec = importlib.util.spec_from_file_location("capgraph_generate", DATASETS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def medium_calendar() -> Path:
    """medium.json with a generated calendar: `datasets/generate.py --people 500 --weeks 26
    --seed 42 --calendar` (the issue's benchmark data), written once per process."""
    generator = _generator()
    path = Path(tempfile.mkdtemp(prefix="capgraph-")) / "medium_calendar.json"
    path.write_text(generator.render([*generator.SHIPPED["medium.json"], "--calendar"]))
    return path
