"""OWL 2 RL materialisation: known inferences, only new triples, determinism, engines agreeing."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

import accsm_kg
from accsm_kg.errors import OptionError, ReasonerError
from accsm_kg.inference import ENGINES, Engine, owl_rl

EX = Namespace("urn:example:")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PREFIXES = """
@prefix : <urn:example:> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# Each case: the input, then exactly the triples OWL RL adds to it.
CASES = {
    "subclass": (
        ":Meeting rdfs:subClassOf :Event . :m a :Meeting .",
        ":m a :Event .",
    ),
    "subclass, transitive": (
        ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .",
        ":x a :B , :C . :A rdfs:subClassOf :C .",
    ),
    "domain and range": (
        ":chairedBy rdfs:domain :Meeting ; rdfs:range :Agent . :m :chairedBy :c .",
        ":m a :Meeting . :c a :Agent .",
    ),
    "inverse": (
        ":hasMember owl:inverseOf :memberOf . :asean :hasMember :cambodia .",
        ":cambodia :memberOf :asean .",
    ),
    "transitive": (
        ":partOf a owl:TransitiveProperty . :a :partOf :b . :b :partOf :c .",
        ":a :partOf :c .",
    ),
    "symmetric": (
        ":borders a owl:SymmetricProperty . :cambodia :borders :thailand .",
        ":thailand :borders :cambodia .",
    ),
    "sameAs": (
        ":x owl:sameAs :y . :x :name 'X' . :z :knows :x .",
        ":y owl:sameAs :x . :y :name 'X' . :z :knows :y .",
    ),
    "functional": (
        ":chair a owl:FunctionalProperty . :m :chair :a , :b .",
        ":a owl:sameAs :b . :b owl:sameAs :a .",
    ),
    "inverse functional, one object": (
        ":code a owl:InverseFunctionalProperty . :kh :code :KH . :cambodia :code :KH .",
        ":kh owl:sameAs :cambodia . :cambodia owl:sameAs :kh .",
    ),
    # reasonable 0.4.4 alone makes :kh and :th the same here
    "inverse functional, two objects": (
        ":code a owl:InverseFunctionalProperty . :kh :code :KH . :th :code :TH .",
        "",
    ),
    "subproperty, domain lifted": (
        ":p rdfs:subPropertyOf :q . :q rdfs:domain :A . :A rdfs:subClassOf :B . :x :p :y .",
        ":x :q :y . :x a :A , :B . :q rdfs:domain :B . :p rdfs:domain :A , :B .",
    ),
    "property chain": (
        ":uncle owl:propertyChainAxiom ( :parent :brother ) . :a :parent :b . :b :brother :c .",
        ":a :uncle :c .",
    ),
    # reasonable 0.4.4 alone reads one of the two lists, which one depending on blank node labels
    "union, two lists": (
        ":A owl:unionOf ( :B ) , ( :C ) . :x a :B . :y a :C .",
        ":x a :A . :y a :A . :B rdfs:subClassOf :A . :C rdfs:subClassOf :A .",
    ),
    "key": (
        ":Country owl:hasKey ( :iso ) . :kh a :Country ; :iso 'KH' . :k a :Country ; :iso 'KH' .",
        ":kh owl:sameAs :k . :k owl:sameAs :kh .",
    ),
}


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_known_inferences(case: str, engine: Engine) -> None:
    """Each small input gives exactly the triples OWL RL adds to it, with either engine."""
    given, added = CASES[case]
    assert set(owl_rl(_graph(given), vocabularies=False, engine=engine)) == set(_graph(added))


