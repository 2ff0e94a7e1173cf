"""Named competency queries: each documented, each answering from the seed source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg import KnowledgeGraph, named_queries

KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
FOCAL = URIRef(KG + "accsm-focal-points-meeting-2020")
FOCAL_PLUS_THREE = URIRef(KG + "accsm-plus-three-focal-points-meeting-2020")
INITIATIVES = [
    "ASEAN Guideline on Public Service Delivery",
    "ASEAN+3 Center for Civil Service Research and Innovation",
    "Transformative Leadership",
    "Digitalization in Public Administration",
    "ASEAN+3 Forum on Public Service Delivery",
]


def test_at_least_ten_named_queries() -> None:
    """The package ships at least ten named queries."""
    assert len(named_queries()) >= 10


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_is_documented_and_runs(kg: KnowledgeGraph, name: str) -> None:
    """Each query states its question and parameters, uses them, and answers on the bundled data."""
    query = named_queries()[name]
    assert query.question.endswith("?"), query.path
    assert query.parameters, f"{query.path}: no parameters documented"
    for parameter in query.parameters:
        assert f"?{parameter.name}" in query.sparql, f"{query.path}: ?{parameter.name} unused"
        assert "e.g." in parameter.description, f"{query.path}: {parameter.name} has no example"
    rows = kg.named_query(name)
    assert len(rows) > 0, f"{name} returns nothing on the bundled data"


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_example_binding_answers(kg: KnowledgeGraph, name: str) -> None:
    """Binding every parameter to its documented example still gives an answer."""
    query = named_queries()[name]
    examples = {p.name: p.description.split("e.g. ")[1].split()[0] for p in query.parameters}
    assert len(kg.named_query(name, **examples)) > 0, examples


def test_delegation_head(kg: KnowledgeGraph) -> None:
    """Cambodia's delegation to both meetings was headed by Lok Chumteav Chhy Vichara."""
    rows = kg.named_query("delegation-heads", country="kg:cambodia")
    assert {r.meeting for r in rows} == {FOCAL, FOCAL_PLUS_THREE}
    for row in rows:
        assert (str(row.name_en), str(row.name_km)) == ("Chhy Vichara", "ឈី វិជ្ជរ៉ា")
        assert (str(row.honorific_en), str(row.honorific_km)) == ("Lok Chumteav", "លោកជំទាវ")
        assert str(row.post_km) == "អនុរដ្ឋលេខាធិការ នៃក្រសួងមុខងារសាធារណៈ"


def test_initiatives_proposed_by_cambodia(kg: KnowledgeGraph) -> None:
    """Cambodia proposed five initiatives for 2021-2025, named exactly as in the source.

    The article names the ACCSM Work Plan for the first only; the two ASEAN+3 projects are taken
    to be for the ACCSM+3 Work Plan; for the third and fourth no source says which plan.
    """
    rows = kg.named_query("initiatives-proposed", country="kg:cambodia")
    assert [str(r.name) for r in rows] == INITIATIVES
    assert [int(r.ordinal) for r in rows] == [1, 2, 3, 4, 5]
    plans = [str(r.work_plan).removeprefix(KG) if r.work_plan else None for r in rows]
    assert plans == [
        "accsm-work-plan-2021-2025",
        "accsm-plus-three-work-plan-2021-2025",
        None,
        None,
        "accsm-plus-three-work-plan-2021-2025",
    ]
    continued = [str(r.name) for r in rows if r.continued_in is not None]
    assert continued == ["ASEAN Guideline on Public Service Delivery"]
    accsm = kg.named_query(
        "initiatives-proposed", country="kg:cambodia", work_plan="kg:accsm-work-plan-2021-2025"
    )
    assert [str(r.name) for r in accsm] == INITIATIVES[:1]


