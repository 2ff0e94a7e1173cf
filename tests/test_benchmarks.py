"""The benchmark script runs, small: it measures, prints its table and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_small(tmp_path: Path) -> None:
    """benchmarks/run.py at 6,000 triples prints every measured row, with ratio and target."""
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "6k", "--repeat", "1",
         "--only", "load,calls,dump", "--no-rdflib", "--calls", "20",
         "--folder", str(tmp_path / "data"), "--json", str(out)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    for row in ("| 6k | load |", "| 6k | dump to Turtle |", "| 6k | one bound value, warm call |"):
        assert row in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "6000" in report["sizes"]
    assert "error" not in done.stdout
