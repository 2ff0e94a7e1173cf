"""Remote stores: push, read-only by default, clear errors, and data usable by other clients."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from servers import Endpoints, free_port

import accsm_kg
from accsm_kg import KnowledgeGraph
from accsm_kg.cli import main


def test_connect_is_read_only_without_update_url(oxigraph_endpoints: Endpoints, resources) -> None:  # type: ignore[no-untyped-def]
    """A store opened with only a query endpoint refuses writes, saying how to allow them."""
    with (
        accsm_kg.connect(oxigraph_endpoints.query) as remote,
        pytest.raises(accsm_kg.ReadOnlyStoreError, match="update_url"),
    ):
        remote.add(resources / "load" / "good.ttl")


def test_push_replaces_graphs(oxigraph_endpoints: Endpoints, kg: KnowledgeGraph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Pushing twice replaces each graph rather than duplicating it; a changed file shows."""
    path = tmp_path / "extra.ttl"
    path.write_text('<https://e.org/a> <https://e.org/b> "1" .\n', encoding="utf-8")
    local = accsm_kg.load(path, include_bundled=False)
    graphs = local.push(oxigraph_endpoints.update)
    path.write_text('<https://e.org/a> <https://e.org/b> "2" .\n', encoding="utf-8")
    accsm_kg.load(path, include_bundled=False).push(oxigraph_endpoints.update)
    with accsm_kg.connect(oxigraph_endpoints.query, graphs=graphs) as remote:
        assert [str(r.o) for r in remote.query("SELECT ?o WHERE { ?s ?p ?o }")] == ["2"]


def test_push_command(oxigraph_endpoints: Endpoints) -> None:
    """accsm-kg push URL uploads the bundled data and says which graphs it wrote."""
    result = CliRunner().invoke(main, ["push", oxigraph_endpoints.update], catch_exceptions=False)
    assert result.exit_code == 0
    assert "https://w3id.org/accsm-kg/graph/source/mcs-2020-11-02-focal-points" in result.stdout


