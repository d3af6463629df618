"""Schema governance: what changed between two SDL texts, which breaking changes the
changelog explains, and which clients' documents no longer validate.

The one place schema comparisons are made: `check_schema` (against the last released schema,
graphql_schema/released.graphql), `export_schema` and tests/schema use it. Pure: SDL text,
changelog text and documents in, a report out; reading files and the registry is the
caller's job.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from graphql import GraphQLError, GraphQLSchema, build_schema, parse, validate
from graphql.language import OperationDefinitionNode
from graphql.utilities import (
    BreakingChange,
    BreakingChangeType,
    DangerousChange,
    find_schema_changes,
)

UNRELEASED = "## Unreleased"

# graphql-core describes each change in words; the changelog names it by kind and schema
# coordinate (Type.field, Type.field(arg:), Enum.VALUE, @directive), taken from those words.
# tests/schema/test_schema_governance.py pins every kind, so a graphql-core upgrade that
# rewords one fails there rather than here.
_COORDINATE = {
    BreakingChangeType.TYPE_REMOVED: r"(?:Standard scalar )?(\w+) was removed",
    BreakingChangeType.TYPE_CHANGED_KIND: r"(\w+) changed from",
    BreakingChangeType.TYPE_REMOVED_FROM_UNION: r"\w+ was removed from union type (\w+)\.",
    BreakingChangeType.VALUE_REMOVED_FROM_ENUM: r"Enum value (\w+\.\w+) was removed",
    BreakingChangeType.REQUIRED_INPUT_FIELD_ADDED: r"A required field (\w+\.\w+) was added",
    BreakingChangeType.IMPLEMENTED_INTERFACE_REMOVED: r"(\w+) no longer implements",
    BreakingChangeType.FIELD_REMOVED: r"Field (\w+\.\w+) was removed",
    BreakingChangeType.FIELD_CHANGED_KIND: r"Field (\w+\.\w+) changed type",
    BreakingChangeType.REQUIRED_ARG_ADDED: r"A required argument (\w+\.\w+\(\w+:\)) was added",
    BreakingChangeType.ARG_REMOVED: r"Argument (\w+\.\w+\(\w+:\)) was removed",
    BreakingChangeType.ARG_CHANGED_KIND: r"Argument (@?[\w.]+\(\w+:\)) has changed type",
    BreakingChangeType.DIRECTIVE_REMOVED: r"Directive (@\w+) was removed",
    BreakingChangeType.DIRECTIVE_ARG_REMOVED: r"Argument (@\w+\(\w+:\)) was removed",
    BreakingChangeType.REQUIRED_DIRECTIVE_ARG_ADDED: r"A required argument (@\w+\(\w+:\)) was",
    BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED: r"Repeatable flag was removed from (@\w+)",
    BreakingChangeType.DIRECTIVE_LOCATION_REMOVED: r"\w+ was removed from (@\w+)\.",
}

_ENTRY = re.compile(
    r"^[-*]\s+`?(?P<kind>[A-Z]+(?:_[A-Z]+)+)`?\s+`?(?P<coordinate>@?\w[\w.]*(?:\(\w+:\))?)`?"
    r"\s*(?::\s*(?P<reason>.*?))?\s*$"
)


def coordinate_of(change: BreakingChange) -> str:
    """The schema coordinate a breaking change is about (its description if unknown)."""
    pattern = _COORDINATE.get(change.type)
    match = re.match(pattern, change.description) if pattern else None
    return match.group(1) if match else change.description.rstrip(".")


@dataclass(frozen=True, slots=True)
class Changes:
    breaking: list[BreakingChange]
    dangerous: list[DangerousChange]


def compare(old: GraphQLSchema | str, new: GraphQLSchema | str) -> Changes:
    """graphql-core's breaking and dangerous changes from `old` to `new` (safe ones left out)."""
    old_schema = build_schema(old) if isinstance(old, str) else old
    new_schema = build_schema(new) if isinstance(new, str) else new
    changes = find_schema_changes(old_schema, new_schema)
    return Changes(
        breaking=[c for c in changes if isinstance(c, BreakingChange)],
        dangerous=[c for c in changes if isinstance(c, DangerousChange)],
    )


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    coordinate: str
    reason: str
    line: int


