"""Parse RDF files into graphs, with errors that say file, line and column.

Parsing goes through Oxigraph's parser, which is strict (it rejects malformed IRIs and language
tags that rdflib lets through) and reports exact positions; the triples are then handed over as
rdflib terms. Literals whose text is not a value of their datatype are refused too, and so are
files that are empty or not UTF-8 (a UTF-8 byte-order mark is accepted and skipped).
``owl:imports`` are resolved from the offline catalog (:func:`resolve_imports`), never fetched.

>>> from accsm_kg.resources import ontology_paths
>>> [f.graph for f in parse_files(ontology_paths()[:1])]
[rdflib.term.URIRef('https://w3id.org/accsm-kg/graph/ontology/accsm')]
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from .errors import (
    EmptyFileError,
    EncodingError,
    ImportNotFoundError,
    InvalidLiteralError,
    NoRdfFilesError,
    SourceNotFoundError,
    TurtleSyntaxError,
    UnsupportedFileError,
)
from .resources import DATASET_SUFFIXES, RDF_SUFFIXES, VOCABULARIES, graph_iri, vocabulary_path
from .terms import from_oxigraph

__all__ = [
    "OX_FORMATS",
    "ParsedFile",
    "check_start",
    "decode",
    "expand_paths",
    "parse_any",
    "parse_dataset",
    "parse_file",
    "parse_files",
    "resolve_imports",
    "syntax_error",
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


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the RDF files named by ``paths``: files as given, folders searched recursively.

    Raises :class:`SourceNotFoundError` for a missing path and :class:`UnsupportedFileError`
    for a file given by name whose suffix is not ``.ttl``, ``.nt``, ``.nq`` or ``.trig``. In
    folders, only ``.ttl`` and ``.nt`` files are read (a README, or a dump of the same graphs as
    N-Quads, is passed over), but a folder with no RDF file at all raises
    :class:`NoRdfFilesError`.
    """
    found: list[Path] = []
    for raw in paths:
        if isinstance(raw, list | tuple):  # load([a, b]) means load(a, b)
            found.extend(expand_paths(raw))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            rdf = [p for p in files if p.suffix.lower() in RDF_SUFFIXES]
            if not rdf:
                raise NoRdfFilesError(str(path), [p.relative_to(path).as_posix() for p in files])
            found.extend(rdf)
        elif path.is_file():
            if path.suffix.lower() not in RDF_SUFFIXES | DATASET_SUFFIXES:
                raise UnsupportedFileError(str(path))
            found.append(path)
        else:
            raise SourceNotFoundError(str(path))
    return found


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


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


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
    return TurtleSyntaxError(reason, str(path), error.lineno or 1, error.offset)


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
        raise SourceNotFoundError(str(path))
    graph = graph if graph is not None else graph_iri(path)
    text = decode(path, path.read_bytes())
    triples = Graph()
    with _parsing(path):
        form = OX_FORMATS[RDF_SUFFIXES[path.suffix.lower()]]
        quads = ox.parse(text, format=form, base_iri=str(graph))
        triples.addN((s, p, o, triples) for s, p, o in _triples(quads))
    _check_literals(path, text, triples)
    return ParsedFile(path, graph, triples)


@contextlib.contextmanager
def _parsing(path: Path) -> Iterator[None]:
    """Quiet rdflib's log of ill-typed literals (checked after), and name the file on errors."""
    literal_filter = _DropLiteralWarnings()
    term_logger = logging.getLogger("rdflib.term")
    term_logger.addFilter(literal_filter)
    try:
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
        raise SourceNotFoundError(str(path))
    own = graph_iri(path)
    text = decode(path, path.read_bytes())
    graphs: dict[URIRef, Graph] = {}
    bnodes: dict[str, BNode] = {}
    with _parsing(path):
        form = OX_FORMATS[DATASET_SUFFIXES[suffix]]
        for quad in ox.parse(text, format=form, base_iri=str(own)):
            name = quad.graph_name
            graph = URIRef(name.value) if isinstance(name, ox.NamedNode) else own
            graphs.setdefault(graph, Graph()).add(
                (
                    from_oxigraph(quad.subject, bnodes),
                    from_oxigraph(quad.predicate, bnodes),
                    from_oxigraph(quad.object, bnodes),
                )
            )
    for triples in graphs.values():
        _check_literals(path, text, triples)
    return [ParsedFile(path, graph, triples) for graph, triples in sorted(graphs.items())]


def parse_any(path: Path) -> list[ParsedFile]:
    """Parse a file of any suffix :func:`expand_paths` accepts (one part per graph it fills)."""
    if path.suffix.lower() in DATASET_SUFFIXES:
        return parse_dataset(path)
    return [parse_file(path)]


def _check_literals(path: Path, text: str, triples: Graph) -> None:
    for obj in triples.objects():
        if isinstance(obj, Literal) and obj.ill_typed:
            raise InvalidLiteralError(
                str(path), _line_of(text, f'"{obj}"'), str(obj), _qname(triples, obj.datatype)
            )


def _qname(graph: Graph, iri: object) -> str:
    try:
        return graph.qname(str(iri))
    except (ValueError, KeyError):  # an IRI rdflib cannot split into prefix and name
        return f"<{iri}>"


def resolve_imports(
    files: Iterable[ParsedFile], loaded: Callable[[URIRef], bool] = lambda _: False
) -> list[ParsedFile]:
    """Return the vocabularies the ``owl:imports`` of ``files`` need, from the offline catalog.

    Imports are followed through the vocabularies too. An import is satisfied by an ontology
    one of ``files`` declares, by one ``loaded`` says the store holds, or by the catalog;
    nothing is ever fetched.

    :raises ImportNotFoundError: an import is none of those.
    """
    pending = list(files)
    declared: set[URIRef] = set()
    for parsed in pending:
        declared.update(_ontology_iris(parsed.triples))
    added: dict[Path, ParsedFile] = {}
    while pending:
        parsed = pending.pop()
        imports = {o for o in parsed.triples.objects(None, OWL.imports) if isinstance(o, URIRef)}
        for iri in sorted(imports):
            if iri in declared or loaded(iri):
                continue
            local = vocabulary_path(str(iri))
            if local is None:
                raise ImportNotFoundError(str(parsed.path), str(iri), sorted(VOCABULARIES))
            if local not in added:
                added[local] = parse_file(local)
                declared.update(_ontology_iris(added[local].triples))
                pending.append(added[local])
    return list(added.values())


def _ontology_iris(graph: Graph) -> set[URIRef]:
    found = {s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)}
    found |= {v for v in graph.objects(None, OWL.versionIRI) if isinstance(v, URIRef)}
    return found


def parse_files(paths: Iterable[str | Path]) -> list[ParsedFile]:
    """Parse every file named by ``paths`` (see :func:`expand_paths`); all of them or none."""
    return [part for path in expand_paths(paths) for part in parse_any(path)]
