from django.core.management.base import BaseCommand, CommandError

from calendars.holiday_import import (
    HolidaySourceError,
    create_and_import,
    import_into,
    parse_years,
    public_holidays,
)
from calendars.models import HolidayCalendar
from changes.log import acting_as


class Command(BaseCommand):
    help = (
        "Fill a holiday calendar with a country's public holidays from the `holidays` package: "
        "the calendar's holidays in those years are replaced (running it twice changes nothing)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--calendar", type=int, help="id of the calendar to fill")
        target.add_argument("--create", metavar="NAME", help="create a calendar with this name")
        parser.add_argument(
            "--country",
            help="ISO 3166-1 alpha-2 code, e.g. DE (default: the calendar's country)",
        )
        parser.add_argument("--subdivision", help="e.g. BY (default: the calendar's)")
        parser.add_argument("--years", required=True, help="2027 or 2026-2028 (inclusive)")

    def handle(self, *args, calendar, create, country, subdivision, years, **options):
        existing = None
        if calendar is not None:
            existing = HolidayCalendar.objects.filter(pk=calendar).first()
            if existing is None:
                raise CommandError(f"No holiday calendar with id {calendar}")
            country = country or existing.country
            if subdivision is None and country == existing.country:
                subdivision = existing.subdivision
        else:
            create = create.strip()
            if not create:
                raise CommandError("--create needs a name")
            taken = HolidayCalendar.objects.filter(name__iexact=create).first()
            if taken is not None:
                raise CommandError(
                    f"A holiday calendar named {taken.name!r} exists: use --calendar {taken.pk}"
                )
        if not country:
            raise CommandError("--country is required (the calendar has none)")
        try:
            source = public_holidays(country, subdivision, parse_years(years))
        except HolidaySourceError as e:
            raise CommandError(str(e)) from None
        with acting_as("command:import_holidays"):
            if existing is None:
                existing, count = create_and_import(create, source)
            else:
                count = import_into(existing, source)
        span = len(source.years)
        self.stdout.write(
            f"Imported {count} holidays into {existing.name!r} "
            f"({span} year{'' if span == 1 else 's'})"
        )
