"""SHACL validation as SPARQL: shapes compiled to SELECT queries that return only offending rows.

The queries are plain SPARQL 1.1, so they run on any store (Oxigraph, rdflib, a server) whose
default graph holds the data and the ontology. The results are the :class:`Violation` objects
that :func:`accsm_kg.validate.validate_graph` builds from pySHACL's report, field for field:
focus node, path, severity, constraint component, shape (the shapes graph's own node), value
and message, the sh:detail results of sh:node included. Where pySHACL and SHACL differ, this
follows pySHACL (severities under ``allow_warnings``, sh:languageIn by first subtag, only the
"i" and "m" flags of sh:pattern, which lexical forms are ill-typed), except where pySHACL
fails: values sh:lessThanOrEquals cannot compare are a result here, a TypeError there.

SHACL Core is compiled whole, and SHACL-SPARQL constraints whose $this can be joined with the
focus nodes rather than pre-bound one node at a time (:func:`_analyse` says which). Anything
else raises :class:`UnsupportedShapesError`, naming the shape: pySHACL can validate those.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count
from threading import Lock
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD, NamespaceManager
from rdflib.term import Node

from .errors import SHACL_SPEC, ShapesError, UnsupportedShapesError
from .stores.base import engine_errors
from .terms import to_sparql
from .validate import ValidationReport, Violation, _severity, _sort_key

__all__ = [
    "CompiledShapes",
    "Select",
    "check_sparql_syntax_rules",
    "compile_shapes",
    "validate_with_sparql",
]

#: Runs a complete SPARQL 1.1 SELECT over the data (default graph: the union of every graph)
#: and returns its rows, rdflib terms in the order of the projected variables, None if unbound.
Select = Callable[[str], Sequence[Sequence[Node | None]]]

_SPEC = SHACL_SPEC


_PROLOGUE = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)
_ALLOWED = frozenset({SH.Warning, SH.Info})  # severities pySHACL lets conform (allow_warnings)

# Nested counts are written as "k distinct values exist", which needs k variables and k*(k-1)/2
# comparisons; beyond this the join grows too fast to be worth it.
_MAX_NESTED_COUNT = 3

# Lexical forms of the datatypes that rdflib (and so pySHACL) checks, as XSD defines them.
_DATE = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
_ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_INTEGER = r"^[+-]?[0-9]+$"
_UNSIGNED = r"^(\+?[0-9]+|-0+)$"
_LEXICAL: dict[Node, str] = {
    XSD.integer: _INTEGER,
    XSD.long: _INTEGER,
    XSD.int: _INTEGER,
    XSD.short: _INTEGER,
    XSD.byte: _INTEGER,
    XSD.nonNegativeInteger: _UNSIGNED,
    XSD.unsignedLong: _UNSIGNED,
    XSD.unsignedInt: _UNSIGNED,
    XSD.unsignedShort: _UNSIGNED,
    XSD.unsignedByte: _UNSIGNED,
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
    XSD.nonPositiveInteger: r"^(-[0-9]+|\+?0+)$",
    XSD.negativeInteger: r"^-0*[1-9][0-9]*$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.double: r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.float: r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: f"^{_DATE}{_ZONE}$",
    XSD.dateTime: f"^{_DATE}T{_TIME}{_ZONE}$",
    XSD.time: f"^{_TIME}{_ZONE}$",
    XSD.duration: r"^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?"
    r"(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$",
    XSD.dayTimeDuration: r"^-?P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$",
    XSD.yearMonthDuration: r"^-?P([0-9]+Y)?([0-9]+M)?$",
    XSD.hexBinary: r"^([0-9a-fA-F]{2})*$",
}
_DURATIONS = (XSD.duration, XSD.dayTimeDuration, XSD.yearMonthDuration)
_EMPTY_DURATION = r"^-?PT?$|T$"  # "P", "PT" and "P1DT" hold no field after P or T
_RANGES: dict[Node, tuple[int, int]] = {
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
_LEAP_YEAR = r"^([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"

_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}

# SHACL Advanced Features and SHACL-JS, which pySHACL may run and this compiler does not.
_ADVANCED = {
    SH.rule: "sh:rule (SHACL rules)",
    SH.target: "sh:target (custom targets)",
    SH.expression: "sh:expression",
    SH.js: "sh:js",
    SH.condition: "sh:condition",
}


class _Names:
    """Fresh SPARQL variable names, and the classes of sh:class, for one compilation."""

    def __init__(self) -> None:
        self._next = count()
        self.classes: dict[Node, int] = {}

    def __call__(self) -> str:
        return f"?_v{next(self._next)}"

    def instance_of(self, value: str, cls: Node) -> str:
        """Return a placeholder for a pattern matching when ``value`` is an instance of ``cls``.

        It is filled per run: ``?v rdf:type ?t FILTER(?t IN (...))`` with the class and its
        subclasses in the data is three times faster on Oxigraph than the path
        ``?v rdf:type/rdfs:subClassOf* C``, which stays where a subclass is a blank node.
        """
        index = self.classes.setdefault(cls, len(self.classes))
        return f"{_MARK}{index} {value} {self()}{_MARK_END}"


# Placeholders in query texts, of characters (private use) that no query of ours holds
_MARK, _MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"{_MARK}([0-9]+) (\\S+) (\\S+){_MARK_END}")


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Result:
    focus: Node
    path: Node | None
    severity: Node
    component: URIRef
    shape: Node
    value: Node | None
    messages: frozenset[Literal]
    source_constraint: Node | None = None
    details: tuple[_Result, ...] = ()
    counts: bool = True  # it makes the data not conform (pySHACL's allow_warnings logic)

    def flatten(self) -> Iterator[_Result]:
        yield self
        for detail in self.details:
            yield from detail.flatten()

    def violation(self) -> Violation:
        return Violation(
            focus_node=self.focus,
            path=self.path,
            severity=_severity(self.severity),
            message="; ".join(sorted(str(m) for m in self.messages)),
            constraint=self.component,
            shape=self.shape,
            value=self.value,
        )


# ---------------------------------------------------------------------------------------------
# Writing nodes as pySHACL does in its default messages
# ---------------------------------------------------------------------------------------------


class _Writer:
    """Writes nodes as pySHACL's ``stringify_node``: CURIEs where a prefix is bound."""

    def __init__(self, graph: Graph | None, namespaces: NamespaceManager | None) -> None:
        self.graph = graph
        if namespaces is None:  # as a data graph of pySHACL's would have: rdflib's defaults
            manager = Graph().namespace_manager
        else:  # a copy, so that binding sh: as pySHACL does leaves the caller's alone
            manager = NamespaceManager(Graph(), bind_namespaces="none")
            for prefix, namespace in namespaces.namespaces():
                manager.bind(prefix, namespace, override=True, replace=True)
        manager.bind("sh", SH, override=False, replace=False)
        self.namespaces = manager

    def __call__(self, node: Node | None, depth: int = 0) -> str:
        if isinstance(node, Literal):
            return self._literal(node)
        if isinstance(node, URIRef):
            try:
                return node.n3(namespace_manager=self.namespaces)
            except Exception:  # as pySHACL, which writes the bare IRI then
                return str(node)
        if isinstance(node, BNode) and self.graph is not None and depth < 12:
            return self._blank(node, depth)
        return str(node)

    def _literal(self, node: Literal) -> str:
        lexical = str(node)
        value = None if node.value is None else str(node.value)
        if value is not None and " object at 0x" in value:
            value = value[: value.find(" object at 0x")]
        text = (
            f'"{lexical}" = {value}' if value is not None and value != lexical else f'"{lexical}"'
        )
        if node.language:
            text += f", lang={node.language}"
        if node.datatype:
            text += f", datatype={self(node.datatype)}"
        return f"Literal({text})"

    def _blank(self, node: BNode, depth: int) -> str:
        assert self.graph is not None
        graph = self.graph
        predicates = list(graph.predicates(node))
        if not predicates:
            return "[ ]"
        if RDF.first in predicates:
            return "( {} )".format(" ".join(self(i, depth + 1) for i in graph.items(node)))
        parts: dict[str, str] = {}
        for predicate in predicates:
            objects = sorted(self(o, depth + 1) for o in graph.objects(node, predicate))
            parts[self(predicate)] = ", ".join(objects)
        body = " ; ".join(f"{p} {o}" for p, o in sorted(parts.items()))
        return f"[ {body} ]"


# ---------------------------------------------------------------------------------------------
# Constraints
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a default message needs: the shape, its writer and the nodes of the result."""

    shape: _Shape
    focus: Node
    value: Node | None
    data: _Writer


class _Check:
    """One constraint (one parameter value) of a shape."""

    component: URIRef

    def generic(self, ctx: _Context) -> str | None:
        """Return pySHACL's default message for a result, where the shape gives no sh:message."""
        return None


class _ValueCheck(_Check):
    """A constraint on each value node: a result per offending value."""

    def violated(self, focus: str, value: str, names: _Names) -> str:
        """Return an expression true when ``value`` (a value node of ``focus``) violates it."""
        raise NotImplementedError


class _FocusCheck(_Check):
    """A constraint on the set of value nodes of a focus node: a result per focus node."""

    def violated(self, focus: str, values: Callable[[str], str], names: _Names) -> str:
        """Return an expression true when ``focus`` violates it; ``values(v)`` binds values."""
        raise NotImplementedError


@dataclass(frozen=True)
class _Class(_ValueCheck):
    cls: Node
    all_classes: tuple[Node, ...]
    component: URIRef = SH.ClassConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        return f"NOT EXISTS {{ {names.instance_of(value, self.cls)} }}"

    def generic(self, ctx: _Context) -> str:
        write = ctx.shape.writer
        if len(self.all_classes) < 2:
            return f"Value does not have class {write(self.all_classes[0])}"
        return "Value class is not in classes ({})".format(
            ", ".join(write(c) for c in self.all_classes)
        )


