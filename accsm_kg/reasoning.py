"""OWL reasoning over the graph: consistency and class satisfiability with HermiT or Pellet.

A reasoner reads a *copy* of the graph, made for it by :func:`reasoning_copy`; the data are never
changed. The copy

- maps the datatypes outside the OWL 2 datatype map, which HermiT and Pellet refuse:
  ``xsd:date`` values and ranges become ``xsd:dateTime`` at midnight, other values
  (``xsd:gYear``...) plain strings;
- adds, for each term of another vocabulary that the graph uses, what that vocabulary says of it
  in OWL 2 DL terms, from the bundled copy (:func:`accsm_kg.resources.vocabulary_paths`): its
  kind (class, object, datatype or annotation property), its named superclasses and
  superproperties, inverses and disjoint classes, and domains and ranges that name a class;
- states that the individuals the project names (IRIs under ``https://w3id.org/accsm-kg/id/``)
  are all different things (``owl:AllDifferent``): the project gives each thing one IRI, and OWL
  does not assume it, so without this two values of a functional property would only make the
  reasoner conclude that they are one thing;
- leaves out ``owl:imports``, so that no reasoner reaches for the network.

HermiT and Pellet are the ones owlready2 ships, run with its Java (``owlready2.JAVA_EXE``).
HermiT runs through owlready2's ``sync_reasoner_hermit``. Pellet runs from owlready2's jars with
the OWL API loader, since the Jena loader owlready2 gives it needs a newer Java than 17; Pellet
also explains an inconsistency or an unsatisfiable class, which HermiT does not, so a failed
check is explained by Pellet whichever reasoner found it.

>>> from accsm_kg import load
>>> report = check(load().union())
>>> report.consistent, report.unsatisfiable
(True, ())
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Choice

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, NamespaceManager
from rdflib.term import Node

from . import display
from .errors import OptionError, ReasonerError
from .resources import (
    BASE_IRI,
    CONCEPT_BASE,
    ID_BASE,
    ONTOLOGY_IRI,
    VOCABULARIES,
    defining_vocabulary,
)

__all__ = [
    "REASONERS",
    "CheckReport",
    "Finding",
    "Inferences",
    "check",
    "import_module",
    "inference_description",
    "reasoning_copy",
]

Reasoner = Choice["hermit", "pellet"]
#: How long Pellet may take over one command before it is given up.
REASONER_SECONDS = 600
#: The reasoners :func:`check` can run.
REASONERS: tuple[Reasoner, ...] = ("hermit", "pellet")

#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4).
_XSD_NAMES = (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long "
    "int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float string "
    "normalizedString token language Name NCName NMTOKEN boolean hexBinary base64Binary anyURI "
    "dateTime dateTimeStamp"
)
OWL2_DATATYPES = frozenset(
    {URIRef(str(XSD) + name) for name in _XSD_NAMES.split(" ")}
    | {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational}
)

_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_CHARACTERISTICS = (
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
)
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})


@dataclass(frozen=True)
class Finding:
    """One thing a reasoner found wrong, in words, with the terms involved and its explanation.

    ``kind`` is ``"inconsistent"`` (the graph contradicts itself) or ``"unsatisfiable"`` (a class
    that can have no member); ``because`` holds the axioms of the reasoner's explanation, each
    in words with the labels of its terms.
    """

    kind: str
    message: str
    terms: tuple[URIRef, ...] = ()
    because: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  because {axiom}" for axiom in self.because]
        return "\n".join(lines)


@dataclass(frozen=True)
class Inferences:
    """What :meth:`~accsm_kg.KnowledgeGraph.reason` added: the graph it wrote, and figures."""

    graph: URIRef
    asserted: int
    added: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.added} inferred triples from {self.asserted} asserted, in <{self.graph}> "
            f"({self.seconds:.1f} s)"
        )

    def __repr__(self) -> str:
        """Show the figures on one line; the graph is in :meth:`__str__`."""
        return (
            f"<Inferences: {self.added:,} triples inferred from {self.asserted:,} asserted, "
            f"{self.seconds:.1f} s>"
        )


def inference_description(graph: URIRef, engine: str, added: int) -> Graph:
    """Return the description of a graph of OWL 2 RL inferences, as the graph's own statements.

    Like every graph of the project's, it says where its statements come from: the project
    infers them (``prov:wasAttributedTo``), at the confidence ``concept:confidence-inferred``.
    """
    described = Graph()
    project = URIRef(ID_BASE + "accsm-kg-project")
    described.add((graph, RDF.type, URIRef(ONTOLOGY_IRI + "#AssertionGraph")))
    described.add((graph, PROV.wasAttributedTo, project))
    described.add(
        (graph, URIRef(ONTOLOGY_IRI + "#confidence"), URIRef(CONCEPT_BASE + "confidence-inferred"))
    )
    text = (
        f"{added} statements that the OWL 2 RL rules infer from the ontology, its imported terms "
        f"and the data, computed by {engine} (accsm-kg reason)."
    )
    described.add((graph, DCTERMS.description, Literal(text, lang="en")))
    return described


@dataclass(frozen=True)
class CheckReport:
    """What a reasoner said of a graph: consistent or not, and the classes that cannot have members.

    ``mapped`` counts the literals and ranges of the reasoning copy whose datatype was mapped.
    """

    reasoner: str
    consistent: bool
    unsatisfiable: tuple[URIRef, ...]
    findings: tuple[Finding, ...]
    triples: int
    seconds: float
    mapped: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the graph is consistent and every class can have members."""
        return self.consistent and not self.unsatisfiable

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return (
                f"{self.reasoner}: consistent, every class satisfiable "
                f"({self.triples} triples, {self.seconds:.1f} s)"
            )
        head = f"{self.reasoner}: {len(self.findings)} finding(s)"
        return "\n".join([head, *(f"- {finding}" for finding in self.findings)])

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"{len(self.findings)} finding(s)"
        return f"<CheckReport {self.reasoner}: {state}>"

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON: the verdict, the findings and the figures."""
        return json.dumps(
            {
                "reasoner": self.reasoner,
                "consistent": self.consistent,
                "unsatisfiable": [str(c) for c in self.unsatisfiable],
                "findings": [
                    {
                        "kind": f.kind,
                        "message": f.message,
                        "terms": [str(t) for t in f.terms],
                        "because": list(f.because),
                    }
                    for f in self.findings
                ],
                "triples": self.triples,
                "seconds": round(self.seconds, 3),
                "mapped": dict(self.mapped),
            },
            ensure_ascii=False,
            indent=indent,
        )

    def _repr_html_(self) -> str:
        """Return the verdict and, if there are findings, a table of them with their reasons.

        Findings past :data:`accsm_kg.display.MAX_ROWS` are cut, with a count.
        """
        from html import escape

        if self.ok:
            return display.block(f"<p>{escape(str(self))}</p>")
        rows = [(f.kind, f.message, "\n".join(f.because)) for f in self.findings]
        return display.block(
            f"<p>{escape(self.reasoner)}: {len(self.findings)} finding(s)</p>",
            display.table(("kind", "finding", "because"), rows, noun="findings"),
        )


def _ours(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(BASE_IRI)


def _built_in(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_BUILT_IN)


def _mapped_literal(value: Literal, counts: dict[str, int]) -> Literal:
    datatype = value.datatype
    if datatype is None or datatype in OWL2_DATATYPES:
        return value
    counts[str(datatype)] = counts.get(str(datatype), 0) + 1
    day = _DAY.match(str(value)) if datatype == XSD.date else None
    if day is not None:
        return Literal(f"{day.group(1)}T00:00:00{day.group(2) or ''}", datatype=XSD.dateTime)
    return Literal(str(value), datatype=XSD.string)


#: An xsd:date, with its time zone if it has one.
_DAY = re.compile(r"^(-?\d{4,}-\d\d-\d\d)(Z|[+-]\d\d:\d\d)?$")


def _kind(term: URIRef, graph: Graph) -> URIRef | None:
    """Return the OWL 2 kind of a term of another vocabulary, from its vocabulary or its use."""
    said = set(defining_vocabulary(term).objects(term, RDF.type))
    for kind in _KINDS:
        if kind in said:
            return kind
    if said & {RDFS.Class}:
        return OWL.Class
    if term in _ANNOTATIONS:
        return None  # built in
    objects = list(graph.objects(None, term))
    if not objects and not said:
        return None
    if objects and all(isinstance(o, Literal) for o in objects):
        return OWL.DatatypeProperty
    if objects and not any(isinstance(o, Literal) for o in objects):
        return OWL.ObjectProperty
    return OWL.AnnotationProperty


def _property_kinds(copy: Graph, properties: set[URIRef]) -> dict[URIRef, URIRef]:
    """Give each property one OWL 2 kind, and drop the links between properties of two kinds.

    A property of another vocabulary that the graph never uses takes the kind of the property
    it is a superproperty of (``schema:attendee`` of ``accsm:participant``).
    """
    kinds: dict[URIRef, URIRef] = {}
    subs = {s for s in copy.subjects(RDFS.subPropertyOf) if isinstance(s, URIRef)}
    for term in sorted(properties | subs):
        declared = [k for k in _PROPERTY_KINDS if (term, RDF.type, k) in copy]
        kind = declared[0] if declared else _kind(term, copy)
        if kind is not None:
            kinds[term] = kind
    for sub, _, parent in sorted(copy.triples((None, RDFS.subPropertyOf, None))):
        if not isinstance(parent, URIRef) or not isinstance(sub, URIRef) or sub not in kinds:
            continue
        unused = not _ours(parent) and next(copy.objects(None, parent), None) is None
        if parent not in kinds or (unused and kinds[parent] == OWL.AnnotationProperty):
            kinds[parent] = kinds[sub]
        if kinds[parent] != kinds[sub]:
            copy.remove((sub, RDFS.subPropertyOf, parent))
    return kinds


def _used_terms(graph: Graph) -> tuple[set[URIRef], set[URIRef]]:
    """Return the classes and properties of other vocabularies that the graph's own statements use.

    Statements about those terms themselves (an import module, translated labels) do not count,
    so that a graph holding its import module asks for the same module.
    """
    classes: set[URIRef] = set()
    properties: set[URIRef] = set()

    def foreign(term: Node) -> bool:
        return isinstance(term, URIRef) and not _ours(term) and not _built_in(term)

    for s, p, o in graph:
        if foreign(s):
            continue
        if foreign(p):
            properties.add(p)  # type: ignore[arg-type]
        if p in (RDF.type, RDFS.subClassOf, OWL.disjointWith, OWL.equivalentClass, RDF.first):
            if foreign(o):
                classes.add(o)  # type: ignore[arg-type]
        elif p in (RDFS.domain, RDFS.range) and foreign(o) and o not in OWL2_DATATYPES:
            classes.add(o)  # type: ignore[arg-type]
        elif p in (RDFS.subPropertyOf, OWL.inverseOf, OWL.equivalentProperty) and foreign(o):
            properties.add(o)  # type: ignore[arg-type]
    return classes - OWL2_DATATYPES, properties


_KEPT_TYPES = frozenset({RDFS.Class, RDF.Property, *_KINDS, *_CHARACTERISTICS})


def import_module(graph: Graph) -> Graph:
    """Return what the other vocabularies say of the terms of theirs that ``graph`` uses.

    The triples are copied as they are from the bundled copy of each term's own vocabulary: its
    types, its named superclasses and superproperties (followed up to the top), and the
    inverses, disjoint classes, domains and ranges among those terms. ``ontology/imports.ttl``
    holds the module of the bundled ontology and data, so that SHACL, queries and reasoners see
    that a government agency is an ``org:Organization`` and so a ``foaf:Agent``.

    >>> from rdflib import Graph, URIRef
    >>> data = Graph().parse(data='''
    ...     @prefix org: <http://www.w3.org/ns/org#> .
    ...     <https://w3id.org/accsm-kg/id/x> a org:FormalOrganization .''')
    >>> sorted(o.n3() for o in import_module(data).objects(
    ...     URIRef("http://www.w3.org/ns/org#FormalOrganization"), RDFS.subClassOf))
    ['<http://www.w3.org/ns/org#Organization>', '<http://xmlns.com/foaf/0.1/Organization>']
    """
    classes, properties = _used_terms(graph)
    module = Graph()
    pending = [*classes, *properties]
    while pending:
        term = pending.pop()
        said = defining_vocabulary(term)
        for kind in said.objects(term, RDF.type):
            if kind in _KEPT_TYPES:
                module.add((term, RDF.type, kind))
        for link, group in ((RDFS.subClassOf, classes), (RDFS.subPropertyOf, properties)):
            for parent in said.objects(term, link):
                if isinstance(parent, URIRef) and not _built_in(parent):
                    module.add((term, link, parent))
                    if parent not in group:
                        group.add(parent)
                        pending.append(parent)
    terms = classes | properties
    for term in sorted(terms):
        said = defining_vocabulary(term)
        for link in (OWL.inverseOf, OWL.disjointWith):
            for other in said.objects(term, link):
                if other in terms:
                    module.add((term, link, other))
        if term in properties:
            for link in (RDFS.domain, RDFS.range):
                for value in said.objects(term, link):
                    if value in classes or (isinstance(value, URIRef) and _is_datatype(value)):
                        module.add((term, link, value))
    return module


def reasoning_copy(graph: Graph) -> tuple[Graph, dict[str, int]]:
    """Return the copy of ``graph`` a reasoner reads, and the count of mapped values per datatype.

    >>> from rdflib import Graph
    >>> data = Graph().parse(data='''
    ...     @prefix schema: <https://schema.org/> .
    ...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...     <https://w3id.org/accsm-kg/id/m> schema:startDate "2020-11-02"^^xsd:date .''')
    >>> copy, mapped = reasoning_copy(data)
    >>> mapped
    {'http://www.w3.org/2001/XMLSchema#date': 1}
    >>> sorted(str(o) for o in copy.objects(None, None) if "2020" in o)
    ['2020-11-02T00:00:00']
    """
    counts: dict[str, int] = {}
    copy = Graph()
    module = import_module(graph)
    for s, p, o in (*graph, *module):
        if p == OWL.imports or (p == RDF.type and o in (RDFS.Class, RDF.Property)):
            continue
        if isinstance(o, Literal):
            o = _mapped_literal(o, counts)
        elif p == RDFS.range and isinstance(o, URIRef) and _is_datatype(o):
            o = _mapped_datatype(o, counts)
            if o is None:
                continue
        copy.add((s, p, o))
    classes, properties = _used_terms(module + graph)
    classes |= {c for c in module.subjects(RDFS.subClassOf) if isinstance(c, URIRef)}
    for term in classes:
        if not _ours(term):
            copy.add((term, RDF.type, OWL.Class))
    properties |= {q for q in module.subjects(RDFS.subPropertyOf) if isinstance(q, URIRef)}
    kinds = _property_kinds(copy, properties)
    for term in properties:
        kind = kinds.get(term)
        if kind is None or _ours(term):
            continue
        for other in _PROPERTY_KINDS:
            if other != kind:
                copy.remove((term, RDF.type, other))
        copy.add((term, RDF.type, kind))
        if kind != OWL.ObjectProperty:
            for characteristic in _CHARACTERISTICS:
                if characteristic != OWL.FunctionalProperty or kind != OWL.DatatypeProperty:
                    copy.remove((term, RDF.type, characteristic))
            copy.remove((term, OWL.inverseOf, None))
        if kind == OWL.AnnotationProperty:
            copy.remove((term, RDFS.domain, None))
            copy.remove((term, RDFS.range, None))
        elif kind == OWL.ObjectProperty:
            for value in list(copy.objects(term, RDFS.range)):
                if isinstance(value, URIRef) and _is_datatype(value):
                    copy.remove((term, RDFS.range, value))
    named = sorted(
        {s for s in copy.subjects(RDF.type) if isinstance(s, URIRef) and str(s).startswith(ID_BASE)}
    )
    if len(named) > 1:
        members = BNode()
        Collection(copy, members, list(named))
        different = BNode()
        copy.add((different, RDF.type, OWL.AllDifferent))
        copy.add((different, OWL.distinctMembers, members))
    return copy, counts


def _is_datatype(term: URIRef) -> bool:
    return str(term).startswith(str(XSD)) or term in OWL2_DATATYPES or term == RDF.langString


def _mapped_datatype(datatype: URIRef, counts: dict[str, int]) -> URIRef | None:
    if datatype in OWL2_DATATYPES:
        return datatype
    counts[f"range {datatype}"] = counts.get(f"range {datatype}", 0) + 1
    return _RANGES.get(datatype)


#: What a range outside the OWL 2 datatype map becomes on the copy (others are dropped).
_RANGES = {XSD.date: XSD.dateTime, RDF.langString: RDF.PlainLiteral}


def _java() -> str:
    import owlready2

    java = str(owlready2.JAVA_EXE)
    if shutil.which(java) is None:
        raise ReasonerError(
            f"no Java found ({java!r}): HermiT and Pellet run on Java 11 or later; install it "
            "(on Debian: apt-get install default-jre-headless) or set owlready2.JAVA_EXE"
        )
    return java


def _pellet(command: str, path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    import owlready2.reasoning

    classpath = owlready2.reasoning._PELLET_CLASSPATH
    memory = f"-Xmx{owlready2.reasoning.JAVA_MEMORY}M"
    argv = [_java(), memory, "-cp", classpath, "pellet.Pellet", command]
    argv += ["--loader", "OWLAPIv3"] if command != "explain" else []
    argv += [*options, "--ignore-imports", str(path)]
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, check=False, timeout=REASONER_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise ReasonerError(f"Pellet gave no answer in {REASONER_SECONDS} s") from None


def _run_hermit(path: Path) -> tuple[bool, list[URIRef]]:
    import owlready2

    _java()
    world = owlready2.World()
    try:
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False, []
        except owlready2.OwlReadyJavaError as error:
            raise ReasonerError(f"HermiT failed: {_error_line(str(error))}") from None
        nothing = owlready2.Nothing
        unsatisfiable = [URIRef(c.iri) for c in world.inconsistent_classes() if c is not nothing]
        return True, sorted(unsatisfiable)
    finally:
        world.close()


def _error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [line for line in lines if "Exception" in line or "Error" in line]
    return (useful or lines or ["no message"])[0]


def _run_pellet(path: Path, names: _Names) -> tuple[bool, list[URIRef]]:
    done = _pellet("consistency", path)
    verdict = re.search(r"Consistent: (Yes|No)", done.stdout)
    if verdict is None:
        raise ReasonerError(f"Pellet failed: {_error_line(done.stderr or done.stdout)}")
    if verdict.group(1) == "No":
        return False, []
    done = _pellet("unsat", path)
    if "unsatisfiable" not in done.stdout:
        raise ReasonerError(f"Pellet failed: {_error_line(done.stderr or done.stdout)}")
    lines = done.stdout.splitlines()
    heads = [i for i, line in enumerate(lines) if re.match(r"Found \d+ unsatisfiable", line)]
    listed: list[str] = []
    for line in lines[heads[0] + 1 :] if heads else []:
        if not line.strip():
            break
        listed += line.split()
    terms = [names.term(re.split(r"[:#/]", name)[-1]) for name in listed]
    return True, sorted(t for t in terms if t is not None)


def check(graph: Graph, *, reasoner: Reasoner = "hermit", explain: bool = True) -> CheckReport:
    """Ask HermiT (or Pellet) whether ``graph`` is consistent and every class satisfiable.

    The reasoner reads :func:`reasoning_copy` of the graph. Each finding says what is wrong in
    words and, when ``explain`` is true, lists the axioms of Pellet's explanation. Raises
    :class:`ReasonerError` when the reasoner cannot run (no Java, or a Java error).

    >>> from rdflib import Graph
    >>> check(Graph(), reasoner="pellet").ok
    True
    """
    if reasoner not in REASONERS:
        raise OptionError(f"reasoner must be one of {', '.join(REASONERS)}, not {reasoner!r}")
    copy, mapped = reasoning_copy(graph)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="accsm-kg-reason-") as folder:
        path = Path(folder) / "copy.nt"
        copy.serialize(destination=path, format="nt", encoding="utf-8")
        # Pellet prints terms by their local names alone, which other terms may share (org: and
        # foaf:Organization): it reads a copy in which each term has a name of its own
        names = _Names(graph, copy)
        aliased = Path(folder) / "aliased.nt"
        names.aliased(copy).serialize(destination=aliased, format="nt", encoding="utf-8")
        if reasoner == "hermit":
            consistent, unsatisfiable = _run_hermit(path)
        else:
            consistent, unsatisfiable = _run_pellet(aliased, names)
        path = aliased
        findings: list[Finding] = []
        if not consistent:
            because = _explain(path, "--inconsistent") if explain else []
            involved = names.terms(a for a in because if not a.startswith(_NARY))
            about = [t for t in involved if str(t).startswith(ID_BASE)]
            message = "the graph contradicts itself"
            if about:
                message += " about " + ", ".join(names.name(t) for t in about)
            findings.append(
                Finding(
                    "inconsistent",
                    message,
                    tuple(involved),
                    _in_words(names, because),
                )
            )
        for cls in unsatisfiable:
            because = _explain(path, "--unsat", names.alias(cls)) if explain else []
            involved = names.terms(because)
            findings.append(
                Finding(
                    "unsatisfiable",
                    f"{names.name(cls)} can have no member: anything that were one would "
                    "contradict the ontology",
                    (cls, *(t for t in involved if t != cls)),
                    _in_words(names, because),
                )
            )
    return CheckReport(
        reasoner="HermiT" if reasoner == "hermit" else "Pellet",
        consistent=consistent,
        unsatisfiable=tuple(unsatisfiable),
        findings=tuple(findings),
        triples=len(copy),
        seconds=time.monotonic() - started,
        mapped=mapped,
    )


def _in_words(names: _Names, axioms: list[str]) -> tuple[str, ...]:
    return tuple(names.words(axiom, axioms[:i] + axioms[i + 1 :]) for i, axiom in enumerate(axioms))


def _explain(path: Path, *options: str) -> list[str]:
    """Return the axioms of Pellet's first explanation, one string each, as Pellet words them.

    Pellet writes an axiom on one line, and a class expression or an n-ary axiom over several,
    each further line indented deeper than the axiom's first.
    """
    done = _pellet("explain", path, *options)
    lines = done.stdout.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("Explanation"))
    except StopIteration:
        return []
    if "NOT ENTAILED" in lines[start]:
        return []
    axioms: list[str] = []
    column = None
    for line in lines[start + 1 :]:
        numbered = re.match(r"^(\s*)(\d+)\)", line)
        if numbered and axioms:
            break  # a second explanation: one is enough
        if numbered:
            line = " " * len(numbered.group(0)) + line[len(numbered.group(0)) :]
        text = line.strip()
        if not text:
            if axioms:
                break
            continue
        indent = len(line) - len(line.lstrip())
        if column is None:
            column = indent
        if indent > column and axioms:
            axioms[-1] += " " + text
        else:
            axioms.append(text)
    return axioms


_NAME = re.compile(r"[A-Za-z_][\w.-]*")


class _Names:
    """Words for the axioms of an explanation: names for Pellet's, with labels and prefixes."""

    def __init__(self, graph: Graph, copy: Graph) -> None:
        from .knowledge_graph import PREFIXES

        self.graph = graph
        self.namespaces = NamespaceManager(Graph(), bind_namespaces="none")
        for prefix, iri in PREFIXES.items():
            self.namespaces.bind(prefix, iri, override=True)
        terms = sorted({t for triple in copy for t in triple if isinstance(t, URIRef)})
        own = [t for t in terms if not _built_in(t)]
        # the local name is kept in front of the number: Pellet's explanations fail on some
        # copies whose names are numbers alone
        self.aliases = {term: f"{_local(term)}_t{i}" for i, term in enumerate(own)}
        self.back = {name: term for term, name in self.aliases.items()}

    def alias(self, term: URIRef) -> str:
        """Return the IRI that stands for ``term`` on the copy Pellet reads."""
        return _ALIAS_BASE + self.aliases[term]

    def aliased(self, copy: Graph) -> Graph:
        """Return ``copy`` with each term of its own renamed to a unique local name."""
        renamed = Graph()
        for triple in copy:
            s, p, o = (
                URIRef(self.alias(t)) if isinstance(t, URIRef) and t in self.aliases else t
                for t in triple
            )
            renamed.add((s, p, o))
        return renamed

    def label(self, term: URIRef) -> str | None:
        labels = [*self.graph.objects(term, RDFS.label), *self.graph.objects(term, SKOS.prefLabel)]
        english = [str(x) for x in labels if isinstance(x, Literal) and x.language == "en"]
        return english[0] if english else (str(labels[0]) if labels else None)

    def term(self, name: str) -> URIRef | None:
        """Return the term Pellet's ``name`` stands for (``None`` for Pellet's own words)."""
        return self.back.get(name)

    def short(self, term: URIRef) -> str:
        try:
            return self.namespaces.curie(str(term), generate=False)
        except (KeyError, ValueError):
            return f"<{term}>"

    def name(self, term: URIRef) -> str:
        label = self.label(term)
        return f"{label} ({self.short(term)})" if label else self.short(term)

    def terms(self, axioms: Iterable[str]) -> list[URIRef]:
        found: dict[URIRef, None] = {}
        for axiom in axioms:
            for word in _NAME.findall(axiom):
                term = self.term(word)
                if term is not None:
                    found.setdefault(term, None)
        return list(found)

    def words(self, axiom: str, others: Iterable[str] = ()) -> str:
        """Return one axiom of an explanation in words (``others``: the rest of the explanation)."""

        def named(word: str) -> str:
            term = self.term(word)
            return self.name(term) if term is not None else word

        parts = axiom.replace("(", " ( ").replace(")", " ) ").split()
        if parts and parts[0] in _NARY:
            members = [m for m in (self.term(w) for w in parts[2:-1]) if m is not None]
            involved = set(self.terms(others))
            wanted = [m for m in members if m in involved]
            shown = wanted if len(wanted) >= 2 else members
            rest = len(members) - len(shown)
            if parts[0] == "DisjointClasses":
                text = " and ".join(self.name(m) for m in shown) + " are disjoint"
                return text + (f" (with {rest} other classes)" if rest > 0 else "")
            text = " and ".join(self.name(m) for m in shown) + " are different things"
            return text + (f" (as are {rest} other individuals)" if rest > 0 else "")
        if parts and parts[0] in _CHARACTERISTIC_WORDS and len(parts) in (2, 4):
            return f"{named(parts[-2 if len(parts) == 4 else 1])} {_CHARACTERISTIC_WORDS[parts[0]]}"
        if len(parts) >= 3 and parts[1] in _VERB_WORDS:
            value = " ".join(named(part) for part in parts[2:])
            article = "an" if value[:1].lower() in "aeiou" else "a"
            return _VERB_WORDS[parts[1]].format(s=named(parts[0]), o=value, a=article)
        if len(parts) == 3:  # a property assertion
            subject, verb, value = parts
            return f"{named(subject)}, {named(verb)}: {named(value)}"
        return " ".join(named(part) for part in parts)


