r"""SPARQL queries checked before they run: their form, their variables, and bound values.

A query is parsed once (:func:`prepare`), which tells its form (SELECT, ASK, CONSTRUCT or
DESCRIBE) and its variables, refuses SPARQL Update and ``SERVICE`` (a way to make the library
reach any host), and reports syntax errors with line and column. SPARQL Update is prepared
apart (:func:`prepare_update`), for :meth:`~accsm_kg.KnowledgeGraph.update` only; it refuses
``SERVICE`` and ``LOAD`` (which fetches a URL) too.

A bound value stands wherever its variable stands, in every scope (subqueries, ``FILTER``,
``MINUS``, ``UNION`` branches, ``EXISTS``, templates), as if written into the query as a
constant: :meth:`PreparedQuery.substitute` writes it in, one escaped RDF term per occurrence,
found by a SPARQL 1.1 lexer that reads each query text once. The lexer reads the codepoint
escapes of the query text (``\u0078``) before anything else, as the grammar says and as rdflib,
which checks every query, is made to (four hex digits after ``\u``, eight after ``\U``):
``?\u0078`` is ``?x``, and the text around each variable stays as written. A value is
written so that no engine's escape processing changes it: rdflib expands ``\u0041`` even after
an escaped backslash and Oxigraph does not, so the ``u`` of a value's ``\u`` is written as an
escape of its own.

>>> q = prepare("SELECT ?name WHERE { kg:chhy-vichara foaf:name ?name }", {
...     "kg": "https://w3id.org/accsm-kg/id/", "foaf": "http://xmlns.com/foaf/0.1/"})
>>> q.form, sorted(q.variables)
('SELECT', ['name'])
>>> to_term(8)
rdflib.term.Literal('8', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
>>> q = prepare("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }", {})
>>> print(q.substitute({"o": Literal("x")}))
SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p "x" } } }
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import itertools
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any, NamedTuple, NoReturn
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query, Update
from rdflib.term import Identifier

from ._sparql_syntax import explain, unknown_prefix
from .errors import BindingError, QueryError, QueryFormError, SparqlSyntaxError
from .terms import is_valid_iri

__all__ = [
    "PARSER_LOCK",
    "PreparedQuery",
    "PreparedUpdate",
    "QueryForm",
    "bind",
    "check_parses",
    "expand_bindings",
    "inline_bindings",
    "inline_update_bindings",
    "prepare",
    "prepare_update",
    "to_term",
]

QueryForm = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: Held while rdflib's SPARQL parser runs: pyparsing, under it, fits its parse actions to their
#: arguments on their first calls, and two threads doing that at once break each other's parse.
PARSER_LOCK = threading.RLock()

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
    #: The graphs the query reads, both as its default graph (their union) and as its named
    #: graphs; ``None`` for all of them. A query that names its own dataset keeps it.
    graphs: tuple[str, ...] | None = None

    @cached_property
    def full_text(self) -> str:
        """Return the query with the knowledge graph's prefixes declared, for other engines."""
        return _prologue(self.prefixes) + self.text

    def over(self, graphs: Iterable[str] | None) -> PreparedQuery:
        """Return this query restricted to ``graphs`` (see :attr:`graphs`).

        >>> prepare("ASK { ?s ?p ?o }", {}).over(["urn:g"]).graphs
        ('urn:g',)
        """
        return replace(self, graphs=None if graphs is None else tuple(graphs))

    @property
    def has_dataset(self) -> bool:
        """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``).

        >>> prepare("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", {}).has_dataset
        True
        """
        return bool(dict.get(self.algebra.algebra, "datasetClause"))

    @cached_property
    def _plan(self) -> _Plan:
        return _plan(self.text, update=False)

    def column_order(self, variables: list[str]) -> list[str]:
        """Return the result ``variables`` in the order the query's columns should have.

        ``SELECT *`` leaves the order to the engine, and engines differ; it is made the order
        in which the variables first appear in the query, as a reader expects (and as
        :meth:`substitute` writes ``SELECT *`` out when a variable in it is bound).

        >>> prepare("SELECT * WHERE { ?s ?p ?o }", {}).column_order(["o", "p", "s"])
        ['s', 'p', 'o']
        """
        if "*" not in self.text or self._plan.star is None:
            return variables
        order = self._plan.order
        return sorted(variables, key=lambda name: order.get(name, len(order)))

    def substitute(self, bindings: Mapping[str, Identifier]) -> str:
        r"""Return :attr:`full_text` with each bound variable's value written where it stands.

        Every occurrence, in every scope, becomes the value as one escaped RDF term, except:

        - a bare ``?x`` in the outer ``SELECT`` becomes ``(<value> AS ?x)``, so the column
          stays, and the outer ``SELECT *`` is written out, in :meth:`column_order`;
        - a subquery stops projecting ``?x``: every use of it outside is the constant now,
          and SPARQL forbids ``AS ?x`` where ``?x`` is in scope (should nothing be left, it
          projects the value under a name of its own); a subquery's ``SELECT *`` stays;
        - ``GROUP BY ?x`` and ``ORDER BY ?x`` become ``GROUP BY STR(<value>)`` and ``ORDER BY
          STR(<value>)``: one group, and no change of order, as for any constant (a bare
          constant is not allowed there, rdflib cannot evaluate ``GROUP BY (<value>)``, and
          Virtuoso reads ``ORDER BY (20)`` as the 20th column); ``BOUND(?x)``, which takes
          only a variable, becomes ``true``.

        >>> q = prepare("SELECT ?s ?l WHERE { ?s <urn:x:label> ?l } ORDER BY ?l", {})
        >>> print(q.substitute({"l": Literal('a" } #')}))
        SELECT ?s ("a\" } #" AS ?l) WHERE { ?s <urn:x:label> "a\" } #" } ORDER BY STR("a\" } #")

        :raises BindingError: a name that is no variable of the query; a variable the query
            assigns (``BIND``, ``VALUES``, ``AS``); a literal where only an IRI can stand (a
            predicate, ``GRAPH ?g``, ``DESCRIBE``, the subject of a template triple); a value
            that is not an IRI or literal. The message names the variable and its line and
            column in :attr:`text`.
        """
        if not bindings:
            return self.full_text
        return _substitute(self._plan, self.full_text, bindings, "query")

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

    @cached_property
    def full_text(self) -> str:
        """Return the update with the knowledge graph's prefixes declared."""
        return _prologue(self.prefixes) + self.text

    @cached_property
    def _plan(self) -> _Plan:
        return _plan(self.text, update=True)

    def substitute(self, bindings: Mapping[str, Identifier]) -> str:
        """Return :attr:`full_text` with each bound variable's value written where it stands.

        As :meth:`PreparedQuery.substitute`, in every operation: templates (``INSERT``,
        ``DELETE``, ``DELETE WHERE``) and ``WHERE`` patterns alike.

        >>> u = prepare_update(
        ...     "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", {})
        >>> print(u.substitute({"g": URIRef("urn:x:g")}))
        DELETE { GRAPH <urn:x:g> { ?s ?p ?o } } WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }

        :raises BindingError: as :meth:`PreparedQuery.substitute`.
        """
        if not bindings:
            return self.full_text
        return _substitute(self._plan, self.full_text, bindings, "update")


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
    :raises QueryError: it uses ``SERVICE``, or nests too deep for the parser.
    """
    try:
        with PARSER_LOCK:
            return _prepare(text, tuple(sorted(prefixes.items())))
    except RecursionError:
        raise QueryError(_TOO_DEEP.format(what="query")) from None


@lru_cache(maxsize=256)
def _prepare(text: str, prefixes: tuple[tuple[str, str], ...]) -> PreparedQuery:
    try:
        parsed = parseQuery(_for_rdflib(text))
    except ParseException as error:
        if not _without_comments(text).strip():
            raise SparqlSyntaxError("the query is empty") from None
        if _is_update(text):
            raise QueryFormError("SPARQL Update", "query", "update") from None
        raise explain(text, error.lineno, error.col) from None
    _check_prefixes(parsed, prefixes, text)
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


def _check_prefixes(parsed: Any, prefixes: tuple[tuple[str, str], ...], text: str) -> None:
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
        raise unknown_prefix(text, undeclared[0], declared)


_TOO_DEEP = (
    "the {what} nests too deep, or runs too many triple patterns together, for the SPARQL "
    "parser, which reads each level by recursion: nest fewer groups and brackets, or split a "
    "long run of triple patterns into groups {{ ... }} {{ ... }}"
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
    :raises QueryError: it uses ``SERVICE`` or ``LOAD``, writes outside ``GRAPH``, or nests too
        deep for the parser.
    """
    try:
        with PARSER_LOCK:
            return _prepare_update(text, tuple(sorted(prefixes.items())))
    except RecursionError:
        raise QueryError(_TOO_DEEP.format(what="update")) from None


