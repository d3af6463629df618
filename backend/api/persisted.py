"""Which document a request runs: free text, Apollo APQ, or a trusted document.

Modes (settings.PERSISTED_QUERIES): `apq` (default) runs free text and APQ hashes;
`trusted` runs only documents from the manifest (settings.PERSISTED_DOCUMENTS) or registered
with `register_documents`, except for staff; `off` ignores hashes.
"""

import hashlib
import json
import logging
import os
import re
import signal
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core.dataversion import cache_outage
from core.errors import ErrorCode

logger = logging.getLogger("capgraph.persisted")
APQ_PREFIX = "capgraph:apq:"
NO_CACHE = "private, no-cache, must-revalidate"


class PersistedQueryError(Exception):
    def __init__(
        self, status: int, message: str, code: ErrorCode, cache_control: str | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.cache_control = cache_control


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Document:
    query: str
    hash: str  # SHA-256 of the query text
    trusted: bool  # from the manifest or the registry
    register_apq: bool = False  # an APQ registration: store once it validates


@dataclass(frozen=True, slots=True)
class Manifest:
    by_key: dict[str, str]
    by_sha256: dict[str, str]


def _read_manifest(path: str) -> Manifest:
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: a persisted-documents manifest is a {{hash: document}} object")
    by_key = {k.removeprefix("sha256:"): v for k, v in data.items()}
    return Manifest(by_key, {sha256(doc): doc for doc in data.values()})


def _signature(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class _LoadedManifest:
    """The trusted-documents manifest ({hash: document}, as GraphQL Code Generator's client
    preset writes it; keys may be sha256 or sha1 hashes), read at start-up and read again:
    - in DEBUG, when the file changed (one stat per lookup), so a document codegen just added
      runs without a restart;
    - otherwise on SIGHUP (`install_reload_on_sighup`, from config/asgi.py), at the next
      lookup. `manage.py reload_documents` reaches every process without a signal, through
      the database registry (see its help).
    A file that cannot be read again (half-written, invalid) leaves the last good manifest in
    use, and says so in the log; at start-up it is an error."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: tuple[str, tuple[int, int, int] | None, Manifest] | None = None
        self.reload_requested = False
        self._bad: tuple[int, int, int] | None = None  # a file that failed: not read again

    def __call__(self) -> Manifest:
        path = settings.PERSISTED_DOCUMENTS
        current = self._current
        if (
            current is not None
            and current[0] == path
            and not self.reload_requested
            and (not settings.DEBUG or not path or _signature(path) in (current[1], self._bad))
        ):
            return current[2]
        with self._lock:
            return self._load(path)

    def _load(self, path: str) -> Manifest:
        current = self._current
        self.reload_requested = False
        if not path:
            self._current = (path, None, Manifest({}, {}))
            return self._current[2]
        signature = _signature(path)
        if current is not None and current[0] == path and current[1] == signature:
            return current[2]  # another thread has just read it, or the file is unchanged
        try:
            loaded = _read_manifest(path)
        except (OSError, ValueError) as exc:
            if current is None or current[0] != path:
                raise
            logger.error("Kept the previous trusted-documents manifest: %s", exc)
            self._bad = signature
            return current[2]
        if current is not None:
            logger.info(
                "Reloaded the trusted-documents manifest %s: %d documents (was %d)",
                path,
                len(loaded.by_key),
                len(current[2].by_key),
            )
        self._current = (path, signature, loaded)
        return loaded

    def request_reload(self) -> None:
        """Read the file again at the next lookup (safe in a signal handler: sets a flag)."""
        self.reload_requested = True

    def cache_clear(self) -> None:
        self._current = None


manifest = _LoadedManifest()


def _on_sighup(signum: int, frame: object) -> None:
    manifest.request_reload()


def install_reload_on_sighup() -> bool:
    """SIGHUP makes this process read the manifest again (Unix, from the main thread: where
    the ASGI application is imported). Under `uvicorn --workers N` the supervisor answers
    SIGHUP itself by restarting its workers, which read the file as they start."""
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGHUP, _on_sighup)
    return True


_registry_hits: dict[str, str] = {}  # only hits: a document registered later must be found


SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def _registered(digest: str) -> str | None:
    from .models import PersistedDocument

    if not SHA256_HEX.fullmatch(digest):
        return None  # never a registered hash; and a NUL in it would reach the database

    found = _registry_hits.get(digest)
    if found is None:
        found = (
            PersistedDocument.objects.filter(sha256=digest)
            .values_list("document", flat=True)
            .first()
        )
        if found is not None:
            if len(_registry_hits) >= 4096:
                _registry_hits.clear()
            _registry_hits[digest] = found
    return found


def _in_manifest(key: str) -> str | None:
    m = manifest()
    return m.by_key.get(key) or m.by_sha256.get(key)


def trusted_document(key: str) -> str | None:
    found = _in_manifest(key)
    if found is None:
        found = _registered(key)
    return found


# The APQ store holds at most APQ_MAX_DOCUMENTS registrations, the least recently used
# evicted first: in Redis (shared, every step one atomic script: the document with its TTL,
# and an index sorted by last use), else in this process. Its entries are bounded in size by
# QUERY_MAX_CHARACTERS (a longer document never validates, so is never stored).
APQ_INDEX = "capgraph:apq-index"
_APQ_STORE = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, extra - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
  redis.call('DEL', unpack(old))
  return extra
end
return 0
"""
_APQ_GET = """
local doc = redis.call('GET', KEYS[1])
if doc then
  redis.call('ZADD', KEYS[2], 'XX', ARGV[1], KEYS[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return doc
"""


class _LocalApq:
    def __init__(self) -> None:
        self.items: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key -> (expiry, doc)
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] < time.monotonic():
                self.items.pop(key, None)
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key: str, query: str, ttl: int, limit: int) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + ttl, query)
            self.items.move_to_end(key)
            while len(self.items) > limit:
                self.items.popitem(last=False)


