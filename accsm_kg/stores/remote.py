"""The remote store: any SPARQL 1.1 server, over the SPARQL 1.1 Protocol.

Oxigraph server, Virtuoso, Fuseki, GraphDB: queries go to the query endpoint, writes to the
update endpoint as SPARQL Update.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, URIRef
from rdflib.term import Identifier, Node

from ..errors import (
    AuthenticationError,
    OptionError,
    QueryTimeoutError,
    ReadOnlyStoreError,
    RemoteError,
    RemoteHTTPError,
    RemoteTimeoutError,
    ServerUnreachableError,
    StoreError,
)
from ..loading import ParsedFile
from ..sparql import PreparedQuery, inline_bindings
from ..terms import from_sparql_json, is_valid_iri, to_sparql
from .base import COUNT_TRIPLES, Quad, Store

#: A graph no dataset holds: the default graph of a query restricted to no graph at all.
_NO_GRAPH = "https://w3id.org/accsm-kg/graph/none"

if TYPE_CHECKING:
    import httpx

__all__ = ["RemoteStore"]


class RemoteStore(Store):
    """A SPARQL 1.1 server: queries over the SPARQL 1.1 Protocol, writes with SPARQL Update.

    Reads that fail for a passing reason (connection refused or reset, timeout, HTTP 502-504)
    are retried with backoff; writes are not. Bound values are written into the query text as
    constants (:meth:`accsm_kg.sparql.PreparedQuery.substitute`), with the same meaning as on
    the embedded stores.

    :param graphs: the named graphs that make up the dataset (sent as ``default-graph-uri`` and
        ``named-graph-uri``); by default every named graph the server holds, listed when first
        needed and again after each update, so that queries see what :func:`len`,
        :meth:`graph_names` and :meth:`quads` see, whatever the server's default graph is.
    :raises OptionError: a URL that is not ``http(s)://host/...``, ``auth`` that is not a user
        name and password, or ``graphs`` that are not IRIs.
    """

    name = "remote"
    RETRIES = 3

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        auth: tuple[str, str] | httpx.Auth | None = None,
        timeout: float = 30.0,
        graphs: Iterable[str] | None = None,
    ) -> None:
        """Talk to the server at ``query_url`` (and ``update_url``, for writes)."""
        import httpx

        _check_url(query_url, "query_url")
        if update_url is not None:
            _check_url(update_url, "update_url")
        pair = isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(a, str) for a in auth)
        if auth is not None and not isinstance(auth, httpx.Auth) and not pair:
            raise OptionError("auth is a (user name, password) pair of strings")
        self.query_url = query_url
        self.update_url = update_url
        self.graphs = _checked_graphs(graphs)
        self._found: list[str] | None = None  # the server's graphs, when graphs is None
        self._closed = False
        self._client = httpx.Client(auth=auth, timeout=timeout, follow_redirects=True)

    # -- HTTP -------------------------------------------------------------------------------

    def _post(
        self,
        url: str,
        data: Mapping[str, Any],
        accept: str,
        *,
        retry: bool,
        timeout: float | None = None,
    ) -> httpx.Response:
        import httpx

        if self._closed:
            raise StoreError(f"{url}: this connection is closed; connect again")
        attempts = self.RETRIES if retry else 1
        for attempt in range(attempts):
            try:
                response = self._client.post(
                    url,
                    data=data,
                    headers={"Accept": accept},
                    timeout=timeout if timeout is not None else self._client.timeout,
                )
            except httpx.TimeoutException:
                if timeout is not None:  # the query is slow, not the network: no retry
                    raise QueryTimeoutError(timeout) from None
                if attempt + 1 < attempts:
                    time.sleep(0.2 * 2**attempt)
                    continue
                raise RemoteTimeoutError("no answer within the timeout", url) from None
            except httpx.TransportError as error:
                if attempt + 1 < attempts:
                    time.sleep(0.2 * 2**attempt)
                    continue
                raise ServerUnreachableError(f"cannot reach the server ({error})", url) from None
            if response.status_code in (502, 503, 504) and attempt + 1 < attempts:
                time.sleep(0.2 * 2**attempt)
                continue
            return _checked(response, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _dataset(
        self, own: bool = False, among: Sequence[str] | None = None
    ) -> dict[str, list[str]]:
        # a query naming its own dataset (FROM, FROM NAMED: ``own``) keeps it: the protocol
        # would otherwise replace it by ours; ``among`` restricts ours to those graphs
        if own:
            return {}
        graphs = self.graphs if self.graphs is not None else self._server_graphs()
        if among is not None:
            graphs = [g for g in graphs if g in set(among)] or [_NO_GRAPH]
        if not graphs:
            return {}
        return {"default-graph-uri": graphs, "named-graph-uri": graphs}

    def _server_graphs(self) -> list[str]:
        if self._found is None:
            response = self._post(
                self.query_url,
                {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                "application/sparql-results+json",
                retry=True,
            )
            rows = self._rows(response)[1]
            self._found = sorted(str(row[0]) for row in rows if isinstance(row[0], URIRef))
        return self._found

    def _json(self, response: httpx.Response, key: str) -> Any:
        """Return the SPARQL JSON results of ``response``, or say that it holds none."""
        try:
            document = response.json()
            document[key]  # a JSON answer of another kind fails here
        except (ValueError, KeyError, TypeError):
            kind = response.headers.get("content-type", "no content type")
            raise RemoteError(
                f"the answer is not SPARQL JSON results ({kind}): is this a SPARQL endpoint?",
                str(response.url),
            ) from None
        return document

    def _query(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        accept: str,
        timeout: float | None = None,
    ) -> httpx.Response:
        text = inline_bindings(query, bindings)
        return self._post(
            self.query_url,
            {"query": text, **self._dataset(query.has_dataset, query.graphs)},
            accept,
            retry=True,
            timeout=timeout,
        )

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update on the server's update endpoint."""
        if self.update_url is None:
            raise ReadOnlyStoreError(
                f"{self.query_url} was opened read-only: give update_url to connect() to write"
            )
        self._found = None  # the update may have made or emptied graphs
        self._post(self.update_url, {"update": text}, "*/*", retry=False, timeout=timeout)

    # -- Store ------------------------------------------------------------------------------

    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Upload the files of each named graph (they add up), replacing it as one step for readers.

        A graph's triples go first into a fresh staging graph, then ``MOVE`` replaces the target
        graph with it in one SPARQL Update operation.
        """
        merged: dict[URIRef, Graph] = {}
        for parsed in files:  # files naming the same graph add up
            merged[parsed.graph] = merged.get(parsed.graph, Graph()) + parsed.triples
        for graph, triples in merged.items():
            self.replace_graph(graph, triples)

    def replace_graph(self, graph: URIRef, triples: Graph) -> None:
        """Replace the content of ``graph`` on the server with ``triples``."""
        staging = f"{graph}#staging-{uuid.uuid4().hex}"
        labels: dict[Node, str] = {}

        def term(node: Node) -> str:
            if isinstance(node, BNode):
                return labels.setdefault(node, f"_:b{len(labels)}")
            return to_sparql(node)

        lines = [f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples]
        # A blank node is only itself within one request: graphs with blank nodes go in one.
        size = max(len(lines), 1) if labels else 2000
        try:
            for start in range(0, max(len(lines), 1), size):
                chunk = "\n".join(lines[start : start + size])
                # INSERT ... WHERE {} rather than INSERT DATA, which some servers (Virtuoso)
                # refuse for blank nodes
                self.update(f"INSERT {{ GRAPH <{staging}> {{\n{chunk}\n}} }} WHERE {{}}")
            self.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")
        except StoreError:
            with contextlib.suppress(StoreError):
                self.update(f"DROP SILENT GRAPH <{staging}>")
            raise
        if self.graphs is not None and str(graph) not in self.graphs:
            self.graphs.append(str(graph))

    def graph_names(self) -> list[URIRef]:
        """Return the named graphs of the dataset."""
        rows = self.select_text("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(row[0])) for row in rows if isinstance(row[0], URIRef))

    def select_text(self, text: str) -> list[tuple[Node | None, ...]]:
        """Run a complete SELECT of the library's own on the server, over the dataset's graphs."""
        response = self._post(
            self.query_url,
            {"query": text, **self._dataset()},
            "application/sparql-results+json",
            retry=True,
        )
        return self._rows(response)[1]

    def _rows(self, response: httpx.Response) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Return the variables and rows (rdflib terms) of SPARQL JSON results."""
        document = self._json(response, "results")
        try:
            variables = [str(v) for v in document["head"]["vars"]]
            rows = [
                tuple(from_sparql_json(b[v]) if v in b else None for v in variables)
                for b in document["results"]["bindings"]
            ]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise RemoteError(
                f"the SPARQL JSON results are malformed ({type(error).__name__}: {error})",
                str(response.url),
            ) from None
        return variables, rows

    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query on the server."""
        return self._rows(self._query(query, bindings, "application/sparql-results+json", timeout))

    def ask(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query on the server."""
        answer = self._query(query, bindings, "application/sparql-results+json", timeout)
        return bool(self._json(answer, "boolean")["boolean"])

    def construct(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query on the server; the answer is read as N-Triples."""
        response = self._query(query, bindings, "application/n-triples, text/turtle;q=0.9", timeout)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        graph = Graph()
        try:
            graph.parse(
                data=response.text,
                format="nt" if "n-triples" in kind or kind == "text/plain" else "turtle",
            )
        except Exception as error:  # rdflib's parsers raise errors of many kinds
            raise RemoteError(
                f"the graph in the answer does not parse ({type(error).__name__}: {error})",
                str(response.url),
            ) from None
        return graph

    def quads(self) -> Iterator[Quad]:
        """Yield every triple of the named graphs with its graph (fetched in one query)."""
        for s, p, o, g in self.select_text("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if s is not None and p is not None and o is not None and isinstance(g, URIRef):
                yield s, p, o, g

    def __len__(self) -> int:
        """Return the number of distinct triples in the named graphs."""
        rows = self.select_text(COUNT_TRIPLES)
        return int(str(rows[0][0]))

    def close(self) -> None:
        """Close the HTTP connections; using the store afterwards raises :class:`StoreError`."""
        self._closed = True
        self._client.close()


def _check_url(url: Any, name: str) -> None:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        _ = parts.port if parts is not None else None  # a port that is not a number raises
    except ValueError as error:
        raise OptionError(
            f"{name} must be an http:// or https:// URL with a host, not {url!r} ({error})"
        ) from None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(f"{name} must be an http:// or https:// URL with a host, not {url!r}")


def _checked_graphs(graphs: Any) -> list[str] | None:
    if graphs is None:
        return None
    if isinstance(graphs, str | bytes):
        raise OptionError(f"graphs is a list of graph IRIs: write graphs=[{graphs!r}]")
    names = [str(g) for g in graphs]
    for name in names:
        if not is_valid_iri(name):
            raise OptionError(f"graphs: {name!r} is not an absolute IRI")
    return names


def _checked(response: httpx.Response, url: str) -> httpx.Response:
    if response.status_code in (401, 403):
        raise AuthenticationError(
            f"HTTP {response.status_code}: the server refused the credentials (give auth=...)", url
        )
    if response.status_code >= 400:
        body = response.text.strip()
        raise RemoteHTTPError(
            f"HTTP {response.status_code} {response.reason_phrase}: {body[:500]}",
            url,
            response.status_code,
            body,
        )
    return response
