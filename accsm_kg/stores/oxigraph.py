"""The Oxigraph store: pyoxigraph, in memory or persistent in a folder; the default store.

Files are parsed by Oxigraph straight into the store, queries run on Oxigraph's engine and their
answers stay Oxigraph terms until read, and dumps are written by Oxigraph's serialisers. A query
with a timeout runs in a child process, killed when the time is up.

>>> from accsm_kg.resources import ontology_paths
>>> from accsm_kg.stores.base import loading
>>> store = OxigraphStore()
>>> with loading(store) as batch:
...     facts = [fact for path in ontology_paths() for fact in batch.add(path)]
>>> len(store.graph_names())
2
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import mmap
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier, Node

from ..errors import StoreError, UnsupportedFileError
from ..literals import CanonicalForms
from ..loading import (
    OX_FORMATS,
    FileFacts,
    LiteralCheck,
    ParsedFile,
    check_literals,
    check_start,
    decode,
    syntax_error,
    warn_rewritten,
)
from ..resources import DATASET_SUFFIXES, RDF_SUFFIXES, graph_iri
from ..sparql import PreparedQuery, inline_bindings
from ..terms import from_oxigraph, to_oxigraph
from .base import COUNT_TRIPLES, Loading, Quad, Solutions, Store, run_in_child, run_with_timeout

__all__ = ["OxigraphStore"]

T = TypeVar("T")
_BOM = b"\xef\xbb\xbf"
_OWL = "http://www.w3.org/2002/07/owl#"
_ONTOLOGY_FACTS = f"""SELECT ?kind ?iri WHERE {{
  {{ ?iri a <{_OWL}Ontology> BIND("ontology" AS ?kind) }}
  UNION {{ ?x <{_OWL}versionIRI> ?iri BIND("ontology" AS ?kind) }}
  UNION {{ ?x <{_OWL}imports> ?iri BIND("import" AS ?kind) }}
  FILTER(isIRI(?iri))
}}"""
_HAS_BLANK_NODES = "ASK { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"
_HAS_LIST = "ASK { ?s <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?o FILTER(isBlank(?s)) }"
# The formats of a dump, by the names of accsm_kg.publish.FORMATS.
_DUMP_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


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
        self._snapshot_path: Path | None = None
        if self.path is not None and (self.path / self._DIGESTS).is_file():
            self._digests = json.loads((self.path / self._DIGESTS).read_text(encoding="utf-8"))

    # -- loading ----------------------------------------------------------------------------

    @staticmethod
    def digest(path: Path) -> str:
        """Return the SHA-256 of a file's bytes."""
        sha = hashlib.sha256()
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                sha.update(block)
        return sha.hexdigest()

    def is_current(self, path: Path, graph: URIRef) -> bool:
        """Whether ``graph`` already holds this very file (same bytes), so it need not be parsed."""
        if str(graph) not in self._digests:
            return False
        return self._digests.get(str(graph)) == self.digest(
            path
        ) and self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def begin_load(self) -> Loading:
        """Start loading files straight into the store, all or nothing."""
        return _OxigraphLoading(self)

    def add_files(self, files: Sequence[ParsedFile]) -> None:
        """Put parsed files' triples into their named graphs (see :meth:`Store.add_files`)."""
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
        self._remember({str(parsed.graph): parsed.path for parsed in files})

    def _remember(self, files: Mapping[str, Path]) -> None:
        """Note the digest of each file now in the store, for :meth:`is_current`."""
        if self.path is None:
            return
        self._changed()
        for graph, path in files.items():
            self._digests[graph] = self.digest(path)
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

    # -- queries ----------------------------------------------------------------------------

    def _in_child(self, work: Callable[[ox.Store], T], timeout: float | None) -> T:
        """Return ``work(store)``; with a timeout, in a child process killed when it is up."""
        if timeout is None:
            return work(self._store)
        if self.path is None:
            store = self._store  # the child reads its copy of the parent's memory
            return run_in_child(lambda: work(store), timeout)
        # A store on disk changes its files as it compacts, under any reader but its own: the
        # child opens a snapshot (hard links to immutable files), made once per state.
        snapshot = str(self._snapshot())
        return run_in_child(lambda: work(ox.Store.read_only(snapshot)), timeout)

    def _snapshot(self) -> Path:
        """Return a read-only snapshot of the store on disk, made after the last change."""
        if self._snapshot_path is None:
            assert self.path is not None
            folder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
            # removed with the store, or at exit if the store is never closed
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            self._snapshot_path = folder / "snapshot"
            self._store.backup(str(self._snapshot_path))
        return self._snapshot_path

    def _changed(self) -> None:
        """Forget the snapshot of the store on disk: it no longer shows the store."""
        if self._snapshot_path is not None:
            shutil.rmtree(self._snapshot_path.parent, ignore_errors=True)
            self._snapshot_path = None

    def solutions(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Solutions:
        """Run a SELECT query; its rows are Oxigraph terms until read."""
        if timeout is None:
            result = _query(self._store, query, bindings)
        else:
            data = self._in_child(
                lambda store: _query(store, query, bindings).serialize(
                    format=ox.QueryResultsFormat.JSON
                ),
                timeout,
            )
            result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        try:
            variables = [v.value for v in result.variables]
            return Solutions(variables, [tuple(solution) for solution in result], _reader())
        finally:
            # Oxigraph's results must be freed by the thread that made them; rdflib's parse of
            # the query leaves frames in reference cycles, which the garbage collector may
            # clear from any thread, so no frame may keep them
            del result

    def select_text(self, text: str) -> list[tuple[Node | None, ...]]:
        """Run a complete SELECT of the library's own over the union of the graphs."""
        result = self._store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        try:
            read = _reader()
            return [tuple(map(read, solution)) for solution in result]
        finally:
            del result  # freed by this thread, as in solutions()

    def select(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT query with Oxigraph's engine; rows of rdflib terms."""
        found = self.solutions(query, bindings, timeout=timeout)
        return found.variables, [tuple(map(found.convert, row)) for row in found.rows]

    def ask(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> bool:
        """Run an ASK query with Oxigraph's engine."""
        return self._in_child(lambda store: bool(_query(store, query, bindings)), timeout)

    def construct(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query with Oxigraph's engine."""
        if timeout is None:
            triples: Any = _query(self._store, query, bindings)
        else:
            data = self._in_child(
                lambda store: _query(store, query, bindings).serialize(
                    format=ox.RdfFormat.N_TRIPLES
                ),
                timeout,
            )
            triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        graph = Graph()
        bnodes: dict[str, BNode] = {}
        graph.addN(
            (
                from_oxigraph(t.subject, bnodes),
                from_oxigraph(t.predicate, bnodes),
                from_oxigraph(t.object, bnodes),
                graph,
            )
            for t in triples
        )
        return graph

    def update(self, text: str, *, timeout: float | None = None) -> None:
        """Run SPARQL Update with Oxigraph's engine, in one transaction.

        Past ``timeout`` the update is not stopped (it must change this very store, so it cannot
        move to another process) but runs to its end in the background, all or nothing, and
        :class:`QueryTimeoutError` is raised.
        """
        try:
            run_with_timeout(lambda stop: self._update_now(text), timeout)
        except SyntaxError as error:
            raise StoreError(f"Oxigraph cannot run this update: {error}") from None
        except RuntimeError as error:  # e.g. DROP GRAPH of a graph there is not (no SILENT)
            raise StoreError(f"the update failed: {error}") from None
        finally:
            if self.path is not None:
                self._changed()
                # the graphs may no longer hold their files: load them again next time
                self._digests.clear()
                _write_json(self.path / self._DIGESTS, self._digests)
                self._store.flush()

    def _update_now(self, text: str) -> None:
        """Run an update; a store on disk forgets its snapshot once the update is done."""
        self._store.update(text)
        if self.path is not None:
            self._changed()

    # -- contents ---------------------------------------------------------------------------

    def quads(self) -> Iterator[Quad]:
        """Yield every triple of the named graphs with its graph, as rdflib terms."""
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                    URIRef(quad.graph_name.value),
                )

    def dump(self, path: Path, format: str, namespaces: NamespaceManager | None) -> None:
        """Write the named graphs with Oxigraph's serialisers, streaming into ``path``.

        N-Quads, TriG and JSON-LD keep the graphs; Turtle and N-Triples hold their union, written
        graph after graph (in the order of their names), so a triple stated in two files is
        written twice, which readers merge. The same files loaded in the same order give the
        same bytes: blank nodes have content-derived labels (see loading).
        """
        from ..publish import atomic_stream

        prefixes: dict[str, str] = {}
        if namespaces is not None:
            prefixes = {name: str(iri) for name, iri in namespaces.namespaces() if name}
        rdf_format = _DUMP_FORMATS[format]
        graphs = sorted(
            (g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
            key=lambda g: g.value,
        )

        def write(out: IO[bytes]) -> None:
            if format in ("nquads", "trig", "jsonld"):
                self._store.dump(out, rdf_format, prefixes=prefixes if format == "trig" else None)
                return
            for graph in graphs:
                self._store.dump(out, rdf_format, from_graph=graph, prefixes=_for(format, prefixes))

        atomic_stream(path, write)

    def __len__(self) -> int:
        """Return the number of distinct triples, all graphs together."""
        graphs = self._store.named_graphs()
        if len(list(itertools.islice(graphs, 2))) < 2:
            return len(self._store)  # one graph (or none): no triple is in two graphs
        result = self._store.query(COUNT_TRIPLES)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    def close(self) -> None:
        """Flush a persistent store to disk and let go of it, so its folder can be opened again.

        Using the store afterwards raises :class:`StoreError`.
        """
        if "_store" not in vars(self):
            return
        if self.path is not None:
            self._changed()
            self._store.flush()
        del self._store
        if self.path is not None:
            # results of past queries may sit in reference cycles and hold the folder's lock
            gc.collect()

    def __getattr__(self, name: str) -> Any:
        """Say that a closed store is closed (only ``_store`` goes missing, at :meth:`close`)."""
        if name == "_store":
            raise StoreError("this Oxigraph store is closed; load the knowledge graph again")
        raise AttributeError(name)


def _query(store: ox.Store, query: PreparedQuery, bindings: Mapping[str, Identifier]) -> Any:
    """Run ``query`` on ``store``, its bound values written in as constants."""
    text = inline_bindings(query, bindings) if bindings else query.full_text
    try:
        # without FROM, the default graph is the union of the named graphs, as on rdflib
        return store.query(text, use_default_graph_as_union=not query.has_dataset)
    except SyntaxError as error:  # our parser accepted it: a dialect difference
        raise StoreError(f"Oxigraph cannot run this query: {error}") from None


def _reader() -> Callable[[Any], Node]:
    """Return a converter to rdflib terms that converts each distinct term of a result once.

    Answers repeat their terms (the same IRI in many rows), and an rdflib literal costs far
    more to make than a lookup.
    """
    made: dict[Any, Node] = {}

    def read(term: Any) -> Node:
        if term is None:
            return None  # type: ignore[return-value]
        found = made.get(term)
        if found is None:
            found = made[term] = from_oxigraph(term)
        return found

    return read


def _for(format: str, prefixes: dict[str, str]) -> dict[str, str] | None:
    return prefixes if format == "turtle" else None


def _write_json(path: Path, value: object) -> None:
    from ..publish import atomic_write

    atomic_write(path, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))


class _OxigraphLoading(Loading):
    """Files parsed by Oxigraph straight into the store, each checked as it is read.

    A file whose graph is new goes straight into it; a file for a graph the store holds goes
    into a staging graph, moved over its target at :meth:`commit`. Rolling back removes every
    graph written, so the store is as it was.
    """

    def __init__(self, store: OxigraphStore) -> None:
        self.owner = store
        self.store = store._store
        self.canonical = CanonicalForms()
        self.written: dict[str, ox.NamedNode] = {}  # target graph -> the graph written for it
        self.files: dict[str, Path] = {}
        self.blank_nodes_possible = True

    def _graph_for(self, target: str) -> ox.NamedNode:
        """Return the graph to parse a file for ``target`` into.

        A later file of the load naming the same graph replaces what an earlier one put there.
        """
        node = ox.NamedNode(target)
        if target in self.written:
            self.store.remove_graph(self.written.pop(target))
        fresh = not self.store.contains_named_graph(node)
        into = node if fresh else ox.NamedNode(f"urn:x-accsm-kg:staging:{uuid.uuid4().hex}")
        self.written[target] = into
        return into

    def add(self, path: Path, *, warn: bool = True) -> list[FileFacts]:
        """Parse ``path`` into the store, checking its literals on a second thread meanwhile.

        ``warn=False`` records rewritten literals in the facts without a warning (for the
        vocabularies of the offline catalog, copies of files we do not edit).
        """
        suffix = path.suffix.lower()
        if suffix not in RDF_SUFFIXES and suffix not in DATASET_SUFFIXES:
            raise UnsupportedFileError(str(path))
        if suffix in DATASET_SUFFIXES:
            return self._add_dataset(path, warn)
        target = str(graph_iri(path))
        check_start(path)
        self.blank_nodes_possible = _may_hold_blank_nodes(path)
        form = OX_FORMATS[RDF_SUFFIXES[suffix]]
        into = self._graph_for(target)
        checked: dict[str, Any] = {}
        source = _source(path)

        def check() -> None:
            try:
                quads = ox.parse(**source, format=form, base_iri=target, lenient=True)
                checked["found"] = check_literals(path, quads, canonical=self.canonical)
            except BaseException as error:
                checked["error"] = error

        checker = threading.Thread(target=check, name="accsm-kg-check", daemon=True)
        checker.start()
        try:
            self.store.load(**source, format=form, base_iri=target, to_graph=into)
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        finally:
            checker.join()
        if isinstance(checked.get("error"), SyntaxError):
            raise syntax_error(path, checked["error"]) from None
        if "error" in checked:
            raise checked["error"]
        if next(iter(self.store.quads_for_pattern(None, None, None, into)), None) is None:
            check_start(path, 1 << 16)  # a file of white space only is refused, as by decode
        found: LiteralCheck = checked["found"]
        self._label_blank_nodes([into], target)
        facts = self._facts(path, URIRef(target), into)
        warn_rewritten(facts, found.rewritten, warn=warn)
        self.files[target] = path
        return [facts]

    def _add_dataset(self, path: Path, warn: bool) -> list[FileFacts]:
        """Parse an N-Quads or TriG file: each graph it names is filled, its default graph too."""
        own = str(graph_iri(path))
        text = decode(path, path.read_bytes())
        form = OX_FORMATS[DATASET_SUFFIXES[path.suffix.lower()]]
        try:
            quads = list(ox.parse(text, format=form, base_iri=own, rename_blank_nodes=True))
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        found = check_literals(path, quads, canonical=self.canonical)
        self.blank_nodes_possible = True
        graphs: dict[str, ox.NamedNode] = {}
        batch = []
        for quad in quads:
            name = quad.graph_name
            target = name.value if isinstance(name, ox.NamedNode) else own
            if target not in graphs:
                graphs[target] = self._graph_for(target)
            batch.append(ox.Quad(quad.subject, quad.predicate, quad.object, graphs[target]))
        self.store.bulk_extend(batch)
        self._label_blank_nodes(list(graphs.values()), own)  # shared by the file's graphs
        parts = []
        for target, into in sorted(graphs.items()):
            parts.append(self._facts(path, URIRef(target), into))
            self.files[target] = path
        if parts:
            warn_rewritten(parts[0], found.rewritten, warn=warn)
        return parts

    def _label_blank_nodes(self, graphs: list[ox.NamedNode], scope_of: str) -> None:
        """Give the blank nodes of a file's graphs labels that depend on their content only.

        The parser labels blank nodes at random, which would make every dump of the same data
        differ. RDFC-1.0 canonical labels, prefixed with a digest of the file's graph name so
        that two files' blank nodes stay apart, make the same file give the same labels every
        time; a blank node shared by two graphs of one file stays one node.
        """
        if not any(self._has_blank_nodes(graph) for graph in graphs):
            return
        dataset = ox.Dataset(
            quad
            for graph in graphs
            for quad in self.store.quads_for_pattern(None, None, None, graph)
        )
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        scope = hashlib.sha256(scope_of.encode("utf-8")).hexdigest()[:12]

        def label(term: Any) -> Any:
            return ox.BlankNode(f"b{scope}{term.value}") if type(term) is ox.BlankNode else term

        labelled = [
            ox.Quad(label(q.subject), q.predicate, label(q.object), q.graph_name) for q in dataset
        ]
        labelled.sort(key=str)  # the dataset's own order is not stable from run to run
        for graph in graphs:
            self.store.remove_graph(graph)
        self.store.extend(labelled)

    def _has_blank_nodes(self, graph: ox.NamedNode) -> bool:
        """Whether a graph holds a blank node; the text of its file was looked at first."""
        if self.blank_nodes_possible:
            return bool(self.store.query(_HAS_BLANK_NODES, default_graph=graph))
        # a collection, ( ... ), is the one way to write blank nodes without _: or [
        return bool(self.store.query(_HAS_LIST, default_graph=graph))

    def _facts(self, path: Path, target: URIRef, into: ox.NamedNode) -> FileFacts:
        facts = FileFacts(path, [target])
        result = self.store.query(_ONTOLOGY_FACTS, default_graph=into)
        for row in result:  # type: ignore[union-attr]
            kind, iri = row["kind"].value, row["iri"].value
            (facts.ontologies if kind == "ontology" else facts.imports).add(iri)
        return facts

    def commit(self) -> None:
        """Move staged graphs over their targets (MOVE replaces what a target held).

        A persistent store then remembers the digest of each file.
        """
        # one update, so one transaction; a staged file with no triple left no staging graph,
        # and its target is emptied
        operations = [
            f"MOVE GRAPH <{into.value}> TO <{target}>"
            if self.store.contains_named_graph(into)
            else f"DROP SILENT GRAPH <{target}>"
            for target, into in self.written.items()
            if into.value != target
        ]
        if operations:
            try:
                self.store.update(" ;\n".join(operations))
            except (OSError, RuntimeError) as error:
                raise StoreError(
                    f"the loaded files could not replace their graphs: {error}"
                ) from None
        self.owner._remember(self.files)

    def rollback(self) -> None:
        """Remove every graph this load wrote."""
        for into in self.written.values():
            with contextlib.suppress(OSError):
                self.store.remove_graph(into)
        self.written.clear()


def _may_hold_blank_nodes(path: Path) -> bool:
    """Whether the text of a file could write a blank node (``_:b`` or ``[ ]``), found fast."""
    with path.open("rb") as stream:
        if not path.stat().st_size:
            return False
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(b"_:") >= 0 or data.find(b"[") >= 0


def _source(path: Path) -> dict[str, Any]:
    """Return how Oxigraph's parser is to read a file: by its path, or from its bytes.

    The bytes are read only past a UTF-8 byte-order mark, which the parser refuses.
    """
    with path.open("rb") as stream:
        if stream.read(len(_BOM)) != _BOM:
            return {"path": str(path)}
        return {"input": stream.read()}
