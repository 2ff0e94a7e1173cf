"""Releases: versioned, byte-identical, checked dumps of the graph, described in VoID and DCAT.

A release is a folder of files made from one :class:`~accsm_kg.KnowledgeGraph`: the ontology,
the data and the shapes as Turtle, the whole graph as N-Triples, N-Quads and JSON-LD, the
ontology as RDF/XML, a VoID and DCAT description and ``SHA256SUMS``. The same input, version
and date give the same bytes on any machine: blank nodes get their RDFC-1.0 canonical labels
(``_:c14n0``...), triples are sorted (subjects, then ``rdf:type`` and the other predicates,
then objects), prefixes are declared in a fixed order, and nothing else varies. Every file is
parsed back before anything is written, by rdflib, by Oxigraph and (where it is installed and
reads the format) by ``rapper``, and must give back exactly the graph it was made from.

A release is written into a new hidden folder beside its target and moved into place whole, so
the target holds one whole release, the earlier one or the new one; in the instant between the
two renames of the swap it is missing, the earlier one beside it, put back by the next run.

>>> import datetime as dt, tempfile
>>> from accsm_kg import load
>>> with tempfile.TemporaryDirectory() as folder:
...     day = dt.date(2025, 1, 31)
...     made = make_release(load(), folder, version="0.1.0", issued=day, rapper=False)
...     [path.name for path in made.files][:4]
['accsm-kg-ontology.ttl', 'accsm-kg-ontology.owl', 'accsm-kg-data.ttl', 'accsm-kg-shapes.ttl']
>>> made.checked_with
('rdflib', 'pyoxigraph')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import re
import secrets
import shutil
import subprocess
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .errors import AccsmKgError, BlankNodeLimitError, ReleaseError, RoundTripError
from .knowledge_graph import PREFIXES, KnowledgeGraph
from .loading import parse_file
from .progress import steps
from .publish import leftovers, sync_folder, temporary_prefix
from .resources import BASE_IRI, GRAPH_BASE, ID_BASE, INFERRED_GRAPH_BASE, shapes_paths
from .terms import to_oxigraph

__all__ = [
    "INFERRED_GRAPH_BASE",
    "LOCAL_GRAPH_BASE",
    "ONTOLOGY_GRAPH_BASE",
    "Release",
    "canonical_quads",
    "make_release",
]

#: Named graphs under this IRI hold the ontology (``ontology/*.ttl``).
ONTOLOGY_GRAPH_BASE = GRAPH_BASE + "ontology/"
#: Where a release's files are published unless told otherwise (the version is appended).
RELEASE_BASE = BASE_IRI + "release/"
#: The licence of the ontology and data.
LICENCE = "https://creativecommons.org/licenses/by/4.0/"

#: A semantic version (semver.org): X.Y.Z, each 0 or a number without a leading zero, and an
#: optional pre-release (``-rc.1``: dot-separated identifiers, numeric ones without leading zeros).
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = rf"(?:{_NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_VERSION = re.compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:-{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*)?"
)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_IANA = "https://www.iana.org/assignments/media-types/"
#: Prefixes the release's Turtle declares, always all of them, in this (sorted) order.
_PREFIXES: dict[str, str] = dict(
    sorted(
        {
            **PREFIXES,
            "dcat": "http://www.w3.org/ns/dcat#",
            "vann": "http://purl.org/vocab/vann/",
            "void": "http://rdfs.org/ns/void#",
        }.items()
    )
)

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
OxGraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class _Syntax:
    """One serialisation: how each parser names it, and how it is written."""

    oxigraph: ox.RdfFormat
    rdflib: str
    rapper: str | None  # None: rapper has no parser for it
    media_type: str
    keeps_graphs: bool


_TURTLE = _Syntax(ox.RdfFormat.TURTLE, "turtle", "turtle", "text/turtle", False)
_NTRIPLES = _Syntax(ox.RdfFormat.N_TRIPLES, "nt", "ntriples", "application/n-triples", False)
_NQUADS = _Syntax(ox.RdfFormat.N_QUADS, "nquads", "nquads", "application/n-quads", True)
_JSONLD = _Syntax(ox.RdfFormat.JSON_LD, "json-ld", None, "application/ld+json", True)
_RDFXML = _Syntax(ox.RdfFormat.RDF_XML, "xml", "rdfxml", "application/rdf+xml", False)


@dataclass(frozen=True)
class _File:
    """One file of a release, made in memory, with the quads it must parse back to."""

    name: str
    title: str
    syntax: _Syntax | None  # None for SHA256SUMS
    data: bytes
    quads: tuple[ox.Quad, ...] = ()


@dataclass(frozen=True)
class Release:
    """What :func:`make_release` wrote: the files, their SHA-256 sums, and how they were checked."""

    version: str
    issued: dt.date
    folder: Path
    files: tuple[Path, ...]
    sha256: dict[str, str]
    triples: int
    checked_with: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"release {self.version} ({self.issued.isoformat()}): {self.triples:,} triples in "
            f"{len(self.files)} files in {self.folder}, each parsed back with "
            f"{', '.join(self.checked_with)}"
        )

    def __repr__(self) -> str:
        """Show the version, the size and the folder on one line."""
        return (
            f"<Release {self.version} ({self.issued.isoformat()}): {self.triples:,} triples, "
            f"{len(self.files)} files in {self.folder}>"
        )

    def _repr_html_(self) -> str:
        from .display import block, table

        rows = [[path.name, self.sha256.get(path.name, "")] for path in self.files]
        heads = ["file", "SHA-256"]
        return block(f"<p>{html.escape(str(self))}</p>", table(heads, rows, limit=len(rows)))


# -- terms ------------------------------------------------------------------------------------


def _term_key(term: object) -> tuple[int, int, str]:
    """Sort IRIs first, then blank nodes in the order of their canonical number, then literals."""
    if isinstance(term, ox.NamedNode):
        return (0, 0, term.value)
    if isinstance(term, ox.BlankNode):
        digits = term.value.removeprefix("c14n")
        return (1, int(digits), "") if digits.isdigit() else (1, -1, term.value)
    if isinstance(term, ox.Literal):
        return (2, 0, str(term))
    if isinstance(term, ox.DefaultGraph):
        return (-1, 0, "")
    return (3, 0, str(term))  # a quoted triple (RDF-star)


def _quad_key(quad: ox.Quad) -> tuple[tuple[int, int, str], ...]:
    predicate = quad.predicate.value
    return (
        _term_key(quad.graph_name),
        _term_key(quad.subject),
        (0, 0, "") if predicate == _RDF_TYPE else (1, 0, predicate),
        _term_key(quad.object),
    )


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Return ``quads`` with canonical blank-node labels (RDFC-1.0), deduplicated and sorted.

    >>> q = ox.Quad(ox.BlankNode("x"), ox.NamedNode("http://example.org/p"), ox.Literal("1"))
    >>> canonical_quads([q])[0].subject
    <BlankNode value=c14n0>
    """
    dataset = ox.Dataset(quads)
    canonicalize(dataset)
    return sorted(dataset, key=_quad_key)


