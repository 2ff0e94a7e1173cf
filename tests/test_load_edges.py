"""Loading at the edges: odd paths, huge tokens, files of no triple, and graphs filled twice.

Each case names the file and says what is wrong, on both embedded stores; files filling one graph
add up, and a file never replaces a graph loaded from another file unless asked to.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

import accsm_kg
from accsm_kg.diff import check_entities
from accsm_kg.loading import reading
from accsm_kg.release import canonical_quads
from accsm_kg.resources import bundled_paths

STORES: list[accsm_kg.StoreName] = ["oxigraph", "rdflib"]
TRIPLE = '<urn:x:{0}> <urn:x:p> "{0}" {1}.\n'


def _nq(path: Path, subject: str, graph: str = "urn:x:G") -> Path:
    path.write_text(TRIPLE.format(subject, f"<{graph}> "), encoding="utf-8")
    return path


def _subjects(kg: accsm_kg.KnowledgeGraph) -> list[str]:
    return sorted(str(row.s) for row in kg.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }"))


# -- paths that are not files ------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_a_named_pipe_is_named_as_such(tmp_path: Path, store: accsm_kg.StoreName) -> None:
    """A FIFO is not 'no such file': it is said to be a named pipe, and nothing waits on it."""
    fifo = tmp_path / "data.ttl"
    os.mkfifo(fifo)
    with pytest.raises(
        accsm_kg.NotAFileError, match=f"^{re.escape(str(fifo))}: a named pipe, not a file"
    ):
        accsm_kg.load(fifo, include_bundled=False, store=store)


def test_a_device_and_a_socket_are_named_as_such(tmp_path: Path) -> None:
    """/dev/zero is a character device, a Unix socket a socket: neither is read."""
    with pytest.raises(accsm_kg.NotAFileError, match=r"^/dev/zero: a character device"):
        accsm_kg.load("/dev/zero", include_bundled=False)
    path = tmp_path / "s.ttl"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(accsm_kg.NotAFileError, match="a socket, not a file"):
            accsm_kg.load(path, include_bundled=False)


def test_a_symbolic_link_loop_is_our_error(tmp_path: Path) -> None:
    """A link pointing at itself cannot be read; the error says so and names it."""
    loop = tmp_path / "loop.ttl"
    loop.symlink_to(loop)
    with pytest.raises(accsm_kg.LoadError, match=f"^{re.escape(str(loop))}: "):
        accsm_kg.load(loop, include_bundled=False)


def test_an_unreadable_file_is_our_error(tmp_path: Path) -> None:
    """What the system raises while a file is read (no permission) becomes UnreadableFileError."""
    path = tmp_path / "secret.ttl"
    expected = pytest.raises(accsm_kg.UnreadableFileError, match="cannot be read: Permission")
    with expected, reading(path):
        raise PermissionError(13, "Permission denied")


# -- what a file holds ---------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_a_literal_past_the_parsers_buffer_names_file_and_line(
    tmp_path: Path, store: accsm_kg.StoreName
) -> None:
    """A 17 MB literal (valid Turtle) is refused with our error, not the parser's MemoryError."""
    path = tmp_path / "big.ttl"
    with path.open("w", encoding="utf-8") as out:
        out.write(TRIPLE.format("a", ""))
        out.write('<urn:x:b> <urn:x:p> "' + "x" * (17 << 20) + '" .\n')
    with pytest.raises(
        accsm_kg.TokenTooLargeError, match=f"^{re.escape(str(path))}:2: a literal or IRI longer"
    ):
        accsm_kg.load(path, include_bundled=False, store=store)


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("en-_--", "@en-_-- is not a valid language tag (a subtag is empty)"),
        ("en-", "@en- is not a valid language tag (a subtag is empty)"),
        ("1en", "@1en is not a valid language tag (A language code should always start"),
        ("en_US", "@en_US is not a valid language tag"),
    ],
)
def test_a_bad_language_tag_is_called_one(tmp_path: Path, tag: str, words: str) -> None:
    """The parser's words for a bad tag ('An integer should not be empty') name the tag."""
    path = tmp_path / "tag.ttl"
    path.write_text(f'<urn:x:a> <urn:x:p> "x"@{tag} .\n', encoding="utf-8")
    with pytest.raises(accsm_kg.TurtleSyntaxError) as caught:
        accsm_kg.load(path, include_bundled=False)
    assert str(caught.value).startswith(f"{path}:1:")
    assert words in str(caught.value)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("comments.ttl", "# a comment\n# another\n"),
        ("prefixes.ttl", "@prefix kg: <https://w3id.org/accsm-kg/id/> .\n# nothing else\n"),
        ("comments.nq", "# a comment\n"),
    ],
)
def test_a_file_of_no_triple_is_told_of(
    tmp_path: Path, store: accsm_kg.StoreName, name: str, text: str
) -> None:
    """Valid RDF with no triple loads (the standard says it is an empty graph), with a warning."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.warns(
        accsm_kg.NoTripleWarning, match=f"^{re.escape(str(path))}: the file holds no triple"
    ):
        kg = accsm_kg.load(path, include_bundled=False, store=store)
    assert len(kg) == 0


def test_a_file_of_no_triple_empties_the_graph_it_filled(tmp_path: Path) -> None:
    """Reloaded with no triple left, an N-Quads file's own graph empties; the warning says why."""
    path = tmp_path / "own.nq"
    path.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    kg = accsm_kg.load(path, include_bundled=False)
    assert len(kg) == 1
    path.write_text("# nothing left\n", encoding="utf-8")
    with pytest.warns(accsm_kg.NoTripleWarning):
        kg.add(path)
    assert len(kg) == 0


