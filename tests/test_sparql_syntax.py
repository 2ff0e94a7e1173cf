"""Tests for the place and wording of SPARQL syntax errors, on every store."""

from __future__ import annotations

import pytest

import accsm_kg
from accsm_kg.errors import SparqlSyntaxError

#: (id, query, (line, column) of the fault, words the reason holds)
FAULTS = [
    (
        "operator without operand",
        "SELECT ?s WHERE { ?s a accsm:Meeting . FILTER(?s = ) }",
        (1, 52),
        "expected an expression after '=', not ')'",
    ),
    (
        "ORDER without BY",
        "SELECT ?s WHERE { ?s ?p ?o } ORDER ?s",
        (1, 36),
        "expected BY after ORDER, not '?s'",
    ),
    (
        "ORDER at the end",
        "SELECT ?s WHERE { ?s ?p ?o } ORDER",
        (1, 35),
        "expected BY after ORDER, at the end of the query",
    ),
    (
        "LIMIT without a number",
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT x",
        (1, 36),
        "expected a whole number after LIMIT, not 'x'",
    ),
    (
        "negative OFFSET",
        "SELECT ?s WHERE { ?s ?p ?o }\nOFFSET -1",
        (2, 8),
        "expected a whole number after OFFSET, not '-1'",
    ),
    (
        "projection without AS",
        "SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }",
        (1, 19),
        "expected AS and a variable after the expression, not '?n'",
    ),
    (
        "BIND without AS",
        "SELECT ?s WHERE { ?s ?p ?o . BIND(?o ?x) }",
        (1, 38),
        "expected AS and a variable after the expression, not '?x'",
    ),
    (
        "IRI with a space in VALUES",
        "SELECT ?x WHERE {\n  VALUES ?x { <not an iri> }\n}",
        (2, 15),
        "'<not an iri>' is no IRI: it holds a space, which an IRI may not; write %20 for it",
    ),
    (
        "PREFIX without IRI",
        "PREFIX x: foo\nSELECT ?s WHERE { ?s ?p ?o }",
        (1, 11),
        "expected an IRI in <...> after PREFIX x:, not 'foo'",
    ),
    (
        "comma without object",
        "SELECT ?s WHERE { ?s ?p ?o , }",
        (1, 30),
        "expected an object after ',', not '}'",
    ),
    (
        "OPTIONAL without group",
        "SELECT ?s WHERE { ?s ?p ?o OPTIONAL ?s }",
        (1, 37),
        "expected '{' after OPTIONAL, not '?s'",
    ),
    (
        "prefixed names keep their case",
        "SELECT ?s WHERE { ?s ?p x:Foo x:Bar }",
        (1, 31),
        "unexpected 'x:Bar' after 'x:Foo'",
    ),
    (
        "after a tab and an escape",
        "SELECT ?s WHERE {\n\t?s ?p '\\u00e9' FILTER(?o =\t) }",
        (2, 29),
        "expected an expression after '=', not ')'",
    ),
]


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("text", "where", "reason"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS]
)
def test_the_caret_stands_at_the_furthest_place_the_parser_reached(
    store: str, text: str, where: tuple[int, int], reason: str
) -> None:
    """The error points at the token the parser could not read, and says what it expected."""
    kg = accsm_kg.load(include_bundled=False, store=store)  # type: ignore[arg-type]
    with pytest.raises(SparqlSyntaxError) as caught:
        kg.query(text)
    error = caught.value
    assert (error.lineno, error.offset) == where
    assert reason in error.reason
    line = text.splitlines()[where[0] - 1]
    assert error.text == line
    pad = "".join(c if c == "\t" else " " for c in line[: where[1] - 1])
    assert str(error).splitlines()[-2:] == [f"    {line.rstrip()}", f"    {pad}^"]


def test_an_update_error_points_past_the_clause_start() -> None:
    """An update is read with the update grammar, and its fault is placed as a query's is."""
    kg = accsm_kg.load(include_bundled=False)
    with pytest.raises(SparqlSyntaxError) as caught:
        kg.update(
            "DELETE { GRAPH <urn:g> { ?s ?p ?o } }\n"
            "  WHERE { GRAPH <urn:g> { ?s ?p ?o FILTER(?o = ) } }"
        )
    assert (caught.value.lineno, caught.value.offset) == (2, 48)
    assert "expected an expression after '=', not ')'" in caught.value.reason
