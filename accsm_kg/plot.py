"""Pictures of the knowledge graph: a timeline of the meetings and a network of who is linked.

Each function returns a :class:`matplotlib.figure.Figure`, drawn without pyplot (so without
global state and without a display): a notebook shows it as it is, and :func:`save` writes it
as PNG, SVG or a self-contained interactive HTML page. Labels are in English or in Khmer
(``lang="km"``, falling back to English where the data has no Khmer label). Khmer is shaped by
matplotlib's libraqm layout (matplotlib 3.11 and later), so clusters with subscript consonants
such as ក្រសួង render as they should, in a Khmer font found by :func:`font_families`.

>>> from accsm_kg import load
>>> figure = timeline(load())
>>> figure.get_suptitle()
'Meetings of the ACCSM and the ACCSM+3'
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import textwrap
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import matplotlib as mpl
import networkx as nx
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox
from rdflib import Literal as RdfLiteral

from .errors import FontNotFoundError, FormatError
from .khmer import format_khmer_date, to_khmer_digits
from .knowledge_graph import KnowledgeGraph
from .publish import atomic_write

__all__ = [
    "KHMER_FONTS",
    "KHMER_FONT_PACKAGE",
    "Language",
    "Picture",
    "PictureFormat",
    "font_families",
    "font_files",
    "network",
    "picture_format",
    "save",
    "timeline",
]

#: The languages pictures are labelled in.
Language = Literal["en", "km"]
#: The formats :func:`save` writes, named by the suffix of the file.
PictureFormat = Literal["png", "svg", "html"]

#: The font every picture starts with: shipped with matplotlib, so always there.
LATIN_FONT = "DejaVu Sans"
#: Khmer fonts, best first: the first installed one draws the Khmer text.
KHMER_FONTS = ("Khmer OS System", "Noto Sans Khmer", "Khmer OS", "Khmer OS Content")
#: The Debian package that installs the first of :data:`KHMER_FONTS`.
KHMER_FONT_PACKAGE = "fonts-khmeros"

#: The resolution of pictures shown in a notebook.
_SCREEN_DPI = 100
_DPI = 150  # PNGs sharp enough to read the Khmer subscripts
_GREY = "#9a9a9a"

#: The few words of the pictures that are not in the data.
_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        "timeline": "Meetings of the ACCSM and the ACCSM+3",
        "network": "Countries, agencies, delegations, meetings and initiatives",
        "no_level": "Level not stated",
        "key": "Key to the numbers",
    },
    "km": {
        "timeline": "កិច្ចប្រជុំ ACCSM និង ACCSM+3",
        "network": "ប្រទេស ស្ថាប័ន គណៈប្រតិភូ កិច្ចប្រជុំ និងគម្រោង",
        "no_level": "មិនបញ្ជាក់កម្រិត",
        "key": "លេខ",
    },
}

_LEVEL_COLOURS = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e")
_LEVEL_ORDER = (  # the highest level first: it decides a meeting's colour when it has several
    "https://w3id.org/accsm-kg/concept/level-heads-of-civil-service",
    "https://w3id.org/accsm-kg/concept/level-senior-officials",
    "https://w3id.org/accsm-kg/concept/level-focal-points",
)

_ACCSM = "https://w3id.org/accsm-kg/ontology#"
_COUNTRY = f"{_ACCSM}Country"
#: The kinds of node of the network, with their colour, in the order of the legend.
_KINDS: tuple[tuple[str, str], ...] = (
    (f"{_ACCSM}CooperationFramework", "#6a3d9a"),
    (f"{_ACCSM}Country", "#1f78b4"),
    (f"{_ACCSM}GovernmentAgency", "#33a02c"),
    (f"{_ACCSM}Delegation", "#e31a1c"),
    (f"{_ACCSM}Meeting", "#ff7f00"),
    (f"{_ACCSM}Initiative", "#b15928"),
)
#: Kinds whose names are long: numbered on the graph, named in the key beside it.
_KEYED = (f"{_ACCSM}Meeting", f"{_ACCSM}Delegation", f"{_ACCSM}Initiative")

_LABELS = """
SELECT ?entity ?english ?wanted
WHERE {
  ?entity rdfs:label|skos:prefLabel ?english .
  FILTER(langMatches(lang(?english), "en"))
  OPTIONAL {
    ?entity rdfs:label|skos:prefLabel ?wanted .
    FILTER(langMatches(lang(?wanted), ?lang))
  }
}
"""
_SHORT = "SELECT ?entity ?short WHERE { ?entity skos:altLabel ?short }"
_VALUES = "VALUES ?kind { " + " ".join(f"<{kind}>" for kind, _ in _KINDS) + " }"
_NODES = f"SELECT DISTINCT ?node ?kind WHERE {{ {_VALUES} ?node a ?kind }}"
_EDGES = f"""
SELECT DISTINCT ?a ?b
WHERE {{
  {_VALUES.replace("?kind", "?kind_a")}
  {_VALUES.replace("?kind", "?kind_b")}
  ?a a ?kind_a ; ?link ?b .
  ?b a ?kind_b .
  FILTER(?a != ?b)
}}
"""
_DATES = """
SELECT ?entity ?start WHERE { ?entity schema:startDate ?start }
"""


class Picture(Figure):
    """A matplotlib figure that also holds the tooltips of its marks, for :func:`save` as HTML.

    ``tooltips`` maps the ``gid`` of an artist (a meeting, a node) to the text shown when the
    pointer rests on it in the HTML page.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tooltips: dict[str, str] = {}

    def _repr_png_(self) -> bytes:
        """Show the picture in Jupyter, without pyplot, at screen resolution."""
        out = io.BytesIO()
        self.savefig(out, format="png", dpi=_SCREEN_DPI, metadata={"Software": None})
        return out.getvalue()


