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

import html
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from . import display
from .display import Summary
from .errors import (
    EmptyFileError,
    GraphConflictError,
    OptionError,
    QueryError,
    QueryFormError,
    ShapesError,
    UnknownQueryError,
    UnsupportedShapesError,
)
from .inference import Engine as RuleEngine
from .inference import owl_rl
from .loading import FileFacts, expand_paths, imports_needed, parse_file
from .progress import steps
from .publish import format_for, resolve_format
from .queries import NamedQueries, expand_iri, named_queries
from .reasoning import CheckReport, Inferences, Reasoner, inference_description
from .reasoning import check as check_consistency
from .report import QualityReport, quality_report
from .resources import INFERRED_GRAPH_BASE, bundled_paths, check_path, graph_iri, shapes_paths
from .results import ResultGraph, Rows
from .shacl import compile_shapes
from .sparql import (
    PreparedQuery,
    QueryForm,
    bind,
    expand_bindings,
    inline_update_bindings,
    prepare,
    prepare_update,
)
from .stores import OxigraphStore, RemoteStore, Store, StoreName, check_timeout, loading, open_store
from .terms import curie, quiet_rdflib_terms
from .validate import (
    Engine,
    Language,
    ValidationReport,
    attribution_violations,
    explain,
    khmer_date_violations,
    validate_graph,
)

if TYPE_CHECKING:
    import datetime as dt

    from .explore import QueryFrame

__all__ = ["PREFIXES", "KnowledgeGraph", "connect", "load"]

#: The prefixes every query may use without declaring them, and dumps are written with.
PREFIXES: dict[str, str] = {
    "accsm": "https://w3id.org/accsm-kg/ontology#",
    "kg": "https://w3id.org/accsm-kg/id/",
    "concept": "https://w3id.org/accsm-kg/concept/",
    "dc": "http://purl.org/dc/elements/1.1/",
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
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    # the assertion graphs of the bundled data (see data/provenance.trig)
    "source": "https://w3id.org/accsm-kg/graph/source/",
    "sources": "https://w3id.org/accsm-kg/graph/sources/",
    "single": "https://w3id.org/accsm-kg/graph/single-source/",
    "disputed": "https://w3id.org/accsm-kg/graph/disputed/",
    "inference": "https://w3id.org/accsm-kg/graph/inference/",
    "project": "https://w3id.org/accsm-kg/graph/project/",
}


