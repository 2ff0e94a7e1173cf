"""Fuzzing every parser of user input: only accsm-kg's own errors come out, and quickly.

Curated rows (YAML and CSV, as ``accsm-kg import`` reads them), SPARQL queries (as
:func:`accsm_kg.sparql.prepare` and the knowledge graph prepare them, with bound values written
in) and SPARQL Update. Hypothesis generates random text, token soups and mutations of the shipped
files; the examples are bounded, and each has a deadline, so the file runs in seconds.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

import accsm_kg
from accsm_kg.curation import read_rows, rows_to_graph, templates, to_turtle
from accsm_kg.knowledge_graph import KnowledgeGraph
from accsm_kg.loading import parse_file
from accsm_kg.queries import named_queries
from accsm_kg.sparql import PreparedQuery, PreparedUpdate, prepare, prepare_update
from accsm_kg.stores import open_store
from accsm_kg.terms import read_term

CURATION = Path(__file__).parent / "resources" / "curation"
YAML_SEEDS = [p.read_text(encoding="utf-8") for p in sorted(CURATION.glob("*.yaml"))]
CSV_SEEDS = [
    p.read_text(encoding="utf-8") for p in sorted(CURATION.glob("*.csv")) if "latin1" not in p.name
]
QUERY_SEEDS = [q.sparql for _, q in sorted(named_queries().items())]
UPDATE_SEEDS = [
    "DELETE { GRAPH ?g { ?s rdfs:label ?l } } INSERT { GRAPH ?g { ?s skos:prefLabel ?l } } "
    "WHERE { GRAPH ?g { ?s rdfs:label ?l FILTER(lang(?l) = 'en') } }",
    "INSERT DATA { GRAPH <urn:x:g> { kg:a rdfs:label \"x\"@en , 'y' ; kg:n 8 . } }",
    "DELETE WHERE { GRAPH ?g { ?s kg:old ?o } } ;\n"
    "WITH <urn:x:g> INSERT { ?s kg:new ?v } WHERE { ?s kg:n ?n BIND(?n + 1 AS ?v) }",
    "INSERT { GRAPH <urn:x:g> { ?s kg:seen true } } USING <urn:x:h> "
    "WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } OPTIONAL { ?s kg:x ?y } }",
]
FUZZ = settings(
    max_examples=120, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: For the queries that parse, each bound value written in and parsed again (slower examples).
FUZZ_PARSED = settings(FUZZ, max_examples=60)
VALUES = (Literal('x" } #\\u0041', lang="en"), URIRef("urn:x:value"))


# -- curated rows ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _import(path: Path, text: str) -> None:
    """Read ``text`` as ``accsm-kg import`` does, up to the Turtle; it must read back as the rows.

    Everything import_file does with the curator's text, short of validating with the data.
    """
    path.write_text(text, encoding="utf-8")
    error: accsm_kg.CurationError | None = None
    try:
        declared, rows = read_rows(path)
        known = templates()
        chosen = known.get(declared or "meeting", known["meeting"])
        graph, subjects, problems = rows_to_graph(rows, chosen, where=str(path))
        if problems:
            raise accsm_kg.CurationError.listing(path, problems)
    except accsm_kg.CurationError as caught:  # anything else fails the test as it is
        error = caught
    if error is not None:
        assert path.name in str(error), str(error)
    elif subjects:
        turtle = path.with_suffix(".ttl")
        turtle.write_text(to_turtle(graph, subjects, chosen, path.name), encoding="utf-8")
        assert set(parse_file(turtle).triples) == set(graph)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str], alphabet: str) -> str:
    """A shipped text with characters deleted, replaced or inserted, and maybe cut short."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        chunk = draw(st.text(st.sampled_from(alphabet), min_size=1, max_size=4))
        kind = draw(st.sampled_from(["delete", "replace", "insert"]))
        if kind == "delete":
            text = text[:at] + text[at + len(chunk) :]
        elif kind == "replace":
            text = text[:at] + chunk + text[at + len(chunk) :]
        else:
            text = text[:at] + chunk + text[at:]
    return text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text


YAML_ALPHABET = "-:&*!<>[]{},'\"#|?% \n\tabkx019.@\\\x00\x01\u17c0é"
CSV_ALPHABET = ",;\"'\n\r\t ^@:<>abkx019.\\\x00\x01\u17c0é"


@FUZZ
@given(text=st.text(st.sampled_from(YAML_ALPHABET), max_size=300))
def test_yaml_text_raises_only_curation_errors(scratch: Path, text: str) -> None:
    """Random YAML-like text reads as rows, or raises a CurationError naming the file."""
    _import(scratch / "rows.yaml", text)


