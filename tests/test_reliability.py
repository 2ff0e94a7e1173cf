"""Reliability: query timeouts, SPARQL Update only on opt-in, no network, crash-safe dumps.

The store-wide tests run over the five stores of the conformance suite (rdflib, Oxigraph in
memory and on disk, an Oxigraph server, Virtuoso), each holding a small graph of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import OWL, PROV, RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import accsm_kg
from accsm_kg import KnowledgeGraph
from accsm_kg.publish import FORMATS

ROOT = Path(__file__).parent.parent
STORES = ["rdflib", "oxigraph-memory", "oxigraph-disk", "oxigraph-server", "virtuoso"]
#: 200 x 200 x 200 solutions, made from nothing: slow on every engine, whatever the data
_VALUES = " ".join(str(i) for i in range(200))
SLOW = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {_VALUES} }} VALUES ?b {{ {_VALUES} }} "
    f"VALUES ?c {{ {_VALUES} }} FILTER(?a + ?b + ?c != -1) }}"
)
SMALL = """@prefix kg: <https://w3id.org/accsm-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:reliability-a rdfs:label "A"@en, "ក"@km .
kg:reliability-b rdfs:label "B"@en .
"""


@pytest.fixture(scope="module", params=STORES)
def store_kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """A small graph in each store in turn."""
    folder = tmp_path_factory.mktemp("reliability")
    data = folder / "small.ttl"
    data.write_text(SMALL, encoding="utf-8")
    name = request.param
    if name in ("rdflib", "oxigraph-memory"):
        kg = accsm_kg.load(data, include_bundled=False, store=name.split("-")[0])  # type: ignore[arg-type]
    elif name == "oxigraph-disk":
        kg = accsm_kg.load(data, include_bundled=False, store="oxigraph", path=folder / "kg")
    else:
        endpoints = request.getfixturevalue(
            "oxigraph_endpoints" if name == "oxigraph-server" else "virtuoso_endpoints"
        )
        local = accsm_kg.load(data, include_bundled=False)
        graphs = local.push(endpoints.update)
        kg = accsm_kg.connect(endpoints.query, endpoints.update, graphs=graphs)
    with kg:
        yield kg


# -- query timeout ---------------------------------------------------------------------------


def test_query_timeout_everywhere(store_kg: KnowledgeGraph) -> None:
    """A query past its timeout raises QueryTimeoutError (a TimeoutError); the store still works."""
    with pytest.raises(accsm_kg.QueryTimeoutError, match=r"did not finish within 0\.05 s") as e:
        store_kg.query(SLOW, timeout=0.05)
    assert isinstance(e.value, TimeoutError)
    assert isinstance(e.value, accsm_kg.QueryError)
    slow_ask = SLOW.replace("SELECT (COUNT(*) AS ?n) WHERE", "ASK").replace("!= -1", "= -1")
    with pytest.raises(accsm_kg.QueryTimeoutError):
        store_kg.ask(slow_ask, timeout=0.05)
    assert store_kg.ask("ASK { kg:reliability-a rdfs:label ?l }", timeout=30)
    assert len(store_kg.query("SELECT ?l WHERE { ?s rdfs:label ?l }", timeout=30)) == 3


def test_query_timeout_from_load() -> None:
    """load(query_timeout=...) sets the default timeout of every query, named ones too."""
    kg = accsm_kg.load(include_bundled=False, store="rdflib", query_timeout=0.05)
    with pytest.raises(accsm_kg.QueryTimeoutError):
        kg.query(SLOW)
    with pytest.raises(accsm_kg.QueryTimeoutError):
        kg.construct(
            SLOW.replace("SELECT (COUNT(*) AS ?n) WHERE", "CONSTRUCT { ?a <urn:x:p> ?b } WHERE")
        )
    assert kg.query("SELECT ?x WHERE { BIND(1 AS ?x) }", timeout=30)[0].x == Literal(1)


def test_timeout_must_be_positive() -> None:
    """A timeout of zero or less is a usage error, not a silent 'no limit'."""
    kg = accsm_kg.load(include_bundled=False)
    with pytest.raises(ValueError, match="positive"):
        kg.query("SELECT * WHERE { ?s ?p ?o }", timeout=0)


# -- SPARQL Update, only on opt-in -------------------------------------------------------------

HOSTILE = ['" } ; DROP ALL ; #', "}}}{{{", "line\nbreak", 'ឈី វិជ្ជរ៉ា" }']


def test_update_everywhere(store_kg: KnowledgeGraph) -> None:
    """kg.update() writes hostile values given as bindings, and deletes them, on every store."""
    graph = store_kg.graphs()[0]
    before = len(store_kg)
    # Virtuoso fails on a graph variable bound by VALUES in an INSERT template: name the graph
    insert = f"INSERT {{ GRAPH <{graph}> {{ kg:reliability-c rdfs:comment ?v }} }} WHERE {{}}"
    delete = "DELETE { GRAPH ?g { ?s rdfs:comment ?v } } WHERE { GRAPH ?g { ?s rdfs:comment ?v } }"
    for value in HOSTILE:
        store_kg.update(insert, {"v": value})
        assert store_kg.ask("ASK { kg:reliability-c rdfs:comment ?v }", {"v": value})
        assert len(store_kg) == before + 1
        store_kg.update(delete, {"v": value + "?"})  # another value deletes nothing
        assert len(store_kg) == before + 1
        store_kg.update(delete, {"v": value})
        assert not store_kg.ask("ASK { kg:reliability-c rdfs:comment ?v }")
    assert len(store_kg) == before
    store_kg.update(f"INSERT DATA {{ GRAPH <{graph}> {{ kg:reliability-c rdfs:comment 'x' }} }}")
    store_kg.update(f"DELETE DATA {{ GRAPH <{graph}> {{ kg:reliability-c rdfs:comment 'x' }} }}")
    assert len(store_kg) == before


@pytest.mark.parametrize(
    ("update", "words"),
    [
        ("INSERT DATA { kg:a rdfs:label 'x' }", "outside GRAPH"),
        ("DELETE WHERE { ?s ?p ?o }", "outside GRAPH"),
        ("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { ?s ?p ?o }", "outside GRAPH"),
        ("LOAD <http://127.0.0.1:9/x.ttl> INTO GRAPH <urn:x:g>", "LOAD is refused"),
        (
            "INSERT { GRAPH <urn:x:g> { ?s ?p ?o } } WHERE { SERVICE <http://127.0.0.1:9/> "
            "{ ?s ?p ?o } }",
            "SERVICE",
        ),
    ],
)
def test_dangerous_updates_are_refused(update: str, words: str) -> None:
    """Updates outside GRAPH, LOAD (fetches a URL) and SERVICE are refused before they run."""
    kg = accsm_kg.load(include_bundled=False)
    with pytest.raises(accsm_kg.QueryError, match=words):
        kg.update(update)
    assert len(kg) == 0


@pytest.mark.parametrize("method", ["query", "ask", "construct"])
def test_queries_refuse_updates_and_name_the_opt_in(method: str) -> None:
    """query(), ask() and construct() never write; the error names the method and update()."""
    kg = accsm_kg.load(include_bundled=False)
    with pytest.raises(accsm_kg.QueryFormError, match=r"use update\(\) instead") as caught:
        getattr(kg, method)("INSERT DATA { GRAPH <urn:x:g> { kg:a kg:b kg:c } }")
    assert str(caught.value).startswith(f"{method}() runs ")
    assert len(kg) == 0


def test_update_bindings_are_checked() -> None:
    """Update bindings must name variables; they stand as constants in any operation."""
    kg = accsm_kg.load(include_bundled=False)
    kg.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1, 2 } }")
    with pytest.raises(accsm_kg.BindingError, match="not a variable"):
        kg.update("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", {"x": 1})
    kg.update("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", {"o": 1})
    assert [int(r.o) for r in kg.query("SELECT ?o WHERE { ?s ?p ?o }")] == [2]


def test_failed_update_changes_nothing_on_rdflib() -> None:
    """An rdflib update that times out is rolled back."""
    kg = accsm_kg.load(include_bundled=False, store="rdflib")
    kg.update("INSERT DATA { GRAPH <urn:x:g> { kg:a rdfs:label 'kept' } }")
    slow = SLOW.split("WHERE", 1)[1].replace("(COUNT(*) AS ?n)", "")
    with pytest.raises(accsm_kg.QueryTimeoutError):
        kg.update("INSERT { GRAPH <urn:x:g> { ?a rdfs:label ?b } } WHERE " + slow, timeout=0.05)
    assert [str(r.l) for r in kg.query("SELECT ?l WHERE { ?s rdfs:label ?l }")] == ["kept"]


def test_read_only_remote_refuses_update(oxigraph_endpoints: object) -> None:
    """A remote store opened without update_url refuses kg.update()."""
    kg = accsm_kg.connect(oxigraph_endpoints.query)  # type: ignore[attr-defined]
    with pytest.raises(accsm_kg.ReadOnlyStoreError, match="read-only"):
        kg.update("INSERT DATA { GRAPH <urn:x:g> { kg:a kg:b kg:c } }")


# -- no network: the offline catalog ---------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attempt to open a network connection fails loudly."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args[1:]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_everything_loads_with_sockets_blocked(
    resources: Path, tmp_path: Path, store: accsm_kg.StoreName
) -> None:
    """Bundled data, imports of the catalog, validation and every dump need no network."""
    kg = accsm_kg.load(resources / "load" / "imports-catalogued.ttl", store=store)
    names = {str(g) for g in kg.graphs()}
    assert "https://w3id.org/accsm-kg/graph/vocabularies/dcterms" in names
    assert "https://w3id.org/accsm-kg/graph/vocabularies/shacl" in names
    # dcterms imports DCMI Type, DCAM and DC elements: they come from the catalog too
    assert "https://w3id.org/accsm-kg/graph/vocabularies/dcmitype" in names
    assert kg.ask("ASK { dcterms:creator rdfs:label ?l }")
    kg.validate()
    for name, info in FORMATS.items():
        path = kg.dump(tmp_path / f"kg{info.suffix}", name)
        assert path.stat().st_size > 0


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_from_and_using_never_fetch(store: accsm_kg.StoreName) -> None:
    """FROM and USING name graphs of the store; an IRI that is a URL is not downloaded."""
    kg = accsm_kg.load(store=store)
    url = "http://127.0.0.1:9/x.ttl"
    assert int(kg.query(f"SELECT (COUNT(*) AS ?n) FROM <{url}> WHERE {{ ?s ?p ?o }}")[0].n) == 0
    size = len(kg)
    kg.update(f"INSERT {{ GRAPH <urn:x:g> {{ ?s ?p ?o }} }} USING <{url}> WHERE {{ ?s ?p ?o }}")
    assert len(kg) == size


#: Each vocabulary of the catalog: its graph name and a triple its copy must hold.
_CATALOG_IMPORTS = {
    "org": "ASK { <http://www.w3.org/ns/org#Organization> a owl:Class }",
    "prov": "ASK { prov:wasDerivedFrom rdfs:domain prov:Entity }",
    "skos": "ASK { skos:prefLabel rdfs:subPropertyOf rdfs:label }",
    "foaf": "ASK { foaf:Person rdfs:subClassOf foaf:Agent }",
    "schema": "ASK { schema:startDate schema:domainIncludes schema:Event }",
    "time": "ASK { <http://www.w3.org/2006/time#Instant> rdfs:subClassOf ?c }",
    "vann": "ASK { <http://purl.org/vocab/vann/preferredNamespacePrefix> a ?kind }",
    "rdf": "ASK { rdf:type a rdf:Property }",
    "rdfs": "ASK { rdfs:Class a rdfs:Class }",
    "owl": "ASK { owl:Class rdfs:subClassOf rdfs:Class }",
    "dcterms": "ASK { dcterms:creator rdfs:label ?l }",
    "dcelements": "ASK { <http://purl.org/dc/elements/1.1/title> rdfs:label ?l }",
    "dcmitype": "ASK { <http://purl.org/dc/dcmitype/Text> a owl:Class }",
    "dcam": "ASK { <http://purl.org/dc/dcam/memberOf> a owl:ObjectProperty }",
    "shacl": "ASK { sh:NodeShape rdfs:subClassOf sh:Shape }",
}


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_catalog_vocabularies_import_with_sockets_blocked(
    resources: Path, store: accsm_kg.StoreName
) -> None:
    """Imports of every catalogued vocabulary land as named graphs holding their own triples."""
    from accsm_kg.loading import parse_file
    from accsm_kg.resources import vocabulary_paths

    kg = accsm_kg.load(resources / "load" / "imports-w3c.ttl", include_bundled=False, store=store)
    names = {str(g) for g in kg.graphs()}
    copies = {p.stem: p for p in vocabulary_paths()}
    assert set(_CATALOG_IMPORTS) == set(copies)
    for name, ask in _CATALOG_IMPORTS.items():
        graph = f"https://w3id.org/accsm-kg/graph/vocabularies/{name}"
        assert graph in names, name
        where = ask.replace("ASK { ", f"ASK {{ GRAPH <{graph}> {{ ").replace(" }", " } }")
        assert kg.ask(where), name
        expected = len(parse_file(copies[name]).triples)
        count = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert int(next(iter(count))[0]) == expected, name


def test_unknown_import_is_an_error_not_a_fetch(resources: Path, no_network: None) -> None:
    """An owl:imports the catalog lacks raises ImportNotFoundError naming file and IRI."""
    path = resources / "load" / "imports-unknown.ttl"
    with pytest.raises(accsm_kg.ImportNotFoundError) as caught:
        accsm_kg.load(path, include_bundled=False)
    assert str(caught.value).startswith(f"{path}: owl:imports <http://127.0.0.1:9/nowhere.ttl>")
    assert "never fetches" in str(caught.value)
    assert caught.value.iri == "http://127.0.0.1:9/nowhere.ttl"


def test_import_of_a_loaded_ontology_needs_no_catalog(tmp_path: Path) -> None:
    """An import of an ontology already in the graph is satisfied by it."""
    path = tmp_path / "profile.ttl"
    path.write_text(
        "<https://e.org/p> <http://www.w3.org/2002/07/owl#imports> "
        "<https://w3id.org/accsm-kg/ontology> .\n",
        encoding="utf-8",
    )
    kg = accsm_kg.load()
    size = len(kg.graphs())
    kg.add(path)
    assert len(kg.graphs()) == size + 1


def test_catalog_resolves_every_ontology_its_files_declare() -> None:
    """Each catalogued file is found by its namespace and by every ontology IRI it declares."""
    from accsm_kg.loading import parse_file
    from accsm_kg.resources import (
        VOCABULARIES,
        VOCABULARY_ALIASES,
        vocabulary_path,
        vocabulary_paths,
    )

    files = {p.name: p for p in vocabulary_paths()}
    assert sorted(files) == sorted(VOCABULARIES.values())
    assert set(VOCABULARY_ALIASES.values()) <= set(files)
    for namespace, name in VOCABULARIES.items():
        assert vocabulary_path(namespace) == files[name], namespace
        triples = parse_file(files[name]).triples
        # the copy defines terms of its namespace, not only mentions them
        defined = {s for s in triples.subjects() if str(s).startswith(namespace) and s != namespace}
        assert len(defined) >= 2, namespace
    for name, path in files.items():
        triples = parse_file(path).triples
        declared = set(triples.subjects(RDF.type, OWL.Ontology))
        declared |= set(triples.objects(None, OWL.versionIRI))
        for iri in declared:
            assert vocabulary_path(str(iri)) == path, (name, iri)
    for alias, name in VOCABULARY_ALIASES.items():
        triples = parse_file(files[name]).triples
        ontologies = set(triples.subjects(RDF.type, OWL.Ontology))
        named = ontologies | {v for o in ontologies for v in triples.objects(o, OWL.versionIRI)}
        named |= {v for o in ontologies for v in triples.objects(o, PROV.specializationOf)}
        assert alias in {str(n) for n in named} | {str(n) + "#" for n in named}, alias


def test_catalog_files_name_their_source_licence_and_size() -> None:
    """Each copy's header names its source and licence; a stated triple count is the real one."""
    import re

    from accsm_kg.loading import parse_file
    from accsm_kg.resources import vocabulary_paths

    for path in vocabulary_paths():
        lines = path.read_text(encoding="utf-8").splitlines()
        header = "\n".join(line for line in lines if line.startswith("#"))
        assert "Source:" in header, path.name
        assert re.search(r"licen[cs]e|CC BY", header, re.IGNORECASE), path.name
        stated = re.search(r"[ (](\d+) triples\.$", header, re.MULTILINE)
        if stated:
            assert int(stated[1]) == len(parse_file(path).triples), path.name


