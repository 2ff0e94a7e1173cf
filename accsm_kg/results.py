"""Results of queries: rows of SELECT that work like named tuples, the graphs of CONSTRUCT.

>>> rows = Rows(["name", "size"], [(Literal("Chhy Vichara", lang="en"), Literal(8))])
>>> row = rows[0]
>>> str(row.name), int(row["size"]), str(row[0])
('Chhy Vichara', 8, 'Chhy Vichara')
>>> print(rows.to_table())
name          size
------------  ----
Chhy Vichara  8
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import heapq
import html
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, SupportsIndex, TypeVar, overload

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

from . import display
from .terms import curie

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ResultGraph", "Row", "Rows"]

_T = TypeVar("_T")

_INTEGER_TYPES = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
    XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
    XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte, XSD.gYear,
}  # fmt: skip
_FLOAT_TYPES = {XSD.decimal, XSD.double, XSD.float}
_DATE_TYPES = {XSD.date, XSD.dateTime, XSD.dateTimeStamp}


class Row(tuple[Node | None, ...]):
    """One result row: by position (``row[0]``), by name (``row["name"]``, ``row.name``).

    Values are rdflib terms (:class:`~rdflib.URIRef`, :class:`~rdflib.Literal`), or ``None``
    where the variable is unbound.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    @overload
    def __getitem__(self, key: SupportsIndex | str) -> Node | None: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Node | None, ...]: ...
    def __getitem__(
        self, key: SupportsIndex | str | slice
    ) -> Node | tuple[Node | None, ...] | None:
        """Return the value at a position, or of a variable by name."""
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._fields.index(key))
            except ValueError:
                raise KeyError(
                    f"no variable {key!r} in this row: {', '.join(self._fields)}"
                ) from None
        return tuple.__getitem__(self, key)

    def __getattr__(self, name: str) -> Node | None:
        """Return the value of a variable by name."""
        try:
            return tuple.__getitem__(self, self._fields.index(name))
        except ValueError:
            raise AttributeError(
                f"no variable {name!r} in this row: {', '.join(self._fields)}"
            ) from None

    def _asdict(self) -> dict[str, Node | None]:
        return dict(zip(self._fields, self, strict=True))

    def __repr__(self) -> str:
        """Show the row as ``Row(name=value, ...)``."""
        return (
            "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self, strict=True)) + ")"
        )


@lru_cache(maxsize=1024)
def _row_type(variables: tuple[str, ...]) -> type[Row]:
    """Return the row class for these variables (one class per set of columns, made once)."""
    return type("Row", (Row,), {"__slots__": (), "_fields": variables})


