"""The command line answers exactly what was asked (issue 14).

Formats per query form, ``--output`` written atomically, ``--timeout``, ``--store`` and
``--endpoint``, JSON from ``stats`` and ``queries``, ``--data`` beside PATHS, the two versions,
"did you mean", bound IRIs that occur nowhere, and syntax errors that point at the fault.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import accsm_kg
from accsm_kg.cli import main
from accsm_kg.errors import SparqlSyntaxError
from tests.servers import Endpoints

RESOURCES = Path(__file__).parent / "resources"
BAD_SIZE = str(RESOURCES / "shapes" / "delegation-size-not-positive.ttl")
SELECT = "SELECT ?l WHERE { kg:cambodia rdfs:label ?l } ORDER BY ?l"
ASK = "ASK { kg:cambodia ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { kg:cambodia rdfs:label ?l }"


def run(*args: str) -> tuple[int, str, str]:
    """Run accsm-kg in-process; return its exit code, standard output and standard error."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def error_of(err: str) -> str:
    """Return the one ``Error:`` line of standard error."""
    [line] = [line for line in err.splitlines() if line.startswith("Error: ")]
    return line


# -- formats per query form ------------------------------------------------------------------


def test_select_as_sparql_tsv() -> None:
    """-f tsv prints SELECT rows in the SPARQL 1.1 TSV format: ?names, then RDF terms."""
    code, out, err = run("query", "-e", SELECT, "-f", "tsv")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["?l", '"Cambodia"@en', '"កម្ពុជា"@km']


@pytest.mark.parametrize(
    ("text", "output", "check"),
    [
        (SELECT, "csv", lambda out: out.splitlines() == ["l", "Cambodia", "កម្ពុជា"]),
        (SELECT, "json", lambda out: len(json.loads(out)["results"]["bindings"]) == 2),
        (ASK, "table", lambda out: out == "true\n"),
        (ASK, "json", lambda out: json.loads(out) == {"head": {}, "boolean": True}),
        (CONSTRUCT, "table", lambda out: "kg:cambodia" in out and "@prefix" in out),
        (CONSTRUCT, "turtle", lambda out: "kg:cambodia" in out and "@prefix" in out),
        (
            CONSTRUCT,
            "ntriples",
            lambda out: len(list(ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES))) == 2,
        ),
        (
            CONSTRUCT,
            "jsonld",
            lambda out: len(list(ox.parse(out.encode(), format=ox.RdfFormat.JSON_LD))) == 2,
        ),
        (
            CONSTRUCT,
            "json",
            lambda out: len(list(ox.parse(out.encode(), format=ox.RdfFormat.JSON_LD))) == 2,
        ),
    ],
)
def test_each_form_prints_in_its_formats(text: str, output: str, check: object) -> None:
    """Every format that applies to a query form prints that form's answer in it."""
    code, out, err = run("query", "-e", text, "-f", output)
    assert (code, err) == (0, "")
    assert check(out)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "output", "message"),
    [
        (ASK, "csv", "--format csv does not apply to an ASK query, which prints as table or json"),
        (ASK, "tsv", "--format tsv does not apply to an ASK query, which prints as table or json"),
        (ASK, "turtle", "--format turtle does not apply to an ASK query"),
        (SELECT, "jsonld", "does not apply to a SELECT query, which prints as table, csv, tsv or"),
        (CONSTRUCT, "csv", "--format csv does not apply to a CONSTRUCT query"),
        ("DESCRIBE kg:cambodia", "tsv", "--format tsv does not apply to a DESCRIBE query"),
    ],
)
def test_a_format_of_another_form_is_a_usage_error(text: str, output: str, message: str) -> None:
    """A format that does not apply exits 2, naming the formats that do; nothing is printed."""
    code, out, err = run("query", "-e", text, "-f", output)
    assert (code, out) == (2, "")
    assert message in error_of(err)


def test_a_named_query_takes_select_formats_only() -> None:
    """A named query is a SELECT: -f tsv works, -f turtle is refused before any data is read."""
    code, out, _ = run("query", "-n", "labels", "--bind", "entity=kg:cambodia", "-f", "tsv")
    assert code == 0
    assert out.splitlines()[0].startswith("?")
    code, _, err = run("query", "-n", "labels", "-f", "turtle")
    assert code == 2
    assert "does not apply to a SELECT query" in err


