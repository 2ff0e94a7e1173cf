"""Notebook display: escaped, well-formed, language-tagged HTML, cut when long; short reprs."""

from __future__ import annotations

import copy
import datetime as dt
import doctest
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

import accsm_kg
import accsm_kg.display
from accsm_kg import KnowledgeGraph, Rows
from accsm_kg.display import Cell, Summary, table
from accsm_kg.queries import NamedQueries
from accsm_kg.reasoning import CheckReport, Finding, Inferences
from accsm_kg.release import Release
from accsm_kg.report import Finding as QualityFinding
from accsm_kg.report import QualityReport
from accsm_kg.results import ResultGraph
from accsm_kg.validate import ValidationReport, Violation

ROOT = Path(__file__).parent.parent
KG = "https://w3id.org/accsm-kg/id/"
VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}


class _Checker(HTMLParser):
    """Collects the elements of a page, and fails on a closing tag that does not match."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag, f"</{tag}> closes another element"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> _Checker:
    """Parse ``page``, asserting that every element is closed in order."""
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.open == [], f"unclosed: {checker.open}"
    return checker


def cells_with(page: str, lang: str) -> list[str]:
    """Return the tags that carry ``lang``."""
    return [tag for tag, attrs in parsed(page).tags if attrs.get("lang") == lang]


def many_rows(n: int) -> Rows:
    rows = [(URIRef(f"{KG}person-{i}"), Literal(f"Person {i}", lang="en")) for i in range(n)]
    return Rows(["who", "name"], rows, namespaces=accsm_kg.load(include_bundled=False).namespaces)


# -- the table builder --------------------------------------------------------------------


def test_table_escapes_every_value_and_head() -> None:
    """Text, heads, IRIs and language tags are escaped: markup shows as text."""
    page = table(
        ["<th>"], [[Literal("<script>alert(1)</script>", lang="en")], [URIRef("urn:x:<b>")]]
    )
    checker = parsed(page)
    assert [tag for tag, _ in checker.tags] == ["table", "thead", "tr", "th", "tbody"] + [
        "tr",
        "td",
    ] * 2
    assert "<script>alert(1)</script>" in checker.text
    assert "<urn:x:<b>>" in checker.text
    assert "<th>" in checker.text
    assert "&lt;script&gt;" in page


def test_table_lang_attribute_on_tagged_literals_only() -> None:
    """A literal's language tag becomes its cell's lang; plain text and IRIs carry none."""
    page = table(
        ["v"],
        [
            [Literal("ឈី វិជ្ជរ៉ា", lang="km")],
            [Literal("Chhy Vichara", lang="en")],
            [Literal("8")],
            [URIRef(KG + "cambodia")],
            [Cell("កម្ពុជា", "km")],
        ],
    )
    assert len(cells_with(page, "km")) == 2
    assert len(cells_with(page, "en")) == 1
    assert sum(1 for tag, attrs in parsed(page).tags if tag == "td" and not attrs) == 2


def test_table_cut_at_max_rows_reads_only_what_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long table stops at MAX_ROWS with a count, and reads no row of an iterator past it."""
    monkeypatch.setattr(accsm_kg.display, "MAX_ROWS", 3)
    read: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for i in range(10):
            read.append(i)
            yield [i]

    page = table(["n"], rows(), total=10)
    assert parsed(page).text[-1] == "showing the first 3 of 10 rows"
    assert page.count("<tr>") == 4
    assert read == [0, 1, 2]
    monkeypatch.setattr(accsm_kg.display, "MAX_ROWS", None)
    assert table(["n"], [[i] for i in range(10)]).count("<tr>") == 11


def test_khmer_script_is_recognised() -> None:
    """Text with Khmer letters (or symbols) is Khmer; Latin text and nothing are not."""
    assert accsm_kg.display.khmer_lang("ព.ស ២៥៦៤") == "km"
    assert accsm_kg.display.khmer_lang("\u19e0") == "km"
    assert accsm_kg.display.khmer_lang("Phnom Penh") is None
    assert accsm_kg.display.khmer_lang(None) is None


