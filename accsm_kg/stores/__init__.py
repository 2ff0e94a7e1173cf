"""Stores: where the triples live and where SPARQL runs, one module per engine.

One small interface, :class:`~accsm_kg.stores.base.Store`, that the
:class:`~accsm_kg.KnowledgeGraph` talks to; each implementation is the only code that touches
its engine:

- :mod:`~accsm_kg.stores.oxigraph`: pyoxigraph, in memory or persistent in a folder (the
  default; files are parsed straight into it, answers stay Oxigraph terms until read);
- :mod:`~accsm_kg.stores.rdflib`: rdflib's in-memory ``Dataset``, the reference implementation;
- :mod:`~accsm_kg.stores.remote`: any SPARQL 1.1 server, over the SPARQL 1.1 Protocol.

Every store keeps one named graph per loaded file, and queries see the union of those graphs as
their default graph.

>>> open_store("oxigraph").name
'oxigraph'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal as TypingLiteral

from ..errors import StoreError
from .base import (
    Loading,
    Solutions,
    Store,
    check_timeout,
    loading,
    run_in_child,
    run_with_timeout,
)
from .oxigraph import OxigraphStore
from .rdflib import RdflibStore
from .remote import RemoteStore

__all__ = [
    "STORE_NAMES",
    "Loading",
    "OxigraphStore",
    "RdflibStore",
    "RemoteStore",
    "Solutions",
    "Store",
    "StoreName",
    "check_timeout",
    "loading",
    "open_store",
    "run_in_child",
    "run_with_timeout",
]

#: The embedded stores :func:`accsm_kg.load` can build.
StoreName = TypingLiteral["rdflib", "oxigraph"]
STORE_NAMES: tuple[StoreName, ...] = ("rdflib", "oxigraph")


def open_store(name: str, path: str | Path | None = None) -> Store:
    """Return a new store of the given kind (``path``: where a persistent Oxigraph store lives)."""
    if name == "rdflib":
        if path is not None:
            raise StoreError("the rdflib store lives in memory: use store='oxigraph' with a path")
        return RdflibStore()
    if name == "oxigraph":
        return OxigraphStore(path)
    raise StoreError(f"no store named {name!r}; the stores are: {', '.join(STORE_NAMES)}")
