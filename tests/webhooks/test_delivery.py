"""Delivery from the change log to a real receiver on 127.0.0.1: order, signatures, retries
driven by time (next_attempt_at made due, no sleeping), disabling after the eighth failure,
redelivery, scoping by the owning token, leases (a worker killed mid-delivery) and the
delivery-time address check."""

import datetime as dt
import hashlib
import hmac
import re
import uuid

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from changes.models import Change
from tests.client import exact_queries
from webhooks import delivery
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import change, node, subscribe, token_row

SECRET = "s3cret-for-the-tests-0123456789"
REDELIVER = """mutation($id: ID!) { redeliverWebhook(id: $id) {
  id deliveryId sequence status attempts redelivery responseStatus } }"""


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """docs/webhooks.md's receiver snippet, verbatim."""
    message = headers["X-Capgraph-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Capgraph-Signature"])


def make_due() -> None:
    WebhookDelivery.objects.filter(status="pending").update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def test_changes_arrive_in_order_signed_with_the_feeds_shape(
    client_for, tokens, receiver, private_urls
):
    # given a subscription to every entity type, and then three committed changes
    before = change(entity_id=1)  # committed before the subscription: not sent
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    rows = [
        change(entity_id=10),
        change("assignment", 47, "create", fields={"hours": {"after": 8}}),
        change("project", 5, "delete", department=None, fields={"name": {"before": "X"}}),
    ]

    # when the dispatch task runs
    created, attempts = delivery.run_pass()

    # then the receiver got exactly those three, in sequence order, each signed
    assert (created, attempts) == (3, 3)
    deliveries = list(WebhookDelivery.objects.order_by("sequence"))
    assert [r.path for r in receiver.requests] == ["/hooks/capgraph"] * 3
    assert [r.json for r in receiver.requests] == [
        {"deliveryId": str(d.delivery_id), "sequence": str(row.id), "change": node(row)}
        for d, row in zip(deliveries, rows, strict=True)
    ]
    assert receiver.requests[1].json["change"] == {
        "sequence": str(rows[1].id),
        "entityType": "assignment",
        "entityId": "47",
        "operation": "CREATE",
        "fields": {"hours": {"after": 8}},
        "actor": "token:writer",
        "at": delivery.iso(rows[1].created_at),
    }
    for r in receiver.requests:
        assert verify(SECRET, r.headers, r.body)
        assert not verify("another-secret-of-enough-length", r.headers, r.body)
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers["User-Agent"] == "capgraph-webhooks/1"
        assert abs(int(r.headers["X-Capgraph-Timestamp"]) - timezone.now().timestamp()) < 60
    assert receiver.delivery_ids == [str(d.delivery_id) for d in deliveries]
    assert [(d.status, d.attempts, d.response_status, d.response_body) for d in deliveries] == [
        ("succeeded", 1, 200, "ok")
    ] * 3
    row = WebhookSubscription.objects.get(pk=sub["subscription"]["id"])
    assert (row.read_sequence, row.last_sequence) == (rows[-1].id, rows[-1].id)
    assert before.id < row.read_sequence

    # and a second run sends nothing again
    assert delivery.run_pass() == (0, 0)
    assert len(receiver.requests) == 3


def test_a_receiver_failing_its_first_three_attempts_still_gets_everything_in_order(
    client_for, tokens, receiver, private_urls
):
    # given a receiver that answers 500 three times, then 200
    receiver.fail_first = 3
    subscribe(client_for(tokens.write), receiver.url, ["PERSON"], SECRET)
    rows = [change(entity_id=i) for i in (1, 2, 3)]

    # when the task runs, and again each time the retry comes due
    assert delivery.run_pass() == (3, 1)
    first = WebhookDelivery.objects.get(sequence=rows[0].id)
    wait = (first.next_attempt_at - first.last_attempt_at).total_seconds()
    assert 54 <= wait <= 66  # 1 min +-10 %
    assert (first.status, first.attempts, first.response_status) == ("pending", 1, 500)
    assert delivery.run_pass() == (0, 0)  # not yet due: nothing sent, nothing overtakes it
    waits = []
    for _ in range(2):
        make_due()
        assert delivery.run_pass() == (0, 1)
        first.refresh_from_db()
        waits.append((first.next_attempt_at - first.last_attempt_at).total_seconds())
    assert 270 <= waits[0] <= 330 and 810 <= waits[1] <= 990  # 5 min, 15 min
    make_due()
    assert delivery.run_pass() == (0, 3)

    # then it saw change 1 four times (one delivery id), then 2 and 3: all, in order
    ids = [
        str(d)
        for d in WebhookDelivery.objects.order_by("sequence").values_list("delivery_id", flat=True)
    ]
    assert receiver.delivery_ids == [ids[0]] * 4 + ids[1:]
    assert [body["sequence"] for body in receiver.unique()] == [str(r.id) for r in rows]
    assert all(verify(SECRET, r.headers, r.body) for r in receiver.requests)
    assert list(WebhookDelivery.objects.order_by("sequence").values_list("status", "attempts")) == [
        ("succeeded", 4),
        ("succeeded", 1),
        ("succeeded", 1),
    ]


