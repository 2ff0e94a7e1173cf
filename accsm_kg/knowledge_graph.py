"""The knowledge graph: the one object users hold, and :func:`load`, which makes it.

>>> kg = load()
>>> kg.ask("ASK { kg:cambodia-delegation-focal-points-2020 accsm:delegationSize 8 }")
True
>>> rows = kg.query(
...     "SELECT ?name WHERE { ?d accsm:headOfDelegation ?p . ?p foaf:name ?name } ORDER BY ?name",
...     bindings={"d": kg.iri("kg:cambodia-delegation-focal-points-2020")},
... )
>>> [str(r.name) for r in rows]
['Chhy Vichara', 'ឈី វិជ្ជរ៉ា']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from .errors import QueryFormError, UnknownQueryError
from .loading import expand_paths, parse_file
from .publish import dump_quads
from .queries import NamedQuery, expand_iri, named_queries
from .resources import bundled_paths, check_path, graph_iri, shapes_paths
from .results import Rows
from .sparql import PreparedQuery, bind, prepare
from .store import RemoteStore, Store, StoreName, open_store
from .terms import curie
from .validate import ValidationReport, khmer_date_violations, validate_graph

__all__ = ["PREFIXES", "KnowledgeGraph", "connect", "load"]

#: The prefixes every query may use without declaring them, and dumps are written with.
PREFIXES: dict[str, str] = {
    "accsm": "https://w3id.org/accsm-kg/ontology#",
    "kg": "https://w3id.org/accsm-kg/id/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "shape": "https://w3id.org/accsm-kg/shapes#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class KnowledgeGraph:
    """RDF data in a store, queried with SPARQL, validated with SHACL, dumped to files.

    Make one with :func:`load`. Each query form has its method and its return type:
    :meth:`query` (SELECT, :class:`Rows`), :meth:`ask` (ASK, ``bool``) and :meth:`construct`
    (CONSTRUCT and DESCRIBE, an rdflib :class:`~rdflib.Graph`).
    """

    def __init__(self, store: Store) -> None:
        """Wrap ``store``; most users call :func:`load` instead."""
        self.store = store
        self.prefixes: dict[str, str] = dict(PREFIXES)
        self.namespaces = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, iri in self.prefixes.items():
            self.namespaces.bind(prefix, iri)

    # -- contents ---------------------------------------------------------------------------

    def add(self, *paths: str | Path) -> None:
        """Add Turtle (``.ttl``) or N-Triples (``.nt``) files, or folders of them.

        Each file goes into a named graph of its own. All or nothing: if any file fails to
        parse, none is added and the error names the file and line. A persistent store skips
        the files it already holds unchanged.
        """
        files = [p for p in expand_paths(paths) if not self.store.is_current(p, graph_iri(p))]
        self.store.add_files([parse_file(p) for p in files])

    def graphs(self) -> list[URIRef]:
        """Return the named graphs, one per loaded file."""
        return self.store.graph_names()

    def __len__(self) -> int:
        """Return the number of distinct triples."""
        return len(self.store)

    def iri(self, name: str) -> URIRef:
        """Return the IRI for a prefixed name (``kg:cambodia``) or an absolute IRI.

        >>> load().iri("kg:cambodia")
        rdflib.term.URIRef('https://w3id.org/accsm-kg/id/cambodia')
        """
        return expand_iri(name, self.prefixes)

    def summary(self) -> str:
        """Return a few lines on what the graph holds: triples, graphs and instances per class."""
        counts = self.named_query("class-instances")
        lines = [
            f"{len(self):,} triples in {len(self.graphs())} named graphs ({self.store.name} store)",
            "instances per class:",
        ]
        lines += [f"  {self._curie(row[0])}: {row[1]}" for row in counts]
        return "\n".join(lines)

    def _curie(self, node: object) -> str:
        return curie(node, self.namespaces) if isinstance(node, URIRef) else str(node)

    def __repr__(self) -> str:
        """Show the size and the store."""
        return f"<KnowledgeGraph: {len(self):,} triples, {self.store.name} store>"

    # -- queries ----------------------------------------------------------------------------

    def _prepare(self, sparql: str) -> PreparedQuery:
        return prepare(sparql, self.prefixes)

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Rows:
        """Run a SELECT query; ``bindings`` give values to its variables.

        Values are RDF terms or Python values (see :func:`accsm_kg.sparql.to_term`). The
        prefixes in :attr:`prefixes` may be used without ``PREFIX`` declarations.
        """
        prepared = self._prepare(sparql)
        prepared.expect("query", "SELECT")
        variables, rows = self.store.select(prepared, bind(prepared, bindings))
        return Rows(variables, rows, namespaces=self.namespaces)

    def ask(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> bool:
        """Run an ASK query."""
        prepared = self._prepare(sparql)
        prepared.expect("ask", "ASK")
        return self.store.ask(prepared, bind(prepared, bindings))

    def construct(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query; the graph comes with the known prefixes bound."""
        prepared = self._prepare(sparql)
        prepared.expect("construct", "CONSTRUCT", "DESCRIBE")
        graph = self.store.construct(prepared, bind(prepared, bindings))
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri, override=True, replace=True)
        return graph

    @property
    def named_queries(self) -> dict[str, NamedQuery]:
        """The shipped competency queries, by name."""
        return named_queries()

    def named_query(self, name: str, /, **bindings: Any) -> Rows:
        """Run a named competency query; keyword arguments bind its parameters.

        Strings are converted by each parameter's kind, so ``country="kg:cambodia"`` binds an IRI.
        """
        try:
            named = named_queries()[name]
        except KeyError:
            raise UnknownQueryError(name, list(named_queries())) from None
        terms = {
            key: named.parameter(key).convert(value, self.prefixes)
            for key, value in bindings.items()
        }
        prepared = self._prepare(named.sparql)
        if prepared.form != "SELECT":
            raise QueryFormError(
                prepared.form, "named_query", "ask" if prepared.form == "ASK" else "construct"
            )
        return self.query(named.sparql, terms)

    # -- checks and output ------------------------------------------------------------------

    def union(self) -> Graph:
        """Return every triple in one rdflib graph (a copy), with the known prefixes bound."""
        graph = Graph()
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri, override=True, replace=True)
        for s, p, o, _ in self.store.quads():
            graph.add((s, p, o))
        return graph

    def validate(self, shapes: Iterable[str | Path] | None = None) -> ValidationReport:
        """Validate the graph with SHACL: the bundled shapes, or the shapes files given.

        Khmer dates are checked too: each ``accsm:khmerDate`` must name the same day as the
        ``schema:startDate`` beside it (the lunar calendar is computed by :mod:`accsm_kg.khmer`).
        """
        shapes_graph = Graph()
        for path in shapes if shapes is not None else shapes_paths():
            shapes_graph += parse_file(Path(path)).triples
        report = validate_graph(self.union(), shapes_graph, namespaces=self.namespaces)
        dates = self.query(check_path("khmer-dates").read_text(encoding="utf-8"))
        return report.with_violations(khmer_date_violations(dates))

    def dump(self, path: str | Path, format: str = "turtle") -> Path:
        """Write the graph to ``path`` as turtle, ntriples, nquads, trig or jsonld.

        N-Quads, TriG and JSON-LD keep the named graphs (where each triple came from); Turtle and
        N-Triples hold their union. The file is replaced atomically.
        """
        return dump_quads(self.store.quads(), Path(path), format, namespaces=self.namespaces)

    def push(
        self,
        update_url: str,
        *,
        auth: tuple[str, str] | None = None,
        timeout: float = 60.0,
    ) -> list[URIRef]:
        """Upload every named graph to a SPARQL 1.1 server; return the graphs written.

        Each graph is loaded into a fresh staging graph, then moved over its namesake in one
        SPARQL Update operation, so readers see the old graph or the new one, never half.
        """
        remote = RemoteStore(update_url, update_url, auth=auth, timeout=timeout)
        try:
            graphs: dict[URIRef, Graph] = {}
            for s, p, o, g in self.store.quads():
                graphs.setdefault(g, Graph()).add((s, p, o))
            for name, triples in sorted(graphs.items()):
                remote.replace_graph(name, triples)
        finally:
            remote.close()
        return sorted(graphs)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        """Use the graph in a ``with`` block; it is closed at the end."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the graph."""
        self.close()


