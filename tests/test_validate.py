"""KnowledgeGraph.validate: the bundled data conforms; bad data gives precise violations."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

import accsm_kg
from accsm_kg import KnowledgeGraph, ValidationReport, Violation
from accsm_kg.validate import Engine, ViolationGroup, explain

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
    """The report reads as text grouped by shape and converts to a DataFrame, IRIs shortened."""
    text = str(bad_report)
    assert text.startswith("Does not conform: ")
    assert "\n  - kg:bad-delegation" in text
    assert '\n    MinInclusive, value "0"^^xsd:integer: ' in text
    assert "_:" not in text  # a blank property shape is named by its path, never by its id
    frame = bad_report.to_dataframe()
    assert list(frame.columns) == [
        "focus_node",
        "path",
        "severity",
        "constraint",
        "message",
        "shape",
        "value",
        "label",
        "shape_name",
        "hint",
        "file",
        "line",
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


# -- explain: reports people can act on --------------------------------------------------------

VALIDATE = Path(__file__).parent / "resources" / "validate"
BROKEN = (VALIDATE / "broken.trig").read_text(encoding="utf-8")
SCHEMA = "https://schema.org/"


def line_of(text: str, marker: str) -> int:
    """Return the line (from 1) of the first line holding ``marker``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.fixture(scope="module")
def broken_kg() -> KnowledgeGraph:
    return accsm_kg.load(VALIDATE / "broken.trig", VALIDATE / "person.ttl", include_bundled=False)


@pytest.fixture(scope="module", params=["sparql", "pyshacl"])
def explained(request: pytest.FixtureRequest, broken_kg: KnowledgeGraph) -> ValidationReport:
    shapes = VALIDATE / "shapes.ttl"
    return explain(broken_kg.validate(shapes, engine=request.param), broken_kg, shapes)


def found(
    report: ValidationReport, focus: str, component: str, shape: str | None = None
) -> Violation:
    """Return the one result on ``kg:focus`` of ``sh:componentConstraintComponent`` (and shape)."""
    [v] = [
        v
        for v in report
        if v.focus_node == URIRef(KG + focus)
        and v.constraint == SH[f"{component}ConstraintComponent"]
        and shape in (None, v.shape_name)
    ]
    return v


