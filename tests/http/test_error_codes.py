"""Every error code comes from core.errors.ErrorCode, and each error gets its code from the
rule that raised it (graphql-core's error types, the parser's token limit, the validation
rule), never from its message text."""

import ast
import pathlib

import pytest
from graphql import GraphQLSyntaxError, parse

from api import gate
from core.errors import DomainError, ErrorCode, InvalidInput, VersionConflict

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTRACT_CODES = {
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "BAD_USER_INPUT",
    "CONFLICT",
    "REQUEST_TOO_LARGE",
    "RATE_LIMITED",
    "QUERY_TOO_COMPLEX",
    "BAD_REQUEST",
    "SERVICE_UNAVAILABLE",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_NOT_IN_LIST",
    "INTERNAL_SERVER_ERROR",
    "TOO_MANY_SUBSCRIPTIONS",
    "SLOW_CONSUMER",
}


def test_error_code_holds_the_contract_codes_and_the_statement_timeout():
    assert {code.value for code in ErrorCode} == CONTRACT_CODES | {"TIMEOUT"}
    assert all(code.name == code.value for code in ErrorCode)


def code_literals(root: pathlib.Path) -> list[str]:
    """`file:line "CODE"` for every string constant equal to a code, outside core/errors.py."""
    codes = {code.value for code in ErrorCode}
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.relative_to(ROOT).as_posix() == (
            "backend/core/errors.py"
        ):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and node.value in codes:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    return found


def test_no_module_spells_an_error_code_as_a_string():
    assert code_literals(ROOT / "backend") + code_literals(ROOT / "graphql_schema") == []


def test_the_scan_finds_a_code_spelled_as_a_string(tmp_path):
    (tmp_path / "m.py").write_text('ERROR = {"code": "NOT_FOUND"}\n')
    assert [line.split(" ", 1)[1] for line in code_literals_in(tmp_path)] == ["'NOT_FOUND'"]


def code_literals_in(root: pathlib.Path) -> list[str]:
    codes = {code.value for code in ErrorCode}
    return [
        f"{path.name}:{node.lineno} {node.value!r}"
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in codes
    ]


def test_domain_errors_carry_their_code():
    assert DomainError.code == ErrorCode.INTERNAL_SERVER_ERROR
    assert InvalidInput("bad", field="name").code == ErrorCode.BAD_USER_INPUT
    assert VersionConflict([(4, 2)]).code == ErrorCode.CONFLICT
    assert VersionConflict([(4, 2)]).message == "Assignment changed since it was read: 4"


# --- the parser's token limit, told apart from other syntax errors by counting ------------


def syntax_error(query: str, limit: int) -> GraphQLSyntaxError:
    with pytest.raises(GraphQLSyntaxError) as raised:
        parse(query, max_tokens=limit)
    return raised.value


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ " + "a " * 20 + "}", "QUERY_TOO_COMPLEX"),  # 22 tokens
        ("{ a b c d e f g h i }", "QUERY_TOO_COMPLEX"),  # 11 tokens: the 11th stops it
        ("#c\n" * 12 + "{ a }", "QUERY_TOO_COMPLEX"),  # a run of comments, cut by the lexer
        ("{ a #c\n #c\n #c\n #c\n #c\n #c\n #c\n #c\n #c\n b }", "QUERY_TOO_COMPLEX"),
        ("{ a ( }" + " b" * 30, "GRAPHQL_PARSE_FAILED"),  # wrong at token 4 of 34
        ("{ a ? b }" + " c" * 30, "GRAPHQL_PARSE_FAILED"),  # a character the lexer refuses
        ('{ a(s: "unterminated) }', "GRAPHQL_PARSE_FAILED"),
        ("{ a b c d e f g h }", None),  # 10 tokens: within the limit, parses
    ],
)
def test_parse_errors_are_coded_by_the_rule_that_stopped_the_parser(settings, query, code):
    settings.QUERY_LIMITS = {**settings.QUERY_LIMITS, "tokens": 10}
    if code is None:
        parse(query, max_tokens=10)
        return
    error = gate.parse_failed(syntax_error(query, 10), query)
    assert error.extensions == {"code": code}
    limit_message = "Document contains more than 10 tokens" in error.message
    assert limit_message == (code == "QUERY_TOO_COMPLEX")  # the count agrees with the parser


def test_a_syntax_error_early_in_a_long_document_is_a_parse_error(gql):
    r = gql.post("{ viewer { ( } }" + " x" * 2500)
    assert r.codes == ["GRAPHQL_PARSE_FAILED"]
    assert r.errors[0]["message"] == "Syntax Error: Expected Name, found '('."


def test_comment_padding_past_the_token_limit_is_too_complex(gql):
    r = gql.post("#\n" * 2001 + "{ viewer { username } }")
    assert r.codes == ["QUERY_TOO_COMPLEX"]
    assert r.errors[0]["message"] == (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    )


def test_strawberrys_own_parse_and_validation_get_the_same_codes():
    """The path a document the view did not admit takes (schema.execute on its own)."""
    from api.schema import schema

    class Context:
        introspection_allowed = True
        document_key = None

    too_many = schema.execute_sync("{ " + "viewer " * 2001 + "}", context_value=Context())
    assert [e.extensions for e in too_many.errors or []] == [{"code": "QUERY_TOO_COMPLEX"}]
    broken = schema.execute_sync("{ viewer { ( } }", context_value=Context())
    assert [e.extensions for e in broken.errors or []] == [{"code": "GRAPHQL_PARSE_FAILED"}]
    unused = schema.execute_sync("query Q($x: Int) { __typename }", context_value=Context())
    assert [(e.message, e.extensions) for e in unused.errors or []] == [
        (
            "Variable '$x' is never used in operation 'Q'.",
            {"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [("expire", "expired"), ("deactivate", "was disabled"), ("revoke", "was disabled")],
)
def test_an_export_job_tells_an_expired_token_from_a_disabled_one_by_its_type(
    db, settings, tmp_path, change, reason
):
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from accounts.models import ApiToken
    from exports import services
    from exports.models import ExportJob

    settings.EXPORT_DIR = tmp_path
    user = User.objects.create_user("late")
    token, _ = ApiToken.issue(user, "read")
    job = ExportJob.objects.create(
        user=user, token=token, format="csv", params={"from": "2026-11-02", "weeks": 2}
    )
    if change == "expire":
        token.expires_at = timezone.now() - dt.timedelta(seconds=1)
        token.save()
    elif change == "deactivate":
        user.is_active = False
        user.save()
    else:
        token.revoked = True
        token.save()
    assert services.attempt(job.pk, 0) is None
    job.refresh_from_db()
    assert (job.status, job.error) == (
        "failed",
        f"The token or user that requested this export {reason}",
    )
