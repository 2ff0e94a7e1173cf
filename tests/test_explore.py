"""Exploring the graph: describe, search, classes, properties, and the domain data frames."""

from __future__ import annotations

import datetime as dt
import doctest
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal, URIRef

import accsm_kg
from accsm_kg import AccsmKgError, KnowledgeGraph
from accsm_kg.errors import AmbiguousNodeError, BindingError, OptionError, UnknownNodeError
from accsm_kg.explore import QueryFrame, resolve
from accsm_kg.khmer import normalise

DOCS = Path(__file__).parent.parent / "docs"
KG = "https://w3id.org/accsm-kg/id/"
CHHY = URIRef(KG + "chhy-vichara")
PREFIXES = (
    "@prefix kg: <https://w3id.org/accsm-kg/id/> .\n"
    "@prefix accsm: <https://w3id.org/accsm-kg/ontology#> .\n"
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def load_with(folder: Path, turtle: str, *, bundled: bool = True) -> KnowledgeGraph:
    """Load Turtle (the usual prefixes declared) on top of the bundled data, or alone."""
    path = folder / "extra.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return accsm_kg.load(path, include_bundled=bundled)


# -- describe --------------------------------------------------------------------------------


def test_describe_gives_both_directions(kg: KnowledgeGraph) -> None:
    """A person is the subject of their name and the object of a delegation's head."""
    rows = kg.describe("kg:chhy-vichara")
    out = {(str(r.property), str(r.value)) for r in rows if str(r.direction) == "out"}
    into = {(str(r.property), str(r.value)) for r in rows if str(r.direction) == "in"}
    assert (str(kg.iri("accsm:honorific")), str(kg.iri("concept:lok-chumteav"))) in out
    assert (
        str(kg.iri("accsm:headOfDelegation")),
        str(kg.iri("kg:cambodia-delegation-focal-points-2020")),
    ) in into
    assert rows.variables[:5] == ("direction", "property", "property_label", "value", "value_label")


def test_describe_gives_the_source_of_a_seed_fact(kg: KnowledgeGraph) -> None:
    """The honorific of Chhy Vichara is stated by the seed article, with confidence stated."""
    rows = kg.describe(CHHY)
    (row,) = [r for r in rows if r.property == kg.iri("accsm:honorific")]
    assert str(row.sources) == "kg:src-mcs-2020-11-02-focal-points"
    assert row.graph == URIRef("https://w3id.org/accsm-kg/graph/source/mcs-2020-11-02-focal-points")
    assert str(row.confidence) == "Stated"
    why = kg.why("kg:chhy-vichara", "accsm:honorific", "concept:lok-chumteav")
    assert [str(r.source) for r in why] == [KG + "src-mcs-2020-11-02-focal-points"]


def test_describe_labels_in_english_and_khmer(kg: KnowledgeGraph) -> None:
    """Labels follow ``lang``, and fall back to English, then to the prefixed name."""
    english = {r.property: r for r in kg.describe("kg:chhy-vichara", "en")}
    khmer = {r.property: r for r in kg.describe("kg:chhy-vichara", "km")}
    honorific = kg.iri("accsm:honorific")
    assert str(english[honorific].value_label) == "Lok Chumteav"
    assert english[honorific].property_label == Literal("honorific", lang="en")
    assert khmer[honorific].value_label.language == "km"  # type: ignore[union-attr]
    assert str(khmer[honorific].value_label) != "Lok Chumteav"
    holds = kg.iri("org:holds")
    assert str(english[holds].property_label) == "holds"
    assert str(khmer[holds].property_label) == "កាន់តំណែង"


@pytest.mark.slow
def test_describe_leaves_out_inferences_unless_asked(tmp_path: Path) -> None:
    """Statements of the reasoner's graph are in describe only with inferred=True."""
    import accsm_kg

    with accsm_kg.load() as kg:
        kg.reason()
        asserted = kg.describe("kg:accsm-work-plan-2016-2020")
        inferred = kg.describe("kg:accsm-work-plan-2016-2020", inferred=True)
    succeeded = URIRef("https://w3id.org/accsm-kg/ontology#succeededBy")
    assert not [r for r in asserted if r.property == succeeded]
    assert [r for r in inferred if r.property == succeeded]


@pytest.mark.parametrize("node", ["kg:cambodai", "https://w3id.org/accsm-kg/id/cambodai"])
def test_describe_unknown_node_suggests_near_matches(kg: KnowledgeGraph, node: str) -> None:
    """A node that occurs nowhere raises UnknownNodeError, naming Cambodia as a near match."""
    with pytest.raises(UnknownNodeError) as caught:
        kg.describe(node)
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, AccsmKgError)
    assert "kg:cambodai occurs nowhere" in str(caught.value)
    assert "kg:cambodia (Cambodia)" in caught.value.near


