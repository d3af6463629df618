"""The GraphQL surface: createWebhookSubscription (the secret shown once), SSRF refusals,
bad input with exact codes, messages and fields (and nothing created), ownership by the
token, webhookSubscriptions, webhookDeliveries with its status filter and pages,
deleteWebhookSubscription and redeliverWebhook's refusals."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from api.schema import schema
from changes import log
from core.errors import InvalidInput
from graphql_schema.changes.types import ChangeEntityType
from tests.client import GraphQLClient
from tests.helpers import login, only_error
from webhooks import delivery, services
from webhooks.models import WebhookDelivery, WebhookSubscription

from .conftest import CREATE, change, subscribe, token_row

LIST = """{ webhookSubscriptions { id url events isActive disabledReason lastSequence } }"""
DELIVERIES = """query($s: ID!, $status: DeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(subscription: $s, status: $status, first: $first, after: $after) {
    totalCount edges { cursor node { sequence status attempts responseStatus responseBody
      redelivery change } } pageInfo { hasNextPage endCursor } } }"""
DELETE = "mutation($id: ID!) { deleteWebhookSubscription(id: $id) { id } }"
REDELIVER = "mutation($id: ID!) { redeliverWebhook(id: $id) { id } }"
PUBLIC = "http://93.184.216.34/hooks"  # an IP literal: no DNS needed, a public address


def refused(client, variables, code, message, field):
    before = WebhookSubscription.objects.count()
    r = client.post(CREATE, {"secret": None, "events": None, **variables})
    assert r.body.get("data") is None
    assert only_error(r) == (message, {"code": code, "field": field} if field else {"code": code})
    assert WebhookSubscription.objects.count() == before


def test_create_shows_the_secret_once_and_starts_after_the_last_change(client_for, tokens):
    # given a change committed before the subscription
    earlier = change()
    client = client_for(tokens.write)

    # when a subscription to a public URL is created without a secret
    created = subscribe(client, PUBLIC, ["PERSON", "ASSIGNMENT", "PERSON"])

    # then the answer carries a generated secret, the listing never does
    row = WebhookSubscription.objects.get()
    assert created == {
        "secret": row.secret,
        "subscription": {
            "id": str(row.pk),
            "url": PUBLIC,
            "events": ["PERSON", "ASSIGNMENT"],
            "isActive": True,
            "disabledReason": None,
            "lastSequence": str(earlier.id),
        },
    }
    assert row.secret.startswith("whsec_") and len(row.secret) == 6 + 43
    assert (row.token_id, row.read_sequence) == (token_row(tokens.write).pk, earlier.id)
    assert client.post(LIST).data == {"webhookSubscriptions": [created["subscription"]]}
    assert "secret" not in schema._schema.type_map["WebhookSubscription"].fields
    # a secret given is kept as given
    assert subscribe(client, PUBLIC, None, "x" * 16)["secret"] == "x" * 16


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", "url must not point to a non-public address: 127.0.0.1"),
        ("http://10.1.2.3/hook", "url must not point to a non-public address: 10.1.2.3"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "url must not point to a non-public address: 169.254.169.254",
        ),
        ("http://[::1]:8000/hook", "url must not point to a non-public address: ::1"),
        ("https://192.168.1.10/", "url must not point to a non-public address: 192.168.1.10"),
        ("http://0.0.0.0/", "url must not point to a non-public address: 0.0.0.0"),
        ("http://224.0.0.1/", "url must not point to a non-public address: 224.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "url must not point to a non-public address: ::ffff:7f00:1"),
        ("http://100.64.0.1/", "url must not point to a non-public address: 100.64.0.1"),
    ],
)
def test_non_public_addresses_are_refused(client_for, tokens, url, message):
    refused(client_for(tokens.write), {"url": url}, "BAD_USER_INPUT", message, "url")


def test_a_host_name_resolving_to_loopback_is_refused(client_for, tokens):
    refused(
        client_for(tokens.write),
        {"url": "http://localhost:9/hook"},
        "BAD_USER_INPUT",
        "url must not point to a non-public address: localhost resolves to 127.0.0.1",
        "url",
    )


def test_the_development_allowance_accepts_loopback(client_for, tokens, private_urls):
    created = subscribe(client_for(tokens.write), "http://127.0.0.1:8000/hook", None)
    assert created["subscription"]["url"] == "http://127.0.0.1:8000/hook"


@pytest.mark.parametrize(
    ("variables", "message", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url must be an http or https URL", "url"),
        ({"url": "javascript:alert(1)"}, "url must be an http or https URL", "url"),
        ({"url": "http:///path"}, "url must name a host", "url"),
        ({"url": "http://example.com:99999/"}, "url is not a valid URL", "url"),
        (
            {"url": "http://user:pw@93.184.216.34/"},
            "url must not carry a user name or password",
            "url",
        ),
        ({"url": "http://a" + "b" * 2000 + ".com/"}, "url must be at most 2000 characters", "url"),
        (
            {"url": "http://no-such-host.invalid/"},
            "url: the host no-such-host.invalid does not resolve",
            "url",
        ),
        (
            {"url": PUBLIC, "events": []},
            "events must name at least one entity type; leave it out for every type",
            "events",
        ),
        (
            {"url": PUBLIC, "secret": "short"},
            "secret must be 16 to 200 characters, got 5",
            "secret",
        ),
        (
            {"url": PUBLIC, "secret": " padded-secret-0123456789"},
            "secret must not contain control characters or surrounding spaces",
            "secret",
        ),
    ],
)
def test_bad_input_is_refused_with_its_field(client_for, tokens, variables, message, field):
    refused(client_for(tokens.write), variables, "BAD_USER_INPUT", message, field)


def test_events_are_bounded(client_for, tokens):
    refused(
        client_for(tokens.write),
        {"url": PUBLIC, "events": ["PERSON"] * 31},
        "REQUEST_TOO_LARGE",
        "events holds 31 events; at most 30",
        "events",
    )


def test_events_are_change_entity_types(client_for, tokens):
    # a name that is not a ChangeEntityType value is refused by GraphQL, naming the enum
    client = client_for(tokens.write)
    r = client.post(CREATE, {"url": PUBLIC, "events": ["PERSON", "person"], "secret": None})
    assert r.codes == ["BAD_USER_INPUT"]
    assert r.errors[0]["message"] == (
        "Variable '$events' has invalid value at [1]: "
        "Value 'person' does not exist in 'ChangeEntityType' enum."
    )
    assert WebhookSubscription.objects.count() == 0
    # every value is accepted, and the subscription lists them as given, without repeats
    names = [t.name for t in ChangeEntityType]
    created = subscribe(client, PUBLIC, [*names, "PERSON"])["subscription"]
    assert created["events"] == names
    row = WebhookSubscription.objects.get(pk=created["id"])
    assert row.events == [t.value for t in ChangeEntityType] == list(log.ENTITY_TYPES)
    assert all(row.wants(t) for t in log.ENTITY_TYPES) and not row.wants("timesheet")
    # without events (or null): every type, those added later too
    every = subscribe(client, PUBLIC, None)["subscription"]
    assert every["events"] is None
    assert WebhookSubscription.objects.get(pk=every["id"]).wants("timesheet")


def test_the_service_refuses_names_outside_the_change_log():
    # callers other than GraphQL (the enum checks those) get the valid values listed
    with pytest.raises(InvalidInput) as refused_:
        services.clean_events(["person", "people"])
    assert (refused_.value.message, refused_.value.field) == (
        "events[1] must be one of person, assignment, timeOff, workSchedule, placeholder, "
        "project, department, role, skill, holidayCalendar, holiday, dataset, got 'people'",
        "events[1]",
    )
    assert services.clean_events(None) == ["*"]


def test_a_token_has_at_most_twenty_subscriptions(client_for, tokens):
    client = client_for(tokens.write)
    for _ in range(services.MAX_SUBSCRIPTIONS):
        subscribe(client, PUBLIC, None)
    refused(
        client,
        {"url": PUBLIC},
        "BAD_USER_INPUT",
        "A token has at most 20 webhook subscriptions: delete one first",
        "url",
    )


def test_who_may_subscribe(client_for, tokens):
    # read scope: FORBIDDEN; anonymous: UNAUTHENTICATED
    refused(
        client_for(tokens.read),
        {"url": PUBLIC},
        "FORBIDDEN",
        "This operation needs the write scope",
        None,
    )
    refused(client_for(None), {"url": PUBLIC}, "UNAUTHENTICATED", "Authentication required", None)
    # a session (even staff) has no token to own the subscription
    User.objects.create_user("planner", password="secret", is_staff=True)
    session = GraphQLClient()
    assert login(session)[0] == 200
    csrf = {"X-CSRFToken": session.cookies["csrftoken"]}
    before = WebhookSubscription.objects.count()
    r = session.post(CREATE, {"url": PUBLIC, "events": None}, headers=csrf)
    assert only_error(r) == (
        "Webhook subscriptions belong to an API token and see what it sees: call with a token",
        {"code": "FORBIDDEN"},
    )
    assert WebhookSubscription.objects.count() == before
    r = session.post(LIST, headers=csrf)
    assert only_error(r)[1] == {"code": "FORBIDDEN"}
    # a read token lists its own: none
    assert client_for(tokens.read).post(LIST).data == {"webhookSubscriptions": []}


def test_subscriptions_are_the_owning_tokens_alone(client_for, tokens):
    owner, other = client_for(tokens.write), client_for(tokens.web)
    sub_id = subscribe(owner, PUBLIC, None)["subscription"]["id"]
    assert other.post(LIST).data == {"webhookSubscriptions": []}
    r = other.post(DELETE, {"id": sub_id})
    assert only_error(r) == (
        f"Webhook subscription {sub_id} not found",
        {"code": "NOT_FOUND", "field": "id"},
    )
    r = other.post(DELIVERIES, {"s": sub_id})
    assert only_error(r) == (
        f"Webhook subscription {sub_id} not found",
        {"code": "NOT_FOUND", "field": "subscription"},
    )
    assert WebhookSubscription.objects.count() == 1
    # the owner deletes it, with its deliveries
    change()
    delivery.fan_out_all()
    assert owner.post(DELETE, {"id": sub_id}).data == {"deleteWebhookSubscription": {"id": sub_id}}
    assert (WebhookSubscription.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
    assert only_error(owner.post(DELETE, {"id": sub_id}))[1] == {"code": "NOT_FOUND", "field": "id"}
    r = owner.post(DELETE, {"id": "x"})
    assert only_error(r) == (
        "id must be a numeric id, got 'x'",
        {"code": "BAD_USER_INPUT", "field": "id"},
    )
    assert only_error(client_for(tokens.read).post(DELETE, {"id": sub_id}))[1] == {
        "code": "FORBIDDEN"
    }


def test_deliveries_query_pages_and_filters_by_status(client_for, tokens, receiver, private_urls):
    # given five deliveries: the first failed once (pending), four waiting behind it
    receiver.fail_first = 1
    client = client_for(tokens.write)
    sub_id = subscribe(client, receiver.url, None)["subscription"]["id"]
    rows = [change(entity_id=i) for i in range(1, 6)]
    delivery.run_pass()

    # when listed two at a time
    page = client.post(DELIVERIES, {"s": sub_id, "first": 2}).data["webhookDeliveries"]

    # then in the order they were made, with the first attempt's response
    assert page["totalCount"] == 5
    assert [e["node"]["sequence"] for e in page["edges"]] == [str(r.id) for r in rows[:2]]
    assert page["edges"][0]["node"] == {
        "sequence": str(rows[0].id),
        "status": "PENDING",
        "attempts": 1,
        "responseStatus": 500,
        "responseBody": "boom",
        "redelivery": False,
        "change": delivery.change_node(rows[0]),
    }
    assert page["pageInfo"]["hasNextPage"] is True
    rest = client.post(
        DELIVERIES, {"s": sub_id, "first": 5, "after": page["pageInfo"]["endCursor"]}
    )
    assert [e["node"]["sequence"] for e in rest.data["webhookDeliveries"]["edges"]] == [
        str(r.id) for r in rows[2:]
    ]

    # and by status once the retry succeeded
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    delivery.run_pass()
    by = {
        status: client.post(DELIVERIES, {"s": sub_id, "status": status}).data["webhookDeliveries"][
            "totalCount"
        ]
        for status in ("PENDING", "SUCCEEDED", "FAILED")
    }
    assert by == {"PENDING": 0, "SUCCEEDED": 5, "FAILED": 0}


def test_deliveries_query_bad_input(client_for, tokens):
    client = client_for(tokens.write)
    sub_id = subscribe(client, PUBLIC, None)["subscription"]["id"]
    cases = [
        (
            {"s": "abc"},
            "subscription must be a numeric id, got 'abc'",
            "BAD_USER_INPUT",
            "subscription",
        ),
        (
            {"s": sub_id, "first": 0},
            "first must be between 1 and 200, got 0",
            "BAD_USER_INPUT",
            "first",
        ),
        (
            {"s": sub_id, "first": 201},
            "first must be at most 200, got 201",
            "REQUEST_TOO_LARGE",
            "first",
        ),
        ({"s": sub_id, "after": "nope"}, "after is not a valid cursor", "BAD_USER_INPUT", "after"),
    ]
    for variables, message, code, field in cases:
        assert only_error(client.post(DELIVERIES, variables)) == (
            message,
            {"code": code, "field": field},
        )


def test_redeliver_refusals(client_for, tokens, receiver, private_urls):
    receiver.fail_first = 1
    client = client_for(tokens.write)
    subscribe(client, receiver.url, None)
    change()
    delivery.run_pass()
    pending = WebhookDelivery.objects.get()
    r = client.post(REDELIVER, {"id": str(pending.pk)})
    assert only_error(r) == (
        f"Webhook delivery {pending.pk} is still pending: it is retried on its own",
        {"code": "BAD_USER_INPUT", "field": "id"},
    )
    r = client_for(tokens.web).post(REDELIVER, {"id": str(pending.pk)})
    assert only_error(r) == (
        f"Webhook delivery {pending.pk} not found",
        {"code": "NOT_FOUND", "field": "id"},
    )
    r = client_for(tokens.read).post(REDELIVER, {"id": str(pending.pk)})
    assert only_error(r) == ("This operation needs the write scope", {"code": "FORBIDDEN"})
    assert WebhookDelivery.objects.count() == 1