# -- the same formats on every command that prints rows ---------------------------------------

WHY = ["why", "kg:cambodia", "rdfs:label", '"Cambodia"@en']

#: Each command that prints rows, and how many rows its JSON holds.
ROW_COMMANDS = [
    (["validate", BAD_SIZE], lambda document: len(document["results"])),
    (["report"], lambda document: len(document["findings"])),
    (WHY, lambda document: len(document["results"]["bindings"])),
    (["stats"], lambda document: len(document["classes"])),
    (["queries"], len),
]


@pytest.mark.parametrize(
    ("args", "count"), ROW_COMMANDS, ids=["validate", "report", "why", "stats", "queries"]
)
def test_every_command_that_prints_rows_takes_table_csv_tsv_and_json(
    args: list[str], count: object
) -> None:
    """table, csv, tsv and json print the same rows: csv and tsv a header, then a line each."""
    shown = {output: run(*args, "-f", output) for output in ("table", "csv", "tsv", "json")}
    assert {code for code, _, _ in shown.values()} <= {0, 1}  # validate and report: findings
    assert len({code for code, _, _ in shown.values()}) == 1
    rows = count(json.loads(shown["json"][1]))  # type: ignore[operator]
    assert rows > 0
    by_csv = list(csv.reader(io.StringIO(shown["csv"][1], newline="")))
    by_tsv = shown["tsv"][1].splitlines()
    assert len(by_csv) == len(by_tsv) == rows + 1
    assert [name.lstrip("?") for name in by_tsv[0].split("\t")] == by_csv[0]
    table = shown["table"][1].splitlines()
    assert len(table) - table.index(next(t for t in table if set(t) <= {"-", " "})) - 1 == rows


def test_csv_and_tsv_show_what_the_table_shows(tmp_path: Path) -> None:
    """queries -f csv gives each query's name, question and parameters; lines end in CRLF."""
    target = tmp_path / "queries.csv"
    assert run("queries", "-f", "csv", "-o", str(target))[0] == 0
    text = target.read_bytes().decode("utf-8")
    assert text.count("\r\n") == text.count("\n") == len(accsm_kg.named_queries()) + 1
    by_csv = list(csv.DictReader(io.StringIO(text, newline="")))
    heads = next(row for row in by_csv if row["name"] == "delegation-heads")
    assert heads["question"].startswith("Who headed")
    assert heads["parameters"] == "country (iri), meeting (iri)"
    code, out, _ = run("validate", BAD_SIZE, "-f", "csv")
    [row] = [r for r in csv.DictReader(io.StringIO(out, newline="")) if "Size" in r["path"]]
    assert (code, row["focus_node"], row["line"]) == (1, "kg:example-delegation", "22")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "-f", "csv"], "--format csv does not apply to check, which prints as text or "
                                 "json"),
        (["check", "-f", "table"], "--format table does not apply to check"),
        (["diff", "a", "b", "-f", "json"], "--format json does not apply to diff, which prints as "
                                           "text or markdown"),
        (["diff", "a", "b", "-f", "tsv"], "--format tsv does not apply to diff"),
    ],
)  # fmt: skip
def test_a_command_that_prints_no_rows_refuses_row_formats(args: list[str], message: str) -> None:
    """check and diff refuse table, csv, tsv (and diff json), naming their own; exit 2."""
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert message in error_of(err)


def test_help_lists_only_the_formats_that_apply() -> None:
    """check --help shows -f [text|json], not the formats it refuses."""
    shown = run("check", "--help")[1]
    assert "-f, --format [text|json]" in shown
    assert "[text|table|csv|tsv|json]" in run("stats", "--help")[1]


# -- --output --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["query", "-e", SELECT, "-f", "csv"], 0, "l\r\nCambodia\r\n"),
        (["stats"], 0, "triples in"),
        (["stats", "-f", "json"], 0, '"triples": '),
        (["queries"], 0, "delegation-heads\n  Who headed"),
        (["queries", "-f", "json"], 0, '"name": "delegation-heads"'),
        (["validate"], 0, "Conforms"),
        (["validate", BAD_SIZE, "-f", "tsv"], 1, "delegation-size-not-positive.ttl"),
        (["report", "-f", "json"], 0, '"counts"'),
    ],
)
def test_output_writes_the_file_instead(
    tmp_path: Path, args: list[str], code: int, expected: str
) -> None:
    """-o FILE writes what would be printed to FILE, and nothing else, with the same exit code."""
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    exit_code, out, err = run(*args, "-o", str(target))
    assert (exit_code, out) == (code, "")
    assert err.endswith(f"wrote {target}\n")
    assert expected in target.read_bytes().decode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left


