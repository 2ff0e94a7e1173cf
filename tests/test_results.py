"""Rows: named-tuple rows, typed DataFrames, JSON, CSV and text tables."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import warnings

import pandas as pd
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import accsm_kg
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
    assert list(rows[1:]) == [rows[1]]
    assert repr(rows) == "<Rows 2 row(s): ?who, ?size, ?day, ?year, ?name>"
    assert rows.column("size") == [Literal(8), Literal("5", datatype=XSD.positiveInteger)]


def test_slice_is_rows(kg) -> None:  # type: ignore[no-untyped-def]
    """A slice of rows is Rows with the same variables and prefixes, and renders as they do."""
    rows = kg.query("SELECT ?c ?n WHERE { VALUES (?c ?n) { (kg:cambodia 1) (kg:thailand 2) } }")
    first = rows[:1]
    assert isinstance(first, Rows)
    assert first.variables == ("c", "n")
    assert repr(first) == "<Rows 1 row(s): ?c, ?n>"
    assert first == Rows(["c", "n"], [rows[0]])
    assert first[0].n == Literal(1)
    assert first.to_dataframe()["n"].tolist() == [1]
    assert json.loads(first.to_json())["head"]["vars"] == ["c", "n"]
    assert "kg:cambodia" in first.to_table()
    assert "kg:thailand" not in first.to_table()
    assert "<td>kg:cambodia</td>" in first._repr_html_()
    assert [row.n for row in rows[::-1]] == [Literal(2), Literal(1)]
    assert len(rows[5:]) == 0
    assert rows[5:].variables == ("c", "n")


def test_column_of_unknown_name_errors() -> None:
    """Asking rows for a column they lack raises KeyError, as a row does, naming the variables."""
    with pytest.raises(KeyError, match="no variable 'y' in these rows: who, size, day, year, name"):
        _rows().column("y")


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


@pytest.fixture(params=["oxigraph", "rdflib"])
def any_store(request: pytest.FixtureRequest) -> str:
    """Each local store: they hand over literals differently (normalised or as written)."""
    return str(request.param)


def _frame_of(*values: Literal | None) -> pd.DataFrame:
    return Rows(["v"], [(v,) for v in values]).to_dataframe()


def test_dataframe_datetimes_and_time_zones(any_store: str) -> None:
    """Datetimes in one time zone keep it, in several become UTC, with and without are objects."""
    kg = accsm_kg.load(include_bundled=False, store=any_store)
    two_zones = kg.query(
        'SELECT ?d WHERE { VALUES ?d { "2020-11-02T10:00:00+07:00"^^xsd:dateTime '
        '"2020-11-02T03:00:00Z"^^xsd:dateTime } }'
    ).to_dataframe()["d"]
    assert str(two_zones.dtype).endswith(", UTC]")
    assert two_zones.tolist() == [pd.Timestamp("2020-11-02T03:00:00Z")] * 2
    one_zone = _frame_of(
        Literal("2020-11-02T10:00:00+07:00", datatype=XSD.dateTime),
        None,
        Literal("2020-11-18T09:30:00.5+07:00", datatype=XSD.dateTime),
    )["v"]
    assert str(one_zone.dtype).endswith(", UTC+07:00]")
    assert one_zone[2] == pd.Timestamp("2020-11-18T09:30:00.5+07:00")
    assert one_zone.isna().tolist() == [False, True, False]
    mixed = _frame_of(
        Literal("2020-11-02T10:00:00+07:00", datatype=XSD.dateTime),
        Literal("2020-11-02T10:00:00", datatype=XSD.dateTime),
    )["v"]
    assert mixed.dtype == object
    assert mixed.tolist() == [
        dt.datetime(2020, 11, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        dt.datetime(2020, 11, 2, 10),
    ]


def test_dataframe_date_time_zone_is_dropped(any_store: str) -> None:
    """An xsd:date with a time zone gives its day at midnight, without time zone."""
    kg = accsm_kg.load(include_bundled=False, store=any_store)
    rows = kg.query('SELECT ?d WHERE { VALUES ?d { "2020-11-02+07:00"^^xsd:date } }')
    frame = rows.to_dataframe()
    assert str(frame["d"].dtype).startswith("datetime64")
    assert frame["d"].dt.tz is None
    assert frame["d"][0] == dt.datetime(2020, 11, 2)


def test_dataframe_integers_beyond_int64(any_store: str) -> None:
    """Integers too large for Int64 give a column of exact Python ints, unbound as NA."""
    kg = accsm_kg.load(include_bundled=False, store=any_store)
    query = "SELECT ?k ?n WHERE { VALUES (?k ?n) { (1 99999999999999999999) (2 -5) (3 UNDEF) } }"
    column = kg.query(query).to_dataframe()["n"]
    assert column.dtype == object
    assert column.tolist()[:2] == [99999999999999999999, -5]
    assert column.isna().tolist() == [False, False, True]
    assert str(_frame_of(Literal(2**63 - 1), Literal(-(2**63)))["v"].dtype) == "Int64"


def test_dataframe_ill_typed_literals_stay_text(
    any_store: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A column with a literal not of its datatype gives every value's lexical form, silently."""
    kg = accsm_kg.load(include_bundled=False, store=any_store)
    rows = kg.query('SELECT ?n WHERE { VALUES ?n { "abc"^^xsd:integer 7 } }')
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        frame = rows.to_dataframe()
    assert caplog.records == []
    assert str(frame["n"].dtype) == "string"
    assert frame["n"].tolist() == ["abc", "7"]


