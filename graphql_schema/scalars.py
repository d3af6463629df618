"""Scalars: `Date` is Strawberry's (YYYY-MM-DD); `JSON` carries the dense maps."""

from strawberry.scalars import JSON

__all__ = ["JSON"]
