"""On PostgreSQL, change ids come out in commit order: a transaction that drew its id first
and commits last holds back every later one, so a feed reader that has seen id N never
finds a committed row below N later."""

import threading
import time

import pytest
from django.db import connection, transaction

from changes.models import Change
from projects import services as projects
from projects.models import Project
from tests.changes import last_id
from tests.writes.test_bulk_concurrency import committed, in_thread

pytestmark = pytest.mark.postgres
HOLD = 1.0  # generous: the machine is shared


def test_the_first_to_insert_commits_last_and_ids_still_follow_commit_order(db, tokens):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    clients = dict(Project.objects.filter(pk__in=[1, 2]).values_list("pk", "client"))
    baseline = last_id()
    inserted, release = threading.Event(), threading.Event()
    commits: list[str] = []

    def first():
        with transaction.atomic():
            projects.update_project(1, {"client": "First In"})  # its Change row is inserted
            inserted.set()
            release.wait(10)
        commits.append("first")

    def second():
        inserted.wait(10)
        with transaction.atomic():
            projects.update_project(2, {"client": "Second In"})
        commits.append("second")
        return time.monotonic()  # when it committed

    try:
        a, a_out = in_thread(first)
        inserted.wait(10)
        b, b_out = in_thread(second)
        time.sleep(HOLD)
        # The second write is waiting for the first's commit: nothing is visible yet.
        assert Change.objects.filter(pk__gt=baseline).count() == 0
        assert commits == []
        released = time.monotonic()
        release.set()
        a.join(10)
        b.join(10)
        assert "error" not in a_out and "error" not in b_out, (a_out, b_out)
        assert commits == ["first", "second"]
        assert b_out["result"] >= released  # it waited for the first's commit
        order = list(
            Change.objects.filter(pk__gt=baseline)
            .order_by("pk")
            .values_list("entity_id", flat=True)
        )
        assert order == [1, 2]
    finally:

        def restore():
            for pk, client in clients.items():
                Project.objects.filter(pk=pk).update(client=client)
            Change.objects.filter(pk__gt=baseline).delete()

        committed(restore)
