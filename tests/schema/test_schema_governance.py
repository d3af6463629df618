"""`manage.py check_schema`: schema.graphql against the last released schema
(graphql_schema/released.graphql). Each rule is shown failing on a schema broken on purpose
(an edit of the committed SDL), then passing once the changelog explains it; the web app's
documents and a partner's registered document must still validate whatever the changelog
says. The comparison itself is graphql_schema/governance.py, shared with test_schema_contract
and export_schema."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from graphql.utilities import BreakingChangeType

from api.persisted import sha256
from graphql_schema import governance
from tests.client import exact_queries

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "graphql_schema"
COMMITTED = (SCHEMA_DIR / "schema.graphql").read_text()
WEB_DOCUMENTS = len(json.loads((ROOT / "frontend/src/gql/persisted-documents.json").read_text()))

SKILL_SCORE = "  skillScore(skills: [String!]!): SkillScore!\n"
HIRE_DATE = '  weeklyCapacity: Float!\n  hireDate: Date\n\n  """The last day employed'
PARTNER = (
    'query PartnerSkills { person(id: "25") { name skillScore(skills: ["Python"]) { score } } }'
)
PARTNER_KEY = f"sha256:{sha256(PARTNER)}"
NO_REGISTRY = "the partner registry not read"


def edited(sdl: str, old: str, new: str) -> str:
    assert sdl.count(old) == 1, old  # the edit hits exactly the field meant
    return sdl.replace(old, new)


class Files:
    """A release baseline (the committed schema), a current schema and a changelog in tmp."""

    def __init__(self, root: Path, current: str, entries: str = "") -> None:
        self.schema = root / "schema.graphql"
        self.released = root / "released.graphql"
        self.changelog = root / "CHANGELOG.md"
        self.schema.write_text(current)
        self.released.write_text(COMMITTED)
        self.changelog.write_text(f"# Schema changelog\n\n## Unreleased\n{entries}\n## Baseline\n")

    def args(self, *extra: str) -> list[str]:
        return [
            "--schema",
            str(self.schema),
            "--released",
            str(self.released),
            "--changelog",
            str(self.changelog),
            *extra,
        ]

    def check(self, *extra: str) -> list[str]:
        out = StringIO()
        call_command("check_schema", *self.args(*extra), stdout=out)
        return out.getvalue().splitlines()

    def failure(self, *extra: str) -> tuple[list[str], list[str]]:
        out = StringIO()
        with pytest.raises(CommandError) as failed:
            call_command("check_schema", *self.args(*extra), stdout=out)
        return out.getvalue().splitlines(), str(failed.value).splitlines()

    def heading(self) -> str:
        return f"{self.schema} against {self.released}:"


def test_the_committed_schema_passes_against_the_release():
    # given the repository's own schema.graphql, released.graphql, CHANGELOG.md and manifest
    out = StringIO()
    # when the check runs as `make lint` runs it
    call_command("check_schema", "--no-registry", stdout=out)
    # then it passes, having validated every web app document
    lines = out.getvalue().splitlines()
    assert lines[0] == "graphql_schema/schema.graphql against graphql_schema/released.graphql:"
    assert (
        lines[-1] == f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, {NO_REGISTRY}"
    )


def test_a_removed_field_fails_naming_it_until_the_changelog_explains_it(tmp_path):
    # given Person.skillScore removed (no web app document uses it)
    files = Files(tmp_path, edited(COMMITTED, SKILL_SCORE, ""))
    # when checked with an empty Unreleased section
    out, failures = files.failure("--no-registry")
    # then it fails, naming the change and the exact changelog line to add
    assert out == [
        files.heading(),
        "breaking changes: 1 (0 in the changelog); dangerous changes: 0",
        "BREAKING FIELD_REMOVED Person.skillScore: Field Person.skillScore was removed. "
        "(NOT IN THE CHANGELOG)",
        f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, {NO_REGISTRY}",
    ]
    assert failures == [
        "the schema check failed:",
        "- FIELD_REMOVED Person.skillScore is a breaking change (Field Person.skillScore was "
        f"removed.) with no entry in {files.changelog}: add "
        '"- FIELD_REMOVED Person.skillScore: <reason>" under "## Unreleased"',
    ]

    # given that entry, with a reason
    files = Files(
        tmp_path,
        edited(COMMITTED, SKILL_SCORE, ""),
        "\n- FIELD_REMOVED Person.skillScore: findAvailable scores skills; deprecated since 0.9\n",
    )
    # when checked again, then it passes and says which line explains the change
    assert files.check("--no-registry") == [
        files.heading(),
        "breaking changes: 1 (1 in the changelog); dangerous changes: 0",
        "BREAKING FIELD_REMOVED Person.skillScore: Field Person.skillScore was removed. "
        '(changelog line 5: "findAvailable scores skills; deprecated since 0.9")',
        f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, {NO_REGISTRY}",
    ]