def _local(term: URIRef) -> str:
    name = re.sub(r"[^\w-]", "_", re.split(r"[/#]", str(term))[-1])
    return name if name[:1].isalpha() else f"x{name}"


_NARY = ("DisjointClasses", "DifferentIndividuals")
_ALIAS_BASE = "https://accsm-kg.invalid/term#"
_VERB_WORDS = {
    "type": "{s} is {a} {o}",
    "subClassOf": "every {s} is {a} {o}",
    "subPropertyOf": "whatever is {s} something is also {o} it",
    "domain": "whatever has a {s} is {a} {o}",
    "range": "every value of {s} is {a} {o}",
    "inverseOf": "{s} is the inverse of {o}",
    "disjointWith": "{s} and {o} are disjoint",
    "equivalentTo": "{s} is the same class as {o}",
    "sameAs": "{s} is the same as {o}",
    "differentFrom": "{s} is not {o}",
}
_CHARACTERISTIC_WORDS = {
    "Functional": "has at most one value",
    "InverseFunctional": "points to each value from at most one thing",
    "Asymmetric": "never holds both ways",
    "Irreflexive": "never points from a thing to itself",
    "Transitive": "is transitive",
    "Symmetric": "always holds both ways",
}


IMPORTS_IRI = ONTOLOGY_IRI + "/imports"


