"""Only accsm-kg's own errors, everywhere.

Every command of ``accsm-kg`` is given bad values (missing files, folders where files go, bad
``--bind`` forms, formats, timeouts, outputs, numbers, versions...) and must end with one line
``Error: ...`` on standard error and exit code 2, never a traceback. The Python API lets only
:class:`~accsm_kg.errors.AccsmKgError` out, whatever a SPARQL engine raises and whatever value is
bound. Hypothesis fuzzes ``--bind`` and API bindings with bounded examples, each with a deadline.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, XSD, Literal, URIRef

import accsm_kg
from accsm_kg.cli import main
from accsm_kg.errors import AccsmKgError, StoreError
from accsm_kg.knowledge_graph import KnowledgeGraph
from accsm_kg.stores import run_in_child
from accsm_kg.terms import quiet_rdflib_terms

RESOURCES = Path(__file__).parent / "resources"
FUZZ = settings(
    max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SERVICE_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
sh:x a sh:NodeShape ; sh:targetSubjectsOf <urn:x:b> ;
  sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }" ] .
"""
SELECT = "SELECT ?x WHERE { OPTIONAL { ?s ?p ?x } }"


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of things to point commands at: a good file and many bad ones."""
    folder = tmp_path_factory.mktemp("bad")
    (folder / "ok.nt").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    (folder / "notrdf.txt").write_text("x", encoding="utf-8")
    (folder / "empty").mkdir()
    (folder / "dangling.ttl").symlink_to(folder / "nowhere.ttl")
    (folder / "loop.ttl").symlink_to(folder / "loop.ttl")
    (folder / "noshapes.ttl").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    (folder / "service.ttl").write_text(SERVICE_SHAPES, encoding="utf-8")
    (folder / "rows.yaml").write_text(": : :\n", encoding="utf-8")
    (folder / "rows.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    shutil.copy(RESOURCES / "curation" / "meetings.csv", folder)
    (folder / "taken").mkdir()
    (folder / "taken" / "notes.txt").write_text("x", encoding="utf-8")
    return folder


def invoke(folder: Path, args: list[str]) -> Result:
    """Run accsm-kg in-process; an argument ``@name`` is the file ``name`` of ``folder``."""
    paths = [str(folder / a[1:]) if a.startswith("@") else a for a in args]
    return CliRunner().invoke(main, paths, catch_exceptions=False)


def error_line(result: Result) -> str:
    """Check the run ended as bad input does (exit 2, one ``Error:`` line); return that line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.rstrip("\n").splitlines()
    assert "Traceback" not in result.stderr
    found = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
    assert len(found) == 1, result.stderr
    # click's usage lines may come first; only indented lines of the same message after
    assert all(not line or line.startswith(("Usage: ", "Try ")) for line in lines[: found[0]])
    assert all(line.startswith(" ") for line in lines[found[0] + 1 :]), result.stderr
    assert "does not expect" not in result.stderr  # no stray exception of a library
    return lines[found[0]]


