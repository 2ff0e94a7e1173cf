"""The engine path of each store: native loading, literal fidelity, dumps and timeouts."""

from __future__ import annotations

import multiprocessing
import os
import re
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

import accsm_kg
from accsm_kg.literals import CanonicalForms, is_valid
from accsm_kg.terms import from_oxigraph

STORES: tuple[accsm_kg.StoreName, ...] = ("oxigraph", "rdflib")
NUMBERS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://e.org/a> <https://e.org/n> "01"^^xsd:integer .
<https://e.org/a> <https://e.org/m> 1e0 .
<https://e.org/a> <https://e.org/d> "2020-11-02"^^xsd:date .
"""


def _rss() -> int:
    """Resident memory of this process, in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_rdflib_store_gives_back_each_literal_as_written(tmp_path: Path) -> None:
    """The rdflib store keeps every lexical form, "01" and "1e0" included."""
    data = tmp_path / "numbers.ttl"
    data.write_text(NUMBERS, encoding="utf-8")
    kg = accsm_kg.load(data, include_bundled=False, store="rdflib")
    found = {str(row.o) for row in kg.query("SELECT ?o WHERE { ?s ?p ?o }")}
    assert found == {"01", "1e0", "2020-11-02"}


def test_oxigraph_warns_of_literals_it_keeps_otherwise(tmp_path: Path) -> None:
    """Loading into Oxigraph names file, line and the canonical form of each rewritten literal."""
    data = tmp_path / "numbers.ttl"
    data.write_text(NUMBERS, encoding="utf-8")
    with pytest.warns(accsm_kg.CanonicalFormWarning) as caught:
        kg = accsm_kg.load(data, include_bundled=False)
    message = str(caught[0].message)
    assert f'{data}:2: "01"^^xsd:integer is kept as "1"' in message
    assert f'{data}:3: "1e0"^^xsd:double is kept as "1"' in message
    assert "2020-11-02" not in message  # already canonical
    found = {str(row.o) for row in kg.query("SELECT ?o WHERE { ?s ?p ?o }")}
    assert found == {"1", "2020-11-02"}


def test_bundled_data_is_written_in_canonical_forms() -> None:
    """Our own ontology, data and shapes load into Oxigraph without a rewritten literal."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", accsm_kg.CanonicalFormWarning)
        kg = accsm_kg.load()
        kg.add(*accsm_kg.resources.shapes_paths())


@pytest.mark.parametrize(
    ("lexical", "datatype", "valid"),
    [
        ("2020-11-02", "date", True),
        ("2020-02-30", "date", False),
        ("2020-11-02T24:00:00", "dateTime", True),
        ("+1", "integer", True),
        ("1_000", "integer", False),
        ("256", "unsignedByte", False),
        ("INF", "double", True),
        ("1.", "decimal", True),
        ("P1Y2M", "duration", True),
        ("P", "duration", False),
        ("yes", "boolean", False),
        ("anything", "string", True),
    ],
)
def test_lexical_forms_are_checked_by_xml_schema(lexical: str, datatype: str, valid: bool) -> None:
    """A lexical form is valid exactly when XML Schema's lexical space holds it."""
    assert is_valid(lexical, str(XSD) + datatype) is valid


@pytest.mark.parametrize(
    ("lexical", "datatype", "kept"),
    [("01", "integer", "1"), ("1.50", "decimal", "1.5"), ("0", "boolean", "false"),
     ("2020-11-02+00:00", "date", "2020-11-02Z"), ("PT36H", "duration", "P1DT12H"),
     ("1050", "double", "1050"), ("2020", "gYear", "2020")],
)  # fmt: skip
def test_canonical_forms_are_those_the_engine_keeps(lexical: str, datatype: str, kept: str) -> None:
    """The form :class:`CanonicalForms` predicts is the one Oxigraph gives back."""
    assert CanonicalForms().canonical(lexical, str(XSD) + datatype) == kept


@pytest.mark.parametrize("store", STORES)
def test_a_bom_file_loads_straight_into_the_store(tmp_path: Path, store: str) -> None:
    """A UTF-8 byte-order mark is skipped by the native parser too."""
    data = tmp_path / "bom.ttl"
    data.write_bytes(b"\xef\xbb\xbf<https://e.org/a> <https://e.org/b> <https://e.org/c> .\n")
    assert len(accsm_kg.load(data, include_bundled=False, store=store)) == 1  # type: ignore[arg-type]


@pytest.mark.slow
def test_dumps_are_byte_deterministic(tmp_path: Path) -> None:
    """Two loads of the same files dump the same bytes, blank nodes included, in every format."""
    for name in ("kg.ttl", "kg.nt", "kg.nq", "kg.trig"):
        first = accsm_kg.load().dump(tmp_path / f"1-{name}").read_bytes()
        second = accsm_kg.load().dump(tmp_path / f"2-{name}").read_bytes()
        assert first == second, name
    reference = accsm_kg.load(store="rdflib").union()
    assert isomorphic(Graph().parse(tmp_path / "1-kg.ttl"), reference)
    assert isomorphic(Graph().parse(tmp_path / "1-kg.nt", format="nt"), reference)