EXPECTED = [
    # focus, component, shape name, the line's text (None: in person.ttl), hint
    ("test-no-date", "MinCount", "shape:TestEventShape → schema:startDate",
     "kg:test-no-date a schema:Event",
     'add a value for schema:startDate to "An event # with no date; none."'),
    ("test-bad-date", "Datatype", "shape:TestEventShape → schema:startDate",
     'schema:startDate "2020-13-01"',
     'write the value as xsd:date, e.g. "2020-11-02"^^xsd:date'),
    ("test-two-dates", "MaxCount", "shape:TestEventShape → schema:startDate",
     "schema:startDate \"2020-11-02\"",
     'keep at most 1 value for schema:startDate on "Also two dates"; remove the others'),
    ("test-bad-date", "In", "shape:TestEventShape → schema:eventAttendanceMode",
     "schema:MixedEventAttendanceMode",
     "use one of schema:OnlineEventAttendanceMode, schema:OfflineEventAttendanceMode"),
    ("test-bad-date", "Class", "shape:TestEventShape → schema:performer",
     "schema:performer kg:test-organisation",
     "point schema:performer at an instance of schema:Person, or give kg:test-organisation "
     "the type schema:Person"),
    ("test-two-dates", "NodeKind", "shape:TestEventShape → schema:performer",
     'schema:performer "Somebody"', "make the value an IRI"),
    ("test-no-date", "Pattern", "shape:TestEventShape → schema:identifier",
     'schema:identifier "abc-12"', "make the value match the pattern ^[A-Z]{3}-[0-9]{4}$"),
    ("test-no-date", "MinInclusive", "shape:TestEventShape → schema:maximumAttendeeCapacity",
     "schema:maximumAttendeeCapacity 0", "use a value of at least 1"),
    ("test-two-dates", "UniqueLang", "shape:TestEventShape → rdfs:label",
     'rdfs:label "Two dates"@en', 'keep one value of rdfs:label per language on "Also two dates"'),
    ("test-khmer-only", "QualifiedMinCount", "shape:TestEventShape → rdfs:label",
     'rdfs:label "ព្រឹត្តិការណ៍"@km',
     'add a value for rdfs:label tagged @en to "ព្រឹត្តិការណ៍"'),
    ("test-nameless", "QualifiedMinCount", "shape:TestPersonShape → rdfs:label", None,
     "add a value for rdfs:label tagged @en to kg:test-nameless"),
    ("test-khmer-only", "Class", "shape:TestEventShape → ^schema:subEvent (parent event)",
     "schema:subEvent kg:test-khmer-only",
     "point ^schema:subEvent at an instance of schema:Event, or give kg:test-organisation the "
     "type schema:Event"),
    ("test-bad-date", "LanguageIn", "shape:TestEventShape → schema:description",
     '"Une description"@fr', "Write the description in English, tagged @en."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("focus", "component", "shape", "marker", "hint"),
    EXPECTED,
    ids=[f"{e[0]}-{e[1]}" for e in EXPECTED],
)
def test_each_result_is_explained(
    explained: ValidationReport,
    focus: str,
    component: str,
    shape: str,
    marker: str | None,
    hint: str,
) -> None:
    """Each result names its shape readably, the file and line to fix, and how to fix it.

    A wrong value is at the line of its triple; a missing one where the focus node's
    description starts; a shape's sh:description is the hint where it has one.
    """
    v = found(explained, focus, component, shape)
    assert v.hint == hint
    if marker is None:
        assert (v.file, v.line) == (str((VALIDATE / "person.ttl").resolve()), 5)
    else:
        assert (v.file, v.line) == (
            str((VALIDATE / "broken.trig").resolve()),
            line_of(BROKEN, marker),
        )
    assert v.location == f"{v.file}:{v.line}"


def test_every_result_is_explained_and_grouped(explained: ValidationReport) -> None:
    """Every result has a shape name free of blank-node ids and a place; groups count them."""
    assert len(explained) == 17
    assert all(v.shape_name and "_:" not in v.shape_name and v.line for v in explained)
    assert all(v.hint for v in explained)
    groups = explained.groups()
    assert sum(g.count for g in groups) == len(explained)
    assert (
        ViolationGroup(
            "shape:TestEventShape → schema:startDate", "schema:startDate", "Violation", 3
        )
        in groups
    )
    assert [g.shape for g in groups] == sorted(g.shape for g in groups)


def test_a_label_shared_by_two_things_is_found_at_the_first(explained: ValidationReport) -> None:
    """A literal focus node, reached by inverse paths: the line of a triple that holds it."""
    [v] = [v for v in explained if v.focus_node == Literal("An organisation", lang="en")]
    assert v.shape_name == "shape:TestUniqueLabelShape → (^rdfs:label|^schema:name)"
    assert v.line == line_of(BROKEN, 'rdfs:label "An organisation"@en')
    assert v.hint == (
        'let at most 1 thing have "An organisation"@en as rdfs:label or schema:name; '
        "change the others"
    )


def test_both_engines_explain_alike(broken_kg: KnowledgeGraph) -> None:
    """The SPARQL engine and pySHACL give the same explained report, given files or a graph."""
    shapes = VALIDATE / "shapes.ttl"
    sparql = explain(broken_kg.validate(shapes, engine="sparql"), broken_kg, shapes)
    pyshacl = broken_kg.validate(shapes, engine="pyshacl")
    by_graph = explain(pyshacl, broken_kg, Graph().parse(shapes))  # other blank nodes
    strip = [replace(v, shape=BNode("s"), message="") for v in sparql]
    assert strip == [replace(v, shape=BNode("s"), message="") for v in by_graph]
    assert str(sparql).count("Fix: ") == 17


def test_the_rdflib_store_explains_alike(explained: ValidationReport) -> None:
    """On the rdflib store, results get the same labels, shape names, hints and places."""
    kg = accsm_kg.load(
        VALIDATE / "broken.trig", VALIDATE / "person.ttl", include_bundled=False, store="rdflib"
    )
    shapes = VALIDATE / "shapes.ttl"
    report = explain(kg.validate(shapes), kg, shapes)

    def seen(r: ValidationReport) -> list[tuple[object, ...]]:
        return sorted((str(v.focus_node), v.shape_name, v.hint, v.file, v.line) for v in r)

    assert seen(report) == seen(explained)


def test_labels_in_english_or_khmer(broken_kg: KnowledgeGraph) -> None:
    """Labels are English, Khmer when asked, and whichever there is when only one."""
    shapes = VALIDATE / "shapes.ttl"
    report = broken_kg.validate(shapes)
    english = explain(report, broken_kg, shapes)
    khmer = explain(report, broken_kg, shapes, language="km")
    assert found(english, "test-two-dates", "UniqueLang").label == "Also two dates"
    assert found(english, "test-khmer-only", "QualifiedMinCount").label == "ព្រឹត្តិការណ៍"
    assert found(khmer, "test-bad-date", "LanguageIn").label == "ព្រឹត្តិការណ៍ដែលមានកាលបរិច្ឆេទខុស"
    assert found(khmer, "test-two-dates", "UniqueLang").label == "Also two dates"
    assert found(khmer, "test-bad-date", "LanguageIn").hint == "សរសេរការពិពណ៌នាជាភាសាអង់គ្លេស។"
    assert found(english, "test-nameless", "QualifiedMinCount").label is None
    with pytest.raises(accsm_kg.OptionError, match="language is 'en' or 'km'"):
        explain(report, broken_kg, shapes, language="fr")  # type: ignore[arg-type]


def test_explained_text_is_grouped_by_shape(explained: ValidationReport) -> None:
    """str(): the summary, then per group its shape and count, each result with its fix."""
    text = str(explained)
    assert text.startswith("Does not conform: 17 violation(s)\n\n")
    where = f"tests/resources/validate/broken.trig:{line_of(BROKEN, 'kg:test-no-date a')}"
    assert "\n\nshape:TestEventShape → schema:startDate: 3 violations\n  - " in text
    assert (
        f'  - kg:test-no-date "An event # with no date; none." at {where}\n    MinCount: ' in text
    )
    assert '    Fix: add a value for schema:startDate to "An event # with no date; none."\n' in text
    assert '"""' not in text  # a multi-line literal is written on one line
    assert '"A bad\\ndate"' in text


def test_explained_table_json_tsv_and_frame(explained: ValidationReport) -> None:
    """The same results as a table, JSON, TSV and a DataFrame, each with file and line."""
    table = explained.to_table().splitlines()
    assert table[0] == "Does not conform: 17 violation(s)"
    assert table[1].split() == [
        "where", "severity", "shape", "focus", "label", "constraint", "value", "hint"
    ]  # fmt: skip
    assert len(table) == 3 + 17
    document = json.loads(explained.to_json())
    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 17, "Warning": 0, "Info": 0}
    assert {"shape": "shape:TestPersonShape → rdfs:label", "path": "rdfs:label",
            "severity": "Violation", "count": 1} in document["groups"]  # fmt: skip
    assert document["prefixes"]["schema"] == SCHEMA
    assert all(r["file"] and isinstance(r["line"], int) for r in document["results"])
    tsv = explained.to_tsv().splitlines()
    assert len(tsv) == 18
    assert all(line.count("\t") == 11 for line in tsv)
    frame = explained.to_dataframe()
    assert str(frame["line"].dtype) == "Int64"
    assert frame["shape_name"].str.contains("_:").sum() == 0
    page = explained._repr_html_()
    assert "<th>shape</th><th>path</th><th>severity</th><th>count</th>" in page


