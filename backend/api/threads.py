"""The threads that run each HTTP request's synchronous work (the ORM), kept and lent.

Django's ASGI handler gives every request a `ThreadSensitiveContext`: its thread-sensitive
`sync_to_async` calls run one at a time on one thread of the request's own, which is what
Django's thread-bound database connections need. But asgiref makes that thread new for every
request, and another new thread at the request's end to join it, and `Thread.start` blocks
the event loop until the new thread has run. Under load, with the cores busy, those waits
were a third of the event loop's time in a profile of an API process (py-spy, 20 clients):
time in which the process ran nothing at all.

`RequestThreads` wraps the HTTP application in an outer `ThreadSensitiveContext` whose
executor (one thread, asgiref's contract for such a context) comes from a free list and goes
back to it when the request ends; Django's own context inside it then reuses that one, as
asgiref's rule for nested contexts says. Each request still has its thread to itself, as
before. What a thread keeps between requests is what Django already resets at each request's
start and end: `request_started` and `request_finished` close the thread's database
connections (back to the pool), and translation and time zone state are context-local.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import AsyncToSync, SyncToAsync, ThreadSensitiveContext

# Free threads kept per process; a burst beyond it gets new ones, shut down after use.
IDLE_THREADS = 32


class RequestThreads:
    """ASGI middleware for "http" scopes: each request's thread-sensitive work on a lent
    one-thread executor (the module's docstring says why)."""

    def __init__(self, app, idle: int = IDLE_THREADS) -> None:
        self.app = app
        self.idle = idle
        self.free: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or getattr(AsyncToSync.executors, "current", None)
            or SyncToAsync.thread_sensitive_context.get(None) is not None
        ):
            # Not HTTP; or called through async_to_sync from a sync thread (a test's
            # client, a management command), whose thread the ORM work goes back to; or
            # inside a thread-sensitive context its caller chose: both are asgiref's.
            return await self.app(scope, receive, send)
        executor = (
            self.free.pop()
            if self.free
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="capgraph-request")
        )
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            if len(self.free) < self.idle:
                self.free.append(executor)
            else:
                executor.shutdown(wait=False)  # its thread ends after its last call