def test_checks_do_not_depend_on_size(tmp_path: Path) -> None:
    """An invalid xsd:date after 65 MiB of good triples is refused as in a small file."""
    path = tmp_path / "large.ttl"
    line = TRIPLE.format("{}", "").replace('"{}"', '"' + "x" * 1000 + '"')
    with path.open("w", encoding="utf-8") as out:
        out.write("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
        for number in range(65 * 1024):
            out.write(line.format(number))
        out.write('<urn:x:late> <urn:x:on> "2020-13-45"^^xsd:date .\n')
    assert path.stat().st_size > 64 << 20
    with pytest.raises(accsm_kg.InvalidLiteralError, match="is not a valid xsd:date"):
        accsm_kg.load(path, include_bundled=False)


# -- several files, one graph ------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_files_filling_one_graph_add_up(tmp_path: Path, store: accsm_kg.StoreName) -> None:
    """load('a.nq', 'b.nq'), both filling <G>, keeps both files' triples."""
    first, second = _nq(tmp_path / "a.nq", "a"), _nq(tmp_path / "b.nq", "b")
    kg = accsm_kg.load(first, second, include_bundled=False, store=store)
    assert _subjects(kg) == ["urn:x:a", "urn:x:b"]
    assert kg.graphs() == [URIRef("urn:x:G")]


@pytest.mark.parametrize("store", STORES)
def test_a_graph_of_another_file_is_not_replaced_unasked(
    tmp_path: Path, store: accsm_kg.StoreName
) -> None:
    """A one-line .nq naming a bundled graph is refused, naming both files; replace=True lets it."""
    ontology = next(p for p in bundled_paths() if p.name == "accsm.ttl")
    graph = "https://w3id.org/accsm-kg/graph/ontology/accsm"
    intruder = _nq(tmp_path / "x.nq", "x", graph)
    kg = accsm_kg.load(store=store)
    size = len(kg)
    with pytest.raises(accsm_kg.GraphConflictError) as caught:
        kg.add(intruder)
    assert str(caught.value).startswith(f"{intruder}: fills the named graph <{graph}>")
    assert str(ontology.resolve()) in str(caught.value)
    assert len(kg) == size  # nothing changed
    kg.add(intruder, replace=True)
    assert (
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})[
            0
        ].n.toPython()
        == 1
    )


