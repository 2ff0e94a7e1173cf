"""The documentation site in docs/: every page in its navigation, every public name in its API
reference, and a build with no warning."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import accsm_kg
from accsm_kg import errors

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def test_every_page_is_in_the_navigation() -> None:
    """Each Markdown page of docs/ is listed in a table of contents of the index page."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    listed = {
        line.strip()
        for toctree in re.findall(r"```\{toctree\}\n(.*?)```", index, flags=re.S)
        for line in toctree.splitlines()
        if line.strip() and not line.startswith(":")
    }
    pages = {page.stem for page in DOCS.glob("*.md")} - {"index"}
    assert pages - listed == set()
    assert listed - pages == set()


def test_the_api_reference_covers_every_public_name() -> None:
    """Each name of ``accsm_kg.__all__`` is in docs/api.md; the errors, by their module."""
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    assert ".. automodule:: accsm_kg.errors" in api
    missing = [
        name
        for name in accsm_kg.__all__
        if name not in errors.__all__
        and name != "__version__"
        and not re.search(rf"accsm_kg\.{name}\b", api)
    ]
    assert missing == []


@pytest.mark.slow
def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    """Sphinx builds docs/ with warnings as errors, and the API pages hold the docstrings."""
    build = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"),
            *("-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    html = tmp_path / "html"
    for page in DOCS.glob("*.md"):
        assert (html / f"{page.stem}.html").is_file(), page.name
    api = (html / "api.html").read_text(encoding="utf-8")
    assert 'id="accsm_kg.KnowledgeGraph.named_query"' in api
    assert 'id="accsm_kg.errors.TurtleSyntaxError"' in api