def test_a_changelog_entry_needs_a_reason_a_known_kind_and_the_unreleased_section(tmp_path):
    # given the removal, and entries that do not explain it
    current = edited(COMMITTED, SKILL_SCORE, "")
    files = Files(
        tmp_path,
        current,
        "\nRemoved for the scoring rework.\n- FIELD_REMOVED Person.skillScore\n"
        "- FIELD_DROPPED Person.skillScore: a kind graphql-core does not have\n"
        "- FIELD_REMOVED Person.skill: another field\n",
    )
    # when checked, then each bad entry fails by its line, and the change is still unexplained
    _, failures = files.failure("--no-registry")
    assert failures == [
        "the schema check failed:",
        f"- {files.changelog} line 6: FIELD_REMOVED Person.skillScore needs a reason",
        f"- {files.changelog} line 7: FIELD_DROPPED is not a kind of breaking change",
        "- FIELD_REMOVED Person.skillScore is a breaking change (Field Person.skillScore was "
        f"removed.) with no entry in {files.changelog}: add "
        '"- FIELD_REMOVED Person.skillScore: <reason>" under "## Unreleased"',
    ]

    # given the right entry, but under an earlier release's heading
    files.changelog.write_text(
        "## Unreleased\n\n## 2026.11\n\n- FIELD_REMOVED Person.skillScore: released before\n"
    )
    # then it explains nothing now
    _, failures = files.failure("--no-registry")
    assert failures[1].startswith("- FIELD_REMOVED Person.skillScore is a breaking change")
    assert len(failures) == 2


def test_dangerous_changes_are_printed_and_pass(tmp_path):
    # given an enum value added and an argument's default changed
    current = edited(COMMITTED, "  ON_HOLD\n", "  ON_HOLD\n  ARCHIVED\n")
    current = edited(
        current,
        "  hoursByWeek(from: Date = null, weeks: Int = 12, includeTentative: Boolean = true): "
        "[WeekLoad!]!\n",
        "  hoursByWeek(from: Date = null, weeks: Int = 8, includeTentative: Boolean = true): "
        "[WeekLoad!]!\n",
    )
    files = Files(tmp_path, current)
    # when checked, then both are printed and the check passes
    assert files.check("--no-registry") == [
        files.heading(),
        "breaking changes: 0 (0 in the changelog); dangerous changes: 2",
        "dangerous ARG_DEFAULT_VALUE_CHANGE: Person.hoursByWeek(weeks:) has changed defaultValue "
        "from 12 to 8.",
        "dangerous VALUE_ADDED_TO_ENUM: Enum value ProjectStatus.ARCHIVED was added.",
        f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, {NO_REGISTRY}",
    ]


def test_a_web_app_document_using_a_removed_field_fails_with_its_name(tmp_path):
    # given Person.hireDate removed, with a changelog entry: two web app screens select it
    files = Files(
        tmp_path,
        edited(COMMITTED, HIRE_DATE, '  weeklyCapacity: Float!\n\n  """The last day employed'),
        "- FIELD_REMOVED Person.hireDate: the start is endDate's counterpart on Employment\n",
    )
    manifest = json.loads((ROOT / "frontend/src/gql/persisted-documents.json").read_text())
    keys = {
        name: key
        for key, text in manifest.items()
        for name in ("PersonPanel_Person", "Heatmap_Screen")
        if f"query {name}(" in text
    }
    # when checked, then each fails with its operation name, its key and graphql-core's error
    _, failures = files.failure("--no-registry")
    error = "Cannot query field 'hireDate' on type 'Person'. Did you mean 'endDate'?"
    assert failures == [
        "the schema check failed:",
        f"- web app document PersonPanel_Person ({keys['PersonPanel_Person']}) no longer "
        f"validates: {error}",
        f"- web app document Heatmap_Screen ({keys['Heatmap_Screen']}) no longer validates: "
        f"{error}",
    ]


def test_a_registered_partner_document_using_a_removed_field_fails_with_its_name(db, tmp_path):
    # given a partner document registered against today's schema, which selects skillScore
    path = tmp_path / "partner.json"
    path.write_text(json.dumps({PARTNER_KEY: PARTNER}))
    call_command("register_documents", str(path), "--client", "acme", stdout=StringIO())
    # and Person.skillScore removed with a changelog entry
    files = Files(
        tmp_path,
        edited(COMMITTED, SKILL_SCORE, ""),
        "- FIELD_REMOVED Person.skillScore: findAvailable scores skills\n",
    )
    # when checked with the registry (one query reads it), then the partner's document fails
    with exact_queries(1):
        out, failures = files.failure()
    assert out[-1] == (
        f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, 1 of the partner registry"
    )
    assert failures == [
        "the schema check failed:",
        f"- partner document PartnerSkills ({PARTNER_KEY}, client acme) no longer validates: "
        "Cannot query field 'skillScore' on type 'Person'. Did you mean 'skills'?",
    ]
    # and without the registry the same schema passes (what CI checks; deploys read it)
    assert files.check("--no-registry")[-1].endswith(NO_REGISTRY)


