"""SHACL validation with pySHACL, and the report it gives (also given by :mod:`accsm_kg.shacl`).

>>> from accsm_kg import load
>>> report = load().validate()
>>> report.conforms, len(report.violations)
(True, 0)
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from .errors import KhmerDateError, ShapesError
from .khmer import check_lunar_date, parse_khmer_date
from .terms import curie

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ATTRIBUTION_CHECK",
    "KHMER_DATE_CHECK",
    "Engine",
    "Severity",
    "ValidationReport",
    "Violation",
    "khmer_date_violations",
    "validate_graph",
]

#: The constraint a Khmer date that disagrees with its Gregorian date violates.
KHMER_DATE_CHECK = URIRef("https://w3id.org/accsm-kg/shapes#KhmerDateAgreesWithDate")
_KHMER_DATE = URIRef("https://w3id.org/accsm-kg/ontology#khmerDate")
#: The check that every statement of the project's graphs is attributed (``checks/attribution.rq``).
ATTRIBUTION_CHECK = URIRef("https://w3id.org/accsm-kg/shapes#StatementsAttributed")

Severity = TypingLiteral["Violation", "Warning", "Info"]

#: The validators: the shapes compiled to SPARQL and run on the store
#: (:func:`accsm_kg.shacl.validate_with_sparql`), or pySHACL, the reference
#: (:func:`validate_graph`).
Engine = TypingLiteral["sparql", "pyshacl"]


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result.

    :param focus_node: the node that does not conform.
    :param path: the property path, where the constraint has one.
    :param constraint: the constraint component, e.g. ``sh:MinCountConstraintComponent``.
    """

    focus_node: Node
    path: Node | None
    severity: Severity
    message: str
    constraint: URIRef
    shape: Node
    value: Node | None = None


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :meth:`accsm_kg.KnowledgeGraph.validate`.

    ``conforms`` is true when no result has severity ``Violation``; ``violations`` lists every
    result (warnings and infos too), sorted by focus node; ``graph`` is SHACL's own report graph.
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
        return node.n3(self.namespaces)  # a literal's datatype shortened too: "0"^^xsd:integer

    def __str__(self) -> str:
        """Return a readable summary, one paragraph per result."""
        if self.conforms and not self.violations:
            return "Conforms: the data satisfies every shape."
        count = sum(1 for v in self.violations if v.severity == "Violation")
        lines = [f"Does not conform: {count} violation(s)" if not self.conforms else "Conforms"]
        for v in self.violations:
            constraint = self._short(v.constraint).removeprefix("sh:")
            lines.append(
                f"- {v.severity}: {self._short(v.focus_node)}"
                f" (path {self._short(v.path)}, {constraint}): {v.message}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        """Show whether the data conforms and how many results of each severity there are.

        >>> ValidationReport(True, (), Graph())
        <ValidationReport: conforms>
        """
        parts = ["conforms"] if self.conforms else []
        for severity in ("Violation", "Warning", "Info"):
            n = sum(1 for v in self.violations if v.severity == severity)
            if n:
                plural = "s" if n != 1 and severity != "Info" else ""
                parts.append(f"{n} {severity.lower()}{plural}")
        return f"<ValidationReport: {', '.join(parts) or 'does not conform'}>"

    def _cells(self, v: Violation) -> dict[str, str | None]:
        """Return one result as text, IRIs shortened with prefixes, None where it has no value."""
        return {
            "focus_node": self._short(v.focus_node),
            "path": self._short(v.path) if v.path is not None else None,
            "severity": v.severity,
            "constraint": self._short(v.constraint),
            "message": v.message,
            "shape": self._short(v.shape),
            "value": self._short(v.value) if v.value is not None else None,
        }

    def _repr_html_(self) -> str:
        """Return the summary line and, if there are results, an HTML table of them."""
        summary = f"<p>{html.escape(str(self).splitlines()[0])}</p>"
        if not self.violations:
            return summary
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(c or '')}</td>" for c in self._cells(v).values())
            + "</tr>"
            for v in self.violations
        )
        return f"{summary}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_dataframe(self) -> pd.DataFrame:
        """Return the results as a DataFrame, one row each, IRIs shortened with prefixes."""
        import pandas as pd

        rows = [self._cells(v) for v in self.violations]
        return pd.DataFrame(rows, columns=list(_COLUMNS)).astype("string")


_COLUMNS = ("focus_node", "path", "severity", "constraint", "message", "shape", "value")


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
    return (str(v.focus_node), str(v.path), str(v.constraint), v.message)
