"""Django's ModelBackend with failed logins throttled (accounts.throttle) and the password
hash computed off the event loop.

Every login goes through `authenticate()`, the web app's /auth/login and the admin's form
alike, so the limit holds on both. Django's async path (`aauthenticate`) verifies the
password on the event loop itself: about 0.3 s of PBKDF2 per attempt, during which every
other request of the process waited (20 parallel wrong passwords stalled the API for 7 s).
Here it runs in the request's worker thread, like the sync path.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend

from . import throttle


def client_address(request: Any) -> str:
    # REMOTE_ADDR as settled by the HTTP edge (X-Forwarded-For only from TRUSTED_PROXIES).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        address = client_address(request)
        throttle.check(username, address)  # LoginThrottled: no password is even hashed
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            throttle.failed(username, address)
        else:
            throttle.succeeded(username, address)
        return user

    async def aauthenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
