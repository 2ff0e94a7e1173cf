"""Curation without Turtle: templates read from the shapes, rows imported as validated Turtle."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

import accsm_kg
from accsm_kg import CurationError
from accsm_kg.cli import main
from accsm_kg.curation import import_file, mint_iri, read_rows, template, templates
from accsm_kg.loading import parse_dataset

CURATION = Path(__file__).parent / "resources" / "curation"
KG = "https://w3id.org/accsm-kg/id/"
CONCEPT = "https://w3id.org/accsm-kg/concept/"
FIRST = URIRef(KG + "example-curated-senior-officials-meeting-2020")
SECOND = URIRef(KG + "example-curated-forum-2020")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two example meetings, imported once into a temporary data folder."""
    output = tmp_path_factory.mktemp("curated") / "meetings.trig"
    result = import_file(CURATION / "meetings.csv", output=output)
    assert result.subjects == (FIRST, SECOND)
    return output


def test_every_targeted_shape_is_a_template() -> None:
    """Each node shape with a target class gives a template named after it."""
    found = templates()
    assert {"meeting", "delegation", "person", "initiative", "chairmanship"} <= set(found)
    assert found["meeting"].target_class == URIRef("https://w3id.org/accsm-kg/ontology#Meeting")
    assert "in-meeting-levels" not in found  # no target: not a template


def test_columns_come_from_the_shapes() -> None:
    """Names, requiredness, datatypes and allowed values are those of the property shapes."""
    meeting = template("meeting")
    assert meeting.column("start_date").required
    assert meeting.column("start_date").datatypes == (XSD.date,)
    assert not meeting.column("mode").repeatable
    assert {str(a).removeprefix(CONCEPT) for a in meeting.column("mode").allowed} == {
        "mode-online",
        "mode-in-person",
        "mode-hybrid",
    }
    assert meeting.column("label").required
    assert meeting.column("label_km").required  # a qualified shape asks for a Khmer label
    assert not template("delegation").column("label_km").required
    with pytest.raises(CurationError, match="no column 'colour'"):
        meeting.column("colour")


def test_a_new_shape_gives_a_new_template() -> None:
    """A shape added to the shapes graph is a template at once, with no new code."""
    ex = "https://example.org/"
    shapes = Graph()
    shape, prop = URIRef(ex + "WidgetShape"), URIRef(ex + "colour-shape")
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetClass, URIRef(ex + "Widget")))
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, URIRef(ex + "weight")))
    shapes.add((prop, SH.name, Literal("weight in grams")))
    shapes.add((prop, SH.datatype, XSD.integer))
    shapes.add((prop, SH.minCount, Literal(1)))
    widget = templates(shapes=shapes, vocabularies=Graph())["widget"]
    assert [c.name for c in widget.columns] == ["id", "weight_in_grams"]
    assert widget.column("weight_in_grams").required


def test_iris_are_minted_by_a_stable_rule() -> None:
    """kg: + the slug of the id, or of the English label; never random."""
    assert mint_iri("ACCSM Focal Points Meeting 2020") == URIRef(
        KG + "accsm-focal-points-meeting-2020"
    )
    assert mint_iri("Comissão da Função Pública") == mint_iri("comissao-da-funcao-publica")
    with pytest.raises(CurationError, match="Latin letters"):
        mint_iri("ឈី វិជ្ជរ៉ា")


def test_two_meetings_import_and_answer_queries(imported: Path) -> None:
    """A curator's two meetings validate and show up in the named queries, with their source."""
    kg = accsm_kg.load(imported)
    assert kg.validate().conforms
    rows = kg.named_query("meetings-with-sources", start="2020-11-01", end="2020-11-30")
    assert {FIRST, SECOND} <= {r.meeting for r in rows}
    assert {str(r.source) for r in rows if r.meeting == FIRST} == {KG + "src-asean-hcs-2020"}
    organised = kg.named_query("meetings-by-organiser", organiser="kg:ocsc-thailand", year=2020)
    assert FIRST in {r.meeting for r in organised}
    chairs = kg.named_query("meeting-chairmanship", meeting=str(FIRST))
    assert {int(r.ordinal) for r in chairs} == {20}
    between = kg.named_query("meetings-between", start="2020-11-25", end="2020-11-25")
    assert [(r.meeting, r.end_date.toPython()) for r in between] == [
        (SECOND, dt.date(2020, 11, 26))
    ]


