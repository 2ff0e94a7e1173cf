"""Every write is a transaction: killed at any moment, it leaves the previous state whole.

A killed dump, synth, import or release leaves the target as it was (or, for a release, whole
at every instant); the next run clears what the killed one left. Writing through a symbolic
link updates what it points to and keeps the link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

import accsm_kg
from accsm_kg import KnowledgeGraph, ReleaseError, RoundTripError, make_release
from accsm_kg import release as release_module
from accsm_kg.cli import main
from accsm_kg.loading import parse_any

SMALL = """@prefix kg: <https://w3id.org/accsm-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:writes-a rdfs:label "A"@en, "ក"@km .
kg:writes-b rdfs:label "B"@en .
"""
ISSUED = dt.date(2025, 1, 31)
CURATION = Path(__file__).parent / "resources" / "curation"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small data file, outside the folders the tests write into."""
    data = tmp_path / "data" / "small.ttl"
    data.parent.mkdir()
    data.write_text(SMALL, encoding="utf-8")
    return data


def _kg(data: Path) -> KnowledgeGraph:
    return accsm_kg.load(data, include_bundled=False)


def _release(kg: KnowledgeGraph, folder: Path, version: str) -> None:
    """A quick release: the small graph, no shapes, rdflib and Oxigraph as parsers."""
    make_release(kg, folder, version=version, issued=ISSUED, rapper=False, shapes=[])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _verified(folder: Path) -> dict[str, bytes]:
    """Return the files of ``folder`` once SHA256SUMS is checked against every other file."""
    files = _files(folder)
    lines = files["SHA256SUMS"].decode("utf-8").splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert set(listed) == set(files) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    return files


def _dead_pid() -> int:
    """The process id of a process that has ended."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return int(done.stdout)


# -- a release killed at every moment ----------------------------------------------------------

_RELEASER = """
import datetime as dt, os, shutil, signal, sys
from pathlib import Path

import accsm_kg

data, earlier, work = (Path(arg) for arg in sys.argv[1:4])
kg = accsm_kg.load(data, include_bundled=False)


def kill_at(stop):
    # SIGKILL this process at the stop-th file system operation of the release
    count = 0

    def wrap(real):
        def hooked(*args, **kwargs):
            nonlocal count
            count += 1
            if count == stop:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return hooked

    for name in ("mkdir", "rename", "replace", "unlink", "rmdir", "fsync"):
        setattr(os, name, wrap(getattr(os, name)))


for stop in range(1, 200):
    folder = work / str(stop)
    folder.mkdir()
    shutil.copytree(earlier, folder / "r")
    pid = os.fork()
    if pid == 0:
        kill_at(stop)
        accsm_kg.make_release(kg, folder / "r", version="1.0.1", issued=dt.date(2025, 1, 31),
                              rapper=False, shapes=[])
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    print(stop, os.waitstatus_to_exitcode(status), flush=True)
    if status == 0:
        break
"""


def test_a_release_killed_at_any_moment_leaves_a_whole_release(small: Path, tmp_path: Path) -> None:
    """1.0.1 over 1.0.0, SIGKILLed at each file operation: one whole release, and a rerun works.

    After each kill the folder is release 1.0.0 or 1.0.1, whole, its sums right, or (between
    the two renames) missing with 1.0.0 whole beside it under a name the next run puts back.
    The rerun writes 1.0.1 and leaves nothing beside it.
    """
    kg = _kg(small)
    _release(kg, tmp_path / "old" / "r", "1.0.0")
    _release(kg, tmp_path / "new" / "r", "1.0.1")
    old = _verified(tmp_path / "old" / "r")
    new = _verified(tmp_path / "new" / "r")
    assert old != new
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _RELEASER, str(small), str(tmp_path / "old" / "r"), str(work)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    runs = [tuple(map(int, line.split())) for line in done.stdout.splitlines()]
    assert runs[-1][1] == 0  # the last run got through every operation
    killed = [stop for stop, code in runs if code == -signal.SIGKILL]
    assert killed == list(range(1, len(runs)))
    seen: set[str] = set()
    for stop in killed:
        folder = work / str(stop)
        target = folder / "r"
        beside = sorted(p.name for p in folder.iterdir() if p.name != "r")
        if target.exists():
            files = _verified(target)
            assert files in (old, new), stop
            seen.add(("old" if files == old else "new") + (" and temporaries" if beside else ""))
        else:
            aside = [name for name in beside if name.startswith(".r.accsm-kg-replaced.")]
            assert len(aside) == 1, (stop, beside)
            assert _verified(folder / aside[0]) == old, stop
            seen.add("missing, the old one aside")
        _release(kg, target, "1.0.1")
        assert _verified(target) == new, stop
        assert [p.name for p in folder.iterdir()] == ["r"], stop
    # the kills fell in every stage: writing, swapping, clearing the old release away
    assert seen == {
        "old",
        "old and temporaries",
        "missing, the old one aside",
        "new and temporaries",
        "new",
    }


def test_an_earlier_release_moved_aside_is_put_back_by_the_next_run(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release killed between its renames leaves the old one aside; the next run restores it."""
    kg = _kg(small)
    target = tmp_path / "out" / "r"
    _release(kg, target, "1.0.0")
    old = _files(target)
    target.rename(tmp_path / "out" / f".r.accsm-kg-replaced.{_dead_pid()}.0a1b2c3d.tmp")

    serialise = release_module._serialise

    def drop_a_line(quads: list[object], syntax: object) -> bytes:
        data = serialise(quads, syntax)  # type: ignore[arg-type]
        return data.split(b"\n", 1)[1] if syntax is release_module._NTRIPLES else data

    monkeypatch.setattr(release_module, "_serialise", drop_a_line)
    with pytest.raises(RoundTripError):  # this run fails, after putting the old one back
        _release(kg, target, "1.0.1")
    assert _verified(target) == old
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["r"]


