"""What every store offers, and the ways a query is held to its timeout.

A store keeps one named graph per loaded file and answers SPARQL over the union of those graphs.
Results cross into Python in the engine's own terms (:class:`Solutions`); they become rdflib terms
only when a user reads them.
"""

from __future__ import annotations

import contextlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier, Node

from ..errors import AccsmKgError, OptionError, QueryTimeoutError, StoreError
from ..loading import FileFacts, ParsedFile, graph_facts, parse_any
from ..sparql import PreparedQuery, prepare

__all__ = [
    "COUNT_TRIPLES",
    "Loading",
    "Quad",
    "Solutions",
    "Store",
    "check_timeout",
    "engine_errors",
    "engine_message",
    "loading",
    "run_in_child",
    "run_with_timeout",
]

Quad = tuple[Node, Node, Node, URIRef]
#: The "file" of a graph the library made itself (the inferences of ``kg.reason()``).
GENERATED = Path("<generated>")
T = TypeVar("T")
#: Counts the distinct triples of the named graphs.
COUNT_TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
)


def _same(term: Any) -> Node:
    return term  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Solutions:
    """The answer to a SELECT: its variables, and rows of the engine's own terms.

    ``convert`` turns one engine term into an rdflib term; it is called only when a value is read.
    """

    variables: list[str]
    rows: list[tuple[Any, ...]]
    convert: Callable[[Any], Node] = _same


class Store(ABC):
    """What a knowledge graph needs of a store: load files, run SPARQL, hand out its quads."""

    name: ClassVar[str]

    @abstractmethod
    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put parsed files' triples into their named graphs, replacing what those graphs held.

        Files naming the same graph add up. All or nothing: if one file cannot be added, the
        store is left as it was.
        """

    def begin_load(self) -> Loading:
        """Start loading files, all or nothing (use :func:`loading` rather than this)."""
        return ParsedLoading(self)

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """Return the IRIs of the named graphs, sorted."""

    def solutions(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Solutions:
        """Run a SELECT query; its rows stay in the engine's terms until read."""
        variables, rows = self.select(query, bindings, timeout=timeout)
        return Solutions(variables, list(rows))

    def select_text(self, text: str) -> list[tuple[Node | None, ...]]:
        """Run a complete SELECT (its own PREFIX lines, no bindings) over the union of the graphs.

        For queries the library writes itself (the SHACL shapes compiled to SPARQL), which need
        none of the checks a user's query gets; rows of rdflib terms.
        """
        return self.select(prepare(text, {}), {})[1]

    @abstractmethod
    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query; return its variables and its rows of rdflib terms.

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

    def is_current(self, path: Path, graph: URIRef, among: Collection[str] = ()) -> bool:
        """Whether ``graph`` already holds this very file, so that loading may skip it.

        ``among``: the files (resolved paths) loaded with it, which may share its graphs.
        """
        return False

    def loaded_from(self, graph: URIRef) -> frozenset[str] | None:
        """Return the files (resolved paths) a named graph was last filled from, if known."""
        files = vars(self).get("_sources", {}).get(str(graph))
        return frozenset(files) if files else None

    def remember(self, filled: Mapping[str, Sequence[Path]]) -> None:
        """Note which files each named graph now holds (``filled``: graph IRI to its files)."""
        sources: dict[str, dict[str, str]] = vars(self).setdefault("_sources", {})
        for graph, paths in filled.items():
            sources[graph] = {str(path.resolve()): "" for path in paths if path != GENERATED}

    def put_generated(self, graph: URIRef, triples: Graph) -> None:
        """Replace ``graph`` with triples the library made (inferences): no file holds them."""
        self.add_files([ParsedFile(GENERATED, graph, triples)])

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Yield every triple with the named graph it is in, as rdflib terms."""

    def dump(self, path: Path, format: str, namespaces: NamespaceManager | None) -> None:
        """Write the named graphs to ``path`` in ``format`` (see :mod:`accsm_kg.publish`)."""
        from ..publish import dump_quads

        dump_quads(self.quads(), path, format, namespaces=namespaces)

    @abstractmethod
    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""

    def close(self) -> None:  # noqa: B027  # stores without resources need not close
        """Release what the store holds (files, connections)."""


class Loading(ABC):
    """One load of files into a store, all or nothing: :meth:`commit` or :meth:`rollback`."""

    @abstractmethod
    def add(self, path: Path, *, warn: bool = True) -> list[FileFacts]:
        """Parse one file into the store, staged until :meth:`commit`; one fact per graph.

        ``warn``: whether to warn of literals the store keeps in another form.
        """

    def expect(self, paths: Sequence[Path]) -> None:  # noqa: B027  # most loads need no notice
        """Be told the files about to be added, before any is (a store may prepare for them)."""

    @abstractmethod
    def commit(self) -> None:
        """Make every staged file part of the store."""

    @abstractmethod
    def rollback(self) -> None:
        """Leave the store as it was before the load."""


class ParsedLoading(Loading):
    """Loading for stores that take rdflib graphs: files are parsed in Python, added at commit."""

    def __init__(self, store: Store) -> None:
        """Load into ``store``."""
        self.store = store
        self.parsed: list[ParsedFile] = []

    def add(self, path: Path, *, warn: bool = True) -> list[FileFacts]:
        """Parse the file; nothing reaches the store before :meth:`commit`.

        rdflib keeps every literal as written, so there is nothing to warn of.
        """
        parts = parse_any(path)
        self.parsed += parts
        return [graph_facts(part.path, part.triples, part.graph) for part in parts]

    def commit(self) -> None:
        """Hand every parsed file to the store in one call."""
        self.store.add_files(self.parsed)
        filled: dict[str, list[Path]] = {}
        for part in self.parsed:
            filled.setdefault(str(part.graph), []).append(part.path)
        self.store.remember(filled)

    def rollback(self) -> None:
        """Nothing was written: forget the parsed files."""
        self.parsed.clear()


@contextlib.contextmanager
def loading(store: Store) -> Iterator[Loading]:
    """Load files into ``store`` in a ``with`` block: committed at its end, undone on error."""
    batch = store.begin_load()
    try:
        yield batch
        batch.commit()
    except BaseException:
        batch.rollback()
        raise


class Cancelled(Exception):
    """Raised inside a worker whose query ran past its timeout, to stop it between results."""


def run_with_timeout(work: Callable[[threading.Event], T], timeout: float | None) -> T:
    """Return ``work(stop)``, run in a worker thread; past ``timeout`` seconds, give it up.

    ``stop`` is set when the time is up: ``work`` should check it between results and return.
    Used where the work cannot move to another process (an update of an embedded store).

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
        except Cancelled:
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


