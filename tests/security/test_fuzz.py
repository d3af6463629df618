"""Schemathesis fuzzes the API from the committed schema, in-process through the real ASGI
app: whatever a client sends, no 5xx, no INTERNAL_SERVER_ERROR, and every error has a code.

Schemathesis's ASGI transport runs the app on an event loop of its own, in another thread,
and Django's ASGIHandler then sends the view's ORM work (thread-sensitive `sync_to_async`) to
a new thread per request: each request would open its own database connection outside the
test's transaction, so generated mutations would commit for real. `OnThisThread` gives each
request an executor that runs that work back on the test's thread, which waits for the call
by serving it (asgiref's `CurrentThreadExecutor`, what `async_to_sync` and Django's test
client do): every query and write happens in the test's transaction and is rolled back.
"""

import datetime as dt
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import hypothesis
import schemathesis
from asgiref.current_thread_executor import CurrentThreadExecutor
from asgiref.sync import ThreadSensitiveContext
from django.core.signals import request_started
from graphql import NameNode, ObjectFieldNode
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode, Response
from schemathesis.graphql import nodes

from tests.client import assert_no_leak
from tests.conftest import REPO

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
ENDPOINT = "http://testserver/graphql"


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` four times in five: values that reach the resolvers with the small dataset
    (ids of its rows, dates around its weeks, small counts) rather than stop at the first
    refused argument; `odd` values the rest of the time."""
    return st.integers(0, 4).flatmap(lambda n: usual if n else odd)


ids = mostly(
    st.integers(1, 25).map(nodes.String),
    st.one_of(st.integers().map(nodes.Int), st.text(max_size=10).map(nodes.String)),
)
ints = mostly(st.integers(0, 30), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int)
dates = mostly(
    st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
).map(lambda d: nodes.String(d.isoformat()))
numbers = st.one_of(
    st.integers(-10, 1000).map(nodes.Int),
    st.floats(-1, 200, allow_nan=False).map(nodes.Float),
)
# GraphQL literals cannot spell date keys ("2026-11-02" is not a Name), so generated JSON
# maps hold names: the server must refuse them cleanly, as it must any odd value.
json_values = st.one_of(
    numbers,
    st.text(max_size=12).map(nodes.String),
    st.dictionaries(
        st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), numbers, max_size=3
    ).map(
        lambda d: nodes.Object(
            [ObjectFieldNode(name=NameNode(value=k), value=v) for k, v in d.items()]
        )
    ),
)
for name, strategy in {"ID": ids, "Int": ints, "Date": dates, "JSON": json_values}.items():
    schemathesis.graphql.scalar(name, strategy)

SCHEMA = schemathesis.graphql.from_path(REPO / "graphql_schema" / "schema.graphql")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # one per root field


class OnThisThread:
    """The ASGI app, with its thread-sensitive work run by `executor` (see the docstring)."""

    def __init__(self) -> None:
        from config.asgi import application

        self.application = application
        self.executor: CurrentThreadExecutor | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async with ThreadSensitiveContext(executor=self.executor):
            await self.application(scope, receive, send)

    def call(self, case: Case, caller: ThreadPoolExecutor, **kwargs: Any) -> Response:
        self.executor = CurrentThreadExecutor(None)
        try:
            future = caller.submit(case.call, base_url=ENDPOINT, app=self, **kwargs)
            self.executor.run_until_future(future)
            return future.result()
        finally:
            self.executor = None


def test_generated_operations_never_fail_on_the_server(db, tokens, settings):
    settings.RATE_LIMIT_POINTS = 10**9  # fuzzing the API, not the budget
    app = OnThisThread()
    headers = {"Authorization": f"Bearer {tokens.write}"}  # write scope: mutations run too
    answered: list[tuple[str, bool]] = []  # (field, served: data and no error)
    request_threads: set[int] = set()

    def on_request_started(**kwargs: Any) -> None:
        request_threads.add(threading.get_ident())

    def check(case: Case, caller: ThreadPoolExecutor) -> None:
        response = app.call(case, caller, headers=headers)
        assert response.status_code < 500, (case.body, response.text)
        assert_no_leak(response.text)
        body = response.json()
        errors = body.get("errors", [])
        answered.append((case.operation.label, not errors and bool(body.get("data"))))
        codes = [(e.get("extensions") or {}).get("code") for e in errors]
        assert None not in codes, (case.body, errors)
        assert "INTERNAL_SERVER_ERROR" not in codes, (case.body, errors)

    def fuzz(operation: APIOperation, examples: int, caller: ThreadPoolExecutor) -> None:
        # Valid documents, and invalid ones (wrong argument types, missing required
        # arguments) that must be refused cleanly.
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        run = hypothesis.settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )(given(case=cases)(lambda case: check(case, caller)))
        run()

    started = time.perf_counter()
    request_started.connect(on_request_started)
    try:
        with ThreadPoolExecutor(1) as caller:
            for i, operation in enumerate(OPERATIONS):
                # Every field gets its share of what is left: a field whose arguments allow
                # only a few distinct documents (`viewer`) leaves the rest to the others.
                share = -(-(EXAMPLES - len(answered)) // (len(OPERATIONS) - i))
                fuzz(operation, max(share, 1), caller)
    finally:
        request_started.disconnect(on_request_started)
    elapsed = time.perf_counter() - started

    assert request_threads == {threading.get_ident()}  # so all in the test's transaction
    assert len(answered) >= EXAMPLES, len(answered)
    assert {label for label, _ in answered} == {op.label for op in OPERATIONS}
    served = {label for label, ok in answered if ok}
    assert any(label.startswith("Mutation.") for label in served), served  # writes ran
    print(
        f"{len(answered)} operations on {len(OPERATIONS)} fields in {elapsed:.1f} s; "
        f"never served without an error: {sorted({op.label for op in OPERATIONS} - served)}"
    )
