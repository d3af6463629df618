"""import_holidays: a calendar filled from the `holidays` package, whole years replaced in one
transaction, clear errors and nothing written on bad input."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from calendars.models import Holiday, HolidayCalendar
from core import dataversion

# Bavaria's public holidays in 2026 (Easter Sunday is 5 April), as the package names them in
# English. Assumption Day (15 August) is a holiday only in Bavaria's Catholic municipalities.
DE_BY_2026 = [
    ("2026-01-01", "New Year's Day"),
    ("2026-01-06", "Epiphany"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-01", "Labor Day"),
    ("2026-05-14", "Ascension Day"),
    ("2026-05-25", "Pentecost Monday"),
    ("2026-06-04", "Corpus Christi"),
    ("2026-10-03", "German Unity Day"),
    ("2026-11-01", "All Saints' Day"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-26", "Second Day of Christmas"),
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_holidays", *args, stdout=out)
    return out.getvalue()


def rows(calendar: HolidayCalendar) -> list[tuple[str, str]]:
    return [
        (day.isoformat(), name)
        for day, name in Holiday.objects.filter(calendar=calendar)
        .order_by("date")
        .values_list("date", "name")
    ]


@pytest.fixture
def calendar(db, tokens) -> HolidayCalendar:
    return HolidayCalendar.objects.create(name="DE-BY")


def test_imports_bavaria_2026_with_english_names_and_fills_country(calendar):
    before = dataversion.current()
    output = run("--calendar", str(calendar.pk), "--country", "DE", "--subdivision", "BY",
                 "--years", "2026")  # fmt: skip
    assert output == "Imported 12 holidays into 'DE-BY' (1 year)\n"
    assert rows(calendar) == DE_BY_2026
    calendar.refresh_from_db()
    assert (calendar.country, calendar.subdivision) == ("DE", "BY")
    after = dataversion.current()
    assert before is not None and after is not None and after > before


def test_a_range_of_years_is_imported_and_a_second_run_gives_the_same_rows(calendar):
    args = ("--calendar", str(calendar.pk), "--country", "de", "--subdivision", "by",
            "--years", "2026-2028")  # fmt: skip
    assert run(*args) == "Imported 36 holidays into 'DE-BY' (3 years)\n"
    first = rows(calendar)
    assert len(first) == 36
    assert first[:12] == DE_BY_2026
    assert first[12:14] == [("2027-01-01", "New Year's Day"), ("2027-01-06", "Epiphany")]
    assert first[-1] == ("2028-12-26", "Second Day of Christmas")
    assert run(*args) == "Imported 36 holidays into 'DE-BY' (3 years)\n"
    assert rows(calendar) == first
    assert Holiday.objects.filter(calendar=calendar).count() == 36


def test_only_the_imported_years_are_replaced(calendar):
    other = HolidayCalendar.objects.create(name="Company days")
    Holiday.objects.bulk_create(
        [
            Holiday(calendar=calendar, date=dt.date(2025, 12, 31), name="Company party"),
            Holiday(calendar=calendar, date=dt.date(2026, 7, 1), name="Summer outing"),
            Holiday(calendar=calendar, date=dt.date(2026, 1, 1), name="Old name"),
            Holiday(calendar=calendar, date=dt.date(2027, 1, 2), name="Bridge day"),
            Holiday(calendar=other, date=dt.date(2026, 7, 1), name="Summer outing"),
        ]
    )
    run("--calendar", str(calendar.pk), "--country", "DE", "--subdivision", "BY",
        "--years", "2026")  # fmt: skip
    assert rows(calendar) == [
        ("2025-12-31", "Company party"),
        *DE_BY_2026,
        ("2027-01-02", "Bridge day"),
    ]
    assert rows(other) == [("2026-07-01", "Summer outing")]


def test_two_holidays_on_one_date_share_the_row(calendar):
    # In 2008 Ascension Day (Easter + 39 days) fell on 1 May.
    run("--calendar", str(calendar.pk), "--country", "DE", "--years", "2008")
    assert rows(calendar) == [  # the nine nationwide holidays, on eight dates
        ("2008-01-01", "New Year's Day"),
        ("2008-03-21", "Good Friday"),
        ("2008-03-24", "Easter Monday"),
        ("2008-05-01", "Ascension Day; Labor Day"),
        ("2008-05-12", "Pentecost Monday"),
        ("2008-10-03", "German Unity Day"),
        ("2008-12-25", "Christmas Day"),
        ("2008-12-26", "Second Day of Christmas"),
    ]
    calendar.refresh_from_db()
    assert (calendar.country, calendar.subdivision) == ("DE", None)


def test_the_calendar_keeps_its_own_country_and_names_the_default(calendar):
    calendar.country, calendar.subdivision = "DE", "BY"
    calendar.save()
    # No --country or --subdivision: the calendar's own.
    assert run("--calendar", str(calendar.pk), "--years", "2026") == (
        "Imported 12 holidays into 'DE-BY' (1 year)\n"
    )
    assert rows(calendar) == DE_BY_2026
    # Another country is imported, and the calendar still says what it was.
    run("--calendar", str(calendar.pk), "--country", "GB", "--subdivision", "ENG",
        "--years", "2026")  # fmt: skip
    assert rows(calendar) == [
        ("2026-01-01", "New Year's Day"),
        ("2026-04-03", "Good Friday"),
        ("2026-04-06", "Easter Monday"),
        ("2026-05-04", "May Day"),
        ("2026-05-25", "Spring Bank Holiday"),
        ("2026-08-31", "Late Summer Bank Holiday"),
        ("2026-12-25", "Christmas Day"),
        ("2026-12-26", "Boxing Day"),
        ("2026-12-28", "Boxing Day (observed)"),
    ]
    calendar.refresh_from_db()
    assert (calendar.country, calendar.subdivision) == ("DE", "BY")


def test_create_makes_the_calendar_and_fills_it(db, tokens):
    before = HolidayCalendar.objects.count()
    output = run("--create", "Bavaria", "--country", "DE", "--subdivision", "BY",
                 "--years", "2026")  # fmt: skip
    assert output == "Imported 12 holidays into 'Bavaria' (1 year)\n"
    made = HolidayCalendar.objects.get(name="Bavaria")
    assert (made.country, made.subdivision) == ("DE", "BY")
    assert rows(made) == DE_BY_2026
    assert HolidayCalendar.objects.count() == before + 1


BAD = [
    (["--country", "XX", "--years", "2026"], "Unknown country 'XX'"),
    (
        ["--country", "DE", "--subdivision", "ZZ", "--years", "2026"],
        "Unknown subdivision 'ZZ' for DE; valid: BB, BE, BW, BY, HB, HE, HH, MV, NI, NW, RP, "
        "SH, SL, SN, ST, TH, Augsburg",
    ),
    (
        ["--country", "US", "--subdivision", "ZZ", "--years", "2026"],
        "Unknown subdivision 'ZZ' for US; valid: AK, AL, AR, AS, AZ, CA, CO, CT, DC, DE, FL, "
        "GA, GU, HI, IA, ID, IL, IN, KS, KY, LA, MA, MD, ME, MI, MN, MO, MP, MS, MT, NC, ND, "
        "NE, NH, NJ, NM, NV, NY, OH, OK, ... (17 more)",
    ),
    (
        ["--country", "IS", "--subdivision", "X", "--years", "2026"],
        "IS has no subdivisions; got 'X'",
    ),
    (["--years", "2026"], "--country is required (the calendar has none)"),
    (
        ["--country", "DE", "--years", "26"],
        "--years must be a year or a range like 2026-2028, not '26'",
    ),
    (
        ["--country", "DE", "--years", "2028-2026"],
        "--years 2028-2026: the range ends before it starts",
    ),
    (["--country", "DE", "--years", "1899-1901"], "--years must lie within 1900..2200"),
    (["--country", "DE", "--years", "2200-2201"], "--years must lie within 1900..2200"),
    (["--country", "DE", "--years", "2000-2050"], "--years covers 51 years; at most 50"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_is_refused_with_status_1_and_nothing_written(calendar, args, message):
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 1, 1), name="Kept")
    before = dataversion.current()
    with pytest.raises(CommandError) as err:
        run("--calendar", str(calendar.pk), *args)
    assert str(err.value) == message
    assert err.value.returncode == 1
    assert rows(calendar) == [("2026-01-01", "Kept")]
    calendar.refresh_from_db()
    assert (calendar.country, calendar.subdivision) == (None, None)
    assert dataversion.current() == before


def test_an_unknown_calendar_or_a_taken_name_is_refused(calendar):
    count = HolidayCalendar.objects.count()
    with pytest.raises(CommandError) as err:
        run("--calendar", "999999", "--country", "DE", "--years", "2026")
    assert str(err.value) == "No holiday calendar with id 999999"
    with pytest.raises(CommandError) as err:
        run("--create", "de-by", "--country", "DE", "--years", "2026")
    assert (
        str(err.value) == f"A holiday calendar named 'DE-BY' exists: use --calendar {calendar.pk}"
    )
    with pytest.raises(CommandError) as err:
        run("--create", "Other", "--country", "XX", "--years", "2026")
    assert str(err.value) == "Unknown country 'XX'"
    assert HolidayCalendar.objects.count() == count
    assert Holiday.objects.count() == 0


def test_the_command_needs_exactly_one_target(db, tokens):
    with pytest.raises(CommandError) as err:
        run("--country", "DE", "--years", "2026")
    assert str(err.value) == ("Error: one of the arguments --calendar --create is required")
    with pytest.raises(CommandError) as err:
        run("--calendar", "1", "--create", "X", "--country", "DE", "--years", "2026")
    assert str(err.value) == "Error: argument --create: not allowed with argument --calendar"
