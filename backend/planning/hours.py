"""Parsing of client-sent hours: `{ "YYYY-MM-DD": hours }` maps and single amounts."""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from core.errors import InvalidInput

from .capacity import is_counted
from .weeks import monday

MAX_HOURS = Decimal(168)
CENT = Decimal("0.01")
LAST_DAY = monday(dt.date.max) - dt.timedelta(days=1)  # the last day of the last whole week


def parse_amount(value: object, field: str, maximum: Decimal = MAX_HOURS) -> Decimal:
    """A number 0..maximum, exact to 0.01."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidInput(f"{field} must be a number, got {value!r}", field)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{field} must be a finite number", field)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{field} must be a number, got {value!r}", field) from None
    if amount < 0 or amount > maximum:
        raise InvalidInput(f"{field} must be between 0 and {maximum}, got {value}", field)
    if amount != amount.quantize(CENT):
        raise InvalidInput(f"{field} must have at most two decimals, got {value}", field)
    return amount.quantize(CENT)


def parse_week(value: object, field: str) -> dt.date:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD), got {value!r}", field)
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD), got {value!r}", field) from None
    if len(value.strip()) != 10:
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD), got {value!r}", field)
    if day > LAST_DAY:  # its week's Sunday is past the calendar's end
        raise InvalidInput(
            f"{field} must be a date in a week ending by 9999-12-31, got {value!r}", field
        )
    return monday(day)


def parse_weekly_hours(
    raw: object, field: str, hire_date: dt.date | None = None
) -> dict[dt.date, Decimal]:
    """Read a `{date: hours}` map: dates become their week's Monday, two keys may not name
    one week, hours are 0..168, and no hours may fall in a week before the hire week."""
    if not isinstance(raw, dict):
        raise InvalidInput(f'{field} must be an object of {{"YYYY-MM-DD": hours}}', field)
    result: dict[dt.date, Decimal] = {}
    for key, value in raw.items():
        week = parse_week(key, f"{field}.{key}")
        if week in result:
            raise InvalidInput(
                f"{field} names the week of {week.isoformat()} more than once", f"{field}.{key}"
            )
        hours = parse_amount(value, f"{field}.{key}")
        if hours and hire_date is not None and not is_counted(hire_date, week):
            raise InvalidInput(
                f"{field}.{key}: hours in the week of {week.isoformat()} fall before the "
                f"hire date {hire_date.isoformat()}",
                f"{field}.{key}",
            )
        result[week] = hours
    return result