def engine_message(error: BaseException) -> str:
    r"""Return an engine's exception as its type and message, in one line of bounded length.

    >>> engine_message(TypeError("bad\n  operand"))
    'TypeError: bad operand'
    """
    text = " ".join(str(error).split()) or "(no message)"
    if len(text) > 300:
        text = text[:300] + " …"
    return f"{type(error).__name__}: {text}"


@contextlib.contextmanager
def engine_errors(what: str, kinds: tuple[type[Exception], ...] = (Exception,)) -> Iterator[None]:
    """Let our own errors through; raise an engine's (of ``kinds``) as :class:`StoreError`.

    The message is ``what``, then the engine's exception in one line (:func:`engine_message`).
    """
    try:
        yield
    except AccsmKgError:
        raise
    except kinds as error:
        raise StoreError(f"{what}: {engine_message(error)}") from error


def run_in_child(work: Callable[[], T], timeout: float | None) -> T:
    """Return ``work()``, run in a forked child process killed past ``timeout`` seconds.

    The child holds a copy of the parent's memory, computes, and sends the result back; a child
    past its time is killed, so nothing goes on using CPU or memory. Where fork is missing, a
    thread is used, and the work runs on to its end in the background. An exception of the
    work's that is not one of ours comes back as a :class:`StoreError` keeping its message.

    >>> run_in_child(lambda: 1 + 1, 5.0)
    2
    >>> run_in_child(lambda: 1 / 0, 5.0)
    Traceback (most recent call last):
    accsm_kg.errors.StoreError: the query failed: ZeroDivisionError: division by zero
    """

    def ours() -> T:
        with engine_errors("the query failed"):
            return work()

    if timeout is None:
        return ours()
    check_timeout(timeout)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return run_with_timeout(lambda stop: ours(), timeout)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        try:
            outcome: tuple[str, Any] = ("value", ours())
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
