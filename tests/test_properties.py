"""Property-based tests: random graphs round-trip through every dump; bindings stay values."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

import accsm_kg
from accsm_kg import KnowledgeGraph
from accsm_kg.loading import ParsedFile
from accsm_kg.publish import FORMATS
from accsm_kg.sparql import inline_bindings, prepare
from accsm_kg.store import RdflibStore
from accsm_kg.terms import from_oxigraph, is_valid_iri

KHMER = st.characters(min_codepoint=0x1780, max_codepoint=0x17FF)
TEXT = st.text(st.one_of(KHMER, st.characters(codec="utf-8")), max_size=12)
NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_~", min_size=1, max_size=8)
IRIS = st.builds(lambda n: URIRef(f"https://e.org/{n}"), NAMES)
LANGS = st.one_of(  # well-formed BCP 47 tags, as the loader requires them
    st.from_regex(r"\A[a-z]{2,3}(-[a-z]{2})?\Z"),
    st.sampled_from(["km", "km-kh", "en-gb", "zh-hant-tw", "de-ch-1996", "sr-latn"]),
)
LITERALS = st.one_of(
    st.builds(Literal, TEXT),
    st.builds(lambda t, lang: Literal(t, lang=lang), TEXT, LANGS),
    st.builds(Literal, st.integers(-(10**20), 10**20)),
    st.builds(Literal, st.dates()),
    st.builds(Literal, st.booleans()),
    st.builds(
        Literal,
        st.decimals(
            allow_nan=False, allow_infinity=False, places=3, max_value=10**9, min_value=-(10**9)
        ),
    ),
    st.builds(lambda t, n: Literal(t, datatype=URIRef(f"https://e.org/type/{n}")), TEXT, NAMES),
)
BNODES = st.builds(lambda n: BNode(f"b{n}"), st.integers(0, 3))
TRIPLES = st.tuples(st.one_of(IRIS, BNODES), IRIS, st.one_of(IRIS, BNODES, LITERALS))
GRAPHS = st.lists(st.tuples(st.sampled_from(["one", "two"]), TRIPLES), min_size=1, max_size=12)


def _kg(quads: list[tuple[str, tuple[object, object, object]]]) -> KnowledgeGraph:
    store = RdflibStore()
    graphs: dict[str, Graph] = {}
    for name, triple in quads:
        graphs.setdefault(name, Graph()).add(triple)  # type: ignore[arg-type]
    store.add_files(
        [
            ParsedFile(Path(f"{n}.ttl"), URIRef(f"https://e.org/graph/{n}"), g)
            for n, g in graphs.items()
        ]
    )
    return KnowledgeGraph(store)


def _read_back(path: Path, keeps_graphs: bool) -> dict[str, Graph]:
    """Parse a dump with pyoxigraph (an engine other than the writer's) into graphs by name."""
    graphs: dict[str, Graph] = {}
    bnodes: dict[str, BNode] = {}
    for quad in ox.parse(path=str(path)):
        name = quad.graph_name.value if keeps_graphs else "union"
        graphs.setdefault(name, Graph()).add(
            (
                from_oxigraph(quad.subject, bnodes),
                from_oxigraph(quad.predicate, bnodes),
                from_oxigraph(quad.object, bnodes),
            )
        )
    return graphs


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quads=GRAPHS)
def test_random_graphs_round_trip(name: str, quads: list[tuple[str, tuple[object, ...]]]) -> None:
    """Any graph (Khmer text, language tags, datatypes, blank nodes) reads back isomorphic."""
    kg = _kg(quads)  # type: ignore[arg-type]
    info = FORMATS[name]
    with tempfile.TemporaryDirectory() as folder:
        path = kg.dump(Path(folder) / f"kg{info.suffix}", name)
        found = _read_back(path, info.keeps_graphs)
        if info.keeps_graphs:
            expected = {str(g): Graph() for g in kg.graphs()}
            for s, p, o, g in kg.store.quads():
                expected[str(g)].add((s, p, o))
            assert found.keys() == expected.keys()
            for graph, triples in expected.items():
                assert isomorphic(found[graph], triples), graph
            again = Dataset()
            with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own old API
                warnings.simplefilter("ignore", DeprecationWarning)
                again.parse(path, format=info.rdflib_name)  # rdflib reads it back the same
            assert len(again) == len(kg)
        else:
            assert isomorphic(found["union"], kg.union())
            assert isomorphic(Graph().parse(path, format=info.rdflib_name), kg.union())


def _values_nodes(node: object, found: list[object]) -> object:
    """Return ``node`` with each VALUES block's rows taken out (into ``found``)."""
    if isinstance(node, CompValue):
        copy = CompValue(node.name)
        for key, value in node.items():
            if node.name == "values" and key == "res":
                found.append(value)
                copy[key] = "<values>"
            else:
                copy[key] = _values_nodes(value, found)
        return copy
    if isinstance(node, list):
        return [_values_nodes(v, found) for v in node]
    return node


QUERY = prepare(
    "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l ; ?p ?o } LIMIT 5", {}
)


def _algebra(bindings: dict[str, object]) -> tuple[str, list[object]]:
    text = inline_bindings(QUERY, bindings)  # type: ignore[arg-type]
    found: list[object] = []
    shape = _values_nodes(translateQuery(parseQuery(text)).algebra, found)
    return repr(shape), found


HOSTILE_TEXT = st.text(
    st.one_of(
        st.sampled_from(list("\"'}{#<>\\\n\r\t\x00 ?.;")), st.characters(codec="utf-8"), KHMER
    ),
    max_size=20,
)
BOUND = st.one_of(
    st.builds(Literal, HOSTILE_TEXT),
    st.builds(lambda t, lang: Literal(t, lang=lang), HOSTILE_TEXT, LANGS),
    st.builds(lambda t: Literal(t, datatype=XSD.date), HOSTILE_TEXT),
    st.builds(lambda t: URIRef("https://e.org/" + t), HOSTILE_TEXT).filter(
        lambda u: is_valid_iri(str(u))
    ),
)


@settings(max_examples=100, deadline=None)
@given(value=BOUND, other=st.builds(Literal, HOSTILE_TEXT))
def test_bindings_never_change_the_query_algebra(value: Literal, other: Literal) -> None:
    """Whatever the values, the query's algebra is the same; the VALUES rows are exactly them."""
    shape, rows = _algebra({"l": value, "o": other})
    placeholder, _ = _algebra({"l": Literal("x"), "o": Literal("y")})
    assert shape == placeholder
    assert rows == [[{Variable("l"): value, Variable("o"): other}]]


@settings(max_examples=60, deadline=None)
@given(text=HOSTILE_TEXT)
def test_invalid_iris_are_refused_not_pasted(text: str) -> None:
    """An IRI binding with characters an <IRI> cannot hold is a BindingError, never query text."""
    iri = URIRef("https://e.org/" + text)
    if is_valid_iri(str(iri)):
        _, rows = _algebra({"l": iri})
        assert rows == [[{Variable("l"): iri}]]
    else:
        with pytest.raises(accsm_kg.BindingError):
            inline_bindings(QUERY, {"l": iri})