# A partner that mirrors capgraph (issue 16): it pages the change feed, re-reads with
# updatedSince and manages its webhook subscription, as docs/api.md and docs/webhooks.md show.
SYNC_DOCUMENTS = [
    """query PartnerFeed($after: String) { changes(after: $after, first: 500,
      types: [PERSON, ASSIGNMENT]) { edges { cursor node { sequence entityType entityId
      operation fields actor at } } pageInfo { hasNextPage endCursor } } }""",
    """query PartnerPeople($since: DateTime, $after: String) { people(updatedSince: $since,
      after: $after, includeInactive: true, first: 200) { edges { node { id name email
      department { id } weeklyCapacity } } pageInfo { hasNextPage endCursor } } }""",
    """mutation PartnerSubscribe($url: String!) { createWebhookSubscription(url: $url,
      events: [PERSON, ASSIGNMENT, TIME_OFF]) { secret subscription { id events isActive
      lastSequence } } }""",
    """query PartnerDeliveries($id: ID!) { webhookDeliveries(subscription: $id,
      status: FAILED) { edges { node { deliveryId sequence attempts responseStatus } } } }""",
]
SEQUENCE = (
    '  """\n  The change\'s place in the log: increasing in commit order (a decimal id).\n'
    '  """\n  sequence: String!\n  entityType: ChangeEntityType!'
)


def test_registered_partner_documents_pass_against_the_committed_schema_until_a_field_breaks(
    db, tmp_path
):
    # given a partner's sync documents registered (register_documents validates them too)
    path = tmp_path / "sync.json"
    path.write_text(json.dumps({f"sha256:{sha256(d)}": d for d in SYNC_DOCUMENTS}))
    call_command("register_documents", str(path), "--client", "mirror", stdout=StringIO())

    # when the repository's own schema is checked with the registry (as a deploy does),
    # then it passes, every partner document validated
    out = StringIO()
    with exact_queries(1):
        call_command("check_schema", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        f"documents checked: {WEB_DOCUMENTS} of the web app's manifest, "
        f"{len(SYNC_DOCUMENTS)} of the partner registry"
    )

    # and when a field the feed document selects is removed (the changelog explaining it)
    files = Files(
        tmp_path,
        edited(COMMITTED, SEQUENCE, "  entityType: ChangeEntityType!"),
        "- FIELD_REMOVED Change.sequence: the cursor is the position\n",
    )
    # then the check fails naming that partner document, and only it
    _, failures = files.failure()
    key = f"sha256:{sha256(SYNC_DOCUMENTS[0])}"
    assert failures == [
        "the schema check failed:",
        f"- partner document PartnerFeed ({key}, client mirror) no longer validates: "
        "Cannot query field 'sequence' on type 'Change'.",
    ]


def test_release_makes_the_current_schema_the_baseline(tmp_path):
    # given an explained removal
    current = edited(COMMITTED, SKILL_SCORE, "")
    files = Files(tmp_path, current, "\n- FIELD_REMOVED Person.skillScore: replaced\n")
    # when a release is cut
    out = files.check("--no-registry", "--release", "2026.12")
    # then released.graphql is the current schema and the entry is under the release's heading
    assert out[-1] == (
        f'released: {files.schema} copied to {files.released}; {files.changelog} has "## 2026.12"'
    )
    assert files.released.read_text() == current
    assert files.changelog.read_text() == (
        "# Schema changelog\n\n## Unreleased\n\n## 2026.12\n\n"
        "- FIELD_REMOVED Person.skillScore: replaced\n\n## Baseline\n"
    )
    assert files.check("--no-registry")[1] == (
        "breaking changes: 0 (0 in the changelog); dangerous changes: 0"
    )


def test_a_failing_check_releases_nothing(tmp_path):
    # given an unexplained removal
    files = Files(tmp_path, edited(COMMITTED, SKILL_SCORE, ""))
    changelog = files.changelog.read_text()
    # when a release is attempted, then it fails and neither file changes
    files.failure("--no-registry", "--release", "2026.12")
    assert files.released.read_text() == COMMITTED
    assert files.changelog.read_text() == changelog