local_apq = _LocalApq()


def _redis_client():
    return cache._cache.get_client(write=True)


def _apq_get(digest: str) -> str | None:
    key = APQ_PREFIX + digest
    if not settings.REDIS_URL:
        return local_apq.get(key)
    try:
        found = _redis_client().eval(_APQ_GET, 2, key, APQ_INDEX, time.time(), settings.APQ_TTL)
    except Exception as exc:
        cache_outage(exc)
        return None
    return found.decode() if isinstance(found, bytes) else found


def apq_store(digest: str, query: str) -> None:
    key = APQ_PREFIX + digest
    if not settings.REDIS_URL:
        local_apq.put(key, query, settings.APQ_TTL, settings.APQ_MAX_DOCUMENTS)
        return
    try:
        _redis_client().eval(
            _APQ_STORE,
            2,
            key,
            APQ_INDEX,
            query,
            settings.APQ_TTL,
            time.time(),
            settings.APQ_MAX_DOCUMENTS,
        )
    except Exception as exc:
        cache_outage(exc)


def _not_in_list() -> PersistedQueryError:
    return PersistedQueryError(
        403, "This server only runs trusted documents", ErrorCode.PERSISTED_QUERY_NOT_IN_LIST
    )


def resolve(params: dict[str, Any], is_staff: bool, anonymous: bool = False) -> Document:
    """Pick the document a request runs (sync: a registry lookup may hit the database).
    An anonymous caller's APQ registration runs but is not stored unless
    APQ_ANONYMOUS_REGISTRATION is on: strangers do not get to fill the store."""
    mode = settings.PERSISTED_QUERIES
    query = params.get("query")
    extensions = params.get("extensions") or {}
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    document_id = params.get("documentId")
    trusted_only = mode == "trusted" and not is_staff

    if mode != "off" and document_id is not None:
        if not isinstance(document_id, str):
            raise PersistedQueryError(400, "documentId must be a string", ErrorCode.BAD_REQUEST)
        key = document_id.removeprefix("sha256:")
        text = trusted_document(key)
        if text is None:
            raise PersistedQueryError(
                400, "Unknown documentId", ErrorCode.PERSISTED_QUERY_NOT_FOUND
            )
        return Document(text, sha256(text), trusted=True)

    if mode != "off" and persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                400, "Unsupported persisted query version", ErrorCode.BAD_REQUEST
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str):
            raise PersistedQueryError(400, "sha256Hash must be a string", ErrorCode.BAD_REQUEST)
        digest = digest.lower()
        if query is not None:
            if sha256(query) != digest:
                raise PersistedQueryError(
                    400, "provided sha does not match query", ErrorCode.BAD_REQUEST
                )
            if trusted_only:
                if trusted_document(digest) is None:
                    raise _not_in_list()
                return Document(query, digest, trusted=True)
            register = not anonymous or settings.APQ_ANONYMOUS_REGISTRATION
            return Document(query, digest, trusted=False, register_apq=register)
        # The cheap lookups first: the manifest, then (APQ mode) the APQ store, and the
        # database registry last.
        text = _in_manifest(digest)
        if text is not None:
            return Document(text, digest, trusted=True)
        if not trusted_only:
            text = _apq_get(digest)
            if text is not None:
                return Document(text, digest, trusted=False)
        text = _registered(digest)
        if text is not None:
            return Document(text, digest, trusted=True)
        if trusted_only:
            raise _not_in_list()
        raise PersistedQueryError(
            200, "PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND, NO_CACHE
        )

    if not isinstance(query, str) or not query.strip():
        raise PersistedQueryError(
            400, "No GraphQL query found in the request", ErrorCode.BAD_REQUEST
        )
    digest = sha256(query)
    if trusted_only:
        if trusted_document(digest) is None:
            raise _not_in_list()
        return Document(query, digest, trusted=True)
    return Document(query, digest, trusted=False)
