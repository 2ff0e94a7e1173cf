"""Tests for accsm_kg.progress: bars on standard error for long work, and their switches."""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import accsm_kg
from accsm_kg import progress, synth
from accsm_kg.cli import main
from accsm_kg.errors import OptionError, TurtleSyntaxError

ROWS = "".join(f'<urn:x:s{i}> <urn:x:p> "value {i}" .\n' for i in range(2000))


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Start each test from the automatic setting, and leave it so."""
    monkeypatch.delenv(progress.ENVIRONMENT_VARIABLE, raising=False)
    with progress.configured(enabled=None, delay=0, min_bytes=1000):
        yield


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A file over the threshold of the tests (1000 bytes)."""
    path = tmp_path / "big-file.nt"
    path.write_text(ROWS, encoding="utf-8")
    return path


def _last_line(err: str) -> str:
    return err.replace("\r", "\n").rstrip("\n").rsplit("\n", 1)[-1]


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_loading_shows_bytes_read(
    big: Path, store: accsm_kg.StoreName, capsys: pytest.CaptureFixture[str]
) -> None:
    """A large file loaded with progress on draws a bar naming it on stderr, up to 100%."""
    progress.configure(enabled=True)
    kg = accsm_kg.load(big, include_bundled=False, store=store)
    assert len(kg) == 2000
    out, err = capsys.readouterr()
    assert out == ""
    last = _last_line(err)
    assert "loading big-file.nt" in last
    assert "100%" in last
    assert err.endswith("\n")  # closed


@pytest.mark.parametrize("suffix", [".nq", ".trig"])
def test_loading_datasets_shows_bytes_read(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """N-Quads and TriG files get the bar too."""
    path = tmp_path / f"quads{suffix}"
    path.write_text(ROWS, encoding="utf-8")
    progress.configure(enabled=True)
    assert len(accsm_kg.load(path, include_bundled=False)) == 2000
    assert "100%" in _last_line(capsys.readouterr().err)


def test_loading_a_file_with_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file read past its byte-order mark is counted from the bytes handed to the parser."""
    path = tmp_path / "marked.ttl"
    path.write_bytes(b"\xef\xbb\xbf" + ROWS.encode())
    progress.configure(enabled=True)
    assert len(accsm_kg.load(path, include_bundled=False)) == 2000
    assert "100%" in _last_line(capsys.readouterr().err)


def test_off_writes_nothing(big: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With progress off, loading writes nothing at all."""
    progress.configure(enabled=False)
    accsm_kg.load(big, include_bundled=False)
    assert capsys.readouterr() == ("", "")


def test_small_files_get_no_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file under the threshold is read without a bar, even with progress on."""
    path = tmp_path / "small.nt"
    path.write_text("".join(ROWS.splitlines(keepends=True)[:10]), encoding="utf-8")
    progress.configure(enabled=True)
    accsm_kg.load(path, include_bundled=False)
    assert capsys.readouterr().err == ""


def test_captured_stderr_is_silent_by_default(
    big: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a switch, a standard error that is no terminal gets no bar."""
    assert not progress.is_enabled()
    accsm_kg.load(big, include_bundled=False)
    assert capsys.readouterr().err == ""


def test_a_terminal_gets_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a switch, a standard error that is a terminal gets bars."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Terminal())
    assert progress.is_enabled()
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "0")
    assert not progress.is_enabled()