def test_every_borrowed_term_is_defined_by_its_vocabulary() -> None:
    """Each term our ontology, shapes and data take from another vocabulary exists in it.

    A misspelt ``schema:startdate`` or ``prov:wasDerivedBy`` fails here, by name and file.
    """
    from accsm_kg.loading import parse_any, parse_file
    from accsm_kg.resources import (
        VOCABULARIES,
        bundled_paths,
        shapes_paths,
        vocabulary_path,
    )

    copies: dict[Path, Graph] = {}
    unknown = []
    borrowed = 0
    for path in bundled_paths() + shapes_paths():
        triples = [t for part in parse_any(path) for t in part.triples]
        terms = {t for triple in triples for t in triple if isinstance(t, URIRef)}
        for term in sorted(terms):
            namespace = next((n for n in VOCABULARIES if str(term).startswith(n)), None)
            if namespace is None or str(term) == namespace:
                continue
            local = vocabulary_path(namespace)
            assert local is not None
            if local not in copies:
                copies[local] = parse_file(local).triples
            borrowed += 1
            if (term, None, None) not in copies[local]:
                unknown.append(f"{path.name}: {term}")
    assert borrowed > 100
    assert unknown == []


def _namespace(term: URIRef) -> str:
    text = str(term)
    return text[: text.rindex("#") + 1] if "#" in text else text[: text.rindex("/") + 1]