D = ["--no-bundled", "--data", "@ok.nt"]
Q = ["query", "-e", SELECT, *D]
BAD_INPUT: list[tuple[list[str], str]] = [
    # query: the query's file, --bind, --format, --timeout, --data, named queries
    (["query", "@missing.rq", *D], "No such file"),
    (["query", "@empty", *D], "Is a directory"),
    (["query", "@dangling.ttl", *D], "No such file"),
    (["query", "@loop.ttl", *D], "symbolic links"),
    (["query", "@ok.nt/x.rq", *D], "Not a directory"),
    (["query", "-e", SELECT, "-n", "labels", *D], "exactly one of"),
    (["query", "-e", "", *D], "the query is empty"),
    (["query", "-e", "SELECT", *D], "SPARQL syntax error"),
    ([*Q, "--bind", "=x"], "is not NAME=VALUE"),
    ([*Q, "--bind", "x"], "is not NAME=VALUE"),
    ([*Q, "--bind", "x="], 'gives x no value; to bind the empty string, write x=""'),
    ([*Q, "--bind", "1a=b"], "?1a is not a variable of the query"),
    ([*Q, "--bind", "?=b"], "'?' is not a variable name"),
    ([*Q, "--bind", "a b=1"], "'a b' is not a variable name"),
    ([*Q, "--bind", "y=1"], "?y is not a variable of the query"),
    ([*Q, "--bind", "x=1", "--bind", "x=2"], "x is bound twice"),
    ([*Q, "--bind", "x=<bad iri>"], "x: '<bad iri>' is neither an absolute IRI"),
    ([*Q, "--bind", "x=<>"], "x: '<>' is neither an absolute IRI"),
    ([*Q, "--bind", "x=<unclosed"], "x: '<unclosed' is neither an absolute IRI"),
    ([*Q, "--bind", 'x="a"^^xsd:date'], 'x: "a" is not a valid xsd:date'),
    ([*Q, "--bind", 'x="2021-02-29"^^xsd:date'], 'x: "2021-02-29" is not a valid xsd:date'),
    ([*Q, "--bind", 'x="1.5"^^xsd:integer'], 'x: "1.5" is not a valid xsd:integer'),
    ([*Q, "--bind", 'x="300"^^xsd:byte'], 'x: "300" is not a valid xsd:byte'),
    ([*Q, "--bind", 'x="1"^^zz:integer'], "unknown prefix zz:"),
    ([*Q, "--bind", 'x="1"^^<bad iri>'], "'<bad iri>' is neither an absolute IRI"),
    ([*Q, "--bind", 'x="1"^^'], "is not a literal"),
    ([*Q, "--bind", 'x="1"^^plain'], "is not a literal"),
    ([*Q, "--bind", 'x="1"@'], "'' is not a language tag"),
    ([*Q, "--bind", 'x="1"@1x'], "'1x' is not a language tag"),
    ([*Q, "--bind", 'x="open'], "opens a string it does not close"),
    ([*Q, "--bind", 'x="a\\q"'], "\\q is not an escape a string may hold"),
    ([*Q, "--bind", 'x="\\ud800"'], "\\ud800 is not a Unicode character"),
    ([*Q, "--bind", 'x="\\U00110000"'], "\\U00110000 is not a Unicode character"),
    ([*Q, "--bind", "x=\udcff"], "lone surrogate"),
    ([*Q, "--bind", "x=zz:foo"], "unknown prefix zz:"),
    ([*Q, "--bind", "x=kg:a\\qb"], "\\q is not an escape a prefixed name may hold"),
    ([*Q, "--bind", "x=kg:a\\"], "\\ is not an escape a prefixed name may hold"),
    ([*Q, "-f", "xml"], "'xml' is not one of"),
    ([*Q, "-t", "0"], "timeout must be a positive number of seconds, not 0"),
    ([*Q, "-t", "-1"], "timeout must be a positive number of seconds, not -1"),
    ([*Q, "-t", "nan"], "timeout must be a positive number of seconds, not nan"),
    ([*Q, "-t", "inf"], "timeout must be a positive number of seconds, not inf"),
    ([*Q, "-t", "soon"], "'soon' is not a valid float"),
    ([*Q, "--data", "@missing.ttl"], "missing.ttl: no such file"),
    ([*Q, "--data", "@empty"], "no .ttl, .nt or .trig file in this folder"),
    ([*Q, "--data", "@notrdf.txt"], "not an RDF file"),
    ([*Q, "--data", "@dangling.ttl"], "dangling.ttl: no such file"),
    ([*Q, "--data", "@loop.ttl"], "loop.ttl"),
    ([*Q, "--data", "@ok.nt/x.ttl"], "Not a directory"),
    (["query", "-n", "no-such-query", *D], "no named query 'no-such-query'"),
    (["query", "-n", "labels", "--bind", "nobody=1", *D], "no parameter 'nobody'"),
    (
        ["query", "-n", "meetings-between", "--bind", 'start="x"^^xsd:date', *D],
        'start: "x" is not a valid xsd:date',
    ),
    (["query", "-n", "meetings-between", "--bind", "start=x", *D], "start: 'x' is not a valid"),
    (["query", "-n", "meetings-between", "--bind", "start=", *D], "gives start no value"),
    (["query", "-n", "labels", "--bind", "entity=zz:a", *D], "unknown prefix zz:"),
    (["query", "-n", "labels", "--bind", "entity=<bad iri>", *D], "entity: '<bad iri>'"),
    (["query", "-n", "labels", "--bind", "entity=kg:a\\qb", *D], "\\q is not an escape"),
    (["query", "-n", "labels", "-t", "0", *D], "timeout must be a positive number"),
    # validate: data, shapes, engines
    (["validate", "--no-bundled"], "nothing to validate"),
    (["check", "--no-bundled"], "nothing to check"),
    (["report", "--no-bundled"], "nothing to report on"),
    (["reason", "--no-bundled"], "nothing to reason over"),
    (["dump", "--reason", "-o", "@x.ttl"], "--reason keeps the inferences in a named graph"),
    (["reason", "--engine", "hermit"], "'hermit' is not one of"),
    (["reason", "-o", "@missing-folder/x.ttl"], "missing-folder"),
    (["report", "--limit", "0"], "0 is not in the range x>=1"),
    (["report", "-f", "xml"], "'xml' is not one of"),
    (["check", "--no-bundled", "@missing.ttl"], "missing.ttl: no such file"),
    (["check", "--reasoner", "fact"], "'fact' is not one of 'hermit', 'pellet'"),
    (["validate", "--no-bundled", "@missing.ttl"], "missing.ttl: no such file"),
    (["validate", "--no-bundled", "@empty"], "no .ttl, .nt or .trig file in this folder"),
    (["validate", "--no-bundled", "@notrdf.txt"], "not an RDF file"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@missing.ttl"], "no such file"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@dangling.ttl"], "no such file"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@empty"], "no .ttl, .nt or .trig file"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@notrdf.txt"], "not an RDF file"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@noshapes.ttl"], "no sh:NodeShape"),
    (["validate", "--no-bundled", "@ok.nt", "--shapes", "@service.ttl"], "may not hold SERVICE"),
    (
        ["validate", "--no-bundled", "@ok.nt", "--shapes", "@service.ttl", "--engine", "sparql"],
        "may not hold SERVICE",
    ),
    (
        ["validate", "--no-bundled", "@ok.nt", "--shapes", "@service.ttl", "--engine", "pyshacl"],
        "may not hold SERVICE",
    ),
    (["validate", "--no-bundled", "@ok.nt", "--engine", "fast"], "'fast' is not one of"),
    # dump: the output and its format
    (["dump", *D], "Missing option '-o'"),
    (["dump", "-o", "@empty", *D], "is a directory"),
    (["dump", "-o", "@nodir/x.ttl", *D], "the folder"),
    (["dump", "-o", "@ok.nt/x.ttl", *D], "ok.nt"),
    (["dump", "-o", "@x.txt", *D], "cannot tell the format from the suffix '.txt'"),
    (["dump", "-o", "@x.ttl", "-f", "xml", *D], "'xml' is not one of"),
    (["dump", "-o", "@x.ttl", "--data", "@missing.ttl", "--no-bundled"], "no such file"),
    # stats, queries
    (["stats", "--data", "@missing.ttl", "--no-bundled"], "no such file"),
    (["stats", "--data", "@empty", "--no-bundled"], "no .ttl, .nt or .trig file"),
    (["stats", "extra"], "unexpected extra argument"),
    (["queries", "extra"], "unexpected extra argument"),
    # release: versions, dates, URLs, output folders
    (["release", "--version", "1", "-o", "@rel", *D], "is not a semantic version"),
    (["release", "--version", "01.0.0", "-o", "@rel", *D], "is not a semantic version"),
    (["release", "--version", "v1.0.0", "-o", "@rel", *D], "is not a semantic version"),
    (["release", "--version", "1.0.0.0", "-o", "@rel", *D], "is not a semantic version"),
    (["release", "--version", "", "-o", "@rel", *D], "is not a semantic version"),
    (["release", "-o", "@rel", *D], "Missing option '--release-version'"),
    (["release", "--version", "1.0.0", "-o", "@ok.nt", *D], "is a file"),
    (["release", "--version", "1.0.0", "-o", "@ok.nt/rel", *D], "ok.nt"),
    (["release", "--version", "1.0.0", "-o", "@taken", "--no-rapper", *D], "not part of a release"),
    (
        ["release", "--version", "1.0.0", "-o", "@rel", "--issued", "2020-13-01", *D],
        "does not match the format",
    ),
    (["release", "--version", "1.0.0", "-o", "@rel", "--base-url", "x", *D], "not an absolute URL"),
    # import and its templates
    (["import"], "give FILE to import, or --template KIND"),
    (["import", "@missing.csv"], "no such file"),
    (["import", "@empty"], "empty"),
    (["import", "@dangling.ttl"], "no such file"),
    (["import", "@notrdf.txt"], "imports .csv, .yaml or .yml files"),
    (["import", "@rows.csv"], "which template?"),
    (["import", "@rows.yaml"], "not valid YAML"),
    (["import", "@rows.csv", "-k", "nosuch"], "no template 'nosuch'"),
    (["import", "--template", "nosuch"], "no template 'nosuch'"),
    (["import", "@meetings.csv", "-o", "@empty"], "is a directory"),
    (["import", "@meetings.csv", "-o", "@ok.nt/x.ttl"], "ok.nt"),
    (["import", "@meetings.csv", "--data", "@missing.ttl", "-o", "@x.trig"], "no such file"),
    (["import", "@meetings.csv", "-o", "@x.ttl"], "write the rows to a .trig file"),
    # why: a statement written as three terms
    (["why", "kg:cambodia", "rdfs:label"], "Missing argument 'OBJECT'"),
    (["why", "nosuch:a", "rdfs:label", "kg:b"], "nosuch"),
    (["why", "kg:a", "rdfs:label", '"x"^^xsd:date'], "not a valid xsd:date"),
    # synth: sizes, seeds, faults, outputs
    (["synth", "--triples", "-5", "-o", "@s.ttl"], "at least 6,000"),
    (["synth", "--triples", "0", "-o", "@s.ttl"], "at least 6,000"),
    (["synth", "--triples", "10", "-o", "@s.ttl"], "at least 6,000"),
    (["synth", "--triples", "1e30", "-o", "@s.ttl"], "--triples 1e30 would write at least"),
    (["synth", "--triples", "1e400", "-o", "@s.ttl"], "not a whole number"),
    (["synth", "--triples", "many", "-o", "@s.ttl"], "is not a number of triples"),
    (["synth", "--triples", "1.5", "-o", "@s.ttl"], "not a whole number"),
    (["synth", "--triples", "10k", "--seed", "-1", "-o", "@s.ttl"], "-1 is not in the range"),
    (["synth", "--triples", "10k", "--faults", "-1", "-o", "@s.ttl"], "-1 is not in the range"),
    (["synth", "--triples", "10k", "--faults", "99999999", "-o", "@s.ttl"], "faults asked for"),
    (["synth", "--triples", "10k", "-o", "@empty"], "is a directory"),
    (["synth", "--triples", "10k", "-o", "@nodir/s.ttl"], "does not exist"),
    (["synth", "--triples", "10k", "-o", "@ok.nt/s.ttl"], "ok.nt"),
    (["synth", "-o", "@s.ttl"], "Missing option '--triples'"),
    # diff
    (["diff", "@missing.nt", "@ok.nt"], "missing.nt: no such file"),
    (["diff", "@ok.nt", "@empty"], "no .ttl, .nt or .trig file in this folder"),
    (["diff", "@ok.nt", "@notrdf.txt"], "not an RDF file"),
    (["diff", "@ok.nt", "@dangling.ttl"], "no such file"),
    (["diff", "@ok.nt", "@ok.nt", "-f", "html"], "'html' is not one of"),
    # push: URLs, credentials
    (["push", "notaurl", *D], "must be an http:// or https:// URL"),
    (["push", "ftp://host/update", *D], "must be an http:// or https:// URL"),
    (["push", "http://[::1/update", *D], "is not a URL (Invalid IPv6 URL)"),
    (["push", "http://host:port/update", *D], "is not a URL"),
    (["push", "http://127.0.0.1:9/update", *D], "cannot reach the server"),
    (["push", "http://127.0.0.1:9/update", "--password", "p", *D], "--password needs --user"),
    # docs, khmer-date, and what is no command
    (["docs", "-o", "@ok.nt", *D], "is a file"),
    (["docs", "-o", "@ok.nt/x", *D], "ok.nt"),
    (["khmer-date", ""], "not a Khmer Gregorian date"),
    (["khmer-date", "someday"], "not a Khmer Gregorian date"),
    (["khmer-date", "2020-13-01"], "month must be in 1..12"),
    (["khmer-date", "0000-01-01"], "year 0 is out of range"),
    (["no-such-command"], "No such command"),
    # plot, and the options every reading command shares
    (["plot", "nosuch", "-o", "@x.png"], "'nosuch' is not one of"),
    (["serve", "--port", "70000"], "70000 is not in the range"),
    (["serve", "-t", "0"], "must be a positive number of seconds"),
    (["site", "-o", "@ok.nt", *D], "ok.nt"),
    (["query", "-e", "ASK {}", "-f", "csv", *D], "--format csv does not apply to an ASK query"),
    (["query", "-e", "SELECT * WHERE { ?s ?p }", *D], "expected an object after '?p'"),
    (["stats", "-f", "xml"], "'xml' is not one of"),
    (["stats", "-o", "@empty"], "is a directory"),
    (["stats", "--store", "@ok.nt"], "is a file"),
    (["stats", "--endpoint", "notaurl"], "is not the http:// or https:// URL of a SPARQL"),
    (["stats", "--endpoint", "http://127.0.0.1:9/q", "--data", "@ok.nt"], "leave out --data"),
    (["queries", "-f", "xml"], "'xml' is not one of"),
    (["validate", "-o", "@empty"], "is a directory"),
    (["release", "--release-version", "1", "-o", "@rel", *D], "is not a semantic version"),
]


