"""Compare the two OWL 2 RL engines behind ``accsm_kg.inference.owl_rl``: reasonable and owlrl.

Run: python benchmarks/reasoning.py [--sizes 10k,30k,100k] [--owlrl-up-to 30k]
     [--owlrl-timeout 900] [--json out.json] [--folder DIR]

Inputs: the bundled ontology and data (the TriG of ``data/`` read with
``accsm_kg.loading.parse_any``), then the ontology with synthetic data (``accsm_kg.synth``, seed
1, no faults) at each size; each without and with the bundled W3C vocabularies
(``resources.vocabulary_paths()``). For each input and engine, in a fresh child process:

- raw: the engine alone (``reasonable.PyReasoner`` ``from_graph`` and ``reason``; owlrl's
  ``DeductiveClosure(OWLRL_Semantics).expand`` on an rdflib graph already filled): time,
  triples out, and the new ones kept after dropping those with a literal or blank subject or a
  blank object, about RDF, RDFS, OWL or XSD terms, or trivial (``x owl:sameAs x``, ``x a
  owl:Thing``, ``C rdfs:subClassOf owl:Thing``...), literals compared in one form (reasonable
  writes ``"a"`` as ``"a"^^xsd:string``);
- ``owl_rl``: ``accsm_kg.inference.owl_rl(triples, vocabularies=..., engine=...)``, cold (with
  the vocabularies it also reasons over them alone, once a process): time, triples returned.

The parent compares what the engines infer, raw and through ``owl_rl``, and lists each
difference by predicate (or class) with examples. owlrl runs only up to ``--owlrl-up-to`` and
stops after ``--owlrl-timeout`` seconds. Times are wall-clock, one run each; timings are never
asserted by the tests.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ENGINES = ("reasonable", "owlrl")
NONE = "\N{EN DASH}"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BUILT_IN = (RDF, "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#",
            "http://www.w3.org/2001/XMLSchema#")  # fmt: skip
TOP = {"http://www.w3.org/2002/07/owl#Thing", "http://www.w3.org/2000/01/rdf-schema#Resource"}
TOP_BOUNDED = {
    RDF + "type",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#domain",
    "http://www.w3.org/2000/01/rdf-schema#range",
}
REFLEXIVE = {
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#equivalentProperty",
}

# -- measuring, in the child processes ------------------------------------------------------


def _input(source: str, vocabularies: bool) -> tuple[set[Any], int]:
    """Return the triples of an input (``bundled`` or a synthetic file), and their count alone."""
    from accsm_kg.loading import parse_any
    from accsm_kg.resources import data_paths, ontology_paths, vocabulary_paths

    files = ontology_paths() + (data_paths() if source == "bundled" else [Path(source)])
    given = {t for path in files for part in parse_any(path) for t in part.triples}
    alone = len(given)
    if vocabularies:
        given |= {
            t for path in vocabulary_paths() for part in parse_any(path) for t in part.triples
        }
    return given, alone


def _key(term: Any) -> str:
    """Write a term in N-Triples, literals in one form whichever engine made them."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    if isinstance(term, Literal):
        if term.language:
            return Literal(str(term), lang=term.language.lower()).n3()
        return Literal(str(term), datatype=term.datatype or XSD.string).n3()
    return str(term.n3())


def _kept(triple: tuple[Any, Any, Any]) -> bool:
    from rdflib import BNode, URIRef

    s, p, o = triple
    if type(s) is not URIRef or isinstance(o, BNode) or str(s).startswith(BUILT_IN):
        return False
    if str(p) in REFLEXIVE and s == o:
        return False
    return str(p) not in TOP_BOUNDED or str(o) not in TOP


