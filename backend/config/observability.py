"""Sentry, when SENTRY_DSN is set: errors, and traces sampled by SENTRY_TRACES_SAMPLE_RATE.

One transaction per GraphQL operation (named after it, see api.views) and one span per
dataloader batch. Sentry's Strawberry integration is disabled on purpose: it traces every
resolver, which made large lists 3-4x slower (sentry-python issue 3670).

What is sent is scrubbed by default (`scrub`): no request body (documents and variables
carry names and emails), no query string (a GET's variables), no cookies, and of the headers
only an allowlist of harmless ones: Authorization, Cookie, X-CSRFToken and any other
credential never leave. The operation name and the document's hash stay, as the
transaction name and the `graphql.operation` / `graphql.document_hash` tags.
"""

from typing import Any

# Headers that say nothing about who asks: everything else is dropped from events.
SAFE_HEADERS = frozenset(
    {"accept", "accept-encoding", "content-length", "content-type", "host", "user-agent"}
)


def scrub(event: Any, hint: Any = None) -> Any:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):  # an id is enough; no address, no e-mail
        event["user"] = {k: v for k, v in user.items() if k == "id"}
    return event


def init_sentry(dsn: str, traces_sample_rate: float, **options: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.strawberry import StrawberryIntegration

    sentry_sdk.init(
        dsn=dsn,
        traces_sample_rate=traces_sample_rate,
        # Frame locals hold people's names and request headers: never send them.
        include_local_variables=False,
        max_request_body_size="never",  # the SDK's own switch; `scrub` has the last word
        before_send=scrub,
        before_send_transaction=scrub,
        integrations=[DjangoIntegration(middleware_spans=False, signals_spans=False)],
        disabled_integrations=[StrawberryIntegration()],
        **options,
    )
