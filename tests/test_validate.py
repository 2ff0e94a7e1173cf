"""KnowledgeGraph.validate: the bundled data conforms; bad data gives precise violations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

import accsm_kg
from accsm_kg import KnowledgeGraph, ValidationReport, Violation
from accsm_kg.validate import Engine

KG = "https://w3id.org/accsm-kg/id/"
BAD_DELEGATION = """\
@prefix accsm: <https://w3id.org/accsm-kg/ontology#> .
@prefix kg: <https://w3id.org/accsm-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

kg:bad-delegation a accsm:Delegation ;
    rdfs:label "A delegation of no one"@en ;
    accsm:delegationOf kg:cambodia ;
    accsm:delegationTo kg:accsm-focal-points-meeting-2020 ;
    accsm:headOfDelegation kg:mcs-cambodia ;
    accsm:delegationSize 0 ;
    prov:wasDerivedFrom kg:src-mcs-2020-11-02-focal-points .
"""


def test_bundled_data_conforms(kg: KnowledgeGraph) -> None:
    """The bundled ontology and data satisfy every bundled shape."""
    report = kg.validate()
    assert report.conforms, str(report)
    assert len(report) == 0
    assert str(report) == "Conforms: the data satisfies every shape."


@pytest.fixture(scope="module")
def bad_report(tmp_path_factory: pytest.TempPathFactory) -> accsm_kg.ValidationReport:
    path = tmp_path_factory.mktemp("bad") / "bad.ttl"
    path.write_text(BAD_DELEGATION, encoding="utf-8")
    return accsm_kg.load(path).validate()


def test_violations_name_focus_path_and_constraint(bad_report: accsm_kg.ValidationReport) -> None:
    """A zero-size delegation headed by an agency gives two violations on that delegation."""
    assert not bad_report.conforms
    found = {(str(v.focus_node), str(v.path), str(v.constraint).split("#")[1]) for v in bad_report}
    focus = KG + "bad-delegation"
    assert (
        focus,
        "https://w3id.org/accsm-kg/ontology#delegationSize",
        "MinInclusiveConstraintComponent",
    ) in found
    assert (
        focus,
        "https://w3id.org/accsm-kg/ontology#headOfDelegation",
        "ClassConstraintComponent",
    ) in found
    assert all(v.severity == "Violation" and v.message for v in bad_report)


def test_report_text_and_dataframe(bad_report: accsm_kg.ValidationReport) -> None:
    """The report reads as text and converts to a DataFrame, IRIs shortened."""
    text = str(bad_report)
    assert text.startswith("Does not conform: ")
    assert "kg:bad-delegation (path accsm:delegationSize, MinInclusiveConstraintComponent)" in text
    frame = bad_report.to_dataframe()
    assert list(frame.columns) == [
        "focus_node",
        "path",
        "severity",
        "constraint",
        "message",
        "shape",
        "value",
    ]
    assert "kg:bad-delegation" in set(frame["focus_node"])


def test_report_repr_is_concise(kg: KnowledgeGraph, bad_report: accsm_kg.ValidationReport) -> None:
    """A report's repr says whether the data conforms and counts the results by severity."""
    assert repr(kg.validate()) == "<ValidationReport: conforms>"
    assert repr(bad_report) == "<ValidationReport: 2 violations>"
    warning = replace(bad_report.violations[0], severity="Warning")
    info = replace(warning, severity="Info")
    mixed = ValidationReport(True, (warning, warning, info), Graph())
    assert repr(mixed) == "<ValidationReport: conforms, 2 warnings, 1 info>"


def test_report_html_table(bad_report: accsm_kg.ValidationReport) -> None:
    """In a notebook a report shows its summary and a table of its results, IRIs shortened."""
    page = bad_report._repr_html_()
    assert page.startswith("<p>Does not conform: 2 violation(s)</p><table><thead><tr><th>")
    heads = "".join(f"<th>{c}</th>" for c in bad_report.to_dataframe().columns)
    assert f"<thead><tr>{heads}</tr></thead>" in page
    assert page.count("<tr><td>kg:bad-delegation</td><td>accsm:") == 2
    assert "<td>&quot;0&quot;^^xsd:integer</td>" in page
    assert accsm_kg.load(include_bundled=False).validate()._repr_html_() == (
        "<p>Conforms: the data satisfies every shape.</p>"
    )


