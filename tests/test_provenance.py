"""Provenance per statement: every fact of the bundled data says who states it, and `why` tells.

The review of the data against its sources found statements attributed to sources that do not
make them, confidence kept as free text, and Khmer text spelled two ways; each finding has a test
here that fails if it comes back.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

import accsm_kg
from accsm_kg.cli import main

KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
ACCSM = "https://w3id.org/accsm-kg/ontology#"
GRAPHS = "https://w3id.org/accsm-kg/graph/"
ARTICLE = URIRef(KG + "src-mcs-2020-11-02-focal-points")
PROJECT = URIRef(KG + "accsm-kg-project")
CONFIDENCE = URIRef(ACCSM + "confidence")


@pytest.fixture(scope="module")
def kg() -> accsm_kg.KnowledgeGraph:
    return accsm_kg.load()


@pytest.fixture(scope="module")
def quads(kg: accsm_kg.KnowledgeGraph) -> list[tuple]:
    return list(kg.store.quads())


def _origin(kg: accsm_kg.KnowledgeGraph, graph: URIRef) -> tuple[set, set, set]:
    """The sources a graph is derived from, the agents it is attributed to, its confidence."""
    rows = kg.query(
        """SELECT ?source ?agent ?confidence WHERE {
             OPTIONAL { ?g prov:wasDerivedFrom ?source }
             OPTIONAL { ?g prov:wasAttributedTo ?agent }
             OPTIONAL { ?g accsm:confidence ?confidence } }""",
        {"g": graph},
    )
    return (
        {r.source for r in rows if r.source is not None},
        {r.agent for r in rows if r.agent is not None},
        {r.confidence for r in rows if r.confidence is not None},
    )


# -- every statement attributed -------------------------------------------------------------------


def test_every_bundled_statement_has_a_source_or_the_project(
    kg: accsm_kg.KnowledgeGraph, quads: list[tuple]
) -> None:
    """Walk all bundled quads: each graph names a source document, or is the project's."""
    graphs = {g for *_, g in quads}
    assert len(quads) > 2000
    documents = {r.s for r in kg.query("SELECT ?s WHERE { ?s a accsm:SourceDocument }")}
    for graph in sorted(graphs):
        derived, attributed, confidence = _origin(kg, graph)
        assert derived or attributed, f"{graph} says nowhere where its statements come from"
        assert derived <= documents, f"{graph} is derived from {derived - documents}"
        assert attributed <= {PROJECT}, f"{graph} is attributed to {attributed}"
        if not attributed:  # a source's own statements always carry a confidence
            assert len(confidence) == 1, f"{graph}: confidence {confidence}"


@pytest.mark.slow
def test_why_answers_for_every_bundled_statement(
    kg: accsm_kg.KnowledgeGraph, quads: list[tuple]
) -> None:
    """`why` gives at least one source or the project for every triple (blank nodes aside)."""
    asked = 0
    for s, p, o, _ in quads:
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue
        rows = kg.why(s, p, o)
        assert rows, f"no answer for {s} {p} {o}"
        assert all(r.source is not None or r.attributed_to is not None for r in rows), (s, p, o)
        asked += 1
    assert asked > 2000


def test_no_statement_is_in_two_graphs(quads: list[tuple]) -> None:
    """A statement stated by two sources is in one graph derived from both, never in two graphs.

    So that the union of the graphs, which queries read, counts it once (Oxigraph's union
    default graph would give it once per graph).
    """
    where: dict[tuple, set] = defaultdict(set)
    for s, p, o, g in quads:
        where[(s, p, o)].add(g)
    twice = {t: gs for t, gs in where.items() if len(gs) > 1}
    assert not twice, f"{len(twice)} statements in several graphs, e.g. {next(iter(twice.items()))}"


@pytest.mark.slow
def test_a_query_counts_a_statement_of_two_sources_once(kg: accsm_kg.KnowledgeGraph) -> None:
    """The 21st chairmanship's ordinal, stated by two pages, is one row on both stores."""
    query = "SELECT ?o WHERE { kg:chairmanship-accsm-21 accsm:ordinal ?o }"
    assert len(kg.query(query)) == 1
    assert len(accsm_kg.load(store="rdflib").query(query)) == 1
    rows = kg.why("kg:chairmanship-accsm-21", "accsm:ordinal", '"21"^^xsd:integer')
    assert len({r.graph for r in rows}) == 1  # one graph, derived from both pages
    assert {r.source for r in rows} == {
        URIRef(KG + "src-vnanet-21st-accsm"),
        URIRef(KG + "src-vietnamplus-civil-service-heads-2020"),
    }
    assert kg.why("kg:chairmanship-accsm-21", "accsm:ordinal", 21) == rows
    assert kg.why("kg:chairmanship-accsm-21", "accsm:ordinal", "21") == rows  # as Turtle reads it


