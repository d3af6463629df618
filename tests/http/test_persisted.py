"""Apollo APQ, trusted documents and the parsed-document cache, over real HTTP."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api import documents, persisted

QUERY = '{ person(id: "25") { name } }'
ANSWER = {"data": {"person": {"name": "Ada Thompson"}}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(digest: str, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def get_hash(client, digest, **params):
    return client.get({"extensions": json.dumps(apq(digest)), **params})


@pytest.fixture
def unique_query():
    """A document no earlier test registered (the APQ store outlives test transactions)."""
    import uuid

    return f'query Q_{uuid.uuid4().hex} {{ person(id: "25") {{ name }} }}'


def test_unknown_hash_is_persisted_query_not_found_over_post_and_get(gql, unique_query):
    digest = sha(unique_query)
    for r in (gql.post(None, extensions=apq(digest)), get_hash(gql, digest)):
        assert r.status == 200
        assert r.body == NOT_FOUND
        assert r.headers["Cache-Control"] == "private, no-cache, must-revalidate"


def test_registered_document_then_runs_from_its_hash_alone(gql, unique_query):
    digest = sha(unique_query)
    registered = gql.post(unique_query, extensions=apq(digest))
    assert registered.body == ANSWER
    by_hash = get_hash(gql, digest)
    assert by_hash.status == 200
    assert by_hash.body == ANSWER
    assert by_hash.headers["X-Capgraph-Cache"] == "HIT"  # same key, same data version


def test_hash_must_match_the_query(gql):
    r = gql.post(QUERY, extensions=apq("0" * 64))
    assert r.status == 400
    assert r.body == {
        "errors": [
            {"message": "provided sha does not match query", "extensions": {"code": "BAD_REQUEST"}}
        ]
    }


def test_only_version_1_is_supported(gql):
    r = gql.post(QUERY, extensions=apq(sha(QUERY), version=2))
    assert r.status == 400
    assert r.errors == [
        {"message": "Unsupported persisted query version", "extensions": {"code": "BAD_REQUEST"}}
    ]


def test_a_document_that_does_not_validate_is_not_stored(gql):
    bad = "{ person(id: 1) { nope } }"
    r = gql.post(bad, extensions=apq(sha(bad)))
    assert r.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert gql.post(None, extensions=apq(sha(bad))).body == NOT_FOUND


def test_mutation_by_hash_over_get_is_refused_with_405(gql):
    mutation = 'mutation { deleteProject(id: "1") { id } }'
    digest = sha(mutation)
    persisted.apq_store(digest, mutation)
    r = gql.request(
        "GET",
        params={"extensions": json.dumps(apq(digest))},
        headers={"Authorization": f"Bearer {gql.token}"},
    )
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"


def test_known_document_skips_parse_and_validation(gql, monkeypatch, unique_query):
    assert gql.post(unique_query).body == ANSWER
    import strawberry.schema.schema as strawberry_schema

    def fail(*args, **kwargs):
        raise AssertionError("parsed or validated again")

    monkeypatch.setattr(strawberry_schema, "parse", fail)
    monkeypatch.setattr(strawberry_schema, "validate_document", fail)
    from core import dataversion

    dataversion.bump()  # not from the response cache: really executed
    r = gql.post(unique_query)
    assert r.body == ANSWER
    assert r.headers["X-Capgraph-Cache"] == "MISS"


@pytest.fixture
def trusted(settings, tmp_path):
    manifest = {
        sha(QUERY): QUERY,
        # GraphQL Code Generator can key by sha1 too: any key selects its document
        hashlib.sha1(b"people").hexdigest(): "query People { people(first: 1) { edges { node "
        "{ id } } } }",
    }
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps(manifest))
    settings.PERSISTED_QUERIES = "trusted"
    settings.PERSISTED_DOCUMENTS = str(path)
    persisted.manifest.cache_clear()
    yield manifest
    persisted.manifest.cache_clear()


def test_trusted_mode_runs_manifest_documents_by_document_id(gql, trusted):
    assert gql.post(None, documentId=f"sha256:{sha(QUERY)}").body == ANSWER
    people = gql.post(None, documentId=hashlib.sha1(b"people").hexdigest())
    assert people.body == {"data": {"people": {"edges": [{"node": {"id": "25"}}]}}}
    assert gql.post(None, extensions=apq(sha(QUERY))).body == ANSWER
    assert gql.post(QUERY).body == ANSWER  # the text of a listed document is fine too


def test_trusted_mode_refuses_everything_else(gql, trusted, unique_query):
    refused = {
        "errors": [
            {
                "message": "This server only runs trusted documents",
                "extensions": {"code": "PERSISTED_QUERY_NOT_IN_LIST"},
            }
        ]
    }
    for r in (
        gql.post(unique_query),
        gql.post(unique_query, extensions=apq(sha(unique_query))),
        gql.post(None, extensions=apq(sha(unique_query))),
    ):
        assert (r.status, r.body) == (403, refused)
    unknown = gql.post(None, documentId="sha256:" + "1" * 64)
    assert (unknown.status, unknown.codes) == (400, ["PERSISTED_QUERY_NOT_FOUND"])


def test_trusted_mode_lets_staff_send_free_text(client_for, trusted, unique_query):
    from django.contrib.auth.models import User

    from accounts.models import ApiToken

    staff = User.objects.create(username="staffer", is_staff=True)
    _, raw = ApiToken.issue(staff)
    assert client_for(raw).post(unique_query).body == ANSWER


def test_registered_partner_documents_run_in_trusted_mode(gql, trusted, tmp_path):
    partner = 'query Partner { person(id: "22") { name } }'
    path = tmp_path / "partner.json"
    path.write_text(json.dumps({sha(partner): partner}))
    out = StringIO()
    call_command("register_documents", str(path), "--client", "acme", stdout=out)
    assert out.getvalue().strip() == "Registered 1 new document(s) for acme (0 already known)"
    r = gql.post(None, documentId=f"sha256:{sha(partner)}")
    assert r.body == {"data": {"person": {"name": "Alan Clarke"}}}
    assert gql.post(None, extensions=apq(sha(partner))).body == r.body


def test_register_documents_refuses_invalid_documents(db, tokens, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"k1": "{ person(id: 1) { nope } }"}))
    with pytest.raises(CommandError, match=r"k1: Cannot query field 'nope' on type 'Person'"):
        call_command("register_documents", str(path), "--client", "acme", stdout=StringIO())
    path.write_text(json.dumps({"a" * 64: QUERY}))
    with pytest.raises(CommandError, match="the key is not the document's SHA-256"):
        call_command("register_documents", str(path), "--client", "acme", stdout=StringIO())


def test_off_mode_ignores_hashes(gql, settings):
    settings.PERSISTED_QUERIES = "off"
    r = gql.post(None, extensions=apq(sha(QUERY)))
    assert (r.status, r.errors) == (
        400,
        [
            {
                "message": "No GraphQL query found in the request",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ],
    )
    assert gql.post(QUERY, extensions=apq("0" * 64)).body == ANSWER  # the hash is not checked


def test_document_cache_key_changes_with_the_schema():
    assert documents.cache_key("v1", "abc") != documents.cache_key("v2", "abc")


def test_registration_answered_from_the_response_cache_still_stores_the_hash(gql, unique_query):
    gql.post(unique_query)  # answered and cached as free text
    registered = gql.post(unique_query, extensions=apq(sha(unique_query)))
    assert registered.headers["X-Capgraph-Cache"] == "HIT"
    assert gql.post(None, extensions=apq(sha(unique_query))).body == ANSWER
