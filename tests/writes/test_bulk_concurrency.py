"""Two concurrent bulk updates of one assignment on PostgreSQL: the row lock makes the second
wait, then see the new version and conflict; nothing is lost, and its retry keeps both."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from accounts.access import EVERYTHING
from assignments.bulk import HoursItem, bulk_update_hours
from assignments.models import Assignment, AssignmentWeek
from core.errors import VersionConflict

pytestmark = pytest.mark.postgres

W1, W2 = dt.date(2027, 3, 1), dt.date(2027, 3, 8)
HOLD = 0.5


def in_thread(fn):
    """Run fn on its own thread and database connection; return (result, error)."""
    out: dict = {}

    def run():
        try:
            out["result"] = fn()
        except Exception as e:  # handed back to the test
            out["error"] = e
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def committed(fn):
    """Run fn on another connection, so that what it writes is committed for real (the test's
    own connection sits in a transaction that is rolled back)."""
    thread, out = in_thread(fn)
    thread.join(10)
    if "error" in out:
        raise out["error"]
    return out["result"]


def test_concurrent_bulk_updates_never_lose_an_update(db, tokens):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: run it with DATABASE_URL set")
    assignment = committed(lambda: Assignment.objects.create(person_id=5, project_id=1))
    try:
        locked = threading.Event()

        def first():
            with transaction.atomic():
                Assignment.objects.select_for_update().get(pk=assignment.pk)
                locked.set()
                time.sleep(HOLD)  # B is now waiting on the row lock
                return bulk_update_hours(
                    [HoursItem(assignment.pk, 1, {W1.isoformat(): 5})], EVERYTHING
                )

        def second():
            locked.wait(5)
            started = time.monotonic()
            try:
                bulk_update_hours([HoursItem(assignment.pk, 1, {W2.isoformat(): 7})], EVERYTHING)
            finally:
                second.waited = time.monotonic() - started  # type: ignore[attr-defined]

        a, a_out = in_thread(first)
        b, b_out = in_thread(second)
        a.join(10)
        b.join(10)

        assert "error" not in a_out, a_out
        assert [x.version for x in a_out["result"]] == [2]
        assert isinstance(b_out.get("error"), VersionConflict)
        assert b_out["error"].conflicts == [(assignment.pk, 2)]
        assert second.waited >= HOLD * 0.8  # type: ignore[attr-defined]
        weeks = dict(
            AssignmentWeek.objects.filter(assignment=assignment).values_list("week", "hours")
        )
        assert {w: float(h) for w, h in weeks.items()} == {W1: 5.0}

        # The loser re-reads and retries: both edits are kept.
        retry, retry_out = in_thread(
            lambda: bulk_update_hours(
                [HoursItem(assignment.pk, 2, {W2.isoformat(): 7})], EVERYTHING
            )
        )
        retry.join(10)
        assert [x.version for x in retry_out["result"]] == [3]
        weeks = dict(
            AssignmentWeek.objects.filter(assignment=assignment).values_list("week", "hours")
        )
        assert {w: float(h) for w, h in weeks.items()} == {W1: 5.0, W2: 7.0}
    finally:
        committed(lambda: Assignment.objects.filter(pk=assignment.pk).delete())
