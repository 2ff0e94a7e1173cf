"""Property-based tests: random graphs round-trip through every dump; bound values stay values."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

import accsm_kg
from accsm_kg import KnowledgeGraph
from accsm_kg.loading import ParsedFile
from accsm_kg.publish import FORMATS
from accsm_kg.sparql import check_parses, inline_bindings, prepare
from accsm_kg.store import RdflibStore
from accsm_kg.terms import from_oxigraph, is_valid_iri, to_oxigraph

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


LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
HIDDEN, KEPT, DROPPED = (URIRef(f"urn:x:{n}") for n in ("hidden", "kept", "dropped"))
QUERY = prepare(
    "SELECT ?s ?l WHERE {\n"
    "  { SELECT ?s ?l WHERE { ?s rdfs:label ?l } }\n"
    "  FILTER(sameTerm(?l, ?l))\n"
    "  MINUS { ?s <urn:x:hidden> ?o }\n"
    "} ORDER BY ?l",
    {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
)
GROUPED = prepare(
    "SELECT ?l (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
    "GROUP BY ?l",
    {},
)
TRICKY = ["\\u0041", "\\U00000041", "\\\\u", '"""', "'" * 3, "$x", "?x", "\\n", "\\", "@en-1"]
HOSTILE_TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("\"'}{#<>\\\n\r\t\x00 ?.;u")),
        st.sampled_from(TRICKY),
        st.characters(codec="utf-8"),
        KHMER,
    ),
    max_size=12,
).map("".join)


def _writable(iri: URIRef) -> bool:
    """Whether every store can hold ``iri`` (Oxigraph checks RFC 3987)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return is_valid_iri(str(iri))


BOUND = st.one_of(
    st.builds(Literal, HOSTILE_TEXT),
    st.builds(lambda t, lang: Literal(t, lang=lang), HOSTILE_TEXT, LANGS),
    st.builds(
        lambda t, n: Literal(t, datatype=URIRef(f"https://e.org/type/{n}")), HOSTILE_TEXT, NAMES
    ),
    st.builds(lambda t: Literal(t, datatype=XSD.date), HOSTILE_TEXT),  # mostly ill-typed
    st.builds(Literal, st.integers(-(10**20), 10**20)),
    st.builds(Literal, st.dates()),
    st.builds(Literal, st.booleans()),
    st.builds(lambda t: URIRef("https://e.org/" + t), HOSTILE_TEXT).filter(_writable),
)


def _constants(text: str) -> set[object]:
    """The IRIs and literals rdflib reads in a query text."""
    found: set[object] = set()
    traverse(
        translateQuery(parseQuery(text)).algebra,
        visitPost=lambda node: found.add(node) if isinstance(node, URIRef | Literal) else None,
    )
    return found


def _rows(engine: str, text: str, triples: list[tuple[Node, Node, Node]]) -> list[tuple[Node, ...]]:
    """Run a SELECT query over ``triples`` with one engine."""
    if engine == "oxigraph":
        store = ox.Store()
        store.extend(ox.Quad(*(to_oxigraph(t) for t in triple)) for triple in triples)
        result = store.query(text)
        names = [v.value for v in result.variables]
        return [tuple(from_oxigraph(s[n]) for n in names) for s in result]
    dataset = Dataset(default_union=True)
    for triple in triples:
        dataset.add(triple)
    return [tuple(row) for row in dataset.query(text)]  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=BOUND, other=BOUND)
def test_bound_values_parse_and_match_themselves(engine: str, value: Node, other: Node) -> None:
    """Any value written into a subquery, a FILTER, MINUS and GROUP BY matches itself only."""
    text = inline_bindings(QUERY, {"l": value, "o": other})  # type: ignore[dict-item]
    check_parses(text)
    assert {value, other} <= _constants(text)  # rdflib reads back the very values
    triples = [(KEPT, LABEL, value), (DROPPED, LABEL, value), (DROPPED, HIDDEN, other)]
    rows = _rows(engine, text, triples)
    assert [row[0] for row in rows] == [KEPT]
    found = rows[0][1]
    assert found == value or (isinstance(found, Literal) and found.eq(value))  # numbers by value
    grouped = GROUPED.substitute({"l": value})  # type: ignore[dict-item]
    check_parses(grouped)
    assert [int(row[1]) for row in _rows(engine, grouped, triples)] == [2]  # type: ignore[call-overload]


@settings(max_examples=60, deadline=None)
@given(text=HOSTILE_TEXT)
def test_invalid_iris_are_refused_not_pasted(text: str) -> None:
    """An IRI binding with characters an <IRI> cannot hold is a BindingError, never query text."""
    iri = URIRef("https://e.org/" + text)
    if _writable(iri):
        written = inline_bindings(QUERY, {"l": iri})
        check_parses(written)
        assert iri in _constants(written)
    else:
        with pytest.raises(accsm_kg.BindingError):
            inline_bindings(QUERY, {"l": iri})
