"""The SPARQL 1.1 Protocol endpoint (accsm_kg.web.sparql): forms, formats, refusals, a client."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import httpx
import pyoxigraph as ox
import pytest
import rdflib
import uvicorn
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from starlette.applications import Starlette
from starlette.testclient import TestClient

import accsm_kg
from accsm_kg.errors import OptionError
from accsm_kg.terms import from_oxigraph
from accsm_kg.web.sparql import (
    ASK_TYPES,
    GRAPH_TYPES,
    RESULTS_NS,
    SELECT_TYPES,
    negotiate,
    results_xml,
    sparql_route,
)

KG = "https://w3id.org/accsm-kg/id/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RES = f"{{{RESULTS_NS}}}"

SELECT = """SELECT ?c ?code ?label ?n ?none WHERE {
  VALUES ?c { kg:cambodia }
  ?c accsm:isoCode ?code ; rdfs:label ?label FILTER(lang(?label) = "km")
  BIND(8 AS ?n) OPTIONAL { ?c <urn:x:nothing> ?none }
}"""
#: The one row of SELECT, each value as its lexical form (None: unbound).
ROW = {"c": KG + "cambodia", "code": "KH", "label": "កម្ពុជា", "n": "8", "none": None}
ASK = "ASK { kg:cambodia accsm:isoCode 'KH' }"
CONSTRUCT = "CONSTRUCT { kg:cambodia ?p ?o } WHERE { kg:cambodia ?p ?o }"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def client(kg: accsm_kg.KnowledgeGraph) -> Iterator[TestClient]:
    """A test client of an application serving only the endpoint, on the bundled data."""
    with TestClient(Starlette(routes=[sparql_route(kg)])) as test_client:
        yield test_client


def get(client: TestClient, query: str, accept: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query}, headers=headers)


# -- readers of each results format: body -> rows of lexical values ------------------------------


def read_json(body: str) -> list[dict[str, str | None]]:
    document = json.loads(body)
    names = document["head"]["vars"]
    return [
        {n: b[n]["value"] if n in b else None for n in names}
        for b in document["results"]["bindings"]
    ]


def read_xml(body: str) -> list[dict[str, str | None]]:
    root = ET.fromstring(body.encode())
    assert root.tag == RES + "sparql"
    names = [v.get("name") for v in root.iter(RES + "variable")]
    rows = []
    for result in root.iter(RES + "result"):
        values = {b.get("name"): next(iter(b)).text or "" for b in result.iter(RES + "binding")}
        rows.append({n: values.get(n) for n in names})
    return rows


def read_csv(body: str) -> list[dict[str, str | None]]:
    return [{k: v or None for k, v in row.items()} for row in csv.DictReader(io.StringIO(body))]


def read_tsv(body: str) -> list[dict[str, str | None]]:
    head, *lines = body.splitlines()
    names = [name.removeprefix("?") for name in head.split("\t")]

    def lexical(term: str) -> str | None:
        if not term:
            return None
        if term.startswith("<"):
            return term[1:-1]
        return term[1 : term.rindex('"')]  # the values here hold no escapes

    return [dict(zip(names, map(lexical, line.split("\t")), strict=True)) for line in lines]


READERS: dict[str, Callable[[str], list[dict[str, str | None]]]] = {
    "application/sparql-results+json": read_json,
    "application/sparql-results+xml": read_xml,
    "text/csv": read_csv,
    "text/tab-separated-values": read_tsv,
}


@pytest.mark.parametrize("media", SELECT_TYPES)
def test_select_in_each_format(client: TestClient, media: str) -> None:
    """A SELECT is answered in each results format asked for, and reads back to its row."""
    response = get(client, SELECT, f"{media}, */*;q=0.1")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert READERS[media](response.text) == [ROW]


def test_select_terms_keep_their_kind(kg: accsm_kg.KnowledgeGraph) -> None:
    """JSON and XML results say which value is an IRI, a tagged or a typed literal."""
    rows = kg.query(SELECT)
    binding = json.loads(rows.to_json())["results"]["bindings"][0]
    assert binding["c"] == {"type": "uri", "value": KG + "cambodia"}
    assert binding["label"]["xml:lang"] == "km"
    result = next(ET.fromstring(results_xml(rows)).iter(RES + "result"))
    kinds = {b.get("name"): next(iter(b)) for b in result}
    assert kinds["c"].tag == RES + "uri"
    assert kinds["label"].get("{http://www.w3.org/XML/1998/namespace}lang") == "km"
    assert kinds["n"].get("datatype") == XSD_INTEGER
    assert "none" not in kinds


def test_json_is_the_default(client: TestClient) -> None:
    """Without Accept, or with */*, SELECT and ASK come as SPARQL JSON, unstored."""
    for accept in (None, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = get(client, SELECT, accept)
        assert response.headers["content-type"] == "application/sparql-results+json"
        assert response.headers["cache-control"] == "no-store"
        assert read_json(response.text) == [ROW]


@pytest.mark.parametrize(
    ("media", "read"),
    [
        ("application/sparql-results+json", lambda body: json.loads(body)["boolean"]),
        (
            "application/sparql-results+xml",
            lambda body: ET.fromstring(body.encode()).find(RES + "boolean").text == "true",
        ),
    ],
)
def test_ask_in_each_format(client: TestClient, media: str, read: Callable[[str], bool]) -> None:
    """An ASK is answered as SPARQL JSON or XML, true or false as the data says."""
    assert read(get(client, ASK, media).text) is True
    response = get(client, "ASK { kg:cambodia accsm:isoCode 'XX' }", media)
    assert response.headers["content-type"].split(";")[0] == media
    assert read(response.text) is False


@pytest.mark.parametrize("media", ["text/csv", "text/tab-separated-values"])
def test_ask_refuses_csv_and_tsv(client: TestClient, media: str) -> None:
    """SPARQL's CSV and TSV have no boolean result, so an ASK asked for them is a 406."""
    response = get(client, ASK, media)
    assert response.status_code == 406
    assert ", ".join(ASK_TYPES) in response.text


def read_graph(body: str, rdflib_format: str) -> rdflib.Graph:
    """Parse a graph; JSON-LD with Oxigraph, as rdflib's JSON-LD reader warns of its own API."""
    if rdflib_format != "json-ld":
        return rdflib.Graph().parse(data=body, format=rdflib_format)
    graph = rdflib.Graph()
    for triple in ox.parse(body.encode(), format=ox.RdfFormat.JSON_LD):
        graph.add(tuple(map(from_oxigraph, (triple.subject, triple.predicate, triple.object))))
    return graph


@pytest.mark.parametrize(
    ("media", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_each_format(
    client: TestClient, kg: accsm_kg.KnowledgeGraph, media: str, rdflib_format: str
) -> None:
    """A CONSTRUCT comes in each RDF format asked for and parses back to the same graph."""
    response = get(client, CONSTRUCT, media)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    graph = read_graph(response.text, rdflib_format)
    assert len(graph) == 7
    assert isomorphic(graph, kg.construct(CONSTRUCT))


def test_turtle_is_the_default_and_declares_used_prefixes(client: TestClient) -> None:
    """CONSTRUCT comes as UTF-8 Turtle by default, declaring only the prefixes it uses."""
    response = get(client, CONSTRUCT)
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "@prefix kg: <https://w3id.org/accsm-kg/id/>" in response.text
    assert "@prefix shape:" not in response.text
    assert '"កម្ពុជា"@km' in response.text


@pytest.mark.parametrize(
    "send",
    [
        lambda c, q: c.get("/sparql", params={"query": q}),
        lambda c, q: c.post("/sparql", data={"query": q}),
        lambda c, q: c.post(
            "/sparql", content=q.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
    ],
    ids=["get", "post-form", "post-query"],
)
def test_get_and_both_posts(client: TestClient, send: Callable[..., httpx.Response]) -> None:
    """GET ?query=, a POSTed form and a POSTed application/sparql-query body answer alike."""
    response = send(client, SELECT)
    assert response.status_code == 200
    assert read_json(response.text) == [ROW]


def test_describe_posted_as_a_query(client: TestClient) -> None:
    """DESCRIBE is answered as a graph, like CONSTRUCT."""
    response = client.post(
        "/sparql",
        content=b"DESCRIBE kg:cambodia",
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (rdflib.URIRef(KG + "cambodia"), None, rdflib.Literal("KH")) in graph


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    """An Accept header that takes none of a form's formats is answered 406, naming them."""
    response = get(client, SELECT, "image/png, text/turtle")
    assert response.status_code == 406
    assert "text/csv" in response.text
    assert get(client, CONSTRUCT, "application/sparql-results+json").status_code == 406


@pytest.mark.parametrize(
    ("accept", "offered", "chosen"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES, SELECT_TYPES[1]),
        ("application/sparql-results+json;q=0, */*;q=0.1", SELECT_TYPES, SELECT_TYPES[1]),
        ("text/*", SELECT_TYPES, "text/csv"),
        ("TEXT/TSV, text/Tab-Separated-Values;Q=0.9", SELECT_TYPES, SELECT_TYPES[3]),
        ("application/n-triples;q=0.4, application/ld+json;q=0.6", GRAPH_TYPES, GRAPH_TYPES[2]),
        ("text/turtle;q=nan, application/*;q=2", GRAPH_TYPES, None),
        ("", GRAPH_TYPES, "text/turtle"),
        (",;q=1", ASK_TYPES, None),
    ],
)
def test_negotiate(accept: str, offered: tuple[str, ...], chosen: str | None) -> None:
    """The most specific matching range gives each type its q; a q out of 0-1 accepts nothing."""
    assert negotiate(accept, offered) == chosen


