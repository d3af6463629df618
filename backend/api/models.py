from django.db import models


class PersistedDocument(models.Model):
    """A trusted GraphQL document registered for a partner client (`register_documents`)."""

    sha256 = models.CharField(max_length=64, unique=True)
    document = models.TextField()
    client = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.client}: sha256:{self.sha256[:12]}…"
