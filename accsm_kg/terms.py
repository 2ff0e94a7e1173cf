r"""RDF terms across engines: rdflib's, Oxigraph's, SPARQL JSON results and SPARQL text.

Every store hands results back as rdflib terms, the same whichever engine answered, so that
results compare equal across stores. Plain strings are ``Literal("x")`` (never
``"x"^^xsd:string``, which RDF 1.1 makes the same literal). A typed literal keeps the lexical
form the engine gave: ``"01"^^xsd:integer`` stays ``01`` (rdflib would write ``1``).

>>> print(to_sparql(Literal('say "hi"\n', lang="km")))
"say \"hi\"\n"@km
>>> from_oxigraph(to_oxigraph(Literal(8)))
rdflib.term.Literal('8', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
>>> str(from_oxigraph(ox.Literal("01", datatype=ox.NamedNode(str(XSD.integer)))))
'01'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

from .literals import is_valid

__all__ = [
    "curie",
    "from_oxigraph",
    "from_sparql_json",
    "is_valid_iri",
    "quiet_rdflib_terms",
    "to_oxigraph",
    "to_sparql",
]

# \Z, not $: "$" also matches before a final newline, which neither may hold
_LABEL = re.compile(r"^[A-Za-z][A-Za-z0-9]*\Z")
_IRI = re.compile(r'^[^\x00-\x20<>"{}|^`\\]*\Z')
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _escape(char: str) -> str:
    # Non-ASCII characters are written as \U escapes: some servers (Virtuoso) misread raw
    # UTF-8 in a query's string constants, and the 8-digit form cannot run into digits that
    # follow it (rdflib reads "\u0080" + "0000" as one 8-digit escape).
    if char in _ESCAPES:
        return _ESCAPES[char]
    if ord(char) < 0x80:
        return char
    return f"\\U{ord(char):08X}"


def is_valid_iri(iri: str) -> bool:
    r"""Whether ``iri`` can be written as a SPARQL or N-Triples ``<IRI>`` as it is.

    >>> is_valid_iri("https://w3id.org/accsm-kg/id/cambodia"), is_valid_iri("http://x/> }")
    (True, False)
    >>> is_valid_iri("http://x/\n")
    False
    """
    return bool(_IRI.match(iri)) and ":" in iri


def curie(iri: URIRef, namespaces: NamespaceManager | None) -> str:
    """Return ``prefix:local`` for an IRI under a bound prefix, else ``<iri>``.

    >>> curie(URIRef("https://schema.org/Event"), None)
    '<https://schema.org/Event>'
    """
    if namespaces is not None:
        try:
            return namespaces.curie(iri, generate=False)
        except (KeyError, ValueError):
            pass
    return f"<{iri}>"


def from_oxigraph(term: object, bnodes: dict[str, BNode] | None = None) -> Node:
    """Return the rdflib term for an Oxigraph term; ``bnodes`` maps blank node labels.

    IRIs and string literals, which Oxigraph has already checked, are made without rdflib's
    checks (a third of the time); typed literals go through rdflib, which reads their value.

    >>> from_oxigraph(ox.Literal("ឈី វិជ្ជរ៉ា", language="km")) == Literal("ឈី វិជ្ជរ៉ា", lang="km")
    True
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return _uri(term.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        language = term.language  # type: ignore[attr-defined]
        if language:
            return _string(term.value, language)  # type: ignore[attr-defined]
        datatype = term.datatype.value  # type: ignore[attr-defined]
        if datatype == _STRING:
            return _string(term.value, None)  # type: ignore[attr-defined]
        return _typed(term.value, datatype)  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        if bnodes is None:
            return BNode(term.value)  # type: ignore[attr-defined]
        return bnodes.setdefault(term.value, BNode())  # type: ignore[attr-defined]
    raise TypeError(f"unexpected term: {term!r}")


def _uri(iri: str) -> URIRef:
    """Return ``URIRef(iri)`` for an IRI already checked, without checking it again."""
    return str.__new__(URIRef, iri)


def _string(text: str, language: str | None) -> Literal:
    """Return a plain or language-tagged literal, with the slots rdflib's constructor sets."""
    literal = str.__new__(Literal, text)
    literal._language = language
    literal._datatype = None
    literal._value = text
    literal._ill_typed = None
    return literal


_STRING = str(XSD.string)


_INTEGER = re.compile(r"[+-]?\d+\Z", re.ASCII)
_DAY = re.compile(r"\d{4}-\d\d-\d\d\Z", re.ASCII)
# Values of the commonest datatypes, read as rdflib reads them, but without its detours.
_FAST_VALUES: dict[str, tuple[re.Pattern[str], Callable[[str], object]]] = {
    str(XSD.integer): (_INTEGER, int),
    str(XSD.date): (_DAY, dt.date.fromisoformat),
}


@lru_cache(maxsize=256)
def _datatype(iri: str) -> URIRef:
    return URIRef(iri)


def _typed(lexical: str, datatype: str) -> Literal:
    """Return a typed literal that keeps its lexical form, ``"01"^^xsd:integer`` included."""
    fast = _FAST_VALUES.get(datatype)
    if fast is not None and fast[0].match(lexical):
        try:
            value = fast[1](lexical)
        except ValueError:  # not a day of the calendar: rdflib says so below
            pass
        else:
            literal = str.__new__(Literal, lexical)
            literal._language = None
            literal._datatype = _datatype(datatype)
            literal._value = value
            literal._ill_typed = False
            return literal
    if is_valid(lexical, datatype):
        # rdflib checks the datatypes outside XML Schema's (rdf:XMLLiteral...) itself, and logs
        with quiet_rdflib_terms():
            return Literal(lexical, datatype=_datatype(datatype), normalize=False)
    # rdflib warns and logs a traceback for a lexical form that is not of its datatype; the
    # loader has said so already, with file and line
    with quiet_rdflib_terms(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Literal(lexical, datatype=URIRef(datatype), normalize=False)


_QUIET: ContextVar[bool] = ContextVar("accsm_kg_quiet_rdflib_terms", default=False)


class _Quiet(logging.Filter):
    """Drop rdflib.term's records while :func:`quiet_rdflib_terms` is in force (in this thread)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _QUIET.get()


_RDFLIB_TERM = logging.getLogger("rdflib.term")
if not any(isinstance(f, _Quiet) for f in _RDFLIB_TERM.filters):
    _RDFLIB_TERM.addFilter(_Quiet())


@contextlib.contextmanager
def quiet_rdflib_terms() -> Iterator[None]:
    """Keep rdflib from logging about the terms it makes in this block (in this thread only).

    rdflib logs a warning with a traceback for a literal that is not of its datatype
    (``"x"^^xsd:date``) and for an IRI it finds suspect; where such a term is expected (a query
    that holds one, a value read back), that is noise.

    >>> with quiet_rdflib_terms():
    ...     Literal("x", datatype=XSD.date).ill_typed
    True
    """
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the Oxigraph term for an rdflib term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"unexpected term: {node!r}")


def from_sparql_json(value: Mapping[str, str]) -> Node:
    """Return the rdflib term for one value of SPARQL 1.1 JSON results."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        # Servers label blank nodes as they like ("nodeID://b10022"): keep a label of the
        # same node stable, but one that N-Triples and Turtle can write.
        label = value["value"]
        if _LABEL.match(label):
            return BNode(label)
        return BNode("x" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:20])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype is None or datatype == _STRING:
        return Literal(value["value"])
    return _typed(value["value"], datatype)


def to_sparql(node: Node) -> str:
    """Write an IRI or literal in SPARQL (and N-Triples) syntax, escaped so it stays one term.

    :raises ValueError: for an IRI with characters an ``<IRI>`` cannot hold, or a blank node.
    """
    if isinstance(node, URIRef):
        if not is_valid_iri(str(node)):
            raise ValueError(f"not a valid IRI: {str(node)!r}")
        return f"<{node}>"
    if isinstance(node, Literal):
        text = "".join(_escape(c) for c in str(node))
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None and node.datatype != XSD.string:
            return f'"{text}"^^{to_sparql(node.datatype)}'
        return f'"{text}"'
    raise ValueError(f"cannot write {node!r} in a query")