def test_a_release_clears_only_what_stopped_releases_left(small: Path, tmp_path: Path) -> None:
    """Folders left by dead releases of this target go; a running one's and others' stay."""
    kg = _kg(small)
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    stale = out / f".r.accsm-kg-release.{dead}.0a1b2c3d.tmp"
    stale.mkdir()
    (stale / "accsm-kg.nt").write_bytes(b"half a file")
    kept = [
        f".r.accsm-kg-release.{alive}.0a1b2c3d.tmp",  # a release still running
        f".q.accsm-kg-release.{dead}.0a1b2c3d.tmp",  # another target's
        f".r.accsm-kg-release.{dead}.notes",  # not a temporary's name
    ]
    for name in kept:
        (out / name).mkdir()
    _release(kg, out / "r", "1.0.0")
    assert sorted(p.name for p in out.iterdir()) == sorted(["r", *kept])
    _verified(out / "r")


def test_a_folder_an_older_writer_left_half_replaced_is_released_again(
    small: Path, tmp_path: Path
) -> None:
    """Mixed versions, no SHA256SUMS and a .tmp file (as a killed in-place rewrite left): rerun."""
    kg = _kg(small)
    target = tmp_path / "r"
    _release(kg, target, "1.0.0")
    _release(kg, tmp_path / "new", "1.0.1")
    new = _files(tmp_path / "new")
    (target / "SHA256SUMS").unlink()
    (target / "accsm-kg-void.ttl").write_bytes(new["accsm-kg-void.ttl"])
    (target / ".accsm-kg-data.ttl.k2j3h4g5.tmp").write_bytes(b"@prefix")
    _release(kg, target, "1.0.1")
    assert _verified(target) == new


def test_a_release_into_a_mount_point_is_refused(kg: KnowledgeGraph) -> None:
    """A release replaces its folder whole, which a mount point cannot be: refused up front."""
    with pytest.raises(ReleaseError, match=r"^/proc: a mount point; a release replaces"):
        make_release(kg, "/proc", version="0.1.0", issued=ISSUED, rapper=False)


def test_a_release_through_a_symlink_replaces_the_folder_it_points_to(
    small: Path, tmp_path: Path
) -> None:
    """Releasing to a link to a release folder updates that folder and keeps the link."""
    kg = _kg(small)
    real = tmp_path / "releases" / "current"
    _release(kg, real, "1.0.0")
    link = tmp_path / "latest"
    link.symlink_to(Path("releases") / "current")
    _release(kg, link, "1.0.1")
    assert link.is_symlink()
    assert os.readlink(link) == "releases/current"
    assert b'"1.0.1"' in _verified(real)["accsm-kg-void.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "latest", "releases"]
    assert [p.name for p in real.parent.iterdir()] == ["current"]


# -- dumps, synth and import: killed with the new file written, not yet renamed ----------------

_KILLED_AFTER_FSYNC = """
import os, signal, sys
from accsm_kg.cli import main

real_fsync = os.fsync


def fsync_then_die(fd):
    # the whole new file is in its temporary now, and not yet renamed over the target
    real_fsync(fd)
    os.kill(os.getpid(), signal.SIGKILL)


os.fsync = fsync_then_die
main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("kg.nt", ["dump", "--no-bundled", "--data", "{small}", "-o", "{target}"]),
        ("synth.ttl", ["synth", "--triples", "6000", "-o", "{target}"]),
        ("meetings.trig", ["import", str(CURATION / "meetings.csv"), "-o", "{target}"]),
    ],
)
def test_a_killed_cli_write_keeps_the_old_file_and_the_next_run_clears_its_leftover(
    small: Path, tmp_path: Path, name: str, command: list[str]
) -> None:
    """dump, synth -o and import -o, SIGKILLed mid-write: old file whole; a rerun tidies up."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / name
    target.write_text('<urn:x:s> <urn:x:p> "the previous file" .\n', encoding="utf-8")
    previous = target.read_bytes()
    args = [arg.format(small=small, target=target) for arg in command]
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_AFTER_FSYNC, *args],
        capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert target.read_bytes() == previous
    left = list(out.glob(f".{name}.*.tmp"))
    assert len(left) == 1
    assert left[0].stat().st_size > len(previous)  # the new file was written, not renamed
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert target.read_bytes() != previous
    assert sum(len(part.triples) for part in parse_any(target)) > 0
    assert [p.name for p in out.iterdir()] == [name]