def test_every_written_file_is_named_on_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plot, dump and reason -o, like query -o, leave standard output to the answer alone."""
    from matplotlib.figure import Figure

    monkeypatch.setattr("accsm_kg.plot.timeline", lambda kg, lang: Figure(figsize=(1, 1)))
    picture = tmp_path / "t.svg"
    assert run("plot", "timeline", "-o", str(picture)) == (0, "", f"wrote {picture}\n")
    dumped = tmp_path / "kg.nt"
    code, out, err = run("dump", "-o", str(dumped), "--no-bundled", "--data", BAD_SIZE)
    assert (code, out) == (0, "")
    assert err.startswith("wrote ")
    assert err.endswith(f" triples to {dumped}\n")
    inferred = tmp_path / "inferred.ttl"
    code, out, err = run("reason", "--no-bundled", "--data", BAD_SIZE, "--engine", "owlrl",
                         "-o", str(inferred))  # fmt: skip
    assert "inferred triples from" in out
    assert err.endswith(f" triples to {inferred}\n")


def test_output_is_what_would_be_printed(tmp_path: Path) -> None:
    """The file holds exactly the bytes standard output would have shown."""
    target = tmp_path / "rows.tsv"
    assert run("query", "-e", SELECT, "-f", "tsv", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8") == run("query", "-e", SELECT, "-f", "tsv")[1]


def test_output_into_a_missing_folder_exits_2(tmp_path: Path) -> None:
    """An output that cannot be written is one Error line and exit 2."""
    code, _, err = run("stats", "-o", str(tmp_path / "nowhere" / "stats.txt"))
    assert code == 2
    assert "nowhere" in error_of(err)


def test_output_of_a_failed_query_leaves_the_file(tmp_path: Path) -> None:
    """A query that fails writes nothing: the earlier file stays as it was."""
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    code, _, _ = run("query", "-e", "SELECT WHERE {", "-o", str(target))
    assert code == 2
    assert target.read_text(encoding="utf-8") == "old"


# -- JSON of stats and queries ---------------------------------------------------------------


def test_stats_as_json() -> None:
    """stats -f json gives the triples, graphs, store and instances per class."""
    code, out, _ = run("stats", "-f", "json")
    document = json.loads(out)
    kg = accsm_kg.load()
    assert code == 0
    assert document["triples"] == len(kg)
    assert document["graphs"] == len(kg.graphs())
    assert document["store"] == "oxigraph"
    assert document["classes"]["accsm:Country"] >= 10


def test_queries_as_json() -> None:
    """queries -f json lists every named query with its question and typed parameters."""
    code, out, _ = run("queries", "-f", "json")
    document = {q["name"]: q for q in json.loads(out)}
    assert code == 0
    assert set(document) == set(accsm_kg.named_queries())
    assert {"name": "country", "kind": "iri"}.items() <= (
        document["delegation-heads"]["parameters"][0].items()
    )


# -- --timeout, --store, --endpoint ----------------------------------------------------------


@pytest.mark.parametrize("command", ["stats", "validate", "report", "why", "dump", "docs"])
def test_timeout_is_checked_on_every_command_that_queries(command: str, tmp_path: Path) -> None:
    """-t 0 is refused as bad input wherever a query runs."""
    extra = {"why": ["kg:a", "kg:b", "kg:c"], "dump": ["-o", str(tmp_path / "x.ttl")],
             "docs": ["-o", str(tmp_path / "d")]}.get(command, [])  # fmt: skip
    code, _, err = run(command, *extra, "-t", "0")
    assert code == 2
    assert "timeout must be a positive number of seconds, not 0" in error_of(err)


def test_timeout_lets_a_quick_query_run() -> None:
    """A generous timeout changes nothing."""
    assert run("stats", "-t", "60")[1] == run("stats")[1]


@pytest.mark.slow
def test_store_on_disk_is_reopened(tmp_path: Path) -> None:
    """--store PATH loads into an on-disk store; reopened, it answers the same."""
    store = str(tmp_path / "kg.oxigraph")
    first = run("query", "--store", store, "-e", ASK)
    assert first == (0, "true\n", "")
    code, out, _ = run("stats", "--store", store, "--no-bundled")
    assert code == 0
    assert out.startswith(f"{len(accsm_kg.load()):,} triples")


@pytest.mark.parametrize(
    ("extra", "clash"),
    [
        (["--data", BAD_SIZE], "--data"),
        (["--no-bundled"], "--no-bundled"),
        (["--store", "kg.oxigraph"], "--store"),
    ],
)
def test_endpoint_excludes_local_data(extra: list[str], clash: str) -> None:
    """--endpoint with --data, --no-bundled or --store is a usage error naming the clash."""
    code, _, err = run("stats", "--endpoint", "http://127.0.0.1:9/query", *extra)
    assert code == 2
    assert f"--endpoint reads the data the server holds; leave out {clash}" in error_of(err)


def test_endpoint_excludes_paths() -> None:
    """validate PATHS --endpoint is a usage error too."""
    code, _, err = run("validate", BAD_SIZE, "--endpoint", "http://127.0.0.1:9/query")
    assert code == 2
    assert "leave out PATHS" in err


@pytest.mark.slow
def test_endpoint_that_does_not_answer_exits_2() -> None:
    """No server at --endpoint is one Error line and exit 2."""
    code, _, err = run("query", "--endpoint", "http://127.0.0.1:9/query", "-e", ASK)
    assert code == 2
    assert "127.0.0.1:9" in error_of(err)


def test_endpoint_queries_a_real_server(oxigraph_endpoints: Endpoints) -> None:
    """--endpoint runs query, stats and validate against a SPARQL 1.1 server."""
    with accsm_kg.load() as kg:
        kg.push(oxigraph_endpoints.update)
    url = oxigraph_endpoints.query
    assert run("query", "--endpoint", url, "-e", ASK) == (0, "true\n", "")
    code, out, _ = run("query", "--endpoint", url, "-e", SELECT, "-f", "tsv")
    assert (code, out.splitlines()[1:]) == (0, ['"Cambodia"@en', '"កម្ពុជា"@km'])
    code, out, _ = run("stats", "--endpoint", url, "-f", "json")
    assert (code, json.loads(out)["store"]) == (0, "remote")
    assert run("validate", "--endpoint", url)[0] == 0


# -- one convention for inputs: --data everywhere, PATHS the same ------------------------------


@pytest.mark.parametrize("command", ["validate", "report"])
@pytest.mark.slow
def test_data_is_the_same_as_paths(command: str) -> None:
    """validate --data FILE and report --data FILE do what validate FILE and report FILE do."""
    by_path = run(command, BAD_SIZE, "-f", "json")
    by_data = run(command, "--data", BAD_SIZE, "-f", "json")
    assert by_path == by_data
    if command == "validate":
        assert by_data[0] == 1


def test_reason_takes_data(tmp_path: Path) -> None:
    """reason --no-bundled --data FILE reasons over that file alone."""
    facts = tmp_path / "facts.ttl"
    facts.write_text(
        "<urn:x:a> a <urn:x:B> .\n<urn:x:B> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        "<urn:x:C> .\n",
        encoding="utf-8",
    )
    inferred = tmp_path / "inferred.ttl"
    code, out, _ = run("reason", "--no-bundled", "--data", str(facts), "--engine", "owlrl",
                       "-o", str(inferred))  # fmt: skip
    assert code == 0
    assert out.startswith("1 inferred triples from 2 asserted")
    assert "<urn:x:a> a <urn:x:C>" in inferred.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["validate", "check", "report", "reason"])
def test_no_bundled_without_any_file_says_both_ways(command: str) -> None:
    """--no-bundled and no file is a usage error naming PATHS and --data."""
    code, _, err = run(command, "--no-bundled")
    assert code == 2
    assert "give PATHS or --data, or leave out --no-bundled" in error_of(err)


# -- versions --------------------------------------------------------------------------------


def test_version_names_library_and_ontology() -> None:
    """accsm-kg --version prints the library's version and the ontology's owl:versionInfo."""
    ontology = (Path(__file__).parent.parent / "ontology" / "accsm.ttl").read_text("utf-8")
    code, out, _ = run("--version")
    assert code == 0
    assert out == f"accsm-kg {accsm_kg.__version__}, ontology 0.2.0\n"
    assert 'owl:versionInfo "0.2.0"' in ontology


@pytest.mark.parametrize("option", ["--release-version", "--version"])
def test_release_version_and_its_old_name(
    option: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """release --release-version X.Y.Z, and the hidden old name --version, give the version."""
    seen: list[str] = []

    def make_release(kg: object, output: Path, *, version: str, **kwargs: object) -> object:
        seen.append(version)
        raise accsm_kg.errors.ReleaseError("stopped here")

    monkeypatch.setattr("accsm_kg.cli.make_release", make_release)
    code, _, err = run("release", option, "1.2.3", "-o", str(tmp_path / "r"), "--no-bundled",
                       "--data", BAD_SIZE)  # fmt: skip
    assert (code, seen) == (2, ["1.2.3"])
    assert "stopped here" in err
    assert "--version" not in run("release", "--help")[1]


@pytest.mark.parametrize("after", [[], ["-o", "r"]])
def test_release_version_alone_points_at_both_versions(after: list[str]) -> None:
    """release --version with no value says where each version goes, before anything else."""
    code, out, err = run("release", "--version", *after)
    assert (code, out) == (2, "")
    assert error_of(err) == (
        "Error: on release, give the release's version with --release-version X.Y.Z; "
        "`accsm-kg --version` prints the versions of accsm-kg and its ontology"
    )


def test_release_help_marks_its_version_required() -> None:
    """release --help shows --release-version as required, since leaving it out is an error."""
    shown = " ".join(run("release", "--help")[1].split())
    assert "--release-version X.Y.Z The release's semantic version" in shown
    assert "(no leading zeros). [required]" in shown


def test_release_versions_that_disagree_are_refused(tmp_path: Path) -> None:
    """--release-version and --version with two values is a usage error; neither is one too."""
    code, _, err = run("release", "--release-version", "1.0.0", "--version", "2.0.0",
                       "-o", str(tmp_path / "r"))  # fmt: skip
    assert code == 2
    assert "--version is the old name of --release-version" in err
    code, _, err = run("release", "-o", str(tmp_path / "r"))
    assert code == 2
    assert "Missing option '--release-version'" in err


# -- did you mean ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "-n", "delegation-head"], "did you mean delegation-heads"),
        (["query", "-e", SELECT, "--bind", "ll=x"], "?ll is not a variable of the query"),
        (["query", "-e", SELECT, "--bind", "ll=x"], "did you mean ?l?"),
        (["query", "-n", "delegation-heads", "--bind", "contry=kg:cambodia"], "mean country?"),
        (["query", "-e", SELECT.replace("?l", "?c"), "--bind", "c=kgg:x"], "mean kg:x?"),
        (["query", "-e", "SELECT * WHERE { ?s acsm:p ?o }"], "did you mean accsm:?"),
        (["qury"], "Did you mean 'query'?"),
    ],
)
def test_a_misspelt_name_is_met_with_the_nearest(args: list[str], message: str) -> None:
    """Query names, variables, parameters, prefixes and commands suggest the nearest; exit 2."""
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert message in error_of(err)


# -- bound IRIs that occur nowhere -----------------------------------------------------------


def test_a_bound_iri_that_occurs_nowhere_is_warned_of() -> None:
    """kg:cambodja: an empty answer, exit 0, and a warning naming the nearest IRI."""
    code, out, err = run(
        "query", "-e", "SELECT ?l WHERE { ?c rdfs:label ?l }", "--bind", "c=kg:cambodja"
    )
    assert code == 0
    assert "Cambodia" not in out
    assert err == "Warning: kg:cambodja occurs nowhere in the graph; did you mean kg:cambodia?\n"


@pytest.mark.parametrize(
    "args",
    [
        ["-n", "delegation-heads", "--bind", "country=kg:cambodja"],
        ["-e", "ASK { ?c ?p ?o }", "--bind", "c=kg:cambodja"],
        ["-e", "CONSTRUCT WHERE { ?c ?p ?o }", "--bind", "c=kg:cambodja"],
    ],
)
def test_every_query_form_warns_of_an_absent_iri(args: list[str]) -> None:
    """Named queries, ASK and CONSTRUCT warn too; the exit code stays 0."""
    code, _, err = run("query", *args)
    assert code == 0
    assert "kg:cambodja occurs nowhere in the graph; did you mean kg:cambodia?" in err


def test_a_bound_iri_that_occurs_gives_no_warning() -> None:
    """An IRI that is in the graph, even with no rows, gives no warning; nor does a literal."""
    query = "SELECT ?l WHERE { ?c accsm:isoCode ?l }"
    assert run("query", "-e", query, "--bind", "c=rdfs:label")[2] == ""
    assert run("query", "-e", query, "--bind", 'l="nowhere"')[2] == ""
    far = run("query", "-e", query, "--bind", "c=<urn:x:zzz>")[2]
    assert far == "Warning: <urn:x:zzz> occurs nowhere in the graph\n"


@pytest.mark.parametrize(
    ("iri", "hint"),
    [
        ("kg:nothere", ""),
        ("kg:zzzzzz", ""),
        ("kg:chhy-vichra", "; did you mean kg:chhy-vichara?"),
        ("accsm:Meting", "; did you mean accsm:Meeting?"),
    ],
)
def test_only_a_near_iri_is_suggested(iri: str, hint: str) -> None:
    """An absent IRI is compared by its local name: a far-off one gets no suggestion."""
    err = run("query", "-e", "SELECT ?o WHERE { ?s ?p ?o }", "--bind", f"s={iri}")[2]
    assert err == f"Warning: {iri} occurs nowhere in the graph{hint}\n"


# -- syntax errors ---------------------------------------------------------------------------

MALFORMED = [
    (
        "missing }",
        "SELECT ?s WHERE {\n  ?s ?p ?o\n",
        (2, 11),
        "expected '}' to close the group opened on line 1, column 17, at the end of the query",
    ),
    ("missing WHERE brace", "SELECT ?s WHERE\n  ?s ?p ?o }", (2, 3), "expected '{' after WHERE"),
    (
        "bad prefix",
        "SELECT ?s WHERE {\n  ?s acsm:p ?o }",
        (2, 6),
        "unknown prefix acsm: (declare it with PREFIX acsm: <...>;",
    ),
    (
        "stray token",
        "SELECT ?s WHERE {\n  ?s ?p ?o .\n  foo\n}",
        (3, 3),
        "unexpected 'foo', which is no term: write ?foo for a variable",
    ),
    ("extra }", "ASK { ?s ?p ?o } }", (1, 18), "'}' closes nothing: no group is open here"),
    (
        "missing )",
        "ASK { ?s ?p ?o FILTER(?o > 3 }",
        (1, 30),
        "expected ')' to close the bracket opened on line 1, column 22, before '}'",
    ),
    ("short triple", "ASK { ?s ?p }", (1, 13), "expected an object after '?p'"),
    ("keyword typo", "SELEC * WHERE { ?s ?p ?o }", (1, 1), "did you mean SELECT?"),
    ("no string end", "ASK { ?s ?p 'x }", (1, 13), "the string opened here is not closed"),
]


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [m[1:] for m in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
def test_syntax_errors_point_at_the_fault(
    store: str, text: str, where: tuple[int, int], reason: str
) -> None:
    """On every store, a syntax error has the line and column of the fault, and says why."""
    kg = accsm_kg.load(include_bundled=False, store=store)  # type: ignore[arg-type]
    with pytest.raises(SparqlSyntaxError) as caught:
        kg.ask(text) if text.startswith("ASK") else kg.query(text)
    error = caught.value
    assert (error.lineno, error.offset) == where
    assert reason in error.reason
    line = text.splitlines()[where[0] - 1]
    assert error.text == line
    shown = str(error).splitlines()
    assert shown[-2:] == [f"    {line.rstrip()}", "    " + " " * (where[1] - 1) + "^"]


def test_cli_shows_the_line_and_caret() -> None:
    """The CLI prints the Error line, then the line of the query, then a caret under the column."""
    code, out, err = run("query", "-e", "SELECT ?s WHERE\n  ?s ?p ?o }")
    assert (code, out) == (2, "")
    assert err == (
        "Error: SPARQL syntax error: line 2, column 3: expected '{' after WHERE, not '?s'\n"
        "      ?s ?p ?o }\n"
        "      ^\n"
    )


def test_a_caret_stands_under_a_tab() -> None:
    """A tab before the fault stays a tab under it, so the caret lines up in a terminal."""
    with pytest.raises(SparqlSyntaxError) as caught:
        accsm_kg.load(include_bundled=False).ask("ASK {\n\t?s ?p }")
    assert str(caught.value).splitlines()[-1] == "    \t      ^"
