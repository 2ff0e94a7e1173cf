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


#: Modules whose tests start servers, kill processes, fuzz, build wheels or run whole suites.
SLOW_MODULES = {
    "test_benchmarks",
    "test_fuzz",
    "test_fuzz_inputs",
    "test_packaging",
    "test_properties",
    "test_release",
    "test_reliability",
    "test_remote",
    "test_shacl",
    "test_shapes",
    "test_store",
    "test_w3c",
    "test_writes",
}
#: Single tests of other modules that take seconds each.
SLOW_TESTS = {
    "test_a_load_killed_at_any_moment_leaves_the_old_store_or_the_new_one",
    "test_blank_node_structures_load_in_time_proportional_to_them",
    "test_canonical_labels_refuse_structures_they_would_take_hours_on",
    "test_checks_do_not_depend_on_size",
    "test_fuzzed_api_bindings_raise_only_our_errors",
    "test_fuzzed_bind_values_exit_0_or_2",
    "test_lunar_date_round_trips_on_every_day",
    "test_timed_out_queries_stop_and_free_their_memory",
    "test_validate_engines_print_the_same_report",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow what ``pytest -m "not slow"`` leaves out, so the rest runs in a minute."""
    servers = {"oxigraph_endpoints", "virtuoso_endpoints"}
    for item in items:
        module = item.path.stem
        name = getattr(item, "originalname", item.name)
        if (
            module in SLOW_MODULES
            or name in SLOW_TESTS
            or servers & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.slow)