def test_a_dump_removes_only_the_leftovers_of_stopped_writers_of_its_file(
    small: Path, tmp_path: Path
) -> None:
    """A dump removes its target's temporaries whose writer is gone, and no other file."""
    kg = _kg(small)
    dead, alive = _dead_pid(), os.getppid()
    stale = tmp_path / f".kg.nt.accsm-kg.{dead}.a1b2c3d4.tmp"
    stale.write_bytes(b"<urn:x:s> <urn:x:p> ")
    kept = [
        f".kg.nt.accsm-kg.{alive}.a1b2c3d4.tmp",  # a dump still running
        f".kg.nq.accsm-kg.{dead}.a1b2c3d4.tmp",  # another file's
        f".kg.nt.accsm-kg-release.{dead}.a1b2c3d4.tmp",  # not a dump's
        f".kg.nt.accsm-kg.{dead}.a1b2c3d4.tmp.bak",  # not a temporary's name
        "kg.nt.tmp",
    ]
    for name in kept:
        (tmp_path / name).write_bytes(b"")
    kg.dump(tmp_path / "kg.nt")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", "kg.nt", *kept])


def test_a_name_near_the_length_limit_can_be_dumped_to(small: Path, tmp_path: Path) -> None:
    """A 243-byte file name, too long to add a temporary's suffix to, is written all the same."""
    kg = _kg(small)
    target = tmp_path / ("k" * 240 + ".nt")
    kg.dump(target)
    assert len(Graph().parse(target, format="nt")) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data", target.name])


# -- symbolic links --------------------------------------------------------------------------


def test_a_dump_through_a_symlink_updates_the_file_it_points_to(
    small: Path, tmp_path: Path
) -> None:
    """The link stays a link; the file it points to (through a chain too) gets the dump."""
    kg = _kg(small)
    real = tmp_path / "store" / "kg.nt"
    real.parent.mkdir()
    real.write_text('<urn:x:s> <urn:x:p> "old" .\n', encoding="utf-8")
    real.chmod(0o640)
    links = tmp_path / "links"
    links.mkdir()
    link = links / "kg.nt"
    link.symlink_to(Path("..") / "store" / "kg.nt")
    chain = links / "chain.nt"
    chain.symlink_to("kg.nt")
    for written in (link, chain):
        real.write_text('<urn:x:s> <urn:x:p> "old" .\n', encoding="utf-8")
        kg.dump(written)
        assert len(Graph().parse(real, format="nt")) == 3
    assert os.readlink(link) == "../store/kg.nt"
    assert os.readlink(chain) == "kg.nt"
    assert real.stat().st_mode & 0o777 == 0o640
    dangling = links / "new.nt"
    dangling.symlink_to(tmp_path / "store" / "new.nt")
    kg.dump(dangling)
    assert dangling.is_symlink()
    assert len(Graph().parse(tmp_path / "store" / "new.nt", format="nt")) == 3
    assert sorted(p.name for p in links.iterdir()) == ["chain.nt", "kg.nt", "new.nt"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["kg.nt", "new.nt"]


def test_a_symlink_loop_is_refused(small: Path, tmp_path: Path) -> None:
    """A link that leads round in a loop is a DumpError or ReleaseError naming it; links stay."""
    kg = _kg(small)
    (tmp_path / "a.nt").symlink_to("b.nt")
    (tmp_path / "b.nt").symlink_to("a.nt")
    with pytest.raises(accsm_kg.DumpError, match=r"a\.nt: the symbolic link leads round"):
        kg.dump(tmp_path / "a.nt")
    with pytest.raises(ReleaseError, match=r"a\.nt: the symbolic link leads round"):
        _release(kg, tmp_path / "a.nt", "1.0.0")
    assert os.readlink(tmp_path / "a.nt") == "b.nt"
    assert os.readlink(tmp_path / "b.nt") == "a.nt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.nt", "b.nt", "data"]