class Rows(Sequence[Row]):
    """The rows of a SELECT query, in order, with their variables.

    Render them with :meth:`to_dataframe`, :meth:`to_json`, :meth:`to_csv` or
    :meth:`to_table`; in a notebook they show as an HTML table.
    """

    def __init__(
        self,
        variables: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        namespaces: NamespaceManager | None = None,
        convert: Callable[[Any], Node | None] | None = None,
    ) -> None:
        """Hold ``rows`` of values for ``variables``; ``namespaces`` shortens IRIs for display.

        With ``convert``, ``rows`` hold an engine's own terms, each turned into an rdflib term
        by ``convert`` when its row is first read.
        """
        self.variables: tuple[str, ...] = tuple(variables)
        self._row_type = _row_type(self.variables)
        self._raw: list[Sequence[Any]] = list(rows)
        self._read: list[Row | None] = [None] * len(self._raw)
        self._convert = convert
        self._namespaces = namespaces

    def _row(self, index: int) -> Row:
        row = self._read[index]
        if row is None:
            raw = self._raw[index]
            row = self._row_type(raw if self._convert is None else map(self._convert, raw))
            self._read[index] = row
        return row

    @property
    def _rows(self) -> list[Row]:
        return [self._row(index) for index in range(len(self._raw))]

    @overload
    def __getitem__(self, index: SupportsIndex) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Rows: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Row | Rows:
        """Return a row, or for a slice the :class:`Rows` it selects, with the same variables.

        >>> rows = Rows(["n"], [(Literal(1),), (Literal(2),), (Literal(3),)])
        >>> rows[:2]
        <Rows 2 row(s): ?n>
        """
        if isinstance(index, slice):
            selected = copy.copy(self)
            selected._raw = self._raw[index]
            selected._read = self._read[index]
            return selected
        position = range(len(self._raw))[index]  # negative indexes and IndexError, as a list
        return self._row(position)

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self._raw)

    def __iter__(self) -> Iterator[Row]:
        """Iterate over the rows."""
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        """Rows are equal when their variables and values are, in the same order."""
        if not isinstance(other, Rows):
            return NotImplemented
        return self.variables == other.variables and self._rows == other._rows

    __hash__ = None  # type: ignore[assignment]  # mutable container semantics, as list

    def column(self, name: str) -> list[Node | None]:
        """Return the values of one variable, row by row.

        A name that is not a variable raises :class:`KeyError`, as ``row[name]`` does.
        """
        try:
            index = self.variables.index(name)
        except ValueError:
            raise KeyError(
                f"no variable {name!r} in these rows: {', '.join(self.variables)}"
            ) from None
        return [row[index] for row in self._rows]

    def __repr__(self) -> str:
        """Show the variables and the number of rows."""
        return f"<Rows {len(self)} row(s): {', '.join('?' + v for v in self.variables)}>"

    # -- rendering -------------------------------------------------------------------------

    def _short(self, value: Node | None) -> str:
        if value is None:
            return ""
        if isinstance(value, URIRef):
            return curie(value, self._namespaces)
        if isinstance(value, Literal):
            return str(value)
        return value.n3()

    def to_table(self) -> str:
        """Return the rows as a plain-text table, IRIs shortened with the known prefixes.

        Literals show as their text; language tags and datatypes are in :meth:`to_json`.
        """
        cells = [list(self.variables)] + [[self._short(v) for v in row] for row in self._rows]
        widths = [max(_width(line[i]) for line in cells) for i in range(len(self.variables))]
        lines = [
            "  ".join(c + " " * (w - _width(c)) for c, w in zip(line, widths, strict=True))
            for line in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        """Return :meth:`to_table`."""
        return self.to_table()

    def _repr_html_(self) -> str:
        """Return an HTML table: IRIs as prefixed names, ``lang`` on tagged literals, cut if long.

        Only the rows shown (:data:`accsm_kg.display.MAX_ROWS`) are read from the engine.
        """
        most = display.MAX_ROWS
        shown = range(len(self) if most is None else min(len(self), most))
        table = display.table(
            self.variables,
            (self._row(i) for i in shown),
            namespaces=self._namespaces,
            total=len(self),
        )
        empty = '<p class="accsm-kg-note">no rows</p>' if not self else ""
        return display.block(table, empty)

    def to_csv(self) -> str:
        """Return the rows as CSV in the SPARQL 1.1 CSV results format (full IRIs, plain text)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self._rows:
            writer.writerow(["" if v is None else str(v) for v in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        r"""Return the rows in the SPARQL 1.1 TSV results format: each value an RDF term.

        >>> Rows(["n", "x"], [(Literal("a\tb", lang="km"), None)]).to_tsv()
        '?n\t?x\n"a\\tb"@km\t\n'
        """
        escapes = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})

        def term(value: Node | None) -> str:
            if value is None:
                return ""
            if isinstance(value, URIRef):
                return f"<{value}>"
            if isinstance(value, BNode):
                return f"_:{value}"
            if isinstance(value, Literal):
                body = f'"{str(value).translate(escapes)}"'
                if value.language:
                    return f"{body}@{value.language}"
                if value.datatype is not None and value.datatype != XSD.string:
                    return f"{body}^^<{value.datatype}>"
                return body
            return f'"{str(value).translate(escapes)}"'

        lines = ["\t".join(f"?{name}" for name in self.variables)]
        lines += ["\t".join(term(value) for value in row) for row in self._rows]
        return "\n".join(lines) + "\n"

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the rows in the SPARQL 1.1 Query Results JSON format.

        >>> print(Rows(["n"], [(Literal("x", lang="km"),)]).to_json(indent=1))  # doctest: +ELLIPSIS
        {...
            "n": {
             "type": "literal",
             "value": "x",
             "xml:lang": "km"
        ...
        """
        bindings = [
            {k: _json_term(v) for k, v in zip(self.variables, row, strict=True) if v is not None}
            for row in self._rows
        ]
        document = {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=indent)

    def to_dataframe(self, *, short: bool = False) -> pd.DataFrame:
        """Return the rows as a pandas DataFrame with typed columns.

        IRIs are strings, in full; ``short=True`` writes them as prefixed names with the known
        prefixes (``kg:cambodia``), as :meth:`to_table` and the HTML table do, and an IRI under
        no known prefix as ``<iri>``.

        Integers (and ``xsd:gYear``) become nullable ``Int64``, decimals and doubles ``Float64``,
        ``xsd:date`` and ``xsd:dateTime`` datetimes, booleans ``boolean``; IRIs and other literals
        are strings (language tags are dropped: read them from the rows). Unbound values are NA.

        It never fails on what a SPARQL engine returns: datetimes in one time zone keep it,
        datetimes in several are converted to UTC, and a mix of datetimes with and without a
        time zone gives a column of Python datetimes; integers beyond ``Int64`` give a column of
        Python ints; a column holding a literal that is not of its datatype (``"abc"^^xsd:integer``)
        gives strings, every value its lexical form. ``xsd:date`` carries no time zone: the day is
        kept, its time zone dropped.

        >>> Rows(["n"], [(Literal(2**64),), (Literal(2),)]).to_dataframe()["n"].tolist()
        [18446744073709551616, 2]
        """
        import pandas as pd

        columns = {name: _column(pd, self._values(name, short)) for name in self.variables}
        return pd.DataFrame(columns, columns=list(self.variables))

    def _values(self, name: str, short: bool) -> list[Node | None]:
        values = self.column(name)
        if not short:
            return values
        return [Literal(self._short(v)) if isinstance(v, URIRef) else v for v in values]


class ResultGraph(Graph):
    """The graph of a CONSTRUCT or DESCRIBE query: an rdflib :class:`~rdflib.Graph`, shown short.

    Its ``repr`` gives its size; in a notebook it shows as a table of its triples.

    >>> graph = ResultGraph()
    >>> graph.add((URIRef("urn:x:a"), URIRef("urn:x:p"), Literal("ក", lang="km")))
    <Graph: 1 triple>
    """

    def __repr__(self) -> str:
        """Show the number of triples."""
        n = len(self)
        return f"<Graph: {n:,} triple{'' if n == 1 else 's'}>"

    def _repr_html_(self) -> str:
        """Return the triples, sorted, as a subject, predicate and object table, cut if long.

        Names are shortened with the graph's prefixes; Khmer literals carry ``lang="km"``.
        """
        most = display.MAX_ROWS
        # sorted by the text of each term, an order that no mix of terms can fail on
        key = _triple_text
        triples = sorted(self, key=key) if most is None else heapq.nsmallest(most, self, key=key)
        table = display.table(
            ("subject", "predicate", "object"),
            triples,
            namespaces=self.namespace_manager,
            total=len(self),
            noun="triples",
        )
        return display.block(f"<p>{html.escape(repr(self))}</p>", table)


def _triple_text(triple: tuple[Node, Node, Node]) -> tuple[str, str, str]:
    subject, predicate, object_ = triple
    return (str(subject), str(predicate), str(object_))


def _width(text: str) -> int:
    """Return how many columns ``text`` takes in a terminal.

    Khmer vowel signs and the subscript consonants written after a coeng (U+17D2) take none.
    """
    width, after_coeng = 0, False
    for char in text:
        if not after_coeng and unicodedata.category(char) not in ("Mn", "Me", "Cf"):
            width += 1
        after_coeng = char == "\u17d2"
    return width


def _json_term(value: Node) -> Mapping[str, str]:
    if isinstance(value, URIRef):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    assert isinstance(value, Literal)
    term = {"type": "literal", "value": str(value)}
    if value.language:
        term["xml:lang"] = value.language
    elif value.datatype is not None and value.datatype != XSD.string:
        term["datatype"] = str(value.datatype)
    return term


def _column(pd: Any, values: list[Node | None]) -> Any:
    present = [v for v in values if v is not None]
    types = {v.datatype if isinstance(v, Literal) else None for v in present}
    typed = None
    if present and types <= _INTEGER_TYPES:
        typed = _integers(pd, values)
    elif present and types <= _FLOAT_TYPES | _INTEGER_TYPES:
        typed = _floats(pd, values)
    elif present and types <= {XSD.boolean}:
        typed = _booleans(pd, values)
    elif present and types <= _DATE_TYPES:
        typed = _datetimes(pd, values)
    if typed is None:  # a value not of its datatype: show every value as written
        typed = pd.array([None if v is None else str(v) for v in values], dtype="string")
    return typed


# Lexical forms of XML Schema, read here rather than through rdflib's values: an ill-typed
# literal has no value there, and Python's int() and float() accept forms XSD does not
# ("1_000", Khmer digits, "infinity").
_INTEGER = re.compile(r"([+-]?[0-9]+)")
_GYEAR = re.compile(r"(-?[0-9]{4,})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# "inf", "-inf" and "nan" are not XSD, but rdflib writes them for INF, -INF and NaN.
_DOUBLE = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN|-?inf|nan"
)
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
_DATETIME = re.compile(
    r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})"
    r"(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_INT64 = range(-(2**63), 2**63)


