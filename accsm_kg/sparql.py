"""SPARQL queries checked before they run: their form, their variables, and safe bindings.

A query is parsed once (:func:`prepare`), which tells its form (SELECT, ASK, CONSTRUCT or
DESCRIBE) and its variables, refuses SPARQL Update and ``SERVICE`` (a way to make the library
reach any host), and reports syntax errors with line and column. SPARQL Update is prepared
apart (:func:`prepare_update`), for :meth:`~accsm_kg.KnowledgeGraph.update` only; it refuses
``SERVICE`` and ``LOAD`` (which fetches a URL) too. Bindings are turned into RDF
terms (:func:`to_term`) and handed to the store as values, never pasted into the query text.

>>> q = prepare("SELECT ?name WHERE { kg:chhy-vichara foaf:name ?name }", {
...     "kg": "https://w3id.org/accsm-kg/id/", "foaf": "http://xmlns.com/foaf/0.1/"})
>>> q.form, sorted(q.variables)
('SELECT', ['name'])
>>> to_term(8)
rdflib.term.Literal('8', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from typing import Literal as TypingLiteral

from pyparsing import ParseException
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query, Update
from rdflib.term import Identifier

from .errors import BindingError, QueryError, QueryFormError, SparqlSyntaxError
from .terms import is_valid_iri, to_sparql

__all__ = [
    "PreparedQuery",
    "PreparedUpdate",
    "QueryForm",
    "bind",
    "inline_bindings",
    "inline_update_bindings",
    "prepare",
    "prepare_update",
    "to_term",
]

QueryForm = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
#: The method of :class:`~accsm_kg.KnowledgeGraph` that runs each form.
METHOD_FOR: dict[QueryForm, str] = {
    "SELECT": "query",
    "ASK": "ask",
    "CONSTRUCT": "construct",
    "DESCRIBE": "construct",
}


def _prologue(prefixes: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes)


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed query: its text, its form and variables, and rdflib's algebra for it."""

    text: str
    form: QueryForm
    variables: frozenset[str]
    algebra: Query
    prefixes: tuple[tuple[str, str], ...]

    @property
    def full_text(self) -> str:
        """Return the query with the knowledge graph's prefixes declared, for other engines."""
        return _prologue(self.prefixes) + self.text

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``).

        >>> prepare("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", {}).has_dataset
        True
        """
        return bool(dict.get(self.algebra.algebra, "datasetClause"))

    def column_order(self, variables: list[str]) -> list[str]:
        """Return the result ``variables`` in the order the query's columns should have.

        ``SELECT *`` leaves the order to the engine, and engines differ; it is made the order
        in which the variables first appear in the query, as a reader expects.

        >>> prepare("SELECT * WHERE { ?s ?p ?o }", {}).column_order(["o", "p", "s"])
        ['s', 'p', 'o']
        """
        text = re.sub(r"(?m)^\s*#.*$", "", self.text)
        if not re.search(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", text, re.IGNORECASE):
            return variables
        first: dict[str, int] = {}
        for match in re.finditer(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)", text):
            first.setdefault(match[1], match.start())
        return sorted(variables, key=lambda name: first.get(name, len(text)))

    def expect(self, called: str, *forms: QueryForm) -> None:
        """Raise :class:`QueryFormError` unless this query has one of ``forms``."""
        if self.form not in forms:
            raise QueryFormError(self.form, called, METHOD_FOR[self.form])


@dataclass(frozen=True)
class PreparedUpdate:
    """A parsed SPARQL Update: its text, its variables and rdflib's algebra for it."""

    text: str
    variables: frozenset[str]
    algebra: Update
    prefixes: tuple[tuple[str, str], ...]

    @property
    def full_text(self) -> str:
        """Return the update with the knowledge graph's prefixes declared."""
        return _prologue(self.prefixes) + self.text


