"""The quality report: every rule fires on a fixture that breaks it, and the formats agree.

Each fixture in ``tests/resources/report/`` breaks a few rules (its comments say which) and holds
a few statements that break none, loaded on top of the bundled ontology.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg.report import (
    LEVELS,
    RULES,
    Finding,
    LabelCoverage,
    QualityReport,
    quality_report,
    quality_rules,
)
from accsm_kg.resources import check_path, ontology_paths

FIXTURES = Path(__file__).parent / "resources" / "report"
ACCSM = "https://w3id.org/accsm-kg/ontology#"
KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
TIME = "http://www.w3.org/2006/time#"
DCAT = "http://www.w3.org/ns/dcat#"
#: The fixture that fills the graph of translations, which the bundled ontology fills too.
THIRD_PARTY = "third-party.trig"


@cache
def report_of(*fixtures: str, store: accsm_kg.StoreName = "oxigraph") -> QualityReport:
    """Report on the bundled ontology with fixtures on top (without its own translations if
    a fixture brings them)."""
    ontology = [
        p for p in ontology_paths() if THIRD_PARTY not in fixtures or p.stem != "translations"
    ]
    paths = [FIXTURES / name for name in fixtures]
    return quality_report(accsm_kg.load(*ontology, *paths, include_bundled=False, store=store))


def all_but_third_party() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in FIXTURES.iterdir() if p.name != THIRD_PARTY))


def found(report: QualityReport, rule: str, subject: str) -> list[Finding]:
    return [f for f in report if f.rule == rule and f.subject == URIRef(subject)]


#: (rule, fixture, subject, level): each rule finds each of these.
EXPECTED = [
    ("missing-label", "labels.ttl", ACCSM + "Unlabelled", "ERROR"),
    ("missing-label", "labels.ttl", CONCEPT + "only-rdfs-label", "ERROR"),
    ("missing-khmer-label", "labels.ttl", ACCSM + "englishOnly", "WARN"),
    ("missing-definition", "labels.ttl", ACCSM + "englishOnly", "WARN"),
    ("multiple-pref-labels", "labels.ttl", CONCEPT + "two-names", "ERROR"),
    ("multiple-labels", "labels.ttl", KG + "twin-a", "WARN"),
    ("duplicate-label", "labels.ttl", KG + "twin-a", "WARN"),
    ("duplicate-label", "labels.ttl", KG + "twin-b", "WARN"),
    ("missing-individual-label", "labels.ttl", KG + "nameless", "WARN"),
    ("missing-individual-khmer-label", "labels.ttl", KG + "english-named", "INFO"),
    ("undeclared-class", "undeclared.ttl", ACCSM + "Meetng", "ERROR"),
    ("undeclared-class", "undeclared.ttl", FOAF + "Persn", "ERROR"),
    ("undeclared-property", "undeclared.ttl", ACCSM + "framwork", "ERROR"),
    ("undeclared-property", "undeclared.ttl", FOAF + "nmae", "ERROR"),
    ("unknown-vocabulary", "undeclared.ttl", DCAT + "keyword", "WARN"),
    ("unknown-vocabulary", "undeclared.ttl", DCAT + "Dataset", "WARN"),
    ("undeclared-type", "undeclared.ttl", KG + "misspelt", "WARN"),
    ("undeclared-type", "undeclared.ttl", KG + "dataset", "WARN"),
    ("missing-type", "types.trig", KG + "typeless", "WARN"),
    ("dangling-reference", "types.trig", KG + "meeting-with-dangling", "ERROR"),
    ("outside-domain", "domains.ttl", KG + "not-a-meeting", "WARN"),
    ("outside-domain", "domains.ttl", KG + "meeting-with-theme", "WARN"),
    ("outside-range", "domains.ttl", KG + "chairmanship-x", "WARN"),
    ("invalid-value", "values.ttl", KG + "meeting-y", "ERROR"),
    ("invalid-value", "values.ttl", KG + "country-y", "ERROR"),
    ("invalid-value", "values.ttl", KG + "delegation-0", "ERROR"),
    ("invalid-value", "values.ttl", KG + "delegation-text", "ERROR"),
    ("redeclared-term", THIRD_PARTY, SCHEMA + "Event", "WARN"),
    ("redeclared-term", THIRD_PARTY, FOAF + "Person", "WARN"),
    ("third-party-axiom", THIRD_PARTY, FOAF + "Person", "ERROR"),
    ("third-party-label", THIRD_PARTY, FOAF + "Agent", "WARN"),
    ("deprecated-term", "deprecated.ttl", ACCSM + "oldLink", "WARN"),
    ("deprecated-term", "deprecated.ttl", TIME + "inXSDDateTime", "WARN"),
]


@pytest.mark.parametrize(("rule", "fixture", "subject", "level"), EXPECTED)
def test_rule_finds_what_its_fixture_breaks(
    rule: str, fixture: str, subject: str, level: str
) -> None:
    """The rule reports the subject its fixture breaks, at the rule's level, with a message."""
    findings = found(report_of(fixture), rule, subject)
    assert findings, f"{rule} found nothing on {subject} in {fixture}"
    assert {f.level for f in findings} == {level} == {quality_rules()[rule].level}
    assert all(f.message and "{" not in f.message for f in findings)


