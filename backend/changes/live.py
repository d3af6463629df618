"""Live subscriptions' fan-out, fed from the committed change log (docs/design.md,
"Live subscriptions").

- After a write commits (core.dataversion.after_write_commit), `committed` sends a notice
  "new changes up to id N": published on the Redis channel CHANNEL when REDIS_URL is set
  (every API process hears it), else handed to this process's hub directly.
- Each API process runs ONE hub while it has subscribers: a listener task that, on a notice
  (or every SUBSCRIPTION_POLL_SECONDS, in case a notice was lost), reads the Change rows with
  ids above the last one it read, in id order, once, and offers each to every local
  subscriber. Ids are handed out in commit order (changes.log), so reading "ids > last
  seen" never skips a row that commits later: nothing is lost when a notice is missed,
  nothing is read twice, and each subscriber gets rows in id order.
- A subscriber sees a row as `seen_as` says (the feed's and the webhooks' rule), and only
  rows committed after it joined. Its queue holds at most SUBSCRIPTION_QUEUE events: one
  that falls further behind is dropped (`SlowConsumer`), never buffered without bound.
- The credentials a subscription was admitted with are checked again (accounts.access.lapsed)
  before each batch of rows is offered and on every poll tick: a token revoked, expired or
  re-scoped, or a session signed out, ends its subscriptions with `Unauthenticated` before
  any later change reaches them. Saving a token or a user publishes an AUTH notice too, so
  every process re-checks (and forgets its cached viewers) at once, not at its next tick.
- Open subscriptions per token are counted over every process (a Redis sorted set of
  leases the hub renews; in process without Redis): `TooManySubscriptions` beyond
  SUBSCRIPTIONS_PER_TOKEN.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from accounts.access import Credential, forget_viewers, lapsed
from core.dataversion import cache_outage

from . import log
from .models import Change

logger = logging.getLogger("capgraph.live")
CHANNEL = "capgraph:changes"
AUTH = "auth"  # the notice that a token or user was saved: re-check the subscribers' credentials
BATCH = 500  # rows per read: a burst is read in several, never all at once
LEASE_SECONDS = 60  # a token's subscription slot lives this long unless its hub renews it
LEASE_PREFIX = "capgraph:subs:"


class SlowConsumer(Exception):
    """The subscriber fell SUBSCRIPTION_QUEUE events behind: it was dropped."""


class TooManySubscriptions(Exception):
    pass


class Unauthenticated(Exception):
    """The subscription's token or session no longer stands (accounts.access.lapsed)."""


@dataclass(slots=True)
class Event:
    """One change as one subscriber sees it."""

    change: Change
    seen: str  # log.seen_as: "change", or "removal" (moved out of the subscriber's view)
    # An assignment's person and project (from the row's own fields, else the assignment's
    # current row; None when it is gone).
    person_id: int | None = None
    project_id: int | None = None


Filter = Callable[[Change], bool]


@dataclass(eq=False)
class Subscriber:
    departments: Collection[int] | None  # seen_as's: None is every department
    wants: Filter  # the subscription's own filter (types, entity)
    limit: int
    credential: Credential | None = None  # None: checked by nobody (tests of the hub alone)
    after: int = 0  # rows up to this id were committed before it joined
    queue: asyncio.Queue[Event | Exception] = field(default_factory=asyncio.Queue)
    dropped: bool = False

    def offer(self, event: Event) -> bool:
        """Queue an event; False when the subscriber is too far behind (then dropped)."""
        if self.dropped:
            return False
        if self.queue.qsize() >= self.limit:
            self.end(
                SlowConsumer(
                    f"More than {self.limit} changes were waiting for this subscription: it "
                    "was closed; subscribe again and read what was missed from the changes feed"
                )
            )
            return False
        self.queue.put_nowait(event)
        return True

    def end(self, error: Exception) -> None:
        """Drop what is queued (it will never be read) and end the subscription with
        `error`."""
        self.dropped = True
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(error)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        event = await self.queue.get()
        if isinstance(event, Exception):
            raise event
        return event


# --- reading the log -----------------------------------------------------------------------


def _top() -> int:
    try:
        found = Change.objects.order_by("-pk").values_list("pk", flat=True).first()
        return found or 0
    finally:
        connection.close()  # a thread of the hub's own: hand the connection back


def _read(after: int, limit: int) -> tuple[list[Change], dict[int, tuple[int, int]]]:
    """Rows with ids above `after`, in id order, and the person and project of the
    assignments they update (one more query, only when there are some)."""
    from assignments.models import Assignment

    try:
        rows = list(Change.objects.filter(pk__gt=after).order_by("pk")[:limit])
        ids = {
            r.entity_id
            for r in rows
            if r.entity_type == log.ASSIGNMENT and "personId" not in (r.fields or {})
        }
        refs: dict[int, tuple[int, int]] = {}
        if ids:
            for pk, person, project in Assignment.objects.filter(pk__in=ids).values_list(
                "pk", "person_id", "project_id"
            ):
                refs[pk] = (person, project)
        return rows, refs
    finally:
        connection.close()


