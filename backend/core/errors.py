"""Every error code a client can see, and the domain errors that services and pure functions
raise. The GraphQL edge maps each domain error to its code (graphql_schema/services.py);
nothing else spells a code as a string."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """`extensions.code` (and the `code` of the JSON login and download errors)."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    BAD_REQUEST = "BAD_REQUEST"  # a malformed HTTP request
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"  # JSON 503 with Retry-After
    TIMEOUT = "TIMEOUT"  # PostgreSQL cancelled a statement past statement_timeout
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    # Live subscriptions: over SUBSCRIPTIONS_PER_CONNECTION or SUBSCRIPTIONS_PER_TOKEN, and a
    # subscriber that fell SUBSCRIPTION_QUEUE changes behind (closed).
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    SLOW_CONSUMER = "SLOW_CONSUMER"


class DomainError(Exception):
    """The base of every intended failure below the edge; `code` is what a client sees."""

    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class TooLarge(DomainError):
    code = ErrorCode.REQUEST_TOO_LARGE


class Missing(DomainError):
    code = ErrorCode.NOT_FOUND


class Denied(DomainError):
    code = ErrorCode.FORBIDDEN


class VersionConflict(DomainError):
    code = ErrorCode.CONFLICT

    def __init__(self, conflicts: list[tuple[int, int]]) -> None:
        ids = ", ".join(str(a) for a, _ in conflicts)
        super().__init__(f"Assignment changed since it was read: {ids}")
        self.conflicts = conflicts  # (assignment id, current version)