def _lexical(value: Node) -> str:
    """Return the lexical form of a literal, with XSD's collapsed whitespace removed."""
    return str(value).strip(" \t\n\r")


def _parsed(values: list[Node | None], parse: Callable[[str, Node], _T]) -> list[_T | None] | None:
    """Return each value parsed from its lexical form, or None if one is not of its datatype."""
    try:
        return [None if v is None else parse(_lexical(v), v) for v in values]
    except ValueError:
        return None


def _as_int(lexical: str, value: Node) -> int:
    pattern = _GYEAR if isinstance(value, Literal) and value.datatype == XSD.gYear else _INTEGER
    if (match := pattern.fullmatch(lexical)) is None:
        raise ValueError(lexical)
    return int(match.group(1))


def _integers(pd: Any, values: list[Node | None]) -> Any:
    ints = _parsed(values, _as_int)
    if ints is None:
        return None
    if all(i is None or i in _INT64 for i in ints):
        return pd.array(ints, dtype="Int64")
    return pd.array([pd.NA if i is None else i for i in ints], dtype=object)


def _as_float(lexical: str, value: Node) -> float:
    datatype = value.datatype if isinstance(value, Literal) else None
    pattern = (
        _DECIMAL if datatype == XSD.decimal else _DOUBLE if datatype in _FLOAT_TYPES else _INTEGER
    )
    if not pattern.fullmatch(lexical):
        raise ValueError(lexical)
    return float(lexical)


