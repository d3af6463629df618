"""GraphQL errors with the stable codes listed in README.md ("Errors").

Raise these from resolvers and services; anything else that escapes a resolver is masked
as `Internal server error` by the HTTP edge.
"""

from typing import Any

from graphql import GraphQLError

from core.errors import ErrorCode


class ApiError(GraphQLError):
    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class Unauthenticated(ApiError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(ApiError):
    code = ErrorCode.FORBIDDEN


class NotFound(ApiError):
    code = ErrorCode.NOT_FOUND


class BadUserInput(ApiError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, field: str, **extensions: Any) -> None:
        super().__init__(message, field=field, **extensions)


class Conflict(ApiError):
    code = ErrorCode.CONFLICT


class RequestTooLarge(ApiError):
    code = ErrorCode.REQUEST_TOO_LARGE

    def __init__(self, message: str, field: str, **extensions: Any) -> None:
        super().__init__(message, field=field, **extensions)