def test_every_rule_has_a_fixture() -> None:
    """Every rule is tested on a fixture that breaks it."""
    assert {rule for rule, *_ in EXPECTED} == set(RULES)


def test_rule_files_are_the_rules() -> None:
    """Every SPARQL file of checks/quality/ is a rule (or the coverage figure), headed fully."""
    folder = check_path("quality/missing-label").parent
    assert {p.stem for p in folder.glob("*.rq")} == {*RULES, "label-coverage"}
    for rule in quality_rules().values():
        assert rule.level in LEVELS
        assert all((rule.finds, rule.fix, rule.message)), rule.name
        assert re.search(r"^WHERE \{", rule.sparql, re.MULTILINE), rule.name


def test_findings_name_the_statement_at_fault() -> None:
    """Findings give the property and value of the statement at fault, where there is one."""
    values = report_of("values.ttl")
    [zero] = found(values, "invalid-value", KG + "delegation-0")
    assert zero.property == URIRef(ACCSM + "delegationSize")
    assert str(zero.value) == "0"
    dangling = found(report_of("types.trig"), "dangling-reference", KG + "meeting-with-dangling")
    assert {str(f.value) for f in dangling} == {KG + "nobody", CONCEPT + "mode-nowhere"}
    [two] = found(report_of("labels.ttl"), "multiple-pref-labels", CONCEPT + "two-names")
    assert str(two.value) == "Second name"
    assert '"First name"' in two.message


def test_messages_say_what_is_wrong() -> None:
    """Messages name the terms by prefixed name and say where the fault lies."""
    undeclared = report_of("undeclared.ttl")
    [nmae] = found(undeclared, "undeclared-property", FOAF + "nmae")
    assert nmae.message == (
        "foaf:nmae is used as a property (1 statement, e.g. by kg:typo-person), but foaf.ttl, "
        "the bundled copy of its vocabulary, does not define it as a property"
    )
    [theme] = found(report_of("domains.ttl"), "outside-domain", KG + "meeting-with-theme")
    assert "whose domain is accsm:Chairmanship or accsm:ResourceCentre" in theme.message


@pytest.mark.slow
def test_rules_accept_what_is_right() -> None:
    """Uses in range through subclass chains of the vocabularies, union domains, integer
    literals of a positive integer range and defined third-party terms give no finding."""
    report = report_of(*all_but_third_party())
    flagged = {(f.rule, str(f.subject)) for f in report}
    assert ("outside-domain", KG + "chairmanship-x") not in flagged
    assert ("outside-range", KG + "agency-x") not in flagged
    assert not [f for f in report if f.value == URIRef(KG + "agency-x")]
    assert ("invalid-value", KG + "delegation-8") not in flagged
    assert not [f for f in report if f.property == URIRef(ACCSM + "outcome")]
    assert ("undeclared-property", FOAF + "name") not in flagged
    assert ("multiple-labels", KG + "twin-b") not in flagged


def test_graph_of_translations_may_label_third_party_terms() -> None:
    """A label of a third-party term in the graph of translations is in its place."""
    labels = [f for f in report_of(THIRD_PARTY) if f.rule == "third-party-label"]
    assert {str(f.subject) for f in labels} == {FOAF + "Agent"}


