"""Sentry, when SENTRY_DSN is set: errors, and traces sampled by SENTRY_TRACES_SAMPLE_RATE.

One transaction per GraphQL operation (named after it, see api.views) and one span per
dataloader batch. Sentry's Strawberry integration is disabled on purpose: it traces every
resolver, which made large lists 3-4x slower (sentry-python issue 3670).
"""

from typing import Any


def init_sentry(dsn: str, traces_sample_rate: float, **options: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.strawberry import StrawberryIntegration

    sentry_sdk.init(
        dsn=dsn,
        traces_sample_rate=traces_sample_rate,
        # Frame locals hold people's names and request headers: never send them.
        include_local_variables=False,
        integrations=[DjangoIntegration(middleware_spans=False, signals_spans=False)],
        disabled_integrations=[StrawberryIntegration()],
        **options,
    )
