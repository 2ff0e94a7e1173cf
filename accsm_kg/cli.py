"""The ``accsm-kg`` command: a thin layer over the library.

Exit codes: 0 done (and, for ``validate``, the data conforms); 1 findings only (``validate``
found violations, ``diff`` found differences); 2 bad input or usage (a file that does not parse,
an unknown query, an output that cannot be written...), always as one line ``Error: ...``.
What a library logs (rdflib, pySHACL) is shown as one line too, never a traceback; a command
during which one logged an error exits 2.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import itertools
import json
import logging
import re
import shutil
import socket
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from . import curation, khmer, progress, synth
from .diff import diff_dumps
from .docs import build_docs
from .errors import AccsmKgError, BindingError, EmptyFileError, QueryFormError
from .knowledge_graph import KnowledgeGraph, connect, load
from .loading import decode
from .publish import FORMATS, atomic_write, format_for, resolve_format
from .queries import named_queries
from .release import make_release
from .resources import ontology_paths
from .results import Rows
from .sparql import prepare
from .stores.base import check_timeout
from .terms import curie, looks_like_iri, read_iri, read_literal, read_term, to_oxigraph
from .validate import Engine

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


class _Fail(click.ClickException):
    """An error from the library, shown in one line, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.secho(f"Error: {_continued(self.message)}", err=True, fg="red")


def _continued(message: str) -> str:
    """Indent the lines after the first of a message, so that only the first says ``Error:``."""
    first, *rest = message.splitlines() or [""]
    return "\n".join([first, *(f"  {line}" if line[:1].strip() else line for line in rest)])


class _LogLines(logging.Handler):
    """Show each warning a library logs as one line on standard error; keep its errors."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Print a warning as ``Warning: logger: message``; remember an error for the end."""
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format
            message = str(record.msg)
        line = f"{record.name}: {' '.join(message.split())}"
        if record.levelno >= logging.ERROR:
            self.errors.append(line)
        else:
            click.echo(f"Warning: {line}", err=True)

    def failure(self) -> _Fail | None:
        """Return the error to end with, if a library logged one."""
        if not self.errors:
            return None
        more = f" (and {len(self.errors) - 1} more logged errors)" if len(self.errors) > 1 else ""
        return _Fail(self.errors[0] + more)


