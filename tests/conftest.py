"""Shared fixtures: the bundled knowledge graph, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Endpoints, oxigraph_server, virtuoso_server

import accsm_kg

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def kg() -> accsm_kg.KnowledgeGraph:
    """The bundled ontology and data in the default store (do not modify it in tests)."""
    return accsm_kg.load()


@pytest.fixture
def resources() -> Path:
    """The folder of test fixtures."""
    return RESOURCES


@pytest.fixture(scope="session")
def oxigraph_endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    """An Oxigraph server on a loopback port for the whole session."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as endpoints:
        yield endpoints


@pytest.fixture(scope="session")
def virtuoso_endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    """A Virtuoso server on loopback ports for the whole session."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as endpoints:
        yield endpoints
