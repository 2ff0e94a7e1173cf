"""The SPARQL 1.1 Protocol endpoint of the web explorer: read-only, bounded and negotiated.

:func:`sparql_route` gives a Starlette route that answers the query operation of the
`SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_: ``GET ?query=``, and
``POST`` with a form (``query=``) or an ``application/sparql-query`` body. Results come in the
format the ``Accept`` header prefers (:func:`negotiate`):

- SELECT: SPARQL JSON (the default), SPARQL XML (:func:`results_xml`), CSV or TSV;
- ASK: SPARQL JSON (the default) or SPARQL XML; the SPARQL CSV and TSV formats define no
  boolean result, so asking for them is answered 406;
- CONSTRUCT and DESCRIBE: Turtle (the default), N-Triples or JSON-LD.

Nothing writes: SPARQL Update is refused, and so is ``SERVICE``, which would make the server
fetch from any host. Each query runs under a timeout, and request bodies are bounded. The
protocol's ``default-graph-uri`` and ``named-graph-uri`` are refused: a query names its graphs
with ``FROM`` and ``FROM NAMED``. Every error is a short ``text/plain`` message.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES)
'application/sparql-results+xml'
>>> negotiate("image/png", SELECT_TYPES) is None
True
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ..errors import (
    OptionError,
    QueryError,
    QueryFormError,
    QueryTimeoutError,
    SparqlSyntaxError,
    StoreError,
)
from ..sparql import PARSER_LOCK, prepare
from ..stores import check_timeout
from ..terms import quiet_rdflib_terms, to_oxigraph

if TYPE_CHECKING:
    from rdflib import Graph

    from ..knowledge_graph import KnowledgeGraph
    from ..results import Rows

__all__ = [
    "ASK_TYPES",
    "GRAPH_TYPES",
    "RESULTS_NS",
    "SELECT_TYPES",
    "negotiate",
    "results_xml",
    "sparql_route",
]

#: The namespace of the SPARQL Query Results XML Format.
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

_JSON = "application/sparql-results+json"
_XML = "application/sparql-results+xml"
_CSV = "text/csv"
_TSV = "text/tab-separated-values"
#: The media types each query form is answered in, the default first.
SELECT_TYPES = (_JSON, _XML, _CSV, _TSV)
ASK_TYPES = (_JSON, _XML)
GRAPH_TYPES = (
    ox.RdfFormat.TURTLE.media_type,
    ox.RdfFormat.N_TRIPLES.media_type,
    ox.RdfFormat.JSON_LD.media_type,
)
_RDF_FORMATS = {
    ox.RdfFormat.TURTLE.media_type: ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES.media_type: ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD.media_type: ox.RdfFormat.JSON_LD,
}
#: The Content-Type sent for each media type: with its charset where the type has one.
_CONTENT_TYPES = {
    _JSON: _JSON,
    _XML: f"{_XML}; charset=utf-8",
    _CSV: f"{_CSV}; charset=utf-8; header=present",
    _TSV: f"{_TSV}; charset=utf-8",
    "text/turtle": "text/turtle; charset=utf-8",
    "application/n-triples": "application/n-triples; charset=utf-8",
    "application/ld+json": "application/ld+json",
}
#: Sent with every answer: results are never cached, and never sniffed into HTML.
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Vary": "Accept"}
_FORM = "application/x-www-form-urlencoded"
_QUERY_BODY = "application/sparql-query"


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """Return the type of ``offered`` that ``accept`` (an HTTP Accept header) prefers.

    Each offered type takes the ``q`` of the most specific range that matches it (``text/csv``
    before ``text/*`` before ``*/*``); the highest ``q`` wins, ties going to the earlier type
    offered. No header, or an empty one, accepts the first type.

    >>> negotiate("text/*;q=0.3, text/csv;q=0, */*;q=0.1", SELECT_TYPES)
    'text/tab-separated-values'
    >>> negotiate(None, GRAPH_TYPES)
    'text/turtle'

    :return: the type, or ``None`` when none is acceptable (``q=0`` or no range matches).
    """
    if accept is None or not accept.strip():
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        kind, *parameters = (part.strip() for part in item.split(";"))
        if not kind:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((kind.lower(), quality if 0 <= quality <= 1 else 0.0))
    best, best_quality = None, 0.0
    for media in offered:
        quality = _quality(media, ranges)
        if quality > best_quality:
            best, best_quality = media, quality
    return best


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """Return the ``q`` of the most specific range matching ``media``; 0 if none does."""
    family = media.split("/")[0] + "/*"
    found = (-1, 0.0)
    for kind, quality in ranges:
        specificity = 2 if kind == media else 1 if kind == family else 0 if kind == "*/*" else -1
        if specificity > found[0]:
            found = (specificity, quality)
    return found[1]


def results_xml(results: Rows | bool) -> str:
    """Return SELECT rows or an ASK answer in the SPARQL Query Results XML Format.

    Every value and name is escaped (a carriage return too, which XML would read as a line
    feed); a literal holding a character XML 1.0 cannot carry at all (a control character such
    as U+0001) raises :class:`ValueError`.

    >>> print(results_xml(True), end="")
    <?xml version="1.0" encoding="utf-8"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
    <head/>
    <boolean>true</boolean>
    </sparql>
    """
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<sparql xmlns={quoteattr(RESULTS_NS)}>"]
    if isinstance(results, bool):
        lines += ["<head/>", f"<boolean>{'true' if results else 'false'}</boolean>"]
    else:
        lines.append("<head>")
        lines += [f"  <variable name={_attribute(name)}/>" for name in results.variables]
        lines += ["</head>", "<results>"]
        for row in results:
            lines.append("  <result>")
            lines += [
                f"    <binding name={_attribute(name)}>{_xml_term(value)}</binding>"
                for name, value in zip(results.variables, row, strict=True)
                if value is not None
            ]
            lines.append("  </result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def _xml_term(value: object) -> str:
    if isinstance(value, URIRef):
        return f"<uri>{_text(str(value))}</uri>"
    if isinstance(value, BNode):
        return f"<bnode>{_text(str(value))}</bnode>"
    if isinstance(value, Literal):
        if value.language:
            tag = f"literal xml:lang={_attribute(value.language)}"
        elif value.datatype is not None:
            tag = f"literal datatype={_attribute(str(value.datatype))}"
        else:
            tag = "literal"
        return f"<{tag}>{_text(str(value))}</literal>"
    raise TypeError(f"not an RDF term of SPARQL results: {value!r}")


def _text(text: str) -> str:
    """Return ``text`` as XML character data, read back exactly as it is."""
    _check_xml_chars(text)
    return escape(text, {"\r": "&#13;"})


def _attribute(text: str) -> str:
    """Return ``text`` as a quoted XML attribute value, read back exactly as it is."""
    _check_xml_chars(text)
    return quoteattr(text)


def _check_xml_chars(text: str) -> None:
    """Refuse text XML 1.0 cannot hold at all, escaped or not."""
    for char in text:
        point = ord(char)
        if (point < 0x20 and char not in "\t\n\r") or point in (0xFFFE, 0xFFFF):
            raise ValueError(f"U+{point:04X} cannot be written in XML 1.0")


def _graph_bytes(graph: Graph, media: str, prefixes: Mapping[str, str]) -> bytes:
    """Return a CONSTRUCT or DESCRIBE graph in the RDF format of ``media``, by Oxigraph."""
    rdf_format = _RDF_FORMATS[media]
    triples = [ox.Triple(*map(to_oxigraph, triple)) for triple in graph]  # type: ignore[arg-type]
    used = None
    if rdf_format is ox.RdfFormat.TURTLE:  # declare only the prefixes the graph's IRIs use
        iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
        iris |= {str(t.datatype) for t in graph.objects() if isinstance(t, Literal) and t.datatype}
        used = {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
    return bytes(ox.serialize(triples, format=rdf_format, prefixes=used) or b"")


def _refuse(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """Return an error as plain text: the message is never read as HTML, whatever it holds."""
    return PlainTextResponse(
        message + "\n", status_code=status, headers={**_HEADERS, **(headers or {})}
    )


def _answer(kg: KnowledgeGraph, text: str, accept: str | None, timeout: float) -> Response:
    """Classify, negotiate, run and serialise one query (blocking: run in a worker thread)."""
    try:
        with quiet_rdflib_terms():
            form = prepare(text, kg.prefixes).form
    except SparqlSyntaxError as error:
        return _refuse(400, str(error))
    except QueryFormError:  # the only form prepare refuses is SPARQL Update
        return _refuse(400, "SPARQL Update is refused: this endpoint is read-only")
    except QueryError as error:
        if _uses_service(text):
            return _refuse(400, "SERVICE is refused: this endpoint reads only its own data")
        return _refuse(400, str(error))
    offered = SELECT_TYPES if form == "SELECT" else ASK_TYPES if form == "ASK" else GRAPH_TYPES
    media = negotiate(accept, offered)
    if media is None:
        return _refuse(
            406, f"a {form} query is answered as {', '.join(offered)}; the Accept header takes none"
        )
    try:
        body = _run(kg, text, form, media, timeout)
    except QueryTimeoutError:
        return _refuse(
            503,
            f"the query did not finish within {timeout:g} s, this endpoint's limit; "
            "narrow it down (more specific patterns, a LIMIT) and send it again",
        )
    except QueryError as error:  # any other refusal of the query's, before ValueError below
        return _refuse(400, str(error))
    except StoreError as error:  # the store, not the request, is at fault: a server error
        return _refuse(500, f"the store could not answer: {error}")
    except ValueError as error:  # a value the negotiated format cannot carry
        return _refuse(406, f"{error}; ask for {offered[0]} instead")
    return Response(body, media_type=_CONTENT_TYPES[media], headers=_HEADERS)


def _run(kg: KnowledgeGraph, text: str, form: str, media: str, timeout: float) -> bytes:
    if form == "ASK":
        answer = kg.ask(text, timeout=timeout)
        if media == _XML:
            return results_xml(answer).encode()
        return json.dumps({"head": {}, "boolean": answer}).encode()
    if form == "SELECT":
        rows = kg.query(text, timeout=timeout)
        writers: dict[str, Callable[[], str]] = {
            _JSON: rows.to_json,
            _XML: lambda: results_xml(rows),
            _CSV: rows.to_csv,
            _TSV: rows.to_tsv,
        }
        return writers[media]().encode()
    return _graph_bytes(kg.construct(text, timeout=timeout), media, kg.prefixes)


def _uses_service(text: str) -> bool:
    """Whether the query's parse tree holds a ``SERVICE`` pattern (never its strings)."""
    try:
        with PARSER_LOCK:
            parsed = parseQuery(text)
    except (ParseException, RecursionError):
        return False
    return _has_service(parsed)


