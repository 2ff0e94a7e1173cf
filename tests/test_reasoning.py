"""OWL reasoning: HermiT and Pellet find the bundled graph consistent, and each broken fixture
gives its own finding, explained axiom by axiom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

import accsm_kg
from accsm_kg.cli import main
from accsm_kg.errors import OptionError
from accsm_kg.reasoning import check, reasoning_copy

FIXTURES = Path(__file__).parent / "resources" / "reasoning"
ACCSM = "https://w3id.org/accsm-kg/ontology#"
KG = "https://w3id.org/accsm-kg/id/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# fixture: (what is involved, words the explanation must hold)
INCONSISTENT = {
    "country-as-agency": ([KG + "cambodia", ACCSM + "Country", ORG + "Organization"], "disjoint"),
    "accsm-as-country": ([KG + "accsm", ACCSM + "Country"], "disjoint"),
    "work-plan-as-source": ([ACCSM + "WorkPlan", ACCSM + "SourceDocument"], "disjoint"),
    "person-as-organisation": ([KG + "chhy-vichara", ORG + "Organization"], "disjoint"),
    "initiative-as-work-plan": ([ACCSM + "Initiative", ACCSM + "WorkPlan"], "disjoint"),
    "agency-as-framework": (
        [ACCSM + "GovernmentAgency", ACCSM + "CooperationFramework"],
        "disjoint",
    ),
    "delegation-of-two-countries": ([ACCSM + "delegationOf"], "has at most one value"),
    "delegation-sent-by-two-agencies": ([ACCSM + "sentBy"], "has at most one value"),
    "delegation-with-two-heads": ([ACCSM + "headOfDelegation"], "has at most one value"),
    "chairmanship-of-two-countries": ([ACCSM + "chairCountry"], "has at most one value"),
    "delegation-of-two-sizes": ([ACCSM + "delegationSize"], "has at most one value"),
    "work-plan-succeeds-itself": ([ACCSM + "succeeds"], "never holds both ways"),
    "work-plans-succeed-each-other": ([ACCSM + "succeeds"], "never holds both ways"),
    "two-successors": ([ACCSM + "succeeds"], "from at most one thing"),
    "succeeded-by-its-successor": ([ACCSM + "succeededBy", ACCSM + "succeeds"], "inverse"),
    "plus-three-of-itself": ([ACCSM + "plusThreeOf"], "never holds both ways"),
    "agenda-item-concerns-a-country": ([ACCSM + "concerns", ACCSM + "Country"], "every value of"),
    "country-contributes-to-vision": ([ACCSM + "contributesTo", ACCSM + "Country"], "whatever has"),
    "meeting-as-agent": ([KG + "accsm-hcs-2020", ACCSM + "Meeting"], "disjoint"),
    "claim-as-source": ([ACCSM + "Claim", ACCSM + "SourceDocument"], "disjoint"),
    "concept-as-country": ([ACCSM + "Country", SKOS + "Concept"], "disjoint"),
    "plus-three-of-one-framework-twice": ([ACCSM + "plusThreeOf"], "from at most one thing"),
    "agency-of-two-countries": ([ACCSM + "agencyOf"], "has at most one value"),
    "meeting-of-two-frameworks": ([ACCSM + "framework"], "has at most one value"),
    "two-iso-codes": ([ACCSM + "isoCode"], "has at most one value"),
}


def _check(name: str, reasoner: str = "hermit") -> accsm_kg.reasoning.CheckReport:
    kg = accsm_kg.load(FIXTURES / f"{name}.ttl")
    return kg.check(reasoner=reasoner)  # type: ignore[arg-type]


@pytest.mark.parametrize("reasoner", ["hermit", pytest.param("pellet", marks=pytest.mark.slow)])
@pytest.mark.needs("java")
@pytest.mark.slow
def test_the_bundled_graph_is_consistent(reasoner: str) -> None:
    """Both reasoners find the bundled ontology and data consistent, every class satisfiable."""
    report = accsm_kg.load().check(reasoner=reasoner)  # type: ignore[arg-type]
    assert report.ok, str(report)
    assert report.consistent
    assert report.unsatisfiable == ()
    assert report.findings == ()


@pytest.mark.needs("java")
@pytest.mark.slow
def test_a_country_that_is_an_agency_is_explained() -> None:
    """Disjoint classes sharing an individual: the finding names it, its classes and the axiom."""
    report = _check("country-as-agency")
    assert not report.consistent
    [finding] = report.findings
    assert finding.kind == "inconsistent"
    assert finding.message == "the graph contradicts itself about Cambodia (kg:cambodia)"
    assert (
        "Cambodia (kg:cambodia) is a Government agency (accsm:GovernmentAgency)" in finding.because
    )
    assert "Cambodia (kg:cambodia) is a Country (accsm:Country)" in finding.because
    assert any(
        "Organization (org:Organization)" in line
        and "Country (accsm:Country)" in line
        and " are disjoint (with 15 other classes)" in line
        for line in finding.because
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(INCONSISTENT))
@pytest.mark.needs("java")
def test_each_axiom_catches_its_broken_fixture(name: str) -> None:
    """Each kind of axiom of the ontology (disjointness, characteristics, ranges) refuses data."""
    involved, words = INCONSISTENT[name]
    report = _check(name)
    assert not report.consistent, f"{name}: HermiT found no contradiction"
    [finding] = report.findings
    assert finding.kind == "inconsistent"
    assert {URIRef(t) for t in involved} <= set(finding.terms), finding.terms
    assert any(words in line for line in finding.because), finding.because


@pytest.mark.slow
@pytest.mark.parametrize("name", ["delegation-of-two-countries", "two-successors"])
@pytest.mark.needs("java")
def test_pellet_finds_what_hermit_finds(name: str) -> None:
    """Pellet agrees with HermiT on the broken fixtures."""
    assert not _check(name, "pellet").consistent


@pytest.mark.parametrize("reasoner", ["hermit", pytest.param("pellet", marks=pytest.mark.slow)])
@pytest.mark.needs("java")
@pytest.mark.slow
def test_an_unsatisfiable_class_is_named(reasoner: str) -> None:
    """A class below two disjoint classes can have no member; the report names it and why."""
    report = _check("country-agency-class", reasoner)
    assert report.consistent
    assert report.unsatisfiable == (URIRef(ACCSM + "CountryAgency"),)
    [finding] = report.findings
    assert finding.kind == "unsatisfiable"
    assert finding.message.startswith("Country agency (accsm:CountryAgency) can have no member")
    assert "every Country agency (accsm:CountryAgency) is a Country (accsm:Country)" in (
        finding.because
    )


def test_the_copy_maps_datatypes_and_leaves_the_data_alone() -> None:
    """xsd:date becomes xsd:dateTime and xsd:gYear a string on the copy; the graph is unchanged."""
    data = Graph()
    meeting, plan = URIRef(KG + "m"), URIRef(KG + "p")
    data.add(
        (meeting, URIRef("https://schema.org/startDate"), Literal("2020-11-02", datatype=XSD.date))
    )
    data.add((plan, URIRef(ACCSM + "startYear"), Literal("2021", datatype=XSD.gYear)))
    before = set(data)
    copy, mapped = reasoning_copy(data)
    assert set(data) == before
    assert Literal("2020-11-02T00:00:00", datatype=XSD.dateTime) in set(copy.objects())
    assert Literal("2021", datatype=XSD.string) in set(copy.objects())
    assert mapped == {str(XSD.date): 1, str(XSD.gYear): 1}


def test_the_copy_declares_other_vocabularies_terms_as_they_do() -> None:
    """Terms of ORG and schema.org get the kind their vocabularies give, and their superclasses."""
    copy, _ = reasoning_copy(accsm_kg.load().union())
    assert (
        URIRef(ORG + "FormalOrganization"),
        RDFS.subClassOf,
        URIRef(ORG + "Organization"),
    ) in copy
    assert (URIRef(ORG + "holds"), RDF.type, OWL.ObjectProperty) in copy
    assert (URIRef("https://schema.org/attendee"), RDF.type, OWL.ObjectProperty) in copy
    assert not list(copy.triples((None, OWL.imports, None)))
    assert list(copy.subjects(RDF.type, OWL.AllDifferent))


def test_the_ontology_alone_says_nothing_of_other_vocabularies() -> None:
    """No term of another vocabulary is typed or given an axiom in the ontology files, but in
    the import module, which copies its vocabularies (see the next test)."""
    from accsm_kg.resources import BASE_IRI, ontology_paths

    for path in ontology_paths():
        if path.name == "imports.ttl":
            continue
        graph = Graph().parse(path)
        foreign = {
            (s, p)
            for s, p, _ in graph
            if isinstance(s, URIRef)
            and not str(s).startswith(BASE_IRI)
            and p not in (RDFS.label, URIRef("http://www.w3.org/2004/02/skos/core#definition"))
        }
        assert not foreign, f"{path.name}: {sorted(foreign)[:5]}"


def test_an_unknown_reasoner_is_refused() -> None:
    with pytest.raises(OptionError, match="hermit, pellet"):
        check(Graph(), reasoner="fact++")  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.needs("java")
def test_the_check_command_exits_by_its_verdict() -> None:
    """`accsm-kg check` exits 0 on the bundled data, 1 with the finding on a broken file."""
    runner = CliRunner()
    done = runner.invoke(main, ["check"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("HermiT: consistent, every class satisfiable")
    broken = runner.invoke(main, ["check", str(FIXTURES / "country-as-agency.ttl"), "-f", "json"])
    assert broken.exit_code == 1
    found = json.loads(broken.output)
    assert found["consistent"] is False
    assert found["findings"][0]["terms"][0] == KG + "cambodia"


def test_the_check_command_refuses_an_empty_selection() -> None:
    done = CliRunner().invoke(main, ["check", "--no-bundled"])
    assert done.exit_code == 2
    assert "nothing to check" in done.output


@pytest.mark.slow
def test_the_import_module_is_current_and_copied_unchanged() -> None:
    """ontology/imports.ttl holds what import_module gives today, each triple as its vocabulary
    has it; when the data start using another term of another vocabulary, this fails."""
    from accsm_kg.reasoning import IMPORTS_IRI, import_module
    from accsm_kg.resources import bundled_root, defining_vocabulary

    path = bundled_root() / "ontology" / "imports.ttl"
    held = {t for t in Graph().parse(path) if t[0] != URIRef(IMPORTS_IRI)}
    wanted = set(import_module(accsm_kg.load().union()))
    missing, extra = sorted(wanted - held)[:3], sorted(held - wanted)[:3]
    assert held == wanted, (
        "ontology/imports.ttl is out of date: write to it "
        f"accsm_kg.reasoning.imports_turtle(load().union(), modified=today); {missing=}, {extra=}"
    )
    copied = {(s, p, o) for s, p, o in held if (s, p, o) in defining_vocabulary(s)}
    assert held == copied, sorted(held - copied)[:3]


NEXT = "ASK { kg:accsm-work-plan-2016-2020 accsm:succeededBy kg:accsm-work-plan-2021-2025 }"
INFERRED_GRAPH = URIRef("https://w3id.org/accsm-kg/graph/inferred/owl-rl")


@pytest.mark.parametrize("store", ["oxigraph", pytest.param("rdflib", marks=pytest.mark.slow)])
def test_reason_writes_its_own_graph_that_queries_may_leave_out(store: str) -> None:
    """OWL RL inferences land in one named graph; inferred=False answers from what is asserted."""
    kg = accsm_kg.load(store=store)  # type: ignore[arg-type]
    before = len(kg)
    assert not kg.ask(NEXT)
    added = kg.reason()
    assert added.graph == INFERRED_GRAPH
    assert added.asserted == before
    assert len(kg) == before + added.added + 4  # and the four that describe the graph
    assert INFERRED_GRAPH in kg.graphs()
    assert kg.ask(NEXT)  # the inverse of accsm:succeeds, stated in the seed
    assert not kg.ask(NEXT, inferred=False)
    agencies = "SELECT ?a WHERE { ?a a org:Organization ; accsm:agencyOf kg:cambodia }"
    assert kg.query(agencies)
    assert not kg.query(agencies, inferred=False)
    rows = kg.named_query("country-agencies", country="kg:cambodia", inferred=False)
    assert rows == kg.named_query("country-agencies", country="kg:cambodia")
    assert len(kg.construct("CONSTRUCT WHERE { ?s accsm:succeededBy ?o }", inferred=False)) == 0
    assert len(kg.union(inferred=False)) == before


@pytest.mark.slow
def test_reasoning_again_replaces_the_earlier_inferences() -> None:
    """reason() reads only what is asserted, so a second run gives the same graph, not more."""
    kg = accsm_kg.load()
    first = kg.reason()
    size = len(kg)
    second = kg.reason()
    assert (second.asserted, second.added, len(kg)) == (first.asserted, first.added, size)


@pytest.mark.slow
@pytest.mark.needs("java")
def test_a_check_reads_no_inference() -> None:
    """The reasoner's copy is of what is asserted, whatever reason() added."""
    kg = accsm_kg.load()
    asserted = kg.check().triples
    kg.reason()
    assert kg.check().triples == asserted


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(OptionError, match="'owl-rl'"):
        accsm_kg.load(include_bundled=False).reason("owl-dl")


