"""The exported grid's layout, shared by CSV and XLSX: typed cells, written by format.

One header row, then per person (active, in scope, by name then id) one row per active
assignment, one total row, whose project id, name and client are empty, and one capacity
row, whose project id and client are empty and project name is "Capacity":

    person_id, person_name, department, project_id, project_name, client, <Monday>..., total

Week cells are the hours in that week (0 when none), on the capacity row capacity(P, W)
from the availability calendar (docs/design.md); `total` sums the row's weeks. A person
without assignments still gets their total and capacity rows, so every person in scope is
listed and each week's free time is capacity minus total.

Placeholders (unstaffed demand) follow all the people: per placeholder in scope with an
active assignment (by name then id), one row per active assignment and one total row, no
capacity row (a placeholder has none). Their person_id cell is `placeholder:<id>`, their
person_name the placeholder's name, their department the placeholder's.
"""

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO

from assignments.aggregates import GridRows, PlaceholderGridRows
from planning.calendar import NOT_EMPLOYED, WeekCapacity
from planning.capacity import ZERO, cents
from planning.reports import PersonFacts

FIXED_COLUMNS = ["person_id", "person_name", "department", "project_id", "project_name", "client"]
Cell = int | str | Decimal | None
CENT = Decimal("0.01")
CAPACITY_ROW = "Capacity"


def header(weeks: Sequence[dt.date]) -> list[Cell]:
    return [*FIXED_COLUMNS, *(w.isoformat() for w in weeks), "total"]


def rows(
    people: Iterable[PersonFacts],
    grid: GridRows,
    department_names: Mapping[int, str],
    weeks: Sequence[dt.date],
    capacities: Mapping[int, Sequence[WeekCapacity]],
) -> Iterator[list[Cell]]:
    nobody = [NOT_EMPLOYED] * len(weeks)
    by_person: dict[int, list[tuple]] = defaultdict(list)
    for assignment in grid.assignments:
        by_person[assignment[1]].append(assignment)
    for person in people:
        department = department_names.get(person.department_id or 0, "")
        lead: list[Cell] = [person.id, person.name, department]
        for a_id, _, project_id, project_name, client, *_ in by_person.get(person.id, ()):
            hours = grid.hours_by_assignment.get(a_id, {})
            cells = [hours.get(w, ZERO) for w in weeks]
            yield [*lead, project_id, project_name, client or "", *cells, sum(cells, ZERO)]
        totals = grid.hours_by_person.get(person.id, {})
        cells = [totals.get(w, ZERO) for w in weeks]
        yield [*lead, None, "", "", *cells, sum(cells, ZERO)]
        cells = [cents(wc.capacity) for wc in capacities.get(person.id, nobody)]
        yield [*lead, None, CAPACITY_ROW, "", *cells, sum(cells, ZERO)]


PLACEHOLDER_ID = "placeholder:{}"


def placeholder_rows(
    demand: PlaceholderGridRows, department_names: Mapping[int, str], weeks: Sequence[dt.date]
) -> Iterator[list[Cell]]:
    by_placeholder: dict[int, list[tuple]] = defaultdict(list)
    for assignment in demand.assignments:
        by_placeholder[assignment[1]].append(assignment)
    for placeholder_id, name, _, department_id in demand.placeholders:
        department = department_names.get(department_id or 0, "")
        lead: list[Cell] = [PLACEHOLDER_ID.format(placeholder_id), name, department]
        for a_id, _, project_id, project_name, client, *_ in by_placeholder[placeholder_id]:
            hours = demand.hours_by_assignment.get(a_id, {})
            cells = [hours.get(w, ZERO) for w in weeks]
            yield [*lead, project_id, project_name, client or "", *cells, sum(cells, ZERO)]
        totals = demand.hours_by_placeholder.get(placeholder_id, {})
        cells = [totals.get(w, ZERO) for w in weeks]
        yield [*lead, None, "", "", *cells, sum(cells, ZERO)]


def text(cell: Cell) -> str:
    """Hours without trailing zeros ("40", "7.5", "0.25"); ids as digits; None empty."""
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        number = f"{cell.quantize(CENT):f}"
        return number.rstrip("0").rstrip(".") if "." in number else number
    return str(cell)


def write_csv(out: IO[str], lines: Iterable[list[Cell]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    for line in lines:
        writer.writerow([text(c) for c in line])


def write_xlsx(path: str, lines: Iterable[list[Cell]], freeze: str = "G2") -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Grid")
    sheet.freeze_panes = freeze
    for line in lines:
        # Hours as numbers (exact to 0.01 in a double), so that the sheet can sum them.
        sheet.append([float(c) if isinstance(c, Decimal) else c for c in line])
    book.save(path)