# -- fonts ----------------------------------------------------------------------------------------


def font_families(lang: Language = "en") -> list[str]:
    """Return the font families text is set in: a Latin font, then a Khmer one for ``"km"``.

    matplotlib takes each character from the first family that has it. matplotlib keeps its
    list of fonts in a cache; a Khmer font installed after the cache was made is found too.

    :raises FontNotFoundError: for ``"km"`` when no font of :data:`KHMER_FONTS` is installed

    >>> font_families("en")
    ['DejaVu Sans']
    """
    if lang == "en":
        return [LATIN_FONT]
    return [LATIN_FONT, _khmer_family()]


def font_files(lang: Language = "en") -> list[Path]:
    """Return the font files of :func:`font_families`, in the same order.

    >>> font_files("en")[0].name
    'DejaVuSans.ttf'
    """
    return [
        Path(font_manager.findfont(font_manager.FontProperties(family=family)))
        for family in font_families(lang)
    ]


def _khmer_family() -> str:
    """Return the first Khmer font installed, adding it to matplotlib's list if it is missing."""
    found = _installed(KHMER_FONTS)
    if found is None:
        # The cache may predate the font: look for the files, and tell matplotlib of them.
        for path in font_manager.findSystemFonts():
            try:
                family = font_manager.get_font(path).family_name
            except (OSError, RuntimeError):  # a file FreeType cannot read: not ours to mend
                continue
            if family in KHMER_FONTS:
                font_manager.fontManager.addfont(path)
        found = _installed(KHMER_FONTS)
    if found is None:
        raise FontNotFoundError(
            f"no Khmer font is installed (looked for {', '.join(KHMER_FONTS)}): install one, "
            f"e.g. `apt-get install {KHMER_FONT_PACKAGE}` (Khmer OS) or fonts-noto-core "
            "(Noto Sans Khmer)"
        )
    return found


def _installed(families: Iterable[str]) -> str | None:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in families if family in known), None)


# -- data -----------------------------------------------------------------------------------------


def _labels(kg: KnowledgeGraph, lang: Language) -> dict[str, str]:
    """Return the label of everything labelled, in ``lang`` or else in English."""
    wanted: dict[str, set[str]] = defaultdict(set)
    english: dict[str, set[str]] = defaultdict(set)
    for row in kg.query(_LABELS, {"lang": RdfLiteral(lang)}):
        key = str(row.entity)
        english[key].add(_clean(row.english))
        if row.wanted is not None:
            wanted[key].add(_clean(row.wanted))
    return {key: min(wanted.get(key) or english[key]) for key in english}


def _clean(term: Any) -> str:
    """Return a label on one line, with its white space collapsed."""
    return " ".join(str(term).split())


def _acronyms(kg: KnowledgeGraph) -> dict[str, str]:
    """Return the acronym among each thing's alternative labels (``OCSC``, ``ACCSM+3``)."""
    found: dict[str, str] = {}
    for row in kg.query(_SHORT):
        short = str(row.short).strip()
        if re.fullmatch(r"[A-Z][A-Z0-9+&-]{1,9}", short):
            key = str(row.entity)
            found[key] = min(found.get(key, short), short)
    return found


