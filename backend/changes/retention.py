"""Pruning the change log: rows older than CHANGE_LOG_RETENTION_DAYS are deleted."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import Change


def prune(now: dt.datetime | None = None) -> int:
    """Delete the rows older than the retention; return how many. A feed cursor into the
    pruned range still works: the feed resumes at the oldest row kept."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.CHANGE_LOG_RETENTION_DAYS)
    deleted, _ = Change.objects.filter(created_at__lt=cutoff).delete()
    return deleted
