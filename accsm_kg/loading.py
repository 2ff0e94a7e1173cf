"""Parse RDF files into graphs, with errors that say file, line and column.

Parsing goes through Oxigraph's parser, which is strict (it rejects malformed IRIs and language
tags that rdflib lets through) and reports exact positions; the triples are then handed over as
rdflib terms. Literals whose text is not a value of their datatype are refused too.

>>> from accsm_kg.resources import ontology_paths
>>> [f.graph for f in parse_files(ontology_paths()[:1])]
[rdflib.term.URIRef('https://w3id.org/accsm-kg/graph/ontology/accsm')]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import (
    InvalidLiteralError,
    SourceNotFoundError,
    TurtleSyntaxError,
    UnsupportedFileError,
)
from .resources import RDF_SUFFIXES, graph_iri
from .terms import from_oxigraph

__all__ = ["ParsedFile", "expand_paths", "parse_file", "parse_files"]

_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
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
    for a file given by name whose suffix is not ``.ttl`` or ``.nt``. Files in folders with other
    suffixes (a README, say) are passed over.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in RDF_SUFFIXES)
            )
        elif path.is_file():
            if path.suffix not in RDF_SUFFIXES:
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


def parse_file(path: Path, graph: URIRef | None = None) -> ParsedFile:
    """Parse one Turtle (``.ttl``) or N-Triples (``.nt``) file.

    :param path: the file.
    :param graph: the named graph it is meant for; by default :func:`resources.graph_iri`.
    :raises TurtleSyntaxError: the file does not parse (``lineno`` and ``offset`` say where).
    :raises InvalidLiteralError: a literal is not a value of its datatype.
    """
    if path.suffix not in RDF_SUFFIXES:
        raise UnsupportedFileError(str(path))
    if not path.is_file():
        raise SourceNotFoundError(str(path))
    graph = graph if graph is not None else graph_iri(path)
    data = path.read_bytes()
    triples = Graph()
    literal_filter = _DropLiteralWarnings()
    term_logger = logging.getLogger("rdflib.term")
    term_logger.addFilter(literal_filter)
    try:
        quads = ox.parse(data, format=_OX_FORMATS[RDF_SUFFIXES[path.suffix]], base_iri=str(graph))
        triples.addN((s, p, o, triples) for s, p, o in _triples(quads))
    except SyntaxError as error:
        reason = _POSITION.sub("", error.msg or str(error))
        raise TurtleSyntaxError(reason, str(path), error.lineno or 1, error.offset) from None
    finally:
        term_logger.removeFilter(literal_filter)
    for obj in triples.objects():
        if isinstance(obj, Literal) and obj.ill_typed:
            text = data.decode("utf-8")
            raise InvalidLiteralError(
                str(path), _line_of(text, f'"{obj}"'), str(obj), triples.qname(str(obj.datatype))
            )
    return ParsedFile(path, graph, triples)


def parse_files(paths: Iterable[str | Path]) -> list[ParsedFile]:
    """Parse every file named by ``paths`` (see :func:`expand_paths`); all of them or none."""
    return [parse_file(path) for path in expand_paths(paths)]