def test_sparqlwrapper_reads_the_published_data(
    oxigraph_endpoints: Endpoints, kg: KnowledgeGraph
) -> None:
    """SPARQLWrapper, a client no one here wrote, reads the pushed data from the server."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    kg.push(oxigraph_endpoints.update)
    client = SPARQLWrapper(oxigraph_endpoints.query)
    client.setQuery(
        "SELECT ?name WHERE { GRAPH ?g { <https://w3id.org/accsm-kg/id/chhy-vichara> "
        "<http://xmlns.com/foaf/0.1/name> ?name } } ORDER BY ?name"
    )
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    names = [b["name"]["value"] for b in answer["results"]["bindings"]]  # type: ignore[index]
    assert names == ["Chhy Vichara", "ឈី វិជ្ជរ៉ា"]


class _Handler(BaseHTTPRequestHandler):
    """A stand-in that answers every request with one fixed HTTP error, or too slowly."""

    status = 500
    delay = 0.0
    body = b"Parser error: something the server says"
    content_type = "text/plain"

    def do_POST(self) -> None:  # http.server calls this name
        time.sleep(self.delay)
        body = self.body
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def failing_server(request: pytest.FixtureRequest) -> Iterator[str]:
    status, delay, *answer = request.param
    fields: dict[str, object] = {"status": status, "delay": delay}
    if answer:
        fields.update(body=answer[0], content_type=answer[1])
    handler = type("Handler", (_Handler,), fields)
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("failing_server", "error", "words"),
    [
        ((401, 0.0), accsm_kg.AuthenticationError, "refused the credentials"),
        ((403, 0.0), accsm_kg.AuthenticationError, "HTTP 403"),
        ((400, 0.0), accsm_kg.RemoteHTTPError, "something the server says"),
        ((500, 0.0), accsm_kg.RemoteHTTPError, "HTTP 500"),
        ((200, 2.0), accsm_kg.RemoteTimeoutError, "no answer within"),
        ((200, 0.0), accsm_kg.RemoteError, "not SPARQL JSON results"),
    ],
    indirect=["failing_server"],
)
def test_remote_errors_are_clear(failing_server: str, error: type[Exception], words: str) -> None:
    """HTTP errors, refused credentials and timeouts raise errors that say what happened."""
    with (
        accsm_kg.connect(failing_server, timeout=0.5) as remote,
        pytest.raises(error, match=words) as caught,
    ):
        remote.ask("ASK { ?s ?p ?o }")
    assert failing_server in str(caught.value)


_JSON = "application/sparql-results+json"


@pytest.mark.parametrize(
    ("failing_server", "call", "words"),
    [
        ((200, 0.0, b'{"head": {}, "results": {"bindings": []}}', _JSON), "query", "KeyError"),
        (
            (200, 0.0, b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": 3}]}}', _JSON),
            "query",
            "malformed",
        ),
        ((200, 0.0, b"<urn:x:a> <urn:x:b", "text/turtle"), "construct", "does not parse"),
    ],
    indirect=["failing_server"],
)
def test_malformed_answers_are_remote_errors(failing_server: str, call: str, words: str) -> None:
    """An answer that looks like SPARQL results or a graph but is broken raises RemoteError."""
    with accsm_kg.connect(failing_server, timeout=5) as remote:  # the graphs asked for first
        run = getattr(remote, call)
        with pytest.raises(accsm_kg.RemoteError):
            run("CONSTRUCT WHERE { ?s ?p ?o }" if call == "construct" else "SELECT * { ?s ?p ?o }")
    with accsm_kg.connect(failing_server, timeout=5, graphs=["urn:x:g"]) as remote:
        run = getattr(remote, call)
        with pytest.raises(accsm_kg.RemoteError, match=words):
            run("CONSTRUCT WHERE { ?s ?p ?o }" if call == "construct" else "SELECT * { ?s ?p ?o }")


def test_without_graphs_queries_see_every_graph_of_the_server(
    oxigraph_endpoints: Endpoints, kg: KnowledgeGraph
) -> None:
    """connect() with no graphs= queries what len() and validate() see, new graphs too."""
    kg.push(oxigraph_endpoints.update)
    with accsm_kg.connect(oxigraph_endpoints.query, oxigraph_endpoints.update) as remote:
        # an Oxigraph server's own default graph is empty: the dataset is its named graphs
        assert remote.named_query("delegation-heads", country="kg:cambodia") == kg.named_query(
            "delegation-heads", country="kg:cambodia"
        )
        assert remote.ask("ASK { kg:cambodia ?p ?o }")
        graph = "urn:x:made-by-an-update"
        remote.update(f"INSERT DATA {{ GRAPH <{graph}> {{ kg:cambodia rdfs:comment 'x' }} }}")
        assert remote.ask("ASK { kg:cambodia rdfs:comment 'x' }")
        remote.update(f"DROP GRAPH <{graph}>")
        assert not remote.ask("ASK { kg:cambodia rdfs:comment 'x' }")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"query_url": "not a url"}, "query_url must be an http:// or https:// URL"),
        ({"query_url": "ftp://127.0.0.1/sparql"}, "query_url must be an http"),
        ({"update_url": "127.0.0.1:7878/update"}, "update_url must be an http"),
        ({"auth": "user:password"}, "auth is a (user name, password) pair"),
        ({"graphs": "https://e.org/g"}, "write graphs=['https://e.org/g']"),
        ({"graphs": ["not an iri"]}, "'not an iri' is not an absolute IRI"),
        ({"query_url": "http://[::1/"}, "not 'http://[::1/' (Invalid IPv6 URL)"),
        ({"query_url": "http://x:abc/"}, "not 'http://x:abc/' (Port could not be cast"),
    ],
)
def test_connect_checks_its_options(options: dict[str, object], words: str) -> None:
    """Bad URLs, credentials or graphs fail at connect(), before any request."""
    given: dict[str, object] = {"query_url": "http://127.0.0.1:9/sparql", **options}
    with pytest.raises(accsm_kg.OptionError, match=re.escape(words)):
        accsm_kg.connect(**given)  # type: ignore[arg-type]


def test_a_closed_connection_says_so() -> None:
    """After close(), a query raises StoreError; repr() never asks the server."""
    remote = accsm_kg.connect(f"http://127.0.0.1:{free_port()}/sparql")
    assert repr(remote).startswith("<KnowledgeGraph: remote store at http://127.0.0.1:")
    remote.close()
    with pytest.raises(accsm_kg.StoreError, match="closed"):
        remote.ask("ASK {}")


def test_unreachable_server() -> None:
    """Nothing listening at the address raises ServerUnreachableError naming it."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with (
        accsm_kg.connect(url, timeout=1) as remote,
        pytest.raises(accsm_kg.ServerUnreachableError, match="cannot reach") as caught,
    ):
        remote.ask("ASK {}")
    assert isinstance(caught.value, ConnectionError)


@pytest.mark.parametrize("failing_server", [(503, 0.0)], indirect=True)
def test_reads_are_retried(failing_server: str) -> None:
    """An idempotent read is retried before the error is raised."""
    calls = []
    remote = accsm_kg.connect(failing_server, timeout=1)
    store = remote.store
    assert isinstance(store, accsm_kg.RemoteStore)
    original = store._client.post

    def counting(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    store._client.post = counting  # type: ignore[method-assign]
    with pytest.raises(accsm_kg.RemoteHTTPError, match="503"):
        remote.ask("ASK {}")
    remote.close()
    assert len(calls) == store.RETRIES
