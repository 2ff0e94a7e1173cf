"""A quality report on the ontology and the data, in the spirit of ROBOT's ``report``.

Each rule is a SPARQL file, ``accsm_kg/checks/quality/RULE.rq``, headed by its level (ERROR,
WARN or INFO), what it finds, how to fix it and the message of a finding. A few rules then look
third-party terms up in the bundled copies of their vocabularies (``vocabularies/*.ttl``). The
rules read the union of the graphs, but for graphs of reasoner output (``.../graph/inferred``)
and of imported vocabularies (``.../graph/vocabularies/``): where the store holds such graphs,
each query is given the others as its dataset (``FROM`` and ``FROM NAMED``).

>>> from accsm_kg import load
>>> report = quality_report(load())
>>> {finding.level for finding in report} <= set(LEVELS)
True
>>> [figure.kind for figure in report.figures][:2]
['class', 'property']
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import OWL, RDF, RDFS, NamespaceManager
from rdflib.term import Node

from . import display
from .errors import AccsmKgError
from .loading import OX_FORMATS, syntax_error
from .resources import (
    BASE_IRI,
    GRAPH_BASE,
    RDF_SUFFIXES,
    VOCABULARIES,
    VOCABULARY_ALIASES,
    check_path,
    vocabulary_path,
)
from .results import Rows, _json_term
from .terms import curie

if TYPE_CHECKING:
    import pandas as pd

    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "LEVELS",
    "RULES",
    "Finding",
    "LabelCoverage",
    "Level",
    "QualityReport",
    "Rule",
    "quality_report",
    "quality_rules",
]

#: How serious a finding is: ERROR is wrong (CI fails on it), WARN should be fixed, INFO is news.
Level = Literal["ERROR", "WARN", "INFO"]
#: The levels, most serious first.
LEVELS: tuple[Level, ...] = get_args(Level)

#: The rules, each a file ``checks/quality/NAME.rq``.
RULES: tuple[str, ...] = (
    "dangling-reference",
    "deprecated-term",
    "duplicate-label",
    "invalid-value",
    "missing-definition",
    "missing-individual-khmer-label",
    "missing-individual-label",
    "missing-khmer-label",
    "missing-label",
    "missing-type",
    "multiple-labels",
    "multiple-pref-labels",
    "outside-domain",
    "outside-range",
    "redeclared-term",
    "third-party-axiom",
    "third-party-label",
    "undeclared-class",
    "undeclared-property",
    "undeclared-type",
    "unknown-vocabulary",
)
_COVERAGE = "label-coverage"
_KINDS = ("class", "property", "concept", "concept scheme", "individual")
_COLUMNS = ("level", "rule", "subject", "property", "value", "message")


@dataclass(frozen=True)
class Rule:
    """One rule of the report, as the header of its SPARQL file gives it.

    :param message: the message of a finding, with ``{column}`` for the values of a row.
    """

    name: str
    level: Level
    finds: str
    fix: str
    message: str
    sparql: str = field(repr=False)


_HEADER = re.compile(r"#\s*(Rule|Figure|Level|Finds|Fix|Message):\s*(.*)")


def _read_rule(name: str) -> Rule:
    path = check_path(f"quality/{name}")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _HEADER.match(line):
            current = match.group(1)
            fields[current] = match.group(2).strip()
        elif current is not None:
            fields[current] += " " + line.lstrip("#").strip()
    level = fields.get("Level")
    if fields.get("Rule", fields.get("Figure")) != name or level not in LEVELS:
        raise AccsmKgError(f"{path}: the header names no rule {name!r} with a level {LEVELS}")
    return Rule(
        name=name,
        level=level,
        finds=fields.get("Finds", ""),
        fix=fields.get("Fix", ""),
        message=fields.get("Message", ""),
        sparql=text,
    )


@cache
def quality_rules() -> dict[str, Rule]:
    """Return the rules of the quality report by name, read from their SPARQL files.

    >>> rule = quality_rules()["missing-label"]
    >>> rule.level, rule.fix.startswith("add the English label")
    ('ERROR', True)
    """
    return {name: _read_rule(name) for name in RULES}


@dataclass(frozen=True)
class Finding:
    """One problem found: which rule at which level, on what, and what to do about it.

    :param subject: the term or thing the finding is about.
    :param property: the property of the statement at fault, where there is one.
    :param value: the value of that statement, where there is one.
    """

    level: Level
    rule: str
    subject: Node
    property: URIRef | None
    value: Node | None
    message: str


@dataclass(frozen=True)
class LabelCoverage:
    """How many terms of one kind there are, and how many have a label in English and Khmer.

    >>> LabelCoverage("individual", 8, 8, 6).khmer_percent
    75.0
    """

    kind: str
    total: int
    english: int
    khmer: int

    @property
    def english_percent(self) -> float:
        """The share with an English label, in percent, to one decimal."""
        return _percent(self.english, self.total)

    @property
    def khmer_percent(self) -> float:
        """The share with a Khmer label, in percent, to one decimal."""
        return _percent(self.khmer, self.total)


def _percent(part: int, total: int) -> float:
    return round(100 * part / total, 1) if total else 0.0


@dataclass(frozen=True)
class QualityReport:
    """The outcome of :func:`quality_report`: the findings, most serious first, and figures.

    ``figures`` give the label coverage of each kind of term; ``errors`` are the findings of
    level ERROR, the ones that must be fixed.

    >>> from rdflib.namespace import RDFS
    >>> finding = Finding("ERROR", "missing-label", URIRef("urn:x:A"), RDFS.label, None,
    ...                   "the class <urn:x:A> has no English label")
    >>> report = QualityReport((finding,), (LabelCoverage("class", 1, 0, 0),))
    >>> report, len(report), report.errors == (finding,)
    (<QualityReport: 1 error>, 1, True)
    """

    findings: tuple[Finding, ...]
    figures: tuple[LabelCoverage, ...] = ()
    namespaces: NamespaceManager | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of level ERROR."""
        return tuple(f for f in self.findings if f.level == "ERROR")

    def count(self, level: Level) -> int:
        """Return how many findings are of ``level``.

        >>> QualityReport(()).count("ERROR")
        0
        """
        return sum(1 for f in self.findings if f.level == level)

    def __len__(self) -> int:
        """Return the number of findings."""
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        """Iterate over the findings."""
        return iter(self.findings)

    def _summary(self) -> str:
        names = {"ERROR": "error", "WARN": "warning", "INFO": "info"}
        parts = []
        for level in LEVELS:
            if n := self.count(level):
                parts.append(f"{n} {names[level]}{'s' if n != 1 else ''}")
        return ", ".join(parts) or "no findings"

    def __repr__(self) -> str:
        """Show how many findings there are of each level."""
        return f"<QualityReport: {self._summary()}>"

    def _text(self, node: Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            return curie(node, self.namespaces)
        return node.n3(self.namespaces)

    def _cells(self, finding: Finding) -> list[str]:
        return [
            finding.level,
            finding.rule,
            self._text(finding.subject),
            self._text(finding.property),
            self._text(finding.value),
            finding.message,
        ]

    def _rows(self) -> Rows:
        """Return the findings as :class:`Rows` of text, for the table renderers of results."""
        return Rows(
            _COLUMNS,
            [[RdfLiteral(cell) if cell else None for cell in self._cells(f)] for f in self],
        )

    def to_text(self, *, limit: int | None = None) -> str:
        """Return the report to read: findings grouped by level and rule, with counts and fixes.

        ``limit`` shows at most that many findings of each rule. The label coverage follows.

        >>> finding = Finding("WARN", "missing-type", URIRef("urn:x:a"), None, None,
        ...                   "<urn:x:a> has no rdf:type")
        >>> print(QualityReport((finding,)).to_text())  # doctest: +ELLIPSIS
        Quality report: 1 warning
        <BLANKLINE>
        WARN missing-type (1)
          fix: give it its class ...
          - <urn:x:a> has no rdf:type
        """
        rules = quality_rules()
        lines = [f"Quality report: {self._summary()}"]
        groups: dict[tuple[Level, str], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault((finding.level, finding.rule), []).append(finding)
        for (level, name), found in groups.items():
            lines += ["", f"{level} {name} ({len(found)})"]
            if name in rules:
                lines.append(f"  fix: {rules[name].fix}")
            lines += [f"  - {f.message}" for f in found[:limit]]
            if limit is not None and len(found) > limit:
                lines.append(f"  ... and {len(found) - limit} more")
        if self.figures:
            lines += ["", "Label coverage", self._coverage_rows().to_table()]
        return "\n".join(lines)

    def __str__(self) -> str:
        """Return :meth:`to_text`."""
        return self.to_text()

    def _coverage_rows(self) -> Rows:
        return Rows(
            ["kind", "total", "en", "km"],
            [
                [
                    RdfLiteral(c.kind),
                    RdfLiteral(str(c.total)),
                    RdfLiteral(f"{c.english} ({c.english_percent:.1f}%)"),
                    RdfLiteral(f"{c.khmer} ({c.khmer_percent:.1f}%)"),
                ]
                for c in self.figures
            ],
        )

    def to_table(self) -> str:
        """Return the findings as a plain-text table, IRIs shortened with the known prefixes.

        >>> print(QualityReport(()).to_table())
        level  rule  subject  property  value  message
        -----  ----  -------  --------  -----  -------
        """
        return self._rows().to_table()

    def to_tsv(self) -> str:
        r"""Return the findings as tab-separated values, one line each after a header line.

        Tabs, line breaks and backslashes within a cell are written ``\t``, ``\n``, ``\\``.

        >>> finding = Finding("INFO", "missing-individual-khmer-label", URIRef("urn:x:a"),
        ...                   None, None, "no\tKhmer")
        >>> print(QualityReport((finding,)).to_tsv(), end="")  # doctest: +NORMALIZE_WHITESPACE
        level rule subject property value message
        INFO missing-individual-khmer-label <urn:x:a> no\tKhmer
        """
        lines = ["\t".join(_COLUMNS)]
        lines += ["\t".join(_tsv_cell(cell) for cell in self._cells(f)) for f in self]
        return "\n".join(lines) + "\n"

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the findings and figures as JSON; terms as in SPARQL JSON results.

        >>> document = json.loads(QualityReport((), (LabelCoverage("class", 4, 4, 3),)).to_json())
        >>> document["figures"]["label_coverage"][0]["km_percent"]
        75.0
        """
        document = {
            "counts": {level: self.count(level) for level in LEVELS},
            "findings": [
                {
                    "level": f.level,
                    "rule": f.rule,
                    "subject": _json_term(f.subject),
                    "property": None if f.property is None else _json_term(f.property),
                    "value": None if f.value is None else _json_term(f.value),
                    "message": f.message,
                }
                for f in self
            ],
            "figures": {
                "label_coverage": [
                    {
                        "kind": c.kind,
                        "total": c.total,
                        "en": c.english,
                        "km": c.khmer,
                        "en_percent": c.english_percent,
                        "km_percent": c.khmer_percent,
                    }
                    for c in self.figures
                ]
            },
        }
        return json.dumps(document, ensure_ascii=False, indent=indent)

    def to_dataframe(self) -> pd.DataFrame:
        """Return the findings as a DataFrame of text, one row each, IRIs shortened.

        >>> list(QualityReport(()).to_dataframe().columns)
        ['level', 'rule', 'subject', 'property', 'value', 'message']
        """
        import pandas as pd

        rows = [[cell or None for cell in self._cells(f)] for f in self]
        return pd.DataFrame(rows, columns=list(_COLUMNS)).astype("string")

    def _repr_html_(self) -> str:
        """Return the summary, the findings and the label coverage as HTML.

        Findings past :data:`accsm_kg.display.MAX_ROWS` are cut, with a count; a value with a
        language tag carries it as the cell's ``lang``.
        """
        parts = [f"<p>Quality report: {html.escape(self._summary())}</p>"]
        if self.findings:
            most = display.MAX_ROWS
            shown = self.findings if most is None else self.findings[:most]
            cells = [self._html_cells(f) for f in shown]
            parts.append(display.table(_COLUMNS, cells, total=len(self), noun="findings"))
        if self.figures:
            coverage = self._coverage_rows()
            parts += ["<p>Label coverage</p>", display.table(coverage.variables, coverage)]
        return display.block(*parts)

    def _html_cells(self, finding: Finding) -> list[display.CellValue]:
        cells: list[display.CellValue] = [cell or None for cell in self._cells(finding)]
        if isinstance(finding.value, RdfLiteral) and finding.value.language:
            cells[_COLUMNS.index("value")] = display.Cell(
                self._text(finding.value), finding.value.language
            )
        return cells


def _tsv_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# -- the bundled vocabularies -------------------------------------------------------------------

_RDF_TYPE = str(RDF.type)
_RDFS_SUBCLASS_OF = str(RDFS.subClassOf)
_SCHEMA_SUPERSEDED_BY = "https://schema.org/supersededBy"
#: Statements with a literal that deprecate their subject: OWL's, and FOAF's term status.
_DEPRECATING = {
    (str(OWL.deprecated), "true"),
    (str(OWL.deprecated), "1"),
    ("http://www.w3.org/2003/06/sw-vocab-status/ns#term_status", "archaic"),
}
_CLASS_TYPES = {str(RDFS.Class), str(OWL.Class), str(RDFS.Datatype), str(OWL.DeprecatedClass)}
_DEPRECATED_TYPES = {str(OWL.DeprecatedClass), str(OWL.DeprecatedProperty)}
_PROPERTY_AXIOMS = {str(RDFS.subPropertyOf), str(RDFS.domain), str(RDFS.range)}
_META_NAMESPACES = (str(RDF), str(RDFS), str(OWL))
_MEMBERSHIP = re.compile(re.escape(str(RDF)) + r"_[1-9][0-9]*")
#: What declares a term, as opposed to saying what it means.
_DECLARATIONS = {
    OWL.Class, RDFS.Class, RDFS.Datatype, OWL.ObjectProperty, OWL.DatatypeProperty,
    OWL.AnnotationProperty, RDF.Property, OWL.NamedIndividual,
}  # fmt: skip


@dataclass(frozen=True)
class _Vocabulary:
    """The bundled copy of a vocabulary: the IRIs of the terms it defines, and its statements.

    ``statements`` holds the statements whose subject and object are IRIs.
    """

    name: str
    classes: frozenset[str]
    properties: frozenset[str]
    deprecated: frozenset[str]
    superclasses: Mapping[str, tuple[str, ...]]
    statements: frozenset[tuple[str, str, str]]

    def states(self, subject: Node | None, predicate: Node | None, value: Node | None) -> bool:
        """Whether the vocabulary states this statement (of IRIs)."""
        return (str(subject), str(predicate), str(value)) in self.statements


def _vocabulary(path: Path) -> _Vocabulary:
    stat = path.stat()
    return _read_vocabulary(path, (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=32)
def _read_vocabulary(path: Path, stamp: tuple[int, int]) -> _Vocabulary:
    """Read a vocabulary once while its file stays the same.

    Oxigraph reads it straight into sets of IRIs, three times as fast as into an rdflib graph.
    """
    classes: set[str] = set()
    properties: set[str] = set()
    deprecated: set[str] = set()
    superclasses: dict[str, list[str]] = {}
    statements: set[tuple[str, str, str]] = set()
    try:
        quads = list(ox.parse(path=str(path), format=OX_FORMATS[RDF_SUFFIXES[path.suffix]]))
    except SyntaxError as error:
        raise syntax_error(path, error) from None
    for quad in quads:
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        subject, predicate, value = quad.subject.value, quad.predicate.value, quad.object
        if predicate == _RDFS_SUBCLASS_OF:
            classes.add(subject)
        elif predicate in _PROPERTY_AXIOMS:
            properties.add(subject)
        if isinstance(value, ox.Literal):
            if (predicate, value.value) in _DEPRECATING:
                deprecated.add(subject)
            continue
        if not isinstance(value, ox.NamedNode):
            continue
        statements.add((subject, predicate, value.value))
        if predicate == _RDF_TYPE:
            if value.value in _CLASS_TYPES:
                classes.add(subject)
            if value.value.startswith(_META_NAMESPACES) and value.value.endswith("Property"):
                properties.add(subject)
            if value.value in _DEPRECATED_TYPES:
                deprecated.add(subject)
        elif predicate == _RDFS_SUBCLASS_OF:
            superclasses.setdefault(subject, []).append(value.value)
        elif predicate == _SCHEMA_SUPERSEDED_BY:
            deprecated.add(subject)
    return _Vocabulary(
        path.name,
        frozenset(classes),
        frozenset(properties),
        frozenset(deprecated),
        {cls: tuple(parents) for cls, parents in superclasses.items()},
        frozenset(statements),
    )


@cache
def _catalog() -> tuple[tuple[str, Path], ...]:
    """Return each catalogued namespace with its file, longest namespace first."""
    found = []
    for namespace in VOCABULARIES | VOCABULARY_ALIASES:
        path = vocabulary_path(namespace)
        if namespace.endswith(("/", "#")) and path is not None:
            found.append((namespace, path))
    return tuple(sorted(found, key=lambda item: -len(item[0])))


def _vocabulary_of(term: Node | None) -> _Vocabulary | None:
    """Return the bundled vocabulary of a third-party term, or None if none is bundled."""
    if isinstance(term, URIRef) and not term.startswith(BASE_IRI):
        for namespace, path in _catalog():
            if term.startswith(namespace):
                return _vocabulary(path)
    return None


def _is_property_of(term: Node | None, vocabulary: _Vocabulary) -> bool:
    return str(term) in vocabulary.properties or bool(_MEMBERSHIP.fullmatch(str(term)))


class _Hierarchy:
    """The superclasses of classes, through the subclass axioms of the bundled vocabularies."""

    def __init__(self) -> None:
        self._seen: dict[Node, frozenset[str]] = {}

    def ancestors(self, cls: Node) -> frozenset[str]:
        """Return the IRI of ``cls`` and of every class it is a subclass of in a vocabulary."""
        if cls not in self._seen:
            found, todo = {str(cls)}, [str(cls)]
            while todo:
                current = todo.pop()
                vocabulary = _vocabulary_of(URIRef(current))
                if vocabulary is None:
                    continue
                for parent in vocabulary.superclasses.get(current, ()):
                    if parent not in found:
                        found.add(parent)
                        todo.append(parent)
            self._seen[cls] = frozenset(found)
        return self._seen[cls]


# -- running the rules --------------------------------------------------------------------------

_Cells = dict[str, Node | str | None]


@dataclass(frozen=True)
class _Context:
    """What the rules that look beyond the graph need: the class hierarchy, and how to name."""

    hierarchy: _Hierarchy
    namespaces: NamespaceManager | None

    def name(self, node: Node) -> str:
        """Return a term as a message shows it: a prefixed name, ``<iri>`` or ``[ ... ]``."""
        if isinstance(node, URIRef):
            return curie(node, self.namespaces)
        if isinstance(node, BNode):
            return "[ ... ]"
        return node.n3(self.namespaces)

    def cell(self, column: str, value: Node | str | None) -> str:
        """Return the value of a column as a message shows it."""
        if value is None:
            return ""
        if isinstance(value, RdfLiteral) and column == "example":
            # the query gives the IRI of an example as text, empty for a blank node
            return self.name(URIRef(value)) if str(value) else "[ ... ]"
        if isinstance(value, RdfLiteral) and column == "uses":
            return "1 statement" if str(value) == "1" else f"{value} statements"
        if isinstance(value, RdfLiteral) and column != "value":
            return str(value)
        if isinstance(value, Node):
            return self.name(value)
        return value

    def names(self, nodes: Iterable[Node]) -> list[str]:
        """Return the names of terms, sorted."""
        return sorted(self.name(node) for node in nodes)


_Refine = Callable[[Rows, _Context], Iterable[_Cells]]


def _as_they_are(rows: Rows, context: _Context) -> Iterator[_Cells]:
    for row in rows:
        yield dict(row._asdict())


def _undeclared(kind: Literal["class", "property"]) -> _Refine:
    """Keep the project's undeclared terms, and the third-party ones their vocabulary lacks."""

    def refine(rows: Rows, context: _Context) -> Iterator[_Cells]:
        for row in rows:
            cells: _Cells = dict(row._asdict())
            term = row.subject
            if str(term).startswith(BASE_IRI):
                cells["missing"] = "no ontology declares it"
            else:
                vocabulary = _vocabulary_of(term)
                if vocabulary is None:  # unknown-vocabulary's
                    continue
                if kind == "property" and _is_property_of(term, vocabulary):
                    continue
                if kind == "class" and str(term) in vocabulary.classes:
                    continue
                cells["missing"] = (
                    f"{vocabulary.name}, the bundled copy of its vocabulary, does not define it "
                    f"as a {kind}"
                )
            yield cells

    return refine


def _unknown_vocabulary(rows: Rows, context: _Context) -> Iterator[_Cells]:
    for row in rows:
        if _vocabulary_of(row.subject) is None:
            yield dict(row._asdict())


def _deprecated(rows: Rows, context: _Context) -> Iterator[_Cells]:
    for row in rows:
        vocabulary = _vocabulary_of(row.subject)
        if row.deprecatedHere is not None or (
            vocabulary is not None and str(row.subject) in vocabulary.deprecated
        ):
            yield dict(row._asdict())


def _undeclared_type(rows: Rows, context: _Context) -> Iterator[_Cells]:
    types: dict[Node, list[Node]] = {}
    for row in rows:
        if row.subject is not None and row.type is not None:
            types.setdefault(row.subject, []).append(row.type)
    for subject, classes in types.items():
        if any(
            (vocabulary := _vocabulary_of(cls)) is not None and str(cls) in vocabulary.classes
            for cls in classes
        ):
            continue
        yield {
            "subject": subject,
            "property": RDF.type,
            "types": " or ".join(context.names(classes)),
        }


def _types_text(types: set[Node], context: _Context) -> str:
    if not types:
        return "it has no rdf:type"
    if len(types) == 1:
        return f"its type {context.name(next(iter(types)))} is not a subclass of it"
    return f"none of its types ({', '.join(context.names(types))}) is a subclass of it"


#: The columns that name one use of a property, out of its domain or out of its range.
_BOUNDED = {
    "domain": ("subject", "property", "domain"),
    "range": ("subject", "property", "value", "range"),
}


def _outside(bound: Literal["domain", "range"]) -> _Refine:
    """Keep the uses that no subclass chain of the graph and the vocabularies puts in bounds."""
    keys = _BOUNDED[bound]

    def refine(rows: Rows, context: _Context) -> Iterator[_Cells]:
        groups: dict[tuple[Node | None, ...], tuple[set[Node], set[Node], set[Node]]] = {}
        for row in rows:
            targets, types, supers = groups.setdefault(
                tuple(row[key] for key in keys), (set(), set(), set())
            )
            for found, column in ((targets, "target"), (types, "type"), (supers, "super")):
                if (node := row[column]) is not None:
                    found.add(node)
        for key, (targets, types, supers) in groups.items():
            reached: set[str] = set()
            for cls in supers:
                reached |= context.hierarchy.ancestors(cls)
            if reached & {str(target) for target in targets}:
                continue
            cells: _Cells = dict(zip(keys, key, strict=True))
            expected = key[-1]
            if isinstance(expected, URIRef):
                cells[bound] = context.name(expected)
            else:
                named = [t for t in targets if isinstance(t, URIRef)]
                cells[bound] = " or ".join(context.names(named)) or "a class expression"
            cells["types"] = _types_text(types, context)
            yield cells

    return refine


def _stated_by(row: Mapping[str, Node | None]) -> _Vocabulary | None:
    """Return the vocabulary of the row's third-party subject if it states the row too."""
    vocabulary = _vocabulary_of(row["subject"])
    if vocabulary is not None and vocabulary.states(row["subject"], row["property"], row["value"]):
        return vocabulary
    return None


def _redeclared(rows: Rows, context: _Context) -> Iterator[_Cells]:
    for row in rows:
        cells: _Cells = dict(row._asdict())
        vocabulary = _stated_by(row._asdict())
        if vocabulary is not None and str(row.imported) == "yes":  # a copy in the imports
            continue
        if vocabulary is not None:
            cells["why"] = (
                f"restates what {vocabulary.name}, the bundled copy of its vocabulary, "
                "says of this third-party term"
            )
        elif row.property == RDF.type and row.value in _DECLARATIONS:
            cells["why"] = "declares again a term of another vocabulary"
        else:  # third-party-axiom's
            continue
        yield cells


def _third_party_axiom(rows: Rows, context: _Context) -> Iterator[_Cells]:
    for row in rows:
        if _stated_by(row._asdict()):  # redeclared-term's
            continue
        cells: _Cells = dict(row._asdict())
        vocabulary = _vocabulary_of(row.subject)
        cells["where"] = (
            f"not stated by {vocabulary.name}, the bundled copy of its vocabulary"
            if vocabulary is not None
            else "whose vocabulary has no bundled copy"
        )
        yield cells


_REFINE: dict[str, _Refine] = {
    "deprecated-term": _deprecated,
    "outside-domain": _outside("domain"),
    "outside-range": _outside("range"),
    "redeclared-term": _redeclared,
    "third-party-axiom": _third_party_axiom,
    "undeclared-class": _undeclared("class"),
    "undeclared-property": _undeclared("property"),
    "undeclared-type": _undeclared_type,
    "unknown-vocabulary": _unknown_vocabulary,
}


def _found(rows: Rows) -> Rows:
    """Return the rows that have a subject.

    rdflib answers a grouped query that matches nothing with one row of unbound values.
    """
    return Rows(rows.variables, [tuple(row) for row in rows if row.subject is not None])


def _finding(rule: Rule, cells: _Cells, context: _Context) -> Finding:
    subject, prop, value = cells.get("subject"), cells.get("property"), cells.get("value")
    assert isinstance(subject, Node), f"{rule.name}: a row with no ?subject"
    return Finding(
        level=rule.level,
        rule=rule.name,
        subject=subject,
        property=prop if isinstance(prop, URIRef) else None,
        value=value if isinstance(value, Node) else None,
        message=rule.message.format_map({k: context.cell(k, v) for k, v in cells.items()}),
    )


def _sort_key(finding: Finding) -> tuple[int, str, str, str, str, str]:
    return (
        LEVELS.index(finding.level),
        finding.rule,
        str(finding.subject),
        str(finding.property or ""),
        str(finding.value or ""),
        finding.message,
    )


#: The graphs the report leaves out: a reasoner's output, and copies of imported vocabularies.
_LEFT_OUT = (GRAPH_BASE + "inferred", GRAPH_BASE + "vocabularies/")
#: A graph that no file fills, for a dataset of none of the store's graphs.
_NO_GRAPH = GRAPH_BASE + "none"
_MAIN_WHERE = re.compile(r"^WHERE\b", re.MULTILINE)


def _dataset(graphs: Iterable[URIRef]) -> str:
    """Return the ``FROM`` and ``FROM NAMED`` clauses of the graphs that the report reads.

    Empty when the report reads every graph: the rules then run over the union of the graphs,
    as every query does, which is fastest.
    """
    names = [str(graph) for graph in graphs]
    kept = [name for name in names if not name.startswith(_LEFT_OUT)]
    if len(kept) == len(names):
        return ""
    return "".join(f"FROM <{g}>\nFROM NAMED <{g}>\n" for g in kept or [_NO_GRAPH])


def _over(dataset: str, sparql: str) -> str:
    """Return a rule's query with ``dataset`` as its dataset, before its first ``WHERE``."""
    if not dataset:
        return sparql
    where = _MAIN_WHERE.search(sparql)
    assert where is not None, "a rule's query has its WHERE at the start of a line"
    return sparql[: where.start()] + dataset + sparql[where.start() :]


@cache
def _coverage_query() -> str:
    return _read_rule(_COVERAGE).sparql


def _coverage(rows: Rows) -> tuple[LabelCoverage, ...]:
    figures = [
        LabelCoverage(str(row.kind), int(str(row.total)), int(str(row.en)), int(str(row.km)))
        for row in rows
        if row.kind is not None  # rdflib's one row of a grouped query that matches nothing
    ]
    order = {kind: index for index, kind in enumerate(_KINDS)}
    return tuple(sorted(figures, key=lambda c: (order.get(c.kind, len(order)), c.kind)))


def quality_report(kg: KnowledgeGraph) -> QualityReport:
    """Check the ontology and the data of ``kg`` against every rule of :data:`RULES`.

    The rules run as SPARQL on ``kg``'s store (any store: Oxigraph, rdflib or a server), over
    every graph but reasoner output and imported vocabularies; third-party terms are looked up
    in the bundled copies of their vocabularies, read once. The figures give the label coverage
    in English and Khmer of each kind of term.

    >>> from accsm_kg import load
    >>> report = quality_report(load())
    >>> all(finding.message for finding in report)
    True
    """
    context = _Context(_Hierarchy(), kg.namespaces)
    dataset = _dataset(kg.graphs())
    findings = []
    for rule in quality_rules().values():
        refine = _REFINE.get(rule.name, _as_they_are)
        for cells in refine(_found(kg.query(_over(dataset, rule.sparql))), context):
            findings.append(_finding(rule, cells, context))
    figures = _coverage(kg.query(_over(dataset, _coverage_query())))
    return QualityReport(tuple(sorted(findings, key=_sort_key)), figures, kg.namespaces)