class KnowledgeGraph:
    """RDF data in a store, queried with SPARQL, validated with SHACL, dumped to files.

    Make one with :func:`load`. Each query form has its method and its return type:
    :meth:`query` (SELECT, :class:`Rows`), :meth:`ask` (ASK, ``bool``) and :meth:`construct`
    (CONSTRUCT and DESCRIBE, an rdflib :class:`~rdflib.Graph`). SPARQL Update runs only
    through :meth:`update`, the explicit opt-in to writing.
    """

    def __init__(self, store: Store, *, query_timeout: float | None = None) -> None:
        """Wrap ``store``; most users call :func:`load` instead."""
        check_timeout(query_timeout, "query_timeout")
        self.store = store
        #: Seconds a query may run when its call gives no ``timeout``; ``None``: no limit.
        self.query_timeout = query_timeout
        self.prefixes: dict[str, str] = dict(PREFIXES)
        self.namespaces = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, iri in self.prefixes.items():
            self.namespaces.bind(prefix, iri)

    # -- contents ---------------------------------------------------------------------------

    def add(self, *paths: str | Path, replace: bool = False) -> list[FileFacts]:
        """Add Turtle (``.ttl``), N-Triples (``.nt``) or TriG (``.trig``) files, or folders of them.

        A Turtle or N-Triples file goes into a named graph of its own. TriG and N-Quads (``.nq``)
        files fill the graphs they name (N-Quads, the format of release dumps, only when given
        by name, not found in folders).
        Files of one call that fill the same graph add up; a file loaded again replaces what it
        loaded before. A file that fills a graph already loaded from other files raises
        :class:`~accsm_kg.errors.GraphConflictError`, unless ``replace=True`` lets it replace
        that graph. All or nothing: if any file fails, none is added and the error names the
        file and line. A persistent store skips the files it already holds unchanged.
        ``owl:imports`` are read from the offline catalog of vocabularies (never fetched), and
        added as graphs of their own.

        On the Oxigraph store, each file is parsed by Oxigraph straight into the store; a
        literal it keeps in another form (``"01"^^xsd:integer`` as ``"1"``) is told by a
        :class:`~accsm_kg.errors.CanonicalFormWarning` naming the file, line and form kept.
        Return what was found of each file (its graphs, ontologies, imports, rewritten literals).
        """
        given = list({path.resolve(): path for path in expand_paths(paths)}.values())
        together = {str(path.resolve()) for path in given}
        files = [p for p in given if not self.store.is_current(p, graph_iri(p), together)]
        if not files:
            return []
        before = set(self.store.graph_names())
        skipped = {str(p.resolve()): p for p in given if p not in files}
        with loading(self.store) as batch:
            batch.expect(files)
            facts = [fact for path in files for fact in batch.add(path)]
            facts += imports_needed(facts, batch.add, self._holds_ontology)
            # a graph filled anew takes again the files it held that were skipped as current,
            # and their graphs in turn, until no graph is left half filled
            added = facts
            while partners := {
                skipped.pop(held)
                for graph in {graph for fact in added for graph in fact.graphs} & before
                for held in sorted(self.store.loaded_from(graph) or ())
                if held in skipped
            }:
                added = [fact for path in sorted(partners) for fact in batch.add(path)]
                facts += added
            if not replace:
                self._refuse_conflicts(facts, before, {str(path.resolve()) for path in given})
        return facts

    def _refuse_conflicts(
        self, facts: Iterable[FileFacts], before: set[URIRef], given: set[str]
    ) -> None:
        """Raise if a file fills a graph that held, before this load, files not ``given`` now.

        A file skipped as already loaded still counts as given: its graph may be shared.
        """
        filling: dict[URIRef, list[Path]] = {}
        for fact in facts:
            for graph in fact.graphs:
                filling.setdefault(graph, []).append(fact.path)
        for graph, files in filling.items():
            if graph not in before:
                continue
            held = self.store.loaded_from(graph)
            if held is None:  # graphs of unknown origin may be replaced by their own file only
                if any(graph_iri(path) == graph for path in files):
                    continue
                raise GraphConflictError(str(files[0]), str(graph), [])
            others = held - given - {str(path.resolve()) for path in files}
            if others:
                raise GraphConflictError(str(files[0]), str(graph), sorted(others))

    def _holds_ontology(self, iri: str) -> bool:
        ask = self._prepare(
            "ASK { { ?o a owl:Ontology } UNION { ?x owl:versionIRI ?o } }", "ask", "ASK"
        )
        return self.store.ask(ask, {"o": URIRef(iri)})

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

    def summary(self) -> Summary:
        """Return a few lines on what the graph holds: triples, graphs and instances per class.

        The lines are a ``str`` (a :class:`~accsm_kg.display.Summary`), which IPython shows as
        lines and a notebook as a table.
        """
        counts = self.named_query("class-instances")
        return Summary(
            f"{len(self):,} triples in {len(self.graphs())} named graphs ({self.store.name} store)",
            [(self._curie(row[0]), str(row[1])) for row in counts],
        )

    def _curie(self, node: object) -> str:
        return curie(node, self.namespaces) if isinstance(node, URIRef) else str(node)

    def __repr__(self) -> str:
        """Show the size and the store; a server is named, not asked (it may be down)."""
        if isinstance(self.store, RemoteStore):
            return f"<KnowledgeGraph: remote store at {self.store.query_url}>"
        return f"<KnowledgeGraph: {len(self):,} triples, {self.store.name} store>"

    def _repr_html_(self) -> str:
        """Return the size, store, most common classes and named graphs as HTML.

        A remote store is named, with the graphs given to :func:`connect`, and not asked: a
        notebook draws this for every cell ending in ``kg``, and the server may be slow or down.
        """
        title = "<p><strong>KnowledgeGraph</strong></p>"
        if isinstance(self.store, RemoteStore):
            url = html.escape(self.store.query_url)
            title = f"<p><strong>KnowledgeGraph</strong>: remote store at <code>{url}</code></p>"
            graphs = self.store.graphs
            if graphs is None:
                held = "<p>Data: the server's default dataset.</p>"
            else:
                held = display.table(("graph",), [(URIRef(g),) for g in graphs], noun="graphs")
            hint = "Not asked for its size or classes here: <code>kg.summary()</code> asks it."
            return display.block(title, held, f'<p class="accsm-kg-note">{hint}</p>')
        names = [(graph,) for graph in self.graphs()]
        listed = display.table(("graph",), names, namespaces=self.namespaces, noun="graphs")
        return display.block(
            title,
            self.summary()._html_parts(limit=10),
            f"<details><summary>{len(names)} named graphs</summary>{listed}</details>",
        )

    # -- queries ----------------------------------------------------------------------------

    def _prepare(self, sparql: str, called: str, *forms: QueryForm) -> PreparedQuery:
        if not isinstance(sparql, str):
            raise QueryError(f"a query is text (str), not {type(sparql).__name__}")
        try:
            with quiet_rdflib_terms():  # a literal not of its datatype is a constant like any
                prepared = prepare(sparql, self.prefixes)
        except QueryFormError as error:  # an update: name the method that was called
            raise QueryFormError(error.form, called, error.right) from None
        prepared.expect(called, *forms)
        return prepared

    def _asserted(self) -> list[str] | None:
        """Return the graphs that are not a reasoner's inferences, or ``None`` if all are not."""
        graphs = [str(g) for g in self.graphs()]
        asserted = [g for g in graphs if not g.startswith(INFERRED_GRAPH_BASE)]
        return None if asserted == graphs else asserted

    def _over(self, prepared: PreparedQuery, inferred: bool) -> PreparedQuery:
        """Restrict a query to the asserted graphs when ``inferred`` is false."""
        asserted = None if inferred else self._asserted()
        return prepared if asserted is None else prepared.over(asserted)

    def _select_text(self, inferred: bool) -> Callable[[str], list[tuple[Node | None, ...]]]:
        """Return a runner of the library's own SELECT text, over the asserted graphs if asked."""
        asserted = None if inferred else self._asserted()
        if asserted is None:
            return self.store.select_text
        return lambda text: self.store.select(prepare(text, {}).over(asserted), {})[1]

    def _timeout(self, timeout: float | None) -> float | None:
        check_timeout(timeout)
        return timeout if timeout is not None else self.query_timeout

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        inferred: bool = True,
    ) -> Rows:
        """Run a SELECT query; ``bindings`` give values to its variables.

        A bound value stands wherever its variable stands, in every scope, as if written into
        the query as a constant (:meth:`accsm_kg.sparql.PreparedQuery.substitute`); a bound
        variable stays a column. Values are RDF terms or Python values (see
        :func:`accsm_kg.sparql.to_term`); a list binds several values, and the rows for each
        (each combination, for several lists) come one after the other. The prefixes in
        :attr:`prefixes` may be used without ``PREFIX`` declarations. Past ``timeout`` seconds
        (default :attr:`query_timeout`), :class:`QueryTimeoutError` is raised; so for
        :meth:`ask`, :meth:`construct` and :meth:`update`. ``inferred=False`` leaves out the
        graphs of a reasoner's inferences (:meth:`reason`); so for :meth:`ask` and
        :meth:`construct`.

        >>> kg = load()
        >>> rows = kg.query("SELECT ?c ?code WHERE { ?c accsm:isoCode ?code }",
        ...                 {"c": [kg.iri("kg:cambodia"), kg.iri("kg:japan")]})
        >>> [str(r.code) for r in rows]
        ['KH', 'JP']
        """
        prepared = self._over(self._prepare(sparql, "query", "SELECT"), inferred)
        limit = self._timeout(timeout)
        variables: list[str] = []
        rows: list[Any] = []
        convert = None
        for combination in expand_bindings(bind(prepared, bindings)):
            found = self.store.solutions(prepared, combination, timeout=limit)
            variables, convert = found.variables, found.convert
            rows += found.rows
        if not variables:  # no combination ran (an empty list): the columns are the query's
            projected = dict.get(prepared.algebra.algebra, "PV") or []
            variables = [str(v) for v in projected]
        columns = prepared.column_order(variables)
        if columns != variables:
            where = [variables.index(name) for name in columns]
            rows = [tuple(row[i] for i in where) for row in rows]
        return Rows(columns, rows, namespaces=self.namespaces, convert=convert)

    def ask(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        inferred: bool = True,
    ) -> bool:
        """Run an ASK query."""
        prepared = self._over(self._prepare(sparql, "ask", "ASK"), inferred)
        limit = self._timeout(timeout)
        return any(
            self.store.ask(prepared, combination, timeout=limit)
            for combination in expand_bindings(bind(prepared, bindings))
        )

    def construct(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        inferred: bool = True,
    ) -> ResultGraph:
        """Run a CONSTRUCT or DESCRIBE query; the graph comes with the known prefixes bound.

        It is an rdflib :class:`~rdflib.Graph` whose ``repr`` gives its size and which shows
        as a table of triples in a notebook.

        With a list bound, the graph holds the triples made for each value.
        """
        prepared = self._over(self._prepare(sparql, "construct", "CONSTRUCT", "DESCRIBE"), inferred)
        limit = self._timeout(timeout)
        graph = ResultGraph()
        for combination in expand_bindings(bind(prepared, bindings)):
            graph += self.store.construct(prepared, combination, timeout=limit)
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri, override=True, replace=True)
        return graph

    def update(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        """Run SPARQL Update: the one method that writes with SPARQL, so calling it is the opt-in.

        :meth:`query`, :meth:`ask` and :meth:`construct` refuse updates. Every triple written
        or matched must be inside ``GRAPH <...> { }`` (or under ``WITH``), as every triple of the
        knowledge graph lives in the named graph of its file. ``LOAD`` and ``SERVICE`` are
        refused (they reach the network). ``bindings`` work as for queries, in every operation
        (a list runs the update once per value). Embedded stores apply an update all or
        nothing; a remote store needs ``update_url`` (:func:`connect`).

        >>> kg = load(include_bundled=False)
        >>> kg.update("INSERT DATA { GRAPH <urn:x:g> { kg:a rdfs:label 'A' } }")
        >>> kg.ask("ASK { kg:a rdfs:label ?l }", {"l": "A"})
        True
        """
        with quiet_rdflib_terms():
            prepared = prepare_update(sparql, self.prefixes)
        limit = self._timeout(timeout)
        for combination in expand_bindings(bind(prepared, bindings)):
            self.store.update(inline_update_bindings(prepared, combination), timeout=limit)

    @property
    def named_queries(self) -> NamedQueries:
        """The shipped competency queries, by name: a ``dict``, a table in a notebook."""
        return named_queries()

    def named_query(
        self,
        name: str,
        /,
        *,
        timeout: float | None = None,
        inferred: bool = True,
        **bindings: Any,
    ) -> Rows:
        """Run a named competency query; other keyword arguments bind its parameters.

        Strings are converted by each parameter's kind, so ``country="kg:cambodia"`` binds an IRI.
        ``timeout`` and ``inferred`` are as for :meth:`query`.
        """
        try:
            named = named_queries()[name]
        except KeyError:
            raise UnknownQueryError(name, list(named_queries())) from None
        terms = {
            key: [named.parameter(key).convert(v, self.prefixes) for v in value]
            if isinstance(value, list | tuple)
            else named.parameter(key).convert(value, self.prefixes)
            for key, value in bindings.items()
        }
        self._prepare(named.sparql, "named_query", "SELECT")
        return self.query(named.sparql, terms, timeout=timeout, inferred=inferred)

    def why(
        self, subject: Any, predicate: Any, object: Any, /, *, timeout: float | None = None
    ) -> Rows:
        """Return why a statement is in the graph: one row per graph that holds it.

        Each row gives the graph, its confidence (stated, single source, inferred, disputed), the
        source it is derived from (title, publisher, date, URL), or the project it is attributed
        to with a note on what the project added; see the named query ``why``. Terms are
        written as for :meth:`named_query`: ``"kg:cambodia"`` is an IRI, ``'"2019"^^xsd:gYear'``
        a literal, other text a plain string. No rows: the statement is not in the graph.

        >>> rows = load().why("kg:chhy-vichara", "accsm:honorific", "concept:lok-chumteav")
        >>> [(str(row.source), str(row.confidence)) for row in rows]
        [('https://w3id.org/accsm-kg/id/src-mcs-2020-11-02-focal-points', 'Stated')]
        """
        return self.named_query(
            "why", subject=subject, predicate=predicate, object=object, timeout=timeout
        )

    # -- exploring (accsm_kg.explore) -------------------------------------------------------

    def describe(self, node: str | URIRef, lang: str = "en", *, inferred: bool = False) -> Rows:
        """Return everything known about a node, in both directions, labelled, with its sources.

        ``node`` is a prefixed name, an IRI or a label. One row per statement and graph:
        ``direction`` (``out``: the node is the subject; ``in``: the object), ``property`` and
        ``property_label``, ``value`` and ``value_label`` (labels in ``lang``, else English,
        else the prefixed name), the ``graph`` holding the statement, its ``confidence``, the
        ``sources`` it is derived from and the agent it is ``attributed_to`` (prefixed names).
        The graphs of :meth:`reason`'s inferences are left out unless ``inferred=True``. A node
        that occurs nowhere raises :class:`~accsm_kg.errors.UnknownNodeError`, naming near
        matches.

        >>> rows = load().describe("kg:chhy-vichara")
        >>> [(str(r.value_label), str(r.sources)) for r in rows if r.property.endswith("honorific")]
        [('Lok Chumteav', 'kg:src-mcs-2020-11-02-focal-points')]
        """
        from .explore import describe

        return describe(self, node, lang, inferred=inferred)

    def search(self, text: str, lang: str | None = None, limit: int | None = 20) -> Rows:
        """Return the nodes whose labels match ``text``, best first.

        Labels are ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``foaf:name``,
        ``schema:name``, ``dcterms:title`` and ``dcterms:alternative``, in ``lang`` only if
        given. Case, spacing, punctuation and Khmer spelling variants (zero-width characters,
        ្ដ/្ត, the order of a subscript ro) do not matter. An exact match comes first, then a
        prefix, all the words, a substring, and a near spelling; ties by label. Columns:
        ``node``, ``label``, ``language``, ``kind`` (its class), ``match`` and ``score``.

        >>> kg = load()
        >>> row = kg.search("ឈី\u200bវិជ្ជរ៉ា")[0]  # with a zero-width space
        >>> str(row.node), str(row.match)
        ('https://w3id.org/accsm-kg/id/chhy-vichara', 'exact')
        >>> row = kg.search("មន្រ្តីបង្គោល")[0]  # the subscript ro typed first
        >>> str(row.label), str(row.node), str(row.match)
        ('មន្ត្រីបង្គោល', 'https://w3id.org/accsm-kg/id/role-focal-point', 'exact')
        """
        from .explore import search

        return search(self, text, lang, limit)

    def classes(self, lang: str = "en", *, inferred: bool = False) -> Rows:
        """Return each class with its label and number of instances, most instances first.

        >>> next(r for r in load().classes() if str(r.label) == "Meeting").instances.toPython()
        19
        """
        from .explore import classes

        return classes(self, lang, inferred=inferred)

    def properties(self, lang: str = "en", *, inferred: bool = False) -> Rows:
        """Return each property with its label and the number of statements using it.

        >>> int(next(r for r in load().properties() if str(r.label) == "delegation to").statements)
        2
        """
        from .explore import properties

        return properties(self, lang, inferred=inferred)

    def meetings(
        self, year: int | None = None, body: str | URIRef | None = None, *, inferred: bool = False
    ) -> QueryFrame:
        """Return the meetings of a year and of a body (a framework, organiser or host).

        A :class:`~accsm_kg.explore.QueryFrame`: a DataFrame whose ``sparql`` is the named
        query ``meetings`` that made it. Nodes are prefixed names, IRIs or labels.

        >>> for name in load().meetings(2020, "kg:ocsc-thailand")["name"]:
        ...     print(name)
        ACCSM Focal Points Meeting 2020
        ACCSM+3 Focal Points Meeting 2020
        ACCSM Heads of Civil Service Meeting 2020
        """
        from .explore import meetings

        return meetings(self, year, body, inferred=inferred)

    def delegations(self, meeting: str | URIRef, *, inferred: bool = False) -> QueryFrame:
        """Return the delegations to a meeting: country, agency, size and head, labelled.

        >>> load().delegations("kg:accsm-focal-points-meeting-2020")["head_name"].tolist()
        ['Chhy Vichara']
        """
        from .explore import delegations

        return delegations(self, meeting, inferred=inferred)

    def chair_on(
        self,
        date: dt.date | str,
        framework: str | URIRef | None = None,
        *,
        inferred: bool = False,
    ) -> QueryFrame:
        """Return who held the chair of a framework (of each, if none is given) on a date.

        >>> load().chair_on("2020-11-18", "kg:accsm")["chair_name"].unique().tolist()
        ['Office of the Civil Service Commission']
        """
        from .explore import chair_on

        return chair_on(self, date, framework, inferred=inferred)

    def officials(
        self, agency: str | URIRef | None = None, *, inferred: bool = False
    ) -> QueryFrame:
        """Return the officials of an agency (of every agency if none is given) and their posts.

        >>> load().officials("kg:mcs-cambodia")["person_name"].tolist()
        ['Chhy Vichara', 'Hun Many']
        """
        from .explore import officials

        return officials(self, agency, inferred=inferred)

    def initiatives(
        self,
        work_plan: str | URIRef | None = None,
        proposed_by: str | URIRef | None = None,
        *,
        inferred: bool = False,
    ) -> QueryFrame:
        """Return the initiatives proposed for a work plan, by a country, labelled.

        >>> frame = load().initiatives("kg:accsm-work-plan-2021-2025", proposed_by="Cambodia")
        >>> frame[["ordinal", "name"]].to_dict("records")
        [{'ordinal': 1, 'name': 'ASEAN Guideline on Public Service Delivery'}]
        """
        from .explore import initiatives

        return initiatives(self, work_plan, proposed_by, inferred=inferred)

    # -- checks and output ------------------------------------------------------------------

    def union(self, *, inferred: bool = True) -> Graph:
        """Return every triple in one rdflib graph (a copy), with the known prefixes bound.

        ``inferred=False`` leaves out the graphs of a reasoner's inferences (:meth:`reason`).
        """
        graph = Graph()
        for prefix, iri in self.prefixes.items():
            graph.bind(prefix, iri, override=True, replace=True)
        for s, p, o, g in self.store.quads():
            if inferred or not str(g).startswith(INFERRED_GRAPH_BASE):
                graph.add((s, p, o))
        return graph

    def report(self) -> QualityReport:
        """Check the ontology and data against the quality rules (:mod:`accsm_kg.report`).

        Missing or doubled labels and definitions, undeclared terms, values outside a domain or
        range, dangling IRIs, axioms on other vocabularies' terms, deprecated terms, each an
        ERROR, WARN or INFO finding; and label coverage per language, as figures.

        >>> load().report().errors
        ()
        """
        return quality_report(self)

    def reason(self, profile: str = "owl-rl", *, engine: RuleEngine = "reasonable") -> Inferences:
        """Materialise what the OWL 2 RL rules entail into a named graph of its own.

        The rules run over what is asserted (the ontology, its imported terms and the data;
        earlier inferences are replaced), and only what they add is kept
        (:func:`accsm_kg.inference.owl_rl`). The graph is
        ``https://w3id.org/accsm-kg/graph/inferred/owl-rl``: queries read it unless given
        ``inferred=False``, and a release writes it to a file of its own. ``engine`` is
        ``"reasonable"`` (fast) or ``"owlrl"`` (the pure-Python reference); both give the same
        triples.

        >>> kg = load()
        >>> added = kg.reason()
        >>> kg.ask("ASK { kg:accsm-work-plan-2016-2020 accsm:succeededBy ?next }")
        True
        >>> kg.ask("ASK { kg:accsm-work-plan-2016-2020 accsm:succeededBy ?next }", inferred=False)
        False
        """
        if profile != "owl-rl":
            raise OptionError(f"the only reasoning profile is 'owl-rl', not {profile!r}")
        started = time.monotonic()
        asserted = self.union(inferred=False)
        found = owl_rl(asserted, engine=engine)
        graph = URIRef(INFERRED_GRAPH_BASE + "/owl-rl")
        added = len(found)
        found += inference_description(graph, engine, added)
        self.store.put_generated(graph, found)
        return Inferences(graph, len(asserted), added, time.monotonic() - started)

    def check(self, *, reasoner: Reasoner = "hermit", explain: bool = True) -> CheckReport:
        """Ask an OWL reasoner whether the graph is consistent and every class satisfiable.

        HermiT (the default) or Pellet, both shipped with owlready2, read a copy of what is
        asserted (not :meth:`reason`'s inferences) with the datatypes they refuse mapped
        (:mod:`accsm_kg.reasoning`); the data are not changed. Each finding names the classes,
        individuals and axioms involved, from Pellet's explanation.

        >>> report = load().check()
        >>> report.ok, report.reasoner
        (True, 'HermiT')
        """
        return check_consistency(self.union(inferred=False), reasoner=reasoner, explain=explain)

    def validate(
        self,
        shapes: str | Path | Iterable[str | Path] | None = None,
        *,
        engine: Engine | None = None,
        language: Language = "en",
        inferred: bool = False,
    ) -> ValidationReport:
        """Validate the graph with SHACL: the bundled shapes, or the shapes given.

        ``shapes`` is a file or folder, or several. ``engine`` picks who validates:
        ``"sparql"`` compiles the shapes to SPARQL queries run on the store itself
        (:mod:`accsm_kg.shacl`), ``"pyshacl"`` runs pySHACL, the reference, on a copy of the
        graph; both give the same report. By default, ``"sparql"`` on Oxigraph, ``"pyshacl"``
        on the rdflib store (whose SPARQL engine is the slower of the two there) and on servers
        (whose SPARQL dialects differ: Virtuoso refuses a property path with no fixed end).
        Shapes using a feature the SPARQL engine does not compile raise
        :class:`~accsm_kg.errors.UnsupportedShapesError` with ``engine="sparql"``, and are
        validated by pySHACL when no engine is named. Khmer dates are checked too: each
        ``accsm:khmerDate`` must name the same day as the ``schema:startDate`` beside it (the
        lunar calendar is computed by :mod:`accsm_kg.khmer`). Each result is explained
        (:func:`accsm_kg.validate.explain`): the label of its focus node in ``language`` (``"en"``
        or ``"km"``), its shape named readably, a hint on how to fix it, and the file and line.
        What is validated is what is asserted: the graphs of :meth:`reason`'s inferences are left
        out unless ``inferred=True`` (the shapes describe the data as curated; an entailment such
        as a second ``dcterms:title`` from a ``dcterms:alternative`` is no curator's mistake).

        >>> load().validate(engine="sparql") == load().validate(engine="pyshacl")
        True
        """
        if engine not in (None, "sparql", "pyshacl"):
            raise OptionError(f"engine is 'sparql' or 'pyshacl', not {engine!r}")
        # pySHACL reports no progress of its own: the bar names each phase and its time
        with steps("validating", total=4) as phases:
            phases.step("loading shapes")
            shapes_graph = _shapes_graph(tuple(_shapes_files(shapes)))
            chosen = engine or ("sparql" if isinstance(self.store, OxigraphStore) else "pyshacl")
            report = None
            if chosen == "sparql":
                phases.step("running the shapes as SPARQL")
                try:
                    compiled = compile_shapes(shapes_graph)
                except UnsupportedShapesError:
                    if engine == "sparql":
                        raise
                else:
                    report = compiled.run(self._select_text(inferred), namespaces=self.namespaces)
            if report is None:
                phases.step("copying the graph for pySHACL")
                union = self.union(inferred=inferred)
                phases.step(f"running pySHACL on {len(union):,} triples")
                report = validate_graph(union, shapes_graph, namespaces=self.namespaces)
            phases.total = phases.count + 3  # the phase in course, and two more
            phases.step("checking Khmer dates and sources")
            text = check_path("khmer-dates").read_text(encoding="utf-8")
            dates = self.query(text, inferred=inferred)
            unattributed = self.query(
                check_path("attribution").read_text(encoding="utf-8"), inferred=inferred
            )
            report = report.with_violations(
                khmer_date_violations(dates) + attribution_violations(unattributed)
            )
            phases.step(f"explaining {len(report):,} results")
            return explain(report, self, shapes_graph, language=language)

    def dump(self, path: str | Path, format: str | None = None) -> Path:
        """Write the graph to ``path`` as turtle, ntriples, nquads, trig or jsonld.

        Without ``format``, the suffix of ``path`` names it (``.ttl``, ``.nt``, ``.nq``,
        ``.trig``, ``.jsonld``). N-Quads, TriG and JSON-LD keep the named graphs (where each
        triple came from); Turtle and N-Triples hold their union. The file is written by the
        store's own serialiser (Oxigraph's, streaming) into a temporary file beside ``path``,
        renamed over it once complete.
        """
        name = resolve_format(format) if format is not None else format_for(path)
        self.store.dump(Path(path), name, self.namespaces)
        return Path(path)

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


def _shapes_files(shapes: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if shapes is None:
        return list(shapes_paths())
    return expand_paths([shapes] if isinstance(shapes, str | Path) else list(shapes))


def _shapes_graph(files: tuple[Path, ...]) -> Graph:
    """Return the shapes of ``files`` in one graph, parsed once while the files stay the same.

    The same graph (the same blank nodes) lets the SPARQL engine reuse its compiled queries.
    """
    stamps = tuple((path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _parsed_shapes(files, stamps)


@lru_cache(maxsize=8)
def _parsed_shapes(files: tuple[Path, ...], stamps: tuple[tuple[int, int], ...]) -> Graph:
    graph = Graph()
    for path in files:
        try:
            graph += parse_file(Path(path)).triples
        except EmptyFileError:
            raise ShapesError(f"{path}: the shapes file is empty, it holds no shape") from None
    return graph


def load(
    *paths: str | Path,
    include_bundled: bool = True,
    store: StoreName = "oxigraph",
    path: str | Path | None = None,
    query_timeout: float | None = None,
    replace: bool = False,
) -> KnowledgeGraph:
    """Load the bundled ontology and data, plus any Turtle files or folders given.

    :param paths: more ``.ttl`` or ``.nt`` files, or folders of them, added on top.
    :param include_bundled: load the bundled ontology and data too (the default).
    :param store: which store holds the triples: ``"oxigraph"`` (the default, the fastest) or
        ``"rdflib"`` (the reference implementation).
    :param path: a folder for a persistent Oxigraph store; reopened, it skips the files it
        already holds unchanged.
    :param query_timeout: seconds a query may run (:attr:`KnowledgeGraph.query_timeout`).
    :param replace: let a file replace a graph that a persistent store holds from other files
        (see :meth:`KnowledgeGraph.add`).
    :raises LoadError: a file is missing or does not parse; nothing is loaded then.
    """
    kg = KnowledgeGraph(open_store(store, path), query_timeout=query_timeout)
    files = [*(bundled_paths() if include_bundled else []), *paths]
    try:
        kg.add(*files, replace=replace)
    except BaseException:
        kg.close()
        raise
    return kg


def connect(
    query_url: str,
    update_url: str | None = None,
    *,
    auth: tuple[str, str] | None = None,
    timeout: float = 30.0,
    graphs: Iterable[str] | None = None,
    query_timeout: float | None = None,
) -> KnowledgeGraph:
    """Use a SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB...) as the store.

    :param query_url: the SPARQL query endpoint.
    :param update_url: the SPARQL Update endpoint; without it the store is read-only.
    :param auth: a user name and password (HTTP basic authentication).
    :param timeout: seconds to wait for each answer.
    :param graphs: the named graphs that make up the data (e.g. ``kg.push(...)``'s result); by
        default the server's own default dataset.
    :param query_timeout: seconds a query may run before :class:`QueryTimeoutError` (``timeout``
        is the limit for any answer, after which :class:`RemoteTimeoutError` is raised).
    """
    check_timeout(timeout)
    check_timeout(query_timeout, "query_timeout")
    store = RemoteStore(
        query_url,
        update_url,
        auth=auth,
        timeout=timeout,
        graphs=graphs,
    )
    return KnowledgeGraph(store, query_timeout=query_timeout)