@dataclass(frozen=True)
class _Datatype(_ValueCheck):
    datatype: Node
    component: URIRef = SH.DatatypeConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        v, dt = value, self.datatype
        if dt == RDFS.Literal:
            return f"!isLiteral({v})"
        if dt == RDFS.Datatype:
            # rdflib gives "x" no datatype, so pySHACL refuses it here; so do we
            return f'!(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) != xsd:string)'
        if dt == RDF.langString:
            return f'!(isLiteral({v}) && LANG({v}) != "")'
        conditions = [f"isLiteral({v})", f"DATATYPE({v}) = {_const(dt)}"]
        pattern = _LEXICAL.get(dt)
        if pattern is not None:
            conditions.append(f"REGEX(STR({v}), {_string(pattern)})")
        if dt in _RANGES:
            low, high = _RANGES[dt]
            number = f"xsd:integer(STR({v}))"
            conditions.append(f"{number} >= {low} && {number} <= {high}")
        if dt in (XSD.date, XSD.dateTime):
            conditions.append(_valid_day(v))
        if dt in _DURATIONS:
            conditions.append(f"!REGEX(STR({v}), {_string(_EMPTY_DURATION)})")
        return "!COALESCE({}, false)".format(" && ".join(conditions))

    def generic(self, ctx: _Context) -> str:
        return f"Value is not Literal with datatype {ctx.shape.writer(self.datatype)}"


@dataclass(frozen=True)
class _NodeKind(_ValueCheck):
    kind: Node
    component: URIRef = SH.NodeKindConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        return _NODE_KINDS[self.kind].format(v=value)

    def generic(self, ctx: _Context) -> str:
        return f"Value is not of Node Kind {ctx.shape.writer(self.kind)}"


_RANGE_TEXT = {
    SH.MinExclusiveConstraintComponent: (">", "<"),
    SH.MinInclusiveConstraintComponent: (">=", "<="),
    SH.MaxExclusiveConstraintComponent: ("<", ">"),
    SH.MaxInclusiveConstraintComponent: ("<=", ">="),
}


@dataclass(frozen=True)
class _Range(_ValueCheck):
    bound: Literal
    all_bounds: tuple[Node, ...]
    component: URIRef

    def violated(self, focus: str, value: str, names: _Names) -> str:
        op = _RANGE_TEXT[self.component][1]
        bound = _const(self.bound)
        if isinstance(self.bound.value, str):
            # pySHACL compares only a string with a string, and a non-string with a non-string
            same = f"isLiteral({value}) && DATATYPE({value}) IN (xsd:string, rdf:langString)"
        else:
            same = f"isLiteral({value}) && !(DATATYPE({value}) IN (xsd:string, rdf:langString))"
        return f"!COALESCE({same} && {bound} {op} {value}, false)"

    def generic(self, ctx: _Context) -> str:
        shown, _ = _RANGE_TEXT[self.component]
        write = ctx.shape.writer
        if len(self.all_bounds) < 2:
            return f"Value is not {shown} {write(self.all_bounds[0])}"
        return "Value is not {} in ({})".format(shown, ", ".join(write(b) for b in self.all_bounds))


@dataclass(frozen=True)
class _Length(_ValueCheck):
    length: Literal
    component: URIRef

    def violated(self, focus: str, value: str, names: _Names) -> str:
        op = ">=" if self.component == SH.MinLengthConstraintComponent else "<="
        if op == ">=" and self.length.value == 0:
            return "false"  # pySHACL lets even a blank node pass a minimum length of 0
        return (
            f"(isBlank({value}) || !COALESCE(STRLEN(STR({value})) {op} {int(self.length)}, false))"
        )

    def generic(self, ctx: _Context) -> str:
        op = ">=" if self.component == SH.MinLengthConstraintComponent else "<="
        return f"String length not {op} {ctx.data(self.length)}"


@dataclass(frozen=True)
class _Pattern(_ValueCheck):
    pattern: str
    flags: str
    all_patterns: tuple[str, ...]
    component: URIRef = SH.PatternConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        flags = f", {_string(self.flags)}" if self.flags else ""
        return f"(isBlank({value}) || !REGEX(STR({value}), {_string(self.pattern)}{flags}))"

    def generic(self, ctx: _Context) -> str:
        if len(self.all_patterns) < 2:
            return f"Value does not match pattern '{self.pattern}'"
        return "Value does not match every pattern in ('{}')".format("', '".join(self.all_patterns))


@dataclass(frozen=True)
class _LanguageIn(_ValueCheck):
    languages: tuple[str, ...]
    list_node: Node
    component: URIRef = SH.LanguageInConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        if "*" in self.languages:
            return f'!(isLiteral({value}) && LANG({value}) != "")'
        # as pySHACL: the whole tag or its first subtag, case-insensitive (not langMatches)
        tags = ", ".join(_string(t) for t in self.languages)
        lang = f"LCASE(LANG({value}))"
        first = f'REPLACE({lang}, "-.*$", "")'
        return (
            f'!(isLiteral({value}) && LANG({value}) != "" '
            f"&& ({lang} IN ({tags}) || {first} IN ({tags})))"
        )

    def generic(self, ctx: _Context) -> str:
        return f"String language is not in {ctx.shape.writer(self.list_node)}"


@dataclass(frozen=True)
class _In(_ValueCheck):
    members: tuple[Node, ...]
    component: URIRef = SH.InConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        if not self.members:
            return "true"
        same = " || ".join(f"sameTerm({value}, {_const(m)})" for m in self.members)
        return f"!({same})"

    def generic(self, ctx: _Context) -> str:
        members = [ctx.shape.writer(m) for m in self.members]
        return f"Value {ctx.data(ctx.value)} not in list {members}"


@dataclass(frozen=True)
class _HasValueOnNode(_ValueCheck):
    """sh:hasValue on a node shape: the focus node is the value (pySHACL reports no value)."""

    member: Node
    all_members: tuple[Node, ...]
    component: URIRef = SH.HasValueConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        return f"!sameTerm({value}, {_const(self.member)})"

    def generic(self, ctx: _Context) -> str:
        members = [ctx.shape.writer(m) for m in self.all_members]
        return f"Node {ctx.data(ctx.focus)} value is not a in the set of values: {members}"


@dataclass(frozen=True)
class _NodeShape(_ValueCheck):
    """sh:node: the value conforms to the shape (pySHACL: no result of any severity)."""

    target: _Shape
    all_targets: tuple[Node, ...]
    component: URIRef = SH.NodeConstraintComponent

    def violated(self, focus: str, value: str, names: _Names) -> str:
        return self.target.has_results(value, names)

    def generic(self, ctx: _Context) -> str:
        write = ctx.shape.writer
        if len(self.all_targets) < 2:
            text = f"Value does not conform to Shape {write(self.all_targets[0])}."
        else:
            text = "Value must conform to every Shape in ('{}').".format(
                "', '".join(write(t) for t in self.all_targets)
            )
        return text + " See details for more information."


_LOGICAL = {
    SH.OrConstraintComponent: ("one or more shapes in", " and "),
    SH.AndConstraintComponent: ("all shapes in", " and "),
    SH.XoneConstraintComponent: ("exactly one shape in", " and "),
}


@dataclass(frozen=True)
class _Logical(_ValueCheck):
    """sh:or, sh:and, sh:xone over a list of shapes, and sh:not over one."""

    members: tuple[_Shape, ...]
    all_lists: tuple[Node, ...]
    component: URIRef

    def violated(self, focus: str, value: str, names: _Names) -> str:
        fails = [m.nonconforming(value, names) for m in self.members]
        if self.component == SH.NotConstraintComponent:
            return f"!{fails[0]}"
        if self.component == SH.OrConstraintComponent:
            return "(" + " && ".join(fails) + ")" if fails else "true"
        if self.component == SH.AndConstraintComponent:
            return "(" + " || ".join(fails) + ")" if fails else "false"
        conforming = " + ".join(f"IF({f}, 0, 1)" for f in fails) or "0"
        return f"({conforming}) != 1"

    def generic(self, ctx: _Context) -> str:
        write, value = ctx.shape.writer, ctx.data(ctx.value)
        graph = ctx.shape.graph
        if self.component == SH.NotConstraintComponent:
            if len(self.all_lists) == 1:
                return f"Node {value} must not conform to shape {write(self.all_lists[0])}"
            nots = " , ".join(write(n) for n in self.all_lists)
            return f"Node {value} must not conform to any shapes in {nots}"
        words, _ = _LOGICAL[self.component]
        if len(self.all_lists) < 2:
            listed = " , ".join(write(m) for m in graph.items(self.all_lists[0]))
        else:
            listed = " and ".join(
                "({})".format(" , ".join(write(m) for m in graph.items(lst)))
                for lst in self.all_lists
            )
        return f"Node {value} must conform to {words} {listed}"


@dataclass(frozen=True)
class _Count(_FocusCheck):
    """sh:minCount and sh:maxCount."""

    limit: int
    component: URIRef

    def violated(self, focus: str, values: Callable[[str], str], names: _Names) -> str:
        if self.component == SH.MinCountConstraintComponent:
            return "false" if self.limit == 0 else f"!{_at_least(self.limit, values, names)}"
        return _at_least(self.limit + 1, values, names)

    def generic(self, ctx: _Context) -> str:
        words = "Less" if self.component == SH.MinCountConstraintComponent else "More"
        shape = ctx.shape
        return (
            f"{words} than {self.limit} values on {ctx.data(ctx.focus)}->{shape.writer(shape.path)}"
        )


