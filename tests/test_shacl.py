"""SHACL as SPARQL (accsm_kg.shacl) finds what pySHACL finds, on every fixture and on faults.

Each check runs both validators on the same data and shapes graph and compares every result:
focus node, path, constraint component, severity, value, source shape (the shapes graph's own
node, blank or not) and message. The SPARQL runs on pyoxigraph directly and, to keep the
queries portable SPARQL 1.1, on rdflib's engine too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from accsm_kg.errors import ShapesError, UnsupportedShapesError
from accsm_kg.loading import parse_any
from accsm_kg.resources import bundled_paths, data_paths, ontology_paths, shapes_paths
from accsm_kg.shacl import (
    CompiledShapes,
    Select,
    compile_shapes,
    validate_with_sparql,
)
from accsm_kg.terms import from_oxigraph, to_oxigraph
from accsm_kg.validate import ValidationReport, validate_graph

FIXTURES = sorted((Path(__file__).parent / "resources" / "shapes").glob("*.ttl"))
KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


# --- helpers --------------------------------------------------------------------------------------


def oxigraph_select(data: Graph) -> Select:
    """A select over the data in a pyoxigraph store, the default graph the union of graphs."""
    store = ox.Store()
    graph = ox.NamedNode("urn:x-test:data")
    store.bulk_extend([ox.Quad(*map(to_oxigraph, triple), graph) for triple in data])

    def select(text: str) -> list[list[Node | None]]:
        rows = store.query(text, use_default_graph_as_union=True)
        return [[None if t is None else from_oxigraph(t) for t in row] for row in rows]

    return select


def rdflib_select(data: Graph) -> Select:
    """A select over the data in an rdflib Dataset whose default graph is the union."""
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef("urn:x-test:data"))
    for triple in data:
        graph.add(triple)

    def select(text: str) -> list[list[Node | None]]:
        return [list(row) for row in dataset.query(text)]  # type: ignore[arg-type]

    return select


ENGINES: dict[str, Callable[[Graph], Select]] = {
    "oxigraph": oxigraph_select,
    "rdflib": rdflib_select,
}


def findings(report: ValidationReport) -> list[tuple[object, ...]]:
    """Every field of every result, sorted: a multiset of results."""
    return sorted(
        (
            (v.focus_node, v.path, v.constraint, v.severity, v.value, v.shape, v.message)
            for v in report
        ),
        key=repr,
    )


def compare(
    data: Graph, shapes: Graph, engine: str = "oxigraph", compiled: CompiledShapes | None = None
) -> ValidationReport:
    """Validate with both; assert the same conformance and results; return pySHACL's report."""
    expected = validate_graph(data, shapes, namespaces=data.namespace_manager)
    runner = compiled or CompiledShapes(shapes)
    found = runner.run(ENGINES[engine](data), namespaces=data.namespace_manager)
    assert findings(found) == findings(expected), f"SPARQL:\n{found}\npySHACL:\n{expected}"
    assert found.conforms == expected.conforms
    return expected


@cache
def shapes_graph() -> Graph:
    """The bundled shapes, parsed once (do not modify)."""
    graph = Graph()
    for path in shapes_paths():
        graph.parse(path, format="turtle")
    return graph


@cache
def compiled_shapes() -> CompiledShapes:
    """The bundled shapes, compiled once."""
    return CompiledShapes(shapes_graph())


@cache
def bundled_graph() -> Graph:
    """The bundled ontology and data in one graph, parsed once (copy it to modify it)."""
    graph = Graph()
    for path in bundled_paths():
        for part in parse_any(path):  # the data is TriG: its graphs, merged
            graph += part.triples
    return graph


def with_bundled(*extra: Path) -> Graph:
    """A fresh copy of the bundled graph, plus files."""
    graph = Graph()
    graph += bundled_graph()
    for path in extra:
        graph.parse(path, format="turtle")
    return graph


# --- the bundled data and the fixtures ------------------------------------------------------------


def test_bundled_data_conforms_on_both() -> None:
    """The bundled data conforms, with no result, to both validators."""
    report = compare(bundled_graph(), shapes_graph(), compiled=compiled_shapes())
    assert report.conforms
    assert len(report) == 0


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_same_findings(fixture: Path) -> None:
    """Each negative fixture added to the bundled data: the same results as pySHACL's."""
    report = compare(with_bundled(fixture), shapes_graph(), compiled=compiled_shapes())
    assert not report.conforms