def test_meetings_by_organiser(kg: KnowledgeGraph) -> None:
    """OCSC Thailand organised the two Focal Points Meetings and the HCS of November 2020."""
    rows = kg.named_query("meetings-by-organiser", organiser="kg:ocsc-thailand", year=2020)
    # data/reference/meetings.trig adds the online Heads of Civil Service Meeting of 18 November
    assert {r.meeting for r in rows} == {FOCAL, FOCAL_PLUS_THREE, URIRef(KG + "accsm-hcs-2020")}
    assert {r.start.toPython() for r in rows} == {dt.date(2020, 11, 2), dt.date(2020, 11, 18)}
    assert {str(r.mode) for r in rows} == {CONCEPT + "mode-online"}
    assert (
        len(kg.named_query("meetings-by-organiser", organiser="kg:ocsc-thailand", year=2019)) == 0
    )


def test_meeting_agenda(kg: KnowledgeGraph) -> None:
    """The agenda lists the source's four items in order, in English and Khmer."""
    rows = kg.named_query("meeting-agenda", meeting="kg:accsm-focal-points-meeting-2020")
    items = list(dict.fromkeys(r.item for r in rows))
    assert len(items) == 4
    assert [int(r.ordinal) for r in rows] == sorted(int(r.ordinal) for r in rows)
    concerns = {str(r.concerns) for r in rows}
    assert KG + "accsm-work-plan-2016-2020" in concerns
    assert KG + "study-civil-service-modernisation-asean" in concerns
    assert all(r.item_km is not None and r.item_km.language == "km" for r in rows)


def test_person_meetings(kg: KnowledgeGraph) -> None:
    """Chhy Vichara took part in both Focal Points Meetings as head of delegation."""
    rows = kg.named_query("person-meetings", person="kg:chhy-vichara")
    assert {r.meeting for r in rows} == {FOCAL, FOCAL_PLUS_THREE}
    assert {str(r.capacity) for r in rows} == {"head of delegation"}


def test_facts_from_source(kg: KnowledgeGraph) -> None:
    """Facts about the delegation come from the article, in the graph of its statements."""
    rows = kg.named_query("facts-from-source", source="kg:src-mcs-2020-11-02-focal-points")
    graphs = {str(r.graph) for r in rows}
    # and statements it makes with other sources (e.g. that OCSC chaired the 20th ACCSM)
    assert "https://w3id.org/accsm-kg/graph/source/mcs-2020-11-02-focal-points" in graphs
    assert any("/graph/sources/" in graph for graph in graphs)
    facts = {(str(r.subject), str(r.predicate), str(r.object)) for r in rows}
    delegation = KG + "cambodia-delegation-focal-points-2020"
    assert (delegation, "https://w3id.org/accsm-kg/ontology#delegationSize", "8") in facts


def test_meeting_participants(kg: KnowledgeGraph) -> None:
    """The ACCSM+3 meeting had the ten member states, the Plus Three and the Secretariat."""
    rows = kg.named_query(
        "meeting-participants", meeting="kg:accsm-plus-three-focal-points-meeting-2020"
    )
    participants = {str(r.participant).removeprefix(KG) for r in rows}
    assert len(participants) == 14
    assert {"china", "japan", "republic-of-korea", "asean-secretariat", "cambodia"} <= participants
    plain = kg.named_query("meeting-participants", meeting="kg:accsm-focal-points-meeting-2020")
    assert len({r.participant for r in plain}) == 11


def test_meetings_between(kg: KnowledgeGraph) -> None:
    """November 2020: two Focal Points Meetings, the two set for 17-18 November and their parts."""
    rows = kg.named_query("meetings-between", start="2020-11-01", end="2020-11-30")
    # 4 from the seed, and the SOM, SOM+3, HCS and HCS+3 that data/reference/meetings.trig adds
    assert len(rows) == 8
    later = [r for r in rows if r.start_date.toPython() == dt.date(2020, 11, 17) and r.status]
    assert {r.end_date.toPython() for r in later} == {dt.date(2020, 11, 18)}
    assert {str(r.status) for r in later} == {"https://schema.org/EventScheduled"}
    assert len(kg.named_query("meetings-between", start="2020-11-03", end="2020-11-16")) == 0


