from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from .register_documents import Command as RegisterDocuments

CLIENT = "manifest"


class Command(RegisterDocuments):
    help = (
        "Make every running server know the trusted-documents manifest's documents, without a "
        "restart or a signal: each document of FILE (default: PERSISTED_DOCUMENTS, the web "
        "app's manifest) must validate against the schema; they are registered in the "
        "database, where every server process looks for a hash its own copy of the manifest "
        "lacks. (`kill -HUP <server pid>` makes one process read the file again; in DEBUG a "
        "changed file is read again by itself.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")

    def handle(self, *args, file: Path | None = None, **options):
        if file is None:
            if not settings.PERSISTED_DOCUMENTS:
                raise CommandError("PERSISTED_DOCUMENTS is empty: name a manifest FILE")
            file = Path(settings.PERSISTED_DOCUMENTS)
        super().handle(file=file, client=CLIENT)