@pytest.mark.parametrize("store", STORES)
def test_a_file_loaded_again_replaces_itself_only(
    tmp_path: Path, store: accsm_kg.StoreName
) -> None:
    """A file loaded again replaces what it put in; alone, it may not drop a partner's triples."""
    first, second = _nq(tmp_path / "a.nq", "a"), _nq(tmp_path / "b.nq", "b")
    kg = accsm_kg.load(first, second, include_bundled=False, store=store)
    _nq(first, "a2")
    with pytest.raises(
        accsm_kg.GraphConflictError, match=f"loaded from {re.escape(str(second.resolve()))}"
    ):
        kg.add(first)
    kg.add(first, second)  # both again: the graph is theirs
    assert _subjects(kg) == ["urn:x:a2", "urn:x:b"]
    lone = _nq(tmp_path / "lone.nq", "c", "urn:x:H")
    kg.add(lone)
    _nq(lone, "c2", "urn:x:H")
    kg.add(lone)
    assert _subjects(kg) == ["urn:x:a2", "urn:x:b", "urn:x:c2"]


def test_the_same_file_twice_loads_once(tmp_path: Path) -> None:
    """A file named twice in one call (or through a folder and by name) is read once."""
    path = tmp_path / "one.ttl"
    path.write_text("<urn:x:a> <urn:x:p> [ <urn:x:q> 1 ] .\n", encoding="utf-8")
    kg = accsm_kg.load(path, tmp_path / "." / "one.ttl", tmp_path, include_bundled=False)
    assert len(kg) == 2


@pytest.mark.slow
def test_a_persistent_store_remembers_which_files_fill_a_graph(tmp_path: Path) -> None:
    """Reopened, an on-disk store still refuses a file that would replace another's graph."""
    first, second = _nq(tmp_path / "a.nq", "a"), _nq(tmp_path / "b.nq", "b")
    store = tmp_path / "kg.ox"
    accsm_kg.load(first, second, include_bundled=False, path=store).close()
    with pytest.raises(accsm_kg.GraphConflictError, match="loaded from"):
        accsm_kg.load(first, include_bundled=False, path=store)
    with accsm_kg.load(first, include_bundled=False, path=store, replace=True) as kg:
        assert _subjects(kg) == ["urn:x:a"]


@pytest.mark.parametrize(
    "damage",
    ["{not json", "[]", '{"format": "accsm-kg-sources/2", "graphs": {"g": 3}}', '"x"', ""],
)
@pytest.mark.slow
def test_a_damaged_record_of_sources_is_rebuilt(tmp_path: Path, damage: str) -> None:
    """A corrupt accsm-kg-sources.json is warned of and rebuilt: every file is parsed again."""
    data = tmp_path / "a.ttl"
    data.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    store = tmp_path / "kg.ox"
    accsm_kg.load(data, include_bundled=False, path=store).close()
    record = store / "accsm-kg-sources.json"
    record.write_text(damage, encoding="utf-8")
    with pytest.warns(accsm_kg.StoreWarning, match=f"^{re.escape(str(record))}: unreadable"):
        kg = accsm_kg.load(data, include_bundled=False, path=store)
    with kg:
        assert len(kg) == 1
    assert json.loads(record.read_text(encoding="utf-8"))["graphs"]  # written anew
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        accsm_kg.load(data, include_bundled=False, path=store).close()


# -- a load killed at any moment -----------------------------------------------------------------

_LOADER = """
import sys, accsm_kg
accsm_kg.load(*sys.argv[2:], include_bundled=False, path=sys.argv[1]).close()
"""


def _state(store: Path) -> tuple[list[str], int]:
    with accsm_kg.load(include_bundled=False, path=store) as kg:
        return [str(graph) for graph in kg.graphs()], len(kg)


