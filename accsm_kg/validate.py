"""SHACL validation with pySHACL, and the report it gives (also given by :mod:`accsm_kg.shacl`).

:func:`explain` makes a report one people can act on: each result gets its focus node's label,
a readable shape name, a hint on how to fix it, and the file and line to fix it in; the report
reads as text grouped by shape, as a table, JSON, TSV, a DataFrame, or HTML in a notebook.

>>> from accsm_kg import load
>>> kg = load()
>>> report = kg.validate()
>>> report.conforms, len(report.violations)
(True, 0)
>>> explain(report, kg).groups()
[]
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, astuple, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD, NamespaceManager
from rdflib.term import Node

from . import display
from .errors import KhmerDateError, OptionError, ShapesError
from .khmer import check_lunar_date, parse_khmer_date
from .locate import Location, Locator
from .terms import curie, to_sparql

if TYPE_CHECKING:
    import pandas as pd

    from .knowledge_graph import KnowledgeGraph

__all__ = [
    "ATTRIBUTION_CHECK",
    "KHMER_DATE_CHECK",
    "Engine",
    "Language",
    "Severity",
    "ValidationReport",
    "Violation",
    "ViolationGroup",
    "explain",
    "khmer_date_violations",
    "validate_graph",
]

#: The constraint a Khmer date that disagrees with its Gregorian date violates.
KHMER_DATE_CHECK = URIRef("https://w3id.org/accsm-kg/shapes#KhmerDateAgreesWithDate")
_KHMER_DATE = URIRef("https://w3id.org/accsm-kg/ontology#khmerDate")
#: The check that every statement of the project's graphs is attributed (``checks/attribution.rq``).
ATTRIBUTION_CHECK = URIRef("https://w3id.org/accsm-kg/shapes#StatementsAttributed")

Severity = TypingLiteral["Violation", "Warning", "Info"]
#: The languages labels and hints are read in: English, or Khmer (each falls back on the other).
Language = TypingLiteral["en", "km"]

#: The validators: the shapes compiled to SPARQL and run on the store
#: (:func:`accsm_kg.shacl.validate_with_sparql`), or pySHACL, the reference
#: (:func:`validate_graph`).
Engine = TypingLiteral["sparql", "pyshacl"]


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, and what :func:`explain` adds to it.

    :param focus_node: the node that does not conform.
    :param path: the property path, where the constraint has one.
    :param constraint: the constraint component, e.g. ``sh:MinCountConstraintComponent``.
    :param label: the focus node's label (English, or Khmer when asked or when it has no other).
    :param shape_name: the shape, readable: the node shape's prefixed name and the property path,
        e.g. ``shape:MeetingShape → schema:startDate``.
    :param hint: how to fix it: the shape's ``sh:description``, or a hint written for the
        constraint component from the result.
    :param file: the file to fix (a resolved path), where known.
    :param line: the line in ``file``: of the offending triple for a value that is wrong, where
        the focus node's description starts for a value that is missing.
    """

    focus_node: Node
    path: Node | None
    severity: Severity
    message: str
    constraint: URIRef
    shape: Node
    value: Node | None = None
    label: str | None = None
    shape_name: str | None = None
    hint: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def location(self) -> str | None:
        """Return ``file:line``, or the file alone, or None where the file is not known.

        >>> Violation(URIRef("urn:x:a"), None, "Info", "", SH.ClosedConstraintComponent,
        ...           URIRef("urn:x:S"), file="data/a.ttl", line=3).location
        'data/a.ttl:3'
        """
        if self.file is None:
            return None
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ViolationGroup:
    """The results of one shape, path and severity: how many there are.

    >>> group = ViolationGroup("shape:MeetingShape → schema:startDate", "schema:startDate",
    ...                        "Violation", 2)
    >>> group.shape, group.count
    ('shape:MeetingShape → schema:startDate', 2)
    """

    shape: str
    path: str | None
    severity: Severity
    count: int


