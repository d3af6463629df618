"""Static files: WhiteNoise, run as async middleware.

WhiteNoise serves the admin's files (in DEBUG found where the apps keep them, as `make run`
needs no collectstatic; otherwise collectstatic's STATIC_ROOT, hashed and compressed) and the
built web app's files at the site root (`/assets/...`, `/favicon.ico`, `/robots.txt` from
frontend/dist). Anything it does not find goes on to Django, where only the web app's own
routes get index.html (api/webapp.py) and every other path is a 404.

WhiteNoise 6.12's middleware is synchronous, and its FileResponse iterates a file
synchronously: under Django's ASGI handler, Django warns for every file served
("StreamingHttpResponse must consume synchronous iterators in order to serve them
asynchronously", 301 warnings for 301 responses in `make bench`) and reads the whole file into
memory in one thread hop before sending it. This subclass keeps WhiteNoise's lookup and every
header it sets (ETag, Last-Modified and 304s, gzip/brotli variants, Cache-Control, ranges),
runs in the event loop, answers a small file (the admin's CSS, the app's bundles) from memory
and streams a larger one (GraphiQL's 3.5 MB) from an async iterator that reads it in a worker
thread. Speed is the same as WhiteNoise's own: `make bench` measures both (a GraphQL request
2.21 vs 2.10 ms, base.css 1.15 vs 1.14 ms, medians of 5 alternating runs of 100, DEBUG on).
"""

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from typing import IO, Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]
from whitenoise.storage import (  # type: ignore[import-untyped]
    CompressedManifestStaticFilesStorage,
)

logger = logging.getLogger("capgraph.static")
CHUNK_BYTES = 256 * 1024
INLINE_BYTES = 256 * 1024  # the admin's CSS and the app's bundles; GraphiQL's 3.5 MB streams


async def _read(file: IO[bytes]) -> AsyncIterator[bytes]:
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
        # Finding a file is a dictionary look-up (in DEBUG a stat or two); opening it and
        # reading a small one take microseconds: done here, as a thread hop would cost more.
        if self.autorefresh:
            static_file = self.find_file(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is None:
            return await self.get_response(request)
        found = static_file.get_response(request.method, request.META)
        length = int(dict(found.headers).get("Content-Length") or 0)
        response: HttpResponseBase
        if found.file is None or length <= INLINE_BYTES:  # HEAD, 304, or a small file
            body = b""
            if found.file is not None:
                with found.file:
                    body = found.file.read()
            response = HttpResponse(body, status=int(found.status))
        else:  # read in a worker thread, a chunk at a time
            response = StreamingHttpResponse(_read(found.file), status=int(found.status))
            response._resource_closers.append(found.file.close)  # type: ignore[attr-defined]
        del response["Content-Type"]  # WhiteNoise's own headers name it
        for key, value in found.headers:
            response[key] = value
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