@lru_cache(maxsize=64)
def _prepare_update(text: str, prefixes: tuple[tuple[str, str], ...]) -> PreparedUpdate:
    if not _without_comments(text).strip():
        raise SparqlSyntaxError("the update is empty")
    try:
        parsed = parseUpdate(_for_rdflib(text))
    except ParseException as error:
        raise explain(text, error.lineno, error.col, what="update") from None
    _check_prefixes(parsed, prefixes, text)
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


def _without_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", text)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(_for_rdflib(text))
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


def bind(
    query: PreparedQuery | PreparedUpdate, bindings: Mapping[str, Any] | None
) -> dict[str, Identifier | list[Identifier]]:
    """Return ``bindings`` as RDF terms, after checking each names a variable of ``query``.

    A list (or tuple) binds several values: each is converted, and :func:`expand_bindings`
    gives one set of bindings per combination. A set is refused, as it has no order.

    >>> q = prepare("ASK { ?s ?p ?o }", {})
    >>> bind(q, {"s": 1})
    {'s': rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))}
    >>> bind(q, {"o": ["a", 2]})["o"]
    [rdflib.term.Literal('a'), rdflib.term.Literal('2', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))]
    """
    what = "query" if isinstance(query, PreparedQuery) else "update"
    terms: dict[str, Identifier | list[Identifier]] = {}
    for name, value in (bindings or {}).items():
        key = name.lstrip("?$")
        if key not in query.variables:
            raise BindingError(_not_a_variable(key, query.variables, what))
        if isinstance(value, list | tuple):
            terms[key] = [to_term(item) for item in value]
        elif isinstance(value, set | frozenset):
            raise BindingError(_SET_REFUSED.format(name=key))
        else:
            terms[key] = to_term(value)
    return terms


_SET_REFUSED = (
    "?{name} is bound to a set, which has no order: give a list (sorted(...), say), so that "
    "the rows come in the same order on every run"
)


