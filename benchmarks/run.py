"""Benchmark accsm-kg against raw pyoxigraph and rdflib on synthetic ACCSM data.

Run: python benchmarks/run.py --sizes 100k,1M [--repeat 3] [--json out.json] [--folder DIR]
     [--only load,queries,calls,validate,dump] [--no-rdflib] [--rdflib-timeout 20] [--calls 1000]

For each size, the synthetic file (``accsm_kg.synth``, seed 1, with ``--faults`` known
violations) is written once into ``--folder`` (by default ``accsm-kg-bench`` in the temporary
folder), named by size, seed, faults and a digest of ``accsm_kg/synth.py``, and reused by later
runs. Then, side by side in the same run, each measurement in a fresh child process, so that peaks
of memory (``ru_maxrss``) are comparable and one failure does not stop the others:

- load: ``accsm_kg.load(file, include_bundled=False)``, ``pyoxigraph.Store().bulk_load(...)``
  and rdflib's ``Graph().parse``: time, triples a second, peak memory;
- queries: every named query, unbound, through ``kg.named_query(name)``, on raw pyoxigraph
  (the same text with PREFIX lines, ``use_default_graph_as_union=True``) and on rdflib (each
  query stopped after ``--rdflib-timeout`` seconds), over the bundled data and the file; each
  query also bound to values taken from the data (raw: ``substitutions`` when the parameters are
  projected, else a ``VALUES`` block); every row's values are read;
- calls: the cost of one warm call with one bound value, ``kg.query(text, bindings=...)`` against
  ``store.query(text, substitutions=...)``, and of ``kg.named_query("delegation-heads",
  country=..., meeting=...)``, median of ``--calls`` calls;
- validate: ``kg.validate()``, ``kg.validate(engine="pyshacl")`` where that keyword exists, and
  pySHACL alone on an rdflib graph of the same triples, with the findings compared;
- dump: ``kg.dump()`` to Turtle and N-Quads against ``store.dump(...)``.

Times are medians of ``--repeat`` runs (rdflib and validation: one run). The table marks each
target of issue 11 as met or not; timings are never asserted. Results also go to ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
GRAPH = "https://w3id.org/accsm-kg/graph/synthetic"
XSD = "http://www.w3.org/2001/XMLSchema#"
SECTIONS = ("load", "queries", "calls", "validate", "dump")
NONE = "\N{EN DASH}"  # an empty cell
# One bound value, one row: the cost of a call more than of its answer.
BOUND_QUERY = """SELECT ?meeting ?name ?date
WHERE {
  ?meeting rdfs:label ?name ;
      schema:startDate ?date .
  FILTER(langMatches(lang(?name), "en"))
}"""

# -- measuring, in the child processes ------------------------------------------------------


def _rss_kib() -> int:
    """Return the resident memory of this process now, in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _peak_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


def _timed(step: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = step(*args, **kwargs)
    return time.perf_counter() - start, value


def _repeated(repeat: int, step: Callable[..., Any], *args: Any, **kwargs: Any) -> list[Any]:
    """Return ``repeat`` (seconds, value) runs; a first run under 1 s is a warm-up, left out."""
    first = _timed(step, *args, **kwargs)
    runs = [first] if first[0] >= 1 else []
    while len(runs) < repeat:
        runs.append(_timed(step, *args, **kwargs))
    return runs


def _median(runs: Iterable[float]) -> float:
    return statistics.median(list(runs))


def _prefixes() -> str:
    import accsm_kg

    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in accsm_kg.PREFIXES.items())


def _bundled() -> list[Path]:
    from accsm_kg.resources import bundled_paths

    return [Path(p) for p in bundled_paths()]


def _raw_store(path: str, *, bundled: bool) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    for i, file in enumerate(_bundled() if bundled else []):
        if file.suffix == ".trig":  # the data: each statement in the graph of its source
            store.bulk_load(path=str(file), format=ox.RdfFormat.TRIG)
            continue
        store.bulk_load(
            path=str(file),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(f"{GRAPH}/bundled/{i}"),
        )
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH))
    return store


def _raw_term(value: dict[str, str]) -> Any:
    import pyoxigraph as ox

    if value["kind"] == "iri":
        return ox.NamedNode(value["value"])
    datatype = {"date": "date", "integer": "integer", "year": "integer"}.get(
        value["kind"], "string"
    )
    return ox.Literal(value["value"], datatype=ox.NamedNode(XSD + datatype))


