"""Stores: where the triples live and where SPARQL runs.

One small interface, :class:`Store`, that the :class:`~accsm_kg.KnowledgeGraph` talks to; each
implementation is the only code that touches its engine:

- :class:`RdflibStore`: rdflib's in-memory ``Dataset``, the reference implementation;
- :class:`OxigraphStore`: pyoxigraph, in memory or persistent in a folder;
- :class:`RemoteStore`: any SPARQL 1.1 server, over the SPARQL 1.1 Protocol.

Every store keeps one named graph per loaded file, and queries see the union of those graphs as
their default graph.

>>> from accsm_kg.loading import parse_files
>>> from accsm_kg.resources import ontology_paths
>>> store = RdflibStore()
>>> store.add_files(parse_files(ontology_paths()))
>>> len(store.graph_names())
2
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Identifier, Node

from .errors import (
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
from .loading import OX_FORMATS, ParsedFile, check_start, parse_file, syntax_error
from .resources import RDF_SUFFIXES
from .sparql import PreparedQuery, inline_bindings, prepare
from .terms import from_oxigraph, from_sparql_json, is_valid_iri, to_oxigraph, to_sparql

if TYPE_CHECKING:
    import httpx

__all__ = [
    "STORE_NAMES",
    "OxigraphStore",
    "RdflibStore",
    "RemoteStore",
    "Store",
    "StoreName",
    "open_store",
]

#: The embedded stores :func:`accsm_kg.load` can build.
StoreName = TypingLiteral["rdflib", "oxigraph"]
STORE_NAMES: tuple[StoreName, ...] = ("rdflib", "oxigraph")

Quad = tuple[Node, Node, Node, URIRef]
T = TypeVar("T")


class _Cancelled(Exception):
    """Raised inside a worker whose query ran past its timeout, to stop it between results."""


def run_with_timeout(work: Callable[[threading.Event], T], timeout: float | None) -> T:
    """Return ``work(stop)``, run in a worker thread; past ``timeout`` seconds, give it up.

    ``stop`` is set when the time is up: ``work`` should check it between results and return.
    A step that cannot be interrupted (Oxigraph computing an aggregate, say) runs to its end in
    the background; :class:`QueryTimeoutError` is raised at once all the same.

    >>> run_with_timeout(lambda stop: 1 + 1, 5.0)
    2
    """
    stop = threading.Event()
    if timeout is None:
        return work(stop)
    check_timeout(timeout)
    state: dict[str, Any] = {}

    def worker() -> None:
        try:
            state["done"] = ("value", work(stop))
        except _Cancelled:
            pass
        except BaseException as error:  # handed to the caller's thread below
            state["done"] = ("error", error)

    thread = threading.Thread(target=worker, name="accsm-kg-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        stop.set()
        raise QueryTimeoutError(timeout)
    kind, value = state["done"]
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def check_timeout(timeout: Any, name: str = "timeout") -> None:
    """Refuse a timeout that is not ``None`` or a positive, finite number of seconds.

    >>> check_timeout(0, "query_timeout")
    Traceback (most recent call last):
    accsm_kg.errors.OptionError: query_timeout must be a positive number of seconds, not 0
    """
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise OptionError(f"{name} must be a number of seconds, not {timeout!r}")
    if not 0 < timeout < float("inf"):
        raise OptionError(f"{name} must be a positive number of seconds, not {timeout!r}")


def run_in_child(work: Callable[[], T], timeout: float | None) -> T:
    """Return ``work()``, run in a forked child process killed past ``timeout`` seconds.

    For engines written in Python (rdflib), which a thread cannot stop: the child holds a copy
    of the parent's memory, computes, and sends the result back; a child past its time is
    killed, so nothing runs on in the background. Where fork is missing, a thread is used.

    >>> run_in_child(lambda: 1 + 1, 5.0)
    2
    """
    if timeout is None:
        return work()
    check_timeout(timeout)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return run_with_timeout(lambda stop: work(), timeout)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        try:
            outcome: tuple[str, Any] = ("value", work())
        except BaseException as error:
            outcome = ("error", error)
        try:
            sender.send(outcome)
        except Exception as error:  # an error or value that does not pickle
            sender.send(("error", StoreError(f"the query failed: {outcome[1]!r} ({error})")))

    process = context.Process(target=child, name="accsm-kg-query", daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeoutError(timeout)
        try:
            kind, value = receiver.recv()
        except EOFError:
            raise StoreError("the query's worker process died") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


class Store(ABC):
    """What a knowledge graph needs of a store: add files, run SPARQL, hand out its quads."""

    name: ClassVar[str]

    @abstractmethod
    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put each file's triples into its named graph, replacing what that graph held.

        All or nothing: if one file cannot be added, the store is left as it was.
        """

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """Return the IRIs of the named graphs, sorted."""

    @abstractmethod
    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query; return its variables and its rows.

        Past ``timeout`` seconds (if given), raise :class:`QueryTimeoutError`; the same holds
        for :meth:`ask` and :meth:`construct`.
        """

    @abstractmethod
    def ask(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update (checked by :func:`accsm_kg.sparql.prepare_update` first)."""
        raise StoreError(f"the {self.name} store does not run SPARQL Update")

    def add_large_files(
        self, files: Sequence[ParsedFile], large: Sequence[tuple[Path, URIRef]]
    ) -> None:
        """Add parsed ``files`` and the ``large`` files (path, graph), all or nothing.

        Stores that can stream a file from disk into a graph (Oxigraph) override this, so
        that a large file is never held in Python's memory; others parse it as usual.
        """
        self.add_files([*files, *(parse_file(path, graph) for path, graph in large)])

    def is_current(self, path: Path, graph: URIRef) -> bool:
        """Whether ``graph`` already holds this very file, so that loading may skip it."""
        return False

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Yield every triple with the named graph it is in."""

    @abstractmethod
    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""

    def close(self) -> None:  # noqa: B027  # stores without resources need not close
        """Release what the store holds (files, connections)."""


@contextlib.contextmanager
def _local_graphs_only() -> Iterator[None]:
    """Make rdflib read ``FROM <iri>`` and ``USING <iri>`` as graphs of the store, never fetched."""
    previous = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = previous


class RdflibStore(Store):
    """An in-memory rdflib :class:`~rdflib.Dataset`: the reference implementation."""

    name = "rdflib"

    def __init__(self) -> None:
        """Start empty."""
        self._dataset = Dataset(default_union=True)

    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put each file's triples into its named graph (see :meth:`Store.add_files`)."""
        saved: dict[URIRef, Graph] = {}
        try:
            for parsed in files:
                graph = self._dataset.graph(parsed.graph)
                if parsed.graph not in saved:
                    saved[parsed.graph] = Graph() + graph
                graph.remove((None, None, None))
                graph += parsed.triples
        except Exception:
            for iri, previous in saved.items():
                graph = self._dataset.graph(iri)
                graph.remove((None, None, None))
                graph += previous
            raise

    def graph_names(self) -> list[URIRef]:
        """Return the IRIs of the named graphs that hold triples."""
        return sorted(
            g.identifier
            for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and len(g) and g.identifier != _DEFAULT
        )

    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query with rdflib's engine."""

        def read(result: Any) -> tuple[list[str], list[tuple[Node | None, ...]]]:
            names = list(result.vars or [])
            # from the bindings: iterating the result would skip a row with nothing bound
            rows = [tuple(solution.get(name) for name in names) for solution in result.bindings]
            return [str(name) for name in names], rows

        return self._run(query, bindings, read, timeout)

    def ask(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query with rdflib's engine."""
        return self._run(query, bindings, lambda result: bool(result.askAnswer), timeout)

    def construct(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query with rdflib's engine."""

        def read(result: Any) -> Graph:
            graph = Graph()
            if result.graph is not None:
                graph += result.graph
            return graph

        return self._run(query, bindings, read, timeout)

    def _run(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        read: Callable[[Any], T],
        timeout: float | None,
    ) -> T:
        """Evaluate ``query`` and ``read`` its result, both with FROM graphs read locally."""

        def work() -> T:
            with _local_graphs_only():
                return read(self._dataset.query(query.algebra, initBindings=dict(bindings)))

        return run_in_child(work, timeout)

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update with rdflib's engine; a failed or timed-out update changes nothing.

        With a ``timeout``, the update runs on a copy in a child process (:func:`run_in_child`)
        and the quads it leaves are taken over only if it finishes in time.
        """
        if timeout is None:
            saved = list(self._quads_with_default())
            try:
                with _local_graphs_only():
                    self._dataset.update(text)
            except BaseException:
                self._replace(saved)
                raise
            return

        def work() -> list[tuple[Node, Node, Node, Node]]:
            with _local_graphs_only():
                self._dataset.update(text)
            return list(self._quads_with_default())

        self._replace(run_in_child(work, timeout))

    def _quads_with_default(self) -> Iterator[tuple[Node, Node, Node, Node]]:
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            yield s, p, o, name if name is not None else _DEFAULT

    def _replace(self, quads: Sequence[tuple[Node, Node, Node, Node]]) -> None:
        dataset = Dataset(default_union=True)
        for s, p, o, g in quads:
            dataset.graph(g).add((s, p, o))  # type: ignore[arg-type]
        self._dataset = dataset

    def quads(self) -> Iterator[Quad]:
        """Yield every triple with its named graph."""
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            if isinstance(name, URIRef) and name != _DEFAULT:
                yield s, p, o, name

    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""
        return len({(s, p, o) for s, p, o, _ in self.quads()})


_DEFAULT = URIRef("urn:x-rdflib:default")
_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
)


class OxigraphStore(Store):
    """A pyoxigraph store, in memory or persistent in a folder.

    A persistent store remembers a digest of each file it loaded, so that loading the same
    files again (:meth:`is_current`) skips them instead of parsing them again.
    """

    name = "oxigraph"
    _DIGESTS = "accsm-kg-sources.json"

    def __init__(self, path: str | Path | None = None) -> None:
        """Open the store in ``path`` (created if missing), or in memory."""
        self.path = Path(path) if path is not None else None
        try:
            self._store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as error:
            raise StoreError(f"{path}: cannot open an Oxigraph store there: {error}") from None
        self._digests: dict[str, str] = {}
        if self.path is not None and (self.path / self._DIGESTS).is_file():
            self._digests = json.loads((self.path / self._DIGESTS).read_text(encoding="utf-8"))

    @staticmethod
    def digest(path: Path) -> str:
        """Return the SHA-256 of a file's bytes."""
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def is_current(self, path: Path, graph: URIRef) -> bool:
        """Whether ``graph`` already holds this very file (same bytes), so it need not be parsed."""
        return self._digests.get(str(graph)) == self.digest(
            path
        ) and self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put each file's triples into its named graph (see :meth:`Store.add_files`)."""
        saved: dict[str, list[ox.Quad]] = {}
        try:
            for parsed in files:
                graph = ox.NamedNode(str(parsed.graph))
                if graph.value not in saved:
                    saved[graph.value] = list(
                        self._store.quads_for_pattern(None, None, None, graph)
                    )
                if self._store.contains_named_graph(graph):
                    self._store.clear_graph(graph)
                self._store.extend(
                    ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
                    for s, p, o in parsed.triples
                )
        except Exception:
            for iri, quads in saved.items():
                self._store.clear_graph(ox.NamedNode(iri))
                self._store.extend(quads)
            raise
        if self.path is not None:
            for parsed in files:
                self._digests[str(parsed.graph)] = self.digest(parsed.path)
            _write_json(self.path / self._DIGESTS, self._digests)
            self._store.flush()

    def graph_names(self) -> list[URIRef]:
        """Return the IRIs of the named graphs that hold triples (an emptied one is gone)."""
        return sorted(
            URIRef(g.value)
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode)
            and next(iter(self._store.quads_for_pattern(None, None, None, g)), None) is not None
        )

    def _run(self, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> Any:
        # Oxigraph substitutes only projected variables (SEP-0007), and parameters need not be
        # projected: bindings go in as a VALUES block, as for remote stores.
        try:
            # without FROM, the default graph is the union of the named graphs, as on rdflib
            return self._store.query(
                inline_bindings(query, bindings), use_default_graph_as_union=not query.has_dataset
            )
        except SyntaxError as error:  # our parser accepted it: a dialect difference
            raise StoreError(f"Oxigraph cannot run this query: {error}") from None

    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query with Oxigraph's engine."""

        def work(stop: threading.Event) -> tuple[list[str], list[tuple[Node | None, ...]]]:
            solutions = self._run(query, bindings)
            try:
                variables = [v.value for v in solutions.variables]
                rows = [
                    tuple(
                        None if (t := solution[v]) is None else from_oxigraph(t) for v in variables
                    )
                    for solution in _until(stop, solutions)
                ]
            finally:
                # Oxigraph's results must be freed by the thread that made them; parsing the
                # query left frames in reference cycles, which the garbage collector may clear
                # from any thread, so this frame must not hold them
                del solutions
            return variables, rows

        return run_with_timeout(work, timeout)

    def ask(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query with Oxigraph's engine."""
        return run_with_timeout(lambda stop: bool(self._run(query, bindings)), timeout)

    def construct(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query with Oxigraph's engine."""

        def work(stop: threading.Event) -> Graph:
            graph = Graph()
            bnodes: dict[str, BNode] = {}
            for triple in _until(stop, self._run(query, bindings)):
                graph.add(
                    (
                        from_oxigraph(triple.subject, bnodes),
                        from_oxigraph(triple.predicate, bnodes),
                        from_oxigraph(triple.object, bnodes),
                    )
                )
            return graph

        return run_with_timeout(work, timeout)

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update with Oxigraph's engine, in one transaction.

        Past ``timeout`` the update is not stopped (Oxigraph cannot be interrupted) but runs to
        its end in the background, all or nothing, and :class:`QueryTimeoutError` is raised.
        """
        try:
            run_with_timeout(lambda stop: self._store.update(text), timeout)
        except SyntaxError as error:
            raise StoreError(f"Oxigraph cannot run this update: {error}") from None
        except RuntimeError as error:  # e.g. DROP GRAPH of a graph there is not (no SILENT)
            raise StoreError(f"the update failed: {error}") from None
        finally:
            if self.path is not None:
                # the graphs may no longer hold their files: load them again next time
                self._digests.clear()
                _write_json(self.path / self._DIGESTS, self._digests)
                self._store.flush()

    def add_large_files(
        self, files: Sequence[ParsedFile], large: Sequence[tuple[Path, URIRef]]
    ) -> None:
        """Add ``files``, and stream each ``large`` file from disk into its graph.

        A large file is parsed by Oxigraph as it is read and written in batches, in bounded
        memory: straight into its graph if the store has no such graph yet, else into a staging
        graph moved over its target only when every file has been read. A syntax error anywhere
        removes what was streamed, leaving the store as it was. Unlike :func:`parse_file`,
        literals are not checked against their datatypes, and ``owl:imports`` are not read.
        """
        written: list[tuple[ox.NamedNode, ox.NamedNode]] = []
        try:
            for path, graph in large:
                target = ox.NamedNode(str(graph))
                into = (
                    ox.NamedNode(f"{graph}#staging-{uuid.uuid4().hex}")
                    if self._store.contains_named_graph(target)
                    else target
                )
                written.append((into, target))
                self._stream(path, graph, into)
            self.add_files(files)
        except BaseException:
            for into, _ in written:
                self._store.remove_graph(into)
            raise
        for into, target in written:
            if into != target:
                self._store.clear_graph(target)
                self._extend(self._store.quads_for_pattern(None, None, None, into), target)
                self._store.remove_graph(into)
        if self.path is not None:
            for path, graph in large:
                self._digests[str(graph)] = self.digest(path)
            _write_json(self.path / self._DIGESTS, self._digests)
            self._store.flush()

    def _stream(self, path: Path, graph: URIRef, staging: ox.NamedNode) -> None:
        if path.suffix.lower() not in RDF_SUFFIXES:
            raise StoreError(f"{path}: not a .ttl or .nt file")
        check_start(path)
        quads = ox.parse(
            path=str(path),
            format=OX_FORMATS[RDF_SUFFIXES[path.suffix.lower()]],
            base_iri=str(graph),
            rename_blank_nodes=True,  # blank nodes are scoped to their file, as in parse_file
        )
        try:
            self._extend(quads, staging)
        except SyntaxError as error:
            raise syntax_error(path, error) from None

    def _extend(self, quads: Iterator[ox.Quad], graph: ox.NamedNode, batch: int = 100_000) -> None:
        # bulk_extend reads its whole argument into memory first: hand it bounded batches
        while chunk := [
            ox.Quad(q.subject, q.predicate, q.object, graph) for q in itertools.islice(quads, batch)
        ]:
            self._store.bulk_extend(chunk)

    def quads(self) -> Iterator[Quad]:
        """Yield every triple of the named graphs with its graph."""
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                    URIRef(quad.graph_name.value),
                )

    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""
        result = self._store.query(_COUNT)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def close(self) -> None:
        """Flush a persistent store to disk and let go of it, so its folder can be opened again.

        Using the store afterwards raises :class:`StoreError`.
        """
        if "_store" not in vars(self):
            return
        if self.path is not None:
            self._store.flush()
        del self._store
        # results of past queries may sit in reference cycles and hold the store's lock
        gc.collect()

    def __getattr__(self, name: str) -> Any:
        """Say that a closed store is closed (only ``_store`` goes missing, at :meth:`close`)."""
        if name == "_store":
            raise StoreError("this Oxigraph store is closed; load the knowledge graph again")
        raise AttributeError(name)


def _until(stop: threading.Event, results: Iterable[T]) -> Iterator[T]:
    """Yield ``results`` until ``stop`` is set (a query past its timeout), then stop."""
    for result in results:
        if stop.is_set():
            raise _Cancelled
        yield result


def _write_json(path: Path, value: object) -> None:
    from .publish import atomic_write

    atomic_write(path, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))


class RemoteStore(Store):
    """A SPARQL 1.1 server: queries over the SPARQL 1.1 Protocol, writes with SPARQL Update.

    Reads that fail for a passing reason (connection refused or reset, timeout, HTTP 502-504)
    are retried with backoff; writes are not. Bindings travel as a ``VALUES`` block opening the
    query's WHERE group (:func:`accsm_kg.sparql.inline_bindings`), since the protocol has no
    other way to carry them.

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

    def _dataset(self, query: PreparedQuery) -> dict[str, list[str]]:
        # a query naming its own dataset (FROM, FROM NAMED) keeps it: the protocol would
        # otherwise replace it by ours
        if query.has_dataset:
            return {}
        graphs = self.graphs if self.graphs is not None else self._server_graphs()
        if not graphs:
            return {}
        return {"default-graph-uri": graphs, "named-graph-uri": graphs}

    def _server_graphs(self) -> list[str]:
        if self._found is None:
            rows = self._json(
                self._post(
                    self.query_url,
                    {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                    "application/sparql-results+json",
                    retry=True,
                ),
                "results",
            )["results"]["bindings"]
            self._found = sorted(r["g"]["value"] for r in rows if r["g"]["type"] == "uri")
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
            {"query": text, **self._dataset(query)},
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
        """Upload each file into its named graph, replacing it as one step for readers.

        Each file goes first into a fresh staging graph, then ``MOVE`` replaces the target graph
        with it in one SPARQL Update operation.
        """
        for parsed in files:
            self.replace_graph(parsed.graph, parsed.triples)

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
        rows = self._select_text("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(row[0])) for row in rows if isinstance(row[0], URIRef))

    def _select_text(self, text: str) -> list[tuple[Node | None, ...]]:
        return self.select(prepare(text, {}), {})[1]

    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query on the server."""
        response = self._query(query, bindings, "application/sparql-results+json", timeout)
        document = self._json(response, "results")
        variables = list(document["head"]["vars"])
        rows = [
            tuple(from_sparql_json(b[v]) if v in b else None for v in variables)
            for b in document["results"]["bindings"]
        ]
        return variables, rows

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
        graph.parse(
            data=response.text,
            format="nt" if "n-triples" in kind or kind == "text/plain" else "turtle",
        )
        return graph

    def quads(self) -> Iterator[Quad]:
        """Yield every triple of the named graphs with its graph (fetched in one query)."""
        for s, p, o, g in self._select_text("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if s is not None and p is not None and o is not None and isinstance(g, URIRef):
                yield s, p, o, g

    def __len__(self) -> int:
        """Return the number of distinct triples in the named graphs."""
        rows = self._select_text(_COUNT)
        return int(str(rows[0][0]))

    def close(self) -> None:
        """Close the HTTP connections; using the store afterwards raises :class:`StoreError`."""
        self._closed = True
        self._client.close()


def _check_url(url: Any, name: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url) if isinstance(url, str) else None
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


def open_store(name: str, path: str | Path | None = None) -> Store:
    """Return a new store of the given kind (``path``: where a persistent Oxigraph store lives)."""
    if name == "rdflib":
        if path is not None:
            raise StoreError("the rdflib store lives in memory: use store='oxigraph' with a path")
        return RdflibStore()
    if name == "oxigraph":
        return OxigraphStore(path)
    raise StoreError(f"no store named {name!r}; the stores are: {', '.join(STORE_NAMES)}")