def test_the_eighth_failure_disables_the_subscription_and_redelivery_resumes_it(
    client_for, tokens, receiver, private_urls
):
    # given a receiver that fails (echoing the secret back) until it is fixed
    receiver.fail_first = 8
    receiver.failure = f"bad signature? secret was {SECRET}".encode()
    client = client_for(tokens.write)
    sub = subscribe(client, receiver.url, ["PERSON"], SECRET)
    first, second = change(entity_id=1), change(entity_id=2)

    # when eight attempts fail
    delivery.run_pass()
    for _ in range(7):
        make_due()
        delivery.run_pass()

    # then the delivery failed for good, the subscription is disabled with the reason, and
    # the second change was never sent (in order: it waits behind the first)
    failed = WebhookDelivery.objects.get(sequence=first.id)
    assert (failed.status, failed.attempts, failed.response_status) == ("failed", 8, 500)
    assert failed.response_body == "bad signature? secret was [secret]"
    assert failed.next_attempt_at is None
    row = WebhookSubscription.objects.get(pk=sub["subscription"]["id"])
    reason = (
        f"Delivery {failed.delivery_id} (change {first.id}) failed 8 times; "
        "the last attempt: HTTP 500"
    )
    assert (row.is_active, row.disabled_reason, row.last_sequence) == (False, reason, first.id)
    assert receiver.delivery_ids == [str(failed.delivery_id)] * 8
    make_due()
    assert delivery.run_pass() == (0, 0)  # disabled: nothing more
    assert WebhookDelivery.objects.get(sequence=second.id).attempts == 0

    # when the owner redelivers the failed one (the receiver fixed)
    r = client.post(REDELIVER, {"id": str(failed.pk)})
    again = WebhookDelivery.objects.get(redelivery=True)
    assert r.data == {
        "redeliverWebhook": {
            "id": str(again.pk),
            "deliveryId": str(failed.delivery_id),
            "sequence": str(first.id),
            "status": "PENDING",
            "attempts": 0,
            "redelivery": True,
            "responseStatus": None,
        }
    }
    row.refresh_from_db()
    assert (row.is_active, row.disabled_reason) == (True, "")
    assert delivery.run_pass() == (0, 2)

    # then it gets the first change again (same delivery id and body), then the second
    assert receiver.delivery_ids[8:] == [
        str(failed.delivery_id),
        str(WebhookDelivery.objects.get(sequence=second.id).delivery_id),
    ]
    assert receiver.requests[8].body == receiver.requests[0].body
    assert [b["sequence"] for b in receiver.unique()] == [str(first.id), str(second.id)]


def test_retry_schedule_is_eight_attempts_over_about_22_hours_with_jitter():
    assert delivery.max_attempts() == 8
    assert [delivery.retry_delay(n, lambda: 0.5) for n in range(1, 8)] == [
        60.0,
        300.0,
        900.0,
        3600.0,
        10800.0,
        21600.0,
        43200.0,
    ]
    assert sum(delivery.retry_delays()) == 22 * 3600 + 21 * 60
    assert delivery.retry_delay(1, lambda: 0.0) == 54.0
    assert delivery.retry_delay(7, lambda: 1.0) == 47520.0
    assert delivery.lease_seconds() == 60.0