def test_describe_by_label_and_bad_arguments(kg: KnowledgeGraph) -> None:
    """A label names its node; an unknown label, a bad language or a number is refused."""
    assert resolve(kg, "Chhy Vichara") == CHHY
    assert resolve(kg, "ឈី វិជ្ជរ៉ា") == CHHY
    with pytest.raises(UnknownNodeError, match=r"'Cambodai' occurs nowhere.*kg:cambodia"):
        kg.describe("Cambodai")
    with pytest.raises(OptionError, match="language tag"):
        kg.describe("kg:cambodia", "english language")
    with pytest.raises(BindingError, match="not int"):
        kg.describe(42)  # type: ignore[arg-type]


def test_a_label_of_several_nodes_is_ambiguous() -> None:
    """A label shared by several nodes raises AmbiguousNodeError listing them."""
    import accsm_kg

    with accsm_kg.load(include_bundled=False) as small:
        small.update(
            "INSERT DATA { GRAPH <urn:x:g> { kg:a rdfs:label 'Focal point'@en . "
            "kg:b skos:prefLabel 'focal  POINT'@en . kg:c rdfs:label 'Focal points'@en } }"
        )
        with pytest.raises(AmbiguousNodeError, match="2 nodes: kg:a, kg:b; give the one meant"):
            resolve(small, "Focal Point")
        assert resolve(small, "focal points") == URIRef(KG + "c")


# -- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Chhy Vichara", "chhy vichara", "  CHHY   VICHARA ", "chhy-vichara", "ChhyVichara"],
)
def test_search_english_ignores_case_and_spacing(kg: KnowledgeGraph, text: str) -> None:
    """Case, spacing and punctuation do not change the first, exact match."""
    first = kg.search(text)[0]
    assert (first.node, str(first.match), str(first.score)) == (CHHY, "exact", "1.0")


@pytest.mark.parametrize(
    "text",
    ["ឈី វិជ្ជរ៉ា", "ឈី\u200bវិជ្ជរ៉ា", "ឈីវិជ្ជរ៉ា", "\u200dឈី  វិជ្ជរ៉ា\u200c"],
)
def test_search_khmer_ignores_spacing_and_zero_width(kg: KnowledgeGraph, text: str) -> None:
    """Zero-width spaces and joiners, and spaces, do not change the first match."""
    first = kg.search(text, lang="km")[0]
    assert (first.node, str(first.match), first.label.language) == (CHHY, "exact", "km")  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["មន្ត្រីបង្គោល", "មន្រ្តីបង្គោល", "មន្ដ្រីបង្គោល", "មន្រ្ដីបង្គោល"])
def test_search_khmer_subscript_variants(kg: KnowledgeGraph, text: str) -> None:
    """The order of two subscripts and ្ដ for ្ត find the same node first."""
    first = kg.search(text)[0]
    assert first.node == URIRef(KG + "role-focal-point")
    assert str(first.match) == "exact"


def test_normalise_puts_the_subscript_ro_last() -> None:
    """ស្រ្តី and ស្ត្រី are one spelling, with the subscript ro last."""
    assert normalise("ស្រ្តី") == normalise("ស្ត្រី") == "ស\u17d2\u178f\u17d2\u179a\u17b8"
    assert normalise("កត្ដិក") == "កត្តិក"