def test_dump_keeps_lexical_forms(tmp_path: Path) -> None:
    """A dump writes each literal the store holds as it holds it."""
    data = tmp_path / "numbers.ttl"
    data.write_text(NUMBERS, encoding="utf-8")
    kg = accsm_kg.load(data, include_bundled=False, store="rdflib")
    text = kg.dump(tmp_path / "out.nt").read_text(encoding="utf-8")
    assert '"01"^^<http://www.w3.org/2001/XMLSchema#integer>' in text


def test_blank_nodes_stay_apart_between_files(tmp_path: Path) -> None:
    """The same blank node label in two files names two nodes, after relabelling too."""
    for name in ("one.ttl", "two.ttl"):
        (tmp_path / name).write_text('_:b <https://e.org/p> "x" .\n', encoding="utf-8")
    kg = accsm_kg.load(tmp_path / "one.ttl", tmp_path / "two.ttl", include_bundled=False)
    assert len(kg.query("SELECT DISTINCT ?s WHERE { ?s <https://e.org/p> ?o }")) == 2


def test_timed_out_queries_stop_and_free_their_memory() -> None:
    """Twenty queries past their timeout leave no worker and no memory behind."""
    kg = accsm_kg.load()
    endless = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
    with pytest.raises(accsm_kg.QueryTimeoutError):
        kg.query(endless, timeout=0.2)
    before = _rss()
    for _ in range(20):
        with pytest.raises(accsm_kg.QueryTimeoutError):
            kg.query(endless, timeout=0.2)
    assert multiprocessing.active_children() == []
    assert _rss() - before < 50 * 2**20
    rows = kg.query("SELECT ?l WHERE { kg:cambodia rdfs:label ?l }", timeout=5)
    assert Literal("Cambodia", lang="en") in rows.column("l")


def test_timed_queries_answer_like_untimed_ones() -> None:
    """A query under a timeout (run in a child) gives the same rows, lexical forms and all."""
    kg = accsm_kg.load()
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"
    assert kg.query(query, timeout=30) == kg.query(query)
    construct = "CONSTRUCT WHERE { kg:cambodia ?p ?o }"
    assert isomorphic(kg.construct(construct, timeout=30), kg.construct(construct))
    assert kg.ask("ASK { kg:cambodia ?p ?o }", timeout=30)


