"""Posts and their holders in time (W3C ORG with OWL-Time), and the named query on them."""

from __future__ import annotations

import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg import KnowledgeGraph

KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
CHAIR = "kg:post-accsm-chair"

#: The posts minted per person before posts were one per office.
OLD_POSTS = [
    "accsm-chair-18-alicia-dela-rosa-bala",
    "accsm-chair-20-patcharapakorn-devakula",
    "accsm-chair-22-ajman-meludin",
    "psd-head-of-civil-service-leo-yip",
    "pmo-brunei-permanent-secretary-ajman-meludin",
    "pmo-brunei-director-general-of-public-service",
    "mcs-deputy-prime-minister-hun-many",
    "csc-chairperson-alicia-dela-rosa-bala",
]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def any_store(request: pytest.FixtureRequest) -> KnowledgeGraph:
    """The bundled data in each embedded store, so that the query means the same on both."""
    return accsm_kg.load(store=request.param)


def _local(term: object) -> str:
    return str(term).removeprefix(KG).removeprefix(CONCEPT)


def test_chair_of_accsm_on_a_day_of_the_22nd_chairmanship(any_store: KnowledgeGraph) -> None:
    """On 1 March 2023 Ajman Meludin held the chair, by the years 2022-2024 of the same source."""
    rows = any_store.named_query("post-holders-on-date", post=CHAIR, date="2023-03-01")
    assert {_local(r.person) for r in rows} == {"ajman-meludin"}
    (row,) = rows
    assert str(row.status) == "held"
    assert (str(row.begin), str(row.end)) == ("2022", "2024")
    assert str(row.post_name) == "Chair of ACCSM"
    assert str(row.person_name) == "Ajman Meludin"
    assert str(row.graph) == "https://w3id.org/accsm-kg/graph/source/asean-magazine-ajman-meludin"
    assert _local(row.source) == "src-asean-magazine-ajman-meludin"


def test_chair_of_accsm_in_the_20th_chairmanship_is_inferred(any_store: KnowledgeGraph) -> None:
    """On 1 June 2020 M.L. Patcharapakorn Devakula held the chair; the years are an inference."""
    rows = any_store.named_query("post-holders-on-date", post=CHAIR, date="2020-06-01")
    assert {_local(r.person) for r in rows} == {"patcharapakorn-devakula"}
    assert {str(r.status) for r in rows} == {"held"}
    assert {str(r.graph) for r in rows} == {
        "https://w3id.org/accsm-kg/graph/inference/chair-holding-years"
    }
    assert {_local(r.source) for r in rows} == {
        "src-scribd-modernisation-study",
        "src-qdnd-thailand-chairmanship",
        "src-vietnamplus-civil-service-heads-2020",
    }


def test_nobody_holds_the_chair_in_2030(any_store: KnowledgeGraph) -> None:
    """No source gives a chair for 2030."""
    assert len(any_store.named_query("post-holders-on-date", post=CHAIR, date="2030-01-01")) == 0


def test_a_day_a_source_shows_a_holder_in_the_post(any_store: KnowledgeGraph) -> None:
    """Piyawat Sivaraks is seen as Deputy Secretary-General of the OCSC on 18 November 2020 only."""
    post = "kg:post-ocsc-deputy-secretary-general"
    rows = any_store.named_query("post-holders-on-date", post=post, date="2020-11-18")
    assert {(_local(r.person), str(r.status), str(r.seen)) for r in rows} == {
        ("piyawat-sivaraks", "seen on this date", "2020-11-18")
    }
    assert {_local(r.source) for r in rows} == {"src-vietnamplus-civil-service-heads-2020"}
    # the interval has neither beginning nor end: another day neither contains nor excludes it
    assert len(any_store.named_query("post-holders-on-date", post=post, date="2020-11-19")) == 0


