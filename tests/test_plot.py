"""Tests of accsm_kg.plot: the timeline and network pictures, their fonts, files and command."""

from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.text import Text

import accsm_kg
from accsm_kg import plot
from accsm_kg.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

MEETINGS = """
SELECT (COUNT(DISTINCT ?meeting) AS ?n)
WHERE { ?meeting a accsm:Meeting ; schema:startDate ?start ; rdfs:label ?name }
"""
NODES = """
SELECT (COUNT(DISTINCT ?node) AS ?n)
WHERE {
  VALUES ?kind { accsm:CooperationFramework accsm:Country accsm:GovernmentAgency
                 accsm:Delegation accsm:Meeting accsm:Initiative }
  ?node a ?kind
}
"""


def count(kg: accsm_kg.KnowledgeGraph, query: str) -> int:
    return int(kg.query(query)[0].n)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def figures(kg: accsm_kg.KnowledgeGraph) -> dict[tuple[str, str], Figure]:
    """Both pictures in both languages, drawn once for the module."""
    return {
        (name, lang): getattr(plot, name)(kg, lang=lang)
        for name in ("timeline", "network")
        for lang in ("en", "km")
    }


def texts(figure: Figure) -> list[str]:
    """Every piece of text drawn on the figure, tick labels and legends included."""
    figure.draw_without_rendering()
    return [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "km"])
def test_timeline_has_one_marker_per_meeting(kg, figures, lang) -> None:
    """The timeline draws as many meeting markers as SPARQL counts meetings with a date."""
    figure = figures["timeline", lang]
    marks = [a for a in figure.findobj(Line2D) if (a.get_gid() or "").startswith("meeting-")]
    assert len(marks) == count(kg, MEETINGS) > 0
    assert set(figure.tooltips) == {m.get_gid() for m in marks}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "km"])
def test_network_has_one_node_per_thing(kg, figures, lang) -> None:
    """The network draws a node per framework, country, agency, delegation, meeting, initiative."""
    figure = figures["network", lang]
    nodes = [c for c in figure.findobj(PathCollection) if (c.get_gid() or "").startswith("node-")]
    assert len(nodes) == count(kg, NODES) > 0
    assert len(figure.tooltips) == len(nodes)


@pytest.mark.slow
def test_timeline_names_meetings_in_the_language_asked(figures) -> None:
    """English and Khmer timelines name the same meeting in their own language."""
    english, khmer = texts(figures["timeline", "en"]), texts(figures["timeline", "km"])
    assert "ACCSM Focal Points Meeting 2020" in english
    assert "កិច្ចប្រជុំមន្ត្រីបង្គោល ACCSM ឆ្នាំ២០២០" in khmer
    assert "ACCSM Focal Points Meeting 2020" not in khmer


@pytest.mark.slow
@pytest.mark.parametrize("name", ["timeline", "network"])
def test_khmer_labels_have_every_glyph(figures, name) -> None:
    """Every character of every Khmer label is in one of the chosen fonts: no missing-glyph box."""
    fonts = [FT2Font(str(path)) for path in plot.font_files("km")]
    labels = texts(figures[name, "km"])
    assert any("\u1780" <= c <= "\u17ff" for label in labels for c in label)
    missing = {
        c
        for label in labels
        for c in label
        if not c.isspace() and all(font.get_char_index(ord(c)) == 0 for font in fonts)
    }
    assert not missing, f"no glyph for {sorted(missing)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["timeline", "network"])