def imports_turtle(graph: Graph, *, modified: str) -> str:
    """Return ``ontology/imports.ttl``: the :func:`import_module` of ``graph``, with its header.

    The header names the vocabularies the triples were copied from (``prov:wasDerivedFrom``) and the
    day the module was made (``modified``, an ISO date).
    """
    from .knowledge_graph import PREFIXES

    module = import_module(graph)
    sources = sorted(
        {
            namespace
            for term in module.subjects()
            for namespace in VOCABULARIES
            if str(term).startswith(namespace)
        }
    )
    header = Graph()
    ontology = URIRef(IMPORTS_IRI)
    header.add((ontology, RDF.type, OWL.Ontology))
    header.add((ontology, DCTERMS.title, Literal("Terms accsm-kg imports", lang="en")))
    header.add((ontology, DCTERMS.title, Literal("ពាក្យដែល accsm-kg នាំចូល", lang="km")))
    header.add(
        (
            ontology,
            DCTERMS.description,
            Literal(
                "What the vocabularies accsm-kg reuses say of the terms of theirs it uses: their "
                "types, superclasses and superproperties, inverses, disjoint classes, domains and "
                "ranges, copied unchanged from the vocabularies it is derived from.",
                lang="en",
            ),
        )
    )
    header.add((ontology, DCTERMS.creator, URIRef(ID_BASE + "accsm-kg-project")))
    header.add((ontology, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    for source in sources:
        header.add((ontology, PROV.wasDerivedFrom, URIRef(source)))
    for prefix, iri in PREFIXES.items():
        header.bind(prefix, iri, override=True)
        module.bind(prefix, iri, override=True)
    comment = (
        "# What other vocabularies say of the terms of theirs that accsm-kg uses: every triple\n"
        "# below is copied unchanged from the bundled copy of its vocabulary (vocabularies/), so\n"
        "# that SHACL, queries and reasoners know that a government agency, an\n"
        "# org:FormalOrganization, is an org:Organization and so a foaf:Agent. Made by\n"
        "# accsm_kg.reasoning.imports_turtle; a test fails when it is out of date.\n\n"
    )
    body = module.serialize(format="turtle")
    head = header.serialize(format="turtle")
    prefixes = [line for line in body.splitlines() if line.startswith("@prefix")]
    head_lines = [line for line in head.splitlines() if not line.startswith("@prefix")]
    body_lines = [line for line in body.splitlines() if not line.startswith("@prefix")]
    used = sorted({*prefixes, *(x for x in head.splitlines() if x.startswith("@prefix"))})
    head_text = "\n".join(head_lines).strip()
    return f"{comment}{chr(10).join(used)}\n\n{head_text}\n\n{chr(10).join(body_lines).strip()}\n"