def read_changelog(text: str) -> tuple[list[Entry], list[str]]:
    """The entries under `## Unreleased` (a released section explains nothing new), and
    the problems with them: an unknown kind or a missing reason fails the check."""
    entries: list[Entry] = []
    problems: list[str] = []
    kinds = {kind.name for kind in BreakingChangeType}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            inside = line.strip() == UNRELEASED
            continue
        match = _ENTRY.match(line.strip()) if inside else None
        if match is None:
            continue
        kind, coordinate, reason = match.group("kind", "coordinate", "reason")
        if kind not in kinds:
            problems.append(f"line {number}: {kind} is not a kind of breaking change")
        elif not reason:
            problems.append(f"line {number}: {kind} {coordinate} needs a reason")
        else:
            entries.append(Entry(kind, coordinate, reason, number))
    return entries, problems


@dataclass(frozen=True, slots=True)
class Document:
    """A client's document: from the web app's manifest or the partner registry."""

    key: str  # sha256:<hex>, or the manifest's own key
    text: str
    client: str | None = None  # the partner, for a registered document

    @property
    def label(self) -> str:
        try:
            names = [
                d.name.value
                for d in parse(self.text).definitions
                if isinstance(d, OperationDefinitionNode) and d.name
            ]
        except GraphQLError:
            names = []
        name = ", ".join(names) or "(anonymous)"
        if self.client is None:
            return f"web app document {name} ({self.key})"
        return f"partner document {name} ({self.key}, client {self.client})"


def validation_errors(schema: GraphQLSchema, document: Document) -> list[str]:
    try:
        ast = parse(document.text)
    except GraphQLError as e:
        return [e.message]
    return [e.message for e in validate(schema, ast)]


@dataclass
class Report:
    breaking: list[tuple[BreakingChange, Entry | None]] = field(default_factory=list)
    dangerous: list[DangerousChange] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    web_documents: int = 0
    partner_documents: int | None = None  # None: the registry was not read

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> list[str]:
        explained = sum(1 for _, entry in self.breaking if entry is not None)
        lines = [
            f"breaking changes: {len(self.breaking)} ({explained} in the changelog); "
            f"dangerous changes: {len(self.dangerous)}"
        ]
        for change, entry in self.breaking:
            reason = (
                f'changelog line {entry.line}: "{entry.reason}"'
                if entry
                else "NOT IN THE CHANGELOG"
            )
            lines.append(
                f"BREAKING {change.type.name} {coordinate_of(change)}: {change.description} "
                f"({reason})"
            )
        lines += [f"dangerous {c.type.name}: {c.description}" for c in self.dangerous]
        partners = (
            "the partner registry not read"
            if self.partner_documents is None
            else f"{self.partner_documents} of the partner registry"
        )
        lines.append(
            f"documents checked: {self.web_documents} of the web app's manifest, {partners}"
        )
        return lines


def check(
    released: GraphQLSchema | str,
    current: GraphQLSchema | str,
    changelog: str,
    changelog_name: str,
    web_documents: Iterable[Document],
    partner_documents: Iterable[Document] | None,
) -> Report:
    """Compare `current` SDL with `released`; every breaking change needs an Unreleased
    changelog entry of its kind and coordinate, and every document must validate against
    `current` (whatever the changelog says: a partner's document is broken either way).
    `partner_documents` None: the registry was not read (said so in the summary)."""
    new_schema = build_schema(current) if isinstance(current, str) else current
    changes = compare(released, new_schema)
    entries, problems = read_changelog(changelog)
    report = Report(dangerous=changes.dangerous)
    report.failures += [f"{changelog_name} {problem}" for problem in problems]
    named = {(e.kind, e.coordinate): e for e in entries}
    for change in changes.breaking:
        kind, coordinate = change.type.name, coordinate_of(change)
        entry = named.get((kind, coordinate))
        report.breaking.append((change, entry))
        if entry is None:
            report.failures.append(
                f"{kind} {coordinate} is a breaking change ({change.description}) with no "
                f'entry in {changelog_name}: add "- {kind} {coordinate}: <reason>" under '
                f'"{UNRELEASED}"'
            )
    web = list(web_documents)
    partners = None if partner_documents is None else list(partner_documents)
    report.web_documents = len(web)
    report.partner_documents = None if partners is None else len(partners)
    for document in web + (partners or []):
        errors = validation_errors(new_schema, document)
        if errors:
            report.failures.append(f"{document.label} no longer validates: {'; '.join(errors)}")
    return report
