"""SHACL shapes: the bundled data conforms, and every shape catches a fixture that breaks it.

Each fixture in ``tests/resources/shapes/`` is a few triples added to the bundled graph, named
``<shape>-<what>.ttl`` after the node shape it tests (``shape:MeetingShape`` -> ``meeting-``), and
headed by the one violation it must cause::

    # focus: kg:example-delegation
    # path: accsm:delegationSize
    # constraint: sh:MinInclusiveConstraintComponent

(``# path: -`` for a constraint on the focus node itself, ``# path: []`` for a path that is no
single property; a focus may be a literal, ``"Cambodia"@en``, for a shape that targets labels).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pyshacl
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import SH
from rdflib.util import from_n3

from accsm_kg.loading import parse_dataset

ROOT = Path(__file__).parent.parent
SHAPES_FILE = ROOT / "shapes" / "accsm-shapes.ttl"
FIXTURES = sorted((Path(__file__).parent / "resources" / "shapes").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/accsm-kg/shapes#"
HEADER = re.compile(r"^# (focus|path|constraint): (\S+)$")
#: A fixture header's ``# path: []``: a path that is no single property (sh:alternativePath...).
COMPLEX_PATH = URIRef("urn:x-test:complex-path")


class Violation(NamedTuple):
    """A fixture header: the focus node, the path (None for the node itself), the component."""

    focus: Node
    path: Node | None
    component: Node


@cache
def shapes_graph() -> Graph:
    """Parse the shapes file once."""
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def bundled_graph() -> Graph:
    """Parse the ontology, the vocabularies and all data into one graph, once (do not modify it)."""
    graph = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    for path in sorted((ROOT / "data").rglob("*.trig")):
        for part in parse_dataset(path):
            graph += part.triples
    return graph


@cache
def node_shapes() -> dict[str, URIRef]:
    """Map the fixture-name prefix of each node shape to the shape: MeetingShape -> 'meeting'."""
    prefixes = {}
    for shape in shapes_graph().subjects(RDF.type, SH.NodeShape):
        assert isinstance(shape, URIRef), shape
        assert shape.startswith(SHAPES_NS), shape
        name = shape.removeprefix(SHAPES_NS).removesuffix("Shape")
        prefixes[re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()] = shape
    return prefixes


def shape_of_fixture(fixture: Path) -> URIRef | None:
    """Return the node shape a fixture is named after (the longest matching prefix), if any."""
    matches = [p for p in node_shapes() if fixture.stem.startswith(p + "-")]
    return node_shapes()[max(matches, key=len)] if matches else None


def owners(source_shape: Node) -> set[Node]:
    """Return a result's source shape, the node shapes holding it and those it names in sh:node."""
    shapes = shapes_graph()
    found = {source_shape}
    found |= set(shapes.subjects(SH.property, source_shape))
    found |= set(shapes.objects(source_shape, SH.node))
    return found


def read_header(fixture: Path, graph: Graph) -> Violation:
    """Read the three header lines of a fixture and expand their CURIEs with its prefixes."""
    lines = fixture.read_text(encoding="utf-8").splitlines()[:3]
    fields = {}
    for line in lines:
        match = HEADER.match(line)
        assert match, f"{fixture.name}: header line {line!r} is not '# key: value'"
        fields[match.group(1)] = match.group(2)
    assert list(fields) == ["focus", "path", "constraint"], f"{fixture.name}: header order"

    namespaces = dict(graph.namespaces())
    namespaces["sh"] = URIRef(str(SH))

    def expand(curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        assert prefix in namespaces, f"{fixture.name}: unknown prefix in {curie}"
        return URIRef(namespaces[prefix] + local)

    focus = fields["focus"]
    paths = {"-": None, "[]": COMPLEX_PATH}
    return Violation(
        focus=from_n3(focus) if focus.startswith('"') else expand(focus),  # a label: a literal
        path=paths[fields["path"]] if fields["path"] in paths else expand(fields["path"]),
        component=expand(fields["constraint"]),
    )


def test_bundled_data_conforms() -> None:
    """The ontology, vocabularies and data together conform to the shapes (no inference)."""
    conforms, _, text = pyshacl.validate(
        bundled_graph(), shacl_graph=shapes_graph(), inference="none", meta_shacl=True
    )
    assert conforms, text


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_violates_its_shape(fixture: Path) -> None:
    """Added to the bundled data, the fixture breaks only its focus node, as its header says."""
    addition = Graph().parse(fixture, format="turtle")
    expected = read_header(fixture, addition)
    shape = shape_of_fixture(fixture)
    assert shape is not None, f"{fixture.name} is not named after a node shape"

    data = Graph()
    data += bundled_graph()
    data += addition
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    assert not conforms, f"{fixture.name} did not break the data"

    # Top-level results only: the sh:detail of an sh:node result is about the value node.
    found: dict[Violation, set[Node]] = {}
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        path = report.value(result, SH.resultPath)
        violation = Violation(
            report.value(result, SH.focusNode),
            COMPLEX_PATH if isinstance(path, BNode) else path,
            report.value(result, SH.sourceConstraintComponent),
        )
        found.setdefault(violation, set()).update(owners(report.value(result, SH.sourceShape)))
    assert expected in found, f"{fixture.name}: {expected} not among\n{text}"
    assert shape in found[expected], f"{fixture.name}: violation not from {shape}\n{text}"
    others = {v.focus for v in found} - {expected.focus}
    assert not others, f"{fixture.name} also breaks {others}\n{text}"


def test_every_node_shape_has_a_fixture() -> None:
    """Every node shape in the shapes file has at least one failing fixture named after it."""
    covered = {shape_of_fixture(f) for f in FIXTURES}
    missing = sorted(set(node_shapes().values()) - covered)
    assert not missing, f"node shapes without a fixture in tests/resources/shapes: {missing}"


def test_shapes_are_documented() -> None:
    """Every shape has a one-line rdfs:comment; every property shape a sh:name and sh:message."""
    shapes = shapes_graph()
    node = set(shapes.subjects(RDF.type, SH.NodeShape))
    prop = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.property))
    problems = []
    for shape in sorted(node | prop):
        comments = list(shapes.objects(shape, RDFS.comment))
        if len(comments) != 1 or "\n" in str(comments[0]):
            problems.append(f"{shape}: needs one one-line rdfs:comment")
    for shape in sorted(prop):
        for needed in (SH.name, SH.message):
            if not isinstance(shapes.value(shape, needed), Literal):
                problems.append(f"{shape}: no {needed}")
    assert not problems, "\n".join(problems)


