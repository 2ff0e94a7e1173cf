"""SPARQL queries checked before they run: their form, their variables, and safe bindings.

A query is parsed once (:func:`prepare`), which tells its form (SELECT, ASK, CONSTRUCT or
DESCRIBE) and its variables, refuses SPARQL Update and ``SERVICE`` (a way to make the library
reach any host), and reports syntax errors with line and column. Bindings are turned into RDF
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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from typing import Literal as TypingLiteral

from pyparsing import ParseException
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier

from .errors import BindingError, QueryError, QueryFormError, SparqlSyntaxError

__all__ = ["PreparedQuery", "QueryForm", "bind", "prepare", "to_term"]

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
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes)
        return prologue + self.text

    def expect(self, called: str, *forms: QueryForm) -> None:
        """Raise :class:`QueryFormError` unless this query has one of ``forms``."""
        if self.form not in forms:
            raise QueryFormError(self.form, called, METHOD_FOR[self.form])


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
    elif isinstance(node, dict):
        for value in node.values():
            has_service |= _walk(value, variables)
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
        if _is_update(text):
            raise QueryFormError("SPARQL Update", "query", "update") from None
        raise SparqlSyntaxError(str(error.msg), error.lineno, error.col) from None
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
    if isinstance(value, URIRef | Literal):
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