H = TypeVar("H", bound=Hashable)


class Groups(Generic[H]):
    """Things joined into groups, two at a time (a union-find): :meth:`root` names each group."""

    def __init__(self) -> None:
        self._parent: dict[H, H] = {}

    def root(self, node: H) -> H:
        """Return the one member that stands for the group of ``node``."""
        parent = self._parent
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(self, one: H, other: H) -> None:
        """Make the groups of ``one`` and ``other`` one group."""
        first, second = self.root(one), self.root(other)
        if first != second:
            self._parent[second] = first


#: The most blank nodes alike (the same triples but for other blank nodes) that one structure
#: may hold for RDFC-1.0: telling them apart costs about the cube of their number.
MOST_ALIKE = 256


def canonicalize(dataset: ox.Dataset) -> None:
    """Give ``dataset``'s blank nodes their RDFC-1.0 labels, if that can be done in good time.

    :raises BlankNodeLimitError: a structure of blank nodes holds more than :data:`MOST_ALIKE`
        nodes that only their neighbours tell apart (a chain of ``[ :p [ :p ... ] ]``, a list of
        one value repeated), on which RDFC-1.0 would run for hours.
    """
    groups = Groups[str]()
    signatures: dict[str, list[str]] = {}
    for quad in dataset:
        ends = [t.value for t in (quad.subject, quad.object) if type(t) is ox.BlankNode]
        if not ends:
            continue
        if len(ends) == 2:
            groups.join(ends[0], ends[1])
        for node in set(ends):
            signatures.setdefault(node, []).append(
                " ".join(
                    ("_:a" if t.value == node else "_:z") if type(t) is ox.BlankNode else str(t)
                    for t in (quad.subject, quad.predicate, quad.object, quad.graph_name)
                    if type(t) is not ox.DefaultGraph
                )
            )
    alike: dict[tuple[str, str], list[str]] = {}
    for node, lines in signatures.items():
        alike.setdefault((groups.root(node), "; ".join(sorted(set(lines)))), []).append(node)
    counts: dict[str, int] = {}
    shapes: dict[str, str] = {}
    for (component, shape), nodes in alike.items():
        if len(nodes) > 1:
            counts[component] = counts.get(component, 0) + len(nodes)
            shapes.setdefault(component, shape)
    worst = max(counts.items(), key=lambda item: item[1], default=None)
    if worst is not None and worst[1] > MOST_ALIKE:
        raise BlankNodeLimitError(worst[1], MOST_ALIKE, shapes[worst[0]])
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)


