"""Typed literals: whether a text is a value of its datatype, and the form a store keeps.

XML Schema gives each datatype a lexical space (the texts that are values of it) and, for most,
a canonical form. Oxigraph stores numbers, booleans, dates, times and durations by value, so
``"01"^^xsd:integer`` reads back as ``"1"``; :class:`CanonicalForms` finds the literals that a
store of that kind would give back changed, so that loading can say so.

>>> is_valid("2020-11-02", XSD + "date"), is_valid("2020-13-45", XSD + "date")
(True, False)
>>> is_valid("01", XSD + "integer"), is_valid("eight", XSD + "integer")
(True, False)
>>> CanonicalForms().canonical("01", XSD + "integer")
'1'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pyoxigraph as ox

__all__ = ["XSD", "CanonicalForms", "datatype_name", "is_valid", "kept_by_value"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_CLOCK = r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
_DURATION = rf"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?{_CLOCK}"

_LEXICAL: dict[str, str] = {
    "boolean": r"true|false|1|0",
    "decimal": _DECIMAL,
    "integer": r"[+-]?\d+",
    "double": rf"{_DECIMAL}(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "float": rf"{_DECIMAL}(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "date": rf"{_YEAR}-\d\d-\d\d{_TZ}?",
    "dateTime": rf"{_YEAR}-\d\d-\d\dT(?:{_TIME}){_TZ}?",
    "dateTimeStamp": rf"{_YEAR}-\d\d-\d\dT(?:{_TIME}){_TZ}",
    "time": rf"(?:{_TIME}){_TZ}?",
    "gYear": rf"{_YEAR}{_TZ}?",
    "gYearMonth": rf"{_YEAR}-(?:0[1-9]|1[0-2]){_TZ}?",
    "gMonth": rf"--(?:0[1-9]|1[0-2]){_TZ}?",
    "gMonthDay": rf"--(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]){_TZ}?",
    "gDay": rf"---(?:0[1-9]|[12]\d|3[01]){_TZ}?",
    "duration": _DURATION,
    "dayTimeDuration": rf"-?P(?=\d|T\d)(?:\d+D)?{_CLOCK}",
    "yearMonthDuration": r"-?P(?=\d)(?:\d+Y)?(?:\d+M)?",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "base64Binary": r"[A-Za-z0-9+/= ]*",
}
# The integer types of XML Schema with the bounds of their value space (None: unbounded).
_INTEGERS: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_PATTERNS: dict[str, re.Pattern[str]] = {
    XSD + name: re.compile(rf"(?:{pattern})\Z", re.ASCII) for name, pattern in _LEXICAL.items()
}
_PATTERNS.update({XSD + name: _PATTERNS[XSD + "integer"] for name in _INTEGERS})
_DAYS = re.compile(r"(-?\d+)-(\d\d)-(\d\d)", re.ASCII)


def _real_day(lexical: str) -> bool:
    """Whether the year-month-day at the start of ``lexical`` is a day of the calendar."""
    match = _DAYS.match(lexical)
    if match is None:
        return True
    year, month, day = (int(part) for part in match.groups())
    # the proleptic Gregorian calendar repeats every 400 years: fold the year into Python's
    folded = year % 400 or 400
    try:
        dt.date(folded, month, day)
    except ValueError:
        return False
    return True


def is_valid(lexical: str, datatype: str) -> bool:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (a full IRI).

    Datatypes outside XML Schema's built-in ones (and ``xsd:string``) are taken as valid.

    >>> is_valid("300", XSD + "byte"), is_valid("2021-02-29", XSD + "date")
    (False, False)
    """
    pattern = _PATTERNS.get(datatype)
    if pattern is None:
        return True
    stripped = lexical.strip(" \t\n\r")  # XML Schema collapses white space first
    if not pattern.match(stripped):
        return False
    name = datatype[len(XSD) :]
    if name in _INTEGERS:
        low, high = _INTEGERS[name]
        value = int(stripped)
        return (low is None or value >= low) and (high is None or value <= high)
    if name in ("date", "dateTime", "dateTimeStamp"):
        return _real_day(stripped)
    return True


