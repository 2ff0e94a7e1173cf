"""HTML documentation: the ontology, term by term in English and Khmer, and the named queries.

:func:`build_docs` writes ``index.html`` (every class, property and SKOS vocabulary of the
ontology, with its labels and definitions in each language, its place in the hierarchy, its
domain and range) and ``queries.html`` (each named query's question, parameters, SPARQL and its
current answer on the graph). The pages are rendered with Jinja2 from ``accsm_kg/templates/``,
need nothing from the network to build or to read, and are the same bytes for the same graph.

>>> import tempfile
>>> from accsm_kg import load
>>> with tempfile.TemporaryDirectory() as folder:
...     [p.name for p in build_docs(load(), folder)]
['index.html', 'queries.html']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import version as _package_version
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, NamespaceManager
from rdflib.term import Node

from .errors import DumpError
from .knowledge_graph import KnowledgeGraph
from .publish import atomic_write
from .queries import named_queries
from .release import ONTOLOGY_GRAPH_BASE
from .terms import curie

__all__ = ["Link", "TermDoc", "build_docs", "ontology_terms"]

#: The kinds of term documented, in the order of the page's sections.
SECTIONS: dict[str, tuple[str, URIRef]] = {
    "classes": ("Classes", OWL.Class),
    "object-properties": ("Object properties", OWL.ObjectProperty),
    "datatype-properties": ("Datatype properties", OWL.DatatypeProperty),
    "annotation-properties": ("Annotation properties", OWL.AnnotationProperty),
    "concept-schemes": ("SKOS vocabularies", SKOS.ConceptScheme),
}
_FACTS: list[tuple[str, URIRef, bool]] = [  # (heading, predicate, inverse?)
    ("Subclass of", RDFS.subClassOf, False),
    ("Superclass of", RDFS.subClassOf, True),
    ("Subproperty of", RDFS.subPropertyOf, False),
    ("Inverse of", OWL.inverseOf, False),
    ("Domain", RDFS.domain, False),
    ("Range", RDFS.range, False),
    ("Equivalent to", OWL.equivalentClass, False),
    ("Disjoint with", OWL.disjointWith, False),
    ("Has top concept", SKOS.hasTopConcept, False),
    ("In scheme", SKOS.inScheme, False),
    ("Defined by", RDFS.isDefinedBy, False),
]
#: Prefixes of vocabularies the ontology uses beyond those of queries (:data:`PREFIXES`).
EXTRA_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
}
_CHARACTERISTICS = {
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
}


@dataclass(frozen=True)
class Link:
    """A term as shown in a page: its text, where it links to, and its language if a literal."""

    text: str
    href: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class TermDoc:
    """What the documentation says about one class, property or concept scheme."""

    iri: str
    curie: str
    anchor: str
    labels: list[Link]
    definitions: list[Link]
    comments: list[Link]
    facts: list[tuple[str, list[Link]]]
    characteristics: list[str] = field(default_factory=list)
    concepts: list[TermDoc] = field(default_factory=list)


def _anchor(curie: str) -> str:
    return curie.replace(":", "-").replace("<", "").replace(">", "").replace("/", "-")


class _Renderer:
    """Turns terms of the ontology into links and term documentation."""

    def __init__(self, kg: KnowledgeGraph, ontology: Graph) -> None:
        self.kg = kg
        self.ontology = ontology
        self.documented: dict[Node, str] = {}  # term -> anchor
        self.namespaces = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, iri in {**kg.prefixes, **EXTRA_PREFIXES}.items():
            self.namespaces.bind(prefix, iri)

    def curie(self, term: Node) -> str:
        return curie(term, self.namespaces) if isinstance(term, URIRef) else str(term)

    def link(self, term: Node, page: str = "") -> Link:
        if isinstance(term, Literal):
            return Link(str(term), lang=term.language)
        if isinstance(term, BNode):
            return Link(self._expression(term))
        anchor = self.documented.get(term)
        return Link(self.curie(term), f"{page}#{anchor}" if anchor else str(term))

    def _expression(self, node: BNode) -> str:
        """Put a class expression in words: ``(accsm:WorkPlan or accsm:Chairmanship)``."""
        for predicate, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            members = self.ontology.value(node, predicate)
            if members is not None:
                items = Collection(self.ontology, members)
                return "(" + word.join(self.curie(m) for m in items) + ")"
        return "(an anonymous class)"

    def literals(self, subject: Node, predicate: URIRef) -> list[Link]:
        values = [v for v in self.ontology.objects(subject, predicate) if isinstance(v, Literal)]
        order = {"en": 0, "km": 1}
        values.sort(key=lambda v: (order.get(v.language or "", 2), v.language or "", str(v)))
        return [Link(str(v), lang=v.language) for v in values]

    def term(self, subject: URIRef) -> TermDoc:
        facts = []
        for heading, predicate, inverse in _FACTS:
            values = (
                self.ontology.subjects(predicate, subject)
                if inverse
                else self.ontology.objects(subject, predicate)
            )
            links = sorted((self.link(v) for v in values), key=lambda link: link.text)
            if links:
                facts.append((heading, links))
        types = set(self.ontology.objects(subject, RDF.type))
        concepts = sorted(
            (c for c in self.ontology.subjects(SKOS.inScheme, subject) if isinstance(c, URIRef)),
            key=self.curie,
        )
        return TermDoc(
            iri=str(subject),
            curie=self.curie(subject),
            anchor=self.documented[subject],
            labels=self.literals(subject, RDFS.label) + self.literals(subject, SKOS.prefLabel),
            definitions=self.literals(subject, SKOS.definition),
            comments=self.literals(subject, RDFS.comment)
            + self.literals(subject, DCTERMS.description),
            facts=facts,
            characteristics=sorted(name for t, name in _CHARACTERISTICS.items() if t in types),
            concepts=[self._concept(c) for c in concepts],
        )

    def _concept(self, concept: URIRef) -> TermDoc:
        return TermDoc(
            iri=str(concept),
            curie=self.curie(concept),
            anchor=_anchor(self.curie(concept)),
            labels=self.literals(concept, SKOS.prefLabel) + self.literals(concept, SKOS.altLabel),
            definitions=self.literals(concept, SKOS.definition),
            comments=self.literals(concept, RDFS.comment),
            facts=[],
        )


def _ontology_graph(kg: KnowledgeGraph) -> Graph:
    graph = Graph()
    for s, p, o, g in kg.store.quads():
        if str(g).startswith(ONTOLOGY_GRAPH_BASE):
            graph.add((s, p, o))
    return graph


def _sections(renderer: _Renderer) -> list[tuple[str, str, list[TermDoc]]]:
    ontology = renderer.ontology
    kinds: list[tuple[str, str, list[URIRef]]] = []
    for key, (title, cls) in SECTIONS.items():
        terms = sorted(
            (t for t in set(ontology.subjects(RDF.type, cls)) if isinstance(t, URIRef)),
            key=lambda t: (not renderer.curie(t).startswith("accsm:"), renderer.curie(t)),
        )
        kinds.append((key, title, terms))
        for term in terms:
            renderer.documented.setdefault(term, _anchor(renderer.curie(term)))
    return [(key, title, [renderer.term(t) for t in terms]) for key, title, terms in kinds]


def ontology_terms(kg: KnowledgeGraph) -> dict[str, list[TermDoc]]:
    """Return the documented terms of ``kg``'s ontology by section (``classes``...).

    >>> from accsm_kg import load
    >>> meeting = [t for t in ontology_terms(load())["classes"] if t.curie == "accsm:Meeting"][0]
    >>> [(label.lang, label.text) for label in meeting.labels]
    [('en', 'Meeting'), ('km', 'កិច្ចប្រជុំ')]
    """
    renderer = _Renderer(kg, _ontology_graph(kg))
    return {key: terms for key, _, terms in _sections(renderer)}


def _answer(
    renderer: _Renderer, kg: KnowledgeGraph, name: str
) -> tuple[list[str], list[list[Link]]]:
    rows = kg.named_query(name)
    cells = [
        [Link("") if value is None else renderer.link(value, "index.html") for value in row]
        for row in rows
    ]
    return list(rows.variables), cells


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("accsm_kg", "templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_docs(kg: KnowledgeGraph, folder: str | Path) -> list[Path]:
    """Write the HTML documentation of ``kg`` into ``folder`` (made if missing).

    :returns: the pages written, ``index.html`` (the ontology) and ``queries.html``.
    :raises DumpError: the folder cannot be made or a page cannot be written.
    """
    renderer = _Renderer(kg, _ontology_graph(kg))
    sections = _sections(renderer)
    ontologies = sorted(
        (o for o in renderer.ontology.subjects(RDF.type, OWL.Ontology) if isinstance(o, URIRef)),
        key=str,
    )
    head = ontologies[0] if ontologies else None
    about = {
        "iri": str(head) if head else "",
        "titles": renderer.literals(head, DCTERMS.title) if head else [],
        "descriptions": renderer.literals(head, DCTERMS.description) if head else [],
        "version_iri": str(renderer.ontology.value(head, OWL.versionIRI) or "") if head else "",
        "licence": str(renderer.ontology.value(head, DCTERMS.license) or "") if head else "",
    }
    queries = [
        {"query": query, "answer": _answer(renderer, kg, query.name)}
        for query in named_queries().values()
    ]
    context = {"tool_version": _package_version("accsm-kg"), "about": about}
    environment = _environment()
    pages = {
        "index.html": environment.get_template("ontology.html").render(
            sections=sections, **context
        ),
        "queries.html": environment.get_template("queries.html").render(queries=queries, **context),
    }
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DumpError(f"{target}: the folder cannot be made: {error.strerror}") from error
    written = []
    for name, html in pages.items():
        atomic_write(target / name, html.encode("utf-8"))
        (target / name).chmod(0o644)
        written.append(target / name)
    return written
