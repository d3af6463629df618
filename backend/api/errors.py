"""Turning execution errors into the wire format: intended errors keep their code;
anything unexpected is logged (and sent to Sentry) and reaches the client masked."""

import logging
import re
from typing import Any

import sentry_sdk
from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError

from core.errors import ErrorCode

from .rules import argument_of_variable_error

logger = logging.getLogger("capgraph.errors")

INTERNAL = "Internal server error"
# Suggestions would map the schema for a stranger: gone from every message (graphql-core is
# asked not to make them; this catches any that another path still makes).
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")
MAX_MESSAGE = 500  # a message echoing a client's value never carries more than this


def _code(error: GraphQLError) -> ErrorCode:
    """The code of an error that was given none where it was raised: by graphql-core's error
    type (the gate codes parse and validation errors by the rule that raised them)."""
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def format_error(error: GraphQLError, document: DocumentNode | None = None) -> dict[str, Any]:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        formatted: dict[str, Any] = dict(error.formatted)
        formatted["message"] = clean_message(formatted["message"])
        extensions = dict(error.extensions or {})
        extensions.setdefault("code", _code(error))
        if extensions["code"] == ErrorCode.BAD_USER_INPUT and "field" not in extensions:
            argument = argument_of_variable_error(error.message, document)
            if argument:
                extensions["field"] = argument
        formatted["extensions"] = extensions
        return formatted
    if _is_timeout(original):
        timed_out: dict[str, Any] = {
            "message": "The database took too long to answer; try a smaller request",
            "extensions": {"code": ErrorCode.TIMEOUT},
        }
        if error.locations:
            timed_out["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        if error.path:
            timed_out["path"] = error.path
        logger.warning("statement timeout at %s", error.path)
        return timed_out
    event_id = _report(original)
    masked: dict[str, Any] = {"message": INTERNAL}
    if error.locations:
        masked["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        masked["path"] = error.path
    masked["extensions"] = {"code": ErrorCode.INTERNAL_SERVER_ERROR}
    if event_id:
        masked["extensions"]["eventId"] = event_id
    return masked


def _is_timeout(exc: BaseException) -> bool:
    """PostgreSQL cancelled a statement that ran past statement_timeout."""
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, QueryCanceled):
            return True
        current = current.__cause__ or current.__context__
    return False


def _report(exc: BaseException) -> str | None:
    # Sentry first: its logging integration would otherwise report the log record below
    # and dedupe this capture, leaving the client without the event id.
    try:
        event_id = sentry_sdk.capture_exception(exc)
    except Exception:  # reporting must never break a response
        event_id = None
    logger.error("Unhandled error in a resolver (event %s)", event_id, exc_info=exc)
    return event_id


def clean_message(message: str) -> str:
    message = _SUGGESTION.sub("", message)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return message


def error_body(message: str, code: ErrorCode, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
