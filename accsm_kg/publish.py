"""Write the knowledge graph to files, atomically.

A dump is written to a temporary file beside its target and renamed over it only once complete,
so a reader never sees half a file and a failed dump leaves the previous one intact. A
temporary is named ``.NAME.accsm-kg.PID.RANDOM.tmp``: the next write to NAME removes those
whose writer (PID) is no longer running, so a killed writer leaves nothing behind for long.
Writing through a symbolic link updates the file it points to; the link stays a link.

>>> FORMATS["turtle"].suffix, FORMATS["nquads"].keeps_graphs
('.ttl', True)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from typing import Literal as TypingLiteral

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from .errors import DumpError, FormatError

__all__ = [
    "FORMATS",
    "DumpFormat",
    "FormatInfo",
    "atomic_stream",
    "atomic_write",
    "dump_quads",
    "format_for",
    "leftovers",
    "resolve_format",
    "sync_folder",
    "temporary_prefix",
]

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


def format_for(path: str | Path) -> str:
    """Return the output format a file name's suffix stands for.

    >>> format_for("kg.nq")
    'nquads'

    :raises FormatError: the suffix is none of the formats'.
    """
    suffix = Path(path).suffix.lower()
    for name, info in FORMATS.items():
        if suffix == info.suffix:
            return name
    known = ", ".join(f"{info.suffix} ({name})" for name, info in FORMATS.items())
    raise FormatError(
        f"{path}: cannot tell the format from the suffix {suffix!r}; name it with a suffix "
        f"({known}) or give the format"
    )


def resolve_format(name: str) -> str:
    """Return the canonical name of an output format, accepting usual aliases (``ttl``, ``nt``).

    >>> resolve_format("nt")
    'ntriples'
    """
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise FormatError(f"unknown format {name!r}; accsm-kg writes: {', '.join(FORMATS)}")
    return key


#: The tag of a dump's temporary files: ``.NAME.accsm-kg.PID.RANDOM.tmp``.
TEMPORARY_TAG = "accsm-kg"


def _stem(name: str) -> str:
    """Return ``name``, or a digest of it where a temporary named after it would be too long."""
    if len(os.fsencode(name)) <= 200:
        return name
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:32]


def temporary_prefix(target: Path, tag: str = TEMPORARY_TAG) -> str:
    """Return how this process's temporaries for ``target`` begin: ``.NAME.TAG.PID.``.

    >>> temporary_prefix(Path("out/kg.nt")) == f".kg.nt.accsm-kg.{os.getpid()}."
    True
    """
    return f".{_stem(Path(target).name)}.{tag}.{os.getpid()}."


def _running(pid: int) -> bool:
    """Tell whether process ``pid`` may still be running (so its temporaries are in use)."""
    if pid <= 0 or pid == os.getpid():
        return True  # never signal a process group; this process's own are in use
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        return True  # running, as another user
    return True


def leftovers(target: Path, tag: str = TEMPORARY_TAG) -> list[Path]:
    """Return the temporaries for ``target`` beside it whose writer is no longer running.

    Those of a writer still at work, and those of other targets, are never listed.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(
        rf"\.{re.escape(_stem(target.name))}\.{re.escape(tag)}\.([0-9]+)\.[A-Za-z0-9_]+\.tmp"
    )
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return []
    found = []
    for name in names:
        match = pattern.fullmatch(name)
        if match is not None and not _running(int(match.group(1))):
            found.append(folder / name)
    return sorted(found)


def sync_folder(folder: Path) -> None:
    """Make the renames done in ``folder`` durable, where the system lets a folder be synced."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    atomic_stream(path, lambda out: out.write(data))


def _real_target(path: Path) -> Path:
    """Return the file ``path`` links to, or ``path`` itself when it is no symbolic link."""
    if not path.is_symlink():
        return path
    real = Path(os.path.realpath(path))
    if real.is_symlink():
        raise DumpError(f"{path}: the symbolic link leads round in a loop; give a file to dump to")
    return real


def atomic_stream(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Have ``write`` fill a temporary file beside ``path``, then rename it over ``path``.

    If ``write`` fails, the temporary file is removed and ``path`` is left as it was. Where
    ``path`` is a symbolic link, the file it points to is replaced and the link kept. The
    temporaries of earlier writers of ``path`` that were killed are removed first.
    """
    path = Path(path)
    if path.is_dir():
        raise DumpError(f"{path}: is a folder; give a file name to dump to")
    real = _real_target(path)
    folder = real.parent if str(real.parent) else Path(".")
    if not folder.is_dir():
        raise DumpError(f"{path}: the folder {folder} does not exist")
    for leftover in leftovers(real):
        _remove(str(leftover))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=temporary_prefix(real), suffix=".tmp", dir=folder
        )
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            # mkstemp makes the file private (0600): give it the mode any new file would have,
            # or keep the mode of the file it replaces
            os.fchmod(out.fileno(), _mode_for(real))
            os.fsync(out.fileno())
        os.replace(temporary, real)
        temporary = None
        sync_folder(folder)
    except OSError as error:
        _remove(temporary)
        raise DumpError(f"{path}: could not be written: {error.strerror or error}") from error
    except BaseException:
        _remove(temporary)
        raise


def _remove(temporary: str | None) -> None:
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


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
    format: str | None = None,
    *,
    namespaces: NamespaceManager | None = None,
) -> Path:
    """Serialise ``quads`` to ``path`` in ``format`` (by default the one its suffix names).

    Graphs are kept where the format can.
    """
    info = FORMATS[resolve_format(format) if format is not None else format_for(path)]
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