def test_the_command_exits_with_status_1_on_a_breaking_change(tmp_path):
    # given an unexplained removal, when `manage.py check_schema` runs as `make lint` runs it
    files = Files(tmp_path, edited(COMMITTED, SKILL_SCORE, ""))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "backend/manage.py", "check_schema", *files.args("--no-registry")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then CI sees a failure and why
    assert done.returncode == 1
    assert done.stderr.splitlines()[:2] == [
        "CommandError: the schema check failed:",
        "- FIELD_REMOVED Person.skillScore is a breaking change (Field Person.skillScore was "
        f"removed.) with no entry in {files.changelog}: add "
        '"- FIELD_REMOVED Person.skillScore: <reason>" under "## Unreleased"',
    ]


BASE = """
directive @tag(name: String, extra: Int) repeatable on FIELD_DEFINITION | OBJECT
directive @gone on FIELD
interface Node { id: ID! }
type A implements Node { id: ID! f(x: Int, y: String): String g: Int }
type B { id: ID! }
union U = A | B
enum E { ONE TWO }
input I { a: Int }
scalar S
type Query { a: A u: U e: E s: S i(input: I): Int }
"""
TAG = "directive @tag(name: String, extra: Int) repeatable on FIELD_DEFINITION | OBJECT"
KINDS = [
    ("TYPE_REMOVED", [("scalar S", ""), (" s: S", "")], "S"),
    ("TYPE_CHANGED_KIND", [("input I { a: Int }", "enum I { X }")], "I"),
    ("TYPE_REMOVED_FROM_UNION", [("A | B", "A")], "U"),
    ("VALUE_REMOVED_FROM_ENUM", [("ONE TWO", "ONE")], "E.TWO"),
    ("REQUIRED_INPUT_FIELD_ADDED", [("a: Int }", "a: Int b: Int! }")], "I.b"),
    ("IMPLEMENTED_INTERFACE_REMOVED", [("A implements Node", "A")], "A"),
    ("FIELD_REMOVED", [(" g: Int", "")], "A.g"),
    ("FIELD_CHANGED_KIND", [("g: Int", "g: String")], "A.g"),
    ("REQUIRED_ARG_ADDED", [("y: String)", "y: String, z: Int!)")], "A.f(z:)"),
    ("ARG_REMOVED", [(", y: String", "")], "A.f(y:)"),
    ("ARG_CHANGED_KIND", [("x: Int", "x: String")], "A.f(x:)"),
    ("ARG_CHANGED_KIND", [("name: String", "name: Int")], "@tag(name:)"),
    ("DIRECTIVE_REMOVED", [("directive @gone on FIELD", "")], "@gone"),
    ("DIRECTIVE_ARG_REMOVED", [(", extra: Int", "")], "@tag(extra:)"),
    ("REQUIRED_DIRECTIVE_ARG_ADDED", [("extra: Int)", "extra: Int, must: Int!)")], "@tag(must:)"),
    ("DIRECTIVE_REPEATABLE_REMOVED", [(") repeatable on", ") on")], "@tag"),
    ("DIRECTIVE_LOCATION_REMOVED", [(" | OBJECT", "")], "@tag"),
]


@pytest.mark.parametrize(("kind", "edits", "coordinate"), KINDS)
def test_every_kind_of_breaking_change_is_named_by_its_coordinate(kind, edits, coordinate):
    # given a schema with one breaking change of this kind
    new = BASE
    for old, replacement in edits:
        new = edited(new, old, replacement)
    # when compared, then the change's coordinate is the one an entry names
    found = [c for c in governance.compare(BASE, new).breaking if c.type.name == kind]
    assert [governance.coordinate_of(c) for c in found] == [coordinate]
    # and an entry naming it parses back to the same kind and coordinate
    assert governance.read_changelog(f"## Unreleased\n- {kind} {coordinate}: why\n") == (
        [governance.Entry(kind, coordinate, "why", 2)],
        [],
    )


def test_every_breaking_kind_of_graphql_core_is_covered():
    # a kind a graphql-core upgrade adds must get a coordinate pattern and a case above
    assert {kind for kind, _, _ in KINDS} == {kind.name for kind in BreakingChangeType}


def test_a_released_file_that_is_not_a_schema_is_named(tmp_path):
    # given a half-edited released.graphql
    files = Files(tmp_path, COMMITTED)
    files.released.write_text("type Query {")
    # when checked, then the failure names the file and the syntax error
    with pytest.raises(CommandError) as failed:
        call_command("check_schema", *files.args("--no-registry"), stdout=StringIO())
    assert str(failed.value) == (
        f"{files.released} is not a valid schema: Syntax Error: Expected Name, found <EOF>."
    )
