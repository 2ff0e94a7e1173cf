"""The ontology: documented terms, domains and ranges, declared axioms; OWL 2 DL tools accept it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlready2
import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from accsm_kg.resources import vocabulary_paths

ROOT = Path(__file__).parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "accsm.ttl"
TURTLE_FILES = sorted(
    path for folder in ("ontology", "shapes", "data") for path in (ROOT / folder).rglob("*.ttl")
)
ONTOLOGY = URIRef("https://w3id.org/accsm-kg/ontology")
ACCSM = "https://w3id.org/accsm-kg/ontology#"
VANN = "http://purl.org/vocab/vann/"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
# Built-in classes and datatypes, which need no declaration.
BUILT_IN = {OWL.Thing, RDFS.Literal, RDF.PlainLiteral, XSD.string, XSD.positiveInteger}


@cache
def ontology() -> Graph:
    """Parse the ontology once (do not modify it)."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(*types: URIRef) -> list[URIRef]:
    """Return the named terms of the given OWL types declared in the ontology file."""
    graph = ontology()
    return sorted(
        {t for kind in types for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)}
    )


def own(term: Node) -> bool:
    """Tell whether a term is in the accsm: namespace."""
    return str(term).startswith(ACCSM)


def languages(graph: Graph, subject: Node, predicate: URIRef) -> list[str | None]:
    """Return the language tags of the literal values of a property."""
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def class_members(graph: Graph, expression: Node) -> list[Node]:
    """Return the named classes in a class expression: itself, or the members of a union."""
    union = graph.value(expression, OWL.unionOf)
    return list(Collection(graph, union)) if union is not None else [expression]


def test_ontology_header() -> None:
    """The ontology has its IRI, version IRI and version, titles, licence, creator and prefix."""
    graph = ontology()
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY, OWL.versionIRI) == URIRef(str(ONTOLOGY) + "/0.2.0")
    assert graph.value(ONTOLOGY, OWL.versionInfo) == Literal("0.2.0")
    assert graph.value(ONTOLOGY, OWL.priorVersion) == URIRef(str(ONTOLOGY) + "/0.1.0")
    assert graph.value(ONTOLOGY, DCTERMS.created) == Literal("2026-11-25", datatype=XSD.date)
    assert isinstance(graph.value(ONTOLOGY, DCTERMS.modified), Literal)
    assert sorted(languages(graph, ONTOLOGY, DCTERMS.title)) == ["en", "km"]
    assert languages(graph, ONTOLOGY, DCTERMS.description) == ["en"]
    assert graph.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(ONTOLOGY, DCTERMS.creator) == URIRef(
        "https://w3id.org/accsm-kg/id/accsm-kg-project"
    )
    assert graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix")) == Literal("accsm")
    assert graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri")) == Literal(ACCSM)


def test_terms_have_labels_and_definitions() -> None:
    """Every class and property has one rdfs:label @en, one @km, and a skos:definition @en."""
    graph = ontology()
    problems = []
    for term in terms(*TERM_TYPES):
        label_languages = languages(graph, term, RDFS.label)
        for language in ("en", "km"):
            if label_languages.count(language) != 1:
                problems.append(
                    f"{term.n3(graph.namespace_manager)}: no single rdfs:label @{language}"
                )
        if languages(graph, term, SKOS.definition) != ["en"]:
            problems.append(f"{term.n3(graph.namespace_manager)}: no single skos:definition @en")
    assert not problems, "\n".join(problems)


def test_own_properties_have_domain_and_range() -> None:
    """Every property of the accsm: namespace has exactly one rdfs:domain and one rdfs:range."""
    graph = ontology()
    problems = [
        f"{prop.n3(graph.namespace_manager)}: {len(list(graph.objects(prop, p)))} {p.n3()}"
        for prop in terms(OWL.ObjectProperty, OWL.DatatypeProperty)
        if own(prop)
        for p in (RDFS.domain, RDFS.range)
        if len(list(graph.objects(prop, p))) != 1
    ]
    assert not problems, "\n".join(problems)


