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

from .errors import BindingError
from .literals import datatype_name, is_valid

__all__ = [
    "curie",
    "from_oxigraph",
    "from_sparql_json",
    "is_valid_iri",
    "looks_like_iri",
    "quiet_rdflib_terms",
    "read_iri",
    "read_literal",
    "read_term",
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


# -- terms written as in Turtle --------------------------------------------------------------

# The names of SPARQL's grammar (section 19.8): a prefixed name is PN_PREFIX? ':' PN_LOCAL?
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040\\-"
# any character after a backslash, or none at the end: one that may not be escaped is refused
# with a message (each text matches one way only, so matching takes time in proportion to it)
_PLX = r"%[0-9A-Fa-f]{2}|\\.|\\\Z"
_PNAME = re.compile(
    rf"(?P<prefix>[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:"
    rf"(?P<local>(?:[{_PN_CHARS_BASE}_:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*"
    rf"(?:[{_PN_CHARS}:]|{_PLX}))?)?",
    re.DOTALL,
)
#: The characters a prefixed name's local part may hold escaped (PN_LOCAL_ESC).
_LOCAL_ESCAPED = "_~.-!$&'()*+,;=/?#@%"
_STRING_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
_STRING_ESCAPES |= {c: c for c in "\"'\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.)|\Z)", re.DOTALL)
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def looks_like_iri(text: str) -> bool:
    """Whether ``text`` is written as an IRI: ``<…>`` or a prefixed name (known or not)."""
    return text.startswith("<") or _PNAME.fullmatch(text) is not None


def read_term(
    text: str, prefixes: Mapping[str, str], namespaces: NamespaceManager | None = None
) -> Literal | URIRef | str:
    r"""Return the term ``text`` is written as, in Turtle's way, or ``text`` itself.

    ``<iri>`` and prefixed names are IRIs (an unknown prefix is an error; a local name may hold
    ``\``-escapes); ``"text"``, ``"text"@km`` and ``"8"^^xsd:integer`` are those literals, their
    escapes read (a lexical form not of its datatype is an error); anything else is plain text.

    >>> read_term(r"kg:a\#b", {"kg": "https://w3id.org/accsm-kg/id/"})
    rdflib.term.URIRef('https://w3id.org/accsm-kg/id/a#b')
    >>> read_term("Chhy Vichara", {})
    'Chhy Vichara'

    :raises BindingError: ``text`` is written as a term, but not a valid one.
    """
    if text.startswith('"'):
        return read_literal(text, prefixes, namespaces)
    if looks_like_iri(text):
        try:
            return read_iri(text, prefixes)
        except BindingError as error:
            if text.startswith("<"):
                raise
            raise BindingError(f'{error}; write "{text}" if it is a string') from None
    return text


def read_iri(text: str, prefixes: Mapping[str, str]) -> URIRef:
    """Return the IRI of ``<iri>``, an absolute IRI or a prefixed name (escapes read)."""
    from .queries import expand_iri

    match = _PNAME.fullmatch(text)
    if match is not None and (match["prefix"] or "") in prefixes:
        local = _unescape_local(match["local"] or "", text)
        return URIRef(prefixes[match["prefix"] or ""] + local)
    return expand_iri(text, prefixes)


def _unescape_local(local: str, text: str) -> str:
    r"""Return a prefixed name's local part with its ``\``-escapes read (``a\#b`` is ``a#b``)."""

    def read(match: re.Match[str]) -> str:
        escaped = match.group()[1:]
        if escaped == "" or escaped not in _LOCAL_ESCAPED:
            raise BindingError(
                f"{text}: \\{escaped} is not an escape a prefixed name may hold (a backslash "
                f"goes before one of {_LOCAL_ESCAPED})"
            )
        return escaped

    return re.sub(r"\\.?", read, local, flags=re.DOTALL)


def read_literal(
    text: str, prefixes: Mapping[str, str], namespaces: NamespaceManager | None = None
) -> Literal:
    """Return the literal ``"text"``, ``"text"@lang`` or ``"text"^^datatype`` (as in Turtle).

    :raises BindingError: it is written otherwise, or its text is not of its datatype.
    """
    end = text.rfind('"')
    if end == 0:
        raise BindingError(f"{text!r} opens a string it does not close")
    value, suffix = _unescape_string(text[1:end]), text[end + 1 :]
    with quiet_rdflib_terms():
        if not suffix:
            return Literal(value)
        if suffix.startswith("@"):
            if not _LANGUAGE.fullmatch(suffix[1:]):
                raise BindingError(
                    f"{suffix[1:]!r} is not a language tag (such as km, en or en-GB)"
                )
            return Literal(value, lang=suffix[1:])
        if suffix.startswith("^^") and looks_like_iri(suffix[2:]):
            datatype = read_iri(suffix[2:], prefixes)
            if not is_valid(value, str(datatype)):
                shown = datatype_name(str(datatype), lambda iri: curie(URIRef(iri), namespaces))
                raise BindingError(f'"{value}" is not a valid {shown}')
            return Literal(value, datatype=datatype)
    raise BindingError(
        f'{text!r} is not a literal; write "text", "text"@lang or "text"^^datatype '
        "(a datatype is an <IRI> or a prefixed name such as xsd:date)"
    )


def _unescape_string(text: str) -> str:
    r"""Return a string's text with its escapes read as in Turtle (``\n``, ``\"``, ``\u00E9``)."""

    def read(match: re.Match[str]) -> str:
        short, long, char = match.groups()
        if short or long:
            code = int(short or long, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise BindingError(f"{match.group()} is not a Unicode character")
            return chr(code)
        if char is None or char not in _STRING_ESCAPES:
            raise BindingError(
                f"{match.group()} is not an escape a string may hold "
                "(\\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX \\UXXXXXXXX)"
            )
        return _STRING_ESCAPES[char]

    return _ESCAPE.sub(read, text)