def test_an_unattributed_graph_of_the_project_is_a_violation(tmp_path: Path) -> None:
    """A graph under the project's graph IRIs with no provenance fails validation, by name."""
    path = tmp_path / "stray.trig"
    path.write_text(
        "<https://w3id.org/accsm-kg/graph/source/nowhere> {\n"
        "  <https://w3id.org/accsm-kg/id/cambodia>\n"
        '    <http://www.w3.org/2004/02/skos/core#note> "x" .\n'
        "}\n",
        encoding="utf-8",
    )
    report = accsm_kg.load(path).validate()
    [found] = [v for v in report.violations if v.focus_node == URIRef(GRAPHS + "source/nowhere")]
    assert "holds 1 statement (about" in found.message
    assert "says nowhere where they come from" in found.message


# -- why, and facts from a source -----------------------------------------------------------------


def test_why_names_the_source_with_title_publisher_date_url_and_confidence(
    kg: accsm_kg.KnowledgeGraph,
) -> None:
    [row] = kg.why("kg:chhy-vichara", "accsm:honorific", "concept:lok-chumteav")
    assert row.source == ARTICLE
    assert str(row.confidence) == "Stated"
    assert str(row.publisher) == "Ministry of Civil Service"
    assert str(row.date) == "2021"
    assert row.attributed_to is None
    [row] = kg.why(
        "kg:chairmanship-accsm-23",
        "accsm:theme",
        '"Innovation in Providing Better Public Services"@en',
    )
    assert (str(row.confidence), str(row.source)) == (
        "Single source",
        KG + "src-thaitimes-23rd-accsm",
    )
    assert str(row.url).startswith("https://thaitimes.com/")
    assert not kg.why("kg:chhy-vichara", "accsm:honorific", "kg:cambodia")


def test_cli_why_prints_the_sources_and_exits_1_when_not_stated() -> None:
    runner = CliRunner()
    done = runner.invoke(
        main, ["why", "kg:chairmanship-accsm-20", "accsm:startYear", '"2019"^^xsd:gYear']
    )
    assert done.exit_code == 0, done.output
    assert "stated by kg:src-qdnd-thailand-chairmanship" in done.output
    assert "mcs-2020-11-02" not in done.output  # the article gives no years
    missing = runner.invoke(
        main, ["why", "kg:chairmanship-accsm-20", "accsm:startYear", '"2018"^^xsd:gYear']
    )
    assert missing.exit_code == 1
    assert "no such statement" in missing.output
    as_json = runner.invoke(
        main, ["why", "kg:cambodia", "rdfs:label", '"Cambodia"@en', "-f", "json"]
    )
    assert '"source"' in as_json.output


def test_facts_from_source_lists_only_what_the_source_states(kg: accsm_kg.KnowledgeGraph) -> None:
    """The overview page and the Luang Prabang declaration do not mention the 2020 meetings."""
    meetings = {
        URIRef(KG + "accsm-focal-points-meeting-2020"),
        URIRef(KG + "accsm-plus-three-focal-points-meeting-2020"),
    }
    for page in ("src-asean-accsm-overview", "src-aseanplusthree-luang-prabang-declaration"):
        rows = kg.named_query("facts-from-source", source="kg:" + page)
        assert rows
        assert not meetings & {r.subject for r in rows}, page
    article = kg.named_query("facts-from-source", source=ARTICLE)
    participants = {r.object for r in article if r.predicate == URIRef(ACCSM + "participant")}
    # the article names Cambodia and the ASEAN Secretariat; which countries "the ASEAN Member
    # States and the ASEAN Plus Three countries" are is the project's inference
    assert participants == {URIRef(KG + "cambodia"), URIRef(KG + "asean-secretariat")}
    china = kg.why("kg:accsm-plus-three-focal-points-meeting-2020", "accsm:participant", "kg:china")
    assert {str(r.confidence) for r in china} == {"Inferred"}
    assert {str(r.attributed_to) for r in china} == {"The accsm-kg project"}
    assert {r.source for r in china} >= {
        ARTICLE,
        URIRef(KG + "src-aseanplusthree-luang-prabang-declaration"),
    }


