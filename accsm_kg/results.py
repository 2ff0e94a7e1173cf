"""Results of SELECT queries: rows that work like named tuples, and ways to render them.

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

import csv
import datetime as dt
import html
import io
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

from .terms import curie

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Row", "Rows"]

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


class Rows(Sequence[Row]):
    """The rows of a SELECT query, in order, with their variables.

    Render them with :meth:`to_dataframe`, :meth:`to_json`, :meth:`to_csv` or
    :meth:`to_table`; in a notebook they show as an HTML table.
    """

    def __init__(
        self,
        variables: Sequence[str],
        rows: Sequence[Sequence[Node | None]],
        *,
        namespaces: NamespaceManager | None = None,
    ) -> None:
        """Hold ``rows`` of values for ``variables``; ``namespaces`` shortens IRIs for display."""
        self.variables: tuple[str, ...] = tuple(variables)
        row_type = type("Row", (Row,), {"__slots__": (), "_fields": self.variables})
        self._rows: list[Row] = [row_type(row) for row in rows]
        self._namespaces = namespaces

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        """Return a row, or a list of rows for a slice."""
        return self._rows[index]

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self._rows)

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
        """Return the values of one variable, row by row."""
        index = self.variables.index(name)
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
        head = "".join(f"<th>{html.escape(v)}</th>" for v in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(self._short(v))}</td>" for v in row) + "</tr>"
            for row in self._rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def to_csv(self) -> str:
        """Return the rows as CSV in the SPARQL 1.1 CSV results format (full IRIs, plain text)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self._rows:
            writer.writerow(["" if v is None else str(v) for v in row])
        return out.getvalue()

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

    def to_dataframe(self) -> pd.DataFrame:
        """Return the rows as a pandas DataFrame with typed columns.

        Integers (and ``xsd:gYear``) become nullable ``Int64``, decimals and doubles ``Float64``,
        ``xsd:date`` and ``xsd:dateTime`` datetimes, booleans ``boolean``; IRIs and other literals
        are strings (language tags are dropped: read them from the rows).
        """
        import pandas as pd

        columns = {name: _column(pd, self.column(name)) for name in self.variables}
        return pd.DataFrame(columns, columns=list(self.variables))


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
    if present and types <= _INTEGER_TYPES:
        return pd.array([None if v is None else _as_int(v) for v in values], dtype="Int64")
    if present and types <= _FLOAT_TYPES | _INTEGER_TYPES:
        return pd.array([None if v is None else float(str(v)) for v in values], dtype="Float64")
    if present and types <= {XSD.boolean}:
        return pd.array(
            [None if v is None else str(v) in ("true", "1") for v in values], dtype="boolean"
        )
    if present and types <= _DATE_TYPES:
        return pd.to_datetime([None if v is None else _as_datetime(v) for v in values])
    return pd.array([None if v is None else str(v) for v in values], dtype="string")


def _as_int(value: Node) -> int:
    assert isinstance(value, Literal)
    if value.datatype == XSD.gYear:
        return int(str(value)[:4] if not str(value).startswith("-") else str(value)[:5])
    return int(str(value))


def _as_datetime(value: Node) -> dt.datetime:
    python = value.toPython() if isinstance(value, Literal) else None
    if isinstance(python, dt.datetime):
        return python
    if isinstance(python, dt.date):
        return dt.datetime(python.year, python.month, python.day)
    raise ValueError(f"not a date: {value!r}")