@contextlib.contextmanager
def _library_logs() -> Iterator[_LogLines]:
    """Catch what libraries log during a command (see :class:`_LogLines`).

    Warnings (:class:`~accsm_kg.errors.AccsmKgWarning` and others) are shown in one line each.
    """
    handler = _LogLines()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            yield handler
    finally:
        root.removeHandler(handler)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Print a warning as ``Warning: ...``, without the file and line of the code that gave it."""
    click.echo(f"Warning: {' '.join(str(message).split())}", err=True)


def _errors_exit_2(command: F) -> F:
    """Turn library errors, and files that cannot be read or written, into ``Error: ...``, exit 2.

    Exit 1 stays for findings (violations, differences), which the commands exit with themselves.
    An exception of no known kind is a bug: it still ends as one line, naming the exception.
    What libraries log or warn of is shown in one line each (see :func:`_library_logs`).
    """

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _library_logs() as logs:
            try:
                result = command(*args, **kwargs)
            except AccsmKgError as error:
                raise _Fail(str(error)) from error
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except BrokenPipeError:
                raise  # the reader went away (`| head`): click ends quietly
            except OSError as error:  # a file or folder the library did not expect to fail
                where = f"{error.filename}: " if error.filename else ""
                raise _Fail(f"{where}{error.strerror or error}") from error
            except SystemExit:  # validate and diff end with their exit code
                if (failure := logs.failure()) is not None:
                    raise failure from None
                raise
            except Exception as error:
                raise _Fail(
                    f"{type(error).__name__}: {' '.join(str(error).split())} (an error "
                    "accsm-kg does not expect: please report it)"
                ) from error
            if (failure := logs.failure()) is not None:
                raise failure
            return result

    return run  # type: ignore[return-value]


@dataclass(frozen=True)
class _Source:
    """Where a command reads its data: files on top of the bundled data, a store, or a server.

    Every command that loads data takes ``--data PATH`` (repeatable) and ``--no-bundled``;
    the positional PATHS of ``validate``, ``check``, ``report`` and ``reason`` are the same as
    ``--data``. The commands that only read also take ``--store`` (an on-disk Oxigraph store),
    ``--endpoint`` (a SPARQL 1.1 server) and ``--timeout``.
    """

    data: tuple[Path, ...]
    no_bundled: bool
    store: Path | None = None
    endpoint: str | None = None
    timeout: float | None = None
    #: the graphs opened, closed when the command ends (a server's connections, a store's lock)
    opened: list[KnowledgeGraph] = field(default_factory=list)

    def open(self, paths: Sequence[Path] = (), *, verb: str | None = None) -> KnowledgeGraph:
        """Load the files (PATHS, then --data), open the store, or connect to the server.

        With ``verb``, --no-bundled and no file to read is a usage error ("nothing to verb").
        """
        check_timeout(self.timeout)
        files = (*paths, *self.data)
        if self.endpoint is not None:
            clash = [
                name
                for name, given in (
                    ("PATHS", bool(paths)),
                    ("--data", bool(self.data)),
                    ("--no-bundled", self.no_bundled),
                    ("--store", self.store is not None),
                )
                if given
            ]
            if clash:
                raise click.UsageError(
                    f"--endpoint reads the data the server holds; leave out {', '.join(clash)}"
                    " (to upload files to a server, use `accsm-kg push`)"
                )
            _check_url(self.endpoint, "--endpoint")
            self.opened.append(connect(self.endpoint, query_timeout=self.timeout))
            return self.opened[-1]
        if verb is not None and self.no_bundled and not files and self.store is None:
            raise click.UsageError(
                f"nothing to {verb}: give PATHS or --data, or leave out --no-bundled"
            )
        self.opened.append(
            load(
                *files,
                include_bundled=not self.no_bundled,
                path=self.store,
                query_timeout=self.timeout,
            )
        )
        return self.opened[-1]


def _source_options(*, remote: bool = True) -> Callable[[F], F]:
    """Add the options that say where data comes from; the command gets them as ``source``.

    ``--data`` and ``--no-bundled`` always; with ``remote``, ``--store``, ``--endpoint`` and
    ``--timeout`` too (the commands that only read the data and run queries).
    """

    def decorate(command: F) -> F:
        @wraps(command)
        def run(
            *args: Any,
            data: tuple[Path, ...],
            no_bundled: bool,
            store: Path | None = None,
            endpoint: str | None = None,
            timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            source = _Source(data, no_bundled, store, endpoint, timeout)
            try:
                return command(*args, source=source, **kwargs)
            finally:
                for kg in source.opened:
                    kg.close()

        options = [
            click.option(
                "--data",
                "data",
                multiple=True,
                type=click.Path(path_type=Path),
                help="More files (.ttl, .nt, .nq, .trig) or folders to load on top of the "
                "bundled data (repeatable).",
            ),
            click.option(
                "--no-bundled",
                is_flag=True,
                help="Do not load the bundled ontology and data, only the files given.",
            ),
        ]
        if remote:
            options += [
                click.option(
                    "--store",
                    type=click.Path(file_okay=False, path_type=Path),
                    help="An on-disk Oxigraph store (a folder, made if missing); the bundled "
                    "data and --data are added to it unless it holds them unchanged.",
                ),
                click.option(
                    "--endpoint",
                    metavar="URL",
                    help="Query a SPARQL 1.1 server at this query endpoint instead of loading "
                    "files (not with --data, --no-bundled or --store).",
                ),
                click.option(
                    "-t",
                    "--timeout",
                    type=float,
                    default=None,
                    metavar="SECONDS",
                    help="Give up a query that runs longer than this (default: no limit).",
                ),
            ]
        for option in reversed(options):
            run = option(run)
        return run  # type: ignore[return-value]

    return decorate


def _output_option(command: F) -> F:
    """Add ``-o/--output FILE``: write what the command prints to FILE, atomically."""
    return click.option(
        "-o",
        "--output",
        "output_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to this file (replaced atomically) instead of standard output.",
    )(command)


def _emit(text: str, output_file: Path | None) -> None:
    """Print ``text``, or write it to ``output_file`` through a temporary file and a rename.

    A file written is named on standard error (:func:`_wrote`), so standard output stays empty.
    """
    if output_file is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output_file, text.encode("utf-8"))
        _wrote(output_file)


def _wrote(path: Path, what: str = "") -> None:
    """Say on standard error that a file was written: ``wrote [what to ]PATH``.

    Every command that writes one file (``-o FILE``) says so this way, and only this way, so
    that standard output holds the answer alone, or nothing.
    """
    click.echo(f"wrote {what + ' to ' if what else ''}{path}", err=True)


#: The formats of every command that prints rows (``-f``): a table to read, CSV and TSV (a
#: header line, then one line for each row the table shows) and JSON.
_ROW_FORMATS = ("table", "csv", "tsv", "json")


def _format_option(
    formats: Sequence[str], help: str, *, refused: Sequence[str] = ()
) -> Callable[[F], F]:
    """Add ``-f/--format``: one of ``formats``, the first the default.

    ``refused`` are formats of other commands that this one does not print in: given, they
    reach the command, which refuses them naming its own (:func:`_refuse_format`), as
    ``query`` does for a format of another query form.
    """
    return click.option(
        "-f",
        "--format",
        "output",
        type=click.Choice([*formats, *(f for f in refused if f not in formats)]),
        default=formats[0],
        show_default=True,
        metavar=f"[{'|'.join(formats)}]",
        help=help,
    )


def _text_rows(header: Sequence[str], rows: Iterable[Sequence[str | None]], output: str) -> str:
    r"""Return rows of text as a table, CSV or TSV: a header line, then one line per row.

    CSV quotes as RFC 4180 does; in TSV, tabs and line breaks within a value become spaces.

    >>> _text_rows(["a", "b"], [[None, "x"], ["y\tz", "w"]], "tsv")
    'a\tb\n\tx\ny z\tw\n'
    """
    cells = [["" if cell is None else cell for cell in row] for row in rows]
    if output == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(cells)
        return out.getvalue()
    if output == "tsv":
        lines = ["\t".join(header)]
        lines += ["\t".join(re.sub(r"[\t\r\n]+", " ", cell) for cell in row) for row in cells]
        return "\n".join(lines) + "\n"
    table = Rows(header, [[Literal(cell) if cell else None for cell in row] for row in cells])
    return table.to_table() + "\n"


def _frame_csv(frame: Any) -> str:
    """Return a DataFrame of text as CSV (RFC 4180, as :func:`_text_rows` writes), no index."""
    return str(frame.to_csv(index=False, lineterminator="\r\n"))


def _reason_option(command: F) -> F:
    """Add --reason: materialise the OWL 2 RL inferences first, into their own graph."""
    return click.option(
        "--reason",
        is_flag=True,
        help="Add the OWL 2 RL inferences first (kg.reason()), in a named graph of their own.",
    )(command)


def _ontology_version() -> str:
    """Return the owl:versionInfo of the ACCSM ontology (ontology/accsm.ttl), or ``unknown``."""
    version = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
    ontology = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for path in ontology_paths():
        if path.name != "accsm.ttl":
            continue
        triples = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
        heads = {t.subject for t in triples if t.predicate == rdf_type and t.object == ontology}
        for triple in triples:
            if triple.subject in heads and triple.predicate == version:
                return str(triple.object.value)
    return "unknown"


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Print the library's version and the ontology's, and stop."""
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(f"accsm-kg {__version__}, ontology {_ontology_version()}")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the versions of accsm-kg and of the ACCSM ontology, and exit.",
)
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Show or hide progress bars on standard error for long work (by default shown on a "
    "terminal; ACCSM_KG_PROGRESS=0/1 also sets it).",
)
@click.pass_context
def main(ctx: click.Context, show_progress: bool | None) -> None:
    """Query, validate and publish the ACCSM knowledge graph."""
    if show_progress is not None:  # for this command only: the setting is restored after it
        ctx.with_resource(progress.configured(enabled=show_progress))