@pytest.mark.parametrize(("value", "shown"), [("1", True), ("0", False), ("yes", True)])
def test_environment_variable(
    big: Path,
    value: str,
    shown: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ACCSM_KG_PROGRESS turns bars on or off."""
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, value)
    accsm_kg.load(big, include_bundled=False)
    assert ("loading big-file.nt" in capsys.readouterr().err) is shown


def test_configure_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library setting is stronger than the environment variable, and is restored."""
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    with progress.configured(enabled=False):
        assert not progress.is_enabled()
    assert progress.is_enabled()
    assert progress.settings().enabled is None


def test_bad_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value other than 0 or 1 is refused, saying what it may be."""
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "maybe")
    with pytest.raises(OptionError, match=r"ACCSM_KG_PROGRESS is 1 .* or 0 .* not 'maybe'"):
        progress.is_enabled()


@pytest.mark.parametrize(("name", "value"), [("delay", -1.0), ("min_bytes", -5)])
def test_bad_settings(name: str, value: float) -> None:
    """A negative delay or threshold is refused, and the settings stay as they were."""
    before = progress.settings()
    with pytest.raises(OptionError):
        progress.configure(**{name: value})  # type: ignore[arg-type]
    assert progress.settings() == before


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_bar_closed_on_parse_error(
    tmp_path: Path, store: accsm_kg.StoreName, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that fails to parse closes its bar; the error is the same as without a bar."""
    path = tmp_path / "broken.nt"
    path.write_text(ROWS + "<urn:x:a> <urn:x:b> <urn:x:c .\n", encoding="utf-8")
    errors = []
    for enabled in (False, True):
        progress.configure(enabled=enabled)
        with pytest.raises(TurtleSyntaxError) as caught:
            accsm_kg.load(path, include_bundled=False, store=store)
        errors.append((str(caught.value), caught.value.lineno, caught.value.offset))
    assert errors[0] == errors[1]
    assert errors[0][1] == 2001
    err = capsys.readouterr().err
    assert "loading broken.nt" in err
    assert err.endswith("\n")


@pytest.mark.slow
def test_steps_of_validation(capsys: pytest.CaptureFixture[str]) -> None:
    """Validation names its phases on the bar, and ends at its last one."""
    kg = accsm_kg.load()
    progress.configure(enabled=True)
    report = kg.validate(engine="pyshacl")
    err = capsys.readouterr().err
    for phase in ("loading shapes", "running pySHACL on", "checking Khmer dates"):
        assert f"validating: {phase}" in err
    last = _last_line(err)
    assert f"explaining {len(report):,} results" in last
    assert "5/5" in last


def test_steps_count_without_a_bar() -> None:
    """With progress off, steps still count: each phase begun is ended by the next."""
    progress.configure(enabled=False)
    with progress.steps("work", total=3) as work:
        work.step("one")
        work.step("two")
        assert work.count == 1
    assert work.count == 2
    seen: list[progress.Progress] = []
    with pytest.raises(RuntimeError):
        _fail_in_a_step(seen)
    assert seen[0].count == 0  # a failed step is not counted done


def _fail_in_a_step(seen: list[progress.Progress]) -> None:
    with progress.steps("work") as work:
        seen.append(work)
        work.step("one")
        raise RuntimeError


def test_synth_shows_triples_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """synth.generate draws a bar of triples written, to 100%, when no callback is given."""
    progress.configure(enabled=True)
    made = synth.generate(tmp_path / "s.ttl", triples=20_000)
    err = capsys.readouterr().err
    last = _last_line(err)
    assert made.triples != 20_000  # else the test could not tell the written count from the asked
    assert "writing s.ttl" in last
    assert "100%" in last
    assert f"| {made.triples}/{made.triples} triples [" in last
    assert err.endswith("\n")


def _finished(err: str, final: str, then: str) -> None:
    """Assert the bar in ``err`` was last drawn at ``final``, and ``then`` began a line after."""
    before, found, after = err.rpartition("\n" + then)
    assert found, f"{then!r} does not begin a line of {err!r}"
    assert not after.strip()
    last = before.rsplit("\r", 1)[-1]
    assert final in last, f"{final!r} not in the last drawing {last!r}"
    assert before.count("\n") == 0  # one bar, drawn over itself, ended by one newline


def _past(seconds: float) -> None:
    """Wait until ``seconds`` have passed, for a bar whose delay is that long to show."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(seconds / 4)


def test_a_bar_drawn_by_its_steps_is_finished(capsys: pytest.CaptureFixture[str]) -> None:
    """A bar shown only by step() (no tqdm update drew it) ends at 2/2 and a newline."""
    progress.configure(enabled=True, delay=0.02)
    with progress.steps("work", total=2) as work:
        work.step("one")
        _past(0.03)
        work.step("two")  # drawn here; the final update comes within tqdm's 0.1 s interval
    sys.stderr.write("next\n")
    _finished(capsys.readouterr().err, "work: two: 100%|██████████| 2/2 [", "next")


def test_a_bar_drawn_by_a_new_total_is_finished(capsys: pytest.CaptureFixture[str]) -> None:
    """A bar shown only when its total is set ends drawn at that total, and a newline."""
    progress.configure(enabled=True, delay=0.02)
    with progress.progress("counting", total=10, unit="rows") as work:
        work.update(5)
        _past(0.03)
        work.total = 7
        work.update(2)
    sys.stderr.write("next\n")
    _finished(capsys.readouterr().err, "counting: 100%|██████████| 7/7 rows [", "next")


def test_quick_work_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """Work done before the delay shows no bar: neither steps nor a new total draw one."""
    progress.configure(enabled=True, delay=60)
    with progress.steps("work", total=2) as work:
        work.step("one")
        work.total = 3
        work.step("two")
    with progress.progress("counting", total=10, unit="rows") as counted:
        counted.update(4)
        counted.total = 4
    assert (work.count, counted.count) == (2, 4)
    assert capsys.readouterr().err == ""


def test_cli_synth_bar_ends_at_the_count_written(tmp_path: Path) -> None:
    """accsm-kg --progress synth ends its bar at the triples written, then reports on a new line."""
    progress.configure(delay=0.001)  # shown, but not from the start: drawn as real bars are
    result = CliRunner().invoke(
        main,
        ["--progress", "synth", "--triples", "20k", "--faults", "3", "-o", str(tmp_path / "s.ttl")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    match = re.search(r"^wrote ([\d,]+) triples to ", result.stderr, re.MULTILINE)
    assert match, result.stderr
    written = int(match[1].replace(",", ""))
    assert written != 20_000
    bar = result.stderr[: match.start()]
    assert bar.endswith("\n")
    assert f"100%|██████████| {written}/{written} triples [" in bar.rsplit("\r", 1)[-1]


def _query(*options: str) -> tuple[str, str]:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [*options, "query", "-f", "csv", "-e", "SELECT ?s ?o WHERE { ?s a ?o } ORDER BY ?s ?o"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_cli_progress_leaves_stdout_unchanged() -> None:
    """--progress draws on stderr only: the CSV on stdout is byte for byte the same."""
    progress.configure(min_bytes=0)  # every bundled file gets a bar
    on_out, on_err = _query("--progress")
    off_out, off_err = _query("--no-progress")
    assert on_out == off_out
    assert on_out.startswith("s,o")
    assert "loading " in on_err
    assert "loading " not in off_err
    assert progress.settings().enabled is None  # the option lasts one command


def test_cli_no_progress_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """--no-progress hides the bars that ACCSM_KG_PROGRESS=1 asks for."""
    progress.configure(min_bytes=0)
    monkeypatch.setenv(progress.ENVIRONMENT_VARIABLE, "1")
    assert "loading " in _query()[1]
    assert "loading " not in _query("--no-progress")[1]