def test_reasoner_output_is_left_out() -> None:
    """A type only in a graph under .../graph/inferred does not count: the thing has no type."""
    report = report_of("types.trig")
    assert found(report, "missing-type", KG + "typeless")
    assert not found(report, "undeclared-type", KG + "typeless")


def test_label_coverage() -> None:
    """Coverage counts things and those labelled in each language, with percentages."""
    kg = accsm_kg.load(FIXTURES / "coverage.ttl", include_bundled=False)
    assert quality_report(kg).figures == (LabelCoverage("individual", 2, 2, 1),)
    coverage = quality_report(kg).figures[0]
    assert (coverage.english_percent, coverage.khmer_percent) == (100.0, 50.0)


@pytest.mark.slow
def test_stores_give_the_same_report() -> None:
    """The rdflib store gives the report the Oxigraph store gives."""
    fixtures = all_but_third_party()
    assert report_of(*fixtures, store="rdflib") == report_of(*fixtures)
    assert report_of(*fixtures, store="rdflib").figures == report_of(*fixtures).figures


@pytest.mark.slow
def test_formats_agree() -> None:
    """Text, table, TSV, JSON, DataFrame and HTML hold the same findings."""
    report = report_of(*all_but_third_party())
    assert len(report) == len(list(report)) > 20
    tsv = report.to_tsv().splitlines()
    assert len(tsv) == len(report) + 1
    assert tsv[0].split("\t") == ["level", "rule", "subject", "property", "value", "message"]
    assert all(len(line.split("\t")) == 6 for line in tsv)
    document = json.loads(report.to_json())
    assert len(document["findings"]) == len(report)
    assert sum(document["counts"].values()) == len(report)
    assert document["findings"][0]["subject"]["type"] in ("uri", "bnode")
    assert [c["kind"] for c in document["figures"]["label_coverage"]] == [
        c.kind for c in report.figures
    ]
    frame = report.to_dataframe()
    assert list(frame.columns) == ["level", "rule", "subject", "property", "value", "message"]
    assert len(frame) == len(report)
    assert frame["level"].tolist() == [f.level for f in report]
    assert len(report.to_table().splitlines()) == len(report) + 2
    html = report._repr_html_()
    assert html.count("<tr>") == len(report) + 1 + len(report.figures) + 1


@pytest.mark.slow
def test_text_groups_findings_by_level_and_rule() -> None:
    """The text gives each rule's count and fix once, errors first; a limit cuts long lists."""
    report = report_of(*all_but_third_party())
    text = report.to_text()
    levels = [line.split()[0] for line in text.splitlines() if line[:1] in ("E", "W", "I")]
    assert levels == sorted(levels, key=LEVELS.index)
    count = len([f for f in report if f.rule == "invalid-value"])
    assert f"ERROR invalid-value ({count})" in text
    assert text.count("fix: write the value as the range asks") == 1
    assert re.search(r"\.\.\. and [0-9]+ more", report.to_text(limit=1))
    assert "Label coverage" in text
    assert repr(report).startswith("<QualityReport: ")
    assert " errors, " in repr(report)
    assert report.errors == tuple(f for f in report if f.level == "ERROR")


@pytest.mark.slow
def test_findings_are_sorted_most_serious_first() -> None:
    """Errors come first, then warnings, then infos; within a level, by rule and subject."""
    report = report_of(*all_but_third_party())
    keys = [(LEVELS.index(f.level), f.rule, str(f.subject)) for f in report]
    assert keys == sorted(keys)


def test_bundled_data_report(kg: accsm_kg.KnowledgeGraph) -> None:
    """The report runs on the bundled data: every finding has a known rule and a message."""
    report = quality_report(kg)
    assert all(f.rule in RULES and f.message for f in report)
    assert {c.kind for c in report.figures} >= {"class", "property", "individual"}
    assert all(0 <= c.english <= c.total and 0 <= c.khmer <= c.total for c in report.figures)


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_empty_graph_has_no_findings(store: accsm_kg.StoreName) -> None:
    """An empty graph gives an empty report, with no figures, on every store."""
    report = quality_report(accsm_kg.load(include_bundled=False, store=store))
    assert (len(report), report.figures) == (0, ())
    assert repr(report) == "<QualityReport: no findings>"
    assert report.to_tsv() == "level\trule\tsubject\tproperty\tvalue\tmessage\n"
