"""Reading one field of a dataset record, or refusing it with a message naming the record."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal, overload

from core.errors import InvalidInput
from core.text import CONTROL
from planning.hours import parse_amount

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DatasetError(Exception):
    pass


class Reader:
    def __init__(self, data: Any, formats: tuple[str, ...]) -> None:
        if not isinstance(data, dict) or data.get("format") not in formats:
            wanted = " or ".join(f'"{f}"' for f in formats)
            raise DatasetError(f'not a capgraph dataset: "format" must be {wanted}')
        self.data = data

    def records(self, section: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self.data.get(section, [])
        if not isinstance(rows, list):
            raise DatasetError(f"{section} must be a list")
        out = []
        for i, row in enumerate(rows):
            where = f"{section}[{i}]"
            if not isinstance(row, dict):
                raise DatasetError(f"{where}: must be an object")
            if isinstance(row.get("id"), int) and not isinstance(row.get("id"), bool):
                where += f" (id {row['id']})"
            out.append((where, row))
        return out


def need(
    row: dict[str, Any],
    key: str,
    where: str,
    kinds: type | tuple[type, ...],
    nullable: bool = False,
) -> Any:
    if key not in row:
        raise DatasetError(f"{where}: missing {key}")
    value = row[key]
    if value is None and nullable:
        return None
    if isinstance(value, bool) and kinds is not bool:
        raise DatasetError(f"{where}: {key} must be {_kind_name(kinds)}, got {value!r}")
    if not isinstance(value, kinds):
        raise DatasetError(f"{where}: {key} must be {_kind_name(kinds)}, got {value!r}")
    if isinstance(value, str) and kinds is str and not value.strip() and not nullable:
        raise DatasetError(f"{where}: {key} must not be blank")
    return value


def _kind_name(kinds: type | tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        str: "a string",
        bool: "a boolean",
        dict: "an object",
        list: "a list",
        float: "a number",
    }
    if isinstance(kinds, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kinds)
    return names.get(kinds, kinds.__name__)


def text(row: dict[str, Any], key: str, where: str, max_length: int) -> str:
    value = optional_text(row, key, where, max_length, nullable=False)
    assert value is not None
    return value


def optional_text(
    row: dict[str, Any], key: str, where: str, max_length: int, nullable: bool = True
) -> str | None:
    """A stripped string that fits its column and holds no control character but tab, newline
    and carriage return (what the GraphQL edge lets a client write); a missing key is null."""
    if nullable and key not in row:
        return None
    value = need(row, key, where, str, nullable=nullable)
    if value is None:
        return None
    value = value.strip()
    if len(value) > max_length:
        raise DatasetError(
            f"{where}: {key} must be at most {max_length} characters, got {len(value)}"
        )
    if CONTROL.search(value):
        raise DatasetError(
            f"{where}: {key} contains a control character: only tab, newline and carriage "
            "return are allowed"
        )
    return value


def date(row: dict[str, Any], key: str, where: str) -> dt.date | None:
    value = need(row, key, where, str, nullable=True)
    if value is None:
        return None
    try:
        # fromisoformat alone also takes 20260101 and 2026-W01-1
        if not ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DatasetError(f"{where}: {key} is not a date (YYYY-MM-DD): {value!r}") from None


def required_date(row: dict[str, Any], key: str, where: str) -> dt.date:
    value = date(row, key, where)
    if value is None:
        raise DatasetError(f"{where}: {key} must be a date (YYYY-MM-DD), got None")
    return value


def amount(value: object, field: str, where: str, maximum: Decimal) -> Decimal:
    try:
        return parse_amount(value, field, maximum)
    except InvalidInput as e:
        raise DatasetError(f"{where}: {e.message}") from None


def ids(where: str, row: dict[str, Any], seen: set[int]) -> int:
    pk = need(row, "id", where, int)
    if pk <= 0:
        raise DatasetError(f"{where}: id must be a positive integer")
    if pk in seen:
        raise DatasetError(f"{where}: duplicate id {pk}")
    seen.add(pk)
    return pk


@overload
def ref(
    row: dict[str, Any], key: str, where: str, known: set[int], what: str, nullable: Literal[False]
) -> int: ...
@overload
def ref(
    row: dict[str, Any], key: str, where: str, known: set[int], what: str, nullable: bool
) -> int | None: ...
def ref(
    row: dict[str, Any], key: str, where: str, known: set[int], what: str, nullable: bool
) -> int | None:
    value = need(row, key, where, int, nullable=nullable)
    if value is not None and value not in known:
        raise DatasetError(f"{where}: {key} {value} does not name a {what} in the file")
    return value
