"""Compare the embedded stores side by side: loading the bundled data, and the named queries.

Run: python benchmarks/stores.py [--repeat N] [--scale K]

``--scale K`` loads K copies of the bundled data (each copy in graphs of its own, its IRIs
renamed), to see how the stores grow. Prints seconds per step for each store and the ratio to
rdflib, the reference store; figures vary with the machine, the ratios much less.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import accsm_kg
from accsm_kg.resources import bundled_paths

STORES = ("rdflib", "oxigraph")


def _copies(folder: Path, scale: int) -> list[Path]:
    paths = list(bundled_paths())
    for copy in range(1, scale):
        for path in bundled_paths():
            text = path.read_text(encoding="utf-8").replace(
                "https://w3id.org/accsm-kg/id/", f"https://w3id.org/accsm-kg/id/copy{copy}-"
            )
            target = folder / f"copy{copy}-{path.name}"
            target.write_text(text, encoding="utf-8")
            paths.append(target)
    return paths


def _best(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Measure each store and print a table with ratios to rdflib."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = _copies(Path(tmp), args.scale)
        results: dict[str, dict[str, float]] = {}
        for store in STORES:
            timing: dict[str, float] = {}
            timing["load"] = _best(
                lambda store=store: accsm_kg.load(*paths, include_bundled=False, store=store),
                args.repeat,
            )
            kg = accsm_kg.load(*paths, include_bundled=False, store=store)
            names = sorted(accsm_kg.named_queries())
            timing["named queries"] = _best(
                lambda kg=kg, names=names: [kg.named_query(n) for n in names], args.repeat
            )
            timing["validate"] = _best(kg.validate, max(1, args.repeat // 2))
            results[store] = timing
            print(f"{store}: {len(kg):,} triples")
    steps = list(results["rdflib"])
    print(f"\n{'step':<15}" + "".join(f"{s:>12}" for s in STORES) + "   ratio to rdflib")
    for step in steps:
        line = f"{step:<15}" + "".join(f"{results[s][step]:>11.3f}s" for s in STORES)
        ratios = ", ".join(
            f"{s} {results[s][step] / results['rdflib'][step]:.2f}" for s in STORES[1:]
        )
        print(f"{line}   {ratios}")
    print(f"\n(best of {args.repeat} runs; {args.scale} cop(ies) of the bundled data)")


if __name__ == "__main__":
    main()