def test_khmer_renders_without_missing_glyph_warnings(figures, name) -> None:
    """Rendering the Khmer picture to PNG warns of no glyph missing from the fonts."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures[name, "km"].savefig(io.BytesIO(), format="png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert not caught


@pytest.mark.slow
def test_khmer_is_shaped(kg) -> None:
    """A subscript consonant (coeng) is shaped into its cluster, not drawn as a separate sign."""
    figure = Figure(figsize=(3, 1))
    families = plot.font_families("km")
    shaped = figure.text(0, 0.5, "ក្រ", fontfamily=families, fontsize=30)
    unshaped = figure.text(0, 0.5, "ក\u200c្\u200cរ", fontfamily=families, fontsize=30)
    figure.draw_without_rendering()
    renderer = figure._get_renderer()  # type: ignore[attr-defined]
    width = shaped.get_window_extent(renderer).width
    assert width < unshaped.get_window_extent(renderer).width


def test_font_families() -> None:
    """English needs only the Latin font; Khmer adds an installed Khmer font."""
    assert plot.font_families("en") == [plot.LATIN_FONT]
    families = plot.font_families("km")
    assert families[0] == plot.LATIN_FONT
    assert families[1] in plot.KHMER_FONTS


def test_missing_khmer_font_names_the_package(monkeypatch) -> None:
    """With no Khmer font installed, drawing in Khmer says which package to install."""
    monkeypatch.setattr(plot, "KHMER_FONTS", ("No Such Khmer Font",))
    with pytest.raises(accsm_kg.FontNotFoundError, match=plot.KHMER_FONT_PACKAGE) as error:
        plot.font_families("km")
    assert isinstance(error.value, LookupError)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.png", "png"), ("a.SVG", "svg"), ("a.html", "html"), ("a.htm", "html")],
)
def test_picture_format(name, expected) -> None:
    """The suffix names the format, in any case."""
    assert plot.picture_format(name) == expected


@pytest.mark.parametrize("name", ["a.pdf", "a", "a.png.txt"])
def test_picture_format_refuses_other_suffixes(name, tmp_path) -> None:
    """Other suffixes are a FormatError naming those that work; nothing is written."""
    with pytest.raises(accsm_kg.FormatError, match=r"\.png, \.svg or \.html"):
        plot.save(Figure(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_save_png_svg_html(figures, tmp_path) -> None:
    """PNG has its signature, SVG parses as XML, HTML holds the tooltips escaped and no fetch."""
    figure = figures["timeline", "en"]
    png = plot.save(figure, tmp_path / "t.png")
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    svg = plot.save(figure, tmp_path / "t.svg")
    assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    page = plot.save(figure, tmp_path / "t.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Meetings of the ACCSM and the ACCSM+3</title>" in page
    assert "<title>ACCSM Focal Points Meeting 2020\n2 Nov 2020" in page
    assert "<script src" not in page
    assert "<link" not in page
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_html_escapes_labels(tmp_path) -> None:
    """Markup in a label is escaped in the HTML page, never read as markup."""
    figure = plot.Picture(figsize=(2, 1))
    figure.suptitle("A & <B>")
    mark = figure.add_subplot().plot([0], [0], marker="o")[0]
    mark.set_gid("meeting-1")
    figure.tooltips["meeting-1"] = "<script>alert(1)</script> & co"
    page = plot.save(figure, tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<title>A &amp; &lt;B&gt;</title>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script>alert(1)" not in page


def test_same_figure_same_svg(tmp_path) -> None:
    """The SVG of a figure is the same each time it is written, so it can be committed."""
    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    first = plot.save(figure, tmp_path / "a.svg").read_bytes()
    assert plot.save(figure, tmp_path / "b.svg").read_bytes() == first


@pytest.mark.slow
def test_cli_writes_the_picture(tmp_path) -> None:
    """`accsm-kg plot network --lang km -o FILE` writes the file and exits 0."""
    out = tmp_path / "network.png"
    result = CliRunner().invoke(
        main, ["plot", "network", "--lang", "km", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_SIGNATURE)


def test_cli_bad_suffix_exits_2(tmp_path) -> None:
    """A suffix that names no picture format exits 2 with one line saying which work."""
    result = CliRunner().invoke(main, ["plot", "timeline", "-o", str(tmp_path / "t.pdf")])
    assert result.exit_code == 2
    assert "name the file .png, .svg or .html" in result.output
    assert not (tmp_path / "t.pdf").exists()


def test_cli_unknown_kind_exits_2(tmp_path) -> None:
    """A kind of picture other than timeline or network is click's usage error."""
    result = CliRunner().invoke(main, ["plot", "pie", "-o", str(tmp_path / "p.png")])
    assert result.exit_code == 2
    assert "'pie' is not one of 'timeline', 'network'" in result.output


def test_cli_needs_output() -> None:
    """-o is required."""
    result = CliRunner().invoke(main, ["plot", "timeline"])
    assert result.exit_code == 2
    assert "-o" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("name", ["timeline-en", "timeline-km", "network-en", "network-km"])
def test_committed_pictures_are_there(name) -> None:
    """The pictures of the bundled data are committed under docs/images/."""
    path = Path(__file__).parent.parent / "docs" / "images" / f"{name}.png"
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_picture_shows_itself_in_a_notebook() -> None:
    """A picture gives Jupyter a PNG of its own, with no pyplot and no inline backend."""
    figure = plot.Picture(figsize=(2, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    assert figure._repr_png_().startswith(PNG_SIGNATURE)