def test_an_unattributed_graph_and_a_khmer_date_are_located(resources: Path) -> None:
    """Checks outside SHACL are explained too: a graph at its opening line, a date at its own."""
    khmer = resources / "khmer" / "meeting-wrong-waning-day.ttl"
    kg = accsm_kg.load(VALIDATE / "unattributed.trig", khmer, include_bundled=False)
    shapes = VALIDATE / "shapes.ttl"
    report = explain(kg.validate(shapes), kg, shapes)
    graph = next(v for v in report if v.constraint == accsm_kg.validate.ATTRIBUTION_CHECK)
    assert (graph.file, graph.line) == (str((VALIDATE / "unattributed.trig").resolve()), 5)
    date = next(v for v in report if v.constraint == accsm_kg.validate.KHMER_DATE_CHECK)
    text = khmer.read_text(encoding="utf-8")
    assert (date.file, date.line) == (str(khmer.resolve()), line_of(text, "accsm:khmerDate"))
    assert date.shape_name == "shape:KhmerDateAgreesWithDate → accsm:khmerDate"
    assert str(date.hint).startswith("correct accsm:khmerDate")


def test_a_report_without_results_is_left_alone(broken_kg: KnowledgeGraph) -> None:
    """A report that conforms comes back unchanged; its groups are none."""
    report = ValidationReport(True, (), Graph())
    assert explain(report, broken_kg) is report
    assert report.groups() == []
    assert json.loads(report.to_json())["results"] == []
    assert report.to_tsv() == "\t".join(report.to_dataframe().columns) + "\n"


def test_an_unexplained_report_names_no_blank_node(broken_kg: KnowledgeGraph) -> None:
    """Before explain, a blank property shape shows as its path, never as a blank-node id."""
    from accsm_kg.validate import validate_graph

    shapes = Graph().parse(VALIDATE / "shapes.ttl")
    text = str(validate_graph(broken_kg.union(), shapes, namespaces=broken_kg.namespaces))
    assert "_:" not in text
    assert "(unnamed shape) → ^schema:subEvent: 1 violation" in text
