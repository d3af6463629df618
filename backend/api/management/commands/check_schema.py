import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from graphql import GraphQLError, GraphQLSchema, build_schema

from api.models import PersistedDocument
from api.persisted import manifest
from graphql_schema import governance

SCHEMA_DIR = Path(settings.REPO_ROOT) / "graphql_schema"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.REPO_ROOT).resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as e:
        raise CommandError(f"cannot read {_shown(path)}: {e.strerror}") from None


def _schema(path: Path, sdl: str) -> GraphQLSchema:
    try:
        return build_schema(sdl)
    except GraphQLError as e:
        raise CommandError(f"{_shown(path)} is not a valid schema: {e.message}") from None


def released_changelog(text: str, label: str) -> str:
    """The changelog once a release is cut: the Unreleased entries go under `## label`, and
    a new, empty Unreleased section starts above them."""
    if governance.UNRELEASED not in text.splitlines():
        raise CommandError(f'the changelog has no "{governance.UNRELEASED}" heading')
    return text.replace(governance.UNRELEASED + "\n", f"{governance.UNRELEASED}\n\n## {label}\n", 1)


class Command(BaseCommand):
    help = (
        "Compare graphql_schema/schema.graphql with the last released schema "
        "(graphql_schema/released.graphql): a breaking change fails unless "
        "graphql_schema/CHANGELOG.md names it (kind and coordinate) with a reason under "
        '"## Unreleased"; dangerous changes are printed; every document of the web app\'s '
        "manifest (PERSISTED_DOCUMENTS) and of the partner registry (register_documents) must "
        "validate against the new schema. Exit status 1 on any failure. --release then cuts "
        "a release: schema.graphql is copied over released.graphql and the Unreleased "
        "entries move under a heading of their own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", type=Path, default=SCHEMA_DIR / "schema.graphql")
        parser.add_argument("--released", type=Path, default=SCHEMA_DIR / "released.graphql")
        parser.add_argument("--changelog", type=Path, default=SCHEMA_DIR / "CHANGELOG.md")
        parser.add_argument(
            "--no-registry",
            action="store_true",
            help="leave out the partner registry (no database: CI's has no partner documents)",
        )
        parser.add_argument(
            "--release",
            metavar="LABEL",
            nargs="?",
            const=dt.date.today().isoformat(),
            help="after a passing check, cut a release named LABEL (default: today's date)",
        )

    def handle(
        self,
        *args,
        schema: Path,
        released: Path,
        changelog: Path,
        no_registry: bool,
        release: str | None,
        **options,
    ):
        current = _read(schema)
        changelog_text = _read(changelog)
        web = [
            governance.Document(f"sha256:{key}" if len(key) == 64 else key, text)
            for key, text in manifest().by_key.items()
        ]
        partners = None
        if not no_registry:
            rows = PersistedDocument.objects.order_by("client", "sha256")
            try:
                partners = [
                    governance.Document(f"sha256:{digest}", text, client)
                    for digest, text, client in rows.values_list("sha256", "document", "client")
                ]
            except DatabaseError as e:
                raise CommandError(
                    f"cannot read the partner registry ({e}); migrate the database, or "
                    "leave the registry out with --no-registry"
                ) from None
        report = governance.check(
            _schema(released, _read(released)),
            _schema(schema, current),
            changelog_text,
            _shown(changelog),
            web,
            partners,
        )
        self.stdout.write(f"{_shown(schema)} against {_shown(released)}:")
        for line in report.summary():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                "the schema check failed:\n" + "\n".join(f"- {f}" for f in report.failures)
            )
        if release is not None:
            changelog.write_text(released_changelog(changelog_text, release))
            released.write_text(current)
            self.stdout.write(
                f"released: {_shown(schema)} copied to {_shown(released)}; "
                f'{_shown(changelog)} has "## {release}"'
            )