def test_search_ranks_exact_prefix_word_substring_fuzzy(kg: KnowledgeGraph) -> None:
    """Matches come exact, then prefix, word, substring and fuzzy; ties by label."""
    rows = kg.search("cambodia", limit=None)
    tiers = [str(r.match) for r in rows]
    order = ["exact", "prefix", "word", "substring", "fuzzy"]
    assert tiers == sorted(tiers, key=order.index)
    assert rows[0].node == URIRef(KG + "cambodia")
    assert {"exact", "prefix", "word"} <= set(tiers)
    prefixes = [str(r.label).casefold() for r in rows if str(r.match) == "prefix"]
    assert prefixes == sorted(prefixes, key=lambda label: label.replace("+", " "))
    fuzzy = kg.search("Cambodai")
    assert str(fuzzy[0].match) == "fuzzy"
    assert fuzzy[0].node == URIRef(KG + "cambodia")


def test_search_filters_by_language_and_limits(kg: KnowledgeGraph) -> None:
    """``lang`` keeps labels in that language; ``limit`` caps the rows."""
    khmer = kg.search("ACCSM", lang="km", limit=5)
    assert len(khmer) == 5
    assert {r.label.language for r in khmer} == {"km"}  # type: ignore[union-attr]
    assert not kg.search("Chhy Vichara", lang="km")
    with pytest.raises(OptionError, match="limit"):
        kg.search("ACCSM", limit=0)
    with pytest.raises(OptionError, match="nothing to search"):
        kg.search(" \u200b- ")


def test_search_kind_and_table(kg: KnowledgeGraph) -> None:
    """Each row names the node's class; the rows render as a table and a data frame."""
    rows = kg.search("Chhy Vichara", limit=1)
    assert rows[0].kind == kg.iri("foaf:Person")
    assert "kg:chhy-vichara" in rows.to_table()
    assert rows.to_dataframe()["score"].tolist() == [1.0]


# -- classes and properties ------------------------------------------------------------------


def test_classes_count_instances_as_sparql_does(kg: KnowledgeGraph) -> None:
    """Each class's count is the count of its instances, and it is labelled."""
    rows = {r[0]: r for r in kg.classes()}
    meeting = rows[kg.iri("accsm:Meeting")]
    direct = kg.query("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a accsm:Meeting }")
    assert int(meeting.instances) == int(direct[0].n) == 19  # type: ignore[call-overload]
    assert str(meeting.label) == "Meeting"
    khmer = {r[0]: r for r in kg.classes("km")}
    assert khmer[kg.iri("accsm:Meeting")].label.language == "km"  # type: ignore[union-attr]


def test_properties_count_statements_of_the_asserted_graph(kg: KnowledgeGraph) -> None:
    """Each property's count is the number of asserted triples using it."""
    union = kg.union(inferred=False)
    rows = kg.properties()
    assert len(rows) > 50
    for row in rows[:10]:
        assert int(row.statements) == len(set(union.triples((None, row.property, None))))  # type: ignore[call-overload]
    head = {r.property: r for r in rows}[kg.iri("accsm:headOfDelegation")]
    assert str(head.label) == "head of delegation"


# -- the domain ------------------------------------------------------------------------------


def test_meetings_filter_by_year_and_body(kg: KnowledgeGraph) -> None:
    """Year and body narrow the meetings, agreeing with the named query."""
    every = kg.meetings()
    of_2020 = kg.meetings(year=2020)
    plus_three = kg.meetings(body="kg:accsm-plus-three")
    both = kg.meetings(2020, "kg:accsm-plus-three")
    assert len(both) < len(of_2020) < len(every)
    assert set(both["meeting"]) == set(of_2020["meeting"]) & set(plus_three["meeting"])
    assert (pd.to_datetime(of_2020["start_date"]).dt.year == 2020).all()
    assert set(plus_three["framework"]) == {"kg:accsm-plus-three"}
    named = kg.named_query("meetings", year=2020, inferred=False)
    assert [kg._curie(r.meeting) for r in named] == of_2020["meeting"].tolist()
    by_label = kg.meetings(body="ASEAN Plus Three Cooperation on Civil Service Matters")
    assert by_label["meeting"].tolist() == plus_three["meeting"].tolist()
    with pytest.raises(BindingError, match="year"):
        kg.meetings(year="twenty")  # type: ignore[arg-type]