def load(
    *paths: str | Path,
    include_bundled: bool = True,
    store: StoreName = "oxigraph",
    path: str | Path | None = None,
) -> KnowledgeGraph:
    """Load the bundled ontology and data, plus any Turtle files or folders given.

    :param paths: more ``.ttl`` or ``.nt`` files, or folders of them, added on top.
    :param include_bundled: load the bundled ontology and data too (the default).
    :param store: which store holds the triples: ``"oxigraph"`` (the default, the fastest) or
        ``"rdflib"`` (the reference implementation).
    :param path: a folder for a persistent Oxigraph store; reopened, it skips the files it
        already holds unchanged.
    :raises LoadError: a file is missing or does not parse; nothing is loaded then.
    """
    kg = KnowledgeGraph(open_store(store, path))
    files = [*(bundled_paths() if include_bundled else []), *paths]
    kg.add(*files)
    return kg


def connect(
    query_url: str,
    update_url: str | None = None,
    *,
    auth: tuple[str, str] | None = None,
    timeout: float = 30.0,
    graphs: Iterable[str] | None = None,
) -> KnowledgeGraph:
    """Use a SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB...) as the store.

    :param query_url: the SPARQL query endpoint.
    :param update_url: the SPARQL Update endpoint; without it the store is read-only.
    :param auth: a user name and password (HTTP basic authentication).
    :param timeout: seconds to wait for each answer.
    :param graphs: the named graphs that make up the data (e.g. ``kg.push(...)``'s result); by
        default the server's own default dataset.
    """
    store = RemoteStore(
        query_url,
        update_url,
        auth=auth,
        timeout=timeout,
        graphs=None if graphs is None else [str(g) for g in graphs],
    )
    return KnowledgeGraph(store)
