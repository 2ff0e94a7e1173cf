"""What changed between two dumps or releases: triples added and removed, grouped by subject.

Blank nodes are matched by their structure (the RDFC-1.0 canonical form of the triples they
join), so a blank node whose triples did not change is not reported, whatever its label in
either file, and however many blank nodes of the same structure the other file adds.

>>> from rdflib import Graph
>>> old = Graph().parse(data="@prefix kg: <https://w3id.org/accsm-kg/id/> . kg:a kg:p 1 .")
>>> new = Graph().parse(data="@prefix kg: <https://w3id.org/accsm-kg/id/> . kg:a kg:p 2 .")
>>> changes = diff_graphs(old, new)
>>> changes.equal, len(changes.added), len(changes.removed)
(False, 1, 1)
>>> print(changes.to_text())
1 triple added, 1 removed, in 1 subject (old → new)
<BLANKLINE>
kg:a
  - kg:p "1"^^xsd:integer
  + kg:p "2"^^xsd:integer
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import (
    EntityExpansionError,
    NestingTooDeepError,
    NoRdfFilesError,
    UnsupportedFileError,
)
from .knowledge_graph import PREFIXES
from .loading import not_found, reading, syntax_error
from .release import Groups, canonical_quads
from .terms import curie, from_oxigraph, to_oxigraph

__all__ = ["GraphDiff", "diff_dumps", "diff_graphs", "read_graph"]

Triple = tuple[Node, Node, Node]

#: The files ``diff`` reads, by suffix, with Oxigraph's format for each.
READ_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML,
}
#: In a release folder, the files that hold the graph (the others repeat it, or describe it).
RELEASE_GRAPH_FILES = ("accsm-kg.nt", "accsm-kg-shapes.ttl", "accsm-kg-inferred.ttl")

_LABELS = [
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://xmlns.com/foaf/0.1/name"),
    URIRef("http://purl.org/dc/terms/title"),
]
_EXTRA_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
}


def _formats() -> str:
    """Name the suffixes diff reads, e.g. ``use .ttl for Turtle, ..., or .owl or .rdf for RDF/XML``.

    >>> _formats().split(", ")[:2]
    ['use .ttl for Turtle', '.nt for N-Triples']
    """
    by_name: dict[str, list[str]] = {}
    for suffix, fmt in READ_FORMATS.items():
        by_name.setdefault(fmt.name, []).append(suffix)
    named = [f"{' or '.join(suffixes)} for {name}" for name, suffixes in by_name.items()]
    return f"use {', '.join(named[:-1])}, or {named[-1]}"


def _read_file(path: Path, graph: Graph) -> None:
    try:
        fmt = READ_FORMATS[path.suffix.lower()]
    except KeyError:
        raise UnsupportedFileError(str(path), reader="accsm-kg diff", formats=_formats()) from None
    bnodes: dict[str, BNode] = {}  # blank nodes are scoped to their file
    try:
        with reading(path):
            if fmt == ox.RdfFormat.RDF_XML:
                check_entities(path)
                check_nesting(path)
            for quad in ox.parse(path=path, format=fmt):
                graph.add(
                    tuple(  # type: ignore[arg-type]
                        bnodes.setdefault(t.value, BNode()) if isinstance(t, ox.BlankNode) else
                        from_oxigraph(t)
                        for t in (quad.subject, quad.predicate, quad.object)
                    )
                )  # fmt: skip
    except SyntaxError as error:
        raise syntax_error(path, error) from None


#: The most bytes one XML entity may expand to, and all of a file's references together.
MOST_PER_ENTITY, MOST_EXPANDED = 1 << 16, 1 << 26
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s%]+)\s+(?:\"([^\"]*)\"|'([^']*)'|([^>]*))>", re.S)
_REFERENCE = re.compile(rb"&([^\s&;#]+);")


def _internal_subset(path: Path, data: bytes) -> tuple[bytes, int]:
    """Return the declarations in a DOCTYPE's ``[ ]``, and where the document after them begins.

    ``b""`` and 0 when there are none. Quoted values may hold ``]``: one pass over the bytes
    finds the ``]`` that closes the declarations.
    """
    start = data.find(b"<!DOCTYPE")
    if start < 0:
        return b"", 0
    opening = data.find(b"[", start)
    closing_tag = data.find(b">", start)
    if opening < 0 or 0 <= closing_tag < opening:
        return b"", 0  # a DOCTYPE without an internal subset declares no entity
    quote = None
    for at in range(opening + 1, len(data)):
        byte = data[at : at + 1]
        if quote is not None:
            if byte == quote:
                quote = None
        elif byte in (b'"', b"'"):
            quote = byte
        elif byte == b"]":
            return data[opening + 1 : at], at + 1
    raise EntityExpansionError(str(path), "its DOCTYPE never closes its [ ] of declarations")


#: The deepest RDF/XML nesting read: Oxigraph's reader takes time in the square of the depth.
DEEPEST_XML = 1000


def check_nesting(path: Path) -> None:
    """Refuse an XML file whose elements nest deeper than :data:`DEEPEST_XML`.

    Read by expat, in one pass, after :func:`check_entities`; a file expat cannot read is left
    to the RDF/XML reader, whose error names the fault.

    :raises NestingTooDeepError: naming the line where the limit is passed.
    """
    import xml.parsers.expat

    reader = xml.parsers.expat.ParserCreate()
    depth = 0

    def opened(*_: object) -> None:
        nonlocal depth
        depth += 1
        if depth > DEEPEST_XML:
            raise NestingTooDeepError(str(path), reader.CurrentLineNumber, DEEPEST_XML)

    def closed(*_: object) -> None:
        nonlocal depth
        depth -= 1

    reader.StartElementHandler, reader.EndElementHandler = opened, closed
    with contextlib.suppress(xml.parsers.expat.ExpatError), path.open("rb") as stream:
        reader.ParseFile(stream)


def check_entities(path: Path) -> None:
    """Refuse an XML file whose entities expand out of proportion to it, or fetch anything.

    Entities of entities (the "billion laughs") may expand a file of a kilobyte to gigabytes;
    parameter and external entities are refused outright. The usual
    ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` is read as ever.

    :raises EntityExpansionError: naming the entity and the sizes.
    """
    data = path.read_bytes()
    subset, end = _internal_subset(path, data)
    values: dict[bytes, bytes] = {}
    for match in _ENTITY.finditer(subset):
        name = match.group(2)
        if match.group(1) or match.group(5) is not None:
            kind = "parameter" if match.group(1) else "external"
            raise EntityExpansionError(
                str(path), f"the {kind} entity {name.decode(errors='replace')} is refused"
            )
        values[name] = match.group(3) if match.group(3) is not None else match.group(4)
    sizes: dict[bytes, int] = {}

    def size(name: bytes, seen: tuple[bytes, ...] = ()) -> int:
        if name not in values:
            return len(name) + 2  # a predefined or character reference stays short
        if name in seen:
            raise EntityExpansionError(str(path), f"the entity {name.decode()} refers to itself")
        if name not in sizes:
            value = values[name]
            sizes[name] = len(value) + sum(
                size(ref, (*seen, name)) - len(ref) - 2 for ref in _REFERENCE.findall(value)
            )
            if sizes[name] > MOST_PER_ENTITY:
                raise EntityExpansionError(
                    str(path),
                    f"the entity {name.decode(errors='replace')} expands to {sizes[name]:,} bytes,"
                    f" more than the {MOST_PER_ENTITY:,} accsm-kg reads",
                )
        return sizes[name]

    total = sum(size(ref) for ref in _REFERENCE.findall(data, end))
    if total > MOST_EXPANDED:
        raise EntityExpansionError(
            str(path),
            f"its entity references expand to {total:,} bytes, more than the "
            f"{MOST_EXPANDED:,} accsm-kg reads",
        )


def read_graph(path: str | Path) -> Graph:
    """Read a dump (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) or a folder as one graph.

    A release folder (one with ``accsm-kg.nt``) is read as its whole graph, its shapes and its
    inferred triples; any other folder as every ``.ttl`` and ``.nt`` file in it. Named graphs
    are merged: a diff compares triples.

    :raises SourceNotFoundError: the path does not exist (:class:`NotAFileError`: it is no
        file nor folder; :class:`NoRdfFilesError`: a folder holds no RDF file).
    :raises TurtleSyntaxError: a file does not parse (the message names file and line).
    :raises EntityExpansionError: an RDF/XML file's entities expand out of proportion.
    """
    path = Path(path)
    graph = Graph()
    if path.is_dir():
        if (path / RELEASE_GRAPH_FILES[0]).is_file():
            files = [path / name for name in RELEASE_GRAPH_FILES if (path / name).is_file()]
        else:
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in (".ttl", ".nt")
            )
            if not files:
                others = sorted(p.relative_to(path).as_posix() for p in path.rglob("*"))
                raise NoRdfFilesError(str(path), others)
        for file in files:
            _read_file(file, graph)
    elif path.is_file():
        _read_file(path, graph)
    else:
        raise not_found(path)
    return graph


@dataclass(frozen=True)
class GraphDiff:
    """The triples only in the old graph (``removed``) and only in the new one (``added``)."""

    old_name: str
    new_name: str
    added: tuple[Triple, ...]
    removed: tuple[Triple, ...]
    labels: dict[Node, str] = field(default_factory=dict)
    namespaces: NamespaceManager | None = None

    @property
    def equal(self) -> bool:
        """True when both hold the same triples (blank nodes matched by structure)."""
        return not self.added and not self.removed

    def _show(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return curie(term, self.namespaces)
        if isinstance(term, BNode):
            return f"_:{str(term)[:12]}"
        if isinstance(term, Literal):
            return term.n3(self.namespaces)
        return term.n3()

    def _groups(self) -> list[tuple[Node, list[tuple[str, Node, Node]]]]:
        changes = [("-", t) for t in self.removed] + [("+", t) for t in self.added]
        changes.sort(key=lambda c: (_order(c[1][0]), self._show(c[1][1]), c[0] != "-",
                                    self._show(c[1][2])))  # fmt: skip
        return [
            (subject, [(sign, t[1], t[2]) for sign, t in group])
            for subject, group in groupby(changes, key=lambda c: c[1][0])
        ]

    def summary(self) -> str:
        """One line: how many triples were added and removed, in how many subjects."""
        if self.equal:
            return f"no change: {self.old_name} and {self.new_name} hold the same triples"
        subjects = len({t[0] for t in (*self.added, *self.removed)})
        return (
            f"{_count(len(self.added), 'triple')} added, {len(self.removed)} removed, in "
            f"{_count(subjects, 'subject')} ({self.old_name} → {self.new_name})"
        )

    def to_text(self) -> str:
        """Return the changes as text: a summary, then each subject and its ``+``/``-`` lines."""
        lines = [self.summary()]
        for subject, changes in self._groups():
            label = self.labels.get(subject)
            lines += ["", self._show(subject) + (f"  ({label})" if label else "")]
            lines += [f"  {s} {self._show(p)} {self._show(o)}" for s, p, o in changes]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """Return the changes as Markdown for a changelog: a table of changes per subject."""
        lines = [f"## Changes from `{self.old_name}` to `{self.new_name}`", "", self.summary()]
        for subject, changes in self._groups():
            label = self.labels.get(subject)
            title = _code(self._show(subject)) + (f" — {_cell(label)}" if label else "")
            lines += ["", f"### {title}", "", "| change | predicate | object |", "|---|---|---|"]
            lines += [
                f"| {'added' if s == '+' else 'removed'} | {_code(self._show(p))} | "
                f"{_code(self._show(o))} |"
                for s, p, o in changes
            ]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def _order(term: Node) -> tuple[int, str]:
    return (0 if isinstance(term, URIRef) else 1, str(term))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


def _label(subject: Node, graphs: Iterable[Graph]) -> str | None:
    for graph in graphs:
        for predicate in _LABELS:
            values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
            english = sorted(str(v) for v in values if v.language == "en")
            khmer = sorted(str(v) for v in values if v.language == "km")
            others = sorted(str(v) for v in values)
            shown = [*english[:1], *khmer[:1]] or others[:1]
            if shown:
                return " / ".join(shown)
    return None


def diff_graphs(
    old: Graph, new: Graph, *, old_name: str = "old", new_name: str = "new"
) -> GraphDiff:
    """Compare two graphs; blank nodes are matched by their structure."""
    only_old, only_new = _differences(old, new)
    namespaces = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in {**PREFIXES, **_EXTRA_PREFIXES}.items():
        namespaces.bind(prefix, iri)
    removed = tuple(sorted(only_old, key=lambda t: tuple(map(str, t))))
    added = tuple(sorted(only_new, key=lambda t: tuple(map(str, t))))
    subjects = {t[0] for t in (*removed, *added)}
    labels = {s: label for s in subjects if (label := _label(s, (new, old)))}
    return GraphDiff(old_name, new_name, added, removed, labels, namespaces)


def _differences(old: Graph, new: Graph) -> tuple[set[Triple], set[Triple]]:
    """Return the triples only in ``old`` and only in ``new``, blank nodes matched by structure.

    Triples without blank nodes are compared as they are. The triples with blank nodes fall
    into components, the triples joined by the blank nodes they share (a list, a restriction
    and the triple that points at it). Each component is named by its RDFC-1.0 canonical form
    (Oxigraph's), which is the same for two components exactly when they are isomorphic, so
    identical components are interchangeable: the components of either side are compared as
    multisets of canonical forms, and only those with no counterpart on the other side are
    reported, all their triples.

    >>> from rdflib import Graph
    >>> head = "@prefix e: <https://e.org/> . "
    >>> old = Graph().parse(data=head + "e:a e:p ( e:x e:y ) .")
    >>> new = Graph().parse(data=head + "e:a e:p ( e:x e:y ) . e:b e:p ( e:x e:y ) .")
    >>> only_old, only_new = _differences(old, new)
    >>> len(only_old), sorted({str(s) for s, _, _ in only_new if not isinstance(s, BNode)})
    (0, ['https://e.org/b'])
    """
    ground_old, blank_old = _split(old)
    ground_new, blank_new = _split(new)
    only_old, only_new = ground_old - ground_new, ground_new - ground_old
    if _canonical(blank_old) == _canonical(blank_new):  # the whole of it at once, when equal
        return only_old, only_new
    components_old = _by_form(blank_old)
    components_new = _by_form(blank_new)
    for form, found in components_old.items():
        for component in found[len(components_new.get(form, ())) :]:
            only_old.update(component)
    for form, found in components_new.items():
        for component in found[len(components_old.get(form, ())) :]:
            only_new.update(component)
    return only_old, only_new


def _split(graph: Graph) -> tuple[set[Triple], Graph]:
    ground: set[Triple] = set()
    blank = Graph()
    for triple in graph:
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
            blank.add(triple)
        else:
            ground.add(triple)
    return ground, blank


def _components(graph: Graph) -> list[list[Triple]]:
    """Split triples with blank nodes into the groups joined by the blank nodes they share."""
    joined = Groups[Node]()
    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            joined.join(s, o)
    groups: dict[Node, list[Triple]] = {}
    for triple in graph:
        node = triple[0] if isinstance(triple[0], BNode) else triple[2]
        groups.setdefault(joined.root(node), []).append(triple)
    return list(groups.values())


def _by_form(graph: Graph) -> dict[str, list[list[Triple]]]:
    """Group the components of ``graph`` by their canonical form (as canonical N-Triples)."""
    forms: dict[str, list[list[Triple]]] = {}
    for component in _components(graph):
        form = "\n".join(str(q) for q in _canonical(component))
        forms.setdefault(form, []).append(component)
    return forms


def _canonical(triples: Iterable[Triple]) -> list[ox.Quad]:
    return canonical_quads(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in triples
    )


def diff_dumps(old: str | Path, new: str | Path) -> GraphDiff:
    """Compare two dumps or releases (files or release folders); see :func:`read_graph`."""
    return diff_graphs(read_graph(old), read_graph(new), old_name=str(old), new_name=str(new))