def test_every_namespace_we_use_is_catalogued() -> None:
    """The vocabularies of every property and class we use are in the offline catalog."""
    from accsm_kg.loading import parse_any
    from accsm_kg.resources import BASE_IRI, bundled_paths, shapes_paths, vocabulary_path

    used: set[str] = set()
    for path in bundled_paths() + shapes_paths():
        for _, p, o in (t for part in parse_any(path) for t in part.triples):
            used.add(_namespace(p))
            if p == RDF.type and isinstance(o, URIRef):
                used.add(_namespace(o))
    missing = sorted(n for n in used if not n.startswith(BASE_IRI) and vocabulary_path(n) is None)
    assert missing == []
    assert {"http://www.w3.org/ns/prov#", "https://schema.org/"} <= used


# -- nothing lost on write -------------------------------------------------------------------

_WRITER = """
import os, sys, time
from pathlib import Path
from rdflib import Literal, URIRef
from accsm_kg.publish import dump_quads

target = Path(sys.argv[1])
real_fsync = os.fsync

def slow_fsync(fd):
    # the whole new dump is in the temporary file now: say so, then wait to be killed
    real_fsync(fd)
    print("writing", flush=True)
    time.sleep(60)

os.fsync = slow_fsync
g = URIRef("urn:x:g")
quads = ((URIRef(f"urn:x:s{i}"), URIRef("urn:x:p"), Literal(f"new value {i}"), g)
         for i in range(50000))
dump_quads(quads, target, "ntriples")
"""