def test_written_as_trig_each_fact_in_the_graph_of_its_source(imported: Path) -> None:
    """The TriG has a header, aligned prefixes, kg: names, and each row in its source's graph."""
    text = imported.read_text(encoding="utf-8")
    assert text.startswith("# Meeting rows imported from meetings.csv")
    assert "@prefix accsm:   <https://w3id.org/accsm-kg/ontology#> ." in text
    assert "@prefix curated: <https://w3id.org/accsm-kg/graph/curated/meetings/> ." in text
    facts = text.split("curated:asean-hcs-2020 {\n")[1].split("\n}")[0]
    block = facts.split("    kg:example-curated-forum-2020 a accsm:Meeting ;\n")[1]
    lines = block.splitlines()
    assert lines[0] == '        rdfs:label "Example Curated Forum 2020"@en , "វេទិកាគំរូ ឆ្នាំ២០២០"@km ;'
    assert (
        "accsm:meetingLevel concept:level-heads-of-civil-service , concept:level-senior-officials"
        in block
    )
    assert "prov:wasDerivedFrom" not in facts  # the source is the graph's, not the meeting's
    kg = accsm_kg.load(imported)
    [why] = kg.why(SECOND, "rdfs:label", '"Example Curated Forum 2020"@en')
    assert (str(why.source), str(why.confidence)) == (KG + "src-asean-hcs-2020", "Stated")


@pytest.mark.slow
def test_importing_again_changes_nothing(imported: Path) -> None:
    """The same rows give the same file, which is then not rewritten."""
    before = imported.read_bytes(), imported.stat().st_mtime_ns
    result = import_file(CURATION / "meetings.csv", output=imported)
    assert not result.changed
    assert (imported.read_bytes(), imported.stat().st_mtime_ns) == before


@pytest.mark.parametrize("name", ["delegations.yaml", "persons.csv", "initiatives.csv"])
@pytest.mark.slow
def test_documented_examples_import(tmp_path: Path, name: str) -> None:
    """The example rows for delegations, persons and initiatives import and validate."""
    result = import_file(CURATION / name, output=tmp_path / "out.trig")
    assert result.kind == name.split(".")[0].removesuffix("s")
    assert accsm_kg.load(result.path).validate().conforms


def test_cell_errors_name_row_and_column(tmp_path: Path) -> None:
    """Bad cells are all reported, each with its row and column, and nothing is written."""
    output = tmp_path / "bad.trig"
    with pytest.raises(CurationError) as caught:
        import_file(CURATION / "bad-meetings.csv", output=output)
    text = str(caught.value)
    assert "column colour: not a column of the meeting template" in text
    assert "row 2, column start_date: '2020-13-01' is not a date" in text
    assert "row 2, column mode: 'by carrier pigeon' is not one of" in text
    assert len(caught.value.problems) == 3
    assert not output.exists()


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shape_violations_name_row_and_column(tmp_path: Path) -> None:
    """A meeting ending before it starts fails validation at its row and the start_date column."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,end_date,source",
        "Example Good Meeting,កិច្ចប្រជុំគំរូ ១,kg:accsm,2020-11-20,2020-11-20,kg:src-asean-hcs-2020",
        "Example Backwards Meeting,កិច្ចប្រជុំគំរូ ២,kg:accsm,2020-11-20,2020-11-19,kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError, match=r"row 3, column start_date: .*not after the") as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert len(caught.value.problems) == 1


def test_temporal_check_on_imported_rows(tmp_path: Path) -> None:
    """A meeting chaired by an agency outside its chairmanship's years is refused."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,chair,source",
        "Example Late Meeting,កិច្ចប្រជុំគំរូ ៣,kg:accsm,2022-06-01,kg:ocsc-thailand,"
        "kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError, match=r"row 2, column -: .*held no chairmanship"):
        import_file(rows, output=tmp_path / "out.trig")


