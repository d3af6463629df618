import hashlib
import secrets

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "cg_"


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough (as GitHub's and
    # Django REST Knox's tokens do); only the hash is stored.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read"
        WRITE = "write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # Restricted tokens see only `departments` and their descendants. The flag is kept apart
    # so that deleting every named department leaves a token that sees nothing, not everything.
    restricted = models.BooleanField(default=False)
    departments = models.ManyToManyField("people.Department", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user}, {self.scope})"

    @classmethod
    def issue(
        cls, user, scope: str = "read", departments=(), name: str = ""
    ) -> tuple["ApiToken", str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            key_prefix=raw[:10],
            scope=scope,
            restricted=bool(departments),
        )
        if departments:
            token.departments.set(departments)
        return token, raw