def _ntriples(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return f'"{term.value}"^^<{term.datatype.value}>'


def _with_values(text: str, values: dict[str, Any]) -> str:
    """Bind variables with a VALUES block opening the outer WHERE group."""
    block = " ".join(f"VALUES ?{name} {{ {_ntriples(term)} }}" for name, term in values.items())
    match = re.search(r"WHERE\s*\{", text)
    assert match is not None
    return f"{text[: match.end()]} {block} {text[match.end() :]}"


def child_load(loader: str, path: str) -> dict[str, Any]:
    """Load the file alone with one loader; report time, triples and memory."""
    if loader == "ours":
        import accsm_kg

        before = _rss_kib()
        seconds, kg = _timed(lambda: accsm_kg.load(path, include_bundled=False))
        triples = len(kg)
    elif loader == "raw":
        import pyoxigraph as ox

        before = _rss_kib()
        seconds, store = _timed(lambda: _raw_store(path, bundled=False))
        triples = len(store)
        assert isinstance(store, ox.Store)
    else:
        from rdflib import Graph

        before = _rss_kib()
        seconds, graph = _timed(lambda: Graph().parse(path, format="turtle"))
        triples = len(graph)
    return {
        "seconds": seconds,
        "triples": triples,
        "rss_before_kib": before,
        "peak_kib": _peak_kib(),
    }


def _examples(store: Any, prefixes: str) -> dict[str, dict[str, dict[str, str]]]:
    """Pick values for each named query's parameters from the data itself.

    A parameter that the query projects takes its value from the middle row among those about
    the synthetic data; the others (dates, years, classes) take the query's documented example.
    """
    import accsm_kg
    from accsm_kg import named_queries

    chosen: dict[str, dict[str, dict[str, str]]] = {}
    for name, query in named_queries().items():
        solutions = store.query(prefixes + query.sparql, use_default_graph_as_union=True)
        variables = [v.value for v in solutions.variables]
        rows = [tuple(s) for s in solutions]
        synthetic = [r for r in rows if any(v is not None and "/id/synth-" in str(v) for v in r)]
        pool = synthetic or rows
        middle = dict(zip(variables, pool[len(pool) // 2], strict=True)) if pool else {}
        values: dict[str, dict[str, str]] = {}
        for parameter in query.parameters:
            kind = parameter.kind
            if middle.get(parameter.name) is not None:
                values[parameter.name] = {"kind": kind, "value": middle[parameter.name].value}
                continue
            example = parameter.description.split("e.g. ")[1].split()[0]
            if kind == "iri":
                prefix, _, local = example.partition(":")
                example = accsm_kg.PREFIXES[prefix] + local
            values[parameter.name] = {"kind": kind, "value": example}
        chosen[name] = values
    return chosen


def child_queries(engine: str, path: str, options: dict[str, Any]) -> dict[str, Any]:
    """Load the bundled data and the file, then time every named query, unbound and bound."""
    run = {"rdflib": _rdflib_queries, "raw": _raw_queries, "ours": _our_queries}[engine]
    out = run(path, options)
    out["peak_kib"] = _peak_kib()
    return out


def _rdflib_queries(path: str, options: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Dataset, URIRef

    from accsm_kg import named_queries

    def load() -> Any:
        dataset = Dataset(default_union=True)
        for i, file in enumerate([*_bundled(), Path(path)]):
            if file.suffix == ".trig":
                dataset.parse(file, format="trig")
            else:
                dataset.graph(URIRef(f"{GRAPH}/{i}")).parse(file, format="turtle")
        return dataset

    def stop(signum: int, frame: Any) -> None:
        raise TimeoutError

    out: dict[str, Any] = {"queries": {}}
    out["load_seconds"], dataset = _timed(load)
    signal.signal(signal.SIGALRM, stop)
    for name, query in named_queries().items():
        # rdflib's engine is Python, so an alarm stops a query between two steps
        signal.setitimer(signal.ITIMER_REAL, options["rdflib_timeout"])
        try:
            seconds, rows = _timed(
                lambda t: [tuple(r) for r in dataset.query(t)], _prefixes() + query.sparql
            )
            out["queries"][name] = {"seconds": [seconds], "rows": len(rows)}
        except TimeoutError:
            out["queries"][name] = {"timeout": options["rdflib_timeout"]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def _raw_queries(path: str, options: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    from accsm_kg import named_queries

    prefixes, repeat = _prefixes(), options["repeat"]
    out: dict[str, Any] = {"queries": {}}
    out["load_seconds"], store = _timed(_raw_store, path, bundled=True)
    examples = out["examples"] = _examples(store, prefixes)

    def run(text: str, substitutions: dict[Any, Any] | None = None) -> int:
        solutions = store.query(
            prefixes + text, use_default_graph_as_union=True, substitutions=substitutions
        )
        return len([tuple(s) for s in solutions])

    for name, query in named_queries().items() if "queries" in options["sections"] else ():
        times = _repeated(repeat, run, query.sparql)
        values = {k: _raw_term(v) for k, v in examples[name].items()}
        solutions = store.query(prefixes + query.sparql, use_default_graph_as_union=True)
        if set(values) <= {v.value for v in solutions.variables}:
            how, text = "substitutions", query.sparql
            substitutions = {ox.Variable(k): term for k, term in values.items()}
        else:  # Oxigraph substitutes only variables the query projects
            how, text, substitutions = "VALUES", _with_values(query.sparql, values), None
        bound = _repeated(max(repeat, 5), run, text, substitutions)
        out["queries"][name] = {
            "seconds": [t for t, _ in times],
            "rows": times[0][1],
            "bound_seconds": [t for t, _ in bound],
            "bound_rows": bound[0][1],
            "bound_by": how,
        }
    if "calls" in options["sections"]:
        out.update(_raw_calls(store, prefixes, options, examples))
    return out


def _our_queries(path: str, options: dict[str, Any]) -> dict[str, Any]:
    import accsm_kg

    examples, repeat = options["examples"], options["repeat"]
    out: dict[str, Any] = {"queries": {}}
    out["load_seconds"], kg = _timed(accsm_kg.load, path)

    def run(query: str, **values: Any) -> int:
        return len([tuple(row) for row in kg.named_query(query, **values)])

    for name in accsm_kg.named_queries() if "queries" in options["sections"] else ():
        times = _repeated(repeat, run, name)
        values = {k: _ours_value(v) for k, v in examples[name].items()}
        bound = _repeated(max(repeat, 5), run, name, **values)
        out["queries"][name] = {
            "seconds": [t for t, _ in times],
            "rows": times[0][1],
            "bound_seconds": [t for t, _ in bound],
            "bound_rows": bound[0][1],
        }
    if "calls" in options["sections"]:
        out.update(_our_calls(kg, options, examples))
    return out


def _ours_value(value: dict[str, str]) -> Any:
    return int(value["value"]) if value["kind"] in ("integer", "year") else value["value"]


def _per_call(call: Callable[[], Any], calls: int) -> list[float]:
    call()  # warm: the query text is parsed, caches filled
    return [_timed(call)[0] for _ in range(calls)]


def _raw_calls(store: Any, prefixes: str, options: dict[str, Any], examples: Any) -> dict[str, Any]:
    import pyoxigraph as ox

    from accsm_kg import named_queries

    heads = examples["delegation-heads"]
    meeting = ox.NamedNode(heads["meeting"]["value"])
    text = prefixes + BOUND_QUERY
    one = _per_call(
        lambda: [
            tuple(s)
            for s in store.query(
                text,
                use_default_graph_as_union=True,
                substitutions={ox.Variable("meeting"): meeting},
            )
        ],
        options["calls"],
    )
    named = prefixes + named_queries()["delegation-heads"].sparql
    substitutions = {ox.Variable(k): ox.NamedNode(v["value"]) for k, v in heads.items()}
    heads_calls = _per_call(
        lambda: [
            tuple(s)
            for s in store.query(
                named, use_default_graph_as_union=True, substitutions=substitutions
            )
        ],
        max(options["calls"] // 5, 20),
    )
    return {"bound_call": one, "named_call": heads_calls}


def _our_calls(kg: Any, options: dict[str, Any], examples: Any) -> dict[str, Any]:
    from rdflib import URIRef

    heads = examples["delegation-heads"]
    meeting = URIRef(heads["meeting"]["value"])
    one = _per_call(
        lambda: [tuple(r) for r in kg.query(BOUND_QUERY, bindings={"meeting": meeting})],
        options["calls"],
    )
    values = {k: v["value"] for k, v in heads.items()}
    heads_calls = _per_call(
        lambda: [tuple(r) for r in kg.named_query("delegation-heads", **values)],
        max(options["calls"] // 5, 20),
    )
    return {"bound_call": one, "named_call": heads_calls}


def child_validate(engine: str, path: str) -> dict[str, Any]:
    """Validate the bundled data and the file: ours (default or pySHACL engine) or pySHACL alone."""
    out: dict[str, Any] = {}
    if engine == "pyshacl":
        from pyshacl import validate
        from rdflib import Dataset, Graph
        from rdflib.namespace import RDF, SH

        from accsm_kg.resources import shapes_paths

        def graphs() -> tuple[Graph, Graph]:
            data, shapes = Graph(), Graph()
            for file in [*_bundled(), Path(path)]:
                if file.suffix == ".trig":
                    dataset = Dataset()
                    dataset.parse(file, format="trig")
                    for s, p, o, _ in dataset.quads():
                        data.add((s, p, o))
                else:
                    data.parse(file, format="turtle")
            for file in shapes_paths():
                shapes.parse(file, format="turtle")
            return data, shapes

        out["load_seconds"], (data, shapes) = _timed(graphs)
        seconds, (conforms, report, _) = _timed(
            lambda: validate(
                data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
            )
        )
        findings = {
            (str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceConstraintComponent)))
            for r in report.subjects(RDF.type, SH.ValidationResult)
        }
    else:
        import accsm_kg

        out["load_seconds"], kg = _timed(lambda: accsm_kg.load(path))
        if engine == "ours-pyshacl":
            seconds, result = _timed(lambda: kg.validate(engine="pyshacl"))
        else:
            seconds, result = _timed(kg.validate)
        conforms = result.conforms
        findings = {(str(v.focus_node), str(v.constraint)) for v in result.violations}
    out.update(
        seconds=seconds, conforms=bool(conforms), findings=sorted(findings), peak_kib=_peak_kib()
    )
    return out


def child_dump(engine: str, path: str, options: dict[str, Any]) -> dict[str, Any]:
    """Load the file alone, then dump it to Turtle and N-Quads, repeatedly."""
    import pyoxigraph as ox

    folder = Path(options["folder"])
    out: dict[str, Any] = {}
    if engine == "ours":
        import accsm_kg

        out["load_seconds"], kg = _timed(lambda: accsm_kg.load(path, include_bundled=False))
        dumpers = {
            "turtle": lambda: kg.dump(folder / "dump-ours.ttl"),
            "nquads": lambda: kg.dump(folder / "dump-ours.nq"),
        }
    else:
        import accsm_kg

        out["load_seconds"], store = _timed(lambda: _raw_store(path, bundled=False))
        graph = ox.NamedNode(GRAPH)
        dumpers = {
            "turtle": lambda: store.dump(
                str(folder / "dump-raw.ttl"),
                format=ox.RdfFormat.TURTLE,
                from_graph=graph,
                prefixes=accsm_kg.PREFIXES,
            ),
            "nquads": lambda: store.dump(str(folder / "dump-raw.nq"), format=ox.RdfFormat.N_QUADS),
        }
    out["rss_before_kib"] = _rss_kib()
    for name, dump in dumpers.items():
        out[name] = [_timed(dump)[0] for _ in range(options["repeat"])]
    out["peak_kib"] = _peak_kib()
    for file in folder.glob("dump-*"):
        file.unlink()
    return out


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "load": child_load,
    "queries": child_queries,
    "validate": child_validate,
    "dump": child_dump,
}

# -- running the children, in the parent ----------------------------------------------------


def spawn(kind: str, *args: Any, timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh Python; return its JSON, or what went wrong."""
    command = [sys.executable, str(HERE), "--child", kind, json.dumps(list(args))]
    label = f"{kind} {' '.join(str(a) for a in args[:1])}"
    print(f"  … {label}", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last[:200]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def data_file(folder: Path, size: int, seed: int, faults: int) -> tuple[Path, dict[str, Any]]:
    """Write the synthetic file for a size, or reuse the one an earlier run wrote."""
    from accsm_kg import synth

    digest = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:10]
    path = folder / f"synth-{size}-seed{seed}-faults{faults}-{digest}.ttl"
    facts = folder / f"{path.name}.json"
    if path.exists() and facts.exists():
        return path, json.loads(facts.read_text(encoding="utf-8"))
    seconds, made = _timed(lambda: synth.generate(path, triples=size, seed=seed, faults=faults))
    info = {
        "triples": made.triples,
        "bytes": path.stat().st_size,
        "generate_seconds": seconds,
        "faults": [[str(f.focus_node), str(f.constraint)] for f in made.faults],
    }
    facts.write_text(json.dumps(info), encoding="utf-8")
    return path, info


def _has_engine_keyword() -> bool:
    import inspect

    import accsm_kg

    return "engine" in inspect.signature(accsm_kg.KnowledgeGraph.validate).parameters


def machine() -> dict[str, Any]:
    """Describe the machine, the software and the state of the library measured."""
    memory = cpu = ""
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        memory = f"{int(meminfo.readline().split()[1]) / 1024**2:.1f} GB"
    with open("/proc/cpuinfo", encoding="ascii") as cpuinfo:
        cpu = next((ln.split(":")[1].strip() for ln in cpuinfo if ln.startswith("model name")), "")
    versions = {}
    for package in ("accsm-kg", "pyoxigraph", "rdflib", "pyshacl"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "missing"
    git = subprocess.run(
        ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "versions": versions,
        "git": git,
        "library": {
            "stores package": importlib.util.find_spec("accsm_kg.stores") is not None,
            "validate engine keyword": _has_engine_keyword(),
            "load average": os.getloadavg()[0],
        },
    }


def measure(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run every section asked for on one size."""
    folder = Path(args.folder)
    print(f"{size:,} triples", file=sys.stderr)
    path, info = data_file(folder, size, args.seed, args.faults)
    file, result = str(path), {"file": info}
    wait = args.timeout
    if "load" in args.only:
        result["load"] = {
            "ours": [spawn("load", "ours", file, timeout=wait) for _ in range(args.repeat)],
            "raw": [spawn("load", "raw", file, timeout=wait) for _ in range(args.repeat)],
        }
        if args.rdflib:
            result["load"]["rdflib"] = [spawn("load", "rdflib", file, timeout=wait)]
    if {"queries", "calls"} & set(args.only):
        options = {
            "repeat": args.repeat,
            "rdflib_timeout": args.rdflib_timeout,
            "calls": args.calls,
            "sections": args.only,
        }
        raw = spawn("queries", "raw", file, options, timeout=wait)
        options["examples"] = raw.get("examples")
        ours = spawn("queries", "ours", file, options, timeout=wait) if "examples" in raw else raw
        result["queries"] = {"raw": raw, "ours": ours}
        if args.rdflib and "queries" in args.only:
            result["queries"]["rdflib"] = spawn("queries", "rdflib", file, options, timeout=wait)
    if "validate" in args.only:
        result["validate"] = {"ours": spawn("validate", "ours", file, timeout=wait)}
        if _has_engine_keyword():
            result["validate"]["ours-pyshacl"] = spawn(
                "validate", "ours-pyshacl", file, timeout=wait
            )
        result["validate"]["pyshacl"] = spawn("validate", "pyshacl", file, timeout=wait)
    if "dump" in args.only:
        options = {"repeat": args.repeat, "folder": str(folder)}
        result["dump"] = {
            "ours": spawn("dump", "ours", file, options, timeout=wait),
            "raw": spawn("dump", "raw", file, options, timeout=wait),
        }
    return result


# -- the table ------------------------------------------------------------------------------


def _seconds(value: float | None) -> str:
    if value is None:
        return NONE
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _memory(kib: float | None) -> str:
    return (
        NONE
        if kib is None
        else f"{kib / 1024**2:.2f} GB"
        if kib > 1024**2
        else f"{kib / 1024:.0f} MB"
    )


def _ratio(ours: float | None, raw: float | None) -> float | None:
    return ours / raw if ours is not None and raw else None


def _verdict(value: float | None, ok: Callable[[float], bool]) -> str:
    return NONE if value is None else ("met" if ok(value) else "**not met**")


def _runs(results: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in results if key in r]
    return _median(values) if values else None


def _error(*results: Any) -> str:
    for result in results:
        if isinstance(result, dict) and "error" in result:
            return f" (error: {result['error']})"
        if isinstance(result, list):
            for item in result:
                if isinstance(item, dict) and "error" in item:
                    return f" (error: {item['error']})"
    return ""


Row = tuple[str, str, str, str, str, str, str, str]


def rows_for(size: int, result: dict[str, Any]) -> list[Row]:
    """Turn one size's measurements into table rows."""
    label = f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size / 1e3:g}k"
    rows: list[Row] = []

    def add(
        work: str, ours: str, raw: str, rdflib: str, ratio: float | None, target: str, verdict: str
    ) -> None:
        shown = NONE if ratio is None else f"{ratio:.2f}x"
        rows.append((label, work, ours, raw, rdflib, shown, target, verdict))

    if "load" in result:
        load = result["load"]
        ours, raw, rdf = (_runs(load.get(k, []), "seconds") for k in ("ours", "raw", "rdflib"))
        triples = result["file"]["triples"]
        speed = _ratio(raw, ours)  # ours' throughput over raw's

        def rate(t: float | None) -> str:
            return NONE if t is None else f"{_seconds(t)} ({triples / t / 1e3:,.0f} k/s)"

        add(
            "load" + _error(load["ours"], load["raw"]),
            rate(ours),
            rate(raw),
            rate(rdf),
            speed,
            "throughput ≥ 0.9x raw",
            _verdict(speed, lambda r: r >= 0.9),
        )
        peaks = [_runs(load.get(k, []), "peak_kib") for k in ("ours", "raw", "rdflib")]
        ratio = _ratio(peaks[0], peaks[1])
        add(
            "load, peak memory",
            _memory(peaks[0]),
            _memory(peaks[1]),
            _memory(peaks[2]),
            ratio,
            "≤ 1.2x raw",
            _verdict(ratio, lambda r: r <= 1.2),
        )
    if "dump" in result:
        ours, raw = result["dump"]["ours"], result["dump"]["raw"]
        for name in ("turtle", "nquads"):
            a = _median(ours[name]) if name in ours else None
            b = _median(raw[name]) if name in raw else None
            ratio = _ratio(a, b)
            add(
                f"dump to {'Turtle' if name == 'turtle' else 'N-Quads'}" + _error(ours, raw),
                _seconds(a),
                _seconds(b),
                NONE,
                ratio,
                "≤ 1.5x raw",
                _verdict(ratio, lambda r: r <= 1.5),
            )
        extra = [d["peak_kib"] - d["rss_before_kib"] for d in (ours, raw) if "peak_kib" in d]
        if len(extra) == 2:
            add(
                "dump, memory added",
                _memory(extra[0]),
                _memory(extra[1]),
                NONE,
                None,
                "bounded",
                NONE,
            )
    if "queries" in result:
        queries = result["queries"]
        ours, raw = queries.get("ours", {}), queries.get("raw", {})
        for key, work in (
            ("bound_call", "one bound value, warm call"),
            ("named_call", "named_query delegation-heads, bound"),
        ):
            a = _median(ours[key]) if key in ours else None
            b = _median(raw[key]) if key in raw else None
            ratio = _ratio(a, b)
            add(
                work + _error(ours, raw),
                _seconds(a),
                _seconds(b),
                NONE,
                ratio,
                "≤ 2x raw",
                _verdict(ratio, lambda r: r <= 2),
            )
        rdf = queries.get("rdflib", {})
        for name in sorted(raw.get("queries", {})):
            o, r = ours.get("queries", {}).get(name, {}), raw["queries"][name]
            f = rdf.get("queries", {}).get(name, {}) if isinstance(rdf, dict) else {}
            a = _median(o["seconds"]) if "seconds" in o else None
            b = _median(r["seconds"])
            c = (
                f"> {f['timeout']} s"
                if "timeout" in f
                else _seconds(_median(f["seconds"]) if "seconds" in f else None)
            )
            ratio = _ratio(a, b)
            ours_bound = _median(o["bound_seconds"]) if "bound_seconds" in o else None
            bound = f"; bound: {_seconds(ours_bound)}"
            raw_bound = f"; bound: {_seconds(_median(r['bound_seconds']))}"
            under = "" if size < 1_000_000 else (" (< 1 s)" if b < 1 else " (**≥ 1 s**)")
            add(
                f"`{name}`, {r['rows']:,} rows",
                _seconds(a) + bound,
                _seconds(b) + raw_bound + under,
                c,
                ratio,
                "≤ 1.2x raw",
                _verdict(ratio, lambda x: x <= 1.2),
            )
    if "validate" in result:
        validate = result["validate"]
        ours, alone = validate["ours"], validate.get("pyshacl", {})
        engine = validate.get("ours-pyshacl", {})
        speedup = _ratio(alone.get("seconds"), ours.get("seconds"))
        same = (
            (
                "same findings"
                if ours.get("findings") == alone.get("findings")
                else "**other findings**"
            )
            if "findings" in ours and "findings" in alone
            else NONE
        )
        quick = ours.get("seconds")
        met = _verdict(speedup, lambda r: r >= 8)
        if size >= 1_000_000 and quick is not None:
            met = f"{met}; {'< 15 s met' if quick < 15 else '< 15 s **not met**'}"
        add(
            "validate: `kg.validate()` vs pySHACL alone" + _error(ours, alone),
            f"{_seconds(quick)}, {_memory(ours.get('peak_kib'))}",
            f"pySHACL {_seconds(alone.get('seconds'))}, {_memory(alone.get('peak_kib'))}",
            NONE,
            None if speedup is None else 1 / speedup,
            f"≥ 8x faster{', < 15 s' if size >= 1_000_000 else ''}; {same}",
            met,
        )
        if engine:
            add(
                'validate: `kg.validate(engine="pyshacl")`' + _error(engine),
                _seconds(engine.get("seconds")),
                f"pySHACL {_seconds(alone.get('seconds'))}",
                NONE,
                _ratio(engine.get("seconds"), alone.get("seconds")),
                "the reference",
                NONE,
            )
    return rows


def table(rows: list[Row]) -> str:
    """Return the rows as a Markdown table."""
    head = ("size", "work", "accsm-kg", "raw pyoxigraph", "rdflib", "ours / raw", "target", "")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    """Read ``100k,1M`` as sizes."""
    from accsm_kg.synth import parse_count

    return [parse_count(part) for part in text.split(",") if part.strip()]


def main() -> None:
    """Measure, print the table, write the JSON."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](*json.loads(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="sizes, e.g. 100k,1M (default)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (3)")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument(
        "--folder",
        default=str(Path(tempfile.gettempdir()) / "accsm-kg-bench"),
        help="where the synthetic files are kept between runs",
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"sections to run, of {','.join(SECTIONS)} (all)"
    )
    parser.add_argument(
        "--no-rdflib",
        dest="rdflib",
        action="store_false",
        help="leave rdflib out (its load and queries are the slowest part)",
    )
    parser.add_argument(
        "--rdflib-timeout", type=float, default=20.0, help="seconds an rdflib query may run (20)"
    )
    parser.add_argument("--calls", type=int, default=1000, help="calls for the call costs (1000)")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the synthetic data (1)")
    parser.add_argument(
        "--faults",
        type=int,
        default=20,
        help="known violations in the data, for validation to find (20)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds one child process may run (3600)"
    )
    parser.add_argument(
        "--table", type=Path, nargs="+", help="print the table of earlier --json files, and stop"
    )
    args = parser.parse_args()
    if args.table:
        reports = [json.loads(path.read_text(encoding="utf-8")) for path in args.table]
        merged = {k: v for r in reports for k, v in r["sizes"].items()}
        seconds = sum(r.get("seconds", 0) for r in reports)
        print(render({**reports[0], "sizes": merged, "seconds": seconds}))
        return
    args.only = [s.strip() for s in args.only.split(",")]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; they are {', '.join(SECTIONS)}")
    Path(args.folder).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report: dict[str, Any] = {"machine": machine(), "arguments": arguments, "sizes": {}}
    for size in parse_sizes(args.sizes):
        report["sizes"][str(size)] = measure(size, args)
        report["seconds"] = time.perf_counter() - started
        if args.json:  # written after each size, so a long run leaves what it has
            args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(render(report))


def render(report: dict[str, Any]) -> str:
    """Return the machine, the software and the table of a report."""
    info = report["machine"]
    rows = [row for size, result in report["sizes"].items() for row in rows_for(int(size), result)]
    library = info["library"]
    return (
        f"{info['date']}; {info['nproc']} cores ({info['cpu']}), {info['memory']} of memory, "
        f"load average {library['load average']:.1f} at the start; Python {info['python']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f"; git {info['git']}; stores package: {'yes' if library['stores package'] else 'no'}"
        + f", kg.validate(engine=...): {'yes' if library['validate engine keyword'] else 'no'}"
        + f"; took {report.get('seconds', 0) / 60:.0f} min\n\n"
        + table(rows)
    )


if __name__ == "__main__":
    main()