@dataclass(frozen=True)
class _HasValue(_FocusCheck):
    member: Node
    all_members: tuple[Node, ...]
    component: URIRef = SH.HasValueConstraintComponent

    def violated(self, focus: str, values: Callable[[str], str], names: _Names) -> str:
        v = names()
        return f"NOT EXISTS {{ {values(v)} FILTER(sameTerm({v}, {_const(self.member)})) }}"

    def generic(self, ctx: _Context) -> str:
        members = [ctx.shape.writer(m) for m in self.all_members]
        path = ctx.shape.writer(ctx.shape.path)
        return f"Node {ctx.data(ctx.focus)}->{path} does not contain a value in the set: {members}"


@dataclass(frozen=True)
class _Qualified(_FocusCheck):
    """sh:qualifiedValueShape with sh:qualifiedMinCount or sh:qualifiedMaxCount."""

    target: _Shape
    siblings: tuple[_Shape, ...]
    limit: int
    minimum: int | None
    maximum: int | None
    all_targets: tuple[Node, ...]
    component: URIRef

    def violated(self, focus: str, values: Callable[[str], str], names: _Names) -> str:
        def qualifying(v: str) -> str:
            conditions = [f"!{self.target.nonconforming(v, names)}"]
            conditions += [s.nonconforming(v, names) for s in self.siblings]
            return values(v) + " FILTER({})".format(" && ".join(conditions))

        if self.component == SH.QualifiedMinCountConstraintComponent:
            return "false" if self.limit == 0 else f"!{_at_least(self.limit, qualifying, names)}"
        return _at_least(self.limit + 1, qualifying, names)

    def generic(self, ctx: _Context) -> str:
        write = ctx.shape.writer
        shapes = ",".join(write(s) for s in self.all_targets)
        counts = ""
        if self.minimum is not None:
            counts += f" MinCount {self.minimum}"
        if self.maximum is not None:
            counts += f" MaxCount {self.maximum}"
        if len(self.all_targets) > 1:
            return f"Focus node does not conform to shapes{counts}: ({shapes})"
        return f"Focus node does not conform to shape{counts}: {shapes}"


@dataclass(frozen=True)
class _UniqueLang(_Check):
    component: URIRef = SH.UniqueLangConstraintComponent

    def generic(self, ctx: _Context) -> str:
        return "More than one String shares the same Language"


_PAIRS = {
    SH.equals: (SH.EqualsConstraintComponent, "!="),
    SH.disjoint: (SH.DisjointConstraintComponent, "=="),
    SH.lessThan: (SH.LessThanConstraintComponent, "<="),
    SH.lessThanOrEquals: (SH.LessThanOrEqualsConstraintComponent, "<"),
}


@dataclass(frozen=True)
class _Pair(_Check):
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: a result per offending pair."""

    parameter: URIRef
    other: Node
    all_others: tuple[Node, ...]
    component: URIRef

    def pattern(self, focus: str, values: Callable[[str], str], value: str, other: str) -> str:
        """Rows of ``value`` (and ``other``) that break the constraint, for ``focus``."""
        o = _const(self.other)
        if self.parameter == SH.equals:
            # values missing on either side; the value reported is the one that is missing
            return (
                f"{{ {values(value)} FILTER NOT EXISTS {{ {focus} {o} {value} }} }} UNION "
                f"{{ {focus} {o} {value} FILTER NOT EXISTS {{ {values(other)} "
                f"FILTER(sameTerm({other}, {value})) }} }}"
            )
        if self.parameter == SH.disjoint:
            return f"{values(value)} {focus} {o} {value} ."
        op = "<" if self.parameter == SH.lessThan else "<="
        stringy = (
            "(isIRI({x}) || (isLiteral({x}) && DATATYPE({x}) IN (xsd:string, rdf:langString)))"
        )
        s_value, s_other = stringy.format(x=value), stringy.format(x=other)
        # pySHACL compares IRIs and strings as text, and refuses a string beside a non-string
        passes = (
            f"IF({s_value} || {s_other}, {s_value} && {s_other} && STR({value}) {op} STR({other}), "
            f"COALESCE({value} {op} {other}, false))"
        )
        return f"{values(value)} {focus} {o} {other} . FILTER(!COALESCE({passes}, false))"

    def generic(self, ctx: _Context) -> str:
        _, shown = _PAIRS[self.parameter]
        write = ctx.shape.writer
        others = ", ".join(write(p) for p in self.all_others)
        return f"Value of {ctx.data(ctx.focus)}->{others} {shown} {ctx.data(ctx.value)}"


@dataclass(frozen=True)
class _Closed(_Check):
    allowed: tuple[Node, ...]
    component: URIRef = SH.ClosedConstraintComponent

    def generic(self, ctx: _Context) -> str:
        return f"Node {ctx.data(ctx.focus)} is closed. It cannot have value: {ctx.data(ctx.value)}"


@dataclass(frozen=True)
class _Sparql(_Check):
    """An sh:sparql constraint, run once for all focus nodes with $this joined to them."""

    node: Node
    prologue: str
    select: str
    variables: tuple[str, ...]
    projects_this: bool
    messages: frozenset[Literal]
    group: str | None  # the contents of its WHERE group, when they can be joined in place
    component: URIRef = SH.SPARQLConstraintComponent


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Shape:
    node: Node
    graph: Graph
    writer: _Writer
    label: str
    path: Node | None = None
    sparql_path: str | None = None
    severity: Node = SH.Violation
    messages: frozenset[Literal] = frozenset()
    deactivated: bool = False
    targets: list[Callable[[str], str]] = field(default_factory=list)  # bind a variable
    value_checks: list[_ValueCheck] = field(default_factory=list)
    focus_checks: list[_FocusCheck] = field(default_factory=list)
    unique_lang: _UniqueLang | None = None
    pairs: list[_Pair] = field(default_factory=list)
    closed: _Closed | None = None
    sparql: list[_Sparql] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None

    @property
    def allowed(self) -> bool:
        """Whether pySHACL (allow_warnings) lets this shape conform whatever it finds."""
        return self.severity in _ALLOWED

    def values(self, focus: str) -> Callable[[str], str]:
        """Return a function writing the triple pattern that binds a value node of ``focus``."""
        if self.sparql_path is None:
            return lambda v: f"BIND({focus} AS {v})"
        path = self.sparql_path
        return lambda v: f"{focus} {path} {v} ."

    def _own_checks(self, focus: str, names: _Names) -> list[str]:
        """Expressions true when a constraint of this shape itself (not sh:property) fails."""
        if self.sparql:
            raise UnsupportedShapesError(
                self.label,
                "an sh:sparql constraint in a shape used by sh:node, sh:or, "
                "sh:and, sh:not, sh:xone or sh:qualifiedValueShape",
                "sparql-constraints",
            )
        values = self.values(focus)
        found = [c.violated(focus, values, names) for c in self.focus_checks]
        if self.value_checks:
            v = names() if self.is_property else focus
            checks = " || ".join(c.violated(focus, v, names) for c in self.value_checks)
            if self.is_property:
                found.append(f"EXISTS {{ {values(v)} FILTER({checks}) }}")
            else:
                found.append(f"({checks})")
        if self.unique_lang is not None:
            a, b = names(), names()
            found.append(f"EXISTS {{ {values(a)} {values(b)} FILTER({_same_lang(a, b)}) }}")
        for pair in self.pairs:
            v, o = names(), names()
            found.append(f"EXISTS {{ {pair.pattern(focus, values, v, o)} }}")
        if self.closed is not None:
            p, o = names(), names()
            found.append(f"EXISTS {{ {_closed(self.closed, focus, p, o)} }}")
        return found

    def _nested(self, focus: str, names: _Names, test: Callable[[_Shape, str], str]) -> list[str]:
        """Expressions over this shape's sh:property shapes, on its value nodes."""
        found = []
        for prop in self.properties:
            if self.is_property:
                v = names()
                found.append(f"EXISTS {{ {self.values(focus)(v)} FILTER({test(prop, v)}) }}")
            else:
                found.append(test(prop, focus))
        return found

    def has_results(self, focus: str, names: _Names) -> str:
        """Return a SPARQL expression true when validating ``focus`` here gives results."""
        if self.deactivated:
            return "false"
        parts = self._own_checks(focus, names)
        parts += self._nested(focus, names, lambda s, v: s.has_results(v, names))
        return "(" + " || ".join(parts) + ")" if parts else "false"

    def nonconforming(self, focus: str, names: _Names) -> str:
        """Return a SPARQL expression true when ``focus`` does not conform, as pySHACL decides.

        pySHACL (with ``allow_warnings``) lets a shape of severity sh:Warning or sh:Info
        conform whatever its constraints find.
        """
        if self.deactivated or self.allowed:
            return "false"
        parts = self._own_checks(focus, names)
        parts += self._nested(focus, names, lambda s, v: s.nonconforming(v, names))
        return "(" + " || ".join(parts) + ")" if parts else "false"


def _at_least(k: int, values: Callable[[str], str], names: _Names) -> str:
    """Return an expression true when at least ``k`` distinct values exist."""
    if k > _MAX_NESTED_COUNT:
        raise _TooMany(k)
    found = [names() for _ in range(k)]
    patterns = " ".join(values(v) for v in found)
    different = [f"!sameTerm({a}, {b})" for i, a in enumerate(found) for b in found[i + 1 :]]
    filters = " FILTER({})".format(" && ".join(different)) if different else ""
    return f"EXISTS {{ {patterns}{filters} }}"


class _TooMany(Exception):
    """A count too large for the nested form; top-level queries then count with GROUP BY."""

    def __init__(self, k: int) -> None:
        super().__init__(k)
        self.k = k


def _same_lang(a: str, b: str) -> str:
    return (
        f'!sameTerm({a}, {b}) && isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" '
        f"&& LCASE(LANG({a})) = LCASE(LANG({b}))"
    )