#: The formats each query form prints in (``-f``); ``table`` prints a graph as Turtle.
_QUERY_FORMATS: dict[str, tuple[str, ...]] = {
    "SELECT": ("table", "csv", "tsv", "json"),
    "ASK": ("table", "json"),
    "CONSTRUCT": ("table", "turtle", "ntriples", "jsonld", "json"),
    "DESCRIBE": ("table", "turtle", "ntriples", "jsonld", "json"),
}


@main.command()
@click.argument("file", required=False, type=click.File("rb"))
@click.option("-e", "--expression", help="The SPARQL query itself.")
@click.option("-n", "--named", help="The name of a shipped query (see `accsm-kg queries`).")
@click.option(
    "-b",
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Give a variable a value (repeatable). Prefixed names and <IRIs> are IRIs; "
    '"text", "text"@lang and "text"^^datatype are those literals; named queries convert '
    "other values by their parameters' kinds; other values are strings.",
)
@click.option(
    "-f",
    "--format",
    "output",
    type=click.Choice(["table", "csv", "tsv", "json", "turtle", "ntriples", "jsonld"]),
    default="table",
    show_default=True,
    help="How to print the answer: SELECT rows as table, csv, tsv (SPARQL TSV) or json "
    "(SPARQL JSON); ASK as table (true or false) or json; CONSTRUCT and DESCRIBE as turtle "
    "(or table), ntriples or jsonld (or json).",
)
@_output_option
@_source_options()
@_errors_exit_2
def query(
    file: Any,
    expression: str | None,
    named: str | None,
    binds: tuple[str, ...],
    output: str,
    output_file: Path | None,
    source: _Source,
) -> None:
    """Run a SPARQL query: from FILE (- for standard input), -e TEXT, or --named NAME.

    SELECT rows print as a table, CSV, TSV or JSON; ASK as true or false, or JSON;
    CONSTRUCT and DESCRIBE as Turtle, N-Triples or JSON-LD. A bound IRI that occurs nowhere in
    the graph, when the answer is empty, is named in a warning on standard error.
    """
    given = [x for x in (file, expression, named) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of FILE, -e/--expression and -n/--named")
    pairs = _bind_pairs(binds)
    if named is not None:
        _check_format("SELECT", output)  # every named query is a SELECT
    kg = source.open()
    if named is not None:
        values = {k: _named_value(kg, named, k, v) for k, v in pairs.items()}
        rows = kg.named_query(named, **values)
        if not rows:
            query_ = named_queries()[named]
            _warn_absent(
                kg, {k: query_.parameter(k).convert(v, kg.prefixes) for k, v in values.items()}
            )
        _emit(_rows_text(rows, output), output_file)
        return
    text = expression if expression is not None else _read_query(file)
    try:
        form = prepare(text, kg.prefixes).form
    except QueryFormError as error:  # only SPARQL Update is no query at all
        raise _Fail(
            "accsm-kg query runs queries (SELECT, ASK, CONSTRUCT, DESCRIBE), not SPARQL Update; "
            "to change the graph, use the Python API: kg.update(...)"
        ) from error
    _check_format(form, output)
    bindings = {k: _cli_value(kg, k, v) for k, v in pairs.items()}
    if form == "SELECT":
        rows = kg.query(text, bindings)
        shown, empty = _rows_text(rows, output), not rows
    elif form == "ASK":
        answer = kg.ask(text, bindings)
        document = {"head": {}, "boolean": answer}
        shown = json.dumps(document) + "\n" if output == "json" else f"{str(answer).lower()}\n"
        empty = not answer
    else:
        graph = kg.construct(text, bindings)
        shown, empty = _graph_text(graph, output), len(graph) == 0
    if empty:
        _warn_absent(kg, bindings)
    _emit(shown, output_file)


def _check_format(form: str, output: str) -> None:
    """Refuse a ``-f`` that does not apply to the query form, naming those that do."""
    article = "an" if form[0] in "AEIOU" else "a"
    _refuse_format(output, _QUERY_FORMATS[form], f"{article} {form} query")


def _refuse_format(output: str, formats: Sequence[str], what: str) -> None:
    """Refuse a ``-f`` that does not apply to ``what``: a usage error naming those that do."""
    if output in formats:
        return
    raise click.UsageError(
        f"--format {output} does not apply to {what}, which prints as "
        f"{', '.join(formats[:-1])} or {formats[-1]}"
    )


def _rows_text(rows: Rows, output: str) -> str:
    """Return SELECT rows as a table, CSV, TSV or SPARQL JSON, ending with a newline."""
    if output == "csv":
        return rows.to_csv()
    if output == "tsv":
        return rows.to_tsv()
    if output == "json":
        return rows.to_json(indent=2) + "\n"
    return rows.to_table() + "\n"


def _graph_text(graph: Any, output: str) -> str:
    """Return a CONSTRUCT or DESCRIBE graph as Turtle, N-Triples or JSON-LD (also ``json``)."""
    if output in ("jsonld", "json"):
        triples = [ox.Triple(*map(to_oxigraph, triple)) for triple in graph]  # type: ignore[arg-type]
        return bytes(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"").decode() + "\n"
    if output == "ntriples":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    return str(graph.serialize(format="turtle"))


#: Whether a term occurs in the graph: as a subject, a predicate, an object or a graph's name.
_OCCURS = (
    "ASK { { ?term ?p ?o } UNION { ?s ?term ?o } UNION { ?s ?p ?term } "
    "UNION { GRAPH ?term { ?s ?p ?o } } }"
)
#: The IRIs that start as a given text does, to find the one nearest a misspelt IRI.
_NEIGHBOURS = (
    "SELECT DISTINCT ?iri WHERE { { ?iri ?p ?o } UNION { ?s ?iri ?o } UNION { ?s ?p ?iri } "
    "FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), ?start)) }"
)


#: How alike (difflib's ratio) the local name of a suggested IRI must be to the one given, as
#: for the other names suggested.
_NEAR_CUTOFF = 0.6


def _warn_absent(kg: KnowledgeGraph, bindings: Mapping[str, Any]) -> None:
    """Warn of each bound IRI that occurs nowhere in the graph, naming the nearest that does.

    IRIs are compared by what follows their namespace, so that a long shared namespace does
    not make a far-off name look near; none near enough, none is named.
    """
    for value in bindings.values():
        if not isinstance(value, URIRef) or kg.ask(_OCCURS, {"term": value}):
            continue
        namespace = re.sub(r"[^/#:]*$", "", str(value))
        found = {
            str(r[0])[len(namespace) :]: str(r[0])
            for r in kg.query(_NEIGHBOURS, {"start": namespace})
        }
        local = str(value)[len(namespace) :]
        near = difflib.get_close_matches(local, list(found), n=1, cutoff=_NEAR_CUTOFF)
        named = curie(value, kg.namespaces)
        hint = f"; did you mean {curie(URIRef(found[near[0]]), kg.namespaces)}?" if near else ""
        click.echo(f"Warning: {named} occurs nowhere in the graph{hint}", err=True)


#: A variable's name as SPARQL writes it (VARNAME), near enough.
_VARNAME = re.compile(r"[\w\u00b7\u0300-\u036f\u203f\u2040]+")


def _bind_pairs(binds: Sequence[str]) -> dict[str, str]:
    """Split each ``--bind NAME=VALUE``; a name must be a variable's, bound once, to something."""
    pairs: dict[str, str] = {}
    for bind in binds:
        name, equals, value = bind.partition("=")
        key = name[1:] if name[:1] in ("?", "$") else name
        if not equals or not name:
            raise click.BadParameter(f"{bind!r} is not NAME=VALUE", param_hint="--bind")
        if not _VARNAME.fullmatch(key):
            raise click.BadParameter(f"{name!r} is not a variable name", param_hint="--bind")
        if not value:
            raise click.BadParameter(
                f'{bind!r} gives {key} no value; to bind the empty string, write {key}=""',
                param_hint="--bind",
            )
        if key in pairs:
            raise click.BadParameter(f"{name} is bound twice", param_hint="--bind")
        pairs[key] = value
    return pairs


def _read_query(file: Any) -> str:
    """Read a query file (or standard input) as UTF-8; an error names the line and column."""
    try:
        return decode(Path(getattr(file, "name", "<stdin>")), file.read())
    except EmptyFileError:
        return ""  # the SPARQL parser says what is missing


def _cli_value(kg: KnowledgeGraph, name: str, value: str) -> Identifier | str:
    """Return the term a ``--bind`` value stands for (see :func:`accsm_kg.terms.read_term`)."""
    try:
        return read_term(value, kg.prefixes, kg.namespaces)
    except BindingError as error:
        raise BindingError(f"{name}: {error}") from None


def _named_value(kg: KnowledgeGraph, named: str, name: str, value: str) -> Any:
    """Return a ``--bind`` value of a named query: converted by its parameter's kind.

    A literal written as in Turtle is read as for any query (a plain ``"text"`` as its text,
    which the parameter's kind then converts), and so is an IRI for an ``iri`` parameter.
    """
    query = named_queries().get(named)
    kinds = {p.name: p.kind for p in query.parameters} if query is not None else {}
    try:
        if value.startswith('"'):
            literal = read_literal(value, kg.prefixes, kg.namespaces)
            plain = literal.language is None and literal.datatype is None
            return str(literal) if plain and kinds.get(name) != "term" else literal
        if kinds.get(name) == "iri" and looks_like_iri(value):
            return read_iri(value, kg.prefixes)
    except BindingError as error:
        raise BindingError(f"{name}: {error}") from None
    return value


@main.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("value", metavar="OBJECT")
@_format_option(
    ("text", *_ROW_FORMATS),
    help="How to print the answer: a few lines per graph (text), or the rows of the named "
    "query `why` as a table, CSV, TSV (SPARQL TSV) or SPARQL JSON.",
)
@_source_options()
@_errors_exit_2
def why(subject: str, predicate: str, value: str, output: str, source: _Source) -> None:
    """Say why the statement SUBJECT PREDICATE OBJECT is in the graph: who states it.

    Terms are written as in Turtle: kg:cambodia, <https://...>, "2019"^^xsd:gYear,
    "text"@en. Exit 1 if the statement is not in the graph.
    """
    kg = source.open()
    predicate = "rdf:type" if predicate == "a" else predicate  # as Turtle writes it
    terms = [_named_value(kg, "why", name, text) for name, text in
             (("subject", subject), ("predicate", predicate), ("object", value))]  # fmt: skip
    rows = kg.why(*terms)
    if not rows:
        click.echo(f"{subject} {predicate} {value}: no such statement in the graph", err=True)
        raise SystemExit(1)
    if output != "text":
        _emit(_rows_text(rows, output), None)
        return
    for _, group in itertools.groupby(rows, key=lambda row: row.graph):
        click.echo("\n".join(_why_lines(list(group), kg.namespaces)))


def _why_lines(rows: Sequence[Any], namespaces: Any) -> list[str]:
    """Say in a few lines what one graph holding a statement is: its sources, or the project."""
    first = rows[0]
    confidence = f" ({first.confidence})" if first.confidence is not None else ""
    lines = [f"{curie(first.graph, namespaces)}{confidence}"]
    added = first.attributed_to is not None
    if added:
        lines.append(
            f"  added by {first.attributed_to}" + (f": {first.note}" if first.note else "")
        )
    for row in rows:
        if row.source is None:
            continue
        line = f"  {'from' if added else 'stated by'} {curie(row.source, namespaces)}"
        line += f": {row.title}" if row.title is not None else ""
        said = ", ".join(str(x) for x in (row.publisher, row.date) if x is not None)
        line += f" ({said})" if said else ""
        lines.append(line + (f" <{row.url}>" if row.url is not None else ""))
    return lines


@main.command()
@_format_option(
    ("text", *_ROW_FORMATS),
    help="Text; one row per query (name, question, parameters) as a table, CSV or TSV; or "
    "JSON: a list of {name, question, parameters: [{name, kind, description}]}.",
)
@_output_option
@_errors_exit_2
def queries(output: str, output_file: Path | None) -> None:
    """List the named queries, with the question each answers and its parameters."""
    shipped = named_queries().values()
    if output == "json":
        document = [
            {
                "name": q.name,
                "question": q.question,
                "parameters": [
                    {"name": p.name, "kind": p.kind, "description": p.description}
                    for p in q.parameters
                ],
            }
            for q in shipped
        ]
        _emit(json.dumps(document, ensure_ascii=False, indent=2) + "\n", output_file)
        return
    if output != "text":
        rows = [
            [q.name, q.question, ", ".join(f"{p.name} ({p.kind})" for p in q.parameters)]
            for q in shipped
        ]
        _emit(_text_rows(("name", "question", "parameters"), rows, output), output_file)
        return
    lines = []
    for query in shipped:
        lines.append(click.style(query.name, bold=True) if output_file is None else query.name)
        lines.append(f"  {query.question}")
        lines += [f"    --bind {p.name}=…  ({p.kind}) {p.description}" for p in query.parameters]
    _emit("\n".join(lines) + "\n", output_file)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes files to use instead of the bundled shapes (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default=None,
    help="sparql: the shapes as SPARQL queries on the store (the default, fast); "
    "pyshacl: pySHACL, the reference. Both give the same report.",
)
@_format_option(
    ("text", *_ROW_FORMATS),
    help="How to print the report: text grouped by shape; one line per result as a table, "
    "CSV or TSV; or JSON (with counts per shape). Each result names its file and line, and "
    "how to fix it.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["en", "km"]),
    default="en",
    show_default=True,
    help="The language of the labels shown (a node without a label in it shows the other).",
)
@_output_option
@_source_options()
@_errors_exit_2
def validate(
    paths: tuple[Path, ...],
    shapes: tuple[Path, ...],
    engine: Engine | None,
    output: str,
    language: str,
    output_file: Path | None,
    source: _Source,
) -> None:
    """Validate the bundled data, plus PATHS (the same as --data), against the SHACL shapes.

    Exits 0 when the data conforms, 1 when it does not (the violations are printed, grouped by
    shape, each with its file and line and a hint on how to fix it), 2 when a file cannot be
    read, or when --no-bundled leaves nothing to validate (no PATHS).
    """
    kg = source.open(paths, verb="validate")
    report = kg.validate(shapes or None, engine=engine, language="km" if language == "km" else "en")
    if output == "json":
        shown = report.to_json(indent=2) + "\n"
    elif output == "tsv":
        shown = report.to_tsv()
    elif output == "csv":
        shown = _frame_csv(report.to_dataframe())
    else:
        shown = (report.to_table() if output == "table" else str(report)) + "\n"
    _emit(shown, output_file)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--reasoner",
    type=click.Choice(["hermit", "pellet"]),
    default="hermit",
    show_default=True,
    help="The OWL reasoner (both ship with owlready2 and run on Java).",
)
@_format_option(
    ("text", "json"),
    help="How to print the verdict and its findings (not rows: table, csv and tsv are refused).",
    refused=_ROW_FORMATS,
)
@_source_options(remote=False)
@_errors_exit_2
def check(paths: tuple[Path, ...], reasoner: str, output: str, source: _Source) -> None:
    """Check with an OWL reasoner that the bundled data, plus PATHS, are consistent.

    HermiT (or Pellet) reads a copy of the graph and says whether it contradicts itself, and
    which classes can have no member; each finding is explained, axiom by axiom. Exits 0 when
    all is well, 1 on a finding, 2 when a file cannot be read or the reasoner cannot run.
    """
    _refuse_format(output, ("text", "json"), "check")
    kg = source.open(paths, verb="check")
    report = kg.check(reasoner="pellet" if reasoner == "pellet" else "hermit")
    click.echo(report.to_json() if output == "json" else str(report))
    sys.exit(0 if report.ok else 1)


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_format_option(
    ("text", *_ROW_FORMATS),
    help="Text grouped by level and rule; one line per finding as a table, CSV or TSV; or "
    "JSON with the counts and the label coverage.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Show at most this many findings of each rule (text only).",
)
@_output_option
@_source_options()
@_errors_exit_2
def report_command(
    paths: tuple[Path, ...],
    output: str,
    limit: int | None,
    output_file: Path | None,
    source: _Source,
) -> None:
    """Report on the quality of the ontology and data, as ERROR, WARN and INFO findings.

    Missing labels and definitions, a label on two terms, undeclared terms, values outside a
    domain or range, dangling IRIs, axioms on other vocabularies' terms, deprecated terms; and
    label coverage in English and Khmer. Exits 1 when there is an ERROR, 0 otherwise.
    """
    found = source.open(paths, verb="report on").report()
    if output == "json":
        shown = found.to_json(indent=2) + "\n"
    elif output == "tsv":
        shown = found.to_tsv()
    elif output == "csv":
        shown = _frame_csv(found.to_dataframe())
    else:
        shown = (found.to_table() if output == "table" else found.to_text(limit=limit)) + "\n"
    _emit(shown, output_file)
    sys.exit(1 if found.errors else 0)


