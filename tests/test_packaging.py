"""Packaging: the wheel carries the Turtle, shapes and named queries; paths resolve."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from accsm_kg import resources

ROOT = Path(__file__).parent.parent


def _tracked(pattern: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True,
    )  # fmt: skip
    return zipfile.ZipFile(next(out.glob("*.whl")))


def test_wheel_holds_every_turtle_file_and_query(wheel: zipfile.ZipFile) -> None:
    """Every .ttl of ontology/ and shapes/, every .trig of data/ and every .rq ships in the wheel,
    nothing else."""
    names = set(wheel.namelist())
    bundled = {
        n.removeprefix("accsm_kg/_bundled/") for n in names if n.startswith("accsm_kg/_bundled/")
    }
    expected = (
        _tracked("ontology/**/*.ttl") | _tracked("shapes/**/*.ttl") | _tracked("data/**/*.trig")
    ) | _tracked("vocabularies/*.ttl")
    assert bundled == expected
    expected_queries = _tracked("accsm_kg/queries/*.rq") | _tracked("accsm_kg/checks/**/*.rq")
    assert {n for n in names if n.endswith(".rq")} == expected_queries
    assert "accsm_kg/py.typed" in names


def test_resource_paths_exist() -> None:
    """The resources module finds the ontology, shapes, data and queries."""
    assert [p.name for p in resources.ontology_paths()] == [
        "accsm.ttl",
        "imports.ttl",
        "translations.ttl",
        "vocabularies.ttl",
    ]
    assert resources.shapes_paths()
    assert resources.data_paths()
    assert len(resources.query_paths()) >= 10
    assert all(p.is_file() for p in resources.bundled_paths())
