"""Shared fixtures: the bundled knowledge graph, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

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
