"""Measure what progress bars cost when loading a large synthetic file.

Run: python benchmarks/progress.py [--size 1M] [--repeat 5] [--folder DIR]

The file (``accsm_kg.synth``, seed 1) is written once into ``--folder`` (by default
``accsm-kg-bench`` in the temporary folder) and reused. Then, side by side and in turn, so that
the machine's other work weighs on each alike:

- raw: ``pyoxigraph.Store().load(path=..., format=RdfFormat.TURTLE, to_graph=...)``;
- off: ``accsm_kg.load(file, include_bundled=False)`` with progress off;
- on: the same with progress forced on, the bar drawn into ``/dev/null`` (drawing it costs
  the same wherever it goes; a terminal is not needed).

It prints the median time of ``--repeat`` runs of each, and their ratios. Timings are never
asserted by the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GRAPH = "https://w3id.org/accsm-kg/graph/synthetic"


def _synthetic(folder: Path, size: str) -> Path:
    from accsm_kg import synth

    triples = synth.parse_count(size)
    path = folder / f"progress-{triples}-seed1.ttl"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        synth.generate(path, triples=triples, seed=1)
    return path


def _raw(path: Path) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))


def _ours(path: Path, *, shown: bool) -> None:
    import accsm_kg
    from accsm_kg import progress

    with (
        progress.configured(enabled=shown),
        open(os.devnull, "w", encoding="utf-8") as sink,
        contextlib.redirect_stderr(sink),
    ):
        accsm_kg.load(path, include_bundled=False).close()


def measure(path: Path, repeat: int) -> dict[str, float]:
    """Return the median seconds of each way of loading ``path``, run in turn ``repeat`` times."""
    ways: dict[str, Callable[[], None]] = {
        "raw pyoxigraph load": lambda: _raw(path),
        "accsm_kg.load, progress off": lambda: _ours(path, shown=False),
        "accsm_kg.load, progress on": lambda: _ours(path, shown=True),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    for way in ways.values():  # a warm-up of each: the file in the page cache
        way()
    for _ in range(repeat):
        for name, way in ways.items():
            start = time.perf_counter()
            way()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(runs) for name, runs in times.items()}


def main() -> None:
    """Measure, and print one Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M", help="triples in the file (100k, 1M...)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "accsm-kg-bench"
    )
    args = parser.parse_args()
    path = _synthetic(args.folder, args.size)
    megabytes = path.stat().st_size / 1e6
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{path.name}: {megabytes:.1f} MB; median of {args.repeat} runs in turn; "
        f"load average {load:.1f}; Python {sys.version.split()[0]}"
    )
    found = measure(path, args.repeat)
    raw, off = found["raw pyoxigraph load"], found["accsm_kg.load, progress off"]
    print("\n| load | seconds | MB/s | vs progress off | vs raw |\n|---|---:|---:|---:|---:|")
    for name, seconds in found.items():
        print(
            f"| {name} | {seconds:.2f} | {megabytes / seconds:.1f} | "
            f"{seconds / off:.3f} | {seconds / raw:.2f} |"
        )


if __name__ == "__main__":
    main()
