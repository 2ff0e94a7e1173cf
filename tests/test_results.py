"""Rows: named-tuple rows, typed DataFrames, JSON, CSV and text tables."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from accsm_kg import Rows

IRI = URIRef("https://w3id.org/accsm-kg/id/cambodia")


def _rows() -> Rows:
    return Rows(
        ["who", "size", "day", "year", "name"],
        [
            (IRI, Literal(8), Literal(dt.date(2020, 11, 2)), Literal("2016", datatype=XSD.gYear),
             Literal("ឈី វិជ្ជរ៉ា", lang="km")),
            (None, Literal("5", datatype=XSD.positiveInteger), None, None, Literal("x")),
        ],
    )  # fmt: skip


def test_rows_by_position_and_name() -> None:
    """Each row is a tuple whose values are also reachable by variable name."""
    row = _rows()[0]
    assert row[0] == row.who == row["who"] == IRI
    assert row._asdict()["size"] == Literal(8)
    assert tuple(row)[1] == Literal(8)
    who, *_ = row
    assert who == IRI


def test_unknown_name_errors() -> None:
    """Asking a row for a variable it lacks raises, naming the variables it has."""
    row = _rows()[0]
    with pytest.raises(AttributeError, match="who, size"):
        _ = row.nobody
    with pytest.raises(KeyError, match="nobody"):
        _ = row["nobody"]


def test_rows_is_a_sequence() -> None:
    """Rows have a length, slices and a readable repr."""
    rows = _rows()
    assert len(rows) == 2
    assert rows[1:] == [rows[1]]
    assert repr(rows) == "<Rows 2 row(s): ?who, ?size, ?day, ?year, ?name>"
    assert rows.column("size") == [Literal(8), Literal("5", datatype=XSD.positiveInteger)]


def test_dataframe_columns_are_typed() -> None:
    """Integers become Int64, dates datetimes, gYear Int64, text strings; unbound is NA."""
    frame = _rows().to_dataframe()
    assert list(frame.columns) == ["who", "size", "day", "year", "name"]
    assert str(frame["size"].dtype) == "Int64"
    assert frame["size"].tolist() == [8, 5]
    assert str(frame["day"].dtype).startswith("datetime64")
    assert frame["day"][0] == dt.datetime(2020, 11, 2)
    assert str(frame["year"].dtype) == "Int64"
    assert frame["year"][0] == 2016
    assert frame["who"][0] == str(IRI)
    assert frame["name"][0] == "ឈី វិជ្ជរ៉ា"
    assert frame["who"].isna()[1]


def test_json_is_sparql_results_json() -> None:
    """to_json() writes the SPARQL 1.1 Query Results JSON format, Khmer unescaped."""
    document = json.loads(_rows().to_json())
    assert document["head"]["vars"] == ["who", "size", "day", "year", "name"]
    first, second = document["results"]["bindings"]
    assert first["who"] == {"type": "uri", "value": str(IRI)}
    assert first["name"] == {"type": "literal", "value": "ឈី វិជ្ជរ៉ា", "xml:lang": "km"}
    assert first["size"]["datatype"] == str(XSD.integer)
    assert "who" not in second
    assert "ឈី" in _rows().to_json()


def test_csv_and_table() -> None:
    """CSV has a header and full IRIs; the table shortens IRIs when prefixes are known."""
    csv_text = _rows().to_csv()
    assert csv_text.splitlines()[0] == "who,size,day,year,name"
    assert csv_text.splitlines()[1].startswith(str(IRI) + ",8,2020-11-02,2016,")
    assert "<https://w3id.org/accsm-kg/id/cambodia>" in _rows().to_table()


def test_html_for_notebooks() -> None:
    """Rows render as an HTML table in notebooks, with values escaped."""
    html = Rows(["x"], [(Literal("<b>"),)])._repr_html_()
    assert "<th>x</th>" in html
    assert "&lt;b&gt;" in html


def test_named_query_rows_shorten_iris(kg) -> None:  # type: ignore[no-untyped-def]
    """Rows from a knowledge graph print IRIs with the graph's prefixes."""
    table = kg.query("SELECT ?c WHERE { BIND(kg:cambodia AS ?c) }").to_table()
    assert "kg:cambodia" in table
