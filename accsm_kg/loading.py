"""Parse RDF files, with errors that say file, line and column, and the checks every load makes.

Parsing goes through Oxigraph's parser, which is strict (it rejects malformed IRIs and language
tags that rdflib lets through) and reports exact positions. The Oxigraph store has it parse each
file straight into the store (:mod:`accsm_kg.stores.oxigraph`); :func:`parse_file` hands the
triples over as rdflib terms instead, for the rdflib store and for tools that want a
:class:`~rdflib.Graph`. Either way :func:`check_literals` refuses literals whose text is not a
value of their datatype, and files that are empty or not UTF-8 are refused (a UTF-8
byte-order mark is accepted and skipped). ``owl:imports`` are resolved from the offline catalog
(:func:`imports_needed`), never fetched.

>>> from accsm_kg.resources import ontology_paths
>>> [f.graph for f in parse_files(ontology_paths()[:1])]
[rdflib.term.URIRef('https://w3id.org/accsm-kg/graph/ontology/accsm')]
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from .errors import (
    CanonicalFormWarning,
    EmptyFileError,
    EncodingError,
    ImportNotFoundError,
    InvalidLiteralError,
    NoRdfFilesError,
    NotAFileError,
    NoTripleWarning,
    SourceNotFoundError,
    TokenTooLargeError,
    TurtleSyntaxError,
    UnreadableFileError,
    UnsupportedFileError,
)
from .literals import CanonicalForms, datatype_name, is_valid, kept_by_value
from .progress import progress, shown_for
from .resources import DATASET_SUFFIXES, RDF_SUFFIXES, VOCABULARIES, graph_iri, vocabulary_path
from .terms import from_oxigraph

__all__ = [
    "OX_FORMATS",
    "FileFacts",
    "LiteralCheck",
    "ParsedFile",
    "check_literals",
    "check_start",
    "decode",
    "expand_paths",
    "graph_facts",
    "imports_needed",
    "line_of_literal",
    "no_triple",
    "not_found",
    "parse_any",
    "parse_dataset",
    "parse_file",
    "parse_files",
    "parser_input",
    "reading",
    "syntax_error",
    "warn_rewritten",
]

#: Oxigraph's format for each RDF file suffix's parser name.
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_POSITION = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")


@dataclass(frozen=True)
class ParsedFile:
    """One file's triples, and the named graph they go into."""

    path: Path
    graph: URIRef
    triples: Graph


@dataclass
class FileFacts:
    """What loading one file found: the graphs it filled, and the ontologies it names.

    :param ontologies: the ontology IRIs (and version IRIs) the file declares.
    :param imports: the IRIs its ``owl:imports`` name.
    :param rewritten: literals the store keeps in another form: (line, lexical form, datatype,
        the form kept), as told by :class:`~accsm_kg.errors.CanonicalFormWarning`.
    """

    path: Path
    graphs: list[URIRef] = field(default_factory=list)
    ontologies: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    rewritten: list[tuple[int | None, str, str, str]] = field(default_factory=list)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class LiteralCheck:
    """What :func:`check_literals` found besides errors."""

    #: literals a store keeping values would rewrite: (lexical form, datatype, form kept)
    rewritten: list[tuple[str, str, str]] = field(default_factory=list)


def check_literals(
    path: Path, quads: Iterable[ox.Quad], *, canonical: CanonicalForms | None = None
) -> LiteralCheck:
    """Check every typed literal of ``quads``, parsed from ``path``; consume them all.

    :param canonical: where given, also list the literals a store keeping values would rewrite.
    :raises InvalidLiteralError: a literal is not a value of its datatype (file and line said).
    """
    seen: set[tuple[str, str]] = set()
    found = LiteralCheck()
    rewritten = found.rewritten
    literal_type = ox.Literal
    plain = (_XSD_STRING, _LANG_STRING)
    for quad in quads:
        term = quad.object
        if type(term) is not literal_type:
            continue
        datatype = term.datatype.value
        if datatype in plain:
            continue
        key = (term.value, datatype)
        if key in seen:
            continue
        seen.add(key)
        if not is_valid(*key):
            raise InvalidLiteralError(
                str(path), line_of_literal(path, key[0]), key[0], datatype_name(datatype)
            )
        if canonical is not None and kept_by_value(datatype):
            kept = canonical.canonical(*key)
            if kept != key[0]:
                rewritten.append((*key, kept))
    return found


