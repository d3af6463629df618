"""Domain errors raised by services and pure functions; the GraphQL edge maps each to a
CONTRACT.md code (BAD_USER_INPUT, NOT_FOUND, FORBIDDEN, CONFLICT, REQUEST_TOO_LARGE)."""


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    pass


class TooLarge(DomainError):
    pass


class Missing(DomainError):
    pass


class Denied(DomainError):
    pass


class VersionConflict(DomainError):
    def __init__(self, conflicts: list[tuple[int, int]]) -> None:
        ids = ", ".join(str(a) for a, _ in conflicts)
        super().__init__(f"Assignment changed since it was read: {ids}")
        self.conflicts = conflicts  # (assignment id, current version)
