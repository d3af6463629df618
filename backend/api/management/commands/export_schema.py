from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from api.schema import schema
from graphql_schema.governance import compare

SDL = Path(settings.REPO_ROOT) / "graphql_schema" / "schema.graphql"


class Command(BaseCommand):
    help = "Write graphql_schema/schema.graphql from the code, flagging breaking changes."

    def handle(self, *args, **options):
        printed = schema.as_str() + "\n"
        old = SDL.read_text() if SDL.exists() else None
        if old == printed:
            self.stdout.write("schema.graphql is up to date")
            return
        if old is not None:
            changes = compare(old, printed)
            for change in changes.breaking:
                self.stdout.write(self.style.ERROR(f"BREAKING: {change.description}"))
            for change in changes.dangerous:
                self.stdout.write(self.style.WARNING(f"dangerous: {change.description}"))
        SDL.write_text(printed)
        self.stdout.write(f"wrote {SDL.relative_to(settings.REPO_ROOT)}")
