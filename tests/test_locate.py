"""accsm_kg.locate: the file and line where a subject or triple is written in Turtle and TriG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from accsm_kg.loading import parse_any
from accsm_kg.locate import Location, Locator, locate
from accsm_kg.resources import bundled_paths

EX = "https://example.org/"
A, B, C = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c")
P, Q, R = URIRef(EX + "p"), URIRef(EX + "q"), URIRef(EX + "r")

TRIG = """\
# A comment with a ; and a . and "quotes" # and more
@prefix ex: <https://example.org/> .
@prefix other: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

ex:g1 {
    ex:b ex:p "not the subject a" .   # ex:a ex:p "in a comment" .
    other:a a ex:Thing ;
        rdfs:label "a # b ; c . d"@en ,
            "ក ខ"@km ;
        ex:p '''three
lines ; with . marks''' ;
        ex:q 01 , 2.5 , true .
}

GRAPH ex:g2 {
    <https://example.org/a> ex:p ex:c ;
        ex:q [ ex:r ex:b ; ex:q ( ex:c 1 ) ] .
    [] ex:r ex:a .
}
"""


def line_of(text: str, marker: str) -> int:
    """Return the line (from 1) of the first line holding ``marker``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.fixture
def trig(tmp_path: Path) -> Path:
    path = tmp_path / "data.trig"
    path.write_text(TRIG, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("predicate", "value", "marker"),
    [
        (RDF.type, URIRef(EX + "Thing"), "other:a a ex:Thing"),
        (RDFS.label, Literal("a # b ; c . d", lang="en"), '"a # b ; c . d"@en'),
        (RDFS.label, Literal("ក ខ", lang="km"), '"ក ខ"@km'),
        (P, Literal("three\nlines ; with . marks"), "ex:p '''three"),
        (Q, Literal("1", datatype=XSD.integer), "ex:q 01"),  # the store keeps "1"
        (Q, Literal("2.5", datatype=XSD.decimal), "ex:q 01"),
        (Q, Literal(True), "ex:q 01"),
        (P, C, "<https://example.org/a> ex:p ex:c"),
        (Q, None, "ex:q 01"),
    ],
)
def test_each_object_is_found_on_its_line(
    trig: Path, predicate: URIRef, value: Literal | URIRef | None, marker: str
) -> None:
    """A triple is found however its subject is written, past comments and tricky strings."""
    assert locate([trig], A, predicate, value) == Location(trig, line_of(TRIG, marker))


def test_a_subject_alone_is_found_where_it_is_typed(trig: Path) -> None:
    """Without a predicate: the block that gives the subject its rdf:type, not the first one."""
    assert locate([trig], A) == Location(trig, line_of(TRIG, "other:a a ex:Thing"))
    assert locate([trig], B) == Location(trig, line_of(TRIG, 'ex:b ex:p "not'))


def test_a_graph_is_found_where_it_opens(trig: Path) -> None:
    """A named graph, which is no subject, is found at its name: ``name {`` or ``GRAPH name {``."""
    assert locate([trig], URIRef(EX + "g1")) == Location(trig, line_of(TRIG, "ex:g1 {"))
    assert locate([trig], URIRef(EX + "g2")) == Location(trig, line_of(TRIG, "GRAPH ex:g2"))


def test_nested_statements_belong_to_their_blank_node(trig: Path) -> None:
    """Predicates inside [ ] are not the outer subject's; blank subjects are not located."""
    assert locate([trig], A, R) is None
    assert locate([trig], BNode(), R, A) is None


def test_an_object_not_written_falls_back_on_its_predicate(trig: Path) -> None:
    """An object that is not written (or not recognised) gives the predicate's line."""
    assert locate([trig], A, P, Literal("nowhere")) == Location(trig, line_of(TRIG, "ex:p '''"))


@pytest.mark.parametrize(
    ("subject", "predicate"),
    [(C, None), (A, URIRef(EX + "missing")), (URIRef("urn:x:a"), P), (A, BNode())],
)
def test_what_is_not_written_is_none(trig: Path, subject: URIRef, predicate: URIRef) -> None:
    """A subject or predicate that is not written gives None."""
    assert locate([trig], subject, predicate) is None