def test_the_retry_schedule_is_a_setting(settings):
    from config.settings import webhook_retry_delays

    # given a schedule of three short waits (the live test's)
    settings.WEBHOOK_RETRY_DELAYS = webhook_retry_delays("0.5,1,2")
    # then four attempts, with those waits +-10 %
    assert delivery.max_attempts() == 4
    assert [delivery.retry_delay(n, lambda: 0.5) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert delivery.retry_delay(3, lambda: 1.0) == 2.2
    # and a malformed value stops the process at start, with what was wrong
    for bad, message in [
        ("", "must be comma-separated seconds: ''"),
        ("60,,300", "must be comma-separated seconds: '60,,300'"),
        ("60,-1", "1..20 delays of 0 to 604800 s, got '60,-1'"),
        (",".join(["1"] * 21), "1..20 delays of 0 to 604800 s"),
        ("nan", "1..20 delays of 0 to 604800 s, got 'nan'"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            webhook_retry_delays(bad)


def test_a_restricted_tokens_subscription_gets_its_departments_only(
    client_for, tokens, receiver, private_urls
):
    # given the Web department's token (department 3) subscribed to people, and an
    # unrestricted token subscribed to holiday calendars only
    subscribe(client_for(tokens.web), receiver.url + "/web", ["PERSON"], SECRET)
    subscribe(client_for(tokens.write), receiver.url + "/all", ["HOLIDAY_CALENDAR"], SECRET)
    inside = change(entity_id=4, department=3)
    change(entity_id=5, department=4)  # Mobile: not the Web token's
    moved_out = change(entity_id=10, department=4, previous=3)
    moved_in = change(entity_id=2, department=3, previous=4)
    calendar = change("holidayCalendar", 1, "create", department=None)  # everyone's
    change("assignment", 9, "update", department=3)  # not a person

    # when delivered
    delivery.run_pass()

    # then the Web token's receiver saw its people (a move out as a removal, without
    # values), the other one the calendar only
    web = [r.json["change"] for r in receiver.requests if r.path.endswith("/web")]
    assert web == [
        node(inside),
        node(moved_out, operation="DELETE", fields={}),
        node(moved_in),
    ]
    everyone = [r.json["change"] for r in receiver.requests if r.path.endswith("/all")]
    assert everyone == [node(calendar)]


def test_a_restricted_token_sees_holiday_calendars_changes_with_no_department(
    client_for, tokens, receiver, private_urls
):
    subscribe(client_for(tokens.web), receiver.url, None, SECRET)
    calendar = change("holidayCalendar", 1, "update", department=None)
    change("person", 5, "update", department=1)  # Engineering itself: above Web
    change("person", 6, "update", department=None)  # in no department: not the Web token's
    delivery.run_pass()
    assert [r.json["change"] for r in receiver.requests] == [node(calendar)]


def test_a_worker_killed_mid_delivery_leaves_it_to_the_next_one(
    client_for, tokens, receiver, private_urls
):
    # given a delivery whose worker counted an attempt and died (its lease still running)
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    row = change()
    delivery.fan_out_all()
    lease = timezone.now() + dt.timedelta(seconds=30)
    WebhookSubscription.objects.filter(pk=sub["subscription"]["id"]).update(lease_until=lease)
    WebhookDelivery.objects.update(attempts=1, last_attempt_at=timezone.now())

    # when another worker runs while the lease holds: nothing is sent twice at once
    assert delivery.run_pass() == (0, 0)
    assert receiver.requests == []

    # when the lease has lapsed: the next worker sends it
    WebhookSubscription.objects.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert delivery.run_pass() == (0, 1)
    assert [r.json["sequence"] for r in receiver.requests] == [str(row.id)]
    sent = WebhookDelivery.objects.get()
    assert (sent.status, sent.attempts) == ("succeeded", 2)
    assert WebhookSubscription.objects.get().lease_until is None


def test_two_fan_outs_of_the_same_batch_create_its_deliveries_once(
    client_for, tokens, receiver, private_urls
):
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    rows = [change(entity_id=i) for i in (1, 2)]
    stale = WebhookSubscription.objects.get(pk=sub["subscription"]["id"])
    scope = delivery.access.EVERYTHING
    assert delivery.fan_out_all() == 2
    # a second worker that read the subscription before the first moved it on
    assert delivery.fan_out(stale, scope) == (0, 0)
    assert stale.read_sequence == rows[-1].id
    assert WebhookDelivery.objects.count() == 2


def test_a_url_that_now_resolves_to_loopback_is_refused_at_delivery(
    client_for, tokens, receiver, private_urls, settings
):
    # given a subscription made while private addresses were allowed, then no longer
    subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    change()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    # when delivered (as if its DNS name had been rebound to 127.0.0.1)
    delivery.run_pass()

    # then nothing reached the receiver; the attempt failed with the reason, to be retried
    assert receiver.requests == []
    failed = WebhookDelivery.objects.get()
    assert (failed.status, failed.attempts, failed.response_status, failed.response_body) == (
        "pending",
        1,
        None,
        "url must not point to a non-public address: 127.0.0.1",
    )


def test_a_revoked_owner_token_disables_its_subscriptions(
    client_for, tokens, receiver, private_urls
):
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    change()
    ApiToken.objects.filter(pk=token_row(tokens.write).pk).update(revoked=True)
    assert delivery.run_pass() == (0, 0)
    row = WebhookSubscription.objects.get(pk=sub["subscription"]["id"])
    assert (row.is_active, row.disabled_reason) == (
        False,
        "The API token that owns this subscription was revoked or disabled",
    )
    assert receiver.requests == []


def test_no_answer_within_the_timeout_is_a_failed_attempt(
    client_for, tokens, private_urls, monkeypatch
):
    # given a receiver that accepts the connection and never answers
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 1.0)
    try:
        port = listener.getsockname()[1]
        subscribe(client_for(tokens.write), f"http://127.0.0.1:{port}/", None, SECRET)
        change()
        delivery.run_pass()
    finally:
        listener.close()
    failed = WebhookDelivery.objects.get()
    assert (failed.status, failed.attempts, failed.response_body) == (
        "pending",
        1,
        "No answer within 1 s",
    )


def test_delivery_ids_are_uuids_and_unique_per_change(client_for, tokens, receiver, private_urls):
    subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    for i in range(5):
        change(entity_id=i + 1)
    delivery.run_pass()
    ids = receiver.delivery_ids
    assert len(set(ids)) == 5
    assert all(str(uuid.UUID(i)) == i for i in ids)


def test_a_committed_write_starts_delivery_through_celery(
    client_for,
    tokens,
    receiver,
    private_urls,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    # given a broker configured, its tasks run eagerly here (in the test's transaction)
    from config.celery import app
    from core.dataversion import write_transaction
    from webhooks import dispatch, services

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr(dispatch, "_last_nudge", 0.0)
    subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    services.presence_changed()

    @write_transaction
    def write():
        return change(entity_id=7)

    # when a write (standing for any service) commits
    with django_capture_on_commit_callbacks(execute=True):
        row = write()

    # then its change was delivered at once: no beat, no pass called by hand
    assert [r.json["change"] for r in receiver.requests] == [node(row)]
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_without_subscriptions_a_write_queues_nothing(
    settings, monkeypatch, db, django_capture_on_commit_callbacks
):
    from config.celery import app
    from core.dataversion import write_transaction
    from webhooks import dispatch, services

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr(dispatch, "_last_nudge", 0.0)
    services.presence_changed()

    @write_transaction
    def write():
        return change()

    with django_capture_on_commit_callbacks(execute=True):
        write()
    assert services.any_active() is False
    assert dispatch._last_nudge == 0.0  # returned before queuing anything
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.parametrize("changes", [1, 60])
def test_a_fan_out_costs_the_same_queries_whatever_the_batch(
    client_for, tokens, receiver, private_urls, changes
):
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    Change.objects.bulk_create(
        [
            Change(entity_type="person", entity_id=i, operation="update", actor="t")
            for i in range(changes)
        ]
    )
    row = WebhookSubscription.objects.get(pk=sub["subscription"]["id"])
    # the changes, then a savepoint around moving read_sequence and inserting the deliveries
    with exact_queries(5):
        assert delivery.fan_out(row, delivery.access.EVERYTHING) == (changes, changes)


def test_each_attempt_costs_four_statements(client_for, tokens, receiver, private_urls):
    # given three changes fanned out to a subscription
    sub = subscribe(client_for(tokens.write), receiver.url, None, SECRET)
    rows = [change(entity_id=i) for i in (1, 2, 3)]
    assert delivery.fan_out_all() == 3
    # when its worker sends them: the lease, then per attempt the head of the queue (with
    # the subscription, token and user), the attempt counted, its outcome and the
    # subscription's last sequence; then the empty head and the lease released
    with exact_queries(1 + 3 * 4 + 1 + 1):
        assert delivery.deliver_subscription(int(sub["subscription"]["id"])) == 3
    assert [r.json["sequence"] for r in receiver.requests] == [str(r.id) for r in rows]
