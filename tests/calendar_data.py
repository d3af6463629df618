"""The datasets with an availability calendar (capgraph-dataset/2) the tests load: the
hand-written cases and medium.json with a generated calendar."""

import functools
import importlib.util
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from tests.conftest import DATASETS

TEST_DATA = Path(__file__).resolve().parent / "data"
CASES = TEST_DATA / "calendar_cases.json"


def load_calendar_dataset(path: Path) -> None:
    """Replace the session's data with `path`'s, in the test's transaction."""
    call_command("load_dataset", str(path), "--replace", stdout=StringIO())


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