# The datatypes Oxigraph keeps by value: their literals come back in canonical form.
_BY_VALUE = frozenset(
    XSD + name
    for name in (
        *_INTEGERS,
        "boolean",
        "decimal",
        "double",
        "float",
        "date",
        "dateTime",
        "dateTimeStamp",
        "time",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    )
)
_NO_UTC_OFFSET = r"(?:Z|[+-](?!00:00)\d\d:\d\d)?"
_CLOCK_TIME = r"(?:[01]\d|2[0-3]):\d\d:\d\d(?:\.\d*[1-9])?"
# Forms that are surely kept as they are; any other form of a kept-by-value datatype is asked
# of the engine itself.
_SURELY_CANONICAL: dict[str, re.Pattern[str]] = {
    XSD + name: re.compile(rf"(?:{pattern})\Z", re.ASCII)
    for name, pattern in {
        "integer": r"0|-?[1-9]\d*",
        "decimal": r"0|-?(?:[1-9]\d*|0)(?:\.\d*[1-9])?(?<!-0)",
        # whole numbers that a double holds exactly; any other form is asked of the engine
        "double": r"0|-?[1-9]\d{0,14}|INF|-INF|NaN",
        "float": r"0|-?[1-9]\d{0,5}|INF|-INF|NaN",
        "boolean": r"true|false",
        "date": rf"-?\d{{4}}-\d\d-\d\d{_NO_UTC_OFFSET}",
        "dateTime": rf"-?\d{{4}}-\d\d-\d\dT{_CLOCK_TIME}{_NO_UTC_OFFSET}",
        "time": rf"{_CLOCK_TIME}{_NO_UTC_OFFSET}",
    }.items()
}
_SURELY_CANONICAL.update({XSD + name: _SURELY_CANONICAL[XSD + "integer"] for name in _INTEGERS})
_SURELY_CANONICAL[XSD + "dateTimeStamp"] = _SURELY_CANONICAL[XSD + "dateTime"]


def kept_by_value(datatype: str) -> bool:
    """Whether Oxigraph stores literals of ``datatype`` by value (and so may rewrite them).

    >>> kept_by_value(XSD + "integer"), kept_by_value(XSD + "gYear")
    (True, False)
    """
    return datatype in _BY_VALUE


class CanonicalForms:
    """The form in which Oxigraph gives back a literal, asked of a scratch store and remembered."""

    def __init__(self) -> None:
        """Start with nothing remembered."""
        self._known: dict[tuple[str, str], str] = {}
        self._scratch: ox.Store | None = None
        self._subject = ox.NamedNode("urn:x-accsm-kg:canonical")
        self._predicate = ox.NamedNode("urn:x-accsm-kg:value")

    def canonical(self, lexical: str, datatype: str) -> str:
        """Return the form of ``lexical`` that a store gives back (itself, if kept as it is)."""
        if datatype not in _BY_VALUE:
            return lexical
        sure = _SURELY_CANONICAL.get(datatype)
        if sure is not None and sure.match(lexical):
            return lexical
        key = (lexical, datatype)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._round_trip(lexical, datatype)
        return found

    def _round_trip(self, lexical: str, datatype: str) -> str:
        if self._scratch is None:
            self._scratch = ox.Store()
        literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
        self._scratch.add(ox.Quad(self._subject, self._predicate, literal))
        try:
            back = next(iter(self._scratch.quads_for_pattern(self._subject, None, None))).object
            assert isinstance(back, ox.Literal)
            return back.value
        finally:
            self._scratch.clear()


def datatype_name(datatype: str, shorten: Callable[[str], str] | None = None) -> str:
    """Return a datatype IRI as ``xsd:name`` (or ``rdf:name``), else as ``<iri>``.

    >>> datatype_name(XSD + "date")
    'xsd:date'
    """
    if shorten is not None:
        return shorten(datatype)
    for prefix, namespace in (("xsd", XSD), ("rdf", _RDF)):
        if datatype.startswith(namespace) and re.fullmatch(r"\w+", datatype[len(namespace) :]):
            return f"{prefix}:{datatype[len(namespace) :]}"
    return f"<{datatype}>"
