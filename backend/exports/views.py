"""GET /exports/<id>/download: the file, to its owner only (the token that asked for it,
or the user's session); 404 for anyone else, 410 once expired."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import IO

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.auth import AuthFailed, authenticate

from .models import ExportJob
from .services import CONTENT_TYPES, export_dir, file_name, owned

CHUNK = 256 * 1024


def _error(message: str, status: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


async def _chunks(f: IO[bytes]) -> AsyncIterator[bytes]:
    # An async iterator: under ASGI, Django would read a sync one whole into memory.
    try:
        while chunk := await asyncio.to_thread(f.read, CHUNK):
            yield chunk
    finally:
        f.close()


# Only GET and HEAD, which change nothing: another method gets a JSON 405 from the view,
# not Django's HTML CSRF page first.
@csrf_exempt
async def download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse | StreamingHttpResponse:
    if request.method not in ("GET", "HEAD"):
        return _error("Method not allowed", 405, Allow="GET, HEAD")
    try:
        viewer = await authenticate(request)
    except AuthFailed as e:
        return _error(e.message, e.status, **{"WWW-Authenticate": 'Bearer realm="capgraph"'})
    if viewer is None:
        return _error(
            "Authentication required", 401, **{"WWW-Authenticate": 'Bearer realm="capgraph"'}
        )
    job = await owned(viewer).filter(pk=job_id).afirst()
    if job is None:
        return _error("Export not found", 404)
    expired = job.status == ExportJob.Status.EXPIRED or (
        job.expires_at is not None and job.expires_at <= timezone.now()
    )
    if expired:
        return _error("Export expired", 410)
    if job.status != ExportJob.Status.SUCCEEDED:
        return _error(f"Export is {job.status}, not ready", 409)
    try:
        f = open(export_dir() / job.file_path, "rb")  # noqa: SIM115 - closed by _chunks
    except FileNotFoundError:
        return _error("Export expired", 410)
    size = os.fstat(f.fileno()).st_size
    response: HttpResponse | StreamingHttpResponse
    if request.method == "HEAD":
        f.close()
        response = HttpResponse(b"", content_type=CONTENT_TYPES[job.format])
    else:
        response = StreamingHttpResponse(_chunks(f), content_type=CONTENT_TYPES[job.format])
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{file_name(job)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
