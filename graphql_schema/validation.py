"""Argument checks shared by resolvers, with the limits and codes of docs/api.md."""

import base64
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

import strawberry

from graphql_schema.errors import BadUserInput, RequestTooLarge
from planning.weeks import MAX_WEEKS, current_week, monday

# A `from: Date` argument (a Python keyword, so the parameter is `from_`); None: this week.
FromArg = Annotated[dt.date | None, strawberry.argument(name="from")]
ToArg = Annotated[dt.date | None, strawberry.argument(name="to")]


def date_window(
    first: dt.date | None, last: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """An optional from..to range of days (None: open on that side)."""
    if first is not None and last is not None and last < first:
        raise BadUserInput(
            f"to must be on or after from, got {first.isoformat()}..{last.isoformat()}",
            field="to",
        )
    return first, last


MAX_FIRST = 200
MAX_LIMIT = 200


def check_range(value: int, field: str, low: int, high: int) -> int:
    if value < low:
        raise BadUserInput(f"{field} must be between {low} and {high}, got {value}", field=field)
    if value > high:
        raise RequestTooLarge(f"{field} must be at most {high}, got {value}", field=field)
    return value


def check_weeks(weeks: int | None, field: str = "weeks", default: int = 12) -> int:
    return check_range(default if weeks is None else weeks, field, 1, MAX_WEEKS)


def check_first(first: int | None, default: int = 50) -> int:
    return check_range(default if first is None else first, "first", 1, MAX_FIRST)


def week_or_current(day: dt.date | None, field: str = "week", weeks: int = 1) -> dt.date:
    """The Monday of `day`'s week (this week without one), refusing a window of `weeks`
    weeks that would run past the calendar's end."""
    first = current_week() if day is None else monday(day)
    try:
        first + dt.timedelta(weeks=weeks, days=-1)
    except OverflowError:
        raise BadUserInput(
            f"{field}: {weeks} week(s) from {first.isoformat()} run past 9999-12-31", field=field
        ) from None
    return first


def parse_id(value: object, field: str) -> int:
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) <= 0 or len(text) > 18:
        raise BadUserInput(f"{field} must be a numeric id, got {value!r}", field=field)
    return int(text)


_CURSOR_PREFIX = "cursor:v1:"
# Offsets go to SQL as 64-bit integers: a cursor past this reached PostgreSQL (and SQLite)
# as an overflow, an INTERNAL_SERVER_ERROR. No list is anywhere near as long.
MAX_CURSOR_OFFSET = 2**62


@lru_cache(maxsize=4096)  # the same few offsets, every page of every list
def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str | None, field: str = "after") -> int:
    """The offset *after* which the next page starts (0 without a cursor)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError
        offset = int(text.removeprefix(_CURSOR_PREFIX))
        if offset < 0 or offset >= MAX_CURSOR_OFFSET:
            raise ValueError
    except (ValueError, UnicodeError):
        raise BadUserInput(f"{field} is not a valid cursor", field=field) from None
    return offset + 1


# --- bounds on list arguments and list input fields ---------------------------------------
# Each list (or JSON map) a client can send declares its bound where it is declared:
# `skills: Annotated[list[str], bounded(50, "names")]`. api/limits.py checks every one before
# anything runs (REQUEST_TOO_LARGE naming the field) and a test fails for a list without one.

_BOUND = "capgraph.list_bound"


@dataclass(frozen=True, slots=True)
class ListBound:
    items: int
    noun: str = "items"


def bound_metadata(items: int, noun: str = "items") -> dict[str, ListBound]:
    """Metadata for a bounded input field: `strawberry.field(metadata=bound_metadata(260))`."""
    return {_BOUND: ListBound(items, noun)}


def bounded(items: int, noun: str = "items", **kwargs: Any) -> Any:
    """A bounded list argument: `Annotated[list[str], bounded(50, "names")]`."""
    return strawberry.argument(metadata=bound_metadata(items, noun), **kwargs)


def list_bound_of(definition: Any) -> ListBound | None:
    """The bound a GraphQL argument or input field was declared with (None: none)."""
    origin = (definition.extensions or {}).get("strawberry-definition")
    bound = (getattr(origin, "metadata", None) or {}).get(_BOUND)
    return bound if isinstance(bound, ListBound) else None


MAX_SKILL_NAMES = 50  # skill names asked for in one argument
MAX_ROLE_IDS = 200
MAX_STATUSES = 10  # ProjectStatus values (a repeated value is harmless, not unbounded)
MAX_PERSON_SKILLS = 100  # skills per setPersonSkills
MAX_WEEKS_PER_MAP = 260  # weeks per weeklyHours map: five years
MAX_HOLIDAYS = 1000  # holidays per setHolidays: ten years of any country's, many times over

SkillNames = Annotated[list[str], bounded(MAX_SKILL_NAMES, "skill names")]
OptionalSkillNames = Annotated[list[str] | None, bounded(MAX_SKILL_NAMES, "skill names")]
WEEKLY_HOURS_BOUND = bound_metadata(MAX_WEEKS_PER_MAP, "weeks")
