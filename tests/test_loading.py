"""Loading files: one named graph per file, all or nothing, errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg.loading import expand_paths, parse_file


def test_each_file_gets_its_own_named_graph(resources: Path) -> None:
    """A user file lands in a named graph whose IRI is the file's own IRI."""
    kg = accsm_kg.load(resources / "load" / "good.ttl", include_bundled=False)
    assert kg.graphs() == [URIRef((resources / "load" / "good.ttl").resolve().as_uri())]
    assert len(kg) == 1


def test_bundled_graphs_have_stable_iris(kg: accsm_kg.KnowledgeGraph) -> None:
    """Bundled files fill graphs under https://w3id.org/accsm-kg/graph/: a Turtle file its own,
    a TriG file of the data the graphs of its sources."""
    names = [str(g) for g in kg.graphs()]
    assert "https://w3id.org/accsm-kg/graph/ontology/accsm" in names
    assert "https://w3id.org/accsm-kg/graph/source/mcs-2020-11-02-focal-points" in names
    assert all(n.startswith("https://w3id.org/accsm-kg/graph/") for n in names)


def test_folders_are_searched_and_other_files_passed_over(resources: Path) -> None:
    """A folder loads every .ttl below it and skips files such as a README."""
    paths = expand_paths([resources / "folder"])
    assert [p.name for p in paths] == ["good.ttl", "more.ttl"]


def test_extra_files_are_added_on_top_of_the_bundled_data(
    resources: Path, kg: accsm_kg.KnowledgeGraph
) -> None:
    """load(path) keeps the bundled data and adds the file."""
    bigger = accsm_kg.load(resources / "load" / "good.ttl")
    assert len(bigger) == len(kg) + 1


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    [
        ("syntax-error.ttl", 5, 50, "not a valid RDF object"),
        ("undefined-prefix.ttl", 1, 1, "prefix kg: has not been declared"),
        ("bad-iri.ttl", 1, 1, "Invalid IRI"),
        ("bad-language-tag.ttl", 1, 83, "language"),
    ],
)
def test_syntax_errors_name_file_line_and_column(
    resources: Path, name: str, line: int, column: int, words: str
) -> None:
    """A file that does not parse raises TurtleSyntaxError with filename, lineno and offset."""
    path = resources / "load" / name
    with pytest.raises(accsm_kg.TurtleSyntaxError) as caught:
        accsm_kg.load(path, include_bundled=False)
    error = caught.value
    assert error.filename == str(path)
    assert (error.lineno, error.offset) == (line, column)
    assert words in str(error)
    assert str(error).startswith(f"{path}:{line}:{column}: ")
    assert isinstance(error, SyntaxError)