def test_the_20th_chairmanship_years_are_not_the_article_s(kg: accsm_kg.KnowledgeGraph) -> None:
    for query, bindings in (
        ("chair-on-date", {"framework": "kg:accsm", "date": "2020-11-18"}),
        ("meeting-chairmanship", {"meeting": "kg:accsm-hcs-2020"}),
    ):
        rows = [r for r in kg.named_query(query, **bindings) if int(r.ordinal) == 20]
        assert rows, query
        assert ARTICLE not in {r.source for r in rows}, query
    chair = kg.why("kg:chairmanship-accsm-20", "accsm:chair", "kg:ocsc-thailand")
    assert ARTICLE in {r.source for r in chair}  # the article does name the chair


# -- what the sources do not state ---------------------------------------------------------------


def test_work_plans_of_the_initiatives_are_as_the_article_says(kg: accsm_kg.KnowledgeGraph) -> None:
    rows = kg.query("SELECT ?i ?plan ?g WHERE { GRAPH ?g { ?i accsm:proposedFor ?plan } }")
    found = {
        (
            str(r.i).removeprefix(KG + "initiative-"),
            str(r.plan).removeprefix(KG),
            str(r.g).removeprefix(GRAPHS),
        )
        for r in rows
    }
    assert found == {
        (
            "asean-guideline-on-public-service-delivery",
            "accsm-work-plan-2021-2025",
            "source/mcs-2020-11-02-focal-points",
        ),
        (
            "asean-plus-three-center-for-civil-service-research-and-innovation",
            "accsm-plus-three-work-plan-2021-2025",
            "inference/initiative-work-plans",
        ),
        (
            "asean-plus-three-forum-on-public-service-delivery",
            "accsm-plus-three-work-plan-2021-2025",
            "inference/initiative-work-plans",
        ),
    }


@pytest.mark.parametrize("predicate", ["accsm:succeeds", "accsm:sentBy"])
def test_inferences_are_the_project_s(kg: accsm_kg.KnowledgeGraph, predicate: str) -> None:
    rows = kg.query(f"SELECT ?s ?o ?g WHERE {{ GRAPH ?g {{ ?s {predicate} ?o }} }}")
    assert rows
    for row in rows:
        derived, attributed, confidence = _origin(kg, row.g)
        assert attributed == {PROJECT}
        assert confidence == {URIRef(CONCEPT + "confidence-inferred")}
        assert derived, row.g


def test_the_article_s_four_agenda_items(kg: accsm_kg.KnowledgeGraph) -> None:
    for meeting in (
        "kg:accsm-focal-points-meeting-2020",
        "kg:accsm-plus-three-focal-points-meeting-2020",
    ):
        rows = kg.named_query("meeting-agenda", meeting=meeting)
        items = {(int(r.ordinal), r.item) for r in rows}
        assert sorted(ordinal for ordinal, _ in items) == [1, 2, 3, 4], meeting


def test_confidence_is_data_not_free_text(kg: accsm_kg.KnowledgeGraph) -> None:
    notes = kg.query(
        "SELECT ?s ?note WHERE { ?s skos:note ?note "
        "FILTER(CONTAINS(LCASE(STR(?note)), 'confidence')) }"
    )
    assert not notes, [str(r.note) for r in notes]
    levels = kg.query("SELECT DISTINCT ?c WHERE { ?g accsm:confidence ?c }")
    assert {str(r.c).removeprefix(CONCEPT + "confidence-") for r in levels} == {
        "stated",
        "single-source",
        "inferred",
        "disputed",
    }
    twelfth = kg.why("kg:chairmanship-accsm-12", "accsm:chair", "kg:brunei-darussalam")
    assert {str(r.confidence) for r in twelfth} == {"Single source"}


