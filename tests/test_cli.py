"""The accsm-kg command: what the README shows, and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from accsm_kg.cli import main


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_named_query_prints_the_head_of_delegation() -> None:
    """The README's first command prints Chhy Vichara's name in English and Khmer."""
    code, out, _ = run("query", "--named", "delegation-heads", "--bind", "country=kg:cambodia")
    assert code == 0
    assert "Chhy Vichara" in out
    assert "ឈី វិជ្ជរ៉ា" in out
    assert "Lok Chumteav" in out


def test_query_expression_as_json() -> None:
    """-e runs a query given on the command line; --format json prints SPARQL JSON results."""
    code, out, _ = run(
        "query", "-e", "SELECT ?n WHERE { ?d accsm:delegationSize ?n }", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "8"


def test_query_from_stdin_with_binding() -> None:
    """- reads the query from standard input; --bind gives IRIs as prefixed names."""
    code, out, _ = run(
        "query", "-", "--bind", "d=kg:cambodia-delegation-focal-points-2020", "--format", "csv",
        input="SELECT ?n WHERE { ?d accsm:delegationSize ?n }",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == ["n", "8"]


def test_query_file(tmp_path: Path) -> None:
    """A .rq file is run; ASK prints true or false."""
    query = tmp_path / "q.rq"
    query.write_text("ASK { kg:chhy-vichara a foaf:Person }", encoding="utf-8")
    assert run("query", str(query)) == (0, "true\n", "")


def test_construct_prints_turtle() -> None:
    """CONSTRUCT results are printed as Turtle with the known prefixes."""
    code, out, _ = run("query", "-e", "CONSTRUCT WHERE { kg:chhy-vichara foaf:name ?n }")
    assert code == 0
    assert "kg:chhy-vichara" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "-e", "SELECT WHERE {"], "SPARQL syntax error"),
        (["query", "--named", "no-such-query"], "no named query 'no-such-query'"),
        (["query", "--named", "delegation-heads", "--bind", "nobody=1"], "no parameter 'nobody'"),
        (["query", "-e", "SELECT * WHERE { ?s ?p ?o }", "--bind", "novalue"], "NAME=VALUE"),
        (["query"], "exactly one of"),
        (["stats", "--data", "tests/resources/load/syntax-error.ttl"], "syntax-error.ttl:5:50"),
        (["dump", "-o", "x.ttl", "--data", "missing.ttl"], "missing.ttl: no such file"),
        (["stats", "--data", "tests/resources/load/latin1.ttl"], "latin1.ttl:2:41: byte 0xE9"),
        (["stats", "--data", "tests/resources/load/empty.ttl"], "empty.ttl: the file is empty"),
        (["stats", "--data", "tests/resources/load/no-rdf"], "no-rdf: no .ttl, .nt or .trig file"),
        (["stats", "--data", "tests/resources/load/bad-integer.ttl"], "is not a valid xsd:integer"),
        (["stats", "--data", "tests/resources/load/imports-unknown.ttl"], "not in the offline"),
        (
            ["query", "-e", "INSERT DATA { kg:a kg:b kg:c }"],
            "not SPARQL Update; to change the graph, use the Python API: kg.update(...)",
        ),
        (["validate", "--no-bundled"], "nothing to validate: give PATHS"),
        (["push", "http://127.0.0.1:9/update", "--password", "p"], "--password needs --user"),
        (["push", "http://127.0.0.1:9/update", "--user", "u"], "--user needs --password"),
        (
            ["release", "--version", "0.1.0", "-o", "r", "--base-url", "notaurl"],
            "base URL 'notaurl' is not an absolute URL",
        ),
        (["khmer-date", "2020-02-30"], "2020-02-30: day is out of range for month"),
        (["dump", "-o", "/proc/x.ttl"], "/proc/"),
        (
            ["query", "-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
            "SERVICE (federated query) is refused",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    """Bad input or usage exits 2 with a short message on standard error, no traceback."""
    code, _, err = run(*args)
    assert code == 2
    assert "Traceback" not in err
    [line] = [line for line in err.splitlines() if line.startswith("Error: ")]
    after = err.rstrip("\n").splitlines()[err.splitlines().index(line) + 1 :]
    assert all(rest.startswith(" ") for rest in after)  # a query's line and caret, indented
    assert message in line


@pytest.mark.slow
def test_validate_exit_codes(resources: Path) -> None:
    """validate exits 0 when the data conforms and 1 with the violations printed when not."""
    code, out, _ = run("validate")
    assert (code, out.strip()) == (0, "Conforms: the data satisfies every shape.")
    code, out, _ = run("validate", str(resources / "shapes" / "delegation-size-not-positive.ttl"))
    assert code == 1
    assert "Does not conform" in out
    assert "accsm:delegationSize" in out


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_validate_engines_print_the_same_report(resources: Path, engine: str) -> None:
    """validate --engine picks the validator; both print the same findings."""
    fixture = str(resources / "shapes" / "delegation-size-not-positive.ttl")
    code, out, _ = run("validate", fixture, "--engine", engine)
    assert code == 1
    assert out == run("validate", fixture)[1]
    assert run("validate", "--engine", "nosuch")[0] == 2


def test_validate_bad_file_exits_2(resources: Path) -> None:
    """A data file that does not parse is bad input (2), not a finding (1)."""
    code, _, err = run("validate", str(resources / "load" / "bad-date.ttl"))
    assert code == 2
    assert "is not a valid xsd:date" in err


def test_dump_and_stats(tmp_path: Path) -> None:
    """dump writes the file atomically; stats prints triples and instances per class."""
    target = tmp_path / "kg.nt"
    code, _, err = run("dump", "-o", str(target), "--format", "ntriples")
    assert code == 0
    assert target.stat().st_size > 0
    assert "triples to" in err
    code, out, _ = run("stats")
    assert code == 0
    assert "triples in" in out
    assert "accsm:Meeting" in out


def test_dump_format_follows_the_suffix(tmp_path: Path) -> None:
    """dump -o kg.nq writes N-Quads; an unknown suffix without --format is an error, exit 2."""
    target = tmp_path / "kg.nq"
    code, _, _ = run("dump", "-o", str(target))
    assert code == 0
    quads = list(ox.parse(path=target, format=ox.RdfFormat.N_QUADS))
    assert quads
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    code, _, err = run("dump", "-o", str(tmp_path / "kg.txt"))
    assert code == 2
    assert "cannot tell the format from the suffix '.txt'" in err


def test_queries_lists_every_named_query() -> None:
    """queries lists each named query with its question and parameters."""
    from accsm_kg import named_queries

    code, out, _ = run("queries")
    assert code == 0
    for query in named_queries().values():
        assert query.name in out
        assert query.question in out


def test_every_command_has_help() -> None:
    """Every command documents itself in --help."""
    for name, command in main.commands.items():  # type: ignore[attr-defined]
        code, _out, _ = run(name, "--help")
        assert code == 0
        assert command.help, name


@pytest.mark.slow
def test_python_dash_m(tmp_path: Path) -> None:
    """python -m accsm_kg runs the same command line."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "accsm_kg", "--version"], capture_output=True, text=True, check=True
    )
    assert "accsm-kg" in done.stdout or "version" in done.stdout