@pytest.mark.slow
@pytest.mark.parametrize("server", ["oxigraph_endpoints", "virtuoso_endpoints"])
def test_a_server_leaves_out_inferences_when_asked(
    server: str, request: pytest.FixtureRequest
) -> None:
    """On a SPARQL server, inferred=False restricts the protocol's dataset to asserted graphs."""
    endpoints = request.getfixturevalue(server)
    local = accsm_kg.load()
    local.reason()
    graphs = local.push(endpoints.update)
    with accsm_kg.connect(endpoints.query, graphs=graphs) as remote:
        assert remote.ask(NEXT)
        assert not remote.ask(NEXT, inferred=False)


@pytest.mark.slow
def test_the_reason_command_writes_the_inferences(tmp_path: Path) -> None:
    """`accsm-kg reason -o FILE` writes only the inferred triples, as Turtle."""
    out = tmp_path / "inferred.ttl"
    done = CliRunner().invoke(main, ["reason", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "inferred triples from" in done.output
    inferred = Graph().parse(out)
    next_plan = URIRef(KG + "accsm-work-plan-2021-2025")
    assert (URIRef(KG + "accsm-work-plan-2016-2020"), URIRef(ACCSM + "succeededBy"), next_plan) in (
        inferred
    )
    assert not set(inferred) & set(accsm_kg.load().union())


@pytest.mark.slow
def test_dump_and_release_keep_the_inferences_apart(tmp_path: Path) -> None:
    """--reason puts the inferences in their own graph of a TriG dump, and file of a release."""
    from accsm_kg.loading import parse_dataset

    dump = tmp_path / "kg.trig"
    done = CliRunner().invoke(main, ["dump", "--reason", "-o", str(dump)])
    assert done.exit_code == 0, done.output
    graphs = {part.graph for part in parse_dataset(dump)}
    assert INFERRED_GRAPH in graphs
    released = CliRunner().invoke(
        main, ["release", "--reason", "--version", "1.0.0", "-o", str(tmp_path / "r")]
    )
    assert released.exit_code == 0, released.output
    assert (tmp_path / "r" / "1.0.0" / "accsm-kg-inferred.ttl").is_file() or any(
        tmp_path.glob("r/**/accsm-kg-inferred.ttl")
    )


@pytest.mark.slow
def test_inferences_say_where_they_come_from_and_validation_reads_what_is_asserted() -> None:
    """The inferred graph is described as the project's, at the confidence 'inferred'; SHACL
    validates what is asserted unless asked, since an entailment is no curator's mistake."""
    kg = accsm_kg.load()
    kg.reason()
    described = kg.query(
        "SELECT ?who ?level WHERE { GRAPH ?g { ?g prov:wasAttributedTo ?who ;"
        " accsm:confidence ?level } }",
        {"g": INFERRED_GRAPH},
    )
    assert [(str(r.who), str(r.level)) for r in described] == [
        (KG + "accsm-kg-project", "https://w3id.org/accsm-kg/concept/confidence-inferred")
    ]
    assert kg.validate().conforms
    with_inferences = kg.validate(inferred=True)
    # dcterms:alternative is a subproperty of dcterms:title: the study gets a second English title
    assert {v.path for v in with_inferences} == {URIRef("http://purl.org/dc/terms/title")}


def test_time_zoned_dates_and_lang_string_ranges_are_mapped() -> None:
    """A time-zoned xsd:date keeps its zone on the copy; an rdf:langString range is Pellet's."""
    data = Graph()
    data.add(
        (
            URIRef(KG + "m"),
            URIRef(ACCSM + "x"),
            Literal("2020-11-02+07:00", datatype=XSD.date, normalize=False),
        )
    )
    data.add((URIRef(ACCSM + "y"), RDFS.range, RDF.langString))
    copy, _ = reasoning_copy(data)
    assert Literal("2020-11-02T00:00:00+07:00", datatype=XSD.dateTime) in set(copy.objects())
    assert (URIRef(ACCSM + "y"), RDFS.range, RDF.PlainLiteral) in copy


@pytest.mark.needs("java")
@pytest.mark.slow
def test_an_explanation_names_the_term_it_means() -> None:
    """Two vocabularies' terms of one local name (org: and foaf:Organization) stay apart."""
    report = _check("person-as-foaf-organisation")
    [finding] = report.findings
    assert URIRef("http://xmlns.com/foaf/0.1/Organization") in finding.terms
    assert URIRef(ORG + "Organization") not in finding.terms
    assert "Chhy Vichara (kg:chhy-vichara) is a Person (foaf:Person)" in finding.because


@pytest.mark.slow
def test_reasoning_on_a_store_on_disk_keeps_its_inferences(tmp_path: Path) -> None:
    """kg.reason() on an on-disk store writes its graph, which a reopened store still holds."""
    with accsm_kg.load(path=tmp_path / "kg.ox") as kg:
        added = kg.reason()
        assert kg.store.loaded_from(added.graph) is None  # no file holds it
    with accsm_kg.load(path=tmp_path / "kg.ox") as kg:
        assert kg.ask(NEXT)
        assert not kg.ask(NEXT, inferred=False)


@pytest.mark.slow
def test_the_reference_engine_leaves_rdflib_as_it_found_it() -> None:
    """owlrl swaps rdflib's datatype conversions while it runs; they are all put back."""
    from rdflib import term

    from accsm_kg.inference import owl_rl

    before = dict(term._toPythonMapping)
    owl_rl(accsm_kg.load().union(), engine="owlrl")
    assert term._toPythonMapping == before
    assert XSD.gYear not in term._toPythonMapping  # owlrl's own stays behind otherwise