def _walk(node: object, variables: set[str]) -> bool:
    """Collect the variables under ``node``; return whether a SERVICE pattern is there."""
    has_service = False
    if isinstance(node, Variable):
        if not str(node).startswith("__"):
            variables.add(str(node))
    elif isinstance(node, CompValue):
        has_service = node.name == "ServiceGraphPattern"
        for value in node.values():
            has_service |= _walk(value, variables)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            has_service |= _walk(value, variables)
    elif isinstance(node, dict):  # the keys too: an update's templates key quads by graph
        for key, value in node.items():
            has_service |= _walk(key, variables) | _walk(value, variables)
    return has_service


def prepare(text: str, prefixes: Mapping[str, str]) -> PreparedQuery:
    """Parse ``text``; the ``prefixes`` may be used in it without being declared.

    :raises SparqlSyntaxError: it does not parse.
    :raises QueryFormError: it is a SPARQL Update.
    :raises QueryError: it uses ``SERVICE``.
    """
    return _prepare(text, tuple(sorted(prefixes.items())))


@lru_cache(maxsize=256)
def _prepare(text: str, prefixes: tuple[tuple[str, str], ...]) -> PreparedQuery:
    try:
        parsed = parseQuery(text)
    except ParseException as error:
        if not _without_comments(text).strip():
            raise SparqlSyntaxError("the query is empty") from None
        if _is_update(text):
            raise QueryFormError("SPARQL Update", "query", "update") from None
        raise SparqlSyntaxError(str(error.msg), error.lineno, error.col) from None
    _check_prefixes(parsed, prefixes)
    try:
        algebra = translateQuery(parsed, initNs=dict(prefixes))
    except Exception as error:  # rdflib raises plain Exception for an undeclared prefix
        raise SparqlSyntaxError(str(error)) from None
    variables: set[str] = set()
    if _walk(algebra.algebra, variables):
        raise QueryError(
            "SERVICE (federated query) is refused: accsm-kg only queries its own store; "
            "fetch the remote data and load it instead"
        )
    return PreparedQuery(text, _FORMS[parsed[1].name], frozenset(variables), algebra, prefixes)


def _check_prefixes(parsed: Any, prefixes: tuple[tuple[str, str], ...]) -> None:
    """Refuse a prefixed name whose prefix is neither declared nor one of ``prefixes``.

    rdflib would quietly expand prefixes of its own (``vann:``, ``time:``...) that other
    engines reject, so the same query would run on one store and fail on another.
    """
    declared = {name for name, _ in prefixes}
    used: dict[str, None] = {}

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name in ("PrefixDecl", "pname"):
            prefix = dict.get(node, "prefix") or ""
            if node.name == "PrefixDecl":
                declared.add(prefix)
            else:
                used.setdefault(prefix, None)

    traverse(parsed, visitPost=visit)
    undeclared = [prefix for prefix in used if prefix not in declared]
    if undeclared:
        raise SparqlSyntaxError(
            f"unknown prefix {undeclared[0]}: (declare it with PREFIX {undeclared[0]}: <...>; "
            f"known prefixes: {', '.join(sorted(declared))})"
        )


_OUTSIDE_GRAPH = (
    "{what} outside GRAPH: every triple lives in the named graph of its file, and the default "
    "graph is not part of the knowledge graph; write GRAPH <...> {{ ... }} (or WITH <...>)"
)


def prepare_update(text: str, prefixes: Mapping[str, str]) -> PreparedUpdate:
    """Parse a SPARQL Update; the ``prefixes`` may be used in it without being declared.

    Every triple it writes or matches must be inside ``GRAPH`` (or the operation under
    ``WITH``/``USING``), so that it means the same on every store.

    >>> u = prepare_update("INSERT DATA { GRAPH <urn:g> { <urn:a> rdfs:label 'x' } }",
    ...     {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    >>> sorted(u.variables)
    []

    :raises SparqlSyntaxError: it does not parse.
    :raises QueryError: it uses ``SERVICE`` or ``LOAD``, or writes outside ``GRAPH``.
    """
    return _prepare_update(text, tuple(sorted(prefixes.items())))