def test_portable_on_rdflib() -> None:
    """On rdflib's SPARQL engine the queries find what pySHACL finds (here: many results).

    The seed file alone, without the reference data it points to, breaks many shapes.
    """
    data = Graph()
    seed = [p for p in data_paths() if "seed" in p.parts]
    for path in [*ontology_paths(), *seed, FIXTURES[0], FIXTURES[-1]]:
        for part in parse_any(path):
            data += part.triples
    report = compare(data, shapes_graph(), "rdflib", compiled_shapes())
    assert len(report) > 10


# --- synthetic faults -----------------------------------------------------------------------------


def _instances(data: Graph, cls: Node) -> list[Node]:
    classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
    return sorted({s for c in classes for s in data.subjects(RDF.type, c)}, key=str)


def _targeted(shapes: Graph, data: Graph, parameter: URIRef) -> list[tuple[Node, URIRef, Node]]:
    """(focus node, path, value of the parameter) for each property shape using a parameter."""
    found = []
    for shape, cls in shapes.subject_objects(SH.targetClass):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            value = shapes.value(prop, parameter)
            if isinstance(path, URIRef) and value is not None:
                found += [(f, path, value) for f in _instances(data, cls)]
    return sorted(set(found), key=str)


def _compared(shapes: Graph) -> set[Node]:
    """The properties compared by sh:lessThanOrEquals, on either side.

    pySHACL fails with a TypeError on values it cannot compare, where SHACL reports a result
    (see test_incomparable_values_are_a_result), so faults keep those properties comparable.
    """
    found: set[Node] = set()
    for shape, other in shapes.subject_objects(SH.lessThanOrEquals):
        found |= {other, *shapes.objects(shape, SH.path)}
    return found


def _pick(
    rng: random.Random, data: Graph, shapes: Graph, parameter: URIRef, comparable: bool = False
) -> tuple[Node, URIRef, Node, Node | None]:
    """A random focus node with a value, its path and the parameter's value; and its value."""
    options = _targeted(shapes, data, parameter)
    options = [o for o in options if data.value(o[0], o[1]) is not None]
    if comparable:
        options = [o for o in options if o[1] not in _compared(shapes)]
    focus, path, setting = rng.choice(options)
    values = sorted(data.objects(focus, path), key=str)
    return focus, path, setting, rng.choice(values) if values else None


def _swap(data: Graph, focus: Node, path: URIRef, old: Node | None, new: Node) -> None:
    if old is not None:
        data.remove((focus, path, old))
    data.add((focus, path, new))