@main.command("reason")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["reasonable", "owlrl"]),
    default="reasonable",
    show_default=True,
    help="reasonable: a fast OWL 2 RL reasoner in Rust; owlrl: RDFLib's pure-Python reference.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the inferred triples to this Turtle file (replaced atomically).",
)
@_source_options(remote=False)
@_errors_exit_2
def reason_command(
    paths: tuple[Path, ...], engine: str, output: Path | None, source: _Source
) -> None:
    """Infer with the OWL 2 RL rules what the bundled data, plus PATHS, entail but do not state.

    Prints how many triples were inferred; with -o, writes them as Turtle. `dump --reason` and
    `release --reason` publish them beside the asserted triples, in a graph of their own.
    """
    kg = source.open(paths, verb="reason over")
    added = kg.reason(engine="owlrl" if engine == "owlrl" else "reasonable")
    if output is not None:
        inferred = kg.construct(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": added.graph}
        )
        atomic_write(output, inferred.serialize(format="turtle").encode("utf-8"))
        _wrote(output, f"{len(inferred):,} triples")
    click.echo(str(added))


@main.command()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write; replaced atomically.",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="By default the one the suffix of --output names (.ttl, .nt, .nq, .trig, .jsonld). "
    "N-Quads, TriG and JSON-LD keep one named graph per source file.",
)
@_reason_option
@_source_options()
@_errors_exit_2
def dump(output: Path, format_: str | None, reason: bool, source: _Source) -> None:
    """Write the knowledge graph to a file."""
    if reason and resolve_format(format_ or format_for(output)) not in ("nquads", "trig", "jsonld"):
        raise click.UsageError(
            "--reason keeps the inferences in a named graph of their own: dump to N-Quads, TriG "
            "or JSON-LD (.nq, .trig, .jsonld), or use `accsm-kg reason -o FILE` for them alone"
        )
    kg = source.open()
    if reason:
        click.echo(str(kg.reason()), err=True)
    path = kg.dump(output, format_)
    _wrote(path, f"{len(kg):,} triples")