@lru_cache(maxsize=64)
def _prepare_update(text: str, prefixes: tuple[tuple[str, str], ...]) -> PreparedUpdate:
    try:
        parsed = parseUpdate(text)
    except ParseException as error:
        raise SparqlSyntaxError(str(error.msg), error.lineno, error.col) from None
    _check_prefixes(parsed, prefixes)
    try:
        algebra = translateUpdate(parsed, initNs=dict(prefixes))
    except Exception as error:  # rdflib raises plain Exception for an undeclared prefix
        raise SparqlSyntaxError(str(error)) from None
    variables: set[str] = set()
    for operation in algebra.algebra:
        if operation.name == "Load":
            raise QueryError(
                "LOAD is refused: it makes the store fetch a URL; download the file and add it "
                "with kg.add(path) instead"
            )
        if _walk(operation, variables):
            raise QueryError(
                "SERVICE (federated query) is refused: accsm-kg only queries its own store"
            )
        # CompValue.get answers a missing key with the key's name: read it as a plain dict
        scoped = dict.get(operation, "withClause") is not None or bool(dict.get(operation, "using"))
        for part in ("insert", "delete"):
            clause = dict.get(operation, part)
            if isinstance(clause, CompValue) and dict.get(clause, "triples") and not scoped:
                raise QueryError(_OUTSIDE_GRAPH.format(what=f"{part.upper()} {{ ... }}"))
        if dict.get(operation, "triples") and not scoped:
            raise QueryError(_OUTSIDE_GRAPH.format(what=f"{operation.name} triples"))
        where = dict.get(operation, "where")
        if where is not None and not scoped and _matches_default_graph(where):
            raise QueryError(_OUTSIDE_GRAPH.format(what="a WHERE pattern"))
    return PreparedUpdate(text, frozenset(variables), algebra, prefixes)


