"""Diffs: the triples added and removed between two dumps, by subject, as text and Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph

import accsm_kg
from accsm_kg import KnowledgeGraph, TurtleSyntaxError, diff_dumps
from accsm_kg.cli import main
from accsm_kg.resources import shapes_paths


@pytest.fixture(scope="module")
def dumps(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph dumped as Turtle, N-Quads and JSON-LD."""
    folder = tmp_path_factory.mktemp("dumps")
    for name, fmt in (("kg.ttl", "turtle"), ("kg.nq", "nquads"), ("kg.jsonld", "jsonld")):
        kg.dump(folder / name, fmt)
    return folder


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph plus one triple, dumped as N-Triples."""
    path = tmp_path_factory.mktemp("changed") / "kg.nt"
    extra = Path(__file__).parent / "resources" / "release" / "one-more-triple.ttl"
    accsm_kg.load(extra).dump(path, "ntriples")
    return path


@pytest.mark.slow
def test_same_graph_in_other_formats_is_equal(dumps: Path) -> None:
    """Turtle, N-Quads and JSON-LD dumps of one graph show no change."""
    assert diff_dumps(dumps / "kg.ttl", dumps / "kg.nq").equal
    assert diff_dumps(dumps / "kg.nq", dumps / "kg.jsonld").equal


def test_blank_node_labels_do_not_count(resources: Path) -> None:
    """One graph written with other blank-node labels shows no change."""
    folder = resources / "release"
    changes = diff_dumps(folder / "blank-nodes-a.ttl", folder / "blank-nodes-b.ttl")
    assert changes.equal, changes.to_text()


@pytest.mark.slow
def test_many_copies_of_one_structure_compare_at_once(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """A folder of several dumps of the graph (blank nodes alike in each) equals itself."""
    for n in range(4):
        kg.dump(tmp_path / f"copy-{n}.ttl")
    assert diff_dumps(tmp_path, tmp_path).equal


def test_a_changed_blank_node_is_reported(tmp_path: Path) -> None:
    """A blank node whose triples changed shows as removed and added; the others do not."""
    old, new = tmp_path / "old.ttl", tmp_path / "new.ttl"
    head = "@prefix e: <https://e.org/> .\n"
    old.write_text(head + "e:a e:p [ e:q 1 ] . e:b e:p [ e:q 2 ] . e:c e:r 3 .\n", "utf-8")
    new.write_text(head + "e:a e:p [ e:q 1 ] . e:b e:p [ e:q 5 ] . e:c e:r 3 .\n", "utf-8")
    changes = diff_dumps(old, new)
    assert [str(t[2]) for t in changes.removed if str(t[1]).endswith("q")] == ["2"]
    assert [str(t[2]) for t in changes.added if str(t[1]).endswith("q")] == ["5"]
    assert all("e.org/a" not in str(t[0]) for t in (*changes.added, *changes.removed))


def test_unchanged_blank_nodes_stay_matched_when_others_are_added(resources: Path) -> None:
    """Adding an unrelated blank-node structure reports it alone, not the unchanged list."""
    folder = resources / "release"
    changes = diff_dumps(folder / "blank-nodes-old.ttl", folder / "blank-nodes-new.ttl")
    assert changes.removed == ()
    assert len(changes.added) == 4
    assert changes.summary().startswith("4 triples added, 0 removed")
    named = {str(t[0]) for t in changes.added if not isinstance(t[0], BNode)}
    assert named == {"https://w3id.org/accsm-kg/shapes#LabelProperty"}
    back = diff_dumps(folder / "blank-nodes-new.ttl", folder / "blank-nodes-old.ttl")
    assert (len(back.added), len(back.removed)) == (0, 4)


def test_copies_of_one_blank_node_structure_are_counted(tmp_path: Path) -> None:
    """A second copy of an unchanged structure is added once; the first is not reported."""
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    one = '<https://e.org/a> <https://e.org/p> _:{0} .\n_:{0} <https://e.org/q> "1" .\n'
    old.write_text(one.format("x"), encoding="utf-8")
    new.write_text(one.format("y") + one.format("z"), encoding="utf-8")
    changes = diff_dumps(old, new)
    assert (len(changes.added), len(changes.removed)) == (2, 0)
    assert diff_dumps(new, new).equal


@pytest.mark.slow
def test_shapes_added_to_the_bundled_graph_remove_nothing(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    """The bundled graph, then with the shapes' triples added: only the shapes' triples show."""
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    kg.dump(old, "ntriples")
    shapes = Graph()
    for path in shapes_paths():
        shapes.parse(path)
    with_shapes = Graph()
    with_shapes.parse(old)
    with_shapes += shapes
    with_shapes.serialize(new, format="nt", encoding="utf-8")
    changes = diff_dumps(old, new)
    assert changes.removed == ()
    assert len(changes.added) == len(shapes)


@pytest.mark.slow
def test_one_added_triple_is_reported_with_its_subject_label(dumps: Path, changed: Path) -> None:
    """The text names the subject with its English and Khmer labels, and the added triple."""
    changes = diff_dumps(dumps / "kg.ttl", changed)
    assert not changes.equal
    assert len(changes.added) == 1
    assert changes.removed == ()
    text = changes.to_text()
    assert text.splitlines()[0].startswith("1 triple added, 0 removed, in 1 subject")
    assert "kg:cambodia  (Cambodia / កម្ពុជា)" in text
    assert '  + rdfs:comment "A test comment, not a fact of any source."@en' in text


def test_removed_triples_and_markdown(dumps: Path, changed: Path) -> None:
    """The other way round, the triple is removed; Markdown gives a table per subject."""
    markdown = diff_dumps(changed, dumps / "kg.jsonld").to_markdown()
    assert "### `kg:cambodia` — Cambodia / កម្ពុជា" in markdown
    assert "| change | predicate | object |" in markdown
    assert '| removed | `rdfs:comment` | `"A test comment, not a fact of any source."@en` |' in (
        markdown
    )


@pytest.mark.slow
def test_cli_exit_codes(dumps: Path, changed: Path, resources: Path) -> None:
    """accsm-kg diff exits 0 when equal, 1 when different, 2 on a file that does not parse."""
    runner = CliRunner()
    same = runner.invoke(main, ["diff", str(dumps / "kg.ttl"), str(dumps / "kg.nq")])
    assert same.exit_code == 0
    assert same.stdout.startswith("no change")
    different = runner.invoke(main, ["diff", str(dumps / "kg.ttl"), str(changed), "-f", "markdown"])
    assert different.exit_code == 1
    assert different.stdout.startswith("## Changes from")
    broken = runner.invoke(
        main, ["diff", str(dumps / "kg.ttl"), str(resources / "release" / "broken.nt")]
    )
    assert broken.exit_code == 2
    assert "broken.nt:2" in broken.stderr


def test_errors_name_the_file(resources: Path, tmp_path: Path) -> None:
    """A file that does not parse, or does not exist, or is not RDF, raises a named error."""
    with pytest.raises(TurtleSyntaxError) as caught:
        diff_dumps(resources / "release" / "broken.nt", resources / "release" / "broken.nt")
    assert caught.value.lineno == 2
    with pytest.raises(accsm_kg.SourceNotFoundError):
        diff_dumps(tmp_path / "missing.ttl", tmp_path / "missing.ttl")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(accsm_kg.UnsupportedFileError):
        diff_dumps(tmp_path / "notes.txt", tmp_path / "notes.txt")


def test_a_file_diff_does_not_read_names_the_formats_it_reads(dumps: Path, tmp_path: Path) -> None:
    """Diffing SHA256SUMS lists every suffix diff reads, not just .ttl and .nt; exit 2."""
    sums = tmp_path / "SHA256SUMS"
    sums.write_text("0" * 64 + "  accsm-kg.nt\n", encoding="utf-8")
    with pytest.raises(accsm_kg.UnsupportedFileError) as caught:
        diff_dumps(sums, dumps / "kg.ttl")
    assert str(caught.value) == (
        f"{sums}: not an RDF file accsm-kg diff reads (use .ttl for Turtle, .nt for N-Triples, "
        ".nq for N-Quads, .trig for TriG, .jsonld for JSON-LD, or .owl or .rdf for RDF/XML)"
    )
    assert caught.value.filename == str(sums)
    result = CliRunner().invoke(main, ["diff", str(sums), str(dumps / "kg.ttl")])
    assert result.exit_code == 2
    assert ".jsonld for JSON-LD" in result.stderr