def test_the_18th_chair_is_seen_on_the_day_of_the_retreat(kg: KnowledgeGraph) -> None:
    """The years of the 18th chairmanship are disputed: only the Retreat's day is given."""
    rows = kg.named_query("post-holders-on-date", post=CHAIR, date="2015-11-17")
    assert {(_local(r.person), str(r.status)) for r in rows} == {
        ("alicia-dela-rosa-bala", "seen on this date")
    }
    assert all(r.begin is None and r.end is None for r in rows)
    assert len(kg.named_query("post-holders-on-date", post=CHAIR, date="2016-11-17")) == 0


def test_unbound_date_lists_every_holding_without_status(kg: KnowledgeGraph) -> None:
    """Left unbound, the date keeps every holding of the post in, with no status."""
    rows = kg.named_query("post-holders-on-date", post=CHAIR)
    assert {_local(r.person) for r in rows} == {
        "alicia-dela-rosa-bala",
        "patcharapakorn-devakula",
        "ajman-meludin",
    }
    assert all(r.status is None for r in rows)


def test_every_holding_has_one_post_and_one_interval_with_time(kg: KnowledgeGraph) -> None:
    """Each accsm:PostHolding: exactly one post, one interval, and some time on that interval."""
    rows = kg.query(
        """
        PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?holding (COUNT(DISTINCT ?post) AS ?posts) (COUNT(DISTINCT ?period) AS ?periods)
               (COUNT(DISTINCT ?time) AS ?times)
        WHERE {
          ?holding a accsm:PostHolding .
          OPTIONAL { ?holding accsm:post ?post }
          OPTIONAL {
            ?holding org:memberDuring ?period .
            ?period a time:Interval .
            OPTIONAL { ?period time:hasBeginning|time:hasEnd|time:inside ?time }
          }
        }
        GROUP BY ?holding
        """
    )
    assert len(rows) >= 10
    counts = {_local(r.holding): (str(r.posts), str(r.periods), str(r.times)) for r in rows}
    bad = {holding: c for holding, c in counts.items() if c[:2] != ("1", "1") or c[2] == "0"}
    assert bad == {}


def test_a_holding_is_in_the_organisation_and_role_of_its_post(kg: KnowledgeGraph) -> None:
    """A holding's member holds its post, in the post's organisation and role."""
    mismatched = kg.query(
        """
        SELECT ?holding WHERE {
          ?holding a accsm:PostHolding ; accsm:post ?post ; org:member ?person .
          FILTER NOT EXISTS {
            ?person org:holds ?post .
            ?post org:postIn ?organisation ; org:role ?role .
            ?holding org:organization ?organisation ; org:role ?role .
          }
        }
        """
    )
    assert [_local(r.holding) for r in mismatched] == []


def test_the_time_of_every_holding_has_a_described_source(kg: KnowledgeGraph) -> None:
    """The graph of each org:memberDuring is described in the catalogue, with a confidence."""
    rows = kg.query(
        """
        SELECT DISTINCT ?graph ?confidence WHERE {
          GRAPH ?graph { ?membership org:memberDuring ?period }
          OPTIONAL { ?graph a accsm:AssertionGraph ; prov:wasDerivedFrom ?source ;
                         accsm:confidence ?confidence }
        }
        """
    )
    assert rows
    assert [str(r.graph) for r in rows if r.confidence is None] == []


def _posts(kg: KnowledgeGraph) -> set[str]:
    return {_local(r.post) for r in kg.query("SELECT DISTINCT ?post WHERE { ?post a org:Post }")}


def test_posts_are_one_per_office(kg: KnowledgeGraph) -> None:
    """The posts minted per person are gone, and every holding is of a post of an office."""
    posts = _posts(kg)
    assert {
        "post-accsm-chair",
        "post-ocsc-secretary-general",
        "post-asean-secretary-general",
    } <= posts
    assert not set(OLD_POSTS) & posts
    old = ", ".join(f"kg:{name}" for name in OLD_POSTS)
    assert not kg.ask(f"ASK {{ ?s ?p ?o FILTER(?s IN ({old}) || ?o IN ({old})) }}")


def test_no_post_is_named_after_a_person(kg: KnowledgeGraph) -> None:
    """No org:Post's IRI names a person who is in the graph."""
    people = {
        _local(r.person)
        for r in kg.query("SELECT DISTINCT ?person WHERE { ?person a foaf:Person }")
    }
    assert [(post, person) for post in sorted(_posts(kg)) for person in sorted(people)
            if person in post] == []  # fmt: skip


