"""Synthetic data: deterministic, the size asked for, conforming, and with exactly its faults."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef

import accsm_kg
from accsm_kg import InvalidLiteralError, KnowledgeGraph, OptionError, named_queries
from accsm_kg.cli import main
from accsm_kg.errors import DumpError
from accsm_kg.synth import (
    DEFAULT_FAULT_KINDS,
    MIN_TRIPLES,
    Synthesis,
    _text,
    generate,
    parse_count,
)

SYNTH = "https://w3id.org/accsm-kg/id/synth-"
SIZE = 12_000


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """A small synthetic file without faults."""
    return generate(tmp_path_factory.mktemp("synth") / "synth.ttl", triples=SIZE, seed=11)


@pytest.fixture(scope="module")
def synthetic(made: Synthesis) -> KnowledgeGraph:
    """The bundled data with the synthetic file on top."""
    return accsm_kg.load(made.path)


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    """The same size and seed write the same bytes; another seed writes other data."""
    one = generate(tmp_path / "one.ttl", triples=MIN_TRIPLES, seed=1)
    two = generate(tmp_path / "two.ttl", triples=MIN_TRIPLES, seed=1)
    other = generate(tmp_path / "other.ttl", triples=MIN_TRIPLES, seed=2)
    assert one.path.read_bytes() == two.path.read_bytes()
    assert one.path.read_bytes() != other.path.read_bytes()


@pytest.mark.parametrize("size", [MIN_TRIPLES, 25_000, 60_000])
def test_size_is_close_to_the_one_asked_for(tmp_path: Path, size: int) -> None:
    """The file holds within 2% of the triples asked for, and exactly as many as reported."""
    result = generate(tmp_path / "synth.ttl", triples=size, seed=3)
    assert abs(result.triples - size) <= size * 0.02
    store = ox.Store()
    store.bulk_load(path=str(result.path), format=ox.RdfFormat.TURTLE)
    assert len(store) == result.triples


def test_only_the_file_is_left(tmp_path: Path) -> None:
    """Nothing but the file is left in its folder (the temporary file was renamed)."""
    generate(tmp_path / "synth.ttl", triples=MIN_TRIPLES)
    assert [p.name for p in tmp_path.iterdir()] == ["synth.ttl"]


@pytest.mark.slow
def test_parses_with_rdflib_too(made: Synthesis) -> None:
    """rdflib reads the file and finds the same number of triples."""
    assert len(Graph().parse(made.path, format="turtle")) == made.triples


def test_conforms_with_the_bundled_data(synthetic: KnowledgeGraph) -> None:
    """Loaded with the bundled ontology and data, the synthetic data satisfies every shape."""
    report = synthetic.validate()
    assert report.conforms, str(report)


def test_every_individual_is_synthetic(made: Synthesis) -> None:
    """Every subject the file describes is named kg:synth-…."""
    store = ox.Store()
    store.bulk_load(path=str(made.path), format=ox.RdfFormat.TURTLE)
    subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None)}
    assert subjects
    assert all(s.startswith(SYNTH) for s in subjects)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_finds_synthetic_rows(
    kg: KnowledgeGraph, synthetic: KnowledgeGraph, name: str
) -> None:
    """Each named query answers with the synthetic data, not only with the bundled data."""
    rows = synthetic.named_query(name)
    if name in {"class-instances", "property-usage"}:  # the ontology's terms: compare counts
        bundled = {r[0]: int(r[1]) for r in kg.named_query(name)}
        grown = [r[0] for r in rows if int(r[1]) > bundled.get(r[0], 0)]
        assert len(grown) >= 15, grown
        return
    synthetic_rows = [r for r in rows if any(str(v).startswith(SYNTH) for v in r)]
    assert synthetic_rows, f"{name}: no row about the synthetic data"


def test_people_have_english_and_khmer_names(synthetic: KnowledgeGraph) -> None:
    """Heads of delegation have a name in English and one in Khmer script."""
    rows = synthetic.named_query("delegation-heads")
    heads = [r for r in rows if str(r.head).startswith(SYNTH)]
    assert heads
    for row in heads[:50]:
        assert str(row.name_en).isascii()
        assert all("\u1780" <= c <= "\u17ff" or c == " " for c in str(row.name_km))


@pytest.mark.slow
def test_faults_are_found_exactly(tmp_path: Path) -> None:
    """The validator reports the injected faults, each on its node and constraint, and no more."""
    count = 2 * len(DEFAULT_FAULT_KINDS)
    result = generate(tmp_path / "faulty.ttl", triples=20_000, seed=5, faults=count)
    assert len(result.faults) == count
    assert Counter(f.kind for f in result.faults) == dict.fromkeys(DEFAULT_FAULT_KINDS, 2)
    assert len({f.focus_node for f in result.faults}) == count
    report = accsm_kg.load(result.path).validate()
    assert not report.conforms
    found = {(v.focus_node, v.constraint, v.path) for v in report.violations}
    assert found == {(f.focus_node, f.constraint, f.path) for f in result.faults}


def test_fault_lines_point_at_the_focus_node(tmp_path: Path) -> None:
    """Each fault's line is where its focus node's description starts."""
    result = generate(tmp_path / "faulty.ttl", triples=MIN_TRIPLES, seed=2, faults=5)
    lines = result.path.read_text(encoding="utf-8").splitlines()
    for fault in result.faults:
        local = str(fault.focus_node).removeprefix("https://w3id.org/accsm-kg/id/")
        assert lines[fault.line - 1].startswith(f"kg:{local} "), fault


def test_faults_leave_the_rest_as_it_was(tmp_path: Path) -> None:
    """The same seed with and without faults differs only in a few lines per fault."""
    clean = generate(tmp_path / "clean.ttl", triples=SIZE, seed=9)
    faulty = generate(tmp_path / "faulty.ttl", triples=SIZE, seed=9, faults=6)
    diff = difflib.unified_diff(
        clean.path.read_text(encoding="utf-8").splitlines(),
        faulty.path.read_text(encoding="utf-8").splitlines(),
        n=0,
    )
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert 0 < len(changed) <= 4 * 6


def test_an_ill_typed_literal_is_refused_at_load(tmp_path: Path) -> None:
    """Asked for by name, an ill-typed date is injected; loading names it and stops."""
    result = generate(
        tmp_path / "ill.ttl", triples=MIN_TRIPLES, faults=1, fault_kinds=["ill-typed-literal"]
    )
    [fault] = result.faults
    assert fault.kind == "ill-typed-literal"
    assert fault.path == URIRef("https://schema.org/endDate")
    with pytest.raises(InvalidLiteralError, match="02-30"):
        accsm_kg.load(result.path)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"triples": MIN_TRIPLES - 1}, "at least"),
        ({"triples": True}, "at least"),
        ({"triples": MIN_TRIPLES, "seed": -1}, "seed"),
        ({"triples": MIN_TRIPLES, "faults": 10_000}, "meetings to put them on"),
        ({"triples": MIN_TRIPLES, "faults": 1, "fault_kinds": ["typo"]}, "unknown fault kind"),
    ],
)
def test_options_that_cannot_be_used_are_refused(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    """A size, seed or number of faults that cannot be used raises OptionError, writing nothing."""
    with pytest.raises(OptionError, match=message):
        generate(tmp_path / "x.ttl", **options)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    """Writing into a folder that does not exist raises DumpError naming it."""
    with pytest.raises(DumpError, match="does not exist"):
        generate(tmp_path / "no" / "x.ttl", triples=MIN_TRIPLES)


@pytest.mark.parametrize(
    ("text", "value"), [("6000", 6_000), ("100_000", 100_000), ("100k", 100_000), ("1M", 10**6)]
)
def test_parse_count(text: str, value: int) -> None:
    """Sizes are read with k and M suffixes and underscores."""
    assert parse_count(text) == value


@given(st.text())
def test_strings_are_escaped_for_turtle(value: str) -> None:
    """Any string, quotes, backslashes and control characters included, reads back unchanged."""
    turtle = f"<urn:s> <urn:p> {_text(value)} .\n".encode()
    [triple] = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    assert triple.object.value == value


def test_cli_writes_and_lists_faults(tmp_path: Path) -> None:
    """accsm-kg synth writes the file, prints one line per fault and a summary."""
    target = tmp_path / "synth.ttl"
    result = CliRunner().invoke(
        main,
        ["synth", "--triples", "6k", "--seed", "4", "--faults", "3", "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert target.exists()
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("kg:synth-") and "\tline " in line for line in lines)
    assert "triples to" in result.stderr
    assert "seed 4" in result.stderr
    again = generate(tmp_path / "again.ttl", triples=6_000, seed=4, faults=3)
    assert target.read_bytes() == again.path.read_bytes()


def test_cli_refuses_a_bad_size(tmp_path: Path) -> None:
    """A size that is not a number is one line of error, exit code 2."""
    result = CliRunner().invoke(main, ["synth", "--triples", "lots", "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2
    assert "Error: 'lots' is not a number of triples" in result.stderr
