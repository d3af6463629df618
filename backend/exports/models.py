import uuid

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """A background grid export. It belongs to whoever asked: the API token when one was
    used (another token of the same user cannot read it), else the user's session."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        EXPIRED = "expired"  # the file was deleted after `expires_at`

    class Format(models.TextChoices):
        CSV = "csv"
        XLSX = "xlsx"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0..100
    format = models.CharField(max_length=4, choices=Format.choices)
    # {"from": "YYYY-MM-DD", "weeks": n, "department": id | null, "includeChildren": bool}
    params = models.JSONField(default=dict)
    # The file's name inside settings.EXPORT_DIR (relative, so the directory can move).
    file_path = models.CharField(max_length=255, blank=True, default="")
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="exports_status_expiry")]

    def __str__(self) -> str:
        return f"export {self.id} ({self.status})"