def _matches_default_graph(node: object) -> bool:
    """Whether a pattern under ``node`` matches triples outside any GRAPH."""
    if isinstance(node, CompValue):
        if node.name in ("Graph", "GraphGraphPattern"):
            return False
        if node.name in ("BGP", "TriplesBlock") and dict.get(node, "triples"):
            return True
        return any(_matches_default_graph(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_matches_default_graph(v) for v in node)
    return False


def inline_update_bindings(update: PreparedUpdate, bindings: Mapping[str, Identifier]) -> str:
    """Return the update's text with ``bindings`` as a ``VALUES`` block opening its WHERE group.

    Only an update of one ``DELETE``/``INSERT ... WHERE { ... }`` operation takes bindings.

    >>> u = prepare_update("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", {})
    >>> print(inline_update_bindings(u, {"o": Literal("x")}))
    DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES (?o) { ("x") } GRAPH ?g { ?s ?p ?o } }
    """
    if not bindings:
        return update.full_text
    for name in bindings:
        if name not in update.variables:
            known = ", ".join(f"?{v}" for v in sorted(update.variables)) or "none"
            raise BindingError(f"?{name} is not a variable of the update (its variables: {known})")
    operations = [op.name for op in update.algebra.algebra]
    if operations != ["Modify"]:
        raise BindingError(
            "only an update of one DELETE/INSERT ... WHERE { ... } operation takes bindings"
        )
    at = _where_brace(update.text, "UPDATE")
    return _with_values(update.text, update.full_text, at, bindings, parseUpdate, "update")


def _with_values(
    text: str,
    full_text: str,
    at: int,
    bindings: Mapping[str, Identifier],
    parse: Callable[[str], object],
    what: str,
) -> str:
    """Insert a VALUES block for ``bindings`` at offset ``at`` of ``text``; check it parses."""
    names = " ".join(f"?{name}" for name in bindings)
    try:
        values = " ".join(to_sparql(value) for value in bindings.values())
    except ValueError as error:
        raise BindingError(str(error)) from None
    bound = f"{text[:at]} VALUES ({names}) {{ ({values}) }}{text[at:]}"
    prologue = full_text[: len(full_text) - len(text)]
    try:
        parse(prologue + bound)
    except ParseException as error:  # a value we failed to escape would land here
        raise BindingError(f"the bindings could not be written into the {what}: {error}") from None
    return prologue + bound


def _without_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


def to_term(value: Any) -> Identifier:
    """Return the RDF term for a Python value.

    IRIs are given as :class:`rdflib.URIRef`; ``str`` becomes a plain string literal; ``bool``,
    ``int``, ``float``, :class:`~decimal.Decimal`, :class:`~datetime.date` and
    :class:`~datetime.datetime` become typed literals; rdflib literals pass through.

    >>> to_term("Chhy Vichara")
    rdflib.term.Literal('Chhy Vichara')
    >>> to_term(URIRef("https://w3id.org/accsm-kg/id/cambodia"))
    rdflib.term.URIRef('https://w3id.org/accsm-kg/id/cambodia')
    """
    if isinstance(value, BNode):
        raise BindingError("a blank node cannot be bound: it names nothing outside its graph")
    if isinstance(value, URIRef):
        if not is_valid_iri(str(value)):
            raise BindingError(f"not a valid IRI: {str(value)!r}")
        return value
    if isinstance(value, Literal):
        return value
    if isinstance(value, bool | int | float | decimal.Decimal | dt.date | dt.datetime | str):
        return Literal(value)
    raise BindingError(
        f"cannot bind a {type(value).__name__}: give an rdflib term, str, int, float, "
        "Decimal, bool, date or datetime"
    )


def bind(query: PreparedQuery, bindings: Mapping[str, Any] | None) -> dict[str, Identifier]:
    """Return ``bindings`` as RDF terms, after checking each names a variable of ``query``.

    >>> q = prepare("ASK { ?s ?p ?o }", {})
    >>> bind(q, {"s": 1})
    {'s': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}
    """
    terms: dict[str, Identifier] = {}
    for name, value in (bindings or {}).items():
        key = name.lstrip("?$")
        if key not in query.variables:
            known = ", ".join(f"?{v}" for v in sorted(query.variables)) or "none"
            raise BindingError(f"?{key} is not a variable of the query (its variables: {known})")
        terms[key] = to_term(value)
    return terms


_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<punct>[{}()])
  | (?P<other>.)
    """,
    re.S | re.X,
)


def _where_brace(source: str, form: QueryForm | TypingLiteral["UPDATE"]) -> int:
    """Return the offset just after the ``{`` that opens the WHERE group of a query or update.

    SELECT, ASK and DESCRIBE may leave out the keyword WHERE; CONSTRUCT's first group is its
    template; an update's groups before WHERE are its templates.
    """
    depth = parens = opened = 0
    saw_where = False
    previous = ""
    for token in _TOKEN.finditer(source):
        kind, text = token.lastgroup, token.group()
        if kind == "word" and text.upper() == "WHERE" and not depth and not parens:
            saw_where = previous != ":"
        elif text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "}":
            depth -= 1
        elif text == "{":
            if not depth and not parens:
                opened += 1
                if form == "CONSTRUCT" and saw_where and opened == 1:
                    raise BindingError(
                        "a CONSTRUCT WHERE { ... } query cannot take bindings here: "
                        "write it as CONSTRUCT { ... } WHERE { ... }"
                    )
                if saw_where or form in ("SELECT", "ASK", "DESCRIBE"):
                    return token.end()
                if form == "CONSTRUCT" and opened == 2:
                    return token.end()
            depth += 1
        if kind not in ("comment",) and not text.isspace():
            previous = text
    what = "update" if form == "UPDATE" else "query"
    raise BindingError(f"the {what} has no WHERE group to bind variables in")


def inline_bindings(query: PreparedQuery, bindings: Mapping[str, Identifier]) -> str:
    r"""Return the query's text with ``bindings`` as a ``VALUES`` block opening its WHERE group.

    For engines reached over the SPARQL protocol, which has no way to pass bindings apart from
    the query: each value is written as one escaped RDF term (:func:`terms.to_sparql`), and the
    result is parsed again to make sure it is the same query with one more ``VALUES``.

    >>> q = prepare("SELECT ?s WHERE { ?s <urn:x:label> ?l }", {})
    >>> print(inline_bindings(q, {"l": Literal('a" } #')}))
    SELECT ?s WHERE { VALUES (?l) { ("a\" } #") } ?s <urn:x:label> ?l }
    """
    if not bindings:
        return query.full_text
    at = _where_brace(query.text, query.form)
    return _with_values(query.text, query.full_text, at, bindings, parseQuery, "query")