@pytest.mark.parametrize("engine", ENGINES)
def test_literals_come_back_as_given(engine: Engine) -> None:
    """Literals inferred from others are the input's own terms, not a normalised form."""
    count = Literal("01", datatype=XSD.integer, normalize=False)
    values = [count, Literal("ACCSM"), Literal("ក", lang="km-KH")]
    facts = [(EX.p, RDFS.subPropertyOf, EX.q), *((EX.x, EX.p, value) for value in values)]
    inferred = sorted(owl_rl(facts, vocabularies=False, engine=engine))
    assert inferred == sorted((EX.x, EX.q, value) for value in values)
    assert [str(o) for _, _, o in inferred if o == count] == ["01"]
    assert all(type(o) is Literal and o.datatype is None for o in (t[2] for t in inferred[1:]))


@pytest.fixture(scope="module")
def small() -> tuple[Graph, Graph]:
    """A small input, and what it entails with the bundled vocabularies (reasoned once)."""
    given = _graph(
        ":Meeting rdfs:subClassOf :Event , [ a owl:Restriction ; owl:onProperty :framework ;"
        " owl:someValuesFrom :Framework ] . :m a :Meeting , :Event ; :language 'km' ."
        " :language rdfs:range :LinguisticSystem ."
        " :cambodia <http://www.w3.org/ns/org#memberOf> :asean ; a <https://schema.org/Country> ."
    )
    return given, owl_rl(given, vocabularies=True)


@pytest.mark.slow
def test_only_new_triples(small: tuple[Graph, Graph]) -> None:
    """Nothing asserted, trivial, about blank nodes or literals, or of the vocabularies returns."""
    given, inferred = small
    assert not set(inferred) & set(given)
    assert all(isinstance(s, URIRef) and not isinstance(o, BNode) for s, _, o in inferred)
    assert (EX.m, OWL.sameAs, EX.m) not in inferred
    assert (EX.m, RDF.type, OWL.Thing) not in inferred
    assert (EX.Meeting, RDFS.subClassOf, EX.Meeting) not in inferred
    assert all(str(s).startswith(str(EX)) for s, _, _ in inferred)
    assert (EX.Meeting, RDF.type, RDFS.Class) in inferred
    assert not [t for t in inferred if t[0] == EX.Meeting and t[2] == SCHEMA.Thing]


@pytest.mark.slow
def test_vocabularies(small: tuple[Graph, Graph]) -> None:
    """The whole bundled vocabularies' axioms apply only when asked for."""
    given, inferred = small
    assert (EX.asean, RDF.type, ORG.Organization) in inferred
    assert (EX.cambodia, RDF.type, SCHEMA.Thing) in inferred
    assert (EX.asean, RDF.type, ORG.Organization) not in owl_rl(given)


@pytest.mark.parametrize("engine", ENGINES)
def test_deterministic(engine: Engine) -> None:
    """The same triples, in any order, give the same triples."""
    facts = list(_graph(" ".join(given for given, _ in CASES.values())))
    first = owl_rl(facts, vocabularies=False, engine=engine)
    again = owl_rl(reversed(facts), vocabularies=False, engine=engine)
    assert set(first) == set(again)


@pytest.mark.slow
def test_engines_agree_on_the_bundled_data(kg: accsm_kg.KnowledgeGraph) -> None:
    """Both engines infer the same from the bundled ontology and data."""
    graph = kg.union(inferred=False)
    assert set(owl_rl(graph, vocabularies=False)) == set(
        owl_rl(graph, vocabularies=False, engine="owlrl")
    )


@pytest.mark.slow
def test_engines_agree_on_the_bundled_data_and_vocabularies(
    kg: accsm_kg.KnowledgeGraph,
) -> None:
    """Both engines infer the same from the bundled data with the vocabularies (owlrl: minutes)."""
    graph = kg.union(inferred=False)
    assert set(owl_rl(graph, vocabularies=True)) == set(
        owl_rl(graph, vocabularies=True, engine="owlrl")
    )


def test_unknown_engine() -> None:
    """An engine that does not exist is refused, naming those that do."""
    with pytest.raises(OptionError, match="reasonable, owlrl"):
        owl_rl([], engine="pellet")  # type: ignore[arg-type]