# -- rows ---------------------------------------------------------------------------------


def test_rows_html_escapes_and_tags_khmer(kg: KnowledgeGraph) -> None:
    """Rows from the graph show prefixed names, escaped values and lang on Khmer cells."""
    rows = kg.query(
        "SELECT ?c ?name WHERE { VALUES ?c { kg:cambodia } ?c rdfs:label ?name } ORDER BY ?name"
    )
    page = rows._repr_html_()
    assert '<td>kg:cambodia</td><td lang="km">កម្ពុជា</td>' in page
    assert '<td lang="en">Cambodia</td>' in page
    hostile = Rows(["label"], [(Literal("<script>x()</script>"),)])._repr_html_()
    assert "<script>x()" not in hostile
    assert "<script>x()</script>" in parsed(hostile).text


def test_two_thousand_rows_render_small_with_the_count() -> None:
    """A 2,000-row result shows 50 rows and says of how many, in a small page."""
    rows = many_rows(2000)
    page = rows._repr_html_()
    assert "showing the first 50 of 2,000 rows" in page
    assert page.count("<tr>") == 51
    assert len(page.encode()) < 12_000
    assert len(rows) == 2000
    assert sum(1 for _ in rows) == 2000


def test_rows_html_reads_only_the_rows_shown() -> None:
    """Only the rows a table shows are converted from the engine's terms."""
    converted: list[object] = []

    def convert(value: object) -> Literal:
        converted.append(value)
        return Literal(str(value))

    rows = Rows(["n"], [(i,) for i in range(1000)], convert=convert)
    rows._repr_html_()
    assert len(converted) == 50


def test_empty_rows_say_so() -> None:
    """An empty result shows its columns and the words "no rows"."""
    page = Rows(["a", "b"], [])._repr_html_()
    assert "<th>a</th><th>b</th>" in page
    assert "no rows" in parsed(page).text


def test_to_dataframe_short_names(kg: KnowledgeGraph) -> None:
    """to_dataframe(short=True) writes IRIs as prefixed names; the default keeps them full."""
    rows = kg.query(
        "SELECT ?c ?code ?other WHERE { VALUES (?c ?other) { (kg:cambodia <urn:x:y>) } "
        "?c accsm:isoCode ?code }"
    )
    short = rows.to_dataframe(short=True)
    assert short["c"].tolist() == ["kg:cambodia"]
    assert short["other"].tolist() == ["<urn:x:y>"]
    assert short["code"].tolist() == ["KH"]
    assert rows.to_dataframe()["c"].tolist() == [KG + "cambodia"]
    counted = kg.named_query("class-instances").to_dataframe(short=True)
    assert str(counted["instances"].dtype) == "Int64"
    assert "accsm:Country" in counted["class"].tolist()


# -- summary, named queries, graphs, the knowledge graph ----------------------------------


class _Printer:
    """The part of IPython's pretty printer that ``_repr_pretty_`` uses."""

    def __init__(self) -> None:
        self.out = ""

    def text(self, text: str) -> None:
        self.out += text

    def break_(self) -> None:
        self.out += "\n"


def test_summary_is_a_str_shown_as_lines(kg: KnowledgeGraph) -> None:
    """summary() is still the str of its lines; IPython prints lines, HTML a table of classes."""
    summary = kg.summary()
    assert isinstance(summary, str)
    lines = summary.splitlines()
    assert lines[0].endswith("named graphs (oxigraph store)")
    assert lines[1] == "instances per class:"
    assert "  accsm:Country: 14" in lines
    printer = _Printer()
    summary._repr_pretty_(printer, False)
    assert printer.out == str(summary)
    assert "\\n" not in printer.out
    page = summary._repr_html_()
    assert "<td>accsm:Country</td><td>14</td>" in page
    assert len(parsed(page).tags) > 10
    assert copy.copy(summary) == summary
    assert pickle.loads(pickle.dumps(summary)).counts == summary.counts