@main.command()
@click.argument("update_url")
@click.option(
    "--user",
    help="User name for HTTP basic authentication; without --password, the password is asked "
    "for (hidden) when run in a terminal, and refused otherwise.",
)
@click.option("--password", help="Password for HTTP basic authentication (needs --user).")
@_source_options(remote=False)
@_errors_exit_2
def push(update_url: str, user: str | None, password: str | None, source: _Source) -> None:
    """Upload the data to a SPARQL 1.1 server through its SPARQL Update endpoint UPDATE_URL.

    Each named graph is loaded into a staging graph, then moved over its namesake in one step,
    so readers never see half a graph. Prints the graphs written.
    """
    _check_url(update_url)
    if password is not None and user is None:
        raise click.UsageError("--password needs --user")
    if user is not None and password is None:
        if not _interactive():
            raise click.UsageError(
                "--user needs --password when not run in a terminal (in a terminal, "
                "the password is asked for)"
            )
        try:
            password = click.prompt(f"Password for {user}", hide_input=True)
        except click.Abort:
            raise _Fail("no password given") from None
    auth = (user, password or "") if user is not None else None
    for graph in source.open().push(update_url, auth=auth):
        click.echo(str(graph))


def _check_url(url: str, param_hint: str = "UPDATE_URL") -> None:
    """Refuse a URL that cannot be read as one (``http://[::1/``, a port that is no number)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # reading the port checks it
    except ValueError as error:
        raise click.BadParameter(f"{url!r} is not a URL ({error})", param_hint=param_hint) from None
    if param_hint == "--endpoint" and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise click.BadParameter(
            f"{url!r} is not the http:// or https:// URL of a SPARQL query endpoint",
            param_hint=param_hint,
        )


def _interactive() -> bool:
    """Whether a person can be asked for something: standard input is a terminal."""
    return sys.stdin.isatty()


@main.command("khmer-date")
@click.argument("value")
@_errors_exit_2
def khmer_date(value: str) -> None:
    """Convert a date between the Gregorian and the Khmer calendars.

    VALUE, in Khmer or ASCII digits, is one of: an ISO date, year first (2020-11-02); a
    Gregorian date, day first, then the month as a Khmer name or a number, then the year
    (ថ្ងៃទី០២ ខែវិច្ឆិកា ឆ្នាំ២០២០, 02/11/2020, 2.11.2020: day/month/year as in Cambodia, so
    11/02/2020 is 11 February, never November 2); a Khmer lunar date with its Buddhist Era year
    (ថ្ងៃចន្ទ ២រោច ខែកត្តិក ឆ្នាំជូត ទោស័ក ព.ស ២៥៦៤).

    Prints the ISO date, the Khmer lunar date and the Khmer Gregorian date, one a line. A day
    that does not exist (2020-02-30) is refused, naming what is wrong.
    """
    day = khmer.to_gregorian(value)
    lunar = khmer.lunar_date(day)
    click.echo(f"{day.isoformat()}\n{lunar}\n{khmer.format_khmer_date(day, weekday=True)}")


@main.command()
@_format_option(
    ("text", *_ROW_FORMATS),
    help="Text; the instances of each class (the named query class-instances) as a table, CSV "
    "or TSV; or JSON: {triples, graphs, store, classes: {class: instances}}.",
)
@_output_option
@_source_options()
@_errors_exit_2
def stats(output: str, output_file: Path | None, source: _Source) -> None:
    """Print the number of triples and graphs, and the instances of each class."""
    kg = source.open()
    if output == "json":
        document = {
            "triples": len(kg),
            "graphs": len(kg.graphs()),
            "store": kg.store.name,
            "classes": {
                curie(row[0], kg.namespaces): int(str(row[1]))
                for row in kg.named_query("class-instances")
                if isinstance(row[0], URIRef)
            },
        }
        _emit(json.dumps(document, ensure_ascii=False, indent=2) + "\n", output_file)
    elif output == "text":
        _emit(f"{kg.summary()}\n", output_file)
    else:
        _emit(_rows_text(kg.named_query("class-instances"), output), output_file)


@main.command("plot")
@click.argument("kind", type=click.Choice(["timeline", "network"]))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .png, .svg or .html (an interactive page); the suffix decides.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "km"]),
    default="en",
    show_default=True,
    help="The language of the labels (Khmer needs a Khmer font, e.g. fonts-khmeros).",
)
@_source_options()
@_errors_exit_2
def plot_command(kind: str, output: Path, lang: str, source: _Source) -> None:
    """Draw a timeline of the meetings, or a network of who is linked to whom."""
    from . import plot  # matplotlib loads only for the pictures

    plot.picture_format(output)  # a bad suffix fails before the data is loaded
    language: plot.Language = "km" if lang == "km" else "en"
    draw = plot.timeline if kind == "timeline" else plot.network
    _wrote(plot.save(draw(source.open(), lang=language), output))


#: What ``release --version`` stands for when no value follows it.
_NO_VALUE = "\0"


def _release_legacy_version(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Refuse ``release --version`` with no value after it; with one, it is --release-version."""
    if value == _NO_VALUE:
        raise click.UsageError(
            "on release, give the release's version with --release-version X.Y.Z; "
            "`accsm-kg --version` prints the versions of accsm-kg and its ontology",
            ctx,
        )
    return value