def test_the_battery_covers_every_command() -> None:
    """Each command of ``accsm-kg --help`` is given bad values below."""
    commands = set(main.commands)  # type: ignore[attr-defined]
    assert commands <= {args[0] for args, _ in BAD_INPUT}


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUT, ids=[" ".join(a)[:60] for a, _ in BAD_INPUT]
)
def test_bad_input_is_one_error_line_and_exit_2(bad: Path, args: list[str], message: str) -> None:
    """Every bad value ends with one ``Error: ...`` line naming it, and exit code 2."""
    assert message in error_line(invoke(bad, args))


@pytest.mark.parametrize(
    "args",
    [
        ["-e", "SELECT ?d WHERE {}", "--bind", 'd="x"^^xsd:date'],
        ["-n", "meetings-between", "--bind", 'start="x"^^xsd:date'],
    ],
)
@pytest.mark.slow
def test_ill_typed_bound_literal_is_a_binding_error(args: list[str]) -> None:
    """rdflib logged a traceback for "x"^^xsd:date and the command exited 0: now it is refused."""
    done = subprocess.run(
        [sys.executable, "-m", "accsm_kg", "query", "--no-bundled", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    name = args[-1].split("=")[0]
    assert (done.returncode, done.stderr) == (2, f'Error: {name}: "x" is not a valid xsd:date\n')


def _log(level: int) -> str:
    try:
        raise ValueError("inside rdflib")
    except ValueError:
        logging.getLogger("rdflib.term").log(level, "something is off", exc_info=True)
    return "the summary"


def test_a_library_warning_is_one_line(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning rdflib logs, traceback and all, is shown as one line; the command goes on."""
    monkeypatch.setattr(KnowledgeGraph, "summary", lambda self: _log(logging.WARNING))
    result = invoke(bad, ["stats", *D])
    assert (result.exit_code, result.stdout) == (0, "the summary\n")
    assert result.stderr == "Warning: rdflib.term: something is off\n"


def test_a_library_error_exits_2(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error rdflib logs (and does not raise) fails the command: one line, exit 2, not 0."""
    monkeypatch.setattr(KnowledgeGraph, "summary", lambda self: _log(logging.ERROR))
    assert error_line(invoke(bad, ["stats", *D])) == "Error: rdflib.term: something is off"


@pytest.mark.filterwarnings("default::accsm_kg.CanonicalFormWarning")
def test_a_warning_is_one_line(tmp_path: Path) -> None:
    """A warning accsm-kg gives is one line, without the code line Python would print under it."""
    data = tmp_path / "canonical.nt"
    data.write_text(f'<urn:x:a> <urn:x:b> "01"^^<{XSD.integer}> .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["stats", "--no-bundled", "--data", str(data)])
    assert result.exit_code == 0
    assert result.stderr == (
        f'Warning: {data}:1: "01"^^xsd:integer is kept as "1": the Oxigraph store keeps numbers, '
        "booleans, dates, times and durations by value; write the canonical form to keep file "
        "and store alike\n"
    )


def test_an_unexpected_exception_is_one_line_naming_it(
    bad: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (an exception of no kind the command knows) still ends as one line, exit 2."""

    def broken(self: KnowledgeGraph) -> str:
        return {}["count"]  # type: ignore[no-any-return]

    monkeypatch.setattr(KnowledgeGraph, "summary", broken)
    result = invoke(bad, ["stats", *D])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "Error: KeyError: 'count' (an error accsm-kg does not expect: please report it)\n"
    )


# --- the Python API -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rdflib_kg(bad: Path) -> KnowledgeGraph:
    data = bad / "people.ttl"
    data.write_text(
        "<http://ex/a> <http://ex/p> 1 ; <http://ex/knows> <http://ex/b> .\n", encoding="utf-8"
    )
    return accsm_kg.load(data, include_bundled=False, store="rdflib")


ENGINE_FAILURES = [
    (
        "PREFIX : <http://ex/> SELECT ?s (EXISTS { ?s :knows ?x } AS ?e) WHERE { ?s :p ?v }",
        "What do I do with this CompValue?",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { ?s ?p 1 })",
        "What do I do with this CompValue?",
    ),
]


@pytest.mark.parametrize("timeout", [None, 60.0])
@pytest.mark.parametrize(("query", "message"), ENGINE_FAILURES)
def test_rdflib_engine_failures_are_store_errors(
    rdflib_kg: KnowledgeGraph, query: str, message: str, timeout: float | None
) -> None:
    """rdflib's engine raising its own exceptions (in-thread or in the child): a StoreError."""
    with pytest.raises(StoreError, match="the rdflib store cannot run this query") as caught:
        rdflib_kg.query(query, timeout=timeout)
    assert message in str(caught.value)


@pytest.mark.parametrize("timeout", [None, 60.0])
def test_an_expression_rdflib_gets_wrong_is_unbound(
    rdflib_kg: KnowledgeGraph, timeout: float | None
) -> None:
    """COALESCE() with no argument is an error, so leaves ?x unbound (rdflib gives a str)."""
    rows = rdflib_kg.query("SELECT (COALESCE() AS ?x) WHERE {}", timeout=timeout)
    assert [tuple(row) for row in rows] == [(None,)]


@pytest.mark.parametrize("timeout", [None, 60.0])
def test_rdflib_update_failure_is_a_store_error_and_changes_nothing(
    bad: Path, timeout: float | None
) -> None:
    """An update rdflib's engine fails on (an AssertionError) is a StoreError; nothing changes."""
    kg = accsm_kg.load(bad / "ok.nt", include_bundled=False, store="rdflib")
    before = sorted(kg.store.quads())
    update = (
        "INSERT { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> ?x } } WHERE { BIND(COALESCE() AS ?x) }"
    )
    with pytest.raises(StoreError, match="the rdflib store cannot run this update"):
        kg.update(update, timeout=timeout)
    assert sorted(kg.store.quads()) == before


@pytest.mark.parametrize("timeout", [None, 60.0])
def test_run_in_child_hands_back_our_errors(timeout: float | None) -> None:
    """An exception of the work that is not accsm-kg's comes back as a StoreError with its text."""
    with pytest.raises(StoreError, match="ValueError: invalid literal for int"):
        run_in_child(lambda: int("x"), timeout)


@pytest.mark.parametrize("store", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("timeout", [None, 60.0])
def test_ill_typed_literal_bound_through_the_api_is_a_constant(
    bad: Path, store: str, timeout: float | None, caplog: pytest.LogCaptureFixture
) -> None:
    """The API binds an ill-typed literal as written, as in the query's own text; nothing is logged.

    The graph loaded never holds one (the loader refuses them), so it matches nothing there; a
    server's data may hold some. rdflib logged a traceback for it, twice, on the rdflib store.
    """
    with quiet_rdflib_terms():
        day = Literal("x", datatype=XSD.date)
    kg = accsm_kg.load(bad / "ok.nt", include_bundled=False, store=store)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        rows = kg.query("SELECT ?d WHERE {}", {"d": day}, timeout=timeout)
        assert [row.d for row in rows] == [day]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- fuzzing --------------------------------------------------------------------------------

_DATATYPES = ["xsd:date", "xsd:integer", "xsd:gYear", "rdf:XMLLiteral", "<urn:x:t>", "zz:t", ""]
BIND_VALUES = st.one_of(
    st.text(max_size=20),
    st.builds(
        lambda text, suffix: f'"{text}"{suffix}',
        st.text(max_size=12),
        st.one_of(
            st.sampled_from(["", "@km", "@en-GB", "@", "@1x"]),
            st.sampled_from(_DATATYPES).map(lambda d: f"^^{d}"),
            st.text(max_size=6),
        ),
    ),
    st.builds(
        lambda prefix, local: f"{prefix}:{local}",
        st.sampled_from(["kg", "xsd", "zz", "", "urn", "http"]),
        st.text(max_size=12),
    ),
    st.text(max_size=16).map(lambda iri: f"<{iri}>"),
)


@FUZZ
@given(
    name=st.one_of(st.sampled_from(["x", "?x", "$x", "y"]), st.text(max_size=4)), value=BIND_VALUES
)
def test_fuzzed_bind_values_exit_0_or_2(bad: Path, name: str, value: str) -> None:
    """Whatever --bind NAME=VALUE is, the query runs (exit 0) or one error line says why (2)."""
    result = invoke(bad, [*Q, "-f", "csv", "--bind", f"{name}={value}"])
    assert result.exit_code in (0, 2), (result.stdout, result.stderr)
    if result.exit_code == 0:
        assert result.stderr == ""
    else:
        error_line(result)


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def api_kg(request: pytest.FixtureRequest, bad: Path) -> Iterator[KnowledgeGraph]:
    kg = accsm_kg.load(bad / "ok.nt", include_bundled=False, store=request.param)
    yield kg
    kg.close()


_TERM_PARTS = st.tuples(
    st.text(max_size=12),
    st.sampled_from([None, XSD.date, XSD.integer, XSD.decimal, XSD.dateTime, RDF.XMLLiteral]),
    st.sampled_from([None, "km", "en-GB"]),
)
API_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=False),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
    st.tuples(st.just("literal"), _TERM_PARTS),
    st.tuples(st.just("iri"), st.text(max_size=20)),
)


def _made(value: Any) -> Any:
    """Make the rdflib term a drawn value stands for (rdflib's own complaints silenced)."""
    if isinstance(value, tuple) and value[0] == "literal":
        text, datatype, language = value[1]
        with quiet_rdflib_terms():
            return Literal(text, lang=language) if language else Literal(text, datatype=datatype)
    if isinstance(value, tuple) and value[0] == "iri":
        with quiet_rdflib_terms():
            return URIRef(value[1])
    return value


@FUZZ
@given(value=API_VALUES, timeout=st.sampled_from([None, 60.0]))
def test_fuzzed_api_bindings_raise_only_our_errors(
    api_kg: KnowledgeGraph, value: Any, timeout: float | None
) -> None:
    """kg.query(q, {"x": value}) answers, or raises an AccsmKgError; it logs no warning."""
    bound = _made(value)
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        rows = api_kg.query(SELECT, {"x": bound}, timeout=timeout)
        rows.to_table(), rows.to_csv(), rows.to_json()
    except AccsmKgError:
        pass  # anything else fails the test
    finally:
        logging.getLogger().removeHandler(handler)
    assert records == []


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_an_ill_typed_literal_in_the_query_text_logs_nothing(
    store: accsm_kg.StoreName, caplog: pytest.LogCaptureFixture
) -> None:
    """'x'^^xsd:date written in a query is a constant like any other: no traceback is logged."""
    kg = accsm_kg.load(include_bundled=False, store=store)
    text = "SELECT ?x WHERE { BIND('x'^^xsd:date AS ?x) }"
    with caplog.at_level(logging.DEBUG):
        assert [str(row.x) for row in kg.query(text)] == ["x"]
        assert [str(row.x) for row in kg.query(text, timeout=30)] == ["x"]
    assert caplog.records == []