@FUZZ
@given(text=mutated(YAML_SEEDS, YAML_ALPHABET))
def test_mutated_yaml_rows_raise_only_curation_errors(scratch: Path, text: str) -> None:
    """The shipped YAML rows, cut and mutated, read or raise a CurationError naming the file."""
    _import(scratch / "rows.yaml", text)


@st.composite
def aliased_yaml(draw: st.DrawFn) -> str:
    """YAML whose anchors repeat earlier ones, as lists, merges or nests, then a row using one."""
    lines = ["defs:"]
    count = draw(st.integers(1, 12))
    for n in range(count):
        earlier = [f"*a{m}" for m in range(n)] or ["x"]
        items = draw(st.lists(st.sampled_from([*earlier, "x", "kg:accsm"]), max_size=6))
        shape = draw(st.sampled_from(["list", "nest", "merge", "self"]))
        if shape == "list":
            value = f"[{', '.join(items)}]"
        elif shape == "nest":
            value = "[" * len(items) + ", ".join(items) + "]" * len(items)
        elif shape == "merge" and n:
            value = f"{{<<: [{', '.join(earlier[-2:] * 2)}], k{n}: {', '.join(items) or 'x'}}}"
        else:
            value = f"[*a{n}, x]"
        lines.append(f"  a{n}: &a{n} {value}")
    used = draw(st.integers(0, count - 1))
    column = draw(st.sampled_from(["source", "label", "<<"]))
    lines += ["rows:", "- framework: kg:accsm", f"  {column}: *a{used}"]
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=aliased_yaml())
def test_yaml_aliases_finish_or_raise_curation_errors(scratch: Path, text: str) -> None:
    """Aliases of aliases, merges and recursive anchors read in time or are refused, by name."""
    _import(scratch / "rows.yaml", text)


@FUZZ
@given(text=st.text(st.sampled_from(CSV_ALPHABET), max_size=300))
def test_csv_text_raises_only_curation_errors(scratch: Path, text: str) -> None:
    """Random CSV-like text reads as rows, or raises a CurationError naming the file."""
    _import(scratch / "meetings.csv", text)


@FUZZ
@given(text=mutated(CSV_SEEDS, CSV_ALPHABET))
def test_mutated_csv_rows_raise_only_curation_errors(scratch: Path, text: str) -> None:
    """The shipped CSV rows, cut and mutated, read or raise a CurationError naming the file."""
    _import(scratch / "meetings.csv", text)


# -- SPARQL ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kg() -> Iterator[KnowledgeGraph]:
    graph = KnowledgeGraph(open_store("oxigraph", None))
    yield graph
    graph.close()


SPARQL_ALPHABET = "{}()[]<>?$:;,.*+-/!|^=&#\"'\\ \nauxyzSELCTWHR019@_%\x00é"
# fmt: off
QUERY_TOKENS = [
    "SELECT", "DISTINCT", "*", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "?x", "$y",
    ".", ";", ",", "a", "kg:x", "rdfs:label", "<urn:x:a>", "'t'", '"u"@en', "1", "2.5", "true",
    "FILTER", "BIND", "AS", "OPTIONAL", "UNION", "MINUS", "GRAPH", "VALUES", "UNDEF", "ORDER",
    "GROUP", "BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "FROM", "NAMED",
    "EXISTS", "NOT", "SERVICE", "BOUND", "STR", "COUNT", "^^", "xsd:date", "/", "|", "^", "*", "+",
    "?", "!", "=", "!=", "&&", "||", "\\u0078", "\\U0041", "#", "\n",
]
UPDATE_TOKENS = [
    *QUERY_TOKENS, "INSERT", "DELETE", "DATA", "WITH", "USING", "LOAD", "CLEAR", "DROP",
    "CREATE", "ADD", "MOVE", "COPY", "SILENT", "ALL",
]
# fmt: on
VARIABLES = ["?a", "?b", "?c", "$a", "?\\u0062", "?g"]
IRIS = ["kg:x", "<urn:x:y>", "rdfs:label", "kg:p\\u0031"]
OBJECTS = [*VARIABLES, *IRIS, "'t'", '"u"@en-GB', "1", "-2.5e1", '"2"^^xsd:integer', "true"]
OBJECTS += ["_:b", "'\\u00e9face'", '"\\U0001F600"', "'''x\ny'''"]
VERBS = [*VARIABLES, *IRIS, "a", "kg:p/kg:q", "^kg:p", "(kg:p|kg:q)*", "!(a|^kg:p)", "kg:p+"]
EXPRESSIONS = [
    "?a",
    "?a = 1",
    "BOUND(?a)",
    "!BOUND(?b)",
    "STR(?a) != 'x'",
    "?a<?b",
    "?a < 2",
    "?a>?b",
    "kg:f(?a)",
    "REGEX(STR(?a), '^x')",
    "IF(?a, ?b, ?c)",
    "COALESCE(?a, 1)",
    "?a IN (1, ?b)",
    "(?a + 1) * -?b",
    "LANG(?c) = 'en'",
    "?a&&?b||!?c",
    "sameTerm(?a, <urn:x:y>)",
]


