"""The KnowledgeGraph API: one method and one return type per query form, safe bindings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

import accsm_kg
from accsm_kg import KnowledgeGraph

KG = "https://w3id.org/accsm-kg/id/"
HEAD = """SELECT ?name WHERE {
  ?d accsm:headOfDelegation ?p . ?p foaf:name ?name FILTER(lang(?name) = "en")
}"""


def test_query_returns_rows(kg: KnowledgeGraph) -> None:
    """query() runs SELECT and returns Rows whose rows work by name and by position."""
    rows = kg.query(HEAD)
    assert isinstance(rows, accsm_kg.Rows)
    assert rows.variables == ("name",)
    assert str(rows[0].name) == str(rows[0][0]) == str(rows[0]["name"]) == "Chhy Vichara"


def test_ask_returns_bool(kg: KnowledgeGraph) -> None:
    """ask() runs ASK and returns a bool."""
    assert kg.ask("ASK { kg:chhy-vichara a foaf:Person }") is True
    assert kg.ask("ASK { kg:chhy-vichara a accsm:Meeting }") is False


def test_construct_returns_graph(kg: KnowledgeGraph) -> None:
    """construct() runs CONSTRUCT and DESCRIBE and returns an rdflib Graph."""
    graph = kg.construct("CONSTRUCT { ?p foaf:name ?n } WHERE { ?p a foaf:Person ; foaf:name ?n }")
    assert isinstance(graph, Graph)
    assert (URIRef(KG + "chhy-vichara"), None, Literal("ឈី វិជ្ជរ៉ា", lang="km")) in graph
    described = kg.construct("DESCRIBE kg:chhy-vichara")
    assert len(described) > 0


@pytest.mark.parametrize(
    ("method", "sparql", "right"),
    [
        ("query", "ASK { ?s ?p ?o }", "ask"),
        ("query", "CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("ask", "SELECT * WHERE { ?s ?p ?o }", "query"),
        ("construct", "SELECT * WHERE { ?s ?p ?o }", "query"),
        ("construct", "ASK { ?s ?p ?o }", "ask"),
    ],
)
def test_wrong_method_names_the_right_one(
    kg: KnowledgeGraph, method: str, sparql: str, right: str
) -> None:
    """Sending a query to the method of another form raises QueryFormError naming the right one."""
    with pytest.raises(accsm_kg.QueryFormError, match=rf"use {right}\(\) instead") as caught:
        getattr(kg, method)(sparql)
    assert caught.value.right == right


def test_update_is_refused(kg: KnowledgeGraph) -> None:
    """SPARQL Update is not run by query()."""
    with pytest.raises(accsm_kg.QueryFormError, match="SPARQL Update"):
        kg.query("INSERT DATA { kg:a kg:b kg:c }")
    assert not kg.ask("ASK { kg:a kg:b kg:c }")


def test_service_is_refused(kg: KnowledgeGraph) -> None:
    """A federated query (SERVICE) is refused before anything is fetched."""
    with pytest.raises(accsm_kg.QueryError, match="SERVICE"):
        kg.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_syntax_error_has_position(kg: KnowledgeGraph) -> None:
    """A query that does not parse raises SparqlSyntaxError with a line number."""
    with pytest.raises(accsm_kg.SparqlSyntaxError) as caught:
        kg.query("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert caught.value.lineno is not None
    assert isinstance(caught.value, SyntaxError)


def test_undeclared_prefix_is_a_syntax_error(kg: KnowledgeGraph) -> None:
    """An unknown prefix is reported as a syntax error, not a crash."""
    with pytest.raises(accsm_kg.SparqlSyntaxError, match="nope"):
        kg.query("SELECT * WHERE { ?s nope:p ?o }")


def test_bindings_are_values(kg: KnowledgeGraph) -> None:
    """An IRI binding restricts the query to that node."""
    rows = kg.query(
        "SELECT ?size WHERE { ?d accsm:delegationSize ?size }",
        bindings={"d": kg.iri("kg:cambodia-delegation-focal-points-2020")},
    )
    assert [int(r.size) for r in rows] == [8]


def test_binding_python_values(kg: KnowledgeGraph) -> None:
    """Python ints and dates are bound as typed literals."""
    size = "ASK { ?d accsm:delegationSize ?n }"
    assert kg.ask(size, bindings={"n": 8})
    assert not kg.ask(size, bindings={"n": 9})
    assert kg.ask(
        "ASK { ?d accsm:delegationSize ?s FILTER(?s = ?n) }",
        bindings={"n": Literal(8, datatype=XSD.long)},
    )
    assert kg.ask("ASK { ?m schema:startDate ?day }", bindings={"day": dt.date(2020, 11, 2)})


def test_binding_unknown_variable(kg: KnowledgeGraph) -> None:
    """A binding for a variable the query does not have is an error listing its variables."""
    with pytest.raises(accsm_kg.BindingError, match=r"\?nmae is not a variable.*\?name"):
        kg.query(HEAD, bindings={"nmae": "x"})


def test_binding_unsupported_value(kg: KnowledgeGraph) -> None:
    """A value with no RDF form, or a set (which has no order), is refused with a clear error."""
    with pytest.raises(accsm_kg.BindingError, match="cannot bind a dict"):
        kg.query(HEAD, bindings={"name": {"x": 1}})
    with pytest.raises(accsm_kg.BindingError, match="no order"):
        kg.query(HEAD, bindings={"name": {"x"}})


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_a_list_binds_several_values(store: accsm_kg.StoreName) -> None:
    """A list answers for each value in turn; an empty list answers nothing, with the columns."""
    kg = accsm_kg.load(store=store)
    query = "SELECT ?c ?code WHERE { ?c accsm:isoCode ?code }"
    countries = [kg.iri("kg:japan"), kg.iri("kg:cambodia")]
    rows = kg.query(query, {"c": countries})
    assert [(r.c, str(r.code)) for r in rows] == [(countries[0], "JP"), (countries[1], "KH")]
    empty = kg.query(query, {"c": []})
    assert len(empty) == 0
    assert empty.variables == ("c", "code")
    assert kg.ask("ASK { ?c accsm:isoCode 'KH' }", {"c": countries})
    assert not kg.ask("ASK { ?c accsm:isoCode 'KH' }", {"c": countries[:1]})
    graph = kg.construct("CONSTRUCT { ?c accsm:isoCode ?code } WHERE { ?c accsm:isoCode ?code }",
                         {"c": countries})  # fmt: skip
    assert len(graph) == 2
    named = kg.named_query("delegation-heads", country=["kg:cambodia"])
    assert named == kg.named_query("delegation-heads", country="kg:cambodia")


HOSTILE = [
    '" } ; DROP ALL ; #',
    'x" . ?s ?p ?o . FILTER("1',
    "}}}{{{",
    "# comment\n?s ?p ?o",
    "line\nbreak\r\nand\ttab",
    "nul\u0000byte",
    "<http://evil.example/> } UNION { ?s ?p ?o",
    'ឈី វិជ្ជរ៉ា" }',
    '\\" backslash',
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_bindings_match_only_themselves(kg: KnowledgeGraph, value: str) -> None:
    """A hostile string bound to a variable is a value: it matches nothing and changes nothing."""
    rows = kg.query("SELECT ?s WHERE { ?s rdfs:label ?label }", bindings={"label": value})
    assert len(rows) == 0
    echoed = kg.query("SELECT ?v WHERE { BIND(STR(?x) AS ?v) }", bindings={"x": value})
    assert [str(r.v) for r in echoed] == [value]


@settings(max_examples=60, deadline=None)
@given(value=st.text())
def test_any_string_binding_round_trips(value: str) -> None:
    """Whatever the string, binding it and reading it back gives the same string."""
    kg = _empty()
    rows = kg.query("SELECT ?v WHERE { BIND(STR(?x) AS ?v) }", bindings={"x": value})
    assert [str(r.v) for r in rows] == [value]


_EMPTY: list[KnowledgeGraph] = []


def _empty() -> KnowledgeGraph:
    if not _EMPTY:
        _EMPTY.append(accsm_kg.load(include_bundled=False))
    return _EMPTY[0]


def test_hostile_iri_in_named_query(kg: KnowledgeGraph) -> None:
    """An IRI with spaces or '>' given to a named query is refused, not pasted."""
    with pytest.raises(accsm_kg.BindingError):
        kg.named_query("delegation-heads", country="http://x/> } UNION { ?s ?p ?o")


def test_len_and_repr(kg: KnowledgeGraph) -> None:
    """len() counts triples; repr names the store."""
    assert len(kg) > 100
    assert repr(kg) == f"<KnowledgeGraph: {len(kg):,} triples, oxigraph store>"


def test_summary_counts_instances(kg: KnowledgeGraph) -> None:
    """The summary gives triples, graphs and instances per class."""
    text = kg.summary()
    assert f"{len(kg):,} triples" in text
    meetings = len(kg.query("SELECT DISTINCT ?m WHERE { ?m a accsm:Meeting }"))
    assert f"accsm:Meeting: {meetings}" in text


def test_prefixes_are_bound_for_users(kg: KnowledgeGraph) -> None:
    """Queries may use the standard prefixes without declaring them."""
    assert kg.prefixes["accsm"] == "https://w3id.org/accsm-kg/ontology#"
    assert kg.iri("kg:cambodia") == URIRef(KG + "cambodia")


def test_context_manager_closes() -> None:
    """A knowledge graph can be used in a with block."""
    with accsm_kg.load(include_bundled=False) as kg:
        assert len(kg) == 0


def test_exported_names() -> None:
    """__all__ lists exactly the public names of the package, once each."""
    public = {n for n in dir(accsm_kg) if not n.startswith("_")} - {
        "cli", "errors", "knowledge_graph", "loading", "publish", "queries", "resources",
        "results", "sparql", "store", "stores", "literals", "validate", "khmer", "diff", "docs",
        "release", "terms", "curation", "shacl", "synth", "reasoning", "locate", "inference",
        "report", "explore", "display", "plot", "progress", "web",
    }  # fmt: skip
    assert set(accsm_kg.__all__) - {"__version__"} == public
    assert len(accsm_kg.__all__) == len(set(accsm_kg.__all__))


def test_version_is_single_sourced() -> None:
    """__version__ comes from the installed package metadata."""
    from importlib.metadata import version

    assert accsm_kg.__version__ == version("accsm-kg")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"query_timeout": 0}, "query_timeout must be a positive number of seconds, not 0"),
        ({"query_timeout": -1.5}, "query_timeout must be a positive number of seconds"),
        ({"query_timeout": "5"}, "query_timeout must be a number of seconds, not '5'"),
        ({"query_timeout": True}, "query_timeout must be a number of seconds"),
    ],
)
def test_bad_timeouts_are_refused_up_front(options: dict[str, object], message: str) -> None:
    """A timeout that is not a positive number fails when given, not at the first query."""
    with pytest.raises(accsm_kg.OptionError, match=message):
        accsm_kg.load(include_bundled=False, **options)  # type: ignore[arg-type]
    with pytest.raises(accsm_kg.OptionError, match="timeout must be a positive"):
        accsm_kg.load(include_bundled=False).query("SELECT * {}", timeout=0)


def test_named_queries_take_a_timeout(kg: KnowledgeGraph) -> None:
    """named_query(..., timeout=) is the query's timeout, not a parameter of the query."""
    assert kg.named_query("delegation-heads", timeout=60) == kg.named_query("delegation-heads")
    with pytest.raises(accsm_kg.OptionError):
        kg.named_query("delegation-heads", timeout=0)


