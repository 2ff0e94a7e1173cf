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
    for prefix in ("vann", "sosa", "dcat"):
        with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"unknown prefix {prefix}:"):
            any_kg.ask(f"ASK {{ ?s {prefix}:p ?o }}")
        with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"unknown prefix {prefix}:"):
            any_kg.update(f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:s> {prefix}:p 1 }} }}")
    declared = "PREFIX vann: <http://purl.org/vocab/vann/> ASK { ?s vann:p ?o }"
    assert any_kg.ask(declared) is False


def test_select_star_columns_follow_the_query_everywhere(any_kg: KnowledgeGraph) -> None:
    """SELECT * gives its columns in the order the variables first appear, on every store."""
    rows = any_kg.query("SELECT * WHERE { ?s ?p ?o . ?o rdfs:label ?label } LIMIT 3")
    assert rows.variables == ("s", "p", "o", "label")
    for row in rows:
        assert any_kg.ask("ASK { ?o rdfs:label ?label }", {"o": row.o, "label": row.label})


def test_a_row_with_nothing_bound_is_kept_everywhere(any_kg: KnowledgeGraph) -> None:
    """A solution that binds none of the selected variables is still a row."""
    rows = any_kg.query("SELECT ?n WHERE { VALUES ?n { 2 UNDEF } }")
    assert sorted(rows, key=lambda row: row.n is None) == [(Literal(2),), (None,)]


def test_an_emptied_graph_is_gone_everywhere(any_kg: KnowledgeGraph) -> None:
    """A graph whose every triple was deleted is no longer listed, on every store."""
    graph = "urn:x:emptied"
    before = len(any_kg.graphs())
    any_kg.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> 1 }} }}")
    if any_kg.store.name != "remote":  # a server's dataset is the graphs given to connect()
        assert len(any_kg.graphs()) == before + 1
    any_kg.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert graph not in {str(g) for g in any_kg.graphs()}
    assert len(any_kg.graphs()) == before


def test_from_names_the_dataset_everywhere(any_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    """FROM and FROM NAMED pick graphs of the store, the same on every store; nothing fetched."""
    graph = "https://w3id.org/accsm-kg/graph/source/iso-3166"
    expected = len(kg.query(f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert 0 < expected < len(kg)
    default = any_kg.query(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert int(default[0].n) == expected
    named = any_kg.query(
        f"SELECT DISTINCT ?g FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    )
    assert [str(row.g) for row in named] == [graph]
    # an IRI that is not a graph of the store is an empty graph, not a URL to fetch
    nowhere = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/nowhere.ttl> WHERE { ?s ?p ?o }"
    assert int(any_kg.query(nowhere)[0].n) == 0


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
    loading = accsm_kg.stores.oxigraph._OxigraphLoading
    real = loading.add

    def spy(
        self: accsm_kg.stores.base.Loading, path: Path, *, warn: bool = True
    ) -> list[accsm_kg.loading.FileFacts]:
        parsed.append(path)
        return real(self, path, warn=warn)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "add", spy)
    data.write_text('<https://e.org/a> <https://e.org/b> "2" .\n', encoding="utf-8")
    again = accsm_kg.load(data, store="oxigraph", path=folder)
    assert parsed == [data]
    assert len(again) == size
    assert [str(r.o) for r in again.query("SELECT ?o WHERE { <https://e.org/a> ?p ?o }")] == ["2"]


def test_closed_oxigraph_store_can_be_opened_again(tmp_path: Path) -> None:
    """close() (or the end of a with block) releases the folder; the closed graph says so."""
    folder = tmp_path / "kg.oxigraph"
    kg = accsm_kg.load(path=folder)
    size = len(kg)
    kg.close()
    with pytest.raises(accsm_kg.StoreError, match="closed"):
        kg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    kg.close()  # closing twice is harmless
    with accsm_kg.load(path=folder) as again:
        assert len(again) == size
    assert len(accsm_kg.load(path=folder)) == size


def test_rdflib_store_has_no_path(tmp_path: Path) -> None:
    """Asking for a persistent rdflib store is an error that names the store that can."""
    with pytest.raises(accsm_kg.StoreError, match="oxigraph"):
        accsm_kg.load(store="rdflib", path=tmp_path)  # type: ignore[arg-type]


def test_unknown_store() -> None:
    """An unknown store name lists the known ones."""
    with pytest.raises(accsm_kg.StoreError, match="rdflib, oxigraph"):
        accsm_kg.load(store="nosuch")  # type: ignore[arg-type]


def test_oxigraph_results_never_outlive_their_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Oxigraph's results are freed where they were made, whichever thread collects garbage."""
    import gc
    import sys
    import threading

    kg = accsm_kg.load()
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    gc.collect()
    # bindings make the query be parsed again, which leaves frames in reference cycles
    assert kg.query("SELECT ?l WHERE { ?x rdfs:label ?l }", {"x": kg.iri("kg:cambodia")})
    collector = threading.Thread(target=gc.collect)
    collector.start()
    collector.join()
    assert unraisable == []


def test_oxigraph_store_folder_gets_its_parents(tmp_path: Path) -> None:
    """A store path whose parent folders do not exist yet is created with them."""
    folder = tmp_path / "work" / "stores" / "kg.ox"
    kg = accsm_kg.load(path=folder)
    assert folder.is_dir()
    assert len(kg) > 0
    kg.close()