def test_summary_html_cut_like_any_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary of many classes shows MAX_ROWS of them, with the count."""
    monkeypatch.setattr(accsm_kg.display, "MAX_ROWS", 2)
    summary = Summary("x", [(f"c{i}", str(i)) for i in range(5)])
    assert "showing the first 2 of 5 classes" in summary._repr_html_()


def test_named_queries_html_lists_every_name(kg: KnowledgeGraph) -> None:
    """named_queries is still a dict, with a one-line repr and a table of every query."""
    queries = kg.named_queries
    assert isinstance(queries, dict)
    assert isinstance(queries, NamedQueries)
    assert repr(queries) == f"<NamedQueries: {len(queries)} queries>"
    page = queries._repr_html_()
    text = parsed(page).text
    for query in queries.values():
        assert query.name in text
        assert query.question in text
    assert "country (iri): " in page
    assert page.count("<tr>") == len(queries) + 1


def test_named_query_repr_and_html() -> None:
    """One named query: a one-line repr, and its question, parameters and SPARQL in HTML."""
    query = accsm_kg.named_queries()["delegation-heads"]
    assert repr(query) == "<NamedQuery delegation-heads(country, meeting)>"
    page = query._repr_html_()
    text = "".join(parsed(page).text)
    assert query.question in text
    assert "SELECT" in text
    assert "<td>country</td><td>iri</td>" in page


def test_describe_result_is_a_graph_with_short_repr_and_triples(kg: KnowledgeGraph) -> None:
    """A DESCRIBE result is an rdflib Graph; its repr counts triples, its HTML lists them."""
    graph = kg.construct("DESCRIBE kg:cambodia")
    assert isinstance(graph, Graph)
    assert isinstance(graph, ResultGraph)
    assert repr(graph) == f"<Graph: {len(graph)} triples>"
    page = graph._repr_html_()
    assert "<th>subject</th><th>predicate</th><th>object</th>" in page
    assert "<tr><td>kg:cambodia</td><td>accsm:isoCode</td><td>KH</td></tr>" in page
    assert '<td lang="km">កម្ពុជា</td>' in page
    assert page.count("<tr>") == len(graph) + 1
    parsed(page)
    assert isinstance(graph + graph, ResultGraph)


def test_construct_result_html_cut(kg: KnowledgeGraph) -> None:
    """A large CONSTRUCT shows the first MAX_ROWS triples, sorted, and how many there are."""
    graph = kg.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert len(graph) > 1000
    assert repr(graph) == f"<Graph: {len(graph):,} triples>"
    page = graph._repr_html_()
    assert f"showing the first 50 of {len(graph):,} triples" in page
    assert page.count("<tr>") == 51
    assert len(page.encode()) < 20_000


def test_knowledge_graph_html(kg: KnowledgeGraph) -> None:
    """The graph shows its size, store, commonest classes and named graphs."""
    page = kg._repr_html_()
    text = "".join(parsed(page).text)
    assert f"{len(kg):,} triples in {len(kg.graphs())} named graphs (oxigraph store)" in text
    assert "<td>accsm:AssertionGraph</td>" in page
    assert "showing the first 10 of " in text
    assert f"<summary>{len(kg.graphs())} named graphs</summary>" in page
    assert "<td>project:names</td>" in page


def test_remote_knowledge_graph_html_does_not_ask_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over a server, the HTML names it and its graphs and sends no request."""
    sent: list[httpx.Request] = []

    def refuse(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        sent.append(request)
        raise AssertionError("the display asked the server")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    kg = accsm_kg.connect("http://127.0.0.1:9/sparql")
    page = kg._repr_html_()
    assert "http://127.0.0.1:9/sparql" in page
    assert "default dataset" in page
    assert repr(kg) == "<KnowledgeGraph: remote store at http://127.0.0.1:9/sparql>"
    listed = accsm_kg.connect("http://127.0.0.1:9/sparql", graphs=[KG + "g1", KG + "g2"])
    assert "<td>&lt;https://w3id.org/accsm-kg/id/g1&gt;</td>" in listed._repr_html_()
    parsed(page)
    assert sent == []


# -- reports ------------------------------------------------------------------------------


def _violation(i: int, label: str | None = None) -> Violation:
    return Violation(
        URIRef(f"urn:x:{i}"), None, "Violation", "<b>bad</b>", SH.MinCountConstraintComponent,
        URIRef("urn:x:Shape"), label=label,
    )  # fmt: skip


def test_validation_report_html_cut_and_khmer_labels() -> None:
    """A long validation report shows MAX_ROWS results with the count; Khmer labels carry km."""
    violations = (_violation(0, "ឈី វិជ្ជរ៉ា"), *(_violation(i, "A") for i in range(1, 120)))
    page = ValidationReport(False, violations, Graph())._repr_html_()
    assert page.startswith("<p>Does not conform: 120 violation(s)</p><table>")
    assert "showing the first 50 of 120 results" in page
    assert len(re.findall(r"<tr><td>&lt;urn:x:\d+&gt;</td>", page)) == 50
    assert "<td>&lt;urn:x:Shape&gt;</td><td></td><td>Violation</td><td>120</td>" in page
    assert cells_with(page, "km") == ["td"]
    assert "<b>" not in page
    parsed(page)


def test_quality_report_html_cut_with_language() -> None:
    """A long quality report shows MAX_ROWS findings with the count; a Khmer value carries km."""
    findings = tuple(
        QualityFinding("WARN", "x", URIRef(f"urn:x:{i}"), None, Literal("ក", lang="km"), "m <i>")
        for i in range(70)
    )
    page = QualityReport(findings)._repr_html_()
    assert "showing the first 50 of 70 findings" in page
    assert len(cells_with(page, "km")) == 50
    assert "<i>" not in page
    assert parsed(page).tags[0] == ("div", {"class": "accsm-kg"})


def test_check_report_html() -> None:
    """A reasoner's findings show as a table with their reasons; a clean check as one line."""
    finding = Finding("unsatisfiable", "<accsm:X> can have no member", (), ("a", "b"))
    report = CheckReport("hermit", True, (URIRef("urn:x:X"),), (finding,), 10, 0.1)
    page = report._repr_html_()
    text = parsed(page).text
    assert "<accsm:X> can have no member" in text
    assert "a\nb" in text
    ok = CheckReport("hermit", True, (), (), 10, 0.1)
    assert "consistent" in "".join(parsed(ok._repr_html_()).text)
    assert repr(report) == "<CheckReport hermit: 1 finding(s)>"


@pytest.mark.parametrize(
    "value",
    [
        Rows(["a"], [(BNode(),)] * 3),
        ResultGraph(),
        accsm_kg.named_queries(),
        ValidationReport(True, (), Graph()),
        QualityReport(()),
        Inferences(URIRef("urn:x:g"), 3066, 1284, 0.3),
        Release("0.1.0", dt.date(2026, 11, 1), Path("/tmp/r"), (Path("/tmp/r/x.ttl"),), {}, 9, ()),
    ],
    ids=["rows", "graph", "named-queries", "validation", "quality", "inferences", "release"],
)
def test_reprs_are_one_short_line(value: object) -> None:
    """Plain reprs stay one short line, whatever the HTML holds."""
    assert "\n" not in repr(value)
    assert len(repr(value)) < 80


def test_notebooks_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every >>> example in docs/notebooks.md gives the output shown."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(accsm_kg.display, "MAX_ROWS", 50)  # the page sets it, then restores it
    failures, tried = doctest.testfile(
        str(ROOT / "docs" / "notebooks.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS,
    )
    assert tried >= 10
    assert failures == 0


def test_release_html_lists_its_files_and_sums() -> None:
    """A release shows in a notebook as its files with their SHA-256 sums, escaped."""
    release = Release(
        "0.1.0",
        dt.date(2026, 11, 1),
        Path("/tmp/r"),
        (Path("/tmp/r/a<b>.ttl"), Path("/tmp/r/SHA256SUMS")),
        {"a<b>.ttl": "0" * 64},
        9,
        ("rdflib",),
    )
    page = parsed(release._repr_html_())
    assert "a<b>.ttl" in page.text
    assert "0" * 64 in page.text
    assert "<b>" not in release._repr_html_()