def _pick(draw: st.DrawFn, choices: list[str]) -> str:
    return draw(st.sampled_from(choices))


@st.composite
def group(draw: st.DrawFn, depth: int = 0, template: bool = False) -> str:
    """A group graph pattern (or a template, only triples) of SPARQL's common parts."""
    parts = []
    for _ in range(draw(st.integers(0 if depth else 1, 3))):
        kind = draw(st.integers(0, 0 if template or depth > 2 else 14))
        nested = group(depth + 1)
        if kind <= 3:
            subject = _pick(draw, [*VARIABLES, *IRIS, "[ kg:p ?a ]", "( ?a 1 )", "[]"])
            verb = _pick(draw, VARIABLES[:4] + IRIS[:2] + ["a"] if template else VERBS)
            objects = " , ".join(draw(st.lists(st.sampled_from(OBJECTS), min_size=1, max_size=2)))
            more = f" ; {_pick(draw, IRIS)} {_pick(draw, OBJECTS)}" if draw(st.booleans()) else ""
            parts.append(f"{subject} {verb} {objects}{more}")
        elif kind == 4:
            parts.append(f"OPTIONAL {draw(nested)}")
        elif kind == 5:
            parts.append(f"{draw(nested)} UNION {draw(nested)}")
        elif kind == 6:
            parts.append(f"MINUS {draw(nested)}")
        elif kind == 7:
            parts.append(f"GRAPH {_pick(draw, ['?g', 'kg:g', '?c'])} {draw(nested)}")
        elif kind == 8:
            parts.append(f"FILTER({_pick(draw, EXPRESSIONS)})")
        elif kind == 9:
            parts.append(f"FILTER {_pick(draw, ['', 'NOT '])}EXISTS {draw(nested)}")
        elif kind == 10:
            parts.append(f"BIND({_pick(draw, EXPRESSIONS)} AS {_pick(draw, VARIABLES)})")
        elif kind == 11:
            parts.append(f"VALUES {_pick(draw, ['?a', '(?b ?c)'])} {{ 1 (1 UNDEF) 'x' }}")
        elif kind == 12:
            parts.append(f"{{ {draw(select(depth + 1))} }}")
        else:
            parts.append(draw(nested))
    separator = _pick(draw, [" . ", " .\n", " ", "\t.# c\n"])
    return "{ " + separator.join(parts) + " }"


@st.composite
def select(draw: st.DrawFn, depth: int = 0) -> str:
    """A SELECT query, with its modifiers."""
    items = draw(st.lists(st.sampled_from([*VARIABLES, "(?a AS ?z)", "(COUNT(*) AS ?n)"])))
    projection = " ".join(items) or "*"
    modifiers = draw(st.sampled_from(["", " GROUP BY ?a", " GROUP BY(?a) ?b", " HAVING(?a)"]))
    modifiers += draw(st.sampled_from(["", " ORDER BY ?a", " ORDER BY DESC(?b) ?c", " ORDER BY?a"]))
    modifiers += draw(st.sampled_from(["", " LIMIT 5", " OFFSET 1 LIMIT 2"]))
    distinct = draw(st.sampled_from(["", "DISTINCT ", "REDUCED "]))
    return f"SELECT {distinct}{projection} WHERE {draw(group(depth))}{modifiers}"


@st.composite
def query(draw: st.DrawFn) -> str:
    """A query of any form, made of SPARQL's common parts."""
    form = draw(st.integers(0, 3))
    if form == 0:
        text = draw(select())
    elif form == 1:
        text = f"ASK {draw(group())}"
    elif form == 2:
        text = f"CONSTRUCT {draw(group(template=True))} WHERE {draw(group())}"
    else:
        text = f"DESCRIBE {_pick(draw, ['?a', '?a kg:x', '<urn:x:y>'])} WHERE {draw(group())}"
    return text + draw(st.sampled_from(["", " VALUES ?c { 1 }"]))


