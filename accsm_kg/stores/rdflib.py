"""The rdflib store: an in-memory :class:`rdflib.Dataset`, the reference implementation.

>>> from accsm_kg.loading import parse_files
>>> from accsm_kg.resources import ontology_paths
>>> store = RdflibStore()
>>> store.add_files(parse_files(ontology_paths()))
>>> len(store.graph_names())
4
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import rdflib.plugins.sparql as rdflib_sparql
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ..loading import ParsedFile
from ..sparql import PreparedQuery, inline_bindings, prepare
from ..terms import quiet_rdflib_terms
from .base import Quad, Store, engine_errors, run_in_child

__all__ = ["RdflibStore"]

T = TypeVar("T")


@contextlib.contextmanager
def _local_graphs_only() -> Iterator[None]:
    """Make rdflib read ``FROM <iri>`` and ``USING <iri>`` as graphs of the store, never fetched."""
    previous = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    try:
        yield
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = previous


@contextlib.contextmanager
def _engine(what: str) -> Iterator[None]:
    """Run rdflib's SPARQL engine: FROM graphs read locally, its own exceptions as ours.

    rdflib's engine fails on some queries our parser accepts, with whatever exception it meets
    (``TypeError``, ``AttributeError``, a bare ``Exception``): each becomes a
    :class:`StoreError` that keeps the engine's message. Its log records about ill-typed
    literals in the query are dropped: such a literal is a constant like any other.
    """
    with (
        engine_errors(f"the rdflib store cannot run this {what}"),
        _local_graphs_only(),
        quiet_rdflib_terms(),
    ):
        yield


class RdflibStore(Store):
    """An in-memory rdflib :class:`~rdflib.Dataset`: the reference implementation."""

    name = "rdflib"

    def __init__(self) -> None:
        """Start empty."""
        self._dataset = Dataset(default_union=True)
        self._changes = 0  # counts writes, so that a view of some graphs knows it is stale
        self._view: tuple[tuple[tuple[str, ...], int, int], Dataset] | None = None

    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put each file's triples into its named graph (see :meth:`Store.add_files`)."""
        self._changes += 1
        saved: dict[URIRef, Graph] = {}
        try:
            for parsed in files:
                graph = self._dataset.graph(parsed.graph)
                if parsed.graph not in saved:  # the first file of a graph replaces it
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
            # a value that is no RDF term (rdflib's COALESCE() gives a str) is an expression
            # that failed, which SPARQL leaves unbound
            rows: list[tuple[Node | None, ...]] = [
                tuple(value if isinstance(value, _TERMS) else None for value in row)
                for row in (
                    tuple(solution.get(name) for name in names) for solution in result.bindings
                )
            ]
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
        # bound values stand in the query as constants: the bound text is parsed (and cached)
        if bindings:
            with quiet_rdflib_terms():
                algebra = prepare(inline_bindings(query, bindings), {}).algebra
        else:
            algebra = query.algebra

        narrowed = query.graphs is not None and not query.has_dataset
        dataset = self._only(query.graphs or ()) if narrowed else self._dataset

        def work() -> T:
            with _engine("query"):
                return read(dataset.query(algebra))

        with quiet_rdflib_terms():  # the terms of an answer from a child are made again here
            return run_in_child(work, timeout)

    def _only(self, graphs: Sequence[str]) -> Dataset:
        """Return a copy of the dataset holding only ``graphs`` (a query's restriction).

        The copy is kept until the store changes, so that queries after the first cost no copy.
        """
        key = (tuple(graphs), len(self._dataset), self._changes)
        if self._view is not None and self._view[0] == key:
            return self._view[1]
        kept = Dataset(default_union=True)
        for name in graphs:
            source = self._dataset.graph(URIRef(name))
            target = kept.graph(URIRef(name))
            for triple in source:
                target.add(triple)
        self._view = (key, kept)
        return kept

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update with rdflib's engine; a failed or timed-out update changes nothing.

        With a ``timeout``, the update runs on a copy in a child process (:func:`run_in_child`)
        and the quads it leaves are taken over only if it finishes in time.
        """
        self._changes += 1
        if timeout is None:
            saved = list(self._quads_with_default())
            try:
                with _engine("update"):
                    self._dataset.update(text)
            except BaseException:
                self._replace(saved)
                raise
            return

        def work() -> list[tuple[Node, Node, Node, Node]]:
            with _engine("update"):
                self._dataset.update(text)
            return list(self._quads_with_default())

        with quiet_rdflib_terms():
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
_TERMS = (URIRef, Literal, BNode)
