"""Public holidays from the `holidays` package into a HolidayCalendar.

The package owns the rules (Easter, observed days, regional days); we only copy its answer for
whole years, so that a calendar can be refreshed year by year without touching the others.
"""

import datetime as dt
import re
from dataclasses import dataclass

import holidays as holidays_lib

from changes import log
from core.dataversion import write_transaction

from .models import Holiday, HolidayCalendar

FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_YEARS = 50
# An error names at most this many valid subdivisions (some countries have a hundred).
LISTED = 40
NAME_LENGTH = Holiday._meta.get_field("name").max_length or 200
SUBDIVISION_LENGTH = HolidayCalendar._meta.get_field("subdivision").max_length or 10
YEARS = re.compile(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?")


class HolidaySourceError(ValueError):
    """The request cannot be answered (unknown country, bad years...); nothing was written."""


@dataclass(frozen=True)
class PublicHolidays:
    country: str
    subdivision: str | None
    years: range
    days: list[tuple[dt.date, str]]  # by date, one entry per date


def parse_years(text: str) -> range:
    """`2027` or `2026-2028` (inclusive), within FIRST_YEAR..LAST_YEAR, at most MAX_YEARS."""
    match = YEARS.fullmatch(text)
    if match is None:
        raise HolidaySourceError(f"--years must be a year or a range like 2026-2028, not {text!r}")
    first = int(match[1])
    last = int(match[2] or first)
    if last < first:
        raise HolidaySourceError(f"--years {text}: the range ends before it starts")
    if first < FIRST_YEAR or last > LAST_YEAR:
        raise HolidaySourceError(f"--years must lie within {FIRST_YEAR}..{LAST_YEAR}")
    if last - first + 1 > MAX_YEARS:
        raise HolidaySourceError(f"--years covers {last - first + 1} years; at most {MAX_YEARS}")
    return range(first, last + 1)


def _listing(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED])
    return shown + (f", ... ({len(codes) - LISTED} more)" if len(codes) > LISTED else "")


def public_holidays(country: str, subdivision: str | None, years: range) -> PublicHolidays:
    """The package's public holidays of a country (and subdivision) in `years`, in English
    where the package has it (else in its default language for that country)."""
    countries = holidays_lib.list_supported_countries(include_aliases=False)
    code = country.strip().upper()
    if code not in countries:
        raise HolidaySourceError(f"Unknown country {country!r}")
    subdiv = None
    if subdivision is not None and subdivision.strip():
        valid = countries[code]
        by_key = {s.upper(): s for s in valid}
        subdiv = by_key.get(subdivision.strip().upper())
        if subdiv is None:
            if not valid:
                raise HolidaySourceError(f"{code} has no subdivisions; got {subdivision!r}")
            raise HolidaySourceError(
                f"Unknown subdivision {subdivision!r} for {code}; valid: {_listing(valid)}"
            )
        if len(subdiv) > SUBDIVISION_LENGTH:
            raise HolidaySourceError(
                f"Subdivision {subdiv!r} is longer than a calendar stores "
                f"({SUBDIVISION_LENGTH} characters)"
            )
    probe = holidays_lib.country_holidays(code)
    language = "en_US" if "en_US" in probe.supported_languages else None
    found = holidays_lib.country_holidays(code, subdiv=subdiv, years=years, language=language)
    days = [
        # One date, two holidays: both names, in the package's order.
        (day, "; ".join(found.get_list(day))[:NAME_LENGTH])
        for day in sorted(found)
        if years.start <= day.year < years.stop
    ]
    return PublicHolidays(code, subdiv, years, days)


@write_transaction
def import_into(calendar: HolidayCalendar, source: PublicHolidays) -> int:
    """The calendar's holidays in `source.years` become exactly `source.days`; other years
    are left alone. Fills the calendar's country and subdivision when it has none."""
    first = dt.date(source.years.start, 1, 1)
    last = dt.date(source.years.stop - 1, 12, 31)
    window = Holiday.objects.filter(calendar=calendar, date__range=(first, last))
    before = {day.isoformat(): name for day, name in window.values_list("date", "name")}
    window.delete()
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, date=day, name=name) for day, name in source.days
    )
    fields: dict = {}
    holidays = log.map_diff(before, {day.isoformat(): name for day, name in source.days})
    if holidays:
        fields["holidays"] = holidays
    changed = []
    if not calendar.country:
        calendar.country = source.country
        changed.append("country")
    if not calendar.subdivision and source.subdivision and calendar.country == source.country:
        calendar.subdivision = source.subdivision
        changed.append("subdivision")
    if changed:
        calendar.save(update_fields=[*changed, "updated_at"])
        fields.update(
            {name: {"before": None, "after": getattr(calendar, name)} for name in changed}
        )
    if fields:
        log.append_one(log.HOLIDAY_CALENDAR, calendar.pk, log.UPDATE, fields)
    return len(source.days)


@write_transaction
def create_and_import(name: str, source: PublicHolidays) -> tuple[HolidayCalendar, int]:
    """A new calendar named `name` holding `source` (one transaction: both or nothing)."""
    calendar = HolidayCalendar.objects.create(
        name=name, country=source.country, subdivision=source.subdivision
    )
    fields = log.created(log.snapshot(calendar, ("name", "country", "subdivision")))
    log.append_one(log.HOLIDAY_CALENDAR, calendar.pk, log.CREATE, fields)
    return calendar, import_into(calendar, source)
