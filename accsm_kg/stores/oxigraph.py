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
4
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import shutil
import tempfile
import threading
import uuid
import warnings
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier, Node

from ..errors import StoreError, StoreWarning, UnsupportedFileError
from ..literals import CanonicalForms
from ..loading import (
    OX_FORMATS,
    FileFacts,
    LiteralCheck,
    ParsedFile,
    check_literals,
    check_start,
    decode,
    no_triple,
    parser_input,
    reading,
    syntax_error,
    warn_rewritten,
)
from ..publish import leftovers, temporary_prefix
from ..resources import DATASET_SUFFIXES, RDF_SUFFIXES, graph_iri
from ..sparql import PreparedQuery, inline_bindings
from ..terms import from_oxigraph, to_oxigraph
from .base import (
    COUNT_TRIPLES,
    GENERATED,
    Loading,
    Quad,
    Solutions,
    Store,
    engine_errors,
    run_in_child,
    run_with_timeout,
)

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
_STAGING = "urn:x-accsm-kg:staging:"
#: The stores on disk this process has open, by folder: one opening of a folder at a time.
_OPEN: dict[Path, weakref.ref[OxigraphStore]] = {}
_SNAPSHOT_TAG = "accsm-kg-snapshot"
_DROP_BLANK = (
    "DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
    "WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
)
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

    A persistent store remembers the files each graph was filled from, with a digest of each, so
    that loading the same files again (:meth:`is_current`) skips them instead of parsing them
    again.
    """

    name = "oxigraph"
    _DIGESTS = "accsm-kg-sources.json"
    _FORMAT = "accsm-kg-sources/2"

    def __init__(self, path: str | Path | None = None) -> None:
        """Open the store in ``path`` (created if missing), or in memory.

        A folder this process already has open is closed first, so opening it again (a notebook
        cell run twice) works; the earlier store then says it is closed if used.
        """
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            earlier = _OPEN.get(self.path.resolve())
            if earlier is not None and earlier() is not None:
                earlier().close()  # type: ignore[union-attr]
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as error:
            raise StoreError(f"{path}: cannot open an Oxigraph store there: {error}") from None
        if self.path is not None:
            _OPEN[self.path.resolve()] = weakref.ref(self)
        self._sources: dict[str, dict[str, str]] = {}
        # graphs a load is writing that the store did not hold before it: gone if it never ends
        self._pending: list[str] = []
        # the update that ends a load, with its staged graphs: finished if it never ends
        self._commit_record: dict[str, Any] = {}
        self._snapshot_path: Path | None = None
        if self.path is not None:
            if (self.path / self._DIGESTS).exists():
                record = self._read_sources(self.path / self._DIGESTS)
                self._sources, self._pending, self._commit_record = record
            self._recover()

    @classmethod
    def _read_sources(
        cls, path: Path
    ) -> tuple[dict[str, dict[str, str]], list[str], dict[str, Any]]:
        """Read the record of which files fill which graph; a damaged one is rebuilt.

        The record only saves work: without it every file is parsed again at the next load.
        """
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(record, dict) and all(isinstance(v, str) for v in record.values()):
                return {}, [], {}  # the digests of earlier versions: the files are read again
            graphs = record["graphs"] if record.get("format") == cls._FORMAT else None
            pending = record.get("pending", [])
            commit = record.get("commit", {})
            if (
                isinstance(graphs, dict)
                and all(
                    isinstance(files, dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
                    for files in graphs.values()
                )
                and isinstance(pending, list)
                and all(isinstance(graph, str) for graph in pending)
                and isinstance(commit, dict)
                and (
                    not commit
                    or (
                        isinstance(commit.get("update"), str)
                        and isinstance(commit.get("marker"), str)
                        and isinstance(commit.get("sources"), dict)
                    )
                )
            ):
                return graphs, pending, commit
            problem = "it is not a record of accsm-kg's sources"
        except (OSError, ValueError, AttributeError, TypeError, KeyError) as error:
            problem = str(error)
        warnings.warn(
            f"{path}: unreadable ({problem}); it is rebuilt, and every file is parsed again",
            StoreWarning,
            stacklevel=4,
        )
        return {}, [], {}

    def _recover(self) -> None:
        """Finish or undo a load that a killed process left: never half of it.

        A load killed once its end was recorded is finished (its update run again if its marker
        graph shows it never ran); one killed before has its new and staged graphs removed.
        """
        commit = self._commit_record
        if commit:
            marker = ox.NamedNode(commit["marker"])
            if not self._store.contains_named_graph(marker):
                self._store.update(commit["update"])
            self._finish(commit)
        leftovers = [
            graph
            for graph in self._store.named_graphs()
            if isinstance(graph, ox.NamedNode)
            and (graph.value.startswith(_STAGING) or graph.value in self._pending)
        ]
        for graph in leftovers:
            self._store.remove_graph(graph)
        if self._pending or leftovers:
            self._pending = []
            self._save_sources()

    # -- loading ----------------------------------------------------------------------------

    @staticmethod
    def digest(path: Path) -> str:
        """Return the SHA-256 of a file's bytes."""
        sha = hashlib.sha256()
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                sha.update(block)
        return sha.hexdigest()

    def is_current(self, path: Path, graph: URIRef, among: Collection[str] = ()) -> bool:
        """Whether the store holds this very file (same bytes): no need to parse it.

        A Turtle or N-Triples file must be alone in its own ``graph``; a TriG or N-Quads file
        current in every graph it filled, which only the files ``among`` may fill too.
        """
        key = str(path.resolve())
        held = [name for name, files in self._sources.items() if key in files]
        if not held:
            return False
        if path.suffix.lower() not in DATASET_SUFFIXES:
            if held != [str(graph)] or len(self._sources[str(graph)]) != 1:
                return False
        elif any(set(self._sources[name]) - {key, *among} for name in held):
            return False
        digest = self.digest(path)
        return all(
            self._sources[name][key] == digest
            and self._store.contains_named_graph(ox.NamedNode(name))
            for name in held
        )

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
        filled: dict[str, list[Path]] = {}
        for parsed in files:
            filled.setdefault(str(parsed.graph), []).append(parsed.path)
        self.remember(filled)

    def remember(self, filled: Mapping[str, Sequence[Path]]) -> None:
        """Note the files (and on disk the digest of each) that fill each graph."""
        self._sources.update(self._sources_of(filled))
        self._pending = []
        self._save_sources()

    def _sources_of(self, filled: Mapping[str, Sequence[Path]]) -> dict[str, dict[str, str]]:
        digest = self.digest if self.path is not None else (lambda path: "")
        return {
            graph: {str(path.resolve()): digest(path) for path in paths if path != GENERATED}
            for graph, paths in filled.items()
        }

    def _commit(self, operations: list[str], filled: Mapping[str, Sequence[Path]]) -> None:
        """End a load: run the update that moves its staged graphs, note the files of each graph.

        On disk the record tells first what is to be done; the update also writes a marker graph,
        so the next process to open a store killed meanwhile finishes it (:meth:`_recover`).
        """
        marker = f"{_STAGING}done-{uuid.uuid4().hex}"
        update = " ;\n".join([*operations, f"INSERT DATA {{ GRAPH <{marker}> {{ <{marker}> "
                                             f"<{marker}> <{marker}> }} }}"])  # fmt: skip
        commit = {"update": update, "marker": marker, "sources": self._sources_of(filled)}
        if self.path is not None:
            self._commit_record, self._pending = commit, []
            try:
                self._save_sources()
            except BaseException:
                self._commit_record = {}
                raise
        try:
            self._store.update(update)
        except BaseException:
            self._commit_record = {}
            with contextlib.suppress(OSError):
                self._save_sources()
            raise
        self._finish(commit)

    def _finish(self, commit: Mapping[str, Any]) -> None:
        """Note the files of a load whose update has run, and drop its marker graph."""
        self._sources.update(commit["sources"])
        self._commit_record = {}
        self._save_sources()
        self._store.remove_graph(ox.NamedNode(commit["marker"]))

    def _save_sources(self) -> None:
        if self.path is None:
            return
        self._changed()
        self._store.flush()  # the graphs first, then the record that tells of them
        record: dict[str, object] = {"format": self._FORMAT, "graphs": self._sources}
        if self._pending:
            record["pending"] = self._pending
        if self._commit_record:
            record["commit"] = self._commit_record
        _write_json(self.path / self._DIGESTS, record)

    def _will_write(self, graphs: Iterable[str]) -> None:
        """Note, before a load writes graphs the store lacks, that they go if the load dies."""
        new = [graph for graph in graphs if graph not in self._pending]
        if self.path is not None and new:
            self._pending += new
            self._save_sources()

    def _written(self) -> None:
        """Forget the graphs of a load that has ended: none of them is pending any more."""
        if self._pending:
            self._pending = []
            self._save_sources()

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
            for leftover in leftovers(self.path, _SNAPSHOT_TAG):  # of processes killed earlier
                shutil.rmtree(leftover, ignore_errors=True)
            folder = Path(
                tempfile.mkdtemp(
                    prefix=temporary_prefix(self.path, _SNAPSHOT_TAG),
                    suffix=".tmp",
                    dir=self.path.parent,
                )
            )
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

    def _answer(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        timeout: float | None,
        form: ox.QueryResultsFormat | ox.RdfFormat,
    ) -> Any:
        """Return the engine's answer; with a timeout, made in a child and sent back in ``form``."""
        if timeout is None:
            return _query(self._store, query, bindings)
        data = self._in_child(
            lambda store: _query(store, query, bindings).serialize(format=form), timeout
        )
        if isinstance(form, ox.QueryResultsFormat):
            return ox.parse_query_results(data, format=form)
        return ox.parse(data, format=form)

    def solutions(
        self,
        query: PreparedQuery,
        bindings: Mapping[str, Identifier],
        *,
        timeout: float | None = None,
    ) -> Solutions:
        """Run a SELECT query; its rows are Oxigraph terms until read."""
        result = self._answer(query, bindings, timeout, ox.QueryResultsFormat.JSON)
        try:
            variables = [v.value for v in result.variables]
            with _engine_errors():  # solutions are computed as they are read
                rows = [tuple(solution) for solution in result]
            return Solutions(variables, rows, _reader())
        finally:
            # Oxigraph's results must be freed by the thread that made them; rdflib's parse of
            # the query leaves frames in reference cycles, which the garbage collector may
            # clear from any thread, so no frame may keep them
            del result

    def select_text(self, text: str) -> list[tuple[Node | None, ...]]:
        """Run a complete SELECT of the library's own over the union of the graphs."""
        with _engine_errors():
            result = self._store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        try:
            read = _reader()
            with _engine_errors():
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
        triples = self._answer(query, bindings, timeout, ox.RdfFormat.N_TRIPLES)
        graph = Graph()
        bnodes: dict[str, BNode] = {}
        with _engine_errors():
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
                # the graphs may no longer hold their files: load them again next time
                for files in self._sources.values():
                    files.update(dict.fromkeys(files, ""))
                self._save_sources()

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
        with _engine_errors():
            if query.graphs is not None and not query.has_dataset:
                default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
                    ox.NamedNode(g) for g in query.graphs
                ]
                named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in query.graphs]
                return store.query(text, default_graph=default, named_graphs=named)
            # without FROM, the default graph is the union of the named graphs, as on rdflib
            return store.query(text, use_default_graph_as_union=not query.has_dataset)
    except SyntaxError as error:  # our parser accepted it: a dialect difference
        raise StoreError(f"Oxigraph cannot run this query: {error}") from None


