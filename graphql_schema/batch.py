"""Batch forms of resolvers, for compiled execution (api.compiled; docs/design.md,
"Compiled execution").

A resolver answers one object; its batch form answers every object one selection set
holds at one depth, in one call: the same loads (each key of every object, in the same
pass, so the same DataLoader batches and SQL), the same checks and the same arithmetic,
but the per-request work (argument checks, the current week) done once and one wait for
the level instead of one coroutine per object. Registered next to the resolver it
answers for (`batch_of`); a field without one runs its resolver per object.

A batch form is called with the objects (`roots`), the compiled path's `info` and the
resolver's own converted keyword arguments, and returns one entry per object: its value,
or `Failed(error)` for an object whose resolver would have raised that error after its
first wait (a failed load). An error it raises itself stands for every object's resolver
raising it before its first wait (a bad argument).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

# The resolver's function (StrawberryResolver.wrapped_func) -> its batch form.
BATCHES: dict[Callable[..., Any], Callable[..., Any]] = {}


class Failed:
    """One object's error in a batch form's answer."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


def batch_of(cls: type, python_name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the batch form of `cls`'s field `python_name`."""

    def register(batch: Callable[..., Any]) -> Callable[..., Any]:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        field = next(f for f in definition.fields if f.python_name == python_name)
        assert field.base_resolver is not None, f"{cls.__name__}.{python_name}: no resolver"
        BATCHES[field.base_resolver.wrapped_func] = batch
        return batch

    return register


async def settle(items: list[Any]) -> list[Any]:
    """Each future's result, or Failed(its error), once all are done; other items as given."""
    pending = {f for f in items if isinstance(f, asyncio.Future) and not f.done()}
    if pending:
        await asyncio.wait(pending)
    return [_outcome(f) if isinstance(f, asyncio.Future) else f for f in items]


def _outcome(future: asyncio.Future[Any]) -> Any:
    error = future.exception()
    if error is None:
        return future.result()
    if not isinstance(error, Exception):  # a cancelled load: raised as the resolver would
        raise error
    return Failed(error)
