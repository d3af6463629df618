from django.core.management.base import BaseCommand

from changes import retention


class Command(BaseCommand):
    help = "Delete change-log rows older than CHANGE_LOG_RETENTION_DAYS (beat does it hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {retention.prune()} change-log rows")
