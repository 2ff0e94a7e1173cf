"""Load the web explorer with concurrent clients, on loopback, and compare with the library.

Run: python benchmarks/web_load.py [--clients 20] [--requests 40] [--json FILE]

``accsm-kg serve`` runs as a child process on a free port of 127.0.0.1 (and nowhere else), on
the bundled data. The requests are a fixed mix, each kind in turn: node pages in English and
Khmer, search in English and Khmer, a named query's page, and a small query to ``/sparql`` where
the server has one. Three measurements, in this order:

- **library**: the same questions asked of the library in this process (``kg.describe``,
  ``kg.search``, ``kg.named_query``, ``kg.query``), one after another: what a page costs at
  least;
- **one client**: every request of the mix, one at a time (``--requests`` of each kind);
- **load**: ``--clients`` clients at once (httpx.AsyncClient), ``--requests`` each, each client
  starting at its own place in the mix.

It prints the median and 99th percentile latency of each, the requests a second under load,
and the ratio of the one-client median to the library's (the web layer's cost: HTTP, routing,
the page's other queries, templates). Every answer must be 200, or the run fails. Bounded: at
most 64 clients and 1000 requests each, 30 s a request. Timings are never asserted by the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # loopback only: the script never serves or loads anything else
MAX_CLIENTS = 64
MAX_REQUESTS = 1000
NONE = "\N{EN DASH}"  # in the table where a cell has no figure
SMALL_SPARQL = "SELECT ?p ?o WHERE { kg:cambodia ?p ?o } LIMIT 10"


@dataclass(frozen=True)
class Request:
    """One request of the mix, and the library call that answers the same question."""

    kind: str
    path: str
    params: dict[str, str]
    library: Callable[[Any], Iterable[object]] | None


def mix(*, sparql: bool) -> list[Request]:
    """Return the requests of the mix, in order (``sparql``: include ``/sparql``)."""
    requests = [
        Request("style sheet", "/static/style.css", {}, None),  # the floor: HTTP and routing
        Request("node", "/id/cambodia", {}, lambda kg: kg.describe("kg:cambodia")),
        Request("node", "/id/chhy-vichara", {}, lambda kg: kg.describe("kg:chhy-vichara")),
        Request("node, km", "/km/id/accsm", {}, lambda kg: kg.describe("kg:accsm", "km")),
        Request("search", "/search", {"q": "civil service"}, lambda kg: kg.search("civil service")),
        Request("search, km", "/km/search", {"q": "ឈី វិជ្ជរ៉ា"}, lambda kg: kg.search("ឈី វិជ្ជរ៉ា")),
        Request(
            "named query",
            "/queries/chairmanships",
            {"framework": "kg:accsm"},
            lambda kg: kg.named_query("chairmanships", framework="kg:accsm"),
        ),
    ]
    if sparql:
        requests.append(
            Request("sparql", "/sparql", {"query": SMALL_SPARQL}, lambda kg: kg.query(SMALL_SPARQL))
        )
    return requests


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """Start ``accsm-kg serve`` on ``port`` of 127.0.0.1 and wait until the home page answers."""
    command = [sys.executable, "-m", "accsm_kg", "serve", "--host", HOST, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SystemExit(f"accsm-kg serve exited: {error[-2000:]}")
        try:
            if httpx.get(f"http://{HOST}:{port}/", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"accsm-kg serve did not answer on {HOST}:{port} within 120 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server started by :func:`start_server`."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def one(client: httpx.AsyncClient, request: Request) -> float:
    """Send ``request``; return its latency in seconds; fail on any answer but 200."""
    started = time.perf_counter()
    response = await client.get(request.path, params=request.params)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{request.path} {request.params}: {response.status_code}")
    return elapsed


async def clients(
    base: str, requests: list[Request], *, count: int, each: int
) -> tuple[dict[str, list[float]], float]:
    """Run ``count`` clients of ``each`` requests at once; return latencies by kind and time."""
    latencies: dict[str, list[float]] = {r.kind: [] for r in requests}
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        for i in range(each):
            request = requests[(number + i) % len(requests)]
            latencies[request.kind].append(await one(http, request))

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        for request in requests:  # warm-up: each page once
            await one(http, request)
        started = time.perf_counter()
        await asyncio.gather(*(client(n, http) for n in range(count)))
        return latencies, time.perf_counter() - started


def library(requests: list[Request], each: int) -> dict[str, list[float]]:
    """Time the library calls of the mix, ``each`` of every request, in this process."""
    import accsm_kg

    kg = accsm_kg.load()
    latencies: dict[str, list[float]] = {r.kind: [] for r in requests}
    calls = [(r.kind, r.library) for r in requests if r.library is not None]
    for _, call in calls:
        list(call(kg))  # warm-up; the rows are read whole, as a page reads them
    for _ in range(each):
        for kind, call in calls:
            started = time.perf_counter()
            list(call(kg))
            latencies[kind].append(time.perf_counter() - started)
    return latencies


def _ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def _summary(latencies: dict[str, list[float]]) -> dict[str, tuple[float, float, int]]:
    rows = {kind: values for kind, values in latencies.items() if values}
    rows["all"] = [v for values in rows.values() for v in values]
    return {k: (statistics.median(v), percentile(v, 0.99), len(v)) for k, v in rows.items()}


def main() -> None:
    """Measure and print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="requests of each client")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    options = parser.parse_args()
    if not (1 <= options.clients <= MAX_CLIENTS and 1 <= options.requests <= MAX_REQUESTS):
        parser.error(f"at most {MAX_CLIENTS} clients and {MAX_REQUESTS} requests each")

    load_average = os.getloadavg()[0]
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start_server(port)
    try:
        sparql = httpx.get(f"{base}/sparql", params={"query": "ASK {}"}).status_code == 200
        requests = mix(sparql=sparql)
        each_kind = options.requests * len(requests)
        single, _ = asyncio.run(clients(base, requests, count=1, each=each_kind))
        loaded, wall = asyncio.run(
            clients(base, requests, count=options.clients, each=options.requests)
        )
    finally:
        stop_server(server)
    inline = library(requests, options.requests)

    total = options.clients * options.requests
    web1, web, lib = _summary(single), _summary(loaded), _summary(inline)
    git = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, load average "
        f"{load_average:.1f} at the start; Python {platform.python_version()}; git {git}; "
        f"{options.clients} clients x {options.requests} requests = {total} in {wall:.1f} s, "
        f"{total / wall:.0f} requests/s under load\n"
    )
    print("| request | library: median | one client: median, p99 | ratio "
          f"| {options.clients} clients: median, p99 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for kind in web:
        ours = _ms(lib[kind][0]) if kind in lib and kind != "all" else NONE
        ratio = f"{web1[kind][0] / lib[kind][0]:.1f}x" if kind in lib and kind != "all" else NONE
        print(
            f"| {kind} | {ours} | {_ms(web1[kind][0])}, {_ms(web1[kind][1])} "
            f"| {ratio} | {_ms(web[kind][0])}, {_ms(web[kind][1])} |"
        )
    if options.json:
        record = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "nproc": os.cpu_count(),
            "load average": load_average,
            "python": platform.python_version(),
            "git": git,
            "clients": options.clients,
            "requests": options.requests,
            "seconds": wall,
            "requests per second": total / wall,
            "paths": [[r.kind, r.path, r.params] for r in requests],
            "library": lib,
            "one client": web1,
            "load": web,
        }
        options.json.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