def _floats(pd: Any, values: list[Node | None]) -> Any:
    import numpy as np

    floats = _parsed(values, _as_float)
    if floats is None:
        return None
    # Built from data and mask, so that a NaN double stays NaN and only unbound values are NA.
    data = np.array([0.0 if f is None else f for f in floats], dtype="float64")
    return pd.arrays.FloatingArray(data, np.array([f is None for f in floats]))


def _as_bool(lexical: str, value: Node) -> bool:
    try:
        return _BOOLEAN[lexical]
    except KeyError:
        raise ValueError(lexical) from None


def _booleans(pd: Any, values: list[Node | None]) -> Any:
    booleans = _parsed(values, _as_bool)
    return None if booleans is None else pd.array(booleans, dtype="boolean")


def _as_datetime(lexical: str, value: Node) -> dt.datetime:
    """Read an ``xsd:date`` or ``xsd:dateTime``; a date is its midnight, without time zone."""
    is_date = isinstance(value, Literal) and value.datatype == XSD.date
    match = _DATETIME.fullmatch(lexical)
    if match is None or is_date != (match.group(4) is None):
        raise ValueError(lexical)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if is_date:
        return dt.datetime(int(year), int(month), int(day))
    tzinfo = None
    if zone == "Z":
        tzinfo = dt.UTC
    elif zone is not None:
        minutes = int(zone[1:3]) * 60 + int(zone[4:6])
        tzinfo = dt.timezone(dt.timedelta(minutes=-minutes if zone[0] == "-" else minutes))
    microsecond = int((fraction or "").ljust(6, "0")[:6])
    if hour == "24" and minute == second == "00" and not microsecond:  # the end of the day
        midnight = dt.datetime(int(year), int(month), int(day), tzinfo=tzinfo)
        return midnight + dt.timedelta(days=1)
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), microsecond, tzinfo
    )


def _datetimes(pd: Any, values: list[Node | None]) -> Any:
    datetimes = _parsed(values, _as_datetime)
    if datetimes is None:
        return None
    present = [d for d in datetimes if d is not None]
    as_objects = pd.array([pd.NA if d is None else d for d in datetimes], dtype=object)
    if len({d.tzinfo is None for d in present}) > 1:  # local times cannot be placed in UTC
        return as_objects
    try:
        return pd.to_datetime(datetimes, utc=len({d.utcoffset() for d in present}) > 1)
    except (ValueError, OverflowError):  # out of pandas' range (nanoseconds before pandas 3)
        return as_objects
