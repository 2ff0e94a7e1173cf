"""Shared fixtures: the bundled knowledge graph, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Endpoints, oxigraph_server, require_tool, virtuoso_server

import accsm_kg

#: pytester runs pytest inside a test (tests/test_servers.py: a run without a program)
pytest_plugins = ["pytester"]

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
#: Single tests of other modules that take seconds each (a function, or one case of one), where
#: a marker cannot go: docstring examples, and cases of tables in other modules.
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
    # docstring examples: whole releases, both validation engines, reasoners on Java
    "accsm_kg.docs",
    "accsm_kg.knowledge_graph.KnowledgeGraph.check",
    "accsm_kg.knowledge_graph.KnowledgeGraph.reason",
    "accsm_kg.knowledge_graph.KnowledgeGraph.validate",
    "accsm_kg.reasoning",
    "accsm_kg.reasoning.check",
    "accsm_kg.release",
    "accsm_kg.validate",
    "accsm_kg.validate.explain",
    # pages and commands of seconds each, in tables of quick ones
    "test_bad_input_is_one_error_line_and_exit_2[docs -o @ok.nt/x --no-bundled --data @ok.nt]",
    "test_output_writes_the_file_instead[args5-0-Conforms]",
    "test_output_writes_the_file_instead[args6-1-delegation-size-not-positive.ttl]",
    'test_output_writes_the_file_instead[args7-0-"counts"]',
    "test_python_sessions_of_the_docs_run[docs/explore.md]",
    "test_python_sessions_of_the_docs_run[docs/pictures.md]",
    "test_python_sessions_of_the_docs_run[docs/python.md]",
    # the web pages that draw the timeline or validate, and the whole site's file list
    "accsm_kg.web.site.site_files",
    "test_pages_are_html[/meetings]",
    "test_pages_are_html[/validation]",
}


#: Tests that run programs but cannot carry a ``needs`` marker: docstring examples, and the
#: cases of tests parametrised over the pages and notebooks of the documentation.
ITEMS_NEEDING = {
    "accsm_kg.knowledge_graph.KnowledgeGraph.check": ("java",),
    "accsm_kg.reasoning": ("java",),
    "accsm_kg.reasoning.check": ("java",),
    "test_notebook_runs_and_its_saved_outputs_are_real[publishing]": ("java", "rapper"),
    "test_python_sessions_of_the_docs_run[docs/python.md]": ("java",),
    "test_walk_throughs_run_as_written[docs/publishing.md]": ("rapper",),
    "test_walk_throughs_run_as_written[docs/reasoning.md]": ("java",),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow what ``pytest -m "not slow"`` leaves out, so the rest runs in a minute."""
    servers = {"oxigraph_endpoints", "virtuoso_endpoints"}
    for item in items:
        module = item.path.stem
        name = getattr(item, "originalname", item.name)
        if item.name in ITEMS_NEEDING:
            item.add_marker(pytest.mark.needs(*ITEMS_NEEDING[item.name]))
        if (
            module in SLOW_MODULES
            or name in SLOW_TESTS
            or item.name in SLOW_TESTS
            or servers & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, where ``CI`` is set, fail) a test marked ``needs`` whose program is missing."""
    for marker in item.iter_markers("needs"):
        for tool in marker.args:
            require_tool(tool)
