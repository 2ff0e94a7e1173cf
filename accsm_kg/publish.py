"""Write the knowledge graph to files, atomically.

A dump is written to a temporary file beside its target and renamed over it only once complete,
so a reader never sees half a file and a failed dump leaves the previous one intact.

>>> FORMATS["turtle"].suffix, FORMATS["nquads"].keeps_graphs
('.ttl', True)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import DumpError, FormatError

__all__ = ["FORMATS", "DumpFormat", "FormatInfo", "atomic_write", "dump_quads", "resolve_format"]

#: The formats :meth:`~accsm_kg.KnowledgeGraph.dump` writes.
DumpFormat = TypingLiteral["turtle", "ntriples", "nquads", "trig", "jsonld"]


@dataclass(frozen=True)
class FormatInfo:
    """How one output format is written: rdflib's name for it, its suffix and media type."""

    rdflib_name: str
    suffix: str
    media_type: str
    keeps_graphs: bool


FORMATS: dict[str, FormatInfo] = {
    "turtle": FormatInfo("turtle", ".ttl", "text/turtle", keeps_graphs=False),
    "ntriples": FormatInfo("nt", ".nt", "application/n-triples", keeps_graphs=False),
    "nquads": FormatInfo("nquads", ".nq", "application/n-quads", keeps_graphs=True),
    "trig": FormatInfo("trig", ".trig", "application/trig", keeps_graphs=True),
    "jsonld": FormatInfo("json-ld", ".jsonld", "application/ld+json", keeps_graphs=True),
}
_ALIASES = {"ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads",
            "n-quads": "nquads", "json-ld": "jsonld"}  # fmt: skip


def resolve_format(name: str) -> str:
    """Return the canonical name of an output format, accepting usual aliases (``ttl``, ``nt``).

    >>> resolve_format("nt")
    'ntriples'
    """
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise FormatError(f"unknown format {name!r}; accsm-kg writes: {', '.join(FORMATS)}")
    return key


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    if path.is_dir():
        raise DumpError(f"{path}: is a folder; give a file name to dump to")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DumpError(f"{path}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DumpError(f"{path}: could not be written: {error.strerror or error}") from error


def _oxigraph_json_ld(quads: Iterable[tuple[Node, Node, Node, URIRef]]) -> bytes:
    import pyoxigraph as ox

    from .terms import to_oxigraph

    data = ox.serialize(
        (
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g))  # type: ignore[arg-type]
            for s, p, o, g in quads
        ),
        format=ox.RdfFormat.JSON_LD,
    )
    assert isinstance(data, bytes)  # no output file given: the bytes are returned
    return data


def dump_quads(
    quads: Iterable[tuple[Node, Node, Node, URIRef]],
    path: Path,
    format: str = "turtle",
    *,
    namespaces: NamespaceManager | None = None,
) -> Path:
    """Serialise ``quads`` to ``path`` in ``format``; graphs are kept where the format can."""
    info = FORMATS[resolve_format(format)]
    if info.rdflib_name == "json-ld":
        # rdflib's JSON-LD writer loses blank nodes that only refer to themselves and writes
        # big integers as JSON numbers that read back as doubles; Oxigraph's writes every quad
        # as it is (expanded JSON-LD, no remote @context)
        atomic_write(Path(path), _oxigraph_json_ld(quads))
        return Path(path)
    target: Graph
    if info.keeps_graphs:
        dataset = Dataset()
        for s, p, o, g in quads:
            dataset.graph(g).add((s, p, o))
        target = dataset
    else:
        target = Graph()
        for s, p, o, _ in quads:
            target.add((s, p, o))
    if namespaces is not None:
        for prefix, iri in namespaces.namespaces():
            target.bind(prefix, iri, override=True, replace=True)
    data = target.serialize(format=info.rdflib_name, encoding="utf-8")
    atomic_write(Path(path), data)
    return Path(path)