@st.composite
def update(draw: st.DrawFn) -> str:
    """An update of one or more operations, made of SPARQL's common parts."""
    operations = []
    for _ in range(draw(st.integers(1, 3))):
        graph = _pick(draw, ["?g", "kg:g"])
        template = f"{{ GRAPH {graph} {draw(group(template=True))} }}"
        where = f"{{ GRAPH {graph} {draw(group())} }}"
        operations.append(
            draw(
                st.sampled_from(
                    [
                        f"INSERT {template} WHERE {where}",
                        f"DELETE {template} INSERT {template} WHERE {where}",
                        f"DELETE WHERE {template}",
                        f"WITH kg:g DELETE {draw(group(template=True))} WHERE {draw(group())}",
                        f"INSERT {template} USING kg:g WHERE {draw(group())}",
                        "INSERT DATA { GRAPH kg:g { kg:a kg:p 1 } }",
                        "CLEAR SILENT GRAPH kg:g",
                    ]
                )
            )
        )
    return " ;\n".join(operations)


def _check_bindings(prepared: PreparedQuery | PreparedUpdate) -> None:
    """Each variable takes a value, or a BindingError says why; the text written in parses."""
    for name in sorted(prepared.variables)[:3]:
        for value in VALUES:
            try:
                text = prepared.substitute({name: value})
            except accsm_kg.BindingError:
                continue
            if isinstance(prepared, PreparedQuery):
                assert prepare(text, {}).form == prepared.form
            else:
                prepare_update(text, {})


def _query(kg: KnowledgeGraph, text: str) -> None:
    try:
        prepared = prepare(text, kg.prefixes)
    except accsm_kg.QueryError:  # anything else fails the test as it is
        return
    prepared.column_order(sorted(prepared.variables))
    _check_bindings(prepared)
    for called, forms in (("query", ("SELECT",)), ("construct", ("CONSTRUCT", "DESCRIBE"))):
        try:
            kg._prepare(text, called, *forms)
        except accsm_kg.QueryFormError:
            assert prepared.form not in forms


def _update(kg: KnowledgeGraph, text: str) -> None:
    try:
        prepared = prepare_update(text, kg.prefixes)
    except accsm_kg.QueryError:  # anything else fails the test as it is
        return
    _check_bindings(prepared)


@FUZZ
@given(text=st.text(st.sampled_from(SPARQL_ALPHABET), max_size=200))
def test_random_text_prepares_or_raises_query_errors(kg: KnowledgeGraph, text: str) -> None:
    """Random SPARQL-like text prepares, or raises a QueryError."""
    _query(kg, text)
    _update(kg, text)


@FUZZ
@given(tokens=st.lists(st.sampled_from(QUERY_TOKENS), max_size=40))
def test_token_soup_prepares_or_raises_query_errors(kg: KnowledgeGraph, tokens: list[str]) -> None:
    """SPARQL's own words in random order prepare, or raise a QueryError; bound values parse."""
    _query(kg, " ".join(tokens))


@FUZZ_PARSED
@given(text=mutated(QUERY_SEEDS, SPARQL_ALPHABET))
def test_mutated_named_queries_prepare_or_raise_query_errors(kg: KnowledgeGraph, text: str) -> None:
    """The shipped named queries, cut and mutated, prepare (bound values parse) or raise."""
    _query(kg, text)


@FUZZ
@given(tokens=st.lists(st.sampled_from(UPDATE_TOKENS), max_size=40))
def test_update_token_soup_prepares_or_raises_query_errors(
    kg: KnowledgeGraph, tokens: list[str]
) -> None:
    """SPARQL Update's words in random order prepare, or raise a QueryError."""
    _update(kg, " ".join(tokens))


@FUZZ
@given(text=mutated(UPDATE_SEEDS, SPARQL_ALPHABET))
def test_mutated_updates_prepare_or_raise_query_errors(kg: KnowledgeGraph, text: str) -> None:
    """Updates, cut and mutated, prepare (bound values parse) or raise a QueryError."""
    _update(kg, text)


@FUZZ_PARSED
@given(text=query())
def test_generated_queries_take_bound_values(kg: KnowledgeGraph, text: str) -> None:
    """Queries made of SPARQL's common parts prepare or raise; a bound value written in parses."""
    _query(kg, text)


@FUZZ_PARSED
@given(text=update())
def test_generated_updates_take_bound_values(kg: KnowledgeGraph, text: str) -> None:
    """Updates made of SPARQL's common parts prepare or raise; a bound value written in parses."""
    _update(kg, text)