@pytest.mark.parametrize("text", ["", "   \n", "# nothing but a comment\n"])
def test_empty_query_is_said_to_be_empty(kg: KnowledgeGraph, text: str) -> None:
    """An empty query is a syntax error saying so (not a hint to use update())."""
    with pytest.raises(accsm_kg.SparqlSyntaxError, match="the query is empty"):
        kg.query(text)


def test_query_must_be_text(kg: KnowledgeGraph) -> None:
    """Bytes are refused on every store with the same clear error."""
    with pytest.raises(accsm_kg.QueryError, match=r"a query is text \(str\), not bytes"):
        kg.query(b"SELECT * WHERE { ?s ?p ?o }")  # type: ignore[arg-type]


def test_form_error_reads_well(kg: KnowledgeGraph) -> None:
    """The wrong-method error names the method called and the one to use, in good English."""
    with pytest.raises(accsm_kg.QueryFormError) as caught:
        kg.query("ASK { ?s ?p ?o }")
    expected = "query() runs SELECT queries; this is an ASK query: use ask() instead"
    assert str(caught.value) == expected


def test_an_ill_typed_boolean_is_not_made_false() -> None:
    """A stray "x"^^xsd:boolean from Oxigraph comes back as written, without a warning."""
    kg = accsm_kg.load(include_bundled=False)
    rows = kg.query('SELECT ?x WHERE { VALUES ?x { "x"^^xsd:boolean "1"^^xsd:boolean } }')
    assert [str(row.x) for row in rows] == ["x", "true"]