def test_xml_escapes_every_value(client: TestClient) -> None:
    """Markup, quotes and a carriage return in a value read back from XML exactly."""
    query = r'SELECT ?x WHERE { BIND("<b> & \"q\" \r\n</literal>]]>" AS ?x) }'
    response = get(client, query, "application/sparql-results+xml")
    assert read_xml(response.text) == [{"x": '<b> & "q" \r\n</literal>]]>'}]


def test_xml_refuses_what_it_cannot_carry(client: TestClient) -> None:
    """A control character XML 1.0 cannot hold gives 406 for XML; JSON carries it."""
    query = r'SELECT ?x WHERE { BIND("a\u0001b" AS ?x) }'
    response = get(client, query, "application/sparql-results+xml")
    assert response.status_code == 406
    assert "U+0001" in response.text
    assert read_json(get(client, query).text) == [{"x": "a\x01b"}]


# -- refusals ---------------------------------------------------------------------------------


def refused(response: httpx.Response, status: int, message: str) -> None:
    """Assert a plain-text refusal with this status, holding this message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert message in response.text


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kg:cambodia accsm:isoCode 'ZZ' }",
        "DELETE WHERE { kg:cambodia accsm:isoCode ?code }",
        "CLEAR ALL",
        "LOAD <http://example.org/data.ttl>",
    ],
)
def test_updates_are_refused(client: TestClient, kg: accsm_kg.KnowledgeGraph, update: str) -> None:
    """SPARQL Update, sent as a query, is a 400 and changes nothing."""
    size = len(kg)
    refused(get(client, update), 400, "SPARQL Update is refused: this endpoint is read-only")
    assert len(kg) == size
    assert kg.ask(ASK)


def test_update_media_type_is_refused(client: TestClient) -> None:
    """An application/sparql-update POST is refused as an update."""
    response = client.post(
        "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
    )
    refused(response, 400, "read-only")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "ASK { OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?where { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    """SERVICE anywhere in a query is a 400."""
    refused(get(client, query), 400, "SERVICE is refused: this endpoint reads only its own data")


def test_service_in_a_string_or_comment_is_allowed(client: TestClient) -> None:
    """The word SERVICE in a string literal or a comment is no SERVICE pattern."""
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://example.org/> { }" AS ?x) } # SERVICE'
    response = get(client, query)
    assert response.status_code == 200
    assert read_json(response.text) == [{"x": "SERVICE <http://example.org/> { }"}]


def test_syntax_error_says_where(client: TestClient) -> None:
    """A query that does not parse is a 400 with the line, column and a caret."""
    response = get(client, "SELECT * WHERE {\n  ?s ?p <urn:x:a> <script>\n}")
    refused(response, 400, "SPARQL syntax error: line 2, column")
    assert "^" in response.text


def test_store_failure_is_500() -> None:
    """A store that cannot answer (here, closed) is a 500 with the store's message."""
    closed = accsm_kg.load(include_bundled=False)
    closed.close()
    with TestClient(Starlette(routes=[sparql_route(closed)])) as failing:
        refused(get(failing, ASK), 500, "the store could not answer: this Oxigraph store is closed")