def _closed(closed: _Closed, focus: str, p: str, o: str) -> str:
    allowed = ", ".join(_const(a) for a in closed.allowed)
    not_in = f"FILTER(!({p} IN ({allowed})))" if allowed else ""
    return f"{focus} {p} {o} . {not_in}"


def _valid_day(v: str) -> str:
    """Return an expression true when the day of a date exists in its month (no 30 Feb)."""
    text = f"STR({v})"
    month, day = f"SUBSTR({text}, 6, 2)", f"SUBSTR({text}, 9, 2)"
    leap = f"REGEX({text}, {_string(_LEAP_YEAR)})"
    last = (
        f'IF({month} = "02", IF({leap}, "29", "28"), '
        f'IF({month} IN ("04", "06", "09", "11"), "30", "31"))'
    )
    return f'!STRSTARTS({text}, "0000") && {day} <= {last}'


def _malformed(where: str, problem: str, anchor: str = "core-components") -> ShapesError:
    """Return the error for shapes that are not well-formed, with the spec section to read."""
    error = ShapesError(f"{where}: {problem}")
    error.args = (f"{where}: {problem} (see {_SPEC}#{anchor})",)
    return error


def _around(before: str, after: str) -> Callable[[str], str]:
    """Return a pattern writing its variable between two texts."""

    def pattern(var: str) -> str:
        return f"{before}{var}{after}"

    return pattern


def _const(node: Node) -> str:
    try:
        return to_sparql(node)
    except ValueError:
        raise ShapesError(
            f"{node!r} cannot be written in a SPARQL query (a blank node or a malformed IRI); "
            'validate with pySHACL (engine="pyshacl") instead'
        ) from None


def _string(text: str) -> str:
    return to_sparql(Literal(text))


