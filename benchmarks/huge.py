"""Stream a huge Turtle file into an on-disk Oxigraph store; print the time and the peak memory.

Run: python benchmarks/huge.py [--size 1GB] [--folder DIR] [--keep]

The file is generated to disk as it is written (never held whole in memory): persons, posts,
memberships and meetings in the shape of the bundled data, with English and Khmer labels. It is
then loaded with ``KnowledgeGraph.add``, which has Oxigraph parse it straight from disk into
the store. Peak RSS comes from ``resource.getrusage`` and is printed, not
asserted: compare it with the file size to see that the file was not read into Python.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import accsm_kg

_UNITS = {"KB": 2**10, "MB": 2**20, "GB": 2**30, "B": 1}
_PREFIXES = """@prefix kg: <https://w3id.org/accsm-kg/id/> .
@prefix accsm: <https://w3id.org/accsm-kg/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""


def parse_size(text: str) -> int:
    """Return a size such as ``1GB`` or ``500MB`` in bytes."""
    text = text.strip().upper()
    for unit, factor in _UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def _block(i: int) -> str:
    return (
        f"kg:person-{i} a foaf:Person ;\n"
        f'    foaf:name "Person {i}"@en, "បុគ្គល {i}"@km ;\n'
        f"    org:holds kg:post-{i} .\n"
        f"kg:post-{i} a org:Post ;\n"
        f'    rdfs:label "Post {i} of the Ministry of Civil Service"@en ;\n'
        f"    org:postIn kg:agency-{i % 1000} .\n"
        f"kg:meeting-{i} a accsm:Meeting ;\n"
        f'    rdfs:label "Meeting {i}"@en ;\n'
        f'    schema:startDate "{2000 + i % 25}-{1 + i % 12:02d}-{1 + i % 28:02d}"^^xsd:date ;\n'
        f"    accsm:delegationSize {1 + i % 40} ;\n"
        '    schema:organizer [ a org:Organization ; rdfs:label "Host"@en ] .\n\n'
    )


def generate(path: Path, size: int) -> int:
    """Write about ``size`` bytes of Turtle to ``path``, streaming; return the triples written."""
    triples = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(_PREFIXES)
        written = len(_PREFIXES)
        i = 0
        chunk: list[str] = []
        while written < size:
            block = _block(i)
            chunk.append(block)
            written += len(block.encode("utf-8"))
            triples += 14
            i += 1
            if len(chunk) == 1000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return triples


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB else


def main() -> None:
    """Generate, load and measure; print one line per step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1GB", help="size of the generated file (1GB, 5MB)")
    parser.add_argument("--folder", type=Path, default=None, help="where to work (a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the file and the store")
    args = parser.parse_args()
    size = parse_size(args.size)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="accsm-kg-huge-"))
    data = folder / "huge.ttl"
    store = folder / "huge.oxigraph"

    start = time.perf_counter()
    written = generate(data, size)
    generated = time.perf_counter() - start
    megabytes = data.stat().st_size / 2**20
    print(f"generated {megabytes:,.1f} MB, {written:,} triples in {generated:.1f} s")
    rss_before = _peak_rss_mb()

    start = time.perf_counter()
    kg = accsm_kg.load(include_bundled=False, store="oxigraph", path=store)
    kg.add(data)
    loaded = time.perf_counter() - start
    count = len(kg)
    kg.close()
    peak = _peak_rss_mb()
    print(f"{count:,} triples loaded in {loaded:.1f} s ({count / loaded:,.0f} triples/s)")
    print(
        f"peak RSS {peak:,.0f} MB (before loading {rss_before:,.0f} MB); "
        f"file {megabytes:,.0f} MB; ratio peak/file {peak / max(megabytes, 1e-9):.2f}"
    )
    if not args.keep:
        data.unlink()
        shutil.rmtree(store, ignore_errors=True)
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