def expand_bindings(bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return one set of bindings per combination of the values given as lists (or tuples).

    The combinations come in the order given, the last name varying fastest; a name bound to
    an empty list gives no combination, so the query answers nothing. A value given twice
    is answered twice. A set is refused: it has no order.

    >>> expand_bindings({"country": ["kh", "th"], "year": 2020})
    [{'country': 'kh', 'year': 2020}, {'country': 'th', 'year': 2020}]
    >>> expand_bindings({"a": [1, 2], "b": (3, 4)})
    [{'a': 1, 'b': 3}, {'a': 1, 'b': 4}, {'a': 2, 'b': 3}, {'a': 2, 'b': 4}]
    >>> expand_bindings({"a": []}), expand_bindings({})
    ([], [{}])
    """
    choices: list[list[Any]] = []
    for name, value in bindings.items():
        if isinstance(value, list | tuple):
            choices.append(list(value))
        elif isinstance(value, set | frozenset):
            raise BindingError(_SET_REFUSED.format(name=name.lstrip("?$")))
        else:
            choices.append([value])
    names = list(bindings)
    return [
        dict(zip(names, combination, strict=True)) for combination in itertools.product(*choices)
    ]


def inline_bindings(query: PreparedQuery, bindings: Mapping[str, Identifier]) -> str:
    r"""Return ``query.substitute(bindings)``: the query text with the values written in.

    This used to add a ``VALUES`` block at the start of the outer ``WHERE`` group, which
    changed the answer where the variable stood only in a subquery, a ``MINUS``, an inner
    ``FILTER`` or one ``UNION`` branch; now each value stands wherever its variable stands
    (:meth:`PreparedQuery.substitute`).

    >>> q = prepare("SELECT ?s WHERE { ?s <urn:x:label> ?l }", {})
    >>> print(inline_bindings(q, {"l": Literal("ឈី")}))
    SELECT ?s WHERE { ?s <urn:x:label> "\U00001788\U000017B8" }
    """
    return query.substitute(bindings)


def inline_update_bindings(update: PreparedUpdate, bindings: Mapping[str, Identifier]) -> str:
    """Return ``update.substitute(bindings)``: the update text with the values written in.

    Any update takes bindings now, not only one ``DELETE``/``INSERT ... WHERE`` operation,
    and a value stands in the templates as in the ``WHERE`` pattern (this used to be a
    ``VALUES`` block opening the ``WHERE`` group).

    >>> u = prepare_update("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", {})
    >>> print(inline_update_bindings(u, {"o": Literal("x")}))
    DELETE WHERE { GRAPH ?g { ?s ?p "x" } }
    """
    return update.substitute(bindings)


def check_parses(text: str, *, update: bool = False) -> None:
    """Parse ``text`` with rdflib, for tests and debugging (never on the hot path).

    >>> check_parses("SELECT * WHERE { ?s ?p 'a' }")
    >>> try:
    ...     check_parses("SELECT * WHERE { ?s ?p }")
    ... except SparqlSyntaxError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    SPARQL syntax error: line 1, column 24: expected an object after '?p': a triple pattern ...
        SELECT * WHERE { ?s ?p }
                               ^

    :raises SparqlSyntaxError: it does not parse.
    """
    try:
        with PARSER_LOCK:
            (parseUpdate if update else parseQuery)(_for_rdflib(text))
    except ParseException as error:
        raise explain(text, error.lineno, error.col, what="update" if update else "query") from None


# -- writing values --------------------------------------------------------------------------

_XSD_STRING = XSD.string
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: what a string literal's body cannot hold as it is: quotes, backslashes, control and
#: non-ASCII characters, and a backslash before u or U (see _escape_char)
_UNSAFE = re.compile(r'\\[uU]|[\\"\x00-\x1f\x7f-\U0010ffff]')
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if len(char) == 2:
        # A backslash then u: rdflib reads "\\u0041" as "\" + "\u0041" (it expands codepoint
        # escapes before parsing, as the grammar says); Oxigraph reads the escaped backslash
        # first. Writing the u as an escape of its own reads the same on both.
        return f"\\\\\\U{ord(char[1]):08X}"
    if char in _ECHAR:
        return _ECHAR[char]
    if "\ud800" <= char <= "\udfff":
        raise BindingError("a lone surrogate is not a Unicode character: it cannot be bound")
    # Non-ASCII and control characters as 8-digit escapes: some servers (Virtuoso) misread
    # raw UTF-8 in string constants, and the 8-digit form cannot run into digits after it.
    return f"\\U{ord(char):08X}"


def _write_iri(iri: str, name: str) -> str:
    # Oxigraph checks IRIs by RFC 3987, stricter than rdflib: an IRI one store would refuse
    # (https://e.org/[) is refused here, the same on every store.
    try:
        valid = is_valid_iri(iri) and not _SURROGATE.search(iri) and bool(ox.NamedNode(iri))
    except ValueError:
        valid = False
    if not valid:
        raise BindingError(f"?{name} is bound to an IRI that cannot be written: {iri!r}")
    return f"<{iri}>"


def _write(value: object, name: str) -> str:
    """Write a bound value as one SPARQL term that every engine reads as that value."""
    if isinstance(value, URIRef):
        return _write_iri(str(value), name)
    if isinstance(value, Literal):
        body = _UNSAFE.sub(_escape_char, str(value))
        if value.language:  # rdflib has checked the tag
            # the space ends the tag: "x"@en-1 would be the tag en-1, where ?x-1 was minus 1
            return f'"{body}"@{value.language} '
        if value.datatype is None or value.datatype == _XSD_STRING:
            return f'"{body}"'
        return f'"{body}"^^{_write_iri(str(value.datatype), name)}'
    if isinstance(value, list | tuple | set | frozenset):
        raise BindingError(
            f"?{name} is bound to several values: run the query once for each set of "
            "bindings expand_bindings(...) gives"
        )
    try:
        term = to_term(value)
    except BindingError as error:
        raise BindingError(f"?{name}: {error}") from None
    return _write(term, name)


# -- the lexer -------------------------------------------------------------------------------
# The terminals of the SPARQL 1.1 grammar (section 19.8), applied to the text after its
# codepoint escapes are read (see _decode).

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_VARNAME_REST = _PN_CHARS_U + "0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_CHARS = _VARNAME_REST + r"\-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_ECHAR_RE = r"""\\[tbnrf\\"']"""
_TERMINALS = {
    "STRING": (
        rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR_RE}))*'''"
        rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR_RE}))*"""'
        rf"|'(?:[^'\\\n\r]|{_ECHAR_RE})*'"
        rf'|"(?:[^"\\\n\r]|{_ECHAR_RE})*"'
    ),
    "VAR": rf"[?$][{_PN_CHARS_U}0-9][{_VARNAME_REST}]*",
    "BNODE": rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?",
    "PNAME": rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?",
    "WORD": r"[A-Za-z][A-Za-z0-9_]*",
    "NUMBER": (
        r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
        r"|[0-9]*\.[0-9]+|[0-9]+)"
    ),
    "LANGTAG": r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*",
    "PUNCT": r"\^\^|\|\||&&|!=|<=|>=|[{}()\[\],;.=<>!+\-*/^|?]",
}
_IRIREF = r'<[^<>"{}|^`\\\x00-\x20]*>'
# Where an operand has just ended, "<" is the operator (?a<?b>...), never an IRI's start.
_OPERAND_TOKEN = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _TERMINALS.items()))
_TOKEN = re.compile(f"(?P<IRI>{_IRIREF})|" + _OPERAND_TOKEN.pattern)
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class _Token(NamedTuple):
    kind: str  # a key of _TERMINALS, "IRI", "A" or "EOF"
    value: str  # a keyword upper-cased, a variable's name, else the text
    start: int  # offsets in the decoded text
    end: int


def _decode(text: str) -> tuple[str, list[int] | None]:
    r"""Read ``\uXXXX`` and ``\UXXXXXXXX`` escapes, as the grammar says, before lexing.

    Returns the decoded text and, when it differs, the offset in ``text`` of each of its
    characters (and of its end), so that tokens map back to what the user wrote.
    """
    if "\\u" not in text and "\\U" not in text:
        return text, None
    pieces: list[str] = []
    offsets: list[int] = []
    last = 0
    for match in _CODEPOINT.finditer(text):
        pieces.append(text[last : match.start()])
        offsets.extend(range(last, match.start()))
        try:
            pieces.append(chr(int(match[1] or match[2], 16)))
        except (ValueError, OverflowError):
            raise SparqlSyntaxError(f"{match.group()} is not a Unicode character") from None
        offsets.append(match.start())
        last = match.end()
    pieces.append(text[last:])
    offsets.extend(range(last, len(text) + 1))
    return "".join(pieces), offsets


#: A codepoint escape as the grammar reads it (four digits after \u, eight after \U), and a \U
#: followed by fewer than eight hex digits, which the grammar does not read as an escape.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(?=U[0-9A-Fa-f]{4})")


def _for_rdflib(text: str) -> str:
    r"""Return ``text`` with its codepoint escapes written so that rdflib reads them as the grammar.

    rdflib reads ``\u`` and ``\U`` alike, with four or eight hex digits: ``\u00e9face`` as
    one escape of eight digits (the grammar: ``é`` then ``face``), and ``\U0041`` as ``A`` (the
    grammar: no escape). Each escape is written with eight digits after ``\U``, and the
    backslash of a ``\U`` that is none as an escape of its own, which rdflib reads once.

    >>> _for_rdflib(r"'\u00e9face' '\U0041'")
    "'\\U000000E9face' '\\U0000005CU0041'"

    :raises SparqlSyntaxError: an escape of no Unicode character (``\U00110000``, ``\uD800``).
    """
    if "\\u" not in text and "\\U" not in text:
        return text

    def rewrite(match: re.Match[str]) -> str:
        code = 0x5C if match[0] == "\\" else int(match[1] or match[2], 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise SparqlSyntaxError(
                f"{match[0]} is not a Unicode character", *_line_column(text, match.start())
            )
        return f"\\U{code:08X}"

    return _ESCAPE.sub(rewrite, text)


def _not_a_variable(name: str, variables: Iterable[str], what: str) -> str:
    """Say that ``?name`` is no variable of the query, naming its variables and the nearest.

    >>> print(_not_a_variable("contry", {"country", "meeting"}, "query"))  # doctest: +ELLIPSIS
    ?contry is not a variable of the query (its variables: ...); did you mean ?country?
    """
    known = sorted(variables)
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return (
        f"?{name} is not a variable of the {what} (its variables: "
        f"{', '.join(f'?{v}' for v in known) or 'none'})"
        + (f"; did you mean ?{near[0]}?" if near else "")
    )


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _where(text: str, offset: int) -> str:
    return "line {}, column {}".format(*_line_column(text, offset))


# -- reading a query's structure ---------------------------------------------------------------

_Role = TypingLiteral[
    "term",
    "bound",
    "verb",
    "graph",
    "service",
    "describe",
    "template-subject",
    "project",
    "sub-project",
    "group",
    "order",
]
_IRI_ONLY: dict[str, str] = {
    "verb": "is used as a predicate",
    "graph": "names a graph (GRAPH ?{name})",
    "service": "names a service (SERVICE ?{name})",
    "describe": "is described by DESCRIBE",
    "template-subject": "is the subject of a template triple",
}
_CLAUSES = frozenset({"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


@dataclass(frozen=True)
class _SubSelect:
    """A subquery projecting bare variables: ``(name, slot)`` of each, and any ``AS`` item."""

    items: tuple[tuple[str, int], ...]
    has_expression: bool


@dataclass(frozen=True)
class _Plan:
    """A query text cut at each variable, to be joined again with values in their place.

    ``parts`` alternates text between variables with the variables' own text (odd
    indices, slot ``i`` at ``2 * i + 1``).
    """

    text: str
    parts: tuple[str, ...]
    uses: dict[str, tuple[tuple[int, _Role], ...]]
    assigned: dict[str, tuple[int, str]]
    iri_only: dict[str, tuple[int, _Role]]
    order: dict[str, int]
    star: tuple[int, tuple[str, ...]] | None  # the outer SELECT *: its slot and variables
    sub_selects: tuple[_SubSelect, ...]

    def hidden(self, name: str, slot: int) -> str:
        """Return a name for the column that keeps a subquery's projection from being empty.

        The query uses no such name, and no other subquery does: subqueries that joined on
        the bound variable (a constant now) must not join on their hidden columns either.
        """
        hidden = f"{name}_bound{slot}"
        while hidden in self.order:
            hidden = "_" + hidden
        return hidden


class _Reader:
    """A recursive-descent reader of SPARQL 1.1: where each variable stands, and in what role.

    It follows the grammar only as far as roles and scopes need; rdflib has already checked
    the text, so it trusts the rest.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.source, self.offsets = _decode(text)
        self.pos = 0
        self.peeked: tuple[int, bool, _Token] | None = None
        self.slots: list[tuple[int, int]] = []
        self.uses: dict[str, list[tuple[int, _Role]]] = {}
        self.assigned: dict[str, tuple[int, str]] = {}
        self.iri_only: dict[str, tuple[int, _Role]] = {}
        self.order: dict[str, int] = {}
        self.star: tuple[int, tuple[str, ...]] | None = None
        self.sub_selects: list[_SubSelect] = []

    # tokens

    def raw(self, offset: int) -> int:
        return offset if self.offsets is None else self.offsets[offset]

    def fail(self, message: str, token: _Token | None = None) -> NoReturn:
        offset = self.raw(token.start if token is not None else self.pos)
        raise SparqlSyntaxError(message, *_line_column(self.text, offset))

    def peek(self, operator: bool = False) -> _Token:
        if self.peeked is not None and self.peeked[:2] == (self.pos, operator):
            return self.peeked[2]
        skipped = _SKIP.match(self.source, self.pos)
        start = skipped.end() if skipped else self.pos
        if start == len(self.source):
            token = _Token("EOF", "", start, start)
        else:
            match = (_OPERAND_TOKEN if operator else _TOKEN).match(self.source, start)
            if match is None:
                self.pos = start
                self.fail(f"unexpected {self.source[start]!r}")
            kind, text = match.lastgroup or "", match.group()
            if kind == "WORD":
                kind, text = ("A", text) if text == "a" else (kind, text.upper())
            elif kind == "VAR":
                text = text[1:]
            token = _Token(kind, text, start, match.end())
        self.peeked = (self.pos, operator, token)
        return token

    def next(self, operator: bool = False) -> _Token:
        token = self.peek(operator)
        self.pos = token.end
        return token

    def at(self, value: str) -> bool:
        token = self.peek()
        return token.kind in ("WORD", "PUNCT") and token.value == value

    def accept(self, value: str) -> bool:
        if self.at(value):
            self.next()
            return True
        return False

    def expect(self, value: str) -> _Token:
        if not self.at(value):
            self.fail(f"expected {value}", self.peek())
        return self.next()

    def expect_iri(self) -> None:
        token = self.next()
        if token.kind not in ("IRI", "PNAME"):
            self.fail("expected an IRI", token)

    # variables

    def slot(self, token: _Token) -> int:
        self.slots.append((self.raw(token.start), self.raw(token.end)))
        return len(self.slots) - 1

    def use(self, token: _Token, role: _Role) -> int:
        name = token.value
        self.order.setdefault(name, len(self.order))
        slot = self.slot(token)
        self.uses.setdefault(name, []).append((slot, role))
        if role in _IRI_ONLY:
            self.iri_only.setdefault(name, (self.raw(token.start), role))
        return slot

    def assign(self, token: _Token, how: str) -> str:
        if token.kind != "VAR":
            self.fail("expected a variable", token)
        self.order.setdefault(token.value, len(self.order))
        self.assigned.setdefault(token.value, (self.raw(token.start), how))
        return token.value

    # queries and updates

    def query(self) -> None:
        self.prologue()
        if self.at("SELECT"):
            self.select(subquery=False)
        elif self.accept("CONSTRUCT"):
            self.construct()
        elif self.accept("DESCRIBE"):
            self.describe()
        elif self.accept("ASK"):
            self.datasets()
            self.accept("WHERE")
            self.group()
            self.modifiers()
        else:
            self.fail("expected SELECT, CONSTRUCT, DESCRIBE or ASK", self.peek())
        self.values_clause()
        if self.peek().kind != "EOF":
            self.fail("expected the end of the query", self.peek())

    def update(self) -> None:
        while True:
            self.prologue()
            if self.peek().kind == "EOF":
                return
            self.operation()
            if not self.accept(";"):
                break
        if self.peek().kind != "EOF":
            self.fail("expected ; or the end of the update", self.peek())

    def prologue(self) -> None:
        while True:
            if self.accept("BASE"):
                self.expect_iri()
            elif self.accept("PREFIX"):
                if self.next().kind != "PNAME":
                    self.fail("expected a prefix")
                self.expect_iri()
            else:
                return

    def operation(self) -> None:
        token = self.next()
        word = token.value if token.kind == "WORD" else ""
        if word == "WITH":
            self.expect_iri()
            token = self.next()
            word = token.value if token.kind == "WORD" else ""
            if word not in ("INSERT", "DELETE"):
                self.fail("expected DELETE or INSERT", token)
        elif word in ("INSERT", "DELETE") and self.accept("DATA"):
            self.skip_group()  # data holds no variables
            return
        elif word == "DELETE" and self.accept("WHERE"):
            self.quads()
            return
        elif word in ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"):
            while not self.at(";") and self.peek().kind != "EOF":
                self.next()
            return
        elif word not in ("INSERT", "DELETE"):
            self.fail("expected an update operation", token)
        self.quads()
        if word == "DELETE" and self.accept("INSERT"):
            self.quads()
        while self.accept("USING"):
            self.accept("NAMED")
            self.expect_iri()
        self.expect("WHERE")
        self.group()

    def skip_group(self) -> None:
        self.expect("{")
        depth = 1
        while depth:
            token = self.next()
            if token.kind == "EOF":
                self.fail("expected }")
            if token.kind == "PUNCT" and token.value in "{}":
                depth += 1 if token.value == "{" else -1

    def select(self, *, subquery: bool) -> dict[str, None]:
        self.expect("SELECT")
        if not self.accept("DISTINCT"):
            self.accept("REDUCED")
        projected: dict[str, None] = {}
        items: list[tuple[str, int]] = []
        has_expression = False
        star = -1
        is_star = self.at("*")
        if is_star and subquery:
            # Left as it is: with the bound variables written in as constants, a subquery's
            # scope holds exactly its unbound ones.
            self.next()
        elif is_star:
            star = self.slot(self.next())
        else:
            while True:
                token = self.peek()
                if token.kind == "VAR":
                    self.next()
                    items.append(
                        (token.value, self.use(token, "sub-project" if subquery else "project"))
                    )
                    projected[token.value] = None
                elif self.at("("):
                    how = "(... AS ?{name}) in SELECT"
                    projected.update(dict.fromkeys(self.bracketed(how)))
                    has_expression = True
                else:
                    break
            if not projected:
                self.fail("expected a variable, an expression or *", self.peek())
        self.datasets()
        self.accept("WHERE")
        scope = self.group()
        self.modifiers()
        if subquery:
            self.values_clause()
            if items:
                self.sub_selects.append(_SubSelect(tuple(items), has_expression))
        if star >= 0:
            self.star = (star, tuple(sorted(scope, key=self.order.__getitem__)))
        return scope if is_star else projected

    def construct(self) -> None:
        if self.accept("{"):
            self.template()
            self.datasets()
            self.accept("WHERE")
            self.group()
        else:
            self.datasets()
            self.expect("WHERE")
            self.expect("{")
            self.template()
        self.modifiers()

    def describe(self) -> None:
        if not self.accept("*"):  # rdflib cannot prepare DESCRIBE *, so it never gets here
            while True:
                token = self.peek()
                if token.kind == "VAR":
                    self.use(self.next(), "describe")
                elif token.kind in ("IRI", "PNAME"):
                    self.next()
                else:
                    break
        self.datasets()
        if self.accept("WHERE") or self.at("{"):
            self.group()
        self.modifiers()

    def datasets(self) -> None:
        while self.accept("FROM"):
            self.accept("NAMED")
            self.expect_iri()

    def modifiers(self) -> None:
        if self.accept("GROUP"):
            self.expect("BY")
            self.conditions("group")
        if self.accept("HAVING"):
            self.constraint()
            while self.starts_constraint():
                self.constraint()
        if self.accept("ORDER"):
            self.expect("BY")
            self.conditions("order")
        while self.accept("LIMIT") or self.accept("OFFSET"):
            if self.next().kind != "NUMBER":
                self.fail("expected a number")

    def conditions(self, role: TypingLiteral["group", "order"]) -> None:
        """Read GROUP BY or ORDER BY conditions; a bare variable takes ``role``."""
        count = 0
        while True:
            token = self.peek()
            if token.kind == "VAR":
                self.use(self.next(), role)
            elif role == "order" and token.kind == "WORD" and token.value in ("ASC", "DESC"):
                self.next()
                self.bracketed()
            elif role == "group" and self.at("("):
                self.bracketed("(... AS ?{name}) in GROUP BY")
            elif self.starts_constraint():
                self.constraint()
            else:
                break
            count += 1
        if not count:
            self.fail("expected a condition", self.peek())

    def starts_constraint(self) -> bool:
        token = self.peek()
        if token.kind == "WORD":
            return token.value not in _CLAUSES
        return token.kind in ("IRI", "PNAME") or self.at("(")

    def values_clause(self) -> None:
        if self.accept("VALUES"):
            self.data_block()

    def data_block(self) -> list[str]:
        token = self.next()
        if token.kind == "VAR":
            names = [self.assign(token, "VALUES")]
        elif token.kind == "PUNCT" and token.value == "(":
            names = []
            while not self.accept(")"):
                names.append(self.assign(self.next(), "VALUES"))
        else:
            self.fail("expected a variable or (", token)
        self.skip_group()  # rows of constants and UNDEF
        return names

    # patterns

    def group(self) -> dict[str, None]:
        """Read a group graph pattern; return its in-scope variables (SPARQL 1.1, 18.2.1)."""
        self.expect("{")
        if self.at("SELECT"):
            projected = self.select(subquery=True)
            self.expect("}")
            return projected
        scope: dict[str, None] = {}
        while True:
            token = self.peek()
            word = token.value if token.kind == "WORD" else ""
            if self.accept("}"):
                return scope
            if token.kind == "EOF":
                self.fail("expected }")
            if self.accept("."):
                continue
            if self.at("{"):
                union = self.group()
                while self.accept("UNION"):
                    union.update(self.group())
                scope.update(union)
            elif word == "OPTIONAL":
                self.next()
                scope.update(self.group())
            elif word == "MINUS":
                self.next()
                self.group()
            elif word in ("GRAPH", "SERVICE"):
                self.next()
                if word == "SERVICE":
                    self.accept("SILENT")
                named = self.next()
                if named.kind == "VAR":
                    self.use(named, "graph" if word == "GRAPH" else "service")
                    scope[named.value] = None
                elif named.kind not in ("IRI", "PNAME"):
                    self.fail("expected a variable or an IRI", named)
                scope.update(self.group())
            elif word == "FILTER":
                self.next()
                self.constraint()
            elif word == "BIND":
                self.next()
                scope.update(dict.fromkeys(self.bracketed("BIND(... AS ?{name})")))
            elif word == "VALUES":
                self.next()
                scope.update(dict.fromkeys(self.data_block()))
            else:
                self.triples(scope, template=False)

    def template(self) -> None:
        """Read triples up to the closing ``}``: a CONSTRUCT template, or a graph's in a quad."""
        scope: dict[str, None] = {}
        while not self.accept("}"):
            if self.peek().kind == "EOF":
                self.fail("expected }")
            if not self.accept("."):
                self.triples(scope, template=True)

    def quads(self) -> None:
        self.expect("{")
        scope: dict[str, None] = {}
        while not self.accept("}"):
            if self.peek().kind == "EOF":
                self.fail("expected }")
            if self.accept("GRAPH"):
                named = self.next()
                if named.kind == "VAR":
                    self.use(named, "graph")
                elif named.kind not in ("IRI", "PNAME"):
                    self.fail("expected a variable or an IRI", named)
                self.expect("{")
                self.template()
            elif not self.accept("."):
                self.triples(scope, template=True)

    def triples(self, scope: dict[str, None], *, template: bool) -> None:
        node = self.at("(") or self.at("[")
        self.node(scope, template=template, subject=True)
        if not node or self.starts_verb():
            self.properties(scope, template=template)

    def properties(self, scope: dict[str, None], *, template: bool) -> None:
        while True:
            token = self.peek()
            if token.kind == "VAR":
                self.use(self.next(), "verb")
                scope[token.value] = None
            else:
                self.path()
            self.node(scope, template=template)
            while self.accept(","):
                self.node(scope, template=template)
            if not self.at(";"):
                return
            while self.accept(";"):
                pass
            if not self.starts_verb():
                return

    def starts_verb(self) -> bool:
        token = self.peek()
        if token.kind in ("VAR", "A", "IRI", "PNAME"):
            return True
        return token.kind == "PUNCT" and token.value in ("^", "!", "(")

    def node(self, scope: dict[str, None], *, template: bool, subject: bool = False) -> None:
        token = self.next()
        kind = token.kind
        if kind == "VAR":
            self.use(token, "template-subject" if template and subject else "term")
            scope[token.value] = None
        elif kind == "PUNCT" and token.value == "(":  # a collection
            while not self.accept(")"):
                if self.peek().kind == "EOF":
                    self.fail("expected )")
                self.node(scope, template=template)
        elif kind == "PUNCT" and token.value == "[":  # a blank node with properties
            if not self.accept("]"):
                self.properties(scope, template=template)
                self.expect("]")
        elif kind == "STRING":
            if self.peek().kind == "LANGTAG":
                self.next()
            elif self.accept("^^"):
                self.expect_iri()
        elif kind not in ("IRI", "PNAME", "NUMBER", "BNODE") and token.value not in (
            "TRUE",
            "FALSE",
        ):
            self.fail("expected an RDF term", token)

    def path(self) -> None:
        """Read a property path; paths hold no variables."""
        self.path_sequence()
        while self.accept("|"):
            self.path_sequence()

    def path_sequence(self) -> None:
        self.path_element()
        while self.accept("/"):
            self.path_element()

    def path_element(self) -> None:
        self.accept("^")
        token = self.next()
        if token.kind == "PUNCT" and token.value == "!":
            if self.accept("("):
                while not self.accept(")"):
                    if not self.accept("|"):
                        self.path_one()
            else:
                self.path_one()
        elif token.kind == "PUNCT" and token.value == "(":
            self.path()
            self.expect(")")
        elif token.kind not in ("IRI", "PNAME", "A"):
            self.fail("expected a predicate", token)
        token = self.peek()
        if token.kind == "PUNCT" and token.value in ("?", "*", "+"):
            self.next()

    def path_one(self) -> None:
        self.accept("^")
        if self.next().kind not in ("IRI", "PNAME", "A"):
            self.fail("expected an IRI")

    # expressions

    def bound(self, word: _Token) -> None:
        """Read ``BOUND(?x)``, which takes a variable only: bound, it is ``true``."""
        self.expect("(")
        token = self.next()
        if token.kind != "VAR":
            self.fail("expected a variable", token)
        close = self.expect(")")
        self.use(_Token("VAR", token.value, word.start, close.end), "bound")

    def constraint(self) -> None:
        token = self.peek()
        if token.kind == "WORD":
            self.next()
            if token.value == "NOT":
                self.expect("EXISTS")
                self.group()
            elif token.value == "EXISTS":
                self.group()
            else:
                self.bracketed()
        elif token.kind in ("IRI", "PNAME"):
            self.next()
            self.bracketed()
        else:
            self.bracketed()

    def bracketed(self, assigns: str = "AS ?{name}") -> list[str]:
        """Read ``( ... )``: variables in it are values; return those ``AS`` assigns."""
        self.expect("(")
        depth, operand = 1, False
        assigned: list[str] = []
        while True:
            token = self.next(operand)
            kind = token.kind
            if kind == "VAR":
                self.use(token, "term")
                operand = True
            elif kind == "PUNCT":
                operand = token.value == ")"
                if token.value == "(":
                    depth += 1
                elif token.value == ")":
                    depth -= 1
                    if not depth:
                        return assigned
                elif token.value == "{":  # EXISTS { ... }
                    self.pos = token.start
                    self.group()
                    operand = True
            elif kind == "WORD" and token.value == "BOUND":
                self.bound(token)
                operand = True
            elif kind == "WORD":
                operand = token.value in ("TRUE", "FALSE")
                if token.value == "AS":
                    target = self.next()
                    assigned.append(self.assign(target, assigns.format(name=target.value)))
                    operand = True
            elif kind == "EOF":
                self.fail("expected )")
            else:
                operand = True


@lru_cache(maxsize=512)
def _plan(text: str, *, update: bool) -> _Plan:
    reader = _Reader(text)
    if update:
        reader.update()
    else:
        reader.query()
    parts: list[str] = []
    last = 0
    for start, end in reader.slots:
        parts += (text[last:start], text[start:end])
        last = end
    parts.append(text[last:])
    return _Plan(
        text,
        tuple(parts),
        {name: tuple(uses) for name, uses in reader.uses.items()},
        reader.assigned,
        reader.iri_only,
        reader.order,
        reader.star,
        tuple(reader.sub_selects),
    )


def _substitute(plan: _Plan, full_text: str, bindings: Mapping[str, Identifier], what: str) -> str:
    parts = list(plan.parts)
    written: dict[str, str] = {}
    for key, value in bindings.items():
        name = key.lstrip("?$")
        if name not in plan.order:
            raise BindingError(_not_a_variable(name, plan.order, what))
        if name in plan.assigned:
            offset, how = plan.assigned[name]
            raise BindingError(
                f"?{name} cannot be bound: the {what} assigns it itself ({how}, "
                f"{_where(plan.text, offset)}); bind another variable, or drop the assignment"
            )
        term = written[name] = _write(value, name)
        if name in plan.iri_only and not isinstance(value, URIRef):
            offset, role = plan.iri_only[name]
            raise BindingError(
                f"?{name} {_IRI_ONLY[role].format(name=name)} ({_where(plan.text, offset)}): "
                f"only an IRI can stand there, not the literal {str(value)!r}"
            )
        for slot, role in plan.uses.get(name, ()):
            if role == "term" or role in _IRI_ONLY:
                parts[2 * slot + 1] = term
            elif role == "project":
                parts[2 * slot + 1] = f"({term} AS ?{name})"
            elif role == "bound":
                parts[2 * slot + 1] = "true"
            elif role in ("group", "order"):  # after BY with no space (BY?x), keep BY a word
                space = " " if parts[2 * slot][-1:].isalnum() else ""
                parts[2 * slot + 1] = f"{space}STR({term})"
            else:  # sub-project: every use outside the subquery is the constant now
                parts[2 * slot + 1] = ""
    for select in plan.sub_selects:
        if not select.has_expression and all(name in written for name, _ in select.items):
            name, slot = select.items[0]  # a projection cannot be empty: keep one column
            parts[2 * slot + 1] = f"({written[name]} AS ?{plan.hidden(name, slot)})"
    if plan.star is not None and any(name in written for name in plan.star[1]):
        slot, names = plan.star
        parts[2 * slot + 1] = " ".join(
            f"({written[name]} AS ?{name})" if name in written else f"?{name}" for name in names
        )
    return full_text[: len(full_text) - len(plan.text)] + "".join(parts)