def test_every_node_shape_is_used() -> None:
    """Every node shape has a target or is pointed to with sh:node, so none is dead."""
    shapes = shapes_graph()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    unused = [
        shape
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        if not any(shapes.value(shape, t) for t in targets) and (None, SH.node, shape) not in shapes
    ]
    assert not unused, f"node shapes that validate nothing: {unused}"


PLACEHOLDER = re.compile(r"\{[$?](\w+)\}")


def _messages(report: Graph, focus: Node) -> list[str]:
    """The result messages of the top-level results about ``focus``."""
    return [
        str(message)
        for result in report.objects(None, SH.result)
        if report.value(result, SH.focusNode) == focus
        for message in report.objects(result, SH.resultMessage)
    ]


def test_pyshacl_fills_placeholders_only_in_sparql_messages() -> None:
    """pySHACL fills {$value} and {?value} in a SPARQL constraint's message, not a core one's.

    So the shapes put placeholders only in sh:SPARQLConstraint messages: in the message of a
    core constraint (sh:minInclusive, sh:datatype...) they would be printed as they are.
    """
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:core ; sh:minInclusive 1 ; sh:message "core {$value}" ] ;
            sh:property [ sh:path ex:sparql ; sh:sparql [ a sh:SPARQLConstraint ;
                sh:message "sparql {$value} {?value}" ;
                sh:select "SELECT $this ?value WHERE { $this $PATH ?value FILTER (?value < 1) }"
            ] ] .
        """,
    )
    data = Graph().parse(
        format="turtle",
        data="@prefix ex: <http://example.org/> . ex:a a ex:C ; ex:core -7 ; ex:sparql -5 .",
    )
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    assert not conforms
    messages = sorted(_messages(report, URIRef("http://example.org/a")))
    assert messages == ["core {$value}", "sparql -5 -5"]


def test_placeholders_only_in_sparql_constraint_messages() -> None:
    """A message with {$var} or {?var} belongs to an sh:SPARQLConstraint whose query binds var."""
    shapes = shapes_graph()
    problems = []
    for node, message in shapes.subject_objects(SH.message):
        names = set(PLACEHOLDER.findall(str(message)))
        if not names:
            continue
        select = shapes.value(node, SH.select)
        if (None, SH.sparql, node) not in shapes or select is None:
            problems.append(f"{node}: {message!s} is not a SPARQL constraint's message")
            continue
        for name in sorted(names - {"this", "path", "value"}):
            if not re.search(rf"[?$]{name}\b", str(select)):
                problems.append(f"{node}: {{?{name}}} is not bound by its query")
    assert not problems, "\n".join(problems)


def test_messages_hold_no_value_of_their_own() -> None:
    """No message ends in a number of its own, like "(8)", shown whatever the wrong value is.

    An example value in a message is introduced as one ("e.g.", "such as", "for example").
    """
    bad = []
    for message in map(str, shapes_graph().objects(None, SH.message)):
        for inside in re.findall(r"\(([^()]*)\)", message):
            bare_number = re.fullmatch(r"\s*-?\d+\s*", inside)
            bare_literal = re.fullmatch(r'"(?!\.\.\.")[^"]*"(\^\^\S+|@\w+)?', inside)
            if bare_number or bare_literal:
                bad.append(f"({inside}) in {message!r}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("fixture", "shown", "not_shown"),
    [
        ("chairmanship-end-before-start.ttl", ["start year 2021", "end year 2019"], []),
        ("delegation-size-not-positive.ttl", ["at least 1"], ["(8)", "{"]),
        ("work-plan-project-count-zero.ttl", ["at least 1"], ["(39)", "{"]),
    ],
)
def test_message_shows_the_wrong_value_or_none(
    fixture: str, shown: list[str], not_shown: list[str]
) -> None:
    """A message names the wrong value where pySHACL can fill it in, and never another value."""
    path = Path(__file__).parent / "resources" / "shapes" / fixture
    addition = Graph().parse(path, format="turtle")
    focus = read_header(path, addition).focus
    data = Graph()
    data += bundled_graph()
    data += addition
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    text = " | ".join(_messages(report, focus))
    for part in shown:
        assert part in text
    for part in not_shown:
        assert part not in text