def test_without_reasonable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the reasonable package, the error says how to install it or what to use."""
    monkeypatch.setitem(sys.modules, "reasonable", None)
    with pytest.raises(ReasonerError, match='pip install reasonable, or pass engine="owlrl"'):
        owl_rl([(EX.x, RDF.type, EX.A)], vocabularies=False)


INDIVIDUALS = st.sampled_from([EX[name] for name in "abcde"])
CLASSES = st.sampled_from([EX[name] for name in "ABCD"])
PROPERTIES = st.sampled_from([EX[name] for name in "pqrs"])
CHARACTERISTICS = st.sampled_from(
    [OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
     OWL.InverseFunctionalProperty]
)  # fmt: skip


Triples = list[tuple[Node, Node, Node]]


def _restriction(kind: URIRef, on: URIRef, value: Node, named: URIRef, how: URIRef) -> Triples:
    node = BNode()
    return [(node, RDF.type, OWL.Restriction), (node, OWL.onProperty, on), (node, kind, value),
            (named, how, node)]  # fmt: skip


def _list(subject: URIRef, predicate: URIRef, items: list[Node]) -> Triples:
    head, graph = BNode(), Graph()
    Collection(graph, head, items)
    return [*graph, (subject, predicate, head)]


AXIOMS = st.one_of(
    st.tuples(CLASSES, st.sampled_from([RDFS.subClassOf, OWL.equivalentClass]), CLASSES).map(
        lambda t: [t]
    ),
    st.tuples(PROPERTIES, st.sampled_from([RDFS.domain, RDFS.range]), CLASSES).map(lambda t: [t]),
    st.tuples(
        PROPERTIES,
        st.sampled_from([RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf]),
        PROPERTIES,
    ).map(lambda t: [t]),
    st.tuples(PROPERTIES, st.just(RDF.type), CHARACTERISTICS).map(lambda t: [t]),
    st.tuples(INDIVIDUALS, st.just(OWL.sameAs), INDIVIDUALS).map(lambda t: [t]),
    st.builds(_restriction, st.just(OWL.hasValue), PROPERTIES, INDIVIDUALS, CLASSES,
              st.sampled_from([RDFS.subClassOf, OWL.equivalentClass])),
    st.builds(_restriction, st.sampled_from([OWL.someValuesFrom, OWL.allValuesFrom]), PROPERTIES,
              CLASSES, CLASSES, st.sampled_from([RDFS.subClassOf, OWL.equivalentClass])),
    st.builds(_restriction, st.just(OWL.maxCardinality), PROPERTIES,
              st.just(Literal(1, datatype=XSD.nonNegativeInteger)), CLASSES,
              st.just(RDFS.subClassOf)),
    st.builds(_list, CLASSES, st.sampled_from([OWL.intersectionOf, OWL.unionOf]),
              st.lists(CLASSES, min_size=1, max_size=3)),
    st.builds(_list, PROPERTIES, st.just(OWL.propertyChainAxiom),
              st.lists(PROPERTIES, min_size=2, max_size=3)),
    st.builds(_list, CLASSES, st.just(OWL.hasKey), st.lists(PROPERTIES, min_size=1, max_size=2)),
    st.tuples(INDIVIDUALS, st.just(RDF.type), CLASSES).map(lambda t: [t]),
    st.tuples(INDIVIDUALS, PROPERTIES, INDIVIDUALS).map(lambda t: [t]),
    st.tuples(INDIVIDUALS, st.just(EX.label), st.just(Literal("v"))).map(lambda t: [t]),
)  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.lists(AXIOMS, min_size=1, max_size=12))
@pytest.mark.slow
def test_engines_agree_on_random_ontologies(axioms: list[Triples]) -> None:
    """Both engines infer the same from small random ontologies and facts."""
    graph = Graph()
    for triple in (t for axiom in axioms for t in axiom):
        graph.add(triple)
    assert set(owl_rl(graph)) == set(owl_rl(graph, engine="owlrl"))