_SEVERITIES: tuple[Severity, ...] = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :meth:`accsm_kg.KnowledgeGraph.validate`.

    ``conforms`` is true when no result has severity ``Violation``; ``violations`` lists every
    result (warnings and infos too), sorted by focus node; ``graph`` is SHACL's own report graph.
    Pass it to :func:`explain` for labels, readable shapes, hints, files and lines.
    """

    conforms: bool
    violations: tuple[Violation, ...]
    graph: Graph = field(repr=False, compare=False)
    namespaces: NamespaceManager | None = field(default=None, repr=False, compare=False)

    def with_violations(self, extra: Sequence[Violation]) -> ValidationReport:
        """Return this report with more results from checks outside SHACL."""
        if not extra:
            return self
        violations = tuple(sorted((*self.violations, *extra), key=_sort_key))
        conforms = self.conforms and all(v.severity != "Violation" for v in extra)
        return replace(self, conforms=conforms, violations=violations)

    def __iter__(self) -> Iterator[Violation]:
        """Iterate over the results."""
        return iter(self.violations)

    def __len__(self) -> int:
        """Return the number of results."""
        return len(self.violations)

    def _short(self, node: Node | None) -> str:
        if node is None:
            return "-"
        if isinstance(node, URIRef):
            return curie(node, self.namespaces)
        written = node.n3(self.namespaces)  # a literal's datatype shortened too: "0"^^xsd:integer
        if isinstance(node, Literal) and written.startswith('"""'):  # kept on one line
            quoted = json.dumps(str(node), ensure_ascii=False)
            written = quoted + written[written.rindex('"""') + 3 :]
        return written

    def _shape_title(self, v: Violation) -> str:
        """Return the shape's readable name, else its prefixed name (a blank one by its path)."""
        if v.shape_name:
            return v.shape_name
        if isinstance(v.shape, URIRef):
            return self._short(v.shape)
        return "(unnamed shape)" + (f" → {self._path(v.path)}" if v.path is not None else "")

    def _path(self, path: Node | None) -> str | None:
        return None if path is None else _path_text(path, (self.graph,), self.namespaces)

    def _group_key(self, v: Violation) -> tuple[str, str | None, Severity]:
        return (self._shape_title(v), self._path(v.path), v.severity)

    def _grouped(self) -> dict[tuple[str, str | None, Severity], list[Violation]]:
        groups: dict[tuple[str, str | None, Severity], list[Violation]] = {}
        for v in self.violations:
            groups.setdefault(self._group_key(v), []).append(v)
        order = {severity: i for i, severity in enumerate(_SEVERITIES)}
        return dict(sorted(groups.items(), key=lambda g: (order[g[0][2]], g[0][0], g[0][1] or "")))

    def groups(self) -> list[ViolationGroup]:
        """Return the results counted by shape, path and severity; violations first.

        The shape is the readable name :func:`explain` gives, else the shape's own name.

        >>> v = Violation(URIRef("urn:x:a"), None, "Warning", "m", SH.NodeConstraintComponent,
        ...               URIRef("urn:x:S"))
        >>> ValidationReport(True, (v, v), Graph()).groups()
        [ViolationGroup(shape='<urn:x:S>', path=None, severity='Warning', count=2)]
        """
        return [ViolationGroup(*key, len(found)) for key, found in self._grouped().items()]

    def _summary(self) -> str:
        if self.conforms and not self.violations:
            return "Conforms: the data satisfies every shape."
        count = sum(1 for v in self.violations if v.severity == "Violation")
        return f"Does not conform: {count} violation(s)" if not self.conforms else "Conforms"

    def __str__(self) -> str:
        """Return a readable summary: the results grouped by shape, path and severity.

        Each group is headed by its shape and count; each result gives its focus node and label,
        where it is written, the constraint and value, the message, and how to fix it.
        """
        lines = [self._summary()]
        for (shape, _, severity), found in self._grouped().items():
            plural = "" if len(found) == 1 else ("s" if severity != "Info" else "")
            lines += ["", f"{shape}: {len(found)} {severity.lower()}{plural}"]
            for v in found:
                label = f' "{_one_line(v.label)}"' if v.label else ""
                where = f" at {_where(v)}" if v.file else ""
                lines.append(f"  - {self._short(v.focus_node)}{label}{where}")
                value = f", value {self._short(v.value)}" if v.value is not None else ""
                lines.append(f"    {self._constraint(v)}{value}: {v.message}")
                if v.hint:
                    lines.append(f"    Fix: {v.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        """Show whether the data conforms and how many results of each severity there are.

        >>> ValidationReport(True, (), Graph())
        <ValidationReport: conforms>
        """
        parts = ["conforms"] if self.conforms else []
        for severity in _SEVERITIES:
            n = sum(1 for v in self.violations if v.severity == severity)
            if n:
                plural = "s" if n != 1 and severity != "Info" else ""
                parts.append(f"{n} {severity.lower()}{plural}")
        return f"<ValidationReport: {', '.join(parts) or 'does not conform'}>"

    def _constraint(self, v: Violation) -> str:
        """Return the constraint component's short name: ``MinCount`` for SHACL's own."""
        if str(v.constraint).startswith(str(SH)):
            return str(v.constraint)[len(str(SH)) :].removesuffix("ConstraintComponent")
        return self._short(v.constraint)

    def _cells(self, v: Violation) -> dict[str, Any]:
        """Return one result as text, IRIs shortened with prefixes, None where it has no value."""
        return {
            "focus_node": self._short(v.focus_node),
            "path": self._path(v.path),
            "severity": v.severity,
            "constraint": self._short(v.constraint),
            "message": v.message,
            # a blank shape by what names it, never by its blank node's id
            "shape": self._short(v.shape) if isinstance(v.shape, URIRef) else self._shape_title(v),
            "value": self._short(v.value) if v.value is not None else None,
            "label": v.label,
            "shape_name": v.shape_name,
            "hint": v.hint,
            "file": v.file,
            "line": v.line,
        }

    def _repr_html_(self) -> str:
        """Return the summary line and, if there are results, a table of them and their groups.

        Tables longer than :data:`accsm_kg.display.MAX_ROWS` are cut, with a count; a label in
        Khmer script carries ``lang="km"``.
        """
        summary = f"<p>{html.escape(self._summary())}</p>"
        if not self.violations:
            return summary
        most = display.MAX_ROWS
        shown = self.violations if most is None else self.violations[:most]
        results = display.table(
            _COLUMNS, [self._html_cells(v) for v in shown], total=len(self), noun="results"
        )
        groups = display.table(
            ("shape", "path", "severity", "count"),
            [astuple(g) for g in self.groups()],
            noun="groups",
        )
        return f"{summary}{results}<p>By shape:</p>{groups}"

    def _html_cells(self, v: Violation) -> list[display.CellValue]:
        cells: list[display.CellValue] = list(self._cells(v).values())
        if v.label:
            cells[_COLUMNS.index("label")] = display.Cell(v.label, display.khmer_lang(v.label))
        return cells

    def to_dataframe(self) -> pd.DataFrame:
        """Return the results as a DataFrame, one row each, IRIs shortened with prefixes.

        Every column is a string column but ``line``, a nullable integer.
        """
        import pandas as pd

        rows = [self._cells(v) for v in self.violations]
        frame = pd.DataFrame(rows, columns=list(_COLUMNS))
        return frame.astype({c: ("Int64" if c == "line" else "string") for c in _COLUMNS})

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the report as JSON: whether it conforms, its groups and its results.

        Results have the columns of :meth:`to_dataframe`; ``prefixes`` expands their names.

        >>> document = json.loads(ValidationReport(True, (), Graph()).to_json())
        >>> document["conforms"], document["counts"], document["results"]
        (True, {'Violation': 0, 'Warning': 0, 'Info': 0}, [])
        """
        counts = {s: sum(1 for v in self.violations if v.severity == s) for s in _SEVERITIES}
        document = {
            "conforms": self.conforms,
            "counts": counts,
            "groups": [asdict(g) for g in self.groups()],
            "results": [self._cells(v) for v in self.violations],
            "prefixes": dict(sorted((p, str(iri)) for p, iri in _bound(self.namespaces))),
        }
        return json.dumps(document, ensure_ascii=False, indent=indent)

    def to_tsv(self) -> str:
        """Return the results as tab-separated values with a header, one line each.

        Tabs and line breaks inside a value become spaces; a missing value is empty.
        """
        lines = ["\t".join(_COLUMNS)]
        for v in self.violations:
            cells = ("" if c is None else str(c) for c in self._cells(v).values())
            lines.append("\t".join(re.sub(r"[\t\r\n]+", " ", c) for c in cells))
        return "\n".join(lines) + "\n"

    def to_table(self) -> str:
        """Return the results as a plain-text table, one line each, grouped by shape.

        >>> print(ValidationReport(True, (), Graph()).to_table())
        Conforms: the data satisfies every shape.
        """
        from .results import Rows

        if not self.violations:
            return self._summary()
        heads = ("where", "severity", "shape", "focus", "label", "constraint", "value", "hint")
        rows = [
            [
                _where(v),
                v.severity,
                self._shape_title(v),
                self._short(v.focus_node),
                _one_line(v.label) if v.label else None,
                self._constraint(v),
                self._short(v.value) if v.value is not None else None,
                v.hint,
            ]
            for found in self._grouped().values()
            for v in found
        ]
        table = Rows(heads, [[None if c is None else Literal(c) for c in row] for row in rows])
        return f"{self._summary()}\n{table.to_table()}"


_COLUMNS = (
    "focus_node", "path", "severity", "constraint", "message", "shape", "value",
    "label", "shape_name", "hint", "file", "line",
)  # fmt: skip


def _bound(namespaces: NamespaceManager | None) -> Iterable[tuple[str, URIRef]]:
    return namespaces.namespaces() if namespaces is not None else ()


def _where(v: Violation) -> str | None:
    """Return ``file:line``, the file relative to the working folder when it is inside it."""
    if v.file is None:
        return None
    try:
        shown = str(Path(v.file).relative_to(Path.cwd()))
    except ValueError:
        shown = v.file
    return shown if v.line is None else f"{shown}:{v.line}"


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    return next(iter(graph.objects(subject, predicate)), None)


def validate_graph(
    data: Graph, shapes: Graph, *, namespaces: NamespaceManager | None = None
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` with pySHACL (no inference beyond SHACL's own).

    ``data`` should hold the ontology too, so that ``sh:class`` sees ``rdfs:subClassOf``.

    :raises ShapesError: shapes pySHACL cannot use, or that SHACL-SPARQL forbids (a SERVICE,
        MINUS or VALUES in an ``sh:select``), with pySHACL's message.
    """
    from pyshacl import validate

    from .shacl import check_sparql_syntax_rules

    if not any(shapes.triples((None, RDF.type, SH.NodeShape))) and not any(
        shapes.triples((None, RDF.type, SH.PropertyShape))
    ):
        raise ShapesError("the shapes graph has no sh:NodeShape or sh:PropertyShape")
    check_sparql_syntax_rules(shapes)
    try:
        conforms, report, _ = validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    except Exception as error:  # pySHACL's errors have no common root
        raise ShapesError(f"the shapes could not be used: {_one_line(error)}") from error
    if not isinstance(report, Graph):
        # pySHACL returns, rather than raises, the failures SHACL defines (a SERVICE in an
        # sh:select...): no report, only the failure
        raise ShapesError(f"pySHACL cannot validate with these shapes: {_one_line(report)}")
    return ValidationReport(bool(conforms), _results(report), report, namespaces)


def _one_line(problem: object) -> str:
    return " ".join(str(problem).split())


def _results(report: Graph) -> tuple[Violation, ...]:
    found: list[Violation] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = _one(report, result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        constraint = _one(report, result, SH.sourceConstraintComponent)
        found.append(
            Violation(
                focus_node=_one(report, result, SH.focusNode) or result,
                path=_one(report, result, SH.resultPath),
                severity=_severity(severity),
                message="; ".join(messages),
                constraint=constraint if isinstance(constraint, URIRef) else SH.ConstraintComponent,
                shape=_one(report, result, SH.sourceShape),  # type: ignore[arg-type]
                value=_one(report, result, SH.value),
            )
        )
    return tuple(sorted(found, key=_sort_key))


def khmer_date_violations(rows: Iterable[Sequence[Node | None]]) -> list[Violation]:
    """Check ``(subject, Khmer date, xsd:date)`` rows: both must name the same day.

    The Khmer date may be lunar (``២រោច ខែកត្តិក ...``) or Gregorian (``ថ្ងៃទី០២ ...``).

    >>> meeting, day = URIRef("urn:x:m"), Literal(dt.date(2020, 11, 2))
    >>> khmer_date_violations([(meeting, Literal("ថ្ងៃចន្ទ ២រោច ខែកត្តិក ព.ស ២៥៦៤"), day)])
    []
    >>> [v] = khmer_date_violations([(meeting, Literal("៣រោច ខែកត្តិក ព.ស ២៥៦៤"), day)])
    >>> print(v.message)
    waning day 3 of Kattik BE 2564 is 2020-11-03, not 2020-11-02 (which is waning day 2 ...)
    """
    found = []
    for subject, khmer, day in rows:
        value = day.toPython() if isinstance(day, Literal) else None
        if subject is None or not isinstance(value, dt.date):
            continue
        try:
            if "កើត" in str(khmer) or "រោច" in str(khmer):
                check_lunar_date(str(khmer), value)
            elif (written := parse_khmer_date(str(khmer))) != value:
                raise KhmerDateError(f"{khmer} is {written.isoformat()}, not {value.isoformat()}")
        except KhmerDateError as error:
            found.append(
                Violation(subject, _KHMER_DATE, "Violation", str(error), KHMER_DATE_CHECK,
                          KHMER_DATE_CHECK, khmer)
            )  # fmt: skip
    return found


def _statements(count: Node | None) -> str:
    return "1 statement" if str(count) == "1" else f"{count} statements"


def attribution_violations(rows: Iterable[Sequence[Node | None]]) -> list[Violation]:
    """Turn ``(graph, statements, example subject)`` rows into violations, one per graph.

    >>> [v] = attribution_violations([(URIRef("urn:x:g"), Literal(3), Literal("urn:x:s"))])
    >>> print(v.message)
    the graph <urn:x:g> holds 3 statements (about <urn:x:s>, ...) and says nowhere where they ...
    """
    return [
        Violation(graph, None, "Violation",
                  f"the graph <{graph}> holds {_statements(count)} (about <{example}>, ...) and "
                  "says nowhere where they come from: describe it (see data/provenance.trig) "
                  "with prov:wasDerivedFrom its source and accsm:confidence, or "
                  "prov:wasAttributedTo kg:accsm-kg-project",
                  ATTRIBUTION_CHECK, ATTRIBUTION_CHECK)
        for graph, count, example in rows
        if graph is not None
    ]  # fmt: skip


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return "Warning"
    if node == SH.Info:
        return "Info"
    return "Violation"


def _sort_key(v: Violation) -> tuple[str, ...]:
    # the value last: results that differ only by it come in one order, whichever the engine
    return (str(v.focus_node), str(v.path), str(v.constraint), v.message, str(v.value))


# -- explaining a report ---------------------------------------------------------------------


def explain(
    report: ValidationReport,
    kg: KnowledgeGraph,
    shapes: Graph | str | Path | Iterable[str | Path] | None = None,
    *,
    language: Language = "en",
) -> ValidationReport:
    """Return ``report`` with each result explained, for people to act on.

    Each result gets its focus node's label (in ``language``, else in the other of English and
    Khmer), the shape named readably (``shape:MeetingShape → schema:startDate``), a hint on how
    to fix it (the shape's ``sh:description``, else one written for its constraint component),
    and the file and line to fix: of the offending triple when a value is wrong, of the start of
    the focus node's description when one is missing. ``shapes`` are the shapes the report was
    made with: a graph, or files and folders as :meth:`~accsm_kg.KnowledgeGraph.validate`
    takes them (by default the bundled shapes). Files are known on stores that load them
    (not on servers); each is read once, and only if it describes a node that does not conform.

    >>> import tempfile
    >>> from accsm_kg import load
    >>> bad = Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text('''@prefix accsm: <https://w3id.org/accsm-kg/ontology#> .
    ... <https://w3id.org/accsm-kg/id/d> a accsm:Delegation ;
    ...     accsm:delegationSize 0 .
    ... ''', encoding="utf-8")
    >>> kg = load(bad)
    >>> report = explain(kg.validate(), kg)
    >>> [v] = [v for v in report if v.constraint == SH.MinInclusiveConstraintComponent]
    >>> v.shape_name, v.line, v.hint
    ('shape:DelegationShape → accsm:delegationSize', 3, 'use a value of at least 1')
    """
    if language not in ("en", "km"):
        raise OptionError(f"language is 'en' or 'km', not {language!r}")
    if not report.violations:
        return report
    if not isinstance(shapes, Graph):
        from .knowledge_graph import _shapes_files, _shapes_graph

        # the very graph validate() read (cached while the files stay the same): the blank
        # nodes of its shapes are those the results name
        shapes = _shapes_graph(tuple(_shapes_files(shapes)))
    explainer = _Explainer(report, shapes, kg, language)
    return replace(report, violations=tuple(explainer.explain(v) for v in report.violations))


#: Where a node's label is read from, in order.
_LABELS = (RDFS.label, SKOS.prefLabel)
_IN_GRAPH = URIRef("urn:accsm-kg:in-graph")  # marks the rows of _Explainer._read naming a graph

#: Examples of literals of common datatypes, for hints.
_EXAMPLES: dict[Node | None, str] = {
    XSD.date: '"2020-11-02"^^xsd:date',
    XSD.dateTime: '"2020-11-02T09:00:00"^^xsd:dateTime',
    XSD.gYear: '"2021"^^xsd:gYear',
    XSD.integer: "8",
    XSD.decimal: "1.5",
    XSD.boolean: "true",
    XSD.string: '"text"',
    XSD.anyURI: '"https://example.org/"^^xsd:anyURI',
}
_NODE_KINDS: dict[Node | None, str] = {
    SH.IRI: "an IRI",
    SH.BlankNode: "a blank node",
    SH.Literal: "a literal",
    SH.BlankNodeOrIRI: "an IRI or a blank node",
    SH.BlankNodeOrLiteral: "a blank node or a literal",
    SH.IRIOrLiteral: "an IRI or a literal",
}
_BOUNDS = {
    SH.MinInclusiveConstraintComponent: (SH.minInclusive, "use a value of at least {}"),
    SH.MaxInclusiveConstraintComponent: (SH.maxInclusive, "use a value of at most {}"),
    SH.MinExclusiveConstraintComponent: (SH.minExclusive, "use a value greater than {}"),
    SH.MaxExclusiveConstraintComponent: (SH.maxExclusive, "use a value less than {}"),
    SH.MinLengthConstraintComponent: (SH.minLength, "make the value at least {} characters long"),
    SH.MaxLengthConstraintComponent: (SH.maxLength, "make the value at most {} characters long"),
}
_PAIRS = {
    SH.EqualsConstraintComponent: (SH.equals, "give {path} the same values as {other}"),
    SH.DisjointConstraintComponent: (SH.disjoint, "give {path} no value that {other} has"),
    SH.LessThanConstraintComponent: (SH.lessThan, "make each {path} less than every {other}"),
    SH.LessThanOrEqualsConstraintComponent: (
        SH.lessThanOrEquals,
        "make each {path} at most every {other}",
    ),
}
_LOGICAL = {
    SH.AndConstraintComponent: (SH["and"], "every one"),
    SH.OrConstraintComponent: (SH["or"], "at least one"),
    SH.XoneConstraintComponent: (SH.xone, "exactly one"),
}


def _pick(texts: Iterable[Literal], language: Language) -> str | None:
    """Return the text in ``language``, else in English or Khmer, else untagged, else any."""
    ranked = {"en": 1, "km": 2, "": 3} | {language: 0}
    best = min(texts, key=lambda t: (ranked.get(t.language or "", 4), str(t)), default=None)
    return None if best is None else str(best)


class _Explainer:
    """What explaining a report needs: the shapes, the focus nodes' labels, types and files."""

    def __init__(
        self, report: ValidationReport, shapes: Graph, kg: KnowledgeGraph, language: Language
    ) -> None:
        self.report, self.shapes, self.kg, self.language = report, shapes, kg, language
        self.namespaces = report.namespaces or kg.namespaces
        self.locator = Locator()
        self.labels: dict[Node, list[Literal]] = {}
        self.types: dict[Node, set[Node]] = {}
        self.files: dict[Node, list[str]] = {}
        self._signatures: dict[frozenset[tuple[Node, Node]], list[Node]] | None = None
        nodes = {v.focus_node for v in report.violations}
        nodes |= {  # the subjects of the triples of inverse paths
            v.value
            for v in report.violations
            if v.value is not None and any(inverse for _, inverse in self._steps(v.path))
        }
        self._read(sorted(n for n in nodes if isinstance(n, URIRef)))

    def _read(self, nodes: Sequence[URIRef]) -> None:
        """Read the nodes' labels, types and named graphs in one query; their graphs' files."""
        values = " ".join(_sparql_or_empty(n) for n in nodes)
        if not values.strip():
            return
        kg = self.kg
        label_parts = " UNION ".join(f"{{ ?s <{p}> ?o BIND(<{p}> AS ?p) }}" for p in _LABELS)
        rows = kg.store.select_text(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} {label_parts} UNION "
            f"{{ ?s a/<{RDFS.subClassOf}>* ?o BIND(<{RDF.type}> AS ?p) }} UNION "
            f"{{ GRAPH ?o {{ ?s ?x ?y }} BIND(<{_IN_GRAPH}> AS ?p) }} }}"
        )
        graphs: dict[Node, set[Node]] = {node: {node} for node in nodes}  # a node may be a graph
        for s, p, o in (row[:3] for row in rows):
            if s is None or o is None:
                continue
            if p == RDF.type:
                self.types.setdefault(s, set()).add(o)
            elif p == _IN_GRAPH:
                graphs[s].add(o)
            elif isinstance(o, Literal):
                self.labels.setdefault(s, []).append(o)
        for node, names in graphs.items():
            held = (kg.store.loaded_from(n) for n in names if isinstance(n, URIRef))
            self.files[node] = sorted({file for files in held if files for file in files})

    # -- shapes ----------------------------------------------------------------------------

    def _same_shapes(self, shape: Node) -> list[Node]:
        """Return the shape as the shapes graph holds it: itself, or blank nodes just like it."""
        if not isinstance(shape, BNode) or (shape, None, None) in self.shapes:
            return [shape]
        if self._signatures is None:
            self._signatures = {}
            for node in set(self.shapes.subjects()):
                if isinstance(node, BNode):
                    self._signatures.setdefault(self._signature(self.shapes, node), []).append(node)
        return self._signatures.get(self._signature(self.report.graph, shape), [shape])

    @staticmethod
    def _signature(graph: Graph, node: Node) -> frozenset[tuple[Node, Node]]:
        return frozenset(
            (p, o) for p, o in graph.predicate_objects(node) if not isinstance(o, BNode)
        )

    def _objects(self, shape: Node, predicate: URIRef) -> list[Node]:
        for graph in (self.shapes, self.report.graph):
            found = sorted(graph.objects(shape, predicate), key=str)
            if found:
                return found
        return []

    def _owners(self, shape: Node) -> list[URIRef]:
        """Return the named shapes ``shape`` is part of (through sh:property, sh:or lists...)."""
        owners, seen, todo = set(), {shape}, [shape]
        while todo and len(seen) < 1000:
            for parent in self.shapes.subjects(None, todo.pop()):
                if parent in seen:
                    continue
                seen.add(parent)
                if isinstance(parent, URIRef):
                    owners.add(parent)
                else:
                    todo.append(parent)
        return sorted(owners, key=str)

    def _owner(self, shapes: Sequence[Node], focus: Node) -> URIRef | None:
        """Return the named shape whose targets reach ``focus`` and of which it is a part."""
        owners = [o for shape in shapes for o in self._owners(shape)]
        types = self.types.get(focus, set())

        def targets(owner: URIRef) -> bool:
            classes = set(self.shapes.objects(owner, SH.targetClass))
            if (owner, RDF.type, RDFS.Class) in self.shapes:
                classes.add(owner)
            return bool(classes & types) or (owner, SH.targetNode, focus) in self.shapes

        aiming = [o for o in owners if targets(o)]
        return next(iter(aiming or owners), None)

    def path_text(self, path: Node | None) -> str:
        """Write a property path as SPARQL does (see :func:`_path_text`)."""
        return _path_text(path, (self.shapes, self.report.graph), self.namespaces)

    def _steps(self, path: Node | None, depth: int = 0) -> list[tuple[URIRef, bool]]:
        """Return the predicates a path takes in one step, each with whether it is inverse."""
        if isinstance(path, URIRef):
            return [(path, False)]
        graph = next((g for g in (self.shapes, self.report.graph) if (path, None, None) in g), None)
        if graph is None or depth > 20:
            return []
        inverse = graph.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return [(inverse, True)]
        choices = graph.value(path, SH.alternativePath)
        if choices is None:
            return []
        return [step for c in Collection(graph, choices) for step in self._steps(c, depth + 1)]

    def _files(self, node: Node) -> list[str]:
        if node not in self.files and isinstance(node, URIRef):
            self._read([node])
        return self.files.get(node, [])

    def _subjects(self, predicate: URIRef, value: Node) -> list[Node]:
        """Return a few subjects that have ``value`` for ``predicate``."""
        try:
            pattern = f"?s {to_sparql(predicate)} {to_sparql(value)}"
        except ValueError:  # a blank node, or an IRI no query can hold
            return []
        rows = self.kg.store.select_text(
            f"SELECT DISTINCT ?s WHERE {{ {pattern} }} ORDER BY ?s LIMIT 5"
        )
        return [row[0] for row in rows if row[0] is not None]

    def title(self, v: Violation, shapes: Sequence[Node]) -> str:
        """Name the shape readably: its node shape's prefixed name, its path and sh:name."""
        shape = shapes[0]
        own_path = next((p for s in shapes for p in self._objects(s, SH.path)), None)
        targeted = any((s, p, None) in self.shapes for s in shapes for p in _TARGETS)
        if isinstance(shape, URIRef) and (own_path is None or targeted):
            base = curie(shape, self.namespaces)
        else:
            owner = self._owner(shapes, v.focus_node)
            base = curie(owner, self.namespaces) if owner is not None else "(unnamed shape)"
        path = own_path if own_path is not None else v.path
        if path is None:
            return base
        title = f"{base} → {self.path_text(path)}"
        name = _pick(
            (n for s in shapes for n in self._objects(s, SH.name) if isinstance(n, Literal)),
            self.language,
        )
        local = re.sub(r"[\W_]", "", self.path_text(path).rsplit(":", 1)[-1]).lower()
        if name and re.sub(r"[\W_]", "", name).lower() != local:
            title += f" ({name})"
        return title

    # -- hints -----------------------------------------------------------------------------

    def hint(self, v: Violation, shapes: Sequence[Node], who: str) -> str | None:
        """Return the shape's sh:description, or a hint for the constraint component."""
        described = [d for s in shapes for d in self._objects(s, SH.description)]
        if described:
            return _pick((d for d in described if isinstance(d, Literal)), self.language)

        def one(predicate: URIRef) -> Node | None:
            return next((o for s in shapes for o in self._objects(s, predicate)), None)

        c, path = v.constraint, self.path_text(v.path) if v.path is not None else "the value"
        short = self._short
        if c == SH.MinCountConstraintComponent:
            n = _int(one(SH.minCount), 1)
            if n <= 1:
                return f"add a value for {path} to {who}"
            return f"give {who} at least {n} values for {path}"
        if c == SH.MaxCountConstraintComponent:
            n = _int(one(SH.maxCount), 1)
            steps = self._steps(v.path)
            if steps and all(inverse for _, inverse in steps):  # "Cambodia"@en names 2 things
                predicates = " or ".join(short(p) for p, _ in steps)
                things = "1 thing" if n == 1 else f"{n} things"
                return f"let at most {things} have {who} as {predicates}; change the others"
            if n == 0:
                return f"remove {path} from {who}"
            return f"keep at most {_values(n)} for {path} on {who}; remove the others"
        if c == SH.DatatypeConstraintComponent:
            datatype = one(SH.datatype)
            if datatype == RDF.langString:
                return 'write the value as a language-tagged string, e.g. "…"@en'
            example = _EXAMPLES.get(datatype)
            return f"write the value as {short(datatype)}" + (
                f", e.g. {example}" if example else ""
            )
        if c == SH.InConstraintComponent:
            listed = one(SH["in"])
            items = list(Collection(self._graph_of(listed), listed)) if listed is not None else []
            shown = ", ".join(short(i) for i in items[:12]) + (", …" if len(items) > 12 else "")
            return f"use one of {shown}"
        if c == SH.ClassConstraintComponent:
            classes = " and ".join(short(k) for s in shapes for k in self._objects(s, SH["class"]))
            value = short(v.value) if v.value is not None else "the value"
            return f"point {path} at an instance of {classes}, or give {value} the type {classes}"
        if c == SH.PatternConstraintComponent:
            flags = one(SH.flags)
            return f"make the value match the pattern {one(SH.pattern)}" + (
                f" (flags {flags})" if flags is not None else ""
            )
        if c == SH.NodeKindConstraintComponent:
            return (
                f"make the value {_NODE_KINDS.get(one(SH.nodeKind), 'of the kind the shape asks')}"
            )
        if c == SH.LanguageInConstraintComponent:
            listed = one(SH.languageIn)
            tags = (
                [f"@{t}" for t in Collection(self._graph_of(listed), listed)]
                if listed is not None
                else []
            )
            return f"tag the value with {' or '.join(tags) or 'a language the shape allows'}"
        if c == SH.UniqueLangConstraintComponent:
            return f"keep one value of {path} per language on {who}"
        if c in (SH.QualifiedMinCountConstraintComponent, SH.QualifiedMaxCountConstraintComponent):
            kind = self._describe(one(SH.qualifiedValueShape))
            if c == SH.QualifiedMinCountConstraintComponent:
                n = _int(one(SH.qualifiedMinCount), 1)
                return (
                    f"add a value for {path} {kind} to {who}"
                    if n <= 1
                    else (f"give {who} at least {n} values for {path} {kind}")
                )
            n = _int(one(SH.qualifiedMaxCount), 0)
            return f"keep at most {_values(n)} for {path} {kind} on {who}"
        if c in _BOUNDS:
            parameter, template = _BOUNDS[c]
            bound = one(parameter)
            return template.format(str(bound) if isinstance(bound, Literal) else short(bound))
        if c in _PAIRS:
            parameter, template = _PAIRS[c]
            return template.format(path=path, other=short(one(parameter)))
        if c == SH.HasValueConstraintComponent:
            return f"add {path} {short(one(SH.hasValue))} to {who}"
        if c == SH.NodeConstraintComponent:
            value = short(v.value) if v.value is not None else who
            return f"make {value} conform to {self._shape_name(one(SH.node))}"
        if c == SH.NotConstraintComponent:
            return f"make the value not conform to {self._shape_name(one(SH['not']))}"
        if c in _LOGICAL:
            parameter, how = _LOGICAL[c]
            return f"make the value conform to {how} of the shapes of {short(parameter)}"
        if c == SH.ClosedConstraintComponent:
            return f"remove {path} from {who}: its shape allows only the properties it declares"
        if c == SH.SPARQLConstraintComponent:
            rule = _pick(
                (
                    r
                    for s in shapes
                    for r in self._objects(s, RDFS.comment)
                    if isinstance(r, Literal)
                ),
                self.language,
            )
            return f"keep to the rule: {rule}" if rule else None
        if c == KHMER_DATE_CHECK:
            return f"correct accsm:khmerDate or the start date of {who}, so both name the same day"
        if c == ATTRIBUTION_CHECK:
            return (
                f"describe the graph {who} in data/provenance.trig: where its statements come from"
            )
        return None

    def _graph_of(self, node: Node) -> Graph:
        return self.shapes if (node, None, None) in self.shapes else self.report.graph

    def _shape_name(self, shape: Node | None) -> str:
        if isinstance(shape, URIRef):
            return curie(shape, self.namespaces)
        return (
            "the shape it points to"
            if shape is None
            else self._describe(shape).removeprefix("that ")
        )

    def _describe(self, shape: Node | None) -> str:
        """Say what values of a small shape (a qualified value shape) are like."""
        if shape is None:
            return ""
        if isinstance(shape, URIRef):
            return f"that conforms to {curie(shape, self.namespaces)}"
        graph = self._graph_of(shape)
        parts = []
        for language_list in graph.objects(shape, SH.languageIn):
            tags = " or ".join(f"@{t}" for t in Collection(graph, language_list))
            parts.append(f"tagged {tags}")
        parts += [f"of type {self._short(k)}" for k in graph.objects(shape, SH["class"])]
        parts += [f"typed {self._short(d)}" for d in graph.objects(shape, SH.datatype)]
        parts += [f"that conforms to {self._short(n)}" for n in graph.objects(shape, SH.node)]
        parts += [f"equal to {self._short(h)}" for h in graph.objects(shape, SH.hasValue)]
        return " and ".join(sorted(parts)) or "of the kind the shape asks"

    def _short(self, node: Node | None) -> str:
        return self.report._short(node)

    # -- one result ------------------------------------------------------------------------

    def where(self, v: Violation) -> Location | None:
        """Find the offending triple's line, else where the focus node's description starts."""
        focus, value = v.focus_node, v.value
        for predicate, inverse in self._steps(v.path):
            if not inverse:
                found = self.locator.locate(self._files(focus), focus, predicate, value)
            else:  # the triple is (value, predicate, focus)
                subjects = [value] if value is not None else self._subjects(predicate, focus)
                found = next(
                    (
                        at
                        for s in subjects
                        if (at := self.locator.locate(self._files(s), s, predicate, focus))
                    ),
                    None,
                )
            if found is not None:
                return found
        return self.locator.locate(self._files(focus), focus)

    def explain(self, v: Violation) -> Violation:
        shapes = self._same_shapes(v.shape)
        label = _pick(self.labels.get(v.focus_node, []), self.language)
        who = f'"{_one_line(label)}"' if label else self._short(v.focus_node)
        found = self.where(v)
        return replace(
            v,
            label=label,
            shape_name=self.title(v, shapes),
            hint=self.hint(v, shapes, who),
            file=str(found.file) if found is not None else None,
            line=found.line if found is not None else None,
        )


def _path_text(
    path: Node | None, graphs: Sequence[Graph], namespaces: NamespaceManager | None, depth: int = 0
) -> str:
    """Write a property path as SPARQL does: ``^org:memberOf``, ``a/b``, ``(a|b)``, ``p*``.

    A blank node path is read from the first of ``graphs`` that describes it.
    """
    if path is None:
        return "-"
    if isinstance(path, URIRef):
        return curie(path, namespaces)
    graph = next((g for g in graphs if (path, None, None) in g), None)
    if not isinstance(path, BNode) or graph is None or depth > 20:
        return "(a path)" if isinstance(path, BNode) else path.n3(namespaces)

    def inner(node: Node) -> str:
        return _path_text(node, graphs, namespaces, depth + 1)

    for predicate, template in _PATH_FORMS.items():
        node = graph.value(path, predicate)
        if node is not None:
            if predicate == SH.alternativePath:
                return template.format("|".join(inner(n) for n in Collection(graph, node)))
            return template.format(inner(node))
    if (path, RDF.first, None) in graph:
        return "/".join(inner(n) for n in Collection(graph, path))
    return "(a path)"


_PATH_FORMS = {
    SH.inversePath: "^{}",
    SH.zeroOrMorePath: "{}*",
    SH.oneOrMorePath: "{}+",
    SH.zeroOrOnePath: "{}?",
    SH.alternativePath: "({})",
}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _values(n: int) -> str:
    return "1 value" if n == 1 else f"{n} values"


def _int(node: Node | None, default: int) -> int:
    try:
        return int(str(node)) if node is not None else default
    except ValueError:
        return default


def _sparql_or_empty(node: URIRef) -> str:
    try:
        return to_sparql(node)
    except ValueError:  # an IRI no query can hold: it gets no label, types or files
        return ""