def fault_missing(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Remove every value of a property with sh:minCount."""
    focus, path, _, _ = _pick(rng, data, shapes, SH.minCount, comparable=True)
    data.remove((focus, path, None))


def fault_extra(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Give a second value to a property with sh:maxCount 1."""
    focus, path, _, value = _pick(rng, data, shapes, SH.maxCount, comparable=True)
    if isinstance(value, Literal) and isinstance(value.value, int):
        data.add((focus, path, Literal(value.value + 1)))
    elif isinstance(value, Literal):
        data.add(
            (focus, path, Literal(f"{value} again", lang=value.language, datatype=value.datatype))
        )
    else:
        data.add((focus, path, URIRef(KG + "another-value")))


def fault_datatype(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a value by a literal of another datatype."""
    focus, path, datatype, value = _pick(rng, data, shapes, SH.datatype, comparable=True)
    new = Literal("x", lang="en") if datatype == XSD.string else Literal("12 words")
    _swap(data, focus, path, value, new)


def fault_ill_typed(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a value by a literal whose lexical form is not of its datatype."""
    # not xsd:gYear: rdflib has no parser for it, so to pySHACL any lexical form is a year
    bad = {XSD.integer: "three", XSD.date: "2020-02-30"}
    options = [o for o in _targeted(shapes, data, SH.datatype) if o[2] in bad]
    options = [o for o in options if data.value(o[0], o[1]) is not None]
    options = [o for o in options if o[1] not in _compared(shapes)]
    focus, path, datatype = rng.choice(options)
    assert isinstance(datatype, URIRef)
    _swap(data, focus, path, data.value(focus, path), Literal(bad[datatype], datatype=datatype))


def fault_class(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a value by a node that is not of the class asked for."""
    focus, path, _, value = _pick(rng, data, shapes, SH["class"])
    _swap(data, focus, path, value, rng.choice([URIRef(CONCEPT + "morning"), Literal("a name")]))


def fault_language(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Tag a Khmer date @en, or the English label @fr."""
    if rng.random() < 0.5:
        focus, path, _, value = _pick(rng, data, shapes, SH.languageIn)
        _swap(data, focus, path, value, Literal(str(value), lang="en"))
        return
    focus, path, _, _ = _pick(rng, data, shapes, SH.qualifiedValueShape)
    for value in list(data.objects(focus, path)):
        if isinstance(value, Literal) and value.language == "en":
            _swap(data, focus, path, value, Literal(str(value), lang="fr"))


def fault_duplicate_language(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Add a second value in a language a property with sh:uniqueLang already has."""
    focus, path, _, value = _pick(rng, data, shapes, SH.uniqueLang)
    lang = value.language if isinstance(value, Literal) and value.language else "en"
    data.add((focus, path, Literal("One more", lang=lang)))


def fault_pattern(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a value by a string that does not match sh:pattern."""
    focus, path, _, value = _pick(rng, data, shapes, SH.pattern)
    _swap(data, focus, path, value, Literal("does not match"))


def fault_range(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a value by one below sh:minInclusive."""
    focus, path, _, value = _pick(rng, data, shapes, SH.minInclusive)
    _swap(data, focus, path, value, Literal(rng.choice([0, -3])))


def fault_node_kind(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace an IRI by a literal, or by a blank node."""
    focus, path, _, value = _pick(rng, data, shapes, SH.nodeKind)
    _swap(data, focus, path, value, rng.choice([Literal("https://example.org/"), BNode()]))


def fault_node(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Replace a concept by one of another scheme (sh:node with sh:hasValue)."""
    focus, path, _, value = _pick(rng, data, shapes, SH.node)
    _swap(data, focus, path, value, URIRef(CONCEPT + rng.choice(["mode-online", "evening"])))


def fault_dates(rng: random.Random, data: Graph, shapes: Graph) -> None:
    """Put an end date before the start date (sh:lessThanOrEquals), or years the wrong way."""
    if rng.random() < 0.5:
        focus, _, other, _ = _pick(rng, data, shapes, SH.lessThanOrEquals)
        assert isinstance(other, URIRef)
        data.set((focus, other, Literal("1999-01-01", datatype=XSD.date)))
        return
    end = URIRef("https://w3id.org/accsm-kg/ontology#endYear")
    focus = rng.choice(sorted(set(data.subjects(end, None)), key=str))
    data.set((focus, end, Literal("1990", datatype=XSD.gYear)))


FAULTS = [
    fault_missing,
    fault_extra,
    fault_datatype,
    fault_ill_typed,
    fault_class,
    fault_language,
    fault_duplicate_language,
    fault_pattern,
    fault_range,
    fault_node_kind,
    fault_node,
    fault_dates,
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_injected_fault_same_findings(fault: Callable[[random.Random, Graph, Graph], None]) -> None:
    """Each kind of fault, injected at a seeded random place: the same results as pySHACL's."""
    data = with_bundled()
    fault(random.Random(fault.__name__), data, shapes_graph())
    report = compare(data, shapes_graph(), compiled=compiled_shapes())
    assert len(report) > 0, f"{fault.__name__} broke nothing"


def test_incomparable_values_are_a_result() -> None:
    """Values sh:lessThanOrEquals cannot compare are a result; pySHACL fails with a TypeError.

    A start date that is not a date, against an end date: SHACL says "where the two values
    cannot be compared, there is a validation result".
    """
    shapes = _parse(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        " sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ] ."
    )
    data = _parse('ex:a a ex:C ; ex:start "2020-02-30"^^xsd:date ; ex:end "2020-03-01"^^xsd:date .')
    with pytest.raises(ShapesError, match="could not be used"):
        validate_graph(data, shapes)
    report = CompiledShapes(shapes).run(oxigraph_select(data))
    [found] = report
    assert found.constraint == SH.LessThanOrEqualsConstraintComponent
    assert found.value == Literal("2020-02-30", datatype=XSD.date)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_faults_same_findings(seed: int) -> None:
    """Three faults of every kind at once, seeded: the same results as pySHACL's."""
    rng = random.Random(seed)
    data = with_bundled()
    for fault in FAULTS * 3:
        fault(rng, data, shapes_graph())
    report = compare(data, shapes_graph(), compiled=compiled_shapes())
    assert len(report) >= len(FAULTS)


# --- one conforming and one violating graph per component -----------------------------------------

# (name, shapes, conforming data, violating data), all in Turtle with PREFIXES
CASES: list[tuple[str, str, str, str]] = [
    (
        "class through subclasses",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:D ]"
        " .",
        "ex:a a ex:C ; ex:p ex:b . ex:b a ex:E . ex:E rdfs:subClassOf ex:D .",
        'ex:a a ex:C ; ex:p ex:b, "lit" . ex:b a ex:F .',
    ),
    (
        "datatype and ill-typed literals",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype"
        " xsd:integer ] ;"
        " sh:property [ sh:path ex:d ; sh:datatype xsd:date ] .",
        'ex:a a ex:C ; ex:p 7, "-2"^^xsd:integer ; ex:d "2020-02-29"^^xsd:date .',
        'ex:a a ex:C ; ex:p "7", "x"^^xsd:integer, 7.5, ex:b ;'
        ' ex:d "2021-02-29"^^xsd:date, "2020-13-01"^^xsd:date, "today"@en .',
    ),
    (
        "datatype string and langString",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:s ; sh:datatype"
        " xsd:string ] ;"
        " sh:property [ sh:path ex:l ; sh:datatype rdf:langString ] .",
        'ex:a a ex:C ; ex:s "x", "y"^^xsd:string ; ex:l "z"@km .',
        'ex:a a ex:C ; ex:s "x"@en, 3 ; ex:l "z", ex:b .',
    ),
    (
        "nodeKind",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:nodeKind"
        " sh:IRI ] ;"
        " sh:property [ sh:path ex:q ; sh:nodeKind sh:BlankNodeOrLiteral ] .",
        'ex:a a ex:C ; ex:p ex:b ; ex:q [ ex:r 1 ], "x" .',
        'ex:a a ex:C ; ex:p "ex:b", [ ex:r 1 ] ; ex:q ex:b .',
    ),
    (
        "minCount and maxCount",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ;"
        " sh:maxCount 3 ] .",
        "ex:a a ex:C ; ex:p 1, 2 .",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1, 2, 3, 4 . ex:c a ex:C .",
    ),
    (
        "counts above the nested limit",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 5 ;"
        " sh:maxCount 6 ] .",
        "ex:a a ex:C ; ex:p 1, 2, 3, 4, 5 .",
        "ex:a a ex:C ; ex:p 1, 2, 3, 4 . ex:b a ex:C ; ex:p 1, 2, 3, 4, 5, 6, 7 .",
    ),
    (
        "value ranges",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minInclusive"
        " 1 ;"
        " sh:maxExclusive 10 ] ; sh:property [ sh:path ex:q ; sh:minExclusive 0.5 ;"
        ' sh:maxInclusive 2 ] ; sh:property [ sh:path ex:s ; sh:minInclusive "b" ] .',
        'ex:a a ex:C ; ex:p 1, 9 ; ex:q 0.75, 2 ; ex:s "b", "c" .',
        'ex:a a ex:C ; ex:p 0, 10, "5", ex:b ; ex:q 0.5, 3 ; ex:s "a", 7 .',
    ),
    (
        "string lengths",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 2 ;"
        " sh:maxLength 3 ] .",
        'ex:a a ex:C ; ex:p "ab", "abc", 12 .',
        'ex:a a ex:C ; ex:p "a", "abcd", [ ex:q 1 ], 1234 .',
    ),
    (
        "pattern with flags",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern"
        ' "^[a-z]{2}$" ;'
        ' sh:flags "i" ] ; sh:property [ sh:path ex:q ; sh:pattern "^ab" ] .',
        'ex:a a ex:C ; ex:p "KH", "kh" ; ex:q "abc", "ab"@en .',
        'ex:a a ex:C ; ex:p "KHM", 12 ; ex:q "xab", [ ex:r 1 ] .',
    ),
    (
        "languageIn",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:languageIn ("
        ' "en" "km" ) ] .',
        'ex:a a ex:C ; ex:p "x"@en, "y"@en-gb, "z"@km .',
        'ex:a a ex:C ; ex:p "x"@fr, "y", ex:b .',
    ),
    (
        "uniqueLang",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang"
        " true ] .",
        'ex:a a ex:C ; ex:p "x"@en, "y"@km, "z", "w" .',
        'ex:a a ex:C ; ex:p "x"@en, "y"@en, "z"@km, "w"@km, "v"@fr .',
    ),
    (
        "in",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:in ( ex:x 1"
        ' "s" ) ] .',
        'ex:a a ex:C ; ex:p ex:x, 1, "s" .',
        'ex:a a ex:C ; ex:p ex:y, 2, "s"@en .',
    ),
    (
        "hasValue on a property and on a node",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue"
        " ex:x ] ."
        " ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:q ; sh:hasValue ex:a .",
        "ex:a a ex:C ; ex:p ex:x, ex:y ; ex:q 1 .",
        "ex:a a ex:C ; ex:p ex:y . ex:c a ex:C ; ex:q 1 .",
    ),
    (
        "lessThan and lessThanOrEquals",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:start ; sh:lessThan"
        " ex:end ] ;"
        " sh:property [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] .",
        'ex:a a ex:C ; ex:start 1 ; ex:end 2 ; ex:low "2020-01-01"^^xsd:date ;'
        ' ex:high "2020-01-01"^^xsd:date .',
        'ex:a a ex:C ; ex:start 2, 3 ; ex:end 2, 1 ; ex:low "b", 1 ; ex:high "a" .',
    ),
    (
        "equals and disjoint",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q"
        " ] ;"
        " sh:property [ sh:path ex:r ; sh:disjoint ex:s ] .",
        "ex:a a ex:C ; ex:p 1, 2 ; ex:q 1, 2 ; ex:r 1 ; ex:s 2 .",
        "ex:a a ex:C ; ex:p 1, 2 ; ex:q 2, 3 ; ex:r 1, 2 ; ex:s 2 .",
    ),
    (
        "node, with details",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:N ] ."
        " ex:N a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:datatype"
        " xsd:integer ;"
        ' sh:message "q" ] ; sh:property [ sh:path ex:r ; sh:node ex:M ] .'
        " ex:M a sh:NodeShape ; sh:property [ sh:path ex:s ; sh:hasValue ex:ok ] .",
        "ex:a a ex:C ; ex:p ex:b . ex:b ex:q 1 ; ex:r ex:c . ex:c ex:s ex:ok .",
        'ex:a a ex:C ; ex:p ex:b, ex:d . ex:e a ex:C ; ex:p ex:b . ex:b ex:q "1" ; ex:r ex:c .'
        " ex:c ex:s ex:no . ex:d ex:r ex:c .",
    ),
    (
        "or, and, not, xone",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"
        " sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYear ]"
        " ) ] ;"
        " sh:property [ sh:path ex:q ; sh:and ( [ sh:nodeKind sh:Literal ] [ sh:minLength 2 ] ) ] ;"
        " sh:property [ sh:path ex:r ; sh:not [ sh:class ex:C ] ] ;"
        " sh:property [ sh:path ex:s ; sh:xone ( [ sh:datatype xsd:integer ] [ sh:minInclusive 5"
        " ] ) ] .",
        'ex:a a ex:C ; ex:p "2020"^^xsd:gYear ; ex:q "ab" ; ex:r ex:b ; ex:s 3, 7.5 .',
        'ex:a a ex:C ; ex:p "2020" ; ex:q "a", ex:x ; ex:r ex:a ; ex:s 7, "x" .',
    ),
    (
        "qualifiedValueShape, disjoint siblings",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P1, ex:P2 ."
        " ex:P1 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedMaxCount 1 ; sh:qualifiedValueShapesDisjoint true ."
        " ex:P2 sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:E ] ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true .",
        "ex:a a ex:C ; ex:p ex:d, ex:e . ex:d a ex:D . ex:e a ex:E .",
        "ex:a a ex:C ; ex:p ex:d, ex:f, ex:g . ex:d a ex:D, ex:E . ex:f a ex:D . ex:g a ex:D .",
    ),
    (
        "closed",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:ignoredProperties ("
        " rdf:type ) ;"
        " sh:property [ sh:path ex:p ] .",
        "ex:a a ex:C ; ex:p 1 .",
        "ex:a a ex:C ; ex:p 1 ; ex:q 2, ex:b .",
    ),
    (
        "targets: node, subjects of, objects of, implicit class, property shape",
        "ex:T a sh:NodeShape ; sh:targetNode ex:n ; sh:targetSubjectsOf ex:s ; sh:targetObjectsOf"
        " ex:o ;"
        " sh:property [ sh:path ex:name ; sh:minCount 1 ] ."
        " ex:K a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:maxCount 1 ] ."
        " ex:Q a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:q ; sh:datatype xsd:string .",
        'ex:n ex:name "n" . ex:x ex:s ex:y ; ex:name "x" . ex:z ex:o ex:w . ex:w ex:name "w" .'
        ' ex:k a ex:K ; ex:name "k" . ex:c a ex:C ; ex:q "q" .',
        'ex:x ex:s ex:y, ex:y2 ; ex:o ex:x . ex:z ex:o ex:w . ex:k a ex:K ; ex:name "a", "b" .'
        " ex:c a ex:C ; ex:q 1 .",
    ),
    (
        "property paths",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ;"
        " sh:datatype xsd:integer ] ;"
        " sh:property [ sh:path [ sh:inversePath ex:r ] ; sh:minCount 1 ] ;"
        " sh:property [ sh:path [ sh:alternativePath ( ex:s ex:t ) ] ; sh:maxCount 1 ] ;"
        " sh:property [ sh:path [ sh:zeroOrMorePath ex:u ] ; sh:class ex:C ] .",
        "ex:a a ex:C ; ex:p [ ex:q 1 ] ; ex:s 1 ; ex:u ex:b . ex:x ex:r ex:a . ex:b a ex:C ."
        " ex:y ex:r ex:b . ex:b ex:s 2 .",
        'ex:a a ex:C ; ex:p [ ex:q "1" ] ; ex:s 1 ; ex:t 2 ; ex:u ex:b . ex:b ex:u ex:c .',
    ),
    (
        "sh:property below a property shape",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ;"
        " sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Warning ] ] .",
        "ex:a a ex:C ; ex:p ex:b . ex:b ex:q 1 .",
        "ex:a a ex:C ; ex:p ex:b, ex:c . ex:b ex:q 1 .",
    ),
    (
        "severities and deactivated shapes",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ; sh:property ["
        " sh:path ex:p ;"
        " sh:minCount 1 ] ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:severity sh:Info ] ;"
        " sh:property [ sh:path ex:r ; sh:minCount 1 ; sh:deactivated true ] ."
        " ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path"
        " ex:s ; sh:minCount 1 ] .",
        "ex:a a ex:C ; ex:p 1 ; ex:q 1 .",
        "ex:a a ex:C .",
    ),
    (
        "SPARQL constraints: $this, $PATH, prefixes, message templates",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:start ; sh:message"
        ' "shape {$this} {?value} {?end}" ; sh:sparql [ sh:message "{$this} starts {?value}, ends'
        ' {?end}" ;'
        " sh:prefixes ex:onto ; sh:select 'SELECT $this ?value ?end WHERE { $this $PATH ?value ."
        " $this ex:end ?end FILTER (?value > ?end) }' ] ] ;"
        " sh:sparql [ sh:prefixes ex:onto ; sh:select 'SELECT $this WHERE { FILTER NOT EXISTS {"
        " $this ex:name ?n } }' ] ;"
        ' sh:sparql [ sh:message "{?path} of {$this}: {?value}" ; sh:select \'SELECT ?this ?path'
        " ?value WHERE { ?this ?path ?value FILTER (?path = <http://example.org/bad>) }' ] ."
        ' ex:onto a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace'
        ' "http://example.org/"^^xsd:anyURI ] .',
        'ex:a a ex:C ; ex:start 1 ; ex:end 2 ; ex:name "a" .',
        "ex:a a ex:C ; ex:start 3, 4 ; ex:end 2 ; ex:bad 1, 2 .",
    ),
    (
        "default messages",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ;"
        " sh:class ex:D ;"
        " sh:in ( ex:x ex:y ) ; sh:hasValue ex:x ] ; sh:property [ sh:path ex:q ;"
        ' sh:languageIn ( "en" ) ; sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:date ] )'
        " ] .",
        "ex:a a ex:C ; ex:p ex:x, ex:y . ex:x a ex:D . ex:y a ex:D .",
        'ex:a a ex:C ; ex:p ex:z ; ex:q "x"@fr, 3 .',
    ),
]


def _parse(text: str) -> Graph:
    return Graph().parse(
        data=PREFIXES + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ." + text,
        format="turtle",
    )


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize(("name", "shapes", "good", "bad"), CASES, ids=[c[0] for c in CASES])
def test_component(name: str, shapes: str, good: str, bad: str, engine: str) -> None:
    """Each component: conforming data gives no result, violating data pySHACL's results."""
    shapes_graph = _parse(shapes)
    assert not findings(compare(_parse(good), shapes_graph, engine)), name
    assert findings(compare(_parse(bad), shapes_graph, engine)), name


# --- what is not compiled, and compiling once -----------------------------------------------------

UNSUPPORTED = [
    (
        "a SHACL rule",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ; sh:subject"
        " sh:this ;"
        " sh:predicate ex:p ; sh:object 1 ] .",
    ),
    (
        "$shapesGraph",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select"
        " 'SELECT $this WHERE { GRAPH $shapesGraph { ?s ?p ?o } }' ] .",
    ),
    (
        "$this read before it is bound",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select"
        " 'SELECT $this ?x WHERE { $this <urn:q> ?y { ?x <urn:p> 1 FILTER (?x = $this) } }' ] .",
    ),
    (
        "$this under LIMIT",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select"
        " 'SELECT $this WHERE { $this <urn:p> ?x } LIMIT 1' ] .",
    ),
    (
        "SPARQL inside sh:node",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:N ."
        " ex:N sh:sparql [ sh:select 'SELECT $this WHERE { $this <urn:p> 1 }' ] .",
    ),
    (
        "a recursive shape",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
    ),
    (
        "a large count inside sh:node",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:N . ex:N sh:property [ sh:path"
        " ex:p ; sh:minCount 9 ] .",
    ),
]


@pytest.mark.parametrize(("name", "shapes"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_unsupported_feature_is_refused(name: str, shapes: str) -> None:
    """A feature the compiler does not handle raises, naming the shape and the feature."""
    with pytest.raises(UnsupportedShapesError, match=r"ex:S|ex:N.*pyshacl") as caught:
        CompiledShapes(_parse(shapes))
    assert isinstance(caught.value, ShapesError)
    assert 'engine="pyshacl"' in str(caught.value)


def test_malformed_shapes_are_refused() -> None:
    """Shapes that are not SHACL raise ShapesError, with a link to the spec."""
    with pytest.raises(
        ShapesError, match=r"sh:path.*https://www\.w3\.org/TR/shacl/#property-shapes"
    ):
        CompiledShapes(
            _parse(
                "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p, ex:q ] ."
            )
        )


def test_compiled_once_per_shapes_graph() -> None:
    """compile_shapes returns the same compilation for a graph with the same triples."""
    shapes = _parse(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
    )
    copy = Graph()
    copy += shapes
    assert compile_shapes(shapes) is compile_shapes(copy)
    data = _parse("ex:a a ex:C .")
    report = validate_with_sparql(oxigraph_select(data), copy)
    assert not report.conforms
    assert [v.focus_node for v in report] == [URIRef("http://example.org/a")]


def test_report_graph_is_shacl() -> None:
    """The report graph holds a sh:ValidationReport with one sh:result per top-level result."""
    shapes = _parse(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
    )
    report = validate_with_sparql(oxigraph_select(_parse("ex:a a ex:C . ex:b a ex:C .")), shapes)
    graph = report.graph
    [node] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert len(list(graph.objects(node, SH.result))) == 2
