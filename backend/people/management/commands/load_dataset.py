import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from changes.log import acting_as
from people.dataset import DatasetError, load


class Command(BaseCommand):
    help = "Load a capgraph-dataset/1 or /2 JSON file in one transaction; ids become primary keys."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="delete existing planning data first"
        )

    def handle(self, *args, path: Path, replace: bool, **options):
        started = time.perf_counter()
        try:
            data = json.loads(path.read_text())
        except OSError as e:
            raise CommandError(f"cannot read {path}: {e.strerror}") from None
        except json.JSONDecodeError as e:
            raise CommandError(f"{path} is not valid JSON: {e}") from None
        try:
            with acting_as("command:load_dataset"):
                counts = load(data, replace=replace)
        except DatasetError as e:
            raise CommandError(f"{path}: {e}; nothing was written") from None
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Loaded {path.name} in {elapsed:.2f}s: {summary}")
