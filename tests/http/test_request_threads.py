"""api.threads.RequestThreads: each HTTP request's thread-sensitive work runs on one thread
of its own, lent from a free list instead of made new (and joined by another new thread) for
every request."""

import asyncio
import threading

from asgiref.sync import async_to_sync, sync_to_async

from api.threads import RequestThreads


class Recorder:
    """An ASGI app that records the thread of each request's thread-sensitive calls (two
    calls per request, so a request keeping one thread shows), waiting on `gate` between
    them when given one (to hold requests in flight together)."""

    def __init__(self) -> None:
        self.threads: list[tuple[int, int]] = []
        self.gate: asyncio.Event | None = None

    async def __call__(self, scope, receive, send) -> None:
        first = await sync_to_async(threading.get_ident)()
        if self.gate is not None:
            await self.gate.wait()
        self.threads.append((first, await sync_to_async(threading.get_ident)()))


async def request(app) -> None:
    await app({"type": "http"}, None, None)


def test_sequential_requests_reuse_one_thread_and_never_the_event_loops():
    recorder = Recorder()
    app = RequestThreads(recorder)

    async def three() -> None:
        for _ in range(3):
            await request(app)

    asyncio.run(three())
    (thread,) = set(recorder.threads)
    assert thread[0] == thread[1] != threading.get_ident()
    assert len(app.free) == 1


def test_requests_in_flight_together_each_have_their_own_thread_and_the_free_list_is_bounded():
    recorder = Recorder()
    app = RequestThreads(recorder, idle=2)

    async def together() -> None:
        recorder.gate = asyncio.Event()
        requests = [asyncio.ensure_future(request(app)) for _ in range(4)]
        await asyncio.sleep(0.05)  # every request has made its first call
        recorder.gate.set()
        await asyncio.gather(*requests)

    asyncio.run(together())
    assert len(recorder.threads) == 4
    assert all(first == second for first, second in recorder.threads)
    assert len({first for first, _ in recorder.threads}) == 4
    assert len(app.free) == 2  # the other two executors were shut down


def test_websocket_scopes_and_sync_callers_keep_asgirefs_own_threads():
    """Through async_to_sync (the tests' HTTP client, a management command), the calls go
    back to the calling thread, as asgiref does: a test's transaction stays visible."""
    recorder = Recorder()
    app = RequestThreads(recorder)
    async_to_sync(request)(app)
    assert recorder.threads == [(threading.get_ident(), threading.get_ident())]
    assert app.free == []

    async def websocket() -> None:
        await app({"type": "websocket"}, None, None)

    asyncio.run(websocket())
    assert app.free == []


def test_a_thread_sensitive_context_of_the_callers_is_kept():
    """A caller that chose the thread (an enclosing ThreadSensitiveContext with its own
    executor, as tests/security/test_fuzz.py's) keeps it: the request makes no context."""
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import ThreadSensitiveContext

    recorder = Recorder()
    app = RequestThreads(recorder)
    chosen = ThreadPoolExecutor(max_workers=1)

    async def inside() -> None:
        async with ThreadSensitiveContext(executor=chosen):
            await request(app)

    asyncio.run(inside())
    ((first, second),) = recorder.threads
    assert first == second == chosen.submit(threading.get_ident).result()
    assert app.free == []
    chosen.shutdown()