def test_report_html_escapes_and_keeps_khmer(resources: Path) -> None:
    """Every value in the HTML table is escaped, and Khmer text comes through unchanged."""
    report = accsm_kg.load(resources / "khmer" / "meeting-wrong-waning-day.ttl").validate()
    assert "<td>&quot;ថ្ងៃចន្ទ ៣រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤&quot;@km</td>" in (
        report._repr_html_()
    )
    hostile = Violation(
        URIRef("urn:x:<b>"), None, "Violation", "<script>alert('ស')</script> & more",
        SH.MinCountConstraintComponent, BNode("s"), Literal("<i>ឈី</i>", lang="km"),
    )  # fmt: skip
    page = ValidationReport(False, (hostile,), Graph())._repr_html_()
    assert "<script>" not in page
    assert "<b>" not in page
    assert "<i>" not in page
    assert "&lt;script&gt;alert(&#x27;ស&#x27;)&lt;/script&gt; &amp; more" in page
    assert "&lt;urn:x:&lt;b&gt;&gt;" in page
    assert "&quot;&lt;i&gt;ឈី&lt;/i&gt;&quot;@km" in page
    assert "<td></td>" in page  # the result has no path


def test_custom_shapes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """validate(shapes=[...]) uses the given shapes instead of the bundled ones."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.org/PersonNeedsMbox> a sh:NodeShape ; sh:targetClass foaf:Person ;
    sh:property [ sh:path foaf:mbox ; sh:minCount 1 ] .
""",
        encoding="utf-8",
    )
    report = kg.validate(shapes=[shapes])
    assert not report.conforms
    persons = {row.p for row in kg.query("SELECT DISTINCT ?p WHERE { ?p a foaf:Person }")}
    assert URIRef(KG + "chhy-vichara") in persons
    assert {v.focus_node for v in report} == persons
    # one file, as a Path or a str, or the folder holding it, is as good as a list
    for given in (shapes, str(shapes), tmp_path):
        assert {v.focus_node for v in kg.validate(shapes=given)} == persons


def test_empty_shapes_are_an_error(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """A shapes file without shapes is refused, with a link to the SHACL spec."""
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(accsm_kg.ShapesError, match=r"https://www\.w3\.org/TR/shacl/"):
        kg.validate(shapes=[empty])


def test_khmer_date_that_disagrees_is_a_violation(resources: Path) -> None:
    """A meeting whose Khmer lunar date names another day than its start date fails validation."""
    report = accsm_kg.load(resources / "khmer" / "meeting-wrong-waning-day.ttl").validate()
    assert not report.conforms
    [violation] = report.violations
    assert violation.focus_node == URIRef(KG + "example-meeting-wrong-date")
    assert str(violation.path) == "https://w3id.org/accsm-kg/ontology#khmerDate"
    assert violation.constraint == URIRef(
        "https://w3id.org/accsm-kg/shapes#KhmerDateAgreesWithDate"
    )
    assert violation.message == (
        "waning day 3 of Kattik BE 2564 is 2020-11-03, not 2020-11-02 "
        "(which is waning day 2 of Kattik BE 2564)"
    )


def test_seed_khmer_dates_agree(kg: KnowledgeGraph) -> None:
    """The seed's Khmer lunar dates are checked, and agree with 2 November 2020."""
    from accsm_kg.resources import check_path

    rows = kg.query(check_path("khmer-dates").read_text(encoding="utf-8"))
    assert len(rows) == 2
    assert accsm_kg.validate.khmer_date_violations(rows) == []


FORBIDDEN_SPARQL = {
    "SERVICE": "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }",
    "SERVICE inside FILTER EXISTS": (
        "SELECT $this WHERE { $this ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> "
        "{ $this ?p ?o } } }"
    ),
    "MINUS": "SELECT $this WHERE { $this ?p ?o MINUS { $this <urn:x:q> 2 } }",
    "VALUES": "SELECT $this WHERE { $this ?p ?o } VALUES ?o { 1 }",
}


def _sparql_shapes(folder: Path, select: str) -> Path:
    shapes = folder / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:S> a sh:NodeShape ; sh:targetSubjectsOf <urn:x:p> ;\n"
        f'  sh:sparql [ sh:select """{select}""" ] .\n',
        encoding="utf-8",
    )
    return shapes