def test_delegations_are_labelled(kg: KnowledgeGraph) -> None:
    """A meeting's delegations show labels beside their IRIs, as the named query finds them."""
    frame = kg.delegations("kg:accsm-focal-points-meeting-2020")
    assert frame[["country", "country_name", "head_name"]].to_dict("records") == [
        {"country": "kg:cambodia", "country_name": "Cambodia", "head_name": "Chhy Vichara"}
    ]
    assert frame["size"].tolist() == [8]
    named = kg.named_query("delegations-to-meeting", meeting="kg:accsm-focal-points-meeting-2020")
    assert len(named) == len(frame)
    assert kg.delegations("kg:accsm-hcs-2014").empty


def test_chair_on_a_date(kg: KnowledgeGraph) -> None:
    """The chair on a date, as a date or ISO text, is the one the named query gives."""
    by_date = kg.chair_on(dt.date(2020, 11, 18), "kg:accsm")
    by_text = kg.chair_on("2020-11-18", "kg:accsm")
    pd.testing.assert_frame_equal(by_date, by_text)
    named = kg.named_query("chair-on-date", framework="kg:accsm", date="2020-11-18")
    assert {kg._curie(r.chairmanship) for r in named} == set(by_date["chairmanship"])
    assert set(by_date["chair_name"]) == {"Office of the Civil Service Commission"}
    assert len(kg.chair_on("2020-11-18")) >= len(by_date)
    with pytest.raises(BindingError, match="date"):
        kg.chair_on("18 November 2020")


def test_officials_of_an_agency(kg: KnowledgeGraph) -> None:
    """The officials of one agency are those of every agency held in it."""
    every = kg.officials()
    ministry = kg.officials("kg:mcs-cambodia")
    assert ministry["person_name"].tolist() == ["Chhy Vichara", "Hun Many"]
    assert set(ministry["agency"]) == {"kg:mcs-cambodia"}
    assert len(every[every["agency"] == "kg:mcs-cambodia"]) == len(ministry)
    assert len(every) > len(ministry)
    chairs = kg.officials("kg:accsm")
    assert "2022" in chairs["begin"].astype(str).tolist()


def test_initiatives_filter_by_work_plan_and_proposer(kg: KnowledgeGraph) -> None:
    """Work plan and proposer narrow the initiatives, as the named query does."""
    cambodia = kg.initiatives(proposed_by="kg:cambodia")
    plan = kg.initiatives("kg:accsm-work-plan-2021-2025")
    both = kg.initiatives("kg:accsm-work-plan-2021-2025", "kg:cambodia")
    assert set(both["initiative"]) == set(cambodia["initiative"]) & set(plan["initiative"])
    assert 0 < len(both) < len(cambodia)
    assert set(cambodia["country_name"]) == {"Cambodia"}
    named = kg.named_query("initiatives-proposed", country="kg:cambodia")
    assert [kg._curie(r.initiative) for r in named] == cambodia["initiative"].tolist()