def test_killed_writer_leaves_the_previous_dump_intact(tmp_path: Path) -> None:
    """A dump killed with SIGKILL mid-write leaves the previous file whole and in place."""
    kg = accsm_kg.load(include_bundled=False)
    kg.update("INSERT DATA { GRAPH <urn:x:g> { kg:old rdfs:label 'the previous dump' } }")
    target = kg.dump(tmp_path / "kg.nt", "ntriples")
    previous = target.read_bytes()
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as writer:
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "writing"
            leftovers = list(tmp_path.glob(".kg.nt.*.tmp"))
            assert len(leftovers) == 1
            assert leftovers[0].stat().st_size > len(previous)  # the new dump was under way
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=30)
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert target.read_bytes() == previous
    assert isomorphic(Graph().parse(target, format="nt"), kg.union())


def test_killed_writer_at_any_moment_never_leaves_half_a_file(tmp_path: Path) -> None:
    """Killed at several moments, the dump is the old file or the whole new one, never half."""
    target = tmp_path / "kg.nt"
    target.write_text('<urn:x:s> <urn:x:p> "old" .\n', encoding="utf-8")
    old = target.read_bytes()
    plain = _WRITER.replace("os.fsync = slow_fsync", "")
    for delay in (0.2, 0.5, 1.0, 2.0):
        writer = subprocess.Popen([sys.executable, "-c", plain, str(target)])
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        data = target.read_bytes()
        if data != old:
            assert len(Graph().parse(data=data, format="nt")) == 50000
            old = data