def _lapsed(credentials: Collection[Credential]) -> dict[Credential, str]:
    try:
        return lapsed(credentials)
    finally:
        connection.close()


def _side(fields: dict[str, Any], name: str) -> Any:
    value = fields.get(name)
    if not isinstance(value, dict):
        return None
    return value.get("after", value.get("before"))


def event_for(row: Change, seen: str, refs: dict[int, tuple[int, int]] | None = None) -> Event:
    event = Event(row, seen)
    if row.entity_type == log.ASSIGNMENT and seen == "change":
        fields = row.fields or {}
        person, project = _side(fields, "personId"), _side(fields, "projectId")
        if person is None or project is None:
            ref = (refs or {}).get(row.entity_id)
            if ref is not None:
                person = ref[0] if person is None else person
                project = ref[1] if project is None else project
        event.person_id, event.project_id = person, project
    return event


# --- the per-token slots -------------------------------------------------------------------

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


def _redis() -> Any:
    from django.core.cache import cache

    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


class Slots:
    """How many subscriptions each token (or user) holds open. In Redis, a sorted set per
    identity of leases (member: subscription id, score: expiry) the hub renews while they
    are open, so a process that dies frees its slots within LEASE_SECONDS; without Redis,
    or while it cannot be reached, a count in this process."""

    def __init__(self) -> None:
        self.local: dict[str, set[str]] = {}
        self.lock = threading.Lock()

    def acquire(self, identity: str, slot: str) -> bool:
        limit = settings.SUBSCRIPTIONS_PER_TOKEN
        if settings.REDIS_URL:
            now = time.time()
            try:
                key, expiry = LEASE_PREFIX + identity, now + LEASE_SECONDS
                acquired = _redis().eval(_ACQUIRE, 1, key, now, limit, expiry, slot, LEASE_SECONDS)
                return bool(acquired)
            except Exception as exc:
                cache_outage(exc)
        with self.lock:
            held = self.local.setdefault(identity, set())
            if len(held) >= limit:
                return False
            held.add(slot)
            return True

    def release(self, identity: str, slot: str) -> None:
        with self.lock:
            held = self.local.get(identity)
            if held is not None:
                held.discard(slot)
                if not held:
                    del self.local[identity]
        if settings.REDIS_URL:
            try:
                _redis().zrem(LEASE_PREFIX + identity, slot)
            except Exception as exc:
                cache_outage(exc)

    def renew(self, leases: Collection[tuple[str, str]]) -> None:
        if not settings.REDIS_URL or not leases:
            return
        expiry = time.time() + LEASE_SECONDS
        try:
            pipe = _redis().pipeline(transaction=False)
            for identity, slot in leases:
                pipe.zadd(LEASE_PREFIX + identity, {slot: expiry}, xx=True)
                pipe.expire(LEASE_PREFIX + identity, LEASE_SECONDS)
            pipe.execute()
        except Exception as exc:
            cache_outage(exc)


slots = Slots()


# --- the hub -------------------------------------------------------------------------------