def test_khmer_dates_are_checked_against_the_day(tmp_path: Path) -> None:
    """A Khmer lunar date that is not the meeting's day is refused, as `validate` refuses it."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,khmer_date,source",
        "Example Khmer Dated Meeting,កិច្ចប្រជុំគំរូ ៤,kg:accsm,2020-11-02,"
        "ថ្ងៃចន្ទ ៣រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤,kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError, match=r"row 2, column khmer_date: waning day 3 of Kattik"):
        import_file(rows, output=tmp_path / "out.trig")


@pytest.mark.slow
def test_references_and_names_are_checked(tmp_path: Path) -> None:
    """Unknown references and names already in the data are refused, naming row and column."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,organiser,source",
        "ACCSM Focal Points Meeting 2020,កិច្ចប្រជុំគំរូ ៦,kg:accsm,2020-11-02,,kg:src-asean-hcs-2020",
        "Example Meeting,កិច្ចប្រជុំគំរូ ៧,kg:accsm,2020-11-02,kg:no-such-agency,kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    text = str(caught.value)
    assert "row 2, column id: kg:accsm-focal-points-meeting-2020 already exists" in text
    assert "row 3, column organiser: kg:no-such-agency is not in the data" in text


def test_kind_comes_from_the_file_name(tmp_path: Path) -> None:
    """Without --kind, meetings.csv is of the meeting template; other names must say."""
    rows = _write(tmp_path / "things.csv", "label", "Example")
    with pytest.raises(CurationError, match="which template"):
        import_file(rows, output=tmp_path / "out.trig")
    with pytest.raises(CurationError, match="no template 'gadget'"):
        import_file(rows, kind="gadget", output=tmp_path / "out.trig")