@pytest.mark.parametrize("focus", [True, False], ids=["focus nodes", "no focus node"])
@pytest.mark.parametrize("engine", ["sparql", "pyshacl", None])
@pytest.mark.parametrize("feature", sorted(FORBIDDEN_SPARQL))
def test_forbidden_sparql_in_shapes_is_a_shapes_error(
    tmp_path: Path, feature: str, engine: Engine | None, focus: bool
) -> None:
    """SERVICE, MINUS or VALUES in an sh:select make the shapes ill-formed, on either engine.

    pySHACL returned a failure instead of a report (an AssertionError here), and only when the
    data gave the query a focus node; the SPARQL engine said pySHACL would validate them.
    """
    data = tmp_path / "data.ttl"
    data.write_text(f"<urn:x:a> <urn:x:{'p' if focus else 'q'}> 1 .\n", encoding="utf-8")
    kg = accsm_kg.load(data, include_bundled=False)
    with pytest.raises(accsm_kg.ShapesError) as caught:
        kg.validate(_sparql_shapes(tmp_path, FORBIDDEN_SPARQL[feature]), engine=engine)
    assert not isinstance(caught.value, accsm_kg.UnsupportedShapesError)
    assert str(caught.value) == (
        f"<urn:x:S>: an sh:select may not hold {feature.split()[0]}"
        f"{' (a federated query)' if feature.startswith('SERVICE') else ''} (SHACL-SPARQL "
        "forbids it) (see https://www.w3.org/TR/shacl/#pre-binding)"
    )


def test_a_failure_pyshacl_returns_is_a_shapes_error(tmp_path: Path) -> None:
    """A failure pySHACL returns rather than raises (SELECT * nested) is a ShapesError with it."""
    data = tmp_path / "data.ttl"
    data.write_text("<urn:x:a> <urn:x:p> 1 .\n", encoding="utf-8")
    shapes = _sparql_shapes(tmp_path, "SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }")
    kg = accsm_kg.load(data, include_bundled=False)
    with pytest.raises(accsm_kg.ShapesError, match="pySHACL cannot validate with these shapes: "
                       "Using 'SELECT \\*' in a nested SELECT query"):  # fmt: skip
        kg.validate(shapes, engine="pyshacl")


def test_an_extension_function_is_left_to_pyshacl(tmp_path: Path) -> None:
    """A function of no standard in an sh:select: not compiled (Oxigraph raised RuntimeError).

    By default the oxigraph store then validates with pySHACL, for which an unknown function is
    an error in the expression, so the FILTER keeps nothing.
    """
    data = tmp_path / "data.ttl"
    data.write_text("<urn:x:a> <urn:x:p> 1 .\n", encoding="utf-8")
    shapes = _sparql_shapes(tmp_path, "SELECT $this WHERE { $this ?p ?o FILTER(<urn:x:f>(?o)) }")
    kg = accsm_kg.load(data, include_bundled=False)
    with pytest.raises(accsm_kg.UnsupportedShapesError, match="the function <urn:x:f>"):
        kg.validate(shapes, engine="sparql")
    assert kg.validate(shapes).conforms


def test_a_store_failing_a_shapes_query_raises_a_store_error() -> None:
    """Whatever the select function given to the SPARQL engine raises comes out as a StoreError."""
    from accsm_kg.shacl import validate_with_sparql

    def select(text: str) -> list[tuple[None, ...]]:
        raise RuntimeError("the store is on fire")

    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:x:S> a sh:NodeShape ; "
        "sh:targetSubjectsOf <urn:x:p> ; sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .",
        format="turtle",
    )
    with pytest.raises(accsm_kg.StoreError, match="RuntimeError: the store is on fire"):
        validate_with_sparql(select, shapes)
