"""The README and the pages of docs/ tell the truth: their examples and walk-throughs run."""

from __future__ import annotations

import contextlib
import doctest
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]

#: The most shell blocks the documentation may leave out of the walk-through test.
MOST_NOT_RUN = 3

#: A shell block of a page: ```bash (commands) or ```console (``$ `` commands with their output).
SHELL_BLOCK = re.compile(r"(<!-- not run: [^>]*-->\s*)?^```(bash|console)\n(.*?)^```", re.S | re.M)


def page_id(path: Path) -> str:
    """The page's name as a test id: README.md or docs/NAME.md."""
    return str(path.relative_to(ROOT))


def read(path: Path) -> str:
    """The text of a page."""
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Block:
    """A shell block of a page, in the order it comes."""

    kind: str
    text: str
    run: bool


def shell_blocks(path: Path) -> list[Block]:
    """The shell blocks of a page; the README's first two are its install and test commands."""
    blocks = [
        Block(kind, text, run=not marker) for marker, kind, text in SHELL_BLOCK.findall(read(path))
    ]
    if path.name == "README.md":
        blocks = blocks[2:]
    return blocks


def test_python_session_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every >>> example in the README gives the output shown."""
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testfile(
        str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 5
    assert failures == 0


@pytest.mark.parametrize("page", [page for page in PAGES[1:] if ">>> " in read(page)], ids=page_id)
def test_python_sessions_of_the_docs_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every >>> example of each page of docs/ gives the output shown."""
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 0
    assert failures == 0


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run ends with the test command the README gives."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    test_command = blocks[1].strip()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci_lines[-1] == test_command


def test_ci_builds_the_documentation_site() -> None:
    """The test extra brings the docs extra; .ci/run builds docs/ with warnings as errors."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "accsm-kg[docs]" in project["optional-dependencies"]["test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"pip install .*-e '\.\[test\]'", ci)
    assert "sphinx-build -W --keep-going" in ci
    assert " docs build/docs" in ci


def test_docs_list_every_named_query() -> None:
    """Each named query is documented in docs/named-queries.md with its question."""
    from accsm_kg import named_queries

    page = read(DOCS / "named-queries.md")
    for query in named_queries().values():
        assert f"`{query.name}`" in page, query.name
        assert query.question in page, query.name


def test_docs_list_every_command() -> None:
    """Each CLI command appears in the command reference, docs/cli.md."""
    from accsm_kg.cli import main

    page = read(DOCS / "cli.md")
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"accsm-kg {name}" in page, name


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


def test_every_test_the_docs_cite_exists() -> None:
    """Each `tests/FILE.py::test_name` the README or docs/ give as proof is a test of that file."""
    cited = [
        found
        for page in PAGES
        for found in re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", read(page))
    ]
    assert len(cited) > 40
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).is_file()
        or (name and not re.search(rf"^def {name}\(", (ROOT / path).read_text("utf-8"), re.M))
    ]
    assert missing == []


def test_the_readme_is_a_short_front_page() -> None:
    """The README is short and links to every page of docs/, and each of its links resolves."""
    assert len(README.splitlines()) < 120
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    assert [link for link in links if not (ROOT / link).exists()] == []
    linked = {(ROOT / link).resolve() for link in links}
    unlinked = [
        page.name
        for page in DOCS.glob("*.md")
        if page.resolve() not in linked and page.name != "index.md"
    ]
    assert unlinked == [], "link these pages from the README's Documentation list"


def test_few_shell_blocks_are_left_out_of_the_walk_throughs() -> None:
    """Blocks marked `<!-- not run: why -->` are few, and each mark stands before a block."""
    not_run = [
        (page_id(page), block.text)
        for page in PAGES
        for block in shell_blocks(page)
        if not block.run
    ]
    assert len(not_run) <= MOST_NOT_RUN, not_run
    marks = sum(read(page).count("<!-- not run:") for page in PAGES)
    assert marks == len(not_run), "a <!-- not run: … --> mark must stand right before its block"


def walk_through_script(blocks: list[Block]) -> str:
    """One bash script for a page: bash blocks as written, console commands between markers.

    A console command may fail (its output and ``echo $?`` say so); the exit status of each is
    handed to the next, so ``$ echo $?`` prints the status of the command shown before it.
    """
    lines = ["exec 2>&1", "set -euo pipefail", "__status=0"]
    number = 0
    for block in blocks:
        if not block.run:
            continue
        if block.kind == "bash":
            lines.append(block.text)
            continue
        for command, _ in console_commands(block.text):
            lines += [
                f"echo '@@walk-through {number}'",
                "set +e",
                '(exit "$__status")',
                command,
                "__status=$?",
                "set -e",
                f"printf '\\n@@walk-through {number} end\\n'",
            ]
            number += 1
    return "\n".join(lines) + "\n"


def console_commands(text: str) -> list[tuple[str, str]]:
    """The ``$ `` commands of a console block, each with the output shown after it."""
    commands: list[tuple[str, str]] = []
    assert text.startswith("$ "), "a console block starts with a $ command"
    for line in text.splitlines(keepends=True):
        if line.startswith("$ "):
            commands.append((line[2:].rstrip("\n"), ""))
        else:
            command, output = commands[-1]
            commands[-1] = (command, output + line)
    return commands


def walk_through_folder(tmp_path: Path) -> Path:
    """A fresh folder as a reader's checkout: the virtual environment and the test fixtures."""
    folder = tmp_path / "checkout"
    folder.mkdir()
    (folder / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    shutil.copytree(ROOT / "tests" / "resources", folder / "tests" / "resources")
    return folder


def pages_with_walk_throughs() -> list[Path]:
    """The pages with shell blocks to run."""
    return [page for page in PAGES if any(block.run for block in shell_blocks(page))]


def test_the_walk_throughs_include_releases_curation_and_servers() -> None:
    """The release, curation and server walk-throughs are among those that run."""
    names = {page.name for page in pages_with_walk_throughs()}
    assert {"publishing.md", "curating.md", "stores.md", "cli.md"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("page", pages_with_walk_throughs(), ids=page_id)
def test_walk_throughs_run_as_written(page: Path, tmp_path: Path) -> None:
    """Each page's shell blocks run in order, as written, and print the output shown."""
    blocks = shell_blocks(page)
    folder = walk_through_folder(tmp_path)
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"}
    environment.pop("ACCSM_KG_PROGRESS", None)  # progress bars follow the terminal, as a reader's
    process = subprocess.Popen(
        ["bash", "-c", walk_through_script(blocks)],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # so that a server a walk-through leaves running is stopped
    )
    try:
        output, _ = process.communicate(timeout=600)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    assert process.returncode == 0, output
    checker = doctest.OutputChecker()
    commands = [
        pair
        for block in blocks
        if block.run and block.kind == "console"
        for pair in console_commands(block.text)
    ]
    for number, (command, shown) in enumerate(commands):
        got = output.split(f"@@walk-through {number}\n", 1)[1]
        got = got.split(f"\n@@walk-through {number} end\n", 1)[0]
        want = shown.replace("…", "...").rstrip("\n") + "\n"
        got = got.rstrip("\n") + "\n"
        assert checker.check_output(want, got, doctest.ELLIPSIS), (
            f"$ {command}\nshown:\n{want}\nprinted:\n{got}"
        )
