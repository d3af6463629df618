"""Circuit breakers for the two services every request may wait on: Redis and the database.

A breaker counts consecutive failures (timeouts, refused or broken connections). At
`threshold` of them it opens: for `seconds`, callers skip the service at once (Redis: the
request runs uncached; the database: a JSON 503) instead of each waiting for its own
timeout. Then it lets calls through again; one more failure opens it anew, a success
closes it. Pure Python and thread-safe: redis-py connections and psycopg's pool workers
report from their own threads.
"""

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger("capgraph.outage")


class Breaker:
    def __init__(
        self,
        name: str,
        threshold: Callable[[], int],
        seconds: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._threshold = threshold
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0

    def is_open(self) -> bool:
        return self._clock() < self.open_until

    def retry_after(self) -> int:
        """Whole seconds until calls go through again (at least 1)."""
        return max(1, int(self.open_until - self._clock() + 0.999))

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self._threshold() and not self.is_open():
                self.open_until = self._clock() + self._seconds()
                logger.warning(
                    "%s: %d consecutive failures, skipped for %.0f s",
                    self.name,
                    self.failures,
                    self._seconds(),
                )

    def success(self) -> None:
        if self.failures or self.open_until:  # the common case takes no lock
            with self._lock:
                self.failures = 0
                self.open_until = 0.0

    def reset(self) -> None:
        self.success()


def _setting(name: str, default: float) -> Callable[[], float]:
    def read() -> float:
        from django.conf import settings

        return getattr(settings, name, default)

    return read


redis = Breaker(
    "redis",
    lambda: int(_setting("REDIS_BREAKER_FAILURES", 3)()),
    _setting("REDIS_BREAKER_SECONDS", 30.0),
)
database = Breaker(
    "database",
    lambda: int(_setting("DB_BREAKER_FAILURES", 1)()),
    _setting("DB_BREAKER_SECONDS", 5.0),
)