def _initials(label: str) -> str:
    """Make an acronym of a name that has none: ``Ministry of Civil Service`` gives ``MCS``."""
    words = [w for w in re.split(r"[\s,]+", label) if w[:1].isupper()]
    return "".join(w[0] for w in words) or label[:6]


def _as_date(term: Any) -> dt.date | None:
    """Return the date of an ``xsd:date`` or ``xsd:dateTime`` literal; ``None`` for others."""
    value = term.toPython() if isinstance(term, RdfLiteral) else None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _x(day: dt.date) -> float:
    """Return where a day stands on a matplotlib date axis."""
    return float(date2num(day))  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped


def _digits(text: str, lang: Language) -> str:
    """Write the ASCII digits of ``text`` as Khmer digits in a Khmer picture."""
    return re.sub(r"\d+", lambda m: to_khmer_digits(m.group()), text) if lang == "km" else text


def _bold(lang: Language) -> str:
    """Return the weight of emphasised text: Khmer fonts often have no bold, so none in Khmer."""
    return "bold" if lang == "en" else "normal"


def _day(day: dt.date, lang: Language) -> str:
    return format_khmer_date(day) if lang == "km" else f"{day.day} {day:%b %Y}"


# -- timeline -------------------------------------------------------------------------------------


@dataclass
class _Meeting:
    iri: str
    name: str
    start: dt.date
    framework: str | None
    levels: list[str]
    location: str | None


def _meetings(kg: KnowledgeGraph) -> list[_Meeting]:
    """Return the meetings with a start date, through the named query ``meetings-with-sources``."""
    found: dict[str, _Meeting] = {}
    for row in kg.named_query("meetings-with-sources"):
        start = _as_date(row.start_date)
        if start is None:
            continue
        key = str(row.meeting)
        meeting = found.setdefault(
            key,
            _Meeting(
                key,
                _clean(row.name),
                start,
                None if row.framework is None else str(row.framework),
                [],
                None if row.location is None else _clean(row.location),
            ),
        )
        if row.level is not None and str(row.level) not in meeting.levels:
            meeting.levels.append(str(row.level))
    for meeting in found.values():
        meeting.levels.sort(key=lambda level: (_rank(level), level))
    return sorted(found.values(), key=lambda m: (m.start, m.iri))


def _rank(level: str) -> int:
    return _LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else len(_LEVEL_ORDER)