def test_turtle_with_base_and_escapes(tmp_path: Path) -> None:
    """Relative IRIs follow @base; escaped local names and \\u escapes are read as the IRI."""
    path = tmp_path / "base.ttl"
    path.write_text(
        "@base <https://example.org/> .\n@prefix : <https://example.org/> .\n\n"
        '<a> :p "x" .\n:b\\.c :p "\\u0041" .\n<d\\u0065> :p :c .\n',
        encoding="utf-8",
    )
    assert locate([path], A, P, Literal("x")) == Location(path, 4)
    assert locate([path], URIRef(EX + "b.c"), P, Literal("A")) == Location(path, 5)
    assert locate([path], URIRef(EX + "de"), P, C) == Location(path, 6)


def test_files_are_searched_in_order_and_read_once(tmp_path: Path) -> None:
    """The first file that holds the statement wins; a Locator reads each file once."""
    first, second = tmp_path / "1.ttl", tmp_path / "2.ttl"
    first.write_text(f"<{A}> <{P}> 1 .\n", encoding="utf-8")
    second.write_text(f"\n<{A}> <{Q}> 2 .\n", encoding="utf-8")
    locator = Locator()
    assert locator.locate([first, second], A, Q) == Location(second, 2)
    assert locator.locate([first, second], A) == Location(first, 1)
    second.write_text("", encoding="utf-8")
    assert locator.locate([second], A, Q) == Location(second, 2)  # still as first read


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ex:a ex:p ex:b .",  # an undeclared prefix
        '@prefix ex: <https://example.org/> .\nex:a ex:p "unterminated\nex:a ex:q 1 .',
        '@prefix ex: <https://example.org/> .\nex:a ex:p """never closed',
        "@prefix ex: <https://example.org/> .\nex:a ex:p [ ex:q [ ex:r ( 1 2 } ] .",
        "@prefix ex: <https://example.org/> .\n" + "ex:a ex:p " + "[ ex:p " * 500 + "1",
        "{ } } { . ; , ] ) ( ^^ @en _:b",
        "\x00\xff\ufffd <> <https://example.org/a> <https://example.org/p> .",
    ],
)
def test_odd_input_never_raises(tmp_path: Path, text: str) -> None:
    """Broken or strange text gives None or a line, never an exception."""
    path = tmp_path / "odd.ttl"
    path.write_text(text, encoding="utf-8")
    found = locate([path], A, P)
    assert found is None or found.file == path


def test_a_later_statement_is_found_after_a_broken_one(tmp_path: Path) -> None:
    """A statement that makes no sense is skipped up to its full stop; the next one is read."""
    path = tmp_path / "broken.ttl"
    path.write_text(
        f"@prefix ex: <{EX}> .\nex:a ex:p ] ex:b .\nex:a ex:q ex:c .\n", encoding="utf-8"
    )
    assert locate([path], A, Q, C) == Location(path, 3)


def test_unreadable_files_are_none(tmp_path: Path) -> None:
    """A missing file, a folder or undecodable bytes give None, or what can be read."""
    assert locate([tmp_path / "missing.ttl", tmp_path], A) is None
    path = tmp_path / "latin1.ttl"
    path.write_bytes(f'<{A}> <{P}> "caf\xe9" .\n'.encode("latin-1"))
    assert locate([path], A, P) == Location(path, 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'#;.,[](){}@^:_ \n\\aex0123pq")), max_size=200))
def test_fuzzed_text_never_raises(text: str) -> None:
    """Any text of Turtle's punctuation is read without an exception."""
    from accsm_kg.locate import _Reader, _tokens

    index = _Reader(_tokens("@prefix ex: <https://example.org/> .\n" + text), EX).read()
    assert all(block.line >= 1 for blocks in index.blocks.values() for block in blocks)


@pytest.mark.parametrize("path", bundled_paths(), ids=lambda p: p.name)
def test_every_statement_of_the_bundled_files_is_found(path: Path) -> None:
    """Each triple with a named subject in the bundled files is found on a line that holds it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    locator = Locator()
    for part in parse_any(path):
        for s, p, o in part.triples:
            if not isinstance(s, URIRef):
                continue
            found = locator.locate([path], s, p, o)
            assert found is not None, (s, p, o)
            text = lines[found.line - 1]
            if isinstance(o, URIRef):
                assert re.split(r"[/#:]", o)[-1] in text, (s, p, o, found)
            elif isinstance(o, Literal) and o.language and not set('\\"\n') & set(o):
                assert f'"{str(o)[:20]}' in text, (s, p, o, found)
