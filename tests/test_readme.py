"""The README tells the truth: its Python session runs, its commands match CI."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_session_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every >>> example in the README gives the output shown."""
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testfile(
        str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 5
    assert failures == 0


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run ends with the test command the README gives."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    test_command = blocks[1].strip()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == test_command


def test_readme_lists_every_named_query() -> None:
    """Each named query is documented in the README with its question."""
    from accsm_kg import named_queries

    for query in named_queries().values():
        assert f"`{query.name}`" in README, query.name
        assert query.question in README, query.name


def test_readme_lists_every_command() -> None:
    """Each CLI command appears in the README's command reference."""
    from accsm_kg.cli import main

    for name in main.commands:  # type: ignore[attr-defined]
        assert f"accsm-kg {name}" in README, name


def test_first_command_prints_what_the_readme_shows() -> None:
    """The README's first command prints exactly the table the README shows."""
    from click.testing import CliRunner

    from accsm_kg.cli import main

    command = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0]
    arguments = command.split(".venv/bin/accsm-kg ")[1].split()
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 0
    shown = re.findall(r"```text\n(.*?)```", README, flags=re.S)[0]
    assert result.stdout == shown


def test_every_test_the_readme_cites_exists() -> None:
    """Each `tests/FILE.py::test_name` the README gives as proof is a test of that file."""
    cited = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", README)
    assert len(cited) > 40
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).is_file()
        or (name and not re.search(rf"^def {name}\(", (ROOT / path).read_text("utf-8"), re.M))
    ]
    assert missing == []
