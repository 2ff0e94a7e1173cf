"""Named competency queries: each documented, each answering from the seed source."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg import KnowledgeGraph, named_queries

KG = "https://w3id.org/accsm-kg/id/"
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
    """Cambodia proposed five initiatives for 2021-2025, named exactly as in the source."""
    rows = kg.named_query(
        "initiatives-proposed", country="kg:cambodia", work_plan="kg:accsm-work-plan-2021-2025"
    )
    assert [str(r.name) for r in rows] == INITIATIVES
    assert [int(r.ordinal) for r in rows] == [1, 2, 3, 4, 5]
    continued = [str(r.name) for r in rows if r.continued_in is not None]
    assert continued == ["ASEAN Guideline on Public Service Delivery"]


def test_meetings_by_organiser(kg: KnowledgeGraph) -> None:
    """OCSC Thailand organised the two online Focal Points Meetings of 2 November 2020."""
    rows = kg.named_query("meetings-by-organiser", organiser="kg:ocsc-thailand", year=2020)
    assert {r.meeting for r in rows} == {FOCAL, FOCAL_PLUS_THREE}
    assert {r.start.toPython() for r in rows} == {dt.date(2020, 11, 2)}
    assert {str(r.mode) for r in rows} == {KG + "mode-online"}
    assert (
        len(kg.named_query("meetings-by-organiser", organiser="kg:ocsc-thailand", year=2019)) == 0
    )


def test_meeting_agenda(kg: KnowledgeGraph) -> None:
    """The agenda lists the source's items in order, in English and Khmer."""
    rows = kg.named_query("meeting-agenda", meeting="kg:accsm-focal-points-meeting-2020")
    items = list(dict.fromkeys(r.item for r in rows))
    assert len(items) == 5
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
    """Facts about the delegation come from the article, in the seed's named graph."""
    rows = kg.named_query("facts-from-source", source="kg:src-mcs-2020-11-02-focal-points")
    graphs = {str(r.graph) for r in rows}
    assert graphs == {"https://w3id.org/accsm-kg/graph/data/seed/mcs-2020-11-02-focal-points"}
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
    """November 2020 holds the two Focal Points Meetings and the two set for 17-18 November."""
    rows = kg.named_query("meetings-between", start="2020-11-01", end="2020-11-30")
    assert len(rows) == 4
    later = [r for r in rows if r.start_date.toPython() == dt.date(2020, 11, 17)]
    assert {r.end_date.toPython() for r in later} == {dt.date(2020, 11, 18)}
    assert {str(r.status) for r in later} == {"https://schema.org/EventScheduled"}
    assert len(kg.named_query("meetings-between", start="2020-11-03", end="2020-11-16")) == 0


def test_chairmanships(kg: KnowledgeGraph) -> None:
    """OCSC Thailand chaired the 20th ACCSM."""
    rows = kg.named_query("chairmanships", framework="kg:accsm")
    assert [(int(r.ordinal), str(r.chair_name), str(r.country)) for r in rows] == [
        (20, "Office of the Civil Service Commission", KG + "thailand")
    ]


def test_work_plans(kg: KnowledgeGraph) -> None:
    """ACCSM has work plans for 2016-2020 and 2021-2025; five initiatives for the latter."""
    rows = kg.named_query("work-plans", framework="kg:accsm")
    assert [(int(r.start_year), int(r.end_year), int(r.initiatives)) for r in rows] == [
        (2016, 2020, 0),
        (2021, 2025, 5),
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