def line_of_literal(path: Path, lexical: str) -> int | None:
    """Return the first line of ``path`` where ``lexical`` is written (quoted, else bare)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    encoded = lexical.encode("utf-8")
    for needle in (b'"' + encoded + b'"', b"'" + encoded + b"'"):
        index = data.find(needle)
        if index >= 0:
            return data.count(b"\n", 0, index) + 1
    match = re.search(rb"(?<![\w.+-])" + re.escape(encoded) + rb"(?![\w.])", data)
    return data.count(b"\n", 0, match.start()) + 1 if match else None


def warn_rewritten(
    facts: FileFacts, rewritten: list[tuple[str, str, str]], *, warn: bool = True
) -> None:
    """Record (and, if ``warn``, warn of) the literals of a file the store keeps otherwise."""
    if not rewritten:
        return
    facts.rewritten = [
        (line_of_literal(facts.path, lexical), lexical, datatype_name(datatype), kept)
        for lexical, datatype, kept in rewritten
    ]
    if warn:
        warnings.warn(CanonicalFormWarning(str(facts.path), facts.rewritten), stacklevel=4)


#: The files read from a folder: Turtle, N-Triples and TriG (N-Quads, the dump format of
#: releases, only when named).
FOLDER_SUFFIXES = {*RDF_SUFFIXES, ".trig"}


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the RDF files named by ``paths``: files as given, folders searched recursively.

    Raises :class:`SourceNotFoundError` for a missing path and :class:`UnsupportedFileError`
    for a file given by name whose suffix is not ``.ttl``, ``.nt``, ``.nq`` or ``.trig``. In
    folders, ``.ttl``, ``.nt`` and ``.trig`` files are read, as the data files are (a README, or
    a release's dump of the same graphs as N-Quads, is passed over), but a folder with no RDF
    file at all raises :class:`NoRdfFilesError`.
    """
    found: list[Path] = []
    for raw in paths:
        if isinstance(raw, list | tuple):  # load([a, b]) means load(a, b)
            found.extend(expand_paths(raw))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            rdf = [p for p in files if p.suffix.lower() in FOLDER_SUFFIXES]
            if not rdf:
                raise NoRdfFilesError(str(path), [p.relative_to(path).as_posix() for p in files])
            found.extend(rdf)
        elif path.is_file():
            if path.suffix.lower() not in RDF_SUFFIXES | DATASET_SUFFIXES:
                raise UnsupportedFileError(str(path))
            found.append(path)
        else:
            raise not_found(path)
    return found


def not_found(path: Path) -> SourceNotFoundError | NotAFileError | UnreadableFileError:
    """Return the error for a path that is neither a file nor a folder: say what it is."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return SourceNotFoundError(str(path))
    except OSError as error:  # a symbolic link that loops, a folder that cannot be searched
        return UnreadableFileError(str(path), error.strerror or str(error))
    kinds = {
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    kind = next((name for test, name in kinds.items() if test(mode)), "a special file")
    return NotAFileError(str(path), kind)


#: The longest single token (a literal or an IRI) Oxigraph's parsers read.
LONGEST_TOKEN = 1 << 24


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn what the system or the parser raise while reading ``path`` into our errors.

    An unreadable file becomes :class:`UnreadableFileError`; a token past the parser's buffer
    (one literal longer than 16 MiB) :class:`TokenTooLargeError`, naming the line.
    """
    try:
        yield
    except OSError as error:
        raise UnreadableFileError(str(path), error.strerror or str(error)) from None
    except MemoryError as error:
        if "buffer maximal size" not in str(error):
            raise
        raise TokenTooLargeError(str(path), _long_line(path)) from None