def test_a_load_killed_at_any_moment_leaves_the_old_store_or_the_new_one(tmp_path: Path) -> None:
    """SIGKILL while an on-disk store loads: reopened, it is as before or as loaded, never half.

    The load replaces one graph (staged, then moved) and fills a new one straight away; the
    store's record of what it was doing lets the next opening finish or undo it. The moments
    are a sample; the tests after this one build each state a kill can leave, one by one.
    """
    small, big = tmp_path / "small.nt", tmp_path / "big.nt"
    small.write_text(TRIPLE.format("old", ""), encoding="utf-8")
    initial = tmp_path / "initial.ox"
    accsm_kg.load(small, include_bundled=False, path=initial).close()
    small.write_text(TRIPLE.format("new", "") + TRIPLE.format("new2", ""), encoding="utf-8")
    with big.open("w", encoding="utf-8") as out:
        for number in range(60_000):
            out.write(f'<urn:x:s{number}> <urn:x:p> "value {number}" .\n')
    before = _state(initial)
    finished = tmp_path / "finished.ox"
    shutil.copytree(initial, finished)
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", _LOADER, finished, small, big], check=True)
    whole = time.monotonic() - started
    after = _state(finished)
    assert after[1] == 60_002
    for fraction in (0.4, 0.8, 0.95):
        store = tmp_path / f"killed-{fraction}.ox"
        shutil.copytree(initial, store)
        loader = subprocess.Popen([sys.executable, "-c", _LOADER, store, small, big])
        time.sleep(whole * fraction)
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=60)
        state = _state(store)
        assert state in (before, after), fraction
        # and the next run works: the same load, to its end
        accsm_kg.load(small, big, include_bundled=False, path=store).close()
        assert _state(store) == after


@pytest.mark.slow
def test_snapshots_of_killed_processes_are_removed(tmp_path: Path) -> None:
    """A timed query's snapshot folder left by a killed process goes at the next snapshot."""
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                           capture_output=True, text=True)  # fmt: skip
    store = tmp_path / "kg.ox"
    leftover = tmp_path / f".kg.ox.accsm-kg-snapshot.{int(ended.stdout)}.abc123.tmp"
    (leftover / "snapshot").mkdir(parents=True)
    data = tmp_path / "a.nt"
    data.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    with accsm_kg.load(data, include_bundled=False, path=store) as kg:
        assert len(kg.query("SELECT * WHERE { ?s ?p ?o }", timeout=30)) == 1
        assert not leftover.exists()
        assert len(list(tmp_path.glob(".kg.ox.accsm-kg-snapshot.*.tmp"))) == 1  # its own
    assert list(tmp_path.glob(".kg.ox.*")) == []


_COUNT = """
import sys, accsm_kg
kg = accsm_kg.load(sys.argv[1], include_bundled=False)
again = accsm_kg.load(sys.argv[1], include_bundled=False)
print(len(kg), kg.dump(sys.argv[2]).read_bytes() == again.dump(sys.argv[3]).read_bytes())
"""


