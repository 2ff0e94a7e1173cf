"""One API over every store: the same calls give the same answers on each of them.

The conformance suite runs over rdflib, Oxigraph in memory, Oxigraph on disk, an Oxigraph
server and a Virtuoso server (both started on loopback by ``tests/servers.py``), and compares
every named query with the default store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from servers import Endpoints

import accsm_kg
from accsm_kg import KnowledgeGraph, named_queries
from accsm_kg.sparql import to_term

STORES = ["rdflib", "oxigraph-memory", "oxigraph-disk", "oxigraph-server", "virtuoso"]


def _remote(kg: KnowledgeGraph, endpoints: Endpoints) -> KnowledgeGraph:
    graphs = kg.push(endpoints.update)
    return accsm_kg.connect(endpoints.query, endpoints.update, graphs=graphs)


@pytest.fixture(scope="session", params=STORES)
def any_kg(
    request: pytest.FixtureRequest, kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """The bundled data in each store in turn."""
    name = request.param
    if name == "rdflib":
        store = accsm_kg.load(store="rdflib")
    elif name == "oxigraph-memory":
        store = accsm_kg.load(store="oxigraph")
    elif name == "oxigraph-disk":
        store = accsm_kg.load(store="oxigraph", path=tmp_path_factory.mktemp("disk") / "kg")
    else:
        endpoints = request.getfixturevalue(
            "oxigraph_endpoints" if name == "oxigraph-server" else "virtuoso_endpoints"
        )
        store = _remote(kg, endpoints)
    with store:
        yield store


def _comparable(rows: accsm_kg.Rows) -> list[tuple[str, ...]]:
    """Rows as sorted text, blank nodes made anonymous (their labels differ by store)."""
    return sorted(tuple("_:" if isinstance(v, BNode) else repr(v) for v in row) for row in rows)


def _examples(query: accsm_kg.NamedQuery) -> dict[str, str]:
    return {p.name: p.description.split("e.g. ")[1].split()[0] for p in query.parameters}


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_agree(any_kg: KnowledgeGraph, kg: KnowledgeGraph, name: str) -> None:
    """Every named query gives the same rows, of the same types, on every store."""
    for bindings in ({}, _examples(named_queries()[name])):
        expected = kg.named_query(name, **bindings)
        found = any_kg.named_query(name, **bindings)
        assert found.variables == expected.variables
        assert _comparable(found) == _comparable(expected), bindings
        assert dict(found.to_dataframe().dtypes) == dict(expected.to_dataframe().dtypes)


def test_sizes_and_graphs_agree(any_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    """Every store holds the same triples in the same named graphs."""
    assert len(any_kg) == len(kg)
    assert any_kg.graphs() == kg.graphs()


def test_ask_and_construct_agree(any_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    """ASK and CONSTRUCT answer alike everywhere; DESCRIBE gives the node's triples."""
    assert any_kg.ask("ASK { kg:chhy-vichara a foaf:Person }")
    assert not any_kg.ask("ASK { kg:chhy-vichara a accsm:Meeting }")
    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a accsm:Meeting ; rdfs:label ?l }"
    assert isomorphic(any_kg.construct(construct), kg.construct(construct))
    described = any_kg.construct("DESCRIBE kg:chhy-vichara")
    assert (URIRef(kg.iri("kg:chhy-vichara")), None, None) in described


def test_hostile_bindings_everywhere(any_kg: KnowledgeGraph) -> None:
    """Bound values stay values on every store, remote ones included."""
    # "\x800000": a non-ASCII character followed by digits, once misread as one long escape
    hostile = ['" } ; DROP ALL ; #', "}}}{{{", "line\nbreak", 'ឈី វិជ្ជរ៉ា" }', "\x800000"]
    for value in [*hostile, Literal('ឈី វិជ្ជរ៉ា" } #', lang="km")]:
        # Virtuoso garbles non-ASCII text that passes through BIND: echo the value as it is
        rows = any_kg.query("SELECT ?x WHERE { }", bindings={"x": value})
        assert [r.x for r in rows] == [to_term(value)]
        assert len(any_kg.query("SELECT ?s WHERE { ?s rdfs:label ?l }", {"l": value})) == 0
    size = any_kg.query(
        "SELECT ?n WHERE { ?d accsm:delegationSize ?n }",
        bindings={"d": any_kg.iri("kg:cambodia-delegation-focal-points-2020")},
    )
    assert [int(r.n) for r in size] == [8]


def test_prefixes_mean_the_same_everywhere(any_kg: KnowledgeGraph) -> None:
    """A prefix rdflib knows but the query never declares is refused on every store."""
    for prefix in ("vann", "time", "dcat"):
        with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"unknown prefix {prefix}:"):
            any_kg.ask(f"ASK {{ ?s {prefix}:p ?o }}")
        with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"unknown prefix {prefix}:"):
            any_kg.update(f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:s> {prefix}:p 1 }} }}")
    declared = "PREFIX vann: <http://purl.org/vocab/vann/> ASK { ?s vann:p ?o }"
    assert any_kg.ask(declared) is False


def test_validate_and_dump_everywhere(
    any_kg: KnowledgeGraph, kg: KnowledgeGraph, tmp_path: Path
) -> None:
    """Validation and dumps work on every store (a remote store fetches what it needs)."""
    assert any_kg.validate().conforms == kg.validate().conforms
    path = any_kg.dump(tmp_path / "kg.nt", "ntriples")
    again = Graph().parse(path, format="nt")
    assert isomorphic(again, kg.union())


def test_all_or_nothing_everywhere(any_kg: KnowledgeGraph, resources: Path) -> None:
    """A good file followed by a bad one leaves every store as it was."""
    before = len(any_kg)
    with pytest.raises(accsm_kg.TurtleSyntaxError):
        any_kg.add(resources / "load" / "good.ttl", resources / "load" / "syntax-error.ttl")
    assert len(any_kg) == before


def test_persistent_oxigraph_reopens_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reopening an on-disk store skips the files it already holds; a changed file is reloaded."""
    folder = tmp_path / "kg"
    data = tmp_path / "extra.ttl"
    data.write_text('<https://e.org/a> <https://e.org/b> "1" .\n', encoding="utf-8")
    first = accsm_kg.load(data, store="oxigraph", path=folder)
    size = len(first)
    first.close()
    del first

    parsed: list[Path] = []
    real = accsm_kg.knowledge_graph.parse_file

    def spy(path: Path, graph: URIRef | None = None) -> accsm_kg.loading.ParsedFile:
        parsed.append(path)
        return real(path, graph)

    monkeypatch.setattr(accsm_kg.knowledge_graph, "parse_file", spy)
    data.write_text('<https://e.org/a> <https://e.org/b> "2" .\n', encoding="utf-8")
    again = accsm_kg.load(data, store="oxigraph", path=folder)
    assert parsed == [data]
    assert len(again) == size
    assert [str(r.o) for r in again.query("SELECT ?o WHERE { <https://e.org/a> ?p ?o }")] == ["2"]


def test_rdflib_store_has_no_path(tmp_path: Path) -> None:
    """Asking for a persistent rdflib store is an error that names the store that can."""
    with pytest.raises(accsm_kg.StoreError, match="oxigraph"):
        accsm_kg.load(store="rdflib", path=tmp_path)  # type: ignore[arg-type]


def test_unknown_store() -> None:
    """An unknown store name lists the known ones."""
    with pytest.raises(accsm_kg.StoreError, match="rdflib, oxigraph"):
        accsm_kg.load(store="nosuch")  # type: ignore[arg-type]