def timeline(kg: KnowledgeGraph, *, lang: Language = "en") -> Figure:
    """Draw the meetings on a time axis: one row each, grouped by framework, coloured by level.

    A meeting held at two levels at once is drawn half in each colour. Names are in ``lang``,
    or in English where the data has no name in ``lang``.

    :param kg: the knowledge graph
    :param lang: ``"en"`` or ``"km"``
    :returns: a :class:`Picture` (a matplotlib figure); one marker per meeting, whose ``gid``
        is ``meeting-N`` in date order
    :raises FontNotFoundError: for ``"km"`` when no Khmer font is installed

    >>> from accsm_kg import load
    >>> figure = timeline(load(), lang="km")
    >>> figure.get_suptitle()
    'កិច្ចប្រជុំ ACCSM និង ACCSM+3'
    """
    families = font_families(lang)
    words = _WORDS[lang]
    labels = _labels(kg, lang)
    short = _acronyms(kg)
    meetings = _meetings(kg)

    frameworks = list(dict.fromkeys(m.framework for m in meetings))  # by their first meeting
    levels = sorted({lv for m in meetings for lv in m.levels}, key=lambda lv: (_rank(lv), lv))
    colours = {lv: _LEVEL_COLOURS[i % len(_LEVEL_COLOURS)] for i, lv in enumerate(levels)}

    rows: list[tuple[float, _Meeting]] = []  # y (0 at the top, growing down) and meeting
    bands: list[tuple[float, float, str | None]] = []
    y = 0.0
    for framework in frameworks:
        top = y
        y += 0.9  # a row for the name of the framework
        for meeting in (m for m in meetings if m.framework == framework):
            rows.append((y, meeting))
            y += 1
        bands.append((top - 0.5, y - 0.5, framework))
        y += 0.4  # a gap between the frameworks

    height = 1.6 + 0.34 * len(rows) + 0.4 * len(frameworks)
    figure = Picture(figsize=(13, height), dpi=100, layout="constrained")
    ax = figure.add_subplot()
    text: dict[str, Any] = {"fontfamily": families}
    bold = _bold(lang)
    figure.suptitle(words["timeline"], fontsize=14, **text)

    first = min((m.start for m in meetings), default=dt.date.today())
    last = max((m.start for m in meetings), default=first)
    years = list(range(first.year, last.year + 2))
    for top, bottom, framework in bands:
        name = short.get(framework or "", labels.get(framework or "", "")) if framework else ""
        ax.axhspan(top, bottom, color="#f2f2f2" if len(bands) > 1 else "none", zorder=0)
        ax.text(
            _x(dt.date(years[0], 1, 1)),
            top + 0.15,
            f" {name}",
            va="top",
            ha="left",
            fontsize=10,
            fontweight=bold,
            color="#444444",
            **text,
        )
    for index, (row_y, meeting) in enumerate(rows, start=1):
        x = _x(meeting.start)
        first_level = meeting.levels[0] if meeting.levels else None
        second_level = meeting.levels[1] if len(meeting.levels) > 1 else first_level
        (mark,) = ax.plot(
            [x],
            [row_y],
            marker="o",
            markersize=10,
            linestyle="none",
            fillstyle="left" if second_level != first_level else "full",
            markerfacecolor=colours.get(first_level or "", _GREY),
            markerfacecoloralt=colours.get(second_level or "", _GREY),
            markeredgecolor="#333333",
            markeredgewidth=0.6,
            zorder=3,
        )
        gid = f"meeting-{index}"
        mark.set_gid(gid)
        where = f" — {meeting.location}" if meeting.location else ""
        level_names = ", ".join(labels.get(lv, lv) for lv in meeting.levels)
        name = labels.get(meeting.iri, meeting.name)
        figure.tooltips[gid] = "\n".join(
            part for part in (name, _day(meeting.start, lang) + where, level_names) if part.strip()
        )
        ax.annotate(
            _digits(_day(meeting.start, lang), lang),
            (x, row_y),
            xytext=(9, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
            color="#444444",
            **text,
        )
    ax.set_yticks(
        [row_y for row_y, _ in rows],
        [_wrap(labels.get(m.iri, m.name), 80) for _, m in rows],
        fontsize=8.5,
        **text,
    )
    ax.set_ylim(y - 0.3, -0.6)
    ticks = [_x(dt.date(year, 1, 1)) for year in years]
    every = max(1, round(len(years) / (24 if lang == "en" else 13)))  # Khmer digits are wider
    ax.set_xticks(
        ticks,
        [_digits(str(year), lang) if i % every == 0 else "" for i, year in enumerate(years)],
        fontsize=8,
        **text,
    )
    # room on the right for the date written beside the last meeting
    ax.set_xlim(ticks[0] - 60, ticks[-1] + (900 if lang == "en" else 1500))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)

    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=8, markerfacecolor=colours[lv],
               markeredgecolor="#333333", label=labels.get(lv, lv))
        for lv in levels
    ]  # fmt: skip
    if any(not m.levels for m in meetings):
        handles.append(
            Line2D([], [], marker="o", linestyle="none", markersize=8, markerfacecolor=_GREY,
                   markeredgecolor="#333333", label=words["no_level"])
        )  # fmt: skip
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 4),
        frameon=False,
        prop=font_manager.FontProperties(family=families, size=9),
    )
    return figure