@pytest.mark.parametrize(
    "shape",
    [
        "[ <urn:x:p> " * 20_000 + "1" + " ]" * 20_000,  # a chain of alike blank nodes
        "(" + " 1" * 20_000 + " )",  # a list of one value repeated
        "( " * 20_000 + "1" + " )" * 20_000,  # lists in lists
    ],
    ids=["nested", "repeated-list", "nested-lists"],
)
def test_blank_node_structures_load_in_time_proportional_to_them(
    tmp_path: Path, shape: str
) -> None:
    """20,000 blank nodes alike, which RDFC-1.0 labelling took hours or crashed on, load in seconds.

    Labels follow the order of the file, so two loads of it still dump the same bytes. The load
    runs in a child process: a hang fails the test instead of stopping the suite.
    """
    path = tmp_path / "deep.ttl"
    path.write_text(f"<urn:x:a> <urn:x:p> {shape} .\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _COUNT, path, tmp_path / "1.nt", tmp_path / "2.nt"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    size, same = done.stdout.split()
    assert int(size) > 20_000
    assert same == "True"


def test_canonical_labels_refuse_structures_they_would_take_hours_on(tmp_path: Path) -> None:
    """A release or a diff of 20,000 alike blank nodes says what is wrong, in a second or so."""
    path = tmp_path / "alike.ttl"
    path.write_text("<urn:x:a> <urn:x:p> (" + " 1" * 20_000 + " ) .\n", encoding="utf-8")
    kg = accsm_kg.load(path, include_bundled=False)
    words = r"19998 blank nodes alike in one structure \(such as _:a in: _:a <http.*#first> "
    with pytest.raises(accsm_kg.BlankNodeLimitError, match=words):
        accsm_kg.make_release(kg, tmp_path / "release", version="1.0.0")
    dump = kg.dump(tmp_path / "alike.nt")
    other = tmp_path / "other.nt"
    other.write_text("<urn:x:b> <urn:x:p> _:b .\n", encoding="utf-8")
    with pytest.raises(accsm_kg.BlankNodeLimitError):
        accsm_kg.diff_dumps(dump, other)
    # a long list of values all different needs no such search: it gets its labels
    listed = "<urn:x:a> <urn:x:p> (" + "".join(f" {n}" for n in range(20_000)) + " ) .\n"
    labelled = canonical_quads(ox.parse(listed, format=ox.RdfFormat.TURTLE))
    assert {q.subject.value for q in labelled if isinstance(q.subject, ox.BlankNode)} == {
        f"c14n{n}" for n in range(20_000)
    }


_RDF_XML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="&ex;">
  <rdf:Description rdf:about="&ex;a"><e:p>{text}</e:p></rdf:Description>
</rdf:RDF>
"""
_LAUGHS = "\n".join(
    [' <!ENTITY ex "urn:x:">', ' <!ENTITY l0 "lol">']
    + [f' <!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)]
)


@pytest.mark.parametrize(
    ("entities", "text", "words"),
    [
        (_LAUGHS, "&l9;", "the entity l5 expands to 300,000 bytes, more than the 65,536"),
        (
            ' <!ENTITY ex "urn:x:">\n <!ENTITY big "' + "x" * 60_000 + '">',
            "&big;" * 2000,
            "its entity references expand to 120,000,012 bytes",
        ),
        (' <!ENTITY ex SYSTEM "file:///etc/passwd">', "x", "the external entity ex is refused"),
        (' <!ENTITY % ex "urn:x:">', "x", "the parameter entity ex is refused"),
        (
            ' <!ENTITY ex "urn:x:&me;">\n <!ENTITY me "&ex;">',
            "&ex;",
            "the entity ex refers to itself",
        ),
    ],
    ids=["billion-laughs", "quadratic", "external", "parameter", "loop"],
)
def test_xml_entities_are_bounded(tmp_path: Path, entities: str, text: str, words: str) -> None:
    """`diff` of RDF/XML whose entities would expand to gigabytes refuses it, naming why."""
    path = tmp_path / "laughs.rdf"
    path.write_text(_RDF_XML.format(entities=entities, text=text), encoding="utf-8")
    other = tmp_path / "other.nt"
    other.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    with pytest.raises(accsm_kg.EntityExpansionError, match=re.escape(f"{path}: {words}")):
        accsm_kg.diff_dumps(path, other)


def test_xml_entities_for_namespaces_are_read(tmp_path: Path) -> None:
    """The entities ontology editors write for namespaces still work."""
    path = tmp_path / "ok.rdf"
    path.write_text(_RDF_XML.format(entities=' <!ENTITY ex "urn:x:">', text="a"), "utf-8")
    other = tmp_path / "other.nt"
    other.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    assert accsm_kg.diff_dumps(path, other).equal


def test_diff_names_a_named_pipe_and_a_huge_token(tmp_path: Path) -> None:
    """`diff` gives the same errors as loading for a FIFO and a 17 MB literal."""
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    big = tmp_path / "big.nt"
    big.write_text('<urn:x:a> <urn:x:p> "' + "x" * (17 << 20) + '" .\n', encoding="utf-8")
    with pytest.raises(accsm_kg.NotAFileError, match="a named pipe"):
        accsm_kg.diff_dumps(fifo, big)
    with pytest.raises(accsm_kg.TokenTooLargeError, match=f"^{re.escape(str(big))}:1: "):
        accsm_kg.diff_dumps(big, big)


def test_the_entity_check_reads_the_whole_doctype_in_one_pass(tmp_path: Path) -> None:
    """A megabyte of padding before the laughs does not hide them; 20,000 DOCTYPEs read fast."""
    padding = f' <!ENTITY pad "{"p" * (1 << 20)}">\n'
    path = tmp_path / "padded.rdf"
    path.write_text(_RDF_XML.format(entities=padding + _LAUGHS, text="&l9;"), encoding="utf-8")
    with pytest.raises(accsm_kg.EntityExpansionError, match="the entity l5 expands to"):
        check_entities(path)
    path.write_bytes(b"<!DOCTYPE[" * 20_000)
    with pytest.raises(accsm_kg.EntityExpansionError, match="never closes"):
        check_entities(path)


@pytest.mark.slow
def test_an_on_disk_store_adds_up_as_a_fresh_one_does(tmp_path: Path) -> None:
    """A file sharing a bundled graph adds up whether or not the store held the bundled data."""
    graph = "https://w3id.org/accsm-kg/graph/ontology/accsm"
    shared = _nq(tmp_path / "x.nq", "x", graph)
    fresh = accsm_kg.load(shared)
    store = tmp_path / "kg.ox"
    accsm_kg.load(path=store).close()
    with accsm_kg.load(shared, path=store) as reopened:
        assert len(reopened) == len(fresh)
        assert reopened.store.loaded_from(URIRef(graph)) == fresh.store.loaded_from(URIRef(graph))
    with accsm_kg.load(shared, path=store) as again:  # every file current: nothing read
        assert len(again) == len(fresh)


def _ox(path: Path) -> accsm_kg.OxigraphStore:
    return accsm_kg.OxigraphStore(path)


@pytest.mark.slow
def test_a_load_killed_before_its_end_is_undone(tmp_path: Path) -> None:
    """New graphs noted as pending, and staging graphs, are gone when the store opens again."""
    data = tmp_path / "a.nt"
    data.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    accsm_kg.load(data, include_bundled=False, path=tmp_path / "kg.ox").close()
    store = _ox(tmp_path / "kg.ox")
    new, staged = "file:///half-loaded.ttl", "urn:x-accsm-kg:staging:0123"
    store._will_write([new])  # what a load notes before it writes a new graph
    for graph in (new, staged):
        quad = ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("half"))
        store._store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(graph)))
    store.close()  # as a killed process leaves it, but for what the record says
    with accsm_kg.KnowledgeGraph(_ox(tmp_path / "kg.ox")) as kg:
        assert kg.graphs() == [URIRef(data.resolve().as_uri())]
        assert _subjects(kg) == ["urn:x:a"]


@pytest.mark.parametrize("ran", [False, True], ids=["update-not-run", "update-run"])
@pytest.mark.slow
def test_a_load_killed_at_its_end_is_finished(tmp_path: Path, ran: bool) -> None:
    """Once a load's end is recorded, the next opening runs its update if it never ran."""
    data = tmp_path / "a.nt"
    data.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    accsm_kg.load(data, include_bundled=False, path=tmp_path / "kg.ox").close()
    target = data.resolve().as_uri()
    data.write_text(TRIPLE.format("a2", ""), encoding="utf-8")
    store = _ox(tmp_path / "kg.ox")
    staged, marker = "urn:x-accsm-kg:staging:4567", "urn:x-accsm-kg:staging:done-4567"
    store._store.add(
        ox.Quad(ox.NamedNode("urn:x:a2"), ox.NamedNode("urn:x:p"), ox.Literal("a2"),
                ox.NamedNode(staged))
    )  # fmt: skip
    update = (
        f"MOVE GRAPH <{staged}> TO <{target}> ;"
        f"INSERT DATA {{ GRAPH <{marker}> {{ <{marker}> <{marker}> <{marker}> }} }}"
    )
    # what _commit records before it runs the update
    store._commit_record = {
        "update": update, "marker": marker, "sources": store._sources_of({target: [data]})
    }  # fmt: skip
    store._save_sources()
    if ran:
        store._store.update(update)
    store.close()  # killed here: the record says what was being done
    with accsm_kg.KnowledgeGraph(_ox(tmp_path / "kg.ox")) as kg:
        assert _subjects(kg) == ["urn:x:a2"]
        assert kg.graphs() == [URIRef(target)]
        assert kg.store.is_current(data, URIRef(target))


@pytest.mark.slow
def test_digests_of_an_earlier_version_are_read_again_quietly(tmp_path: Path) -> None:
    """A store whose record is the older form (graph: digest) parses its files again, unwarned."""
    data = tmp_path / "a.nt"
    data.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    accsm_kg.load(data, include_bundled=False, path=tmp_path / "kg.ox").close()
    record = tmp_path / "kg.ox" / "accsm-kg-sources.json"
    record.write_text(json.dumps({data.resolve().as_uri(): "0" * 64}), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with accsm_kg.load(data, include_bundled=False, path=tmp_path / "kg.ox") as kg:
            assert _subjects(kg) == ["urn:x:a"]
    assert json.loads(record.read_text(encoding="utf-8"))["format"] == "accsm-kg-sources/2"


def test_rdf_xml_nested_too_deep_is_refused_at_once(tmp_path: Path) -> None:
    """100,000 nested elements, which Oxigraph's RDF/XML reader takes minutes on, are refused."""
    depth = 100_000
    path = tmp_path / "deep.rdf"
    path.write_text(
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:e="urn:x:"><rdf:Description rdf:about="urn:x:a">'
        + "<e:p><rdf:Description>" * depth
        + "</rdf:Description></e:p>" * depth
        + "</rdf:Description></rdf:RDF>",
        encoding="utf-8",
    )
    other = tmp_path / "other.nt"
    other.write_text(TRIPLE.format("a", ""), encoding="utf-8")
    with pytest.raises(accsm_kg.NestingTooDeepError, match=r":1: elements nested more than 1,000"):
        accsm_kg.diff_dumps(path, other)


@pytest.mark.slow
def test_opening_an_open_store_again_closes_the_earlier_one(tmp_path: Path) -> None:
    """A notebook cell run twice opens its on-disk store again; the earlier graph says it closed."""
    first = accsm_kg.load(include_bundled=False, path=tmp_path / "kg.ox")
    again = accsm_kg.load(include_bundled=False, path=tmp_path / "kg.ox")
    assert len(again) == 0
    with pytest.raises(accsm_kg.StoreError, match="this Oxigraph store is closed"):
        len(first)
    again.close()


@pytest.mark.slow
def test_a_changed_file_reloads_every_file_its_graphs_lead_to(tmp_path: Path) -> None:
    """f and p share a graph, p and q another: after f changes, a reopened store keeps q's."""
    files = {"f": "<urn:x:G1> { <urn:x:a> <urn:x:p> 1 . }\n"}
    files["p"] = "<urn:x:G1> { <urn:x:b> <urn:x:p> 2 . }\n<urn:x:G2> { <urn:x:c> <urn:x:p> 3 . }\n"
    files["q"] = "<urn:x:G2> { <urn:x:d> <urn:x:p> 4 . }\n"
    paths = []
    for name, text in files.items():
        (path := tmp_path / f"{name}.trig").write_text(text, encoding="utf-8")
        paths.append(path)
    store = tmp_path / "kg.ox"
    accsm_kg.load(*paths, include_bundled=False, path=store).close()
    paths[0].write_text("<urn:x:G1> { <urn:x:a> <urn:x:p> 5 . }\n", encoding="utf-8")
    with accsm_kg.load(*paths, include_bundled=False, path=store) as kg:
        assert _subjects(kg) == ["urn:x:a", "urn:x:b", "urn:x:c", "urn:x:d"]
        assert len(kg) == 4