def test_domain_functions_refuse_unknown_nodes(kg: KnowledgeGraph) -> None:
    """A misspelt node raises UnknownNodeError rather than giving an empty frame."""
    with pytest.raises(UnknownNodeError, match=r"did you mean kg:mcs-cambodia \(Ministry"):
        kg.officials("kg:mcs-cambodja")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda kg: kg.chair_on("2 November 2020"),
            "date is a datetime.date or an ISO date, year first, such as 2020-11-02 (ASCII or "
            "Khmer digits: ២០២០-១១-០២), not '2 November 2020'",
        ),
        (lambda kg: kg.chair_on("2020-02-30"), "date: '2020-02-30' is no day of the calendar"),
        (
            lambda kg: kg.chair_on(dt.datetime(2020, 11, 2, 9, 30)),
            "date is a day, not a moment of one: datetime.datetime(2020, 11, 2, 9, 30)",
        ),
        (
            lambda kg: kg.meetings(year="twenty"),
            "year is a whole number such as 2020 (or its digits as text, ASCII or Khmer: '2020', "
            "'២០២០'), not 'twenty'",
        ),
        (lambda kg: kg.meetings(year=True), "year is a whole number such as 2020"),
        (lambda kg: kg.meetings(year=2020.5), "year is a whole number such as 2020"),
    ],
)
def test_a_value_of_another_kind_says_what_is_wanted(kg: KnowledgeGraph, call, message) -> None:
    """Bad years and dates raise BindingError in the project's words, with no Python error text."""
    with pytest.raises(BindingError) as caught:
        call(kg)
    assert str(caught.value).startswith(message)
    assert "isoformat" not in str(caught.value)
    assert "int()" not in str(caught.value)


def test_khmer_digits_give_dates_and_years(kg: KnowledgeGraph) -> None:
    """២០២០-១១-១៨ is 18 November 2020 and ២០២០ is 2020, as elsewhere in the project."""
    pd.testing.assert_frame_equal(kg.chair_on("២០២០-១១-១៨"), kg.chair_on("2020-11-18"))
    pd.testing.assert_frame_equal(kg.meetings(year="២០២០"), kg.meetings(year=2020))
    pd.testing.assert_frame_equal(kg.meetings(year=2020.0), kg.meetings(year=2020))
    assert not kg.meetings(year="២០២០").empty


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda kg: kg.delegations("Cambodia"), "kg:cambodia is a country, not a meeting"),
        (
            lambda kg: kg.chair_on("2020-11-18", "kg:cambodia"),
            "kg:cambodia is a country, not a cooperation framework",
        ),
        (
            lambda kg: kg.initiatives("kg:accsm"),
            "kg:accsm is a cooperation framework, not a work plan",
        ),
        (
            lambda kg: kg.officials("kg:chhy-vichara"),
            "kg:chhy-vichara is a person, not an agency or other organisation",
        ),
        (
            lambda kg: kg.officials("Cambodia"),
            "kg:cambodia is a country, not an agency or other organisation; the agencies of "
            "Cambodia are kg:mcs-cambodia (Ministry of Civil Service), kg:rsa-cambodia",
        ),
    ],
)
def test_a_node_of_another_class_is_refused(kg: KnowledgeGraph, call, message) -> None:
    """A node of the wrong class raises BindingError naming its class, not an empty frame."""
    with pytest.raises(BindingError) as caught:
        call(kg)
    assert str(caught.value).startswith(message)


def test_a_node_of_a_subclass_or_of_no_class_is_taken(tmp_path: Path) -> None:
    """An organisation of any kind has officials; a node the graph gives no class is let by."""
    kg = load_with(
        tmp_path,
        "kg:x org:postIn kg:plain-body . kg:y org:holds kg:x .\n"
        "kg:typed-body a accsm:GovernmentAgency .",
    )
    assert kg.officials("kg:plain-body")["person"].tolist() == ["kg:y"]
    assert kg.officials("kg:typed-body").empty


def test_a_language_no_label_is_in_is_refused(kg: KnowledgeGraph) -> None:
    """search, describe, classes and properties name the languages there are, not fall silent."""
    for call in (
        lambda: kg.search("Cambodia", lang="fr"),
        lambda: kg.describe("kg:cambodia", lang="fr"),
        lambda: kg.classes("fr"),
        lambda: kg.properties("fr"),
    ):
        with pytest.raises(
            OptionError, match="no label in the graph is in 'fr': its labels are in en, "
        ) as caught:
            call()
        assert ", km, " in str(caught.value)
    assert kg.search("កម្ពុជា", lang="km")[0].node == URIRef(KG + "cambodia")
    assert kg.search("Cambodia", lang="EN")[0].node == URIRef(KG + "cambodia")


