"""Static files: WhiteNoise, run as async middleware.

WhiteNoise serves the admin's files (in DEBUG found where the apps keep them, as `make run`
needs no collectstatic; otherwise collectstatic's STATIC_ROOT, hashed and compressed) and the
built web app's files at the site root (`/assets/...`, `/favicon.ico`, `/robots.txt` from
frontend/dist). Anything it does not find goes on to Django, where only the web app's own
routes get index.html (api/webapp.py) and every other path is a 404.

WhiteNoise 6.12's middleware is synchronous. Under Django's ASGI handler that costs on every
request, static or not: a sync middleware at the top of an async stack makes Django hop to a
thread and back for each request (measured in docs/static-files.md), and its FileResponse
iterates a file synchronously, which Django warns about once per file ("StreamingHttpResponse
must consume synchronous iterators in order to serve them asynchronously") before reading the
whole file in one thread hop. This subclass keeps WhiteNoise's lookup and everything it puts
in the headers (ETag, Last-Modified and 304s, gzip/brotli variants, Cache-Control, ranges),
answers non-static requests without leaving the event loop, and streams a file's body from
an async iterator, reading it in a worker thread.
"""

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from typing import IO, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]
from whitenoise.storage import (  # type: ignore[import-untyped]
    CompressedManifestStaticFilesStorage,
)

logger = logging.getLogger("capgraph.static")
CHUNK_BYTES = 256 * 1024


async def _read(file: IO[bytes] | None) -> AsyncIterator[bytes]:
    if file is None:  # HEAD, 304, 416
        return
    try:
        while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
            yield chunk
    finally:
        file.close()


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any = None, **kwargs: Any) -> None:
        super().__init__(get_response, **kwargs)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if not self.autorefresh and not os.path.isdir(root):
            # WhiteNoise warns (a UserWarning, in every test run); a log line says what to do.
            logger.warning("No static files at %s: run `manage.py collectstatic`", root)
            return
        super().add_files(root, prefix)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        return super().__call__(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if self.autorefresh:  # DEBUG: looks on disk for every request
            static_file = await sync_to_async(self.find_file, thread_sensitive=False)(
                request.path_info
            )
        else:  # the files known at start-up, a dictionary look-up
            static_file = self.files.get(request.path_info)
        if static_file is None:
            return await self.get_response(request)
        # Opening the file (and stat-ing it in DEBUG) is blocking: done in a worker thread.
        found = await sync_to_async(static_file.get_response, thread_sensitive=False)(
            request.method, request.META
        )
        response = StreamingHttpResponse(_read(found.file), status=int(found.status))
        del response["Content-Type"]  # WhiteNoise's own headers name it
        for key, value in found.headers:
            response[key] = value
        if found.file is not None:  # closed also when the client goes away mid-file
            response._resource_closers.append(found.file.close)  # type: ignore[attr-defined]
        return response


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """collectstatic's output: names with a hash of the content (cached for a year), gzip
    copies. Where collectstatic has not run (DEBUG, the tests, a deployment that forgot it,
    which the log says at start-up) a page names the plain file instead of failing with
    "Missing staticfiles manifest entry"."""

    manifest_strict = False

    def hashed_name(self, name: str, content: Any = None, filename: str | None = None) -> str:
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # "The file ... could not be found": not collected
            return name
