"""Named competency queries: ``.rq`` files shipped in the package, each headed by its question.

A query file starts with comment lines: the question it answers, then its parameters, one a
line, as ``name  kind  description`` under ``Parameters:``. Parameters are variables of the query
that the caller may bind; left unbound, they range over every value. Kinds are ``iri`` (a full
IRI or a prefixed name such as ``kg:cambodia``), ``string``, ``integer``, ``date`` and ``year``.

>>> q = named_queries()["delegation-heads"]
>>> q.question
"Who headed a country's delegation to a meeting, with the post and honorific they held?"
>>> [p.name for p in q.parameters]
['country', 'meeting']
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import XSD, Literal, URIRef

from . import display
from .errors import BindingError
from .resources import query_paths
from .terms import read_term

__all__ = [
    "NamedQueries", "NamedQuery", "Parameter", "ParameterKind", "expand_iri", "named_queries",
]  # fmt: skip

ParameterKind = TypingLiteral["iri", "term", "string", "integer", "date", "year"]
_PARAMETER = re.compile(r"^#\s+(\w+)\s+(iri|term|string|integer|date|year)\s+(.+)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Parameter:
    """A variable of a named query that callers may bind."""

    name: str
    kind: ParameterKind
    description: str

    def convert(self, value: Any, prefixes: Mapping[str, str]) -> Any:
        """Turn a value given by a caller (often a string from the command line) into a term."""
        if isinstance(value, URIRef | Literal):
            return value
        try:
            if self.kind == "iri":
                return expand_iri(str(value), prefixes)
            if self.kind == "term":
                return _term(value, prefixes)
            if self.kind in ("integer", "year"):
                return Literal(_whole_number(value))
            if self.kind == "date":
                return Literal(_day(value))
        except ValueError as error:
            raise BindingError(
                f"{self.name}: {value!r} is not a valid {self.kind} ({error})"
            ) from None
        return Literal(str(value))


#: Numbers and booleans as Turtle writes them bare, with the datatype Turtle gives each.
_BARE = (
    (re.compile(r"^[+-]?[0-9]+$"), XSD.integer),
    (re.compile(r"^[+-]?[0-9]*\.[0-9]+$"), XSD.decimal),
    (re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$"), XSD.double),
    (re.compile(r"^(true|false)$"), XSD.boolean),
)


def _term(value: Any, prefixes: Mapping[str, str]) -> URIRef | Literal:
    """Return the term a ``term`` parameter's value stands for.

    An IRI, a literal, a number or a boolean written as in Turtle (``kg:x``, ``"x"@en``, ``8``,
    ``true``); other text, and Python values, are literals.
    """
    if not isinstance(value, str):
        return Literal(value)
    for pattern, datatype in _BARE:
        if pattern.match(value):
            return Literal(value, datatype=datatype)
    term = read_term(value, prefixes)
    return term if isinstance(term, URIRef | Literal) else Literal(term)


def _whole_number(value: Any) -> int:
    # int(True) is 1 and int(2020.7) is 2020: neither is what the caller meant
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("not a whole number")
    return int(value)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0) or value.tzinfo is not None:
            raise ValueError("a date is wanted, not a moment of a day")
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class NamedQuery:
    """A competency query: its name, the question it answers, its parameters and its SPARQL."""

    name: str
    question: str
    parameters: tuple[Parameter, ...]
    sparql: str
    path: Path

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called ``name``."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        names = [p.name for p in self.parameters]
        raise BindingError(
            f"the query {self.name!r} has no parameter {name!r} (its parameters: "
            f"{', '.join(names) or 'none'}){_did_you_mean(name, names)}"
        )

    def __repr__(self) -> str:
        """Show the name and the parameters, as a call would give them.

        >>> named_queries()["delegation-heads"]
        <NamedQuery delegation-heads(country, meeting)>
        """
        return f"<NamedQuery {self.name}({', '.join(p.name for p in self.parameters)})>"

    def _parameters_text(self) -> str:
        return "\n".join(f"{p.name} ({p.kind}): {p.description}" for p in self.parameters)

    def _repr_html_(self) -> str:
        """Return the question, a table of the parameters and, folded, the SPARQL."""
        parameters = display.table(
            ("parameter", "kind", "description"),
            [(p.name, p.kind, p.description) for p in self.parameters],
            noun="parameters",
        )
        return display.block(
            f"<p><strong>{html.escape(self.name)}</strong>: {html.escape(self.question)}</p>",
            parameters if self.parameters else "<p>No parameters.</p>",
            f"<details><summary>SPARQL</summary><pre>{html.escape(self.sparql)}</pre></details>",
        )


class NamedQueries(dict[str, NamedQuery]):
    """The named queries by name: a ``dict``, shown in a notebook as a table of questions.

    >>> named_queries()  # doctest: +ELLIPSIS
    <NamedQueries: ... queries>
    """

    def __repr__(self) -> str:
        """Show how many queries there are (their names are the keys)."""
        return f"<NamedQueries: {len(self)} queries>"

    def _repr_html_(self) -> str:
        """Return a table of each query's name, question and parameters."""
        rows = [(q.name, q.question, q._parameters_text()) for q in self.values()]
        return display.block(
            display.table(("name", "question", "parameters"), rows, noun="queries")
        )


def _did_you_mean(name: str, known: list[str], *, suffix: str = "") -> str:
    """Return ``"; did you mean X?"`` naming the known name nearest ``name``, or ``""``.

    >>> _did_you_mean("contry", ["country", "meeting"])
    '; did you mean country?'
    """
    near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean {near[0]}{suffix}?" if near else ""


#: IRI schemes written without ``//`` that a value may use without angle brackets.
_OPAQUE_SCHEMES = frozenset({"urn", "mailto", "tag", "data", "info", "doi", "did", "tel", "geo"})


def expand_iri(value: str, prefixes: Mapping[str, str]) -> URIRef:
    """Return the IRI for ``<iri>``, an absolute IRI, or a prefixed name with a known prefix.

    >>> expand_iri("kg:cambodia", {"kg": "https://w3id.org/accsm-kg/id/"})
    rdflib.term.URIRef('https://w3id.org/accsm-kg/id/cambodia')
    """
    text = value.strip()
    bracketed = text.startswith("<") and text.endswith(">")
    if bracketed:
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not bracketed:
        return URIRef(prefixes[prefix] + local)
    if _SCHEME.match(text) and not any(c in text for c in ' <>"{}|\\^`'):
        # "gk:cambodia" is an IRI of scheme gk, but far more likely a misspelt prefix
        if bracketed or "://" in text or prefix.lower() in _OPAQUE_SCHEMES:
            return URIRef(text)
        near = _did_you_mean(prefix, sorted(prefixes), suffix=":" + local).lstrip("; ")
        raise BindingError(
            f"{value!r}: unknown prefix {prefix}: ({near + '; ' if near else ''}known prefixes: "
            f"{', '.join(sorted(prefixes))}); write <{text}> if it is an IRI of its own"
        )
    raise BindingError(
        f"{value!r} is neither an absolute IRI nor a prefixed name with a known prefix "
        f"({', '.join(sorted(prefixes))})"
    )


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    question = header[0].lstrip("# ").strip() if header else ""
    parameters = tuple(
        Parameter(m[1], m[2], m[3].strip())  # type: ignore[arg-type]
        for m in map(_PARAMETER.match, header)
        if m
    )
    return NamedQuery(path.stem, question, parameters, text, path)


@cache
def named_queries() -> NamedQueries:
    """Return the shipped named queries by name, sorted (a ``dict``)."""
    return NamedQueries({q.name: q for q in map(_parse, query_paths())})