@pytest.mark.parametrize(
    ("lexical", "datatype", "dtype", "value"),
    [
        ("៥", "integer", "string", "៥"),  # Python's int() reads Khmer digits; XSD does not
        ("1_000", "integer", "string", "1_000"),
        (" 42\n", "int", "Int64", 42),
        ("12345", "gYear", "Int64", 12345),
        ("-0044", "gYear", "Int64", -44),
        ("1.5e3", "decimal", "string", "1.5e3"),
        ("1.5e3", "double", "Float64", 1500.0),
        ("infinity", "double", "string", "infinity"),
        ("-INF", "double", "Float64", float("-inf")),
        ("1", "boolean", "boolean", True),
        ("x", "boolean", "string", "x"),
        ("2020-11-02", "dateTime", "string", "2020-11-02"),
        ("2020-11-02T24:00:00", "dateTime", "datetime64[us]", dt.datetime(2020, 11, 3)),
        ("10000-01-01", "date", "string", "10000-01-01"),
    ],
)
def test_dataframe_reads_xsd_lexical_forms(
    lexical: str, datatype: str, dtype: str, value: object
) -> None:
    """Typed columns follow XML Schema's lexical forms; any other form stays text."""
    with warnings.catch_warnings():  # rdflib warns of the ill-typed boolean it is given
        warnings.simplefilter("ignore")
        literal = Literal(lexical, datatype=XSD[datatype], normalize=False)
    column = _frame_of(literal)["v"]
    assert str(column.dtype) == dtype
    assert column[0] == value


def test_dataframe_nan_is_not_unbound() -> None:
    """A NaN double stays NaN, told apart from an unbound value, which is NA."""
    nan = Literal("NaN", datatype=XSD.double)  # rdflib writes it "nan"
    column = _frame_of(nan, None, Literal("NaN", datatype=XSD.double, normalize=False))["v"]
    assert str(column.dtype) == "Float64"
    assert column.isna().tolist() == [False, True, False]
    assert math.isnan(column[0])
    assert math.isnan(column[2])


def test_dataframe_dates_out_of_pandas_range() -> None:
    """A date pandas cannot hold in datetime64 still converts, to a datetime of that day."""
    column = _frame_of(Literal("0500-01-01", datatype=XSD.date))["v"]
    assert column[0] == dt.datetime(500, 1, 1)


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
