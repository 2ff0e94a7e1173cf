"""Dumps: every format round-trips, and writing is atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import accsm_kg
from accsm_kg import KnowledgeGraph
from accsm_kg.terms import from_oxigraph


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
@pytest.mark.slow
def test_dump_load_round_trip_is_isomorphic(kg: KnowledgeGraph, tmp_path: Path, fmt: str) -> None:
    """A Turtle or N-Triples dump loads back into an isomorphic graph."""
    path = kg.dump(tmp_path / f"kg.{'ttl' if fmt == 'turtle' else 'nt'}", fmt)
    again = accsm_kg.load(path, include_bundled=False)
    assert isomorphic(again.union(), kg.union())


@pytest.mark.parametrize(
    ("fmt", "oxigraph_format"),
    [
        ("nquads", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
@pytest.mark.slow
def test_dumps_with_graphs_keep_each_file_graph(
    kg: KnowledgeGraph, tmp_path: Path, fmt: str, oxigraph_format: ox.RdfFormat
) -> None:
    """N-Quads, TriG and JSON-LD keep each file's named graph whole (read back by Oxigraph)."""
    path = kg.dump(tmp_path / f"kg.{fmt}", fmt)
    found: dict[str, Graph] = {}
    for quad in ox.parse(path=path, format=oxigraph_format):
        graph = found.setdefault(quad.graph_name.value, Graph())
        graph.add(tuple(from_oxigraph(t) for t in (quad.subject, quad.predicate, quad.object)))
    expected: dict[str, Graph] = {}
    for s, p, o, g in kg.store.quads():
        expected.setdefault(str(g), Graph()).add((s, p, o))
    assert found.keys() == expected.keys()
    for name, graph in expected.items():
        assert isomorphic(found[name], graph), name


def test_turtle_dump_uses_readable_prefixes(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """The Turtle dump declares the project's prefixes and keeps Khmer as text."""
    text = kg.dump(tmp_path / "kg.ttl").read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/accsm-kg/id/> ." in text
    assert "ឈី វិជ្ជរ៉ា" in text


def test_unknown_format(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """An unknown format is refused with the list of known ones, and nothing is written."""
    with pytest.raises(accsm_kg.FormatError, match="turtle, ntriples"):
        kg.dump(tmp_path / "kg.xyz", "xyz")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_dump(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the earlier file is intact and no temporary file is left."""
    path = tmp_path / "kg.ttl"
    path.write_text("previous", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(accsm_kg.DumpError, match="No space left"):
        kg.dump(path)
    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_dump_into_missing_folder(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """Dumping into a folder that does not exist is a DumpError naming it."""
    with pytest.raises(accsm_kg.DumpError, match="does not exist"):
        kg.dump(tmp_path / "missing" / "kg.ttl")


@pytest.mark.parametrize(
    ("name", "oxigraph_format"),
    [
        ("kg.ttl", ox.RdfFormat.TURTLE),
        ("kg.nt", ox.RdfFormat.N_TRIPLES),
        ("kg.nq", ox.RdfFormat.N_QUADS),
        ("kg.trig", ox.RdfFormat.TRIG),
        ("KG.JSONLD", ox.RdfFormat.JSON_LD),
    ],
)
@pytest.mark.slow
def test_dump_format_follows_the_suffix(
    kg: KnowledgeGraph, tmp_path: Path, name: str, oxigraph_format: ox.RdfFormat
) -> None:
    """Without a format, the file's suffix names it: a .nq dump is N-Quads, graphs and all."""
    path = kg.dump(tmp_path / name)
    quads = list(ox.parse(path=path, format=oxigraph_format))
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(kg.union())
    if oxigraph_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD):
        assert len({q.graph_name for q in quads}) == len(kg.graphs())


def test_dump_with_an_unknown_suffix_needs_a_format(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """A suffix that names no format is an error, unless the format is given."""
    with pytest.raises(accsm_kg.FormatError, match=r"kg\.txt: cannot tell the format.*\.nq"):
        kg.dump(tmp_path / "kg.txt")
    assert list(tmp_path.iterdir()) == []
    assert kg.dump(tmp_path / "kg.txt", "ntriples").read_text(encoding="utf-8").count(" .\n") > 0


def test_dumps_get_the_usual_file_mode(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """A new dump gets the mode new files get (umask 022: 0644); a replaced one keeps its own."""
    previous = os.umask(0o022)
    try:
        fresh = kg.dump(tmp_path / "kg.ttl")
    finally:
        os.umask(previous)
    assert fresh.stat().st_mode & 0o777 == 0o644
    kept = tmp_path / "kept.nt"
    kept.write_text("", encoding="utf-8")
    kept.chmod(0o640)
    kg.dump(kept)
    assert kept.stat().st_mode & 0o777 == 0o640


def test_dump_where_no_file_can_be_made(kg: KnowledgeGraph) -> None:
    """A folder where no file can be created gives a DumpError, not the OS's own error."""
    with pytest.raises(accsm_kg.DumpError, match=r"/proc/kg\.ttl: could not be written"):
        kg.dump("/proc/kg.ttl")
