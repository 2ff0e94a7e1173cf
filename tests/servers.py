"""Real SPARQL servers and the other programs the tests run, and what to do when one is missing.

- Oxigraph server, from PyPI (the ``oxigraph`` package, a test dependency);
- Virtuoso Open Source, from Debian (``apt-get install virtuoso-opensource``; ``.ci/run``
  installs it).

Each yields its endpoints; the servers listen on 127.0.0.1 only, on free ports, and keep their
data in a temporary folder.

:data:`TOOLS` lists every program a test may need with the command that installs it, and
:func:`require_tool` finds one: where it is missing, the test skips, saying what to install,
unless the ``CI`` environment variable is set, where a missing program fails the test instead
(so that continuous integration never passes by skipping).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


@dataclass(frozen=True)
class Endpoints:
    """Where a running server answers queries and updates."""

    query: str
    update: str


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {seconds} s: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


#: Each program some tests run, and the command that installs it.
TOOLS = {
    "chromium": "apt-get install chromium",  # the browser tests/test_web_browser.py drives
    "java": "apt-get install default-jre-headless",  # HermiT and Pellet, owlready2's reasoners
    "isql-vt": "apt-get install virtuoso-opensource",
    "oxigraph": "pip install oxigraph",  # the test extra installs it beside the Python
    "rapper": "apt-get install raptor2-utils",  # the third parser of release files
    "virtuoso-t": "apt-get install virtuoso-opensource",
}


def in_ci() -> bool:
    """Whether the ``CI`` environment variable is set (to anything but ``0`` or ``false``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def require_tool(name: str) -> str:
    """Return the path of the program ``name`` (one of :data:`TOOLS`), found beside the Python
    that runs the tests or on ``PATH``.

    Where it is missing, skip the test, or fail it if :func:`in_ci`, with a message that names
    the program and the command that installs it.
    """
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is not None:
        return found
    message = (
        f"{name} is not installed: {TOOLS[name]} (tests that need it skip, "
        "and fail where the CI environment variable is set)"
    )
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Endpoints]:
    """Run ``oxigraph serve`` on a free loopback port, its data in ``folder``."""
    program = require_tool("oxigraph")
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query", process, log)
        yield Endpoints(f"{base}/query", f"{base}/update")
    finally:
        _stop(process)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Endpoints]:
    """Run Virtuoso on free loopback ports, its database in ``folder``, open to SPARQL Update."""
    program = require_tool("virtuoso-t")
    isql = require_tool("isql-vt")
    sql_port, http_port = free_port(), free_port()
    (folder / "vsp").mkdir()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        _VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    log = folder / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [program, "+foreground", "+configfile", str(ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    sparql = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait(sparql, process, log, seconds=120)
        # The anonymous SPARQL user may write: this server lives on loopback for one test run.
        subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba",
             "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; "
             "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        yield Endpoints(sparql, sparql)
    finally:
        _stop(process)
