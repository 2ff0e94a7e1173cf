"""HTML docs: every class and property with its English and Khmer labels, every named query."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, NamespaceManager

from accsm_kg import KnowledgeGraph, build_docs, named_queries
from accsm_kg.cli import main
from accsm_kg.release import ONTOLOGY_GRAPH_BASE


class _Page(HTMLParser):
    """Collects element ids, and the text inside elements marked lang="km" and by id."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.khmer: list[str] = []
        self.charset: str | None = None
        self.text_by_id: dict[str, list[str]] = {}
        self._stack: list[tuple[str, str | None, bool]] = []  # tag, id, is khmer

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("charset"):
            self.charset = attributes["charset"]
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag in ("meta", "br", "img", "input", "link"):
            return
        khmer = attributes.get("lang") == "km" or any(k for _, _, k in self._stack)
        self._stack.append((tag, attributes.get("id"), khmer))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][2]:
            self.khmer.append(data)
        for _, element_id, _ in self._stack:
            if element_id:
                self.text_by_id.setdefault(element_id, []).append(data)


@pytest.fixture(scope="module")
def pages(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, _Page]:
    """The docs, built once and parsed."""
    folder = tmp_path_factory.mktemp("docs")
    parsed = {}
    for path in build_docs(kg, folder):
        page = _Page()
        page.feed(path.read_bytes().decode("utf-8"))  # fails if the bytes are not UTF-8
        parsed[path.name] = page
    return parsed


@pytest.fixture(scope="module")
def ontology(kg: KnowledgeGraph) -> Graph:
    """The ontology's own triples."""
    graph = Graph()
    for s, p, o, g in kg.store.quads():
        if str(g).startswith(ONTOLOGY_GRAPH_BASE):
            graph.add((s, p, o))
    return graph


def _anchor(kg: KnowledgeGraph, term: URIRef) -> str:
    """The section id: the term's prefixed name, with - for :."""
    namespaces = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in {**kg.prefixes, "vann": "http://purl.org/vocab/vann/"}.items():
        namespaces.bind(prefix, iri)
    return namespaces.curie(term, generate=False).replace(":", "-")


@pytest.mark.slow
def test_every_class_and_property_has_a_section(
    kg: KnowledgeGraph, pages: dict[str, _Page], ontology: Graph
) -> None:
    """Each owl:Class and OWL property of the ontology has a section of its own."""
    index = pages["index.html"]
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {t for k in kinds for t in ontology.subjects(RDF.type, k) if isinstance(t, URIRef)}
    assert len(terms) > 40
    missing = sorted(str(t) for t in terms if _anchor(kg, t) not in index.ids)
    assert missing == []


def test_khmer_labels_and_definitions_show_as_khmer_text(
    kg: KnowledgeGraph, pages: dict[str, _Page], ontology: Graph
) -> None:
    """Each term's section holds its English and Khmer labels; Khmer is marked lang="km"."""
    index = pages["index.html"]
    assert (index.charset or "").lower() == "utf-8"
    khmer_text = "".join(index.khmer)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if not isinstance(term, URIRef):
                continue
            section = "".join(index.text_by_id[_anchor(kg, term)])
            for predicate in (RDFS.label, SKOS.definition):
                for value in ontology.objects(term, predicate):
                    assert isinstance(value, Literal)
                    assert str(value) in section, (term, value)
                    if value.language == "km":
                        assert str(value) in khmer_text, (term, value)
    assert "កិច្ចប្រជុំ" in khmer_text  # accsm:Meeting, as Khmer characters, not escapes


def test_vocabularies_show_their_concepts(kg: KnowledgeGraph, pages: dict[str, _Page]) -> None:
    """Each SKOS concept of the vocabularies is listed, with its Khmer label."""
    index = pages["index.html"]
    concept = kg.iri("concept:lok-chumteav")
    assert _anchor(kg, concept) in index.ids
    assert "លោកជំទាវ" in "".join(index.text_by_id[_anchor(kg, concept)])


def test_every_named_query_has_its_question_sparql_and_answer(
    kg: KnowledgeGraph, pages: dict[str, _Page]
) -> None:
    """queries.html shows each query's question, its SPARQL and its current answer."""
    page = pages["queries.html"]
    for query in named_queries().values():
        text = "".join(page.text_by_id[query.name])
        assert query.question in text
        assert query.sparql.strip() in text
        rows = kg.named_query(query.name)
        assert f"{len(rows)} row" in text, query.name
        for value in rows[0] if len(rows) else ():
            if isinstance(value, Literal):
                assert str(value) in text, (query.name, value)


@pytest.mark.slow
def test_docs_are_the_same_bytes_for_the_same_graph(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """Two builds of the docs are identical."""
    first = [p.read_bytes() for p in build_docs(kg, tmp_path / "a")]
    second = [p.read_bytes() for p in build_docs(kg, tmp_path / "b")]
    assert first == second


@pytest.mark.slow
def test_cli_docs(tmp_path: Path) -> None:
    """accsm-kg docs writes the pages and lists them."""
    result = CliRunner().invoke(
        main, ["docs", "-o", str(tmp_path / "site")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert str(tmp_path / "site" / "queries.html") in result.stdout
