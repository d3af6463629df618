"""The Celery application: configured from Django's settings (the CELERY_* names), tasks
found in the installed apps' `tasks` modules.

Worker, from the repository root:
    .venv/bin/celery --workdir backend -A config worker --loglevel=INFO
Periodic cleanup of expired exports (CELERY_BEAT_SCHEDULE):
    .venv/bin/celery --workdir backend -A config beat --loglevel=INFO
Without CELERY_BROKER_URL nothing is sent to a broker: exports run in the web process
(exports.dispatch).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("capgraph")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