def test_chairmanships(kg: KnowledgeGraph) -> None:
    """OCSC Thailand chaired the 20th ACCSM, among the chairs the reference data add."""
    rows = kg.named_query("chairmanships", framework="kg:accsm")
    # data/reference/chairmanships.trig adds the 11th-13th and 17th-23rd (14th-16th unconfirmed)
    assert [int(r.ordinal) for r in rows] == [11, 12, 13, 17, 18, 19, 20, 21, 22, 23]
    twentieth = [r for r in rows if int(r.ordinal) == 20]
    assert [(str(r.chair_name), str(r.country)) for r in twentieth] == [
        ("Office of the Civil Service Commission", KG + "thailand")
    ]


def test_work_plans(kg: KnowledgeGraph) -> None:
    """ACCSM has work plans for 2016-2020 and 2021-2025; the article names one initiative for
    the latter (the two ASEAN+3 projects are for the ACCSM+3 plan)."""
    rows = kg.named_query("work-plans", framework="kg:accsm")
    # data/reference/work-plans.trig adds the Work Plan 2026-2030
    assert [(int(r.start_year), int(r.end_year), int(r.initiatives)) for r in rows] == [
        (2016, 2020, 0),
        (2021, 2025, 1),
        (2026, 2030, 0),
    ]


def test_delegations_to_meeting(kg: KnowledgeGraph) -> None:
    """Cambodia sent eight people from the Ministry of Civil Service."""
    rows = kg.named_query("delegations-to-meeting", meeting="kg:accsm-focal-points-meeting-2020")
    assert [(str(r.country), str(r.agency), int(r.size)) for r in rows] == [
        (KG + "cambodia", KG + "mcs-cambodia", 8)
    ]


def test_labels_in_two_languages(kg: KnowledgeGraph) -> None:
    """The Ministry of Civil Service is labelled in English and Khmer."""
    rows = kg.named_query("labels", entity="kg:mcs-cambodia")
    assert [(str(r.label_en), str(r.label_km)) for r in rows] == [
        ("Ministry of Civil Service", "ក្រសួងមុខងារសាធារណៈ")
    ]


def test_sources(kg: KnowledgeGraph) -> None:
    """The article is a source in Khmer published by the Ministry of Civil Service."""
    rows = kg.named_query("sources", source="kg:src-mcs-2020-11-02-focal-points")
    assert [(str(r.publisher), str(r.language)) for r in rows] == [(KG + "mcs-cambodia", "km")]
    assert int(rows[0].facts) > 20


def test_unknown_named_query_lists_names(kg: KnowledgeGraph) -> None:
    """An unknown name raises UnknownQueryError listing the known ones."""
    with pytest.raises(accsm_kg.UnknownQueryError, match="delegation-heads"):
        kg.named_query("delegation-head")


def test_bad_parameter_value(kg: KnowledgeGraph) -> None:
    """A value that is not of the parameter's kind is refused with its name."""
    with pytest.raises(accsm_kg.BindingError, match="year"):
        kg.named_query("meetings-by-organiser", year="twenty")
    with pytest.raises(accsm_kg.BindingError, match="start"):
        kg.named_query("meetings-between", start="2020-13-45")


def test_chairs_seventeenth_to_twenty_third_with_sources(kg: KnowledgeGraph) -> None:
    """Every chair of the 17th to the 23rd ACCSM is named, each with its sources."""
    rows = kg.named_query("chairs-with-sources", framework="kg:accsm")
    chairs = {int(r.ordinal): str(r.chair).removeprefix(KG) for r in rows}
    assert {n: chairs[n] for n in range(17, 24)} == {
        17: "myanmar",
        18: "csc-philippines",
        19: "psd-singapore",
        20: "ocsc-thailand",
        21: "moha-viet-nam",
        22: "pmo-brunei",
        23: "mcs-cambodia",
    }
    assert not {14, 15, 16} & set(chairs)
    assert all(r.source is not None for r in rows)
    sources = {str(r.source).removeprefix(KG) for r in rows if int(r.ordinal) == 23}
    assert sources == {"src-thaitimes-23rd-accsm", "src-asean-hcs-22nd-2024"}


