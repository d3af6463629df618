import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from graphql import GraphQLError, parse, validate

from api.models import PersistedDocument
from api.persisted import sha256
from api.schema import schema


class Command(BaseCommand):
    help = (
        "Register a client's trusted documents: FILE is a {hash: document} manifest (as "
        "GraphQL Code Generator writes it). Each document must validate against the schema; "
        "it is stored under its SHA-256, selected by documentId 'sha256:<hex>'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--client", required=True, help="who the documents belong to")

    def handle(self, *args, file: Path, client: str, **options):
        try:
            manifest = json.loads(file.read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise CommandError(f"cannot read {file}: {e}") from None
        if not isinstance(manifest, dict) or not manifest:
            raise CommandError(f"{file}: expected a non-empty {{hash: document}} object")
        documents = {}
        for key, text in manifest.items():
            if not isinstance(text, str):
                raise CommandError(f"{file}: {key}: the document must be a string")
            digest = sha256(text)
            bare = key.removeprefix("sha256:")
            if len(bare) == 64 and bare.lower() != digest:
                raise CommandError(f"{file}: {key}: the key is not the document's SHA-256")
            try:
                errors = validate(schema._schema, parse(text))
            except GraphQLError as e:
                raise CommandError(f"{file}: {key}: {e.message}") from None
            if errors:
                raise CommandError(f"{file}: {key}: {errors[0].message}")
            documents[digest] = text
        with transaction.atomic():
            existing = set(
                PersistedDocument.objects.filter(sha256__in=documents).values_list(
                    "sha256", flat=True
                )
            )
            PersistedDocument.objects.bulk_create(
                PersistedDocument(sha256=d, document=t, client=client)
                for d, t in documents.items()
                if d not in existing
            )
        self.stdout.write(
            f"Registered {len(documents) - len(existing)} new document(s) for {client} "
            f"({len(existing)} already known)"
        )
