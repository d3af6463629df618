"""Session endpoints for the web app: who am I (and a CSRF cookie), log in, log out."""

import json

from asgiref.sync import sync_to_async
from django.contrib.auth import aauthenticate, alogin, alogout
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_POST

from core.errors import ErrorCode
from core.text import CONTROL

# Longer than any username Django allows (150) and any sane password; PBKDF2 over a
# megabyte-long "password" is work an attacker should not get for free.
MAX_CREDENTIAL_LENGTH = 1024


def _me(request: HttpRequest, user) -> dict:
    return {
        "authenticated": user.is_authenticated,
        "username": user.get_username() if user.is_authenticated else None,
        "isStaff": bool(user.is_authenticated and user.is_staff),
        "csrfToken": get_token(request),  # also sets the csrftoken cookie
    }


@require_GET
async def session(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    return JsonResponse(await sync_to_async(_me)(request, user))


@require_POST
async def login(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
        username, password = str(body["username"]), str(body["password"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "Send JSON with username and password", "code": ErrorCode.BAD_USER_INPUT},
            status=400,
        )
    for field, value in (("username", username), ("password", password)):
        if CONTROL.search(value) or len(value) > MAX_CREDENTIAL_LENGTH:
            message = (
                f"{field} must be at most {MAX_CREDENTIAL_LENGTH} characters, without control "
                "characters"
            )
            return JsonResponse(
                {"error": message, "code": ErrorCode.BAD_USER_INPUT, "field": field}, status=400
            )
    # Failed attempts are throttled inside authenticate() (accounts.backends), which also
    # hashes the password off the event loop; a throttled one raises LoginThrottled, which
    # the HTTP edge answers with 429 RATE_LIMITED.
    user = await aauthenticate(request, username=username, password=password)
    if user is None:
        return JsonResponse(
            {"error": "Wrong username or password", "code": ErrorCode.UNAUTHENTICATED}, status=401
        )
    await alogin(request, user)
    return JsonResponse(await sync_to_async(_me)(request, user))


@require_POST
async def logout(request: HttpRequest) -> JsonResponse:
    await alogout(request)
    return JsonResponse({"authenticated": False})
