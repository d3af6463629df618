"""The change log: a transactional outbox. Every write appends its Change rows in the same
database transaction, so nothing commits without them and no row survives a rollback. The
change feed, webhooks and live subscriptions all read it (docs/design.md, "Change log")."""

from django.db import models


class Change(models.Model):
    class Operation(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"

    # The sequence: ids are handed out in commit order (changes.log takes a lock for the
    # rest of the writing transaction before its first row), so a reader that has seen id N
    # will never later find a committed row below N.
    id = models.BigAutoField(primary_key=True)
    entity_type = models.CharField(max_length=40)  # "person", "assignment", "timeOff", ...
    entity_id = models.BigIntegerField()
    operation = models.CharField(max_length=10, choices=Operation.choices)
    # {"<field>": {"before": value, "after": value}}: JSON values; create has no "before",
    # delete no "after".
    fields = models.JSONField(default=dict)
    actor = models.CharField(max_length=200)  # "user:alice", "token:<name>", "command:load_dataset"
    department_id = models.BigIntegerField(null=True, blank=True)  # for scoping (after the write)
    # A person (or their rows) moved between departments: the department before the write,
    # so that a viewer who could see it and no longer can is told of a removal.
    previous_department_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["entity_type", "id"], name="change_type_id_idx"),
            models.Index(fields=["entity_type", "entity_id", "id"], name="change_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.operation} {self.entity_type} {self.entity_id}"