def test_khmer_date_from_iso() -> None:
    """khmer-date 2020-11-02 prints the seed's Khmer lunar date and the Khmer Gregorian date."""
    code, out, _ = run("khmer-date", "2020-11-02")
    assert code == 0
    assert out.splitlines() == [
        "2020-11-02",
        "ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤",
        "ថ្ងៃចន្ទ ទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០",
    ]


def test_khmer_date_from_khmer() -> None:
    """khmer-date reads the seed's lunar and Gregorian Khmer dates back to 2020-11-02."""
    for text in ("ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤", "ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០"):
        code, out, _ = run("khmer-date", text)
        assert (code, out.splitlines()[0]) == (0, "2020-11-02")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ថ្ងៃចន្ទ ៣រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤", "not a Monday"),
        ("1850-01-01", "outside the range"),
        ("tomorrow", "not a Khmer Gregorian date"),
        ("2020-02-30", "2020-02-30: day is out of range for month"),
        ("02/30/2020", "the day comes first: DD/MM/YYYY"),
    ],
)
def test_khmer_date_bad_input(value: str, message: str) -> None:
    """A date that cannot be read, or whose parts disagree, exits 2 with the reason."""
    code, out, err = run("khmer-date", value)
    assert (code, out) == (2, "")
    assert message in err


