"""Calling a write service from a resolver: one thread hop, domain errors mapped to codes."""

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from asgiref.sync import sync_to_async

from core.errors import Denied, InvalidInput, Missing, TooLarge, VersionConflict
from graphql_schema.errors import BadUserInput, Conflict, Forbidden, NotFound, RequestTooLarge

R = TypeVar("R")


async def run_service(fn: Callable[..., R], *args: Any) -> R:
    try:
        return await sync_to_async(fn)(*args)
    except InvalidInput as e:
        raise BadUserInput(e.message, field=e.field or "input") from None
    except TooLarge as e:
        raise RequestTooLarge(e.message, field=e.field or "input") from None
    except Missing as e:
        raise NotFound(e.message, field=e.field) from None
    except Denied as e:
        raise Forbidden(e.message, field=e.field) from None
    except VersionConflict as e:
        raise Conflict(
            e.message,
            conflicts=[{"assignmentId": str(a), "currentVersion": v} for a, v in e.conflicts],
        ) from None


def given(data: Any, renames: dict[str, str] | None = None) -> dict[str, Any]:
    """The fields of an input object that the client sent (UNSET ones left out)."""
    renames = renames or {}
    return {
        renames.get(f.name, f.name): getattr(data, f.name)
        for f in dataclasses.fields(data)
        if getattr(data, f.name) is not strawberry.UNSET
    }
