from django.core.management.base import BaseCommand

from exports.services import cleanup


class Command(BaseCommand):
    help = "Delete expired export files and mark their jobs expired (also a Celery beat task)."

    def handle(self, *args, **options):
        files, jobs = cleanup()
        self.stdout.write(f"deleted {files} file(s), expired {jobs} job(s)")