# -- chairs and posts on a date -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2016-06-01", {(18, "disputed")}),  # the sources disagree on its years, not on this date
        ("2017-06-01", {(18, "disputed, some sources"), (19, "stated")}),
        ("2020-11-18", {(20, "stated")}),
        ("2022-06-01", {(21, "handover year"), (22, "handover year")}),
        ("2035-01-01", set()),  # the sources are silent
    ],
)
def test_chair_on_date_says_when_sources_disagree_or_are_silent(
    kg: accsm_kg.KnowledgeGraph, date: str, expected: set
) -> None:
    rows = kg.named_query("chair-on-date", framework="kg:accsm", date=date)
    assert {(int(r.ordinal), str(r.status)) for r in rows} == expected


# -- Khmer ----------------------------------------------------------------------------------------


def _khmer(kg: accsm_kg.KnowledgeGraph) -> list[tuple]:
    return [
        (s, p, o)
        for s, p, o, _ in kg.store.quads()
        if isinstance(o, Literal) and o.language == "km"
    ]


def test_khmer_is_spelled_one_way(kg: accsm_kg.KnowledgeGraph) -> None:
    """Subscripts in the standard order, no typing error, Khmer punctuation, NFC."""
    for s, p, o in _khmer(kg):
        text = str(o)
        assert "\u17d2\u179a\u17d2" not in text, (s, p, text)
        assert "ការរៀចំ" not in text, (s, p, text)
        assert not re.search("[\u1780-\u17ff]:", text), (s, p, text)
        assert unicodedata.is_normalized("NFC", text), (s, p, text)
        assert "\u200b" not in text, (s, p, text)


def test_one_khmer_label_names_one_thing(kg: accsm_kg.KnowledgeGraph) -> None:
    """A chairmanship is "ភាពជាប្រធាន", its chair "ប្រធាន"; levels are not roles."""
    named: dict[Literal, set] = defaultdict(set)
    for s, p, o in _khmer(kg):
        if p in (RDFS.label, SKOS.prefLabel):
            named[o].add(s)
    shared = {label: things for label, things in named.items() if len(things) > 1}
    assert not shared, shared
    chairmanships = kg.query(
        "SELECT ?c ?km WHERE { ?c a accsm:Chairmanship ; rdfs:label ?km FILTER(LANG(?km) = 'km') }"
    )
    assert chairmanships
    assert all(str(r.km).startswith("ភាពជាប្រធាន") for r in chairmanships)
    [initiative] = kg.query(
        "SELECT ?km WHERE { accsm:Initiative rdfs:label ?km FILTER(LANG(?km) = 'km') }"
    )
    assert str(initiative.km) == "គម្រោង"  # the article's word for Cambodia's five projects


def test_subject_matter_has_khmer_labels(kg: accsm_kg.KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?x WHERE {
             VALUES ?class { accsm:Meeting accsm:GovernmentAgency foaf:Person accsm:PolicyDocument
                             accsm:ResourceCentre accsm:Initiative accsm:Country accsm:WorkPlan }
             ?x a ?class .
             FILTER NOT EXISTS { ?x rdfs:label ?km FILTER(LANG(?km) = "km") } }"""
    )
    assert not rows, [str(r.x) for r in rows]


def test_translations_are_the_project_s(kg: accsm_kg.KnowledgeGraph) -> None:
    """A Khmer name no source gives is in the project's graph of translations."""
    rows = kg.why("kg:arc-cambodia", "rdfs:label", '"មជ្ឈមណ្ឌលធនធានអាស៊ាននៃកម្ពុជា"@km')
    assert {r.graph for r in rows} == {URIRef(GRAPHS + "project/translations")}
    assert {str(r.attributed_to) for r in rows} == {"The accsm-kg project"}


def test_no_stray_character_in_a_source_address(kg: accsm_kg.KnowledgeGraph) -> None:
    rows = kg.query(
        "SELECT ?s ?url WHERE { ?s schema:url ?url FILTER(CONTAINS(STR(?url), '%EF%BF%BC')) }"
    )
    assert not rows


def test_the_project_s_inferences_stay_with_the_data_in_a_release(
    quads: list[tuple],
) -> None:
    """Graphs under …/graph/inferred are a reasoner's, kept apart by a release; ours are not."""
    from accsm_kg.release import INFERRED_GRAPH_BASE

    graphs = {str(g) for *_, g in quads}
    assert not {g for g in graphs if g.startswith(INFERRED_GRAPH_BASE)}
    assert any(g.startswith(GRAPHS + "inference/") for g in graphs)