def test_timeout_is_503(kg: accsm_kg.KnowledgeGraph) -> None:
    """A query running past the endpoint's timeout is stopped and answered 503."""
    with TestClient(Starlette(routes=[sparql_route(kg, timeout=0.5)])) as slow:
        started = time.monotonic()
        refused(get(slow, CROSS), 503, "did not finish within 0.5 s")
    assert time.monotonic() - started < 30


def test_body_over_the_limit_is_413(kg: accsm_kg.KnowledgeGraph) -> None:
    """A POST body over max_body bytes is a 413, in both POST forms; one at the limit runs."""
    with TestClient(Starlette(routes=[sparql_route(kg, max_body=len(ASK))])) as small:
        at_limit = small.post(
            "/sparql", content=ASK.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        assert at_limit.json()["boolean"] is True
        over = ASK + " "
        message = f"over this endpoint's limit of {len(ASK)} bytes"
        refused(small.post("/sparql", data={"query": over}), 413, message)
        response = small.post(
            "/sparql", content=over.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        refused(response, 413, message)
        chunked = small.post(  # no Content-Length: the body is counted as it is read
            "/sparql",
            content=iter([ASK.encode(), b" "]),
            headers={"Content-Type": "application/sparql-query"},
        )
        assert "content-length" not in chunked.request.headers
        refused(chunked, 413, message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "no query given"),
        ({"query": "  "}, "no query given"),
        ({"query": [ASK, ASK]}, "several queries given"),
        ({"query": ASK, "default-graph-uri": KG}, "default-graph-uri and named-graph-uri"),
        ({"query": ASK, "named-graph-uri": KG}, "FROM and FROM NAMED"),
    ],
)
def test_bad_parameters_are_400(
    client: TestClient, params: dict[str, object], message: str
) -> None:
    """No query, several, or a protocol dataset is a 400."""
    refused(client.get("/sparql", params=params), 400, message)