def _has_service(node: object) -> bool:
    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(map(_has_service, node.values()))
    if isinstance(node, ParseResults | list | tuple):
        return any(map(_has_service, node))
    return False


class _TooLarge(Exception):
    """A request body longer than the endpoint takes."""


async def _read_body(request: Request, max_body: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # a body sent without its length is counted as read
        size += len(chunk)
        if size > max_body:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _query_parameters(request: Request, max_body: int) -> list[tuple[str, str]] | Response:
    """Return the request's parameters, the query among them, or the response refusing it."""
    parameters = list(request.query_params.multi_items())
    if request.method != "POST":
        return parameters
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in (_FORM, _QUERY_BODY):
        if media == "application/sparql-update":
            return _refuse(400, "SPARQL Update is refused: this endpoint is read-only")
        return _refuse(415, f"POST a query as {_FORM} (query=...) or as {_QUERY_BODY}")
    try:
        body = (await _read_body(request, max_body)).decode("utf-8")
    except _TooLarge:
        return _refuse(413, f"the request body is over this endpoint's limit of {max_body} bytes")
    except UnicodeDecodeError:
        return _refuse(400, "the request body is not UTF-8 text")
    if media == _FORM:
        return parameters + urllib.parse.parse_qsl(body, keep_blank_values=True)
    if any(name == "query" for name, _ in parameters):
        return _refuse(400, f"a {_QUERY_BODY} body is the query: give no query= in the URL too")
    return [*parameters, ("query", body)]


def sparql_route(
    kg: KnowledgeGraph,
    *,
    path: str = "/sparql",
    timeout: float = 10.0,
    max_body: int = 1_000_000,
    slots: int = max(2, os.cpu_count() or 1),
) -> Route:
    """Return a Starlette route answering SPARQL 1.1 Protocol queries on ``kg``, read-only.

    Status codes: 400 for a missing, repeated or malformed query, an update, ``SERVICE``,
    or ``default-graph-uri``/``named-graph-uri``; 405 for a method other than GET and POST;
    406 when ``Accept`` takes none of the formats of the query's form; 413 for a body over
    ``max_body`` bytes; 415 for a POST body of another type; 500 for a store that could not
    answer; 503 for a query that ran past ``timeout`` seconds, or that came while ``slots``
    queries were running.

    >>> from starlette.applications import Starlette
    >>> from starlette.testclient import TestClient
    >>> from accsm_kg import load
    >>> client = TestClient(Starlette(routes=[sparql_route(load())]))
    >>> client.get("/sparql", params={"query": "ASK { kg:cambodia ?p ?o }"}).json()
    {'head': {}, 'boolean': True}

    :param kg: the knowledge graph to query.
    :param path: where the route answers.
    :param timeout: seconds a query may run.
    :param max_body: the largest request body taken, in bytes.
    :param slots: how many queries may run at once (by default the processors, at least 2).
    :raises OptionError: ``timeout`` or ``max_body`` is not a positive number.
    """
    check_timeout(timeout)
    if max_body < 1:
        raise OptionError(f"max_body must be a positive number of bytes, not {max_body}")
    if slots < 1:
        raise OptionError(f"slots must be a positive number of queries, not {slots}")
    # each query runs in a process of its own, so that its time can be bounded: no more of them
    # at once than asked, so that slow queries cannot take every processor
    running = threading.BoundedSemaphore(slots)

    async def endpoint(request: Request) -> Response:
        parameters = await _query_parameters(request, max_body)
        if isinstance(parameters, Response):
            return parameters
        names = [name for name, _ in parameters]
        if "default-graph-uri" in names or "named-graph-uri" in names:
            return _refuse(
                400,
                "default-graph-uri and named-graph-uri are not supported here: name the graphs "
                "in the query, with FROM and FROM NAMED",
            )
        queries = [value for name, value in parameters if name == "query"]
        if len(queries) != 1 or not queries[0].strip():
            what = "no query" if not queries or not queries[0].strip() else "several queries"
            return _refuse(400, f"{what} given: send one SPARQL query as the query parameter")
        accept = request.headers.get("accept")
        if not running.acquire(blocking=False):
            return _refuse(
                503,
                f"{slots} queries are running, as many as this endpoint runs at once: "
                "try again in a moment",
            )
        try:
            return await run_in_threadpool(_answer, kg, queries[0], accept, timeout)
        finally:
            running.release()

    return Route(path, endpoint, methods=["GET", "POST"], name="sparql")