# ---------------------------------------------------------------------------------------------
# Compiling the shapes graph
# ---------------------------------------------------------------------------------------------


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.writer = _Writer(graph, graph.namespace_manager)
        self.shapes: dict[Node, _Shape] = {}
        self.building: set[Node] = set()
        self._check_advanced()

    def _check_advanced(self) -> None:
        g = self.graph
        for predicate, feature in _ADVANCED.items():
            for subject in g.subjects(predicate, None):
                raise UnsupportedShapesError(self.describe(subject), feature, "part2")
        for component in g.subjects(RDF.type, SH.ConstraintComponent):
            for parameter in g.objects(component, SH.parameter):
                for path in g.objects(parameter, SH.path):
                    if next(g.subjects(path, None), None) is not None:
                        raise UnsupportedShapesError(
                            self.describe(component),
                            "a SPARQL-based constraint component",
                            "constraint-components",
                        )

    def describe(self, node: Node) -> str:
        """Name a shape for an error message, a blank node by its path and its parent."""
        g = self.graph
        if not isinstance(node, BNode):
            return self.writer(node)
        path = g.value(node, SH.path)
        parent = g.value(None, SH.property, node)
        text = "a shape"
        if path is not None:
            text = f"the property shape on {self.writer(path)}"
        if parent is not None:
            text += f" of {self.describe(parent)}"
        return text

    def shape_nodes(self) -> list[Node]:
        """Every node pySHACL takes for a shape, as its shapes-graph loader finds them."""
        g = self.graph
        found: set[Node] = set(g.subjects(RDF.type, SH.NodeShape))
        found |= set(g.subjects(RDF.type, SH.PropertyShape))
        for predicate in (
            SH.targetClass,
            SH.targetNode,
            SH.targetObjectsOf,
            SH.targetSubjectsOf,
            SH.property,
            SH.node,
        ):
            found |= set(g.subjects(predicate, None))
        for predicate in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
            found |= set(g.objects(None, predicate))
        for predicate in (SH["and"], SH["or"], SH.xone):
            for members in g.objects(None, predicate):
                found |= set(g.items(members))
        return sorted(found, key=str)

    def shape(self, node: Node) -> _Shape:
        if node in self.shapes:
            return self.shapes[node]
        label = self.describe(node)
        if node in self.building:
            raise UnsupportedShapesError(label, "a recursive shape", "shapes-recursion")
        self.building.add(node)
        try:
            shape = self._build(node, label)
        finally:
            self.building.discard(node)
        self.shapes[node] = shape
        return shape

    def _one(self, node: Node, predicate: URIRef, label: str) -> Node | None:
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            name = self.writer(predicate)
            raise _malformed(label, f"more than one {name}", "core-components")
        return values[0] if values else None

    def _int(self, node: Node, predicate: URIRef, label: str) -> int | None:
        value = self._one(node, predicate, label)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.value, int)) or value.value < 0:
            name = self.writer(predicate)
            raise _malformed(label, f"{name} must be a non-negative xsd:integer, not {value}")
        return int(value.value)

    def _build(self, node: Node, label: str) -> _Shape:
        g = self.graph
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1:
            raise _malformed(label, "a property shape has one sh:path", "property-shapes")
        shape = _Shape(node=node, graph=g, writer=self.writer, label=label)
        if paths:
            shape.path = paths[0]
            shape.sparql_path = self.path(paths[0], label)
        severity = self._one(node, SH.severity, label)
        if severity is not None:
            shape.severity = severity
        shape.messages = frozenset(m for m in g.objects(node, SH.message) if isinstance(m, Literal))
        deactivated = self._one(node, SH.deactivated, label)
        shape.deactivated = isinstance(deactivated, Literal) and bool(deactivated.value)
        shape.targets = self.targets(node, label)

        def objects(predicate: URIRef, as_set: bool = False) -> tuple[Node, ...]:
            # in the order pySHACL lists them in its messages: the graph's, or a set's
            found = g.objects(node, predicate)
            return tuple(set(found)) if as_set else tuple(found)

        values, focus = shape.value_checks, shape.focus_checks
        classes = objects(SH["class"])
        values += [_Class(c, classes) for c in classes]
        datatype = self._one(node, SH.datatype, label)
        if datatype is not None:
            values.append(_Datatype(datatype))
        kind = self._one(node, SH.nodeKind, label)
        if kind is not None:
            if kind not in _NODE_KINDS:
                raise _malformed(label, f"{kind} is not a node kind", "NodeKindConstraintComponent")
            values.append(_NodeKind(kind))
        for predicate, component in (
            (SH.minExclusive, SH.MinExclusiveConstraintComponent),
            (SH.minInclusive, SH.MinInclusiveConstraintComponent),
            (SH.maxExclusive, SH.MaxExclusiveConstraintComponent),
            (SH.maxInclusive, SH.MaxInclusiveConstraintComponent),
        ):
            bounds = objects(predicate)
            for bound in bounds:
                if not isinstance(bound, Literal):
                    raise _malformed(label, f"{self.writer(predicate)} takes a literal")
                values.append(_Range(bound, bounds, component))
        for predicate, component in (
            (SH.minLength, SH.MinLengthConstraintComponent),
            (SH.maxLength, SH.MaxLengthConstraintComponent),
        ):
            length = self._one(node, predicate, label)
            if length is not None:
                if not (isinstance(length, Literal) and isinstance(length.value, int)):
                    raise ShapesError(f"{label}: {self.writer(predicate)} takes an integer")
                values.append(_Length(length, component))
        patterns = objects(SH.pattern)
        if patterns:
            flags_node = self._one(node, SH.flags, label)
            flags = str(flags_node).lower() if flags_node is not None else ""
            # pySHACL honours only the "i" and "m" flags
            flags = "".join(f for f in "im" if f in flags)
            texts = tuple(str(p) for p in patterns)
            for text in texts:
                try:
                    re.compile(text)
                except re.error as error:
                    raise ShapesError(
                        f"{label}: sh:pattern {text!r} is not a regular expression: {error}"
                    ) from None
                values.append(_Pattern(text, flags, texts))
        language_in = self._one(node, SH.languageIn, label)
        if language_in is not None:
            tags = tuple(str(t).lower() for t in g.items(language_in))
            values.append(_LanguageIn(tags, language_in))
        members = self._one(node, SH["in"], label)
        if members is not None:
            listed: set[Node] = set()
            for member in g.items(members):  # a set filled in list order, as pySHACL's
                listed.add(member)
            values.append(_In(tuple(listed)))
        nodes = objects(SH.node)
        for target in nodes:
            nested = self.shape(target)
            if nested.is_property:
                raise _malformed(
                    label,
                    f"sh:node {self.writer(target)} is a property shape",
                    "NodeConstraintComponent",
                )
            values.append(_NodeShape(nested, nodes))
        nots = objects(SH["not"])
        for target in nots:
            values.append(_Logical((self.shape(target),), nots, SH.NotConstraintComponent))
        for predicate, component in (
            (SH["and"], SH.AndConstraintComponent),
            (SH["or"], SH.OrConstraintComponent),
            (SH.xone, SH.XoneConstraintComponent),
        ):
            lists = objects(predicate)
            for members_node in lists:
                shapes = tuple(self.shape(m) for m in g.items(members_node))
                if not shapes:
                    raise _malformed(label, f"{self.writer(predicate)} takes a non-empty list")
                values.append(_Logical(shapes, lists, component))
        has_values = objects(SH.hasValue, as_set=True)
        for member in has_values:
            if shape.is_property:
                focus.append(_HasValue(member, has_values))
            else:
                values.append(_HasValueOnNode(member, has_values))
        if shape.is_property:
            for predicate, component in (
                (SH.minCount, SH.MinCountConstraintComponent),
                (SH.maxCount, SH.MaxCountConstraintComponent),
            ):
                limit = self._int(node, predicate, label)
                if limit is not None:
                    focus.append(_Count(limit, component))
            unique = self._one(node, SH.uniqueLang, label)
            if isinstance(unique, Literal) and unique.value is True:
                shape.unique_lang = _UniqueLang()
            focus += self.qualified(node, label)
            for predicate, (component, _) in _PAIRS.items():
                others = objects(predicate, as_set=True)
                shape.pairs += [_Pair(predicate, o, others, component) for o in others]
        else:
            for predicate in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape):
                # pySHACL refuses these on a node shape, or ignores them there
                if (node, predicate, None) in g:
                    raise UnsupportedShapesError(
                        label, f"{self.writer(predicate)} on a node shape", "core-components"
                    )
            for predicate in (SH.lessThan, SH.lessThanOrEquals):
                if (node, predicate, None) in g:
                    raise _malformed(
                        label,
                        f"{self.writer(predicate)} needs a property shape",
                        "core-components-property-pairs",
                    )
            for predicate in (SH.equals, SH.disjoint):
                if (node, predicate, None) in g:
                    raise UnsupportedShapesError(
                        label,
                        f"{self.writer(predicate)} on a node shape",
                        "core-components-property-pairs",
                    )
        closed = self._one(node, SH.closed, label)
        if isinstance(closed, Literal) and closed.value is True:
            if shape.is_property:
                raise UnsupportedShapesError(
                    label, "sh:closed on a property shape", "ClosedConstraintComponent"
                )
            shape.closed = self.closed(node)
        for constraint in objects(SH.sparql):
            found = self.sparql(shape, constraint)
            if found is not None:
                shape.sparql.append(found)
        for prop in objects(SH.property):
            shape.properties.append(self.shape(prop))
        return shape

    def qualified(self, node: Node, label: str) -> list[_FocusCheck]:
        g = self.graph
        targets = tuple(set(g.objects(node, SH.qualifiedValueShape)))
        minimum = self._int(node, SH.qualifiedMinCount, label)
        maximum = self._int(node, SH.qualifiedMaxCount, label)
        if not targets:
            return []
        if minimum is None and maximum is None:
            raise _malformed(
                label,
                "sh:qualifiedValueShape needs sh:qualifiedMinCount or sh:qualifiedMaxCount",
                "QualifiedValueShapeConstraintComponent",
            )
        disjoint = any(
            isinstance(d, Literal) and d.value is True
            for d in g.objects(node, SH.qualifiedValueShapesDisjoint)
        )
        found: list[_FocusCheck] = []
        for target in targets:
            siblings: list[_Shape] = []
            if disjoint:
                for parent in g.subjects(SH.property, node):
                    for sibling_property in g.objects(parent, SH.property):
                        for sibling in g.objects(sibling_property, SH.qualifiedValueShape):
                            if sibling != target:
                                siblings.append(self.shape(sibling))
            nested = self.shape(target)
            for limit, component in (
                (minimum, SH.QualifiedMinCountConstraintComponent),
                (maximum, SH.QualifiedMaxCountConstraintComponent),
            ):
                if limit is not None:
                    found.append(
                        _Qualified(
                            nested, tuple(siblings), limit, minimum, maximum, targets, component
                        )
                    )
        return found

    def closed(self, node: Node) -> _Closed:
        g = self.graph
        allowed: list[Node] = []
        for prop in g.objects(node, SH.property):
            path = g.value(prop, SH.path)
            if isinstance(path, URIRef):
                allowed.append(path)
        for ignored in g.objects(node, SH.ignoredProperties):
            allowed += list(g.items(ignored))
        return _Closed(tuple(sorted(set(allowed), key=str)))

    def targets(self, node: Node, label: str) -> list[Callable[[str], str]]:
        g = self.graph
        classes = [_const(c) for c in g.objects(node, SH.targetClass)]
        types = set(g.objects(node, RDF.type))
        if types & {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}:
            classes.append(_const(node))  # an implicit class target: the shape is a class too
        found = [_around("", f" rdf:type/rdfs:subClassOf* {c} .") for c in classes]
        nodes = list(g.objects(node, SH.targetNode))
        if nodes:
            if any(isinstance(n, BNode) for n in nodes):
                raise UnsupportedShapesError(label, "a blank node in sh:targetNode", "targetNode")
            listed = " ".join(_const(n) for n in nodes)
            found.append(_around("VALUES ", f" {{ {listed} }}"))
        for predicate in map(_const, g.objects(node, SH.targetSubjectsOf)):
            found.append(_around("", f" {predicate} [] ."))
        for predicate in map(_const, g.objects(node, SH.targetObjectsOf)):
            found.append(_around(f"[] {predicate} ", " ."))
        return found

    def path(self, node: Node, label: str) -> str:
        g = self.graph
        if isinstance(node, URIRef):
            return _const(node)
        if (node, RDF.first, None) in g:
            steps = [self.path(step, label) for step in g.items(node)]
            if len(steps) < 2:
                raise _malformed(label, "a sequence path has two or more steps", "property-paths")
            return "(" + "/".join(steps) + ")"
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(step, label) for step in g.items(alternatives)) + ")"
        for predicate, form in (
            (SH.inversePath, "^({})"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = g.value(node, predicate)
            if inner is not None:
                return form.format(self.path(inner, label))
        raise _malformed(
            label, f"{self.writer(node)} is not a SHACL property path", "property-paths"
        )

    # SHACL-SPARQL ------------------------------------------------------------------------------

    def prefixes(self, constraint: Node) -> dict[str, str]:
        """Return the prefixes of a SPARQL constraint, collected as pySHACL collects them."""
        g = self.graph
        found = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        values = set(g.objects(constraint, SH.prefixes))
        if not values:
            return found
        graph_declares = set(g.objects(g.identifier, SH.declare))
        ontologies = set(g.subjects(RDF.type, OWL.Ontology))
        every_ontology = set(graph_declares)
        for ontology in ontologies:
            every_ontology |= set(g.objects(ontology, SH.declare))
        for value in values:
            own = set(g.objects(value, SH.declare))
            declares = own | graph_declares if own and value in ontologies else every_ontology | own
            for declare in declares:
                prefix, namespace = g.value(declare, SH.prefix), g.value(declare, SH.namespace)
                if prefix is None or namespace is None:
                    raise _malformed(
                        self.writer(declare),
                        "sh:declare needs one sh:prefix and one sh:namespace",
                        "sparql-prefixes",
                    )
                found[str(prefix)] = str(namespace)
        return found

    def sparql(self, shape: _Shape, constraint: Node) -> _Sparql | None:
        g, label = self.graph, shape.label
        deactivated = g.value(constraint, SH.deactivated)
        if isinstance(deactivated, Literal) and deactivated.value is True:
            return None
        if g.value(constraint, SH.ask) is not None and g.value(constraint, SH.select) is None:
            raise _malformed(
                label, "an sh:sparql constraint takes sh:select", "SPARQLConstraintComponent"
            )
        selects = list(g.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise _malformed(
                label,
                "an sh:sparql constraint has exactly one sh:select text",
                "SPARQLConstraintComponent",
            )
        text = str(selects[0])
        for name in ("shapesGraph", "currentShape"):
            if re.search(rf"[\s{{}}()][$?]{name}\b", text):
                raise UnsupportedShapesError(
                    label, f"${name} in an sh:select", "sparql-constraints-prebound"
                )
        if _PATH_VAR.search(text):
            if shape.sparql_path is None:
                raise _malformed(
                    label,
                    "the sh:select uses $PATH, but the shape has no sh:path",
                    "sparql-constraints-path",
                )
            path = shape.sparql_path
            text = _PATH_VAR.sub(lambda m: m.group(1) + path, text)
        prefixes = self.prefixes(constraint)
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
        own_prologue, body = _split_prologue(text)
        group = _flatten(body)
        variables, mentions, projects = _analyse(header + text, label, check=group is None)
        if group is not None:
            # joined in place after the focus nodes, as it will run
            joined = f"SELECT * WHERE {{ ?this <urn:x-accsm-kg:focus> [] . {group} }}"
            _analyse(header + own_prologue + joined, label, check=True)
        elif mentions and not projects:
            body = _project_this(body, label)
        messages = frozenset(m for m in g.objects(constraint, SH.message) if isinstance(m, Literal))
        return _Sparql(
            node=constraint,
            prologue=header + own_prologue,
            select=body,
            variables=variables,
            projects_this=projects,
            messages=messages,
            group=group,
        )


_PATH_VAR = re.compile(r"([\s{}()])[\$\?]PATH")
_THIS = Variable("this")


def _split_prologue(text: str) -> tuple[str, str]:
    """Split a query into its PREFIX and BASE declarations and the rest."""
    position = 0
    declaration = re.compile(
        r"(?:\s|#[^\n]*)*(?:PREFIX\s+[^\s:]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)", re.IGNORECASE
    )
    while match := declaration.match(text, position):
        position = match.end()
    return text[:position] + "\n", text[position:]


_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
)
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_SIMPLE_SELECT = re.compile(
    r"\s*SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?:(?:[?$]\w+\s*)+|\*\s*)(?:WHERE\s*)?\{",
    re.IGNORECASE,
)
_OUR_NAMES = re.compile(r"[?$]_[fv]\d")


def _flatten(body: str) -> str | None:
    """Return the contents of a query's WHERE group, if the query is only that.

    Joined in place, after the focus pattern, its patterns are joined by index lookups from
    each focus node, and $this is bound before its FILTERs read it, as pre-binding would.
    A query with solution modifiers, expressions in its projection, or names that our own
    patterns use, is joined as a subquery instead.
    """
    match = _SIMPLE_SELECT.match(body)
    if match is None or _OUR_NAMES.search(body):
        return None
    depth, i = 1, match.end()
    while i < len(body):
        char = body[i]
        if char == "#":
            end = body.find("\n", i)
            i = len(body) if end < 0 else end
            continue
        found = _STRING.match(body, i) if char in "\"'" else None
        found = found or (_IRI.match(body, i) if char == "<" else None)
        if found:
            i = found.end()
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    rest = re.sub(r"#[^\n]*", "", body[i + 1 :])
    if depth != 0 or rest.strip():
        return None
    return body[match.end() : i]


def _project_this(body: str, label: str) -> str:
    """Add ?this to the projection of a query that uses $this without selecting it."""
    match = re.match(r"(?:\s|#[^\n]*)*SELECT(?:\s+(?:DISTINCT|REDUCED))?", body, re.IGNORECASE)
    if match is None or re.match(r"\s*\*", body[match.end() :]):
        raise UnsupportedShapesError(
            label,
            "an sh:select that uses $this without selecting it",
            "sparql-constraints-prebound",
        )
    return body[: match.end()] + " ?this" + body[match.end() :]


def _analyse(text: str, label: str, *, check: bool) -> tuple[tuple[str, ...], bool, bool]:
    """Parse a query; with ``check``, also check that joining $this means pre-binding it.

    SHACL pre-binds $this to each focus node in turn. Running the query once, joined with all
    focus nodes, gives the same rows when $this is bound before anything reads it: so $this
    may not be read only in a FILTER, BIND, OPTIONAL or ORDER BY over a part that does not
    bind it, nor appear under LIMIT or in an aggregate not grouped by it. Returns the
    projected variable names, whether the query mentions $this, whether it projects it.
    """
    from rdflib.plugins.sparql import prepareQuery

    try:
        query = prepareQuery(text)
    except Exception as error:  # rdflib's parser raises many kinds
        raise _malformed(label, f"the sh:select is not valid SPARQL: {error}") from None
    algebra = query.algebra
    if algebra.name != "SelectQuery":
        raise _malformed(label, "sh:select holds a SELECT query", "SPARQLConstraintComponent")
    forbidden = _forbidden(algebra.p)
    if forbidden is not None:
        raise _malformed(
            label, f"an sh:select may not hold {forbidden} (SHACL-SPARQL forbids it)", "pre-binding"
        )
    function = _first(algebra.p, _is_extension_function)
    if function is not None:
        raise UnsupportedShapesError(
            label, f"the function <{function.iri}> in an sh:select", "sparql-constraints"
        )
    if algebra.get("datasetClause"):
        raise UnsupportedShapesError(label, "FROM in an sh:select", "sparql-constraints")
    try:
        if check:
            _bound(algebra.p)
    except _NotPrebindable as error:
        raise UnsupportedShapesError(
            label, f"$this {error} in an sh:select", "sparql-constraints-prebound"
        ) from None
    names = tuple(str(v) for v in algebra.PV)
    return names, _mentions(algebra.p), "this" in names


#: What SHACL-SPARQL forbids in a query, by the name rdflib gives it: in the algebra, and in
#: the parsed patterns of EXISTS and NOT EXISTS, which rdflib translates only as they run.
_FORBIDDEN = {
    "ServiceGraphPattern": "SERVICE (a federated query)",
    "Minus": "MINUS",
    "MinusGraphPattern": "MINUS",
    "values": "VALUES",
    "InlineData": "VALUES",
}


def _forbidden(part: Any) -> str | None:
    """Return what SHACL-SPARQL forbids (SERVICE, MINUS, VALUES) found anywhere in ``part``."""
    found = _first(part, lambda node: getattr(node, "name", None) in _FORBIDDEN)
    return None if found is None else _FORBIDDEN[found.name]


#: The casts of SPARQL 1.1 (section 17.5): the only functions named by an IRI every store has.
_CASTS = frozenset(
    XSD[name] for name in ("boolean", "double", "float", "decimal", "integer", "dateTime", "string")
)


def _is_extension_function(node: Any) -> bool:
    """Whether ``node`` calls a function named by an IRI that is not one of SPARQL's casts."""
    return getattr(node, "name", None) == "Function" and node.get("iri") not in _CASTS


def _first(part: Any, wanted: Callable[[Any], bool]) -> Any:
    """Return the first part of a parsed query (its algebra, or patterns) that ``wanted`` picks."""
    if wanted(part):
        return part
    if isinstance(part, dict):
        children: Iterable[Any] = (v for k, v in part.items() if k != "_vars")
    elif isinstance(part, list | tuple):
        children = part
    else:
        return None
    for child in children:
        found = _first(child, wanted)
        if found is not None:
            return found
    return None


def check_sparql_syntax_rules(shapes: Graph) -> None:
    """Refuse shapes whose SPARQL (sh:select, sh:ask) holds what SHACL-SPARQL forbids.

    SERVICE, MINUS and VALUES make a shapes graph ill-formed, whether or not the data gives the
    query anything to run on; a query that does not parse is left for the validator to report.

    :raises ShapesError: naming the shape and what its query holds.
    """
    from rdflib.plugins.sparql import prepareQuery

    declared = "".join(
        f"PREFIX {prefix}: <{namespace}>\n"
        for declare in shapes.objects(None, SH.declare)
        if (prefix := shapes.value(declare, SH.prefix)) is not None
        and (namespace := shapes.value(declare, SH.namespace)) is not None
    )
    writer = _Writer(shapes, shapes.namespace_manager)
    for predicate in (SH.select, SH.ask):
        for holder, text in shapes.subject_objects(predicate):
            try:
                algebra = prepareQuery(declared + str(text)).algebra
            except Exception:  # rdflib's parser raises many kinds
                continue
            forbidden = _forbidden(algebra.get("p"))
            if forbidden is not None:
                shape = shapes.value(None, SH.sparql, holder) or holder
                raise _malformed(
                    writer(shape),
                    f"an {writer(predicate)} may not hold {forbidden} (SHACL-SPARQL forbids it)",
                    "pre-binding",
                )


class _NotPrebindable(Exception):
    """A place in a query where joining $this gives other rows than pre-binding it."""


def _mentions(part: Any) -> bool:
    if isinstance(part, Variable):
        return part == _THIS
    if isinstance(part, dict):
        return any(_mentions(v) for k, v in part.items() if k != "_vars")
    if isinstance(part, list | tuple | set):
        return any(_mentions(v) for v in part)
    return False


def _bound(part: Any) -> bool:
    """Whether every row of ``part`` binds $this; raise where joining differs from pre-binding."""
    name = getattr(part, "name", None)
    if name == "BGP":
        return any(_THIS in triple for triple in part.triples)
    if name == "Join":
        return _bound(part.p1) | _bound(part.p2)
    if name == "Union":
        return _bound(part.p1) & _bound(part.p2)
    if name == "LeftJoin":
        left = _bound(part.p1)
        _bound(part.p2)
        if not left and (_mentions(part.p2) or _mentions(part.expr)):
            raise _NotPrebindable("inside an OPTIONAL whose left side does not bind it")
        return left
    if name in ("Filter", "OrderBy"):
        inner = _bound(part.p)
        if not inner and _mentions(part.expr):
            raise _NotPrebindable(
                f"read in {'a FILTER' if name == 'Filter' else 'ORDER BY'} before it is bound"
            )
        return inner
    if name == "Extend":
        inner = _bound(part.p)
        if part.var == _THIS:
            if isinstance(part.expr, Variable) and str(part.expr).startswith("__agg_"):
                return inner  # the group key projected again after GROUP BY $this
            raise _NotPrebindable("bound again with AS")
        if not inner and _mentions(part.expr):
            raise _NotPrebindable("read in a BIND before it is bound")
        return inner
    if name in ("Project", "Distinct", "Reduced", "Graph", "AggregateJoin"):
        return _bound(part.p)
    if name == "Slice":
        if _mentions(part.p):
            raise _NotPrebindable("under LIMIT or OFFSET")
        return False
    if name == "Group":
        inner = _bound(part.p)
        grouped = any(e == _THIS for e in part.expr or [])
        if _mentions(part.p) and not (grouped and inner):
            raise _NotPrebindable("in an aggregate not grouped by it")
        return inner
    if name == "ToMultiSet":
        inner = part.p
        if not _mentions(inner):
            return False
        if _THIS not in inner.PV:
            raise _NotPrebindable("in a subquery that does not select it")
        return _bound(inner)
    raise _NotPrebindable(f"beside {name}")


# ---------------------------------------------------------------------------------------------
# Queries and their results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Focus:
    """The focus nodes of a unit: a pattern binding a variable to each of them.

    The pattern may bind a node more than once (a node of two subclasses, the subject of two
    triples), so the queries are SELECT DISTINCT. It is written inline rather than as a
    DISTINCT subquery: Oxigraph joins a subquery by hashing, which evaluates the value
    patterns over the whole store, where inline patterns are joined by index lookups.
    """

    bind: Callable[[str], str]
    key: int

    @staticmethod
    def target(patterns: Sequence[Callable[[str], str]], i: int, key: int) -> _Focus:
        """Return the nodes of the i-th target of a shape that no earlier target has.

        One query per target, not a UNION (which Oxigraph also joins by hashing); each
        focus node is validated once, in the query of its first target.
        """

        def bind(var: str) -> str:
            earlier = " ".join(f"FILTER NOT EXISTS {{ {p(var)} }}" for p in patterns[:i])
            return f"{patterns[i](var)} {earlier}"

        return _Focus(bind, key)


@dataclass
class _Run:
    """One validation: the select function, the writer for data nodes, rows already seen."""

    select: Select
    data: _Writer
    classes: Sequence[Node]  # the classes of the placeholders, by index
    subclasses: list[str | None]  # each with its subclasses, written in SPARQL
    seen: set[tuple[Any, ...]] = field(default_factory=set)


_Found = list[tuple[_Check, _Result]]
_Handler = Callable[[_Run, Sequence[Node | None]], _Found]


class _Unit:
    """One shape validated on one set of focus nodes, with its sh:property shapes below it.

    :param counts: whether results count against conformance (not sh:detail ones, and not
        below a shape of severity sh:Warning or sh:Info, as pySHACL's allow_warnings decides).
    """

    def __init__(
        self, shape: _Shape, focus: _Focus, counts: bool, names: _Names, keys: Iterator[int]
    ) -> None:
        self.shape, self.focus = shape, focus
        self.counts = counts and not shape.allowed
        self.queries: list[tuple[str, _Handler]] = []
        self.details: dict[int, _Unit] = {}  # id of an sh:node check: the unit of its sh:detail
        self.children: list[_Unit] = []
        if not shape.deactivated:
            try:
                self._compile(names, keys)
            except _TooMany as error:
                raise UnsupportedShapesError(
                    shape.label, f"a count of {error.k} or more inside a nested shape",
                    "core-components-count",
                ) from None  # fmt: skip

    def _compile(self, names: _Names, keys: Iterator[int]) -> None:
        shape, focus, this = self.shape, self.focus, "?this"
        values = shape.values(this)
        if shape.value_checks:
            columns = [f"?_c{i}" for i in range(len(shape.value_checks))]
            binds = "\n  ".join(
                f"BIND(COALESCE({c.violated(this, '?value', names)}, true) AS {col})"
                for c, col in zip(shape.value_checks, columns, strict=True)
            )
            self.queries.append(
                (
                    f"{_PROLOGUE}SELECT DISTINCT ?this ?value {' '.join(columns)} WHERE {{\n"
                    f"  {focus.bind(this)}\n  {values('?value')}\n  {binds}\n"
                    f"  FILTER({' || '.join(columns)})\n}}",
                    self._value_rows,
                )
            )
            for check in shape.value_checks:
                if isinstance(check, _NodeShape):
                    detail = self._detail_focus(check, names, next(keys))
                    self.details[id(check)] = _Unit(check.target, detail, False, names, keys)
        if shape.focus_checks:
            self.queries.append((self._focus_query(names), self._focus_rows))
        if shape.unique_lang is not None:
            self.queries.append(
                (
                    f"{_PROLOGUE}SELECT DISTINCT ?this ?_lang WHERE {{\n  {focus.bind(this)}\n"
                    f"  {values('?_a')} {values('?_b')}\n  FILTER({_same_lang('?_a', '?_b')})\n"
                    f"  BIND(LCASE(LANG(?_a)) AS ?_lang)\n}}",
                    self._unique_lang_rows,
                )
            )
        for pair in shape.pairs:
            self.queries.append(
                (
                    f"{_PROLOGUE}SELECT DISTINCT ?this ?value ?_other WHERE {{\n"
                    f"  {focus.bind(this)}\n"
                    f"  {pair.pattern(this, values, '?value', '?_other')}\n}}",
                    self._pair_rows(pair),
                )
            )
        if shape.closed is not None:
            self.queries.append(
                (
                    f"{_PROLOGUE}SELECT DISTINCT ?this ?_p ?value WHERE {{\n  {focus.bind(this)}\n"
                    f"  {_closed(shape.closed, this, '?_p', '?value')}\n}}",
                    self._closed_rows,
                )
            )
        for constraint in shape.sparql:
            projected = " ".join(f"?{v}" for v in constraint.variables if v != "this")
            # the query's own group, where it can be joined in place (see _flatten)
            inner = constraint.group or f"{{ {constraint.select} }}"
            self.queries.append(
                (
                    f"{constraint.prologue}SELECT DISTINCT ?this {projected} WHERE {{\n"
                    f"  {focus.bind(this)}\n  {inner}\n}}",
                    self._sparql_rows(constraint),
                )
            )
        child = focus
        if shape.is_property and shape.properties:  # sh:property starts from the values
            inner = f"?_f{focus.key}"

            def values_of_focus(var: str) -> str:
                return f"{focus.bind(inner)} {shape.values(inner)(var)}"

            child = _Focus(values_of_focus, next(keys))
        for prop in shape.properties:
            self.children.append(_Unit(prop, child, self.counts, names, keys))

    def _detail_focus(self, check: _NodeShape, names: _Names, key: int) -> _Focus:
        """Return the value nodes that fail an sh:node shape: the focus of its sh:detail."""
        shape, focus, inner = self.shape, self.focus, f"?_f{key}"

        def where(var: str) -> str:
            failing = check.target.has_results(var, names)
            if shape.is_property:
                return f"{focus.bind(inner)} {shape.values(inner)(var)} FILTER({failing})"
            return f"{focus.bind(var)} FILTER({failing})"

        return _Focus(where, key)

    def _focus_query(self, names: _Names) -> str:
        shape, this = self.shape, "?this"
        columns, binds, counted = [], [], []  # type: list[str], list[str], list[str]
        for i, check in enumerate(shape.focus_checks):
            columns.append(f"?_c{i}")
            try:
                expression = check.violated(this, shape.values(this), names)
            except _TooMany:
                expression = self._counted(check, i, counted, names)
            binds.append(f"BIND(COALESCE({expression}, true) AS ?_c{i})")
        focus = " ".join(counted) if counted else self.focus.bind(this)
        return (
            f"{_PROLOGUE}SELECT DISTINCT ?this {' '.join(columns)} WHERE {{\n  {focus}\n  "
            + "\n  ".join(binds)
            + f"\n  FILTER({' || '.join(columns)})\n}}"
        )

    def _counted(self, check: _FocusCheck, i: int, counted: list[str], names: _Names) -> str:
        """Count with GROUP BY, for a count too large to write as "k distinct values exist"."""
        v = f"?_n{i}v"
        values = self.shape.values("?this")(v)
        if isinstance(check, _Qualified):
            limit = check.limit
            conditions = [f"!{check.target.nonconforming(v, names)}"]
            conditions += [s.nonconforming(v, names) for s in check.siblings]
            values += " FILTER({})".format(" && ".join(conditions))
        elif isinstance(check, _Count):
            limit = check.limit
        else:  # pragma: no cover - only counts can be too large
            raise AssertionError(check)
        counted.append(
            f"{{ SELECT ?this (COUNT(DISTINCT {v}) AS ?_n{i}) WHERE {{ "
            f"{self.focus.bind('?this')} OPTIONAL {{ {values} }} }} GROUP BY ?this }}"
        )
        minimum = check.component in (
            SH.MinCountConstraintComponent,
            SH.QualifiedMinCountConstraintComponent,
        )
        return f"?_n{i} < {limit}" if minimum else f"?_n{i} > {limit}"

    # Turning rows into results -----------------------------------------------------------------

    def _result(
        self,
        run: _Run,
        check: _Check,
        focus: Node,
        value: Node | None,
        *,
        path: Node | None = None,
        shown: Node | None = None,
    ) -> tuple[_Check, _Result]:
        shape = self.shape
        messages = shape.messages
        if not messages:
            text = check.generic(_Context(shape, focus, shown or value, run.data))
            messages = frozenset({Literal(text)}) if text is not None else frozenset()
        result = _Result(
            focus=focus,
            path=path if path is not None else shape.path,
            severity=shape.severity,
            component=check.component,
            shape=shape.node,
            value=value,
            messages=messages,
            counts=self.counts,
        )
        return check, result

    def _value_rows(self, run: _Run, row: Sequence[Node | None]) -> _Found:
        focus, value = row[0], row[1]
        assert focus is not None
        assert value is not None
        return [
            self._result(
                run,
                check,
                focus,
                None if isinstance(check, _HasValueOnNode) else value,
                shown=value,
            )
            for check, flag in zip(self.shape.value_checks, row[2:], strict=True)
            if _true(flag)
        ]

    def _focus_rows(self, run: _Run, row: Sequence[Node | None]) -> _Found:
        assert row[0] is not None
        return [
            self._result(run, check, row[0], None)
            for check, flag in zip(self.shape.focus_checks, row[1:], strict=True)
            if _true(flag)
        ]

    def _unique_lang_rows(self, run: _Run, row: Sequence[Node | None]) -> _Found:
        assert row[0] is not None
        assert self.shape.unique_lang is not None
        return [self._result(run, self.shape.unique_lang, row[0], None)]

    def _pair_rows(self, pair: _Pair) -> _Handler:
        def rows(run: _Run, row: Sequence[Node | None]) -> _Found:
            assert row[0] is not None
            return [self._result(run, pair, row[0], row[1])]

        return rows

    def _closed_rows(self, run: _Run, row: Sequence[Node | None]) -> _Found:
        assert row[0] is not None
        assert self.shape.closed is not None
        return [self._result(run, self.shape.closed, row[0], row[2], path=row[1])]

    def _sparql_rows(self, constraint: _Sparql) -> _Handler:
        names = [v for v in constraint.variables if v != "this"]

        def rows(run: _Run, row: Sequence[Node | None]) -> _Found:
            focus = row[0]
            assert focus is not None
            bound = {n: t for n, t in zip(names, row[1:], strict=True) if t is not None}
            if constraint.projects_this:
                bound = {"this": focus, **bound}
            # as pySHACL: the value of a node shape's result is its focus node
            by_default = None if self.shape.is_property else focus
            if bound.pop("failure", None) is not None:
                key: tuple[Any, ...] = (id(constraint), focus, True)
                fill, value, path, shown = bound, by_default, None, focus
            else:
                path, value = bound.pop("path", None), bound.pop("value", None)
                this = bound.pop("this", None)
                if path is None and value is None and this is None:
                    return []
                key = (id(constraint), focus, this, path, value, tuple(sorted(bound.items())))
                value = value if value is not None else by_default
                fill = dict(bound)
                for name, term in (("this", this), ("path", path), ("value", value)):
                    if term is not None:
                        fill[name] = term
                shown = this or focus
            if key in run.seen:
                return []
            run.seen.add(key)
            shape = self.shape
            texts = (*constraint.messages, *shape.messages)
            result = _Result(
                focus=shown,
                path=path if path is not None else shape.path,
                severity=shape.severity,
                component=constraint.component,
                shape=shape.node,
                value=value,
                messages=frozenset(Literal(_fill(str(m), fill)) for m in texts),
                source_constraint=constraint.node,
                counts=self.counts,
            )
            return [(constraint, result)]

        return rows

    # Running ------------------------------------------------------------------------------------

    def run(self, run: _Run) -> list[_Result]:
        """Run the queries of this unit and of the units below it; only failures run sh:detail."""
        if self.shape.deactivated:
            return []
        found: _Found = []
        for text, handle in self.queries:
            for row in run.select(_fill_classes(text, run.classes, run.subclasses)):
                found += handle(run, row)
        details: dict[int, dict[Node, list[_Result]]] = {}
        for check, _ in found:
            unit = self.details.get(id(check))
            if unit is not None and id(check) not in details:
                by_focus: dict[Node, list[_Result]] = {}
                for detail in unit.run(run):
                    by_focus.setdefault(detail.focus, []).append(detail)
                details[id(check)] = by_focus
        results = []
        for check, result in found:
            if id(check) in details and result.value is not None:
                nested = tuple(details[id(check)].get(result.value, ()))
                result = _replace_details(result, nested)
            results.append(result)
        for child in self.children:
            results += child.run(run)
        return results


def _replace_details(result: _Result, details: tuple[_Result, ...]) -> _Result:
    return _Result(
        focus=result.focus,
        path=result.path,
        severity=result.severity,
        component=result.component,
        shape=result.shape,
        value=result.value,
        messages=result.messages,
        source_constraint=result.source_constraint,
        details=details,
        counts=result.counts,
    )


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.value is True


def _fill(message: str, bound: dict[str, Node]) -> str:
    """Fill {$var} and {?var} in a message with the bound values, as pySHACL does."""
    for name, term in bound.items():
        # pySHACL uses re.sub with the value as replacement text; a value holding a
        # backslash is copied as it is here
        message = message.replace(f"{{?{name}}}", str(term)).replace(f"{{${name}}}", str(term))
    return message


# ---------------------------------------------------------------------------------------------
# The public API
# ---------------------------------------------------------------------------------------------


class CompiledShapes:
    """A shapes graph compiled to SPARQL queries, ready to validate any data many times.

    :param shapes: the SHACL shapes.
    :raises UnsupportedShapesError: for a feature the compiler does not handle (the error names
        the shape and the feature); pySHACL can still validate such shapes.
    :raises ShapesError: for shapes that are not well-formed SHACL.

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    ...         sh:property [ sh:path ex:p ; sh:maxCount 1 ] .
    ... ''')
    >>> compiled = CompiledShapes(shapes)
    >>> len(compiled.queries)
    1
    """

    def __init__(self, shapes: Graph) -> None:
        if (None, RDF.type, SH.NodeShape) not in shapes and (
            None,
            RDF.type,
            SH.PropertyShape,
        ) not in shapes:
            raise ShapesError("the shapes graph has no sh:NodeShape or sh:PropertyShape")
        compiler = _Compiler(shapes)
        keys, names = count(1), _Names()
        self._units: list[_Unit] = []
        for node in compiler.shape_nodes():
            shape = compiler.shape(node)
            if shape.deactivated:
                continue
            for i in range(len(shape.targets)):
                focus = _Focus.target(shape.targets, i, next(keys))
                self._units.append(_Unit(shape, focus, True, names, keys))
        self._graph = shapes
        self._classes = sorted(names.classes, key=names.classes.__getitem__)

    @property
    def queries(self) -> list[str]:
        """Every query a validation of conforming data runs (sh:detail queries run on failure)."""

        def walk(unit: _Unit) -> Iterator[str]:
            yield from (text for text, _ in unit.queries)
            for child in unit.children:
                yield from walk(child)

        paths: list[str | None] = [None] * len(self._classes)
        return [_fill_classes(text, self._classes, paths) for u in self._units for text in walk(u)]

    def run(
        self, select: Select, *, namespaces: NamespaceManager | None = None
    ) -> ValidationReport:
        """Validate the data that ``select`` queries; see :func:`validate_with_sparql`.

        An exception of ``select`` that is not an :class:`AccsmKgError` is raised as a
        :class:`StoreError`, with its message.
        """
        select = _our_errors(select)
        run = _Run(select, _Writer(None, namespaces), self._classes, self._subclasses(select))
        results = [r for unit in self._units for r in unit.run(run)]
        conforms = not any(r.counts and r.severity not in _ALLOWED for r in results)
        violations = tuple(
            sorted((r.violation() for top in results for r in top.flatten()), key=_sort_key)
        )
        return ValidationReport(
            conforms, violations, _report_graph(conforms, results, self._graph), namespaces
        )

    def _subclasses(self, select: Select) -> list[str | None]:
        """Return, for each class of sh:class, it and its subclasses in the data, as SPARQL.

        None for a class with a blank node among its subclasses, which SPARQL cannot list.
        """
        if not self._classes:
            return []
        listed = " ".join(_const(c) for c in self._classes)
        rows = select(
            f"{_PROLOGUE}SELECT DISTINCT ?class ?sub WHERE "
            f"{{ VALUES ?class {{ {listed} }} ?sub rdfs:subClassOf* ?class }}"
        )
        found: dict[Node, set[Node]] = {c: {c} for c in self._classes}
        for cls, sub in rows:
            if cls in found and sub is not None:
                found[cls].add(sub)
        return [
            None
            if any(isinstance(s, BNode) for s in found[c])
            else ", ".join(sorted(map(_const, found[c])))
            for c in self._classes
        ]


def _our_errors(select: Select) -> Select:
    """Return ``select`` raising a :class:`StoreError` for an exception of the store's own."""

    def ours(text: str) -> Sequence[Sequence[Node | None]]:
        with engine_errors("the store cannot run a query of the shapes"):
            return select(text)

    return ours


def _fill_classes(text: str, classes: Sequence[Node], lists: Sequence[str | None]) -> str:
    """Fill the placeholders of :meth:`_Names.instance_of` with the subclasses of a run."""

    def pattern(match: re.Match[str]) -> str:
        index, value, t = int(match.group(1)), match.group(2), match.group(3)
        if lists[index] is None:
            return f"{value} rdf:type/rdfs:subClassOf* {_const(classes[index])}"
        return f"{value} rdf:type {t} FILTER({t} IN ({lists[index]}))"

    return _MARKS.sub(pattern, text)


def _report_graph(conforms: bool, results: Iterable[_Result], shapes: Graph) -> Graph:
    """SHACL's report graph for the results, blank shapes and paths copied from the shapes."""
    graph = Graph()
    graph.namespace_manager = NamespaceManager(graph, bind_namespaces="core")
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    copied: set[Node] = set()

    def copy(node: Node | None) -> None:
        if not isinstance(node, BNode) or node in copied:
            return
        copied.add(node)
        for p, o in shapes.predicate_objects(node):
            graph.add((node, p, o))
            copy(o)

    def add(result: _Result) -> BNode:
        node = BNode()
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, result.severity))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        graph.add((node, SH.sourceShape, result.shape))
        copy(result.shape)
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
            copy(result.path)
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        if result.source_constraint is not None:
            graph.add((node, SH.sourceConstraint, result.source_constraint))
            copy(result.source_constraint)
        for message in result.messages:
            graph.add((node, SH.resultMessage, message))
        for detail in result.details:
            graph.add((node, SH.detail, add(detail)))
        return node

    for result in results:
        graph.add((report, SH.result, add(result)))
    return graph