def test_english_is_always_a_language_to_describe_in(tmp_path: Path) -> None:
    """describe falls back to English, so lang='en' is taken in a graph with Khmer labels only."""
    kg = load_with(tmp_path, 'kg:x rdfs:label "ក"@km .', bundled=False)
    assert str(kg.describe("kg:x")[0].value) == "ក"
    with pytest.raises(OptionError, match="its labels are in km"):
        kg.search("ក", lang="en")
    empty = load_with(tmp_path, "kg:x kg:p kg:y .", bundled=False)
    with pytest.raises(OptionError, match="'km': it has no labels"):
        empty.describe("kg:x", lang="km")


# -- QueryFrame ------------------------------------------------------------------------------


def test_query_frame_keeps_its_sparql_when_sliced(kg: KnowledgeGraph) -> None:
    """Slices, column selections and copies keep ``sparql`` and ``bindings``."""
    frame = kg.meetings(2020)
    assert isinstance(frame, QueryFrame)
    assert frame.sparql.startswith("# Which meetings were held")
    assert frame.bindings == {"year": '"2020"^^xsd:integer'}
    for part in (frame[:2], frame[["meeting", "name"]], frame.head(1), frame.copy()):
        assert isinstance(part, QueryFrame)
        assert part.sparql == frame.sparql
        assert part.bindings == frame.bindings


def test_query_frame_html_shows_the_sparql_escaped(kg: KnowledgeGraph) -> None:
    """The notebook view is the table, then the SPARQL, escaped, in <details>."""
    frame = kg.officials("kg:mcs-cambodia")
    shown = frame._repr_html_()
    assert shown is not None
    table, _, details = shown.partition("<details>")
    assert "Chhy Vichara" in table
    assert "<summary>SPARQL</summary>" in details
    assert "FILTER(langMatches(lang(?agency_name), &quot;en&quot;))" in details
    assert '"en"' not in details
    assert "<code>?agency</code> = <code>kg:mcs-cambodia</code>" in details


def test_query_frame_html_marks_khmer_and_cuts_long_frames(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Khmer text gets lang="km" as in every table of the library, and a long frame is cut."""
    import accsm_kg.display

    frame = QueryFrame({"name": ["ឈី វិជ្ជរ៉ា", "Chhy Vichara", None]})
    frame.sparql, frame.bindings = "SELECT * {}", {}
    shown = frame._repr_html_() or ""
    assert '<td lang="km">ឈី វិជ្ជរ៉ា</td>' in shown
    assert "<td>Chhy Vichara</td>" in shown
    assert "<td></td>" in shown
    monkeypatch.setattr(accsm_kg.display, "MAX_ROWS", 2)
    assert "showing the first 2 of 3 rows" in (frame._repr_html_() or "")


# -- docs ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_explore_page_examples_run() -> None:
    """The examples of docs/explore.md give the output shown."""
    failures, tried = doctest.testfile(
        str(DOCS / "explore.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS,
    )
    assert tried > 10
    assert failures == 0


def test_describe_labels_the_terms_of_other_vocabularies(kg: KnowledgeGraph) -> None:
    """Properties of other vocabularies read in Khmer where the project translated them, and
    otherwise by the label their own vocabulary gives them, never as a bare prefixed name."""
    rows = kg.describe("kg:chhy-vichara", lang="km")
    labels = {str(row.property): str(row.property_label) for row in rows}
    assert labels["http://www.w3.org/ns/org#holds"] == "កាន់តំណែង"
    assert labels["http://xmlns.com/foaf/0.1/name"] == "ឈ្មោះ"
    assert labels["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"] == "type"
    assert all(":" not in label for label in labels.values())
