"""A document codegen adds to the trusted-documents manifest runs without a restart: in DEBUG
when the file changes, otherwise on SIGHUP or after `manage.py reload_documents`."""

import hashlib
import json
import logging
import os
import signal
import time
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import CommandError, call_command

from api import persisted
from api.models import PersistedDocument
from tests.client import GraphQLClient
from tests.devserver import make_run_server

PERSON = '{ person(id: "25") { name } }'
ANSWER = {"data": {"person": {"name": "Ada Thompson"}}}
UNKNOWN_ID = {
    "errors": [
        {"message": "Unknown documentId", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_manifest(path: Path, *documents: str) -> None:
    """As GraphQL Code Generator's client preset writes it: {"sha256:<hex>": document}."""
    path.write_text(json.dumps({f"sha256:{sha(d)}": d for d in documents}, indent=2))


@pytest.fixture
def new_document() -> str:
    """A document no manifest, registry or APQ store has seen."""
    return f'query Added_{uuid.uuid4().hex} {{ person(id: "25") {{ name }} }}'


@pytest.fixture
def manifest_file(settings, tmp_path) -> Iterator[Path]:
    path = tmp_path / "persisted-documents.json"
    write_manifest(path, PERSON)
    settings.PERSISTED_DOCUMENTS = str(path)
    persisted.manifest.cache_clear()
    yield path
    persisted.manifest.cache_clear()


def run(gql: GraphQLClient, document: str) -> tuple[int, dict]:
    """The web app's way (a hash, no text) and a partner's (documentId); both must agree."""
    by_hash = gql.post(
        None, extensions={"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}
    )
    by_id = gql.post(None, documentId=f"sha256:{sha(document)}")
    if by_hash.body == NOT_FOUND:
        assert (by_id.status, by_id.body) == (400, UNKNOWN_ID)
        return by_hash.status, by_hash.body
    assert (by_id.status, by_id.body) == (by_hash.status, by_hash.body)
    return by_hash.status, by_hash.body


def test_in_debug_a_document_added_to_the_file_runs_at_once(
    gql, settings, manifest_file, new_document
):
    settings.DEBUG = True
    assert run(gql, PERSON) == (200, ANSWER)
    assert run(gql, new_document) == (200, NOT_FOUND)

    write_manifest(manifest_file, PERSON, new_document)  # what `npm run codegen` does
    assert run(gql, new_document) == (200, ANSWER)

    write_manifest(manifest_file, new_document)  # a document removed from the app
    assert run(gql, PERSON) == (200, NOT_FOUND)


def test_in_debug_a_half_written_file_keeps_the_last_good_manifest(
    gql, settings, manifest_file, new_document, caplog
):
    settings.DEBUG = True
    assert run(gql, PERSON) == (200, ANSWER)
    manifest_file.write_text('{"sha256:')
    with caplog.at_level(logging.ERROR, logger="capgraph.persisted"):
        assert run(gql, PERSON) == (200, ANSWER)
        assert run(gql, PERSON) == (200, ANSWER)
    errors = [r.getMessage() for r in caplog.records if r.name == "capgraph.persisted"]
    assert errors == [  # once, not at every request
        "Kept the previous trusted-documents manifest: "
        "Unterminated string starting at: line 1 column 2 (char 1)"
    ]
    write_manifest(manifest_file, PERSON, new_document)
    assert run(gql, new_document) == (200, ANSWER)


def test_without_debug_the_file_is_read_again_on_sighup_only(
    gql, settings, manifest_file, new_document, caplog
):
    settings.DEBUG = False
    assert run(gql, PERSON) == (200, ANSWER)
    write_manifest(manifest_file, PERSON, new_document)
    assert run(gql, new_document) == (200, NOT_FOUND)  # no stat per request in production

    # config/asgi.py (imported by the first request, on this main thread) installed it
    assert signal.getsignal(signal.SIGHUP) == persisted._on_sighup
    with caplog.at_level(logging.INFO, logger="capgraph.persisted"):
        os.kill(os.getpid(), signal.SIGHUP)
        assert run(gql, new_document) == (200, ANSWER)
    assert [r.getMessage() for r in caplog.records if r.name == "capgraph.persisted"] == [
        f"Reloaded the trusted-documents manifest {manifest_file}: 2 documents (was 1)"
    ]


def test_reload_documents_makes_the_files_documents_known_to_running_servers(
    gql, settings, manifest_file, new_document
):
    settings.DEBUG = False
    assert run(gql, PERSON) == (200, ANSWER)  # this process has read the file
    write_manifest(manifest_file, PERSON, new_document)
    assert run(gql, new_document) == (200, NOT_FOUND)

    out = StringIO()
    call_command("reload_documents", stdout=out)
    assert out.getvalue() == "Registered 2 new document(s) for manifest (0 already known)\n"
    assert sorted(PersistedDocument.objects.values_list("sha256", "client")) == sorted(
        [(sha(PERSON), "manifest"), (sha(new_document), "manifest")]
    )
    assert run(gql, new_document) == (200, ANSWER)  # found in the registry, no signal

    again = StringIO()
    call_command("reload_documents", str(manifest_file), stdout=again)
    assert again.getvalue() == "Registered 0 new document(s) for manifest (2 already known)\n"


def test_reload_documents_refuses_a_document_that_does_not_validate(
    db, settings, manifest_file, new_document
):
    write_manifest(manifest_file, PERSON, "{ nope }")
    with pytest.raises(CommandError, match=r": Cannot query field 'nope' on type 'Query'\."):
        call_command("reload_documents")
    assert PersistedDocument.objects.count() == 0
    settings.PERSISTED_DOCUMENTS = ""
    with pytest.raises(CommandError, match=r"^PERSISTED_DOCUMENTS is empty: name a manifest FILE$"):
        call_command("reload_documents")


def test_a_running_server_reloads_its_manifest_on_sighup(tmp_path):
    """The real thing: uvicorn with DEBUG off, signalled from outside."""
    manifest = tmp_path / "persisted-documents.json"
    write_manifest(manifest, "query Probe { __typename }")
    added = f"query Added_{uuid.uuid4().hex[:8]} {{ __typename }}"
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "manifest-test",
        "PERSISTED_DOCUMENTS": str(manifest),
    }
    with make_run_server(tmp_path, **production) as server:

        def ask(document: str) -> dict:
            body = httpx.post(
                f"{server.base}/graphql",
                json={"documentId": f"sha256:{sha(document)}"},
                timeout=10,
            ).json()
            body.pop("extensions", None)  # the cost
            return body

        assert ask("query Probe { __typename }") == {"data": {"__typename": "Query"}}
        write_manifest(manifest, "query Probe { __typename }", added)
        assert ask(added) == UNKNOWN_ID
        server.process.send_signal(signal.SIGHUP)
        time.sleep(0.2)  # the flag is set between two bytecodes; any later request sees it
        assert ask(added) == {"data": {"__typename": "Query"}}
        assert server.process.poll() is None  # SIGHUP did not stop it
        assert "Reloaded the trusted-documents manifest" in server.log()