@pytest.mark.parametrize(
    ("name", "line", "datatype"),
    [("bad-date.ttl", 4, "xsd:date"), ("bad-integer.ttl", 4, "xsd:integer")],
)
def test_ill_typed_literals_are_refused(
    resources: Path, name: str, line: int, datatype: str
) -> None:
    """A literal that is not a value of its datatype is an error naming file, line and type."""
    path = resources / "load" / name
    with pytest.raises(accsm_kg.InvalidLiteralError) as caught:
        parse_file(path)
    assert caught.value.lineno == line
    assert f"{path}:{line}: " in str(caught.value)
    assert datatype in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist raises SourceNotFoundError (a FileNotFoundError)."""
    with pytest.raises(accsm_kg.SourceNotFoundError, match="no such file"):
        accsm_kg.load(tmp_path / "nowhere.ttl")


def test_unsupported_suffix(tmp_path: Path) -> None:
    """A file named other than .ttl or .nt is refused, not guessed at."""
    path = tmp_path / "data.csv"
    path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(accsm_kg.UnsupportedFileError, match=r"\.ttl"):
        accsm_kg.load(path)


def test_suffixes_in_capitals_and_lists_of_paths(tmp_path: Path) -> None:
    """DATA.TTL is Turtle as data.ttl is; load([a, b]) is load(a, b)."""
    upper = tmp_path / "DATA.TTL"
    upper.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    lower = tmp_path / "more.nt"
    lower.write_text("<urn:x:a> <urn:x:b> <urn:x:d> .\n", encoding="utf-8")
    assert len(accsm_kg.load(upper, include_bundled=False)) == 1
    assert len(accsm_kg.load([upper, lower], include_bundled=False)) == 2
    assert len(accsm_kg.load(tmp_path, include_bundled=False)) == 2


def test_all_or_nothing(resources: Path) -> None:
    """A good file followed by a bad one leaves the graph exactly as it was."""
    kg = accsm_kg.load(include_bundled=False)
    kg.add(resources / "folder" / "good.ttl")
    before = set(kg.store.quads())
    with pytest.raises(accsm_kg.TurtleSyntaxError):
        kg.add(
            resources / "folder" / "nested" / "more.ttl", resources / "load" / "syntax-error.ttl"
        )
    assert set(kg.store.quads()) == before


def test_reloading_a_file_replaces_its_graph(tmp_path: Path) -> None:
    """Adding the same file again replaces its graph rather than duplicating or merging."""
    path = tmp_path / "data.ttl"
    path.write_text('<https://e.org/a> <https://e.org/b> "1" .\n', encoding="utf-8")
    kg = accsm_kg.load(path, include_bundled=False)
    path.write_text('<https://e.org/a> <https://e.org/b> "2" .\n', encoding="utf-8")
    kg.add(path)
    assert [str(r[0]) for r in kg.query("SELECT ?o WHERE { ?s ?p ?o }")] == ["2"]


def test_blank_nodes_are_scoped_to_their_file(tmp_path: Path) -> None:
    """The same blank node label in two files names two different nodes."""
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text('_:b <https://e.org/p> "x" .\n', encoding="utf-8")
    kg = accsm_kg.load(tmp_path, include_bundled=False)
    assert len(kg.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")) == 2


@pytest.mark.parametrize(
    ("name", "line", "column", "words"),
    [
        ("latin1.ttl", 2, 41, "byte 0xE9 is not UTF-8"),
        ("utf16.ttl", 1, 1, "UTF-16"),
    ],
)
def test_wrong_encoding_names_file_line_and_column(
    resources: Path, name: str, line: int, column: int, words: str
) -> None:
    """A file that is not UTF-8 raises EncodingError at the first bad byte, saying so."""
    path = resources / "load" / name
    with pytest.raises(accsm_kg.EncodingError) as caught:
        accsm_kg.load(path, include_bundled=False)
    assert (caught.value.lineno, caught.value.offset) == (line, column)
    assert str(caught.value).startswith(f"{path}:{line}:{column}: ")
    assert words in str(caught.value)
    assert "save the file as UTF-8" in str(caught.value) or "UTF-16" in str(caught.value)


def test_byte_order_mark_is_accepted(resources: Path) -> None:
    """A UTF-8 byte-order mark is skipped: the file loads as if it had none."""
    kg = accsm_kg.load(resources / "load" / "bom.ttl", include_bundled=False)
    assert [str(r.o) for r in kg.query("SELECT ?o WHERE { ?s ?p ?o }")] == [
        "with a byte-order mark"
    ]


@pytest.mark.parametrize("name", ["empty.ttl", "blank.ttl"])
def test_empty_file_is_an_error(resources: Path, name: str) -> None:
    """A file with no bytes, or only white space, raises EmptyFileError naming it."""
    path = resources / "load" / name
    with pytest.raises(accsm_kg.EmptyFileError, match="the file is empty") as caught:
        accsm_kg.load(path, include_bundled=False)
    assert str(caught.value).startswith(f"{path}: ")
    assert isinstance(caught.value, accsm_kg.LoadError)


def test_folder_without_rdf_files_is_an_error(resources: Path) -> None:
    """A folder holding no .ttl, .nt or .trig file raises NoRdfFilesError listing what it holds."""
    folder = resources / "load" / "no-rdf"
    with pytest.raises(accsm_kg.NoRdfFilesError) as caught:
        accsm_kg.load(folder, include_bundled=False)
    assert str(caught.value).startswith(f"{folder}: no .ttl, .nt or .trig file")
    assert "README.md" in str(caught.value)
    assert "table.csv" in str(caught.value)


@pytest.mark.parametrize("bad", ["latin1.ttl", "empty.ttl", "bad-date.ttl", "syntax-error.ttl"])
def test_all_or_nothing_for_every_bad_input(resources: Path, bad: str) -> None:
    """A good file followed by any kind of bad one adds nothing."""
    kg = accsm_kg.load(include_bundled=False)
    with pytest.raises(accsm_kg.LoadError):
        kg.add(resources / "load" / "good.ttl", resources / "load" / bad)
    assert len(kg) == 0


@pytest.mark.parametrize("name", ["kg.nq", "kg.trig"])
@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.slow
def test_dumps_with_graphs_load_back_into_their_graphs(
    kg: accsm_kg.KnowledgeGraph, tmp_path: Path, name: str, store: accsm_kg.StoreName
) -> None:
    """An N-Quads or TriG dump loads back into the very graphs it was dumped from."""
    path = kg.dump(tmp_path / name)
    again = accsm_kg.load(path, include_bundled=False, store=store)
    assert again.graphs() == kg.graphs()
    for graph in kg.graphs():
        ask = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert again.query(ask, {"g": graph}) == kg.query(ask, {"g": graph}), graph
    # loaded with the bundled data in one call, the files add up: every triple is there once,
    # but for the blank nodes, which each file has its own of (as an RDF merge does)
    merged = accsm_kg.load(path, store=store)
    named = (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        "{ GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) } }"
    )
    assert merged.query(named) == kg.query(named)
    assert len(merged) > len(kg)
    # over a graph loaded before, the dump is refused, or replaces each graph with itself
    loaded = accsm_kg.load(store=store)
    with pytest.raises(accsm_kg.GraphConflictError, match="replace=True"):
        loaded.add(path)
    assert len(loaded) == len(kg)
    loaded.add(path, replace=True)
    assert len(loaded) == len(kg)


def test_dataset_files_get_the_usual_errors(tmp_path: Path) -> None:
    """A broken or ill-typed N-Quads file names file and line; its default graph is its own."""
    bad = tmp_path / "bad.nq"
    bad.write_text("<urn:x:a> <urn:x:b> <urn:x:c> <urn:x:g> .\n<urn:x:a> <urn:x:b> .\n", "utf-8")
    with pytest.raises(accsm_kg.TurtleSyntaxError) as caught:
        accsm_kg.load(bad, include_bundled=False)
    assert str(caught.value).startswith(f"{bad}:2:")
    typed = tmp_path / "typed.nq"
    typed.write_text(
        '<urn:x:a> <urn:x:b> "eight"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:x:g> .\n',
        "utf-8",
    )
    with pytest.raises(accsm_kg.InvalidLiteralError, match=r"typed\.nq:1"):
        accsm_kg.load(typed, include_bundled=False)
    mixed = tmp_path / "mixed.trig"
    mixed.write_text("<urn:x:a> <urn:x:b> 1 . <urn:x:g> { <urn:x:a> <urn:x:b> 2 }\n", "utf-8")
    graphs = {str(g) for g in accsm_kg.load(mixed, include_bundled=False).graphs()}
    assert graphs == {"urn:x:g", str(accsm_kg.resources.graph_iri(mixed))}


def test_folders_pass_over_dataset_files(tmp_path: Path) -> None:
    """In a folder, only .ttl and .nt are read: a dump beside them is not loaded twice."""
    (tmp_path / "a.ttl").write_text("<urn:x:a> <urn:x:b> 1 .\n", "utf-8")
    (tmp_path / "dump.nq").write_text("<urn:x:a> <urn:x:b> 2 <urn:x:g> .\n", "utf-8")
    assert len(accsm_kg.load(tmp_path, include_bundled=False)) == 1