_CACHE: OrderedDict[frozenset[tuple[Node, Node, Node]], CompiledShapes] = OrderedDict()
_CACHE_SIZE = 8
_CACHE_LOCK = Lock()


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile ``shapes``, or return the compilation of a graph with the very same triples.

    Blank nodes count by their labels: a shapes file parsed again is compiled again, so keep
    the :class:`CompiledShapes` (or the parsed graph) to validate many times.
    """
    key = frozenset(shapes)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    compiled = CompiledShapes(shapes)
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def validate_with_sparql(
    select: Select, shapes: Graph, *, namespaces: NamespaceManager | None = None
) -> ValidationReport:
    """Validate data against SHACL shapes with SPARQL queries, as pySHACL would.

    :param select: runs a SPARQL 1.1 SELECT (with its own PREFIX lines) over a dataset whose
        default graph is the union of the data and the ontology (so that ``sh:class`` sees
        ``rdfs:subClassOf``); returns rows of rdflib terms, None where unbound, in the order
        of the projected variables.
    :param shapes: the SHACL shapes; compiled once per graph (see :func:`compile_shapes`).
    :param namespaces: prefixes for the report and for pySHACL's default messages.
    :raises UnsupportedShapesError: for a SHACL feature not compiled to SPARQL; validate with
        pySHACL then (:func:`accsm_kg.validate.validate_graph`).

    >>> import pyoxigraph as ox
    >>> from accsm_kg.terms import from_oxigraph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ...     ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "Give a name." ] .
    ... ''')
    >>> store = ox.Store()
    >>> store.load(b"<http://example.org/ann> a <http://example.org/Person> .", ox.RdfFormat.TURTLE)
    >>> def select(text):
    ...     rows = store.query(text, use_default_graph_as_union=True)
    ...     return [[None if t is None else from_oxigraph(t) for t in row] for row in rows]
    >>> report = validate_with_sparql(select, shapes)
    >>> report.conforms, [(str(v.focus_node), v.message) for v in report]
    (False, [('http://example.org/ann', 'Give a name.')])
    """
    return compile_shapes(shapes).run(select, namespaces=namespaces)