def test_chair_post_has_one_english_and_one_khmer_label_unlike_its_role(kg: KnowledgeGraph) -> None:
    """The post of Chair of ACCSM is labelled apart from its role and from the chairmanships."""
    rows = kg.query(
        """
        SELECT ?label WHERE { ?post rdfs:label ?label FILTER(lang(?label) = "km") }
        """,
        {"post": kg.iri(CHAIR)},
    )
    (post_km,) = [str(r.label) for r in rows]
    others = kg.query(
        """
        SELECT ?label WHERE {
          { kg:role-accsm-chair rdfs:label ?label }
          UNION { ?chairmanship a accsm:Chairmanship ; rdfs:label ?label }
          FILTER(lang(?label) = "km")
        }
        """
    )
    assert post_km not in {str(r.label) for r in others}


def test_timor_leste_takes_part_from_9_may_2023(kg: KnowledgeGraph) -> None:
    """Timor-Leste's Civil Service Commission is in ACCSM, as observer, from 9 May 2023."""
    rows = kg.query(
        """
        PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?begin WHERE {
          kg:cfp-timor-leste-in-accsm org:role kg:role-observer ;
              org:memberDuring/time:hasBeginning/time:inXSDDate ?begin .
        }
        """
    )
    assert [str(r.begin) for r in rows] == ["2023-05-09"]


def test_plus_three_work_plan_adopted_online_on_18_november_2020(kg: KnowledgeGraph) -> None:
    """The ACCSM+3 Heads of Civil Service adopted their Work Plan 2021-2025 online."""
    rows = kg.query(
        """
        SELECT DISTINCT ?meeting ?date ?mode ?activities WHERE {
          kg:accsm-plus-three-work-plan-2021-2025 accsm:adoptedAt ?meeting ;
              accsm:projectCount ?activities .
          ?meeting accsm:framework kg:accsm-plus-three ; schema:startDate ?date ;
              accsm:meetingLevel concept:level-heads-of-civil-service ; accsm:mode ?mode .
        }
        """
    )
    assert [(_local(r.meeting), str(r.date), _local(r.mode), str(r.activities)) for r in rows] == [
        ("accsm-plus-three-hcs-2020", "2020-11-18", "mode-online", "31")
    ]


def test_psti_network_members_and_convenors(kg: KnowledgeGraph) -> None:
    """Ten institutes, one per ASEAN Member State; Viet Nam then Brunei Darussalam convene."""
    members = kg.query(
        "SELECT DISTINCT ?institute ?country WHERE {"
        " ?institute org:memberOf kg:asean-psti-network ; accsm:agencyOf ?country }"
    )
    assert len({r.institute for r in members}) == 10
    assert len({r.country for r in members}) == 10
    convenors = kg.query(
        """
        PREFIX time: <http://www.w3.org/2006/time#>
        SELECT DISTINCT ?country ?begin ?end WHERE {
          ?m org:organization kg:asean-psti-network ; org:role kg:role-psti-convenor ;
             org:member ?country ; org:memberDuring ?period .
          ?period time:hasBeginning/time:inXSDgYear ?begin ; time:hasEnd/time:inXSDgYear ?end .
        }
        ORDER BY ?begin
        """
    )
    assert [(_local(r.country), str(r.begin), str(r.end)) for r in convenors] == [
        ("viet-nam", "2023", "2024"),
        ("brunei-darussalam", "2024", "2026"),
    ]
    parents = {
        (_local(r.institute), _local(r.parent))
        for r in kg.query(
            "SELECT ?institute ?parent WHERE {"
            " ?institute org:memberOf kg:asean-psti-network ; org:subOrganizationOf ?parent }"
        )
    }
    assert ("csti-thailand", "ocsc-thailand") in parents
    assert ("csi-philippines", "csc-philippines") in parents
    assert URIRef(KG + "asean-psti-network") not in {r.institute for r in members}