# -- huge input: the streaming path ------------------------------------------------------------


def _streaming_kg(tmp_path: Path) -> KnowledgeGraph:
    kg = accsm_kg.load(include_bundled=False, store="oxigraph", path=tmp_path / "store")
    return kg


def test_streamed_files_load_like_parsed_ones(tmp_path: Path, resources: Path) -> None:
    """A file streamed into Oxigraph gives the same graph, blank nodes scoped to their file."""
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text('_:b <https://e.org/p> "x" .\n', encoding="utf-8")
    kg = _streaming_kg(tmp_path)
    kg.add(tmp_path / "one.ttl", tmp_path / "two.ttl", resources / "load" / "good.ttl")
    reference = accsm_kg.load(
        tmp_path / "one.ttl", tmp_path / "two.ttl", resources / "load" / "good.ttl",
        include_bundled=False,
    )  # fmt: skip
    assert kg.graphs() == reference.graphs()
    assert isomorphic(kg.union(), reference.union())
    assert len(kg.query("SELECT DISTINCT ?s WHERE { ?s <https://e.org/p> ?o }")) == 2


def test_streamed_file_with_an_error_adds_nothing(tmp_path: Path, resources: Path) -> None:
    """A syntax error in a streamed file names file, line and column, and the store is as it was."""
    kg = _streaming_kg(tmp_path)
    kg.add(resources / "load" / "good.ttl")
    before = set(kg.store.quads())
    graphs = kg.graphs()
    bad = resources / "load" / "syntax-error.ttl"
    with pytest.raises(accsm_kg.TurtleSyntaxError) as caught:
        kg.add(resources / "folder" / "good.ttl", bad)
    assert str(caught.value).startswith(f"{bad}:5:50: ")
    assert set(kg.store.quads()) == before
    assert kg.graphs() == graphs
    with pytest.raises(accsm_kg.EncodingError):
        kg.add(resources / "load" / "latin1.ttl")
    with pytest.raises(accsm_kg.EmptyFileError):
        kg.add(resources / "load" / "empty.ttl")
    assert set(kg.store.quads()) == before
