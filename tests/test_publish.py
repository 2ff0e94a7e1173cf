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