def test_country_agencies_with_roles(kg: KnowledgeGraph) -> None:
    """Malaysia's Public Service Department is ACCSM's focal point; Timor-Leste an observer."""
    rows = kg.named_query("country-agencies", framework="kg:accsm")
    roles = {(str(r.agency).removeprefix(KG), str(r.role_name)) for r in rows if r.role_name}
    assert roles == {
        ("jpa-malaysia", "Focal point"),
        ("psd-singapore", "Head of civil service"),
        ("cfp-timor-leste", "Observer"),
    }
    countries = {str(r.country).removeprefix(KG) for r in rows}
    assert "indonesia" not in countries  # unconfirmed
    assert "lao-pdr" not in countries  # unconfirmed
    assert len(countries) == 9


def test_meetings_of_november_2020_with_sources(kg: KnowledgeGraph) -> None:
    """The SOM of 17 and the HCS of 18 November 2020 are parts of the meeting the seed announces."""
    rows = kg.named_query("meetings-with-sources", start="2020-11-01", end="2020-11-30")
    assert len({r.meeting for r in rows}) == 8
    parts = {
        str(r.meeting).removeprefix(KG): str(r.part_of).removeprefix(KG) for r in rows if r.part_of
    }
    assert parts == {
        "accsm-som-2020": "accsm-som-hcs-2020",
        "accsm-plus-three-som-2020": "accsm-plus-three-meeting-2020",
        "accsm-hcs-2020": "accsm-som-hcs-2020",
        "accsm-plus-three-hcs-2020": "accsm-plus-three-meeting-2020",
    }
    hcs = {str(r.source).removeprefix(KG) for r in rows if str(r.meeting) == KG + "accsm-hcs-2020"}
    assert hcs == {"src-vietnamplus-civil-service-heads-2020", "src-asean-hcs-2020"}


def test_resource_centres_and_themes(kg: KnowledgeGraph) -> None:
    """Ten ARCs; six have the themes adopted in 2015, each cited."""
    rows = kg.named_query("resource-centres")
    assert len({r.centre for r in rows}) == 10
    themes = {str(r.country).removeprefix(KG): str(r.theme) for r in rows if r.theme}
    assert len(themes) == 6
    assert themes["cambodia"] == "Public Service Delivery"
    assert all(r.source is not None for r in rows)


def test_conflicts_keep_both_claims(kg: KnowledgeGraph) -> None:
    """The disputed years of the 18th chairmanship come with both sources."""
    rows = kg.named_query("conflicts", subject="kg:chairmanship-accsm-18")
    starts = {
        (int(r.value), str(r.source).removeprefix(KG))
        for r in rows
        if r.property.endswith("startYear")
    }
    assert starts == {
        (2015, "src-asean-hcs-retreat-2015"),
        (2016, "src-vietnamplus-post-2015-priorities"),
    }
    all_rows = kg.named_query("conflicts")
    assert {str(r.subject).removeprefix(KG) for r in all_rows} == {"acrcs", "chairmanship-accsm-18"}


def test_chair_on_date_and_at_meeting(kg: KnowledgeGraph) -> None:
    """Thailand chaired on 18 November 2020; in 2022, the year of a handover, both chairs show."""
    rows = kg.named_query("chair-on-date", framework="kg:accsm", date="2020-11-18")
    assert {int(r.ordinal) for r in rows} == {20}
    rows = kg.named_query("chair-on-date", framework="kg:accsm", date="2022-08-05")
    assert {int(r.ordinal) for r in rows} == {21, 22}
    rows = kg.named_query("meeting-chairmanship", meeting="kg:accsm-hcs-2020")
    assert {str(r.chair).removeprefix(KG) for r in rows} == {"ocsc-thailand"}
    rows = kg.named_query("meeting-chairmanship", meeting="kg:accsm-plus-three-som-2020")
    assert {int(r.ordinal) for r in rows} == {20}  # ACCSM+3 is chaired by the ACCSM chair


