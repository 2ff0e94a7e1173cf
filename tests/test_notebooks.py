"""The notebooks in notebooks/ run from top to bottom, and the outputs saved in them are real."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.slow


def _stable(text: str) -> str:
    """Return ``text`` without what changes from run to run: scratch folders and timings."""
    text = re.sub(r"/tmp/[\w.-]+", "/tmp/…", text)
    return re.sub(r"\d+(\.\d+)? s\b", "… s", text)


def _outputs(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Return the kinds and plain text of a cell's outputs (pictures by kind only)."""
    shown = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            shown.append((output.name, _stable(output.text)))
        elif output.output_type in {"execute_result", "display_data"}:
            kinds = ",".join(sorted(output.data))
            shown.append((kinds, _stable(output.data.get("text/plain", ""))))
        else:
            shown.append((output.output_type, output.get("evalue", "")))
    return shown


def test_there_are_two_notebooks() -> None:
    """A tour and a publishing walk-through."""
    assert [path.name for path in NOTEBOOKS] == ["publishing.ipynb", "tour.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_and_its_saved_outputs_are_real(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell runs without error, and gives the outputs the notebook was saved with."""
    monkeypatch.setenv("ACCSM_KG_PROGRESS", "0")
    saved = nbformat.read(path, as_version=4)
    fresh = nbformat.read(path, as_version=4)
    NotebookClient(fresh, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    code = [i for i, cell in enumerate(saved.cells) if cell.cell_type == "code"]
    assert code, path.name
    for index in code:
        assert all(output.output_type != "error" for output in fresh.cells[index].outputs)
        assert _outputs(fresh.cells[index]) == _outputs(saved.cells[index]), (
            f"{path.name}, cell {index}: the saved outputs are not what the cell gives; "
            "run `ACCSM_KG_PROGRESS=0 .venv/bin/jupyter-execute --inplace "
            f"notebooks/{path.name}`"
        )
        assert saved.cells[index].outputs, f"{path.name}, cell {index} was saved unrun"
