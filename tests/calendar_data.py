"""The datasets with an availability calendar (capgraph-dataset/2) the tests load: the
hand-written cases and medium.json with a generated calendar."""

import contextlib
import functools
import importlib.util
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db.models import Max

from tests.conftest import DATASETS

TEST_DATA = Path(__file__).resolve().parent / "data"
CASES = TEST_DATA / "calendar_cases.json"


def load_calendar_dataset(path: Path) -> None:
    """Replace the session's data with `path`'s, in the test's transaction."""
    with sequences_kept_ahead():
        call_command("load_dataset", str(path), "--replace", stdout=StringIO())


@contextlib.contextmanager
def sequences_kept_ahead():
    """load_dataset sets each id sequence to the file's highest id, and PostgreSQL's sequences
    ignore the test's rollback: a smaller file would leave them below the ids of the session's
    data that the rollback brings back, and a later test's insert would collide with one
    (people_person_pkey). Keep every sequence past the highest id it had before the load."""
    from django.db import connection

    from people.dataset import MODELS

    if connection.vendor != "postgresql":  # SQLite's counters roll back with the transaction
        yield
        return
    before = {m: m._base_manager.aggregate(top=Max("pk"))["top"] or 0 for m in MODELS}
    yield
    with connection.cursor() as cursor:
        for model, top in before.items():
            table, pk = model._meta.db_table, model._meta.pk.column
            highest = f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 0)'
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, {highest}, 1))",
                [table, pk, top],
            )


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