# -- what the fuzzing found, kept as plain tests ------------------------------------------------

DEEP = {
    "groups": "{" * 2000 + "?s ?p ?o" + "}" * 2000,
    "brackets": "{ FILTER(" + "(" * 2000 + "1" + ")" * 2000 + ") }",
    "collections": "{ ?s ?p " + "(" * 500 + "1" + ")" * 500 + " }",
    "triple-run": "{ " + " . ".join(f"?s kg:p ?o{n}" for n in range(300)) + " }",
}


@pytest.mark.parametrize("pattern", DEEP.values(), ids=DEEP.keys())
def test_too_deep_for_the_parser_is_a_query_error(kg: KnowledgeGraph, pattern: str) -> None:
    """Nesting or a run of triple patterns past rdflib's recursion: a QueryError, not a crash."""
    advice = "nests too deep, or runs too many triple patterns together, for the SPARQL parser"
    with pytest.raises(accsm_kg.QueryError, match=f"^the query {advice}"):
        kg.query(f"SELECT * WHERE {pattern}")
    with pytest.raises(accsm_kg.QueryError, match=f"^the update {advice}"):
        prepare_update(f"INSERT {{ GRAPH kg:g {{ ?s ?p 1 }} }} WHERE {pattern}", kg.prefixes)


def test_a_long_run_split_into_groups_prepares(kg: KnowledgeGraph) -> None:
    """The advice of that error works: the same 300 triple patterns in groups of 50 prepare."""
    groups = [
        "{ " + " . ".join(f"?s kg:p ?o{n}" for n in range(start, start + 50)) + " }"
        for start in range(0, 300, 50)
    ]
    prepared = prepare(f"SELECT * WHERE {{ {' '.join(groups)} }}", kg.prefixes)
    assert len(prepared.variables) == 301


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_codepoint_escapes_read_as_the_grammar_on_every_store(store: str) -> None:
    r"""``\u`` takes four hex digits and ``\U`` eight, as the grammar says, on both stores.

    rdflib alone read ``\u00e9face`` as one escape of eight digits (a ValueError), and
    ``\U0041`` as ``A`` where the grammar (and Oxigraph) read no escape.
    """
    graph = KnowledgeGraph(open_store(store, None))
    try:
        rows = graph.query(
            r"SELECT ?x ?y WHERE { BIND('\u00e9face' AS ?x) BIND('\u00410041' AS ?y) }"
        )
        assert [(str(x), str(y)) for x, y in rows] == [("éface", "A0041")]
        with pytest.raises(accsm_kg.SparqlSyntaxError):
            graph.query(r"SELECT ?x WHERE { BIND('\U0041' AS ?x) }")
        assert graph.ask(r"ASK { FILTER(true) } # \U0041 in a comment is no escape")
    finally:
        graph.close()


@pytest.mark.parametrize("escape", [r"\U00110000", r"\uD800", r"\udfff"])
def test_escapes_of_no_character_are_syntax_errors(escape: str) -> None:
    """An escape past U+10FFFF, or of a lone surrogate, is a SparqlSyntaxError saying where."""
    problem = f"{re.escape(escape)} is not a Unicode character"
    with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"line 2, column 10: {problem}"):
        prepare(f"SELECT * WHERE {{\n  ?s ?p '{escape}' }}", {})
    with pytest.raises(accsm_kg.SparqlSyntaxError, match=f"line 2, column 14: {problem}"):
        prepare_update(f"INSERT DATA {{ GRAPH <g:> {{\n  <a:> <b:> '{escape}' }} }}", {})


# -- values written as terms (--bind) -----------------------------------------------------------

_TERM_PIECES = st.sampled_from(
    ["kg:", "xsd:", "zz:", ":", "\\", "\\a", "\\#", "%41", "%z", '"', "@", "^^", "<", ">", "a",
     "é", "ម", "-", ".", "_", " ", "\n", "urn:x", "\\u00e9", "\\U0001F600", "'"]
)  # fmt: skip


@FUZZ
@given(pieces=st.lists(_TERM_PIECES, max_size=120))
def test_written_terms_read_or_raise_binding_errors(pieces: list[str]) -> None:
    """Any text, up to hundreds of characters, is read as a term or text, or is a BindingError.

    Long runs of escapes are in reach, so a reader that backtracks would miss the deadline.
    """
    text = "".join(pieces)
    try:
        term = read_term(text, accsm_kg.PREFIXES)
    except accsm_kg.BindingError:
        return
    assert isinstance(term, str | URIRef | Literal)