def test_khmer_date_help_names_the_formats() -> None:
    """khmer-date --help says which forms are read, and that numeric dates are day first."""
    code, out, _ = run("khmer-date", "--help")
    assert code == 0
    text = " ".join(out.split())
    assert "ISO date, year first (2020-11-02)" in text
    assert "11/02/2020 is 11 February, never November 2" in text
    assert run("khmer-date", "11/02/2020")[1].splitlines()[0] == "2020-02-11"


def test_query_file_not_utf8_names_line(tmp_path: Path) -> None:
    """A query file that is not UTF-8 is one line naming the file, line and column; exit 2."""
    query = tmp_path / "q.rq"
    query.write_bytes(b"# caf\xe9\nASK { ?s ?p ?o }\n")
    code, _, err = run("query", str(query))
    assert code == 2
    assert err == f"Error: {query}:1:6: byte 0xE9 is not UTF-8; save the file as UTF-8\n"


def _push_auth(monkeypatch: pytest.MonkeyPatch, interactive: bool) -> list[object]:
    """Record the auth push is called with, and say whether stdin is a terminal."""
    from accsm_kg import cli
    from accsm_kg.knowledge_graph import KnowledgeGraph

    seen: list[object] = []

    def push(self: KnowledgeGraph, url: str, *, auth: object = None) -> list[str]:
        seen.append(auth)
        return []

    monkeypatch.setattr(KnowledgeGraph, "push", push)
    monkeypatch.setattr(cli, "_interactive", lambda: interactive)
    return seen


def test_push_user_without_password_asks_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """--user without --password asks for it (hidden) in a terminal, and uses it."""
    seen = _push_auth(monkeypatch, interactive=True)
    code, out, _ = run("push", "http://127.0.0.1:9/update", "--user", "u", input="s3cret\n")
    assert code == 0
    assert "Password for u" in out
    assert "s3cret" not in out
    assert seen == [("u", "s3cret")]


def test_push_password_prompt_ended_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """An ended password prompt (end of input, Ctrl-C) is exit 2, and nothing is pushed."""
    seen = _push_auth(monkeypatch, interactive=True)
    code, _, err = run("push", "http://127.0.0.1:9/update", "--user", "u", input="")
    assert code == 2
    assert err.strip().splitlines()[-1] == "Error: no password given"
    assert seen == []