def child_reason(engine: str, source: str, vocabularies: bool, out: str) -> dict[str, Any]:
    """Time the engine alone, then ``owl_rl``; write what each infers to ``out``."""
    from rdflib import Graph

    from accsm_kg.inference import owl_rl

    given, alone = _input(source, vocabularies)
    result: dict[str, Any] = {"triples_in": len(given), "input": alone}
    if engine == "reasonable":
        import reasonable  # type: ignore[import-untyped]

        start = time.perf_counter()
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(given)
        closure = set(reasoner.reason())
    else:
        import owlrl  # type: ignore[import-untyped]

        graph = Graph()
        for triple in given:
            graph.add(triple)
        start = time.perf_counter()
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        closure = set(graph)
    result["raw_seconds"] = time.perf_counter() - start
    result["raw_out"] = len(closure)
    known = {tuple(map(_key, t)) for t in given}
    raw = sorted(
        {" ".join(k) for t in closure if _kept(t) and (k := tuple(map(_key, t))) not in known}
    )
    result["raw_new"] = len(raw)
    Path(out + ".raw.nt").write_text("".join(f"{line} .\n" for line in raw), encoding="utf-8")
    print(json.dumps(result), flush=True)  # kept if owl_rl runs out of time
    start = time.perf_counter()
    inferred = owl_rl(given, vocabularies=vocabularies, engine=engine)  # type: ignore[arg-type]
    result["seconds"] = time.perf_counter() - start
    result["out"] = len(inferred)
    lines = sorted(" ".join(t.n3() for t in triple) for triple in inferred)
    Path(out + ".nt").write_text("".join(f"{line} .\n" for line in lines), encoding="utf-8")
    return result


# -- running the children, in the parent ----------------------------------------------------


