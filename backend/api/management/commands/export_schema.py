from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from graphql import build_schema
from graphql.utilities import find_breaking_changes, find_dangerous_changes

from api.schema import schema

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
            before, after = build_schema(old), build_schema(printed)
            for change in find_breaking_changes(before, after):
                self.stdout.write(self.style.ERROR(f"BREAKING: {change.description}"))
            for change in find_dangerous_changes(before, after):
                self.stdout.write(self.style.WARNING(f"dangerous: {change.description}"))
        SDL.write_text(printed)
        self.stdout.write(f"wrote {SDL.relative_to(settings.REPO_ROOT)}")