def test_push_user_without_password_refused_off_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off a terminal, --user without --password is a usage error; with both, both are used."""
    seen = _push_auth(monkeypatch, interactive=False)
    code, _, err = run("push", "http://127.0.0.1:9/update", "--user", "u")
    assert code == 2
    assert "--user needs --password" in err
    assert seen == []
    code, _, _ = run("push", "http://127.0.0.1:9/update", "--user", "u", "--password", "p")
    assert (code, seen) == (0, [("u", "p")])


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["dump", "-o", "out.ttl"], "accsm_kg.knowledge_graph.KnowledgeGraph.dump"),
        (["release", "--version", "0.1.0", "-o", "r", "--no-rapper"], "accsm_kg.cli.make_release"),
        (["docs", "-o", "d"], "accsm_kg.cli.build_docs"),
        (["import", "tests/resources/curation/meetings.csv"], "accsm_kg.curation.import_file"),
    ],
)
def test_unexpected_os_error_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, args: list[str], target: str
) -> None:
    """An OSError the library did not turn into its own error is still one line and exit 2."""

    def fail(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/out")

    monkeypatch.setattr(target, fail)
    code, _, err = run(*args)
    assert (code, err) == (2, "Error: /srv/out: Permission denied\n")


def test_exit_1_only_for_findings() -> None:
    """Only validate, check (findings), report (errors) and diff (differences) exit with 1."""
    source = (Path(__file__).parent.parent / "accsm_kg" / "cli.py").read_text(encoding="utf-8")
    assert source.count("sys.exit(0 if ") == 3
    assert source.count("sys.exit(1 if found.errors else 0)") == 1
    assert "exit(1)" not in source
    assert "exit_code = 1" not in source


def test_a_variable_bound_twice_is_a_usage_error() -> None:
    """--bind x=1 --bind x=2 is refused rather than keeping the last value."""
    code, _, err = run("query", "--named", "delegation-heads", "--bind", "country=kg:cambodia",
                       "--bind", "country=kg:thailand")  # fmt: skip
    assert code == 2
    assert "country is bound twice" in err


def test_bind_takes_literals_written_as_in_turtle() -> None:
    """--bind 'n="…"@km' and 'n="8"^^xsd:integer' bind those literals, not strings."""
    code, out, _ = run("query", "-e", "SELECT ?p WHERE { ?p foaf:name ?n }",
                       "--bind", 'n="ឈី វិជ្ជរ៉ា"@km')  # fmt: skip
    assert code == 0
    assert "kg:chhy-vichara" in out
    code, out, _ = run("query", "-e", "SELECT ?d WHERE { ?d accsm:delegationSize ?n }",
                       "--bind", 'n="8"^^xsd:integer')  # fmt: skip
    assert code == 0
    assert "kg:cambodia-delegation-focal-points-2020" in out


def test_bind_reads_escapes_in_a_prefixed_name() -> None:
    """kg:a\\#b is <…/id/a#b>, as in SPARQL and Turtle: the backslash is not kept in the IRI."""
    code, out, err = run("query", "--no-bundled", "-e", "SELECT ?x WHERE {}", "-f", "csv",
                         "--bind", "x=kg:a\\#b\\~c%41")  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == ["x", "https://w3id.org/accsm-kg/id/a#b~c%41"]
    code, _, err = run("query", "--no-bundled", "-n", "labels", "--bind", "entity=kg:a\\#b")
    absent = "Warning: <https://w3id.org/accsm-kg/id/a#b> occurs nowhere in the graph\n"
    assert (code, err) == (0, absent)


def test_bind_reads_a_string_written_as_in_turtle() -> None:
    """--bind 'x="…"' is that string, its escapes read; a bare value stays a string as it is."""
    code, out, _ = run("query", "--no-bundled", "-e", "SELECT ?x ?y WHERE {}", "-f", "json",
                       "--bind", 'x="say \\"hi\\"\\t\\u17A2"', "--bind", "y=10:30")  # fmt: skip
    assert code == 0
    [row] = json.loads(out)["results"]["bindings"]
    assert row["x"] == {"type": "literal", "value": 'say "hi"\tអ'}
    assert row["y"] == {"type": "literal", "value": "10:30"}


def test_named_query_takes_a_typed_literal_and_a_timeout() -> None:
    """A named query's date may be written "…"^^xsd:date too; --timeout limits each query."""
    code, out, _ = run("query", "-n", "meetings-between", "-f", "csv", "--timeout", "60",
                       "--bind", 'start="2020-11-01"^^xsd:date',
                       "--bind", "end=2020-11-30")  # fmt: skip
    assert code == 0
    assert "https://w3id.org/accsm-kg/id/accsm-focal-points-meeting-2020,ACCSM Focal" in out