def spawn(*args: Any, timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh Python; return its JSON, or what went wrong."""
    command = [sys.executable, str(HERE), "--child", json.dumps(list(args))]
    print(f"  … {' '.join(str(a) for a in args[:3])}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        output, failed = done.stdout, done.returncode != 0
        error = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
        output = out.decode() if isinstance(out, bytes) else out
        failed, error = True, f"stopped after {timeout:.0f} s"
    lines = output.strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if failed:
        result["error"] = error
    return result


def _read(path: Path) -> set[str]:
    return set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()


def _differences(only: set[str]) -> list[str]:
    """Count triples by predicate (by class for rdf:type), with an example of each."""
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for line in sorted(only):
        _, p, o = line.removesuffix(" .").split(" ", 2)
        groups[f"a {o}" if p == f"<{RDF}type>" else p].append(line)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [f"{len(lines):,} of {what}, e.g. {lines[0]}" for what, lines in ranked]


def measure(name: str, source: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run both engines on one input, without and with the vocabularies, and compare them."""
    folder = Path(args.folder)
    result: dict[str, Any] = {}
    for vocabularies in (False, True):
        runs, label = {}, f"{name}{' + vocabularies' if vocabularies else ''}"
        print(label, file=sys.stderr)
        for engine in ENGINES:
            if engine == "owlrl" and size > args.owlrl_up_to:
                continue
            out = str(folder / f"{name}-{int(vocabularies)}-{engine}")
            wait = args.owlrl_timeout if engine == "owlrl" else args.timeout
            runs[engine] = spawn(engine, source, vocabularies, out, timeout=wait)
            runs[engine]["files"] = out
        if len(runs) == 2:
            a, b = (runs[e]["files"] for e in ENGINES)
            for kind, suffix in (("raw", ".raw.nt"), ("owl_rl", ".nt")):
                ours, theirs = _read(Path(a + suffix)), _read(Path(b + suffix))
                complete = all(key in runs[e] for e in ENGINES for key in ("raw_new", "out"))
                if kind == "raw" or complete:
                    runs[kind] = {
                        "same": ours == theirs,
                        "only_reasonable": _differences(ours - theirs),
                        "only_owlrl": _differences(theirs - ours),
                    }
        result[label] = runs
    return result


# -- the table ------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _count(value: int | None) -> str:
    return NONE if value is None else f"{value:,}"


def render(report: dict[str, Any]) -> str:
    """Return the machine, the table of measurements and the differences between the engines."""
    info = report["machine"]
    head = (
        "input", "triples in", "engine", "raw: time", "raw: out (new, kept)",
        "owl_rl: time", "owl_rl: out", "owlrl / reasonable (raw; owl_rl)", "agree",
    )  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for label, runs in report["inputs"].items():
        reasonable, owlrl = runs.get("reasonable", {}), runs.get("owlrl", {})
        for engine in ENGINES:
            run = runs.get(engine)
            if run is None:
                lines.append(f"| {label} | | {engine} | not run | | | | | |")
                continue
            if engine == "reasonable":
                ratio = "; ".join(
                    f"{b / a:.0f}x" if a and b else NONE
                    for a, b in (
                        (reasonable.get(key), owlrl.get(key)) for key in ("raw_seconds", "seconds")
                    )
                )
                raw, ours = runs.get("raw", {}), runs.get("owl_rl", {})
                agree = (
                    f"raw: {'same' if raw.get('same') else 'differ'}; "
                    f"owl_rl: {'same' if ours.get('same') else 'differ' if ours else NONE}"
                    if raw
                    else NONE
                )
            else:
                ratio = agree = ""
            error = f" (error: {run['error']})" if "error" in run else ""
            added = run.get("triples_in", 0) - run.get("input", 0)
            cells = (
                label,
                f"{_count(run.get('input'))} + {added:,}" if added else _count(run.get("input")),
                engine + error,
                _seconds(run.get("raw_seconds")),
                f"{_count(run.get('raw_out'))} ({_count(run.get('raw_new'))})",
                _seconds(run.get("seconds")),
                _count(run.get("out")),
                ratio,
                agree,
            )
            lines.append("| " + " | ".join(cells) + " |")
        for kind in ("raw", "owl_rl"):
            diff = runs.get(kind)
            if diff and not diff["same"]:
                notes.append(f"\n{label}, {kind}:")
                for side in ("only_reasonable", "only_owlrl"):
                    shown = diff[side][:8]
                    notes.append(f"  {side.replace('_', ' ')}: {len(diff[side])} kinds")
                    notes += [f"    {line}" for line in shown]
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return (
        f"{info['date']}; {info['nproc']} cores ({info['cpu']}), load average "
        f"{info['load']:.1f} at the start; Python {info['python']}; {versions}; "
        f"took {report.get('seconds', 0) / 60:.0f} min\n\n"
        + "\n".join(lines)
        + ("\n\nDifferences (triples by predicate, or by class for rdf:type):" if notes else "")
        + "\n".join(notes)
    )


def machine() -> dict[str, Any]:
    """Describe the machine and the software measured."""
    with open("/proc/cpuinfo", encoding="ascii") as cpuinfo:
        cpu = next((ln.split(":")[1].strip() for ln in cpuinfo if ln.startswith("model name")), "")
    versions = {}
    for package in ("accsm-kg", "reasonable", "owlrl", "rdflib"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "missing"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load": os.getloadavg()[0],
        "python": platform.python_version(),
        "versions": versions,
    }


def main() -> None:
    """Measure, print the table and the differences, write the JSON."""
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child_reason(*json.loads(sys.argv[2]))))
        return
    from accsm_kg import synth
    from accsm_kg.synth import parse_count

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,30k,100k", help="synthetic sizes (10k,30k,100k)")
    parser.add_argument("--owlrl-up-to", default="30k", help="largest size owlrl runs on (30k)")
    parser.add_argument(
        "--owlrl-timeout", type=float, default=900.0, help="seconds one owlrl run may take (900)"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds for reasonable (900)")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument(
        "--folder",
        default=str(Path(tempfile.gettempdir()) / "accsm-kg-reasoning"),
        help="where synthetic files and inferred triples are kept",
    )
    args = parser.parse_args()
    args.owlrl_up_to = parse_count(args.owlrl_up_to)
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report: dict[str, Any] = {"machine": machine(), "inputs": {}}
    inputs = [("bundled", "bundled", 0)]
    for size in (parse_count(part) for part in args.sizes.split(",") if part.strip()):
        digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:10]
        path = folder / f"synth-{size}-seed1-{digest}.ttl"
        if not path.exists():
            synth.generate(path, triples=size, seed=1, faults=0)
        inputs.append((f"synthetic {size / 1000:g}k", str(path), size))
    for name, source, size in inputs:
        report["inputs"].update(measure(name, source, size, args))
        report["seconds"] = time.perf_counter() - started
        if args.json:  # written after each input, so a long run leaves what it has
            args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(render(report))


if __name__ == "__main__":
    main()