def _engine_errors() -> contextlib.AbstractContextManager[None]:
    """Turn what Oxigraph raises while it evaluates a query into :class:`StoreError`."""
    return engine_errors("Oxigraph could not run this query", (OSError, RuntimeError, ValueError))


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


class _BlankNodeLabels:
    """Labels for a file's blank nodes, in the order they first appear in it.

    The parser labels blank nodes at random, which would make every dump of the same data
    differ. Numbered in the order of the file, after a digest of the file's graph name (so that
    two files' blank nodes stay apart), the same file gets the same labels every time, in time
    proportional to its size.
    """

    def __init__(self, scope_of: str) -> None:
        self.prefix = "b" + hashlib.sha256(scope_of.encode("utf-8")).hexdigest()[:12]
        self.labels: dict[str, ox.BlankNode] = {}
        #: the triples with blank nodes that :meth:`watch` saw, labelled
        self.quads: list[ox.Quad] = []

    def label(self, term: Any) -> Any:
        """Return ``term``, or the label of its blank node."""
        if type(term) is not ox.BlankNode:
            return term
        found = self.labels.get(term.value)
        if found is None:
            found = self.labels[term.value] = ox.BlankNode(f"{self.prefix}{len(self.labels)}")
        return found

    def watch(self, quads: Iterable[ox.Quad], graph: ox.NamedNode) -> Iterator[ox.Quad]:
        """Pass ``quads`` on, keeping those with blank nodes, labelled, in ``graph``."""
        blank, label = ox.BlankNode, self.label
        for quad in quads:
            if type(quad.subject) is blank or type(quad.object) is blank:
                self.quads.append(
                    ox.Quad(label(quad.subject), quad.predicate, label(quad.object), graph)
                )
            yield quad