def _wrap(label: str, width: int) -> str:
    """Break a long label in two lines at a space, if it has one near the middle."""
    if len(label) <= width:
        return label
    return "\n".join(textwrap.wrap(label, width=max(width, (len(label) + 1) // 2 + 4))[:2])


# -- network --------------------------------------------------------------------------------------


def _graph(kg: KnowledgeGraph) -> nx.Graph:
    """Return the graph of the things of :data:`_KINDS` and the statements that link them."""
    order = {kind: index for index, (kind, _) in enumerate(_KINDS)}
    kinds: dict[str, str] = {}
    for row in kg.query(_NODES):
        node, kind = str(row.node), str(row.kind)
        if node not in kinds or order[kind] < order[kinds[node]]:
            kinds[node] = kind
    graph = nx.Graph()
    for node in sorted(kinds):  # sorted: the same layout from the same data
        graph.add_node(node, kind=kinds[node])
    edges = sorted({tuple(sorted((str(row.a), str(row.b)))) for row in kg.query(_EDGES)})
    graph.add_edges_from(edges)
    return graph


def network(kg: KnowledgeGraph, *, lang: Language = "en") -> Figure:
    """Draw the frameworks, countries, agencies, delegations, meetings and initiatives, linked.

    Two things are linked when a statement joins them (an agency *of* a country, a meeting
    *hosted by* it, an initiative *proposed by* it...). Countries, frameworks and agencies are
    named on the graph (agencies by their acronym); meetings, delegations and initiatives are
    numbered, meetings by date, and named in a key beside the graph.

    :param kg: the knowledge graph
    :param lang: ``"en"`` or ``"km"``
    :returns: a :class:`Picture` (a matplotlib figure); one marker per node, whose ``gid`` is
        ``node-N``
    :raises FontNotFoundError: for ``"km"`` when no Khmer font is installed

    >>> from accsm_kg import load
    >>> figure = network(load())
    >>> figure.get_suptitle()
    'Countries, agencies, delegations, meetings and initiatives'
    """
    families = font_families(lang)
    words = _WORDS[lang]
    labels = _labels(kg, lang)
    english = labels if lang == "en" else _labels(kg, "en")
    short = _acronyms(kg)
    graph = _graph(kg)
    colours = dict(_KINDS)
    starts = {
        str(row.entity): day for row in kg.query(_DATES) if (day := _as_date(row.start)) is not None
    }

    # numbers for the long-named things, meetings by date, the others by name
    keyed: dict[str, list[str]] = {
        kind: sorted(
            (n for n, k in graph.nodes(data="kind") if k == kind),
            key=lambda n: (starts.get(n, dt.date.max), labels.get(n, n), n),
        )
        for kind in _KEYED
    }
    numbers: dict[str, int] = {}
    for kind in _KEYED:
        for node in keyed[kind]:
            numbers[node] = len(numbers) + 1

    positions: Mapping[str, Any] = nx.spring_layout(
        graph, seed=14, k=1.6 / max(len(graph), 1) ** 0.5, iterations=300
    )
    figure = Picture(figsize=(17, 11), dpi=100, layout="constrained")
    grid = figure.add_gridspec(1, 2, width_ratios=(2.1, 1))
    ax = figure.add_subplot(grid[0, 0])
    key = figure.add_subplot(grid[0, 1])
    text: dict[str, Any] = {"fontfamily": families}
    bold = _bold(lang)
    figure.suptitle(words["network"], fontsize=15, **text)

    ax.add_collection(
        LineCollection(
            [(positions[a], positions[b]) for a, b in graph.edges],
            colors="#8c8c8c",
            linewidths=0.7,
            alpha=0.5,
            zorder=1,
        )
    )
    acronyms = {node: short.get(node) or _initials(english.get(node, node)) for node in graph}
    shared = Counter(
        acronyms[n] for n, k in graph.nodes(data="kind") if k == f"{_ACCSM}GovernmentAgency"
    )
    named: dict[str, float] = {}  # the nodes named on the graph, and their marker size
    for index, node in enumerate(graph.nodes, start=1):
        kind = graph.nodes[node]["kind"]
        x, y = positions[node]
        size = _node_size(graph.degree[node])
        mark = ax.scatter(
            [x], [y], s=size, color=colours[kind], edgecolors="white", linewidths=0.8, zorder=2
        )
        gid = f"node-{index}"
        mark.set_gid(gid)
        name = labels.get(node, node.rsplit("/", 1)[-1])
        figure.tooltips[gid] = name
        if node in numbers:
            ax.text(x, y, _digits(str(numbers[node]), lang), ha="center", va="center",
                    fontsize=7, color="white", fontweight=bold, zorder=3, **text)  # fmt: skip
            continue
        acronym = acronyms[node]
        if kind == f"{_ACCSM}GovernmentAgency" and shared[acronym] > 1:
            # two agencies of one acronym (CSC, CSI): each with its country's name
            countries = [
                labels.get(n, n) for n in graph[node] if graph.nodes[n]["kind"] == _COUNTRY
            ]
            acronym = f"{acronym} ({min(countries)})" if countries else acronym
        shown = name if kind == _COUNTRY else acronym
        if kind == f"{_ACCSM}CooperationFramework" and node not in short:
            shown = name
        named[node] = size
        ax.annotate(
            shown,
            (x, y),
            xytext=(0, 3 + size**0.5 / 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9.5 if kind != f"{_ACCSM}GovernmentAgency" else 7.5,
            fontweight=bold if kind != f"{_ACCSM}GovernmentAgency" else "normal",
            color="#222222",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.75},
            **text,
        )  # fmt: skip
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.06)
    ax.set_axis_off()
    _place_labels(figure, ax, positions, graph, named)
    kinds_present = [
        kind for kind, _ in _KINDS if any(k == kind for _, k in graph.nodes(data="kind"))
    ]
    ax.legend(
        handles=[
            Line2D([], [], marker="o", linestyle="none", markersize=9, color=colours[kind],
                   label=labels.get(kind, kind.rsplit("#", 1)[-1]))
            for kind in kinds_present
        ],
        loc="lower left",
        frameon=False,
        prop=font_manager.FontProperties(family=families, size=10),
    )  # fmt: skip

    lines: list[tuple[str, str, str | None]] = []  # number (or heading), name, its colour
    for kind in _KEYED:
        if not keyed[kind]:
            continue
        lines.append((labels.get(kind, kind.rsplit("#", 1)[-1]), "", None))
        for node in keyed[kind]:
            name = _shorten(labels.get(node, node), 62)
            lines.append((_digits(str(numbers[node]), lang), name, colours[kind]))
        lines.append(("", "", None))
    key.set_axis_off()
    step = 1 / max(len(lines), 34)
    for row, (first, name, colour) in enumerate(lines):
        at = 1 - row * step
        if colour is None:  # a heading
            key.text(0, at, first, va="top", fontsize=9.5, fontweight=bold,
                     transform=key.transAxes, **text)  # fmt: skip
            continue
        key.text(0.04, at, first, va="top", ha="right", fontsize=8.5, fontweight=bold,
                 color=colour, transform=key.transAxes, **text)  # fmt: skip
        key.text(0.06, at, name, va="top", fontsize=8.5, color="#222222",
                 transform=key.transAxes, **text)  # fmt: skip
    return figure


_HAlign = Literal["left", "center", "right"]
_VAlign = Literal["bottom", "center", "top"]


def _node_size(degree: int) -> float:
    """Return the area of a node's marker, in points squared: the more links, the larger."""
    return 110 + 28 * min(degree, 20)


def _place_labels(
    figure: Figure,
    ax: Any,
    positions: Mapping[str, Any],
    graph: nx.Graph,
    named: Mapping[str, float],
) -> None:
    """Move each name on the graph above, below, right or left of its node, where it is free.

    The largest nodes are placed first, so the hubs keep the place above themselves.
    """
    canvas = FigureCanvasAgg(figure)  # to measure the text: no window, no pyplot
    figure.draw_without_rendering()
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]  # untyped in matplotlib
    points = figure.dpi / 72
    taken = []  # boxes of the markers, then of each name placed
    for node in graph.nodes:
        x, y = ax.transData.transform(positions[node])
        radius = _node_size(graph.degree[node]) ** 0.5 / 2 * points
        taken.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    annotations = [text for text in ax.texts if isinstance(text, Annotation)]
    by_node = dict(zip(named, annotations, strict=True))
    for node in sorted(named, key=lambda n: -named[n]):
        label = by_node[node]
        gap = 3 + named[node] ** 0.5 / 2
        choices: list[tuple[tuple[float, float], _HAlign, _VAlign]] = [
            ((0, gap), "center", "bottom"),
            ((0, -gap), "center", "top"),
            ((gap, 0), "left", "center"),
            ((-gap, 0), "right", "center"),
        ]
        for offset, ha, va in [*choices, choices[0]]:  # nowhere free: above, looked at first
            label.xyann = offset
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                break
        taken.append(box)


def _shorten(label: str, width: int) -> str:
    """Cut a label longer than ``width`` at a space, with an ellipsis."""
    if len(label) <= width:
        return label
    cut = label[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


# -- saving ---------------------------------------------------------------------------------------


def picture_format(path: str | Path) -> PictureFormat:
    """Return the format :func:`save` writes to ``path``, named by its suffix.

    :raises FormatError: for a suffix other than ``.png``, ``.svg`` or ``.html``

    >>> picture_format("docs/images/timeline-en.svg")
    'svg'
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    for known in get_args(PictureFormat):
        if suffix == known:
            return known  # type: ignore[no-any-return]
    raise FormatError(
        f"{path}: cannot write a picture as {Path(path).suffix or 'a file without a suffix'}; "
        "name the file .png, .svg or .html"
    )


def save(figure: Figure, path: str | Path) -> Path:
    r"""Write ``figure`` to ``path`` as PNG, SVG or an interactive HTML page, by its suffix.

    The file is written beside ``path`` and renamed over it when complete. SVG keeps the
    glyphs as shapes, so it looks the same without the fonts; the HTML page holds that SVG,
    a tooltip on each meeting or node of a :class:`Picture`, and pans (drag) and zooms (wheel;
    double-click resets) without fetching anything.

    :returns: the path written
    :raises FormatError: for a suffix other than ``.png``, ``.svg`` or ``.html``
    :raises DumpError: when the folder does not exist

    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save(Figure(), Path(folder) / "empty.png")
    ...     written.read_bytes()[:4]
    b'\x89PNG'
    """
    path = Path(path)
    kind = picture_format(path)
    data = _html(figure) if kind == "html" else _render(figure, kind)
    atomic_write(path, data)
    return path


def _render(figure: Figure, kind: Literal["png", "svg"]) -> bytes:
    """Return the bytes of ``figure`` as PNG or SVG, the same for the same figure."""
    out = io.BytesIO()
    # a fixed salt and no date: the same picture gives the same SVG, to commit
    with mpl.rc_context({"svg.hashsalt": "accsm-kg", "svg.fonttype": "path"}):
        figure.savefig(
            out,
            format=kind,
            dpi=_DPI,
            metadata={"Date": None} if kind == "svg" else {"Software": None},
        )
    return out.getvalue()


_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ margin: 0; font-family: sans-serif; }}
p {{ margin: 0.4em 1em; color: #555; font-size: 0.9em; }}
svg {{ display: block; width: 100%; height: auto; cursor: grab; touch-action: none; }}
</style>
</head>
<body>
<p>{hint}</p>
{svg}
<script>
// pan by dragging, zoom with the wheel, double-click to reset: the viewBox moves, nothing loads
const svg = document.querySelector("svg");
const box = svg.viewBox.baseVal;
const home = [box.x, box.y, box.width, box.height];
let drag = null;
function point(event) {{
  const r = svg.getBoundingClientRect();
  return [box.x + (event.clientX - r.left) / r.width * box.width,
          box.y + (event.clientY - r.top) / r.height * box.height];
}}
svg.addEventListener("wheel", (event) => {{
  event.preventDefault();
  const f = event.deltaY < 0 ? 0.8 : 1.25;
  const [x, y] = point(event);
  box.x = x - (x - box.x) * f; box.y = y - (y - box.y) * f;
  box.width *= f; box.height *= f;
}}, {{ passive: false }});
svg.addEventListener("pointerdown", (event) => {{ drag = point(event); }});
svg.addEventListener("pointermove", (event) => {{
  if (!drag) return;
  const [x, y] = point(event);
  box.x -= x - drag[0]; box.y -= y - drag[1];
}});
svg.addEventListener("pointerup", () => {{ drag = null; }});
svg.addEventListener("pointerleave", () => {{ drag = null; }});
svg.addEventListener("dblclick", () => {{ [box.x, box.y, box.width, box.height] = home; }});
</script>
</body>
</html>
"""


def _html(figure: Figure) -> bytes:
    """Return a page holding ``figure`` as SVG, with a ``<title>`` tooltip on each mark."""
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    root = ET.fromstring(_render(figure, "svg"))
    tooltips = figure.tooltips if isinstance(figure, Picture) else {}
    for group in root.iter(f"{{{_SVG}}}g"):
        tip = tooltips.get(group.get("id", ""))
        if tip:
            element = ET.Element(f"{{{_SVG}}}title")
            element.text = tip
            group.insert(0, element)
    title = figure.get_suptitle() or "accsm-kg"
    km = any("\u1780" <= c <= "\u17ff" for c in title)
    hint = (
        "អូសដើម្បីផ្លាស់ទី កង់កណ្ដុរដើម្បីពង្រីក ចុចពីរដងដើម្បីត្រឡប់"
        if km
        else "Drag to move, use the wheel to zoom, double-click to reset; rest the pointer "
        "on a mark for its name."
    )
    page = _PAGE.format(
        lang="km" if km else "en",
        title=html.escape(title),
        hint=html.escape(hint),
        svg=ET.tostring(root, encoding="unicode"),
    )
    return page.encode("utf-8")
