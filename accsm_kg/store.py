"""The stores, under the name they had before :mod:`accsm_kg.stores` held one module each.

>>> from accsm_kg.store import OxigraphStore
>>> OxigraphStore.name
'oxigraph'
"""

from __future__ import annotations

from .stores import (
    STORE_NAMES,
    OxigraphStore,
    RdflibStore,
    RemoteStore,
    Store,
    StoreName,
    check_timeout,
    open_store,
    run_in_child,
    run_with_timeout,
)

__all__ = [
    "STORE_NAMES",
    "OxigraphStore",
    "RdflibStore",
    "RemoteStore",
    "Store",
    "StoreName",
    "check_timeout",
    "open_store",
    "run_in_child",
    "run_with_timeout",
]