def test_own_terms_are_declared() -> None:
    """Every accsm: term the ontology mentions is declared, and rdfs:isDefinedBy the ontology."""
    graph = ontology()
    mentioned = {n for triple in graph for n in triple if isinstance(n, URIRef) and own(n)}
    declared = set(terms(*TERM_TYPES))
    assert mentioned <= declared, f"undeclared accsm: terms: {sorted(mentioned - declared)}"
    undefined = [t for t in declared if own(t) and graph.value(t, RDFS.isDefinedBy) != ONTOLOGY]
    assert not undefined, f"accsm: terms without rdfs:isDefinedBy the ontology: {undefined}"


@cache
def vocabulary_terms() -> tuple[set[URIRef], set[URIRef]]:
    """Return the classes and the properties the bundled vocabularies declare."""
    vocabularies = Graph()
    for path in vocabulary_paths():
        vocabularies.parse(path)
    classes = {c for kind in (OWL.Class, RDFS.Class) for c in vocabularies.subjects(RDF.type, kind)}
    kinds = (RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    properties = {p for kind in kinds for p in vocabularies.subjects(RDF.type, kind)}
    return {c for c in classes if isinstance(c, URIRef)}, {
        p for p in properties if isinstance(p, URIRef)
    }


@pytest.mark.slow
def test_terms_in_axioms_are_declared() -> None:
    """Classes, properties and datatypes used in axioms are declared: ours in the ontology, the
    others by their own vocabularies (the reasoning copy declares them, as OWL 2 DL requires)."""
    graph = ontology()
    their_classes, their_properties = vocabulary_terms()
    classes = set(terms(OWL.Class)) | BUILT_IN | their_classes
    object_properties = set(terms(OWL.ObjectProperty))
    properties = object_properties | set(terms(OWL.DatatypeProperty)) | their_properties
    problems = []
    for subject, predicate, value in graph:
        if predicate in (RDFS.subClassOf, RDFS.domain) or (
            predicate == RDFS.range and subject in object_properties
        ):
            used = class_members(graph, value)
        elif predicate == RDFS.range:
            used = [value]
        elif predicate == OWL.members:
            used = list(Collection(graph, value))
        elif predicate == RDFS.subPropertyOf:
            problems += [] if value in properties else [f"undeclared property {value}"]
            continue
        else:
            continue
        problems += [
            f"undeclared class or datatype {c} in {subject}" for c in used if c not in classes
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path", TURTLE_FILES, ids=[p.relative_to(ROOT).as_posix() for p in TURTLE_FILES]
)
def test_turtle_parses_alike_in_pyoxigraph(path: Path) -> None:
    """Every Turtle file parses in pyoxigraph to as many triples as in rdflib."""
    with path.open("rb") as stream:
        triples = set(pyoxigraph.parse(stream, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(path, format="turtle"))


def load_in_owlready2(tmp_path: Path) -> tuple[owlready2.World, owlready2.Ontology]:
    """Load the ontology into a fresh owlready2 World, through N-Triples (it cannot read Turtle)."""
    ntriples = tmp_path / "accsm.nt"
    ontology().serialize(destination=ntriples, format="nt", encoding="utf-8")
    world = owlready2.World()
    return world, world.get_ontology(ntriples.as_uri()).load()


def test_loads_in_owlready2(tmp_path: Path) -> None:
    """owlready2 loads the ontology and finds every class and property of the accsm: namespace."""
    world, onto = load_in_owlready2(tmp_path)
    assert onto.base_iri == ACCSM
    found = {e.iri for e in (*onto.classes(), *onto.object_properties(), *onto.data_properties())}
    expected = {str(t) for t in terms(*TERM_TYPES) if own(t)}
    assert expected <= found, f"owlready2 did not see {sorted(expected - found)}"
    world.close()


@pytest.mark.needs("java")
@pytest.mark.slow
def test_hermit_finds_the_ontology_consistent(tmp_path: Path) -> None:
    """HermiT finds the ontology consistent, with no unsatisfiable class, in under a minute."""
    world, onto = load_in_owlready2(tmp_path)
    with onto:
        # Raises OwlReadyInconsistentOntologyError if the ontology is inconsistent.
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    unsatisfiable = list(world.inconsistent_classes())
    world.close()
    assert not unsatisfiable, f"unsatisfiable classes: {unsatisfiable}"