@pytest.mark.parametrize("tail", ["", "!"])
@pytest.mark.slow
def test_bind_of_many_escapes_is_read_in_proportion(tail: str) -> None:
    """40 backslash escapes in a prefixed name: refused (or a string) at once, not after hours."""
    value = "kg:" + "\\a" * 40 + tail
    done = subprocess.run(
        [sys.executable, "-m", "accsm_kg", "query", "--no-bundled", "-e", "SELECT ?x WHERE {}",
         "-f", "csv", "--bind", f"x={value}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if tail:
        assert (done.returncode, done.stdout.splitlines()) == (0, ["x", value])
    else:
        assert done.returncode == 2
        assert "\\a is not an escape a prefixed name may hold" in done.stderr


def test_a_misspelt_named_query_is_met_with_the_nearest_names() -> None:
    """delegation-head: did you mean delegation-heads? A name near none lists them all."""
    code, _, err = run("query", "-n", "delegation-head")
    assert code == 2
    assert err.startswith("Error: no named query 'delegation-head'; did you mean delegation-heads")
    code, _, err = run("query", "-n", "zzz")
    assert code == 2
    assert "the named queries are: chair-on-date, " in err


def test_format_applies_to_every_query_form() -> None:
    """-f json gives SPARQL JSON for ASK, -f jsonld JSON-LD for CONSTRUCT; csv is SELECT's."""
    code, out, _ = run("query", "-e", "ASK { kg:cambodia ?p ?o }", "-f", "json")
    assert (code, json.loads(out)) == (0, {"head": {}, "boolean": True})
    construct = "CONSTRUCT { kg:cambodia rdfs:label ?l } WHERE { kg:cambodia rdfs:label ?l }"
    code, out, _ = run("query", "-e", construct, "-f", "jsonld")
    [node] = json.loads(out)
    assert code == 0
    assert {"@language": "km", "@value": "កម្ពុជា"} in node[
        "http://www.w3.org/2000/01/rdf-schema#label"
    ]
    for text in ("ASK { kg:cambodia ?p ?o }", construct):
        code, out, err = run("query", "-e", text, "-f", "csv")
        assert (code, out) == (2, "")
        assert "--format csv does not apply to " in err


VALIDATE_FIXTURES = Path(__file__).parent / "resources" / "validate"


def run_validate(*args: str) -> tuple[int, str, str]:
    """Validate the broken fixtures of tests/resources/validate against their own shapes."""
    return run(
        "validate",
        "--no-bundled",
        str(VALIDATE_FIXTURES / "broken.trig"),
        str(VALIDATE_FIXTURES / "person.ttl"),
        "--shapes",
        str(VALIDATE_FIXTURES / "shapes.ttl"),
        *args,
    )


def test_validate_prints_results_grouped_with_file_line_and_fix() -> None:
    """validate prints each group of results with its count, and each result's place and fix."""
    code, out, _ = run_validate()
    assert code == 1
    assert out.startswith("Does not conform: 17 violation(s)\n\n")
    assert "shape:TestEventShape → schema:startDate: 3 violations\n" in out
    assert "broken.trig:" in out
    assert "    Fix: add a value for schema:startDate to " in out
    assert "_:" not in out


@pytest.mark.parametrize("output", ["text", "table", "json", "tsv"])
def test_validate_formats(output: str) -> None:
    """-f picks text, a table, JSON or TSV; each holds every result with its file and line."""
    code, out, _ = run_validate("-f", output)
    assert code == 1
    if output == "json":
        document = json.loads(out)
        assert document["counts"]["Violation"] == len(document["results"]) == 17
        assert all(result["line"] for result in document["results"])
    elif output == "tsv":
        head, *rows = out.splitlines()
        assert head.split("\t")[-2:] == ["file", "line"]
        assert len(rows) == 17
    elif output == "table":
        assert out.splitlines()[1].split()[:3] == ["where", "severity", "shape"]
        assert len(out.splitlines()) == 3 + 17
    else:
        assert out.count("    Fix: ") == 17


def test_validate_labels_in_khmer() -> None:
    """--lang km shows Khmer labels where a node has one, English ones where it has only those."""
    english = run_validate()[1]
    khmer = run_validate("--lang", "km")[1]
    assert '"ព្រឹត្តិការណ៍ដែលមានកាលបរិច្ឆេទខុស"' in khmer
    assert '"Also two dates"' in khmer
    assert english != khmer
    assert run_validate("--lang", "fr")[0] == 2


def test_validate_json_when_the_data_conforms(tmp_path: Path) -> None:
    """-f json of data that conforms: conforms true, no results, exit 0."""
    person = tmp_path / "person.ttl"
    person.write_text(
        "<https://w3id.org/accsm-kg/id/test-p> a <https://schema.org/Person> ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "A person"@en .\n',
        encoding="utf-8",
    )
    shapes = str(VALIDATE_FIXTURES / "shapes.ttl")
    code, out, _ = run("validate", "--no-bundled", str(person), "--shapes", shapes, "-f", "json")
    assert code == 0
    assert json.loads(out) | {"prefixes": {}} == {
        "conforms": True,
        "counts": {"Violation": 0, "Warning": 0, "Info": 0},
        "groups": [],
        "results": [],
        "prefixes": {},
    }
