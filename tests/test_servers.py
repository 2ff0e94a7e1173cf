"""The programs tests need: a missing one skips its tests, saying what to install, or fails them
where ``CI`` is set."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from servers import TOOLS, in_ci, require_tool

ROOT = Path(__file__).parent.parent
MESSAGE = "rapper is not installed: apt-get install raptor2-utils"


@pytest.fixture
def no_rapper(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without rapper: none on PATH, none beside the Python."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))


@pytest.mark.parametrize("value", [None, "", "0", "false", "False"])
def test_a_missing_program_skips_outside_ci(
    no_rapper: None, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """Without CI (unset, empty, 0 or false), a missing program skips, naming how to install it."""
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match=MESSAGE):
        require_tool("rapper")


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_a_missing_program_fails_in_ci(
    no_rapper: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Where CI is set, a missing program fails the test with the same message."""
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match=MESSAGE):
        require_tool("rapper")


def test_a_program_is_found_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A program on PATH is returned, CI or not."""
    monkeypatch.setenv("CI", "1")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(shutil, "which", lambda name: f"/opt/bin/{name}")
    assert require_tool("java") == "/opt/bin/java"


def test_a_program_beside_the_python_comes_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The Oxigraph server the test extra installs is found beside the Python, not on PATH."""
    (tmp_path / "oxigraph").touch()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert require_tool("oxigraph") == str(tmp_path / "oxigraph")


_NEEDS_RAPPER = """
import pytest

@pytest.mark.needs("rapper")
def test_reads_with_rapper():
    pass

def test_needs_nothing():
    pass
"""


@pytest.mark.parametrize(
    ("ci", "outcome", "status"),
    [("", {"passed": 1, "skipped": 1}, 0), ("1", {"passed": 1, "errors": 1}, 1)],
)
@pytest.mark.slow
def test_the_needs_marker_in_a_real_run(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    ci: str,
    outcome: dict[str, int],
    status: int,
) -> None:
    """A run where rapper is not on PATH skips the test marked ``needs("rapper")``, or, where CI
    is set, fails it at setup and exits 1; the other test passes."""
    for name in ("conftest.py", "servers.py"):
        shutil.copy(Path(__file__).parent / name, pytester.path / name)
    pytester.makepyfile(test_rapper=_NEEDS_RAPPER)
    pytester.makeini("[pytest]\nmarkers =\n    slow: slow\n    needs(*tools): programs\n")
    empty = pytester.mkdir("empty-path")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("CI", ci)
    result = pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(**outcome)
    assert result.ret == status
    result.stdout.fnmatch_lines([f"*{MESSAGE}*"])


def test_every_program_is_documented_with_its_install_command() -> None:
    """The development page names each program the tests need and the command that installs it."""
    page = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    for name, install in TOOLS.items():
        assert f"`{name}`" in page, f"docs/development.md does not name {name}"
        assert install in page, f"docs/development.md does not say `{install}` for {name}"