@pytest.mark.slow
def test_cli_import_and_template(tmp_path: Path) -> None:
    """`accsm-kg import` writes the file, or prints a template; bad rows exit 2 with the row."""
    runner = CliRunner()
    result = runner.invoke(main, ["import", "--template", "meeting"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("id,label,label_km,framework,source")
    output = tmp_path / "meetings.trig"
    args = ["import", str(CURATION / "meetings.csv"), "-o", str(output)]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {output} (2 meeting rows")
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.stdout.startswith("unchanged:")
    bad = ["import", str(CURATION / "bad-meetings.csv"), "-o", str(tmp_path / "bad.trig")]
    result = runner.invoke(main, bad, catch_exceptions=False)
    assert result.exit_code == 2
    assert "row 2, column start_date" in result.stderr


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    """A Latin-1 CSV is a CurationError naming the file, its line and column, and UTF-8."""
    rows = CURATION / "latin1-meetings.csv"
    output = tmp_path / "out.trig"
    with pytest.raises(CurationError) as caught:
        import_file(rows, kind="meeting", output=output)
    assert str(caught.value).startswith(
        f"{rows}: line 2, column 10: byte 0xE9 is not UTF-8; save the file as UTF-8"
    )
    assert not output.exists()
    result = CliRunner().invoke(
        main, ["import", str(rows), "--kind", "meeting", "-o", str(output)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {rows}: line 2, column 10: byte 0xE9 is not UTF-8")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["meetings.csv", "delegations.yaml"])
@pytest.mark.slow
def test_utf8_byte_order_mark_is_accepted(tmp_path: Path, name: str) -> None:
    """A UTF-8 file that starts with a byte-order mark (as Excel writes) imports as without."""
    rows = tmp_path / name
    rows.write_bytes(b"\xef\xbb\xbf" + (CURATION / name).read_bytes())
    with_bom = import_file(rows, output=tmp_path / "with.trig")
    without = import_file(CURATION / name, output=tmp_path / "without.trig")
    assert with_bom.subjects == without.subjects
    assert with_bom.triples == without.triples


def test_unwritable_output_is_a_curation_error(tmp_path: Path) -> None:
    """An output folder that cannot be made is a CurationError naming it, not an OSError."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(CurationError, match=r"cannot be written: Not a directory"):
        import_file(CURATION / "meetings.csv", output=blocker / "sub" / "meetings.trig")


# -- the fixes of a user's report: re-import into --data, every template, claims, duplicates --


@pytest.mark.slow
def test_reimport_into_a_data_folder_leaves_the_output_out(tmp_path: Path) -> None:
    """Importing again into a file inside a --data folder is not "already exists"."""
    meetings = import_file(CURATION / "meetings.csv", output=tmp_path / "curated" / "m.trig")
    rows = CURATION / "delegation-to-curated-forum.yaml"
    for _ in range(2):
        again = import_file(
            rows, output=tmp_path / "curated" / "d.trig", data=[meetings.path.parent]
        )
    assert not again.changed
    out = tmp_path / "out"
    import_file(rows, output=out / "d2.trig", data=[meetings.path])
    # the output file given by another spelling of its path is left out too
    same = import_file(rows, output=out / "d2.trig", data=[meetings.path, out / "." / "d2.trig"])
    assert not same.changed
    assert import_file(rows, output=out / "d2.trig", data=[meetings.path, out]).changed is False
    # another file that names the same thing still counts
    with pytest.raises(CurationError, match=r"row 1, column id: .* already exists"):
        import_file(rows, output=tmp_path / "elsewhere.trig", data=[meetings.path, out])


@pytest.fixture(scope="module")
def instances() -> dict[URIRef, URIRef]:
    """One existing instance of each class the data has, for the references of minimal rows."""
    kg = accsm_kg.load()
    found: dict[URIRef, URIRef] = {}
    query = "SELECT ?c ?x WHERE { ?x a/rdfs:subClassOf* ?c FILTER isIRI(?x) } ORDER BY ?c ?x"
    for row in kg.query(query):
        found.setdefault(row.c, row.x)
    return found


#: Values for the columns a minimal row cannot fill by their kind alone.
_MINIMAL = {
    ("claim", "subject"): "kg:acrcs",
    ("claim", "property"): "schema:foundingDate",
    ("claim", "value"): "1979",
    ("web-page", "url"): "https://example.org/minimal-web-page",
    ("assertion-graph", "attributed_to"): "kg:accsm-kg-project",
}


def _minimal_row(kind: str, instances: dict[URIRef, URIRef]) -> dict[str, str]:
    row = {"id": f"example-minimal-{kind}"}
    for column in template(kind).columns:
        if (not column.required and (kind, column.name) not in _MINIMAL) or column.kind == "id":
            continue
        if (kind, column.name) in _MINIMAL:
            row[column.name] = _MINIMAL[(kind, column.name)]
        elif column.kind == "text":
            row[column.name] = f"Example minimal {kind} {column.name}"
        elif column.kind == "literal":
            examples = {XSD.string: "en", XSD.integer: "101", XSD.date: "2020-11-02"}
            row[column.name] = examples.get(column.datatypes[0], "2020")
        elif column.allowed:
            row[column.name] = str(column.allowed[0])
        else:
            assert column.of_class is not None, (kind, column.name)
            row[column.name] = str(instances[column.of_class])
    return row


@pytest.mark.parametrize("kind", sorted(templates()))
@pytest.mark.slow
def test_every_template_gives_rows_that_validate(
    tmp_path: Path, kind: str, instances: dict[URIRef, URIRef]
) -> None:
    """For every template offered, a row with only its required columns imports and validates."""
    row = _minimal_row(kind, instances)
    rows = tmp_path / "rows.csv"
    _write(rows, ",".join(row), ",".join(f'"{v}"' for v in row.values()))
    result = import_file(rows, kind=kind, output=tmp_path / "out.trig")
    assert result.subjects == (URIRef(KG + f"example-minimal-{kind}"),)
    kg = accsm_kg.load(result.path)
    assert kg.validate().conforms
    types = set(kg.union().objects(result.subjects[0], RDF.type))
    assert template(kind).target_class in types


@pytest.mark.slow
def test_a_concept_is_named_by_its_preferred_label(tmp_path: Path) -> None:
    """A template without a label column mints the IRI from skos:prefLabel, its first column."""
    assert template("concept").header().startswith("id,preferred_label,preferred_label_km,")
    rows = _write(
        tmp_path / "concepts.csv",
        "preferred_label,definition,scheme",
        "Example Evening Session,An example concept.,concept:meeting-levels",
        ",No label.,concept:meeting-levels",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: row 3, column preferred_label: required (or give an id)"
    ]
    _write(rows, *rows.read_text(encoding="utf-8").splitlines()[:2])
    result = import_file(rows, output=tmp_path / "out.trig")
    assert result.subjects == (URIRef(KG + "example-evening-session"),)


def test_web_pages_are_also_source_documents(tmp_path: Path) -> None:
    """A web page row is typed accsm:SourceDocument too, with its URL an IRI."""
    assert template("web-page").implied_types == (
        URIRef("https://w3id.org/accsm-kg/ontology#SourceDocument"),
    )
    result = import_file(CURATION / "web-pages.csv", output=tmp_path / "out.trig")
    text = result.path.read_text(encoding="utf-8")
    assert "kg:example-web-page a schema:WebPage , accsm:SourceDocument ;" in text
    assert text.endswith("        schema:url <https://example.org/an-example-page> .\n}\n")


@pytest.mark.slow
def test_claims_take_vocabulary_properties_and_turtle_literals(tmp_path: Path) -> None:
    """A claim's property may be a vocabulary term; its value a Turtle literal, or typed by it."""
    result = import_file(CURATION / "claims.csv", output=tmp_path / "claims.trig")
    graph = Graph()
    for part in parse_dataset(result.path):
        graph += part.triples
    values = {str(s).removeprefix(KG): o for s, o in graph.subject_objects(RDF.object)}
    gyear = XSD.gYear
    assert values == {
        "example-claim-bare-year": Literal("1979", datatype=gyear),
        "example-claim-turtle-year": Literal("1978", datatype=gyear),
        "example-claim-csv-quoted-year": Literal("1977", datatype=gyear),
        "example-claim-start-year": Literal("2014", datatype=gyear),
        "example-claim-text": Literal("in the late 1970s", lang="en"),
    }
    predicates = set(graph.objects(None, RDF.predicate))
    assert URIRef("https://schema.org/foundingDate") in predicates
    rows = _write(
        tmp_path / "claims.csv",
        "label,subject,property,value,source",
        "Example bad claim,kg:acrcs,schema:noSuchTerm,1979,kg:src-asean-accsm-overview",
    )
    with pytest.raises(CurationError, match=r"row 2, column property: schema:noSuchTerm is not in"):
        import_file(rows, output=tmp_path / "bad.trig")


def test_a_column_twice_in_a_csv_header_is_an_error(tmp_path: Path) -> None:
    """A CSV header naming a column twice is refused, naming the file and the column."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,source,label",
        "Example A,កិច្ចប្រជុំគំរូ ៨,kg:accsm,2020-11-02,kg:src-asean-hcs-2020,Example B",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [f"{rows}: line 1, column label: in the header twice"]


def test_a_key_twice_in_a_yaml_row_is_an_error(tmp_path: Path) -> None:
    """A YAML row giving a column twice is refused, naming the file, row, column and lines."""
    rows = CURATION / "duplicate-keys.yaml"
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: row 1, column delegation_of: given twice (lines 6 and 9); keep one",
        f"{rows}: key kind: given twice (lines 2 and 11); keep one",
    ]


def test_a_mapping_is_not_a_text_value(tmp_path: Path) -> None:
    """A YAML mapping where a value belongs names the row and column, not Python's repr."""
    rows = _write(
        tmp_path / "delegations.yaml",
        "- label: {nested: dict}",
        "  delegation_of: kg:cambodia",
        "- label: Example",
        "  delegation_to: [{nested: dict}]",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert [p.split(": not a text value")[0] for p in caught.value.problems] == [
        f"{rows}: row 1, column label",
        f"{rows}: row 2, column delegation_to",
    ]
    assert "nested" not in str(caught.value)


def test_a_missing_required_column_is_reported_once(tmp_path: Path) -> None:
    """A required column missing from the header is one problem, before the rows' own."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,start_date,source",
        "Example One,កិច្ចប្រជុំគំរូ ៩,2020-11-02,kg:src-asean-hcs-2020",
        "Example Two,កិច្ចប្រជុំគំរូ ១០,2020-13-02,kg:src-asean-hcs-2020",
        "Example Three,កិច្ចប្រជុំគំរូ ១១,2020-11-02,kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: column framework: required, not in the header",
        f"{rows}: row 3, column start_date: '2020-13-02' is not a date, e.g. 2020-11-02",
    ]


@pytest.mark.slow
def test_problems_are_listed_in_row_order(tmp_path: Path) -> None:
    """Problems found by different checks are listed by row, not by check."""
    rows = _write(
        tmp_path / "meetings.csv",
        "label,label_km,framework,start_date,organiser,source",
        "Example Meeting,កិច្ចប្រជុំគំរូ ១២,kg:accsm,2020-11-02,kg:no-such-agency,kg:src-asean-hcs-2020",
        "ACCSM Focal Points Meeting 2020,កិច្ចប្រជុំគំរូ ១៣,kg:accsm,2020-11-02,,kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert [p.split(", column")[0] for p in caught.value.problems] == [
        f"{rows}: row 2",
        f"{rows}: row 3",
    ]


def test_a_bare_string_item_is_named(tmp_path: Path) -> None:
    """A YAML list item that is a string, not a mapping, is named with its row."""
    rows = _write(
        tmp_path / "delegations.yaml",
        "- label: Example",
        "- just a string",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: row 2: 'just a string' is not a row; a row is a mapping of column to value "
        "(column: value, each on its own line)"
    ]


def test_a_kind_contradicting_the_file_is_an_error(tmp_path: Path) -> None:
    """--kind meeting on a YAML file that says kind: delegation is refused, naming both."""
    with pytest.raises(CurationError, match="says kind: delegation, but the kind given is meeting"):
        import_file(CURATION / "delegations.yaml", kind="meeting", output=tmp_path / "out.trig")
    agreed = import_file(
        CURATION / "delegations.yaml", kind="delegation", output=tmp_path / "o.trig"
    )
    assert agreed.kind == "delegation"


# -- hostile files: refused by name, in time and memory in proportion to the file ----------------


def _alias_bomb(path: Path, width: int = 3, depth: int = 8) -> Path:
    """Anchors each repeating the one before ``width`` times, and a row whose source is the last."""
    repeat = ", ".join
    lines = ["kind: meeting", "defs:", f"  a0: &a0 [{repeat(['x'] * width)}]"]
    lines += [f"  a{n}: &a{n} [{repeat([f'*a{n - 1}'] * width)}]" for n in range(1, depth + 1)]
    lines += ["rows:", "  - label: Example alias bomb", "    framework: kg:accsm"]
    lines += ["    start_date: 2020-11-02", f"    source: *a{depth}"]
    return _write(path, *lines)


@pytest.mark.slow
def test_an_alias_bomb_is_refused_by_accsm_kg_import(tmp_path: Path) -> None:
    """Aliases of aliases (3 ** 9 sources from a 330-byte file) are refused, naming the line.

    The command runs in a child process: were the aliases expanded, it would run for minutes
    and the 30 s guard would stop it, failing the test.
    """
    rows = _alias_bomb(tmp_path / "rows.yaml")
    assert rows.stat().st_size < 400
    output = tmp_path / "out.trig"
    command = [sys.executable, "-m", "accsm_kg", "import", str(rows), "--output", str(output)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2, done.stderr
    assert re.search(
        rf"{re.escape(str(rows))}: line 10: \*a6 expands aliases beyond 10,0\d\d values \(a "
        r"file's aliases may repeat 10,000 values more than it writes out\); write the values out",
        done.stderr,
    ), done.stderr
    assert not output.exists()


def test_a_few_aliases_and_merge_keys_still_read(tmp_path: Path) -> None:
    """Anchors for a shared source and defaults merged into rows are read as written out."""
    rows = _write(
        tmp_path / "meetings.yaml",
        "defaults: &defaults {framework: kg:accsm, source: &src kg:src-asean-hcs-2020}",
        "rows:",
        "  - {<<: *defaults, label: Example One, start_date: 2020-11-02}",
        "  - {<<: *defaults, label: Example Two, start_date: 2020-11-03, host: [*src, *src]}",
    )
    _, read = read_rows(rows)
    assert [r.cells["framework"] for r in read] == [["kg:accsm"], ["kg:accsm"]]
    assert read[1].cells["host"] == ["kg:src-asean-hcs-2020"] * 2


def test_a_merge_key_bomb_is_refused(tmp_path: Path) -> None:
    """Merge keys (<<) of merge keys, 8 ** 6 keys from a few lines, are refused by line."""
    lines = ["a0: &a0 {x: 1, y: 2}"]
    lines += [f"a{n}: &a{n} {{<<: [{', '.join([f'*a{n - 1}'] * 8)}]}}" for n in range(1, 7)]
    rows = _write(tmp_path / "rows.yaml", *lines, "rows:", "  - {<<: *a6, label: x}")
    with pytest.raises(CurationError, match=r"rows\.yaml: line 5: \*a3 expands aliases beyond"):
        read_rows(rows)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- label: &a [x, *a]", "line 1: *a is inside its own anchor &a, so its value never ends"),
        (
            "- &r {label: x, part_of: *r}",
            "line 1: *r, the value of part_of, is inside its own anchor &r",
        ),
        ("[" * 10_000 + "]" * 10_000, "line 1: values nested more than 20 deep; a row is"),
        (
            "deep: &d " + "[" * 15 + "x" + "]" * 15 + "\nrows: [[[[[[*d]]]]]]",
            "line 2: *d nests values more than 20 deep",
        ),
    ],
    ids=["recursive-alias", "recursive-row", "nested-10000", "nested-by-alias"],
)
def test_endless_or_deep_yaml_is_refused(tmp_path: Path, text: str, message: str) -> None:
    """A recursive alias or values nested deeper than rows need: a CurationError by line."""
    rows = _write(tmp_path / "rows.yaml", text)
    with pytest.raises(CurationError) as caught:
        read_rows(rows)
    assert str(caught.value).startswith(f"{rows}: {message}"), str(caught.value)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "- label: !!python/object/apply:os.system [echo]",
            "not valid YAML (could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        ("- label: !!int x", "not valid YAML ('x' is not a value of tag:yaml.org,2002:int"),
        ("- label: !!bool maybe", "not valid YAML ('maybe' is not a value of"),
        ("- {[a, b]: x}", "not valid YAML (while constructing a mapping"),
        ("- label: a\x01b", "line 1, column 11: the character U+0001, which YAML does not allow"),
        ("- x: 1\n- y: 2\n---\n- z: 3", "not valid YAML (expected a single document"),
    ],
    ids=["python-tag", "int-tag", "bool-tag", "list-key", "control-character", "two-documents"],
)
def test_yaml_the_safe_loader_refuses_is_a_curation_error(
    tmp_path: Path, line: str, message: str
) -> None:
    """Tags that would run code, values their tag cannot read, bad keys: CurationError."""
    rows = _write(tmp_path / "meetings.yaml", line)
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert str(caught.value).startswith(f"{rows}: {message}"), str(caught.value)


def test_yaml_values_that_are_no_text_are_named(tmp_path: Path) -> None:
    """Binary data, sets, control characters and non-string keys are named by row and column."""
    rows = _write(
        tmp_path / "initiatives.yaml",
        "- label: !!binary aGVsbG8=",
        '  label_km: "a\\0b"',
        "  proposed_by: !!set {kg:cambodia}",
        "  1: x",
        "  ordinal: " + "9" * 5000,
        "- label: Example",
        "  proposed_for: !!omap [kg:a: 1]",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: row 1, column label: not a text value (binary data; write the value itself)",
        f"{rows}: row 1, column label_km: a control character (U+0000) is not text; remove it",
        f"{rows}: row 1, column proposed_by: not a text value (a set; write the value itself)",
        f"{rows}: row 2, column proposed_for: not a text value (a mapping; write the value itself)",
    ]


def test_impossible_dates_and_long_numbers_reach_the_cell_checks(tmp_path: Path) -> None:
    """2020-02-30 and a 5000-digit number are read as written, for their columns to refuse."""
    meetings = _write(
        tmp_path / "meetings.yaml",
        "- label: Example meeting",
        "  label_km: កិច្ចប្រជុំគំរូ",
        "  framework: kg:accsm",
        "  source: kg:src-asean-hcs-2020",
        "  start_date: 2020-02-30",
    )
    with pytest.raises(CurationError) as caught:
        import_file(meetings, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{meetings}: row 1, column start_date: '2020-02-30' is not a date, e.g. 2020-11-02"
    ]
    initiatives = _write(
        tmp_path / "initiatives.yaml",
        "- label: Example initiative",
        "  label_km: គម្រោងគំរូ",
        "  proposed_by: kg:cambodia",
        "  proposed_for: kg:accsm-work-plan-2021-2025",
        "  source: kg:src-mcs-2020-11-02-focal-points",
        "  ordinal: " + "9" * 5000,
    )
    with pytest.raises(CurationError) as caught:
        import_file(initiatives, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{initiatives}: row 1, column ordinal: '{'9' * 5000}' is not an integer, e.g. 8"
    ]


def test_a_cell_naming_no_iri_is_named(tmp_path: Path) -> None:
    """kg:a%zz or kg:a\\b expand to no IRI Turtle can hold: refused at their row and column."""
    rows = _write(
        tmp_path / "delegations.yaml",
        "- label: Example delegation",
        "  delegation_of: kg:cambodia",
        "  delegation_to: [kg:a%zz, 'kg:a\\b']",
        "  source: kg:src-asean-hcs-2020",
    )
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert [p.split(" is not an IRI: ")[0] for p in caught.value.problems] == [
        f"{rows}: row 1, column delegation_to: 'kg:a%zz'",
        f"{rows}: row 1, column delegation_to: 'kg:a\\\\b'",
    ]


def test_a_huge_csv_cell_is_a_curation_error(tmp_path: Path) -> None:
    """A cell past the csv module's field limit (an open quote, say) names the file and line."""
    rows = _write(tmp_path / "meetings.csv", "label,framework", '"' + "x" * 200_000 + ",kg:accsm")
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert str(caught.value) == (
        f"{rows}: line 2: a cell of more than 131,072 characters; is it a file of rows? (a quote "
        "left open runs on to the end of the file)"
    )


def test_nul_bytes_in_a_csv_file_are_named(tmp_path: Path) -> None:
    """A NUL byte (UTF-16 saved without its mark, or a binary file) names its line and column."""
    rows = tmp_path / "meetings.csv"
    rows.write_bytes(b"label,framework\nAB\0C,kg:accsm\n")
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert str(caught.value) == (
        f"{rows}: line 2, column 3: a NUL character, which no text holds; is the file UTF-16? "
        "(in a spreadsheet, save as 'CSV UTF-8')"
    )
    rows.write_bytes(b"label,framework\nA\x01B,kg:accsm\n")
    with pytest.raises(CurationError) as caught:
        import_file(rows, output=tmp_path / "out.trig")
    assert caught.value.problems == [
        f"{rows}: row 2, column label: a control character (U+0001) is not text; remove it"
    ]


def test_a_wide_csv_header_is_read_in_proportion(tmp_path: Path) -> None:
    """A header of 100,000 columns is checked for a column twice without comparing every pair.

    Comparing every pair took minutes; in a thread, the 30 s guard would fail the test then.
    """
    names = [f"c{n}" for n in range(100_000)]
    rows = _write(tmp_path / "meetings.csv", ",".join([*names, "c7"]), "x")
    found: list[BaseException] = []

    def read() -> None:
        try:
            read_rows(rows)
        except CurationError as error:
            found.append(error)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert [getattr(e, "problems", None) for e in found] == [
        [f"{rows}: line 1, column c7: in the header twice"]
    ]
