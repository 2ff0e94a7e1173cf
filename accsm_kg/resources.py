"""Where the bundled Turtle, shapes and named queries are, and the IRIs of the graphs they fill.

This is the only module that builds paths to bundled files. In an installed wheel the Turtle of
``ontology/``, ``shapes/``, ``data/`` and ``vocabularies/`` (the offline catalog) lives under
``accsm_kg/_bundled/``; in a source checkout
(or an editable install) it is read from the top of the repository, so edits show at once.

>>> [p.name for p in ontology_paths()]
['accsm.ttl', 'imports.ttl', 'translations.ttl', 'vocabularies.ttl']
>>> str(graph_iri(ontology_paths()[0]))
'https://w3id.org/accsm-kg/graph/ontology/accsm'
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, URIRef

from .errors import AccsmKgError

__all__ = [
    "BASE_IRI",
    "DATASET_SUFFIXES",
    "GRAPH_BASE",
    "ID_BASE",
    "ONTOLOGY_IRI",
    "RDF_SUFFIXES",
    "VOCABULARIES",
    "VOCABULARY_ALIASES",
    "bundled_paths",
    "bundled_root",
    "check_path",
    "data_paths",
    "graph_iri",
    "ontology_paths",
    "query_paths",
    "shapes_paths",
    "vocabulary_path",
    "vocabulary_paths",
]

#: Everything the project names lives under this IRI.
BASE_IRI = "https://w3id.org/accsm-kg/"
#: The ontology's IRI; its terms are ``ONTOLOGY_IRI + "#Term"``.
ONTOLOGY_IRI = BASE_IRI + "ontology"
#: Individuals: bodies, meetings, persons, sources...
ID_BASE = BASE_IRI + "id/"
#: The SKOS concepts of the controlled vocabularies (ontology/vocabularies.ttl) live under this IRI.
CONCEPT_BASE = BASE_IRI + "concept/"
#: Each bundled Turtle file is loaded into the named graph ``GRAPH_BASE + its path without
#: suffix``; the TriG files of ``data/`` fill the assertion graphs they name, under the same base.
GRAPH_BASE = BASE_IRI + "graph/"
#: Named graphs under this IRI hold a reasoner's inferences (``kg.reason()``), kept apart from
#: what is asserted: queries may leave them out, releases put them in a file of their own.
INFERRED_GRAPH_BASE = GRAPH_BASE + "inferred"
#: File suffixes read as RDF, with the rdflib parser for each.
RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt"}
#: Files of a whole dataset (named graphs and all), read when given by name, as dumps write them.
DATASET_SUFFIXES = {".nq": "nquads", ".trig": "trig"}
#: The offline catalog: the IRI of each vocabulary we ship a copy of, and its file in
#: ``vocabularies/``. ``owl:imports`` of these IRIs is read from the copy, never fetched.
VOCABULARIES = {
    "http://purl.org/dc/terms/": "dcterms.ttl",
    "http://purl.org/dc/elements/1.1/": "dcelements.ttl",
    "http://purl.org/dc/dcmitype/": "dcmitype.ttl",
    "http://purl.org/dc/dcam/": "dcam.ttl",
    "http://www.w3.org/ns/shacl#": "shacl.ttl",
    "http://www.w3.org/ns/org#": "org.ttl",
    "http://www.w3.org/ns/prov#": "prov.ttl",
    "http://www.w3.org/2004/02/skos/core#": "skos.ttl",
    "http://xmlns.com/foaf/0.1/": "foaf.ttl",
    "https://schema.org/": "schema.ttl",
    "http://www.w3.org/2006/time#": "time.ttl",
    "http://purl.org/vocab/vann/": "vann.ttl",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf.ttl",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs.ttl",
    "http://www.w3.org/2002/07/owl#": "owl.ttl",
}
#: Other IRIs of ontologies the catalogued files hold: each one a file declares as an
#: ``owl:Ontology``, ``owl:versionIRI`` or the ``prov:specializationOf`` of one. The PROV
#: namespace document holds PROV-O and its companion ontologies; it names the PROV-O inverses
#: ``https://www.w3.org/ns/prov#``, a specialisation of ``http://www.w3.org/ns/prov-o-inverses``,
#: which it imports.
VOCABULARY_ALIASES = {
    "http://www.w3.org/ns/prov-20130430": "prov.ttl",
    "http://www.w3.org/ns/prov-o#": "prov.ttl",
    "http://www.w3.org/ns/prov-o-20130430": "prov.ttl",
    "https://www.w3.org/ns/prov#": "prov.ttl",
    "http://www.w3.org/ns/prov-o-inverses#": "prov.ttl",
    "http://www.w3.org/ns/prov-o-inverses-20130430": "prov.ttl",
    "http://www.w3.org/ns/prov-aq#": "prov.ttl",
    "http://www.w3.org/TR/2013/NOTE-prov-aq-20130430/": "prov.ttl",
    "http://www.w3.org/ns/prov-dc#": "prov.ttl",
    "http://www.w3.org/ns/prov-dictionary#": "prov.ttl",
    "http://www.w3.org/ns/prov-links#": "prov.ttl",
    "http://www.w3.org/ns/prov-links-20130430": "prov.ttl",
    "http://www.w3.org/2006/time#2016": "time.ttl",
}


@cache
def bundled_root() -> Path:
    """Return the folder holding ``ontology/``, ``shapes/`` and ``data/``."""
    packaged = Path(str(files("accsm_kg"))) / "_bundled"
    if (packaged / "ontology").is_dir():
        return packaged
    # A source checkout or an editable install: the Turtle sits next to the package.
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise AccsmKgError(
        "the bundled ontology was not found: reinstall accsm-kg "
        "(pip install --force-reinstall accsm-kg)"
    )


def _rdf_files(folder: str, suffixes: Iterable[str] = RDF_SUFFIXES) -> list[Path]:
    root = bundled_root() / folder
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file())


def ontology_paths() -> list[Path]:
    """Return the ontology's Turtle files (classes and properties, SKOS vocabularies)."""
    return _rdf_files("ontology")