class Hub:
    """This process's listener and its subscribers. Runs on the event loop of the first
    subscriber, while there are subscribers."""

    def __init__(self) -> None:
        self.subscribers: set[Subscriber] = set()
        self.leases: dict[Subscriber, tuple[str, str]] = {}
        self.last_seen = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[None] | None = None
        self.ready: asyncio.Future[None] | None = None
        self.wake: asyncio.Event | None = None
        self.vet_now = False  # an AUTH notice came: check the credentials before anything
        self.reads = 0  # how many times the log was read (tests)

    # Called from any thread (the after-commit hook runs in the writer's thread).
    def notify(self, up_to: int) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop stopped meanwhile
            loop.call_soon_threadsafe(self.poke, up_to)

    def notify_auth(self) -> None:
        """From any thread: a token or user was saved (the embedded AUTH notice)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self.auth_changed)

    def auth_changed(self) -> None:
        """On the loop: credentials may have lapsed; check them at once."""
        forget_viewers()  # this process's cached token lookups, as a save here does
        self.vet_now = True
        if self.wake is not None:
            self.wake.set()

    def poke(self, up_to: int = 0) -> None:
        """On the loop: rows up to `up_to` (0: unknown) have committed."""
        if self.wake is None:
            return
        if up_to and up_to <= self.last_seen:
            return  # already read
        self.wake.set()

    async def join(self, subscriber: Subscriber) -> None:
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.loop is not loop:
            self._start(loop)
        assert self.ready is not None
        try:
            await asyncio.shield(self.ready)
        except Exception:
            self._stop()
            raise
        # On the loop, between two dispatches: it gets exactly the rows read from now on.
        subscriber.after = self.last_seen
        self.subscribers.add(subscriber)

    def leave(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        if not self.subscribers:
            self._stop()

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._stop()
        self.loop = loop
        self.wake = asyncio.Event()
        self.ready = loop.create_future()
        self.task = loop.create_task(self._run(self.ready, self.wake), name="capgraph-live")

    def _stop(self) -> None:
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
        self.wake = None
        self.loop = None

    async def _run(self, ready: asyncio.Future[None], wake: asyncio.Event) -> None:
        listener = None
        try:
            try:
                self.last_seen = await sync_to_async(_top, thread_sensitive=False)()
            except Exception as exc:
                ready.set_exception(exc)
                return
            if settings.REDIS_URL:
                listener = asyncio.create_task(self._listen())
            ready.set_result(None)
            renewed = time.monotonic()
            while True:
                ticked = False
                try:
                    await asyncio.wait_for(wake.wait(), settings.SUBSCRIPTION_POLL_SECONDS)
                except TimeoutError:
                    ticked = True
                wake.clear()
                try:
                    if ticked or self.vet_now:
                        self.vet_now = False
                        await self.vet()
                    await self.catch_up()
                except Exception:  # the database is away: read again at the next wake
                    logger.exception("live: reading the change log failed")
                if time.monotonic() - renewed > LEASE_SECONDS / 3:
                    renewed = time.monotonic()
                    leases = list(self.leases.values())
                    await sync_to_async(slots.renew, thread_sensitive=False)(leases)
        finally:
            if not ready.done():
                ready.cancel()
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def vet(self) -> None:
        """End the subscriptions whose credentials lapsed (one check per credential)."""
        credentials = {s.credential for s in self.subscribers if s.credential is not None}
        if not credentials:
            return
        bad = await sync_to_async(_lapsed, thread_sensitive=False)(credentials)
        for subscriber in list(self.subscribers):
            why = bad.get(subscriber.credential) if subscriber.credential else None
            if why is not None:
                subscriber.end(Unauthenticated(why))
                self.leave(subscriber)

    async def catch_up(self) -> None:
        while True:
            rows, refs = await sync_to_async(_read, thread_sensitive=False)(self.last_seen, BATCH)
            self.reads += 1
            if rows:
                await self.vet()  # nothing committed after a revocation reaches its subscribers
            for row in rows:
                self.dispatch(row, refs)
                self.last_seen = row.pk
            if len(rows) < BATCH:
                return

    def dispatch(self, row: Change, refs: dict[int, tuple[int, int]]) -> None:
        for subscriber in list(self.subscribers):
            if row.pk <= subscriber.after or not subscriber.wants(row):
                continue
            seen = log.seen_as(row, subscriber.departments)
            if seen is None:
                continue
            if not subscriber.offer(event_for(row, seen, refs)):
                logger.warning("live: a subscriber fell behind and was dropped")
                self.leave(subscriber)

    async def _listen(self) -> None:
        """The Redis notices: each wakes the reader (a notice is a hint; ids are the truth)."""
        import redis.asyncio as aioredis

        delay = 0.5
        while True:
            client = aioredis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.poke()  # whatever committed while nobody listened
                    delay = 0.5
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        if message["data"] == AUTH.encode():
                            self.auth_changed()
                            continue
                        try:
                            self.poke(int(message["data"]))
                        except (TypeError, ValueError):
                            self.poke()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("live: Redis notices unavailable (%s); polling meanwhile", exc)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


hub = Hub()


@contextlib.asynccontextmanager
async def subscription(
    identity: str,
    departments: Collection[int] | None,
    wants: Filter,
    credential: Credential | None = None,
) -> AsyncIterator[Subscriber]:
    """Open a subscription for `identity` (a token or user): the changes committed from now
    on that `wants` accepts, as a viewer limited to `departments` sees them, while
    `credential` stands."""
    slot = uuid.uuid4().hex
    if not await sync_to_async(slots.acquire, thread_sensitive=False)(identity, slot):
        raise TooManySubscriptions(
            f"This token already has {settings.SUBSCRIPTIONS_PER_TOKEN} subscriptions open"
        )
    subscriber = Subscriber(departments, wants, settings.SUBSCRIPTION_QUEUE, credential)
    try:
        await hub.join(subscriber)
        hub.leases[subscriber] = (identity, slot)
        yield subscriber
    finally:
        hub.leases.pop(subscriber, None)
        hub.leave(subscriber)
        await sync_to_async(slots.release, thread_sensitive=False)(identity, slot)


def committed() -> None:
    """After a write commits: tell every API process's hub (core.dataversion hook)."""
    top = log.take_appended()
    if not top:
        return  # the write appended nothing
    if settings.REDIS_URL:
        try:
            _redis().publish(CHANNEL, top)
        except Exception as exc:  # the hubs' poll reads it a few seconds later
            cache_outage(exc)
    else:
        hub.notify(top)


def credentials_changed(**kwargs: object) -> None:
    """A token or user was saved or deleted (accounts' signals): once it commits, every
    API process's hub checks its subscribers' credentials again (the AUTH notice)."""
    from django.db import transaction

    if str(kwargs.get("action", "post_")).startswith("pre_"):
        return  # m2m_changed: only once the departments changed
    transaction.on_commit(_publish_auth)


def _publish_auth() -> None:
    if settings.REDIS_URL:
        try:
            _redis().publish(CHANNEL, AUTH)
        except Exception as exc:  # the hubs' next tick checks anyway
            cache_outage(exc)
    else:
        hub.notify_auth()
