"""Releases: byte-identical, complete, described, and read back by three parsers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF
from servers import require_tool

import accsm_kg
from accsm_kg import KnowledgeGraph, ReleaseError, RoundTripError, make_release
from accsm_kg import release as release_module
from accsm_kg.cli import main
from accsm_kg.loading import ParsedFile, parse_file
from accsm_kg.release import INFERRED_GRAPH_BASE, ONTOLOGY_GRAPH_BASE
from accsm_kg.resources import shapes_paths
from accsm_kg.terms import from_oxigraph

ISSUED = dt.date(2025, 1, 31)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")


def _rapper() -> str:
    return require_tool("rapper")


@pytest.fixture(scope="module")
def released(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of the bundled graph, checked with all three parsers."""
    _rapper()
    folder = tmp_path_factory.mktemp("release") / "0.1.0"
    make_release(kg, folder, version="0.1.0", issued=ISSUED, rapper=True)
    return folder


def _release_in_subprocess(folder: Path, *extra: str, seed: str = "12345") -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "accsm_kg", "release", "--version", "0.1.0", "-o", str(folder),
         "--issued", ISSUED.isoformat(), "--rapper", *extra],
        check=True, env=env, capture_output=True,
    )  # fmt: skip


def test_two_releases_are_byte_identical(released: Path, tmp_path: Path) -> None:
    """The same graph, version and date give the same bytes, in another process too."""
    again = tmp_path / "again"
    _release_in_subprocess(again)
    names = sorted(p.name for p in released.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (released / name).read_bytes() == (again / name).read_bytes(), name
    assert subprocess.run(["diff", "-r", str(released), str(again)], check=False).returncode == 0


def test_release_holds_every_file(released: Path) -> None:
    """A release has the ontology, data and shapes, the whole graph in 3 forms, VoID and sums."""
    assert sorted(p.name for p in released.iterdir()) == [
        "SHA256SUMS",
        "accsm-kg-data.ttl",
        "accsm-kg-ontology.owl",
        "accsm-kg-ontology.ttl",
        "accsm-kg-shapes.ttl",
        "accsm-kg-void.ttl",
        "accsm-kg.jsonld",
        "accsm-kg.nq",
        "accsm-kg.nt",
    ]


def test_sha256sums_list_every_file(released: Path) -> None:
    """SHA256SUMS has the right hash of every other file, in sha256sum's format."""
    lines = (released / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    others = {p.name for p in released.iterdir()} - {"SHA256SUMS"}
    assert set(listed) == others
    for name, digest in listed.items():
        assert hashlib.sha256((released / name).read_bytes()).hexdigest() == digest
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=released, check=False)
        assert check.returncode == 0


def test_one_triple_change_differs_only_in_that_triple(
    released: Path, tmp_path: Path, resources: Path
) -> None:
    """After adding one triple, `diff` shows that triple alone in each dump of the graph."""
    changed = tmp_path / "changed"
    _release_in_subprocess(changed, "--data", str(resources / "release" / "one-more-triple.ttl"))
    triple = (
        "<https://w3id.org/accsm-kg/id/cambodia> <http://www.w3.org/2000/01/rdf-schema#comment> "
        '"A test comment, not a fact of any source."@en'
    )

    def diff_lines(name: str) -> list[str]:
        done = subprocess.run(
            ["diff", str(released / name), str(changed / name)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 1, name
        return [line for line in done.stdout.splitlines() if line[:1] in "<>"]

    assert diff_lines("accsm-kg.nt") == [f"> {triple} ."]
    graph = "<https://w3id.org/accsm-kg/graph/local/one-more-triple>"  # not where it sat
    assert diff_lines("accsm-kg.nq") == [f"> {triple} {graph} ."]
    assert diff_lines("accsm-kg-data.ttl") == [
        '> \trdfs:comment "A test comment, not a fact of any source."@en ;'
    ]
    for name in ("accsm-kg-ontology.ttl", "accsm-kg-ontology.owl", "accsm-kg-shapes.ttl"):
        assert (released / name).read_bytes() == (changed / name).read_bytes(), name
    changes = accsm_kg.diff_dumps(released, changed)
    assert len(changes.added) == 1
    assert not changes.removed


def _rdflib_graph(quads: list[tuple[object, ...]]) -> Graph:
    graph = Graph()
    for s, p, o, *_ in quads:
        graph.add((s, p, o))  # type: ignore[arg-type]
    return graph


def _expected(kg: KnowledgeGraph, name: str) -> dict[str, Graph]:
    """What a file must hold, by named graph ("" for the default graph), made from kg itself."""
    quads = list(kg.store.quads())
    ontology = [q for q in quads if str(q[3]).startswith(ONTOLOGY_GRAPH_BASE)]
    data = [q for q in quads if not str(q[3]).startswith(ONTOLOGY_GRAPH_BASE)]
    if name in ("accsm-kg-ontology.ttl", "accsm-kg-ontology.owl"):
        return {"": _rdflib_graph(ontology)}
    if name == "accsm-kg-data.ttl":
        return {"": _rdflib_graph(data)}
    if name == "accsm-kg-shapes.ttl":
        shapes = Graph()
        for path in shapes_paths():
            shapes += parse_file(path).triples
        return {"": shapes}
    if name == "accsm-kg.nt":
        return {"": _rdflib_graph(quads)}
    graphs: dict[str, Graph] = {}
    for s, p, o, g in quads:
        graphs.setdefault(str(g), Graph()).add((s, p, o))
    return graphs


SYNTAX = {  # file -> (rdflib format, Oxigraph format, rapper format or None)
    "accsm-kg-ontology.ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle"),
    "accsm-kg-ontology.owl": ("xml", ox.RdfFormat.RDF_XML, "rdfxml"),
    "accsm-kg-data.ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle"),
    "accsm-kg-shapes.ttl": ("turtle", ox.RdfFormat.TURTLE, "turtle"),
    "accsm-kg.nt": ("nt", ox.RdfFormat.N_TRIPLES, "ntriples"),
    "accsm-kg.nq": ("nquads", ox.RdfFormat.N_QUADS, "nquads"),
    "accsm-kg.jsonld": ("json-ld", ox.RdfFormat.JSON_LD, None),  # rapper reads no JSON-LD
}


def _by_graph_oxigraph(data: bytes, fmt: ox.RdfFormat) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(data, format=fmt):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, Graph()).add(
            tuple(from_oxigraph(t) for t in (quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]
        )
    return graphs


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", sorted(SYNTAX))
@pytest.mark.parametrize("parser", ["rdflib", "pyoxigraph", "rapper or pyld"])
def test_every_file_parses_back_to_its_graph(
    kg: KnowledgeGraph, released: Path, name: str, parser: str
) -> None:
    """Each file, read by rdflib, Oxigraph and rapper (PyLD for JSON-LD), is isomorphic."""
    rdflib_format, ox_format, rapper_format = SYNTAX[name]
    data = (released / name).read_bytes()
    if parser == "rdflib":
        dataset = Dataset()
        dataset.parse(data=data, format=rdflib_format)
        found: dict[str, Graph] = {}
        for s, p, o, g in dataset.quads((None, None, None, None)):
            graph_name = g.identifier if isinstance(g, Graph) else g
            key = "" if str(graph_name) == "urn:x-rdflib:default" else str(graph_name)
            found.setdefault(key, Graph()).add((s, p, o))
    elif parser == "pyoxigraph":
        found = _by_graph_oxigraph(data, ox_format)
    elif rapper_format is None:  # rapper reads no JSON-LD: PyLD is the third reader
        from pyld import jsonld

        def refuse(url: str, options: object = None) -> None:
            raise AssertionError(f"a remote context was fetched: {url}")

        nquads = jsonld.to_rdf(
            json.loads(data), {"format": "application/n-quads", "documentLoader": refuse}
        )
        found = _by_graph_oxigraph(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS)
    else:
        done = subprocess.run(
            [_rapper(), "-q", "-i", rapper_format, "-o", "nquads", "-", "http://example.org/"],
            input=data, capture_output=True, check=True,
        )  # fmt: skip
        found = _by_graph_oxigraph(done.stdout, ox.RdfFormat.N_QUADS)
    expected = _expected(kg, name)
    assert sorted(found) == sorted(expected)
    for graph_name, graph in expected.items():
        assert isomorphic(found[graph_name], graph), (name, graph_name)


def test_void_and_dcat_describe_the_release(kg: KnowledgeGraph, released: Path) -> None:
    """The description gives version, date, licence, counts, and each file's type and size."""
    void = Graph().parse(released / "accsm-kg-void.ttl")
    dataset = URIRef("https://w3id.org/accsm-kg/release/0.1.0")
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert void.value(dataset, DCAT.version) == Literal("0.1.0")
    assert void.value(dataset, DCTERMS.issued) == Literal(ISSUED)
    assert void.value(dataset, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert void.value(dataset, DCTERMS.publisher) is not None
    assert void.value(dataset, DCTERMS.title) is not None
    assert int(void.value(dataset, VOID.triples)) == len(kg)  # type: ignore[arg-type]
    meeting = URIRef("https://w3id.org/accsm-kg/ontology#Meeting")
    partition = void.value(predicate=VOID["class"], object=meeting)
    assert int(void.value(partition, VOID.entities)) == len(  # type: ignore[arg-type]
        set(kg.union().subjects(RDF.type, meeting))
    )
    files = {p.name for p in released.iterdir()} - {"SHA256SUMS", "accsm-kg-void.ttl"}
    for name in files:
        url = URIRef(f"{dataset}/{name}")
        assert (dataset, DCAT.distribution, url) in void, name
        assert int(void.value(url, DCAT.byteSize)) == (released / name).stat().st_size  # type: ignore[arg-type]
        assert str(void.value(url, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )


def test_inferred_triples_are_kept_apart(tmp_path: Path) -> None:
    """Triples in an inferred graph go to their own file, not into the asserted dumps."""
    kg = accsm_kg.load()
    inferred = Graph()
    triple = (
        URIRef("https://w3id.org/accsm-kg/id/cambodia"),
        RDF.type,
        URIRef("http://xmlns.com/foaf/0.1/Agent"),
    )
    inferred.add(triple)
    kg.store.add_files([ParsedFile(tmp_path, URIRef(INFERRED_GRAPH_BASE + "/test"), inferred)])
    made = make_release(kg, tmp_path / "out", version="0.1.0", issued=ISSUED, rapper=False)
    assert isomorphic(Graph().parse(made.folder / "accsm-kg-inferred.ttl"), inferred)
    assert triple not in Graph().parse(made.folder / "accsm-kg.nt")
    assert "accsm-kg-inferred.ttl" in made.sha256


def test_nothing_is_written_when_a_file_does_not_parse_back(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that does not read back as its graph stops the release before anything is written."""
    serialise = release_module._serialise

    def drop_a_line(quads: list[ox.Quad], syntax: object) -> bytes:
        data = serialise(quads, syntax)  # type: ignore[arg-type]
        return data.split(b"\n", 1)[1] if syntax is release_module._NTRIPLES else data

    monkeypatch.setattr(release_module, "_serialise", drop_a_line)
    with pytest.raises(RoundTripError, match=r"accsm-kg\.nt: read back with rdflib"):
        make_release(kg, tmp_path / "out", version="0.1.0", issued=ISSUED, rapper=False)
    assert list(tmp_path.iterdir()) == []


def test_bad_version_is_refused(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """A version that is not X.Y.Z is a ReleaseError (a ValueError)."""
    with pytest.raises(ReleaseError, match=r"X\.Y\.Z") as caught:
        make_release(kg, tmp_path, version="v1", issued=ISSUED, rapper=False)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "version", ["01.0.0", "0.01.0", "0.1.00", "1.0.0-rc.01", "1.0.0-", "1.0.0-a..b", "0.1.0\n"]
)
def test_leading_zeros_and_loose_versions_are_refused(
    kg: KnowledgeGraph, tmp_path: Path, version: str
) -> None:
    """A version part with a leading zero, an empty pre-release part, a newline: ReleaseError."""
    with pytest.raises(ReleaseError, match="semantic version") as caught:
        make_release(kg, tmp_path / "r", version=version, issued=ISSUED, rapper=False)
    assert repr(version) in str(caught.value)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("version", ["0.0.0", "0.1.0", "10.20.300", "1.0.0-rc.1", "1.0.0-0a.0"])
def test_semantic_versions_are_accepted(version: str) -> None:
    """X.Y.Z with parts 0 or without a leading zero, and semver pre-releases, pass the check."""
    assert release_module._VERSION.fullmatch(version)


def test_cli_release_leading_zero_exits_2(tmp_path: Path) -> None:
    """--version 01.0.0 is one line naming the version and exit 2; nothing is written."""
    result = CliRunner().invoke(
        main, ["release", "--version", "01.0.0", "-o", str(tmp_path / "r"), "--no-rapper"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: '01.0.0' is not a semantic version X.Y.Z")
    assert not (tmp_path / "r").exists()


def test_a_release_replaces_an_earlier_one_in_place(tmp_path: Path) -> None:
    """Released again into its folder, a release's files are replaced; the stale ones go."""
    with_inferred = accsm_kg.load()
    inferred = Graph()
    inferred.add((URIRef("https://w3id.org/accsm-kg/id/cambodia"), RDF.type, DCAT.Dataset))
    with_inferred.store.add_files(
        [ParsedFile(tmp_path, URIRef(INFERRED_GRAPH_BASE + "/test"), inferred)]
    )
    folder = tmp_path / "r"
    make_release(with_inferred, folder, version="0.1.0", issued=ISSUED, rapper=False)
    assert (folder / "accsm-kg-inferred.ttl").is_file()
    made = make_release(accsm_kg.load(), folder, version="0.2.0", issued=ISSUED, rapper=False)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in made.files)
    assert not (folder / "accsm-kg-inferred.ttl").exists()
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert {line.split("  ", 1)[1] for line in lines} == set(made.sha256)
    assert '"0.2.0"' in (folder / "accsm-kg-void.ttl").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["r"]  # no temporary beside it


def test_a_folder_holding_other_files_is_refused(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder with files a release does not write is refused by name, before any work."""
    folder = tmp_path / "r"
    make_release(kg, folder, version="0.1.0", issued=ISSUED, rapper=False)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "old-notes.txt").write_text("an earlier file", encoding="utf-8")
    (folder / "drafts").mkdir()

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the release was made before the folder was checked")

    monkeypatch.setattr(release_module, "canonical_quads", never)
    with pytest.raises(ReleaseError) as caught:
        make_release(kg, folder, version="0.2.0", issued=ISSUED, rapper=False)
    assert f"{folder}: the folder holds files that are not part of a release (drafts/, " in str(
        caught.value
    )
    assert "old-notes.txt)" in str(caught.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == {
        **before,
        "old-notes.txt": b"an earlier file",
    }
    with pytest.raises(ReleaseError, match="not a folder"):
        make_release(kg, folder / "old-notes.txt", version="0.2.0", rapper=False)


def test_cli_release_into_a_folder_of_other_files_exits_2(tmp_path: Path) -> None:
    """accsm-kg release -o DIR, DIR holding a stray file: one line naming it, exit 2."""
    (tmp_path / "stray.ttl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["release", "--version", "0.1.0", "-o", str(tmp_path), "--no-rapper"]
    )
    assert result.exit_code == 2
    assert "not part of a release (stray.ttl)" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["stray.ttl"]


def test_an_interrupted_rewrite_leaves_the_earlier_release_whole(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release failing mid-write over an earlier one leaves that one whole, and no temporary."""
    folder = tmp_path / "r"
    make_release(kg, folder, version="0.1.0", issued=ISSUED, rapper=False)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    written: list[str] = []
    write = release_module._write_file

    def fail_second(path: Path, data: bytes) -> None:
        if written:
            raise PermissionError(13, "Permission denied", str(path))
        written.append(path.name)
        write(path, data)

    monkeypatch.setattr(release_module, "_write_file", fail_second)
    with pytest.raises(ReleaseError, match=r"r/accsm-kg-ontology\.owl: cannot be written"):
        make_release(kg, folder, version="0.2.0", issued=ISSUED, rapper=False)
    assert written == ["accsm-kg-ontology.ttl"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_missing_rapper_is_named(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asking for rapper where it is not installed says which package to install."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReleaseError, match="raptor2-utils"):
        make_release(kg, tmp_path, version="0.1.0", issued=ISSUED, rapper=True)


def test_cli_release(tmp_path: Path) -> None:
    """accsm-kg release writes the files, lists them, and says how they were checked."""
    result = CliRunner().invoke(
        main,
        ["release", "--version", "1.2.3", "-o", str(tmp_path / "r"), "--issued", "2025-02-01",
         "--no-rapper"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "r" / "SHA256SUMS") in result.stdout
    assert "release 1.2.3 (2025-02-01)" in result.stderr
    void = (tmp_path / "r" / "accsm-kg-void.ttl").read_text(encoding="utf-8")
    assert '"2025-02-01"^^xsd:date' in void


def test_cli_release_bad_version_exits_2(tmp_path: Path) -> None:
    """A bad version is a short error and exit code 2."""
    result = CliRunner().invoke(main, ["release", "--version", "1", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "X.Y.Z" in result.stderr


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("notaurl", "it has no scheme"),
        ("/srv/releases/", "it has no scheme"),
        ("http://", "it names no host"),
        ("https://ex ample.org/", "Invalid IRI code point"),
    ],
)
def test_bad_base_url_is_refused_up_front(
    kg: KnowledgeGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base_url: str,
    problem: str,
) -> None:
    """A base URL that is not an absolute URL is a ReleaseError naming it, before any work."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the release was made before the base URL was checked")

    monkeypatch.setattr(release_module, "canonical_quads", never)
    with pytest.raises(ReleaseError) as caught:
        make_release(kg, tmp_path / "r", version="0.1.0", base_url=base_url, rapper=False)
    assert f"base URL {base_url!r} is not an absolute URL ({problem}" in str(caught.value)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "base_url", ["https://example.org/accsm-kg/0.1.0", "http://127.0.0.1:8000/r/", "file:///srv/r/"]
)
def test_absolute_base_urls_are_accepted(base_url: str) -> None:
    """http, https (with a host) and file URLs pass the base URL check."""
    release_module._check_base_url(base_url)


def test_cli_release_bad_base_url_exits_2(tmp_path: Path) -> None:
    """--base-url notaurl is one line naming the value and exit 2, not a pyoxigraph traceback."""
    result = CliRunner().invoke(
        main,
        ["release", "--version", "0.1.0", "-o", str(tmp_path / "r"), "--base-url", "notaurl"],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: base URL 'notaurl' is not an absolute URL")
    assert len(result.stderr.splitlines()) == 1


def test_unwritable_release_is_a_release_error(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of the release that cannot be written is a ReleaseError naming it."""

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(release_module, "_write_file", refuse)
    with pytest.raises(ReleaseError) as caught:
        make_release(kg, tmp_path / "r", version="0.1.0", issued=ISSUED, rapper=False)
    assert str(caught.value).startswith(
        f"{tmp_path / 'r' / 'accsm-kg-ontology.ttl'}: cannot be written: Permission"
    )
    assert list(tmp_path.iterdir()) == []


def test_local_files_do_not_tie_a_release_to_their_folder(
    kg: KnowledgeGraph, tmp_path: Path, resources: Path
) -> None:
    """A --data file gives the same release from any folder; two of one name are refused."""
    extra = resources / "release" / "one-more-triple.ttl"
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    shutil.copy(extra, elsewhere / extra.name)
    made = []
    for n, source in enumerate([extra, elsewhere / extra.name]):
        with_extra = accsm_kg.load(source)
        folder = tmp_path / f"r{n}"
        make_release(with_extra, folder, version="0.1.0", issued=ISSUED, rapper=False)
        made.append((folder / "accsm-kg.nq").read_bytes())
    assert made[0] == made[1]
    assert b"file:" not in made[0]
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(extra, other / extra.name)
    with pytest.raises(accsm_kg.ReleaseError, match="give the files different names"):
        make_release(
            accsm_kg.load(extra, other / extra.name), tmp_path / "r2", version="0.1.0",
            issued=ISSUED, rapper=False,
        )  # fmt: skip