def _triples(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Return the same triples in the default graph, each once, in canonical order."""
    unique = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
    return sorted(unique, key=_quad_key)


# -- writing ----------------------------------------------------------------------------------


def _serialise(quads: Sequence[ox.Quad], syntax: _Syntax) -> bytes:
    given = quads if syntax.keeps_graphs else [q.triple for q in quads]
    data = ox.serialize(given, format=syntax.oxigraph, prefixes=_PREFIXES)
    assert data is not None  # no output file given: the bytes are returned
    if syntax is _JSONLD:
        # One line of JSON cannot be read or diffed; the same data, indented, can.
        data = (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode()
    return _sort_prefixes(data, syntax)


_XMLNS = re.compile(rb'\s+xmlns:[A-Za-z][\w.-]*="[^"]*"')


def _sort_prefixes(data: bytes, syntax: _Syntax) -> bytes:
    """Declare the prefixes in sorted order: Oxigraph writes them in an order of its own."""
    if syntax is _TURTLE:
        lines = data.split(b"\n")
        count = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
        return b"\n".join(sorted(lines[:count]) + lines[count:])
    if syntax is _RDFXML:
        start = data.index(b"<rdf:RDF")
        end = data.index(b">", start)
        names = sorted(m.group(0).strip() for m in _XMLNS.finditer(data, start, end))
        head = b"<rdf:RDF " + b" ".join(names)
        return data[:start] + head + data[end:]
    return data


def _file(name: str, title: str, syntax: _Syntax, quads: Sequence[ox.Quad]) -> _File:
    return _File(name, title, syntax, _serialise(quads, syntax), tuple(quads))


# -- checking ---------------------------------------------------------------------------------


def _same(found: Iterable[ox.Quad], expected: Sequence[ox.Quad]) -> str | None:
    """Return why ``found`` is not isomorphic to ``expected``, or None when it is."""
    got = ox.Dataset(found)
    want = ox.Dataset(expected)
    if len(got) != len(want):
        return f"it holds {len(got)} triples, not {len(want)}"
    canonicalize(got)
    canonicalize(want)
    if got != want:
        missing = sorted(str(q) for q in want if q not in got)
        return f"it is not the same graph (e.g. it lacks {missing[0] if missing else '?'})"
    return None


def _parse_pyoxigraph(data: bytes, syntax: _Syntax) -> list[ox.Quad]:
    return list(ox.parse(data, format=syntax.oxigraph))


def _parse_rdflib(data: bytes, syntax: _Syntax) -> list[ox.Quad]:
    if not syntax.keeps_graphs:
        graph = Graph().parse(data=data, format=syntax.rdflib)
        return [ox.Quad(*(to_oxigraph(t) for t in triple)) for triple in graph]  # type: ignore[arg-type]
    dataset = Dataset()
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph, which rdflib itself deprecates
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        dataset.parse(data=data, format=syntax.rdflib)
    quads = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graph_name: OxGraphName = (
            ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else to_oxigraph(name)  # type: ignore[assignment]
        )
        quads.append(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name))  # type: ignore[arg-type]
    return quads


def _parse_rapper(data: bytes, syntax: _Syntax) -> list[ox.Quad]:
    assert syntax.rapper is not None
    done = subprocess.run(  # a fixed argument list, no shell
        ["rapper", "--quiet", "-i", syntax.rapper, "-o", "nquads", "-", BASE_IRI],
        input=data,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise SyntaxError(done.stderr.decode("utf-8", "replace").strip() or "rapper failed")
    return list(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))


def _parse_pyld(data: bytes, syntax: _Syntax) -> list[ox.Quad]:
    """Read JSON-LD with PyLD, the third parser where rapper has none; no context is fetched."""
    from pyld import jsonld  # type: ignore[import-untyped]  # PyLD ships no type hints

    def refuse(url: str, options: object = None) -> dict[str, object]:
        raise ValueError(f"a remote JSON-LD context is never fetched: {url}")

    try:
        document = json.loads(data)
        nquads = jsonld.to_rdf(
            document, {"format": "application/n-quads", "documentLoader": refuse}
        )
    except jsonld.JsonLdError as error:
        raise ValueError(str(error)) from None
    return list(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


_PARSERS: dict[str, Callable[[bytes, _Syntax], list[ox.Quad]]] = {
    "rdflib": _parse_rdflib,
    "pyoxigraph": _parse_pyoxigraph,
    "rapper": _parse_rapper,
    "pyld": _parse_pyld,
}


def _check(made: _File, parsers: Sequence[str]) -> None:
    """Parse ``made`` back with each parser; raise :class:`RoundTripError` unless isomorphic."""
    syntax = made.syntax
    assert syntax is not None
    for parser in parsers:
        if parser == "rapper" and syntax.rapper is None:
            parser = "pyld"  # rapper reads no JSON-LD: PyLD, a JSON-LD processor, does
        try:
            found = _PARSERS[parser](made.data, syntax)
        except (SyntaxError, ValueError) as error:
            raise RoundTripError(made.name, parser, f"it does not parse: {error}") from error
        problem = _same(found, made.quads)
        if problem:
            raise RoundTripError(made.name, parser, problem)


def _parsers(rapper: bool | None) -> tuple[str, ...]:
    found = shutil.which("rapper") is not None
    if rapper and not found:
        raise ReleaseError(
            "rapper is needed to check the release but is not installed: install the "
            "raptor2-utils package (apt-get install raptor2-utils), or pass rapper=False "
            "(--no-rapper) to check with rdflib and Oxigraph only"
        )
    use_rapper = found if rapper is None else rapper
    return ("rdflib", "pyoxigraph", "rapper") if use_rapper else ("rdflib", "pyoxigraph")


#: Graphs of files from outside the package (``--data``) are named under this IRI in a release.
LOCAL_GRAPH_BASE = GRAPH_BASE + "local/"


def _portable_graph_names(graphs: Iterable[URIRef]) -> dict[URIRef, URIRef]:
    """Rename the graphs of local files (``file:///home/…/x.ttl``) by their file name alone.

    A release must not depend on where its files sat on the machine that made it.

    >>> _portable_graph_names([URIRef("file:///tmp/extra/more.ttl")])
    {rdflib.term.URIRef('file:///tmp/extra/more.ttl'): rdflib.term.URIRef('https://w3id.org/accsm-kg/graph/local/more')}
    """
    renamed: dict[URIRef, URIRef] = {}
    taken: dict[URIRef, URIRef] = {}
    for graph in sorted(graphs):
        if not graph.startswith("file:"):
            continue
        name = URIRef(LOCAL_GRAPH_BASE + quote(Path(unquote(urlsplit(graph).path)).stem))
        if name in taken:
            raise ReleaseError(
                f"{taken[name]} and {graph} would both be the graph {name} of the release; "
                "give the files different names"
            )
        taken[name] = graph
        renamed[graph] = name
    return renamed


def _check_base_url(base_url: str) -> None:
    """Raise :class:`ReleaseError` unless ``base_url`` is an absolute URL the files can live at."""
    parts = urlsplit(base_url)
    problem = None
    if not parts.scheme or not base_url.startswith(f"{parts.scheme}:"):
        problem = "it has no scheme"
    elif parts.scheme.lower() != "file" and not parts.netloc:
        problem = "it names no host"
    else:
        try:
            ox.NamedNode(base_url)
        except ValueError as error:
            problem = str(error)
    if problem is not None:
        raise ReleaseError(
            f"base URL {base_url!r} is not an absolute URL ({problem}); give where the files "
            "will be published, e.g. https://example.org/accsm-kg/0.1.0/"
        )


# -- description ------------------------------------------------------------------------------


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str | int | dt.date, language: str | None = None) -> ox.Literal:
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=_n(_XSD + "date"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(_XSD + "integer"))
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value)


def _slug(kg: KnowledgeGraph, iri: URIRef) -> str:
    """``accsm-Meeting`` for ``accsm:Meeting``: a readable, stable local name for a class."""
    try:
        curie = kg.namespaces.curie(iri, generate=False)
    except (KeyError, ValueError):
        curie = hashlib.sha256(str(iri).encode()).hexdigest()[:16]
    return re.sub(r"[^A-Za-z0-9_.-]", "-", curie)


def _description(
    kg: KnowledgeGraph,
    files: Sequence[_File],
    asserted: Sequence[ox.Quad],
    *,
    version: str,
    issued: dt.date,
    base_url: str,
    title: str,
    publisher: str,
) -> list[ox.Quad]:
    """Return the VoID and DCAT description of the release and its files."""
    p = _PREFIXES
    dataset = _n(base_url.rstrip("/"))
    agent = _n(BASE_IRI + "contributors")
    triples: list[tuple[ox.NamedNode, str, OxTerm]] = [
        (dataset, p["rdf"] + "type", _n(p["dcat"] + "Dataset")),
        (dataset, p["rdf"] + "type", _n(p["void"] + "Dataset")),
        (dataset, p["dcterms"] + "title", _lit(title, "en")),
        (
            dataset,
            p["dcterms"] + "description",
            _lit(
                "The ACCSM knowledge graph: its ontology, data and SHACL shapes, every fact "
                "traced to its source document.",
                "en",
            ),
        ),
        (dataset, p["dcat"] + "version", _lit(version)),
        (dataset, p["owl"] + "versionInfo", _lit(version)),
        (dataset, p["dcterms"] + "issued", _lit(issued)),
        (dataset, p["dcterms"] + "license", _n(LICENCE)),
        (dataset, p["dcterms"] + "publisher", agent),
        (dataset, p["dcterms"] + "conformsTo", _n(BASE_IRI + "ontology")),
        (dataset, p["void"] + "uriSpace", _lit(ID_BASE)),
        (agent, p["rdf"] + "type", _n(p["foaf"] + "Agent")),
        (agent, p["foaf"] + "name", _lit(publisher)),
    ]
    subjects = {q.subject for q in asserted}
    properties = {q.predicate for q in asserted}
    counts = kg.named_query("class-instances")
    triples += [
        (dataset, p["void"] + "triples", _lit(len(asserted))),
        (dataset, p["void"] + "distinctSubjects", _lit(len(subjects))),
        (dataset, p["void"] + "properties", _lit(len(properties))),
        (dataset, p["void"] + "classes", _lit(len(counts))),
    ]
    for row in counts:
        cls, instances = row[0], row[1]
        if not isinstance(cls, URIRef) or not isinstance(instances, Literal):
            continue
        partition = _n(f"{dataset.value}/classes/{_slug(kg, cls)}")
        triples += [
            (dataset, p["void"] + "classPartition", partition),
            (partition, p["void"] + "class", _n(str(cls))),
            (partition, p["void"] + "entities", _lit(int(instances))),
        ]
    for made in files:
        assert made.syntax is not None
        url = _n(base_url + made.name)
        triples += [
            (dataset, p["dcat"] + "distribution", url),
            (url, p["rdf"] + "type", _n(p["dcat"] + "Distribution")),
            (url, p["dcterms"] + "title", _lit(made.title, "en")),
            (url, p["dcat"] + "downloadURL", url),
            (url, p["dcat"] + "mediaType", _n(_IANA + made.syntax.media_type)),
            (url, p["dcat"] + "byteSize", _lit(len(made.data))),
            (url, p["dcterms"] + "license", _n(LICENCE)),
        ]
        if made.name.startswith("accsm-kg."):
            triples.append((dataset, p["void"] + "dataDump", url))
    return _triples(ox.Quad(s, _n(pred), o) for s, pred, o in triples)


# -- the release ------------------------------------------------------------------------------

_ONTOLOGY_TTL = "accsm-kg-ontology.ttl"
_ONTOLOGY_OWL = "accsm-kg-ontology.owl"
_DATA = "accsm-kg-data.ttl"
_SHAPES = "accsm-kg-shapes.ttl"
_INFERRED = "accsm-kg-inferred.ttl"
_NT = "accsm-kg.nt"
_NQ = "accsm-kg.nq"
_JSONLD_FILE = "accsm-kg.jsonld"
_VOID = "accsm-kg-void.ttl"
_SUMS = "SHA256SUMS"
#: Every name a release may write: a folder holding anything else is not written into.
_OWN_FILES = frozenset(
    {_ONTOLOGY_TTL, _ONTOLOGY_OWL, _DATA, _SHAPES, _INFERRED, _NT, _NQ, _JSONLD_FILE, _VOID, _SUMS}
)


#: Files an earlier writer killed mid-write may have left in a release folder: they go with it.
_OWN_TEMPORARY = re.compile(
    rf"\.(?:{'|'.join(re.escape(name) for name in sorted(_OWN_FILES))})"
    r"\.(?:accsm-kg\.[0-9]+\.)?[A-Za-z0-9_]+\.tmp"
)


@dataclass(frozen=True)
class PublishedFolder:
    """A kind of folder written whole beside its target and swapped in: a release, a site.

    ``staging`` and ``replaced`` tag the folders beside the target (the new one being written,
    the earlier one moved aside while the new one takes its place); ``noun`` names the kind in
    messages, and ``error`` is the error they are raised as.
    """

    noun: str
    error: type[AccsmKgError]
    staging: str
    replaced: str


_RELEASE = PublishedFolder("release", ReleaseError, "accsm-kg-release", "accsm-kg-replaced")


def _check_folder(target: Path) -> None:
    """Raise :class:`ReleaseError` unless ``target`` is missing, empty or holds a release alone.

    An earlier release's own files are replaced; anything else would be left there, unlisted
    in ``SHA256SUMS``, and is refused by name.
    """
    if not target.exists():
        return
    if not target.is_dir():
        raise ReleaseError(f"{target}: not a folder; give the folder to write the release into")
    if os.path.ismount(os.path.realpath(target)):
        raise ReleaseError(
            f"{target}: a mount point; a release replaces its folder whole, so give a folder "
            "inside it"
        )
    try:
        others = sorted(p.name + ("/" if p.is_dir() else "") for p in target.iterdir()
                        if (p.name not in _OWN_FILES and not _OWN_TEMPORARY.fullmatch(p.name))
                        or p.is_dir())  # fmt: skip
    except OSError as error:
        raise ReleaseError(f"{target}: the folder cannot be read: {error.strerror}") from error
    if others:
        shown = ", ".join(others[:10]) + (f", … ({len(others)} in all)" if others[10:] else "")
        raise ReleaseError(
            f"{target}: the folder holds files that are not part of a release ({shown}); a "
            "release is written into a new or empty folder, or over an earlier release alone: "
            "move those files away or give another folder"
        )


def recover_folder(target: Path, real: Path, kind: PublishedFolder = _RELEASE) -> None:
    """Clear what killed writers into ``real`` left beside it, putting an earlier folder back.

    A writer killed while writing leaves its folder; one killed between moving the earlier
    folder aside and moving its own in leaves ``real`` missing and the earlier one aside,
    which goes back in place. Those of a writer still running are left alone.
    """
    for staging in leftovers(real, kind.staging):
        shutil.rmtree(staging, ignore_errors=True)
    replaced = leftovers(real, kind.replaced)
    if replaced and not os.path.lexists(real):
        earlier = max(replaced, key=_modified)
        try:
            os.rename(earlier, real)
        except OSError as error:
            raise kind.error(
                f"{target}: the earlier {kind.noun}, moved aside to {earlier} by a "
                f"{kind.noun} that was stopped, cannot be put back: {error.strerror or error}"
            ) from error
        replaced.remove(earlier)
    for folder in replaced:
        shutil.rmtree(folder, ignore_errors=True)


def _modified(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _new_folder(real: Path, tag: str) -> Path:
    """Make an empty hidden folder beside ``real``, named for it, this process and ``tag``."""
    while True:
        folder = real.parent / f"{temporary_prefix(real, tag)}{secrets.token_hex(4)}.tmp"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


def _write_file(path: Path, data: bytes) -> None:
    """Write a new file, readable by everyone (published files are), and sync it."""
    with path.open("xb") as out:
        out.write(data)
        out.flush()
        os.fchmod(out.fileno(), 0o644)
        os.fsync(out.fileno())


def _swap(staging: Path, real: Path, replaced: str) -> None:
    """Put ``staging`` in the place of ``real``; an earlier folder there is removed after.

    The earlier folder is first moved aside, tagged ``replaced``.

    Should the move fail, ``real`` is as it was and ``staging`` still where it was.
    """
    if not real.exists():
        os.rename(staging, real)
        return
    try:
        cwd_inside = os.getcwd() == str(real)
    except OSError:
        cwd_inside = False
    aside = _new_folder(real, replaced)
    try:
        os.rename(real, aside)  # over the empty folder just made: the name is this run's
    except BaseException:
        with contextlib.suppress(OSError):
            aside.rmdir()
        raise
    try:
        os.rename(staging, real)
    except BaseException:
        os.rename(aside, real)
        raise
    if cwd_inside:
        os.chdir(real)  # this process stood in the earlier release: stand in the new one
    shutil.rmtree(aside, ignore_errors=True)


def write_folder(
    target: Path,
    real: Path,
    contents: Sequence[tuple[str, bytes]],
    kind: PublishedFolder = _RELEASE,
) -> None:
    """Write the files into a new folder beside ``real`` (``target`` resolved), then swap.

    A file's name may hold folders (``id/cambodia.html``). An earlier folder there stays whole
    until the new one is; then the two are swapped.
    """
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(real, kind.staging)
    except OSError as error:
        raise kind.error(
            f"{target}: the {kind.noun} cannot be written beside it, in {real.parent} (it is "
            f"made there, then moved into place): {error.strerror or error}"
        ) from error
    try:
        for name, content in contents:
            try:
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                _write_file(staging / name, content)
            except OSError as error:
                raise kind.error(
                    f"{target / name}: cannot be written: {error.strerror or error}"
                ) from error
        if real.is_dir():
            staging.chmod(real.stat().st_mode & 0o7777)
        sync_folder(staging)
        try:
            _swap(staging, real, kind.replaced)
        except OSError as error:
            raise kind.error(
                f"{target}: the {kind.noun} cannot be moved into place: {error.strerror or error}"
            ) from error
        sync_folder(real.parent)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def make_release(
    kg: KnowledgeGraph,
    folder: str | Path,
    *,
    version: str,
    issued: dt.date | None = None,
    shapes: Iterable[str | Path] | None = None,
    base_url: str | None = None,
    title: str = "ACCSM knowledge graph",
    publisher: str = "accsm-kg contributors",
    rapper: bool | None = None,
) -> Release:
    """Write a release of ``kg`` into ``folder`` (made if missing) and return what was written.

    The release is made in a hidden folder beside ``folder`` and moved into its place once
    whole; an earlier release there stays whole until then. What a release that was killed
    left beside ``folder`` is cleared first (an earlier release it had moved aside goes back).
    Where ``folder`` is a symbolic link, the folder it points to is replaced and the link kept.

    :param version: the release's version, ``X.Y.Z`` (semantic versioning: no leading
        zeros; a pre-release such as ``1.0.0-rc.1`` is allowed).
    :param issued: the date it is issued (today by default); with the version, the only input
        besides the graph, so the same graph, version and date always give the same bytes.
    :param shapes: SHACL shapes files to publish; the bundled shapes by default.
    :param base_url: where the files will be downloaded from, for the DCAT description;
        ``https://w3id.org/accsm-kg/release/VERSION/`` by default.
    :param rapper: also parse every file back with ``rapper`` (raptor2-utils): ``True``
        requires it, ``False`` skips it, ``None`` (the default) uses it when installed.
    :raises ReleaseError: a version that is not ``X.Y.Z``, a base URL that is not an absolute
        URL, rapper required and missing, a folder holding files other than a release's own
        (an earlier release's files are replaced; anything else is refused, by name, before
        any work), a mount point (a release replaces its folder whole), or a folder or file
        that cannot be written.
    :raises RoundTripError: a file did not parse back to the graph it was made from; nothing
        is written then.
    """
    if not _VERSION.fullmatch(version):
        raise ReleaseError(
            f"{version!r} is not a semantic version X.Y.Z (e.g. 0.1.0 or 1.0.0-rc.1): each part "
            "is 0 or a number without a leading zero"
        )
    if base_url is not None:
        _check_base_url(base_url)
    target = Path(folder)
    real = Path(os.path.realpath(target))
    if real.is_symlink():
        raise ReleaseError(
            f"{target}: the symbolic link leads round in a loop; give the folder to write the "
            "release into"
        )
    recover_folder(target, real)
    _check_folder(target)
    issued = issued if issued is not None else dt.date.today()
    base = base_url if base_url is not None else f"{RELEASE_BASE}{version}/"
    base = base if base.endswith("/") else base + "/"
    parsers = _parsers(rapper)

    graphs = _portable_graph_names(kg.graphs())
    every = canonical_quads(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(graphs.get(g, g)))  # type: ignore[arg-type]
        for s, p, o, g in kg.store.quads()
    )
    inferred = [q for q in every if q.graph_name.value.startswith(INFERRED_GRAPH_BASE)]  # type: ignore[union-attr]
    asserted = [q for q in every if not q.graph_name.value.startswith(INFERRED_GRAPH_BASE)]  # type: ignore[union-attr]
    ontology = [q for q in asserted if q.graph_name.value.startswith(ONTOLOGY_GRAPH_BASE)]  # type: ignore[union-attr]
    data = [q for q in asserted if not q.graph_name.value.startswith(ONTOLOGY_GRAPH_BASE)]  # type: ignore[union-attr]
    shapes_graph = Graph()
    for path in shapes if shapes is not None else shapes_paths():
        shapes_graph += parse_file(Path(path)).triples
    shape_quads = canonical_quads(
        ox.Quad(*(to_oxigraph(t) for t in triple))  # type: ignore[arg-type]
        for triple in shapes_graph
    )
    whole = _triples(asserted)

    files = [
        _file(_ONTOLOGY_TTL, "The ontology and its SKOS vocabularies, Turtle", _TURTLE,
              _triples(ontology)),
        _file(_ONTOLOGY_OWL, "The ontology and its SKOS vocabularies, RDF/XML (for Protégé)",
              _RDFXML, _triples(ontology)),
        _file(_DATA, "The data, Turtle", _TURTLE, _triples(data)),
        _file(_SHAPES, "The SHACL shapes the data satisfies, Turtle", _TURTLE,
              _triples(shape_quads)),
        _file(_NT, "The whole graph (ontology and data), N-Triples", _NTRIPLES, whole),
        _file(_NQ, "The whole graph, one named graph per source file, N-Quads", _NQUADS,
              asserted),
        _file(_JSONLD_FILE, "The whole graph, one named graph per source file, JSON-LD",
              _JSONLD, asserted),
    ]  # fmt: skip
    if inferred:
        files.append(
            _file(_INFERRED, "Inferred triples, kept apart from the asserted ones, Turtle",
                  _TURTLE, _triples(inferred))
        )  # fmt: skip
    description = _description(
        kg, files, whole, version=version, issued=issued, base_url=base, title=title,
        publisher=publisher,
    )  # fmt: skip
    files.append(_file(_VOID, "The VoID and DCAT description of this release", _TURTLE,
                       description))  # fmt: skip
    # parsing every file back with every parser is most of a release's time
    with steps(f"release {version}", total=len(files) + 1) as phases:
        for made in files:
            phases.step(f"checking {made.name} with {', '.join(parsers)}")
            _check(made, parsers)
        phases.step("writing the folder")
        sums = {made.name: hashlib.sha256(made.data).hexdigest() for made in files}
        listing = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)).encode()
        files_and_sums = [*((made.name, made.data) for made in files), (_SUMS, listing)]
        write_folder(target, real, files_and_sums)
    return Release(
        version=version,
        issued=issued,
        folder=target,
        files=(*(target / made.name for made in files), target / _SUMS),
        sha256=sums,
        triples=len(whole),
        checked_with=parsers,
    )