def _long_line(path: Path) -> int | None:
    """Return the number of the first line longer than :data:`LONGEST_TOKEN` bytes, if any."""
    with contextlib.suppress(OSError), path.open("rb") as stream:
        number, length = 1, 0
        while block := stream.read(1 << 20):
            start = 0
            while (end := block.find(b"\n", start)) >= 0:
                if length + end - start > LONGEST_TOKEN:
                    return number
                number, length, start = number + 1, 0, end + 1
            length += len(block) - start
            if length > LONGEST_TOKEN:
                return number
    return None


class _DropLiteralWarnings(logging.Filter):
    """rdflib logs a traceback for each ill-typed literal; we raise our own error instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal")


def _triples(quads: Iterator[ox.Quad]) -> Iterator[tuple[Node, Node, Node]]:
    # Blank nodes are scoped to their file: the same label in two files is two nodes.
    bnodes: dict[str, BNode] = {}
    for quad in quads:
        yield (
            from_oxigraph(quad.subject, bnodes),
            from_oxigraph(quad.predicate, bnodes),
            from_oxigraph(quad.object, bnodes),
        )


def decode(path: Path, data: bytes) -> str:
    r"""Return the text of a file's bytes, which must be UTF-8; a byte-order mark is dropped.

    :raises EncodingError: the bytes are not UTF-8 (the error names the line and column).
    :raises EmptyFileError: there is nothing but white space.

    >>> decode(Path("x.ttl"), b"\xef\xbb\xbf<urn:a> <urn:b> <urn:c> .")
    '<urn:a> <urn:b> <urn:c> .'
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[data.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8")) + 1
        what = (
            "the file is UTF-16 text; save it as UTF-8"
            if data.startswith(_UTF16_BOMS)
            else f"byte 0x{data[error.start]:02X} is not UTF-8; save the file as UTF-8"
        )
        raise EncodingError(str(path), line, column, what) from None
    if not text.strip():
        raise EmptyFileError(str(path))
    return text


def no_triple(path: Path) -> None:
    """Warn that a file parsed but holds no triple (only comments or declarations)."""
    warnings.warn(NoTripleWarning(str(path)), stacklevel=4)


def check_start(path: Path, size: int = 4096) -> None:
    """Check the first ``size`` bytes of a file too large to read whole, as :func:`decode` does.

    :raises EncodingError: they are not UTF-8.
    :raises EmptyFileError: the file holds nothing but white space.
    """
    with path.open("rb") as stream:
        head = stream.read(size)
        more = bool(stream.read(1))
    try:
        decode(path, head)
    except EncodingError as encoding_error:
        # the cut may fall inside a character: only what comes before it counts
        cut = head.decode("utf-8", errors="replace") if more else ""
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if not (cut and error.reason == "unexpected end of data"):
                raise encoding_error from None
    except EmptyFileError:
        if not more:
            raise


def syntax_error(path: Path, error: SyntaxError) -> TurtleSyntaxError | EncodingError:
    """Return our error for a syntax error of Oxigraph's parser, naming file, line and column."""
    reason = _POSITION.sub("", error.msg or str(error))
    if reason.startswith("Invalid UTF-8"):
        return EncodingError(
            str(path), error.lineno or 1, error.offset or 1, "not UTF-8; save the file as UTF-8"
        )
    tag = _language_tag_at(path, error.lineno, error.offset)
    if tag is not None:
        if reason in _MISLEADING:
            reason = _MISLEADING[reason]
        reason = f"@{tag} is not a valid language tag ({reason}); write one such as @en or @km-KH"
    return TurtleSyntaxError(reason, str(path), error.lineno or 1, error.offset)


#: Messages of the parser's language-tag reader that name something else than the fault.
_MISLEADING = {"An integer should not be empty": "a subtag is empty"}
_TAG = re.compile(r"(?<=[\"'])@([^\s.;,()\[\]<>\"']*)")


def _language_tag_at(path: Path, line: int | None, column: int | None) -> str | None:
    """Return the language tag that a syntax error at ``line``:``column`` falls in, if any."""
    if not line or not column:
        return None
    text = None
    with contextlib.suppress(OSError), path.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if number == line:
                text = raw[: 1 << 16].decode("utf-8", errors="replace")
                break
    for match in _TAG.finditer(text or ""):
        if match.start() <= column - 1 <= match.end():
            return match.group(1)
    return None


@contextlib.contextmanager
def parser_input(path: Path, given: str | bytes | None = None) -> Iterator[dict[str, Any]]:
    """Yield the arguments for Oxigraph's parser to read ``path``, with a bar of bytes read.

    A file of :attr:`~accsm_kg.progress.Settings.min_bytes` or more, when progress is on
    (:mod:`accsm_kg.progress`), is read through a counter that draws the bar on standard
    error; the parser reads it as it goes, so the bar is true. The bar is closed however the
    block ends.

    :param given: the file's text or bytes, where they were read already; otherwise the
        parser reads the file by its path.

    >>> with parser_input(Path("x.ttl"), "<urn:a> <urn:b> <urn:c> .") as given:
    ...     len(list(ox.parse(**given, format=ox.RdfFormat.TURTLE)))
    1
    """
    data = given.encode("utf-8") if isinstance(given, str) else given
    try:
        size = len(data) if data is not None else path.stat().st_size
    except OSError:  # the parser reports it, as ever
        size = 0
    if not shown_for(size):
        yield {"input": given} if given is not None else {"path": str(path)}
        return
    with (
        progress(f"loading {path.name}", total=size, unit="B") as bar,
        io.BytesIO(data) if data is not None else path.open("rb") as stream,
    ):
        yield {"input": bar.reader(stream)}


def parse_file(path: Path, graph: URIRef | None = None) -> ParsedFile:
    """Parse one Turtle (``.ttl``) or N-Triples (``.nt``) file.

    :param path: the file.
    :param graph: the named graph it is meant for; by default :func:`resources.graph_iri`.
    :raises TurtleSyntaxError: the file does not parse (``lineno`` and ``offset`` say where).
    :raises InvalidLiteralError: a literal is not a value of its datatype.
    :raises EncodingError: the file is not UTF-8.
    :raises EmptyFileError: the file is empty.
    """
    if path.suffix.lower() not in RDF_SUFFIXES:
        raise UnsupportedFileError(str(path))
    if not path.is_file():
        raise not_found(path)
    graph = graph if graph is not None else graph_iri(path)
    triples = Graph()
    with _parsing(path):
        text = decode(path, path.read_bytes())
        form = OX_FORMATS[RDF_SUFFIXES[path.suffix.lower()]]
        with parser_input(path, text) as given:
            quads = list(ox.parse(**given, format=form, base_iri=str(graph)))
    if not quads:
        no_triple(path)
    check_literals(path, quads)
    triples.addN((s, p, o, triples) for s, p, o in _triples(iter(quads)))
    return ParsedFile(path, graph, triples)


@contextlib.contextmanager
def _parsing(path: Path) -> Iterator[None]:
    """Quiet rdflib's log of ill-typed literals (checked after), and name the file on errors."""
    literal_filter = _DropLiteralWarnings()
    term_logger = logging.getLogger("rdflib.term")
    term_logger.addFilter(literal_filter)
    try:
        with reading(path):
            yield
    except SyntaxError as error:
        raise syntax_error(path, error) from None
    finally:
        term_logger.removeFilter(literal_filter)


def parse_dataset(path: Path) -> list[ParsedFile]:
    """Parse an N-Quads (``.nq``) or TriG (``.trig``) file: one part per named graph it fills.

    Triples in its default graph go into the file's own graph (:func:`resources.graph_iri`).
    Blank nodes are scoped to the file, shared by its graphs. Errors are as for
    :func:`parse_file`.
    """
    suffix = path.suffix.lower()
    if suffix not in DATASET_SUFFIXES:
        raise UnsupportedFileError(str(path))
    if not path.is_file():
        raise not_found(path)
    own = graph_iri(path)
    graphs: dict[URIRef, Graph] = {}
    bnodes: dict[str, BNode] = {}
    with _parsing(path):
        text = decode(path, path.read_bytes())
        form = OX_FORMATS[DATASET_SUFFIXES[suffix]]
        with parser_input(path, text) as given:
            quads = list(ox.parse(**given, format=form, base_iri=str(own)))
    if not quads:
        no_triple(path)
        graphs[own] = Graph()
    check_literals(path, quads)
    with _parsing(path):
        for quad in quads:
            name = quad.graph_name
            graph = URIRef(name.value) if isinstance(name, ox.NamedNode) else own
            graphs.setdefault(graph, Graph()).add(
                (
                    from_oxigraph(quad.subject, bnodes),
                    from_oxigraph(quad.predicate, bnodes),
                    from_oxigraph(quad.object, bnodes),
                )
            )
    return [ParsedFile(path, graph, triples) for graph, triples in sorted(graphs.items())]


def parse_any(path: Path) -> list[ParsedFile]:
    """Parse a file of any suffix :func:`expand_paths` accepts (one part per graph it fills)."""
    if path.suffix.lower() in DATASET_SUFFIXES:
        return parse_dataset(path)
    return [parse_file(path)]


def imports_needed(
    facts: Iterable[FileFacts],
    add: Callable[..., list[FileFacts]],
    holds: Callable[[str], bool] = lambda _: False,
) -> list[FileFacts]:
    """Add, with ``add``, the vocabularies that the ``owl:imports`` of loaded files need.

    Imports are followed through the vocabularies too. An import is satisfied by an ontology a
    loaded file declares, by one ``holds`` says the store held already, or by the offline
    catalog; nothing is ever fetched. Vocabularies are added with ``add(path, warn=False)``:
    they are copies of published files, not ours to rewrite. Return their facts.

    :raises ImportNotFoundError: an import is none of those.
    """
    pending = list(facts)
    declared = {iri for found in pending for iri in found.ontologies}
    added: dict[Path, list[FileFacts]] = {}
    while pending:
        found = pending.pop()
        for iri in sorted(found.imports):
            if iri in declared or holds(iri):
                continue
            local = vocabulary_path(iri)
            if local is None:
                raise ImportNotFoundError(str(found.path), iri, sorted(VOCABULARIES))
            if local not in added:
                added[local] = add(local, warn=False)
                for part in added[local]:
                    declared |= part.ontologies
                    pending.append(part)
    return [part for parts in added.values() for part in parts]


def graph_facts(path: Path, graph: Graph, name: URIRef) -> FileFacts:
    """Return the facts of one file's graph parsed into rdflib: its ontologies and imports."""
    return FileFacts(
        path,
        [name],
        {str(iri) for iri in _ontology_iris(graph)},
        {str(o) for o in graph.objects(None, OWL.imports) if isinstance(o, URIRef)},
    )


def _ontology_iris(graph: Graph) -> set[URIRef]:
    found = {s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)}
    found |= {v for v in graph.objects(None, OWL.versionIRI) if isinstance(v, URIRef)}
    return found


def parse_files(paths: Iterable[str | Path]) -> list[ParsedFile]:
    """Parse every file named by ``paths`` (see :func:`expand_paths`); all of them or none."""
    return [part for path in expand_paths(paths) for part in parse_any(path)]