def _release_version_default() -> str | None:
    """Return the value of the old name ``--version``, read first, as --release-version's."""
    value = click.get_current_context().params.get("legacy_version")
    return value if isinstance(value, str) else None


def _release_version_given(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """Refuse a release with no version, by either name (click lets a default of None pass)."""
    if value is None:
        raise click.MissingParameter(ctx=ctx, param=param)
    return value


@main.command("release")
@click.option(
    "--release-version",
    "version",
    required=True,  # given as --release-version, or by its old name
    default=_release_version_default,
    callback=_release_version_given,
    metavar="X.Y.Z",
    help="The release's semantic version, X.Y.Z (no leading zeros).",
)
@click.option(
    "--version",
    "legacy_version",
    default=None,
    is_flag=False,
    flag_value=_NO_VALUE,  # bare, it is refused, pointing at `accsm-kg --version`
    is_eager=True,  # read before --release-version, whose default it is
    callback=_release_legacy_version,
    hidden=True,  # the old name of --release-version, kept so that scripts keep working
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the release into: new, empty, or holding an earlier release.",
)
@click.option(
    "--issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the release is issued, YYYY-MM-DD (default: today).",
)
@click.option("--base-url", help="Where the files will be published (for the DCAT description).")
@click.option(
    "--rapper/--no-rapper",
    default=None,
    help="Parse every file back with rapper too (default: when it is installed).",
)
@_reason_option
@_source_options(remote=False)
@_errors_exit_2
def release_command(
    version: str,
    legacy_version: str | None,
    output: Path,
    issued: Any,
    base_url: str | None,
    rapper: bool | None,
    reason: bool,
    source: _Source,
) -> None:
    """Write a versioned release: Turtle, N-Triples, N-Quads, JSON-LD, RDF/XML, VoID, SHA256SUMS.

    The same graph, version and date give byte-identical files. Every file is parsed back with
    rdflib, Oxigraph and rapper before the release is written.
    """
    if legacy_version is not None and version != legacy_version:
        raise click.UsageError("--version is the old name of --release-version: give one")
    kg = source.open()
    if reason:
        click.echo(str(kg.reason()), err=True)
    made = make_release(
        kg,
        output,
        version=version,
        issued=issued.date() if issued is not None else None,
        base_url=base_url,
        rapper=rapper,
    )
    for path in made.files:
        click.echo(path)
    click.echo(str(made), err=True)


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@_format_option(
    ("text", "markdown"),
    help="Plain text, or Markdown for a changelog (not rows: table, csv, tsv and json are "
    "refused).",
    refused=_ROW_FORMATS,
)
@_errors_exit_2
def diff_command(old: Path, new: Path, output: str) -> None:
    """Show the triples added and removed between two dumps or release folders.

    Exits 0 when they hold the same triples, 1 when they differ, 2 when one cannot be read.
    """
    _refuse_format(output, ("text", "markdown"), "diff")
    changes = diff_dumps(old, new)
    click.echo(changes.to_markdown() if output == "markdown" else changes.to_text(), nl=False)
    click.echo("" if output == "markdown" else "\n", nl=False)
    sys.exit(0 if changes.equal else 1)


@main.command("docs")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the HTML pages into (made if missing).",
)
@_source_options()
@_errors_exit_2
def docs_command(output: Path, source: _Source) -> None:
    """Write HTML documentation: the ontology in English and Khmer, and the named queries."""
    for path in build_docs(source.open(), output):
        click.echo(path)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on.",
)
@_source_options()
@_errors_exit_2
def serve_command(host: str, port: int, source: _Source) -> None:
    """Serve the graph on the web: a page per node, search, forms, RDF (docs/web.md).

    A page's query that runs past --timeout (10 seconds unless given) answers 503.
    """
    import uvicorn  # the server loads only to serve

    from .web import create_app

    _check_listen(host, port)  # before the data loads: a busy port is said at once
    kg = source.open()
    app = create_app(kg, timeout=source.timeout if source.timeout is not None else 10.0)
    click.echo(f"serving the ACCSM knowledge graph at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_listen(host: str, port: int) -> None:
    """Refuse an address this machine cannot listen on (a port in use, an unknown host)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.UsageError(f"cannot listen on {host}:{port}: {reason}") from None


@main.command("site")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write the site into (made if missing; an earlier site is replaced).",
)
@_source_options()
@_errors_exit_2
def site_command(output: Path, source: _Source) -> None:
    """Write the web explorer's pages as a static site with relative links (docs/web.md)."""
    from .web import write_site

    for path in write_site(source.open(), output):
        click.echo(path)


@main.command("import")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("-k", "--kind", help="The template of the rows (default: from the file's name).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The TriG file to write (default: data/curated/<name of FILE>.trig).",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="More data files (.ttl, .nt, .trig) or folders the rows refer to (repeatable).",
)
@click.option(
    "--template",
    "template_kind",
    metavar="KIND",
    help="Print the CSV header of a template (its columns described on stderr), and stop.",
)
@_errors_exit_2
def import_(
    file: Path | None,
    kind: str | None,
    output: Path | None,
    data: tuple[Path, ...],
    template_kind: str | None,
) -> None:
    """Import a curator's rows (FILE.csv or FILE.yaml) as TriG, validated before it is written.

    Errors name the row and the column; nothing is written then. Importing the same rows again
    leaves the file as it is.
    """
    if template_kind is not None:
        chosen = curation.template(template_kind)
        click.echo(chosen.header())
        click.echo(chosen.describe(), err=True)
        return
    if file is None:
        raise click.UsageError("give FILE to import, or --template KIND")
    result = curation.import_file(file, kind=kind, output=output, data=data)
    state = "wrote" if result.changed else "unchanged:"
    count = len(result.subjects)
    rows = f"{count} {result.kind} row{'s' if count != 1 else ''}, {result.triples} triples"
    click.echo(f"{state} {result.path} ({rows})")


@main.command("synth")
@click.option(
    "--triples",
    required=True,
    metavar="N",
    help=f"How many triples to write: 100000, 100k or 1M (at least {synth.MIN_TRIPLES:,}).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The seed; the same size and seed give the same bytes.",
)
@click.option(
    "--faults",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Inject this many known violations, each printed as one line.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Turtle file to write; replaced atomically.",
)
@_errors_exit_2
def synth_command(triples: str, seed: int, faults: int, output: Path) -> None:
    """Write synthetic ACCSM-shaped Turtle, for tests and benchmarks.

    Countries, agencies, people with English and Khmer names, decades of meetings with their
    delegations, agendas, chairmanships, work plans and the sources every fact cites, all named
    kg:synth-…; loaded with the bundled data, they conform to the shapes. Each injected fault
    is printed on standard output: focus node, kind, path, constraint component and line.
    """
    count = synth.parse_count(triples)
    _check_room(output, count, triples)
    made = synth.generate(output, triples=count, seed=seed, faults=faults)
    for fault in made.faults:
        click.echo(str(fault))
    click.echo(str(made), err=True)


#: Fewer bytes than synth writes for a triple (about 55): a size refused as too large for the
#: space left would surely not have fitted.
_SYNTH_BYTES_PER_TRIPLE = 40


def _check_room(output: Path, triples: int, given: str) -> None:
    """Refuse a number of triples whose Turtle would not fit in the space left beside ``output``."""
    folder = output.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # a folder that is not there: synth says so itself
    need = triples * _SYNTH_BYTES_PER_TRIPLE
    if need > free:
        raise _Fail(
            f"--triples {given} would write at least {_size(need)} of Turtle, but "
            f"{folder.resolve()} has {_size(free)} free"
        )


def _size(count: int) -> str:
    """Return a number of bytes as a short text.

    >>> _size(999), _size(78_000_000_000), _size(4 * 10**16)
    ('999 B', '78.0 GB', '40,000 TB')
    """
    if count < 1000:
        return f"{count} B"
    for power, unit in enumerate(("kB", "MB", "GB"), start=1):
        if count < 1000 ** (power + 1):
            return f"{count / 1000**power:.1f} {unit}"
    return f"{count / 1000**4:,.0f} TB"