@pytest.mark.slow
def test_persistent_store_answers_timed_queries(tmp_path: Path) -> None:
    """A store on disk is opened afresh, read-only, by the child that runs a timed query."""
    with accsm_kg.load(path=tmp_path / "kg.ox") as kg:
        assert len(kg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 5", timeout=30)) == 5


def test_rows_convert_lazily() -> None:
    """Rows hold the engine's terms until read, then rdflib terms, converted once."""
    kg = accsm_kg.load()
    rows = kg.query("SELECT ?s WHERE { ?s a accsm:Meeting } ORDER BY ?s")
    assert all(seen is None for seen in rows._read)
    first = rows[0]
    assert isinstance(first.s, URIRef)
    assert rows[0] is first


@pytest.mark.parametrize(
    "term",
    [
        ox.NamedNode("https://w3id.org/accsm-kg/id/cambodia"),
        ox.Literal("ឈី វិជ្ជរ៉ា", language="km"),
        ox.Literal("Chhy Vichara", language="en-GB"),
        ox.Literal("plain"),
        ox.Literal("01", datatype=ox.NamedNode(str(XSD.integer))),
        ox.Literal("2020-11-02", datatype=ox.NamedNode(str(XSD.date))),
        ox.Literal("+7", datatype=ox.NamedNode(str(XSD.integer))),
        ox.Literal("12345678901234567890", datatype=ox.NamedNode(str(XSD.integer))),
        ox.Literal("0001-01-01", datatype=ox.NamedNode(str(XSD.date))),
        ox.Literal("2020-11-02+07:00", datatype=ox.NamedNode(str(XSD.date))),
        ox.Literal("1.50", datatype=ox.NamedNode(str(XSD.decimal))),
    ],
)
def test_terms_from_the_engine_are_rdflib_terms_like_any_other(term: object) -> None:
    """Terms made without rdflib's checks equal, hash, print and read like rdflib's own."""
    made = from_oxigraph(term)
    if isinstance(term, ox.NamedNode):
        expected: object = URIRef(term.value)
    elif term.language:  # type: ignore[attr-defined]
        expected = Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
    elif term.datatype.value == str(XSD.string):  # type: ignore[attr-defined]
        expected = Literal(term.value)  # type: ignore[attr-defined]
    else:
        expected = Literal(term.value, datatype=term.datatype.value, normalize=False)  # type: ignore[attr-defined]
    assert made == expected
    assert hash(made) == hash(expected)
    assert made.n3() == expected.n3()  # type: ignore[attr-defined]
    assert repr(made) == repr(expected)
    if isinstance(made, Literal):
        assert isinstance(expected, Literal)
        assert (made.language, made.datatype, made.value) == (
            expected.language, expected.datatype, expected.value,
        )  # fmt: skip
        assert made.eq(expected)


def test_a_reload_that_empties_a_file_empties_its_graph(tmp_path: Path) -> None:
    """Reloading files, one now without a triple, replaces both graphs and leaves no staging."""
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_text('<urn:x:a> <urn:x:p> "a" .\n', encoding="utf-8")
    second.write_text('<urn:x:b> <urn:x:p> "b" .\n', encoding="utf-8")
    kg = accsm_kg.load(first, second, include_bundled=False)
    first.write_text("# nothing left\n", encoding="utf-8")
    second.write_text('<urn:x:b> <urn:x:p> "b2" .\n', encoding="utf-8")
    with pytest.warns(accsm_kg.NoTripleWarning, match=f"{first}: the file holds no triple"):
        kg.add(first, second)
    assert [str(row.o) for row in kg.query("SELECT ?o WHERE { ?s ?p ?o }")] == ["b2"]
    assert kg.graphs() == [URIRef(second.resolve().as_uri())]


def test_a_dataset_graph_with_a_fragment_reloads(tmp_path: Path) -> None:
    """A graph named with a '#' is staged under a name of its own when it is loaded again."""
    data = tmp_path / "x.trig"
    data.write_text("<http://example.org/g#1> { <urn:x:s> <urn:x:p> 1 }\n", encoding="utf-8")
    kg = accsm_kg.load(data, include_bundled=False)
    kg.add(data)
    assert (len(kg), kg.graphs()) == (1, [URIRef("http://example.org/g#1")])


@pytest.mark.parametrize("store", STORES)
def test_a_blank_node_shared_by_graphs_of_one_file_stays_one(tmp_path: Path, store: str) -> None:
    """Blank nodes are scoped to their file, not to each graph the file fills."""
    data = tmp_path / "y.trig"
    data.write_text("<urn:x:g1> { _:b <urn:x:p> 1 } <urn:x:g2> { _:b <urn:x:p> 2 }\n")
    kg = accsm_kg.load(data, include_bundled=False, store=store)  # type: ignore[arg-type]
    query = "SELECT ?b WHERE { GRAPH ?g { ?b <urn:x:p> 1 } GRAPH ?h { ?b <urn:x:p> 2 } }"
    assert len(kg.query(query)) == 1


def test_collections_dump_the_same_bytes(tmp_path: Path) -> None:
    """A collection's blank nodes get labels from the content too, so dumps are the same."""
    data = tmp_path / "c.ttl"
    data.write_text("<urn:x:s> <urn:x:p> (1 2) .\n", encoding="utf-8")
    dumps = {
        accsm_kg.load(data, include_bundled=False).dump(tmp_path / f"{n}.nt").read_bytes()
        for n in range(2)
    }
    assert len(dumps) == 1


def test_digits_are_ascii_digits() -> None:
    """Arabic-Indic or full-width digits are no xsd:integer or xsd:date."""
    assert not is_valid("١٢", str(XSD.integer))
    assert not is_valid("\uff12\uff10\uff12\uff10-01-01", str(XSD.date))  # full-width 2020


def test_floats_and_doubles_warn_when_the_engine_rounds_them() -> None:
    """A float or double the engine cannot hold exactly is kept in another form, and said so."""
    forms = CanonicalForms()
    assert forms.canonical("0.123456789", str(XSD.float)) == "0.12345679"
    assert forms.canonical("9999999999999999", str(XSD.double)) == "10000000000000000"


def test_edited_shapes_are_read_again(tmp_path: Path) -> None:
    """The shapes are parsed once per process, but again when their file changes."""
    shapes = tmp_path / "shapes.ttl"
    head = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    shapes.write_text(
        head + "<urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ; "
        "sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    kg = accsm_kg.load(include_bundled=False)
    kg.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:q> 1 } }")
    assert not kg.validate(shapes).conforms
    shapes.write_text(
        head + "<urn:x:S> a sh:NodeShape ; sh:targetNode <urn:x:a> ; "
        "sh:property [ sh:path <urn:x:q> ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    os.utime(shapes, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert kg.validate(shapes).conforms


@pytest.mark.parametrize("raised", [RuntimeError("evaluation failed"), OSError(5, "I/O error")])
def test_engine_errors_while_querying_are_ours(raised: Exception) -> None:
    """What Oxigraph raises while it evaluates a query reaches the caller as a StoreError."""

    class Failing:
        def query(self, *args: object, **kwargs: object) -> object:
            raise raised

        def __iter__(self) -> object:
            raise raised

    kg = accsm_kg.load(include_bundled=False)
    kg.store._store = Failing()  # type: ignore[attr-defined]
    words = f"could not run this query: .*{re.escape(str(raised))}"
    for call in (
        lambda: kg.query("SELECT * WHERE { ?s ?p ?o }"),
        lambda: kg.ask("ASK { ?s ?p ?o }"),
        lambda: kg.construct("CONSTRUCT WHERE { ?s ?p ?o }"),
    ):
        with pytest.raises(accsm_kg.StoreError, match=words):
            call()
