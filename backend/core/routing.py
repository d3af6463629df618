"""Read replicas for reports.

With DATABASE_REPLICA_URL set, settings add a `replica` database and this router. Reads made
inside `report_reads()` (a context variable, so it follows the request into the
`sync_to_async` threads that run its queries) go to the replica; every other read, every
write and every migration stays on `default`. Without the setting nothing changes.

Reports are read-only and heavy (whole-organisation aggregates), so they are what a replica
takes off the primary; a replica's lag (usually milliseconds) is the price: see
docs/scaling.md for what that means for the response cache.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_report_reads: ContextVar[bool] = ContextVar("capgraph_report_reads", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    """Reads in this block (and the threads it hands work to) may use the replica."""
    token = _report_reads.set(True)
    try:
        yield
    finally:
        _report_reads.reset(token)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """The database alias reads use here: for raw SQL (`connections[read_alias()]`), which
    routers never see."""
    return REPLICA if _report_reads.get() and has_replica() else "default"


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if read_alias() == REPLICA else None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"
