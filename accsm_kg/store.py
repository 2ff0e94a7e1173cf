"""Stores: where the triples live and where SPARQL runs.

One small interface, :class:`Store`, that the :class:`~accsm_kg.KnowledgeGraph` talks to; each
implementation is the only code that touches its engine. Every store keeps one named graph per
loaded file, and queries see the union of those graphs as their default graph.

>>> from accsm_kg.loading import parse_files
>>> from accsm_kg.resources import ontology_paths
>>> store = RdflibStore()
>>> store.add_files(parse_files(ontology_paths()))
>>> len(store.graph_names())
2
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar
from typing import Literal as TypingLiteral

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier, Node

from .errors import StoreError
from .loading import ParsedFile
from .sparql import PreparedQuery

__all__ = ["RdflibStore", "Store", "StoreName", "open_store"]

#: The stores :func:`accsm_kg.load` can build.
StoreName = TypingLiteral["rdflib"]

Quad = tuple[Node, Node, Node, URIRef]


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
        self, query: PreparedQuery, bindings: Mapping[str, Identifier]
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query; return its variables and its rows."""

    @abstractmethod
    def ask(self, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def quads(self) -> Iterator[Quad]:
        """Yield every triple with the named graph it is in."""

    @abstractmethod
    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""

    def close(self) -> None:  # noqa: B027  # stores without resources need not close
        """Release what the store holds (files, connections)."""


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
        self, query: PreparedQuery, bindings: Mapping[str, Identifier]
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query with rdflib's engine."""
        result = self._dataset.query(query.algebra, initBindings=dict(bindings))
        variables = [str(v) for v in result.vars or []]
        return variables, [tuple(row) for row in result]  # type: ignore[arg-type]

    def ask(self, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> bool:
        """Run an ASK query with rdflib's engine."""
        return bool(self._dataset.query(query.algebra, initBindings=dict(bindings)).askAnswer)

    def construct(self, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query with rdflib's engine."""
        result = self._dataset.query(query.algebra, initBindings=dict(bindings))
        graph = Graph()
        if result.graph is not None:
            graph += result.graph
        return graph

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


def open_store(name: str) -> Store:
    """Return a new, empty store of the given kind."""
    if name == "rdflib":
        return RdflibStore()
    raise StoreError(f"no store named {name!r}; the stores are: rdflib")