def test_work_plan_contents(kg: KnowledgeGraph) -> None:
    """The ACCSM Work Plan 2021-2025 has 39 projects in five priority areas; ACCSM+3 has 31."""
    rows = kg.named_query("work-plan-contents", work_plan="kg:accsm-work-plan-2021-2025")
    assert [str(r.notation) for r in rows] == ["a", "b", "c", "d", "e"]
    assert {int(r.projects) for r in rows} == {39}
    plus_three = kg.named_query(
        "work-plan-contents", work_plan="kg:accsm-plus-three-work-plan-2021-2025"
    )
    assert {int(r.projects) for r in plus_three} == {31}
    assert len(plus_three) == 7


def test_policy_documents(kg: KnowledgeGraph) -> None:
    """The Terms of Reference were adopted at the HCS of the 18th ACCSM, 17 November 2016."""
    rows = kg.named_query("policy-documents", framework="kg:accsm")
    tor = [r for r in rows if str(r.document) == KG + "accsm-terms-of-reference"]
    assert {(str(r.issued), str(r.adopted_at)) for r in tor} == {
        ("2016-11-17", KG + "accsm-hcs-2016")
    }
    assert len({r.document for r in rows}) == 6


def test_conflicts_include_a_stated_value(tmp_path: Path) -> None:
    """A value stated plainly beside claims that disagree with it is listed with its sources."""
    stated = tmp_path / "stated.ttl"
    stated.write_text(
        "@prefix accsm: <https://w3id.org/accsm-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/accsm-kg/id/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'kg:chairmanship-accsm-18 accsm:startYear "2017"^^xsd:gYear .\n',
        encoding="utf-8",
    )
    rows = accsm_kg.load(stated).named_query("conflicts", subject="kg:chairmanship-accsm-18")
    stated_rows = [r for r in rows if r.claim is None]
    assert {int(r.value) for r in stated_rows} == {2017}
    assert {r.source for r in stated_rows} == {None}  # the file names no source
    claimed = {str(r.source).removeprefix(KG) for r in rows if r.claim is not None}
    assert "src-asean-hcs-retreat-2015" in claimed


@pytest.mark.parametrize(
    ("binding", "message"),
    [
        ({"year": True}, "not a whole number"),
        ({"year": 2020.7}, "not a whole number"),
        ({"country": "gk:cambodia"}, "unknown prefix gk:"),
    ],
)
def test_mistyped_values_are_errors_not_empty_answers(
    kg: KnowledgeGraph, binding: dict[str, object], message: str
) -> None:
    """A value that cannot be what the caller meant is refused instead of matching nothing."""
    name = "meetings-by-organiser" if "year" in binding else "delegation-heads"
    with pytest.raises(accsm_kg.BindingError, match=message):
        kg.named_query(name, **binding)


def test_dates_may_be_given_as_midnight_datetimes(kg: KnowledgeGraph) -> None:
    """A datetime at midnight is its day; any other moment is refused for a date parameter."""
    end = dt.date(2020, 12, 31)
    by_day = kg.named_query("meetings-between", start=dt.date(2020, 11, 1), end=end)
    assert len(by_day) > 0
    assert kg.named_query("meetings-between", start=dt.datetime(2020, 11, 1), end=end) == by_day
    with pytest.raises(accsm_kg.BindingError, match="not a moment of a day"):
        kg.named_query("meetings-between", start=dt.datetime(2020, 11, 1, 10), end=end)


def test_an_iri_in_angle_brackets_is_taken_as_it_is(kg: KnowledgeGraph) -> None:
    """<x:y> is the IRI x:y, never a prefixed name; kg:y expands."""
    assert str(kg.iri("<gk:cambodia>")) == "gk:cambodia"
    assert str(kg.iri("kg:cambodia")) == "https://w3id.org/accsm-kg/id/cambodia"
    assert str(kg.iri("urn:x:cambodia")) == "urn:x:cambodia"