def test_other_body_types_are_415(client: TestClient) -> None:
    """A POST body that is neither a form nor a query is a 415 naming both."""
    response = client.post("/sparql", content=ASK.encode(), headers={"Content-Type": "text/plain"})
    refused(response, 415, "application/sparql-query")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: TestClient, method: str) -> None:
    """Methods other than GET and POST are a 405 that names the allowed ones."""
    response = client.request(method, "/sparql", params={"query": ASK})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_a_bad_timeout_or_limit_is_refused(kg: accsm_kg.KnowledgeGraph) -> None:
    """The route refuses a timeout or body limit that is not positive."""
    with pytest.raises(OptionError, match="timeout"):
        sparql_route(kg, timeout=0)
    with pytest.raises(OptionError, match="max_body"):
        sparql_route(kg, max_body=0)


# -- a real client over a real server ---------------------------------------------------------


@pytest.fixture
def server_url(kg: accsm_kg.KnowledgeGraph) -> Iterator[str]:
    """The endpoint served by uvicorn on a free loopback port, for the test's length."""
    app = Starlette(routes=[sparql_route(kg)])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="off", ws="none", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-sparql", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped before it started"
            assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        server.should_exit = True
        thread.join(30)
    assert not thread.is_alive()


@pytest.mark.slow
def test_sparqlwrapper_reads_the_endpoint(kg: accsm_kg.KnowledgeGraph, server_url: str) -> None:
    """SPARQLWrapper reads a SELECT as JSON and a CONSTRUCT as Turtle over HTTP."""
    client = SPARQLWrapper(server_url)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    results = client.queryAndConvert()
    assert results["results"]["bindings"][0]["label"] == {
        "type": "literal",
        "value": "កម្ពុជា",
        "xml:lang": "km",
    }
    client = SPARQLWrapper(server_url)
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    turtle = client.queryAndConvert()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert isomorphic(graph, kg.construct(CONSTRUCT))


def test_queries_beyond_the_slots_are_turned_away_at_once(
    kg: accsm_kg.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every slot taken by a running query, the next one is 503 at once, not queued."""
    from starlette.responses import Response

    from accsm_kg.web import sparql as module

    started, release = threading.Event(), threading.Event()

    def held(*args: object) -> Response:
        started.set()
        release.wait(30)
        return Response("done")

    monkeypatch.setattr(module, "_answer", held)
    app = Starlette(routes=[sparql_route(kg, slots=1)])
    first: list[httpx.Response] = []
    with TestClient(app) as client:
        running = threading.Thread(
            target=lambda: first.append(client.get("/sparql", params={"query": ASK}))
        )
        running.start()
        assert started.wait(30)
        busy = client.get("/sparql", params={"query": ASK})
        release.set()
        running.join(30)
        again = client.get("/sparql", params={"query": ASK})
    assert busy.status_code == 503
    assert "1 queries are running" in busy.text
    assert first[0].status_code == 200
    assert again.status_code == 200
    with pytest.raises(OptionError, match="slots"):
        sparql_route(kg, slots=0)