class _OxigraphLoading(Loading):
    """Files parsed by Oxigraph straight into the store, each checked as it is read.

    A file whose graph is new goes straight into it; a file for a graph the store holds, or
    that an earlier file of the load filled, goes into a staging graph of its own, moved over its
    target (the first) or added to it (the others) at :meth:`commit`. Rolling back removes every
    graph written, so the store is as it was.
    """

    def __init__(self, store: OxigraphStore) -> None:
        self.owner = store
        self.store = store._store
        self.canonical = CanonicalForms()
        self.written: dict[str, list[ox.NamedNode]] = {}  # target -> the graphs written for it
        self.files: dict[str, list[Path]] = {}

    def _graph_for(self, target: str) -> ox.NamedNode:
        """Return the graph to parse a file for ``target`` into: the target itself if it is new."""
        node = ox.NamedNode(target)
        fresh = target not in self.written and not self.store.contains_named_graph(node)
        into = node if fresh else ox.NamedNode(f"{_STAGING}{uuid.uuid4().hex}")
        if fresh:
            self.owner._will_write([target])
        self.written.setdefault(target, []).append(into)
        return into

    def expect(self, paths: Sequence[Path]) -> None:
        """Note at once the new graphs the Turtle and N-Triples files will fill."""
        self.owner._will_write(
            target
            for path in paths
            if path.suffix.lower() in RDF_SUFFIXES
            and not self.store.contains_named_graph(ox.NamedNode(target := str(graph_iri(path))))
        )

    def add(self, path: Path, *, warn: bool = True) -> list[FileFacts]:
        """Parse ``path`` into the store, checking its literals on a second thread meanwhile.

        ``warn=False`` records rewritten literals in the facts without a warning (for the
        vocabularies of the offline catalog, copies of files we do not edit).
        """
        suffix = path.suffix.lower()
        if suffix not in RDF_SUFFIXES and suffix not in DATASET_SUFFIXES:
            raise UnsupportedFileError(str(path))
        with reading(path):
            if suffix in DATASET_SUFFIXES:
                return self._add_dataset(path, warn)
            return self._add_file(path, suffix, warn)

    def _add_file(self, path: Path, suffix: str, warn: bool) -> list[FileFacts]:
        """Parse a Turtle or N-Triples file into its graph (see :meth:`add`).

        Oxigraph parses the file into the store while a second thread parses it again, checks
        its literals and labels its blank nodes; the triples with blank nodes are then put in
        again under those labels.
        """
        target = str(graph_iri(path))
        check_start(path)
        form = OX_FORMATS[RDF_SUFFIXES[suffix]]
        into = self._graph_for(target)
        checked: dict[str, Any] = {}
        source = _source(path)
        labels = _BlankNodeLabels(target)

        def check() -> None:
            try:
                quads = ox.parse(**source, format=form, base_iri=target, lenient=True)
                checked["found"] = check_literals(
                    path, labels.watch(quads, into), canonical=self.canonical
                )
            except BaseException as error:
                checked["error"] = error

        checker = threading.Thread(target=check, name="accsm-kg-check", daemon=True)
        checker.start()
        try:
            with parser_input(path, source.get("input")) as given:  # a bar for a large file
                self.store.load(**given, format=form, base_iri=target, to_graph=into)
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
            no_triple(path)
        found: LiteralCheck = checked["found"]
        if labels.quads:
            self.store.update(_DROP_BLANK.format(graph=into.value))
            self.store.extend(labels.quads)
        facts = self._facts(path, URIRef(target), into)
        warn_rewritten(facts, found.rewritten, warn=warn)
        self.files.setdefault(target, []).append(path)
        return [facts]

    def _add_dataset(self, path: Path, warn: bool) -> list[FileFacts]:
        """Parse an N-Quads or TriG file: each graph it names is filled, its default graph too."""
        own = str(graph_iri(path))
        text = decode(path, path.read_bytes())
        form = OX_FORMATS[DATASET_SUFFIXES[path.suffix.lower()]]
        try:
            with parser_input(path, text) as given:
                quads = list(ox.parse(**given, format=form, base_iri=own, rename_blank_nodes=True))
        except SyntaxError as error:
            raise syntax_error(path, error) from None
        found = check_literals(path, quads, canonical=self.canonical)
        graphs: dict[str, ox.NamedNode] = {}
        if not quads:
            no_triple(path)
            graphs[own] = self._graph_for(own)  # the file's own graph, now empty
        label = _BlankNodeLabels(own).label  # one scope for the file: its graphs share nodes
        batch = []
        for quad in quads:
            name = quad.graph_name
            target = name.value if isinstance(name, ox.NamedNode) else own
            if target not in graphs:
                graphs[target] = self._graph_for(target)
            batch.append(
                ox.Quad(label(quad.subject), quad.predicate, label(quad.object), graphs[target])
            )
        self.store.bulk_extend(batch)
        parts = []
        for target, into in sorted(graphs.items()):
            parts.append(self._facts(path, URIRef(target), into))
            self.files.setdefault(target, []).append(path)
        if parts:
            warn_rewritten(parts[0], found.rewritten, warn=warn)
        return parts

    def _facts(self, path: Path, target: URIRef, into: ox.NamedNode) -> FileFacts:
        facts = FileFacts(path, [target])
        result = self.store.query(_ONTOLOGY_FACTS, default_graph=into)
        for row in result:  # type: ignore[union-attr]
            kind, iri = row["kind"].value, row["iri"].value
            (facts.ontologies if kind == "ontology" else facts.imports).add(iri)
        return facts

    def commit(self) -> None:
        """Move staged graphs over their targets, in one transaction; note the files of each.

        The first graph written for a target replaces what it held (MOVE); the graphs of later
        files of the load are added to it.
        """
        operations = []
        for target, intos in self.written.items():
            first, *others = intos
            if first.value != target:  # a file with no triple wrote no graph: its target empties
                operations.append(
                    f"MOVE GRAPH <{first.value}> TO <{target}>"
                    if self.store.contains_named_graph(first)
                    else f"DROP SILENT GRAPH <{target}>"
                )
            for into in others:
                operations.append(f"ADD SILENT GRAPH <{into.value}> TO <{target}>")
                operations.append(f"DROP SILENT GRAPH <{into.value}>")
        try:
            self.owner._commit(operations, self.files)
        except (OSError, RuntimeError) as error:
            raise StoreError(f"the loaded files could not replace their graphs: {error}") from None

    def rollback(self) -> None:
        """Remove every graph this load wrote."""
        for intos in self.written.values():
            for into in intos:
                with contextlib.suppress(OSError):
                    self.store.remove_graph(into)
        self.written.clear()
        with contextlib.suppress(OSError):
            self.owner._written()


def _source(path: Path) -> dict[str, Any]:
    """Return how Oxigraph's parser is to read a file: by its path, or from its bytes.

    The bytes are read only past a UTF-8 byte-order mark, which the parser refuses.
    """
    with path.open("rb") as stream:
        if stream.read(len(_BOM)) != _BOM:
            return {"path": str(path)}
        return {"input": stream.read()}