def shapes_paths() -> list[Path]:
    """Return the SHACL shapes files."""
    return _rdf_files("shapes")


def data_paths() -> list[Path]:
    """Return the data files: TriG, one per topic, each statement in the graph of its source."""
    return _rdf_files("data", [*RDF_SUFFIXES, ".trig"])


def bundled_paths() -> list[Path]:
    """Return what :func:`accsm_kg.load` loads by default: the ontology, then the data."""
    return ontology_paths() + data_paths()


def query_paths() -> list[Path]:
    """Return the named competency queries (``.rq`` files shipped in the package)."""
    return sorted(Path(str(files("accsm_kg") / "queries")).glob("*.rq"))


def check_path(name: str) -> Path:
    """Return the SPARQL file of a data check shipped in the package (``checks/NAME.rq``)."""
    return Path(str(files("accsm_kg") / "checks" / f"{name}.rq"))


def vocabulary_paths() -> list[Path]:
    """Return the vocabularies of the offline catalog (``vocabularies/*.ttl``)."""
    return _rdf_files("vocabularies")


def vocabulary_path(iri: str) -> Path | None:
    """Return the local copy of the vocabulary ``iri``, or ``None`` if the catalog has none.

    The IRI may be written with or without its final ``/`` or ``#``.

    >>> vocabulary_path("http://purl.org/dc/terms").name
    'dcterms.ttl'
    >>> vocabulary_path("http://example.org/unknown") is None
    True
    """
    for known, name in (VOCABULARIES | VOCABULARY_ALIASES).items():
        if iri in (known, known.rstrip("/#")):
            return bundled_root() / "vocabularies" / name
    return None


@cache
def _parsed_vocabulary(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def defining_vocabulary(term: str) -> Graph:
    """Return the bundled copy of the vocabulary that defines ``term`` (empty if there is none).

    The copy is parsed once and shared: do not change it.

    >>> from rdflib import RDFS
    >>> str(defining_vocabulary(str(RDFS.label)).value(RDFS.label, RDFS.label))
    'label'
    """
    namespaces = [n for n in VOCABULARIES if str(term).startswith(n)]
    path = vocabulary_path(max(namespaces, key=len)) if namespaces else None
    return Graph() if path is None else _parsed_vocabulary(path)


def graph_iri(path: Path) -> URIRef:
    """Return the IRI of the named graph a file is loaded into.

    Bundled files get a stable IRI under :data:`GRAPH_BASE`; other files their ``file:`` IRI.
    """
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(bundled_root().resolve())
    except ValueError:
        return URIRef(resolved.as_uri())
    if relative.parts and relative.parts[0] in ("ontology", "shapes", "data", "vocabularies"):
        return URIRef(GRAPH_BASE + relative.with_suffix("").as_posix())
    return URIRef(resolved.as_uri())
